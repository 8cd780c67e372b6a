/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-store.c: what the store costs.
 *
 * 1. Durable single-record registrations through FoyerStore against bare SQLite doing the same
 *    INSERTs (registration + outbox row, one transaction each) with the same pragmas, in the same
 *    run and on the same disk (target ratio >= 0.8).
 * 2. Badge-code lookup latency with 1,000,000 registrations (target p99 < 1 ms).
 * 3. Importing 200,000 pre-registrations from CSV (target < 10 s), and again as updates.
 * 4. Draining 100,000 outbox records in batches of 200 (take + mark_done), which bounds the sync
 *    engine's own target of 20,000 records/s.
 * FOYER_BENCH_DIR picks the folder (default: a temporary one), e.g. the kiosk's real disk.
 */
#include "config.h"

#include <time.h>
#include <sys/vfs.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

#define EVENT "expo-2026"

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
bench_dir (const char *tag)
{
  const char *base = g_getenv ("FOYER_BENCH_DIR");
  g_autofree char *tmpl = g_strdup_printf ("foyer-bench-%s-XXXXXX", tag);

  if (base != NULL) {
    g_autofree char *path = g_build_filename (base, tmpl, NULL);
    char *dir = g_mkdtemp (g_steal_pointer (&path));
    g_assert_nonnull (dir);
    return dir;
  }
  return foyer_test_make_tmpdir (tmpl);
}

static void
remove_db (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", NULL };

  for (guint i = 0; suffixes[i] != NULL; i++) {
    g_autofree char *p = g_strconcat (path, suffixes[i], NULL);
    g_unlink (p);
  }
}

static void
check (int rc, sqlite3 *db)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    g_error ("sqlite: %s", sqlite3_errmsg (db));
}

static FoyerRegistration *
sample_registration (guint i)
{
  FoyerRegistration *reg = foyer_registration_new ();

  reg->event = g_strdup (EVENT);
  reg->kiosk_id = g_strdup ("entrance-02");
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->full_name = g_strdup_printf ("张伟 %u", i);
  reg->organization = g_strdup ("上海会展服务有限公司");
  reg->emails = g_new0 (char *, 2);
  reg->emails[0] = g_strdup_printf ("visitor%u@example.cn", i);
  reg->phones = g_new0 (char *, 2);
  reg->phones[0] = g_strdup_printf ("+86138%08u", i);
  reg->badge_code = g_strdup_printf ("EXPO-V-%07u", i);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup ("1");
  return reg;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* A database with the store's schema, as the store creates it. */
static void
create_schema (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);

  g_assert_no_error (error);
}

/* --- 1. registration rate --- */

typedef struct {
  sqlite3      *db;
  sqlite3_stmt *insert;
  sqlite3_stmt *queue;
} Bare;

static void
bare_open (Bare *bare, const char *path)
{
  check (sqlite3_open (path, &bare->db), bare->db);
  sqlite3_busy_timeout (bare->db, 5000);
  check (sqlite3_exec (bare->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                       "PRAGMA foreign_keys = ON", NULL, NULL, NULL), bare->db);
  check (sqlite3_prepare_v2 (bare->db, "INSERT INTO registrations (id, event, kiosk_id, "
                             "created_at, kind, category, full_name, organization, emails, "
                             "phones, badge_code, source, consent_given, consent_version) VALUES "
                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &bare->insert,
                             NULL), bare->db);
  check (sqlite3_prepare_v2 (bare->db, "INSERT INTO outbox (record_id, record_type, state, "
                             "attempts, next_attempt_at, created_at) VALUES (?, 'registration', "
                             "'pending', 0, ?, ?)", -1, &bare->queue, NULL), bare->db);
}

static void
bare_close (Bare *bare)
{
  sqlite3_finalize (bare->insert);
  sqlite3_finalize (bare->queue);
  sqlite3_close (bare->db);
}

/* The same row and outbox row the store writes, in one transaction, nothing else. */
static void
bare_add (Bare *bare, FoyerRegistration *reg)
{
  g_autofree char *id = foyer_record_id_new ();
  g_autofree char *created = foyer_timestamp_now ();
  g_autofree char *emails = g_strdup_printf ("[\"%s\"]", reg->emails[0]);
  g_autofree char *phones = g_strdup_printf ("[\"%s\"]", reg->phones[0]);
  sqlite3_stmt *insert = bare->insert;

  check (sqlite3_exec (bare->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), bare->db);
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, reg->event, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 3, reg->kiosk_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, created, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, reg->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 6, reg->category, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 7, reg->full_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 8, reg->organization, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 9, emails, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 10, phones, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 11, reg->badge_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 12, reg->source, -1, SQLITE_STATIC);
  sqlite3_bind_int (insert, 13, 1);
  sqlite3_bind_text (insert, 14, reg->consent_version, -1, SQLITE_STATIC);
  check (sqlite3_step (insert), bare->db);
  sqlite3_reset (insert);
  sqlite3_bind_text (bare->queue, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (bare->queue, 2, g_get_real_time ());
  sqlite3_bind_text (bare->queue, 3, created, -1, SQLITE_STATIC);
  check (sqlite3_step (bare->queue), bare->db);
  sqlite3_reset (bare->queue);
  check (sqlite3_exec (bare->db, "COMMIT", NULL, NULL, NULL), bare->db);
}

static void
bench_registration_rate (const char *dir)
{
  g_autofree char *store_path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *bare_path = g_build_filename (dir, "bare.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  const guint n = 1500;
  g_autofree double *store_lat = g_new (double, n);
  g_autofree double *bare_lat = g_new (double, n);
  double store_total = 0, bare_total = 0;
  struct statfs fs;
  Bare bare;

  /* both files get the same schema (the store's), created by the store */
  create_schema (store_path);
  create_schema (bare_path);
  store = foyer_store_open (store_path, &error);
  g_assert_no_error (error);
  bare_open (&bare, bare_path);

  /* one record each in turn, so that other programs' disk traffic hits both alike */
  for (guint i = 0; i < n; i++) {
    g_autoptr(FoyerRegistration) a = sample_registration (i);
    g_autoptr(FoyerRegistration) b = sample_registration (i);
    double t0 = now_s ();

    if (!foyer_store_add_registration (store, a, NULL, &error))
      g_error ("%s", error->message);
    store_lat[i] = now_s () - t0;
    t0 = now_s ();
    bare_add (&bare, b);
    bare_lat[i] = now_s () - t0;
    store_total += store_lat[i];
    bare_total += bare_lat[i];
  }
  bare_close (&bare);
  qsort (store_lat, n, sizeof (double), cmp_double);
  qsort (bare_lat, n, sizeof (double), cmp_double);

  statfs (dir, &fs);
  g_print ("registration rate: durable (WAL, synchronous=FULL), one transaction per record, %u "
           "each, alternating, in %s (fs type 0x%lx)\n", n, dir, (long)fs.f_type);
  g_print ("  FoyerStore:  %.0f registrations/s (median %.2f ms, p99 %.2f ms)\n",
           n / store_total, store_lat[n / 2] * 1e3, store_lat[n * 99 / 100] * 1e3);
  g_print ("  bare SQLite: %.0f registrations/s (median %.2f ms, p99 %.2f ms)\n",
           n / bare_total, bare_lat[n / 2] * 1e3, bare_lat[n * 99 / 100] * 1e3);
  g_print ("  ratio: %.2f by throughput, %.2f by median latency (target >= 0.80)\n\n",
           bare_total / store_total, bare_lat[n / 2] / store_lat[n / 2]);
  g_clear_object (&store);
  remove_db (store_path);
  remove_db (bare_path);
}

/* --- 2. badge lookup with a million registrations --- */

static void
bench_badge_lookup (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "million.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  const guint n_rows = 1000000;
  const guint n_lookups = 20000;
  g_autofree double *lat = g_new (double, n_lookups);
  sqlite3 *db;
  sqlite3_stmt *insert;
  double start, build_s;
  guint misses = 0;

  create_schema (path);
  g_assert_no_error (error);

  start = now_s ();
  check (sqlite3_open (path, &db), db);
  check (sqlite3_exec (db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL), db);
  check (sqlite3_prepare_v2 (db, "INSERT INTO registrations (id, event, kiosk_id, created_at, "
                             "kind, category, full_name, organization, emails, badge_code, "
                             "source, consent_given) VALUES (?1, 'expo-2026', 'entrance-02', "
                             "?2, 'walk_in', 'trade_visitor', ?3, 'Acme', ?4, ?5, 'badge', 1)",
                             -1, &insert, NULL), db);
  for (guint i = 0; i < n_rows; i++) {
    char id[40], created[32], name[32], emails[48], badge[24];

    /* ordered ids keep the build an append; lookups are by badge, not id */
    g_snprintf (id, sizeof id, "00000000-0000-4000-8000-%012u", i);
    g_snprintf (created, sizeof created, "2026-11-24T%02u:%02u:%02u.000Z", 8 + i / 200000,
                (i / 3000) % 60, (i / 50) % 60);
    g_snprintf (name, sizeof name, "Visitor %u", i);
    g_snprintf (emails, sizeof emails, "[\"v%u@example.com\"]", i);
    g_snprintf (badge, sizeof badge, "EXPO-V-%07u", i);
    sqlite3_bind_text (insert, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 2, created, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 4, emails, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 5, badge, -1, SQLITE_STATIC);
    check (sqlite3_step (insert), db);
    sqlite3_reset (insert);
  }
  sqlite3_finalize (insert);
  check (sqlite3_exec (db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), db);
  sqlite3_close (db);
  build_s = now_s () - start;

  store = foyer_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_lookups; i++) {
    gboolean miss = i % 10 == 9;   /* one scan in ten is a badge this kiosk has not seen */
    g_autofree char *badge = g_strdup_printf (miss ? "EXPO-X-%07u" : "EXPO-V-%07u",
                                              g_random_int_range (0, n_rows));
    FoyerRegistration *found;
    double t0 = now_s ();

    found = foyer_store_find_by_badge (store, EVENT, badge, &error);
    lat[i] = (now_s () - t0) * 1e6;
    g_assert_no_error (error);
    if (found == NULL)
      misses++;
    g_assert_true ((found == NULL) == miss);
    foyer_registration_free (found);
  }
  qsort (lat, n_lookups, sizeof (double), cmp_double);
  g_print ("badge lookup, %u registrations (built in %.1f s), %u lookups (%u misses):\n",
           n_rows, build_s, n_lookups, misses);
  g_print ("  p50 %.1f us, p99 %.1f us (target < 1000 us), max %.1f us\n\n",
           lat[n_lookups / 2], lat[n_lookups * 99 / 100], lat[n_lookups - 1]);
  g_clear_object (&store);
  remove_db (path);
}

/* --- 3. import --- */

static void
bench_import (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "import.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(GString) csv = g_string_new ("Badge,Name,Company,Email,Phone,Category\n");
  const guint n_rows = 200000;
  FoyerImportResult result;
  double start, first, second;

  g_assert_no_error (error);
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (csv, "EXPO-P-%07u,访客 %u,\"Company %u, Ltd.\",p%u@example.com,"
                            "138%08u,%s\n", i, i, i % 5000, i, i,
                            i % 7 == 0 ? "媒体" : "trade_visitor");

  start = now_s ();
  if (!foyer_import_data (store, FOYER_IMPORT_CSV, csv->str, csv->len, EVENT, NULL, "CN", NULL,
                          NULL, &result, &error))
    g_error ("%s", error->message);
  first = now_s () - start;
  g_assert_cmpuint (result.n_inserted, ==, n_rows);
  foyer_import_result_clear (&result);

  start = now_s ();
  if (!foyer_import_data (store, FOYER_IMPORT_CSV, csv->str, csv->len, EVENT, NULL, "CN", NULL,
                          NULL, &result, &error))
    g_error ("%s", error->message);
  second = now_s () - start;
  g_assert_cmpuint (result.n_updated, ==, n_rows);
  foyer_import_result_clear (&result);

  g_print ("import of %u pre-registrations (%.1f MB CSV): %.2f s new, %.2f s as updates "
           "(target < 10 s)\n\n", n_rows, csv->len / 1e6, first, second);
  g_clear_object (&store);
  remove_db (path);
}

/* --- 4. outbox drain --- */

static void
bench_outbox_drain (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "drain.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  const guint n_rows = 100000;
  const guint batch = 200;
  sqlite3 *db;
  guint drained = 0;
  double start, take_s = 0, done_s = 0;

  create_schema (path);
  check (sqlite3_open (path, &db), db);
  check (sqlite3_exec (db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL), db);
  for (guint i = 0; i < n_rows; i++) {
    g_autofree char *sql = g_strdup_printf (
      "INSERT INTO registrations (id, event, kiosk_id, created_at, kind, category, full_name, "
      "emails, phones, badge_code) VALUES ('00000000-0000-4000-8000-%012u', 'expo-2026', 'k', "
      "'2026-11-24T10:00:00.000Z', 'walk_in', 'trade_visitor', 'Visitor %u', "
      "'[\"v%u@example.com\"]', '[\"+86138%08u\"]', 'B-%u');"
      "INSERT INTO outbox (record_id, record_type, next_attempt_at, created_at) VALUES "
      "('00000000-0000-4000-8000-%012u', 'registration', %u, '2026-11-24T10:00:00.000Z')",
      i, i, i, i, i, i, i);
    check (sqlite3_exec (db, sql, NULL, NULL, NULL), db);
  }
  check (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), db);
  sqlite3_close (db);

  store = foyer_store_open (path, &error);
  g_assert_no_error (error);
  start = now_s ();
  for (;;) {
    g_autoptr(JsonArray) records = NULL;
    g_autoptr(GPtrArray) ids = g_ptr_array_new ();
    double t0 = now_s ();

    records = foyer_store_outbox_take (store, batch, &error);
    g_assert_no_error (error);
    take_s += now_s () - t0;
    if (json_array_get_length (records) == 0)
      break;
    for (guint i = 0; i < json_array_get_length (records); i++)
      g_ptr_array_add (ids, (char *)json_object_get_string_member (
                              json_array_get_object_element (records, i), "id"));
    g_ptr_array_add (ids, NULL);
    t0 = now_s ();
    if (!foyer_store_outbox_mark_done (store, (const char * const *)ids->pdata, &error))
      g_error ("%s", error->message);
    done_s += now_s () - t0;
    drained += ids->len - 1;
  }
  g_print ("outbox drain of %u records in batches of %u: %.0f records/s (take %.2f s, "
           "mark_done %.2f s; the sync engine's target is >= 20000/s end to end)\n\n",
           drained, batch, drained / (now_s () - start), take_s, done_s);
  g_assert_cmpuint (drained, ==, n_rows);
  g_clear_object (&store);
  remove_db (path);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  dir = bench_dir ("store");

  /* bench-store [rate] [lookup] [import] [drain]: only those parts */
#define WANT(name) (argc < 2 || g_strv_contains ((const char * const *)argv + 1, name))
  if (WANT ("rate"))
    bench_registration_rate (dir);
  if (WANT ("lookup"))
    bench_badge_lookup (dir);
  if (WANT ("import"))
    bench_import (dir);
  if (WANT ("drain"))
    bench_outbox_drain (dir);
#undef WANT
  if (g_getenv ("FOYER_BENCH_DIR") != NULL)
    g_rmdir (dir);
  return 0;
}
