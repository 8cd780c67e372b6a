/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-cli.h: what the `foyer-hub` subcommands share (context, option parsing). */
#pragma once

#include <gio/gio.h>

#include "foyer-hub-config.h"
#include "foyer-hub-storage.h"

G_BEGIN_DECLS

enum {
  FOYER_HUB_EXIT_OK = 0,
  FOYER_HUB_EXIT_FAILURE = 1,
  FOYER_HUB_EXIT_USAGE = 2,
};

typedef struct {
  char            *config_path;
  FoyerHubConfig  *config;
  FoyerHubStorage *storage;
} FoyerHubContext;

typedef int (*FoyerHubCommandFunc) (FoyerHubContext *ctx, int argc, char **argv);

/* Parses a subcommand's options (plus --config); FALSE after printing the problem. */
gboolean         foyer_hub_parse_options (FoyerHubContext    *ctx,
                                          const char         *command,
                                          const char         *parameter_string,
                                          const char         *summary,
                                          const GOptionEntry *entries,
                                          int                *argc,
                                          char             ***argv);
FoyerHubConfig  *foyer_hub_get_config    (FoyerHubContext    *ctx);
/* The database of [hub] database, opened (and migrated); NULL after printing why. */
FoyerHubStorage *foyer_hub_get_storage   (FoyerHubContext    *ctx,
                                          guint               connections);

/* How kiosks and exhibitors reach the hub: [hub] public-url, else http(s)://listen. */
char            *foyer_hub_public_url    (FoyerHubConfig     *config);
/* The event a command works on: given (it must exist), else the hub's only event; NULL after
 * printing why. */
char            *foyer_hub_pick_event    (FoyerHubContext    *ctx,
                                          const char         *given);

int foyer_hub_cmd_serve  (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_config (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_event  (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_device (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_import (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_export (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_stats  (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_outbox (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_user   (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_exhibitor (FoyerHubContext *ctx, int argc, char **argv);
int foyer_hub_cmd_report (FoyerHubContext *ctx, int argc, char **argv);

G_END_DECLS
