/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-group.h: group commit of ingest batches (docs/hub.md "Group commit").
 *
 * A database has one writer per event at a time (SQLite: one writer; PostgreSQL: the event's
 * change-sequence row stays locked until COMMIT). While one batch is being written, the batches
 * of the same event that arrive wait in a queue; the first of them to see the writer free
 * becomes the leader, takes the queue (up to FOYER_HUB_GROUP_MAX_RECORDS records) and writes it
 * in ONE transaction through the storage's ingest_group, one savepoint per batch. Every caller
 * returns only after the COMMIT holding its batch returned. The leader is one of the waiting
 * callers: no thread of its own.
 */
#pragma once

#include "foyer-hub-storage.h"

G_BEGIN_DECLS

/* A group holds at least one batch; more only while their records add up to no more than this:
 * bounds the time one transaction holds the writer (and so the latency of the next group). */
#define FOYER_HUB_GROUP_MAX_RECORDS 2000

typedef struct _FoyerHubGroup FoyerHubGroup;

FoyerHubGroup *foyer_hub_group_new    (guint max_records);
void           foyer_hub_group_free   (FoyerHubGroup *group);
/* Stores batch through storage's ingest_group, grouped with the batches of its event waiting at
 * the same time. */
gboolean       foyer_hub_group_ingest (FoyerHubGroup *group, FoyerHubStorage *storage,
                                       FoyerHubIngest *batch, GError **error);
void           foyer_hub_group_stats  (FoyerHubGroup *group, FoyerHubIngestStats *stats);

G_END_DECLS
