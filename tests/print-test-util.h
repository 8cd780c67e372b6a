/* SPDX-License-Identifier: GPL-3.0-or-later */
/* print-test-util.h: a cupsd of the test's own with cups-pdf queues (tests/cups/setup-cups.sh),
 * for the print queue's tests and benchmark. */
#pragma once

#include <glib.h>

#include "foyer-core.h"

G_BEGIN_DECLS

/* Runs tests/cups/setup-cups.sh with args; its exit status (77: CUPS cannot run here), its last
 * output line in *last_line. */
int         print_test_run_setup     (const char * const *args,
                                      char              **last_line);
/* Starts the process's own cupsd once (CUPS_SERVER points at it from then on). FALSE, with the
 * reason in *skip_reason, where CUPS cannot run (not root, not installed). */
gboolean    print_test_start_cupsd   (char       **skip_reason);
/* A new cups-pdf queue named foyer-test-TAG-PID-EPOCH; *outdir receives where its PDFs land. */
char       *print_test_add_queue     (const char  *tag,
                                      char       **outdir);
/* A queue whose (test) backend reports reason and then hangs until the job is cancelled. */
char       *print_test_add_state_queue (const char *tag,
                                        const char *reason);
/* Runs a CUPS command (cupsdisable, cupsenable, …) on queue against the test's cupsd. */
void        print_test_cups_command  (const char  *command,
                                      const char  *queue);
/* The number of PDFs in dir. */
guint       print_test_count_pdfs    (const char  *dir);
/* Waits (running the default main context) until dir holds n PDFs, at most timeout_s. */
gboolean    print_test_wait_pdfs     (const char  *dir,
                                      guint        n,
                                      guint        timeout_s);
/* Iterates the default main context until *flag is TRUE or timeout_s passed. */
gboolean    print_test_wait_flag     (gboolean    *flag,
                                      guint        timeout_s);
/* A walk-in visitor stored in store (name 张伟); free with foyer_registration_free. */
FoyerRegistration *print_test_add_visitor (FoyerStore *store,
                                           const char *event);

G_END_DECLS
