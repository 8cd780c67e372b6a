/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-print-queue.h: badges wait in the store until a printer has taken them.
 *
 * A job is written to the store before anything is sent (so it survives a restart), then a
 * worker thread hands it to the first ready printer of [badge] printer=, follows its CUPS state,
 * retries it when a printer aborts it and moves it to the next printer when the one it waits at
 * is stopped, cannot print or has not printed it within [badge] failover-seconds. The UI and the
 * visitor queue never wait on it: results come back as signals on the owner's main context.
 */
#pragma once

#include <gio/gio.h>

#include "foyer-badge-printer.h"
#include "foyer-config.h"
#include "foyer-flow-result.h"
#include "foyer-print-job.h"
#include "foyer-store.h"

G_BEGIN_DECLS

#define FOYER_PRINT_QUEUE_ERROR (foyer_print_queue_error_quark ())

typedef enum {
  FOYER_PRINT_QUEUE_ERROR_NO_PRINTER = 1,      /* [badge] printer is not set */
  FOYER_PRINT_QUEUE_ERROR_NEEDS_CONFIRMATION,  /* this badge was printed before: staff confirm */
  FOYER_PRINT_QUEUE_ERROR_NOT_FOUND,           /* no such job, or no such record */
  FOYER_PRINT_QUEUE_ERROR_STORE,               /* the job could not be stored */
  FOYER_PRINT_QUEUE_ERROR_NO_OTHER_PRINTER,    /* move asked with a single printer */
  FOYER_PRINT_QUEUE_ERROR_FINISHED,            /* the job has already printed */
} FoyerPrintQueueError;

GQuark foyer_print_queue_error_quark (void);

#define FOYER_TYPE_PRINT_QUEUE (foyer_print_queue_get_type ())
G_DECLARE_FINAL_TYPE (FoyerPrintQueue, foyer_print_queue, FOYER, PRINT_QUEUE, GObject)

/* [badge] printer (a list), media, event-name, print-on, auto-print, failover-seconds, on the
 * store's database file. NULL with NO_PRINTER when no printer is configured. The worker starts
 * with foyer_print_queue_start() and stops on dispose. */
FoyerPrintQueue    *foyer_print_queue_new             (FoyerConfig      *config,
                                                       FoyerStore       *store,
                                                       GError          **error);
/* Starts the worker: it first settles the jobs an earlier run left (a job being sent at a crash
 * is looked up at CUPS by its title, not sent again). */
void                foyer_print_queue_start           (FoyerPrintQueue  *self);
/* Stops the worker and waits for it (at most one CUPS request). */
void                foyer_print_queue_stop            (FoyerPrintQueue  *self);
const char * const *foyer_print_queue_get_printers    (FoyerPrintQueue  *self);
guint               foyer_print_queue_get_failover_seconds (FoyerPrintQueue *self);

/* Stores a job for record_id's badge and wakes the worker; the job id, or 0 with error.
 * A badge printed (or on its way) before needs confirmed_by (who confirmed: never visitor data),
 * else NEEDS_CONFIRMATION; a confirmed reprint is logged. */
gint64              foyer_print_queue_add             (FoyerPrintQueue  *self,
                                                       const char       *record_id,
                                                       const char       *payload,
                                                       const char       *reason,
                                                       const char       *confirmed_by,
                                                       GError          **error);
/* Whether [badge] print-on (or the older auto-print) prints this flow result by itself:
 * a registration, or a check-in. */
gboolean            foyer_print_queue_wants_auto_print (FoyerPrintQueue *self,
                                                        FoyerFlowResult *result);
/* Auto-print: queues result's badge when print-on asks for it and it was never printed (an
 * automatic print never reprints). The job id; 0 without error when nothing is to print. */
gint64              foyer_print_queue_auto_print      (FoyerPrintQueue  *self,
                                                       FoyerFlowResult  *result,
                                                       GError          **error);
/* Staff: send a job again from its first attempt (cancelled at CUPS first if it waits there). */
gboolean            foyer_print_queue_retry           (FoyerPrintQueue  *self,
                                                       gint64            job_id,
                                                       GError          **error);
/* Staff: take a job off its printer (cancelled there first, so it never prints twice) and
 * send it to the next one. */
gboolean            foyer_print_queue_move            (FoyerPrintQueue  *self,
                                                       gint64            job_id,
                                                       GError          **error);
/* The last state of each printer the worker read (FoyerPrinterStatus, in [badge] printer
 * order); before the first read each is FOYER_PRINTER_STATE_UNKNOWN. */
GPtrArray          *foyer_print_queue_list_printers   (FoyerPrintQueue  *self);
/* The index of the printer new jobs go to; -1 when none is ready. */
int                 foyer_print_queue_get_active_printer (FoyerPrintQueue *self);
/* What staff must know when badges do not go to the first printer, translated; NULL when they
 * do (or before the first read). */
char               *foyer_print_queue_get_banner      (FoyerPrintQueue  *self);
/* The newest limit jobs, oldest first (FoyerPrintJob), from the owner's store connection. */
GPtrArray          *foyer_print_queue_list_jobs       (FoyerPrintQueue  *self,
                                                       guint             limit,
                                                       GError          **error);
/* A job's state in words for staff, translated ("At printer badges-1 · processing"). */
char               *foyer_print_job_describe          (const FoyerPrintJob *job);

/* Signals:
 *   ::changed ()        printers' states or the active printer changed
 *   ::job-changed (gint64 job_id, int FoyerPrintJobState, const char *printer,
 *                  const char *message)   a job moved to another state */

G_END_DECLS
