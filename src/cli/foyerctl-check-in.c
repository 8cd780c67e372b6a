/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-check-in.c: `foyerctl check-in CODE`: the kiosk's decision about a badge, for
 * turnstiles and scripts. The same FoyerKioskFlow as the kiosk decides; an admitted check-in is
 * recorded and queued for head office as a scan at the kiosk would be (not with --dry-run).
 *
 * Prints one JSON object: {"status": "ok" | "repeat" | "revoked" | "unknown" | "forged" |
 * "wrong_event" | "refused", "reason" (all but ok), "display_name" (when known), "gate" and
 * "at" (repeat: the earlier check-in), "admitted": true | false}. Exit 0 when admitted.
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "foyerctl-commands.h"
#include "foyerctl-store-util.h"

/* The flow's status as the check-in command names it. */
static const char *
status_name (FoyerFlowStatus status)
{
  switch (status) {
  case FOYER_FLOW_STATUS_CHECKED_IN: return "ok";
  case FOYER_FLOW_STATUS_REPEAT: return "repeat";
  case FOYER_FLOW_STATUS_REVOKED: return "revoked";
  case FOYER_FLOW_STATUS_FORGED: return "forged";
  case FOYER_FLOW_STATUS_WRONG_EVENT: return "wrong_event";
  case FOYER_FLOW_STATUS_REFUSED:
  case FOYER_FLOW_STATUS_LOCKED:
  case FOYER_FLOW_STATUS_ERROR:
    return "refused";
  default:
    /* not a badge (a card, a link, a booth's lead): nobody to let in */
    return "unknown";
  }
}

static char *
reason_of (FoyerFlowResult *result)
{
  const GError *error = foyer_flow_result_get_error (result);
  const char *staff = foyer_flow_result_get_staff_reason (result);
  const char *visitor = foyer_flow_result_get_visitor_reason (result);

  if (error != NULL)
    return g_strdup (error->message);
  if (staff != NULL)
    return g_strdup (staff);
  if (visitor != NULL)
    return g_strdup (visitor);
  switch (foyer_flow_result_get_status (result)) {
  case FOYER_FLOW_STATUS_CHECKED_IN:
    return NULL;
  case FOYER_FLOW_STATUS_REPEAT:
    return g_strdup (_("checked in before"));
  default:
    return g_strdup (_("the code is not a badge of this event"));
  }
}

static JsonObject *
result_to_json (FoyerFlowResult *result)
{
  JsonObject *o = json_object_new ();
  FoyerFlowStatus status = foyer_flow_result_get_status (result);
  const FoyerRegistration *reg = foyer_flow_result_get_registration (result);
  g_autofree char *reason = reason_of (result);
  const char *badge = foyer_flow_result_get_badge_code (result);

  json_object_set_string_member (o, "status", status_name (status));
  if (reason != NULL && status != FOYER_FLOW_STATUS_CHECKED_IN)
    json_object_set_string_member (o, "reason", reason);
  if (badge != NULL)
    json_object_set_string_member (o, "badge_code", badge);
  if (reg != NULL && reg->full_name != NULL)
    json_object_set_string_member (o, "display_name", reg->full_name);
  if (status == FOYER_FLOW_STATUS_REPEAT && foyer_flow_result_get_previous_time (result) != NULL) {
    json_object_set_string_member (o, "gate", foyer_flow_result_get_previous_gate (result));
    json_object_set_string_member (o, "at", foyer_flow_result_get_previous_time (result));
  }
  json_object_set_boolean_member (o, "admitted", foyer_flow_result_get_admitted (result));
  return o;
}

int
foyerctl_cmd_check_in (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *direction = NULL;
  gboolean dry_run = FALSE;
  const GOptionEntry entries[] = {
    { "direction", 0, 0, G_OPTION_ARG_STRING, &direction,
      N_("entry or exit (default: [kiosk] direction)"), N_("DIRECTION") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Decide only: record nothing"), NULL },
    { NULL }
  };
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerKioskFlow) flow = NULL;
  g_autoptr(FoyerFlowResult) result = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  FoyerConfig *config;
  int status;

  if (!foyerctl_parse_options (ctx, "check-in", _("CODE"),
                               _("Check a badge in (or out) as the kiosk would, and print the "
                                 "decision as JSON. Exit status 0 when the visitor is let in, "
                                 "1 otherwise."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc != 2) {
    g_printerr (_("foyerctl check-in: give one code (the badge's QR content)\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if (direction != NULL && strcmp (direction, "entry") != 0 && strcmp (direction, "exit") != 0) {
    g_printerr (_("foyerctl check-in: --direction must be entry or exit\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;
  if ((store = foyerctl_open_store (ctx, FALSE, &status)) == NULL)
    return status;

  flow = foyer_kiosk_flow_new (config, store, NULL);
  raw = g_bytes_new (argv[1], strlen (argv[1]));
  result = foyer_kiosk_flow_scan_full (flow, raw, direction, dry_run);

  {
    g_autoptr(JsonObject) object = result_to_json (result);

    node = json_node_init_object (json_node_alloc (), object);
  }
  text = foyer_json_to_string (node);
  g_print ("%s\n", text);
  return foyer_flow_result_get_admitted (result) ? FOYERCTL_EXIT_OK : FOYERCTL_EXIT_FAILURE;
}
