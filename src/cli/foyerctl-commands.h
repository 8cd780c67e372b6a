/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-commands.h: the subcommands; each is listed in foyerctl.c's commands[]. */
#pragma once

#include "foyerctl.h"

G_BEGIN_DECLS

int foyerctl_cmd_config (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_set_pin (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_badge_keygen (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_badge (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_print_badge (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_parse (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_export (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_import (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_register (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_stats (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_purge (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_decode (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_sync (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_outbox (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_enroll (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_gate (FoyerctlContext *ctx, int argc, char **argv);
int foyerctl_cmd_parse (FoyerctlContext *ctx, int argc, char **argv);

G_END_DECLS
