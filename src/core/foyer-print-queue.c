/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-print-queue.c: the badge print queue (see foyer-print-queue.h).
 *
 * The owner (the kiosk window, a test) adds jobs through its own store connection; one worker
 * thread, with a connection of its own to the same database, does everything else: it reads the
 * printers' states, sends queued jobs to the first ready printer, follows them at CUPS and moves
 * them when they are stuck. What staff and the visitor need to know comes back in an idle source
 * attached to the owner's main context, the project's one way back from a thread.
 *
 * Nothing prints twice: a job is taken off a printer only once CUPS says it was cancelled there
 * (a job that completed meanwhile counts as printed), and a job that was being sent when the
 * kiosk stopped is looked up at CUPS by its title before it is sent again.
 */
#define G_LOG_DOMAIN "foyer-print"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "foyer-badge-code.h"
#include "foyer-kiosk-flow.h"
#include "foyer-print-queue.h"

G_DEFINE_QUARK (foyer-print-queue-error-quark, foyer_print_queue_error)

#define MAX_ATTEMPTS           3     /* printer aborts before a job is given up */
#define POLL_BUSY_US           (250 * 1000)
#define POLL_IDLE_US           (2 * G_USEC_PER_SEC)
#define DEFAULT_FAILOVER_S     20
#define CANCEL_WAIT_STEPS      30    /* × CANCEL_WAIT_US: how long a cancelled job may take */
#define CANCEL_WAIT_US         (100 * 1000)

/* --- what the owner and the worker share --- */

typedef enum {
  COMMAND_RETRY = 1,
  COMMAND_MOVE,
} CommandKind;

typedef struct {
  CommandKind kind;
  gint64      job_id;
} Command;

typedef struct {
  gatomicrefcount refs;
  GWeakRef        owner;
  GMainContext   *context;
  GMutex          lock;
  GCond           cond;
  GQueue          commands;   /* Command *, under lock */
  gboolean        stop;       /* under lock */
  gboolean        wake;       /* under lock */
} Shared;

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->refs);
  return shared;
}

static void
shared_unref (Shared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->refs))
    return;
  g_weak_ref_clear (&shared->owner);
  g_main_context_unref (shared->context);
  g_queue_clear_full (&shared->commands, g_free);
  g_mutex_clear (&shared->lock);
  g_cond_clear (&shared->cond);
  g_free (shared);
}

static void
shared_push (Shared     *shared,
             CommandKind kind,
             gint64      job_id)
{
  g_mutex_lock (&shared->lock);
  if (kind != 0) {
    Command *command = g_new0 (Command, 1);

    command->kind = kind;
    command->job_id = job_id;
    g_queue_push_tail (&shared->commands, command);
  }
  shared->wake = TRUE;
  g_cond_signal (&shared->cond);
  g_mutex_unlock (&shared->lock);
}

struct _FoyerPrintQueue {
  GObject             parent_instance;

  FoyerStore         *store;          /* the owner's connection */
  char              **printers;
  char               *db_path;
  FoyerBadgeRenderer *renderer;       /* the worker's once it started */
  guint               failover_s;
  gboolean            on_registration;
  gboolean            on_check_in;
  Shared             *shared;
  GThread            *thread;

  GPtrArray          *status;         /* FoyerPrinterStatus, the worker's last read */
  GArray             *held;           /* gboolean per printer: stalled or refusing jobs */
  int                 active;
};

G_DEFINE_FINAL_TYPE (FoyerPrintQueue, foyer_print_queue, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  SIGNAL_JOB_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- the worker --- */

typedef struct {
  gint64              id;
  FoyerPrintJobState  state;
  char               *printer;
  char               *message;
} JobEvent;

static void
job_event_free (JobEvent *event)
{
  g_free (event->printer);
  g_free (event->message);
  g_free (event);
}

typedef struct {
  Shared              *shared;
  char                *db_path;
  FoyerStore          *store;
  FoyerBadgeRenderer  *renderer;
  char               **names;
  guint                n;
  FoyerBadgePrinter  **printers;
  FoyerPrinterStatus **status;
  gint64              *held_until;     /* monotonic µs: stalled or refusing, out until then */
  GHashTable          *others;         /* queue name → FoyerBadgePrinter no longer listed */
  GHashTable          *avoid;          /* job id → bits of the printers it was taken off */
  gint64               failover_us;
  int                  active;
  char                *last_report;    /* the printers' states as last delivered */
  GPtrArray           *events;         /* JobEvent, to deliver */
} Worker;

static void
worker_free (Worker *w)
{
  for (guint i = 0; i < w->n; i++) {
    g_clear_object (&w->printers[i]);
    g_clear_pointer (&w->status[i], foyer_printer_status_free);
  }
  g_free (w->printers);
  g_free (w->status);
  g_free (w->held_until);
  g_strfreev (w->names);
  g_clear_object (&w->store);
  g_clear_object (&w->renderer);
  g_hash_table_unref (w->others);
  g_hash_table_unref (w->avoid);
  g_ptr_array_unref (w->events);
  g_free (w->last_report);
  g_free (w->db_path);
  shared_unref (w->shared);
  g_free (w);
}

static gboolean
printer_ready (Worker *w,
               guint   i)
{
  return w->status[i] != NULL && foyer_printer_status_is_ready (w->status[i]) &&
         g_get_monotonic_time () >= w->held_until[i];
}

static int
printer_index (Worker     *w,
               const char *name)
{
  for (guint i = 0; name != NULL && i < w->n; i++)
    if (g_strcmp0 (w->names[i], name) == 0)
      return (int)i;
  return -1;
}

/* The printer a job is at, also one no longer in [badge] printer (its jobs are still followed). */
static FoyerBadgePrinter *
printer_named (Worker     *w,
               const char *name)
{
  int i = printer_index (w, name);
  FoyerBadgePrinter *printer;

  if (i >= 0)
    return w->printers[i];
  printer = g_hash_table_lookup (w->others, name);
  if (printer == NULL) {
    printer = foyer_badge_printer_new (name, w->renderer);
    g_hash_table_insert (w->others, g_strdup (name), printer);
  }
  return printer;
}

static void
refresh_printers (Worker *w)
{
  w->active = -1;
  for (guint i = 0; i < w->n; i++) {
    g_clear_pointer (&w->status[i], foyer_printer_status_free);
    w->status[i] = foyer_badge_printer_query (w->printers[i]);
    if (w->active < 0 && printer_ready (w, i))
      w->active = (int)i;
  }
}

/* Writes job and notes the change for the owner. FALSE when the store refused. */
static gboolean
save_job (Worker        *w,
          FoyerPrintJob *job)
{
  g_autoptr(GError) error = NULL;
  JobEvent *event;

  if (!foyer_store_update_print_job (w->store, job, &error)) {
    g_message ("print job %" G_GINT64_FORMAT " not updated: %s", job->id, error->message);
    return FALSE;
  }
  event = g_new0 (JobEvent, 1);
  event->id = job->id;
  event->state = job->state;
  event->printer = g_strdup (job->printer);
  event->message = g_strdup (job->message);
  g_ptr_array_add (w->events, event);
  return TRUE;
}

static void
set_message (FoyerPrintJob *job,
             char          *message)
{
  g_free (job->message);
  job->message = message;
}

/* A final state, kept in the prints log too (which the reprint check reads). */
static void
finish_job (Worker             *w,
            FoyerPrintJob      *job,
            FoyerPrintJobState  state,
            char               *message)
{
  g_autoptr(GError) error = NULL;

  job->state = state;
  /* A printed job keeps what happened on its way (where it was moved from). */
  if (message != NULL)
    set_message (job, message);
  g_hash_table_remove (w->avoid, &job->id);
  if (!save_job (w, job))
    return;
  if (state == FOYER_PRINT_JOB_PRINTED || state == FOYER_PRINT_JOB_FAILED)
    if (!foyer_store_record_print (w->store, job->record_id, job->printer,
                                   state == FOYER_PRINT_JOB_PRINTED,
                                   state == FOYER_PRINT_JOB_PRINTED ? _("printed") : job->message,
                                   &error))
      g_debug ("print not logged: %s", error->message);
}

static void
requeue_job (Worker        *w,
             FoyerPrintJob *job,
             char          *message)
{
  job->state = FOYER_PRINT_JOB_QUEUED;
  job->cups_job_id = 0;
  g_clear_pointer (&job->cups_state, g_free);
  job->sent_at = 0;
  set_message (job, message);
  save_job (w, job);
}

static char *
job_title (const FoyerPrintJob *job)
{
  g_autofree char *short_id = foyer_badge_code_short_id (job->record_id);

  /* Shows in print queues: the short record id, never the visitor's name; the job id makes it
   * unique, so that a job sent just before a crash is found again. */
  return g_strdup_printf ("Foyer badge %s #%" G_GINT64_FORMAT, short_id != NULL ? short_id : "",
                          job->id);
}

/* Remembers that job was taken off printer i: it goes to the others first. */
static void
avoid_printer (Worker        *w,
               FoyerPrintJob *job,
               int            i)
{
  guint64 bits = GPOINTER_TO_SIZE (g_hash_table_lookup (w->avoid, &job->id));

  if (i < 0 || i >= 64)
    return;
  bits |= G_GUINT64_CONSTANT (1) << i;
  g_hash_table_insert (w->avoid, g_memdup2 (&job->id, sizeof job->id), GSIZE_TO_POINTER (bits));
}

/* Takes job off its printer: cancelled there first; one that completed meanwhile is printed.
 * FALSE when CUPS could not tell (the job stays where it is). */
static gboolean
take_off_printer (Worker        *w,
                  FoyerPrintJob *job,
                  const char    *why)
{
  FoyerBadgePrinter *printer = printer_named (w, job->printer);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  int from = printer_index (w, job->printer);

  if (!foyer_badge_printer_cancel_job (printer, job->cups_job_id, &error))
    g_debug ("cancelling job %d on %s: %s", job->cups_job_id, job->printer, error->message);
  g_clear_error (&error);
  /* A job that was printing ends once its filters and backend have stopped. */
  for (int i = 0; i < CANCEL_WAIT_STEPS; i++) {
    g_clear_pointer (&state, g_free);
    if (!foyer_badge_printer_get_job_state (printer, job->cups_job_id, &state, NULL, NULL, &error)) {
      g_debug ("job %d on %s: %s", job->cups_job_id, job->printer, error->message);
      return FALSE;
    }
    if (g_strcmp0 (state, "processing") != 0)
      break;
    g_usleep (CANCEL_WAIT_US);
  }
  if (g_strcmp0 (state, "completed") == 0) {
    finish_job (w, job, FOYER_PRINT_JOB_PRINTED, NULL);
    return TRUE;
  }
  if (g_strcmp0 (state, "canceled") != 0 && g_strcmp0 (state, "aborted") != 0)
    return FALSE;
  avoid_printer (w, job, from);
  g_message ("print job %" G_GINT64_FORMAT " taken off %s (CUPS job %d): %s", job->id,
             job->printer, job->cups_job_id, why);
  requeue_job (w, job, g_strdup_printf (_("Taken off “%s”: %s"), job->printer, why));
  return TRUE;
}

/* Whether another printer than the job's own can take it now. */
static gboolean
other_printer_ready (Worker        *w,
                     FoyerPrintJob *job)
{
  for (guint i = 0; i < w->n; i++)
    if (g_strcmp0 (w->names[i], job->printer) != 0 && printer_ready (w, i))
      return TRUE;
  return FALSE;
}

/* A job CUPS ended without printing it: sent again, up to MAX_ATTEMPTS. */
static void
job_ended_unprinted (Worker        *w,
                     FoyerPrintJob *job,
                     const char    *detail)
{
  g_autofree char *why = g_strdup_printf (_("“%s” did not print it (%s, %s)"), job->printer,
                                          job->cups_state,
                                          detail != NULL ? detail : _("no reason given"));

  if (job->attempts < MAX_ATTEMPTS)
    requeue_job (w, job, g_steal_pointer (&why));
  else
    finish_job (w, job, FOYER_PRINT_JOB_FAILED, g_steal_pointer (&why));
}

static void
stopped_while_printing (Worker        *w,
                        FoyerPrintJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *why = g_strdup_printf (_("“%s” stopped while printing this badge: it may be out "
                                            "already. Check the printer; Retry prints it again"),
                                          job->printer);

  /* Cancelled there, so that it does not come out again when the printer is resumed. */
  if (!foyer_badge_printer_cancel_job (printer_named (w, job->printer), job->cups_job_id, &error))
    g_debug ("cancelling job %d on %s: %s", job->cups_job_id, job->printer, error->message);
  finish_job (w, job, FOYER_PRINT_JOB_FAILED, g_steal_pointer (&why));
}

/* A job at CUPS: its state followed, and moved when it waits at a printer that cannot print it
 * or has not printed it within failover-seconds while another printer is ready. */
static void
follow_job (Worker        *w,
            FoyerPrintJob *job)
{
  FoyerBadgePrinter *printer = printer_named (w, job->printer);
  int i = printer_index (w, job->printer);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *detail = NULL;
  gboolean started = g_strcmp0 (job->cups_state, "processing") == 0;
  gboolean began = FALSE;

  if (!foyer_badge_printer_get_job_state (printer, job->cups_job_id, &state, &detail, &began,
                                          &error)) {
    g_debug ("job %d on %s: %s", job->cups_job_id, job->printer, error->message);
    return;
  }
  if (g_strcmp0 (state, job->cups_state) != 0) {
    g_free (job->cups_state);
    job->cups_state = g_strdup (state);
    save_job (w, job);
  }
  if (g_strcmp0 (state, "completed") == 0) {
    finish_job (w, job, FOYER_PRINT_JOB_PRINTED, NULL);
  } else if (g_strcmp0 (state, "canceled") == 0 || g_strcmp0 (state, "aborted") == 0) {
    job_ended_unprinted (w, job, detail);
  } else if (i >= 0 && !printer_ready (w, i) && !(started || began) &&
             other_printer_ready (w, job)) {
    /* Not begun: safe to take off at once. */
    g_autofree char *words = foyer_printer_status_describe (w->status[i]);

    take_off_printer (w, job, words);
  } else if (i >= 0 && !printer_ready (w, i) && g_strcmp0 (state, "processing") != 0) {
    /* The printer was stopped in the middle of this badge: it may be out already. Staff look
     * and retry; sending it elsewhere by itself could print it twice. */
    stopped_while_printing (w, job);
  } else if (g_get_real_time () - job->sent_at > w->failover_us && other_printer_ready (w, job)) {
    g_autofree char *why = g_strdup_printf (_("not printed within %u seconds"),
                                            (guint)(w->failover_us / G_USEC_PER_SEC));
    /* A stalled printer gets no new jobs for a while, then is tried again. */
    if (i >= 0)
      w->held_until[i] = g_get_monotonic_time () + w->failover_us;
    take_off_printer (w, job, why);
  }
}

/* A job that was being sent when an earlier run stopped: CUPS may have it already. */
static void
recover_sending (Worker        *w,
                 FoyerPrintJob *job)
{
  g_autofree char *title = job_title (job);
  g_autoptr(GError) error = NULL;
  int found;

  found = foyer_badge_printer_find_job (printer_named (w, job->printer), title,
                                        job->updated_at / G_USEC_PER_SEC - 2, &error);
  if (error != NULL) {
    /* CUPS cannot tell now: sending it blindly could print it twice. Ask again later. */
    g_debug ("cannot look up print job %" G_GINT64_FORMAT ": %s", job->id, error->message);
    return;
  }
  if (found > 0) {
    g_message ("print job %" G_GINT64_FORMAT " was accepted by %s before the restart (CUPS job %d)",
               job->id, job->printer, found);
    job->state = FOYER_PRINT_JOB_AT_PRINTER;
    job->cups_job_id = found;
    job->sent_at = job->updated_at;
    save_job (w, job);
    follow_job (w, job);
  } else {
    job->attempts = MAX (job->attempts - 1, 0);
    requeue_job (w, job, NULL);
  }
}

/* The printer for a queued job: the first ready one, but not the one it was moved from while
 * another is ready. */
static int
choose_printer (Worker        *w,
                FoyerPrintJob *job)
{
  guint64 avoid = GPOINTER_TO_SIZE (g_hash_table_lookup (w->avoid, &job->id));

  for (guint i = 0; i < w->n; i++)
    if ((i >= 64 || (avoid & (G_GUINT64_CONSTANT (1) << i)) == 0) && printer_ready (w, i))
      return (int)i;
  /* Taken off every ready printer once: start over along the list. */
  for (guint i = 0; i < w->n; i++)
    if (printer_ready (w, i)) {
      g_hash_table_remove (w->avoid, &job->id);
      return (int)i;
    }
  return -1;
}

static GBytes *
render_job (Worker         *w,
            FoyerPrintJob  *job,
            GError        **error)
{
  g_autoptr(FoyerRegistration) reg = foyer_store_get_registration (w->store, job->record_id,
                                                                    error);

  if (reg == NULL)
    return NULL;
  return foyer_badge_renderer_render (w->renderer, reg,
                                      job->payload != NULL ? job->payload
                                                           : foyer_kiosk_flow_badge_payload (reg),
                                      FOYER_BADGE_FORMAT_PDF, error);
}

static void
send_job (Worker        *w,
          FoyerPrintJob *job)
{
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = job_title (job);
  int i = choose_printer (w, job);
  int cups_id = 0;

  if (i < 0) {
    if (job->message == NULL) {
      set_message (job, g_strdup (_("Waiting for a printer that can print")));
      save_job (w, job);
    }
    return;
  }
  /* Moved around every printer without coming out: staff must look (Admin: Retry). */
  if (job->attempts >= MAX_ATTEMPTS * (int)MAX (w->n, 1)) {
    finish_job (w, job, FOYER_PRINT_JOB_FAILED,
                g_strdup_printf (_("not printed after %d attempts on the printers: %s"),
                                 job->attempts, job->message != NULL ? job->message : ""));
    return;
  }
  if ((pdf = render_job (w, job, &error)) == NULL) {
    finish_job (w, job, FOYER_PRINT_JOB_FAILED, g_strdup (error->message));
    return;
  }
  /* Stored as being sent before CUPS sees it: a crash from here on is settled by its title. */
  job->state = FOYER_PRINT_JOB_SENDING;
  g_free (job->printer);
  job->printer = g_strdup (w->names[i]);
  job->attempts++;
  if (!save_job (w, job))
    return;
  if (!foyer_badge_printer_submit_pdf (w->printers[i], pdf, title, &cups_id, &error)) {
    /* Not accepted, so not printed: this printer is left out for a while. */
    w->held_until[i] = g_get_monotonic_time () + w->failover_us;
    job->attempts--;
    requeue_job (w, job, g_strdup (error->message));
    return;
  }
  g_debug ("print job %" G_GINT64_FORMAT " is CUPS job %d on %s", job->id, cups_id, job->printer);
  job->state = FOYER_PRINT_JOB_AT_PRINTER;
  job->cups_job_id = cups_id;
  g_free (job->cups_state);
  job->cups_state = g_strdup ("pending");
  job->sent_at = g_get_real_time ();
  save_job (w, job);
}

static void
run_command (Worker  *w,
             Command *command)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerPrintJob) job = foyer_store_get_print_job (w->store, command->job_id, &error);
  int from;

  if (job == NULL || job->state == FOYER_PRINT_JOB_PRINTED)
    return;
  from = printer_index (w, job->printer);
  if (job->state == FOYER_PRINT_JOB_AT_PRINTER &&
      !take_off_printer (w, job, command->kind == COMMAND_MOVE ? _("moved by staff")
                                                               : _("sent again by staff")))
    return;
  if (job->state == FOYER_PRINT_JOB_PRINTED)
    return;
  if (command->kind == COMMAND_MOVE)
    avoid_printer (w, job, from);
  else if (command->kind == COMMAND_RETRY)
    g_hash_table_remove (w->avoid, &job->id);
  if (command->kind == COMMAND_RETRY)
    job->attempts = 0;
  requeue_job (w, job, g_strdup (command->kind == COMMAND_MOVE ? _("Moved by staff")
                                                               : _("Sent again by staff")));
}

/* --- the worker's loop and its reports --- */

typedef struct {
  Shared    *shared;
  GPtrArray *status;    /* FoyerPrinterStatus copies, NULL when unchanged */
  GArray    *held;      /* gboolean per printer */
  int        active;
  GPtrArray *events;    /* JobEvent */
} Report;

static void
report_free (gpointer data)
{
  Report *report = data;

  shared_unref (report->shared);
  g_clear_pointer (&report->status, g_ptr_array_unref);
  g_clear_pointer (&report->held, g_array_unref);
  g_ptr_array_unref (report->events);
  g_free (report);
}

static void deliver_report (FoyerPrintQueue *self, Report *report);

static gboolean
deliver_report_cb (gpointer data)
{
  Report *report = data;
  g_autoptr(FoyerPrintQueue) self = g_weak_ref_get (&report->shared->owner);

  if (self != NULL)
    deliver_report (self, report);
  return G_SOURCE_REMOVE;
}

/* The printers' states in one string, to tell whether they changed since the last report. */
static char *
printers_key (Worker *w)
{
  g_autoptr(GString) key = g_string_new (NULL);

  g_string_append_printf (key, "%d", w->active);
  for (guint i = 0; i < w->n; i++) {
    g_autofree char *words = foyer_printer_status_describe (w->status[i]);
    g_string_append_printf (key, "|%s|%d|%d", words, w->status[i]->queued_jobs,
                            printer_ready (w, i));
  }
  return g_string_free (g_steal_pointer (&key), FALSE);
}

/* Hands what changed to the owner, through an idle source on its main context. */
static void
send_report (Worker *w)
{
  g_autofree char *key = printers_key (w);
  gboolean changed = g_strcmp0 (key, w->last_report) != 0;
  GSource *source;
  Report *report;

  if (!changed && w->events->len == 0)
    return;
  report = g_new0 (Report, 1);
  report->shared = shared_ref (w->shared);
  report->active = w->active;
  report->events = g_steal_pointer (&w->events);
  w->events = g_ptr_array_new_with_free_func ((GDestroyNotify)job_event_free);
  if (changed) {
    report->status = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_printer_status_free);
    report->held = g_array_new (FALSE, TRUE, sizeof (gboolean));
    for (guint i = 0; i < w->n; i++) {
      gboolean held = g_get_monotonic_time () < w->held_until[i];

      g_ptr_array_add (report->status, foyer_printer_status_copy (w->status[i]));
      g_array_append_val (report->held, held);
    }
    g_free (w->last_report);
    w->last_report = g_steal_pointer (&key);
  }
  source = g_idle_source_new ();
  g_source_set_callback (source, deliver_report_cb, report, report_free);
  g_source_set_static_name (source, "[foyer] print queue");
  g_source_attach (source, w->shared->context);
  g_source_unref (source);
}

/* One pass over the printers and the unfinished jobs; TRUE while some job is unfinished. */
static gboolean
worker_cycle (Worker *w)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  Command *command;
  gboolean busy = FALSE;

  refresh_printers (w);
  for (;;) {
    g_mutex_lock (&w->shared->lock);
    command = g_queue_pop_head (&w->shared->commands);
    g_mutex_unlock (&w->shared->lock);
    if (command == NULL)
      break;
    run_command (w, command);
    g_free (command);
  }
  jobs = foyer_store_list_print_jobs (w->store, TRUE, 0, &error);
  for (guint i = 0; jobs != NULL && i < jobs->len; i++) {
    FoyerPrintJob *job = g_ptr_array_index (jobs, i);

    if (job->state == FOYER_PRINT_JOB_SENDING)
      recover_sending (w, job);
    else if (job->state == FOYER_PRINT_JOB_AT_PRINTER)
      follow_job (w, job);
    /* A job taken off a printer above goes to the next one in this same pass. */
    if (job->state == FOYER_PRINT_JOB_QUEUED)
      send_job (w, job);
    busy |= job->state == FOYER_PRINT_JOB_QUEUED || job->state == FOYER_PRINT_JOB_SENDING ||
            job->state == FOYER_PRINT_JOB_AT_PRINTER;
  }
  if (jobs == NULL)
    g_debug ("cannot read the print queue: %s", error->message);
  /* Jobs sent or moved in this pass may have made a printer busy or stalled. */
  w->active = -1;
  for (guint i = 0; i < w->n && w->active < 0; i++)
    if (printer_ready (w, i))
      w->active = (int)i;
  send_report (w);
  return busy;
}

/* Sleeps until woken (a new job, a command, stop) or for timeout_us; FALSE when stopping. */
static gboolean
worker_wait (Worker *w,
             gint64  timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean running;

  g_mutex_lock (&w->shared->lock);
  while (!w->shared->stop && !w->shared->wake)
    if (!g_cond_wait_until (&w->shared->cond, &w->shared->lock, end))
      break;
  w->shared->wake = FALSE;
  running = !w->shared->stop;
  g_mutex_unlock (&w->shared->lock);
  return running;
}

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;
  gboolean busy = FALSE;

  do {
    g_autoptr(GError) error = NULL;

    if (w->store == NULL && (w->store = foyer_store_open (w->db_path, &error)) == NULL) {
      g_message ("the print queue cannot open the database: %s", error->message);
      continue;
    }
    busy = worker_cycle (w);
  } while (worker_wait (w, busy ? POLL_BUSY_US : POLL_IDLE_US));
  worker_free (w);
  return NULL;
}

/* --- the owner's side --- */

static void
deliver_report (FoyerPrintQueue *self,
                Report          *report)
{
  if (report->status != NULL) {
    g_ptr_array_unref (self->status);
    self->status = g_steal_pointer (&report->status);
    g_array_unref (self->held);
    self->held = g_steal_pointer (&report->held);
    self->active = report->active;
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  }
  for (guint i = 0; i < report->events->len; i++) {
    JobEvent *event = g_ptr_array_index (report->events, i);

    g_signal_emit (self, signals[SIGNAL_JOB_CHANGED], 0, event->id, (int)event->state,
                   event->printer, event->message);
  }
}

static void
foyer_print_queue_dispose (GObject *object)
{
  FoyerPrintQueue *self = (FoyerPrintQueue *)object;

  foyer_print_queue_stop (self);
  G_OBJECT_CLASS (foyer_print_queue_parent_class)->dispose (object);
}

static void
foyer_print_queue_finalize (GObject *object)
{
  FoyerPrintQueue *self = (FoyerPrintQueue *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->renderer);
  g_strfreev (self->printers);
  g_free (self->db_path);
  g_clear_pointer (&self->shared, shared_unref);
  g_clear_pointer (&self->status, g_ptr_array_unref);
  g_clear_pointer (&self->held, g_array_unref);

  G_OBJECT_CLASS (foyer_print_queue_parent_class)->finalize (object);
}

static void
foyer_print_queue_class_init (FoyerPrintQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = foyer_print_queue_dispose;
  object_class->finalize = foyer_print_queue_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_JOB_CHANGED] = g_signal_new ("job-changed", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 4, G_TYPE_INT64, G_TYPE_INT,
                                              G_TYPE_STRING, G_TYPE_STRING);
}

static void
foyer_print_queue_init (FoyerPrintQueue *self)
{
  self->active = 0;
  self->failover_s = DEFAULT_FAILOVER_S;
  self->held = g_array_new (FALSE, TRUE, sizeof (gboolean));
}

/* When to print by itself: [badge] print-on, else the older auto-print (registrations). */
static void
read_print_on (FoyerPrintQueue *self,
               FoyerConfig     *config)
{
  const char *print_on = foyer_config_get_string (config, "badge", "print-on");

  if (print_on == NULL || *print_on == '\0') {
    self->on_registration = foyer_config_get_boolean (config, "badge", "auto-print");
    self->on_check_in = FALSE;
    return;
  }
  self->on_registration = g_str_equal (print_on, "registration") || g_str_equal (print_on, "both");
  self->on_check_in = g_str_equal (print_on, "check-in") || g_str_equal (print_on, "both");
}

FoyerPrintQueue *
foyer_print_queue_new (FoyerConfig  *config,
                       FoyerStore   *store,
                       GError      **error)
{
  g_autoptr(FoyerPrintQueue) self = NULL;
  g_auto(GStrv) printers = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);
  g_return_val_if_fail (FOYER_IS_STORE (store), NULL);

  printers = foyer_config_get_string_list (config, "badge", "printer");
  if (printers[0] == NULL || *printers[0] == '\0') {
    g_set_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NO_PRINTER,
                 _("No badge printer is configured: set [badge] printer= to a CUPS queue "
                   "(lpstat -p lists them)"));
    return NULL;
  }
  self = g_object_new (FOYER_TYPE_PRINT_QUEUE, NULL);
  self->store = g_object_ref (store);
  self->db_path = g_strdup (foyer_store_get_path (store));
  self->printers = g_steal_pointer (&printers);
  self->renderer = foyer_badge_renderer_new_from_config (config);
  self->failover_s = (guint)foyer_config_get_int (config, "badge", "failover-seconds");
  if (self->failover_s == 0)
    self->failover_s = DEFAULT_FAILOVER_S;
  read_print_on (self, config);
  self->status = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_printer_status_free);
  for (guint i = 0; self->printers[i] != NULL; i++) {
    FoyerPrinterStatus *status = g_new0 (FoyerPrinterStatus, 1);
    gboolean held = FALSE;

    status->queue = g_strdup (self->printers[i]);
    status->reasons = g_new0 (char *, 1);
    g_ptr_array_add (self->status, status);
    g_array_append_val (self->held, held);
  }
  return g_steal_pointer (&self);
}

void
foyer_print_queue_start (FoyerPrintQueue *self)
{
  Worker *w;

  g_return_if_fail (FOYER_IS_PRINT_QUEUE (self));
  if (self->thread != NULL)
    return;

  self->shared = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&self->shared->refs);
  g_weak_ref_init (&self->shared->owner, self);
  self->shared->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->shared->lock);
  g_cond_init (&self->shared->cond);
  g_queue_init (&self->shared->commands);

  w = g_new0 (Worker, 1);
  w->shared = shared_ref (self->shared);
  w->db_path = g_strdup (self->db_path);
  w->renderer = g_object_ref (self->renderer);
  w->names = g_strdupv (self->printers);
  w->n = g_strv_length (w->names);
  w->printers = g_new0 (FoyerBadgePrinter *, w->n);
  w->status = g_new0 (FoyerPrinterStatus *, w->n);
  w->held_until = g_new0 (gint64, w->n);
  for (guint i = 0; i < w->n; i++)
    w->printers[i] = foyer_badge_printer_new (w->names[i], w->renderer);
  w->others = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  w->avoid = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  w->failover_us = (gint64)self->failover_s * G_USEC_PER_SEC;
  w->events = g_ptr_array_new_with_free_func ((GDestroyNotify)job_event_free);
  self->thread = g_thread_new ("foyer-print", worker_thread, w);
}

void
foyer_print_queue_stop (FoyerPrintQueue *self)
{
  g_return_if_fail (FOYER_IS_PRINT_QUEUE (self));
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->shared->lock);
  self->shared->stop = TRUE;
  g_cond_signal (&self->shared->cond);
  g_mutex_unlock (&self->shared->lock);
  g_thread_join (g_steal_pointer (&self->thread));
}

const char * const *
foyer_print_queue_get_printers (FoyerPrintQueue *self)
{
  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), NULL);
  return (const char * const *)self->printers;
}

guint
foyer_print_queue_get_failover_seconds (FoyerPrintQueue *self)
{
  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), 0);
  return self->failover_s;
}

gint64
foyer_print_queue_add (FoyerPrintQueue  *self,
                       const char       *record_id,
                       const char       *payload,
                       const char       *reason,
                       const char       *confirmed_by,
                       GError          **error)
{
  g_autoptr(GError) store_error = NULL;
  gboolean printed = FALSE;
  gint64 id = 0;

  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), 0);
  g_return_val_if_fail (record_id != NULL && reason != NULL, 0);

  if (!foyer_store_badge_was_printed (self->store, record_id, &printed, &store_error)) {
    g_set_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_STORE,
                 _("The badge could not be queued for printing: %s"), store_error->message);
    return 0;
  }
  if (printed && confirmed_by == NULL) {
    g_set_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NEEDS_CONFIRMATION,
                 _("This badge was printed before: a second print needs a staff member’s PIN"));
    return 0;
  }
  if (!foyer_store_add_print_job (self->store, record_id, payload, reason,
                                  printed ? confirmed_by : NULL, &id, &store_error)) {
    gboolean missing = g_error_matches (store_error, FOYER_STORE_ERROR,
                                        FOYER_STORE_ERROR_NOT_FOUND);

    g_set_error (error, FOYER_PRINT_QUEUE_ERROR,
                 missing ? FOYER_PRINT_QUEUE_ERROR_NOT_FOUND : FOYER_PRINT_QUEUE_ERROR_STORE,
                 _("The badge could not be queued for printing: %s"), store_error->message);
    return 0;
  }
  if (printed) {
    g_autofree char *short_id = foyer_badge_code_short_id (record_id);

    /* Who and when, never whose badge beyond its short record id. */
    g_message ("badge reprint of record %s (print job %" G_GINT64_FORMAT ") confirmed by %s",
               short_id, id, confirmed_by);
  }
  g_signal_emit (self, signals[SIGNAL_JOB_CHANGED], 0, id, (int)FOYER_PRINT_JOB_QUEUED,
                 (const char *)NULL, (const char *)NULL);
  if (self->shared != NULL)
    shared_push (self->shared, 0, 0);
  return id;
}

gboolean
foyer_print_queue_wants_auto_print (FoyerPrintQueue *self,
                                    FoyerFlowResult *result)
{
  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), FALSE);
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (result), FALSE);

  switch (foyer_flow_result_get_status (result)) {
  case FOYER_FLOW_STATUS_REGISTERED:
    return self->on_registration && foyer_flow_result_get_registration (result) != NULL;
  case FOYER_FLOW_STATUS_CHECKED_IN:
    return self->on_check_in && foyer_flow_result_get_registration (result) != NULL;
  default:
    return FALSE;
  }
}

gint64
foyer_print_queue_auto_print (FoyerPrintQueue  *self,
                              FoyerFlowResult  *result,
                              GError          **error)
{
  const FoyerRegistration *reg;
  const char *payload;
  gboolean printed = FALSE;
  g_autoptr(GError) store_error = NULL;

  if (!foyer_print_queue_wants_auto_print (self, result))
    return 0;
  reg = foyer_flow_result_get_registration (result);
  if (!foyer_store_badge_was_printed (self->store, reg->id, &printed, &store_error)) {
    g_set_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_STORE,
                 _("The badge could not be queued for printing: %s"), store_error->message);
    return 0;
  }
  /* An automatic print never reprints: a visitor whose badge exists keeps it. */
  if (printed)
    return 0;
  payload = foyer_flow_result_get_badge_payload (result);
  return foyer_print_queue_add (self, reg->id,
                                payload != NULL ? payload : foyer_kiosk_flow_badge_payload (reg),
                                foyer_flow_result_get_status (result) == FOYER_FLOW_STATUS_CHECKED_IN
                                  ? "check-in" : "registration", NULL, error);
}

/* The job, unless it cannot be acted on. */
static FoyerPrintJob *
job_for_command (FoyerPrintQueue  *self,
                 gint64            job_id,
                 GError          **error)
{
  g_autoptr(GError) store_error = NULL;
  g_autoptr(FoyerPrintJob) job = foyer_store_get_print_job (self->store, job_id, &store_error);

  if (job == NULL) {
    g_set_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NOT_FOUND,
                 "%s", store_error->message);
    return NULL;
  }
  if (job->state == FOYER_PRINT_JOB_PRINTED) {
    g_set_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_FINISHED,
                 _("This badge has been printed: use Reprint for another copy"));
    return NULL;
  }
  return g_steal_pointer (&job);
}

gboolean
foyer_print_queue_retry (FoyerPrintQueue  *self,
                         gint64            job_id,
                         GError          **error)
{
  g_autoptr(FoyerPrintJob) job = NULL;

  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), FALSE);
  if ((job = job_for_command (self, job_id, error)) == NULL)
    return FALSE;
  if (self->shared != NULL)
    shared_push (self->shared, COMMAND_RETRY, job_id);
  return TRUE;
}

gboolean
foyer_print_queue_move (FoyerPrintQueue  *self,
                        gint64            job_id,
                        GError          **error)
{
  g_autoptr(FoyerPrintJob) job = NULL;

  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), FALSE);
  if (g_strv_length (self->printers) < 2) {
    g_set_error (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NO_OTHER_PRINTER,
                 _("There is no other printer to move the badge to: list more in "
                   "[badge] printer="));
    return FALSE;
  }
  if ((job = job_for_command (self, job_id, error)) == NULL)
    return FALSE;
  if (self->shared != NULL)
    shared_push (self->shared, COMMAND_MOVE, job_id);
  return TRUE;
}

GPtrArray *
foyer_print_queue_list_printers (FoyerPrintQueue *self)
{
  GPtrArray *out;

  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), NULL);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_printer_status_free);
  for (guint i = 0; i < self->status->len; i++)
    g_ptr_array_add (out, foyer_printer_status_copy (g_ptr_array_index (self->status, i)));
  return out;
}

GPtrArray *
foyer_print_queue_list_jobs (FoyerPrintQueue  *self,
                             guint             limit,
                             GError          **error)
{
  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), NULL);
  return foyer_store_list_print_jobs (self->store, FALSE, limit, error);
}

int
foyer_print_queue_get_active_printer (FoyerPrintQueue *self)
{
  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), -1);
  return self->active;
}

/* The first printer's trouble in words: its state, or a stall. */
static char *
first_printer_trouble (FoyerPrintQueue *self)
{
  FoyerPrinterStatus *first = g_ptr_array_index (self->status, 0);

  if (foyer_printer_status_is_ready (first) && self->held->len > 0 &&
      g_array_index (self->held, gboolean, 0))
    return g_strdup (_("its jobs are not printing"));
  return foyer_printer_status_describe (first);
}

char *
foyer_print_queue_get_banner (FoyerPrintQueue *self)
{
  g_autofree char *trouble = NULL;

  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE (self), NULL);

  if (self->active == 0 || self->status->len == 0 ||
      ((FoyerPrinterStatus *)g_ptr_array_index (self->status, 0))->state ==
        FOYER_PRINTER_STATE_UNKNOWN)
    return NULL;
  trouble = first_printer_trouble (self);
  if (self->active > 0)
    return g_strdup_printf (_("Badge printer “%s”: %s. Badges now print on “%s”."),
                            self->printers[0], trouble, self->printers[self->active]);
  return g_strdup_printf (_("No badge printer can print (“%s”: %s). Badges wait in the queue; "
                            "see Admin."), self->printers[0], trouble);
}

static const char *
cups_state_words (const char *state)
{
  if (g_strcmp0 (state, "pending") == 0)
    return _("waiting at the printer");
  if (g_strcmp0 (state, "held") == 0)
    return _("held at the printer");
  if (g_strcmp0 (state, "processing") == 0)
    return _("printing");
  if (g_strcmp0 (state, "stopped") == 0)
    return _("printer stopped");
  return state != NULL ? state : "";
}

char *
foyer_print_job_describe (const FoyerPrintJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  switch (job->state) {
  case FOYER_PRINT_JOB_SENDING:
    return g_strdup_printf (_("Sending to “%s”"), job->printer);
  case FOYER_PRINT_JOB_AT_PRINTER:
    return g_strdup_printf (_("At “%s”: %s"), job->printer, cups_state_words (job->cups_state));
  case FOYER_PRINT_JOB_PRINTED:
    return g_strdup_printf (_("Printed on “%s”"), job->printer);
  case FOYER_PRINT_JOB_FAILED:
    return g_strdup_printf (_("Not printed: %s"), job->message != NULL ? job->message : "");
  case FOYER_PRINT_JOB_CANCELLED:
    return g_strdup (_("Cancelled"));
  case FOYER_PRINT_JOB_QUEUED:
  default:
    if (job->message != NULL)
      return g_strdup_printf (_("Waiting: %s"), job->message);
    return g_strdup (_("Waiting"));
  }
}
