/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-pull-cache.c: the hub's shared page cache (src/hub/foyer-hub-pull-cache.c): a page
 * is served only at the version it was built at, the bytes held stay under the bound (least
 * recently used pages go first), and many threads may use it at once. The cache on a real hub
 * (uploads, revocations and erasures seen by the next pull) is tested in test-hub-pull.c. */
#include "config.h"

#include "foyer-hub-pull-cache.h"

static GBytes *
page_of (gsize size, char fill)
{
  char *data = g_malloc (size);

  memset (data, fill, size);
  return g_bytes_new_take (data, size);
}

static void
test_versions (void)
{
  g_autoptr(FoyerHubPullCache) cache = foyer_hub_pull_cache_new (1024 * 1024);
  g_autofree char *key = foyer_hub_pull_cache_key (0, "ev1", NULL, 0, 5000, TRUE);
  g_autofree char *other = foyer_hub_pull_cache_key (0, "ev1", NULL, 0, 5000, FALSE);
  g_autoptr(GBytes) page = page_of (1000, 'a');
  FoyerHubPullVersion v1 = { 3, 100 }, newer_generation = { 4, 100 }, newer_seq = { 3, 101 };
  gboolean gzipped = FALSE;
  guint n_changes = 0, n_pages = 0;
  GBytes *found;

  g_assert_cmpstr (key, !=, other);
  g_assert_null (foyer_hub_pull_cache_lookup (cache, key, &v1, &gzipped, &n_changes));
  foyer_hub_pull_cache_store (cache, key, &v1, page, TRUE, 42);
  found = foyer_hub_pull_cache_lookup (cache, key, &v1, &gzipped, &n_changes);
  g_assert_true (found == page);
  g_assert_true (gzipped);
  g_assert_cmpuint (n_changes, ==, 42);
  g_bytes_unref (found);
  /* another encoding of the same request is another page */
  g_assert_null (foyer_hub_pull_cache_lookup (cache, other, &v1, &gzipped, &n_changes));
  /* an upload answered by this process, or a change by another one: the page is dropped */
  g_assert_null (foyer_hub_pull_cache_lookup (cache, key, &newer_generation, &gzipped,
                                              &n_changes));
  g_assert_cmpuint (foyer_hub_pull_cache_bytes (cache, &n_pages), ==, 0);
  g_assert_cmpuint (n_pages, ==, 0);
  foyer_hub_pull_cache_store (cache, key, &v1, page, FALSE, 1);
  g_assert_null (foyer_hub_pull_cache_lookup (cache, key, &newer_seq, &gzipped, &n_changes));
  /* even the old version again finds nothing: it was dropped */
  g_assert_null (foyer_hub_pull_cache_lookup (cache, key, &v1, &gzipped, &n_changes));
}

static void
test_bounded (void)
{
  const gsize bound = 64 * 1024;
  g_autoptr(FoyerHubPullCache) cache = foyer_hub_pull_cache_new (bound);
  g_autoptr(FoyerHubPullCache) off = foyer_hub_pull_cache_new (0);
  g_autofree char *first = foyer_hub_pull_cache_key (0, "ev1", NULL, 0, 5000, TRUE);
  g_autoptr(GBytes) big = page_of (bound / 2, 'b');
  FoyerHubPullVersion v = { 1, 1 };
  gboolean gzipped;
  guint n_changes, n_pages;
  GBytes *found;

  for (guint i = 0; i < 200; i++) {
    g_autofree char *key = foyer_hub_pull_cache_key (0, "ev1", NULL, i * 5000, 5000, TRUE);
    g_autoptr(GBytes) page = page_of (1000 + i, 'p');

    foyer_hub_pull_cache_store (cache, key, &v, page, TRUE, 5000);
    g_assert_cmpuint (foyer_hub_pull_cache_bytes (cache, NULL), <=, bound);
    if (i < 120) {
      /* the first page stays while it is used (the cache holds about 50) */
      found = foyer_hub_pull_cache_lookup (cache, first, &v, &gzipped, &n_changes);
      g_assert_nonnull (found);
      g_bytes_unref (found);
    }
  }
  foyer_hub_pull_cache_bytes (cache, &n_pages);
  g_assert_cmpuint (n_pages, >, 30);
  g_assert_cmpuint (n_pages, <, 200);
  /* the least recently used went first: the last one stored is there, the 50th is not */
  {
    g_autofree char *last = foyer_hub_pull_cache_key (0, "ev1", NULL, 199 * 5000, 5000, TRUE);
    g_autofree char *old = foyer_hub_pull_cache_key (0, "ev1", NULL, 50 * 5000, 5000, TRUE);

    found = foyer_hub_pull_cache_lookup (cache, last, &v, &gzipped, &n_changes);
    g_assert_nonnull (found);
    g_bytes_unref (found);
    g_assert_null (foyer_hub_pull_cache_lookup (cache, old, &v, &gzipped, &n_changes));
    /* and the first page, unused for the last 80 pages stored */
    g_assert_null (foyer_hub_pull_cache_lookup (cache, first, &v, &gzipped, &n_changes));
  }
  /* a page larger than a quarter of the bound is not kept; a cache of 0 bytes keeps nothing */
  foyer_hub_pull_cache_store (cache, "big", &v, big, TRUE, 1);
  g_assert_null (foyer_hub_pull_cache_lookup (cache, "big", &v, &gzipped, &n_changes));
  foyer_hub_pull_cache_store (off, first, &v, big, TRUE, 1);
  g_assert_cmpuint (foyer_hub_pull_cache_bytes (off, &n_pages), ==, 0);
}

typedef struct {
  FoyerHubPullCache *cache;
  guint              seed;
} Worker;

static gpointer
hammer (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (worker->seed);

  for (guint i = 0; i < 20000; i++) {
    g_autofree char *key = foyer_hub_pull_cache_key (g_rand_int_range (rand, 0, 3), "ev1", NULL,
                                                     g_rand_int_range (rand, 0, 50), 5000, TRUE);
    FoyerHubPullVersion v = { g_rand_int_range (rand, 0, 3), 7 };
    gboolean gzipped;
    guint n_changes;
    GBytes *found = foyer_hub_pull_cache_lookup (worker->cache, key, &v, &gzipped, &n_changes);

    if (found != NULL) {
      g_assert_cmpuint (g_bytes_get_size (found), ==, n_changes);
      g_bytes_unref (found);
    } else {
      gsize size = g_rand_int_range (rand, 100, 4000);
      g_autoptr(GBytes) page = page_of (size, 'h');

      foyer_hub_pull_cache_store (worker->cache, key, &v, page, TRUE, size);
    }
  }
  return NULL;
}

static void
test_threads (void)
{
  const gsize bound = 32 * 1024;
  g_autoptr(FoyerHubPullCache) cache = foyer_hub_pull_cache_new (bound);
  Worker workers[4];
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++) {
    workers[i] = (Worker) { cache, i + 1 };
    threads[i] = g_thread_new ("cache", hammer, &workers[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (foyer_hub_pull_cache_bytes (cache, NULL), <=, bound);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-pull-cache/versions", test_versions);
  g_test_add_func ("/hub-pull-cache/bounded", test_bounded);
  g_test_add_func ("/hub-pull-cache/threads", test_threads);
  return g_test_run ();
}
