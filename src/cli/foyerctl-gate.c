/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-gate.c: `foyerctl gate [--check]`: a configuration's [gate] rules in words, so staff
 * can read what an entrance will do before the doors open (docs/gate-rules.md). */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyerctl-commands.h"

int
foyerctl_cmd_gate (FoyerctlContext *ctx, int argc, char **argv)
{
  gboolean check = FALSE;
  const GOptionEntry entries[] = {
    { "check", 0, 0, G_OPTION_ARG_NONE, &check,
      N_("Also say whether the rules are valid: exit 0 when they are (warnings allowed), 1 when "
         "not"), NULL },
    { NULL }
  };
  g_autoptr(FoyerGateRules) rules = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FoyerConfig *config;
  const char *path;

  if (!foyerctl_parse_options (ctx, "gate", NULL,
                               _("Print the entrance rules of [gate] in words."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;

  /* An invalid [gate] makes the whole file invalid: foyerctl_get_config says why. */
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;
  if ((rules = foyer_gate_rules_new_from_config (config, NULL, &error)) == NULL) {
    g_printerr ("foyerctl: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }

  path = foyer_config_get_path (config);
  text = foyer_gate_rules_describe (rules);
  g_print ("%s\n", path != NULL ? path : _("(built-in defaults)"));
  if (!foyer_gate_rules_is_active (rules))
    g_print ("%s\n", _("No [gate] rules: this entrance admits every valid badge at all hours."));
  g_print ("%s", text);
  if (check) {
    guint n = foyer_config_get_warnings (config)->len;

    if (n > 0)
      g_print (g_dngettext (GETTEXT_PACKAGE, "The rules are valid, with %u warning (above).\n",
                            "The rules are valid, with %u warnings (above).\n", n), n);
    else
      g_print ("%s\n", _("The rules are valid."));
  }
  return FOYERCTL_EXIT_OK;
}
