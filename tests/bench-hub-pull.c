/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-hub-pull.c: the hub side of two-way sync (issue 16) on a real `foyer-hub serve` over
 * loopback, SQLite and PostgreSQL 15 side by side:
 *
 * 1. a first registrations pull of 200,000 pre-registrations (pages of 5,000, gzip), next to
 *    its anchor: the same rows read in-process through the same storage (no HTTP, no rows built);
 * 2. propagation: 20 gates long-poll the check-ins while check-ins are posted one at a time;
 *    p50/p95/max from a check-in's commit (its POST answered) to its arrival at every other gate
 *    (target: p95 < 2 s), next to a plain GET /v1/health round trip;
 * 3. occupancy: 20 gates post 5,000 entries and exits each, concurrently, with duplicates;
 *    ingest time, the first and the next check-ins answer (inside now built from all of them,
 *    then brought up to date), next to the anchor: reading those check-ins in-process; and
 *    whether "inside" equals the true count.
 *
 * Scale with FOYER_BENCH_PULL_ROWS (200,000) and FOYER_BENCH_GATE_ROWS (5,000).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "foyer-core.h"
#include "foyer-hub-storage.h"
#include "foyer-hub-test-util.h"
#include "foyer-hub-pull-test-util.h"
#include "foyer-test-util.h"

#define N_GATES 20

static guint pull_rows = 200000;
static guint gate_rows = 5000;

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values, double p)
{
  guint i;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_double);
  i = MIN (values->len - 1, (guint) (p * values->len));
  return g_array_index (values, double, i);
}

static gboolean
count_row (const FoyerHubRecordRow *row, gpointer user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

/* Rows of type read in-process from the hub's database. */
static double
storage_read (FoyerTestHub *hub, const char *type, guint *n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerHubStorage) storage = foyer_hub_storage_open (hub->database, 2, &error);
  gint64 start;

  g_assert_no_error (error);
  *n = 0;
  start = g_get_monotonic_time ();
  g_assert_true (foyer_hub_storage_records_foreach (storage, "ev1", type, NULL, count_row, n,
                                                    &error));
  return seconds_since (start);
}

/* ---- 1. the first registrations pull ---- */

/* A lean client: each page is fetched (gzip) and only its cursor, `more` and row count are read
 * from the text, so that the figure is the hub's and the wire's, not a JSON parser's. */
static guint
pull_pages (FoyerTestHub *hub, const char *token, guint *pages)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *cursor = g_strdup ("");
  guint rows = 0;
  gboolean more = TRUE;

  for (*pages = 0; more; (*pages)++) {
    g_autofree char *path = foyer_test_pull_path ("registrations", cursor, 5000, 0);
    g_autofree char *url = g_strconcat (hub->url, path, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) reply = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    const char *at;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    reply = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
    for (at = text; (at = strstr (at, "\"badge_code\"")) != NULL; at++)
      rows++;
    at = g_strrstr (text, "\"cursor\":\"");
    g_assert_nonnull (at);
    g_free (cursor);
    cursor = g_strndup (at + 10, strcspn (at + 10, "\""));
    more = strstr (at, "\"more\":true") != NULL;
  }
  return rows;
}

static void
bench_first_pull (FoyerTestHub *hub, const char *token, const char *label)
{
  g_autofree char *csv = foyer_test_pull_write_preregistrations (pull_rows, NULL);
  double import_s, pull_s, anchor_s, cpu;
  guint pages, n = 0, rows;
  gint64 start;

  start = g_get_monotonic_time ();
  foyer_test_pull_import (hub, csv);
  import_s = seconds_since (start);
  start = g_get_monotonic_time ();
  cpu = foyer_test_hub_cpu_s (hub);
  rows = pull_pages (hub, token, &pages);
  pull_s = seconds_since (start);
  cpu = foyer_test_hub_cpu_s (hub) - cpu;
  g_assert_cmpuint (rows, ==, pull_rows);
  anchor_s = storage_read (hub, "preregistration", &n);
  g_assert_cmpuint (n, ==, pull_rows);
  printf ("%-10s first pull of %u registrations: %.2f s in %u pages (%.0f rows/s), hub CPU"
          " %.2f s; anchor (same rows read in-process): %.2f s; import took %.1f s\n", label,
          pull_rows, pull_s, pages, pull_rows / pull_s, cpu, anchor_s, import_s);
}

/* ---- 2. propagation to 20 long-polling gates ---- */

#define N_PROPAGATED 60

typedef struct {
  FoyerTestHub *hub;
  char         *token;
  GHashTable   *arrived;    /* check-in id → monotonic µs of its arrival at this gate */
  gint          stop;
} Watcher;

static gpointer
watch_gate (gpointer data)
{
  Watcher *w = data;
  g_autoptr(JsonArray) rows = json_array_new ();
  guint pages;
  char *cursor = foyer_test_pull_all (w->hub, w->token, "check-ins", NULL, 5000, rows, &pages);

  while (!g_atomic_int_get (&w->stop)) {
    g_autofree char *path = foyer_test_pull_path ("check-ins", cursor, 5000, 2);
    FoyerTestAnswer answer = foyer_test_pull_get (w->hub, w->token, path, TRUE);
    gint64 now = g_get_monotonic_time ();
    JsonArray *page = foyer_test_pull_rows_of (&answer);

    for (guint i = 0; i < json_array_get_length (page); i++) {
      const char *id = json_object_get_string_member (json_array_get_object_element (page, i),
                                                      "id");
      gint64 *at = g_new (gint64, 1);
      *at = now;
      g_hash_table_insert (w->arrived, g_strdup (id), at);
    }
    g_free (cursor);
    cursor = g_strdup (foyer_test_pull_cursor_of (&answer));
    foyer_test_pull_answer_clear (&answer);
  }
  g_free (cursor);
  return NULL;
}

static void
bench_propagation (FoyerTestHub *hub, const char *label)
{
  Watcher watchers[N_GATES];
  GThread *threads[N_GATES];
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) health = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *poster = foyer_test_pull_device_token (hub, "poster", "ev1", NULL);
  g_autofree char *health_url = g_strconcat (hub->url, "/v1/health", NULL);
  gint64 posted[N_PROPAGATED];
  char *ids[N_PROPAGATED];

  for (guint g = 0; g < N_GATES; g++) {
    g_autofree char *name = g_strdup_printf ("watch-%02u", g);
    watchers[g] = (Watcher) { hub, foyer_test_pull_device_token (hub, name, "ev1", NULL),
                              g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free), 0 };
    threads[g] = g_thread_new ("watch", watch_gate, &watchers[g]);
  }
  g_usleep (G_USEC_PER_SEC);
  for (guint i = 0; i < N_PROPAGATED; i++) {
    g_autofree char *badge = g_strdup_printf ("PROP%03u", i);
    g_autofree char *rec = NULL;

    ids[i] = foyer_record_id_new ();
    rec = foyer_test_pull_check_in_json (ids[i], badge, FALSE, "A", "2026-11-24T10:00:00.000Z");
    foyer_test_pull_post (hub, poster, rec);
    posted[i] = g_get_monotonic_time ();
    g_usleep (50 * 1000 + g_random_int_range (0, 100 * 1000));
  }
  g_usleep (3 * G_USEC_PER_SEC);
  for (guint g = 0; g < N_GATES; g++) {
    g_atomic_int_set (&watchers[g].stop, 1);
    g_thread_join (threads[g]);
    for (guint i = 0; i < N_PROPAGATED; i++) {
      gint64 *at = g_hash_table_lookup (watchers[g].arrived, ids[i]);
      double s = at != NULL ? MAX (0, (*at - posted[i]) / 1e6) : 999;
      g_array_append_val (latencies, s);
    }
    g_hash_table_unref (watchers[g].arrived);
    g_free (watchers[g].token);
  }
  for (guint i = 0; i < N_PROPAGATED; i++)
    g_free (ids[i]);
  for (guint i = 0; i < 50; i++) {
    gint64 start = g_get_monotonic_time ();
    double ms;
    g_assert_cmpuint (foyer_test_http ("GET", health_url, NULL, NULL, NULL, 0, FALSE, NULL, NULL),
                      ==, 200);
    ms = seconds_since (start) * 1000;
    g_array_append_val (health, ms);
  }
  printf ("%-10s propagation to %d long-polling gates (%d check-ins): p50 %.0f ms, p95 %.0f ms,"
          " max %.0f ms (target p95 < 2000 ms); anchor GET /v1/health p50 %.1f ms\n", label,
          N_GATES, N_PROPAGATED, percentile (latencies, 0.5) * 1000,
          percentile (latencies, 0.95) * 1000, percentile (latencies, 1.0) * 1000,
          percentile (health, 0.5));
}

/* ---- 3. occupancy under 20 gates ---- */

typedef struct {
  FoyerTestHub *hub;
  char         *token;
  GPtrArray    *records;
} Gate;

static gpointer
gate_post (gpointer data)
{
  Gate *gate = data;

  for (guint i = 0; i < gate->records->len; i += 200) {
    g_autoptr(GString) batch = g_string_new (NULL);

    for (guint j = i; j < MIN (i + 200, gate->records->len); j++)
      g_string_append_printf (batch, "%s%s", j > i ? "," : "",
                              (char *) g_ptr_array_index (gate->records, j));
    foyer_test_pull_post (gate->hub, gate->token, batch->str);
  }
  return NULL;
}

static gint64
fill_gates (Gate *gates, GRand *rand)
{
  guint n_badges = N_GATES * gate_rows / 4;
  gint64 inside = 0;

  for (guint b = 0; b < n_badges; b++) {
    g_autofree char *badge = g_strdup_printf ("OCC%06u", b);
    guint k = g_rand_int_range (rand, 1, 8);

    for (guint j = 0; j < k; j++) {
      g_autofree char *id = foyer_record_id_new ();
      g_autofree char *at = g_strdup_printf ("2026-11-24T%02u:%02u:00.000Z", 8 + j, b % 60);
      char *rec = foyer_test_pull_check_in_json (id, badge, j % 2 == 1, j % 3 ? "A" : "B", at);
      guint g = g_rand_int_range (rand, 0, N_GATES);

      g_ptr_array_add (gates[g].records, rec);
      if (g_rand_int_range (rand, 0, 20) == 0)   /* a duplicate through another gate */
        g_ptr_array_add (gates[(g + 1) % N_GATES].records, g_strdup (rec));
    }
    inside += k % 2;
  }
  return inside;
}

static void
bench_occupancy (FoyerTestHub *hub, const char *label)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20);
  g_autofree char *token = foyer_test_pull_device_token (hub, "counter", "ev1", NULL);
  Gate gates[N_GATES];
  GThread *threads[N_GATES];
  FoyerTestAnswer first, next;
  double ingest_s, first_s, next_s, anchor_s, cpu;
  gint64 truth, start;
  guint n_records = 0, n_read = 0;

  /* Who is inside already (the propagation run's visitors) counts too. */
  first = foyer_test_pull_get (hub, token, "/v1/check-ins?limit=1", TRUE);
  truth = foyer_test_pull_inside_of (&first, NULL);
  foyer_test_pull_answer_clear (&first);

  for (guint g = 0; g < N_GATES; g++) {
    g_autofree char *name = g_strdup_printf ("occ-gate-%02u", g);
    gates[g] = (Gate) { hub, foyer_test_pull_device_token (hub, name, "ev1", NULL),
                        g_ptr_array_new_with_free_func (g_free) };
  }
  truth += fill_gates (gates, rand);
  start = g_get_monotonic_time ();
  for (guint g = 0; g < N_GATES; g++) {
    n_records += gates[g].records->len;
    threads[g] = g_thread_new ("gate", gate_post, &gates[g]);
  }
  for (guint g = 0; g < N_GATES; g++) {
    g_thread_join (threads[g]);
    g_ptr_array_unref (gates[g].records);
    g_free (gates[g].token);
  }
  ingest_s = seconds_since (start);
  /* A fresh hub process: its occupancy is built from all the stored check-ins. */
  foyer_test_hub_kill (hub, SIGTERM);
  foyer_test_hub_wait (hub);
  foyer_test_hub_start (hub, NULL);
  start = g_get_monotonic_time ();
  cpu = foyer_test_hub_cpu_s (hub);
  first = foyer_test_pull_get (hub, token, "/v1/check-ins?limit=1", TRUE);
  first_s = seconds_since (start);
  cpu = foyer_test_hub_cpu_s (hub) - cpu;
  start = g_get_monotonic_time ();
  next = foyer_test_pull_get (hub, token, "/v1/check-ins?limit=1", TRUE);
  next_s = seconds_since (start);
  anchor_s = storage_read (hub, "check_in", &n_read);
  printf ("%-10s occupancy: %u check-ins from %d gates in %.2f s (%.0f rec/s); inside %"
          G_GINT64_FORMAT " (true %" G_GINT64_FORMAT ": %s); a restarted hub's first answer %.0f ms"
          " (hub CPU %.0f ms), the next %.0f ms; anchor (the %u check-ins read in-process):"
          " %.0f ms\n", label, n_records, N_GATES, ingest_s, n_records / ingest_s,
          foyer_test_pull_inside_of (&first, NULL), truth,
          foyer_test_pull_inside_of (&first, NULL) == truth ? "exact" : "WRONG", first_s * 1000,
          cpu * 1000, next_s * 1000, n_read, anchor_s * 1000);
  g_assert_cmpint (foyer_test_pull_inside_of (&first, NULL), ==, truth);
  foyer_test_pull_answer_clear (&first);
  foyer_test_pull_answer_clear (&next);
}

static void
run (const char *label, const char *database)
{
  FoyerTestHub *hub = foyer_test_hub_new (database, "workers=4");
  g_autofree char *token = NULL;

  foyer_test_hub_start (hub, NULL);
  token = foyer_test_pull_device_token (hub, "gate-1", "ev1", NULL);
  bench_first_pull (hub, token, label);
  bench_propagation (hub, label);
  bench_occupancy (hub, label);
  fflush (stdout);
  foyer_test_hub_free (hub);
}

int
main (int argc, char **argv)
{
  FoyerTestPg *pg;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("FOYER_BENCH_PULL_ROWS") != NULL)
    pull_rows = atoi (g_getenv ("FOYER_BENCH_PULL_ROWS"));
  if (g_getenv ("FOYER_BENCH_GATE_ROWS") != NULL)
    gate_rows = atoi (g_getenv ("FOYER_BENCH_GATE_ROWS"));
  run ("SQLite", NULL);
  if ((pg = foyer_test_pg_start ()) != NULL) {
    g_autofree char *database = foyer_test_pg_new_database (pg);
    run ("PostgreSQL", database);
    foyer_test_pg_stop (pg);
  } else {
    printf ("PostgreSQL skipped: postgresql-15 is not installed\n");
  }
  return 0;
}
