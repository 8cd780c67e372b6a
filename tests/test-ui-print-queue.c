/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ui-print-queue.c: badge printing at the kiosk, under Xvfb, against the test's own cupsd
 * with two cups-pdf queues: auto-print on registration, a second print that needs the staff PIN,
 * the first printer disabled mid-run (the badge comes out of the second, the banner tells staff,
 * nothing printed twice), and Admin's printing section. Screenshots in both languages go to
 * meson-logs/screenshots/ (print-queue-*).
 */
#include "config.h"

#include <unistd.h>

#include "foyer-admin-page.h"
#include "foyer-form-page.h"
#include "foyer-pin-page.h"
#include "foyer-test-util-ui.h"
#include "foyer-test-util.h"
#include "foyer-window-private.h"
#include "print-test-util.h"

#define PIN "2468"

typedef struct {
  char             *language;
  char             *queue_a;
  char             *queue_b;
  char             *dir_a;
  char             *dir_b;
  FoyerConfig      *config;
  FoyerApplication *app;
  FoyerWindow      *window;
} Fixture;

static void
start (Fixture *f)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("ui-print");
  g_autofree char *hash = foyer_pin_hash (PIN, 1000, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  static guint serial;
  g_autofree char *id = g_strdup_printf ("io.github.foyer.Foyer.PrintTest%u_%u", getpid (),
                                         ++serial);

  text = g_strdup_printf ("[kiosk]\nid=entrance-03\nevent=expo-2026\nlanguage=%s\n"
                          "admin-pin-hash=%s\n[storage]\ndatabase=%s/foyer.db\n"
                          "[camera]\nsource=none\n"
                          "[badge]\nprinter=%s;%s\nprint-on=registration\nfailover-seconds=20\n",
                          f->language, hash, dir, f->queue_a, f->queue_b);
  f->config = foyer_config_load_from_data (text, "test.conf", &error);
  g_assert_no_error (error);
  f->app = g_object_new (FOYER_TYPE_APPLICATION, "application-id", id,
                         "resource-base-path", "/io/github/foyer/Foyer",
                         "flags", G_APPLICATION_NON_UNIQUE, NULL);
  f->window = foyer_test_ui_start (f->app, f->config);
  g_assert_nonnull (f->window->print_queue);
}

static void
shot (Fixture *f, const char *step)
{
  g_autofree char *name = g_strdup_printf ("print-queue-%s-%s", step, f->language);
  g_autofree char *path = foyer_test_ui_screenshot (GTK_WIDGET (f->window), name);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
activate (Fixture *f, const char *action, GVariant *parameter)
{
  GtkWidget *target = g_str_has_prefix (action, "form.") ? foyer_window_get_page (f->window, "form")
                                                         : GTK_WIDGET (f->window);

  g_assert_true (gtk_widget_activate_action_variant (target, action, parameter));
  foyer_test_ui_spin (30);
}

static void
register_visitor (Fixture *f, const char *name, const char *email)
{
  FoyerFormPage *form;

  activate (f, "win.register-manually", NULL);
  foyer_test_ui_wait_page (f->window, "form");
  form = FOYER_FORM_PAGE (foyer_window_get_page (f->window, "form"));
  gtk_editable_set_text (foyer_form_page_get_field (form, "name"), name);
  gtk_editable_set_text (foyer_form_page_get_field (form, "email"), email);
  foyer_form_page_set_consent (form, TRUE);
  activate (f, "form.register", NULL);
  foyer_test_ui_wait_page (f->window, "done");
}

static void
enter_pin (Fixture *f)
{
  FoyerPinPage *pin = FOYER_PIN_PAGE (foyer_window_get_page (f->window, "pin"));

  foyer_test_ui_wait_page (f->window, "pin");
  foyer_pin_page_type (pin, PIN);
  foyer_pin_page_submit (pin);
  foyer_test_ui_spin (50);
}

typedef struct {
  const char *dir;
  guint       n;
} PdfWait;

static gboolean
pdfs_arrived (gpointer user_data)
{
  PdfWait *wait = user_data;

  return print_test_count_pdfs (wait->dir) >= wait->n;
}

static void
wait_pdfs (const char *dir, guint n)
{
  PdfWait wait = { dir, n };

  g_assert_true (foyer_test_ui_wait_for (pdfs_arrived, &wait, 60000));
}

static gboolean
all_printed (gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(GPtrArray) jobs = foyer_print_queue_list_jobs (f->window->print_queue, 0, NULL);

  for (guint i = 0; i < jobs->len; i++)
    if (((FoyerPrintJob *)g_ptr_array_index (jobs, i))->state != FOYER_PRINT_JOB_PRINTED)
      return FALSE;
  return jobs->len > 0;
}

static gboolean
banner_shown (gpointer user_data)
{
  Fixture *f = user_data;

  return gtk_revealer_get_child_revealed (f->window->print_revealer);
}

static void
assert_text (Fixture *f, GtkWidget *widget, const char *needle)
{
  g_autofree char *text = foyer_test_ui_visible_text (widget);

  if (strstr (text, needle) == NULL)
    g_error ("“%s” is not on screen (%s):\n%s", needle, f->language, text);
}

static gboolean
is_zh (Fixture *f)
{
  return g_strcmp0 (f->language, "zh_CN") == 0;
}

static GtkWidget *
find_type (GtkWidget *widget, const char *type_name)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), type_name))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found = find_type (child, type_name);

    if (found != NULL)
      return found;
  }
  return NULL;
}

/* Admin, scrolled to the printing section. */
static void
show_admin_printing (Fixture *f)
{
  GtkWidget *admin, *view;
  GtkAdjustment *adjustment;
  double x = 0, y = 0;

  activate (f, "win.open-admin", NULL);
  enter_pin (f);
  foyer_test_ui_wait_page (f->window, "admin");
  admin = foyer_window_get_page (f->window, "admin");
  view = find_type (admin, "FoyerPrintQueueView");
  g_assert_nonnull (view);
  adjustment = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (find_type (admin, "GtkScrolledWindow")));
  foyer_test_ui_spin (100);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_true (gtk_widget_translate_coordinates (view, admin, 0, 0, &x, &y));
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + y - 12);
  foyer_test_ui_spin (200);
}

static void
test_print_queue_ui (gconstpointer data)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *reason = NULL;
  g_autofree char *banner = NULL;
  GtkWidget *admin;

  if (!print_test_start_cupsd (&reason)) {
    g_test_skip (reason);
    return;
  }
  foyer_test_ui_fix_icons ();
  f->language = g_strdup (data);
  f->queue_a = print_test_add_queue (is_zh (f) ? "uza" : "uea", &f->dir_a);
  f->queue_b = print_test_add_queue (is_zh (f) ? "uzb" : "ueb", &f->dir_b);
  start (f);

  /* print-on=registration: the badge prints by itself on the first printer. */
  register_visitor (f, "Priya Natarajan", "priya@example.in");
  wait_pdfs (f->dir_a, 1);
  g_assert_false (gtk_revealer_get_reveal_child (f->window->print_revealer));

  /* A second print of the same badge: the staff PIN first, then it prints. */
  activate (f, "win.print-badge", NULL);
  foyer_test_ui_wait_page (f->window, "pin");
  assert_text (f, GTK_WIDGET (f->window), is_zh (f) ? "已打印过" : "printed already");
  shot (f, "reprint-pin");
  enter_pin (f);
  foyer_test_ui_wait_page (f->window, "done");
  wait_pdfs (f->dir_a, 2);
  /* Both finished at CUPS before the printer is stopped (one stopped mid-print is staff's). */
  g_assert_true (foyer_test_ui_wait_for (all_printed, f, 60000));

  /* Mid-run the first printer is stopped: the next badge comes out of the second, staff see the
   * banner. */
  print_test_cups_command ("cupsdisable", f->queue_a);
  activate (f, "win.go-home", NULL);
  register_visitor (f, "王芳", "wangfang@example.org.cn");
  wait_pdfs (f->dir_b, 1);
  g_assert_true (foyer_test_ui_wait_for (banner_shown, f, 20000));
  banner = g_strdup (gtk_label_get_text (f->window->print_label));
  g_test_message ("banner: %s", banner);
  g_assert_nonnull (strstr (banner, f->queue_a));
  g_assert_nonnull (strstr (banner, f->queue_b));
  g_assert_nonnull (strstr (banner, is_zh (f) ? "已停止" : "Stopped"));
  shot (f, "failover-banner");

  /* Admin: each printer's state through CUPS, and the queue. */
  show_admin_printing (f);
  admin = foyer_window_get_page (f->window, "admin");
  assert_text (f, admin, f->queue_a);
  assert_text (f, admin, is_zh (f) ? "已停止" : "Stopped");
  assert_text (f, admin, is_zh (f) ? "胸卡从这里打印" : "Badges print here");
  assert_text (f, admin, is_zh (f) ? "补打" : "reprint");
  shot (f, "admin");

  /* Nothing printed twice. */
  foyer_test_ui_spin (1500);
  g_assert_cmpuint (print_test_count_pdfs (f->dir_a), ==, 2);
  g_assert_cmpuint (print_test_count_pdfs (f->dir_b), ==, 1);

  print_test_cups_command ("cupsenable", f->queue_a);
  foyer_test_ui_stop (f->app);
  g_clear_object (&f->app);
  g_clear_object (&f->config);
  g_free (f->language);
  g_free (f->queue_a);
  g_free (f->queue_b);
  g_free (f->dir_a);
  g_free (f->dir_b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  foyer_test_ui_init ();

  g_test_add_data_func ("/ui/print-queue/en", "en", test_print_queue_ui);
  g_test_add_data_func ("/ui/print-queue/zh_CN", "zh_CN", test_print_queue_ui);

  return g_test_run ();
}
