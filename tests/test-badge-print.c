/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-badge-print.c: printing badges through a real CUPS and the cups-pdf virtual printer.
 *
 * tests/cups/setup-cups.sh starts cupsd when it is not running (as root; CI is root on a fresh
 * machine without systemd) and creates a cups-pdf queue writing into a directory of ours. The
 * printed PDF is rasterized with pdftoppm and its QR code must be exactly the badge payload.
 * Where CUPS cannot run (not root and no cupsd) the CUPS tests are reported as TAP skips with the
 * reason; the test without a print service runs everywhere.
 */
#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>
#include <cups/cups.h>
#include <sqlite3.h>

#include "foyer-core.h"
#include "foyer-test-util.h"
#include "badge-test-util.h"
#include "print-test-util.h"

#define EVENT "expo-2026"

static struct {
  gboolean  tried;
  gboolean  ready;
  char     *skip_reason;
  char     *queue;
  char     *broken_queue;
  GPtrArray *state_queues;
  char     *outdir;
  char     *keys_dir;
  char     *signing_key;
  char     *verify_key;
} cups;

static void
remove_queues (void)
{
  if (cups.queue != NULL)
    print_test_run_setup ((const char * const[]) { "remove", cups.queue, NULL }, NULL);
  if (cups.broken_queue != NULL)
    print_test_run_setup ((const char * const[]) { "remove", cups.broken_queue, NULL }, NULL);
  for (guint i = 0; cups.state_queues != NULL && i < cups.state_queues->len; i++)
    print_test_run_setup ((const char * const[]) { "remove",
                                                    g_ptr_array_index (cups.state_queues, i),
                                                    NULL }, NULL);
  g_clear_pointer (&cups.state_queues, g_ptr_array_unref);
}

static gboolean
need_cups (void)
{
  if (!cups.tried) {
    g_autofree char *line = NULL;
    int status;

    cups.tried = TRUE;
    /* Unique across concurrent runs, and dated so that setup-cups.sh can remove the queues of a
     * crashed run later. */
    gint64 epoch = g_get_real_time () / G_USEC_PER_SEC;
    cups.queue = g_strdup_printf ("foyer-test-%d-%" G_GINT64_FORMAT, (int)getpid (), epoch);
    cups.broken_queue = g_strdup_printf ("foyer-test-broken-%d-%" G_GINT64_FORMAT,
                                         (int)getpid (), epoch);
    cups.outdir = foyer_test_make_tmpdir ("cups-pdf");
    status = print_test_run_setup ((const char * const[]) { "create", cups.queue, cups.outdir,
                                                            NULL }, &line);
    if (status == 77) {
      cups.skip_reason = g_strdup_printf ("CUPS cannot run here: %s", line);
    } else {
      g_assert_cmpint (status, ==, 0);
      g_free (cups.outdir);
      cups.outdir = g_steal_pointer (&line);
      cups.ready = TRUE;
      atexit (remove_queues);
    }
  }
  if (!cups.ready)
    g_test_skip (cups.skip_reason);
  return cups.ready;
}

static void
ensure_keys (void)
{
  g_autoptr(GError) error = NULL;

  if (cups.keys_dir != NULL)
    return;
  cups.keys_dir = foyer_test_make_tmpdir ("print-keys");
  cups.signing_key = g_build_filename (cups.keys_dir, "badge-signing.pem", NULL);
  cups.verify_key = g_build_filename (cups.keys_dir, "badge-verify.pem", NULL);
  foyer_badge_code_generate_keys (cups.signing_key, cups.verify_key, &error);
  g_assert_no_error (error);
}

static FoyerStore *
open_store (char **path)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("print-store");
  g_autoptr(GError) error = NULL;
  FoyerStore *store;

  *path = g_build_filename (dir, "foyer.db", NULL);
  store = foyer_store_open (*path, &error);
  g_assert_no_error (error);
  return store;
}

/* The store has no reader for its print log (only foyer_store_record_print), so the test reads
 * the prints table itself: the newest print of record_id must match. */
static void
assert_print_recorded (FoyerStore *store, const char *db_path, const char *record_id,
                       const char *printer, gboolean success, const char *message)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT printer, success, message, printed_at FROM "
                                       "prints WHERE record_id = ?1 ORDER BY rowid DESC LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, printer);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, success ? 1 : 0);
  if (message != NULL)
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 2), ==, message);
  g_assert_nonnull (sqlite3_column_text (stmt, 3));
  g_test_message ("recorded: %s %s %s at %s", sqlite3_column_text (stmt, 0),
                  sqlite3_column_int (stmt, 1) ? "ok" : "failed", sqlite3_column_text (stmt, 2),
                  sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

typedef struct {
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} AsyncResult;

static void
printed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *r = user_data;

  r->ok = foyer_badge_printer_print_finish (FOYER_BADGE_PRINTER (source), result, &r->error);
  g_main_loop_quit (r->loop);
}

/* Prints through the kiosk's path (async, recorded on the record) and waits for the outcome. */
static gboolean
print_async_and_wait (FoyerBadgePrinter *printer, FoyerRegistration *reg, const char *payload,
                      FoyerStore *store, GError **error)
{
  AsyncResult r = { g_main_loop_new (NULL, FALSE), FALSE, NULL };

  foyer_badge_printer_print_async (printer, reg, payload, store, NULL, printed_cb, &r);
  g_main_loop_run (r.loop);
  g_main_loop_unref (r.loop);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

/* The newest PDF cups-pdf wrote into the output directory, waiting up to 30 s. */
static char *
wait_for_pdf (const char *dir)
{
  for (int i = 0; i < 300; i++) {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
      if (g_str_has_suffix (name, ".pdf")) {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        GStatBuf st;
        /* cups-pdf writes, then renames/chowns: wait until the size settles. */
        if (g_stat (path, &st) == 0 && st.st_size > 0) {
          goffset size = st.st_size;
          g_usleep (100 * 1000);
          if (g_stat (path, &st) == 0 && st.st_size == size)
            return g_steal_pointer (&path);
        }
      }
    }
    g_usleep (100 * 1000);
  }
  return NULL;
}

static void
remove_pdfs (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    g_unlink (path);
  }
}

static void
test_print_cups_pdf (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerBadgeCode) code = NULL;
  g_autoptr(FoyerBadgeRenderer) renderer = NULL;
  g_autoptr(FoyerBadgePrinter) printer = NULL;
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *raster_dir = NULL;
  g_autofree char *raster_prefix = NULL;
  g_autofree char *png = NULL;
  g_autofree char *decoded = NULL;
  gint64 start;

  if (!need_cups ())
    return;
  ensure_keys ();
  remove_pdfs (cups.outdir);

  store = open_store (&db);
  reg = print_test_add_visitor (store, EVENT);
  code = foyer_badge_code_new (cups.signing_key, cups.verify_key, &error);
  g_assert_no_error (error);
  payload = foyer_badge_payload_for_registration (reg, code, NULL, &error);
  g_assert_no_error (error);

  renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
  foyer_badge_renderer_set_event_name (renderer, "Expo 2026 博览会");
  printer = foyer_badge_printer_new (cups.queue, renderer);
  foyer_badge_printer_set_timeout (printer, 45);

  start = g_get_monotonic_time ();
  g_assert_true (print_async_and_wait (printer, reg, payload, store, &error));
  g_assert_no_error (error);
  g_test_message ("printed through CUPS in %.2f s", (g_get_monotonic_time () - start) / 1e6);

  pdf = wait_for_pdf (cups.outdir);
  g_assert_nonnull (pdf);
  g_test_message ("cups-pdf wrote %s", pdf);

  /* What the printer produced, rasterized as a 300 dpi printer would. */
  raster_dir = foyer_test_make_tmpdir ("raster");
  raster_prefix = g_build_filename (raster_dir, "page", NULL);
  {
    const char *argv[] = { "pdftoppm", "-r", "300", "-png", "-singlefile", pdf, raster_prefix,
                           NULL };
    g_autofree char *err = NULL;
    g_assert_cmpint (badge_test_run (argv, NULL, &err), ==, 0);
  }
  png = g_strconcat (raster_prefix, ".png", NULL);
  decoded = badge_test_decode_png (png);
  g_assert_cmpstr (decoded, ==, payload);

  {
    g_autoptr(FoyerBadgeCode) verifier = foyer_badge_code_new (NULL, cups.verify_key, &error);
    g_assert_no_error (error);
    g_assert_true (foyer_badge_code_verify (verifier, decoded, -1, EVENT, &info, &error));
    g_assert_no_error (error);
  }

  /* (No pdftotext here: the cups-pdf chain turns text into outlines. test-badge checks the text
   * of the PDF Foyer sends.) The job title names the record, never the visitor. */
  g_assert_nonnull (strstr (pdf, "Foyer_badge_"));

  assert_print_recorded (store, db, reg->id, cups.queue, TRUE, NULL);
}

static void
test_print_no_such_queue (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerBadgeRenderer) renderer = NULL;
  g_autoptr(FoyerBadgePrinter) printer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *queue = g_strdup_printf ("foyer-no-such-queue-%d", (int)getpid ());

  if (!need_cups ())
    return;
  store = open_store (&db);
  reg = print_test_add_visitor (store, EVENT);
  renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
  printer = foyer_badge_printer_new (queue, renderer);

  g_assert_false (print_async_and_wait (printer, reg, reg->id, store, &error));
  g_assert_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, queue));
  g_assert_nonnull (strstr (error->message, "[badge] printer"));

  assert_print_recorded (store, db, reg->id, queue, FALSE, error->message);
}

static void
run_command (const char *command, const char *queue)
{
  const char *argv[] = { command, queue, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (badge_test_run (argv, NULL, &err), ==, 0);
}

static void
test_print_disabled_queue (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerBadgeRenderer) renderer = NULL;
  g_autoptr(FoyerBadgePrinter) printer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  if (!need_cups ())
    return;
  store = open_store (&db);
  reg = print_test_add_visitor (store, EVENT);
  renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
  printer = foyer_badge_printer_new (cups.queue, renderer);

  run_command ("cupsdisable", cups.queue);
  g_assert_false (print_async_and_wait (printer, reg, reg->id, store, &error));
  run_command ("cupsenable", cups.queue);
  g_assert_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_STOPPED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "stopped"));
  g_assert_nonnull (strstr (error->message, "cupsenable"));
  assert_print_recorded (store, db, reg->id, cups.queue, FALSE, error->message);
  g_clear_error (&error);

  /* Not accepting jobs (cupsreject) is a different fix, and says so. */
  run_command ("cupsreject", cups.queue);
  g_assert_false (foyer_badge_printer_print (printer, reg, reg->id, NULL, &error));
  run_command ("cupsaccept", cups.queue);
  g_assert_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_STOPPED);
  g_assert_nonnull (strstr (error->message, "cupsaccept"));
}

static void
test_print_job_aborted (void)
{
  g_autoptr(FoyerBadgeRenderer) renderer = NULL;
  g_autoptr(FoyerBadgePrinter) printer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  FoyerRegistration reg = { 0 };
  int status;

  if (!need_cups ())
    return;
  status = print_test_run_setup ((const char * const[]) { "create-broken", cups.broken_queue,
                                                          NULL }, &line);
  if (status == 77) {
    g_test_skip (line);
    return;
  }
  g_assert_cmpint (status, ==, 0);

  reg.id = (char *)"0b7e2c64-1f7a-4c55-9d1e-2a3b4c5d6e7f";
  reg.full_name = (char *)"Li Na";
  renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_A6);
  printer = foyer_badge_printer_new (cups.broken_queue, renderer);
  foyer_badge_printer_set_timeout (printer, 30);
  g_assert_false (foyer_badge_printer_print (printer, &reg, reg.id, NULL, &error));
  g_assert_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_JOB_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "reprint"));
}

/* A queue whose printer reports reason (through a test backend, as a real label printer's backend
 * does), or NULL after a TAP skip. */
static char *
make_state_queue (const char *tag, const char *reason)
{
  g_autofree char *line = NULL;
  char *queue = g_strdup_printf ("foyer-test-%s-%d-%" G_GINT64_FORMAT, tag, (int)getpid (),
                                 g_get_real_time () / G_USEC_PER_SEC);
  int status = print_test_run_setup ((const char * const[]) { "create-state", queue, reason,
                                                              NULL }, &line);

  if (status == 77) {
    g_test_skip (line);
    g_free (queue);
    return NULL;
  }
  g_assert_cmpint (status, ==, 0);
  if (cups.state_queues == NULL)
    cups.state_queues = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (cups.state_queues, g_strdup (queue));
  return queue;
}

/* Out of labels and a label jam: reported at once, the job cancelled, the failure recorded. */
static void
test_print_out_of_labels (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerBadgeRenderer) renderer = NULL;
  g_autoptr(FoyerBadgePrinter) printer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *jam = NULL;

  if (!need_cups () || (empty = make_state_queue ("empty", "media-empty-error")) == NULL ||
      (jam = make_state_queue ("jam", "media-jam-error")) == NULL)
    return;
  store = open_store (&db);
  reg = print_test_add_visitor (store, EVENT);
  renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);

  printer = foyer_badge_printer_new (empty, renderer);
  foyer_badge_printer_set_timeout (printer, 30);
  g_assert_false (print_async_and_wait (printer, reg, reg->id, store, &error));
  g_assert_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_MEDIA_EMPTY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "out of labels"));
  assert_print_recorded (store, db, reg->id, empty, FALSE, error->message);
  g_clear_error (&error);
  g_clear_object (&printer);

  printer = foyer_badge_printer_new (jam, renderer);
  foyer_badge_printer_set_timeout (printer, 30);
  g_assert_false (foyer_badge_printer_print (printer, reg, reg->id, NULL, &error));
  g_assert_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_MEDIA_JAM);
  g_test_message ("%s", error->message);
}

/* A printer that says it is offline gets a few seconds' grace (a USB printer waking up), then
 * the badge is reported as not printed. */
static void
test_print_offline (void)
{
  g_autoptr(FoyerBadgeRenderer) renderer = NULL;
  g_autoptr(FoyerBadgePrinter) printer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *queue = NULL;
  FoyerRegistration reg = { 0 };
  gint64 start;

  if (!need_cups () || (queue = make_state_queue ("offline", "offline-report")) == NULL)
    return;
  reg.id = (char *)"0b7e2c64-1f7a-4c55-9d1e-2a3b4c5d6e7f";
  reg.full_name = (char *)"Li Na";
  renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
  printer = foyer_badge_printer_new (queue, renderer);
  foyer_badge_printer_set_timeout (printer, 30);
  start = g_get_monotonic_time ();
  g_assert_false (foyer_badge_printer_print (printer, &reg, reg.id, NULL, &error));
  g_assert_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_OFFLINE);
  g_test_message ("%s (after %.1f s)", error->message, (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
}

typedef struct {
  FoyerBadgePrinter *printer;
  GBytes            *pdf;
  GError            *error;
  gboolean           ok;
} ThreadData;

static gpointer
print_without_cupsd_thread (gpointer user_data)
{
  ThreadData *data = user_data;

  /* Per-thread CUPS setting: a scheduler socket nobody listens on. */
  cupsSetServer ("/nonexistent/foyer-test/cups.sock");
  data->ok = foyer_badge_printer_print_pdf (data->printer, data->pdf, "Foyer badge test", NULL,
                                            NULL, &data->error);
  cupsSetServer (NULL);
  return NULL;
}

/* Runs everywhere, with or without CUPS: an unreachable print service is a clear error. */
static void
test_print_no_cupsd (void)
{
  g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
  g_autoptr(FoyerBadgePrinter) printer = foyer_badge_printer_new ("badges", renderer);
  g_autoptr(GError) error = NULL;
  FoyerRegistration reg = { 0 };
  ThreadData data = { printer, NULL, NULL, TRUE };
  GThread *thread;

  reg.full_name = (char *)"Li Na";
  data.pdf = foyer_badge_renderer_render (renderer, &reg, "EXPO-123456", FOYER_BADGE_FORMAT_PDF,
                                          &error);
  g_assert_no_error (error);
  thread = g_thread_new ("print", print_without_cupsd_thread, &data);
  g_thread_join (thread);
  g_assert_false (data.ok);
  g_assert_error (data.error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_UNAVAILABLE);
  g_test_message ("%s", data.error->message);
  g_assert_nonnull (strstr (data.error->message, "cupsd"));
  g_clear_error (&data.error);
  g_bytes_unref (data.pdf);
}

/* `foyerctl print-badge` reprints a stored record's badge and records it; a bad queue exits 75. */
static void
test_foyerctl_print_badge (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *conf_dir = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *png = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *expected_payload = NULL;
  g_autofree char *raster_dir = NULL;
  g_autofree char *raster_prefix = NULL;
  g_autoptr(FoyerBadgeCode) code = NULL;

  if (!need_cups ())
    return;
  ensure_keys ();
  remove_pdfs (cups.outdir);
  store = open_store (&db);
  reg = print_test_add_visitor (store, EVENT);
  conf_dir = foyer_test_make_tmpdir ("print-conf");
  conf_text = g_strdup_printf ("[kiosk]\nevent=%s\n[storage]\ndatabase=%s\n"
                               "[badge]\nsigning-key=%s\nverify-key=%s\nprinter=%s\n"
                               "print-timeout=45\n",
                               EVENT, db, cups.signing_key, cups.verify_key, cups.queue);
  conf = foyer_test_write_file (conf_dir, "foyer.conf", conf_text);

  {
    const char *argv[] = { "--config", conf, "print-badge", reg->id, NULL };
    int status = foyer_test_run_foyerctl (argv, NULL, 0, &out, &err);
    g_test_message ("foyerctl print-badge: %s", err);
    g_assert_cmpint (status, ==, 0);
  }
  pdf = wait_for_pdf (cups.outdir);
  g_assert_nonnull (pdf);
  raster_dir = foyer_test_make_tmpdir ("ctl-raster");
  raster_prefix = g_build_filename (raster_dir, "page", NULL);
  {
    const char *argv[] = { "pdftoppm", "-r", "300", "-png", "-singlefile", pdf, raster_prefix,
                           NULL };
    g_assert_cmpint (badge_test_run (argv, NULL, NULL), ==, 0);
  }
  png = g_strconcat (raster_prefix, ".png", NULL);
  decoded = badge_test_decode_png (png);
  code = foyer_badge_code_new (cups.signing_key, cups.verify_key, &error);
  g_assert_no_error (error);
  expected_payload = foyer_badge_code_sign (code, EVENT, reg->id, &error);
  g_assert_cmpstr (decoded, ==, expected_payload);
  assert_print_recorded (store, db, reg->id, cups.queue, TRUE, NULL);

  /* A queue that does not exist: exit 75 (try again later), a clear message, a failed print
   * on the record. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { "--config", conf, "print-badge", reg->id, "--printer",
                           "foyer-no-such-queue", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 75);
  }
  g_assert_nonnull (strstr (err, "no printer queue named"));
  assert_print_recorded (store, db, reg->id, "foyer-no-such-queue", FALSE, NULL);

  /* An unknown record: exit 65. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { "--config", conf, "print-badge",
                           "00000000-0000-4000-8000-000000000000", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 65);
  }
  g_assert_nonnull (strstr (err, "no record"));
}

static void
test_no_printer_configured (void)
{
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerBadgePrinter) printer = NULL;
  g_autoptr(GError) error = NULL;

  config = foyer_config_load_from_data ("[badge]\nmedia=a6\n", "test", &error);
  g_assert_no_error (error);
  printer = foyer_badge_printer_new_from_config (config, &error);
  g_assert_null (printer);
  g_assert_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_NO_PRINTER);
  g_clear_error (&error);

  g_clear_object (&config);
  config = foyer_config_load_from_data ("[badge]\nprinter=badges\nmedia=a6\nprint-timeout=9\n",
                                        "test", &error);
  g_assert_no_error (error);
  printer = foyer_badge_printer_new_from_config (config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (foyer_badge_printer_get_queue (printer), ==, "badges");
  g_assert_cmpint (foyer_badge_renderer_get_media (foyer_badge_printer_get_renderer (printer)),
                   ==, FOYER_BADGE_MEDIA_A6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/badge-print/cups-pdf", test_print_cups_pdf);
  g_test_add_func ("/badge-print/no-such-queue", test_print_no_such_queue);
  g_test_add_func ("/badge-print/disabled-queue", test_print_disabled_queue);
  g_test_add_func ("/badge-print/job-aborted", test_print_job_aborted);
  g_test_add_func ("/badge-print/out-of-labels", test_print_out_of_labels);
  g_test_add_func ("/badge-print/offline", test_print_offline);
  g_test_add_func ("/badge-print/foyerctl-print-badge", test_foyerctl_print_badge);
  g_test_add_func ("/badge-print/no-cupsd", test_print_no_cupsd);
  g_test_add_func ("/badge-print/no-printer-configured", test_no_printer_configured);

  return g_test_run ();
}
