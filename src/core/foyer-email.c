/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-email.c: e-mail addresses from cards: a practical RFC 5321/6531 check, domain lower-cased.
 *
 * Strict enough to catch what OCR-like mistakes and truncated codes produce (no @, spaces, a
 * domain without a dot), lenient with what real people use (plus tags, international names).
 */
#define G_LOG_DOMAIN "foyer-payload"

#include "config.h"

#include <string.h>

#include "foyer-payload-private.h"

static gboolean
valid_local_part (const char *local,
                  gsize       len)
{
  if (len == 0 || len > 64 || local[0] == '.' || local[len - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++) {
    guchar c = (guchar) local[i];

    if (c >= 0x80)
      continue;                                  /* UTF-8 (RFC 6531) */
    if (g_ascii_isalnum (c) || strchr ("!#$%&'*+/=?^_`{|}~-", c) != NULL)
      continue;
    if (c == '.' && local[i + 1] != '.')
      continue;
    return FALSE;
  }
  return TRUE;
}

static gboolean
valid_domain (const char *domain)
{
  g_auto(GStrv) labels = NULL;
  guint n;
  gboolean tld_has_letter = FALSE;

  if (*domain == '\0' || strlen (domain) > 253)
    return FALSE;
  labels = g_strsplit (domain, ".", -1);
  n = g_strv_length (labels);
  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++) {
    const char *label = labels[i];
    gsize len = strlen (label);

    if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
      return FALSE;
    for (gsize j = 0; j < len; j++) {
      guchar c = (guchar) label[j];

      if (c >= 0x80 || g_ascii_isalpha (c)) {
        if (i == n - 1)
          tld_has_letter = TRUE;
      } else if (!g_ascii_isdigit (c) && c != '-') {
        return FALSE;
      }
    }
  }
  return tld_has_letter;
}

char *
foyer_email_normalize (const char *address)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *domain = NULL;
  const char *at;

  g_return_val_if_fail (address != NULL, NULL);

  if (!g_utf8_validate (address, -1, NULL))
    return NULL;
  trimmed = _foyer_str_trim (address);
  at = strrchr (trimmed, '@');
  if (at == NULL || strchr (trimmed, '@') != at)
    return NULL;
  if (!valid_local_part (trimmed, at - trimmed))
    return NULL;
  domain = g_utf8_strdown (at + 1, -1);
  if (!valid_domain (domain))
    return NULL;
  return g_strdup_printf ("%.*s@%s", (int) (at - trimmed), trimmed, domain);
}
