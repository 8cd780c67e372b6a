/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-qr-paintable.h: a QR code as a GdkPaintable, sharp at any size. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FOYER_QR_PAINTABLE_QUIET_ZONE 4   /* modules of white around the symbol */

#define FOYER_TYPE_QR_PAINTABLE (foyer_qr_paintable_get_type ())
G_DECLARE_FINAL_TYPE (FoyerQrPaintable, foyer_qr_paintable, FOYER, QR_PAINTABLE, GObject)

/* Encodes data (8-bit mode, error correction M); NULL when it does not fit a QR code. */
FoyerQrPaintable *foyer_qr_paintable_new            (const guint8     *data,
                                                     gsize             len);
FoyerQrPaintable *foyer_qr_paintable_new_for_string (const char       *text);
/* Modules per side, without the quiet zone. */
int               foyer_qr_paintable_get_modules    (FoyerQrPaintable *self);
/* TRUE for a dark module at (x, y), 0-based without the quiet zone. */
gboolean          foyer_qr_paintable_get_module     (FoyerQrPaintable *self,
                                                     int               x,
                                                     int               y);

G_END_DECLS
