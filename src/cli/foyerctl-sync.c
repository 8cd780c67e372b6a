/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-sync.c: `foyerctl sync`: drain the outbox to head office now.
 *
 * Runs the same FoyerSyncEngine as the kiosk and follows its status: exit 0 once every record
 * is acknowledged, 65 (EX_DATAERR) when every record was answered but head office refused some
 * (they wait in the dead letters), 75 (EX_TEMPFAIL) while records remain, 1 on a configuration
 * error (including a pause because head office's configuration refuses the kiosk's user).
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "foyerctl-commands.h"

typedef struct {
  GMainLoop       *loop;
  FoyerSyncEngine *engine;
  gboolean         once;
  gboolean         progress;
  gboolean         tty;
  int              status;
  gint64           started;
  gint64           last_line;
  gint64           last_progress;
  guint64          last_acked;
  int              max_wait;
  char            *message;
} SyncRun;

static void
finish (SyncRun    *run,
        int         status,
        const char *message)
{
  if (run->status >= 0)
    return;
  run->status = status;
  g_free (run->message);
  run->message = g_strdup (message);
  g_main_loop_quit (run->loop);
}

static void
format_duration (char   *buf,
                 gsize   size,
                 double  seconds)
{
  guint s = seconds > 359999 ? 359999 : (guint)(seconds + 0.5);

  if (s >= 3600)
    g_snprintf (buf, size, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  else
    g_snprintf (buf, size, "%u:%02u", s / 60, s % 60);
}

static void
show_progress (SyncRun               *run,
               const FoyerSyncStatus *status,
               gboolean               final)
{
  guint64 acked = status->sent + status->rejected;
  guint64 total = acked + (guint64)MAX (status->pending, 0);
  double elapsed = (g_get_monotonic_time () - run->started) / (double)G_USEC_PER_SEC;
  double rate = elapsed > 0.05 ? acked / elapsed : 0;
  char eta[32] = "--:--";
  int width = 30;
  int filled = total > 0 ? (int)(width * acked / total) : width;
  g_autofree char *bar = NULL;
  gint64 now = g_get_monotonic_time ();

  if (!run->progress)
    return;
  if (rate > 0 && status->pending > 0)
    format_duration (eta, sizeof eta, status->pending / rate);
  else if (status->pending == 0)
    g_strlcpy (eta, "0:00", sizeof eta);

  if (run->tty) {
    bar = g_strdup_printf ("%.*s%.*s", filled, "##############################",
                           width - filled, "------------------------------");
    fprintf (stderr, "\r[%s] %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " %s  %.0f/s  ETA %s%s  ",
             bar, acked, total, _("records"), rate, eta,
             status->state == FOYER_SYNC_STATE_BACKOFF ? _("  (retrying)") : "");
    if (final)
      fputc ('\n', stderr);
    fflush (stderr);
  } else if (final || now - run->last_line >= 5 * G_USEC_PER_SEC) {
    /* Not a terminal: a plain line now and then, for logs. */
    run->last_line = now;
    /* %llu, not G_GUINT64_FORMAT: xgettext cannot see through the macro */
    fprintf (stderr, _("%llu/%llu records sent, %.0f/s, ETA %s\n"),
             (unsigned long long) acked, (unsigned long long) total, rate, eta);
  }
}

static void
status_changed_cb (FoyerSyncEngine       *engine,
                   const FoyerSyncStatus *status,
                   SyncRun               *run)
{
  show_progress (run, status, FALSE);
  if (status->sent + status->rejected != run->last_acked) {
    run->last_acked = status->sent + status->rejected;
    run->last_progress = g_get_monotonic_time ();
  }

  switch (status->state) {
  case FOYER_SYNC_STATE_IDLE:
    /* Done when everything is uploaded and, with two-way sync, the pull that follows the
     * upload has reached head office's current cursor. */
    if (status->pending == 0 && (status->pull_current || !status->pull_supported))
      finish (run, FOYERCTL_EXIT_OK, NULL);
    else if (run->once)
      finish (run, FOYERCTL_EXIT_TEMPFAIL, _("records remain that are not due yet"));
    break;
  case FOYER_SYNC_STATE_BACKOFF:
    if (run->once)
      finish (run, FOYERCTL_EXIT_TEMPFAIL, status->last_error);
    break;
  case FOYER_SYNC_STATE_PAUSED:
    finish (run, status->paused_code == FOYER_SYNC_ERROR_CONFIG ? FOYERCTL_EXIT_FAILURE
                                                                : FOYERCTL_EXIT_TEMPFAIL,
            status->paused_message);
    break;
  case FOYER_SYNC_STATE_DISABLED:
    finish (run, FOYERCTL_EXIT_FAILURE, _("[sync] backend is none: nothing to send to"));
    break;
  case FOYER_SYNC_STATE_STOPPED:
    finish (run, FOYERCTL_EXIT_TEMPFAIL, NULL);
    break;
  case FOYER_SYNC_STATE_STARTING:
  case FOYER_SYNC_STATE_SENDING:
  default:
    break;
  }
}

/* Head office down for good: give the script its exit status instead of retrying forever. */
static gboolean
watchdog_cb (gpointer data)
{
  SyncRun *run = data;
  const FoyerSyncStatus *status = foyer_sync_engine_get_status (run->engine);
  g_autofree char *message = NULL;

  if (g_get_monotonic_time () - run->last_progress < (gint64)run->max_wait * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;
  message = g_strdup_printf (_("no record acknowledged for %d s; giving up: %s"), run->max_wait,
                             status->last_error != NULL ? status->last_error : _("no answer"));
  finish (run, FOYERCTL_EXIT_TEMPFAIL, message);
  return G_SOURCE_CONTINUE;
}

static gboolean
interrupted_cb (gpointer data)
{
  SyncRun *run = data;

  finish (run, FOYERCTL_EXIT_TEMPFAIL, _("interrupted"));
  return G_SOURCE_CONTINUE;
}

/* The summary line, the reason, and the exit status a script can act on. */
static void
report_outcome (SyncRun               *run,
                const FoyerSyncStatus *status)
{
  g_print (_("%llu records sent, %lld pending, %lld refused by head office\n"),
           (unsigned long long) status->sent, (long long) status->pending,
           (long long) status->dead);
  if (run->message != NULL)
    g_printerr ("foyerctl sync: %s\n", run->message);
  else if (run->status == FOYERCTL_EXIT_TEMPFAIL && status->last_error != NULL)
    g_printerr ("foyerctl sync: %s\n", status->last_error);
  if (status->dead > 0)
    g_printerr (_("foyerctl sync: %lld records were refused by head office; "
                  "see “foyerctl outbox --dead”\n"), (long long) status->dead);
  if (run->status == FOYERCTL_EXIT_OK && status->pending > 0)
    run->status = FOYERCTL_EXIT_TEMPFAIL;
  /* A post-show drain script must notice refused records, not only missing ones. */
  if (run->status == FOYERCTL_EXIT_OK && status->dead > 0)
    run->status = FOYERCTL_EXIT_DATAERR;
}

int
foyerctl_cmd_sync (FoyerctlContext *ctx, int argc, char **argv)
{
  gboolean once = FALSE;
  gboolean progress = FALSE;
  int max_wait = 300;
  const GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("One pass: stop at the first network or server failure instead of retrying"), NULL },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress,
      N_("Show progress (records sent / total, rate, time left)"), NULL },
    { "max-wait", 0, 0, G_OPTION_ARG_INT, &max_wait,
      N_("Give up after SECONDS without any record acknowledged (default 300)"), N_("SECONDS") },
    { NULL }
  };
  FoyerConfig *config;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerSyncEngine) engine = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  const FoyerSyncStatus *status;
  SyncRun run = { 0 };
  guint sigint, sigterm, watchdog;
  const char *backend;

  if (!foyerctl_parse_options (ctx, "sync", NULL,
                               _("Send every queued record to head office now. Exit status: 0 "
                                 "when all are acknowledged, 65 when head office refused records "
                                 "(see “foyerctl outbox --dead”), 75 when records remain, 1 on a "
                                 "configuration error."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (max_wait <= 0) {
    g_printerr (_("foyerctl sync: --max-wait must be a positive number of seconds\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;

  backend = foyer_config_get_string (config, "sync", "backend");
  if (backend == NULL || strcmp (backend, "none") == 0) {
    g_printerr (_("foyerctl sync: [sync] backend is none: set backend and url in the "
                  "configuration to send records to head office\n"));
    return FOYERCTL_EXIT_FAILURE;
  }

  engine = foyer_sync_engine_new (config, NULL, &error);
  if (engine == NULL) {
    g_printerr ("foyerctl sync: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.engine = engine;
  run.once = once;
  run.progress = progress;
  run.tty = isatty (STDERR_FILENO);
  run.status = -1;
  run.started = g_get_monotonic_time ();
  run.last_progress = run.started;
  run.max_wait = max_wait;

  status = foyer_sync_engine_get_status (engine);
  if (status->insecure_warning != NULL)
    g_printerr (_("WARNING: %s\n"), status->insecure_warning);

  g_signal_connect (engine, "status-changed", G_CALLBACK (status_changed_cb), &run);
  sigint = g_unix_signal_add (SIGINT, interrupted_cb, &run);
  sigterm = g_unix_signal_add (SIGTERM, interrupted_cb, &run);
  watchdog = g_timeout_add_seconds (1, watchdog_cb, &run);

  foyer_sync_engine_start (engine);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (watchdog);

  /* Leaves an unanswered batch pending; the final status carries the counts. */
  g_signal_handlers_disconnect_by_func (engine, status_changed_cb, &run);
  foyer_sync_engine_stop (engine);
  status = foyer_sync_engine_get_status (engine);
  show_progress (&run, status, TRUE);

  report_outcome (&run, status);
  g_free (run.message);
  return run.status;
}
