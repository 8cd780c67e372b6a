/* SPDX-License-Identifier: GPL-3.0-or-later */
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

/* The national digits of a number written without a country code, by region's rules; NULL when
 * they cannot be a number of that region. */
static char *
international_from (const char       *digits,
                    const RegionInfo *region)
{
  const char *national = digits;

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
  return g_strconcat (region->country_code, national, NULL);
}

/* Digits of an extension, from a trailing "ext. 102", "ext 102", "x7", "#12", "分机 12", "转 12"
 * or a tel-URI ";ext=102" (RFC 3966). The rest of the number goes to *main. NULL when there is
 * none. Tel-URI parameters other than ext are dropped later by digits_of(). */
static char *
split_extension (const char  *number,
                 char       **main)
{
  static const char * const markers[] = { "extension", "extn", "ext", "x", "#",
                                          "\xE5\x88\x86\xE6\x9C\xBA" /* 分机 */,
                                          "\xE8\xBD\xAC" /* 转 */ };
  g_autofree char *lower = g_ascii_strdown (number, -1);
  const char *param = strstr (lower, ";ext=");
  gsize end = strlen (lower);
  gsize digits_start;
  gsize before;

  *main = NULL;
  if (param != NULL) {
    const char *ext = param + strlen (";ext=");
    gsize n = strspn (ext, "0123456789");

    if (n == 0 || n > 10 || (ext[n] != '\0' && ext[n] != ';'))
      return NULL;
    *main = g_strndup (number, param - lower);
    return g_strndup (ext, n);
  }

  while (end > 0 && lower[end - 1] == ' ')
    end--;
  digits_start = end;
  while (digits_start > 0 && g_ascii_isdigit (lower[digits_start - 1]))
    digits_start--;
  if (digits_start == end || end - digits_start > 10)
    return NULL;
  before = digits_start;
  while (before > 0 && strchr (" .:=", lower[before - 1]) != NULL)
    before--;
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++) {
    gsize len = strlen (markers[i]);
    char prev;

    if (before < len || strncmp (lower + before - len, markers[i], len) != 0)
      continue;
    /* the marker stands after the number: "…54 x7", "…54x7", "…54 ext. 7" */
    prev = before > len ? lower[before - len - 1] : '\0';
    if (prev != ' ' && prev != ')' && !g_ascii_isdigit (prev))
      return NULL;
    *main = g_strndup (number, before - len);
    return g_strndup (number + digits_start, end - digits_start);
  }
  return NULL;
}

static char *
normalize_in_region (const char *number,
                     const char *region_name)
{
  g_autofree char *digits = NULL;
  g_autofree char *international = NULL;
  const RegionInfo *region;
  gboolean plus;

  digits = digits_of (number, &plus);
  if (digits == NULL || digits[0] == '\0')
    return NULL;

  region = find_region (region_name != NULL && *region_name != '\0' ? region_name : "CN");
  if (plus)
    international = g_strdup (digits);
  else if (region != NULL && g_str_has_prefix (digits, region->intl_prefix))
    international = g_strdup (digits + strlen (region->intl_prefix));
  else if (g_str_has_prefix (digits, "00"))
    international = g_strdup (digits + 2);        /* the most common international prefix */
  else if (region == NULL)
    return NULL;                                  /* no country code and no rules to add one */
  else if ((international = international_from (digits, region)) == NULL)
    return NULL;

  if (!plausible_international (international))
    return NULL;
  return g_strconcat ("+", international, NULL);
}

char *
_foyer_phone_normalize_in (const char         *number,
                           const char * const *region_names)
{
  g_autofree char *main = NULL;
  g_autofree char *ext = NULL;

  g_return_val_if_fail (number != NULL, NULL);

  if (!g_utf8_validate (number, -1, NULL))
    return NULL;
  ext = split_extension (number, &main);
  for (guint i = 0; region_names[i] != NULL; i++) {
    g_autofree char *e164 = normalize_in_region (main != NULL ? main : number, region_names[i]);

    if (e164 != NULL)
      return ext != NULL ? g_strconcat (e164, ";ext=", ext, NULL) : g_steal_pointer (&e164);
  }
  return NULL;
}

char *
foyer_phone_normalize (const char *number,
                       const char *default_region)
{
  const char *one[] = { default_region != NULL ? default_region : "CN", NULL };

  g_return_val_if_fail (number != NULL, NULL);
  return _foyer_phone_normalize_in (number, one);
}

/* The digits of number without its extension (digits_of()); NULL for text that is not UTF-8. */
static char *
main_number_digits (const char *number,
                    gboolean   *plus)
{
  g_autofree char *main = NULL;
  g_autofree char *ext = NULL;

  if (!g_utf8_validate (number, -1, NULL))
    return NULL;
  ext = split_extension (number, &main);
  return digits_of (main != NULL ? main : number, plus);
}

gboolean
_foyer_phone_is_number_like (const char *number)
{
  g_autofree char *digits = NULL;
  gboolean plus;

  digits = main_number_digits (number, &plus);
  return digits != NULL && strlen (digits) >= 6 && strlen (digits) <= 17;
}

const char *
_foyer_phone_region_of_international (const char *number)
{
  g_autofree char *digits = NULL;
  gboolean plus;

  if ((digits = main_number_digits (number, &plus)) == NULL)
    return NULL;
  if (!plus && !g_str_has_prefix (digits, "00"))
    return NULL;
  if (!plus)
    memmove (digits, digits + 2, strlen (digits + 2) + 1);
  /* the first region of the table with this country code: US for +1, RU for +7 */
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    if (g_str_has_prefix (digits, regions[i].country_code))
      return regions[i].region;
  return NULL;
}

/* Country names as address books write them in ADR (English, native, ISO codes). */
static const struct {
  const char *name;
  const char *region;
} countries[] = {
  { "china", "CN" }, { "prc", "CN" }, { "people's republic of china", "CN" },
  { "\xE4\xB8\xAD\xE5\x9B\xBD", "CN" } /* 中国 */,
  { "usa", "US" }, { "u.s.a.", "US" }, { "united states", "US" },
  { "united states of america", "US" }, { "canada", "CA" },
  { "germany", "DE" }, { "deutschland", "DE" }, { "france", "FR" },
  { "united kingdom", "GB" }, { "uk", "GB" }, { "great britain", "GB" }, { "england", "GB" },
  { "japan", "JP" }, { "\xE6\x97\xA5\xE6\x9C\xAC", "JP" } /* 日本 */,
  { "hong kong", "HK" }, { "\xE9\xA6\x99\xE6\xB8\xAF", "HK" } /* 香港 */,
  { "taiwan", "TW" }, { "\xE5\x8F\xB0\xE6\xB9\xBE", "TW" }, { "\xE5\x8F\xB0\xE7\x81\xA3", "TW" },
  { "singapore", "SG" }, { "south korea", "KR" }, { "korea", "KR" },
  { "australia", "AU" }, { "new zealand", "NZ" }, { "india", "IN" },
  { "italy", "IT" }, { "italia", "IT" }, { "spain", "ES" }, { "espa\xC3\xB1" "a", "ES" },
  { "netherlands", "NL" }, { "switzerland", "CH" }, { "schweiz", "CH" }, { "suisse", "CH" },
  { "austria", "AT" }, { "\xC3\xB6sterreich", "AT" }, { "belgium", "BE" }, { "ireland", "IE" },
  { "sweden", "SE" }, { "poland", "PL" }, { "portugal", "PT" }, { "brazil", "BR" },
  { "brasil", "BR" }, { "russia", "RU" }, { "malaysia", "MY" }, { "thailand", "TH" },
  { "vietnam", "VN" }, { "viet nam", "VN" }, { "indonesia", "ID" }, { "philippines", "PH" },
  { "united arab emirates", "AE" }, { "uae", "AE" },
};

const char *
_foyer_phone_region_of_country (const char *country)
{
  g_autofree char *folded = NULL;

  if (country == NULL || !g_utf8_validate (country, -1, NULL))
    return NULL;
  folded = g_utf8_strdown (country, -1);
  g_strstrip (folded);
  if (strlen (folded) == 2 && find_region (folded) != NULL)
    return find_region (folded)->region;
  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    if (strcmp (folded, countries[i].name) == 0)
      return countries[i].region;
  return NULL;
}
