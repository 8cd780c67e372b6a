/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-config.c: lookup order, defaults, warnings and errors of foyer.conf. */
#include "config.h"

#include <glib/gstdio.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

static char *
write_conf (const char *dir, const char *contents)
{
  g_mkdir_with_parents (dir, 0700);
  return foyer_test_write_file (dir, "foyer.conf", contents);
}

static void
clear_env (void)
{
  g_unsetenv ("FOYER_CONFIG");
  g_autofree char *user = g_build_filename (g_get_user_config_dir (), "foyer", "foyer.conf", NULL);
  g_unlink (user);
}

static void
test_defaults (void)
{
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *expected_db = NULL;
  g_autofree char *sysdir = foyer_test_make_tmpdir ("sys");

  clear_env ();
  g_setenv ("FOYER_SYSCONFDIR", sysdir, TRUE);
  config = foyer_config_load (NULL, &error);
  g_assert_no_error (error);

  g_assert_null (foyer_config_get_path (config));
  g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "mode"), ==, "entry");
  g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "id"), ==, g_get_host_name ());
  g_assert_cmpstr (foyer_config_get_string (config, "sync", "backend"), ==, "none");
  g_assert_cmpint (foyer_config_get_int (config, "sync", "batch-size"), ==, 200);
  g_assert_cmpstr (foyer_config_get_string (config, "camera", "source"), ==, "auto");
  g_assert_false (foyer_config_get_boolean (config, "kiosk", "fullscreen"));
  g_assert_cmpint (foyer_config_get_int (config, "kiosk", "idle-seconds"), ==, 45);
  g_assert_null (foyer_config_get_string (config, "sync", "url"));

  db = foyer_config_get_path_value (config, "storage", "database");
  expected_db = g_build_filename (g_get_user_data_dir (), "foyer", "foyer.db", NULL);
  g_assert_cmpstr (db, ==, expected_db);
  g_assert_cmpuint (foyer_config_get_warnings (config)->len, ==, 0);
}

/* --config beats $FOYER_CONFIG beats $XDG_CONFIG_HOME beats /etc. */
static void
test_lookup_order (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("order");
  g_autofree char *sysdir = g_build_filename (dir, "etc", NULL);
  g_autofree char *sysfoyer = g_build_filename (sysdir, "foyer", NULL);
  g_autofree char *userdir = g_build_filename (g_get_user_config_dir (), "foyer", NULL);
  g_autofree char *envdir = g_build_filename (dir, "env", NULL);
  g_autofree char *clidir = g_build_filename (dir, "cli", NULL);
  g_autofree char *sys = write_conf (sysfoyer, "[kiosk]\nid=from-etc\n");
  g_autofree char *user = NULL;
  g_autofree char *env = write_conf (envdir, "[kiosk]\nid=from-env\n");
  g_autofree char *cli = write_conf (clidir, "[kiosk]\nid=from-cli\n");
  g_autoptr(GError) error = NULL;

  clear_env ();
  g_setenv ("FOYER_SYSCONFDIR", sysdir, TRUE);

  {
    g_autoptr(FoyerConfig) config = foyer_config_load (NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "id"), ==, "from-etc");
    g_assert_cmpstr (foyer_config_get_path (config), ==, sys);
  }

  user = write_conf (userdir, "[kiosk]\nid=from-user\n");
  {
    g_autoptr(FoyerConfig) config = foyer_config_load (NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "id"), ==, "from-user");
  }

  g_setenv ("FOYER_CONFIG", env, TRUE);
  {
    g_autoptr(FoyerConfig) config = foyer_config_load (NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "id"), ==, "from-env");
  }

  {
    g_autoptr(FoyerConfig) config = foyer_config_load (cli, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "id"), ==, "from-cli");
  }

  clear_env ();
}

static void
test_missing_explicit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load ("/nonexistent/foyer.conf", &error);

  g_assert_null (config);
  g_assert_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/foyer.conf"));

  /* A $FOYER_CONFIG that points nowhere is an error too, not a silent fallback. */
  g_clear_error (&error);
  g_setenv ("FOYER_CONFIG", "/nonexistent/env.conf", TRUE);
  g_assert_null (foyer_config_load (NULL, &error));
  g_assert_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_NOT_FOUND);
  g_unsetenv ("FOYER_CONFIG");
}

static void
test_unknown_keys_warn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data (
    "# comment\n"
    "[kiosk]\n"
    "id=k1\n"
    "moed=booth\n"
    "\n"
    "[printer]\n"
    "name=x\n"
    "[question:budget]\n"
    "label=Budget?\n"
    "label[zh_CN]=预算？\n"
    "type=single\n"
    "options=small;large\n",
    "test.conf", &error);
  GPtrArray *warnings;

  g_assert_no_error (error);
  warnings = foyer_config_get_warnings (config);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==,
                   "test.conf:4: unknown key “moed” in group [kiosk] ignored");
  g_assert_cmpstr (g_ptr_array_index (warnings, 1), ==,
                   "test.conf:6: unknown group [printer] ignored");
  /* a known key still works next to the unknown one */
  g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "id"), ==, "k1");
  g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "mode"), ==, "entry");
}

static void
test_invalid_values (void)
{
  static const struct {
    const char *data;
    const char *message;
  } cases[] = {
    { "[sync]\nbackend=soap\n",
      "bad.conf:2: invalid value “soap” for [sync] backend: allowed values are none, http-json or tryton" },
    { "[kiosk]\n\nmode=lobby\n",
      "bad.conf:3: invalid value “lobby” for [kiosk] mode: allowed values are entry or booth" },
    { "[kiosk]\nlanguage=fr\n",
      "bad.conf:2: invalid value “fr” for [kiosk] language: allowed values are zh_CN or en" },
    { "[sync]\nbatch-size=0\n",
      "bad.conf:2: invalid value “0” for [sync] batch-size: allowed values are whole numbers from 1 to 10000" },
    { "[sync]\nbatch-size=lots\n",
      "bad.conf:2: invalid value “lots” for [sync] batch-size: allowed values are whole numbers from 1 to 10000" },
    { "[kiosk]\nfullscreen=yes\n",
      "bad.conf:2: invalid value “yes” for [kiosk] fullscreen: allowed values are true or false" },
    { "[camera]\nsource=webcam\n",
      "bad.conf:2: invalid value “webcam” for [camera] source: allowed values are auto, none, test, v4l2:VALUE or file:VALUE" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(FoyerConfig) config = foyer_config_load_from_data (cases[i].data, "bad.conf", &error);

    g_assert_null (config);
    g_assert_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE);
    g_assert_cmpstr (error->message, ==, cases[i].message);
  }
}

static void
test_valid_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data (
    "[kiosk]\nmode=booth\nlanguage=en\nfullscreen=true\ninterests=Machinery; Textiles ;Food\n"
    "[camera]\nsource=v4l2:/dev/video2\n"
    "[sync]\nbackend=http-json\nbatch-size=50\n",
    "ok.conf", &error);
  g_auto(GStrv) interests = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "mode"), ==, "booth");
  g_assert_true (foyer_config_get_boolean (config, "kiosk", "fullscreen"));
  g_assert_cmpstr (foyer_config_get_string (config, "camera", "source"), ==, "v4l2:/dev/video2");
  g_assert_cmpint (foyer_config_get_int (config, "sync", "batch-size"), ==, 50);
  interests = foyer_config_get_string_list (config, "kiosk", "interests");
  g_assert_cmpuint (g_strv_length (interests), ==, 3);
  g_assert_cmpstr (interests[1], ==, "Textiles");
}

static void
test_garbage_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data ("this is not\x01 a key file\n",
                                                               "junk.conf", &error);

  g_assert_null (config);
  g_assert_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "junk.conf"));
}

/* A value ending in an unpaired backslash is refused with its line (GLib 2.74 warns on reading
 * it); a paired one is a backslash. */
static void
test_lone_backslash (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data ("[kiosk]\nid=gate-a\n[gate]\n"
                                                               "time-zone=Asia/Shanghai\\\\\\\n",
                                                               "tz.conf", &error);
  g_autoptr(FoyerConfig) paired = NULL;

  g_assert_null (config);
  g_assert_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "tz.conf:4"));
  g_assert_nonnull (strstr (error->message, "lone backslash"));
  g_clear_error (&error);
  paired = foyer_config_load_from_data ("[kiosk]\nid=gate\\\\a\n", "ok.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (foyer_config_get_string (paired, "kiosk", "id"), ==, "gate\\a");
}

static void
test_paths_and_locale (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("paths");
  g_autofree char *path = write_conf (dir,
    "[storage]\ndatabase=data/kiosk.db\n"
    "[sync]\ntoken-file=~/token\n"
    "[consent]\ntext=I agree.\ntext[zh_CN]=我同意。\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_file (path, &error);
  g_autofree char *db = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expected_db = g_build_filename (dir, "data", "kiosk.db", NULL);
  g_autofree char *expected_token = g_build_filename (g_get_home_dir (), "token", NULL);
  g_autofree char *zh = NULL;
  g_autofree char *en = NULL;

  g_assert_no_error (error);
  db = foyer_config_get_path_value (config, "storage", "database");
  g_assert_cmpstr (db, ==, expected_db);
  token = foyer_config_get_path_value (config, "sync", "token-file");
  g_assert_cmpstr (token, ==, expected_token);
  zh = foyer_config_get_locale_string (config, "consent", "text", "zh_CN");
  en = foyer_config_get_locale_string (config, "consent", "text", "en");
  g_assert_cmpstr (zh, ==, "我同意。");
  g_assert_cmpstr (en, ==, "I agree.");
  g_assert_cmpuint (foyer_config_get_warnings (config)->len, ==, 0);
}

static void
test_sample_config (void)
{
  g_autofree char *sample = g_build_filename (g_getenv ("FOYER_SOURCE_ROOT"), "data", "foyer.conf",
                                              NULL);
  g_autofree char *uncommented = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = foyer_test_make_tmpdir ("sample");
  g_autoptr(GRegex) regex = g_regex_new ("^#([a-z][a-z0-9-]*(\\[[A-Za-z_]+\\])?=)",
                                         G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autofree char *path = NULL;

  g_assert_true (g_file_get_contents (sample, &contents, NULL, NULL));
  /* Every commented-out key in the sample must be a key Foyer knows, with a valid value. */
  uncommented = g_regex_replace (regex, contents, -1, 0, "\\1", 0, &error);
  g_assert_no_error (error);
  path = foyer_test_write_file (dir, "foyer.conf", uncommented);
  config = foyer_config_load_from_file (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < foyer_config_get_warnings (config)->len; i++)
    g_test_message ("%s", (char *)g_ptr_array_index (foyer_config_get_warnings (config), i));
  g_assert_cmpuint (foyer_config_get_warnings (config)->len, ==, 0);
  g_assert_cmpstr (foyer_config_get_string (config, "kiosk", "event"), ==, "expo-2026");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/lookup-order", test_lookup_order);
  g_test_add_func ("/config/missing-explicit", test_missing_explicit);
  g_test_add_func ("/config/unknown-keys-warn", test_unknown_keys_warn);
  g_test_add_func ("/config/invalid-values", test_invalid_values);
  g_test_add_func ("/config/lone-backslash", test_lone_backslash);
  g_test_add_func ("/config/valid-values", test_valid_values);
  g_test_add_func ("/config/garbage-file", test_garbage_file);
  g_test_add_func ("/config/paths-and-locale", test_paths_and_locale);
  g_test_add_func ("/config/sample-config", test_sample_config);

  return g_test_run ();
}
