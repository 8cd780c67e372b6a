/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-pull-page.c: libFuzzer over a pull answer of two-way sync, from the parser to the rows
 * written into a real kiosk store.
 *
 * Head office's pages are untrusted input: whatever they hold, the kiosk must parse them or
 * refuse them, and apply what it parsed (registrations, check-ins, leads, erasures, the inside
 * figure) without crashing, leaking or writing a malformed row.
 */
#include "config.h"

#include <stdint.h>

#include "foyer-http-backend.h"
#include "foyer-store-checkins.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static FoyerStore *
fuzz_store (void)
{
  static FoyerStore *store;

  if (store == NULL) {
    g_autofree char *dir = g_dir_make_tmp ("fuzz-pull-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "kiosk.db", NULL);

    store = foyer_store_open (path, NULL);
    g_assert (store != NULL);
  }
  return store;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const feeds[] = { FOYER_PULL_REGISTRATIONS, FOYER_PULL_CHECK_INS,
                                        FOYER_PULL_LEADS };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = foyer_http_backend_parse_page ((const char *)data, size, &error);
  JsonObject *inside = NULL;

  g_assert ((page == NULL) == (error != NULL));
  if (page == NULL)
    return 0;
  if (json_object_has_member (page, "inside") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (page, "inside")))
    inside = json_object_get_object_member (page, "inside");
  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++) {
    guint applied = 0;

    g_assert (foyer_store_apply_pull (fuzz_store (), feeds[i], "expo-2026", "B-17",
                                      json_object_get_array_member (page, "rows"),
                                      json_object_get_string_member (page, "cursor"), inside,
                                      &applied, &error));
    g_assert (applied <= json_array_get_length (json_object_get_array_member (page, "rows")));
  }
  foyer_store_get_inside (fuzz_store (), NULL, NULL);
  return 0;
}
