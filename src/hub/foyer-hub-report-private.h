/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-private.h: shared between the report's computation and its writers. */
#pragma once

#include <glib/gi18n-lib.h>

#include "foyer-hub-report.h"
#include "foyer-hub-report-i18n.h"

G_BEGIN_DECLS

struct _FoyerHubReport {
  GObject             parent_instance;

  const FoyerHubI18n *i18n;
  char               *title;
  char               *subtitle;
  GPtrArray          *tables;      /* FoyerHubReportTable * */
};

#define _T(self, msgid) foyer_hub_i18n_text ((self)->i18n, (msgid))

/* Column titles are msgids, NULL-terminated; value_label NULL = a table without chart. */
FoyerHubReportTable *_foyer_hub_report_add_table (FoyerHubReport      *self,
                                                  const char          *id,
                                                  const char          *title,
                                                  const char          *value_label,
                                                  gboolean             percent,
                                                  ...) G_GNUC_NULL_TERMINATED;
/* Cells are display strings (copied), exactly columns->len of them. */
void                 _foyer_hub_report_add_row   (FoyerHubReportTable *table,
                                                  double               value,
                                                  ...) G_GNUC_NULL_TERMINATED;
void                 _foyer_hub_report_compute   (FoyerHubReport      *self,
                                                  FoyerHubReportModel *model,
                                                  FoyerHubReportModel *previous);
/* The label of row's bar: its first label_columns cells joined by " · ". */
char                *_foyer_hub_report_chart_label (const FoyerHubReportTable *table,
                                                    guint                      row);
/* "12.5%" of part in whole (0 when whole is 0). */
char                *_foyer_hub_report_percent   (guint                part,
                                                  guint                whole);

/* Creates or truncates path as a 0600 file; -1 and error when it cannot. */
int                  _foyer_hub_report_open_private (const char   *path,
                                                     GError      **error);
void                 _foyer_hub_report_set_write_error (GError   **error,
                                                        const char *path,
                                                        const char *reason);
GBytes              *_foyer_hub_report_to_csv    (FoyerHubReport      *self);
GBytes              *_foyer_hub_report_to_html   (FoyerHubReport      *self,
                                                  GError             **error);
gboolean             _foyer_hub_report_write_pdf (FoyerHubReport      *self,
                                                  const char          *path,
                                                  GError             **error);

G_END_DECLS
