/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-json.c: libFuzzer over foyer_json_parse(), the one parser of untrusted JSON (head
 * office's and Tryton's answers, import lines, `foyerctl register` input, the hub's batches),
 * differential against json-glib's own parser.
 *
 * Whatever the bytes, it returns a node or an error, never crashes, leaks, reads past the
 * text or recurses without bound, and what it accepts nests no deeper than
 * FOYER_JSON_MAX_DEPTH. Against json-glib (fed only text within the depth cap, which it would
 * otherwise overflow the stack on):
 * - what foyer_json_parse accepts, json-glib accepts, into the same tree (json_node_equal and
 *   the same json_to_string: member order, int64 or double, -0.0);
 * - what json-glib accepts, written back as JSON by json-glib, foyer_json_parse accepts into
 *   the same tree (so the strict JSON json-glib reads, ours reads alike; json-glib's own
 *   leniencies, comments or hex numbers, are left out);
 * - what foyer_json_parse accepts, foyer_json_to_string writes as JSON that json-glib reads
 *   back into the same tree, the very text json_to_string writes wherever that text reads back
 *   (json-glib writes 1e22 as "1e+22.0"; numbers beyond a double's range are refused, as
 *   json-glib would write them as "inf.0");
 * - a value whose span is canonical is exactly json_to_string of its node (the hub stores
 *   those bytes instead of serialising).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "foyer-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint
node_depth (JsonNode *node)
{
  guint deepest = 0;

  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++)
      deepest = MAX (deepest, node_depth (json_array_get_element (array, i)));
    return deepest + 1;
  }
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

    for (GList *l = members; l != NULL; l = l->next)
      deepest = MAX (deepest, node_depth (l->data));
    return deepest + 1;
  }
  return 0;
}

static void
assert_same_tree (JsonNode *a, JsonNode *b)
{
  g_autofree char *text_a = json_to_string (a, FALSE);
  g_autofree char *text_b = json_to_string (b, FALSE);

  g_assert (json_node_equal (a, b));
  g_assert_cmpstr (text_a, ==, text_b);
}

/* json-glib's tree of text, or NULL where it refuses it */
static JsonNode *
glib_parse (const char *text, gsize len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!foyer_json_depth_ok (text, (gssize)len, FOYER_JSON_MAX_DEPTH)
      || !json_parser_load_from_data (parser, text, (gssize)len, NULL))
    return NULL;
  return json_parser_steal_root (parser);
}

static JsonNode *
check_span (JsonNode *node, const FoyerJsonSpan *span, gpointer user_data)
{
  const char *data = user_data;

  if (span->canonical) {
    g_autofree char *text = json_to_string (node, FALSE);

    g_assert_cmpuint (strlen (text), ==, span->length);
    g_assert (memcmp (text, data + span->offset, span->length) == 0);
  }
  return node;
}

/* Both ways against json-glib, for text that is UTF-8. */
static void
differential (const char *text, gsize len)
{
  g_autoptr(JsonNode) ours = NULL;
  g_autoptr(JsonNode) theirs = glib_parse (text, len);

  ours = foyer_json_parse_spans (text, len, FOYER_JSON_MAX_DEPTH, 1, check_span, (gpointer)text,
                                 NULL);
  if (ours != NULL) {
    g_autofree char *written = foyer_json_to_string (ours);
    g_autofree char *glib_written = json_to_string (ours, FALSE);
    g_autoptr(JsonNode) back = NULL;
    g_autoptr(JsonNode) glib_back = glib_parse (glib_written, strlen (glib_written));

    g_assert (theirs != NULL);
    assert_same_tree (ours, theirs);
    /* what we accept, foyer_json_to_string writes as JSON that reads back into the same tree
     * (json_to_string does not always: 1e22 as "1e+22.0")... */
    back = glib_parse (written, strlen (written));
    g_assert (back != NULL);
    g_assert (json_node_equal (back, ours));
    /* ...and where json_to_string's text does read back, it is the same text */
    if (glib_back != NULL)
      g_assert_cmpstr (written, ==, glib_written);
  }
  if (theirs != NULL) {
    g_autofree char *written = json_to_string (theirs, FALSE);
    g_autoptr(JsonNode) again = glib_parse (written, strlen (written));
    g_autoptr(JsonNode) ours_again = NULL;

    /* json-glib writes what it cannot read back (1e999 as "inf.0", lone surrogates) */
    if (again == NULL || !g_utf8_validate (written, -1, NULL) || !json_node_equal (again, theirs))
      return;
    ours_again = foyer_json_parse (written, -1, NULL);
    g_assert (ours_again != NULL);
    assert_same_tree (ours_again, theirs);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *terminated = g_strndup ((const char *)data, size);

  node = foyer_json_parse ((const char *)data, (gssize)size, &error);
  g_assert ((node == NULL) == (error != NULL));
  if (node == NULL) {
    g_assert (error->domain == FOYER_JSON_ERROR);
    g_assert (g_utf8_validate (error->message, -1, NULL));
  } else {
    g_assert (node_depth (node) <= FOYER_JSON_MAX_DEPTH);
  }
  g_clear_error (&error);
  g_clear_pointer (&node, json_node_unref);
  if (g_utf8_validate_len ((const char *)data, size, NULL))
    differential ((const char *)data, size);

  /* the NUL-terminated form (import lines) agrees up to the first NUL */
  node = foyer_json_parse (terminated, -1, &error);
  g_assert ((node == NULL) == (error != NULL));
  return 0;
}
