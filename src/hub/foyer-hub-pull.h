/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull.h: the HTTP side of the two-way sync pulls (docs/sync-protocol.md "Two-way
 * sync"): GET /v1/registrations, /v1/check-ins and /v1/leads, with long-poll.
 *
 * Pages are computed on a small pool of threads (foyer-hub-pull-rows.c). A long-poll that finds
 * nothing new is parked: its message is paused and it holds no thread until the event changes
 * or its wait ends. The event changes when this process stores records
 * (foyer_hub_pull_changed(), called by the ingest path) and, for changes made by other hub
 * processes on one PostgreSQL or by `foyer-hub` commands, when a watcher thread sees the event's
 * change sequence move (it reads it every WATCH_INTERVAL_MS).
 */
#pragma once

#include <libsoup/soup.h>

#include "foyer-hub-storage.h"

G_BEGIN_DECLS

/* The device a request's bearer token belongs to; NULL when unknown or revoked. */
typedef FoyerHubDevice *(*FoyerHubAuthFunc) (SoupServerMessage *msg, gpointer user_data);

#define FOYER_HUB_TYPE_PULL (foyer_hub_pull_get_type ())
/* The page cache's default bound (docs/hub.md "Pulls"). */
#define FOYER_HUB_PULL_CACHE_BYTES (32 * 1024 * 1024)

G_DECLARE_FINAL_TYPE (FoyerHubPull, foyer_hub_pull, FOYER_HUB, PULL, GObject)

FoyerHubPull *foyer_hub_pull_new     (FoyerHubStorage  *storage,
                                      guint             threads,
                                      FoyerHubAuthFunc  auth,
                                      gpointer          auth_data);
/* The bound of the page cache shared by all gates ([hub] pull-cache-mb; 0 disables it), set
 * before the routes are attached. */
void          foyer_hub_pull_set_cache_bytes (FoyerHubPull *self,
                                              gsize         max_bytes);
/* Adds the three routes to soup and starts the watcher thread. */
void          foyer_hub_pull_attach  (FoyerHubPull     *self,
                                      SoupServer       *soup);
/* Main thread: event has new changes; parked long-polls of it are answered. */
void          foyer_hub_pull_changed (FoyerHubPull     *self,
                                      const char       *event);
/* Main thread, when the hub stops: parked long-polls are answered now (with what they have),
 * new pulls get 503 + Retry-After. */
void          foyer_hub_pull_shutdown (FoyerHubPull    *self);
/* The features GET /v1/health advertises. */
extern const char *const foyer_hub_pull_features[];

G_END_DECLS
