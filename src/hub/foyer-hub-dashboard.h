/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-dashboard.h: the live dashboard and the exhibitors' download links, as routes on the
 * hub's libsoup server.
 *
 *   GET  /                 the dashboard (a visitor without a session is sent to /login)
 *   GET  /login, POST /login, POST /logout
 *   GET  /static/NAME      the pages' script, style and Debian's Chart.js (from the resource)
 *   GET  /api/strings.json?lang=zh_CN|en   the pages' strings from the gettext catalog
 *   GET  /api/session.json                 user, role, CSRF token
 *   GET  /api/{overview,devices,problems,leads}.json   problems: admin only
 *   POST /api/links        (admin, X-CSRF-Token) {"booth":B} → {"url":…}: a new exhibitor link
 *   GET  /x/TOKEN[/leads.csv|leads.vcf|leads.xlsx]       the exhibitor's page and files
 */
#pragma once

#include <libsoup/soup.h>

#include "foyer-hub-auth.h"
#include "foyer-hub-dashboard-source.h"

G_BEGIN_DECLS

#define FOYER_TYPE_HUB_DASHBOARD (foyer_hub_dashboard_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubDashboard, foyer_hub_dashboard, FOYER, HUB_DASHBOARD, GObject)

#define FOYER_HUB_DASHBOARD_COOKIE      "foyer_session"
#define FOYER_HUB_DASHBOARD_LINK_TTL    (30 * 24 * 3600)

/* event: the event shown (NULL: the source picks one per query; links then cannot be made).
 * secure: the hub serves TLS, so the cookie gets Secure. public_url: how exhibitors reach the hub
 * (e.g. "https://hub.example.cn:8470"), the start of their links. */
FoyerHubDashboard *foyer_hub_dashboard_new    (FoyerHubAuth            *auth,
                                               FoyerHubDashboardSource *source,
                                               const char              *event,
                                               const char              *public_url,
                                               gboolean                 secure);
/* Adds the routes above to server. */
void               foyer_hub_dashboard_attach (FoyerHubDashboard       *self,
                                               SoupServer              *server);
/* A new private link for booth (its own token, FOYER_HUB_DASHBOARD_LINK_TTL); NULL when it
 * could not be stored. */
char              *foyer_hub_dashboard_new_link (FoyerHubDashboard     *self,
                                                 const char            *booth);

G_END_DECLS
