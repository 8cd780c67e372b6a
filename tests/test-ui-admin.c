/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ui-admin.c: the staff side of the kiosk under a real X server: the PIN pad (right PIN,
 * wrong PIN, lockout with an injected clock) and the admin page. */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <sqlite3.h>

#include "foyer-application.h"
#include "foyer-admin-page.h"
#include "foyer-pin-page.h"
#include "foyer-test-util.h"
#include "foyer-test-util-ui.h"
#include "foyer-test-receiver.h"
#include "foyer-window-staff.h"
#include "foyer-admin-test-util.h"

#define TEST_ITER 1000

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
  foyer_admin_test_present (window);
  foyer_pin_page_reset (page, _("Open Admin"));
  foyer_admin_test_spin (300);
  g_free (foyer_admin_test_screenshot (GTK_WIDGET (page), "admin-pin-pad"));

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
  foyer_admin_test_spin (100);
  g_free (foyer_admin_test_screenshot (GTK_WIDGET (page), "admin-pin-wrong"));

  /* Four more wrong PINs lock the pad; then even the right PIN is refused. */
  for (int i = 0; i < 4; i++) {
    foyer_pin_page_type (page, "0000");
    foyer_pin_page_submit (page);
  }
  g_assert_nonnull (strstr (foyer_pin_page_get_message (page), "Try again in 60 seconds"));
  foyer_pin_page_type (page, "2468");
  foyer_pin_page_submit (page);
  g_assert_cmpint (unlocked, ==, 1);
  foyer_admin_test_spin (100);
  g_free (foyer_admin_test_screenshot (GTK_WIDGET (page), "admin-pin-locked"));

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
  foyer_admin_test_spin (50);
}

static FoyerRegistration *
visitor (const char *name,
         const char *category,
         const char *badge)
{
  FoyerRegistration *reg = foyer_registration_new ();

  reg->event = g_strdup ("expo-test");
  reg->kiosk_id = g_strdup ("entrance-01");
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->category = g_strdup (category);
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  reg->full_name = g_strdup (name);
  reg->badge_code = g_strdup (badge);
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup ("1");
  return reg;
}

static gpointer
add_one_registration (gpointer data)
{
  g_autoptr(FoyerRegistration) reg = visitor ("Maria Rossi", FOYER_CATEGORY_TRADE_VISITOR,
                                              "EXPO-0099");
  g_autoptr(GError) error = NULL;
  gboolean ok = foyer_store_add_registration (data, reg, NULL, &error);

  g_assert_no_error (error);
  return GINT_TO_POINTER (ok);
}

static void
count_signal_cb (gpointer  instance,
                 int      *count)
{
  (*count)++;
}

static gboolean
export_reported (gpointer page)
{
  return strstr (foyer_admin_page_get_status (page), "Exporting") == NULL;
}

static void
test_admin_page (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("admin");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data ("[kiosk]\nid=entrance-01\n"
                                                               "event=expo-test\n", "t", &error);
  g_autoptr(FoyerStore) store = foyer_store_open (db, &error);
  g_autoptr(JsonArray) taken = NULL;
  const char *names[] = { "张伟", "Maria Rossi", "李娜", "John Smith", "王芳" };
  const char *cats[] = { FOYER_CATEGORY_TRADE_VISITOR, FOYER_CATEGORY_TRADE_VISITOR,
                         FOYER_CATEGORY_MEDIA, FOYER_CATEGORY_VIP, FOYER_CATEGORY_PUBLIC };
  g_autofree char *dead_a = NULL;
  g_autofree char *dead_b = NULL;
  FoyerOutboxCounts counts;
  GtkWidget *window = gtk_window_new ();
  FoyerAdminPage *page = FOYER_ADMIN_PAGE (foyer_admin_page_new ());
  int sync_now = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autofree char *badge = g_strdup_printf ("EXPO-%04u", i + 1);
    g_autoptr(FoyerRegistration) reg = visitor (names[i], cats[i], badge);
    g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
    g_assert_no_error (error);
  }

  /* Head office refuses two records, with reasons. */
  taken = foyer_store_outbox_take (store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (taken), ==, 2);
  dead_a = g_strdup (json_object_get_string_member (json_array_get_object_element (taken, 0), "id"));
  dead_b = g_strdup (json_object_get_string_member (json_array_get_object_element (taken, 1), "id"));
  g_assert_true (foyer_store_outbox_mark_dead (store, dead_a, "422: phone is not a valid number",
                                               &error));
  g_assert_true (foyer_store_outbox_mark_dead (store, dead_b, "422: unknown event “expo-test”",
                                               &error));
  g_assert_no_error (error);

  foyer_admin_page_set_store (page, store);
  foyer_admin_page_set_config (page, config);
  foyer_admin_page_set_pin_set (page, FALSE);
  foyer_admin_page_set_fullscreen (page, FALSE);
  g_signal_connect (page, "sync-now", G_CALLBACK (count_signal_cb), &sync_now);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 1400);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  foyer_admin_test_present (window);
  foyer_admin_page_refresh (page);
  foyer_admin_test_spin (300);
  g_free (foyer_admin_test_screenshot (window, "admin-page-en"));
  {
    GtkScrolledWindow *sw = GTK_SCROLLED_WINDOW (foyer_admin_test_find_type (GTK_WIDGET (page),
                                                                             GTK_TYPE_SCROLLED_WINDOW));
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (sw);
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    foyer_admin_test_spin (200);
    g_free (foyer_admin_test_screenshot (window, "admin-page-bottom-en"));
    gtk_adjustment_set_value (adj, 0);
  }

  g_assert_cmpuint (foyer_admin_page_get_n_dead_shown (page), ==, 2);

  /* Requeue one: it leaves the dead letters and waits to be sent again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "admin.requeue", "s", dead_a));
  g_assert_cmpuint (foyer_admin_page_get_n_dead_shown (page), ==, 1);
  g_assert_nonnull (strstr (foyer_admin_page_get_status (page), "1 record"));
  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_cmpint (counts.dead, ==, 1);
  g_assert_cmpint (counts.pending, ==, 4);
  g_assert_cmpint (sync_now, ==, 1);

  /* Requeue all. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "admin.requeue", "s", ""));
  g_assert_cmpuint (foyer_admin_page_get_n_dead_shown (page), ==, 0);
  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_cmpint (counts.dead, ==, 0);
  g_assert_cmpint (counts.pending, ==, 5);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "admin.sync-now", NULL));
  g_assert_cmpint (sync_now, ==, 3);

  /* Export to a folder (what a USB stick's row does): a 0600 CSV with every visitor. */
  {
    g_autofree char *usb = foyer_test_make_tmpdir ("usb");
    g_autofree char *csv = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GFile) folder = g_file_new_for_path (usb);
    GStatBuf st;

    /* The export runs in a worker: the page says so at once, and the result when done. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "admin.export-to", "s", usb));
    g_assert_nonnull (strstr (foyer_admin_page_get_status (page), "Exporting"));
    g_assert_true (foyer_admin_test_wait (export_reported, page, 60 * 1000));
    g_assert_nonnull (strstr (foyer_admin_page_get_status (page), "Exported 5 records"));
    g_assert_true (foyer_admin_test_export (page, folder, &path, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (path, usb));
    g_assert_true (g_file_get_contents (path, &csv, NULL, &error));
    g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
    g_assert_nonnull (strstr (csv, "张伟"));
    g_assert_nonnull (strstr (csv, "EXPO-0005"));
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    foyer_admin_test_spin (100);
    g_free (foyer_admin_test_screenshot (window, "admin-page-exported-en"));

    /* A folder that cannot be written says so on the page. */
    g_object_unref (folder);
    folder = g_file_new_for_path ("/proc/foyer-no-such-folder");
    g_assert_false (foyer_admin_test_export (page, folder, NULL, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_nonnull (strstr (foyer_admin_page_get_status (page), "Export failed"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  foyer_admin_test_spin (50);
}

static gboolean
overdue_shown (gpointer page)
{
  return foyer_admin_page_get_overdue_text (page) != NULL;
}

/* Records older than [storage] retain-days that head office has not received: the page counts
 * them when shown and again when a record is added (from any thread), in both languages. */
static void
test_admin_page_overdue (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("admin-overdue");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data ("[kiosk]\nid=entrance-01\n"
                                                               "event=expo-test\n"
                                                               "[storage]\nretain-days=30\n",
                                                               "t", &error);
  g_autoptr(FoyerStore) store = foyer_store_open (db, &error);
  GtkWidget *window = gtk_window_new ();
  FoyerAdminPage *page = FOYER_ADMIN_PAGE (foyer_admin_page_new ());
  sqlite3 *other = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++) {
    g_autofree char *badge = g_strdup_printf ("EXPO-%04u", i + 1);
    g_autoptr(FoyerRegistration) reg = visitor ("张伟", FOYER_CATEGORY_TRADE_VISITOR, badge);
    g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
    g_assert_no_error (error);
  }

  foyer_admin_page_set_store (page, store);
  foyer_admin_page_set_config (page, config);
  foyer_admin_page_set_pin_set (page, TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 1000);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  foyer_admin_test_present (window);
  foyer_admin_page_refresh (page);
  foyer_admin_test_spin (100);
  /* Nothing is old yet: no line at all. */
  g_assert_null (foyer_admin_page_get_overdue_text (page));

  /* Two of them were written 40 days ago and never sent (another connection, as after a long
   * outage). */
  g_assert_cmpint (sqlite3_open (db, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "UPDATE outbox SET created_at = "
                                 "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-40 days') WHERE rowid IN "
                                 "(SELECT rowid FROM outbox ORDER BY rowid LIMIT 2);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  g_assert_null (foyer_admin_page_get_overdue_text (page));   /* no polling */

  /* A new registration (written here on a worker thread) makes the page look again. */
  {
    g_autoptr(GThread) thread = g_thread_new ("writer", add_one_registration, store);
    g_assert_true (g_thread_join (g_steal_pointer (&thread)) != NULL);
  }
  g_assert_true (foyer_admin_test_wait (overdue_shown, page, 5000));
  g_assert_cmpstr (foyer_admin_page_get_overdue_text (page), ==,
                   "2 records past retention not yet delivered");
  g_free (foyer_admin_test_screenshot (window, "admin-page-overdue-en"));

  /* One is delivered; showing the page again counts again, here in Chinese. */
  {
    g_autoptr(JsonArray) taken = foyer_store_outbox_take (store, 1, &error);
    const char *ids[] = { NULL, NULL };

    g_assert_no_error (error);
    ids[0] = json_object_get_string_member (json_array_get_object_element (taken, 0), "id");
    g_assert_true (foyer_store_outbox_mark_done (store, ids, &error));
    g_assert_no_error (error);
  }
  foyer_admin_test_use_language ("zh_CN");
  gtk_widget_set_visible (GTK_WIDGET (page), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (page), TRUE);
  foyer_admin_test_spin (100);
  g_assert_cmpstr (foyer_admin_page_get_overdue_text (page), ==, "1 条记录已超过保留期限但尚未送达");
  g_free (foyer_admin_test_screenshot (window, "admin-page-overdue-zh_CN"));

  /* Retention off: the line goes. */
  foyer_admin_test_use_language ("en");
  foyer_config_set_string (config, "storage", "retain-days", "0");
  foyer_admin_page_refresh (page);
  g_assert_null (foyer_admin_page_get_overdue_text (page));

  gtk_window_destroy (GTK_WINDOW (window));
  foyer_admin_test_spin (50);
}

/* Lets the page transition finish before the picture is taken. */
static void
window_shot (FoyerWindow *window,
             const char  *name)
{
  foyer_test_ui_spin (400);
  g_free (foyer_test_ui_screenshot (GTK_WIDGET (window), name));
}

/* --- the whole window: kiosk lock, PIN before Admin, lockout, no PIN --- */

static FoyerConfig *
window_config (const char *extra)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("kiosk");
  g_autofree char *text = g_strdup_printf ("[kiosk]\nid=entrance-01\nevent=expo-test\n"
                                           "language=en\n%s\n[storage]\ndatabase=%s/foyer.db\n",
                                           extra, dir);
  g_autoptr(GError) error = NULL;
  FoyerConfig *config = foyer_config_load_from_data (text, "kiosk.conf", &error);

  g_assert_no_error (error);
  return config;
}

static void
test_window_kiosk_pin (void)
{
  g_autofree char *hash = foyer_pin_hash ("2468", TEST_ITER, NULL);
  g_autofree char *extra = g_strdup_printf ("fullscreen=true\nadmin-pin-hash=%s", hash);
  g_autoptr(FoyerConfig) config = window_config (extra);
  g_autoptr(FoyerApplication) app = foyer_admin_test_new_app ();
  FoyerWindow *window = foyer_test_ui_start (app, config);
  FoyerPinGuard *guard = foyer_window_get_pin_guard (window);
  FakeClock clock = { (gint64)9000 * G_USEC_PER_SEC };
  FoyerPinPage *pin;

  foyer_pin_guard_set_clock (guard, fake_clock, &clock);
  g_assert_true (foyer_window_get_kiosk_locked (window));

  /* Closing the window is leaving the kiosk: it asks for the PIN instead. */
  gtk_window_close (GTK_WINDOW (window));
  foyer_test_ui_spin (50);
  g_assert_nonnull (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_cmpstr (foyer_window_get_visible_page_name (window), ==, "pin");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.go-home", NULL);

  /* Admin asks for the PIN; a wrong one keeps it shut. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (window, "pin");
  pin = FOYER_PIN_PAGE (foyer_window_get_page (window, "pin"));
  window_shot (window, "admin-window-pin-en");
  foyer_pin_page_type (pin, "1357");
  foyer_pin_page_submit (pin);
  g_assert_cmpstr (foyer_window_get_visible_page_name (window), ==, "pin");
  g_assert_nonnull (strstr (foyer_pin_page_get_message (pin), "Wrong PIN"));

  /* The right one opens Admin. */
  foyer_pin_page_type (pin, "2468");
  foyer_pin_page_submit (pin);
  foyer_test_ui_wait_page (window, "admin");
  window_shot (window, "admin-window-admin-en");

  /* Home locks again; five wrong PINs lock the pad for a minute, across prompts. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.go-home", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-admin", NULL);
  pin = FOYER_PIN_PAGE (foyer_window_get_page (window, "pin"));
  for (int i = 0; i < 5; i++) {
    foyer_pin_page_type (pin, "0000");
    foyer_pin_page_submit (pin);
  }
  g_assert_nonnull (strstr (foyer_pin_page_get_message (pin), "Try again in 60 seconds"));
  gtk_widget_activate_action (GTK_WIDGET (window), "pin.cancel", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-admin", NULL);
  pin = FOYER_PIN_PAGE (foyer_window_get_page (window, "pin"));
  foyer_pin_page_type (pin, "2468");
  foyer_pin_page_submit (pin);
  g_assert_cmpstr (foyer_window_get_visible_page_name (window), ==, "pin");
  foyer_test_ui_spin (100);
  window_shot (window, "admin-window-locked-en");

  clock.now += 61 * G_USEC_PER_SEC;
  foyer_pin_page_type (pin, "2468");
  foyer_pin_page_submit (pin);
  foyer_test_ui_wait_page (window, "admin");

  /* Chinese: the pages are rebuilt, the lockout count is the window's and survives. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.set-language", "s", "zh_CN");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (window, "pin");
  pin = FOYER_PIN_PAGE (foyer_window_get_page (window, "pin"));
  foyer_pin_page_type (pin, "1111");
  foyer_pin_page_submit (pin);
  g_assert_nonnull (strstr (foyer_pin_page_get_message (pin), "密码错误"));
  window_shot (window, "admin-window-pin-zh_CN");
  foyer_pin_page_type (pin, "2468");
  foyer_pin_page_submit (pin);
  foyer_test_ui_wait_page (window, "admin");
  window_shot (window, "admin-window-admin-kiosk-zh_CN");

  /* Leaving fullscreen from Admin needs no second PIN and brings the controls back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.leave-fullscreen", NULL);
  g_assert_false (foyer_window_get_kiosk_locked (window));

  foyer_test_ui_stop (app);
}

static void
test_window_no_pin (void)
{
  g_autoptr(FoyerConfig) config = window_config ("");
  g_autoptr(FoyerApplication) app = foyer_admin_test_new_app ();
  FoyerWindow *window = foyer_test_ui_start (app, config);

  /* Not a kiosk and no PIN: Admin opens, with the banner saying how to set one. */
  g_assert_false (foyer_window_get_kiosk_locked (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (window, "admin");
  {
    g_autofree char *text = foyer_test_ui_visible_text (foyer_window_get_page (window, "admin"));
    g_assert_nonnull (strstr (text, "foyerctl set-pin"));
  }

  /* Switching to booth mode at runtime: badges now open lead cards, no registration form. */
  {
    GtkWidget *admin = foyer_window_get_page (window, "admin");
    AdwComboRow *mode = ADW_COMBO_ROW (foyer_admin_test_find_type (admin, ADW_TYPE_COMBO_ROW));
    FoyerConfig *config_now = foyer_window_get_config (window);

    adw_combo_row_set_selected (mode, 1);
    g_assert_cmpstr (foyer_config_get_string (config_now, "kiosk", "mode"), ==, "booth");
    gtk_widget_activate_action (GTK_WIDGET (window), "win.register-manually", NULL);
    foyer_test_ui_spin (50);
    g_assert_cmpstr (foyer_window_get_visible_page_name (window), ==, "admin");
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-leads", NULL);
    foyer_test_ui_wait_page (window, "leads");
    adw_combo_row_set_selected (mode, 0);
    g_assert_cmpstr (foyer_config_get_string (config_now, "kiosk", "mode"), ==, "entry");
    gtk_widget_activate_action (GTK_WIDGET (window), "win.register-manually", NULL);
    foyer_test_ui_wait_page (window, "form");
  }
  foyer_test_ui_stop (app);
}

static void
test_window_kiosk_without_pin (void)
{
  g_autoptr(FoyerConfig) config = window_config ("fullscreen=true");
  g_autoptr(FoyerApplication) app = foyer_admin_test_new_app ();
  FoyerWindow *window = foyer_test_ui_start (app, config);
  FoyerPinPage *pin;

  /* A locked kiosk without a PIN keeps Admin shut and says why. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (window, "pin");
  pin = FOYER_PIN_PAGE (foyer_window_get_page (window, "pin"));
  g_assert_nonnull (strstr (foyer_pin_page_get_message (pin), "foyerctl set-pin"));
  foyer_pin_page_type (pin, "0000");
  foyer_pin_page_submit (pin);
  g_assert_cmpstr (foyer_window_get_visible_page_name (window), ==, "pin");
  foyer_test_ui_stop (app);
}

/* --- Admin with a real head office: refused records, their reason, requeue --- */

typedef struct {
  FoyerStore *store;
  gint64      dead;
  gint64      done;
} OutboxWait;

static gboolean
outbox_is (gpointer data)
{
  OutboxWait *wait = data;
  FoyerOutboxCounts counts = { 0 };

  return foyer_store_outbox_counts (wait->store, &counts, NULL) &&
         counts.dead == wait->dead && counts.done == wait->done;
}

static void
test_window_sync_dead_letters (void)
{
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (NULL);
  g_autofree char *dir = foyer_test_make_tmpdir ("admin-sync");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autofree char *text = NULL;
  g_autofree char *refused_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerApplication) app = foyer_admin_test_new_app ();
  FoyerWindow *window;
  FoyerAdminPage *page;
  OutboxWait wait = { NULL, 1, 1 };

  /* Two visitors registered before the kiosk starts; head office will refuse the first. */
  {
    g_autoptr(FoyerStore) store = foyer_store_open (db, &error);
    g_autoptr(FoyerRegistration) a = visitor ("张伟", FOYER_CATEGORY_TRADE_VISITOR, "EXPO-0001");
    g_autoptr(FoyerRegistration) b = visitor ("Maria Rossi", FOYER_CATEGORY_MEDIA, "EXPO-0002");

    g_assert_no_error (error);
    g_assert_true (foyer_store_add_registration (store, a, NULL, &error));
    g_assert_true (foyer_store_add_registration (store, b, NULL, &error));
    g_assert_no_error (error);
    refused_id = g_strdup (a->id);
  }
  foyer_test_receiver_control (receiver, "{\"mode\": \"reject\", \"how\": \"record\", "
                                         "\"ids\": [\"%s\"]}", refused_id);

  text = g_strdup_printf ("[kiosk]\nid=entrance-01\nevent=expo-test\nlanguage=en\n"
                          "[storage]\ndatabase=%s\n[camera]\nsource=none\n"
                          "[sync]\nbackend=http-json\nurl=%s\n",
                          db, foyer_test_receiver_url (receiver));
  config = foyer_config_load_from_data (text, "sync.conf", &error);
  g_assert_no_error (error);
  window = foyer_test_ui_start (app, config);
  wait.store = foyer_window_get_store (window);
  g_assert_true (foyer_admin_test_wait (outbox_is, &wait, 30000));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (window, "admin");
  page = FOYER_ADMIN_PAGE (foyer_window_get_page (window, "admin"));
  g_assert_cmpuint (foyer_admin_page_get_n_dead_shown (page), ==, 1);
  {
    g_autofree char *shown = foyer_test_ui_visible_text (GTK_WIDGET (page));
    g_assert_nonnull (strstr (shown, "record refused by test receiver"));
    g_assert_nonnull (strstr (shown, "Online"));
  }
  window_shot (window, "admin-window-dead-letters-en");

  /* Head office fixed it: requeue, and the record goes out. */
  foyer_test_receiver_control (receiver, "{\"mode\": \"ok\"}");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "admin.requeue", "s", refused_id));
  wait.dead = 0;
  wait.done = 2;
  g_assert_true (foyer_admin_test_wait (outbox_is, &wait, 30000));
  g_assert_cmpint (foyer_test_receiver_stat (receiver, "stored"), ==, 2);
  foyer_admin_page_refresh (page);
  g_assert_cmpuint (foyer_admin_page_get_n_dead_shown (page), ==, 0);

  foyer_test_ui_stop (app);
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
  g_test_add_func ("/ui-admin/pin-pad", test_pin_pad);
  g_test_add_func ("/ui-admin/admin-page", test_admin_page);
  g_test_add_func ("/ui-admin/admin-page-overdue", test_admin_page_overdue);
  g_test_add_func ("/ui-admin/window-kiosk-pin", test_window_kiosk_pin);
  g_test_add_func ("/ui-admin/window-no-pin", test_window_no_pin);
  g_test_add_func ("/ui-admin/window-kiosk-without-pin", test_window_kiosk_without_pin);
  g_test_add_func ("/ui-admin/window-sync-dead-letters", test_window_sync_dead_letters);
  return g_test_run ();
}
