/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-booth-util.c: small helpers the booth and admin pages share (times, labels). */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-booth-util.h"
#include "foyer-welcome-page.h"
#include "foyer-record.h"
#include "foyer-time.h"

char *
foyer_booth_start_of_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                         g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now),
                                                         0, 0, 0);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (midnight);

  /* The same shape as foyer_timestamp_now(), so the store can compare them as text. */
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z");
}

char *
foyer_booth_format_time (const char *timestamp)
{
  char *text = foyer_time_format_rfc3339 (timestamp, FOYER_TIME_SHORT);

  if (text != NULL)
    return text;
  return g_strdup (timestamp != NULL ? timestamp : "");
}

/* The entry pages' names, so a category reads the same on every screen; unknown ones as stored. */
const char *
foyer_booth_category_label (const char *category)
{
  const char *name = foyer_category_display_name (category);

  if (name != NULL)
    return name;
  return category != NULL ? category : _("Unknown");
}

const char *
foyer_booth_rating_label (const char *rating)
{
  if (g_strcmp0 (rating, FOYER_RATING_HOT) == 0)
    return C_("lead rating", "Hot");
  if (g_strcmp0 (rating, FOYER_RATING_WARM) == 0)
    return C_("lead rating", "Warm");
  if (g_strcmp0 (rating, FOYER_RATING_COLD) == 0)
    return C_("lead rating", "Cold");
  return rating != NULL ? rating : "";
}

const char *
foyer_booth_record_type_label (const char *type)
{
  if (g_strcmp0 (type, "registration") == 0)
    return _("Registration");
  if (g_strcmp0 (type, "check_in") == 0)
    return _("Check-in");
  if (g_strcmp0 (type, "lead") == 0)
    return _("Lead");
  return type != NULL ? type : "";
}

void
foyer_booth_list_box_clear (GtkListBox *list)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_LIST_BOX (list));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
foyer_booth_show_message (GtkLabel   *label,
                          const char *text)
{
  g_return_if_fail (GTK_IS_LABEL (label));
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}
