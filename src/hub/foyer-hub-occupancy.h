/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-occupancy.h: "inside now" of one event, per event and per area (hall).
 *
 * The rule (docs/sync-protocol.md "Occupancy"): per badge, the latest check-in that is not
 * annulled, by its time (created_at, then id), decides (a walk-in registration made at an entry
 * kiosk is an entry too): an entry means inside in that check-in's
 * area, an exit means outside. A check-in stored twice is one check-in (ids are unique at the
 * hub), an annulment applies whether it arrives before or after its check-in, and an erasure
 * removes the badge. The result depends only on the set of records, never on their arrival
 * order, so it is exact under concurrency, duplicates and resends.
 *
 * It also keeps the event's badge revocations (the registrations pull marks rows with them).
 *
 * Kept incrementally: update() reads the check-in changes after the last one it has seen (by
 * change sequence), so a hub serving long-polls pays per change, not per answer. Thread-safe.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_TYPE_OCCUPANCY (foyer_hub_occupancy_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubOccupancy, foyer_hub_occupancy, FOYER_HUB, OCCUPANCY, GObject)

FoyerHubOccupancy *foyer_hub_occupancy_new         (const char        *event);
/* Reads the event's check-in changes it has not seen yet. */
gboolean           foyer_hub_occupancy_update      (FoyerHubOccupancy *self,
                                                    FoyerHubStorage   *storage,
                                                    GError           **error);
/* Applies one change row (check_in, annulment, erasure or revocation); rows seen before are
 * ignored. */
void               foyer_hub_occupancy_apply       (FoyerHubOccupancy *self,
                                                    const FoyerHubRecordRow *row);
gboolean           foyer_hub_occupancy_is_annulled (FoyerHubOccupancy *self,
                                                    const char        *check_in_id);
/* {"event": N, "areas": {"A": n, …}} (areas with nobody inside are left out). */
JsonNode          *foyer_hub_occupancy_inside      (FoyerHubOccupancy *self);
/* The reason a badge code was revoked for ("" without one), NULL when it is not revoked. */
char              *foyer_hub_occupancy_revoked     (FoyerHubOccupancy *self,
                                                    const char        *badge_code);
gint64             foyer_hub_occupancy_total       (FoyerHubOccupancy *self);

G_END_DECLS
