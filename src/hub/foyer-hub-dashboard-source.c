/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-dashboard-source.c: the dashboard's data interface (see the header). */
#define G_LOG_DOMAIN "foyer-hub-dashboard"

#include "config.h"

#include "foyer-hub-dashboard-source.h"

G_DEFINE_INTERFACE (FoyerHubDashboardSource, foyer_hub_dashboard_source, G_TYPE_OBJECT)

static void
foyer_hub_dashboard_source_default_init (FoyerHubDashboardSourceInterface *iface)
{
}

JsonNode *
foyer_hub_dashboard_source_query (FoyerHubDashboardSource *self,
                                  FoyerHubDashboardView    view,
                                  const char              *event,
                                  GError                 **error)
{
  g_return_val_if_fail (FOYER_IS_HUB_DASHBOARD_SOURCE (self), NULL);
  return FOYER_HUB_DASHBOARD_SOURCE_GET_IFACE (self)->query (self, view, event, error);
}

gboolean
foyer_hub_dashboard_source_booth_leads (FoyerHubDashboardSource *self,
                                        const char              *event,
                                        const char              *booth,
                                        GPtrArray              **leads,
                                        GPtrArray              **visitors,
                                        GError                 **error)
{
  g_return_val_if_fail (FOYER_IS_HUB_DASHBOARD_SOURCE (self), FALSE);
  return FOYER_HUB_DASHBOARD_SOURCE_GET_IFACE (self)->booth_leads (self, event, booth, leads,
                                                                   visitors, error);
}
