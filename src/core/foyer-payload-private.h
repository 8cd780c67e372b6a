/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-payload-private.h: what the payload parsers share (contact builders, text helpers).
 *
 * Internal to foyer-core: the format parsers (foyer-vcard.c, foyer-mecard.c, …) fill a
 * FoyerContact through these so that every field is normalized and every rejected value becomes
 * a warning in the same way.
 */
#pragma once

#include "foyer-payload.h"

G_BEGIN_DECLS

/* The region of numbers written without a country code when none is configured. */
#define FOYER_DEFAULT_REGION "CN"

/* foyer-contact.c: builder state for one contact: lists grow in GPtrArrays and are frozen into GStrv at the end. */
typedef struct {
  FoyerContact *contact;
  GPtrArray    *emails;
  GPtrArray    *phones;
  GPtrArray    *urls;
  GPtrArray    *org_units;
  GPtrArray    *warnings;
  const char   *default_region;
  GPtrArray    *raw_phones;      /* as written: normalized at finish, with the card's hints */
  char         *country_hint;    /* ADR country as written */
} FoyerContactBuilder;

void          _foyer_contact_builder_init      (FoyerContactBuilder *b,
                                                FoyerContact        *contact,
                                                const char          *default_region);
/* Moves the lists into the contact and fills full_name from the name parts when missing. */
void          _foyer_contact_builder_finish    (FoyerContactBuilder *b);
void          _foyer_contact_builder_clear     (FoyerContactBuilder *b);

/* Each add_* normalizes its value; an implausible value becomes a warning naming the field.
 * Phones are normalized at finish, when the whole card's hints are known. */
void          _foyer_contact_add_email         (FoyerContactBuilder *b,
                                                const char          *value);
void          _foyer_contact_add_phone         (FoyerContactBuilder *b,
                                                const char          *value);
void          _foyer_contact_add_url           (FoyerContactBuilder *b,
                                                const char          *value);
void          _foyer_contact_add_org_unit      (FoyerContactBuilder *b,
                                                const char          *value);
void          _foyer_contact_add_warning       (FoyerContactBuilder *b,
                                                const char          *format,
                                                ...) G_GNUC_PRINTF (2, 3);
/* The country of an address (ADR): a hint for numbers written without a country code. */
void          _foyer_contact_set_country_hint  (FoyerContactBuilder *b,
                                                const char          *country);
/* Sets *field to a trimmed copy of value unless it is already set or value is blank. */
void          _foyer_contact_set_field         (char               **field,
                                                const char          *value);
/* Appends value (unless blank) to the contact's note on a new line. */
void          _foyer_contact_append_note       (FoyerContact        *c,
                                                const char          *value);
/* The trimmed non-blank parts joined with ", " (address components); NULL when all are blank. */
char         *_foyer_join_nonblank             (char               **parts);

/* TRUE when text is non-empty and made only of whitespace. */
gboolean      _foyer_str_is_blank              (const char          *text);
/* A trimmed copy (Unicode white space at both ends), NULL for NULL. */
char         *_foyer_str_trim                  (const char          *text);
/* TRUE when str starts with prefix, ASCII case-insensitively. */
gboolean      _foyer_str_has_prefix_ascii_ci   (const char          *str,
                                                const char          *prefix);
/* TRUE when the string contains a CJK ideograph, kana or hangul. */
gboolean      _foyer_str_has_cjk               (const char          *text);

/* foyer-phone.c: the first of regions (NULL-terminated) in which number is plausible, as
 * E.164 (+ ";ext=N"); NULL when none. */
char         *_foyer_phone_normalize_in        (const char          *number,
                                                const char * const  *regions);
/* TRUE when number is digits and separators (6–17 digits): a phone number, even unverified. */
gboolean      _foyer_phone_is_number_like      (const char          *number);
/* The region of a number written with + or 00 (the first region Foyer knows with its country
 * code: US for +1), or NULL. */
const char   *_foyer_phone_region_of_international (const char      *number);
/* The region of a country as address books write it (ISO code, English or native name). */
const char   *_foyer_phone_region_of_country   (const char          *country);

/* Internal decoder shared with the vCard parser (QUOTED-PRINTABLE / base64 values): bytes in an
 * unknown or given charset → UTF-8, with the same candidate scoring as the payload decoder. */
char         *_foyer_text_decode_bytes         (const guint8        *data,
                                                gsize                len,
                                                const char          *charset,
                                                char               **encoding,
                                                FoyerTextFlags      *flags);

/* The format parsers: each returns FALSE when text is not its format. */
gboolean      _foyer_vcard_parse               (const char          *text,
                                                FoyerContactBuilder *b);
gboolean      _foyer_mecard_parse              (const char          *text,
                                                FoyerContactBuilder *b);
gboolean      _foyer_bizcard_parse             (const char          *text,
                                                FoyerContactBuilder *b);
gboolean      _foyer_matmsg_parse              (const char          *text,
                                                FoyerContactBuilder *b);

G_END_DECLS
