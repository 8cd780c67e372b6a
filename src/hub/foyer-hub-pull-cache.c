/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull-cache.c: the shared page cache (see foyer-hub-pull-cache.h). A hash table
 * for the lookups and a queue for the least recently used order, under one mutex (a lookup is
 * a hash and a list move: nothing long is done while the lock is held). */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-pull-cache.h"

/* What an entry costs beyond its page's bytes: the key, the entry, the hash table's slot. */
#define ENTRY_OVERHEAD 128

typedef struct {
  char                *key;
  FoyerHubPullVersion  version;
  GBytes              *body;
  gboolean             gzipped;
  guint                n_changes;
  gsize                cost;
  GList                link;       /* in the cache's queue, most recently used last */
} Entry;

struct _FoyerHubPullCache {
  GMutex      lock;
  GHashTable *entries;   /* key → Entry (owned) */
  GQueue      order;
  gsize       bytes;
  gsize       max_bytes;
};

static void
entry_free (Entry *entry)
{
  g_bytes_unref (entry->body);
  g_free (entry->key);
  g_free (entry);
}

FoyerHubPullCache *
foyer_hub_pull_cache_new (gsize max_bytes)
{
  FoyerHubPullCache *cache = g_new0 (FoyerHubPullCache, 1);

  g_mutex_init (&cache->lock);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) entry_free);
  g_queue_init (&cache->order);
  cache->max_bytes = max_bytes;
  return cache;
}

void
foyer_hub_pull_cache_free (FoyerHubPullCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->entries);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

char *
foyer_hub_pull_cache_key (int kind, const char *event, const char *booth, gint64 since,
                          guint limit, gboolean gzip)
{
  /* event and booth are names without a newline (the hub's configuration refuses them) */
  return g_strdup_printf ("%d\n%s\n%s\n%" G_GINT64_FORMAT "\n%u\n%d", kind, event,
                          booth != NULL ? booth : "", since, limit, gzip ? 1 : 0);
}

/* Under the lock. */
static void
remove_entry (FoyerHubPullCache *cache, Entry *entry)
{
  g_queue_unlink (&cache->order, &entry->link);
  cache->bytes -= entry->cost;
  g_hash_table_remove (cache->entries, entry->key);
}

GBytes *
foyer_hub_pull_cache_lookup (FoyerHubPullCache *cache, const char *key,
                             const FoyerHubPullVersion *version, gboolean *gzipped,
                             guint *n_changes)
{
  GBytes *body = NULL;
  Entry *entry;

  g_mutex_lock (&cache->lock);
  entry = g_hash_table_lookup (cache->entries, key);
  if (entry != NULL && (entry->version.generation != version->generation
                        || entry->version.last_seq != version->last_seq)) {
    remove_entry (cache, entry);
    entry = NULL;
  }
  if (entry != NULL) {
    g_queue_unlink (&cache->order, &entry->link);
    g_queue_push_tail_link (&cache->order, &entry->link);
    body = g_bytes_ref (entry->body);
    *gzipped = entry->gzipped;
    *n_changes = entry->n_changes;
  }
  g_mutex_unlock (&cache->lock);
  return body;
}

void
foyer_hub_pull_cache_store (FoyerHubPullCache *cache, const char *key,
                            const FoyerHubPullVersion *version, GBytes *body, gboolean gzipped,
                            guint n_changes)
{
  gsize cost = g_bytes_get_size (body) + strlen (key) + ENTRY_OVERHEAD;
  Entry *entry, *old;

  /* A page larger than a quarter of the cache would push out most of the others. */
  if (cost > cache->max_bytes / 4)
    return;
  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->version = *version;
  entry->body = g_bytes_ref (body);
  entry->gzipped = gzipped;
  entry->n_changes = n_changes;
  entry->cost = cost;
  entry->link.data = entry;
  g_mutex_lock (&cache->lock);
  if ((old = g_hash_table_lookup (cache->entries, key)) != NULL)
    remove_entry (cache, old);
  g_hash_table_insert (cache->entries, entry->key, entry);
  g_queue_push_tail_link (&cache->order, &entry->link);
  cache->bytes += cost;
  while (cache->bytes > cache->max_bytes)
    remove_entry (cache, g_queue_peek_head (&cache->order));
  g_mutex_unlock (&cache->lock);
}

gsize
foyer_hub_pull_cache_bytes (FoyerHubPullCache *cache, guint *n_pages)
{
  gsize bytes;

  g_mutex_lock (&cache->lock);
  bytes = cache->bytes;
  if (n_pages != NULL)
    *n_pages = g_hash_table_size (cache->entries);
  g_mutex_unlock (&cache->lock);
  return bytes;
}
