/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-test-util.c: helpers shared by the unit tests. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <sqlite3.h>

#include "foyer-store.h"
#include "foyer-test-util.h"

static GPtrArray *tmpdirs;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL) {
    while ((name = g_dir_read_name (dir)) != NULL) {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  }
  g_rmdir (path);
}

static void
cleanup_tmpdirs (void)
{
  if (g_getenv ("FOYER_KEEP_TMP") == NULL && tmpdirs != NULL)
    for (guint i = 0; i < tmpdirs->len; i++)
      remove_tree (g_ptr_array_index (tmpdirs, i));
  g_clear_pointer (&tmpdirs, g_ptr_array_unref);
}

char *
foyer_test_make_tmpdir (const char *tag)
{
  g_autofree char *tmpl = g_strdup_printf ("foyer-%s-XXXXXX", tag != NULL ? tag : "test");
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  if (tmpdirs == NULL) {
    tmpdirs = g_ptr_array_new_with_free_func (g_free);
    atexit (cleanup_tmpdirs);
  }
  g_ptr_array_add (tmpdirs, g_strdup (path));
  return path;
}

const char *
foyer_test_shared_dir (void)
{
  const char *dir = g_getenv ("FOYER_SHARED_DIR");

  if (dir != NULL && g_file_test (dir, G_FILE_TEST_IS_DIR))
    return dir;
  return NULL;
}

const char *
foyer_test_data_dir (void)
{
  const char *dir = g_getenv ("FOYER_TEST_DATA_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_error ("FOYER_TEST_DATA_DIR (tests/data) is not set or missing: run the tests with meson");
  return dir;
}

char *
foyer_test_data_path (const char *first,
                      ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (parts, (gpointer)foyer_test_data_dir ());
  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer)part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **)parts->pdata);
}

static void
add_corpus_files (GPtrArray   *files,
                  GHashTable  *seen,
                  const char  *dir_path,
                  const char  *suffix)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    if (!g_str_has_suffix (name, suffix) || g_hash_table_contains (seen, name))
      continue;
    g_hash_table_add (seen, g_strdup (name));
    g_ptr_array_add (files, g_build_filename (dir_path, name, NULL));
  }
}

static int
compare_basenames (gconstpointer a,
                   gconstpointer b)
{
  g_autofree char *na = g_path_get_basename (*(const char **)a);
  g_autofree char *nb = g_path_get_basename (*(const char **)b);

  return strcmp (na, nb);
}

GPtrArray *
foyer_test_corpus_files (const char *corpus,
                         const char *suffix)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *own = foyer_test_data_path (corpus, NULL);

  add_corpus_files (files, seen, own, suffix);
  if (foyer_test_shared_dir () != NULL) {
    g_autofree char *extra = g_build_filename (foyer_test_shared_dir (), "corpus", corpus, NULL);
    add_corpus_files (files, seen, extra, suffix);
  }
  g_ptr_array_sort (files, compare_basenames);
  return files;
}

char *
foyer_test_write_file (const char *dir,
                       const char *name,
                       const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

int
foyer_test_run_foyerctl (const char * const *argv,
                         const char         *stdin_data,
                         gsize               stdin_len,
                         char              **out_stdout,
                         char              **out_stderr)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  const char *foyerctl = g_getenv ("FOYERCTL");

  g_assert_nonnull (foyerctl);
  g_ptr_array_add (args, (char *)foyerctl);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *)argv[i]);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *)args->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);

  /* Always a pipe, empty by default: CI runs with no standard input at all. */
  in = g_bytes_new (stdin_data, stdin_data != NULL ? stdin_len : 0);
  g_subprocess_communicate (proc, in, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (out_stdout != NULL)
    *out_stdout = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  if (out_stderr != NULL)
    *out_stderr = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));

  if (g_subprocess_get_if_signaled (proc))
    return 128 + g_subprocess_get_term_sig (proc);
  return g_subprocess_get_exit_status (proc);
}

void
foyer_test_add_preregistration (FoyerStore *store,
                                const char *event,
                                const char *badge_code,
                                const char *category,
                                const char *full_name)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;
  FoyerRegistration *reg = foyer_registration_new ();

  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  reg->event = g_strdup (event);
  reg->category = g_strdup (category);
  reg->full_name = g_strdup (full_name);
  reg->badge_code = g_strdup (badge_code);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);
  g_ptr_array_add (list, reg);
  g_assert_true (foyer_store_import_preregistrations (store, list, NULL, NULL, &error));
  g_assert_no_error (error);
}

gint64
foyer_test_count_rows (const char *db_path,
                       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  /* a writer of the test may hold the lock for a moment (a checkpoint, a pull's transaction) */
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}
