/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-record.h: the records a kiosk takes (registrations, check-ins, leads) as plain structs.
 *
 * Shared by the store, the sync engine, the badge renderer, foyerctl and the UI. Field names are
 * the store's column names and the wire names of docs/sync-protocol.md. String lists are
 * NULL-terminated (GStrv); every string is UTF-8; absent values are NULL.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Validation: a record that breaks a rule (bad category, no way to identify the visitor…). The
 * message names the field; the store passes these on unchanged. */
#define FOYER_RECORD_ERROR (foyer_record_error_quark ())

typedef enum {
  FOYER_RECORD_ERROR_INVALID = 1,
} FoyerRecordError;

GQuark foyer_record_error_quark (void);

/* kind */
#define FOYER_KIND_WALK_IN   "walk_in"
#define FOYER_KIND_CHECK_IN  "check_in"   /* a pre-registered badge arriving */
#define FOYER_KIND_LEAD      "lead"       /* a visitor first seen at a booth */

/* category */
#define FOYER_CATEGORY_TRADE_VISITOR "trade_visitor"
#define FOYER_CATEGORY_PUBLIC        "public"
#define FOYER_CATEGORY_MEDIA         "media"
#define FOYER_CATEGORY_EXHIBITOR     "exhibitor"
#define FOYER_CATEGORY_VIP           "vip"
#define FOYER_CATEGORY_ORGANIZER     "organizer"

/* source */
#define FOYER_SOURCE_BADGE   "badge"
#define FOYER_SOURCE_VCARD   "vcard"
#define FOYER_SOURCE_MECARD  "mecard"
#define FOYER_SOURCE_BIZCARD "bizcard"
#define FOYER_SOURCE_MANUAL  "manual"
#define FOYER_SOURCE_URL     "url"

/* lead rating */
#define FOYER_RATING_HOT  "hot"
#define FOYER_RATING_WARM "warm"
#define FOYER_RATING_COLD "cold"

gboolean foyer_kind_is_valid     (const char *kind);
gboolean foyer_category_is_valid (const char *category);
gboolean foyer_source_is_valid   (const char *source);
gboolean foyer_rating_is_valid   (const char *rating);

typedef struct {
  char      *id;                  /* UUID (v7 if made here); NULL when adding: the store adds one */
  char      *event;
  char      *kiosk_id;
  char      *created_at;          /* UTC RFC 3339 with ms, e.g. 2026-11-24T10:42:00.123Z */
  char      *kind;                /* FOYER_KIND_* */
  char      *category;            /* FOYER_CATEGORY_* */
  char      *full_name;
  char      *family_name;
  char      *given_name;
  char      *organization;
  char      *title;
  char     **emails;
  char     **phones;              /* E.164, + ";ext=N" for an extension; as written when listed
                                   * in phones_unverified */
  char      *country;
  char      *city;
  char     **interests;
  char      *badge_code;
  char      *source;              /* FOYER_SOURCE_* */
  GBytes    *raw_payload;         /* the scanned bytes, exactly */
  gboolean   consent_given;
  char      *consent_version;
  char      *consent_at;          /* RFC 3339 */
  char      *notes;
  gboolean   possible_duplicate;  /* set by the store: same e-mail/phone, different name */
  gboolean   purged;              /* personal fields removed by retention */
  char     **phones_unverified;   /* numbers of phones kept as the visitor wrote them: no country
                                   * code, and no number of the regions the card hinted at */
} FoyerRegistration;

#define FOYER_TYPE_REGISTRATION (foyer_registration_get_type ())
GType              foyer_registration_get_type (void) G_GNUC_CONST;
FoyerRegistration *foyer_registration_new      (void);
FoyerRegistration *foyer_registration_copy     (const FoyerRegistration *reg);
void               foyer_registration_free     (FoyerRegistration       *reg);
/* The wire form: {"id","type":"registration"|"check_in","created_at",…fields…}. */
JsonObject        *foyer_registration_to_json  (const FoyerRegistration *reg);
/* Accepts the wire form and the keys of ../shared/corpus/cards/NAME.json plus category, consent. */
FoyerRegistration *foyer_registration_from_json (JsonObject             *object,
                                                 GError                **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerRegistration, foyer_registration_free)

typedef struct {
  char      *id;                  /* a UUID (v7 when made here); NULL when adding */
  char      *registration_id;     /* the visitor (a registrations row) */
  char      *event;
  char      *kiosk_id;
  char      *created_at;
  char      *updated_at;
  char      *booth;               /* booth / exhibitor */
  char      *staff_id;
  char      *rating;              /* FOYER_RATING_* */
  char      *notes;
  char      *answers_json;        /* qualifying answers: {"question-id": "answer" | ["a","b"]} */
  gboolean   follow_up;
  /* read-only conveniences filled when listing: the visitor's name and badge code */
  char      *visitor_name;
  char      *badge_code;
} FoyerLead;

#define FOYER_TYPE_LEAD (foyer_lead_get_type ())
GType       foyer_lead_get_type (void) G_GNUC_CONST;
FoyerLead  *foyer_lead_new      (void);
FoyerLead  *foyer_lead_copy     (const FoyerLead *lead);
void        foyer_lead_free     (FoyerLead       *lead);
/* The wire form: {"id","type":"lead","created_at",…,"visitor":{registration wire form}}.
 * This one has no "visitor": the store adds it (foyer_lead_to_json_with_visitor). */
JsonObject *foyer_lead_to_json  (const FoyerLead *lead);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerLead, foyer_lead_free)

/* UTC now as RFC 3339 with milliseconds. */
char *foyer_timestamp_now (void);

/* --- added by the store module --- */

/* Checks the rules a stored registration must follow: valid kind, category and source, event
 * and kiosk id present, a name, badge code, e-mail or phone to identify the visitor (a check_in
 * needs the badge code), e-mails with an @, phones in E.164 (with an optional ";ext=N") unless
 * listed in phones_unverified, valid RFC 3339 timestamps, UTF-8
 * text of sane length. Fails with FOYER_RECORD_ERROR_INVALID naming the field. */
gboolean    foyer_registration_validate (const FoyerRegistration *reg,
                                         GError                 **error);
/* The wire "type" of a registration: "check_in" for kind check_in, else "registration". */
const char *foyer_registration_wire_type (const FoyerRegistration *reg);
/* Rating valid (or NULL), registration_id, event, kiosk_id present, answers_json a JSON object
 * (or NULL). FOYER_RECORD_ERROR_INVALID. */
gboolean    foyer_lead_validate         (const FoyerLead         *lead,
                                         GError                 **error);
/* foyer_lead_to_json() plus "visitor": the registration's wire form (visitor may be NULL).
 * "answers_json" carries the answers as a JSON object, not as a string. */
JsonObject *foyer_lead_to_json_with_visitor (const FoyerLead         *lead,
                                             const FoyerRegistration *visitor);
/* A new record id: a UUIDv7 (RFC 9562: Unix milliseconds, then 74 bits from the kernel's random
 * source, getrandom), so that ids stay unique across forked processes and restarts, unlike
 * g_uuid_string_random()'s seeded PRNG, and sort by creation time (databases append). */
char       *foyer_record_id_new         (void);
/* Normalizes a user-given time (RFC 3339 with any offset, or a date YYYY-MM-DD meaning its UTC
 * midnight) to the stored form (UTC, ms, "Z"). NULL when it cannot be parsed. */
char       *foyer_timestamp_normalize   (const char              *text);

G_END_DECLS
