/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-sqlite.h: the hub's storage on one SQLite file (WAL, 0600): a single show. */
#pragma once

#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_TYPE_SQLITE (foyer_hub_sqlite_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubSqlite, foyer_hub_sqlite, FOYER_HUB, SQLITE, GObject)

/* connections: readers kept open; writes are serialised (SQLite has one writer). */
FoyerHubSqlite *foyer_hub_sqlite_open (const char *path, guint connections, GError **error);

G_END_DECLS
