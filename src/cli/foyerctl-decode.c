/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-decode.c: `foyerctl decode [--parse] IMAGE…`: read the codes in image files.
 *
 * One JSON line per file, for scripts and for checking a batch of printed badges before a show:
 * {"file":…,"symbols":[{"type":…,"text":…,"bytes_base64":…}],"ms":…} and, with --parse, the
 * contact each symbol carries.
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "foyer-decoder.h"
#include "foyerctl-commands.h"

static char *
symbol_text (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  char *text = foyer_payload_decode_text ((const guint8 *)data, len, NULL, NULL, NULL);

  /* The payload layer rejects oversized and empty codes; show their bytes anyway. */
  return text != NULL ? text : g_utf8_make_valid (data, len);
}

static JsonNode *
decode_file (FoyerDecoder              *decoder,
             const char                *path,
             gboolean                   parse,
             const FoyerPayloadOptions *options,
             guint                     *n_symbols,
             double                    *out_ms,
             GError                   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree guint8 *gray = NULL;
  g_autoptr(GPtrArray) symbols = NULL;
  guint width, height;
  gint64 start;
  double ms;

  gray = foyer_decoder_load_gray (path, &width, &height, error);
  if (gray == NULL)
    return NULL;

  start = g_get_monotonic_time ();
  symbols = foyer_decoder_decode_gray (decoder, gray, width, height, width);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  *n_symbols = symbols->len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "symbols");
  json_builder_begin_array (builder);
  for (guint i = 0; i < symbols->len; i++) {
    FoyerSymbol *symbol = g_ptr_array_index (symbols, i);
    gsize len;
    const guint8 *data = g_bytes_get_data (symbol->bytes, &len);
    g_autofree char *text = symbol_text (symbol->bytes);
    g_autofree char *base64 = g_base64_encode (data, len);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "type");
    json_builder_add_string_value (builder, symbol->type);
    json_builder_set_member_name (builder, "text");
    json_builder_add_string_value (builder, text);
    json_builder_set_member_name (builder, "bytes_base64");
    json_builder_add_string_value (builder, base64);
    if (parse) {
      g_autoptr(GError) local = NULL;
      g_autoptr(FoyerContact) contact = foyer_payload_parse (data, len, options, &local);

      json_builder_set_member_name (builder, "contact");
      if (contact != NULL) {
        JsonObject *object = foyer_contact_to_json (contact);
        JsonNode *node = json_node_new (JSON_NODE_OBJECT);

        json_node_take_object (node, object);
        json_builder_add_value (builder, node);
      } else {
        json_builder_add_null_value (builder);
        json_builder_set_member_name (builder, "error");
        json_builder_add_string_value (builder, local->message);
      }
    }
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  *out_ms = ms;

  return json_builder_get_root (builder);
}

int
foyerctl_cmd_decode (FoyerctlContext *ctx, int argc, char **argv)
{
  gboolean parse = FALSE;
  int budget_ms = 0;
  const GOptionEntry entries[] = {
    { "parse", 'p', 0, G_OPTION_ARG_NONE, &parse,
      N_("Also print the contact each code carries"), NULL },
    { "budget-ms", 0, 0, G_OPTION_ARG_INT, &budget_ms,
      N_("Time for second chances per image, in ms (0: no limit, the default)"), N_("MS") },
    { NULL }
  };
  g_autoptr(FoyerDecoder) decoder = NULL;
  g_autoptr(FoyerPayloadOptions) options = NULL;
  FoyerConfig *config;
  int status = FOYERCTL_EXIT_OK;

  if (!foyerctl_parse_options (ctx, "decode", _("IMAGE…"),
                               _("Read the QR codes and barcodes in PNG or JPEG images and print "
                                 "one JSON line per image. Exits 1 if an image holds no code."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc < 2) {
    g_printerr (_("foyerctl decode: give at least one image file\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if (budget_ms < 0) {
    g_printerr (_("foyerctl decode: --budget-ms must be 0 or more\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;

  options = foyer_payload_options_new_from_config (config);

  decoder = foyer_decoder_new ();
  foyer_decoder_set_budget_ms (decoder, budget_ms);
  /* a file may hold several codes (a sheet of badges, a code printed inside another) */
  foyer_decoder_set_find_all (decoder, TRUE);

  for (int i = 1; i < argc; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *line = NULL;
    guint n_symbols = 0;
    double ms = 0;

    node = decode_file (decoder, argv[i], parse, options, &n_symbols, &ms, &error);
    if (node == NULL) {
      g_printerr ("foyerctl decode: %s\n", error->message);
      status = FOYERCTL_EXIT_FAILURE;
      continue;
    }
    line = foyer_json_to_string (node);
    /* json-glib prints doubles with 17 digits; "ms" reads better as 12.3 */
    line[strlen (line) - 1] = '\0';
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      /* not printf: a German locale would write 12,3 */
      g_print ("%s,\"ms\":%s}\n", line, g_ascii_formatd (number, sizeof number, "%.1f", ms));
    }
    if (n_symbols == 0) {
      g_printerr (_("foyerctl decode: %s: no code found\n"), argv[i]);
      status = FOYERCTL_EXIT_FAILURE;
    }
  }
  return status;
}
