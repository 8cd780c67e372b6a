/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-sqlite.c: FoyerHubStorage on one SQLite file.
 *
 * A small pool of connections (WAL lets readers run beside the writer); write transactions are
 * serialised by a mutex instead of SQLite's busy loop. Every statement is in sql[] below, with
 * bound parameters; migrations are numbered in migrations[].
 *
 * Ingest, the hot path, has a connection of its own (its page cache stays warm with the
 * records' indexes) and does not checkpoint: SQLite's automatic checkpoint would run inside the
 * COMMIT of whichever batch fills the WAL, under the write lock, stalling every other batch.
 * A checkpoint thread does it instead (PASSIVE: it never blocks writers) once the WAL holds
 * CHECKPOINT_PAGES pages.
 */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "foyer-hub-sqlite.h"
#include "foyer-hub-batch.h"
#include "foyer-record.h"

/* ---- all SQL of this implementation ---- */

/* The live counters (issue 17) of the records selected by where, added in one statement: what
 * each record counts for is named once in the materialised r (bodies parsed once per row), then
 * the keys are grouped, so a batch costs one upsert per distinct key. */
#define COUNT_RECORDS(where) \
  "WITH r AS MATERIALIZED (SELECT event, type, category, device, booth," \
  "  coalesce(substr(created_at, 1, 13), '') AS hour," \
  "  CASE WHEN type <> 'lead' THEN coalesce(json_extract(body, '$.area'), '') END AS area," \
  "  CASE WHEN type = 'lead' THEN coalesce(json_extract(body, '$.rating'), '') END AS rating," \
  "  type = 'lead' AND json_extract(body, '$.follow_up') = 1 AS follow_up," \
  "  type = 'registration' OR (type = 'check_in'" \
  "   AND coalesce(json_extract(body, '$.direction'), 'entry') <> 'exit') AS arrival" \
  "  FROM records WHERE " where ")" \
  " INSERT INTO event_counters (event, dimension, key, count)" \
  " SELECT event, dimension, key, count(*) FROM (" \
  "  SELECT event, 'type' AS dimension, type AS key FROM r" \
  "  UNION ALL SELECT event, 'flow', CASE WHEN arrival THEN 'in' ELSE 'out' END FROM r" \
  "   WHERE type IN ('registration', 'check_in')" \
  "  UNION ALL SELECT event, 'category', category FROM r WHERE arrival AND category IS NOT NULL" \
  "  UNION ALL SELECT event, 'hour', hour FROM r WHERE arrival" \
  "  UNION ALL SELECT event, 'gate', coalesce(device, '') || char(31) || area FROM r" \
  "   WHERE arrival" \
  "  UNION ALL SELECT event, 'lead', coalesce(booth, '') || char(31) || rating FROM r" \
  "   WHERE type = 'lead'" \
  "  UNION ALL SELECT event, 'lead_follow', coalesce(booth, '') FROM r" \
  "   WHERE type = 'lead' AND follow_up)" \
  " WHERE true GROUP BY event, dimension, key" \
  " ON CONFLICT (event, dimension, key) DO UPDATE SET count = count + excluded.count"

static const char *const migrations[] = {
  /* 1: events, devices, records, idempotency, forwarding */
  "CREATE TABLE events (id TEXT PRIMARY KEY, name TEXT, signing_key TEXT, verify_key TEXT,"
  "  last_seq INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);"
  "CREATE TABLE devices (name TEXT PRIMARY KEY, event TEXT NOT NULL REFERENCES events(id),"
  "  mode TEXT NOT NULL, booth TEXT, prints INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,"
  "  secret_hash TEXT UNIQUE, enroll_expires_at TEXT, enrolled_at TEXT, token_hash TEXT UNIQUE,"
  "  revoked_at TEXT, last_seen_at TEXT, last_address TEXT, software_version TEXT,"
  "  pending_reported INTEGER);"
  "CREATE TABLE records (id TEXT PRIMARY KEY, event TEXT NOT NULL, type TEXT NOT NULL,"
  "  device TEXT, created_at TEXT, received_at TEXT NOT NULL, category TEXT, booth TEXT,"
  "  seq INTEGER NOT NULL, body TEXT NOT NULL);"
  "CREATE UNIQUE INDEX records_event_seq ON records (event, seq);"
  "CREATE TABLE preregistrations (id TEXT PRIMARY KEY, event TEXT NOT NULL, badge_code TEXT,"
  "  seq INTEGER NOT NULL, updated_at TEXT NOT NULL, body TEXT NOT NULL);"
  "CREATE UNIQUE INDEX preregistrations_event_seq ON preregistrations (event, seq);"
  "CREATE TABLE idempotency (device TEXT NOT NULL, key TEXT NOT NULL, answer TEXT NOT NULL,"
  "  created_at TEXT NOT NULL, PRIMARY KEY (device, key));"
  "CREATE TABLE forward_outbox (record_id TEXT PRIMARY KEY, attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_at TEXT NOT NULL, last_error TEXT, dead INTEGER NOT NULL DEFAULT 0);",
  /* dashboard (issue 17): accounts, sessions, lockout, exhibitor links; live counters, kept by
   * ingest in the transaction that stores the records (count_batch), counted here for the
   * records already stored. */
  "CREATE TABLE web_users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL,"
  "  role TEXT NOT NULL, created_at TEXT NOT NULL);"
  "CREATE TABLE web_sessions (token_hash TEXT PRIMARY KEY,"
  "  user_name TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,"
  "  csrf_token TEXT NOT NULL, expires_at INTEGER NOT NULL);"
  "CREATE TABLE web_failures (name TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
  "  first_failure INTEGER NOT NULL, locked_until INTEGER NOT NULL);"
  "CREATE TABLE web_links (token_hash TEXT PRIMARY KEY, event TEXT NOT NULL, booth TEXT NOT NULL,"
  "  created_at TEXT NOT NULL, expires_at INTEGER NOT NULL, revoked_at TEXT);"
  "CREATE INDEX web_links_booth ON web_links (event, booth);"
  "CREATE TABLE event_counters (event TEXT NOT NULL, dimension TEXT NOT NULL, key TEXT NOT NULL,"
  "  count INTEGER NOT NULL, PRIMARY KEY (event, dimension, key)) WITHOUT ROWID;"
  COUNT_RECORDS ("true") ";",
  /* 3 (issue 16): the audit log (erasures: when and how many, never whom) */
  "CREATE TABLE audit_log (at TEXT NOT NULL, text TEXT NOT NULL);",
};

typedef enum {
  SQL_EVENT_ADD,
  SQL_EVENT_GET,
  SQL_EVENT_LIST,
  SQL_EVENT_LOCK,
  SQL_EVENT_SET_SEQ,
  SQL_DEVICE_ADD,
  SQL_DEVICE_BY_SECRET,
  SQL_DEVICE_ENROLL,
  SQL_DEVICE_BY_TOKEN,
  SQL_DEVICE_TOUCH,
  SQL_DEVICE_LIST,
  SQL_DEVICE_REVOKE,
  SQL_IDEM_GET,
  SQL_IDEM_PUT,
  SQL_IDEM_PURGE,
  SQL_RECORD_INSERT,
  SQL_RECORD_EXISTS,
  SQL_FORWARD_QUEUE,
  SQL_PREREG_GET,
  SQL_PREREG_INSERT,
  SQL_PREREG_UPDATE,
  SQL_RECORDS_ALL,
  SQL_PREREGS_ALL,
  SQL_STATS,
  SQL_FORWARD_TAKE,
  SQL_FORWARD_DONE,
  SQL_FORWARD_FAILED,
  SQL_FORWARD_LIST,
  SQL_FORWARD_REQUEUE,
  SQL_COUNT_BATCH,
  SQL_COUNT_ADD,
  SQL_BEGIN,
  SQL_COMMIT,
  SQL_ROLLBACK,
  SQL_SAVEPOINT,
  SQL_RELEASE,
  SQL_ROLLBACK_TO,
  N_SQL
} SqlId;

#define DEVICE_COLUMNS "name, event, mode, booth, prints, created_at, enroll_expires_at," \
  " enrolled_at, revoked_at, last_seen_at, last_address, software_version, pending_reported"

static const char *const sql[N_SQL] = {
  [SQL_EVENT_ADD] = "INSERT INTO events (id, name, signing_key, verify_key, created_at)"
                    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
  [SQL_EVENT_GET] = "SELECT id, name, signing_key, verify_key, last_seq FROM events WHERE id = ?1",
  [SQL_EVENT_LIST] = "SELECT id, name, NULL, verify_key, last_seq FROM events ORDER BY id",
  [SQL_EVENT_LOCK] = "SELECT last_seq FROM events WHERE id = ?1",
  [SQL_EVENT_SET_SEQ] = "UPDATE events SET last_seq = ?2 WHERE id = ?1",
  [SQL_DEVICE_ADD] = "INSERT INTO devices (name, event, mode, booth, prints, created_at,"
                     " secret_hash, enroll_expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [SQL_DEVICE_BY_SECRET] = "SELECT " DEVICE_COLUMNS " FROM devices WHERE secret_hash = ?1",
  [SQL_DEVICE_ENROLL] = "UPDATE devices SET token_hash = ?2, enrolled_at = ?3"
                        " WHERE secret_hash = ?1 AND enrolled_at IS NULL",
  [SQL_DEVICE_BY_TOKEN] = "SELECT " DEVICE_COLUMNS " FROM devices WHERE token_hash = ?1",
  [SQL_DEVICE_TOUCH] = "UPDATE devices SET last_seen_at = ?2, last_address = ?3,"
                       " software_version = coalesce(?4, software_version) WHERE name = ?1",
  [SQL_DEVICE_LIST] = "SELECT " DEVICE_COLUMNS " FROM devices ORDER BY event, name",
  [SQL_DEVICE_REVOKE] = "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2),"
                        " token_hash = NULL, secret_hash = NULL WHERE name = ?1",
  [SQL_IDEM_GET] = "SELECT answer FROM idempotency WHERE device = ?1 AND key = ?2"
                   " AND created_at >= ?3",
  /* Replaces only an answer past the window (?5): the first answer of a key is final. */
  [SQL_IDEM_PUT] = "INSERT INTO idempotency (device, key, answer, created_at)"
                   " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (device, key) DO UPDATE"
                   " SET answer = excluded.answer, created_at = excluded.created_at"
                   " WHERE idempotency.created_at < ?5",
  [SQL_IDEM_PURGE] = "DELETE FROM idempotency WHERE created_at < ?1",
  [SQL_RECORD_INSERT] = "INSERT INTO records (id, event, type, device, created_at, received_at,"
                        " category, booth, seq, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                        " ?9, ?10) ON CONFLICT (id) DO NOTHING",
  [SQL_RECORD_EXISTS] = "SELECT 1 FROM records WHERE id = ?1",
  [SQL_FORWARD_QUEUE] = "INSERT INTO forward_outbox (record_id, next_at) VALUES (?1, ?2)"
                        " ON CONFLICT (record_id) DO NOTHING",
  [SQL_PREREG_GET] = "SELECT body FROM preregistrations WHERE id = ?1",
  [SQL_PREREG_INSERT] = "INSERT INTO preregistrations (id, event, badge_code, seq, updated_at,"
                        " body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [SQL_PREREG_UPDATE] = "UPDATE preregistrations SET seq = ?2, updated_at = ?3, body = ?4"
                        " WHERE id = ?1",
  [SQL_RECORDS_ALL] = "SELECT type, body, device, seq FROM records WHERE event = ?1"
                      " AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR booth = ?3)"
                      " ORDER BY seq",
  [SQL_PREREGS_ALL] = "SELECT 'preregistration', body, NULL, seq FROM preregistrations"
                      " WHERE event = ?1 ORDER BY seq",
  [SQL_STATS] = "SELECT 'type', type, count(*) FROM records WHERE event = ?1 GROUP BY type"
                " UNION ALL SELECT 'category', category, count(*) FROM records"
                "  WHERE event = ?1 AND category IS NOT NULL GROUP BY category"
                " UNION ALL SELECT 'device', device, count(*) FROM records WHERE event = ?1"
                "  GROUP BY device"
                " UNION ALL SELECT 'hour', substr(created_at, 1, 13), count(*) FROM records"
                "  WHERE event = ?1 GROUP BY substr(created_at, 1, 13) ORDER BY 1, 2",
  [SQL_FORWARD_TAKE] = "SELECT f.record_id, r.event, r.body, f.attempts, f.last_error, f.dead"
                       " FROM forward_outbox f JOIN records r ON r.id = f.record_id"
                       " WHERE f.dead = 0 AND f.next_at <= ?1 ORDER BY r.received_at, r.seq"
                       " LIMIT ?2",
  [SQL_FORWARD_DONE] = "DELETE FROM forward_outbox WHERE record_id = ?1",
  [SQL_FORWARD_FAILED] = "UPDATE forward_outbox SET attempts = attempts + 1, last_error = ?2,"
                         " next_at = ?3, dead = ?4 WHERE record_id = ?1",
  [SQL_FORWARD_LIST] = "SELECT f.record_id, r.event, r.body, f.attempts, f.last_error, f.dead"
                       " FROM forward_outbox f JOIN records r ON r.id = f.record_id"
                       " WHERE f.dead = ?1 ORDER BY r.received_at, r.seq",
  [SQL_FORWARD_REQUEUE] = "UPDATE forward_outbox SET dead = 0, attempts = 0, next_at = ''"
                          " WHERE dead = 1",
  [SQL_COUNT_BATCH] = COUNT_RECORDS ("event = ?1 AND seq > ?2"),
  [SQL_COUNT_ADD] = "INSERT INTO event_counters (event, dimension, key, count)"
                    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (event, dimension, key)"
                    " DO UPDATE SET count = count + excluded.count",
  /* Prepared once per connection like the rest: sqlite3_exec() would parse them for every
   * batch, under the write lock. */
  [SQL_BEGIN] = "BEGIN IMMEDIATE",
  [SQL_COMMIT] = "COMMIT",
  [SQL_ROLLBACK] = "ROLLBACK",
  /* One batch of a group commit (sqlite_ingest_group). */
  [SQL_SAVEPOINT] = "SAVEPOINT batch",
  [SQL_RELEASE] = "RELEASE batch",
  [SQL_ROLLBACK_TO] = "ROLLBACK TO batch",
};

/* ---- connections ---- */

typedef struct {
  sqlite3      *db;
  sqlite3_stmt *stmts[N_SQL];
} Conn;

#define CHECKPOINT_PAGES 4096   /* 16 MiB of WAL at 4 KiB pages */

struct _FoyerHubSqlite {
  GObject      parent_instance;
  char        *path;
  GAsyncQueue *pool;
  GPtrArray   *all;        /* Conn *, for finalize */
  GMutex       write_lock;
  Conn        *ingest;     /* under write_lock */
  /* The checkpoint thread and its own connection. */
  GThread     *checkpointer;
  Conn        *checkpoint_conn;
  GMutex       checkpoint_lock;
  GCond        checkpoint_cond;
  gboolean     checkpoint_due;
  gboolean     stopping;
};

static void foyer_hub_sqlite_storage_init (FoyerHubStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerHubSqlite, foyer_hub_sqlite, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FOYER_HUB_TYPE_STORAGE,
                                                      foyer_hub_sqlite_storage_init))

static gboolean
fail (sqlite3 *db, GError **error)
{
  int code = sqlite3_errcode (db);

  g_set_error (error, FOYER_HUB_STORAGE_ERROR,
               code == SQLITE_CANTOPEN ? FOYER_HUB_STORAGE_ERROR_UNAVAILABLE
                                       : FOYER_HUB_STORAGE_ERROR_FAILED,
               "SQLite: %s", sqlite3_errmsg (db));
  return FALSE;
}

static void
conn_free (Conn *conn)
{
  for (guint i = 0; i < N_SQL; i++)
    sqlite3_finalize (conn->stmts[i]);
  sqlite3_close_v2 (conn->db);
  g_free (conn);
}

static gboolean
exec (sqlite3 *db, const char *text, GError **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, text, NULL, NULL, &message) != SQLITE_OK) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_FAILED,
                 "SQLite: %s", message != NULL ? message : sqlite3_errmsg (db));
    sqlite3_free (message);
    return FALSE;
  }
  return TRUE;
}

static Conn *
conn_open (const char *path, GError **error)
{
  Conn *conn = g_new0 (Conn, 1);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

  if (sqlite3_open_v2 (path, &conn->db, flags, NULL) != SQLITE_OK) {
    fail (conn->db, error);
    conn_free (conn);
    return NULL;
  }
  sqlite3_busy_timeout (conn->db, 10000);
  if (!exec (conn->db, FOYER_HUB_SQLITE_PRAGMAS " PRAGMA foreign_keys=ON;", error)) {
    conn_free (conn);
    return NULL;
  }
  return conn;
}

static Conn *
acquire (FoyerHubSqlite *self)
{
  return g_async_queue_pop (self->pool);
}

static void
release (FoyerHubSqlite *self, Conn *conn)
{
  g_async_queue_push (self->pool, conn);
}

/* The prepared statement id, reset, with its parameters bound: NULL-terminated pairs are not
 * needed; texts are bound in order (a NULL text binds NULL). */
static sqlite3_stmt *
stmt (Conn *conn, SqlId id, GError **error)
{
  sqlite3_stmt *s = conn->stmts[id];

  if (s == NULL) {
    if (sqlite3_prepare_v3 (conn->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL)
        != SQLITE_OK) {
      fail (conn->db, error);
      return NULL;
    }
    conn->stmts[id] = s;
  }
  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  return s;
}

static void
bind_text (sqlite3_stmt *s, int index, const char *value)
{
  if (value == NULL)
    sqlite3_bind_null (s, index);
  else
    sqlite3_bind_text (s, index, value, -1, SQLITE_TRANSIENT);
}

static sqlite3_stmt *
stmt_texts (Conn *conn, SqlId id, GError **error, int n, ...)
{
  sqlite3_stmt *s = stmt (conn, id, error);
  va_list args;

  if (s == NULL)
    return NULL;
  va_start (args, n);
  for (int i = 1; i <= n; i++)
    bind_text (s, i, va_arg (args, const char *));
  va_end (args);
  return s;
}

/* Steps a statement that returns no rows. */
static gboolean
run (Conn *conn, sqlite3_stmt *s, GError **error)
{
  int rc;

  if (s == NULL)
    return FALSE;
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return fail (conn->db, error);
  return TRUE;
}

static char *
column_dup (sqlite3_stmt *s, int column)
{
  const unsigned char *text = sqlite3_column_text (s, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static gboolean
migrate (Conn *conn, GError **error)
{
  sqlite3_stmt *s = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (conn->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
    return fail (conn->db, error);
  if (sqlite3_step (s) == SQLITE_ROW)
    version = sqlite3_column_int (s, 0);
  sqlite3_finalize (s);

  for (guint i = version; i < G_N_ELEMENTS (migrations); i++) {
    g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %u;", i + 1);

    if (!exec (conn->db, "BEGIN IMMEDIATE", error))
      return FALSE;
    if (!exec (conn->db, migrations[i], error) || !exec (conn->db, set, error)) {
      exec (conn->db, "ROLLBACK", NULL);
      return FALSE;
    }
    if (!exec (conn->db, "COMMIT", error))
      return FALSE;
    g_debug ("hub database migrated to version %u", i + 1);
  }
  return TRUE;
}

static gboolean
prepare_file (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0) {
    int saved = errno;
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_UNAVAILABLE,
                 "cannot create the directory %s: %s", dir, g_strerror (saved));
    return FALSE;
  }
  /* Created 0600 before SQLite opens it: the file holds visitors' personal data. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    int saved = errno;
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_UNAVAILABLE,
                 "cannot open the hub database %s: %s", path, g_strerror (saved));
    return FALSE;
  }
  fchmod (fd, 0600);
  close (fd);
  return TRUE;
}

/* ---- checkpoints ---- */

static int
wal_filled (void *data, sqlite3 *db, const char *name, int pages)
{
  FoyerHubSqlite *self = data;

  if (pages >= CHECKPOINT_PAGES) {
    g_mutex_lock (&self->checkpoint_lock);
    self->checkpoint_due = TRUE;
    g_cond_signal (&self->checkpoint_cond);
    g_mutex_unlock (&self->checkpoint_lock);
  }
  return SQLITE_OK;
}

static gpointer
checkpoint_thread (gpointer data)
{
  FoyerHubSqlite *self = data;

  g_mutex_lock (&self->checkpoint_lock);
  while (!self->stopping) {
    int rc;

    if (!self->checkpoint_due) {
      g_cond_wait (&self->checkpoint_cond, &self->checkpoint_lock);
      continue;
    }
    self->checkpoint_due = FALSE;
    g_mutex_unlock (&self->checkpoint_lock);
    rc = sqlite3_wal_checkpoint_v2 (self->checkpoint_conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                    NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      g_warning ("cannot checkpoint the hub database: %s",
                 sqlite3_errmsg (self->checkpoint_conn->db));
    g_mutex_lock (&self->checkpoint_lock);
  }
  g_mutex_unlock (&self->checkpoint_lock);
  return NULL;
}

static gboolean
open_ingest (FoyerHubSqlite *self, GError **error)
{
  if ((self->ingest = conn_open (self->path, error)) == NULL)
    return FALSE;
  g_ptr_array_add (self->all, self->ingest);
  if (!exec (self->ingest->db, FOYER_HUB_SQLITE_INGEST_CACHE, error))
    return FALSE;
  if ((self->checkpoint_conn = conn_open (self->path, error)) == NULL)
    return FALSE;
  g_ptr_array_add (self->all, self->checkpoint_conn);
  /* Replaces the automatic checkpoint on this connection. */
  sqlite3_wal_hook (self->ingest->db, wal_filled, self);
  self->checkpointer = g_thread_new ("hub-checkpoint", checkpoint_thread, self);
  return TRUE;
}

FoyerHubSqlite *
foyer_hub_sqlite_open (const char *path, guint connections, GError **error)
{
  g_autoptr(FoyerHubSqlite) self = NULL;

  if (!prepare_file (path, error))
    return NULL;
  self = g_object_new (FOYER_HUB_TYPE_SQLITE, NULL);
  self->path = g_strdup (path);
  for (guint i = 0; i < connections; i++) {
    Conn *conn = conn_open (path, error);

    if (conn == NULL)
      return NULL;
    g_ptr_array_add (self->all, conn);
    if (i == 0) {
      /* Migrations under the write lock of the first connection. */
      if (!migrate (conn, error))
        return NULL;
    }
    g_async_queue_push (self->pool, conn);
  }
  if (!open_ingest (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
foyer_hub_sqlite_finalize (GObject *object)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (object);

  if (self->checkpointer != NULL) {
    g_mutex_lock (&self->checkpoint_lock);
    self->stopping = TRUE;
    g_cond_signal (&self->checkpoint_cond);
    g_mutex_unlock (&self->checkpoint_lock);
    g_thread_join (self->checkpointer);
  }
  if (self->ingest != NULL)
    sqlite3_wal_hook (self->ingest->db, NULL, NULL);
  g_async_queue_unref (self->pool);
  g_ptr_array_unref (self->all);
  g_mutex_clear (&self->write_lock);
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_cond);
  g_free (self->path);
  G_OBJECT_CLASS (foyer_hub_sqlite_parent_class)->finalize (object);
}

static void
foyer_hub_sqlite_class_init (FoyerHubSqliteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_sqlite_finalize;
}

static void
foyer_hub_sqlite_init (FoyerHubSqlite *self)
{
  self->pool = g_async_queue_new ();
  self->all = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  g_mutex_init (&self->write_lock);
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_cond);
}

/* ---- write transactions ---- */

static gboolean
begin (FoyerHubSqlite *self, Conn *conn, GError **error)
{
  g_mutex_lock (&self->write_lock);
  if (!run (conn, stmt (conn, SQL_BEGIN, error), error)) {
    g_mutex_unlock (&self->write_lock);
    return FALSE;
  }
  return TRUE;
}

static gboolean
finish (FoyerHubSqlite *self, Conn *conn, gboolean ok, GError **error)
{
  if (ok)
    ok = run (conn, stmt (conn, SQL_COMMIT, error), error);
  if (!ok && !sqlite3_get_autocommit (conn->db))
    run (conn, stmt (conn, SQL_ROLLBACK, NULL), NULL);
  g_mutex_unlock (&self->write_lock);
  return ok;
}

/* ---- events ---- */

static const char *
sqlite_kind (FoyerHubStorage *storage)
{
  return "sqlite";
}

static gboolean
sqlite_event_add (FoyerHubStorage *storage, const FoyerHubEvent *event, gboolean *created,
                  GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  g_autofree char *now = foyer_timestamp_now ();
  gboolean ok = begin (self, conn, error);

  if (ok) {
    ok = run (conn, stmt_texts (conn, SQL_EVENT_ADD, error, 5, event->id, event->name,
                                event->signing_key, event->verify_key, now), error);
    if (ok && created != NULL)
      *created = sqlite3_changes (conn->db) > 0;
    ok = finish (self, conn, ok, error);
  }
  release (self, conn);
  return ok;
}

static FoyerHubEvent *
event_from_row (sqlite3_stmt *s)
{
  FoyerHubEvent *event = g_new0 (FoyerHubEvent, 1);

  event->id = column_dup (s, 0);
  event->name = column_dup (s, 1);
  event->signing_key = column_dup (s, 2);
  event->verify_key = column_dup (s, 3);
  event->last_seq = sqlite3_column_int64 (s, 4);
  return event;
}

static FoyerHubEvent *
sqlite_event_get (FoyerHubStorage *storage, const char *id, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s = stmt_texts (conn, SQL_EVENT_GET, error, 1, id);
  FoyerHubEvent *event = NULL;
  int rc;

  if (s != NULL) {
    rc = sqlite3_step (s);
    if (rc == SQLITE_ROW)
      event = event_from_row (s);
    else if (rc == SQLITE_DONE)
      g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                   "no event “%s” at this hub (add it with “foyer-hub event add”)", id);
    else
      fail (conn->db, error);
    sqlite3_reset (s);
  }
  release (self, conn);
  return event;
}

static GPtrArray *
sqlite_event_list (FoyerHubStorage *storage, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s = stmt (conn, SQL_EVENT_LIST, error);
  GPtrArray *events = NULL;
  int rc = SQLITE_ERROR;

  if (s != NULL) {
    events = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_event_free);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW)
      g_ptr_array_add (events, event_from_row (s));
    sqlite3_reset (s);
    if (rc != SQLITE_DONE) {
      fail (conn->db, error);
      g_clear_pointer (&events, g_ptr_array_unref);
    }
  }
  release (self, conn);
  return events;
}

/* ---- devices ---- */

static FoyerHubDevice *
device_from_row (sqlite3_stmt *s)
{
  FoyerHubDevice *device = g_new0 (FoyerHubDevice, 1);

  device->name = column_dup (s, 0);
  device->event = column_dup (s, 1);
  device->mode = column_dup (s, 2);
  device->booth = column_dup (s, 3);
  device->prints = sqlite3_column_int (s, 4) != 0;
  device->created_at = column_dup (s, 5);
  device->enroll_expires_at = column_dup (s, 6);
  device->enrolled_at = column_dup (s, 7);
  device->revoked_at = column_dup (s, 8);
  device->last_seen_at = column_dup (s, 9);
  device->last_address = column_dup (s, 10);
  device->software_version = column_dup (s, 11);
  device->pending_reported = sqlite3_column_type (s, 12) == SQLITE_NULL
                             ? -1 : sqlite3_column_int64 (s, 12);
  return device;
}

/* The one device row a statement selects; NULL without error when there is none. */
static FoyerHubDevice *
device_one (Conn *conn, sqlite3_stmt *s, GError **error)
{
  FoyerHubDevice *device = NULL;
  int rc;

  if (s == NULL)
    return NULL;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    device = device_from_row (s);
  else if (rc != SQLITE_DONE)
    fail (conn->db, error);
  sqlite3_reset (s);
  return device;
}

static gboolean
sqlite_device_add (FoyerHubStorage *storage, const FoyerHubDevice *device,
                   const char *secret_hash, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s;
  gboolean ok = begin (self, conn, error);

  if (ok) {
    s = stmt_texts (conn, SQL_DEVICE_ADD, error, 8, device->name, device->event, device->mode,
                    device->booth, device->prints ? "1" : "0", device->created_at, secret_hash,
                    device->enroll_expires_at);
    int rc = s != NULL ? sqlite3_step (s) : SQLITE_ERROR;

    if (s != NULL)
      sqlite3_reset (s);
    if (rc == SQLITE_CONSTRAINT) {
      g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_EXISTS,
                   "a device named “%s” exists already (revoke it or choose another name)",
                   device->name);
      ok = FALSE;
    } else if (rc != SQLITE_DONE) {
      ok = s != NULL ? fail (conn->db, error) : FALSE;
    }
    ok = finish (self, conn, ok, error);
  }
  release (self, conn);
  return ok;
}

static FoyerHubDevice *
sqlite_device_enroll (FoyerHubStorage *storage, const char *secret_hash, const char *token_hash,
                      const char *now, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  g_autoptr(FoyerHubDevice) device = NULL;
  gboolean ok = begin (self, conn, error);

  if (!ok) {
    release (self, conn);
    return NULL;
  }
  device = device_one (conn, stmt_texts (conn, SQL_DEVICE_BY_SECRET, error, 1, secret_hash),
                       error);
  if (device == NULL)
    ok = FALSE;
  if (ok && !foyer_hub_device_check_enrollable (device, now, error))
    ok = FALSE;
  if (ok)
    ok = run (conn, stmt_texts (conn, SQL_DEVICE_ENROLL, error, 3, secret_hash, token_hash, now),
              error);
  if (device == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                         "this enrollment code is not known to the hub");
  ok = finish (self, conn, ok, error);
  release (self, conn);
  return ok ? g_steal_pointer (&device) : NULL;
}

static FoyerHubDevice *
sqlite_device_by_token (FoyerHubStorage *storage, const char *token_hash, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  FoyerHubDevice *device;

  device = device_one (conn, stmt_texts (conn, SQL_DEVICE_BY_TOKEN, error, 1, token_hash), error);
  release (self, conn);
  return device;
}

static gboolean
sqlite_device_touch (FoyerHubStorage *storage, const char *name, const char *now,
                     const char *address, const char *software_version, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  gboolean ok = begin (self, conn, error);

  if (ok) {
    ok = run (conn, stmt_texts (conn, SQL_DEVICE_TOUCH, error, 4, name, now, address,
                                software_version), error);
    ok = finish (self, conn, ok, error);
  }
  release (self, conn);
  return ok;
}

static GPtrArray *
sqlite_device_list (FoyerHubStorage *storage, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s = stmt (conn, SQL_DEVICE_LIST, error);
  GPtrArray *devices = NULL;
  int rc;

  if (s != NULL) {
    devices = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_device_free);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW)
      g_ptr_array_add (devices, device_from_row (s));
    sqlite3_reset (s);
    if (rc != SQLITE_DONE) {
      fail (conn->db, error);
      g_clear_pointer (&devices, g_ptr_array_unref);
    }
  }
  release (self, conn);
  return devices;
}

static gboolean
sqlite_device_revoke (FoyerHubStorage *storage, const char *name, const char *now,
                      GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  gboolean ok = begin (self, conn, error);

  if (ok) {
    ok = run (conn, stmt_texts (conn, SQL_DEVICE_REVOKE, error, 2, name, now), error);
    if (ok && sqlite3_changes (conn->db) == 0) {
      g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                   "no device named “%s”", name);
      ok = FALSE;
    }
    ok = finish (self, conn, ok, error);
  }
  release (self, conn);
  return ok;
}

/* ---- ingest ---- */

/* Runs s, a query of at most one row: *text gets the first column of its row (NULL: none). */
static gboolean
one_text (Conn *conn, sqlite3_stmt *s, char **text, GError **error)
{
  int rc;

  *text = NULL;
  if (s == NULL)
    return FALSE;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    *text = column_dup (s, 0);
  sqlite3_reset (s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE || fail (conn->db, error);
}

/* The answer stored under (device, key) since since into *answer (NULL: none). */
static gboolean
idem_read (Conn *conn, const char *device, const char *key, const char *since, char **answer,
           GError **error)
{
  return one_text (conn, stmt_texts (conn, SQL_IDEM_GET, error, 3, device, key, since), answer,
                   error);
}

static char *
sqlite_idempotency_get (FoyerHubStorage *storage, const char *device, const char *key,
                        const char *since, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  char *answer = NULL;

  idem_read (conn, device, key, since, &answer, error);
  release (self, conn);
  return answer;
}

static gboolean
record_exists (Conn *conn, const char *id, gboolean *exists, GError **error)
{
  g_autofree char *one = NULL;

  if (!one_text (conn, stmt_texts (conn, SQL_RECORD_EXISTS, error, 1, id), &one, error))
    return FALSE;
  *exists = one != NULL;
  return TRUE;
}

static gboolean
lock_event_seq (Conn *conn, const char *event, gint64 *seq, GError **error)
{
  g_autofree char *last = NULL;

  if (!one_text (conn, stmt_texts (conn, SQL_EVENT_LOCK, error, 1, event), &last, error))
    return FALSE;
  if (last == NULL) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                 "no event “%s” at this hub", event);
    return FALSE;
  }
  *seq = g_ascii_strtoll (last, NULL, 10);
  return TRUE;
}

static gboolean
set_event_seq (Conn *conn, const char *event, gint64 seq, GError **error)
{
  sqlite3_stmt *s = stmt_texts (conn, SQL_EVENT_SET_SEQ, error, 1, event);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 2, seq);
  return run (conn, s, error);
}

static gboolean
insert_item (Conn *conn, const char *event, const char *device, const char *received_at,
             FoyerHubItem *item, gint64 seq, gboolean forward, GError **error)
{
  const char *texts[] = { item->id, event, item->type, device, item->created_at, received_at,
                          item->category, item->booth };
  sqlite3_stmt *s = stmt (conn, SQL_RECORD_INSERT, error);

  if (s == NULL)
    return FALSE;
  /* Not copied (SQLITE_STATIC, where stmt_texts copies): every value outlives the step, run()
   * resets the statement, and each use binds all ten again. Binding with copies was 3 % of the
   * hub's CPU under bench-hub. */
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] == NULL)
      sqlite3_bind_null (s, i + 1);
    else
      sqlite3_bind_text (s, i + 1, texts[i], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 9, seq);
  sqlite3_bind_text (s, 10, item->body, -1, SQLITE_STATIC);
  if (!run (conn, s, error))
    return FALSE;
  item->status = sqlite3_changes (conn->db) > 0 ? FOYER_HUB_ITEM_ACCEPTED
                                                 : FOYER_HUB_ITEM_DUPLICATE;
  if (item->status == FOYER_HUB_ITEM_ACCEPTED && forward)
    return run (conn, stmt_texts (conn, SQL_FORWARD_QUEUE, error, 2, item->id, ""), error);
  return TRUE;
}

static gboolean
ingest_items (Conn *conn, const char *event, const char *device, const char *received_at,
              GPtrArray *items, gboolean forward, GError **error)
{
  gint64 seq;

  if (!lock_event_seq (conn, event, &seq, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    gboolean exists = FALSE;

    if (item->status == FOYER_HUB_ITEM_PENDING) {
      if (!insert_item (conn, event, device, received_at, item, seq + 1, forward, error))
        return FALSE;
      if (item->status == FOYER_HUB_ITEM_ACCEPTED)
        seq++;
    } else if (item->status == FOYER_HUB_ITEM_REJECTED && item->id != NULL) {
      if (!record_exists (conn, item->id, &exists, error))
        return FALSE;
      if (exists) {
        item->status = FOYER_HUB_ITEM_DUPLICATE;
        g_clear_pointer (&item->reason, g_free);
      }
    }
  }
  return set_event_seq (conn, event, seq, error);
}

/* Adds the increments the batch parser counted (foyer_hub_batch_counters): one upsert per
 * distinct key instead of parsing every stored body again under the write lock. */
static gboolean
add_counters (Conn *conn, const char *event, GPtrArray *counters, GError **error)
{
  for (guint i = 0; i < counters->len; i++) {
    FoyerHubCounter *counter = g_ptr_array_index (counters, i);
    sqlite3_stmt *s = stmt_texts (conn, SQL_COUNT_ADD, error, 3, event, counter->dimension,
                                  counter->key);

    if (s == NULL)
      return FALSE;
    sqlite3_bind_int64 (s, 4, counter->count);
    if (!run (conn, s, error))
      return FALSE;
  }
  return TRUE;
}

/* Adds the records a batch stored to the event's live counters, in its transaction: they hold the
 * change sequence numbers after the event's last_seq before the batch (accepted ones only). */
static gboolean
count_batch (Conn *conn, const char *event, const char *device, GPtrArray *items,
             GError **error)
{
  g_autoptr(GPtrArray) counters = foyer_hub_batch_counters (items, device);
  gint64 accepted = 0, last = 0;
  sqlite3_stmt *s;

  if (counters != NULL)
    return add_counters (conn, event, counters, error);
  for (guint i = 0; i < items->len; i++)
    if (((FoyerHubItem *) g_ptr_array_index (items, i))->status == FOYER_HUB_ITEM_ACCEPTED)
      accepted++;
  if (accepted == 0)
    return TRUE;
  if (!lock_event_seq (conn, event, &last, error)
      || (s = stmt_texts (conn, SQL_COUNT_BATCH, error, 1, event)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 2, last - accepted);
  return run (conn, s, error);
}

/* One batch, in the open transaction (which holds SQLite's write lock: whatever another
 * connection stored under the batch's key is committed, and what an earlier batch of this
 * group stored is visible): a key already answered is replayed, not stored again. */
static gboolean
ingest_batch (Conn *conn, FoyerHubIngest *b, GError **error)
{
  if (b->key != NULL
      && (!idem_read (conn, b->device, b->key, b->key_since, &b->replayed, error)
          || b->replayed != NULL))
    return b->replayed != NULL;
  if (!ingest_items (conn, b->event, b->device, b->received_at, b->items, b->forward, error)
      || !count_batch (conn, b->event, b->device, b->items, error))
    return FALSE;
  if (b->key != NULL && b->answer != NULL) {
    g_autofree char *text = b->answer (b->items, b->user_data);
    return run (conn, stmt_texts (conn, SQL_IDEM_PUT, error, 5, b->device, b->key, text,
                                  b->received_at, b->key_since), error);
  }
  return TRUE;
}

/* One batch of a group in its savepoint: on failure only the batch is rolled back, and gets
 * the error. FALSE when the transaction itself is lost (SQLite rolls the whole transaction back
 * on some errors, e.g. SQLITE_FULL or an I/O error). */
static gboolean
ingest_savepoint (Conn *conn, FoyerHubIngest *b, GError **error)
{
  if (!run (conn, stmt (conn, SQL_SAVEPOINT, error), error))
    return FALSE;
  if (ingest_batch (conn, b, &b->error))
    return run (conn, stmt (conn, SQL_RELEASE, error), error);
  if (sqlite3_get_autocommit (conn->db)) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_FAILED,
                 "the transaction was rolled back: %s", b->error->message);
    return FALSE;
  }
  return run (conn, stmt (conn, SQL_ROLLBACK_TO, error), error)
         && run (conn, stmt (conn, SQL_RELEASE, error), error);
}

/* Group commit (foyer-hub-group.c): the batches in one transaction, one COMMIT (and one WAL
 * sync) for all; a batch alone needs no savepoint. */
static gboolean
sqlite_ingest_group (FoyerHubStorage *storage, FoyerHubIngest **batches, guint n,
                     GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = self->ingest;   /* used under the write lock only */
  gboolean ok = begin (self, conn, error);

  if (!ok)
    return FALSE;
  if (n == 1)
    ok = ingest_batch (conn, batches[0], error);
  for (guint i = 0; ok && n > 1 && i < n; i++)
    ok = ingest_savepoint (conn, batches[i], error);
  return finish (self, conn, ok, error);
}

static gboolean
sqlite_purge_idempotency (FoyerHubStorage *storage, const char *before, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  gboolean ok = begin (self, conn, error);

  if (ok) {
    ok = run (conn, stmt_texts (conn, SQL_IDEM_PURGE, error, 1, before), error);
    ok = finish (self, conn, ok, error);
  }
  release (self, conn);
  return ok;
}

/* ---- pre-registrations ---- */

static gboolean
put_prereg (Conn *conn, const char *event, FoyerHubItem *item, gint64 seq, const char *now,
            gboolean *changed, GError **error)
{
  sqlite3_stmt *s = stmt_texts (conn, SQL_PREREG_GET, error, 1, item->id);
  g_autofree char *old = NULL;
  int rc;

  if (s == NULL)
    return FALSE;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    old = column_dup (s, 0);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (conn->db, error);

  *changed = old == NULL || g_strcmp0 (old, item->body) != 0;
  item->status = old == NULL ? FOYER_HUB_ITEM_ACCEPTED : FOYER_HUB_ITEM_DUPLICATE;
  if (!*changed)
    return TRUE;
  if (old == NULL)
    s = stmt_texts (conn, SQL_PREREG_INSERT, error, 3, item->id, event, item->booth);
  else
    s = stmt_texts (conn, SQL_PREREG_UPDATE, error, 1, item->id);
  if (s == NULL)
    return FALSE;
  if (old == NULL) {
    sqlite3_bind_int64 (s, 4, seq);
    bind_text (s, 5, now);
    bind_text (s, 6, item->body);
  } else {
    sqlite3_bind_int64 (s, 2, seq);
    bind_text (s, 3, now);
    bind_text (s, 4, item->body);
  }
  return run (conn, s, error);
}

static gboolean
sqlite_preregistrations_put (FoyerHubStorage *storage, const char *event, GPtrArray *items,
                             guint *inserted, guint *updated, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  g_autofree char *now = foyer_timestamp_now ();
  gint64 seq = 0;
  gboolean ok = begin (self, conn, error);

  if (ok) {
    ok = lock_event_seq (conn, event, &seq, error);
    for (guint i = 0; ok && i < items->len; i++) {
      FoyerHubItem *item = g_ptr_array_index (items, i);
      gboolean changed = FALSE;

      ok = put_prereg (conn, event, item, seq + 1, now, &changed, error);
      if (ok && changed) {
        seq++;
        if (item->status == FOYER_HUB_ITEM_ACCEPTED)
          (*inserted)++;
        else
          (*updated)++;
      }
    }
    if (ok)
      ok = set_event_seq (conn, event, seq, error);
    ok = finish (self, conn, ok, error);
  }
  release (self, conn);
  return ok;
}

/* ---- reading ---- */

static gboolean
sqlite_records_foreach (FoyerHubStorage *storage, const char *event, const char *type,
                        const char *booth, FoyerHubRecordFunc func, gpointer user_data,
                        GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  gboolean prereg = g_strcmp0 (type, "preregistration") == 0;
  sqlite3_stmt *s = prereg ? stmt_texts (conn, SQL_PREREGS_ALL, error, 1, event)
                           : stmt_texts (conn, SQL_RECORDS_ALL, error, 3, event, type, booth);
  gboolean ok = s != NULL;
  int rc = SQLITE_DONE;

  /* A deferred read transaction: one consistent snapshot for the whole export. */
  if (ok)
    ok = exec (conn->db, "BEGIN", error);
  while (ok && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    FoyerHubRecordRow row = {
      (char *) sqlite3_column_text (s, 0), (char *) sqlite3_column_text (s, 1),
      (char *) sqlite3_column_text (s, 2), sqlite3_column_int64 (s, 3),
    };
    if (!func (&row, user_data))
      break;
  }
  if (s != NULL)
    sqlite3_reset (s);
  if (ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
    ok = fail (conn->db, error);
  exec (conn->db, "COMMIT", NULL);
  release (self, conn);
  return ok;
}

static GPtrArray *
sqlite_stats (FoyerHubStorage *storage, const char *event, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s = stmt_texts (conn, SQL_STATS, error, 1, event);
  GPtrArray *rows = NULL;
  int rc;

  if (s != NULL) {
    rows = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_stats_row_free);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
      FoyerHubStatsRow *row = g_new0 (FoyerHubStatsRow, 1);
      row->dimension = column_dup (s, 0);
      row->key = column_dup (s, 1);
      row->count = sqlite3_column_int64 (s, 2);
      g_ptr_array_add (rows, row);
    }
    sqlite3_reset (s);
    if (rc != SQLITE_DONE) {
      fail (conn->db, error);
      g_clear_pointer (&rows, g_ptr_array_unref);
    }
  }
  release (self, conn);
  return rows;
}

/* ---- forwarding outbox ---- */

static GPtrArray *
forward_rows (Conn *conn, sqlite3_stmt *s, GError **error)
{
  GPtrArray *entries;
  int rc;

  if (s == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_forward_entry_free);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    FoyerHubForwardEntry *entry = g_new0 (FoyerHubForwardEntry, 1);
    entry->record_id = column_dup (s, 0);
    entry->event = column_dup (s, 1);
    entry->body = column_dup (s, 2);
    entry->attempts = sqlite3_column_int (s, 3);
    entry->last_error = column_dup (s, 4);
    entry->dead = sqlite3_column_int (s, 5) != 0;
    g_ptr_array_add (entries, entry);
  }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE) {
    fail (conn->db, error);
    g_clear_pointer (&entries, g_ptr_array_unref);
  }
  return entries;
}

static GPtrArray *
sqlite_forward_take (FoyerHubStorage *storage, const char *now, guint limit, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s = stmt_texts (conn, SQL_FORWARD_TAKE, error, 1, now);
  GPtrArray *entries = NULL;

  if (s != NULL) {
    sqlite3_bind_int (s, 2, limit);
    entries = forward_rows (conn, s, error);
  }
  release (self, conn);
  return entries;
}

static gboolean
write_one (FoyerHubSqlite *self, SqlId id, GError **error, int n, ...)
{
  Conn *conn = acquire (self);
  sqlite3_stmt *s;
  gboolean ok = begin (self, conn, error);
  va_list args;

  if (ok) {
    s = stmt (conn, id, error);
    if (s != NULL) {
      va_start (args, n);
      for (int i = 1; i <= n; i++)
        bind_text (s, i, va_arg (args, const char *));
      va_end (args);
    }
    ok = run (conn, s, error);
    ok = finish (self, conn, ok, error);
  }
  release (self, conn);
  return ok;
}

static gboolean
sqlite_forward_done (FoyerHubStorage *storage, const char *record_id, GError **error)
{
  return write_one (FOYER_HUB_SQLITE (storage), SQL_FORWARD_DONE, error, 1, record_id);
}

static gboolean
sqlite_forward_failed (FoyerHubStorage *storage, const char *record_id, const char *reason,
                       const char *next_at, gboolean dead, GError **error)
{
  return write_one (FOYER_HUB_SQLITE (storage), SQL_FORWARD_FAILED, error, 4, record_id, reason,
                    next_at, dead ? "1" : "0");
}

static GPtrArray *
sqlite_forward_list (FoyerHubStorage *storage, gboolean dead, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s = stmt (conn, SQL_FORWARD_LIST, error);
  GPtrArray *entries = NULL;

  if (s != NULL) {
    sqlite3_bind_int (s, 1, dead ? 1 : 0);
    entries = forward_rows (conn, s, error);
  }
  release (self, conn);
  return entries;
}

static gint64
sqlite_forward_requeue (FoyerHubStorage *storage, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  gint64 n = -1;
  gboolean ok = begin (self, conn, error);

  if (ok) {
    ok = run (conn, stmt (conn, SQL_FORWARD_REQUEUE, error), error);
    if (ok)
      n = sqlite3_changes (conn->db);
    if (!finish (self, conn, ok, error))
      n = -1;
  }
  release (self, conn);
  return n;
}

/* ---- the dashboard's statements (issue 17) ---- */

/* Prepared per call (they run a few times a second at most); writes under the write lock,
 * queries in one read transaction (one snapshot). */
static gboolean
sqlite_web_exec (FoyerHubStorage *storage, FoyerHubWebStatement statement,
                 const char *const *params, guint n, FoyerHubWebRowFunc row_func,
                 gpointer user_data, gint64 *changes, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  gboolean write = row_func == NULL;
  sqlite3_stmt *s = NULL;
  gboolean began = write ? begin (self, conn, error) : exec (conn->db, "BEGIN", error);
  gboolean ok = began;
  int rc = SQLITE_ERROR;

  if (ok && sqlite3_prepare_v2 (conn->db, foyer_hub_web_sql (statement), -1, &s, NULL)
            != SQLITE_OK)
    ok = fail (conn->db, error);
  for (guint i = 0; ok && i < n; i++) {
    char name[8];
    g_snprintf (name, sizeof name, "$%u", i + 1);
    bind_text (s, sqlite3_bind_parameter_index (s, name), params[i]);
  }
  while (ok && (rc = sqlite3_step (s)) == SQLITE_ROW && row_func != NULL) {
    guint columns = sqlite3_column_count (s);
    const char *row[32] = { NULL };

    for (guint c = 0; c < MIN (columns, G_N_ELEMENTS (row) - 1); c++) {
      const char *text = (const char *) sqlite3_column_text (s, c);
      row[c] = text != NULL ? text : "";
    }
    if (!row_func (row, MIN (columns, G_N_ELEMENTS (row) - 1), user_data)) {
      rc = SQLITE_DONE;
      break;
    }
  }
  if (ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
    ok = fail (conn->db, error);
  if (ok && changes != NULL)
    *changes = sqlite3_changes (conn->db);
  sqlite3_finalize (s);
  if (began && write)
    ok = finish (self, conn, ok, error);
  else if (began)
    exec (conn->db, "COMMIT", NULL);
  release (self, conn);
  return ok;
}

/* ---- two-way sync (issue 16): pulls, erasure, audit log ----
 * Not on the hot ingest path: these statements are prepared per call, not cached in Conn. */

#define PULL_RECORDS_SQL "SELECT type, body, device, seq FROM records WHERE event = ?1" \
  " AND seq > ?2 AND type IN (%s) AND (?4 IS NULL OR booth = ?4) ORDER BY seq LIMIT ?3"

/* Registrations pulls: the rows are built by SQLite's JSON functions (docs/sync-protocol.md,
 * "Registration rows"); phone_tail and revocations are added by foyer-hub-pull-rows.c. */
#define PULL_ROW_SQL(TYPE, DEVICE) \
  "CASE " TYPE " WHEN 'revocation' THEN json_object('badge_code', json_extract(body, '$.badge_code')," \
  "  'status', 'revoked', 'reason', coalesce(json_extract(body, '$.reason'), ''))" \
  " WHEN 'erasure' THEN json_object('badge_code', json_extract(body, '$.badge_code')," \
  "  'status', 'erased')" \
  " ELSE json_object('badge_code', coalesce(json_extract(body, '$.signed_badge_code')," \
  "  json_extract(body, '$.badge_code')), 'status', 'valid', 'id', json_extract(body, '$.id')," \
  "  'display_name', coalesce(nullif(json_extract(body, '$.full_name'), ''), nullif(trim(" \
  "  coalesce(json_extract(body, '$.given_name'), '') || ' ' ||" \
  "  coalesce(json_extract(body, '$.family_name'), '')), '')), 'company'," \
  "  json_extract(body, '$.organization'), 'category', json_extract(body, '$.category')," \
  "  'source', " TYPE ") END, " DEVICE ", seq, json_extract(body, '$.signed_badge_code')," \
  " json_extract(body, '$.badge_code'), json_extract(body, '$.phones[0]')"

static const char pull_registrations_sql[] =
  "SELECT type, " PULL_ROW_SQL ("type", "device") " FROM records WHERE event = ?1 AND seq > ?2"
  " AND type IN ('registration', 'revocation', 'erasure') ORDER BY seq LIMIT ?3";
static const char pull_preregistrations_sql[] =
  "SELECT 'preregistration', " PULL_ROW_SQL ("'preregistration'", "NULL")
  " FROM preregistrations"
  " WHERE event = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3";

static const char *const pull_types[] = {
  [FOYER_HUB_CHANGES_REGISTRATIONS] = "'registration', 'revocation', 'erasure'",
  [FOYER_HUB_CHANGES_CHECK_INS] = "'check_in', 'registration', 'annulment', 'erasure', 'revocation'",
  [FOYER_HUB_CHANGES_LEADS] = "'lead'",
};

static GPtrArray *
collect_rows (sqlite3 *db, const char *text, const char *event, const char *booth, gint64 since,
              guint limit, GError **error)
{
  g_autoptr(GPtrArray) rows =
    g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_record_row_free);
  sqlite3_stmt *s = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, text, -1, &s, NULL) != SQLITE_OK) {
    fail (db, error);
    return NULL;
  }
  bind_text (s, 1, event);
  sqlite3_bind_int64 (s, 2, since);
  sqlite3_bind_int64 (s, 3, limit);
  if (sqlite3_bind_parameter_count (s) >= 4)
    bind_text (s, 4, booth);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    FoyerHubRecordRow *row = foyer_hub_record_row_new ((const char *) sqlite3_column_text (s, 0),
                                                       (const char *) sqlite3_column_text (s, 1),
                                                       (const char *) sqlite3_column_text (s, 2),
                                                       sqlite3_column_int64 (s, 3));
    if (sqlite3_column_count (s) > 4) {
      row->code = column_dup (s, 4);
      row->plain_code = column_dup (s, 5);
      row->phone = column_dup (s, 6);
    }
    g_ptr_array_add (rows, row);
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE) {
    fail (db, error);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

static gboolean
sqlite_changes_foreach (FoyerHubStorage *storage, const char *event, FoyerHubChanges kind,
                        const char *booth, gint64 since, guint limit, FoyerHubRecordFunc func,
                        gpointer user_data, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  gboolean registrations = kind == FOYER_HUB_CHANGES_REGISTRATIONS;
  g_autofree char *text = registrations ? g_strdup (pull_registrations_sql)
                                        : g_strdup_printf (PULL_RECORDS_SQL, pull_types[kind]);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) preregs = NULL;
  gboolean ok;

  /* One read transaction: both tables from one snapshot, so the merge never skips a seq. */
  ok = exec (conn->db, "BEGIN", error);
  if (ok)
    ok = (records = collect_rows (conn->db, text, event,
                                  kind == FOYER_HUB_CHANGES_LEADS ? booth : NULL, since, limit,
                                  error)) != NULL;
  if (ok && registrations)
    ok = (preregs = collect_rows (conn->db, pull_preregistrations_sql, event, NULL, since, limit,
                                  error)) != NULL;
  exec (conn->db, "COMMIT", NULL);
  release (self, conn);
  if (!ok)
    return FALSE;
  if (preregs == NULL)
    preregs = g_ptr_array_new ();
  foyer_hub_changes_merge (records, preregs, limit, func, user_data);
  return TRUE;
}

static char *
sqlite_record_body (FoyerHubStorage *storage, const char *id, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s = NULL;
  char *body = NULL;
  int rc;

  if (sqlite3_prepare_v2 (conn->db, "SELECT body FROM records WHERE id = ?1", -1, &s, NULL)
      != SQLITE_OK) {
    fail (conn->db, error);
  } else {
    bind_text (s, 1, id);
    rc = sqlite3_step (s);
    if (rc == SQLITE_ROW)
      body = column_dup (s, 0);
    else if (rc != SQLITE_DONE)
      fail (conn->db, error);
  }
  sqlite3_finalize (s);
  release (self, conn);
  return body;
}

/* Runs text (one ?1 parameter) for each id. */
static gboolean
delete_ids (Conn *conn, const char *text, GPtrArray *ids, GError **error)
{
  sqlite3_stmt *s = NULL;
  gboolean ok = TRUE;

  if (ids == NULL || ids->len == 0)
    return TRUE;
  if (sqlite3_prepare_v2 (conn->db, text, -1, &s, NULL) != SQLITE_OK)
    return fail (conn->db, error);
  for (guint i = 0; ok && i < ids->len; i++) {
    bind_text (s, 1, g_ptr_array_index (ids, i));
    if (sqlite3_step (s) != SQLITE_DONE)
      ok = fail (conn->db, error);
    sqlite3_reset (s);
  }
  sqlite3_finalize (s);
  return ok;
}

static gboolean
erase_in_transaction (Conn *conn, const char *event, GPtrArray *record_ids,
                      GPtrArray *prereg_ids, GPtrArray *tombstones, const char *audit,
                      GError **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  sqlite3_stmt *s = NULL;
  gboolean ok;

  ok = delete_ids (conn, "DELETE FROM forward_outbox WHERE record_id = ?1", record_ids, error)
       && delete_ids (conn, "DELETE FROM records WHERE id = ?1", record_ids, error)
       && delete_ids (conn, "DELETE FROM preregistrations WHERE id = ?1", prereg_ids, error)
       && ingest_items (conn, event, "foyer-hub", now, tombstones, FALSE, error);
  if (!ok)
    return FALSE;
  if (sqlite3_prepare_v2 (conn->db, "INSERT INTO audit_log (at, text) VALUES (?1, ?2)", -1, &s,
                          NULL) != SQLITE_OK)
    return fail (conn->db, error);
  bind_text (s, 1, now);
  bind_text (s, 2, audit);
  ok = sqlite3_step (s) == SQLITE_DONE || fail (conn->db, error);
  sqlite3_finalize (s);
  return ok;
}

static gboolean
sqlite_subject_erase (FoyerHubStorage *storage, const char *event, GPtrArray *record_ids,
                      GPtrArray *prereg_ids, GPtrArray *tombstones, const char *audit,
                      GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  gboolean ok = begin (self, conn, error);

  if (ok) {
    ok = erase_in_transaction (conn, event, record_ids, prereg_ids, tombstones, audit, error);
    ok = finish (self, conn, ok, error);
  }
  release (self, conn);
  return ok;
}

static GPtrArray *
sqlite_audit_list (FoyerHubStorage *storage, GError **error)
{
  FoyerHubSqlite *self = FOYER_HUB_SQLITE (storage);
  Conn *conn = acquire (self);
  sqlite3_stmt *s = NULL;
  GPtrArray *rows = NULL;
  int rc;

  if (sqlite3_prepare_v2 (conn->db, "SELECT at, text FROM audit_log ORDER BY rowid", -1, &s,
                          NULL) != SQLITE_OK) {
    fail (conn->db, error);
  } else {
    rows = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_stats_row_free);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
      FoyerHubStatsRow *row = g_new0 (FoyerHubStatsRow, 1);
      row->dimension = column_dup (s, 0);
      row->key = column_dup (s, 1);
      g_ptr_array_add (rows, row);
    }
    if (rc != SQLITE_DONE) {
      fail (conn->db, error);
      g_clear_pointer (&rows, g_ptr_array_unref);
    }
  }
  sqlite3_finalize (s);
  release (self, conn);
  return rows;
}

static void
foyer_hub_sqlite_storage_init (FoyerHubStorageInterface *iface)
{
  iface->kind = sqlite_kind;
  iface->event_add = sqlite_event_add;
  iface->event_get = sqlite_event_get;
  iface->event_list = sqlite_event_list;
  iface->device_add = sqlite_device_add;
  iface->device_enroll = sqlite_device_enroll;
  iface->device_by_token = sqlite_device_by_token;
  iface->device_touch = sqlite_device_touch;
  iface->device_list = sqlite_device_list;
  iface->device_revoke = sqlite_device_revoke;
  iface->idempotency_get = sqlite_idempotency_get;
  iface->ingest_group = sqlite_ingest_group;
  iface->purge_idempotency = sqlite_purge_idempotency;
  iface->preregistrations_put = sqlite_preregistrations_put;
  iface->records_foreach = sqlite_records_foreach;
  iface->stats = sqlite_stats;
  iface->forward_take = sqlite_forward_take;
  iface->forward_done = sqlite_forward_done;
  iface->forward_failed = sqlite_forward_failed;
  iface->forward_list = sqlite_forward_list;
  iface->forward_requeue = sqlite_forward_requeue;
  iface->web_exec = sqlite_web_exec;
  iface->changes_foreach = sqlite_changes_foreach;
  iface->record_body = sqlite_record_body;
  iface->subject_erase = sqlite_subject_erase;
  iface->audit_list = sqlite_audit_list;
}
