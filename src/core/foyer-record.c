/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-record.c: registration and lead records: boxed types, wire JSON, validation.
 *
 * The JSON keys are the store's column names, so one name means the same thing in SQLite, on the
 * wire and in exports.
 */
#define G_LOG_DOMAIN "foyer-record"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "foyer-record.h"

G_DEFINE_QUARK (foyer-record-error-quark, foyer_record_error)

#define MAX_TEXT_CHARS 2048       /* one field: names, notes… */
#define MAX_LIST_ITEMS 32

static gboolean
in_set (const char *value, const char * const *set)
{
  if (value == NULL)
    return FALSE;
  for (guint i = 0; set[i] != NULL; i++)
    if (strcmp (value, set[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
foyer_kind_is_valid (const char *kind)
{
  static const char * const kinds[] = { FOYER_KIND_WALK_IN, FOYER_KIND_CHECK_IN, FOYER_KIND_LEAD,
                                        NULL };
  return in_set (kind, kinds);
}

gboolean
foyer_category_is_valid (const char *category)
{
  static const char * const categories[] = {
    FOYER_CATEGORY_TRADE_VISITOR, FOYER_CATEGORY_PUBLIC, FOYER_CATEGORY_MEDIA,
    FOYER_CATEGORY_EXHIBITOR, FOYER_CATEGORY_VIP, FOYER_CATEGORY_ORGANIZER, NULL
  };
  return in_set (category, categories);
}

gboolean
foyer_source_is_valid (const char *source)
{
  static const char * const sources[] = {
    FOYER_SOURCE_BADGE, FOYER_SOURCE_VCARD, FOYER_SOURCE_MECARD, FOYER_SOURCE_BIZCARD,
    FOYER_SOURCE_MANUAL, FOYER_SOURCE_URL, NULL
  };
  return in_set (source, sources);
}

gboolean
foyer_rating_is_valid (const char *rating)
{
  static const char * const ratings[] = { FOYER_RATING_HOT, FOYER_RATING_WARM, FOYER_RATING_COLD,
                                          NULL };
  return in_set (rating, ratings);
}

/* --- timestamps --- */

static char *
format_datetime (GDateTime *dt)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (dt);
  g_autofree char *base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);
}

char *
foyer_timestamp_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return format_datetime (now);
}

char *
foyer_timestamp_normalize (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (text == NULL || *text == '\0')
    return NULL;

  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL && strlen (text) == 10) {
    g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);
    dt = g_date_time_new_from_iso8601 (midnight, utc);
  }
  return dt != NULL ? format_datetime (dt) : NULL;
}

static gboolean
timestamp_is_valid (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return TRUE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  return dt != NULL;
}

char *
foyer_record_id_new (void)
{
  guint8 b[16];
  gsize got = 0;
  guint64 ms = (guint64) (g_get_real_time () / 1000);

  while (got < sizeof b) {
    gssize n = getrandom (b + got, sizeof b - got, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      /* no kernel randomness (very old kernel): GLib's generator, better than nothing */
      return g_uuid_string_random ();
    }
    got += n;
  }
  /* RFC 9562 UUIDv7: 48 bits of Unix time in milliseconds, then 74 random bits. Ids made later
   * sort later, so every database that keys records by id (the kiosk's store, the hub's
   * SQLite or PostgreSQL) appends to the right edge of its index instead of dirtying a random
   * leaf page per record: with v4 ids the hub's COMMIT wrote about one 4 KiB page per record. */
  for (guint i = 0; i < 6; i++)
    b[i] = (guint8) (ms >> (40 - 8 * i));
  b[6] = (b[6] & 0x0f) | 0x70;   /* version 7 */
  b[8] = (b[8] & 0x3f) | 0x80;   /* RFC 9562 variant */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
                          b[11], b[12], b[13], b[14], b[15]);
}

/* --- FoyerRegistration --- */

G_DEFINE_BOXED_TYPE (FoyerRegistration, foyer_registration,
                     foyer_registration_copy, foyer_registration_free)

FoyerRegistration *
foyer_registration_new (void)
{
  return g_new0 (FoyerRegistration, 1);
}

FoyerRegistration *
foyer_registration_copy (const FoyerRegistration *reg)
{
  FoyerRegistration *copy;

  g_return_val_if_fail (reg != NULL, NULL);

  copy = g_new0 (FoyerRegistration, 1);
  copy->id = g_strdup (reg->id);
  copy->event = g_strdup (reg->event);
  copy->kiosk_id = g_strdup (reg->kiosk_id);
  copy->created_at = g_strdup (reg->created_at);
  copy->kind = g_strdup (reg->kind);
  copy->category = g_strdup (reg->category);
  copy->full_name = g_strdup (reg->full_name);
  copy->family_name = g_strdup (reg->family_name);
  copy->given_name = g_strdup (reg->given_name);
  copy->organization = g_strdup (reg->organization);
  copy->title = g_strdup (reg->title);
  copy->emails = g_strdupv (reg->emails);
  copy->phones = g_strdupv (reg->phones);
  copy->country = g_strdup (reg->country);
  copy->city = g_strdup (reg->city);
  copy->interests = g_strdupv (reg->interests);
  copy->badge_code = g_strdup (reg->badge_code);
  copy->source = g_strdup (reg->source);
  copy->raw_payload = reg->raw_payload != NULL ? g_bytes_ref (reg->raw_payload) : NULL;
  copy->consent_given = reg->consent_given;
  copy->consent_version = g_strdup (reg->consent_version);
  copy->consent_at = g_strdup (reg->consent_at);
  copy->notes = g_strdup (reg->notes);
  copy->possible_duplicate = reg->possible_duplicate;
  copy->purged = reg->purged;
  copy->phones_unverified = g_strdupv (reg->phones_unverified);
  return copy;
}

void
foyer_registration_free (FoyerRegistration *reg)
{
  if (reg == NULL)
    return;
  g_free (reg->id);
  g_free (reg->event);
  g_free (reg->kiosk_id);
  g_free (reg->created_at);
  g_free (reg->kind);
  g_free (reg->category);
  g_free (reg->full_name);
  g_free (reg->family_name);
  g_free (reg->given_name);
  g_free (reg->organization);
  g_free (reg->title);
  g_strfreev (reg->emails);
  g_strfreev (reg->phones);
  g_strfreev (reg->phones_unverified);
  g_free (reg->country);
  g_free (reg->city);
  g_strfreev (reg->interests);
  g_free (reg->badge_code);
  g_free (reg->source);
  g_clear_pointer (&reg->raw_payload, g_bytes_unref);
  g_free (reg->consent_version);
  g_free (reg->consent_at);
  g_free (reg->notes);
  g_free (reg);
}

const char *
foyer_registration_wire_type (const FoyerRegistration *reg)
{
  g_return_val_if_fail (reg != NULL, NULL);
  return g_strcmp0 (reg->kind, FOYER_KIND_CHECK_IN) == 0 ? "check_in" : "registration";
}

static void
set_string (JsonObject *object, const char *key, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, key, value);
}

static void
set_strv (JsonObject *object, const char *key, char **values)
{
  JsonArray *array;

  if (values == NULL || values[0] == NULL)
    return;
  array = json_array_sized_new (g_strv_length (values));
  for (guint i = 0; values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);
  json_object_set_array_member (object, key, array);
}

JsonObject *
foyer_registration_to_json (const FoyerRegistration *reg)
{
  JsonObject *object;

  g_return_val_if_fail (reg != NULL, NULL);

  object = json_object_new ();
  set_string (object, "id", reg->id);
  json_object_set_string_member (object, "type", foyer_registration_wire_type (reg));
  set_string (object, "created_at", reg->created_at);
  set_string (object, "event", reg->event);
  set_string (object, "kiosk_id", reg->kiosk_id);
  set_string (object, "kind", reg->kind);
  set_string (object, "category", reg->category);
  set_string (object, "full_name", reg->full_name);
  set_string (object, "family_name", reg->family_name);
  set_string (object, "given_name", reg->given_name);
  set_string (object, "organization", reg->organization);
  set_string (object, "title", reg->title);
  set_strv (object, "emails", reg->emails);
  set_strv (object, "phones", reg->phones);
  set_strv (object, "phones_unverified", reg->phones_unverified);
  set_string (object, "country", reg->country);
  set_string (object, "city", reg->city);
  set_strv (object, "interests", reg->interests);
  set_string (object, "badge_code", reg->badge_code);
  set_string (object, "source", reg->source);
  if (reg->raw_payload != NULL) {
    gsize len;
    const guchar *data = g_bytes_get_data (reg->raw_payload, &len);
    g_autofree char *b64 = g_base64_encode (data, len);
    json_object_set_string_member (object, "raw_payload", b64);
  }
  json_object_set_boolean_member (object, "consent_given", reg->consent_given);
  set_string (object, "consent_version", reg->consent_version);
  set_string (object, "consent_at", reg->consent_at);
  set_string (object, "notes", reg->notes);
  json_object_set_boolean_member (object, "possible_duplicate", reg->possible_duplicate);
  json_object_set_boolean_member (object, "purged", reg->purged);
  return object;
}

static gboolean
read_string (JsonObject *object, const char *key, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“%s” must be a string", key);
    return FALSE;
  }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_bool (JsonObject *object, const char *key, gboolean *out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“%s” must be true or false", key);
    return FALSE;
  }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A list of strings; a single string is accepted as a list of one. */
static gboolean
read_strv (JsonObject *object, const char *key, char ***out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  builder = g_strv_builder_new ();
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING) {
    g_strv_builder_add (builder, json_node_get_string (node));
  } else if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++) {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING) {
        g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                     "“%s” must be a list of strings", key);
        return FALSE;
      }
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  } else {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“%s” must be a list of strings", key);
    return FALSE;
  }
  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/* The corpus' "format" (what kind of code was scanned) → the record's source. */
static const char *
source_for_format (const char *format)
{
  if (format == NULL)
    return NULL;
  if (strcmp (format, "badge") == 0 || strcmp (format, "foyer-badge") == 0)
    return FOYER_SOURCE_BADGE;
  if (foyer_source_is_valid (format))
    return format;
  return FOYER_SOURCE_MANUAL;
}

FoyerRegistration *
foyer_registration_from_json (JsonObject  *object,
                              GError     **error)
{
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
  g_autofree char *format = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *note = NULL;
  JsonNode *consent;

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_string (object, "id", &reg->id, error) ||
      !read_string (object, "event", &reg->event, error) ||
      !read_string (object, "kiosk_id", &reg->kiosk_id, error) ||
      !read_string (object, "created_at", &reg->created_at, error) ||
      !read_string (object, "kind", &reg->kind, error) ||
      !read_string (object, "category", &reg->category, error) ||
      !read_string (object, "full_name", &reg->full_name, error) ||
      !read_string (object, "family_name", &reg->family_name, error) ||
      !read_string (object, "given_name", &reg->given_name, error) ||
      !read_string (object, "organization", &reg->organization, error) ||
      !read_string (object, "title", &reg->title, error) ||
      !read_strv (object, "emails", &reg->emails, error) ||
      !read_strv (object, "phones", &reg->phones, error) ||
      !read_strv (object, "phones_unverified", &reg->phones_unverified, error) ||
      !read_string (object, "country", &reg->country, error) ||
      !read_string (object, "city", &reg->city, error) ||
      !read_strv (object, "interests", &reg->interests, error) ||
      !read_string (object, "badge_code", &reg->badge_code, error) ||
      !read_string (object, "source", &reg->source, error) ||
      !read_string (object, "format", &format, error) ||
      !read_string (object, "raw_payload", &raw, error) ||
      !read_bool (object, "consent_given", &reg->consent_given, error) ||
      !read_string (object, "consent_version", &reg->consent_version, error) ||
      !read_string (object, "consent_at", &reg->consent_at, error) ||
      !read_string (object, "notes", &reg->notes, error) ||
      !read_string (object, "note", &note, error) ||
      !read_bool (object, "possible_duplicate", &reg->possible_duplicate, error) ||
      !read_bool (object, "purged", &reg->purged, error))
    return NULL;

  if (reg->notes == NULL)
    reg->notes = g_steal_pointer (&note);
  if (reg->kind == NULL && json_object_has_member (object, "type") &&
      g_strcmp0 (json_object_get_string_member_with_default (object, "type", ""), "check_in") == 0)
    reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  if (reg->source == NULL)
    reg->source = g_strdup (source_for_format (format));
  if (raw != NULL) {
    gsize len = 0;
    guchar *data = g_base64_decode (raw, &len);
    reg->raw_payload = g_bytes_new_take (data, len);
  }

  /* "consent": true | {"given": true, "version": "1", "at": "…"} (the register command's form) */
  consent = json_object_get_member (object, "consent");
  if (consent != NULL && !JSON_NODE_HOLDS_NULL (consent)) {
    if (JSON_NODE_HOLDS_VALUE (consent) && json_node_get_value_type (consent) == G_TYPE_BOOLEAN) {
      reg->consent_given = json_node_get_boolean (consent);
    } else if (JSON_NODE_HOLDS_OBJECT (consent)) {
      JsonObject *c = json_node_get_object (consent);

      if (!read_bool (c, "given", &reg->consent_given, error) ||
          !read_string (c, "version", &reg->consent_version, error) ||
          !read_string (c, "at", &reg->consent_at, error))
        return NULL;
    } else {
      g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                   "“consent” must be true, false or {\"given\", \"version\", \"at\"}");
      return NULL;
    }
  }

  return g_steal_pointer (&reg);
}

static gboolean
check_text (const char *field, const char *value, gboolean required, GError **error)
{
  if (value == NULL || *value == '\0') {
    if (required) {
      g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                   "“%s” is missing", field);
      return FALSE;
    }
    return TRUE;
  }
  if (!g_utf8_validate (value, -1, NULL)) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“%s” is not valid UTF-8 text", field);
    return FALSE;
  }
  if (g_utf8_strlen (value, -1) > MAX_TEXT_CHARS) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“%s” is longer than %d characters", field, MAX_TEXT_CHARS);
    return FALSE;
  }
  return TRUE;
}

/* +E.164, optionally followed by an RFC 3966 extension: +14186569254;ext=102 */
static gboolean
phone_is_e164 (const char *phone)
{
  gsize n = 0;
  const char *p;

  if (phone[0] != '+' || phone[1] < '1' || phone[1] > '9')
    return FALSE;
  for (p = phone + 1; g_ascii_isdigit (*p); p++)
    n++;
  if (n < 2 || n > 15)
    return FALSE;
  if (*p == '\0')
    return TRUE;
  if (!g_str_has_prefix (p, ";ext="))
    return FALSE;
  p += strlen (";ext=");
  n = strspn (p, "0123456789");
  return n >= 1 && n <= 10 && p[n] == '\0';
}

static gboolean
check_list (const char *field, char **values, GError **error)
{
  if (values == NULL)
    return TRUE;
  if (g_strv_length (values) > MAX_LIST_ITEMS) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“%s” has more than %d entries", field, MAX_LIST_ITEMS);
    return FALSE;
  }
  for (guint i = 0; values[i] != NULL; i++)
    if (!check_text (field, values[i], TRUE, error))
      return FALSE;
  return TRUE;
}

gboolean
foyer_registration_validate (const FoyerRegistration *reg,
                             GError                 **error)
{
  g_return_val_if_fail (reg != NULL, FALSE);

  if (!foyer_kind_is_valid (reg->kind)) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“kind” must be walk_in, check_in or lead, not “%s”",
                 reg->kind != NULL ? reg->kind : "");
    return FALSE;
  }
  if (!foyer_category_is_valid (reg->category)) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“category” must be one of trade_visitor, public, media, exhibitor, vip, "
                 "organizer, not “%s”", reg->category != NULL ? reg->category : "");
    return FALSE;
  }
  if (reg->source != NULL && !foyer_source_is_valid (reg->source)) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“source” must be one of badge, vcard, mecard, bizcard, manual, url, not “%s”",
                 reg->source);
    return FALSE;
  }
  if (!check_text ("event", reg->event, TRUE, error) ||
      !check_text ("kiosk_id", reg->kiosk_id, TRUE, error) ||
      !check_text ("full_name", reg->full_name, FALSE, error) ||
      !check_text ("family_name", reg->family_name, FALSE, error) ||
      !check_text ("given_name", reg->given_name, FALSE, error) ||
      !check_text ("organization", reg->organization, FALSE, error) ||
      !check_text ("title", reg->title, FALSE, error) ||
      !check_text ("country", reg->country, FALSE, error) ||
      !check_text ("city", reg->city, FALSE, error) ||
      !check_text ("badge_code", reg->badge_code, FALSE, error) ||
      !check_text ("consent_version", reg->consent_version, FALSE, error) ||
      !check_text ("notes", reg->notes, FALSE, error) ||
      !check_list ("emails", reg->emails, error) ||
      !check_list ("phones", reg->phones, error) ||
      !check_list ("phones_unverified", reg->phones_unverified, error) ||
      !check_list ("interests", reg->interests, error))
    return FALSE;

  for (guint i = 0; reg->emails != NULL && reg->emails[i] != NULL; i++) {
    const char *at = strchr (reg->emails[i], '@');
    if (at == NULL || at == reg->emails[i] || at[1] == '\0' || strchr (reg->emails[i], ' ')) {
      g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                   "“%s” is not an e-mail address", reg->emails[i]);
      return FALSE;
    }
  }
  for (guint i = 0; reg->phones_unverified != NULL && reg->phones_unverified[i] != NULL; i++) {
    if (reg->phones == NULL || !g_strv_contains ((const char * const *) reg->phones,
                                                 reg->phones_unverified[i])) {
      g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                   "unverified phone “%s” is not one of the phones", reg->phones_unverified[i]);
      return FALSE;
    }
  }
  for (guint i = 0; reg->phones != NULL && reg->phones[i] != NULL; i++) {
    if (!phone_is_e164 (reg->phones[i]) &&
        (reg->phones_unverified == NULL ||
         !g_strv_contains ((const char * const *) reg->phones_unverified, reg->phones[i]))) {
      g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                   "phone “%s” is not in international form (+86…)", reg->phones[i]);
      return FALSE;
    }
  }
  if (!timestamp_is_valid (reg->created_at) || !timestamp_is_valid (reg->consent_at)) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "a time is not in RFC 3339 form (2026-11-24T10:42:00.000Z)");
    return FALSE;
  }
  if (reg->raw_payload != NULL && g_bytes_get_size (reg->raw_payload) > 64 * 1024) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "the scanned payload is larger than 64 KiB");
    return FALSE;
  }

  if (g_strcmp0 (reg->kind, FOYER_KIND_CHECK_IN) == 0 &&
      (reg->badge_code == NULL || *reg->badge_code == '\0')) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "a check-in needs the badge code");
    return FALSE;
  }
  if ((reg->full_name == NULL || *reg->full_name == '\0') &&
      (reg->badge_code == NULL || *reg->badge_code == '\0') &&
      (reg->emails == NULL || reg->emails[0] == NULL) &&
      (reg->phones == NULL || reg->phones[0] == NULL) && !reg->purged) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "the visitor has no name, badge code, e-mail or phone");
    return FALSE;
  }
  return TRUE;
}

/* --- FoyerLead --- */

G_DEFINE_BOXED_TYPE (FoyerLead, foyer_lead, foyer_lead_copy, foyer_lead_free)

FoyerLead *
foyer_lead_new (void)
{
  return g_new0 (FoyerLead, 1);
}

FoyerLead *
foyer_lead_copy (const FoyerLead *lead)
{
  FoyerLead *copy;

  g_return_val_if_fail (lead != NULL, NULL);

  copy = g_new0 (FoyerLead, 1);
  copy->id = g_strdup (lead->id);
  copy->registration_id = g_strdup (lead->registration_id);
  copy->event = g_strdup (lead->event);
  copy->kiosk_id = g_strdup (lead->kiosk_id);
  copy->created_at = g_strdup (lead->created_at);
  copy->updated_at = g_strdup (lead->updated_at);
  copy->booth = g_strdup (lead->booth);
  copy->staff_id = g_strdup (lead->staff_id);
  copy->rating = g_strdup (lead->rating);
  copy->notes = g_strdup (lead->notes);
  copy->answers_json = g_strdup (lead->answers_json);
  copy->follow_up = lead->follow_up;
  copy->visitor_name = g_strdup (lead->visitor_name);
  copy->badge_code = g_strdup (lead->badge_code);
  return copy;
}

void
foyer_lead_free (FoyerLead *lead)
{
  if (lead == NULL)
    return;
  g_free (lead->id);
  g_free (lead->registration_id);
  g_free (lead->event);
  g_free (lead->kiosk_id);
  g_free (lead->created_at);
  g_free (lead->updated_at);
  g_free (lead->booth);
  g_free (lead->staff_id);
  g_free (lead->rating);
  g_free (lead->notes);
  g_free (lead->answers_json);
  g_free (lead->visitor_name);
  g_free (lead->badge_code);
  g_free (lead);
}

static JsonNode *
parse_answers (const char *answers_json)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (answers_json == NULL)
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, answers_json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_node_copy (root);
}

JsonObject *
foyer_lead_to_json (const FoyerLead *lead)
{
  JsonObject *object;
  JsonNode *answers;

  g_return_val_if_fail (lead != NULL, NULL);

  object = json_object_new ();
  set_string (object, "id", lead->id);
  json_object_set_string_member (object, "type", "lead");
  set_string (object, "created_at", lead->created_at);
  set_string (object, "updated_at", lead->updated_at);
  set_string (object, "registration_id", lead->registration_id);
  set_string (object, "event", lead->event);
  set_string (object, "kiosk_id", lead->kiosk_id);
  set_string (object, "booth", lead->booth);
  set_string (object, "staff_id", lead->staff_id);
  set_string (object, "rating", lead->rating);
  set_string (object, "notes", lead->notes);
  if ((answers = parse_answers (lead->answers_json)) != NULL)
    json_object_set_member (object, "answers_json", answers);
  json_object_set_boolean_member (object, "follow_up", lead->follow_up);
  return object;
}

JsonObject *
foyer_lead_to_json_with_visitor (const FoyerLead         *lead,
                                 const FoyerRegistration *visitor)
{
  JsonObject *object = foyer_lead_to_json (lead);

  if (visitor != NULL)
    json_object_set_object_member (object, "visitor", foyer_registration_to_json (visitor));
  return object;
}

gboolean
foyer_lead_validate (const FoyerLead  *lead,
                     GError          **error)
{
  g_return_val_if_fail (lead != NULL, FALSE);

  if (lead->rating != NULL && !foyer_rating_is_valid (lead->rating)) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "“rating” must be hot, warm or cold, not “%s”", lead->rating);
    return FALSE;
  }
  if (!check_text ("registration_id", lead->registration_id, TRUE, error) ||
      !check_text ("event", lead->event, TRUE, error) ||
      !check_text ("kiosk_id", lead->kiosk_id, TRUE, error) ||
      !check_text ("booth", lead->booth, FALSE, error) ||
      !check_text ("staff_id", lead->staff_id, FALSE, error) ||
      !check_text ("notes", lead->notes, FALSE, error))
    return FALSE;
  if (lead->answers_json != NULL) {
    g_autoptr(JsonNode) answers = parse_answers (lead->answers_json);

    if (answers == NULL) {
      g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                   "the qualifying answers are not a JSON object");
      return FALSE;
    }
  }
  if (!timestamp_is_valid (lead->created_at)) {
    g_set_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID,
                 "a time is not in RFC 3339 form (2026-11-24T10:42:00.000Z)");
    return FALSE;
  }
  return TRUE;
}
