/* SPDX-License-Identifier: GPL-3.0-or-later */
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

#include "foyer-curl.h"
#include "foyer-http-backend.h"
#include "foyer-json.h"
#include "foyer-secret.h"

#define MAX_RETRY_AFTER_MS (3600 * G_GINT64_CONSTANT (1000))

struct _FoyerHttpBackend {
  GObject            parent_instance;

  CURL              *curl;
  FoyerCurlSettings *settings;
  char              *records_url;
  char              *health_url;
  char              *base_url;      /* {url} without trailing slashes, for the pulls */
  char              *booth;         /* [kiosk] booth, for the leads pull */
  long               settings_timeout_s;  /* [sync] timeout */
  GHashTable        *features;      /* listed by the last health answer (sync thread) */
  char              *peer;          /* "head office at HOST", for messages */
  char              *kiosk;
  char              *event;

  /* The token is re-read whenever the file changes, so staff can rotate it without restart. */
  char              *token_path;
  char              *token;
  struct stat        token_stat;

  /* Per request */
  FoyerCurlResponse *response;
  gsize              n_requests;   /* atomic: read from the engine's worker */
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

/* The permission check runs at every read (foyer_secret_read_file), so a token file made
 * readable to others is refused at the next attempt even when its contents did not change. */
static gboolean
ensure_token (FoyerHttpBackend  *self,
              GError           **error)
{
  struct stat st;
  char *contents = NULL;
  g_autoptr(GError) local = NULL;

  if (self->token_path == NULL)
    return TRUE;

  if (g_stat (self->token_path, &st) != 0) {
    int saved = errno;
    g_clear_pointer (&self->token, foyer_secret_free);
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "cannot read the token file %s ([sync] token-file): %s",
                 self->token_path, g_strerror (saved));
    return FALSE;
  }
  if (self->token != NULL && same_file_state (&st, &self->token_stat) &&
      (st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
    return TRUE;

  g_clear_pointer (&self->token, foyer_secret_free);
  if (!foyer_secret_read_file (self->token_path, "the token file ([sync] token-file)",
                               &contents, NULL, &local)) {
    g_set_error_literal (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG, local->message);
    return FALSE;
  }
  g_strstrip (contents);
  if (*contents == '\0' || strpbrk (contents, "\r\n") != NULL) {
    foyer_secret_free (contents);
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "the token file %s ([sync] token-file) must hold the token on one line",
                 self->token_path);
    return FALSE;
  }
  self->token = contents;
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
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonNode *results_node;
  JsonArray *array;
  guint n;

  if (length > G_MAXSSIZE || (root = foyer_json_parse (body, (gssize)length, &local)) == NULL) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office sent an answer the kiosk cannot read: %s",
                 local != NULL ? local->message : "too large");
    return NULL;
  }

  if (!JSON_NODE_HOLDS_OBJECT (root) ||
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

/* A short, single-line excerpt of an error answer for staff (it may end in the dead-letter
 * reason); never logged above debug level since head office may echo record fields. An empty
 * answer (Content-Length: 0) has no data at all. */
static char *
response_excerpt (FoyerHttpBackend *self)
{
  GByteArray *body = self->response->body;
  g_autoptr(GString) s = g_string_new (NULL);
  gsize n = MIN (body->len, 200);
  g_autofree char *valid = NULL;

  if (n == 0 || body->data == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid ((const char *)body->data, n);
  for (const char *p = valid; *p != '\0'; p++)
    g_string_append_c (s, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p);
  g_strstrip (s->str);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* 4xx other than the ones the protocol gives a meaning to */
static void
set_unexpected_status_error (FoyerHttpBackend  *self,
                             long               status,
                             GError           **error)
{
  if (status >= 500)
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office is unavailable (HTTP %ld)", status);
  else
    /* 404 and friends: most likely a wrong [sync] url, but the records must not be lost on a
     * server being redeployed either, so keep retrying with backoff. */
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "head office answered HTTP %ld at %s: check [sync] url", status,
                 self->records_url);
}

static gboolean
check_status (FoyerHttpBackend  *self,
              gint64            *retry_after_ms,
              GError           **error)
{
  g_autofree char *excerpt = NULL;
  long status = self->response->status;

  if (status >= 200 && status < 300)
    return TRUE;

  if (retry_after_ms != NULL)
    *retry_after_ms = foyer_http_backend_parse_retry_after (self->response->retry_after,
                                                            g_get_real_time ());
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
    set_unexpected_status_error (self, status, error);
    break;
  }
  return FALSE;
}

static gboolean
check_cancelled (GCancellable  *cancellable,
                 GError       **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED, "sync stopped");
  return TRUE;
}

/* The ids the answer may name: entries for any other id are ignored. */
static GHashTable *
batch_ids (JsonArray *records)
{
  GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = json_array_get_length (records);

  for (guint i = 0; i < n; i++) {
    JsonNode *element = json_array_get_element (records, i);
    if (JSON_NODE_HOLDS_OBJECT (element)) {
      const char *id = string_member (json_node_get_object (element), "id");
      if (id != NULL)
        g_hash_table_add (ids, (gpointer)id);
    }
  }
  return ids;
}

/* POSTs body to /v1/records and waits for the answer. */
static gboolean
post_batch (FoyerHttpBackend  *self,
            const char        *batch_id,
            GBytes            *body,
            gboolean           gzipped,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autofree char *idempotency = g_strconcat ("Idempotency-Key: ", batch_id, NULL);
  struct curl_slist *headers;
  gsize body_len;
  gboolean ok;

  foyer_curl_prepare (self->curl, self->settings, self->records_url, self->response, cancellable);
  headers = common_headers (self);
  headers = curl_slist_append (headers, "Content-Type: application/json");
  if (gzipped)
    headers = curl_slist_append (headers, "Content-Encoding: gzip");
  headers = curl_slist_append (headers, idempotency);

  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (self->curl, CURLOPT_POST, 1L);
  curl_easy_setopt (self->curl, CURLOPT_POSTFIELDS, g_bytes_get_data (body, &body_len));
  curl_easy_setopt (self->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);

  g_atomic_pointer_add (&self->n_requests, 1);
  ok = foyer_curl_perform (self->curl, self->response, self->peer, cancellable, error);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (headers);
  g_debug ("batch %s: %zu bytes%s, HTTP %ld", batch_id, body_len, gzipped ? " gzip" : "",
           self->response->status);
  return ok;
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
  g_autofree char *fallback_id = NULL;
  gboolean gzipped = FALSE;

  *results = NULL;
  if (check_cancelled (cancellable, error))
    return FALSE;
  if (!ensure_token (self, error))
    return FALSE;

  if (batch_id == NULL)
    batch_id = fallback_id = g_uuid_string_random ();
  ids = batch_ids (records);
  body = foyer_http_backend_build_body (self, records, &gzipped);

  if (!post_batch (self, batch_id, body, gzipped, cancellable, error) ||
      !check_status (self, retry_after_ms, error))
    return FALSE;

  *results = foyer_http_backend_parse_results ((const char *)self->response->body->data,
                                               self->response->body->len, ids, error);
  return *results != NULL;
}

/* The health answer's "features" (two-way sync): what this head office can be pulled for. An
 * answer that is not such an object lists none: the kiosk then only uploads. */
static void
read_features (FoyerHttpBackend *self)
{
  g_autoptr(JsonNode) root = NULL;
  JsonNode *features;

  g_hash_table_remove_all (self->features);
  root = foyer_json_parse ((const char *)self->response->body->data, self->response->body->len,
                           NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  features = json_object_get_member (json_node_get_object (root), "features");
  if (features == NULL || !JSON_NODE_HOLDS_ARRAY (features))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (features)); i++) {
    JsonNode *f = json_array_get_element (json_node_get_array (features), i);

    if (json_node_get_value_type (f) == G_TYPE_STRING)
      g_hash_table_add (self->features, g_strdup (json_node_get_string (f)));
  }
}

static gboolean
foyer_http_backend_has_feature (FoyerSyncBackend *backend,
                                const char       *feature)
{
  return g_hash_table_contains (FOYER_HTTP_BACKEND (backend)->features, feature);
}

static char *
pull_url (FoyerHttpBackend *self,
          const char       *feed,
          const char       *cursor,
          guint             limit,
          guint             wait_s)
{
  g_autoptr(GString) url = g_string_new (self->base_url);

  g_string_append_printf (url, "/v1/%s?", feed);
  if (g_str_equal (feed, "leads")) {
    g_string_append (url, "booth=");
    g_string_append_uri_escaped (url, self->booth != NULL ? self->booth : "", NULL, FALSE);
    g_string_append_c (url, '&');
  }
  g_string_append (url, "since=");
  g_string_append_uri_escaped (url, cursor != NULL ? cursor : "", NULL, FALSE);
  g_string_append_printf (url, "&limit=%u", limit);
  if (wait_s > 0)
    g_string_append_printf (url, "&wait=%u", wait_s);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

JsonObject *
foyer_http_backend_parse_page (const char  *body,
                               gsize        length,
                               GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *o;
  JsonNode *rows, *cursor, *more;

  root = foyer_json_parse (body, (gssize)length, &local);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  o = json_node_get_object (root);
  rows = json_object_get_member (o, "rows");
  cursor = json_object_get_member (o, "cursor");
  more = json_object_get_member (o, "more");
  if (rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows) || cursor == NULL ||
      json_node_get_value_type (cursor) != G_TYPE_STRING ||
      (more != NULL && json_node_get_value_type (more) != G_TYPE_BOOLEAN))
    goto bad;
  return json_object_ref (o);

bad:
  g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
               "head office sent a pull answer that is not {\"rows\", \"cursor\", \"more\"}%s%s",
               local != NULL ? ": " : "", local != NULL ? local->message : "");
  return NULL;
}

static gboolean
foyer_http_backend_pull (FoyerSyncBackend  *backend,
                         const char        *feed,
                         const char        *cursor,
                         guint              limit,
                         guint              wait_s,
                         JsonObject       **page,
                         gint64            *retry_after_ms,
                         GCancellable      *cancellable,
                         GError           **error)
{
  FoyerHttpBackend *self = FOYER_HTTP_BACKEND (backend);
  g_autofree char *url = NULL;
  struct curl_slist *headers;
  gboolean ok;

  if (check_cancelled (cancellable, error) || !ensure_token (self, error))
    return FALSE;
  url = pull_url (self, feed, cursor, limit, MIN (wait_s, 30u));
  foyer_curl_prepare (self->curl, self->settings, url, self->response, cancellable);
  headers = common_headers (self);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (self->curl, CURLOPT_HTTPGET, 1L);
  /* Answers are gzip when large: libcurl asks for it and inflates them. */
  curl_easy_setopt (self->curl, CURLOPT_ACCEPT_ENCODING, "gzip");
  /* A long poll may legitimately last wait_s: the request timeout runs on top of it. */
  if (wait_s > 0)
    curl_easy_setopt (self->curl, CURLOPT_TIMEOUT_MS,
                      (self->settings_timeout_s + (long)MIN (wait_s, 30u)) * 1000L);
  g_atomic_pointer_add (&self->n_requests, 1);
  /* A long poll is ended at once when a record waits to be uploaded (upload first). */
  ok = wait_s > 0
       ? foyer_curl_perform_wakeable (self->curl, self->response, self->peer, cancellable, error)
       : foyer_curl_perform (self->curl, self->response, self->peer, cancellable, error);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (headers);
  g_debug ("pull %s: HTTP %ld, %u bytes", feed, self->response->status,
           self->response->body->len);
  if (!ok)
    return FALSE;
  if (self->response->status == 400 ||
      (self->response->status == 403 && g_str_equal (feed, "leads"))) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_BAD_BATCH,
                 "head office refused the %s pull (HTTP %ld)", feed, self->response->status);
    return FALSE;
  }
  if (!check_status (self, retry_after_ms, error))
    return FALSE;
  *page = foyer_http_backend_parse_page ((const char *)self->response->body->data,
                                         self->response->body->len, error);
  return *page != NULL;
}

static gboolean
foyer_http_backend_check_health (FoyerSyncBackend  *backend,
                                 GCancellable      *cancellable,
                                 GError           **error)
{
  FoyerHttpBackend *self = FOYER_HTTP_BACKEND (backend);
  struct curl_slist *headers;
  gboolean ok;

  if (check_cancelled (cancellable, error))
    return FALSE;
  /* An unreadable token does not make head office unreachable: check without it. */
  ensure_token (self, NULL);

  foyer_curl_prepare (self->curl, self->settings, self->health_url, self->response, cancellable);
  headers = common_headers (self);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (self->curl, CURLOPT_HTTPGET, 1L);
  g_atomic_pointer_add (&self->n_requests, 1);
  ok = foyer_curl_perform (self->curl, self->response, self->peer, cancellable, error);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (headers);

  if (!ok || !check_status (self, NULL, error))
    return FALSE;
  read_features (self);
  return TRUE;
}

static const char * const *
foyer_http_backend_get_warnings (FoyerSyncBackend *backend)
{
  return foyer_curl_settings_get_warnings (FOYER_HTTP_BACKEND (backend)->settings);
}

static guint64
foyer_http_backend_get_request_count (FoyerSyncBackend *backend)
{
  return foyer_http_backend_get_n_requests (FOYER_HTTP_BACKEND (backend));
}

static void
foyer_http_backend_iface_init (FoyerSyncBackendInterface *iface)
{
  iface->send_batch = foyer_http_backend_send_batch;
  iface->check_health = foyer_http_backend_check_health;
  iface->get_warnings = foyer_http_backend_get_warnings;
  iface->get_request_count = foyer_http_backend_get_request_count;
  iface->has_feature = foyer_http_backend_has_feature;
  iface->pull = foyer_http_backend_pull;
}

static void
foyer_http_backend_finalize (GObject *object)
{
  FoyerHttpBackend *self = (FoyerHttpBackend *)object;

  g_clear_pointer (&self->curl, curl_easy_cleanup);
  g_clear_pointer (&self->settings, foyer_curl_settings_free);
  g_free (self->records_url);
  g_free (self->health_url);
  g_free (self->base_url);
  g_free (self->booth);
  g_clear_pointer (&self->features, g_hash_table_unref);
  g_free (self->peer);
  g_free (self->kiosk);
  g_free (self->event);
  g_free (self->token_path);
  g_clear_pointer (&self->token, foyer_secret_free);
  g_clear_pointer (&self->response, foyer_curl_response_free);

  G_OBJECT_CLASS (foyer_http_backend_parent_class)->finalize (object);
}

static void
foyer_http_backend_class_init (FoyerHttpBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_http_backend_finalize;
}

static void
foyer_http_backend_init (FoyerHttpBackend *self)
{
  self->response = foyer_curl_response_new ();
  self->features = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

FoyerHttpBackend *
foyer_http_backend_new (FoyerConfig  *config,
                        GError      **error)
{
  g_autoptr(FoyerHttpBackend) self = NULL;
  g_autofree char *base = NULL;
  g_autofree char *host = NULL;
  const char *url;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  url = foyer_config_get_string (config, "sync", "url");
  if (url == NULL || *url == '\0') {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "[sync] url is not set: head office's address is needed for backend=http-json");
    return NULL;
  }

  self = g_object_new (FOYER_TYPE_HTTP_BACKEND, NULL);
  self->settings = foyer_curl_settings_new (config, error);
  if (self->settings == NULL)
    return NULL;
  host = foyer_curl_settings_check_url (self->settings, url, "[sync] url", error);
  if (host == NULL)
    return NULL;

  base = g_strdup (url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  self->records_url = g_strconcat (base, "/v1/records", NULL);
  self->health_url = g_strconcat (base, "/v1/health", NULL);
  self->base_url = g_strdup (base);
  self->booth = g_strdup (foyer_config_get_string (config, "kiosk", "booth"));
  self->settings_timeout_s = foyer_config_get_int (config, "sync", "timeout");
  self->peer = g_strdup_printf ("head office at %s", host);
  self->kiosk = g_strdup (foyer_config_get_string (config, "kiosk", "id"));
  self->event = g_strdup (foyer_config_get_string (config, "kiosk", "event"));
  self->token_path = foyer_config_get_path_value (config, "sync", "token-file");

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
  return foyer_curl_settings_get_warnings (self->settings)[0];
}

guint64
foyer_http_backend_get_n_requests (FoyerHttpBackend *self)
{
  g_return_val_if_fail (FOYER_IS_HTTP_BACKEND (self), 0);
  return (guint64)g_atomic_pointer_get (&self->n_requests);
}
