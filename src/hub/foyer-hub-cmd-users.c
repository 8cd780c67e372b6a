/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-cmd-users.c: `foyer-hub user add` and `foyer-hub exhibitor link|revoke`: the
 * dashboard's accounts and the exhibitors' private links, written to the hub's database. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "foyer-cli.h"
#include "foyer-hub-auth.h"
#include "foyer-hub-cli.h"
#include "foyer-hub-dashboard.h"

char *
foyer_hub_pick_event (FoyerHubContext *ctx, const char *given)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(FoyerHubEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  if (given != NULL) {
    event = foyer_hub_storage_event_get (ctx->storage, given, &error);
    if (event == NULL) {
      g_printerr ("foyer-hub: %s\n", error->message);
      return NULL;
    }
    return g_strdup (given);
  }
  events = foyer_hub_storage_event_list (ctx->storage, &error);
  if (events == NULL) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return NULL;
  }
  if (events->len != 1) {
    g_printerr (events->len == 0
                ? _("foyer-hub: the hub has no event yet (add one with “foyer-hub event add”)\n")
                : _("foyer-hub: the hub has several events: name one with --event\n"));
    return NULL;
  }
  return g_strdup (((FoyerHubEvent *) g_ptr_array_index (events, 0))->id);
}

static void
wipe (char *secret)
{
  if (secret != NULL) {
    memset (secret, 0, strlen (secret));
    g_free (secret);
  }
}

/* The new password: one line from a pipe, or typed twice (hidden) at a terminal. Never argv:
 * the process list would show it. */
static char *
read_password (void)
{
  char *first;
  char *second;

  if (!isatty (STDIN_FILENO)) {
    first = foyer_cli_read_line (stdin);
    if (first == NULL)
      g_printerr (_("foyer-hub user add: no password on standard input\n"));
    return first;
  }
  first = foyer_cli_prompt_hidden (_("Password: "));
  if (first == NULL)
    return NULL;
  second = foyer_cli_prompt_hidden (_("Repeat the password: "));
  if (second == NULL || strcmp (first, second) != 0) {
    g_printerr (_("foyer-hub user add: the two passwords differ; no user was added\n"));
    wipe (first);
    wipe (second);
    return NULL;
  }
  wipe (second);
  return first;
}

static int
user_add (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *role_name = NULL;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_name,
      N_("admin (everything) or viewer (counts only)"), N_("ROLE") },
    { NULL }
  };
  g_autoptr(FoyerHubAuth) auth = NULL;
  g_autoptr(GError) error = NULL;
  FoyerHubRole role;
  char *password;
  gboolean ok;

  if (!foyer_hub_parse_options (ctx, "user add", "NAME",
                                _("Add an account for the dashboard. The password is read from "
                                  "standard input (or typed twice at a terminal)."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (argc != 2 || role_name == NULL || !foyer_hub_role_parse (role_name, &role)) {
    g_printerr (_("Usage: foyer-hub user add NAME --role admin|viewer (password on standard "
                  "input)\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if ((password = read_password ()) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  auth = foyer_hub_auth_new_for_storage (ctx->storage, NULL);
  ok = foyer_hub_auth_add_user (auth, argv[1], password, role, &error);
  wipe (password);
  if (!ok) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  g_print (_("User %s added (%s)\n"), argv[1], foyer_hub_role_to_string (role));
  return FOYER_HUB_EXIT_OK;
}

int
foyer_hub_cmd_user (FoyerHubContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "add") == 0)
    return user_add (ctx, argc - 1, argv + 1);
  g_printerr (_("Usage: foyer-hub user add NAME --role admin|viewer (password on standard "
                "input)\n"));
  return argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
         ? FOYER_HUB_EXIT_OK : FOYER_HUB_EXIT_USAGE;
}

/* ---- exhibitors' links ---- */

/* --expires: a number of days from now, or a date (YYYY-MM-DD, valid to its end, local time). */
static gint64
parse_expires (const char *text, GError **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *iso = NULL;
  char *end = NULL;
  gint64 days;

  if (text == NULL)
    return FOYER_HUB_DASHBOARD_LINK_TTL;
  days = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0' && days >= 1 && days <= 366)
    return days * 86400;
  iso = g_strconcat (text, "T23:59:59", NULL);
  day = g_date_time_new_from_iso8601 (iso, local);
  if (day != NULL && g_date_time_to_unix (day) > g_get_real_time () / G_USEC_PER_SEC)
    return g_date_time_to_unix (day) - g_get_real_time () / G_USEC_PER_SEC;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--expires must be a number of days (1–366) or a future date YYYY-MM-DD, "
                 "not “%s”"), text);
  return -1;
}

static int
exhibitor_link (FoyerHubContext *ctx, const char *booth, const char *event, const char *expires)
{
  g_autoptr(FoyerHubAuth) auth = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *base = NULL;
  gint64 ttl = parse_expires (expires, &error);

  if (ttl < 0) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_USAGE;
  }
  auth = foyer_hub_auth_new_for_storage (ctx->storage, event);
  token = foyer_hub_auth_link_new (auth, booth, ttl);
  if (token == NULL) {
    g_printerr (_("foyer-hub: the link could not be stored in the hub database\n"));
    return FOYER_HUB_EXIT_FAILURE;
  }
  base = foyer_hub_public_url (ctx->config);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  g_print (_("Private lead link for booth %s of %s (valid %u days; revoke with “foyer-hub "
             "exhibitor revoke %s”):\n"), booth, event, (guint) ((ttl + 86399) / 86400), booth);
  g_print ("%s/x/%s\n", base, token);
  return FOYER_HUB_EXIT_OK;
}

static int
exhibitor_revoke (FoyerHubContext *ctx, const char *booth, const char *event)
{
  g_autoptr(FoyerHubAuth) auth = foyer_hub_auth_new_for_storage (ctx->storage, event);
  guint n = foyer_hub_auth_link_revoke (auth, booth);

  g_print (g_dngettext (NULL, "%u link of booth %s revoked\n", "%u links of booth %s revoked\n",
                        n), n, booth);
  return FOYER_HUB_EXIT_OK;
}

int
foyer_hub_cmd_exhibitor (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *event_given = NULL;
  g_autofree char *expires = NULL;
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &event_given,
      N_("The event (needed when the hub has several)"), N_("EVENT") },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires,
      N_("link: valid for DAYS days (default 30) or until a date YYYY-MM-DD"), N_("DAYS|DATE") },
    { NULL }
  };
  g_autofree char *event = NULL;
  const char *action;

  if (!foyer_hub_parse_options (ctx, "exhibitor", "link|revoke BOOTH",
                                _("Make a private link where an exhibitor downloads the leads "
                                  "of one booth (CSV, vCard, XLSX), or revoke its links."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  action = argc == 3 ? argv[1] : NULL;
  if (action == NULL || *argv[2] == '\0' || strlen (argv[2]) > 64
      || (strcmp (action, "link") != 0 && strcmp (action, "revoke") != 0)) {
    g_printerr (_("Usage: foyer-hub exhibitor link BOOTH [--event E] [--expires DAYS|DATE] | "
                  "exhibitor revoke BOOTH [--event E]\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL
      || (event = foyer_hub_pick_event (ctx, event_given)) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (strcmp (action, "link") == 0)
    return exhibitor_link (ctx, argv[2], event, expires);
  return exhibitor_revoke (ctx, argv[2], event);
}
