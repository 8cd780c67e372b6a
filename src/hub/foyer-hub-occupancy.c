/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-occupancy.c: "inside now" (see foyer-hub-occupancy.h). */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-occupancy.h"
#include "foyer-hub-merge.h"

#define UPDATE_PAGE 5000

typedef struct {
  char       *id;
  char       *at;
  const char *area;       /* from area_names, NULL: no area */
  gboolean    exit;
  gboolean    annulled;
} Entry;

typedef struct {
  GPtrArray  *entries;    /* Entry * */
  gboolean    inside;
  const char *area;       /* where the badge counts while inside */
} Badge;

struct _FoyerHubOccupancy {
  GObject     parent_instance;
  char       *event;
  GMutex      lock;
  gint64      applied_seq;
  GHashTable *badges;     /* badge code → Badge * */
  GHashTable *annulled;   /* check-in ids annulled (also those not received yet) */
  GHashTable *seen;       /* check-in ids received → their badge's key */
  GHashTable *areas;      /* area (from area_names) → count (GINT_TO_POINTER) */
  GHashTable *area_names; /* each area name once, owned: entries and badges point into it */
  GHashTable *revoked;    /* badge code → reason */
  gint64      total;
};

G_DEFINE_FINAL_TYPE (FoyerHubOccupancy, foyer_hub_occupancy, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_free (entry->id);
  g_free (entry->at);
  g_free (entry);
}

static void
badge_free (Badge *badge)
{
  g_ptr_array_unref (badge->entries);
  g_free (badge);
}

static void
count (FoyerHubOccupancy *self, Badge *badge, int delta)
{
  if (!badge->inside)
    return;
  self->total += delta;
  if (badge->area != NULL) {
    int n = GPOINTER_TO_INT (g_hash_table_lookup (self->areas, badge->area)) + delta;

    if (n == 0)
      g_hash_table_remove (self->areas, badge->area);
    else
      g_hash_table_insert (self->areas, (gpointer) badge->area, GINT_TO_POINTER (n));
  }
}

/* Re-decides a badge from its latest check-in that is not annulled. */
static void
decide (FoyerHubOccupancy *self, Badge *badge)
{
  Entry *latest = NULL;

  count (self, badge, -1);
  for (guint i = 0; i < badge->entries->len; i++) {
    Entry *entry = g_ptr_array_index (badge->entries, i);
    int order;

    if (entry->annulled)
      continue;
    order = latest == NULL ? 1 : g_strcmp0 (entry->at, latest->at);
    if (order > 0 || (order == 0 && g_strcmp0 (entry->id, latest->id) > 0))
      latest = entry;
  }
  badge->inside = latest != NULL && !latest->exit;
  badge->area = latest != NULL ? latest->area : NULL;
  count (self, badge, +1);
}


static Badge *
badge_for (FoyerHubOccupancy *self, const char *code)
{
  Badge *badge = g_hash_table_lookup (self->badges, code);

  if (badge == NULL) {
    badge = g_new0 (Badge, 1);
    badge->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
    g_hash_table_insert (self->badges, g_strdup (code), badge);
  }
  return badge;
}

/* One copy of each area name for the life of this event's figures, so entries and counts can
 * compare them as pointers. Not g_intern_string(): the names come from devices, and GLib keeps
 * interned strings for the whole process. */
static const char *
area_name (FoyerHubOccupancy *self, const char *name)
{
  char *kept;

  if (name == NULL)
    return NULL;
  if ((kept = g_hash_table_lookup (self->area_names, name)) == NULL) {
    kept = g_strdup (name);
    g_hash_table_add (self->area_names, kept);
  }
  return kept;
}

static void
apply_check_in (FoyerHubOccupancy *self, JsonObject *object)
{
  const char *id = foyer_hub_json_string (object, "id");
  const char *code = foyer_hub_json_string (object, "badge_code");
  Badge *badge;
  Entry *entry;

  if (id == NULL || g_hash_table_contains (self->seen, id))
    return;
  /* A check-in without a badge code is a person of its own. */
  if (code == NULL)
    code = id;
  g_hash_table_insert (self->seen, g_strdup (id), g_strdup (code));
  badge = badge_for (self, code);
  entry = g_new0 (Entry, 1);
  entry->id = g_strdup (id);
  entry->at = g_strdup (foyer_hub_json_string (object, "created_at"));
  entry->area = area_name (self, foyer_hub_json_string (object, "area"));
  entry->exit = g_strcmp0 (foyer_hub_json_string (object, "direction"), "exit") == 0;
  entry->annulled = g_hash_table_contains (self->annulled, id);
  g_ptr_array_add (badge->entries, entry);
  decide (self, badge);
}

static void
apply_annulment (FoyerHubOccupancy *self, JsonObject *object)
{
  const char *annuls = foyer_hub_json_string (object, "annuls");
  const char *code;
  Badge *badge;

  if (annuls == NULL || !g_hash_table_add (self->annulled, g_strdup (annuls)))
    return;
  /* Not received yet: applied when the check-in arrives. */
  if ((code = g_hash_table_lookup (self->seen, annuls)) == NULL
      || (badge = g_hash_table_lookup (self->badges, code)) == NULL)
    return;
  for (guint i = 0; i < badge->entries->len; i++) {
    Entry *entry = g_ptr_array_index (badge->entries, i);

    if (g_strcmp0 (entry->id, annuls) == 0) {
      entry->annulled = TRUE;
      decide (self, badge);
      return;
    }
  }
}

static void
apply_erasure (FoyerHubOccupancy *self, JsonObject *object)
{
  const char *code = foyer_hub_json_string (object, "badge_code");
  Badge *badge = code != NULL ? g_hash_table_lookup (self->badges, code) : NULL;

  if (badge == NULL)
    return;
  count (self, badge, -1);
  g_hash_table_remove (self->badges, code);
}

static void
apply_locked (FoyerHubOccupancy *self, const FoyerHubRecordRow *row)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if (row->seq <= self->applied_seq)
    return;
  self->applied_seq = row->seq;
  root = json_from_string (row->body, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  /* A walk-in registered at an entry kiosk is let in there: an entry of its badge. */
  if (g_strcmp0 (row->type, "check_in") == 0 ||
      (g_strcmp0 (row->type, "registration") == 0 &&
       g_strcmp0 (foyer_hub_json_string (object, "kind"), "walk_in") == 0))
    apply_check_in (self, object);
  else if (g_strcmp0 (row->type, "annulment") == 0)
    apply_annulment (self, object);
  else if (g_strcmp0 (row->type, "erasure") == 0)
    apply_erasure (self, object);
  else if (g_strcmp0 (row->type, "revocation") == 0
           && foyer_hub_json_string (object, "badge_code") != NULL)
    g_hash_table_insert (self->revoked, g_strdup (foyer_hub_json_string (object, "badge_code")),
                         g_strdup (foyer_hub_json_string (object, "reason") != NULL
                                   ? foyer_hub_json_string (object, "reason") : ""));
}

void
foyer_hub_occupancy_apply (FoyerHubOccupancy *self, const FoyerHubRecordRow *row)
{
  g_mutex_lock (&self->lock);
  apply_locked (self, row);
  g_mutex_unlock (&self->lock);
}

typedef struct {
  FoyerHubOccupancy *self;
  guint              n;
} Update;

static gboolean
update_row (const FoyerHubRecordRow *row, gpointer user_data)
{
  Update *update = user_data;

  apply_locked (update->self, row);
  update->n++;
  return TRUE;
}

gboolean
foyer_hub_occupancy_update (FoyerHubOccupancy *self, FoyerHubStorage *storage, GError **error)
{
  Update update = { self, UPDATE_PAGE };
  gboolean ok = TRUE;

  /* Under the lock: two pulls of one hub never apply the same changes twice. */
  g_mutex_lock (&self->lock);
  while (ok && update.n == UPDATE_PAGE) {
    update.n = 0;
    ok = foyer_hub_storage_changes_foreach (storage, self->event, FOYER_HUB_CHANGES_CHECK_INS,
                                            NULL, self->applied_seq, UPDATE_PAGE, update_row,
                                            &update, error);
  }
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
foyer_hub_occupancy_is_annulled (FoyerHubOccupancy *self, const char *check_in_id)
{
  gboolean annulled;

  g_mutex_lock (&self->lock);
  annulled = g_hash_table_contains (self->annulled, check_in_id);
  g_mutex_unlock (&self->lock);
  return annulled;
}

char *
foyer_hub_occupancy_revoked (FoyerHubOccupancy *self, const char *badge_code)
{
  char *reason;

  if (badge_code == NULL)
    return NULL;
  g_mutex_lock (&self->lock);
  reason = g_strdup (g_hash_table_lookup (self->revoked, badge_code));
  g_mutex_unlock (&self->lock);
  return reason;
}

gint64
foyer_hub_occupancy_total (FoyerHubOccupancy *self)
{
  gint64 total;

  g_mutex_lock (&self->lock);
  total = self->total;
  g_mutex_unlock (&self->lock);
  return total;
}

JsonNode *
foyer_hub_occupancy_inside (FoyerHubOccupancy *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GList) areas = NULL;

  g_mutex_lock (&self->lock);
  areas = g_list_sort (g_hash_table_get_keys (self->areas), (GCompareFunc) g_strcmp0);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_int_value (builder, self->total);
  json_builder_set_member_name (builder, "areas");
  json_builder_begin_object (builder);
  for (GList *l = areas; l != NULL; l = l->next) {
    json_builder_set_member_name (builder, l->data);
    json_builder_add_int_value (builder, GPOINTER_TO_INT (g_hash_table_lookup (self->areas,
                                                                               l->data)));
  }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  g_mutex_unlock (&self->lock);
  return json_builder_get_root (builder);
}

FoyerHubOccupancy *
foyer_hub_occupancy_new (const char *event)
{
  FoyerHubOccupancy *self = g_object_new (FOYER_HUB_TYPE_OCCUPANCY, NULL);

  self->event = g_strdup (event);
  return self;
}

static void
foyer_hub_occupancy_finalize (GObject *object)
{
  FoyerHubOccupancy *self = FOYER_HUB_OCCUPANCY (object);

  g_hash_table_unref (self->badges);
  g_hash_table_unref (self->annulled);
  g_hash_table_unref (self->seen);
  g_hash_table_unref (self->areas);
  g_hash_table_unref (self->area_names);
  g_hash_table_unref (self->revoked);
  g_mutex_clear (&self->lock);
  g_free (self->event);
  G_OBJECT_CLASS (foyer_hub_occupancy_parent_class)->finalize (object);
}

static void
foyer_hub_occupancy_class_init (FoyerHubOccupancyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_occupancy_finalize;
}

static void
foyer_hub_occupancy_init (FoyerHubOccupancy *self)
{
  g_mutex_init (&self->lock);
  self->badges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) badge_free);
  self->annulled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->areas = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->area_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->revoked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
