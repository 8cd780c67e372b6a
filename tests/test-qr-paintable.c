/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-qr-paintable.c: the badge QR code renders with whole-pixel modules (only pure black and
 * white pixels), keeps its quiet zone, and zbar reads it back at several sizes. */
#include "config.h"

#include <zbar.h>

#include "foyer-qr-paintable.h"
#include "foyer-test-util-ui.h"

static GdkTexture *
render (GdkPaintable *paintable,
        int           size)
{
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GError) error = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkTexture *texture;

  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  gdk_paintable_snapshot (paintable, snapshot, size, size);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, size, size));
  gsk_renderer_unrealize (renderer);
  return texture;
}

/* Grey levels of the texture (ARGB32 as downloaded). */
static guint8 *
grey_pixels (GdkTexture *texture,
             int        *width,
             int        *height)
{
  int w = gdk_texture_get_width (texture);
  int h = gdk_texture_get_height (texture);
  g_autofree guint8 *argb = g_malloc ((gsize)w * h * 4);
  guint8 *grey = g_malloc ((gsize)w * h);

  gdk_texture_download (texture, argb, (gsize)w * 4);
  for (int i = 0; i < w * h; i++) {
    guint32 px = ((guint32 *)argb)[i];
    guint a = (px >> 24) & 0xff;
    guint r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

    /* Transparent counts as white paper. */
    grey[i] = a == 0 ? 255 : (guint8)((r * 30 + g * 59 + b * 11) / 100);
  }
  *width = w;
  *height = h;
  return grey;
}

static char *
zbar_read (const guint8 *grey,
           int           width,
           int           height)
{
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();
  zbar_image_t *image = zbar_image_create ();
  const zbar_symbol_t *symbol;
  char *text = NULL;

  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, grey, (unsigned long)width * height, NULL);

  if (zbar_scan_image (scanner, image) > 0) {
    symbol = zbar_image_first_symbol (image);
    text = g_strndup (zbar_symbol_get_data (symbol), zbar_symbol_get_data_length (symbol));
  }
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return text;
}

static void
check_code (const char *payload)
{
  g_autoptr(FoyerQrPaintable) qr = foyer_qr_paintable_new_for_string (payload);
  const int sizes[] = { 150, 237, 320, 411 };
  int modules;

  g_assert_nonnull (qr);
  modules = foyer_qr_paintable_get_modules (qr);
  g_assert_cmpint (modules, >=, 21);
  g_assert_cmpint ((modules - 17) % 4, ==, 0);
  /* Finder pattern corners are dark. */
  g_assert_true (foyer_qr_paintable_get_module (qr, 0, 0));
  g_assert_true (foyer_qr_paintable_get_module (qr, modules - 1, 0));
  g_assert_true (foyer_qr_paintable_get_module (qr, 0, modules - 1));
  g_assert_cmpfloat (gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (qr)), ==, 1.0);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autoptr(GdkTexture) texture = render (GDK_PAINTABLE (qr), sizes[i]);
    g_autofree guint8 *grey = NULL;
    g_autofree char *read = NULL;
    int w, h, module, x0;
    gboolean quiet = TRUE;

    grey = grey_pixels (texture, &w, &h);

    /* Crisp: whole-pixel modules, so no grey anti-aliasing anywhere. */
    for (int p = 0; p < w * h; p++)
      if (grey[p] != 0 && grey[p] != 255)
        g_error ("size %d: grey pixel %d at (%d,%d)", sizes[i], grey[p], p % w, p / w);

    /* The quiet zone of 4 modules is white. */
    module = sizes[i] / (modules + 2 * FOYER_QR_PAINTABLE_QUIET_ZONE);
    x0 = (sizes[i] - module * (modules + 2 * FOYER_QR_PAINTABLE_QUIET_ZONE)) / 2;
    for (int y = x0; y < x0 + 4 * module; y++)
      for (int x = x0; x < w - x0; x++)
        quiet = quiet && grey[y * w + x] == 255;
    g_assert_true (quiet);
    /* The first finder module is where it should be. */
    g_assert_cmpint (grey[(x0 + 4 * module) * w + x0 + 4 * module], ==, 0);

    read = zbar_read (grey, w, h);
    g_assert_cmpstr (read, ==, payload);
  }
}

static void
test_badge_code (void)
{
  check_code ("EXPO26-000123");
}

static void
test_long_utf8 (void)
{
  check_code ("FY1:EXPO-2026:3F2A9C1B7D40:ABCD:"
              "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJQWEY3EMVTGO2DJNJVWY3LON5YHC4TTORZXK5TXPB4XU");
}

static void
test_cjk_text (void)
{
  check_code ("张伟 · 上海精密仪器有限公司 · 专业观众");
}

static void
test_too_large (void)
{
  g_autofree char *big = g_strnfill (4000, 'x');

  g_assert_null (foyer_qr_paintable_new_for_string (big));
  g_assert_null (foyer_qr_paintable_new_for_string (""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  foyer_test_ui_init ();

  g_test_add_func ("/qr-paintable/badge-code", test_badge_code);
  g_test_add_func ("/qr-paintable/long-utf8", test_long_utf8);
  g_test_add_func ("/qr-paintable/cjk-text", test_cjk_text);
  g_test_add_func ("/qr-paintable/too-large", test_too_large);
  return g_test_run ();
}
