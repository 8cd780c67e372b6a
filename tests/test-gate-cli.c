/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gate-cli.c: `foyerctl gate --check` (issue 20): the rules in words, exit 0 when valid
 * (warnings allowed, on stderr), 1 when not, in English and in Chinese. */
#include "config.h"

#include <string.h>

#include "foyer-test-util.h"

static int
run_gate (const char  *conf_text,
          char       **out,
          char       **err)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("gate-cli");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", conf_text);
  const char *argv[] = { "gate", "--check", "--config", conf, NULL };

  return foyer_test_run_foyerctl (argv, NULL, 0, out, err);
}

static void
assert_contains (const char *text,
                 const char *fragment)
{
  if (strstr (text, fragment) == NULL)
    g_error ("output does not contain “%s”:\n%s", fragment, text);
}

static void
test_valid (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_gate ("[kiosk]\nid=gate-a\n[gate]\nname=Media entrance\n"
                             "categories=media;vip\nopen=09:00;2026-12-07 10:00\nclose=18:00\n"
                             "time-zone=Asia/Shanghai\nmax-entries-per-day=2\n"
                             "other-entrance=the East Hall entrance\n", &out, &err), ==, 0);
  assert_contains (out, "Entrance: Media entrance.\n");
  assert_contains (out, "Admits media, VIP guests only.\n");
  assert_contains (out, "Open every day from 09:00 to 18:00.\n");
  assert_contains (out, "On 2026-12-07: open from 10:00 to 18:00.\n");
  assert_contains (out, "Times are in the time zone Asia/Shanghai.\n");
  assert_contains (out, "At most 2 entries per visitor per day.\n");
  assert_contains (out, "Visitors it does not admit are sent to the East Hall entrance.\n");
  assert_contains (out, "The rules are valid.\n");
  g_assert_true (err == NULL || *err == '\0');
}

/* Close before open and an unknown category are doubtful, not wrong: exit 0, warnings. */
static void
test_warnings (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_gate ("[gate]\ncategories=media;press\nopen=22:00\nclose=02:00\n"
                             "time-zone=UTC\n", &out, &err), ==, 0);
  assert_contains (out, "Open every day from 22:00 to 02:00 the next day.\n");
  assert_contains (out, "The rules are valid, with 2 warnings (above).\n");
  assert_contains (err, "“press” is not a visitor category");
  assert_contains (err, "stays open overnight");
}

static void
test_invalid (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_gate ("[gate]\nopen=9 o'clock\n", &out, &err), ==, 1);
  assert_contains (err, "foyer.conf:1: [gate] open: “9 o'clock” is not a time");
  g_assert_true (out == NULL || strstr (out, "valid") == NULL);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_gate ("[gate]\nmax-entries-per-day=-1\n", NULL, &err), ==, 1);
  assert_contains (err, "[gate] max-entries-per-day");
}

static void
test_no_rules (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_gate ("[kiosk]\nid=a\n", &out, NULL), ==, 0);
  assert_contains (out, "No [gate] rules: this entrance admits every valid badge at all hours.");
  assert_contains (out, "Open at all hours.\n");
  assert_contains (out, "No limit on entries per visitor per day.\n");
}

static void
test_zh_CN (void)
{
  g_autofree char *out = NULL;
  g_autofree char *mo = g_build_filename (g_getenv ("FOYER_LOCALEDIR"), "zh_CN", "LC_MESSAGES",
                                          "foyer.mo", NULL);

  if (!g_file_test (mo, G_FILE_TEST_EXISTS)) {
    g_test_skip ("no zh_CN catalogue in the build");
    return;
  }
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_assert_cmpint (run_gate ("[gate]\nname=Media entrance\nname[zh_CN]=媒体入口\n"
                             "categories=media\nopen=09:00\nclose=18:00\ntime-zone=UTC\n",
                             &out, NULL), ==, 0);
  g_unsetenv ("LANGUAGE");
  assert_contains (out, "入口：媒体入口。\n");
  assert_contains (out, "仅允许媒体入场。\n");
  assert_contains (out, "每天 09:00 至 18:00 开放。\n");
  assert_contains (out, "规则有效。\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_unsetenv ("LANGUAGE");
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  g_test_add_func ("/gate-cli/valid", test_valid);
  g_test_add_func ("/gate-cli/warnings", test_warnings);
  g_test_add_func ("/gate-cli/invalid", test_invalid);
  g_test_add_func ("/gate-cli/no-rules", test_no_rules);
  g_test_add_func ("/gate-cli/zh_CN", test_zh_CN);
  return g_test_run ();
}
