/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-export.h: registrations out of the store as CSV (RFC 4180, spreadsheet-safe), vCard 3.0
 * or JSON lines, for head office and for exhibitors' own CRMs. Used by `foyerctl export`.
 */
#pragma once

#include <gio/gio.h>

#include "foyer-store.h"

G_BEGIN_DECLS

typedef enum {
  FOYER_EXPORT_CSV = 1,
  FOYER_EXPORT_VCARD,
  FOYER_EXPORT_JSONL,
} FoyerExportFormat;

typedef enum {
  FOYER_EXPORT_FLAG_NONE      = 0,
  FOYER_EXPORT_FLAG_EXCEL_BOM = 1 << 0,  /* CSV: start with a UTF-8 BOM so Excel reads UTF-8 */
} FoyerExportFlags;

/* "csv", "vcard", "jsonl" → format; FALSE when unknown. */
gboolean  foyer_export_format_parse (const char        *name,
                                     FoyerExportFormat *format);

/* Writes the registrations of event (NULL = every event) created at or after since (NULL = all)
 * to out, oldest first. Purged records are left out of vCards (they have no name). */
gboolean  foyer_store_export        (FoyerStore        *store,
                                     FoyerExportFormat  format,
                                     FoyerExportFlags   flags,
                                     const char        *event,
                                     const char        *since,
                                     GOutputStream     *out,
                                     guint64           *n_written,
                                     GError           **error);

/* Booth mode: the leads of event (required) created at or after since, oldest first, each with
 * its visitor's contact. CSV: one row per lead; vCard: the visitor's card with the lead's rating
 * and notes; JSON lines: the lead wire form with "visitor". */
gboolean  foyer_store_export_leads  (FoyerStore        *store,
                                     FoyerExportFormat  format,
                                     FoyerExportFlags   flags,
                                     const char        *event,
                                     const char        *since,
                                     GOutputStream     *out,
                                     guint64           *n_written,
                                     GError           **error);

/* TRUE when a spreadsheet would run value as a formula: it starts with = + - @ TAB CR or a
 * full-width ＝ ＋ － ＠. */
gboolean  foyer_csv_starts_formula  (const char        *value);
/* Export files are written as PATH.part (created exclusively, mode 0600), flushed to disk and
 * renamed over PATH only when complete: a failed export never leaves a partial PATH, and PATH
 * ends private (0600) even when an older, looser file was there. */
GOutputStream *foyer_export_file_open    (const char        *path,
                                          GError           **error);
/* fsync, close, rename PATH.part → PATH, fsync the directory. On failure PATH.part is removed. */
gboolean       foyer_export_file_commit  (GOutputStream     *out,
                                          const char        *path,
                                          GError           **error);
/* Closes and removes PATH.part; PATH is left as it was. */
void           foyer_export_file_discard (GOutputStream     *out,
                                          const char        *path);

/* One CSV cell: quoted when it holds , ; " CR or LF, and prefixed with ' when
 * foyer_csv_starts_formula() so that a spreadsheet shows it instead of running it. */
void      foyer_csv_append_cell     (GString           *out,
                                     const char        *value);
/* vCard 3.0 text value escaping (\\ \, \; \n). */
char     *foyer_vcard_escape        (const char        *value);
/* Appends one content line, folded at 75 octets (CRLF + space) without splitting a UTF-8
 * character, and ends it with CRLF. */
void      foyer_vcard_append_line   (GString           *out,
                                     const char        *line);
/* Appends the content line NAME:value (escaped, folded); nothing when value is NULL or empty. */
void      foyer_vcard_append_property (GString         *out,
                                       const char      *name,
                                       const char      *value);

/* The hub's export (foyer-hub export) writes the same files from wire JSON: the CSV header row
 * (nothing for the other formats), then one registration at a time (a purged one is skipped in
 * vCards). */
void      foyer_export_append_header       (GString                 *out,
                                            FoyerExportFormat        format,
                                            FoyerExportFlags         flags);
gboolean  foyer_export_append_registration (GString                 *out,
                                            FoyerExportFormat        format,
                                            const FoyerRegistration *reg);

G_END_DECLS
