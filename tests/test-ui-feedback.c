/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ui-feedback.c: what a visitor notices without reading (issue 20), on a real window under
 * Xvfb: the sound asked for and the full-screen flash of an accepted, a repeat and a refused
 * badge, from win.scan-code, a keyboard-wedge scanner and a serial scanner (a real pty), with
 * [kiosk] sounds=off, and a gate rule's reasons on screen; screenshots in both languages. There
 * is no sound card here: GSound fails quietly and the requested sound id is what is checked. */
#include "config.h"

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include "foyer-camera-view.h"
#include "foyer-feedback.h"
#include "foyer-notice-page.h"
#include "foyer-test-util-ui.h"
#include "foyer-test-util.h"
#include "foyer-window-private.h"

typedef struct {
  char             *dir;
  const char       *language;
  FoyerConfig      *config;
  FoyerApplication *app;
  FoyerWindow      *window;
  GPtrArray        *sounds;     /* every sound-requested id, in order */
} Fixture;

static void
sound_requested_cb (FoyerFeedback *feedback,
                    const char    *id,
                    Fixture       *f)
{
  g_ptr_array_add (f->sounds, g_strdup (id));
}

static void
fixture_start (Fixture    *f,
               const char *language,
               const char *extra)
{
  static guint serial;
  g_autofree char *text = NULL;
  g_autofree char *id = g_strdup_printf ("io.github.foyer.Foyer.Feedback%u_%u", getpid (),
                                         ++serial);
  g_autoptr(GError) error = NULL;

  f->language = language;
  f->dir = foyer_test_make_tmpdir ("ui-feedback");
  f->sounds = g_ptr_array_new_with_free_func (g_free);
  text = g_strdup_printf ("[kiosk]\nid=entrance-02\nevent=expo-2026\nlanguage=%s\n"
                          "[storage]\ndatabase=%s/foyer.db\n[camera]\nsource=none\n%s",
                          language, f->dir, extra != NULL ? extra : "");
  f->config = foyer_config_load_from_data (text, "feedback.conf", &error);
  g_assert_no_error (error);
  f->app = g_object_new (FOYER_TYPE_APPLICATION, "application-id", id,
                         "resource-base-path", "/io/github/foyer/Foyer",
                         "flags", G_APPLICATION_NON_UNIQUE, NULL);
  foyer_test_ui_fix_icons ();
  f->window = foyer_test_ui_start (f->app, f->config);
  g_signal_connect (f->window->feedback, "sound-requested", G_CALLBACK (sound_requested_cb), f);
  /* Held long enough to be measured and shot on a sanitizer build; /ui-feedback/duration checks
   * the 600 ms of a kiosk. */
  foyer_feedback_set_duration_ms (f->window->feedback, 2500);
  foyer_test_add_preregistration (foyer_application_get_store (f->app), "expo-2026",
                                  "EXPO26-000777", FOYER_CATEGORY_TRADE_VISITOR, "陈静");
  foyer_test_add_preregistration (foyer_application_get_store (f->app), "expo-2026",
                                  "EXPO26-PRESS01", FOYER_CATEGORY_MEDIA, "陈静");
}

static void
fixture_stop (Fixture *f)
{
  foyer_test_ui_stop (f->app);
  g_clear_object (&f->app);
  g_clear_object (&f->config);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->sounds, g_ptr_array_unref);
}

static void
scan (Fixture    *f,
      const char *code)
{
  gtk_widget_activate_action_variant (GTK_WIDGET (f->window), "win.scan-code",
                                      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, code,
                                                                 strlen (code), 1));
}

static gboolean
flash_gone (gpointer user_data)
{
  Fixture *f = user_data;

  return foyer_feedback_get_flash (f->window->feedback) == FOYER_FEEDBACK_NONE;
}

static gboolean
feedback_allocated (gpointer user_data)
{
  Fixture *f = user_data;

  return gtk_widget_get_width (GTK_WIDGET (f->window->feedback)) > 0;
}

/* The flash is on screen right after the answer, over the whole page area, with a screenshot of
 * it, and gone afterwards; the sound asked for is id. */
static void
assert_feedback (Fixture           *f,
                 FoyerFeedbackKind  kind,
                 const char        *id,
                 const char        *shot_name)
{
  FoyerFeedback *feedback = f->window->feedback;
  g_autofree char *name = g_strdup_printf ("feedback-%s-%s", shot_name, f->language);
  g_autofree char *path = NULL;

  g_assert_cmpint (foyer_feedback_get_flash (feedback), ==, kind);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (feedback)));
  g_assert_cmpuint (f->sounds->len, >, 0);
  g_assert_cmpstr (g_ptr_array_index (f->sounds, f->sounds->len - 1), ==, id);
  g_assert_cmpstr (foyer_feedback_get_sound_id (feedback), ==, id);
  /* It covers the whole page area, not a corner of it. */
  g_assert_true (foyer_test_ui_wait_for (feedback_allocated, f, 3000));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (feedback)), ==,
                   gtk_widget_get_width (GTK_WIDGET (f->window->stack)));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (feedback)), ==,
                   gtk_widget_get_height (GTK_WIDGET (f->window->stack)));
  /* The page area with the flash over it (a shot of the window waits for the flash to end). */
  path = foyer_test_ui_screenshot (gtk_widget_get_parent (GTK_WIDGET (feedback)), name);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  g_assert_true (foyer_test_ui_wait_for (flash_gone, f, 8000));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (feedback)));
}

static void
test_results (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  gboolean zh = g_strcmp0 (data, "zh_CN") == 0;
  g_autofree char *text = NULL;
  g_autofree char *page_shot = NULL;
  FoyerNoticePage *notice;

  fixture_start (f, data, "[gate]\ncategories=trade_visitor;vip\n"
                          "name=East Hall entrance\nname[zh_CN]=东馆入口\n"
                          "other-entrance=the press entrance on level 2\n"
                          "other-entrance[zh_CN]=二层媒体入口\n");

  scan (f, "EXPO26-000777");
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_feedback (f, FOYER_FEEDBACK_ACCEPTED, "complete", "accepted");

  scan (f, "EXPO26-000777");
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_feedback (f, FOYER_FEEDBACK_REPEAT, "dialog-warning", "repeat");

  /* A gate rule: the visitor reads where to go, staff read why. */
  scan (f, "EXPO26-PRESS01");
  foyer_test_ui_wait_page (f->window, "notice");
  notice = FOYER_NOTICE_PAGE (foyer_window_get_page (f->window, "notice"));
  g_assert_cmpint (foyer_notice_page_get_kind (notice), ==, FOYER_NOTICE_REFUSED);
  text = foyer_test_ui_visible_text (GTK_WIDGET (notice));
  g_assert_nonnull (strstr (text, zh ? "本入口仅供专业观众、贵宾使用，请走二层媒体入口。"
                                     : "This entrance is for trade visitors, VIP guests only. "
                                       "Please use the press entrance on level 2."));
  g_assert_nonnull (strstr (text, zh ? "东馆入口：媒体请走二层媒体入口"
                                     : "East Hall entrance: media please use the press entrance "
                                       "on level 2"));
  assert_feedback (f, FOYER_FEEDBACK_REFUSED, "dialog-error", "refused");
  page_shot = foyer_test_ui_screenshot (GTK_WIDGET (f->window), zh ? "feedback-refused-page-zh_CN"
                                                                   : "feedback-refused-page-en");
  g_assert_true (g_file_test (page_shot, G_FILE_TEST_IS_REGULAR));

  /* An unknown badge is refused too, with the same sound. */
  scan (f, "EXPO26-999999");
  foyer_test_ui_wait_page (f->window, "notice");
  assert_feedback (f, FOYER_FEEDBACK_REFUSED, "dialog-error", "unknown");
  fixture_stop (f);
}

static void
test_sounds_off (void)
{
  Fixture fx = { 0 }, *f = &fx;

  fixture_start (f, "en", "[kiosk]\nsounds=off\n");
  g_assert_false (foyer_feedback_get_sounds_enabled (f->window->feedback));
  scan (f, "EXPO26-000777");
  foyer_test_ui_wait_page (f->window, "welcome");
  /* The flash still shows; no sound is asked for. */
  g_assert_cmpint (foyer_feedback_get_flash (f->window->feedback), ==, FOYER_FEEDBACK_ACCEPTED);
  g_assert_cmpuint (f->sounds->len, ==, 0);
  g_assert_null (foyer_feedback_get_sound_id (f->window->feedback));
  g_assert_true (foyer_test_ui_wait_for (flash_gone, f, 8000));
  fixture_stop (f);
}

/* A keyboard-wedge scanner's burst gets the same answer, sound and flash. */
static void
test_wedge (void)
{
  Fixture fx = { 0 }, *f = &fx;
  const char *code = "EXPO26-000777";
  gint64 clock_us = 1000000;
  gboolean scanned = FALSE;

  fixture_start (f, "en", NULL);
  for (const char *p = code; *p != '\0'; p++) {
    clock_us += 4000;
    scanned |= _foyer_window_wedge_key (f->window, gdk_unicode_to_keyval ((guchar)*p), 0, clock_us);
  }
  clock_us += 4000;
  scanned |= _foyer_window_wedge_key (f->window, GDK_KEY_Return, 0, clock_us);
  g_assert_true (scanned);
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_feedback (f, FOYER_FEEDBACK_ACCEPTED, "complete", "wedge");
  fixture_stop (f);
}

typedef struct {
  gint64 shown_us;
  gint64 hidden_us;
} FlashTimes;

static void
flash_notify_cb (FoyerFeedback *feedback,
                 GParamSpec    *pspec,
                 FlashTimes    *times)
{
  if (foyer_feedback_get_flash (feedback) != FOYER_FEEDBACK_NONE)
    times->shown_us = g_get_monotonic_time ();
  else
    times->hidden_us = g_get_monotonic_time ();
}

static gboolean
flash_timed (gpointer user_data)
{
  return ((FlashTimes *)user_data)->hidden_us != 0;
}

/* A kiosk's flash lasts 600 ms: long enough to be seen, short enough not to hold the queue. */
static void
test_duration (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *feedback = foyer_feedback_new ();
  FlashTimes times = { 0, 0 };
  gint64 ms;

  foyer_test_ui_fix_icons ();
  gtk_window_set_child (GTK_WINDOW (window), feedback);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (feedback, "notify::flash", G_CALLBACK (flash_notify_cb), &times);
  foyer_feedback_show (FOYER_FEEDBACK (feedback), FOYER_FEEDBACK_REFUSED);
  g_assert_true (gtk_widget_get_visible (feedback));
  g_assert_true (foyer_test_ui_wait_for (flash_timed, &times, 10000));
  ms = (times.hidden_us - times.shown_us) / 1000;
  g_assert_cmpint (ms, >=, FOYER_FEEDBACK_FLASH_MS);
  g_assert_cmpint (ms, <, FOYER_FEEDBACK_FLASH_MS + 2000);
  g_assert_false (gtk_widget_get_visible (feedback));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
flash_shown (gpointer user_data)
{
  Fixture *f = user_data;

  return foyer_feedback_get_flash (f->window->feedback) != FOYER_FEEDBACK_NONE;
}

/* A scanner in USB-serial mode ([scanner] serial, here a real pseudo-terminal) too. */
static void
test_serial (void)
{
  Fixture fx = { 0 }, *f = &fx;
  g_autofree char *extra = NULL;
  char name[256];
  int master, slave;

  g_assert_cmpint (openpty (&master, &slave, name, NULL, NULL), ==, 0);
  extra = g_strdup_printf ("[scanner]\nserial=%s\n", name);
  fixture_start (f, "en", extra);
  foyer_test_ui_spin (200);
  g_assert_cmpint (write (master, "EXPO26-PRESS01\r\n", 16), ==, 16);
  g_assert_true (foyer_test_ui_wait_for (flash_shown, f, 5000));
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_feedback (f, FOYER_FEEDBACK_ACCEPTED, "complete", "serial");
  fixture_stop (f);
  close (slave);
  close (master);
}

static gboolean
view_marked (gpointer user_data)
{
  return foyer_camera_view_get_scan_mark (user_data, NULL);
}

static gboolean
view_unmarked (gpointer user_data)
{
  return !foyer_camera_view_get_scan_mark (user_data, NULL);
}

/* The camera view marks where the decoder read the code, over the picture, for a moment. */
static void
test_camera_mark (void)
{
  g_autofree char *png = foyer_test_data_path ("cards", "badge-plain.png", NULL);
  g_autofree char *source = g_strdup_printf ("file:%s", png);
  g_autoptr(FoyerCamera) camera = foyer_camera_new_for_source (source);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = foyer_camera_view_new ();
  g_autofree char *path = NULL;
  FoyerScanLocation where;

  foyer_test_ui_fix_icons ();
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_present (GTK_WINDOW (window));
  foyer_camera_view_set_camera (FOYER_CAMERA_VIEW (view), camera);
  foyer_camera_start (camera);

  g_assert_true (foyer_test_ui_wait_for (view_marked, view, 20000));
  g_assert_true (foyer_camera_view_get_scan_mark (FOYER_CAMERA_VIEW (view), &where));
  /* A real box inside the frame the preview shows. */
  g_assert_cmpint (where.width, >, 20);
  g_assert_cmpint (where.height, >, 20);
  g_assert_cmpint (where.x, >=, 0);
  g_assert_cmpint (where.y, >=, 0);
  g_assert_cmpint (where.x + where.width, <=, (int)where.frame_width);
  g_assert_cmpint (where.y + where.height, <=, (int)where.frame_height);
  foyer_test_ui_spin (50);
  path = foyer_test_ui_screenshot (view, "feedback-camera-mark");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* Briefly: gone after a second, while the picture goes on. */
  g_assert_true (foyer_test_ui_wait_for (view_unmarked, view, 3000));
  g_assert_nonnull (foyer_camera_view_get_texture (FOYER_CAMERA_VIEW (view)));
  foyer_camera_stop (camera);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  foyer_test_ui_init ();

  g_test_add_data_func ("/ui-feedback/results/en", "en", test_results);
  g_test_add_data_func ("/ui-feedback/results/zh_CN", "zh_CN", test_results);
  g_test_add_func ("/ui-feedback/sounds-off", test_sounds_off);
  g_test_add_func ("/ui-feedback/wedge", test_wedge);
  g_test_add_func ("/ui-feedback/serial", test_serial);
  g_test_add_func ("/ui-feedback/camera-mark", test_camera_mark);
  g_test_add_func ("/ui-feedback/duration", test_duration);
  return g_test_run ();
}
