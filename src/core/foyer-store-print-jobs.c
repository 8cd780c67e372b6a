/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-print-jobs.c: the badge print queue's rows (see foyer-print-job.h). */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include "foyer-print-job.h"
#include "foyer-store-private.h"

static const char * const state_names[] = {
  NULL, "queued", "sending", "at-printer", "printed", "failed", "cancelled",
};

const char *
foyer_print_job_state_to_string (FoyerPrintJobState state)
{
  if (state < FOYER_PRINT_JOB_QUEUED || state > FOYER_PRINT_JOB_CANCELLED)
    return "queued";
  return state_names[state];
}

FoyerPrintJobState
foyer_print_job_state_from_string (const char *text)
{
  for (guint i = FOYER_PRINT_JOB_QUEUED; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      return (FoyerPrintJobState)i;
  return FOYER_PRINT_JOB_QUEUED;
}

void
foyer_print_job_free (FoyerPrintJob *job)
{
  if (job == NULL)
    return;
  g_free (job->record_id);
  g_free (job->payload);
  g_free (job->reason);
  g_free (job->printer);
  g_free (job->cups_state);
  g_free (job->message);
  g_free (job->confirmed_by);
  g_free (job);
}

FoyerPrintJob *
foyer_print_job_copy (const FoyerPrintJob *job)
{
  FoyerPrintJob *copy = g_memdup2 (job, sizeof *job);

  copy->record_id = g_strdup (job->record_id);
  copy->payload = g_strdup (job->payload);
  copy->reason = g_strdup (job->reason);
  copy->printer = g_strdup (job->printer);
  copy->cups_state = g_strdup (job->cups_state);
  copy->message = g_strdup (job->message);
  copy->confirmed_by = g_strdup (job->confirmed_by);
  return copy;
}

gboolean
foyer_store_add_print_job (FoyerStore  *self,
                           const char  *record_id,
                           const char  *payload,
                           const char  *reason,
                           const char  *confirmed_by,
                           gint64      *out_id,
                           GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (record_id != NULL && reason != NULL, FALSE);

  if (self->readonly)
    return _foyer_store_begin (self, error);
  if ((stmt = _foyer_store_get_stmt (self,
                        "INSERT INTO print_jobs (record_id, payload, reason, state, confirmed_by, "
                        "  created_at, updated_at) "
                        "SELECT ?1, ?2, ?3, 'queued', ?4, ?5, ?5 "
                        "WHERE EXISTS (SELECT 1 FROM registrations WHERE id = ?1)", error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, record_id);
  _foyer_store_bind_text (stmt, 2, payload);
  _foyer_store_bind_text (stmt, 3, reason);
  _foyer_store_bind_text (stmt, 4, confirmed_by);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!_foyer_store_step_done (self, stmt, error)) {
    _foyer_store_recover_at_runtime (self, error);
    return FALSE;
  }
  if (sqlite3_changes (self->db) == 0) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                 "There is no record %s on this kiosk to print a badge for.", record_id);
    return FALSE;
  }
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
foyer_store_update_print_job (FoyerStore     *self,
                              FoyerPrintJob  *job,
                              GError        **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (job != NULL, FALSE);

  if (self->readonly)
    return _foyer_store_begin (self, error);
  if ((stmt = _foyer_store_get_stmt (self,
                        "UPDATE print_jobs SET state = ?2, printer = ?3, cups_job_id = ?4, "
                        "  cups_state = ?5, attempts = ?6, message = ?7, updated_at = ?8, "
                        "  sent_at = ?9 WHERE id = ?1", error)) == NULL)
    return FALSE;
  job->updated_at = g_get_real_time ();
  sqlite3_bind_int64 (stmt, 1, job->id);
  _foyer_store_bind_text (stmt, 2, foyer_print_job_state_to_string (job->state));
  _foyer_store_bind_text (stmt, 3, job->printer);
  sqlite3_bind_int (stmt, 4, job->cups_job_id);
  _foyer_store_bind_text (stmt, 5, job->cups_state);
  sqlite3_bind_int (stmt, 6, job->attempts);
  _foyer_store_bind_text (stmt, 7, job->message);
  sqlite3_bind_int64 (stmt, 8, job->updated_at);
  sqlite3_bind_int64 (stmt, 9, job->sent_at);
  if (!_foyer_store_step_done (self, stmt, error)) {
    _foyer_store_recover_at_runtime (self, error);
    return FALSE;
  }
  if (sqlite3_changes (self->db) == 0) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                 "There is no print job %" G_GINT64_FORMAT " on this kiosk.", job->id);
    return FALSE;
  }
  return TRUE;
}

#define JOB_COLUMNS "id, record_id, payload, reason, state, printer, cups_job_id, cups_state, " \
                    "attempts, message, confirmed_by, created_at, updated_at, sent_at"

static gpointer
read_job (sqlite3_stmt *stmt)
{
  FoyerPrintJob *job = g_new0 (FoyerPrintJob, 1);
  g_autofree char *state = NULL;

  job->id = sqlite3_column_int64 (stmt, 0);
  job->record_id = _foyer_store_column_text (stmt, 1);
  job->payload = _foyer_store_column_text (stmt, 2);
  job->reason = _foyer_store_column_text (stmt, 3);
  state = _foyer_store_column_text (stmt, 4);
  job->state = foyer_print_job_state_from_string (state);
  job->printer = _foyer_store_column_text (stmt, 5);
  job->cups_job_id = sqlite3_column_int (stmt, 6);
  job->cups_state = _foyer_store_column_text (stmt, 7);
  job->attempts = sqlite3_column_int (stmt, 8);
  job->message = _foyer_store_column_text (stmt, 9);
  job->confirmed_by = _foyer_store_column_text (stmt, 10);
  job->created_at = sqlite3_column_int64 (stmt, 11);
  job->updated_at = sqlite3_column_int64 (stmt, 12);
  job->sent_at = sqlite3_column_int64 (stmt, 13);
  return job;
}

FoyerPrintJob *
foyer_store_get_print_job (FoyerStore  *self,
                           gint64       id,
                           GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  return _foyer_store_get_by_id (self, "SELECT " JOB_COLUMNS " FROM print_jobs WHERE id = ?1",
                                 read_job, "print job", text, error);
}

GPtrArray *
foyer_store_list_print_jobs (FoyerStore  *self,
                             gboolean     active_only,
                             guint        limit,
                             GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_print_job_free);
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);

  if ((stmt = _foyer_store_get_stmt (self, active_only
                 ? "SELECT " JOB_COLUMNS " FROM print_jobs "
                   "WHERE state IN ('queued', 'sending', 'at-printer') ORDER BY id LIMIT ?1"
                 : "SELECT * FROM (SELECT " JOB_COLUMNS " FROM print_jobs "
                   "ORDER BY id DESC LIMIT ?1) ORDER BY id", error)) == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, limit > 0 ? (int)MIN (limit, G_MAXINT) : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (jobs, read_job (stmt));
  if (rc != SQLITE_DONE) {
    _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  return g_steal_pointer (&jobs);
}

gboolean
foyer_store_badge_was_printed (FoyerStore  *self,
                               const char  *record_id,
                               gboolean    *printed,
                               GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (record_id != NULL && printed != NULL, FALSE);

  if ((stmt = _foyer_store_get_stmt (self,
                 "SELECT EXISTS (SELECT 1 FROM print_jobs WHERE record_id = ?1 "
                 "  AND state NOT IN ('failed', 'cancelled')) "
                 "OR EXISTS (SELECT 1 FROM prints WHERE record_id = ?1 AND success = 1)",
                 error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, record_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _foyer_store_set_error_from_db (self, rc, error);
  *printed = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}
