/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-cli.c: locale set-up and global options of the command-line tools. */
#define G_LOG_DOMAIN "foyer-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "foyer-cli.h"
#include "foyer-i18n.h"
#include "foyer-version.h"

/* The exit statuses every tool shares (FOYERCTL_EXIT_*, FOYER_HUB_EXIT_*): sysexits-like. */
#define CLI_EXIT_OK    0
#define CLI_EXIT_USAGE 2

static void
replace_config_path (char       **config_path,
                     const char  *value)
{
  g_free (*config_path);
  *config_path = g_strdup (value);
}

int
foyer_cli_start (const char        *program,
                 int                argc,
                 char             **argv,
                 FoyerCliUsageFunc  print_usage,
                 char             **config_path,
                 int               *first)
{
  foyer_i18n_init ();

  *first = 1;
  while (*first < argc && argv[*first][0] == '-') {
    const char *arg = argv[*first];

    if (strcmp (arg, "--version") == 0 || strcmp (arg, "-V") == 0) {
      g_print ("%s %s\n", program, foyer_get_version ());
      return CLI_EXIT_OK;
    } else if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0) {
      print_usage (stdout);
      return CLI_EXIT_OK;
    } else if ((strcmp (arg, "--config") == 0 || strcmp (arg, "-c") == 0) && *first + 1 < argc) {
      replace_config_path (config_path, argv[*first + 1]);
      *first += 2;
    } else if (g_str_has_prefix (arg, "--config=")) {
      replace_config_path (config_path, arg + strlen ("--config="));
      *first += 1;
    } else {
      /* TRANSLATORS: the first %s is the program (foyerctl, foyer-hub), the second an option. */
      g_printerr (_("%s: unknown option %s\n"), program, arg);
      print_usage (stderr);
      return CLI_EXIT_USAGE;
    }
  }
  if (*first >= argc) {
    print_usage (stderr);
    return CLI_EXIT_USAGE;
  }
  return -1;
}
