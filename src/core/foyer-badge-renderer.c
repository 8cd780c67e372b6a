/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-badge-renderer.c: the badge layout: event, name (shrunk to fit), organization, category
 * band and a QR code whose modules are whole 300 dpi pixels.
 *
 * One drawing routine serves PDF and PNG: it works in 300 dpi device pixels, and the PDF surface
 * is scaled from points to those pixels, so what is printed is what the PNG shows.
 */
#define G_LOG_DOMAIN "foyer-badge"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "foyer-badge-renderer.h"

G_DEFINE_QUARK (foyer-badge-renderer-error-quark, foyer_badge_renderer_error)

#define FONT_FAMILY     "Noto Sans CJK SC, Noto Sans, sans-serif"
#define QUIET_MODULES   4
#define MIN_MODULE_PX   3      /* 0.25 mm: below this, label printers smear modules together */
#define NAME_MAX_LINES  3

typedef struct {
  const char *name;
  const char *cups_name;
  double      width_mm;
  double      height_mm;
  gboolean    portrait;      /* QR below the text instead of beside it */
  double      margin_mm;
  double      header_mm;     /* event name font size */
  double      band_mm;       /* category band height */
  double      band_font_mm;
  double      name_max_mm;
  double      name_min_mm;
  double      org_max_mm;
  double      org_min_mm;
  double      qr_max_mm;     /* QR code side including the quiet zone, at most */
} MediaSpec;

static const MediaSpec media_specs[] = {
  [FOYER_BADGE_MEDIA_LABEL_100X70] = {
    "label-100x70", "custom_100x70mm_100x70mm", 100.0, 70.0, FALSE,
    3.5, 3.4, 12.0, 5.0, 10.0, 3.2, 4.2, 2.6, 42.0 },
  [FOYER_BADGE_MEDIA_4X3IN] = {
    "4x3in", "oe_4x3-label_4x3in", 101.6, 76.2, FALSE,
    3.5, 3.6, 13.0, 5.2, 10.5, 3.2, 4.4, 2.6, 46.0 },
  [FOYER_BADGE_MEDIA_A6] = {
    "a6", "iso_a6_105x148mm", 105.0, 148.0, TRUE,
    6.0, 5.0, 18.0, 7.0, 14.0, 4.0, 6.0, 3.2, 56.0 },
};

struct _FoyerBadgeRenderer {
  GObject         parent_instance;

  FoyerBadgeMedia media;
  char           *event_name;
};

G_DEFINE_FINAL_TYPE (FoyerBadgeRenderer, foyer_badge_renderer, G_TYPE_OBJECT)

static void
foyer_badge_renderer_finalize (GObject *object)
{
  FoyerBadgeRenderer *self = (FoyerBadgeRenderer *)object;

  g_clear_pointer (&self->event_name, g_free);

  G_OBJECT_CLASS (foyer_badge_renderer_parent_class)->finalize (object);
}

static void
foyer_badge_renderer_class_init (FoyerBadgeRendererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_badge_renderer_finalize;
}

static void
foyer_badge_renderer_init (FoyerBadgeRenderer *self)
{
}

static double
mm_to_px (double mm)
{
  return mm * FOYER_BADGE_DPI / 25.4;
}

/* --- media --- */

gboolean
foyer_badge_media_from_string (const char      *name,
                               FoyerBadgeMedia *media)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (media_specs); i++) {
    if (g_ascii_strcasecmp (name, media_specs[i].name) == 0) {
      if (media != NULL)
        *media = (FoyerBadgeMedia)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
foyer_badge_media_to_string (FoyerBadgeMedia media)
{
  g_return_val_if_fail ((guint)media < G_N_ELEMENTS (media_specs), NULL);
  return media_specs[media].name;
}

void
foyer_badge_media_get_size_mm (FoyerBadgeMedia  media,
                               double          *width_mm,
                               double          *height_mm)
{
  g_return_if_fail ((guint)media < G_N_ELEMENTS (media_specs));
  if (width_mm != NULL)
    *width_mm = media_specs[media].width_mm;
  if (height_mm != NULL)
    *height_mm = media_specs[media].height_mm;
}

void
foyer_badge_media_get_size_px (FoyerBadgeMedia  media,
                               int             *width_px,
                               int             *height_px)
{
  g_return_if_fail ((guint)media < G_N_ELEMENTS (media_specs));
  if (width_px != NULL)
    *width_px = (int)lround (mm_to_px (media_specs[media].width_mm));
  if (height_px != NULL)
    *height_px = (int)lround (mm_to_px (media_specs[media].height_mm));
}

const char *
foyer_badge_media_get_cups_name (FoyerBadgeMedia media)
{
  g_return_val_if_fail ((guint)media < G_N_ELEMENTS (media_specs), NULL);
  return media_specs[media].cups_name;
}

typedef struct {
  const char *category;
  const char *label;
  double      r, g, b;
} CategoryStyle;

/* Colours that staff at the door tell apart from a few metres, white text on each. */
static const CategoryStyle category_styles[] = {
  { "trade_visitor", N_("Trade visitor"), 0.08, 0.40, 0.75 },
  { "public", N_("Visitor"), 0.18, 0.49, 0.20 },
  { "media", N_("Media"), 0.90, 0.40, 0.00 },
  { "exhibitor", N_("Exhibitor"), 0.42, 0.11, 0.60 },
  { "vip", N_("VIP"), 0.10, 0.10, 0.10 },
  { "organizer", N_("Organizer"), 0.78, 0.16, 0.16 },
};

static const CategoryStyle *
find_category (const char *category)
{
  for (guint i = 0; category != NULL && i < G_N_ELEMENTS (category_styles); i++)
    if (strcmp (category_styles[i].category, category) == 0)
      return &category_styles[i];
  return NULL;
}

const char *
foyer_badge_category_label (const char *category)
{
  const CategoryStyle *style = find_category (category);

  if (style == NULL)
    return category;
  return g_dgettext (GETTEXT_PACKAGE, style->label);
}

/* --- construction --- */

FoyerBadgeRenderer *
foyer_badge_renderer_new (FoyerBadgeMedia media)
{
  FoyerBadgeRenderer *self;

  g_return_val_if_fail ((guint)media < G_N_ELEMENTS (media_specs), NULL);

  self = g_object_new (FOYER_TYPE_BADGE_RENDERER, NULL);
  self->media = media;
  return self;
}

FoyerBadgeRenderer *
foyer_badge_renderer_new_from_config (FoyerConfig *config)
{
  FoyerBadgeMedia media = FOYER_BADGE_MEDIA_LABEL_100X70;
  FoyerBadgeRenderer *self;
  g_autofree char *event_name = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  /* The config schema already restricts media to the known names. */
  foyer_badge_media_from_string (foyer_config_get_string (config, "badge", "media"), &media);
  self = foyer_badge_renderer_new (media);

  event_name = foyer_config_get_locale_string (config, "badge", "event-name", NULL);
  if (event_name == NULL || *event_name == '\0') {
    g_free (event_name);
    event_name = g_strdup (foyer_config_get_string (config, "kiosk", "event"));
  }
  foyer_badge_renderer_set_event_name (self, event_name);
  return self;
}

FoyerBadgeMedia
foyer_badge_renderer_get_media (FoyerBadgeRenderer *self)
{
  g_return_val_if_fail (FOYER_IS_BADGE_RENDERER (self), FOYER_BADGE_MEDIA_LABEL_100X70);
  return self->media;
}

void
foyer_badge_renderer_set_event_name (FoyerBadgeRenderer *self,
                                     const char         *event_name)
{
  g_return_if_fail (FOYER_IS_BADGE_RENDERER (self));
  g_free (self->event_name);
  self->event_name = g_strdup (event_name);
}

const char *
foyer_badge_renderer_get_event_name (FoyerBadgeRenderer *self)
{
  g_return_val_if_fail (FOYER_IS_BADGE_RENDERER (self), NULL);
  return self->event_name;
}

/* --- geometry --- */

typedef struct {
  double header_y, header_h;     /* event name line */
  double band_y;                 /* top of the category band (= height when none) */
  double text_x, text_y, text_w, text_h;
  double qr_box_x, qr_box_y, qr_box_w, qr_box_h;   /* where the QR code may go */
} Layout;

static void
compute_layout (const MediaSpec *spec,
                gboolean         has_band,
                Layout          *l)
{
  double width = mm_to_px (spec->width_mm);
  double height = mm_to_px (spec->height_mm);
  double margin = mm_to_px (spec->margin_mm);
  double gap = mm_to_px (1.5);

  l->header_y = margin;
  l->header_h = mm_to_px (spec->header_mm * 1.45);
  l->band_y = has_band ? height - mm_to_px (spec->band_mm) : height - margin;

  if (spec->portrait) {
    double top = l->header_y + l->header_h + gap;
    double qr_side = MIN (mm_to_px (spec->qr_max_mm), width - 2 * margin);

    l->text_x = margin;
    l->text_y = top;
    l->text_w = width - 2 * margin;
    l->text_h = MAX (l->band_y - gap - qr_side - top, mm_to_px (10));
    l->qr_box_x = margin;
    l->qr_box_w = width - 2 * margin;
    l->qr_box_y = l->text_y + l->text_h;
    l->qr_box_h = l->band_y - gap - l->qr_box_y;
  } else {
    double top = l->header_y + l->header_h + gap;
    double qr_side = MIN (mm_to_px (spec->qr_max_mm), l->band_y - gap - top);

    l->qr_box_w = qr_side;
    l->qr_box_h = l->band_y - gap - top;
    l->qr_box_x = width - margin - qr_side;
    l->qr_box_y = top;
    l->text_x = margin;
    l->text_y = top;
    l->text_w = l->qr_box_x - margin;
    l->text_h = l->band_y - gap - top;
  }
}

static QRcode *
encode_qr (const char  *payload,
           GError     **error)
{
  QRcode *qr;
  gsize len;

  if (payload == NULL || *payload == '\0') {
    g_set_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_PAYLOAD,
                 _("A badge needs a code to print in its QR code"));
    return NULL;
  }
  len = strlen (payload);
  if (len > 1024) {
    g_set_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_PAYLOAD,
                 _("The badge code is too long for a badge QR code (%u bytes)"), (guint)len);
    return NULL;
  }
  /* 8-bit mode whatever the content: every reader handles it, and badge codes are short. */
  qr = QRcode_encodeData ((int)len, (const unsigned char *)payload, 0, QR_ECLEVEL_M);
  if (qr == NULL) {
    int saved = errno;
    g_set_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_PAYLOAD,
                 _("Cannot make a QR code of the badge code: %s"), g_strerror (saved));
  }
  return qr;
}

static gboolean
place_qr (const MediaSpec      *spec,
          const Layout         *l,
          const QRcode         *qr,
          FoyerBadgeQrGeometry *g,
          GError              **error)
{
  int total = qr->width + 2 * QUIET_MODULES;
  int box = (int)floor (MIN (l->qr_box_w, l->qr_box_h));

  g->version = qr->version;
  g->modules = qr->width;
  g->quiet_modules = QUIET_MODULES;
  g->module_px = box / total;
  if (g->module_px < MIN_MODULE_PX) {
    g_set_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_PAYLOAD,
                 _("The badge code is too long to print legibly on %s media"), spec->name);
    return FALSE;
  }
  g->size_px = total * g->module_px;
  /* Whole pixels: the corner is snapped so that every module edge falls on a pixel edge. */
  if (spec->portrait)
    g->x_px = (int)floor (l->qr_box_x + (l->qr_box_w - g->size_px) / 2);
  else
    g->x_px = (int)floor (l->qr_box_x + l->qr_box_w - g->size_px);
  g->y_px = (int)floor (l->qr_box_y + (l->qr_box_h - g->size_px) / 2);
  return TRUE;
}

gboolean
foyer_badge_renderer_get_qr_geometry (FoyerBadgeRenderer   *self,
                                      const char           *payload,
                                      FoyerBadgeQrGeometry *geometry,
                                      GError              **error)
{
  const MediaSpec *spec;
  QRcode *qr;
  Layout l;
  gboolean ok;

  g_return_val_if_fail (FOYER_IS_BADGE_RENDERER (self), FALSE);
  g_return_val_if_fail (geometry != NULL, FALSE);

  spec = &media_specs[self->media];
  if ((qr = encode_qr (payload, error)) == NULL)
    return FALSE;
  /* The band does not change the QR box on portrait media and only shrinks it on landscape. */
  compute_layout (spec, TRUE, &l);
  ok = place_qr (spec, &l, qr, geometry, error);
  QRcode_free (qr);
  return ok;
}

/* --- text --- */

static void
set_font (PangoLayout *layout,
          double       size_px,
          PangoWeight  weight)
{
  PangoFontDescription *desc = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_weight (desc, weight);
  pango_font_description_set_absolute_size (desc, size_px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
}

/* TRUE when the layout stays within the box and breaks lines only where the script allows:
 * between words, or between CJK characters; never inside a Latin word. */
static gboolean
layout_fits (PangoLayout *layout,
             const char  *text,
             double       box_w,
             double       box_h,
             int          max_lines)
{
  PangoRectangle logical;
  const PangoLogAttr *attrs;
  int n_attrs = 0;
  int n_lines = pango_layout_get_line_count (layout);

  if (n_lines > max_lines)
    return FALSE;
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (logical.width > box_w || logical.height > box_h)
    return FALSE;

  attrs = pango_layout_get_log_attrs_readonly (layout, &n_attrs);
  for (int i = 1; i < n_lines; i++) {
    PangoLayoutLine *line = pango_layout_get_line_readonly (layout, i);
    glong offset = g_utf8_pointer_to_offset (text, text + line->start_index);

    if (offset < n_attrs && !attrs[offset].is_line_break)
      return FALSE;
  }
  return TRUE;
}

/* The largest size from max_px down to min_px at which text fits; below that, min_px with
 * ellipsis: a visitor's name is cut only when nothing else works. */
static PangoLayout *
fit_text (cairo_t        *cr,
          const char     *text,
          PangoWeight     weight,
          PangoAlignment  alignment,
          double          box_w,
          double          box_h,
          double          max_px,
          double          min_px,
          int             max_lines,
          double         *out_size_px,
          gboolean       *out_ellipsized)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);

  pango_layout_set_text (layout, text, -1);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_width (layout, (int)(box_w * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_set_spacing (layout, 0);

  for (double size = max_px; size >= min_px; size *= 0.95) {
    set_font (layout, size, weight);
    if (layout_fits (layout, text, box_w, box_h, max_lines)) {
      if (out_size_px != NULL)
        *out_size_px = size;
      if (out_ellipsized != NULL)
        *out_ellipsized = FALSE;
      return layout;
    }
  }

  g_debug ("text does not fit at %.0f px: ellipsizing", min_px);
  if (out_size_px != NULL)
    *out_size_px = min_px;
  if (out_ellipsized != NULL)
    *out_ellipsized = TRUE;
  set_font (layout, min_px, weight);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -max_lines);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.height;
}

static gboolean
has_han (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

/* full_name, else the parts in the order the name's script uses. */
static char *
display_name (const FoyerRegistration *reg)
{
  const char *family = reg->family_name;
  const char *given = reg->given_name;

  if (reg->full_name != NULL && *reg->full_name != '\0')
    return g_strdup (reg->full_name);
  if (family != NULL && given != NULL)
    return has_han (family) ? g_strconcat (family, given, NULL)
                            : g_strconcat (given, " ", family, NULL);
  return g_strdup (family != NULL ? family : given != NULL ? given : "");
}

/* --- drawing --- */

static void
draw_qr (cairo_t                    *cr,
         const QRcode               *qr,
         const FoyerBadgeQrGeometry *g)
{
  int origin_x = g->x_px + g->quiet_modules * g->module_px;
  int origin_y = g->y_px + g->quiet_modules * g->module_px;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, g->x_px, g->y_px, g->size_px, g->size_px);
  cairo_fill (cr);

  /* Runs of dark modules per row as one rectangle each: no hairline seams between modules. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int y = 0; y < qr->width; y++) {
    for (int x = 0; x < qr->width; x++) {
      int start = x;

      while (x < qr->width && (qr->data[y * qr->width + x] & 1))
        x++;
      if (x > start)
        cairo_rectangle (cr, origin_x + start * g->module_px, origin_y + y * g->module_px,
                         (x - start) * g->module_px, g->module_px);
    }
  }
  cairo_fill (cr);
  cairo_restore (cr);
}

/* Same metrics in PDF and PNG: no hinting, so lines break at the same places in both. */
static void
prepare_surface (cairo_t *cr)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options (cr, options);
  cairo_font_options_destroy (options);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
}

/* The event's name on top, underlined across the badge. */
static void
draw_header (cairo_t         *cr,
             const char      *event_name,
             const MediaSpec *spec,
             const Layout    *l)
{
  double width = mm_to_px (spec->width_mm);
  PangoLayout *layout;

  if (event_name == NULL || *event_name == '\0')
    return;
  layout = pango_cairo_create_layout (cr);
  set_font (layout, mm_to_px (spec->header_mm), PANGO_WEIGHT_BOLD);
  pango_layout_set_text (layout, event_name, -1);
  pango_layout_set_width (layout, (int)((width - 2 * mm_to_px (spec->margin_mm)) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, spec->portrait ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  cairo_move_to (cr, mm_to_px (spec->margin_mm), l->header_y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);

  cairo_set_line_width (cr, mm_to_px (0.3));
  cairo_move_to (cr, mm_to_px (spec->margin_mm), l->header_y + l->header_h);
  cairo_line_to (cr, width - mm_to_px (spec->margin_mm), l->header_y + l->header_h);
  cairo_stroke (cr);
}

/* Name, then organization below it; the two centred together in the text area. */
static void
draw_name_block (cairo_t                 *cr,
                 const FoyerRegistration *reg,
                 const MediaSpec         *spec,
                 const Layout            *l,
                 FoyerBadgeTextFit       *fit)
{
  g_autofree char *name = display_name (reg);
  PangoAlignment align = spec->portrait ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT;
  PangoLayout *layout;
  PangoLayout *org_layout = NULL;
  double name_h, org_h = 0, block_h, y;
  double gap = mm_to_px (1.8);

  layout = fit_text (cr, name, PANGO_WEIGHT_BOLD, align, l->text_w, l->text_h * 0.66,
                     mm_to_px (spec->name_max_mm), mm_to_px (spec->name_min_mm), NAME_MAX_LINES,
                     &fit->name_size_px, &fit->name_ellipsized);
  fit->name_lines = pango_layout_get_line_count (layout);
  name_h = layout_height (layout);
  if (reg->organization != NULL && *reg->organization != '\0') {
    org_layout = fit_text (cr, reg->organization, PANGO_WEIGHT_NORMAL, align,
                           l->text_w, l->text_h - name_h - gap,
                           mm_to_px (spec->org_max_mm), mm_to_px (spec->org_min_mm), 2,
                           NULL, &fit->organization_ellipsized);
    org_h = layout_height (org_layout);
  }
  block_h = name_h + (org_layout != NULL ? gap + org_h : 0);
  y = l->text_y + MAX (0, (l->text_h - block_h) / 2);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, l->text_x, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  if (org_layout != NULL) {
    cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
    cairo_move_to (cr, l->text_x, y + name_h + gap);
    pango_cairo_show_layout (cr, org_layout);
    g_object_unref (org_layout);
  }
}

/* Category band, full bleed: its colour is what staff at the door look for. */
static void
draw_category_band (cairo_t         *cr,
                    const char      *category,
                    const MediaSpec *spec,
                    const Layout    *l)
{
  const CategoryStyle *style = find_category (category);
  const char *english = style != NULL ? style->label : category;
  const char *translated = foyer_badge_category_label (category);
  double width = mm_to_px (spec->width_mm);
  double band_h = mm_to_px (spec->height_mm) - l->band_y;
  g_autofree char *label = NULL;
  PangoLayout *layout;

  if (strcmp (english, translated) != 0) {
    g_autofree char *upper = g_utf8_strup (english, -1);
    label = g_strdup_printf ("%s  %s", translated, upper);
  } else {
    label = g_utf8_strup (english, -1);
  }

  if (style != NULL)
    cairo_set_source_rgb (cr, style->r, style->g, style->b);
  else
    cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_rectangle (cr, 0, l->band_y, width, band_h);
  cairo_fill (cr);

  layout = fit_text (cr, label, PANGO_WEIGHT_BOLD, PANGO_ALIGN_CENTER,
                     width - 2 * mm_to_px (spec->margin_mm), band_h * 0.9,
                     mm_to_px (spec->band_font_mm), mm_to_px (spec->band_font_mm) * 0.5, 1,
                     NULL, NULL);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, mm_to_px (spec->margin_mm),
                 l->band_y + (band_h - layout_height (layout)) / 2);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_badge (FoyerBadgeRenderer         *self,
            cairo_t                    *cr,
            const FoyerRegistration    *reg,
            const QRcode               *qr,
            const Layout               *l,
            const FoyerBadgeQrGeometry *g,
            FoyerBadgeTextFit          *fit)
{
  FoyerBadgeTextFit self_fit = { 0 };
  const MediaSpec *spec = &media_specs[self->media];

  prepare_surface (cr);
  draw_header (cr, self->event_name, spec, l);
  draw_name_block (cr, reg, spec, l, &self_fit);
  if (reg->category != NULL)
    draw_category_band (cr, reg->category, spec, l);
  draw_qr (cr, qr, g);

  self_fit.name_size_mm = self_fit.name_size_px * 25.4 / FOYER_BADGE_DPI;
  if (fit != NULL)
    *fit = self_fit;
}

static cairo_status_t
append_to_byte_array (void                *closure,
                      const unsigned char *data,
                      unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* cairo writes no resolution into PNGs; gdk-pixbuf does (pHYs), so the badge opens and prints at
 * its real size instead of 72 dpi. */
static gboolean
write_png_300dpi (cairo_surface_t *surface,
                  GByteArray      *out)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *src;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *buffer = NULL;
  gsize size = 0;
  guint8 *dst;
  int dst_stride;

  cairo_surface_flush (surface);
  src = cairo_image_surface_get_data (surface);
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  dst = gdk_pixbuf_get_pixels (pixbuf);
  dst_stride = gdk_pixbuf_get_rowstride (pixbuf);
  /* CAIRO_FORMAT_RGB24: one native-endian 32-bit word per pixel, x8r8g8b8 */
  for (int y = 0; y < height; y++) {
    const guint32 *row = (const guint32 *)(src + y * stride);
    guint8 *d = dst + y * dst_stride;

    for (int x = 0; x < width; x++) {
      d[3 * x] = (row[x] >> 16) & 0xff;
      d[3 * x + 1] = (row[x] >> 8) & 0xff;
      d[3 * x + 2] = row[x] & 0xff;
    }
  }
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL,
                                  "x-dpi", "300", "y-dpi", "300", NULL))
    return FALSE;
  g_byte_array_append (out, (const guint8 *)buffer, size);
  return TRUE;
}

GBytes *
foyer_badge_renderer_render (FoyerBadgeRenderer      *self,
                             const FoyerRegistration *reg,
                             const char              *payload,
                             FoyerBadgeFormat         format,
                             GError                 **error)
{
  const MediaSpec *spec;
  g_autoptr(GByteArray) out = NULL;
  FoyerBadgeQrGeometry geometry;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  QRcode *qr;
  Layout l;
  int width_px, height_px;

  g_return_val_if_fail (FOYER_IS_BADGE_RENDERER (self), NULL);
  g_return_val_if_fail (reg != NULL, NULL);

  spec = &media_specs[self->media];
  if ((qr = encode_qr (payload, error)) == NULL)
    return NULL;
  compute_layout (spec, reg->category != NULL, &l);
  if (!place_qr (spec, &l, qr, &geometry, error)) {
    QRcode_free (qr);
    return NULL;
  }

  out = g_byte_array_new ();
  foyer_badge_media_get_size_px (self->media, &width_px, &height_px);
  if (format == FOYER_BADGE_FORMAT_PDF) {
    surface = cairo_pdf_surface_create_for_stream (append_to_byte_array, out,
                                                   spec->width_mm / 25.4 * 72.0,
                                                   spec->height_mm / 25.4 * 72.0);
    /* No personal data in the metadata: print queues and file managers show it. */
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "Foyer badge");
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Foyer");
    cr = cairo_create (surface);
    cairo_scale (cr, 72.0 / FOYER_BADGE_DPI, 72.0 / FOYER_BADGE_DPI);
  } else {
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width_px, height_px);
    cr = cairo_create (surface);
  }

  draw_badge (self, cr, reg, qr, &l, &geometry, NULL);
  QRcode_free (qr);
  cairo_show_page (cr);

  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == FOYER_BADGE_FORMAT_PNG &&
      !write_png_300dpi (surface, out)) {
    cairo_surface_destroy (surface);
    g_set_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_FAILED,
                 _("Cannot write the badge as PNG"));
    return NULL;
  }
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_FAILED,
                 _("Cannot draw the badge: %s"), cairo_status_to_string (status));
    return NULL;
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
foyer_badge_renderer_measure_text (FoyerBadgeRenderer      *self,
                                   const FoyerRegistration *reg,
                                   const char              *payload,
                                   FoyerBadgeTextFit       *fit,
                                   GError                 **error)
{
  const MediaSpec *spec;
  FoyerBadgeQrGeometry geometry;
  cairo_surface_t *surface;
  cairo_t *cr;
  QRcode *qr;
  Layout l;

  g_return_val_if_fail (FOYER_IS_BADGE_RENDERER (self), FALSE);
  g_return_val_if_fail (reg != NULL && fit != NULL, FALSE);

  spec = &media_specs[self->media];
  if ((qr = encode_qr (payload, error)) == NULL)
    return FALSE;
  compute_layout (spec, reg->category != NULL, &l);
  if (!place_qr (spec, &l, qr, &geometry, error)) {
    QRcode_free (qr);
    return FALSE;
  }
  surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR, NULL);
  cr = cairo_create (surface);
  draw_badge (self, cr, reg, qr, &l, &geometry, fit);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  QRcode_free (qr);
  return TRUE;
}

gboolean
foyer_badge_renderer_render_to_file (FoyerBadgeRenderer      *self,
                                     const FoyerRegistration *reg,
                                     const char              *payload,
                                     const char              *path,
                                     GError                 **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *lower = NULL;
  FoyerBadgeFormat format;
  gconstpointer data;
  gsize size;

  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".pdf")) {
    format = FOYER_BADGE_FORMAT_PDF;
  } else if (g_str_has_suffix (lower, ".png")) {
    format = FOYER_BADGE_FORMAT_PNG;
  } else {
    g_set_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_FORMAT,
                 _("Cannot tell the badge format from “%s”: name it .pdf or .png"), path);
    return FALSE;
  }

  if ((bytes = foyer_badge_renderer_render (self, reg, payload, format, error)) == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  return g_file_set_contents_full (path, data, size, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

char *
foyer_badge_payload_for_registration (const FoyerRegistration  *reg,
                                      FoyerBadgeCode           *signer,
                                      const char               *event,
                                      GError                  **error)
{
  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (signer == NULL || FOYER_IS_BADGE_CODE (signer), NULL);

  /* A Foyer badge already issued for this record keeps its code on a reprint. */
  if (reg->badge_code != NULL && foyer_badge_code_looks_like (reg->badge_code, -1))
    return g_strdup (reg->badge_code);
  if (signer != NULL && foyer_badge_code_can_sign (signer) && reg->id != NULL)
    return foyer_badge_code_sign (signer, event != NULL ? event : reg->event, reg->id, error);
  if (reg->badge_code != NULL && *reg->badge_code != '\0')
    return g_strdup (reg->badge_code);
  if (reg->id != NULL && *reg->id != '\0')
    return g_strdup (reg->id);
  g_set_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_PAYLOAD,
               _("This record has no badge code and no id yet: save it before printing"));
  return NULL;
}
