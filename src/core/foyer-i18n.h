/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-i18n.h: the interface language, set up the same way however the kiosk was started.
 *
 * The kiosk shows one language, the one its toggle shows, whatever the system locale (LANG unset,
 * LANG=C.UTF-8, a Chinese desktop) and wherever its catalogue is (installed, or the build tree
 * of a developer's `packaging/dev.sh run`). Call foyer_i18n_init() first thing in main(), before
 * GTK or anything else translates a string, then foyer_i18n_set_language().
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* setlocale() from the environment (a C/POSIX locale becomes C.UTF-8, the one locale in which
 * glibc honours LANGUAGE), finds the catalogue folder (foyer_i18n_get_localedir()) and binds the
 * text domain. Only the first call does anything. */
void         foyer_i18n_init            (void);
/* Where the catalogues are read from: $FOYER_LOCALEDIR, else the build tree the running
 * program sits in (…/_build/po), else the installed LOCALEDIR. */
const char  *foyer_i18n_get_localedir   (void);
/* TRUE when a compiled catalogue for language ("zh_CN") is in the catalogue folder; "en" (the
 * source language) is always there. */
gboolean     foyer_i18n_has_catalog     (const char *language);
/* Makes every string looked up from now on come in language ("zh_CN" or "en"; anything else is
 * zh_CN). Returns the language actually in force: "en", with a message on stderr, when the
 * Chinese catalogue is missing, so that the toggle never says 中文 over English text. */
const char  *foyer_i18n_set_language    (const char *language);

G_END_DECLS
