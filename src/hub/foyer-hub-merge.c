/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-merge.c: the booth team merge of leads (see foyer-hub-merge.h). */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-merge.h"
#include "foyer-json.h"

/* A value with the (created_at, id) of the lead it came from: the later one wins. */
typedef struct {
  char     *at;
  char     *id;
  JsonNode *value;
} Stamped;

typedef struct {
  char    *author;
  char    *at;
  char    *text;
} Note;

typedef struct {
  char       *key;
  char       *badge_code;
  Stamped     visitor;
  Stamped     rating;
  GHashTable *answers;       /* question → Stamped * */
  GHashTable *notes;         /* "author\x1f at\x1f text" → Note * */
  gboolean    follow_up;
  char       *updated_at;
  gint64      seq;
} Merged;

struct _FoyerHubLeadMerge {
  GHashTable *leads;         /* key → Merged * */
};

static void
stamped_clear (Stamped *stamped)
{
  g_clear_pointer (&stamped->at, g_free);
  g_clear_pointer (&stamped->id, g_free);
  g_clear_pointer (&stamped->value, json_node_unref);
}

static void
stamped_free (Stamped *stamped)
{
  stamped_clear (stamped);
  g_free (stamped);
}

static void
note_free (Note *note)
{
  g_free (note->author);
  g_free (note->at);
  g_free (note->text);
  g_free (note);
}

static void
merged_free (Merged *merged)
{
  g_free (merged->key);
  g_free (merged->badge_code);
  stamped_clear (&merged->visitor);
  stamped_clear (&merged->rating);
  g_hash_table_unref (merged->answers);
  g_hash_table_unref (merged->notes);
  g_free (merged->updated_at);
  g_free (merged);
}

FoyerHubLeadMerge *
foyer_hub_lead_merge_new (void)
{
  FoyerHubLeadMerge *merge = g_new0 (FoyerHubLeadMerge, 1);

  merge->leads = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) merged_free);
  return merge;
}

void
foyer_hub_lead_merge_free (FoyerHubLeadMerge *merge)
{
  if (merge == NULL)
    return;
  g_hash_table_unref (merge->leads);
  g_free (merge);
}

const char *
foyer_hub_json_string (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
foyer_hub_json_object (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* TRUE when (at, id, value) is later than what stamped holds (or stamped is empty). The value
 * only breaks ties of one lead stored twice with other contents, so that even then the result
 * does not depend on the arrival order. */
static gboolean
later (const Stamped *stamped, const char *at, const char *id, JsonNode *value)
{
  g_autofree char *mine = NULL, *theirs = NULL;
  int order;

  if (stamped->value == NULL)
    return TRUE;
  order = g_strcmp0 (at, stamped->at);
  if (order == 0)
    order = g_strcmp0 (id, stamped->id);
  if (order != 0)
    return order > 0;
  mine = foyer_json_to_string (value);
  theirs = foyer_json_to_string (stamped->value);
  return strcmp (mine, theirs) > 0;
}

static void
stamp (Stamped *stamped, const char *at, const char *id, JsonNode *value)
{
  if (!later (stamped, at, id, value))
    return;
  stamped_clear (stamped);
  stamped->at = g_strdup (at);
  stamped->id = g_strdup (id);
  stamped->value = json_node_copy (value);
}

static gboolean
true_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

char *
foyer_hub_lead_merge_key (JsonObject *lead)
{
  const char *badge = foyer_hub_json_string (foyer_hub_json_object (lead, "visitor"),
                                             "badge_code");
  const char *registration = foyer_hub_json_string (lead, "registration_id");

  return badge != NULL ? g_strconcat ("b:", badge, NULL)
       : registration != NULL ? g_strconcat ("r:", registration, NULL) : NULL;
}

static Merged *
merged_for (FoyerHubLeadMerge *merge, JsonObject *lead, JsonObject *visitor)
{
  const char *badge = foyer_hub_json_string (visitor, "badge_code");
  g_autofree char *key = foyer_hub_lead_merge_key (lead);
  Merged *merged;

  if (key == NULL)
    return NULL;
  if ((merged = g_hash_table_lookup (merge->leads, key)) != NULL)
    return merged;
  merged = g_new0 (Merged, 1);
  merged->key = g_steal_pointer (&key);
  merged->badge_code = g_strdup (badge);
  merged->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) stamped_free);
  merged->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) note_free);
  g_hash_table_insert (merge->leads, merged->key, merged);
  return merged;
}

static void
add_answers (Merged *merged, JsonObject *answers, const char *at, const char *id)
{
  JsonObjectIter iter;
  const char *question;
  JsonNode *value;

  if (answers == NULL)
    return;
  json_object_iter_init (&iter, answers);
  while (json_object_iter_next (&iter, &question, &value)) {
    Stamped *stamped = g_hash_table_lookup (merged->answers, question);

    if (stamped == NULL) {
      stamped = g_new0 (Stamped, 1);
      g_hash_table_insert (merged->answers, g_strdup (question), stamped);
    }
    stamp (stamped, at, id, value);
  }
}

static void
add_note (Merged *merged, const char *author, const char *at, const char *text)
{
  Note *note;
  char *key;

  if (text == NULL || *text == '\0')
    return;
  key = g_strjoin ("\x1f", author != NULL ? author : "", at != NULL ? at : "", text, NULL);
  if (g_hash_table_contains (merged->notes, key)) {
    g_free (key);
    return;
  }
  note = g_new0 (Note, 1);
  note->author = g_strdup (author);
  note->at = g_strdup (at);
  note->text = g_strdup (text);
  g_hash_table_insert (merged->notes, key, note);
}

const char *
foyer_hub_lead_merge_add (FoyerHubLeadMerge *merge, const char *body, const char *device,
                          gint64 seq)
{
  g_autoptr(JsonNode) root = json_from_string (body, NULL);
  JsonObject *lead, *visitor;
  const char *id, *at, *changed, *author;
  Merged *merged;
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  lead = json_node_get_object (root);
  visitor = foyer_hub_json_object (lead, "visitor");
  if ((merged = merged_for (merge, lead, visitor)) == NULL)
    return NULL;
  id = foyer_hub_json_string (lead, "id");
  at = foyer_hub_json_string (lead, "created_at");
  changed = foyer_hub_json_string (lead, "updated_at");
  if (changed == NULL)
    changed = at;
  author = device != NULL ? device : foyer_hub_json_string (lead, "kiosk_id");
  if (visitor != NULL)
    stamp (&merged->visitor, at, id, json_object_get_member (lead, "visitor"));
  if ((node = json_object_get_member (lead, "rating")) != NULL && !JSON_NODE_HOLDS_NULL (node))
    stamp (&merged->rating, at, id, node);
  add_answers (merged, foyer_hub_json_object (lead, "answers_json"), at, id);
  add_note (merged, author, changed, foyer_hub_json_string (lead, "notes"));
  merged->follow_up |= true_member (lead, "follow_up");
  if (g_strcmp0 (changed, merged->updated_at) > 0) {
    g_free (merged->updated_at);
    merged->updated_at = g_strdup (changed);
  }
  merged->seq = MAX (merged->seq, seq);
  return merged->key;
}

static gint
by_seq (gconstpointer a, gconstpointer b, gpointer user_data)
{
  Merged *ma = g_hash_table_lookup (user_data, *(const char *const *) a);
  Merged *mb = g_hash_table_lookup (user_data, *(const char *const *) b);

  return ma->seq < mb->seq ? -1 : ma->seq > mb->seq;
}

GPtrArray *
foyer_hub_lead_merge_keys (FoyerHubLeadMerge *merge)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, merge->leads);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort_with_data (keys, by_seq, merge->leads);
  return keys;
}

gint64
foyer_hub_lead_merge_seq (FoyerHubLeadMerge *merge, const char *key)
{
  Merged *merged = g_hash_table_lookup (merge->leads, key);

  return merged != NULL ? merged->seq : 0;
}

static gint
note_order (gconstpointer a, gconstpointer b)
{
  const Note *na = *(const Note *const *) a;
  const Note *nb = *(const Note *const *) b;
  int order = g_strcmp0 (na->at, nb->at);

  if (order == 0)
    order = g_strcmp0 (na->author, nb->author);
  return order != 0 ? order : g_strcmp0 (na->text, nb->text);
}

static void
add_notes (JsonBuilder *builder, Merged *merged)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, merged->notes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (notes, value);
  g_ptr_array_sort (notes, note_order);
  json_builder_set_member_name (builder, "notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < notes->len; i++) {
    Note *note = g_ptr_array_index (notes, i);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "author");
    json_builder_add_string_value (builder, note->author);
    json_builder_set_member_name (builder, "at");
    json_builder_add_string_value (builder, note->at);
    json_builder_set_member_name (builder, "text");
    json_builder_add_string_value (builder, note->text);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
}

static void
add_answer_object (JsonBuilder *builder, Merged *merged)
{
  g_autoptr(GList) questions = g_list_sort (g_hash_table_get_keys (merged->answers),
                                            (GCompareFunc) g_strcmp0);

  json_builder_set_member_name (builder, "answers");
  json_builder_begin_object (builder);
  for (GList *l = questions; l != NULL; l = l->next) {
    Stamped *stamped = g_hash_table_lookup (merged->answers, l->data);

    json_builder_set_member_name (builder, l->data);
    json_builder_add_value (builder, json_node_copy (stamped->value));
  }
  json_builder_end_object (builder);
}

JsonNode *
foyer_hub_lead_merge_row (FoyerHubLeadMerge *merge, const char *key)
{
  Merged *merged = g_hash_table_lookup (merge->leads, key);
  g_autoptr(JsonBuilder) builder = NULL;

  if (merged == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "badge_code");
  json_builder_add_string_value (builder, merged->badge_code);
  json_builder_set_member_name (builder, "visitor");
  json_builder_add_value (builder, merged->visitor.value != NULL
                          ? json_node_copy (merged->visitor.value)
                          : json_node_new (JSON_NODE_NULL));
  json_builder_set_member_name (builder, "rating");
  json_builder_add_value (builder, merged->rating.value != NULL
                          ? json_node_copy (merged->rating.value) : json_node_new (JSON_NODE_NULL));
  json_builder_set_member_name (builder, "rated_at");
  json_builder_add_string_value (builder, merged->rating.at);
  json_builder_set_member_name (builder, "follow_up");
  json_builder_add_boolean_value (builder, merged->follow_up);
  add_answer_object (builder, merged);
  add_notes (builder, merged);
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_string_value (builder, merged->updated_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
