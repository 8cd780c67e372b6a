/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-forwarder.c: the hub's forwarding thread. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <json-glib/json-glib.h>

#include "foyer-hub-forwarder.h"
#include "foyer-record.h"
#include "foyer-sync-backend.h"
#include "foyer-tryton-backend.h"

struct _FoyerHubForwarder {
  GObject           parent_instance;
  FoyerHubStorage  *storage;
  FoyerSyncBackend *backend;
  guint             batch_size;
  gint64            backoff_min_ms;
  gint64            backoff_max_ms;
  int               max_attempts;
  guint             failures;     /* consecutive, for the backoff */
  GThread          *thread;
  GCancellable     *cancellable;
  GMutex            lock;
  GCond             wake;
  gboolean          stop;
};

G_DEFINE_FINAL_TYPE (FoyerHubForwarder, foyer_hub_forwarder, G_TYPE_OBJECT)

FoyerHubForwarder *
foyer_hub_forwarder_new (FoyerHubConfig *config, FoyerHubStorage *storage, GError **error)
{
  g_autoptr(FoyerHubForwarder) self = g_object_new (FOYER_HUB_TYPE_FORWARDER, NULL);
  g_autoptr(FoyerConfig) tryton = foyer_hub_config_get_tryton (config, error);
  FoyerTrytonBackend *backend;

  if (tryton == NULL)
    return NULL;
  if ((backend = foyer_tryton_backend_new (tryton, error)) == NULL)
    return NULL;
  self->backend = FOYER_SYNC_BACKEND (backend);
  self->storage = g_object_ref (storage);
  self->batch_size = foyer_hub_config_get_int (config, "forward", "batch-size");
  self->backoff_min_ms = foyer_hub_config_get_int (config, "forward", "backoff-min-ms");
  self->backoff_max_ms = foyer_hub_config_get_int (config, "forward", "backoff-max-ms");
  self->max_attempts = foyer_hub_config_get_int (config, "forward", "max-attempts");
  return g_steal_pointer (&self);
}

static char *
timestamp_in (gint64 ms)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, ms / 1000.0);
  g_autofree char *base = g_date_time_format (then, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (then) / 1000);
}

/* Full jitter between min and min × 2^(failures-1), capped. */
static gint64
backoff_ms (FoyerHubForwarder *self)
{
  gint64 ceiling = self->backoff_min_ms << MIN (self->failures > 0 ? self->failures - 1 : 0, 20);

  ceiling = MIN (ceiling, self->backoff_max_ms);
  return g_random_int_range (self->backoff_min_ms, MAX (ceiling, self->backoff_min_ms) + 1);
}

static void
settle (FoyerHubForwarder *self, FoyerHubForwardEntry *entry, FoyerSyncItemResult *result,
        gint64 *settled)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  gboolean ok;

  if (result != NULL && result->status != FOYER_SYNC_ITEM_REJECTED) {
    ok = foyer_hub_storage_forward_done (self->storage, entry->record_id, &error);
    (*settled)++;
  } else if (result != NULL || entry->attempts + 1 >= self->max_attempts) {
    next = timestamp_in (0);
    ok = foyer_hub_storage_forward_failed (self->storage, entry->record_id,
                                           result != NULL ? result->reason
                                                          : "too many failed attempts",
                                           next, TRUE, &error);
    (*settled)++;
  } else {
    next = timestamp_in (backoff_ms (self));
    ok = foyer_hub_storage_forward_failed (self->storage, entry->record_id,
                                           "not answered by the CRM", next, FALSE, &error);
  }
  if (!ok)
    g_warning ("forwarding outbox: %s", error->message);
}

static void
postpone_all (FoyerHubForwarder *self, GPtrArray *entries, const char *reason)
{
  g_autofree char *next = timestamp_in (backoff_ms (self));

  for (guint i = 0; i < entries->len; i++) {
    FoyerHubForwardEntry *entry = g_ptr_array_index (entries, i);
    gboolean dead = entry->attempts + 1 >= self->max_attempts;

    foyer_hub_storage_forward_failed (self->storage, entry->record_id, reason, next, dead, NULL);
  }
}

gint64
foyer_hub_forwarder_run_once (FoyerHubForwarder *self, GCancellable *cancellable,
                              GError **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  g_autofree char *batch_id = foyer_record_id_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JsonArray) records = json_array_new ();
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local = NULL;
  gint64 retry_after = 0, settled = 0;

  if ((entries = foyer_hub_storage_forward_take (self->storage, now, self->batch_size, error))
      == NULL)
    return -1;
  if (entries->len == 0)
    return 0;
  for (guint i = 0; i < entries->len; i++) {
    FoyerHubForwardEntry *entry = g_ptr_array_index (entries, i);
    JsonNode *node = json_from_string (entry->body, NULL);

    if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
      json_array_add_element (records, node);
    else if (node != NULL)
      json_node_unref (node);
  }
  if (!foyer_sync_backend_send_batch (self->backend, batch_id, records, &results, &retry_after,
                                      cancellable, &local)) {
    if (g_error_matches (local, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED))
      return 0;
    self->failures++;
    g_warning ("forwarding to the CRM failed (%u in a row): %s", self->failures, local->message);
    postpone_all (self, entries, local->message);
    g_propagate_error (error, g_steal_pointer (&local));
    return -1;
  }
  self->failures = 0;
  for (guint i = 0; i < results->len; i++) {
    FoyerSyncItemResult *result = g_ptr_array_index (results, i);
    g_hash_table_insert (by_id, result->id, result);
  }
  for (guint i = 0; i < entries->len; i++) {
    FoyerHubForwardEntry *entry = g_ptr_array_index (entries, i);
    settle (self, entry, g_hash_table_lookup (by_id, entry->record_id), &settled);
  }
  g_info ("forwarded %" G_GINT64_FORMAT " records to the CRM", settled);
  return settled;
}

static gpointer
run (gpointer data)
{
  FoyerHubForwarder *self = data;

  g_mutex_lock (&self->lock);
  while (!self->stop) {
    g_autoptr(GError) error = NULL;
    gint64 settled;
    gint64 wait_ms;

    g_mutex_unlock (&self->lock);
    settled = foyer_hub_forwarder_run_once (self, self->cancellable, &error);
    wait_ms = settled > 0 ? 0 : settled < 0 ? backoff_ms (self) : 1000;
    g_mutex_lock (&self->lock);
    if (!self->stop && wait_ms > 0)
      g_cond_wait_until (&self->wake, &self->lock, g_get_monotonic_time () + wait_ms * 1000);
  }
  g_mutex_unlock (&self->lock);
  return NULL;
}

void
foyer_hub_forwarder_start (FoyerHubForwarder *self)
{
  g_return_if_fail (self->thread == NULL);
  self->thread = g_thread_new ("foyer-forward", run, self);
}

void
foyer_hub_forwarder_stop (FoyerHubForwarder *self)
{
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stop = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
  g_cancellable_cancel (self->cancellable);
  g_thread_join (g_steal_pointer (&self->thread));
}

static void
foyer_hub_forwarder_finalize (GObject *object)
{
  FoyerHubForwarder *self = FOYER_HUB_FORWARDER (object);

  foyer_hub_forwarder_stop (self);
  g_clear_object (&self->backend);
  g_clear_object (&self->storage);
  g_clear_object (&self->cancellable);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  G_OBJECT_CLASS (foyer_hub_forwarder_parent_class)->finalize (object);
}

static void
foyer_hub_forwarder_class_init (FoyerHubForwarderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_forwarder_finalize;
}

static void
foyer_hub_forwarder_init (FoyerHubForwarder *self)
{
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
}
