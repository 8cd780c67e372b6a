/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-model.h: what a post-show report is computed from — plain rows per visitor
 * arrival and per lead, filled by the hub's storage queries (or by a test), nothing else.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One arrival of one registration: a walk-in registering, or a badge checked in. Several rows
 * with the same registration_id are the same registration seen again (another day, another gate). */
typedef struct {
  const char  *registration_id;
  const char  *category;      /* FOYER_CATEGORY_* */
  gint64       seen_at;       /* Unix time, seconds */
  const char  *gate;          /* the kiosk or gate that saw it */
  const char  *area;          /* hall / area of that gate; NULL when unknown */
  const char *const *interests;
  const char  *mobile;        /* as typed or scanned; normalised (E.164) by the model */
  const char  *email;         /* as typed or scanned; normalised by the model */
  gboolean     consent;
  gboolean     has_company;
  gboolean     has_title;
  const char  *region;        /* where the visitor comes from (city or province); NULL = unknown */
} FoyerHubVisitorRow;

typedef struct {
  const char  *booth;         /* booth / exhibitor */
  const char  *exhibitor;     /* the exhibitor's name; NULL = the booth id */
  const char  *rating;        /* FOYER_RATING_* or NULL */
  gboolean     follow_up;
} FoyerHubLeadRow;

/* The stored, normalised form of a visitor row (read-only for the report). */
typedef struct {
  char        *registration_id;
  char        *category;
  gint64       seen_at;
  char        *gate;
  char        *area;
  char       **interests;
  char        *mobile;        /* E.164 or NULL when absent or not a plausible number */
  char        *email;         /* lower-case or NULL when absent or invalid */
  gboolean     consent;
  gboolean     has_company;
  gboolean     has_title;
  char        *region;
} FoyerHubVisitor;

typedef struct {
  char        *booth;
  char        *exhibitor;
  char        *rating;
  gboolean     follow_up;
} FoyerHubLead;

#define FOYER_TYPE_HUB_REPORT_MODEL (foyer_hub_report_model_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubReportModel, foyer_hub_report_model, FOYER, HUB_REPORT_MODEL, GObject)

/* event: the event id; tz_identifier: the show's local time (IANA id, NULL = the machine's) used for
 * days and hours. */
FoyerHubReportModel *foyer_hub_report_model_new          (const char                *event,
                                                          const char                *tz_identifier);
const char          *foyer_hub_report_model_get_event    (FoyerHubReportModel       *self);
/* The event's display name (default: its id). */
void                 foyer_hub_report_model_set_name     (FoyerHubReportModel       *self,
                                                          const char                *name);
const char          *foyer_hub_report_model_get_name     (FoyerHubReportModel       *self);
GTimeZone           *foyer_hub_report_model_get_timezone (FoyerHubReportModel       *self);
/* Phones without a country code are read for region (default "CN"). */
void                 foyer_hub_report_model_set_region   (FoyerHubReportModel       *self,
                                                          const char                *region);
void                 foyer_hub_report_model_add_visitor  (FoyerHubReportModel       *self,
                                                          const FoyerHubVisitorRow  *row);
void                 foyer_hub_report_model_add_lead     (FoyerHubReportModel       *self,
                                                          const FoyerHubLeadRow     *row);
/* Rows in the order added. */
const FoyerHubVisitor *foyer_hub_report_model_get_visitors (FoyerHubReportModel     *self,
                                                            guint                   *n_visitors);
const FoyerHubLead    *foyer_hub_report_model_get_leads    (FoyerHubReportModel     *self,
                                                            guint                   *n_leads);

G_END_DECLS
