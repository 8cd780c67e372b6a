/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-sqlite.h: the hub's storage on one SQLite file (WAL, 0600): a single show. */
#pragma once

#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_TYPE_SQLITE (foyer_hub_sqlite_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubSqlite, foyer_hub_sqlite, FOYER_HUB, SQLITE, GObject)

/* How the hub sets up its SQLite connections; the ingest connection also gets a page cache of
 * FOYER_HUB_SQLITE_INGEST_CACHE (tests/bench-hub.c's direct inserts use the same settings).
 * synchronous=FULL: every COMMIT syncs the WAL before it returns, so a batch the hub answered
 * "accepted" (after which the kiosk drops it from its outbox) survives a power cut, not only a
 * crash of the hub. Group commit (foyer-hub-group.c) pays that sync once for many batches. */
#define FOYER_HUB_SQLITE_PRAGMAS "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
#define FOYER_HUB_SQLITE_INGEST_CACHE "PRAGMA cache_size=-32768;"   /* 32 MiB */

/* connections: readers kept open; writes are serialised (SQLite has one writer). Batches of
 * records are stored through one more connection of their own, whose WAL is checkpointed by a
 * background thread rather than by the commit that fills it. */
FoyerHubSqlite *foyer_hub_sqlite_open (const char *path, guint connections, GError **error);

G_END_DECLS
