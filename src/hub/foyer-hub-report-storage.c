/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-storage.c: fills a FoyerHubReportModel from the stored records (one pass per
 * record type, in change order, through the storage's streaming reader). */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <json-glib/json-glib.h>

#include "foyer-hub-report-storage.h"
#include "foyer-record.h"

static JsonObject *
parse_body (const char *body, JsonNode **node)
{
  *node = json_from_string (body, NULL);
  return *node != NULL && JSON_NODE_HOLDS_OBJECT (*node) ? json_node_get_object (*node) : NULL;
}

static gboolean
add_arrival (const FoyerHubRecordRow *row, gpointer data)
{
  FoyerHubReportModel *model = data;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = parse_body (row->body, &node);
  g_autoptr(FoyerRegistration) reg = object != NULL
                                     ? foyer_registration_from_json (object, NULL) : NULL;
  g_autoptr(GDateTime) seen = NULL;
  FoyerHubVisitorRow visitor;

  if (reg == NULL || g_strcmp0 (json_object_get_string_member_with_default (
                                  object, "direction", "entry"), "exit") == 0)
    return TRUE;
  seen = reg->created_at != NULL ? g_date_time_new_from_iso8601 (reg->created_at, NULL) : NULL;
  visitor = (FoyerHubVisitorRow) {
    /* a badge checked in on two days is one registration seen twice */
    .registration_id = g_strcmp0 (row->type, "check_in") == 0 && reg->badge_code != NULL
                       ? reg->badge_code : reg->id,
    .category = reg->category,
    .seen_at = seen != NULL ? g_date_time_to_unix (seen) : 0,
    .gate = row->device,
    .area = json_object_get_string_member_with_default (object, "area", NULL),
    .interests = (const char *const *) reg->interests,
    .mobile = reg->phones != NULL ? reg->phones[0] : NULL,
    .email = reg->emails != NULL ? reg->emails[0] : NULL,
    .consent = reg->consent_given,
    .has_company = reg->organization != NULL && *reg->organization != '\0',
    .has_title = reg->title != NULL && *reg->title != '\0',
    .region = reg->city,
  };
  if (visitor.registration_id != NULL)
    foyer_hub_report_model_add_visitor (model, &visitor);
  return TRUE;
}

static gboolean
add_lead (const FoyerHubRecordRow *row, gpointer data)
{
  FoyerHubReportModel *model = data;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = parse_body (row->body, &node);
  FoyerHubLeadRow lead;

  if (object == NULL)
    return TRUE;
  lead = (FoyerHubLeadRow) {
    .booth = json_object_get_string_member_with_default (object, "booth", NULL),
    .exhibitor = NULL,
    .rating = json_object_get_string_member_with_default (object, "rating", NULL),
    .follow_up = json_object_get_boolean_member_with_default (object, "follow_up", FALSE),
  };
  if (lead.booth != NULL)
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
  if (!foyer_hub_storage_records_foreach (storage, event, "registration", NULL, add_arrival,
                                          model, error)
      || !foyer_hub_storage_records_foreach (storage, event, "check_in", NULL, add_arrival,
                                             model, error)
      || !foyer_hub_storage_records_foreach (storage, event, "lead", NULL, add_lead, model,
                                             error))
    return NULL;
  return g_steal_pointer (&model);
}
