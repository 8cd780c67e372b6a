/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-sync-response.c: libFuzzer over the http-json answer parser and Retry-After.
 *
 * Head office's answer is untrusted input arriving on the sync thread: whatever it holds, the
 * parser must return results or an error, never crash, leak or recurse without bound.
 */
#include "config.h"

#include <stdint.h>

#include "foyer-http-backend.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) any = NULL;
  g_autoptr(GPtrArray) some = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup ((const char *)data, size);

  g_hash_table_add (ids, "a");
  g_hash_table_add (ids, "0b7c6e1a-4b8f-4a53-9b7e-1c2d3e4f5a6b");

  any = foyer_http_backend_parse_results ((const char *)data, size, NULL, &error);
  g_assert ((any == NULL) == (error != NULL));
  g_clear_error (&error);
  some = foyer_http_backend_parse_results ((const char *)data, size, ids, &error);
  g_assert ((some == NULL) == (error != NULL));
  if (some != NULL) {
    g_assert (some->len <= 2);
    for (guint i = 0; i < some->len; i++) {
      FoyerSyncItemResult *r = g_ptr_array_index (some, i);
      g_assert (g_hash_table_contains (ids, r->id));
      g_assert (r->status >= FOYER_SYNC_ITEM_ACCEPTED && r->status <= FOYER_SYNC_ITEM_REJECTED);
    }
  }

  g_assert (foyer_http_backend_parse_retry_after (text, g_get_real_time ()) >= 0);
  return 0;
}
