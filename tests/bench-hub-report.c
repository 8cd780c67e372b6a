/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-hub-report.c: the post-show report for 200,000 visitors (target < 10 s for the whole
 * report: figures, PDF, HTML and CSV), against a previous edition of 200,000 with a 30% overlap.
 * The rows are read from a real hub database (SQLite, filled through the storage's ingest as
 * kiosks would) by foyer_hub_report_model_load(), as `foyer-hub report` does.
 * Anchor, in the same run: bare SQLite (in memory) loading the same rows and answering the core
 * figures with GROUP BY and a join on the mobile number — what a plain SQL report would cost.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <sqlite3.h>
#include <time.h>

#include "foyer-hub-report.h"
#include "foyer-hub-report-storage.h"
#include "foyer-test-util.h"

#define N_VISITORS 200000
#define N_LEADS     20000
#define DAY0        1795482600   /* 2026-11-24 09:10 Shanghai */

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *const categories[] = { "trade_visitor", "trade_visitor", "trade_visitor",
                                           "public", "public", "media", "vip", "exhibitor" };
static const char *const interest_names[] = { "machinery", "packaging", "robotics", "logistics",
                                              "printing", "food", "textiles", "energy" };

/* Visitor i of an edition: the previous edition's 60,000..199,999 and this one's 0..59,999 share
 * mobile numbers (30% overlap); every 20th of this edition registers twice. */
static void
fill_row (FoyerHubVisitorRow *row, char *id, char *mobile, const char **interests, guint i,
          gboolean previous, gint64 day0)
{
  guint person = previous ? i + 140000 : i;

  g_snprintf (id, 32, "%s-%u", previous ? "p" : "c", i);
  g_snprintf (mobile, 32, "139%08u", person);
  interests[0] = interest_names[i % G_N_ELEMENTS (interest_names)];
  interests[1] = NULL;
  *row = (FoyerHubVisitorRow) {
    id, categories[i % G_N_ELEMENTS (categories)], day0 + (i % 3) * 86400 + (i % 32400),
    i % 2 ? "Gate A" : "Gate B", i % 3 ? "Hall 1" : "Hall 2", interests, mobile, NULL,
    i % 5 != 0, i % 2 == 0, i % 4 == 0,
  };
}

static gboolean
count_row (const char *const *columns, guint n, gpointer data)
{
  (*(guint *) data)++;
  return TRUE;
}

/* The wire form of a visitor row, as a kiosk uploads it. */
static char *
visitor_body (const FoyerHubVisitorRow *row, const char *event)
{
  g_autoptr(GDateTime) seen = g_date_time_new_from_unix_utc (row->seen_at);
  g_autofree char *at = g_date_time_format (seen, "%Y-%m-%dT%H:%M:%S.000Z");

  return g_strdup_printf ("{\"id\":\"%s\",\"type\":\"registration\",\"created_at\":\"%s\","
                          "\"event\":\"%s\",\"kiosk_id\":\"k\",\"kind\":\"walk_in\","
                          "\"category\":\"%s\",\"full_name\":\"V %s\",\"phones\":[\"+86%s\"],"
                          "\"interests\":[\"%s\"],\"source\":\"manual\",\"consent_given\":%s%s%s,"
                          "\"area\":\"%s\"}",
                          row->registration_id, at, event, row->category, row->registration_id,
                          row->mobile, row->interests[0], row->consent ? "true" : "false",
                          row->has_company ? ",\"organization\":\"Acme\"" : "",
                          row->has_title ? ",\"title\":\"Buyer\"" : "", row->area);
}

static void
flush (FoyerHubStorage *storage, const char *event, const char *gate, GPtrArray *items)
{
  g_autoptr(GError) error = NULL;

  if (items->len == 0)
    return;
  g_assert_true (foyer_hub_storage_ingest (storage, event, gate, "2026-11-24T09:00:00.000Z",
                                           items, FALSE, NULL, NULL, NULL, NULL,
                                           &error));
  g_assert_no_error (error);
  g_ptr_array_set_size (items, 0);
}

static void
add_item (GPtrArray *items, const char *id, const char *type, const char *booth, char *body)
{
  FoyerHubItem *item = g_new0 (FoyerHubItem, 1);

  item->id = g_strdup (id);
  item->type = g_strdup (type);
  item->booth = g_strdup (booth);
  item->body = body;
  item->status = FOYER_HUB_ITEM_PENDING;
  g_ptr_array_add (items, item);
}

/* One edition into the hub database through ingest, one gate's batches at a time. */
static void
edition (FoyerHubStorage *storage, gboolean previous)
{
  const char *event = previous ? "expo-2025" : "expo-2026";
  g_autoptr(FoyerHubEvent) info = g_new0 (FoyerHubEvent, 1);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (
      (GDestroyNotify) foyer_hub_item_free);

  info->id = g_strdup (event);
  g_assert_true (foyer_hub_storage_event_add (storage, info, NULL, NULL));
  for (guint gate = 0; gate < 2; gate++) {
    for (guint i = gate; i < N_VISITORS; i += 2) {
      FoyerHubVisitorRow row;
      char id[32], mobile[32];
      const char *interests[2];
      fill_row (&row, id, mobile, interests, i, previous, previous ? DAY0 - 365 * 86400 : DAY0);
      add_item (items, id, "registration", NULL, visitor_body (&row, event));
      if (!previous && i % 20 == 0) {
        g_snprintf (id, sizeof id, "c-dup-%u", i);
        add_item (items, id, "registration", NULL, visitor_body (&row, event));
      }
      if (items->len >= 2000)
        flush (storage, event, row.gate, items);
    }
    flush (storage, event, gate ? "Gate A" : "Gate B", items);
  }
  for (guint i = 0; !previous && i < N_LEADS; i++) {
    char id[32], booth[16];
    g_snprintf (id, sizeof id, "lead-%u", i);
    g_snprintf (booth, sizeof booth, "B%03u", i % 300);
    add_item (items, id, "lead", booth, g_strdup_printf (
        "{\"id\":\"%s\",\"type\":\"lead\",\"booth\":\"%s\",\"rating\":%s,\"follow_up\":%s}",
        id, booth, i % 4 == 3 ? "null" : (const char *[]) { "\"hot\"", "\"warm\"", "\"cold\"" }[i % 3],
        i % 2 == 0 ? "true" : "false"));
    if (items->len >= 2000)
      flush (storage, event, "booth", items);
  }
  flush (storage, event, "booth", items);
}

static void
exec (sqlite3 *db, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
load_sqlite (sqlite3 *db, gboolean previous)
{
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO v VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < N_VISITORS; i++) {
    FoyerHubVisitorRow row;
    char id[32], mobile[32];
    const char *interests[2];
    fill_row (&row, id, mobile, interests, i, previous, previous ? DAY0 - 365 * 86400 : DAY0);
    sqlite3_bind_int (stmt, 1, previous);
    sqlite3_bind_text (stmt, 2, row.registration_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, row.category, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 4, row.seen_at);
    sqlite3_bind_text (stmt, 5, row.gate, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 6, mobile, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 7, interests[0], -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_reset (stmt);
  }
  sqlite3_finalize (stmt);
}

static double
bare_sqlite (void)
{
  sqlite3 *db;
  double start = now_s ();

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  exec (db, "CREATE TABLE v (prev INT, id TEXT, category TEXT, seen_at INT, gate TEXT, "
            "mobile TEXT, interest TEXT); BEGIN");
  load_sqlite (db, FALSE);
  load_sqlite (db, TRUE);
  exec (db, "COMMIT; CREATE INDEX v_mobile ON v (prev, mobile)");
  exec (db, "SELECT category, COUNT(DISTINCT mobile) FROM v WHERE prev = 0 GROUP BY category");
  exec (db, "SELECT (seen_at + 28800) / 86400, COUNT(DISTINCT mobile) FROM v WHERE prev = 0 "
            "GROUP BY 1");
  exec (db, "SELECT ((seen_at + 28800) % 86400) / 3600, COUNT(*) FROM v WHERE prev = 0 GROUP BY 1");
  exec (db, "SELECT gate, COUNT(*) FROM v WHERE prev = 0 GROUP BY gate");
  exec (db, "SELECT interest, COUNT(DISTINCT mobile) FROM v WHERE prev = 0 GROUP BY interest");
  exec (db, "SELECT p.category, COUNT(DISTINCT p.mobile), COUNT(DISTINCT c.mobile) FROM v p "
            "LEFT JOIN v c ON c.prev = 0 AND c.mobile = p.mobile WHERE p.prev = 1 "
            "GROUP BY p.category");
  sqlite3_close (db);
  return now_s () - start;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(FoyerHubStorage) storage = NULL;
  g_autoptr(FoyerHubReportModel) before = NULL;
  g_autoptr(FoyerHubReportModel) now = NULL;
  g_autoptr(FoyerHubReport) report = NULL;
  const char *formats[] = { "pdf", "html", "csv" };
  double t0, t_fill, t_read, t_models, t_figures, t_files = 0, anchor;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FOYER_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  dir = foyer_test_make_tmpdir ("bench-hub-report");

  db = g_build_filename (dir, "hub.db", NULL);
  storage = foyer_hub_storage_open (db, 2, NULL);
  g_assert_nonnull (storage);
  t0 = now_s ();
  edition (storage, TRUE);
  edition (storage, FALSE);
  t_fill = now_s () - t0;
  t0 = now_s ();
  {
    const char *event = "expo-2026";
    guint rows = 0;
    g_assert_true (foyer_hub_storage_web_foreach (storage, FOYER_HUB_WEB_REPORT_ARRIVALS, &event,
                                                  1, count_row, &rows, NULL));
    t_read = now_s () - t0;
  }
  t0 = now_s ();
  g_assert_true (foyer_hub_report_models_load (storage, "expo-2026", "expo-2025", "Asia/Shanghai",
                                               &now, &before, NULL));
  t_models = now_s () - t0;
  t0 = now_s ();
  report = foyer_hub_report_new (now, before, "zh_CN");
  t_figures = now_s () - t0;
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_autofree char *name = g_strconcat ("report.", formats[i], NULL);
    g_autofree char *path = g_build_filename (dir, name, NULL);
    g_autoptr(GError) error = NULL;
    FoyerHubReportFormat format;
    double t = now_s ();
    g_assert_true (foyer_hub_report_format_parse (formats[i], &format));
    g_assert_true (foyer_hub_report_write (report, format, path, &error));
    g_assert_no_error (error);
    t_files += now_s () - t;
    g_print ("  %-4s written in %6.3f s\n", formats[i], now_s () - t);
  }
  anchor = bare_sqlite ();
  g_print ("post-show report, %d visitors (+%d previous edition, %d leads):\n", N_VISITORS,
           N_VISITORS, N_LEADS);
  g_print ("  (hub database filled through ingest, not part of the report: %.1f s)\n", t_fill);
  g_print ("  both editions read from the hub database (SQLite)  %6.3f s\n", t_models);
  g_print ("    (of which the database's part, one edition, no model: %.3f s)\n", t_read);
  g_print ("  figures (people, matching, retention)     %6.3f s\n", t_figures);
  g_print ("  PDF + HTML + CSV                          %6.3f s\n", t_files);
  g_print ("  total                                     %6.3f s   (target < 10 s)\n",
           t_models + t_figures + t_files);
  g_print ("  anchor: bare SQLite, same rows loaded + core GROUP BYs and the retention join "
           "%6.3f s\n", anchor);
  return 0;
}
