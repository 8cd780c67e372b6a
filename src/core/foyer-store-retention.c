/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-retention.c: [storage] retain-days applied to every table and file that holds
 * visitors' personal data, with proof that the old bytes left the database file and its WAL.
 *
 * The rule for records head office has not acknowledged (pending, in flight, dead): they are
 * never deleted nor stripped by retention, whatever their age; they are kept and counted, and
 * `foyerctl purge`/`stats` and the kiosk's Admin page show how many are overdue.
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "foyer-store-private.h"

#define CHECKPOINT_ATTEMPTS 3

static char *
cutoff_for (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) cutoff = g_date_time_add_days (now, -days);

  return g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%S.000Z");
}

/* Runs sql with ?1 = cutoff; *changes receives the rows it changed. */
static gboolean
run_with_cutoff (FoyerStore  *self,
                 const char  *sql,
                 const char  *cutoff,
                 guint       *changes,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK) {
    _foyer_store_bind_text (stmt, 1, cutoff);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
      rc = SQLITE_OK;
  }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return _foyer_store_set_error_from_db (self, rc, error);
  if (changes != NULL)
    *changes = sqlite3_changes (self->db);
  return TRUE;
}

/* Delivered (state done) and older than the cutoff: these lose their personal data. */
#define DELIVERED "(SELECT record_id FROM outbox WHERE state = 'done')"

static gboolean
purge_tables (FoyerStore        *self,
              const char        *cutoff,
              FoyerPurgeResult  *result,
              GError           **error)
{
  /* the contact keys first: they point at the rows being purged */
  return run_with_cutoff (self, "DELETE FROM contact_keys WHERE registration_id IN "
                          "(SELECT id FROM registrations WHERE purged = 0 AND created_at < ?1 "
                          "AND id IN " DELIVERED ")", cutoff, NULL, error) &&
         /* category, kind, created_at, country and interests stay: the anonymous counts */
         run_with_cutoff (self, "UPDATE registrations SET full_name = NULL, family_name = NULL, "
                          "given_name = NULL, organization = NULL, title = NULL, emails = NULL, "
                          "phones = NULL, phones_unverified = NULL, city = NULL, "
                          "badge_code = NULL, raw_payload = NULL, notes = NULL, purged = 1 "
                          "WHERE purged = 0 AND created_at < ?1 AND id IN " DELIVERED,
                          cutoff, &result->registrations, error) &&
         run_with_cutoff (self, "UPDATE leads SET notes = NULL, answers_json = NULL, "
                          "staff_id = NULL WHERE created_at < ?1 AND (notes IS NOT NULL OR "
                          "answers_json IS NOT NULL OR staff_id IS NOT NULL) AND id IN "
                          DELIVERED, cutoff, &result->leads, error) &&
         /* a refusal or an HTTP answer may quote the record it was about */
         run_with_cutoff (self, "UPDATE outbox SET last_error = NULL WHERE state = 'done' AND "
                          "last_error IS NOT NULL AND created_at < ?1", cutoff,
                          &result->outbox_errors, error) &&
         /* imported attendees: head office holds them; the kiosk needs them during the show */
         run_with_cutoff (self, "DELETE FROM preregistrations WHERE imported_at < ?1", cutoff,
                          &result->preregistrations, error);
}

gint64
foyer_store_count_undelivered_older_than (FoyerStore  *self,
                                          int          days,
                                          GError     **error)
{
  g_autofree char *cutoff = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), -1);
  g_return_val_if_fail (days >= 0, -1);

  cutoff = cutoff_for (days);
  rc = sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM outbox WHERE state != 'done' AND "
                           "created_at < ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK) {
    _foyer_store_bind_text (stmt, 1, cutoff);
    if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      n = sqlite3_column_int64 (stmt, 0);
  }
  sqlite3_finalize (stmt);
  if (n < 0)
    _foyer_store_set_error_from_db (self, rc, error);
  return n;
}

/* Copies of damaged databases (PATH.corrupt-STAMP and their -wal/-shm) moved aside before the
 * cutoff: everything in them is older than the cutoff, and nothing reads them. */
static guint
remove_corrupt_copies (FoyerStore *self,
                       int         days)
{
  g_autofree char *dir_name = g_path_get_dirname (self->path);
  g_autofree char *base = g_path_get_basename (self->path);
  g_autofree char *prefix = g_strconcat (base, ".corrupt-", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  gint64 cutoff = g_get_real_time () / G_USEC_PER_SEC - (gint64) days * 24 * 3600;
  const char *name;
  guint removed = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = NULL;
    GStatBuf st;

    if (!g_str_has_prefix (name, prefix))
      continue;
    path = g_build_filename (dir_name, name, NULL);
    if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_mtime >= cutoff)
      continue;
    if (g_unlink (path) == 0) {
      if (!g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm") &&
          !g_str_has_suffix (name, "-journal"))
        removed++;
    } else {
      g_warning ("Cannot remove the old damaged database copy %s: %s", path, g_strerror (errno));
    }
  }
  return removed;
}

/* Writes the WAL back into the database and truncates it to 0 bytes. A reader that still reads
 * an old snapshot blocks that (the busy handler waits for it); try again a few times, then say
 * so: the old contents would stay in the WAL. */
static gboolean
checkpoint_truncate (FoyerStore  *self,
                     GError     **error)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  int rc = SQLITE_OK;

  for (guint attempt = 0; attempt < CHECKPOINT_ATTEMPTS; attempt++) {
    int n_log = -1;
    int n_done = -1;
    GStatBuf st;

    if (attempt > 0)
      g_usleep (100 * 1000);
    rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &n_log, &n_done);
    if (rc == SQLITE_OK && (g_stat (wal, &st) != 0 || st.st_size == 0))
      return TRUE;
    g_debug ("checkpoint attempt %u: rc %d, %d of %d frames", attempt + 1, rc, n_done, n_log);
  }
  if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_LOCKED,
                 _("Another program (the kiosk or a sync) kept reading an old state of the "
                   "database, so the purged data is still in %s. Close it or wait, then purge "
                   "again."), wal);
    return FALSE;
  }
  return _foyer_store_set_error_from_db (self, rc, error);
}

gboolean
foyer_store_purge (FoyerStore        *self,
                   int                days,
                   FoyerPurgeResult  *result,
                   GError           **error)
{
  g_autofree char *cutoff = NULL;
  FoyerPurgeResult local = { 0 };
  gint64 kept;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (days >= 0, FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);
  cutoff = cutoff_for (days);

  if (!_foyer_store_begin (self, error))
    return FALSE;
  if (!purge_tables (self, cutoff, result, error)) {
    _foyer_store_rollback (self);
    _foyer_store_recover_at_runtime (self, error);
    return FALSE;
  }
  if (!_foyer_store_commit (self, error)) {
    _foyer_store_recover_at_runtime (self, error);
    return FALSE;
  }
  if ((kept = foyer_store_count_undelivered_older_than (self, days, error)) < 0)
    return FALSE;
  result->undelivered_kept = kept;
  result->corrupt_copies = remove_corrupt_copies (self, days);
  /* the rows' old versions are in the WAL (and the database pages) until the checkpoint */
  if (!checkpoint_truncate (self, error))
    return FALSE;
  result->wal_clean = TRUE;
  return TRUE;
}

gboolean
foyer_store_purge_older_than (FoyerStore  *self,
                              int          days,
                              guint       *n_purged,
                              GError     **error)
{
  FoyerPurgeResult result;

  if (!foyer_store_purge (self, days, &result, error))
    return FALSE;
  if (n_purged != NULL)
    *n_purged = result.registrations;
  return TRUE;
}

/* --- in a worker thread, on its own connection (the kiosk's timer) --- */

typedef struct {
  char             *path;
  int               days;
  FoyerPurgeResult  result;
} PurgeJob;

static void
purge_job_free (PurgeJob *job)
{
  g_free (job->path);
  g_free (job);
}

static void
purge_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  PurgeJob *job = task_data;
  g_autoptr(FoyerStore) store = NULL;
  GError *error = NULL;

  if ((store = foyer_store_open (job->path, &error)) == NULL ||
      !foyer_store_purge (store, job->days, &job->result, &error)) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

void
foyer_store_purge_file_async (const char          *path,
                              int                  days,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PurgeJob *job;

  g_return_if_fail (path != NULL);
  g_return_if_fail (days >= 0);

  job = g_new0 (PurgeJob, 1);
  job->path = g_strdup (path);
  job->days = days;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, foyer_store_purge_file_async);
  g_task_set_task_data (task, job, (GDestroyNotify) purge_job_free);
  g_task_run_in_thread (task, purge_thread);
}

gboolean
foyer_store_purge_file_finish (GAsyncResult      *result,
                               FoyerPurgeResult  *purge_result,
                               GError           **error)
{
  PurgeJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == foyer_store_purge_file_async,
                        FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (purge_result != NULL)
    *purge_result = job->result;
  return g_task_propagate_boolean (G_TASK (result), error);
}
