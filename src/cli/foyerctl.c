/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl.c: the headless tool for staff, scripts and head office.
 *
 * `foyerctl [--config FILE] COMMAND [OPTIONS]`; each command lives in its own function and is
 * listed in `commands[]` below.
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <sys/prctl.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "foyer-cli.h"
#include "foyerctl-commands.h"

static int cmd_help (FoyerctlContext *ctx, int argc, char **argv);

static const FoyerctlCommand commands[] = {
  { "help", N_("Show the commands and what they do"), cmd_help },
  { "config", N_("Show the effective configuration or check a file"), foyerctl_cmd_config },
  { "badge-keygen", N_("Create the key pair that signs and verifies badges"), foyerctl_cmd_badge_keygen },
  { "badge", N_("Render a record's badge to PDF or PNG"), foyerctl_cmd_badge },
  { "print-badge", N_("Print or reprint a record's badge"), foyerctl_cmd_print_badge },
  { "parse", N_("Read a scanned code's bytes on stdin and print its contact as JSON"), foyerctl_cmd_parse },
  { "set-pin", N_("Set the staff PIN for Admin and leaving the kiosk"), foyerctl_cmd_set_pin },
  { "export", N_("Write registrations as CSV, vCard or JSON lines"), foyerctl_cmd_export },
  { "import", N_("Load pre-registered attendees from CSV or JSON lines"), foyerctl_cmd_import },
  { "register", N_("Store one visitor given as JSON on standard input"), foyerctl_cmd_register },
  { "stats", N_("Count registrations by kind, category, hour and queue state"), foyerctl_cmd_stats },
  { "purge", N_("Remove personal data older than [storage] retain-days"), foyerctl_cmd_purge },
  { "decode", N_("Read the QR codes and barcodes in image files"), foyerctl_cmd_decode },
  { "sync", N_("Send every queued record to head office now"), foyerctl_cmd_sync },
  { "outbox", N_("List records waiting for head office; requeue refused ones"), foyerctl_cmd_outbox },
  { "enroll", N_("Connect this kiosk to head office with an enrollment code"), foyerctl_cmd_enroll },
  { "gate", N_("Print the entrance rules in words; --check validates them"), foyerctl_cmd_gate },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream,
           "Usage: foyerctl [--config FILE] COMMAND [OPTIONS…]\n"
           "       foyerctl --version\n\n"
           "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n",
           _("Run “foyerctl COMMAND --help” for the options of one command."));
}

static int
cmd_help (FoyerctlContext *ctx, int argc, char **argv)
{
  print_usage (stdout);
  return FOYERCTL_EXIT_OK;
}

gboolean
foyerctl_parse_options (FoyerctlContext    *ctx,
                        const char         *command,
                        const char         *parameter_string,
                        const char         *summary,
                        const GOptionEntry *entries,
                        int                *argc,
                        char             ***argv)
{
  g_autofree char *config_path = NULL;

  if (!foyer_cli_parse_command_options ("foyerctl", command, parameter_string, summary, entries,
                                        argc, argv, &config_path))
    return FALSE;
  if (config_path != NULL) {
    g_free (ctx->config_path);
    ctx->config_path = g_steal_pointer (&config_path);
    g_clear_object (&ctx->config);
  }
  return TRUE;
}

FoyerConfig *
foyerctl_get_config (FoyerctlContext *ctx)
{
  g_autoptr(GError) error = NULL;

  if (ctx->config != NULL)
    return ctx->config;

  ctx->config = foyer_config_load (ctx->config_path, &error);
  if (ctx->config == NULL) {
    g_printerr ("foyerctl: %s\n", error->message);
    return NULL;
  }
  foyer_config_print_warnings (ctx->config);
  return ctx->config;
}

int
main (int argc, char **argv)
{
  FoyerctlContext ctx = { NULL, NULL };
  int first;
  int status;

  /* No core dumps: they would write visitors' data and secrets to disk (issue 14). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  status = foyer_cli_start ("foyerctl", argc, argv, print_usage, &ctx.config_path, &first);
  if (status != -1)
    return status;

  status = -1;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
    if (strcmp (commands[i].name, argv[first]) == 0) {
      status = commands[i].func (&ctx, argc - first, argv + first);
      break;
    }
  }
  if (status == -1) {
    g_printerr (_("foyerctl: unknown command “%s”\n"), argv[first]);
    print_usage (stderr);
    status = FOYERCTL_EXIT_USAGE;
  }

  g_clear_object (&ctx.config);
  g_free (ctx.config_path);
  return status;
}
