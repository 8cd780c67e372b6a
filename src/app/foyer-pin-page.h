/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-pin-page.h: the staff PIN pad that guards Admin and leaving the fullscreen kiosk. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_PIN_PAGE (foyer_pin_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerPinPage, foyer_pin_page, FOYER, PIN_PAGE, GtkWidget)

GtkWidget     *foyer_pin_page_new        (void);
FoyerPinGuard *foyer_pin_page_get_guard  (FoyerPinPage  *self);
/* The guard is shared by every PIN prompt of the window, so a lockout holds across them. */
void           foyer_pin_page_set_guard  (FoyerPinPage  *self,
                                          FoyerPinGuard *guard);
/* Clears the entry and shows why the PIN is asked for ("Open Admin", "Leave fullscreen"). */
void           foyer_pin_page_reset      (FoyerPinPage  *self,
                                          const char    *purpose);
/* The message shown under the dots (wrong PIN, lockout); for tests. */
const char    *foyer_pin_page_get_message (FoyerPinPage *self);
/* Types a digit, as a tap on the pad would; for tests and the hardware keyboard. */
void           foyer_pin_page_type        (FoyerPinPage *self,
                                           const char   *digits);
void           foyer_pin_page_submit      (FoyerPinPage *self);

G_END_DECLS
