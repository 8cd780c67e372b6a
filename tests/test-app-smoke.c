/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-smoke.c: the kiosk starts on a real display, shows its window and quits cleanly
 * through app.quit, with warnings fatal. */
#include "config.h"

#include "foyer-application.h"
#include "foyer-test-util.h"
#include "foyer-test-util-ui.h"

typedef struct {
  gboolean window_shown;
  gboolean quit_requested;
  int      mapped_width;
} SmokeState;

static gboolean
quit_cb (gpointer user_data)
{
  GApplication *app = user_data;
  SmokeState *state = g_object_get_data (G_OBJECT (app), "state");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_nonnull (window);
  state->window_shown = gtk_widget_get_mapped (GTK_WIDGET (window));
  state->mapped_width = gtk_widget_get_width (GTK_WIDGET (window));
  state->quit_requested = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app)
{
  /* Give the window time to map and lay out before looking at it. */
  g_timeout_add (500, quit_cb, app);
}

static void
test_start_and_quit (void)
{
  g_autoptr(FoyerApplication) app = foyer_application_new ();
  g_autoptr(FoyerConfig) config = foyer_config_new_default ();
  SmokeState state = { 0 };
  char *argv[] = { (char *)"foyer", NULL };
  int status;

  foyer_test_ui_fix_icons ();
  foyer_application_set_config (app, config);
  g_object_set_data (G_OBJECT (app), "state", &state);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);

  status = g_application_run (G_APPLICATION (app), 1, argv);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (state.quit_requested);
  g_assert_true (state.window_shown);
  g_assert_cmpint (state.mapped_width, >, 0);
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL) {
    g_test_message ("no display: run the suite with the README's test command (xvfb-run)");
    g_test_fail ();
    return 1;
  }

  foyer_test_ui_init ();
  g_test_add_func ("/app/start-and-quit", test_start_and_quit);
  return g_test_run ();
}
