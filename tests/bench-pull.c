/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-pull.c: two-way sync on the kiosk (issue 16), against a real `foyer-hub serve` and
 * tests/sync-receiver.py on loopback, each figure printed next to its anchor measured in the
 * same run:
 *
 *   first pull of 200,000 pre-registrations from foyer-hub (target < 10 s), imported at the hub
 *     before the clock starts, through the sync engine into a fresh kiosk store; p50 of
 *     FOYER_BENCH_RUNS (3) runs, each on a restarted hub (its page cache empty: the first gate
 *     of the day) and then by a second gate (the pages cached), with the hub's CPU time
 *                                                            vs  bare SQLite inserts of as many
 *     rows in one transaction, and a bare libcurl download (gzip) of the same pages;
 *   first pull of 200,000 pre-registrations (target < 10 s)  vs  bare SQLite inserts of as many
 *     rows in one transaction; and a UI connection's check-in latency during that pull;
 *   incremental pull of 1,000 changes (target < 200 ms)     vs  one loopback HTTP round trip;
 *   badge lookup after the pull, p99 (target < 1 ms)        vs  a bare SQLite primary-key SELECT;
 *   propagation with 20 gates, p50/p95/max from the commit at gate A to its arrival at every
 *     other gate (target p95 < 2 s)                          vs  one loopback HTTP round trip.
 *
 * FOYER_BENCH_PULL_ROWS and FOYER_BENCH_GATES shrink the run (sanitizer builds).
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <curl/curl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "foyer-core.h"
#include "foyer-hub-pull-test-util.h"
#include "foyer-hub-test-util.h"
#include "foyer-pull-test-util.h"
#include "foyer-test-receiver.h"
#include "foyer-test-util.h"

#define EVENT "expo-2026"

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? (guint)g_ascii_strtoull (value, NULL, 10) : fallback;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *samples,
            double  p)
{
  guint i;

  g_array_sort (samples, compare_double);
  i = (guint)MIN ((double)samples->len - 1, p * samples->len);
  return g_array_index (samples, double, i);
}

static FoyerConfig *
kiosk_config (const char *dir,
              const char *id,
              const char *url,
              const char *extra)
{
  g_autofree char *text = g_strdup_printf ("[kiosk]\nid=%s\nevent=%s\n[storage]\n"
                                           "database=%s/kiosk.db\n[sync]\nbackend=http-json\n"
                                           "url=%s\npull-interval=10\nhealth-interval=30\n"
                                           "backoff-min-ms=20\nbackoff-max-ms=300\n%s",
                                           id, EVENT, dir, url, extra != NULL ? extra : "");
  g_autoptr(GError) error = NULL;
  FoyerConfig *config = foyer_config_load_from_data (text, "bench", &error);

  g_assert_no_error (error);
  return config;
}

/* ---- anchors ---- */

/* n rows inserted into a bare table keyed like the kiosk's pre-registrations, txn_rows to a
 * transaction (0: all in one). Badge codes are sequential (P000001…, like sync-receiver.py's)
 * or, with signed_codes, shaped like the hub's signed codes (FY1:EV1:<12 hex of a random id>:…,
 * 120 characters): the kiosk's table is ordered by badge code, so those land at random places. */
static double
bare_inserts_s (const char *dir,
                guint       n,
                gboolean    signed_codes,
                guint       txn_rows)
{
  g_autofree char *path = g_build_filename (dir, "bare.db", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 t0;

  g_unlink (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                "DROP TABLE IF EXISTS p;"
                "CREATE TABLE p (event TEXT, badge_code TEXT, full_name TEXT, organization TEXT,"
                " PRIMARY KEY (event, badge_code)) WITHOUT ROWID", NULL, NULL, NULL);
  t0 = g_get_monotonic_time ();
  sqlite3_prepare_v2 (db, "INSERT INTO p VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL);
  for (guint i = 0; i < n; i++) {
    char badge[160], name[32], org[32];

    if (i == 0 || (txn_rows > 0 && i % txn_rows == 0)) {
      if (i > 0)
        sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
    }
    if (signed_codes)
      g_snprintf (badge, sizeof badge, "FY1:EV1:%08X%04X:AIE6:%0104u", g_rand_int (rand),
                  g_rand_int (rand) & 0xffff, i);
    else
      g_snprintf (badge, sizeof badge, "P%06u", i);
    g_snprintf (name, sizeof name, "Visitor %u", i);
    g_snprintf (org, sizeof org, "Company %u", i % 997);
    sqlite3_bind_text (stmt, 1, EVENT, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, badge, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 4, org, -1, SQLITE_TRANSIENT);
    sqlite3_step (stmt);
    sqlite3_reset (stmt);
  }
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return (g_get_monotonic_time () - t0) / 1e6;
}

static double
http_round_trip_ms (FoyerTestReceiver *receiver)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < 50; i++) {
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr(JsonObject) o = foyer_test_receiver_get (receiver, "/v1/health");
    double ms = (g_get_monotonic_time () - t0) / 1000.0;

    g_array_append_val (samples, ms);
  }
  return percentile (samples, 0.5);
}

/* The scan path's queries (foyer_store_lookup_badge_status) must each find their row through
 * an index, never scan a table of 200,000 rows: their plans, printed and checked. */
static void
print_lookup_plans (sqlite3 *db)
{
  static const char * const queries[] = {
    "SELECT status, reason FROM preregistrations WHERE event = ?1 AND badge_code = ?2",
    "SELECT * FROM registrations WHERE event = ?1 AND badge_code = ?2",
    "SELECT * FROM preregistrations WHERE event = ?1 AND badge_code = ?2",
  };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++) {
    g_autofree char *sql = g_strconcat ("EXPLAIN QUERY PLAN ", queries[i], NULL);
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW) {
      const char *detail = (const char *)sqlite3_column_text (stmt, 3);

      g_print ("lookup plan: %s\n", detail);
      g_assert_true (g_str_has_prefix (detail, "SEARCH "));
    }
    sqlite3_finalize (stmt);
  }
}

/* ---- first pull, with a UI connection writing meanwhile ---- */

typedef struct {
  const char *db_path;
  gint        stop;
  GArray     *latencies_ms;
} UiWriter;

static gpointer
ui_writer_main (gpointer data)
{
  UiWriter *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (w->db_path, &error);
  guint i = 0;

  g_assert_no_error (error);
  while (!g_atomic_int_get (&w->stop)) {
    g_autofree char *badge = g_strdup_printf ("UI%06u", ++i);
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
    FoyerRegistration *reg = foyer_registration_new ();
    gint64 t0;
    double ms;

    reg->event = g_strdup (EVENT);
    reg->badge_code = g_strdup (badge);
    reg->full_name = g_strdup ("访客");
    g_ptr_array_add (list, reg);
    g_assert_true (foyer_store_import_preregistrations (store, list, NULL, NULL, NULL));
    t0 = g_get_monotonic_time ();
    g_assert_true (foyer_store_record_check_in (store, EVENT, "ui", NULL, badge, NULL, NULL, NULL,
                                                NULL, &error));
    g_assert_no_error (error);
    ms = (g_get_monotonic_time () - t0) / 1000.0;
    g_array_append_val (w->latencies_ms, ms);
    g_usleep (10 * 1000);
  }
  return NULL;
}

static void
bench_first_and_incremental (FoyerTestReceiver *receiver,
                             guint              rows)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("bench-pull");
  g_autoptr(FoyerConfig) config = kiosk_config (dir, "gate-a", foyer_test_receiver_url (receiver),
                                                NULL);
  g_autofree char *db = g_build_filename (dir, "kiosk.db", NULL);
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lookups = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
  UiWriter writer = { .db_path = db, .latencies_ms = g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autofree char *seed = g_strdup_printf ("{\"seed_registrations\": {\"n\": %u, \"prefix\": \"P\"}}", rows);
  GThread *thread;
  FoyerSyncStatus *status;
  double first_s, bare_s, incremental_ms, rtt_ms;
  gint64 t0;

  store = foyer_store_open (db, &error);
  g_assert_no_error (error);
  foyer_test_receiver_control (receiver, "%s", seed);
  bare_s = bare_inserts_s (dir, rows, FALSE, 0);
  rtt_ms = http_round_trip_ms (receiver);

  thread = g_thread_new ("ui-writer", ui_writer_main, &writer);
  t0 = g_get_monotonic_time ();
  status = foyer_test_sync_until_current (config, db, 300);
  first_s = (g_get_monotonic_time () - t0) / 1e6;
  g_atomic_int_set (&writer.stop, 1);
  g_thread_join (thread);
  g_assert_cmpuint (status->pulled, >=, rows);
  foyer_sync_status_free (status);

  g_print ("first pull of %u pre-registrations: %.2f s (target < 10 s) | anchor: bare SQLite "
           "inserts of %u rows in one transaction %.2f s\n", rows, first_s, rows, bare_s);
  g_print ("UI connection check-in latency during that pull (%u writes): p50 %.2f ms, p99 %.2f "
           "ms, max %.2f ms\n", writer.latencies_ms->len, percentile (writer.latencies_ms, 0.5),
           percentile (writer.latencies_ms, 0.99), percentile (writer.latencies_ms, 1.0));
  g_array_unref (writer.latencies_ms);

  /* 1,000 changes: 500 revocations and 500 new registrations */
  {
    g_autoptr(GString) json = g_string_new ("{\"registrations\": [");

    for (guint i = 0; i < 1000; i++)
      g_string_append_printf (json, "%s{\"badge_code\": \"%s%06u\", \"status\": \"%s\", "
                              "\"display_name\": \"N %u\"}", i > 0 ? "," : "",
                              i % 2 ? "P" : "NEW", i + 1, i % 2 ? "revoked" : "valid", i);
    g_string_append (json, "]}");
    foyer_test_receiver_control (receiver, "%s", json->str);
  }
  t0 = g_get_monotonic_time ();
  status = foyer_test_sync_until_current (config, db, 60);
  incremental_ms = (g_get_monotonic_time () - t0) / 1000.0;
  foyer_sync_status_free (status);
  g_print ("incremental pull of 1,000 changes (engine start to current, 3 feeds + health): %.1f "
           "ms (target < 200 ms) | anchor: one loopback HTTP round trip %.2f ms\n",
           incremental_ms, rtt_ms);

  /* lookups: the scan path's query, and the bare primary-key SELECT */
  {
    sqlite3 *raw = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (db, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_prepare_v2 (raw, "SELECT status FROM preregistrations WHERE event = ?1 AND "
                        "badge_code = ?2", -1, &stmt, NULL);
    for (guint i = 0; i < 10000; i++) {
      g_autofree char *badge = g_strdup_printf ("P%06u", g_random_int_range (1, rows + 1));
      FoyerBadgeStatus st;
      g_autoptr(FoyerRegistration) visitor = NULL;
      g_autofree char *reason = NULL;
      gint64 t = g_get_monotonic_time ();
      double ms;

      g_assert_true (foyer_store_lookup_badge_status (store, EVENT, badge, &st, &visitor, &reason,
                                                      NULL));
      ms = (g_get_monotonic_time () - t) / 1000.0;
      g_array_append_val (lookups, ms);
      g_assert_cmpint (st, !=, FOYER_BADGE_STATUS_UNKNOWN);

      t = g_get_monotonic_time ();
      sqlite3_bind_text (stmt, 1, EVENT, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, badge, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      sqlite3_reset (stmt);
      ms = (g_get_monotonic_time () - t) / 1000.0;
      g_array_append_val (bare, ms);
    }
    sqlite3_finalize (stmt);
    print_lookup_plans (raw);
    sqlite3_close (raw);
  }
  g_print ("badge lookup after the pull (10,000 random badges): p50 %.3f ms, p99 %.3f ms (target "
           "p99 < 1 ms) | anchor: bare SQLite primary-key SELECT p50 %.3f ms, p99 %.3f ms\n",
           percentile (lookups, 0.5), percentile (lookups, 0.99), percentile (bare, 0.5),
           percentile (bare, 0.99));
}

/* ---- first pull from foyer-hub ---- */

static size_t
curl_collect (char *data, size_t size, size_t n, void *user_data)
{
  g_string_append_len (user_data, data, size * n);
  return size * n;
}

/* The anchor: the same pages fetched by bare libcurl (gzip, one kept-alive connection); only
 * the cursor, `more` and the row count are read from each page. */
static double
curl_pages_s (FoyerTestHub *hub, const char *token, guint *rows)
{
  CURL *curl = curl_easy_init ();
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", token, NULL);
  struct curl_slist *headers = curl_slist_append (NULL, auth);
  g_autoptr(GString) page = g_string_new (NULL);
  g_autofree char *cursor = g_strdup ("");
  gboolean more = TRUE;
  gint64 t0 = g_get_monotonic_time ();

  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, curl_collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, page);
  for (*rows = 0; more;) {
    g_autofree char *url = g_strdup_printf ("%s/v1/registrations?since=%s&limit=5000", hub->url,
                                            cursor);
    const char *at;
    long status = 0;
    CURLcode rc;

    g_string_truncate (page, 0);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    if ((rc = curl_easy_perform (curl)) != CURLE_OK) {
      /* said aloud: main's hub before the page cache reset kept-alive connections now and then */
      g_print ("bare libcurl: %s, the page is fetched again\n", curl_easy_strerror (rc));
      g_string_truncate (page, 0);
      g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
    }
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
    g_assert_cmpint (status, ==, 200);
    for (at = page->str; (at = strstr (at, "\"badge_code\"")) != NULL; at++)
      (*rows)++;
    g_assert_nonnull (at = g_strrstr (page->str, "\"cursor\":\""));
    g_free (cursor);
    cursor = g_strndup (at + 10, strcspn (at + 10, "\""));
    more = strstr (at, "\"more\":true") != NULL;
  }
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return (g_get_monotonic_time () - t0) / 1e6;
}

/* A kiosk enrolled at the hub with a fresh store pulls until it is current: seconds, and the
 * hub's CPU seconds meanwhile. */
static double
kiosk_first_pull_s (FoyerTestHub *hub, guint rows, double *hub_cpu_s)
{
  static guint n_kiosks;
  g_autofree char *name = g_strdup_printf ("bench-gate-%u", ++n_kiosks);
  g_autofree char *code = foyer_test_hub_add_device (hub, name, "ev1");
  g_autofree char *conf = foyer_test_kiosk_new (code, 200);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load (conf, &error);
  g_autofree char *db = NULL;
  FoyerSyncStatus *status;
  double cpu, s;
  gint64 t0;

  g_assert_no_error (error);
  db = foyer_config_get_path_value (config, "storage", "database");
  cpu = foyer_test_hub_cpu_s (hub);
  t0 = g_get_monotonic_time ();
  status = foyer_test_sync_until_current (config, db, 300);
  s = (g_get_monotonic_time () - t0) / 1e6;
  *hub_cpu_s = foyer_test_hub_cpu_s (hub) - cpu;
  g_assert_cmpuint (status->pulled, >=, rows);
  foyer_sync_status_free (status);
  return s;
}

static void
hub_restart (FoyerTestHub *hub)
{
  foyer_test_hub_kill (hub, SIGTERM);
  foyer_test_hub_wait (hub);
  foyer_test_hub_start (hub, NULL);
}

static void
bench_first_pull_hub (guint rows, guint runs)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  g_autofree char *csv = foyer_test_pull_write_preregistrations (rows, NULL);
  g_autofree char *dir = foyer_test_make_tmpdir ("bench-pull-hub");
  g_autofree char *token = NULL;
  g_autoptr(GArray) cold = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cold_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) warm = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) warm_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) curl_cold = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) curl_warm = g_array_new (FALSE, FALSE, sizeof (double));
  double bare_s, bare_signed_s, bare_signed_txn_s;

  foyer_test_hub_start (hub, NULL);
  token = foyer_test_pull_device_token (hub, "bench-curl", "ev1", NULL);   /* adds ev1 */
  foyer_test_pull_import (hub, csv);
  bare_s = bare_inserts_s (dir, rows, FALSE, 0);
  bare_signed_s = bare_inserts_s (dir, rows, TRUE, 0);
  bare_signed_txn_s = bare_inserts_s (dir, rows, TRUE, 100);
  for (guint r = 0; r < runs; r++) {
    double s, cpu;
    guint n;

    hub_restart (hub);   /* the first gate of the day: no page cached */
    s = kiosk_first_pull_s (hub, rows, &cpu);
    g_array_append_val (cold, s);
    g_array_append_val (cold_cpu, cpu);
    s = curl_pages_s (hub, token, &n);
    g_assert_cmpuint (n, ==, rows);
    g_array_append_val (curl_warm, s);
    s = kiosk_first_pull_s (hub, rows, &cpu);   /* the next gate: the pages are cached */
    g_array_append_val (warm, s);
    g_array_append_val (warm_cpu, cpu);
    hub_restart (hub);
    s = curl_pages_s (hub, token, &n);
    g_array_append_val (curl_cold, s);
  }
  g_print ("first pull of %u pre-registrations from foyer-hub (SQLite, p50 of %u runs): first"
           " gate %.2f s (hub CPU %.2f s), next gate %.2f s (hub CPU %.2f s) (target < 10 s) |"
           " anchors: bare SQLite inserts in one transaction %.2f s (sequential codes), %.2f s"
           " (codes shaped like the hub's), %.2f s (those in transactions of 100 rows, as a"
           " pulled page is written); bare libcurl download of the pages %.2f s (pages built) /"
           " %.2f s (pages cached)\n", rows, runs, percentile (cold, 0.5),
           percentile (cold_cpu, 0.5), percentile (warm, 0.5), percentile (warm_cpu, 0.5), bare_s,
           bare_signed_s, bare_signed_txn_s, percentile (curl_cold, 0.5),
           percentile (curl_warm, 0.5));
  foyer_test_hub_free (hub);
}

/* ---- propagation ---- */

typedef struct {
  FoyerStore      *store;      /* the bench's own connection to the gate's database */
  FoyerStore      *ui_store;   /* the gate's "UI" connection: records check-ins */
  FoyerSyncEngine *engine;
  FoyerConfig     *config;
  char            *dir;
  char            *id;
} Gate;

typedef struct {
  Gate       *gates;
  guint       n;
  const char *waiting_id;      /* the check-in travelling now */
  guint       from;
  gint64      committed_at;
  gboolean   *arrived;
  guint       n_arrived;
  GArray     *samples_ms;
} Propagation;

static void
gate_status_cb (FoyerSyncEngine       *engine,
                const FoyerSyncStatus *status,
                Propagation           *p)
{
  for (guint i = 0; i < p->n; i++) {
    g_autoptr(FoyerCheckIn) last = NULL;

    if (p->gates[i].engine != engine || i == p->from || p->arrived[i] || p->waiting_id == NULL)
      continue;
    last = foyer_store_last_entry (p->gates[i].store, EVENT, "GATEBADGE", NULL);
    if (last != NULL && g_strcmp0 (last->id, p->waiting_id) == 0) {
      double ms = (g_get_monotonic_time () - p->committed_at) / 1000.0;

      p->arrived[i] = TRUE;
      p->n_arrived++;
      g_array_append_val (p->samples_ms, ms);
    }
  }
}

static void
bench_propagation (FoyerTestReceiver *receiver,
                   guint              n_gates,
                   guint              rounds)
{
  Propagation p = { 0 };
  g_autoptr(GError) error = NULL;
  double rtt_ms = http_round_trip_ms (receiver);

  p.n = n_gates;
  p.gates = g_new0 (Gate, n_gates);
  p.arrived = g_new0 (gboolean, n_gates);
  p.samples_ms = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < n_gates; i++) {
    Gate *g = &p.gates[i];
    g_autofree char *db = NULL;
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
    FoyerRegistration *reg = foyer_registration_new ();
    FoyerSyncStatus *status;

    g->dir = foyer_test_make_tmpdir ("bench-gate");
    g->id = g_strdup_printf ("gate-%02u", i + 1);
    g->config = kiosk_config (g->dir, g->id, foyer_test_receiver_url (receiver), NULL);
    db = g_build_filename (g->dir, "kiosk.db", NULL);
    g->store = foyer_store_open (db, &error);
    g_assert_no_error (error);
    g->ui_store = foyer_store_open (db, &error);
    g_assert_no_error (error);
    reg->event = g_strdup (EVENT);
    reg->badge_code = g_strdup ("GATEBADGE");
    reg->full_name = g_strdup ("访客");
    g_ptr_array_add (list, reg);
    g_assert_true (foyer_store_import_preregistrations (g->ui_store, list, NULL, NULL, NULL));
    /* current once before the clock starts (the first pull of the earlier benchmark's rows) */
    status = foyer_test_sync_until_current (g->config, db, 300);
    foyer_sync_status_free (status);
    g->engine = foyer_sync_engine_new (g->config, db, &error);
    g_assert_no_error (error);
    g_signal_connect (g->engine, "status-changed", G_CALLBACK (gate_status_cb), &p);
    g_signal_connect_swapped (g->ui_store, "record-added", G_CALLBACK (foyer_sync_engine_wake),
                              g->engine);
    foyer_sync_engine_start (g->engine);
  }
  /* let every engine reach its long-poll */
  {
    gboolean never = FALSE;
    foyer_test_main_loop_until (&never, 2);
  }

  for (guint r = 0; r < rounds; r++) {
    g_autoptr(FoyerCheckIn) c = NULL;
    gboolean all = FALSE;
    gint64 deadline;

    p.from = g_random_int_range (0, n_gates);
    memset (p.arrived, 0, n_gates * sizeof (gboolean));
    p.n_arrived = 0;
    p.committed_at = g_get_monotonic_time ();
    g_assert_true (foyer_store_record_check_in (p.gates[p.from].ui_store, EVENT,
                                                p.gates[p.from].id, NULL, "GATEBADGE", NULL,
                                                NULL, &c, NULL, &error));
    g_assert_no_error (error);
    p.waiting_id = c->id;
    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (p.n_arrived < n_gates - 1 && g_get_monotonic_time () < deadline)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (200);
    all = p.n_arrived == n_gates - 1;
    if (!all)
      g_printerr ("round %u: only %u of %u gates got the check-in within 30 s\n", r,
                  p.n_arrived, n_gates - 1);
    p.waiting_id = NULL;
  }

  g_print ("propagation, %u gates, %u check-ins (%u arrivals): p50 %.0f ms, p95 %.0f ms, max "
           "%.0f ms (target p95 < 2000 ms) | anchor: one loopback HTTP round trip %.2f ms\n",
           n_gates, rounds, p.samples_ms->len, percentile (p.samples_ms, 0.5),
           percentile (p.samples_ms, 0.95), percentile (p.samples_ms, 1.0), rtt_ms);

  for (guint i = 0; i < n_gates; i++) {
    Gate *g = &p.gates[i];

    foyer_sync_engine_stop (g->engine);
    g_signal_handlers_disconnect_by_data (g->engine, &p);
    g_signal_handlers_disconnect_by_data (g->ui_store, g->engine);
    g_clear_object (&g->engine);
    g_clear_object (&g->store);
    g_clear_object (&g->ui_store);
    g_clear_object (&g->config);
    g_free (g->dir);
    g_free (g->id);
  }
  g_free (p.gates);
  g_free (p.arrived);
  g_array_unref (p.samples_ms);
}

int
main (int argc, char **argv)
{
  g_autoptr(FoyerTestReceiver) receiver = NULL;
  guint rows = env_uint ("FOYER_BENCH_PULL_ROWS", 200000);
  guint gates = env_uint ("FOYER_BENCH_GATES", 20);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_print ("bench-pull: the kiosk's first pull from foyer-hub on loopback\n");
  bench_first_pull_hub (rows, env_uint ("FOYER_BENCH_RUNS", 3));
  receiver = foyer_test_receiver_start (NULL);
  g_print ("bench-pull: the kiosk's pulls from tests/sync-receiver.py on loopback\n");
  bench_first_and_incremental (receiver, rows);
  foyer_test_receiver_control (receiver, "{\"reset\": true}");
  bench_propagation (receiver, gates, 30);
  return 0;
}
