/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-print-job.h: one badge print job as the store keeps it (table print_jobs), and the
 * store's functions for them (foyer-store-print-jobs.c). The print queue (foyer-print-queue.c)
 * is their only writer besides the inserts; the Admin page reads them.
 */
#pragma once

#include <glib.h>

#include "foyer-store.h"

G_BEGIN_DECLS

typedef enum {
  FOYER_PRINT_JOB_QUEUED = 1,   /* stored, not (or no longer) at a printer */
  FOYER_PRINT_JOB_SENDING,      /* being handed to CUPS: after a crash, looked up there by title */
  FOYER_PRINT_JOB_AT_PRINTER,   /* CUPS accepted it (cups_job_id); its CUPS state is followed */
  FOYER_PRINT_JOB_PRINTED,
  FOYER_PRINT_JOB_FAILED,       /* given up after the last attempt; staff can retry */
  FOYER_PRINT_JOB_CANCELLED,
} FoyerPrintJobState;

typedef struct {
  gint64              id;
  char               *record_id;
  char               *payload;       /* the QR code's content, as printed the first time */
  char               *reason;        /* "registration", "check-in", "reprint" */
  FoyerPrintJobState  state;
  char               *printer;       /* CUPS queue it is at or was last sent to */
  int                 cups_job_id;   /* 0 until CUPS accepted it */
  char               *cups_state;    /* CUPS job-state keyword: pending, processing, completed… */
  int                 attempts;      /* times sent to a printer */
  char               *message;       /* the last thing that went wrong, or where it moved */
  char               *confirmed_by;  /* reprints: who confirmed (never a visitor's data) */
  gint64              created_at;    /* µs since the epoch */
  gint64              updated_at;
  gint64              sent_at;       /* when it reached its current printer; 0 before */
} FoyerPrintJob;

void           foyer_print_job_free              (FoyerPrintJob *job);
FoyerPrintJob *foyer_print_job_copy              (const FoyerPrintJob *job);
const char    *foyer_print_job_state_to_string   (FoyerPrintJobState state);
FoyerPrintJobState foyer_print_job_state_from_string (const char *text);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerPrintJob, foyer_print_job_free)

/* Stores a new job (queued) for record_id; *out_id is its id. */
gboolean       foyer_store_add_print_job         (FoyerStore          *self,
                                                  const char          *record_id,
                                                  const char          *payload,
                                                  const char          *reason,
                                                  const char          *confirmed_by,
                                                  gint64              *out_id,
                                                  GError             **error);
/* Writes every mutable field of job (state … sent_at); updated_at becomes now. */
gboolean       foyer_store_update_print_job      (FoyerStore          *self,
                                                  FoyerPrintJob       *job,
                                                  GError             **error);
FoyerPrintJob *foyer_store_get_print_job         (FoyerStore          *self,
                                                  gint64               id,
                                                  GError             **error);
/* Jobs, oldest first: the unfinished ones (queued, sending, at printer) when active_only, else
 * the newest limit jobs of any state. Elements are FoyerPrintJob. */
GPtrArray     *foyer_store_list_print_jobs       (FoyerStore          *self,
                                                  gboolean             active_only,
                                                  guint                limit,
                                                  GError             **error);
/* Whether record_id's badge was printed or is on its way (a job not failed or cancelled, or a
 * successful print in the log): the next print of it is a reprint. */
gboolean       foyer_store_badge_was_printed     (FoyerStore          *self,
                                                  const char          *record_id,
                                                  gboolean            *printed,
                                                  GError             **error);

G_END_DECLS
