/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull-rows.h: the answers of the two-way sync pulls (docs/sync-protocol.md,
 * "Two-way sync"): GET /v1/registrations, /v1/check-ins and /v1/leads, without the HTTP.
 *
 * A page is made from the event's stored changes after the cursor, in change-sequence order
 * (foyer_hub_storage_changes_foreach): each change becomes the current state of its key
 * (a badge, a check-in, a merged lead), so pulls repeated from any older cursor are harmless.
 * The cursor is the change sequence of the last change read, as opaque text.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "foyer-hub-occupancy.h"
#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_PULL_ERROR (foyer_hub_pull_error_quark ())

typedef enum {
  FOYER_HUB_PULL_ERROR_CURSOR = 1,    /* not a cursor this hub made */
} FoyerHubPullError;

GQuark foyer_hub_pull_error_quark (void);

#define FOYER_HUB_PULL_MAX_LIMIT 5000

/* NULL or "" is the start (0). */
gboolean  foyer_hub_pull_cursor_parse  (const char        *text,
                                        gint64            *seq,
                                        GError           **error);
char     *foyer_hub_pull_cursor_format (gint64             seq);

/* One page as the answer's JSON text: {"rows", "cursor", "more"[, "inside"]}. occupancy (the
 * event's, for registrations and check-ins) is brought up to date first. *n_changes: how many
 * stored changes the page read (0: nothing new after since). */
char     *foyer_hub_pull_page          (FoyerHubStorage   *storage,
                                        FoyerHubOccupancy *occupancy,
                                        FoyerHubChanges    kind,
                                        const char        *event,
                                        const char        *booth,
                                        gint64             since,
                                        guint              limit,
                                        guint             *n_changes,
                                        GError           **error);

/* The merged leads of an event (of one booth when booth is set): lead rows with "booth". */
GPtrArray *foyer_hub_pull_merged_leads (FoyerHubStorage   *storage,
                                        const char        *event,
                                        const char        *booth,
                                        GError           **error);

G_END_DECLS
