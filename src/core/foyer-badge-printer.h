/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-badge-printer.h: sends badges to a CUPS queue, waits (bounded) for the printer to finish
 * them and says plainly why one did not print.
 *
 * The blocking calls are for worker threads and foyerctl; the UI uses the _async pair, which
 * renders and prints in a thread and records the outcome on the record from the caller's thread.
 */
#pragma once

#include <gio/gio.h>

#include "foyer-badge-renderer.h"
#include "foyer-config.h"
#include "foyer-record.h"
#include "foyer-store.h"

G_BEGIN_DECLS

#define FOYER_BADGE_PRINTER_ERROR (foyer_badge_printer_error_quark ())

typedef enum {
  FOYER_BADGE_PRINTER_ERROR_NO_PRINTER = 1,  /* [badge] printer is not set */
  FOYER_BADGE_PRINTER_ERROR_UNAVAILABLE,     /* the print service (cupsd) cannot be reached */
  FOYER_BADGE_PRINTER_ERROR_NOT_FOUND,       /* no queue of that name */
  FOYER_BADGE_PRINTER_ERROR_STOPPED,         /* queue stopped/paused or not accepting jobs */
  FOYER_BADGE_PRINTER_ERROR_OFFLINE,         /* the printer does not answer */
  FOYER_BADGE_PRINTER_ERROR_MEDIA_EMPTY,     /* out of labels / paper */
  FOYER_BADGE_PRINTER_ERROR_MEDIA_JAM,
  FOYER_BADGE_PRINTER_ERROR_JOB_FAILED,      /* the job was aborted or cancelled */
  FOYER_BADGE_PRINTER_ERROR_TIMEOUT,         /* not finished within the print timeout */
  FOYER_BADGE_PRINTER_ERROR_FAILED,          /* CUPS refused the job otherwise */
} FoyerBadgePrinterError;

GQuark foyer_badge_printer_error_quark (void);

#define FOYER_TYPE_BADGE_PRINTER (foyer_badge_printer_get_type ())
G_DECLARE_FINAL_TYPE (FoyerBadgePrinter, foyer_badge_printer, FOYER, BADGE_PRINTER, GObject)

/* queue: a CUPS queue name; renderer: the layout and media to print. */
FoyerBadgePrinter  *foyer_badge_printer_new             (const char          *queue,
                                                         FoyerBadgeRenderer  *renderer);
/* [badge] printer, media, event-name, print-timeout. NULL with NO_PRINTER when no printer is
 * configured. */
FoyerBadgePrinter  *foyer_badge_printer_new_from_config (FoyerConfig         *config,
                                                         GError             **error);
const char         *foyer_badge_printer_get_queue       (FoyerBadgePrinter   *self);
FoyerBadgeRenderer *foyer_badge_printer_get_renderer    (FoyerBadgePrinter   *self);
/* How long to wait for the printer to finish one badge (default 60 s). */
void                foyer_badge_printer_set_timeout     (FoyerBadgePrinter   *self,
                                                         guint                seconds);

/* Blocking: sends a PDF and waits until the job completes, fails or times out. A job that
 * fails or times out is cancelled so that it does not come out later unexpectedly. */
gboolean            foyer_badge_printer_print_pdf       (FoyerBadgePrinter   *self,
                                                         GBytes              *pdf,
                                                         const char          *title,
                                                         int                 *job_id,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
/* Blocking: renders reg's badge carrying payload and prints it. */
gboolean            foyer_badge_printer_print           (FoyerBadgePrinter   *self,
                                                         const FoyerRegistration *reg,
                                                         const char          *payload,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
/* Renders and prints in a worker thread. When store is non-NULL the outcome is recorded on
 * reg->id with foyer_store_record_print() in the caller's thread before callback runs (the
 * store is never touched from the worker). */
void                foyer_badge_printer_print_async     (FoyerBadgePrinter   *self,
                                                         const FoyerRegistration *reg,
                                                         const char          *payload,
                                                         FoyerStore          *store,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            foyer_badge_printer_print_finish    (FoyerBadgePrinter   *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Records one print attempt on record_id: success when print_error is NULL, else its message. */
gboolean            foyer_badge_printer_record          (FoyerStore          *store,
                                                         const char          *record_id,
                                                         const char          *queue,
                                                         const GError        *print_error,
                                                         GError             **error);

/* --- what the print queue (foyer-print-queue.c) uses: one step at a time, never waiting --- */

typedef enum {
  FOYER_PRINTER_STATE_UNKNOWN = 0,   /* not asked yet */
  FOYER_PRINTER_STATE_IDLE,
  FOYER_PRINTER_STATE_PROCESSING,
  FOYER_PRINTER_STATE_STOPPED,
  FOYER_PRINTER_STATE_UNREACHABLE,   /* cupsd does not answer, or there is no such queue */
} FoyerPrinterState;

/* A printer's state as CUPS reports it (printer-state, printer-state-reasons, …). */
typedef struct {
  char              *queue;
  FoyerPrinterState  state;
  gboolean           accepting;     /* printer-is-accepting-jobs */
  char             **reasons;       /* printer-state-reasons keywords, without "none" */
  char              *message;       /* printer-state-message, or why it could not be asked */
  int                queued_jobs;   /* queued-job-count */
} FoyerPrinterStatus;

void                foyer_printer_status_free           (FoyerPrinterStatus  *status);
FoyerPrinterStatus *foyer_printer_status_copy           (const FoyerPrinterStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerPrinterStatus, foyer_printer_status_free)
/* Whether a badge sent now would print: reachable, not stopped, accepting, and no reason that
 * stops printing (out of labels, jam, offline, door open…). */
gboolean            foyer_printer_status_is_ready       (const FoyerPrinterStatus *status);
/* The state and its reasons in words for staff, translated ("Stopped · out of labels"). */
char               *foyer_printer_status_describe       (const FoyerPrinterStatus *status);
/* One printer-state-reasons keyword (with or without -error/-warning/-report) in words. */
char               *foyer_printer_reason_describe       (const char          *keyword);

/* Asks CUPS for the printer's state. Never NULL: an unreachable printer is a status too. */
FoyerPrinterStatus *foyer_badge_printer_query           (FoyerBadgePrinter   *self);
/* Refuses a printer that cannot print now (as print_pdf does), else hands pdf to CUPS and
 * returns as soon as CUPS accepted it, with its job id. */
gboolean            foyer_badge_printer_submit_pdf      (FoyerBadgePrinter   *self,
                                                         GBytes              *pdf,
                                                         const char          *title,
                                                         int                 *job_id,
                                                         GError             **error);
/* The CUPS job-state of job_id as a keyword (pending, held, processing, stopped, canceled,
 * aborted, completed), its reasons/message in *detail and whether the printer ever began it
 * (time-at-processing) in *started (both may be NULL). */
gboolean            foyer_badge_printer_get_job_state   (FoyerBadgePrinter   *self,
                                                         int                  job_id,
                                                         char               **state,
                                                         char               **detail,
                                                         gboolean            *started,
                                                         GError             **error);
gboolean            foyer_badge_printer_cancel_job      (FoyerBadgePrinter   *self,
                                                         int                  job_id,
                                                         GError             **error);
/* The id of this queue's job named title created at or after since (seconds since the epoch),
 * 0 when there is none. */
int                 foyer_badge_printer_find_job        (FoyerBadgePrinter   *self,
                                                         const char          *title,
                                                         gint64               since,
                                                         GError             **error);

G_END_DECLS
