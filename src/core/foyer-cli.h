/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-cli.h: the start of main() shared by the command-line tools (foyerctl, foyer-hub).
 *
 * Both take `PROGRAM [GLOBAL OPTIONS] COMMAND [OPTIONS]` with the same global options and must
 * translate their messages the same way, so one function does both.
 */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

/* Prints the program's usage to out (stdout for --help, stderr after a usage error). */
typedef void (*FoyerCliUsageFunc) (FILE *out);

/* Sets up the locale and the message catalogue (foyer_i18n_init()), then reads the global
 * options before the command: --version/-V, --help/-h, --config/-c FILE and --config=FILE (the
 * last one given wins; *config_path is replaced). program names the tool in --version and in
 * messages.
 *
 * Returns -1 when main() goes on with the command at argv[*first]. Otherwise returns the exit
 * status for main(): 0 after --version or --help, 2 (usage error) after an unknown option or
 * when no command follows; the message and print_usage (stderr) are already printed. */
int foyer_cli_start (const char        *program,
                     int                argc,
                     char             **argv,
                     FoyerCliUsageFunc  print_usage,
                     char             **config_path,
                     int               *first);

/* Parses a command's options: entries (may be NULL) plus --config FILE, with `PROGRAM COMMAND
 * [parameter_string]` and summary in --help. *new_config_path is the FILE of a --config given
 * here (free it), or NULL. FALSE, with the error and a hint on stderr, when argv is wrong. */
gboolean foyer_cli_parse_command_options (const char          *program,
                                          const char          *command,
                                          const char          *parameter_string,
                                          const char          *summary,
                                          const GOptionEntry  *entries,
                                          int                 *argc,
                                          char              ***argv,
                                          char               **new_config_path);

/* One line from stream without its line ending ("\n" or "\r\n"); NULL at end of input. */
char    *foyer_cli_read_line     (FILE       *stream);
/* Prints prompt on stderr and reads one line from stdin with the terminal's echo off. */
char    *foyer_cli_prompt_hidden (const char *prompt);

G_END_DECLS
