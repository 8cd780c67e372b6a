/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-adopt.c: the records of a kiosk used before it was connected to head office,
 * moved into the event it was then enrolled for (foyer-enroll.c).
 *
 * Until enrollment a kiosk registers under its local [kiosk] event (often the placeholder
 * "default-event"); the hub accepts a device's records only for the device's event, so those
 * records would be refused. Only records head office has not received are moved: a delivered
 * record is never changed.
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include "foyer-store-private.h"

#define UNDELIVERED "(SELECT record_id FROM outbox WHERE state != 'done')"

static const char * const adopt_sql[] = {
  /* OR IGNORE: a badge code already used in the new event keeps its row where it is (the hub
   * then refuses it into the dead letters, where staff see it; nothing is lost). */
  "UPDATE OR IGNORE registrations SET event = ?2 WHERE event = ?1 AND id IN " UNDELIVERED,
  "UPDATE leads SET event = ?2 WHERE event = ?1 AND id IN " UNDELIVERED,
  "UPDATE contact_keys SET event = ?2 WHERE event = ?1 AND registration_id IN " UNDELIVERED,
};

gboolean
foyer_store_adopt_event (FoyerStore  *self,
                         const char  *from_event,
                         const char  *to_event,
                         guint       *n_adopted,
                         GError     **error)
{
  guint n = 0;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (from_event != NULL && to_event != NULL, FALSE);

  if (!_foyer_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (adopt_sql); i++) {
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2 (self->db, adopt_sql[i], -1, &stmt, NULL);

    if (rc == SQLITE_OK) {
      _foyer_store_bind_text (stmt, 1, from_event);
      _foyer_store_bind_text (stmt, 2, to_event);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (self->db);
    }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_OK) {
      _foyer_store_set_error_from_db (self, rc, error);
      _foyer_store_rollback (self);
      return FALSE;
    }
    if (i < 2)   /* records; contact keys are not records */
      n += sqlite3_changes (self->db);
  }
  if (!_foyer_store_commit (self, error))
    return FALSE;
  if (n_adopted != NULL)
    *n_adopted = n;
  return TRUE;
}
