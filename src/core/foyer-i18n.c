/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-i18n.c: locale, catalogue folder and interface language of the kiosk.
 *
 * Three things made a kiosk started outside the test harness show a mix of languages:
 * - GLib's g_dgettext(), which GtkBuilder (every template's translatable="yes") and the core's
 *   gi18n-lib underscore macro go through, decides ONCE, at its first call, whether to
 *   translate at all: it never translates again if at that moment textdomain() had been called, the default
 *   domain had no catalogue for the current locale and that locale is neither "C" nor "en_*".
 *   With LANG=C.UTF-8 (Debian's container default) or LANG unset plus LC_MESSAGES forced to
 *   C.UTF-8, and LANGUAGE not yet set, GTK's start-up made that first call: the templates stayed
 *   English while strings from the app's plain gettext() were Chinese. GLib's documentation says
 *   to call textdomain() after that first call; we make the first call ourselves, before.
 * - glibc ignores LANGUAGE in the "C"/"POSIX" locale: LC_MESSAGES must be a real locale.
 * - Run from the build tree, the installed LOCALEDIR has no catalogue: the toggle said 中文
 *   over English text. The build tree's own po/ folder is used when the program sits in one.
 */
#define G_LOG_DOMAIN "foyer-i18n"

#include "config.h"

#include <locale.h>
#include <libintl.h>
#include <string.h>

#include "foyer-i18n.h"

/* glibc caches translations; bumping this counter makes it look them up again after LANGUAGE
 * changes (what GNU gettext's own documentation recommends). */
extern int _nl_msg_cat_cntr;

static gboolean
is_c_locale (const char *name)
{
  return name == NULL || strcmp (name, "C") == 0 || strcmp (name, "POSIX") == 0;
}

/* A UTF-8 locale for category when the environment left it at C: C.UTF-8 ships with glibc
 * 2.35+; the others cover older or trimmed systems. */
static void
ensure_utf8_locale (int category)
{
  static const char *const candidates[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8" };

  if (!is_c_locale (setlocale (category, NULL)))
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (setlocale (category, candidates[i]) != NULL)
      return;
}

/* The po/ folder of the meson build tree the running program was built in (a few levels
 * above it, next to build.ninja), or NULL for an installed program. */
static char *
find_build_tree_localedir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;

  if (exe == NULL)
    return NULL;
  dir = g_path_get_dirname (exe);
  for (guint level = 0; level < 4; level++) {
    g_autofree char *ninja = g_build_filename (dir, "build.ninja", NULL);
    g_autofree char *po = g_build_filename (dir, "po", NULL);
    char *parent;

    if (g_file_test (ninja, G_FILE_TEST_IS_REGULAR) && g_file_test (po, G_FILE_TEST_IS_DIR))
      return g_steal_pointer (&po);
    parent = g_path_get_dirname (dir);
    if (strcmp (parent, dir) == 0) {
      g_free (parent);
      break;
    }
    g_free (dir);
    dir = parent;
  }
  return NULL;
}

const char *
foyer_i18n_get_localedir (void)
{
  static char *localedir;

  if (g_once_init_enter (&localedir)) {
    const char *env = g_getenv ("FOYER_LOCALEDIR");
    char *found = env != NULL && *env != '\0' ? g_strdup (env) : find_build_tree_localedir ();

    g_once_init_leave (&localedir, found != NULL ? found : g_strdup (LOCALEDIR));
  }
  return localedir;
}

gboolean
foyer_i18n_has_catalog (const char *language)
{
  g_autofree char *path = NULL;

  if (language == NULL || strcmp (language, "en") == 0)
    return TRUE;
  path = g_build_filename (foyer_i18n_get_localedir (), language, "LC_MESSAGES",
                           GETTEXT_PACKAGE ".mo", NULL);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

void
foyer_i18n_init (void)
{
  static gsize done;

  if (!g_once_init_enter (&done))
    return;

  setlocale (LC_ALL, "");
  ensure_utf8_locale (LC_MESSAGES);
  /* Text typed, file names and g_printerr() in UTF-8 even when LANG is unset. */
  ensure_utf8_locale (LC_CTYPE);

  /* Settle g_dgettext()'s one-time decision while the default text domain is still the default
   * ("messages"): it then always translates (see the comment at the top). */
  textdomain ("messages");
  (void)g_dgettext (GETTEXT_PACKAGE, "");

  bindtextdomain (GETTEXT_PACKAGE, foyer_i18n_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_once_init_leave (&done, 1);
}

const char *
foyer_i18n_set_language (const char *language)
{
  static gboolean warned;
  const char *effective = g_strcmp0 (language, "en") == 0 ? "en" : "zh_CN";

  if (strcmp (effective, "zh_CN") == 0 && !foyer_i18n_has_catalog ("zh_CN")) {
    if (!warned)
      g_printerr ("foyer: the Chinese translation is missing (%s/zh_CN/LC_MESSAGES/"
                  GETTEXT_PACKAGE ".mo): showing English; install Foyer or set "
                  "FOYER_LOCALEDIR to the folder that holds it\n", foyer_i18n_get_localedir ());
    warned = TRUE;
    effective = "en";
  }

  ensure_utf8_locale (LC_MESSAGES);
  /* setenv() is not thread-safe in general; LANGUAGE is first set at start-up, before the sync
   * and camera threads exist, and glibc then replaces the entry in place without moving the
   * environment array that another thread's getenv() may be reading. */
  g_setenv ("LANGUAGE", strcmp (effective, "en") == 0 ? "en" : "zh_CN:zh", TRUE);
  ++_nl_msg_cat_cntr;
  return effective;
}
