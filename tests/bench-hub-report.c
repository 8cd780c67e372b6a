/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-hub-report.c: the post-show report for 200,000 visitors (target < 10 s for the whole
 * report: figures, PDF, HTML and CSV), against a previous edition of 200,000 with a 30% overlap.
 * Anchor, in the same run: bare SQLite (in memory) loading the same rows and answering the core
 * figures with GROUP BY and a join on the mobile number — what a plain SQL report would cost.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <sqlite3.h>
#include <time.h>

#include "foyer-hub-report.h"
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

static FoyerHubReportModel *
edition (gboolean previous)
{
  FoyerHubReportModel *model = foyer_hub_report_model_new (previous ? "expo-2025" : "expo-2026",
                                                           "Asia/Shanghai");

  for (guint i = 0; i < N_VISITORS; i++) {
    FoyerHubVisitorRow row;
    char id[32], mobile[32];
    const char *interests[2];
    fill_row (&row, id, mobile, interests, i, previous, previous ? DAY0 - 365 * 86400 : DAY0);
    foyer_hub_report_model_add_visitor (model, &row);
    if (!previous && i % 20 == 0) {
      g_snprintf (id, sizeof id, "c-dup-%u", i);
      foyer_hub_report_model_add_visitor (model, &row);
    }
  }
  for (guint i = 0; !previous && i < N_LEADS; i++) {
    char booth[16];
    g_snprintf (booth, sizeof booth, "B%03u", i % 300);
    FoyerHubLeadRow lead = { booth, NULL, i % 4 == 3 ? NULL : (const char *[]) { "hot", "warm",
                             "cold" }[i % 3], i % 2 == 0 };
    foyer_hub_report_model_add_lead (model, &lead);
  }
  return model;
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
  g_autoptr(FoyerHubReportModel) before = NULL;
  g_autoptr(FoyerHubReportModel) now = NULL;
  g_autoptr(FoyerHubReport) report = NULL;
  const char *formats[] = { "pdf", "html", "csv" };
  double t0, t_models, t_figures, t_files = 0, anchor;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FOYER_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  dir = foyer_test_make_tmpdir ("bench-hub-report");

  t0 = now_s ();
  before = edition (TRUE);
  now = edition (FALSE);
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
  g_print ("  rows into the model (normalising phones)  %6.3f s\n", t_models);
  g_print ("  figures (people, matching, retention)     %6.3f s\n", t_figures);
  g_print ("  PDF + HTML + CSV                          %6.3f s\n", t_files);
  g_print ("  total                                     %6.3f s   (target < 10 s)\n",
           t_models + t_figures + t_files);
  g_print ("  anchor: bare SQLite, same rows loaded + core GROUP BYs and the retention join "
           "%6.3f s\n", anchor);
  return 0;
}
