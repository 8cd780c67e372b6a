/* foyerctl-purge.c: `foyerctl purge`: apply [storage] retain-days now. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyerctl-commands.h"
#include "foyerctl-store-util.h"

int
foyerctl_cmd_purge (FoyerctlContext *ctx, int argc, char **argv)
{
  int days = -1;
  const GOptionEntry entries[] = {
    { "days", 'd', 0, G_OPTION_ARG_INT, &days,
      N_("Purge after N days instead of [storage] retain-days"), N_("N") },
    { NULL }
  };
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GError) error = NULL;
  FoyerConfig *config;
  guint n = 0;
  int status;

  if (!foyerctl_parse_options (ctx, "purge", NULL,
                               _("Remove the personal data of records that head office has "
                                 "acknowledged and that are older than [storage] retain-days. "
                                 "Anonymous counts (kind, category, hour) stay."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;
  if (days < 0)
    days = foyer_config_get_int (config, "storage", "retain-days");
  if (days <= 0) {
    g_print (_("Retention is off ([storage] retain-days=0): nothing purged.\n"));
    return FOYERCTL_EXIT_OK;
  }
  if ((store = foyerctl_open_store (ctx, TRUE, &status)) == NULL)
    return status;
  if (!foyer_store_purge_older_than (store, days, &n, &error)) {
    g_printerr ("foyerctl purge: %s\n", error->message);
    return foyerctl_status_for_error (error);
  }
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Purged the personal data of %u record older than %d days.\n",
                        "Purged the personal data of %u records older than %d days.\n", n),
           n, days);
  return FOYERCTL_EXIT_OK;
}
