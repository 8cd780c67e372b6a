/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-admin-test-util.h: what the admin and booth UI tests share: running the main loop,
 * finding widgets, switching the language and saving screenshots. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Loads style.css and the system icon theme (hidden by G_TEST_OPTION_ISOLATE_DIRS). */
void       foyer_admin_test_setup_display (void);
/* Runs the default main context for ms milliseconds. */
void       foyer_admin_test_spin          (guint        ms);
/* Runs the main loop until cond(data) holds or timeout_ms passes; returns whether it held.
 * Sanitizer builds are many times slower: wait for states, not for fixed times. */
gboolean   foyer_admin_test_wait          (gboolean   (*cond) (gpointer data),
                                           gpointer     data,
                                           guint        timeout_ms);
/* Presents window and waits until it is mapped and has a size. */
void       foyer_admin_test_present       (GtkWidget   *window);
/* The first widget below root (depth first) whose name (gtk_widget_set_name) is name. */
GtkWidget *foyer_admin_test_find_named    (GtkWidget   *root,
                                           const char  *name);
/* The first widget below root of type. */
GtkWidget *foyer_admin_test_find_type     (GtkWidget   *root,
                                           GType        type);
/* Translations from the build tree in language ("zh_CN" or "en") from now on. */
void       foyer_admin_test_use_language  (const char  *language);
/* Exports into folder as admin.export-to does (in the page's worker thread) and waits for the
 * outcome; the page's status line says the same afterwards. */
gboolean   foyer_admin_test_export        (gpointer     admin_page,
                                           GFile       *folder,
                                           char       **out_path,
                                           GError     **error);
/* A FoyerApplication with an id of its own: several run one after another on one session bus. */
gpointer   foyer_admin_test_new_app       (void);
/* Renders widget as shown into the test log dir as name.png; returns the path. */
char      *foyer_admin_test_screenshot    (GtkWidget   *widget,
                                           const char  *name);

G_END_DECLS
