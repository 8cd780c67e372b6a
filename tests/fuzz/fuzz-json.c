/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-json.c: libFuzzer over foyer_json_parse(), the one parser of untrusted JSON (head
 * office's and Tryton's answers, import lines, `foyerctl register` input).
 *
 * Whatever the bytes, it returns a node or an error, never crashes, leaks or recurses without
 * bound, and what it accepts nests no deeper than FOYER_JSON_MAX_DEPTH. Its generated text is
 * parsed again (not asserted: json-glib writes 1e999 as "inf", which is no JSON).
 */
#include "config.h"

#include <stdint.h>

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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *terminated = g_strndup ((const char *)data, size);

  node = foyer_json_parse ((const char *)data, (gssize)size, &error);
  g_assert ((node == NULL) == (error != NULL));
  if (node == NULL) {
    g_assert (error->domain == FOYER_JSON_ERROR);
    g_assert (g_utf8_validate (error->message, -1, NULL));
  } else {
    g_assert (node_depth (node) <= FOYER_JSON_MAX_DEPTH);
    text = json_to_string (node, FALSE);
    g_clear_pointer (&node, json_node_unref);
    node = foyer_json_parse (text, -1, NULL);
  }
  g_clear_error (&error);
  g_clear_pointer (&node, json_node_unref);

  /* the NUL-terminated form (import lines) agrees up to the first NUL */
  node = foyer_json_parse (terminated, -1, &error);
  g_assert ((node == NULL) == (error != NULL));
  return 0;
}
