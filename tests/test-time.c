/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-time.c: the one date-and-time formatter the pages and foyerctl share. */
#include "config.h"

#include "foyer-time.h"
#include "foyer-test-util.h"

static void
test_today_and_earlier (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) last_week = g_date_time_add_days (now, -7);
  g_autofree char *clock = g_date_time_format (now, "%H:%M");
  g_autofree char *seconds = g_date_time_format (now, "%H:%M:%S");
  g_autofree char *earlier = g_date_time_format (last_week, "%m-%d %H:%M");
  g_autofree char *earlier_precise = g_date_time_format (last_week, "%Y-%m-%d %H:%M");
  g_autofree char *short_now = foyer_time_format (now, FOYER_TIME_SHORT);
  g_autofree char *precise_now = foyer_time_format (now, FOYER_TIME_PRECISE);
  g_autofree char *short_then = foyer_time_format (last_week, FOYER_TIME_SHORT);
  g_autofree char *precise_then = foyer_time_format (last_week, FOYER_TIME_PRECISE);

  g_assert_cmpstr (short_now, ==, clock);
  g_assert_cmpstr (precise_now, ==, seconds);
  g_assert_cmpstr (short_then, ==, earlier);
  g_assert_cmpstr (precise_then, ==, earlier_precise);
}

static void
test_stored_timestamps (void)
{
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2026, 11, 24, 2, 42, 7);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *expected = g_date_time_format (local, "%m-%d %H:%M");
  g_autofree char *from_text = foyer_time_format_rfc3339 ("2026-11-24T02:42:07.123Z",
                                                          FOYER_TIME_SHORT);
  g_autofree char *from_us = foyer_time_format_unix_us (g_date_time_to_unix (utc) * G_USEC_PER_SEC,
                                                        FOYER_TIME_SHORT);

  g_assert_cmpstr (from_text, ==, expected);
  g_assert_cmpstr (from_us, ==, expected);
  g_assert_null (foyer_time_format_rfc3339 (NULL, FOYER_TIME_SHORT));
  g_assert_null (foyer_time_format_rfc3339 ("yesterday", FOYER_TIME_PRECISE));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/time/today-and-earlier", test_today_and_earlier);
  g_test_add_func ("/time/stored-timestamps", test_stored_timestamps);
  return g_test_run ();
}
