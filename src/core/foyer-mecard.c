/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-mecard.c: the "KEY:value;" family of QR contact formats: MECARD (NTT Docomo), BIZCARD
 * and MATMSG (e-mail).
 *
 * All three end fields with an unescaped ';' (the record with ";;") and escape \ ; , : with a
 * backslash.
 */
#define G_LOG_DOMAIN "foyer-payload"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "foyer-payload-private.h"

typedef struct {
  char *key;     /* upper case */
  char *value;   /* unescaped */
} Field;

static void
field_clear (gpointer data)
{
  Field *f = data;

  g_free (f->key);
  g_free (f->value);
}

/* Splits the body after "PREFIX:" into fields. A value's commas stay escaped-aware: \, is kept as
 * a marker so that N:last,first can still be split; split_components() undoes it. */
static GArray *
split_fields (const char *body)
{
  GArray *fields = g_array_new (FALSE, TRUE, sizeof (Field));
  GString *current = g_string_new (NULL);
  const char *p = body;

  g_array_set_clear_func (fields, field_clear);

  for (;;) {
    if (*p == '\\' && p[1] != '\0') {
      /* Keep the escape for commas only; other escaped characters are literal. */
      if (p[1] == ',')
        g_string_append_c (current, '\\');
      g_string_append_c (current, p[1]);
      p += 2;
      continue;
    }
    if (*p == ';' || *p == '\0') {
      char *colon = strchr (current->str, ':');

      if (colon != NULL && colon != current->str) {
        Field f;

        f.key = g_ascii_strup (current->str, colon - current->str);
        f.value = g_strdup (colon + 1);
        g_strstrip (f.key);
        g_array_append_val (fields, f);
      }
      g_string_truncate (current, 0);
      if (*p == '\0')
        break;
      p++;
      continue;
    }
    g_string_append_c (current, *p);
    p++;
  }
  g_string_free (current, TRUE);
  return fields;
}

/* Splits on unescaped commas and removes the remaining escapes. */
static char **
split_components (const char *value)
{
  GPtrArray *parts = g_ptr_array_new ();
  GString *current = g_string_new (NULL);

  for (const char *p = value;; p++) {
    if (*p == '\\' && p[1] == ',') {
      g_string_append_c (current, ',');
      p++;
      continue;
    }
    if (*p == ',' || *p == '\0') {
      g_ptr_array_add (parts, g_strdup (current->str));
      g_string_truncate (current, 0);
      if (*p == '\0')
        break;
      continue;
    }
    g_string_append_c (current, *p);
  }
  g_string_free (current, TRUE);
  g_ptr_array_add (parts, NULL);
  return (char **) g_ptr_array_free (parts, FALSE);
}

static char *
unescape_commas (const char *value)
{
  g_auto(GStrv) parts = split_components (value);

  return g_strjoinv (",", parts);
}

gboolean
_foyer_mecard_parse (const char          *text,
                     FoyerContactBuilder *b)
{
  g_autoptr(GArray) fields = split_fields (text + strlen ("MECARD:"));
  FoyerContact *c = b->contact;

  c->format = g_strdup (FOYER_FORMAT_MECARD);
  for (guint i = 0; i < fields->len; i++) {
    Field *f = &g_array_index (fields, Field, i);
    g_autofree char *value = unescape_commas (f->value);

    if (strcmp (f->key, "N") == 0) {
      g_auto(GStrv) parts = split_components (f->value);

      /* N:family,given; without a comma it is the whole name as written. */
      if (parts[0] != NULL && parts[1] != NULL) {
        _foyer_contact_set_field (&c->family_name, parts[0]);
        _foyer_contact_set_field (&c->given_name, parts[1]);
      } else {
        _foyer_contact_set_field (&c->full_name, value);
      }
    } else if (strcmp (f->key, "TEL") == 0 || strcmp (f->key, "TEL-AV") == 0) {
      _foyer_contact_add_phone (b, value);
    } else if (strcmp (f->key, "EMAIL") == 0) {
      _foyer_contact_add_email (b, value);
    } else if (strcmp (f->key, "URL") == 0) {
      _foyer_contact_add_url (b, value);
    } else if (strcmp (f->key, "ORG") == 0) {
      _foyer_contact_set_field (&c->organization, value);
    } else if (strcmp (f->key, "TITLE") == 0) {
      _foyer_contact_set_field (&c->title, value);
    } else if (strcmp (f->key, "NOTE") == 0 || strcmp (f->key, "MEMORY") == 0) {
      _foyer_contact_append_note (c, value);
    } else if (strcmp (f->key, "ADR") == 0) {
      g_auto(GStrv) parts = split_components (f->value);
      g_autofree char *address = _foyer_join_nonblank (parts);
      guint n = g_strv_length (parts);

      _foyer_contact_set_field (&c->address, address);
      /* the last component is the country, as in vCard's ADR */
      if (n >= 2)
        _foyer_contact_set_country_hint (b, parts[n - 1]);
    } else {
      g_debug ("MECARD field %s ignored", f->key);
    }
  }
  return TRUE;
}

gboolean
_foyer_bizcard_parse (const char          *text,
                      FoyerContactBuilder *b)
{
  g_autoptr(GArray) fields = split_fields (text + strlen ("BIZCARD:"));
  FoyerContact *c = b->contact;

  c->format = g_strdup (FOYER_FORMAT_BIZCARD);
  for (guint i = 0; i < fields->len; i++) {
    Field *f = &g_array_index (fields, Field, i);
    g_autofree char *value = unescape_commas (f->value);

    if (strcmp (f->key, "N") == 0)
      _foyer_contact_set_field (&c->given_name, value);
    else if (strcmp (f->key, "X") == 0)
      _foyer_contact_set_field (&c->family_name, value);
    else if (strcmp (f->key, "T") == 0)
      _foyer_contact_set_field (&c->title, value);
    else if (strcmp (f->key, "C") == 0)
      _foyer_contact_set_field (&c->organization, value);
    else if (strcmp (f->key, "B") == 0 || strcmp (f->key, "M") == 0)
      _foyer_contact_add_phone (b, value);
    else if (strcmp (f->key, "E") == 0)
      _foyer_contact_add_email (b, value);
    else
      /* A: (address lines) and F: (fax) are not contact data a kiosk keeps; the shared corpus
       * (cards/bizcard.json) expects no address from a BIZCARD. */
      g_debug ("BIZCARD field %s ignored", f->key);
  }
  return TRUE;
}

gboolean
_foyer_matmsg_parse (const char          *text,
                     FoyerContactBuilder *b)
{
  g_autoptr(GArray) fields = split_fields (text + strlen ("MATMSG:"));

  b->contact->format = g_strdup (FOYER_FORMAT_EMAIL);
  for (guint i = 0; i < fields->len; i++) {
    Field *f = &g_array_index (fields, Field, i);

    if (strcmp (f->key, "TO") == 0) {
      g_autofree char *value = unescape_commas (f->value);

      _foyer_contact_add_email (b, value);
    }
  }
  if (b->emails->len == 0 && b->warnings->len == 0)
    _foyer_contact_add_warning (b, _("The e-mail message code names no recipient address"));
  return TRUE;
}
