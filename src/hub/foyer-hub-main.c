/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-main.c: `foyer-hub [--config FILE] COMMAND …`, the head-office service and its tools. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "foyer-cli.h"
#include "foyer-hub-cli.h"
#include "foyer-version.h"

static int cmd_help (FoyerHubContext *ctx, int argc, char **argv);

static const struct {
  const char         *name;
  const char         *summary;
  FoyerHubCommandFunc func;
} commands[] = {
  { "help", N_("Show the commands and what they do"), cmd_help },
  { "serve", N_("Run the service kiosks sync with"), foyer_hub_cmd_serve },
  { "config", N_("Show the effective configuration or check a file"), foyer_hub_cmd_config },
  { "event", N_("Add or list events (add ID [--name NAME] | list)"), foyer_hub_cmd_event },
  { "device", N_("Add, list or revoke devices (add NAME --event E | list | revoke NAME)"),
    foyer_hub_cmd_device },
  { "import", N_("Load pre-registered attendees of an event from CSV or JSON lines"),
    foyer_hub_cmd_import },
  { "export", N_("Write an event's records as CSV, vCard or JSON lines"), foyer_hub_cmd_export },
  { "stats", N_("Count an event's records by type, category, device and hour"),
    foyer_hub_cmd_stats },
  { "outbox", N_("List records waiting to be forwarded to the CRM; requeue refused ones"),
    foyer_hub_cmd_outbox },
  { "badge", N_("Revoke a badge or list the revoked ones (revoke CODE --event E | list --revoked)"),
    foyer_hub_cmd_badge },
  { "subject", N_("Erase a person's data (erase --email E | --phone P) or show the audit log"),
    foyer_hub_cmd_subject },
  { "user", N_("Add a dashboard account (user add NAME --role admin|viewer)"),
    foyer_hub_cmd_user },
  { "exhibitor", N_("Make or revoke a booth's private lead download link (link | revoke BOOTH)"),
    foyer_hub_cmd_exhibitor },
  { "report", N_("Write the post-show report of an event as PDF, HTML or CSV"),
    foyer_hub_cmd_report },
};

static void
print_usage (FILE *stream)
{
  /* TRANSLATORS: the placeholders FILE, COMMAND and OPTIONS may be translated; the rest is
   * what the user types. */
  fprintf (stream, "%s\n       foyer-hub --version\n\n%s\n",
           _("Usage: foyer-hub [--config FILE] COMMAND [OPTIONS…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “foyer-hub COMMAND --help” for the options of one command."));
}

static int
cmd_help (FoyerHubContext *ctx, int argc, char **argv)
{
  print_usage (stdout);
  return FOYER_HUB_EXIT_OK;
}

gboolean
foyer_hub_parse_options (FoyerHubContext *ctx, const char *command, const char *parameter_string,
                         const char *summary, const GOptionEntry *entries, int *argc,
                         char ***argv)
{
  g_autofree char *config_path = NULL;

  if (!foyer_cli_parse_command_options ("foyer-hub", command, parameter_string, summary, entries,
                                        argc, argv, &config_path))
    return FALSE;
  if (config_path != NULL) {
    g_free (ctx->config_path);
    ctx->config_path = g_steal_pointer (&config_path);
    g_clear_object (&ctx->config);
    g_clear_object (&ctx->storage);
  }
  return TRUE;
}

FoyerHubConfig *
foyer_hub_get_config (FoyerHubContext *ctx)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *warnings;

  if (ctx->config != NULL)
    return ctx->config;
  ctx->config = foyer_hub_config_load (ctx->config_path, &error);
  if (ctx->config == NULL) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return NULL;
  }
  warnings = foyer_hub_config_get_warnings (ctx->config);
  for (guint i = 0; i < warnings->len; i++)
    g_printerr ("foyer-hub: %s\n", (const char *) g_ptr_array_index (warnings, i));
  return ctx->config;
}

FoyerHubStorage *
foyer_hub_get_storage (FoyerHubContext *ctx, guint connections)
{
  FoyerHubConfig *config = foyer_hub_get_config (ctx);
  g_autofree char *database = NULL;
  g_autoptr(GError) error = NULL;

  if (config == NULL)
    return NULL;
  if (ctx->storage != NULL)
    return ctx->storage;
  database = foyer_hub_config_get_database (config);
  ctx->storage = foyer_hub_storage_open (database, connections, &error);
  if (ctx->storage == NULL)
    g_printerr (_("foyer-hub: cannot open the hub database: %s\n"), error->message);
  return ctx->storage;
}

static int
run_command (FoyerHubContext *ctx, int argc, char **argv)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, argv[0]) == 0)
      return commands[i].func (ctx, argc, argv);
  g_printerr (_("foyer-hub: unknown command “%s”\n"), argv[0]);
  print_usage (stderr);
  return FOYER_HUB_EXIT_USAGE;
}

int
main (int argc, char **argv)
{
  FoyerHubContext ctx = { NULL, NULL, NULL };
  int first;
  int status;

  status = foyer_cli_start ("foyer-hub", argc, argv, print_usage, &ctx.config_path, &first);
  if (status != -1)
    return status;
  status = run_command (&ctx, argc - first, argv + first);
  g_clear_object (&ctx.storage);
  g_clear_object (&ctx.config);
  g_free (ctx.config_path);
  return status;
}
