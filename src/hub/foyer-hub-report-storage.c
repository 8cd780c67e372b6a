/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-storage.c: fills a FoyerHubReportModel from the stored records: the
 * database picks the fields out of the bodies (json_extract / jsonb), joins the interests and
 * converts the time, so no body is parsed here — parsing 400,000 bodies with json-glib took 18 s
 * of a report that must take less than 10. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-report-storage.h"

enum {
  A_ID, A_TYPE, A_DEVICE, A_BADGE, A_CATEGORY, A_SEEN_AT, A_AREA, A_INTERESTS, A_PHONE, A_EMAIL,
  A_CONSENT, A_ORGANIZATION, A_TITLE, A_CITY, A_DIRECTION, A_N
};

#define EMPTY_TO_NULL(s) (*(s) != '\0' ? (s) : NULL)

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
  g_auto(GStrv) interests = NULL;
  FoyerHubVisitorRow visitor;

  if (n < A_N || strcmp (c[A_DIRECTION], "exit") == 0)
    return TRUE;
  /* the database joined the interests with the unit separator */
  interests = *c[A_INTERESTS] != '\0' ? g_strsplit (c[A_INTERESTS], "\x1f", -1)
                                      : g_new0 (char *, 1);
  visitor = (FoyerHubVisitorRow) {
    /* a badge checked in on two days is one registration seen twice */
    .registration_id = strcmp (c[A_TYPE], "check_in") == 0 && *c[A_BADGE] != '\0'
                       ? c[A_BADGE] : c[A_ID],
    .category = EMPTY_TO_NULL (c[A_CATEGORY]),
    .seen_at = g_ascii_strtoll (c[A_SEEN_AT], NULL, 10),
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

typedef struct {
  FoyerHubStorage     *storage;
  const char          *event;
  const char          *tz_identifier;
  FoyerHubReportModel *model;
  GError              *error;
} LoadJob;

static gpointer
load_thread (gpointer data)
{
  LoadJob *job = data;

  job->model = foyer_hub_report_model_load (job->storage, job->event, job->tz_identifier,
                                            &job->error);
  return NULL;
}

gboolean
foyer_hub_report_models_load (FoyerHubStorage *storage, const char *event,
                              const char *previous_event, const char *tz_identifier,
                              FoyerHubReportModel **model, FoyerHubReportModel **previous,
                              GError **error)
{
  LoadJob job = { storage, previous_event, tz_identifier, NULL, NULL };
  GThread *thread = previous_event != NULL ? g_thread_new ("report-load", load_thread, &job)
                                           : NULL;
  g_autoptr(GError) local = NULL;

  *model = foyer_hub_report_model_load (storage, event, tz_identifier, &local);
  if (thread != NULL)
    g_thread_join (thread);
  *previous = job.model;
  if (*model != NULL && (previous_event == NULL || *previous != NULL))
    return TRUE;
  g_clear_object (model);
  g_clear_object (previous);
  g_propagate_error (error, local != NULL ? g_steal_pointer (&local)
                                          : g_steal_pointer (&job.error));
  g_clear_error (&job.error);
  return FALSE;
}
