/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-web-source.h: the dashboard's figures read from the hub's database (SQLite or
 * PostgreSQL alike): the overview from the live counters the records trigger keeps, devices and
 * the forwarding outbox from their tables, a booth's leads from its stored lead records.
 */
#pragma once

#include "foyer-hub-dashboard-source.h"
#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_TYPE_HUB_WEB_SOURCE (foyer_hub_web_source_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubWebSource, foyer_hub_web_source, FOYER, HUB_WEB_SOURCE, GObject)

/* forward_backend: [forward] backend ("none", "tryton"), shown on the problems page. */
FoyerHubWebSource *foyer_hub_web_source_new (FoyerHubStorage *storage,
                                             const char      *forward_backend);

G_END_DECLS
