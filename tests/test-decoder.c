/* test-decoder.c: the decoder on the shared corpora: the card vectors byte-exact, the
 * qr-photos count never below the level reached (a ratchet), the second chances that matter
 * (inverted codes, frames with padding rows), and `foyerctl decode`. */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "foyer-decoder.h"
#include "foyer-test-util.h"
#include "decode-corpus-util.h"

/* Raise this when the decoder gets better; never lower it. zbarimg reads 36 of these 64,
 * ZXingReader 50. */
#define QR_PHOTOS_RATCHET 54

static const char * const cards[] = {
  "badge-plain", "bizcard", "mecard-cn", "mecard-en", "vcard21-qp-de", "vcard30-escapes",
  "vcard30-gb18030-cn", "vcard30-utf8-cn", "vcard40-folded", "wechat-link", NULL
};

static char *
corpus_file (const char *dir,
             const char *name,
             const char *ext)
{
  g_autofree char *file = g_strconcat (name, ext, NULL);
  return g_build_filename (foyer_test_shared_dir (), "corpus", dir, file, NULL);
}

static GBytes *
read_bytes (const char *path)
{
  char *contents;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (contents, len);
}

static void
test_cards (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GDir) dir = NULL;
  g_autofree char *path = NULL;
  const char *name;
  guint n = 0;

  if (foyer_test_shared_dir () == NULL) {
    g_test_skip ("no shared corpus");
    return;
  }

  /* every PNG in cards/, not only the names above: a new vector is tested automatically */
  path = g_build_filename (foyer_test_shared_dir (), "corpus", "cards", NULL);
  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *base = NULL;
    g_autofree char *png = NULL;
    g_autofree char *payload_path = NULL;
    g_autofree guint8 *gray = NULL;
    g_autoptr(GBytes) payload = NULL;
    g_autoptr(GPtrArray) symbols = NULL;
    g_autoptr(GError) error = NULL;
    FoyerSymbol *symbol;
    guint width, height;

    if (!g_str_has_suffix (name, ".png"))
      continue;
    base = g_strndup (name, strlen (name) - 4);
    png = corpus_file ("cards", base, ".png");
    payload_path = corpus_file ("cards", base, ".payload");
    payload = read_bytes (payload_path);

    gray = foyer_decoder_load_gray (png, &width, &height, &error);
    g_assert_no_error (error);
    symbols = foyer_decoder_decode_gray (decoder, gray, width, height, width);
    g_assert_cmpuint (symbols->len, ==, 1);
    symbol = g_ptr_array_index (symbols, 0);
    g_assert_cmpstr (symbol->type, ==, "QR-Code");
    g_assert_cmpstr (symbol->pass, ==, "plain");
    g_assert_cmpmem (g_bytes_get_data (symbol->bytes, NULL), g_bytes_get_size (symbol->bytes),
                     g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
    /* the box is where the code is: inside the image, most of it */
    g_assert_cmpint (symbol->x, >=, 0);
    g_assert_cmpint (symbol->width, >, (int)width / 2);
    g_assert_cmpint (symbol->x + symbol->width, <=, (int)width);
    n++;
  }
  g_assert_cmpuint (n, >=, G_N_ELEMENTS (cards) - 1);
}

static void
test_qr_photos_ratchet (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GHashTable) by_pass = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint found = 0, payload_found = 0;

  if (foyer_test_shared_dir () == NULL) {
    g_test_skip ("no shared corpus");
    return;
  }
  dir = g_build_filename (foyer_test_shared_dir (), "corpus", "qr-photos", NULL);
  images = corpus_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (images->len, ==, 64);

  /* As foyerctl decode reads still images: no time limit (the count must not depend on how
   * busy the machine is) and every code in the image (16.png holds a code inside a code). */
  foyer_decoder_set_budget_ms (decoder, 0);
  foyer_decoder_set_find_all (decoder, TRUE);
  for (guint i = 0; i < images->len; i++) {
    CorpusImage *image = g_ptr_array_index (images, i);
    g_autofree char *pass = NULL;
    double ms;
    gboolean payload_ok = FALSE;
    gboolean ok = corpus_decode_full (decoder, image, &pass, &ms, &payload_ok);

    payload_found += payload_ok;
    g_test_message ("%s %s %s %.1f ms", ok ? "ok" : "--", image->name, pass ? pass : "-", ms);
    if (ok) {
      found++;
      g_hash_table_insert (by_pass, g_strdup (pass),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (by_pass, pass)) + 1));
    }
  }
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, by_pass);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_test_message ("pass %s: %u", (char *)key, GPOINTER_TO_UINT (value));
  }
  g_test_message ("qr-photos: %u/%u decoded, %u with the payload layer's text", found,
                  images->len, payload_found);
  g_assert_cmpuint (found, >=, QR_PHOTOS_RATCHET);
}

static guint8 *
load_card (const char *name,
           guint      *width,
           guint      *height)
{
  g_autofree char *png = corpus_file ("cards", name, ".png");
  g_autoptr(GError) error = NULL;
  guint8 *gray = foyer_decoder_load_gray (png, width, height, &error);

  g_assert_no_error (error);
  return gray;
}

/* Light on dark (a code on a dark badge, a phone in dark mode) needs the inverted pass. */
static void
test_inverted (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GPtrArray) symbols = NULL;
  g_autofree guint8 *gray = NULL;
  guint width, height;

  if (foyer_test_shared_dir () == NULL) {
    g_test_skip ("no shared corpus");
    return;
  }
  gray = load_card ("badge-plain", &width, &height);
  for (gsize i = 0; i < (gsize)width * height; i++)
    gray[i] = 255 - gray[i];
  symbols = foyer_decoder_decode_gray (decoder, gray, width, height, width);
  g_assert_cmpuint (symbols->len, ==, 1);
  g_assert_cmpstr (((FoyerSymbol *)g_ptr_array_index (symbols, 0))->pass, ==, "inverted");
}

/* Camera buffers have padded rows; a large frame takes the half-size route and still reports
 * the box in frame coordinates. */
static void
test_stride_and_large_frame (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GPtrArray) symbols = NULL;
  g_autofree guint8 *card = NULL;
  g_autofree guint8 *frame = NULL;
  guint cw, ch;
  const guint width = 1280, height = 720, stride = 1344;
  const guint ox = 500, oy = 200;
  FoyerSymbol *symbol;

  if (foyer_test_shared_dir () == NULL) {
    g_test_skip ("no shared corpus");
    return;
  }
  card = load_card ("vcard30-utf8-cn", &cw, &ch);
  frame = g_malloc ((gsize)stride * height);
  memset (frame, 140, (gsize)stride * height);
  for (guint y = 0; y < ch; y++)
    memcpy (frame + (gsize)(y + oy) * stride + ox, card + (gsize)y * cw, cw);

  foyer_decoder_set_budget_ms (decoder, 0);
  symbols = foyer_decoder_decode_gray (decoder, frame, width, height, stride);
  g_assert_cmpuint (symbols->len, ==, 1);
  symbol = g_ptr_array_index (symbols, 0);
  g_test_message ("pass %s box %d,%d %dx%d", symbol->pass, symbol->x, symbol->y, symbol->width,
                  symbol->height);
  g_assert_cmpint (ABS (symbol->x - (int)ox), <, (int)cw / 4);
  g_assert_cmpint (ABS (symbol->y - (int)oy), <, (int)ch / 4);
}

static void
test_nothing_found (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GPtrArray) symbols = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree guint8 *frame = g_malloc (640 * 480);

  for (gsize i = 0; i < 640 * 480; i++)
    frame[i] = (guint8)g_rand_int_range (rand, 0, 256);
  symbols = foyer_decoder_decode_gray (decoder, frame, 640, 480, 640);
  g_assert_cmpuint (symbols->len, ==, 0);
  /* degenerate frames are not an error */
  g_clear_pointer (&symbols, g_ptr_array_unref);
  symbols = foyer_decoder_decode_gray (decoder, frame, 4, 4, 4);
  g_assert_cmpuint (symbols->len, ==, 0);
}

static void
test_unreadable (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("decoder");
  g_autofree char *garbage = foyer_test_write_file (dir, "x.png", "not an image");
  g_autoptr(GError) error = NULL;
  guint w, h;

  g_assert_null (foyer_decoder_load_gray ("/nonexistent.png", &w, &h, &error));
  g_assert_error (error, FOYER_DECODER_ERROR, FOYER_DECODER_ERROR_UNREADABLE);
  g_clear_error (&error);
  g_assert_null (foyer_decoder_load_gray (garbage, &w, &h, &error));
  g_assert_error (error, FOYER_DECODER_ERROR, FOYER_DECODER_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, garbage));
}

static void
test_foyerctl_decode (void)
{
  g_autofree char *png = NULL;
  g_autofree char *payload_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *dir = foyer_test_make_tmpdir ("decode");
  g_autofree char *blank = NULL;
  JsonObject *root, *symbol;
  gsize len;
  int status;

  if (foyer_test_shared_dir () == NULL) {
    g_test_skip ("no shared corpus");
    return;
  }
  png = corpus_file ("cards", "vcard30-gb18030-cn", ".png");
  payload_path = corpus_file ("cards", "vcard30-gb18030-cn", ".payload");
  payload = read_bytes (payload_path);

  {
    const char *argv[] = { "decode", png, NULL };
    status = foyer_test_run_foyerctl (argv, NULL, 0, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "file"), ==, png);
  g_assert_true (json_object_has_member (root, "ms"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "symbols")), ==, 1);
  symbol = json_array_get_object_element (json_object_get_array_member (root, "symbols"), 0);
  g_assert_cmpstr (json_object_get_string_member (symbol, "type"), ==, "QR-Code");
  decoded = g_base64_decode (json_object_get_string_member (symbol, "bytes_base64"), &len);
  g_assert_cmpmem (decoded, len, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  g_assert_true (g_utf8_validate (json_object_get_string_member (symbol, "text"), -1, NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* an unreadable file and an image without a code: exit 1, a message naming the file */
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);

    blank = g_build_filename (dir, "blank.png", NULL);
    gdk_pixbuf_fill (pixbuf, 0xffffffff);
    g_assert_true (gdk_pixbuf_save (pixbuf, blank, "png", NULL, NULL));
  }
  {
    const char *argv[] = { "decode", png, "/nonexistent/photo.jpg", blank, NULL };
    status = foyer_test_run_foyerctl (argv, NULL, 0, &out, &err);
  }
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "/nonexistent/photo.jpg"));
  g_assert_nonnull (strstr (err, "blank.png: no code found"));
  /* one line for each readable image */
  {
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 3);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/decoder/cards", test_cards);
  g_test_add_func ("/decoder/qr-photos-ratchet", test_qr_photos_ratchet);
  g_test_add_func ("/decoder/inverted", test_inverted);
  g_test_add_func ("/decoder/stride-and-large-frame", test_stride_and_large_frame);
  g_test_add_func ("/decoder/nothing-found", test_nothing_found);
  g_test_add_func ("/decoder/unreadable", test_unreadable);
  g_test_add_func ("/decoder/foyerctl-decode", test_foyerctl_decode);
  return g_test_run ();
}
