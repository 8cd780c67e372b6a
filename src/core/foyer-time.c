/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-time.c: the one date-and-time formatter (see foyer-time.h). */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "foyer-time.h"

char *
foyer_time_format (GDateTime      *when,
                   FoyerTimeStyle  style)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gboolean today;

  g_return_val_if_fail (when != NULL, NULL);

  local = g_date_time_to_local (when);
  today = g_date_time_get_year (local) == g_date_time_get_year (now) &&
          g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now);
  if (style == FOYER_TIME_PRECISE)
    return g_date_time_format (local, today ? "%H:%M:%S" : "%Y-%m-%d %H:%M");
  if (today)
    return g_date_time_format (local, "%H:%M");
  /* TRANSLATORS: a date and time for g_date_time_format(), e.g. "11-24 10:42" */
  return g_date_time_format (local, _("%m-%d %H:%M"));
}

char *
foyer_time_format_rfc3339 (const char     *timestamp,
                           FoyerTimeStyle  style)
{
  g_autoptr(GDateTime) when = NULL;

  if (timestamp == NULL || (when = g_date_time_new_from_iso8601 (timestamp, NULL)) == NULL)
    return NULL;
  return foyer_time_format (when, style);
}

char *
foyer_time_format_unix_us (gint64          real_time_us,
                           FoyerTimeStyle  style)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (real_time_us / G_USEC_PER_SEC);

  if (when == NULL)
    return NULL;
  return foyer_time_format (when, style);
}
