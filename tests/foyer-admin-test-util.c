/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-admin-test-util.c: what the admin and booth UI tests share. */
#include "config.h"

#include <locale.h>
#include <unistd.h>
#include <libintl.h>
#include <glib/gstdio.h>

#include "foyer-admin-test-util.h"
#include "foyer-admin-page.h"
#include "foyer-application.h"

extern int _nl_msg_cat_cntr;

void
foyer_admin_test_setup_display (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GdkDisplay *display = gdk_display_get_default ();

  gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (display), "/usr/share/icons");
  gtk_css_provider_load_from_resource (css, "/io/github/foyer/Foyer/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

gpointer
foyer_admin_test_new_app (void)
{
  static guint serial;
  g_autofree char *id = g_strdup_printf ("io.github.foyer.Foyer.AdminTest%u_%u", getpid (),
                                         ++serial);

  return g_object_new (FOYER_TYPE_APPLICATION,
                       "application-id", id,
                       "resource-base-path", "/io/github/foyer/Foyer",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

void
foyer_admin_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

gboolean
foyer_admin_test_wait (gboolean (*cond) (gpointer data),
                       gpointer   data,
                       guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (!cond (data)) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  }
  return TRUE;
}

static gboolean
drawn (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

void
foyer_admin_test_present (GtkWidget *window)
{
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (foyer_admin_test_wait (drawn, window, 20000));
  foyer_admin_test_spin (100);
}

GtkWidget *
foyer_admin_test_find_named (GtkWidget  *root,
                             const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found = foyer_admin_test_find_named (child, name);
    if (found != NULL)
      return found;
  }
  return NULL;
}

GtkWidget *
foyer_admin_test_find_type (GtkWidget *root,
                            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found = foyer_admin_test_find_type (child, type);
    if (found != NULL)
      return found;
  }
  return NULL;
}

void
foyer_admin_test_use_language (const char *language)
{
  g_autofree char *localedir = g_build_filename (g_getenv ("FOYER_BUILD_ROOT"), "po", NULL);

  /* C.UTF-8 is the one locale every machine has; LANGUAGE picks the catalogue. */
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", g_strcmp0 (language, "zh_CN") == 0 ? "zh_CN" : "en", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* glibc caches translations; this counter tells it the catalogue choice changed. */
  _nl_msg_cat_cntr++;
}

char *
foyer_admin_test_screenshot (GtkWidget  *widget,
                             const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *env = g_getenv ("FOYER_SCREENSHOT_DIR");
  const char *build = g_getenv ("FOYER_BUILD_ROOT");
  g_autofree char *dir = env != NULL ? g_strdup (env)
                                     : g_build_filename (build != NULL ? build : g_get_tmp_dir (),
                                                         "meson-logs", "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  char *path = g_build_filename (dir, file, NULL);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (foyer_admin_test_wait (drawn, widget, 20000));
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);

  /* The paintable shows the last frame drawn: make sure there is one after the last change. */
  for (int attempt = 0; attempt < 20 && node == NULL; attempt++) {
    g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
    GtkSnapshot *snapshot = gtk_snapshot_new ();

    gtk_widget_queue_draw (widget);
    foyer_admin_test_spin (50);
    gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
    node = gtk_snapshot_free_to_node (snapshot);
  }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

typedef struct {
  GAsyncResult *result;
} ExportWait;

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportWait *wait = user_data;

  wait->result = g_object_ref (result);
}

static gboolean
export_finished (gpointer data)
{
  return ((ExportWait *)data)->result != NULL;
}

gboolean
foyer_admin_test_export (gpointer   admin_page,
                         GFile     *folder,
                         char     **out_path,
                         GError   **error)
{
  ExportWait wait = { NULL };
  gboolean ok;

  foyer_admin_page_export_to_async (FOYER_ADMIN_PAGE (admin_page), folder, NULL,
                                    export_done_cb, &wait);
  g_assert_true (foyer_admin_test_wait (export_finished, &wait, 60 * 1000));
  ok = foyer_admin_page_export_to_finish (FOYER_ADMIN_PAGE (admin_page), wait.result, out_path,
                                          error);
  g_object_unref (wait.result);
  return ok;
}
