/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-scan-limiter.c: a burst of unknown codes locks scanning until staff unlock it. */
#include "config.h"

#include "foyer-scan-limiter.h"

static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *)user_data;
}

static void
test_burst_locks (void)
{
  g_autoptr(FoyerScanLimiter) limiter = foyer_scan_limiter_new (10);
  gint64 now = 1000 * G_USEC_PER_SEC;

  foyer_scan_limiter_set_clock (limiter, fake_clock, &now);

  /* A visitor with a wrong ticket now and then: never locked. */
  for (int i = 0; i < 30; i++) {
    g_assert_false (foyer_scan_limiter_add_unknown (limiter));
    now += 7 * G_USEC_PER_SEC;
  }
  g_assert_false (foyer_scan_limiter_is_locked (limiter));
  now += 60 * G_USEC_PER_SEC;

  /* Ten within a minute lock, and stay locked however long one waits. */
  for (int i = 0; i < 9; i++) {
    g_assert_false (foyer_scan_limiter_add_unknown (limiter));
    now += G_USEC_PER_SEC;
  }
  g_assert_true (foyer_scan_limiter_add_unknown (limiter));
  g_assert_true (foyer_scan_limiter_is_locked (limiter));
  now += G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  g_assert_true (foyer_scan_limiter_is_locked (limiter));

  /* Staff unlock: a fresh count. */
  foyer_scan_limiter_unlock (limiter);
  g_assert_false (foyer_scan_limiter_is_locked (limiter));
  for (int i = 0; i < 9; i++)
    g_assert_false (foyer_scan_limiter_add_unknown (limiter));
  g_assert_true (foyer_scan_limiter_add_unknown (limiter));
}

static void
test_no_limit (void)
{
  g_autoptr(FoyerScanLimiter) limiter = foyer_scan_limiter_new (0);

  for (int i = 0; i < 1000; i++)
    g_assert_false (foyer_scan_limiter_add_unknown (limiter));
  g_assert_false (foyer_scan_limiter_is_locked (limiter));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/scan-limiter/burst-locks", test_burst_locks);
  g_test_add_func ("/scan-limiter/no-limit", test_no_limit);
  return g_test_run ();
}
