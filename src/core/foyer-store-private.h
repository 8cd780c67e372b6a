/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-private.h: what the store's files share (foyer-store.c opens the database and
 * holds the helpers, foyer-store-*.c one concern each), and the schema history that the tests
 * use to build databases of every older version. */
#pragma once

#include <sqlite3.h>
#include <glib.h>

#include "foyer-store.h"

G_BEGIN_DECLS

/* _foyer_store_migrations[i] takes a database from PRAGMA user_version i to i + 1. Forward only:
 * a released step is never edited, a change is a new step. */
extern const char * const _foyer_store_migrations[];
extern const int _foyer_store_schema_version;
#define FOYER_STORE_SCHEMA_VERSION _foyer_store_schema_version


struct _FoyerStore {
  GObject      parent_instance;

  sqlite3     *db;
  char        *path;
  char        *recovered_from;
  char        *owner;           /* pid:serial, written into claimed_by of taken rows */
  GHashTable  *stmts;           /* SQL text (static) → sqlite3_stmt */
  int          schema_version;
  gboolean     readonly;
  int          busy_timeout_ms;
  gboolean     yields;          /* writes in the background: gives the lock to waiting writers */
  gboolean     pull_cache_set;  /* the pulling connection's larger page cache is set */
  gboolean     checkpoint_deferred;  /* a yielding connection left a due checkpoint for later */
};

/* Whether a connection of this process that does not yield waits for the write lock right now
 * (it polled within the last two milliseconds). foyer-store.c */
gboolean    _foyer_store_writer_waiting    (void);
/* Marks the connection as a background writer: its own waits do not count as a writer waiting. */
void        _foyer_store_set_yields        (FoyerStore   *self,
                                            gboolean      yields);
/* Runs the WAL checkpoint a yielding connection's commit left for later because a person was
 * waiting (foyer_thread_foreground_active()), unless one still waits. */
void        _foyer_store_checkpoint_deferred (FoyerStore *self);

/* Statements prepared once per connection, reset and unbound when the autoptr goes. */
typedef sqlite3_stmt CachedStmt;
void        _foyer_store_cached_stmt_reset (CachedStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, _foyer_store_cached_stmt_reset)
/* The connection's prepared statement for sql (a static string: the cache keys on it). */
CachedStmt *_foyer_store_get_stmt          (FoyerStore   *self,
                                            const char   *sql,
                                            GError      **error);
/* Steps a statement expected to finish (INSERT/UPDATE). */
gboolean    _foyer_store_step_done         (FoyerStore   *self,
                                            sqlite3_stmt *stmt,
                                            GError      **error);
char       *_foyer_store_column_text       (sqlite3_stmt *stmt,
                                            int           i);
/* ids as a JSON array text, for json_each() in SQL. */
char       *_foyer_store_strv_array_to_json (const char * const *ids);
/* Puts a record in the outbox (pending, due now), or back there after an edit: inside the
 * transaction that writes the record. foyer-store-outbox.c */
gboolean    _foyer_store_queue_record      (FoyerStore   *self,
                                            const char   *record_id,
                                            const char   *record_type,
                                            const char   *created_at,
                                            GError      **error);
/* String lists as JSON array text (NULL for an empty list) and back. foyer-store.c */
char       *_foyer_store_strv_to_json      (char        **values);
char      **_foyer_store_strv_from_json    (const char   *text);
/* The row sql (?1 event, ?2 badge code) selects, read by read_row; *out is NULL when none. */
gboolean    _foyer_store_lookup_badge_in   (FoyerStore          *self,
                                            const char          *sql,
                                            FoyerRegistration *(*read_row) (sqlite3_stmt *stmt),
                                            const char          *event,
                                            const char          *badge_code,
                                            FoyerRegistration  **out,
                                            GError             **error);
/* The row sql (?1 the id) selects, read by read_row; NULL with FOYER_STORE_ERROR_NOT_FOUND
 * ("There is no <what> <id> on this kiosk.") when there is none. foyer-store.c */
gpointer    _foyer_store_get_by_id         (FoyerStore          *self,
                                            const char          *sql,
                                            gpointer           (*read_row) (sqlite3_stmt *stmt),
                                            const char          *what,
                                            const char          *id,
                                            GError             **error);
/* The registration with this badge code for the event. */
gboolean    _foyer_store_lookup_badge      (FoyerStore          *self,
                                            const char          *event,
                                            const char          *badge_code,
                                            FoyerRegistration  **out,
                                            GError             **error);
/* The pre-registration (imported or pulled, whatever its status) with this badge code, as a
 * check_in registration without id. foyer-store-preregistrations.c */
gboolean    _foyer_store_lookup_preregistration (FoyerStore         *self,
                                                 const char         *event,
                                                 const char         *badge_code,
                                                 FoyerRegistration **out,
                                                 GError            **error);
/* Inside a transaction: the duplicate check, the row, its contact keys and its outbox row. */
gboolean    _foyer_store_insert_registration (FoyerStore        *self,
                                              FoyerRegistration *reg,
                                              GError           **error);
/* ::record-added, after COMMIT. */
void        _foyer_store_emit_record_added (FoyerStore   *self,
                                            const char   *record_id,
                                            const char   *record_type);

/* The check-in log (foyer-store-checkins.c): inserts or replaces one row (inside a
 * transaction), and the wire object of a check_in or annulment record of the outbox. */
gboolean    _foyer_store_put_check_in      (FoyerStore          *self,
                                            const void          *check_in,  /* FoyerCheckIn */
                                            GError             **error);
JsonObject *_foyer_store_load_log_record   (FoyerStore          *self,
                                            const char          *id,
                                            const char          *type,
                                            GError             **error);

/* foyer_search_text(), which the writers of the pre-registrations and the migrations call to
 * fill the column search_text: on every connection, before the migrations run.
 * foyer-store-search.c */
void        _foyer_store_register_search_functions (sqlite3 *db);
/* The search text foyer_search_text() gives the row of a registration, computed without
 * going through JSON, for the import to bind. foyer-store-search.c */
char       *_foyer_store_search_text (const FoyerRegistration *reg);

/* SQLite result code → FOYER_STORE_ERROR with a message an attendant can act on; FALSE. */
gboolean _foyer_store_set_error_from_db   (FoyerStore   *self,
                                           int           rc,
                                           GError      **error);
void     _foyer_store_bind_text           (sqlite3_stmt *stmt,
                                           int           i,
                                           const char   *value);
gboolean _foyer_store_exec                (FoyerStore   *self,
                                           const char   *sql,
                                           GError      **error);
/* BEGIN IMMEDIATE … COMMIT; rollback never fails the caller. */
gboolean _foyer_store_begin               (FoyerStore   *self,
                                           GError      **error);
void     _foyer_store_rollback            (FoyerStore   *self);
gboolean _foyer_store_commit              (FoyerStore   *self,
                                           GError      **error);
/* After a failed write: a database found corrupt is moved aside and reopened. */
void     _foyer_store_recover_at_runtime  (FoyerStore   *self,
                                           GError      **error);

G_END_DECLS
