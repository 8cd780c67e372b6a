/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-json.c: foyer_json_parse() builds the tree json-glib's parser builds, for the cases that
 * differ between JSON parsers (escapes, surrogates, numbers, duplicate members), and refuses
 * what is not strict JSON, too deep or cut short. tests/fuzz/fuzz-json.c does the same on
 * random input.
 */
#include "config.h"

#include <string.h>

#include "foyer-json.h"

/* json-glib's own reading of text */
static JsonNode *
glib_parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_parser_steal_root (parser);
}

static void
assert_like_json_glib (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ours = foyer_json_parse (text, -1, &error);
  g_autoptr(JsonNode) theirs = glib_parse (text);
  g_autofree char *ours_text = NULL, *theirs_text = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (ours);
  ours_text = json_to_string (ours, FALSE);
  theirs_text = json_to_string (theirs, FALSE);
  g_assert_cmpstr (ours_text, ==, theirs_text);   /* member order, int or double, -0.0 */
  g_assert_true (json_node_equal (ours, theirs));
}

static void
test_like_json_glib (void)
{
  static const char *const cases[] = {
    "{\"a\":1,\"b\":[true,false,null],\"c\":{}}",
    " \t\r\n[ 1 , \"x\" ]\n",
    "\"\\u0041\\u00e9\\u4e2d\\ud83d\\ude00\\uDBFF\\uDFFF\"",   /* BMP, surrogate pairs */
    "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"",
    "\"a\\u0000b\"",                 /* json-glib's strings end at the NUL */
    "\"raw\ttab and \x01\"",         /* raw control characters: json-glib takes them */
    "\"王小明 \xef\xb7\x90\"",        /* UTF-8, and the hub's mark U+FDD0 */
    "[0,-0,1,-1,9223372036854775807,-9223372036854775808]",
    "[9223372036854775808,18446744073709551615,18446744073709551616,-18446744073709551615]",
    "[1.0,-0.0,0.1,1e5,1E+5,1.5e-3,1e-400,-1e-400,4.9e-324,1.7976931348623157e308,12345678901234567890.5]",
    "{\"a\":1,\"a\":2,\"b\":3}",     /* the last value wins, at the first one's place */
    "{\"b\":1,\"a\":2,\"b\":{\"c\":[]}}",
    "\xef\xbb\xbf{\"bom\":true}",
    "{\"\":\"\"}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"deep\"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_like_json_glib (cases[i]);
}

static void
test_refused (void)
{
  static const char *const cases[] = {
    "", "   ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[.5]",
    "[+1]", "[-]", "[1e]", "[0x10]", "['a']", "[\"\\x\"]", "[TRUE]", "[nul]", "/* c */[1]",
    "[1] [2]", "[1]x", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"", "\"\\ud800\\ud800\"",
    "\"\\u12\"", "{\"records\":[{\"id\":\"a\"", "[\"cut", "[\"cut\\", "[1,", "{\"a\"", "{\"a\":",
    "tru", "[-1e+]",
    /* beyond a double's range: json-glib makes infinity of them, which it writes as "inf.0" */
    "[1e400]", "[-1e400]", "{\"n\":1.8e308}", "[123456789e999999999999]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = foyer_json_parse (cases[i], -1, &error);

    g_assert_null (node);
    g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID);
  }
}

typedef struct {
  const char *text;
  GString    *seen;
} Spans;

static JsonNode *
note_span (JsonNode *node, const FoyerJsonSpan *span, gpointer user_data)
{
  Spans *spans = user_data;
  g_autofree char *written = json_to_string (node, FALSE);

  g_string_append_printf (spans->seen, "%c%.*s|", span->canonical ? '=' : '~',
                          (int)span->length, spans->text + span->offset);
  if (span->canonical) {
    g_assert_cmpuint (strlen (written), ==, span->length);
    g_assert_cmpint (memcmp (written, spans->text + span->offset, span->length), ==, 0);
  }
  return node;
}

/* Each value one level deep, with whether its text is json_to_string's. */
static void
test_spans (void)
{
  static const char text[] =
    "[{\"id\":\"a\",\"n\":[1,-2,{}]},{\"id\":\"b\", \"n\":1},{\"s\":\"\\n\"},{\"d\":1.5},"
    "{\"i\":-0},{\"i\":1234567890123456789},{\"a\":1,\"a\":1},{\"c\":\"\x7f\"},\"plain\",true]";
  Spans spans = { text, g_string_new (NULL) };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = foyer_json_parse_spans (text, strlen (text), 8, 1, note_span, &spans, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_cmpstr (spans.seen->str, ==,
                   "={\"id\":\"a\",\"n\":[1,-2,{}]}|~{\"id\":\"b\", \"n\":1}|~{\"s\":\"\\n\"}|"
                   "~{\"d\":1.5}|~{\"i\":-0}|~{\"i\":1234567890123456789}|~{\"a\":1,\"a\":1}|"
                   "~{\"c\":\"\x7f\"}|=\"plain\"|=true|");
  g_string_free (spans.seen, TRUE);
}

/* Takes each value one level deep and puts its offset in the tree instead. */
static JsonNode *
replace_by_offset (JsonNode *node, const FoyerJsonSpan *span, gpointer user_data)
{
  guint *taken = user_data;

  json_node_unref (node);
  (*taken)++;
  return json_node_init_int (json_node_alloc (), (gint64)span->offset);
}

/* What the function returns is what the tree holds, in the value's place. */
static void
test_spans_replaced (void)
{
  static const char text[] = "{\"a\":[{\"x\":[1]},2],\"b\":{\"c\":\"d\"},\"e\":3}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *written = NULL;
  guint taken = 0;

  root = foyer_json_parse_spans (text, strlen (text), 8, 2, replace_by_offset, &taken, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (taken, ==, 3);
  written = foyer_json_to_string (root);
  g_assert_cmpstr (written, ==, "{\"a\":[6,16],\"b\":{\"c\":28},\"e\":3}");
}

static void
test_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (int i = 0; i < 100000; i++)   /* would exhaust a recursive parser's stack */
    g_string_append (deep, "{\"a\":[");
  g_assert_null (foyer_json_parse (deep->str, deep->len, &error));
  g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* the cap of the span parser is its caller's */
  node = foyer_json_parse_spans ("[[1]]", 5, 2, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&node, json_node_unref);
  g_assert_null (foyer_json_parse_spans ("[[[1]]]", 7, 2, 0, NULL, NULL, &error));
  g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_TOO_DEEP);
}

/* The parser never reads past the length it is given, NUL or not. */
static void
test_length_respected (void)
{
  static const char *const texts[] = { "[1,2]", "\"abc\"", "{\"a\":true}", "-12.5e3", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++) {
    gsize len = strlen (texts[i]);

    for (gsize cut = 0; cut < len; cut++) {
      g_autofree char *copy = g_memdup2 (texts[i], cut);   /* no NUL after it: ASan sees */
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = foyer_json_parse_spans (copy, cut, 8, 0, NULL, NULL, &error);

      /* "-12.5e3" cut to "-12.5" and "-12" is still a number */
      if (node == NULL)
        g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID);
    }
  }
}

/* foyer_json_to_string writes what json_to_string writes, except the doubles json-glib 1.6
 * writes as text no parser reads ("1e+22.0"). */
static void
test_write (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "[1e22,1E-300,5e-324,1e0,2.5,-0.0,100.0,1.5e300]",
      "[1e+22,1e-300,4.9406564584124654e-324,1.0,2.5,-0.0,100.0,1.5000000000000001e+300]" },
    { "{\"b\":[true,false,null],\"a\":{\"x\":-9223372036854775808},\"s\":\"王\\n\\u0001\"}",
      NULL },
    { "[]", NULL }, { "{}", NULL }, { "\"\"", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = foyer_json_parse (cases[i].in, -1, &error);
    g_autoptr(JsonNode) back = NULL;
    g_autofree char *written = NULL;
    g_autofree char *glib_written = NULL;

    g_assert_no_error (error);
    written = foyer_json_to_string (node);
    glib_written = json_to_string (node, FALSE);
    if (cases[i].out != NULL)
      g_assert_cmpstr (written, ==, cases[i].out);
    else
      g_assert_cmpstr (written, ==, glib_written);   /* no double: json-glib's text exactly */
    back = json_from_string (written, &error);
    g_assert_no_error (error);
    g_assert_true (json_node_equal (back, node));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/json/like-json-glib", test_like_json_glib);
  g_test_add_func ("/json/refused", test_refused);
  g_test_add_func ("/json/spans", test_spans);
  g_test_add_func ("/json/spans-replaced", test_spans_replaced);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/length-respected", test_length_respected);
  g_test_add_func ("/json/write", test_write);
  return g_test_run ();
}
