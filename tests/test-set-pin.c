/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-set-pin.c: `foyerctl set-pin` writes a hash the kiosk accepts, keeps the config file's
 * comments, refuses bad PINs without touching the file and creates a private user config. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

static const char *sample =
  "# Booth tablet 3\n"
  "[kiosk]\n"
  "# the event\n"
  "event=expo-2026\n"
  "mode=booth\n"
  "\n"
  "[consent]\n"
  "text=I agree.\n"
  "text[zh_CN]=我同意。\n";

static void
test_writes_hash_keeping_comments (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("setpin");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", sample);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *data = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "--config", conf, "set-pin", "--iterations", "1000", NULL };
  const char *hash;

  g_chmod (conf, 0640);
  g_assert_cmpint (foyer_test_run_foyerctl (argv, "246810\n", 7, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, conf));
  /* Group-readable only: nothing to say about the mode. */
  g_assert_true (err == NULL || strstr (err, "every user") == NULL);

  g_file_get_contents (conf, &data, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (data, "# Booth tablet 3\n"));
  g_assert_nonnull (strstr (data, "# the event\n"));
  g_assert_nonnull (strstr (data, "text[zh_CN]=我同意。"));
  g_assert_null (strstr (data, "246810"));

  config = foyer_config_load_from_file (conf, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "event"), ==, "expo-2026");
  hash = foyer_config_get_string (config, "kiosk", "admin-pin-hash");
  g_assert_true (foyer_pin_hash_is_valid (hash));
  g_assert_true (foyer_pin_verify ("246810", hash, NULL));
  g_assert_false (foyer_pin_verify ("246811", hash, NULL));

  {
    GStatBuf st;
    g_assert_cmpint (g_stat (conf, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  }

  /* Setting it again replaces the one line. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&data, g_free);
  g_assert_cmpint (foyer_test_run_foyerctl (argv, "9753186\r\n", 9, &out, NULL), ==, 0);
  g_file_get_contents (conf, &data, NULL, NULL);
  g_assert_nonnull (strstr (data, "admin-pin-hash="));
  g_assert_null (strstr (strstr (data, "admin-pin-hash=") + 1, "admin-pin-hash="));
  g_clear_object (&config);
  config = foyer_config_load_from_file (conf, &error);
  g_assert_no_error (error);
  g_assert_true (foyer_pin_verify ("9753186",
                                   foyer_config_get_string (config, "kiosk", "admin-pin-hash"),
                                   NULL));
}

static void
test_invalid_pin_changes_nothing (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("setpin");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", sample);
  const char *bad[] = { "123\n", "12ab\n", "1234567890123\n", "\n", "", "2468\n",
                        "24680\n", NULL };
  const char *argv[] = { "--config", conf, "set-pin", "--iterations", "1000", NULL };

  for (guint i = 0; bad[i] != NULL; i++) {
    g_autofree char *err = NULL;
    g_autofree char *data = NULL;

    g_assert_cmpint (foyer_test_run_foyerctl (argv, bad[i], strlen (bad[i]), NULL, &err), ==, 65);
    g_assert_true (strstr (err, "digit") != NULL || strstr (err, "PIN") != NULL);
    g_file_get_contents (conf, &data, NULL, NULL);
    g_assert_cmpstr (data, ==, sample);
  }
}

static void
test_print (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("setpin");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", sample);
  g_autofree char *out = NULL;
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { "set-pin", "--config", conf, "--print", "--iterations", "1000", NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (argv, "000000\n", 7, &out, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "[kiosk]");
  g_assert_true (g_str_has_prefix (lines[1], "admin-pin-hash=pbkdf2-sha256$"));
  g_assert_true (foyer_pin_verify ("000000", lines[1] + strlen ("admin-pin-hash="), NULL));
  g_file_get_contents (conf, &data, NULL, NULL);
  g_assert_cmpstr (data, ==, sample);
}

static void
test_creates_user_config (void)
{
  g_autofree char *sysconf = foyer_test_make_tmpdir ("sysconf");
  g_autofree char *home = foyer_test_make_tmpdir ("confighome");
  g_autofree char *expected = g_build_filename (home, "foyer", "foyer.conf", NULL);
  g_autofree char *out = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "set-pin", "--iterations", "1000", NULL };
  GStatBuf st;

  /* An empty config home for foyerctl, and no system file. */
  g_unsetenv ("FOYER_CONFIG");
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("FOYER_SYSCONFDIR", sysconf, TRUE);
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));

  g_assert_cmpint (foyer_test_run_foyerctl (argv, "135790\n", 7, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, expected));
  g_assert_cmpint (g_stat (expected, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  config = foyer_config_load_from_file (expected, &error);
  g_assert_no_error (error);
  g_assert_true (foyer_pin_verify ("135790",
                                   foyer_config_get_string (config, "kiosk", "admin-pin-hash"),
                                   NULL));
}

static void
test_unreadable_config (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("setpin");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", "[sync]\nbackend=ftp\n");
  g_autofree char *err = NULL;
  const char *argv[] = { "--config", conf, "set-pin", "--iterations", "1000", NULL };

  /* An invalid config is reported, not overwritten. */
  g_assert_cmpint (foyer_test_run_foyerctl (argv, "246810\n", 7, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "backend"));
}

/* A short PIN is refused with the reason, and the staff learn an old one still works. */
static void
test_short_pin_refused (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("setpin");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", sample);
  g_autofree char *err = NULL;
  g_autofree char *data = NULL;
  const char *argv[] = { "--config", conf, "set-pin", "--iterations", "1000", NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (argv, "2468\n", 5, NULL, &err), ==, 65);
  g_assert_nonnull (strstr (err, "6 to 12 digits"));
  g_assert_nonnull (strstr (err, "still works"));
  g_file_get_contents (conf, &data, NULL, NULL);
  g_assert_cmpstr (data, ==, sample);
}

/* A config every user could read loses that right when it gets the hash, with a message; the
 * owner's and the group's rights stay. */
static void
test_world_readable_config (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("setpin");
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", sample);
  g_autofree char *err = NULL;
  const char *argv[] = { "--config", conf, "set-pin", "--iterations", "1000", NULL };
  GStatBuf st;

  g_assert_cmpint (g_chmod (conf, 0644), ==, 0);
  g_assert_cmpint (foyer_test_run_foyerctl (argv, "246810\n", 7, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "could be read by every user"));
  g_assert_nonnull (strstr (err, conf));
  g_assert_cmpint (g_stat (conf, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (g_chmod (conf, 0666), ==, 0);
  g_assert_cmpint (foyer_test_run_foyerctl (argv, "246810\n", 7, NULL, &err), ==, 0);
  g_assert_cmpint (g_stat (conf, &st), ==, 0);
  /* (the umask may take the group's write right too) */
  g_assert_cmpint (st.st_mode & 0007, ==, 0);
  g_assert_cmpint (st.st_mode & 0640, ==, 0640);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/set-pin/writes-hash-keeping-comments", test_writes_hash_keeping_comments);
  g_test_add_func ("/set-pin/invalid-pin-changes-nothing", test_invalid_pin_changes_nothing);
  g_test_add_func ("/set-pin/print", test_print);
  g_test_add_func ("/set-pin/creates-user-config", test_creates_user_config);
  g_test_add_func ("/set-pin/unreadable-config", test_unreadable_config);
  g_test_add_func ("/set-pin/short-pin-refused", test_short_pin_refused);
  g_test_add_func ("/set-pin/world-readable-config", test_world_readable_config);

  return g_test_run ();
}
