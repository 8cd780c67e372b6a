/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull.c: pulls over HTTP with long-poll (see foyer-hub-pull.h). */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-pull.h"
#include "foyer-hub-occupancy.h"
#include "foyer-hub-pull-cache.h"
#include "foyer-hub-pull-rows.h"
#include "foyer-json.h"

#define WATCH_INTERVAL_MS 200
#define MAX_WAIT_S        30
#define GZIP_MIN_BYTES    1024
/* zlib's fastest level: a page of signed badge codes shrinks 2.6× at level 1 and 2.8× at
 * level 6, which takes 1.5× the CPU time (zlib was the largest part of a page's cost). */
#define GZIP_LEVEL        1

const char *const foyer_hub_pull_features[] = {
  "records", "registrations", "check-ins", "leads", "long-poll", NULL
};

struct _FoyerHubPull {
  GObject           parent_instance;
  FoyerHubStorage  *storage;
  FoyerHubAuthFunc  auth;
  gpointer          auth_data;
  GThreadPool      *threads;
  FoyerHubPullCache *cache;       /* pages as sent, shared by every gate (thread-safe) */
  GMutex            lock;
  GHashTable       *occupancy;    /* event → FoyerHubOccupancy (under lock) */
  GHashTable       *generation;   /* event → guint count of this hub's uploads (main thread) */
  GHashTable       *external;     /* event → guint count of other processes' changes seen by the
                                   * watcher (main thread): they wake long-polls, but do not age
                                   * cached pages, whose version holds the event's last_seq */
  GHashTable       *waiting;      /* event → GList of Request (main thread) */
  GThread          *watcher;
  gint              stop;         /* atomic */
  gboolean          stopping;     /* main thread: the hub is shutting down */
};

G_DEFINE_FINAL_TYPE (FoyerHubPull, foyer_hub_pull, G_TYPE_OBJECT)

typedef struct {
  FoyerHubPull      *self;
  SoupServerMessage *msg;
  char              *event;
  char              *booth;
  FoyerHubChanges    kind;
  gint64             since;
  guint              limit;
  gint64             deadline;     /* monotonic µs; 0: no long-poll */
  gboolean           gzip;
  guint              generation;   /* the event's generation when the page was computed */
  guint              wakes;        /* generation + external changes, for the long-poll */
  guint              timeout;
  gboolean           gone;         /* the message finished (client gone) */
  GBytes            *answer;       /* the body as sent */
  gboolean           gzipped;      /* answer is gzip-compressed */
  gboolean           cached;       /* answer came from the page cache */
  guint              status;
  guint              n_changes;
} Request;

static void
request_free (Request *request)
{
  if (request->timeout != 0)
    g_source_remove (request->timeout);
  g_signal_handlers_disconnect_by_data (request->msg, request);
  g_object_unref (request->msg);
  g_object_unref (request->self);
  g_free (request->event);
  g_free (request->booth);
  g_clear_pointer (&request->answer, g_bytes_unref);
  g_free (request);
}

static FoyerHubOccupancy *
occupancy_of (FoyerHubPull *self, const char *event)
{
  FoyerHubOccupancy *occupancy;

  g_mutex_lock (&self->lock);
  occupancy = g_hash_table_lookup (self->occupancy, event);
  if (occupancy == NULL) {
    occupancy = foyer_hub_occupancy_new (event);
    g_hash_table_insert (self->occupancy, g_strdup (event), occupancy);
  }
  g_object_ref (occupancy);
  g_mutex_unlock (&self->lock);
  return occupancy;
}

static guint
generation_of (FoyerHubPull *self, const char *event)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->generation, event));
}

static guint
wakes_of (FoyerHubPull *self, const char *event)
{
  return generation_of (self, event) + GPOINTER_TO_UINT (g_hash_table_lookup (self->external, event));
}

/* ---- answering ---- */

/* text as one gzip member, compressed in one call into one buffer (no stream, no copies);
 * NULL if zlib fails. */
static GBytes *
gzip_text (const char *text, gsize len)
{
  g_autoptr(GZlibCompressor) compressor =
    g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, GZIP_LEVEL);
  gsize size = len + len / 8 + 1024, done_in = 0, done_out = 0;
  g_autofree guint8 *out = g_malloc (size);

  for (;;) {
    gsize read = 0, written = 0;
    GConverterResult result = g_converter_convert (G_CONVERTER (compressor), text + done_in,
                                                   len - done_in, out + done_out,
                                                   size - done_out, G_CONVERTER_INPUT_AT_END,
                                                   &read, &written, NULL);
    if (result == G_CONVERTER_ERROR)
      return NULL;
    done_in += read;
    done_out += written;
    if (result == G_CONVERTER_FINISHED)
      break;
    if (size - done_out < 1024)
      out = g_realloc (out, size *= 2);
  }
  return g_bytes_new_take (g_realloc (g_steal_pointer (&out), done_out), done_out);
}

/* An answer as it is sent: gzip-compressed when the client takes it and it is worth it. */
static GBytes *
pack (char *text, gboolean gzip, gboolean *gzipped)
{
  gsize len = strlen (text);
  GBytes *packed = gzip && len >= GZIP_MIN_BYTES ? gzip_text (text, len) : NULL;

  *gzipped = packed != NULL;
  if (packed != NULL) {
    g_free (text);
    return packed;
  }
  return g_bytes_new_take (text, len);
}

static void
respond_bytes (SoupServerMessage *msg, guint status, GBytes *body, gboolean gzipped)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *out = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_append (headers, "Vary", "Accept-Encoding");
  if (gzipped)
    soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  soup_message_body_truncate (out);
  soup_message_body_append_bytes (out, body);
}

static void
respond (SoupServerMessage *msg, guint status, char *text)
{
  g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

  respond_bytes (msg, status, body, FALSE);
}

static void
respond_error (SoupServerMessage *msg, guint status, const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  respond (msg, status, foyer_json_to_string (root));
}

static void
finish (Request *request)
{
  if (!request->gone) {
    respond_bytes (request->msg, request->status, request->answer, request->gzipped);
    /* for diagnostics and tests (docs/sync-protocol.md "Page cache"); clients ignore it */
    if (request->status == SOUP_STATUS_OK)
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "X-Foyer-Cache", request->cached ? "hit" : "miss");
    soup_server_message_unpause (request->msg);
  }
  request_free (request);
}

/* ---- long-poll (main thread) ---- */

static gboolean computed (gpointer data);

static void
dispatch (Request *request)
{
  request->generation = generation_of (request->self, request->event);
  request->wakes = wakes_of (request->self, request->event);
  g_thread_pool_push (request->self->threads, request, NULL);
}

static void
unpark (Request *request)
{
  GList *list = g_hash_table_lookup (request->self->waiting, request->event);

  list = g_list_remove (list, request);
  if (list != NULL)
    g_hash_table_insert (request->self->waiting, g_strdup (request->event), list);
  else
    g_hash_table_remove (request->self->waiting, request->event);
  g_clear_handle_id (&request->timeout, g_source_remove);
}

/* The wait is over: one last look, then the answer (possibly without rows). */
static gboolean
timed_out (gpointer data)
{
  Request *request = data;

  request->timeout = 0;
  unpark (request);
  request->deadline = 0;
  dispatch (request);
  return G_SOURCE_REMOVE;
}

static void
park (Request *request)
{
  FoyerHubPull *self = request->self;
  GList *list = g_hash_table_lookup (self->waiting, request->event);
  gint64 left_ms = (request->deadline - g_get_monotonic_time ()) / 1000;

  g_hash_table_insert (self->waiting, g_strdup (request->event), g_list_prepend (list, request));
  request->timeout = g_timeout_add (MAX (left_ms, 1), timed_out, request);
}

static gboolean
computed (gpointer data)
{
  Request *request = data;

  if (request->gone || request->status != SOUP_STATUS_OK || request->n_changes > 0
      || request->deadline <= g_get_monotonic_time () || request->self->stopping)
    finish (request);
  else if (wakes_of (request->self, request->event) != request->wakes)
    dispatch (request);   /* a change committed while the page was computed */
  else
    park (request);
  return G_SOURCE_REMOVE;
}

/* The client went away: a parked request is dropped now, a computing one when it is done. */
static void
message_finished (SoupServerMessage *msg, gpointer data)
{
  Request *request = data;

  request->gone = TRUE;
  if (request->timeout != 0) {
    unpark (request);
    request_free (request);
  }
}

static void
count_change (GHashTable *counts, const char *event)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, event));

  g_hash_table_insert (counts, g_strdup (event), GUINT_TO_POINTER (count + 1));
}

static void
wake (FoyerHubPull *self, const char *event)
{
  gpointer key = NULL, value = NULL;
  GList *list;

  if (!g_hash_table_steal_extended (self->waiting, event, &key, &value))
    return;
  g_free (key);
  list = value;
  for (GList *l = list; l != NULL; l = l->next) {
    Request *request = l->data;

    g_clear_handle_id (&request->timeout, g_source_remove);
    dispatch (request);
  }
  g_list_free (list);
}

void
foyer_hub_pull_changed (FoyerHubPull *self, const char *event)
{
  count_change (self->generation, event);
  wake (self, event);
}

void
foyer_hub_pull_shutdown (FoyerHubPull *self)
{
  GHashTableIter iter;
  gpointer value;

  self->stopping = TRUE;
  g_hash_table_iter_init (&iter, self->waiting);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    for (GList *l = value; l != NULL; l = l->next) {
      Request *request = l->data;

      g_clear_handle_id (&request->timeout, g_source_remove);
      finish (request);
    }
    g_list_free (value);
    g_hash_table_iter_remove (&iter);
  }
}

/* ---- computing pages (pool threads) ---- */

/* The key and version of request's page in the cache; FALSE (not cached) when the event's
 * last change sequence cannot be read. */
static gboolean
cache_key_of (Request *request, char **key, FoyerHubPullVersion *version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerHubEvent) event = foyer_hub_storage_event_get (request->self->storage,
                                                                request->event, &error);

  if (event == NULL)
    return FALSE;
  /* read before the page is: a page is at least as new as the version it is stored under */
  version->generation = request->generation;
  version->last_seq = event->last_seq;
  *key = foyer_hub_pull_cache_key (request->kind, request->event, request->booth,
                                   request->since, request->limit, request->gzip);
  return TRUE;
}

/* The page, built and packed here (not on the main loop). */
static void
build (Request *request)
{
  FoyerHubPull *self = request->self;
  g_autoptr(FoyerHubOccupancy) occupancy = request->kind != FOYER_HUB_CHANGES_LEADS
                                           ? occupancy_of (self, request->event) : NULL;
  g_autoptr(GError) error = NULL;
  char *text = foyer_hub_pull_page (self->storage, occupancy, request->kind, request->event,
                                    request->booth, request->since, request->limit,
                                    &request->n_changes, &error);

  request->status = SOUP_STATUS_OK;
  if (text == NULL) {
    g_warning ("cannot answer a pull for event %s: %s", request->event, error->message);
    request->status = SOUP_STATUS_SERVICE_UNAVAILABLE;
    text = g_strdup ("{\"error\":\"the hub cannot read its database right now\"}");
  }
  request->answer = pack (text, request->gzip && request->status == SOUP_STATUS_OK,
                          &request->gzipped);
}

static void
compute (gpointer data, gpointer user_data)
{
  Request *request = data;
  FoyerHubPull *self = request->self;
  FoyerHubPullVersion version = { 0 };
  g_autofree char *key = NULL;
  gboolean cacheable = cache_key_of (request, &key, &version);

  g_clear_pointer (&request->answer, g_bytes_unref);
  if (cacheable)
    request->answer = foyer_hub_pull_cache_lookup (self->cache, key, &version, &request->gzipped,
                                                   &request->n_changes);
  request->cached = request->answer != NULL;
  if (request->cached) {
    request->status = SOUP_STATUS_OK;
  } else {
    build (request);
    if (cacheable && request->status == SOUP_STATUS_OK)
      foyer_hub_pull_cache_store (self->cache, key, &version, request->answer, request->gzipped,
                                  request->n_changes);
  }
  g_main_context_invoke (NULL, computed, request);
}

/* ---- requests (main thread) ---- */

static gboolean
parse_number (GHashTable *query, const char *name, guint fallback, guint max, guint *value)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  guint64 number;

  *value = fallback;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &number, NULL))
    return FALSE;
  *value = MIN ((guint) number, max);
  return TRUE;
}

static FoyerHubChanges
kind_of (const char *path)
{
  if (g_str_has_suffix (path, "/leads"))
    return FOYER_HUB_CHANGES_LEADS;
  if (g_str_has_suffix (path, "/check-ins"))
    return FOYER_HUB_CHANGES_CHECK_INS;
  return FOYER_HUB_CHANGES_REGISTRATIONS;
}

/* 403 unless a booth device asks for its own booth's leads. */
static gboolean
leads_allowed (FoyerHubDevice *device, const char *booth)
{
  return g_strcmp0 (device->mode, "booth") == 0 && device->booth != NULL
         && (booth == NULL || *booth == '\0' || g_strcmp0 (booth, device->booth) == 0);
}

static gboolean
accepts_gzip (SoupServerMessage *msg)
{
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Accept-Encoding");

  return accept != NULL && soup_header_contains (accept, "gzip");
}

static void
pull_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
              gpointer user_data)
{
  FoyerHubPull *self = user_data;
  g_autoptr(FoyerHubDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  Request *request;
  gint64 since = 0;
  guint limit, wait;

  if (strcmp (soup_server_message_get_method (msg), "GET") != 0) {
    respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "GET only");
    return;
  }
  if (self->stopping) {
    respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "the hub is shutting down");
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                  "1");
    return;
  }
  if ((device = self->auth (msg, self->auth_data)) == NULL) {
    respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unknown or revoked device token");
    return;
  }
  if (kind_of (path) == FOYER_HUB_CHANGES_LEADS
      && !leads_allowed (device, query != NULL ? g_hash_table_lookup (query, "booth") : NULL)) {
    respond_error (msg, SOUP_STATUS_FORBIDDEN, "a booth's leads go to that booth's devices only");
    return;
  }
  if (!foyer_hub_pull_cursor_parse (query != NULL ? g_hash_table_lookup (query, "since") : NULL,
                                    &since, &error)
      || !parse_number (query, "limit", FOYER_HUB_PULL_MAX_LIMIT, FOYER_HUB_PULL_MAX_LIMIT, &limit)
      || !parse_number (query, "wait", 0, MAX_WAIT_S, &wait)) {
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, error != NULL ? error->message
                   : "limit and wait must be whole numbers");
    return;
  }
  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->msg = g_object_ref (msg);
  request->event = g_strdup (device->event);
  request->booth = g_strdup (device->booth);
  request->kind = kind_of (path);
  request->since = since;
  request->limit = MAX (limit, 1);
  request->deadline = wait > 0 ? g_get_monotonic_time () + wait * G_USEC_PER_SEC : 0;
  request->gzip = accepts_gzip (msg);
  g_signal_connect (msg, "finished", G_CALLBACK (message_finished), request);
  soup_server_message_pause (msg);
  dispatch (request);
}

/* ---- the watcher: changes made by other processes ---- */

typedef struct {
  FoyerHubPull *self;
  char         *event;
} Changed;

static gboolean
changed_on_main (gpointer data)
{
  Changed *changed = data;

  count_change (changed->self->external, changed->event);
  wake (changed->self, changed->event);
  g_object_unref (changed->self);
  g_free (changed->event);
  g_free (changed);
  return G_SOURCE_REMOVE;
}

static void
watch_once (FoyerHubPull *self, GHashTable *seen)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = foyer_hub_storage_event_list (self->storage, &error);

  if (events == NULL) {
    g_debug ("cannot watch for changes: %s", error->message);
    return;
  }
  for (guint i = 0; i < events->len; i++) {
    FoyerHubEvent *event = g_ptr_array_index (events, i);
    gint64 *last = g_hash_table_lookup (seen, event->id);

    if (last != NULL && *last == event->last_seq)
      continue;
    if (last != NULL) {
      Changed *changed = g_new0 (Changed, 1);
      changed->self = g_object_ref (self);
      changed->event = g_strdup (event->id);
      g_main_context_invoke (NULL, changed_on_main, changed);
    }
    last = g_new (gint64, 1);
    *last = event->last_seq;
    g_hash_table_replace (seen, g_strdup (event->id), last);
  }
}

static gpointer
watch (gpointer data)
{
  FoyerHubPull *self = data;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  while (!g_atomic_int_get (&self->stop)) {
    watch_once (self, seen);
    g_usleep (WATCH_INTERVAL_MS * 1000);
  }
  return NULL;
}

/* ---- setup ---- */

void
foyer_hub_pull_attach (FoyerHubPull *self, SoupServer *soup)
{
  soup_server_add_handler (soup, "/v1/registrations", pull_handler, self, NULL);
  soup_server_add_handler (soup, "/v1/check-ins", pull_handler, self, NULL);
  soup_server_add_handler (soup, "/v1/leads", pull_handler, self, NULL);
  if (self->watcher == NULL)
    self->watcher = g_thread_new ("foyer-hub-watch", watch, self);
}

FoyerHubPull *
foyer_hub_pull_new (FoyerHubStorage *storage, guint threads, FoyerHubAuthFunc auth,
                    gpointer auth_data)
{
  FoyerHubPull *self = g_object_new (FOYER_HUB_TYPE_PULL, NULL);

  self->storage = g_object_ref (storage);
  self->auth = auth;
  self->auth_data = auth_data;
  self->threads = g_thread_pool_new (compute, NULL, MAX (threads, 1), FALSE, NULL);
  self->cache = foyer_hub_pull_cache_new (FOYER_HUB_PULL_CACHE_BYTES);
  return self;
}

void
foyer_hub_pull_set_cache_bytes (FoyerHubPull *self, gsize max_bytes)
{
  g_clear_pointer (&self->cache, foyer_hub_pull_cache_free);
  self->cache = foyer_hub_pull_cache_new (max_bytes);
}

static void
foyer_hub_pull_dispose (GObject *object)
{
  FoyerHubPull *self = FOYER_HUB_PULL (object);

  g_atomic_int_set (&self->stop, 1);
  if (self->watcher != NULL)
    g_thread_join (g_steal_pointer (&self->watcher));
  if (self->threads != NULL)
    g_thread_pool_free (g_steal_pointer (&self->threads), FALSE, TRUE);
  G_OBJECT_CLASS (foyer_hub_pull_parent_class)->dispose (object);
}

static void
foyer_hub_pull_finalize (GObject *object)
{
  FoyerHubPull *self = FOYER_HUB_PULL (object);

  g_hash_table_unref (self->occupancy);
  g_hash_table_unref (self->generation);
  g_hash_table_unref (self->external);
  g_hash_table_unref (self->waiting);
  g_clear_pointer (&self->cache, foyer_hub_pull_cache_free);
  g_mutex_clear (&self->lock);
  g_clear_object (&self->storage);
  G_OBJECT_CLASS (foyer_hub_pull_parent_class)->finalize (object);
}

static void
foyer_hub_pull_class_init (FoyerHubPullClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = foyer_hub_pull_dispose;
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_pull_finalize;
}

static void
foyer_hub_pull_init (FoyerHubPull *self)
{
  g_mutex_init (&self->lock);
  self->occupancy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->generation = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->external = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
