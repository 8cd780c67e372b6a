/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-export.c: exports (CSV, vCard, JSON lines) and pre-registration imports, through the
 * library and through foyerctl. */
#include "config.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

#define EVENT "expo-2026"
#define FORMULA "=HYPERLINK(\"http://x\")"
#define FORMULA_JSON "=HYPERLINK(\\\"http://x\\\")"

static FoyerStore *
new_store (char **path_out)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("export");
  g_autofree char *path = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GError) error = NULL;
  FoyerStore *store = foyer_store_open (path, &error);

  g_assert_no_error (error);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return store;
}

static FoyerRegistration *
add_reg (FoyerStore *store, const char *event, const char *name, const char *badge)
{
  FoyerRegistration *reg = foyer_registration_new ();
  g_autoptr(GError) error = NULL;

  reg->event = g_strdup (event);
  reg->kiosk_id = g_strdup ("entrance-01");
  reg->full_name = g_strdup (name);
  reg->badge_code = g_strdup (badge);
  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);
  return reg;
}

static char *
export_to_string (FoyerStore *store, FoyerExportFormat format, FoyerExportFlags flags,
                  const char *event, const char *since, guint64 *n)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (foyer_store_export (store, format, flags, event, since, out, n, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_csv_cells (void)
{
  struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "plain", "plain" },
    { FORMULA, "\"'=HYPERLINK(\"\"http://x\"\")\"" },
    { "+8613800138000", "'+8613800138000" },
    { "-1+2", "'-1+2" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "\tx", "'\tx" },
    { "\rx", "\"'\rx\"" },
    { "a,b", "\"a,b\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "张伟", "张伟" },
    { "a=b", "a=b" },
    /* a ';'-separated locale splits cells at ';' */
    { "+8613800138000; +4969123456", "\"'+8613800138000; +4969123456\"" },
    { "a;b", "\"a;b\"" },
    /* full-width formula starts are formulas too */
    { "＝1+1", "'＝1+1" },
    { "＋86 138", "'＋86 138" },
    { "－1", "'－1" },
    { "＠SUM(A1)", "'＠SUM(A1)" },
    { "a＝b", "a＝b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GString) out = g_string_new (NULL);
    g_autofree char *back = NULL;

    foyer_csv_append_cell (out, cases[i].in);
    g_assert_cmpstr (out->str, ==, cases[i].out);
  }
  {
    g_autofree char *a = foyer_csv_unguard ("'=1");
    g_autofree char *b = foyer_csv_unguard ("'quoted");
    g_autofree char *c = foyer_csv_unguard ("'＝1");
    g_assert_cmpstr (a, ==, "=1");
    g_assert_cmpstr (b, ==, "'quoted");
    g_assert_cmpstr (c, ==, "＝1");
  }
}

static void
test_vcard_escape_and_fold (void)
{
  g_autofree char *escaped = foyer_vcard_escape ("Head of Sales; EMEA, Ltd.\\\nline2");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) unfolded = g_string_new (NULL);
  g_autoptr(GString) long_line = g_string_new ("ORG:");
  g_auto(GStrv) lines = NULL;

  g_assert_cmpstr (escaped, ==, "Head of Sales\\; EMEA\\, Ltd.\\\\\\nline2");

  /* 3-byte CJK characters after a 4-octet prefix: a naive cut at 75 would split one */
  for (int i = 0; i < 60; i++)
    g_string_append (long_line, i % 2 ? "会" : "展");
  foyer_vcard_append_line (out, long_line->str);
  g_assert_true (g_str_has_suffix (out->str, "\r\n"));
  lines = g_strsplit (out->str, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 2);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++) {
    g_assert_cmpuint (strlen (lines[i]), <=, 75);
    g_assert_true (g_utf8_validate (lines[i], -1, NULL));
    if (i > 0)
      g_assert_cmpint (lines[i][0], ==, ' ');
    g_string_append (unfolded, i > 0 ? lines[i] + 1 : lines[i]);
  }
  g_assert_cmpstr (unfolded->str, ==, long_line->str);

  /* exactly 75 octets: not folded */
  g_string_truncate (out, 0);
  {
    g_autofree char *seventy_five = g_strnfill (75, 'a');
    foyer_vcard_append_line (out, seventy_five);
    g_assert_cmpuint (out->len, ==, 77);
  }
}

static void
test_export_csv (void)
{
  g_autoptr(FoyerStore) store = new_store (NULL);
  g_autoptr(FoyerRegistration) a = add_reg (store, EVENT, FORMULA, "B-1");
  g_autoptr(FoyerRegistration) b = add_reg (store, EVENT, "张伟", "B-2");
  g_autoptr(FoyerRegistration) other = add_reg (store, "other-show", "Not Mine", "B-3");
  g_autofree char *csv = NULL;
  g_autofree char *bom = NULL;
  g_autofree char *all = NULL;
  g_autofree char *none = NULL;
  g_auto(GStrv) rows = NULL;
  guint64 n = 0;

  csv = export_to_string (store, FOYER_EXPORT_CSV, 0, EVENT, NULL, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (g_str_has_prefix (csv, "id,event,kiosk_id,created_at,kind,category,full_name,"));
  g_assert_nonnull (strstr (csv, ",\"'=HYPERLINK(\"\"http://x\"\")\","));
  g_assert_nonnull (strstr (csv, ",张伟,"));
  g_assert_null (strstr (csv, "Not Mine"));
  rows = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 4);   /* header, two rows, empty tail */
  g_assert_cmpstr (rows[3], ==, "");

  bom = export_to_string (store, FOYER_EXPORT_CSV, FOYER_EXPORT_FLAG_EXCEL_BOM, EVENT, NULL, NULL);
  g_assert_true (g_str_has_prefix (bom, "\xEF\xBB\xBF" "id,"));
  all = export_to_string (store, FOYER_EXPORT_CSV, 0, NULL, NULL, &n);
  g_assert_cmpuint (n, ==, 3);
  none = export_to_string (store, FOYER_EXPORT_CSV, 0, EVENT, "2999-01-01T00:00:00.000Z", &n);
  g_assert_cmpuint (n, ==, 0);
}

static void
bad_row_collect_cb (guint line, const char *reason, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("%u: %s", line, reason));
}

/* An export read back by the importer gives the same names: the formula guard is undone and
 * CJK survives. */
static void
test_csv_round_trip (void)
{
  g_autoptr(FoyerStore) store = new_store (NULL);
  g_autoptr(FoyerStore) target = new_store (NULL);
  g_autoptr(FoyerRegistration) a = add_reg (store, EVENT, FORMULA, "B-1");
  g_autoptr(FoyerRegistration) b = add_reg (store, EVENT, "张伟", "B-2");
  g_autoptr(FoyerRegistration) back = NULL;
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = export_to_string (store, FOYER_EXPORT_CSV, FOYER_EXPORT_FLAG_EXCEL_BOM,
                                           EVENT, NULL, NULL);
  FoyerImportResult result;

  g_assert_true (foyer_import_data (target, FOYER_IMPORT_CSV, csv, strlen (csv), EVENT, NULL, "CN",
                                    bad_row_collect_cb, bad, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bad->len, ==, 0);
  g_assert_cmpuint (result.n_inserted, ==, 2);
  foyer_import_result_clear (&result);
  back = foyer_store_find_preregistration (target, EVENT, "B-1", &error);
  g_assert_cmpstr (back->full_name, ==, FORMULA);
  g_clear_pointer (&back, foyer_registration_free);
  back = foyer_store_find_preregistration (target, EVENT, "B-2", &error);
  g_assert_cmpstr (back->full_name, ==, "张伟");
}

static void
test_export_vcard_and_jsonl (void)
{
  g_autoptr(FoyerStore) store = new_store (NULL);
  g_autoptr(FoyerRegistration) a = foyer_registration_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *vcf = NULL;
  g_autofree char *jsonl = NULL;
  g_auto(GStrv) lines = NULL;
  const char *emails[] = { "siobhan@example.ie", "sales@example.ie", NULL };
  const char *interests[] = { "Robots, arms", "AI", NULL };

  a->event = g_strdup (EVENT);
  a->kiosk_id = g_strdup ("k");
  a->full_name = g_strdup ("Siobhán O'Brien");
  a->family_name = g_strdup ("O'Brien");
  a->given_name = g_strdup ("Siobhán");
  a->organization = g_strdup ("Dublin Events, Ltd.");
  a->title = g_strdup ("Head of Sales; EMEA");
  a->emails = g_strdupv ((char **)emails);
  a->interests = g_strdupv ((char **)interests);
  a->notes = g_strdup ("Interested in halls 11,12; prefers email\nNo calls before 9 — 展会会展会展会展会展会展会展会展会展会展会展会展会展会展会");
  a->city = g_strdup ("Dublin");
  a->country = g_strdup ("IE");
  g_assert_true (foyer_store_add_registration (store, a, NULL, &error));

  vcf = export_to_string (store, FOYER_EXPORT_VCARD, 0, EVENT, NULL, NULL);
  g_assert_true (g_str_has_prefix (vcf, "BEGIN:VCARD\r\nVERSION:3.0\r\n"));
  g_assert_nonnull (strstr (vcf, "\r\nFN:Siobhán O'Brien\r\n"));
  g_assert_nonnull (strstr (vcf, "\r\nN:O'Brien;Siobhán;;;\r\n"));
  g_assert_nonnull (strstr (vcf, "\r\nORG:Dublin Events\\, Ltd.\r\n"));
  g_assert_nonnull (strstr (vcf, "\r\nTITLE:Head of Sales\\; EMEA\r\n"));
  g_assert_nonnull (strstr (vcf, "\r\nEMAIL;TYPE=INTERNET:sales@example.ie\r\n"));
  g_assert_nonnull (strstr (vcf, "\r\nCATEGORIES:Robots\\, arms,AI\r\n"));
  g_assert_nonnull (strstr (vcf, "\r\nADR;TYPE=WORK:;;;Dublin;;;IE\r\n"));
  g_assert_nonnull (strstr (vcf, "NOTE:Interested in halls 11\\,12\\; prefers email\\nNo calls"));
  g_assert_true (g_str_has_suffix (vcf, "END:VCARD\r\n"));
  lines = g_strsplit (vcf, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    g_assert_cmpuint (strlen (lines[i]), <=, 75);
    g_assert_true (g_utf8_validate (lines[i], -1, NULL));
  }

  jsonl = export_to_string (store, FOYER_EXPORT_JSONL, 0, EVENT, NULL, NULL);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(FoyerRegistration) back = NULL;

    g_assert_true (g_str_has_suffix (jsonl, "}\n"));
    g_assert_true (json_parser_load_from_data (parser, jsonl, -1, &error));
    back = foyer_registration_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (back->id, ==, a->id);
    g_assert_cmpstr (back->notes, ==, a->notes);
    g_assert_cmpstr (back->emails[1], ==, "sales@example.ie");
  }
}

static void
test_import_csv_mapping_and_bad_rows (void)
{
  g_autoptr(FoyerStore) store = new_store (NULL);
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerRegistration) r = NULL;
  FoyerImportResult result;
  const char *csv =
    "Code,Name,Company,E-Mail,Mobile,Category\r\n"        /* 1 */
    "A-1,John Smith,Acme,john@example.com,+1 415 555 0100,Trade Visitor\r\n"   /* 2 */
    ",No Badge,Acme,,,\r\n"                                 /* 3 */
    "A-3,\"Multi\nLine\",Acme,,,media\r\n"                  /* 4-5 */
    "A-4,Bad Category,Acme,,,alien\r\n"                     /* 6 */
    "A-5,Bad Mail,Acme,nope,,\r\n"                          /* 7 */
    "A-6,Too,Many,Fields,,,,\r\n"                           /* 8 */
    "\r\n"                                                  /* 9: blank, ignored */
    "A-7,王芳,深圳智能制造协会,,138 0013 8000,媒体\r\n"     /* 10 */
    "A-8,Bad Phone,X,,12345,\r\n"                           /* 11 */
    "A-9,\"Unclosed,X,,,\r\n";                              /* 12 */

  g_assert_true (foyer_import_data (store, FOYER_IMPORT_CSV, csv, strlen (csv), EVENT,
                                    "badge=Code,name=Name", "CN", bad_row_collect_cb, bad, &result,
                                    &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_inserted, ==, 3);
  g_assert_cmpuint (result.n_bad, ==, 6);
  g_assert_cmpuint (bad->len, ==, 6);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 0), "3: no badge code"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 1), "6: category “alien”"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 2), "7: “nope” is not an e-mail"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 3), "8: 8 fields, but the header row has 6"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 4), "11: phone “12345”"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 5), "12: a quoted field is not closed"));
  foyer_import_result_clear (&result);

  r = foyer_store_find_preregistration (store, EVENT, "A-1", &error);
  g_assert_cmpstr (r->full_name, ==, "John Smith");
  g_assert_cmpstr (r->organization, ==, "Acme");
  g_assert_cmpstr (r->emails[0], ==, "john@example.com");
  g_assert_cmpstr (r->phones[0], ==, "+14155550100");
  g_assert_cmpstr (r->category, ==, FOYER_CATEGORY_TRADE_VISITOR);
  g_clear_pointer (&r, foyer_registration_free);
  r = foyer_store_find_preregistration (store, EVENT, "A-3", &error);
  g_assert_cmpstr (r->full_name, ==, "Multi\nLine");
  g_clear_pointer (&r, foyer_registration_free);
  r = foyer_store_find_preregistration (store, EVENT, "A-7", &error);
  g_assert_cmpstr (r->phones[0], ==, "+8613800138000");
  g_assert_cmpstr (r->category, ==, FOYER_CATEGORY_MEDIA);
}

static void
test_import_chinese_headers_gb18030_and_update (void)
{
  g_autoptr(FoyerStore) store = new_store (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerRegistration) r = NULL;
  const char *utf8 = "胸卡号,姓,名,公司,手机,观众类别\n"
                     "C-1,李,娜,广州国际展览公司,13912345678,专业观众\n"
                     "C-2,陈,明,广州国际展览公司,020-8888 1234,贵宾\n";
  g_autofree char *gb = NULL;
  gsize gb_len = 0;
  FoyerImportResult result;

  gb = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &gb_len, &error);
  g_assert_no_error (error);
  g_assert_true (foyer_import_data (store, FOYER_IMPORT_CSV, gb, gb_len, EVENT, NULL, "CN", NULL,
                                    NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (result.encoding, ==, "GB18030");
  g_assert_cmpuint (result.n_inserted, ==, 2);
  foyer_import_result_clear (&result);
  r = foyer_store_find_preregistration (store, EVENT, "C-1", &error);
  g_assert_cmpstr (r->full_name, ==, "李娜");
  g_assert_cmpstr (r->family_name, ==, "李");
  g_assert_cmpstr (r->phones[0], ==, "+8613912345678");
  g_clear_pointer (&r, foyer_registration_free);
  r = foyer_store_find_preregistration (store, EVENT, "C-2", &error);
  g_assert_cmpstr (r->phones[0], ==, "+862088881234");
  g_assert_cmpstr (r->category, ==, FOYER_CATEGORY_VIP);
  g_clear_pointer (&r, foyer_registration_free);

  /* the list again, with one name corrected: updated, not doubled */
  {
    const char *again = "胸卡号,姓名\nC-1,李娜娜\nC-3,新人\n";
    g_assert_true (foyer_import_data (store, FOYER_IMPORT_CSV, again, strlen (again), EVENT, NULL,
                                      "CN", NULL, NULL, &result, &error));
    g_assert_cmpuint (result.n_inserted, ==, 1);
    g_assert_cmpuint (result.n_updated, ==, 1);
    foyer_import_result_clear (&result);
  }
  r = foyer_store_find_preregistration (store, EVENT, "C-1", &error);
  g_assert_cmpstr (r->full_name, ==, "李娜娜");
}

static void
test_import_errors (void)
{
  g_autoptr(FoyerStore) store = new_store (NULL);
  g_autoptr(GError) error = NULL;
  FoyerImportResult result;
  const char *csv = "Code,Name\nX-1,A\n";
  const char *no_badge = "Name,Company\nA,B\n";
  const char *all_bad = "Code,Name\n,A\n,B\n";
  const char latin1[] = "Code,Name\nX-1,M\xfc\xff\xfe\xfd\n";

  g_assert_false (foyer_import_data (store, FOYER_IMPORT_CSV, csv, strlen (csv), EVENT,
                                     "ticket=Nope", NULL, NULL, NULL, &result, &error));
  g_assert_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_MAPPING);
  g_assert_nonnull (strstr (error->message, "Code, Name"));
  foyer_import_result_clear (&result);
  g_clear_error (&error);
  g_assert_false (foyer_import_data (store, FOYER_IMPORT_CSV, csv, strlen (csv), EVENT,
                                     "colour=Code", NULL, NULL, NULL, &result, &error));
  g_assert_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_MAPPING);
  foyer_import_result_clear (&result);
  g_clear_error (&error);
  g_assert_false (foyer_import_data (store, FOYER_IMPORT_CSV, no_badge, strlen (no_badge), EVENT,
                                     NULL, NULL, NULL, NULL, &result, &error));
  g_assert_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_MAPPING);
  g_assert_nonnull (strstr (error->message, "--map badge="));
  foyer_import_result_clear (&result);
  g_clear_error (&error);
  g_assert_false (foyer_import_data (store, FOYER_IMPORT_CSV, all_bad, strlen (all_bad), EVENT,
                                     NULL, NULL, NULL, NULL, &result, &error));
  g_assert_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_NO_ROWS);
  foyer_import_result_clear (&result);
  g_clear_error (&error);
  g_assert_false (foyer_import_data (store, FOYER_IMPORT_CSV, "", 0, EVENT, NULL, NULL, NULL, NULL,
                                     &result, &error));
  g_assert_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_FORMAT);
  foyer_import_result_clear (&result);
  g_clear_error (&error);
  /* GB18030 decodes nearly anything; what it cannot is refused with a way out */
  if (!foyer_import_data (store, FOYER_IMPORT_CSV, latin1, sizeof latin1 - 1, EVENT, NULL, NULL,
                          NULL, NULL, &result, &error))
    g_assert_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_FORMAT);
  foyer_import_result_clear (&result);
}

static void
test_import_jsonl (void)
{
  g_autoptr(FoyerStore) store = new_store (NULL);
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerRegistration) r = NULL;
  FoyerImportResult result;
  const char *jsonl =
    "{\"badge_code\":\"J-1\",\"full_name\":\"王芳\",\"emails\":[\"wangfang@example.org.cn\"],"
    "\"phones\":[\"+8675588886666\"],\"category\":\"exhibitor\"}\n"
    "not json\n"
    "\n"
    "{\"full_name\":\"no badge\"}\n"
    "{\"Ticket\":\"J-5\",\"name\":\"By Map\"}\n";

  g_assert_true (foyer_import_data (store, FOYER_IMPORT_JSONL, jsonl, strlen (jsonl), EVENT, NULL,
                                    "CN", bad_row_collect_cb, bad, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_inserted, ==, 1);
  g_assert_cmpuint (bad->len, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 0), "2: not JSON"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 1), "4: no badge code"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (bad, 2), "5: no badge code"));
  foyer_import_result_clear (&result);
  r = foyer_store_find_preregistration (store, EVENT, "J-1", &error);
  g_assert_cmpstr (r->full_name, ==, "王芳");
  g_assert_cmpstr (r->category, ==, FOYER_CATEGORY_EXHIBITOR);
  g_clear_pointer (&r, foyer_registration_free);

  g_ptr_array_set_size (bad, 0);
  g_assert_true (foyer_import_data (store, FOYER_IMPORT_JSONL, jsonl, strlen (jsonl), EVENT,
                                    "badge=Ticket", "CN", bad_row_collect_cb, bad, &result, &error));
  g_assert_cmpuint (result.n_inserted, ==, 1);
  foyer_import_result_clear (&result);
  r = foyer_store_find_preregistration (store, EVENT, "J-5", &error);
  g_assert_cmpstr (r->full_name, ==, "By Map");
}

static void
test_export_leads (void)
{
  g_autofree char *path = NULL;
  g_autoptr(FoyerStore) store = new_store (&path);
  g_autoptr(FoyerRegistration) visitor = foyer_registration_new ();
  g_autoptr(FoyerLead) lead = foyer_lead_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *vcf = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  const char *emails[] = { "li.na@example.com.cn", NULL };
  guint64 n = 0;

  visitor->event = g_strdup (EVENT);
  visitor->kiosk_id = g_strdup ("booth-b12");
  visitor->kind = g_strdup (FOYER_KIND_LEAD);
  visitor->full_name = g_strdup ("李娜");
  visitor->organization = g_strdup ("广州国际展览公司");
  visitor->emails = g_strdupv ((char **)emails);
  g_assert_true (foyer_store_add_registration (store, visitor, NULL, &error));
  lead->registration_id = g_strdup (visitor->id);
  lead->event = g_strdup (EVENT);
  lead->kiosk_id = g_strdup ("booth-b12");
  lead->booth = g_strdup ("B12");
  lead->rating = g_strdup (FOYER_RATING_HOT);
  lead->notes = g_strdup ("=cmd|' /C calc'!A0");
  lead->answers_json = g_strdup ("{\"budget\":\"100k\"}");
  lead->follow_up = TRUE;
  g_assert_true (foyer_store_save_lead (store, lead, &error));
  g_assert_no_error (error);

  g_assert_true (foyer_store_export_leads (store, FOYER_EXPORT_CSV, 0, EVENT, NULL, out, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  csv = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (g_str_has_prefix (csv, "id,created_at,updated_at,event,kiosk_id,booth,staff_id,rating"));
  g_assert_nonnull (strstr (csv, ",hot,true,'=cmd|' /C calc'!A0,"));
  g_assert_nonnull (strstr (csv, ",李娜,广州国际展览公司,,li.na@example.com.cn,"));

  g_clear_object (&out);
  out = g_memory_output_stream_new_resizable ();
  g_assert_true (foyer_store_export_leads (store, FOYER_EXPORT_VCARD, 0, EVENT, NULL, out, &n, &error));
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  vcf = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_nonnull (strstr (vcf, "FN:李娜\r\n"));
  g_assert_nonnull (strstr (vcf, "X-FOYER-LEAD-RATING:hot\r\n"));

  /* and through foyerctl */
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autofree char *conf_text = g_strdup_printf ("[kiosk]\nevent=" EVENT "\n[storage]\ndatabase=%s\n",
                                                  path);
    g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", conf_text);
    g_autofree char *stdout_text = NULL;
    const char *argv[] = { "--config", conf, "export", "--leads", "--format", "jsonl", NULL };

    g_clear_object (&store);
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &stdout_text, NULL), ==, 0);
    g_assert_nonnull (strstr (stdout_text, "\"type\":\"lead\""));
    g_assert_nonnull (strstr (stdout_text, "\"visitor\":{"));
  }
}

/* --- foyerctl --- */

typedef struct {
  char *dir;
  char *conf;
  char *db;
} Ctl;

static void
ctl_init (Ctl *ctl, const char *extra)
{
  g_autofree char *contents = NULL;

  ctl->dir = foyer_test_make_tmpdir ("ctl-store");
  ctl->db = g_build_filename (ctl->dir, "var", "foyer.db", NULL);
  contents = g_strdup_printf ("[kiosk]\nid=entrance-02\nevent=" EVENT "\n"
                              "[storage]\ndatabase=%s\n%s", ctl->db, extra ? extra : "");
  ctl->conf = foyer_test_write_file (ctl->dir, "foyer.conf", contents);
}

static void
ctl_clear (Ctl *ctl)
{
  g_free (ctl->dir);
  g_free (ctl->conf);
  g_free (ctl->db);
}

static int
ctl_run (Ctl *ctl, const char *stdin_data, char **out, char **err, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  const char *arg;

  g_ptr_array_add (args, (char *)"--config");
  g_ptr_array_add (args, ctl->conf);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return foyer_test_run_foyerctl ((const char * const *)args->pdata, stdin_data,
                                  stdin_data ? strlen (stdin_data) : 0, out, err);
}

static void
test_ctl_register_stats_export (void)
{
  Ctl ctl;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *card = NULL;
  g_autofree char *id = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  ctl_init (&ctl, NULL);

  /* nothing yet: export and stats say so instead of creating an empty database */
  g_assert_cmpint (ctl_run (&ctl, NULL, NULL, &err, "stats", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no database"));
  g_clear_pointer (&err, g_free);

  {
    g_autofree char *card_path = foyer_test_data_path ("cards", "vcard30-utf8-cn.json", NULL);
    g_assert_true (g_file_get_contents (card_path, &card, NULL, NULL));
    /* the card's keys plus category and consent */
    card[strlen (card) - 2] = '\0';
    {
      g_autofree char *full = g_strconcat (card, ",\"category\":\"media\",\"consent\":{\"given\":true,"
                                           "\"version\":\"3\"}}", NULL);
      g_free (card);
      card = g_steal_pointer (&full);
    }
  }
  g_assert_cmpint (ctl_run (&ctl, card, &out, &err, "register", NULL), ==, 0);
  id = g_strstrip (g_strdup (out));
  g_assert_true (g_uuid_string_is_valid (id));

  store = foyer_store_open (ctl.db, &error);
  reg = foyer_store_get_registration (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reg->full_name, ==, "张伟");
  g_assert_cmpstr (reg->category, ==, "media");
  g_assert_cmpstr (reg->kiosk_id, ==, "entrance-02");
  g_assert_cmpstr (reg->event, ==, EVENT);
  g_assert_true (reg->consent_given);
  g_assert_cmpstr (reg->consent_version, ==, "3");
  g_assert_nonnull (reg->consent_at);
  g_clear_object (&store);

  /* a badge seen twice: the first record's id, and where and when it was taken */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, "{\"full_name\":\"" FORMULA_JSON "\",\"badge_code\":\"B-7\"}", &out,
                            NULL, "register", NULL), ==, 0);
  {
    g_autofree char *first = g_strdup (out);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (ctl_run (&ctl, "{\"full_name\":\"Other\",\"badge_code\":\"B-7\"}", &out, &err,
                              "register", NULL), ==, 0);
    g_assert_cmpstr (out, ==, first);
    g_assert_nonnull (strstr (err, "already registered"));
    g_assert_nonnull (strstr (err, "entrance-02"));
  }

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, "{\"full_name\":\"X\",\"category\":\"alien\"}", NULL, &err,
                            "register", NULL), ==, 65);
  g_assert_nonnull (strstr (err, "category"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, "{not json", NULL, &err, "register", NULL), ==, 65);
  g_clear_pointer (&err, g_free);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "stats", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Registrations: 2"));
  g_assert_nonnull (strstr (out, "media"));
  g_assert_nonnull (strstr (out, "2 pending"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "stats", "--json", NULL), ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o;
    g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
    o = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "by_kind"),
                                                 "walk_in"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "outbox"),
                                                 "pending"), ==, 2);
  }

  csv_path = g_build_filename (ctl.dir, "out.csv", NULL);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, NULL, &err, "export", "--format", "csv", "--excel",
                            "--output", csv_path, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "Exported 2 records"));
  g_assert_cmpint (g_stat (csv_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF" "id,"));
  g_assert_nonnull (strstr (csv, "\"'=HYPERLINK(\"\"http://x\"\")\""));
  g_assert_nonnull (strstr (csv, "张伟"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "export", "--format", "vcard", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "FN:张伟\r\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "export", "--format", "jsonl", "--since",
                            "2999-01-01", NULL), ==, 0);
  g_assert_true (out == NULL || *out == '\0');
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, NULL, &err, "export", "--format", "pdf", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, NULL, &err, "export", "--since", "soon", NULL), ==, 2);

  ctl_clear (&ctl);
}

static void
test_ctl_import_and_purge (void)
{
  Ctl ctl;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *csv_path = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) r = NULL;
  g_autoptr(GError) error = NULL;

  ctl_init (&ctl, "retain-days=0\n");
  csv_path = foyer_test_write_file (ctl.dir, "attendees.csv",
                                    "Ticket,Full Name,Org\nT-1,Ann,A\n,Nobody,B\nT-3,Cy,C\n");
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, &err, "import", "--map", "badge=Ticket,name=Full Name",
                            csv_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 2 attendees"));
  g_assert_nonnull (strstr (err, "attendees.csv:3: skipped: no badge code"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, &err, "import", "--map", "badge=Ticket,name=Full Name",
                            csv_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "0 new, 2 updated"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, NULL, &err, "import", "--map", "badge=Nope", csv_path,
                            NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Nope"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, NULL, &err, "import", NULL), ==, 2);

  store = foyer_store_open (ctl.db, &error);
  r = foyer_store_find_preregistration (store, EVENT, "T-3", &error);
  g_assert_cmpstr (r->full_name, ==, "Cy");
  g_assert_cmpstr (r->organization, ==, "C");
  g_clear_object (&store);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "purge", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Retention is off"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "purge", "--days", "7", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Purged the personal data of 0 records older than 7 days"));
  ctl_clear (&ctl);
}

/* purge and stats show the records that retention keeps because head office has not
 * acknowledged them yet (issue 14, item 11). */
static void
test_ctl_purge_keeps_undelivered (void)
{
  Ctl ctl;
  g_autofree char *out = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  ctl_init (&ctl, "retain-days=7\n");
  store = foyer_store_open (ctl.db, &error);
  g_assert_no_error (error);
  reg = add_reg (store, EVENT, "Ophelia Pendingworth", "B-1");
  g_clear_object (&store);
  g_assert_cmpint (sqlite3_open (ctl.db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE registrations SET created_at = '2026-01-01T10:00:00.000Z';"
                                 "UPDATE outbox SET created_at = '2026-01-01T10:00:00.000Z';",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "purge", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Purged the personal data of 0 records older than 7 days"));
  g_assert_nonnull (strstr (out, "Kept 1 record older than 7 days that head office has not "
                                 "acknowledged"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "stats", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "not yet delivered, kept: 1"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, &out, NULL, "stats", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"undelivered_kept\" : 1"));

  store = foyer_store_open (ctl.db, &error);
  g_clear_pointer (&reg, foyer_registration_free);
  reg = foyer_store_find_by_badge (store, EVENT, "B-1", &error);
  g_assert_nonnull (reg);
  g_assert_cmpstr (reg->full_name, ==, "Ophelia Pendingworth");
  ctl_clear (&ctl);
}

/* A file size limit makes the export fail part-way, as a full USB stick would. */
static void
limit_file_size_cb (gpointer user_data)
{
  /* above the -shm file SQLite creates (32 KiB), below the export */
  struct rlimit limit = { 64 * 1024, 64 * 1024 };

  signal (SIGXFSZ, SIG_IGN);     /* write() then fails with EFBIG instead of killing */
  setrlimit (RLIMIT_FSIZE, &limit);
}

static int
ctl_run_limited (Ctl *ctl, char **err, const char *output)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_child_setup (launcher, limit_file_size_cb, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("FOYERCTL"), "--config",
                                      ctl->conf, "export", "--output", output, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, err, &error));
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_signaled (proc));
  return g_subprocess_get_exit_status (proc);
}

/* A number kept as written (no country code, no region explains it) and an extension survive
 * the store, the wire form and every export, marked as unverified (issue 14, items 17 and 18). */
static void
test_export_unverified_and_extension (void)
{
  g_autoptr(FoyerStore) store = new_store (NULL);
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
  g_autoptr(FoyerRegistration) back = NULL;
  g_autoptr(FoyerRegistration) wire_back = NULL;
  g_autoptr(FoyerRegistration) bad = NULL;
  g_autoptr(JsonObject) wire = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *vcard = NULL;
  g_autofree char *jsonl = NULL;
  const char *phones[] = { "+14186569254;ext=102", "06 12 34 56 78", NULL };
  const char *unverified[] = { "06 12 34 56 78", NULL };

  reg->event = g_strdup (EVENT);
  reg->kiosk_id = g_strdup ("entrance-01");
  reg->full_name = g_strdup ("Camille Martin");
  reg->phones = g_strdupv ((char **) phones);
  reg->phones_unverified = g_strdupv ((char **) unverified);
  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);

  back = foyer_store_get_registration (store, reg->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (back->phones, phones);
  g_assert_cmpstrv (back->phones_unverified, unverified);

  wire = foyer_registration_to_json (back);
  wire_back = foyer_registration_from_json (wire, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (wire_back->phones_unverified, unverified);

  csv = export_to_string (store, FOYER_EXPORT_CSV, 0, EVENT, NULL, NULL);
  g_assert_nonnull (strstr (csv, ",phones_unverified\r\n"));
  g_assert_nonnull (strstr (csv, "\"'+14186569254;ext=102; 06 12 34 56 78\""));
  g_assert_true (g_str_has_suffix (csv, ",06 12 34 56 78\r\n"));
  vcard = export_to_string (store, FOYER_EXPORT_VCARD, 0, EVENT, NULL, NULL);
  g_assert_nonnull (strstr (vcard, "\r\nTEL:+14186569254\\;ext=102\r\n"));
  g_assert_nonnull (strstr (vcard, "\r\nTEL;TYPE=X-UNVERIFIED:06 12 34 56 78\r\n"));
  jsonl = export_to_string (store, FOYER_EXPORT_JSONL, 0, EVENT, NULL, NULL);
  g_assert_nonnull (strstr (jsonl, "\"phones_unverified\":[\"06 12 34 56 78\"]"));

  /* a number as written must be flagged: otherwise it is not a stored phone */
  bad = foyer_registration_copy (reg);
  g_clear_pointer (&bad->id, g_free);
  g_clear_pointer (&bad->phones_unverified, g_strfreev);
  g_assert_false (foyer_store_add_registration (store, bad, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "06 12 34 56 78"));
}

/* --output writes OUTPUT.part and renames it: an old loose file ends private, a failed export
 * leaves the old file as it was and no partial file, a stale .part is never written through. */
static void
test_ctl_export_atomic (void)
{
  Ctl ctl;
  g_autofree char *err = NULL;
  g_autofree char *path = NULL;
  g_autofree char *part = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *first = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  ctl_init (&ctl, NULL);
  store = foyer_store_open (ctl.db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 600; i++) {
    g_autofree char *badge = g_strdup_printf ("B-%u", i);
    g_autoptr(FoyerRegistration) reg = add_reg (store, EVENT, "Visitor With A Rather Long Name "
                                                "From A Company With An Even Longer Name", badge);
  }
  g_clear_object (&store);

  path = g_build_filename (ctl.dir, "out.csv", NULL);
  part = g_strconcat (path, ".part", NULL);
  g_assert_true (g_file_set_contents (path, "old export\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  g_assert_cmpint (ctl_run (&ctl, NULL, NULL, &err, "export", "--output", path, NULL), ==, 0);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &first, NULL, NULL));
  g_assert_nonnull (strstr (first, "B-599"));
  g_assert_cmpuint (strlen (first), >, 64 * 1024);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  /* over 64 KiB: the write fails part-way */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run_limited (&ctl, &err, path), !=, 0);
  g_test_message ("failed export said: %s", err);
  g_assert_nonnull (strstr (err, "foyerctl export"));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, first);

  /* a leftover .part (or a planted symlink) is refused, not overwritten */
  g_assert_true (g_file_set_contents (part, "someone else's", -1, NULL));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl_run (&ctl, NULL, NULL, &err, "export", "--output", path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, ".part"));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (part, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "someone else's");
  ctl_clear (&ctl);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/export/csv-cells", test_csv_cells);
  g_test_add_func ("/export/vcard-escape-and-fold", test_vcard_escape_and_fold);
  g_test_add_func ("/export/csv", test_export_csv);
  g_test_add_func ("/export/csv-round-trip", test_csv_round_trip);
  g_test_add_func ("/export/vcard-and-jsonl", test_export_vcard_and_jsonl);
  g_test_add_func ("/export/leads", test_export_leads);
  g_test_add_func ("/export/unverified-and-extension", test_export_unverified_and_extension);
  g_test_add_func ("/import/csv-mapping-and-bad-rows", test_import_csv_mapping_and_bad_rows);
  g_test_add_func ("/import/chinese-headers-gb18030-update", test_import_chinese_headers_gb18030_and_update);
  g_test_add_func ("/import/errors", test_import_errors);
  g_test_add_func ("/import/jsonl", test_import_jsonl);
  g_test_add_func ("/foyerctl/register-stats-export", test_ctl_register_stats_export);
  g_test_add_func ("/foyerctl/import-and-purge", test_ctl_import_and_purge);
  g_test_add_func ("/foyerctl/export-atomic", test_ctl_export_atomic);
  g_test_add_func ("/foyerctl/purge-keeps-undelivered", test_ctl_purge_keeps_undelivered);

  return g_test_run ();
}
