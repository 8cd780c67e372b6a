/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-text-decode.c: the raw bytes of a scanned symbol → UTF-8 text.
 *
 * QR codes rarely say which charset they use. zbar's own guess turns GB18030 business cards and
 * UTF-8 accents into Big5 mojibake, so the decoder hands over raw bytes and this file decides:
 * ECI designator → BOM → strict UTF-8 → GB18030 → Big5 → Shift_JIS (CP932), the legacy
 * candidates scored by how plausible their characters are as real CJK text.
 */
#define G_LOG_DOMAIN "foyer-payload"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdlib.h>
#include <string.h>

#include "foyer-payload-private.h"

/* Legacy candidates, in the order that breaks ties: most of Foyer's users are mainland Chinese. */
static const struct {
  const char *iconv_name;
  const char *name;
} candidates[] = {
  { "GB18030", "GB18030" },
  { "BIG5", "Big5" },
  { "CP932", "Shift_JIS" },
};
enum { CANDIDATE_GB18030, CANDIDATE_BIG5, CANDIDATE_SJIS };

/* Minimum average score per non-ASCII character for a legacy candidate to count as text. */
#define PLAUSIBLE_SCORE 2.0
/* Scoring looks at this many non-ASCII characters at most (enough to decide, bounded cost). */
#define MAX_SCORED_CHARS 160
/* GB18030 against Big5: a simplified character (GB2312 level 1, absent from Big5) cannot earn
 * the Big5 point that a shared or traditional character earns, so 陈龙 (5.0 as GB18030) lost to
 * its Big5 reading 麻韓 (6.5). In that comparison each simplified character counts this much
 * more, and Big5 must win by more than BIG5_MARGIN: most of Foyer's users are mainland Chinese,
 * and on the samples real Big5 text beats its GB18030 reading by 1.0 or more. */
#define SIMPLIFIED_BONUS 2.0
#define BIG5_MARGIN 0.5

/* The most frequent characters of Chinese given names, surnames and company names (simplified
 * and traditional forms). Short strings such as a two-character name decode cleanly in several
 * charsets; these tip the balance towards the reading a person would recognize. */
static const char frequent_hanzi[] =
  "王李张张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏"
  "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
  "万钱严覃武戴莫孔向汤張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸賈韋鄒龍賀顧龔萬錢嚴湯"
  "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美玲桂兰霞平刚红燕梅鹏辉建国志文斌宇浩凯健俊"
  "偉麗強軍傑濤華蘭鵬輝建國誌"
  "公司有限集团股份科技中国上海北京广州深圳香港台湾会展服务国际贸易电子工业发展中心市场部经理"
  "總經理銷售業務銷貿易電子工業發展協會展覽採購總監主任工程師設計"
  "总监销售业务协会展览采购主任工程师设计技术研究院大学学校医院银行酒店网络信息管理咨询"
  "的一是在不了人我有他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
  "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心"
  "她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间"
  "由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给"
  "世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变"
  "四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社"
  "便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北"
  "边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
  "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团"
  "集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
  "東書會無對說時過發後裡現當動麵還進樣與長機業間問頭體鬧產話開歲聽這個們來為於國際";

typedef struct {
  GIConv to_gb2312;
  GIConv to_big5;
  GIConv to_sjis;
} Scorer;

static void
scorer_free (gpointer data)
{
  Scorer *s = data;

  if (s->to_gb2312 != (GIConv) -1)
    g_iconv_close (s->to_gb2312);
  if (s->to_big5 != (GIConv) -1)
    g_iconv_close (s->to_big5);
  if (s->to_sjis != (GIConv) -1)
    g_iconv_close (s->to_sjis);
  g_free (s);
}

/* Opening converters costs more than scoring a card, so each thread keeps its own set. */
static Scorer *
scorer_get (void)
{
  static GPrivate scorer_key = G_PRIVATE_INIT (scorer_free);
  Scorer *s = g_private_get (&scorer_key);

  if (s == NULL) {
    s = g_new0 (Scorer, 1);
    s->to_gb2312 = g_iconv_open ("GB2312", "UTF-8");
    s->to_big5 = g_iconv_open ("BIG5", "UTF-8");
    s->to_sjis = g_iconv_open ("SHIFT_JIS", "UTF-8");
    g_private_set (&scorer_key, s);
  }
  return s;
}

/* Encodes one character with cd; returns the two-byte code or 0 when it has none. */
static guint
encode_char (GIConv      cd,
             const char *utf8,
             gsize       utf8_len)
{
  char in_buf[8];
  char out_buf[8];
  char *in = in_buf;
  char *out = out_buf;
  gsize in_left = utf8_len;
  gsize out_left = sizeof out_buf;

  if (cd == (GIConv) -1 || utf8_len > sizeof in_buf)
    return 0;
  memcpy (in_buf, utf8, utf8_len);
  g_iconv (cd, NULL, NULL, NULL, NULL);
  if (g_iconv (cd, &in, &in_left, &out, &out_left) == (gsize) -1 || in_left != 0)
    return 0;
  if (sizeof out_buf - out_left != 2)
    return 0;
  return ((guint) (guchar) out_buf[0] << 8) | (guchar) out_buf[1];
}

static int
compare_unichar (gconstpointer a,
                 gconstpointer b)
{
  gunichar x = *(const gunichar *) a;
  gunichar y = *(const gunichar *) b;

  return x < y ? -1 : x > y;
}

static gboolean
is_frequent_hanzi (gunichar c)
{
  static gunichar *sorted;
  static glong n_sorted;

  if (g_once_init_enter (&sorted)) {
    gunichar *chars = g_utf8_to_ucs4_fast (frequent_hanzi, -1, &n_sorted);

    qsort (chars, n_sorted, sizeof *chars, compare_unichar);
    g_once_init_leave (&sorted, chars);
  }
  return bsearch (&c, sorted, n_sorted, sizeof c, compare_unichar) != NULL;
}

static int
score_char (Scorer     *s,
            gunichar    c,
            const char *utf8,
            gsize       utf8_len,
            gboolean   *simplified)
{
  int score = 0;
  guint code;

  if (c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000 || (c >= 0x80 && c < 0xA0))
    return -8;
  if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FC))
    return 3;                       /* kana: Japanese text is full of them */
  if (c >= 0x4E00 && c <= 0x9FFF) {
    /* Frequent sets of the three national standards: GB2312 level 1, Big5 "frequently used"
     * and JIS X 0208 level 1. A real character tends to be in several; mojibake in at most one. */
    code = encode_char (s->to_gb2312, utf8, utf8_len);
    gboolean gb_level1 = code >= 0xB0A1 && code <= 0xD7FE;

    if (gb_level1)
      score += 2;
    code = encode_char (s->to_big5, utf8, utf8_len);
    if (code >= 0xA440 && code <= 0xC67E)
      score += 2;
    else if (code == 0 && gb_level1)
      *simplified = TRUE;
    code = encode_char (s->to_sjis, utf8, utf8_len);
    if (code >= 0x889F && code <= 0x9872)
      score += 2;
    if (is_frequent_hanzi (c))
      score += 3;
    return score;
  }
  if ((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF5E))
    return 1;                       /* CJK punctuation, full-width forms */
  if (c >= 0xAC00 && c <= 0xD7A3)
    return 1;
  if ((c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
      (c >= 0x2E80 && c <= 0x2FDF) || c >= 0x20000)
    return -4;                      /* rare ideographs, radicals, compatibility forms */
  if (c >= 0xA0 && c <= 0xFF)
    return -1;
  return -2;                        /* Greek, Cyrillic, box drawing, symbols from the same tables */
}

/* Half-width katakana (U+FF61–U+FF9F) are single bytes in Shift_JIS, and any even run of the
 * bytes A1–DF is also valid GB18030 (and often Big5): "ﾃﾞｻﾞｲﾝQR" reads as "棉晦草QR", made of
 * ordinary hanzi. What tells them apart is the structure of the kana: the voiced marks ﾞ/ﾟ
 * only follow the kana that take them, ｬｭｮ only follow an i-row kana, ｰ and ｯ only follow a
 * kana, nothing of that kind starts a word. Real Japanese meets those rules and uses the marks
 * often; the kana that Chinese bytes turn into break them or carry no marks. */
static gboolean
is_hw_kana_letter (gunichar c)
{
  return c >= 0xFF66 && c <= 0xFF9D;
}

static gboolean
takes_voiced_mark (gunichar c)
{
  return c == 0xFF73 || (c >= 0xFF76 && c <= 0xFF84) || (c >= 0xFF8A && c <= 0xFF8E);
}

static gboolean
is_i_row (gunichar c)
{
  return c == 0xFF77 || c == 0xFF7C || c == 0xFF81 || c == 0xFF86 || c == 0xFF8B ||
         c == 0xFF90 || c == 0xFF98;
}

/* The kana a small vowel follows in loanwords: ﾌｧ ﾂｧ ｳﾞｧ, ﾃｨ ﾃﾞｨ ｳｨ ﾌｨ ﾂｨ, ｳｩ ﾄｩ ﾄﾞｩ,
 * ｼｪ ｼﾞｪ ﾁｪ ｲｪ ｳｪ ﾌｪ ﾂｪ, ｳｫ ﾌｫ ﾂｫ (and the same after ｳﾞ). */
static gboolean
takes_small_vowel (gunichar c,
                   gunichar prev,
                   gunichar prev2)
{
  static const char *const bases[] = {
    "ﾌﾂ",                           /* ｧ */
    "ﾃｳﾌﾂ",                         /* ｨ */
    "ｳﾄﾌﾂ",                         /* ｩ */
    "ｼﾁｲｳﾌﾂ",                       /* ｪ */
    "ｳﾌﾂ",                          /* ｫ */
  };
  const char *set = bases[c - 0xFF67];
  gunichar base = prev;

  if (prev == 0xFF9E) {
    /* ｳﾞ takes every small vowel; ﾃﾞｨ, ﾄﾞｩ, ｼﾞｪ as their plain forms */
    if (prev2 == 0xFF73)
      return TRUE;
    if (prev2 != 0xFF83 && prev2 != 0xFF84 && prev2 != 0xFF7C)
      return FALSE;
    base = prev2;
  }
  for (const char *p = set; *p != '\0'; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) == base)
      return TRUE;
  return FALSE;
}

typedef enum {
  HW_LETTER,      /* ｱ … ﾝ where a letter may stand */
  HW_MARK,        /* ﾞ ﾟ ｰ ｯ ｬ ｭ ｮ ｧ … ｫ where the rules allow them */
  HW_PUNCT,       /* ｡｢｣､･ */
  HW_BAD,         /* a mark or small kana where Japanese never puts one */
} HwKind;

/* Classifies one half-width katakana c given the character before it (0 or any other
 * character at a run's start) and the one before that. */
static HwKind
classify_hw_kana (gunichar c,
                  gunichar prev,
                  gunichar prev2)
{
  gboolean after_kana = is_hw_kana_letter (prev) || prev == 0xFF9E || prev == 0xFF9F;

  /* after a small ｯ comes a consonant (not a vowel, a nasal, ﾝ, a mark or a small kana) */
  if (prev == 0xFF6F && !(c >= 0xFF76 && c <= 0xFF9C && !(c >= 0xFF85 && c <= 0xFF89)))
    return HW_BAD;
  if (c >= 0xFF61 && c <= 0xFF65)
    return HW_PUNCT;
  if (c == 0xFF9E)                  /* ﾞ */
    return takes_voiced_mark (prev) ? HW_MARK : HW_BAD;
  if (c == 0xFF9F)                  /* ﾟ */
    return prev >= 0xFF8A && prev <= 0xFF8E ? HW_MARK : HW_BAD;
  if (c >= 0xFF6C && c <= 0xFF6E)   /* ｬｭｮ */
    return is_i_row (prev) || ((prev == 0xFF9E || prev == 0xFF9F) && is_i_row (prev2)) ? HW_MARK
                                                                                    : HW_BAD;
  if (c >= 0xFF67 && c <= 0xFF6B)   /* ｧｨｩｪｫ: loanwords (ﾌｧ, ﾃｨ, ｳｪ, ｼｪ…) */
    return takes_small_vowel (c, prev, prev2) ? HW_MARK : HW_BAD;
  if (c == 0xFF6F)                  /* ｯ */
    return after_kana && prev != 0xFF9D ? HW_MARK : HW_BAD;
  if (c == 0xFF70)                  /* ｰ */
    return after_kana ? HW_MARK : HW_BAD;
  if (c == 0xFF9D || c == 0xFF66)   /* ﾝ, ｦ never start a word */
    return after_kana ? HW_LETTER : HW_BAD;
  return HW_LETTER;
}

/* Per-character scores of half-width katakana (one byte each, so they count as half a
 * character in the average). A letter alone proves little: Chinese bytes become runs of plain
 * kana as easily. One mark in the right place is weak evidence (罗 is ﾂﾞ in Shift_JIS); two or
 * more, with nothing out of place, almost never come from Chinese text. */
#define HW_LETTER_SCORE 1
#define HW_PUNCT_SCORE (-1)
#define HW_BAD_SCORE (-8)
#define HW_ONE_MARK_SCORE 4
#define HW_MARKS_SCORE 8

/* Average plausibility of the non-ASCII characters of text (a half-width katakana, one byte,
 * counts as half a character); simplified_out (may be NULL) gets the average bonus of its
 * simplified characters (SIMPLIFIED_BONUS each). */
static double
score_text (Scorer     *s,
            const char *text,
            double     *simplified_out)
{
  int n_simplified = 0;
  int total = 0;
  int halves = 0;
  guint n_marks = 0, n_bad = 0;
  gunichar prev = 0, prev2 = 0;

  for (const char *p = text; *p != '\0' && halves < 2 * MAX_SCORED_CHARS; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    const char *next = g_utf8_next_char (p);

    if (c >= 0xFF61 && c <= 0xFF9F) {
      switch (classify_hw_kana (c, prev, prev2)) {
      case HW_LETTER: total += HW_LETTER_SCORE; break;
      case HW_PUNCT: total += HW_PUNCT_SCORE; break;
      case HW_MARK: n_marks++; break;
      case HW_BAD: n_bad++; break;
      }
      halves += 1;
    } else {
      if (prev == 0xFF6F)
        n_bad++;                    /* a word does not end in ｯ */
      if (c >= 0x80) {
        gboolean simplified = FALSE;

        total += score_char (s, c, p, next - p, &simplified);
        n_simplified += simplified;
        halves += 2;
      }
    }
    prev2 = prev;
    prev = c;
  }
  if (prev == 0xFF6F)
    n_bad++;
  total += n_bad * HW_BAD_SCORE;
  total += n_marks * (n_marks >= 2 && n_bad == 0 ? HW_MARKS_SCORE : HW_ONE_MARK_SCORE);
  if (simplified_out != NULL)
    *simplified_out = halves > 0 ? 2.0 * SIMPLIFIED_BONUS * n_simplified / halves : 0.0;
  return halves > 0 ? 2.0 * total / halves : 0.0;
}

/* Strict UTF-8 is tried first, but short GB18030 text is often valid UTF-8 as well: the two
 * bytes of a GB2312 hanzi (lead B0–F7, trail A1–FE) with a lead in C2–DF form a two-byte UTF-8
 * sequence, so 卢平 (C2AC C6BD) is also "¬ƽ" and 印刷 is "ӡˢ". Such readings are made of
 * isolated Latin-1 symbols, rare Latin-Extended, IPA, Cyrillic-Extended, Hebrew or Arabic
 * letters in mixed scripts. Real UTF-8 text puts its two-byte letters in words: "Müller",
 * "Siobhán", "Иван", "Ελένη". So each non-ASCII character of a UTF-8 reading below U+0800
 * counts as good when it is a letter of a living alphabet next to another letter of the same
 * script, as bad otherwise; common symbols (© ° · « » £ …) next to ASCII count as neither, and
 * any character from U+0800 up (CJK, kana, Hangul, emoji…) is good: GB18030 bytes seldom form
 * three- or four-byte sequences. */
typedef enum {
  U8_NONE,
  U8_LATIN,
  U8_GREEK,
  U8_CYRILLIC,
  U8_ARMENIAN,
  U8_HEBREW,
  U8_ARABIC,
} U8Script;

/* The script of a letter that real words use, or U8_NONE for symbols, modifiers and letters of
 * the extended blocks (Abkhaz, IPA, African Latin…) that mojibake is made of. */
static U8Script
u8_common_letter (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalpha (c) ? U8_LATIN : U8_NONE;
  if (c >= 0xC0 && c <= 0x24F) {
    if (c == 0xD7 || c == 0xF7)
      return U8_NONE;
    if (c <= 0x17F)
      return U8_LATIN;        /* Latin-1 letters and Latin Extended-A: all European alphabets */
    /* Latin Extended-B: Vietnamese ơ ư, pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ, Romanian ș ț, Croatian digraphs */
    if (c == 0x1A0 || c == 0x1A1 || c == 0x1AF || c == 0x1B0 || (c >= 0x1C4 && c <= 0x1DC) ||
        (c >= 0x218 && c <= 0x21B))
      return U8_LATIN;
    return U8_NONE;
  }
  if ((c >= 0x386 && c <= 0x3CE) && c != 0x387 && c != 0x38B && c != 0x38D)
    return U8_GREEK;
  if ((c >= 0x400 && c <= 0x45F) || c == 0x490 || c == 0x491)
    return U8_CYRILLIC;       /* Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian */
  if ((c >= 0x531 && c <= 0x556) || (c >= 0x561 && c <= 0x587))
    return U8_ARMENIAN;
  if (c >= 0x5D0 && c <= 0x5EA)
    return U8_HEBREW;
  if ((c >= 0x621 && c <= 0x64A) || c == 0x67E || c == 0x686 || c == 0x698 || c == 0x6A9 ||
      c == 0x6AF || c == 0x6CC)
    return U8_ARABIC;         /* Arabic and the Persian/Urdu letters */
  return U8_NONE;
}

/* Latin-1 symbols that real text uses between words and numbers (© 2024, 25 °C, A · B, « … »). */
static gboolean
u8_common_symbol (gunichar c)
{
  return c == 0xA0 || c == 0xA3 || c == 0xA5 || c == 0xA7 || c == 0xA9 || c == 0xAB ||
         c == 0xAE || c == 0xB0 || c == 0xB1 || c == 0xB2 || c == 0xB3 || c == 0xB5 ||
         c == 0xB7 || c == 0xBA || c == 0xAA || c == 0xBB || c == 0xBF || c == 0xA1 ||
         c == 0xD7 || c == 0xBD;
}

/* Whether valid UTF-8 text reads as text: no more bad than good non-ASCII characters (above),
 * or a single bad one. */
static gboolean
utf8_is_plausible (const char *text,
                   gsize       len,
                   int        *good_out,
                   int        *bad_out)
{
  const char *end = text + len;
  gunichar prev = 0;          /* the last character that is not a combining mark */
  gboolean prev_in_word = FALSE;
  int good = 0, bad = 0;

  for (const char *p = text; p < end && good + bad < MAX_SCORED_CHARS; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    const char *q = g_utf8_next_char (p);
    gunichar next = 0;
    gboolean in_word = c < 0x80 && g_ascii_isalpha (c);

    /* the next character that is not a combining mark */
    while (q < end && (next = g_utf8_get_char (q)) < 0x800 && g_unichar_ismark (next))
      q = g_utf8_next_char (q);
    if (q >= end)
      next = 0;

    if (c >= 0x80 && c < 0x800 && g_unichar_ismark (c)) {
      /* é written e + U+0301, vowelled Hebrew and Arabic: a mark on a letter of a word is
       * neither good nor bad; a mark on anything else (太 is CC AB, the UTF-8 of U+032B) is bad */
      if (!prev_in_word)
        bad++;
      continue;
    }
    if (c >= 0x80 && c < 0x800) {
      U8Script script = u8_common_letter (c);

      if (script != U8_NONE && (u8_common_letter (prev) == script ||
                                u8_common_letter (next) == script)) {
        good++;
        in_word = TRUE;
      } else if (u8_common_symbol (c) && (prev < 0x80 || next < 0x80)) {
        /* neither */
      } else {
        bad++;
      }
    } else if (c >= 0x800) {
      if (c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000)
        bad++;
      else
        good += 4;
    }
    prev = c;
    prev_in_word = in_word;
  }
  if (good_out != NULL)
    *good_out = good;
  if (bad_out != NULL)
    *bad_out = bad;
  /* One lone character (é, or 茅 in GB18030) is too little to overrule UTF-8. */
  return bad <= good || bad < 2;
}

static char *
convert_strict (const guint8 *data,
                gsize         len,
                const char   *from)
{
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  char *out;

  if (len == 0)
    return g_strdup ("");
  /* glibc's UTF-8 decoder lets surrogates and other values through that GLib's stricter
   * validation (and every consumer of the text) rejects. */
  if (g_ascii_strcasecmp (from, "UTF-8") == 0)
    return g_utf8_validate ((const char *) data, len, NULL) ? g_strndup ((const char *) data, len)
                                                            : NULL;
  out = g_convert ((const char *) data, len, "UTF-8", from, NULL, &written, &error);
  if (out == NULL)
    return NULL;
  /* A charset that maps a byte to U+0000 would truncate the text. */
  if (strlen (out) != written || !g_utf8_validate (out, written, NULL)) {
    g_free (out);
    return NULL;
  }
  return out;
}

/* Maps a CHARSET= or ECI name to the iconv name Foyer decodes it with (supersets where the
 * label is commonly used loosely). */
static const char *
iconv_name_for (const char *charset,
                const char **display)
{
  static const struct {
    const char *label;
    const char *iconv_name;
    const char *display;
  } map[] = {
    { "UTF-8", "UTF-8", "UTF-8" },
    { "UTF8", "UTF-8", "UTF-8" },
    { "GB18030", "GB18030", "GB18030" },
    { "GB2312", "GB18030", "GB18030" },
    { "GBK", "GB18030", "GB18030" },
    { "CP936", "GB18030", "GB18030" },
    { "EUC-CN", "GB18030", "GB18030" },
    { "BIG5", "BIG5", "Big5" },
    { "BIG-5", "BIG5", "Big5" },
    { "BIG5-HKSCS", "BIG5-HKSCS", "Big5-HKSCS" },
    { "SHIFT_JIS", "CP932", "Shift_JIS" },
    { "SHIFT-JIS", "CP932", "Shift_JIS" },
    { "SJIS", "CP932", "Shift_JIS" },
    { "CP932", "CP932", "Shift_JIS" },
    { "WINDOWS-31J", "CP932", "Shift_JIS" },
    { "EUC-JP", "EUC-JP", "EUC-JP" },
    { "EUC-KR", "EUC-KR", "EUC-KR" },
    { "UTF-16BE", "UTF-16BE", "UTF-16BE" },
    { "UTF-16LE", "UTF-16LE", "UTF-16LE" },
    { "ISO-8859-1", "ISO-8859-1", "ISO-8859-1" },
    { "LATIN1", "ISO-8859-1", "ISO-8859-1" },
    { "US-ASCII", "UTF-8", "UTF-8" },
    { "ASCII", "UTF-8", "UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++) {
    if (g_ascii_strcasecmp (charset, map[i].label) == 0) {
      *display = map[i].display;
      return map[i].iconv_name;
    }
  }
  *display = charset;
  return charset;
}

/* ECI assignments (AIM ITS/04-001) that a QR code may carry. */
static const char *
charset_for_eci (guint eci)
{
  static const char *const iso8859[] = {
    "ISO-8859-1", "ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6",
    "ISO-8859-7", "ISO-8859-8", "ISO-8859-9", "ISO-8859-10", "ISO-8859-11", NULL,
    "ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "ISO-8859-16",
  };

  switch (eci) {
  case 0: case 2: return "CP437";
  case 1: return "ISO-8859-1";
  case 20: return "SHIFT_JIS";
  case 21: return "WINDOWS-1250";
  case 22: return "WINDOWS-1251";
  case 23: return "WINDOWS-1252";
  case 24: return "WINDOWS-1256";
  case 25: return "UTF-16BE";
  case 26: return "UTF-8";
  case 27: return "ASCII";
  case 28: return "BIG5";
  case 29: return "GB18030";
  case 30: return "EUC-KR";
  default:
    if (eci >= 3 && eci <= 18)
      return iso8859[eci - 3];
    return NULL;
  }
}

static gboolean
is_structural_or_printable_byte (guint8 b)
{
  return b >= 0x20 ? b != 0x7F : (b == '\t' || b == '\n' || b == '\r');
}

/* Drops C0 controls (but TAB, CR, LF), DEL, C1 controls and stray BOMs from UTF-8 text. */
static char *
strip_controls (const char *text,
                gboolean   *stripped)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c < 0xA0) ||
        c == 0xFEFF) {
      *stripped = TRUE;
      continue;
    }
    g_string_append_len (out, p, g_utf8_next_char (p) - p);
  }
  return g_string_free (out, FALSE);
}

/* vCard line folding may split a multi-byte character between two lines (RFC 6350 folds at
 * octets), so folds are undone on the bytes before any charset is tried. vCard 3.0/4.0 drop the
 * line break and one white space character; 2.1 keeps the white space. */
static GByteArray *
unfold_vcard_bytes (const guint8 *data,
                    gsize         len)
{
  static const char begin[] = "BEGIN:VCARD";
  gsize skip = 0;
  gboolean v21;
  GByteArray *out;

  while (skip < len && (data[skip] == ' ' || data[skip] == '\t' || data[skip] == '\r' ||
                        data[skip] == '\n'))
    skip++;
  if (len - skip < strlen (begin) ||
      g_ascii_strncasecmp ((const char *) data + skip, begin, strlen (begin)) != 0)
    return NULL;

  v21 = g_strstr_len ((const char *) data, len, "VERSION:2.1") != NULL;
  out = g_byte_array_sized_new (len);
  for (gsize i = 0; i < len; i++) {
    gsize brk = 0;

    if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
      brk = 2;
    else if (data[i] == '\n')
      brk = 1;
    if (brk > 0 && i + brk < len && (data[i + brk] == ' ' || data[i + brk] == '\t')) {
      i += brk - 1;          /* skip the line break */
      if (!v21)
        i++;                 /* and the folding white space */
      continue;
    }
    g_byte_array_append (out, data + i, 1);
  }
  return out;
}

static gboolean
is_single_byte_label (const char *label)
{
  static const char *const prefixes[] = {
    "ISO-8859", "ISO8859", "ISO_8859", "LATIN", "WINDOWS-125", "CP125", "CP437", "KOI8",
  };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_ascii_strncasecmp (label, prefixes[i], strlen (prefixes[i])) == 0)
      return TRUE;
  return FALSE;
}

/* A vCard 2.1 that says CHARSET=BIG5 on its 8-bit lines: the label beats the guess when the
 * whole payload decodes cleanly with it and reads as text. Returns the first non-UTF-8 label. */
static char *
vcard_charset_hint (const guint8 *data,
                    gsize         len)
{
  static const char key[] = "CHARSET=";
  gsize n = strlen (key);

  for (gsize i = 0; i + n < len; i++) {
    gsize end;

    if (g_ascii_strncasecmp ((const char *) data + i, key, n) != 0)
      continue;
    end = i + n;
    if (end < len && data[end] == '"')
      end++;
    while (end < len && (g_ascii_isalnum (data[end]) || data[end] == '-' || data[end] == '_'))
      end++;
    if (end > i + n) {
      g_autofree char *label = g_strndup ((const char *) data + i + n, end - i - n);

      g_strdelimit (label, "\"", ' ');
      g_strstrip (label);
      if (*label != '\0' && g_ascii_strcasecmp (label, "UTF-8") != 0 &&
          g_ascii_strcasecmp (label, "UTF8") != 0 && g_ascii_strcasecmp (label, "US-ASCII") != 0)
        return g_steal_pointer (&label);
    }
    i = end;
  }
  return NULL;
}

/* The candidate ladder on bytes that carry no reliable charset label. */
static char *
decode_by_candidates (const guint8    *data,
                      gsize            len,
                      const char     **encoding,
                      FoyerTextFlags  *flags)
{
  Scorer *scorer;
  char *texts[G_N_ELEMENTS (candidates)] = { NULL, };
  double scores[G_N_ELEMENTS (candidates)];
  double gb_simplified = 0.0;
  char *chosen = NULL;
  int best = -1;
  gboolean utf8_valid = len == 0 || g_utf8_validate ((const char *) data, len, NULL);
  int good = 0, bad = 0;

  if (len == 0) {
    *encoding = "UTF-8";
    return g_strdup ("");
  }
  if (utf8_valid && utf8_is_plausible ((const char *) data, len, &good, &bad)) {
    *encoding = "UTF-8";
    return g_strndup ((const char *) data, len);
  }
  if (utf8_valid)
    g_debug ("charset candidate UTF-8 scores %d good %d bad", good, bad);

  scorer = scorer_get ();
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++) {
    texts[i] = convert_strict (data, len, candidates[i].iconv_name);
    if (texts[i] == NULL)
      continue;
    scores[i] = score_text (scorer, texts[i], i == CANDIDATE_GB18030 ? &gb_simplified : NULL);
    if (i == CANDIDATE_GB18030 && gb_simplified > 0.0)
      g_debug ("charset candidate %s scores %.2f (+%.2f against Big5)", candidates[i].name,
               scores[i], gb_simplified);
    else
      g_debug ("charset candidate %s scores %.2f", candidates[i].name, scores[i]);
    if (best < 0 || scores[i] > scores[best])
      best = i;             /* ties go to the earlier candidate */
  }
  if (best == CANDIDATE_BIG5 && texts[CANDIDATE_GB18030] != NULL &&
      scores[CANDIDATE_GB18030] + gb_simplified + BIG5_MARGIN >= scores[CANDIDATE_BIG5] &&
      (texts[CANDIDATE_SJIS] == NULL || scores[CANDIDATE_GB18030] >= scores[CANDIDATE_SJIS]))
    best = CANDIDATE_GB18030;

  if (best >= 0 && scores[best] >= PLAUSIBLE_SCORE) {
    *encoding = candidates[best].name;
    chosen = g_steal_pointer (&texts[best]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    g_free (texts[i]);
  if (chosen != NULL)
    return chosen;

  /* Valid UTF-8 that no legacy charset reads better stays UTF-8, odd as it looks. */
  if (utf8_valid) {
    *encoding = "UTF-8";
    return g_strndup ((const char *) data, len);
  }

  /* Nothing reads as text: keep what UTF-8 can give and say so. */
  *encoding = "UTF-8";
  *flags |= FOYER_TEXT_FLAG_UNCERTAIN;
  return g_utf8_make_valid ((const char *) data, len);
}

char *
_foyer_text_decode_bytes (const guint8    *data,
                          gsize            len,
                          const char      *charset,
                          char           **encoding,
                          FoyerTextFlags  *flags)
{
  const char *name = NULL;
  char *text = NULL;
  g_autofree char *raw = NULL;
  gboolean stripped = FALSE;
  FoyerTextFlags local_flags = FOYER_TEXT_FLAG_NONE;

  if (charset != NULL && *charset != '\0') {
    const char *display;
    const char *iconv_name = iconv_name_for (charset, &display);

    raw = convert_strict (data, len, iconv_name);
    if (raw != NULL)
      name = display;
    else
      g_debug ("value is not valid %s; guessing its charset", charset);
  }
  if (raw == NULL)
    raw = decode_by_candidates (data, len, &name, &local_flags);

  text = strip_controls (raw, &stripped);
  if (stripped)
    local_flags |= FOYER_TEXT_FLAG_STRIPPED;
  if (encoding != NULL)
    *encoding = g_strdup (name);
  if (flags != NULL)
    *flags |= local_flags;
  return text;
}

/* Scanners in "transmit ECI" mode (AIM ECI protocol) prefix the data with an optional AIM
 * symbology identifier (]Q1) and \NNNNNN designators, and double every backslash of the data. */
static gsize
strip_scanner_prefix (const guint8  *data,
                      gsize          len,
                      int           *eci)
{
  gsize pos = 0;

  *eci = -1;
  if (len >= 3 && data[0] == ']' && data[1] == 'Q' && data[2] >= '0' && data[2] <= '6')
    pos = 3;
  while (len - pos >= 7 && data[pos] == '\\') {
    guint value = 0;
    gsize i;

    for (i = 1; i <= 6; i++) {
      if (!g_ascii_isdigit (data[pos + i]))
        break;
      value = value * 10 + (data[pos + i] - '0');
    }
    if (i <= 6)
      break;
    *eci = (int) value;
    pos += 7;
  }
  return pos;
}

/* Under the AIM ECI protocol a data backslash is sent twice; undo that only when every
 * backslash really is doubled, so scanners that do not follow the protocol keep their data. */
static GByteArray *
undouble_backslashes (const guint8 *data,
                      gsize         len)
{
  GByteArray *out;

  for (gsize i = 0; i < len; i++) {
    if (data[i] != '\\')
      continue;
    if (i + 1 >= len || data[i + 1] != '\\')
      return NULL;
    i++;
  }
  out = g_byte_array_sized_new (len);
  for (gsize i = 0; i < len; i++) {
    g_byte_array_append (out, data + i, 1);
    if (data[i] == '\\')
      i++;
  }
  return out;
}

/* What foyer_payload_decode_text() knows about the bytes as it goes: where they now are (each
 * step may leave a cleaned copy), the charset they are labelled with and what was done. */
typedef struct {
  const guint8   *data;
  gsize           len;
  GByteArray     *undoubled;   /* owned copies that data may point into */
  GByteArray     *clean;
  GByteArray     *unfolded;
  const char     *forced;      /* the charset an ECI designator or a BOM names */
  const char     *name;        /* the charset the text was decoded from (static, or hint) */
  char           *hint;        /* a vCard's CHARSET= parameter */
  int             eci;
  FoyerTextFlags  flags;
  gboolean        stripped;
} TextInput;

static void
text_input_clear (TextInput *in)
{
  g_clear_pointer (&in->undoubled, g_byte_array_unref);
  g_clear_pointer (&in->clean, g_byte_array_unref);
  g_clear_pointer (&in->unfolded, g_byte_array_unref);
  g_clear_pointer (&in->hint, g_free);
}

static void
text_input_use (TextInput  *in,
                GByteArray *bytes)
{
  in->data = bytes->data;
  in->len = bytes->len;
}

/* The AIM ECI prefix of a scanner in "transmit ECI" mode: the charset it names wins. */
static void
take_scanner_prefix (TextInput *in)
{
  gsize skip = strip_scanner_prefix (in->data, in->len, &in->eci);

  if (skip == 0)
    return;
  in->flags |= FOYER_TEXT_FLAG_STRIPPED;
  in->data += skip;
  in->len -= skip;
  if (in->eci < 0)
    return;
  if ((in->undoubled = undouble_backslashes (in->data, in->len)) != NULL)
    text_input_use (in, in->undoubled);
  in->forced = charset_for_eci ((guint) in->eci);
  if (in->forced == NULL)
    g_debug ("unknown ECI %d; guessing the charset", in->eci);
}

static void
take_byte_order_mark (TextInput *in)
{
  const guint8 *d = in->data;

  if (in->len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
    in->data += 3;
    in->len -= 3;
    if (in->forced == NULL)
      in->forced = "UTF-8";
  } else if (in->len >= 2 && ((d[0] == 0xFE && d[1] == 0xFF) || (d[0] == 0xFF && d[1] == 0xFE))) {
    if (in->forced == NULL || g_str_has_prefix (in->forced, "UTF-16"))
      in->forced = d[0] == 0xFE ? "UTF-16BE" : "UTF-16LE";
    in->data += 2;
    in->len -= 2;
  }
}

/* Control bytes never occur inside the multi-byte sequences of the byte-oriented charsets, so
 * they can go before decoding (a NUL would otherwise make UTF-8 validation fail); then vCard
 * line folding is undone on the bytes. Not for UTF-16, whose code units hold such bytes. */
static void
drop_control_bytes_and_unfold (TextInput *in)
{
  if (in->forced != NULL && g_str_has_prefix (in->forced, "UTF-16"))
    return;
  in->clean = g_byte_array_sized_new (in->len);
  for (gsize i = 0; i < in->len; i++) {
    if (is_structural_or_printable_byte (in->data[i]))
      g_byte_array_append (in->clean, in->data + i, 1);
    else
      in->stripped = TRUE;
  }
  text_input_use (in, in->clean);
  if ((in->unfolded = unfold_vcard_bytes (in->data, in->len)) != NULL)
    text_input_use (in, in->unfolded);
}

/* The charset an ECI or a BOM named, when the bytes really are valid in it. */
static char *
decode_as_labelled (TextInput *in)
{
  const char *display;
  const char *iconv_name;
  char *raw;

  if (in->forced == NULL)
    return NULL;
  iconv_name = iconv_name_for (in->forced, &display);
  if ((raw = convert_strict (in->data, in->len, iconv_name)) == NULL) {
    g_debug ("payload is not valid %s as labelled; guessing its charset", in->forced);
    return NULL;
  }
  in->name = display;
  if (in->eci >= 0)
    in->flags |= FOYER_TEXT_FLAG_ECI;
  return raw;
}

/* A vCard that is not UTF-8 may say its charset in a CHARSET= parameter. */
static char *
decode_by_vcard_hint (TextInput *in)
{
  const char *display;
  const char *iconv_name;
  char *raw;

  if (in->unfolded == NULL || g_utf8_validate ((const char *) in->data, in->len, NULL))
    return NULL;
  in->hint = vcard_charset_hint (in->data, in->len);
  iconv_name = in->hint != NULL ? iconv_name_for (in->hint, &display) : NULL;
  if (iconv_name == NULL || (raw = convert_strict (in->data, in->len, iconv_name)) == NULL)
    return NULL;
  /* Multi-byte legacy charsets decode almost any bytes, so a wrong label must still read as CJK
   * text; single-byte (European) labels are taken at their word. */
  if (!is_single_byte_label (in->hint) && score_text (scorer_get (), raw, NULL) < PLAUSIBLE_SCORE) {
    g_free (raw);
    return NULL;
  }
  in->name = display;   /* a static name, or hint itself */
  return raw;
}

char *
foyer_payload_decode_text (const guint8    *data,
                           gsize            len,
                           char           **encoding,
                           FoyerTextFlags  *flags,
                           GError         **error)
{
  TextInput in = { data, len, NULL, NULL, NULL, NULL, NULL, NULL, -1, FOYER_TEXT_FLAG_NONE, FALSE };
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (encoding != NULL)
    *encoding = NULL;
  if (flags != NULL)
    *flags = FOYER_TEXT_FLAG_NONE;

  if (len > FOYER_PAYLOAD_MAX_BYTES) {
    g_set_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_TOO_LARGE,
                 _("The code holds %lu bytes; badges and business cards hold at most %d bytes "
                   "(4 KiB), so it was not read"),
                 (unsigned long) len, FOYER_PAYLOAD_MAX_BYTES);
    return NULL;
  }

  take_scanner_prefix (&in);
  take_byte_order_mark (&in);
  drop_control_bytes_and_unfold (&in);
  if ((raw = decode_as_labelled (&in)) == NULL && (raw = decode_by_vcard_hint (&in)) == NULL)
    raw = decode_by_candidates (in.data, in.len, &in.name, &in.flags);

  text = strip_controls (raw, &in.stripped);
  if (in.stripped)
    in.flags |= FOYER_TEXT_FLAG_STRIPPED;

  if (_foyer_str_is_blank (text) || *text == '\0') {
    g_set_error_literal (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_EMPTY,
                         _("The code holds no readable text"));
    text_input_clear (&in);
    return NULL;
  }

  if (encoding != NULL)
    *encoding = g_strdup (in.name);
  if (flags != NULL)
    *flags = in.flags;
  text_input_clear (&in);
  return g_steal_pointer (&text);
}
