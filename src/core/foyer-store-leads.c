/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-leads.c: booth mode's leads (rating, notes, qualifying answers) on a visitor's
 * registration; each save (re)queues the lead in the outbox in the same transaction.
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "foyer-store-private.h"

/* --- leads --- */

#define LEAD_COLUMNS \
  "l.id, l.registration_id, l.event, l.kiosk_id, l.created_at, l.updated_at, l.booth, " \
  "l.staff_id, l.rating, l.notes, l.answers_json, l.follow_up, r.full_name, r.badge_code"

static FoyerLead *
read_lead (sqlite3_stmt *stmt)
{
  FoyerLead *lead = foyer_lead_new ();

  lead->id = _foyer_store_column_text (stmt, 0);
  lead->registration_id = _foyer_store_column_text (stmt, 1);
  lead->event = _foyer_store_column_text (stmt, 2);
  lead->kiosk_id = _foyer_store_column_text (stmt, 3);
  lead->created_at = _foyer_store_column_text (stmt, 4);
  lead->updated_at = _foyer_store_column_text (stmt, 5);
  lead->booth = _foyer_store_column_text (stmt, 6);
  lead->staff_id = _foyer_store_column_text (stmt, 7);
  lead->rating = _foyer_store_column_text (stmt, 8);
  lead->notes = _foyer_store_column_text (stmt, 9);
  lead->answers_json = _foyer_store_column_text (stmt, 10);
  lead->follow_up = sqlite3_column_int (stmt, 11) != 0;
  lead->visitor_name = _foyer_store_column_text (stmt, 12);
  lead->badge_code = _foyer_store_column_text (stmt, 13);
  return lead;
}

gboolean
foyer_store_save_lead (FoyerStore  *self,
                       FoyerLead   *lead,
                       GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *now = foyer_timestamp_now ();
  gboolean id_was_null;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (lead != NULL, FALSE);

  if (!foyer_lead_validate (lead, error))
    return FALSE;
  if (!_foyer_store_begin (self, error))
    return FALSE;

  id_was_null = lead->id == NULL;
  if (id_was_null)
    lead->id = foyer_record_id_new ();
  if (lead->created_at == NULL)
    lead->created_at = g_strdup (now);
  g_free (lead->updated_at);
  lead->updated_at = g_strdup (now);

  if ((stmt = _foyer_store_get_stmt (self,
                        "INSERT INTO leads (id, registration_id, event, kiosk_id, created_at, "
                        "  updated_at, booth, staff_id, rating, notes, answers_json, follow_up) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                        "ON CONFLICT (id) DO UPDATE SET registration_id = excluded.registration_id, "
                        "  updated_at = excluded.updated_at, booth = excluded.booth, "
                        "  staff_id = excluded.staff_id, rating = excluded.rating, "
                        "  notes = excluded.notes, answers_json = excluded.answers_json, "
                        "  follow_up = excluded.follow_up", error)) == NULL)
    goto fail;
  _foyer_store_bind_text (stmt, 1, lead->id);
  _foyer_store_bind_text (stmt, 2, lead->registration_id);
  _foyer_store_bind_text (stmt, 3, lead->event);
  _foyer_store_bind_text (stmt, 4, lead->kiosk_id);
  _foyer_store_bind_text (stmt, 5, lead->created_at);
  _foyer_store_bind_text (stmt, 6, lead->updated_at);
  _foyer_store_bind_text (stmt, 7, lead->booth);
  _foyer_store_bind_text (stmt, 8, lead->staff_id);
  _foyer_store_bind_text (stmt, 9, lead->rating);
  _foyer_store_bind_text (stmt, 10, lead->notes);
  _foyer_store_bind_text (stmt, 11, lead->answers_json);
  sqlite3_bind_int (stmt, 12, lead->follow_up ? 1 : 0);
  if (!_foyer_store_step_done (self, stmt, error)) {
    if (g_error_matches (*error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID)) {
      g_clear_error (error);
      g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID,
                   "The lead's visitor (record %s) is not on this kiosk.", lead->registration_id);
    }
    goto fail;
  }

  if (!_foyer_store_queue_record (self, lead->id, "lead", lead->created_at, error) || !_foyer_store_commit (self, error))
    goto fail;

  _foyer_store_emit_record_added (self, lead->id, "lead");
  return TRUE;

fail:
  if (id_was_null)
    g_clear_pointer (&lead->id, g_free);
  _foyer_store_rollback (self);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}

FoyerLead *
foyer_store_get_lead (FoyerStore  *self,
                      const char  *id,
                      GError     **error)
{
  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return _foyer_store_get_by_id (self, "SELECT " LEAD_COLUMNS " FROM leads l "
                                 "LEFT JOIN registrations r ON r.id = l.registration_id "
                                 "WHERE l.id = ?1",
                                 (gpointer (*) (sqlite3_stmt *)) read_lead, "lead", id, error);
}

GPtrArray *
foyer_store_list_leads (FoyerStore  *self,
                        const char  *event,
                        const char  *since,
                        const char  *search,
                        GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) leads = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_lead_free);
  g_autofree char *needle = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);

  if (search != NULL && *search != '\0')
    needle = g_utf8_casefold (search, -1);

  /* instr() over case-folded text rather than LIKE: no wildcards to escape, and Ü matches ü. */
  if ((stmt = _foyer_store_get_stmt (self, "SELECT " LEAD_COLUMNS " FROM leads l "
                        "LEFT JOIN registrations r ON r.id = l.registration_id "
                        "WHERE l.event = ?1 AND (?2 IS NULL OR l.created_at >= ?2) AND "
                        "(?3 IS NULL OR instr(foyer_fold(r.full_name), ?3) > 0 OR "
                        " instr(foyer_fold(r.organization), ?3) > 0 OR "
                        " instr(foyer_fold(r.badge_code), ?3) > 0 OR "
                        " instr(foyer_fold(l.notes), ?3) > 0) "
                        "ORDER BY l.created_at DESC, l.rowid DESC", error)) == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, since);
  _foyer_store_bind_text (stmt, 3, needle);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (leads, read_lead (stmt));
  if (rc != SQLITE_DONE) {
    _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  return g_steal_pointer (&leads);
}
