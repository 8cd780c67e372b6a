/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-zxing.cpp: zxing-cpp behind a C interface (see foyer-zxing.h). */
#include "foyer-zxing.h"

#include <exception>

#include <ZXing/ReadBarcode.h>

namespace {

const char *
type_name (ZXing::BarcodeFormat format)
{
  switch (format) {
  case ZXing::BarcodeFormat::QRCode: return "QR-Code";
  case ZXing::BarcodeFormat::Code128: return "CODE-128";
  case ZXing::BarcodeFormat::Code39: return "CODE-39";
  case ZXing::BarcodeFormat::EAN13: return "EAN-13";
  default: return nullptr;
  }
}

int
read_barcodes (const guint8   *gray,
               int             width,
               int             height,
               int             stride,
               bool            try_harder,
               FoyerZxingFunc  func,
               gpointer        user_data)
{
  ZXing::ImageView image (gray, width, height, ZXing::ImageFormat::Lum, stride);
  ZXing::DecodeHints hints;
  int found = 0;

  hints.setFormats (ZXing::BarcodeFormat::QRCode | ZXing::BarcodeFormat::Code128 |
                    ZXing::BarcodeFormat::Code39 | ZXing::BarcodeFormat::EAN13);
  hints.setTryHarder (try_harder);
  hints.setTryRotate (try_harder);
  hints.setTryDownscale (true);
  for (const ZXing::Result &result : ZXing::ReadBarcodes (image, hints)) {
    const char *type = type_name (result.format ());
    const ZXing::ByteArray &bytes = result.bytes ();
    const ZXing::Position &pos = result.position ();
    int corners[8];

    if (!result.isValid () || type == nullptr || bytes.empty ())
      continue;
    for (int i = 0; i < 4; i++) {
      corners[2 * i] = pos[i].x;
      corners[2 * i + 1] = pos[i].y;
    }
    func (type, bytes.data (), bytes.size (), result.hasECI (), corners, user_data);
    found++;
  }
  return found;
}

} // namespace

extern "C" int
foyer_zxing_read (const guint8   *gray,
                  int             width,
                  int             height,
                  int             stride,
                  gboolean        try_harder,
                  FoyerZxingFunc  func,
                  gpointer        user_data,
                  char          **error_message)
{
  g_return_val_if_fail (gray != nullptr && width > 0 && height > 0 && stride >= width, -1);
  g_return_val_if_fail (func != nullptr, -1);

  /* A C caller cannot unwind a C++ exception: every one ends here as an error. */
  try {
    return read_barcodes (gray, width, height, stride, try_harder != FALSE, func, user_data);
  } catch (const std::exception &e) {
    if (error_message != nullptr)
      *error_message = g_strdup_printf ("zxing: %s", e.what ());
  } catch (...) {
    if (error_message != nullptr)
      *error_message = g_strdup ("zxing: unknown failure");
  }
  return -1;
}
