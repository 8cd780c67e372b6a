/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-hub-batch.c: libFuzzer target for the hub's request parser (POST /v1/records bodies,
 * src/hub/foyer-hub-batch.c).
 *
 * Invariants besides the sanitizers: a body is either refused as a whole or yields items; every
 * item is PENDING (valid) or REJECTED with a reason; every PENDING body is valid UTF-8 JSON that
 * carries the device stamp and is byte for byte what foyer_json_to_string writes for it (whether the
 * record was stored as it came or serialised again); the answer built from the items is valid
 * JSON; once they are all accepted, the live counters counted from the parse (when it could)
 * count each exactly once by type.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "foyer-hub-batch.h"
#include "foyer-json.h"

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

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = foyer_hub_batch_parse ((const char *) data, size, "expo-2026",
                                                      "kiosk-01", &error);
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (items == NULL) {
    if (error == NULL)
      abort ();
    return 0;
  }
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);

    if (item->status == FOYER_HUB_ITEM_REJECTED) {
      if (item->reason == NULL)
        abort ();
    } else if (item->status == FOYER_HUB_ITEM_PENDING) {
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *written = NULL;
      if (!g_utf8_validate (item->body, -1, NULL) || strstr (item->body, "\"device\"") == NULL
          || (body = json_from_string (item->body, NULL)) == NULL)
        abort ();
      /* stored as it came or serialised, the body is foyer_json_to_string's own text */
      written = foyer_json_to_string (body);
      if (strcmp (written, item->body) != 0)
        abort ();
    } else {
      abort ();
    }
  }
  {
    guint accepted = 0;
    gint64 by_type = 0;
    g_autoptr(GPtrArray) counters = NULL;

    for (guint i = 0; i < items->len; i++) {
      FoyerHubItem *item = g_ptr_array_index (items, i);
      if (item->status == FOYER_HUB_ITEM_PENDING) {
        item->status = FOYER_HUB_ITEM_ACCEPTED;
        accepted++;
      }
    }
    counters = foyer_hub_batch_counters (items, "kiosk-01");
    for (guint i = 0; counters != NULL && i < counters->len; i++) {
      FoyerHubCounter *counter = g_ptr_array_index (counters, i);
      if (counter->key == NULL || counter->count <= 0)
        abort ();
      if (strcmp (counter->dimension, "type") == 0)
        by_type += counter->count;
    }
    if (counters != NULL && by_type != accepted)
      abort ();
  }
  answer = foyer_hub_batch_answer (items);
  if ((node = json_from_string (answer, NULL)) == NULL)
    abort ();
  return 0;
}
