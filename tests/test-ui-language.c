/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ui-language.c: the kiosk shows ONE language, the one its toggle shows, when it is started
 * the way a user starts it (LANG=C.UTF-8, or LANG unset; no LANGUAGE; the catalogue found in
 * the build tree without FOYER_LOCALEDIR: see foyer_test_ui_init()).
 *
 * Every page of the entrance and of a booth tablet is visited in both languages, and every
 * label on screen is checked: on the Chinese screen a label equal to a msgid that the catalogue
 * translates, or a label with Latin words that are not the visitor's or the organiser's own
 * data, fails; on the English screen a label with Chinese characters that are not data fails.
 * Each page is also saved as a screenshot (lang-PAGE-LANGUAGE.png). */
#include "config.h"

#include <libintl.h>
#include <unistd.h>

#include "foyer-badge-code.h"
#include "foyer-form-page.h"
#include "foyer-pin-page.h"
#include "foyer-pin.h"
#include "foyer-test-util-ui.h"
#include "foyer-test-util.h"
#include "foyer-window-staff.h"

#define STAFF_PIN "246810"

/* What visitors and the organiser wrote: shown as written in either language. */
static const char *const data_strings[] = {
  /* the GB18030 card */
  "王芳", "上海精密仪器有限公司", "采购经理", "wang.fang@example.cn", "+86 138 0013 8000",
  "+8613800138000",
  /* the pre-registration and the config */
  "张伟", "EXPO26-000123", "expo-2026", "entrance-02", "booth-tablet-1", "Hall 2 B-17",
  "li.na", "Electronics", "Machinery", "Budget for this year", "今年预算", "< 100k", "> 1M",
  "100k–1M",
  /* the language toggle names each language in itself */
  "中文", "English",
  /* names and formats that Chinese text writes in Latin letters too */
  "FAIR2027", "foyerctl set-pin", "Foyer", "CSV", "vCard", "MECARD", "QR", "USB", "PIN",
  NULL
};

typedef struct {
  char             *dir;
  const char       *language;
  FoyerApplication *app;
  FoyerWindow      *window;
  GString          *problems;
} Fixture;

static gboolean
is_zh (Fixture *f)
{
  return g_strcmp0 (f->language, "zh_CN") == 0;
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *out)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget)) {
    const char *text = gtk_label_get_text (GTK_LABEL (widget));

    if (text != NULL && *text != '\0')
      g_ptr_array_add (out, g_strdup (text));
  }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, out);
}

static gboolean
has_han (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if ((c >= 0x3000 && c <= 0x9fff) || (c >= 0xff00 && c <= 0xffef))
      return TRUE;
  }
  return FALSE;
}

/* A word of two or more Latin letters (single letters are units and list markers). */
static gboolean
has_latin_word (const char *text)
{
  guint run = 0;

  for (const char *p = text; *p != '\0'; p++) {
    run = g_ascii_isalpha (*p) ? run + 1 : 0;
    if (run >= 2)
      return TRUE;
  }
  return FALSE;
}

static char *
without_data (const char *label)
{
  g_autofree char *rest = g_strdup (label);

  for (guint i = 0; data_strings[i] != NULL; i++) {
    g_auto(GStrv) parts = g_strsplit (rest, data_strings[i], -1);

    g_free (rest);
    rest = g_strjoinv (" ", parts);
  }
  return g_steal_pointer (&rest);
}

/* Checks every label on screen against the expected language and saves a screenshot. */
static void
check_screen (Fixture    *f,
              const char *where)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = g_strdup_printf ("lang-%s-%s", where, f->language);

  foyer_test_ui_spin (100);
  collect_labels (GTK_WIDGET (f->window), labels);
  g_assert_cmpuint (labels->len, >, 0);
  for (guint i = 0; i < labels->len; i++) {
    const char *label = g_ptr_array_index (labels, i);
    g_autofree char *rest = without_data (label);

    /* dgettext(), not g_dgettext(): the latter is what went wrong. */
    if (is_zh (f) && strcmp (dgettext (GETTEXT_PACKAGE, label), label) != 0)
      g_string_append_printf (f->problems, "%s/%s: “%s” is not translated (catalogue: “%s”)\n",
                              f->language, where, label, dgettext (GETTEXT_PACKAGE, label));
    else if (is_zh (f) && has_latin_word (rest))
      g_string_append_printf (f->problems, "%s/%s: “%s” is English on the Chinese screen\n",
                              f->language, where, label);
    else if (!is_zh (f) && has_han (rest))
      g_string_append_printf (f->problems, "%s/%s: “%s” is Chinese on the English screen\n",
                              f->language, where, label);
  }
  g_free (foyer_test_ui_screenshot (GTK_WIDGET (f->window), name));
}

/* msgid is on screen in the expected language (the catalogue's text on the Chinese screen). */
static void
assert_shown (Fixture    *f,
              const char *msgid)
{
  g_autofree char *text = foyer_test_ui_visible_text (GTK_WIDGET (f->window));
  const char *expected = is_zh (f) ? dgettext (GETTEXT_PACKAGE, msgid) : msgid;

  if (is_zh (f))
    g_assert_cmpstr (expected, !=, msgid);
  if (strstr (text, expected) == NULL)
    g_error ("“%s” is not on screen; it shows:\n%s", expected, text);
}

static void
start_with_pin (Fixture    *f,
                const char *mode_lines,
                gboolean    with_pin);

static void
start (Fixture    *f,
       const char *mode_lines)
{
  start_with_pin (f, mode_lines, TRUE);
}

static void
start_with_pin (Fixture    *f,
                const char *mode_lines,
                gboolean    with_pin)
{
  static guint serial;
  g_autofree char *id = g_strdup_printf ("io.github.foyer.Foyer.LangTest%u_%u", getpid (), ++serial);
  g_autofree char *hash = foyer_pin_hash (STAFF_PIN, 1000, NULL);
  g_autofree char *text = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  text = g_strdup_printf ("[kiosk]\nevent=expo-2026\nlanguage=%s\nadmin-pin-hash=%s\n"
                          "interests=Electronics;Machinery\n%s\n"
                          "[storage]\ndatabase=%s/foyer.db\n[camera]\nsource=none\n",
                          f->language, with_pin ? hash : "", mode_lines, f->dir);
  config = foyer_config_load_from_data (text, "language.conf", &error);
  g_assert_no_error (error);
  f->app = g_object_new (FOYER_TYPE_APPLICATION, "application-id", id,
                         "resource-base-path", "/io/github/foyer/Foyer",
                         "flags", G_APPLICATION_NON_UNIQUE, NULL);
  f->window = foyer_test_ui_start (f->app, config);
  /* The toggle shows the language the test expects, and so must every string. */
  g_assert_cmpstr (foyer_window_get_language (f->window), ==, f->language);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->language = data;
  f->dir = foyer_test_make_tmpdir ("ui-language");
  f->problems = g_string_new (NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->app != NULL)
    foyer_test_ui_stop (f->app);
  g_clear_object (&f->app);
  g_free (f->dir);
  g_string_free (f->problems, TRUE);
}

static void
activate_on (GtkWidget  *target,
             const char *action,
             GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (target, action, parameter));
  foyer_test_ui_spin (30);
}

static void
scan (Fixture      *f,
      const guint8 *data,
      gsize         len)
{
  activate_on (GTK_WIDGET (f->window), "win.scan-code",
               g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1));
}

static void
add_prereg (Fixture *f)
{
  FoyerStore *store = foyer_application_get_store (f->app);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  FoyerRegistration *reg = foyer_registration_new ();
  g_autoptr(GError) error = NULL;
  guint inserted = 0, updated = 0;

  reg->event = g_strdup ("expo-2026");
  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  reg->badge_code = g_strdup ("EXPO26-000123");
  reg->full_name = g_strdup ("张伟");
  reg->organization = g_strdup ("上海精密仪器有限公司");
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);
  g_ptr_array_add (list, reg);
  g_assert_nonnull (store);
  g_assert_true (foyer_store_import_preregistrations (store, list, &inserted, &updated, &error));
  g_assert_no_error (error);
}

/* A business card from a Chinese address book, encoded in GB18030. */
static GBytes *
gb18030_vcard (void)
{
  static const char card[] =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:王;芳;;;\r\nFN:王芳\r\n"
    "ORG:上海精密仪器有限公司\r\nTITLE:采购经理\r\nTEL;TYPE=CELL:+86 138 0013 8000\r\n"
    "EMAIL:wang.fang@example.cn\r\nADR;TYPE=WORK:;;浦东新区张江路 88 号;上海;;201203;中国\r\n"
    "END:VCARD\r\n";
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  char *encoded = g_convert (card, -1, "GB18030", "UTF-8", NULL, &len, &error);

  g_assert_no_error (error);
  return g_bytes_new_take (encoded, len);
}

static void
enter_pin_to (Fixture    *f,
              const char *page)
{
  FoyerPinPage *pin = FOYER_PIN_PAGE (foyer_window_get_page (f->window, "pin"));

  foyer_pin_page_type (pin, STAFF_PIN);
  foyer_pin_page_submit (pin);
  foyer_test_ui_wait_page (f->window, page);
}

static void
enter_pin (Fixture *f)
{
  enter_pin_to (f, "admin");
}

static gint64 clock_now;

static gint64
test_clock (gpointer user_data)
{
  return clock_now;
}

/* Five wrong PINs lock the pad for a minute; five more after it lock it for five. */
static void
lock_pin_pad_twice (Fixture *f)
{
  FoyerPinPage *pin = FOYER_PIN_PAGE (foyer_window_get_page (f->window, "pin"));

  clock_now = g_get_real_time ();
  foyer_pin_guard_set_clock (foyer_window_get_pin_guard (f->window), test_clock, NULL);
  for (int run = 0; run < 2; run++) {
    for (int i = 0; i < FOYER_PIN_MAX_ATTEMPTS; i++) {
      foyer_pin_page_type (pin, "135790");
      foyer_pin_page_submit (pin);
      if (run == 1 && i == 0)
        check_screen (f, "pin-wrong-next-lock");
    }
    if (run == 0)
      clock_now += 60 * G_USEC_PER_SEC;
  }
  g_assert_cmpint (foyer_pin_guard_lock_remaining (foyer_window_get_pin_guard (f->window)), ==, 300);
  g_assert_cmpstr (foyer_pin_page_get_message (pin), ==,
                   is_zh (f) ? "密码错误次数过多。请在 5 分钟后重试。"
                             : "Too many wrong PINs. Try again in 5 minutes.");
}

static void
finish (Fixture *f)
{
  if (f->problems->len > 0)
    g_error ("strings in the wrong language (LANG=%s):\n%s",
             g_getenv ("LANG") != NULL ? g_getenv ("LANG") : "(unset)", f->problems->str);
}

static void
test_entrance (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *window;
  g_autoptr(GBytes) card = gb18030_vcard ();
  FoyerFormPage *form;

  start (f, "id=entrance-02\n");
  window = GTK_WIDGET (f->window);
  add_prereg (f);
  assert_shown (f, "camera unavailable — use the scanner or the keyboard");
  assert_shown (f, "Register without a code");
  check_screen (f, "scan");

  activate_on (window, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  check_screen (f, "form");
  /* Submitting the empty form shows the inline errors. */
  g_assert_false (foyer_form_page_submit (FOYER_FORM_PAGE (foyer_window_get_page (f->window,
                                                                                  "form"))));
  check_screen (f, "form-errors");
  activate_on (window, "win.go-home", NULL);

  scan (f, g_bytes_get_data (card, NULL), g_bytes_get_size (card));
  foyer_test_ui_wait_page (f->window, "form");
  form = FOYER_FORM_PAGE (foyer_window_get_page (f->window, "form"));
  /* The card was read as GB18030, under labels in the screen's language. */
  g_assert_cmpstr (gtk_editable_get_text (foyer_form_page_get_field (form, "name")), ==, "王芳");
  g_assert_cmpstr (gtk_editable_get_text (foyer_form_page_get_field (form, "organization")), ==,
                   "上海精密仪器有限公司");
  assert_shown (f, "Full name *");
  check_screen (f, "review-gb18030");
  foyer_form_page_set_category (form, FOYER_CATEGORY_TRADE_VISITOR);
  foyer_form_page_set_consent (form, TRUE);
  g_assert_true (foyer_form_page_submit (form));
  foyer_test_ui_wait_page (f->window, "done");
  check_screen (f, "done");
  activate_on (window, "win.print-badge", NULL);
  check_screen (f, "done-print-toast");

  activate_on (window, "win.go-home", NULL);
  scan (f, (const guint8 *)"EXPO26-000123", 13);
  foyer_test_ui_wait_page (f->window, "welcome");
  check_screen (f, "welcome");
  activate_on (window, "win.go-home", NULL);
  scan (f, (const guint8 *)"EXPO26-000123", 13);
  foyer_test_ui_wait_page (f->window, "welcome");
  check_screen (f, "welcome-repeat");

  activate_on (window, "win.go-home", NULL);
  scan (f, (const guint8 *)"https://www.example.com/page?id=42", 34);
  foyer_test_ui_wait_page (f->window, "notice");
  check_screen (f, "notice");

  /* Someone trying ticket numbers: scanning pauses until staff enter the PIN. */
  activate_on (window, "win.go-home", NULL);
  for (int i = 0; i < 10; i++) {
    g_autofree char *guess = g_strdup_printf ("EXPO26-%06d", 500 + i);

    scan (f, (const guint8 *)guess, strlen (guess));
  }
  foyer_test_ui_wait_page (f->window, "pin");
  assert_shown (f, "Scanning is paused: too many unknown codes in a short time. Staff: enter "
                   "the PIN to resume.");
  check_screen (f, "scan-locked");
  enter_pin_to (f, foyer_window_get_home_page_name (f->window));
  scan (f, (const guint8 *)"EXPO26-000123", 13);
  foyer_test_ui_wait_page (f->window, "welcome");

  activate_on (window, "win.go-home", NULL);
  activate_on (window, "win.open-admin", NULL);
  foyer_test_ui_wait_page (f->window, "pin");
  check_screen (f, "pin");
  lock_pin_pad_twice (f);
  check_screen (f, "pin-locked-minutes");
  clock_now += G_GINT64_CONSTANT (300) * G_USEC_PER_SEC;
  enter_pin (f);
  {
    g_autofree char *text = foyer_test_ui_visible_text (GTK_WIDGET (f->window));

    g_assert_nonnull (strstr (text, is_zh (f) ? "过去 24 小时内有 10 次密码输入错误"
                                              : "10 wrong PIN entries in the last 24 hours"));
  }
  check_screen (f, "admin");
  finish (f);
}

static void
test_booth (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *window;
  GtkWidget *lead;

  start (f, "id=booth-tablet-1\nmode=booth\nbooth=Hall 2 B-17\nstaff-id=li.na\n"
            "questions=budget\n[question:budget]\nlabel=Budget for this year\n"
            "label[zh_CN]=今年预算\ntype=single\noptions=< 100k;100k–1M;> 1M\n");
  window = GTK_WIDGET (f->window);
  add_prereg (f);
  check_screen (f, "booth-home");

  scan (f, (const guint8 *)"EXPO26-000123", 13);
  foyer_test_ui_wait_page (f->window, "lead");
  check_screen (f, "booth-lead");
  lead = foyer_window_get_page (f->window, "lead");
  activate_on (lead, "lead.rate", g_variant_new_string ("hot"));
  activate_on (lead, "lead.save", NULL);
  foyer_test_ui_wait_page (f->window, foyer_window_get_home_page_name (f->window));
  assert_shown (f, "Lead saved.");
  check_screen (f, "booth-lead-saved");

  activate_on (window, "win.show-leads", NULL);
  foyer_test_ui_wait_page (f->window, "leads");
  check_screen (f, "booth-leads");
  finish (f);
}

/* A genuine badge of another event, at the entrance and at a booth: the visitor reads that it
 * is not on the list, staff read both events, in the screen's language. */
static void
test_wrong_event (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *private_path = g_build_filename (f->dir, "sign.pem", NULL);
  g_autofree char *public_path = g_build_filename (f->dir, "verify.pem", NULL);
  g_autofree char *lines = NULL;
  g_autofree char *badge = NULL;
  g_autoptr(FoyerBadgeCode) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  g_assert_true (foyer_badge_code_generate_keys (private_path, public_path, &error));
  g_assert_no_error (error);
  code = foyer_badge_code_new (private_path, public_path, &error);
  g_assert_no_error (error);
  badge = foyer_badge_code_sign (code, "FAIR2027", "3f2a9c4e-0b1d-4a57-9d1e-5c6b7a8f9e01", &error);
  g_assert_no_error (error);

  lines = g_strdup_printf ("id=booth-tablet-1\nmode=booth\n[badge]\nsigning-key=%s\n",
                           private_path);
  start (f, lines);
  scan (f, (const guint8 *)badge, strlen (badge));
  foyer_test_ui_wait_page (f->window, "notice");
  reason = g_strdup_printf (is_zh (f) ? dgettext (GETTEXT_PACKAGE, "The badge was issued for the "
                                                  "event “%s”, this kiosk checks in “%s”.")
                                      : "The badge was issued for the event “%s”, this kiosk "
                                        "checks in “%s”.", "FAIR2027", "expo-2026");
  {
    g_autofree char *text = foyer_test_ui_visible_text (GTK_WIDGET (f->window));

    if (strstr (text, reason) == NULL)
      g_error ("“%s” is not on screen; it shows:\n%s", reason, text);
  }
  check_screen (f, "booth-wrong-event");
  finish (f);
}

/* A booth tablet stands unattended: without a PIN, Admin stays shut even when not fullscreen. */
static void
test_booth_without_pin (Fixture       *f,
                        gconstpointer  data)
{
  start_with_pin (f, "id=booth-tablet-1\nmode=booth\n", FALSE);
  activate_on (GTK_WIDGET (f->window), "win.open-admin", NULL);
  foyer_test_ui_wait_page (f->window, "pin");
  assert_shown (f, "No staff PIN is set. Set one with “foyerctl set-pin”.");
  check_screen (f, "booth-admin-needs-pin");
  finish (f);
}

int
main (int argc, char **argv)
{
  static const char *const languages[] = { "zh_CN", "en" };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* --user-lang=C.UTF-8 or --user-lang=unset: LANG as the user's session has it. */
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--user-lang="))
      g_setenv ("FOYER_TEST_LANG", argv[i] + strlen ("--user-lang="), TRUE);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL) {
    g_test_message ("no display: run the suite with the README's test command (xvfb-run)");
    g_test_fail ();
    return 1;
  }
  foyer_test_ui_init ();
  adw_init ();

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++) {
    g_autofree char *entrance = g_strdup_printf ("/ui-language/entrance/%s", languages[i]);
    g_autofree char *booth = g_strdup_printf ("/ui-language/booth/%s", languages[i]);

    g_test_add (entrance, Fixture, languages[i], fixture_set_up, test_entrance, fixture_tear_down);
    g_autofree char *booth_no_pin = g_strdup_printf ("/ui-language/booth-without-pin/%s",
                                                     languages[i]);

    g_test_add (booth, Fixture, languages[i], fixture_set_up, test_booth, fixture_tear_down);
    g_autofree char *wrong_event = g_strdup_printf ("/ui-language/booth-wrong-event/%s",
                                                    languages[i]);

    g_test_add (booth_no_pin, Fixture, languages[i], fixture_set_up, test_booth_without_pin,
                fixture_tear_down);
    g_test_add (wrong_event, Fixture, languages[i], fixture_set_up, test_wrong_event,
                fixture_tear_down);
  }
  return g_test_run ();
}
