/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-xlsx.c: a booth's leads as an XLSX workbook of one sheet, through Debian's
 * libxlsxwriter. libxlsxwriter writes only to a named file, so the workbook and its temporary
 * files live in a private directory that is removed once the bytes are read back.
 */
#define G_LOG_DOMAIN "foyer-hub-leads"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "foyer-hub-xlsx.h"

G_DEFINE_QUARK (foyer-hub-xlsx-error-quark, foyer_hub_xlsx_error)

/* Widths in characters, per FoyerHubLeadColumn; Han characters count about double. */
static const double column_widths[FOYER_HUB_LEAD_N_COLUMNS] = {
  17, 18, 28, 18, 16, 28, 12, 8, 10, 40, 40, 16,
};

typedef struct {
  lxw_format *header;
  lxw_format *time;
  lxw_format *wrap;
} Formats;

/* "2026-11-24T02:42:00.123Z" → a datetime cell in the hub's local time (a spreadsheet date has no
 * zone, and the exhibitor reads the show's clock, not UTC); FALSE when it does not parse. */
static gboolean
write_time (lxw_worksheet *sheet, lxw_row_t row, const char *text, lxw_format *format)
{
  g_autoptr(GDateTime) utc = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  g_autoptr(GDateTime) time = utc != NULL ? g_date_time_to_local (utc) : NULL;
  lxw_datetime cell;

  if (time == NULL)
    return FALSE;
  cell = (lxw_datetime) { g_date_time_get_year (time), g_date_time_get_month (time),
                          g_date_time_get_day_of_month (time), g_date_time_get_hour (time),
                          g_date_time_get_minute (time), g_date_time_get_seconds (time) };
  return worksheet_write_datetime (sheet, row, FOYER_HUB_LEAD_COLUMN_TIME, &cell, format)
         == LXW_NO_ERROR;
}

static lxw_error
write_lead (lxw_worksheet *sheet, lxw_row_t row, const FoyerHubLeadEntry *entry,
            const FoyerHubI18n *i18n, const Formats *formats)
{
  lxw_error status = LXW_NO_ERROR;

  for (guint c = 0; c < FOYER_HUB_LEAD_N_COLUMNS && status == LXW_NO_ERROR; c++) {
    g_autofree char *cell = NULL;

    if (c == FOYER_HUB_LEAD_COLUMN_TIME
        && write_time (sheet, row, entry->lead->created_at, formats->time))
      continue;
    if (c == FOYER_HUB_LEAD_COLUMN_FOLLOW_UP) {
      status = worksheet_write_boolean (sheet, row, c, entry->lead->follow_up, NULL);
      continue;
    }
    cell = foyer_hub_leads_cell (entry, c, i18n);
    /* write_string, never write_formula: a cell that starts with = stays text */
    if (*cell != '\0')
      status = worksheet_write_string (sheet, row, c, cell,
                                       c == FOYER_HUB_LEAD_COLUMN_ANSWERS
                                       || c == FOYER_HUB_LEAD_COLUMN_NOTES ? formats->wrap : NULL);
  }
  return status;
}

static lxw_error
write_sheet (lxw_workbook *book, const FoyerHubLeadEntry *entries, guint n,
             const FoyerHubI18n *i18n)
{
  lxw_worksheet *sheet = workbook_add_worksheet (book, foyer_hub_i18n_text (i18n, N_("Leads")));
  Formats formats = { workbook_add_format (book), workbook_add_format (book),
                      workbook_add_format (book) };
  lxw_error status = LXW_NO_ERROR;

  if (sheet == NULL)
    return LXW_ERROR_MEMORY_MALLOC_FAILED;
  format_set_bold (formats.header);
  format_set_bg_color (formats.header, 0xDDE6F0);
  format_set_num_format (formats.time, "yyyy-mm-dd hh:mm");
  format_set_text_wrap (formats.wrap);
  for (guint c = 0; c < FOYER_HUB_LEAD_N_COLUMNS && status == LXW_NO_ERROR; c++) {
    worksheet_set_column (sheet, c, c, column_widths[c], NULL);
    status = worksheet_write_string (sheet, 0, c, foyer_hub_leads_column_title (c, i18n),
                                     formats.header);
  }
  for (guint i = 0; i < n && status == LXW_NO_ERROR; i++)
    status = write_lead (sheet, i + 1, &entries[i], i18n, &formats);
  if (status == LXW_NO_ERROR)
    status = worksheet_autofilter (sheet, 0, 0, n, FOYER_HUB_LEAD_N_COLUMNS - 1);
  worksheet_freeze_panes (sheet, 1, 0);
  return status;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (dir);
}

GBytes *
foyer_hub_xlsx_leads (const FoyerHubLeadEntry  *entries,
                      guint                     n_entries,
                      const FoyerHubI18n       *i18n,
                      GError                  **error)
{
  g_autofree char *dir = g_dir_make_tmp ("foyer-hub-xlsx-XXXXXX", error);
  g_autofree char *path = NULL;
  lxw_workbook_options options = { 0 };
  lxw_workbook *book;
  lxw_error status, closed;
  char *data = NULL;
  gsize len = 0;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "leads.xlsx", NULL);
  options.tmpdir = dir;
  book = workbook_new_opt (path, &options);
  if (book == NULL) {
    remove_dir (dir);
    g_set_error (error, FOYER_HUB_XLSX_ERROR, FOYER_HUB_XLSX_ERROR_FAILED,
                 _("Cannot create the spreadsheet in %s"), dir);
    return NULL;
  }
  status = write_sheet (book, entries, n_entries, i18n);
  closed = workbook_close (book);
  if (status == LXW_NO_ERROR)
    status = closed;
  if (status == LXW_NO_ERROR && !g_file_get_contents (path, &data, &len, error)) {
    remove_dir (dir);
    return NULL;
  }
  remove_dir (dir);
  if (status != LXW_NO_ERROR) {
    g_set_error (error, FOYER_HUB_XLSX_ERROR, FOYER_HUB_XLSX_ERROR_FAILED,
                 _("Cannot write the spreadsheet: %s"), lxw_strerror (status));
    return NULL;
  }
  return g_bytes_new_take (data, len);
}
