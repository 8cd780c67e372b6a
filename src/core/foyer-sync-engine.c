/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-sync-engine.c: the sync thread: outbox → backend, with backoff, splitting and pausing.
 *
 * The worker sleeps on a GCond until a record is committed (foyer_sync_engine_wake), its backoff
 * or health timer expires, staff press retry, the configuration changes or the engine stops.
 * Delivery is at-least-once on the wire; record ids make it exactly-once at head office.
 */
#define G_LOG_DOMAIN "foyer-sync"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "foyer-store.h"
#include "foyer-store-checkins.h"
#include "foyer-sync-engine.h"
#include "foyer-sync-backends.h"
#include "foyer-thread.h"

/* At most this often does the worker count the outbox and post status while draining. */
#define STATUS_INTERVAL_US (200 * G_TIME_SPAN_MILLISECOND)
/* When records are pending but none can be taken (another process holds them in flight), look
 * again after this long rather than spin. */
#define NOT_DUE_RECHECK_US (1 * G_TIME_SPAN_SECOND)
/* Rows per pull page (one request): the protocol's largest, as fewer requests cost less;
 * foyer_store_apply_pull() commits a page in transactions of a few milliseconds each, so the
 * page's size does not make the UI's connection wait for the write lock. */
#define PULL_PAGE_ROWS 5000
/* How much nicer than the process the sync threads are (see lower_thread_priority). */
#define SYNC_THREAD_NICENESS 5
/* Longest long-poll; the protocol caps wait at 30 s. */
#define LONG_POLL_MAX_S 25

typedef enum {
  OUTCOME_OK,
  OUTCOME_BACKOFF,
  OUTCOME_PAUSED,
  OUTCOME_CANCELLED,
} Outcome;

/* Shared with status messages in flight to the main context, which may outlive the engine. */
typedef struct {
  gatomicrefcount refs;
  GWeakRef        engine;
} EngineRef;

struct _FoyerSyncEngine {
  GObject           parent_instance;

  /* set at construction */
  GMainContext     *main_context;
  char             *db_path;
  EngineRef        *ref;
  GCancellable     *cancellable;
  GThread          *thread;

  /* protected by mutex */
  GMutex            mutex;
  GCond             cond;
  gboolean          wake;
  gboolean          retry;
  gboolean          stopping;
  gboolean          have_new_backend;
  FoyerSyncBackend *new_backend;       /* NULL for backend=none */
  FoyerConfig      *new_config;
  guint64           seq;               /* of the last status posted */
  GCancellable     *poll_cancellable;  /* the long-poll in progress: wake, retry, a new
                                        * configuration and stop end it */

  /* owned by the worker thread while it runs */
  FoyerConfig      *config;
  FoyerSyncBackend *backend;
  FoyerStore       *store;
  struct _Sender   *sender;
  guint             configured_batch_size;
  guint             batch_size;
  guint             failures;          /* consecutive transient failures */
  gint64            backoff_until;     /* monotonic, 0 = none */
  gint64            next_health;       /* monotonic */
  gint64            last_status_post;  /* monotonic */
  gint64            backoff_min_ms;
  gint64            backoff_max_ms;
  gint64            health_interval_us;
  gint64            pull_interval_us;
  gint64            next_pull;         /* monotonic; 0 = due now */
  gboolean          leads_refused;     /* head office answered 403 to this booth's leads */
  guint64           posted_pulled;     /* work.pulled and pull_current when last posted idle */
  gboolean          posted_current;
  FoyerSyncStatus   work;

  /* main context */
  FoyerSyncStatus  *status;
  guint64           delivered_seq;
  gboolean          started;
};

G_DEFINE_FINAL_TYPE (FoyerSyncEngine, foyer_sync_engine, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (FoyerSyncStatus, foyer_sync_status, foyer_sync_status_copy,
                     foyer_sync_status_free)

enum {
  STATUS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- status ---- */

FoyerSyncStatus *
foyer_sync_status_copy (const FoyerSyncStatus *status)
{
  FoyerSyncStatus *copy = g_new (FoyerSyncStatus, 1);

  *copy = *status;
  copy->paused_message = g_strdup (status->paused_message);
  copy->last_error = g_strdup (status->last_error);
  copy->insecure_warning = g_strdup (status->insecure_warning);
  return copy;
}

static void
status_clear (FoyerSyncStatus *status)
{
  g_clear_pointer (&status->paused_message, g_free);
  g_clear_pointer (&status->last_error, g_free);
  g_clear_pointer (&status->insecure_warning, g_free);
}

void
foyer_sync_status_free (FoyerSyncStatus *status)
{
  if (status == NULL)
    return;
  status_clear (status);
  g_free (status);
}

const char *
foyer_sync_state_to_string (FoyerSyncState state)
{
  switch (state) {
  case FOYER_SYNC_STATE_DISABLED: return "disabled";
  case FOYER_SYNC_STATE_STARTING: return "starting";
  case FOYER_SYNC_STATE_IDLE: return "idle";
  case FOYER_SYNC_STATE_SENDING: return "sending";
  case FOYER_SYNC_STATE_BACKOFF: return "backoff";
  case FOYER_SYNC_STATE_PAUSED: return "paused";
  case FOYER_SYNC_STATE_STOPPED: return "stopped";
  default: return "unknown";
  }
}

static EngineRef *
engine_ref_ref (EngineRef *ref)
{
  g_atomic_ref_count_inc (&ref->refs);
  return ref;
}

static void
engine_ref_unref (EngineRef *ref)
{
  if (g_atomic_ref_count_dec (&ref->refs)) {
    g_weak_ref_clear (&ref->engine);
    g_free (ref);
  }
}

typedef struct {
  EngineRef       *ref;
  FoyerSyncStatus *status;
  guint64          seq;
} StatusMessage;

static void
status_message_free (gpointer data)
{
  StatusMessage *msg = data;

  engine_ref_unref (msg->ref);
  foyer_sync_status_free (msg->status);
  g_free (msg);
}

/* main context */
static void
deliver_status (FoyerSyncEngine *self,
                FoyerSyncStatus *status,
                guint64          seq)
{
  if (seq <= self->delivered_seq) {
    foyer_sync_status_free (status);
    return;   /* an older message overtaken by a newer one (stop) */
  }
  self->delivered_seq = seq;
  foyer_sync_status_free (self->status);
  self->status = status;
  g_signal_emit (self, signals[STATUS_CHANGED], 0, self->status);
}

static gboolean
deliver_status_cb (gpointer data)
{
  StatusMessage *msg = data;
  g_autoptr(FoyerSyncEngine) self = g_weak_ref_get (&msg->ref->engine);

  if (self != NULL)
    deliver_status (self, g_steal_pointer (&msg->status), msg->seq);
  return G_SOURCE_REMOVE;
}

/* worker: counts the outbox into self->work */
static void
refresh_counts (FoyerSyncEngine *self)
{
  FoyerOutboxCounts counts = { 0 };
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!foyer_store_outbox_counts (self->store, &counts, &error)) {
    g_debug ("cannot count the outbox: %s", error->message);
    return;
  }
  self->work.pending = counts.pending + counts.in_flight;
  self->work.dead = counts.dead;
  self->work.done = counts.done;
}

/* worker: hands a copy of the status to the main context; throttled unless forced */
static void
post_status (FoyerSyncEngine *self,
             gboolean         force)
{
  StatusMessage *msg;
  GSource *source;
  gint64 now = g_get_monotonic_time ();

  if (!force && now - self->last_status_post < STATUS_INTERVAL_US)
    return;
  self->last_status_post = now;
  refresh_counts (self);
  if (self->backend != NULL)
    self->work.requests = foyer_sync_backend_get_request_count (self->backend);

  msg = g_new0 (StatusMessage, 1);
  msg->ref = engine_ref_ref (self->ref);
  msg->status = foyer_sync_status_copy (&self->work);
  g_mutex_lock (&self->mutex);
  msg->seq = ++self->seq;
  g_mutex_unlock (&self->mutex);
  /* Always through a source attached to the owner's context, never g_main_context_invoke_full():
   * that runs the callback right here, on the sync thread, whenever it can acquire a context
   * nobody is iterating at that moment, and the callback touches widgets. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_status_cb, msg, status_message_free);
  g_source_set_static_name (source, "[foyer] sync status");
  g_source_attach (source, self->main_context);
  g_source_unref (source);
}

static void
set_state (FoyerSyncEngine *self,
           FoyerSyncState   state)
{
  gboolean changed = self->work.state != state;

  self->work.state = state;
  if (state != FOYER_SYNC_STATE_BACKOFF)
    self->work.next_attempt = 0;
  post_status (self, changed);
}

static void
set_last_error (FoyerSyncEngine *self,
                const char      *message)
{
  g_free (self->work.last_error);
  self->work.last_error = g_strdup (message);
}

static void
set_paused (FoyerSyncEngine *self,
            int              code,
            const char      *message)
{
  self->work.paused = message != NULL;
  self->work.paused_code = message != NULL ? code : 0;
  g_free (self->work.paused_message);
  self->work.paused_message = g_strdup (message);
  if (message != NULL)
    g_message ("sync paused: %s", message);
}

/* ---- backend ---- */

static void
use_backend (FoyerSyncEngine  *self,
             FoyerConfig      *config,
             FoyerSyncBackend *backend)
{
  g_set_object (&self->config, config);
  g_set_object (&self->backend, backend);
  self->configured_batch_size = MAX (1, foyer_config_get_int (config, "sync", "batch-size"));
  self->batch_size = self->configured_batch_size;
  self->backoff_min_ms = MAX (1, foyer_config_get_int (config, "sync", "backoff-min-ms"));
  self->backoff_max_ms = MAX (self->backoff_min_ms,
                              foyer_config_get_int (config, "sync", "backoff-max-ms"));
  self->health_interval_us = MAX (1, foyer_config_get_int (config, "sync", "health-interval")) *
                             G_TIME_SPAN_SECOND;
  self->pull_interval_us = MAX (1, foyer_config_get_int (config, "sync", "pull-interval")) *
                           G_TIME_SPAN_SECOND;
  self->next_pull = 0;
  self->leads_refused = FALSE;
  self->work.pull_current = FALSE;
  self->failures = 0;
  self->backoff_until = 0;
  self->next_health = 0;
  self->work.batch_size = self->batch_size;
  self->work.online = FALSE;
  g_free (self->work.insecure_warning);
  self->work.insecure_warning = backend != NULL ? foyer_sync_backend_dup_warning_text (backend)
                                                : NULL;
}

/* ---- outbox helpers (worker) ---- */

static const char *
record_id (JsonArray *records,
           guint      i)
{
  JsonNode *node = json_array_get_element (records, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  node = json_object_get_member (json_node_get_object (node), "id");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The ids of records (borrowed), NULL-terminated. */
static GPtrArray *
ids_of (JsonArray *records)
{
  guint n = json_array_get_length (records);
  GPtrArray *ids = g_ptr_array_sized_new (n + 1);

  for (guint i = 0; i < n; i++) {
    const char *id = record_id (records, i);
    if (id != NULL)
      g_ptr_array_add (ids, (gpointer)id);
  }
  g_ptr_array_add (ids, NULL);
  return ids;
}

static JsonArray *
slice (JsonArray *records,
       guint      from,
       guint      to)
{
  JsonArray *part = json_array_sized_new (to - from);

  for (guint i = from; i < to; i++)
    json_array_add_element (part, json_node_copy (json_array_get_element (records, i)));
  return part;
}

/* Replaces the queue with current + queue cut into batches of at most size records. */
static void
rechunk (GQueue    *queue,
         JsonArray *current,
         guint      size)
{
  g_autoptr(JsonArray) all = json_array_new ();
  JsonArray *part;
  guint n;

  for (guint i = 0; i < json_array_get_length (current); i++)
    json_array_add_element (all, json_node_copy (json_array_get_element (current, i)));
  while ((part = g_queue_pop_head (queue)) != NULL) {
    for (guint i = 0; i < json_array_get_length (part); i++)
      json_array_add_element (all, json_node_copy (json_array_get_element (part, i)));
    json_array_unref (part);
  }
  n = json_array_get_length (all);
  for (guint from = 0; from < n; from += size)
    g_queue_push_tail (queue, slice (all, from, MIN (from + size, n)));
}

static void
release_all (FoyerSyncEngine *self,
             JsonArray       *current,
             GQueue          *queue)
{
  g_autoptr(GError) error = NULL;

  if (current != NULL) {
    g_autoptr(GPtrArray) ids = ids_of (current);
    if (!foyer_store_outbox_release (self->store, (const char * const *)ids->pdata, &error)) {
      g_debug ("cannot release records: %s", error->message);
      g_clear_error (&error);
    }
  }
  for (GList *l = queue != NULL ? queue->head : NULL; l != NULL; l = l->next) {
    g_autoptr(GPtrArray) ids = ids_of (l->data);
    if (!foyer_store_outbox_release (self->store, (const char * const *)ids->pdata, &error)) {
      g_debug ("cannot release records: %s", error->message);
      g_clear_error (&error);
    }
  }
}

static void
retry_all (FoyerSyncEngine *self,
           JsonArray       *current,
           GQueue          *queue,
           const char      *message)
{
  g_autoptr(GError) error = NULL;
  /* Due at once: the engine's own backoff paces the next attempt; attempts and the error are
   * kept for `foyerctl outbox`. */
  gint64 due = g_get_real_time ();
  g_autoptr(GPtrArray) ids = current != NULL ? ids_of (current) : g_ptr_array_new ();

  if (current == NULL)
    g_ptr_array_add (ids, NULL);
  if (!foyer_store_outbox_mark_retry (self->store, (const char * const *)ids->pdata, due,
                                      message, &error)) {
    g_debug ("cannot mark records for retry: %s", error->message);
    g_clear_error (&error);
    release_all (self, current, queue);
    return;
  }
  release_all (self, NULL, queue);
}

static void
schedule_backoff (FoyerSyncEngine *self,
                  gint64           retry_after_ms)
{
  gint64 ceiling;
  gint64 delay;
  guint shift = MIN (self->failures, 30u);

  /* Exponential ceiling with full jitter between the floor and the ceiling. */
  ceiling = self->backoff_min_ms << shift;
  if (ceiling > self->backoff_max_ms || ceiling <= 0)
    ceiling = self->backoff_max_ms;
  delay = (gint64)g_random_double_range ((double)self->backoff_min_ms, (double)ceiling + 1);
  delay = MAX (delay, retry_after_ms);
  self->failures++;
  self->backoff_until = g_get_monotonic_time () + delay * G_TIME_SPAN_MILLISECOND;
  self->work.next_attempt = g_get_real_time () + delay * G_TIME_SPAN_MILLISECOND;
  g_debug ("backing off %" G_GINT64_FORMAT " ms (failure %u)", delay, self->failures);
}

/* Applies per-record results; records head office did not answer for go back to pending. */
static gboolean
apply_results (FoyerSyncEngine  *self,
               JsonArray        *records,
               GPtrArray        *results,
               GError          **error)
{
  g_autoptr(GHashTable) answered = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) done = g_ptr_array_new ();
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  guint n = json_array_get_length (records);

  for (guint i = 0; i < results->len; i++) {
    FoyerSyncItemResult *r = g_ptr_array_index (results, i);

    g_hash_table_add (answered, r->id);
    if (r->status == FOYER_SYNC_ITEM_REJECTED) {
      g_autofree char *reason = g_strdup_printf ("rejected by head office: %s",
                                                 r->reason != NULL ? r->reason : "no reason given");
      if (!foyer_store_outbox_mark_dead (self->store, r->id, reason, error))
        return FALSE;
      self->work.rejected++;
    } else {
      g_ptr_array_add (done, r->id);
    }
  }
  for (guint i = 0; i < n; i++) {
    const char *id = record_id (records, i);
    if (id != NULL && !g_hash_table_contains (answered, id))
      g_ptr_array_add (missing, (gpointer)id);
  }

  if (done->len > 0) {
    g_ptr_array_add (done, NULL);
    if (!foyer_store_outbox_mark_done (self->store, (const char * const *)done->pdata, error))
      return FALSE;
    self->work.sent += done->len - 1;
  }
  if (missing->len > 0) {
    g_debug ("%u records were not answered for; they stay pending", missing->len);
    g_ptr_array_add (missing, NULL);
    if (!foyer_store_outbox_release (self->store, (const char * const *)missing->pdata, error))
      return FALSE;
  }
  return TRUE;
}

/* One request, possibly performed on a short-lived thread while the worker reads the next
 * batch from the outbox (the backend is still used by one thread at a time). */
typedef struct _Sender Sender;

typedef struct {
  FoyerSyncBackend *backend;
  GCancellable     *cancellable;
  JsonArray        *records;
  char             *batch_id;
  gboolean          ok;
  GPtrArray        *results;
  gint64            retry_after_ms;
  GError           *error;
} SendJob;

static SendJob *
send_job_new (FoyerSyncEngine *self,
              JsonArray       *records)
{
  SendJob *job = g_new0 (SendJob, 1);

  job->backend = g_object_ref (self->backend);
  job->cancellable = g_object_ref (self->cancellable);
  job->records = json_array_ref (records);
  job->batch_id = g_uuid_string_random ();
  return job;
}

static void
send_job_free (SendJob *job)
{
  g_object_unref (job->backend);
  g_object_unref (job->cancellable);
  json_array_unref (job->records);
  g_free (job->batch_id);
  g_clear_pointer (&job->results, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SendJob, send_job_free)

static void
send_job_run (SendJob *job)
{
  job->ok = foyer_sync_backend_send_batch (job->backend, job->batch_id, job->records,
                                           &job->results, &job->retry_after_ms,
                                           job->cancellable, &job->error);
  /* A backend breaking its contract must not take the sync thread down with it. */
  if (job->ok && job->results == NULL)
    job->results = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_sync_item_result_free);
  if (!job->ok && job->error == NULL)
    g_set_error (&job->error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "the sync backend failed without saying why");
}

/* The sender: one thread for the worker's life (a thread per batch would leave malloc arenas
 * behind that grow with the queue). A NULL-records job stops it. */
struct _Sender {
  GAsyncQueue *jobs;
  GAsyncQueue *done;
  GThread     *thread;
};

static gpointer
sender_main (gpointer data)
{
  Sender *sender = data;

  for (;;) {
    SendJob *job = g_async_queue_pop (sender->jobs);

    if (job->records == NULL) {
      g_free (job);
      break;
    }
    send_job_run (job);
    g_async_queue_push (sender->done, job);
  }
  return NULL;
}

static Sender *
sender_new (void)
{
  Sender *sender = g_new0 (Sender, 1);

  sender->jobs = g_async_queue_new ();
  sender->done = g_async_queue_new ();
  sender->thread = g_thread_new ("foyer-sync-send", sender_main, sender);
  return sender;
}

static void
sender_free (Sender *sender)
{
  g_async_queue_push (sender->jobs, g_new0 (SendJob, 1));
  g_thread_join (sender->thread);
  g_async_queue_unref (sender->jobs);
  g_async_queue_unref (sender->done);
  g_free (sender);
}

/* The outbox could not be written: everything of this batch back to pending, back off. */
static Outcome
outbox_write_failed (FoyerSyncEngine *self,
                     JsonArray       *records,
                     GQueue          *queue,
                     const GError    *error)
{
  g_autofree char *message = g_strdup_printf ("cannot update the outbox: %s", error->message);

  release_all (self, records, queue);
  set_last_error (self, message);
  schedule_backoff (self, 0);
  return OUTCOME_BACKOFF;
}

static Outcome
handle_accepted_batch (FoyerSyncEngine *self,
                       JsonArray       *records,
                       SendJob         *job,
                       GQueue          *queue)
{
  self->work.online = TRUE;
  self->work.last_success = g_get_real_time ();
  self->failures = 0;
  set_last_error (self, NULL);
  if (!apply_results (self, records, job->results, &job->error))
    return outbox_write_failed (self, records, queue, job->error);
  post_status (self, FALSE);
  return OUTCOME_OK;
}

/* Head office refused the batch (400/422) or found it too large (413): halve the batch size,
 * bisect to find the bad record, or dead-letter a record refused on its own. */
static Outcome
handle_refused_batch (FoyerSyncEngine *self,
                      JsonArray       *records,
                      const GError    *error,
                      GQueue          *queue)
{
  guint n = json_array_get_length (records);
  const char *id;
  g_autoptr(GError) store_error = NULL;

  self->work.online = TRUE;
  if (error->code == FOYER_SYNC_ERROR_TOO_LARGE && n > 1) {
    self->batch_size = MAX (1u, MIN (self->batch_size, n / 2));
    self->work.batch_size = self->batch_size;
    g_debug ("head office refused %u records as too large: batch size now %u", n,
             self->batch_size);
    /* Everything still to send goes out in batches of the new size. */
    rechunk (queue, records, self->batch_size);
    return OUTCOME_OK;
  }
  if (n > 1) {
    /* Bisect: the first half goes first, so the outbox order holds as far as it can. */
    g_queue_push_head (queue, slice (records, n / 2, n));
    g_queue_push_head (queue, slice (records, 0, n / 2));
    return OUTCOME_OK;
  }

  /* A single record head office refuses is never retried: dead letter. */
  id = record_id (records, 0);
  if (id != NULL && !foyer_store_outbox_mark_dead (self->store, id, error->message, &store_error))
    return outbox_write_failed (self, records, queue, store_error);
  self->work.rejected++;
  set_last_error (self, error->message);
  return OUTCOME_OK;
}

/* Credentials or configuration (the kiosk's or head office's): nothing to retry until staff
 * act, and every record stays pending. */
static Outcome
pause_for (FoyerSyncEngine *self,
           JsonArray       *records,
           const GError    *error,
           GQueue          *queue)
{
  release_all (self, records, queue);
  self->work.online = error->code == FOYER_SYNC_ERROR_AUTH;
  set_last_error (self, error->message);
  set_paused (self, error->code, error->message);
  return OUTCOME_PAUSED;
}

/* Maps one failed request onto what happens to its records. */
static Outcome
handle_failed_batch (FoyerSyncEngine *self,
                     JsonArray       *records,
                     SendJob         *job,
                     GQueue          *queue)
{
  const GError *error = job->error;

  g_debug ("batch %s of %u records failed: %s", job->batch_id,
           json_array_get_length (records), error->message);

  if (error->domain == FOYER_SYNC_ERROR) {
    switch ((FoyerSyncError)error->code) {
    case FOYER_SYNC_ERROR_CANCELLED:
      release_all (self, records, queue);
      return OUTCOME_CANCELLED;
    case FOYER_SYNC_ERROR_BAD_BATCH:
    case FOYER_SYNC_ERROR_TOO_LARGE:
      return handle_refused_batch (self, records, error, queue);
    case FOYER_SYNC_ERROR_AUTH:
    case FOYER_SYNC_ERROR_CONFIG:
      return pause_for (self, records, error, queue);
    case FOYER_SYNC_ERROR_TRANSIENT:
    default:
      break;
    }
  }

  /* Transient (or an error a backend did not classify): back off and retry. */
  retry_all (self, records, queue, error->message);
  self->work.online = FALSE;
  set_last_error (self, error->message);
  schedule_backoff (self, job->retry_after_ms);
  return OUTCOME_BACKOFF;
}

/* Sends one batch taken from the outbox, splitting it on 400/422/413. Every record of the batch
 * leaves in_flight before this returns. first, when given, is the batch's first request already
 * performed (pipelined). */
static Outcome
process_batch (FoyerSyncEngine *self,
               JsonArray       *batch,
               SendJob         *first)
{
  GQueue *queue = g_queue_new ();
  Outcome outcome = OUTCOME_OK;

  g_queue_push_head (queue, json_array_ref (batch));

  while (outcome == OUTCOME_OK && !g_queue_is_empty (queue)) {
    g_autoptr(JsonArray) records = g_queue_pop_head (queue);
    g_autoptr(SendJob) job = NULL;

    if (first != NULL) {
      job = g_steal_pointer (&first);
    } else {
      job = send_job_new (self, records);
      send_job_run (job);
    }

    if (job->ok)
      outcome = handle_accepted_batch (self, records, job, queue);
    else
      outcome = handle_failed_batch (self, records, job, queue);
  }

  /* after a failure, the rest was released or marked for retry with it */
  g_queue_free_full (queue, (GDestroyNotify)json_array_unref);
  return outcome;
}

static JsonArray *
take_batch (FoyerSyncEngine  *self,
            GError          **error)
{
  JsonArray *batch = foyer_store_outbox_take (self->store, self->batch_size, error);

  if (batch == NULL) {
    g_autofree char *message = g_strdup_printf ("cannot read the outbox: %s",
                                                (*error)->message);
    set_last_error (self, message);
    schedule_backoff (self, 0);
  }
  return batch;
}

/* Sends batches until the outbox has nothing due or something stops it. While one batch is on
 * the wire the next is read from the database, so SQLite and the network overlap. */
static Outcome
drain (FoyerSyncEngine *self,
       gboolean        *took_nothing)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) batch = NULL;

  *took_nothing = TRUE;
  if ((batch = take_batch (self, &error)) == NULL)
    return OUTCOME_BACKOFF;

  while (json_array_get_length (batch) > 0) {
    g_autoptr(JsonArray) next = NULL;
    g_autoptr(GError) next_error = NULL;
    SendJob *job;
    Outcome outcome;

    if (g_cancellable_is_cancelled (self->cancellable)) {
      release_all (self, batch, NULL);
      return OUTCOME_CANCELLED;
    }
    *took_nothing = FALSE;
    if (self->work.state != FOYER_SYNC_STATE_SENDING)
      set_state (self, FOYER_SYNC_STATE_SENDING);

    job = send_job_new (self, batch);
    g_async_queue_push (self->sender->jobs, job);
    next = foyer_store_outbox_take (self->store, self->batch_size, &next_error);
    job = g_async_queue_pop (self->sender->done);

    outcome = process_batch (self, batch, job);
    if (outcome != OUTCOME_OK) {
      /* Taken ahead of a failure: back to pending, not counted as an attempt. */
      if (next != NULL)
        release_all (self, next, NULL);
      return outcome;
    }
    post_status (self, FALSE);

    if (next == NULL) {
      g_autofree char *message = g_strdup_printf ("cannot read the outbox: %s",
                                                  next_error->message);
      set_last_error (self, message);
      schedule_backoff (self, 0);
      return OUTCOME_BACKOFF;
    }
    g_clear_pointer (&batch, json_array_unref);
    batch = g_steal_pointer (&next);
  }
  return OUTCOME_OK;
}

static void
check_health (FoyerSyncEngine *self)
{
  g_autoptr(GError) error = NULL;
  gboolean online;

  online = foyer_sync_backend_check_health (self->backend, self->cancellable, &error);
  if (error != NULL && error->code == FOYER_SYNC_ERROR_CANCELLED)
    return;
  /* A 401 on the health check still means head office is reachable. */
  if (!online && g_error_matches (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_AUTH))
    online = TRUE;
  if (!online)
    g_debug ("health check failed: %s", error->message);
  if (online != self->work.online) {
    self->work.online = online;
    post_status (self, TRUE);
  }
}

/* ---- pulls (two-way sync) ---- */

/* The feeds this kiosk pulls from this head office, in order. */
static guint
pull_feeds (FoyerSyncEngine *self,
            const char     **feeds)
{
  guint n = 0;

  if (self->backend == NULL)
    return 0;
  if (foyer_sync_backend_has_feature (self->backend, FOYER_PULL_REGISTRATIONS))
    feeds[n++] = FOYER_PULL_REGISTRATIONS;
  if (foyer_sync_backend_has_feature (self->backend, FOYER_PULL_CHECK_INS))
    feeds[n++] = FOYER_PULL_CHECK_INS;
  if (foyer_sync_backend_has_feature (self->backend, FOYER_PULL_LEADS) && !self->leads_refused &&
      g_strcmp0 (foyer_config_get_string (self->config, "kiosk", "mode"), "booth") == 0 &&
      foyer_config_get_string (self->config, "kiosk", "booth") != NULL)
    feeds[n++] = FOYER_PULL_LEADS;
  return n;
}

/* Writes one page into the store (rows and cursor in one transaction). */
static gboolean
apply_page (FoyerSyncEngine  *self,
            const char       *feed,
            JsonObject       *page,
            gboolean         *more,
            GError          **error)
{
  JsonObject *inside = NULL;
  guint applied = 0;

  if (json_object_has_member (page, "inside") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (page, "inside")))
    inside = json_object_get_object_member (page, "inside");
  if (!foyer_store_apply_pull (self->store, feed,
                               foyer_config_get_string (self->config, "kiosk", "event"),
                               foyer_config_get_string (self->config, "kiosk", "booth"),
                               json_object_get_array_member (page, "rows"),
                               json_object_get_string_member (page, "cursor"), inside,
                               &applied, error))
    return FALSE;
  self->work.pulled += applied;
  if (inside != NULL)
    self->work.inside = json_object_get_int_member_with_default (inside, "event", -1);
  *more = json_object_get_boolean_member_with_default (page, "more", FALSE);
  return TRUE;
}

/* A pull failed: like an upload failure, minus the records (a pull never touches them). */
static Outcome
handle_failed_pull (FoyerSyncEngine *self,
                    const char      *feed,
                    const GError    *error,
                    gint64           retry_after_ms)
{
  g_debug ("pull %s failed: %s", feed, error->message);
  if (error->domain == FOYER_SYNC_ERROR) {
    switch ((FoyerSyncError)error->code) {
    case FOYER_SYNC_ERROR_CANCELLED:
      return OUTCOME_CANCELLED;
    case FOYER_SYNC_ERROR_AUTH:
    case FOYER_SYNC_ERROR_CONFIG:
      self->work.online = error->code == FOYER_SYNC_ERROR_AUTH;
      set_last_error (self, error->message);
      set_paused (self, error->code, error->message);
      return OUTCOME_PAUSED;
    case FOYER_SYNC_ERROR_BAD_BATCH:
      if (g_str_equal (feed, FOYER_PULL_LEADS)) {
        /* Not a booth head office knows (403): the kiosk stops asking, and is current. */
        g_message ("head office does not send this booth's leads: %s", error->message);
        self->leads_refused = TRUE;
        return OUTCOME_OK;
      }
      break;
    default:
      break;
    }
  }
  self->work.online = FALSE;
  set_last_error (self, error->message);
  schedule_backoff (self, retry_after_ms);
  return OUTCOME_BACKOFF;
}

/* One page requested in a thread of its own while the engine's thread writes the previous one
 * into the store: the request (head office building the page, the transfer, inflating and
 * parsing it) and the store's writes then overlap instead of adding up (bench-pull: a first pull
 * of 200,000 rows spent about half its time on each). Only the engine's thread touches the
 * store; the backend is used by one thread at a time (the engine's thread waits for the fetch
 * before its next request). */
typedef struct {
  FoyerSyncBackend *backend;
  char             *feed;
  char             *cursor;
  guint             wait_s;
  GCancellable     *cancellable;
  JsonObject       *page;
  gint64            retry_after_ms;
  GError           *error;
  GThread          *thread;
} PageFetch;

static gpointer
page_fetch_run (gpointer data)
{
  PageFetch *fetch = data;

  if (!foyer_sync_backend_pull (fetch->backend, fetch->feed, fetch->cursor, PULL_PAGE_ROWS,
                                fetch->wait_s, &fetch->page, &fetch->retry_after_ms,
                                fetch->cancellable, &fetch->error))
    g_clear_pointer (&fetch->page, json_object_unref);
  return NULL;
}

/* A page fetched in a thread of its own runs at idle priority: it holds no lock, and what it
 * does (the transfer, inflating and parsing the page) can wait while the writing thread and,
 * above all, the UI have work. Parsing a page of 5,000 rows is several milliseconds of a core
 * with no point to give way at; at nice 15 the kiosk's UI thread, waking during it, still
 * waited for a core (bench-ui, during a pull: p95 5.6 ms instead of 2.3 idle). */
static gpointer
page_fetch_thread (gpointer data)
{
  foyer_thread_idle_priority ("a page fetch");
  return page_fetch_run (data);
}

static PageFetch *
page_fetch_new (FoyerSyncEngine *self,
                const char      *feed,
                const char      *cursor,
                guint            wait_s,
                GCancellable    *cancellable)
{
  PageFetch *fetch = g_new0 (PageFetch, 1);

  fetch->backend = g_object_ref (self->backend);
  fetch->feed = g_strdup (feed);
  fetch->cursor = g_strdup (cursor);
  fetch->wait_s = wait_s;
  fetch->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  return fetch;
}

/* Waits for the page (if it was started in a thread) and gives it up. */
static void
page_fetch_free (PageFetch *fetch)
{
  if (fetch->thread != NULL)
    g_thread_join (fetch->thread);
  g_object_unref (fetch->backend);
  g_free (fetch->feed);
  g_free (fetch->cursor);
  g_clear_object (&fetch->cancellable);
  g_clear_pointer (&fetch->page, json_object_unref);
  g_clear_error (&fetch->error);
  g_free (fetch);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PageFetch, page_fetch_free)

/* The fetch's page, after it ended: NULL with fetch->error set when it failed. */
static JsonObject *
page_fetch_finish (PageFetch *fetch)
{
  if (fetch->thread != NULL)
    g_thread_join (g_steal_pointer (&fetch->thread));
  else
    page_fetch_run (fetch);
  return g_steal_pointer (&fetch->page);
}

/* Pulls feed from its stored cursor; wait_s > 0 long-polls the first page. While a page is
 * written, the next one (asked for with that page's cursor) is already being fetched; the
 * stored cursor still moves only with a page's rows. */
static Outcome
pull_feed (FoyerSyncEngine *self,
           const char      *feed,
           guint            wait_s,
           GCancellable    *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = foyer_store_get_pull_cursor (self->store, feed, &error);
  g_autoptr(PageFetch) fetch = NULL;
  gboolean more = TRUE;

  if (error != NULL) {
    g_autofree char *message = g_strdup_printf ("cannot read the pull cursor: %s",
                                                error->message);
    set_last_error (self, message);
    schedule_backoff (self, 0);
    return OUTCOME_BACKOFF;
  }
  fetch = page_fetch_new (self, feed, cursor, wait_s, cancellable);
  while (more) {
    g_autoptr(JsonObject) page = page_fetch_finish (fetch);
    g_autoptr(PageFetch) next = NULL;

    if (page == NULL)
      return handle_failed_pull (self, feed, fetch->error, fetch->retry_after_ms);
    more = json_object_get_boolean_member_with_default (page, "more", FALSE);
    if (more) {
      next = page_fetch_new (self, feed, json_object_get_string_member (page, "cursor"), 0,
                             cancellable);
      next->thread = g_thread_new ("foyer-pull-fetch", page_fetch_thread, next);
    }
    if (!apply_page (self, feed, page, &more, &error)) {
      g_autofree char *message = g_strdup_printf ("cannot store what head office sent: %s",
                                                  error->message);
      set_last_error (self, message);
      schedule_backoff (self, 0);
      return OUTCOME_BACKOFF;   /* next (if any) is waited for and dropped */
    }
    self->work.online = TRUE;
    post_status (self, FALSE);
    g_clear_pointer (&fetch, page_fetch_free);
    fetch = g_steal_pointer (&next);
  }
  return OUTCOME_OK;
}

/* Every feed up to head office's current cursor: after this the kiosk is current. */
static Outcome
pull_all (FoyerSyncEngine *self)
{
  const char *feeds[3];
  guint n = pull_feeds (self, feeds);

  self->work.pull_supported = n > 0;
  for (guint i = 0; i < n; i++) {
    Outcome outcome = pull_feed (self, feeds[i], 0, self->cancellable);

    if (outcome != OUTCOME_OK)
      return outcome;
  }
  if (n > 0) {
    self->work.pull_current = TRUE;
    self->work.last_pull = g_get_real_time ();
    self->failures = 0;
  }
  self->next_pull = g_get_monotonic_time () + self->pull_interval_us;
  return OUTCOME_OK;
}

/* Ends a long-poll in progress (wake, retry, new configuration, stop). Under self->mutex. */
static void
cancel_poll_locked (FoyerSyncEngine *self)
{
  if (self->poll_cancellable != NULL)
    g_cancellable_cancel (self->poll_cancellable);
}

/* Waits for the other gates' check-ins by long-poll until deadline, unless something else is
 * to be done first. OUTCOME_CANCELLED only when the engine stops. */
static Outcome
long_poll (FoyerSyncEngine *self,
           gint64           deadline)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 wait_us = deadline - g_get_monotonic_time ();
  guint wait_s = (guint)CLAMP (wait_us / G_TIME_SPAN_SECOND, 1, LONG_POLL_MAX_S);
  gboolean skip;
  Outcome outcome;

  g_mutex_lock (&self->mutex);
  skip = self->stopping || self->wake || self->retry || self->have_new_backend;
  if (!skip)
    self->poll_cancellable = g_object_ref (cancellable);
  g_mutex_unlock (&self->mutex);
  if (skip)
    return OUTCOME_OK;

  self->work.long_poll = TRUE;
  outcome = pull_feed (self, FOYER_PULL_CHECK_INS, wait_s, cancellable);
  self->work.long_poll = FALSE;

  g_mutex_lock (&self->mutex);
  g_clear_object (&self->poll_cancellable);
  g_mutex_unlock (&self->mutex);
  if (outcome == OUTCOME_CANCELLED && !g_cancellable_is_cancelled (self->cancellable))
    return OUTCOME_OK;   /* woken: upload first, then pull again */
  return outcome;
}

/* Whether to long-poll rather than sleep until the next pull. */
static gboolean
can_long_poll (FoyerSyncEngine *self)
{
  return self->backend != NULL && self->work.pull_supported &&
         foyer_sync_backend_has_feature (self->backend, "long-poll") &&
         foyer_sync_backend_has_feature (self->backend, FOYER_PULL_CHECK_INS);
}

static void
open_store (FoyerSyncEngine *self)
{
  g_autoptr(GError) error = NULL;

  self->store = foyer_store_open (self->db_path, &error);
  if (self->store == NULL) {
    g_autofree char *message = g_strdup_printf ("cannot open the database: %s", error->message);
    set_last_error (self, message);
    /* Another program holds the file (a backup, foyerctl): it lets go by itself, so try again
     * with backoff rather than wait for staff. Anything else needs a person. */
    if (g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_LOCKED))
      schedule_backoff (self, 0);
    else
      set_paused (self, FOYER_SYNC_ERROR_CONFIG, message);
    return;
  }
  /* foyer_store_open() gives back records a crashed process left in flight. */
  self->work.inside = foyer_store_get_inside (self->store, NULL, NULL);
}

/* Sleeps until deadline (monotonic; -1 = no timeout) or an event. Returns FALSE when stopping. */
static gboolean
wait_for_event (FoyerSyncEngine *self,
                gint64           deadline)
{
  FoyerSyncBackend *new_backend = NULL;
  FoyerConfig *new_config = NULL;
  gboolean have_new_backend = FALSE;
  gboolean retry = FALSE;
  gboolean running;

  g_mutex_lock (&self->mutex);
  while (!self->stopping && !self->wake && !self->retry && !self->have_new_backend) {
    if (deadline < 0)
      g_cond_wait (&self->cond, &self->mutex);
    else if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  }
  self->wake = FALSE;
  retry = self->retry;
  self->retry = FALSE;
  if (self->have_new_backend) {
    have_new_backend = TRUE;
    new_backend = g_steal_pointer (&self->new_backend);
    new_config = g_steal_pointer (&self->new_config);
    self->have_new_backend = FALSE;
  }
  running = !self->stopping;
  g_mutex_unlock (&self->mutex);

  if (have_new_backend) {
    use_backend (self, new_config, new_backend);
    g_clear_object (&new_backend);
    g_clear_object (&new_config);
    retry = TRUE;
  }
  if (retry) {
    set_paused (self, 0, NULL);
    self->failures = 0;
    self->backoff_until = 0;
    self->batch_size = self->configured_batch_size;
    self->work.batch_size = self->batch_size;
    self->next_health = 0;
  }
  return running;
}

/* The sync thread (and the page fetches it starts, which inherit it) yields the CPU to the UI:
 * a first pull keeps both cores of a kiosk busy for seconds (parsing one page while writing
 * another), and at the process's priority the kiosk's main thread waited for a core (bench-ui:
 * badge → welcome p95 during a pull 76-117 ms with the fetch overlapping the writes, 33-53 ms
 * without, on a loaded 2-core machine). Linux keeps a nice value per thread; a failure leaves
 * the priority as it was.
 *
 * Not SCHED_IDLE, measured on the shared 2-core machine (bench-ui, bench-pull): the sync
 * thread holds SQLite's write lock while it writes, and an idle-class thread preempted inside a
 * transaction kept the UI's check-in waiting as long as anything else wanted the cores (lock
 * held up to 307 ms, the pull 17.5 s instead of 6-8 s); the page fetches hold no lock, but at
 * idle class they starve whenever other processes are busy (first pull 13-17 s instead of
 * 6.5-8.4 s). An unprivileged thread cannot be raised back for the length of a transaction. */
static void
lower_thread_priority (void)
{
  foyer_thread_lower_priority (SYNC_THREAD_NICENESS, "a sync thread");
}

/* Paused: records keep arriving, and staff see how many wait, not the count at the moment of the
 * pause (the throttled post may have skipped it). */
static void
show_paused (FoyerSyncEngine *self)
{
  gint64 pending = self->work.pending;

  set_state (self, FOYER_SYNC_STATE_PAUSED);
  refresh_counts (self);
  if (self->work.pending != pending)
    post_status (self, TRUE);
}

static gpointer
worker_main (gpointer data)
{
  FoyerSyncEngine *self = data;

  set_state (self, FOYER_SYNC_STATE_STARTING);
  lower_thread_priority ();
  self->sender = sender_new ();
  open_store (self);

  for (;;) {
    gint64 now = g_get_monotonic_time ();
    gint64 deadline = -1;

    if (g_cancellable_is_cancelled (self->cancellable))
      break;

    if (self->store == NULL && !self->work.paused && now >= self->backoff_until)
      open_store (self);   /* a file another program holds: it backs off, else it pauses */

    if (self->work.paused) {
      show_paused (self);
    } else if (self->store == NULL) {
      set_state (self, FOYER_SYNC_STATE_BACKOFF);   /* the database is locked: again later */
      deadline = self->backoff_until;
    } else if (self->backend == NULL) {
      set_state (self, FOYER_SYNC_STATE_DISABLED);
    } else if (now < self->backoff_until) {
      set_state (self, FOYER_SYNC_STATE_BACKOFF);
      deadline = self->backoff_until;
    } else {
      gboolean took_nothing = TRUE;
      Outcome outcome = drain (self, &took_nothing);

      if (outcome == OUTCOME_CANCELLED)
        break;
      if (outcome != OUTCOME_OK)
        continue;   /* the next round shows BACKOFF or PAUSED */

      now = g_get_monotonic_time ();
      if (now >= self->next_health) {
        check_health (self);
        self->next_health = g_get_monotonic_time () + self->health_interval_us;
      }
      /* Uploads first, then pulls: after every upload and every pull-interval. */
      if (!took_nothing)
        self->work.pull_current = FALSE;
      if (!took_nothing || !self->work.pull_current || g_get_monotonic_time () >= self->next_pull) {
        outcome = pull_all (self);
        if (outcome == OUTCOME_CANCELLED)
          break;
        if (outcome != OUTCOME_OK)
          continue;
      }
      deadline = self->next_health;
      if (self->work.pull_supported)
        deadline = MIN (deadline, self->next_pull);
      {
        g_autoptr(GError) error = NULL;
        gint64 due = foyer_store_outbox_next_due (self->store, &error);

        /* Pending records not due yet (or held by another process): come back for them. */
        if (due >= 0) {
          gint64 wait_us = MAX (due - g_get_real_time (), NOT_DUE_RECHECK_US);
          deadline = MIN (deadline, g_get_monotonic_time () + wait_us);
        }
      }
      set_state (self, FOYER_SYNC_STATE_IDLE);
      if (self->posted_pulled != self->work.pulled ||
          self->posted_current != self->work.pull_current) {
        /* New rows or a new "current": the UI and foyerctl sync must hear of it now. */
        self->posted_pulled = self->work.pulled;
        self->posted_current = self->work.pull_current;
        post_status (self, TRUE);
      }
      if (can_long_poll (self)) {
        guint64 pulled = self->work.pulled;
        gint64 started = g_get_monotonic_time ();

        if (long_poll (self, deadline) == OUTCOME_CANCELLED)
          break;
        /* Rows, a wake or a full wait: take stock at once. An empty answer long before the
         * wait was up (a server that does not hold requests) waits for the deadline. */
        if (self->work.pulled != pulled || g_get_monotonic_time () - started >= G_TIME_SPAN_SECOND / 2 ||
            g_get_monotonic_time () >= deadline)
          deadline = 0;
      }
    }

    if (!wait_for_event (self, deadline))
      break;
  }

  g_clear_pointer (&self->sender, sender_free);
  g_clear_object (&self->store);
  return NULL;
}

/* ---- public ---- */

static void
foyer_sync_engine_dispose (GObject *object)
{
  FoyerSyncEngine *self = (FoyerSyncEngine *)object;

  foyer_sync_engine_stop (self);

  G_OBJECT_CLASS (foyer_sync_engine_parent_class)->dispose (object);
}

static void
foyer_sync_engine_finalize (GObject *object)
{
  FoyerSyncEngine *self = (FoyerSyncEngine *)object;

  g_clear_object (&self->new_backend);
  g_clear_object (&self->new_config);
  g_clear_object (&self->backend);
  g_clear_object (&self->config);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->ref, engine_ref_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->status, foyer_sync_status_free);
  g_free (self->db_path);
  status_clear (&self->work);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (foyer_sync_engine_parent_class)->finalize (object);
}

static void
foyer_sync_engine_class_init (FoyerSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = foyer_sync_engine_dispose;
  object_class->finalize = foyer_sync_engine_finalize;

  /**
   * FoyerSyncEngine::status-changed:
   * @status: (type FoyerSyncStatus): the new status, owned by the engine
   *
   * Emitted in the main context the engine was created in.
   */
  signals[STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, FOYER_TYPE_SYNC_STATUS | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
foyer_sync_engine_init (FoyerSyncEngine *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->cancellable = g_cancellable_new ();
  self->ref = g_new0 (EngineRef, 1);
  g_atomic_ref_count_init (&self->ref->refs);
  g_weak_ref_init (&self->ref->engine, self);
  self->status = g_new0 (FoyerSyncStatus, 1);
  self->status->state = FOYER_SYNC_STATE_STARTING;
  self->work.state = FOYER_SYNC_STATE_STARTING;
  self->work.inside = -1;
  self->status->inside = -1;
}

FoyerSyncEngine *
foyer_sync_engine_new (FoyerConfig  *config,
                       const char   *database_path,
                       GError      **error)
{
  g_autoptr(FoyerSyncEngine) self = NULL;
  g_autoptr(FoyerSyncBackend) backend = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  backend = foyer_sync_backend_new_for_config (config, &local);
  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return NULL;
  }

  self = g_object_new (FOYER_TYPE_SYNC_ENGINE, NULL);
  self->main_context = g_main_context_ref_thread_default ();
  self->db_path = database_path != NULL
                  ? g_strdup (database_path)
                  : foyer_config_get_path_value (config, "storage", "database");
  use_backend (self, config, backend);
  self->status->insecure_warning = g_strdup (self->work.insecure_warning);
  self->status->batch_size = self->work.batch_size;
  if (backend == NULL)
    self->status->state = FOYER_SYNC_STATE_DISABLED;
  return g_steal_pointer (&self);
}

void
foyer_sync_engine_start (FoyerSyncEngine *self)
{
  g_return_if_fail (FOYER_IS_SYNC_ENGINE (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->thread = g_thread_new ("foyer-sync", worker_main, self);
}

void
foyer_sync_engine_stop (FoyerSyncEngine *self)
{
  FoyerSyncStatus *status;
  guint64 seq;

  g_return_if_fail (FOYER_IS_SYNC_ENGINE (self));

  if (self->thread == NULL)
    return;

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  cancel_poll_locked (self);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_cancellable_cancel (self->cancellable);
  g_thread_join (g_steal_pointer (&self->thread));

  /* The worker is gone: its last counts plus STOPPED, newer than anything still queued. */
  self->work.state = FOYER_SYNC_STATE_STOPPED;
  self->work.next_attempt = 0;
  status = foyer_sync_status_copy (&self->work);
  g_mutex_lock (&self->mutex);
  seq = ++self->seq;
  g_mutex_unlock (&self->mutex);
  deliver_status (self, status, seq);
}

void
foyer_sync_engine_wake (FoyerSyncEngine *self)
{
  g_return_if_fail (FOYER_IS_SYNC_ENGINE (self));

  g_mutex_lock (&self->mutex);
  self->wake = TRUE;
  cancel_poll_locked (self);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
foyer_sync_engine_retry (FoyerSyncEngine *self)
{
  g_return_if_fail (FOYER_IS_SYNC_ENGINE (self));

  g_mutex_lock (&self->mutex);
  self->retry = TRUE;
  cancel_poll_locked (self);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
}

gboolean
foyer_sync_engine_set_config (FoyerSyncEngine  *self,
                              FoyerConfig      *config,
                              GError          **error)
{
  g_autoptr(FoyerSyncBackend) backend = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FOYER_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (FOYER_IS_CONFIG (config), FALSE);

  backend = foyer_sync_backend_new_for_config (config, &local);
  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }

  if (self->thread == NULL) {
    use_backend (self, config, backend);
    return TRUE;
  }

  g_mutex_lock (&self->mutex);
  g_clear_object (&self->new_backend);
  g_clear_object (&self->new_config);
  self->new_backend = g_steal_pointer (&backend);
  self->new_config = g_object_ref (config);
  self->have_new_backend = TRUE;
  cancel_poll_locked (self);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

const FoyerSyncStatus *
foyer_sync_engine_get_status (FoyerSyncEngine *self)
{
  g_return_val_if_fail (FOYER_IS_SYNC_ENGINE (self), NULL);
  return self->status;
}
