/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull-rows.c: the pulls' pages (see foyer-hub-pull-rows.h). */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-pull-rows.h"
#include "foyer-hub-merge.h"
#include "foyer-json.h"

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

/* ---- rows ----
 * A page is written as text: its rows are either the database's (registrations) or built one at
 * a time, so that no JSON tree of 5,000 rows is ever built (json-glib's trees cost most of the
 * time of a page). */

typedef struct {
  FoyerHubStorage   *storage;
  FoyerHubOccupancy *occupancy;
  FoyerHubChanges    kind;
  GString           *out;
  guint              n_rows;
  GPtrArray         *lead_keys;    /* leads: the visitors whose leads changed, in order */
  GHashTable        *lead_seen;
  gint64             last_seq;
  guint              n_changes;
  GError            *error;
} Page;

static void
begin_row (Page *page)
{
  if (page->n_rows++ > 0)
    g_string_append_c (page->out, ',');
}

static void
append_node (Page *page, JsonNode *node)
{
  g_autofree char *text = foyer_json_to_string (node);

  begin_row (page);
  g_string_append (page->out, text);
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The last 4 digits of a phone (before an extension), for the staff search. */
static char *
phone_tail (const char *phone)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  for (const char *p = phone; p != NULL && *p != '\0' && *p != ';'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  return digits->len >= 4 ? g_strdup (digits->str + digits->len - 4) : NULL;
}

/* A revoked badge's row: the database's row with status, reason and phone_tail set. */
static void
append_revoked (Page *page, const FoyerHubRecordRow *row, const char *reason, const char *tail)
{
  g_autoptr(JsonNode) root = json_from_string (row->body, NULL);
  JsonObject *object;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  json_object_set_string_member (object, "status", "revoked");
  json_object_set_string_member (object, "reason", reason);
  if (tail != NULL)
    json_object_set_string_member (object, "phone_tail", tail);
  else
    json_object_set_null_member (object, "phone_tail");
  append_node (page, root);
}

/* A registrations change: the row the database built, completed with phone_tail (digits only:
 * nothing to escape) and, for a revoked badge, its status and reason. */
static void
add_registration (Page *page, const FoyerHubRecordRow *row)
{
  gsize len = strlen (row->body);
  g_autofree char *tail = NULL;
  g_autofree char *reason = NULL;

  if (len < 2 || row->body[len - 1] != '}')
    return;
  if (g_strcmp0 (row->type, "revocation") == 0 || g_strcmp0 (row->type, "erasure") == 0) {
    begin_row (page);
    g_string_append_len (page->out, row->body, len);
    return;
  }
  tail = phone_tail (row->phone);
  reason = foyer_hub_occupancy_revoked (page->occupancy, row->code);
  if (reason == NULL)
    reason = foyer_hub_occupancy_revoked (page->occupancy, row->plain_code);
  if (reason != NULL) {
    append_revoked (page, row, reason, tail);
    return;
  }
  begin_row (page);
  g_string_append_len (page->out, row->body, len - 1);
  if (tail != NULL)
    g_string_append_printf (page->out, ",\"phone_tail\":\"%s\"}", tail);
  else
    g_string_append (page->out, ",\"phone_tail\":null}");
}

static void
add_check_in (Page *page, JsonObject *object, const char *gate, gboolean annulled)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
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
  root = json_builder_get_root (builder);
  append_node (page, root);
}

/* ---- pages ---- */

static void
annulled_check_in (Page *page, JsonObject *annulment)
{
  const char *id = foyer_hub_json_string (annulment, "annuls");
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if (id == NULL
      || (body = foyer_hub_storage_record_body (page->storage, id, &page->error)) == NULL)
    return;   /* not received yet: the check-in's own row will say annulled */
  root = json_from_string (body, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  if (g_strcmp0 (foyer_hub_json_string (object, "type"), "check_in") == 0)
    add_check_in (page, object, foyer_hub_json_string (object, "device"), TRUE);
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

/* A check-in or lead change (their bodies are parsed: these pages are small). */
static void
page_record (Page *page, const FoyerHubRecordRow *row)
{
  g_autoptr(JsonNode) root = json_from_string (row->body, NULL);
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                       ? json_node_get_object (root) : NULL;

  if (object == NULL)
    return;
  if (page->kind == FOYER_HUB_CHANGES_LEADS)
    page_lead (page, object);
  else if (g_strcmp0 (row->type, "check_in") == 0)
    add_check_in (page, object, row->device,
                  foyer_hub_occupancy_is_annulled (page->occupancy,
                                                   foyer_hub_json_string (object, "id")));
  else if (g_strcmp0 (row->type, "annulment") == 0)
    annulled_check_in (page, object);
}

static gboolean
page_row (const FoyerHubRecordRow *row, gpointer user_data)
{
  Page *page = user_data;

  page->last_seq = row->seq;
  page->n_changes++;
  if (page->kind == FOYER_HUB_CHANGES_REGISTRATIONS)
    add_registration (page, row);
  else
    page_record (page, row);
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
    g_autoptr(JsonNode) row = foyer_hub_lead_merge_row (merge,
                                                        g_ptr_array_index (page->lead_keys, i));

    if (row != NULL)
      append_node (page, row);
  }
  return TRUE;
}

char *
foyer_hub_pull_page (FoyerHubStorage *storage, FoyerHubOccupancy *occupancy,
                     FoyerHubChanges kind, const char *event, const char *booth, gint64 since,
                     guint limit, guint *n_changes, GError **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) out = g_string_new ("{\"rows\":[");
  Page page = { storage, occupancy, kind, out, 0, keys, seen, since, 0, NULL };

  if (occupancy != NULL && !foyer_hub_occupancy_update (occupancy, storage, error))
    return NULL;
  if (!foyer_hub_storage_changes_foreach (storage, event, kind, booth, since, limit, page_row,
                                          &page, error))
    return NULL;
  if (page.error != NULL) {
    g_propagate_error (error, page.error);
    return NULL;
  }
  if (kind == FOYER_HUB_CHANGES_LEADS && !add_lead_rows (&page, event, booth, error))
    return NULL;
  g_string_append_printf (out, "],\"cursor\":\"" CURSOR_PREFIX "%" G_GINT64_FORMAT "\","
                          "\"more\":%s", page.last_seq,
                          page.n_changes >= limit ? "true" : "false");
  if (kind == FOYER_HUB_CHANGES_CHECK_INS) {
    g_autoptr(JsonNode) inside = foyer_hub_occupancy_inside (occupancy);
    g_autofree char *text = foyer_json_to_string (inside);

    g_string_append_printf (out, ",\"inside\":%s", text);
  }
  g_string_append_c (out, '}');
  *n_changes = page.n_changes;
  return g_string_free (g_steal_pointer (&out), FALSE);
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
