/* SPDX-License-Identifier: GPL-3.0-or-later */
/* badge-test-util.c: helpers of the badge tests (see badge-test-util.h). */
#include "config.h"

#include <cairo.h>
#include <gio/gio.h>

#include "foyer-decoder.h"
#include "badge-test-util.h"

int
badge_test_run (const char * const *argv,
                char              **out,
                char              **err)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                  G_SUBPROCESS_FLAGS_STDIN_PIPE, &error);
  g_assert_no_error (error);
  g_autoptr(GBytes) in = g_bytes_new (NULL, 0);

  g_subprocess_communicate (proc, in, NULL, &out_bytes, &err_bytes, &error);
  g_assert_no_error (error);
  /* g_strndup (NULL, 0) is NULL: empty output must still be a string. */
  if (out != NULL)
    *out = g_strndup (g_bytes_get_size (out_bytes) > 0 ? g_bytes_get_data (out_bytes, NULL) : "",
                      g_bytes_get_size (out_bytes));
  if (err != NULL)
    *err = g_strndup (g_bytes_get_size (err_bytes) > 0 ? g_bytes_get_data (err_bytes, NULL) : "",
                      g_bytes_get_size (err_bytes));
  if (g_subprocess_get_if_signaled (proc))
    return 128 + g_subprocess_get_term_sig (proc);
  return g_subprocess_get_exit_status (proc);
}

char *
badge_test_decode_png (const char *png_path)
{
  /* Foyer's own decoder, as the kiosk reads codes: no time budget for a still image. */
  g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
  g_autoptr(GPtrArray) symbols = NULL;
  g_autofree guint8 *gray = NULL;
  cairo_surface_t *surface;
  guint width, height;

  /* cairo reads the PNG, not foyer_decoder_load_gray(): gdk-pixbuf sniffs formats through the
   * shared-mime-info database, which G_TEST_OPTION_ISOLATE_DIRS hides. */
  surface = cairo_image_surface_create_from_png (png_path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  gray = g_malloc ((gsize)width * height);
  for (guint y = 0; y < height; y++) {
    const guint32 *row = (const guint32 *)(cairo_image_surface_get_data (surface) +
                                           y * cairo_image_surface_get_stride (surface));
    for (guint x = 0; x < width; x++) {
      guint32 px = row[x];
      /* BT.601 luma of the (opaque) pixel */
      gray[y * width + x] = (299 * ((px >> 16) & 0xff) + 587 * ((px >> 8) & 0xff) +
                             114 * (px & 0xff)) / 1000;
    }
  }
  cairo_surface_destroy (surface);

  foyer_decoder_set_budget_ms (decoder, 0);
  symbols = foyer_decoder_decode_gray (decoder, gray, width, height, width);
  for (guint i = 0; i < symbols->len; i++) {
    FoyerSymbol *symbol = g_ptr_array_index (symbols, i);
    gsize len;
    const char *data;

    if (g_strcmp0 (symbol->type, "QR-Code") != 0)
      continue;
    data = g_bytes_get_data (symbol->bytes, &len);
    return g_strndup (len > 0 ? data : "", len);
  }
  g_test_message ("no QR code found in %s (%u symbols)", png_path, symbols->len);
  return NULL;
}

char *
badge_test_pdf_text (const char *pdf_path)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf_path, "-", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (badge_test_run (argv, &out, &err), ==, 0);
  return g_steal_pointer (&out);
}

char *
badge_test_squeeze (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (!g_unichar_isspace (c))
      g_string_append_unichar (out, c);
  }
  return g_string_free (out, FALSE);
}
