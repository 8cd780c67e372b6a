/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-group.c: group commit of ingest batches (see the header).
 *
 * Hand-written: it is a queue and a condition variable around the storage's own transaction; no
 * library does leader/follower grouping over an arbitrary database API. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-group.h"

/* A caller's batch in a lane's queue; lives on the caller's stack until done. */
typedef struct {
  FoyerHubIngest *batch;
  gboolean        done;
} Waiter;

/* The batches of one event: the queue, and whether a leader is writing a group of them. */
typedef struct {
  GQueue   pending;     /* Waiter * */
  gboolean committing;
} Lane;

struct _FoyerHubGroup {
  GMutex               lock;
  GCond                done;        /* broadcast after every group */
  GHashTable          *lanes;       /* event id → Lane */
  guint                max_records;
  FoyerHubIngestStats  stats;
};

FoyerHubGroup *
foyer_hub_group_new (guint max_records)
{
  FoyerHubGroup *group = g_new0 (FoyerHubGroup, 1);

  g_mutex_init (&group->lock);
  g_cond_init (&group->done);
  group->lanes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  group->max_records = MAX (max_records, 1);
  return group;
}

void
foyer_hub_group_free (FoyerHubGroup *group)
{
  if (group == NULL)
    return;
  g_hash_table_unref (group->lanes);
  g_mutex_clear (&group->lock);
  g_cond_clear (&group->done);
  g_free (group);
}

/* Takes the head of the lane's queue, up to max_records records (at least one batch). */
static GPtrArray *
take (FoyerHubGroup *group, Lane *lane)
{
  GPtrArray *taken = g_ptr_array_new ();
  guint records = 0;

  while (!g_queue_is_empty (&lane->pending)) {
    Waiter *next = g_queue_peek_head (&lane->pending);
    guint n = next->batch->items->len;

    if (taken->len > 0 && records + n > group->max_records)
      break;
    g_ptr_array_add (taken, g_queue_pop_head (&lane->pending));
    records += n;
  }
  group->stats.waiting -= taken->len;
  group->stats.groups++;
  group->stats.batches += taken->len;
  group->stats.largest = MAX (group->stats.largest, taken->len);
  return taken;
}

/* Called with the lock held, which it drops while the group is written. */
static void
lead (FoyerHubGroup *group, FoyerHubStorage *storage, Lane *lane)
{
  g_autoptr(GPtrArray) taken = take (group, lane);
  g_autofree FoyerHubIngest **batches = g_new (FoyerHubIngest *, taken->len);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  lane->committing = TRUE;
  for (guint i = 0; i < taken->len; i++)
    batches[i] = ((Waiter *) g_ptr_array_index (taken, i))->batch;
  g_mutex_unlock (&group->lock);

  ok = FOYER_HUB_STORAGE_GET_IFACE (storage)->ingest_group (storage, batches, taken->len,
                                                            &error);
  for (guint i = 0; !ok && i < taken->len; i++) {
    /* The transaction failed as a whole: no batch of it is stored. */
    g_clear_error (&batches[i]->error);
    batches[i]->error = g_error_copy (error);
  }

  g_mutex_lock (&group->lock);
  for (guint i = 0; i < taken->len; i++)
    ((Waiter *) g_ptr_array_index (taken, i))->done = TRUE;
  lane->committing = FALSE;
  g_cond_broadcast (&group->done);
}

gboolean
foyer_hub_group_ingest (FoyerHubGroup *group, FoyerHubStorage *storage, FoyerHubIngest *batch,
                        GError **error)
{
  Waiter me = { batch, FALSE };
  Lane *lane;

  g_mutex_lock (&group->lock);
  if ((lane = g_hash_table_lookup (group->lanes, batch->event)) == NULL) {
    lane = g_new0 (Lane, 1);
    g_hash_table_insert (group->lanes, g_strdup (batch->event), lane);
  }
  g_queue_push_tail (&lane->pending, &me);
  group->stats.waiting++;
  /* In queue order (under the lock, so formatted only when shown): tests read it to know
   * that a batch is in flight. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    g_debug ("device %s: batch %s queued for its group commit", batch->device,
             batch->key != NULL ? batch->key : "without a key");
  /* The lane cannot go away while this batch is queued or being written. */
  while (!me.done) {
    if (!lane->committing)
      lead (group, storage, lane);
    else
      g_cond_wait (&group->done, &group->lock);
  }
  /* Lanes of events no batch waits for are dropped (looked up again: another caller may have
   * dropped it already). */
  lane = g_hash_table_lookup (group->lanes, batch->event);
  if (lane != NULL && !lane->committing && g_queue_is_empty (&lane->pending))
    g_hash_table_remove (group->lanes, batch->event);
  g_mutex_unlock (&group->lock);

  if (batch->error != NULL) {
    g_propagate_error (error, g_steal_pointer (&batch->error));
    return FALSE;
  }
  return TRUE;
}

void
foyer_hub_group_stats (FoyerHubGroup *group, FoyerHubIngestStats *stats)
{
  g_mutex_lock (&group->lock);
  *stats = group->stats;
  g_mutex_unlock (&group->lock);
}
