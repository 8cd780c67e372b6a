/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-decoder.c: zbar and zxing-cpp, plus second chances for frames neither reads.
 *
 * zbar's QR reader is fast and exact but gives up on low contrast, glare, light-on-dark codes,
 * very small codes (a few pixels per module) and noisy high-resolution photos. zxing-cpp (the
 * second engine, foyer-zxing.h) reads many of those, and costs a twentieth of a zbar scan on a
 * camera frame. What both miss has a cheap remedy: a transformed copy of the frame handed to
 * zbar again. Stills start with exactly zbarimg's scan (the floor), camera frames with zxing;
 * the order of the second chances comes from tests/decode-corpus --matrix, and every change is
 * checked on classes of images against zbarimg and ZXingReader (docs/decoder.md), so that a
 * 30 ms camera budget tries the likeliest remedies first.
 */
#define G_LOG_DOMAIN "foyer-decoder"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zbar.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "foyer-decoder.h"
#include "foyer-zxing.h"

G_DEFINE_QUARK (foyer-decoder-error-quark, foyer_decoder_error)

/* ---------------------------------------------------------------------------------------------
 * Symbols
 */

FoyerSymbol *
foyer_symbol_copy (const FoyerSymbol *symbol)
{
  FoyerSymbol *copy;

  g_return_val_if_fail (symbol != NULL, NULL);

  copy = g_new0 (FoyerSymbol, 1);
  *copy = *symbol;
  copy->type = g_strdup (symbol->type);
  copy->pass = g_strdup (symbol->pass);
  copy->bytes = symbol->bytes != NULL ? g_bytes_ref (symbol->bytes) : NULL;
  return copy;
}

void
foyer_symbol_free (FoyerSymbol *symbol)
{
  if (symbol == NULL)
    return;
  g_free (symbol->type);
  g_free (symbol->pass);
  g_clear_pointer (&symbol->bytes, g_bytes_unref);
  g_free (symbol);
}

G_DEFINE_BOXED_TYPE (FoyerSymbol, foyer_symbol, foyer_symbol_copy, foyer_symbol_free)

/* ---------------------------------------------------------------------------------------------
 * Gray images and the transforms the passes use. Rows are packed (stride == width).
 */

typedef struct {
  guint8 *data;
  int     width;
  int     height;
  /* maps this image's coordinates back to the frame's: frame = this * scale */
  double  scale;
  double  offset_x;
  double  offset_y;
} Gray;

static Gray *
gray_new (const Gray *like,
          int         width,
          int         height,
          double      scale)
{
  Gray *g = g_new0 (Gray, 1);

  g->offset_x = like->offset_x;
  g->offset_y = like->offset_y;
  g->width = width;
  g->height = height;
  g->scale = scale;
  g->data = g_malloc ((gsize)width * height);
  return g;
}

static void
gray_free (Gray *g)
{
  if (g == NULL)
    return;
  g_free (g->data);
  g_free (g);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Gray, gray_free)

static Gray *
gray_invert (const Gray *in)
{
  Gray *out = gray_new (in, in->width, in->height, in->scale);
  gsize n = (gsize)in->width * in->height;

  for (gsize i = 0; i < n; i++)
    out->data[i] = 255 - in->data[i];
  return out;
}

/* Box filter by an integer factor: averages away sensor noise and JPEG blocks and brings the
 * modules of a large code back to the size zbar's finder likes. */
static Gray *
gray_downscale (const Gray *in,
                int         factor)
{
  int w = in->width / factor, h = in->height / factor;
  Gray *out;
  int area = factor * factor;

  if (w < 21 || h < 21)
    return NULL;
  out = gray_new (in, w, h, in->scale * factor);
  for (int y = 0; y < h; y++) {
    guint8 *o = out->data + (gsize)y * w;
    for (int x = 0; x < w; x++) {
      unsigned sum = 0;
      for (int dy = 0; dy < factor; dy++) {
        const guint8 *row = in->data + (gsize)(y * factor + dy) * in->width + x * factor;
        for (int dx = 0; dx < factor; dx++)
          sum += row[dx];
      }
      o[x] = (guint8)((sum + area / 2) / area);
    }
  }
  return out;
}

/* Bilinear upscale: zbar's QR finder needs several pixels per module; a code printed small or
 * held far from the camera has one or two. */
static Gray *
gray_upscale (const Gray *in,
              int         factor)
{
  int w = in->width * factor, h = in->height * factor;
  Gray *out = gray_new (in, w, h, in->scale / factor);

  for (int y = 0; y < h; y++) {
    double sy = (y + 0.5) / factor - 0.5;
    int y0 = CLAMP ((int)floor (sy), 0, in->height - 1);
    int y1 = MIN (y0 + 1, in->height - 1);
    int fy = (int)((sy - floor (sy)) * 256);
    const guint8 *r0 = in->data + (gsize)y0 * in->width;
    const guint8 *r1 = in->data + (gsize)y1 * in->width;
    guint8 *o = out->data + (gsize)y * w;

    if (sy < 0)
      fy = 0;
    for (int x = 0; x < w; x++) {
      double sx = (x + 0.5) / factor - 0.5;
      int x0 = CLAMP ((int)floor (sx), 0, in->width - 1);
      int x1 = MIN (x0 + 1, in->width - 1);
      int fx = sx < 0 ? 0 : (int)((sx - floor (sx)) * 256);
      int top = r0[x0] * (256 - fx) + r0[x1] * fx;
      int bottom = r1[x0] * (256 - fx) + r1[x1] * fx;

      o[x] = (guint8)((top * (256 - fy) + bottom * fy + (1 << 15)) >> 16);
    }
  }
  return out;
}

/* Linear stretch between the 1st and 99th percentile: glare and dim light squeeze a code into a
 * narrow band of gray that zbar's edge detector does not see. */
static Gray *
gray_stretch (const Gray *in)
{
  gsize n = (gsize)in->width * in->height;
  gsize hist[256] = { 0 };
  gsize acc = 0;
  int lo = 0, hi = 255;
  guint8 lut[256];
  Gray *out;

  for (gsize i = 0; i < n; i++)
    hist[in->data[i]]++;
  for (lo = 0; lo < 255; lo++) {
    acc += hist[lo];
    if (acc > n / 100)
      break;
  }
  acc = 0;
  for (hi = 255; hi > 0; hi--) {
    acc += hist[hi];
    if (acc > n / 100)
      break;
  }
  if (hi - lo < 8 || (lo < 8 && hi > 247))
    return NULL;  /* already full range: the copy would be the frame again */
  for (int v = 0; v < 256; v++)
    lut[v] = (guint8)CLAMP ((v - lo) * 255 / (hi - lo), 0, 255);
  out = gray_new (in, in->width, in->height, in->scale);
  for (gsize i = 0; i < n; i++)
    out->data[i] = lut[in->data[i]];
  return out;
}

/* Sum tables for the local thresholds: one pass, then any window mean in O(1). */
static guint32 *
integral_image (const Gray *in,
                guint64   **squares)
{
  int w = in->width, h = in->height;
  guint32 *sum = g_new (guint32, (gsize)(w + 1) * (h + 1));
  guint64 *sq = squares != NULL ? g_new (guint64, (gsize)(w + 1) * (h + 1)) : NULL;

  memset (sum, 0, sizeof (guint32) * (w + 1));
  if (sq != NULL)
    memset (sq, 0, sizeof (guint64) * (w + 1));
  for (int y = 0; y < h; y++) {
    const guint8 *row = in->data + (gsize)y * w;
    guint32 *s = sum + (gsize)(y + 1) * (w + 1);
    const guint32 *above = sum + (gsize)y * (w + 1);
    guint32 line = 0;
    guint64 line_sq = 0;

    s[0] = 0;
    if (sq != NULL)
      sq[(gsize)(y + 1) * (w + 1)] = 0;
    for (int x = 0; x < w; x++) {
      line += row[x];
      s[x + 1] = above[x + 1] + line;
      if (sq != NULL) {
        line_sq += (guint32)row[x] * row[x];
        sq[(gsize)(y + 1) * (w + 1) + x + 1] = sq[(gsize)y * (w + 1) + x + 1] + line_sq;
      }
    }
  }
  if (squares != NULL)
    *squares = sq;
  return sum;
}

static int
window_for (const Gray *in)
{
  /* several modules of a code that fills an eighth of the frame or more */
  return MAX (15, MIN (in->width, in->height) / 8) | 1;
}

/* Mean-threshold binarization: a pixel is dark when it is darker than its neighbourhood by a
 * few levels. Survives uneven light (a shadow across a card, a lamp reflected on laminate). */
static Gray *
gray_mean_threshold (const Gray *in)
{
  int w = in->width, h = in->height;
  int r = window_for (in) / 2;
  g_autofree guint32 *sum = integral_image (in, NULL);
  Gray *out = gray_new (in, w, h, in->scale);

  for (int y = 0; y < h; y++) {
    int y0 = MAX (0, y - r), y1 = MIN (h, y + r + 1);
    const guint32 *top = sum + (gsize)y0 * (w + 1);
    const guint32 *bottom = sum + (gsize)y1 * (w + 1);
    const guint8 *row = in->data + (gsize)y * w;
    guint8 *o = out->data + (gsize)y * w;

    for (int x = 0; x < w; x++) {
      int x0 = MAX (0, x - r), x1 = MIN (w, x + r + 1);
      guint32 s = bottom[x1] - bottom[x0] - top[x1] + top[x0];
      int count = (x1 - x0) * (y1 - y0);

      /* row[x] < mean - 4, without dividing */
      o[x] = (int)row[x] * count + 4 * count < (int)s ? 0 : 255;
    }
  }
  return out;
}

/* Sauvola: the threshold drops where the neighbourhood has little contrast, so flat paper stays
 * white instead of turning into noise that hides the finder patterns. */
static Gray *
gray_sauvola (const Gray *in)
{
  int w = in->width, h = in->height;
  int r = window_for (in) / 2;
  guint64 *sq = NULL;
  g_autofree guint32 *sum = integral_image (in, &sq);
  g_autofree guint64 *squares = sq;
  Gray *out = gray_new (in, w, h, in->scale);
  const double k = 0.2, R = 128.0;

  for (int y = 0; y < h; y++) {
    int y0 = MAX (0, y - r), y1 = MIN (h, y + r + 1);
    const guint8 *row = in->data + (gsize)y * w;
    guint8 *o = out->data + (gsize)y * w;

    for (int x = 0; x < w; x++) {
      int x0 = MAX (0, x - r), x1 = MIN (w, x + r + 1);
      gsize a = (gsize)y0 * (w + 1) + x0, b = (gsize)y0 * (w + 1) + x1;
      gsize c = (gsize)y1 * (w + 1) + x0, d = (gsize)y1 * (w + 1) + x1;
      double count = (double)(x1 - x0) * (y1 - y0);
      double mean = (sum[d] - sum[b] - sum[c] + sum[a]) / count;
      double var = (squares[d] - squares[b] - squares[c] + squares[a]) / count - mean * mean;
      double t = mean * (1.0 + k * (sqrt (MAX (var, 0.0)) / R - 1.0));

      o[x] = row[x] <= t ? 0 : 255;
    }
  }
  return out;
}

/* Global Otsu threshold: the cheapest binarization, good for evenly lit prints. */
static Gray *
gray_otsu (const Gray *in)
{
  gsize n = (gsize)in->width * in->height;
  double hist[256] = { 0 };
  double total = 0, sum_b = 0, w_b = 0, best = -1;
  int threshold = 128;
  Gray *out;

  for (gsize i = 0; i < n; i++)
    hist[in->data[i]]++;
  for (int v = 0; v < 256; v++)
    total += v * hist[v];
  for (int v = 0; v < 256; v++) {
    double w_f, m_b, m_f, between;

    w_b += hist[v];
    if (w_b == 0)
      continue;
    w_f = n - w_b;
    if (w_f == 0)
      break;
    sum_b += v * hist[v];
    m_b = sum_b / w_b;
    m_f = (total - sum_b) / w_f;
    between = w_b * w_f * (m_b - m_f) * (m_b - m_f);
    if (between > best) {
      best = between;
      threshold = v;
    }
  }
  out = gray_new (in, in->width, in->height, in->scale);
  for (gsize i = 0; i < n; i++)
    out->data[i] = in->data[i] <= threshold ? 0 : 255;
  return out;
}

/* 3×3 box blur: melts halftone dots, screen moiré and sensor noise into solid modules. */
static Gray *
gray_blur (const Gray *in)
{
  int w = in->width, h = in->height;
  Gray *out = gray_new (in, w, h, in->scale);

  for (int y = 0; y < h; y++) {
    const guint8 *r0 = in->data + (gsize)MAX (y - 1, 0) * w;
    const guint8 *r1 = in->data + (gsize)y * w;
    const guint8 *r2 = in->data + (gsize)MIN (y + 1, h - 1) * w;
    guint8 *o = out->data + (gsize)y * w;

    for (int x = 0; x < w; x++) {
      int xa = MAX (x - 1, 0), xb = MIN (x + 1, w - 1);
      int s = r0[xa] + r0[x] + r0[xb] + r1[xa] + r1[x] + r1[xb] + r2[xa] + r2[x] + r2[xb];
      o[x] = (guint8)((s + 4) / 9);
    }
  }
  return out;
}

/* Unsharp mask: restores the module edges of a slightly out-of-focus code. */
static Gray *
gray_sharpen (const Gray *in)
{
  g_autoptr(Gray) blurred = gray_blur (in);
  gsize n = (gsize)in->width * in->height;
  Gray *out = gray_new (in, in->width, in->height, in->scale);

  for (gsize i = 0; i < n; i++)
    out->data[i] = (guint8)CLAMP (2 * (int)in->data[i] - blurred->data[i], 0, 255);
  return out;
}

/* Morphological close (3×3 min then max on dark): fills the gaps between round dot-style
 * modules so they read as squares. */
static Gray *
gray_erode (const Gray *in,
            int         r)
{
  int w = in->width, h = in->height;
  Gray *out = gray_new (in, w, h, in->scale);

  for (int y = 0; y < h; y++) {
    guint8 *o = out->data + (gsize)y * w;
    for (int x = 0; x < w; x++) {
      guint8 m = 255;
      for (int dy = -r; dy <= r; dy++) {
        const guint8 *row = in->data + (gsize)CLAMP (y + dy, 0, h - 1) * w;
        for (int dx = -r; dx <= r; dx++)
          m = MIN (m, row[CLAMP (x + dx, 0, w - 1)]);
      }
      o[x] = m;
    }
  }
  return out;
}

/* A white margin: codes cropped to their edge (screenshots, stickers trimmed by the printer)
 * have no quiet zone, and zbar will not find a finder pattern that touches the border. */
static Gray *
gray_pad (const Gray *in)
{
  int m = MAX (8, MAX (in->width, in->height) / 8);
  int w = in->width + 2 * m, h = in->height + 2 * m;
  Gray *out;

  if ((gsize)w * h > 1600 * 1600)
    return NULL;
  out = gray_new (in, w, h, in->scale);
  memset (out->data, 255, (gsize)w * h);
  for (int y = 0; y < in->height; y++)
    memcpy (out->data + (gsize)(y + m) * w + m, in->data + (gsize)y * in->width, in->width);
  out->offset_x = in->offset_x - m * in->scale;
  out->offset_y = in->offset_y - m * in->scale;
  return out;
}

/* ---------------------------------------------------------------------------------------------
 * Passes
 */

/* A pass is a chain of operations applied to the frame before zbar sees it, named by its
 * operations joined with '-' ("pad-down2-mean"). An operation may decline (NULL) when it would
 * not help this frame, which skips the pass. */
typedef Gray *(*OpFunc) (const Gray *in);

typedef struct {
  const char *name;
  OpFunc      func;
} Op;

/* Upscaling pays only for small images; a 720p frame doubled would cost 4x for nothing. */
#define SMALL_SIDE 480
/* Above VGA, zbar's time grows past the budget (about 75 ms for a 720p frame on one core here),
 * so large frames start from a half-size copy and the full-resolution center. */
#define LARGE_FRAME (640 * 480)
/* The second engine's pass: zxing-cpp on the frame as it is (see foyer-zxing.h). */
#define ZXING_PASS "zxing"
/* zxing-cpp's time per pixel relative to zbar's on the same frame, measured with
 * tests/bench-decoder on 1280×720 and 640×480 frames (see docs/decoder.md: 3.4 ms against
 * 63 ms, 1.0 ms against 20 ms): the predictor scales zbar's calibrated cost by it. */
#define ZXING_COST_FACTOR 0.06

static Gray *
op_up2 (const Gray *in)
{
  return MAX (in->width, in->height) <= SMALL_SIDE ? gray_upscale (in, 2) : NULL;
}

static Gray *
op_up3 (const Gray *in)
{
  return MAX (in->width, in->height) <= SMALL_SIDE / 2 ? gray_upscale (in, 3) : NULL;
}

/* Nearest-neighbour 4x for tiny codes (one or two pixels per module): bilinear smears them. */
static Gray *
op_up4 (const Gray *in)
{
  Gray *out;
  int f = 4;

  if (MAX (in->width, in->height) > SMALL_SIDE / 4)
    return NULL;
  out = gray_new (in, in->width * f, in->height * f, in->scale / f);
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      out->data[(gsize)y * out->width + x] = in->data[(gsize)(y / f) * in->width + x / f];
  return out;
}

/* The middle of a large frame at full resolution, where the camera view's framing guide asks
 * visitors to hold their card: a small code there keeps every pixel while the rest of the frame
 * costs nothing. The square's side is half the frame's height. */
static Gray *
op_center (const Gray *in)
{
  int side = MIN (in->width, in->height) / 2;
  int x0 = (in->width - side) / 2, y0 = (in->height - side) / 2;
  Gray *out;

  if (side < 64 || (gsize)in->width * in->height <= LARGE_FRAME)
    return NULL;
  out = gray_new (in, side, side, in->scale);
  out->offset_x = in->offset_x + x0 * in->scale;
  out->offset_y = in->offset_y + y0 * in->scale;
  for (int y = 0; y < side; y++)
    memcpy (out->data + (gsize)y * side, in->data + (gsize)(y + y0) * in->width + x0, side);
  return out;
}

static Gray *op_inverted (const Gray *in) { return gray_invert (in); }
static Gray *op_down2 (const Gray *in) { return gray_downscale (in, 2); }
static Gray *op_down3 (const Gray *in) { return gray_downscale (in, 3); }
static Gray *op_stretch (const Gray *in) { return gray_stretch (in); }
static Gray *op_mean (const Gray *in) { return gray_mean_threshold (in); }
static Gray *op_sauvola (const Gray *in) { return gray_sauvola (in); }
static Gray *op_otsu (const Gray *in) { return gray_otsu (in); }
static Gray *op_blur (const Gray *in) { return gray_blur (in); }
static Gray *op_sharpen (const Gray *in) { return gray_sharpen (in); }
static Gray *op_closed (const Gray *in) { return gray_erode (in, 1); }
static Gray *op_closed2 (const Gray *in) { return gray_erode (in, 2); }
static Gray *op_pad (const Gray *in) { return gray_pad (in); }

static const Op ops[] = {
  { "inverted", op_inverted },
  { "down2", op_down2 },
  { "down3", op_down3 },
  { "up2", op_up2 },
  { "up3", op_up3 },
  { "stretch", op_stretch },
  { "mean", op_mean },
  { "sauvola", op_sauvola },
  { "otsu", op_otsu },
  { "blur", op_blur },
  { "sharpen", op_sharpen },
  { "closed", op_closed },
  { "closed2", op_closed2 },
  { "pad", op_pad },
  { "up4", op_up4 },
  { "center", op_center },
};

static const char * const all_pass_names[] = {
  "plain", ZXING_PASS, "inverted", "down2", "up2", "stretch", "mean", "sauvola", "otsu", "up3", "down3",
  "blur", "sharpen", "up2-mean", "up2-sauvola", "down2-mean", "down2-inverted", "blur-mean",
  "closed", "up2-closed", "pad", "pad-down2", "pad-up2", "pad-mean", "pad-blur", "closed2",
  "up2-closed2", "pad-closed2", "pad-up2-mean", "down2-closed", "pad-sharpen", "sharpen-mean",
  "up2-blur", "up3-mean", "up2-sharpen", "pad-down2-mean", "blur-sauvola", "down2-blur", "up4",
  "up4-blur", "pad-up3", "up4-mean", "up3-sharpen", "up3-blur", "pad-up4", "center",
  "center-mean", "center-inverted", "down2-sauvola", NULL
};

/* The default order for frames up to VGA, from tests/decode-corpus --matrix on the 64
 * qr-photos (plain zbar reads 46): each pass is listed with the photos only it or the passes
 * after it rescue, best rescues per millisecond first. Passes that rescued nothing in the
 * corpus but address a real condition (glare: sauvola, mean) come last. */
static const char * const small_frame_passes[] = {
  ZXING_PASS,       /* the second engine first: ~1 ms at VGA, a twentieth of a zbar scan */
  "plain",          /* then exactly zbarimg's scan, on every frame (the floor) */
  "down2-mean",     /* noise, moiré, large modules: 12, n142 (0.8 ms) */
  "pad-up4",        /* tiny codes, 1–2 px per module: 32 (0.2 ms) */
  "inverted",       /* light on dark: qr-inv-1, qr-inv-2 (2.8 ms) */
  "up2-mean",       /* small codes: 16 (5.6 ms) */
  "down2-closed",   /* dot-style modules: n258 (0.8 ms) */
  "pad-closed2",    /* no quiet zone, decorated modules: 13 (4.8 ms) */
  "sauvola",
  "mean",
  "up2",
  "blur-mean",
  "down3",
  NULL
};

/* The default order above VGA (camera frames): zxing-cpp on the whole frame (~3.5 ms at 720p,
 * where a full zbar scan costs ~60 ms, twice the budget), zbar at half size, then the guide's
 * center at full size, then second chances on the half-size copy. */
static const char * const large_frame_passes[] = {
  ZXING_PASS,
  "down2",
  "center",
  "down2-mean",
  "down2-inverted",
  "center-mean",
  "down3",
  "down2-sauvola",
  "down2-closed",
  "center-inverted",
  "plain",
  NULL
};

/* Stills (foyerctl decode, imports): first exactly what zbarimg does (the whole image, every
 * line), so that Foyer never reads less than the library it wraps; then the second engine,
 * which reads most of what zbar misses for about the cost of one zbar scan; then zbar's second
 * chances in the small-frame order. */
static const char * const still_passes[] = {
  "plain",
  ZXING_PASS,
  "down2-mean",
  "pad-up4",
  "inverted",
  "up2-mean",
  "down2-closed",
  "pad-closed2",
  "sauvola",
  "mean",
  "up2",
  "blur-mean",
  "down2",
  "down3",
  "center",
  "down2-inverted",
  "center-mean",
  NULL
};

const char * const *
foyer_decoder_list_passes (void)
{
  return all_pass_names;
}

typedef enum {
  ENGINE_ZBAR,
  ENGINE_ZXING,
} Engine;

typedef struct {
  char         *name;
  const Op    **ops;   /* NULL-terminated; empty for "plain" and "zxing" */
  Engine        engine;
} Pass;

static void
pass_free (Pass *pass)
{
  g_free (pass->name);
  g_free (pass->ops);
  g_free (pass);
}

static const Op *
find_op (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (strcmp (ops[i].name, name) == 0)
      return &ops[i];
  return NULL;
}

static Pass *
pass_parse (const char *name)
{
  g_auto(GStrv) parts = NULL;
  Pass *pass;
  guint n;

  if (strcmp (name, "plain") == 0 || strcmp (name, ZXING_PASS) == 0) {
    pass = g_new0 (Pass, 1);
    pass->name = g_strdup (name);
    pass->ops = g_new0 (const Op *, 1);
    pass->engine = strcmp (name, ZXING_PASS) == 0 ? ENGINE_ZXING : ENGINE_ZBAR;
    return pass;
  }
  parts = g_strsplit (name, "-", -1);
  n = g_strv_length (parts);
  pass = g_new0 (Pass, 1);
  pass->name = g_strdup (name);
  pass->ops = g_new0 (const Op *, n + 1);
  for (guint i = 0; i < n; i++) {
    if ((pass->ops[i] = find_op (parts[i])) == NULL) {
      pass_free (pass);
      return NULL;
    }
  }
  return pass;
}

/* Applies the pass's operations from the first-th on; NULL when one declines or none is left. */
static Gray *
pass_apply (const Pass *pass,
            guint       first,
            const Gray *frame)
{
  g_autoptr(Gray) current = NULL;

  for (guint i = first; pass->ops[i] != NULL; i++) {
    Gray *next = pass->ops[i]->func (current != NULL ? current : frame);
    if (next == NULL)
      return NULL;
    gray_free (current);
    current = next;
  }
  return g_steal_pointer (&current);
}

/* ---------------------------------------------------------------------------------------------
 * The decoder
 */

struct _FoyerDecoder {
  GObject                parent_instance;

  zbar_image_scanner_t  *scanner;
  zbar_image_scanner_t  *qr_scanner;     /* camera frames' second chances: QR only */
  guint                  budget_ms;
  GPtrArray             *small_passes;   /* of Pass */
  GPtrArray             *large_passes;   /* of Pass */
  GPtrArray             *still_passes;   /* of Pass */
  gboolean               stream;
  gboolean               find_all;
  Gray                  *half;           /* stream mode: this frame's half-size copy, once made */
  guint                  cursor;         /* stream mode: the next second chance */
};

G_DEFINE_FINAL_TYPE (FoyerDecoder, foyer_decoder, G_TYPE_OBJECT)

static void
foyer_decoder_finalize (GObject *object)
{
  FoyerDecoder *self = (FoyerDecoder *)object;

  g_clear_pointer (&self->scanner, zbar_image_scanner_destroy);
  g_clear_pointer (&self->qr_scanner, zbar_image_scanner_destroy);
  g_clear_pointer (&self->half, gray_free);
  g_clear_pointer (&self->small_passes, g_ptr_array_unref);
  g_clear_pointer (&self->large_passes, g_ptr_array_unref);
  g_clear_pointer (&self->still_passes, g_ptr_array_unref);

  G_OBJECT_CLASS (foyer_decoder_parent_class)->finalize (object);
}

static void
foyer_decoder_class_init (FoyerDecoderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_decoder_finalize;
}

static zbar_image_scanner_t *
scanner_new (const zbar_symbol_type_t *enabled,
             guint                     n_enabled)
{
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();

  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  for (guint i = 0; i < n_enabled; i++)
    zbar_image_scanner_set_config (scanner, enabled[i], ZBAR_CFG_ENABLE, 1);
  /* QR: raw bytes, the payload layer decides the charset (GB18030 cards carry no ECI). The
   * 1D symbologies carry ASCII, which zbar passes through unchanged. */
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_POSITION, 1);
  return scanner;
}

static void
foyer_decoder_init (FoyerDecoder *self)
{
  static const zbar_symbol_type_t enabled[] = { ZBAR_QRCODE, ZBAR_CODE128, ZBAR_CODE39,
                                                ZBAR_EAN13 };
  static const zbar_symbol_type_t qr_only[] = { ZBAR_QRCODE };

  self->budget_ms = FOYER_DECODER_DEFAULT_BUDGET_MS;
  /* Only the symbologies badges and cards use: fewer false positives from text and patterns. */
  self->scanner = scanner_new (enabled, G_N_ELEMENTS (enabled));
  /* A camera frame's second chances (thresholded, inverted, rescaled copies) are remedies for
   * QR codes; the 1D decoders zbar runs on every edge take a large share of each such scan
   * (bench-decoder, docs/decoder.md), and a 1D badge is read by zxing and zbar's scan of the
   * frame itself, which keep every symbology. Stills keep every symbology on every pass. */
  self->qr_scanner = scanner_new (qr_only, G_N_ELEMENTS (qr_only));
  foyer_decoder_set_passes (self, NULL);
}

FoyerDecoder *
foyer_decoder_new (void)
{
  return g_object_new (FOYER_TYPE_DECODER, NULL);
}

void
foyer_decoder_set_budget_ms (FoyerDecoder *self,
                             guint         budget_ms)
{
  g_return_if_fail (FOYER_IS_DECODER (self));
  self->budget_ms = budget_ms;
}

guint
foyer_decoder_get_budget_ms (FoyerDecoder *self)
{
  g_return_val_if_fail (FOYER_IS_DECODER (self), 0);
  return self->budget_ms;
}

static GPtrArray *
parse_passes (const char * const *names)
{
  GPtrArray *passes = g_ptr_array_new_with_free_func ((GDestroyNotify)pass_free);

  for (guint i = 0; names[i] != NULL; i++) {
    Pass *pass = pass_parse (names[i]);
    if (pass != NULL)
      g_ptr_array_add (passes, pass);
  }
  return passes;
}

void
foyer_decoder_set_passes (FoyerDecoder       *self,
                          const char * const *passes)
{
  g_return_if_fail (FOYER_IS_DECODER (self));

  g_clear_pointer (&self->small_passes, g_ptr_array_unref);
  g_clear_pointer (&self->large_passes, g_ptr_array_unref);
  g_clear_pointer (&self->still_passes, g_ptr_array_unref);
  self->small_passes = parse_passes (passes != NULL ? passes : small_frame_passes);
  self->large_passes = parse_passes (passes != NULL ? passes : large_frame_passes);
  self->still_passes = parse_passes (passes != NULL ? passes : still_passes);
  self->cursor = 0;
}

void
foyer_decoder_set_find_all (FoyerDecoder *self,
                            gboolean      find_all)
{
  g_return_if_fail (FOYER_IS_DECODER (self));
  self->find_all = !!find_all;
}

void
foyer_decoder_set_stream_mode (FoyerDecoder *self,
                               gboolean      stream)
{
  g_return_if_fail (FOYER_IS_DECODER (self));
  self->stream = !!stream;
  self->cursor = 0;
}

/* How many pixels zbar will see after a pass, relative to the frame: the cost predictor. */
static double
pass_area (const Pass *pass,
           const Gray *frame)
{
  double area = (double)frame->width * frame->height;
  double w = frame->width, h = frame->height;

  for (guint i = 0; pass->ops[i] != NULL; i++) {
    const char *op = pass->ops[i]->name;

    if (strcmp (op, "down2") == 0)
      w /= 2, h /= 2;
    else if (strcmp (op, "down3") == 0)
      w /= 3, h /= 3;
    else if (strcmp (op, "up2") == 0)
      w *= 2, h *= 2;
    else if (strcmp (op, "up3") == 0)
      w *= 3, h *= 3;
    else if (strcmp (op, "up4") == 0)
      w *= 4, h *= 4;
    else if (strcmp (op, "pad") == 0)
      w *= 1.25, h *= 1.25;
    else if (strcmp (op, "center") == 0)
      w = h = MIN (w, h) / 2;
  }
  if (pass->engine == ENGINE_ZXING)
    return ZXING_COST_FACTOR * area;
  /* the operations read the input at least once; count them as half a scan */
  return w * h + area / 2;
}

static gboolean
have_symbol (GPtrArray   *symbols,
             const char  *type,
             GBytes      *bytes)
{
  for (guint i = 0; i < symbols->len; i++) {
    FoyerSymbol *s = g_ptr_array_index (symbols, i);
    if (strcmp (s->type, type) == 0 && g_bytes_equal (s->bytes, bytes))
      return TRUE;
  }
  return FALSE;
}

/* Runs zbar on one image; adds new symbols to the array. Returns how many were added. */
static guint
scan (zbar_image_scanner_t *scanner,
      const Gray           *image,
      const char           *pass_name,
      GPtrArray            *symbols)
{
  zbar_image_t *zimage = zbar_image_create ();
  guint added = 0;

  /* zbar scans every line (its default density 1): scanning every other line halved its time
   * but lost small rotated codes that plain zbarimg reads, and no speed trick may lose those. */
  zbar_image_set_format (zimage, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (zimage, image->width, image->height);
  zbar_image_set_data (zimage, image->data, (unsigned long)image->width * image->height, NULL);

  if (zbar_scan_image (scanner, zimage) > 0) {
    for (const zbar_symbol_t *sym = zbar_image_first_symbol (zimage); sym != NULL;
         sym = zbar_symbol_next (sym)) {
      const char *type = zbar_get_symbol_name (zbar_symbol_get_type (sym));
      g_autoptr(GBytes) bytes = g_bytes_new (zbar_symbol_get_data (sym),
                                             zbar_symbol_get_data_length (sym));
      FoyerSymbol *symbol;
      int min_x = G_MAXINT, min_y = G_MAXINT, max_x = G_MININT, max_y = G_MININT;
      unsigned n = zbar_symbol_get_loc_size (sym);

      if (g_bytes_get_size (bytes) == 0 || have_symbol (symbols, type, bytes))
        continue;

      symbol = g_new0 (FoyerSymbol, 1);
      symbol->type = g_strdup (type);
      symbol->bytes = g_steal_pointer (&bytes);
      symbol->pass = g_strdup (pass_name);
      for (unsigned i = 0; i < n; i++) {
        min_x = MIN (min_x, zbar_symbol_get_loc_x (sym, i));
        max_x = MAX (max_x, zbar_symbol_get_loc_x (sym, i));
        min_y = MIN (min_y, zbar_symbol_get_loc_y (sym, i));
        max_y = MAX (max_y, zbar_symbol_get_loc_y (sym, i));
      }
      if (n > 0) {
        symbol->x = (int)(min_x * image->scale + image->offset_x);
        symbol->y = (int)(min_y * image->scale + image->offset_y);
        symbol->width = (int)((max_x - min_x + 1) * image->scale);
        symbol->height = (int)((max_y - min_y + 1) * image->scale);
      }
      g_ptr_array_add (symbols, symbol);
      added++;
    }
  }
  zbar_image_destroy (zimage);
  return added;
}

typedef struct {
  GPtrArray  *symbols;
  const Gray *image;
  const char *pass_name;
  guint       added;
} ZxingFound;

static void
zxing_found (const char   *type,
             const guint8 *data,
             gsize         len,
             gboolean      has_eci,
             const int     corners[8],
             gpointer      user_data)
{
  ZxingFound *found = user_data;
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);
  const Gray *image = found->image;
  int min_x = G_MAXINT, min_y = G_MAXINT, max_x = G_MININT, max_y = G_MININT;
  FoyerSymbol *symbol;

  if (have_symbol (found->symbols, type, bytes))
    return;
  for (int i = 0; i < 4; i++) {
    min_x = MIN (min_x, corners[2 * i]);
    max_x = MAX (max_x, corners[2 * i]);
    min_y = MIN (min_y, corners[2 * i + 1]);
    max_y = MAX (max_y, corners[2 * i + 1]);
  }
  symbol = g_new0 (FoyerSymbol, 1);
  symbol->type = g_strdup (type);
  symbol->bytes = g_steal_pointer (&bytes);
  symbol->pass = g_strdup (found->pass_name);
  symbol->x = (int)(MAX (min_x, 0) * image->scale + image->offset_x);
  symbol->y = (int)(MAX (min_y, 0) * image->scale + image->offset_y);
  symbol->width = (int)((MIN (max_x, image->width - 1) - MAX (min_x, 0) + 1) * image->scale);
  symbol->height = (int)((MIN (max_y, image->height - 1) - MAX (min_y, 0) + 1) * image->scale);
  g_ptr_array_add (found->symbols, symbol);
  found->added++;
}

/* The second engine: zxing-cpp finds codes zbar's finder misses (perspective, damaged finder
 * patterns, low contrast); its thorough mode (every line, rotations) only for stills. */
static guint
scan_zxing (FoyerDecoder *self,
            const Gray   *image,
            const char   *pass_name,
            GPtrArray    *symbols)
{
  ZxingFound found = { symbols, image, pass_name, 0 };
  g_autofree char *message = NULL;

  if (foyer_zxing_read (image->data, image->width, image->height, image->width, !self->stream,
                        zxing_found, &found, &message) < 0)
    g_message ("second engine failed on a %d×%d frame: %s", image->width, image->height, message);
  return found.added;
}

/* A camera frame's transformed copy beyond the stream's first two passes (zxing and zbar's scan
 * of the frame, or of its half-size copy above VGA): QR only, see foyer_decoder_init(). */
static gboolean
is_second_chance (FoyerDecoder *self,
                  const Pass   *pass)
{
  GPtrArray *passes = self->small_passes;

  if (!self->stream)
    return FALSE;
  for (guint k = 0; k < 2; k++, passes = self->large_passes)
    for (guint i = 0; i < MIN (passes->len, 2); i++)
      if (g_ptr_array_index (passes, i) == pass)
        return FALSE;
  return TRUE;
}

static void
run_pass (FoyerDecoder *self,
          const Pass   *pass,
          const Gray   *frame,
          GPtrArray    *symbols)
{
  g_autoptr(Gray) copy = NULL;
  zbar_image_scanner_t *scanner;

  if (pass->engine == ENGINE_ZXING) {
    scan_zxing (self, frame, pass->name, symbols);
    return;
  }
  if (pass->ops[0] == NULL) {
    scan (self->scanner, frame, pass->name, symbols);
    return;
  }
  scanner = is_second_chance (self, pass) ? self->qr_scanner : self->scanner;
  if (self->stream && pass->ops[0]->func == op_down2) {
    /* A large camera frame's zbar scan and most of its second chances start from the same
     * half-size copy: made once per frame. */
    if (self->half == NULL && (self->half = gray_downscale (frame, 2)) == NULL)
      return;
    if (pass->ops[1] == NULL) {
      scan (scanner, self->half, pass->name, symbols);
      return;
    }
    copy = pass_apply (pass, 1, self->half);
  } else {
    copy = pass_apply (pass, 0, frame);
  }
  if (copy != NULL)
    scan (scanner, copy, pass->name, symbols);
}

/* The budget counts this thread's CPU time: what the decoder spends on its core, whatever
 * else the machine runs. (Wall time would make the passes tried, and so the results, depend on
 * the machine's load; the camera worker skips frames while busy, so latency stays bounded.) */
static gint64
cpu_now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Runs passes[index] if it fits in what is left of the budget; returns whether it ran. */
static gboolean
try_pass (FoyerDecoder *self,
          GPtrArray    *passes,
          guint         index,
          const Gray   *frame,
          double        us_per_px,
          gint64        deadline,
          GPtrArray    *symbols)
{
  const Pass *pass = g_ptr_array_index (passes, index);
  double area = pass_area (pass, frame);
  /* zbar's time varies with the content; 1.5 covers most frames */
  gint64 predicted = (gint64)(1.5 * us_per_px * area);

  if (cpu_now_us () + predicted > deadline)
    return FALSE;
  /* The predictor learnt its cost per pixel on a smoothed half-size copy; a noisy full-size
   * large frame costs several times more (75 ms at 720p), so under a budget it never runs. */
  if (self->budget_ms > 0 && passes == self->large_passes &&
      area > (double)frame->width * frame->height)
    return FALSE;
  run_pass (self, pass, frame, symbols);
  return TRUE;
}

/* A stream's frames are nearly alike. Every frame gets the first two passes (the two engines
 * on the frame), then one second chance, in turn, so that no frame spends the whole budget. The likeliest remedy (passes[2]: the full-size center of a camera
 * frame) takes every other turn: 2, 3, 2, 4, 2, 5… */
static void
stream_second_chances (FoyerDecoder *self,
                       GPtrArray    *passes,
                       const Gray   *frame,
                       double        us_per_px,
                       gint64        deadline,
                       GPtrArray    *symbols)
{
  guint n;

  if (symbols->len > 0 || passes->len < 3)
    return;
  n = passes->len - 2;
  for (guint k = 0; k < 2 * n; k++) {
    guint turn = self->cursor++;
    guint index = (turn % 2 == 0 || n == 1) ? 2 : 3 + (turn / 2) % (n - 1);

    if (try_pass (self, passes, index, frame, us_per_px, deadline, symbols))
      break;
  }
}

GPtrArray *
foyer_decoder_decode_gray (FoyerDecoder *self,
                           const guint8 *data,
                           guint         width,
                           guint         height,
                           guint         stride)
{
  g_autoptr(GPtrArray) symbols = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_symbol_free);
  Gray frame = { NULL, (int)width, (int)height, 1.0, 0, 0 };
  g_autofree guint8 *packed = NULL;
  gint64 start = cpu_now_us ();
  gint64 deadline = self->budget_ms > 0 ? start + (gint64)self->budget_ms * 1000 : G_MAXINT64;
  GPtrArray *passes;
  gint64 first_us;
  double us_per_px;

  g_return_val_if_fail (FOYER_IS_DECODER (self), NULL);
  g_return_val_if_fail (data != NULL || width * height == 0, NULL);
  g_return_val_if_fail (stride >= width, NULL);

  if (width < 8 || height < 8)
    return g_steal_pointer (&symbols);

  if (stride == width) {
    frame.data = (guint8 *)data;
  } else {
    packed = g_malloc ((gsize)width * height);
    for (guint y = 0; y < height; y++)
      memcpy (packed + (gsize)y * width, data + (gsize)y * stride, width);
    frame.data = packed;
  }

  if (!self->stream)
    passes = self->still_passes;
  else
    passes = (gsize)width * height > LARGE_FRAME ? self->large_passes : self->small_passes;
  if (passes->len == 0)
    return g_steal_pointer (&symbols);

  /* The first pass always runs; it also calibrates the cost per pixel for the predictor. */
  run_pass (self, g_ptr_array_index (passes, 0), &frame, symbols);
  first_us = cpu_now_us () - start;
  us_per_px = first_us / pass_area (g_ptr_array_index (passes, 0), &frame);
  if (self->stream && symbols->len == 0 && passes->len > 1) {
    /* Camera frames: the second pass (the other engine) runs too, and being zbar's it
     * calibrates the predictor for zbar's second chances better than zxing's time can. */
    gint64 second = cpu_now_us ();

    run_pass (self, g_ptr_array_index (passes, 1), &frame, symbols);
    us_per_px = (cpu_now_us () - second) / pass_area (g_ptr_array_index (passes, 1), &frame);
  }

  if (!self->stream) {
    /* Still images: every pass in order while the budget lasts. */
    for (guint i = 1; i < passes->len && (symbols->len == 0 || self->find_all); i++)
      try_pass (self, passes, i, &frame, us_per_px, deadline, symbols);
  } else {
    stream_second_chances (self, passes, &frame, us_per_px, deadline, symbols);
  }

  g_clear_pointer (&self->half, gray_free);
  g_debug ("decoded %u×%u in %.1f ms of CPU: %u symbols", width, height,
           (cpu_now_us () - start) / 1000.0, symbols->len);
  return g_steal_pointer (&symbols);
}

/* gdk-pixbuf picks its loader through the shared MIME database, which minimal kiosk images
 * (and isolated tests) may lack; the formats that matter are told apart by their magic bytes. */
static GdkPixbuf *
load_pixbuf (const char  *path,
             GError     **error)
{
  static const struct {
    const char *magic;
    gsize       len;
    const char *type;
  } formats[] = {
    { "\x89PNG\r\n\x1a\n", 8, "png" },
    { "\xff\xd8\xff", 3, "jpeg" },
    { "GIF8", 4, "gif" },
    { "BM", 2, "bmp" },
  };
  g_autofree char *data = NULL;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  gsize len;
  GdkPixbuf *pixbuf;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (formats) && loader == NULL; i++)
    if (len >= formats[i].len && memcmp (data, formats[i].magic, formats[i].len) == 0)
      loader = gdk_pixbuf_loader_new_with_type (formats[i].type, NULL);
  if (loader == NULL)
    loader = gdk_pixbuf_loader_new ();
  if (!gdk_pixbuf_loader_write (loader, (const guchar *)data, len, error)) {
    gdk_pixbuf_loader_close (loader, NULL);
    return NULL;
  }
  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL) {
    g_set_error_literal (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE,
                         "not an image this system can read");
    return NULL;
  }
  return g_object_ref (pixbuf);
}

guint8 *
foyer_decoder_load_gray (const char  *path,
                         guint       *width,
                         guint       *height,
                         GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GdkPixbuf) loaded = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  const guint8 *pixels;
  guint8 *gray;
  int w, h, stride, channels;
  gboolean alpha;

  g_return_val_if_fail (path != NULL, NULL);

  loaded = load_pixbuf (path, &local);
  if (loaded == NULL) {
    g_set_error (error, FOYER_DECODER_ERROR, FOYER_DECODER_ERROR_UNREADABLE,
                 "cannot read image %s: %s", path, local->message);
    return NULL;
  }
  /* Phone photos carry their rotation in EXIF; the code is readable either way, but the
   * bounding boxes should match what a person sees. */
  pixbuf = gdk_pixbuf_apply_embedded_orientation (loaded);

  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);

  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || channels < 3) {
    g_set_error (error, FOYER_DECODER_ERROR, FOYER_DECODER_ERROR_UNREADABLE,
                 "cannot read image %s: unsupported pixel format", path);
    return NULL;
  }

  gray = g_malloc ((gsize)w * h);
  for (int y = 0; y < h; y++) {
    const guint8 *p = pixels + (gsize)y * stride;
    guint8 *o = gray + (gsize)y * w;

    for (int x = 0; x < w; x++, p += channels) {
      /* BT.601 luma; transparent pixels count as white paper */
      int l = (77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8;
      if (alpha)
        l = (l * p[3] + 255 * (255 - p[3]) + 127) / 255;
      o[x] = (guint8)l;
    }
  }
  *width = w;
  *height = h;
  return gray;
}
