/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-qr-paintable.c: libqrencode's modules drawn as rectangles in a GtkSnapshot, each module
 * a whole number of pixels when there is room, so the code stays sharp for a phone camera at
 * any size. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <qrencode.h>

#include "foyer-qr-paintable.h"

struct _FoyerQrPaintable {
  GObject  parent_instance;

  int      modules;   /* per side */
  guint8  *dark;      /* modules × modules, 1 = dark */
};

static void foyer_qr_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerQrPaintable, foyer_qr_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      foyer_qr_paintable_paintable_init))

FoyerQrPaintable *
foyer_qr_paintable_new (const guint8 *data,
                        gsize         len)
{
  FoyerQrPaintable *self;
  QRcode *code;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len == 0 || len > G_MAXINT)
    return NULL;
  code = QRcode_encodeData ((int)len, data, 0, QR_ECLEVEL_M);
  if (code == NULL)
    return NULL;

  self = g_object_new (FOYER_TYPE_QR_PAINTABLE, NULL);
  self->modules = code->width;
  self->dark = g_malloc ((gsize)code->width * code->width);
  for (int i = 0; i < code->width * code->width; i++)
    self->dark[i] = code->data[i] & 1;
  QRcode_free (code);
  return self;
}

FoyerQrPaintable *
foyer_qr_paintable_new_for_string (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);
  return foyer_qr_paintable_new ((const guint8 *)text, strlen (text));
}

int
foyer_qr_paintable_get_modules (FoyerQrPaintable *self)
{
  g_return_val_if_fail (FOYER_IS_QR_PAINTABLE (self), 0);
  return self->modules;
}

gboolean
foyer_qr_paintable_get_module (FoyerQrPaintable *self,
                               int               x,
                               int               y)
{
  g_return_val_if_fail (FOYER_IS_QR_PAINTABLE (self), FALSE);
  g_return_val_if_fail (x >= 0 && x < self->modules && y >= 0 && y < self->modules, FALSE);
  return self->dark[y * self->modules + x] != 0;
}

static void
foyer_qr_paintable_snapshot (GdkPaintable *paintable,
                             GdkSnapshot  *snapshot,
                             double        width,
                             double        height)
{
  FoyerQrPaintable *self = FOYER_QR_PAINTABLE (paintable);
  const GdkRGBA white = { 1, 1, 1, 1 };
  const GdkRGBA black = { 0, 0, 0, 1 };
  int total = self->modules + 2 * FOYER_QR_PAINTABLE_QUIET_ZONE;
  double side = MIN (width, height);
  double module = side / total;
  double x0, y0;

  /* Whole pixels per module when the code is at least one pixel per module: no blurred edges. */
  if (module >= 1.0)
    module = floor (module);
  x0 = floor ((width - module * total) / 2.0);
  y0 = floor ((height - module * total) / 2.0);

  gtk_snapshot_append_color (snapshot, &white,
                             &GRAPHENE_RECT_INIT (x0, y0, module * total, module * total));

  /* One rectangle per horizontal run of dark modules keeps the render tree small. */
  for (int y = 0; y < self->modules; y++) {
    int x = 0;

    while (x < self->modules) {
      int start;

      if (!self->dark[y * self->modules + x]) {
        x++;
        continue;
      }
      start = x;
      while (x < self->modules && self->dark[y * self->modules + x])
        x++;
      gtk_snapshot_append_color (snapshot, &black,
                                 &GRAPHENE_RECT_INIT (x0 + (start + FOYER_QR_PAINTABLE_QUIET_ZONE) * module,
                                                      y0 + (y + FOYER_QR_PAINTABLE_QUIET_ZONE) * module,
                                                      (x - start) * module,
                                                      module));
    }
  }
}

static int
foyer_qr_paintable_get_intrinsic_size (GdkPaintable *paintable)
{
  FoyerQrPaintable *self = FOYER_QR_PAINTABLE (paintable);

  return (self->modules + 2 * FOYER_QR_PAINTABLE_QUIET_ZONE) * 4;
}

static double
foyer_qr_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return 1.0;
}

static GdkPaintableFlags
foyer_qr_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
foyer_qr_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = foyer_qr_paintable_snapshot;
  iface->get_intrinsic_width = foyer_qr_paintable_get_intrinsic_size;
  iface->get_intrinsic_height = foyer_qr_paintable_get_intrinsic_size;
  iface->get_intrinsic_aspect_ratio = foyer_qr_paintable_get_intrinsic_aspect_ratio;
  iface->get_flags = foyer_qr_paintable_get_flags;
}

static void
foyer_qr_paintable_finalize (GObject *object)
{
  FoyerQrPaintable *self = (FoyerQrPaintable *)object;

  g_clear_pointer (&self->dark, g_free);

  G_OBJECT_CLASS (foyer_qr_paintable_parent_class)->finalize (object);
}

static void
foyer_qr_paintable_class_init (FoyerQrPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_qr_paintable_finalize;
}

static void
foyer_qr_paintable_init (FoyerQrPaintable *self)
{
}
