/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-enroll.c: connect this kiosk to a head-office hub (see foyer-enroll.h).
 *
 * The code (printed by `foyer-hub device add`) names the hub, the event and a one-time secret,
 * and pins the hub's TLS certificate by its SHA-256. The certificate is fetched first and
 * checked against the pin before the secret is sent, then kept as [sync] ca-file so the sync
 * engine verifies the hub like any server. The hub answers with this device's token and the
 * event's badge keys; all of it is written beside the configuration file. Transfers go through
 * foyer-curl like every sync request (timeouts, answer cap, cancellation).
 */
#define G_LOG_DOMAIN "foyer-enroll"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "foyer-curl.h"
#include "foyer-enroll-code.h"
#include "foyer-enroll-private.h"
#include "foyer-json.h"
#include "foyer-store.h"

/* The hub's answer is a few keys: anything larger is not a Foyer hub. */
#define ANSWER_MAX (256 * 1024)

struct _FoyerEnroll {
  GObject          parent_instance;

  FoyerEnrollCode *code;
  gboolean         has_owner;
  uid_t            owner_uid;
  gid_t            owner_gid;
  char            *owner_name;

  /* the hub's answer; the secrets are wiped once written */
  char            *token;
  char            *device;
  char            *event;
  char            *event_name;
  char            *mode;
  char            *booth;
  char            *verify_key;
  char            *signing_key;

  /* what was written, for foyer_enroll_apply() */
  GKeyFile        *written;
  gboolean         ca_removed;
  guint            n_adopted;
};

G_DEFINE_FINAL_TYPE (FoyerEnroll, foyer_enroll, G_TYPE_OBJECT)
G_DEFINE_QUARK (foyer-enroll-error-quark, foyer_enroll_error)

static void
wipe (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
foyer_enroll_finalize (GObject *object)
{
  FoyerEnroll *self = FOYER_ENROLL (object);

  g_clear_pointer (&self->code, foyer_enroll_code_free);
  g_free (self->owner_name);
  wipe (&self->token);
  wipe (&self->signing_key);
  g_free (self->device);
  g_free (self->event);
  g_free (self->event_name);
  g_free (self->mode);
  g_free (self->booth);
  g_free (self->verify_key);
  g_clear_pointer (&self->written, g_key_file_unref);

  G_OBJECT_CLASS (foyer_enroll_parent_class)->finalize (object);
}

static void
foyer_enroll_class_init (FoyerEnrollClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_enroll_finalize;
}

static void
foyer_enroll_init (FoyerEnroll *self)
{
}

FoyerEnroll *
foyer_enroll_new (const char  *code,
                  GError     **error)
{
  g_autoptr(FoyerEnroll) self = g_object_new (FOYER_TYPE_ENROLL, NULL);
  g_autoptr(GError) local = NULL;

  self->code = foyer_enroll_code_decode (code, &local);
  if (self->code == NULL) {
    g_set_error_literal (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_NOT_A_CODE,
                         local->message);
    return NULL;
  }
  return g_steal_pointer (&self);
}

const char *
foyer_enroll_get_url (FoyerEnroll *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL (self), NULL);
  return self->code->url;
}

const char *
foyer_enroll_get_event (FoyerEnroll *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL (self), NULL);
  return self->code->event;
}

const char *
foyer_enroll_get_device (FoyerEnroll *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL (self), NULL);
  return self->code->device;
}

gboolean
foyer_enroll_get_pinned (FoyerEnroll *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL (self), FALSE);
  return self->code->pin != NULL;
}

gboolean
foyer_enroll_set_owner (FoyerEnroll  *self,
                        const char   *user,
                        GError      **error)
{
  struct passwd *pw;

  g_return_val_if_fail (FOYER_IS_ENROLL (self), FALSE);

  self->has_owner = FALSE;
  if (user == NULL || getuid () != 0)
    return TRUE;
  if ((pw = getpwnam (user)) == NULL) {
    g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_OWNER, _("no user “%s”"), user);
    return FALSE;
  }
  self->has_owner = TRUE;
  self->owner_uid = pw->pw_uid;
  self->owner_gid = pw->pw_gid;
  g_free (self->owner_name);
  self->owner_name = g_strdup (pw->pw_name);
  return TRUE;
}

const char *
foyer_enroll_get_enrolled_device (FoyerEnroll *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL (self), NULL);
  return self->device;
}

const char *
foyer_enroll_get_enrolled_event (FoyerEnroll *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL (self), NULL);
  return self->event;
}

const char *
foyer_enroll_get_event_name (FoyerEnroll *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL (self), NULL);
  return self->event_name;
}

guint
foyer_enroll_get_n_adopted (FoyerEnroll *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL (self), 0);
  return self->n_adopted;
}

/* ---- the configuration as it is, and where it goes ---- */

gboolean
foyer_enroll_config_is_enrolled (FoyerConfig *config)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (config), FALSE);
  return g_strcmp0 (foyer_config_get_string (config, "sync", "backend"), "http-json") == 0
         && foyer_config_get_string (config, "sync", "url") != NULL
         && foyer_config_get_string (config, "sync", "token-file") != NULL;
}

/* What enrollment writes (write_secrets()), as one connection. */
static const struct {
  const char *group;
  const char *key;
} connection_keys[] = {
  { "sync", "backend" }, { "sync", "url" }, { "sync", "token-file" }, { "sync", "ca-file" },
  { "badge", "verify-key" }, { "badge", "signing-key" },
  { "kiosk", "id" }, { "kiosk", "event" }, { "kiosk", "mode" }, { "kiosk", "booth" },
};

gboolean
foyer_enroll_take_connection (FoyerConfig *running,
                              FoyerConfig *written)
{
  gboolean same = TRUE;

  g_return_val_if_fail (FOYER_IS_CONFIG (running) && FOYER_IS_CONFIG (written), FALSE);

  if (!foyer_enroll_config_is_enrolled (written))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (connection_keys) && same; i++)
    same = g_strcmp0 (foyer_config_get_string (running, connection_keys[i].group,
                                               connection_keys[i].key),
                      foyer_config_get_string (written, connection_keys[i].group,
                                               connection_keys[i].key)) == 0;
  if (same)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (connection_keys); i++) {
    const char *value = foyer_config_get_string (written, connection_keys[i].group,
                                                 connection_keys[i].key);
    if (value != NULL)
      foyer_config_set_string (running, connection_keys[i].group, connection_keys[i].key, value);
    else
      g_key_file_remove_key (foyer_config_get_key_file (running), connection_keys[i].group,
                             connection_keys[i].key, NULL);
  }
  return TRUE;
}

char *
foyer_enroll_config_target (FoyerConfig *config)
{
  if (config != NULL && foyer_config_get_path (config) != NULL)
    return g_strdup (foyer_config_get_path (config));
  return g_build_filename (g_get_user_config_dir (), "foyer", "foyer.conf", NULL);
}

/* what is the folder or file the message names, saved the errno */
static gboolean
config_error (GError **error, const char *what, int saved)
{
  g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_CONFIG, "%s: %s", what,
               g_strerror (saved));
  return FALSE;
}

/* The folder exists and a file can be created in it: checked before the one-time secret is
 * spent, so a read-only configuration does not cost a code. */
static gboolean
check_writable (const char *dir, const char *path, GError **error)
{
  g_autofree char *probe = g_build_filename (dir, ".foyer-enroll-XXXXXX", NULL);
  int fd;

  g_autofree char *what = NULL;
  int saved;

  if (g_mkdir_with_parents (dir, 0755) != 0) {
    saved = errno;
    what = g_strdup_printf (_("cannot create the folder %s"), dir);
    return config_error (error, what, saved);
  }
  if ((fd = g_mkstemp_full (probe, O_WRONLY, 0600)) < 0) {
    saved = errno;
    what = g_strdup_printf (_("cannot write in the folder %s"), dir);
    return config_error (error, what, saved);
  }
  close (fd);
  g_unlink (probe);
  if (g_file_test (path, G_FILE_TEST_EXISTS) && g_access (path, R_OK | W_OK) != 0) {
    saved = errno;
    what = g_strdup_printf (_("cannot write the configuration %s"), path);
    return config_error (error, what, saved);
  }
  return TRUE;
}

/* ---- talking to the hub ---- */

static FoyerCurlSettings *
curl_settings (FoyerConfig *target, const char *ca_file, GError **error)
{
  g_autoptr(FoyerConfig) config = foyer_config_new_default ();
  g_autoptr(FoyerCurlSettings) settings = NULL;

  foyer_config_set_string (config, "sync", "allow-plain-http",
                           foyer_config_get_boolean (target, "sync", "allow-plain-http")
                           ? "true" : "false");
  foyer_config_set_string (config, "sync", "connect-timeout",
                           foyer_config_get_string (target, "sync", "connect-timeout"));
  if (ca_file != NULL)
    foyer_config_set_string (config, "sync", "ca-file", ca_file);
  settings = foyer_curl_settings_new (config, error);
  return g_steal_pointer (&settings);
}

static gboolean
perform (CURL *curl, FoyerCurlResponse *response, const char *url, GCancellable *cancellable,
         GError **error)
{
  g_autoptr(GError) local = NULL;

  if (foyer_curl_perform (curl, response, url, cancellable, &local))
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_UNREACHABLE,
               _("cannot reach the hub at %s: %s"), url, local->message);
  return FALSE;
}

/* The leaf certificate (PEM) as the hub's TLS handshake presents it. */
static char *
leaf_certificate (CURL *curl)
{
  struct curl_certinfo *info = NULL;

  if (curl_easy_getinfo (curl, CURLINFO_CERTINFO, &info) != CURLE_OK || info == NULL
      || info->num_of_certs < 1)
    return NULL;
  for (struct curl_slist *s = info->certinfo[0]; s != NULL; s = s->next)
    if (g_str_has_prefix (s->data, "Cert:"))
      return g_strdup (s->data + 5);
  return NULL;
}

/* The hub's certificate (PEM), checked against the code's pin before anything is sent. */
static char *
fetch_pinned_certificate (FoyerEnroll *self, FoyerCurlSettings *settings, CURL *curl,
                          GCancellable *cancellable, GError **error)
{
  g_autofree char *url = g_strconcat (self->code->url, "/v1/health", NULL);
  g_autoptr(FoyerCurlResponse) response = foyer_curl_response_new ();
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *hex = NULL;

  foyer_curl_prepare (curl, settings, url, response, cancellable);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);   /* verified by the pin below */
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt (curl, CURLOPT_CERTINFO, 1L);
  if (!perform (curl, response, self->code->url, cancellable, error))
    return NULL;
  if ((pem = leaf_certificate (curl)) == NULL
      || (cert = g_tls_certificate_new_from_pem (pem, -1, NULL)) == NULL) {
    g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_PIN_MISMATCH,
                 _("the server at %s presented no usable certificate, but the enrollment code "
                   "expects one: nothing was sent"), self->code->url);
    return NULL;
  }
  g_object_get (cert, "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  if (g_ascii_strcasecmp (hex, self->code->pin + strlen ("sha256:")) != 0) {
    g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_PIN_MISMATCH,
                 _("the hub at %s presented a certificate that does not match the enrollment "
                   "code: nothing was sent (is this the right network?)"), self->code->url);
    return NULL;
  }
  return g_steal_pointer (&pem);
}

/* A string member of the hub's answer, NULL when absent or not a string. */
static char *
answer_string (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING
         ? g_strdup (json_node_get_string (node)) : NULL;
}

static gboolean
read_refusal (FoyerEnroll *self, long status, JsonObject *o, GError **error)
{
  g_autofree char *message = answer_string (o, "error");
  g_autofree char *reason = answer_string (o, "reason");
  FoyerEnrollError code = g_strcmp0 (reason, "code_used") == 0 ? FOYER_ENROLL_ERROR_CODE_USED
                          : g_strcmp0 (reason, "code_expired") == 0
                          ? FOYER_ENROLL_ERROR_CODE_EXPIRED
                          : status == 403 ? FOYER_ENROLL_ERROR_REFUSED
                          : FOYER_ENROLL_ERROR_NOT_A_HUB;

  if (message == NULL)
    message = g_strdup_printf ("HTTP %ld", status);
  g_set_error (error, FOYER_ENROLL_ERROR, code, _("the hub refused: %s"), message);
  return FALSE;
}

/* The hub's answer, parsed with the core's size and depth caps (untrusted input). */
gboolean
_foyer_enroll_read_answer (FoyerEnroll *self, long status, const char *body, gsize len,
                           GError **error)
{
  g_autoptr(JsonNode) root = len > 0 ? foyer_json_parse (body, (gssize) len, NULL) : NULL;
  JsonObject *o;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_NOT_A_HUB,
                 _("the server at %s answered HTTP %ld without a readable body (is the address "
                   "a Foyer hub?)"), self->code->url, status);
    return FALSE;
  }
  o = json_node_get_object (root);
  if (status != 200)
    return read_refusal (self, status, o, error);
  wipe (&self->token);
  wipe (&self->signing_key);
  self->token = answer_string (o, "token");
  self->device = answer_string (o, "device");
  self->event = answer_string (o, "event");
  self->event_name = answer_string (o, "event_name");
  self->mode = answer_string (o, "mode");
  self->booth = answer_string (o, "booth");
  self->verify_key = answer_string (o, "verify_key");
  self->signing_key = answer_string (o, "signing_key");
  if (self->token == NULL || self->device == NULL || self->event == NULL
      || *self->token == '\0' || strpbrk (self->token, "\r\n") != NULL) {
    g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_NOT_A_HUB,
                 _("the answer of %s lacks the device's token (is the address a Foyer hub?)"),
                 self->code->url);
    return FALSE;
  }
  return TRUE;
}

static gboolean
exchange_secret (FoyerEnroll *self, FoyerCurlSettings *settings, CURL *curl,
                 GCancellable *cancellable, GError **error)
{
  g_autofree char *url = g_strconcat (self->code->url, "/v1/enroll", NULL);
  g_autoptr(FoyerCurlResponse) response = foyer_curl_response_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *request = NULL;
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  gboolean ok;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, self->code->secret);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  request = foyer_json_to_string (root);

  foyer_curl_prepare (curl, settings, url, response, cancellable);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) ANSWER_MAX);
  ok = perform (curl, response, self->code->url, cancellable, error);
  curl_slist_free_all (headers);
  memset (request, 0, strlen (request));
  return ok && _foyer_enroll_read_answer (self, response->status,
                                          (const char *) response->body->data,
                                          response->body->len, error);
}

/* ---- writing ---- */

typedef struct {
  FoyerEnroll *self;
  const char  *dir;
  GKeyFile    *keys;      /* the file as it will be saved (comments kept) */
} Target;

static gboolean
give_to_owner (FoyerEnroll *self, const char *path, GError **error)
{
  if (self->has_owner && chown (path, self->owner_uid, self->owner_gid) != 0) {
    int saved = errno;
    g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_OWNER,
                 _("cannot give %s to %s: %s"), path, self->owner_name, g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}

/* Writes a file beside the configuration, given to the owner; its path. */
static char *
write_beside (Target *t, const char *name, const char *contents, int mode, GError **error)
{
  g_autofree char *path = g_build_filename (t->dir, name, NULL);
  g_autoptr(GError) local = NULL;

  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode,
                                 &local)) {
    g_set_error_literal (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_CONFIG, local->message);
    return NULL;
  }
  if (!give_to_owner (t->self, path, error))
    return NULL;
  return g_steal_pointer (&path);
}

static void
set_key (Target *t, const char *group, const char *key, const char *value)
{
  g_key_file_set_string (t->keys, group, key, value);
  g_key_file_set_string (t->self->written, group, key, value);
}

static gboolean
write_secrets (Target *t, const char *cert_pem, GError **error)
{
  FoyerEnroll *self = t->self;
  g_autofree char *token_line = g_strconcat (self->token, "\n", NULL);
  g_autofree char *token = write_beside (t, "hub-token", token_line, 0600, error);
  g_autofree char *ca = NULL, *verify = NULL, *sign = NULL;

  wipe (&token_line);
  if (token == NULL)
    return FALSE;
  if (cert_pem != NULL && (ca = write_beside (t, "hub-ca.pem", cert_pem, 0644, error)) == NULL)
    return FALSE;
  if (self->verify_key != NULL
      && (verify = write_beside (t, "badge-verify.pem", self->verify_key, 0644, error)) == NULL)
    return FALSE;
  if (self->signing_key != NULL
      && (sign = write_beside (t, "badge-signing.pem", self->signing_key, 0600, error)) == NULL)
    return FALSE;
  set_key (t, "sync", "backend", "http-json");
  set_key (t, "sync", "url", self->code->url);
  set_key (t, "sync", "token-file", token);
  self->ca_removed = ca == NULL;
  if (ca != NULL)
    set_key (t, "sync", "ca-file", ca);
  else
    g_key_file_remove_key (t->keys, "sync", "ca-file", NULL);
  if (verify != NULL)
    set_key (t, "badge", "verify-key", verify);
  if (sign != NULL)
    set_key (t, "badge", "signing-key", sign);
  set_key (t, "kiosk", "id", self->device);
  set_key (t, "kiosk", "event", self->event);
  if (self->mode != NULL)
    set_key (t, "kiosk", "mode", self->mode);
  if (self->booth != NULL)
    set_key (t, "kiosk", "booth", self->booth);
  return TRUE;
}

static gboolean
save_config (FoyerEnroll *self, const char *path, GKeyFile *keys, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  GStatBuf st;
  int mode = g_stat (path, &st) == 0 ? (st.st_mode & 07777) : 0644;
  gsize len;

  data = g_key_file_to_data (keys, &len, NULL);
  if (!g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, mode,
                                 &local)) {
    g_set_error_literal (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_CONFIG, local->message);
    return FALSE;
  }
  return give_to_owner (self, path, error);
}

/* A kiosk that was not enrolled registered under its own [kiosk] event: its records head
 * office has not received move into the hub's event, or the hub would refuse them. A failure
 * here does not undo the enrollment; the records stay and are refused visibly (dead letters).
 * Runs before the configuration is saved (checked writable before anything was sent). */
static void
adopt_waiting_records (FoyerEnroll *self, FoyerConfig *before)
{
  const char *old_event = foyer_config_get_string (before, "kiosk", "event");
  g_autofree char *db = foyer_config_get_path_value (before, "storage", "database");
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (foyer_enroll_config_is_enrolled (before) || old_event == NULL
      || g_strcmp0 (old_event, self->event) == 0 || db == NULL
      || !g_file_test (db, G_FILE_TEST_EXISTS))
    return;
  if ((store = foyer_store_open (db, &error)) == NULL
      || !foyer_store_adopt_event (store, old_event, self->event, &self->n_adopted, &error))
    g_message ("enrolled, but the waiting records stay under event %s: %s", old_event,
               error->message);
}

/* The configuration as a GKeyFile to edit (comments kept) and as a FoyerConfig to read. */
static gboolean
load_target (const char *path, GKeyFile *keys, FoyerConfig **before, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    *before = foyer_config_new_default ();
    return TRUE;
  }
  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_KEEP_COMMENTS
                                  | G_KEY_FILE_KEEP_TRANSLATIONS, &local)
      || (*before = foyer_config_load_from_file (path, &local)) == NULL) {
    g_set_error (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_CONFIG,
                 _("cannot read the configuration %s: %s"), path, local->message);
    return FALSE;
  }
  return TRUE;
}

/* Plain http:// only where the sync engine will accept it afterwards. */
static gboolean
check_url (FoyerEnroll *self, FoyerCurlSettings *settings, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *host = foyer_curl_settings_check_url (settings, self->code->url,
                                                         "the hub's address", &local);

  if (host == NULL) {
    g_set_error_literal (error, FOYER_ENROLL_ERROR, FOYER_ENROLL_ERROR_INSECURE,
                         local->message);
    return FALSE;
  }
  return TRUE;
}

/* Pin, then exchange (the secret goes only to the pinned certificate). */
static gboolean
talk_to_hub (FoyerEnroll *self, FoyerConfig *before, const char *dir, char **cert_pem,
             GCancellable *cancellable, GError **error)
{
  g_autoptr(FoyerCurlSettings) probe = curl_settings (before, NULL, error);
  g_autoptr(FoyerCurlSettings) pinned = NULL;
  g_autofree char *ca_tmp = NULL;
  CURL *curl;
  gboolean ok = FALSE;

  if (probe == NULL || !check_url (self, probe, error))
    return FALSE;
  curl = curl_easy_init ();
  if (self->code->pin == NULL) {
    ok = exchange_secret (self, probe, curl, cancellable, error);
  } else if ((*cert_pem = fetch_pinned_certificate (self, probe, curl, cancellable, error))) {
    ca_tmp = g_build_filename (dir, "hub-ca.pem.new", NULL);
    if (!g_file_set_contents_full (ca_tmp, *cert_pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error))
      g_clear_pointer (&ca_tmp, g_free);
    ok = ca_tmp != NULL && (pinned = curl_settings (before, ca_tmp, error)) != NULL
         && exchange_secret (self, pinned, curl, cancellable, error);
    if (ca_tmp != NULL)
      g_unlink (ca_tmp);
  }
  curl_easy_cleanup (curl);
  return ok;
}

gboolean
foyer_enroll_run (FoyerEnroll   *self,
                  const char    *config_path,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(FoyerConfig) before = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *cert_pem = NULL;
  Target target;

  g_return_val_if_fail (FOYER_IS_ENROLL (self), FALSE);
  g_return_val_if_fail (config_path != NULL, FALSE);

  absolute = g_canonicalize_filename (config_path, NULL);
  dir = g_path_get_dirname (absolute);
  g_clear_pointer (&self->written, g_key_file_unref);
  self->written = g_key_file_new ();
  self->n_adopted = 0;
  if (!load_target (absolute, keys, &before, error) || !check_writable (dir, absolute, error)
      || !talk_to_hub (self, before, dir, &cert_pem, cancellable, error))
    return FALSE;
  target = (Target) { self, dir, keys };
  if (!write_secrets (&target, cert_pem, error))
    return FALSE;
  /* Before the file changes: a running kiosk watching it must not send a waiting record
   * under the old event to the new hub, which would refuse it. */
  adopt_waiting_records (self, before);
  if (!save_config (self, absolute, keys, error))
    return FALSE;
  wipe (&self->token);
  wipe (&self->signing_key);
  g_debug ("enrolled as %s for %s; %u waiting records adopted", self->device, self->event,
           self->n_adopted);
  return TRUE;
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (foyer_enroll_run (FOYER_ENROLL (source), task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
foyer_enroll_run_async (FoyerEnroll         *self,
                        const char          *config_path,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FOYER_IS_ENROLL (self));
  g_return_if_fail (config_path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, foyer_enroll_run_async);
  g_task_set_task_data (task, g_strdup (config_path), g_free);
  g_task_run_in_thread (task, run_thread);
}

gboolean
foyer_enroll_run_finish (FoyerEnroll   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == foyer_enroll_run_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
foyer_enroll_apply (FoyerEnroll *self,
                    FoyerConfig *config)
{
  g_auto(GStrv) groups = NULL;

  g_return_if_fail (FOYER_IS_ENROLL (self));
  g_return_if_fail (FOYER_IS_CONFIG (config));

  if (self->written == NULL)
    return;
  groups = g_key_file_get_groups (self->written, NULL);
  for (guint i = 0; groups[i] != NULL; i++) {
    g_auto(GStrv) keys = g_key_file_get_keys (self->written, groups[i], NULL, NULL);

    for (guint j = 0; keys != NULL && keys[j] != NULL; j++) {
      g_autofree char *value = g_key_file_get_string (self->written, groups[i], keys[j], NULL);
      foyer_config_set_string (config, groups[i], keys[j], value);
    }
  }
  if (self->ca_removed)
    g_key_file_remove_key (foyer_config_get_key_file (config), "sync", "ca-file", NULL);
}
