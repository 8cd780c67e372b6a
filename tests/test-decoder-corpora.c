/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-decoder-corpora.c: the floor and the bar, on every image of every corpus in the project.
 *
 * For each image of tests/data/qr-photos, tests/data/cards and the generated corpus
 * (tests/make-qr-corpus.py, built into the build tree), `zbarimg` and `ZXingReader` run as
 * programs next to Foyer (as `foyerctl decode` reads stills). Foyer must read every code that
 * zbarimg reads, and at least as many codes as ZXingReader, in every corpus.
 */
#include "config.h"

#include "foyer-test-util.h"
#include "decode-corpus-util.h"

static void
check_corpus (GPtrArray  *images,
              const char *label,
              guint       min_images)
{
  g_autoptr(GPtrArray) classes = NULL;
  CorpusClass *all;

  g_assert_cmpuint (images->len, >=, min_images);
  classes = corpus_compare (images, label);
  corpus_print_table (classes);
  all = g_ptr_array_index (classes, classes->len - 1);
  g_test_message ("%s: Foyer %u, zbarimg %u, ZXingReader %u of %u", label, all->foyer,
                  all->zbarimg, all->zxing, all->images);
  /* the floor: nothing plain zbar reads is lost */
  g_assert_cmpuint (all->zbarimg_not_foyer, ==, 0);
  /* the bar: at least the other library */
  g_assert_cmpuint (all->foyer, >=, all->zxing);
}

static void
test_qr_photos (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = corpus_load_named ("qr-photos", &error);

  g_assert_no_error (error);
  check_corpus (images, "qr-photos", 64);
}

static void
test_cards (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = foyer_test_data_path ("cards", NULL);
  g_autoptr(GPtrArray) images = corpus_load (dir, &error);

  g_assert_no_error (error);
  check_corpus (images, "cards", 10);
}

static void
test_generated (void)
{
  const char *dir = g_getenv ("FOYER_GENERATED_CORPUS");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = NULL;

  g_assert_nonnull (dir);
  images = corpus_load (dir, &error);
  g_assert_no_error (error);
  /* 12 classes × 8 images (tests/make-qr-corpus.py) */
  check_corpus (images, "generated", 96);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/decoder-corpora/qr-photos", test_qr_photos);
  g_test_add_func ("/decoder-corpora/cards", test_cards);
  g_test_add_func ("/decoder-corpora/generated", test_generated);
  return g_test_run ();
}
