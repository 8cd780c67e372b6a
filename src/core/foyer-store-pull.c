/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-pull.c: what the pulls of two-way sync write (registrations with their status,
 * other gates' check-ins, the booth team's leads, cursors, the "inside now" figure) and the
 * erasure of a visitor's data. See foyer-store-checkins.h and docs/sync-protocol.md.
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "foyer-json.h"
#include "foyer-store-checkins.h"
#include "foyer-store-private.h"
#include "foyer-thread.h"

/* --- small helpers --- */

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_bool (JsonObject *o,
             const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static gboolean
put_setting (FoyerStore  *self,
             const char  *sql,
             const char  *key,
             const char  *value,
             GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *now = foyer_timestamp_now ();

  if ((stmt = _foyer_store_get_stmt (self, sql, error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, key);
  _foyer_store_bind_text (stmt, 2, value);
  _foyer_store_bind_text (stmt, 3, now);
  return _foyer_store_step_done (self, stmt, error);
}

char *
foyer_store_get_pull_cursor (FoyerStore  *self,
                             const char  *feed,
                             GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);

  if ((stmt = _foyer_store_get_stmt (self, "SELECT cursor FROM sync_cursors WHERE feed = ?1",
                                     error)) == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, feed);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return _foyer_store_column_text (stmt, 0);
  if (rc != SQLITE_DONE)
    _foyer_store_set_error_from_db (self, rc, error);
  return NULL;
}

/* --- erasure (inside a transaction) --- */

static gboolean
exec_counted (FoyerStore  *self,
              const char  *sql,
              const char  *event,
              const char  *json,
              guint       *n,
              GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  if ((stmt = _foyer_store_get_stmt (self, sql, error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, json);
  if (!_foyer_store_step_done (self, stmt, error))
    return FALSE;
  if (n != NULL)
    *n += sqlite3_changes (self->db);
  return TRUE;
}

/* ?1 event, ?2 a JSON array of badge codes, ?3… : registrations to erase go into the temporary
 * erase_ids table first, so that every dependent table is cleaned by the same list. Records
 * not delivered yet (outbox not done) stay: head office must still receive, then erase them. */
static const char * const erase_steps[] = {
  "INSERT OR IGNORE INTO temp.erase_ids SELECT r.id FROM registrations r "
  "  WHERE r.event = ?1 AND r.badge_code IN (SELECT value FROM json_each(?2))",
  "DELETE FROM temp.erase_ids WHERE id IN (SELECT o.record_id FROM outbox o "
  "  WHERE o.state != 'done') OR id IN (SELECT l.registration_id FROM leads l "
  "  JOIN outbox o ON o.record_id = l.id WHERE o.state != 'done')",
  "DELETE FROM outbox WHERE record_id IN (SELECT id FROM leads WHERE registration_id IN "
  "  (SELECT id FROM temp.erase_ids))",
  "DELETE FROM leads WHERE registration_id IN (SELECT id FROM temp.erase_ids)",
  "DELETE FROM contact_keys WHERE registration_id IN (SELECT id FROM temp.erase_ids)",
  "DELETE FROM prints WHERE record_id IN (SELECT id FROM temp.erase_ids)",
  "DELETE FROM outbox WHERE record_id IN (SELECT id FROM temp.erase_ids)",
  "DELETE FROM registrations WHERE id IN (SELECT id FROM temp.erase_ids)",
  "DELETE FROM preregistrations WHERE event = ?1 AND badge_code IN "
  "  (SELECT value FROM json_each(?2))",
  "DELETE FROM checkins WHERE event = ?1 AND badge_code IN (SELECT value FROM json_each(?2)) "
  "  AND id NOT IN (SELECT record_id FROM outbox WHERE state != 'done')",
  "DELETE FROM team_leads WHERE event = ?1 AND badge_code IN (SELECT value FROM json_each(?2))",
};

/* Which steps change personal data (counted); the others only prepare the list. */
static const gboolean erase_counts[] = { FALSE, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE, TRUE,
                                         TRUE, TRUE, TRUE };

/* Erases the badge codes (JSON array) and the registrations already listed in erase_ids. */
static gboolean
erase_in_transaction (FoyerStore  *self,
                      const char  *event,
                      const char  *badges_json,
                      const char  *origin,
                      guint       *n_deleted,
                      GError     **error)
{
  guint n = 0;

  G_STATIC_ASSERT (G_N_ELEMENTS (erase_steps) == G_N_ELEMENTS (erase_counts));
  for (guint i = 0; i < G_N_ELEMENTS (erase_steps); i++)
    if (!exec_counted (self, erase_steps[i], event, badges_json, erase_counts[i] ? &n : NULL,
                       error))
      return FALSE;
  if (!_foyer_store_exec (self, "DELETE FROM temp.erase_ids", error))
    return FALSE;
  {
    g_autoptr(CachedStmt) stmt = NULL;
    g_autofree char *now = foyer_timestamp_now ();

    if ((stmt = _foyer_store_get_stmt (self, "INSERT INTO erasures (erased_at, origin, n_rows) "
                                       "VALUES (?1, ?2, ?3)", error)) == NULL)
      return FALSE;
    _foyer_store_bind_text (stmt, 1, now);
    _foyer_store_bind_text (stmt, 2, origin);
    sqlite3_bind_int64 (stmt, 3, n);
    if (!_foyer_store_step_done (self, stmt, error))
      return FALSE;
  }
  /* The audit line says that an erasure happened and how large it was, never whom. */
  g_message ("erasure (%s): %u rows deleted", origin, n);
  if (n_deleted != NULL)
    *n_deleted += n;
  return TRUE;
}

static gboolean
ensure_erase_table (FoyerStore  *self,
                    GError     **error)
{
  return _foyer_store_exec (self, "CREATE TEMP TABLE IF NOT EXISTS erase_ids "
                            "(id TEXT PRIMARY KEY NOT NULL)", error);
}

gboolean
foyer_store_erase_badges (FoyerStore         *self,
                          const char         *event,
                          const char * const *badge_codes,
                          const char         *origin,
                          guint              *n_deleted,
                          GError            **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL && badge_codes != NULL, FALSE);

  if (n_deleted != NULL)
    *n_deleted = 0;
  json = _foyer_store_strv_array_to_json (badge_codes);
  if (!ensure_erase_table (self, error) || !_foyer_store_begin (self, error))
    return FALSE;
  if (!erase_in_transaction (self, event, json, origin != NULL ? origin : "local", n_deleted,
                             error) ||
      !_foyer_store_commit (self, error)) {
    _foyer_store_rollback (self);
    _foyer_store_recover_at_runtime (self, error);
    return FALSE;
  }
  return TRUE;
}

/* --- applying pulled rows (inside the page's transaction) --- */

static gboolean
apply_registration (FoyerStore  *self,
                    const char  *event,
                    JsonObject  *row,
                    const char  *now,
                    GPtrArray   *erased,
                    GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  const char *badge = member_string (row, "badge_code");
  const char *status = member_string (row, "status");
  const char *category = member_string (row, "category");

  if (badge == NULL || *badge == '\0' || status == NULL)
    return FALSE;
  if (g_str_equal (status, "erased")) {
    g_ptr_array_add (erased, g_strdup (badge));
    return TRUE;
  }
  if (!g_str_equal (status, "valid") && !g_str_equal (status, "revoked"))
    return FALSE;
  if (category != NULL && !foyer_category_is_valid (category))
    category = NULL;

  if ((stmt = _foyer_store_get_stmt (self, "INSERT INTO preregistrations (event, badge_code, "
                        "category, full_name, organization, imported_at, status, reason, "
                        "phone_tail, source, search_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                        "?8, ?9, ?10, foyer_search_text (?4, NULL, NULL, ?5, NULL, ?9)) "
                        "ON CONFLICT (event, badge_code) DO UPDATE SET "
                        "category = coalesce (excluded.category, category), "
                        "full_name = excluded.full_name, organization = excluded.organization, "
                        "imported_at = excluded.imported_at, status = excluded.status, "
                        "reason = excluded.reason, phone_tail = excluded.phone_tail, "
                        "source = excluded.source, search_text = foyer_search_text ("
                        "excluded.full_name, family_name, given_name, excluded.organization, "
                        "phones, excluded.phone_tail)", error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, badge);
  _foyer_store_bind_text (stmt, 3, category);
  _foyer_store_bind_text (stmt, 4, member_string (row, "display_name"));
  _foyer_store_bind_text (stmt, 5, member_string (row, "company"));
  _foyer_store_bind_text (stmt, 6, now);
  _foyer_store_bind_text (stmt, 7, status);
  _foyer_store_bind_text (stmt, 8, member_string (row, "reason"));
  _foyer_store_bind_text (stmt, 9, member_string (row, "phone_tail"));
  _foyer_store_bind_text (stmt, 10, member_string (row, "source"));
  /* the staff search finds pulled attendees too: search_text (foyer-store-search.c) */
  return _foyer_store_step_done (self, stmt, error);
}

static gboolean
apply_check_in (FoyerStore  *self,
                const char  *event,
                JsonObject  *row,
                GError     **error)
{
  const char *direction = member_string (row, "direction");
  FoyerCheckIn c = {
    .id = (char *)member_string (row, "id"),
    .event = (char *)event,
    .badge_code = (char *)member_string (row, "badge_code"),
    .direction = (char *)(direction != NULL ? direction : FOYER_DIRECTION_ENTRY),
    .gate = (char *)member_string (row, "gate"),
    .area = (char *)member_string (row, "area"),
    .at = (char *)member_string (row, "at"),
    .annulled = member_bool (row, "annulled"),
  };

  if (c.id == NULL || c.badge_code == NULL || c.at == NULL ||
      (!g_str_equal (c.direction, FOYER_DIRECTION_ENTRY) &&
       !g_str_equal (c.direction, FOYER_DIRECTION_EXIT)))
    return FALSE;
  return _foyer_store_put_check_in (self, &c, error);
}

static gboolean
apply_lead (FoyerStore  *self,
            const char  *event,
            const char  *booth,
            JsonObject  *row,
            GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  const char *badge = member_string (row, "badge_code");

  if (badge == NULL || booth == NULL)
    return FALSE;
  node = json_node_init_object (json_node_alloc (), row);
  text = foyer_json_to_string (node);
  if ((stmt = _foyer_store_get_stmt (self, "INSERT OR REPLACE INTO team_leads (event, booth, "
                        "badge_code, updated_at, row_json) VALUES (?1, ?2, ?3, ?4, ?5)",
                        error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, booth);
  _foyer_store_bind_text (stmt, 3, badge);
  _foyer_store_bind_text (stmt, 4, member_string (row, "updated_at"));
  _foyer_store_bind_text (stmt, 5, text);
  return _foyer_store_step_done (self, stmt, error);
}

/* One row: FALSE with no error for a malformed row (skipped). */
static gboolean
apply_row (FoyerStore  *self,
           const char  *feed,
           const char  *event,
           const char  *booth,
           JsonNode    *node,
           const char  *now,
           GPtrArray   *erased,
           GError     **error)
{
  JsonObject *row;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  row = json_node_get_object (node);
  if (g_str_equal (feed, FOYER_PULL_REGISTRATIONS))
    return apply_registration (self, event, row, now, erased, error);
  if (g_str_equal (feed, FOYER_PULL_CHECK_INS))
    return apply_check_in (self, event, row, error);
  return apply_lead (self, event, booth, row, error);
}

static gboolean
store_inside (FoyerStore  *self,
              JsonObject  *inside,
              GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), inside);
  g_autofree char *text = foyer_json_to_string (node);

  return put_setting (self, "INSERT OR REPLACE INTO sync_figures (name, value, updated_at) "
                      "VALUES (?1, ?2, ?3)", "inside", text, error);
}

/* A page is applied in transactions of at most PAGE_TXN_US (not a row count: a row costs
 * 50-150 µs depending on the machine's load), with a pause after each, so that a writer of
 * another process (foyerctl check-in), polling for the write lock every millisecond (busy_poll
 * in foyer-store.c), gets it within one short transaction instead of a whole page (bench-ui
 * measured 100-280 ms waits with 2,000-row transactions). A writer of this process (the kiosk's
 * UI) does not even wait for that: its first poll makes the pull commit before its next row
 * (_foyer_store_writer_waiting), so the bound is for other processes, and it is 40 ms rather than
 * the 8 ms it was before that: pulled badge codes land on random leaves, so each commit writes
 * about one 4 KiB page per row to the WAL, and longer transactions write a leaf once for more of
 * its rows (bench-pull, first pull of 200,000 from foyer-hub: 8.1-8.4 s against 8.6-9.3 s with
 * 8 ms, same hour, both with the larger pull cache below). Only the page's last transaction
 * moves the cursor: after a crash between two, the page is pulled again and its rows re-applied,
 * which leaves the same state (rows are keyed by badge or record id). */
#define PAGE_TXN_US (40 * G_TIME_SPAN_MILLISECOND)
#define PAGE_GAP_US 2000

/* A page's transactions commit without waiting for the disk (synchronous = NORMAL; the store
 * runs FULL): with transactions of 8 ms, a first pull of 200,000 rows commits several hundred
 * times, and an fsync each costs (600 WAL commits of 300 rows on the 2-core dev machine: 1.3-2.3 s
 * with FULL, 0.45 s with NORMAL). In WAL mode the file stays consistent whatever
 * happens; a power cut can only lose the page's last commits, cursor included, and the page is
 * then pulled again and re-applied (see above). A record the kiosk made is still on disk
 * before its call returns: its own commit (FULL, on the UI's connection) syncs the whole log,
 * the pulled rows before it included. */
static gboolean
set_synchronous (FoyerStore  *self,
                 gboolean     full,
                 GError     **error)
{
  return _foyer_store_exec (self, full ? "PRAGMA synchronous = FULL"
                                       : "PRAGMA synchronous = NORMAL", error);
}

/* The pulling connection's page cache, in KiB (SQLite's default is 2 MiB). Pulled badge codes
 * come in random key order (a signed code begins with a random id), so consecutive rows land on
 * different leaves of the preregistrations table; once the table outgrows the cache (about
 * 250 bytes a row: 50 MB at 200,000), most inserts re-read a leaf just evicted. The memory is
 * only taken as the table grows, and only by the sync thread's connection. */
#define PULL_CACHE_KIB 32768

static gboolean
set_pull_cache (FoyerStore  *self,
                GError     **error)
{
  if (self->pull_cache_set)
    return TRUE;
  self->pull_cache_set = _foyer_store_exec (self, "PRAGMA cache_size = -" G_STRINGIFY (PULL_CACHE_KIB),
                                            error);
  return self->pull_cache_set;
}

/* The page's transaction in progress: where it began, to write its rows again after a rollback. */
typedef struct {
  gint64   start;       /* monotonic */
  guint    first_row;   /* the index (in write order) of its first row */
  guint    applied;     /* rows applied before it */
  guint    erased;      /* badges to erase noted before it */
  gboolean rewound;     /* rolled back since the last commit */
} PageTxn;

static void
page_txn_began (PageTxn *txn, guint row, guint applied, GPtrArray *erased)
{
  txn->start = g_get_monotonic_time ();
  txn->first_row = row;
  txn->applied = applied;
  txn->erased = erased->len;
}

/* Between two rows (*row is the next): commits when the transaction is PAGE_TXN_US old or a
 * writer of this process waits for the lock. When a person waits for the kiosk's answer, it
 * rolls the transaction back instead, sleeps until the answer is on screen
 * (foyer_thread_give_way()), leaving the cores and the lock to it, and moves *row back to write
 * the same rows again: a rollback frees the lock at once and writes nothing, where a commit
 * writes the transaction's pages to the log while the check-in waits for the lock, and leaves
 * them for the check-in's fsync (bench-ui, during a pull: write lock p95 2.2 ms, COMMIT p95 2.1
 * instead of 1.1). Every other such stop commits, so scans in quick succession cannot keep the
 * pull from progressing. */
static gboolean
yield_write_lock (FoyerStore  *self,
                  PageTxn     *txn,
                  guint       *row,
                  guint       *applied,
                  GPtrArray   *erased,
                  GError     **error)
{
  gboolean person = foyer_thread_must_give_way ();

  if (!person && g_get_monotonic_time () - txn->start < PAGE_TXN_US &&
      !_foyer_store_writer_waiting ())
    return TRUE;
  if (person && !txn->rewound) {
    _foyer_store_rollback (self);
    txn->rewound = TRUE;
    *row = txn->first_row;
    *applied = txn->applied;
    g_ptr_array_set_size (erased, txn->erased);
  } else {
    if (!_foyer_store_commit (self, error))
      return FALSE;
    txn->rewound = FALSE;
  }
  if (foyer_thread_give_way () == 0)
    g_usleep (PAGE_GAP_US);
  _foyer_store_checkpoint_deferred (self);
  if (!_foyer_store_begin (self, error))
    return FALSE;
  page_txn_began (txn, *row, *applied, erased);
  return TRUE;
}

/* The order a page's rows are written in. Registration rows go in badge-code order (rows of one
 * badge keep their order: a later row replaces an earlier one). The table is keyed by badge code
 * and the hub's signed codes begin with digits of a random id, so in change order each row of a
 * short transaction lands on another page of the table, and every commit and checkpoint writes
 * a page per row; in code order the rows of a transaction share pages (bare SQLite, 200,000
 * such rows in transactions of 100, pages of 5,000 sorted: 13 s instead of 24 s). Sequential
 * codes keep their order. */
typedef struct {
  const char *badge;
  guint       index;
} RowOrder;

static int
compare_row_order (gconstpointer a,
                   gconstpointer b)
{
  const RowOrder *x = a, *y = b;
  int c = g_strcmp0 (x->badge, y->badge);

  return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static RowOrder *
row_order (const char *feed,
           JsonArray  *rows,
           guint       n)
{
  RowOrder *order = g_new0 (RowOrder, MAX (n, 1));
  gboolean by_badge = g_str_equal (feed, FOYER_PULL_REGISTRATIONS);

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (rows, i);

    order[i].index = i;
    if (by_badge && JSON_NODE_HOLDS_OBJECT (node))
      order[i].badge = member_string (json_node_get_object (node), "badge_code");
  }
  if (by_badge)
    qsort (order, n, sizeof *order, compare_row_order);
  return order;
}

gboolean
foyer_store_apply_pull (FoyerStore  *self,
                        const char  *feed,
                        const char  *event,
                        const char  *booth,
                        JsonArray   *rows,
                        const char  *cursor,
                        JsonObject  *inside,
                        guint       *n_applied,
                        GError     **error)
{
  g_autoptr(GPtrArray) erased = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *now = foyer_timestamp_now ();   /* once per page: it is the same page */
  guint n = json_array_get_length (rows);
  g_autofree RowOrder *order = row_order (feed, rows, n);
  guint applied = 0;
  PageTxn txn = { 0 };

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (feed != NULL && event != NULL && rows != NULL, FALSE);

  /* The pulling connection writes in the background: its own waits for the lock must not make
   * it (or another pull) give the lock up. */
  _foyer_store_set_yields (self, TRUE);
  if (!ensure_erase_table (self, error) || !set_pull_cache (self, error) ||
      !set_synchronous (self, FALSE, error))
    return FALSE;
  foyer_thread_give_way ();
  _foyer_store_checkpoint_deferred (self);
  if (!_foyer_store_begin (self, error)) {
    set_synchronous (self, TRUE, NULL);
    return FALSE;
  }
  page_txn_began (&txn, 0, 0, erased);
  for (guint i = 0; i < n; i++) {
    g_autoptr(GError) local = NULL;

    if (i > 0 && !yield_write_lock (self, &txn, &i, &applied, erased, error))
      goto fail;
    if (apply_row (self, feed, event, booth, json_array_get_element (rows, order[i].index), now,
                   erased, &local))
      applied++;
    else if (local != NULL) {
      g_propagate_error (error, g_steal_pointer (&local));
      goto fail;
    } else {
      g_debug ("pull %s: skipped malformed row %u", feed, order[i].index);
    }
  }
  if (erased->len > 0) {
    g_autofree char *json = NULL;

    g_ptr_array_add (erased, NULL);
    json = _foyer_store_strv_array_to_json ((const char * const *)erased->pdata);
    if (!erase_in_transaction (self, event, json, "head office", NULL, error))
      goto fail;
  }
  if (inside != NULL && !store_inside (self, inside, error))
    goto fail;
  if (!put_setting (self, "INSERT OR REPLACE INTO sync_cursors (feed, cursor, updated_at) "
                    "VALUES (?1, ?2, ?3)", feed, cursor, error) ||
      !_foyer_store_commit (self, error))
    goto fail;
  if (!set_synchronous (self, TRUE, error))
    return FALSE;
  if (n_applied != NULL)
    *n_applied = applied;
  return TRUE;

fail:
  _foyer_store_rollback (self);
  set_synchronous (self, TRUE, NULL);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}

gint64
foyer_store_get_inside (FoyerStore  *self,
                        JsonObject **areas,
                        GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), -1);

  if (areas != NULL)
    *areas = NULL;
  if ((stmt = _foyer_store_get_stmt (self, "SELECT value FROM sync_figures WHERE name = "
                                     "'inside'", error)) == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE)
      _foyer_store_set_error_from_db (self, rc, error);
    return -1;
  }
  node = json_from_string ((const char *)sqlite3_column_text (stmt, 0), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return -1;
  o = json_node_get_object (node);
  if (areas != NULL && json_object_has_member (o, "areas") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "areas")))
    *areas = json_object_ref (json_object_get_object_member (o, "areas"));
  return json_object_get_int_member_with_default (o, "event", -1);
}

GPtrArray *
foyer_store_list_team_leads (FoyerStore  *self,
                             const char  *event,
                             const char  *booth,
                             GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);

  if ((stmt = _foyer_store_get_stmt (self, "SELECT row_json FROM team_leads WHERE event = ?1 "
                        "AND booth = ?2 ORDER BY updated_at DESC, badge_code", error)) == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, booth);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autoptr(JsonNode) node = json_from_string ((const char *)sqlite3_column_text (stmt, 0),
                                                 NULL);
    if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
      g_ptr_array_add (list, json_object_ref (json_node_get_object (node)));
  }
  if (rc != SQLITE_DONE) {
    _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

/* --- a person's data, by e-mail or phone (foyerctl subject) --- */

/* ?1 event, ?2 e-mail key ("e:…" lowered), ?3 phone key ("p:…"): the registrations. */
#define SUBJECT_REGISTRATIONS \
  "SELECT DISTINCT registration_id FROM contact_keys WHERE event = ?1 AND key IN (?2, ?3)"
/* ?1 event, ?2 e-mail (lowered), ?3 phone: the pre-registrations' badge codes. */
#define SUBJECT_PREREGISTRATIONS \
  "SELECT badge_code FROM preregistrations p WHERE event = ?1 AND (" \
  "EXISTS (SELECT 1 FROM json_each (p.emails) j WHERE lower (trim (j.value)) = ?2) OR " \
  "EXISTS (SELECT 1 FROM json_each (p.phones) j WHERE trim (j.value) = ?3))"

static GPtrArray *
subject_column (FoyerStore  *self,
                const char  *sql,
                const char  *event,
                const char  *a,
                const char  *b,
                GError     **error)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  if ((stmt = _foyer_store_get_stmt (self, sql, error)) == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, a);
  _foyer_store_bind_text (stmt, 3, b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (values, _foyer_store_column_text (stmt, 0));
  if (rc != SQLITE_DONE) {
    _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  return g_steal_pointer (&values);
}

typedef struct {
  GPtrArray *registration_ids;
  GPtrArray *badge_codes;      /* NULL-terminated */
} Subject;

static void
subject_clear (Subject *subject)
{
  g_clear_pointer (&subject->registration_ids, g_ptr_array_unref);
  g_clear_pointer (&subject->badge_codes, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Subject, subject_clear)

static gboolean
find_subject (FoyerStore  *self,
              const char  *event,
              const char  *email,
              const char  *phone,
              Subject     *subject,
              GError     **error)
{
  g_autofree char *email_trim = email != NULL ? g_strstrip (g_strdup (email)) : NULL;
  g_autofree char *email_lower = email_trim != NULL ? g_ascii_strdown (email_trim, -1) : NULL;
  g_autofree char *phone_trim = phone != NULL ? g_strstrip (g_strdup (phone)) : NULL;
  g_autofree char *email_key = email_lower != NULL ? g_strconcat ("e:", email_lower, NULL) : NULL;
  g_autofree char *phone_key = phone_trim != NULL ? g_strconcat ("p:", phone_trim, NULL) : NULL;

  subject->registration_ids = subject_column (self, SUBJECT_REGISTRATIONS, event, email_key,
                                              phone_key, error);
  if (subject->registration_ids == NULL)
    return FALSE;
  subject->badge_codes = subject_column (self, SUBJECT_PREREGISTRATIONS, event, email_lower,
                                         phone_trim, error);
  if (subject->badge_codes == NULL)
    return FALSE;
  for (guint i = 0; i < subject->registration_ids->len; i++) {
    g_autoptr(FoyerRegistration) reg = NULL;

    reg = foyer_store_get_registration (self, g_ptr_array_index (subject->registration_ids, i),
                                        error);
    if (reg == NULL)
      return FALSE;
    if (reg->badge_code != NULL &&
        !g_ptr_array_find_with_equal_func (subject->badge_codes, reg->badge_code, g_str_equal,
                                           NULL))
      g_ptr_array_add (subject->badge_codes, g_strdup (reg->badge_code));
  }
  g_ptr_array_add (subject->badge_codes, NULL);
  return TRUE;
}

static gboolean
export_check_ins (FoyerStore  *self,
                  const char  *event,
                  const char  *badge_code,
                  JsonArray   *out,
                  GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  if ((stmt = _foyer_store_get_stmt (self, "SELECT id, direction, gate, area, at, annulled FROM "
                        "checkins WHERE event = ?1 AND badge_code = ?2 ORDER BY at", error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, badge_code);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    JsonObject *o = json_object_new ();

    json_object_set_string_member (o, "id", (const char *)sqlite3_column_text (stmt, 0));
    json_object_set_string_member (o, "badge_code", badge_code);
    json_object_set_string_member (o, "direction", (const char *)sqlite3_column_text (stmt, 1));
    json_object_set_string_member (o, "gate", (const char *)sqlite3_column_text (stmt, 2));
    json_object_set_string_member (o, "area", (const char *)sqlite3_column_text (stmt, 3));
    json_object_set_string_member (o, "at", (const char *)sqlite3_column_text (stmt, 4));
    json_object_set_boolean_member (o, "annulled", sqlite3_column_int (stmt, 5) != 0);
    json_array_add_object_element (out, o);
  }
  if (rc != SQLITE_DONE)
    return _foyer_store_set_error_from_db (self, rc, error);
  return TRUE;
}

static gboolean
export_leads (FoyerStore  *self,
              const char  *registration_id,
              JsonArray   *out,
              GError     **error)
{
  g_autoptr(GPtrArray) ids = subject_column (self, "SELECT id FROM leads WHERE registration_id "
                                             "= ?1 AND ?2 IS NULL AND ?3 IS NULL",
                                             registration_id, NULL, NULL, error);

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++) {
    g_autoptr(FoyerLead) lead = foyer_store_get_lead (self, g_ptr_array_index (ids, i), error);

    if (lead == NULL)
      return FALSE;
    json_array_add_object_element (out, foyer_lead_to_json (lead));
  }
  return TRUE;
}

JsonObject *
foyer_store_export_subject (FoyerStore  *self,
                            const char  *event,
                            const char  *email,
                            const char  *phone,
                            GError     **error)
{
  g_auto(Subject) subject = { 0 };
  g_autoptr(JsonObject) result = json_object_new ();
  JsonArray *regs = json_array_new (), *preregs = json_array_new ();
  JsonArray *check_ins = json_array_new (), *leads = json_array_new ();

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  g_return_val_if_fail (event != NULL && (email != NULL || phone != NULL), NULL);

  json_object_set_array_member (result, "registrations", regs);
  json_object_set_array_member (result, "preregistrations", preregs);
  json_object_set_array_member (result, "check_ins", check_ins);
  json_object_set_array_member (result, "leads", leads);
  if (!find_subject (self, event, email, phone, &subject, error))
    return NULL;
  for (guint i = 0; i < subject.registration_ids->len; i++) {
    const char *id = g_ptr_array_index (subject.registration_ids, i);
    g_autoptr(FoyerRegistration) reg = foyer_store_get_registration (self, id, error);

    if (reg == NULL || !export_leads (self, id, leads, error))
      return NULL;
    json_array_add_object_element (regs, foyer_registration_to_json (reg));
  }
  for (guint i = 0; subject.badge_codes->pdata[i] != NULL; i++) {
    const char *badge = subject.badge_codes->pdata[i];
    g_autoptr(FoyerRegistration) prereg = NULL;

    if (!_foyer_store_lookup_preregistration (self, event, badge, &prereg, error) ||
        !export_check_ins (self, event, badge, check_ins, error))
      return NULL;
    if (prereg != NULL)
      json_array_add_object_element (preregs, foyer_registration_to_json (prereg));
  }
  return g_steal_pointer (&result);
}

gboolean
foyer_store_erase_subject (FoyerStore  *self,
                           const char  *event,
                           const char  *email,
                           const char  *phone,
                           guint       *n_deleted,
                           GError     **error)
{
  g_auto(Subject) subject = { 0 };
  g_autofree char *badges = NULL;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL && (email != NULL || phone != NULL), FALSE);

  if (n_deleted != NULL)
    *n_deleted = 0;
  if (!ensure_erase_table (self, error) || !_foyer_store_begin (self, error))
    return FALSE;
  if (!find_subject (self, event, email, phone, &subject, error))
    goto fail;
  badges = _foyer_store_strv_array_to_json ((const char * const *)subject.badge_codes->pdata);
  /* Registrations without a badge code are found by their contact only. */
  for (guint i = 0; i < subject.registration_ids->len; i++) {
    g_autoptr(CachedStmt) stmt = NULL;

    if ((stmt = _foyer_store_get_stmt (self, "INSERT OR IGNORE INTO temp.erase_ids (id) "
                                       "VALUES (?1)", error)) == NULL)
      goto fail;
    _foyer_store_bind_text (stmt, 1, g_ptr_array_index (subject.registration_ids, i));
    if (!_foyer_store_step_done (self, stmt, error))
      goto fail;
  }
  if (!erase_in_transaction (self, event, badges, "local", n_deleted, error) ||
      !_foyer_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  _foyer_store_rollback (self);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}
