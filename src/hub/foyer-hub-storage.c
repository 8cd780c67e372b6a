/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-storage.c: the storage interface's dispatch, shared structs and the choice of
 * implementation from [hub] database. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-storage.h"
#include "foyer-hub-sqlite.h"
#include "foyer-hub-pg.h"

G_DEFINE_QUARK (foyer-hub-storage-error-quark, foyer_hub_storage_error)
G_DEFINE_INTERFACE (FoyerHubStorage, foyer_hub_storage, G_TYPE_OBJECT)

static void
foyer_hub_storage_default_init (FoyerHubStorageInterface *iface)
{
}

void
foyer_hub_event_free (FoyerHubEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->id);
  g_free (event->name);
  if (event->signing_key != NULL)
    memset (event->signing_key, 0, strlen (event->signing_key));
  g_free (event->signing_key);
  g_free (event->verify_key);
  g_free (event);
}

void
foyer_hub_device_free (FoyerHubDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->event);
  g_free (device->mode);
  g_free (device->booth);
  g_free (device->created_at);
  g_free (device->enroll_expires_at);
  g_free (device->enrolled_at);
  g_free (device->revoked_at);
  g_free (device->last_seen_at);
  g_free (device->last_address);
  g_free (device->software_version);
  g_free (device);
}

void
foyer_hub_forward_entry_free (FoyerHubForwardEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->record_id);
  g_free (entry->event);
  g_free (entry->body);
  g_free (entry->last_error);
  g_free (entry);
}

void
foyer_hub_stats_row_free (FoyerHubStatsRow *row)
{
  if (row == NULL)
    return;
  g_free (row->dimension);
  g_free (row->key);
  g_free (row);
}

char *
foyer_hub_hash_secret (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

gboolean
foyer_hub_device_check_enrollable (const FoyerHubDevice *device, const char *now, GError **error)
{
  if (device->revoked_at != NULL) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                 "the device “%s” was revoked: ask head office for a new code", device->name);
    return FALSE;
  }
  if (device->enrolled_at != NULL) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_CODE_USED,
                 "this enrollment code was already used (on %s): ask head office for a new one",
                 device->enrolled_at);
    return FALSE;
  }
  if (device->enroll_expires_at != NULL && g_strcmp0 (now, device->enroll_expires_at) > 0) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_CODE_EXPIRED,
                 "this enrollment code expired at %s: ask head office for a new one",
                 device->enroll_expires_at);
    return FALSE;
  }
  return TRUE;
}

static gboolean
is_postgresql (const char *database)
{
  return g_str_has_prefix (database, "postgresql://") || g_str_has_prefix (database, "postgres://")
         || (strstr (database, "dbname=") != NULL && strchr (database, '/') == NULL)
         || g_str_has_prefix (database, "host=");
}

FoyerHubStorage *
foyer_hub_storage_open (const char *database, guint connections, GError **error)
{
  g_return_val_if_fail (database != NULL, NULL);

  if (is_postgresql (database))
    return FOYER_HUB_STORAGE (foyer_hub_pg_open (database, MAX (connections, 1), error));
  return FOYER_HUB_STORAGE (foyer_hub_sqlite_open (database, MAX (connections, 1), error));
}

#define IFACE(self) FOYER_HUB_STORAGE_GET_IFACE (self)

const char *
foyer_hub_storage_kind (FoyerHubStorage *self)
{
  return IFACE (self)->kind (self);
}

gboolean
foyer_hub_storage_event_add (FoyerHubStorage *self, const FoyerHubEvent *event,
                             gboolean *created, GError **error)
{
  return IFACE (self)->event_add (self, event, created, error);
}

FoyerHubEvent *
foyer_hub_storage_event_get (FoyerHubStorage *self, const char *id, GError **error)
{
  return IFACE (self)->event_get (self, id, error);
}

GPtrArray *
foyer_hub_storage_event_list (FoyerHubStorage *self, GError **error)
{
  return IFACE (self)->event_list (self, error);
}

gboolean
foyer_hub_storage_device_add (FoyerHubStorage *self, const FoyerHubDevice *device,
                              const char *secret_hash, GError **error)
{
  return IFACE (self)->device_add (self, device, secret_hash, error);
}

FoyerHubDevice *
foyer_hub_storage_device_enroll (FoyerHubStorage *self, const char *secret_hash,
                                 const char *token_hash, const char *now, GError **error)
{
  return IFACE (self)->device_enroll (self, secret_hash, token_hash, now, error);
}

FoyerHubDevice *
foyer_hub_storage_device_by_token (FoyerHubStorage *self, const char *token_hash, GError **error)
{
  return IFACE (self)->device_by_token (self, token_hash, error);
}

gboolean
foyer_hub_storage_device_touch (FoyerHubStorage *self, const char *name, const char *now,
                                const char *address, const char *software_version,
                                GError **error)
{
  return IFACE (self)->device_touch (self, name, now, address, software_version, error);
}

GPtrArray *
foyer_hub_storage_device_list (FoyerHubStorage *self, GError **error)
{
  return IFACE (self)->device_list (self, error);
}

gboolean
foyer_hub_storage_device_revoke (FoyerHubStorage *self, const char *name, const char *now,
                                 GError **error)
{
  return IFACE (self)->device_revoke (self, name, now, error);
}

char *
foyer_hub_storage_idempotency_get (FoyerHubStorage *self, const char *device, const char *key,
                                   const char *since, GError **error)
{
  return IFACE (self)->idempotency_get (self, device, key, since, error);
}

gboolean
foyer_hub_storage_ingest (FoyerHubStorage *self, const char *event, const char *device,
                          const char *received_at, GPtrArray *items, gboolean forward,
                          const char *key, FoyerHubAnswerFunc answer, gpointer user_data,
                          GError **error)
{
  return IFACE (self)->ingest (self, event, device, received_at, items, forward, key, answer,
                               user_data, error);
}

gboolean
foyer_hub_storage_purge_idempotency (FoyerHubStorage *self, const char *before, GError **error)
{
  return IFACE (self)->purge_idempotency (self, before, error);
}

gboolean
foyer_hub_storage_preregistrations_put (FoyerHubStorage *self, const char *event,
                                        GPtrArray *items, guint *inserted, guint *updated,
                                        GError **error)
{
  return IFACE (self)->preregistrations_put (self, event, items, inserted, updated, error);
}

gboolean
foyer_hub_storage_records_foreach (FoyerHubStorage *self, const char *event, const char *type,
                                   const char *booth, FoyerHubRecordFunc func,
                                   gpointer user_data, GError **error)
{
  return IFACE (self)->records_foreach (self, event, type, booth, func, user_data, error);
}

GPtrArray *
foyer_hub_storage_stats (FoyerHubStorage *self, const char *event, GError **error)
{
  return IFACE (self)->stats (self, event, error);
}

GPtrArray *
foyer_hub_storage_forward_take (FoyerHubStorage *self, const char *now, guint limit,
                                GError **error)
{
  return IFACE (self)->forward_take (self, now, limit, error);
}

gboolean
foyer_hub_storage_forward_done (FoyerHubStorage *self, const char *record_id, GError **error)
{
  return IFACE (self)->forward_done (self, record_id, error);
}

gboolean
foyer_hub_storage_forward_failed (FoyerHubStorage *self, const char *record_id,
                                  const char *reason, const char *next_at, gboolean dead,
                                  GError **error)
{
  return IFACE (self)->forward_failed (self, record_id, reason, next_at, dead, error);
}

GPtrArray *
foyer_hub_storage_forward_list (FoyerHubStorage *self, gboolean dead, GError **error)
{
  return IFACE (self)->forward_list (self, dead, error);
}

gint64
foyer_hub_storage_forward_requeue (FoyerHubStorage *self, GError **error)
{
  return IFACE (self)->forward_requeue (self, error);
}

gboolean
foyer_hub_storage_changes_foreach (FoyerHubStorage *self, const char *event, FoyerHubChanges kind,
                                   const char *booth, gint64 since, guint limit,
                                   FoyerHubRecordFunc func, gpointer user_data, GError **error)
{
  return IFACE (self)->changes_foreach (self, event, kind, booth, since, limit, func, user_data,
                                        error);
}

char *
foyer_hub_storage_record_body (FoyerHubStorage *self, const char *id, GError **error)
{
  return IFACE (self)->record_body (self, id, error);
}

gboolean
foyer_hub_storage_subject_erase (FoyerHubStorage *self, const char *event, GPtrArray *record_ids,
                                 GPtrArray *prereg_ids, GPtrArray *tombstones, const char *audit,
                                 GError **error)
{
  return IFACE (self)->subject_erase (self, event, record_ids, prereg_ids, tombstones, audit,
                                      error);
}

GPtrArray *
foyer_hub_storage_audit_list (FoyerHubStorage *self, GError **error)
{
  return IFACE (self)->audit_list (self, error);
}

FoyerHubRecordRow *
foyer_hub_record_row_new (const char *type, const char *body, const char *device, gint64 seq)
{
  FoyerHubRecordRow *row = g_new0 (FoyerHubRecordRow, 1);

  row->type = g_strdup (type);
  row->body = g_strdup (body);
  row->device = g_strdup (device);
  row->seq = seq;
  return row;
}

void
foyer_hub_record_row_free (FoyerHubRecordRow *row)
{
  if (row == NULL)
    return;
  g_free (row->type);
  g_free (row->body);
  g_free (row->device);
  g_free (row->code);
  g_free (row->plain_code);
  g_free (row->phone);
  g_free (row);
}

gboolean
foyer_hub_changes_merge (GPtrArray *a, GPtrArray *b, guint limit, FoyerHubRecordFunc func,
                         gpointer user_data)
{
  guint i = 0, j = 0;

  for (guint n = 0; n < limit && (i < a->len || j < b->len); n++) {
    FoyerHubRecordRow *ra = i < a->len ? g_ptr_array_index (a, i) : NULL;
    FoyerHubRecordRow *rb = j < b->len ? g_ptr_array_index (b, j) : NULL;
    FoyerHubRecordRow *next = rb == NULL || (ra != NULL && ra->seq < rb->seq) ? ra : rb;

    if (next == ra)
      i++;
    else
      j++;
    if (!func (next, user_data))
      return FALSE;
  }
  return TRUE;
}
