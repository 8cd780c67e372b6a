/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-wedge.c: keystroke rhythm: scanner-speed bursts ending in Enter are scans, a person's
 * typing (even a fast one, even ending in Enter) is not. */
#include "config.h"

#include "foyer-wedge.h"
#include "foyer-test-util.h"

#define MS 1000

/* Types text starting at t with `gap_ms` between keys, then Enter after `gap_ms`. */
static GBytes *
type_line (FoyerWedge *wedge,
           const char *text,
           gint64     *t,
           guint       gap_ms,
           guint      *n_burst)
{
  guint bursts = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    if (foyer_wedge_feed (wedge, g_utf8_get_char (p), *t) == FOYER_WEDGE_BURST)
      bursts++;
    *t += gap_ms * MS;
  }
  if (n_burst != NULL)
    *n_burst = bursts;
  return foyer_wedge_feed_enter (wedge, *t);
}

static void
test_scanner_speed (void)
{
  g_autoptr(FoyerWedge) wedge = foyer_wedge_new (30);
  gint64 t = 1000000;
  guint bursts;
  g_autoptr(GBytes) code = type_line (wedge, "EXPO2026-V-000123", &t, 4, &bursts);

  g_assert_nonnull (code);
  g_assert_cmpmem (g_bytes_get_data (code, NULL), g_bytes_get_size (code),
                   "EXPO2026-V-000123", 17);
  /* every key after the first belongs to the burst */
  g_assert_cmpuint (bursts, ==, 16);
  g_assert_cmpuint (foyer_wedge_get_burst_length (wedge), ==, 0);
}

static void
test_human_speed (void)
{
  g_autoptr(FoyerWedge) wedge = foyer_wedge_new (30);
  gint64 t = 0;
  guint bursts;
  g_autoptr(GBytes) code = type_line (wedge, "wang.fang@example.org", &t, 150, &bursts);

  g_assert_null (code);
  g_assert_cmpuint (bursts, ==, 0);
}

/* People roll over keys now and then (two keys 20 ms apart); that is not a scan. */
static void
test_human_rollover (void)
{
  g_autoptr(FoyerWedge) wedge = foyer_wedge_new (30);
  gint64 t = 0;
  GBytes *code;

  foyer_wedge_feed (wedge, 'a', t);
  t += 120 * MS;
  foyer_wedge_feed (wedge, 'b', t);
  t += 20 * MS;
  g_assert_cmpint (foyer_wedge_feed (wedge, 'c', t), ==, FOYER_WEDGE_BURST);
  t += 15 * MS;
  code = foyer_wedge_feed_enter (wedge, t);
  g_assert_null (code);  /* "bc": too short for a code */
}

/* The scanner's code is typed at speed but the Enter comes late (a person pressed it). */
static void
test_late_enter (void)
{
  g_autoptr(FoyerWedge) wedge = foyer_wedge_new (30);
  gint64 t = 0;

  for (const char *p = "ABCDEFGH"; *p; p++) {
    foyer_wedge_feed (wedge, *p, t);
    t += 3 * MS;
  }
  t += 500 * MS;
  g_assert_null (foyer_wedge_feed_enter (wedge, t));
}

/* A person types, then a scan comes, then the person goes on: only the scan is a code. */
static void
test_mixed (void)
{
  g_autoptr(FoyerWedge) wedge = foyer_wedge_new (30);
  gint64 t = 0;
  g_autoptr(GBytes) human = NULL;
  g_autoptr(GBytes) scan = NULL;
  g_autoptr(GBytes) human2 = NULL;

  for (const char *p = "Li Lei"; *p; p++) {
    foyer_wedge_feed (wedge, *p, t);
    t += 140 * MS;
  }
  t += 300 * MS;
  scan = type_line (wedge, "BADGE-42", &t, 2, NULL);
  t += 800 * MS;
  human2 = type_line (wedge, "hello", &t, 110, NULL);

  g_assert_nonnull (scan);
  g_assert_cmpmem (g_bytes_get_data (scan, NULL), g_bytes_get_size (scan), "BADGE-42", 8);
  g_assert_null (human2);
}

/* Scanners that type UTF-8 (via the keyboard layout's compose) give characters, not bytes. */
static void
test_unicode (void)
{
  g_autoptr(FoyerWedge) wedge = foyer_wedge_new (30);
  gint64 t = 0;
  g_autoptr(GBytes) code = type_line (wedge, "王芳-0042", &t, 5, NULL);

  g_assert_nonnull (code);
  g_assert_cmpmem (g_bytes_get_data (code, NULL), g_bytes_get_size (code),
                   "王芳-0042", strlen ("王芳-0042"));
}

static void
test_threshold_from_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config =
    foyer_config_load_from_data ("[scanner]\ninterkey-ms=60\n", "test", &error);
  g_autoptr(FoyerWedge) wedge = NULL;
  g_autoptr(GBytes) code = NULL;
  gint64 t = 0;

  g_assert_no_error (error);
  wedge = foyer_wedge_new_from_config (config);
  g_assert_cmpuint (foyer_wedge_get_interkey_ms (wedge), ==, 60);
  /* a slow Bluetooth scanner at 45 ms per key */
  code = type_line (wedge, "CODE39X", &t, 45, NULL);
  g_assert_nonnull (code);
}

static void
test_enter_alone (void)
{
  g_autoptr(FoyerWedge) wedge = foyer_wedge_new (30);

  g_assert_null (foyer_wedge_feed_enter (wedge, 0));
  g_assert_null (foyer_wedge_feed_enter (wedge, 1000));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wedge/scanner-speed", test_scanner_speed);
  g_test_add_func ("/wedge/human-speed", test_human_speed);
  g_test_add_func ("/wedge/human-rollover", test_human_rollover);
  g_test_add_func ("/wedge/late-enter", test_late_enter);
  g_test_add_func ("/wedge/mixed", test_mixed);
  g_test_add_func ("/wedge/unicode", test_unicode);
  g_test_add_func ("/wedge/threshold-from-config", test_threshold_from_config);
  g_test_add_func ("/wedge/enter-alone", test_enter_alone);
  return g_test_run ();
}
