/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-badge-renderer.h: lays out a visitor badge (cairo + pango + libqrencode) as PDF or PNG.
 *
 * No GTK: foyerctl, the printer and the tests render without a display. Drawing happens in
 * 300 dpi device pixels for both outputs, so the QR code's modules are whole pixels on a 300 dpi
 * printer and in the PNG.
 */
#pragma once

#include <glib-object.h>

#include "foyer-badge-code.h"
#include "foyer-config.h"
#include "foyer-record.h"

G_BEGIN_DECLS

#define FOYER_BADGE_RENDERER_ERROR (foyer_badge_renderer_error_quark ())

typedef enum {
  FOYER_BADGE_RENDERER_ERROR_PAYLOAD = 1,   /* no payload, or too large for a QR code on the media */
  FOYER_BADGE_RENDERER_ERROR_FORMAT,        /* an output name that is neither .pdf nor .png */
  FOYER_BADGE_RENDERER_ERROR_FAILED,        /* cairo could not draw or write */
} FoyerBadgeRendererError;

GQuark foyer_badge_renderer_error_quark (void);

#define FOYER_BADGE_DPI 300

typedef enum {
  FOYER_BADGE_MEDIA_LABEL_100X70,   /* 100 × 70 mm label, landscape (default) */
  FOYER_BADGE_MEDIA_4X3IN,          /* 4 × 3 in label, landscape */
  FOYER_BADGE_MEDIA_A6,             /* A6 card, 105 × 148 mm portrait */
} FoyerBadgeMedia;

typedef enum {
  FOYER_BADGE_FORMAT_PDF,
  FOYER_BADGE_FORMAT_PNG,
} FoyerBadgeFormat;

/* The QR code's placement, in 300 dpi device pixels from the badge's top left corner. */
typedef struct {
  int version;          /* QR version libqrencode chose (8-bit mode, ECC M) */
  int modules;          /* modules per side, without the quiet zone */
  int quiet_modules;    /* quiet zone on each side, in modules (≥ 4) */
  int module_px;        /* whole device pixels per module at 300 dpi */
  int x_px, y_px;       /* top left of the quiet zone */
  int size_px;          /* side including the quiet zone: (modules + 2 * quiet) * module_px */
} FoyerBadgeQrGeometry;

/* How the texts were fitted, for tests and for staff previews. */
typedef struct {
  double   name_size_px;            /* font size the name was set in */
  double   name_size_mm;
  int      name_lines;
  gboolean name_ellipsized;         /* TRUE only when even the smallest size did not fit */
  gboolean organization_ellipsized;
} FoyerBadgeTextFit;

/* "label-100x70", "4x3in", "a6" ↔ media */
gboolean     foyer_badge_media_from_string  (const char        *name,
                                             FoyerBadgeMedia   *media);
const char  *foyer_badge_media_to_string    (FoyerBadgeMedia    media);
/* Width and height in millimetres as printed (landscape labels are wider than tall). */
void         foyer_badge_media_get_size_mm  (FoyerBadgeMedia    media,
                                             double            *width_mm,
                                             double            *height_mm);
/* Width and height in whole 300 dpi pixels. */
void         foyer_badge_media_get_size_px  (FoyerBadgeMedia    media,
                                             int               *width_px,
                                             int               *height_px);
/* The CUPS/IPP media name, e.g. "iso_a6_105x148mm", "custom_100x70mm_100x70mm". */
const char  *foyer_badge_media_get_cups_name (FoyerBadgeMedia   media);
/* A category's name on a badge, translated (current locale); NULL category → NULL. */
const char  *foyer_badge_category_label     (const char        *category);

#define FOYER_TYPE_BADGE_RENDERER (foyer_badge_renderer_get_type ())
G_DECLARE_FINAL_TYPE (FoyerBadgeRenderer, foyer_badge_renderer, FOYER, BADGE_RENDERER, GObject)

FoyerBadgeRenderer *foyer_badge_renderer_new             (FoyerBadgeMedia      media);
/* [badge] media and event-name (falling back to [kiosk] event). */
FoyerBadgeRenderer *foyer_badge_renderer_new_from_config (FoyerConfig         *config);
FoyerBadgeMedia     foyer_badge_renderer_get_media       (FoyerBadgeRenderer  *self);
void                foyer_badge_renderer_set_event_name  (FoyerBadgeRenderer  *self,
                                                          const char          *event_name);
const char         *foyer_badge_renderer_get_event_name  (FoyerBadgeRenderer  *self);

/* Where the QR code for payload goes on this media. */
gboolean            foyer_badge_renderer_get_qr_geometry (FoyerBadgeRenderer  *self,
                                                          const char          *payload,
                                                          FoyerBadgeQrGeometry *geometry,
                                                          GError             **error);
/* The badge of reg carrying payload in its QR code. Thread-safe for distinct renderers; one
 * renderer may be shared between threads too (it holds no drawing state). */
GBytes             *foyer_badge_renderer_render          (FoyerBadgeRenderer  *self,
                                                          const FoyerRegistration *reg,
                                                          const char          *payload,
                                                          FoyerBadgeFormat     format,
                                                          GError             **error);
/* Lays the badge out without output and reports how the name and organization were fitted. */
gboolean            foyer_badge_renderer_measure_text    (FoyerBadgeRenderer  *self,
                                                          const FoyerRegistration *reg,
                                                          const char          *payload,
                                                          FoyerBadgeTextFit   *fit,
                                                          GError             **error);
/* Renders to path (format from its extension, .pdf or .png); the file is created mode 0600
 * because a badge holds personal data. */
gboolean            foyer_badge_renderer_render_to_file  (FoyerBadgeRenderer  *self,
                                                          const FoyerRegistration *reg,
                                                          const char          *payload,
                                                          const char          *path,
                                                          GError             **error);
/* The payload a badge of reg carries: signed by signer when it can sign, else reg->badge_code,
 * else reg->id. event is used for signing (NULL: reg->event). */
char               *foyer_badge_payload_for_registration (const FoyerRegistration *reg,
                                                          FoyerBadgeCode      *signer,
                                                          const char          *event,
                                                          GError             **error);

G_END_DECLS
