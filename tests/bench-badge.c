/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-badge.c: how long signing, verifying and rendering a badge take (targets in brackets). */
#include "config.h"

#include "foyer-core.h"
#include "foyer-test-util.h"

#define RECORD_ID "3f2a9c1b-7d40-4e5f-9a8b-0c1d2e3f4a5b"

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("bench-badge");
  g_autofree char *priv = g_build_filename (dir, "s.pem", NULL);
  g_autofree char *pub = g_build_filename (dir, "v.pem", NULL);
  g_autoptr(FoyerBadgeCode) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  FoyerRegistration reg = { 0 };
  const int n_sign = 2000, n_render = 20;
  double t;

  if (!foyer_badge_code_generate_keys (priv, pub, &error) ||
      (code = foyer_badge_code_new (priv, pub, &error)) == NULL) {
    g_printerr ("bench-badge: %s\n", error->message);
    return 1;
  }

  t = now_ms ();
  for (int i = 0; i < n_sign; i++) {
    g_free (payload);
    payload = foyer_badge_code_sign (code, "expo-2026", RECORD_ID, NULL);
  }
  g_print ("sign:        %.3f ms per badge code [target < 1 ms]\n", (now_ms () - t) / n_sign);

  t = now_ms ();
  for (int i = 0; i < n_sign; i++)
    g_assert_true (foyer_badge_code_verify (code, payload, -1, "expo-2026", NULL, NULL));
  g_print ("verify:      %.3f ms per badge code [target < 1 ms]\n", (now_ms () - t) / n_sign);

  reg.id = (char *)RECORD_ID;
  reg.full_name = (char *)"Maximilian Alexander Konstantin von Hohenzollern-Sigmaringen";
  reg.organization = (char *)"上海会展服务有限公司";
  reg.category = (char *)FOYER_CATEGORY_TRADE_VISITOR;
  for (FoyerBadgeFormat format = FOYER_BADGE_FORMAT_PDF; format <= FOYER_BADGE_FORMAT_PNG;
       format++) {
    g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
    gsize size = 0;

    g_bytes_unref (foyer_badge_renderer_render (renderer, &reg, payload, format, NULL));  /* fonts */
    t = now_ms ();
    for (int i = 0; i < n_render; i++) {
      GBytes *bytes = foyer_badge_renderer_render (renderer, &reg, payload, format, NULL);
      size = g_bytes_get_size (bytes);
      g_bytes_unref (bytes);
    }
    g_print ("render %s:  %.1f ms per badge, %zu bytes [target < 300 ms]\n",
             format == FOYER_BADGE_FORMAT_PDF ? "PDF" : "PNG", (now_ms () - t) / n_render, size);
  }
  return 0;
}
