/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-booth-util.h: small helpers the kiosk's pages share (times, labels, lists). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Local midnight of today as a UTC RFC 3339 timestamp, the "since" of today's records. */
char       *foyer_booth_start_of_today   (void);
/* foyer_time_format_rfc3339 (FOYER_TIME_SHORT) for lists: "" for NULL and the input itself
 * when it cannot be parsed. */
char       *foyer_booth_format_time      (const char *timestamp);
/* Translated names of the record enumerations. */
const char *foyer_booth_category_label   (const char *category);
const char *foyer_booth_rating_label     (const char *rating);
const char *foyer_booth_record_type_label (const char *type);
/* Empties a list box (gtk_list_box_remove_all() is GTK 4.12; Debian 12 has 4.8). */
void        foyer_booth_list_box_clear   (GtkListBox *list);
/* Shows @text in @label, or hides the label for NULL. */
void        foyer_booth_show_message     (GtkLabel   *label,
                                          const char *text);

G_END_DECLS
