/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-preregistrations.c: attendees imported from head office's list, and the check-in
 * of their badges at an entry kiosk (a check_in record copied from the pre-registration).
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "foyer-store-checkins.h"
#include "foyer-store-private.h"

/* --- pre-registrations --- */

#define PREREG_COLUMNS \
  "event, badge_code, category, full_name, family_name, given_name, organization, title, " \
  "emails, phones, country, city"

static FoyerRegistration *
read_preregistration (sqlite3_stmt *stmt)
{
  FoyerRegistration *reg = foyer_registration_new ();
  g_autofree char *emails = NULL;
  g_autofree char *phones = NULL;

  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);
  reg->event = _foyer_store_column_text (stmt, 0);
  reg->badge_code = _foyer_store_column_text (stmt, 1);
  reg->category = _foyer_store_column_text (stmt, 2);
  if (reg->category == NULL)
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->full_name = _foyer_store_column_text (stmt, 3);
  reg->family_name = _foyer_store_column_text (stmt, 4);
  reg->given_name = _foyer_store_column_text (stmt, 5);
  reg->organization = _foyer_store_column_text (stmt, 6);
  reg->title = _foyer_store_column_text (stmt, 7);
  emails = _foyer_store_column_text (stmt, 8);
  phones = _foyer_store_column_text (stmt, 9);
  reg->country = _foyer_store_column_text (stmt, 10);
  reg->city = _foyer_store_column_text (stmt, 11);
  reg->emails = _foyer_store_strv_from_json (emails);
  reg->phones = _foyer_store_strv_from_json (phones);
  return reg;
}

gboolean
_foyer_store_lookup_preregistration (FoyerStore         *self,
                        const char         *event,
                        const char         *badge_code,
                        FoyerRegistration **out,
                        GError            **error)
{
  return _foyer_store_lookup_badge_in (self, "SELECT " PREREG_COLUMNS " FROM preregistrations "
                          "WHERE event = ?1 AND badge_code = ?2", read_preregistration,
                          event, badge_code, out, error);
}

FoyerRegistration *
foyer_store_find_preregistration (FoyerStore  *self,
                                  const char  *event,
                                  const char  *badge_code,
                                  GError     **error)
{
  FoyerRegistration *found = NULL;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (badge_code != NULL, NULL);

  _foyer_store_lookup_preregistration (self, event, badge_code, &found, error);
  return found;
}

gboolean
foyer_store_import_preregistrations (FoyerStore  *self,
                                     GPtrArray   *registrations,
                                     guint       *n_inserted,
                                     guint       *n_updated,
                                     GError     **error)
{
  g_autofree char *now = foyer_timestamp_now ();
  guint inserted = 0, updated = 0;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (registrations != NULL, FALSE);

  for (guint i = 0; i < registrations->len; i++) {
    FoyerRegistration *reg = g_ptr_array_index (registrations, i);

    if (reg->event == NULL || *reg->event == '\0' || reg->badge_code == NULL ||
        *reg->badge_code == '\0') {
      g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID,
                   "Pre-registration %u has no event or no badge code; nothing was imported.",
                   i + 1);
      return FALSE;
    }
    if (reg->category != NULL && !foyer_category_is_valid (reg->category)) {
      g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID,
                   "Pre-registration %u has the unknown category “%s”; nothing was imported.",
                   i + 1, reg->category);
      return FALSE;
    }
  }

  if (!_foyer_store_begin (self, error))
    return FALSE;

  for (guint i = 0; i < registrations->len; i++) {
    FoyerRegistration *reg = g_ptr_array_index (registrations, i);
    g_autoptr(CachedStmt) stmt = NULL;
    gboolean exists;
    int rc;

    if ((stmt = _foyer_store_get_stmt (self, "SELECT 1 FROM preregistrations WHERE event = ?1 AND "
                          "badge_code = ?2", error)) == NULL)
      goto fail;
    _foyer_store_bind_text (stmt, 1, reg->event);
    _foyer_store_bind_text (stmt, 2, reg->badge_code);
    rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      _foyer_store_set_error_from_db (self, rc, error);
      goto fail;
    }
    exists = rc == SQLITE_ROW;
    g_clear_pointer (&stmt, _foyer_store_cached_stmt_reset);

    stmt = _foyer_store_get_stmt (self, exists
                     ? "UPDATE preregistrations SET category = ?3, full_name = ?4, "
                       "family_name = ?5, given_name = ?6, organization = ?7, title = ?8, "
                       "emails = ?9, phones = ?10, country = ?11, city = ?12, imported_at = ?13, "
                       "search_text = foyer_search_text (?4, ?5, ?6, ?7, ?10, phone_tail) "
                       "WHERE event = ?1 AND badge_code = ?2"
                     : "INSERT INTO preregistrations (" PREREG_COLUMNS ", imported_at, "
                       "search_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                       "?13, ?14)", error);
    if (stmt == NULL)
      goto fail;
    _foyer_store_bind_text (stmt, 1, reg->event);
    _foyer_store_bind_text (stmt, 2, reg->badge_code);
    _foyer_store_bind_text (stmt, 3, reg->category);
    _foyer_store_bind_text (stmt, 4, reg->full_name);
    _foyer_store_bind_text (stmt, 5, reg->family_name);
    _foyer_store_bind_text (stmt, 6, reg->given_name);
    _foyer_store_bind_text (stmt, 7, reg->organization);
    _foyer_store_bind_text (stmt, 8, reg->title);
    sqlite3_bind_text (stmt, 9, _foyer_store_strv_to_json (reg->emails), -1, g_free);
    sqlite3_bind_text (stmt, 10, _foyer_store_strv_to_json (reg->phones), -1, g_free);
    _foyer_store_bind_text (stmt, 11, reg->country);
    _foyer_store_bind_text (stmt, 12, reg->city);
    _foyer_store_bind_text (stmt, 13, now);
    if (!exists)   /* the staff search's text, written with the row (foyer-store-search.c) */
      sqlite3_bind_text (stmt, 14, _foyer_store_search_text (reg), -1, g_free);
    if (!_foyer_store_step_done (self, stmt, error))
      goto fail;
    if (exists)
      updated++;
    else
      inserted++;
  }

  if (!_foyer_store_commit (self, error))
    goto fail;
  if (n_inserted != NULL)
    *n_inserted = inserted;
  if (n_updated != NULL)
    *n_updated = updated;
  return TRUE;

fail:
  _foyer_store_rollback (self);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}

gboolean
foyer_store_check_in_badge (FoyerStore         *self,
                            const char         *event,
                            const char         *kiosk_id,
                            const char         *badge_code,
                            GBytes             *raw_payload,
                            FoyerRegistration **added,
                            FoyerRegistration **existing,
                            GError            **error)
{
  g_autoptr(FoyerRegistration) found = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL && kiosk_id != NULL && badge_code != NULL, FALSE);
  g_return_val_if_fail (added == NULL || *added == NULL, FALSE);
  g_return_val_if_fail (existing == NULL || *existing == NULL, FALSE);

  if (!_foyer_store_begin (self, error))
    return FALSE;

  if (!_foyer_store_lookup_badge (self, event, badge_code, &found, error))
    goto fail;
  if (found != NULL) {
    _foyer_store_rollback (self);
    if (existing != NULL)
      *existing = g_steal_pointer (&found);
    return TRUE;
  }

  if (!_foyer_store_lookup_preregistration (self, event, badge_code, &reg, error))
    goto fail;
  if (reg == NULL) {
    _foyer_store_rollback (self);
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                 _("The badge %s is not pre-registered for this event. Register the visitor "
                 "at the kiosk instead."), badge_code);
    return FALSE;
  }

  reg->kiosk_id = g_strdup (kiosk_id);
  if (raw_payload != NULL)
    reg->raw_payload = g_bytes_ref (raw_payload);
  if (!foyer_registration_validate (reg, error) || !_foyer_store_insert_registration (self, reg, error))
    goto fail;
  {
    /* Into the check-in log too, so that every gate's "already checked in" sees it. */
    FoyerCheckIn entry = { .id = reg->id, .event = (char *)event, .badge_code = (char *)badge_code,
                           .direction = (char *)FOYER_DIRECTION_ENTRY, .gate = (char *)kiosk_id,
                           .at = reg->created_at, .local = TRUE };

    if (!_foyer_store_put_check_in (self, &entry, error) || !_foyer_store_commit (self, error))
      goto fail;
  }

  _foyer_store_emit_record_added (self, reg->id, foyer_registration_wire_type (reg));
  if (added != NULL)
    *added = g_steal_pointer (&reg);
  return TRUE;

fail:
  _foyer_store_rollback (self);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}
