/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-storage.h: the hub's database behind one small interface (SQLite or PostgreSQL).
 *
 * Every implementation is thread-safe: the server calls it from its ingest workers and from the
 * main loop at once. Exactly-once is the database's job: records are keyed by their id and a
 * batch is stored with INSERT … ON CONFLICT DO NOTHING in one transaction. Every stored change
 * (a record, an imported pre-registration) gets the next value of its event's change sequence in
 * the transaction that stores it (events.last_seq is locked for that transaction), so a pull by
 * cursor (issue 16) never skips a row that commits late.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FOYER_HUB_STORAGE_ERROR (foyer_hub_storage_error_quark ())

typedef enum {
  FOYER_HUB_STORAGE_ERROR_FAILED = 1,     /* the database reported an error */
  FOYER_HUB_STORAGE_ERROR_NOT_FOUND,      /* no such event / device */
  FOYER_HUB_STORAGE_ERROR_EXISTS,         /* a device name already taken */
  FOYER_HUB_STORAGE_ERROR_CODE_USED,      /* an enrollment code already exchanged */
  FOYER_HUB_STORAGE_ERROR_CODE_EXPIRED,   /* an enrollment code past its validity */
  FOYER_HUB_STORAGE_ERROR_UNAVAILABLE,    /* cannot connect / the database is gone */
} FoyerHubStorageError;

GQuark foyer_hub_storage_error_quark (void);

typedef struct {
  char    *id;
  char    *name;
  char    *signing_key;     /* PKCS#8 PEM, may be NULL */
  char    *verify_key;      /* SubjectPublicKeyInfo PEM, may be NULL */
  gint64   last_seq;
} FoyerHubEvent;

void foyer_hub_event_free (FoyerHubEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerHubEvent, foyer_hub_event_free)

typedef struct {
  char     *name;
  char     *event;
  char     *mode;             /* entry | booth */
  char     *booth;
  gboolean  prints;
  char     *created_at;
  char     *enroll_expires_at;
  char     *enrolled_at;
  char     *revoked_at;
  char     *last_seen_at;
  char     *last_address;
  char     *software_version;
  gint64    pending_reported; /* -1: never reported */
} FoyerHubDevice;

void foyer_hub_device_free (FoyerHubDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerHubDevice, foyer_hub_device_free)

typedef enum {
  FOYER_HUB_ITEM_PENDING = 0,   /* valid: to be inserted */
  FOYER_HUB_ITEM_ACCEPTED,
  FOYER_HUB_ITEM_DUPLICATE,
  FOYER_HUB_ITEM_REJECTED,
} FoyerHubItemStatus;

/* One record of a batch. The server fills everything but status ACCEPTED/DUPLICATE; a REJECTED
 * item whose id the hub already holds is turned into DUPLICATE by ingest (an id the hub has is
 * never validated again). */
typedef struct {
  char               *id;
  char               *type;        /* registration | check_in | lead */
  char               *created_at;
  char               *category;    /* NULL for leads */
  char               *booth;       /* leads only */
  char               *body;        /* the record's wire form, stamped with the device */
  FoyerHubItemStatus  status;
  char               *reason;      /* REJECTED */
  /* What the dashboard's live counters read from the body beyond the columns (issue 17), taken
   * from the parsed record by the batch parser so that ingest need not parse the stored body
   * again. Meaningful only when counted is TRUE; an item without them (counted FALSE, as
   * g_new0 leaves it) is counted from its stored body. */
  gboolean            counted;
  gboolean            follow_up;   /* leads: "follow_up" is true (or the number 1) */
  gboolean            exit;        /* check-ins: "direction" is "exit" */
  char               *area;        /* not leads: "area" (NULL when absent or null) */
  char               *rating;      /* leads: "rating" (NULL when absent or null) */
} FoyerHubItem;

void foyer_hub_item_free (FoyerHubItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerHubItem, foyer_hub_item_free)

/* Builds the answer stored with an Idempotency-Key, from the items after their final status. */
typedef char *(*FoyerHubAnswerFunc) (GPtrArray *items, gpointer user_data);

/* How long the answer stored under a device's Idempotency-Key is replayed (docs/sync-protocol.md
 * "Idempotency-Key"); older answers are purged, and a batch with an expired key is stored. */
#define FOYER_HUB_IDEMPOTENCY_WINDOW_S (24 * 3600)

/* The oldest created_at of an Idempotency-Key answer still replayed at now (a timestamp as
 * foyer_timestamp_now() makes them). */
char *foyer_hub_idempotency_since (const char *now);

/* One batch handed to an implementation's ingest_group: the arguments of
 * foyer_hub_storage_ingest(), and the batch's own outcome. */
typedef struct {
  const char         *event;
  const char         *device;
  const char         *received_at;
  GPtrArray          *items;
  gboolean            forward;
  const char         *key;
  const char         *key_since;   /* foyer_hub_idempotency_since (received_at) */
  FoyerHubAnswerFunc  answer;
  gpointer            user_data;
  /* Set by ingest_group when an answer was already stored under (device, key), read in the
   * batch's transaction after the event's writer lock: the batch was then NOT stored (its items
   * stay as they were) and this is the answer to replay. */
  char               *replayed;
  GError             *error;   /* set by ingest_group when this batch alone was not stored */
} FoyerHubIngest;

/* Group commit counters (foyer_hub_storage_ingest_stats), for tests and the log. */
typedef struct {
  guint64 groups;     /* transactions committed or tried */
  guint64 batches;    /* batches in them */
  guint   largest;    /* most batches in one group */
  guint   waiting;    /* batches queued now, not yet taken by a leader */
} FoyerHubIngestStats;

typedef struct {
  char   *type;
  char   *body;
  char   *device;
  gint64  seq;
  /* FOYER_HUB_CHANGES_REGISTRATIONS only: body is then the pull row as the database built it
   * (without phone_tail), and these are the badge's signed code, imported code and first phone,
   * so that a page of 5,000 rows is made without parsing 5,000 bodies. */
  char   *code;
  char   *plain_code;
  char   *phone;
} FoyerHubRecordRow;

/* What a pull reads (issue 16), all of one event, in change-sequence order:
 * REGISTRATIONS: pre-registrations and records of type registration, revocation, erasure;
 * CHECK_INS: records of type check_in, registration (a walk-in registered at an entry kiosk has
 * entered), annulment, erasure, revocation (what the event's occupancy and revocation state are
 * made of; the check-ins pull sends only the check-ins); LEADS: lead records of one booth. */
typedef enum {
  FOYER_HUB_CHANGES_REGISTRATIONS,
  FOYER_HUB_CHANGES_CHECK_INS,
  FOYER_HUB_CHANGES_LEADS,
} FoyerHubChanges;

/* Called per stored record, in change-sequence order; return FALSE to stop. */
typedef gboolean (*FoyerHubRecordFunc) (const FoyerHubRecordRow *row, gpointer user_data);

/* The dashboard's statements (issue 17): accounts, sessions, lockout counters, exhibitor links
 * and the live counters kept by the records trigger. Their SQL is written once, portable
 * (foyer-hub-storage.c; parameters $1…, as text), and run by each implementation's web_exec. */
typedef enum {
  FOYER_HUB_WEB_USER_ADD,
  FOYER_HUB_WEB_USER_GET,
  FOYER_HUB_WEB_SESSION_PUT,
  FOYER_HUB_WEB_SESSION_PURGE,
  FOYER_HUB_WEB_SESSION_GET,
  FOYER_HUB_WEB_SESSION_DELETE,
  FOYER_HUB_WEB_FAILURES_GET,
  FOYER_HUB_WEB_FAILURES_PUT,
  FOYER_HUB_WEB_LINK_PUT,
  FOYER_HUB_WEB_LINK_GET,
  FOYER_HUB_WEB_LINK_REVOKE,
  FOYER_HUB_WEB_COUNTERS,
  FOYER_HUB_WEB_COUNT_RECORDS,
  FOYER_HUB_WEB_REPORT_ARRIVALS,   /* these two read the bodies' JSON, which each database */
  FOYER_HUB_WEB_REPORT_LEADS,      /* spells its own way: the PostgreSQL one has its own text */
  FOYER_HUB_WEB_N_STATEMENTS
} FoyerHubWebStatement;

/* The SQL text of statement (SQLite's; the same for PostgreSQL but for the report's two). */
const char *foyer_hub_web_sql (FoyerHubWebStatement statement);

/* One row of a web statement: its columns as text (NULL → ""); FALSE stops. */
typedef gboolean (*FoyerHubWebRowFunc) (const char *const *columns, guint n_columns,
                                        gpointer user_data);

typedef struct {
  char   *record_id;
  char   *event;
  char   *body;
  int     attempts;
  char   *last_error;
  gboolean dead;
} FoyerHubForwardEntry;

void foyer_hub_forward_entry_free (FoyerHubForwardEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerHubForwardEntry, foyer_hub_forward_entry_free)

#define FOYER_HUB_TYPE_STORAGE (foyer_hub_storage_get_type ())
G_DECLARE_INTERFACE (FoyerHubStorage, foyer_hub_storage, FOYER_HUB, STORAGE, GObject)

struct _FoyerHubStorageInterface {
  GTypeInterface parent_iface;

  const char *(*kind)        (FoyerHubStorage *self);
  gboolean (*event_add)      (FoyerHubStorage *self, const FoyerHubEvent *event,
                              gboolean *created, GError **error);
  FoyerHubEvent *(*event_get)(FoyerHubStorage *self, const char *id, GError **error);
  GPtrArray *(*event_list)   (FoyerHubStorage *self, GError **error);

  gboolean (*device_add)     (FoyerHubStorage *self, const FoyerHubDevice *device,
                              const char *secret_hash, GError **error);
  /* Exchanges an enrollment secret for a token (both as hashes); the device is returned. */
  FoyerHubDevice *(*device_enroll) (FoyerHubStorage *self, const char *secret_hash,
                                    const char *token_hash, const char *now, GError **error);
  /* NULL without error: no such token. A revoked device is returned (revoked_at set). */
  FoyerHubDevice *(*device_by_token) (FoyerHubStorage *self, const char *token_hash,
                                      GError **error);
  gboolean (*device_touch)   (FoyerHubStorage *self, const char *name, const char *now,
                              const char *address, const char *software_version,
                              GError **error);
  GPtrArray *(*device_list)  (FoyerHubStorage *self, GError **error);
  gboolean (*device_revoke)  (FoyerHubStorage *self, const char *name, const char *now,
                              GError **error);

  /* NULL without error: no answer stored for (device, key) since `since`. */
  char *(*idempotency_get)   (FoyerHubStorage *self, const char *device, const char *key,
                              const char *since, GError **error);
  /* Stores batches (at least one, all of one event) in ONE transaction, each batch in a
   * savepoint of its own: stores the PENDING and REJECTED items of each batch, sets each item's
   * final status and, when the batch has a key, stores answer(items) under (device, key) in the
   * same transaction. A batch with a key first reads, in that transaction and after the
   * event's writer lock is held (so after any other transaction of the event committed, in this
   * process or another), the answer stored under (device, key) since key_since: when there is
   * one (committed, or stored by an earlier batch of this group) the batch is not stored and
   * gets it as replayed; an answer once stored is never replaced within the window. A batch
   * that fails is rolled back alone and gets its error; FALSE (with error) when the
   * transaction as a whole failed: then no batch is stored. forward: also queue accepted
   * records for the CRM forwarder. Called by foyer_hub_storage_ingest, which groups the batches
   * waiting for the database (foyer-hub-group.c). */
  gboolean (*ingest_group)   (FoyerHubStorage *self, FoyerHubIngest **batches, guint n,
                              GError **error);
  gboolean (*purge_idempotency) (FoyerHubStorage *self, const char *before, GError **error);

  /* Pre-registrations imported at the hub (wire form bodies keyed by id; updates get a new seq). */
  gboolean (*preregistrations_put) (FoyerHubStorage *self, const char *event, GPtrArray *items,
                                    guint *inserted, guint *updated, GError **error);
  gboolean (*records_foreach) (FoyerHubStorage *self, const char *event, const char *type,
                               const char *booth, FoyerHubRecordFunc func, gpointer user_data,
                               GError **error);
  /* Rows of (dimension, key, count) for stats: dimension is type|category|device|hour. */
  GPtrArray *(*stats)        (FoyerHubStorage *self, const char *event, GError **error);

  /* The forwarder's outbox. */
  GPtrArray *(*forward_take) (FoyerHubStorage *self, const char *now, guint limit,
                              GError **error);
  gboolean (*forward_done)   (FoyerHubStorage *self, const char *record_id, GError **error);
  gboolean (*forward_failed) (FoyerHubStorage *self, const char *record_id, const char *reason,
                              const char *next_at, gboolean dead, GError **error);
  GPtrArray *(*forward_list) (FoyerHubStorage *self, gboolean dead, GError **error);
  gint64 (*forward_requeue)  (FoyerHubStorage *self, GError **error);

  /* ---- two-way sync (issue 16; docs/sync-protocol.md "Two-way sync") ---- */
  /* Up to limit changes of one pull with seq > since, in seq order (see FoyerHubChanges). */
  gboolean (*changes_foreach) (FoyerHubStorage *self, const char *event, FoyerHubChanges kind,
                               const char *booth, gint64 since, guint limit,
                               FoyerHubRecordFunc func, gpointer user_data, GError **error);
  /* A stored record's body by id; NULL without error when the hub has none. */
  char *(*record_body)       (FoyerHubStorage *self, const char *id, GError **error);
  /* In one transaction: deletes the records and pre-registrations of event by id (and their
   * forward outbox rows), stores the tombstones (PENDING items, new change sequence values) and
   * appends audit (a line without personal data) to the audit log. */
  gboolean (*subject_erase)  (FoyerHubStorage *self, const char *event, GPtrArray *record_ids,
                              GPtrArray *prereg_ids, GPtrArray *tombstones, const char *audit,
                              GError **error);
  /* The audit log, oldest first: rows of (dimension = time, key = text). */
  GPtrArray *(*audit_list)   (FoyerHubStorage *self, GError **error);
  /* Runs one of the dashboard's statements with n text parameters (NULL binds NULL), in its own
   * transaction: row_func (when not NULL: a query, read-only) is called for every row, changes
   * (when not NULL) gets the number of rows written. */
  gboolean (*web_exec)       (FoyerHubStorage *self, FoyerHubWebStatement statement,
                              const char *const *params, guint n, FoyerHubWebRowFunc row_func,
                              gpointer user_data, gint64 *changes, GError **error);
};

/* Opens the database named by [hub] database: "postgresql://…" or "host=… dbname=…" is
 * PostgreSQL, anything else a SQLite file path (created 0600, WAL). Migrates it. */
FoyerHubStorage *foyer_hub_storage_open (const char *database, guint connections, GError **error);

const char     *foyer_hub_storage_kind          (FoyerHubStorage *self);
gboolean        foyer_hub_storage_event_add     (FoyerHubStorage *self, const FoyerHubEvent *event,
                                                 gboolean *created, GError **error);
FoyerHubEvent  *foyer_hub_storage_event_get     (FoyerHubStorage *self, const char *id,
                                                 GError **error);
GPtrArray      *foyer_hub_storage_event_list    (FoyerHubStorage *self, GError **error);
gboolean        foyer_hub_storage_device_add    (FoyerHubStorage *self,
                                                 const FoyerHubDevice *device,
                                                 const char *secret_hash, GError **error);
FoyerHubDevice *foyer_hub_storage_device_enroll (FoyerHubStorage *self, const char *secret_hash,
                                                 const char *token_hash, const char *now,
                                                 GError **error);
FoyerHubDevice *foyer_hub_storage_device_by_token (FoyerHubStorage *self, const char *token_hash,
                                                   GError **error);
gboolean        foyer_hub_storage_device_touch  (FoyerHubStorage *self, const char *name,
                                                 const char *now, const char *address,
                                                 const char *software_version, GError **error);
GPtrArray      *foyer_hub_storage_device_list   (FoyerHubStorage *self, GError **error);
gboolean        foyer_hub_storage_device_revoke (FoyerHubStorage *self, const char *name,
                                                 const char *now, GError **error);
char           *foyer_hub_storage_idempotency_get (FoyerHubStorage *self, const char *device,
                                                   const char *key, const char *since,
                                                   GError **error);
/* Stores one batch (see ingest_group). Batches of one event that wait while another group is
 * being written are stored together by one of their callers in one transaction (group commit:
 * one COMMIT, one fsync, for many batches); it returns once the COMMIT holding this batch's
 * records has returned, or with this batch's error. With a key, replayed (not NULL then) gets
 * the answer stored under (device, key) by an earlier batch within the window, when there is
 * one: this batch was then not stored (exactly one batch per key is; docs/hub.md
 * "Idempotency-Key"). */
gboolean        foyer_hub_storage_ingest        (FoyerHubStorage *self, const char *event,
                                                 const char *device, const char *received_at,
                                                 GPtrArray *items, gboolean forward,
                                                 const char *key, FoyerHubAnswerFunc answer,
                                                 gpointer user_data, char **replayed,
                                                 GError **error);
void            foyer_hub_storage_ingest_stats  (FoyerHubStorage *self,
                                                 FoyerHubIngestStats *stats);
gboolean        foyer_hub_storage_purge_idempotency (FoyerHubStorage *self, const char *before,
                                                     GError **error);
gboolean        foyer_hub_storage_preregistrations_put (FoyerHubStorage *self, const char *event,
                                                        GPtrArray *items, guint *inserted,
                                                        guint *updated, GError **error);
gboolean        foyer_hub_storage_records_foreach (FoyerHubStorage *self, const char *event,
                                                   const char *type, const char *booth,
                                                   FoyerHubRecordFunc func, gpointer user_data,
                                                   GError **error);
GPtrArray      *foyer_hub_storage_stats         (FoyerHubStorage *self, const char *event,
                                                 GError **error);
GPtrArray      *foyer_hub_storage_forward_take  (FoyerHubStorage *self, const char *now,
                                                 guint limit, GError **error);
gboolean        foyer_hub_storage_forward_done  (FoyerHubStorage *self, const char *record_id,
                                                 GError **error);
gboolean        foyer_hub_storage_forward_failed (FoyerHubStorage *self, const char *record_id,
                                                  const char *reason, const char *next_at,
                                                  gboolean dead, GError **error);
GPtrArray      *foyer_hub_storage_forward_list  (FoyerHubStorage *self, gboolean dead,
                                                 GError **error);
gint64          foyer_hub_storage_forward_requeue (FoyerHubStorage *self, GError **error);

gboolean        foyer_hub_storage_changes_foreach (FoyerHubStorage *self, const char *event,
                                                   FoyerHubChanges kind, const char *booth,
                                                   gint64 since, guint limit,
                                                   FoyerHubRecordFunc func, gpointer user_data,
                                                   GError **error);
char           *foyer_hub_storage_record_body   (FoyerHubStorage *self, const char *id,
                                                 GError **error);
gboolean        foyer_hub_storage_subject_erase (FoyerHubStorage *self, const char *event,
                                                 GPtrArray *record_ids, GPtrArray *prereg_ids,
                                                 GPtrArray *tombstones, const char *audit,
                                                 GError **error);
GPtrArray      *foyer_hub_storage_audit_list    (FoyerHubStorage *self, GError **error);

/* A copy of a change row (for implementations that read two tables and merge them by seq). */
FoyerHubRecordRow *foyer_hub_record_row_new  (const char *type, const char *body,
                                              const char *device, gint64 seq);
void               foyer_hub_record_row_free (FoyerHubRecordRow *row);
/* Calls func on the rows of a and b (each in seq order) in seq order, at most limit of them. */
gboolean           foyer_hub_changes_merge   (GPtrArray *a, GPtrArray *b, guint limit,
                                              FoyerHubRecordFunc func, gpointer user_data);
/* ---- the dashboard's tables (issue 17), through web_exec ---- */

/* Fails with EXISTS when name is taken. role: admin | viewer. */
gboolean        foyer_hub_storage_user_add      (FoyerHubStorage *self, const char *name,
                                                 const char *password_hash, const char *role,
                                                 GError **error);
/* The user's Argon2 hash and role, or NULL without error when there is no such user. */
char           *foyer_hub_storage_user_get      (FoyerHubStorage *self, const char *name,
                                                 char **role, GError **error);
/* Stores a session (by its token's hash) and drops the sessions expired at now. */
gboolean        foyer_hub_storage_session_put   (FoyerHubStorage *self, const char *token_hash,
                                                 const char *user, const char *csrf_token,
                                                 gint64 expires_at, gint64 now, GError **error);
/* TRUE with the live session's user, the user's current role and CSRF token; FALSE without
 * error when there is none (unknown, logged out or expired at now). */
gboolean        foyer_hub_storage_session_get   (FoyerHubStorage *self, const char *token_hash,
                                                 gint64 now, char **user, char **role,
                                                 char **csrf_token, gint64 *expires_at,
                                                 GError **error);
gboolean        foyer_hub_storage_session_delete (FoyerHubStorage *self, const char *token_hash,
                                                  GError **error);
/* A name's sign-in failures: count, time of the first in the window, locked until (0s when
 * none). */
gboolean        foyer_hub_storage_failures_get  (FoyerHubStorage *self, const char *name,
                                                 gint64 *failures, gint64 *first_failure,
                                                 gint64 *locked_until, GError **error);
gboolean        foyer_hub_storage_failures_put  (FoyerHubStorage *self, const char *name,
                                                 gint64 failures, gint64 first_failure,
                                                 gint64 locked_until, GError **error);
gboolean        foyer_hub_storage_link_put      (FoyerHubStorage *self, const char *token_hash,
                                                 const char *event, const char *booth,
                                                 gint64 expires_at, GError **error);
/* TRUE with the link's event and booth; FALSE without error: unknown, revoked or expired. */
gboolean        foyer_hub_storage_link_get      (FoyerHubStorage *self, const char *token_hash,
                                                 gint64 now, char **event, char **booth,
                                                 gint64 *expires_at, GError **error);
/* Revokes every live link of (event, booth); how many, or -1 on error. */
gint64          foyer_hub_storage_link_revoke   (FoyerHubStorage *self, const char *event,
                                                 const char *booth, GError **error);
/* The live counters of event (FoyerHubStatsRow), kept in the ingest transaction by a trigger
 * on records: dimension type (by record type), flow (in / out), category, hour (UTC
 * "YYYY-MM-DDTHH") and gate ("DEVICE\x1fAREA") of arrivals, lead ("BOOTH\x1fRATING") and
 * lead_follow (BOOTH) of leads. Reading them costs the number of keys, not of records. */
GPtrArray      *foyer_hub_storage_counters      (FoyerHubStorage *self, const char *event,
                                                 GError **error);
/* Calls func for every row of a query among the web statements (the report's rows). */
gboolean        foyer_hub_storage_web_foreach   (FoyerHubStorage *self,
                                                 FoyerHubWebStatement statement,
                                                 const char *const *params, guint n,
                                                 FoyerHubWebRowFunc func, gpointer user_data,
                                                 GError **error);
/* The event a dashboard without one shows: the only one, else the busiest (highest change
 * sequence); NULL (error set) when the hub has none. */
char           *foyer_hub_storage_default_event (FoyerHubStorage *self, GError **error);
/* The bare count of an event's records (the benchmark's anchor). */
gint64          foyer_hub_storage_count_records (FoyerHubStorage *self, const char *event,
                                                 GError **error);

/* A stats row. */
typedef struct {
  char   *dimension;
  char   *key;
  gint64  count;
} FoyerHubStatsRow;

void foyer_hub_stats_row_free (FoyerHubStatsRow *row);

/* Fails with CODE_USED, CODE_EXPIRED (or NOT_FOUND for a revoked device) when device, found by
 * its enrollment secret, cannot enroll at now. Shared by the implementations. */
gboolean foyer_hub_device_check_enrollable (const FoyerHubDevice *device, const char *now,
                                            GError **error);

/* Lowercase hex SHA-256 of text: how secrets and tokens are stored. */
char *foyer_hub_hash_secret (const char *text);

G_END_DECLS
