/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-leads.c: what an exhibitor downloads — the XLSX read back with Debian's openpyxl
 * (typed cells, widths, a filterable frozen header), the CSV (BOM, formula-safe), the vCards.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <locale.h>

#include "foyer-hub-report-leads.h"
#include "foyer-test-util.h"

/* The system python: Debian's python3-openpyxl is installed for it, not for any other. */
#define SYSTEM_PYTHON "/usr/bin/python3"

static const char read_xlsx[] =
  "import json, sys, openpyxl\n"
  "ws = openpyxl.load_workbook(sys.argv[1]).active\n"
  "def v(c):\n"
  "    return c.value.isoformat() if hasattr(c.value, 'isoformat') else c.value\n"
  "print(json.dumps({'title': ws.title, 'filter': ws.auto_filter.ref,\n"
  "                  'freeze': ws.freeze_panes,\n"
  "                  'widths': {k: d.width for k, d in ws.column_dimensions.items()},\n"
  "                  'rows': [[v(c) for c in r] for r in ws.iter_rows()]},\n"
  "                 ensure_ascii=False))\n";

typedef struct {
  FoyerRegistration *visitors[3];
  FoyerLead         *leads[3];
  FoyerHubLeadEntry  entries[3];
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  static const char *const phones[] = { "+8613800000001", NULL };
  static const char *const emails[] = { "li.wei@example.cn", NULL };

  for (guint i = 0; i < 3; i++) {
    f->visitors[i] = foyer_registration_new ();
    f->leads[i] = foyer_lead_new ();
    f->entries[i].lead = f->leads[i];
    f->entries[i].visitor = f->visitors[i];
  }
  f->visitors[0]->full_name = g_strdup ("李伟");
  f->visitors[0]->organization = g_strdup ("上海机械有限公司");
  f->visitors[0]->title = g_strdup ("采购经理");
  f->visitors[0]->phones = g_strdupv ((char **) phones);
  f->visitors[0]->emails = g_strdupv ((char **) emails);
  f->visitors[0]->category = g_strdup ("trade_visitor");
  f->leads[0]->created_at = g_strdup ("2026-11-24T02:30:00.000Z");
  f->leads[0]->rating = g_strdup ("hot");
  f->leads[0]->follow_up = TRUE;
  f->leads[0]->notes = g_strdup ("Wants a quote; 要报价");
  f->leads[0]->answers_json = g_strdup ("{\"budget\":\"50k\",\"products\":[\"press\",\"lathe\"]}");
  /* a visitor who typed a formula into the form */
  f->visitors[1]->full_name = g_strdup ("=HYPERLINK(\"http://x\")");
  f->visitors[1]->category = g_strdup ("media");
  f->leads[1]->created_at = g_strdup ("2026-11-24T03:00:00.000Z");
  f->leads[1]->rating = g_strdup ("cold");
  f->leads[1]->notes = g_strdup ("-2+3");
  /* an erased visitor: the lead stays, without personal data */
  f->entries[2].visitor = NULL;
  f->leads[2]->created_at = g_strdup ("2026-11-24T04:00:00.000Z");
  f->leads[2]->answers_json = g_strdup ("");   /* an empty document parses with no root */
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 3; i++) {
    foyer_registration_free (f->visitors[i]);
    foyer_lead_free (f->leads[i]);
  }
}

static JsonObject *
xlsx_as_json (GBytes *xlsx)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-leads");
  g_autofree char *path = g_build_filename (dir, "leads.xlsx", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int status;
  const char *argv[] = { SYSTEM_PYTHON, "-c", read_xlsx, path, NULL };

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (xlsx, NULL),
                                      g_bytes_get_size (xlsx), NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status,
                               &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openpyxl could not read the workbook: %s", err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *
cell (JsonObject *sheet, guint row, guint column)
{
  JsonArray *cells = json_array_get_array_element (json_object_get_array_member (sheet, "rows"),
                                                   row);
  JsonNode *node = json_array_get_element (cells, column);

  return JSON_NODE_HOLDS_NULL (node) ? NULL : json_node_get_string (node);
}

static gboolean
bool_cell (JsonObject *sheet, guint row, guint column)
{
  JsonArray *cells = json_array_get_array_element (json_object_get_array_member (sheet, "rows"),
                                                   row);
  return json_array_get_boolean_element (cells, column);
}

static void
test_xlsx (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) xlsx = foyer_hub_leads_export (f->entries, 3, FOYER_HUB_LEADS_XLSX, "zh_CN",
                                                   &error);
  g_autoptr(JsonObject) sheet = NULL;
  JsonObject *widths;

  g_assert_no_error (error);
  sheet = xlsx_as_json (xlsx);
  g_assert_cmpstr (json_object_get_string_member (sheet, "title"), ==, "潜在客户");
  g_assert_cmpstr (json_object_get_string_member (sheet, "filter"), ==, "A1:L4");
  g_assert_cmpstr (json_object_get_string_member (sheet, "freeze"), ==, "A2");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sheet, "rows")), ==, 4);
  /* header, in Chinese */
  g_assert_cmpstr (cell (sheet, 0, FOYER_HUB_LEAD_COLUMN_NAME), ==, "姓名");
  g_assert_cmpstr (cell (sheet, 0, FOYER_HUB_LEAD_COLUMN_RATING), ==, "意向评级");
  /* typed cells: the time is a date, follow-up a boolean */
  /* 02:30 UTC is 10:30 on the show's clock (TZ=Asia/Shanghai, set in main) */
  g_assert_cmpstr (cell (sheet, 1, FOYER_HUB_LEAD_COLUMN_TIME), ==, "2026-11-24T10:30:00");
  g_assert_true (bool_cell (sheet, 1, FOYER_HUB_LEAD_COLUMN_FOLLOW_UP));
  g_assert_false (bool_cell (sheet, 2, FOYER_HUB_LEAD_COLUMN_FOLLOW_UP));
  g_assert_cmpstr (cell (sheet, 1, FOYER_HUB_LEAD_COLUMN_NAME), ==, "李伟");
  g_assert_cmpstr (cell (sheet, 1, FOYER_HUB_LEAD_COLUMN_COMPANY), ==, "上海机械有限公司");
  g_assert_cmpstr (cell (sheet, 1, FOYER_HUB_LEAD_COLUMN_MOBILE), ==, "+8613800000001");
  g_assert_cmpstr (cell (sheet, 1, FOYER_HUB_LEAD_COLUMN_CATEGORY), ==, "专业观众");
  g_assert_cmpstr (cell (sheet, 1, FOYER_HUB_LEAD_COLUMN_RATING), ==, "热");
  g_assert_cmpstr (cell (sheet, 1, FOYER_HUB_LEAD_COLUMN_ANSWERS), ==,
                   "budget: 50k; products: press, lathe");
  /* a formula typed by a visitor stays text */
  g_assert_cmpstr (cell (sheet, 2, FOYER_HUB_LEAD_COLUMN_NAME), ==, "=HYPERLINK(\"http://x\")");
  g_assert_null (cell (sheet, 3, FOYER_HUB_LEAD_COLUMN_NAME));
  widths = json_object_get_object_member (sheet, "widths");
  g_assert_cmpfloat (json_object_get_double_member (widths, "C"), >=, 28);
  g_assert_cmpfloat (json_object_get_double_member (widths, "J"), >=, 40);
}

static void
test_csv (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) csv = foyer_hub_leads_export (f->entries, 3, FOYER_HUB_LEADS_CSV, "en", NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (csv, NULL), g_bytes_get_size (csv));

  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBFTime,Name,Company,Title,Mobile,E-mail,"
                                         "Category,Rating,Follow-up,Answers,Notes,Badge\r\n"));
  g_assert_nonnull (strstr (text, "\r\n2026-11-24T02:30:00.000Z,李伟,上海机械有限公司,采购经理,"
                                  "'+8613800000001,li.wei@example.cn,Trade visitor,Hot,Yes,"
                                  "\"budget: 50k; products: press, lathe\","
                                  "\"Wants a quote; 要报价\",\r\n"));
  /* formula-safe (core's rule): the name, the notes and even the E.164 "+" get the apostrophe */
  g_assert_nonnull (strstr (text, ",\"'=HYPERLINK(\"\"http://x\"\")\","));
  g_assert_nonnull (strstr (text, ",'-2+3,"));
}

static void
test_vcard (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) vcf = foyer_hub_leads_export (f->entries, 3, FOYER_HUB_LEADS_VCARD, "en",
                                                  NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (vcf, NULL), g_bytes_get_size (vcf));
  g_auto(GStrv) cards = g_strsplit (text, "END:VCARD\r\n", -1);

  g_assert_cmpuint (g_strv_length (cards), ==, 4);
  g_assert_nonnull (strstr (cards[0], "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:李伟\r\n"));
  g_assert_nonnull (strstr (cards[0], "ORG:上海机械有限公司\r\n"));
  g_assert_nonnull (strstr (cards[0], "TEL;TYPE=CELL:+8613800000001\r\n"));
  g_assert_nonnull (strstr (cards[0], "NOTE:Rating: Hot\\nFollow-up: Yes\\nAnswers: budget: 50k"));
  g_assert_nonnull (strstr (cards[2], "FN:?\r\n"));
}

static void
test_formats (void)
{
  FoyerHubLeadsFormat format;

  g_assert_true (foyer_hub_leads_format_parse ("xlsx", &format));
  g_assert_cmpint (format, ==, FOYER_HUB_LEADS_XLSX);
  g_assert_true (foyer_hub_leads_format_parse ("vcf", &format));
  g_assert_cmpint (format, ==, FOYER_HUB_LEADS_VCARD);
  g_assert_false (foyer_hub_leads_format_parse ("xls", &format));
  g_assert_cmpstr (foyer_hub_leads_extension (FOYER_HUB_LEADS_CSV), ==, "csv");
}

static void
test_empty_booth (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) xlsx = foyer_hub_leads_export (NULL, 0, FOYER_HUB_LEADS_XLSX, "en", &error);
  g_autoptr(JsonObject) sheet = NULL;

  g_assert_no_error (error);
  sheet = xlsx_as_json (xlsx);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sheet, "rows")), ==, 1);
  g_assert_cmpstr (cell (sheet, 0, FOYER_HUB_LEAD_COLUMN_NOTES), ==, "Notes");
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "Asia/Shanghai", TRUE);   /* before GLib reads the local zone */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FOYER_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/hub-leads/xlsx", Fixture, NULL, fixture_set_up, test_xlsx, fixture_tear_down);
  g_test_add ("/hub-leads/csv", Fixture, NULL, fixture_set_up, test_csv, fixture_tear_down);
  g_test_add ("/hub-leads/vcard", Fixture, NULL, fixture_set_up, test_vcard, fixture_tear_down);
  g_test_add_func ("/hub-leads/formats", test_formats);
  g_test_add_func ("/hub-leads/empty-booth", test_empty_booth);
  return g_test_run ();
}
