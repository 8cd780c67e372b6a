/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-print-queue-view.h: Admin's badge printing section: each printer's state as CUPS reports
 * it, the print queue with each job's state, and retry / move-to-next-printer for a job. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_PRINT_QUEUE_VIEW (foyer_print_queue_view_get_type ())
G_DECLARE_FINAL_TYPE (FoyerPrintQueueView, foyer_print_queue_view, FOYER, PRINT_QUEUE_VIEW,
                      GtkWidget)

/* queue may be NULL (no printer configured): the section says so. */
void             foyer_print_queue_view_set_queue (FoyerPrintQueueView *self,
                                                   FoyerPrintQueue     *queue);
FoyerPrintQueue *foyer_print_queue_view_get_queue (FoyerPrintQueueView *self);
/* Reads the queue again (Admin calls it when it is shown). */
void             foyer_print_queue_view_refresh   (FoyerPrintQueueView *self);

G_END_DECLS
