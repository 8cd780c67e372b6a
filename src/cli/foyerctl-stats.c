/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-stats.c: `foyerctl stats`: counts by kind, category, hour and outbox state. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyerctl-commands.h"
#include "foyerctl-store-util.h"

static void
print_group (JsonObject *stats, const char *member, const char *title)
{
  JsonObject *group = json_object_get_object_member (stats, member);
  g_autoptr(GList) keys = json_object_get_members (group);

  g_print ("%s\n", title);
  if (keys == NULL)
    g_print ("  %s\n", _("(none)"));
  for (GList *l = keys; l != NULL; l = l->next)
    g_print ("  %-20s %8" G_GINT64_FORMAT "\n", (const char *)l->data,
             json_object_get_int_member (group, l->data));
}

int
foyerctl_cmd_stats (FoyerctlContext *ctx, int argc, char **argv)
{
  gboolean as_json = FALSE;
  gboolean all_events = FALSE;
  g_autofree char *since_text = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { "since", 's', 0, G_OPTION_ARG_STRING, &since_text,
      N_("Only records taken at or after TIME"), N_("TIME") },
    { "all-events", 0, 0, G_OPTION_ARG_NONE, &all_events,
      N_("Count every event, not only [kiosk] event"), NULL },
    { NULL }
  };
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  FoyerConfig *config;
  const char *event = NULL;
  JsonObject *totals, *outbox;
  gint64 overdue = 0;
  int days;
  int status;

  if (!foyerctl_parse_options (ctx, "stats", NULL,
                               _("Count this kiosk's registrations by kind, category and hour, "
                                 "and the records waiting for head office."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (since_text != NULL && (since = foyer_timestamp_normalize (since_text)) == NULL) {
    g_printerr (_("foyerctl stats: --since “%s” is not a time like 2026-11-24\n"), since_text);
    return FOYERCTL_EXIT_USAGE;
  }
  if ((store = foyerctl_open_event_store (ctx, all_events, &event, &status)) == NULL)
    return status;
  config = foyerctl_get_config (ctx);
  if ((stats = foyer_store_stats (store, event, since, &error)) == NULL) {
    g_printerr ("foyerctl stats: %s\n", error->message);
    return foyerctl_status_for_error (error);
  }

  /* what retention would have purged but keeps because head office has not acknowledged it */
  if ((days = foyer_config_get_int (config, "storage", "retain-days")) > 0) {
    JsonObject *retention = json_object_new ();

    if ((overdue = foyer_store_count_undelivered_older_than (store, days, &error)) < 0) {
      json_object_unref (retention);
      g_printerr ("foyerctl stats: %s\n", error->message);
      return foyerctl_status_for_error (error);
    }
    json_object_set_int_member (retention, "retain_days", days);
    json_object_set_int_member (retention, "undelivered_kept", overdue);
    json_object_set_object_member (stats, "retention", retention);
  }

  if (as_json) {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), stats);
    g_autofree char *text = NULL;

    json_object_set_string_member (stats, "event", event);
    text = json_to_string (node, TRUE);
    g_print ("%s\n", text);
    return FOYERCTL_EXIT_OK;
  }

  totals = json_object_get_object_member (stats, "totals");
  outbox = json_object_get_object_member (stats, "outbox");
  g_print (_("Event: %s\n"), event != NULL ? event : _("(all events)"));
  g_print (_("Registrations: %lld (possible duplicates %lld, purged %lld)\n"),
           (long long)json_object_get_int_member (totals, "registrations"),
           (long long)json_object_get_int_member (totals, "possible_duplicates"),
           (long long)json_object_get_int_member (totals, "purged"));
  g_print (_("Leads: %lld   Pre-registered: %lld\n"),
           (long long)json_object_get_int_member (totals, "leads"),
           (long long)json_object_get_int_member (totals, "preregistrations"));
  print_group (stats, "by_kind", _("By kind:"));
  print_group (stats, "by_category", _("By category:"));
  print_group (stats, "by_hour", _("By hour (UTC):"));
  g_print (_("Outbox: %lld pending, %lld in flight, %lld done, %lld dead\n"),
           (long long)json_object_get_int_member (outbox, "pending"),
           (long long)json_object_get_int_member (outbox, "in_flight"),
           (long long)json_object_get_int_member (outbox, "done"),
           (long long)json_object_get_int_member (outbox, "dead"));
  if (overdue > 0)
    g_print (_("Older than retain-days (%d) but not yet delivered, kept: %lld\n"), days,
             (long long) overdue);
  return FOYERCTL_EXIT_OK;
}
