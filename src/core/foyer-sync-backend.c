/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-sync-backend.c: the backend interface and its per-record result. */
#define G_LOG_DOMAIN "foyer-sync"

#include "config.h"

#include "foyer-sync-backend.h"

G_DEFINE_QUARK (foyer-sync-error-quark, foyer_sync_error)
G_DEFINE_INTERFACE (FoyerSyncBackend, foyer_sync_backend, G_TYPE_OBJECT)

static void
foyer_sync_backend_default_init (FoyerSyncBackendInterface *iface)
{
}

FoyerSyncItemResult *
foyer_sync_item_result_new (const char          *id,
                            FoyerSyncItemStatus  status,
                            const char          *reason)
{
  FoyerSyncItemResult *result = g_new0 (FoyerSyncItemResult, 1);

  result->id = g_strdup (id);
  result->status = status;
  result->reason = g_strdup (reason);
  return result;
}

void
foyer_sync_item_result_free (FoyerSyncItemResult *result)
{
  if (result == NULL)
    return;
  g_free (result->id);
  g_free (result->reason);
  g_free (result);
}

gboolean
foyer_sync_backend_send_batch (FoyerSyncBackend  *self,
                               const char        *batch_id,
                               JsonArray         *records,
                               GPtrArray        **results,
                               gint64            *retry_after_ms,
                               GCancellable      *cancellable,
                               GError           **error)
{
  g_return_val_if_fail (FOYER_IS_SYNC_BACKEND (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);
  g_return_val_if_fail (results != NULL, FALSE);

  if (retry_after_ms != NULL)
    *retry_after_ms = 0;
  return FOYER_SYNC_BACKEND_GET_IFACE (self)->send_batch (self, batch_id, records, results,
                                                         retry_after_ms, cancellable, error);
}

gboolean
foyer_sync_backend_check_health (FoyerSyncBackend  *self,
                                 GCancellable      *cancellable,
                                 GError           **error)
{
  g_return_val_if_fail (FOYER_IS_SYNC_BACKEND (self), FALSE);
  return FOYER_SYNC_BACKEND_GET_IFACE (self)->check_health (self, cancellable, error);
}

const char * const *
foyer_sync_backend_get_warnings (FoyerSyncBackend *self)
{
  static const char * const none[] = { NULL };
  FoyerSyncBackendInterface *iface;

  g_return_val_if_fail (FOYER_IS_SYNC_BACKEND (self), none);
  iface = FOYER_SYNC_BACKEND_GET_IFACE (self);
  if (iface->get_warnings == NULL || iface->get_warnings (self) == NULL)
    return none;
  return iface->get_warnings (self);
}

char *
foyer_sync_backend_dup_warning_text (FoyerSyncBackend *self)
{
  const char * const *warnings = foyer_sync_backend_get_warnings (self);

  if (warnings[0] == NULL)
    return NULL;
  return g_strjoinv ("; ", (char **)warnings);
}

guint64
foyer_sync_backend_get_request_count (FoyerSyncBackend *self)
{
  FoyerSyncBackendInterface *iface;

  g_return_val_if_fail (FOYER_IS_SYNC_BACKEND (self), 0);
  iface = FOYER_SYNC_BACKEND_GET_IFACE (self);
  return iface->get_request_count != NULL ? iface->get_request_count (self) : 0;
}

gboolean
foyer_sync_backend_has_feature (FoyerSyncBackend *self,
                                const char       *feature)
{
  FoyerSyncBackendInterface *iface;

  g_return_val_if_fail (FOYER_IS_SYNC_BACKEND (self), FALSE);
  iface = FOYER_SYNC_BACKEND_GET_IFACE (self);
  return iface->has_feature != NULL && iface->pull != NULL && iface->has_feature (self, feature);
}

gboolean
foyer_sync_backend_pull (FoyerSyncBackend  *self,
                         const char        *feed,
                         const char        *cursor,
                         guint              limit,
                         guint              wait_s,
                         JsonObject       **page,
                         gint64            *retry_after_ms,
                         GCancellable      *cancellable,
                         GError           **error)
{
  FoyerSyncBackendInterface *iface;

  g_return_val_if_fail (FOYER_IS_SYNC_BACKEND (self), FALSE);
  g_return_val_if_fail (feed != NULL && page != NULL, FALSE);

  *page = NULL;
  if (retry_after_ms != NULL)
    *retry_after_ms = 0;
  iface = FOYER_SYNC_BACKEND_GET_IFACE (self);
  if (iface->pull == NULL) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "this sync backend cannot pull from head office");
    return FALSE;
  }
  return iface->pull (self, feed, cursor, limit, wait_s, page, retry_after_ms, cancellable, error);
}
