/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-tryton.c: [forward] backend=tryton: records a kiosk syncs to a real hub reach a real
 * trytond (tests/tryton/start-trytond.sh) through the hub's outbox, once each, and the kiosk
 * holds no CRM credentials. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "foyer-core.h"
#include "foyer-hub-test-util.h"
#include "foyer-test-util.h"
#include "foyer-tryton-server.h"

static gint64
count_parties (FoyerTrytonBackend *backend, GPtrArray *ids)
{
  g_autoptr(GString) params = g_string_new ("[[[\"identifiers.code\",\"in\",[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (params, "%s\"%s%s\"", i ? "," : "", FOYER_TRYTON_MARKER_PREFIX,
                            (char *) ids->pdata[i]);
  g_string_append (params, "]]]]");
  node = json_from_string (params->str, &error);
  g_assert_no_error (error);
  result = foyer_tryton_backend_call (backend, "model.party.party.search_count",
                                      json_node_get_array (node), NULL, &error);
  g_assert_no_error (error);
  return json_node_get_int (result);
}

/* The [tryton] group of the harness's kiosk configuration, for hub.conf. */
static char *
tryton_group (FoyerTrytonServer *server)
{
  g_autofree char *conf = foyer_tryton_server_config (server, NULL);
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_auto(GStrv) names = NULL;
  GString *out = g_string_new ("\n[forward]\nbackend=tryton\nbackoff-min-ms=200\n"
                               "backoff-max-ms=2000\n\n[tryton]\n");

  g_assert_true (g_key_file_load_from_data (keys, conf, -1, G_KEY_FILE_NONE, NULL));
  names = g_key_file_get_keys (keys, "tryton", NULL, NULL);
  for (guint i = 0; names[i] != NULL; i++) {
    g_autofree char *value = g_key_file_get_string (keys, "tryton", names[i], NULL);
    g_string_append_printf (out, "%s=%s\n", names[i], value);
  }
  return g_string_free (out, FALSE);
}

static void
test_forwarding (void)
{
  g_autofree char *skip = NULL, *extra = NULL, *code = NULL, *kiosk = NULL, *kconf = NULL;
  g_autoptr(FoyerTrytonServer) server = foyer_tryton_server_new (&skip);
  g_autoptr(FoyerTrytonBackend) backend = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GSubprocess) sync = NULL;
  g_autoptr(GError) error = NULL;
  FoyerTestHub *hub;
  gboolean drained = FALSE;

  if (server == NULL) {
    g_test_skip (skip);
    return;
  }
  foyer_tryton_server_start (server);
  extra = tryton_group (server);
  hub = foyer_test_hub_new (NULL, extra);
  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "entrance-01", "ev1");
  kiosk = foyer_test_kiosk_new (code, 200);
  /* The kiosk's configuration names no CRM. */
  g_assert_true (g_file_get_contents (kiosk, &kconf, NULL, NULL));
  g_assert_null (strstr (kconf, "[tryton]"));
  ids = foyer_test_kiosk_register (kiosk, 4);
  sync = foyer_test_kiosk_sync (kiosk, "20");
  g_assert_true (g_subprocess_wait (sync, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (sync), ==, 0);

  for (guint i = 0; i < 120 && !drained; i++) {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "outbox", NULL), ==, 0);
    drained = strstr (err, "0 records waiting") != NULL;
    if (!drained)
      g_usleep (500 * 1000);
  }
  g_assert_true (drained);
  {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "outbox", "--dead", NULL), ==, 0);
    g_assert_nonnull (strstr (err, "0 dead letters"));
  }
  {
    g_autofree char *conf = foyer_tryton_server_config (server, NULL);
    config = foyer_config_load_from_data (conf, "test-hub-tryton", &error);
    g_assert_no_error (error);
    backend = foyer_tryton_backend_new (config, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (count_parties (backend, ids), ==, 4);
  foyer_test_hub_free (hub);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/tryton/forwarding", test_forwarding);
  return g_test_run ();
}
