/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-kiosk-flow.h: what a kiosk does with a scanned code or a submitted form, without GTK.
 *
 * The window, foyerctl and the tests hand the flow a code's bytes (foyer_kiosk_flow_scan()) or
 * a filled-in registration (foyer_kiosk_flow_register()) and get a FoyerFlowResult back: the
 * flow parses with the one set of payload options, checks in, signs, stores, and says what the
 * kiosk should answer. The window only maps the result to a page; foyerctl prints it. Both
 * therefore judge a badge the same way.
 */
#pragma once

#include <glib-object.h>

#include "foyer-config.h"
#include "foyer-flow-result.h"
#include "foyer-gate-rules.h"
#include "foyer-payload.h"
#include "foyer-store.h"
#include "foyer-store-checkins.h"

G_BEGIN_DECLS

#define FOYER_KIOSK_FLOW_ERROR (foyer_kiosk_flow_error_quark ())

typedef enum {
  FOYER_KIOSK_FLOW_ERROR_NO_STORE = 1,  /* the database could not be opened */
} FoyerKioskFlowError;

GQuark foyer_kiosk_flow_error_quark (void);

#define FOYER_TYPE_KIOSK_FLOW (foyer_kiosk_flow_get_type ())
G_DECLARE_FINAL_TYPE (FoyerKioskFlow, foyer_kiosk_flow, FOYER, KIOSK_FLOW, GObject)

/* store may be NULL (the database could not be opened): then store_error, if given, says why
 * and every answer that needs the store is an error result. */
FoyerKioskFlow            *foyer_kiosk_flow_new          (FoyerConfig       *config,
                                                          FoyerStore        *store,
                                                          const GError      *store_error);
FoyerConfig               *foyer_kiosk_flow_get_config   (FoyerKioskFlow    *self);
FoyerStore                *foyer_kiosk_flow_get_store    (FoyerKioskFlow    *self);
/* The options every code is parsed with (built once, by foyer_payload_options_new_from_config). */
const FoyerPayloadOptions *foyer_kiosk_flow_get_payload_options (FoyerKioskFlow *self);
/* Why badges this kiosk issues carry plain codes rather than signed ones (bad signing key), or
 * NULL. */
const GError              *foyer_kiosk_flow_get_signing_error (FoyerKioskFlow *self);
/* The [gate] rules entry scans are judged by (docs/gate-rules.md), or NULL when the
 * configuration's [gate] could not be read (every badge is then refused, with the reason). */
FoyerGateRules            *foyer_kiosk_flow_get_gate_rules (FoyerKioskFlow *self);
/* Whether [kiosk] mode is booth right now (staff may switch it at runtime). */
gboolean                   foyer_kiosk_flow_is_booth     (FoyerKioskFlow    *self);

/* What the QR code on reg's badge carries, first print or reprint: its badge code, else its
 * record id. */
const char                *foyer_kiosk_flow_badge_payload (const FoyerRegistration *reg);
/* TRUE after a burst of unknown codes ([badge] unknown-limit within a minute): every scan is
 * answered "locked" without a lookup until staff unlock it with the PIN. */
gboolean                   foyer_kiosk_flow_get_scan_locked (FoyerKioskFlow *self);
void                       foyer_kiosk_flow_unlock_scanning (FoyerKioskFlow *self);

/* A scanned code's bytes → checked-in, repeat, revoked, review, lead, contact-link, unknown,
 * unrecognized, forged, wrong-event, scan-locked or error. An unsigned badge code counts only
 * when [badge] accept-unsigned allows it (foyer-badge-policy.h); a signed one only for this
 * kiosk's event, at the entrance and at a booth. Writes a check-in to the store when one is due. */
FoyerFlowResult           *foyer_kiosk_flow_scan         (FoyerKioskFlow    *self,
                                                          GBytes            *raw);
/* Like foyer_kiosk_flow_scan() with this direction (NULL: the flow's) for this scan only;
 * dry_run decides without writing anything (foyerctl check-in --dry-run). */
FoyerFlowResult           *foyer_kiosk_flow_scan_full    (FoyerKioskFlow    *self,
                                                          GBytes            *raw,
                                                          const char        *direction,
                                                          gboolean           dry_run);
/* What a badge scan records: FOYER_DIRECTION_ENTRY or FOYER_DIRECTION_EXIT (property
 * "direction"; starts from [kiosk] direction, "both" starting as entry). */
const char                *foyer_kiosk_flow_get_direction (FoyerKioskFlow   *self);
void                       foyer_kiosk_flow_set_direction (FoyerKioskFlow   *self,
                                                           const char       *direction);

/* A walk-in from the form (reg is completed: event, kiosk id, signed badge code) → registered,
 * repeat (its badge was registered before) or error (the message is for the visitor). */
FoyerFlowResult           *foyer_kiosk_flow_register     (FoyerKioskFlow    *self,
                                                          FoyerRegistration *reg);

/* The configuration's [badge] keys changed (the kiosk was enrolled): load them again. */
void                foyer_kiosk_flow_reload_badge_keys (FoyerKioskFlow *self);
/* Reads [gate] again from the flow's configuration (after foyer_gate_rules_take_config()). */
void                foyer_kiosk_flow_reload_gate_rules (FoyerKioskFlow *self);

G_END_DECLS
