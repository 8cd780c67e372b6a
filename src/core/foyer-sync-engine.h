/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-sync-engine.h: the background sync thread that drains the outbox to head office.
 *
 * The engine owns a worker thread with its own FoyerStore (same database file) and its own
 * backend. It batches, retries with backoff, splits refused batches, pauses on bad credentials,
 * and reports a FoyerSyncStatus to the main context it was created in. The UI never waits on it.
 */
#pragma once

#include "foyer-config.h"
#include "foyer-sync-backend.h"

G_BEGIN_DECLS

typedef enum {
  FOYER_SYNC_STATE_DISABLED = 1,  /* backend=none: records wait in the outbox */
  FOYER_SYNC_STATE_STARTING,
  FOYER_SYNC_STATE_IDLE,          /* nothing due: waiting for a record or the health timer */
  FOYER_SYNC_STATE_SENDING,
  FOYER_SYNC_STATE_BACKOFF,       /* a transient failure: waiting before the next attempt */
  FOYER_SYNC_STATE_PAUSED,        /* credentials or configuration: waits for retry/config */
  FOYER_SYNC_STATE_STOPPED,
} FoyerSyncState;

typedef struct {
  FoyerSyncState state;
  gboolean       online;           /* head office answered the last request or health check */
  gboolean       paused;
  char          *paused_message;   /* why, for staff; NULL when not paused */
  int            paused_code;      /* FoyerSyncError of the pause (AUTH or CONFIG), else 0 */
  gint64         pending;          /* pending + in flight */
  gint64         dead;
  gint64         done;
  gint64         last_success;     /* g_get_real_time() of the last acknowledged batch, 0 never */
  char          *last_error;       /* NULL when the last attempt succeeded */
  gint64         next_attempt;     /* g_get_real_time() when backing off, else 0 */
  char          *insecure_warning; /* loud warning for staff when TLS checks are off, or NULL */
  guint          batch_size;       /* current batch size (after 413 halving) */
  /* this engine's life */
  guint64        sent;             /* records acknowledged (accepted or duplicate) */
  guint64        rejected;         /* records dead-lettered */
  guint64        requests;         /* requests made (batches and health checks) */
  /* two-way sync (docs/sync-protocol.md) */
  gboolean       pull_supported;   /* head office lists a pull this kiosk makes */
  gboolean       pull_current;     /* the last pull reached head office's cursor, after the
                                    * last upload */
  gboolean       long_poll;        /* waiting for changes by long-poll (else pull-interval) */
  gint64         inside;           /* the event's "inside now" from the last pull, -1 unknown */
  gint64         last_pull;        /* g_get_real_time() of the last complete pull, 0 never */
  guint64        pulled;           /* rows applied from pulls (this engine's life) */
} FoyerSyncStatus;

#define FOYER_TYPE_SYNC_STATUS (foyer_sync_status_get_type ())
GType            foyer_sync_status_get_type (void) G_GNUC_CONST;
FoyerSyncStatus *foyer_sync_status_copy     (const FoyerSyncStatus *status);
void             foyer_sync_status_free     (FoyerSyncStatus       *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerSyncStatus, foyer_sync_status_free)

#define FOYER_TYPE_SYNC_ENGINE (foyer_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (FoyerSyncEngine, foyer_sync_engine, FOYER, SYNC_ENGINE, GObject)

/* database_path NULL: [storage] database. Fails with FOYER_SYNC_ERROR_CONFIG when the
 * configured backend cannot be built (missing url…). Status is delivered to the thread-default
 * main context of the caller. */
FoyerSyncEngine       *foyer_sync_engine_new        (FoyerConfig      *config,
                                                     const char       *database_path,
                                                     GError          **error);
/* Starts the worker thread (connect to ::status-changed first). */
void                   foyer_sync_engine_start      (FoyerSyncEngine  *self);
/* Stops the worker within about 2 s; a batch in flight goes back to pending. Idempotent; also
 * done on dispose. */
void                   foyer_sync_engine_stop       (FoyerSyncEngine  *self);
/* Thread-safe: a record was committed (connect FoyerStore::record-added here). */
void                   foyer_sync_engine_wake       (FoyerSyncEngine  *self);
/* Staff pressed retry: leave a pause, forget the backoff, try now. Thread-safe. */
void                   foyer_sync_engine_retry      (FoyerSyncEngine  *self);
/* The configuration changed: rebuild the backend, leave a pause. Fails like _new(). */
gboolean               foyer_sync_engine_set_config (FoyerSyncEngine  *self,
                                                     FoyerConfig      *config,
                                                     GError          **error);
/* The latest status delivered to the main context (never NULL). */
const FoyerSyncStatus *foyer_sync_engine_get_status (FoyerSyncEngine  *self);

const char            *foyer_sync_state_to_string   (FoyerSyncState    state);

G_END_DECLS
