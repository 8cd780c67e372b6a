/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-enroll-code.c: encoding and decoding enrollment codes. */
#define G_LOG_DOMAIN "foyer-enroll"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "foyer-enroll-code.h"
#include "foyer-json.h"

G_DEFINE_QUARK (foyer-enroll-code-error-quark, foyer_enroll_code_error)

void
foyer_enroll_code_free (FoyerEnrollCode *code)
{
  if (code == NULL)
    return;
  g_free (code->url);
  g_free (code->event);
  if (code->secret != NULL)
    memset (code->secret, 0, strlen (code->secret));
  g_free (code->secret);
  g_free (code->pin);
  g_free (code->device);
  g_free (code);
}

char *
foyer_enroll_code_encode (const FoyerEnrollCode *code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *b64 = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, code->url);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, code->event);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, code->secret);
  if (code->pin != NULL) {
    json_builder_set_member_name (builder, "pin");
    json_builder_add_string_value (builder, code->pin);
  }
  if (code->device != NULL) {
    json_builder_set_member_name (builder, "device");
    json_builder_add_string_value (builder, code->device);
  }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = foyer_json_to_string (root);
  b64 = g_base64_encode ((const guchar *) json, strlen (json));
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  g_strdelimit (b64, "=", '\0');
  return g_strconcat (FOYER_ENROLL_CODE_PREFIX, b64, NULL);
}

static gboolean
invalid (GError **error)
{
  g_set_error_literal (error, FOYER_ENROLL_CODE_ERROR, FOYER_ENROLL_CODE_ERROR_INVALID,
                       _("This is not a Foyer enrollment code (or it is damaged): ask head "
                         "office for the code printed by “foyer-hub device add”."));
  return FALSE;
}

static char *
member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value = node != NULL && JSON_NODE_HOLDS_VALUE (node)
                      && json_node_get_value_type (node) == G_TYPE_STRING
                      ? json_node_get_string (node) : NULL;

  return value != NULL && *value != '\0' && g_utf8_validate (value, -1, NULL)
         ? g_strdup (value) : NULL;
}

FoyerEnrollCode *
foyer_enroll_code_decode (const char *text, GError **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FoyerEnrollCode) code = g_new0 (FoyerEnrollCode, 1);
  g_autofree guchar *json = NULL;
  GString *b64;
  gsize len = 0;
  JsonNode *root;

  if (!g_str_has_prefix (copy, FOYER_ENROLL_CODE_PREFIX) || strlen (copy) > FOYER_ENROLL_CODE_MAX_LEN)
    return invalid (error), NULL;
  b64 = g_string_new (copy + strlen (FOYER_ENROLL_CODE_PREFIX));
  if (strspn (b64->str, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
      != b64->len) {
    g_string_free (b64, TRUE);
    return invalid (error), NULL;
  }
  g_strdelimit (b64->str, "-", '+');
  g_strdelimit (b64->str, "_", '/');
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');
  json = g_base64_decode (b64->str, &len);
  g_string_free (b64, TRUE);
  if (len == 0 || !json_parser_load_from_data (parser, (const char *) json, len, NULL))
    return invalid (error), NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error), NULL;
  code->url = member (json_node_get_object (root), "url");
  code->event = member (json_node_get_object (root), "event");
  code->secret = member (json_node_get_object (root), "secret");
  code->pin = member (json_node_get_object (root), "pin");
  code->device = member (json_node_get_object (root), "device");
  if (code->url == NULL || code->event == NULL || code->secret == NULL
      || (!g_str_has_prefix (code->url, "http://") && !g_str_has_prefix (code->url, "https://"))
      || (code->pin != NULL && (!g_str_has_prefix (code->pin, "sha256:")
                                || strlen (code->pin) != 7 + 64)))
    return invalid (error), NULL;
  return g_steal_pointer (&code);
}
