/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-batch.h: the body of POST /v1/records (docs/sync-protocol.md) parsed and validated.
 *
 * Pure functions of the bytes (no database, no network): this is what tests/fuzz/fuzz-hub-batch.c
 * feeds random input to. Caps: FOYER_HUB_BATCH_MAX_DEPTH nesting levels, FOYER_HUB_BATCH_MAX_RECORDS
 * records; the caller caps the size. A batch that is not a JSON object with a "records" array
 * fails as a whole (HTTP 400); each bad record becomes a REJECTED item with a reason.
 */
#pragma once

#include <glib.h>

#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_BATCH_ERROR (foyer_hub_batch_error_quark ())

typedef enum {
  FOYER_HUB_BATCH_ERROR_MALFORMED = 1,  /* not JSON, too deep, not {"records": […]} */
  FOYER_HUB_BATCH_ERROR_TOO_MANY,       /* more records than FOYER_HUB_BATCH_MAX_RECORDS */
} FoyerHubBatchError;

GQuark foyer_hub_batch_error_quark (void);

#define FOYER_HUB_BATCH_MAX_DEPTH   16
#define FOYER_HUB_BATCH_MAX_RECORDS 10000

/* Items (FoyerHubItem, PENDING or REJECTED) for the records of data, in order. event is the
 * device's event (a record for another event is rejected); device is stamped on each record's
 * body as "device". Records without a string id cannot be answered and are left out. */
GPtrArray *foyer_hub_batch_parse  (const char  *data,
                                   gsize        len,
                                   const char  *event,
                                   const char  *device,
                                   GError     **error);

/* One live counter's increment (the event_counters row event, dimension, key). */
typedef struct {
  const char *dimension;   /* static */
  char       *key;
  gint64      count;
} FoyerHubCounter;

/* The increments of the event's live counters for the ACCEPTED items of a batch that device
 * delivered, sorted by dimension and key: the same as counting the stored rows in SQL
 * (COUNT_RECORDS in foyer-hub-sqlite.c). NULL when an accepted item was not counted by the
 * parser (the caller then counts from the stored bodies). */
GPtrArray *foyer_hub_batch_counters (GPtrArray   *items,
                                     const char  *device);

/* {"results":[{"id","status"[,"reason"]}…]} for items after ingest. */
char      *foyer_hub_batch_answer (GPtrArray   *items);

G_END_DECLS
