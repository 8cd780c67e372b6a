/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-code-entropy.c: guessability of badge codes (see the header).
 *
 * Hand-written: password-strength libraries (zxcvbn and the like) judge one secret against
 * dictionaries; what matters here is a LIST of codes, whose shape and numbering an attacker
 * learns from a single ticket.
 */
#define G_LOG_DOMAIN "foyer-entropy"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "foyer-code-entropy.h"

#define MAX_POSITIONS 128
#define MAX_PREFIXES  16

enum { CLASS_DIGIT = 1, CLASS_UPPER = 2, CLASS_LOWER = 4, CLASS_OTHER = 8 };

typedef struct {
  guint8   classes[MAX_POSITIONS];
  guint8   first[MAX_POSITIONS];
  gboolean varies[MAX_POSITIONS];
  gsize    max_len;
  GArray  *numbers;          /* guint64: the number each numbered code ends with */
  GHashTable *prefixes;      /* what comes before that number, while there are few */
  gsize    n;
} Shape;

static guint8
class_of (guchar c)
{
  if (g_ascii_isdigit (c))
    return CLASS_DIGIT;
  if (g_ascii_isupper (c))
    return CLASS_UPPER;
  if (g_ascii_islower (c))
    return CLASS_LOWER;
  return CLASS_OTHER;
}

static double
class_bits (guint8 classes)
{
  double size = 0;

  size += (classes & CLASS_DIGIT) ? 10 : 0;
  size += (classes & CLASS_UPPER) ? 26 : 0;
  size += (classes & CLASS_LOWER) ? 26 : 0;
  size += (classes & CLASS_OTHER) ? 33 : 0;
  return size > 1 ? log2 (size) : 0;
}

static void
shape_add (Shape      *shape,
           const char *code)
{
  gsize len = strlen (code);
  gssize end = (gssize)len - 1;
  gssize start;

  for (gsize i = 0; i < len && i < MAX_POSITIONS; i++) {
    guchar c = (guchar)code[i];

    if (shape->n == 0 || i >= shape->max_len)
      shape->first[i] = c;
    else if (shape->first[i] != c)
      shape->varies[i] = TRUE;
    shape->classes[i] |= class_of (c);
  }
  /* A code longer or shorter than the others varies where the others have nothing. */
  if (shape->n > 0 && len != shape->max_len)
    for (gsize i = MIN (len, shape->max_len); i < MAX (len, shape->max_len) && i < MAX_POSITIONS; i++)
      shape->varies[i] = TRUE;
  shape->max_len = MAX (shape->max_len, MIN (len, MAX_POSITIONS));

  /* Numbered: a number at the end after one of a few prefixes (EXPO26-000123, VIP-0042). */
  start = end;
  while (start >= 0 && g_ascii_isdigit (code[start]))
    start--;
  start++;
  if (end >= start && end - start < 18 && shape->prefixes != NULL) {
    guint64 value = g_ascii_strtoull (code + start, NULL, 10);

    g_array_append_val (shape->numbers, value);
    g_hash_table_add (shape->prefixes, g_strndup (code, (gsize)start));
    if (g_hash_table_size (shape->prefixes) > MAX_PREFIXES)
      g_clear_pointer (&shape->prefixes, g_hash_table_unref);
  }
  shape->n++;
}

static int
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
  return x < y ? -1 : x > y;
}

/* Counting through the numbers' range: log2 (range / codes). Only for lists that are numbered
 * (nearly every code ends in a number). */
static double
sequence_bits (Shape *shape)
{
  guint64 lo, hi;
  double range;

  if (shape->prefixes == NULL || shape->numbers->len < shape->n * 9 / 10 ||
      shape->numbers->len < 2)
    return INFINITY;
  g_array_sort (shape->numbers, compare_u64);
  lo = g_array_index (shape->numbers, guint64, 0);
  hi = g_array_index (shape->numbers, guint64, shape->numbers->len - 1);
  range = (double)(hi - lo) + 1;
  return MAX (0, log2 (range / (double)shape->numbers->len));
}

static double
shape_bits (Shape *shape)
{
  double bits = 0;

  for (gsize i = 0; i < shape->max_len; i++)
    if (shape->varies[i])
      bits += class_bits (shape->classes[i]);
  return MAX (0, bits - log2 ((double)shape->n));
}

static double
shape_finish (Shape          *shape,
              FoyerCodeGuess *attack)
{
  double by_shape = shape_bits (shape);
  double by_sequence = sequence_bits (shape);

  if (attack != NULL)
    *attack = by_sequence < by_shape ? FOYER_CODE_GUESS_SEQUENCE : FOYER_CODE_GUESS_SHAPE;
  g_array_unref (shape->numbers);
  g_clear_pointer (&shape->prefixes, g_hash_table_unref);
  return shape->n < 2 ? 0 : MIN (by_shape, by_sequence);
}

double
foyer_code_entropy_bits (const char * const *codes,
                         gsize               n,
                         FoyerCodeGuess     *attack)
{
  Shape shape = { .numbers = g_array_new (FALSE, FALSE, sizeof (guint64)),
                  .prefixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };

  for (gsize i = 0; i < n; i++)
    if (codes[i] != NULL)
      shape_add (&shape, codes[i]);
  return shape_finish (&shape, attack);
}

static char *
warning_for (gsize          n,
             const char    *event,
             double         bits,
             FoyerCodeGuess attack)
{
  const char *why = attack == FOYER_CODE_GUESS_SEQUENCE
                    ? _("they are numbered from a small range")
                    : _("they are short or only a few of their characters vary");

  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "The %zu badge code of %s is easy to "
                                                       "guess (%s: about %.0f bits, at least "
                                                       "%.0f are needed).",
                                                       "The %zu badge codes of %s are easy to "
                                                       "guess (%s: about %.0f bits, at least "
                                                       "%.0f are needed).", n),
                                           n, event, why, bits, FOYER_CODE_ENTROPY_MIN_BITS);

  return g_strconcat (what, " ",
                      _("Whoever guesses one can check in as that visitor and see their name. "
                        "Send long random codes, or sign badges (foyerctl badge-keygen) and set "
                        "[badge] accept-unsigned=never once every visitor has a signed badge."),
                      NULL);
}

gboolean
foyer_code_entropy_check_preregistrations (const char  *db_path,
                                           const char  *event,
                                           char       **warning,
                                           GError     **error)
{
  Shape shape = { .numbers = g_array_new (FALSE, FALSE, sizeof (guint64)),
                  .prefixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  FoyerCodeGuess attack;
  gsize n;
  double bits;
  int rc;

  g_return_val_if_fail (warning != NULL, FALSE);
  *warning = NULL;

  rc = sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT badge_code FROM preregistrations WHERE event = ?", -1,
                             &stmt, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text (stmt, 1, event, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      shape_add (&shape, (const char *)sqlite3_column_text (stmt, 0));
  }
  if (rc != SQLITE_DONE) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                 _("cannot read the badge codes from %s: %s"), db_path,
                 db != NULL ? sqlite3_errmsg (db) : "out of memory");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    shape_finish (&shape, NULL);
    return FALSE;
  }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  n = shape.n;
  bits = shape_finish (&shape, &attack);
  if (n >= 2 && bits < FOYER_CODE_ENTROPY_MIN_BITS)
    *warning = warning_for (n, event, bits, attack);
  return TRUE;
}
