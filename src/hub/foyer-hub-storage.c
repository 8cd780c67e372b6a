/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-storage.c: the storage interface's dispatch, shared structs and the choice of
 * implementation from [hub] database. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-hub-storage.h"
#include "foyer-hub-group.h"
#include "foyer-record.h"
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

/* The group commit state of a storage object, made on its first batch. */
static FoyerHubGroup *
group_of (FoyerHubStorage *self)
{
  static GQuark quark;
  G_LOCK_DEFINE_STATIC (groups);
  FoyerHubGroup *group;

  G_LOCK (groups);
  if (quark == 0)
    quark = g_quark_from_static_string ("foyer-hub-group");
  group = g_object_get_qdata (G_OBJECT (self), quark);
  if (group == NULL) {
    group = foyer_hub_group_new (FOYER_HUB_GROUP_MAX_RECORDS);
    g_object_set_qdata_full (G_OBJECT (self), quark, group,
                             (GDestroyNotify) foyer_hub_group_free);
  }
  G_UNLOCK (groups);
  return group;
}

char *
foyer_hub_idempotency_since (const char *now)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (now, utc);
  g_autoptr(GDateTime) then = NULL;
  g_autofree char *text = NULL;

  if (at == NULL)
    return g_strdup ("");   /* every stored answer counts: none is ever replaced */
  then = g_date_time_add_seconds (at, -(gdouble) FOYER_HUB_IDEMPOTENCY_WINDOW_S);
  text = g_date_time_format_iso8601 (then);
  return foyer_timestamp_normalize (text);
}

gboolean
foyer_hub_storage_ingest (FoyerHubStorage *self, const char *event, const char *device,
                          const char *received_at, GPtrArray *items, gboolean forward,
                          const char *key, FoyerHubAnswerFunc answer, gpointer user_data,
                          char **replayed, GError **error)
{
  g_autofree char *since = key != NULL ? foyer_hub_idempotency_since (received_at) : NULL;
  FoyerHubIngest batch = { .event = event, .device = device, .received_at = received_at,
                           .items = items, .forward = forward, .key = key, .key_since = since,
                           .answer = answer, .user_data = user_data };
  gboolean ok;

  g_return_val_if_fail (key == NULL || replayed != NULL, FALSE);
  ok = foyer_hub_group_ingest (group_of (self), self, &batch, error);
  if (!ok)   /* a replay in a group that failed as a whole counts for nothing */
    g_clear_pointer (&batch.replayed, g_free);
  if (replayed != NULL)
    *replayed = g_steal_pointer (&batch.replayed);
  return ok;
}

void
foyer_hub_storage_ingest_stats (FoyerHubStorage *self, FoyerHubIngestStats *stats)
{
  foyer_hub_group_stats (group_of (self), stats);
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
/* ---- the dashboard's tables (issue 17) ---- */

/* Portable SQL: PostgreSQL infers the parameters' types from the columns; SQLite binds $N by
 * name and applies the columns' affinity. The tables are made by each implementation's
 * migrations. */
static const char *const web_sql[FOYER_HUB_WEB_N_STATEMENTS] = {
  [FOYER_HUB_WEB_USER_ADD] = "INSERT INTO web_users (name, password_hash, role, created_at)"
                             " VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
  [FOYER_HUB_WEB_USER_GET] = "SELECT password_hash, role FROM web_users WHERE name = $1",
  [FOYER_HUB_WEB_SESSION_PUT] = "INSERT INTO web_sessions (token_hash, user_name, csrf_token,"
                                " expires_at) VALUES ($1, $2, $3, $4)",
  [FOYER_HUB_WEB_SESSION_PURGE] = "DELETE FROM web_sessions WHERE expires_at <= $1",
  [FOYER_HUB_WEB_SESSION_GET] = "SELECT s.user_name, u.role, s.csrf_token, s.expires_at"
                                " FROM web_sessions s JOIN web_users u ON u.name = s.user_name"
                                " WHERE s.token_hash = $1 AND s.expires_at > $2",
  [FOYER_HUB_WEB_SESSION_DELETE] = "DELETE FROM web_sessions WHERE token_hash = $1",
  [FOYER_HUB_WEB_FAILURES_GET] = "SELECT failures, first_failure, locked_until FROM web_failures"
                                 " WHERE name = $1",
  [FOYER_HUB_WEB_FAILURES_PUT] = "INSERT INTO web_failures (name, failures, first_failure,"
                                 " locked_until) VALUES ($1, $2, $3, $4) ON CONFLICT (name)"
                                 " DO UPDATE SET failures = excluded.failures,"
                                 " first_failure = excluded.first_failure,"
                                 " locked_until = excluded.locked_until",
  [FOYER_HUB_WEB_LINK_PUT] = "INSERT INTO web_links (token_hash, event, booth, created_at,"
                             " expires_at) VALUES ($1, $2, $3, $4, $5)",
  [FOYER_HUB_WEB_LINK_GET] = "SELECT event, booth, expires_at FROM web_links"
                             " WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
  [FOYER_HUB_WEB_LINK_REVOKE] = "UPDATE web_links SET revoked_at = $3 WHERE event = $1"
                                " AND booth = $2 AND revoked_at IS NULL",
  [FOYER_HUB_WEB_COUNTERS] = "SELECT dimension, key, count FROM event_counters WHERE event = $1"
                             " ORDER BY dimension, key",
  [FOYER_HUB_WEB_COUNT_RECORDS] = "SELECT count(*) FROM records WHERE event = $1",
  /* SQLite reuses its parse of a body across the json_extract calls of one row */
  [FOYER_HUB_WEB_REPORT_ARRIVALS] =
    "SELECT id, type, device, json_extract(body, '$.badge_code'), category,"
    " coalesce(unixepoch(created_at), 0), json_extract(body, '$.area'),"
    " (SELECT group_concat(value, char(31)) FROM json_each(body, '$.interests')),"
    " json_extract(body, '$.phones[0]'), json_extract(body, '$.emails[0]'),"
    " json_extract(body, '$.consent_given'), json_extract(body, '$.organization'),"
    " json_extract(body, '$.title'), json_extract(body, '$.city'),"
    " json_extract(body, '$.direction')"
    " FROM records WHERE event = $1 AND type IN ('registration', 'check_in') ORDER BY seq",
  [FOYER_HUB_WEB_REPORT_LEADS] =
    "SELECT booth, json_extract(body, '$.rating'), json_extract(body, '$.follow_up')"
    " FROM records WHERE event = $1 AND type = 'lead' ORDER BY seq",
};

const char *
foyer_hub_web_sql (FoyerHubWebStatement statement)
{
  g_return_val_if_fail (statement < FOYER_HUB_WEB_N_STATEMENTS, NULL);
  return web_sql[statement];
}

static gboolean
collect_row (const char *const *columns, guint n_columns, gpointer data)
{
  g_ptr_array_add (data, g_strdupv ((char **) columns));
  return TRUE;
}

/* rows (when not NULL): every row as a GStrv. */
static gboolean
web_exec (FoyerHubStorage *self, FoyerHubWebStatement statement, const char *const *params,
          guint n, GPtrArray **rows, gint64 *changes, GError **error)
{
  g_autoptr(GPtrArray) collected = rows != NULL
                                   ? g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev)
                                   : NULL;

  if (!IFACE (self)->web_exec (self, statement, params, n, rows != NULL ? collect_row : NULL,
                               collected, changes, error))
    return FALSE;
  if (rows != NULL)
    *rows = g_steal_pointer (&collected);
  return TRUE;
}

gboolean
foyer_hub_storage_web_foreach (FoyerHubStorage *self, FoyerHubWebStatement statement,
                               const char *const *params, guint n, FoyerHubWebRowFunc func,
                               gpointer user_data, GError **error)
{
  return IFACE (self)->web_exec (self, statement, params, n, func, user_data, NULL, error);
}

/* The first row of a query, or NULL (error set on failure, unset when there was no row). */
static GStrv
web_row (FoyerHubStorage *self, FoyerHubWebStatement statement, const char *const *params,
         guint n, GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  if (!web_exec (self, statement, params, n, &rows, NULL, error) || rows->len == 0)
    return NULL;
  return g_strdupv (g_ptr_array_index (rows, 0));
}

static char *
int_text (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

gboolean
foyer_hub_storage_user_add (FoyerHubStorage *self, const char *name, const char *password_hash,
                            const char *role, GError **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  const char *params[] = { name, password_hash, role, now };
  gint64 changes = 0;

  if (!web_exec (self, FOYER_HUB_WEB_USER_ADD, params, 4, NULL, &changes, error))
    return FALSE;
  if (changes == 0) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_EXISTS,
                 _("There is already a user called %s"), name);
    return FALSE;
  }
  return TRUE;
}

char *
foyer_hub_storage_user_get (FoyerHubStorage *self, const char *name, char **role,
                            GError **error)
{
  const char *params[] = { name };
  g_auto(GStrv) row = web_row (self, FOYER_HUB_WEB_USER_GET, params, 1, error);

  if (row == NULL)
    return NULL;
  if (role != NULL)
    *role = g_strdup (row[1]);
  return g_strdup (row[0]);
}

gboolean
foyer_hub_storage_session_put (FoyerHubStorage *self, const char *token_hash, const char *user,
                               const char *csrf_token, gint64 expires_at, gint64 now,
                               GError **error)
{
  g_autofree char *expires = int_text (expires_at);
  g_autofree char *now_text = int_text (now);
  const char *params[] = { token_hash, user, csrf_token, expires };
  const char *purge[] = { now_text };

  return web_exec (self, FOYER_HUB_WEB_SESSION_PURGE, purge, 1, NULL, NULL, error)
         && web_exec (self, FOYER_HUB_WEB_SESSION_PUT, params, 4, NULL, NULL, error);
}

gboolean
foyer_hub_storage_session_get (FoyerHubStorage *self, const char *token_hash, gint64 now,
                               char **user, char **role, char **csrf_token, gint64 *expires_at,
                               GError **error)
{
  g_autofree char *now_text = int_text (now);
  const char *params[] = { token_hash, now_text };
  g_auto(GStrv) row = web_row (self, FOYER_HUB_WEB_SESSION_GET, params, 2, error);

  if (row == NULL)
    return FALSE;
  *user = g_strdup (row[0]);
  *role = g_strdup (row[1]);
  *csrf_token = g_strdup (row[2]);
  *expires_at = g_ascii_strtoll (row[3], NULL, 10);
  return TRUE;
}

gboolean
foyer_hub_storage_session_delete (FoyerHubStorage *self, const char *token_hash, GError **error)
{
  const char *params[] = { token_hash };

  return web_exec (self, FOYER_HUB_WEB_SESSION_DELETE, params, 1, NULL, NULL, error);
}

gboolean
foyer_hub_storage_failures_get (FoyerHubStorage *self, const char *name, gint64 *failures,
                                gint64 *first_failure, gint64 *locked_until, GError **error)
{
  const char *params[] = { name };
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) row = web_row (self, FOYER_HUB_WEB_FAILURES_GET, params, 1, &local);

  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  *failures = row != NULL ? g_ascii_strtoll (row[0], NULL, 10) : 0;
  *first_failure = row != NULL ? g_ascii_strtoll (row[1], NULL, 10) : 0;
  *locked_until = row != NULL ? g_ascii_strtoll (row[2], NULL, 10) : 0;
  return TRUE;
}

gboolean
foyer_hub_storage_failures_put (FoyerHubStorage *self, const char *name, gint64 failures,
                                gint64 first_failure, gint64 locked_until, GError **error)
{
  g_autofree char *a = int_text (failures);
  g_autofree char *b = int_text (first_failure);
  g_autofree char *c = int_text (locked_until);
  const char *params[] = { name, a, b, c };

  return web_exec (self, FOYER_HUB_WEB_FAILURES_PUT, params, 4, NULL, NULL, error);
}

gboolean
foyer_hub_storage_link_put (FoyerHubStorage *self, const char *token_hash, const char *event,
                            const char *booth, gint64 expires_at, GError **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  g_autofree char *expires = int_text (expires_at);
  const char *params[] = { token_hash, event, booth, now, expires };

  return web_exec (self, FOYER_HUB_WEB_LINK_PUT, params, 5, NULL, NULL, error);
}

gboolean
foyer_hub_storage_link_get (FoyerHubStorage *self, const char *token_hash, gint64 now,
                            char **event, char **booth, gint64 *expires_at, GError **error)
{
  g_autofree char *now_text = int_text (now);
  const char *params[] = { token_hash, now_text };
  g_auto(GStrv) row = web_row (self, FOYER_HUB_WEB_LINK_GET, params, 2, error);

  if (row == NULL)
    return FALSE;
  *event = g_strdup (row[0]);
  *booth = g_strdup (row[1]);
  *expires_at = g_ascii_strtoll (row[2], NULL, 10);
  return TRUE;
}

gint64
foyer_hub_storage_link_revoke (FoyerHubStorage *self, const char *event, const char *booth,
                               GError **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  const char *params[] = { event, booth, now };
  gint64 changes = 0;

  if (!web_exec (self, FOYER_HUB_WEB_LINK_REVOKE, params, 3, NULL, &changes, error))
    return -1;
  return changes;
}

GPtrArray *
foyer_hub_storage_counters (FoyerHubStorage *self, const char *event, GError **error)
{
  const char *params[] = { event };
  g_autoptr(GPtrArray) rows = NULL;
  GPtrArray *counters;

  if (!web_exec (self, FOYER_HUB_WEB_COUNTERS, params, 1, &rows, NULL, error))
    return NULL;
  counters = g_ptr_array_new_full (rows->len, (GDestroyNotify) foyer_hub_stats_row_free);
  for (guint i = 0; i < rows->len; i++) {
    char **row = g_ptr_array_index (rows, i);
    FoyerHubStatsRow *counter = g_new0 (FoyerHubStatsRow, 1);

    counter->dimension = g_strdup (row[0]);
    counter->key = g_strdup (row[1]);
    counter->count = g_ascii_strtoll (row[2], NULL, 10);
    g_ptr_array_add (counters, counter);
  }
  return counters;
}

gint64
foyer_hub_storage_count_records (FoyerHubStorage *self, const char *event, GError **error)
{
  const char *params[] = { event };
  g_auto(GStrv) row = web_row (self, FOYER_HUB_WEB_COUNT_RECORDS, params, 1, error);

  return row != NULL ? g_ascii_strtoll (row[0], NULL, 10) : -1;
}

char *
foyer_hub_storage_default_event (FoyerHubStorage *storage, GError **error)
{
  g_autoptr(GPtrArray) events = foyer_hub_storage_event_list (storage, error);
  FoyerHubEvent *best = NULL;

  if (events == NULL)
    return NULL;
  for (guint i = 0; i < events->len; i++) {
    FoyerHubEvent *event = g_ptr_array_index (events, i);
    if (best == NULL || event->last_seq > best->last_seq)
      best = event;
  }
  if (best == NULL) {
    g_set_error_literal (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                         "the hub has no event yet (add one with “foyer-hub event add”)");
    return NULL;
  }
  return g_strdup (best->id);
}
