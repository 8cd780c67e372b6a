/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window-print.h: the kiosk window's side of badge printing: the print queue it owns,
 * auto-print ([badge] print-on), the done page's Print button with its reprint confirmation,
 * and the banner staff see when badges do not go to the first printer.
 *
 * Window actions added here:
 *   win.print-badge         prints the badge shown on the done page (a second print asks for
 *                           the staff PIN)
 */
#pragma once

#include "foyer-window.h"

G_BEGIN_DECLS

void     _foyer_window_print_class_init  (GtkWidgetClass  *widget_class);
/* Once the application is known: [badge] printer= → the print queue, started. */
void     _foyer_window_print_init        (FoyerWindow     *self);
void     _foyer_window_print_dispose     (FoyerWindow     *self);
/* Every flow result: prints it when [badge] print-on asks for it. */
void     _foyer_window_print_on_result   (FoyerWindow     *self,
                                          FoyerFlowResult *result);
/* The PIN page accepted the PIN for a reprint of the done page's badge. */
void     _foyer_window_print_confirmed   (FoyerWindow     *self);
/* The banner in the current language (after a language switch too). */
void     _foyer_window_print_update_banner (FoyerWindow   *self);
gboolean _foyer_window_print_can_print   (FoyerWindow     *self);

G_END_DECLS
