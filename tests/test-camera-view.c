/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-camera-view.c: the preview widget in a real window: frames from the real pipeline
 * become a texture of the frame's size; an unavailable camera shows its message instead. */
#include "config.h"

#include <gtk/gtk.h>

#include "foyer-camera-view.h"
#include "foyer-test-util.h"

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_until (gboolean (*done) (gpointer),
           gpointer   data,
           guint      ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);

  while (!timed_out && !done (data))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static gboolean
has_texture (gpointer data)
{
  return foyer_camera_view_get_texture (data) != NULL;
}

static gboolean
is_unavailable (gpointer data)
{
  return foyer_camera_get_state (data) == FOYER_CAMERA_STATE_UNAVAILABLE;
}

static GtkWidget *
find_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child))
      return child;
  return NULL;
}

static void
test_frames_and_state (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = foyer_camera_view_new ();
  g_autoptr(FoyerCamera) camera = foyer_camera_new_for_source ("test");
  g_autoptr(FoyerCamera) none = foyer_camera_new_for_source ("none");
  GdkTexture *texture;
  GtkWidget *label;

  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 360);
  gtk_window_present (GTK_WINDOW (window));

  foyer_camera_view_set_camera (FOYER_CAMERA_VIEW (view), camera);
  foyer_camera_start (camera);
  run_until (has_texture, view, 10000);
  texture = foyer_camera_view_get_texture (FOYER_CAMERA_VIEW (view));
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 640);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 480);
  label = find_label (view);
  g_assert_nonnull (label);
  g_assert_false (gtk_widget_get_visible (label));
  /* drawing with a texture and the guide must not warn */
  gtk_widget_queue_draw (view);
  {
    gboolean done = FALSE;
    g_timeout_add (200, timeout_cb, &done);
    while (!done)
      g_main_context_iteration (NULL, TRUE);
  }

  foyer_camera_view_set_camera (FOYER_CAMERA_VIEW (view), none);
  foyer_camera_start (none);
  run_until (is_unavailable, none, 5000);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (label)), "camera unavailable"));
  g_assert_null (foyer_camera_view_get_texture (FOYER_CAMERA_VIEW (view)));

  foyer_camera_stop (camera);
  gtk_window_destroy (GTK_WINDOW (window));
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

  gtk_init ();
  g_test_add_func ("/camera-view/frames-and-state", test_frames_and_state);
  return g_test_run ();
}
