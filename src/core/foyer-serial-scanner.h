/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-serial-scanner.h: a barcode scanner in USB-serial (CDC-ACM) mode, [scanner] serial.
 *
 * Reads the tty in raw mode; every line (ended by CR, LF or CR LF) is one scan. A device that
 * is missing or unplugged is retried every few seconds; scans arrive on the main context.
 */
#pragma once

#include <glib-object.h>

#include "foyer-config.h"

G_BEGIN_DECLS

#define FOYER_TYPE_SERIAL_SCANNER (foyer_serial_scanner_get_type ())
G_DECLARE_FINAL_TYPE (FoyerSerialScanner, foyer_serial_scanner, FOYER, SERIAL_SCANNER, GObject)

/* Signals: scanned (GBytes *code); notify::available. */

FoyerSerialScanner *foyer_serial_scanner_new             (const char         *path);
/* NULL when [scanner] serial is not set. */
FoyerSerialScanner *foyer_serial_scanner_new_from_config (FoyerConfig        *config);

void                foyer_serial_scanner_start           (FoyerSerialScanner *self);
void                foyer_serial_scanner_stop            (FoyerSerialScanner *self);
gboolean            foyer_serial_scanner_get_available   (FoyerSerialScanner *self);
/* Why the device cannot be used (for logs and the admin page), else NULL. */
const char         *foyer_serial_scanner_get_detail      (FoyerSerialScanner *self);
void                foyer_serial_scanner_set_retry_seconds (FoyerSerialScanner *self,
                                                            guint               seconds);

G_END_DECLS
