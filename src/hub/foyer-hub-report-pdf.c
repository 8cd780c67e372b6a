/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-pdf.c: the report as an A4 PDF — cairo draws the bar charts, pango sets the
 * text in Noto Sans CJK SC, which cairo embeds (subset) so the file reads the same anywhere.
 */
#define G_LOG_DOMAIN "foyer-hub-report"

#include "config.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <unistd.h>

#include "foyer-hub-report-private.h"

#define PAGE_WIDTH   595.0   /* A4 in points */
#define PAGE_HEIGHT  842.0
#define MARGIN        48.0
#define ROW_HEIGHT    15.0
#define BAR_HEIGHT    11.0
#define LABEL_WIDTH  150.0
#define MAX_BARS      24
#define FONT_FAMILY  "Noto Sans CJK SC"

typedef struct {
  cairo_t       *cr;
  double         y;
  PangoLanguage *language;
  const char    *footer;     /* the report's title, with the page number, at each page's foot */
  guint          page;
} Pen;

static void
pen_text (Pen *pen, double x, double y, double width, const char *text, double size,
          gboolean bold, PangoAlignment align)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (pen->cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();
  PangoContext *context = pango_layout_get_context (layout);

  pango_font_description_set_family (font, FONT_FAMILY);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_context_set_language (context, pen->language);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (pen->cr, x, y);
  pango_cairo_show_layout (pen->cr, layout);
}

static void
pen_finish_page (Pen *pen)
{
  g_autofree char *footer = g_strdup_printf ("%s · %u", pen->footer, ++pen->page);

  cairo_set_source_rgb (pen->cr, 0.45, 0.45, 0.45);
  pen_text (pen, MARGIN, PAGE_HEIGHT - MARGIN + 14, PAGE_WIDTH - 2 * MARGIN, footer, 7.5, FALSE,
            PANGO_ALIGN_RIGHT);
  cairo_show_page (pen->cr);
}

/* Starts a new page when height does not fit below the pen. */
static void
pen_need (Pen *pen, double height)
{
  if (pen->y + height <= PAGE_HEIGHT - MARGIN)
    return;
  pen_finish_page (pen);
  pen->y = MARGIN;
}

static void
draw_chart (Pen *pen, const FoyerHubReportTable *table)
{
  guint n = MIN (table->values->len, MAX_BARS);
  double max = table->percent ? 100.0 : 0.0;
  double bar_x = MARGIN + LABEL_WIDTH + 6, bar_width = PAGE_WIDTH - MARGIN - bar_x - 50;

  for (guint r = 0; r < n; r++)
    max = MAX (max, g_array_index (table->values, double, r));
  pen_need (pen, n * ROW_HEIGHT + 8);
  for (guint r = 0; r < n; r++) {
    double value = g_array_index (table->values, double, r);
    double y = pen->y + r * ROW_HEIGHT;
    g_autofree char *text = table->percent ? g_strdup_printf ("%.1f%%", value)
                                           : g_strdup_printf ("%.0f", value);
    g_autofree char *label = _foyer_hub_report_chart_label (table, r);

    cairo_set_source_rgb (pen->cr, 0.13, 0.13, 0.13);
    pen_text (pen, MARGIN, y, LABEL_WIDTH, label, 8, FALSE, PANGO_ALIGN_RIGHT);
    cairo_set_source_rgb (pen->cr, 0.23, 0.43, 0.65);
    cairo_rectangle (pen->cr, bar_x, y + 2, max > 0 ? bar_width * value / max : 0, BAR_HEIGHT);
    cairo_fill (pen->cr);
    cairo_set_source_rgb (pen->cr, 0.13, 0.13, 0.13);
    pen_text (pen, bar_x + (max > 0 ? bar_width * value / max : 0) + 4, y, 48, text, 8, FALSE,
              PANGO_ALIGN_LEFT);
  }
  pen->y += n * ROW_HEIGHT + 8;
}

static void
draw_row (Pen *pen, char **cells, guint n_columns, gboolean bold)
{
  double width = PAGE_WIDTH - 2 * MARGIN;
  double first = n_columns > 2 ? width * 0.3 : width * 0.6;
  double other = n_columns > 1 ? (width - first) / (n_columns - 1) : 0;

  pen_need (pen, ROW_HEIGHT);
  cairo_set_source_rgb (pen->cr, 0.13, 0.13, 0.13);
  pen_text (pen, MARGIN, pen->y, first - 4, cells[0], 8.5, bold, PANGO_ALIGN_LEFT);
  for (guint c = 1; c < n_columns; c++)
    pen_text (pen, MARGIN + first + (c - 1) * other, pen->y, other - 4, cells[c], 8.5, bold,
              PANGO_ALIGN_RIGHT);
  pen->y += ROW_HEIGHT;
}

static void
draw_table (Pen *pen, const FoyerHubReportTable *table)
{
  pen_need (pen, 3 * ROW_HEIGHT + 20);
  pen->y += 10;
  cairo_set_source_rgb (pen->cr, 0.1, 0.1, 0.1);
  pen_text (pen, MARGIN, pen->y, PAGE_WIDTH - 2 * MARGIN, table->title, 13, TRUE,
            PANGO_ALIGN_LEFT);
  pen->y += 24;
  if (table->value_label != NULL && table->rows->len > 0)
    draw_chart (pen, table);
  draw_row (pen, (char **) table->columns->pdata, table->columns->len, TRUE);
  for (guint r = 0; r < table->rows->len; r++)
    draw_row (pen, g_ptr_array_index (table->rows, r), table->columns->len, FALSE);
}

static cairo_status_t
write_fd (void *closure, const unsigned char *data, unsigned int length)
{
  int fd = GPOINTER_TO_INT (closure);

  while (length > 0) {
    ssize_t n = write (fd, data, length);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return CAIRO_STATUS_WRITE_ERROR;
    data += n;
    length -= (unsigned int) n;
  }
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_report (FoyerHubReport *self, cairo_t *cr)
{
  Pen pen = { cr, MARGIN,
              pango_language_from_string (g_str_has_prefix (foyer_hub_i18n_language (self->i18n),
                                                            "zh") ? "zh-cn" : "en"),
              self->title, 0 };

  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  pen_text (&pen, MARGIN, pen.y, PAGE_WIDTH - 2 * MARGIN, self->title, 18, TRUE,
            PANGO_ALIGN_LEFT);
  pen.y += 30;
  pen_text (&pen, MARGIN, pen.y, PAGE_WIDTH - 2 * MARGIN, self->subtitle, 10, FALSE,
            PANGO_ALIGN_LEFT);
  pen.y += 20;
  for (guint t = 0; t < self->tables->len; t++)
    draw_table (&pen, g_ptr_array_index (self->tables, t));
  pen_finish_page (&pen);
}

gboolean
_foyer_hub_report_write_pdf (FoyerHubReport  *self,
                             const char      *path,
                             GError         **error)
{
  int fd = _foyer_hub_report_open_private (path, error);
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  if (fd < 0)
    return FALSE;
  surface = cairo_pdf_surface_create_for_stream (write_fd, GINT_TO_POINTER (fd), PAGE_WIDTH,
                                                 PAGE_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "foyer-hub");
  cr = cairo_create (surface);
  draw_report (self, cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (close (fd) != 0 && status == CAIRO_STATUS_SUCCESS)
    status = CAIRO_STATUS_WRITE_ERROR;
  if (status != CAIRO_STATUS_SUCCESS) {
    _foyer_hub_report_set_write_error (error, path, cairo_status_to_string (status));
    return FALSE;
  }
  return TRUE;
}
