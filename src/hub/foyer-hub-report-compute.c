/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-compute.c: the report's figures.
 *
 * A person is one or more registrations that share a normalised mobile number or e-mail address
 * (union-find over those keys): the registrations merged into another are the duplicates the
 * data-quality table counts, and persons — not registrations — are what visitors, categories and
 * the comparison with the previous edition count.
 */
#define G_LOG_DOMAIN "foyer-hub-report"

#include "config.h"

#include "foyer-hub-report-private.h"

typedef struct {
  const FoyerHubVisitor *first;    /* the registration's first arrival */
  guint                  parent;   /* union-find */
} Registration;

typedef struct {
  GArray     *regs;          /* Registration */
  GHashTable *reg_index;     /* registration_id → index + 1 */
  GHashTable *key_owner;     /* "m:+86…" / "e:a@b" → index + 1 of a registration */
  guint       n_persons;
  guint      *person_of;     /* registration index → dense person number */
  guint      *person_first;  /* person → its first registration (earliest arrival) */
} People;

static guint
find_root (GArray *regs, guint i)
{
  while (g_array_index (regs, Registration, i).parent != i) {
    Registration *r = &g_array_index (regs, Registration, i);
    r->parent = g_array_index (regs, Registration, r->parent).parent;
    i = r->parent;
  }
  return i;
}

static void
join_key (People *people, const char *prefix, const char *key, guint index)
{
  gpointer owner;

  if (key == NULL)
    return;
  char *full = g_strconcat (prefix, key, NULL);
  if (g_hash_table_lookup_extended (people->key_owner, full, NULL, &owner)) {
    guint a = find_root (people->regs, index);
    guint b = find_root (people->regs, GPOINTER_TO_UINT (owner) - 1);
    /* the older registration stays the root: it carries the person's category */
    g_array_index (people->regs, Registration, MAX (a, b)).parent = MIN (a, b);
    g_free (full);
  } else {
    g_hash_table_insert (people->key_owner, full, GUINT_TO_POINTER (index + 1));
  }
}

static void
people_build (People *people, FoyerHubReportModel *model)
{
  guint n;
  const FoyerHubVisitor *rows = foyer_hub_report_model_get_visitors (model, &n);
  GHashTable *root_person;

  people->regs = g_array_new (FALSE, FALSE, sizeof (Registration));
  people->reg_index = g_hash_table_new (g_str_hash, g_str_equal);
  people->key_owner = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++) {
    gpointer found = g_hash_table_lookup (people->reg_index, rows[i].registration_id);
    if (found == NULL) {
      Registration reg = { &rows[i], people->regs->len };
      g_array_append_val (people->regs, reg);
      g_hash_table_insert (people->reg_index, rows[i].registration_id,
                           GUINT_TO_POINTER (people->regs->len));
    } else if (rows[i].seen_at < g_array_index (people->regs, Registration,
                                                GPOINTER_TO_UINT (found) - 1).first->seen_at) {
      g_array_index (people->regs, Registration, GPOINTER_TO_UINT (found) - 1).first = &rows[i];
    }
  }
  for (guint i = 0; i < people->regs->len; i++) {
    const FoyerHubVisitor *v = g_array_index (people->regs, Registration, i).first;
    join_key (people, "m:", v->mobile, i);
    join_key (people, "e:", v->email, i);
  }
  root_person = g_hash_table_new (NULL, NULL);
  people->person_of = g_new (guint, people->regs->len + 1);
  people->person_first = g_new (guint, people->regs->len + 1);
  for (guint i = 0; i < people->regs->len; i++) {
    guint root = find_root (people->regs, i);
    gpointer p;
    if (!g_hash_table_lookup_extended (root_person, GUINT_TO_POINTER (root), NULL, &p)) {
      p = GUINT_TO_POINTER (people->n_persons);
      people->person_first[people->n_persons++] = root;
      g_hash_table_insert (root_person, GUINT_TO_POINTER (root), p);
    }
    people->person_of[i] = GPOINTER_TO_UINT (p);
  }
  g_hash_table_unref (root_person);
}

static void
people_clear (People *people)
{
  g_clear_pointer (&people->regs, g_array_unref);
  g_clear_pointer (&people->reg_index, g_hash_table_unref);
  g_clear_pointer (&people->key_owner, g_hash_table_unref);
  g_clear_pointer (&people->person_of, g_free);
  g_clear_pointer (&people->person_first, g_free);
}

static const FoyerHubVisitor *
person_visitor (People *people, guint person)
{
  return g_array_index (people->regs, Registration, people->person_first[person]).first;
}

static guint
person_of_row (People *people, const FoyerHubVisitor *row)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (people->reg_index, row->registration_id));
  return people->person_of[index - 1];
}

/* The person of other that shares a key with registration reg of people, or -1. */
static gint64
match_in (People *other, People *people, guint reg)
{
  const FoyerHubVisitor *v = g_array_index (people->regs, Registration, reg).first;
  const char *keys[2][2] = { { "m:", v->mobile }, { "e:", v->email } };

  for (guint k = 0; k < 2; k++) {
    gpointer owner;
    g_autofree char *full = NULL;
    if (keys[k][1] == NULL)
      continue;
    full = g_strconcat (keys[k][0], keys[k][1], NULL);
    if (g_hash_table_lookup_extended (other->key_owner, full, NULL, &owner))
      return other->person_of[GPOINTER_TO_UINT (owner) - 1];
  }
  return -1;
}

/* person → TRUE when some registration of theirs matches a person of other. */
static gboolean *
people_matched (People *people, People *other)
{
  gboolean *matched = g_new0 (gboolean, people->n_persons + 1);

  for (guint i = 0; i < people->regs->len; i++)
    if (match_in (other, people, i) >= 0)
      matched[people->person_of[i]] = TRUE;
  return matched;
}

/* --- counting helpers --- */

typedef struct {
  char  *key;
  guint  count;
} Count;

static void
count_add (GHashTable *counts, const char *key, guint n)
{
  Count *c = g_hash_table_lookup (counts, key);

  if (c == NULL) {
    c = g_new0 (Count, 1);
    c->key = g_strdup (key);
    g_hash_table_insert (counts, c->key, c);
  }
  c->count += n;
}

static void
count_free (gpointer data)
{
  Count *c = data;
  g_free (c->key);
  g_free (c);
}

static GHashTable *
counts_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, count_free);
}

static gint
count_by_value_desc (gconstpointer a, gconstpointer b)
{
  const Count *ca = *(const Count **) a, *cb = *(const Count **) b;

  if (ca->count != cb->count)
    return ca->count > cb->count ? -1 : 1;
  return g_strcmp0 (ca->key, cb->key);
}

static gint
count_by_key (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(const Count **) a)->key, (*(const Count **) b)->key);
}

/* (g_hash_table_get_values_as_ptr_array() is GLib 2.76) */
static GPtrArray *
values_array (GHashTable *table)
{
  GPtrArray *values = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (values, value);
  return values;
}

static GPtrArray *
counts_sorted (GHashTable *counts, GCompareFunc compare)
{
  GPtrArray *sorted = values_array (counts);

  g_ptr_array_sort (sorted, compare);
  return sorted;
}

typedef const char *(*LabelFunc) (FoyerHubReport *self, const char *key);

static const char *
label_category (FoyerHubReport *self, const char *key)
{
  return foyer_hub_i18n_category (self->i18n, key);
}

static const char *
label_plain (FoyerHubReport *self, const char *key)
{
  return *key != '\0' ? key : _T (self, N_("Unknown"));
}

/* A table "label | count | share" from counts, largest first (or by label when by_key). */
static void
add_share_table (FoyerHubReport *self, GHashTable *counts, guint whole, LabelFunc label,
                 gboolean by_key, const char *id, const char *title, const char *label_column,
                 const char *count_column)
{
  FoyerHubReportTable *table = _foyer_hub_report_add_table (self, id, title, count_column, FALSE,
                                                            label_column, count_column,
                                                            N_("Share"), NULL);
  g_autoptr(GPtrArray) sorted = counts_sorted (counts, by_key ? count_by_key
                                                              : count_by_value_desc);

  for (guint i = 0; i < sorted->len; i++) {
    const Count *c = g_ptr_array_index (sorted, i);
    g_autofree char *n = g_strdup_printf ("%u", c->count);
    g_autofree char *share = _foyer_hub_report_percent (c->count, whole);
    _foyer_hub_report_add_row (table, c->count, label (self, c->key), n, share, NULL);
  }
}

static char *
local_format (FoyerHubReportModel *model, gint64 t, const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, foyer_hub_report_model_get_timezone (model));

  return g_date_time_format (local, format);
}

/* --- the tables --- */

static void
add_totals (FoyerHubReport *self, FoyerHubReportModel *model, People *people, guint n_days)
{
  FoyerHubReportTable *table = _foyer_hub_report_add_table (self, "totals", N_("Totals"), NULL,
                                                            FALSE, N_("Measure"), N_("Value"),
                                                            NULL);
  guint n_rows, n_leads;
  g_autoptr(GHashTable) booths = g_hash_table_new (g_str_hash, g_str_equal);
  const FoyerHubLead *leads = foyer_hub_report_model_get_leads (model, &n_leads);
  const struct { const char *label; guint value; } totals[] = {
    { N_("Visitors"), people->n_persons },
    { N_("Registrations"), people->regs->len },
    { N_("Arrivals"), (foyer_hub_report_model_get_visitors (model, &n_rows), n_rows) },
    { N_("Days"), n_days },
    { N_("Leads"), n_leads },
    { N_("Exhibitors with leads"), 0 },
  };

  for (guint i = 0; i < n_leads; i++)
    g_hash_table_add (booths, leads[i].booth);
  for (guint i = 0; i < G_N_ELEMENTS (totals); i++) {
    guint value = i == G_N_ELEMENTS (totals) - 1 ? g_hash_table_size (booths) : totals[i].value;
    g_autofree char *text = g_strdup_printf ("%u", value);
    _foyer_hub_report_add_row (table, value, _T (self, totals[i].label), text, NULL);
  }
}

/* Visitors per day (a person counts once a day), arrivals per hour of day. Returns the days. */
static guint
add_time_tables (FoyerHubReport *self, FoyerHubReportModel *model, People *people,
                 GHashTable *per_day, GHashTable *per_hour, GHashTable *per_day_hour)
{
  guint n;
  const FoyerHubVisitor *rows = foyer_hub_report_model_get_visitors (model, &n);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n; i++) {
    g_autofree char *day = local_format (model, rows[i].seen_at, "%Y-%m-%d");
    g_autofree char *hour = local_format (model, rows[i].seen_at, "%H:00");
    char *seen_key = g_strdup_printf ("%s|%u", day, person_of_row (people, &rows[i]));

    g_autofree char *day_hour = g_strconcat (day, " ", hour, NULL);

    if (g_hash_table_add (seen, seen_key))
      count_add (per_day, day, 1);
    count_add (per_hour, hour, 1);
    count_add (per_day_hour, day_hour, 1);
  }
  return g_hash_table_size (per_day);
}

/* Every hour of every day, without a chart (a three-day show has too many bars for one). */
static void
add_day_hour_table (FoyerHubReport *self, GHashTable *per_day_hour)
{
  FoyerHubReportTable *table = _foyer_hub_report_add_table (
      self, "per-day-hour", N_("Arrivals per day and hour"), NULL, FALSE, N_("Day"), N_("Hour"),
      N_("Arrivals"), NULL);
  g_autoptr(GPtrArray) sorted = counts_sorted (per_day_hour, count_by_key);

  for (guint i = 0; i < sorted->len; i++) {
    const Count *c = g_ptr_array_index (sorted, i);
    g_auto(GStrv) parts = g_strsplit (c->key, " ", 2);
    g_autofree char *n = g_strdup_printf ("%u", c->count);
    _foyer_hub_report_add_row (table, c->count, parts[0], parts[1], n, NULL);
  }
}

static void
add_structure (FoyerHubReport *self, FoyerHubReportModel *model, People *people)
{
  guint n;
  const FoyerHubVisitor *rows = foyer_hub_report_model_get_visitors (model, &n);
  g_autoptr(GHashTable) categories = counts_new ();
  g_autoptr(GHashTable) interests = counts_new ();
  g_autoptr(GHashTable) regions = counts_new ();
  g_autoptr(GHashTable) gates = counts_new ();
  g_autoptr(GHashTable) areas = counts_new ();

  for (guint p = 0; p < people->n_persons; p++) {
    const FoyerHubVisitor *v = person_visitor (people, p);
    count_add (categories, v->category != NULL ? v->category : "", 1);
    count_add (regions, v->region != NULL ? v->region : "", 1);
    for (guint k = 0; v->interests != NULL && v->interests[k] != NULL; k++)
      count_add (interests, v->interests[k], 1);
  }
  for (guint i = 0; i < n; i++) {
    count_add (gates, rows[i].gate != NULL ? rows[i].gate : "", 1);
    count_add (areas, rows[i].area != NULL ? rows[i].area : "", 1);
  }
  add_share_table (self, categories, people->n_persons, label_category, FALSE, "by-category",
                   N_("Visitors by category"), N_("Category"), N_("Visitors"));
  add_share_table (self, gates, n, label_plain, FALSE, "by-gate", N_("Arrivals by gate"),
                   N_("Gate"), N_("Arrivals"));
  add_share_table (self, areas, n, label_plain, FALSE, "by-area", N_("Arrivals by area"),
                   N_("Area"), N_("Arrivals"));
  add_share_table (self, interests, people->n_persons, label_plain, FALSE, "by-interest",
                   N_("Visitors by interest"), N_("Interest"), N_("Visitors"));
  add_share_table (self, regions, people->n_persons, label_plain, FALSE, "by-region",
                   N_("Visitors by region"), N_("Region"), N_("Visitors"));
}

static void
add_new_returning (FoyerHubReport *self, People *people, People *previous)
{
  g_autofree gboolean *returning = people_matched (people, previous);
  guint n_returning = 0;
  g_autoptr(GHashTable) counts = counts_new ();

  for (guint p = 0; p < people->n_persons; p++)
    n_returning += returning[p] ? 1 : 0;
  count_add (counts, _T (self, N_("New visitors")), people->n_persons - n_returning);
  count_add (counts, _T (self, N_("Returning visitors")), n_returning);
  add_share_table (self, counts, people->n_persons, label_plain, FALSE, "new-returning",
                   N_("New and returning visitors"), N_("Group"), N_("Visitors"));
}

typedef struct {
  guint before;
  guint again;
} Retention;

static void
add_retention_row (FoyerHubReport *self, FoyerHubReportTable *table, const char *label,
                   const Retention *r)
{
  g_autofree char *before = g_strdup_printf ("%u", r->before);
  g_autofree char *again = g_strdup_printf ("%u", r->again);
  g_autofree char *retention = _foyer_hub_report_percent (r->again, r->before);
  g_autofree char *churn = _foyer_hub_report_percent (r->before - r->again, r->before);

  _foyer_hub_report_add_row (table, r->before > 0 ? 100.0 * r->again / r->before : 0,
                             label, before, again, retention, churn, NULL);
}

/* Per category of last edition's visitors: how many came again. */
static void
add_retention (FoyerHubReport *self, People *people, People *previous, const gboolean *again)
{
  g_autoptr(GHashTable) by_category = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GList) keys = NULL;
  Retention total = { 0 };
  FoyerHubReportTable *table = _foyer_hub_report_add_table (
      self, "retention", N_("Retention and churn by category"), N_("Retention"), TRUE,
      N_("Category"), N_("Last edition"), N_("Came again"), N_("Retention"), N_("Churn"), NULL);

  for (guint p = 0; p < previous->n_persons; p++) {
    const FoyerHubVisitor *v = person_visitor (previous, p);
    const char *category = v->category != NULL ? v->category : "";
    Retention *r = g_hash_table_lookup (by_category, category);
    if (r == NULL)
      g_hash_table_insert (by_category, (gpointer) category, r = g_new0 (Retention, 1));
    r->before++;
    r->again += again[p] ? 1 : 0;
    total.before++;
    total.again += again[p] ? 1 : 0;
  }
  keys = g_list_sort (g_hash_table_get_keys (by_category), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l != NULL; l = l->next)
    add_retention_row (self, table, foyer_hub_i18n_category (self->i18n, l->data),
                       g_hash_table_lookup (by_category, l->data));
  add_retention_row (self, table, _T (self, N_("All visitors")), &total);
}

typedef struct {
  char     *category;
  char     *interest;
  Retention r;
} Segment;

static void
segment_free (gpointer data)
{
  Segment *s = data;
  g_free (s->category);
  g_free (s->interest);
  g_free (s);
}

static gint
segment_by_lost (gconstpointer a, gconstpointer b)
{
  const Segment *sa = *(const Segment **) a, *sb = *(const Segment **) b;
  guint lost_a = sa->r.before - sa->r.again, lost_b = sb->r.before - sb->r.again;
  int by_category;

  if (lost_a != lost_b)
    return lost_a > lost_b ? -1 : 1;
  by_category = g_strcmp0 (sa->category, sb->category);
  return by_category != 0 ? by_category : g_strcmp0 (sa->interest, sb->interest);
}

static void
segment_count (GHashTable *segments, const char *category, const char *interest, gboolean again)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", category, interest);
  Segment *s = g_hash_table_lookup (segments, key);

  if (s == NULL) {
    s = g_new0 (Segment, 1);
    s->category = g_strdup (category);
    s->interest = g_strdup (interest);
    g_hash_table_insert (segments, g_steal_pointer (&key), s);
  }
  s->r.before++;
  s->r.again += again ? 1 : 0;
}

/* The follow-up list: last edition's valuable groups (every category but the general public, by
 * interest) with the people who did not come back, the largest losses first. */
#define MAX_LOST_SEGMENTS 20

static void
add_lost_segments (FoyerHubReport *self, People *previous, const gboolean *again)
{
  g_autoptr(GHashTable) segments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          segment_free);
  g_autoptr(GPtrArray) sorted = NULL;
  FoyerHubReportTable *table = _foyer_hub_report_add_table (
      self, "lost-segments", N_("Valuable groups that did not come back"),
      N_("Did not come back"), FALSE, N_("Category"), N_("Interest"), N_("Last edition"),
      N_("Did not come back"), N_("Retention"), NULL);
  table->label_columns = 2;   /* category · interest */

  for (guint p = 0; p < previous->n_persons; p++) {
    const FoyerHubVisitor *v = person_visitor (previous, p);
    if (v->category == NULL || g_strcmp0 (v->category, "public") == 0)
      continue;
    if (v->interests == NULL || v->interests[0] == NULL)
      segment_count (segments, v->category, "", again[p]);
    for (guint k = 0; v->interests != NULL && v->interests[k] != NULL; k++)
      segment_count (segments, v->category, v->interests[k], again[p]);
  }
  sorted = values_array (segments);
  g_ptr_array_sort (sorted, segment_by_lost);
  for (guint i = 0; i < sorted->len && i < MAX_LOST_SEGMENTS; i++) {
    const Segment *s = g_ptr_array_index (sorted, i);
    guint lost = s->r.before - s->r.again;
    g_autofree char *before = g_strdup_printf ("%u", s->r.before);
    g_autofree char *lost_text = g_strdup_printf ("%u", lost);
    g_autofree char *retention = _foyer_hub_report_percent (s->r.again, s->r.before);
    if (lost == 0)
      break;
    _foyer_hub_report_add_row (table, lost, foyer_hub_i18n_category (self->i18n, s->category),
                               *s->interest != '\0' ? s->interest
                                                    : _T (self, N_("No interest given")),
                               before, lost_text, retention, NULL);
  }
}

typedef struct {
  const char *booth;
  const char *exhibitor;
  guint       leads;
  guint       hot, warm, cold, unrated;
  guint       follow_up;
} BoothLeads;

static gint
booth_by_leads (gconstpointer a, gconstpointer b)
{
  const BoothLeads *ba = *(const BoothLeads **) a, *bb = *(const BoothLeads **) b;

  if (ba->leads != bb->leads)
    return ba->leads > bb->leads ? -1 : 1;
  return g_strcmp0 (ba->exhibitor, bb->exhibitor);
}

static void
add_booth_row (FoyerHubReport *self, FoyerHubReportTable *table, const char *booth,
               const BoothLeads *b)
{
  guint figures[] = { b->leads, b->hot, b->warm, b->cold, b->unrated };
  char *text[G_N_ELEMENTS (figures)];
  g_autofree char *follow_up = _foyer_hub_report_percent (b->follow_up, b->leads);

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    text[i] = g_strdup_printf ("%u", figures[i]);
  _foyer_hub_report_add_row (table, b->leads, b->exhibitor, booth, text[0], text[1], text[2],
                             text[3], text[4], follow_up, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    g_free (text[i]);
}

static void
add_leads (FoyerHubReport *self, FoyerHubReportModel *model)
{
  guint n;
  const FoyerHubLead *leads = foyer_hub_report_model_get_leads (model, &n);
  g_autoptr(GHashTable) booths = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GPtrArray) sorted = NULL;
  FoyerHubReportTable *table = _foyer_hub_report_add_table (
      self, "leads", N_("Leads per exhibitor"), N_("Leads"), FALSE, N_("Exhibitor"), N_("Booth"),
      N_("Leads"), NC_("lead rating", "Hot"), NC_("lead rating", "Warm"),
      NC_("lead rating", "Cold"), N_("Not rated"), N_("Follow-up"), NULL);

  for (guint i = 0; i < n; i++) {
    BoothLeads *b = g_hash_table_lookup (booths, leads[i].booth);
    if (b == NULL) {
      b = g_new0 (BoothLeads, 1);
      b->booth = leads[i].booth;
      b->exhibitor = leads[i].exhibitor;
      g_hash_table_insert (booths, leads[i].booth, b);
    }
    b->leads++;
    b->hot += g_strcmp0 (leads[i].rating, "hot") == 0;
    b->warm += g_strcmp0 (leads[i].rating, "warm") == 0;
    b->cold += g_strcmp0 (leads[i].rating, "cold") == 0;
    b->unrated += leads[i].rating == NULL;
    b->follow_up += leads[i].follow_up ? 1 : 0;
  }
  sorted = values_array (booths);
  g_ptr_array_sort (sorted, booth_by_leads);
  for (guint i = 0; i < sorted->len; i++) {
    const BoothLeads *b = g_ptr_array_index (sorted, i);
    add_booth_row (self, table, b->booth, b);
  }
}

static void
add_quality_row (FoyerHubReport *self, FoyerHubReportTable *table, const char *label,
                 guint count, guint whole)
{
  g_autofree char *n = g_strdup_printf ("%u", count);
  g_autofree char *share = _foyer_hub_report_percent (count, whole);

  _foyer_hub_report_add_row (table, whole > 0 ? 100.0 * count / whole : 0, _T (self, label), n,
                             share, NULL);
}

/* Shares of registrations (the records as taken) with each piece of good data. */
static void
add_quality (FoyerHubReport *self, People *people)
{
  guint regs = people->regs->len;
  guint mobile = 0, email = 0, consent = 0, company = 0, title = 0;
  FoyerHubReportTable *table = _foyer_hub_report_add_table (
      self, "data-quality", N_("Data quality"), N_("Share"), TRUE, N_("Measure"),
      N_("Registrations"), N_("Share"), NULL);

  for (guint i = 0; i < regs; i++) {
    const FoyerHubVisitor *v = g_array_index (people->regs, Registration, i).first;
    mobile += v->mobile != NULL;
    email += v->email != NULL;
    consent += v->consent ? 1 : 0;
    company += v->has_company ? 1 : 0;
    title += v->has_title ? 1 : 0;
  }
  add_quality_row (self, table, N_("Valid mobile number"), mobile, regs);
  add_quality_row (self, table, N_("Valid e-mail address"), email, regs);
  add_quality_row (self, table, N_("Consent given"), consent, regs);
  add_quality_row (self, table, N_("Company given"), company, regs);
  add_quality_row (self, table, N_("Title given"), title, regs);
  add_quality_row (self, table, N_("Duplicates found and merged"), regs - people->n_persons, regs);
}

void
_foyer_hub_report_compute (FoyerHubReport      *self,
                           FoyerHubReportModel *model,
                           FoyerHubReportModel *previous)
{
  People people = { 0 }, before = { 0 };
  g_autoptr(GHashTable) per_day = counts_new ();
  g_autoptr(GHashTable) per_hour = counts_new ();
  g_autoptr(GHashTable) per_day_hour = counts_new ();
  guint n_rows, n_days;

  foyer_hub_report_model_get_visitors (model, &n_rows);
  people_build (&people, model);
  n_days = add_time_tables (self, model, &people, per_day, per_hour, per_day_hour);
  add_totals (self, model, &people, n_days);
  add_share_table (self, per_day, people.n_persons, label_plain, TRUE, "per-day",
                   N_("Visitors per day"), N_("Day"), N_("Visitors"));
  add_share_table (self, per_hour, n_rows, label_plain, TRUE, "per-hour",
                   N_("Arrivals per hour"), N_("Hour"), N_("Arrivals"));
  add_day_hour_table (self, per_day_hour);
  add_structure (self, model, &people);
  if (previous != NULL) {
    g_autofree gboolean *again = NULL;
    people_build (&before, previous);
    again = people_matched (&before, &people);
    add_new_returning (self, &people, &before);
    add_retention (self, &people, &before, again);
    add_lost_segments (self, &before, again);
    people_clear (&before);
  }
  add_leads (self, model);
  add_quality (self, &people);
  people_clear (&people);
}
