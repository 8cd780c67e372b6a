/* test-ui-admin.c: the staff side of the kiosk under a real X server: the PIN pad (right PIN,
 * wrong PIN, lockout with an injected clock) and the admin page. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "foyer-application.h"
#include "foyer-pin-page.h"
#include "foyer-test-util.h"

#define TEST_ITER 1000

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static char *
screenshot_dir (void)
{
  const char *build = g_getenv ("FOYER_BUILD_ROOT");
  char *dir = g_build_filename (build != NULL ? build : g_get_tmp_dir (), "meson-logs",
                                "screenshots", NULL);

  g_mkdir_with_parents (dir, 0755);
  return dir;
}

/* Renders the widget as it is on screen into DIR/name.png. */
static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = screenshot_dir ();
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (w, >, 0);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

typedef struct {
  gint64 now;
} FakeClock;

static gint64
fake_clock (gpointer user_data)
{
  return ((FakeClock *)user_data)->now;
}

static void
count_cb (gpointer  instance,
          int      *count)
{
  (*count)++;
}

static void
test_pin_pad (void)
{
  g_autofree char *hash = foyer_pin_hash ("2468", TEST_ITER, NULL);
  g_autoptr(FoyerPinGuard) guard = foyer_pin_guard_new (hash);
  FakeClock clock = { (gint64)5000 * G_USEC_PER_SEC };
  GtkWidget *window = gtk_window_new ();
  FoyerPinPage *page = FOYER_PIN_PAGE (foyer_pin_page_new ());
  int unlocked = 0;
  int cancelled = 0;

  foyer_pin_guard_set_clock (guard, fake_clock, &clock);
  foyer_pin_page_set_guard (page, guard);
  g_signal_connect (page, "unlocked", G_CALLBACK (count_cb), &unlocked);
  g_signal_connect (page, "cancelled", G_CALLBACK (count_cb), &cancelled);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 768);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  foyer_pin_page_reset (page, _("Open Admin"));
  spin (300);
  save_screenshot (GTK_WIDGET (page), "admin-pin-pad");

  /* Right PIN through the pad's own actions. */
  for (const char *d = "2468"; *d; d++) {
    char digit[] = { *d, '\0' };
    gtk_widget_activate_action (GTK_WIDGET (page), "pin.digit", "s", digit);
  }
  gtk_widget_activate_action (GTK_WIDGET (page), "pin.submit", NULL);
  g_assert_cmpint (unlocked, ==, 1);

  /* Wrong PIN: a message, no unlock. Backspace edits the entry. */
  foyer_pin_page_type (page, "24689");
  gtk_widget_activate_action (GTK_WIDGET (page), "pin.backspace", NULL);
  foyer_pin_page_type (page, "1");
  foyer_pin_page_submit (page);
  g_assert_cmpint (unlocked, ==, 1);
  g_assert_nonnull (strstr (foyer_pin_page_get_message (page), "Wrong PIN"));
  g_assert_nonnull (strstr (foyer_pin_page_get_message (page), "4 attempts"));
  spin (100);
  save_screenshot (GTK_WIDGET (page), "admin-pin-wrong");

  /* Four more wrong PINs lock the pad; then even the right PIN is refused. */
  for (int i = 0; i < 4; i++) {
    foyer_pin_page_type (page, "0000");
    foyer_pin_page_submit (page);
  }
  g_assert_nonnull (strstr (foyer_pin_page_get_message (page), "Try again in 60 seconds"));
  foyer_pin_page_type (page, "2468");
  foyer_pin_page_submit (page);
  g_assert_cmpint (unlocked, ==, 1);
  spin (100);
  save_screenshot (GTK_WIDGET (page), "admin-pin-locked");

  clock.now += 45 * G_USEC_PER_SEC;
  foyer_pin_page_submit (page);
  g_assert_nonnull (strstr (foyer_pin_page_get_message (page), "Try again in 15 seconds"));

  /* After the minute the right PIN opens again. */
  clock.now += 15 * G_USEC_PER_SEC;
  foyer_pin_page_type (page, "2468");
  foyer_pin_page_submit (page);
  g_assert_cmpint (unlocked, ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (page), "pin.cancel", NULL);
  g_assert_cmpint (cancelled, ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  spin (50);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  setlocale (LC_ALL, "C.UTF-8");

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL) {
    g_test_message ("no display: run the suite with the README's test command (xvfb-run)");
    g_test_fail ();
    return 1;
  }

  gtk_init ();
  adw_init ();
  {
    /* Isolated dirs hide the system icon theme; the app's CSS comes with AdwApplication, which
     * these page-level tests do not run. */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    GdkDisplay *display = gdk_display_get_default ();

    gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (display), "/usr/share/icons");
    gtk_css_provider_load_from_resource (css, "/io/github/foyer/Foyer/style.css");
    gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add_func ("/ui-admin/pin-pad", test_pin_pad);
  return g_test_run ();
}
