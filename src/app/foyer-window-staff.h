/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window-staff.h: the staff side of the kiosk window: the PIN that guards Admin and
 * leaving fullscreen, the admin page, and booth mode's lead capture.
 *
 * Window actions added here:
 *   win.open-admin          asks for the staff PIN (when one is needed), then shows Admin
 *   win.leave-fullscreen    asks for the staff PIN, then leaves fullscreen and shows controls
 *   win.staff-unlocked      the PIN page accepted the PIN (the page activates it)
 *   win.set-mode (s)        "entry" or "booth" at runtime
 *   win.sync-now            wakes the sync engine and retries now
 *   win.restart-camera      the camera source in the config changed
 *   win.show-leads          booth mode's list of today's leads
 *   win.edit-lead (s)       the lead card of an existing lead (from the list)
 *   win.lead-saved (s)      the lead card saved a lead: back home with a confirmation
 *   win.reprint-badge (s)   prints the badge of a registration id again
 *   win.connect-head-office from Admin: the "Connect to head office" page (enrollment)
 *   win.back-to-admin       from that page: Admin again, without a second PIN
 *   win.head-office-connected  the page enrolled the kiosk: flow and sync take the new keys
 */
#pragma once

#include "foyer-window.h"

G_BEGIN_DECLS

/* From foyer_window_class_init() and, once the application is known, from the window. */
void           _foyer_window_staff_class_init  (GtkWidgetClass *widget_class);
void           _foyer_window_staff_init        (FoyerWindow    *self);
/* Tooltips and labels of the staff buttons, again after a language switch. */
void           _foyer_window_staff_translate_chrome (FoyerWindow *self);
/* TRUE (with a message) when the visible page must not be replaced by a scan: a lead card
 * being filled in. */
gboolean       _foyer_window_staff_keeps_page  (FoyerWindow    *self);
/* Booth mode: shows the lead card the flow's FOYER_FLOW_STATUS_LEAD result asks for. */
void           _foyer_window_staff_show_lead   (FoyerWindow     *self,
                                                FoyerFlowResult *result);
gboolean       _foyer_window_staff_is_booth    (FoyerWindow    *self);
/* The camera was restarted: the enroll page, when shown, gets a view of the new one. */
void           _foyer_window_staff_camera_changed (FoyerWindow *self);
/* TRUE when the "Connect to head office" page is shown and took the scanned code. */
gboolean       _foyer_window_staff_take_code   (FoyerWindow    *self,
                                                GBytes         *raw);
/* The flow paused scanning (a burst of unknown codes): the PIN page resumes it. */
void           _foyer_window_staff_ask_resume_scanning (FoyerWindow *self);

/* The guard every PIN prompt of this window shares (lockouts hold across prompts). */
FoyerPinGuard *foyer_window_get_pin_guard      (FoyerWindow    *self);
/* Whether the window is in locked-down kiosk mode (fullscreen, no window controls). */
gboolean       foyer_window_get_kiosk_locked   (FoyerWindow    *self);

G_END_DECLS
