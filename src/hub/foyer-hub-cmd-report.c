/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-cmd-report.c: `foyer-hub report`: the post-show report from the hub's database. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-hub-cli.h"
#include "foyer-hub-report.h"
#include "foyer-hub-report-i18n.h"
#include "foyer-hub-report-storage.h"

static const char *
default_language (void)
{
  const char *const *names = g_get_language_names ();

  return names[0] != NULL && g_str_has_prefix (names[0], "zh") ? "zh_CN" : "en";
}

typedef struct {
  char *event;
  char *compare;
  char *format;
  char *output;
  char *lang;
} ReportOptions;

static void
report_options_clear (ReportOptions *o)
{
  g_free (o->event);
  g_free (o->compare);
  g_free (o->format);
  g_free (o->output);
  g_free (o->lang);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReportOptions, report_options_clear)

static gboolean
check_options (ReportOptions *o, int argc, FoyerHubReportFormat *format)
{
  if (argc != 1 || o->event == NULL || o->format == NULL || o->output == NULL) {
    g_printerr (_("Usage: foyer-hub report --event E [--compare PREVIOUS] --format pdf|html|csv "
                  "--output FILE [--lang zh_CN|en]\n"));
    return FALSE;
  }
  if (!foyer_hub_report_format_parse (o->format, format)) {
    g_printerr (_("foyer-hub: --format must be pdf, html or csv\n"));
    return FALSE;
  }
  if (o->lang != NULL && g_strcmp0 (o->lang, "zh_CN") != 0 && g_strcmp0 (o->lang, "en") != 0) {
    g_printerr (_("foyer-hub: --lang must be zh_CN or en\n"));
    return FALSE;
  }
  return TRUE;
}

int
foyer_hub_cmd_report (FoyerHubContext *ctx, int argc, char **argv)
{
  g_auto(ReportOptions) o = { NULL, NULL, NULL, NULL, NULL };
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &o.event, N_("The event of the report"), N_("EVENT") },
    { "compare", 0, 0, G_OPTION_ARG_STRING, &o.compare,
      N_("The previous edition, for new and returning visitors and retention"), N_("EVENT") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("pdf, html or csv"), N_("FORMAT") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &o.output, N_("The file to write"), N_("FILE") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &o.lang,
      N_("zh_CN or en (default: the language of the session)"), N_("LANGUAGE") },
    { NULL }
  };
  g_autoptr(FoyerHubReportModel) model = NULL;
  g_autoptr(FoyerHubReportModel) previous = NULL;
  g_autoptr(FoyerHubReport) report = NULL;
  g_autoptr(GError) error = NULL;
  FoyerHubReportFormat format;

  if (!foyer_hub_parse_options (ctx, "report", NULL,
                                _("Write the post-show report of an event: totals, days and "
                                  "hours, visitor structure, retention against a previous "
                                  "edition, leads per exhibitor and data quality."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (!check_options (&o, argc, &format))
    return FOYER_HUB_EXIT_USAGE;
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  model = foyer_hub_report_model_load (ctx->storage, o.event, NULL, &error);
  if (model != NULL && o.compare != NULL)
    previous = foyer_hub_report_model_load (ctx->storage, o.compare, NULL, &error);
  if (model == NULL || (o.compare != NULL && previous == NULL)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  report = foyer_hub_report_new (model, previous, o.lang != NULL ? o.lang : default_language ());
  if (!foyer_hub_report_write (report, format, o.output, &error)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  g_print (_("Report written to %s\n"), o.output);
  return FOYER_HUB_EXIT_OK;
}
