/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-outbox.c: `foyerctl outbox`: what waits for head office, and requeuing dead letters. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyerctl-commands.h"

static void
print_entries (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++) {
    FoyerOutboxEntry *e = g_ptr_array_index (entries, i);

    g_print ("%-36s  %-12s  %-9s  %8d  %-24s  %s\n", e->record_id,
             e->record_type != NULL ? e->record_type : "", e->state, e->attempts,
             e->created_at != NULL ? e->created_at : "",
             e->last_error != NULL ? e->last_error : "");
  }
}

int
foyerctl_cmd_outbox (FoyerctlContext *ctx, int argc, char **argv)
{
  gboolean dead_only = FALSE;
  gboolean all = FALSE;
  g_autofree char *requeue = NULL;
  int limit = 100;
  const GOptionEntry entries[] = {
    { "dead", 0, 0, G_OPTION_ARG_NONE, &dead_only,
      N_("List only the records head office refused (dead letters)"), NULL },
    { "requeue", 0, 0, G_OPTION_ARG_STRING, &requeue,
      N_("Send the dead record ID again"), N_("ID") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Send every dead record again"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
      N_("List at most N records per state (default 100)"), N_("N") },
    { NULL }
  };
  FoyerConfig *config;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autofree char *db_path = NULL;
  FoyerOutboxCounts counts = { 0 };
  gboolean header_done = FALSE;
  const char *states[] = { FOYER_OUTBOX_PENDING, FOYER_OUTBOX_IN_FLIGHT, FOYER_OUTBOX_DEAD };

  if (!foyerctl_parse_options (ctx, "outbox", NULL,
                               _("List the records waiting for head office, or requeue the "
                                 "ones it refused."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (requeue != NULL && all) {
    g_printerr (_("foyerctl outbox: use either --requeue ID or --all, not both\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if (limit <= 0) {
    g_printerr (_("foyerctl outbox: --limit must be a positive number\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((config = foyerctl_get_config (ctx)) == NULL)
    return FOYERCTL_EXIT_FAILURE;

  db_path = foyer_config_get_path_value (config, "storage", "database");
  store = foyer_store_open (db_path, &error);
  if (store == NULL) {
    g_printerr ("foyerctl outbox: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }

  if (requeue != NULL || all) {
    guint n = 0;

    if (!foyer_store_outbox_requeue (store, requeue, &n, &error)) {
      g_printerr ("foyerctl outbox: %s\n", error->message);
      return FOYERCTL_EXIT_FAILURE;
    }
    if (requeue != NULL && n == 0) {
      g_printerr (_("foyerctl outbox: no dead record with id %s\n"), requeue);
      return FOYERCTL_EXIT_FAILURE;
    }
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u record requeued\n", "%u records requeued\n", n),
             n);
    return FOYERCTL_EXIT_OK;
  }

  if (!foyer_store_outbox_counts (store, &counts, &error)) {
    g_printerr ("foyerctl outbox: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }
  /* %lld, not G_GINT64_FORMAT: xgettext cannot see through the macro */
  g_print (_("pending %lld, in flight %lld, done %lld, dead %lld\n"),
           (long long) counts.pending, (long long) counts.in_flight, (long long) counts.done,
           (long long) counts.dead);

  for (guint i = 0; i < G_N_ELEMENTS (states); i++) {
    g_autoptr(GPtrArray) list = NULL;

    if (dead_only && strcmp (states[i], FOYER_OUTBOX_DEAD) != 0)
      continue;
    list = foyer_store_outbox_list (store, states[i], (guint)limit, &error);
    if (list == NULL) {
      g_printerr ("foyerctl outbox: %s\n", error->message);
      return FOYERCTL_EXIT_FAILURE;
    }
    if (list->len > 0 && !header_done) {
      g_print ("%-36s  %-12s  %-9s  %8s  %-24s  %s\n", _("ID"), _("TYPE"), _("STATE"),
               _("ATTEMPTS"), _("CREATED"), _("LAST ERROR"));
      header_done = TRUE;
    }
    print_entries (list);
  }
  return FOYERCTL_EXIT_OK;
}
