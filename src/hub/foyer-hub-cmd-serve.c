/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-cmd-serve.c: `foyer-hub serve` and `foyer-hub config`. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <stdio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "foyer-hub-cli.h"
#include "foyer-hub-dashboard.h"
#include "foyer-hub-forwarder.h"
#include "foyer-hub-report-i18n.h"
#include "foyer-hub-server.h"
#include "foyer-hub-web-source.h"

static void
stopped (gpointer data)
{
  g_main_loop_quit (data);
}

typedef struct {
  FoyerHubServer *server;
  GMainLoop      *loop;
  gboolean        signalled;
} ServeState;

static gboolean
on_signal (gpointer data)
{
  ServeState *state = data;

  if (state->signalled)
    return G_SOURCE_CONTINUE;
  state->signalled = TRUE;
  g_printerr (_("foyer-hub: stopping: finishing the batches in flight…\n"));
  foyer_hub_server_shutdown (state->server, G_CALLBACK (stopped), state->loop);
  return G_SOURCE_CONTINUE;
}

static void
announce (FoyerHubContext *ctx, FoyerHubServer *server, const char *database)
{
  FoyerHubConfig *config = ctx->config;
  const char *storage_kind = foyer_hub_storage_kind (ctx->storage);

  if (foyer_hub_config_get_path (config) == NULL)
    g_printerr (_("foyer-hub: no hub.conf found: running on the built-in defaults\n"));
  if (g_str_has_prefix (foyer_hub_server_get_url (server), "http:")
      && foyer_hub_config_get_boolean (config, "hub", "allow-plain-http"))
    g_printerr (_("foyer-hub: WARNING: plain http (allow-plain-http=true): tokens and visitors' "
                  "data cross the network unencrypted\n"));
  /* The database is named only when it is a file: a PostgreSQL string may hold a password. */
  g_print (_("foyer-hub: serving %s (database: %s)\n"), foyer_hub_server_get_url (server),
           g_str_equal (storage_kind, "sqlite") ? database : storage_kind);
  fflush (stdout);
}

/* The dashboard and the exhibitors' links on the same server (docs/dashboard.md): accounts,
 * sessions and links in the database, figures from the storage's counters. event: --event,
 * else the hub's busiest event now, else (no event yet) the busiest at each query. */
static FoyerHubDashboard *
mount_dashboard (FoyerHubContext *ctx, FoyerHubServer *server, const char *given)
{
  g_autofree char *event = given != NULL ? g_strdup (given)
                           : foyer_hub_storage_default_event (ctx->storage, NULL);
  g_autoptr(FoyerHubAuth) auth = foyer_hub_auth_new_for_storage (ctx->storage, event);
  g_autoptr(FoyerHubWebSource) source = foyer_hub_web_source_new (
      ctx->storage, foyer_hub_config_get_string (ctx->config, "forward", "backend"));
  g_autofree char *url = foyer_hub_public_url (ctx->config);
  FoyerHubDashboard *dashboard;

  /* the catalogue is read once per language before any worker thread runs */
  foyer_hub_i18n_get ("zh_CN");
  foyer_hub_i18n_get ("en");
  dashboard = foyer_hub_dashboard_new (auth, FOYER_HUB_DASHBOARD_SOURCE (source), event, url,
                                       foyer_hub_server_is_tls (server));
  foyer_hub_dashboard_attach (dashboard, foyer_hub_server_get_soup (server));
  return dashboard;
}

int
foyer_hub_cmd_serve (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autoptr(FoyerHubServer) server = NULL;
  g_autoptr(FoyerHubForwarder) forwarder = NULL;
  g_autoptr(FoyerHubDashboard) dashboard = NULL;
  g_autofree char *event = NULL;
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &event,
      N_("The event the dashboard shows (default: the busiest)"), N_("EVENT") },
    { NULL }
  };
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *database = NULL;
  ServeState state = { NULL, NULL, FALSE };
  guint term, intr;

  if (!foyer_hub_parse_options (ctx, "serve", NULL, _("Run the service kiosks sync with."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (foyer_hub_get_config (ctx) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (foyer_hub_get_storage (ctx, foyer_hub_config_get_int (ctx->config, "hub", "workers") + 2)
      == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  database = foyer_hub_config_get_database (ctx->config);
  server = foyer_hub_server_new (ctx->config, ctx->storage, &error);
  if (server != NULL)
    dashboard = mount_dashboard (ctx, server, event);
  if (server == NULL || !foyer_hub_server_start (server, &error)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  if (!g_str_equal (foyer_hub_config_get_string (ctx->config, "forward", "backend"), "none")) {
    forwarder = foyer_hub_forwarder_new (ctx->config, ctx->storage, &error);
    if (forwarder == NULL) {
      g_printerr ("foyer-hub: %s\n", error->message);
      return FOYER_HUB_EXIT_FAILURE;
    }
    foyer_hub_forwarder_start (forwarder);
  }
  announce (ctx, server, database);

  loop = g_main_loop_new (NULL, FALSE);
  state.server = server;
  state.loop = loop;
  term = g_unix_signal_add (SIGTERM, on_signal, &state);
  intr = g_unix_signal_add (SIGINT, on_signal, &state);
  g_main_loop_run (loop);
  g_source_remove (term);
  g_source_remove (intr);
  if (forwarder != NULL)
    foyer_hub_forwarder_stop (forwarder);
  g_printerr (_("foyer-hub: stopped\n"));
  return FOYER_HUB_EXIT_OK;
}

int
foyer_hub_cmd_config (FoyerHubContext *ctx, int argc, char **argv)
{
  gboolean check = FALSE;
  const GOptionEntry entries[] = {
    { "check", 0, 0, G_OPTION_ARG_NONE, &check,
      N_("Only check the file: exit 1 on any warning or error"), NULL },
    { NULL }
  };
  FoyerHubConfig *config;
  g_autofree char *data = NULL;

  if (!foyer_hub_parse_options (ctx, "config", NULL,
                                _("Print the effective configuration, defaults included."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if ((config = foyer_hub_get_config (ctx)) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (check) {
    const char *path = foyer_hub_config_get_path (config);

    if (foyer_hub_config_get_warnings (config)->len > 0)
      return FOYER_HUB_EXIT_FAILURE;
    g_print (_("%s: configuration is valid\n"), path != NULL ? path : _("(built-in defaults)"));
    return FOYER_HUB_EXIT_OK;
  }
  data = foyer_hub_config_to_data (config);
  g_print ("%s", data);
  return FOYER_HUB_EXIT_OK;
}
