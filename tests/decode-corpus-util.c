/* decode-corpus-util.c: loads the qr-photos corpus and judges a decode against its .txt. */
#include "config.h"

#include <string.h>

#include "decode-corpus-util.h"
#include "foyer-payload.h"
#include "foyer-test-util.h"

void
corpus_image_free (CorpusImage *image)
{
  g_free (image->name);
  g_free (image->gray);
  g_clear_pointer (&image->expected, g_bytes_unref);
  g_free (image);
}

static int
compare_images (gconstpointer a,
                gconstpointer b)
{
  const CorpusImage *ia = *(CorpusImage **)a, *ib = *(CorpusImage **)b;
  return strcmp (ia->name, ib->name);
}

static gboolean
scan_dir (const char  *root,
          const char  *rel,
          GPtrArray   *images,
          GError     **error)
{
  g_autofree char *path = rel != NULL ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  const char *entry;

  if (dir == NULL)
    return FALSE;
  while ((entry = g_dir_read_name (dir)) != NULL) {
    g_autofree char *child_rel = rel != NULL ? g_build_filename (rel, entry, NULL) : g_strdup (entry);
    g_autofree char *child = g_build_filename (root, child_rel, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR)) {
      if (!scan_dir (root, child_rel, images, error))
        return FALSE;
    } else if (g_str_has_suffix (entry, ".png") || g_str_has_suffix (entry, ".jpg")) {
      g_autofree char *base = g_strndup (child, strlen (child) - 4);
      g_autofree char *txt = g_strconcat (base, ".txt", NULL);
      char *contents = NULL;
      gsize len = 0;
      CorpusImage *image;

      if (!g_file_get_contents (txt, &contents, &len, NULL))
        continue;
      image = g_new0 (CorpusImage, 1);
      image->name = g_steal_pointer (&child_rel);
      image->expected = g_bytes_new_take (contents, len);
      image->gray = foyer_decoder_load_gray (child, &image->width, &image->height, error);
      if (image->gray == NULL) {
        corpus_image_free (image);
        return FALSE;
      }
      g_ptr_array_add (images, image);
    }
  }
  return TRUE;
}

GPtrArray *
corpus_load (const char  *dir,
             GError     **error)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify)corpus_image_free);

  if (!scan_dir (dir, NULL, images, error))
    return NULL;
  g_ptr_array_sort (images, compare_images);
  return g_steal_pointer (&images);
}

GPtrArray *
corpus_load_named (const char  *name,
                   GError     **error)
{
  g_autofree char *own_dir = foyer_test_data_path (name, NULL);
  g_autoptr(GPtrArray) images = corpus_load (own_dir, error);

  if (images == NULL)
    return NULL;
  if (foyer_test_shared_dir () != NULL) {
    g_autofree char *extra_dir = g_build_filename (foyer_test_shared_dir (), "corpus", name, NULL);
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) extra = NULL;

    for (guint i = 0; i < images->len; i++)
      g_hash_table_add (seen, ((CorpusImage *)g_ptr_array_index (images, i))->name);
    extra = g_file_test (extra_dir, G_FILE_TEST_IS_DIR) ? corpus_load (extra_dir, error)
                                                        : g_ptr_array_new ();
    if (extra == NULL)
      return NULL;
    for (guint i = 0; i < extra->len; i++) {
      CorpusImage *image = g_ptr_array_index (extra, i);
      if (!g_hash_table_contains (seen, image->name))
        g_ptr_array_add (images, g_ptr_array_steal_index (extra, i--));
    }
    g_ptr_array_sort (images, compare_images);
  }
  return g_steal_pointer (&images);
}

/* TRUE when the payload layer's text for the symbol equals the .txt byte for byte. */
gboolean
corpus_payload_text_matches (GBytes *symbol_bytes,
                             GBytes *expected)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (symbol_bytes, &len);
  g_autofree char *text = foyer_payload_decode_text (data, len, NULL, NULL, NULL);

  return text != NULL && strlen (text) == g_bytes_get_size (expected) &&
         memcmp (text, g_bytes_get_data (expected, NULL), strlen (text)) == 0;
}

/* TRUE when the decoder found the code's exact content: the bytes equal the .txt, or the
 * payload layer's text does (the .txt holds the text, and a code may carry it in Shift_JIS). */
gboolean
corpus_text_matches (GBytes *symbol_bytes,
                     GBytes *expected)
{
  return g_bytes_equal (symbol_bytes, expected) ||
         corpus_payload_text_matches (symbol_bytes, expected);
}

gboolean
corpus_decode (FoyerDecoder *decoder,
               CorpusImage  *image,
               char        **pass,
               double       *ms)
{
  return corpus_decode_full (decoder, image, pass, ms, NULL);
}

gboolean
corpus_decode_full (FoyerDecoder *decoder,
                    CorpusImage  *image,
                    char        **pass,
                    double       *ms,
                    gboolean     *payload_text_ok)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GPtrArray) symbols = foyer_decoder_decode_gray (decoder, image->gray, image->width,
                                                            image->height, image->width);
  gboolean ok = FALSE;

  if (payload_text_ok != NULL)
    *payload_text_ok = FALSE;
  if (ms != NULL)
    *ms = (g_get_monotonic_time () - start) / 1000.0;
  for (guint i = 0; i < symbols->len && !ok; i++) {
    FoyerSymbol *symbol = g_ptr_array_index (symbols, i);
    if (corpus_text_matches (symbol->bytes, image->expected)) {
      ok = TRUE;
      if (payload_text_ok != NULL)
        *payload_text_ok = corpus_payload_text_matches (symbol->bytes, image->expected);
      if (pass != NULL)
        *pass = g_strdup (symbol->pass);
    }
  }
  if (!ok && pass != NULL && symbols->len > 0)
    *pass = g_strdup_printf ("wrong:%s", ((FoyerSymbol *)g_ptr_array_index (symbols, 0))->pass);
  return ok;
}
