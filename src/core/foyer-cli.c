/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-cli.c: locale set-up and global options of the command-line tools. */
#define G_LOG_DOMAIN "foyer-cli"

#include "config.h"

#include <string.h>
#include <termios.h>
#include <unistd.h>
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

gboolean
foyer_cli_parse_command_options (const char          *program,
                                 const char          *command,
                                 const char          *parameter_string,
                                 const char          *summary,
                                 const GOptionEntry  *entries,
                                 int                 *argc,
                                 char              ***argv,
                                 char               **new_config_path)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *param = g_strdup_printf ("%s%s%s", command, parameter_string ? " " : "",
                                            parameter_string ? parameter_string : "");
  const GOptionEntry common[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("Read the configuration from FILE"), N_("FILE") },
    { NULL }
  };

  *new_config_path = NULL;
  context = g_option_context_new (param);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error)) {
    g_printerr ("%s %s: %s\n", program, command, error->message);
    /* TRANSLATORS: the first %s is the program (foyerctl, foyer-hub), the second its command. */
    g_printerr (_("Run “%s %s --help” for the options.\n"), program, command);
    return FALSE;
  }
  *new_config_path = g_steal_pointer (&config_path);
  return TRUE;
}

char *
foyer_cli_read_line (FILE *stream)
{
  g_autoptr(GString) line = g_string_new (NULL);
  int c;

  while ((c = fgetc (stream)) != EOF && c != '\n')
    g_string_append_c (line, (char)c);
  if (c == EOF && line->len == 0)
    return NULL;
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

char *
foyer_cli_prompt_hidden (const char *prompt)
{
  struct termios saved, quiet;
  gboolean restore = FALSE;
  char *line;

  fputs (prompt, stderr);
  fflush (stderr);
  if (tcgetattr (STDIN_FILENO, &saved) == 0) {
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  line = foyer_cli_read_line (stdin);
  if (restore)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  return line;
}
