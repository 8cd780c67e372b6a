/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-hub-leads.c: libFuzzer target for what a booth tablet sends that the hub turns into an
 * exhibitor's files — a lead's qualifying answers (JSON from the device), notes and the
 * visitor's name, written as CSV and vCard.
 *
 * Input: answers JSON, then NUL, notes, NUL, name (missing parts are empty). Invariants besides
 * the sanitizers: the CSV starts with the BOM and no cell of it starts like a formula; every
 * vCard line is at most 75 octets.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foyer-hub-report-leads.h"

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

/* A cell starts at the beginning, after a comma or after a line break, outside quotes. */
static void
check_csv (GBytes *csv)
{
  gsize len;
  const char *text = g_bytes_get_data (csv, &len);
  gboolean quoted = FALSE;

  if (len < 3 || memcmp (text, "\xEF\xBB\xBF", 3) != 0)
    abort ();
  for (gsize i = 3; i < len; i++) {
    gboolean cell_start = i == 3 || (!quoted && (text[i - 1] == ',' || text[i - 1] == '\n'));
    if (cell_start && strchr ("=+-@\t\r", text[i]) != NULL && text[i] != '\0'
        && !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
      abort ();
    if (text[i] == '"')
      quoted = !quoted;
  }
}

static void
check_vcard (GBytes *vcard)
{
  gsize len;
  const char *text = g_bytes_get_data (vcard, &len);
  const char *line = text;

  for (const char *p = text; p + 1 < text + len; p++)
    if (p[0] == '\r' && p[1] == '\n') {
      if (p - line > 75)
        abort ();
      line = p + 2;
    }
}

#define MAX_FUZZ_INPUT 65536

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gsize n = MIN (size, MAX_FUZZ_INPUT);
  g_autofree char *buffer = g_malloc0 (n + 1);
  const char *fields[3] = { "", "", "" };
  FoyerLead lead = { 0 };
  FoyerRegistration visitor = { 0 };
  FoyerHubLeadEntry entry = { &lead, &visitor };
  g_autoptr(GBytes) csv = NULL;
  g_autoptr(GBytes) vcard = NULL;
  gsize start = 0;

  memcpy (buffer, data, n);
  for (guint i = 0; i < 3 && start <= n; i++) {
    fields[i] = buffer + start;
    start += strlen (buffer + start) + 1;
  }
  for (guint i = 0; i < 3; i++)
    if (!g_utf8_validate (fields[i], -1, NULL))
      return 0;   /* the store rejects invalid UTF-8 before anything is exported */
  lead.answers_json = (char *) fields[0];
  lead.notes = (char *) fields[1];
  visitor.full_name = (char *) fields[2];
  csv = foyer_hub_leads_export (&entry, 1, FOYER_HUB_LEADS_CSV, "en", NULL);
  check_csv (csv);
  vcard = foyer_hub_leads_export (&entry, 1, FOYER_HUB_LEADS_VCARD, "en", NULL);
  check_vcard (vcard);
  return 0;
}
