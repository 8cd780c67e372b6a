/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-contact.h: what a scanned code says about a person (or a badge, or a link), normalized.
 *
 * Filled by foyer_payload_parse() (foyer-payload.h); the format names are FOYER_FORMAT_* there.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  FOYER_TEXT_FLAG_NONE        = 0,
  FOYER_TEXT_FLAG_UNCERTAIN   = 1 << 0,  /* no candidate decoded cleanly: replacement characters */
  FOYER_TEXT_FLAG_ECI         = 1 << 1,  /* an ECI designator chose the encoding */
  FOYER_TEXT_FLAG_STRIPPED    = 1 << 2,  /* control characters or scanner ECI prefixes removed */
} FoyerTextFlags;

typedef struct {
  char      *format;          /* FOYER_FORMAT_* */
  char      *full_name;
  char      *family_name;
  char      *given_name;
  char      *organization;    /* first ORG component */
  char     **org_units;       /* the remaining ORG components */
  char      *title;
  char     **emails;
  char     **phones;          /* E.164 (+ ";ext=N"), or as written when in phones_unverified */
  char     **urls;
  char      *address;
  char      *note;
  char      *badge_code;
  char      *text;            /* the decoded text, always kept (staff look at unknown codes) */
  char      *encoding;        /* the charset the text was decoded from, e.g. "UTF-8", "GB18030" */
  FoyerTextFlags text_flags;
  gboolean   is_contact_link; /* e.g. a WeChat personal QR: a link, no personal data in it */
  gboolean   badge_verified;  /* FOYER_FORMAT_FOYER_BADGE with a valid signature */
  char      *badge_event;     /* FOYER_FORMAT_FOYER_BADGE: the event it was issued for */
  char      *badge_record;    /* FOYER_FORMAT_FOYER_BADGE: the short record id */
  char     **warnings;        /* one per field that failed validation, human readable */
  char      *default_region;
  /* Numbers the card gave without a country code that are implausible in every region the
   * card hints at (ADR country, its other international numbers, default_region): kept as
   * written, also listed in phones, for staff to check on the review form. */
  char     **phones_unverified;
} FoyerContact;

#define FOYER_TYPE_CONTACT (foyer_contact_get_type ())
GType         foyer_contact_get_type (void) G_GNUC_CONST;
FoyerContact *foyer_contact_new      (void);
FoyerContact *foyer_contact_copy     (const FoyerContact *contact);
void          foyer_contact_free     (FoyerContact       *contact);
/* The keys of ../shared/corpus/cards/NAME.json (absent = no value) plus "warnings" (absent when
 * there are none; shown to staff). A FOYER_FORMAT_FOYER_BADGE adds badge_event, badge_record
 * and badge_verified. */
JsonObject   *foyer_contact_to_json  (const FoyerContact *contact);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerContact, foyer_contact_free)

G_END_DECLS
