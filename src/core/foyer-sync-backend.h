/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-sync-backend.h: what the sync engine needs from a head-office backend.
 *
 * The engine (foyer-sync-engine.c) owns batching, retries, backoff, pausing and status; a
 * backend only delivers one batch, says per record what head office made of it, and reports
 * what staff must be warned about and how many requests it made. The interface names no
 * backend; foyer-sync-backends.h builds the one [sync] backend names.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>


G_BEGIN_DECLS

#define FOYER_SYNC_ERROR (foyer_sync_error_quark ())

/* How a failed batch is handled by the engine. */
typedef enum {
  FOYER_SYNC_ERROR_TRANSIENT = 1, /* network, timeout, 408/429/5xx, garbage answer: back off, retry */
  FOYER_SYNC_ERROR_AUTH,          /* 401/403, wrong password: pause until config change or retry */
  /* CONFIG also covers refusals head office makes because of its own configuration (access
   * rules, a user without a company, a missing module, a wrong database): the engine pauses and
   * the records stay pending, rather than each being refused for the same reason. */
  FOYER_SYNC_ERROR_BAD_BATCH,     /* 400/422 for the whole batch: split it to find the bad record */
  FOYER_SYNC_ERROR_TOO_LARGE,     /* 413: halve the batch size */
  FOYER_SYNC_ERROR_CONFIG,        /* missing url, unreadable token file…: nothing to retry */
  FOYER_SYNC_ERROR_CANCELLED,     /* shutdown: the batch stays pending */
} FoyerSyncError;

GQuark foyer_sync_error_quark (void);

typedef enum {
  FOYER_SYNC_ITEM_ACCEPTED = 1,
  FOYER_SYNC_ITEM_DUPLICATE,      /* head office had it already: done as well */
  FOYER_SYNC_ITEM_REJECTED,       /* will never be accepted: dead letter with reason */
} FoyerSyncItemStatus;

typedef struct {
  char                *id;
  FoyerSyncItemStatus  status;
  char                *reason;    /* may be NULL */
} FoyerSyncItemResult;

FoyerSyncItemResult *foyer_sync_item_result_new  (const char          *id,
                                                  FoyerSyncItemStatus  status,
                                                  const char          *reason);
void                 foyer_sync_item_result_free (FoyerSyncItemResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerSyncItemResult, foyer_sync_item_result_free)

#define FOYER_TYPE_SYNC_BACKEND (foyer_sync_backend_get_type ())
G_DECLARE_INTERFACE (FoyerSyncBackend, foyer_sync_backend, FOYER, SYNC_BACKEND, GObject)

struct _FoyerSyncBackendInterface {
  GTypeInterface parent_iface;

  /* records: JSON objects {"id","type","created_at",…store field names…}, as in
   * docs/sync-protocol.md. On success *results holds one FoyerSyncItemResult per record head
   * office answered for (records missing from it stay pending). On failure, the error is in
   * FOYER_SYNC_ERROR and *retry_after_ms may carry a server-requested delay (0 = none).
   * Called from the sync thread only; must honour cancellable. */
  gboolean (*send_batch)   (FoyerSyncBackend  *self,
                            const char        *batch_id,
                            JsonArray         *records,
                            GPtrArray        **results,
                            gint64            *retry_after_ms,
                            GCancellable      *cancellable,
                            GError           **error);

  /* A cheap reachability check for the online/offline indicator. */
  gboolean (*check_health) (FoyerSyncBackend  *self,
                            GCancellable      *cancellable,
                            GError           **error);

  /* What staff must be warned about (TLS checks off, plain http…): a NULL-terminated list,
   * fixed at construction. Optional: none when unset. */
  const char * const *(*get_warnings) (FoyerSyncBackend *self);

  /* Requests made since creation (batches, health checks, logins); thread-safe. Optional. */
  guint64  (*get_request_count) (FoyerSyncBackend *self);

  /* Two-way sync (optional: a backend without it never pulls). Whether head office's last
   * health answer listed feature ("registrations", "check-ins", "leads", "long-poll"). */
  gboolean (*has_feature)  (FoyerSyncBackend  *self,
                            const char        *feature);
  /* One page of feed ("registrations", "check-ins", "leads") after cursor (NULL: from the
   * start), at most limit rows, long-polling up to wait_s seconds (0: answer at once). *page
   * gets the answer {"rows": […], "cursor", "more", "inside"?}, checked for its shape. Errors
   * as send_batch; BAD_BATCH for a 400 (malformed cursor) and for a 403 on the leads of another
   * booth or a device that is not a booth's. */
  gboolean (*pull)         (FoyerSyncBackend  *self,
                            const char        *feed,
                            const char        *cursor,
                            guint              limit,
                            guint              wait_s,
                            JsonObject       **page,
                            gint64            *retry_after_ms,
                            GCancellable      *cancellable,
                            GError           **error);
};

gboolean foyer_sync_backend_send_batch   (FoyerSyncBackend  *self,
                                          const char        *batch_id,
                                          JsonArray         *records,
                                          GPtrArray        **results,
                                          gint64            *retry_after_ms,
                                          GCancellable      *cancellable,
                                          GError           **error);
gboolean foyer_sync_backend_check_health (FoyerSyncBackend  *self,
                                          GCancellable      *cancellable,
                                          GError           **error);
/* Never NULL; an empty list when there is nothing to warn about. */
const char * const *foyer_sync_backend_get_warnings      (FoyerSyncBackend *self);
/* The warnings joined into one line for a status bar, or NULL when there are none. */
char               *foyer_sync_backend_dup_warning_text  (FoyerSyncBackend *self);
guint64             foyer_sync_backend_get_request_count (FoyerSyncBackend *self);
/* FALSE when the backend cannot pull or head office did not list the feature. */
gboolean            foyer_sync_backend_has_feature       (FoyerSyncBackend *self,
                                                          const char       *feature);
/* FALSE with FOYER_SYNC_ERROR_CONFIG when the backend cannot pull. */
gboolean            foyer_sync_backend_pull              (FoyerSyncBackend  *self,
                                                          const char        *feed,
                                                          const char        *cursor,
                                                          guint              limit,
                                                          guint              wait_s,
                                                          JsonObject       **page,
                                                          gint64            *retry_after_ms,
                                                          GCancellable      *cancellable,
                                                          GError           **error);

G_END_DECLS
