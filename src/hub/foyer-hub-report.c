/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report.c: the report object — its tables, and writing them in a format. */
#define G_LOG_DOMAIN "foyer-hub-report"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <unistd.h>

#include "foyer-hub-report-private.h"

G_DEFINE_QUARK (foyer-hub-report-error-quark, foyer_hub_report_error)

G_DEFINE_FINAL_TYPE (FoyerHubReport, foyer_hub_report, G_TYPE_OBJECT)

static void
table_free (gpointer data)
{
  FoyerHubReportTable *table = data;

  g_ptr_array_unref (table->columns);
  g_ptr_array_unref (table->rows);
  g_array_unref (table->values);
  g_free (table);
}

static void
foyer_hub_report_finalize (GObject *object)
{
  FoyerHubReport *self = FOYER_HUB_REPORT (object);

  g_free (self->title);
  g_free (self->subtitle);
  g_clear_pointer (&self->tables, g_ptr_array_unref);

  G_OBJECT_CLASS (foyer_hub_report_parent_class)->finalize (object);
}

static void
foyer_hub_report_class_init (FoyerHubReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_report_finalize;
}

static void
foyer_hub_report_init (FoyerHubReport *self)
{
  self->tables = g_ptr_array_new_with_free_func (table_free);
}

FoyerHubReport *
foyer_hub_report_new (FoyerHubReportModel *model,
                      FoyerHubReportModel *previous,
                      const char          *language)
{
  FoyerHubReport *self;

  g_return_val_if_fail (FOYER_IS_HUB_REPORT_MODEL (model), NULL);
  g_return_val_if_fail (previous == NULL || FOYER_IS_HUB_REPORT_MODEL (previous), NULL);

  self = g_object_new (FOYER_TYPE_HUB_REPORT, NULL);
  self->i18n = foyer_hub_i18n_get (language);
  self->title = g_strdup_printf ("%s — %s", _T (self, N_("Post-show report")),
                                 foyer_hub_report_model_get_name (model));
  if (previous != NULL) {
    /* the translation is data: put the name in without handing it to printf */
    GString *subtitle = g_string_new (_T (self, N_("Compared with %s")));
    g_string_replace (subtitle, "%s", foyer_hub_report_model_get_name (previous), 1);
    self->subtitle = g_string_free (subtitle, FALSE);
  } else
    self->subtitle = g_strdup (_T (self, N_("No previous edition to compare with")));
  _foyer_hub_report_compute (self, model, previous);
  return self;
}

const char *
foyer_hub_report_get_language (FoyerHubReport *self)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT (self), NULL);
  return foyer_hub_i18n_language (self->i18n);
}

const char *
foyer_hub_report_get_title (FoyerHubReport *self)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT (self), NULL);
  return self->title;
}

const char *
foyer_hub_report_get_subtitle (FoyerHubReport *self)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT (self), NULL);
  return self->subtitle;
}

guint
foyer_hub_report_get_n_tables (FoyerHubReport *self)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT (self), 0);
  return self->tables->len;
}

const FoyerHubReportTable *
foyer_hub_report_get_table (FoyerHubReport *self,
                            guint           index)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT (self), NULL);
  g_return_val_if_fail (index < self->tables->len, NULL);
  return g_ptr_array_index (self->tables, index);
}

const FoyerHubReportTable *
foyer_hub_report_find_table (FoyerHubReport *self,
                             const char     *id)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT (self), NULL);
  for (guint i = 0; i < self->tables->len; i++) {
    const FoyerHubReportTable *table = g_ptr_array_index (self->tables, i);
    if (g_strcmp0 (table->id, id) == 0)
      return table;
  }
  return NULL;
}

FoyerHubReportTable *
_foyer_hub_report_add_table (FoyerHubReport *self,
                             const char     *id,
                             const char     *title,
                             const char     *value_label,
                             gboolean        percent,
                             ...)
{
  FoyerHubReportTable *table = g_new0 (FoyerHubReportTable, 1);
  va_list args;

  table->id = id;
  table->title = _T (self, title);
  table->value_label = value_label != NULL ? _T (self, value_label) : NULL;
  table->percent = percent;
  table->label_columns = 1;
  table->columns = g_ptr_array_new ();
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  table->values = g_array_new (FALSE, FALSE, sizeof (double));
  va_start (args, percent);
  for (const char *column = va_arg (args, const char *); column != NULL;
       column = va_arg (args, const char *))
    g_ptr_array_add (table->columns, (gpointer) _T (self, column));
  va_end (args);
  g_ptr_array_add (self->tables, table);
  return table;
}

void
_foyer_hub_report_add_row (FoyerHubReportTable *table,
                           double               value,
                           ...)
{
  char **cells = g_new0 (char *, table->columns->len + 1);
  va_list args;
  guint n = 0;

  va_start (args, value);
  for (const char *cell = va_arg (args, const char *); cell != NULL;
       cell = va_arg (args, const char *)) {
    g_assert (n < table->columns->len);
    cells[n++] = g_strdup (cell);
  }
  va_end (args);
  g_assert (n == table->columns->len);
  g_ptr_array_add (table->rows, cells);
  g_array_append_val (table->values, value);
}

char *
_foyer_hub_report_chart_label (const FoyerHubReportTable *table,
                               guint                      row)
{
  char **cells = g_ptr_array_index (table->rows, row);

  if (table->label_columns < 2 || table->columns->len < 2)
    return g_strdup (cells[0]);
  return g_strdup_printf ("%s · %s", cells[0], cells[1]);
}

char *
_foyer_hub_report_percent (guint part,
                           guint whole)
{
  return g_strdup_printf ("%.1f%%", whole > 0 ? 100.0 * part / whole : 0.0);
}

gboolean
foyer_hub_report_format_parse (const char           *name,
                               FoyerHubReportFormat *format)
{
  if (g_strcmp0 (name, "pdf") == 0)
    *format = FOYER_HUB_REPORT_PDF;
  else if (g_strcmp0 (name, "html") == 0)
    *format = FOYER_HUB_REPORT_HTML;
  else if (g_strcmp0 (name, "csv") == 0)
    *format = FOYER_HUB_REPORT_CSV;
  else
    return FALSE;
  return TRUE;
}

int
_foyer_hub_report_open_private (const char  *path,
                                GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  /* an existing file keeps its mode through O_TRUNC: the report is business data, make it 0600 */
  if (fd >= 0 && fchmod (fd, 0600) == 0)
    return fd;
  _foyer_hub_report_set_write_error (error, path, g_strerror (errno));
  if (fd >= 0)
    close (fd);
  return -1;
}

void
_foyer_hub_report_set_write_error (GError    **error,
                                   const char *path,
                                   const char *reason)
{
  g_set_error (error, FOYER_HUB_REPORT_ERROR, FOYER_HUB_REPORT_ERROR_WRITE,
               _("Cannot write the report to %s: %s"), path, reason);
}

static gboolean
write_private_file (const char  *path,
                    GBytes      *bytes,
                    GError     **error)
{
  int fd = _foyer_hub_report_open_private (path, error);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (fd < 0)
    return FALSE;
  while (len > 0) {
    gssize n = write (fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      _foyer_hub_report_set_write_error (error, path, g_strerror (errno));
      close (fd);
      return FALSE;
    }
    data += n;
    len -= (gsize) n;
  }
  if (close (fd) != 0) {
    _foyer_hub_report_set_write_error (error, path, g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

gboolean
foyer_hub_report_write (FoyerHubReport        *self,
                        FoyerHubReportFormat   format,
                        const char            *path,
                        GError               **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (FOYER_IS_HUB_REPORT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  switch (format) {
  case FOYER_HUB_REPORT_PDF:
    return _foyer_hub_report_write_pdf (self, path, error);
  case FOYER_HUB_REPORT_HTML:
    bytes = _foyer_hub_report_to_html (self, error);
    break;
  case FOYER_HUB_REPORT_CSV:
    bytes = _foyer_hub_report_to_csv (self);
    break;
  default:
    g_set_error (error, FOYER_HUB_REPORT_ERROR, FOYER_HUB_REPORT_ERROR_FORMAT,
                 _("Unknown report format (use pdf, html or csv)"));
    return FALSE;
  }
  return bytes != NULL && write_private_file (path, bytes, error);
}
