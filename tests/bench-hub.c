/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-hub.c: 50 simulated kiosks posting batches of 200 records to a real `foyer-hub serve`
 * over loopback, on SQLite and on PostgreSQL 15 side by side, each next to its direct-insert
 * ceiling (the same batches stored through the same storage code in-process, no HTTP): records/s,
 * p50/p99 request latency, and the hub's RSS once 1M records are stored.
 *
 * Targets (issue 15): SQLite >= 50,000 rec/s, PostgreSQL >= 20,000 rec/s, both >= 50% of their
 * direct ceiling, p99 < 250 ms, RSS < 128 MB. Scale with FOYER_BENCH_BATCHES (per kiosk, 10)
 * and FOYER_BENCH_FILL (records stored before the RSS reading, 1,000,000).
 */
#include "config.h"

#include <stdio.h>
#include <json-glib/json-glib.h>

#include "foyer-core.h"
#include "foyer-hub-batch.h"
#include "foyer-hub-storage.h"
#include "foyer-hub-test-util.h"
#include "foyer-test-util.h"

#define N_KIOSKS 50
#define BATCH    200

static guint batches_per_kiosk = 10;

static char *
make_batch (const char *kiosk)
{
  GString *out = g_string_new ("{\"protocol\":1,\"kiosk\":\"");
  g_autofree char *now = foyer_timestamp_now ();

  g_string_append_printf (out, "%s\",\"event\":\"expo\",\"records\":[", kiosk);
  for (guint i = 0; i < BATCH; i++) {
    g_autofree char *id = foyer_record_id_new ();
    g_string_append_printf (out, "%s{\"id\":\"%s\",\"type\":\"registration\",\"created_at\":"
                            "\"%s\",\"event\":\"expo\",\"kiosk_id\":\"%s\",\"kind\":\"walk_in\","
                            "\"category\":\"trade_visitor\",\"full_name\":\"王小明 %u\","
                            "\"organization\":\"深圳华强电子有限公司\",\"emails\":"
                            "[\"visitor%u@example.cn\"],\"phones\":[\"+8613800138000\"],"
                            "\"source\":\"bizcard\",\"consent_given\":true}",
                            i ? "," : "", id, now, kiosk, i, i);
  }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

typedef struct {
  const char *url;
  char       *token;
  char       *name;
  GArray     *latencies_ms;   /* double */
  guint       failures;
} Kiosk;

static gpointer
kiosk_run (gpointer data)
{
  Kiosk *k = data;

  for (guint b = 0; b < batches_per_kiosk; b++) {
    g_autofree char *body = make_batch (k->name);
    gint64 start = g_get_monotonic_time ();
    guint status = foyer_test_http ("POST", k->url, k->token, NULL, body, strlen (body), TRUE,
                                    NULL, NULL);
    double ms = (g_get_monotonic_time () - start) / 1000.0;

    if (status != 200)
      k->failures++;
    g_array_append_val (k->latencies_ms, ms);
  }
  return NULL;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static long
rss_kb (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, "VmRSS:")) == NULL)
    return -1;
  return strtol (line + 6, NULL, 10);
}

typedef struct {
  double rate, p50, p99;
  guint failures;
} HttpFigures;

static HttpFigures
run_http (FoyerTestHub *hub, const char *round)
{
  g_autofree char *url = g_strconcat (hub->url, "/v1/records", NULL);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  Kiosk kiosks[N_KIOSKS];
  GThread *threads[N_KIOSKS];
  HttpFigures f = { 0 };
  gint64 start;

  for (guint i = 0; i < N_KIOSKS; i++) {
    g_autofree char *code = NULL;
    kiosks[i] = (Kiosk) { url, NULL, g_strdup_printf ("%s-kiosk-%02u", round, i),
                          g_array_new (FALSE, FALSE, sizeof (double)), 0 };
    code = foyer_test_hub_add_device (hub, kiosks[i].name, "expo");
    kiosks[i].token = foyer_test_enroll_token (code);
  }
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_KIOSKS; i++)
    threads[i] = g_thread_new ("kiosk", kiosk_run, &kiosks[i]);
  for (guint i = 0; i < N_KIOSKS; i++) {
    g_thread_join (threads[i]);
    g_array_append_vals (all, kiosks[i].latencies_ms->data, kiosks[i].latencies_ms->len);
    f.failures += kiosks[i].failures;
    g_array_unref (kiosks[i].latencies_ms);
    g_free (kiosks[i].token);
    g_free (kiosks[i].name);
  }
  f.rate = (double) N_KIOSKS * batches_per_kiosk * BATCH
           / ((g_get_monotonic_time () - start) / 1e6);
  g_array_sort (all, compare_double);
  f.p50 = g_array_index (all, double, all->len / 2);
  f.p99 = g_array_index (all, double, MIN (all->len - 1, all->len * 99 / 100));
  return f;
}

typedef struct {
  FoyerHubStorage *storage;
  guint            n_batches;
} Direct;

static gpointer
direct_run (gpointer data)
{
  Direct *d = data;

  for (guint b = 0; b < d->n_batches; b++) {
    g_autofree char *body = make_batch ("direct");
    g_autoptr(GPtrArray) items = foyer_hub_batch_parse (body, strlen (body), "expo", "direct",
                                                        NULL);
    g_autofree char *now = foyer_timestamp_now ();
    g_autoptr(GError) error = NULL;

    foyer_hub_storage_ingest (d->storage, "expo", "direct", now, items, FALSE, NULL, NULL, NULL,
                              &error);
    g_assert_no_error (error);
  }
  return NULL;
}

/* The same batches through the same storage code, in-process, from `threads` threads. */
static double
run_direct (FoyerHubStorage *storage, guint threads, guint n_records)
{
  FoyerHubEvent event = { (char *) "expo", (char *) "expo", NULL, NULL, 0 };
  GThread *t[16];
  Direct d = { storage, n_records / BATCH / threads };
  gint64 start;

  foyer_hub_storage_event_add (storage, &event, NULL, NULL);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < threads; i++)
    t[i] = g_thread_new ("direct", direct_run, &d);
  for (guint i = 0; i < threads; i++)
    g_thread_join (t[i]);
  return (double) d.n_batches * threads * BATCH / ((g_get_monotonic_time () - start) / 1e6);
}

static void
bench_backend (const char *name, const char *database, const char *direct_database,
               guint direct_threads, guint fill)
{
  FoyerTestHub *hub = foyer_test_hub_new (database, "workers=4\nmax-queue=1000");
  g_autoptr(FoyerHubStorage) direct = NULL;
  g_autoptr(FoyerHubStorage) filler = NULL;
  g_autoptr(GError) error = NULL;
  HttpFigures f;
  double ceiling;
  long rss;

  g_autofree char *direct_file = g_build_filename (hub->dir, "direct.db", NULL);

  direct = foyer_hub_storage_open (direct_database != NULL ? direct_database : direct_file,
                                   direct_threads + 1, &error);
  g_assert_no_error (error);
  ceiling = run_direct (direct, direct_threads, N_KIOSKS * batches_per_kiosk * BATCH);
  g_clear_object (&direct);

  foyer_test_hub_start (hub, NULL);
  f = run_http (hub, "a");
  /* Fill up to `fill` records directly, then measure the serving hub after one more round. */
  filler = foyer_hub_storage_open (hub->database, 4, &error);
  g_assert_no_error (error);
  run_direct (filler, 2, fill > N_KIOSKS * batches_per_kiosk * BATCH
                         ? fill - N_KIOSKS * batches_per_kiosk * BATCH : 0);
  g_clear_object (&filler);
  {
    guint saved = batches_per_kiosk;
    batches_per_kiosk = 1;
    run_http (hub, "b");
    batches_per_kiosk = saved;
  }
  rss = rss_kb (hub->process);

  printf ("%-10s  http: %8.0f rec/s  p50 %6.1f ms  p99 %6.1f ms  failures %u | storage ceiling (parse+insert in-process): "
          "%8.0f rec/s (%3.0f%%) | hub RSS with %u records: %5.1f MB\n", name, f.rate, f.p50,
          f.p99, f.failures, ceiling, 100.0 * f.rate / ceiling, fill, rss / 1024.0);
  fflush (stdout);
  foyer_test_hub_free (hub);
}

int
main (int argc, char **argv)
{
  guint fill = g_getenv ("FOYER_BENCH_FILL") ? atoi (g_getenv ("FOYER_BENCH_FILL")) : 1000000;
  FoyerTestPg *pg;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("FOYER_BENCH_BATCHES") != NULL)
    batches_per_kiosk = atoi (g_getenv ("FOYER_BENCH_BATCHES"));
  printf ("# %d kiosks x %u batches of %d records over loopback (gzip), 4 hub workers\n",
          N_KIOSKS, batches_per_kiosk, BATCH);
  printf ("# targets: SQLite >= 50000 rec/s, PostgreSQL >= 20000 rec/s, >= 50%% of direct, "
          "p99 < 250 ms, RSS < 128 MB\n");
  bench_backend ("sqlite", NULL, NULL, 1, fill);
  pg = foyer_test_pg_start ();
  if (pg != NULL) {
    g_autofree char *db = foyer_test_pg_new_database (pg);
    g_autofree char *direct_db = foyer_test_pg_new_database (pg);
    bench_backend ("postgresql", db, direct_db, 4, fill);
    foyer_test_pg_stop (pg);
  } else {
    printf ("postgresql: not measured (postgresql-15 is not installed)\n");
  }
  return 0;
}
