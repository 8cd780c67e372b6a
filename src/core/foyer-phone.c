/* foyer-phone.c: phone numbers as people write them on cards → E.164.
 *
 * Hand-written rules rather than libphonenumber (a C++ library with a large metadata set): a
 * kiosk needs the country calling code, the trunk prefix to drop and a length check, for the
 * regions its visitors come from, plus a generic E.164 path for everything written with + or 00.
 */
#define G_LOG_DOMAIN "foyer-payload"

#include "config.h"

#include <string.h>

#include "foyer-payload-private.h"

/* E.164: at most 15 digits including the country code. Fewer than 7 is not a real subscriber. */
#define E164_MIN_DIGITS 7
#define E164_MAX_DIGITS 15

typedef struct {
  const char *region;          /* ISO 3166-1 alpha-2 */
  const char *country_code;
  const char *trunk_prefix;    /* dropped from national numbers; NULL when there is none */
  const char *intl_prefix;     /* dialled before a foreign country code */
  guint       min_national;    /* significant national digits (without trunk prefix) */
  guint       max_national;
} RegionInfo;

static const RegionInfo regions[] = {
  { "CN", "86", "0", "00", 9, 11 },
  { "HK", "852", NULL, "001", 8, 8 },
  { "MO", "853", NULL, "00", 8, 8 },
  { "TW", "886", "0", "002", 8, 9 },
  { "JP", "81", "0", "010", 9, 10 },
  { "KR", "82", "0", "001", 8, 10 },
  { "SG", "65", NULL, "000", 8, 8 },
  { "MY", "60", "0", "00", 8, 10 },
  { "TH", "66", "0", "001", 8, 9 },
  { "VN", "84", "0", "00", 9, 10 },
  { "ID", "62", "0", "001", 8, 12 },
  { "PH", "63", "0", "00", 8, 10 },
  { "IN", "91", "0", "00", 10, 10 },
  { "AU", "61", "0", "0011", 9, 9 },
  { "NZ", "64", "0", "00", 8, 10 },
  { "US", "1", "1", "011", 10, 10 },
  { "CA", "1", "1", "011", 10, 10 },
  { "GB", "44", "0", "00", 9, 10 },
  { "IE", "353", "0", "00", 7, 10 },
  { "DE", "49", "0", "00", 6, 13 },
  { "AT", "43", "0", "00", 6, 13 },
  { "CH", "41", "0", "00", 9, 9 },
  { "FR", "33", "0", "00", 9, 9 },
  { "NL", "31", "0", "00", 9, 9 },
  { "BE", "32", "0", "00", 8, 9 },
  { "IT", "39", NULL, "00", 6, 11 },   /* Italy keeps the leading 0 of landlines */
  { "ES", "34", NULL, "00", 9, 9 },
  { "PT", "351", NULL, "00", 9, 9 },
  { "PL", "48", NULL, "00", 9, 9 },
  { "SE", "46", "0", "00", 7, 9 },
  { "RU", "7", "8", "810", 10, 10 },
  { "AE", "971", "0", "00", 8, 9 },
  { "BR", "55", "0", "00", 10, 11 },
};

static const RegionInfo *
find_region (const char *region)
{
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    if (g_ascii_strcasecmp (regions[i].region, region) == 0)
      return &regions[i];
  return NULL;
}

/* Keeps the digits (full-width ones too) and a leading plus; NULL when anything but the usual
 * separators is present. Tel-URI parameters (;ext=…) and "(0)" after a country code go. */
static char *
digits_of (const char *number,
           gboolean   *plus)
{
  GString *digits = g_string_new (NULL);
  const char *p = number;

  *plus = FALSE;
  if (_foyer_str_has_prefix_ascii_ci (p, "tel:"))
    p += strlen ("tel:");

  for (; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (c >= 0xFF10 && c <= 0xFF19)
      c = '0' + (c - 0xFF10);
    if (c == 0xFF0B)
      c = '+';

    if (c >= '0' && c <= '9') {
      g_string_append_c (digits, (char) c);
    } else if (c == '+' && digits->len == 0 && !*plus) {
      *plus = TRUE;
    } else if (c == ';' || c == ',') {
      break;                       /* tel-URI parameters, pause/extension dialling */
    } else if (c == '(' && strncmp (p, "(0)", 3) == 0 && *plus) {
      p += 2;                      /* +49 (0)69 …: the optional trunk prefix */
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' ||
               c == 0x00A0 || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 ||
               c == 0x2014 || c == 0x2212 || c == 0x3000 || c == 0xFF0D || c == 0xFF08 ||
               c == 0xFF09 || c == 0x30FC || c == '\t') {
      continue;
    } else {
      g_string_free (digits, TRUE);
      return NULL;
    }
  }
  return g_string_free (digits, FALSE);
}

/* China: mobiles are 1[3-9] + 9 digits; landlines an area code (10, 2x, or 3–4 digits starting
 * 3–9) + 7–8 digits; 400/800 service numbers 10 digits. */
static gboolean
plausible_cn (const char *national)
{
  gsize len = strlen (national);

  if (national[0] == '1')
    return (len == 11 && national[1] >= '3' && national[1] <= '9') ||
           (len == 10 && national[1] == '0');        /* Beijing 10 + 8 digits */
  if (g_str_has_prefix (national, "400") || g_str_has_prefix (national, "800"))
    return len == 10;
  if (national[0] == '2')
    return len == 10;                                 /* 2x + 8 digits */
  return len >= 10 && len <= 11 && national[0] >= '3';
}

static gboolean
plausible_nanp (const char *national)
{
  return strlen (national) == 10 && national[0] >= '2' && national[3] >= '2';
}

/* Checks an international number (country code + national digits). */
static gboolean
plausible_international (const char *digits)
{
  gsize len = strlen (digits);

  if (len < E164_MIN_DIGITS || len > E164_MAX_DIGITS || digits[0] == '0')
    return FALSE;
  if (g_str_has_prefix (digits, "86"))
    return plausible_cn (digits + 2);
  if (digits[0] == '1')
    return plausible_nanp (digits + 1);
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++) {
    const RegionInfo *r = &regions[i];
    gsize cc = strlen (r->country_code);

    if (strncmp (digits, r->country_code, cc) == 0) {
      gsize national = len - cc;

      /* The country codes of the table are prefix-free against each other except 7/1, handled
       * above; a longer country code of another region cannot start with one of these. */
      /* After the country code, a trunk 0 is a mistake (+49 069…) except where the 0 is part
       * of the number (Italy). */
      return national >= r->min_national && national <= r->max_national &&
             (g_strcmp0 (r->trunk_prefix, "0") != 0 || digits[cc] != '0');
    }
  }
  return TRUE;   /* a country Foyer has no rules for: the generic E.164 length check held */
}

char *
foyer_phone_normalize (const char *number,
                       const char *default_region)
{
  g_autofree char *digits = NULL;
  g_autofree char *international = NULL;
  const RegionInfo *region;
  gboolean plus;
  const char *national;

  g_return_val_if_fail (number != NULL, NULL);

  if (!g_utf8_validate (number, -1, NULL))
    return NULL;
  digits = digits_of (number, &plus);
  if (digits == NULL || digits[0] == '\0')
    return NULL;

  region = find_region (default_region != NULL && *default_region != '\0' ? default_region
                                                                          : "CN");
  if (plus) {
    international = g_strdup (digits);
  } else if (region != NULL && g_str_has_prefix (digits, region->intl_prefix)) {
    international = g_strdup (digits + strlen (region->intl_prefix));
  } else if (g_str_has_prefix (digits, "00")) {
    international = g_strdup (digits + 2);        /* the most common international prefix */
  } else if (region == NULL) {
    return NULL;                                  /* no country code and no rules to add one */
  } else {
    national = digits;
    if (region->trunk_prefix != NULL && g_str_has_prefix (national, region->trunk_prefix)) {
      /* NANP's trunk prefix is 1; only an 11-digit 1… is the trunk form there. */
      if (strcmp (region->country_code, "1") != 0 || strlen (national) == 11)
        national += strlen (region->trunk_prefix);
    }

    if (strcmp (region->region, "CN") == 0) {
      gboolean had_trunk = national != digits;

      /* Chinese cards often print the country code without a plus: 86 139 1234 5678. */
      if (!had_trunk && g_str_has_prefix (national, "86") && strlen (national) == 13 &&
          national[2] == '1')
        national += 2;
      /* Written nationally, only mobiles and 400/800 numbers go without the trunk 0; a
       * landline without it (e.g. a foreign number missing its +) is not a Chinese number. */
      else if (!had_trunk && national[0] != '1' && !g_str_has_prefix (national, "400") &&
               !g_str_has_prefix (national, "800"))
        return NULL;
    }

    international = g_strconcat (region->country_code, national, NULL);
  }

  if (!plausible_international (international))
    return NULL;
  return g_strconcat ("+", international, NULL);
}
