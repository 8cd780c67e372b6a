/* foyer-admin-test-util.h: what the admin and booth UI tests share: running the main loop,
 * finding widgets, switching the language and saving screenshots. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Loads style.css and the system icon theme (hidden by G_TEST_OPTION_ISOLATE_DIRS). */
void       foyer_admin_test_setup_display (void);
/* Runs the default main context for ms milliseconds. */
void       foyer_admin_test_spin          (guint        ms);
/* The first widget below root (depth first) whose name (gtk_widget_set_name) is name. */
GtkWidget *foyer_admin_test_find_named    (GtkWidget   *root,
                                           const char  *name);
/* The first widget below root of type. */
GtkWidget *foyer_admin_test_find_type     (GtkWidget   *root,
                                           GType        type);
/* Translations from the build tree in language ("zh_CN" or "en") from now on. */
void       foyer_admin_test_use_language  (const char  *language);
/* Renders widget as shown into the test log dir as name.png; returns the path. */
char      *foyer_admin_test_screenshot    (GtkWidget   *widget,
                                           const char  *name);

G_END_DECLS
