/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pg.h: the hub's storage on PostgreSQL 15 (libpq): N hub processes, one database. */
#pragma once

#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_TYPE_PG (foyer_hub_pg_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubPg, foyer_hub_pg, FOYER_HUB, PG, GObject)

/* conninfo: a libpq connection string or URI. connections: the pool size. */
FoyerHubPg *foyer_hub_pg_open (const char *conninfo, guint connections, GError **error);

G_END_DECLS
