/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-done-page.h: "You are registered" with the visitor's badge QR code. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_DONE_PAGE (foyer_done_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerDonePage, foyer_done_page, FOYER, DONE_PAGE, GtkWidget)

/* qr_text: what the badge QR code carries (the signed badge code, else the badge code or id). */
void          foyer_done_page_show        (FoyerDonePage           *self,
                                           const FoyerRegistration *reg,
                                           const char              *qr_text);
/* FALSE: the print button says that printing is not configured, and does nothing. */
void          foyer_done_page_set_can_print (FoyerDonePage         *self,
                                             gboolean               can_print);
/* The QR code shown, or NULL. */
GdkPaintable *foyer_done_page_get_qr      (FoyerDonePage           *self);
const char   *foyer_done_page_get_qr_text (FoyerDonePage           *self);
const char   *foyer_done_page_get_name    (FoyerDonePage           *self);

G_END_DECLS
