/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-code-entropy.c: which pre-registration lists are easy to guess, and `foyerctl import`
 * saying so. */
#include "config.h"

#include <string.h>

#include "foyer-code-entropy.h"
#include "foyer-core.h"
#include "foyer-test-util.h"

static GPtrArray *
make_codes (guint n,
            char *(*make) (guint i))
{
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (codes, make (i));
  g_ptr_array_add (codes, NULL);
  return codes;
}

static char *
sequential (guint i)
{
  return g_strdup_printf ("EXPO26-%06u", 123 + i);
}

static char *
short_random (guint i)
{
  return g_strdup_printf ("%04X", g_random_int_range (0, 0x10000));
}

static char *
long_random (guint i)
{
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  char code[21];

  for (guint k = 0; k < 20; k++)
    code[k] = alphabet[g_random_int_range (0, 32)];
  code[20] = '\0';
  return g_strdup (code);
}

/* Twelve random digits, but numbered: the range is huge, so the shape decides. */
static char *
random_digits (guint i)
{
  return g_strdup_printf ("%06u%06u", g_random_int_range (0, 1000000),
                          g_random_int_range (0, 1000000));
}

static void
test_bits (void)
{
  g_autoptr(GPtrArray) seq = make_codes (1000, sequential);
  g_autoptr(GPtrArray) shrt = make_codes (1000, short_random);
  g_autoptr(GPtrArray) strong = make_codes (1000, long_random);
  g_autoptr(GPtrArray) digits = make_codes (1000, random_digits);
  FoyerCodeGuess attack;
  double bits;

  bits = foyer_code_entropy_bits ((const char * const *)seq->pdata, seq->len - 1, &attack);
  g_assert_cmpfloat (bits, <, 1);
  g_assert_cmpint (attack, ==, FOYER_CODE_GUESS_SEQUENCE);

  bits = foyer_code_entropy_bits ((const char * const *)shrt->pdata, shrt->len - 1, &attack);
  g_assert_cmpfloat (bits, <, 12);

  bits = foyer_code_entropy_bits ((const char * const *)strong->pdata, strong->len - 1, &attack);
  g_assert_cmpfloat (bits, >, FOYER_CODE_ENTROPY_MIN_BITS);

  /* 10^12 / 1000 ≈ 2^30: still too easy. */
  bits = foyer_code_entropy_bits ((const char * const *)digits->pdata, digits->len - 1, &attack);
  g_assert_cmpfloat (bits, >, 25);
  g_assert_cmpfloat (bits, <, FOYER_CODE_ENTROPY_MIN_BITS);
}

static char *
write_csv (const char *dir,
           GPtrArray  *codes)
{
  g_autoptr(GString) csv = g_string_new ("badge_code,full_name,organization\n");

  for (guint i = 0; i + 1 < codes->len; i++)
    g_string_append_printf (csv, "%s,Visitor %u,Company %u\n",
                            (const char *)g_ptr_array_index (codes, i), i, i);
  return foyer_test_write_file (dir, "list.csv", csv->str);
}

static void
run_import (GPtrArray  *codes,
            char      **err)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("entropy");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autofree char *conf_text = g_strdup_printf ("[kiosk]\nevent=expo-2026\n[storage]\n"
                                                "database=%s\n", db);
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", conf_text);
  g_autofree char *csv = write_csv (dir, codes);
  const char *argv[] = { "--config", conf, "import", csv, NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, NULL, err), ==, 0);
}

/* `foyerctl import` of a numbered list warns and still imports; a list of long random codes
 * imports without a word. */
static void
test_import_warns (void)
{
  g_autoptr(GPtrArray) seq = make_codes (200, sequential);
  g_autoptr(GPtrArray) strong = make_codes (200, long_random);
  g_autofree char *err = NULL;
  g_autofree char *quiet = NULL;

  run_import (seq, &err);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "200 badge codes of expo-2026 are easy to guess"));
  g_assert_nonnull (strstr (err, "numbered"));
  g_assert_nonnull (strstr (err, "accept-unsigned=never"));

  run_import (strong, &quiet);
  g_assert_true (quiet == NULL || strstr (quiet, "easy to guess") == NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/code-entropy/bits", test_bits);
  g_test_add_func ("/code-entropy/import-warns", test_import_warns);
  return g_test_run ();
}
