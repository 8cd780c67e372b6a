/* test-ui-admin.c: the staff side of the kiosk under a real X server: the PIN pad (right PIN,
 * wrong PIN, lockout with an injected clock) and the admin page. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "foyer-application.h"
#include "foyer-pin-page.h"
#include "foyer-test-util.h"
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
  gtk_window_present (GTK_WINDOW (window));
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
  return g_test_run ();
}
