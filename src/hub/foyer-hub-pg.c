/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pg.c: FoyerHubStorage on PostgreSQL 15 through libpq.
 *
 * A pool of connections, each with every statement of sql[] prepared once. A batch is one
 * transaction: the event's row is locked by bumping its change sequence (UPDATE … RETURNING),
 * which orders concurrent batches of one event across hub processes, then all records go in one
 * INSERT … SELECT FROM unnest(…) ON CONFLICT (id) DO NOTHING RETURNING id. The schema has the
 * same numbered migrations as the SQLite implementation, applied under an advisory lock so that
 * hubs starting together migrate once.
 */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <libpq-fe.h>

#include "foyer-hub-batch.h"
#include "foyer-hub-pg.h"
#include "foyer-record.h"

/* ---- all SQL of this implementation ---- */

/* The live counters (issue 17) of the records of source (a table), added in one statement: what
 * each record counts for is named once in r (its body parsed once), then the keys are grouped,
 * so a batch costs one upsert per distinct key. follow_up: when a lead's follow_up counts. */
#define COUNT_RECORDS_WITH(source, follow_up) \
  "WITH r AS (SELECT event, type, category, device, booth," \
  "  coalesce(substr(created_at, 1, 13), '') AS hour, coalesce(b ->> 'area', '') AS area," \
  "  coalesce(b ->> 'rating', '') AS rating, " follow_up \
  "  AS follow_up, type = 'registration' OR (type = 'check_in'" \
  "   AND coalesce(b ->> 'direction', 'entry') <> 'exit') AS arrival" \
  "  FROM (SELECT *, body::jsonb AS b FROM " source ") s)" \
  " INSERT INTO event_counters AS c (event, dimension, key, count)" \
  " SELECT event, dimension, key, count(*) FROM (" \
  "  SELECT event, 'type' AS dimension, type AS key FROM r" \
  "  UNION ALL SELECT event, 'flow', CASE WHEN arrival THEN 'in' ELSE 'out' END FROM r" \
  "   WHERE type IN ('registration', 'check_in')" \
  "  UNION ALL SELECT event, 'category', category FROM r WHERE arrival AND category IS NOT NULL" \
  "  UNION ALL SELECT event, 'hour', hour FROM r WHERE arrival" \
  "  UNION ALL SELECT event, 'gate', coalesce(device, '') || chr(31) || area FROM r" \
  "   WHERE arrival" \
  "  UNION ALL SELECT event, 'lead', coalesce(booth, '') || chr(31) || rating FROM r" \
  "   WHERE type = 'lead'" \
  "  UNION ALL SELECT event, 'lead_follow', coalesce(booth, '') FROM r" \
  "   WHERE type = 'lead' AND follow_up) k" \
  " GROUP BY event, dimension, key" \
  " ON CONFLICT (event, dimension, key) DO UPDATE SET count = c.count + excluded.count"
/* Until migration 4: JSON true (or the string "true"). */
#define COUNT_RECORDS(source) \
  COUNT_RECORDS_WITH (source, "coalesce(b ->> 'follow_up' = 'true', false)")
/* From migration 4 on, what SQLite's json_extract(body, '$.follow_up') = 1 reads and the batch
 * parser counts (foyer_hub_batch_counters): JSON true, or a number equal to 1. */
#define FOLLOW_UP_IS_ONE \
  "CASE jsonb_typeof(b -> 'follow_up') WHEN 'boolean' THEN (b -> 'follow_up')::boolean" \
  " WHEN 'number' THEN (b -> 'follow_up')::numeric = 1 ELSE false END"

static const char *const migrations[] = {
  /* 1: events, devices, records, idempotency, forwarding */
  "CREATE TABLE events (id TEXT PRIMARY KEY, name TEXT, signing_key TEXT, verify_key TEXT,"
  "  last_seq BIGINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL);"
  "CREATE TABLE devices (name TEXT PRIMARY KEY, event TEXT NOT NULL REFERENCES events(id),"
  "  mode TEXT NOT NULL, booth TEXT, prints BOOLEAN NOT NULL DEFAULT FALSE,"
  "  created_at TEXT NOT NULL, secret_hash TEXT UNIQUE, enroll_expires_at TEXT, enrolled_at TEXT,"
  "  token_hash TEXT UNIQUE, revoked_at TEXT, last_seen_at TEXT, last_address TEXT,"
  "  software_version TEXT, pending_reported BIGINT);"
  "CREATE TABLE records (id TEXT PRIMARY KEY, event TEXT NOT NULL, type TEXT NOT NULL,"
  "  device TEXT, created_at TEXT, received_at TEXT NOT NULL, category TEXT, booth TEXT,"
  "  seq BIGINT NOT NULL, body TEXT NOT NULL);"
  "CREATE UNIQUE INDEX records_event_seq ON records (event, seq);"
  "CREATE TABLE preregistrations (id TEXT PRIMARY KEY, event TEXT NOT NULL, badge_code TEXT,"
  "  seq BIGINT NOT NULL, updated_at TEXT NOT NULL, body TEXT NOT NULL);"
  "CREATE UNIQUE INDEX preregistrations_event_seq ON preregistrations (event, seq);"
  "CREATE TABLE idempotency (device TEXT NOT NULL, key TEXT NOT NULL, answer TEXT NOT NULL,"
  "  created_at TEXT NOT NULL, PRIMARY KEY (device, key));"
  "CREATE TABLE forward_outbox (record_id TEXT PRIMARY KEY, attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_at TEXT NOT NULL, last_error TEXT, dead BOOLEAN NOT NULL DEFAULT FALSE);",
  /* dashboard (issue 17): accounts, sessions, lockout, exhibitor links; live counters kept by a
   * statement trigger (over the inserted rows) in the transaction that inserts the records. */
  "CREATE TABLE web_users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL,"
  "  role TEXT NOT NULL, created_at TEXT NOT NULL);"
  "CREATE TABLE web_sessions (token_hash TEXT PRIMARY KEY,"
  "  user_name TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,"
  "  csrf_token TEXT NOT NULL, expires_at BIGINT NOT NULL);"
  "CREATE TABLE web_failures (name TEXT PRIMARY KEY, failures BIGINT NOT NULL,"
  "  first_failure BIGINT NOT NULL, locked_until BIGINT NOT NULL);"
  "CREATE TABLE web_links (token_hash TEXT PRIMARY KEY, event TEXT NOT NULL, booth TEXT NOT NULL,"
  "  created_at TEXT NOT NULL, expires_at BIGINT NOT NULL, revoked_at TEXT);"
  "CREATE INDEX web_links_booth ON web_links (event, booth);"
  "CREATE TABLE event_counters (event TEXT NOT NULL, dimension TEXT NOT NULL, key TEXT NOT NULL,"
  "  count BIGINT NOT NULL, PRIMARY KEY (event, dimension, key));"
  "CREATE FUNCTION records_count () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
  COUNT_RECORDS ("added") ";"
  "  RETURN NULL;"
  " END $$;"
  "CREATE TRIGGER records_count AFTER INSERT ON records REFERENCING NEW TABLE AS added"
  "  FOR EACH STATEMENT EXECUTE FUNCTION records_count ();"
  COUNT_RECORDS ("records") ";",
  /* 3 (issue 16): the audit log (erasures: when and how many, never whom) */
  "CREATE TABLE audit_log (n BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, text TEXT NOT NULL);",
  /* 4: a hub that adds the counters of its records itself, from the bodies it parsed
   * (foyer_hub_batch_counters, as on SQLite), says so in the transaction with
   * foyer_hub.counted = on, and the trigger does not parse the bodies again while the event's
   * row is locked; any other insert is counted by the trigger. follow_up as SQLite reads it. */
  "CREATE OR REPLACE FUNCTION records_count () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
  "  IF current_setting('foyer_hub.counted', true) = 'on' THEN RETURN NULL; END IF; "
  COUNT_RECORDS_WITH ("added", FOLLOW_UP_IS_ONE) ";"
  "  RETURN NULL;"
  " END $$;",
};

typedef enum {
  SQL_EVENT_ADD,
  SQL_EVENT_GET,
  SQL_EVENT_LIST,
  SQL_EVENT_BUMP,
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
  SQL_RECORDS_INSERT,
  SQL_RECORDS_EXISTING,
  SQL_GROUP_INSERT,
  SQL_IDEM_PUT_MANY,
  SQL_COUNTERS_ADD,
  SQL_FORWARD_QUEUE,
  SQL_PREREG_PUT,
  SQL_RECORDS_ALL,
  SQL_PREREGS_ALL,
  SQL_STATS,
  SQL_FORWARD_TAKE,
  SQL_FORWARD_DONE,
  SQL_FORWARD_FAILED,
  SQL_FORWARD_LIST,
  SQL_FORWARD_REQUEUE,
  N_SQL
} SqlId;

#define DEVICE_COLUMNS "name, event, mode, booth, prints::int, created_at, enroll_expires_at," \
  " enrolled_at, revoked_at, last_seen_at, last_address, software_version, pending_reported"

static const char *const sql[N_SQL] = {
  [SQL_EVENT_ADD] = "INSERT INTO events (id, name, signing_key, verify_key, created_at)"
                    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
  [SQL_EVENT_GET] = "SELECT id, name, signing_key, verify_key, last_seq FROM events WHERE id = $1",
  [SQL_EVENT_LIST] = "SELECT id, name, NULL, verify_key, last_seq FROM events ORDER BY id",
  [SQL_EVENT_BUMP] = "UPDATE events SET last_seq = last_seq + $2::bigint WHERE id = $1"
                     " RETURNING last_seq - $2::bigint",
  [SQL_DEVICE_ADD] = "INSERT INTO devices (name, event, mode, booth, prints, created_at,"
                     " secret_hash, enroll_expires_at) VALUES ($1, $2, $3, $4, $5::int::boolean,"
                     " $6, $7, $8) ON CONFLICT (name) DO NOTHING",
  [SQL_DEVICE_BY_SECRET] = "SELECT " DEVICE_COLUMNS " FROM devices WHERE secret_hash = $1"
                           " FOR UPDATE",
  [SQL_DEVICE_ENROLL] = "UPDATE devices SET token_hash = $2, enrolled_at = $3"
                        " WHERE secret_hash = $1 AND enrolled_at IS NULL",
  [SQL_DEVICE_BY_TOKEN] = "SELECT " DEVICE_COLUMNS " FROM devices WHERE token_hash = $1",
  [SQL_DEVICE_TOUCH] = "UPDATE devices SET last_seen_at = $2, last_address = $3,"
                       " software_version = coalesce($4, software_version) WHERE name = $1",
  [SQL_DEVICE_LIST] = "SELECT " DEVICE_COLUMNS " FROM devices ORDER BY event, name",
  [SQL_DEVICE_REVOKE] = "UPDATE devices SET revoked_at = coalesce(revoked_at, $2),"
                        " token_hash = NULL, secret_hash = NULL WHERE name = $1",
  [SQL_IDEM_GET] = "SELECT answer FROM idempotency WHERE device = $1 AND key = $2"
                   " AND created_at >= $3",
  /* Replaces only an answer past the window ($5): the first answer of a key is final. */
  [SQL_IDEM_PUT] = "INSERT INTO idempotency AS i (device, key, answer, created_at)"
                   " VALUES ($1, $2, $3, $4) ON CONFLICT (device, key) DO UPDATE"
                   " SET answer = excluded.answer, created_at = excluded.created_at"
                   " WHERE i.created_at < $5",
  [SQL_IDEM_PURGE] = "DELETE FROM idempotency WHERE created_at < $1",
  /* One round trip: reserves $4 sequence values of the event (locking its row until COMMIT),
   * inserts, and answers the ids inserted plus one NULL row when the event exists. */
  [SQL_RECORDS_INSERT] = "WITH b AS (UPDATE events SET last_seq = last_seq + $4::bigint"
                         "  WHERE id = $1 RETURNING last_seq - $4::bigint AS base),"
                         " i AS (INSERT INTO records (id, event, type, device, created_at,"
                         "  received_at, category, booth, seq, body)"
                         "  SELECT u.id, $1, u.type, $2, u.created_at, $3, u.category, u.booth,"
                         "   b.base + u.n, u.body"
                         "  FROM b, unnest($5::text[], $6::text[], $7::text[], $8::text[],"
                         "   $9::text[], $10::text[]) WITH ORDINALITY"
                         "   AS u (id, type, created_at, category, booth, body, n)"
                         "  WHERE u.id IS NOT NULL ON CONFLICT (id) DO NOTHING RETURNING id)"
                         " SELECT id FROM i UNION ALL SELECT NULL FROM b",
  [SQL_RECORDS_EXISTING] = "SELECT id FROM records WHERE id = ANY ($1::text[])",
  /* A whole group's records (each row with its batch's device and received_at) in one
   * statement: one sequence bump, one run of the counting trigger. */
  [SQL_GROUP_INSERT] = "WITH b AS (UPDATE events SET last_seq = last_seq + $2::bigint"
                       "  WHERE id = $1 RETURNING last_seq - $2::bigint AS base),"
                       " i AS (INSERT INTO records (id, event, type, device, created_at,"
                       "  received_at, category, booth, seq, body)"
                       "  SELECT u.id, $1, u.type, u.device, u.created_at, u.received_at,"
                       "   u.category, u.booth, b.base + u.n, u.body"
                       "  FROM b, unnest($3::text[], $4::text[], $5::text[], $6::text[],"
                       "   $7::text[], $8::text[], $9::text[], $10::text[]) WITH ORDINALITY"
                       "   AS u (id, type, created_at, category, booth, body, device, received_at,"
                       "    n)"
                       "  ON CONFLICT (id) DO NOTHING RETURNING id)"
                       " SELECT id FROM i UNION ALL SELECT NULL FROM b",
  [SQL_COUNTERS_ADD] = "INSERT INTO event_counters AS c (event, dimension, key, count)"
                       " SELECT $1, u.d, u.k, u.n"
                       " FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u (d, k, n)"
                       " ON CONFLICT (event, dimension, key) DO UPDATE"
                       " SET count = c.count + excluded.count",
  /* As SQL_IDEM_PUT, for a group: $5 is the oldest of its batches' windows. */
  [SQL_IDEM_PUT_MANY] = "INSERT INTO idempotency AS i (device, key, answer, created_at)"
                        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])"
                        " ON CONFLICT (device, key) DO UPDATE"
                        " SET answer = excluded.answer, created_at = excluded.created_at"
                        " WHERE i.created_at < $5",
  [SQL_FORWARD_QUEUE] = "INSERT INTO forward_outbox (record_id, next_at)"
                        " SELECT unnest($1::text[]), '' ON CONFLICT (record_id) DO NOTHING",
  [SQL_PREREG_PUT] = "INSERT INTO preregistrations AS p (id, event, badge_code, seq, updated_at,"
                     " body) VALUES ($1, $2, $3, $4::bigint, $5, $6) ON CONFLICT (id) DO UPDATE"
                     " SET seq = excluded.seq, updated_at = excluded.updated_at,"
                     "  body = excluded.body WHERE p.body <> excluded.body"
                     " RETURNING (xmax = 0)::int",
  [SQL_RECORDS_ALL] = "SELECT type, body, device, seq FROM records WHERE event = $1"
                      " AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR booth = $3)"
                      " ORDER BY seq",
  [SQL_PREREGS_ALL] = "SELECT 'preregistration', body, NULL, seq FROM preregistrations"
                      " WHERE event = $1 ORDER BY seq",
  [SQL_STATS] = "SELECT 'type', type, count(*) FROM records WHERE event = $1 GROUP BY type"
                " UNION ALL SELECT 'category', category, count(*) FROM records"
                "  WHERE event = $1 AND category IS NOT NULL GROUP BY category"
                " UNION ALL SELECT 'device', device, count(*) FROM records WHERE event = $1"
                "  GROUP BY device"
                " UNION ALL SELECT 'hour', substr(created_at, 1, 13), count(*) FROM records"
                "  WHERE event = $1 GROUP BY substr(created_at, 1, 13) ORDER BY 1, 2",
  [SQL_FORWARD_TAKE] = "SELECT f.record_id, r.event, r.body, f.attempts, f.last_error,"
                       " f.dead::int FROM forward_outbox f JOIN records r ON r.id = f.record_id"
                       " WHERE NOT f.dead AND f.next_at <= $1 ORDER BY r.received_at, r.seq"
                       " LIMIT $2::int FOR UPDATE OF f SKIP LOCKED",
  [SQL_FORWARD_DONE] = "DELETE FROM forward_outbox WHERE record_id = $1",
  [SQL_FORWARD_FAILED] = "UPDATE forward_outbox SET attempts = attempts + 1, last_error = $2,"
                         " next_at = $3, dead = $4::int::boolean WHERE record_id = $1",
  [SQL_FORWARD_LIST] = "SELECT f.record_id, r.event, r.body, f.attempts, f.last_error,"
                       " f.dead::int FROM forward_outbox f JOIN records r ON r.id = f.record_id"
                       " WHERE f.dead = $1::int::boolean ORDER BY r.received_at, r.seq",
  [SQL_FORWARD_REQUEUE] = "UPDATE forward_outbox SET dead = FALSE, attempts = 0, next_at = ''"
                          " WHERE dead",
};

struct _FoyerHubPg {
  GObject      parent_instance;
  char        *conninfo;
  GAsyncQueue *pool;        /* PGconn * */
  GPtrArray   *all;
};

static void foyer_hub_pg_storage_init (FoyerHubStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerHubPg, foyer_hub_pg, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FOYER_HUB_TYPE_STORAGE,
                                                      foyer_hub_pg_storage_init))

static gboolean
fail_conn (PGconn *conn, GError **error)
{
  g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (conn)));

  g_set_error (error, FOYER_HUB_STORAGE_ERROR,
               PQstatus (conn) == CONNECTION_OK ? FOYER_HUB_STORAGE_ERROR_FAILED
                                                : FOYER_HUB_STORAGE_ERROR_UNAVAILABLE,
               "PostgreSQL: %s", message);
  return FALSE;
}

/* FALSE (error set, res cleared) unless res is a success. */
static gboolean
result_ok (PGconn *conn, PGresult *res, GError **error)
{
  ExecStatusType status = PQresultStatus (res);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    g_autofree char *message = g_strstrip (g_strdup (PQresultErrorMessage (res)));
    const char *state = PQresultErrorField (res, PG_DIAG_SQLSTATE);

    g_set_error (error, FOYER_HUB_STORAGE_ERROR,
                 PQstatus (conn) != CONNECTION_OK ? FOYER_HUB_STORAGE_ERROR_UNAVAILABLE
                 : g_strcmp0 (state, "23505") == 0 ? FOYER_HUB_STORAGE_ERROR_EXISTS
                                                   : FOYER_HUB_STORAGE_ERROR_FAILED,
                 "PostgreSQL: %s", status == PGRES_PIPELINE_ABORTED ? "statement not run"
                                                                   : message);
    PQclear (res);
    return FALSE;
  }
  return TRUE;
}

/* Runs a prepared statement with text parameters; NULL (error set) unless it succeeded. */
static PGresult *
query (PGconn *conn, SqlId id, GError **error, int n, const char *const *params)
{
  char name[16];
  PGresult *res;

  g_snprintf (name, sizeof name, "s%d", (int) id);
  res = PQexecPrepared (conn, name, n, params, NULL, NULL, 0);
  return result_ok (conn, res, error) ? res : NULL;
}

static gboolean
command (PGconn *conn, const char *text, GError **error)
{
  PGresult *res = PQexec (conn, text);
  gboolean ok = PQresultStatus (res) == PGRES_COMMAND_OK
                || PQresultStatus (res) == PGRES_TUPLES_OK;

  if (!ok) {
    g_autofree char *message = g_strstrip (g_strdup (PQresultErrorMessage (res)));
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_FAILED,
                 "PostgreSQL: %s", message);
  }
  PQclear (res);
  return ok;
}

static gboolean
migrate (PGconn *conn, GError **error)
{
  PGresult *res;
  int version = 0;

  if (!command (conn, "BEGIN", error))
    return FALSE;
  /* 0x466f796572: "Foyer": one migrating hub at a time. */
  if (!command (conn, "SELECT pg_advisory_xact_lock(302220289394);"
                      "CREATE TABLE IF NOT EXISTS foyer_hub_schema (version INTEGER NOT NULL);",
                error))
    goto fail;
  res = PQexec (conn, "SELECT coalesce(max(version), 0) FROM foyer_hub_schema");
  if (PQresultStatus (res) == PGRES_TUPLES_OK)
    version = atoi (PQgetvalue (res, 0, 0));
  PQclear (res);
  for (guint i = version; i < G_N_ELEMENTS (migrations); i++) {
    g_autofree char *set = g_strdup_printf ("DELETE FROM foyer_hub_schema;"
                                            " INSERT INTO foyer_hub_schema VALUES (%u)", i + 1);
    if (!command (conn, migrations[i], error) || !command (conn, set, error))
      goto fail;
  }
  return command (conn, "COMMIT", error);

fail:
  command (conn, "ROLLBACK", NULL);
  return FALSE;
}

static PGconn *
conn_open (const char *conninfo, GError **error)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK) {
    fail_conn (conn, error);
    PQfinish (conn);
    return NULL;
  }
  /* Quiet NOTICEs (they would go to stderr); errors still come back in results. */
  command (conn, "SET client_min_messages = warning", NULL);
  return conn;
}

static gboolean
conn_prepare (PGconn *conn, GError **error)
{
  for (int i = 0; i < N_SQL; i++) {
    char name[16];
    PGresult *res;

    g_snprintf (name, sizeof name, "s%d", i);
    res = PQprepare (conn, name, sql[i], 0, NULL);
    if (PQresultStatus (res) != PGRES_COMMAND_OK) {
      g_autofree char *message = g_strstrip (g_strdup (PQresultErrorMessage (res)));
      g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_FAILED,
                   "PostgreSQL: preparing statement %d: %s", i, message);
      PQclear (res);
      return FALSE;
    }
    PQclear (res);
  }
  return TRUE;
}

FoyerHubPg *
foyer_hub_pg_open (const char *conninfo, guint connections, GError **error)
{
  g_autoptr(FoyerHubPg) self = g_object_new (FOYER_HUB_TYPE_PG, NULL);

  self->conninfo = g_strdup (conninfo);
  for (guint i = 0; i < connections; i++) {
    PGconn *conn = conn_open (conninfo, error);

    if (conn == NULL)
      return NULL;
    g_ptr_array_add (self->all, conn);
    if (i == 0 && !migrate (conn, error))
      return NULL;
    if (!conn_prepare (conn, error))
      return NULL;
    g_async_queue_push (self->pool, conn);
  }
  return g_steal_pointer (&self);
}

static void
foyer_hub_pg_finalize (GObject *object)
{
  FoyerHubPg *self = FOYER_HUB_PG (object);

  g_async_queue_unref (self->pool);
  g_ptr_array_unref (self->all);
  g_free (self->conninfo);
  G_OBJECT_CLASS (foyer_hub_pg_parent_class)->finalize (object);
}

static void
foyer_hub_pg_class_init (FoyerHubPgClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_pg_finalize;
}

static void
foyer_hub_pg_init (FoyerHubPg *self)
{
  self->pool = g_async_queue_new ();
  self->all = g_ptr_array_new_with_free_func ((GDestroyNotify) PQfinish);
}

/* A connection from the pool; one that the server dropped is reset (and re-prepared) first. */
static PGconn *
acquire (FoyerHubPg *self)
{
  PGconn *conn = g_async_queue_pop (self->pool);

  if (PQstatus (conn) != CONNECTION_OK) {
    PQreset (conn);
    if (PQstatus (conn) == CONNECTION_OK) {
      command (conn, "SET client_min_messages = warning", NULL);
      conn_prepare (conn, NULL);
    }
  }
  return conn;
}

static void
release (FoyerHubPg *self, PGconn *conn)
{
  if (PQtransactionStatus (conn) != PQTRANS_IDLE)
    command (conn, "ROLLBACK", NULL);
  g_async_queue_push (self->pool, conn);
}

static char *
value_dup (PGresult *res, int row, int column)
{
  return PQgetisnull (res, row, column) ? NULL : g_strdup (PQgetvalue (res, row, column));
}

static gint64
value_int (PGresult *res, int row, int column)
{
  return PQgetisnull (res, row, column) ? -1 : g_ascii_strtoll (PQgetvalue (res, row, column),
                                                                NULL, 10);
}

/* One statement in its own (implicit) transaction. */
static gboolean
write_one (FoyerHubPg *self, SqlId id, int *changes, GError **error, int n,
           const char *const *params)
{
  PGconn *conn = acquire (self);
  PGresult *res = query (conn, id, error, n, params);

  if (res != NULL && changes != NULL)
    *changes = atoi (PQcmdTuples (res));
  PQclear (res);
  release (self, conn);
  return res != NULL;
}

static const char *
pg_kind (FoyerHubStorage *storage)
{
  return "postgresql";
}

/* ---- events ---- */

static gboolean
pg_event_add (FoyerHubStorage *storage, const FoyerHubEvent *event, gboolean *created,
              GError **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  const char *params[] = { event->id, event->name, event->signing_key, event->verify_key, now };
  int changes = 0;

  if (!write_one (FOYER_HUB_PG (storage), SQL_EVENT_ADD, &changes, error, 5, params))
    return FALSE;
  if (created != NULL)
    *created = changes > 0;
  return TRUE;
}

static FoyerHubEvent *
event_from_row (PGresult *res, int row)
{
  FoyerHubEvent *event = g_new0 (FoyerHubEvent, 1);

  event->id = value_dup (res, row, 0);
  event->name = value_dup (res, row, 1);
  event->signing_key = value_dup (res, row, 2);
  event->verify_key = value_dup (res, row, 3);
  event->last_seq = value_int (res, row, 4);
  return event;
}

/* Runs a reading statement on a pooled connection. */
static PGresult *
read_rows (FoyerHubPg *self, SqlId id, GError **error, int n, const char *const *params)
{
  PGconn *conn = acquire (self);
  PGresult *res = query (conn, id, error, n, params);

  release (self, conn);
  return res;
}

static FoyerHubEvent *
pg_event_get (FoyerHubStorage *storage, const char *id, GError **error)
{
  const char *params[] = { id };
  PGresult *res = read_rows (FOYER_HUB_PG (storage), SQL_EVENT_GET, error, 1, params);
  FoyerHubEvent *event = NULL;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) > 0)
    event = event_from_row (res, 0);
  else
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                 "no event “%s” at this hub (add it with “foyer-hub event add”)", id);
  PQclear (res);
  return event;
}

static GPtrArray *
pg_event_list (FoyerHubStorage *storage, GError **error)
{
  PGresult *res = read_rows (FOYER_HUB_PG (storage), SQL_EVENT_LIST, error, 0, NULL);
  GPtrArray *events;

  if (res == NULL)
    return NULL;
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_event_free);
  for (int i = 0; i < PQntuples (res); i++)
    g_ptr_array_add (events, event_from_row (res, i));
  PQclear (res);
  return events;
}

/* ---- devices ---- */

static FoyerHubDevice *
device_from_row (PGresult *res, int row)
{
  FoyerHubDevice *device = g_new0 (FoyerHubDevice, 1);

  device->name = value_dup (res, row, 0);
  device->event = value_dup (res, row, 1);
  device->mode = value_dup (res, row, 2);
  device->booth = value_dup (res, row, 3);
  device->prints = value_int (res, row, 4) == 1;
  device->created_at = value_dup (res, row, 5);
  device->enroll_expires_at = value_dup (res, row, 6);
  device->enrolled_at = value_dup (res, row, 7);
  device->revoked_at = value_dup (res, row, 8);
  device->last_seen_at = value_dup (res, row, 9);
  device->last_address = value_dup (res, row, 10);
  device->software_version = value_dup (res, row, 11);
  device->pending_reported = value_int (res, row, 12);
  return device;
}

static gboolean
pg_device_add (FoyerHubStorage *storage, const FoyerHubDevice *device, const char *secret_hash,
               GError **error)
{
  const char *params[] = { device->name, device->event, device->mode, device->booth,
                           device->prints ? "1" : "0", device->created_at, secret_hash,
                           device->enroll_expires_at };
  int changes = 0;

  if (!write_one (FOYER_HUB_PG (storage), SQL_DEVICE_ADD, &changes, error, 8, params))
    return FALSE;
  if (changes == 0) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_EXISTS,
                 "a device named “%s” exists already (revoke it or choose another name)",
                 device->name);
    return FALSE;
  }
  return TRUE;
}

static FoyerHubDevice *
pg_device_enroll (FoyerHubStorage *storage, const char *secret_hash, const char *token_hash,
                  const char *now, GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  const char *find[] = { secret_hash };
  const char *enroll[] = { secret_hash, token_hash, now };
  g_autoptr(FoyerHubDevice) device = NULL;
  PGresult *res;
  gboolean ok = command (conn, "BEGIN", error);

  if (ok && (res = query (conn, SQL_DEVICE_BY_SECRET, error, 1, find)) != NULL) {
    if (PQntuples (res) > 0)
      device = device_from_row (res, 0);
    else
      g_set_error_literal (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                           "this enrollment code is not known to the hub");
    PQclear (res);
  }
  ok = device != NULL && foyer_hub_device_check_enrollable (device, now, error);
  if (ok && (res = query (conn, SQL_DEVICE_ENROLL, error, 3, enroll)) != NULL)
    PQclear (res);
  else
    ok = FALSE;
  ok = ok && command (conn, "COMMIT", error);
  release (self, conn);
  return ok ? g_steal_pointer (&device) : NULL;
}

static FoyerHubDevice *
pg_device_by_token (FoyerHubStorage *storage, const char *token_hash, GError **error)
{
  const char *params[] = { token_hash };
  PGresult *res = read_rows (FOYER_HUB_PG (storage), SQL_DEVICE_BY_TOKEN, error, 1, params);
  FoyerHubDevice *device = NULL;

  if (res != NULL && PQntuples (res) > 0)
    device = device_from_row (res, 0);
  PQclear (res);
  return device;
}

static gboolean
pg_device_touch (FoyerHubStorage *storage, const char *name, const char *now,
                 const char *address, const char *software_version, GError **error)
{
  const char *params[] = { name, now, address, software_version };

  return write_one (FOYER_HUB_PG (storage), SQL_DEVICE_TOUCH, NULL, error, 4, params);
}

static GPtrArray *
pg_device_list (FoyerHubStorage *storage, GError **error)
{
  PGresult *res = read_rows (FOYER_HUB_PG (storage), SQL_DEVICE_LIST, error, 0, NULL);
  GPtrArray *devices;

  if (res == NULL)
    return NULL;
  devices = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_device_free);
  for (int i = 0; i < PQntuples (res); i++)
    g_ptr_array_add (devices, device_from_row (res, i));
  PQclear (res);
  return devices;
}

static gboolean
pg_device_revoke (FoyerHubStorage *storage, const char *name, const char *now, GError **error)
{
  const char *params[] = { name, now };
  int changes = 0;

  if (!write_one (FOYER_HUB_PG (storage), SQL_DEVICE_REVOKE, &changes, error, 2, params))
    return FALSE;
  if (changes == 0) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                 "no device named “%s”", name);
    return FALSE;
  }
  return TRUE;
}

/* ---- ingest ---- */

/* The answer stored under (device, key) since since into *answer (NULL: none). */
static gboolean
idem_read (PGconn *conn, const char *device, const char *key, const char *since, char **answer,
           GError **error)
{
  const char *params[] = { device, key, since };
  PGresult *res = query (conn, SQL_IDEM_GET, error, 3, params);

  *answer = res != NULL && PQntuples (res) > 0 ? value_dup (res, 0, 0) : NULL;
  PQclear (res);
  return res != NULL;
}

static char *
pg_idempotency_get (FoyerHubStorage *storage, const char *device, const char *key,
                    const char *since, GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  char *answer = NULL;

  idem_read (conn, device, key, since, &answer, error);
  release (self, conn);
  return answer;
}

/* A PostgreSQL array literal of texts: {"a","b",NULL}, each element quoted and escaped. */
static void
array_append (GString *out, const char *value)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  if (value == NULL) {
    g_string_append (out, "NULL");
    return;
  }
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_c (out, '\\');
    g_string_append_c (out, *p);
  }
  g_string_append_c (out, '"');
}

enum { COL_ID, COL_TYPE, COL_CREATED, COL_CATEGORY, COL_BOOTH, COL_BODY, N_COLS };

static const char *
item_column (FoyerHubItem *item, int column)
{
  switch (column) {
  case COL_ID: return item->id;
  case COL_TYPE: return item->type;
  case COL_CREATED: return item->created_at;
  case COL_CATEGORY: return item->category;
  case COL_BOOTH: return item->booth;
  default: return item->body;
  }
}

/* Reserves n values of event's change sequence, locking the event's row until COMMIT: *base
 * receives the value before the first one. */
static gboolean
bump_event_seq (PGconn *conn, const char *event, guint n, gint64 *base, GError **error)
{
  g_autofree char *count = g_strdup_printf ("%u", n);
  const char *params[] = { event, count };
  PGresult *res = query (conn, SQL_EVENT_BUMP, error, 2, params);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0) {
    PQclear (res);
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                 "no event “%s” at this hub", event);
    return FALSE;
  }
  *base = value_int (res, 0, 0);
  PQclear (res);
  return TRUE;
}

/* The ids an insert of records returned (res: NULL when it failed, cleared here), which also
 * answers one NULL row when the event exists. */
static gboolean
inserted_ids (PGresult *res, const char *event, GHashTable *inserted, GError **error)
{
  gboolean event_found = FALSE;

  if (res == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (res); r++) {
    if (PQgetisnull (res, r, 0))
      event_found = TRUE;
    else
      g_hash_table_add (inserted, g_strdup (PQgetvalue (res, r, 0)));
  }
  PQclear (res);
  if (!event_found) {
    g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                 "no event “%s” at this hub", event);
    return FALSE;
  }
  return TRUE;
}

/* Inserts the PENDING items; marks them ACCEPTED (returned by the INSERT) or DUPLICATE. */
static gboolean
insert_pending (PGconn *conn, const char *event, const char *device, const char *received_at,
                GPtrArray *items, gboolean forward, GError **error)
{
  GString *cols[N_COLS] = { NULL };
  g_autoptr(GString) accepted = g_string_new ("{");
  g_autoptr(GHashTable) inserted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *count = g_strdup_printf ("%u", items->len);
  PGresult *res;

  for (int c = 0; c < N_COLS; c++)
    cols[c] = g_string_new ("{");
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    for (int c = 0; c < N_COLS; c++)
      array_append (cols[c], item->status == FOYER_HUB_ITEM_PENDING || c != COL_ID
                             ? item_column (item, c) : NULL);
  }
  for (int c = 0; c < N_COLS; c++)
    g_string_append_c (cols[c], '}');

  {
    const char *params[] = { event, device, received_at, count, cols[0]->str, cols[1]->str,
                             cols[2]->str, cols[3]->str, cols[4]->str, cols[5]->str };
    res = query (conn, SQL_RECORDS_INSERT, error, 10, params);
  }
  for (int c = 0; c < N_COLS; c++)
    g_string_free (cols[c], TRUE);
  if (!inserted_ids (res, event, inserted, error))
    return FALSE;

  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    if (item->status != FOYER_HUB_ITEM_PENDING)
      continue;
    /* The first item with an id takes the insert; a second one in the batch is a duplicate. */
    item->status = g_hash_table_remove (inserted, item->id) ? FOYER_HUB_ITEM_ACCEPTED
                                                            : FOYER_HUB_ITEM_DUPLICATE;
    if (item->status == FOYER_HUB_ITEM_ACCEPTED)
      array_append (accepted, item->id);
  }
  g_string_append_c (accepted, '}');
  if (forward && accepted->len > 2) {
    const char *params[] = { accepted->str };
    if ((res = query (conn, SQL_FORWARD_QUEUE, error, 1, params)) == NULL)
      return FALSE;
    PQclear (res);
  }
  return TRUE;
}

/* A rejected record whose id the hub holds already is a duplicate (not validated again). */
static gboolean
settle_rejected (PGconn *conn, GPtrArray *items, GError **error)
{
  g_autoptr(GString) ids = g_string_new ("{");
  g_autoptr(GHashTable) existing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  PGresult *res;

  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    if (item->status == FOYER_HUB_ITEM_REJECTED && item->id != NULL)
      array_append (ids, item->id);
  }
  if (ids->len == 1)
    return TRUE;
  g_string_append_c (ids, '}');
  {
    const char *params[] = { ids->str };
    if ((res = query (conn, SQL_RECORDS_EXISTING, error, 1, params)) == NULL)
      return FALSE;
  }
  for (int r = 0; r < PQntuples (res); r++)
    g_hash_table_add (existing, g_strdup (PQgetvalue (res, r, 0)));
  PQclear (res);
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    if (item->status == FOYER_HUB_ITEM_REJECTED && item->id != NULL
        && g_hash_table_contains (existing, item->id)) {
      item->status = FOYER_HUB_ITEM_DUPLICATE;
      g_clear_pointer (&item->reason, g_free);
    }
  }
  return TRUE;
}

/* One batch, in the open transaction, which holds the event's row (begin_group): a key
 * already answered (committed by any transaction, or by an earlier batch of this one) is
 * replayed, not stored again. */
static gboolean
ingest_batch (PGconn *conn, FoyerHubIngest *b, GError **error)
{
  gboolean ok;

  if (b->key != NULL
      && (!idem_read (conn, b->device, b->key, b->key_since, &b->replayed, error)
          || b->replayed != NULL))
    return b->replayed != NULL;
  ok = settle_rejected (conn, b->items, error)
       && insert_pending (conn, b->event, b->device, b->received_at, b->items, b->forward,
                          error);
  if (ok && b->key != NULL && b->answer != NULL) {
    g_autofree char *text = b->answer (b->items, b->user_data);
    const char *params[] = { b->device, b->key, text, b->received_at, b->key_since };
    PGresult *res = query (conn, SQL_IDEM_PUT, error, 5, params);

    ok = res != NULL;
    PQclear (res);
  }
  return ok;
}

/* ---- group commit (foyer-hub-group.c) ---- */

/* The columns of SQL_GROUP_INSERT's unnest: a record's, then its batch's device and time. */
enum { GCOL_DEVICE = N_COLS, GCOL_RECEIVED, N_GCOLS };

/* A group written in one statement: its rows as array literals, the items they hold (the first
 * item of the group with each id; later ones are duplicates without a row), and every item that
 * was PENDING, whose status goes back to PENDING if the statement fails. */
typedef struct {
  GString    *cols[N_GCOLS];
  guint       rows;
  GHashTable *first;     /* id → the item holding its row */
  GPtrArray  *pending;   /* FoyerHubItem * */
} GroupRows;

static void
group_rows_clear (GroupRows *g)
{
  for (int c = 0; c < N_GCOLS; c++)
    if (g->cols[c] != NULL)
      g_string_free (g->cols[c], TRUE);
  g_clear_pointer (&g->first, g_hash_table_unref);
  g_clear_pointer (&g->pending, g_ptr_array_unref);
}

static void
group_rows_add (GroupRows *g, FoyerHubIngest *b)
{
  for (guint i = 0; i < b->items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (b->items, i);

    if (item->status != FOYER_HUB_ITEM_PENDING)
      continue;
    g_ptr_array_add (g->pending, item);
    /* In batch order, the first item of the group with an id takes the row. */
    if (g_hash_table_contains (g->first, item->id))
      continue;
    g_hash_table_insert (g->first, item->id, item);
    for (int c = 0; c < N_COLS; c++)
      array_append (g->cols[c], item_column (item, c));
    array_append (g->cols[GCOL_DEVICE], b->device);
    array_append (g->cols[GCOL_RECEIVED], b->received_at);
    g->rows++;
  }
}

/* Statements sent at once in libpq's pipeline mode: one round trip for all of them. An entry is
 * a prepared statement (id, params) or a text without parameters (BEGIN, COMMIT). */
typedef struct {
  SqlId       ids[5];
  const char *texts[5];
  char      **params[5];
  int         n_params[5];
  gboolean    owned[5];     /* params are copies */
  guint       len;
} Pipe;

static void
pipe_add (Pipe *p, SqlId id, const char *text, int n, const char *const *params, gboolean copy)
{
  g_assert (p->len < G_N_ELEMENTS (p->ids));
  p->ids[p->len] = id;
  p->texts[p->len] = text;
  p->n_params[p->len] = n;
  p->owned[p->len] = copy;
  p->params[p->len] = copy ? g_new0 (char *, MAX (n, 1)) : (char **) params;
  for (int i = 0; copy && i < n; i++)
    p->params[p->len][i] = g_strdup (params[i]);
  p->len++;
}

/* A prepared statement whose parameters are copied (they may be freed before pipe_run). */
static void
tail_add (Pipe *p, SqlId id, int n, const char *const *params)
{
  pipe_add (p, id, NULL, n, params, TRUE);
}

static void
pipe_clear (Pipe *p)
{
  for (guint s = 0; s < p->len; s++) {
    for (int i = 0; p->owned[s] && i < p->n_params[s]; i++)
      g_free (p->params[s][i]);
    if (p->owned[s])
      g_free (p->params[s]);
  }
  p->len = 0;
}

/* The next statement's result: kept in *kept (when not NULL), or checked and cleared. The first
 * error is reported; after it the statements were not run and say nothing new. */
static gboolean
pipe_result (PGconn *conn, gboolean ok, PGresult **kept, GError **error)
{
  PGresult *res = PQgetResult (conn);

  if (res == NULL)
    return ok ? fail_conn (conn, error) : FALSE;
  if (!ok)
    PQclear (res);
  else if (!result_ok (conn, res, error))   /* clears res */
    ok = FALSE;
  else if (kept != NULL)
    *kept = res;
  else
    PQclear (res);
  while ((res = PQgetResult (conn)) != NULL)   /* the NULL after each statement's result */
    PQclear (res);
  return ok;
}

/* Sends the pipe's statements at once; TRUE when all succeeded. *kept (may be NULL): the
 * result of the last statement. */
static gboolean
pipe_run (PGconn *conn, Pipe *p, PGresult **kept, GError **error)
{
  gboolean ok = PQenterPipelineMode (conn) == 1;
  PGresult *res;

  for (guint s = 0; ok && s < p->len; s++) {
    char name[16];

    g_snprintf (name, sizeof name, "s%d", (int) p->ids[s]);
    ok = (p->texts[s] != NULL
          ? PQsendQueryParams (conn, p->texts[s], 0, NULL, NULL, NULL, NULL, 0)
          : PQsendQueryPrepared (conn, name, p->n_params[s], (const char *const *) p->params[s],
                                 NULL, NULL, 0)) == 1;
  }
  if (!ok || PQpipelineSync (conn) != 1) {
    fail_conn (conn, error);
    PQexitPipelineMode (conn);
    return FALSE;
  }
  for (guint s = 0; s < p->len; s++)
    ok = pipe_result (conn, ok, s + 1 == p->len ? kept : NULL, error);
  if ((res = PQgetResult (conn)) == NULL || PQresultStatus (res) != PGRES_PIPELINE_SYNC)
    ok = ok && fail_conn (conn, error);
  PQclear (res);
  PQexitPipelineMode (conn);
  return ok;
}

/* Inserts the group's rows; marks each PENDING item ACCEPTED (its row was inserted) or
 * DUPLICATE. */
static gboolean
group_insert (PGconn *conn, GroupRows *g, const char *event, gboolean begun, gboolean counted,
              GError **error)
{
  g_autoptr(GHashTable) inserted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *count = g_strdup_printf ("%u", g->rows);
  const char *params[2 + N_GCOLS] = { event, count };
  Pipe front = { { 0 } };
  PGresult *res = NULL;

  for (int c = 0; c < N_GCOLS; c++) {
    g_string_append_c (g->cols[c], '}');
    params[2 + c] = g->cols[c]->str;
  }
  /* BEGIN goes with the INSERT: one round trip (unless keyed batches began the group). */
  if (!begun)
    pipe_add (&front, 0, "BEGIN", 0, NULL, FALSE);
  if (counted)
    pipe_add (&front, 0, "SET LOCAL foyer_hub.counted = on", 0, NULL, FALSE);
  pipe_add (&front, SQL_GROUP_INSERT, NULL, 2 + N_GCOLS, params, FALSE);
  if (!pipe_run (conn, &front, &res, error))
    g_clear_pointer (&res, PQclear);
  pipe_clear (&front);
  if (!inserted_ids (res, event, inserted, error))
    return FALSE;
  for (guint i = 0; i < g->pending->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (g->pending, i);
    gboolean first = g_hash_table_lookup (g->first, item->id) == item;

    item->status = first && g_hash_table_contains (inserted, item->id)
                   ? FOYER_HUB_ITEM_ACCEPTED : FOYER_HUB_ITEM_DUPLICATE;
  }
  return TRUE;
}

/* The accepted records of the batches that forward, queued in one statement. */
static void
group_forward (Pipe *tail, FoyerHubIngest **batches, guint n)
{
  g_autoptr(GString) accepted = g_string_new ("{");

  for (guint b = 0; b < n; b++)
    for (guint i = 0; batches[b]->forward && i < batches[b]->items->len; i++) {
      FoyerHubItem *item = g_ptr_array_index (batches[b]->items, i);
      if (item->status == FOYER_HUB_ITEM_ACCEPTED)
        array_append (accepted, item->id);
    }
  if (accepted->len > 1) {
    const char *params[] = { g_string_append_c (accepted, '}')->str };
    tail_add (tail, SQL_FORWARD_QUEUE, 1, params);
  }
}

/* The group's Idempotency-Key answers in one statement (as ingest_batch stores one), never
 * replacing one stored within the window. A batch that repeats an earlier batch's key in the
 * group (twin[b] set by group_replays) was not stored: it gets that batch's answer replayed. */
static void
group_answers (Pipe *tail, FoyerHubIngest **batches, guint n, const int *twin)
{
  g_autofree char **texts = g_new0 (char *, n);
  const char *since = NULL;
  GString *cols[4];

  for (int c = 0; c < 4; c++)
    cols[c] = g_string_new ("{");
  for (guint b = 0; b < n; b++) {
    FoyerHubIngest *batch = batches[b];

    if (batch->key == NULL || batch->answer == NULL || batch->replayed != NULL || twin[b] >= 0)
      continue;
    texts[b] = batch->answer (batch->items, batch->user_data);
    array_append (cols[0], batch->device);
    array_append (cols[1], batch->key);
    array_append (cols[2], texts[b]);
    array_append (cols[3], batch->received_at);
    if (since == NULL || strcmp (batch->key_since, since) < 0)
      since = batch->key_since;
  }
  for (guint b = 0; b < n; b++)
    if (twin[b] >= 0)
      batches[b]->replayed = g_strdup (texts[twin[b]]);
  if (since != NULL) {
    const char *params[5];

    for (int c = 0; c < 4; c++)
      params[c] = g_string_append_c (cols[c], '}')->str;
    params[4] = since;
    tail_add (tail, SQL_IDEM_PUT_MANY, 5, params);
  }
  for (int c = 0; c < 4; c++)
    g_string_free (cols[c], TRUE);
  for (guint b = 0; b < n; b++)
    g_free (texts[b]);
}
/* TRUE when the parser counted every record the group may insert (FoyerHubItem.counted). */
static gboolean
group_counted (FoyerHubIngest **batches, guint n)
{
  for (guint b = 0; b < n; b++)
    for (guint i = 0; i < batches[b]->items->len; i++) {
      FoyerHubItem *item = g_ptr_array_index (batches[b]->items, i);
      if (item->status == FOYER_HUB_ITEM_PENDING && (!item->counted || item->type == NULL))
        return FALSE;
    }
  return TRUE;
}

/* The live counters of the group's accepted records, as the parser counted them
 * (foyer_hub_batch_counters), summed over the batches and added in one statement. */
static gboolean
group_counters (Pipe *tail, FoyerHubIngest **batches, guint n, GError **error)
{
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();   /* FoyerHubCounter *, first of each key */
  GString *cols[3];

  for (guint b = 0; b < n; b++) {
    GPtrArray *counters = foyer_hub_batch_counters (batches[b]->items, batches[b]->device);

    if (counters == NULL) {
      g_set_error (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_FAILED,
                   "a record was not counted by the parser");
      return FALSE;
    }
    g_ptr_array_add (lists, counters);
    for (guint i = 0; i < counters->len; i++) {
      FoyerHubCounter *counter = g_ptr_array_index (counters, i);
      char *name = g_strconcat (counter->dimension, "\x1f", counter->key, NULL);
      FoyerHubCounter *sum = g_hash_table_lookup (sums, name);

      if (sum != NULL) {
        sum->count += counter->count;
        g_free (name);
      } else {
        g_hash_table_insert (sums, name, counter);
        g_ptr_array_add (order, counter);
      }
    }
  }
  if (order->len == 0)
    return TRUE;
  for (int c = 0; c < 3; c++)
    cols[c] = g_string_new ("{");
  for (guint i = 0; i < order->len; i++) {
    FoyerHubCounter *counter = g_ptr_array_index (order, i);
    g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, counter->count);

    array_append (cols[0], counter->dimension);
    array_append (cols[1], counter->key);
    array_append (cols[2], count);
  }
  for (int c = 0; c < 3; c++)
    g_string_append_c (cols[c], '}');
  {
    const char *params[] = { batches[0]->event, cols[0]->str, cols[1]->str, cols[2]->str };
    tail_add (tail, SQL_COUNTERS_ADD, 4, params);
  }
  for (int c = 0; c < 3; c++)
    g_string_free (cols[c], TRUE);
  return TRUE;
}

/* Opens the group's transaction, in one round trip. When a batch has a key, the event's row is
 * locked first (as the records' INSERT would lock it), outside the savepoints (rolling a batch
 * back must not let the lock go) and in a statement of its own: under READ COMMITTED a
 * statement's snapshot is taken when it starts, so only the answers read by later statements
 * see what the transaction that held the row (another hub process's batch with the same key)
 * committed. savepoint: also open the savepoint "batch". FALSE in *begun: nothing was sent
 * (no key, no savepoint). */
static gboolean
begin_group (PGconn *conn, FoyerHubIngest **batches, guint n, gboolean savepoint,
             gboolean *begun, GError **error)
{
  g_autoptr(GString) text = g_string_new ("BEGIN");
  gboolean keyed = FALSE;

  for (guint i = 0; i < n; i++)
    keyed = keyed || batches[i]->key != NULL;
  *begun = keyed || savepoint;
  if (!*begun)
    return TRUE;
  if (keyed) {
    char *event = PQescapeLiteral (conn, batches[0]->event, strlen (batches[0]->event));

    if (event == NULL)
      return fail_conn (conn, error);
    g_string_append_printf (text, "; SELECT 1 FROM events WHERE id = %s FOR NO KEY UPDATE",
                            event);
    PQfreemem (event);
  }
  if (savepoint)
    g_string_append (text, "; SAVEPOINT batch");
  return command (conn, text->str, error);
}

/* In the transaction that holds the event's row: each keyed batch whose key has an answer
 * stored (by any committed transaction) gets it as replayed; a batch repeating the key of an
 * earlier batch of the group gets that batch's index in twin[] (-1 otherwise), and its answer
 * once the group's answers are written (group_answers). Neither is stored. */
static gboolean
group_replays (PGconn *conn, FoyerHubIngest **batches, guint n, int *twin, GError **error)
{
  g_autoptr(GHashTable) first = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint b = 0; b < n; b++) {
    FoyerHubIngest *batch = batches[b];
    g_autofree char *name = NULL;
    gpointer earlier;

    twin[b] = -1;
    if (batch->key == NULL)
      continue;
    name = g_strconcat (batch->device, "\x1f", batch->key, NULL);
    if (g_hash_table_lookup_extended (first, name, NULL, &earlier)) {
      twin[b] = GPOINTER_TO_INT (earlier);
      continue;
    }
    if (!idem_read (conn, batch->device, batch->key, batch->key_since, &batch->replayed, error))
      return FALSE;
    if (batch->replayed == NULL)
      g_hash_table_insert (first, g_steal_pointer (&name), GINT_TO_POINTER (b));
  }
  return TRUE;
}

/* Undoes what a failed attempt at writing the group together gave the batches. */
static void
group_undo_replays (FoyerHubIngest **batches, guint n)
{
  for (guint b = 0; b < n; b++)
    g_clear_pointer (&batches[b]->replayed, g_free);
}

/* The whole group with one statement per kind of row, in the open transaction, then COMMIT
 * (counted: the transaction has foyer_hub.counted on, and the parser's counts are added here).
 * On failure the transaction is left open and the items are PENDING again (and REJECTED ones
 * found stored stay DUPLICATE, which they are). */
static gboolean
ingest_together (PGconn *conn, FoyerHubIngest **batches, guint n, gboolean counted,
                 GError **error)
{
  GroupRows g = { { NULL }, 0, g_hash_table_new (g_str_hash, g_str_equal), g_ptr_array_new () };
  Pipe tail = { { 0 } };
  gboolean ok = TRUE;

  g_autofree int *twin = g_new (int, n);
  gboolean begun = FALSE;

  for (int c = 0; c < N_GCOLS; c++)
    g.cols[c] = g_string_new ("{");
  ok = begin_group (conn, batches, n, FALSE, &begun, error)
       && (!begun || group_replays (conn, batches, n, twin, error));
  for (guint b = 0; !begun && b < n; b++)
    twin[b] = -1;
  for (guint b = 0; ok && b < n; b++)
    if (batches[b]->replayed == NULL && twin[b] < 0)
      ok = settle_rejected (conn, batches[b]->items, error);
  for (guint b = 0; ok && b < n; b++)
    if (batches[b]->replayed == NULL && twin[b] < 0)
      group_rows_add (&g, batches[b]);
  ok = ok && group_insert (conn, &g, batches[0]->event, begun, counted, error)
       && (!counted || group_counters (&tail, batches, n, error));
  if (ok) {
    group_forward (&tail, batches, n);
    group_answers (&tail, batches, n, twin);
    pipe_add (&tail, 0, "COMMIT", 0, NULL, FALSE);
    ok = pipe_run (conn, &tail, NULL, error);
  }
  for (guint i = 0; !ok && i < g.pending->len; i++)
    ((FoyerHubItem *) g_ptr_array_index (g.pending, i))->status = FOYER_HUB_ITEM_PENDING;
  if (!ok)
    group_undo_replays (batches, n);
  pipe_clear (&tail);
  group_rows_clear (&g);
  return ok;
}

/* Each batch after the savepoint "batch": a batch that fails is rolled back to it (which keeps
 * it) and gets the error, one that succeeds moves it forward. Round trips per batch: its
 * INSERT, its Idempotency-Key answer, and RELEASE + SAVEPOINT sent as one string. */
static gboolean
ingest_each (PGconn *conn, FoyerHubIngest **batches, guint n, GError **error)
{
  gboolean begun;
  gboolean ok = begin_group (conn, batches, n, TRUE, &begun, error);

  for (guint i = 0; ok && i < n; i++) {
    if (!ingest_batch (conn, batches[i], &batches[i]->error))
      ok = command (conn, "ROLLBACK TO batch", error);
    else if (i + 1 < n)
      ok = command (conn, "RELEASE batch; SAVEPOINT batch", error);
  }
  return ok && command (conn, "COMMIT", error);
}

/* Group commit (foyer-hub-group.c): the batches in one transaction, so the event's row is
 * locked and the WAL flushed once for all of them. The group goes in together: one INSERT of
 * all its records (which locks the event's row: nothing waits on that lock before it), one
 * upsert of the live counters the parser counted (then the counting trigger does not parse the
 * bodies again), one of the forwarding queue, one of the Idempotency-Key answers, the last three
 * sent with COMMIT at once: 3 round trips (BEGIN, INSERT, the rest), however many batches. If a statement fails (a batch the
 * database refuses), the transaction is rolled back and the group written again batch by batch,
 * each in a savepoint, so that only the bad batch fails. */
static gboolean
pg_ingest_group (FoyerHubStorage *storage, FoyerHubIngest **batches, guint n, GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  g_autoptr(GError) together_error = NULL;
  gboolean ok = TRUE;

  if (ingest_together (conn, batches, n, group_counted (batches, n), &together_error)) {
    ok = TRUE;
  } else if ((n == 1 || g_error_matches (together_error, FOYER_HUB_STORAGE_ERROR,
                                               FOYER_HUB_STORAGE_ERROR_UNAVAILABLE))) {
    g_propagate_error (error, g_steal_pointer (&together_error));
    ok = FALSE;
  } else {
    g_debug ("a group of %u batches goes in batch by batch: %s", n, together_error->message);
    ok = (PQtransactionStatus (conn) == PQTRANS_IDLE || command (conn, "ROLLBACK", error))
         && ingest_each (conn, batches, n, error);
  }
  release (self, conn);
  return ok;
}

static gboolean
pg_purge_idempotency (FoyerHubStorage *storage, const char *before, GError **error)
{
  const char *params[] = { before };

  return write_one (FOYER_HUB_PG (storage), SQL_IDEM_PURGE, NULL, error, 1, params);
}

/* ---- pre-registrations ---- */

#define ANALYZE_MIN_ROWS 1000

static gboolean
put_preregs (PGconn *conn, const char *event, GPtrArray *items, guint *inserted,
             guint *updated, GError **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  gint64 base;
  PGresult *res;

  if (!bump_event_seq (conn, event, items->len, &base, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, base + i + 1);
    const char *params[] = { item->id, event, item->booth, seq, now, item->body };

    if ((res = query (conn, SQL_PREREG_PUT, error, 6, params)) == NULL)
      return FALSE;
    if (PQntuples (res) > 0 && value_int (res, 0, 0) == 1)
      (*inserted)++;
    else if (PQntuples (res) > 0)
      (*updated)++;
    PQclear (res);
  }
  return TRUE;
}

static gboolean
pg_preregistrations_put (FoyerHubStorage *storage, const char *event, GPtrArray *items,
                         guint *inserted, guint *updated, GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  gboolean ok = command (conn, "BEGIN", error);

  ok = ok && put_preregs (conn, event, items, inserted, updated, error);
  ok = ok && command (conn, "COMMIT", error);
  /* An import changes the table at once: until autovacuum's ANALYZE comes round, the planner
   * still counts the rows that were there before and reads every pull page through a bitmap
   * scan and a sort of the whole event (0.6 s a page at 200,000 rows) instead of walking the
   * (event, seq) index (25 ms). */
  if (ok && *inserted + *updated >= ANALYZE_MIN_ROWS)
    ok = command (conn, "ANALYZE preregistrations", error);
  release (self, conn);
  return ok;
}

/* ---- reading ---- */

static gboolean
pg_records_foreach (FoyerHubStorage *storage, const char *event, const char *type,
                    const char *booth, FoyerHubRecordFunc func, gpointer user_data,
                    GError **error)
{
  gboolean prereg = g_strcmp0 (type, "preregistration") == 0;
  const char *params[] = { event, type, booth };
  PGresult *res = read_rows (FOYER_HUB_PG (storage), prereg ? SQL_PREREGS_ALL : SQL_RECORDS_ALL,
                             error, prereg ? 1 : 3, params);

  if (res == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++) {
    FoyerHubRecordRow row = {
      PQgetvalue (res, i, 0), PQgetvalue (res, i, 1),
      PQgetisnull (res, i, 2) ? NULL : PQgetvalue (res, i, 2), value_int (res, i, 3),
    };
    if (!func (&row, user_data))
      break;
  }
  PQclear (res);
  return TRUE;
}

static GPtrArray *
pg_stats (FoyerHubStorage *storage, const char *event, GError **error)
{
  const char *params[] = { event };
  PGresult *res = read_rows (FOYER_HUB_PG (storage), SQL_STATS, error, 1, params);
  GPtrArray *rows;

  if (res == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_stats_row_free);
  for (int i = 0; i < PQntuples (res); i++) {
    FoyerHubStatsRow *row = g_new0 (FoyerHubStatsRow, 1);
    row->dimension = value_dup (res, i, 0);
    row->key = value_dup (res, i, 1);
    row->count = value_int (res, i, 2);
    g_ptr_array_add (rows, row);
  }
  PQclear (res);
  return rows;
}

/* ---- forwarding outbox ---- */

static GPtrArray *
forward_rows (PGresult *res)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_forward_entry_free);

  for (int i = 0; i < PQntuples (res); i++) {
    FoyerHubForwardEntry *entry = g_new0 (FoyerHubForwardEntry, 1);
    entry->record_id = value_dup (res, i, 0);
    entry->event = value_dup (res, i, 1);
    entry->body = value_dup (res, i, 2);
    entry->attempts = value_int (res, i, 3);
    entry->last_error = value_dup (res, i, 4);
    entry->dead = value_int (res, i, 5) == 1;
    g_ptr_array_add (entries, entry);
  }
  PQclear (res);
  return entries;
}

static GPtrArray *
pg_forward_take (FoyerHubStorage *storage, const char *now, guint limit, GError **error)
{
  g_autofree char *n = g_strdup_printf ("%u", limit);
  const char *params[] = { now, n };
  PGresult *res = read_rows (FOYER_HUB_PG (storage), SQL_FORWARD_TAKE, error, 2, params);

  return res != NULL ? forward_rows (res) : NULL;
}

static gboolean
pg_forward_done (FoyerHubStorage *storage, const char *record_id, GError **error)
{
  const char *params[] = { record_id };

  return write_one (FOYER_HUB_PG (storage), SQL_FORWARD_DONE, NULL, error, 1, params);
}

static gboolean
pg_forward_failed (FoyerHubStorage *storage, const char *record_id, const char *reason,
                   const char *next_at, gboolean dead, GError **error)
{
  const char *params[] = { record_id, reason, next_at, dead ? "1" : "0" };

  return write_one (FOYER_HUB_PG (storage), SQL_FORWARD_FAILED, NULL, error, 4, params);
}

static GPtrArray *
pg_forward_list (FoyerHubStorage *storage, gboolean dead, GError **error)
{
  const char *params[] = { dead ? "1" : "0" };
  PGresult *res = read_rows (FOYER_HUB_PG (storage), SQL_FORWARD_LIST, error, 1, params);

  return res != NULL ? forward_rows (res) : NULL;
}

static gint64
pg_forward_requeue (FoyerHubStorage *storage, GError **error)
{
  int changes = 0;

  if (!write_one (FOYER_HUB_PG (storage), SQL_FORWARD_REQUEUE, &changes, error, 0, NULL))
    return -1;
  return changes;
}

/* ---- the dashboard's statements (issue 17) ---- */

/* The report's statements read the bodies as jsonb, parsed once per row. */
static const char *
pg_web_sql (FoyerHubWebStatement statement)
{
  switch (statement) {
  case FOYER_HUB_WEB_REPORT_ARRIVALS:
    return "SELECT id, type, device, b ->> 'badge_code', category,"
           " coalesce(extract(epoch FROM created_at::timestamptz)::bigint, 0), b ->> 'area',"
           " (SELECT string_agg(value, chr(31)) FROM jsonb_array_elements_text("
           "   CASE jsonb_typeof(b -> 'interests') WHEN 'array' THEN b -> 'interests' END)),"
           " b -> 'phones' ->> 0, b -> 'emails' ->> 0, b ->> 'consent_given',"
           " b ->> 'organization', b ->> 'title', b ->> 'city', b ->> 'direction'"
           " FROM (SELECT id, type, device, category, created_at, seq, body::jsonb AS b"
           "  FROM records WHERE event = $1 AND type IN ('registration', 'check_in')) r"
           " ORDER BY seq";
  case FOYER_HUB_WEB_REPORT_LEADS:
    return "SELECT booth, b ->> 'rating', b ->> 'follow_up' FROM (SELECT booth, seq,"
           " body::jsonb AS b FROM records WHERE event = $1 AND type = 'lead') r ORDER BY seq";
  default:
    return foyer_hub_web_sql (statement);
  }
}

/* Unprepared (they run a few times a second at most); each in its own implicit transaction. */
static gboolean
pg_web_exec (FoyerHubStorage *storage, FoyerHubWebStatement statement,
             const char *const *params, guint n, FoyerHubWebRowFunc row_func,
             gpointer user_data, gint64 *changes, GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  PGresult *res = PQexecParams (conn, pg_web_sql (statement), n, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (res);
  gboolean ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

  if (!ok) {
    g_autofree char *message = g_strstrip (g_strdup (PQresultErrorMessage (res)));
    g_set_error (error, FOYER_HUB_STORAGE_ERROR,
                 PQstatus (conn) != CONNECTION_OK ? FOYER_HUB_STORAGE_ERROR_UNAVAILABLE
                                                  : FOYER_HUB_STORAGE_ERROR_FAILED,
                 "PostgreSQL: %s", message);
  }
  for (int r = 0; ok && row_func != NULL && r < PQntuples (res); r++) {
    const char *row[32] = { NULL };
    guint columns = MIN ((guint) PQnfields (res), G_N_ELEMENTS (row) - 1);

    for (guint c = 0; c < columns; c++)
      row[c] = PQgetvalue (res, r, c);   /* "" for NULL */
    if (!row_func (row, columns, user_data))
      break;
  }
  if (ok && changes != NULL)
    *changes = g_ascii_strtoll (PQcmdTuples (res), NULL, 10);
  PQclear (res);
  release (self, conn);
  return ok;
}

/* ---- two-way sync (issue 16): pulls, erasure, audit log ----
 * Not on the hot ingest path: these statements are sent with PQexecParams, not prepared. */

#define PULL_RECORDS_SQL "SELECT type, body, device, seq FROM records WHERE event = $1" \
  " AND seq > $2::bigint AND type IN (%s) AND ($4::text IS NULL OR booth = $4)" \
  " ORDER BY seq LIMIT $3::int"

/* Registrations pulls: the rows are built by PostgreSQL's JSON functions (docs/sync-protocol.md,
 * "Registration rows"); phone_tail and revocations are added by foyer-hub-pull-rows.c. */
#define PULL_ROW_SQL \
  "SELECT type, CASE type WHEN 'revocation' THEN json_build_object('badge_code'," \
  "  j->>'badge_code', 'status', 'revoked', 'reason', coalesce(j->>'reason', ''))::text" \
  " WHEN 'erasure' THEN json_build_object('badge_code', j->>'badge_code', 'status'," \
  "  'erased')::text" \
  " ELSE json_build_object('badge_code', coalesce(j->>'signed_badge_code', j->>'badge_code')," \
  "  'status', 'valid', 'id', j->>'id', 'display_name', coalesce(nullif(j->>'full_name', '')," \
  "  nullif(btrim(coalesce(j->>'given_name', '') || ' ' || coalesce(j->>'family_name', ''))," \
  "  '')), 'company', j->>'organization', 'category', j->>'category', 'source', type)::text" \
  " END, device, seq, j->>'signed_badge_code', j->>'badge_code', j->'phones'->>0 FROM "

static const char pull_registrations_sql[] =
  PULL_ROW_SQL "(SELECT type, body::jsonb AS j, device, seq FROM records WHERE event = $1"
  " AND seq > $2::bigint AND type IN ('registration', 'revocation', 'erasure')"
  " ORDER BY seq LIMIT $3::int) AS r ORDER BY seq";
static const char pull_preregistrations_sql[] =
  PULL_ROW_SQL "(SELECT 'preregistration'::text AS type, body::jsonb AS j, NULL::text AS device,"
  " seq FROM preregistrations WHERE event = $1 AND seq > $2::bigint ORDER BY seq"
  " LIMIT $3::int) AS p ORDER BY seq";

static const char *const pull_types[] = {
  [FOYER_HUB_CHANGES_REGISTRATIONS] = "'registration', 'revocation', 'erasure'",
  [FOYER_HUB_CHANGES_CHECK_INS] = "'check_in', 'registration', 'annulment', 'erasure', 'revocation'",
  [FOYER_HUB_CHANGES_LEADS] = "'lead'",
};

/* Runs an unprepared statement with text parameters; NULL (error set) unless it succeeded. */
static PGresult *
query_text (PGconn *conn, const char *text, GError **error, int n, const char *const *params)
{
  PGresult *res = PQexecParams (conn, text, n, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (res);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    g_autofree char *message = g_strstrip (g_strdup (PQresultErrorMessage (res)));

    g_set_error (error, FOYER_HUB_STORAGE_ERROR,
                 PQstatus (conn) != CONNECTION_OK ? FOYER_HUB_STORAGE_ERROR_UNAVAILABLE
                                                  : FOYER_HUB_STORAGE_ERROR_FAILED,
                 "PostgreSQL: %s", message);
    PQclear (res);
    return NULL;
  }
  return res;
}

static GPtrArray *
rows_of (PGresult *res)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_record_row_free);

  for (int i = 0; i < PQntuples (res); i++) {
    FoyerHubRecordRow *row = foyer_hub_record_row_new (PQgetvalue (res, i, 0),
                                                       PQgetvalue (res, i, 1),
                                                       PQgetisnull (res, i, 2) ? NULL
                                                       : PQgetvalue (res, i, 2),
                                                       value_int (res, i, 3));
    if (PQnfields (res) > 4) {
      row->code = value_dup (res, i, 4);
      row->plain_code = value_dup (res, i, 5);
      row->phone = value_dup (res, i, 6);
    }
    g_ptr_array_add (rows, row);
  }
  PQclear (res);
  return rows;
}

static gboolean
pg_changes_foreach (FoyerHubStorage *storage, const char *event, FoyerHubChanges kind,
                    const char *booth, gint64 since, guint limit, FoyerHubRecordFunc func,
                    gpointer user_data, GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  gboolean registrations = kind == FOYER_HUB_CHANGES_REGISTRATIONS;
  g_autofree char *text = registrations ? g_strdup (pull_registrations_sql)
                                        : g_strdup_printf (PULL_RECORDS_SQL, pull_types[kind]);
  g_autofree char *since_text = g_strdup_printf ("%" G_GINT64_FORMAT, since);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *params[] = { event, since_text, limit_text,
                           kind == FOYER_HUB_CHANGES_LEADS ? booth : NULL };
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) preregs = NULL;
  PGresult *res;
  /* One snapshot for both tables, so the merge by seq never skips a row. */
  gboolean ok = command (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);

  if (ok && (ok = (res = query_text (conn, text, error, registrations ? 3 : 4, params)) != NULL))
    records = rows_of (res);
  if (ok && registrations
      && (ok = (res = query_text (conn, pull_preregistrations_sql, error, 3, params)) != NULL))
    preregs = rows_of (res);
  ok = ok && command (conn, "COMMIT", error);
  release (self, conn);
  if (!ok)
    return FALSE;
  if (preregs == NULL)
    preregs = g_ptr_array_new ();
  foyer_hub_changes_merge (records, preregs, limit, func, user_data);
  return TRUE;
}

static char *
pg_record_body (FoyerHubStorage *storage, const char *id, GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  const char *params[] = { id };
  PGresult *res = query_text (conn, "SELECT body FROM records WHERE id = $1", error, 1, params);
  char *body = NULL;

  release (self, conn);
  if (res != NULL && PQntuples (res) > 0)
    body = value_dup (res, 0, 0);
  PQclear (res);
  return body;
}

/* {"a","b"} of ids (NULL: empty). */
static char *
id_array (GPtrArray *ids)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    array_append (out, g_ptr_array_index (ids, i));
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static gboolean
erase_in_transaction (PGconn *conn, const char *event, GPtrArray *record_ids,
                      GPtrArray *prereg_ids, GPtrArray *tombstones, const char *audit,
                      GError **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  g_autofree char *records = id_array (record_ids);
  g_autofree char *preregs = id_array (prereg_ids);
  const char *r[] = { records };
  const char *p[] = { preregs };
  const char *a[] = { now, audit };
  PGresult *res;

  if ((res = query_text (conn, "DELETE FROM forward_outbox WHERE record_id = ANY ($1::text[])",
                         error, 1, r)) == NULL)
    return FALSE;
  PQclear (res);
  if ((res = query_text (conn, "DELETE FROM records WHERE id = ANY ($1::text[])", error, 1, r))
      == NULL)
    return FALSE;
  PQclear (res);
  if ((res = query_text (conn, "DELETE FROM preregistrations WHERE id = ANY ($1::text[])",
                         error, 1, p)) == NULL)
    return FALSE;
  PQclear (res);
  if (tombstones->len > 0 && !insert_pending (conn, event, "foyer-hub", now, tombstones, FALSE,
                                              error))
    return FALSE;
  if ((res = query_text (conn, "INSERT INTO audit_log (at, text) VALUES ($1, $2)", error, 2, a))
      == NULL)
    return FALSE;
  PQclear (res);
  return TRUE;
}

static gboolean
pg_subject_erase (FoyerHubStorage *storage, const char *event, GPtrArray *record_ids,
                  GPtrArray *prereg_ids, GPtrArray *tombstones, const char *audit,
                  GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  gboolean ok = command (conn, "BEGIN", error);

  ok = ok && erase_in_transaction (conn, event, record_ids, prereg_ids, tombstones, audit, error);
  ok = ok && command (conn, "COMMIT", error);
  release (self, conn);
  return ok;
}

static GPtrArray *
pg_audit_list (FoyerHubStorage *storage, GError **error)
{
  FoyerHubPg *self = FOYER_HUB_PG (storage);
  PGconn *conn = acquire (self);
  PGresult *res = query_text (conn, "SELECT at, text FROM audit_log ORDER BY n", error, 0, NULL);
  GPtrArray *rows;

  release (self, conn);
  if (res == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_stats_row_free);
  for (int i = 0; i < PQntuples (res); i++) {
    FoyerHubStatsRow *row = g_new0 (FoyerHubStatsRow, 1);
    row->dimension = value_dup (res, i, 0);
    row->key = value_dup (res, i, 1);
    g_ptr_array_add (rows, row);
  }
  PQclear (res);
  return rows;
}

static void
foyer_hub_pg_storage_init (FoyerHubStorageInterface *iface)
{
  iface->kind = pg_kind;
  iface->event_add = pg_event_add;
  iface->event_get = pg_event_get;
  iface->event_list = pg_event_list;
  iface->device_add = pg_device_add;
  iface->device_enroll = pg_device_enroll;
  iface->device_by_token = pg_device_by_token;
  iface->device_touch = pg_device_touch;
  iface->device_list = pg_device_list;
  iface->device_revoke = pg_device_revoke;
  iface->idempotency_get = pg_idempotency_get;
  iface->ingest_group = pg_ingest_group;
  iface->purge_idempotency = pg_purge_idempotency;
  iface->preregistrations_put = pg_preregistrations_put;
  iface->records_foreach = pg_records_foreach;
  iface->stats = pg_stats;
  iface->forward_take = pg_forward_take;
  iface->forward_done = pg_forward_done;
  iface->forward_failed = pg_forward_failed;
  iface->forward_list = pg_forward_list;
  iface->forward_requeue = pg_forward_requeue;
  iface->web_exec = pg_web_exec;
  iface->changes_foreach = pg_changes_foreach;
  iface->record_body = pg_record_body;
  iface->subject_erase = pg_subject_erase;
  iface->audit_list = pg_audit_list;
}
