/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-vcard.c: vCard 2.1, 3.0 (RFC 2426) and 4.0 (RFC 6350) as business-card QR codes carry
 * them: CHARSET= and QUOTED-PRINTABLE with soft line breaks, parameters in any order, bare type
 * parameters, backslash escapes, folded lines, base64 values, tel: URIs, CRLF or bare LF, and a
 * missing END:VCARD.
 *
 * Folds were already undone on the bytes by the text decoder (a fold may split a UTF-8
 * character); folds that survive (UTF-16 payloads) are undone here as well.
 */
#define G_LOG_DOMAIN "foyer-payload"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "foyer-payload-private.h"

typedef enum {
  VALUE_ENCODING_NONE,
  VALUE_ENCODING_QP,
  VALUE_ENCODING_BASE64,
} ValueEncoding;

typedef struct {
  char          *name;      /* upper case, group removed */
  char          *charset;   /* CHARSET=, or NULL */
  ValueEncoding  encoding;
  gboolean       value_uri; /* VALUE=uri */
  gboolean       fax_only;  /* TYPE=FAX without VOICE/CELL */
  char          *value;     /* raw, still escaped */
} Property;

static void
property_clear (Property *prop)
{
  g_clear_pointer (&prop->name, g_free);
  g_clear_pointer (&prop->charset, g_free);
  g_clear_pointer (&prop->value, g_free);
}

/* Logical lines: CRLF or LF, folded continuations joined (3.0/4.0 drop one white space
 * character, 2.1 keeps it). */
static GPtrArray *
logical_lines (const char *text,
               gboolean    v21)
{
  g_auto(GStrv) physical = g_strsplit (text, "\n", -1);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; physical[i] != NULL; i++) {
    char *line = physical[i];
    gsize len = strlen (line);

    if (len > 0 && line[len - 1] == '\r')
      line[--len] = '\0';
    if ((line[0] == ' ' || line[0] == '\t') && lines->len > 0) {
      char **last = (char **) &g_ptr_array_index (lines, lines->len - 1);
      char *joined = g_strconcat (*last, v21 ? line : line + 1, NULL);

      g_free (*last);
      *last = joined;
      continue;
    }
    g_ptr_array_add (lines, g_strdup (line));
  }
  return lines;
}

static char *
strip_quotes (const char *value)
{
  gsize len = strlen (value);

  if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    return g_strndup (value + 1, len - 2);
  return g_strdup (value);
}

/* Parses "group.NAME;PARAM=x;BARE:value". Returns FALSE for a line without a name and colon. */
static gboolean
parse_property (const char *line,
                Property   *prop)
{
  const char *colon = NULL;
  gboolean quoted = FALSE;
  g_autofree char *head = NULL;
  g_auto(GStrv) params = NULL;
  char *dot;

  memset (prop, 0, sizeof *prop);
  for (const char *p = line; *p != '\0'; p++) {
    if (*p == '"')
      quoted = !quoted;
    else if (*p == ':' && !quoted) {
      colon = p;
      break;
    }
  }
  if (colon == NULL || colon == line)
    return FALSE;

  head = g_strndup (line, colon - line);
  params = g_strsplit (head, ";", -1);
  dot = strrchr (params[0], '.');
  prop->name = g_ascii_strup (dot != NULL ? dot + 1 : params[0], -1);
  g_strstrip (prop->name);
  prop->value = g_strdup (colon + 1);

  gboolean fax = FALSE;
  gboolean voice = FALSE;

  for (guint i = 1; params[i] != NULL; i++) {
    char *param = g_strstrip (params[i]);
    char *eq = strchr (param, '=');
    g_autofree char *key = NULL;
    g_autofree char *value = NULL;

    if (eq != NULL) {
      key = g_ascii_strup (param, eq - param);
      value = strip_quotes (eq + 1);
    } else {
      /* vCard 2.1 allows bare parameter values: TEL;CELL, ;QUOTED-PRINTABLE, ;UTF-8 */
      value = g_strdup (param);
      if (g_ascii_strcasecmp (param, "QUOTED-PRINTABLE") == 0 ||
          g_ascii_strcasecmp (param, "BASE64") == 0 || g_ascii_strcasecmp (param, "B") == 0)
        key = g_strdup ("ENCODING");
      else
        key = g_strdup ("TYPE");
    }

    if (strcmp (key, "ENCODING") == 0) {
      if (g_ascii_strcasecmp (value, "QUOTED-PRINTABLE") == 0 ||
          g_ascii_strcasecmp (value, "Q") == 0)
        prop->encoding = VALUE_ENCODING_QP;
      else if (g_ascii_strcasecmp (value, "B") == 0 || g_ascii_strcasecmp (value, "BASE64") == 0)
        prop->encoding = VALUE_ENCODING_BASE64;
    } else if (strcmp (key, "CHARSET") == 0) {
      g_free (prop->charset);
      prop->charset = g_steal_pointer (&value);
    } else if (strcmp (key, "VALUE") == 0) {
      prop->value_uri = g_ascii_strcasecmp (value, "uri") == 0;
    } else if (strcmp (key, "TYPE") == 0) {
      g_auto(GStrv) types = g_strsplit (value, ",", -1);

      for (guint j = 0; types[j] != NULL; j++) {
        g_strstrip (types[j]);
        if (g_ascii_strcasecmp (types[j], "FAX") == 0)
          fax = TRUE;
        else if (g_ascii_strcasecmp (types[j], "VOICE") == 0 ||
                 g_ascii_strcasecmp (types[j], "CELL") == 0 ||
                 g_ascii_strcasecmp (types[j], "TEXT") == 0)
          voice = TRUE;
      }
    }
  }
  prop->fax_only = fax && !voice;
  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* QUOTED-PRINTABLE (RFC 2045); soft line breaks were joined before, stray ones are dropped. */
static GByteArray *
decode_qp (const char *value)
{
  GByteArray *out = g_byte_array_new ();

  for (const char *p = value; *p != '\0'; p++) {
    guint8 byte;

    if (*p == '=') {
      int hi = hex_value (p[1]);
      int lo = hi >= 0 ? hex_value (p[2]) : -1;

      if (hi >= 0 && lo >= 0) {
        byte = (guint8) (hi * 16 + lo);
        g_byte_array_append (out, &byte, 1);
        p += 2;
        continue;
      }
      if (p[1] == '\0')
        break;                                   /* soft break at the very end */
      if (p[1] == ' ' || p[1] == '\t')
        continue;                                /* soft break whose next line was indented */
    }
    byte = (guint8) *p;
    g_byte_array_append (out, &byte, 1);
  }
  return out;
}

/* The value as UTF-8 text, still with vCard escapes. */
static char *
decoded_value (const Property *prop)
{
  g_autoptr(GByteArray) bytes = NULL;

  switch (prop->encoding) {
  case VALUE_ENCODING_QP:
    bytes = decode_qp (prop->value);
    break;
  case VALUE_ENCODING_BASE64: {
    g_autofree char *copy = g_strdup (prop->value);
    gsize len = 0;
    guchar *raw;

    g_strdelimit (copy, " \t", '\n');
    raw = g_base64_decode (copy, &len);
    bytes = g_byte_array_new_take (raw, len);
    break;
  }
  case VALUE_ENCODING_NONE:
  default:
    /* 8-bit text was decoded with the whole payload; CHARSET= on it has nothing left to do. */
    return g_strdup (prop->value);
  }

  return _foyer_text_decode_bytes (bytes->data, bytes->len, prop->charset, NULL, NULL);
}

/* Splits a structured value on unescaped ';' and removes the escapes \n \N \, \; \\. */
static char **
split_structured (const char *value,
                  gboolean    structured)
{
  GPtrArray *parts = g_ptr_array_new ();
  GString *current = g_string_new (NULL);

  for (const char *p = value;; p++) {
    if (*p == '\\' && p[1] != '\0') {
      p++;
      if (*p == 'n' || *p == 'N')
        g_string_append_c (current, '\n');
      else
        g_string_append_c (current, *p);
      continue;
    }
    if ((*p == ';' && structured) || *p == '\0') {
      g_ptr_array_add (parts, g_string_free (current, FALSE));
      if (*p == '\0')
        break;
      current = g_string_new (NULL);
      continue;
    }
    g_string_append_c (current, *p);
  }
  g_ptr_array_add (parts, NULL);
  return (char **) g_ptr_array_free (parts, FALSE);
}

static char *
unescape_text (const char *value)
{
  g_auto(GStrv) parts = split_structured (value, FALSE);

  return g_strdup (parts[0]);
}

static void
apply_property (const Property      *prop,
                FoyerContactBuilder *b)
{
  FoyerContact *c = b->contact;
  g_autofree char *value = decoded_value (prop);
  const char *name = prop->name;

  if (strcmp (name, "FN") == 0) {
    g_autofree char *text = unescape_text (value);

    _foyer_contact_set_field (&c->full_name, text);
  } else if (strcmp (name, "N") == 0) {
    g_auto(GStrv) parts = split_structured (value, TRUE);

    if (c->family_name == NULL && c->given_name == NULL) {
      _foyer_contact_set_field (&c->family_name, parts[0]);
      if (parts[0] != NULL)
        _foyer_contact_set_field (&c->given_name, parts[1]);
    }
  } else if (strcmp (name, "ORG") == 0) {
    g_auto(GStrv) parts = split_structured (value, TRUE);

    if (c->organization == NULL && parts[0] != NULL) {
      _foyer_contact_set_field (&c->organization, parts[0]);
      for (guint i = 1; parts[i] != NULL; i++)
        _foyer_contact_add_org_unit (b, parts[i]);
    }
  } else if (strcmp (name, "TITLE") == 0) {
    g_autofree char *text = unescape_text (value);

    _foyer_contact_set_field (&c->title, text);
  } else if (strcmp (name, "EMAIL") == 0) {
    g_autofree char *text = unescape_text (value);

    _foyer_contact_add_email (b, text);
  } else if (strcmp (name, "TEL") == 0 && prop->fax_only) {
    g_debug ("fax number not kept as a phone");
  } else if (strcmp (name, "TEL") == 0) {
    g_autofree char *text = unescape_text (value);
    const char *number = text;

    /* 4.0: TEL;VALUE=uri:tel:+49-69-7575-0;ext=12 (some writers omit VALUE=uri) */
    if (_foyer_str_has_prefix_ascii_ci (number, "tel:"))
      number += strlen ("tel:");
    else if (prop->value_uri && strchr (number, ':') != NULL)
      g_debug ("TEL URI with another scheme");
    _foyer_contact_add_phone (b, number);
  } else if (strcmp (name, "URL") == 0) {
    g_autofree char *text = unescape_text (value);

    _foyer_contact_add_url (b, text);
  } else if (strcmp (name, "ADR") == 0) {
    g_auto(GStrv) parts = split_structured (value, TRUE);
    g_autofree char *address = _foyer_join_nonblank (parts);

    _foyer_contact_set_field (&c->address, address);
    /* ADR: post box; extended; street; locality; region; postal code; country */
    if (g_strv_length (parts) >= 7)
      _foyer_contact_set_country_hint (b, parts[6]);
  } else if (strcmp (name, "NOTE") == 0) {
    g_autofree char *text = unescape_text (value);

    _foyer_contact_append_note (c, text);
  } else {
    g_debug ("vCard property %s ignored", name);
  }
}

gboolean
_foyer_vcard_parse (const char          *text,
                    FoyerContactBuilder *b)
{
  g_autoptr(GPtrArray) lines = NULL;
  gboolean v21 = strstr (text, "VERSION:2.1") != NULL;
  g_autofree char *version = NULL;
  gboolean ended = FALSE;
  int depth = 0;

  b->contact->format = g_strdup (FOYER_FORMAT_VCARD);
  lines = logical_lines (text, v21);

  for (guint i = 0; i < lines->len; i++) {
    const char *line = g_ptr_array_index (lines, i);
    Property prop;

    if (_foyer_str_is_blank (line))
      continue;
    if (!parse_property (line, &prop)) {
      g_debug ("vCard line without a property name ignored");
      continue;
    }

    /* QUOTED-PRINTABLE soft line breaks: a value ending in '=' continues on the next line. */
    if (prop.encoding == VALUE_ENCODING_QP) {
      while (g_str_has_suffix (prop.value, "=") && i + 1 < lines->len) {
        char *joined;

        prop.value[strlen (prop.value) - 1] = '\0';
        joined = g_strconcat (prop.value, (const char *) g_ptr_array_index (lines, i + 1), NULL);
        g_free (prop.value);
        prop.value = joined;
        i++;
      }
    }

    if (strcmp (prop.name, "BEGIN") == 0) {
      depth++;                       /* nested vCards (2.1 AGENT) are not the card holder */
    } else if (strcmp (prop.name, "END") == 0) {
      depth--;
      if (depth <= 0) {
        ended = TRUE;
        property_clear (&prop);
        break;
      }
    } else if (depth == 1) {
      if (strcmp (prop.name, "VERSION") == 0 && version == NULL)
        version = g_strstrip (g_strdup (prop.value));
      else
        apply_property (&prop, b);
    }
    property_clear (&prop);
  }

  if (!ended)
    g_debug ("vCard without END:VCARD (truncated or sloppy writer); read what is there");
  if (g_strcmp0 (version, "4.0") == 0 && g_strcmp0 (b->contact->encoding, "UTF-8") != 0 &&
      b->contact->encoding != NULL)
    _foyer_contact_add_warning (b, _("This vCard 4.0 is not UTF-8 as the standard requires; it "
                                "was read as %s"), b->contact->encoding);
  return TRUE;
}
