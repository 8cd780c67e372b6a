/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-migrations.c: the schema, as the forward-only steps that built it.
 *
 * Each step runs in the transaction that also sets PRAGMA user_version, so a kiosk that loses
 * power mid-upgrade opens the old version again and retries.
 */
#include "config.h"

#include "foyer-store-private.h"

const char * const _foyer_store_migrations[] = {
  /* 0 → 1: registrations, leads, the outbox and the pre-registered attendees. Lists (emails,
   * phones, interests) are JSON arrays; times are RFC 3339 UTC text, so they sort as text. */
  "CREATE TABLE registrations ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  event TEXT NOT NULL,"
  "  kiosk_id TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('walk_in', 'check_in', 'lead')),"
  "  category TEXT NOT NULL,"
  "  full_name TEXT,"
  "  family_name TEXT,"
  "  given_name TEXT,"
  "  organization TEXT,"
  "  title TEXT,"
  "  emails TEXT,"
  "  phones TEXT,"
  "  country TEXT,"
  "  city TEXT,"
  "  interests TEXT,"
  "  badge_code TEXT,"
  "  source TEXT,"
  "  raw_payload BLOB,"
  "  consent_given INTEGER NOT NULL DEFAULT 0,"
  "  consent_version TEXT,"
  "  consent_at TEXT,"
  "  notes TEXT,"
  "  possible_duplicate INTEGER NOT NULL DEFAULT 0,"
  "  purged INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE UNIQUE INDEX registrations_event_badge ON registrations (event, badge_code)"
  "  WHERE badge_code IS NOT NULL;"
  "CREATE TABLE leads ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  registration_id TEXT NOT NULL REFERENCES registrations (id),"
  "  event TEXT NOT NULL,"
  "  kiosk_id TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL,"
  "  booth TEXT,"
  "  staff_id TEXT,"
  "  rating TEXT CHECK (rating IS NULL OR rating IN ('hot', 'warm', 'cold')),"
  "  notes TEXT,"
  "  answers_json TEXT,"
  "  follow_up INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX leads_event_created ON leads (event, created_at);"
  "CREATE TABLE outbox ("
  "  record_id TEXT PRIMARY KEY NOT NULL,"
  "  record_type TEXT NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'pending'"
  "    CHECK (state IN ('pending', 'in_flight', 'done', 'dead')),"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT,"
  "  created_at TEXT NOT NULL,"
  "  acknowledged_at TEXT"
  ");"
  "CREATE TABLE preregistrations ("
  "  event TEXT NOT NULL,"
  "  badge_code TEXT NOT NULL,"
  "  category TEXT,"
  "  full_name TEXT,"
  "  family_name TEXT,"
  "  given_name TEXT,"
  "  organization TEXT,"
  "  title TEXT,"
  "  emails TEXT,"
  "  phones TEXT,"
  "  country TEXT,"
  "  city TEXT,"
  "  imported_at TEXT NOT NULL,"
  "  PRIMARY KEY (event, badge_code)"
  ") WITHOUT ROWID;",

  /* 1 → 2: the sync thread takes due records by (state, next_attempt_at); in_flight rows name
   * the connection that took them, so a crashed owner's rows can be given back; the badge
   * printing log; exports and stats by event and time. */
  "CREATE INDEX outbox_state_due ON outbox (state, next_attempt_at);"
  "ALTER TABLE outbox ADD COLUMN claimed_by TEXT;"
  "CREATE TABLE prints ("
  "  id INTEGER PRIMARY KEY,"
  "  record_id TEXT NOT NULL,"
  "  printed_at TEXT NOT NULL,"
  "  printer TEXT,"
  "  success INTEGER NOT NULL,"
  "  message TEXT"
  ");"
  "CREATE INDEX prints_record ON prints (record_id);"
  "CREATE INDEX registrations_event_created ON registrations (event, created_at);",

  /* 2 → 3: e-mail addresses and phone numbers as lookup keys, so a new registration finds an
   * earlier one with the same contact (possible duplicate) without scanning the table. */
  "CREATE TABLE contact_keys ("
  "  event TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE"
  ");"
  "CREATE INDEX contact_keys_lookup ON contact_keys (event, key);"
  "CREATE INDEX contact_keys_registration ON contact_keys (registration_id);"
  "INSERT INTO contact_keys (event, key, registration_id)"
  "  SELECT r.event, 'e:' || lower(trim(j.value)), r.id"
  "  FROM registrations r, json_each(r.emails) j"
  "  WHERE r.purged = 0 AND r.emails IS NOT NULL AND json_valid(r.emails);"
  "INSERT INTO contact_keys (event, key, registration_id)"
  "  SELECT r.event, 'p:' || trim(j.value), r.id"
  "  FROM registrations r, json_each(r.phones) j"
  "  WHERE r.purged = 0 AND r.phones IS NOT NULL AND json_valid(r.phones);",

  /* 3 → 4: phone numbers kept as the visitor wrote them because no region explains them (a
   * JSON array, a subset of phones), for staff to check. */
  "ALTER TABLE registrations ADD COLUMN phones_unverified TEXT;",

  /* 4 → 5: the staff PIN's lockout outlives a restart (a single row: wrong entries in a row,
   * lockouts since the last right PIN, end of the lockout in µs since the epoch), and the
   * wrong entries are kept for the Admin page: when, and the lockout each one started, never
   * what was typed. */
  "CREATE TABLE pin_lockout ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  failures INTEGER NOT NULL DEFAULT 0,"
  "  level INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE pin_failures ("
  "  id INTEGER PRIMARY KEY,"
  "  failed_at TEXT NOT NULL,"
  "  lockout_seconds INTEGER NOT NULL DEFAULT 0"
  ");",
  /* 5 → 6: two-way sync (issue 16). The pre-registration table also holds what the pulls
   * bring (other kiosks' registrations, revocations with their reason, the last 4 digits of the
   * phone for the staff search); the check-in log holds every gate's entries and exits, this
   * kiosk's own included (backfilled from its check_in registrations); annulments are records
   * of their own; the pull cursors, the last "inside now" figure and the booth team's merged
   * leads; the erasure audit (when, from where, how many rows: never whom). */
  "ALTER TABLE preregistrations ADD COLUMN status TEXT NOT NULL DEFAULT 'valid'"
  "  CHECK (status IN ('valid', 'revoked'));"
  "ALTER TABLE preregistrations ADD COLUMN reason TEXT;"
  "ALTER TABLE preregistrations ADD COLUMN phone_tail TEXT;"
  "ALTER TABLE preregistrations ADD COLUMN source TEXT;"
  "CREATE TABLE checkins ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  event TEXT NOT NULL,"
  "  badge_code TEXT NOT NULL,"
  "  direction TEXT NOT NULL DEFAULT 'entry' CHECK (direction IN ('entry', 'exit')),"
  "  gate TEXT,"
  "  area TEXT,"
  "  at TEXT NOT NULL,"
  "  annulled INTEGER NOT NULL DEFAULT 0,"
  "  local INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX checkins_badge ON checkins (event, badge_code, at);"
  "CREATE INDEX checkins_local ON checkins (local, at);"
  "INSERT INTO checkins (id, event, badge_code, direction, gate, at, local)"
  "  SELECT id, event, badge_code, 'entry', kiosk_id, created_at, 1 FROM registrations"
  "  WHERE kind = 'check_in' AND badge_code IS NOT NULL;"
  "CREATE TABLE annulments ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  checkin_id TEXT NOT NULL,"
  "  created_at TEXT NOT NULL"
  ");"
  "CREATE TABLE sync_cursors ("
  "  feed TEXT PRIMARY KEY NOT NULL,"
  "  cursor TEXT,"
  "  updated_at TEXT NOT NULL"
  ");"
  "CREATE TABLE sync_figures ("
  "  name TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL"
  ");"
  "CREATE TABLE team_leads ("
  "  event TEXT NOT NULL,"
  "  booth TEXT NOT NULL,"
  "  badge_code TEXT NOT NULL,"
  "  updated_at TEXT,"
  "  row_json TEXT NOT NULL,"
  "  PRIMARY KEY (event, booth, badge_code)"
  ") WITHOUT ROWID;"
  "CREATE TABLE erasures ("
  "  id INTEGER PRIMARY KEY,"
  "  erased_at TEXT NOT NULL,"
  "  origin TEXT NOT NULL,"
  "  n_rows INTEGER NOT NULL"
  ");",

  /* 6 → 7: the badge print queue (foyer-print-queue.c). A job is stored before it is sent, so it
   * survives a restart; its CUPS job id and state are kept so that a job in flight at a crash
   * is looked up at CUPS, not sent twice. Times in µs since the epoch. */
  "CREATE TABLE print_jobs ("
  "  id INTEGER PRIMARY KEY,"
  "  record_id TEXT NOT NULL,"
  "  payload TEXT,"
  "  reason TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  printer TEXT,"
  "  cups_job_id INTEGER NOT NULL DEFAULT 0,"
  "  cups_state TEXT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  message TEXT,"
  "  confirmed_by TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  sent_at INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX print_jobs_state ON print_jobs (state);"
  "CREATE INDEX print_jobs_record ON print_jobs (record_id);",
  /* 7 → 8: the staff search's text (foyer-store-search.c): folded words of the names and the
   * company, each after a space, and "#" with a phone's last 4 digits, searched with instr().
   * The writers of the pre-registrations (import, pull) compute it with foyer_search_text() in
   * the statement that writes the row: one column, no index to keep (an index of 8 to 14 keys
   * per attendee made imports 20 to 36 times slower), and it goes with a deleted row. Needs
   * foyer_search_text(), which every FoyerStore connection registers. */
  "ALTER TABLE preregistrations ADD COLUMN search_text TEXT;"
  "UPDATE preregistrations SET search_text = foyer_search_text (full_name, family_name,"
  "  given_name, organization, phones, phone_tail);",
  NULL
};

/* The schema version is the number of steps: appending one is all a new step needs. */
const int _foyer_store_schema_version = G_N_ELEMENTS (_foyer_store_migrations) - 1;
