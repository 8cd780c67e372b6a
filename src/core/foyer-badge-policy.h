/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-badge-policy.h: which badge codes a kiosk may act on, whatever scanned them.
 *
 * [badge] accept-unsigned decides what a code that is not a signed Foyer code (FY1…) may do:
 * "list" (the default) accepts it, on a kiosk that checks signed badges (a verify or signing
 * key is configured), only when it is in the event's pre-registration list, so the tickets an
 * organiser sent out keep working; on a kiosk without a key every badge is unsigned and the
 * store's lookup alone decides. "never" accepts signed codes only. Any other code is unknown:
 * it checks nobody in and reveals no name. A signed code must also be for this
 * kiosk's event, at the entrance and at a booth alike.
 */
#pragma once

#include "foyer-config.h"
#include "foyer-store.h"

G_BEGIN_DECLS

/* TRUE when config accepts an unsigned code at all ([badge] accept-unsigned=list). */
gboolean foyer_badge_policy_accepts_unsigned (FoyerConfig  *config);
/* TRUE when the unsigned code may be acted on: accepted by config and, on a kiosk with a key,
 * in the event's pre-registration list. FALSE without error when it is unknown; FALSE with error when the
 * store cannot be read. */
gboolean foyer_badge_policy_allows_unsigned  (FoyerConfig  *config,
                                              FoyerStore   *store,
                                              const char   *badge_code,
                                              GError      **error);
/* TRUE when a signed badge issued for badge_event may be used at this kiosk ([kiosk] event). */
gboolean foyer_badge_policy_event_matches    (FoyerConfig  *config,
                                              const char   *badge_event);

G_END_DECLS
