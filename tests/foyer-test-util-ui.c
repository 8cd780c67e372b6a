/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-test-util-ui.c: driving the kiosk window in tests, and screenshots of what it shows. */
#include "config.h"

#include <glib/gstdio.h>

#include "foyer-i18n.h"
#include "foyer-test-util-ui.h"
#include "foyer-window-private.h"

void
foyer_test_ui_fix_icons (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  GtkIconTheme *theme;
  g_auto(GStrv) paths = NULL;

  /* Isolation hides the shared MIME database, without which gdk-pixbuf cannot tell an SVG icon
   * from any other file. */
  g_setenv ("XDG_DATA_DIRS", "/usr/local/share:/usr/share", TRUE);

  if (display == NULL)
    return;
  theme = gtk_icon_theme_get_for_display (display);
  paths = gtk_icon_theme_get_search_path (theme);
  if (paths != NULL && g_strv_contains ((const char * const *)paths, "/usr/share/icons"))
    return;
  gtk_icon_theme_add_search_path (theme, "/usr/share/icons");
}

/* The environment of a kiosk started by a user or a service: Debian's default container locale
 * (LANG=C.UTF-8) or, with FOYER_TEST_LANG=unset, no LANG at all; nothing that picks a
 * catalogue (no LANGUAGE, LC_ALL, LC_MESSAGES) and no FOYER_LOCALEDIR, so that the catalogue
 * is found the way `packaging/dev.sh run` finds it in the build tree. Then what main() does
 * before GTK starts. */
static void
start_like_a_user (void)
{
  const char *lang = g_getenv ("FOYER_TEST_LANG");

  if (g_strcmp0 (lang, "unset") == 0)
    g_unsetenv ("LANG");
  else
    g_setenv ("LANG", lang != NULL ? lang : "C.UTF-8", TRUE);
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_unsetenv ("FOYER_LOCALEDIR");
  foyer_i18n_init ();
}

void
foyer_test_ui_init (void)
{
  start_like_a_user ();
  gtk_init ();
  foyer_test_ui_fix_icons ();
  /* Screens change at once: no half-faded pages in screenshots. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

typedef struct {
  gboolean timed_out;
} WaitState;

static gboolean
wait_timeout_cb (gpointer user_data)
{
  ((WaitState *)user_data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
foyer_test_ui_wait_for (gboolean (*condition) (gpointer user_data),
                        gpointer   user_data,
                        guint      timeout_ms)
{
  WaitState state = { FALSE };
  guint id = g_timeout_add (timeout_ms, wait_timeout_cb, &state);
  gboolean held;

  while (!(held = condition (user_data)) && !state.timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!state.timed_out)
    g_source_remove (id);
  return held;
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

void
foyer_test_ui_spin (guint ms)
{
  foyer_test_ui_wait_for (never, NULL, ms);
}

static gboolean
window_mapped (gpointer user_data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (user_data)) &&
         gtk_widget_get_width (GTK_WIDGET (user_data)) > 0;
}

FoyerWindow *
foyer_test_ui_start (FoyerApplication *app,
                     FoyerConfig      *config)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  foyer_test_ui_fix_icons ();
  /* Own the main context as g_application_run() does, so that the test runs as the kiosk does
   * (workers hand results back in idle sources on this context: HACKING.md, "Threads"). */
  g_assert_true (g_main_context_acquire (NULL));
  foyer_application_set_config (app, config);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (FOYER_IS_WINDOW (window));
  gtk_window_set_default_size (window, 1024, 768);
  g_assert_true (foyer_test_ui_wait_for (window_mapped, window, 5000));
  foyer_test_ui_spin (100);
  return FOYER_WINDOW (window);
}

void
foyer_test_ui_stop (FoyerApplication *app)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  g_list_free (windows);
  foyer_test_ui_spin (50);
  /* Stop the sync engine while the main context is still ours, so that no late status is
   * delivered in its worker thread. */
  foyer_application_stop_services (app);
  g_main_context_release (NULL);
}

typedef struct {
  FoyerWindow *window;
  const char  *name;
} PageWait;

static gboolean
page_shown (gpointer user_data)
{
  PageWait *wait = user_data;
  GtkWidget *page = foyer_window_get_page (wait->window, wait->name);

  return page != NULL && gtk_widget_get_mapped (page) &&
         g_strcmp0 (foyer_window_get_visible_page_name (wait->window), wait->name) == 0;
}

void
foyer_test_ui_wait_page (FoyerWindow *window,
                         const char  *page_name)
{
  PageWait wait = { window, page_name };

  if (!foyer_test_ui_wait_for (page_shown, &wait, 3000))
    g_error ("page “%s” not shown; “%s” is", page_name,
             foyer_window_get_visible_page_name (window));
  /* Let layout and a frame happen. */
  foyer_test_ui_spin (60);
}

static gboolean
no_flash (gpointer user_data)
{
  return foyer_feedback_get_flash (FOYER_WINDOW (user_data)->feedback) == FOYER_FEEDBACK_NONE;
}

char *
foyer_test_ui_screenshot (GtkWidget  *widget,
                          const char *name)
{
  const char *dir = g_getenv ("FOYER_SCREENSHOT_DIR");
  g_autofree char *fallback = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  char *path;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (dir == NULL) {
    fallback = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                 "screenshots", NULL);
    dir = fallback;
  }
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, file, NULL);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  /* A window's screenshot shows its page, not the 600 ms flash of the answer over it
   * (test-ui-feedback.c shoots the flash through the page area's overlay). */
  if (FOYER_IS_WINDOW (widget) && !no_flash (widget))
    foyer_test_ui_wait_for (no_flash, widget, 2000);

  /* The widget's render node exists once a frame has been drawn: on a slow (sanitizer) build
   * that may take a few more iterations. */
  paintable = gtk_widget_paintable_new (widget);
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++) {
    if (attempt > 0) {
      gtk_widget_queue_draw (widget);
      foyer_test_ui_spin (50);
    }
    snapshot = gtk_snapshot_new ();
    gdk_paintable_snapshot (paintable, snapshot, width, height);
    node = gtk_snapshot_free_to_node (snapshot);
  }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget)) {
    const char *text = gtk_label_get_text (GTK_LABEL (widget));

    if (text != NULL && *text != '\0') {
      g_string_append (out, text);
      g_string_append_c (out, '\n');
    }
  }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

char *
foyer_test_ui_visible_text (GtkWidget *widget)
{
  GString *out = g_string_new (NULL);

  collect_text (widget, out);
  return g_string_free (out, FALSE);
}
