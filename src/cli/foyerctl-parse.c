/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-parse.c: `foyerctl parse`: what a scanned code carries, as the kiosk would read it.
 *
 * Reads the raw symbol bytes on stdin (e.g. from `zbarimg --raw -Sbinary`) and prints the
 * contact as one JSON object with the keys of ../shared/corpus/cards/NAME.json plus "warnings".
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "foyerctl-commands.h"

/* Enough to tell the size of an oversized payload without reading an endless pipe. */
#define READ_LIMIT (1024 * 1024)

static GByteArray *
read_stdin (gboolean *truncated)
{
  GByteArray *data = g_byte_array_new ();
  guint8 buf[4096];
  size_t n;

  *truncated = FALSE;
  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0) {
    g_byte_array_append (data, buf, (guint) n);
    if (data->len > READ_LIMIT) {
      *truncated = TRUE;
      break;
    }
  }
  return data;
}

int
foyerctl_cmd_parse (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *region = NULL;
  g_autofree char *pattern = NULL;
  g_autoptr(GByteArray) data = NULL;
  g_autoptr(FoyerContact) contact = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(FoyerPayloadOptions) options = NULL;
  FoyerConfig *config;
  gboolean truncated;
  const GOptionEntry entries[] = {
    { "default-region", 'r', 0, G_OPTION_ARG_STRING, &region,
      N_("Region for phone numbers without a country code (default: [kiosk] default-region)"),
      N_("CC") },
    { "badge-pattern", 0, 0, G_OPTION_ARG_STRING, &pattern,
      N_("Regular expression of this event's badge codes (default: [badge] pattern)"),
      N_("REGEX") },
    { NULL }
  };

  if (!foyerctl_parse_options (ctx, "parse", NULL,
                               _("Read a scanned code's bytes on stdin and print what it carries "
                                 "as JSON. Exit status 65 when the code is rejected."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc > 1) {
    g_printerr (_("foyerctl parse: unexpected argument “%s”; the code is read from stdin\n"),
                argv[1]);
    return FOYERCTL_EXIT_USAGE;
  }

  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;
  options = foyer_payload_options_new_from_config (config);
  if (region != NULL) {
    g_free ((char *) options->default_region);
    options->default_region = g_steal_pointer (&region);
  }
  if (pattern != NULL) {
    g_free ((char *) options->badge_pattern);
    options->badge_pattern = g_steal_pointer (&pattern);
  }

  data = read_stdin (&truncated);
  if (truncated) {
    g_printerr (_("foyerctl parse: the input is over %d bytes; a scanned code holds at most "
                  "%d bytes\n"), READ_LIMIT, FOYER_PAYLOAD_MAX_BYTES);
    return FOYERCTL_EXIT_DATAERR;
  }

  contact = foyer_payload_parse (data->data, data->len, options, &error);
  if (contact == NULL) {
    g_printerr ("foyerctl parse: %s\n", error->message);
    return FOYERCTL_EXIT_DATAERR;
  }

  root = json_node_init_object (json_node_alloc (), foyer_contact_to_json (contact));
  json_object_unref (json_node_get_object (root));
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 1);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  g_print ("%s\n", json);
  return FOYERCTL_EXIT_OK;
}
