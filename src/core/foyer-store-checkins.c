/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store-checkins.c: the check-in log (this kiosk's entries and exits and the other
 * gates' pulled ones), badge status (valid, revoked) and annulments. See
 * foyer-store-checkins.h.
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "foyer-store-checkins.h"
#include "foyer-store-private.h"

#define CHECKIN_COLUMNS "id, event, badge_code, direction, gate, area, at, annulled, local"

FoyerCheckIn *
foyer_check_in_copy (const FoyerCheckIn *check_in)
{
  FoyerCheckIn *copy = g_new0 (FoyerCheckIn, 1);

  copy->id = g_strdup (check_in->id);
  copy->event = g_strdup (check_in->event);
  copy->badge_code = g_strdup (check_in->badge_code);
  copy->direction = g_strdup (check_in->direction);
  copy->gate = g_strdup (check_in->gate);
  copy->area = g_strdup (check_in->area);
  copy->at = g_strdup (check_in->at);
  copy->annulled = check_in->annulled;
  copy->local = check_in->local;
  return copy;
}

void
foyer_check_in_free (FoyerCheckIn *check_in)
{
  if (check_in == NULL)
    return;
  g_free (check_in->id);
  g_free (check_in->event);
  g_free (check_in->badge_code);
  g_free (check_in->direction);
  g_free (check_in->gate);
  g_free (check_in->area);
  g_free (check_in->at);
  g_free (check_in);
}

static gpointer
read_check_in (sqlite3_stmt *stmt)
{
  FoyerCheckIn *c = g_new0 (FoyerCheckIn, 1);

  c->id = _foyer_store_column_text (stmt, 0);
  c->event = _foyer_store_column_text (stmt, 1);
  c->badge_code = _foyer_store_column_text (stmt, 2);
  c->direction = _foyer_store_column_text (stmt, 3);
  c->gate = _foyer_store_column_text (stmt, 4);
  c->area = _foyer_store_column_text (stmt, 5);
  c->at = _foyer_store_column_text (stmt, 6);
  c->annulled = sqlite3_column_int (stmt, 7) != 0;
  c->local = sqlite3_column_int (stmt, 8) != 0;
  return c;
}

/* Inserts or replaces a log row (pulled rows replace by id: latest state wins). */
gboolean
_foyer_store_put_check_in (FoyerStore  *self,
                           const void  *check_in,
                           GError     **error)
{
  const FoyerCheckIn *c = check_in;
  g_autoptr(CachedStmt) stmt = NULL;

  /* A pulled copy of this kiosk's own check-in keeps it local (annullable here). */
  if ((stmt = _foyer_store_get_stmt (self, "INSERT INTO checkins (" CHECKIN_COLUMNS ") VALUES "
                        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET "
                        "event = excluded.event, badge_code = excluded.badge_code, "
                        "direction = excluded.direction, gate = excluded.gate, "
                        "area = excluded.area, at = excluded.at, "
                        "annulled = max(annulled, excluded.annulled), "
                        "local = max(local, excluded.local)", error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, c->id);
  _foyer_store_bind_text (stmt, 2, c->event);
  _foyer_store_bind_text (stmt, 3, c->badge_code);
  _foyer_store_bind_text (stmt, 4, c->direction != NULL ? c->direction : FOYER_DIRECTION_ENTRY);
  _foyer_store_bind_text (stmt, 5, c->gate);
  _foyer_store_bind_text (stmt, 6, c->area);
  _foyer_store_bind_text (stmt, 7, c->at);
  sqlite3_bind_int (stmt, 8, c->annulled ? 1 : 0);
  sqlite3_bind_int (stmt, 9, c->local ? 1 : 0);
  return _foyer_store_step_done (self, stmt, error);
}

/* --- badges --- */

gboolean
foyer_store_lookup_badge_status (FoyerStore         *self,
                                 const char         *event,
                                 const char         *badge_code,
                                 FoyerBadgeStatus   *status,
                                 FoyerRegistration **visitor,
                                 char              **reason,
                                 GError            **error)
{
  g_autoptr(FoyerRegistration) found = NULL;
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL && badge_code != NULL && status != NULL, FALSE);

  *status = FOYER_BADGE_STATUS_UNKNOWN;
  if (reason != NULL)
    *reason = NULL;
  /* The pre-registration first: head office's revocation wins over the copy this kiosk made
   * when it checked the badge in. */
  if ((stmt = _foyer_store_get_stmt (self, "SELECT status, reason FROM preregistrations "
                        "WHERE event = ?1 AND badge_code = ?2", error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, badge_code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW) {
    *status = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "revoked") == 0
              ? FOYER_BADGE_STATUS_REVOKED : FOYER_BADGE_STATUS_VALID;
    if (reason != NULL)
      *reason = _foyer_store_column_text (stmt, 1);
  } else if (rc != SQLITE_DONE) {
    return _foyer_store_set_error_from_db (self, rc, error);
  }
  g_clear_pointer (&stmt, _foyer_store_cached_stmt_reset);

  if (!_foyer_store_lookup_badge (self, event, badge_code, &found, error))
    return FALSE;
  /* the pre-registration's whole row only when the caller wants the visitor */
  if (found == NULL && *status != FOYER_BADGE_STATUS_UNKNOWN && visitor != NULL &&
      !_foyer_store_lookup_preregistration (self, event, badge_code, &found, error))
    return FALSE;
  if (found != NULL && *status == FOYER_BADGE_STATUS_UNKNOWN)
    *status = FOYER_BADGE_STATUS_VALID;
  if (visitor != NULL)
    *visitor = g_steal_pointer (&found);
  return TRUE;
}

/* --- the log --- */

FoyerCheckIn *
foyer_store_last_entry (FoyerStore  *self,
                        const char  *event,
                        const char  *badge_code,
                        GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);

  if ((stmt = _foyer_store_get_stmt (self, "SELECT " CHECKIN_COLUMNS " FROM checkins "
                        "WHERE event = ?1 AND badge_code = ?2 AND direction = 'entry' "
                        "AND annulled = 0 ORDER BY at DESC LIMIT 1", error)) == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, badge_code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return read_check_in (stmt);
  if (rc != SQLITE_DONE)
    _foyer_store_set_error_from_db (self, rc, error);
  return NULL;
}

/* The first entry of a badge at this kiosk: the check_in registration with the visitor's data,
 * whose id the log row shares. Inside the transaction. */
static gboolean
insert_first_entry (FoyerStore         *self,
                    FoyerRegistration  *prereg,
                    const char         *gate,
                    GBytes             *raw_payload,
                    GError            **error)
{
  prereg->kiosk_id = g_strdup (gate);
  if (raw_payload != NULL)
    prereg->raw_payload = g_bytes_ref (raw_payload);
  return foyer_registration_validate (prereg, error) &&
         _foyer_store_insert_registration (self, prereg, error);
}

/* Who the visitor is and whether this kiosk made their registration already. */
static gboolean
find_visitor (FoyerStore         *self,
              const char         *event,
              const char         *badge_code,
              FoyerRegistration **visitor,
              gboolean           *registered_here,
              GError            **error)
{
  if (!_foyer_store_lookup_badge (self, event, badge_code, visitor, error))
    return FALSE;
  *registered_here = *visitor != NULL;
  if (*visitor == NULL &&
      !_foyer_store_lookup_preregistration (self, event, badge_code, visitor, error))
    return FALSE;
  if (*visitor == NULL) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                 _("The badge %s is not pre-registered for this event. Register the visitor "
                   "at the kiosk instead."), badge_code);
    return FALSE;
  }
  return TRUE;
}

gboolean
foyer_store_record_check_in (FoyerStore         *self,
                             const char         *event,
                             const char         *gate,
                             const char         *area,
                             const char         *badge_code,
                             const char         *direction,
                             GBytes             *raw_payload,
                             FoyerCheckIn      **out,
                             FoyerRegistration **visitor,
                             GError            **error)
{
  g_autoptr(FoyerRegistration) reg = NULL;
  FoyerCheckIn c = { 0 };
  gboolean registered_here = FALSE;
  gboolean first;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL && gate != NULL && badge_code != NULL, FALSE);
  if (direction == NULL)
    direction = FOYER_DIRECTION_ENTRY;
  g_return_val_if_fail (g_str_equal (direction, FOYER_DIRECTION_ENTRY) ||
                        g_str_equal (direction, FOYER_DIRECTION_EXIT), FALSE);

  if (!_foyer_store_begin (self, error))
    return FALSE;
  if (!find_visitor (self, event, badge_code, &reg, &registered_here, error))
    goto fail;

  first = !registered_here && g_str_equal (direction, FOYER_DIRECTION_ENTRY);
  if (first) {
    if (!insert_first_entry (self, reg, gate, raw_payload, error))
      goto fail;
    c.id = reg->id;
    c.at = reg->created_at;
  } else {
    c.id = foyer_record_id_new ();
    c.at = foyer_timestamp_now ();
  }
  c.event = (char *)event;
  c.badge_code = (char *)badge_code;
  c.direction = (char *)direction;
  c.gate = (char *)gate;
  c.area = (char *)area;
  c.local = TRUE;
  if (!_foyer_store_put_check_in (self, &c, error) ||
      (!first && !_foyer_store_queue_record (self, c.id, "check_in", c.at, error)) ||
      !_foyer_store_commit (self, error))
    goto fail_free;

  _foyer_store_emit_record_added (self, c.id, "check_in");
  if (out != NULL)
    *out = foyer_check_in_copy (&c);
  if (!first) {
    g_free (c.id);
    g_free (c.at);
  }
  if (visitor != NULL)
    *visitor = g_steal_pointer (&reg);
  return TRUE;

fail_free:
  if (!first) {
    g_free (c.id);
    g_free (c.at);
  }
fail:
  _foyer_store_rollback (self);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}

GPtrArray *
foyer_store_list_recent_check_ins (FoyerStore  *self,
                                   GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_check_in_free);
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);

  if ((stmt = _foyer_store_get_stmt (self, "SELECT " CHECKIN_COLUMNS " FROM checkins "
                        "WHERE local = 1 ORDER BY at DESC, rowid DESC LIMIT ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, FOYER_STORE_ANNUL_WINDOW);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_check_in (stmt));
  if (rc != SQLITE_DONE) {
    _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

/* Whether id is among this kiosk's latest check-ins; *annulled tells if it is annulled. */
static gboolean
in_annul_window (FoyerStore  *self,
                 const char  *id,
                 gboolean    *found,
                 gboolean    *annulled,
                 GError     **error)
{
  g_autoptr(GPtrArray) recent = foyer_store_list_recent_check_ins (self, error);

  *found = FALSE;
  if (recent == NULL)
    return FALSE;
  for (guint i = 0; i < recent->len; i++) {
    FoyerCheckIn *c = g_ptr_array_index (recent, i);
    if (g_strcmp0 (c->id, id) == 0) {
      *found = TRUE;
      *annulled = c->annulled;
    }
  }
  return TRUE;
}

gboolean
foyer_store_annul_check_in (FoyerStore  *self,
                            const char  *check_in_id,
                            char       **annulment_id,
                            GError     **error)
{
  g_autofree char *id = foyer_record_id_new ();
  g_autofree char *now = foyer_timestamp_now ();
  g_autoptr(CachedStmt) stmt = NULL;
  gboolean found = FALSE, annulled = FALSE;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (check_in_id != NULL, FALSE);

  if (!_foyer_store_begin (self, error))
    return FALSE;
  if (!in_annul_window (self, check_in_id, &found, &annulled, error))
    goto fail;
  if (!found || annulled) {
    _foyer_store_rollback (self);
    if (!found)
      g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                   _("Only one of this kiosk’s last %d check-ins can be annulled."),
                   FOYER_STORE_ANNUL_WINDOW);
    else
      g_set_error_literal (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID,
                           _("This check-in is annulled already."));
    return FALSE;
  }

  if ((stmt = _foyer_store_get_stmt (self, "UPDATE checkins SET annulled = 1 WHERE id = ?1",
                                     error)) == NULL)
    goto fail;
  _foyer_store_bind_text (stmt, 1, check_in_id);
  if (!_foyer_store_step_done (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, _foyer_store_cached_stmt_reset);
  if ((stmt = _foyer_store_get_stmt (self, "INSERT INTO annulments (id, checkin_id, created_at) "
                                     "VALUES (?1, ?2, ?3)", error)) == NULL)
    goto fail;
  _foyer_store_bind_text (stmt, 1, id);
  _foyer_store_bind_text (stmt, 2, check_in_id);
  _foyer_store_bind_text (stmt, 3, now);
  if (!_foyer_store_step_done (self, stmt, error) ||
      !_foyer_store_queue_record (self, id, "annulment", now, error) ||
      !_foyer_store_commit (self, error))
    goto fail;

  _foyer_store_emit_record_added (self, id, "annulment");
  if (annulment_id != NULL)
    *annulment_id = g_steal_pointer (&id);
  return TRUE;

fail:
  _foyer_store_rollback (self);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}

/* --- the wire form of log records (foyer_store_outbox_take) --- */

/* Adds direction and area to a check_in registration's wire object. */
static gboolean
add_log_fields (FoyerStore  *self,
                JsonObject  *object,
                const char  *id,
                GError     **error)
{
  g_autoptr(FoyerCheckIn) c = NULL;
  g_autoptr(GError) local = NULL;

  c = _foyer_store_get_by_id (self, "SELECT " CHECKIN_COLUMNS " FROM checkins WHERE id = ?1",
                              read_check_in, "check-in", id, &local);
  if (c == NULL) {
    if (g_error_matches (local, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND))
      return TRUE;
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  json_object_set_string_member (object, "direction", c->direction);
  if (c->area != NULL)
    json_object_set_string_member (object, "area", c->area);
  return TRUE;
}

/* A later entry or an exit: a check_in record for the visitor, with the log row's id, time,
 * gate, direction and area, and the visitor's data as the first check-in carried it. */
static JsonObject *
log_check_in_json (FoyerStore  *self,
                   const char  *id,
                   GError     **error)
{
  g_autoptr(FoyerCheckIn) c = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  JsonObject *object;

  c = _foyer_store_get_by_id (self, "SELECT " CHECKIN_COLUMNS " FROM checkins WHERE id = ?1",
                              read_check_in, "check-in", id, error);
  if (c == NULL)
    return NULL;
  if (!_foyer_store_lookup_badge (self, c->event, c->badge_code, &reg, error))
    return NULL;
  if (reg == NULL && !_foyer_store_lookup_preregistration (self, c->event, c->badge_code, &reg,
                                                           error))
    return NULL;
  if (reg == NULL) {
    reg = foyer_registration_new ();
    reg->event = g_strdup (c->event);
    reg->badge_code = g_strdup (c->badge_code);
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  }
  g_free (reg->id);
  reg->id = g_strdup (c->id);
  g_free (reg->kind);
  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  g_free (reg->created_at);
  reg->created_at = g_strdup (c->at);
  g_free (reg->kiosk_id);
  reg->kiosk_id = g_strdup (c->gate);
  g_clear_pointer (&reg->raw_payload, g_bytes_unref);
  object = foyer_registration_to_json (reg);
  json_object_set_string_member (object, "direction", c->direction);
  if (c->area != NULL)
    json_object_set_string_member (object, "area", c->area);
  return object;
}

static JsonObject *
annulment_json (FoyerStore  *self,
                const char  *id,
                GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  JsonObject *object;
  int rc;

  if ((stmt = _foyer_store_get_stmt (self, "SELECT a.checkin_id, a.created_at, c.event, c.gate "
                        "FROM annulments a LEFT JOIN checkins c ON c.id = a.checkin_id "
                        "WHERE a.id = ?1", error)) == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW) {
    if (rc == SQLITE_DONE)
      g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                   "There is no annulment %s on this kiosk.", id);
    else
      _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  object = json_object_new ();
  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "type", "annulment");
  json_object_set_string_member (object, "created_at", (const char *)sqlite3_column_text (stmt, 1));
  json_object_set_string_member (object, "annuls", (const char *)sqlite3_column_text (stmt, 0));
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    json_object_set_string_member (object, "event", (const char *)sqlite3_column_text (stmt, 2));
  if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
    json_object_set_string_member (object, "kiosk_id",
                                   (const char *)sqlite3_column_text (stmt, 3));
  return object;
}

JsonObject *
_foyer_store_load_log_record (FoyerStore  *self,
                              const char  *id,
                              const char  *type,
                              GError     **error)
{
  g_autoptr(GError) local = NULL;

  if (strcmp (type, "annulment") == 0)
    return annulment_json (self, id, error);

  /* check_in: the first entry is a registration row; later ones live in the log only. */
  {
    g_autoptr(FoyerRegistration) reg = foyer_store_get_registration (self, id, &local);
    JsonObject *object;

    if (reg != NULL) {
      object = foyer_registration_to_json (reg);
      if (g_strcmp0 (reg->kind, FOYER_KIND_CHECK_IN) == 0 &&
          !add_log_fields (self, object, id, error)) {
        json_object_unref (object);
        return NULL;
      }
      return object;
    }
    if (!g_error_matches (local, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND)) {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  }
  return log_check_in_json (self, id, error);
}
