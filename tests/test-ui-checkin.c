/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ui-checkin.c: the door's staff tools and two-way sync's messages on a real window under
 * Xvfb, with a real store: the PIN-protected search and check-in without a badge, entry/exit,
 * annulment, "inside now", a cross-gate repeat, a revoked badge and the booth team's leads (the
 * pulled rows applied to the store as the sync thread does). Every case runs in English and in
 * Chinese and leaves screenshots of what it shows. */
#include "config.h"

#include <unistd.h>

#include <adwaita.h>

#include "foyer-annul-page.h"
#include "foyer-pin-page.h"
#include "foyer-search-page.h"
#include "foyer-test-util-ui.h"
#include "foyer-test-util.h"
#include "foyer-welcome-page.h"
#include "foyer-window-private.h"

#define PIN       "2468"
#define PIN_ITER  1000

typedef struct {
  char             *dir;
  char             *language;
  FoyerConfig      *config;
  FoyerApplication *app;
  FoyerWindow      *window;
} Fixture;

#define CONFIG_TEMPLATE \
  "[kiosk]\n" \
  "id=entrance-02\n" \
  "event=expo-2026\n" \
  "language=%s\n" \
  "admin-pin-hash=%s\n" \
  "%s" \
  "[storage]\n" \
  "database=%s/foyer.db\n" \
  "[camera]\n" \
  "source=none\n" \
  "%s"

/* kiosk: more lines of [kiosk]; extra: more sections */
static void
start (Fixture    *f,
       const char *kiosk,
       const char *extra)
{
  g_autofree char *hash = foyer_pin_hash (PIN, PIN_ITER, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  static guint serial;
  g_autofree char *id = g_strdup_printf ("io.github.foyer.Foyer.Checkin%u_%u", getpid (), ++serial);

  f->dir = foyer_test_make_tmpdir ("ui-checkin");
  text = g_strdup_printf (CONFIG_TEMPLATE, f->language, hash, kiosk != NULL ? kiosk : "", f->dir,
                          extra != NULL ? extra : "");
  f->config = foyer_config_load_from_data (text, "test.conf", &error);
  g_assert_no_error (error);
  f->app = g_object_new (FOYER_TYPE_APPLICATION,
                         "application-id", id,
                         "resource-base-path", "/io/github/foyer/Foyer",
                         "flags", G_APPLICATION_NON_UNIQUE,
                         NULL);
  f->window = foyer_test_ui_start (f->app, f->config);
  foyer_test_ui_wait_page (f->window, "scan");
}

/* Each case starts the kiosk with the configuration it needs. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->language = g_strdup (data);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  foyer_test_ui_stop (f->app);
  g_clear_object (&f->app);
  g_clear_object (&f->config);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->language, g_free);
}

static gboolean
is_zh (Fixture *f)
{
  return g_strcmp0 (f->language, "zh_CN") == 0;
}

static void
shot (Fixture    *f,
      const char *flow,
      const char *step)
{
  g_autofree char *name = g_strdup_printf ("checkin-%s-%s-%s", flow, step, f->language);
  g_autofree char *path = NULL;

  foyer_test_ui_spin (50);
  path = foyer_test_ui_screenshot (GTK_WIDGET (f->window), name);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
activate (Fixture    *f,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->window), action, parameter));
  foyer_test_ui_spin (30);
}

static void
assert_visible_text (Fixture    *f,
                     const char *needle)
{
  g_autofree char *text = foyer_test_ui_visible_text (GTK_WIDGET (f->window));

  if (strstr (text, needle) == NULL)
    g_error ("“%s” is not on screen; the screen shows:\n%s", needle, text);
}

static void
assert_no_visible_text (Fixture    *f,
                        const char *needle)
{
  g_autofree char *text = foyer_test_ui_visible_text (GTK_WIDGET (f->window));

  if (strstr (text, needle) != NULL)
    g_error ("“%s” is on screen:\n%s", needle, text);
}

/* Whether a label on screen reads exactly line (a button, not a sentence that mentions it). */
static gboolean
has_visible_line (Fixture    *f,
                  const char *line)
{
  g_autofree char *text = foyer_test_ui_visible_text (GTK_WIDGET (f->window));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strv_contains ((const char * const *)lines, line);
}

static FoyerPinPage *
pin_page (Fixture *f)
{
  return FOYER_PIN_PAGE (foyer_window_get_page (f->window, "pin"));
}

static void
enter_pin (Fixture    *f,
           const char *pin)
{
  foyer_pin_page_type (pin_page (f), pin);
  foyer_pin_page_submit (pin_page (f));
  foyer_test_ui_spin (30);
}

static FoyerRegistration *
prereg (const char *badge,
        const char *name,
        const char *company,
        const char *phone)
{
  FoyerRegistration *reg = foyer_registration_new ();

  reg->event = g_strdup ("expo-2026");
  reg->badge_code = g_strdup (badge);
  reg->full_name = g_strdup (name);
  reg->organization = g_strdup (company);
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  if (phone != NULL)
    reg->phones = g_strsplit (phone, ",", -1);
  return reg;
}

/* The event's pre-registrations, as head office's list brought them. */
static void
import_attendees (Fixture *f)
{
  g_autoptr(GPtrArray) regs = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (regs, prereg ("EXPO-0001", "王小明", "深圳智能传感有限公司", "+8613800139254"));
  g_ptr_array_add (regs, prereg ("EXPO-0002", "Jürgen Müller", "Müller Maschinenbau GmbH", "+493012345678"));
  g_ptr_array_add (regs, prereg ("EXPO-0003", "Anna Müller", "Bäckerei Straße", NULL));
  for (guint i = 0; i < 25; i++) {
    g_autofree char *badge = g_strdup_printf ("EXPO-1%03u", i);
    g_autofree char *name = g_strdup_printf ("张%s", (const char *[]){ "伟", "芳", "娜", "敏", "静" }[i % 5]);
    g_autofree char *company = g_strdup_printf ("华东机械 %u 厂", i);

    g_ptr_array_add (regs, prereg (badge, name, company, NULL));
  }
  g_assert_true (foyer_store_import_preregistrations (foyer_application_get_store (f->app), regs,
                                                      NULL, NULL, &error));
  g_assert_no_error (error);
}

static FoyerSearchPage *
search_page (Fixture *f)
{
  return FOYER_SEARCH_PAGE (foyer_window_get_page (f->window, "search"));
}

static void
open_search (Fixture *f)
{
  activate (f, "win.open-search", NULL);
  foyer_test_ui_wait_page (f->window, "pin");
  enter_pin (f, PIN);
  foyer_test_ui_wait_page (f->window, "search");
}

/* --- staff-assisted check-in ------------------------------------------------------------- */

static void
test_search_pin (Fixture       *f,
                 gconstpointer  data)
{
  start (f, NULL, NULL);
  import_attendees (f);

  /* Behind the PIN: a wrong one keeps the list shut. */
  activate (f, "win.open-search", NULL);
  foyer_test_ui_wait_page (f->window, "pin");
  assert_visible_text (f, is_zh (f) ? "无胸卡签到" : "Check in without a badge");
  shot (f, "search", "pin");
  enter_pin (f, "1357");
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "pin");
  enter_pin (f, PIN);
  foyer_test_ui_wait_page (f->window, "search");
  /* nothing listed before staff type: no browsing */
  g_assert_cmpuint (foyer_search_page_get_n_results (search_page (f)), ==, 0);
  shot (f, "search", "empty");

  /* Home locks it again. */
  activate (f, "win.go-home", NULL);
  activate (f, "win.open-search", NULL);
  foyer_test_ui_wait_page (f->window, "pin");

  /* From Admin (reached through the PIN) it opens without a second prompt. */
  activate (f, "win.go-home", NULL);
  activate (f, "win.open-admin", NULL);
  enter_pin (f, PIN);
  foyer_test_ui_wait_page (f->window, "admin");
  assert_visible_text (f, is_zh (f) ? "无胸卡签到" : "Check in without a badge");
  activate (f, "win.open-search", NULL);
  foyer_test_ui_wait_page (f->window, "search");
}

static void
test_search_limits (Fixture       *f,
                    gconstpointer  data)
{
  FoyerSearchPage *page;

  start (f, NULL, NULL);

  import_attendees (f);
  open_search (f);
  page = search_page (f);

  /* one character is not enough */
  foyer_search_page_set_query (page, "张");
  g_assert_cmpuint (foyer_search_page_get_n_results (page), ==, 0);
  assert_visible_text (f, is_zh (f) ? "至少输入 2 个字符" : "Type at least 2 characters");
  shot (f, "search", "too-short");

  /* 25 张 match 华东机械: 20 are shown and staff are asked to type more */
  foyer_search_page_set_query (page, "华东");
  g_assert_cmpuint (foyer_search_page_get_n_results (page), ==, 20);
  assert_visible_text (f, is_zh (f) ? "超过 20 位访客符合" : "More than 20 visitors match");
  shot (f, "search", "too-many");

  /* nobody */
  foyer_search_page_set_query (page, "Nobody");
  g_assert_cmpuint (foyer_search_page_get_n_results (page), ==, 0);
  assert_visible_text (f, is_zh (f) ? "没有符合" : "No pre-registered visitor matches");

  /* Latin names without accents or case, Chinese names by their characters, phones by the
   * last 4 digits */
  foyer_search_page_set_query (page, "MULLER");
  g_assert_cmpuint (foyer_search_page_get_n_results (page), ==, 2);
  assert_visible_text (f, "Jürgen Müller");
  assert_visible_text (f, "Anna Müller");
  shot (f, "search", "latin");
  foyer_search_page_set_query (page, "小明");
  g_assert_cmpuint (foyer_search_page_get_n_results (page), ==, 1);
  g_assert_cmpstr (foyer_search_page_get_badge (page, 0), ==, "EXPO-0001");
  assert_visible_text (f, "深圳智能传感有限公司");
  foyer_search_page_set_query (page, "9254");
  g_assert_cmpuint (foyer_search_page_get_n_results (page), ==, 1);
  assert_visible_text (f, "王小明");
  assert_visible_text (f, is_zh (f) ? "手机尾号 9254" : "Phone …9254");
  /* the full number is never on screen */
  assert_no_visible_text (f, "13800139254");
  shot (f, "search", "phone");

  /* what staff typed is visitor data: it holds the idle timeout, and home clears it */
  g_assert_cmpint (_foyer_window_get_idle_remaining_ms (f->window), >, 0);
  activate (f, "win.go-home", NULL);
  g_assert_cmpuint (foyer_search_page_get_n_results (search_page (f)), ==, 0);
}

static void
test_search_check_in (Fixture       *f,
                      gconstpointer  data)
{
  FoyerStore *store;
  g_autoptr(FoyerRegistration) checked = NULL;
  g_autoptr(GError) error = NULL;

  start (f, NULL, NULL);

  import_attendees (f);
  store = foyer_application_get_store (f->app);
  open_search (f);
  foyer_search_page_set_query (search_page (f), "王小明");
  g_assert_cmpuint (foyer_search_page_get_n_results (search_page (f)), ==, 1);

  /* the hit's button: checked in through the flow, as a scan of the badge would */
  activate (f, "win.check-in-badge", g_variant_new_string (foyer_search_page_get_badge (search_page (f), 0)));
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_visible_text (f, is_zh (f) ? "欢迎您，王小明" : "Welcome, 王小明");
  shot (f, "search", "checked-in");
  checked = foyer_store_find_by_badge (store, "expo-2026", "EXPO-0001", &error);
  g_assert_no_error (error);
  g_assert_nonnull (checked);
  g_assert_cmpstr (checked->kind, ==, FOYER_KIND_CHECK_IN);
  g_assert_cmpstr (checked->kiosk_id, ==, "entrance-02");

  /* the same visitor again: the flow says they came before */
  activate (f, "win.go-home", NULL);
  open_search (f);
  foyer_search_page_set_query (search_page (f), "9254");
  activate (f, "win.check-in-badge", g_variant_new_string ("EXPO-0001"));
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_visible_text (f, is_zh (f) ? "欢迎回来" : "Welcome back");

  /* nothing checks in from outside the search page (it is behind the PIN) */
  activate (f, "win.go-home", NULL);
  activate (f, "win.check-in-badge", g_variant_new_string ("EXPO-0002"));
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "scan");
  g_clear_pointer (&checked, foyer_registration_free);
  checked = foyer_store_find_by_badge (store, "expo-2026", "EXPO-0002", &error);
  g_assert_null (checked);
}

/* A booth tablet captures leads: no check-in search there. */
static void
test_search_not_at_booth (Fixture       *f,
                          gconstpointer  data)
{
  start (f, NULL, NULL);
  activate (f, "win.set-mode", g_variant_new_string ("booth"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open-search", NULL);
  foyer_test_ui_spin (30);
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "scan");
}


/* --- entry and exit ---------------------------------------------------------------------- */

static void
scan_text (Fixture    *f,
           const char *text)
{
  activate (f, "win.scan-code", g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, text,
                                                           strlen (text), 1));
}

static void
test_direction_both (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GError) error = NULL;

  start (f, "direction=both\n", NULL);
  import_attendees (f);
  foyer_test_ui_wait_page (f->window, "scan");
  assert_visible_text (f, is_zh (f) ? "入口" : "Entry");
  shot (f, "direction", "entry");

  /* the indicator is the staff's switch, behind the PIN */
  activate (f, "win.toggle-direction", NULL);
  foyer_test_ui_wait_page (f->window, "pin");
  enter_pin (f, PIN);
  foyer_test_ui_wait_page (f->window, "scan");
  assert_visible_text (f, is_zh (f) ? "出口" : "Exit");
  assert_visible_text (f, is_zh (f) ? "离场请扫描胸卡" : "Leaving? Scan your badge");
  /* nobody registers on the way out */
  g_assert_false (has_visible_line (f, is_zh (f) ? "手动登记" : "Register without a code"));
  shot (f, "direction", "exit");

  scan_text (f, "EXPO-0001");
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_visible_text (f, is_zh (f) ? "再见，王小明" : "Goodbye, 王小明");
  shot (f, "direction", "goodbye");
  recent = foyer_store_list_recent_check_ins (foyer_application_get_store (f->app), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recent->len, ==, 1);
  g_assert_cmpstr (((FoyerCheckIn *)g_ptr_array_index (recent, 0))->direction, ==,
                   FOYER_DIRECTION_EXIT);

  /* and back */
  activate (f, "win.go-home", NULL);
  activate (f, "win.toggle-direction", NULL);
  enter_pin (f, PIN);
  foyer_test_ui_wait_page (f->window, "scan");
  g_assert_true (has_visible_line (f, is_zh (f) ? "手动登记" : "Register without a code"));
}

/* From a scan until its answer is painted, a person waits: the background threads (a pull) give
 * way (foyer-thread.h), and the first frame that shows the answer ends it, not the time limit. */
typedef struct {
  FoyerWindow *window;
  gboolean     painted;
  gboolean     active_after_paint;
} AnswerPaint;

static void
answer_after_paint_cb (GdkFrameClock *clock,
                       AnswerPaint   *paint)
{
  if (paint->painted ||
      g_strcmp0 (foyer_window_get_visible_page_name (paint->window), "welcome") != 0)
    return;
  paint->painted = TRUE;
  paint->active_after_paint = foyer_thread_foreground_active ();
}

static gboolean
answer_painted (gpointer user_data)
{
  return ((AnswerPaint *)user_data)->painted;
}

static void
test_visitor_waits (Fixture       *f,
                    gconstpointer  data)
{
  AnswerPaint paint = { 0 };
  GdkFrameClock *clock;
  gulong id;

  start (f, NULL, NULL);
  import_attendees (f);
  foyer_test_ui_wait_page (f->window, "scan");
  foyer_thread_foreground_end ();
  paint.window = f->window;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  g_assert_nonnull (clock);

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->window), "win.scan-code",
                                                     g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                                "EXPO-0001", 9, 1)));
  g_assert_true (foyer_thread_foreground_active ());
  /* connected after the window's own handler, so it runs after it */
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (answer_after_paint_cb), &paint);
  gtk_widget_queue_draw (GTK_WIDGET (f->window));
  g_assert_true (foyer_test_ui_wait_for (answer_painted, &paint, 3000));
  g_signal_handler_disconnect (clock, id);
  g_assert_false (paint.active_after_paint);
  g_assert_false (foyer_thread_foreground_active ());
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "welcome");
}

/* A kiosk set up as an exit says so, and staff cannot switch it. */
static void
test_direction_fixed (Fixture       *f,
                      gconstpointer  data)
{
  start (f, "direction=exit\n", NULL);
  foyer_test_ui_wait_page (f->window, "scan");
  assert_visible_text (f, is_zh (f) ? "出口" : "Exit");
  assert_visible_text (f, is_zh (f) ? "离场请扫描胸卡" : "Leaving? Scan your badge");
  shot (f, "direction", "fixed-exit");
  activate (f, "win.toggle-direction", NULL);
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "scan");
  assert_visible_text (f, is_zh (f) ? "出口" : "Exit");
}

/* --- annul ------------------------------------------------------------------------------- */

static gboolean
has_annulment_queued (FoyerStore *store)
{
  g_autoptr(GPtrArray) entries = foyer_store_outbox_list (store, NULL, 100, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++) {
    if (g_strcmp0 (((FoyerOutboxEntry *)g_ptr_array_index (entries, i))->record_type,
                   "annulment") == 0)
      return TRUE;
  }
  return FALSE;
}

static void
test_annul (Fixture       *f,
            gconstpointer  data)
{
  FoyerAnnulPage *page;
  FoyerStore *store;
  GtkWidget *dialog;
  g_autoptr(GPtrArray) recent = NULL;
  g_autofree char *annulled_id = NULL;
  g_autofree char *dialog_shot = NULL;

  start (f, NULL, NULL);
  import_attendees (f);
  store = foyer_application_get_store (f->app);
  scan_text (f, "EXPO-0001");
  foyer_test_ui_wait_page (f->window, "welcome");
  activate (f, "win.go-home", NULL);
  scan_text (f, "EXPO-0002");
  foyer_test_ui_wait_page (f->window, "welcome");
  activate (f, "win.go-home", NULL);

  activate (f, "win.open-annul", NULL);
  foyer_test_ui_wait_page (f->window, "pin");
  enter_pin (f, PIN);
  foyer_test_ui_wait_page (f->window, "annul");
  page = FOYER_ANNUL_PAGE (foyer_window_get_page (f->window, "annul"));
  g_assert_cmpuint (foyer_annul_page_get_n_rows (page), ==, 2);
  assert_visible_text (f, "Jürgen Müller");
  assert_visible_text (f, "王小明");
  shot (f, "annul", "list");

  /* the newest first; a confirmation before anything happens */
  annulled_id = g_strdup (foyer_annul_page_get_id (page, 0));
  gtk_widget_activate_action (GTK_WIDGET (page), "annul.ask", "s", annulled_id);
  foyer_test_ui_spin (200);
  dialog = foyer_annul_page_get_dialog (page);
  g_assert_nonnull (dialog);
  dialog_shot = foyer_test_ui_screenshot (dialog, is_zh (f) ? "checkin-annul-confirm-zh_CN"
                                                            : "checkin-annul-confirm-en");
  g_assert_false (has_annulment_queued (store));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "annul");
  foyer_test_ui_spin (100);
  g_assert_nonnull (strstr (foyer_annul_page_get_message (page), "Jürgen Müller"));
  assert_visible_text (f, is_zh (f) ? "已撤销" : "Annulled");
  shot (f, "annul", "done");

  recent = foyer_store_list_recent_check_ins (store, NULL);
  g_assert_cmpstr (((FoyerCheckIn *)g_ptr_array_index (recent, 0))->id, ==, annulled_id);
  g_assert_true (((FoyerCheckIn *)g_ptr_array_index (recent, 0))->annulled);
  g_assert_false (((FoyerCheckIn *)g_ptr_array_index (recent, 1))->annulled);
  g_assert_true (has_annulment_queued (store));

  /* the annulled check-in no longer counts: the badge checks in anew */
  activate (f, "win.go-home", NULL);
  scan_text (f, "EXPO-0002");
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_visible_text (f, is_zh (f) ? "欢迎您，Jürgen Müller" : "Welcome, Jürgen Müller");
}

/* --- what the pull brings ---------------------------------------------------------------- */

static void
apply_pull (Fixture    *f,
            const char *feed,
            const char *booth,
            const char *rows_json,
            const char *inside_json)
{
  g_autoptr(JsonNode) rows = json_from_string (rows_json, NULL);
  g_autoptr(JsonNode) inside = inside_json != NULL ? json_from_string (inside_json, NULL) : NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (foyer_store_apply_pull (foyer_application_get_store (f->app), feed, "expo-2026",
                                         booth, json_node_get_array (rows), "cursor-1",
                                         inside != NULL ? json_node_get_object (inside) : NULL,
                                         NULL, &error));
  g_assert_no_error (error);
}

static void
test_inside_now (Fixture       *f,
                 gconstpointer  data)
{
  start (f, NULL, NULL);
  /* before any pull nothing is claimed */
  assert_no_visible_text (f, is_zh (f) ? "场内" : "inside now");
  apply_pull (f, FOYER_PULL_CHECK_INS, NULL, "[]", "{\"event\": 412, \"areas\": {\"A\": 230}}");
  _foyer_window_refresh_status (f->window);
  foyer_test_ui_spin (50);
  assert_visible_text (f, is_zh (f) ? "场内现有 412 人" : "412 people inside now");
  shot (f, "inside", "status-line");
}

static char *
local_time (const char *at)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (at, NULL);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%H:%M");
}

#define GATE_A_ROW \
  "[{\"id\": \"7c0a4a4e-0d2b-4a57-9d53-0d0f2b1c0001\", \"badge_code\": \"EXPO-0001\", " \
  "\"direction\": \"entry\", \"gate\": \"entrance-A\", \"area\": \"A\", " \
  "\"at\": \"2026-12-05T09:12:00.000Z\", \"annulled\": false}]"

static void
test_cross_gate_warn (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *time = local_time ("2026-12-05T09:12:00.000Z");
  g_autofree char *said = NULL;

  start (f, NULL, NULL);
  import_attendees (f);
  apply_pull (f, FOYER_PULL_CHECK_INS, NULL, GATE_A_ROW, NULL);
  scan_text (f, "EXPO-0001");
  foyer_test_ui_wait_page (f->window, "welcome");
  said = is_zh (f) ? g_strdup_printf ("已在 entrance-A 签到（%s）", time)
                   : g_strdup_printf ("Already checked in at entrance-A, %s", time);
  assert_visible_text (f, said);
  assert_visible_text (f, is_zh (f) ? "欢迎回来" : "Welcome back");
  shot (f, "cross-gate", "warn");
}

static void
test_cross_gate_refuse (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *time = local_time ("2026-12-05T09:12:00.000Z");

  start (f, NULL, "[gate]\nreentry=refuse\n");
  import_attendees (f);
  apply_pull (f, FOYER_PULL_CHECK_INS, NULL, GATE_A_ROW, NULL);
  scan_text (f, "EXPO-0001");
  foyer_test_ui_wait_page (f->window, "notice");
  assert_visible_text (f, is_zh (f) ? "您已签到" : "You are already checked in");
  assert_visible_text (f, "entrance-A");
  assert_visible_text (f, time);
  g_assert_false (has_visible_line (f, is_zh (f) ? "手动登记" : "Register without a code"));
  shot (f, "cross-gate", "refuse");
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  start (f, NULL, NULL);
  import_attendees (f);
  apply_pull (f, FOYER_PULL_REGISTRATIONS, NULL,
              "[{\"badge_code\": \"EXPO-0002\", \"status\": \"revoked\", "
              "\"display_name\": \"Jürgen Müller\", \"reason\": \"cancelled by the organiser\"}]",
              NULL);
  scan_text (f, "EXPO-0002");
  foyer_test_ui_wait_page (f->window, "notice");
  assert_visible_text (f, is_zh (f) ? "此胸卡已被取消" : "This badge has been cancelled");
  /* the reason, for staff */
  assert_visible_text (f, "cancelled by the organiser");
  g_assert_false (has_visible_line (f, is_zh (f) ? "手动登记" : "Register without a code"));
  shot (f, "revoked", "notice");
  g_assert_null (foyer_store_find_by_badge (foyer_application_get_store (f->app), "expo-2026",
                                            "EXPO-0002", NULL));
}

/* --- the booth team ---------------------------------------------------------------------- */

static void
test_team_leads (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = g_date_time_format_iso8601 (now);
  g_autofree char *rows = g_strdup_printf (
    "[{\"badge_code\": \"EXPO-0003\", \"visitor\": {\"badge_code\": \"EXPO-0003\", "
    "\"display_name\": \"Anna Müller\", \"company\": \"Bäckerei Straße\"}, \"rating\": \"hot\", "
    "\"follow_up\": true, \"notes\": [{\"author\": \"booth-tablet-2\", \"at\": \"%s\", "
    "\"text\": \"wants a demo on Tuesday\"}], \"updated_at\": \"%s\"}]", at, at);

  start (f, "mode=booth\nbooth=Hall 2 B-17\n", NULL);
  apply_pull (f, FOYER_PULL_LEADS, "Hall 2 B-17", rows, NULL);
  activate (f, "win.show-leads", NULL);
  foyer_test_ui_wait_page (f->window, "leads");
  assert_visible_text (f, "Anna Müller");
  assert_visible_text (f, is_zh (f) ? "由 booth-tablet-2 采集" : "Captured by booth-tablet-2");
  assert_visible_text (f, "wants a demo on Tuesday");
  shot (f, "team-leads", "list");
}

int
main (int argc, char **argv)
{
  static const char *languages[] = { "en", "zh_CN" };
  static const struct {
    const char *name;
    void      (*func) (Fixture *, gconstpointer);
  } cases[] = {
    { "search-pin", test_search_pin },
    { "search-limits", test_search_limits },
    { "search-check-in", test_search_check_in },
    { "search-not-at-booth", test_search_not_at_booth },
    { "direction-both", test_direction_both },
    { "direction-fixed", test_direction_fixed },
    { "annul", test_annul },
    { "inside-now", test_inside_now },
    { "cross-gate-warn", test_cross_gate_warn },
    { "cross-gate-refuse", test_cross_gate_refuse },
    { "revoked", test_revoked },
    { "team-leads", test_team_leads },
    { "visitor-waits", test_visitor_waits },
  };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  foyer_test_ui_init ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    for (guint l = 0; l < G_N_ELEMENTS (languages); l++) {
      g_autofree char *path = g_strdup_printf ("/ui-checkin/%s/%s", cases[i].name, languages[l]);

      g_test_add (path, Fixture, languages[l], fixture_set_up, cases[i].func, fixture_tear_down);
    }
  }
  return g_test_run ();
}
