/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-batch.c: parsing and validating a batch of records at the hub.
 *
 * Validation is the core's (foyer_registration_from_json + foyer_registration_validate, and
 * foyer_lead_validate), so the hub accepts exactly what a kiosk store would. Invalid UTF-8 is
 * found per record: before parsing, every byte that is not part of valid UTF-8 is replaced by
 * the noncharacter U+FDD0, which json-glib parses like any character, and a record containing it
 * is rejected. (A parser would otherwise refuse the whole document.)
 *
 * A record is stored as the bytes it came in, with the device stamp spliced in before its
 * closing brace, when those bytes are what json_to_string would have written anyway
 * (FoyerJsonSpan.canonical: compact, no escapes, integers only): serialising every record again
 * was 7 % of the hub's CPU. Any other record is written by json_to_string as before, so the
 * stored body is byte for byte the same either way.
 */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <json-glib/json-glib.h>

#include "foyer-hub-batch.h"
#include "foyer-badge-code.h"
#include "foyer-json.h"
#include "foyer-record.h"

G_DEFINE_QUARK (foyer-hub-batch-error-quark, foyer_hub_batch_error)

/* Here rather than in foyer-hub-storage.c: the fuzz target links this file alone. */
void
foyer_hub_item_free (FoyerHubItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->type);
  g_free (item->created_at);
  g_free (item->category);
  g_free (item->booth);
  g_free (item->body);
  g_free (item->reason);
  g_free (item->area);
  g_free (item->rating);
  g_free (item);
}

#define INVALID_MARK "\xef\xb7\x90"   /* U+FDD0 */

/* data with each byte outside valid UTF-8 (and each NUL) replaced by U+FDD0; NULL when data is
 * valid UTF-8 already (the usual case: the body is parsed where it is, not copied). */
static GString *
mark_invalid_utf8 (const char *data, gsize len)
{
  GString *out;
  const char *p = data;
  const char *end = data + len;
  const char *valid_end = NULL;

  if (g_utf8_validate_len (data, len, &valid_end))
    return NULL;
  out = g_string_sized_new (len + 16);
  while (p < end) {
    if (g_utf8_validate_len (p, end - p, &valid_end)) {
      g_string_append_len (out, p, end - p);
      break;
    }
    g_string_append_len (out, p, valid_end - p);
    g_string_append (out, INVALID_MARK);
    p = valid_end + 1;
  }
  return out;
}

/* A string member, or NULL when absent or of another JSON type (json-glib's
 * get_string_member_with_default warns on objects and arrays: input from kiosks is untrusted). */
static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static FoyerHubItem *
rejected (FoyerHubItem *item, const char *reason)
{
  item->status = FOYER_HUB_ITEM_REJECTED;
  g_free (item->reason);
  item->reason = g_strdup (reason);
  return item;
}

static gboolean
event_matches (const char *record_event, const char *event)
{
  return record_event == NULL || g_ascii_strcasecmp (record_event, event) == 0;
}

static gboolean
check_registration (JsonObject *object, const char *event, FoyerHubItem *item, GError **error)
{
  g_autoptr(FoyerRegistration) reg = foyer_registration_from_json (object, error);

  if (reg == NULL)
    return FALSE;
  if (!event_matches (reg->event, event)) {
    g_set_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                 "the record is for event “%s”, not this device's event “%s”", reg->event, event);
    return FALSE;
  }
  if (reg->event == NULL)
    reg->event = g_strdup (event);
  if (!foyer_registration_validate (reg, error))
    return FALSE;
  item->category = g_strdup (reg->category);
  return TRUE;
}

static gboolean
read_member (JsonObject *object, const char *name, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING) {
    g_set_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                 "“%s” must be a string", name);
    return FALSE;
  }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
check_lead (JsonObject *object, const char *event, FoyerHubItem *item, GError **error)
{
  g_autoptr(FoyerLead) lead = foyer_lead_new ();
  JsonNode *answers = json_object_get_member (object, "answers_json");
  JsonNode *visitor = json_object_get_member (object, "visitor");

  if (!read_member (object, "registration_id", &lead->registration_id, error) ||
      !read_member (object, "event", &lead->event, error) ||
      !read_member (object, "kiosk_id", &lead->kiosk_id, error) ||
      !read_member (object, "created_at", &lead->created_at, error) ||
      !read_member (object, "booth", &lead->booth, error) ||
      !read_member (object, "staff_id", &lead->staff_id, error) ||
      !read_member (object, "rating", &lead->rating, error) ||
      !read_member (object, "notes", &lead->notes, error))
    return FALSE;
  if (!event_matches (lead->event, event)) {
    g_set_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                 "the record is for event “%s”, not this device's event “%s”", lead->event,
                 event);
    return FALSE;
  }
  if (lead->event == NULL)
    lead->event = g_strdup (event);
  if (answers != NULL && !JSON_NODE_HOLDS_NULL (answers))
    lead->answers_json = JSON_NODE_HOLDS_OBJECT (answers) ? foyer_json_to_string (answers)
                                                          : g_strdup ("not an object");
  if (!foyer_lead_validate (lead, error))
    return FALSE;
  if (visitor != NULL && !JSON_NODE_HOLDS_NULL (visitor)) {
    g_autoptr(FoyerHubItem) scratch = g_new0 (FoyerHubItem, 1);

    if (!JSON_NODE_HOLDS_OBJECT (visitor)) {
      g_set_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                   "“visitor” must be an object");
      return FALSE;
    }
    if (!check_registration (json_node_get_object (visitor), event, scratch, error))
      return FALSE;
  }
  item->booth = g_strdup (lead->booth);
  return TRUE;
}

/* Two-way sync (issue 16): a check-in's direction and area. */
static gboolean
check_check_in (JsonObject *object, GError **error)
{
  g_autofree char *direction = NULL;
  g_autofree char *area = NULL;

  if (!read_member (object, "direction", &direction, error)
      || !read_member (object, "area", &area, error))
    return FALSE;
  if (direction != NULL && strcmp (direction, "entry") != 0 && strcmp (direction, "exit") != 0) {
    g_set_error_literal (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                         "“direction” must be entry or exit");
    return FALSE;
  }
  if (area != NULL && strlen (area) > 64) {
    g_set_error_literal (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                         "“area” is longer than 64 bytes");
    return FALSE;
  }
  return TRUE;
}

/* An annulment names the check-in it annuls (applied by the hub, also before it arrives). */
static gboolean
check_annulment (JsonObject *object, GError **error)
{
  g_autofree char *annuls = NULL;
  g_autofree char *created_at = NULL;

  if (!read_member (object, "annuls", &annuls, error)
      || !read_member (object, "created_at", &created_at, error))
    return FALSE;
  if (annuls == NULL || *annuls == '\0' || strlen (annuls) > 64 || created_at == NULL) {
    g_set_error_literal (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                         "an annulment needs “annuls” (a check-in id) and “created_at”");
    return FALSE;
  }
  return TRUE;
}

/* A string member, NULL when absent or null; FALSE for another JSON type. */
static gboolean
optional_string (JsonObject *object, const char *name, char **out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* SQLite's json_extract(body, '$.follow_up') = 1: true, or a number equal to 1. */
static gboolean
is_one (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node)) {
  case G_TYPE_BOOLEAN: return json_node_get_boolean (node);
  case G_TYPE_INT64: return json_node_get_int (node) == 1;
  case G_TYPE_DOUBLE: return json_node_get_double (node) == 1.0;
  default: return FALSE;
  }
}

/* What the live counters read from a valid record's body (FoyerHubItem.counted). Only where
 * the parsed values are exactly what SQLite's json_extract reads from the stored body: an
 * "area" of another type than string is left to the SQL count. */
static void
note_counted (JsonObject *object, FoyerHubItem *item)
{
  if (strcmp (item->type, "lead") == 0) {
    item->follow_up = is_one (json_object_get_member (object, "follow_up"));
    item->counted = optional_string (object, "rating", &item->rating);
    return;
  }
  if (strcmp (item->type, "check_in") == 0) {
    g_autofree char *direction = NULL;
    optional_string (object, "direction", &direction);   /* validated: a string or absent */
    item->exit = g_strcmp0 (direction, "exit") == 0;
  }
  item->counted = optional_string (object, "area", &item->area);
}

/* What parse_record needs besides the record (the batch's device, the parsed text), and the
 * items of the values taken while parsing. */
typedef struct {
  const char *event;
  const char *device;
  GString    *device_json;   /* the device as a JSON string, as json_to_string writes it */
  const char *text;          /* what was parsed (the marked copy when there is one) */
  GPtrArray  *taken;         /* FoyerHubItem or NULL: each value two containers deep, in order */
} Batch;

static void
batch_clear (Batch *batch)
{
  if (batch->device_json != NULL)
    g_string_free (batch->device_json, TRUE);
  g_clear_pointer (&batch->taken, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Batch, batch_clear)

/* The record's bytes with "device" appended as json_object_set_string_member + json_to_string
 * would: a canonical object without a "device" member ends in '}' and holds a member (its id). */
static char *
stamped_bytes (const Batch *batch, const FoyerJsonSpan *span)
{
  const char *bytes = batch->text + span->offset;
  GString *body = g_string_sized_new (span->length + batch->device_json->len + 12);

  g_assert (span->length >= 2 && bytes[span->length - 1] == '}');
  g_string_append_len (body, bytes, span->length - 1);
  g_string_append (body, ",\"device\":");
  g_string_append_len (body, batch->device_json->str, batch->device_json->len);
  g_string_append_c (body, '}');
  return g_string_free (body, FALSE);
}

/* The stored body: the record as it came when that is what json_to_string would write. */
static char *
stamped_body (const Batch *batch, JsonNode *node, const FoyerJsonSpan *span, gboolean clean)
{
  JsonObject *object = json_node_get_object (node);

  if (clean && span->canonical && !json_object_has_member (object, "device"))
    return stamped_bytes (batch, span);
  /* The hub's stamp: which enrolled device delivered the record. */
  json_object_set_string_member (object, "device", batch->device);
  return foyer_json_to_string (node);
}

/* memchr for the mark's first byte: g_strstr_len compares at every byte. */
static gboolean
has_mark (const char *bytes, gsize len)
{
  const char *end = bytes + len;

  for (const char *p = bytes; (p = memchr (p, INVALID_MARK[0], end - p)) != NULL; p++)
    if (end - p >= 3 && memcmp (p, INVALID_MARK, 3) == 0)
      return TRUE;
  return FALSE;
}

/* Clean: the record's text holds no mark and no escape (which could decode to either). */
static gboolean
is_clean (const Batch *batch, const FoyerJsonSpan *span)
{
  const char *bytes = batch->text + span->offset;

  return memchr (bytes, '\\', span->length) == NULL && !has_mark (bytes, span->length);
}

static gboolean
check_type (JsonObject *object, const Batch *batch, FoyerHubItem *item, GError **error)
{
  const char *type = item->type;

  if (g_strcmp0 (type, "registration") == 0)
    return check_registration (object, batch->event, item, error);
  if (g_strcmp0 (type, "check_in") == 0)
    return check_check_in (object, error) && check_registration (object, batch->event, item, error);
  if (g_strcmp0 (type, "annulment") == 0)
    return check_annulment (object, error);
  if (g_strcmp0 (type, "lead") == 0)
    return check_lead (object, batch->event, item, error);
  g_set_error_literal (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                       "unknown record type");
  return FALSE;
}

/* One record: its item, REJECTED with the reason when it breaks a rule. NULL: no string id. */
static FoyerHubItem *
parse_record (JsonNode *node, const FoyerJsonSpan *span, const Batch *batch)
{
  g_autoptr(FoyerHubItem) item = g_new0 (FoyerHubItem, 1);
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *id;
  gboolean clean;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  id = string_member (object, "id");
  if (id == NULL || *id == '\0')
    return NULL;
  item->id = g_strdup (id);
  if (strlen (id) > 64 || strstr (id, INVALID_MARK) != NULL)
    return rejected (g_steal_pointer (&item), "the record id is not a UUID");

  /* A clean record cannot hold a mark: it need not be serialised to look for one. */
  clean = is_clean (batch, span);
  if (!clean) {
    item->body = foyer_json_to_string (node);
    if (strstr (item->body, INVALID_MARK) != NULL || !g_utf8_validate (item->body, -1, NULL))
      return rejected (g_steal_pointer (&item), "the record holds text that is not valid UTF-8");
  }

  item->type = g_strdup (string_member (object, "type"));
  item->created_at = g_strdup (string_member (object, "created_at"));
  if (!check_type (object, batch, item, &error))
    return rejected (g_steal_pointer (&item), error->message);

  /* Escapes could decode to text (a NUL) that json_extract reads differently: counted in SQL. */
  if (clean)
    note_counted (object, item);
  g_free (item->body);
  item->body = stamped_body (batch, node, span, clean);
  item->status = FOYER_HUB_ITEM_PENDING;
  return g_steal_pointer (&item);
}

static JsonArray *
records_of (JsonNode *root, GError **error)
{
  JsonNode *records;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (records = json_object_get_member (json_node_get_object (root), "records")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (records)) {
    g_set_error_literal (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                         "the body is not a JSON object with a “records” array");
    return NULL;
  }
  if (json_array_get_length (json_node_get_array (records)) > FOYER_HUB_BATCH_MAX_RECORDS) {
    g_set_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_TOO_MANY,
                 "more than %d records in one batch", FOYER_HUB_BATCH_MAX_RECORDS);
    return NULL;
  }
  return json_node_get_array (records);
}

/* Nothing but JSON's whitespace */
static gboolean
is_blank (const char *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (strchr (" \t\n\r", data[i]) == NULL || data[i] == '\0')
      return FALSE;
  return TRUE;
}

/* Each value two containers deep (each record, if the body is a batch), as soon as the parser
 * has it: its item (NULL when it is no record), and a number in the tree in its place, the
 * item's index in batch->taken. A record's tree lives only while it is validated: a batch of 200
 * held as one json-glib tree was some 17,000 small allocations alive at once and freed together
 * at the end, which glibc's malloc_consolidate() then sorted back at the next large allocation
 * (build, free and consolidation: 28 % of the serving hub's CPU under bench-hub). Now one
 * record's nodes are reused by the next. bench-hub's one-thread parse line went from 1.03-1.05
 * to 0.95-0.97 times json-glib's parser alone on a quiet machine; in the serving hub the gain
 * was within the profile's noise. What is not in the "records" array (another member's values,
 * a "records" array that a later one replaces) is validated the same way and its items
 * dropped: the body's size bounds that work as it bounded the tree. */
static JsonNode *
take_value (JsonNode *node, const FoyerJsonSpan *span, gpointer user_data)
{
  Batch *batch = user_data;
  guint index = batch->taken->len;

  g_ptr_array_add (batch->taken, parse_record (node, span, batch));
  json_node_unref (node);
  return json_node_init_int (json_node_alloc (), index);
}

/* The batch's tree, its records taken by take_value(); NULL with the 400's reason. */
static JsonNode *
parse_text (Batch *batch, gsize len, GError **error)
{
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (is_blank (batch->text, len)) {   /* as json-glib did: no root, so no records array */
    records_of (NULL, error);
    return NULL;
  }
  /* the records are the values two containers deep: {"records": [record, …]} */
  root = foyer_json_parse_spans (batch->text, len, FOYER_HUB_BATCH_MAX_DEPTH, 2, take_value, batch,
                                 &local);
  if (g_error_matches (local, FOYER_JSON_ERROR, FOYER_JSON_ERROR_TOO_DEEP))
    g_set_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                 "the body nests deeper than %d levels", FOYER_HUB_BATCH_MAX_DEPTH);
  else if (root == NULL)
    g_set_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED,
                 "the body is %s", local->message);   /* "not JSON (expected … at byte N)" */
  return root;
}

GPtrArray *
foyer_hub_batch_parse (const char *data, gsize len, const char *event, const char *device,
                       GError **error)
{
  g_auto(Batch) batch = { .event = event, .device = device };
  g_autoptr(GString) text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) items = NULL;
  JsonArray *records;

  g_return_val_if_fail (event != NULL && device != NULL, NULL);

  if (data == NULL)   /* an empty GBytes may hold no buffer at all */
    data = "";
  if ((text = mark_invalid_utf8 (data, len)) != NULL) {
    data = text->str;
    len = text->len;
  }
  batch.text = data;
  batch.taken = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_item_free);
  batch.device_json = g_string_new (NULL);
  foyer_json_append_string (batch.device_json, device);
  if ((root = parse_text (&batch, len, error)) == NULL
      || (records = records_of (root, error)) == NULL)
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_item_free);
  for (guint i = 0; i < json_array_get_length (records); i++) {
    /* every element is take_value()'s number */
    gint64 index = json_array_get_int_element (records, i);
    FoyerHubItem *item;

    g_assert (index >= 0 && index < batch.taken->len);
    item = g_steal_pointer (&g_ptr_array_index (batch.taken, index));
    if (item != NULL)
      g_ptr_array_add (items, item);
  }
  return g_steal_pointer (&items);
}

static void
counter_free (FoyerHubCounter *counter)
{
  g_free (counter->key);
  g_free (counter);
}

static int
counter_compare (gconstpointer a, gconstpointer b)
{
  const FoyerHubCounter *x = *(FoyerHubCounter * const *) a, *y = *(FoyerHubCounter * const *) b;
  int by_dimension = strcmp (x->dimension, y->dimension);

  return by_dimension != 0 ? by_dimension : strcmp (x->key, y->key);
}

/* Adds one to (dimension, key); takes key. */
static void
count (GHashTable *index, GPtrArray *counters, const char *dimension, char *key)
{
  g_autofree char *lookup = g_strconcat (dimension, "\n", key, NULL);
  FoyerHubCounter *counter = g_hash_table_lookup (index, lookup);

  if (counter == NULL) {
    counter = g_new0 (FoyerHubCounter, 1);
    counter->dimension = dimension;
    counter->key = key;
    g_ptr_array_add (counters, counter);
    g_hash_table_insert (index, g_steal_pointer (&lookup), counter);
  } else {
    g_free (key);
  }
  counter->count++;
}

/* SQLite's substr(text, 1, 13): the first 13 characters (created_at's hour). */
static char *
hour_of (const char *created_at)
{
  const char *end = created_at;

  if (created_at == NULL)
    return g_strdup ("");
  for (guint i = 0; i < 13 && *end != '\0'; i++)
    end = g_utf8_next_char (end);
  return g_strndup (created_at, end - created_at);
}

/* The rules of COUNT_RECORDS (foyer-hub-sqlite.c, foyer-hub-pg.c) for one accepted item. */
static void
count_item (GHashTable *index, GPtrArray *counters, FoyerHubItem *item, const char *device)
{
  gboolean lead = strcmp (item->type, "lead") == 0;
  gboolean check_in = strcmp (item->type, "check_in") == 0;
  gboolean arrival = strcmp (item->type, "registration") == 0 || (check_in && !item->exit);
  const char *booth = item->booth != NULL ? item->booth : "";

  count (index, counters, "type", g_strdup (item->type));
  if (arrival || check_in)
    count (index, counters, "flow", g_strdup (arrival ? "in" : "out"));
  if (arrival) {
    if (item->category != NULL)
      count (index, counters, "category", g_strdup (item->category));
    count (index, counters, "hour", hour_of (item->created_at));
    count (index, counters, "gate", g_strconcat (device, "\x1f", item->area != NULL
                                                 ? item->area : "", NULL));
  }
  if (lead) {
    count (index, counters, "lead", g_strconcat (booth, "\x1f", item->rating != NULL
                                                 ? item->rating : "", NULL));
    if (item->follow_up)
      count (index, counters, "lead_follow", g_strdup (booth));
  }
}

GPtrArray *
foyer_hub_batch_counters (GPtrArray *items, const char *device)
{
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) counters = g_ptr_array_new_with_free_func ((GDestroyNotify) counter_free);

  g_return_val_if_fail (items != NULL && device != NULL, NULL);

  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);

    if (item->status != FOYER_HUB_ITEM_ACCEPTED)
      continue;
    if (!item->counted || item->type == NULL)
      return NULL;
    count_item (index, counters, item, device);
  }
  g_ptr_array_sort (counters, counter_compare);
  return g_steal_pointer (&counters);
}

static const char *
status_name (FoyerHubItemStatus status)
{
  switch (status) {
  case FOYER_HUB_ITEM_ACCEPTED: return "accepted";
  case FOYER_HUB_ITEM_DUPLICATE: return "duplicate";
  case FOYER_HUB_ITEM_REJECTED: return "rejected";
  default: return NULL;
  }
}

/* Written directly rather than through JsonBuilder (which was 12 % of the parse's cost): the
 * same bytes json_to_string wrote, test-hub's /hub/batch/answer compares them. */
char *
foyer_hub_batch_answer (GPtrArray *items)
{
  GString *out = g_string_sized_new (16 + items->len * 64);
  gboolean first = TRUE;

  g_string_append (out, "{\"results\":[");
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    const char *status = status_name (item->status);

    if (status == NULL)
      continue;
    g_string_append (out, first ? "{\"id\":" : ",{\"id\":");
    first = FALSE;
    foyer_json_append_string (out, item->id);
    g_string_append (out, ",\"status\":");
    foyer_json_append_string (out, status);
    if (item->status == FOYER_HUB_ITEM_REJECTED && item->reason != NULL) {
      g_string_append (out, ",\"reason\":");
      foyer_json_append_string (out, item->reason);
    }
    g_string_append_c (out, '}');
  }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}
