/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sync-test-server.h: one head office for the kiosk's sync tests, either of the two
 * implementations of http-json v1: tests/sync-receiver.py (independent, with fault injection)
 * or a real `foyer-hub serve` on SQLite with the kiosk enrolled as a device (issue 15). The
 * same test cases run against both (tests/test-sync.c, meson tests `sync` and `sync-hub`). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SYNC_SERVER_RECEIVER,   /* tests/sync-receiver.py */
  SYNC_SERVER_HUB,        /* foyer-hub serve */
} SyncServerKind;

typedef struct {
  /* Batches above a few records are refused with 413 (the receiver: more than 7 records; the
   * hub: max-body-bytes=2048). */
  gboolean small_bodies;
  /* Every answer comes about 0.2 s late (the receiver stores first, then stalls; the hub waits
   * before storing), so that a killed kiosk leaves requests in flight. */
  gboolean slow;
} SyncServerOptions;

typedef struct _SyncServer SyncServer;

/* The event the kiosk is enrolled for. */
#define SYNC_SERVER_EVENT "expo-2026"
/* The kiosk's id and, at the hub, its device name. */
#define SYNC_SERVER_KIOSK "test-kiosk"

SyncServer *sync_server_start      (SyncServerKind           kind,
                                    const SyncServerOptions *options);
void        sync_server_stop       (SyncServer              *server);
const char *sync_server_name       (SyncServer              *server);
const char *sync_server_url        (SyncServer              *server);
/* The kiosk's token file (0600): the shared secret, or the token the hub enrolled it with. */
const char *sync_server_token_file (SyncServer              *server);
/* How often head office holds each record id (every value should be 1). */
GHashTable *sync_server_stored     (SyncServer              *server);
/* The kiosk's credentials stop working: the receiver's token changes, the hub revokes the
 * device (`foyer-hub device revoke`). */
void        sync_server_revoke     (SyncServer              *server);
/* Head office goes away for a moment and comes back on the same port with its data: the
 * receiver stops listening for 1 s; the hub is killed with SIGKILL and started again. */
void        sync_server_restart    (SyncServer              *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncServer, sync_server_stop)

G_END_DECLS
