/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-config.c: `foyerctl config`: show the effective configuration, or check a file. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyerctl-commands.h"

int
foyerctl_cmd_config (FoyerctlContext *ctx, int argc, char **argv)
{
  gboolean check = FALSE;
  const GOptionEntry entries[] = {
    { "check", 0, 0, G_OPTION_ARG_NONE, &check,
      N_("Only check the file: exit 1 on any warning or error"), NULL },
    { NULL }
  };
  FoyerConfig *config;

  if (!foyerctl_parse_options (ctx, "config", NULL,
                               _("Print the effective configuration, defaults included."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;

  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;

  if (check) {
    GPtrArray *warnings = foyer_config_get_warnings (config);
    const char *path = foyer_config_get_path (config);

    if (warnings->len > 0)
      return FOYERCTL_EXIT_FAILURE;
    g_print (_("%s: configuration is valid\n"), path != NULL ? path : _("(built-in defaults)"));
    return FOYERCTL_EXIT_OK;
  }

  {
    g_autofree char *data = foyer_config_to_data (config);
    g_print ("%s", data);
  }
  return FOYERCTL_EXIT_OK;
}
