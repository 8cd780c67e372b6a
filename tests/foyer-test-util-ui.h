/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-test-util-ui.h: helpers for the tests that drive the kiosk window under Xvfb. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-application.h"
#include "foyer-window.h"

G_BEGIN_DECLS

/* Sets up the locale as a kiosk started by a user has it (LANG=C.UTF-8, or LANG unset when
 * $FOYER_TEST_LANG is "unset"; no LANGUAGE, no FOYER_LOCALEDIR) and runs the kiosk's own i18n
 * start-up, then gtk_init() plus what G_TEST_OPTION_ISOLATE_DIRS hides: the system icon theme.
 * Call after g_test_init(). */
void         foyer_test_ui_init             (void);
/* Makes the system icon theme and MIME database visible again after G_TEST_OPTION_ISOLATE_DIRS:
 * call at the start of every test that shows a window. */
void         foyer_test_ui_fix_icons        (void);

/* Runs the main loop until condition(user_data) holds or timeout_ms passes; returns whether it
 * held. */
gboolean     foyer_test_ui_wait_for         (gboolean   (*condition) (gpointer user_data),
                                             gpointer     user_data,
                                             guint        timeout_ms);
/* Iterates the main loop for ms milliseconds (animations, idle callbacks, a frame drawn). */
void         foyer_test_ui_spin             (guint        ms);

/* Starts a FoyerApplication with config (registered, startup run, window created and shown)
 * without g_application_run(), so a test can drive it step by step. */
FoyerWindow *foyer_test_ui_start            (FoyerApplication *app,
                                             FoyerConfig      *config);
/* Destroys the window and stops the application's services (the sync engine). */
void         foyer_test_ui_stop             (FoyerApplication *app);

/* Shows the stack page and waits until it has been drawn. */
void         foyer_test_ui_wait_page        (FoyerWindow *window,
                                             const char  *page_name);

/* Renders widget as it is on screen and saves it as NAME.png in the screenshot directory
 * ($FOYER_SCREENSHOT_DIR, else G_TEST_BUILDDIR/screenshots). Returns the path. A FoyerWindow is
 * shot once the flash of an answer is over. */
char        *foyer_test_ui_screenshot       (GtkWidget   *widget,
                                             const char  *name);

/* The text of every GtkLabel under widget that is drawn (mapped), joined by newlines: what a
 * visitor can read. */
char        *foyer_test_ui_visible_text     (GtkWidget   *widget);

G_END_DECLS
