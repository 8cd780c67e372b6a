/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-checkins.h: what two-way sync keeps in the store (issue 16).
 *
 * - the check-in log: every entry and exit of the event's badges, this kiosk's own
 *   (foyer_store_record_check_in()) and the other gates' (pulled), with annulments;
 * - the pulled registrations: pre-registrations, other kiosks' registrations, revocations and
 *   erasures, in the pre-registration table with a status (valid, revoked);
 * - the pull cursors, the event's last "inside now" figure and the booth team's merged leads.
 *
 * Same rules as foyer-store.h: one FoyerStore per thread, every write committed before return.
 * foyer-store-checkins.c holds the check-in log, foyer-store-pull.c what a pull writes.
 */
#pragma once

#include "foyer-store.h"

G_BEGIN_DECLS

#define FOYER_DIRECTION_ENTRY "entry"
#define FOYER_DIRECTION_EXIT  "exit"

/* How many of this kiosk's latest check-ins staff may annul. */
#define FOYER_STORE_ANNUL_WINDOW 20

typedef struct {
  char     *id;          /* record id (UUID); for a first entry at this kiosk the id of its
                          * check_in registration */
  char     *event;
  char     *badge_code;
  char     *direction;   /* FOYER_DIRECTION_ENTRY | FOYER_DIRECTION_EXIT */
  char     *gate;        /* [kiosk] id of the kiosk that recorded it */
  char     *area;        /* [kiosk] area (hall), or NULL */
  char     *at;          /* RFC 3339 UTC */
  gboolean  annulled;
  gboolean  local;       /* recorded by this kiosk (else pulled) */
} FoyerCheckIn;

FoyerCheckIn *foyer_check_in_copy (const FoyerCheckIn *check_in);
void          foyer_check_in_free (FoyerCheckIn *check_in);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerCheckIn, foyer_check_in_free)

/* --- badges --- */

typedef enum {
  FOYER_BADGE_STATUS_UNKNOWN = 0,  /* nobody with this badge code for the event */
  FOYER_BADGE_STATUS_VALID,
  FOYER_BADGE_STATUS_REVOKED,      /* cancelled at head office: refused */
} FoyerBadgeStatus;

/* Who holds badge_code for event: this kiosk's registration or the (pulled or imported)
 * pre-registration. *visitor (may be NULL) gets the registration; *reason the revocation's
 * reason for staff (NULL when none given). */
gboolean      foyer_store_lookup_badge_status (FoyerStore         *self,
                                               const char         *event,
                                               const char         *badge_code,
                                               FoyerBadgeStatus   *status,
                                               FoyerRegistration **visitor,
                                               char              **reason,
                                               GError            **error);

/* --- the check-in log --- */

/* The latest entry of badge_code that is not annulled, at any gate, or NULL (no error). */
FoyerCheckIn *foyer_store_last_entry          (FoyerStore         *self,
                                               const char         *event,
                                               const char         *badge_code,
                                               GError            **error);
/* Records a check-in (direction entry or exit) at gate (this kiosk) and queues it for sync,
 * in one transaction. The first entry of a badge at this kiosk is, as before, a check_in
 * registration copied from the pre-registration (with the visitor's data); any later entry and
 * every exit is a check_in record of the log alone. FOYER_STORE_ERROR_NOT_FOUND when the badge
 * is neither registered nor pre-registered. *out (may be NULL) gets the log row, *visitor the
 * visitor's registration. Emits ::record-added. */
gboolean      foyer_store_record_check_in     (FoyerStore         *self,
                                               const char         *event,
                                               const char         *gate,
                                               const char         *area,
                                               const char         *badge_code,
                                               const char         *direction,
                                               GBytes             *raw_payload,
                                               FoyerCheckIn      **out,
                                               FoyerRegistration **visitor,
                                               GError            **error);
/* This kiosk's latest check-ins (newest first, at most FOYER_STORE_ANNUL_WINDOW), annulled
 * ones included (their annulled flag set): the list staff annul from. FoyerCheckIn items. */
GPtrArray    *foyer_store_list_recent_check_ins (FoyerStore       *self,
                                                 GError          **error);
/* Annuls check_in_id, which must be one of the list above and not annulled yet: marks it
 * annulled and queues an "annulment" record for head office, in one transaction.
 * FOYER_STORE_ERROR_NOT_FOUND when it is not among this kiosk's latest check-ins,
 * FOYER_STORE_ERROR_INVALID when it is annulled already. *annulment_id (may be NULL) gets the
 * new record's id. Emits ::record-added. */
gboolean      foyer_store_annul_check_in      (FoyerStore         *self,
                                               const char         *check_in_id,
                                               char              **annulment_id,
                                               GError            **error);

/* --- pulls (the sync thread) --- */

#define FOYER_PULL_REGISTRATIONS "registrations"
#define FOYER_PULL_CHECK_INS     "check-ins"
#define FOYER_PULL_LEADS         "leads"

/* The cursor a pull of feed resumes from (NULL: from the start). */
char         *foyer_store_get_pull_cursor     (FoyerStore         *self,
                                               const char         *feed,
                                               GError            **error);
/* Applies one page of feed's rows (docs/sync-protocol.md "Two-way sync") and stores cursor
 * in the same transaction, so that a pull killed at any point resumes from the last page it
 * committed, without gaps or duplicates (rows replace by key). booth: the leads' booth.
 * inside (may be NULL): the check-ins answer's figure, kept for the status line. A malformed
 * row is skipped (logged at debug level); *n_applied counts the others. */
gboolean      foyer_store_apply_pull          (FoyerStore         *self,
                                               const char         *feed,
                                               const char         *event,
                                               const char         *booth,
                                               JsonArray          *rows,
                                               const char         *cursor,
                                               JsonObject         *inside,
                                               guint              *n_applied,
                                               GError            **error);
/* The event's "inside now" from the last check-in pull, -1 when never pulled; *areas (may be
 * NULL) gets the per-area figures ({"A": 230, …}, NULL when none). */
gint64        foyer_store_get_inside          (FoyerStore         *self,
                                               JsonObject        **areas,
                                               GError            **error);
/* The booth team's merged leads from the last pull, newest change first: JsonObject rows as
 * the hub sent them ({"badge_code", "visitor", "rating", "notes", …}). */
GPtrArray    *foyer_store_list_team_leads     (FoyerStore         *self,
                                               const char         *event,
                                               const char         *booth,
                                               GError            **error);

/* --- erasure (right to deletion) --- */

/* Deletes everything this store holds about the visitors with these badge codes: the
 * pre-registrations, this kiosk's registrations, check-ins and leads whose outbox rows are
 * delivered (undelivered ones stay until sent), pulled check-ins and team leads. Writes an
 * audit row (when, origin, how many rows) that does not say whom. *n_deleted (may be NULL)
 * gets the number of rows removed. */
gboolean      foyer_store_erase_badges        (FoyerStore         *self,
                                               const char         *event,
                                               const char * const *badge_codes,
                                               const char         *origin,
                                               guint              *n_deleted,
                                               GError            **error);
/* Everything this store holds about the person with this e-mail address (compared
 * case-insensitively) or phone number (E.164, as stored) in event; one of them is given.
 * {"registrations": […], "preregistrations": […], "check_ins": […], "leads": […]}. */
JsonObject   *foyer_store_export_subject      (FoyerStore         *self,
                                               const char         *event,
                                               const char         *email,
                                               const char         *phone,
                                               GError            **error);
/* Erases that person (foyer_store_erase_badges() for their badge codes, and their
 * registrations without a badge code). *n_deleted as above. */
gboolean      foyer_store_erase_subject       (FoyerStore         *self,
                                               const char         *event,
                                               const char         *email,
                                               const char         *phone,
                                               guint              *n_deleted,
                                               GError            **error);

G_END_DECLS
