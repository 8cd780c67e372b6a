/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-enroll.c: FoyerEnroll (src/core/foyer-enroll.c) against a real `foyer-hub serve`: what
 * a kiosk's staff can run into (a used, expired or damaged code, the wrong server, no network,
 * a configuration that cannot be written), the records waiting on a kiosk enrolled late, a
 * running sync engine switched to the new connection, and revocation seen by that engine. */
#include "config.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "foyer-core.h"
#include "foyer-enroll-code.h"
#include "foyer-enroll.h"
#include "foyer-hub-test-util.h"
#include "foyer-test-util.h"

/* A kiosk that has never been connected: its own store, quick retries, no [sync] backend. */
static char *
new_kiosk_conf (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("kiosk");
  /* connect-timeout covers the TLS handshake, which takes seconds in the sanitizer build */
  g_autofree char *text = g_strdup_printf (
    "# the kiosk's own comment stays\n[kiosk]\nid=kiosk-local\n\n[storage]\n"
    "database=%s/kiosk.db\n\n[sync]\n"
    "backoff-min-ms=20\nbackoff-max-ms=400\ntimeout=10\nconnect-timeout=10\n"
    "health-interval=1\n", dir);

  return foyer_test_write_file (dir, "foyer.conf", text);
}

static FoyerEnroll *
enroll_code (const char *code)
{
  g_autoptr(GError) error = NULL;
  FoyerEnroll *enroll = foyer_enroll_new (code, &error);

  g_assert_no_error (error);
  return enroll;
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The GTask variant, as the Admin page uses it: the main context keeps running meanwhile. */
static gboolean
run_async (FoyerEnroll *enroll, const char *conf, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  foyer_enroll_run_async (enroll, conf, NULL, run_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return foyer_enroll_run_finish (enroll, result, error);
}

typedef gboolean (*StatusCheck) (const FoyerSyncStatus *status, gpointer data);

/* Runs the main context (where the engine reports) until check holds; fails after 20 s. */
static void
wait_status (FoyerSyncEngine *engine, StatusCheck check, gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!check (foyer_sync_engine_get_status (engine), data)) {
    if (g_get_monotonic_time () > deadline)
      g_error ("sync status: %s, done %" G_GINT64_FORMAT ", pending %" G_GINT64_FORMAT
               ", last error %s", foyer_sync_state_to_string (foyer_sync_engine_get_status (engine)->state),
               foyer_sync_engine_get_status (engine)->done,
               foyer_sync_engine_get_status (engine)->pending,
               foyer_sync_engine_get_status (engine)->last_error);
    g_main_context_iteration (NULL, FALSE);
    g_usleep (10000);
  }
}

static gboolean
done_at_least (const FoyerSyncStatus *status, gpointer data)
{
  return status->done >= GPOINTER_TO_INT (data) && status->pending == 0;
}

static gboolean
paused_for_auth (const FoyerSyncStatus *status, gpointer data)
{
  return status->state == FOYER_SYNC_STATE_PAUSED && status->paused_code == FOYER_SYNC_ERROR_AUTH;
}

static gboolean
is_disabled (const FoyerSyncStatus *status, gpointer data)
{
  return status->state == FOYER_SYNC_STATE_DISABLED;
}

static FoyerConfig *
load_conf (const char *conf)
{
  g_autoptr(GError) error = NULL;
  FoyerConfig *config = foyer_config_load_from_file (conf, &error);

  g_assert_no_error (error);
  return config;
}

static void
assert_mode (const char *path, guint mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

/* The code shows what it is for before anything is sent; the exchange writes the kiosk's
 * files; records registered before enrollment move into the hub's event; a running engine
 * (disabled until now) is switched to the new connection and delivers them. */
static void
test_success (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  g_autofree char *code = NULL, *conf = NULL, *text = NULL;
  g_autoptr(FoyerEnroll) enroll = NULL;
  g_autoptr(FoyerConfig) running = NULL, written = NULL;
  g_autoptr(FoyerSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) before = NULL, after = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "entrance-01", "expo-2026");
  conf = new_kiosk_conf ();
  before = foyer_test_kiosk_register (conf, 2);     /* under "default-event" */
  running = load_conf (conf);
  g_assert_false (foyer_enroll_config_is_enrolled (running));
  engine = foyer_sync_engine_new (running, NULL, &error);
  g_assert_no_error (error);
  foyer_sync_engine_start (engine);
  wait_status (engine, is_disabled, NULL);

  enroll = enroll_code (code);
  g_assert_cmpstr (foyer_enroll_get_url (enroll), ==, hub->url);
  g_assert_cmpstr (foyer_enroll_get_event (enroll), ==, "expo-2026");
  g_assert_cmpstr (foyer_enroll_get_device (enroll), ==, "entrance-01");
  g_assert_false (foyer_enroll_get_pinned (enroll));
  g_assert_true (run_async (enroll, conf, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (foyer_enroll_get_enrolled_device (enroll), ==, "entrance-01");
  g_assert_cmpstr (foyer_enroll_get_enrolled_event (enroll), ==, "expo-2026");
  g_assert_cmpuint (foyer_enroll_get_n_adopted (enroll), ==, 2);

  /* What was written: [sync], [badge] verify-key, [kiosk]; the token 0600; comments kept. */
  written = load_conf (conf);
  g_assert_true (foyer_enroll_config_is_enrolled (written));
  g_assert_cmpstr (foyer_config_get_string (written, "sync", "url"), ==, hub->url);
  g_assert_cmpstr (foyer_config_get_string (written, "kiosk", "id"), ==, "entrance-01");
  g_assert_cmpstr (foyer_config_get_string (written, "kiosk", "event"), ==, "expo-2026");
  g_assert_null (foyer_config_get_string (written, "badge", "signing-key"));   /* no --prints */
  assert_mode (foyer_config_get_string (written, "sync", "token-file"), 0600);
  g_assert_true (g_file_test (foyer_config_get_string (written, "badge", "verify-key"),
                              G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (conf, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "# the kiosk's own comment stays"));

  /* The running kiosk takes the new connection without a restart. */
  foyer_enroll_apply (enroll, running);
  g_assert_true (foyer_enroll_config_is_enrolled (running));
  g_assert_true (foyer_sync_engine_set_config (engine, running, &error));
  g_assert_no_error (error);
  wait_status (engine, done_at_least, GINT_TO_POINTER (2));
  after = foyer_test_kiosk_register (conf, 1);
  foyer_sync_engine_wake (engine);
  wait_status (engine, done_at_least, GINT_TO_POINTER (3));
  foyer_sync_engine_stop (engine);

  stored = foyer_test_hub_export_ids (hub, "expo-2026", &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (g_hash_table_contains (stored, before->pdata[0]));
  g_assert_true (g_hash_table_contains (stored, before->pdata[1]));
  g_assert_true (g_hash_table_contains (stored, after->pdata[0]));
  foyer_test_hub_free (hub);
}

/* A device added with --prints also gets the signing key (0600); a second use of the code is
 * refused as used, and nothing of the second kiosk is written. */
static void
test_used_code (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  g_autofree char *out = NULL, *err = NULL, *code = NULL, *conf = NULL, *other = NULL;
  g_autoptr(FoyerEnroll) first = NULL, second = NULL;
  g_autoptr(FoyerConfig) written = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  foyer_test_hub_start (hub, NULL);
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "device", "add", "printer-01", "--event",
                                       "ev1", "--prints", NULL), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  code = g_strdup (lines[g_strv_length (lines) - 1]);
  conf = new_kiosk_conf ();
  first = enroll_code (code);
  g_assert_true (foyer_enroll_run (first, conf, NULL, &error));
  g_assert_no_error (error);
  written = load_conf (conf);
  assert_mode (foyer_config_get_string (written, "badge", "signing-key"), 0600);

  other = new_kiosk_conf ();
  second = enroll_code (code);
  g_assert_false (foyer_enroll_run (second, other, NULL, &error));
  g_assert_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_CODE_USED);
  g_assert_nonnull (strstr (error->message, "already used"));
  g_clear_object (&written);
  written = load_conf (other);
  g_assert_false (foyer_enroll_config_is_enrolled (written));
  foyer_test_hub_free (hub);
}

/* Past [hub] enroll-ttl: refused as expired, by the core and by `foyerctl enroll`. */
static void
test_expired_code (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  g_autofree char *code = NULL, *conf = NULL, *out = NULL, *err = NULL;
  g_autoptr(FoyerEnroll) enroll = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "k1", "ev1");
  /* The hub's own database, as a day passing would leave it. */
  g_assert_cmpint (sqlite3_open (hub->database, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE devices SET enroll_expires_at = "
                                 "'2020-01-01T00:00:00.000Z' WHERE name = 'k1'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  conf = new_kiosk_conf ();
  enroll = enroll_code (code);
  g_assert_false (foyer_enroll_run (enroll, conf, NULL, &error));
  g_assert_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_CODE_EXPIRED);
  {
    const char *argv[] = { "--config", conf, "enroll", code, NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "expired"));
  }
  foyer_test_hub_free (hub);
}

/* A code whose pin is not the server's certificate: refused before the secret is sent, so the
 * genuine code still works afterwards; the genuine one keeps the certificate as ca-file. */
static void
test_wrong_pin (void)
{
  FoyerTestHub *hub = foyer_test_hub_new_tls ();
  g_autofree char *code = NULL, *forged = NULL, *conf = NULL;
  g_autoptr(FoyerEnrollCode) decoded = NULL;
  g_autoptr(FoyerEnroll) bad = NULL, good = NULL;
  g_autoptr(FoyerConfig) written = NULL;
  g_autoptr(GError) error = NULL;

  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "k-tls", "ev1");
  decoded = foyer_enroll_code_decode (code, &error);
  g_assert_no_error (error);
  g_free (decoded->pin);
  decoded->pin = g_strconcat ("sha256:", "0123456789abcdef0123456789abcdef"
                              "0123456789abcdef0123456789abcdef", NULL);
  forged = foyer_enroll_code_encode (decoded);

  conf = new_kiosk_conf ();
  bad = enroll_code (forged);
  g_assert_true (foyer_enroll_get_pinned (bad));
  g_assert_false (foyer_enroll_run (bad, conf, NULL, &error));
  g_assert_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_PIN_MISMATCH);
  g_clear_error (&error);
  written = load_conf (conf);
  g_assert_false (foyer_enroll_config_is_enrolled (written));

  good = enroll_code (code);
  g_assert_true (foyer_enroll_run (good, conf, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&written);
  written = load_conf (conf);
  g_assert_true (g_file_test (foyer_config_get_string (written, "sync", "ca-file"),
                              G_FILE_TEST_IS_REGULAR));
  foyer_test_hub_free (hub);
}

/* Nobody listens at the code's address: a clear "cannot reach", nothing written. */
static void
test_unreachable (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);   /* a free port, never started */
  FoyerEnrollCode c = { hub->url, (char *) "ev1", (char *) "secret", NULL, (char *) "k1" };
  g_autofree char *code = foyer_enroll_code_encode (&c);
  g_autofree char *conf = new_kiosk_conf ();
  g_autoptr(FoyerEnroll) enroll = enroll_code (code);
  g_autoptr(FoyerConfig) written = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (foyer_enroll_run (enroll, conf, NULL, &error));
  g_assert_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, hub->url));
  written = load_conf (conf);
  g_assert_false (foyer_enroll_config_is_enrolled (written));
  foyer_test_hub_free (hub);
}

/* The configuration cannot be written: refused before the code is spent. */
static void
test_unwritable_config (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  g_autofree char *dir = foyer_test_make_tmpdir ("unwritable");
  g_autofree char *file = foyer_test_write_file (dir, "not-a-folder", "x");
  g_autofree char *bad_conf = g_build_filename (file, "foyer.conf", NULL);
  g_autofree char *code = NULL, *conf = NULL;
  g_autoptr(FoyerEnroll) enroll = NULL;
  g_autoptr(GError) error = NULL;

  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "k1", "ev1");
  enroll = enroll_code (code);
  g_assert_false (foyer_enroll_run (enroll, bad_conf, NULL, &error));
  g_assert_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, file));
  g_clear_error (&error);

  conf = new_kiosk_conf ();
  g_assert_true (foyer_enroll_run (enroll, conf, NULL, &error));
  g_assert_no_error (error);
  foyer_test_hub_free (hub);
}

/* What a scanner may deliver that is not an enrollment code, and a code for plain http across
 * the network, which the kiosk's sync would refuse afterwards. */
static void
test_not_a_code (void)
{
  const char *texts[] = { "", "https://example.com/", "FYE1:", "FYE1:!!!", "FY1:abc",
                          "FYE1:eyJ1cmwiOiJmdHA6Ly94In0" /* {"url":"ftp://x"} */ };
  FoyerEnrollCode c = { (char *) "http://192.0.2.1:8470", (char *) "ev1", (char *) "s", NULL,
                        NULL };
  g_autofree char *plain = foyer_enroll_code_encode (&c);
  g_autofree char *conf = new_kiosk_conf ();
  g_autoptr(FoyerEnroll) enroll = enroll_code (plain);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++) {
    g_assert_null (foyer_enroll_new (texts[i], &error));
    g_assert_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_NOT_A_CODE);
    g_clear_error (&error);
  }
  g_assert_null (foyer_enroll_get_device (enroll));   /* codes of older hubs name no device */
  g_assert_false (foyer_enroll_run (enroll, conf, NULL, &error));
  g_assert_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_INSECURE);
}

/* Run as root with an owner: every file written belongs to the kiosk's user. */
static void
test_owner (void)
{
  FoyerTestHub *hub;
  g_autofree char *code = NULL, *conf = NULL;
  g_autoptr(FoyerEnroll) enroll = NULL;
  g_autoptr(FoyerConfig) written = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (getuid () != 0) {
    g_test_skip ("--owner takes effect only as root");
    return;
  }
  hub = foyer_test_hub_new (NULL, NULL);
  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "k1", "ev1");
  conf = new_kiosk_conf ();
  enroll = enroll_code (code);
  g_assert_false (foyer_enroll_set_owner (enroll, "no-such-user-foyer", &error));
  g_assert_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_OWNER);
  g_clear_error (&error);
  g_assert_true (foyer_enroll_set_owner (enroll, "nobody", &error));
  g_assert_true (foyer_enroll_run (enroll, conf, NULL, &error));
  g_assert_no_error (error);
  written = load_conf (conf);
  g_assert_cmpint (g_stat (foyer_config_get_string (written, "sync", "token-file"), &st), ==, 0);
  g_assert_cmpuint (st.st_uid, ==, 65534);
  g_assert_cmpint (g_stat (conf, &st), ==, 0);
  g_assert_cmpuint (st.st_uid, ==, 65534);
  foyer_test_hub_free (hub);
}

/* `foyer-hub device revoke`: the kiosk's next request gets 401 and its engine pauses with a
 * reason for staff; the record stays waiting on the kiosk. */
static void
test_revocation (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  g_autofree char *code = NULL, *conf = NULL, *out = NULL, *err = NULL;
  g_autoptr(FoyerEnroll) enroll = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) first = NULL, second = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GError) error = NULL;
  const FoyerSyncStatus *status;
  guint n = 0;

  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "k1", "ev1");
  conf = new_kiosk_conf ();
  enroll = enroll_code (code);
  g_assert_true (foyer_enroll_run (enroll, conf, NULL, &error));
  config = load_conf (conf);
  engine = foyer_sync_engine_new (config, NULL, &error);
  g_assert_no_error (error);
  foyer_sync_engine_start (engine);
  first = foyer_test_kiosk_register (conf, 1);
  foyer_sync_engine_wake (engine);
  wait_status (engine, done_at_least, GINT_TO_POINTER (1));

  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "device", "revoke", "k1", NULL), ==, 0);
  second = foyer_test_kiosk_register (conf, 1);
  foyer_sync_engine_wake (engine);
  wait_status (engine, paused_for_auth, NULL);
  status = foyer_sync_engine_get_status (engine);
  g_assert_true (status->paused);
  g_assert_nonnull (strstr (status->paused_message, "401"));
  g_assert_cmpint (status->pending, ==, 1);
  foyer_sync_engine_stop (engine);

  stored = foyer_test_hub_export_ids (hub, "ev1", &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_false (g_hash_table_contains (stored, second->pdata[0]));
  foyer_test_hub_free (hub);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/enroll/success", test_success);
  g_test_add_func ("/enroll/used-code", test_used_code);
  g_test_add_func ("/enroll/expired-code", test_expired_code);
  g_test_add_func ("/enroll/wrong-pin", test_wrong_pin);
  g_test_add_func ("/enroll/unreachable", test_unreachable);
  g_test_add_func ("/enroll/unwritable-config", test_unwritable_config);
  g_test_add_func ("/enroll/not-a-code", test_not_a_code);
  g_test_add_func ("/enroll/owner", test_owner);
  g_test_add_func ("/enroll/revocation", test_revocation);
  return g_test_run ();
}
