/* SPDX-License-Identifier: GPL-3.0-or-later */
/* decode-corpus-util.c: loads the qr-photos corpus and judges a decode against its .txt. */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "decode-corpus-util.h"
#include "foyer-payload.h"
#include "foyer-test-util.h"

void
corpus_image_free (CorpusImage *image)
{
  g_free (image->name);
  g_free (image->path);
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
      g_autofree char *payload = g_strconcat (base, ".payload", NULL);
      char *contents = NULL;
      gsize len = 0;
      CorpusImage *image;

      if (!g_file_get_contents (txt, &contents, &len, NULL) &&
          !g_file_get_contents (payload, &contents, &len, NULL))
        continue;
      image = g_new0 (CorpusImage, 1);
      image->name = g_steal_pointer (&child_rel);
      image->path = g_strdup (child);
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

void
corpus_class_free (CorpusClass *klass)
{
  g_free (klass->name);
  g_free (klass);
}

/* TRUE when a tool's output holds the expected code: the whole output (one symbol), one of
 * its symbols (zbarimg separates them with newlines), or its text through the payload layer. */
static gboolean
output_matches (GBytes  *out,
                GBytes  *expected,
                gboolean newline_separated)
{
  gsize len, exp_len;
  const char *data = g_bytes_get_data (out, &len);
  const char *exp = g_bytes_get_data (expected, &exp_len);
  g_autoptr(GBytes) trimmed = NULL;

  if (len == 0)
    return FALSE;
  if (corpus_text_matches (out, expected))
    return TRUE;
  /* zbarimg --raw puts a newline between symbols (none after a lone one) */
  if (newline_separated && data[len - 1] == '\n')
    len--;
  trimmed = g_bytes_new (data, len);
  if (corpus_text_matches (trimmed, expected))
    return TRUE;
  for (gsize i = 0; exp_len > 0 && i + exp_len <= len; i++)
    if (memcmp (data + i, exp, exp_len) == 0 &&
        (!newline_separated || ((i == 0 || data[i - 1] == '\n') &&
                                (i + exp_len == len || data[i + exp_len] == '\n'))))
      return TRUE;
  return FALSE;
}

static gboolean
tool_reads (const char * const *argv,
            GBytes             *expected,
            gboolean            newline_separated)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                   G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_autoptr(GBytes) out = NULL;

  if (proc == NULL)
    g_error ("cannot run %s: %s (Debian packages zbar-tools, zxing-cpp-tools)", argv[0],
             error->message);
  if (!g_subprocess_communicate (proc, NULL, NULL, &out, NULL, &error))
    g_error ("%s: %s", argv[0], error->message);
  return out != NULL && output_matches (out, expected, newline_separated);
}

CorpusVerdict
corpus_compare_image (FoyerDecoder *decoder,
                      CorpusImage  *image)
{
  const char *zbarimg[] = { "zbarimg", "-q", "--raw", "-Sbinary", image->path, NULL };
  const char *zxing[] = { "ZXingReader", "-bytes", image->path, NULL };
  CorpusVerdict verdict;

  verdict.foyer = corpus_decode (decoder, image, NULL, NULL);
  verdict.zbarimg = tool_reads (zbarimg, image->expected, TRUE);
  verdict.zxing = tool_reads (zxing, image->expected, FALSE);
  return verdict;
}

static CorpusClass *
class_for (GPtrArray  *classes,
           const char *name)
{
  CorpusClass *klass;

  for (guint i = 0; i < classes->len; i++)
    if (strcmp (((CorpusClass *)g_ptr_array_index (classes, i))->name, name) == 0)
      return g_ptr_array_index (classes, i);
  klass = g_new0 (CorpusClass, 1);
  klass->name = g_strdup (name);
  g_ptr_array_add (classes, klass);
  return klass;
}

static void
class_add (CorpusClass         *klass,
           const CorpusVerdict *v)
{
  klass->images++;
  klass->foyer += v->foyer;
  klass->zbarimg += v->zbarimg;
  klass->zxing += v->zxing;
  klass->zbarimg_not_foyer += v->zbarimg && !v->foyer;
}

static int
compare_classes (gconstpointer a,
                 gconstpointer b)
{
  return strcmp ((*(CorpusClass **)a)->name, (*(CorpusClass **)b)->name);
}

GPtrArray *
corpus_compare (GPtrArray  *images,
                const char *label)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  GPtrArray *classes = g_ptr_array_new_with_free_func ((GDestroyNotify)corpus_class_free);
  g_autofree char *all_name = g_strdup_printf ("all %s", label);
  CorpusClass *all = g_new0 (CorpusClass, 1);

  all->name = g_steal_pointer (&all_name);
  /* as foyerctl decode reads stills: no time limit, every code */
  foyer_decoder_set_budget_ms (decoder, 0);
  foyer_decoder_set_find_all (decoder, TRUE);
  for (guint i = 0; i < images->len; i++) {
    CorpusImage *image = g_ptr_array_index (images, i);
    g_autofree char *dir = g_path_get_dirname (image->name);
    g_autofree char *name = strcmp (dir, ".") == 0 ? g_strdup (label)
                                                   : g_strdup_printf ("%s/%s", label, dir);
    CorpusVerdict v = corpus_compare_image (decoder, image);

    class_add (class_for (classes, name), &v);
    class_add (all, &v);
    if (v.zbarimg && !v.foyer)
      g_print ("zbarimg reads %s/%s, Foyer does not\n", label, image->name);
  }
  g_ptr_array_sort (classes, compare_classes);
  g_ptr_array_add (classes, all);
  return classes;
}

void
corpus_print_table (GPtrArray *classes)
{
  g_print ("| %-36s | %6s | %9s | %9s | %11s |\n", "class", "images", "Foyer", "zbarimg",
           "ZXingReader");
  g_print ("|%s|%s|%s|%s|%s|\n", "--------------------------------------", "--------",
           "-----------", "-----------", "-------------");
  for (guint i = 0; i < classes->len; i++) {
    CorpusClass *c = g_ptr_array_index (classes, i);
    g_print ("| %-36s | %6u | %4u %3.0f%% | %4u %3.0f%% | %6u %3.0f%% |\n", c->name, c->images,
             c->foyer, 100.0 * c->foyer / MAX (c->images, 1), c->zbarimg,
             100.0 * c->zbarimg / MAX (c->images, 1), c->zxing,
             100.0 * c->zxing / MAX (c->images, 1));
  }
}
