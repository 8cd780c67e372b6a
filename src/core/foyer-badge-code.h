/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-badge-code.h: Foyer's own signed badge code (docs/badge-format.md).
 *
 * FY1:<EVENT>:<SHORTID>:<KEYID>:<SIGNATURE>, Ed25519 over everything before the signature, so
 * that any kiosk holding the event's public key can tell offline that a badge is genuine.
 */
#pragma once

#include <glib-object.h>

#include "foyer-config.h"
#include "foyer-record.h"

G_BEGIN_DECLS

#define FOYER_BADGE_CODE_ERROR (foyer_badge_code_error_quark ())

typedef enum {
  FOYER_BADGE_CODE_ERROR_NOT_FOYER = 1,    /* not a Foyer badge at all (no "FY<n>:" prefix) */
  FOYER_BADGE_CODE_ERROR_VERSION,          /* a Foyer badge of a version this kiosk cannot read */
  FOYER_BADGE_CODE_ERROR_MALFORMED,        /* bad characters, fields or lengths */
  FOYER_BADGE_CODE_ERROR_TRUNCATED,        /* the code ends early (fields or signature missing) */
  FOYER_BADGE_CODE_ERROR_OTHER_KEY,        /* signed with a key other than this event's */
  FOYER_BADGE_CODE_ERROR_ALTERED,          /* the signature does not match: forged or altered */
  FOYER_BADGE_CODE_ERROR_OTHER_EVENT,      /* genuine, but issued for another event */
  FOYER_BADGE_CODE_ERROR_NO_KEY,           /* no signing / verify key configured */
  FOYER_BADGE_CODE_ERROR_KEY,              /* a key file is missing, unreadable or not Ed25519 */
  FOYER_BADGE_CODE_ERROR_INVALID_ARGUMENT, /* an event or record id that cannot be encoded */
  FOYER_BADGE_CODE_ERROR_FAILED,           /* OpenSSL failed otherwise */
} FoyerBadgeCodeError;

GQuark foyer_badge_code_error_quark (void);

#define FOYER_BADGE_CODE_PREFIX          "FY1:"
#define FOYER_BADGE_CODE_MAX_EVENT       64   /* encoded characters */
#define FOYER_BADGE_CODE_MAX_SHORT_ID    32   /* encoded characters */
#define FOYER_BADGE_CODE_KEY_ID_LEN      4
#define FOYER_BADGE_CODE_SIGNATURE_LEN   103  /* base32 of 64 bytes, no padding */
/* 4 + 64 + 1 + 32 + 1 + 4 + 1 + 103 */
#define FOYER_BADGE_CODE_MAX_LEN         210

/* What a badge code says (whether or not its signature verified). */
typedef struct {
  char *event;      /* decoded event id, ASCII letters upper-cased, e.g. "EXPO-2026" */
  char *short_id;   /* decoded short record id, e.g. "3F2A9C1B7D40" */
  char *key_id;     /* 4 base32 characters naming the signing key */
} FoyerBadgeCodeInfo;

void foyer_badge_code_info_free (FoyerBadgeCodeInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerBadgeCodeInfo, foyer_badge_code_info_free)

#define FOYER_TYPE_BADGE_CODE (foyer_badge_code_get_type ())
G_DECLARE_FINAL_TYPE (FoyerBadgeCode, foyer_badge_code, FOYER, BADGE_CODE, GObject)

/* Writes a new Ed25519 key pair: the private key (PKCS#8 PEM, mode 0600) and the public key
 * (SubjectPublicKeyInfo PEM, mode 0644). Refuses to overwrite an existing file. */
gboolean            foyer_badge_code_generate_keys (const char          *private_key_path,
                                                    const char          *public_key_path,
                                                    GError             **error);

/* Loads the keys; either path may be NULL. Without a verify key, the signing key's public half
 * verifies. verify_key_path may also name a private key. */
FoyerBadgeCode     *foyer_badge_code_new           (const char          *signing_key_path,
                                                    const char          *verify_key_path,
                                                    GError             **error);
/* [badge] signing-key and verify-key; an object without keys when neither is set. */
FoyerBadgeCode     *foyer_badge_code_new_from_config (FoyerConfig       *config,
                                                      GError           **error);
gboolean            foyer_badge_code_can_sign      (FoyerBadgeCode      *self);
gboolean            foyer_badge_code_can_verify    (FoyerBadgeCode      *self);
/* The key id printed in codes this object signs or accepts (NULL without keys). */
const char         *foyer_badge_code_get_key_id    (FoyerBadgeCode      *self);

/* The signed payload for a record of event. Thread-safe. */
char               *foyer_badge_code_sign          (FoyerBadgeCode      *self,
                                                    const char          *event,
                                                    const char          *record_id,
                                                    GError             **error);
/* Parses and verifies payload (len -1: NUL-terminated). expected_event NULL: any event. On
 * success or on a signature/event failure, *info (if non-NULL) receives what the code says.
 * Thread-safe. */
gboolean            foyer_badge_code_verify        (FoyerBadgeCode      *self,
                                                    const char          *payload,
                                                    gssize               len,
                                                    const char          *expected_event,
                                                    FoyerBadgeCodeInfo **info,
                                                    GError             **error);

/* For a new walk-in before it is stored: gives reg an id (a random UUID, when it has none) and,
 * when this object can sign and reg has no badge code yet, sets reg->badge_code to its signed
 * code, so that the printed badge, scanned again at any kiosk, finds this very record
 * (foyer_store_find_by_badge / foyer_store_check_in_badge with the payload's badge_code).
 * Without a signing key it only assigns the id. reg->event must be set. */
gboolean            foyer_badge_code_prepare_registration (FoyerBadgeCode    *self,
                                                           FoyerRegistration *reg,
                                                           GError           **error);

/* Parses without verifying; NULL with an error when it is not a well-formed Foyer badge. */
FoyerBadgeCodeInfo *foyer_badge_code_parse         (const char          *payload,
                                                    gssize               len,
                                                    GError             **error);
/* TRUE when text starts like a Foyer badge ("FY" digits ":", any case): the payload layer's
 * dispatch test. A truncated or damaged Foyer badge still looks like one. */
gboolean            foyer_badge_code_looks_like    (const char          *text,
                                                    gssize               len);
/* The short id printed for a record id, upper-cased: a UUIDv7's last 12 hex digits (random; its
 * first ones are a timestamp, shared by records made in the same millisecond), another UUID's
 * first 12. Any other id as it is. */
char               *foyer_badge_code_short_id      (const char          *record_id);
/* TRUE when a badge's (decoded) event names event (ASCII case-insensitive). */
gboolean            foyer_badge_code_event_matches (const char          *badge_event,
                                                    const char          *event);

G_END_DECLS
