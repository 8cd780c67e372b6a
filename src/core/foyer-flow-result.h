/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-flow-result.h: what the kiosk flow decided about one scanned code or submitted form.
 *
 * A result is immutable once the flow returns it. Its status says which answer the kiosk gives;
 * the other fields carry what that answer needs (the visitor, the card to review, the earlier
 * check-in's time and gate, the reasons). Later rules add statuses and fields here without
 * changing how the window or foyerctl read the existing ones.
 */
#pragma once

#include <glib-object.h>

#include "foyer-payload.h"
#include "foyer-record.h"

G_BEGIN_DECLS

typedef enum {
  FOYER_FLOW_STATUS_CHECKED_IN = 1, /* a pre-registered badge, checked in now */
  FOYER_FLOW_STATUS_REPEAT,         /* checked in or registered before: when and where */
  FOYER_FLOW_STATUS_REGISTERED,     /* a submitted form was stored: show and print the badge */
  FOYER_FLOW_STATUS_REVIEW,         /* a business card: the visitor reviews it in the form */
  FOYER_FLOW_STATUS_LEAD,           /* booth mode: a visitor to capture as a lead */
  FOYER_FLOW_STATUS_CONTACT_LINK,   /* a messenger contact link: no personal data in it */
  FOYER_FLOW_STATUS_UNKNOWN,        /* a badge code that nobody registered for this event */
  FOYER_FLOW_STATUS_UNRECOGNIZED,   /* neither a badge nor a business card */
  FOYER_FLOW_STATUS_FORGED,         /* a Foyer badge whose signature does not verify */
  FOYER_FLOW_STATUS_REVOKED,        /* a badge cancelled at head office */
  FOYER_FLOW_STATUS_WRONG_EVENT,    /* a genuine Foyer badge of another event */
  FOYER_FLOW_STATUS_REFUSED,        /* a gate rule turned the visitor away */
  FOYER_FLOW_STATUS_ERROR,          /* the kiosk could not decide (store missing or failing) */
} FoyerFlowStatus;

/* A stable lower-case name of a status ("checked-in", "repeat", "wrong-event", …) for logs,
 * JSON and tests. */
const char *foyer_flow_status_to_nick (FoyerFlowStatus status);

#define FOYER_TYPE_FLOW_RESULT (foyer_flow_result_get_type ())
G_DECLARE_FINAL_TYPE (FoyerFlowResult, foyer_flow_result, FOYER, FLOW_RESULT, GObject)

FoyerFlowStatus          foyer_flow_result_get_status         (FoyerFlowResult *self);
/* Whether the visitor may go in: TRUE for checked-in, registered, and repeat unless a rule
 * refuses re-entry. */
gboolean                 foyer_flow_result_get_admitted       (FoyerFlowResult *self);
/* The visitor: checked-in, repeat, registered, lead (a badge lead has none: see badge code). */
const FoyerRegistration *foyer_flow_result_get_registration   (FoyerFlowResult *self);
/* review, lead from a card: what the code carried. */
const FoyerContact      *foyer_flow_result_get_contact        (FoyerFlowResult *self);
/* review: the registration source the card gives (FOYER_SOURCE_VCARD, …). */
const char              *foyer_flow_result_get_source         (FoyerFlowResult *self);
/* The code's bytes as scanned, or NULL for a form. */
GBytes                  *foyer_flow_result_get_raw            (FoyerFlowResult *self);
/* The badge code the code carried (checked-in, repeat, unknown, lead, …), or NULL. */
const char              *foyer_flow_result_get_badge_code     (FoyerFlowResult *self);
/* registered: what the badge's QR code carries (signed badge code, else the record id). */
const char              *foyer_flow_result_get_badge_payload  (FoyerFlowResult *self);
/* registered: TRUE when [badge] auto-print asks to print it right away. */
gboolean                 foyer_flow_result_get_auto_print     (FoyerFlowResult *self);
/* repeat: when (RFC 3339 UTC) and at which gate ([kiosk] id) the visitor came in before. */
const char              *foyer_flow_result_get_previous_time  (FoyerFlowResult *self);
const char              *foyer_flow_result_get_previous_gate  (FoyerFlowResult *self);
/* Why not ok, in words for the visitor and in detail for staff; NULL when there is nothing
 * to say. */
const char              *foyer_flow_result_get_visitor_reason (FoyerFlowResult *self);
const char              *foyer_flow_result_get_staff_reason   (FoyerFlowResult *self);
/* error: what failed (a FOYER_KIOSK_FLOW_ERROR or the store's error). */
const GError            *foyer_flow_result_get_error          (FoyerFlowResult *self);

G_END_DECLS
