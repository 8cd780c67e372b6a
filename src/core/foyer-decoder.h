/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-decoder.h: finds QR codes and badge barcodes in 8-bit grayscale frames.
 *
 * zbar and zxing-cpp do the decoding (stills: zbarimg's own scan first, then zxing; camera
 * frames: zxing first, the cheaper); when a frame yields nothing, the decoder spends what is left
 * of a per-frame time budget on second chances (inverted, rescaled, contrast-stretched and
 * locally binarized copies), ordered by how often each one paid per millisecond (docs/decoder.md).
 * One decoder is used by one thread at a time (the camera's worker, foyerctl, a test).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FOYER_DECODER_ERROR (foyer_decoder_error_quark ())

typedef enum {
  FOYER_DECODER_ERROR_UNREADABLE = 1,  /* the image file cannot be read or is not an image */
  FOYER_DECODER_ERROR_INVALID,         /* bad frame geometry */
} FoyerDecoderError;

GQuark foyer_decoder_error_quark (void);

/* One decoded symbol: zbar's type name ("QR-Code", "CODE-128", "CODE-39", "EAN-13"), the exact
 * bytes it carries (zbar's ZBAR_CFG_BINARY or zxing's raw bytes: no charset guessing) and the
 * pass that found it ("zxing" for the second engine). */
typedef struct {
  char   *type;
  GBytes *bytes;
  char   *pass;
  /* bounding box in the coordinates of the frame given to the decoder; 0×0 when unknown */
  int     x;
  int     y;
  int     width;
  int     height;
} FoyerSymbol;

#define FOYER_TYPE_SYMBOL (foyer_symbol_get_type ())
GType        foyer_symbol_get_type (void) G_GNUC_CONST;
FoyerSymbol *foyer_symbol_copy     (const FoyerSymbol *symbol);
void         foyer_symbol_free     (FoyerSymbol       *symbol);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerSymbol, foyer_symbol_free)

#define FOYER_DECODER_DEFAULT_BUDGET_MS 30

#define FOYER_TYPE_DECODER (foyer_decoder_get_type ())
G_DECLARE_FINAL_TYPE (FoyerDecoder, foyer_decoder, FOYER, DECODER, GObject)

FoyerDecoder *foyer_decoder_new              (void);
/* CPU time (of the calling thread) the second chances may use per frame, in ms; 0 means no
 * limit (still images, tests). The first pass always runs. */
void          foyer_decoder_set_budget_ms    (FoyerDecoder  *self,
                                              guint          budget_ms);
guint         foyer_decoder_get_budget_ms    (FoyerDecoder  *self);
/* Restricts the decoder to the named passes in this order (NULL: the default order). Used by
 * the measuring tools; unknown names are ignored. */
void          foyer_decoder_set_passes       (FoyerDecoder       *self,
                                              const char * const *passes);
/* Stream mode (camera frames): each frame gets the first pass and one second chance, taken in
 * turn, so that consecutive frames share the work and no frame takes the whole budget. */
void          foyer_decoder_set_stream_mode  (FoyerDecoder  *self,
                                              gboolean       stream);
/* Still images: run every pass (within the budget) even after a code was found, to list every
 * code in the image (a small code printed inside a larger one, a sheet of badges). */
void          foyer_decoder_set_find_all     (FoyerDecoder  *self,
                                              gboolean       find_all);
/* Every pass name the decoder knows (for the measuring tools). */
const char * const *foyer_decoder_list_passes (void);

/* Decodes one frame. Returns an array of FoyerSymbol (empty when nothing was found). */
GPtrArray    *foyer_decoder_decode_gray      (FoyerDecoder  *self,
                                              const guint8  *data,
                                              guint          width,
                                              guint          height,
                                              guint          stride);

/* Loads a PNG/JPEG/… file and converts it to 8-bit gray (luma). Returns packed rows. */
guint8       *foyer_decoder_load_gray        (const char    *path,
                                              guint         *width,
                                              guint         *height,
                                              GError       **error);

G_END_DECLS
