/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-outbox.c: the queue that carries records to head office. The sync thread takes
 * due rows (pending → in_flight, claimed by its connection), then marks them done, retries them
 * later or moves them to the dead letters; staff list and requeue the dead ones.
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "foyer-store-private.h"

/* --- queueing (inside the transaction that writes the record) --- */

gboolean
_foyer_store_queue_record (FoyerStore *self,
                           const char *record_id,
                           const char *record_type,
                           const char *created_at,
                           GError    **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  /* A re-queued record (an edited lead) starts over: pending, no attempts, due now. */
  if ((stmt = _foyer_store_get_stmt (self,
                        "INSERT INTO outbox (record_id, record_type, state, attempts, "
                        "  next_attempt_at, created_at) VALUES (?1, ?2, 'pending', 0, ?3, ?4) "
                        "ON CONFLICT (record_id) DO UPDATE SET state = 'pending', attempts = 0, "
                        "  next_attempt_at = excluded.next_attempt_at, claimed_by = NULL, "
                        "  acknowledged_at = NULL", error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, record_id);
  _foyer_store_bind_text (stmt, 2, record_type);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  _foyer_store_bind_text (stmt, 4, created_at);
  return _foyer_store_step_done (self, stmt, error);
}

/* --- outbox --- */

void
foyer_outbox_entry_free (FoyerOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->record_id);
  g_free (entry->record_type);
  g_free (entry->state);
  g_free (entry->last_error);
  g_free (entry->created_at);
  g_free (entry);
}

static JsonObject *
load_wire_record (FoyerStore  *self,
                  const char  *id,
                  const char  *type,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (strcmp (type, "lead") == 0) {
    g_autoptr(FoyerLead) lead = foyer_store_get_lead (self, id, &local_error);
    g_autoptr(FoyerRegistration) visitor = NULL;

    if (lead == NULL)
      goto out;
    visitor = foyer_store_get_registration (self, lead->registration_id, &local_error);
    if (visitor == NULL)
      goto out;
    return foyer_lead_to_json_with_visitor (lead, visitor);
  } else if (strcmp (type, "check_in") == 0 || strcmp (type, "annulment") == 0) {
    JsonObject *object = _foyer_store_load_log_record (self, id, type, &local_error);

    if (object != NULL)
      return object;
  } else {
    g_autoptr(FoyerRegistration) reg = foyer_store_get_registration (self, id, &local_error);

    if (reg != NULL)
      return foyer_registration_to_json (reg);
  }

out:
  if (!g_error_matches (local_error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

JsonArray *
foyer_store_outbox_take (FoyerStore  *self,
                         guint        max,
                         GError     **error)
{
  g_autoptr(JsonArray) records = json_array_new ();
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *taken_json = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);

  if (max == 0)
    return g_steal_pointer (&records);
  /* Marking rows in_flight need not reach the disk before we return: after a power cut they
   * would be given back as pending anyway. Skipping that fsync halves the cost of a batch; the
   * next synchronous=FULL commit (mark_done) syncs these frames too. */
  _foyer_store_exec (self, "PRAGMA synchronous = NORMAL", NULL);
  if (!_foyer_store_begin (self, error)) {
    _foyer_store_exec (self, "PRAGMA synchronous = FULL", NULL);
    return NULL;
  }

  {
    g_autoptr(CachedStmt) stmt = NULL;

    if ((stmt = _foyer_store_get_stmt (self, "SELECT record_id, record_type FROM outbox "
                          "WHERE state = 'pending' AND next_attempt_at <= ?1 "
                          "ORDER BY next_attempt_at, rowid LIMIT ?2", error)) == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
    sqlite3_bind_int64 (stmt, 2, max);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
      g_ptr_array_add (rows, _foyer_store_column_text (stmt, 0));
      g_ptr_array_add (rows, _foyer_store_column_text (stmt, 1));
    }
    if (rc != SQLITE_DONE) {
      _foyer_store_set_error_from_db (self, rc, error);
      goto fail;
    }
  }

  for (guint i = 0; i < rows->len; i += 2) {
    const char *id = g_ptr_array_index (rows, i);
    const char *type = g_ptr_array_index (rows, i + 1);
    g_autoptr(GError) load_error = NULL;
    JsonObject *object = load_wire_record (self, id, type, &load_error);

    if (object == NULL) {
      if (load_error != NULL) {
        g_propagate_error (error, g_steal_pointer (&load_error));
        goto fail;
      }
      g_ptr_array_add (missing, g_strdup (id));
      continue;
    }
    json_array_add_object_element (records, object);
    g_ptr_array_add (taken, g_strdup (id));
  }

  if (taken->len > 0) {
    g_autoptr(CachedStmt) stmt = NULL;

    g_ptr_array_add (taken, NULL);
    taken_json = _foyer_store_strv_array_to_json ((const char * const *)taken->pdata);
    if ((stmt = _foyer_store_get_stmt (self, "UPDATE outbox SET state = 'in_flight', claimed_by = ?2 "
                          "WHERE record_id IN (SELECT value FROM json_each(?1))", error)) == NULL)
      goto fail;
    _foyer_store_bind_text (stmt, 1, taken_json);
    _foyer_store_bind_text (stmt, 2, self->owner);
    if (!_foyer_store_step_done (self, stmt, error))
      goto fail;
  }
  for (guint i = 0; i < missing->len; i++) {
    g_autoptr(CachedStmt) stmt = NULL;

    /* An outbox row whose record vanished cannot be sent: park it where staff can see it. */
    if ((stmt = _foyer_store_get_stmt (self, "UPDATE outbox SET state = 'dead', last_error = ?2 "
                          "WHERE record_id = ?1", error)) == NULL)
      goto fail;
    _foyer_store_bind_text (stmt, 1, g_ptr_array_index (missing, i));
    _foyer_store_bind_text (stmt, 2, "the record is missing from the database");
    if (!_foyer_store_step_done (self, stmt, error))
      goto fail;
  }

  if (!_foyer_store_commit (self, error))
    goto fail;
  _foyer_store_exec (self, "PRAGMA synchronous = FULL", NULL);
  return g_steal_pointer (&records);

fail:
  _foyer_store_rollback (self);
  _foyer_store_exec (self, "PRAGMA synchronous = FULL", NULL);
  _foyer_store_recover_at_runtime (self, error);
  return NULL;
}

/* One UPDATE over a JSON list of ids, in its own transaction. */
static gboolean
update_ids (FoyerStore         *self,
            const char         *sql,
            const char * const *ids,
            const char         *text2,
            gint64              int3,
            GError            **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *ids_json = NULL;
  gboolean ok;

  if (ids == NULL || ids[0] == NULL)
    return TRUE;
  if (self->readonly)
    return _foyer_store_begin (self, error);

  ids_json = _foyer_store_strv_array_to_json ((const char * const *)ids);
  if ((stmt = _foyer_store_get_stmt (self, sql, error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, ids_json);
  _foyer_store_bind_text (stmt, 2, text2);
  sqlite3_bind_int64 (stmt, 3, int3);
  /* A single statement is its own transaction. Without the fsync: a power cut may undo the
   * last state changes, which only sends those records again, and head office deduplicates by
   * id. The records themselves were committed with synchronous=FULL. */
  _foyer_store_exec (self, "PRAGMA synchronous = NORMAL", NULL);
  ok = _foyer_store_step_done (self, stmt, error);
  _foyer_store_exec (self, "PRAGMA synchronous = FULL", NULL);
  if (!ok) {
    _foyer_store_recover_at_runtime (self, error);
    return FALSE;
  }
  return TRUE;
}

gboolean
foyer_store_outbox_mark_done (FoyerStore         *self,
                              const char * const *ids,
                              GError            **error)
{
  g_autofree char *now = foyer_timestamp_now ();

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  return update_ids (self,
                     "UPDATE outbox SET state = 'done', acknowledged_at = ?2, claimed_by = NULL, "
                     "  last_error = NULL WHERE state = 'in_flight' AND "
                     "  record_id IN (SELECT value FROM json_each(?1))",
                     ids, now, 0, error);
}

gboolean
foyer_store_outbox_mark_retry (FoyerStore         *self,
                               const char * const *ids,
                               gint64              next_attempt_us,
                               const char         *error_message,
                               GError            **error)
{
  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  return update_ids (self,
                     "UPDATE outbox SET state = 'pending', attempts = attempts + 1, "
                     "  next_attempt_at = ?3, last_error = coalesce(?2, last_error), "
                     "  claimed_by = NULL WHERE state = 'in_flight' AND "
                     "  record_id IN (SELECT value FROM json_each(?1))",
                     ids, error_message, next_attempt_us, error);
}

gboolean
foyer_store_outbox_release (FoyerStore         *self,
                            const char * const *ids,
                            GError            **error)
{
  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  return update_ids (self,
                     "UPDATE outbox SET state = 'pending', claimed_by = NULL "
                     "WHERE state = 'in_flight' AND record_id IN (SELECT value FROM json_each(?1)) "
                     "",
                     ids, NULL, 0, error);
}

gboolean
foyer_store_outbox_mark_dead (FoyerStore  *self,
                              const char  *id,
                              const char  *reason,
                              GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (self->readonly)
    return _foyer_store_begin (self, error);
  if ((stmt = _foyer_store_get_stmt (self, "UPDATE outbox SET state = 'dead', last_error = ?2, "
                        "claimed_by = NULL WHERE record_id = ?1", error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, id);
  _foyer_store_bind_text (stmt, 2, reason);
  if (!_foyer_store_step_done (self, stmt, error)) {
    _foyer_store_recover_at_runtime (self, error);
    return FALSE;
  }
  if (sqlite3_changes (self->db) == 0) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                 "There is no record %s in the queue.", id);
    return FALSE;
  }
  return TRUE;
}

gboolean
foyer_store_outbox_counts (FoyerStore         *self,
                           FoyerOutboxCounts  *counts,
                           GError            **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  memset (counts, 0, sizeof *counts);
  if ((stmt = _foyer_store_get_stmt (self, "SELECT state, count(*) FROM outbox GROUP BY state",
                        error)) == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    const char *state = (const char *)sqlite3_column_text (stmt, 0);
    gint64 n = sqlite3_column_int64 (stmt, 1);

    if (g_strcmp0 (state, FOYER_OUTBOX_PENDING) == 0)
      counts->pending = n;
    else if (g_strcmp0 (state, FOYER_OUTBOX_IN_FLIGHT) == 0)
      counts->in_flight = n;
    else if (g_strcmp0 (state, FOYER_OUTBOX_DONE) == 0)
      counts->done = n;
    else if (g_strcmp0 (state, FOYER_OUTBOX_DEAD) == 0)
      counts->dead = n;
  }
  if (rc != SQLITE_DONE)
    return _foyer_store_set_error_from_db (self, rc, error);
  return TRUE;
}

gint64
foyer_store_outbox_next_due (FoyerStore  *self,
                             GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), -1);

  if ((stmt = _foyer_store_get_stmt (self, "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'",
                        error)) == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW) {
    _foyer_store_set_error_from_db (self, rc, error);
    return -1;
  }
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

GPtrArray *
foyer_store_outbox_list (FoyerStore  *self,
                         const char  *state,
                         guint        limit,
                         GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_outbox_entry_free);
  if ((stmt = _foyer_store_get_stmt (self, "SELECT record_id, record_type, state, attempts, last_error, "
                        "created_at FROM outbox WHERE ?1 IS NULL OR state = ?1 "
                        "ORDER BY rowid LIMIT ?2", error)) == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, state);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64)limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    FoyerOutboxEntry *entry = g_new0 (FoyerOutboxEntry, 1);

    entry->record_id = _foyer_store_column_text (stmt, 0);
    entry->record_type = _foyer_store_column_text (stmt, 1);
    entry->state = _foyer_store_column_text (stmt, 2);
    entry->attempts = sqlite3_column_int (stmt, 3);
    entry->last_error = _foyer_store_column_text (stmt, 4);
    entry->created_at = _foyer_store_column_text (stmt, 5);
    g_ptr_array_add (entries, entry);
  }
  if (rc != SQLITE_DONE) {
    _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  return g_steal_pointer (&entries);
}

gboolean
foyer_store_outbox_requeue (FoyerStore  *self,
                            const char  *id,
                            guint       *n,
                            GError     **error)
{
  g_autoptr(GPtrArray) requeued = g_ptr_array_new_with_free_func (g_free);
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);

  if (!_foyer_store_begin (self, error))
    return FALSE;
  {
    g_autoptr(CachedStmt) stmt = NULL;

    if ((stmt = _foyer_store_get_stmt (self, "UPDATE outbox SET state = 'pending', attempts = 0, "
                          "next_attempt_at = ?2, claimed_by = NULL "
                          "WHERE state = 'dead' AND (?1 IS NULL OR record_id = ?1) "
                          "RETURNING record_id, record_type", error)) == NULL)
      goto fail;
    _foyer_store_bind_text (stmt, 1, id);
    sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
      g_ptr_array_add (requeued, _foyer_store_column_text (stmt, 0));
      g_ptr_array_add (requeued, _foyer_store_column_text (stmt, 1));
    }
    if (rc != SQLITE_DONE) {
      _foyer_store_set_error_from_db (self, rc, error);
      goto fail;
    }
  }
  if (!_foyer_store_commit (self, error))
    goto fail;

  if (n != NULL)
    *n = requeued->len / 2;
  for (guint i = 0; i < requeued->len; i += 2)
    _foyer_store_emit_record_added (self, g_ptr_array_index (requeued, i),
                   g_ptr_array_index (requeued, i + 1));
  return TRUE;

fail:
  _foyer_store_rollback (self);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}
