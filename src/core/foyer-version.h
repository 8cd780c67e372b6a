/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-version.h: the version the binaries report and send to head office. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *foyer_get_version (void);

G_END_DECLS
