/* SPDX-License-Identifier: GPL-3.0-or-later */
/* print-test-util.c: see print-test-util.h. */
#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>

#include "badge-test-util.h"
#include "print-test-util.h"

static struct {
  gboolean   tried;
  gboolean   ready;
  char      *skip_reason;
  char      *dir;
  GPtrArray *queues;
} cupsd;

int
print_test_run_setup (const char * const *args,
                      char              **last_line)
{
  g_autofree char *script = g_build_filename (g_getenv ("FOYER_SOURCE_ROOT"), "tests", "cups",
                                              "setup-cups.sh", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  g_ptr_array_add (argv, "/bin/sh");
  g_ptr_array_add (argv, script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  status = badge_test_run ((const char * const *)argv->pdata, &out, &err);
  if (err != NULL && *err != '\0')
    g_test_message ("setup-cups.sh %s: %s", args[0], err);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  if (last_line != NULL)
    *last_line = g_strdup (lines[0] != NULL ? lines[g_strv_length (lines) - 1] : "");
  return status;
}

static void
stop_cupsd (void)
{
  for (guint i = 0; cupsd.queues != NULL && i < cupsd.queues->len; i++)
    print_test_run_setup ((const char * const[]) { "remove", g_ptr_array_index (cupsd.queues, i),
                                                    NULL }, NULL);
  print_test_run_setup ((const char * const[]) { "stop-private", cupsd.dir, NULL }, NULL);
  if (g_getenv ("FOYER_KEEP_TMP") == NULL) {
    const char *argv[] = { "rm", "-rf", cupsd.dir, NULL };
    badge_test_run (argv, NULL, NULL);
  }
}

gboolean
print_test_start_cupsd (char **skip_reason)
{
  if (!cupsd.tried) {
    g_autofree char *line = NULL;
    g_autoptr(GError) error = NULL;
    int status;

    cupsd.tried = TRUE;
    /* Not below the test's private temp dir: cupsd's filters run as user lp and must reach the
     * spool. */
    cupsd.dir = g_dir_make_tmp ("foyer-cupsd-XXXXXX", &error);
    g_assert_no_error (error);
    g_chmod (cupsd.dir, 0755);
    status = print_test_run_setup ((const char * const[]) { "start-private", cupsd.dir, NULL }, &line);
    if (status == 77) {
      cupsd.skip_reason = g_strdup_printf ("CUPS cannot run here: %s", line);
      g_rmdir (cupsd.dir);
    } else {
      g_assert_cmpint (status, ==, 0);
      g_setenv ("CUPS_SERVER", line, TRUE);
      cupsd.queues = g_ptr_array_new_with_free_func (g_free);
      cupsd.ready = TRUE;
      atexit (stop_cupsd);
    }
  }
  if (skip_reason != NULL)
    *skip_reason = g_strdup (cupsd.skip_reason);
  return cupsd.ready;
}

static char *
queue_name (const char *tag)
{
  return g_strdup_printf ("foyer-test-%s-%d-%" G_GINT64_FORMAT, tag, (int)getpid (),
                          g_get_real_time () / G_USEC_PER_SEC);
}

char *
print_test_add_queue (const char  *tag,
                      char       **outdir)
{
  char *queue = queue_name (tag);
  g_autofree char *dir = g_build_filename (cupsd.dir, tag, NULL);
  g_autofree char *line = NULL;

  g_assert_true (cupsd.ready);
  g_assert_cmpint (print_test_run_setup ((const char * const[]) { "create", queue, dir, NULL }, &line), ==, 0);
  g_ptr_array_add (cupsd.queues, g_strdup (queue));
  *outdir = g_steal_pointer (&line);
  return queue;
}

char *
print_test_add_state_queue (const char *tag,
                            const char *reason)
{
  char *queue = queue_name (tag);

  g_assert_true (cupsd.ready);
  g_assert_cmpint (print_test_run_setup ((const char * const[]) { "create-state", queue, reason, NULL }, NULL),
                   ==, 0);
  g_ptr_array_add (cupsd.queues, g_strdup (queue));
  return queue;
}

void
print_test_cups_command (const char *command,
                         const char *queue)
{
  const char *argv[] = { command, queue, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (badge_test_run (argv, NULL, &err), ==, 0);
}

guint
print_test_count_pdfs (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".pdf"))
      n++;
  return n;
}

gboolean
print_test_wait_pdfs (const char *dir,
                      guint       n,
                      guint       timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_s * G_USEC_PER_SEC;

  while (print_test_count_pdfs (dir) < n) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_main_context_iteration (NULL, FALSE);
    g_usleep (20 * 1000);
  }
  return TRUE;
}

gboolean
print_test_wait_flag (gboolean *flag,
                      guint     timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_s * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5 * 1000);
  return *flag;
}

FoyerRegistration *
print_test_add_visitor (FoyerStore *store,
                        const char *event)
{
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
  g_autoptr(GError) error = NULL;

  reg->event = g_strdup (event);
  reg->kiosk_id = g_strdup ("test-kiosk");
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->full_name = g_strdup ("张伟");
  reg->family_name = g_strdup ("张");
  reg->given_name = g_strdup ("伟");
  reg->organization = g_strdup ("上海会展服务有限公司");
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup ("1");
  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&reg);
}
