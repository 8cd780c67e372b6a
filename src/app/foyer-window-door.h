/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window-door.h: what staff at the door do on an entry kiosk (issue 16): check a visitor
 * in without a badge, annul one of this kiosk's last check-ins, switch entry/exit.
 *
 * Window actions added here (each asks for the staff PIN unless staff come from Admin, or the
 * kiosk has no PIN and is not locked down, as Admin itself):
 *   win.open-search          the search over pre-registrations
 *   win.check-in-badge (s)   checks a badge code found by the search in through the kiosk
 *                            flow, as a scan of it would (search page only)
 *   win.open-annul           this kiosk's last check-ins, to annul one (after a confirmation)
 *   win.toggle-direction     entry ⇄ exit, where [kiosk] direction=both
 */
#pragma once

#include "foyer-window-private.h"

G_BEGIN_DECLS

void     _foyer_window_door_class_init     (GtkWidgetClass *widget_class);
/* The PIN page accepted the PIN for one of the door's targets. */
void     _foyer_window_door_unlocked       (FoyerWindow    *self,
                                            FoyerPinTarget  target);
/* Whether page is one of the door's staff pages (the header shows Back there). */
gboolean _foyer_window_door_is_staff_page  (const char     *page);
/* The scan page's entry/exit indicator, from the flow's direction and the mode. */
void     _foyer_window_door_update_scan_page (FoyerWindow  *self);
/* "412 people inside now" from the last pull, or NULL before any. */
char    *_foyer_window_door_inside_text    (FoyerWindow    *self);

G_END_DECLS
