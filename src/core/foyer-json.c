/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-json.c: depth-checked JSON parsing for untrusted input.
 *
 * json-glib has no depth limit of its own (1.6), so the nesting is counted here first in one
 * linear pass; only text that passes is handed to json-glib.
 */
#define G_LOG_DOMAIN "foyer-json"

#include "config.h"

#include <string.h>

#include "foyer-json.h"

G_DEFINE_QUARK (foyer-json-error-quark, foyer_json_error)

gboolean
foyer_json_depth_ok (const char *data,
                     gssize      length,
                     guint       max_depth)
{
  gsize n;
  guint depth = 0;
  gboolean in_string = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  n = length < 0 ? strlen (data) : (gsize)length;
  for (gsize i = 0; i < n; i++) {
    char c = data[i];

    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
      continue;
    }
    if (c == '"')
      in_string = TRUE;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return FALSE;
    } else if ((c == ']' || c == '}') && depth > 0)
      depth--;
  }
  return TRUE;
}

JsonNode *
foyer_json_parse (const char  *data,
                  gssize       length,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  gsize n;

  if (data == NULL || length == 0 || (length < 0 && *data == '\0')) {
    g_set_error_literal (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID, "empty, not JSON");
    return NULL;
  }
  n = length < 0 ? strlen (data) : (gsize)length;
  if (n > G_MAXSSIZE || !g_utf8_validate_len (data, n, NULL)) {
    g_set_error_literal (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID,
                         "not JSON text (not UTF-8)");
    return NULL;
  }
  if (!foyer_json_depth_ok (data, (gssize)n, FOYER_JSON_MAX_DEPTH)) {
    g_set_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_TOO_DEEP,
                 "JSON nested deeper than %d levels", FOYER_JSON_MAX_DEPTH);
    return NULL;
  }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize)n, &local)) {
    /* json-glib may cut a bad token short inside a UTF-8 character */
    g_autofree char *detail = g_utf8_make_valid (local->message, -1);

    g_set_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID, "not JSON (%s)", detail);
    return NULL;
  }
  root = json_parser_steal_root (parser);
  if (root == NULL) {
    g_set_error_literal (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID, "empty, not JSON");
    return NULL;
  }
  return root;
}
