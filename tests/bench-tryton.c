/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-tryton.c: records per second into a real trytond 6.0, and requests per record.
 *
 * 2,000 registrations (one in ten a trade visitor, so with an opportunity) in batches of the
 * default size through the backend, then the same again as a resend (all already there), then
 * 600 more from a FoyerStore through the sync engine, as on a kiosk. Target: well above the
 * ~1 record/s a busy entry kiosk produces, and far below one request per record.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "foyer-core.h"
#include "foyer-test-util.h"
#include "foyer-tryton-server.h"

#define N_RECORDS 2000
#define N_ENGINE  600   /* the engine adds little per batch: fewer records keep the run short */

static JsonObject *
registration (guint i)
{
  JsonObject *reg = json_object_new ();
  JsonArray *emails = json_array_new ();
  JsonArray *phones = json_array_new ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf (i % 2 ? "陈静 %u" : "Visitor %u", i);
  g_autofree char *email = g_strdup_printf ("bench%u@example.com", i);
  g_autofree char *phone = g_strdup_printf ("+86137%08u", i);

  json_object_set_string_member (reg, "id", id);
  json_object_set_string_member (reg, "type", "registration");
  json_object_set_string_member (reg, "created_at", "2026-11-24T10:42:00.123Z");
  json_object_set_string_member (reg, "event", "Canton Fair 2026");
  json_object_set_string_member (reg, "category", i % 10 == 0 ? "trade_visitor" : "public");
  json_object_set_string_member (reg, "full_name", name);
  json_object_set_string_member (reg, "city", "Guangzhou");
  json_array_add_string_element (emails, email);
  json_array_add_string_element (phones, phone);
  json_object_set_array_member (reg, "emails", emails);
  json_object_set_array_member (reg, "phones", phones);
  return reg;
}

static void
status_cb (FoyerSyncEngine       *engine,
           const FoyerSyncStatus *status,
           FoyerSyncStatus      **last)
{
  g_clear_pointer (last, foyer_sync_status_free);
  *last = foyer_sync_status_copy (status);
}

/* The whole path: FoyerStore's outbox drained by the sync engine, as on a kiosk. */
static void
run_engine (FoyerTrytonServer *server)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("bench-tryton");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autofree char *tryton = foyer_tryton_server_config (server, NULL);
  g_autofree char *conf = g_strdup_printf ("[kiosk]\nid=bench\nevent=canton-2026\n"
                                           "[storage]\ndatabase=%s\n%s", db, tryton);
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  FoyerSyncStatus *last = NULL;
  guint requests_before;
  gint64 start;
  double seconds;

  {
    g_autoptr(FoyerStore) store = foyer_store_open (db, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < N_ENGINE; i++) {
      g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
      g_autofree char *email = g_strdup_printf ("engine%u@example.com", i);
      const char *emails[] = { email, NULL };

      reg->event = g_strdup ("canton-2026");
      reg->kiosk_id = g_strdup ("bench");
      reg->kind = g_strdup (FOYER_KIND_WALK_IN);
      reg->category = g_strdup (i % 10 == 0 ? FOYER_CATEGORY_TRADE_VISITOR
                                            : FOYER_CATEGORY_PUBLIC);
      reg->full_name = g_strdup_printf ("黄磊 %u", i);
      reg->emails = g_strdupv ((char **) emails);
      reg->source = g_strdup (FOYER_SOURCE_MANUAL);
      reg->consent_given = TRUE;
      foyer_store_add_registration (store, reg, NULL, &error);
      g_assert_no_error (error);
    }
  }
  config = foyer_config_load_from_data (conf, "bench", &error);
  g_assert_no_error (error);
  engine = foyer_sync_engine_new (config, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (engine, "status-changed", G_CALLBACK (status_cb), &last);

  requests_before = foyer_tryton_server_count_requests (server);
  start = g_get_monotonic_time ();
  foyer_sync_engine_start (engine);
  while (last == NULL || last->state != FOYER_SYNC_STATE_IDLE || last->pending != 0) {
    if (last != NULL && (last->state == FOYER_SYNC_STATE_PAUSED || last->dead > 0))
      g_error ("sync engine: %s", last->paused_message ? last->paused_message : last->last_error);
    g_main_context_iteration (NULL, TRUE);
  }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  foyer_sync_engine_stop (engine);
  g_print ("%-28s %5d records in %6.2f s: %7.1f records/s, %5.3f requests/record "
           "(%u requests in trytond's log, health checks included)\n",
           "store -> engine -> Tryton:", N_ENGINE, seconds, N_ENGINE / seconds,
           (foyer_tryton_server_count_requests (server) - requests_before) / (double) N_ENGINE,
           foyer_tryton_server_count_requests (server) - requests_before);
  g_clear_pointer (&last, foyer_sync_status_free);
}

static double
run (FoyerTrytonBackend *backend,
     GPtrArray          *batches,
     const char         *label,
     FoyerSyncItemStatus expected)
{
  guint64 before = foyer_tryton_backend_get_request_count (backend);
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (guint b = 0; b < batches->len; b++) {
    g_autoptr(GPtrArray) results = NULL;
    g_autoptr(GError) error = NULL;

    if (!foyer_sync_backend_send_batch (FOYER_SYNC_BACKEND (backend), "bench", batches->pdata[b],
                                        &results, NULL, NULL, &error))
      g_error ("batch %u: %s", b, error->message);
    for (guint i = 0; i < results->len; i++) {
      FoyerSyncItemResult *r = results->pdata[i];
      if (r->status != expected)
        g_error ("batch %u record %u: status %d %s", b, i, r->status, r->reason ? r->reason : "");
    }
  }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_print ("%-28s %5d records in %6.2f s: %7.1f records/s, %5.3f requests/record "
           "(%" G_GUINT64_FORMAT " requests)\n",
           label, N_RECORDS, seconds, N_RECORDS / seconds,
           (foyer_tryton_backend_get_request_count (backend) - before) / (double) N_RECORDS,
           foyer_tryton_backend_get_request_count (backend) - before);
  return N_RECORDS / seconds;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FoyerTrytonServer) server = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerTrytonBackend) backend = NULL;
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                  json_array_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *skip = NULL;
  g_autofree char *conf = NULL;
  int batch_size;

  server = foyer_tryton_server_new (&skip);
  if (server == NULL) {
    g_print ("SKIP: bench-tryton needs Debian packages: %s\n", skip);
    return 77;
  }
  foyer_tryton_server_start (server);
  conf = foyer_tryton_server_config (server, NULL);
  config = foyer_config_load_from_data (conf, "bench", &error);
  g_assert_no_error (error);
  backend = foyer_tryton_backend_new (config, &error);
  g_assert_no_error (error);
  batch_size = foyer_config_get_int (config, "sync", "batch-size");

  for (guint i = 0; i < N_RECORDS; i++) {
    if (i % batch_size == 0)
      g_ptr_array_add (batches, json_array_new ());
    json_array_add_object_element (g_ptr_array_index (batches, batches->len - 1),
                                   registration (i));
  }
  g_print ("Tryton %s, SQLite, batches of %d; target: > 50 records/s, < 0.1 requests/record\n",
           "6.0", batch_size);
  run (backend, batches, "new registrations:", FOYER_SYNC_ITEM_ACCEPTED);
  run (backend, batches, "resend (all already there):", FOYER_SYNC_ITEM_DUPLICATE);
  run_engine (server);
  return 0;
}
