/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-crash.c: 20 kiosks sync through `foyerctl sync` while the hub is killed with SIGKILL
 * and restarted 20 times: every record ends up stored exactly once, on SQLite and on a real
 * PostgreSQL 15. */
#include "config.h"

#include <signal.h>

#include "foyer-core.h"
#include "foyer-hub-test-util.h"
#include "foyer-test-util.h"

#ifdef __SANITIZE_ADDRESS__
/* Under ASan with slow unwinding every allocation costs a stack walk: the kiosks' pulls (each
 * row's JSON parsed at the hub) then take the hub's two cores for minutes. The sanitizer run
 * checks the memory of the same code paths with fewer kiosks. */
#define N_KIOSKS  6
#define N_RECORDS 100
#define N_KILLS   10
#else
#define N_KIOSKS  20
#define N_RECORDS 150
#define N_KILLS   20
#endif

static void
run_crash_test (const char *database)
{
  FoyerTestHub *hub = foyer_test_hub_new (database, NULL);
  g_autoptr(GPtrArray) kiosks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) syncs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) stored = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint n = 0;

  for (guint i = 0; i < N_KIOSKS; i++) {
    g_autofree char *name = g_strdup_printf ("kiosk-%02u", i);
    g_autofree char *code = foyer_test_hub_add_device (hub, name, "expo");
    char *kiosk;
    g_autoptr(GPtrArray) ids = NULL;

    /* Enrollment needs the hub running; a fresh one for each code is not needed. */
    if (hub->process == NULL)
      foyer_test_hub_start (hub, NULL);
    kiosk = foyer_test_kiosk_new (code, 10);
    ids = foyer_test_kiosk_register (kiosk, N_RECORDS);
    for (guint j = 0; j < ids->len; j++)
      g_hash_table_add (all, g_strdup (ids->pdata[j]));
    g_ptr_array_add (kiosks, kiosk);
  }
  /* --max-wait counts from the last acknowledged record. Every restart costs the hub's start-up
   * (seconds under ASan on a busy CI machine, where 20 of them exceed a minute), so the kiosks
   * wait long enough to see the kills through; a hub that never answers still fails the test. */
  for (guint i = 0; i < kiosks->len; i++)
    g_ptr_array_add (syncs, foyer_test_kiosk_sync (kiosks->pdata[i], "300"));

  for (guint k = 0; k < N_KILLS; k++) {
    g_usleep (g_random_int_range (50, 250) * 1000);
    foyer_test_hub_kill (hub, SIGKILL);
    g_assert_cmpint (foyer_test_hub_wait (hub), ==, 128 + SIGKILL);
    foyer_test_hub_start (hub, NULL);
  }
  for (guint i = 0; i < syncs->len; i++) {
    g_assert_true (g_subprocess_wait (syncs->pdata[i], NULL, NULL));
    if (g_subprocess_get_exit_status (syncs->pdata[i]) != 0 && hub->process != NULL
        && g_subprocess_get_identifier (hub->process) == NULL)
      /* the kiosks' "giving up" is then the hub's fault: say how it ended */
      g_printerr ("the hub is gone: %s %d\n",
                  g_subprocess_get_if_signaled (hub->process) ? "signal" : "exit status",
                  g_subprocess_get_if_signaled (hub->process)
                  ? g_subprocess_get_term_sig (hub->process)
                  : g_subprocess_get_exit_status (hub->process));
    g_assert_cmpint (g_subprocess_get_exit_status (syncs->pdata[i]), ==, 0);
  }
  stored = foyer_test_hub_export_ids (hub, "expo", &n);
  g_test_message ("%u records stored after %d kills", n, N_KILLS);
  g_assert_cmpuint (n, ==, N_KIOSKS * N_RECORDS);
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, key)), ==, 1);
  foyer_test_hub_free (hub);
}

static void
test_sqlite (void)
{
  run_crash_test (NULL);
}

static void
test_postgresql (void)
{
  FoyerTestPg *pg = foyer_test_pg_start ();
  g_autofree char *database = NULL;

  if (pg == NULL) {
    g_test_skip ("postgresql-15 is not installed (/usr/lib/postgresql/15/bin/initdb)");
    return;
  }
  database = foyer_test_pg_new_database (pg);
  run_crash_test (database);
  foyer_test_pg_stop (pg);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/crash/sqlite", test_sqlite);
  g_test_add_func ("/hub/crash/postgresql", test_postgresql);
  return g_test_run ();
}
