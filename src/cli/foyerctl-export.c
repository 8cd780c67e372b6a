/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-export.c: `foyerctl export`: registrations as CSV, vCard 3.0 or JSON lines. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n.h>
#include <gio/gunixoutputstream.h>

#include "foyerctl-commands.h"
#include "foyerctl-store-util.h"

int
foyerctl_cmd_export (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *since_text = NULL;
  g_autofree char *output = NULL;
  gboolean excel = FALSE;
  gboolean all_events = FALSE;
  gboolean leads = FALSE;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_("csv (default), vcard or jsonl"), N_("FORMAT") },
    { "since", 's', 0, G_OPTION_ARG_STRING, &since_text,
      N_("Only records taken at or after TIME (RFC 3339 or YYYY-MM-DD)"), N_("TIME") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE (created private, mode 0600) instead of standard output"), N_("FILE") },
    { "excel", 0, 0, G_OPTION_ARG_NONE, &excel,
      N_("CSV: start with a byte-order mark so Excel reads UTF-8 (Chinese names)"), NULL },
    { "all-events", 0, 0, G_OPTION_ARG_NONE, &all_events,
      N_("Include the records of every event, not only [kiosk] event"), NULL },
    { "leads", 0, 0, G_OPTION_ARG_NONE, &leads,
      N_("Booth mode: export the leads (rating, notes, answers) with their visitors' contacts"),
      NULL },
    { NULL }
  };
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GOutputStream) out = NULL;
  const char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  FoyerExportFormat format = FOYER_EXPORT_CSV;
  const char *event = NULL;
  guint64 n = 0;
  int status;

  if (!foyerctl_parse_options (ctx, "export", NULL,
                               _("Write this kiosk's registrations for head office or a CRM. CSV "
                                 "cells that a spreadsheet would run as a formula are "
                                 "prefixed with '."), entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc > 1) {
    g_printerr (_("foyerctl export: unexpected argument “%s”\n"), argv[1]);
    return FOYERCTL_EXIT_USAGE;
  }
  if (format_name != NULL && !foyer_export_format_parse (format_name, &format)) {
    g_printerr (_("foyerctl export: unknown format “%s”: use csv, vcard or jsonl\n"), format_name);
    return FOYERCTL_EXIT_USAGE;
  }
  if (since_text != NULL && (since = foyer_timestamp_normalize (since_text)) == NULL) {
    g_printerr (_("foyerctl export: --since “%s” is not a time like 2026-11-24 or "
                  "2026-11-24T10:00:00+08:00\n"), since_text);
    return FOYERCTL_EXIT_USAGE;
  }
  if (leads && all_events) {
    g_printerr (_("foyerctl export: --leads exports one event's leads; leave out --all-events\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((store = foyerctl_open_event_store (ctx, all_events, &event, &status)) == NULL)
    return status;

  if (output != NULL && strcmp (output, "-") != 0) {
    path = output;
    /* written as OUTPUT.part and renamed over OUTPUT, so a failed export leaves no half file */
    if ((out = foyer_export_file_open (path, &error)) == NULL) {
      g_printerr (_("foyerctl export: cannot write %s: %s\n"), output, error->message);
      return FOYERCTL_EXIT_FAILURE;
    }
  } else {
    out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  }

  if (!(leads ? foyer_store_export_leads : foyer_store_export) (store, format,
                                                               excel ? FOYER_EXPORT_FLAG_EXCEL_BOM : 0,
                                                               event, since, out, &n, &error)) {
    g_printerr ("foyerctl export: %s\n", error->message);
    if (path != NULL)
      foyer_export_file_discard (out, path);
    return error->domain == FOYER_STORE_ERROR ? foyerctl_status_for_error (error)
                                              : FOYERCTL_EXIT_FAILURE;
  }
  if (!(path != NULL ? foyer_export_file_commit (out, path, &error)
                     : g_output_stream_close (out, NULL, &error))) {
    g_printerr ("foyerctl export: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }
  if (path != NULL)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "Exported %llu record to %s\n",
                             "Exported %llu records to %s\n", (gulong)MIN (n, G_MAXULONG)),
                (unsigned long long)n, output);
  return FOYERCTL_EXIT_OK;
}
