/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-i18n.c: where the kiosk finds its catalogue and which language it then shows. Each case
 * runs in a subprocess: the catalogue folder is looked up once per process. */
#include "config.h"

#include <libintl.h>
#include <locale.h>

#include "foyer-i18n.h"
#include "foyer-test-util.h"

/* From the build tree without FOYER_LOCALEDIR (`packaging/dev.sh run`, or the binary run by
 * hand): the build tree's po/ folder, and Chinese text even with LANG unset. */
static void
test_build_tree (void)
{
  if (g_test_subprocess ()) {
    g_unsetenv ("FOYER_LOCALEDIR");
    g_unsetenv ("LANGUAGE");
    g_unsetenv ("LC_ALL");
    g_unsetenv ("LC_MESSAGES");
    g_unsetenv ("LANG");
    foyer_i18n_init ();
    g_assert_true (g_str_has_suffix (foyer_i18n_get_localedir (), "/po"));
    g_assert_true (foyer_i18n_has_catalog ("zh_CN"));
    g_assert_cmpstr (foyer_i18n_set_language ("zh_CN"), ==, "zh_CN");
    g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Cancel"), ==, "取消");
    g_assert_cmpstr (foyer_i18n_set_language ("en"), ==, "en");
    g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Cancel"), ==, "Cancel");
    /* Back to Chinese after English: g_dgettext() must not have given up translating. */
    g_assert_cmpstr (foyer_i18n_set_language ("zh_CN"), ==, "zh_CN");
    g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Cancel"), ==, "取消");
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A kiosk started in English first (language=en, LANG=C.UTF-8) still translates after the
 * switch to Chinese. */
static void
test_english_first (void)
{
  if (g_test_subprocess ()) {
    g_setenv ("LANG", "C.UTF-8", TRUE);
    g_unsetenv ("LANGUAGE");
    foyer_i18n_init ();
    g_assert_cmpstr (foyer_i18n_set_language ("en"), ==, "en");
    g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Register"), ==, "Register");
    g_assert_cmpstr (foyer_i18n_set_language ("zh_CN"), ==, "zh_CN");
    g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Register"), ==, "登记");
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* No Chinese catalogue anywhere: English, the toggle says so, and stderr says why. */
static void
test_missing_catalog (void)
{
  if (g_test_subprocess ()) {
    g_autofree char *empty = foyer_test_make_tmpdir ("no-locale");

    g_setenv ("FOYER_LOCALEDIR", empty, TRUE);
    foyer_i18n_init ();
    g_assert_false (foyer_i18n_has_catalog ("zh_CN"));
    g_assert_cmpstr (foyer_i18n_set_language ("zh_CN"), ==, "en");
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Chinese translation is missing*FOYER_LOCALEDIR*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/i18n/build-tree", test_build_tree);
  g_test_add_func ("/i18n/english-first", test_english_first);
  g_test_add_func ("/i18n/missing-catalog", test_missing_catalog);
  return g_test_run ();
}
