/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-pull-test-util.c: see foyer-pull-test-util.h. */
#include "config.h"

#include "foyer-pull-test-util.h"

void
foyer_test_sync_watch_cb (FoyerSyncEngine       *engine,
                          const FoyerSyncStatus *status,
                          FoyerTestSyncWatch    *watch)
{
  watch->changes++;
  g_clear_pointer (&watch->last, foyer_sync_status_free);
  watch->last = foyer_sync_status_copy (status);
  if (status->state == FOYER_SYNC_STATE_IDLE && status->pending == 0 &&
      (status->pull_current || !status->pull_supported))
    watch->done = TRUE;
}

gboolean
foyer_test_main_loop_until (gboolean *flag,
                            guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)seconds * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
  return *flag;
}

FoyerSyncStatus *
foyer_test_sync_until_current (FoyerConfig *config,
                               const char  *db_path,
                               guint        timeout_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerSyncEngine) engine = foyer_sync_engine_new (config, db_path, &error);
  FoyerTestSyncWatch watch = { 0 };

  g_assert_no_error (error);
  g_signal_connect (engine, "status-changed", G_CALLBACK (foyer_test_sync_watch_cb), &watch);
  foyer_sync_engine_start (engine);
  if (!foyer_test_main_loop_until (&watch.done, timeout_s))
    g_error ("the kiosk did not get current: %s",
             watch.last != NULL && watch.last->last_error != NULL ? watch.last->last_error
                                                                  : "no error");
  g_signal_handlers_disconnect_by_func (engine, foyer_test_sync_watch_cb, &watch);
  foyer_sync_engine_stop (engine);
  return watch.last;
}
