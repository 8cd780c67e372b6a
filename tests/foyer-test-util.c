/* foyer-test-util.c: helpers shared by the unit tests. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

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
