/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store.h: the durable local store and outbox (SQLite).
 *
 * Every call that writes returns only after COMMIT. One FoyerStore is one SQLite connection and
 * must be used from one thread at a time: the UI thread and the sync thread each open their own
 * on the same file. Errors are FOYER_STORE_ERROR with messages a kiosk attendant can act on;
 * a record that fails validation (foyer_registration_validate(), foyer_lead_validate()) is
 * refused with that FOYER_RECORD_ERROR_INVALID, before anything is written.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "foyer-record.h"

G_BEGIN_DECLS

#define FOYER_STORE_ERROR (foyer_store_error_quark ())

typedef enum {
  FOYER_STORE_ERROR_FULL = 1,     /* SQLITE_FULL / ENOSPC: "disk full: registrations are not being saved" */
  FOYER_STORE_ERROR_IO,           /* SQLITE_IOERR */
  FOYER_STORE_ERROR_READONLY,     /* SQLITE_READONLY, EACCES */
  FOYER_STORE_ERROR_CORRUPT,      /* SQLITE_CORRUPT / SQLITE_NOTADB (the file was moved aside) */
  FOYER_STORE_ERROR_LOCKED,       /* SQLITE_BUSY / SQLITE_LOCKED after the busy timeout */
  FOYER_STORE_ERROR_INVALID,      /* a rule of the database (constraint, unknown visitor of a lead,
                                   * pre-registration without badge); field rules are
                                   * FOYER_RECORD_ERROR_INVALID */
  FOYER_STORE_ERROR_NOT_FOUND,
  FOYER_STORE_ERROR_FAILED,       /* anything else SQLite reports */
} FoyerStoreError;

GQuark foyer_store_error_quark (void);

/* Outbox states */
#define FOYER_OUTBOX_PENDING   "pending"
#define FOYER_OUTBOX_IN_FLIGHT "in_flight"
#define FOYER_OUTBOX_DONE      "done"
#define FOYER_OUTBOX_DEAD      "dead"

typedef struct {
  gint64 pending;
  gint64 in_flight;
  gint64 done;
  gint64 dead;
} FoyerOutboxCounts;

typedef struct {
  char   *record_id;
  char   *record_type;   /* registration | check_in | lead */
  char   *state;
  int     attempts;
  char   *last_error;
  char   *created_at;
} FoyerOutboxEntry;

void foyer_outbox_entry_free (FoyerOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerOutboxEntry, foyer_outbox_entry_free)

#define FOYER_TYPE_STORE (foyer_store_get_type ())
G_DECLARE_FINAL_TYPE (FoyerStore, foyer_store, FOYER, STORE, GObject)

/* Opens (creating, mode 0600 in a 0700 directory, and migrating) the database at path. A corrupt
 * file is renamed to PATH.corrupt-YYYYmmdd-HHMMSS and a fresh database created; the rename is
 * reported through foyer_store_get_recovered_from(). */
FoyerStore        *foyer_store_open                (const char         *path,
                                                    GError            **error);
const char        *foyer_store_get_path            (FoyerStore         *self);
/* Path the corrupt database was moved to when this open recovered from one, else NULL. */
const char        *foyer_store_get_recovered_from  (FoyerStore         *self);
int                foyer_store_get_schema_version  (FoyerStore         *self);

/* --- registrations --- */

/* Stores reg and its outbox row in one transaction. Fills reg->id, created_at (when NULL) and
 * possible_duplicate (kind defaults to walk_in and category to trade_visitor when NULL). When reg has a badge code already registered for the same event, nothing
 * is written, *existing (if non-NULL) receives the earlier record (with its created_at and
 * kiosk_id) and TRUE is returned. Emits ::record-added after COMMIT for a new record. */
gboolean           foyer_store_add_registration    (FoyerStore         *self,
                                                    FoyerRegistration  *reg,
                                                    FoyerRegistration **existing,
                                                    GError            **error);
FoyerRegistration *foyer_store_get_registration    (FoyerStore         *self,
                                                    const char         *id,
                                                    GError            **error);
/* The registration with this badge code for the event, or NULL (no error) when none. */
FoyerRegistration *foyer_store_find_by_badge       (FoyerStore         *self,
                                                    const char         *event,
                                                    const char         *badge_code,
                                                    GError            **error);

/* How many times the visitor with this badge entered between since and until (any gate whose
 * records this store holds): [gate] max-entries-per-day. foyer-store-gate.c */
gboolean           foyer_store_count_entries       (FoyerStore         *self,
                                                    const char         *event,
                                                    const char         *badge_code,
                                                    GDateTime          *since,
                                                    GDateTime          *until,
                                                    guint              *count,
                                                    GError            **error);

/* --- pre-registrations (imported attendees; not sent to head office, they came from it) --- */

/* The imported attendee with this badge code, as a FoyerRegistration (kind check_in, no id), or
 * NULL (no error) when none. */
FoyerRegistration *foyer_store_find_preregistration (FoyerStore        *self,
                                                     const char        *event,
                                                     const char        *badge_code,
                                                     GError           **error);
/* Inserts or updates (by event + badge code) in one transaction. */
gboolean           foyer_store_import_preregistrations (FoyerStore     *self,
                                                        GPtrArray      *registrations,
                                                        guint          *n_inserted,
                                                        guint          *n_updated,
                                                        GError        **error);

/* The check-in flow of a badge scan at an entry kiosk:
 * - already registered for this event → *existing set, nothing written, returns TRUE;
 * - pre-registered → a check_in record copied from the pre-registration is added, returned in
 *   *added;
 * - unknown → FALSE with FOYER_STORE_ERROR_NOT_FOUND. */
gboolean           foyer_store_check_in_badge      (FoyerStore         *self,
                                                    const char         *event,
                                                    const char         *kiosk_id,
                                                    const char         *badge_code,
                                                    GBytes             *raw_payload,
                                                    FoyerRegistration **added,
                                                    FoyerRegistration **existing,
                                                    GError            **error);

/* --- leads (booth mode) --- */

/* Inserts (lead->id NULL: assigns id, created_at) or updates an existing lead; either way the
 * lead is (re)queued in the outbox in the same transaction. */
gboolean           foyer_store_save_lead           (FoyerStore         *self,
                                                    FoyerLead          *lead,
                                                    GError            **error);
FoyerLead         *foyer_store_get_lead            (FoyerStore         *self,
                                                    const char         *id,
                                                    GError            **error);
/* Leads of the event created since (RFC 3339, NULL = all), newest first, whose visitor name,
 * organization, badge code or notes contain search (NULL = all). */
GPtrArray         *foyer_store_list_leads          (FoyerStore         *self,
                                                    const char         *event,
                                                    const char         *since,
                                                    const char         *search,
                                                    GError            **error);

/* --- outbox (used by the sync thread through its own FoyerStore) --- */

/* Marks up to max due pending records in_flight and returns their wire JSON objects, oldest
 * first. */
JsonArray         *foyer_store_outbox_take         (FoyerStore         *self,
                                                    guint               max,
                                                    GError            **error);
/* mark_done, mark_retry and release act on in_flight rows only: a lead edited while its old
 * version was in flight is pending again and must be sent again. One statement per call.
 * take, mark_done, mark_retry and release commit without an fsync (synchronous=NORMAL): a power
 * cut may undo the last outbox state changes, which only sends those records again (head office
 * deduplicates by record id). Records themselves are always committed with synchronous=FULL. */
gboolean           foyer_store_outbox_mark_done    (FoyerStore         *self,
                                                    const char * const *ids,
                                                    GError            **error);
gboolean           foyer_store_outbox_mark_dead    (FoyerStore         *self,
                                                    const char         *id,
                                                    const char         *reason,
                                                    GError            **error);
/* Back to pending: attempts += 1, next attempt at next_attempt_us (g_get_real_time base),
 * last_error kept. */
gboolean           foyer_store_outbox_mark_retry   (FoyerStore         *self,
                                                    const char * const *ids,
                                                    gint64              next_attempt_us,
                                                    const char         *error_message,
                                                    GError            **error);
/* in_flight → pending, untouched attempts (shutdown, or on open after a crash). */
gboolean           foyer_store_outbox_release      (FoyerStore         *self,
                                                    const char * const *ids,
                                                    GError            **error);
gboolean           foyer_store_outbox_counts       (FoyerStore         *self,
                                                    FoyerOutboxCounts  *counts,
                                                    GError            **error);
/* Earliest next_attempt_at of a pending record (g_get_real_time base), or -1 when none. */
gint64             foyer_store_outbox_next_due     (FoyerStore         *self,
                                                    GError            **error);
/* FoyerOutboxEntry of state (NULL = all states) */
GPtrArray         *foyer_store_outbox_list         (FoyerStore         *self,
                                                    const char         *state,
                                                    guint               limit,
                                                    GError            **error);
/* dead → pending; id NULL = every dead record. Returns how many were requeued via n. */
gboolean           foyer_store_outbox_requeue      (FoyerStore         *self,
                                                    const char         *id,
                                                    guint              *n,
                                                    GError            **error);

/* --- badge printing log --- */

gboolean           foyer_store_record_print        (FoyerStore         *self,
                                                    const char         *record_id,
                                                    const char         *printer,
                                                    gboolean            success,
                                                    const char         *message,
                                                    GError            **error);

/* --- retention, statistics --- */

/* Purges personal fields of acknowledged records older than days; returns how many.
 * foyer_store_purge() with the registrations' count only. */
gboolean           foyer_store_purge_older_than    (FoyerStore         *self,
                                                    int                 days,
                                                    guint              *n_purged,
                                                    GError            **error);

typedef struct {
  guint    registrations;     /* delivered records whose personal fields were removed */
  guint    leads;             /* delivered leads whose notes, answers and staff were removed */
  guint    preregistrations;  /* imported attendees deleted (imported before the cutoff) */
  guint    outbox_errors;     /* delivered rows whose last error message was removed */
  guint    corrupt_copies;    /* damaged database copies (PATH.corrupt-*) moved aside before
                               * the cutoff, removed */
  gint64   undelivered_kept;  /* older than the cutoff but not acknowledged by head office
                               * (pending, in flight, dead): kept whole, never purged */
  gboolean wal_clean;         /* the WAL was written back and truncated to 0 bytes */
} FoyerPurgeResult;

/* Applies retention to every table and file that holds personal data: delivered records,
 * leads, outbox error messages, pre-registrations, damaged copies; with secure_delete, then a
 * TRUNCATE checkpoint (retried) so that no old byte stays in the database or its WAL. Records
 * not yet delivered are never purged: they are counted in result->undelivered_kept. When a
 * reader keeps an old snapshot open past the retries, the tables are purged but this fails with
 * FOYER_STORE_ERROR_LOCKED (result is filled, wal_clean FALSE): purge again later. */
gboolean           foyer_store_purge               (FoyerStore         *self,
                                                    int                 days,
                                                    FoyerPurgeResult   *result,
                                                    GError            **error);
/* foyer_store_purge() on a connection of its own, in a worker thread, so that a checkpoint
 * waiting for a reader never holds up the caller (the kiosk purges on a timer). The result is
 * filled on success and on FOYER_STORE_ERROR_LOCKED. */
void               foyer_store_purge_file_async    (const char         *path,
                                                    int                 days,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean           foyer_store_purge_file_finish   (GAsyncResult       *result,
                                                    FoyerPurgeResult   *purge_result,
                                                    GError            **error);
/* Records older than days that head office has not acknowledged (what purge keeps). */
gint64             foyer_store_count_undelivered_older_than (FoyerStore *self,
                                                             int         days,
                                                             GError    **error);
/* Records head office has not received, registered under from_event, moved into to_event
 * (a kiosk enrolled by a hub for an event it did not know). foyer-store-adopt.c */
gboolean           foyer_store_adopt_event         (FoyerStore         *self,
                                                    const char         *from_event,
                                                    const char         *to_event,
                                                    guint              *n_adopted,
                                                    GError            **error);
/* {"by_kind":{…},"by_category":{…},"by_hour":{"2026-11-24T10":n,…},"outbox":{…}} for event
 * (NULL = all) since (NULL = all) */
JsonObject        *foyer_store_stats               (FoyerStore         *self,
                                                    const char         *event,
                                                    const char         *since,
                                                    GError            **error);

/* --- added by the store module --- */

/* Signal "record-added" (const char *record_id, const char *record_type): emitted in the thread
 * that committed, right after COMMIT of a new or re-queued outbox row (add_registration,
 * check_in_badge, save_lead, outbox_requeue). The sync engine connects it to wake its thread. */

typedef enum {
  FOYER_STORE_OPEN_DEFAULT  = 0,
  /* Never writes: no creation, no migration, no recovery (foyerctl export/stats, tests of
   * read-only media). Writing calls fail with FOYER_STORE_ERROR_READONLY. */
  FOYER_STORE_OPEN_READONLY = 1 << 0,
} FoyerStoreOpenFlags;

FoyerStore        *foyer_store_open_with_flags     (const char         *path,
                                                    FoyerStoreOpenFlags flags,
                                                    GError            **error);
/* How long a write waits for another connection's lock before FOYER_STORE_ERROR_LOCKED
 * (default 5000 ms). */
void               foyer_store_set_busy_timeout    (FoyerStore         *self,
                                                    int                 ms);

/* Called for each registration; return FALSE to stop. reg is only valid during the call. */
typedef gboolean (*FoyerRegistrationFunc)          (const FoyerRegistration *reg,
                                                    gpointer            user_data);
/* Registrations of event (NULL = every event) created at or after since (RFC 3339, NULL = all),
 * oldest first. Reads one row at a time, so exports of a million rows stay small. */
gboolean           foyer_store_foreach_registration (FoyerStore        *self,
                                                     const char        *event,
                                                     const char        *since,
                                                     FoyerRegistrationFunc func,
                                                     gpointer           user_data,
                                                     GError           **error);
/* Number of registrations of event (NULL = all). */
gint64             foyer_store_count_registrations (FoyerStore         *self,
                                                    const char         *event,
                                                    GError            **error);

/* --- staff search (foyer-store-search.c) --- */

/* A query needs a word of at least this many characters; at most this many hits come back. */
#define FOYER_STORE_SEARCH_MIN_CHARS   2
#define FOYER_STORE_SEARCH_MAX_RESULTS 20

typedef struct {
  FoyerRegistration *registration;  /* the pre-registration: names, company, category, badge
                                     * code; no e-mail or phone */
  char              *phone_tail;    /* last 4 digits of the first phone, or NULL */
  gboolean           revoked;       /* cancelled at head office: the flow will refuse it */
} FoyerSearchHit;

void foyer_search_hit_free (FoyerSearchHit *hit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerSearchHit, foyer_search_hit_free)

/* Staff-assisted check-in: the pre-registrations of event whose name or company has a word
 * starting with every word of query (case, accents and width ignored; Han, kana and Hangul
 * text matches from any character on), or, for a query of exactly 4 digits, whose phone ends
 * with them. Returns FoyerSearchHit, sorted by name, at most FOYER_STORE_SEARCH_MAX_RESULTS;
 * *more (may be NULL) is TRUE when more matched, so that staff type more rather than browse.
 * A query without a word of FOYER_STORE_SEARCH_MIN_CHARS characters fails with
 * FOYER_STORE_ERROR_INVALID. Served from an index kept by the database itself (every write
 * to the pre-registrations updates it), so it costs the same at 200,000 attendees. */
GPtrArray         *foyer_store_search_preregistrations (FoyerStore  *self,
                                                        const char  *event,
                                                        const char  *query,
                                                        gboolean    *more,
                                                        GError     **error);
/* The form both the index and the queries are folded to: NFKD, marks removed, case-folded. */
char              *foyer_store_search_fold          (const char         *text);

G_END_DECLS
