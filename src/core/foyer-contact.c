/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-contact.c: FoyerContact, its JSON form, and the builder through which every format
 * parser (foyer-vcard.c, foyer-mecard.c, the short formats of foyer-payload.c) fills one, so
 * that each field is normalized and each rejected value becomes a warning in the same way.
 */
#define G_LOG_DOMAIN "foyer-payload"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdarg.h>
#include <string.h>

#include "foyer-payload-private.h"

G_DEFINE_BOXED_TYPE (FoyerContact, foyer_contact, foyer_contact_copy, foyer_contact_free)

#define DEFAULT_REGION_OF(b) ((b)->default_region != NULL ? (b)->default_region \
                                                          : FOYER_DEFAULT_REGION)

FoyerContact *
foyer_contact_new (void)
{
  return g_new0 (FoyerContact, 1);
}

FoyerContact *
foyer_contact_copy (const FoyerContact *contact)
{
  FoyerContact *copy;

  g_return_val_if_fail (contact != NULL, NULL);

  copy = foyer_contact_new ();
  copy->format = g_strdup (contact->format);
  copy->full_name = g_strdup (contact->full_name);
  copy->family_name = g_strdup (contact->family_name);
  copy->given_name = g_strdup (contact->given_name);
  copy->organization = g_strdup (contact->organization);
  copy->org_units = g_strdupv (contact->org_units);
  copy->title = g_strdup (contact->title);
  copy->emails = g_strdupv (contact->emails);
  copy->phones = g_strdupv (contact->phones);
  copy->urls = g_strdupv (contact->urls);
  copy->address = g_strdup (contact->address);
  copy->note = g_strdup (contact->note);
  copy->badge_code = g_strdup (contact->badge_code);
  copy->text = g_strdup (contact->text);
  copy->encoding = g_strdup (contact->encoding);
  copy->text_flags = contact->text_flags;
  copy->is_contact_link = contact->is_contact_link;
  copy->badge_verified = contact->badge_verified;
  copy->badge_event = g_strdup (contact->badge_event);
  copy->badge_record = g_strdup (contact->badge_record);
  copy->warnings = g_strdupv (contact->warnings);
  copy->default_region = g_strdup (contact->default_region);
  copy->phones_unverified = g_strdupv (contact->phones_unverified);
  return copy;
}

void
foyer_contact_free (FoyerContact *contact)
{
  if (contact == NULL)
    return;
  g_free (contact->format);
  g_free (contact->full_name);
  g_free (contact->family_name);
  g_free (contact->given_name);
  g_free (contact->organization);
  g_strfreev (contact->org_units);
  g_free (contact->title);
  g_strfreev (contact->emails);
  g_strfreev (contact->phones);
  g_strfreev (contact->urls);
  g_free (contact->address);
  g_free (contact->note);
  g_free (contact->badge_code);
  g_free (contact->text);
  g_free (contact->encoding);
  g_free (contact->badge_event);
  g_free (contact->badge_record);
  g_strfreev (contact->warnings);
  g_free (contact->default_region);
  g_strfreev (contact->phones_unverified);
  g_free (contact);
}

static void
set_string (JsonObject *object,
            const char *key,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, key, value);
}

static void
set_list (JsonObject  *object,
          const char  *key,
          char *const *values)
{
  JsonArray *array;

  if (values == NULL || values[0] == NULL)
    return;
  array = json_array_new ();
  for (guint i = 0; values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);
  json_object_set_array_member (object, key, array);
}

JsonObject *
foyer_contact_to_json (const FoyerContact *contact)
{
  JsonObject *object;

  g_return_val_if_fail (contact != NULL, NULL);

  object = json_object_new ();
  set_string (object, "format", contact->format);
  set_string (object, "full_name", contact->full_name);
  set_string (object, "family_name", contact->family_name);
  set_string (object, "given_name", contact->given_name);
  set_string (object, "organization", contact->organization);
  set_string (object, "title", contact->title);
  set_list (object, "emails", contact->emails);
  set_list (object, "phones", contact->phones);
  set_list (object, "phones_unverified", contact->phones_unverified);
  set_list (object, "urls", contact->urls);
  set_string (object, "address", contact->address);
  set_string (object, "note", contact->note);
  set_string (object, "badge_code", contact->badge_code);
  if (g_strcmp0 (contact->format, FOYER_FORMAT_FOYER_BADGE) == 0) {
    set_string (object, "badge_event", contact->badge_event);
    set_string (object, "badge_record", contact->badge_record);
    json_object_set_boolean_member (object, "badge_verified", contact->badge_verified);
  }
  set_string (object, "default_region", contact->default_region);
  set_list (object, "warnings", contact->warnings);
  return object;
}

/* ---- string helpers shared by the parsers ---- */

gboolean
_foyer_str_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

char *
_foyer_str_trim (const char *text)
{
  const char *start;
  const char *end;

  if (text == NULL)
    return NULL;
  start = text;
  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start + strlen (start);
  while (end > start) {
    const char *prev = g_utf8_find_prev_char (start, end);

    if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
      break;
    end = prev;
  }
  return g_strndup (start, end - start);
}

gboolean
_foyer_str_has_prefix_ascii_ci (const char *str,
                                const char *prefix)
{
  gsize n = strlen (prefix);

  return strlen (str) >= n && g_ascii_strncasecmp (str, prefix, n) == 0;
}

gboolean
_foyer_str_has_cjk (const char *text)
{
  if (text == NULL)
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if ((c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
        (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF))
      return TRUE;
  }
  return FALSE;
}

void
_foyer_contact_set_field (char       **field,
                          const char  *value)
{
  if (*field != NULL || _foyer_str_is_blank (value))
    return;
  *field = _foyer_str_trim (value);
}

void
_foyer_contact_append_note (FoyerContact *c,
                            const char   *value)
{
  char *joined;

  if (_foyer_str_is_blank (value))
    return;
  if (c->note == NULL) {
    c->note = _foyer_str_trim (value);
    return;
  }
  joined = g_strconcat (c->note, "\n", value, NULL);
  g_free (c->note);
  c->note = joined;
}

char *
_foyer_join_nonblank (char **parts)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++) {
    g_autofree char *part = _foyer_str_trim (parts[i]);

    if (*part == '\0')
      continue;
    if (out->len > 0)
      g_string_append (out, ", ");
    g_string_append (out, part);
  }
  if (out->len == 0) {
    g_string_free (out, TRUE);
    return NULL;
  }
  return g_string_free (out, FALSE);
}

/* ---- contact builder ---- */

void
_foyer_contact_builder_init (FoyerContactBuilder *b,
                             FoyerContact        *contact,
                             const char          *default_region)
{
  memset (b, 0, sizeof *b);
  b->contact = contact;
  b->emails = g_ptr_array_new_with_free_func (g_free);
  b->phones = g_ptr_array_new_with_free_func (g_free);
  b->urls = g_ptr_array_new_with_free_func (g_free);
  b->org_units = g_ptr_array_new_with_free_func (g_free);
  b->warnings = g_ptr_array_new_with_free_func (g_free);
  b->default_region = default_region;
  b->raw_phones = g_ptr_array_new_with_free_func (g_free);
}

void
_foyer_contact_builder_clear (FoyerContactBuilder *b)
{
  g_clear_pointer (&b->emails, g_ptr_array_unref);
  g_clear_pointer (&b->phones, g_ptr_array_unref);
  g_clear_pointer (&b->urls, g_ptr_array_unref);
  g_clear_pointer (&b->org_units, g_ptr_array_unref);
  g_clear_pointer (&b->warnings, g_ptr_array_unref);
  g_clear_pointer (&b->raw_phones, g_ptr_array_unref);
  g_clear_pointer (&b->country_hint, g_free);
}

static char **
steal_strv (GPtrArray *array)
{
  if (array->len == 0)
    return NULL;
  g_ptr_array_add (array, NULL);
  return (char **) g_ptr_array_steal (array, NULL);
}

static char *
name_from_parts (const char *family,
                 const char *given)
{
  if (family == NULL)
    return g_strdup (given);
  if (given == NULL)
    return g_strdup (family);
  /* A CJK name is written family first, with no space: 王芳. */
  if (_foyer_str_has_cjk (family) || _foyer_str_has_cjk (given))
    return g_strconcat (family, given, NULL);
  return g_strconcat (given, " ", family, NULL);
}

/* The regions to read national numbers in, in order: the address's country, the kiosk's
 * default region, then the countries of the card's international numbers (a +1 office number
 * makes a bare 10-digit cell number American when it is no number of the default region).
 * Their rules are loose enough (Germany takes 6–13 digits) that they come last. */
static GPtrArray *
phone_regions_of_card (FoyerContactBuilder *b)
{
  GPtrArray *regions = g_ptr_array_new ();
  const char *region = _foyer_phone_region_of_country (b->country_hint);

  if (region != NULL)
    g_ptr_array_add (regions, (gpointer) region);
  g_ptr_array_add (regions, (gpointer) DEFAULT_REGION_OF (b));
  for (guint i = 0; i < b->raw_phones->len; i++) {
    region = _foyer_phone_region_of_international (g_ptr_array_index (b->raw_phones, i));
    if (region != NULL && !g_ptr_array_find_with_equal_func (regions, region, g_str_equal, NULL))
      g_ptr_array_add (regions, (gpointer) region);
  }
  g_ptr_array_add (regions, NULL);
  return regions;
}

static gboolean ptr_array_has_string (GPtrArray *array, const char *value);
static void add_unique (GPtrArray *array, char *value);

/* Never drops a number the visitor gave: one that no hinted region explains is kept as written
 * and flagged for staff; only text that is no phone number at all becomes a warning. */
static void
resolve_phones (FoyerContactBuilder *b,
                GPtrArray           *unverified)
{
  g_autoptr(GPtrArray) regions = phone_regions_of_card (b);

  for (guint i = 0; i < b->raw_phones->len; i++) {
    const char *written = g_ptr_array_index (b->raw_phones, i);
    char *normalized = _foyer_phone_normalize_in (written, (const char * const *) regions->pdata);

    if (normalized != NULL) {
      add_unique (b->phones, normalized);
    } else if (_foyer_phone_is_number_like (written)) {
      if (!ptr_array_has_string (b->phones, written)) {
        g_ptr_array_add (b->phones, g_strdup (written));
        g_ptr_array_add (unverified, g_strdup (written));
      }
      _foyer_contact_add_warning (b, _("Phone “%s” has no country code and is not a number of "
                                       "region %s: kept as written, please check it"), written,
                                  DEFAULT_REGION_OF (b));
    } else {
      _foyer_contact_add_warning (b, _("Phone “%s” is not a plausible number (region %s) and "
                                       "was not kept"), written, DEFAULT_REGION_OF (b));
    }
  }
}

void
_foyer_contact_builder_finish (FoyerContactBuilder *b)
{
  FoyerContact *c = b->contact;
  g_autoptr(GPtrArray) unverified = g_ptr_array_new_with_free_func (g_free);

  resolve_phones (b, unverified);
  g_clear_pointer (&c->phones_unverified, g_strfreev);
  c->phones_unverified = steal_strv (unverified);

  if (c->full_name == NULL && (c->family_name != NULL || c->given_name != NULL))
    c->full_name = name_from_parts (c->family_name, c->given_name);

  g_clear_pointer (&c->emails, g_strfreev);
  g_clear_pointer (&c->phones, g_strfreev);
  g_clear_pointer (&c->urls, g_strfreev);
  g_clear_pointer (&c->org_units, g_strfreev);
  g_clear_pointer (&c->warnings, g_strfreev);
  c->emails = steal_strv (b->emails);
  c->phones = steal_strv (b->phones);
  c->urls = steal_strv (b->urls);
  c->org_units = steal_strv (b->org_units);
  c->warnings = steal_strv (b->warnings);
}

void
_foyer_contact_add_warning (FoyerContactBuilder *b,
                            const char          *format,
                            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* Warnings quote what was scanned; keep them UTF-8 whatever it was. */
  g_ptr_array_add (b->warnings, g_utf8_make_valid (message, -1));
}

static gboolean
ptr_array_has_string (GPtrArray  *array,
                      const char *value)
{
  for (guint i = 0; i < array->len; i++)
    if (strcmp (g_ptr_array_index (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static void
add_unique (GPtrArray *array,
            char      *value)
{
  if (ptr_array_has_string (array, value))
    g_free (value);
  else
    g_ptr_array_add (array, value);
}

void
_foyer_contact_add_email (FoyerContactBuilder *b,
                          const char          *value)
{
  g_autofree char *trimmed = _foyer_str_trim (value);
  char *normalized;

  if (trimmed == NULL || *trimmed == '\0')
    return;
  if (_foyer_str_has_prefix_ascii_ci (trimmed, "mailto:")) {
    char *rest = g_strdup (trimmed + strlen ("mailto:"));

    g_free (trimmed);
    trimmed = rest;
  }
  normalized = foyer_email_normalize (trimmed);
  if (normalized == NULL)
    _foyer_contact_add_warning (b, _("E-mail “%s” is not a valid address and was not kept"),
                                trimmed);
  else
    add_unique (b->emails, normalized);
}

void
_foyer_contact_add_phone (FoyerContactBuilder *b,
                          const char          *value)
{
  g_autofree char *trimmed = _foyer_str_trim (value);

  if (trimmed == NULL || *trimmed == '\0')
    return;
  add_unique (b->raw_phones, g_steal_pointer (&trimmed));
}

void
_foyer_contact_set_country_hint (FoyerContactBuilder *b,
                                 const char          *country)
{
  _foyer_contact_set_field (&b->country_hint, country);
}

void
_foyer_contact_add_url (FoyerContactBuilder *b,
                        const char          *value)
{
  g_autofree char *trimmed = _foyer_str_trim (value);

  if (trimmed == NULL || *trimmed == '\0')
    return;
  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p)) {
    if (g_unichar_isspace (g_utf8_get_char (p))) {
      _foyer_contact_add_warning (b, _("Web address “%s” contains spaces and was not kept"),
                                  trimmed);
      return;
    }
  }
  add_unique (b->urls, g_steal_pointer (&trimmed));
}

void
_foyer_contact_add_org_unit (FoyerContactBuilder *b,
                             const char          *value)
{
  if (!_foyer_str_is_blank (value))
    g_ptr_array_add (b->org_units, _foyer_str_trim (value));
}
