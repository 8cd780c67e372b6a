/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-payload.h: what a scanned code carries. Raw symbol bytes → text → a normalized contact,
 * badge code or link.
 *
 * Used by the decoder (foyerctl decode --parse), the kiosk's scan path and the tests. Untrusted
 * input: every function here is fuzzed (tests/fuzz/fuzz-payload.c).
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "foyer-config.h"
#include "foyer-contact.h"

G_BEGIN_DECLS

#define FOYER_PAYLOAD_ERROR (foyer_payload_error_quark ())

typedef enum {
  FOYER_PAYLOAD_ERROR_TOO_LARGE = 1,  /* over FOYER_PAYLOAD_MAX_BYTES */
  FOYER_PAYLOAD_ERROR_EMPTY,          /* nothing left after stripping control characters */
  FOYER_PAYLOAD_ERROR_INVALID,        /* e.g. a Foyer badge whose signature does not verify */
} FoyerPayloadError;

GQuark foyer_payload_error_quark (void);

#define FOYER_PAYLOAD_MAX_BYTES 4096

/* contact->format */
#define FOYER_FORMAT_VCARD       "vcard"
#define FOYER_FORMAT_MECARD      "mecard"
#define FOYER_FORMAT_BIZCARD     "bizcard"
#define FOYER_FORMAT_BADGE       "badge"        /* an event badge code (pattern) */
#define FOYER_FORMAT_FOYER_BADGE "foyer-badge"  /* Foyer's own signed badge (docs/badge-format.md) */
#define FOYER_FORMAT_URL         "url"
#define FOYER_FORMAT_EMAIL       "email"        /* mailto:, MATMSG: */
#define FOYER_FORMAT_PHONE       "phone"        /* tel: */
#define FOYER_FORMAT_UNKNOWN     "unknown"


typedef struct {
  const char *default_region;   /* "CN" when NULL */
  const char *badge_pattern;    /* a GRegex; NULL = printable ASCII token, 4–64 chars, no spaces */
  const char *verify_key_path;  /* Ed25519 public key (PEM) for Foyer badges; NULL = cannot verify */
} FoyerPayloadOptions;

/* Options as the kiosk configures them: [kiosk] default-region, [badge] pattern and
 * [badge] verify-key (resolved to a path; else [badge] signing-key, whose public half checks
 * the kiosk's own badges). The one builder of options: the kiosk flow, foyerctl parse and
 * foyerctl decode all use it, so that they judge a code alike. Free with
 * foyer_payload_options_free(). */
FoyerPayloadOptions *foyer_payload_options_new_from_config (FoyerConfig         *config);
void                 foyer_payload_options_free            (FoyerPayloadOptions *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerPayloadOptions, foyer_payload_options_free)

/* Bytes → text by ECI → BOM → strict UTF-8 → GB18030 → Big5 → Shift_JIS, control characters and
 * scanner ECI prefixes stripped. Returns NULL with FOYER_PAYLOAD_ERROR on rejection. */
char         *foyer_payload_decode_text (const guint8              *data,
                                         gsize                      len,
                                         char                     **encoding,
                                         FoyerTextFlags            *flags,
                                         GError                   **error);

/* Bytes → contact. options may be NULL. */
FoyerContact *foyer_payload_parse       (const guint8              *data,
                                         gsize                      len,
                                         const FoyerPayloadOptions *options,
                                         GError                   **error);

/* Normalizes a phone number to E.164 with default_region for numbers without a country code;
 * an extension ("ext. 102", "x7", tel-URI ";ext=102") is kept as ";ext=102" after the E.164
 * number (RFC 3966). NULL when it is not a plausible number. */
char         *foyer_phone_normalize     (const char                *number,
                                         const char                *default_region);
/* Validates an e-mail address and lower-cases its domain; NULL when invalid. */
char         *foyer_email_normalize     (const char                *address);

G_END_DECLS
