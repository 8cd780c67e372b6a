/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-wedge-controller.h: keyboard-wedge scanners anywhere in a window, without focus. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-wedge.h"

G_BEGIN_DECLS

#define FOYER_TYPE_WEDGE_CONTROLLER (foyer_wedge_controller_get_type ())
G_DECLARE_FINAL_TYPE (FoyerWedgeController, foyer_wedge_controller, FOYER, WEDGE_CONTROLLER,
                      GObject)

/* Signal: scanned (GBytes *code): a burst at scanner speed ending in Enter. */

FoyerWedgeController *foyer_wedge_controller_new    (guint                 interkey_ms);
/* Reads [scanner] interkey-ms. */
FoyerWedgeController *foyer_wedge_controller_new_from_config (FoyerConfig      *config);
/* Watches key presses on widget (usually the window) in the capture phase. One widget at a
 * time; attaching again moves the controller. */
void                  foyer_wedge_controller_attach (FoyerWedgeController *self,
                                                     GtkWidget            *widget);
void                  foyer_wedge_controller_detach (FoyerWedgeController *self);
/* Feeds one key press as if it came from GTK (time in ms, GDK's event time); returns TRUE when
 * the controller consumed it. For tests and for widgets that forward keys themselves. */
gboolean              foyer_wedge_controller_key_pressed (FoyerWedgeController *self,
                                                          guint                 keyval,
                                                          GdkModifierType       state,
                                                          guint32               time_ms);

G_END_DECLS
