/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window-door.h: what staff at the door do on an entry kiosk (issue 16): check a visitor
 * in without a badge, annul one of this kiosk's last check-ins, switch entry/exit.
 *
 * Window actions added here (each asks for the staff PIN unless staff come from Admin, or the
 * kiosk has no PIN and is not locked down, as Admin itself):
 *   win.open-search          the search over pre-registrations
 *   win.check-in-badge (s)   checks a badge code found by the search in through the kiosk
 *                            flow, as a scan of it would (search page only)
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

G_END_DECLS
