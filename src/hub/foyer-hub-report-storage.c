/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-storage.c: fills a FoyerHubReportModel from the stored records: the
 * database picks the fields out of the bodies (json_extract / jsonb), so no body is parsed here —
 * parsing 400,000 bodies with json-glib took 18 s of a report that must take less than 10. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <json-glib/json-glib.h>

#include "foyer-hub-report-storage.h"

enum {
  A_ID, A_TYPE, A_DEVICE, A_BADGE, A_CATEGORY, A_CREATED, A_AREA, A_INTERESTS, A_PHONE, A_EMAIL,
  A_CONSENT, A_ORGANIZATION, A_TITLE, A_CITY, A_DIRECTION, A_N
};

#define EMPTY_TO_NULL(s) (*(s) != '\0' ? (s) : NULL)

/* A JSON array of strings (the interests) as a NULL-terminated vector. */
static char **
string_array (const char *json)
{
  g_autoptr(JsonNode) node = *json == '[' ? json_from_string (json, NULL) : NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node)
                                                                  : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++) {
    JsonNode *element = json_array_get_element (array, i);
    if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
      g_ptr_array_add (out, g_strdup (json_node_get_string (element)));
  }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_true (const char *value)
{
  return strcmp (value, "1") == 0 || strcmp (value, "true") == 0;
}

/* One walk-in or check-in, its fields read from the body by the database. */
static gboolean
add_arrival (const char *const *c, guint n, gpointer data)
{
  FoyerHubReportModel *model = data;
  g_autoptr(GDateTime) seen = NULL;
  g_auto(GStrv) interests = NULL;
  FoyerHubVisitorRow visitor;

  if (n < A_N || strcmp (c[A_DIRECTION], "exit") == 0)
    return TRUE;
  seen = g_date_time_new_from_iso8601 (c[A_CREATED], NULL);
  interests = string_array (c[A_INTERESTS]);
  visitor = (FoyerHubVisitorRow) {
    /* a badge checked in on two days is one registration seen twice */
    .registration_id = strcmp (c[A_TYPE], "check_in") == 0 && *c[A_BADGE] != '\0'
                       ? c[A_BADGE] : c[A_ID],
    .category = EMPTY_TO_NULL (c[A_CATEGORY]),
    .seen_at = seen != NULL ? g_date_time_to_unix (seen) : 0,
    .gate = EMPTY_TO_NULL (c[A_DEVICE]),
    .area = EMPTY_TO_NULL (c[A_AREA]),
    .interests = (const char *const *) interests,
    .mobile = EMPTY_TO_NULL (c[A_PHONE]),
    .email = EMPTY_TO_NULL (c[A_EMAIL]),
    .consent = is_true (c[A_CONSENT]),
    .has_company = *c[A_ORGANIZATION] != '\0',
    .has_title = *c[A_TITLE] != '\0',
    .region = EMPTY_TO_NULL (c[A_CITY]),
  };
  foyer_hub_report_model_add_visitor (model, &visitor);
  return TRUE;
}

static gboolean
add_lead (const char *const *c, guint n, gpointer data)
{
  FoyerHubReportModel *model = data;
  FoyerHubLeadRow lead;

  if (n < 3 || *c[0] == '\0')
    return TRUE;
  lead = (FoyerHubLeadRow) {
    .booth = c[0],
    .exhibitor = NULL,
    .rating = EMPTY_TO_NULL (c[1]),
    .follow_up = is_true (c[2]),
  };
  foyer_hub_report_model_add_lead (model, &lead);
  return TRUE;
}

FoyerHubReportModel *
foyer_hub_report_model_load (FoyerHubStorage *storage, const char *event,
                             const char *tz_identifier, GError **error)
{
  g_autoptr(FoyerHubEvent) info = foyer_hub_storage_event_get (storage, event, error);
  g_autoptr(FoyerHubReportModel) model = NULL;

  if (info == NULL)
    return NULL;
  model = foyer_hub_report_model_new (event, tz_identifier);
  if (info->name != NULL)
    foyer_hub_report_model_set_name (model, info->name);
  if (!foyer_hub_storage_web_foreach (storage, FOYER_HUB_WEB_REPORT_ARRIVALS, &event, 1,
                                      add_arrival, model, error)
      || !foyer_hub_storage_web_foreach (storage, FOYER_HUB_WEB_REPORT_LEADS, &event, 1,
                                         add_lead, model, error))
    return NULL;
  return g_steal_pointer (&model);
}
