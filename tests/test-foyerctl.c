/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-foyerctl.c: the command-line tool's front door: version, help, errors, config. */
#include "config.h"

#include "foyer-core.h"
#include "foyer-test-util.h"

static void
test_version (void)
{
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("foyerctl %s\n", foyer_get_version ());
  const char *argv[] = { "--version", NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_help (void)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "help", NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Usage: foyerctl"));
  g_assert_nonnull (strstr (out, "config"));

  /* Each command is listed once. */
  {
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
    g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    guint n_commands = 0;

    for (guint i = 0; lines[i] != NULL; i++) {
      g_auto(GStrv) words = NULL;

      if (!g_str_has_prefix (lines[i], "  "))
        continue;
      words = g_strsplit_set (g_strstrip (lines[i]), " ", 2);
      g_assert_false (g_hash_table_contains (seen, words[0]));
      g_hash_table_add (seen, g_strdup (words[0]));
      n_commands++;
    }
    g_assert_true (g_hash_table_contains (seen, "parse"));
    g_assert_cmpuint (n_commands, >=, 10);
  }
}

static void
test_unknown_command (void)
{
  g_autofree char *err = NULL;
  const char *argv[] = { "frobnicate", NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "frobnicate"));
}

static void
test_bad_config (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("ctl");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", "[sync]\nbackend=ftp\n");
  g_autofree char *err = NULL;
  const char *argv[] = { "--config", conf, "config", NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "[sync] backend"));
  g_assert_nonnull (strstr (err, "http-json"));
}

/* 100k '[' crashed json-glib's recursion in `foyerctl import` (one JSONL line) and
 * `foyerctl register` (standard input): both go through the depth-checked parser now, report
 * the input as bad and keep the good rows. */
static void
test_deep_json_input (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("ctl");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autofree char *conf_text = g_strdup_printf ("[kiosk]\nid=k1\nevent=expo\n"
                                                "[storage]\ndatabase=%s\n", db);
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", conf_text);
  /* 60k: under import's 64 KiB row cap, so the depth check is what refuses it */
  g_autofree char *deep = g_strnfill (60000, '[');
  g_autofree char *jsonl_text = g_strdup_printf ("{\"badge_code\":\"A100001\",\"name\":\"张伟\"}\n"
                                                 "%s\n"
                                                 "{\"badge_code\":\"A100002\",\"name\":\"Anna\"}\n",
                                                 deep);
  g_autofree char *jsonl = foyer_test_write_file (dir, "list.jsonl", jsonl_text);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  {
    const char *argv[] = { "--config", conf, "import", jsonl, NULL };

    status = foyer_test_run_foyerctl (argv, NULL, 0, &out, &err);
    g_test_message ("import: %d\n%s%s", status, out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (err, "list.jsonl:2:"));
    g_assert_nonnull (strstr (err, "deeper"));
    g_assert_nonnull (strstr (out, "Imported 2 "));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { "--config", conf, "register", NULL };

    status = foyer_test_run_foyerctl (argv, deep, strlen (deep), &out, &err);
    g_assert_cmpint (status, ==, 65);
    g_assert_nonnull (strstr (err, "not JSON"));
    g_assert_nonnull (strstr (err, "deeper"));
  }
}

static void
test_config_check_and_warnings (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("ctl");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf",
                                                 "[kiosk]\nid=entrance-02\ncolour=red\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *show[] = { "config", "--config", conf, NULL };
  const char *check[] = { "--config", conf, "config", "--check", NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (show, NULL, 0, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "id=entrance-02\n"));
  g_assert_nonnull (strstr (out, "batch-size=200\n"));
  g_assert_nonnull (strstr (err, "foyer.conf:3: unknown key “colour”"));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (foyer_test_run_foyerctl (check, NULL, 0, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "colour"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/foyerctl/version", test_version);
  g_test_add_func ("/foyerctl/help", test_help);
  g_test_add_func ("/foyerctl/unknown-command", test_unknown_command);
  g_test_add_func ("/foyerctl/bad-config", test_bad_config);
  g_test_add_func ("/foyerctl/config-check-and-warnings", test_config_check_and_warnings);
  g_test_add_func ("/foyerctl/deep-json-input", test_deep_json_input);

  return g_test_run ();
}
