/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-web-source.c: FoyerHubDashboardSource over FoyerHubStorage. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include "foyer-hub-merge.h"
#include "foyer-hub-occupancy.h"
#include "foyer-hub-pull-rows.h"
#include "foyer-hub-web-source.h"
#include "foyer-record.h"
#include "foyer-json.h"

#define UNIT_SEPARATOR '\x1f'

struct _FoyerHubWebSource {
  GObject          parent_instance;
  FoyerHubStorage *storage;
  char            *forward_backend;
  GMutex           lock;
  GHashTable      *occupancy;       /* event → FoyerHubOccupancy: "inside now" (under lock) */
  /* the leads page's merged figures (under lock): recounted when the event's change sequence
   * has moved since, so a dashboard polling every 2 s merges the leads once per change */
  char            *leads_event;
  gint64           leads_seq;
  GHashTable      *leads_booths;    /* booth → BoothCounts */
};

static void foyer_hub_web_source_iface_init (FoyerHubDashboardSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerHubWebSource, foyer_hub_web_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_HUB_DASHBOARD_SOURCE,
                                                      foyer_hub_web_source_iface_init))

static void
foyer_hub_web_source_finalize (GObject *object)
{
  FoyerHubWebSource *self = FOYER_HUB_WEB_SOURCE (object);

  g_clear_object (&self->storage);
  g_free (self->forward_backend);
  g_hash_table_unref (self->occupancy);
  g_free (self->leads_event);
  g_clear_pointer (&self->leads_booths, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (foyer_hub_web_source_parent_class)->finalize (object);
}

static void
foyer_hub_web_source_class_init (FoyerHubWebSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_web_source_finalize;
}

static void
foyer_hub_web_source_init (FoyerHubWebSource *self)
{
  g_mutex_init (&self->lock);
  self->occupancy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

FoyerHubWebSource *
foyer_hub_web_source_new (FoyerHubStorage *storage, const char *forward_backend)
{
  FoyerHubWebSource *self = g_object_new (FOYER_TYPE_HUB_WEB_SOURCE, NULL);

  self->storage = g_object_ref (storage);
  self->forward_backend = g_strdup (forward_backend != NULL ? forward_backend : "none");
  return self;
}

static gint64
unix_time (const char *timestamp)
{
  g_autoptr(GDateTime) time = timestamp != NULL ? g_date_time_new_from_iso8601 (timestamp, NULL)
                                                : NULL;

  return time != NULL ? g_date_time_to_unix (time) : -1;
}

/* ---- overview: counters only ---- */

static gint64
counter (GPtrArray *counters, const char *dimension, const char *key)
{
  for (guint i = 0; i < counters->len; i++) {
    FoyerHubStatsRow *row = g_ptr_array_index (counters, i);
    if (strcmp (row->dimension, dimension) == 0 && strcmp (row->key, key) == 0)
      return row->count;
  }
  return 0;
}

/* Arrivals per local hour of today, from the UTC hour counters ("YYYY-MM-DDTHH"). */
static void
add_per_hour (JsonBuilder *b, GPtrArray *counters, const char *today)
{
  gint64 hours[24] = { 0 };

  for (guint i = 0; i < counters->len; i++) {
    FoyerHubStatsRow *row = g_ptr_array_index (counters, i);
    g_autofree char *iso = NULL;
    g_autoptr(GDateTime) utc = NULL;
    g_autoptr(GDateTime) local = NULL;
    g_autofree char *day = NULL;

    if (strcmp (row->dimension, "hour") != 0 || strlen (row->key) != 13)
      continue;
    iso = g_strconcat (row->key, ":00:00Z", NULL);
    if ((utc = g_date_time_new_from_iso8601 (iso, NULL)) == NULL)
      continue;
    local = g_date_time_to_local (utc);
    day = g_date_time_format (local, "%Y-%m-%d");
    if (strcmp (day, today) == 0)
      hours[g_date_time_get_hour (local)] += row->count;
  }
  json_builder_set_member_name (b, "per_hour");
  json_builder_begin_array (b);
  for (guint h = 0; h < 24; h++) {
    char label[8];
    if (hours[h] == 0)
      continue;
    g_snprintf (label, sizeof label, "%02u:00", h);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "hour");
    json_builder_add_string_value (b, label);
    json_builder_set_member_name (b, "count");
    json_builder_add_int_value (b, hours[h]);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

/* by_category and by_gate: one object per counter of dimension. */
static void
add_breakdown (JsonBuilder *b, GPtrArray *counters, const char *dimension, const char *member,
               const char *name)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < counters->len; i++) {
    FoyerHubStatsRow *row = g_ptr_array_index (counters, i);
    g_auto(GStrv) parts = NULL;

    if (strcmp (row->dimension, dimension) != 0)
      continue;
    parts = g_strsplit (row->key, (char[]) { UNIT_SEPARATOR, 0 }, 2);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, name);
    json_builder_add_string_value (b, parts[0]);
    if (parts[0] != NULL && parts[1] != NULL) {
      json_builder_set_member_name (b, "area");
      json_builder_add_string_value (b, *parts[1] != '\0' ? parts[1] : NULL);
    }
    json_builder_set_member_name (b, "count");
    json_builder_add_int_value (b, row->count);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* "Inside now" as `foyer-hub stats` and the check-ins pull count it (foyer-hub-occupancy.h:
 * repeats, annulments and exits of people never seen inside change nothing), kept
 * incrementally per event; -1 on a database error. */
static gint64
inside_now (FoyerHubWebSource *self, const char *event, GError **error)
{
  g_autoptr(FoyerHubOccupancy) occupancy = NULL;

  g_mutex_lock (&self->lock);
  occupancy = g_hash_table_lookup (self->occupancy, event);
  if (occupancy == NULL) {
    occupancy = foyer_hub_occupancy_new (event);
    g_hash_table_insert (self->occupancy, g_strdup (event), occupancy);
  }
  g_object_ref (occupancy);
  g_mutex_unlock (&self->lock);
  if (!foyer_hub_occupancy_update (occupancy, self->storage, error))
    return -1;
  return foyer_hub_occupancy_total (occupancy);
}

static JsonNode *
overview (FoyerHubWebSource *self, const char *event, GError **error)
{
  g_autoptr(GPtrArray) counters = foyer_hub_storage_counters (self->storage, event, error);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  gint64 inside, out;

  if (counters == NULL || (inside = inside_now (self, event, error)) < 0)
    return NULL;
  out = counter (counters, "flow", "out");
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_int (b, "registrations", counter (counters, "type", "registration"));
  add_int (b, "check_ins", counter (counters, "type", "check_in") - out);
  add_int (b, "inside", inside);
  add_int (b, "leads", counter (counters, "type", "lead"));
  json_builder_set_member_name (b, "today");
  json_builder_add_string_value (b, today);
  add_per_hour (b, counters, today);
  add_breakdown (b, counters, "category", "by_category", "category");
  add_breakdown (b, counters, "gate", "by_gate", "gate");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- devices ---- */

static JsonNode *
devices (FoyerHubWebSource *self, const char *event, GError **error)
{
  g_autoptr(GPtrArray) list = foyer_hub_storage_device_list (self->storage, error);
  g_autoptr(JsonBuilder) b = NULL;

  if (list == NULL)
    return NULL;
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_int (b, "now", g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "devices");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++) {
    FoyerHubDevice *d = g_ptr_array_index (list, i);
    gint64 seen = unix_time (d->last_seen_at);

    if (g_strcmp0 (d->event, event) != 0)
      continue;
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "name");
    json_builder_add_string_value (b, d->name);
    json_builder_set_member_name (b, "mode");
    json_builder_add_string_value (b, d->mode);
    json_builder_set_member_name (b, "booth");
    json_builder_add_string_value (b, d->booth);
    json_builder_set_member_name (b, "last_seen");
    if (seen >= 0)
      json_builder_add_int_value (b, seen);
    else
      json_builder_add_null_value (b);
    add_int (b, "pending", MAX (d->pending_reported, 0));
    json_builder_set_member_name (b, "version");
    json_builder_add_string_value (b, d->software_version);
    json_builder_set_member_name (b, "revoked");
    json_builder_add_boolean_value (b, d->revoked_at != NULL);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- problems: the forwarding outbox (admin only: reasons may quote personal data) ---- */

static void
add_dead (JsonBuilder *b, FoyerHubForwardEntry *entry)
{
  g_autoptr(JsonNode) node = json_from_string (entry->body, NULL);
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                       ? json_node_get_object (node) : NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "record");
  json_builder_add_string_value (b, entry->record_id);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, object != NULL
                                    ? json_object_get_string_member_with_default (object, "type",
                                                                                  NULL) : NULL);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, entry->last_error);
  add_int (b, "at", object != NULL
                    ? unix_time (json_object_get_string_member_with_default (object,
                                                                             "created_at", NULL))
                    : -1);
  json_builder_end_object (b);
}

static gint64
count_event (GPtrArray *entries, const char *event, JsonBuilder *dead_into)
{
  gint64 n = 0;

  for (guint i = 0; i < entries->len; i++) {
    FoyerHubForwardEntry *entry = g_ptr_array_index (entries, i);
    if (g_strcmp0 (entry->event, event) != 0)
      continue;
    n++;
    if (dead_into != NULL)
      add_dead (dead_into, entry);
  }
  return n;
}

static JsonNode *
problems (FoyerHubWebSource *self, const char *event, GError **error)
{
  g_autoptr(GPtrArray) dead = foyer_hub_storage_forward_list (self->storage, TRUE, error);
  g_autoptr(GPtrArray) queued = dead != NULL
                                ? foyer_hub_storage_forward_list (self->storage, FALSE, error)
                                : NULL;
  g_autoptr(GPtrArray) counters = queued != NULL
                                  ? foyer_hub_storage_counters (self->storage, event, error)
                                  : NULL;
  g_autoptr(JsonBuilder) b = NULL;
  gint64 n_dead, n_queued, total;

  if (counters == NULL)
    return NULL;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "dead");
  json_builder_begin_array (b);
  n_dead = count_event (dead, event, b);
  json_builder_end_array (b);
  n_queued = count_event (queued, event, NULL);
  total = counter (counters, "type", "registration") + counter (counters, "type", "check_in")
          + counter (counters, "type", "lead");
  json_builder_set_member_name (b, "forwarding");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "backend");
  json_builder_add_string_value (b, self->forward_backend);
  add_int (b, "queued", n_queued);
  add_int (b, "failed", n_dead);
  /* the outbox forgets what it forwarded: every other record of the event went through */
  add_int (b, "forwarded", strcmp (self->forward_backend, "none") == 0
                           ? 0 : MAX (total - n_queued - n_dead, 0));
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- leads per booth: merged as the exhibitors get them, plus the booths with a booth device
 * and no lead yet ---- */

typedef struct {
  gint64 leads, hot, warm, cold, follow_up;
} BoothCounts;

static BoothCounts *
booth_counts (GHashTable *booths, const char *booth)
{
  BoothCounts *counts = g_hash_table_lookup (booths, booth);

  if (counts == NULL) {
    counts = g_new0 (BoothCounts, 1);
    g_hash_table_insert (booths, g_strdup (booth), counts);
  }
  return counts;
}

/* One visitor scanned at one booth by two colleagues is one lead, with the later rating and a
 * follow-up if either asked for one: the booth team merge of the pull and the downloads. */
static GHashTable *
count_merged_leads (FoyerHubStorage *storage, const char *event, GError **error)
{
  g_autoptr(GPtrArray) rows = foyer_hub_pull_merged_leads (storage, event, NULL, error);
  GHashTable *booths;

  if (rows == NULL)
    return NULL;
  booths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < rows->len; i++) {
    JsonObject *row = json_node_get_object (g_ptr_array_index (rows, i));
    const char *booth = foyer_hub_json_string (row, "booth");
    const char *rating = foyer_hub_json_string (row, "rating");
    BoothCounts *c = booth_counts (booths, booth != NULL ? booth : "");

    c->leads++;
    c->hot += g_strcmp0 (rating, FOYER_RATING_HOT) == 0;
    c->warm += g_strcmp0 (rating, FOYER_RATING_WARM) == 0;
    c->cold += g_strcmp0 (rating, FOYER_RATING_COLD) == 0;
    c->follow_up += json_object_get_boolean_member_with_default (row, "follow_up", FALSE);
  }
  return booths;
}

/* The merged counts of event's booths (a new reference), from the cache while the event's change
 * sequence has not moved. */
static GHashTable *
merged_booths (FoyerHubWebSource *self, const char *event, GError **error)
{
  g_autoptr(FoyerHubEvent) info = foyer_hub_storage_event_get (self->storage, event, error);
  GHashTable *booths = NULL;

  if (info == NULL)
    return NULL;
  g_mutex_lock (&self->lock);
  if (self->leads_booths != NULL && g_strcmp0 (self->leads_event, event) == 0
      && self->leads_seq == info->last_seq)
    booths = g_hash_table_ref (self->leads_booths);
  g_mutex_unlock (&self->lock);
  if (booths != NULL || (booths = count_merged_leads (self->storage, event, error)) == NULL)
    return booths;
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->leads_booths, g_hash_table_unref);
  self->leads_booths = g_hash_table_ref (booths);
  g_free (self->leads_event);
  self->leads_event = g_strdup (event);
  self->leads_seq = info->last_seq;
  g_mutex_unlock (&self->lock);
  return booths;
}

static JsonNode *
leads (FoyerHubWebSource *self, const char *event, GError **error)
{
  g_autoptr(GHashTable) merged = merged_booths (self, event, error);
  g_autoptr(GPtrArray) list = merged != NULL
                              ? foyer_hub_storage_device_list (self->storage, error) : NULL;
  g_autoptr(GHashTable) booths = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) names = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  BoothCounts none = { 0 };
  GHashTableIter iter;
  gpointer key, value;

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++) {
    FoyerHubDevice *d = g_ptr_array_index (list, i);
    if (g_strcmp0 (d->event, event) == 0 && d->booth != NULL && *d->booth != '\0')
      g_hash_table_insert (booths, d->booth, &none);
  }
  g_hash_table_iter_init (&iter, merged);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (booths, key, value);
  names = g_list_sort (g_hash_table_get_keys (booths), (GCompareFunc) g_strcmp0);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "booths");
  json_builder_begin_array (b);
  for (GList *l = names; l != NULL; l = l->next) {
    BoothCounts *c = g_hash_table_lookup (booths, l->data);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "booth");
    json_builder_add_string_value (b, l->data);
    json_builder_set_member_name (b, "exhibitor");
    json_builder_add_string_value (b, l->data);
    add_int (b, "leads", c->leads);
    add_int (b, "hot", c->hot);
    add_int (b, "warm", c->warm);
    add_int (b, "cold", c->cold);
    add_int (b, "follow_up", c->follow_up);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
source_query (FoyerHubDashboardSource *source, FoyerHubDashboardView view, const char *event,
              GError **error)
{
  FoyerHubWebSource *self = FOYER_HUB_WEB_SOURCE (source);
  g_autofree char *chosen = event == NULL
                            ? foyer_hub_storage_default_event (self->storage, error) : NULL;

  if (event == NULL && chosen == NULL)
    return NULL;
  if (event == NULL)
    event = chosen;
  switch (view) {
  case FOYER_HUB_DASHBOARD_OVERVIEW:
    return overview (self, event, error);
  case FOYER_HUB_DASHBOARD_DEVICES:
    return devices (self, event, error);
  case FOYER_HUB_DASHBOARD_PROBLEMS:
    return problems (self, event, error);
  case FOYER_HUB_DASHBOARD_LEADS:
  default:
    return leads (self, event, error);
  }
}

/* ---- one booth's leads, for its exhibitor's link ---- */

static char *
member_dup (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING
         ? g_strdup (json_node_get_string (node)) : NULL;
}

static FoyerLead *
lead_from_body (JsonObject *object)
{
  FoyerLead *lead = foyer_lead_new ();
  JsonNode *answers = json_object_get_member (object, "answers_json");

  lead->id = member_dup (object, "id");
  lead->registration_id = member_dup (object, "registration_id");
  lead->event = member_dup (object, "event");
  lead->kiosk_id = member_dup (object, "kiosk_id");
  lead->created_at = member_dup (object, "created_at");
  lead->updated_at = member_dup (object, "updated_at");
  lead->booth = member_dup (object, "booth");
  lead->staff_id = member_dup (object, "staff_id");
  lead->rating = member_dup (object, "rating");
  lead->notes = member_dup (object, "notes");
  lead->follow_up = json_object_get_boolean_member_with_default (object, "follow_up", FALSE);
  if (answers != NULL && JSON_NODE_HOLDS_OBJECT (answers))
    lead->answers_json = foyer_json_to_string (answers);
  return lead;
}

typedef struct {
  GPtrArray  *leads;
  GPtrArray  *visitors;
  GHashTable *index;     /* the visitor's badge code or registration id → position */
} BoothLeads;

/* Several tablets of one booth may send the same visitor: the latest record stands for it. */
static gboolean
add_booth_lead (const FoyerHubRecordRow *row, gpointer data)
{
  BoothLeads *out = data;
  g_autoptr(JsonNode) node = json_from_string (row->body, NULL);
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                       ? json_node_get_object (node) : NULL;
  JsonObject *visitor_object;
  FoyerRegistration *visitor = NULL;
  FoyerLead *lead;
  const char *key;
  gpointer at;

  if (object == NULL)
    return TRUE;
  lead = lead_from_body (object);
  visitor_object = json_object_has_member (object, "visitor")
                   && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "visitor"))
                   ? json_object_get_object_member (object, "visitor") : NULL;
  if (visitor_object != NULL)
    visitor = foyer_registration_from_json (visitor_object, NULL);
  key = visitor != NULL && visitor->badge_code != NULL ? visitor->badge_code
        : lead->registration_id != NULL ? lead->registration_id : lead->id;
  if (key != NULL && g_hash_table_lookup_extended (out->index, key, NULL, &at)) {
    guint i = GPOINTER_TO_UINT (at);

    foyer_lead_free (out->leads->pdata[i]);
    out->leads->pdata[i] = lead;
    g_clear_pointer (&out->visitors->pdata[i], foyer_registration_free);
    out->visitors->pdata[i] = visitor;
    return TRUE;
  }
  if (key != NULL)
    g_hash_table_insert (out->index, g_strdup (key), GUINT_TO_POINTER (out->leads->len));
  g_ptr_array_add (out->leads, lead);
  g_ptr_array_add (out->visitors, visitor);
  return TRUE;
}

static gboolean
source_booth_leads (FoyerHubDashboardSource *source, const char *event, const char *booth,
                    GPtrArray **leads_out, GPtrArray **visitors_out, GError **error)
{
  FoyerHubWebSource *self = FOYER_HUB_WEB_SOURCE (source);
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  BoothLeads out = {
    g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_lead_free),
    g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_registration_free), index,
  };

  if (event == NULL || !foyer_hub_storage_records_foreach (self->storage, event, "lead", booth,
                                                           add_booth_lead, &out, error)) {
    if (event == NULL)
      g_set_error_literal (error, FOYER_HUB_STORAGE_ERROR, FOYER_HUB_STORAGE_ERROR_NOT_FOUND,
                           "no event for this link");
    g_ptr_array_unref (out.leads);
    g_ptr_array_unref (out.visitors);
    return FALSE;
  }
  *leads_out = out.leads;
  *visitors_out = out.visitors;
  return TRUE;
}

static void
foyer_hub_web_source_iface_init (FoyerHubDashboardSourceInterface *iface)
{
  iface->query = source_query;
  iface->booth_leads = source_booth_leads;
}
