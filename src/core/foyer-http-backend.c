/* foyer-http-backend.c: Foyer's own http-json v1 protocol over libcurl (docs/sync-protocol.md).
 *
 * Everything here runs on the sync thread. One easy handle is reused so that libcurl keeps the
 * connection (and TLS session) to head office alive between batches.
 */
#define G_LOG_DOMAIN "foyer-sync"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <curl/curl.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "foyer-http-backend.h"
#include "foyer-version.h"

/* An answer larger than this is not a results list for one batch: refuse it. */
#define MAX_RESPONSE_BYTES (16 * 1024 * 1024)
/* json-glib recurses per nesting level; a hostile answer must not exhaust the stack. */
#define MAX_JSON_DEPTH 64
#define MAX_RETRY_AFTER_MS (3600 * G_GINT64_CONSTANT (1000))

struct _FoyerHttpBackend {
  GObject     parent_instance;

  CURL       *curl;
  char       *records_url;
  char       *health_url;
  char       *host;          /* for messages */
  char       *user_agent;
  char       *kiosk;
  char       *event;
  char       *ca_file;
  gboolean    insecure;
  char       *warning;
  long        connect_timeout_ms;
  long        timeout_ms;

  /* The token is re-read whenever the file changes, so staff can rotate it without restart. */
  char       *token_path;
  char       *token;
  struct stat token_stat;

  /* Per request */
  GByteArray *response;
  char       *retry_after;
  char        errbuf[CURL_ERROR_SIZE];
  guint64     n_requests;
};

static void foyer_http_backend_iface_init (FoyerSyncBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerHttpBackend, foyer_http_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_SYNC_BACKEND,
                                                      foyer_http_backend_iface_init))

/* ---- token ---- */

static gboolean
same_file_state (const struct stat *a,
                 const struct stat *b)
{
  return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
         a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static gboolean
ensure_token (FoyerHttpBackend  *self,
              GError           **error)
{
  struct stat st;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;

  if (self->token_path == NULL)
    return TRUE;

  if (g_stat (self->token_path, &st) != 0) {
    int saved = errno;
    g_clear_pointer (&self->token, g_free);
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "cannot read the token file %s ([sync] token-file): %s",
                 self->token_path, g_strerror (saved));
    return FALSE;
  }
  if (self->token != NULL && same_file_state (&st, &self->token_stat))
    return TRUE;

  g_clear_pointer (&self->token, g_free);
  if (!g_file_get_contents (self->token_path, &contents, NULL, &local)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "cannot read the token file %s ([sync] token-file): %s",
                 self->token_path, local->message);
    return FALSE;
  }
  g_strstrip (contents);
  if (*contents == '\0' || strpbrk (contents, "\r\n") != NULL) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "the token file %s ([sync] token-file) must hold the token on one line",
                 self->token_path);
    return FALSE;
  }
  self->token = g_steal_pointer (&contents);
  self->token_stat = st;
  g_debug ("read the sync token from %s", self->token_path);
  return TRUE;
}

/* ---- body ---- */

static char *
timestamp_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

static GBytes *
gzip_bytes (const char *data,
            gsize       length)
{
  z_stream z = { 0 };
  uLong bound;
  guint8 *out;
  int rc;

  rc = deflateInit2 (&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  g_assert (rc == Z_OK);
  bound = deflateBound (&z, length) + 32;
  out = g_malloc (bound);
  z.next_in = (Bytef *)data;
  z.avail_in = length;
  z.next_out = out;
  z.avail_out = bound;
  rc = deflate (&z, Z_FINISH);
  g_assert (rc == Z_STREAM_END);
  deflateEnd (&z);
  return g_bytes_new_take (g_realloc (out, z.total_out), z.total_out);
}

GBytes *
foyer_http_backend_build_body (FoyerHttpBackend *self,
                               JsonArray        *records,
                               gboolean         *gzipped)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *sent_at = timestamp_now ();
  char *text;
  gsize length;

  g_return_val_if_fail (FOYER_IS_HTTP_BACKEND (self), NULL);
  g_return_val_if_fail (records != NULL, NULL);

  json_object_set_int_member (root, "protocol", 1);
  json_object_set_string_member (root, "kiosk", self->kiosk);
  json_object_set_string_member (root, "event", self->event);
  json_object_set_string_member (root, "sent_at", sent_at);
  json_object_set_array_member (root, "records", json_array_ref (records));
  json_node_set_object (node, root);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);

  if (length > FOYER_HTTP_BACKEND_GZIP_THRESHOLD) {
    GBytes *compressed = gzip_bytes (text, length);
    g_free (text);
    if (gzipped != NULL)
      *gzipped = TRUE;
    return compressed;
  }
  if (gzipped != NULL)
    *gzipped = FALSE;
  return g_bytes_new_take (text, length);
}

/* ---- answer ---- */

/* Rejects nesting deeper than MAX_JSON_DEPTH before json-glib recurses into it. */
static gboolean
json_depth_ok (const char *body,
               gsize       length)
{
  int depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++) {
    char c = body[i];

    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
      continue;
    }
    if (c == '"')
      in_string = TRUE;
    else if (c == '[' || c == '{') {
      if (++depth > MAX_JSON_DEPTH)
        return FALSE;
    } else if (c == ']' || c == '}')
      depth--;
  }
  return TRUE;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

GPtrArray *
foyer_http_backend_parse_results (const char  *body,
                                  gsize        length,
                                  GHashTable  *batch_ids,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonNode *root;
  JsonNode *results_node;
  JsonArray *array;
  guint n;

  if (body == NULL || length == 0 || length > G_MAXSSIZE ||
      !g_utf8_validate (body, (gssize)length, NULL) || !json_depth_ok (body, length)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office sent an answer the kiosk cannot read (not JSON text)");
    return NULL;
  }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, body, (gssize)length, &local)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office sent an answer the kiosk cannot read: %s", local->message);
    return NULL;
  }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (results_node = json_object_get_member (json_node_get_object (root), "results")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (results_node)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office sent an answer the kiosk cannot read (no \"results\" list)");
    return NULL;
  }

  array = json_node_get_array (results_node);
  n = json_array_get_length (array);
  results = g_ptr_array_new_full (n, (GDestroyNotify)foyer_sync_item_result_free);
  seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++) {
    JsonNode *item = json_array_get_element (array, i);
    JsonObject *object;
    const char *id;
    const char *status;
    FoyerSyncItemStatus item_status;

    if (!JSON_NODE_HOLDS_OBJECT (item))
      continue;
    object = json_node_get_object (item);
    id = string_member (object, "id");
    status = string_member (object, "status");
    if (id == NULL || *id == '\0' || status == NULL)
      continue;
    if (strcmp (status, "accepted") == 0)
      item_status = FOYER_SYNC_ITEM_ACCEPTED;
    else if (strcmp (status, "duplicate") == 0)
      item_status = FOYER_SYNC_ITEM_DUPLICATE;
    else if (strcmp (status, "rejected") == 0)
      item_status = FOYER_SYNC_ITEM_REJECTED;
    else
      continue;   /* a status this version does not know: the record stays pending */
    if (batch_ids != NULL && !g_hash_table_contains (batch_ids, id))
      continue;
    if (!g_hash_table_add (seen, (gpointer)id))
      continue;   /* first answer for an id wins */

    g_ptr_array_add (results, foyer_sync_item_result_new (id, item_status,
                                                          string_member (object, "reason")));
  }

  return g_steal_pointer (&results);
}

gint64
foyer_http_backend_parse_retry_after (const char *value,
                                      gint64      now_us)
{
  g_autofree char *v = NULL;
  gint64 ms;

  if (value == NULL)
    return 0;
  v = g_strstrip (g_strdup (value));
  if (*v == '\0')
    return 0;

  if (g_ascii_isdigit (*v)) {
    guint64 seconds;
    if (!g_ascii_string_to_unsigned (v, 10, 0, G_MAXUINT64, &seconds, NULL))
      return 0;
    ms = seconds > (guint64)(MAX_RETRY_AFTER_MS / 1000) ? MAX_RETRY_AFTER_MS
                                                        : (gint64)seconds * 1000;
  } else {
    time_t when = curl_getdate (v, NULL);
    gint64 delta_us;

    if (when == (time_t)-1)
      return 0;
    /* Far-future dates (year 20152015…) would overflow in microseconds: cap in seconds first. */
    if ((gint64)when > now_us / G_USEC_PER_SEC + MAX_RETRY_AFTER_MS / 1000)
      return MAX_RETRY_AFTER_MS;
    delta_us = (gint64)when * G_USEC_PER_SEC - now_us;
    if (delta_us <= 0)
      return 0;
    ms = MIN (delta_us / 1000, MAX_RETRY_AFTER_MS);
  }
  return ms;
}

/* ---- transport ---- */

static size_t
write_cb (char   *data,
          size_t  size,
          size_t  nmemb,
          void   *user_data)
{
  FoyerHttpBackend *self = user_data;
  gsize n = size * nmemb;

  if (self->response->len + n > MAX_RESPONSE_BYTES)
    return 0;   /* CURLE_WRITE_ERROR */
  g_byte_array_append (self->response, (const guint8 *)data, n);
  return n;
}

static size_t
header_cb (char   *data,
           size_t  size,
           size_t  nmemb,
           void   *user_data)
{
  FoyerHttpBackend *self = user_data;
  gsize n = size * nmemb;
  static const char name[] = "retry-after:";

  /* A new status line (after 100 Continue, or a redirect) starts a new header set. */
  if (n >= 5 && strncmp (data, "HTTP/", 5) == 0)
    g_clear_pointer (&self->retry_after, g_free);
  else if (n > sizeof name - 1 && g_ascii_strncasecmp (data, name, sizeof name - 1) == 0) {
    g_free (self->retry_after);
    self->retry_after = g_strstrip (g_strndup (data + sizeof name - 1, n - (sizeof name - 1)));
  }
  return n;
}

/* libcurl calls this at least about once a second, even while stalled: that is what lets the
 * sync thread stop within its shutdown budget. */
static int
xferinfo_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  GCancellable *cancellable = user_data;

  return cancellable != NULL && g_cancellable_is_cancelled (cancellable) ? 1 : 0;
}

static void
prepare (FoyerHttpBackend *self,
         const char       *url,
         GCancellable     *cancellable)
{
  CURL *curl = self->curl;

  /* A reset keeps the connection cache, so the connection stays alive across requests. */
  curl_easy_reset (curl);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, self->user_agent);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, self->connect_timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, self->timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, self->errbuf);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, self);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, self);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, cancellable);
  if (self->insecure) {
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  }
  if (self->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, self->ca_file);

  self->errbuf[0] = '\0';
  g_byte_array_set_size (self->response, 0);
  g_clear_pointer (&self->retry_after, g_free);
}

static struct curl_slist *
common_headers (FoyerHttpBackend *self)
{
  struct curl_slist *headers = NULL;

  if (self->token != NULL) {
    g_autofree char *auth = g_strconcat ("Authorization: Bearer ", self->token, NULL);
    headers = curl_slist_append (headers, auth);
  }
  /* No "Expect: 100-continue" round trip before each body. */
  headers = curl_slist_append (headers, "Expect:");
  return headers;
}

/* Maps a failed transfer onto the engine's error classes. */
static gboolean
check_transfer (FoyerHttpBackend  *self,
                CURLcode           rc,
                GCancellable      *cancellable,
                GError           **error)
{
  const char *detail = self->errbuf[0] != '\0' ? self->errbuf : curl_easy_strerror (rc);

  if (rc == CURLE_OK)
    return TRUE;

  if (g_cancellable_is_cancelled (cancellable) || rc == CURLE_ABORTED_BY_CALLBACK) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED, "sync stopped");
    return FALSE;
  }

  switch (rc) {
  case CURLE_URL_MALFORMAT:
  case CURLE_UNSUPPORTED_PROTOCOL:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "[sync] url is not usable: %s", detail);
    break;
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "cannot use the certificate authority file ([sync] ca-file): %s", detail);
    break;
  case CURLE_OPERATION_TIMEDOUT:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office at %s did not answer in time: %s", self->host, detail);
    break;
  case CURLE_PEER_FAILED_VERIFICATION:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office's certificate could not be verified (for a private CA set "
                 "[sync] ca-file): %s", detail);
    break;
  case CURLE_WRITE_ERROR:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office sent an answer larger than %d MiB", MAX_RESPONSE_BYTES >> 20);
    break;
  default:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "cannot reach head office at %s: %s", self->host, detail);
    break;
  }
  return FALSE;
}

/* A short, single-line excerpt of an error answer for staff (it may end in the dead-letter
 * reason); never logged above debug level since head office may echo record fields. */
static char *
response_excerpt (FoyerHttpBackend *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gsize n = MIN (self->response->len, 200);
  g_autofree char *valid = g_utf8_make_valid ((const char *)self->response->data, n);

  for (const char *p = valid; *p != '\0'; p++)
    g_string_append_c (s, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p);
  g_strstrip (s->str);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
check_status (FoyerHttpBackend  *self,
              long               status,
              gint64            *retry_after_ms,
              GError           **error)
{
  g_autofree char *excerpt = NULL;

  if (status >= 200 && status < 300)
    return TRUE;

  if (retry_after_ms != NULL)
    *retry_after_ms = foyer_http_backend_parse_retry_after (self->retry_after, g_get_real_time ());
  excerpt = response_excerpt (self);
  g_debug ("head office answered HTTP %ld: %s", status, excerpt);

  switch (status) {
  case 400:
  case 422:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_BAD_BATCH,
                 "head office refused the records (HTTP %ld)%s%s", status,
                 *excerpt != '\0' ? ": " : "", excerpt);
    break;
  case 401:
  case 403:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_AUTH,
                 "head office rejected the kiosk's credentials (HTTP %ld): check [sync] "
                 "token-file, then press retry", status);
    break;
  case 413:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TOO_LARGE,
                 "the batch was too large for head office (HTTP 413)");
    break;
  case 408:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office timed out waiting for the request (HTTP 408)");
    break;
  case 429:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office asked the kiosk to slow down (HTTP 429)");
    break;
  default:
    if (status >= 500)
      g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                   "head office is unavailable (HTTP %ld)", status);
    else
      /* 404 and friends: most likely a wrong [sync] url, but the records must not be lost on a
       * server being redeployed either, so keep retrying with backoff. */
      g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                   "head office answered HTTP %ld at %s: check [sync] url", status,
                   self->records_url);
    break;
  }
  return FALSE;
}

static gboolean
foyer_http_backend_send_batch (FoyerSyncBackend  *backend,
                               const char        *batch_id,
                               JsonArray         *records,
                               GPtrArray        **results,
                               gint64            *retry_after_ms,
                               GCancellable      *cancellable,
                               GError           **error)
{
  FoyerHttpBackend *self = FOYER_HTTP_BACKEND (backend);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autofree char *idempotency = NULL;
  g_autofree char *fallback_id = NULL;
  struct curl_slist *headers;
  gboolean gzipped = FALSE;
  gsize body_len;
  CURLcode rc;
  long status = 0;
  guint n = json_array_get_length (records);

  *results = NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, NULL)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED, "sync stopped");
    return FALSE;
  }
  if (!ensure_token (self, error))
    return FALSE;

  if (batch_id == NULL)
    batch_id = fallback_id = g_uuid_string_random ();

  ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++) {
    JsonNode *element = json_array_get_element (records, i);
    if (JSON_NODE_HOLDS_OBJECT (element)) {
      const char *id = string_member (json_node_get_object (element), "id");
      if (id != NULL)
        g_hash_table_add (ids, (gpointer)id);
    }
  }

  body = foyer_http_backend_build_body (self, records, &gzipped);

  prepare (self, self->records_url, cancellable);
  headers = common_headers (self);
  headers = curl_slist_append (headers, "Content-Type: application/json");
  if (gzipped)
    headers = curl_slist_append (headers, "Content-Encoding: gzip");
  idempotency = g_strconcat ("Idempotency-Key: ", batch_id, NULL);
  headers = curl_slist_append (headers, idempotency);

  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (self->curl, CURLOPT_POST, 1L);
  curl_easy_setopt (self->curl, CURLOPT_POSTFIELDS, g_bytes_get_data (body, &body_len));
  curl_easy_setopt (self->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);

  self->n_requests++;
  rc = curl_easy_perform (self->curl);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (headers);
  g_debug ("batch %s: %u records, %zu bytes%s, curl %d", batch_id, n, body_len,
           gzipped ? " gzip" : "", rc);

  if (!check_transfer (self, rc, cancellable, error))
    return FALSE;
  curl_easy_getinfo (self->curl, CURLINFO_RESPONSE_CODE, &status);
  if (!check_status (self, status, retry_after_ms, error))
    return FALSE;

  *results = foyer_http_backend_parse_results ((const char *)self->response->data,
                                               self->response->len, ids, error);
  return *results != NULL;
}

static gboolean
foyer_http_backend_check_health (FoyerSyncBackend  *backend,
                                 GCancellable      *cancellable,
                                 GError           **error)
{
  FoyerHttpBackend *self = FOYER_HTTP_BACKEND (backend);
  struct curl_slist *headers;
  CURLcode rc;
  long status = 0;

  if (g_cancellable_set_error_if_cancelled (cancellable, NULL)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED, "sync stopped");
    return FALSE;
  }
  /* An unreadable token does not make head office unreachable: check without it. */
  ensure_token (self, NULL);

  prepare (self, self->health_url, cancellable);
  headers = common_headers (self);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (self->curl, CURLOPT_HTTPGET, 1L);
  self->n_requests++;
  rc = curl_easy_perform (self->curl);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (headers);

  if (!check_transfer (self, rc, cancellable, error))
    return FALSE;
  curl_easy_getinfo (self->curl, CURLINFO_RESPONSE_CODE, &status);
  return check_status (self, status, NULL, error);
}

static void
foyer_http_backend_iface_init (FoyerSyncBackendInterface *iface)
{
  iface->send_batch = foyer_http_backend_send_batch;
  iface->check_health = foyer_http_backend_check_health;
}

static void
foyer_http_backend_finalize (GObject *object)
{
  FoyerHttpBackend *self = (FoyerHttpBackend *)object;

  g_clear_pointer (&self->curl, curl_easy_cleanup);
  g_free (self->records_url);
  g_free (self->health_url);
  g_free (self->host);
  g_free (self->user_agent);
  g_free (self->kiosk);
  g_free (self->event);
  g_free (self->ca_file);
  g_free (self->warning);
  g_free (self->token_path);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_byte_array_unref (self->response);
  g_free (self->retry_after);

  G_OBJECT_CLASS (foyer_http_backend_parent_class)->finalize (object);
}

static void
foyer_http_backend_class_init (FoyerHttpBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_http_backend_finalize;
  /* Once per process, before any thread uses libcurl (class_init runs once, under a lock). */
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static void
foyer_http_backend_init (FoyerHttpBackend *self)
{
  self->response = g_byte_array_new ();
}

FoyerHttpBackend *
foyer_http_backend_new (FoyerConfig  *config,
                        GError      **error)
{
  g_autoptr(FoyerHttpBackend) self = NULL;
  const char *url;
  g_autofree char *base = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  url = foyer_config_get_string (config, "sync", "url");
  if (url == NULL || *url == '\0') {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "[sync] url is not set: head office's address is needed for backend=http-json");
    return NULL;
  }
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 &&
       g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "[sync] url “%s” is not an http:// or https:// address", url);
    return NULL;
  }

  self = g_object_new (FOYER_TYPE_HTTP_BACKEND, NULL);
  base = g_strdup (url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  self->records_url = g_strconcat (base, "/v1/records", NULL);
  self->health_url = g_strconcat (base, "/v1/health", NULL);
  self->host = g_strdup (g_uri_get_host (uri));
  self->kiosk = g_strdup (foyer_config_get_string (config, "kiosk", "id"));
  self->event = g_strdup (foyer_config_get_string (config, "kiosk", "event"));
  self->user_agent = g_strdup_printf ("Foyer/%s (%s)", foyer_get_version (), self->kiosk);
  self->connect_timeout_ms = 1000L * foyer_config_get_int (config, "sync", "connect-timeout");
  self->timeout_ms = 1000L * foyer_config_get_int (config, "sync", "timeout");
  self->token_path = foyer_config_get_path_value (config, "sync", "token-file");
  self->ca_file = foyer_config_get_path_value (config, "sync", "ca-file");
  self->insecure = foyer_config_get_boolean (config, "sync", "insecure");

  if (self->ca_file != NULL && g_access (self->ca_file, R_OK) != 0) {
    int saved = errno;
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "cannot read the certificate authority file %s ([sync] ca-file): %s",
                 self->ca_file, g_strerror (saved));
    return NULL;
  }

  if (self->insecure) {
    self->warning = g_strdup ("TLS certificate checks are OFF ([sync] insecure=true): anyone "
                              "on this network can read and alter what the kiosk sends to "
                              "head office");
    g_message ("WARNING: %s", self->warning);
  }

  self->curl = curl_easy_init ();
  if (self->curl == NULL) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "cannot initialise libcurl");
    return NULL;
  }
  return g_steal_pointer (&self);
}

const char *
foyer_http_backend_get_warning (FoyerHttpBackend *self)
{
  g_return_val_if_fail (FOYER_IS_HTTP_BACKEND (self), NULL);
  return self->warning;
}

guint64
foyer_http_backend_get_n_requests (FoyerHttpBackend *self)
{
  g_return_val_if_fail (FOYER_IS_HTTP_BACKEND (self), 0);
  return self->n_requests;
}
