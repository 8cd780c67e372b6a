/* SPDX-License-Identifier: GPL-3.0-or-later */
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
  FoyerPurgeResult result = { 0 };
  gboolean ok;
  guint n;
  int status;

  if (!foyerctl_parse_options (ctx, "purge", NULL,
                               _("Remove the personal data of records that head office has "
                                 "acknowledged and that are older than [storage] retain-days, "
                                 "of imported attendees, of error messages and of damaged "
                                 "database copies, and flush it out of the write-ahead log. "
                                 "Records not yet delivered are kept and counted. Anonymous "
                                 "counts (kind, category, hour) stay. Exits 75 when another "
                                 "program kept the old data in the log: purge again."),
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
  ok = foyer_store_purge (store, days, &result, &error);
  if (!ok && !g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_LOCKED)) {
    g_printerr ("foyerctl purge: %s\n", error->message);
    return foyerctl_status_for_error (error);
  }
  n = result.registrations;
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Purged the personal data of %u record older than %d days.\n",
                        "Purged the personal data of %u records older than %d days.\n", n),
           n, days);
  g_print (_("Also purged: %u leads' notes, %u imported attendees, %u error messages, "
             "%u damaged database copies.\n"),
           result.leads, result.preregistrations, result.outbox_errors, result.corrupt_copies);
  if (result.undelivered_kept > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Kept %lld record older than %d days that head office has not "
                          "acknowledged (see foyerctl outbox); it is purged once delivered.\n",
                          "Kept %lld records older than %d days that head office has not "
                          "acknowledged (see foyerctl outbox); they are purged once delivered.\n",
                          (gulong) MIN ((guint64) result.undelivered_kept, G_MAXULONG)),
             (long long) result.undelivered_kept, days);
  if (!ok) {
    g_printerr ("foyerctl purge: %s\n", error->message);
    return foyerctl_status_for_error (error);
  }
  return FOYERCTL_EXIT_OK;
}
