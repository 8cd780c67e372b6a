/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-hub-merge.c: libFuzzer target for the booth team merge of leads (src/hub/foyer-hub-merge.c),
 * which reads lead bodies as booth tablets sent them.
 *
 * The input is split at its first NUL-free newline into two lead bodies, added in both orders
 * to two merges. Invariants besides the sanitizers: no warning; both orders give the same keys
 * and the same merged rows (the merge does not depend on arrival order); every row is JSON.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "foyer-hub-merge.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
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

static int
by_text (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
rows_text (FoyerHubLeadMerge *merge)
{
  g_autoptr(GPtrArray) keys = foyer_hub_lead_merge_keys (merge);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < keys->len; i++) {
    g_autoptr(JsonNode) row = foyer_hub_lead_merge_row (merge, g_ptr_array_index (keys, i));
    if (row == NULL)
      abort ();
    g_ptr_array_add (texts, json_to_string (row, FALSE));
  }
  g_ptr_array_sort (texts, by_text);
  g_ptr_array_add (texts, NULL);
  return g_strjoinv ("\n", (char **) texts->pdata);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autoptr(FoyerHubLeadMerge) ab = foyer_hub_lead_merge_new ();
  g_autoptr(FoyerHubLeadMerge) ba = foyer_hub_lead_merge_new ();
  g_autofree char *one = NULL, *two = NULL;
  char *second;

  if (size > 65536 || memchr (data, '\0', size) != NULL
      || !g_utf8_validate ((const char *) data, size, NULL))
    return 0;
  text = g_strndup ((const char *) data, size);
  second = strchr (text, '\n');
  if (second != NULL)
    *second++ = '\0';
  else
    second = text;
  foyer_hub_lead_merge_add (ab, text, "tablet-1", 1);
  foyer_hub_lead_merge_add (ab, second, "tablet-2", 2);
  foyer_hub_lead_merge_add (ba, second, "tablet-2", 2);
  foyer_hub_lead_merge_add (ba, text, "tablet-1", 1);
  one = rows_text (ab);
  two = rows_text (ba);
  if (strcmp (one, two) != 0) {
    fprintf (stderr, "arrival order changed the merge:\n%s\n%s\n", one, two);
    abort ();
  }
  return 0;
}
