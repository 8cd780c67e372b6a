/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-import.c: libFuzzer target for organizers' pre-registration lists (CSV, JSON lines) and
 * for the export writers that turn what was imported back into CSV cells and vCard lines.
 *
 * The first byte picks the format (bit 0: JSON lines) and a --map (bit 1). Invariants besides
 * the sanitizers: every row is either imported or reported; every imported attendee passes the
 * store's own validation; no CSV cell starts like a formula; vCard lines stay within 75 octets,
 * valid UTF-8, and unfold to what was written.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foyer-core.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
    g_log_writer_standard_streams (level, fields, n_fields, user_data);
    abort ();
  }
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  return 0;
}

static void
count_bad_cb (guint line, const char *reason, gpointer user_data)
{
  g_assert (line >= 1);
  g_assert (reason != NULL && g_utf8_validate (reason, -1, NULL));
  (*(guint *)user_data)++;
}

static void
check_csv_cell (const char *value)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *first;

  if (value == NULL)
    return;
  foyer_csv_append_cell (out, value);
  first = out->str[0] == '"' ? out->str + 1 : out->str;
  if (*value != '\0')
    g_assert (strchr ("=+-@\t\r", *first) == NULL || *first == '\0');
}

static void
check_vcard_line (const char *value)
{
  g_autofree char *escaped = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) unfolded = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;

  if (value == NULL)
    return;
  escaped = foyer_vcard_escape (value);
  g_assert (strchr (escaped, '\n') == NULL && strchr (escaped, '\r') == NULL);
  line = g_strconcat ("NOTE:", escaped, NULL);
  foyer_vcard_append_line (out, line);
  g_assert (g_str_has_suffix (out->str, "\r\n"));
  lines = g_strsplit (out->str, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++) {
    g_assert (strlen (lines[i]) <= 75);
    g_assert (g_utf8_validate (lines[i], -1, NULL));
    g_assert (i == 0 || lines[i][0] == ' ');
    g_string_append (unfolded, i == 0 ? lines[i] : lines[i] + 1);
  }
  g_assert (strcmp (unfolded->str, line) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GPtrArray) regs = NULL;
  g_autoptr(GError) error = NULL;
  FoyerImportResult result = { 0 };
  FoyerImportFormat format;
  const char *mapping;
  guint n_bad = 0;

  if (size < 1)
    return 0;
  format = (data[0] & 1) ? FOYER_IMPORT_JSONL : FOYER_IMPORT_CSV;
  mapping = (data[0] & 2) ? "badge=Code,name=Name,email=Mail,phone=Tel" : NULL;

  if (!foyer_import_parse (format, (const char *)data + 1, size - 1, "expo-2026", mapping, "CN",
                           count_bad_cb, &n_bad, &regs, &result, &error)) {
    g_assert (error != NULL && error->domain == FOYER_IMPORT_ERROR);
    foyer_import_result_clear (&result);
    return 0;
  }
  g_assert (error == NULL);
  g_assert (n_bad == result.n_bad);
  g_assert (regs->len + result.n_bad == result.n_rows);

  for (guint i = 0; i < regs->len; i++) {
    FoyerRegistration *reg = g_ptr_array_index (regs, i);
    g_autoptr(GError) invalid = NULL;

    g_assert (reg->badge_code != NULL && *reg->badge_code != '\0');
    g_assert (strpbrk (reg->badge_code, " \t\r\n") == NULL);
    g_assert (reg->category == NULL || foyer_category_is_valid (reg->category));
    reg->kiosk_id = g_strdup ("fuzz");
    if (reg->category == NULL)
      reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
    if (!foyer_registration_validate (reg, &invalid))
      g_error ("imported a row the store would refuse: %s", invalid->message);

    check_csv_cell (reg->full_name);
    check_csv_cell (reg->organization);
    check_csv_cell (reg->badge_code);
    check_vcard_line (reg->full_name);
    check_vcard_line (reg->organization);
  }
  foyer_import_result_clear (&result);
  return 0;
}
