/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-gate.c: what the gate rules ask of the store: a visitor's entries in a day
 * ([gate] max-entries-per-day, docs/gate-rules.md). */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include "foyer-store-private.h"

static char *
utc_text (GDateTime *when)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (when);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z");
}

/* A visitor's entries are the records this kiosk's store holds for the badge: its check-in
 * (a pre-registered badge's first scan) or its registration at a kiosk. */
gboolean
foyer_store_count_entries (FoyerStore  *self,
                           const char  *event,
                           const char  *badge_code,
                           GDateTime   *since,
                           GDateTime   *until,
                           guint       *count,
                           GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL && badge_code != NULL, FALSE);
  g_return_val_if_fail (since != NULL && until != NULL && count != NULL, FALSE);

  *count = 0;
  if ((stmt = _foyer_store_get_stmt (self, "SELECT count(*) FROM registrations "
                                     "WHERE event = ?1 AND badge_code = ?2 "
                                     "AND kind IN ('check_in', 'walk_in') "
                                     "AND created_at >= ?3 AND created_at < ?4", error)) == NULL)
    return FALSE;
  from = utc_text (since);
  to = utc_text (until);
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, badge_code);
  _foyer_store_bind_text (stmt, 3, from);
  _foyer_store_bind_text (stmt, 4, to);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _foyer_store_set_error_from_db (self, rc, error);
  *count = (guint)sqlite3_column_int64 (stmt, 0);
  return TRUE;
}
