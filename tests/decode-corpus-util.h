/* decode-corpus-util.h: the qr-photos corpus as the decoder tests and tools read it. */
#pragma once

#include "foyer-decoder.h"

G_BEGIN_DECLS

typedef struct {
  char   *name;      /* relative to the corpus dir, e.g. "qrcode-2/12.png" */
  guint8 *gray;
  guint   width;
  guint   height;
  GBytes *expected;  /* the .txt content */
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

G_END_DECLS
