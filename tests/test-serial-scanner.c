/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-serial-scanner.c: a serial scanner on a pseudo-terminal: lines become scans whatever
 * the line ending and however the bytes are split; a vanished device is a state, retried. */
#include "config.h"

#include <pty.h>
#include <unistd.h>

#include "foyer-serial-scanner.h"
#include "foyer-test-util.h"

typedef struct {
  GPtrArray *codes;
} Scans;

static void
scanned_cb (FoyerSerialScanner *scanner,
            GBytes             *code,
            Scans              *scans)
{
  g_ptr_array_add (scans->codes, g_strndup (g_bytes_get_data (code, NULL), g_bytes_get_size (code)));
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_for_scans (Scans *scans,
                guint  n,
                guint  ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);

  while (!timed_out && scans->codes->len < n)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static void
write_all (int         fd,
           const char *data)
{
  g_assert_cmpint (write (fd, data, strlen (data)), ==, (gssize)strlen (data));
}

static void
test_lines (void)
{
  int master, slave;
  char name[256];
  g_autoptr(FoyerSerialScanner) scanner = NULL;
  Scans scans = { g_ptr_array_new_with_free_func (g_free) };

  g_assert_cmpint (openpty (&master, &slave, name, NULL, NULL), ==, 0);
  scanner = foyer_serial_scanner_new (name);
  g_signal_connect (scanner, "scanned", G_CALLBACK (scanned_cb), &scans);
  foyer_serial_scanner_start (scanner);
  g_assert_true (foyer_serial_scanner_get_available (scanner));

  write_all (master, "EXPO2026-V-000123\r");
  write_all (master, "BADGE");
  wait_for_scans (&scans, 1, 2000);
  write_all (master, "-42\r\n\r\nMECARD:N:王,芳;;\n");
  wait_for_scans (&scans, 3, 2000);

  g_assert_cmpuint (scans.codes->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (scans.codes, 0), ==, "EXPO2026-V-000123");
  g_assert_cmpstr (g_ptr_array_index (scans.codes, 1), ==, "BADGE-42");
  g_assert_cmpstr (g_ptr_array_index (scans.codes, 2), ==, "MECARD:N:王,芳;;");

  foyer_serial_scanner_stop (scanner);
  close (master);
  close (slave);
  g_ptr_array_unref (scans.codes);
}

static gboolean available_changed;

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  available_changed = TRUE;
}

static void
test_missing_and_unplugged (void)
{
  g_autoptr(FoyerSerialScanner) missing = foyer_serial_scanner_new ("/dev/ttyFOYER-missing");
  g_autoptr(FoyerSerialScanner) scanner = NULL;
  gboolean timed_out = FALSE;
  int master, slave;
  char name[256];

  foyer_serial_scanner_set_retry_seconds (missing, 1);
  foyer_serial_scanner_start (missing);
  g_assert_false (foyer_serial_scanner_get_available (missing));
  g_assert_nonnull (foyer_serial_scanner_get_detail (missing));

  g_assert_cmpint (openpty (&master, &slave, name, NULL, NULL), ==, 0);
  scanner = foyer_serial_scanner_new (name);
  foyer_serial_scanner_set_retry_seconds (scanner, 1);
  foyer_serial_scanner_start (scanner);
  g_assert_true (foyer_serial_scanner_get_available (scanner));
  g_signal_connect (scanner, "notify::available", G_CALLBACK (notify_cb), NULL);

  /* Unplugged: the other end of the line goes away; the scanner notices without crashing. */
  close (slave);
  close (master);
  g_timeout_add (3000, timeout_cb, &timed_out);
  while (!timed_out && !available_changed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (available_changed);
  g_assert_false (foyer_serial_scanner_get_available (scanner));

  foyer_serial_scanner_stop (scanner);
  foyer_serial_scanner_stop (missing);
}

static void
test_config (void)
{
  g_autoptr(FoyerConfig) none = foyer_config_new_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config =
    foyer_config_load_from_data ("[scanner]\nserial=/dev/ttyACM7\n", "test", &error);
  g_autoptr(FoyerSerialScanner) scanner = NULL;

  g_assert_null (foyer_serial_scanner_new_from_config (none));
  g_assert_no_error (error);
  scanner = foyer_serial_scanner_new_from_config (config);
  g_assert_nonnull (scanner);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/serial-scanner/lines", test_lines);
  g_test_add_func ("/serial-scanner/missing-and-unplugged", test_missing_and_unplugged);
  g_test_add_func ("/serial-scanner/config", test_config);
  return g_test_run ();
}
