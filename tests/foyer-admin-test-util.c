/* foyer-admin-test-util.c: what the admin and booth UI tests share. */
#include "config.h"

#include <locale.h>
#include <libintl.h>
#include <glib/gstdio.h>

#include "foyer-admin-test-util.h"

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

void
foyer_admin_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
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
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *build = g_getenv ("FOYER_BUILD_ROOT");
  g_autofree char *dir = g_build_filename (build != NULL ? build : g_get_tmp_dir (), "meson-logs",
                                           "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  char *path = g_build_filename (dir, file, NULL);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_mkdir_with_parents (dir, 0755);
  g_assert_cmpint (w, >, 0);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}
