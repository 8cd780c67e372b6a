/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ui-enroll.c: Admin → "Connect to head office" in the real kiosk window under Xvfb,
 * against a real `foyer-hub serve`: the code typed by a keyboard-wedge scanner, what it is for,
 * the connection, the configuration written, a visitor registered on the kiosk in
 * `foyer-hub export` within seconds (with the one registered before enrollment), refusals in
 * Chinese, and revocation told to staff. Screenshots in en and zh_CN. */
#include "config.h"

#include <locale.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "foyer-admin-page.h"
#include "foyer-admin-test-util.h"
#include "foyer-application.h"
#include "foyer-enroll-code.h"
#include "foyer-enroll-page.h"
#include "foyer-enroll.h"
#include "foyer-hub-test-util.h"
#include "foyer-test-util-ui.h"
#include "foyer-test-util.h"
#include "foyer-window-private.h"
#include "foyer-window-staff.h"

typedef struct {
  FoyerTestHub     *hub;
  char             *conf;
  FoyerApplication *app;
  FoyerWindow      *window;
  gint64            clock_us;     /* the wedge's key times */
} Fixture;

static void
shot (Fixture *f, const char *name)
{
  foyer_test_ui_spin (300);
  g_free (foyer_test_ui_screenshot (GTK_WIDGET (f->window), name));
}

static FoyerEnrollPage *
enroll_page (Fixture *f)
{
  return FOYER_ENROLL_PAGE (foyer_window_get_page (f->window, "enroll"));
}

static char *
page_text (Fixture *f, const char *name)
{
  return foyer_test_ui_visible_text (foyer_window_get_page (f->window, name));
}

/* A keyboard-wedge scanner: the code's characters and Enter, 4 ms apart, through the window's
 * key path (no field has the focus). */
static void
wedge_scan (Fixture *f, const char *code)
{
  gboolean scanned = FALSE;

  for (const char *p = code; *p != '\0'; p++) {
    f->clock_us += 4000;
    scanned |= _foyer_window_wedge_key (f->window, gdk_unicode_to_keyval ((guchar) *p), 0,
                                        f->clock_us);
  }
  f->clock_us += 4000;
  scanned |= _foyer_window_wedge_key (f->window, GDK_KEY_Return, 0, f->clock_us);
  g_assert_true (scanned);
  foyer_test_ui_spin (50);
}

static gboolean
page_not_busy (gpointer data)
{
  return !foyer_enroll_page_get_busy (data);
}

/* Connect (or Replace Connection) and wait for the outcome line. */
static const char *
press_connect (Fixture *f)
{
  FoyerEnrollPage *page = enroll_page (f);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "enroll.connect", NULL));
  g_assert_true (foyer_enroll_page_get_busy (page));
  g_assert_true (foyer_test_ui_wait_for (page_not_busy, page, 30000));
  return foyer_enroll_page_get_result (page);
}

static void
open_enroll_page (Fixture *f)
{
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (f->window, "admin");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.connect-head-office", NULL);
  foyer_test_ui_wait_page (f->window, "enroll");
}

typedef struct {
  FoyerTestHub *hub;
  const char   *id;
} ExportWait;

static gboolean
hub_has (gpointer data)
{
  ExportWait *w = data;
  guint n = 0;
  g_autoptr(GHashTable) ids = foyer_test_hub_export_ids (w->hub, "expo-2026", &n);

  return g_hash_table_contains (ids, w->id);
}

static gboolean
sync_paused_for_auth (gpointer data)
{
  const FoyerSyncStatus *status = foyer_sync_engine_get_status (data);

  return status->paused && status->paused_code == FOYER_SYNC_ERROR_AUTH;
}

/* A visitor through the kiosk's own flow, as the form page registers one. */
static char *
register_visitor (Fixture *f, const char *name)
{
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
  g_autoptr(FoyerFlowResult) result = NULL;

  reg->full_name = g_strdup (name);
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->consent_given = TRUE;
  result = foyer_kiosk_flow_register (foyer_window_get_flow (f->window), reg);
  g_assert_cmpint (foyer_flow_result_get_status (result), ==, FOYER_FLOW_STATUS_REGISTERED);
  return g_strdup (foyer_flow_result_get_registration (result)->id);
}

/* The kiosk; camera NULL: none. The hub must have been started. */
static void
fixture_start_kiosk (Fixture *f, const char *camera)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("kiosk-ui");
  g_autofree char *text = g_strdup_printf (
    "[kiosk]\nid=kiosk-local\nlanguage=en\n\n[storage]\ndatabase=%s/kiosk.db\n\n"
    "[camera]\nsource=%s\nrepeat-seconds=1\n\n[sync]\nbackoff-min-ms=20\n"
    "backoff-max-ms=400\nconnect-timeout=10\ntimeout=10\nhealth-interval=1\n", dir,
    camera != NULL ? camera : "none");
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  foyer_test_ui_fix_icons ();
  f->conf = foyer_test_write_file (dir, "foyer.conf", text);
  config = foyer_config_load_from_file (f->conf, &error);
  g_assert_no_error (error);
  f->app = foyer_admin_test_new_app ();
  f->window = foyer_test_ui_start (f->app, config);
  f->clock_us = 1000 * G_USEC_PER_SEC;
}

static void
fixture_start (Fixture *f)
{
  f->hub = foyer_test_hub_new (NULL, NULL);
  foyer_test_hub_start (f->hub, NULL);
  fixture_start_kiosk (f, NULL);
}

static void
fixture_stop (Fixture *f)
{
  foyer_test_ui_stop (f->app);
  g_clear_object (&f->app);
  foyer_test_hub_free (f->hub);
  g_free (f->conf);
}

static void
check_written_as (Fixture *f, const char *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) written = foyer_config_load_from_file (f->conf, &error);
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_cmpstr (foyer_config_get_string (written, "sync", "backend"), ==, "http-json");
  g_assert_cmpstr (foyer_config_get_string (written, "sync", "url"), ==, f->hub->url);
  g_assert_cmpstr (foyer_config_get_string (written, "kiosk", "id"), ==, device);
  g_assert_cmpint (g_stat (foyer_config_get_string (written, "sync", "token-file"), &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
}

/* Not a code, then the real one from the scanner: preview, connect, result, config, export. */
static void
connect_and_register (Fixture *f, const char *code, const char *before_id)
{
  g_autofree char *text = NULL, *visitor = NULL;
  ExportWait wait = { f->hub, NULL };
  const char *result;

  open_enroll_page (f);
  wedge_scan (f, "https://example.com/not-an-enrollment-code");
  g_assert_nonnull (strstr (foyer_enroll_page_get_result (enroll_page (f)),
                            "not a Foyer enrollment code"));
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "enroll");

  wedge_scan (f, code);
  text = page_text (f, "enroll");
  g_assert_nonnull (strstr (text, "entrance-01"));
  g_assert_nonnull (strstr (text, "expo-2026"));
  g_assert_nonnull (strstr (text, f->hub->url));
  shot (f, "enroll-preview-en");

  result = press_connect (f);
  g_assert_nonnull (strstr (result, "Connected to head office as entrance-01 for expo-2026"));
  g_assert_nonnull (strstr (result, "1 record registered before"));
  shot (f, "enroll-connected-en");
  check_written_as (f, "entrance-01");

  /* The running kiosk sends: the visitor registered before and one registered now. */
  visitor = register_visitor (f, "王小明");
  wait.id = visitor;
  g_assert_true (foyer_test_ui_wait_for (hub_has, &wait, 10000));
  wait.id = before_id;
  g_assert_true (hub_has (&wait));
}

static void
test_connect (void)
{
  Fixture f = { NULL };
  g_autofree char *code = NULL, *before = NULL, *out = NULL, *err = NULL, *text = NULL;
  FoyerSyncEngine *engine;

  fixture_start (&f);
  code = foyer_test_hub_add_device (f.hub, "entrance-01", "expo-2026");
  before = register_visitor (&f, "登记在先");   /* under the kiosk's own default event */
  connect_and_register (&f, code, before);

  /* Chinese: the page is rebuilt; the kiosk now says it is connected and asks before
   * replacing; the used code is refused in Chinese. */
  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.set-language", "s", "zh_CN");
  open_enroll_page (&f);
  text = page_text (&f, "enroll");
  g_assert_nonnull (strstr (text, "已连接"));
  wedge_scan (&f, code);
  g_assert_nonnull (strstr (press_connect (&f), "已被使用"));
  shot (&f, "enroll-used-code-zh_CN");
  gtk_widget_activate_action (GTK_WIDGET (enroll_page (&f)), "enroll.back", NULL);
  foyer_test_ui_wait_page (f.window, "admin");
  shot (&f, "enroll-admin-connected-zh_CN");

  /* Revoked at head office: syncing pauses and Admin tells staff what to do. */
  g_assert_cmpint (foyer_test_hub_run (f.hub, &out, &err, "device", "revoke", "entrance-01",
                                       NULL), ==, 0);
  g_free (register_visitor (&f, "吊销之后"));
  engine = foyer_application_get_sync_engine (f.app);
  g_assert_true (foyer_test_ui_wait_for (sync_paused_for_auth, engine, 20000));
  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.set-language", "s", "en");
  foyer_test_ui_wait_page (f.window, "scan");
  g_clear_pointer (&text, g_free);
  text = page_text (&f, "scan");
  g_assert_nonnull (strstr (text, "Sync paused"));
  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (f.window, "admin");
  g_clear_pointer (&text, g_free);
  text = page_text (&f, "admin");
  g_assert_nonnull (strstr (text, "no longer accepts this kiosk"));
  shot (&f, "enroll-admin-revoked-en");
  fixture_stop (&f);
}

/* Failures staff can cause, each with its sentence, nothing written, the page still usable. */
static void
test_refusals (void)
{
  Fixture f = { NULL };
  FoyerTestHub *down = foyer_test_hub_new (NULL, NULL);      /* never started */
  FoyerEnrollCode unreachable = { down->url, (char *) "expo-2026", (char *) "s", NULL,
                                  (char *) "entrance-02" };
  g_autofree char *code = foyer_enroll_code_encode (&unreachable);
  g_autoptr(FoyerConfig) written = NULL;
  g_autoptr(GError) error = NULL;

  fixture_start (&f);
  open_enroll_page (&f);
  wedge_scan (&f, code);
  g_assert_nonnull (strstr (press_connect (&f), "Cannot reach head office"));
  shot (&f, "enroll-unreachable-en");
  written = foyer_config_load_from_file (f.conf, &error);
  g_assert_no_error (error);
  g_assert_false (foyer_enroll_config_is_enrolled (written));

  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.set-language", "s", "zh_CN");
  open_enroll_page (&f);
  wedge_scan (&f, "FYE1:not-a-code!");
  g_assert_nonnull (strstr (foyer_enroll_page_get_result (enroll_page (&f)), "接入码"));
  shot (&f, "enroll-not-a-code-zh_CN");
  fixture_stop (&f);
  foyer_test_hub_free (down);
}

static gboolean
preview_shows (gpointer data)
{
  Fixture *f = data;
  g_autofree char *text = page_text (f, "enroll");

  return strstr (text, "entrance-03") != NULL;
}

/* The QR code `foyer-hub device add --png` wrote, held up to the camera (a looped still). */
static void
test_camera (void)
{
  Fixture f = { NULL };
  g_autofree char *png = NULL, *camera = NULL, *out = NULL, *err = NULL;

  f.hub = foyer_test_hub_new (NULL, NULL);
  foyer_test_hub_start (f.hub, NULL);
  png = g_build_filename (f.hub->dir, "entrance-03.png", NULL);
  g_assert_cmpint (foyer_test_hub_run (f.hub, &out, &err, "device", "add", "entrance-03",
                                       "--event", "expo-2026", "--png", png, NULL), ==, 0);
  camera = g_strconcat ("file:", png, NULL);
  fixture_start_kiosk (&f, NULL);
  open_enroll_page (&f);
  /* The code comes into view of a camera once the page is open (the camera started now, as
   * Admin's camera choice starts it; a code held in view is read once, not every frame). */
  foyer_config_set_string (foyer_window_get_config (f.window), "camera", "source", camera);
  _foyer_window_restart_camera (f.window);
  g_assert_true (foyer_test_ui_wait_for (preview_shows, &f, 20000));
  shot (&f, "enroll-camera-en");
  g_assert_nonnull (strstr (press_connect (&f),
                            "Connected to head office as entrance-03 for expo-2026"));
  check_written_as (&f, "entrance-03");
  fixture_stop (&f);
}

/* `foyerctl enroll` while the kiosk runs: the kiosk notices its configuration file changed and
 * takes the connection without a restart; the visitor waiting on it reaches head office. */
static void
test_cli_while_running (void)
{
  Fixture f = { NULL };
  g_autofree char *code = NULL, *before = NULL, *out = NULL, *err = NULL, *text = NULL;
  ExportWait wait = { NULL, NULL };

  fixture_start (&f);
  code = foyer_test_hub_add_device (f.hub, "entrance-04", "expo-2026");
  before = register_visitor (&f, "先登记");
  {
    const char *argv[] = { "--config", f.conf, "enroll", code, NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "1 record registered before was moved into event expo-2026"));
  }
  wait.hub = f.hub;
  wait.id = before;
  g_assert_true (foyer_test_ui_wait_for (hub_has, &wait, 20000));
  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (f.window, "admin");
  text = page_text (&f, "admin");
  g_assert_nonnull (strstr (text, "as entrance-04 for event expo-2026"));
  fixture_stop (&f);
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
  foyer_admin_test_setup_display ();
  g_test_add_func ("/ui-enroll/connect", test_connect);
  g_test_add_func ("/ui-enroll/refusals", test_refusals);
  g_test_add_func ("/ui-enroll/camera", test_camera);
  g_test_add_func ("/ui-enroll/cli-while-running", test_cli_while_running);
  return g_test_run ();
}
