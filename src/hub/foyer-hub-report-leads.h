/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-leads.h: one booth's merged leads as the exhibitor downloads them — CSV (UTF-8
 * with BOM, formula-safe), vCard 3.0, or an XLSX sheet (foyer-hub-xlsx.c) — in zh_CN or en.
 */
#pragma once

#include <gio/gio.h>

#include "foyer-record.h"
#include "foyer-hub-report-i18n.h"

G_BEGIN_DECLS

typedef struct {
  const FoyerLead         *lead;
  const FoyerRegistration *visitor;   /* NULL when the visitor's record is gone (erased) */
} FoyerHubLeadEntry;

typedef enum {
  FOYER_HUB_LEADS_CSV = 1,
  FOYER_HUB_LEADS_VCARD,
  FOYER_HUB_LEADS_XLSX,
} FoyerHubLeadsFormat;

/* The columns of the CSV and the sheet, in order. */
typedef enum {
  FOYER_HUB_LEAD_COLUMN_TIME,
  FOYER_HUB_LEAD_COLUMN_NAME,
  FOYER_HUB_LEAD_COLUMN_COMPANY,
  FOYER_HUB_LEAD_COLUMN_TITLE,
  FOYER_HUB_LEAD_COLUMN_MOBILE,
  FOYER_HUB_LEAD_COLUMN_EMAIL,
  FOYER_HUB_LEAD_COLUMN_CATEGORY,
  FOYER_HUB_LEAD_COLUMN_RATING,
  FOYER_HUB_LEAD_COLUMN_FOLLOW_UP,
  FOYER_HUB_LEAD_COLUMN_ANSWERS,
  FOYER_HUB_LEAD_COLUMN_NOTES,
  FOYER_HUB_LEAD_COLUMN_BADGE,
  FOYER_HUB_LEAD_N_COLUMNS,
} FoyerHubLeadColumn;

/* "csv", "vcard" (or "vcf"), "xlsx"; FALSE when unknown. */
gboolean    foyer_hub_leads_format_parse  (const char               *name,
                                           FoyerHubLeadsFormat      *format);
const char *foyer_hub_leads_content_type  (FoyerHubLeadsFormat       format);
const char *foyer_hub_leads_extension     (FoyerHubLeadsFormat       format);
/* Translated column title. */
const char *foyer_hub_leads_column_title  (FoyerHubLeadColumn        column,
                                           const FoyerHubI18n       *i18n);
/* A cell as text (never NULL; "" when absent). Answers read "question: answer; …". */
char       *foyer_hub_leads_cell          (const FoyerHubLeadEntry  *entry,
                                           FoyerHubLeadColumn        column,
                                           const FoyerHubI18n       *i18n);
GBytes     *foyer_hub_leads_export        (const FoyerHubLeadEntry  *entries,
                                           guint                     n_entries,
                                           FoyerHubLeadsFormat       format,
                                           const char               *language,
                                           GError                  **error);

G_END_DECLS
