/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-scan-page.h: the home page: camera preview and "scan your badge". */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FOYER_TYPE_SCAN_PAGE (foyer_scan_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerScanPage, foyer_scan_page, FOYER, SCAN_PAGE, GtkWidget)

/* The status line: sync state and queue ("Offline · 3 records kept on this kiosk"). */
void        foyer_scan_page_set_sync_status   (FoyerScanPage *self,
                                               const char    *text);
/* The camera half of the status line, e.g. "Camera ready"; NULL hides it. */
void        foyer_scan_page_set_camera_status (FoyerScanPage *self,
                                               const char    *text);
/* Replaces the camera placeholder with the live preview widget. */
void        foyer_scan_page_set_camera_widget (FoyerScanPage *self,
                                               GtkWidget     *widget);
const char *foyer_scan_page_get_status_text   (FoyerScanPage *self);
/* Booth wording (capture a lead) and no "Register without a code"; FALSE: the entrance's. */
void        foyer_scan_page_set_booth         (FoyerScanPage *self,
                                               gboolean       booth);
/* What a scan here records: "entry" or "exit", shown at the top and in the wording (an exit
 * kiosk registers nobody); NULL hides it (booth). switchable: [kiosk] direction=both, the
 * indicator is the staff's button to switch (win.toggle-direction, behind the PIN). */
void        foyer_scan_page_set_direction     (FoyerScanPage *self,
                                               const char    *direction,
                                               gboolean       switchable);
/* The event's "inside now" part of the status line ("412 inside now"); NULL hides it. */
void        foyer_scan_page_set_inside_status (FoyerScanPage *self,
                                               const char    *text);

G_END_DECLS
