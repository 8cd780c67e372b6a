/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-enroll.c: `foyerctl enroll CODE`: connect this kiosk to a head-office hub.
 *
 * The code (printed by `foyer-hub device add`) names the hub, the event and a one-time secret,
 * and pins the hub's TLS certificate by its SHA-256. The certificate is fetched first and
 * checked against the pin before the secret is sent, then kept as [sync] ca-file so the sync
 * engine verifies the hub like any server. The hub answers with this device's token and the
 * event's badge keys; all of it is written beside the configuration file.
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <unistd.h>
#include <curl/curl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "foyerctl-commands.h"
#include "foyer-enroll-code.h"

#define ANSWER_MAX (256 * 1024)

typedef struct {
  char *token;
  char *device;
  char *event;
  char *mode;
  char *booth;
  char *verify_key;
  char *signing_key;
} Enrollment;

static void
enrollment_clear (Enrollment *e)
{
  if (e->token != NULL)
    memset (e->token, 0, strlen (e->token));
  if (e->signing_key != NULL)
    memset (e->signing_key, 0, strlen (e->signing_key));
  g_free (e->token);
  g_free (e->device);
  g_free (e->event);
  g_free (e->mode);
  g_free (e->booth);
  g_free (e->verify_key);
  g_free (e->signing_key);
}

static size_t
collect (char *data, size_t size, size_t n, void *user_data)
{
  GString *out = user_data;

  if (out->len + size * n > ANSWER_MAX)
    return 0;
  g_string_append_len (out, data, size * n);
  return size * n;
}

/* The hub's certificate (PEM) as its TLS handshake presents it, checked against pin. */
static char *
fetch_pinned_certificate (const FoyerEnrollCode *code, GError **error)
{
  g_autofree char *url = g_strconcat (code->url, "/v1/health", NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  struct curl_certinfo *info = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *hex = NULL;
  CURL *curl = curl_easy_init ();
  CURLcode rc;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);   /* verified by the pin below */
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt (curl, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
  rc = curl_easy_perform (curl);
  if (rc == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_CERTINFO, &info);
  for (struct curl_slist *s = info != NULL && info->num_of_certs > 0 ? info->certinfo[0] : NULL;
       s != NULL; s = s->next)
    if (g_str_has_prefix (s->data, "Cert:"))
      pem = g_strdup (s->data + 5);
  curl_easy_cleanup (curl);
  if (rc != CURLE_OK || pem == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot reach the hub at %s: %s"),
                 code->url, rc != CURLE_OK ? curl_easy_strerror (rc) : _("no certificate"));
    return NULL;
  }
  if ((cert = g_tls_certificate_new_from_pem (pem, -1, error)) == NULL)
    return NULL;
  g_object_get (cert, "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  if (g_ascii_strcasecmp (hex, code->pin + strlen ("sha256:")) != 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 _("the hub at %s presented a certificate that does not match the enrollment "
                   "code: nothing was sent (is this the right network?)"), code->url);
    return NULL;
  }
  return g_steal_pointer (&pem);
}

/* A string member of the hub's answer, NULL when absent or not a string. */
static const char *
answer_string (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static gboolean
read_answer (long status, GString *body, Enrollment *e, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  if (!json_parser_load_from_data (parser, body->str, body->len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 _("the hub answered HTTP %ld without a readable body (is the URL a Foyer hub?)"),
                 status);
    return FALSE;
  }
  o = json_node_get_object (json_parser_get_root (parser));
  if (status != 200) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, _("the hub refused: %s"),
                 answer_string (o, "error") != NULL ? answer_string (o, "error") : "?");
    return FALSE;
  }
#define GET(field, name) e->field = g_strdup (answer_string (o, name))
  GET (token, "token");
  GET (device, "device");
  GET (event, "event");
  GET (mode, "mode");
  GET (booth, "booth");
  GET (verify_key, "verify_key");
  GET (signing_key, "signing_key");
#undef GET
  if (e->token == NULL || e->device == NULL || e->event == NULL || strchr (e->token, '\n')) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the hub's answer lacks the token"));
    return FALSE;
  }
  return TRUE;
}

static gboolean
exchange_secret (const FoyerEnrollCode *code, const char *ca_path, Enrollment *e,
                 GError **error)
{
  g_autofree char *url = g_strconcat (code->url, "/v1/enroll", NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *request = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  CURL *curl = curl_easy_init ();
  long status = 0;
  CURLcode rc;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, code->secret);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  request = json_to_string (root, FALSE);

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (ca_path != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, ca_path);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  memset (request, 0, strlen (request));
  if (rc != CURLE_OK) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot reach the hub at %s: %s"),
                 code->url, curl_easy_strerror (rc));
    return FALSE;
  }
  return read_answer (status, body, e, error);
}

/* Writes a file beside the configuration, owned by owner (when set and running as root). */
static char *
write_beside (const char *dir, const char *name, const char *contents, int mode,
              const struct passwd *owner, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, error))
    return NULL;
  if (owner != NULL && chown (path, owner->pw_uid, owner->pw_gid) != 0) {
    int saved = errno;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 _("cannot give %s to %s: %s"), path, owner->pw_name, g_strerror (saved));
    return NULL;
  }
  return g_steal_pointer (&path);
}

typedef struct {
  const char          *dir;
  const struct passwd *owner;
  GKeyFile            *keys;
} Target;

static gboolean
write_secrets (Target *t, const FoyerEnrollCode *code, const char *cert_pem, Enrollment *e,
               GError **error)
{
  g_autofree char *token_line = g_strconcat (e->token, "\n", NULL);
  g_autofree char *token = write_beside (t->dir, "hub-token", token_line, 0600, t->owner, error);
  g_autofree char *ca = NULL, *verify = NULL, *sign = NULL;

  memset (token_line, 0, strlen (token_line));
  if (token == NULL)
    return FALSE;
  if (cert_pem != NULL
      && (ca = write_beside (t->dir, "hub-ca.pem", cert_pem, 0644, t->owner, error)) == NULL)
    return FALSE;
  if (e->verify_key != NULL && (verify = write_beside (t->dir, "badge-verify.pem", e->verify_key,
                                                       0644, t->owner, error)) == NULL)
    return FALSE;
  if (e->signing_key != NULL && (sign = write_beside (t->dir, "badge-signing.pem",
                                                      e->signing_key, 0600, t->owner,
                                                      error)) == NULL)
    return FALSE;
  g_key_file_set_string (t->keys, "sync", "backend", "http-json");
  g_key_file_set_string (t->keys, "sync", "url", code->url);
  g_key_file_set_string (t->keys, "sync", "token-file", token);
  if (ca != NULL)
    g_key_file_set_string (t->keys, "sync", "ca-file", ca);
  else
    g_key_file_remove_key (t->keys, "sync", "ca-file", NULL);
  if (verify != NULL)
    g_key_file_set_string (t->keys, "badge", "verify-key", verify);
  if (sign != NULL)
    g_key_file_set_string (t->keys, "badge", "signing-key", sign);
  g_key_file_set_string (t->keys, "kiosk", "id", e->device);
  g_key_file_set_string (t->keys, "kiosk", "event", e->event);
  if (e->mode != NULL)
    g_key_file_set_string (t->keys, "kiosk", "mode", e->mode);
  if (e->booth != NULL)
    g_key_file_set_string (t->keys, "kiosk", "booth", e->booth);
  return TRUE;
}

static gboolean
save_config (const char *path, GKeyFile *keys, const struct passwd *owner, GError **error)
{
  g_autofree char *data = NULL;
  GStatBuf st;
  int mode = g_stat (path, &st) == 0 ? (st.st_mode & 07777) : 0644;
  gsize len;

  data = g_key_file_to_data (keys, &len, NULL);
  if (!g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, mode,
                                 error))
    return FALSE;
  if (owner != NULL && chown (path, owner->pw_uid, owner->pw_gid) != 0) {
    int saved = errno;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 _("cannot give %s to %s: %s"), path, owner->pw_name, g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}

/* The file enroll writes: --config (created if missing), else the one the lookup finds, else
 * ~/.config/foyer/foyer.conf. */
static char *
config_target (FoyerctlContext *ctx)
{
  FoyerConfig *config;

  if (ctx->config_path != NULL)
    return g_strdup (ctx->config_path);
  if ((config = foyerctl_get_config (ctx)) != NULL && foyer_config_get_path (config) != NULL)
    return g_strdup (foyer_config_get_path (config));
  return g_build_filename (g_get_user_config_dir (), "foyer", "foyer.conf", NULL);
}

static gboolean
enroll (const char *path, const FoyerEnrollCode *code, const struct passwd *owner,
        Enrollment *e, GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (absolute);
  g_autofree char *cert_pem = NULL;
  g_autofree char *ca_tmp = NULL;
  Target target = { dir, owner, keys };
  gboolean ok;

  if (g_file_test (path, G_FILE_TEST_EXISTS)
      && !g_key_file_load_from_file (keys, path, G_KEY_FILE_KEEP_COMMENTS
                                     | G_KEY_FILE_KEEP_TRANSLATIONS, error))
    return FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0) {
    int saved = errno;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 _("cannot create the folder %s: %s"), dir, g_strerror (saved));
    return FALSE;
  }
  if (code->pin != NULL) {
    if ((cert_pem = fetch_pinned_certificate (code, error)) == NULL)
      return FALSE;
    ca_tmp = write_beside (dir, "hub-ca.pem.new", cert_pem, 0644, NULL, error);
    if (ca_tmp == NULL)
      return FALSE;
  }
  ok = exchange_secret (code, ca_tmp, e, error);
  if (ca_tmp != NULL)
    g_unlink (ca_tmp);
  return ok && write_secrets (&target, code, cert_pem, e, error)
         && save_config (path, keys, owner, error);
}

int
foyerctl_cmd_enroll (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *owner_name = NULL;
  const GOptionEntry entries[] = {
    { "owner", 0, 0, G_OPTION_ARG_STRING, &owner_name,
      N_("When run as root: give the files to USER (the user the kiosk runs as)"), N_("USER") },
    { NULL }
  };
  g_autoptr(FoyerEnrollCode) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  struct passwd *owner = NULL;
  Enrollment e = { NULL };

  if (!foyerctl_parse_options (ctx, "enroll", "CODE",
                               _("Connect this kiosk to head office with the code printed by "
                                 "“foyer-hub device add”."), entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc != 2) {
    g_printerr (_("Usage: foyerctl enroll CODE [--config FILE] [--owner USER]\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((code = foyer_enroll_code_decode (argv[1], &error)) == NULL) {
    g_printerr ("foyerctl enroll: %s\n", error->message);
    return FOYERCTL_EXIT_DATAERR;
  }
  if (owner_name != NULL && getuid () == 0 && (owner = getpwnam (owner_name)) == NULL) {
    g_printerr (_("foyerctl enroll: no user “%s”\n"), owner_name);
    return FOYERCTL_EXIT_USAGE;
  }
  path = config_target (ctx);
  if (!enroll (path, code, owner, &e, &error)) {
    g_printerr ("foyerctl enroll: %s\n", error->message);
    enrollment_clear (&e);
    return FOYERCTL_EXIT_FAILURE;
  }
  g_print (_("Enrolled as “%s” for event %s at %s; configuration written to %s.\n"), e.device,
           e.event, code->url, path);
  enrollment_clear (&e);
  return FOYERCTL_EXIT_OK;
}
