/* SPDX-License-Identifier: GPL-3.0-or-later */
/* decode-corpus-util.h: the qr-photos corpus as the decoder tests and tools read it. */
#pragma once

#include "foyer-decoder.h"

G_BEGIN_DECLS

typedef struct {
  char   *name;      /* relative to the corpus dir, e.g. "qrcode-2/12.png" */
  char   *path;      /* the image file */
  guint8 *gray;
  guint   width;
  guint   height;
  GBytes *expected;  /* the .txt content (or .payload: the card vectors) */
} CorpusImage;

void       corpus_image_free (CorpusImage  *image);
/* Every image with a .txt next to it under dir (recursively), sorted by name. */
GPtrArray *corpus_load       (const char   *dir,
                              GError      **error);
/* A corpus of the project by name ("qr-photos"): tests/data/<name>, plus the images of
 * ../shared/corpus/<name> (when present) that tests/data does not already carry. */
GPtrArray *corpus_load_named (const char   *name,
                              GError      **error);
/* TRUE when a symbol's text equals the expected text. */
gboolean   corpus_decode     (FoyerDecoder *decoder,
                              CorpusImage  *image,
                              char        **pass,
                              double       *ms);
gboolean   corpus_decode_full (FoyerDecoder *decoder,
                               CorpusImage  *image,
                               char        **pass,
                               double       *ms,
                               gboolean     *payload_text_ok);
gboolean   corpus_text_matches (GBytes     *symbol_bytes,
                                GBytes     *expected);
gboolean   corpus_payload_text_matches (GBytes *symbol_bytes,
                                        GBytes *expected);

/* Side by side on one image: Foyer as `foyerctl decode` reads stills, `zbarimg` and
 * `ZXingReader` run as programs. */
typedef struct {
  gboolean foyer;
  gboolean zbarimg;
  gboolean zxing;
} CorpusVerdict;

/* Per class (the image's folder): counts of images and of reads by each. */
typedef struct {
  char  *name;
  guint  images;
  guint  foyer;
  guint  zbarimg;
  guint  zxing;
  guint  zbarimg_not_foyer;  /* the floor: must stay 0 */
} CorpusClass;

void       corpus_class_free  (CorpusClass  *klass);
CorpusVerdict corpus_compare_image (FoyerDecoder *decoder,
                                    CorpusImage  *image);
/* Every image of the corpus, side by side; returns the classes, sorted by name, the total last
 * (named "all <label>"). Prints one line per image that zbarimg reads and Foyer does not. */
GPtrArray *corpus_compare     (GPtrArray    *images,
                               const char   *label);
void       corpus_print_table (GPtrArray    *classes);

G_END_DECLS
