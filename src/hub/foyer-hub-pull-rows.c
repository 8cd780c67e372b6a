/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull-rows.c: the pulls' pages (see foyer-hub-pull-rows.h). */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-pull-rows.h"
#include "foyer-hub-merge.h"

G_DEFINE_QUARK (foyer-hub-pull-error-quark, foyer_hub_pull_error)

#define CURSOR_PREFIX "c1."

gboolean
foyer_hub_pull_cursor_parse (const char *text, gint64 *seq, GError **error)
{
  guint64 value = 0;

  *seq = 0;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (!g_str_has_prefix (text, CURSOR_PREFIX) || strlen (text) > 24
      || !g_ascii_string_to_unsigned (text + strlen (CURSOR_PREFIX), 10, 0, G_MAXINT64, &value,
                                      NULL)) {
    g_set_error_literal (error, FOYER_HUB_PULL_ERROR, FOYER_HUB_PULL_ERROR_CURSOR,
                         "malformed cursor: pass back the cursor of an earlier answer, or none");
    return FALSE;
  }
  *seq = (gint64) value;
  return TRUE;
}

char *
foyer_hub_pull_cursor_format (gint64 seq)
{
  return g_strdup_printf (CURSOR_PREFIX "%" G_GINT64_FORMAT, seq);
}

/* ---- rows ---- */


static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The last 4 digits of the first phone (before an extension), for the staff search. */
static char *
phone_tail (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "phones");
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *phone;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (json_node_get_array (node)) == 0)
    return NULL;
  node = json_array_get_element (json_node_get_array (node), 0);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  phone = json_node_get_string (node);
  for (const char *p = phone; *p != '\0' && *p != ';'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  return digits->len >= 4 ? g_strdup (digits->str + digits->len - 4) : NULL;
}

static char *
display_name (JsonObject *object)
{
  const char *full = foyer_hub_json_string (object, "full_name");
  const char *given = foyer_hub_json_string (object, "given_name");
  const char *family = foyer_hub_json_string (object, "family_name");

  if (full != NULL && *full != '\0')
    return g_strdup (full);
  if (given == NULL && family == NULL)
    return NULL;
  return g_strstrip (g_strjoin (" ", given != NULL ? given : "", family != NULL ? family : "",
                                NULL));
}

/* A registration row from a pre-registration's or a registration's wire form. The code a badge
 * carries is the signed one when the hub signed it. */
static void
registration_row (JsonBuilder *builder, JsonObject *object, const char *source,
                  FoyerHubOccupancy *occupancy)
{
  const char *code = foyer_hub_json_string (object, "signed_badge_code");
  g_autofree char *reason = NULL;
  g_autofree char *name = display_name (object);
  g_autofree char *tail = phone_tail (object);

  if (code == NULL)
    code = foyer_hub_json_string (object, "badge_code");
  reason = foyer_hub_occupancy_revoked (occupancy, code);
  if (reason == NULL)
    reason = foyer_hub_occupancy_revoked (occupancy, foyer_hub_json_string (object, "badge_code"));
  json_builder_begin_object (builder);
  add_string (builder, "badge_code", code);
  add_string (builder, "status", reason != NULL ? "revoked" : "valid");
  add_string (builder, "id", foyer_hub_json_string (object, "id"));
  add_string (builder, "display_name", name);
  add_string (builder, "company", foyer_hub_json_string (object, "organization"));
  add_string (builder, "category", foyer_hub_json_string (object, "category"));
  add_string (builder, "phone_tail", tail);
  if (reason != NULL)
    add_string (builder, "reason", reason);
  add_string (builder, "source", source);
  json_builder_end_object (builder);
}

static void
status_row (JsonBuilder *builder, JsonObject *object, const char *status)
{
  json_builder_begin_object (builder);
  add_string (builder, "badge_code", foyer_hub_json_string (object, "badge_code"));
  add_string (builder, "status", status);
  if (g_strcmp0 (status, "revoked") == 0)
    add_string (builder, "reason", foyer_hub_json_string (object, "reason"));
  json_builder_end_object (builder);
}

static void
check_in_row (JsonBuilder *builder, JsonObject *object, const char *gate, gboolean annulled)
{
  const char *direction = foyer_hub_json_string (object, "direction");

  json_builder_begin_object (builder);
  add_string (builder, "id", foyer_hub_json_string (object, "id"));
  add_string (builder, "badge_code", foyer_hub_json_string (object, "badge_code"));
  add_string (builder, "direction", g_strcmp0 (direction, "exit") == 0 ? "exit" : "entry");
  add_string (builder, "gate", gate != NULL ? gate : foyer_hub_json_string (object, "kiosk_id"));
  add_string (builder, "area", foyer_hub_json_string (object, "area"));
  add_string (builder, "at", foyer_hub_json_string (object, "created_at"));
  json_builder_set_member_name (builder, "annulled");
  json_builder_add_boolean_value (builder, annulled);
  json_builder_end_object (builder);
}

/* ---- pages ---- */

typedef struct {
  FoyerHubStorage   *storage;
  FoyerHubOccupancy *occupancy;
  FoyerHubChanges    kind;
  JsonBuilder       *builder;
  GPtrArray         *lead_keys;    /* leads: the visitors whose leads changed, in order */
  GHashTable        *lead_seen;
  gint64             last_seq;
  guint              n_changes;
  GError            *error;
} Page;

static void
annulled_check_in (Page *page, JsonObject *annulment)
{
  const char *id = foyer_hub_json_string (annulment, "annuls");
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (id == NULL
      || (body = foyer_hub_storage_record_body (page->storage, id, &page->error)) == NULL)
    return;   /* not received yet: the check-in's own row will say annulled */
  root = json_from_string (body, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && g_strcmp0 (foyer_hub_json_string (json_node_get_object (root), "type"), "check_in") == 0)
    check_in_row (page->builder, json_node_get_object (root),
                  foyer_hub_json_string (json_node_get_object (root), "device"), TRUE);
}

static void
page_lead (Page *page, JsonObject *lead)
{
  char *key = foyer_hub_lead_merge_key (lead);

  if (key == NULL)
    return;
  if (g_hash_table_contains (page->lead_seen, key)) {
    g_free (key);
    return;
  }
  g_hash_table_add (page->lead_seen, key);
  g_ptr_array_add (page->lead_keys, key);
}

static gboolean
page_row (const FoyerHubRecordRow *row, gpointer user_data)
{
  Page *page = user_data;
  g_autoptr(JsonNode) root = json_from_string (row->body, NULL);
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                       ? json_node_get_object (root) : NULL;
  const char *type = row->type;

  page->last_seq = row->seq;
  page->n_changes++;
  if (object == NULL)
    return TRUE;
  switch (page->kind) {
  case FOYER_HUB_CHANGES_REGISTRATIONS:
    if (g_strcmp0 (type, "revocation") == 0)
      status_row (page->builder, object, "revoked");
    else if (g_strcmp0 (type, "erasure") == 0)
      status_row (page->builder, object, "erased");
    else
      registration_row (page->builder, object, type, page->occupancy);
    break;
  case FOYER_HUB_CHANGES_CHECK_INS:
    if (g_strcmp0 (type, "check_in") == 0)
      check_in_row (page->builder, object, row->device,
                    foyer_hub_occupancy_is_annulled (page->occupancy,
                                                     foyer_hub_json_string (object, "id")));
    else if (g_strcmp0 (type, "annulment") == 0)
      annulled_check_in (page, object);
    break;
  case FOYER_HUB_CHANGES_LEADS:
    page_lead (page, object);
    break;
  }
  return page->error == NULL;
}

static gboolean
merge_lead (const FoyerHubRecordRow *row, gpointer user_data)
{
  foyer_hub_lead_merge_add (user_data, row->body, row->device, row->seq);
  return TRUE;
}

/* The merged rows of the visitors whose leads the page read: each from all of the booth's
 * leads of that visitor, so the row is the whole team's lead, not the last tablet's. */
static gboolean
add_lead_rows (Page *page, const char *event, const char *booth, GError **error)
{
  g_autoptr(FoyerHubLeadMerge) merge = foyer_hub_lead_merge_new ();

  if (page->lead_keys->len == 0)
    return TRUE;
  if (!foyer_hub_storage_records_foreach (page->storage, event, "lead", booth, merge_lead, merge,
                                          error))
    return FALSE;
  for (guint i = 0; i < page->lead_keys->len; i++) {
    JsonNode *row = foyer_hub_lead_merge_row (merge, g_ptr_array_index (page->lead_keys, i));

    if (row != NULL)
      json_builder_add_value (page->builder, row);
  }
  return TRUE;
}

char *
foyer_hub_pull_page (FoyerHubStorage *storage, FoyerHubOccupancy *occupancy,
                     FoyerHubChanges kind, const char *event, const char *booth, gint64 since,
                     guint limit, guint *n_changes, GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  Page page = { storage, occupancy, kind, builder, keys, seen, since, 0, NULL };

  if (occupancy != NULL && !foyer_hub_occupancy_update (occupancy, storage, error))
    return NULL;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_begin_array (builder);
  if (!foyer_hub_storage_changes_foreach (storage, event, kind, booth, since, limit, page_row,
                                          &page, error))
    return NULL;
  if (page.error != NULL) {
    g_propagate_error (error, page.error);
    return NULL;
  }
  if (kind == FOYER_HUB_CHANGES_LEADS && !add_lead_rows (&page, event, booth, error))
    return NULL;
  json_builder_end_array (builder);
  cursor = foyer_hub_pull_cursor_format (page.last_seq);
  add_string (builder, "cursor", cursor);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, page.n_changes >= limit);
  if (kind == FOYER_HUB_CHANGES_CHECK_INS) {
    json_builder_set_member_name (builder, "inside");
    json_builder_add_value (builder, foyer_hub_occupancy_inside (occupancy));
  }
  json_builder_end_object (builder);
  *n_changes = page.n_changes;
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* ---- export ---- */

typedef struct {
  GHashTable *booths;     /* booth → FoyerHubLeadMerge * */
} Export;

static gboolean
export_lead (const FoyerHubRecordRow *row, gpointer user_data)
{
  Export *export = user_data;
  g_autoptr(JsonNode) root = json_from_string (row->body, NULL);
  const char *booth = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                      ? foyer_hub_json_string (json_node_get_object (root), "booth") : NULL;
  FoyerHubLeadMerge *merge;

  if (booth == NULL)
    booth = "";
  if ((merge = g_hash_table_lookup (export->booths, booth)) == NULL) {
    merge = foyer_hub_lead_merge_new ();
    g_hash_table_insert (export->booths, g_strdup (booth), merge);
  }
  foyer_hub_lead_merge_add (merge, row->body, row->device, row->seq);
  return TRUE;
}

GPtrArray *
foyer_hub_pull_merged_leads (FoyerHubStorage *storage, const char *event, const char *booth,
                             GError **error)
{
  Export export = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) foyer_hub_lead_merge_free) };
  g_autoptr(GList) booths = NULL;
  GPtrArray *rows = NULL;

  if (foyer_hub_storage_records_foreach (storage, event, "lead", booth, export_lead, &export,
                                         error)) {
    rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
    booths = g_list_sort (g_hash_table_get_keys (export.booths), (GCompareFunc) g_strcmp0);
    for (GList *l = booths; l != NULL; l = l->next) {
      FoyerHubLeadMerge *merge = g_hash_table_lookup (export.booths, l->data);
      g_autoptr(GPtrArray) keys = foyer_hub_lead_merge_keys (merge);

      for (guint i = 0; i < keys->len; i++) {
        JsonNode *row = foyer_hub_lead_merge_row (merge, g_ptr_array_index (keys, i));

        json_object_set_string_member (json_node_get_object (row), "booth", l->data);
        g_ptr_array_add (rows, row);
      }
    }
  }
  g_hash_table_unref (export.booths);
  return rows;
}
