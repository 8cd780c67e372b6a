/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-hub-dashboard.c: the dashboard's overview JSON for an event of 1,000,000 records
 * (target < 100 ms p95) on SQLite and on PostgreSQL, through the hub's own storage and the
 * dashboard source the hub serves it from. Anchor, in the same run and database: the bare
 * `SELECT count(*) FROM records WHERE event = $1` — what any figure read from the records
 * themselves would cost at least.
 *
 * The records go in through the storage's ingest (batches of 2,000, as kiosks send them), so the
 * counters trigger runs as it does in production; that load time is printed too.
 * What the counters cost the ingest is measured beside it on the first 200,000 records: SQLite
 * against direct INSERTs of the same rows into the same schema, PostgreSQL against the same
 * ingest into a database whose counters trigger was dropped.
 * $FOYER_BENCH_RECORDS overrides the number of records (for a quick run).
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "foyer-hub-storage.h"
#include "foyer-hub-test-util.h"
#include "foyer-hub-web-source.h"
#include "foyer-test-util.h"

#define BATCH 2000
#define QUERIES 200
#define ANCHOR_QUERIES 20

static const char *const categories[] = { "trade_visitor", "trade_visitor", "public", "media",
                                          "vip", "exhibitor" };
static const char *const ratings[] = { "hot", "warm", "cold" };

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Record i: 60 % walk-ins, 30 % check-ins (one in ten an exit), 10 % leads at 200 booths,
 * spread over three days and 12 gates. */
static FoyerHubItem *
record (guint i)
{
  FoyerHubItem *item = g_new0 (FoyerHubItem, 1);
  guint kind = i % 10;
  g_autofree char *at = g_strdup_printf ("2026-11-%02uT%02u:%02u:00.000Z", 24 + i % 3,
                                         1 + i % 9, i % 60);

  item->id = g_strdup_printf ("r-%08u", i);
  item->created_at = g_strdup (at);
  item->status = FOYER_HUB_ITEM_PENDING;
  if (kind < 9) {
    item->type = g_strdup (kind < 6 ? "registration" : "check_in");
    item->category = g_strdup (categories[i % G_N_ELEMENTS (categories)]);
    item->body = g_strdup_printf ("{\"id\":\"%s\",\"type\":\"%s\",\"created_at\":\"%s\","
                                  "\"category\":\"%s\",\"full_name\":\"V %u\",\"area\":\"Hall %u\""
                                  "%s}", item->id, item->type, at, item->category, i, i % 4,
                                  kind == 8 && i % 30 == 8 ? ",\"direction\":\"exit\"" : "");
  } else {
    item->type = g_strdup ("lead");
    item->booth = g_strdup_printf ("B%03u", i % 200);
    item->body = g_strdup_printf ("{\"id\":\"%s\",\"type\":\"lead\",\"created_at\":\"%s\","
                                  "\"booth\":\"%s\",\"rating\":\"%s\",\"follow_up\":%s}",
                                  item->id, at, item->booth, ratings[i % 3],
                                  i % 2 ? "true" : "false");
  }
  return item;
}

static double
fill (FoyerHubStorage *storage, guint n)
{
  g_autoptr(FoyerHubEvent) event = g_new0 (FoyerHubEvent, 1);
  g_autoptr(GError) error = NULL;
  double start = now_ms ();

  event->id = g_strdup ("expo");
  event->name = g_strdup ("Expo");
  g_assert_true (foyer_hub_storage_event_add (storage, event, NULL, &error));
  for (guint first = 0; first < n; first += BATCH) {
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (
        (GDestroyNotify) foyer_hub_item_free);
    g_autofree char *device = g_strdup_printf ("gate-%02u", (first / BATCH) % 12);

    for (guint i = first; i < MIN (first + BATCH, n); i++)
      g_ptr_array_add (items, record (i));
    g_assert_true (foyer_hub_storage_ingest (storage, "expo", device, "2026-11-24T09:00:00.000Z",
                                             items, FALSE, NULL, NULL, NULL, NULL,
                                             &error));
    g_assert_no_error (error);
  }
  return (now_ms () - start) / 1e3;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *times, double p)
{
  g_array_sort (times, compare_double);
  return g_array_index (times, double, MIN ((guint) (p * times->len), times->len - 1));
}

static void
measure (const char *name, FoyerHubStorage *storage, guint n)
{
  g_autoptr(FoyerHubWebSource) source = foyer_hub_web_source_new (storage, "none");
  g_autoptr(GArray) overview = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) anchor = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) last = NULL;
  double load = fill (storage, n);
  gint64 count = 0;

  for (guint i = 0; i < QUERIES; i++) {
    double t = now_ms ();
    g_clear_pointer (&last, json_node_unref);
    last = foyer_hub_dashboard_source_query (FOYER_HUB_DASHBOARD_SOURCE (source),
                                             FOYER_HUB_DASHBOARD_OVERVIEW, "expo", &error);
    g_assert_no_error (error);
    t = now_ms () - t;
    g_array_append_val (overview, t);
  }
  for (guint i = 0; i < ANCHOR_QUERIES; i++) {
    double t = now_ms ();
    count = foyer_hub_storage_count_records (storage, "expo", &error);
    g_assert_no_error (error);
    t = now_ms () - t;
    g_array_append_val (anchor, t);
  }
  /* the counters agree with the records: registrations + check-ins + leads = every record */
  g_assert_cmpint (count, ==, n);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (last), "registrations")
                   + json_object_get_int_member (json_node_get_object (last), "leads"), <=, n);
  g_print ("%-10s %u records loaded through ingest (counters on) in %.1f s "
           "(%.0f records/s)\n", name, n, load, n / load);
  g_print ("%-10s overview JSON   p50 %7.2f ms  p95 %7.2f ms  (target p95 < 100 ms, %u queries)\n",
           name, percentile (overview, 0.5), percentile (overview, 0.95), QUERIES);
  g_print ("%-10s anchor: bare SELECT count(*) FROM records WHERE event = $1   p50 %7.2f ms  "
           "p95 %7.2f ms\n", name, percentile (anchor, 0.5), percentile (anchor, 0.95));
}

#define INGEST_RECORDS 200000

/* SQLite's anchor: the same rows into the hub's records table by direct INSERTs, one
 * transaction per batch, no hub code and no counters. */
static double
sqlite_direct (const char *path, guint n)
{
  g_autoptr(GError) error = NULL;
  FoyerHubStorage *storage = foyer_hub_storage_open (path, 1, &error);   /* the schema */
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  double start;

  g_assert_no_error (error);
  g_object_unref (storage);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO records (id, event, type, device,"
                                       " created_at, received_at, category, booth, seq, body)"
                                       " VALUES (?1, 'expo', ?2, 'gate', ?3, ?3, ?4, ?5, ?6, ?7)",
                                       -1, &insert, NULL), ==, SQLITE_OK);
  start = now_ms ();
  for (guint i = 0; i < n; i++) {
    g_autoptr(FoyerHubItem) item = record (i);
    if (i % BATCH == 0)
      sqlite3_exec (db, i == 0 ? "BEGIN" : "COMMIT; BEGIN", NULL, NULL, NULL);
    sqlite3_bind_text (insert, 1, item->id, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 2, item->type, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 3, item->created_at, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 4, item->category, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 5, item->booth, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 6, i + 1);
    sqlite3_bind_text (insert, 7, item->body, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
    sqlite3_reset (insert);
  }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_finalize (insert);
  sqlite3_close (db);
  return n / ((now_ms () - start) / 1e3);
}

/* PostgreSQL's anchor: the same ingest into a database whose counters trigger was dropped. */
static double
pg_without_counters (const char *conninfo, guint n)
{
  g_autoptr(GError) error = NULL;
  FoyerHubStorage *storage = foyer_hub_storage_open (conninfo, 2, &error);
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *res = PQexec (conn, "DROP TRIGGER records_count ON records");
  double seconds;

  g_assert_no_error (error);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);
  PQfinish (conn);
  seconds = fill (storage, n);
  g_object_unref (storage);
  return n / seconds;
}

static double
ingest_with_counters (const char *database, guint n)
{
  g_autoptr(GError) error = NULL;
  FoyerHubStorage *storage = foyer_hub_storage_open (database, 2, &error);
  double seconds;

  g_assert_no_error (error);
  seconds = fill (storage, n);
  g_object_unref (storage);
  return n / seconds;
}

static void
print_ingest (const char *name, guint n, double with, double anchor, const char *anchor_name)
{
  g_print ("%-10s ingest of %u records with the counters: %.0f records/s; anchor, %s: "
           "%.0f records/s (%.0f %%)\n", name, n, with, anchor_name, anchor, 100 * with / anchor);
}

int
main (int argc, char **argv)
{
  const char *env = g_getenv ("FOYER_BENCH_RECORDS");
  guint n = env != NULL ? (guint) atoi (env) : 1000000;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  FoyerHubStorage *storage;
  FoyerTestPg *pg;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  dir = foyer_test_make_tmpdir ("bench-hub-dashboard");
  path = g_build_filename (dir, "hub.db", NULL);
  storage = foyer_hub_storage_open (path, 2, &error);
  g_assert_no_error (error);
  measure ("SQLite", storage, n);
  g_object_unref (storage);
  {
    guint m = MIN (n, INGEST_RECORDS);
    g_autofree char *a = g_build_filename (dir, "ingest-a.db", NULL);
    g_autofree char *b = g_build_filename (dir, "ingest-b.db", NULL);
    double with = ingest_with_counters (a, m);
    print_ingest ("SQLite", m, with, sqlite_direct (b, m), "direct INSERTs, no hub code");
  }

  pg = foyer_test_pg_start ();
  if (pg == NULL) {
    g_print ("PostgreSQL  skipped: postgresql-15 is not installed\n");
    return 0;
  }
  {
    g_autofree char *conninfo = foyer_test_pg_new_database (pg);
    storage = foyer_hub_storage_open (conninfo, 2, &error);
    g_assert_no_error (error);
    measure ("PostgreSQL", storage, n);
    g_object_unref (storage);
    {
      guint m = MIN (n, INGEST_RECORDS);
      g_autofree char *a = foyer_test_pg_new_database (pg);
      g_autofree char *b = foyer_test_pg_new_database (pg);
      double with = ingest_with_counters (a, m);
      print_ingest ("PostgreSQL", m, with, pg_without_counters (b, m),
                    "the same ingest without the counters trigger");
    }
  }
  foyer_test_pg_stop (pg);
  return 0;
}
