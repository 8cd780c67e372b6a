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
#define FOYER_STORE_SCHEMA_VERSION 4


struct _FoyerStore {
  GObject      parent_instance;

  sqlite3     *db;
  char        *path;
  char        *recovered_from;
  char        *owner;           /* pid:serial, written into claimed_by of taken rows */
  GHashTable  *stmts;           /* SQL text (static) → sqlite3_stmt */
  int          schema_version;
  gboolean     readonly;
};

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
