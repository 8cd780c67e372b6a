/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-decoder.c: the decoder on the project's corpora (tests/data): the card vectors byte-exact, the
 * qr-photos count never below the level reached (a ratchet), the second chances that matter
 * (inverted codes, frames with padding rows), and `foyerctl decode`. */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "foyer-decoder.h"
#include "foyer-test-util.h"
#include "decode-corpus-util.h"

/* Raise these when the decoder gets better; never lower them. zbarimg reads 36 of these 64,
 * ZXingReader 50. The first counts codes whose bytes (or text) are the .txt; the second what
 * the kiosk and `foyerctl decode` show: foyer_payload_decode_text() equal to the .txt, charset
 * choice included (eight of the codes are Japanese in Shift_JIS, half-width katakana that are
 * also valid GB18030). The one code found but not shown as its .txt is GS1 data whose GS
 * separators the payload layer strips as control characters. */
#define QR_PHOTOS_RATCHET 58
#define QR_PHOTOS_TEXT_RATCHET 57

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
  return foyer_test_data_path (dir, file, NULL);
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
  /* every PNG in cards/, not only the names above: a new vector is tested automatically */
  g_autoptr(GPtrArray) pngs = foyer_test_corpus_files ("cards", ".png");
  guint n = 0;

  for (guint i = 0; i < pngs->len; i++) {
    const char *png = g_ptr_array_index (pngs, i);
    g_autofree char *base = g_strndup (png, strlen (png) - 4);
    g_autofree char *payload_path = g_strconcat (base, ".payload", NULL);
    g_autofree guint8 *gray = NULL;
    g_autoptr(GBytes) payload = NULL;
    g_autoptr(GPtrArray) symbols = NULL;
    g_autoptr(GError) error = NULL;
    FoyerSymbol *symbol;
    guint width, height;

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

  images = corpus_load_named ("qr-photos", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (images->len, >=, 64);

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
  g_assert_cmpuint (payload_found, >=, QR_PHOTOS_TEXT_RATCHET);
  g_assert_cmpuint (payload_found, >=, 50);
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

/* Printed badges also carry EAN-13 (ticketing systems): draw one and read it back. */
static guint8 *
render_ean13 (const char *digits12,
              char        out_digits[14],
              guint      *width,
              guint      *height)
{
  static const char * const l_codes[] = { "0001101", "0011001", "0010011", "0111101", "0100011",
                                          "0110001", "0101111", "0111011", "0110111", "0001011" };
  static const char * const g_codes[] = { "0100111", "0110011", "0011011", "0100001", "0011101",
                                          "0111001", "0000101", "0010001", "0001001", "0010111" };
  static const char * const parity[] = { "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
                                         "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL" };
  g_autoptr(GString) bits = g_string_new (NULL);
  const guint module = 3, quiet = 12, h = 90;
  int sum = 0;
  guint8 *image;

  for (int i = 0; i < 12; i++)
    sum += (digits12[i] - '0') * (i % 2 == 0 ? 1 : 3);
  memcpy (out_digits, digits12, 12);
  out_digits[12] = '0' + (10 - sum % 10) % 10;
  out_digits[13] = '\0';

  g_string_append (bits, "101");
  for (int i = 1; i <= 6; i++) {
    int d = out_digits[i] - '0';
    g_string_append (bits, parity[out_digits[0] - '0'][i - 1] == 'L' ? l_codes[d] : g_codes[d]);
  }
  g_string_append (bits, "01010");
  for (int i = 7; i <= 12; i++) {
    const char *l = l_codes[out_digits[i] - '0'];
    for (int k = 0; k < 7; k++)
      g_string_append_c (bits, l[k] == '0' ? '1' : '0');  /* R code: L inverted */
  }
  g_string_append (bits, "101");

  *width = (bits->len + 2 * quiet) * module;
  *height = h;
  image = g_malloc ((gsize)*width * h);
  memset (image, 255, (gsize)*width * h);
  for (guint y = 10; y < h - 10; y++)
    for (guint b = 0; b < bits->len; b++)
      if (bits->str[b] == '1')
        memset (image + (gsize)y * *width + (quiet + b) * module, 0, module);
  return image;
}

static void
test_ean13 (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GPtrArray) symbols = NULL;
  char digits[14];
  guint width, height;
  g_autofree guint8 *image = render_ean13 ("690123456789", digits, &width, &height);
  FoyerSymbol *symbol;

  symbols = foyer_decoder_decode_gray (decoder, image, width, height, width);
  g_assert_cmpuint (symbols->len, ==, 1);
  symbol = g_ptr_array_index (symbols, 0);
  g_assert_cmpstr (symbol->type, ==, "EAN-13");
  g_assert_cmpmem (g_bytes_get_data (symbol->bytes, NULL), g_bytes_get_size (symbol->bytes),
                   digits, 13);
}

/* Code 39, the other badge barcode: the standard table of wide (1) and narrow (0) elements,
 * bar first, most significant bit first. */
static guint8 *
render_code39 (const char *text,
               guint      *width,
               guint      *height)
{
  static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";
  static const int encodings[] = {
    0x034, 0x121, 0x061, 0x160, 0x031, 0x130, 0x070, 0x025, 0x124, 0x064, 0x109, 0x049, 0x148,
    0x019, 0x118, 0x058, 0x00D, 0x10C, 0x04C, 0x01C, 0x103, 0x043, 0x142, 0x013, 0x112, 0x052,
    0x007, 0x106, 0x046, 0x016, 0x181, 0x0C1, 0x1C0, 0x091, 0x190, 0x0D0, 0x085, 0x184, 0x0C4,
    0x0A8, 0x0A2, 0x08A, 0x02A,
  };
  const int narrow = 3, wide = 8, quiet = 40, h = 80;
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (int));  /* bar, space, bar… */
  g_autofree char *framed = g_strconcat ("*", text, "*", NULL);
  int total = 2 * quiet, x = quiet;
  guint8 *image;

  for (const char *p = framed; *p; p++) {
    int code = *p == '*' ? 0x094 : encodings[strchr (alphabet, *p) - alphabet];
    for (int e = 8; e >= 0; e--) {
      int w = (code >> e) & 1 ? wide : narrow;
      g_array_append_val (runs, w);
      total += w;
    }
    if (p[1] != '\0') {
      g_array_append_val (runs, narrow);  /* gap between characters */
      total += narrow;
    }
  }
  *width = total;
  *height = h;
  image = g_malloc ((gsize)total * h);
  memset (image, 255, (gsize)total * h);
  for (guint i = 0; i < runs->len; i++) {
    int w = g_array_index (runs, int, i);
    if (i % 2 == 0)
      for (int y = 8; y < h - 8; y++)
        memset (image + (gsize)y * total + x, 0, w);
    x += w;
  }
  return image;
}

static void
test_code39 (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GPtrArray) symbols = NULL;
  guint width, height;
  g_autofree guint8 *image = render_code39 ("BADGE-0042", &width, &height);
  FoyerSymbol *symbol;

  symbols = foyer_decoder_decode_gray (decoder, image, width, height, width);
  g_assert_cmpuint (symbols->len, ==, 1);
  symbol = g_ptr_array_index (symbols, 0);
  g_assert_cmpstr (symbol->type, ==, "CODE-39");
  g_assert_cmpmem (g_bytes_get_data (symbol->bytes, NULL), g_bytes_get_size (symbol->bytes),
                   "BADGE-0042", 10);
}

/* Stream mode spreads the second chances over frames: a light-on-dark code in a camera frame
 * is read within a few frames even though no single frame runs every pass. */
static void
test_stream_mode (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autofree guint8 *card = NULL;
  g_autofree guint8 *frame = NULL;
  guint cw, ch, n;
  const guint width = 640, height = 480;

  card = load_card ("badge-plain", &cw, &ch);
  frame = g_malloc ((gsize)width * height);
  memset (frame, 30, (gsize)width * height);
  for (guint y = 0; y < ch; y++)
    for (guint x = 0; x < cw; x++)
      frame[(gsize)(y + 100) * width + x + 200] = 255 - card[(gsize)y * cw + x];

  foyer_decoder_set_stream_mode (decoder, TRUE);
  foyer_decoder_set_budget_ms (decoder, 0);
  for (n = 1; n <= 20; n++) {
    g_autoptr(GPtrArray) symbols = foyer_decoder_decode_gray (decoder, frame, width, height, width);
    if (symbols->len > 0) {
      g_assert_cmpstr (((FoyerSymbol *)g_ptr_array_index (symbols, 0))->pass, ==, "inverted");
      break;
    }
  }
  g_test_message ("read in frame %u", n);
  g_assert_cmpuint (n, <=, 12);
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
  /* "text" is the payload layer's: the GB18030 card reads as Chinese … */
  g_assert_nonnull (strstr (json_object_get_string_member (symbol, "text"), "李娜"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* … and a Japanese code in Shift_JIS half-width katakana (also valid GB18030) as Japanese */
  {
    g_autofree char *photo = foyer_test_data_path ("qr-photos", "qrcode-2", "17.png", NULL);
    g_autofree char *txt = foyer_test_data_path ("qr-photos", "qrcode-2", "17.txt", NULL);
    g_autoptr(GBytes) expected = read_bytes (txt);
    g_autoptr(JsonParser) photo_parser = json_parser_new ();
    const char *argv[] = { "decode", photo, NULL };
    const char *text;

    status = foyer_test_run_foyerctl (argv, NULL, 0, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (json_parser_load_from_data (photo_parser, out, -1, NULL));
    symbol = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (json_parser_get_root (photo_parser)),
                                    "symbols"), 0);
    text = json_object_get_string_member (symbol, "text");
    g_assert_nonnull (strstr (text, "ﾃﾞｻﾞｲﾝQR"));
    g_assert_cmpmem (text, strlen (text), g_bytes_get_data (expected, NULL),
                     g_bytes_get_size (expected));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* --parse adds the contact the payload layer reads from the code */
  {
    const char *argv[] = { "decode", "--parse", png, NULL };
    g_autoptr(JsonParser) parse_parser = json_parser_new ();
    JsonObject *contact;

    status = foyer_test_run_foyerctl (argv, NULL, 0, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (json_parser_load_from_data (parse_parser, out, -1, NULL));
    symbol = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parse_parser)),
                                    "symbols"), 0);
    contact = json_object_get_object_member (symbol, "contact");
    g_assert_nonnull (contact);
    g_assert_cmpstr (json_object_get_string_member (contact, "format"), ==, "vcard");
    g_assert_cmpstr (json_object_get_string_member (contact, "full_name"), ==, "李娜");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

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

/* The second engine gives the code's raw bytes, exactly as zbar's binary mode does: zxing's own
 * text conversion would turn a GB18030 card or a Shift_JIS code into mojibake before the
 * payload layer could choose the charset. */
static void
assert_engines_agree (const char *path,
                      GBytes     *expected)
{
  const char * const plain[] = { "plain", NULL };
  const char * const zxing[] = { "zxing", NULL };
  g_autoptr(FoyerDecoder) by_zbar = foyer_decoder_new ();
  g_autoptr(FoyerDecoder) by_zxing = foyer_decoder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) from_zbar = NULL;
  g_autoptr(GPtrArray) from_zxing = NULL;
  g_autofree guint8 *gray = NULL;
  guint width, height;
  FoyerSymbol *a, *b;

  gray = foyer_decoder_load_gray (path, &width, &height, &error);
  g_assert_no_error (error);
  foyer_decoder_set_passes (by_zbar, plain);
  foyer_decoder_set_passes (by_zxing, zxing);
  from_zbar = foyer_decoder_decode_gray (by_zbar, gray, width, height, width);
  from_zxing = foyer_decoder_decode_gray (by_zxing, gray, width, height, width);
  g_assert_cmpuint (from_zbar->len, ==, 1);
  g_assert_cmpuint (from_zxing->len, ==, 1);
  a = g_ptr_array_index (from_zbar, 0);
  b = g_ptr_array_index (from_zxing, 0);
  g_assert_cmpstr (b->pass, ==, "zxing");
  g_assert_cmpstr (b->type, ==, a->type);
  g_assert_cmpmem (g_bytes_get_data (b->bytes, NULL), g_bytes_get_size (b->bytes),
                   g_bytes_get_data (a->bytes, NULL), g_bytes_get_size (a->bytes));
  if (expected != NULL)
    g_assert_true (corpus_text_matches (b->bytes, expected));
  /* the box is where zbar saw the code */
  g_assert_cmpint (ABS (b->x - a->x), <, 20);
  g_assert_cmpint (ABS (b->y - a->y), <, 20);
}

static void
test_zxing_raw_bytes (void)
{
  g_autofree char *gb_png = corpus_file ("cards", "vcard30-gb18030-cn", ".png");
  g_autofree char *gb_payload = corpus_file ("cards", "vcard30-gb18030-cn", ".payload");
  g_autoptr(GBytes) gb = read_bytes (gb_payload);
  g_autofree char *sjis_png = foyer_test_data_path ("qr-photos", "qrcode-2", "17.png", NULL);
  g_autofree char *sjis_txt = foyer_test_data_path ("qr-photos", "qrcode-2", "17.txt", NULL);
  g_autoptr(GBytes) sjis = read_bytes (sjis_txt);
  /* 17.png: Shift_JIS half-width katakana "ﾃﾞｻﾞｲﾝQR" (see tests/charset-samples/qr-photos.txt) */
  static const guint8 sjis_raw[] = { 0xc3, 0xde, 0xbb, 0xde, 0xb2, 0xdd, 0x51, 0x52 };
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  const char * const zxing[] = { "zxing", NULL };
  g_autoptr(GPtrArray) symbols = NULL;
  g_autofree guint8 *gray = NULL;
  g_autoptr(GError) error = NULL;
  guint width, height;

  assert_engines_agree (gb_png, gb);
  assert_engines_agree (sjis_png, sjis);

  /* byte for byte: the GB18030 card's payload, and the Shift_JIS code's raw bytes */
  foyer_decoder_set_passes (decoder, zxing);
  gray = foyer_decoder_load_gray (gb_png, &width, &height, &error);
  g_assert_no_error (error);
  symbols = foyer_decoder_decode_gray (decoder, gray, width, height, width);
  g_assert_cmpuint (symbols->len, ==, 1);
  g_assert_true (g_bytes_equal (((FoyerSymbol *)g_ptr_array_index (symbols, 0))->bytes, gb));
  g_clear_pointer (&symbols, g_ptr_array_unref);
  g_clear_pointer (&gray, g_free);
  gray = foyer_decoder_load_gray (sjis_png, &width, &height, &error);
  g_assert_no_error (error);
  symbols = foyer_decoder_decode_gray (decoder, gray, width, height, width);
  g_assert_cmpuint (symbols->len, ==, 1);
  {
    gsize len;
    const guint8 *data = g_bytes_get_data (((FoyerSymbol *)g_ptr_array_index (symbols, 0))->bytes, &len);
    g_assert_cmpuint (len, >=, sizeof sjis_raw);
    g_assert_cmpmem (data, sizeof sjis_raw, sjis_raw, sizeof sjis_raw);
  }
}

/* Stills start with exactly zbarimg's scan; camera frames with the cheaper engine. */
static void
test_pass_order (void)
{
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GPtrArray) symbols = NULL;
  g_autofree guint8 *gray = NULL;
  guint width, height;

  gray = load_card ("mecard-cn", &width, &height);
  symbols = foyer_decoder_decode_gray (decoder, gray, width, height, width);
  g_assert_cmpuint (symbols->len, ==, 1);
  g_assert_cmpstr (((FoyerSymbol *)g_ptr_array_index (symbols, 0))->pass, ==, "plain");
  g_clear_pointer (&symbols, g_ptr_array_unref);
  foyer_decoder_set_stream_mode (decoder, TRUE);
  symbols = foyer_decoder_decode_gray (decoder, gray, width, height, width);
  g_assert_cmpuint (symbols->len, ==, 1);
  g_assert_cmpstr (((FoyerSymbol *)g_ptr_array_index (symbols, 0))->pass, ==, "zxing");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/decoder/cards", test_cards);
  g_test_add_func ("/decoder/qr-photos-ratchet", test_qr_photos_ratchet);
  g_test_add_func ("/decoder/inverted", test_inverted);
  g_test_add_func ("/decoder/stride-and-large-frame", test_stride_and_large_frame);
  g_test_add_func ("/decoder/ean13", test_ean13);
  g_test_add_func ("/decoder/code39", test_code39);
  g_test_add_func ("/decoder/stream-mode", test_stream_mode);
  g_test_add_func ("/decoder/nothing-found", test_nothing_found);
  g_test_add_func ("/decoder/unreadable", test_unreadable);
  g_test_add_func ("/decoder/foyerctl-decode", test_foyerctl_decode);
  g_test_add_func ("/decoder/zxing-raw-bytes", test_zxing_raw_bytes);
  g_test_add_func ("/decoder/pass-order", test_pass_order);
  return g_test_run ();
}
