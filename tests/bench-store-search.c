/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-store-search.c: the staff search at 200,000 pre-registrations.
 *
 * 1. Importing them through FoyerStore, which writes each row's search text with it, next to
 *    bare SQLite inserting the same rows into a table of the same columns, in batches of the
 *    same size (what the store and its search text cost an import or a pull).
 * 2. Search latency (p50/p99/max) over Chinese names by 2 characters, Latin names without
 *    accents, companies and phone tails, next to the bare SQLite substring scan (LIKE '%q%' on
 *    names, companies and phones), in the same run on the same file.
 * FOYER_BENCH_DIR picks the folder (default: a temporary one); FOYER_BENCH_ROWS the row count.
 */
#include "config.h"

#include <time.h>
#include <sqlite3.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

#define EVENT       "expo-2026"
#define BATCH       5000
#define N_QUERIES   2000
#define N_SCANS     40

static const char * const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                         "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗" };
static const char * const given[] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                      "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
                                      "刚", "桂", "英", "华", "小", "晓", "文", "志", "建", "国" };
static const char * const latin_first[] = { "Jürgen", "François", "Anna", "José", "Zoë", "Søren",
                                            "Émilie", "Łukasz", "Maria", "John", "Chloé", "Björn" };
static const char * const latin_last[] = { "Müller", "Lefèvre", "García", "Nowak", "Dubois",
                                           "Schröder", "Østergaard", "Smith", "Rossi", "Novák",
                                           "Pérez", "Andersson", "Kowalski", "Fischer" };
static const char * const company_words[] = { "深圳", "智能", "传感", "北京", "华光", "上海",
                                               "电子", "科技", "精密", "机械", "广州", "新能源" };
static const char * const latin_companies[] = { "Bäckerei", "Société", "Maschinenbau", "Global",
                                                "Precision", "Logistics", "Électronique" };

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define PICK(rand, array) (array[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static FoyerRegistration *
make_attendee (GRand *rand,
               guint  i)
{
  FoyerRegistration *reg = foyer_registration_new ();

  reg->event = g_strdup (EVENT);
  reg->badge_code = g_strdup_printf ("FY%07u", i);
  if (g_rand_boolean (rand)) {
    reg->full_name = g_strconcat (PICK (rand, surnames), PICK (rand, given),
                                  g_rand_boolean (rand) ? PICK (rand, given) : "", NULL);
    reg->organization = g_strconcat (PICK (rand, company_words), PICK (rand, company_words),
                                     PICK (rand, company_words), "有限公司", NULL);
  } else {
    reg->full_name = g_strdup_printf ("%s %s", PICK (rand, latin_first), PICK (rand, latin_last));
    reg->organization = g_strdup_printf ("%s %s %u", PICK (rand, latin_companies),
                                         PICK (rand, latin_last), i % 97);
  }
  reg->phones = g_new0 (char *, 2);
  reg->phones[0] = g_strdup_printf ("+86 13%u %04u %04u", g_rand_int_range (rand, 0, 10),
                                    g_rand_int_range (rand, 0, 10000),
                                    g_rand_int_range (rand, 0, 10000));
  return reg;
}

static double
import_all (FoyerStore *store,
            guint       rows)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  double start = now_s ();

  for (guint done = 0; done < rows; done += BATCH) {
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
    g_autoptr(GError) error = NULL;

    for (guint i = done; i < MIN (rows, done + BATCH); i++)
      g_ptr_array_add (batch, make_attendee (rand, i));
    g_assert_true (foyer_store_import_preregistrations (store, batch, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  return now_s () - start;
}

static FoyerStore *
open_store (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  FoyerStore *store = foyer_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

/* The anchor: the same rows by bare SQLite, same journal and sync settings, same batches. */
static double
import_bare (const char *dir,
             guint       rows)
{
  g_autofree char *path = g_build_filename (dir, "bare.db", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  sqlite3 *db;
  sqlite3_stmt *stmt;
  double start;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                 "CREATE TABLE p (event TEXT, badge_code TEXT, full_name TEXT,"
                                 " organization TEXT, phones TEXT, imported_at TEXT,"
                                 " PRIMARY KEY (event, badge_code)) WITHOUT ROWID", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO p VALUES (?1, ?2, ?3, ?4, ?5, "
                                       "'2026-12-05T00:00:00.000Z')", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  start = now_s ();
  for (guint done = 0; done < rows; done += BATCH) {
    sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (guint i = done; i < MIN (rows, done + BATCH); i++) {
      g_autoptr(FoyerRegistration) reg = make_attendee (rand, i);
      g_autofree char *phones = g_strdup_printf ("[\"%s\"]", reg->phones[0]);

      sqlite3_bind_text (stmt, 1, reg->event, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, reg->badge_code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, reg->full_name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, reg->organization, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, phones, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
    g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return now_s () - start;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* What staff type: a surname and a given name, a Latin surname without its accents, a company
 * word, a phone's last 4 digits. */
static char *
make_query (GRand *rand,
            guint  i)
{
  switch (i % 4) {
  case 0:
    return g_strconcat (PICK (rand, surnames), PICK (rand, given), NULL);
  case 1:
    return foyer_store_search_fold (PICK (rand, latin_last));
  case 2:
    return g_strdup (PICK (rand, company_words));
  default:
    return g_strdup_printf ("%04u", g_rand_int_range (rand, 0, 10000));
  }
}

static void
bench_search (FoyerStore *store)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  guint total_hits = 0;

  for (guint i = 0; i < N_QUERIES; i++) {
    g_autofree char *query = make_query (rand, i);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) hits = NULL;
    double start = now_s (), ms;

    hits = foyer_store_search_preregistrations (store, EVENT, query, NULL, &error);
    ms = (now_s () - start) * 1000.0;
    g_assert_no_error (error);
    total_hits += hits->len;
    g_array_append_val (times, ms);
  }
  g_array_sort (times, cmp_double);
  g_print ("search (Foyer, search_text): p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%u queries, "
           "%.1f hits each)\n",
           g_array_index (times, double, times->len / 2),
           g_array_index (times, double, times->len * 99 / 100),
           g_array_index (times, double, times->len - 1), N_QUERIES,
           (double)total_hits / N_QUERIES);
}

/* The anchor: a bare substring scan of the same rows, the cheapest search without Foyer's text. */
static void
bench_scan (const char *path)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT badge_code FROM preregistrations WHERE "
                                       "event = ?1 AND (full_name LIKE ?2 OR organization LIKE ?2 "
                                       "OR phones LIKE ?2) LIMIT 21", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < N_SCANS; i++) {
    g_autofree char *query = make_query (rand, i);
    g_autofree char *pattern = g_strdup_printf ("%%%s%%", query);
    double start = now_s (), ms;

    sqlite3_bind_text (stmt, 1, EVENT, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      ;
    sqlite3_reset (stmt);
    ms = (now_s () - start) * 1000.0;
    g_array_append_val (times, ms);
  }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_array_sort (times, cmp_double);
  g_print ("anchor (bare SQLite LIKE):  p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%u queries)\n",
           g_array_index (times, double, times->len / 2),
           g_array_index (times, double, times->len * 99 / 100),
           g_array_index (times, double, times->len - 1), N_SCANS);
}

int
main (int argc, char **argv)
{
  const char *base = g_getenv ("FOYER_BENCH_DIR");
  const char *rows_env = g_getenv ("FOYER_BENCH_ROWS");
  guint rows = rows_env != NULL ? (guint)g_ascii_strtoull (rows_env, NULL, 10) : 200000;
  g_autofree char *dir = NULL;
  g_autoptr(FoyerStore) indexed = NULL;
  double with_index, without_index;

  g_test_init (&argc, &argv, NULL);
  if (base != NULL) {
    g_autofree char *tmpl = g_build_filename (base, "foyer-bench-search-XXXXXX", NULL);
    dir = g_mkdtemp (g_steal_pointer (&tmpl));
  } else {
    dir = foyer_test_make_tmpdir ("bench-search");
  }
  g_assert_nonnull (dir);

  without_index = import_bare (dir, rows);
  indexed = open_store (dir, "indexed.db");
  with_index = import_all (indexed, rows);

  g_print ("import of %u pre-registrations: %.2f s through FoyerStore with the search text, "
           "%.2f s bare SQLite inserts (anchor), x%.2f\n", rows, with_index, without_index,
           with_index / without_index);
  bench_search (indexed);
  bench_scan (foyer_store_get_path (indexed));
  return 0;
}
