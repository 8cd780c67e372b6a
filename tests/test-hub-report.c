/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-report.c: the post-show report on two editions with a known overlap — every figure
 * worked out by hand below, then found again in the tables, the CSV, the HTML and (through
 * poppler's pdftotext) the PDF, whose CJK font must be embedded.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "foyer-hub-report.h"
#include "foyer-hub-report-i18n.h"
#include "foyer-test-util.h"

/* Shanghai local times: 2026-11-24 09:10, 10:20, 14:30 and 2026-11-25 09:05 */
#define DAY1_0910 1795482600
#define DAY1_1020 (DAY1_0910 + 70 * 60)
#define DAY1_1430 (DAY1_0910 + 320 * 60)
#define DAY2_0905 (DAY1_0910 + 24 * 3600 - 5 * 60)

static const char *const machinery[] = { "machinery", NULL };
static const char *const packaging[] = { "packaging", NULL };

/* The previous edition: 10 people — 4 trade visitors (2 machinery, 2 packaging), 2 VIPs,
 * 1 journalist, 3 of the general public. */
static FoyerHubReportModel *
previous_edition (void)
{
  FoyerHubReportModel *model = foyer_hub_report_model_new ("expo-2025", "Asia/Shanghai");
  const FoyerHubVisitorRow rows[] = {
    { "p1", "trade_visitor", DAY1_0910 - 365 * 86400, "A", "Hall 1", machinery, "13800000001" },
    { "p2", "trade_visitor", DAY1_0910 - 365 * 86400, "A", "Hall 1", machinery, "13800000002" },
    { "p3", "trade_visitor", DAY1_0910 - 365 * 86400, "A", "Hall 1", packaging, NULL, "a3@x.com" },
    { "p4", "trade_visitor", DAY1_0910 - 365 * 86400, "A", "Hall 1", packaging, "13800000004" },
    { "p5", "vip", DAY1_0910 - 365 * 86400, "A", "Hall 1", NULL, NULL, "vip5@x.com" },
    { "p6", "vip", DAY1_0910 - 365 * 86400, "A", "Hall 1", NULL, "13800000006" },
    { "p7", "media", DAY1_0910 - 365 * 86400, "B", "Hall 2", NULL, NULL, "m7@press.cn" },
    { "p8", "public", DAY1_0910 - 365 * 86400, "B", "Hall 2", NULL, "13800000008" },
    { "p9", "public", DAY1_0910 - 365 * 86400, "B", "Hall 2", NULL, "13800000009" },
    { "p10", "public", DAY1_0910 - 365 * 86400, "B", "Hall 2", NULL, NULL, "p10@x.com" },
  };

  foyer_hub_report_model_set_name (model, "Expo 2025");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    foyer_hub_report_model_add_visitor (model, &rows[i]);
  return model;
}

/* This edition: p1 (mobile written differently, and again on day 2), p3 (e-mail in capitals),
 * p5 and p8 come back; c5 registers twice (c7, same mobile: one duplicate merged), c6 and c8
 * are new, c8 with a mobile number that is not one. 8 registrations, 9 arrivals, 7 people. */
static FoyerHubReportModel *
this_edition (void)
{
  FoyerHubReportModel *model = foyer_hub_report_model_new ("expo-2026", "Asia/Shanghai");
  const FoyerHubVisitorRow rows[] = {
    { "c1", "trade_visitor", DAY1_0910, "A", "Hall 1", machinery, "+86 138 0000 0001", NULL,
      TRUE, TRUE, TRUE, "Shanghai" },
    { "c2", "trade_visitor", DAY1_0910, "A", "Hall 1", packaging, NULL, "A3@X.COM", TRUE, TRUE,
      FALSE, "Shanghai" },
    { "c3", "vip", DAY1_0910, "A", "Hall 1", NULL, NULL, "vip5@x.com", TRUE, TRUE, FALSE,
      "Beijing" },
    { "c4", "public", DAY1_1020, "B", "Hall 2", NULL, "13800000008", NULL, TRUE },
    { "c5", "trade_visitor", DAY1_1020, "B", "Hall 2", machinery, "13900000005", NULL, TRUE },
    { "c6", "public", DAY1_1020, "B", "Hall 2", NULL, NULL, "new6@x.com", TRUE },
    { "c7", "trade_visitor", DAY1_1020, "B", "Hall 2", machinery, "139 0000 0005" },
    { "c8", "media", DAY1_1430, "A", "Hall 1", NULL, "12345" },
    { "c1", "trade_visitor", DAY2_0905, "A", "Hall 1", machinery, "+86 138 0000 0001", NULL,
      TRUE, TRUE, TRUE, "Shanghai" },
  };
  const FoyerHubLeadRow leads[] = {
    { "A1", "Acme Machinery", "hot", TRUE },
    { "A1", "Acme Machinery", "warm", TRUE },
    { "A1", "Acme Machinery", "cold", FALSE },
    { "B2", "Beta Pack", NULL, FALSE },
  };

  foyer_hub_report_model_set_name (model, "Expo 2026");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    foyer_hub_report_model_add_visitor (model, &rows[i]);
  for (guint i = 0; i < G_N_ELEMENTS (leads); i++)
    foyer_hub_report_model_add_lead (model, &leads[i]);
  return model;
}

static FoyerHubReport *
fixture_report (const char *language)
{
  g_autoptr(FoyerHubReportModel) before = previous_edition ();
  g_autoptr(FoyerHubReportModel) now = this_edition ();

  return foyer_hub_report_new (now, before, language);
}

/* The row of table whose first cell is label, as "cell|cell|…". */
static char *
row_text (FoyerHubReport *report, const char *table_id, const char *label)
{
  const FoyerHubReportTable *table = foyer_hub_report_find_table (report, table_id);

  g_assert_nonnull (table);
  for (guint r = 0; r < table->rows->len; r++) {
    char **cells = g_ptr_array_index (table->rows, r);
    if (g_strcmp0 (cells[0], label) == 0)
      return g_strjoinv ("|", cells);
  }
  return NULL;
}

#define assert_row(report, table, label, expected) \
  G_STMT_START { \
    g_autofree char *row_ = row_text ((report), (table), (label)); \
    g_assert_cmpstr (row_, ==, (expected)); \
  } G_STMT_END

static void
test_figures (void)
{
  g_autoptr(FoyerHubReport) report = fixture_report ("en");

  assert_row (report, "totals", "Visitors", "Visitors|7");
  assert_row (report, "totals", "Registrations", "Registrations|8");
  assert_row (report, "totals", "Arrivals", "Arrivals|9");
  assert_row (report, "totals", "Days", "Days|2");
  assert_row (report, "totals", "Leads", "Leads|4");
  assert_row (report, "totals", "Exhibitors with leads", "Exhibitors with leads|2");
  assert_row (report, "per-day", "2026-11-24", "2026-11-24|7|100.0%");
  assert_row (report, "per-day", "2026-11-25", "2026-11-25|1|14.3%");
  assert_row (report, "per-hour", "09:00", "09:00|4|44.4%");
  assert_row (report, "per-hour", "10:00", "10:00|4|44.4%");
  assert_row (report, "per-hour", "14:00", "14:00|1|11.1%");
  g_assert_cmpuint (foyer_hub_report_find_table (report, "per-day-hour")->rows->len, ==, 4);
  assert_row (report, "per-day-hour", "2026-11-25", "2026-11-25|09:00|1");
  /* people, by the category of their first registration: c1 c2 c5 trade, c3 VIP, c4 c6 public,
   * c8 media */
  assert_row (report, "by-category", "Trade visitor", "Trade visitor|3|42.9%");
  assert_row (report, "by-category", "General public", "General public|2|28.6%");
  assert_row (report, "by-gate", "A", "A|5|55.6%");
  assert_row (report, "by-area", "Hall 2", "Hall 2|4|44.4%");
  assert_row (report, "by-interest", "machinery", "machinery|2|28.6%");
  assert_row (report, "by-region", "Shanghai", "Shanghai|2|28.6%");
  assert_row (report, "by-region", "Beijing", "Beijing|1|14.3%");
  assert_row (report, "by-region", "Unknown", "Unknown|4|57.1%");
  assert_row (report, "new-returning", "Returning visitors", "Returning visitors|4|57.1%");
  assert_row (report, "new-returning", "New visitors", "New visitors|3|42.9%");
  /* retention of last edition's people: trade 2 of 4, VIP 1 of 2, media 0 of 1, public 1 of
   * 3, all 4 of 10 */
  assert_row (report, "retention", "Trade visitor", "Trade visitor|4|2|50.0%|50.0%");
  assert_row (report, "retention", "VIP", "VIP|2|1|50.0%|50.0%");
  assert_row (report, "retention", "Media", "Media|1|0|0.0%|100.0%");
  assert_row (report, "retention", "General public", "General public|3|1|33.3%|66.7%");
  assert_row (report, "retention", "All visitors", "All visitors|10|4|40.0%|60.0%");
  /* the valuable groups with someone missing: p2 (machinery), p4 (packaging), p6 (VIP), p7
   * (media); the public never counts */
  g_assert_cmpuint (foyer_hub_report_find_table (report, "lost-segments")->rows->len, ==, 4);
  assert_row (report, "lost-segments", "Media", "Media|No interest given|1|1|0.0%");
  g_assert_null (row_text (report, "lost-segments", "General public"));
  assert_row (report, "leads", "Acme Machinery", "Acme Machinery|A1|3|1|1|1|0|66.7%");
  assert_row (report, "leads", "Beta Pack", "Beta Pack|B2|1|0|0|0|1|0.0%");
  /* data quality over the 8 registrations */
  assert_row (report, "data-quality", "Valid mobile number", "Valid mobile number|4|50.0%");
  assert_row (report, "data-quality", "Valid e-mail address", "Valid e-mail address|3|37.5%");
  assert_row (report, "data-quality", "Consent given", "Consent given|6|75.0%");
  assert_row (report, "data-quality", "Company given", "Company given|3|37.5%");
  assert_row (report, "data-quality", "Title given", "Title given|1|12.5%");
  assert_row (report, "data-quality", "Duplicates found and merged",
              "Duplicates found and merged|1|12.5%");
}

static void
test_no_previous (void)
{
  g_autoptr(FoyerHubReportModel) now = this_edition ();
  g_autoptr(FoyerHubReport) report = foyer_hub_report_new (now, NULL, "en");

  g_assert_null (foyer_hub_report_find_table (report, "retention"));
  g_assert_null (foyer_hub_report_find_table (report, "new-returning"));
  g_assert_nonnull (foyer_hub_report_find_table (report, "data-quality"));
  g_assert_cmpstr (foyer_hub_report_get_subtitle (report), ==,
                   "No previous edition to compare with");
}

static char *
run_tool (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

static void
save_screenshots (const char *pdf, const char *name)
{
  const char *dir = g_getenv ("FOYER_SCREENSHOT_DIR");
  g_autofree char *prefix = NULL;
  g_autofree char *out = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  prefix = g_build_filename (dir, name, NULL);
  out = run_tool ((const char *const[]) { "pdftoppm", "-png", "-r", "60", pdf, prefix, NULL });
}

static void
check_pdf (const char *language, const char *const *expected)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-report");
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(FoyerHubReport) report = fixture_report (language);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *fonts = NULL;
  g_autofree char *name = g_strdup_printf ("hub-report-%s", language);
  GStatBuf st;

  g_assert_true (foyer_hub_report_write (report, FOYER_HUB_REPORT_PDF, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  text = run_tool ((const char *const[]) { "pdftotext", "-layout", path, "-", NULL });
  for (guint i = 0; expected[i] != NULL; i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("“%s” not in the %s PDF:\n%s", expected[i], language, text);
  fonts = run_tool ((const char *const[]) { "pdffonts", path, NULL });
  /* name, type, encoding, emb, sub, uni: the Noto CJK face embedded (as a subset) */
  g_assert_true (g_regex_match_simple ("NotoSansCJK\\S*\\s.*\\syes\\s+yes\\s", fonts, 0, 0));
  g_assert_null (strstr (fonts, " no  "));
  save_screenshots (path, name);
}

static void
test_pdf_en (void)
{
  check_pdf ("en", (const char *const[]) {
    "Post-show report — Expo 2026", "Compared with Expo 2025", "Retention and churn by category",
    "40.0%", "60.0%", "33.3%", "66.7%", "Duplicates found and merged", "Acme Machinery",
    "Post-show report — Expo 2026 · 1", "Post-show report — Expo 2026 · 2",
    "Trade visitor · machinery", NULL });
}

static void
test_pdf_zh (void)
{
  check_pdf ("zh_CN", (const char *const[]) {
    "展后报告", "留存率", "流失率", "专业观众", "40.0%", "60.0%", "数据质量", NULL });
}

static void
test_csv (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-report");
  g_autofree char *path = g_build_filename (dir, "report.csv", NULL);
  g_autoptr(FoyerHubReport) report = fixture_report ("en");
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  g_assert_true (foyer_hub_report_write (report, FOYER_HUB_REPORT_CSV, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBFtotals,Totals\r\nMeasure,Value\r\n"));
  g_assert_nonnull (strstr (csv, "retention,Retention and churn by category\r\n"
                                 "Category,Last edition,Came again,Retention,Churn\r\n"));
  g_assert_nonnull (strstr (csv, "All visitors,10,4,40.0%,60.0%\r\n"));
  g_assert_nonnull (strstr (csv, "Hall 2,4,44.4%\r\n"));
}

static void
test_html (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-report");
  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  g_autoptr(FoyerHubReport) report = fixture_report ("zh_CN");
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;

  g_assert_true (foyer_hub_report_write (report, FOYER_HUB_REPORT_HTML, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &html, NULL, NULL));
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
  g_assert_nonnull (strstr (html, "Chart.js v3"));            /* inlined from Debian */
  g_assert_null (strstr (html, "<script src"));               /* nothing loaded from elsewhere */
  g_assert_nonnull (strstr (html, "<td>全部观众</td><td class=\"n\">10</td><td class=\"n\">4</td>"
                                  "<td class=\"n\">40.0%</td><td class=\"n\">60.0%</td>"));
  g_assert_nonnull (strstr (html, "\"canvas\":\"chart-"));
}

/* A show with no one yet (or a wrong event id): every format still writes, all zeros. */
static void
test_empty_event (void)
{
  g_autoptr(FoyerHubReportModel) empty = foyer_hub_report_model_new ("expo-2027", NULL);
  g_autoptr(FoyerHubReportModel) before = previous_edition ();
  g_autoptr(FoyerHubReport) report = foyer_hub_report_new (empty, before, "en");
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-report");
  const FoyerHubReportFormat formats[] = { FOYER_HUB_REPORT_PDF, FOYER_HUB_REPORT_HTML,
                                           FOYER_HUB_REPORT_CSV };

  assert_row (report, "totals", "Visitors", "Visitors|0");
  assert_row (report, "retention", "All visitors", "All visitors|10|0|0.0%|100.0%");
  assert_row (report, "data-quality", "Consent given", "Consent given|0|0.0%");
  g_assert_cmpuint (foyer_hub_report_find_table (report, "per-day")->rows->len, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_autofree char *name = g_strdup_printf ("empty-%u", i);
    g_autofree char *path = g_build_filename (dir, name, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true (foyer_hub_report_write (report, formats[i], path, &error));
    g_assert_no_error (error);
  }
}

/* Names come from kiosks and booths: the HTML report shows them, never runs them. */
static void
test_html_escapes (void)
{
  g_autoptr(FoyerHubReportModel) model = foyer_hub_report_model_new ("expo-2026", NULL);
  const FoyerHubLeadRow lead = { "A1", "<script>alert(1)</script>", "hot", TRUE };
  g_autoptr(FoyerHubReport) report = NULL;
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-report");
  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  g_autofree char *html = NULL;

  foyer_hub_report_model_add_lead (model, &lead);
  report = foyer_hub_report_new (model, NULL, "en");
  g_assert_true (foyer_hub_report_write (report, FOYER_HUB_REPORT_HTML, path, NULL));
  g_assert_true (g_file_get_contents (path, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
  /* in the charts' JSON too, as \u003c */
  g_assert_nonnull (strstr (html, "\\u003cscript>alert(1)\\u003c/script>"));
  g_assert_null (strstr (html, "<script>alert(1)"));
}

static void
test_write_error (void)
{
  g_autoptr(FoyerHubReport) report = fixture_report ("en");
  g_autoptr(GError) error = NULL;

  g_assert_false (foyer_hub_report_write (report, FOYER_HUB_REPORT_PDF,
                                          "/nonexistent/dir/report.pdf", &error));
  g_assert_error (error, FOYER_HUB_REPORT_ERROR, FOYER_HUB_REPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/report.pdf"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FOYER_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hub-report/figures", test_figures);
  g_test_add_func ("/hub-report/no-previous", test_no_previous);
  g_test_add_func ("/hub-report/pdf-en", test_pdf_en);
  g_test_add_func ("/hub-report/pdf-zh", test_pdf_zh);
  g_test_add_func ("/hub-report/csv", test_csv);
  g_test_add_func ("/hub-report/html", test_html);
  g_test_add_func ("/hub-report/empty-event", test_empty_event);
  g_test_add_func ("/hub-report/html-escapes", test_html_escapes);
  g_test_add_func ("/hub-report/write-error", test_write_error);
  return g_test_run ();
}
