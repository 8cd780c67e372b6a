/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report.h: the post-show report — figures computed from a FoyerHubReportModel (and
 * optionally the previous edition's, for new/returning visitors and retention), as tables in one
 * language, written as PDF (cairo/pango charts, embedded CJK fonts), HTML (Chart.js inlined) or
 * CSV (the table behind each chart).
 */
#pragma once

#include <gio/gio.h>

#include "foyer-hub-report-model.h"

G_BEGIN_DECLS

#define FOYER_HUB_REPORT_ERROR (foyer_hub_report_error_quark ())
GQuark foyer_hub_report_error_quark (void);

typedef enum {
  FOYER_HUB_REPORT_ERROR_FORMAT = 1,   /* unknown output format */
  FOYER_HUB_REPORT_ERROR_WRITE,        /* the output could not be written */
} FoyerHubReportError;

typedef enum {
  FOYER_HUB_REPORT_PDF = 1,
  FOYER_HUB_REPORT_HTML,
  FOYER_HUB_REPORT_CSV,
} FoyerHubReportFormat;

/* One table of the report; row cells are display text in the report's language. */
typedef struct {
  const char  *id;            /* stable: "per-day", "retention", … (CSV section names) */
  const char  *title;         /* translated */
  GPtrArray   *columns;       /* char *, translated */
  GPtrArray   *rows;          /* char ** (columns->len cells each) */
  GArray      *values;        /* double per row: what the chart shows */
  const char  *value_label;   /* translated: the charted column's name; NULL = no chart */
  gboolean     percent;       /* the charted values are percentages (0–100) */
  guint        label_columns; /* a bar's label: the first 1 or 2 cells of its row */
} FoyerHubReportTable;

#define FOYER_TYPE_HUB_REPORT (foyer_hub_report_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubReport, foyer_hub_report, FOYER, HUB_REPORT, GObject)

/* previous may be NULL (then no new/returning or retention tables). language: "zh_CN" or "en". */
FoyerHubReport            *foyer_hub_report_new          (FoyerHubReportModel  *model,
                                                          FoyerHubReportModel  *previous,
                                                          const char           *language);
const char                *foyer_hub_report_get_language (FoyerHubReport       *self);
const char                *foyer_hub_report_get_title    (FoyerHubReport       *self);
const char                *foyer_hub_report_get_subtitle (FoyerHubReport       *self);
guint                      foyer_hub_report_get_n_tables (FoyerHubReport       *self);
const FoyerHubReportTable *foyer_hub_report_get_table    (FoyerHubReport       *self,
                                                          guint                 index);
/* NULL when there is no table with that id. */
const FoyerHubReportTable *foyer_hub_report_find_table   (FoyerHubReport       *self,
                                                          const char           *id);

/* "pdf", "html", "csv" → format; FALSE when unknown. */
gboolean  foyer_hub_report_format_parse (const char            *name,
                                         FoyerHubReportFormat  *format);
/* Writes the report to path (0600: the report is the organiser's business data). */
gboolean  foyer_hub_report_write        (FoyerHubReport        *self,
                                         FoyerHubReportFormat   format,
                                         const char            *path,
                                         GError               **error);

G_END_DECLS
