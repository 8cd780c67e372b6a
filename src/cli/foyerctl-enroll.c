/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-enroll.c: `foyerctl enroll CODE`: connect this kiosk to a head-office hub.
 *
 * A thin caller of FoyerEnroll (src/core/foyer-enroll.c), which the kiosk's Admin page uses
 * too: the pinned certificate, the exchange and the files written are the same either way.
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyerctl-commands.h"
#include "foyer-enroll.h"

/* The file enroll writes: --config (created if missing), else the one the lookup finds, else
 * ~/.config/foyer/foyer.conf. */
static char *
config_target (FoyerctlContext *ctx)
{
  if (ctx->config_path != NULL)
    return g_strdup (ctx->config_path);
  return foyer_enroll_config_target (foyerctl_get_config (ctx));
}

int
foyerctl_cmd_enroll (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *owner_name = NULL;
  const GOptionEntry entries[] = {
    { "owner", 0, 0, G_OPTION_ARG_STRING, &owner_name,
      N_("When run as root: give the files to USER (the user the kiosk runs as)"), N_("USER") },
    { NULL }
  };
  g_autoptr(FoyerEnroll) enroll = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint adopted;

  if (!foyerctl_parse_options (ctx, "enroll", "CODE",
                               _("Connect this kiosk to head office with the code printed by "
                                 "“foyer-hub device add”."), entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc != 2) {
    g_printerr (_("Usage: foyerctl enroll CODE [--config FILE] [--owner USER]\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((enroll = foyer_enroll_new (argv[1], &error)) == NULL) {
    g_printerr ("foyerctl enroll: %s\n", error->message);
    return FOYERCTL_EXIT_DATAERR;
  }
  if (!foyer_enroll_set_owner (enroll, owner_name, &error)) {
    g_printerr ("foyerctl enroll: %s\n", error->message);
    return FOYERCTL_EXIT_USAGE;
  }
  path = config_target (ctx);
  if (!foyer_enroll_run (enroll, path, NULL, &error)) {
    g_printerr ("foyerctl enroll: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }
  g_print (_("Enrolled as “%s” for event %s at %s; configuration written to %s.\n"),
           foyer_enroll_get_enrolled_device (enroll), foyer_enroll_get_enrolled_event (enroll),
           foyer_enroll_get_url (enroll), path);
  if ((adopted = foyer_enroll_get_n_adopted (enroll)) > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u record registered before was moved into event %s and will be "
                          "sent.\n",
                          "%u records registered before were moved into event %s and will be "
                          "sent.\n", adopted),
             adopted, foyer_enroll_get_enrolled_event (enroll));
  return FOYERCTL_EXIT_OK;
}
