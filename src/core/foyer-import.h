/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-import.h: pre-registered attendees into the store from CSV or JSON lines, so a kiosk
 * recognises their badges offline. Used by `foyerctl import`.
 */
#pragma once

#include <gio/gio.h>

#include "foyer-store.h"

G_BEGIN_DECLS

#define FOYER_IMPORT_ERROR (foyer_import_error_quark ())

typedef enum {
  FOYER_IMPORT_ERROR_MAPPING = 1,  /* a --map entry or the header names no known field/column */
  FOYER_IMPORT_ERROR_FORMAT,       /* not CSV/JSON lines, or an encoding we cannot read */
  FOYER_IMPORT_ERROR_NO_ROWS,      /* every row was bad: nothing imported */
} FoyerImportError;

GQuark foyer_import_error_quark (void);

typedef enum {
  FOYER_IMPORT_CSV = 1,
  FOYER_IMPORT_JSONL,
} FoyerImportFormat;

typedef struct {
  guint n_rows;       /* data rows read */
  guint n_inserted;
  guint n_updated;
  guint n_bad;        /* reported through the callback and skipped */
  char *encoding;     /* the encoding the file was read in ("UTF-8", "GB18030") */
} FoyerImportResult;

void     foyer_import_result_clear (FoyerImportResult *result);

/* Called once per skipped row, with its line number (1-based, the row's first line). */
typedef void (*FoyerImportBadRowFunc) (guint        line,
                                       const char  *reason,
                                       gpointer     user_data);

gboolean foyer_import_format_parse (const char         *name,
                                    FoyerImportFormat  *format);

/* Imports input (a CSV or JSON-lines file, read as a stream) into event's pre-registrations.
 * mapping is NULL (CSV: the header row names the columns, English or Chinese; JSON lines: the
 * wire/card keys) or "field=Column,…" with fields badge, name, family_name, given_name,
 * organization, title, category, email, phone, country, city. Phones without a country code are
 * read in default_region (only "CN" is known; NULL = no such numbers accepted). Bad rows (and
 * rows over 64 KiB) are reported and skipped. The rest are written in chunks of 500 rows, each
 * its own transaction with a pause after it so that a kiosk on the same store keeps
 * registering; an error part-way leaves the chunks before it imported (importing again
 * updates). A file whose start is not UTF-8 is read as GB18030 (what Excel saves on Chinese
 * Windows). Blocks: call it from a command or a worker thread. */
gboolean foyer_import_stream       (FoyerStore             *store,
                                    FoyerImportFormat       format,
                                    GInputStream           *input,
                                    const char             *event,
                                    const char             *mapping,
                                    const char             *default_region,
                                    FoyerImportBadRowFunc   bad_row,
                                    gpointer                user_data,
                                    FoyerImportResult      *result,
                                    GError                **error);

/* foyer_import_stream() over data in memory (the file's bytes). */
gboolean foyer_import_data         (FoyerStore             *store,
                                    FoyerImportFormat       format,
                                    const char             *data,
                                    gsize                   len,
                                    const char             *event,
                                    const char             *mapping,
                                    const char             *default_region,
                                    FoyerImportBadRowFunc   bad_row,
                                    gpointer                user_data,
                                    FoyerImportResult      *result,
                                    GError                **error);

/* The parsing half of foyer_import_data(), without the store: *registrations receives the good
 * rows as FoyerRegistration (kind check_in, event set, category possibly NULL). Fails only on
 * mapping and format errors; bad rows go to bad_row. */
gboolean foyer_import_parse        (FoyerImportFormat       format,
                                    const char             *data,
                                    gsize                   len,
                                    const char             *event,
                                    const char             *mapping,
                                    const char             *default_region,
                                    FoyerImportBadRowFunc   bad_row,
                                    gpointer                user_data,
                                    GPtrArray             **registrations,
                                    FoyerImportResult      *result,
                                    GError                **error);

/* Unescapes a cell written by foyer_csv_append_cell's formula guard: "'=x" → "=x". */
char    *foyer_csv_unguard         (const char             *cell);

G_END_DECLS
