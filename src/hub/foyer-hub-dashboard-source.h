/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-dashboard-source.h: where the dashboard's figures come from — the hub's storage
 * implements it (for SQLite and PostgreSQL alike); tests implement it over fixtures.
 *
 * Every method may be called from a worker thread (the dashboard never blocks the server's
 * main loop on a query), so implementations must be thread-safe.
 *
 * JSON shapes (the pages in src/hub/web/ read them):
 *   OVERVIEW  {"registrations":N,"check_ins":N,"inside":N,"today":"YYYY-MM-DD",
 *              "per_hour":[{"hour":"09:00","count":N}],"by_category":[{"category":ID,"count":N}],
 *              "by_gate":[{"gate":G,"area":A,"count":N}]}                 counts only
 *   DEVICES   {"now":UNIX,"devices":[{"name","mode","booth","last_seen":UNIX|null,
 *              "pending":N,"version","revoked":BOOL}]}                    no personal data
 *   PROBLEMS  {"dead":[{"record":ID,"kind","reason","at":UNIX}],
 *              "forwarding":{"backend","queued":N,"failed":N,"forwarded":N}}  admin only
 *   LEADS     {"booths":[{"booth","exhibitor","leads":N,"hot":N,"warm":N,"cold":N,
 *              "follow_up":N}]}                                           counts only
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  FOYER_HUB_DASHBOARD_OVERVIEW = 1,
  FOYER_HUB_DASHBOARD_DEVICES,
  FOYER_HUB_DASHBOARD_PROBLEMS,
  FOYER_HUB_DASHBOARD_LEADS,
} FoyerHubDashboardView;

#define FOYER_TYPE_HUB_DASHBOARD_SOURCE (foyer_hub_dashboard_source_get_type ())
G_DECLARE_INTERFACE (FoyerHubDashboardSource, foyer_hub_dashboard_source, FOYER,
                     HUB_DASHBOARD_SOURCE, GObject)

struct _FoyerHubDashboardSourceInterface {
  GTypeInterface parent_iface;

  JsonNode *(*query)       (FoyerHubDashboardSource *self,
                            FoyerHubDashboardView    view,
                            const char              *event,
                            GError                 **error);
  /* The merged leads of booth (FoyerLead *) and, in the same order, their visitors
   * (FoyerRegistration *, NULL when erased). An unknown booth has no leads, not an error. */
  gboolean  (*booth_leads) (FoyerHubDashboardSource *self,
                            const char              *event,
                            const char              *booth,
                            GPtrArray              **leads,
                            GPtrArray              **visitors,
                            GError                 **error);
};

JsonNode *foyer_hub_dashboard_source_query       (FoyerHubDashboardSource *self,
                                                  FoyerHubDashboardView    view,
                                                  const char              *event,
                                                  GError                 **error);
gboolean  foyer_hub_dashboard_source_booth_leads (FoyerHubDashboardSource *self,
                                                  const char              *event,
                                                  const char              *booth,
                                                  GPtrArray              **leads,
                                                  GPtrArray              **visitors,
                                                  GError                 **error);

G_END_DECLS
