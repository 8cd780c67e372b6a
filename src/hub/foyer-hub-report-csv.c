/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-csv.c: the tables behind the report's charts as one CSV file — a section per
 * table (its title, a header row, its rows, a blank line), UTF-8 with a BOM so that Excel reads
 * Chinese, cells formula-safe through core's CSV writer.
 */
#define G_LOG_DOMAIN "foyer-hub-report"

#include "config.h"

#include "foyer-export.h"
#include "foyer-hub-report-private.h"

static void
append_row (GString *out, char **cells, guint n)
{
  for (guint i = 0; i < n; i++) {
    if (i > 0)
      g_string_append_c (out, ',');
    foyer_csv_append_cell (out, cells[i]);
  }
  g_string_append (out, "\r\n");
}

GBytes *
_foyer_hub_report_to_csv (FoyerHubReport *self)
{
  GString *out = g_string_new ("\xEF\xBB\xBF");

  for (guint t = 0; t < self->tables->len; t++) {
    const FoyerHubReportTable *table = g_ptr_array_index (self->tables, t);
    char *title[] = { (char *) table->id, (char *) table->title };

    append_row (out, title, G_N_ELEMENTS (title));
    append_row (out, (char **) table->columns->pdata, table->columns->len);
    for (guint r = 0; r < table->rows->len; r++)
      append_row (out, g_ptr_array_index (table->rows, r), table->columns->len);
    g_string_append (out, "\r\n");
  }
  return g_string_free_to_bytes (out);
}
