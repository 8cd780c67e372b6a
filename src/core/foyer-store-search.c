/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-search.c: staff look up a pre-registered visitor who has no badge with them, by
 * name, company or the last 4 digits of a phone.
 *
 * Every writer of the pre-registrations (CSV import, a pull from head office) stores a row's
 * search text in the same statement as the row: the column search_text, computed by
 * foyer_search_text(), an SQL function registered on every connection here. It holds the folded
 * words of the names and the company ("müller" for "Müller"), each after a space, and "#" with a
 * phone's last 4 digits. A query word that begins with a letter or digit of a spaced script
 * must begin a word (" mul"); one that begins with Han, kana or Hangul, written without spaces,
 * may sit anywhere in a word, so that "小明" finds "王小明" and "智能" finds "深圳智能传感".
 * Every word of a query must be in the same row's text.
 *
 * A query is a substring scan (strstr) of the event's rows, stopped at the 21st hit: at 200,000
 * attendees it costs a few tens of milliseconds at worst (bench-store-search), where an index
 * of keys (8 to 14 B-tree entries per attendee) made imports and pulls 20 to 36 times slower.
 * FTS5's trigram tokenizer would need 3 characters, and Chinese names are often 2.
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "foyer-store-private.h"

/* Words of a query beyond these are ignored (the SQL has a slot for each). */
#define MAX_QUERY_WORDS    4

void
foyer_search_hit_free (FoyerSearchHit *hit)
{
  if (hit == NULL)
    return;
  g_clear_pointer (&hit->registration, foyer_registration_free);
  g_free (hit->phone_tail);
  g_free (hit);
}

static gboolean
is_mark (gunichar c)
{
  switch (g_unichar_type (c)) {
  case G_UNICODE_NON_SPACING_MARK:
  case G_UNICODE_SPACING_MARK:
  case G_UNICODE_ENCLOSING_MARK:
    return TRUE;
  default:
    return FALSE;
  }
}

char *
foyer_store_search_fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autoptr(GString) bare = NULL;

  if (text == NULL)
    return g_strdup ("");
  /* ASCII needs neither decomposition nor full case folding: the import's common case */
  if (g_str_is_ascii (text))
    return g_ascii_strdown (text, -1);
  /* Compatibility decomposition also folds full-width Latin letters and digits, which Chinese
   * input methods type, to the ordinary ones. */
  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_strdup ("");
  bare = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (!is_mark (c))
      g_string_append_unichar (bare, c);
  }
  return g_utf8_casefold (bare->str, bare->len);
}

/* Scripts written without spaces between words: any character may begin what staff type. */
static gboolean
is_unspaced (gunichar c)
{
  switch (g_unichar_get_script (c)) {
  case G_UNICODE_SCRIPT_HAN:
  case G_UNICODE_SCRIPT_HIRAGANA:
  case G_UNICODE_SCRIPT_KATAKANA:
  case G_UNICODE_SCRIPT_HANGUL:
    return TRUE;
  default:
    return FALSE;
  }
}

/* The words of folded text: runs of letters and digits. */
static GPtrArray *
split_words (const char *folded)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  const char *start = NULL;

  for (const char *p = folded;; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    gboolean in_word = c != 0 && g_unichar_isalnum (c);

    if (in_word && start == NULL)
      start = p;
    if (!in_word && start != NULL) {
      g_ptr_array_add (words, g_strndup (start, p - start));
      start = NULL;
    }
    if (c == 0)
      break;
  }
  return words;
}

static void
append_text (GString    *out,
             const char *text)
{
  g_autofree char *folded = NULL;
  g_autoptr(GPtrArray) words = NULL;

  if (text == NULL)
    return;
  folded = foyer_store_search_fold (text);
  words = split_words (folded);
  for (guint i = 0; i < words->len; i++) {
    g_string_append_c (out, ' ');
    g_string_append (out, g_ptr_array_index (words, i));
  }
}

/* The last 4 digits of a phone number as written, or NULL when it has fewer. */
static char *
phone_tail (const char *phone)
{
  char tail[5] = { 0 };
  int n = 0;

  for (const char *p = phone + strlen (phone); p > phone && n < 4; p--) {
    if (g_ascii_isdigit (p[-1]))
      tail[3 - n++] = p[-1];
  }
  return n == 4 ? g_strdup (tail) : NULL;
}

static void
append_phone (GString    *out,
              const char *phone)
{
  g_autofree char *tail = phone != NULL ? phone_tail (phone) : NULL;

  if (tail != NULL)
    g_string_append_printf (out, " #%s", tail);
}

/* foyer_search_text(full_name, family_name, given_name, organization, phones JSON, phone
 * tail): the row's search text (see the top of this file), or NULL when it has none. */
static void
sql_search_text (sqlite3_context *context,
                 int              argc,
                 sqlite3_value  **argv)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) phones = NULL;

  for (int i = 0; i < 4 && i < argc; i++)
    append_text (text, (const char *)sqlite3_value_text (argv[i]));
  if (argc > 4)
    phones = _foyer_store_strv_from_json ((const char *)sqlite3_value_text (argv[4]));
  for (guint i = 0; phones != NULL && phones[i] != NULL; i++)
    append_phone (text, phones[i]);
  /* a pulled row carries only the tail of its first phone */
  if (argc > 5 && sqlite3_value_type (argv[5]) == SQLITE_TEXT)
    append_phone (text, (const char *)sqlite3_value_text (argv[5]));
  if (text->len == 0) {
    sqlite3_result_null (context);
    return;
  }
  sqlite3_result_text (context, g_string_free (g_steal_pointer (&text), FALSE), -1, g_free);
}

char *
_foyer_store_search_text (const FoyerRegistration *reg)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_text (text, reg->full_name);
  append_text (text, reg->family_name);
  append_text (text, reg->given_name);
  append_text (text, reg->organization);
  for (guint i = 0; reg->phones != NULL && reg->phones[i] != NULL; i++)
    append_phone (text, reg->phones[i]);
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* foyer_search_match(search_text, phone pattern, word patterns…): 1 when the text holds the
 * phone pattern, or every word pattern that is not NULL. SQLite's instr() compares at every
 * character with memcmp(); glibc's strstr() is several times faster over 200,000 rows, and one
 * call per row tests every word. */
static void
sql_search_match (sqlite3_context *context,
                  int              argc,
                  sqlite3_value  **argv)
{
  const char *text = (const char *)sqlite3_value_text (argv[0]);
  const char *phone = argc > 1 ? (const char *)sqlite3_value_text (argv[1]) : NULL;
  gboolean all = argc > 2;

  if (text == NULL) {
    sqlite3_result_int (context, 0);
    return;
  }
  if (phone != NULL && strstr (text, phone) != NULL) {
    sqlite3_result_int (context, 1);
    return;
  }
  for (int i = 2; i < argc && all; i++) {
    const char *word = (const char *)sqlite3_value_text (argv[i]);

    all = word == NULL || strstr (text, word) != NULL;
  }
  sqlite3_result_int (context, all);
}

void
_foyer_store_register_search_functions (sqlite3 *db)
{
  sqlite3_create_function (db, "foyer_search_text", -1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                           sql_search_text, NULL, NULL);
  sqlite3_create_function (db, "foyer_search_match", -1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                           sql_search_match, NULL, NULL);
}

/* --- the query ---------------------------------------------------------------------------- */

/* instr() patterns: slot 0 is the longest word, the others must match too. */
typedef struct {
  char *word[MAX_QUERY_WORDS];
  char *phone;              /* " #1234" for a query of 4 digits, else NULL */
} SearchPatterns;

static void
search_patterns_clear (SearchPatterns *patterns)
{
  for (guint i = 0; i < MAX_QUERY_WORDS; i++)
    g_free (patterns->word[i]);
  g_free (patterns->phone);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SearchPatterns, search_patterns_clear)

static gint
longer_first (gconstpointer a,
              gconstpointer b)
{
  return (gint)g_utf8_strlen (*(char **)b, -1) - (gint)g_utf8_strlen (*(char **)a, -1);
}

/* The 4 digits of a query that is a phone's last 4 digits (spaces and dashes allowed), or NULL. */
static char *
phone_tail_query (const char *query)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  for (const char *p = query; *p != '\0'; p++) {
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
    else if (*p != ' ' && *p != '-')
      return NULL;
  }
  return digits->len == 4 ? g_string_free (g_steal_pointer (&digits), FALSE) : NULL;
}

static gboolean
parse_query (const char      *query,
             SearchPatterns  *patterns,
             GError       **error)
{
  g_autofree char *folded = foyer_store_search_fold (query);
  g_autoptr(GPtrArray) words = split_words (folded);

  g_ptr_array_sort (words, longer_first);
  if (words->len == 0 ||
      g_utf8_strlen (g_ptr_array_index (words, 0), -1) < FOYER_STORE_SEARCH_MIN_CHARS) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID,
                 g_dngettext (GETTEXT_PACKAGE, "Type at least %d character of a name, a company "
                              "or the last 4 digits of a phone.",
                              "Type at least %d characters of a name, a company or the last 4 "
                              "digits of a phone.", FOYER_STORE_SEARCH_MIN_CHARS),
                 FOYER_STORE_SEARCH_MIN_CHARS);
    return FALSE;
  }
  {
    g_autofree char *tail = phone_tail_query (folded);

    /* "92 54" is one number as it was read out, not two words */
    if (tail != NULL) {
      g_ptr_array_set_size (words, 0);
      g_ptr_array_add (words, g_strdup (tail));
      patterns->phone = g_strconcat (" #", tail, NULL);
    }
  }
  for (guint i = 0; i < words->len && i < MAX_QUERY_WORDS; i++) {
    const char *word = g_ptr_array_index (words, i);

    /* text written without spaces matches anywhere in a word, other text at a word's start */
    patterns->word[i] = is_unspaced (g_utf8_get_char (word)) ? g_strdup (word)
                                                              : g_strconcat (" ", word, NULL);
  }
  return TRUE;
}

/* Up to limit badge codes of the event whose search text holds every word of the query (or,
 * for a phone's last 4 digits, the phone pattern). The event's rows are a range of the table's
 * primary key; the scan stops at the limit. */
static GPtrArray *
matching_badges (FoyerStore           *self,
                 const char           *event,
                 const SearchPatterns *patterns,
                 guint                 limit,
                 GError              **error)
{
  g_autoptr(GPtrArray) badges = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  stmt = _foyer_store_get_stmt (self,
                                "SELECT badge_code FROM preregistrations WHERE event = ?1 AND "
                                "foyer_search_match (search_text, ?6, ?2, ?3, ?4, ?5) LIMIT ?7",
                                error);
  if (stmt == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, event);
  for (guint i = 0; i < MAX_QUERY_WORDS; i++)
    _foyer_store_bind_text (stmt, 2 + (int)i, patterns->word[i]);
  _foyer_store_bind_text (stmt, 6, patterns->phone);
  sqlite3_bind_int (stmt, 7, (int)limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (badges, _foyer_store_column_text (stmt, 0));
  if (rc != SQLITE_DONE) {
    _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  return g_steal_pointer (&badges);
}

static FoyerSearchHit *
read_hit (sqlite3_stmt *stmt)
{
  FoyerSearchHit *hit = g_new0 (FoyerSearchHit, 1);
  FoyerRegistration *reg = foyer_registration_new ();
  g_autofree char *phones_json = _foyer_store_column_text (stmt, 8);
  g_auto(GStrv) phones = _foyer_store_strv_from_json (phones_json);

  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);
  reg->event = _foyer_store_column_text (stmt, 0);
  reg->badge_code = _foyer_store_column_text (stmt, 1);
  reg->category = _foyer_store_column_text (stmt, 2);
  if (reg->category == NULL)
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->full_name = _foyer_store_column_text (stmt, 3);
  reg->family_name = _foyer_store_column_text (stmt, 4);
  reg->given_name = _foyer_store_column_text (stmt, 5);
  reg->organization = _foyer_store_column_text (stmt, 6);
  reg->title = _foyer_store_column_text (stmt, 7);
  hit->registration = reg;
  if (phones != NULL && phones[0] != NULL)
    hit->phone_tail = phone_tail (phones[0]);
  else
    hit->phone_tail = _foyer_store_column_text (stmt, 9);   /* a pulled row has the tail only */
  hit->revoked = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 10), "revoked") == 0;
  return hit;
}

static gboolean
read_hits (FoyerStore *self,
           const char *event,
           GPtrArray  *badges,
           GPtrArray  *hits,
           GError    **error)
{
  for (guint i = 0; i < badges->len; i++) {
    g_autoptr(CachedStmt) stmt = NULL;
    int rc;

    stmt = _foyer_store_get_stmt (self, "SELECT event, badge_code, category, full_name, "
                                  "family_name, given_name, organization, title, phones, "
                                  "phone_tail, status FROM preregistrations "
                                  "WHERE event = ?1 AND badge_code = ?2",
                                  error);
    if (stmt == NULL)
      return FALSE;
    _foyer_store_bind_text (stmt, 1, event);
    _foyer_store_bind_text (stmt, 2, g_ptr_array_index (badges, i));
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      g_ptr_array_add (hits, read_hit (stmt));
    else if (rc != SQLITE_DONE)
      return _foyer_store_set_error_from_db (self, rc, error);
  }
  return TRUE;
}

static char *
display_key (const FoyerRegistration *reg)
{
  g_autofree char *parts = NULL;

  if (reg->full_name != NULL)
    return foyer_store_search_fold (reg->full_name);
  parts = g_strconcat (reg->family_name != NULL ? reg->family_name : "", " ",
                       reg->given_name != NULL ? reg->given_name : "", NULL);
  return foyer_store_search_fold (parts);
}

static gint
by_name (gconstpointer a,
         gconstpointer b)
{
  const FoyerSearchHit *x = *(FoyerSearchHit **)a;
  const FoyerSearchHit *y = *(FoyerSearchHit **)b;
  g_autofree char *kx = display_key (x->registration);
  g_autofree char *ky = display_key (y->registration);
  /* code point order: the same on every kiosk, whatever its locale */
  int order = strcmp (kx, ky);

  return order != 0 ? order : g_strcmp0 (x->registration->badge_code, y->registration->badge_code);
}

GPtrArray *
foyer_store_search_preregistrations (FoyerStore  *self,
                                     const char  *event,
                                     const char  *query,
                                     gboolean    *more,
                                     GError     **error)
{
  g_auto(SearchPatterns) patterns = { { NULL } };
  g_autoptr(GPtrArray) badges = NULL;
  g_autoptr(GPtrArray) hits = NULL;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (more != NULL)
    *more = FALSE;
  if (!parse_query (query, &patterns, error))
    return NULL;
  /* One more than shown: whether staff should type more. */
  badges = matching_badges (self, event, &patterns, FOYER_STORE_SEARCH_MAX_RESULTS + 1, error);
  if (badges == NULL)
    return NULL;
  if (badges->len > FOYER_STORE_SEARCH_MAX_RESULTS) {
    g_ptr_array_set_size (badges, FOYER_STORE_SEARCH_MAX_RESULTS);
    if (more != NULL)
      *more = TRUE;
  }
  hits = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_search_hit_free);
  if (!read_hits (self, event, badges, hits, error))
    return NULL;
  g_ptr_array_sort (hits, by_name);
  return g_steal_pointer (&hits);
}
