/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-badge.c: `foyerctl badge` renders a record's badge to PDF/PNG, and `foyerctl
 * print-badge` (re)prints it on the badge printer, recording the print on the record. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyerctl-commands.h"
#include "foyerctl-store-util.h"

/* The record and the payload its badge carries (signed when a signing key is configured). */
static gboolean
load_badge (FoyerctlContext    *ctx,
            FoyerConfig        *config,
            const char         *command,
            const char         *record_id,
            FoyerStore        **out_store,
            FoyerRegistration **out_reg,
            char              **out_payload,
            int                *status)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerBadgeCode) signer = NULL;
  g_autoptr(GError) error = NULL;
  char *payload;

  if ((store = foyerctl_open_store (ctx, TRUE, status)) == NULL)
    return FALSE;
  if ((reg = foyer_store_get_registration (store, record_id, &error)) == NULL) {
    if (g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND) || error == NULL) {
      g_printerr (_("foyerctl %s: no record with id %s\n"), command, record_id);
      *status = FOYERCTL_EXIT_DATAERR;
    } else {
      g_printerr ("foyerctl %s: %s\n", command, error->message);
      *status = FOYERCTL_EXIT_FAILURE;
    }
    return FALSE;
  }
  if ((signer = foyer_badge_code_new_from_config (config, &error)) == NULL) {
    g_printerr ("foyerctl %s: %s\n", command, error->message);
    *status = FOYERCTL_EXIT_FAILURE;
    return FALSE;
  }
  payload = foyer_badge_payload_for_registration (reg, signer, NULL, &error);
  if (payload == NULL) {
    g_printerr ("foyerctl %s: %s\n", command, error->message);
    *status = FOYERCTL_EXIT_DATAERR;
    return FALSE;
  }
  if (!foyer_badge_code_can_sign (signer))
    g_printerr (_("foyerctl %s: no badge signing key configured ([badge] signing-key): the QR code "
                  "carries the record's badge code or id, unsigned\n"), command);

  *out_store = g_steal_pointer (&store);
  *out_reg = g_steal_pointer (&reg);
  *out_payload = payload;
  return TRUE;
}

int
foyerctl_cmd_badge (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *media = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerBadgeRenderer) renderer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  FoyerConfig *config;
  int status = FOYERCTL_EXIT_OK;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write the badge to FILE (.pdf or .png, 300 dpi)"), N_("FILE") },
    { "media", 'm', 0, G_OPTION_ARG_STRING, &media,
      N_("label-100x70, 4x3in or a6 (default: [badge] media)"), N_("MEDIA") },
    { NULL }
  };

  if (!foyerctl_parse_options (ctx, "badge", N_("RECORD_ID"),
                               _("Render the badge of a stored registration to PDF or PNG."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc != 2 || output == NULL) {
    g_printerr (_("Usage: foyerctl badge RECORD_ID --output badge.pdf|badge.png\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;

  renderer = foyer_badge_renderer_new_from_config (config);
  if (media != NULL) {
    FoyerBadgeMedia m;

    if (!foyer_badge_media_from_string (media, &m)) {
      g_printerr (_("foyerctl badge: unknown media “%s” (label-100x70, 4x3in or a6)\n"), media);
      return FOYERCTL_EXIT_USAGE;
    }
    g_autoptr(FoyerBadgeRenderer) other = foyer_badge_renderer_new (m);
    foyer_badge_renderer_set_event_name (other, foyer_badge_renderer_get_event_name (renderer));
    g_set_object (&renderer, other);
  }

  if (!load_badge (ctx, config, "badge", argv[1], &store, &reg, &payload, &status))
    return status;
  if (!foyer_badge_renderer_render_to_file (renderer, reg, payload, output, &error)) {
    g_printerr ("foyerctl badge: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }
  g_printerr (_("Wrote %s\n"), output);
  /* The QR code's content, for scripts (not personal data). */
  g_print ("%s\n", payload);
  return FOYERCTL_EXIT_OK;
}

int
foyerctl_cmd_print_badge (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *queue = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerBadgePrinter) printer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) record_error = NULL;
  g_autofree char *payload = NULL;
  FoyerConfig *config;
  int status = FOYERCTL_EXIT_OK;
  const GOptionEntry entries[] = {
    { "printer", 'p', 0, G_OPTION_ARG_STRING, &queue,
      N_("Print on CUPS queue QUEUE (default: [badge] printer)"), N_("QUEUE") },
    { NULL }
  };

  if (!foyerctl_parse_options (ctx, "print-badge", N_("RECORD_ID"),
                               _("Print (or reprint) the badge of a stored registration and record "
                                 "the print on it."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc != 2) {
    g_printerr (_("Usage: foyerctl print-badge RECORD_ID [--printer QUEUE]\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;

  if (queue != NULL) {
    g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new_from_config (config);
    printer = foyer_badge_printer_new (queue, renderer);
    foyer_badge_printer_set_timeout (printer,
                                     foyer_config_get_int (config, "badge", "print-timeout"));
  } else if ((printer = foyer_badge_printer_new_from_config (config, &error)) == NULL) {
    g_printerr ("foyerctl print-badge: %s\n", error->message);
    return FOYERCTL_EXIT_USAGE;
  }

  if (!load_badge (ctx, config, "print-badge", argv[1], &store, &reg, &payload, &status))
    return status;

  foyer_badge_printer_print (printer, reg, payload, NULL, &error);
  if (!foyer_badge_printer_record (store, reg->id, foyer_badge_printer_get_queue (printer), error,
                                   &record_error))
    g_printerr (_("foyerctl print-badge: the print could not be recorded: %s\n"),
                record_error->message);
  if (error != NULL) {
    g_printerr ("foyerctl print-badge: %s\n", error->message);
    return FOYERCTL_EXIT_TEMPFAIL;
  }
  g_printerr (_("Printed the badge on %s\n"), foyer_badge_printer_get_queue (printer));
  return FOYERCTL_EXIT_OK;
}
