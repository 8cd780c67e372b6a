/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ui-entry.c: the entry kiosk's flows on a real window under Xvfb, driven through its
 * actions and widgets, in both languages, with a screenshot of every page visited. */
#include "config.h"

#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "foyer-badge-code.h"
#include "foyer-done-page.h"
#include "foyer-form-page.h"
#include "foyer-notice-page.h"
#include "foyer-scan-page.h"
#include "foyer-test-receiver.h"
#include "foyer-test-util-ui.h"
#include "foyer-test-util.h"
#include "foyer-welcome-page.h"
#include "foyer-window-private.h"

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
  "idle-seconds=10\n" \
  "interests=Electronics;Machinery;Textiles;Logistics\n" \
  "[consent]\n" \
  "text=I agree that Expo 2026 stores my details to register me and to send me show news.\n" \
  "text[zh_CN]=我同意 2026 博览会保存我的信息，用于本次展会登记并向我发送展会资讯。\n" \
  "version=2026-1\n" \
  "[storage]\n" \
  "database=%s/foyer.db\n" \
  "[camera]\n" \
  "source=%s\n" \
  "%s"

static void
fixture_start_full (Fixture    *f,
                    const char *language,
                    const char *db_dir,
                    const char *camera,
                    const char *extra)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  f->language = g_strdup (language);
  if (f->dir == NULL)
    f->dir = foyer_test_make_tmpdir ("ui");
  text = g_strdup_printf (CONFIG_TEMPLATE, f->language, db_dir != NULL ? db_dir : f->dir,
                          camera != NULL ? camera : "none", extra != NULL ? extra : "");
  f->config = foyer_config_load_from_data (text, "test.conf", &error);
  g_assert_no_error (error);
  /* One GApplication per test on the same session bus: each needs its own id. */
  {
    static guint serial;
    g_autofree char *id = g_strdup_printf ("io.github.foyer.Foyer.Test%u_%u", getpid (), ++serial);

    f->app = g_object_new (FOYER_TYPE_APPLICATION,
                           "application-id", id,
                           "resource-base-path", "/io/github/foyer/Foyer",
                           "flags", G_APPLICATION_NON_UNIQUE,
                           NULL);
  }
  f->window = foyer_test_ui_start (f->app, f->config);
  if (camera == NULL)
    g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "scan");
}

static void
fixture_start_camera (Fixture    *f,
                      const char *language,
                      const char *db_dir,
                      const char *camera)
{
  fixture_start_full (f, language, db_dir, camera, NULL);
}

/* A kiosk that issues signed Foyer badges (a fresh Ed25519 key pair). */
static void
fixture_set_up_signing (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *private_key = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *extra = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = foyer_test_make_tmpdir ("ui-signing");
  private_key = g_build_filename (f->dir, "badge-signing.pem", NULL);
  public_key = g_build_filename (f->dir, "badge-verify.pem", NULL);
  g_assert_true (foyer_badge_code_generate_keys (private_key, public_key, &error));
  g_assert_no_error (error);
  extra = g_strdup_printf ("[badge]\nsigning-key=%s\n", private_key);
  fixture_start_full (f, data, NULL, NULL, extra);
}

static void
fixture_start (Fixture    *f,
               const char *language,
               const char *db_dir)
{
  fixture_start_camera (f, language, db_dir, NULL);
}

/* The camera reads a photographed business card (a file source, looped). */
static void
fixture_set_up_camera (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *png = foyer_test_data_path ("cards", "vcard30-utf8-cn.png", NULL);
  g_autofree char *source = g_strdup_printf ("file:%s", png);

  fixture_start_camera (f, data, NULL, source);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  fixture_start (f, data, NULL);
}

/* The database's folder is a regular file: the store cannot be opened. */
static void
fixture_set_up_broken (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *blocker = NULL;

  f->dir = foyer_test_make_tmpdir ("ui-broken");
  blocker = foyer_test_write_file (f->dir, "not-a-folder", "x");
  fixture_start (f, data, blocker);
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

static void
shot (Fixture    *f,
      const char *flow,
      const char *step)
{
  g_autofree char *name = g_strdup_printf ("%s-%s-%s", flow, step, f->language);
  g_autofree char *path = foyer_test_ui_screenshot (GTK_WIDGET (f->window), name);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static gboolean
is_zh (Fixture *f)
{
  return g_strcmp0 (f->language, "zh_CN") == 0;
}

static void
activate (Fixture    *f,
          const char *action,
          GVariant   *parameter)
{
  /* Page actions ("form.register") live on the page, window actions on the window. */
  GtkWidget *target = g_str_has_prefix (action, "form.") ? foyer_window_get_page (f->window, "form")
                                                         : GTK_WIDGET (f->window);

  g_assert_true (gtk_widget_activate_action_variant (target, action, parameter));
  foyer_test_ui_spin (30);
}

static void
scan_bytes (Fixture      *f,
            const guint8 *data,
            gsize         len)
{
  activate (f, "win.scan-code",
            g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1));
}

static void
scan_text (Fixture    *f,
           const char *text)
{
  scan_bytes (f, (const guint8 *)text, strlen (text));
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
    g_error ("“%s” is still on screen:\n%s", needle, text);
}

static FoyerFormPage *
form_page (Fixture *f)
{
  return FOYER_FORM_PAGE (foyer_window_get_page (f->window, "form"));
}

static void
set_field (Fixture    *f,
           const char *field,
           const char *text)
{
  gtk_editable_set_text (foyer_form_page_get_field (form_page (f), field), text);
}

static const char *
get_field (Fixture    *f,
           const char *field)
{
  return gtk_editable_get_text (foyer_form_page_get_field (form_page (f), field));
}

/* --- the home page and the language toggle ----------------------------------------------- */

static void
test_language_switch (Fixture       *f,
                      gconstpointer  data)
{
  const char *other = is_zh (f) ? "en" : "zh_CN";

  foyer_test_ui_wait_page (f->window, "scan");
  assert_visible_text (f, is_zh (f) ? "请扫描您的胸卡或名片二维码" : "Scan your badge or business card");
  assert_visible_text (f, is_zh (f) ? "手动登记" : "Register without a code");
  shot (f, "language", "scan");

  activate (f, "win.set-language", g_variant_new_string (other));
  foyer_test_ui_wait_page (f->window, "scan");
  g_assert_cmpstr (foyer_window_get_language (f->window), ==, other);
  assert_visible_text (f, is_zh (f) ? "Scan your badge or business card" : "请扫描您的胸卡或名片二维码");
  assert_no_visible_text (f, is_zh (f) ? "请扫描您的胸卡或名片二维码" : "Scan your badge or business card");
  shot (f, "language", is_zh (f) ? "switched-to-en" : "switched-to-zh_CN");

  /* The other pages follow too. */
  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  assert_visible_text (f, is_zh (f) ? "Full name *" : "姓名 *");
  activate (f, "win.go-home", NULL);

  activate (f, "win.set-language", g_variant_new_string (f->language));
  foyer_test_ui_wait_page (f->window, "scan");
  assert_visible_text (f, is_zh (f) ? "请扫描您的胸卡或名片二维码" : "Scan your badge or business card");
}

/* --- the manual form --------------------------------------------------------------------- */

static void
test_manual_validation (Fixture       *f,
                        gconstpointer  data)
{
  FoyerFormPage *form;
  FoyerStore *store = foyer_application_get_store (f->app);
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;
  const char *qr_text;

  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  form = form_page (f);
  shot (f, "manual", "form-empty");

  /* Nothing filled in: name, contact and consent are asked for, nothing is stored. */
  activate (f, "form.register", NULL);
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "form");
  g_assert_cmpstr (foyer_form_page_get_error (form, "name"), !=, "");
  g_assert_cmpstr (foyer_form_page_get_error (form, "phone"), !=, "");
  g_assert_cmpstr (foyer_form_page_get_error (form, "consent"), !=, "");
  assert_visible_text (f, is_zh (f) ? "请输入您的姓名。" : "Please enter your name.");
  foyer_test_ui_spin (50);
  shot (f, "manual", "form-errors");

  /* A bad e-mail and phone are named as such. */
  set_field (f, "name", "李娜");
  set_field (f, "email", "lina@@example");
  set_field (f, "phone", "12");
  g_assert_cmpstr (foyer_form_page_get_error (form, "name"), ==, "");
  activate (f, "form.register", NULL);
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "form");
  g_assert_cmpstr (foyer_form_page_get_error (form, "name"), ==, "");
  g_assert_cmpstr (foyer_form_page_get_error (form, "email"), !=, "");
  g_assert_cmpstr (foyer_form_page_get_error (form, "phone"), !=, "");
  foyer_test_ui_spin (50);
  shot (f, "manual", "form-bad-contact");

  /* Valid details but no consent: still refused, only the consent is in red. */
  set_field (f, "email", "Li.Na@Example.COM");
  set_field (f, "phone", "139 1234 5678");
  set_field (f, "organization", "华东机械有限公司");
  set_field (f, "title", "采购经理");
  foyer_form_page_set_category (form, FOYER_CATEGORY_MEDIA);
  g_assert_true (foyer_form_page_set_interest (form, "Machinery", TRUE));
  activate (f, "form.register", NULL);
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "form");
  g_assert_cmpstr (foyer_form_page_get_error (form, "email"), ==, "");
  g_assert_cmpstr (foyer_form_page_get_error (form, "phone"), ==, "");
  g_assert_cmpstr (foyer_form_page_get_error (form, "consent"), !=, "");
  foyer_test_ui_spin (50);
  shot (f, "manual", "form-consent-missing");

  foyer_form_page_set_consent (form, TRUE);
  g_assert_cmpstr (foyer_form_page_get_error (form, "consent"), ==, "");
  if (store == NULL) {
    g_test_skip ("no store in this build yet");
    return;
  }
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
  assert_visible_text (f, "李娜");
  assert_visible_text (f, is_zh (f) ? "登记成功" : "You are registered");
  shot (f, "manual", "done");

  /* What was stored is what was typed, normalized. */
  qr_text = foyer_done_page_get_qr_text (FOYER_DONE_PAGE (foyer_window_get_page (f->window, "done")));
  g_assert_nonnull (qr_text);
  g_assert_nonnull (foyer_done_page_get_qr (FOYER_DONE_PAGE (foyer_window_get_page (f->window, "done"))));
  reg = foyer_store_get_registration (store, qr_text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reg->full_name, ==, "李娜");
  g_assert_cmpstr (reg->organization, ==, "华东机械有限公司");
  g_assert_cmpstr (reg->title, ==, "采购经理");
  g_assert_cmpstr (reg->category, ==, FOYER_CATEGORY_MEDIA);
  g_assert_cmpstr (reg->kind, ==, FOYER_KIND_WALK_IN);
  g_assert_cmpstr (reg->source, ==, FOYER_SOURCE_MANUAL);
  g_assert_cmpstr (reg->event, ==, "expo-2026");
  g_assert_cmpstr (reg->kiosk_id, ==, "entrance-02");
  g_assert_nonnull (reg->phones);
  g_assert_cmpstr (reg->phones[0], ==, "+8613912345678");
  g_assert_nonnull (reg->emails);
  g_assert_cmpstr (reg->emails[0], ==, "Li.Na@example.com");
  g_assert_nonnull (reg->interests);
  g_assert_cmpstr (reg->interests[0], ==, "Machinery");
  g_assert_null (reg->interests[1]);
  g_assert_true (reg->consent_given);
  g_assert_cmpstr (reg->consent_version, ==, "2026-1");

  /* Done goes home and leaves nothing behind. */
  activate (f, "win.go-home", NULL);
  foyer_test_ui_wait_page (f->window, "scan");
  assert_no_visible_text (f, "李娜");
  g_assert_cmpstr (get_field (f, "name"), ==, "");
}

/* --- idle timeout ------------------------------------------------------------------------ */

static void
test_idle_timeout (Fixture       *f,
                   gconstpointer  data)
{
  gint64 remaining;

  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  set_field (f, "name", "王芳");
  set_field (f, "organization", "深圳电子");
  set_field (f, "email", "wang.fang@example.cn");
  foyer_form_page_set_consent (form_page (f), TRUE);

  /* [kiosk] idle-seconds=10 is what runs; the countdown shows for the last 10 s. */
  remaining = _foyer_window_get_idle_remaining_ms (f->window);
  g_assert_cmpint (remaining, >, 8000);
  g_assert_cmpint (remaining, <=, 10000);
  foyer_test_ui_spin (300);
  assert_visible_text (f, is_zh (f) ? "秒后重新开始" : "Starting over in");
  shot (f, "idle", "countdown");

  /* Input restarts the countdown. (Pointer motion counts as input too, and another test's
   * window on the same X server can cause some: so compare with the full timeout.) */
  _foyer_window_set_idle_timeout_ms (f->window, 4000);
  foyer_test_ui_spin (1500);
  remaining = _foyer_window_get_idle_remaining_ms (f->window);
  set_field (f, "title", "工程师");
  g_assert_cmpint (_foyer_window_get_idle_remaining_ms (f->window), >, 3800);
  g_assert_cmpint (_foyer_window_get_idle_remaining_ms (f->window), >=, remaining);

  /* Shortened so the test stays quick: the timeout clears every field and goes home. */
  _foyer_window_set_idle_timeout_ms (f->window, 1500);
  foyer_test_ui_wait_page (f->window, "scan");
  g_assert_cmpint (_foyer_window_get_idle_remaining_ms (f->window), ==, -1);
  for (const char * const *field = (const char * const[]) { "name", "family", "given",
                                                           "organization", "title", "phone",
                                                           "email", NULL };
       *field != NULL; field++)
    g_assert_cmpstr (get_field (f, *field), ==, "");
  assert_no_visible_text (f, "王芳");
  shot (f, "idle", "home-after-timeout");

  /* The home page has no visitor data: no countdown there. */
  foyer_test_ui_spin (300);
  g_assert_cmpint (_foyer_window_get_idle_remaining_ms (f->window), ==, -1);
}

/* --- scanned codes ----------------------------------------------------------------------- */

static GBytes *
corpus_payload (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".payload", NULL);
  g_autofree char *path = foyer_test_data_path ("cards", file, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static JsonObject *
corpus_expected (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = foyer_test_data_path ("cards", file, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_card_review_register (Fixture       *f,
                           gconstpointer  data)
{
  FoyerStore *store = foyer_application_get_store (f->app);
  g_autoptr(GBytes) payload = corpus_payload ("vcard30-utf8-cn");
  g_autoptr(JsonObject) expected = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;
  FoyerFormPage *form;
  const char *qr_text;

  if (store == NULL) {
    g_test_skip ("needs the store");
    return;
  }
  expected = corpus_expected ("vcard30-utf8-cn");

  scan_bytes (f, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  foyer_test_ui_wait_page (f->window, "form");
  form = form_page (f);
  assert_visible_text (f, is_zh (f) ? "请核对您的信息" : "Please check your details");
  g_assert_cmpstr (get_field (f, "name"), ==, json_object_get_string_member (expected, "full_name"));
  if (json_object_has_member (expected, "organization"))
    g_assert_cmpstr (get_field (f, "organization"), ==,
                     json_object_get_string_member (expected, "organization"));
  if (json_object_has_member (expected, "title"))
    g_assert_cmpstr (get_field (f, "title"), ==, json_object_get_string_member (expected, "title"));
  if (json_object_has_member (expected, "phones"))
    g_assert_cmpstr (get_field (f, "phone"), ==,
                     json_array_get_string_element (json_object_get_array_member (expected, "phones"), 0));
  if (json_object_has_member (expected, "emails"))
    g_assert_cmpstr (get_field (f, "email"), ==,
                     json_array_get_string_element (json_object_get_array_member (expected, "emails"), 0));
  shot (f, "card", "review");

  /* Every field is editable: the visitor corrects the title. */
  set_field (f, "title", "总经理");
  foyer_form_page_set_category (form, FOYER_CATEGORY_TRADE_VISITOR);
  foyer_form_page_set_interest (form, "Electronics", TRUE);
  foyer_form_page_set_consent (form, TRUE);
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
  assert_visible_text (f, json_object_get_string_member (expected, "full_name"));
  shot (f, "card", "done");

  qr_text = foyer_done_page_get_qr_text (FOYER_DONE_PAGE (foyer_window_get_page (f->window, "done")));
  reg = foyer_store_get_registration (store, qr_text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reg->full_name, ==, json_object_get_string_member (expected, "full_name"));
  g_assert_cmpstr (reg->title, ==, "总经理");
  g_assert_cmpstr (reg->source, ==, FOYER_SOURCE_VCARD);
  g_assert_cmpstr (reg->category, ==, FOYER_CATEGORY_TRADE_VISITOR);
  g_assert_true (reg->consent_given);
  g_assert_nonnull (reg->raw_payload);
  g_assert_true (g_bytes_equal (reg->raw_payload, payload));
  if (json_object_has_member (expected, "organization"))
    g_assert_cmpstr (reg->organization, ==, json_object_get_string_member (expected, "organization"));
  if (json_object_has_member (expected, "emails"))
    g_assert_cmpstr (reg->emails[0], ==,
                     json_array_get_string_element (json_object_get_array_member (expected, "emails"), 0));

  /* Print without a configured printer says so. */
  activate (f, "win.print-badge", NULL);
  foyer_test_ui_spin (50);
  shot (f, "card", "print-not-configured");
}

/* An address book's card whose mobile no region explains (a French number, kiosk region CN): the
 * form keeps it as written and asks the visitor to add the country code; once added, the hint
 * goes and the number is stored checked. */
static void
test_card_review_unverified_phone (Fixture       *f,
                                   gconstpointer  data)
{
  FoyerStore *store = foyer_application_get_store (f->app);
  g_autofree char *path = foyer_test_data_path ("cards-extra", "gmail-3.0.vcf", NULL);
  const char *hint = is_zh (f) ? "我们无法核实此号码；如可以，请加上国家代码"
                               : "We could not check this number; add the country code if you can";
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *card = NULL;
  gsize len = 0;

  if (store == NULL) {
    g_test_skip ("needs the store");
    return;
  }
  g_file_get_contents (path, &card, &len, &error);
  g_assert_no_error (error);

  scan_bytes (f, (const guint8 *) card, len);
  foyer_test_ui_wait_page (f->window, "form");
  g_assert_cmpstr (get_field (f, "phone"), ==, "06 12 34 56 78");
  assert_visible_text (f, hint);
  shot (f, "card", "unverified-phone");

  /* Any other number is the visitor's own: no hint; the card's number brings it back. */
  set_field (f, "phone", "138 0013 8000");
  foyer_test_ui_spin (30);
  assert_no_visible_text (f, hint);
  set_field (f, "phone", "06 12 34 56 78");
  foyer_test_ui_spin (30);
  assert_visible_text (f, hint);

  /* The visitor adds the country code: the number is checked and stored as such. */
  set_field (f, "phone", "+33 6 12 34 56 78");
  foyer_test_ui_spin (30);
  assert_no_visible_text (f, hint);
  shot (f, "card", "unverified-phone-corrected");
  foyer_form_page_set_consent (form_page (f), TRUE);
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
  reg = foyer_store_get_registration (store, foyer_done_page_get_qr_text (
      FOYER_DONE_PAGE (foyer_window_get_page (f->window, "done"))), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reg->phones[0], ==, "+33612345678");
  g_assert_null (reg->phones_unverified);
  g_assert_cmpstr (reg->emails[0], ==, "camille.martin@example.fr");
}

static void
test_contact_link (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) payload = corpus_payload ("wechat-link");

  scan_bytes (f, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  foyer_test_ui_wait_page (f->window, "notice");
  g_assert_cmpint (foyer_notice_page_get_kind (FOYER_NOTICE_PAGE (foyer_window_get_page (f->window, "notice"))),
                   ==, FOYER_NOTICE_CONTACT_LINK);
  assert_visible_text (f, is_zh (f) ? "微信" : "WeChat");
  shot (f, "wechat", "notice");

  /* The way forward is one tap away. */
  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  g_assert_cmpstr (get_field (f, "name"), ==, "");
}

static gboolean
take_code_cb (FoyerWindow *window,
              GBytes      *raw,
              guint       *taken)
{
  (*taken)++;
  return TRUE;
}

static void
test_unknown_code (Fixture       *f,
                   gconstpointer  data)
{
  guint taken = 0;
  gulong id;

  /* Another mode can take every code before the entry flow sees it. */
  id = g_signal_connect (f->window, "code-scanned", G_CALLBACK (take_code_cb), &taken);
  scan_text (f, "https://www.example.com/some/product/page?id=42");
  g_assert_cmpuint (taken, ==, 1);
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "scan");
  g_signal_handler_disconnect (f->window, id);

  scan_text (f, "https://www.example.com/some/product/page?id=42");
  foyer_test_ui_wait_page (f->window, "notice");
  g_assert_cmpint (foyer_notice_page_get_kind (FOYER_NOTICE_PAGE (foyer_window_get_page (f->window, "notice"))),
                   ==, FOYER_NOTICE_UNKNOWN_CODE);
  shot (f, "unknown-code", "notice");
}

static FoyerRegistration *
prereg (const char *badge,
        const char *name,
        const char *organization,
        const char *category)
{
  FoyerRegistration *reg = foyer_registration_new ();

  reg->event = g_strdup ("expo-2026");
  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  reg->badge_code = g_strdup (badge);
  reg->full_name = g_strdup (name);
  reg->organization = g_strdup (organization);
  reg->category = g_strdup (category);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);
  return reg;
}

static void
test_badge_scan (Fixture       *f,
                 gconstpointer  data)
{
  FoyerStore *store = foyer_application_get_store (f->app);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;
  FoyerWelcomePage *welcome;
  guint inserted = 0, updated = 0;

  if (store == NULL) {
    g_test_skip ("no store in this build yet");
    return;
  }
  g_ptr_array_add (list, prereg ("EXPO26-000123", "张伟", "上海精密仪器有限公司",
                                 FOYER_CATEGORY_TRADE_VISITOR));
  g_ptr_array_add (list, prereg ("EXPO26-000124", "Anna Schmidt", "Schmidt GmbH",
                                 FOYER_CATEGORY_VIP));
  g_assert_true (foyer_store_import_preregistrations (store, list, &inserted, &updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (inserted, ==, 2);

  /* First scan: checked in. */
  scan_text (f, "EXPO26-000123");
  foyer_test_ui_wait_page (f->window, "welcome");
  welcome = FOYER_WELCOME_PAGE (foyer_window_get_page (f->window, "welcome"));
  assert_visible_text (f, "张伟");
  assert_visible_text (f, is_zh (f) ? "专业观众" : "Trade visitor");
  g_assert_nonnull (strstr (foyer_welcome_page_get_title (welcome), "张伟"));
  shot (f, "badge", "welcome");

  /* A tap returns home. */
  activate (f, "win.go-home", NULL);
  foyer_test_ui_wait_page (f->window, "scan");
  assert_no_visible_text (f, "张伟");

  /* Repeat scan: when and where the first one was taken. */
  scan_text (f, "EXPO26-000123");
  foyer_test_ui_wait_page (f->window, "welcome");
  welcome = FOYER_WELCOME_PAGE (foyer_window_get_page (f->window, "welcome"));
  g_assert_nonnull (strstr (foyer_welcome_page_get_title (welcome), "张伟"));
  g_assert_nonnull (strstr (foyer_welcome_page_get_detail (welcome), "entrance-02"));
  assert_visible_text (f, is_zh (f) ? "欢迎回来" : "Welcome back");
  shot (f, "badge", "repeat");

  /* An unknown badge explains itself and offers the form. */
  scan_text (f, "EXPO26-999999");
  foyer_test_ui_wait_page (f->window, "notice");
  g_assert_cmpint (foyer_notice_page_get_kind (FOYER_NOTICE_PAGE (foyer_window_get_page (f->window, "notice"))),
                   ==, FOYER_NOTICE_UNKNOWN_BADGE);
  shot (f, "badge", "unknown");
}

/* --- the answer pages, filled directly ----------------------------------------------------- */

static void
test_answer_pages (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  FoyerWelcomePage *welcome = FOYER_WELCOME_PAGE (foyer_window_get_page (f->window, "welcome"));
  FoyerDonePage *done = FOYER_DONE_PAGE (foyer_window_get_page (f->window, "done"));

  reg->id = g_strdup ("0d3c9c2e-5a1b-4f7e-9a51-2d7f3c1e8b42");
  reg->full_name = g_strdup ("张伟");
  reg->organization = g_strdup ("上海精密仪器有限公司");
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->kiosk_id = g_strdup ("entrance-01");
  reg->created_at = g_date_time_format_iso8601 (now);
  reg->badge_code = g_strdup ("EXPO26-000123");

  foyer_welcome_page_show (welcome, reg, FALSE);
  activate (f, "win.show-page", g_variant_new_string ("welcome"));
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_visible_text (f, is_zh (f) ? "欢迎您，张伟" : "Welcome, 张伟");
  assert_visible_text (f, "上海精密仪器有限公司");
  shot (f, "pages", "welcome");

  foyer_welcome_page_show (welcome, reg, TRUE);
  foyer_test_ui_spin (50);
  assert_visible_text (f, is_zh (f) ? "欢迎回来，张伟" : "Welcome back, 张伟");
  g_assert_nonnull (strstr (foyer_welcome_page_get_detail (welcome), "entrance-01"));
  shot (f, "pages", "welcome-repeat");

  foyer_done_page_show (done, reg, reg->badge_code);
  foyer_done_page_set_can_print (done, FALSE);
  activate (f, "win.show-page", g_variant_new_string ("done"));
  foyer_test_ui_wait_page (f->window, "done");
  assert_visible_text (f, is_zh (f) ? "登记成功" : "You are registered");
  g_assert_cmpstr (foyer_done_page_get_qr_text (done), ==, "EXPO26-000123");
  assert_visible_text (f, is_zh (f) ? "未配置打印" : "Printing not configured");
  shot (f, "pages", "done");

  /* Every page with visitor data is emptied by go-home. */
  activate (f, "win.go-home", NULL);
  foyer_test_ui_wait_page (f->window, "scan");
  g_assert_null (foyer_done_page_get_qr (done));
  g_assert_cmpstr (foyer_done_page_get_name (done), ==, "");
  g_assert_cmpstr (foyer_welcome_page_get_title (welcome), ==, "");
}

/* --- keyboard ------------------------------------------------------------------------------ */

static gboolean
focus_in (Fixture   *f,
          GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
test_keyboard_navigation (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *focus = NULL;
  gboolean found = FALSE;

  /* Tab reaches "Register without a code" on the home page, and Enter/Space activates it. */
  foyer_test_ui_wait_page (f->window, "scan");
  for (guint i = 0; i < 20 && !found; i++) {
    gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_FORWARD);
    focus = gtk_root_get_focus (GTK_ROOT (f->window));
    found = GTK_IS_BUTTON (focus) &&
            g_strcmp0 (gtk_button_get_label (GTK_BUTTON (focus)),
                       is_zh (f) ? "手动登记" : "Register without a code") == 0;
  }
  g_assert_true (found);
  g_assert_true (gtk_widget_activate (focus));
  foyer_test_ui_wait_page (f->window, "form");

  /* Enter in a field moves on to the next one, in reading order. */
  gtk_widget_grab_focus (GTK_WIDGET (foyer_form_page_get_field (form_page (f), "name")));
  g_assert_true (focus_in (f, GTK_WIDGET (foyer_form_page_get_field (form_page (f), "name"))));
  g_signal_emit_by_name (foyer_form_page_get_field (form_page (f), "name"), "activate");
  g_assert_true (focus_in (f, GTK_WIDGET (foyer_form_page_get_field (form_page (f), "organization"))));
  g_signal_emit_by_name (foyer_form_page_get_field (form_page (f), "organization"), "activate");
  g_assert_true (focus_in (f, GTK_WIDGET (foyer_form_page_get_field (form_page (f), "phone"))));

  /* A failed submit puts the focus on the first field to correct. */
  activate (f, "form.register", NULL);
  g_assert_true (focus_in (f, GTK_WIDGET (foyer_form_page_get_field (form_page (f), "name"))));
}

/* --- hardware scanner (keyboard wedge) ------------------------------------------------------ */

/* Types text and Enter with gap_ms between keys through the window's key path. */
static gboolean
wedge_type (Fixture    *f,
            const char *text,
            guint       gap_ms,
            gint64     *clock_us)
{
  gboolean scanned = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    *clock_us += gap_ms * 1000;
    scanned |= _foyer_window_wedge_key (f->window, gdk_unicode_to_keyval (g_utf8_get_char (p)),
                                        0, *clock_us);
  }
  *clock_us += gap_ms * 1000;
  scanned |= _foyer_window_wedge_key (f->window, GDK_KEY_Return, 0, *clock_us);
  foyer_test_ui_spin (30);
  return scanned;
}

static void
test_hardware_scanner (Fixture       *f,
                       gconstpointer  data)
{
  FoyerStore *store = foyer_application_get_store (f->app);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;
  gint64 clock_us = 1000000;

  g_ptr_array_add (list, prereg ("EXPO26-000777", "陈静", "广州纺织进出口公司",
                                 FOYER_CATEGORY_EXHIBITOR));
  g_assert_true (foyer_store_import_preregistrations (store, list, NULL, NULL, &error));
  g_assert_no_error (error);

  /* A person typing on the home page is not a scan. */
  g_assert_false (wedge_type (f, "EXPO26-000777", 180, &clock_us));
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "scan");

  /* The scanner's burst is, with nothing focused. */
  clock_us += 2000000;
  g_assert_true (wedge_type (f, "EXPO26-000777", 4, &clock_us));
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_visible_text (f, "陈静");
  assert_visible_text (f, is_zh (f) ? "参展商" : "Exhibitor");
  shot (f, "scanner", "welcome");

  /* On the form a scan is not taken (the visitor's typing stays), and the scanner's characters
   * do not end up in the focused field. */
  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  set_field (f, "name", "Olga");
  gtk_widget_grab_focus (GTK_WIDGET (foyer_form_page_get_field (form_page (f), "name")));
  gtk_editable_set_position (foyer_form_page_get_field (form_page (f), "name"), -1);
  clock_us += 2000000;
  /* What the entry would have received from the scanner's keystrokes. */
  gtk_editable_insert_text (foyer_form_page_get_field (form_page (f), "name"), "EXPO26-000777", -1,
                            &(int) { 4 });
  gtk_editable_set_position (foyer_form_page_get_field (form_page (f), "name"), -1);
  g_assert_true (wedge_type (f, "EXPO26-000777", 4, &clock_us));
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "form");
  g_assert_cmpstr (get_field (f, "name"), ==, "Olga");
}

/* --- signed Foyer badges ------------------------------------------------------------------- */

static void
test_signed_badge (Fixture       *f,
                   gconstpointer  data)
{
  FoyerDonePage *done;
  g_autofree char *code = NULL;
  g_autofree char *forged = NULL;
  gsize len;

  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  set_field (f, "name", "Ahmed Hassan");
  set_field (f, "phone", "+971 50 123 4567");
  foyer_form_page_set_consent (form_page (f), TRUE);
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
  done = FOYER_DONE_PAGE (foyer_window_get_page (f->window, "done"));

  /* The QR code carries Foyer's signed badge code for this event. */
  code = g_strdup (foyer_done_page_get_qr_text (done));
  g_assert_true (g_str_has_prefix (code, "FY1:"));
  shot (f, "signed-badge", "done");

  /* Scanned again (at the entrance, or by a visitor who comes back): known, already in. */
  activate (f, "win.go-home", NULL);
  scan_text (f, code);
  foyer_test_ui_wait_page (f->window, "welcome");
  assert_visible_text (f, "Ahmed Hassan");
  assert_visible_text (f, is_zh (f) ? "欢迎回来" : "Welcome back");
  shot (f, "signed-badge", "rescan");

  /* One character of the signature changed: not valid, whatever the rest says. */
  forged = g_strdup (code);
  len = strlen (forged);
  forged[len - 3] = forged[len - 3] == 'A' ? 'B' : 'A';
  activate (f, "win.go-home", NULL);
  scan_text (f, forged);
  foyer_test_ui_wait_page (f->window, "notice");
  g_assert_cmpint (foyer_notice_page_get_kind (FOYER_NOTICE_PAGE (foyer_window_get_page (f->window, "notice"))),
                   ==, FOYER_NOTICE_INVALID_BADGE);
  assert_visible_text (f, is_zh (f) ? "此胸卡无效" : "This badge is not valid");
  assert_no_visible_text (f, "Ahmed Hassan");
  shot (f, "signed-badge", "forged");
}

/* --- printing (a real CUPS with a cups-pdf queue, tests/cups/setup-cups.sh) ------------------- */

/* Runs setup-cups.sh; its exit status, and its last output line in *last_line. */
static int
run_setup_cups (const char * const *args,
                char              **last_line)
{
  g_autofree char *script = g_build_filename (g_getenv ("FOYER_SOURCE_ROOT"), "tests", "cups",
                                              "setup-cups.sh", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *)"/bin/sh");
  g_ptr_array_add (argv, script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    g_test_message ("setup-cups.sh: %s", err);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  if (last_line != NULL)
    *last_line = g_strdup (lines[0] != NULL ? lines[g_strv_length (lines) - 1] : "");
  return g_spawn_check_wait_status (status, NULL) ? 0 : WEXITSTATUS (status);
}

static gboolean
pdf_arrived (gpointer user_data)
{
  g_autoptr(GDir) dir = g_dir_open (user_data, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".pdf"))
      return TRUE;
  return FALSE;
}

static void
test_print_badge (void)
{
  g_autofree char *queue = g_strdup_printf ("foyer-ui-test-%d-%" G_GINT64_FORMAT, (int)getpid (),
                                            g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *outdir = foyer_test_make_tmpdir ("ui-cups-pdf");
  g_autofree char *line = NULL;
  g_autofree char *extra = NULL;
  Fixture fixture = { 0 }, *f = &fixture;
  int status;

  status = run_setup_cups ((const char * const[]) { "create", queue, outdir, NULL }, &line);
  if (status == 77) {
    g_test_skip (line);
    return;
  }
  g_assert_cmpint (status, ==, 0);

  extra = g_strdup_printf ("[badge]\nprinter=%s\n", queue);
  fixture_start_full (f, "en", NULL, NULL, extra);

  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  set_field (f, "name", "Priya Natarajan");
  set_field (f, "email", "priya@example.in");
  foyer_form_page_set_consent (form_page (f), TRUE);
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
  assert_visible_text (f, "Print badge");

  /* The print button sends the badge to CUPS; the visitor is told, the kiosk stays usable. */
  activate (f, "win.print-badge", NULL);
  assert_visible_text (f, "Printing your badge");
  shot (f, "print", "printing");
  g_assert_true (foyer_test_ui_wait_for (pdf_arrived, line, 60000));

  fixture_tear_down (f, NULL);
  run_setup_cups ((const char * const[]) { "remove", queue, NULL }, NULL);
}

/* --- the camera --------------------------------------------------------------------------- */

static gboolean
form_shown (gpointer user_data)
{
  Fixture *f = user_data;

  return g_strcmp0 (foyer_window_get_visible_page_name (f->window), "form") == 0;
}

static void
test_camera_scan (Fixture       *f,
                  gconstpointer  data)
{
  /* No touch, no key: the code in front of the camera opens the review form by itself. */
  g_assert_true (foyer_test_ui_wait_for (form_shown, f, 20000));
  foyer_test_ui_wait_page (f->window, "form");
  g_assert_cmpstr (get_field (f, "name"), ==, "张伟");
  shot (f, "camera", "review");
}

/* --- sync status on the home page --------------------------------------------------------- */

typedef struct {
  Fixture    *f;
  const char *needle;
} StatusWait;

static gboolean
status_says (gpointer user_data)
{
  StatusWait *wait = user_data;
  GtkWidget *scan = foyer_window_get_page (wait->f->window, "scan");

  _foyer_window_refresh_status (wait->f->window);
  return strstr (foyer_scan_page_get_status_text (FOYER_SCAN_PAGE (scan)), wait->needle) != NULL;
}

static void
test_sync_status (void)
{
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fixture = { 0 }, *f = &fixture;
  StatusWait wait = { f, NULL };

  f->language = g_strdup ("en");
  f->dir = foyer_test_make_tmpdir ("ui-sync");
  text = g_strdup_printf ("[kiosk]\nid=entrance-02\nevent=expo-2026\nlanguage=en\n"
                          "[storage]\ndatabase=%s/foyer.db\n[camera]\nsource=none\n"
                          "[sync]\nbackend=http-json\nurl=%s\n",
                          f->dir, foyer_test_receiver_url (receiver));
  f->config = foyer_config_load_from_data (text, "test.conf", &error);
  g_assert_no_error (error);
  f->app = g_object_new (FOYER_TYPE_APPLICATION, "application-id", "io.github.foyer.Foyer.TestSync",
                         "resource-base-path", "/io/github/foyer/Foyer",
                         "flags", G_APPLICATION_NON_UNIQUE, NULL);
  f->window = foyer_test_ui_start (f->app, f->config);
  g_assert_nonnull (foyer_application_get_sync_engine (f->app));

  /* A registration goes out in the background; the home page says when all is sent. */
  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  set_field (f, "name", "Kenji Sato");
  set_field (f, "email", "kenji.sato@example.jp");
  foyer_form_page_set_consent (form_page (f), TRUE);
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
  activate (f, "win.go-home", NULL);
  foyer_test_ui_wait_page (f->window, "scan");

  wait.needle = "Online · all records sent";
  g_assert_true (foyer_test_ui_wait_for (status_says, &wait, 15000));
  g_assert_cmpint (foyer_test_receiver_stat (receiver, "stored"), ==, 1);
  shot (f, "sync", "online");

  /* Head office goes away: the kiosk says it is offline and keeps the records. */
  foyer_test_receiver_control (receiver, "{\"mode\": \"status\", \"code\": 503}");
  activate (f, "win.register-manually", NULL);
  set_field (f, "name", "Kenji Sato Jr");
  set_field (f, "email", "kenji.jr@example.jp");
  foyer_form_page_set_consent (form_page (f), TRUE);
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
  activate (f, "win.go-home", NULL);
  wait.needle = "1 record waiting";
  g_assert_true (foyer_test_ui_wait_for (status_says, &wait, 15000));
  shot (f, "sync", "waiting");

  fixture_tear_down (f, NULL);
}

/* --- a database that cannot be opened ------------------------------------------------------ */

static void
test_store_unavailable (Fixture       *f,
                        gconstpointer  data)
{
  const char *cannot = is_zh (f) ? "无法保存登记信息" : "cannot be saved";
  FoyerFormPage *form;

  g_assert_null (foyer_application_get_store (f->app));
  g_assert_nonnull (foyer_application_get_store_error (f->app));

  /* Staff and visitors see at once that registrations are not being kept. */
  foyer_test_ui_wait_page (f->window, "scan");
  assert_visible_text (f, cannot);
  shot (f, "store-unavailable", "scan");

  /* The form says so instead of pretending, and keeps what was typed. */
  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  form = form_page (f);
  set_field (f, "name", "Maria Rossi");
  set_field (f, "email", "maria.rossi@example.it");
  foyer_form_page_set_consent (form, TRUE);
  g_assert_false (foyer_form_page_submit (form));
  g_assert_cmpstr (foyer_window_get_visible_page_name (f->window), ==, "form");
  g_assert_cmpstr (foyer_form_page_get_error (form, "submit"), !=, "");
  g_assert_cmpstr (get_field (f, "name"), ==, "Maria Rossi");
  foyer_test_ui_spin (50);
  shot (f, "store-unavailable", "form");

  /* A badge cannot be looked up either: a clear notice, no crash. */
  activate (f, "win.go-home", NULL);
  scan_text (f, "EXPO26-000123");
  foyer_test_ui_wait_page (f->window, "notice");
  g_assert_cmpint (foyer_notice_page_get_kind (FOYER_NOTICE_PAGE (foyer_window_get_page (f->window, "notice"))),
                   ==, FOYER_NOTICE_STORE_ERROR);
  shot (f, "store-unavailable", "badge");
}

/* A database file that is not a database: the store moves it aside and starts afresh, and the
 * kiosk tells staff where the old one went. */
static void
fixture_set_up_corrupt (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *junk = g_strnfill (8192, 'x');
  g_autofree char *path = NULL;

  f->dir = foyer_test_make_tmpdir ("ui-corrupt");
  path = foyer_test_write_file (f->dir, "foyer.db", junk);
  fixture_start (f, data, NULL);
}

static void
test_store_recovered (Fixture       *f,
                      gconstpointer  data)
{
  FoyerStore *store = foyer_application_get_store (f->app);

  g_assert_nonnull (store);
  g_assert_nonnull (foyer_store_get_recovered_from (store));
  foyer_test_ui_wait_page (f->window, "scan");
  assert_visible_text (f, is_zh (f) ? "数据库已损坏" : "The database was damaged");
  assert_visible_text (f, foyer_store_get_recovered_from (store));
  shot (f, "store-recovered", "scan");

  /* And registering works on the fresh database. */
  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  set_field (f, "name", "Lucas Martin");
  set_field (f, "email", "lucas.martin@example.fr");
  foyer_form_page_set_consent (form_page (f), TRUE);
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
}

static void
add_both (const char *path,
          void      (*func) (Fixture *, gconstpointer))
{
  const char *languages[] = { "en", "zh_CN" };

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++) {
    g_autofree char *full = g_strdup_printf ("%s/%s", path, languages[i]);

    g_test_add (full, Fixture, languages[i], fixture_set_up, func, fixture_tear_down);
  }
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
  foyer_test_ui_init ();

  add_both ("/ui/language-switch", test_language_switch);
  add_both ("/ui/manual-form", test_manual_validation);
  add_both ("/ui/idle-timeout", test_idle_timeout);
  add_both ("/ui/card-review-register", test_card_review_register);
  add_both ("/ui/card-review-unverified-phone", test_card_review_unverified_phone);
  add_both ("/ui/contact-link", test_contact_link);
  add_both ("/ui/unknown-code", test_unknown_code);
  add_both ("/ui/badge-scan", test_badge_scan);
  add_both ("/ui/answer-pages", test_answer_pages);
  add_both ("/ui/keyboard-navigation", test_keyboard_navigation);
  add_both ("/ui/hardware-scanner", test_hardware_scanner);
  g_test_add ("/ui/signed-badge/en", Fixture, "en", fixture_set_up_signing,
              test_signed_badge, fixture_tear_down);
  g_test_add ("/ui/signed-badge/zh_CN", Fixture, "zh_CN", fixture_set_up_signing,
              test_signed_badge, fixture_tear_down);
  g_test_add_func ("/ui/sync-status/en", test_sync_status);
  g_test_add_func ("/ui/print-badge/en", test_print_badge);
  g_test_add ("/ui/camera-scan/en", Fixture, "en", fixture_set_up_camera,
              test_camera_scan, fixture_tear_down);
  g_test_add ("/ui/store-recovered/en", Fixture, "en", fixture_set_up_corrupt,
              test_store_recovered, fixture_tear_down);
  g_test_add ("/ui/store-recovered/zh_CN", Fixture, "zh_CN", fixture_set_up_corrupt,
              test_store_recovered, fixture_tear_down);
  g_test_add ("/ui/store-unavailable/en", Fixture, "en", fixture_set_up_broken,
              test_store_unavailable, fixture_tear_down);
  g_test_add ("/ui/store-unavailable/zh_CN", Fixture, "zh_CN", fixture_set_up_broken,
              test_store_unavailable, fixture_tear_down);
  return g_test_run ();
}
