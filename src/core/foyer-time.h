/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-time.h: how Foyer shows a moment to people: the one date-and-time formatter of the
 * kiosk pages and foyerctl. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FOYER_TIME_SHORT,    /* "10:42" today, else "11-24 10:42" (the month-day order translated) */
  FOYER_TIME_PRECISE,  /* "10:42:07" today, else "2026-11-24 10:42" (logs, sync status) */
} FoyerTimeStyle;

/* when in local time, in style. */
char *foyer_time_format          (GDateTime      *when,
                                  FoyerTimeStyle  style);
/* An RFC 3339 timestamp as stored in records (UTC) → foyer_time_format(); NULL when it is
 * NULL or cannot be parsed. */
char *foyer_time_format_rfc3339  (const char     *timestamp,
                                  FoyerTimeStyle  style);
/* Microseconds since the epoch (g_get_real_time()) → foyer_time_format(). */
char *foyer_time_format_unix_us  (gint64          real_time_us,
                                  FoyerTimeStyle  style);

G_END_DECLS
