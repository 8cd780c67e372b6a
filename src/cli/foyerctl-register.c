/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-register.c: `foyerctl register`: store one contact given as JSON on standard input. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "foyerctl-commands.h"
#include "foyerctl-store-util.h"

static char *
local_time_of (const char *timestamp)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (timestamp, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (dt == NULL)
    return g_strdup (timestamp);
  local = g_date_time_to_local (dt);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

int
foyerctl_cmd_register (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  FoyerConfig *config;
  char buf[4096];
  size_t n;
  int status;

  if (!foyerctl_parse_options (ctx, "register", NULL,
                               _("Store one visitor, given as JSON on standard input (the keys of "
                                 "a parsed card: full_name, emails, phones, badge_code…, plus "
                                 "category and consent), and print the record id."),
                               NULL, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len (input, buf, n);
  /* depth-checked: deep nesting would exhaust json-glib's recursion (foyer-json.h) */
  root = foyer_json_parse (input->str, (gssize)input->len, &error);
  if (root == NULL) {
    g_printerr (_("foyerctl register: standard input is not JSON: %s\n"), error->message);
    return FOYERCTL_EXIT_DATAERR;
  }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_printerr (_("foyerctl register: expected one JSON object on standard input\n"));
    return FOYERCTL_EXIT_DATAERR;
  }
  reg = foyer_registration_from_json (json_node_get_object (root), &error);
  if (reg == NULL) {
    g_printerr ("foyerctl register: %s\n", error->message);
    return FOYERCTL_EXIT_DATAERR;
  }

  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;
  if (reg->event == NULL)
    reg->event = g_strdup (foyer_config_get_string (config, "kiosk", "event"));
  if (reg->kiosk_id == NULL)
    reg->kiosk_id = g_strdup (foyer_config_get_string (config, "kiosk", "id"));
  if (reg->source == NULL)
    reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  if (reg->consent_given && reg->consent_version == NULL)
    reg->consent_version = g_strdup (foyer_config_get_string (config, "consent", "version"));
  if (reg->consent_given && reg->consent_at == NULL)
    reg->consent_at = foyer_timestamp_now ();
  /* a store-assigned identity: an id or time on stdin would let one record shadow another */
  g_clear_pointer (&reg->id, g_free);
  reg->possible_duplicate = FALSE;
  reg->purged = FALSE;

  if ((store = foyerctl_open_store (ctx, FALSE, &status)) == NULL)
    return status;
  if (!foyer_store_add_registration (store, reg, &existing, &error)) {
    g_printerr ("foyerctl register: %s\n", error->message);
    return foyerctl_status_for_error (error);
  }
  if (existing != NULL) {
    g_autofree char *when = local_time_of (existing->created_at);
    g_printerr (_("foyerctl register: badge %s is already registered (at %s at %s)\n"),
                existing->badge_code, when, existing->kiosk_id);
    g_print ("%s\n", existing->id);
    return FOYERCTL_EXIT_OK;
  }
  if (reg->possible_duplicate)
    g_printerr (_("foyerctl register: an earlier visitor has the same e-mail or phone but another "
                  "name; the record is flagged for review\n"));
  g_print ("%s\n", reg->id);
  return FOYERCTL_EXIT_OK;
}
