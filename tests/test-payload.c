/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-payload.c: raw QR bytes → text → contact: every decoding, format and normalization rule,
 * the card corpus (tests/data/cards), and regressions found by fuzzing. */
#include "config.h"

#include <string.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

/* ---- helpers ---- */

static FoyerContact *
parse_full (const char *data,
            gsize       len,
            const char *region,
            const char *pattern)
{
  FoyerPayloadOptions options = { region, pattern, NULL };
  g_autoptr(GError) error = NULL;
  FoyerContact *contact;

  contact = foyer_payload_parse ((const guint8 *) data, len, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (contact);
  return contact;
}

static FoyerContact *
parse (const char *text)
{
  return parse_full (text, strlen (text), NULL, NULL);
}

/* Converts UTF-8 test text to a legacy charset, as a card generator would have written it. */
static GBytes *
encode (const char *utf8,
        const char *charset)
{
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  char *out = g_convert (utf8, -1, charset, "UTF-8", NULL, &written, &error);

  g_assert_no_error (error);
  return g_bytes_new_take (out, written);
}

static void
assert_strv (char *const *actual,
             const char  *first,
             ...)
{
  va_list args;
  const char *expected = first;
  guint i = 0;

  va_start (args, first);
  for (; expected != NULL; expected = va_arg (args, const char *), i++) {
    g_assert_nonnull (actual);
    g_assert_cmpstr (actual[i], ==, expected);
  }
  va_end (args);
  if (actual != NULL)
    g_assert_null (actual[i]);
}

static gboolean
has_warning_containing (const FoyerContact *c,
                        const char         *needle)
{
  for (guint i = 0; c->warnings != NULL && c->warnings[i] != NULL; i++)
    if (strstr (c->warnings[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* ---- text decoding ---- */

typedef struct {
  const char    *name;
  const char    *data;       /* UTF-8 test text, converted to charset when set */
  gssize         len;        /* -1: strlen */
  const char    *charset;    /* encode data with this before decoding; NULL: as is */
  const char    *prefix;     /* bytes put in front after encoding (ECI designators) */
  const char    *expected;
  const char    *encoding;
  FoyerTextFlags flags;
} DecodeCase;

static const DecodeCase decode_cases[] = {
  { "ascii", "EXPO-2026", -1, NULL, NULL, "EXPO-2026", "UTF-8", 0 },
  { "utf8-latin", "Siobh\xc3\xa1n O'Brien", -1, NULL, NULL, "Siobhán O'Brien", "UTF-8", 0 },
  { "utf8-cjk", "张伟", -1, NULL, NULL, "张伟", "UTF-8", 0 },
  { "utf8-bom", "\xef\xbb\xbf张伟", -1, NULL, NULL, "张伟", "UTF-8", 0 },
  { "utf16le-bom", "\xff\xfe\x20\x5f\x1f\x4f", 6, NULL, NULL, "张伟", "UTF-16LE", 0 },
  { "utf16be-bom", "\xfe\xff\x5f\x20\x4f\x1f", 6, NULL, NULL, "张伟", "UTF-16BE", 0 },
  { "gb18030-name", "李娜", -1, "GB18030", NULL, "李娜", "GB18030", 0 },
  /* GB18030 bytes that are valid UTF-8 too (卢平 is "¬ƽ", 印刷 "ӡˢ"): the UTF-8 reading has no
   * word in it, so it loses to the hanzi. UTF-8 letters in words keep UTF-8, even where the
   * bytes read as common hanzi (á is 谩, ü is 眉 in GB18030). */
  { "gb18030-valid-utf8-name", "卢平", -1, "GB18030", NULL, "卢平", "GB18030", 0 },
  { "gb18030-valid-utf8-word", "印刷", -1, "GB18030", NULL, "印刷", "GB18030", 0 },
  /* Short simplified names whose bytes read as Big5 traditional characters scoring higher
   * (陈龙 is 麻韓, 单娟 is 等樽 in Big5). */
  { "gb18030-not-big5-chen", "陈龙", -1, "GB18030", NULL, "陈龙", "GB18030", 0 },
  { "gb18030-not-big5-shan", "单娟", -1, "GB18030", NULL, "单娟", "GB18030", 0 },
  { "gb18030-valid-utf8-mecard", "MECARD:N:卢,平;TEL:13912345678;;", -1, "GB18030", NULL,
    "MECARD:N:卢,平;TEL:13912345678;;", "GB18030", 0 },
  { "utf8-siobhan", "Siobh\xc3\xa1n", -1, NULL, NULL, "Siobhán", "UTF-8", 0 },
  { "utf8-muller", "M\xc3\xbcller", -1, NULL, NULL, "Müller", "UTF-8", 0 },
  { "utf8-jose", "Jos\xc3\xa9", -1, NULL, NULL, "José", "UTF-8", 0 },
  { "utf8-cyrillic", "Иван Петров", -1, NULL, NULL, "Иван Петров", "UTF-8", 0 },
  /* 太 is CC AB: U+032B, a combining mark on nothing */
  { "gb18030-valid-utf8-mark", "太平", -1, "GB18030", NULL, "太平", "GB18030", 0 },
  { "utf8-decomposed", "Rene\xcc\x81" "e Mu\xcc\x88ller", -1, NULL, NULL,
    "Rene\xcc\x81" "e Mu\xcc\x88ller", "UTF-8", 0 },
  { "utf8-lone-letter", "\xc3\xa9", -1, NULL, NULL, "é", "UTF-8", 0 },
  { "utf8-symbols", "\xc2\xa9 2024 \xc2\xb7 25 \xc2\xb0" "C", -1, NULL, NULL, "© 2024 · 25 °C",
    "UTF-8", 0 },
  { "utf8-emoji", "Anna \xf0\x9f\x98\x80", -1, NULL, NULL, "Anna 😀", "UTF-8", 0 },
  { "gb18030-org", "广州国际展览公司", -1, "GB18030", NULL, "广州国际展览公司", "GB18030", 0 },
  { "gb18030-mixed", "N:王;芳\r\nTEL:13912345678", -1, "GB18030", NULL,
    "N:王;芳\r\nTEL:13912345678", "GB18030", 0 },
  { "big5-name", "陳大文", -1, "BIG5", NULL, "陳大文", "Big5", 0 },
  { "big5-org", "台北國際會展中心", -1, "BIG5", NULL, "台北國際會展中心", "Big5", 0 },
  { "big5-surname-given", "張偉", -1, "BIG5", NULL, "張偉", "Big5", 0 },
  { "sjis-name", "山田太郎", -1, "SHIFT_JIS", NULL, "山田太郎", "Shift_JIS", 0 },
  { "sjis-kana", "タナカ", -1, "SHIFT_JIS", NULL, "タナカ", "Shift_JIS", 0 },
  { "sjis-company", "株式会社 営業部長", -1, "SHIFT_JIS", NULL, "株式会社 営業部長", "Shift_JIS", 0 },
  /* Half-width katakana are one byte each in Shift_JIS, and their bytes are often valid GB18030
   * too ("ﾃﾞｻﾞｲﾝQR" is "棉晦草QR"): the kana's structure (voiced marks where they belong)
   * decides. The first two are the qr-photos corpus codes (tests/data/qr-photos/qrcode-2). */
  { "sjis-halfwidth-corpus-17", "ﾃﾞｻﾞｲﾝQR\r\nhttp://d-qr.net/ex/", -1, "CP932", NULL,
    "ﾃﾞｻﾞｲﾝQR\r\nhttp://d-qr.net/ex/", "Shift_JIS", 0 },
  { "sjis-halfwidth-corpus-26", "<ﾃﾞｻﾞｲﾝQR> \r\nｲﾗｽﾄ入りｶﾗｰQRｺｰﾄﾞ\r\nhttp://d-qr.net/ex/ ", -1,
    "CP932", NULL, "<ﾃﾞｻﾞｲﾝQR> \r\nｲﾗｽﾄ入りｶﾗｰQRｺｰﾄﾞ\r\nhttp://d-qr.net/ex/ ", "Shift_JIS", 0 },
  { "sjis-halfwidth-company", "ｶﾌﾞｼｷｶﾞｲｼｬ", -1, "CP932", NULL, "ｶﾌﾞｼｷｶﾞｲｼｬ", "Shift_JIS", 0 },
  { "sjis-halfwidth-download", "ﾀﾞｳﾝﾛｰﾄﾞ", -1, "CP932", NULL, "ﾀﾞｳﾝﾛｰﾄﾞ", "Shift_JIS", 0 },
  { "sjis-halfwidth-yoon", "ﾆｭｰｽ ｷｬﾝﾍﾟｰﾝ", -1, "CP932", NULL, "ﾆｭｰｽ ｷｬﾝﾍﾟｰﾝ", "Shift_JIS", 0 },
  { "sjis-halfwidth-plain", "ﾀﾅｶ", -1, "CP932", NULL, "ﾀﾅｶ", "Shift_JIS", 0 },
  { "sjis-halfwidth-mecard", "MECARD:N:山田,太郎;SOUND:ﾔﾏﾀﾞ,ﾀﾛｳ;;", -1, "CP932", NULL,
    "MECARD:N:山田,太郎;SOUND:ﾔﾏﾀﾞ,ﾀﾛｳ;;", "Shift_JIS", 0 },
  /* kana with kanji */
  { "sjis-kana-kanji-sentence", "今度のバージョンでは文章の暗号化ができます。", -1, "SHIFT_JIS",
    NULL, "今度のバージョンでは文章の暗号化ができます。", "Shift_JIS", 0 },
  { "sjis-kana-kanji-corpus-16", "[内側QRコード]\r\n\r\n*ダブルQR*\r\nhttp://d-qr.net/ex/", -1,
    "SHIFT_JIS", NULL, "[内側QRコード]\r\n\r\n*ダブルQR*\r\nhttp://d-qr.net/ex/", "Shift_JIS", 0 },
  { "sjis-kana-kanji-org", "ソフトウェア開発部 東京都港区", -1, "SHIFT_JIS", NULL,
    "ソフトウェア開発部 東京都港区", "Shift_JIS", 0 },
  /* Chinese whose GB18030 bytes are also valid Shift_JIS half-width katakana, marks included:
   * 罗建强 is ﾂﾞｽｨﾇｿ, 付薇 ｸｶﾞｱ, 于涛安 ﾓﾚﾌﾎｰｲ, 龚馨航 ｹｨﾜｰｺｽ, 张伟 ﾕﾅﾎｰ, 陈静 ｳﾂｾｲ (plain
   * kana: a tie, and ties go to GB18030). They stay Chinese. */
  { "gb18030-not-katakana-luo", "罗建强", -1, "GB18030", NULL, "罗建强", "GB18030", 0 },
  { "gb18030-not-katakana-fu", "付薇", -1, "GB18030", NULL, "付薇", "GB18030", 0 },
  { "gb18030-not-katakana-yu", "于涛安", -1, "GB18030", NULL, "于涛安", "GB18030", 0 },
  { "gb18030-not-katakana-gong", "龚馨航", -1, "GB18030", NULL, "龚馨航", "GB18030", 0 },
  { "gb18030-not-katakana-zhang", "张伟", -1, "GB18030", NULL, "张伟", "GB18030", 0 },
  { "gb18030-not-katakana-chen", "陈静", -1, "GB18030", NULL, "陈静", "GB18030", 0 },
  { "gb18030-not-katakana-mecard", "MECARD:N:罗,远博;TEL:13912345678;;", -1, "GB18030", NULL,
    "MECARD:N:罗,远博;TEL:13912345678;;", "GB18030", 0 },
  { "gb18030-not-katakana-vcard", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:汤婷馨\r\nORG:平安保险\r\n"
    "END:VCARD\r\n", -1, "GB18030", NULL, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:汤婷馨\r\n"
    "ORG:平安保险\r\nEND:VCARD\r\n", "GB18030", 0 },
  { "eci-utf8", "Siobh\xc3\xa1n", -1, NULL, "\\000026", "Siobhán", "UTF-8",
    FOYER_TEXT_FLAG_ECI | FOYER_TEXT_FLAG_STRIPPED },
  { "eci-latin1", "M\xfcller", -1, NULL, "\\000003", "Müller", "ISO-8859-1",
    FOYER_TEXT_FLAG_ECI | FOYER_TEXT_FLAG_STRIPPED },
  { "eci-gb18030", "李娜", -1, "GB18030", "\\000029", "李娜", "GB18030",
    FOYER_TEXT_FLAG_ECI | FOYER_TEXT_FLAG_STRIPPED },
  { "eci-sjis", "山田", -1, "SHIFT_JIS", "\\000020", "山田", "Shift_JIS",
    FOYER_TEXT_FLAG_ECI | FOYER_TEXT_FLAG_STRIPPED },
  { "aim-id-and-eci", "Hello", -1, NULL, "]Q2\\000026", "Hello", "UTF-8",
    FOYER_TEXT_FLAG_ECI | FOYER_TEXT_FLAG_STRIPPED },
  { "eci-doubled-backslash", "a\\\\,b", -1, NULL, "\\000026", "a\\,b", "UTF-8",
    FOYER_TEXT_FLAG_ECI | FOYER_TEXT_FLAG_STRIPPED },
  { "eci-single-backslash-kept", "a\\,b", -1, NULL, "\\000026", "a\\,b", "UTF-8",
    FOYER_TEXT_FLAG_ECI | FOYER_TEXT_FLAG_STRIPPED },
  { "not-an-eci", "\\00002x", -1, NULL, NULL, "\\00002x", "UTF-8", 0 },
  { "control-bytes", "AB\x01" "C\x1b" "D\x7f" "E", -1, NULL, NULL, "ABCDE", "UTF-8",
    FOYER_TEXT_FLAG_STRIPPED },
  { "nul-byte", "AB\0CD", 5, NULL, NULL, "ABCD", "UTF-8", FOYER_TEXT_FLAG_STRIPPED },
  { "structural-whitespace-kept", "A\tB\r\nC\nD", -1, NULL, NULL, "A\tB\r\nC\nD", "UTF-8", 0 },
  { "c1-control", "A\xc2\x85" "B", -1, NULL, NULL, "AB", "UTF-8", FOYER_TEXT_FLAG_STRIPPED },
  { "garbage", "\x80\x81\xfe\xff\x80", 5, NULL, NULL, NULL, "UTF-8", FOYER_TEXT_FLAG_UNCERTAIN },
  { "vcard40-fold-inside-utf8",
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jos\xc3\r\n \xa9 Smith\r\nEND:VCARD\r\n", -1, NULL, NULL,
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:José Smith\r\nEND:VCARD\r\n", "UTF-8", 0 },
};

static void
test_decode_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (decode_cases); i++) {
    const DecodeCase *t = &decode_cases[i];
    g_autoptr(GByteArray) bytes = g_byte_array_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_autofree char *encoding = NULL;
    FoyerTextFlags flags = 0;
    gsize len = t->len >= 0 ? (gsize) t->len : strlen (t->data);

    g_test_message ("decode case %s", t->name);
    if (t->prefix != NULL)
      g_byte_array_append (bytes, (const guint8 *) t->prefix, strlen (t->prefix));
    if (t->charset != NULL) {
      g_autoptr(GBytes) encoded = encode (t->data, t->charset);
      gsize n;
      gconstpointer p = g_bytes_get_data (encoded, &n);

      g_byte_array_append (bytes, p, n);
    } else {
      g_byte_array_append (bytes, (const guint8 *) t->data, len);
    }

    text = foyer_payload_decode_text (bytes->data, bytes->len, &encoding, &flags, &error);
    g_assert_no_error (error);
    g_assert_nonnull (text);
    g_assert_true (g_utf8_validate (text, -1, NULL));
    if (t->expected != NULL)
      g_assert_cmpstr (text, ==, t->expected);
    else
      g_assert_nonnull (strstr (text, "\xef\xbf\xbd"));    /* U+FFFD */
    g_assert_cmpstr (encoding, ==, t->encoding);
    g_assert_cmpint (flags, ==, t->flags);
  }
}

/* The sample lists behind the charset scoring (tests/charset-samples/, printed with every
 * candidate's score by the charset-eval tool): a ratchet on how many read right, and the
 * mistakes that must never happen — Chinese read as Japanese, a corpus code misread. The
 * Chinese misses left are names with an uncommon character (柳丹璇, 翟焱菲) that score higher as
 * Big5 even against the simplified-character bonus; the only random string read
 * as UTF-8 mixes Greek and Latin-Extended letters in words. utf8-eu.txt: real UTF-8 names and
 * words in European languages, all of which must stay UTF-8. */
static void
test_decode_samples (void)
{
  static const struct {
    const char *file;
    guint       min_right;
    const char *never;     /* an encoding no sample of this list may be read as */
  } lists[] = {
    { "qr-photos.txt", 13, NULL },
    { "sjis-ja.txt", 177, NULL },
    { "gb18030-zh.txt", 754, "Shift_JIS" },
    { "big5-zh.txt", 57, "Shift_JIS" },
    /* 2 of 3000 read as Shift_JIS: uncommon hanzi whose bytes make kana with one mark */
    { "gb18030-random.txt", 2989, NULL },
    { "utf8-eu.txt", 215, NULL },
  };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++) {
    g_autofree char *path = g_test_build_filename (G_TEST_DIST, "charset-samples", lists[l].file,
                                                   NULL);
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    guint right = 0, total = 0;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    lines = g_strsplit (contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 3);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *text = NULL;
      g_autofree char *encoding = NULL;
      const char *expected;

      if (lines[i][0] == '#' || f[0] == NULL || f[1] == NULL)
        continue;
      if (strcmp (f[0], "HEX") == 0) {
        gsize n = strlen (f[2]) / 2;
        guint8 *raw = g_malloc (n);

        for (gsize k = 0; k < n; k++)
          raw[k] = (g_ascii_xdigit_value (f[2][2 * k]) << 4) | g_ascii_xdigit_value (f[2][2 * k + 1]);
        bytes = g_bytes_new_take (raw, n);
        expected = f[1];
      } else {
        g_autofree char *sample = g_strcompress (f[1]);

        bytes = encode (sample, f[0]);
        expected = strcmp (f[0], "BIG5") == 0 ? "Big5" : strcmp (f[0], "CP932") == 0 ? "Shift_JIS"
                                                                                      : f[0];
      }
      text = foyer_payload_decode_text (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                        &encoding, NULL, NULL);
      g_assert_nonnull (text);
      total++;
      if (g_strcmp0 (encoding, expected) == 0)
        right++;
      else
        g_test_message ("%s line %u: %s read as %s: %s", lists[l].file, i + 1, expected, encoding,
                        text);
      if (lists[l].never != NULL)
        g_assert_cmpstr (encoding, !=, lists[l].never);
    }
    g_test_message ("%s: %u/%u read in the right charset", lists[l].file, right, total);
    g_assert_cmpuint (right, >=, lists[l].min_right);
  }
}

static void
test_decode_limits (void)
{
  g_autofree char *big = g_malloc (FOYER_PAYLOAD_MAX_BYTES + 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FoyerContact *contact;

  memset (big, 'A', FOYER_PAYLOAD_MAX_BYTES + 1);

  /* Exactly 4 KiB is read … */
  text = foyer_payload_decode_text ((const guint8 *) big, FOYER_PAYLOAD_MAX_BYTES, NULL, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (text), ==, FOYER_PAYLOAD_MAX_BYTES);

  /* … one byte more is rejected, with a message that says why. */
  g_assert_null (foyer_payload_decode_text ((const guint8 *) big, FOYER_PAYLOAD_MAX_BYTES + 1,
                                            NULL, NULL, &error));
  g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "4097 bytes"));
  g_assert_nonnull (strstr (error->message, "4096"));
  g_clear_error (&error);

  contact = foyer_payload_parse ((const guint8 *) big, FOYER_PAYLOAD_MAX_BYTES + 1, NULL, &error);
  g_assert_null (contact);
  g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Nothing readable left. */
  g_assert_null (foyer_payload_parse ((const guint8 *) "", 0, NULL, &error));
  g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_null (foyer_payload_parse ((const guint8 *) "\x01\x02\x03", 3, NULL, &error));
  g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_null (foyer_payload_parse ((const guint8 *) " \r\n\t", 4, NULL, &error));
  g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_null (foyer_payload_parse ((const guint8 *) "\\000026", 7, NULL, &error));
  g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_EMPTY);
}

static void
test_decode_uncertain_warns (void)
{
  g_autoptr(FoyerContact) c = parse_full ("\x80\x81 \xfe\xff\x80 x", 9, NULL, NULL);

  g_assert_true (c->text_flags & FOYER_TEXT_FLAG_UNCERTAIN);
  g_assert_cmpstr (c->format, ==, FOYER_FORMAT_UNKNOWN);
  g_assert_true (has_warning_containing (c, "could not be read"));
}

/* A whole GB18030 vCard with no ECI, as many Chinese card generators write it. */
static void
test_gb18030_vcard (void)
{
  g_autoptr(GBytes) bytes = encode ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:王;芳\r\nORG:深圳智能制造协会\r\n"
                                    "TEL:0755-8888-6666\r\nEND:VCARD\r\n", "GB18030");
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr(FoyerContact) c = parse_full (data, len, NULL, NULL);

  g_assert_cmpstr (c->encoding, ==, "GB18030");
  g_assert_cmpstr (c->full_name, ==, "王芳");
  g_assert_cmpstr (c->organization, ==, "深圳智能制造协会");
  assert_strv (c->phones, "+8675588886666", NULL);
}

/* A single character is ambiguous between GB18030 and Big5; a vCard's own CHARSET= decides. */
static void
test_vcard_charset_label (void)
{
  g_autoptr(GBytes) big5 = encode ("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=BIG5:蕭\r\n"
                                   "END:VCARD\r\n", "BIG5");
  g_autoptr(GBytes) wrong = encode ("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=SHIFT_JIS:李娜\r\n"
                                    "END:VCARD\r\n", "GB18030");
  gsize len;
  const char *data;
  g_autoptr(FoyerContact) a = NULL;
  g_autoptr(FoyerContact) b = NULL;

  data = g_bytes_get_data (big5, &len);
  a = parse_full (data, len, NULL, NULL);
  g_assert_cmpstr (a->encoding, ==, "Big5");
  g_assert_cmpstr (a->full_name, ==, "蕭");

  /* European single-byte labels are believed. */
  {
    const char *latin1 = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1:M\xfcller;J\xfcrgen\r\n"
                         "END:VCARD\r\n";
    g_autoptr(FoyerContact) c = parse_full (latin1, strlen (latin1), NULL, NULL);

    g_assert_cmpstr (c->encoding, ==, "ISO-8859-1");
    g_assert_cmpstr (c->full_name, ==, "Jürgen Müller");
    g_assert_false (c->text_flags & FOYER_TEXT_FLAG_UNCERTAIN);
  }

  /* A label the bytes do not fit is ignored: the scoring reads GB18030. */
  data = g_bytes_get_data (wrong, &len);
  b = parse_full (data, len, NULL, NULL);
  g_assert_cmpstr (b->encoding, ==, "GB18030");
  g_assert_cmpstr (b->full_name, ==, "李娜");
}

static void
test_big5_and_sjis_mecard (void)
{
  g_autoptr(GBytes) big5 = encode ("MECARD:N:陳,大文;ORG:台北國際會展中心;;", "BIG5");
  g_autoptr(GBytes) sjis = encode ("MECARD:N:山田,太郎;ORG:株式会社東京;;", "SHIFT_JIS");
  gsize len;
  const char *data;
  g_autoptr(FoyerContact) a = NULL;
  g_autoptr(FoyerContact) b = NULL;

  data = g_bytes_get_data (big5, &len);
  a = parse_full (data, len, NULL, NULL);
  g_assert_cmpstr (a->encoding, ==, "Big5");
  g_assert_cmpstr (a->full_name, ==, "陳大文");
  g_assert_cmpstr (a->organization, ==, "台北國際會展中心");

  data = g_bytes_get_data (sjis, &len);
  b = parse_full (data, len, NULL, NULL);
  g_assert_cmpstr (b->encoding, ==, "Shift_JIS");
  g_assert_cmpstr (b->full_name, ==, "山田太郎");
  g_assert_cmpstr (b->organization, ==, "株式会社東京");
}

/* ---- formats ---- */

typedef struct {
  const char *payload;
  const char *format;
} FormatCase;

static const FormatCase format_cases[] = {
  { "BEGIN:VCARD\nVERSION:3.0\nFN:A B\nEND:VCARD\n", FOYER_FORMAT_VCARD },
  { "begin:vcard\r\nversion:2.1\r\nfn:A B\r\nend:vcard\r\n", FOYER_FORMAT_VCARD },
  { "MECARD:N:Smith,John;;", FOYER_FORMAT_MECARD },
  { "BIZCARD:N:Sean;X:Owen;;", FOYER_FORMAT_BIZCARD },
  { "EXPO2026-V-000123", FOYER_FORMAT_BADGE },
  { "  EXPO2026-V-000123\r\n", FOYER_FORMAT_BADGE },
  { "https://example.com/a?b=c", FOYER_FORMAT_URL },
  { "HTTP://EXAMPLE.COM", FOYER_FORMAT_URL },
  { "www.expo.example.cn/booth/12", FOYER_FORMAT_URL },
  { "weixin://dl/business/?t=abc", FOYER_FORMAT_URL },
  { "https://", FOYER_FORMAT_BADGE },                             /* no address: a token */
  { "https://example.com/a b", FOYER_FORMAT_UNKNOWN },
  { "https://u.wechat.com/EFeq6Nbz4Y0xVbq8sTSqbDQ", FOYER_FORMAT_URL },
  { "mailto:someone@example.com", FOYER_FORMAT_EMAIL },
  { "MATMSG:TO:someone@example.com;SUB:Hi;BODY:Hello;;", FOYER_FORMAT_EMAIL },
  { "someone@example.com", FOYER_FORMAT_EMAIL },
  { "tel:+8613912345678", FOYER_FORMAT_PHONE },
  { "Hello, this is just a sentence.", FOYER_FORMAT_UNKNOWN },
  { "abc", FOYER_FORMAT_UNKNOWN },                                /* too short for a badge */
  { "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLM", FOYER_FORMAT_UNKNOWN },
  { "EXPO 2026", FOYER_FORMAT_UNKNOWN },                          /* a space: not a token */
  { "参观证123456", FOYER_FORMAT_UNKNOWN },                       /* not printable ASCII */
  { "WIFI:S:expo;T:WPA;P:secret;;", FOYER_FORMAT_BADGE },         /* the default pattern is broad */
};

static void
test_format_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++) {
    g_autoptr(FoyerContact) c = parse (format_cases[i].payload);

    g_autofree char *escaped = g_strescape (format_cases[i].payload, NULL);

    g_test_message ("format case %u: %s", i, escaped);
    g_assert_cmpstr (c->format, ==, format_cases[i].format);
    g_assert_nonnull (c->text);
    g_assert_cmpstr (c->default_region, ==, "CN");
  }
}

static void
test_vcard21 (void)
{
  /* Parameters in any order, bare type and encoding parameters, CHARSET on QP values in a
   * legacy charset, soft line breaks. */
  const char *card =
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;ENCODING=QUOTED-PRINTABLE;CHARSET=GB2312:=C0=EE;=C4=C8\r\n"
    "ORG;CHARSET=UTF-8;QUOTED-PRINTABLE:Gro=C3=9Fhandel f=C3=BCr Messeb=\r\n"
    "edarf;Eink=C3=A4ufe\r\n"
    "TITLE;CHARSET=UTF-8:Einkauf\r\n"
    "TEL;CELL;PREF:139 1234 5678\r\n"
    "TEL;FAX;WORK:0755-8888-6667\r\n"
    "TEL;WORK;VOICE:+49 (0)69 7575-0\r\n"
    "EMAIL;PREF;INTERNET:Li.Na@Example.COM\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Zeile 1=0D=0AZeile=\r\n 2\r\n"
    "END:VCARD\r\n";
  g_autoptr(FoyerContact) c = parse (card);

  g_assert_cmpstr (c->format, ==, FOYER_FORMAT_VCARD);
  g_assert_cmpstr (c->family_name, ==, "李");
  g_assert_cmpstr (c->given_name, ==, "娜");
  g_assert_cmpstr (c->full_name, ==, "李娜");
  g_assert_cmpstr (c->organization, ==, "Großhandel für Messebedarf");
  assert_strv (c->org_units, "Einkäufe", NULL);
  g_assert_cmpstr (c->title, ==, "Einkauf");
  assert_strv (c->phones, "+8613912345678", "+496975750", NULL);
  assert_strv (c->emails, "Li.Na@example.com", NULL);
  g_assert_cmpstr (c->note, ==, "Zeile 1\r\nZeile 2");
  g_assert_null (c->warnings);
}

static void
test_vcard30 (void)
{
  /* Bare LF, escapes, a tab fold, ENCODING=b, a group prefix, ADR, TYPE lists, no FN. */
  const char *card =
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "N:Smith;John;Q.;Dr.;\n"
    "ORG:Smith\\, Jones & Co.;R&D\\; Labs\n"
    "NOTE:Line one\\nLine two\\, with comma\\; semicolon and \\\\ backslash\n"
    "item1.EMAIL;TYPE=INTERNET,pref:john@example.org\n"
    "TITLE:Chief\n"
    "\tScientist\n"
    "ADR;TYPE=work:;Suite 5;1 Main St;Springfield;IL;62701;USA\n"
    "X-NOTE;ENCODING=b:SGVsbG8=\n"
    "NOTE;ENCODING=b;CHARSET=UTF-8:U2lvYmjDoW4=\n"
    "URL:https://example.org/john\n"
    "END:VCARD\n";
  g_autoptr(FoyerContact) c = parse (card);

  g_assert_cmpstr (c->full_name, ==, "John Smith");
  g_assert_cmpstr (c->family_name, ==, "Smith");
  g_assert_cmpstr (c->given_name, ==, "John");
  g_assert_cmpstr (c->organization, ==, "Smith, Jones & Co.");
  assert_strv (c->org_units, "R&D; Labs", NULL);
  g_assert_cmpstr (c->note, ==,
                   "Line one\nLine two, with comma; semicolon and \\ backslash\nSiobhán");
  assert_strv (c->emails, "john@example.org", NULL);
  g_assert_cmpstr (c->title, ==, "ChiefScientist");
  g_assert_cmpstr (c->address, ==, "Suite 5, 1 Main St, Springfield, IL, 62701, USA");
  assert_strv (c->urls, "https://example.org/john", NULL);
}

static void
test_vcard40 (void)
{
  /* Folded at octets in the middle of a CJK character, tel: URIs, no END:VCARD. */
  const char *card =
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:\xe5\xbc\xa0\r\n"
    " \xe4\xbc\x9f\r\n"
    "N:\xe5\xbc\xa0;\xe4\xbc\r\n"
    "\t\x9f;;;\r\n"
    "TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+86-138-0013-8000\r\n"
    "TEL;VALUE=uri:tel:+1-202-555-0123;ext=5\r\n"
    "TEL;TYPE=fax:+1-202-555-0199\r\n"
    "TEL;TYPE=\"fax,voice\":+1-202-555-0124\r\n"
    "TEL:tel:010-6552-9988\r\n"
    "EMAIL:zhang@EXAMPLE.cn\r\n";
  g_autoptr(FoyerContact) c = parse (card);

  g_assert_cmpstr (c->format, ==, FOYER_FORMAT_VCARD);
  g_assert_cmpstr (c->encoding, ==, "UTF-8");
  g_assert_cmpstr (c->full_name, ==, "张伟");
  g_assert_cmpstr (c->family_name, ==, "张");
  g_assert_cmpstr (c->given_name, ==, "伟");
  /* the extension of a tel: URI is kept (RFC 3966 form) */
  assert_strv (c->phones, "+8613800138000", "+12025550123;ext=5", "+12025550124", "+861065529988",
               NULL);
  assert_strv (c->emails, "zhang@example.cn", NULL);
}

static void
test_vcard_oddities (void)
{
  g_autoptr(FoyerContact) nested = NULL;
  g_autoptr(FoyerContact) two = NULL;
  g_autoptr(FoyerContact) v4gb = NULL;
  g_autoptr(GBytes) gb = NULL;
  const char *data;
  gsize len;

  /* A 2.1 AGENT's nested vCard is not the card holder. */
  nested = parse ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Boss\r\nAGENT:\r\nBEGIN:VCARD\r\n"
                  "FN:Assistant\r\nEMAIL:assistant@example.com\r\nEND:VCARD\r\n"
                  "EMAIL:boss@example.com\r\nEND:VCARD\r\n");
  g_assert_cmpstr (nested->full_name, ==, "Boss");
  assert_strv (nested->emails, "boss@example.com", NULL);

  /* Only the first of several cards. */
  two = parse ("BEGIN:VCARD\nFN:First\nEND:VCARD\nBEGIN:VCARD\nFN:Second\nEND:VCARD\n");
  g_assert_cmpstr (two->full_name, ==, "First");

  /* 4.0 is UTF-8 only: read it anyway, but say so. */
  gb = encode ("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:李娜\r\nEND:VCARD\r\n", "GB18030");
  data = g_bytes_get_data (gb, &len);
  v4gb = parse_full (data, len, NULL, NULL);
  g_assert_cmpstr (v4gb->full_name, ==, "李娜");
  g_assert_true (has_warning_containing (v4gb, "not UTF-8"));
}

static void
test_mecard (void)
{
  g_autoptr(FoyerContact) c = parse ("MECARD:N:Smith,John;TEL:+1-415-555-0100;TEL:(415) 555-0101;"
                                     "EMAIL:john@example.com;URL:https\\://acme.example.com;"
                                     "NOTE:Booth B12\\; met at demo;ADR:,,1 Main St,Springfield,,,"
                                     "USA;ORG:Acme\\, Inc.;TITLE:CTO;;");
  g_autoptr(FoyerContact) whole = parse ("MECARD:N:John Smith;;");

  g_assert_cmpstr (c->format, ==, FOYER_FORMAT_MECARD);
  g_assert_cmpstr (c->full_name, ==, "John Smith");
  /* no country code, and no number in CN: the address says USA */
  assert_strv (c->phones, "+14155550100", "+14155550101", NULL);
  g_assert_null (c->phones_unverified);
  assert_strv (c->urls, "https://acme.example.com", NULL);
  g_assert_cmpstr (c->note, ==, "Booth B12; met at demo");
  g_assert_cmpstr (c->address, ==, "1 Main St, Springfield, USA");
  g_assert_cmpstr (c->organization, ==, "Acme, Inc.");
  g_assert_cmpstr (c->title, ==, "CTO");

  g_assert_cmpstr (whole->full_name, ==, "John Smith");
  g_assert_null (whole->family_name);
}

static void
test_bizcard (void)
{
  g_autoptr(FoyerContact) c = parse ("BIZCARD:N:Sean;X:Owen;T:Engineer;C:Google;"
                                     "B:+12125551212;M:+12125551213;E:srowen@example.com;;");

  g_assert_cmpstr (c->format, ==, FOYER_FORMAT_BIZCARD);
  g_assert_cmpstr (c->full_name, ==, "Sean Owen");
  g_assert_cmpstr (c->given_name, ==, "Sean");
  g_assert_cmpstr (c->family_name, ==, "Owen");
  g_assert_cmpstr (c->title, ==, "Engineer");
  g_assert_cmpstr (c->organization, ==, "Google");
  assert_strv (c->phones, "+12125551212", "+12125551213", NULL);
  assert_strv (c->emails, "srowen@example.com", NULL);
}

static void
test_name_order (void)
{
  static const struct {
    const char *payload;
    const char *full_name;
  } cases[] = {
    { "BEGIN:VCARD\nVERSION:3.0\nN:王;芳;;;\nEND:VCARD\n", "王芳" },
    { "BEGIN:VCARD\nVERSION:3.0\nN:欧阳;娜娜\nEND:VCARD\n", "欧阳娜娜" },
    { "BEGIN:VCARD\nVERSION:3.0\nN:山田;太郎\nEND:VCARD\n", "山田太郎" },
    { "BEGIN:VCARD\nVERSION:3.0\nN:김;민준\nEND:VCARD\n", "김민준" },
    { "BEGIN:VCARD\nVERSION:3.0\nN:Müller;Jürgen\nEND:VCARD\n", "Jürgen Müller" },
    { "BEGIN:VCARD\nVERSION:3.0\nN:Müller\nEND:VCARD\n", "Müller" },
    { "BEGIN:VCARD\nVERSION:3.0\nN:;Jürgen\nEND:VCARD\n", "Jürgen" },
    { "BEGIN:VCARD\nVERSION:3.0\nFN:Dr. Jürgen Müller\nN:Müller;Jürgen\nEND:VCARD\n",
      "Dr. Jürgen Müller" },
    { "MECARD:N:王,芳;;", "王芳" },
    { "MECARD:N:Smith,John;;", "John Smith" },
    { "BIZCARD:N:芳;X:王;;", "王芳" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(FoyerContact) c = parse (cases[i].payload);

    g_assert_cmpstr (c->full_name, ==, cases[i].full_name);
  }
}

static void
test_links (void)
{
  g_autoptr(FoyerContact) wechat = parse ("https://u.wechat.com/EFeq6Nbz4Y0xVbq8sTSqbDQ");
  g_autoptr(FoyerContact) weixin = parse ("https://weixin.qq.com/r/abcDEF123");
  g_autoptr(FoyerContact) plain = parse ("https://expo.example.cn/exhibitors?id=12");
  g_autoptr(FoyerContact) mailto = parse ("mailto:Sales@Example.COM,info%40example.com?subject=Hi");
  g_autoptr(FoyerContact) bad_mailto = parse ("mailto:not-an-address");
  g_autoptr(FoyerContact) tel = parse ("tel:+86-139-1234-5678");
  g_autoptr(FoyerContact) bad_tel = parse ("tel:12");
  g_autoptr(FoyerContact) matmsg = parse ("MATMSG:TO:john@EXAMPLE.com;SUB:Meeting;BODY:Hi\\; there;;");
  g_autoptr(JsonObject) json = foyer_contact_to_json (wechat);

  g_assert_true (wechat->is_contact_link);
  assert_strv (wechat->urls, "https://u.wechat.com/EFeq6Nbz4Y0xVbq8sTSqbDQ", NULL);
  g_assert_null (wechat->full_name);
  g_assert_null (wechat->note);
  g_assert_true (has_warning_containing (wechat, "carries no name"));
  g_assert_true (json_object_has_member (json, "warnings"));
  g_assert_true (weixin->is_contact_link);

  g_assert_false (plain->is_contact_link);
  g_assert_null (plain->warnings);
  assert_strv (plain->urls, "https://expo.example.cn/exhibitors?id=12", NULL);

  g_assert_cmpstr (mailto->format, ==, FOYER_FORMAT_EMAIL);
  assert_strv (mailto->emails, "Sales@example.com", "info@example.com", NULL);
  g_assert_true (has_warning_containing (bad_mailto, "not-an-address"));
  g_assert_null (bad_mailto->emails);

  g_assert_cmpstr (tel->format, ==, FOYER_FORMAT_PHONE);
  assert_strv (tel->phones, "+8613912345678", NULL);
  g_assert_cmpstr (bad_tel->format, ==, FOYER_FORMAT_PHONE);
  g_assert_null (bad_tel->phones);
  g_assert_true (has_warning_containing (bad_tel, "“12”"));

  g_assert_cmpstr (matmsg->format, ==, FOYER_FORMAT_EMAIL);
  assert_strv (matmsg->emails, "john@example.com", NULL);
}

static void
test_badge_pattern (void)
{
  const char *pattern = "^[A-Z]{4}[0-9]{6}$";
  g_autoptr(FoyerContact) match = parse_full ("EXPO123456", 10, NULL, pattern);
  g_autoptr(FoyerContact) other = parse_full ("EXPO-12", 7, NULL, pattern);
  g_autoptr(FoyerContact) url = parse_full ("https://expo.example/b/1", 24, NULL,
                                           "^https://expo\\.example/b/[0-9]+$");
  g_autoptr(FoyerContact) broken = parse_full ("EXPO123456", 10, NULL, "([");

  g_assert_cmpstr (match->format, ==, FOYER_FORMAT_BADGE);
  g_assert_cmpstr (match->badge_code, ==, "EXPO123456");
  /* With a configured pattern, other tokens are not this event's badges. */
  g_assert_cmpstr (other->format, ==, FOYER_FORMAT_UNKNOWN);
  g_assert_null (other->badge_code);
  /* The organizer's pattern wins over the URL format. */
  g_assert_cmpstr (url->format, ==, FOYER_FORMAT_BADGE);
  g_assert_cmpstr (url->badge_code, ==, "https://expo.example/b/1");
  /* A broken pattern is reported, and the code is still read with the default rules. */
  g_assert_true (has_warning_containing (broken, "not a valid regular expression"));
  g_assert_cmpstr (broken->format, ==, FOYER_FORMAT_BADGE);
}

/* ---- phones and e-mails ---- */

typedef struct {
  const char *input;
  const char *region;
  const char *expected;   /* NULL: rejected */
} PhoneCase;

static const PhoneCase phone_cases[] = {
  /* China: mobiles, landlines with trunk 0, service numbers, 86 without a plus */
  { "13912345678", "CN", "+8613912345678" },
  { "139 1234 5678", "CN", "+8613912345678" },
  { "139-1234-5678", NULL, "+8613912345678" },
  { "0755-8888-6666", "CN", "+8675588886666" },
  { "(0755) 8888 6666", "CN", "+8675588886666" },
  { "010-6552-9988", "CN", "+861065529988" },
  { "021 6888 1234", "CN", "+862168881234" },
  { "400-810-5678", "CN", "+864008105678" },
  { "86 139 1234 5678", "CN", "+8613912345678" },
  { "１３９１２３４５６７８", "CN", "+8613912345678" },      /* full-width digits */
  { "12345678", "CN", NULL },                              /* local number, no area code */
  { "1391234567", "CN", NULL },                            /* a digit short */
  { "23912345678", "CN", NULL },
  /* international forms keep their own code */
  { "+86 138 0013 8000", "CN", "+8613800138000" },
  { "+86 21 6888 1234", "US", "+862168881234" },
  { "0086 139 1234 5678", "CN", "+8613912345678" },
  { "00 49 171 1234567", "CN", "+491711234567" },
  { "+49 (0)69 7575-0", "CN", "+496975750" },
  { "+49-69-7575-0", "CN", "+496975750" },
  { "+1 (415) 555-0100", "CN", "+14155550100" },
  { "+1 415 555 010", "CN", NULL },                        /* NANP is 10 digits */
  { "+44 20 7946 0958", "CN", "+442079460958" },
  { "+852 2345 6789", "CN", "+85223456789" },
  { "+81 3-1234-5678", "CN", "+81312345678" },
  { "+1234567890123456", "CN", NULL },                     /* over 15 digits */
  { "+12", "CN", NULL },
  { "+0 123 456 789", "CN", NULL },
  /* other default regions */
  { "(415) 555-0100", "US", "+14155550100" },
  { "1-415-555-0100", "US", "+14155550100" },
  { "011 86 139 1234 5678", "US", "+8613912345678" },
  { "030 1234567", "DE", "+49301234567" },
  { "0171 1234567", "DE", "+491711234567" },
  { "020 7946 0958", "GB", "+442079460958" },
  { "03-1234-5678", "JP", "+81312345678" },
  { "02 1234 5678", "TW", "+886212345678" },
  { "06 1234 5678", "IT", "+390612345678" },               /* Italy keeps its 0 */
  { "2345 6789", "HK", "+85223456789" },
  { "12345678", "ZZ", NULL },                              /* unknown region, no code */
  { "+8613912345678", "ZZ", "+8613912345678" },
  /* not numbers */
  { "call me", "CN", NULL },
  { "139 1234 5678 or 139 1234 5679", "CN", NULL },
  { "", "CN", NULL },
  { "tel:+86-139-1234-5678;phone-context=x", "CN", "+8613912345678" },
  /* extensions are kept, in the RFC 3966 form */
  { "tel:+1-418-656-9254;ext=102", "CN", "+14186569254;ext=102" },
  { "+1 418 656 9254 ext. 102", "CN", "+14186569254;ext=102" },
  { "+1 418 656 9254 ext 102", "CN", "+14186569254;ext=102" },
  { "+1 418 656 9254 x7", "CN", "+14186569254;ext=7" },
  { "(418) 656-9254 x7", "US", "+14186569254;ext=7" },
  { "+1 418 656 9254x7", "CN", "+14186569254;ext=7" },
  { "0755-8888-6666 \xE8\xBD\xAC 8001", "CN", "+8675588886666;ext=8001" },  /* 转 */
  { "+49 69 7575-0 #12", "CN", "+496975750;ext=12" },
  { "fax 7", "CN", NULL },
};

/* Address books' exports (tests/data/cards-extra) with region CN: no number is lost; the card's
 * own hints choose the region; what nothing explains is kept as written and flagged. */
static void
test_phone_address_books (void)
{
  static const struct {
    const char *file;
    const char *phones[3];
    const char *unverified;
  } cases[] = {
    /* a +1 number on the card makes the bare 10-digit one American */
    { "android-2.1.vcf", { "+14186569254", "+14186569000;ext=102", NULL }, NULL },
    { "iphone-3.0.vcf", { "+442079460958", NULL }, NULL },            /* ADR United Kingdom */
    { "outlook-2.1.vcf", { "+14255550100;ext=7", NULL }, NULL },      /* ADR United States… */
    { "evolution-3.0.vcf", { "+49301234567", "+14186569254;ext=102", NULL }, NULL },  /* Germany */
    /* a French mobile with no hint at all: kept as written, for staff to check */
    { "gmail-3.0.vcf", { "06 12 34 56 78", NULL }, "06 12 34 56 78" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "cards-extra",
                                                   cases[i].file, NULL);
    g_autofree char *data = NULL;
    g_autoptr(FoyerContact) c = NULL;
    g_autoptr(JsonObject) json = NULL;
    gsize len;
    guint n = 0;

    g_test_message ("card %s", cases[i].file);
    g_assert_true (g_file_get_contents (path, &data, &len, NULL));
    c = parse_full (data, len, "CN", NULL);
    g_assert_cmpstr (c->format, ==, FOYER_FORMAT_VCARD);
    g_assert_nonnull (c->phones);
    for (; cases[i].phones[n] != NULL; n++)
      g_assert_cmpstr (c->phones[n], ==, cases[i].phones[n]);
    g_assert_null (c->phones[n]);
    json = foyer_contact_to_json (c);
    if (cases[i].unverified == NULL) {
      g_assert_null (c->phones_unverified);
      g_assert_false (json_object_has_member (json, "phones_unverified"));
    } else {
      assert_strv (c->phones_unverified, cases[i].unverified, NULL);
      g_assert_true (has_warning_containing (c, cases[i].unverified));
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json,
                       "phones_unverified"), 0), ==, cases[i].unverified);
    }
  }
}

static void
test_phone_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (phone_cases); i++) {
    g_autofree char *got = foyer_phone_normalize (phone_cases[i].input, phone_cases[i].region);

    g_test_message ("phone %s (%s)", phone_cases[i].input, phone_cases[i].region);
    g_assert_cmpstr (got, ==, phone_cases[i].expected);
  }
}

static const struct {
  const char *input;
  const char *expected;
} email_cases[] = {
  { "john.smith@example.com", "john.smith@example.com" },
  { "  John.Smith@Example.COM ", "John.Smith@example.com" },
  { "li.na+expo@EXAMPLE.com.cn", "li.na+expo@example.com.cn" },
  { "o'brien@example.ie", "o'brien@example.ie" },
  { "用户@例子.中国", "用户@例子.中国" },
  { "a@b.co", "a@b.co" },
  { "no-at-sign.example.com", NULL },
  { "two@@example.com", NULL },
  { "a@b@example.com", NULL },
  { "john smith@example.com", NULL },
  { "john@localhost", NULL },
  { "john@example.123", NULL },
  { ".john@example.com", NULL },
  { "john.@example.com", NULL },
  { "jo..hn@example.com", NULL },
  { "john@-example.com", NULL },
  { "john@example..com", NULL },
  { "john@exa_mple.com", NULL },
  { "@example.com", NULL },
  { "john@", NULL },
  { "", NULL },
};

static void
test_email_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (email_cases); i++) {
    g_autofree char *got = foyer_email_normalize (email_cases[i].input);

    g_test_message ("email %s", email_cases[i].input);
    g_assert_cmpstr (got, ==, email_cases[i].expected);
  }
}

static void
test_field_warnings (void)
{
  g_autoptr(FoyerContact) c = parse ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\n"
                                     "EMAIL:broken.example.com\r\nEMAIL:ok@example.com\r\n"
                                     "TEL:12345\r\nTEL:13912345678\r\n"
                                     "URL:not a url\r\nEND:VCARD\r\n");

  assert_strv (c->emails, "ok@example.com", NULL);
  assert_strv (c->phones, "+8613912345678", NULL);
  g_assert_null (c->urls);
  g_assert_true (has_warning_containing (c, "E-mail “broken.example.com”"));
  g_assert_true (has_warning_containing (c, "Phone “12345”"));
  g_assert_true (has_warning_containing (c, "“not a url”"));
  g_assert_cmpuint (g_strv_length (c->warnings), ==, 3);
}

static void
test_region_option (void)
{
  const char *card = "MECARD:N:Smith,John;TEL:(415) 555-0100;;";
  g_autoptr(FoyerContact) us = parse_full (card, strlen (card), "us", NULL);
  g_autoptr(JsonObject) json = foyer_contact_to_json (us);

  assert_strv (us->phones, "+14155550100", NULL);
  g_assert_cmpstr (us->default_region, ==, "US");
  g_assert_cmpstr (json_object_get_string_member (json, "default_region"), ==, "US");
}

static void
test_unknown_keeps_text (void)
{
  const char *text = "Visit hall 3 — 欢迎光临!\nSecond line";
  g_autoptr(FoyerContact) c = parse (text);
  g_autoptr(JsonObject) json = foyer_contact_to_json (c);

  g_assert_cmpstr (c->format, ==, FOYER_FORMAT_UNKNOWN);
  g_assert_cmpstr (c->text, ==, text);
  g_assert_cmpstr (c->encoding, ==, "UTF-8");
  g_assert_null (c->full_name);
  g_assert_null (c->warnings);
  g_assert_cmpuint (json_object_get_size (json), ==, 2);   /* format, default_region */
}

static void
test_contact_boxed (void)
{
  g_autoptr(FoyerContact) c = parse ("BEGIN:VCARD\nVERSION:3.0\nN:王;芳\nORG:A;B;C\n"
                                     "EMAIL:a@example.com\nTEL:13912345678\nURL:https://x.cn\n"
                                     "NOTE:n\nADR:;;s;c;;;\nEMAIL:bad\nEND:VCARD\n");
  g_autoptr(FoyerContact) copy = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonNode) na = NULL;
  g_autoptr(JsonNode) nb = NULL;
  GValue value = G_VALUE_INIT;

  g_assert_true (G_TYPE_IS_BOXED (FOYER_TYPE_CONTACT));
  g_value_init (&value, FOYER_TYPE_CONTACT);
  g_value_set_boxed (&value, c);
  copy = g_value_dup_boxed (&value);
  g_value_unset (&value);

  g_assert_true (copy != c);
  assert_strv (copy->org_units, "B", "C", NULL);
  g_assert_cmpstr (copy->text, ==, c->text);
  a = foyer_contact_to_json (c);
  b = foyer_contact_to_json (copy);
  na = json_node_init_object (json_node_alloc (), a);
  nb = json_node_init_object (json_node_alloc (), b);
  g_assert_true (json_node_equal (na, nb));
  g_assert_cmpstr (json_object_get_string_member (a, "address"), ==, "s, c");
  g_assert_false (json_object_has_member (a, "org_units"));
  g_assert_false (json_object_has_member (a, "text"));
  foyer_contact_free (NULL);
}

/* Inputs the fuzzers found (or that fuzz-like edge cases exercise): each must parse without
 * crashing, leaking or reading out of bounds. */
static const struct {
  const char *data;
  gsize       len;
} regression_inputs[] = {
  { "BEGIN:VCARD", 11 },
  /* only control bytes: nothing left to score (UBSan: offset on a NULL pointer) */
  { "\x01\x02\x7f", 3 },
  { "]Q1\\000026\x01", 11 },
  { "BEGIN:VCARD\n", 12 },
  { "BEGIN:VCARD\n ", 13 },
  { "BEGIN:VCARD\r\n\t", 14 },
  { "BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:=", 41 },
  { "BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:=\n=\n=", 45 },
  { "BEGIN:VCARD\nN;QUOTED-PRINTABLE:=4", 33 },
  { "BEGIN:VCARD\nNOTE;ENCODING=b:====", 32 },
  { "BEGIN:VCARD\nNOTE;ENCODING=b;CHARSET=X-NOPE:QUJD", 47 },
  { "BEGIN:VCARD\nN;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:=FF=FF=FF", 64 },
  { "BEGIN:VCARD\nTEL;\"\":x\nEND:VCARD", 30 },
  { "BEGIN:VCARD\n:\n;:\n.:\nEND", 23 },
  { "BEGIN:VCARD\nEND:VCARD\nEND:VCARD\nFN:x", 36 },
  { "MECARD:", 7 },
  { "MECARD:\\", 8 },
  { "MECARD:N:\\,;;", 13 },
  { "MECARD:N:,,,,;ADR:,,,;;", 23 },
  { "BIZCARD:\\;:;", 12 },
  { "MATMSG:TO:;;", 12 },
  { "mailto:", 7 },
  { "mailto:%", 8 },
  { "tel:", 4 },
  { "tel:%00", 7 },
  { "https://", 8 },
  { "http://[", 8 },
  { "\\000026", 7 },
  { "\\999999x", 8 },
  { "]Q", 2 },
  { "\xef\xbb\xbf", 3 },
  { "\xfe\xff\x00", 3 },
  { "\xff\xfe\x00\xd8", 4 },
  { "\\000025\x00\x41\xd8\x00", 11 },
  /* fuzz-payload: percent-decoding made a warning that was not UTF-8 */
  { "tel:+B;CHARSET=UTF%886IZCAR-D", 29 },
  { "mailto:%C3%28@example.com", 25 },
  /* fuzz-payload: glibc's UTF-8 decoder took \xf6\xab\xba\xb7 (beyond U+10FFFF) under ECI 26 */
  { "\\000026BEGIN:VCARD\x0d\x0aVERSION:4.0\x0d\x0aVERSION:2.1\x0d\x0aTEL;VA\x00\x00\x00\x00\x00\x00\x00\x00;CHA02-555-0121\x0d\xf6\xab\xba\xb7;VALUE:;;1 Main St;Springfield;;;USA\x0d\x0a", 118 },
  { "\\000026A\xed\xa0\x80" "B", 12 },
};

static void
assert_utf8_strv (char **v)
{
  for (guint i = 0; v != NULL && v[i] != NULL; i++)
    g_assert_true (g_utf8_validate (v[i], -1, NULL));
}

static void
assert_contact_utf8 (const FoyerContact *c)
{
  const char *fields[] = { c->format, c->full_name, c->family_name, c->given_name,
                           c->organization, c->title, c->address, c->note, c->badge_code,
                           c->text, c->encoding };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (fields[i] == NULL || g_utf8_validate (fields[i], -1, NULL));
  assert_utf8_strv (c->org_units);
  assert_utf8_strv (c->emails);
  assert_utf8_strv (c->phones);
  assert_utf8_strv (c->urls);
  assert_utf8_strv (c->warnings);
}

static void
test_regressions (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (regression_inputs); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(FoyerContact) c = NULL;
    g_autoptr(JsonObject) json = NULL;

    g_test_message ("regression input %u", i);
    c = foyer_payload_parse ((const guint8 *) regression_inputs[i].data,
                             regression_inputs[i].len, NULL, &error);
    if (c == NULL) {
      g_assert_nonnull (error);
      continue;
    }
    g_assert_no_error (error);
    g_assert_nonnull (c->format);
    assert_contact_utf8 (c);
    json = foyer_contact_to_json (c);
    g_assert_nonnull (json);
  }
}

static void
test_options_from_config (void)
{
  g_autoptr(FoyerConfig) defaults = foyer_config_new_default ();
  g_autoptr(FoyerConfig) event = NULL;
  g_autoptr(FoyerPayloadOptions) a = NULL;
  g_autoptr(FoyerPayloadOptions) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerContact) c = NULL;

  a = foyer_payload_options_new_from_config (defaults);
  g_assert_cmpstr (a->default_region, ==, "CN");
  g_assert_null (a->badge_pattern);
  g_assert_null (a->verify_key_path);

  event = foyer_config_load_from_data ("[kiosk]\ndefault-region=DE\n"
                                       "[badge]\npattern=^V[0-9]{3}$\n"
                                       "verify-key=/etc/foyer/badge-verify.pem\n",
                                       "event.conf", &error);
  g_assert_no_error (error);
  b = foyer_payload_options_new_from_config (event);
  g_assert_cmpstr (b->default_region, ==, "DE");
  g_assert_cmpstr (b->badge_pattern, ==, "^V[0-9]{3}$");
  g_assert_cmpstr (b->verify_key_path, ==, "/etc/foyer/badge-verify.pem");

  c = foyer_payload_parse ((const guint8 *) "MECARD:N:A,B;TEL:030 1234567;;", 30, b, &error);
  g_assert_no_error (error);
  assert_strv (c->phones, "+49301234567", NULL);
  g_assert_cmpstr (c->default_region, ==, "DE");
}

/* ---- foyerctl parse ---- */

static JsonObject *
parse_json_output (const char *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_foyerctl_parse (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("parse");
  g_autofree char *plain = foyer_test_write_file (dir, "plain.conf", "[kiosk]\nid=k1\n");
  g_autofree char *conf = foyer_test_write_file (dir, "event.conf",
                                                 "[kiosk]\ndefault-region=US\n"
                                                 "[badge]\npattern=^EX[0-9]+$\n");
  g_autofree char *bad = foyer_test_write_file (dir, "bad.conf", "[sync]\nbackend=ftp\n");
  const char *card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:王;芳\r\nTEL:0755-8888-6666\r\n"
                     "EMAIL:bad-address\r\nEND:VCARD\r\n";
  const char *us_phone = "MECARD:N:Smith,John;TEL:(415) 555-0100;;";
  g_autofree char *big = g_strnfill (FOYER_PAYLOAD_MAX_BYTES + 1, 'A');
  const char *argv_plain[] = { "--config", plain, "parse", NULL };
  const char *argv_us[] = { "--config", plain, "parse", "--default-region", "US", NULL };
  const char *argv_event[] = { "--config", conf, "parse", NULL };
  const char *argv_extra[] = { "--config", plain, "parse", "file.bin", NULL };
  const char *argv_bad[] = { "--config", bad, "parse", NULL };
  char *out = NULL;
  char *err = NULL;
  JsonObject *json;
  JsonArray *array;

  /* Parsed: exit 0, one JSON object with the corpus keys plus warnings. */
  g_assert_cmpint (foyer_test_run_foyerctl (argv_plain, card, strlen (card), &out, &err), ==, 0);
  json = parse_json_output (out);
  g_assert_cmpstr (json_object_get_string_member (json, "format"), ==, "vcard");
  g_assert_cmpstr (json_object_get_string_member (json, "full_name"), ==, "王芳");
  g_assert_cmpstr (json_object_get_string_member (json, "default_region"), ==, "CN");
  array = json_object_get_array_member (json, "phones");
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "+8675588886666");
  array = json_object_get_array_member (json, "warnings");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_nonnull (strstr (json_array_get_string_element (array, 0), "bad-address"));
  g_assert_false (json_object_has_member (json, "text"));
  json_object_unref (json);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* --default-region */
  g_assert_cmpint (foyer_test_run_foyerctl (argv_us, us_phone, strlen (us_phone), &out, NULL),
                   ==, 0);
  json = parse_json_output (out);
  array = json_object_get_array_member (json, "phones");
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "+14155550100");
  g_assert_cmpstr (json_object_get_string_member (json, "default_region"), ==, "US");
  json_object_unref (json);
  g_clear_pointer (&out, g_free);

  /* [kiosk] default-region and [badge] pattern from the configuration. */
  g_assert_cmpint (foyer_test_run_foyerctl (argv_event, us_phone, strlen (us_phone), &out, NULL),
                   ==, 0);
  json = parse_json_output (out);
  g_assert_cmpstr (json_object_get_string_member (json, "default_region"), ==, "US");
  json_object_unref (json);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (foyer_test_run_foyerctl (argv_event, "EX12345", 7, &out, NULL), ==, 0);
  json = parse_json_output (out);
  g_assert_cmpstr (json_object_get_string_member (json, "format"), ==, "badge");
  g_assert_cmpstr (json_object_get_string_member (json, "badge_code"), ==, "EX12345");
  json_object_unref (json);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (foyer_test_run_foyerctl (argv_event, "EXPO-2026", 9, &out, NULL), ==, 0);
  json = parse_json_output (out);
  g_assert_cmpstr (json_object_get_string_member (json, "format"), ==, "unknown");
  json_object_unref (json);
  g_clear_pointer (&out, g_free);

  /* Rejected: exit 65 with a message, nothing on stdout. */
  g_assert_cmpint (foyer_test_run_foyerctl (argv_plain, big, strlen (big), &out, &err), ==, 65);
  g_assert_true (out == NULL || *out == '\0');
  g_assert_nonnull (strstr (err, "4097 bytes"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (foyer_test_run_foyerctl (argv_plain, NULL, 0, &out, &err), ==, 65);
  g_assert_nonnull (strstr (err, "no readable text"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage and configuration errors. */
  g_assert_cmpint (foyer_test_run_foyerctl (argv_extra, "x", 1, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "stdin"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (foyer_test_run_foyerctl (argv_bad, "EXPO-2026", 9, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "backend"));
  g_clear_pointer (&err, g_free);
}

/* ---- the card corpus (tests/data/cards) ---- */

static void
test_corpus (void)
{
  g_autoptr(GPtrArray) payloads = foyer_test_corpus_files ("cards", ".payload");
  guint passed = 0;

  for (guint i = 0; i < payloads->len; i++) {
    const char *payload_path = g_ptr_array_index (payloads, i);
    g_autofree char *name = g_path_get_basename (payload_path);
    g_autofree char *stem = g_strndup (name, strlen (name) - strlen (".payload"));
    g_autofree char *dir_path = g_path_get_dirname (payload_path);
    g_autofree char *json_path = NULL;
    g_autofree char *payload = NULL;
    gsize payload_len = 0;
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(FoyerContact) contact = NULL;
    g_autoptr(JsonObject) actual = NULL;
    JsonObject *expected;
    FoyerPayloadOptions options = { NULL, NULL, NULL };
    g_autoptr(GList) members = NULL;

    json_path = g_strconcat (dir_path, G_DIR_SEPARATOR_S, stem, ".json", NULL);
    g_test_message ("card %s", stem);

    g_assert_true (g_file_get_contents (payload_path, &payload, &payload_len, NULL));
    json_parser_load_from_file (parser, json_path, &error);
    g_assert_no_error (error);
    expected = json_node_get_object (json_parser_get_root (parser));
    if (json_object_has_member (expected, "default_region"))
      options.default_region = json_object_get_string_member (expected, "default_region");

    contact = foyer_payload_parse ((const guint8 *) payload, payload_len, &options, &error);
    g_assert_no_error (error);
    actual = foyer_contact_to_json (contact);

    /* Every expected key has exactly the expected value … */
    members = json_object_get_members (expected);
    for (GList *l = members; l != NULL; l = l->next) {
      JsonNode *want = json_object_get_member (expected, l->data);
      JsonNode *got = json_object_get_member (actual, l->data);
      g_autofree char *want_s = json_to_string (want, FALSE);
      g_autofree char *got_s = got != NULL ? json_to_string (got, FALSE) : g_strdup ("(absent)");

      if (got == NULL || !json_node_equal (want, got))
        g_error ("%s: key %s: expected %s, got %s", stem, (char *) l->data, want_s, got_s);
    }
    g_clear_pointer (&members, g_list_free);

    /* … and nothing else is set but warnings. */
    members = json_object_get_members (actual);
    for (GList *l = members; l != NULL; l = l->next) {
      if (strcmp (l->data, "warnings") == 0)
        continue;
      if (!json_object_has_member (expected, l->data)) {
        g_autofree char *got_s = json_to_string (json_object_get_member (actual, l->data), FALSE);

        g_error ("%s: unexpected key %s = %s", stem, (char *) l->data, got_s);
      }
    }
    passed++;
  }
  g_test_message ("%u corpus cards passed", passed);
  g_assert_cmpuint (passed, >=, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/payload/decode/table", test_decode_table);
  g_test_add_func ("/payload/decode/samples", test_decode_samples);
  g_test_add_func ("/payload/decode/limits", test_decode_limits);
  g_test_add_func ("/payload/decode/uncertain", test_decode_uncertain_warns);
  g_test_add_func ("/payload/decode/gb18030-vcard", test_gb18030_vcard);
  g_test_add_func ("/payload/decode/big5-sjis-mecard", test_big5_and_sjis_mecard);
  g_test_add_func ("/payload/decode/vcard-charset-label", test_vcard_charset_label);
  g_test_add_func ("/payload/format/table", test_format_table);
  g_test_add_func ("/payload/format/vcard21", test_vcard21);
  g_test_add_func ("/payload/format/vcard30", test_vcard30);
  g_test_add_func ("/payload/format/vcard40", test_vcard40);
  g_test_add_func ("/payload/format/vcard-oddities", test_vcard_oddities);
  g_test_add_func ("/payload/format/mecard", test_mecard);
  g_test_add_func ("/payload/format/bizcard", test_bizcard);
  g_test_add_func ("/payload/format/links", test_links);
  g_test_add_func ("/payload/format/badge-pattern", test_badge_pattern);
  g_test_add_func ("/payload/format/unknown", test_unknown_keeps_text);
  g_test_add_func ("/payload/name-order", test_name_order);
  g_test_add_func ("/payload/phone/table", test_phone_table);
  g_test_add_func ("/payload/phone/address-books", test_phone_address_books);
  g_test_add_func ("/payload/phone/region-option", test_region_option);
  g_test_add_func ("/payload/email/table", test_email_table);
  g_test_add_func ("/payload/field-warnings", test_field_warnings);
  g_test_add_func ("/payload/contact-boxed", test_contact_boxed);
  g_test_add_func ("/payload/regressions", test_regressions);
  g_test_add_func ("/payload/corpus", test_corpus);
  g_test_add_func ("/payload/foyerctl-parse", test_foyerctl_parse);
  g_test_add_func ("/payload/options-from-config", test_options_from_config);

  return g_test_run ();
}
