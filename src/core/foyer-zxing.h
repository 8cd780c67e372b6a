/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-zxing.h: a C interface to zxing-cpp (Debian's libzxing 1.4 has a C++ API only).
 *
 * The decoder's second engine. Only the symbologies Foyer reads (QR, Code 128, Code 39,
 * EAN-13). Each symbol's bytes are the code's raw content, without character set conversion
 * (zxing's text() would re-encode a GB18030 or Shift_JIS payload it guessed wrong): exactly
 * what zbar gives with ZBAR_CFG_BINARY, so that the payload layer sees the same bytes whichever
 * engine read the code. No C++ exception crosses this interface.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One symbol: zbar's type name ("QR-Code", "CODE-128", "CODE-39", "EAN-13"), the raw bytes,
 * whether the code carried an ECI designator, and the four corners (x, y pairs: top-left,
 * top-right, bottom-right, bottom-left) in the image's pixels. */
typedef void (*FoyerZxingFunc) (const char   *type,
                                const guint8 *bytes,
                                gsize         len,
                                gboolean      has_eci,
                                const int     corners[8],
                                gpointer      user_data);

/* Reads 8-bit gray (stride ≥ width). try_harder: zxing's slower, more thorough search (every
 * line, rotations) for stills. Calls func for each symbol found; returns how many, or -1 when
 * zxing failed (the message in *error_message, to be freed with g_free). */
int foyer_zxing_read (const guint8   *gray,
                      int             width,
                      int             height,
                      int             stride,
                      gboolean        try_harder,
                      FoyerZxingFunc  func,
                      gpointer        user_data,
                      char          **error_message);

G_END_DECLS
