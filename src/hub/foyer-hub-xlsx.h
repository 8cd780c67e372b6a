/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-xlsx.h: a booth's leads as one XLSX sheet through libxlsxwriter — typed cells (time,
 * follow-up flag), column widths, a frozen header row with a filter. Times are in the hub's local
 * time zone (set TZ for the show's); the CSV keeps them in UTC with their "Z". */
#pragma once

#include "foyer-hub-report-leads.h"

G_BEGIN_DECLS

#define FOYER_HUB_XLSX_ERROR (foyer_hub_xlsx_error_quark ())
GQuark foyer_hub_xlsx_error_quark (void);

typedef enum {
  FOYER_HUB_XLSX_ERROR_FAILED = 1,   /* libxlsxwriter or the temporary directory failed */
} FoyerHubXlsxError;

GBytes *foyer_hub_xlsx_leads (const FoyerHubLeadEntry  *entries,
                              guint                     n_entries,
                              const FoyerHubI18n       *i18n,
                              GError                  **error);

G_END_DECLS
