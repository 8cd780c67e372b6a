/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-payload.c: the dispatch from decoded text to a format parser.
 *
 * The format parsers live in their own files (foyer-vcard.c, foyer-mecard.c) and fill a
 * FoyerContact through the builder of foyer-contact.c, never through this file; links, e-mail
 * and phone URIs and badge codes are short enough to be handled here.
 */
#define G_LOG_DOMAIN "foyer-payload"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdarg.h>
#include <string.h>

#include "foyer-badge-code.h"
#include "foyer-payload-private.h"

G_DEFINE_QUARK (foyer-payload-error-quark, foyer_payload_error)


/* [badge] pattern when none is configured: one printable ASCII token, 4–64 characters. */
#define DEFAULT_BADGE_PATTERN "^[!-~]{4,64}$"

/* ---- the short formats ---- */

/* Foyer's own signed badge payload. The badge module defines the format (docs/badge-format.md);
 * this is the single place to wire its parser in. It sees the raw symbol bytes and the decoded
 * text (trimmed), runs before every other format, and either fills b (b->contact->format =
 * FOYER_FORMAT_FOYER_BADGE, badge_code, badge_event, badge_record, badge_verified, and a warning
 * when options->verify_key_path is NULL so the signature could not be checked) and returns TRUE,
 * or sets error (FOYER_PAYLOAD_ERROR_INVALID) for a Foyer badge whose signature does not verify,
 * or returns FALSE for anything that is not a Foyer badge. */
static gboolean
try_foyer_badge (const guint8              *data,
                 gsize                      len,
                 const char                *text,
                 const FoyerPayloadOptions *options,
                 FoyerContactBuilder       *b,
                 GError                   **error)
{
  g_autoptr(FoyerBadgeCode) verifier = NULL;
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean verified = FALSE;

  if (!foyer_badge_code_looks_like (text, -1))
    return FALSE;

  if (options != NULL && options->verify_key_path != NULL)
    verifier = foyer_badge_code_new (NULL, options->verify_key_path, &local_error);

  if (verifier != NULL) {
    /* Forged, altered, truncated or another key's: invalid, never a registration. */
    verified = foyer_badge_code_verify (verifier, text, -1, NULL, &info, &local_error);
    if (!verified) {
      g_set_error_literal (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_INVALID,
                           local_error->message);
      return FALSE;
    }
  } else {
    /* No usable key: the code is read but stays unverified, and staff are told why. */
    g_autoptr(GError) parse_error = NULL;

    info = foyer_badge_code_parse (text, -1, &parse_error);
    if (info == NULL) {
      g_set_error_literal (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_INVALID,
                           parse_error->message);
      return FALSE;
    }
    if (local_error != NULL)
      _foyer_contact_add_warning (b, _("This Foyer badge cannot be checked: %s"),
                                  local_error->message);
    else
      _foyer_contact_add_warning (b, _("This Foyer badge cannot be checked: no verify key is "
                                       "configured ([badge] verify-key)"));
  }

  b->contact->format = g_strdup (FOYER_FORMAT_FOYER_BADGE);
  /* The canonical spelling, so that a lower-casing scanner does not make a second visitor. */
  b->contact->badge_code = g_ascii_strup (text, -1);
  b->contact->badge_event = g_strdup (info->event);
  b->contact->badge_record = g_strdup (info->short_id);
  b->contact->badge_verified = verified;
  return TRUE;
}

static gboolean
is_wechat_contact_link (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host;
  const char *path;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  path = g_uri_get_path (uri);
  return g_ascii_strcasecmp (host, "u.wechat.com") == 0 ||
         ((g_ascii_strcasecmp (host, "weixin.qq.com") == 0 ||
           g_ascii_strcasecmp (host, "wx.qq.com") == 0) && g_str_has_prefix (path, "/r/"));
}

/* http(s) links, other "scheme://" links (app deep links) and bare www. addresses. */
static gboolean
looks_like_url (const char *text)
{
  const char *p = text;

  if (strpbrk (text, " \t\r\n") != NULL)
    return FALSE;
  if (_foyer_str_has_prefix_ascii_ci (text, "www.") && strchr (text + 4, '.') != NULL)
    return TRUE;
  if (!g_ascii_isalpha (*p))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  return g_str_has_prefix (p, "://") && p[3] != '\0';
}

static gboolean
try_url (const char          *text,
         FoyerContactBuilder *b)
{
  if (!looks_like_url (text))
    return FALSE;

  b->contact->format = g_strdup (FOYER_FORMAT_URL);
  _foyer_contact_add_url (b, text);
  if (is_wechat_contact_link (text)) {
    b->contact->is_contact_link = TRUE;
    _foyer_contact_add_warning (b, _("This is a WeChat contact link: it carries no name, phone or "
                                "e-mail. Ask the visitor to enter their details."));
  }
  return TRUE;
}

/* Percent-decodes a URI part; keeps it as written when the result would not be UTF-8 text. */
static char *
uri_unescape_text (const char *part)
{
  char *unescaped = g_uri_unescape_string (part, NULL);

  if (unescaped == NULL || !g_utf8_validate (unescaped, -1, NULL)) {
    g_free (unescaped);
    return g_strdup (part);
  }
  return unescaped;
}

static gboolean
try_mailto (const char          *text,
            FoyerContactBuilder *b)
{
  const char *rest;
  g_autofree char *addresses = NULL;
  g_auto(GStrv) parts = NULL;
  const char *query;

  if (!_foyer_str_has_prefix_ascii_ci (text, "mailto:"))
    return FALSE;
  rest = text + strlen ("mailto:");
  query = strchr (rest, '?');
  addresses = g_strndup (rest, query != NULL ? (gsize) (query - rest) : strlen (rest));

  b->contact->format = g_strdup (FOYER_FORMAT_EMAIL);
  parts = g_strsplit (addresses, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    g_autofree char *unescaped = uri_unescape_text (parts[i]);

    _foyer_contact_add_email (b, unescaped);
  }
  if (b->emails->len == 0 && b->warnings->len == 0)
    _foyer_contact_add_warning (b, _("The mailto: link names no e-mail address"));
  return TRUE;
}

static gboolean
try_tel (const char          *text,
         FoyerContactBuilder *b)
{
  g_autofree char *number = NULL;
  const char *rest;

  if (!_foyer_str_has_prefix_ascii_ci (text, "tel:"))
    return FALSE;
  rest = text + strlen ("tel:");
  b->contact->format = g_strdup (FOYER_FORMAT_PHONE);
  number = uri_unescape_text (rest);
  _foyer_contact_add_phone (b, number);
  return TRUE;
}

static gboolean
is_bare_email (const char *text)
{
  g_autofree char *normalized = NULL;

  if (strchr (text, '@') == NULL)
    return FALSE;
  normalized = foyer_email_normalize (text);
  return normalized != NULL;
}

/* The event's badge pattern, or NULL (with a warning when it does not compile) to use the
 * default rule. */
static GRegex *
compile_badge_pattern (const FoyerPayloadOptions *options,
                       FoyerContactBuilder       *b)
{
  g_autoptr(GError) error = NULL;
  const char *pattern = options != NULL ? options->badge_pattern : NULL;
  GRegex *regex;

  if (pattern == NULL || *pattern == '\0')
    return NULL;
  regex = g_regex_new (pattern, 0, 0, &error);
  if (regex == NULL)
    _foyer_contact_add_warning (b, _("The badge pattern of this event is not a valid regular "
                                "expression (%s); the default badge rule was used"),
                                error->message);
  return regex;
}

static gboolean
try_badge (const char          *text,
           GRegex              *regex,
           FoyerContactBuilder *b)
{
  g_autoptr(GRegex) fallback = NULL;

  if (regex == NULL)
    regex = fallback = g_regex_new (DEFAULT_BADGE_PATTERN, 0, 0, NULL);
  g_assert (regex != NULL);
  if (!g_regex_match (regex, text, 0, NULL))
    return FALSE;

  b->contact->format = g_strdup (FOYER_FORMAT_BADGE);
  b->contact->badge_code = g_strdup (text);
  return TRUE;
}

FoyerPayloadOptions *
foyer_payload_options_new_from_config (FoyerConfig *config)
{
  FoyerPayloadOptions *options;
  const char *pattern;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  options = g_new0 (FoyerPayloadOptions, 1);
  options->default_region = g_strdup (foyer_config_get_string (config, "kiosk",
                                                               "default-region"));
  pattern = foyer_config_get_string (config, "badge", "pattern");
  options->badge_pattern = pattern != NULL && *pattern != '\0' ? g_strdup (pattern) : NULL;
  options->verify_key_path = foyer_config_get_path_value (config, "badge", "verify-key");
  /* A kiosk that signs badges checks its own with the signing key's public half. */
  if (options->verify_key_path == NULL)
    options->verify_key_path = foyer_config_get_path_value (config, "badge", "signing-key");
  return options;
}

void
foyer_payload_options_free (FoyerPayloadOptions *options)
{
  if (options == NULL)
    return;
  g_free ((char *) options->default_region);
  g_free ((char *) options->badge_pattern);
  g_free ((char *) options->verify_key_path);
  g_free (options);
}

FoyerContact *
foyer_payload_parse (const guint8              *data,
                     gsize                      len,
                     const FoyerPayloadOptions *options,
                     GError                   **error)
{
  g_autoptr(FoyerContact) contact = NULL;
  g_autofree char *text = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *encoding = NULL;
  FoyerContactBuilder b;
  FoyerTextFlags flags = FOYER_TEXT_FLAG_NONE;
  const char *region;
  gboolean parsed = FALSE;
  GError *badge_error = NULL;
  g_autoptr(GRegex) badge_regex = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text = foyer_payload_decode_text (data, len, &encoding, &flags, error);
  if (text == NULL)
    return NULL;

  region = options != NULL && options->default_region != NULL && *options->default_region != '\0'
           ? options->default_region : FOYER_DEFAULT_REGION;

  contact = foyer_contact_new ();
  contact->text = g_strdup (text);
  contact->encoding = g_steal_pointer (&encoding);
  contact->text_flags = flags;
  contact->default_region = g_ascii_strup (region, -1);

  _foyer_contact_builder_init (&b, contact, contact->default_region);
  if (flags & FOYER_TEXT_FLAG_UNCERTAIN)
    _foyer_contact_add_warning (&b, _("Some characters of this code could not be read (unknown "
                                "character set) and are shown as �"));

  trimmed = _foyer_str_trim (text);

  if (try_foyer_badge (data, len, trimmed, options, &b, &badge_error)) {
    parsed = TRUE;
  } else if (badge_error != NULL) {
    _foyer_contact_builder_clear (&b);
    g_propagate_error (error, badge_error);
    return NULL;
  }

  /* A pattern the organizer configured wins over every generic format: badge codes of some
   * events are URLs or e-mail-like tokens. */
  badge_regex = compile_badge_pattern (options, &b);
  if (!parsed && badge_regex != NULL)
    parsed = try_badge (trimmed, badge_regex, &b);
  if (!parsed && _foyer_str_has_prefix_ascii_ci (trimmed, "BEGIN:VCARD"))
    parsed = _foyer_vcard_parse (trimmed, &b);
  if (!parsed && _foyer_str_has_prefix_ascii_ci (trimmed, "MECARD:"))
    parsed = _foyer_mecard_parse (trimmed, &b);
  if (!parsed && _foyer_str_has_prefix_ascii_ci (trimmed, "BIZCARD:"))
    parsed = _foyer_bizcard_parse (trimmed, &b);
  if (!parsed && _foyer_str_has_prefix_ascii_ci (trimmed, "MATMSG:"))
    parsed = _foyer_matmsg_parse (trimmed, &b);
  if (!parsed)
    parsed = try_mailto (trimmed, &b) || try_tel (trimmed, &b) || try_url (trimmed, &b);
  if (!parsed && is_bare_email (trimmed)) {
    contact->format = g_strdup (FOYER_FORMAT_EMAIL);
    _foyer_contact_add_email (&b, trimmed);
    parsed = TRUE;
  }
  if (!parsed && badge_regex == NULL)
    parsed = try_badge (trimmed, NULL, &b);
  if (!parsed)
    contact->format = g_strdup (FOYER_FORMAT_UNKNOWN);

  _foyer_contact_builder_finish (&b);
  _foyer_contact_builder_clear (&b);
  return g_steal_pointer (&contact);
}
