/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-wedge.h: tells a keyboard-wedge scanner from a person by the rhythm of keystrokes.
 *
 * A USB barcode scanner in keyboard mode "types" its code a few milliseconds per key and ends
 * with Enter; a person needs 80 ms or more between keys. Pure logic, no GTK: the app's key
 * controller (src/app/foyer-wedge-controller.c) feeds it characters with the event times.
 */
#pragma once

#include <glib-object.h>

#include "foyer-config.h"

G_BEGIN_DECLS

/* A scan needs at least this many characters: a person's accidental fast double key plus
 * Enter is not a scan. */
#define FOYER_WEDGE_MIN_LENGTH 4

typedef enum {
  FOYER_WEDGE_HUMAN,   /* the key starts a new burst (or is a person's): let it through */
  FOYER_WEDGE_BURST,   /* the key came within interkey-ms of the previous one: a scan may be
                        * under way */
} FoyerWedgeVerdict;

#define FOYER_TYPE_WEDGE (foyer_wedge_get_type ())
G_DECLARE_FINAL_TYPE (FoyerWedge, foyer_wedge, FOYER, WEDGE, GObject)

FoyerWedge        *foyer_wedge_new            (guint        interkey_ms);
/* Reads [scanner] interkey-ms. */
FoyerWedge        *foyer_wedge_new_from_config (FoyerConfig *config);

guint              foyer_wedge_get_interkey_ms (FoyerWedge  *self);

/* A printable character typed at time_us (any monotonic clock in µs, e.g. the event time). */
FoyerWedgeVerdict  foyer_wedge_feed           (FoyerWedge  *self,
                                               gunichar     c,
                                               gint64       time_us);
/* Enter at time_us. Returns the scanned code (UTF-8 bytes) when it ends a fast burst of at
 * least FOYER_WEDGE_MIN_LENGTH characters, else NULL (a person pressed Enter). Either way the
 * burst is over. */
GBytes            *foyer_wedge_feed_enter     (FoyerWedge  *self,
                                               gint64       time_us);
/* The characters of the burst under way (to retract them from a text field on a scan). */
guint              foyer_wedge_get_burst_length (FoyerWedge *self);
/* Forgets the burst (focus moved, a modifier key, a key that types nothing). */
void               foyer_wedge_reset          (FoyerWedge  *self);

G_END_DECLS
