/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-server.c: the HTTP side of the hub (docs/sync-protocol.md, docs/hub.md). */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <sys/random.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <zlib.h>

#include "foyer-hub-server.h"
#include "foyer-hub-batch.h"
#include "foyer-hub-group.h"
#include "foyer-hub-pull.h"
#include "foyer-json.h"
#include "foyer-record.h"
#include "foyer-thread.h"
#include "foyer-version.h"

G_DEFINE_QUARK (foyer-hub-server-error-quark, foyer_hub_server_error)

#define TOUCH_INTERVAL_US    (10 * G_USEC_PER_SEC)
#define ENROLL_MAX_BODY      (64 * 1024)
#define RETRY_AFTER_S        "1"
/* Parsed batches wait for their group commit in writer threads: those of the group being
 * written, and a whole next group (FOYER_HUB_GROUP_MAX_RECORDS of kiosk-sized batches of 200
 * records) besides, plus one. With room for only one batch besides the group being written
 * (11 threads), the next leader found one to three batches in its lane and groups of 4-7
 * batches were the rule at saturation; with a whole group's room, most groups under load are
 * full, and each record pays for less of a COMMIT (bench-hub, SQLite, same hour: 56,186 and
 * 76,490 rec/s, hub CPU 24.1 and 17.8 µs per record). */
#define WRITERS              (2 * (FOYER_HUB_GROUP_MAX_RECORDS / 200) + 1)
/* How much nicer the ingest workers run than the writers (see lower_worker_priority()). */
#define WORKER_NICENESS_SQLITE      10
#define WORKER_NICENESS_POSTGRESQL  5

struct _FoyerHubServer {
  GObject            parent_instance;
  FoyerHubConfig    *config;
  FoyerHubStorage   *storage;
  SoupServer        *soup;
  GSocketService    *service;
  GTlsCertificate   *certificate;
  GThreadPool       *workers;
  GThreadPool       *writers;         /* parsed batches waiting for their group commit */
  char              *url;
  gint64             max_body;
  guint              max_queue;
  guint              max_connections;
  guint              timeout_s;
  gboolean           forward;
  guint              test_delay_ms;   /* $FOYER_HUB_TEST_INGEST_DELAY_MS: fault injection */
  gint               queued;          /* atomic: batches accepted for ingest, not yet answered */
  guint              n_connections;   /* main thread */
  gboolean           stopping;
  GCallback          stopped;
  gpointer           stopped_data;
  GMutex             touch_lock;
  GHashTable        *touched;         /* device name → monotonic time of the last touch */
  guint              purge_source;
  FoyerHubPull      *pull;            /* issue 16: GET /v1/registrations, check-ins, leads */
};

G_DEFINE_FINAL_TYPE (FoyerHubServer, foyer_hub_server, G_TYPE_OBJECT)

typedef struct {
  FoyerHubServer    *self;
  SoupServerMessage *msg;
  FoyerHubDevice    *device;
  GBytes            *body;
  gboolean           gzipped;
  char              *key;
  char              *address;
  char              *software_version;
  GPtrArray         *items;        /* FoyerHubItem, once parsed */
  guint              status;
  char              *answer;
} Job;

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_object_unref (job->msg);
  foyer_hub_device_free (job->device);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_free (job->key);
  g_free (job->address);
  g_free (job->software_version);
  g_free (job->answer);
  g_free (job);
}

/* ---- small helpers ---- */

static void
respond_json (SoupServerMessage *msg, guint status, char *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text,
                                    strlen (text));
}

/* {"error": message}: the body of every error answer */
static char *
error_answer (const char *message)
{
  GString *answer = g_string_new ("{\"error\":");

  foyer_json_append_string (answer, message);
  g_string_append_c (answer, '}');
  return g_string_free (answer, FALSE);
}

static void
respond_error (SoupServerMessage *msg, guint status, const char *message)
{
  respond_json (msg, status, error_answer (message));
}

static char *
random_token (void)
{
  guchar bytes[32];
  char *text;

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("getrandom failed");
  text = g_base64_encode (bytes, sizeof bytes);
  /* URL- and config-safe: base64url without padding. */
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return text;
}

/* The oldest Idempotency-Key answer replayed now. */
static char *
idempotency_since_now (void)
{
  g_autofree char *now = foyer_timestamp_now ();

  return foyer_hub_idempotency_since (now);
}

/* The device a request's bearer token belongs to; NULL (401) when unknown or revoked. */
static FoyerHubDevice *
authenticate (FoyerHubServer *self, SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autoptr(FoyerHubDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || auth[7] == '\0')
    return NULL;
  hash = foyer_hub_hash_secret (auth + 7);
  device = foyer_hub_storage_device_by_token (self->storage, hash, &error);
  if (device == NULL && error != NULL)
    g_warning ("cannot check a device token: %s", error->message);
  if (device == NULL || device->revoked_at != NULL)
    return NULL;
  return g_steal_pointer (&device);
}

/* ---- ingest (worker threads) ---- */

/* Each worker thread inflates with one zlib stream and one output buffer, reset and reused
 * batch after batch. A GZlibDecompressor per batch cost an inflateInit (a 32 KiB window and
 * the state) and a fresh buffer of the batch's decompressed size (about 120 KiB for 200
 * records); allocating and freeing those big blocks for every batch made glibc consolidate
 * its free lists each time: about 8% of the hub's CPU in a profile. zlib directly because
 * GConverter cannot be reset. A buffer grown past INFLATE_KEEP (a rare huge batch) is given
 * back after its batch. */
typedef struct {
  z_stream  z;
  guchar   *buffer;
  gsize     size;
} Inflater;

#define INFLATE_KEEP (1024 * 1024)

static void
inflater_free (gpointer data)
{
  Inflater *inflater = data;

  inflateEnd (&inflater->z);
  g_free (inflater->buffer);
  g_free (inflater);
}

static GPrivate inflaters = G_PRIVATE_INIT (inflater_free);

static Inflater *
inflater_get (void)
{
  Inflater *inflater = g_private_get (&inflaters);

  if (inflater == NULL) {
    inflater = g_new0 (Inflater, 1);
    if (inflateInit2 (&inflater->z, 16 + MAX_WBITS) != Z_OK)   /* gzip only */
      g_error ("zlib: %s", inflater->z.msg != NULL ? inflater->z.msg : "cannot initialise");
    g_private_set (&inflaters, inflater);
  } else {
    inflateReset (&inflater->z);
  }
  return inflater;
}

static void
inflater_resize (Inflater *inflater, gsize size)
{
  inflater->buffer = g_realloc (inflater->buffer, size);
  inflater->size = size;
}

static GBytes *
inflate_error (Inflater *inflater, GError **error, GIOErrorEnum code, const char *message)
{
  if (inflater->size > INFLATE_KEEP) {
    g_clear_pointer (&inflater->buffer, g_free);
    inflater->size = 0;
  }
  g_set_error_literal (error, G_IO_ERROR, code, message);
  return NULL;
}

/* The size the gzip trailer's ISIZE announces (the size modulo 2^32), at most limit + 1: zlib
 * checks ISIZE only at the stream's end, so the buffer still grows (up to limit) when the data
 * is longer. */
static gsize
announced_size (const guchar *in, gsize in_len, gint64 limit)
{
  guint32 isize;

  if (in_len < 18)   /* a gzip header (10), an empty deflate stream and the trailer (8) */
    return 4096;
  isize = in[in_len - 4] | in[in_len - 3] << 8 | in[in_len - 2] << 16
          | (guint32) in[in_len - 1] << 24;
  return MAX (4096, MIN ((guint64) isize + 1, (guint64) limit + 1));
}

/* The gzip body decompressed, in this thread's buffer: valid until the thread's next batch. */
static GBytes *
gunzip (GBytes *body, gint64 limit, GError **error)
{
  Inflater *inflater = inflater_get ();
  gsize in_len, used = 0;
  const guchar *in = g_bytes_get_data (body, &in_len);
  int rc = Z_OK;

  if (in_len > G_MAXUINT32)
    return inflate_error (inflater, error, G_IO_ERROR_MESSAGE_TOO_LARGE, "the body is too large");
  if (inflater->size < announced_size (in, in_len, limit))
    inflater_resize (inflater, announced_size (in, in_len, limit));
  inflater->z.next_in = (Bytef *) in;
  inflater->z.avail_in = in_len;
  while (rc != Z_STREAM_END) {
    if (used == inflater->size) {
      if (inflater->size > (guint64) limit)
        return inflate_error (inflater, error, G_IO_ERROR_MESSAGE_TOO_LARGE,
                              "the body is too large once decompressed");
      inflater_resize (inflater, MIN ((guint64) inflater->size * 2, (guint64) limit + 1));
    }
    inflater->z.next_out = inflater->buffer + used;
    inflater->z.avail_out = MIN (inflater->size - used, G_MAXUINT32);
    rc = inflate (&inflater->z, Z_NO_FLUSH);
    used = inflater->z.next_out - inflater->buffer;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      return inflate_error (inflater, error, G_IO_ERROR_INVALID_DATA,
                            inflater->z.msg != NULL ? inflater->z.msg : "not gzip data");
    /* All input read, room left, and no end of stream: the data is cut. */
    if (rc != Z_STREAM_END && inflater->z.avail_in == 0 && used < inflater->size)
      return inflate_error (inflater, error, G_IO_ERROR_INVALID_DATA, "the gzip data is cut");
  }
  if (used > (guint64) limit)
    return inflate_error (inflater, error, G_IO_ERROR_MESSAGE_TOO_LARGE,
                          "the body is too large once decompressed");
  if (inflater->size > INFLATE_KEEP) {   /* handed over with the bytes, not kept */
    inflater->size = 0;
    return g_bytes_new_take (g_steal_pointer (&inflater->buffer), used);
  }
  return g_bytes_new_static (inflater->buffer, used);
}

static void
touch_device (FoyerHubServer *self, Job *job)
{
  gint64 now = g_get_monotonic_time ();
  gpointer last;
  gboolean due;
  g_autoptr(GError) error = NULL;
  g_autofree char *stamp = NULL;

  g_mutex_lock (&self->touch_lock);
  last = g_hash_table_lookup (self->touched, job->device->name);
  due = last == NULL || now - *(gint64 *) last > TOUCH_INTERVAL_US;
  if (due) {
    gint64 *value = g_new (gint64, 1);
    *value = now;
    g_hash_table_replace (self->touched, g_strdup (job->device->name), value);
  }
  g_mutex_unlock (&self->touch_lock);
  if (!due)
    return;
  stamp = foyer_timestamp_now ();
  if (!foyer_hub_storage_device_touch (self->storage, job->device->name, stamp, job->address,
                                       job->software_version, &error))
    g_warning ("cannot note that device %s was seen: %s", job->device->name, error->message);
}

/* The answer is built once, inside the transaction that stores it for the Idempotency-Key,
 * and kept for the response. */
static char *
answer_func (GPtrArray *items, gpointer user_data)
{
  Job *job = user_data;

  g_free (job->answer);
  job->answer = foyer_hub_batch_answer (items);
  return g_strdup (job->answer);
}

static void
count_items (GPtrArray *items, guint counts[4])
{
  for (guint i = 0; i < items->len; i++)
    counts[((FoyerHubItem *) g_ptr_array_index (items, i))->status]++;
}

/* Decompresses and parses the batch into job->items; FALSE with the job's answer set when the
 * body cannot be read. */
static gboolean
parse_batch (FoyerHubServer *self, Job *job)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gconstpointer data;
  gsize len;

  body = job->gzipped ? gunzip (job->body, self->max_body * 4, &error) : g_bytes_ref (job->body);
  if (body == NULL) {
    job->status = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE)
                  ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST;
    job->answer = error_answer (job->status == SOUP_STATUS_BAD_REQUEST
                                ? "the gzip body cannot be decompressed"
                                : "the body is too large once decompressed");
    return FALSE;
  }
  data = g_bytes_get_data (body, &len);
  job->items = foyer_hub_batch_parse (data, len, job->device->event, job->device->name, &error);
  if (job->items == NULL) {
    job->status = g_error_matches (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_TOO_MANY)
                  ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST;
    if (job->status == SOUP_STATUS_BAD_REQUEST) {
      /* the parser's messages never quote the body: safe to send back, and they say where */
      g_autofree char *why = g_strdup_printf ("malformed batch: %s", error->message);
      job->answer = error_answer (why);
    } else {
      job->answer = error_answer ("too many records in one batch");
    }
    g_debug ("batch from %s refused: %s", job->device->name, error->message);
    return FALSE;
  }
  return TRUE;
}

/* Stores the parsed batch (writer threads): returns once its group's COMMIT has returned. A
 * batch whose key was answered meanwhile (another request with it was stored after this one's
 * look-up in worker(): a kiosk that gave up waiting and sent again, or the same batch through
 * another hub process) gets that answer, as stored. */
static void
store_batch (FoyerHubServer *self, Job *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *now = foyer_timestamp_now ();
  g_autofree char *replayed = NULL;
  guint counts[4] = { 0 };

  if (!foyer_hub_storage_ingest (self->storage, job->device->event, job->device->name, now,
                                 job->items, self->forward, job->key, answer_func, job,
                                 &replayed, &error)) {
    g_warning ("cannot store a batch from device %s: %s", job->device->name, error->message);
    job->status = SOUP_STATUS_SERVICE_UNAVAILABLE;
    g_free (job->answer);
    job->answer = g_strdup ("{\"error\":\"the hub cannot store records right now\"}");
    return;
  }
  job->status = SOUP_STATUS_OK;
  if (replayed != NULL) {
    g_debug ("device %s: batch %s was stored meanwhile: replaying its answer",
             job->device->name, job->key);
    g_free (job->answer);
    job->answer = g_steal_pointer (&replayed);
    return;
  }
  count_items (job->items, counts);
  g_info ("device %s: %u accepted, %u duplicate, %u rejected", job->device->name,
          counts[FOYER_HUB_ITEM_ACCEPTED], counts[FOYER_HUB_ITEM_DUPLICATE],
          counts[FOYER_HUB_ITEM_REJECTED]);
  if (job->answer == NULL)   /* no Idempotency-Key */
    job->answer = foyer_hub_batch_answer (job->items);
}

static gboolean
finish_job (gpointer data)
{
  Job *job = data;

  respond_json (job->msg, job->status, g_steal_pointer (&job->answer));
  if (job->status == SOUP_STATUS_OK)
    foyer_hub_pull_changed (job->self->pull, job->device->event);   /* wakes long-polls */
  if (job->status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    soup_message_headers_replace (soup_server_message_get_response_headers (job->msg),
                                  "Retry-After", RETRY_AFTER_S);
  soup_server_message_unpause (job->msg);
  job_free (job);
  return G_SOURCE_REMOVE;
}

/* A batch counts as in flight until its answer has been written (or the client is gone). */
static void
batch_finished (SoupServerMessage *msg, gpointer user_data)
{
  FoyerHubServer *self = user_data;

  g_signal_handlers_disconnect_by_func (msg, batch_finished, self);
  g_atomic_int_dec_and_test (&self->queued);
  if (self->stopping && g_atomic_int_get (&self->queued) == 0 && self->stopped != NULL) {
    GCallback done = g_steal_pointer (&self->stopped);
    ((void (*) (gpointer)) done) (self->stopped_data);
  }
}

/* Parsing runs in parallel, storing does not: when the cores are short, the thread writing a
 * group commit (a writer) should not wait for a core behind the workers parsing the next
 * batches, so the workers run nicer. Linux keeps a nice value per thread; the worker pool is
 * exclusive, so a lowered thread never runs other work. A failure leaves the priority as is.
 *
 * How much nicer depends on where the serial part runs. On SQLite it is the hub's own writer
 * thread: under bench-hub's saturation round (2 cores) the writer of a group waited for a core
 * for 36 % of the group's time with the workers at nice 5, and 27-29 % at nice 10 or 19; the
 * hub stored 70,000-77,000 rec/s at nice 5 and 82,000-91,000 at nice 10 (runs alternated, same
 * hour). On PostgreSQL the serial part is the database server's backend, a process of its own
 * at the default priority; nice 10 there gave 34,700-39,300 rec/s against 37,900-41,100 at
 * nice 5, so it keeps 5. */
static void
lower_worker_priority (FoyerHubServer *self)
{
  static GPrivate lowered;
  gboolean sqlite;

  if (g_private_get (&lowered) != NULL)
    return;
  g_private_set (&lowered, GINT_TO_POINTER (1));
  sqlite = g_strcmp0 (foyer_hub_storage_kind (self->storage), "sqlite") == 0;
  foyer_thread_lower_priority (sqlite ? WORKER_NICENESS_SQLITE : WORKER_NICENESS_POSTGRESQL,
                               "an ingest worker");
}

static void
worker (gpointer data, gpointer user_data)
{
  Job *job = data;
  FoyerHubServer *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  char *replay = NULL;

  lower_worker_priority (self);
  touch_device (self, job);
  if (self->test_delay_ms > 0)
    g_usleep (self->test_delay_ms * 1000);
  if (job->key != NULL) {
    since = idempotency_since_now ();
    replay = foyer_hub_storage_idempotency_get (self->storage, job->device->name, job->key,
                                                since, &error);
  }
  if (replay != NULL) {
    g_debug ("device %s: replaying the answer to batch %s", job->device->name, job->key);
    job->status = SOUP_STATUS_OK;
    job->answer = replay;
  } else if (parse_batch (self, job)) {
    /* The worker is free for the next batch while this one waits for its group commit. */
    g_thread_pool_push (self->writers, job, NULL);
    return;
  }
  g_main_context_invoke (NULL, finish_job, job);
}

static void
writer (gpointer data, gpointer user_data)
{
  Job *job = data;

  store_batch (job->self, job);
  g_main_context_invoke (NULL, finish_job, job);
}

/* ---- routes ---- */

/* ---- refusing before the body ---- */

/* libsoup answers an early status at once only for Expect: 100-continue; otherwise it would read
 * the whole body first. So the connection is taken over: the answer is written, the sending side
 * shut down, and what the client still sends is read and dropped for a moment (closing with
 * unread data would reset the connection and could destroy the answer in flight). */
typedef struct {
  GIOStream *stream;
  guchar     buffer[16384];
  gsize      drained;
  gint64     deadline;
} Drain;

#define DRAIN_MAX_BYTES (1024 * 1024)
#define DRAIN_MAX_US    (2 * G_USEC_PER_SEC)

static void
drain_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Drain *drain = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0 && (drain->drained += n) < DRAIN_MAX_BYTES
      && g_get_monotonic_time () < drain->deadline) {
    g_input_stream_read_async (G_INPUT_STREAM (source), drain->buffer, sizeof drain->buffer,
                               G_PRIORITY_LOW, NULL, drain_read, drain);
    return;
  }
  g_io_stream_close (drain->stream, NULL, NULL);
  g_object_unref (drain->stream);
  g_free (drain);
}

static void
refuse_now (SoupServerMessage *msg, guint status, const char *message, gboolean retry)
{
  g_autoptr(GString) response = g_string_new (NULL);
  g_autofree char *body = g_strdup_printf ("{\"error\":\"%s\"}", message);
  Drain *drain = g_new0 (Drain, 1);

  g_string_append_printf (response, "HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s", status,
                          soup_status_get_phrase (status), strlen (body),
                          retry ? "Retry-After: " RETRY_AFTER_S "\r\n" : "", body);
  drain->stream = soup_server_message_steal_connection (msg);
  drain->deadline = g_get_monotonic_time () + DRAIN_MAX_US;
  g_output_stream_write_all (g_io_stream_get_output_stream (drain->stream), response->str,
                             response->len, NULL, NULL, NULL);
  if (G_IS_SOCKET_CONNECTION (drain->stream))
    g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (drain->stream)),
                       FALSE, TRUE, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (drain->stream), drain->buffer,
                             sizeof drain->buffer, G_PRIORITY_LOW, NULL, drain_read, drain);
}

/* After the headers, before the body: 401, 411, 413, 429 and 503 are decided here so that a
 * body that will be refused is never read. */
static void
records_early (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  FoyerHubServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  FoyerHubDevice *device;

  if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
    return;  /* the handler answers 405 */
  if ((device = authenticate (self, msg)) == NULL)
    refuse_now (msg, SOUP_STATUS_UNAUTHORIZED, "unknown or revoked device token", FALSE);
  else if (self->stopping)
    refuse_now (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "the hub is shutting down", TRUE);
  else if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    refuse_now (msg, SOUP_STATUS_LENGTH_REQUIRED, "a Content-Length is required", FALSE);
  else if (soup_message_headers_get_content_length (headers) > self->max_body)
    refuse_now (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                "the body is larger than the hub's max-body-bytes", FALSE);
  else if ((guint) g_atomic_int_get (&self->queued) >= self->max_queue)
    refuse_now (msg, 429 /* Too Many Requests: no SOUP_STATUS_ name in libsoup 3.2 */,
                "the hub's ingest queue is full", TRUE);
  else {
    g_object_set_data_full (G_OBJECT (msg), "foyer-device", g_steal_pointer (&device),
                            (GDestroyNotify) foyer_hub_device_free);
    return;
  }
  foyer_hub_device_free (device);
}

static char *
software_version_of (const char *user_agent)
{
  /* "Foyer/<version> (<kiosk id>)" */
  if (user_agent == NULL || !g_str_has_prefix (user_agent, "Foyer/"))
    return NULL;
  return g_strndup (user_agent + 6, strcspn (user_agent + 6, " "));
}

static void
records_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                 gpointer user_data)
{
  FoyerHubServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  FoyerHubDevice *device = g_object_get_data (G_OBJECT (msg), "foyer-device");
  const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  Job *job;

  if (strcmp (soup_server_message_get_method (msg), "POST") != 0 || device == NULL) {
    respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "POST only");
    return;
  }
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "gzip") != 0
      && g_ascii_strcasecmp (encoding, "identity") != 0) {
    respond_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "Content-Encoding must be gzip");
    return;
  }
  job = g_new0 (Job, 1);
  job->self = g_object_ref (self);
  job->msg = g_object_ref (msg);
  job->device = g_steal_pointer (&device);
  g_object_steal_data (G_OBJECT (msg), "foyer-device");
  job->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  job->gzipped = encoding != NULL && g_ascii_strcasecmp (encoding, "gzip") == 0;
  job->key = g_strdup (soup_message_headers_get_one (headers, "Idempotency-Key"));
  if (job->key != NULL && strlen (job->key) > 200)
    g_clear_pointer (&job->key, g_free);
  job->address = g_strdup (soup_server_message_get_remote_host (msg));
  job->software_version = software_version_of (soup_message_headers_get_one (headers,
                                                                             "User-Agent"));
  g_atomic_int_inc (&self->queued);
  g_signal_connect (msg, "finished", G_CALLBACK (batch_finished), self);
  soup_server_message_pause (msg);
  g_thread_pool_push (self->workers, job, NULL);
}

/* {"status", "version", "protocol", "features"[, "event"]}: what a kiosk may use (issue 16). */
static char *
health_answer (FoyerHubServer *self, FoyerHubDevice *device)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, self->stopping ? "stopping" : "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, foyer_get_version ());
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_int_value (builder, 1);
  if (device != NULL) {
    json_builder_set_member_name (builder, "event");
    json_builder_add_string_value (builder, device->event);
  }
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  for (guint i = 0; foyer_hub_pull_features[i] != NULL; i++)
    json_builder_add_string_value (builder, foyer_hub_pull_features[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return foyer_json_to_string (root);
}

static void
health_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer user_data)
{
  FoyerHubServer *self = user_data;
  g_autoptr(FoyerHubDevice) device = NULL;

  if (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                    "Authorization") != NULL
      && (device = authenticate (self, msg)) == NULL) {
    respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unknown or revoked device token");
    return;
  }
  respond_json (msg, SOUP_STATUS_OK, health_answer (self, device));
}

static JsonNode *
enrollment_answer (FoyerHubDevice *device, FoyerHubEvent *event, const char *token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device");
  json_builder_add_string_value (builder, device->name);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event->id);
  json_builder_set_member_name (builder, "event_name");
  json_builder_add_string_value (builder, event->name);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, device->mode);
  json_builder_set_member_name (builder, "booth");
  json_builder_add_string_value (builder, device->booth);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "verify_key");
  json_builder_add_string_value (builder, event->verify_key);
  if (device->prints && event->signing_key != NULL) {
    json_builder_set_member_name (builder, "signing_key");
    json_builder_add_string_value (builder, event->signing_key);
  }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
enrollment_secret (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (len > ENROLL_MAX_BODY || !json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  {
    JsonNode *secret = json_object_get_member (json_node_get_object (root), "secret");
    if (secret == NULL || !JSON_NODE_HOLDS_VALUE (secret)
        || json_node_get_value_type (secret) != G_TYPE_STRING)
      return NULL;
    return g_strdup (json_node_get_string (secret));
  }
}

/* A refused enrollment: the message for people and a reason for the kiosk to word it in its
 * language ("code_used", "code_expired", "refused"). */
static void
respond_enroll_refused (SoupServerMessage *msg, const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *reason = g_error_matches (error, FOYER_HUB_STORAGE_ERROR,
                                        FOYER_HUB_STORAGE_ERROR_CODE_USED) ? "code_used"
                       : g_error_matches (error, FOYER_HUB_STORAGE_ERROR,
                                          FOYER_HUB_STORAGE_ERROR_CODE_EXPIRED) ? "code_expired"
                       : "refused";

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  respond_json (msg, SOUP_STATUS_FORBIDDEN, foyer_json_to_string (root));
}

static void
enroll_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer user_data)
{
  FoyerHubServer *self = user_data;
  g_autofree char *secret = NULL;
  g_autofree char *secret_hash = NULL;
  g_autofree char *token = random_token ();
  g_autofree char *token_hash = foyer_hub_hash_secret (token);
  g_autofree char *now = foyer_timestamp_now ();
  g_autoptr(FoyerHubDevice) device = NULL;
  g_autoptr(FoyerHubEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;

  if (strcmp (soup_server_message_get_method (msg), "POST") != 0) {
    respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "POST only");
    return;
  }
  if ((secret = enrollment_secret (msg)) == NULL) {
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "expected {\"secret\": \"…\"}");
    return;
  }
  secret_hash = foyer_hub_hash_secret (secret);
  device = foyer_hub_storage_device_enroll (self->storage, secret_hash, token_hash, now, &error);
  if (device != NULL)
    event = foyer_hub_storage_event_get (self->storage, device->event, &error);
  if (device == NULL || event == NULL) {
    gboolean refused = error->domain == FOYER_HUB_STORAGE_ERROR
                       && error->code != FOYER_HUB_STORAGE_ERROR_FAILED
                       && error->code != FOYER_HUB_STORAGE_ERROR_UNAVAILABLE;
    g_info ("enrollment refused: %s", error->message);
    if (refused)
      respond_enroll_refused (msg, error);
    else
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, error->message);
    return;
  }
  g_info ("device %s enrolled for event %s", device->name, device->event);
  answer = enrollment_answer (device, event, token);
  respond_json (msg, SOUP_STATUS_OK, foyer_json_to_string (answer));
}

static void
not_found_handler (SoupServer *soup, SoupServerMessage *msg, const char *path,
                   GHashTable *query, gpointer user_data)
{
  respond_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
}

static const struct {
  const char        *path;
  SoupServerCallback handler;
  SoupServerCallback early;
} routes[] = {
  { "/v1/records", records_handler, records_early },
  { "/v1/health", health_handler, NULL },
  { "/v1/enroll", enroll_handler, NULL },
  { NULL, not_found_handler, NULL },
};

/* ---- connections ---- */

typedef struct {
  FoyerHubServer *self;
  GSocketAddress *local;
  GSocketAddress *remote;
} Pending;

static void
connection_gone (gpointer data, GObject *where_the_object_was)
{
  FoyerHubServer *self = data;

  self->n_connections--;
  g_object_unref (self);
}

static void
hand_to_soup (FoyerHubServer *self, GIOStream *stream, GSocketAddress *local,
              GSocketAddress *remote)
{
  g_autoptr(GError) error = NULL;

  self->n_connections++;
  g_object_weak_ref (G_OBJECT (stream), connection_gone, g_object_ref (self));
  if (!soup_server_accept_iostream (self->soup, stream, local, remote, &error))
    g_debug ("cannot serve a connection: %s", error->message);
}

static void
handshake_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Pending *pending = data;
  g_autoptr(GError) error = NULL;

  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    hand_to_soup (pending->self, G_IO_STREAM (source), pending->local, pending->remote);
  else
    g_debug ("TLS handshake failed: %s", error->message);
  g_object_unref (pending->self);
  g_clear_object (&pending->local);
  g_clear_object (&pending->remote);
  g_free (pending);
}

static gboolean
incoming (GSocketService *service, GSocketConnection *connection, GObject *source,
          gpointer user_data)
{
  FoyerHubServer *self = user_data;
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GIOStream) tls = NULL;
  Pending *pending;

  if (self->n_connections >= self->max_connections) {
    g_debug ("connection refused: %u connections open", self->n_connections);
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    return TRUE;
  }
  /* Slow or stalled clients: any read or write waiting longer than this fails. */
  g_socket_set_timeout (socket, self->timeout_s);
  if (self->certificate == NULL) {
    hand_to_soup (self, G_IO_STREAM (connection), local, remote);
    return TRUE;
  }
  tls = g_tls_server_connection_new (G_IO_STREAM (connection), self->certificate, NULL);
  if (tls == NULL)
    return TRUE;
  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->local = g_steal_pointer (&local);
  pending->remote = g_steal_pointer (&remote);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done, pending);
  return TRUE;
}

/* ---- setup ---- */

gboolean
foyer_hub_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_strcmp0 (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

char *
foyer_hub_certificate_pin (const char *certificate_path, GError **error)
{
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (certificate_path,
                                                                           error);
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;

  if (certificate == NULL)
    return NULL;
  g_object_get (certificate, "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return g_strconcat ("sha256:", hex, NULL);
}

static gboolean
load_tls (FoyerHubServer *self, GError **error)
{
  g_autofree char *cert = foyer_hub_config_get_path_value (self->config, "hub", "certificate");
  g_autofree char *key = foyer_hub_config_get_path_value (self->config, "hub", "key");
  g_autoptr(GError) local = NULL;

  if (cert == NULL && key == NULL)
    return TRUE;
  if (cert == NULL || key == NULL) {
    g_set_error_literal (error, FOYER_HUB_SERVER_ERROR, FOYER_HUB_SERVER_ERROR_CONFIG,
                         "[hub] certificate and key must be set together");
    return FALSE;
  }
  self->certificate = g_tls_certificate_new_from_files (cert, key, &local);
  if (self->certificate == NULL) {
    g_set_error (error, FOYER_HUB_SERVER_ERROR, FOYER_HUB_SERVER_ERROR_CONFIG,
                 "cannot load the TLS certificate %s and key %s: %s", cert, key,
                 local->message);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_listen (const char *listen, char **host, guint16 *port, GError **error)
{
  g_autoptr(GNetworkAddress) address = NULL;
  g_autoptr(GError) local = NULL;

  address = G_NETWORK_ADDRESS (g_network_address_parse (listen, 8470, &local));
  if (address == NULL) {
    g_set_error (error, FOYER_HUB_SERVER_ERROR, FOYER_HUB_SERVER_ERROR_CONFIG,
                 "[hub] listen=%s is not HOST:PORT: %s", listen, local->message);
    return FALSE;
  }
  *host = g_strdup (g_network_address_get_hostname (address));
  *port = g_network_address_get_port (address);
  return TRUE;
}

static FoyerHubDevice *
pull_authenticate (SoupServerMessage *msg, gpointer user_data)
{
  return authenticate (user_data, msg);
}

FoyerHubServer *
foyer_hub_server_new (FoyerHubConfig *config, FoyerHubStorage *storage, GError **error)
{
  g_autoptr(FoyerHubServer) self = g_object_new (FOYER_HUB_TYPE_SERVER, NULL);

  self->config = g_object_ref (config);
  self->storage = g_object_ref (storage);
  self->max_body = foyer_hub_config_get_int (config, "hub", "max-body-bytes");
  self->max_queue = foyer_hub_config_get_int (config, "hub", "max-queue");
  self->max_connections = foyer_hub_config_get_int (config, "hub", "max-connections");
  self->timeout_s = foyer_hub_config_get_int (config, "hub", "request-timeout");
  self->forward = g_strcmp0 (foyer_hub_config_get_string (config, "forward", "backend"),
                             "none") != 0;
  /* Tests only: a slow database, so that queues fill and batches are in flight on demand. */
  if (g_getenv ("FOYER_HUB_TEST_INGEST_DELAY_MS") != NULL)
    self->test_delay_ms = atoi (g_getenv ("FOYER_HUB_TEST_INGEST_DELAY_MS"));
  if (!load_tls (self, error))
    return NULL;
  self->soup = soup_server_new ("server-header", "foyer-hub/" PACKAGE_VERSION " ", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
    soup_server_add_handler (self->soup, routes[i].path, routes[i].handler, self, NULL);
    if (routes[i].early != NULL)
      soup_server_add_early_handler (self->soup, routes[i].path, routes[i].early, self, NULL);
  }
  self->workers = g_thread_pool_new (worker, self,
                                     foyer_hub_config_get_int (config, "hub", "workers"),
                                     TRUE, NULL);
  /* Threads that mostly wait: two group commits' worth of batches can wait at once, however
   * few workers parse. */
  self->writers = g_thread_pool_new (writer, self, WRITERS, FALSE, NULL);
  self->pull = foyer_hub_pull_new (storage, foyer_hub_config_get_int (config, "hub", "workers"),
                                   pull_authenticate, self);
  foyer_hub_pull_set_cache_bytes (self->pull, (gsize) foyer_hub_config_get_int (config, "hub",
                                                                                "pull-cache-mb")
                                              * 1024 * 1024);
  foyer_hub_pull_attach (self->pull, self->soup);
  return g_steal_pointer (&self);
}

static gboolean
purge_idempotency (gpointer data)
{
  FoyerHubServer *self = data;
  g_autofree char *before = idempotency_since_now ();
  g_autoptr(GError) error = NULL;

  if (!foyer_hub_storage_purge_idempotency (self->storage, before, &error))
    g_warning ("cannot purge old idempotency keys: %s", error->message);
  return G_SOURCE_CONTINUE;
}

gboolean
foyer_hub_server_start (FoyerHubServer *self, GError **error)
{
  const char *listen = foyer_hub_config_get_string (self->config, "hub", "listen");
  const char *public_url = foyer_hub_config_get_string (self->config, "hub", "public-url");
  g_autofree char *host = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) local = NULL;
  guint16 port = 0;

  if (!parse_listen (listen, &host, &port, error))
    return FALSE;
  if (self->certificate == NULL && !foyer_hub_host_is_loopback (host)
      && !foyer_hub_config_get_boolean (self->config, "hub", "allow-plain-http")) {
    g_set_error (error, FOYER_HUB_SERVER_ERROR, FOYER_HUB_SERVER_ERROR_CONFIG,
                 "refusing to serve plain http on %s: set [hub] certificate= and key= for "
                 "TLS, or allow-plain-http=true on a trusted network", host);
    return FALSE;
  }
  address = g_inet_socket_address_new_from_string (g_strcmp0 (host, "localhost") == 0
                                                   ? "127.0.0.1" : host, port);
  if (address == NULL) {
    g_set_error (error, FOYER_HUB_SERVER_ERROR, FOYER_HUB_SERVER_ERROR_CONFIG,
                 "[hub] listen=%s: the host must be an IP address", listen);
    return FALSE;
  }
  self->service = g_socket_service_new ();
  /* GIO's default backlog (10) resets connections when a hall of kiosks reconnects at once. */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), 1024);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, &local)) {
    g_set_error (error, FOYER_HUB_SERVER_ERROR, FOYER_HUB_SERVER_ERROR_LISTEN,
                 "cannot listen on %s: %s", listen, local->message);
    return FALSE;
  }
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming), self);
  g_socket_service_start (self->service);
  {
    g_autofree char *ip = g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (effective)));
    guint16 bound = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
    self->url = public_url != NULL ? g_strdup (public_url)
              : g_strdup_printf ("%s://%s%s%s:%u", self->certificate ? "https" : "http",
                                 strchr (ip, ':') ? "[" : "", ip, strchr (ip, ':') ? "]" : "",
                                 bound);
  }
  self->purge_source = g_timeout_add_seconds (3600, purge_idempotency, self);
  return TRUE;
}

const char *
foyer_hub_server_get_url (FoyerHubServer *self)
{
  return self->url;
}

void
foyer_hub_server_shutdown (FoyerHubServer *self, GCallback done, gpointer user_data)
{
  self->stopping = TRUE;
  self->stopped = done;
  self->stopped_data = user_data;
  if (self->service != NULL)
    g_socket_service_stop (self->service);
  foyer_hub_pull_shutdown (self->pull);
  if (g_atomic_int_get (&self->queued) == 0) {
    self->stopped = NULL;
    ((void (*) (gpointer)) done) (user_data);
  }
}

static void
foyer_hub_server_finalize (GObject *object)
{
  FoyerHubServer *self = FOYER_HUB_SERVER (object);

  if (self->workers != NULL)
    g_thread_pool_free (self->workers, FALSE, TRUE);
  if (self->writers != NULL)   /* after the workers, which hand batches to them */
    g_thread_pool_free (self->writers, FALSE, TRUE);
  if (self->purge_source != 0)
    g_source_remove (self->purge_source);
  if (self->service != NULL) {
    g_socket_service_stop (self->service);
    g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  }
  g_clear_object (&self->service);
  g_clear_object (&self->pull);
  g_clear_object (&self->soup);
  g_clear_object (&self->certificate);
  g_clear_object (&self->storage);
  g_clear_object (&self->config);
  g_hash_table_unref (self->touched);
  g_mutex_clear (&self->touch_lock);
  g_free (self->url);
  G_OBJECT_CLASS (foyer_hub_server_parent_class)->finalize (object);
}

static void
foyer_hub_server_class_init (FoyerHubServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_server_finalize;
}

static void
foyer_hub_server_init (FoyerHubServer *self)
{
  g_mutex_init (&self->touch_lock);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SoupServer *
foyer_hub_server_get_soup (FoyerHubServer *self)
{
  g_return_val_if_fail (FOYER_HUB_IS_SERVER (self), NULL);
  return self->soup;
}

gboolean
foyer_hub_server_is_tls (FoyerHubServer *self)
{
  g_return_val_if_fail (FOYER_HUB_IS_SERVER (self), FALSE);
  return self->certificate != NULL;
}
