/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-import.c: `foyerctl import`: pre-registered attendees from CSV or JSON lines. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-code-entropy.h"
#include "foyerctl-commands.h"
#include "foyerctl-store-util.h"

/* Guessable ticket numbers let anyone check in as a visitor ([badge] accept-unsigned=list). */
static void
warn_guessable_codes (FoyerStore *store,
                      const char *event)
{
  g_autofree char *warning = NULL;
  g_autoptr(GError) error = NULL;

  if (!foyer_code_entropy_check_preregistrations (foyer_store_get_path (store), event,
                                                  &warning, &error))
    g_printerr ("foyerctl import: %s\n", error->message);
  else if (warning != NULL)
    g_printerr (_("foyerctl import: warning: %s\n"), warning);
}

static void
bad_row_cb (guint line, const char *reason, gpointer user_data)
{
  g_printerr (_("%s:%u: skipped: %s\n"), (const char *)user_data, line, reason);
}

int
foyerctl_cmd_import (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *mapping = NULL;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_("csv or jsonl (default: from the file name)"), N_("FORMAT") },
    { "map", 'm', 0, G_OPTION_ARG_STRING, &mapping,
      N_("Columns for the fields, e.g. badge=Code,name=Name,email=E-Mail (default: the header "
         "row's names)"), N_("FIELD=COLUMN,…") },
    { NULL }
  };
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  FoyerImportResult result = { 0 };
  FoyerImportFormat format;
  FoyerConfig *config;
  const char *path;
  int status;

  if (!foyerctl_parse_options (ctx, "import", "FILE",
                               _("Load the attendees who registered before the show, so this "
                                 "kiosk recognises their badges offline. Bad rows are reported "
                                 "by line and skipped; importing again updates."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc != 2) {
    g_printerr (_("foyerctl import: name one file to import\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  path = argv[1];
  if (format_name == NULL)
    format_name = g_strdup (g_str_has_suffix (path, ".jsonl") || g_str_has_suffix (path, ".json")
                            ? "jsonl" : "csv");
  if (!foyer_import_format_parse (format_name, &format)) {
    g_printerr (_("foyerctl import: unknown format “%s”: use csv or jsonl\n"), format_name);
    return FOYERCTL_EXIT_USAGE;
  }

  /* streamed: a list of any size costs a few buffers, not its size in memory */
  file = g_file_new_for_path (path);
  if ((input = g_file_read (file, NULL, &error)) == NULL) {
    g_printerr ("foyerctl import: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;
  if ((store = foyerctl_open_store (ctx, FALSE, &status)) == NULL)
    return status;

  if (!foyer_import_stream (store, format, G_INPUT_STREAM (input),
                            foyer_config_get_string (config, "kiosk", "event"), mapping,
                            foyer_config_get_string (config, "kiosk", "default-region"),
                            bad_row_cb, (gpointer)path, &result, &error)) {
    g_printerr ("foyerctl import: %s\n", error->message);
    foyer_import_result_clear (&result);
    if (error->domain == FOYER_IMPORT_ERROR)
      return error->code == FOYER_IMPORT_ERROR_MAPPING ? FOYERCTL_EXIT_USAGE
                                                       : FOYERCTL_EXIT_DATAERR;
    return foyerctl_status_for_error (error);
  }

  if (g_strcmp0 (result.encoding, "UTF-8") != 0)
    g_printerr (_("foyerctl import: %s is not UTF-8; it was read as %s\n"), path, result.encoding);
  g_print (_("Imported %u attendees for %s (%u new, %u updated); %u bad rows skipped.\n"),
           result.n_inserted + result.n_updated,
           foyer_config_get_string (config, "kiosk", "event"),
           result.n_inserted, result.n_updated, result.n_bad);
  foyer_import_result_clear (&result);
  warn_guessable_codes (store, foyer_config_get_string (config, "kiosk", "event"));
  return FOYERCTL_EXIT_OK;
}
