/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-store-util.h: what the store commands of foyerctl share (opening the database named by
 * the configuration, exit codes for store errors). */
#pragma once

#include "foyerctl.h"

G_BEGIN_DECLS

/* Opens [storage] database. must_exist: say so (exit 1) instead of creating an empty one. Prints
 * the error and returns NULL on failure, with *status set to the exit code to use. */
FoyerStore *foyerctl_open_store        (FoyerctlContext *ctx,
                                        gboolean         must_exist,
                                        int             *status);
/* The kiosk's existing store for a command that reads one event or (all_events) every event:
 * *event is the configured [kiosk] event (owned by the configuration) or NULL for all events.
 * NULL with *status set when the configuration or the store cannot be opened. */
FoyerStore *foyerctl_open_event_store  (FoyerctlContext *ctx,
                                        gboolean         all_events,
                                        const char     **event,
                                        int             *status);
/* The exit code for a FOYER_STORE_ERROR (75 for a locked database: try again later). */
int         foyerctl_status_for_error  (const GError    *error);

G_END_DECLS
