/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl.h: what every foyerctl subcommand shares (options, config, exit codes). */
#pragma once

#include <glib.h>

#include "foyer-core.h"

G_BEGIN_DECLS

/* Exit statuses that scripts at head office can rely on: 0 and 1 as usual, 2 for a usage error
 * (as GNU tools do, not sysexits.h's 64), and sysexits.h's EX_DATAERR and EX_TEMPFAIL. */
#define FOYERCTL_EXIT_OK        0
#define FOYERCTL_EXIT_FAILURE   1
#define FOYERCTL_EXIT_USAGE     2
#define FOYERCTL_EXIT_DATAERR   65
#define FOYERCTL_EXIT_TEMPFAIL  75

typedef struct {
  char        *config_path;
  FoyerConfig *config;
} FoyerctlContext;

typedef int (*FoyerctlCommandFunc) (FoyerctlContext  *ctx,
                                    int               argc,
                                    char            **argv);

typedef struct {
  const char          *name;
  const char          *summary;
  FoyerctlCommandFunc  func;
} FoyerctlCommand;

/* Parses a subcommand's options (argv[0] is the subcommand), adding --config. Prints the error
 * and returns FALSE on a usage error. */
gboolean     foyerctl_parse_options (FoyerctlContext    *ctx,
                                     const char         *command,
                                     const char         *parameter_string,
                                     const char         *summary,
                                     const GOptionEntry *entries,
                                     int                *argc,
                                     char             ***argv);

/* Loads the configuration once (lookup order of foyer_config_load), printing warnings. Prints
 * the error and returns NULL when the configuration is invalid. */
FoyerConfig *foyerctl_get_config    (FoyerctlContext    *ctx);

G_END_DECLS
