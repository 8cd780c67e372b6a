/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-payload.c: how long the kiosk waits between a scan and a contact on screen, for the
 * payload step alone: every card of tests/data/cards, plus the worst case the charset
 * scoring meets (4 KiB of GB18030 text with no ECI).
 * Target: < 1 ms per card (a camera delivers 30 frames/s and the decoder owns most of a frame).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

#define TARGET_MS 1.0

static double
time_parse (const guint8 *data,
            gsize         len,
            guint         rounds)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < rounds; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(FoyerContact) c = foyer_payload_parse (data, len, NULL, &error);

    g_assert_true (c != NULL);
  }
  return (g_get_monotonic_time () - start) / 1000.0 / rounds;
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) payloads = foyer_test_corpus_files ("cards", ".payload");
  g_autoptr(GString) big = g_string_new (NULL);
  g_autofree char *gb = NULL;
  gsize gb_len = 0;
  double worst = 0;
  double ms;

  printf ("payload parse, ms per code (target < %.1f ms)\n", TARGET_MS);
  g_assert_cmpuint (payloads->len, >, 0);
  for (guint i = 0; i < payloads->len; i++) {
    const char *path = g_ptr_array_index (payloads, i);
    g_autofree char *name = g_path_get_basename (path);
    g_autofree char *data = NULL;
    gsize len;

    if (!g_file_get_contents (path, &data, &len, NULL))
      continue;
    ms = time_parse ((const guint8 *) data, len, 2000);
    worst = MAX (worst, ms);
    printf ("  %-28s %4" G_GSIZE_FORMAT " bytes  %.4f ms\n", name, len, ms);
  }

  /* 4 KiB of Chinese text in GB18030: the most characters the scoring ever looks at. */
  while (gb_len + 60 < FOYER_PAYLOAD_MAX_BYTES) {
    g_string_append (big, "上海会展服务有限公司市场总监张伟李娜王芳深圳智能制造协会 ");
    g_free (gb);
    gb = g_convert (big->str, -1, "GB18030", "UTF-8", NULL, &gb_len, NULL);
    g_assert_nonnull (gb);
  }
  ms = time_parse ((const guint8 *) gb, gb_len, 200);
  worst = MAX (worst, ms);
  printf ("  %-28s %4" G_GSIZE_FORMAT " bytes  %.4f ms\n", "4 KiB GB18030, no ECI", gb_len, ms);

  printf ("worst: %.4f ms (%s)\n", worst, worst < TARGET_MS ? "meets the target" : "OVER TARGET");
  return 0;
}
