/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-scan-limiter.h: locks a kiosk's scanning after a burst of unknown codes.
 *
 * Someone trying ticket numbers at a kiosk produces unknown codes in quick succession; a
 * visitor with a wrong ticket produces one or two. After `limit` unknown codes within a minute
 * the limiter is locked until staff unlock it (with the PIN); while locked every code is refused
 * without being looked up, so guessing gets no answer at all.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FOYER_SCAN_LIMITER_WINDOW_SECONDS 60

/* Current time in µs (monotonic); tests inject their own. */
typedef gint64 (*FoyerScanLimiterClock) (gpointer user_data);

#define FOYER_TYPE_SCAN_LIMITER (foyer_scan_limiter_get_type ())
G_DECLARE_FINAL_TYPE (FoyerScanLimiter, foyer_scan_limiter, FOYER, SCAN_LIMITER, GObject)

/* limit 0 = never locks. */
FoyerScanLimiter *foyer_scan_limiter_new          (guint                  limit);
void              foyer_scan_limiter_set_clock    (FoyerScanLimiter      *self,
                                                   FoyerScanLimiterClock  clock,
                                                   gpointer               user_data);
/* Counts one unknown code; TRUE when it locked the limiter. */
gboolean          foyer_scan_limiter_add_unknown  (FoyerScanLimiter      *self);
gboolean          foyer_scan_limiter_is_locked    (FoyerScanLimiter      *self);
/* Staff entered the PIN: scanning again, with a fresh count. */
void              foyer_scan_limiter_unlock       (FoyerScanLimiter      *self);

G_END_DECLS
