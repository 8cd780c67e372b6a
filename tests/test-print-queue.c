/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-print-queue.c: the badge print queue against a real cupsd of the test's own with two
 * cups-pdf queues: failover when the first printer is disabled mid-run (and nothing printed
 * twice), a stalled printer, restarts with jobs in every state, reprint confirmation, print-on
 * check-in, and printer states in words. Where CUPS cannot run the CUPS tests are TAP skips;
 * the tests without a print service run everywhere.
 */
#include "config.h"

#include <cups/cups.h>

#include "foyer-core.h"
#include "foyer-test-util.h"
#include "print-test-util.h"

#define EVENT "expo-2026"
#define PREREG "EXPO-PRINT-0001"

static gboolean
need_cups (void)
{
  g_autofree char *reason = NULL;

  if (print_test_start_cupsd (&reason))
    return TRUE;
  g_test_skip (reason);
  return FALSE;
}

static FoyerStore *
open_store (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("print-queue");
  g_autofree char *path = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GError) error = NULL;
  FoyerStore *store = foyer_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static FoyerConfig *
make_config (const char *printers,
             const char *extra)
{
  g_autofree char *text = g_strdup_printf ("[kiosk]\nevent=%s\n[badge]\nprinter=%s\n"
                                           "media=label-100x70\n%s", EVENT, printers,
                                           extra != NULL ? extra : "");
  g_autoptr(GError) error = NULL;
  FoyerConfig *config = foyer_config_load_from_data (text, "test", &error);

  g_assert_no_error (error);
  return config;
}

/* Records what the queue reported, for the waits below. */
typedef struct {
  GHashTable *states;    /* job id → last FoyerPrintJobState */
  GHashTable *printers;  /* job id → printer of the last report */
  guint       changed;
} Watch;

static void
job_changed_cb (FoyerPrintQueue *queue, gint64 id, int state, const char *printer,
                const char *message, Watch *watch)
{
  gint64 *key = g_memdup2 (&id, sizeof id);

  g_hash_table_insert (watch->states, key, GINT_TO_POINTER (state));
  if (printer != NULL)
    g_hash_table_insert (watch->printers, g_memdup2 (&id, sizeof id), g_strdup (printer));
  if (message != NULL)
    g_test_message ("job %" G_GINT64_FORMAT ": %d on %s: %s", id, state, printer, message);
}

static void
changed_cb (FoyerPrintQueue *queue, Watch *watch)
{
  watch->changed++;
}

static void
watch_init (Watch *watch, FoyerPrintQueue *queue)
{
  watch->states = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  watch->printers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  watch->changed = 0;
  g_signal_connect (queue, "job-changed", G_CALLBACK (job_changed_cb), watch);
  g_signal_connect (queue, "changed", G_CALLBACK (changed_cb), watch);
}

static void
watch_clear (Watch *watch)
{
  g_clear_pointer (&watch->states, g_hash_table_unref);
  g_clear_pointer (&watch->printers, g_hash_table_unref);
}

static int
job_state (Watch *watch, gint64 id)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (watch->states, &id));
}

/* Runs the main context until every job in ids is in a final state, at most timeout_s. */
static gboolean
wait_jobs_final (Watch *watch, const gint64 *ids, guint n, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_s * G_USEC_PER_SEC;

  for (;;) {
    guint done = 0;

    for (guint i = 0; i < n; i++) {
      int state = job_state (watch, ids[i]);
      done += state == FOYER_PRINT_JOB_PRINTED || state == FOYER_PRINT_JOB_FAILED;
    }
    if (done == n)
      return TRUE;
    if (g_get_monotonic_time () > end)
      return FALSE;
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5 * 1000);
  }
}

static FoyerPrintJob *
get_job (FoyerStore *store, gint64 id)
{
  g_autoptr(GError) error = NULL;
  FoyerPrintJob *job = foyer_store_get_print_job (store, id, &error);

  g_assert_no_error (error);
  return job;
}

/* Settles for a moment so that a PDF printed twice would have shown up. */
static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10 * 1000);
}

static gint64
add_job (FoyerPrintQueue *queue, FoyerStore *store)
{
  g_autoptr(FoyerRegistration) reg = print_test_add_visitor (store, EVENT);
  g_autoptr(GError) error = NULL;
  gint64 id = foyer_print_queue_add (queue, reg->id, reg->id, "registration", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* cupsdisable on the first printer mid-run: the next jobs print on the second, nothing prints
 * twice, staff get a banner; cupsenable brings the jobs back to the first. */
static void
test_failover_disabled (void)
{
  g_autofree char *dir_a = NULL, *dir_b = NULL, *printers = NULL, *banner = NULL;
  g_autofree char *queue_a = NULL, *queue_b = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerPrintQueue) queue = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch;
  gint64 ids[6];

  if (!need_cups ())
    return;
  queue_a = print_test_add_queue ("fa", &dir_a);
  queue_b = print_test_add_queue ("fb", &dir_b);
  printers = g_strdup_printf ("%s;%s", queue_a, queue_b);
  store = open_store ();
  config = make_config (printers, "failover-seconds=20\n");
  queue = foyer_print_queue_new (config, store, &error);
  g_assert_no_error (error);
  watch_init (&watch, queue);
  foyer_print_queue_start (queue);

  for (guint i = 0; i < 3; i++)
    ids[i] = add_job (queue, store);
  g_assert_true (wait_jobs_final (&watch, ids, 3, 60));
  g_assert_true (print_test_wait_pdfs (dir_a, 3, 30));
  g_assert_cmpint (foyer_print_queue_get_active_printer (queue), ==, 0);
  g_assert_null (foyer_print_queue_get_banner (queue));

  /* Mid-run: the first printer is stopped. */
  print_test_cups_command ("cupsdisable", queue_a);
  for (guint i = 3; i < 6; i++)
    ids[i] = add_job (queue, store);
  g_assert_true (wait_jobs_final (&watch, ids + 3, 3, 60));
  for (guint i = 0; i < 6; i++) {
    g_autoptr(FoyerPrintJob) job = get_job (store, ids[i]);

    g_assert_cmpint (job->state, ==, FOYER_PRINT_JOB_PRINTED);
    g_assert_cmpstr (job->printer, ==, i < 3 ? queue_a : queue_b);
  }
  g_assert_true (print_test_wait_pdfs (dir_b, 3, 30));
  settle (1500);
  g_assert_cmpuint (print_test_count_pdfs (dir_a), ==, 3);
  g_assert_cmpuint (print_test_count_pdfs (dir_b), ==, 3);
  g_assert_cmpint (foyer_print_queue_get_active_printer (queue), ==, 1);
  banner = foyer_print_queue_get_banner (queue);
  g_test_message ("banner: %s", banner);
  g_assert_nonnull (banner);
  g_assert_nonnull (strstr (banner, queue_a));
  g_assert_nonnull (strstr (banner, queue_b));
  g_assert_nonnull (strstr (banner, "Stopped"));

  /* Back to the first once it is enabled again. */
  print_test_cups_command ("cupsenable", queue_a);
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while (foyer_print_queue_get_active_printer (queue) != 0 && g_get_monotonic_time () < end)
      settle (50);
  }
  g_assert_cmpint (foyer_print_queue_get_active_printer (queue), ==, 0);
  g_clear_pointer (&banner, g_free);
  g_assert_null ((banner = foyer_print_queue_get_banner (queue)));
  ids[0] = add_job (queue, store);
  g_assert_true (wait_jobs_final (&watch, ids, 1, 60));
  g_assert_true (print_test_wait_pdfs (dir_a, 4, 30));
  settle (500);
  g_assert_cmpuint (print_test_count_pdfs (dir_b), ==, 3);
  watch_clear (&watch);
}

/* Submits pdf to queue directly, as a run before a crash did; the CUPS job id. */
static int
submit_directly (const char *queue, const char *title, const char *record_id)
{
  g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
  FoyerRegistration reg = { 0 };
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  gconstpointer data;
  int id;

  reg.id = (char *)record_id;
  reg.full_name = (char *)"张伟";
  pdf = foyer_badge_renderer_render (renderer, &reg, record_id, FOYER_BADGE_FORMAT_PDF, &error);
  g_assert_no_error (error);
  id = cupsCreateJob (CUPS_HTTP_DEFAULT, queue, title, 0, NULL);
  g_assert_cmpint (id, >, 0);
  data = g_bytes_get_data (pdf, &size);
  g_assert_cmpint (cupsStartDocument (CUPS_HTTP_DEFAULT, queue, id, "badge.pdf", CUPS_FORMAT_PDF,
                                      1), ==, HTTP_STATUS_CONTINUE);
  g_assert_cmpint (cupsWriteRequestData (CUPS_HTTP_DEFAULT, data, size), ==, HTTP_STATUS_CONTINUE);
  g_assert_cmpint (cupsFinishDocument (CUPS_HTTP_DEFAULT, queue), <=, IPP_STATUS_OK_CONFLICTING);
  return id;
}

/* Waits until CUPS reports job_id on queue completed. */
static void
wait_cups_completed (const char *queue, int job_id)
{
  g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
  g_autoptr(FoyerBadgePrinter) printer = foyer_badge_printer_new (queue, renderer);

  for (int i = 0; i < 300; i++) {
    g_autofree char *state = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true (foyer_badge_printer_get_job_state (printer, job_id, &state, NULL, NULL, &error));
    if (g_strcmp0 (state, "completed") == 0)
      return;
    g_usleep (100 * 1000);
  }
  g_assert_not_reached ();
}

static char *
title_of (const FoyerPrintJob *job)
{
  g_autofree char *short_id = foyer_badge_code_short_id (job->record_id);

  return g_strdup_printf ("Foyer badge %s #%" G_GINT64_FORMAT, short_id, job->id);
}

/* Jobs an earlier run left in every state: queued (never sent), sending with the CUPS job made
 * (adopted, not sent again), sending without one (sent once), and waiting at a printer that was
 * stopped meanwhile (cancelled there, printed on the other). Each badge prints exactly once. */
static void
test_restart (void)
{
  g_autofree char *dir_a = NULL, *dir_b = NULL, *printers = NULL;
  g_autofree char *queue_a = NULL, *queue_b = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerPrintQueue) first_run = NULL;
  g_autoptr(FoyerPrintQueue) queue = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerPrintJob) sending = NULL;
  g_autoptr(FoyerPrintJob) lost = NULL;
  g_autoptr(FoyerPrintJob) waiting = NULL;
  g_autofree char *title = NULL;
  Watch watch;
  gint64 ids[4];
  int adopted;

  if (!need_cups ())
    return;
  queue_a = print_test_add_queue ("ra", &dir_a);
  queue_b = print_test_add_queue ("rb", &dir_b);
  printers = g_strdup_printf ("%s;%s", queue_a, queue_b);
  store = open_store ();
  config = make_config (printers, NULL);

  /* The first run stores jobs and stops before its worker ever ran ("crash"). */
  first_run = foyer_print_queue_new (config, store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    ids[i] = add_job (first_run, store);
  g_clear_object (&first_run);

  /* 1: in the middle of being sent, CUPS already has it. */
  sending = get_job (store, ids[1]);
  title = title_of (sending);
  sending->state = FOYER_PRINT_JOB_SENDING;
  sending->printer = g_strdup (queue_a);
  sending->attempts = 1;
  g_assert_true (foyer_store_update_print_job (store, sending, &error));
  adopted = submit_directly (queue_a, title, sending->record_id);
  /* It prints on the first printer while the kiosk is down. */
  g_assert_true (print_test_wait_pdfs (dir_a, 1, 30));
  wait_cups_completed (queue_a, adopted);
  /* 2: in the middle of being sent, CUPS never got it. */
  lost = get_job (store, ids[2]);
  lost->state = FOYER_PRINT_JOB_SENDING;
  lost->printer = g_strdup (queue_a);
  lost->attempts = 1;
  g_assert_true (foyer_store_update_print_job (store, lost, &error));
  /* 3: accepted by the first printer, which was stopped before printing it. */
  print_test_cups_command ("cupsdisable", queue_a);
  waiting = get_job (store, ids[3]);
  g_clear_pointer (&title, g_free);
  title = title_of (waiting);
  waiting->state = FOYER_PRINT_JOB_AT_PRINTER;
  waiting->printer = g_strdup (queue_a);
  waiting->cups_job_id = submit_directly (queue_a, title, waiting->record_id);
  waiting->cups_state = g_strdup ("pending");
  waiting->attempts = 1;
  waiting->sent_at = g_get_real_time ();
  g_assert_true (foyer_store_update_print_job (store, waiting, &error));
  g_assert_no_error (error);

  /* The next run. */
  queue = foyer_print_queue_new (config, store, &error);
  g_assert_no_error (error);
  watch_init (&watch, queue);
  foyer_print_queue_start (queue);
  g_assert_true (wait_jobs_final (&watch, ids, 4, 60));
  {
    g_autoptr(FoyerPrintJob) j0 = get_job (store, ids[0]);
    g_autoptr(FoyerPrintJob) j1 = get_job (store, ids[1]);
    g_autoptr(FoyerPrintJob) j2 = get_job (store, ids[2]);
    g_autoptr(FoyerPrintJob) j3 = get_job (store, ids[3]);

    g_assert_cmpint (j0->state, ==, FOYER_PRINT_JOB_PRINTED);
    g_assert_cmpint (j1->state, ==, FOYER_PRINT_JOB_PRINTED);
    g_assert_cmpint (j1->cups_job_id, ==, adopted);
    g_assert_cmpstr (j1->printer, ==, queue_a);
    g_assert_cmpint (j2->state, ==, FOYER_PRINT_JOB_PRINTED);
    g_assert_cmpstr (j2->printer, ==, queue_b);
    g_assert_cmpint (j3->state, ==, FOYER_PRINT_JOB_PRINTED);
    g_assert_cmpstr (j3->printer, ==, queue_b);
    g_test_message ("job 3: %s", j3->message != NULL ? j3->message : "");
  }
  /* 0, 2 and 3 on the second printer; 1 and the cancelled 3 never printed twice on the first. */
  g_assert_true (print_test_wait_pdfs (dir_b, 3, 30));
  print_test_cups_command ("cupsenable", queue_a);
  settle (2000);
  g_assert_cmpuint (print_test_count_pdfs (dir_a), ==, 1);
  g_assert_cmpuint (print_test_count_pdfs (dir_b), ==, 3);
  watch_clear (&watch);
}

/* A second print of a badge needs staff confirmation and is logged; an automatic print never
 * reprints. */
static void
test_reprint_confirmation (void)
{
  g_autofree char *dir_a = NULL, *queue_a = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerPrintQueue) queue = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerPrintJob) job = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch;
  gint64 first, second;
  gboolean printed = FALSE;

  if (!need_cups ())
    return;
  queue_a = print_test_add_queue ("rp", &dir_a);
  store = open_store ();
  config = make_config (queue_a, NULL);
  queue = foyer_print_queue_new (config, store, &error);
  g_assert_no_error (error);
  watch_init (&watch, queue);
  foyer_print_queue_start (queue);
  reg = print_test_add_visitor (store, EVENT);

  first = foyer_print_queue_add (queue, reg->id, reg->id, "registration", NULL, &error);
  g_assert_no_error (error);
  /* Already on its way: a second press is a reprint too. */
  g_assert_cmpint (foyer_print_queue_add (queue, reg->id, reg->id, "registration", NULL, &error),
                   ==, 0);
  g_assert_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NEEDS_CONFIRMATION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "PIN"));
  g_clear_error (&error);
  g_assert_true (wait_jobs_final (&watch, &first, 1, 60));
  g_assert_true (foyer_store_badge_was_printed (store, reg->id, &printed, &error));
  g_assert_true (printed);

  g_assert_cmpint (foyer_print_queue_add (queue, reg->id, reg->id, "registration", NULL, &error),
                   ==, 0);
  g_assert_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NEEDS_CONFIRMATION);
  g_clear_error (&error);
  second = foyer_print_queue_add (queue, reg->id, reg->id, "reprint", "staff-7", &error);
  g_assert_no_error (error);
  g_assert_cmpint (second, >, first);
  g_assert_true (wait_jobs_final (&watch, &second, 1, 60));
  job = get_job (store, second);
  g_assert_cmpint (job->state, ==, FOYER_PRINT_JOB_PRINTED);
  g_assert_cmpstr (job->reason, ==, "reprint");
  /* Who confirmed, and when (the job's own times), are kept with the job. */
  g_assert_cmpstr (job->confirmed_by, ==, "staff-7");
  g_assert_cmpint (job->created_at, >, 0);
  g_assert_true (print_test_wait_pdfs (dir_a, 2, 30));
  settle (500);
  g_assert_cmpuint (print_test_count_pdfs (dir_a), ==, 2);
  g_clear_pointer (&job, foyer_print_job_free);
  job = get_job (store, first);
  g_assert_null (job->confirmed_by);
  watch_clear (&watch);
}

/* [badge] print-on=check-in prints a pre-registered visitor's badge when the badge is scanned,
 * once; a walk-in's registration does not print; print-on=both prints both. */
static void
test_print_on_check_in (void)
{
  g_autofree char *dir_a = NULL, *queue_a = NULL, *extra = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerPrintQueue) queue = NULL;
  g_autoptr(FoyerKioskFlow) flow = NULL;
  g_autoptr(FoyerFlowResult) result = NULL;
  g_autoptr(FoyerFlowResult) again = NULL;
  g_autoptr(GPtrArray) prereg = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GBytes) raw = g_bytes_new_static (PREREG, strlen (PREREG));
  g_autoptr(FoyerPrintJob) job = NULL;
  g_autoptr(GError) error = NULL;
  FoyerRegistration *reg = foyer_registration_new ();
  guint inserted = 0;
  Watch watch;
  gint64 id;

  if (!need_cups ())
    return;
  queue_a = print_test_add_queue ("ci", &dir_a);
  store = open_store ();
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->event = g_strdup (EVENT);
  reg->kiosk_id = g_strdup ("head-office");
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->full_name = g_strdup ("王芳");
  reg->badge_code = g_strdup (PREREG);
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup ("1");
  g_ptr_array_add (prereg, reg);
  g_assert_true (foyer_store_import_preregistrations (store, prereg, &inserted, NULL, &error));
  g_assert_no_error (error);

  config = make_config (queue_a, "print-on=check-in\n");
  queue = foyer_print_queue_new (config, store, &error);
  g_assert_no_error (error);
  watch_init (&watch, queue);
  foyer_print_queue_start (queue);
  flow = foyer_kiosk_flow_new (config, store, NULL);

  result = foyer_kiosk_flow_scan (flow, raw);
  g_assert_cmpint (foyer_flow_result_get_status (result), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  g_assert_true (foyer_print_queue_wants_auto_print (queue, result));
  id = foyer_print_queue_auto_print (queue, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (wait_jobs_final (&watch, &id, 1, 60));
  job = get_job (store, id);
  g_assert_cmpint (job->state, ==, FOYER_PRINT_JOB_PRINTED);
  g_assert_cmpstr (job->reason, ==, "check-in");
  g_assert_cmpstr (job->payload, ==, PREREG);
  g_assert_true (print_test_wait_pdfs (dir_a, 1, 30));

  /* Checked in again (another day, another gate): the visitor has the badge, nothing prints. */
  again = foyer_kiosk_flow_scan (flow, raw);
  if (foyer_flow_result_get_status (again) == FOYER_FLOW_STATUS_CHECKED_IN) {
    g_assert_cmpint (foyer_print_queue_auto_print (queue, again, &error), ==, 0);
    g_assert_no_error (error);
  } else {
    g_assert_false (foyer_print_queue_wants_auto_print (queue, again));
  }
  settle (800);
  g_assert_cmpuint (print_test_count_pdfs (dir_a), ==, 1);
  watch_clear (&watch);
}

/* What each value of print-on (and the older auto-print) prints by itself: no CUPS needed. */
static void
test_print_on_config (void)
{
  static const struct {
    const char *extra;
    gboolean    registration;
    gboolean    check_in;
  } cases[] = {
    { "", FALSE, FALSE },
    { "auto-print=true\n", TRUE, FALSE },
    { "print-on=registration\n", TRUE, FALSE },
    { "print-on=check-in\n", FALSE, TRUE },
    { "print-on=both\n", TRUE, TRUE },
  };
  g_autoptr(FoyerStore) store = open_store ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(FoyerConfig) config = make_config ("badges", cases[i].extra);
    g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
    g_autoptr(FoyerPrintQueue) queue = NULL;
    g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
    g_autoptr(FoyerFlowResult) registered = NULL;
    g_autoptr(FoyerFlowResult) checked_in = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *code = NULL;
    g_autoptr(GBytes) raw = NULL;

    queue = foyer_print_queue_new (config, store, &error);
    g_assert_no_error (error);
    reg->kind = g_strdup (FOYER_KIND_WALK_IN);
    reg->event = g_strdup (EVENT);
    reg->kiosk_id = g_strdup ("test-kiosk");
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
    reg->full_name = g_strdup_printf ("Visitor %u", i);
    reg->source = g_strdup (FOYER_SOURCE_MANUAL);
    reg->consent_given = TRUE;
    reg->consent_version = g_strdup ("1");
    registered = foyer_kiosk_flow_register (flow, reg);
    g_assert_cmpint (foyer_flow_result_get_status (registered), ==, FOYER_FLOW_STATUS_REGISTERED);
    g_assert_cmpint (foyer_print_queue_wants_auto_print (queue, registered), ==,
                     cases[i].registration);
    code = g_strdup (foyer_flow_result_get_badge_payload (registered));
    raw = g_bytes_new (code, strlen (code));
    checked_in = foyer_kiosk_flow_scan (flow, raw);
    /* A walk-in's own badge scanned right after registering is a repeat: never printed. */
    if (foyer_flow_result_get_status (checked_in) != FOYER_FLOW_STATUS_CHECKED_IN)
      g_assert_false (foyer_print_queue_wants_auto_print (queue, checked_in));
    g_test_message ("%s→ registration %d, check-in %d", cases[i].extra, cases[i].registration,
                    cases[i].check_in);
  }
}

/* A printer that takes a job and never finishes it: after failover-seconds the job is cancelled
 * there and printed on the next printer; the stalled printer is left out for a while. */
static void
test_failover_stalled (void)
{
  g_autofree char *dir_b = NULL, *queue_a = NULL, *queue_b = NULL, *printers = NULL;
  g_autofree char *banner = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerPrintQueue) queue = NULL;
  g_autoptr(FoyerPrintJob) job = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch;
  gint64 id;

  if (!need_cups ())
    return;
  /* Its backend reports a harmless reason and hangs: CUPS shows it as printing. */
  queue_a = print_test_add_state_queue ("hang", "foyer-test-hang-report");
  queue_b = print_test_add_queue ("sb", &dir_b);
  printers = g_strdup_printf ("%s;%s", queue_a, queue_b);
  store = open_store ();
  config = make_config (printers, "failover-seconds=8\n");
  queue = foyer_print_queue_new (config, store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (foyer_print_queue_get_failover_seconds (queue), ==, 8);
  watch_init (&watch, queue);
  foyer_print_queue_start (queue);
  id = add_job (queue, store);
  g_assert_true (wait_jobs_final (&watch, &id, 1, 60));
  job = get_job (store, id);
  g_assert_cmpint (job->state, ==, FOYER_PRINT_JOB_PRINTED);
  g_assert_cmpstr (job->printer, ==, queue_b);
  g_test_message ("moved: %s", job->message);
  g_assert_nonnull (strstr (job->message, queue_a));
  g_assert_true (print_test_wait_pdfs (dir_b, 1, 30));
  settle (300);
  banner = foyer_print_queue_get_banner (queue);
  g_test_message ("banner: %s", banner);
  g_assert_nonnull (banner);
  g_assert_nonnull (strstr (banner, queue_b));
  watch_clear (&watch);
}

/* printer-state and printer-state-reasons through the CUPS API, in words. */
static void
test_printer_states (void)
{
  g_autofree char *empty = NULL, *printers = NULL, *dir_ok = NULL, *ok = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerPrintQueue) queue = NULL;
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *words = NULL;
  Watch watch;
  FoyerPrinterStatus *status;

  if (!need_cups ())
    return;
  ok = print_test_add_queue ("ok", &dir_ok);
  empty = print_test_add_state_queue ("empty", "media-empty-error");
  printers = g_strdup_printf ("%s;%s;foyer-no-such-queue", ok, empty);
  store = open_store ();
  config = make_config (printers, NULL);
  queue = foyer_print_queue_new (config, store, &error);
  g_assert_no_error (error);
  watch_init (&watch, queue);
  /* The test backend reports media-empty once it has a job. */
  {
    g_autofree char *dir = foyer_test_make_tmpdir ("lp");
    g_autofree char *file = foyer_test_write_file (dir, "job.txt", "test\n");
    const char *argv[] = { "lp", "-d", empty, file, NULL };
    g_assert_cmpint (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
                                   G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL,
                                   &error), ==, TRUE);
  }
  settle (1500);
  foyer_print_queue_start (queue);
  g_assert_true (print_test_wait_flag ((gboolean *)&watch.changed, 10));
  states = foyer_print_queue_list_printers (queue);
  g_assert_cmpuint (states->len, ==, 3);

  status = g_ptr_array_index (states, 0);
  g_assert_cmpint (status->state, ==, FOYER_PRINTER_STATE_IDLE);
  g_assert_true (foyer_printer_status_is_ready (status));
  words = foyer_printer_status_describe (status);
  g_assert_cmpstr (words, ==, "Ready");
  g_clear_pointer (&words, g_free);

  status = g_ptr_array_index (states, 1);
  g_assert_true (g_strv_contains ((const char * const *)status->reasons, "media-empty-error"));
  g_assert_false (foyer_printer_status_is_ready (status));
  words = foyer_printer_status_describe (status);
  g_test_message ("%s: %s", empty, words);
  g_assert_nonnull (strstr (words, "out of labels"));
  g_clear_pointer (&words, g_free);

  status = g_ptr_array_index (states, 2);
  g_assert_cmpint (status->state, ==, FOYER_PRINTER_STATE_UNREACHABLE);
  g_assert_nonnull (strstr (status->message, "foyer-no-such-queue"));
  words = foyer_printer_status_describe (status);
  g_assert_cmpstr (words, ==, "Cannot be reached");
  g_assert_cmpint (foyer_print_queue_get_active_printer (queue), ==, 0);
  watch_clear (&watch);
}

/* No CUPS needed: reasons in words, and the queue without a printer. */
static void
test_words_and_config (void)
{
  g_autoptr(FoyerStore) store = open_store ();
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerPrintQueue) queue = NULL;
  g_autoptr(GError) error = NULL;
  FoyerPrinterStatus status = { 0 };
  char *reasons[] = { (char *)"media-jam-error", (char *)"cover-open-report", NULL };
  g_autofree char *jam = foyer_printer_reason_describe ("media-jam-error");
  g_autofree char *unknown = foyer_printer_reason_describe ("com.example-thing");
  g_autofree char *words = NULL;

  g_assert_cmpstr (jam, ==, "label jam");
  g_assert_cmpstr (unknown, ==, "com.example-thing");
  status.state = FOYER_PRINTER_STATE_STOPPED;
  status.accepting = FALSE;
  status.reasons = reasons;
  words = foyer_printer_status_describe (&status);
  g_assert_cmpstr (words, ==, "Stopped · not accepting jobs · label jam · cover open");
  g_assert_false (foyer_printer_status_is_ready (&status));

  config = make_config ("", NULL);
  queue = foyer_print_queue_new (config, store, &error);
  g_assert_null (queue);
  g_assert_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NO_PRINTER);
  g_clear_error (&error);
  g_clear_object (&config);

  /* A single printer: nowhere to move a job to. */
  config = make_config ("badges", NULL);
  queue = foyer_print_queue_new (config, store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (foyer_print_queue_get_failover_seconds (queue), ==, 20);
  g_assert_false (foyer_print_queue_move (queue, 1, &error));
  g_assert_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NO_OTHER_PRINTER);
  g_clear_error (&error);
  g_assert_false (foyer_print_queue_retry (queue, 12345, &error));
  g_assert_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/print-queue/words-and-config", test_words_and_config);
  g_test_add_func ("/print-queue/print-on-config", test_print_on_config);
  g_test_add_func ("/print-queue/failover-disabled", test_failover_disabled);
  g_test_add_func ("/print-queue/restart", test_restart);
  g_test_add_func ("/print-queue/reprint-confirmation", test_reprint_confirmation);
  g_test_add_func ("/print-queue/print-on-check-in", test_print_on_check_in);
  g_test_add_func ("/print-queue/failover-stalled", test_failover_stalled);
  g_test_add_func ("/print-queue/printer-states", test_printer_states);

  return g_test_run ();
}
