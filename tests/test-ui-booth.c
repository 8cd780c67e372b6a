/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ui-booth.c: booth mode under a real X server with a real store: scan a badge, rate the
 * visitor, answer the qualifying questions, save; edit the lead; search the list; counts per
 * rating. Screenshots of every page in both languages go to the test log dir. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-core.h"
#include "foyer-admin-page.h"
#include "foyer-lead-page.h"
#include "foyer-leads-page.h"
#include "foyer-admin-test-util.h"
#include "foyer-test-util.h"
#include "foyer-pin-page.h"
#include "foyer-test-util-ui.h"
#include "foyer-application.h"
#include "foyer-window.h"

static const char *config_text =
  "[kiosk]\n"
  "id=booth-tablet-1\n"
  "event=expo-test\n"
  "mode=booth\n"
  "language=en\n"
  "booth=Hall 2 B-17\n"
  "staff-id=li.na\n"
  "questions=budget;products;timeframe\n"
  "\n"
  "[question:budget]\n"
  "label=Budget for this year\n"
  "label[zh_CN]=今年预算\n"
  "type=single\n"
  "options=< 100k;100k–1M;> 1M\n"
  "\n"
  "[question:products]\n"
  "label=Products of interest\n"
  "label[zh_CN]=感兴趣的产品\n"
  "type=multiple\n"
  "options=Sensors;Controllers;Software\n"
  "options[zh_CN]=传感器;控制器;软件\n"
  "\n"
  "[question:timeframe]\n"
  "label=When do they plan to buy?\n"
  "label[zh_CN]=计划采购时间\n"
  "type=text\n";

typedef struct {
  char        *dir;
  FoyerConfig *config;
  FoyerStore  *store;
  GtkWidget   *window;
  char        *known_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();

  f->dir = foyer_test_make_tmpdir ("booth");
  f->config = foyer_config_load_from_data (config_text, "booth.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (foyer_config_get_warnings (f->config)->len, ==, 0);
  db = g_build_filename (f->dir, "foyer.db", NULL);
  f->store = foyer_store_open (db, &error);
  g_assert_no_error (error);

  /* A visitor who registered at the entrance this morning. */
  reg->event = g_strdup ("expo-test");
  reg->kiosk_id = g_strdup ("entrance-01");
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  reg->full_name = g_strdup ("张伟");
  reg->organization = g_strdup ("深圳智能传感有限公司");
  reg->title = g_strdup ("采购经理");
  reg->badge_code = g_strdup ("EXPO-0001");
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup ("1");
  g_assert_true (foyer_store_add_registration (f->store, reg, NULL, &error));
  g_assert_no_error (error);
  f->known_id = g_strdup (reg->id);

  foyer_admin_test_use_language ("en");
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1024, 900);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  foyer_admin_test_spin (50);
  g_clear_object (&f->store);
  g_clear_object (&f->config);
  g_free (f->known_id);
  g_free (f->dir);
}

static FoyerLeadPage *
show_lead_page (Fixture *f)
{
  FoyerLeadPage *page = FOYER_LEAD_PAGE (foyer_lead_page_new ());

  foyer_lead_page_set_store (page, f->store);
  foyer_lead_page_set_config (page, f->config);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (page));
  foyer_admin_test_present (f->window);
  foyer_admin_test_spin (200);
  return page;
}

static GtkWidget *
named (gpointer    root,
       const char *name)
{
  GtkWidget *w = foyer_admin_test_find_named (GTK_WIDGET (root), name);

  g_assert_nonnull (w);
  return w;
}

static void
saved_cb (FoyerLeadPage *page,
          const char    *id,
          char         **out)
{
  g_free (*out);
  *out = g_strdup (id);
}

static void
assert_answers (const char *json,
                const char *budget,
                const char *products,   /* comma separated */
                const char *timeframe)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  if (budget != NULL)
    g_assert_cmpstr (json_object_get_string_member (o, "budget"), ==, budget);
  else
    g_assert_false (json_object_has_member (o, "budget"));
  if (products != NULL) {
    JsonArray *a = json_object_get_array_member (o, "products");
    g_autoptr(GString) s = g_string_new (NULL);
    for (guint i = 0; i < json_array_get_length (a); i++)
      g_string_append_printf (s, "%s%s", i ? "," : "", json_array_get_string_element (a, i));
    g_assert_cmpstr (s->str, ==, products);
  } else {
    g_assert_false (json_object_has_member (o, "products"));
  }
  if (timeframe != NULL)
    g_assert_cmpstr (json_object_get_string_member (o, "timeframe"), ==, timeframe);
  else
    g_assert_false (json_object_has_member (o, "timeframe"));
}

static void
test_capture_known_visitor (Fixture       *f,
                            gconstpointer  data)
{
  FoyerLeadPage *page = show_lead_page (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerLead) lead = NULL;
  g_autofree char *saved_id = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static ("EXPO-0001", 9);
  GtkTextBuffer *notes;

  g_signal_connect (page, "saved", G_CALLBACK (saved_cb), &saved_id);

  g_assert_true (foyer_lead_page_open_badge (page, "EXPO-0001", raw, &error));
  g_assert_no_error (error);
  g_assert_null (foyer_lead_page_get_lead_id (page));
  foyer_admin_test_spin (100);
  g_free (foyer_admin_test_screenshot (f->window, "booth-lead-new-en"));

  /* Without a rating nothing is saved. */
  g_assert_false (foyer_lead_page_save (page, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID);
  g_clear_error (&error);

  gtk_widget_activate_action (GTK_WIDGET (page), "lead.rate", "s", "hot");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (page, "question-budget-1")), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (page, "question-products-0")), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (page, "question-products-2")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (named (page, "question-timeframe")), "Q1 2027");
  notes = gtk_text_view_get_buffer (GTK_TEXT_VIEW (foyer_admin_test_find_type (GTK_WIDGET (page),
                                                                                GTK_TYPE_TEXT_VIEW)));
  gtk_text_buffer_set_text (notes, "Wants a demo of the pressure sensors", -1);
  gtk_switch_set_active (GTK_SWITCH (foyer_admin_test_find_type (GTK_WIDGET (page),
                                                                 GTK_TYPE_SWITCH)), TRUE);
  foyer_admin_test_spin (100);
  g_free (foyer_admin_test_screenshot (f->window, "booth-lead-filled-en"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "lead.save", NULL));
  g_assert_nonnull (saved_id);

  lead = foyer_store_get_lead (f->store, saved_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lead->registration_id, ==, f->known_id);
  g_assert_cmpstr (lead->rating, ==, FOYER_RATING_HOT);
  g_assert_cmpstr (lead->event, ==, "expo-test");
  g_assert_cmpstr (lead->kiosk_id, ==, "booth-tablet-1");
  g_assert_cmpstr (lead->booth, ==, "Hall 2 B-17");
  g_assert_cmpstr (lead->staff_id, ==, "li.na");
  g_assert_cmpstr (lead->notes, ==, "Wants a demo of the pressure sensors");
  g_assert_true (lead->follow_up);
  assert_answers (lead->answers_json, "100k–1M", "Sensors,Software", "Q1 2027");

  /* The lead is queued for head office like any record. */
  {
    g_autoptr(GPtrArray) pending = foyer_store_outbox_list (f->store, FOYER_OUTBOX_PENDING, 100,
                                                            &error);
    gboolean found = FALSE;
    for (guint i = 0; i < pending->len; i++)
      found |= g_strcmp0 (((FoyerOutboxEntry *)g_ptr_array_index (pending, i))->record_id,
                          saved_id) == 0;
    g_assert_true (found);
  }

  /* Scanning the same visitor again opens the same lead for editing. */
  foyer_lead_page_clear (page);
  g_assert_true (foyer_lead_page_open_badge (page, "EXPO-0001", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (foyer_lead_page_get_lead_id (page), ==, saved_id);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (named (page, "question-budget-1"))));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (named (page, "question-products-2"))));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (named (page, "question-products-1"))));

  gtk_widget_activate_action (GTK_WIDGET (page), "lead.rate", "s", "warm");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (page, "question-budget-2")), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (page, "question-products-0")), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (named (page, "question-timeframe")), "");
  foyer_admin_test_spin (100);
  g_free (foyer_admin_test_screenshot (f->window, "booth-lead-edit-en"));
  g_assert_true (foyer_lead_page_save (page, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (foyer_lead_page_get_lead_id (page), ==, saved_id);

  g_clear_pointer (&lead, foyer_lead_free);
  lead = foyer_store_get_lead (f->store, saved_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lead->rating, ==, FOYER_RATING_WARM);
  assert_answers (lead->answers_json, "> 1M", "Software", NULL);

  /* Cancel forgets everything on screen. */
  gtk_widget_activate_action (GTK_WIDGET (page), "lead.cancel", NULL);
  g_assert_null (foyer_lead_page_get_lead_id (page));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (named (page, "question-budget-2"))));
}

static void
test_capture_unknown_visitor (Fixture       *f,
                              gconstpointer  data)
{
  FoyerLeadPage *page = show_lead_page (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerLead) lead = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autofree char *answers = NULL;

  g_assert_true (foyer_lead_page_open_badge (page, "EXPO-0999", NULL, &error));
  g_assert_no_error (error);
  gtk_editable_set_text (GTK_EDITABLE (named (page, "visitor-name")), "Maria Rossi");
  gtk_editable_set_text (GTK_EDITABLE (named (page, "visitor-organization")), "Rossi Automazione");
  gtk_widget_activate_action (GTK_WIDGET (page), "lead.rate", "s", "cold");
  answers = foyer_lead_page_dup_answers_json (page);
  g_assert_cmpstr (answers, ==, "{}");
  foyer_admin_test_spin (100);
  g_free (foyer_admin_test_screenshot (f->window, "booth-lead-unknown-en"));
  g_assert_true (foyer_lead_page_save (page, &error));
  g_assert_no_error (error);

  lead = foyer_store_get_lead (f->store, foyer_lead_page_get_lead_id (page), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lead->rating, ==, FOYER_RATING_COLD);

  /* The visitor first seen here is now a registration of kind lead with the badge code. */
  reg = foyer_store_find_by_badge (f->store, "expo-test", "EXPO-0999", &error);
  g_assert_no_error (error);
  g_assert_nonnull (reg);
  g_assert_cmpstr (reg->kind, ==, FOYER_KIND_LEAD);
  g_assert_cmpstr (reg->full_name, ==, "Maria Rossi");
  g_assert_cmpstr (reg->organization, ==, "Rossi Automazione");
  g_assert_cmpstr (lead->registration_id, ==, reg->id);
}

static void
lead_activated_cb (FoyerLeadsPage *page,
                   const char     *id,
                   char          **out)
{
  g_free (*out);
  *out = g_strdup (id);
}

static void
save_lead (Fixture    *f,
           const char *badge,
           const char *rating,
           const char *notes)
{
  FoyerLeadPage *page = FOYER_LEAD_PAGE (foyer_lead_page_new ());
  g_autoptr(GError) error = NULL;

  g_object_ref_sink (page);
  foyer_lead_page_set_store (page, f->store);
  foyer_lead_page_set_config (page, f->config);
  g_assert_true (foyer_lead_page_open_badge (page, badge, NULL, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (page), "lead.rate", "s", rating);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (foyer_admin_test_find_type (GTK_WIDGET (page), GTK_TYPE_TEXT_VIEW))),
                            notes != NULL ? notes : "", -1);
  g_assert_true (foyer_lead_page_save (page, &error));
  g_assert_no_error (error);
  g_object_unref (page);
}

static gboolean
one_shown (gpointer data)
{
  return foyer_leads_page_get_n_shown (data) == 1;
}

static void
test_leads_list (Fixture       *f,
                 gconstpointer  data)
{
  FoyerLeadsPage *list = FOYER_LEADS_PAGE (foyer_leads_page_new ());
  g_autofree char *activated = NULL;
  GtkWidget *row;

  foyer_leads_page_set_store (list, f->store);
  foyer_leads_page_set_config (list, f->config);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (list));
  foyer_admin_test_present (f->window);
  foyer_leads_page_refresh (list);
  foyer_admin_test_spin (200);
  g_assert_cmpuint (foyer_leads_page_get_count (list, NULL), ==, 0);
  g_free (foyer_admin_test_screenshot (f->window, "booth-leads-empty-en"));

  save_lead (f, "EXPO-0001", "hot", "Distributor for Guangdong");
  save_lead (f, "EXPO-0002", "warm", "Asked for the price list");
  save_lead (f, "EXPO-0003", "warm", NULL);
  save_lead (f, "EXPO-0004", "cold", "Student");

  foyer_leads_page_refresh (list);
  g_assert_cmpuint (foyer_leads_page_get_count (list, NULL), ==, 4);
  g_assert_cmpuint (foyer_leads_page_get_count (list, "hot"), ==, 1);
  g_assert_cmpuint (foyer_leads_page_get_count (list, "warm"), ==, 2);
  g_assert_cmpuint (foyer_leads_page_get_count (list, "cold"), ==, 1);
  g_assert_cmpuint (foyer_leads_page_get_n_shown (list), ==, 4);
  foyer_admin_test_spin (100);
  g_free (foyer_admin_test_screenshot (f->window, "booth-leads-en"));

  /* Search by name (the known visitor), by notes and by badge code; typing in the entry works. */
  foyer_leads_page_set_search (list, "张伟");
  g_assert_cmpuint (foyer_leads_page_get_n_shown (list), ==, 1);
  foyer_leads_page_set_search (list, "price");
  g_assert_cmpuint (foyer_leads_page_get_n_shown (list), ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (foyer_admin_test_find_type (GTK_WIDGET (list),
                                                                   GTK_TYPE_SEARCH_ENTRY)),
                         "EXPO-0004");
  /* The search entry waits a moment after typing before it searches. */
  g_assert_true (foyer_admin_test_wait (one_shown, list, 20000));
  /* Counts stay the day's totals while searching. */
  g_assert_cmpuint (foyer_leads_page_get_count (list, "warm"), ==, 2);
  foyer_leads_page_set_search (list, "nobody-by-that-name");
  g_assert_cmpuint (foyer_leads_page_get_n_shown (list), ==, 0);
  foyer_admin_test_spin (100);
  g_free (foyer_admin_test_screenshot (f->window, "booth-leads-no-match-en"));

  /* A tap on a row asks to edit that lead. */
  g_signal_connect (list, "lead-activated", G_CALLBACK (lead_activated_cb), &activated);
  foyer_leads_page_set_search (list, "Guangdong");
  row = foyer_admin_test_find_type (GTK_WIDGET (list), GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  g_assert_nonnull (activated);
  {
    g_autoptr(FoyerLead) lead = foyer_store_get_lead (f->store, activated, NULL);
    g_assert_cmpstr (lead->badge_code, ==, "EXPO-0001");
  }

  foyer_leads_page_clear (list);
  g_assert_cmpuint (foyer_leads_page_get_n_shown (list), ==, 0);
}

static void
test_screenshots_zh (Fixture       *f,
                     gconstpointer  data)
{
  FoyerLeadPage *page;
  FoyerLeadsPage *list;
  g_autoptr(GError) error = NULL;

  save_lead (f, "EXPO-0002", "warm", "索取价目表");
  save_lead (f, "EXPO-0003", "cold", NULL);

  foyer_admin_test_use_language ("zh_CN");
  page = FOYER_LEAD_PAGE (foyer_lead_page_new ());
  foyer_lead_page_set_language (page, "zh_CN");
  foyer_lead_page_set_store (page, f->store);
  foyer_lead_page_set_config (page, f->config);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (page));
  foyer_admin_test_present (f->window);
  g_assert_true (foyer_lead_page_open_badge (page, "EXPO-0001", NULL, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (page), "lead.rate", "s", "hot");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (page, "question-products-1")), TRUE);
  foyer_admin_test_spin (200);
  g_free (foyer_admin_test_screenshot (f->window, "booth-lead-zh_CN"));
  g_assert_true (foyer_lead_page_save (page, &error));
  g_assert_no_error (error);

  /* The stored answer is the configured value, not its translation. */
  {
    g_autoptr(FoyerLead) lead = foyer_store_get_lead (f->store, foyer_lead_page_get_lead_id (page),
                                                      &error);
    assert_answers (lead->answers_json, NULL, "Controllers", NULL);
  }

  list = FOYER_LEADS_PAGE (foyer_leads_page_new ());
  foyer_leads_page_set_store (list, f->store);
  foyer_leads_page_set_config (list, f->config);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (list));
  foyer_leads_page_refresh (list);
  foyer_admin_test_spin (200);
  g_free (foyer_admin_test_screenshot (f->window, "booth-leads-zh_CN"));
  foyer_admin_test_use_language ("en");
}

/* Lets the page transition finish before the picture is taken. */
static void
window_shot (FoyerWindow *window,
             const char  *name)
{
  foyer_test_ui_spin (400);
  g_free (foyer_test_ui_screenshot (GTK_WIDGET (window), name));
}

/* --- the whole window in booth mode: scan → lead card → save → list; both languages --- */

static void
test_window_booth (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "foyer.db", NULL);
  /* A booth tablet stands unattended: its Admin takes the staff PIN, fullscreen or not. */
  g_autofree char *hash = foyer_pin_hash ("246810", 1000, NULL);
  g_autofree char *kiosk = g_strdup_printf ("[kiosk]\nadmin-pin-hash=%s\n", hash);
  g_autoptr(GString) with_pin = g_string_new (config_text);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerApplication) app = foyer_admin_test_new_app ();
  FoyerWindow *window;
  GtkWidget *page;
  g_autoptr(GBytes) code = g_bytes_new_static ("EXPO-0001", 9);
  g_autoptr(GVariant) bytes = NULL;

  g_string_replace (with_pin, "[kiosk]\n", kiosk, 1);
  text = g_strdup_printf ("%s\n[storage]\ndatabase=%s\n", with_pin->str, db);
  config = foyer_config_load_from_data (text, "booth.conf", &error);
  g_assert_no_error (error);
  /* The fixture's store is the same file; the app opens its own connection. */
  window = foyer_test_ui_start (app, config);
  window_shot (window, "booth-window-home-en");

  bytes = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, code, TRUE));
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.scan-code", bytes);
  foyer_test_ui_wait_page (window, "lead");
  page = foyer_window_get_page (window, "lead");
  {
    g_autofree char *shown = foyer_test_ui_visible_text (page);
    g_assert_nonnull (strstr (shown, "张伟"));
  }
  gtk_widget_activate_action (page, "lead.rate", "s", "hot");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (named (page, "question-budget-0")), TRUE);
  window_shot (window, "booth-window-lead-en");
  gtk_widget_activate_action (page, "lead.save", NULL);
  foyer_test_ui_wait_page (window, foyer_window_get_home_page_name (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-leads", NULL);
  foyer_test_ui_wait_page (window, "leads");
  page = foyer_window_get_page (window, "leads");
  g_assert_cmpuint (foyer_leads_page_get_count (FOYER_LEADS_PAGE (page), "hot"), ==, 1);
  window_shot (window, "booth-window-leads-en");

  /* Tap the lead: its card opens for editing. */
  {
    GtkWidget *row = foyer_admin_test_find_type (page, GTK_TYPE_LIST_BOX_ROW);
    g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  }
  foyer_test_ui_wait_page (window, "lead");
  g_assert_nonnull (foyer_lead_page_get_lead_id (FOYER_LEAD_PAGE (foyer_window_get_page (window, "lead"))));

  /* A business card at the booth: a lead for the visitor it names, stored with the lead. */
  {
    static const char vcard[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Maria Rossi\r\n"
                                "ORG:Rossi Automazione\r\nEMAIL:maria@rossi.example\r\n"
                                "END:VCARD\r\n";
    g_autoptr(GBytes) card = g_bytes_new_static (vcard, sizeof vcard - 1);
    g_autoptr(GVariant) card_bytes =
      g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, card, TRUE));
    g_autoptr(GPtrArray) found = NULL;
    g_autoptr(FoyerRegistration) visitor = NULL;
    FoyerStore *store = foyer_window_get_store (window);

    gtk_widget_activate_action (GTK_WIDGET (window), "win.go-home", NULL);
    gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.scan-code", card_bytes);
    foyer_test_ui_wait_page (window, "lead");
    page = foyer_window_get_page (window, "lead");
    {
      g_autofree char *shown = foyer_test_ui_visible_text (page);
      g_assert_nonnull (strstr (shown, "Maria Rossi"));
      g_assert_nonnull (strstr (shown, "Rossi Automazione"));
    }
    gtk_widget_activate_action (page, "lead.rate", "s", "warm");
    window_shot (window, "booth-window-card-lead-en");
    gtk_widget_activate_action (page, "lead.save", NULL);
    foyer_test_ui_wait_page (window, foyer_window_get_home_page_name (window));

    found = foyer_store_list_leads (store, "expo-test", NULL, "Rossi", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
    visitor = foyer_store_get_registration (store,
                                            ((FoyerLead *)g_ptr_array_index (found, 0))->registration_id,
                                            &error);
    g_assert_no_error (error);
    g_assert_cmpstr (visitor->kind, ==, FOYER_KIND_LEAD);
    g_assert_cmpstr (visitor->source, ==, FOYER_SOURCE_VCARD);
    g_assert_cmpstr (visitor->emails[0], ==, "maria@rossi.example");
  }

  /* Chinese: the pages are rebuilt; scan again, the same lead opens in Chinese. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.set-language", "s", "zh_CN");
  foyer_test_ui_spin (100);
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.scan-code", bytes);
  foyer_test_ui_wait_page (window, "lead");
  window_shot (window, "booth-window-lead-zh_CN");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.go-home", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-leads", NULL);
  foyer_test_ui_wait_page (window, "leads");
  window_shot (window, "booth-window-leads-zh_CN");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (window, "pin");
  foyer_pin_page_type (FOYER_PIN_PAGE (foyer_window_get_page (window, "pin")), "246810");
  foyer_pin_page_submit (FOYER_PIN_PAGE (foyer_window_get_page (window, "pin")));
  foyer_test_ui_wait_page (window, "admin");
  window_shot (window, "admin-window-admin-zh_CN");

  /* A booth tablet's export holds its leads, each with the visitor. */
  {
    g_autofree char *usb = foyer_test_make_tmpdir ("usb");
    g_autoptr(GFile) folder = g_file_new_for_path (usb);
    g_autofree char *path = NULL;
    g_autofree char *csv = NULL;

    g_assert_true (foyer_admin_test_export (foyer_window_get_page (window, "admin"), folder,
                                            &path, &error));
    g_assert_no_error (error);
    g_assert_nonnull (strstr (path, "foyer-leads-expo-test-"));
    g_assert_true (g_file_get_contents (path, &csv, NULL, &error));
    g_assert_nonnull (strstr (csv, "Maria Rossi"));
    g_assert_nonnull (strstr (csv, "张伟"));
  }

  foyer_test_ui_stop (app);
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

  foyer_admin_test_use_language ("en");
  gtk_init ();
  adw_init ();
  foyer_admin_test_setup_display ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui-booth/capture-known-visitor", test_capture_known_visitor);
  ADD ("/ui-booth/capture-unknown-visitor", test_capture_unknown_visitor);
  ADD ("/ui-booth/leads-list", test_leads_list);
  ADD ("/ui-booth/screenshots-zh", test_screenshots_zh);
  ADD ("/ui-booth/window-booth", test_window_booth);
#undef ADD

  return g_test_run ();
}
