/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-gate-rules.c: [gate] categories, opening hours and entries per day (see
 * foyer-gate-rules.h and docs/gate-rules.md).
 *
 * Times are minutes after midnight in the gate's time zone; a day's window runs from its opening
 * to its closing time, into the next day when close is before open (a night session). The entry
 * day that entries are counted in starts at a day's opening time, so a night session is one day.
 */
#define G_LOG_DOMAIN "foyer-gate"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "foyer-gate-rules.h"
#include "foyer-record.h"

#define MINUTES_PER_DAY (24 * 60)

typedef struct {
  int open;    /* minutes after midnight, -1 when not set */
  int close;   /* 1..1440, -1 when not set */
} Hours;

struct _FoyerGateRules {
  GObject      parent_instance;

  FoyerConfig *config;       /* owned: the name and other entrance, in each language */
  GStrv        categories;   /* NULL: every category */
  Hours        every_day;
  GHashTable  *by_date;      /* "YYYY-MM-DD" → Hours */
  gboolean     has_hours;
  guint        max_entries;  /* 0: no limit */
  GTimeZone   *tz;
  GDateTime   *fixed_time;   /* NULL: the real time */
};

G_DEFINE_FINAL_TYPE (FoyerGateRules, foyer_gate_rules, G_TYPE_OBJECT)
G_DEFINE_QUARK (foyer-gate-rules-error-quark, foyer_gate_rules_error)

static void
foyer_gate_rules_finalize (GObject *object)
{
  FoyerGateRules *self = (FoyerGateRules *)object;

  g_clear_object (&self->config);
  g_clear_pointer (&self->categories, g_strfreev);
  g_clear_pointer (&self->by_date, g_hash_table_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->fixed_time, g_date_time_unref);

  G_OBJECT_CLASS (foyer_gate_rules_parent_class)->finalize (object);
}

static void
foyer_gate_rules_class_init (FoyerGateRulesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_gate_rules_finalize;
}

static void
foyer_gate_rules_init (FoyerGateRules *self)
{
  self->every_day.open = self->every_day.close = -1;
  self->by_date = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* --- words ------------------------------------------------------------------------------- */

static const char *
category_label (const char *category)
{
  if (g_strcmp0 (category, FOYER_CATEGORY_TRADE_VISITOR) == 0)
    return _("trade visitors");
  if (g_strcmp0 (category, FOYER_CATEGORY_PUBLIC) == 0)
    return _("public visitors");
  if (g_strcmp0 (category, FOYER_CATEGORY_MEDIA) == 0)
    return _("media");
  if (g_strcmp0 (category, FOYER_CATEGORY_EXHIBITOR) == 0)
    return _("exhibitors");
  if (g_strcmp0 (category, FOYER_CATEGORY_VIP) == 0)
    return _("VIP guests");
  if (g_strcmp0 (category, FOYER_CATEGORY_ORGANIZER) == 0)
    return _("organizers");
  return category;
}

static char *
categories_in_words (FoyerGateRules *self)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; self->categories[i] != NULL; i++) {
    if (i > 0)
      g_string_append (s, C_("list separator", ", "));
    g_string_append (s, category_label (self->categories[i]));
  }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* [gate] name or other-entrance in the interface language (LANGUAGE), or NULL. */
static char *
gate_text (FoyerGateRules *self,
           const char     *key)
{
  g_autofree char *text = foyer_config_get_locale_string (self->config, "gate", key,
                                                          g_get_language_names ()[0]);

  if (text == NULL || *g_strstrip (text) == '\0')
    return NULL;
  return g_steal_pointer (&text);
}

static char *
gate_name (FoyerGateRules *self)
{
  char *name = gate_text (self, "name");

  return name != NULL ? name : g_strdup (_("This entrance"));
}

static char *
format_minutes (int minutes)
{
  return g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);
}

static void
set_reasons (char **visitor_reason,
             char **staff_reason,
             char  *visitor,
             char  *staff)
{
  if (visitor_reason != NULL)
    *visitor_reason = visitor;
  else
    g_free (visitor);
  if (staff_reason != NULL)
    *staff_reason = staff;
  else
    g_free (staff);
}

/* --- reading [gate] ----------------------------------------------------------------------- */

/* "HH:MM" → minutes; 24:00 only as a closing time. */
static int
parse_time (const char *text,
            gboolean    closing)
{
  guint64 h, m;
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);

  if (g_strv_length (parts) != 2 || strlen (parts[1]) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 24, &h, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &m, NULL))
    return -1;
  if (h == 24 && (m != 0 || !closing))
    return -1;
  if (h == 0 && m == 0 && closing)
    return MINUTES_PER_DAY;
  return (int)(h * 60 + m);
}

static gboolean
valid_date (const char *text)
{
  guint64 y, m, d;
  g_auto(GStrv) parts = g_strsplit (text, "-", -1);

  return g_strv_length (parts) == 3 && strlen (parts[0]) == 4 && strlen (parts[1]) == 2 &&
         strlen (parts[2]) == 2 &&
         g_ascii_string_to_unsigned (parts[0], 10, 1970, 9999, &y, NULL) &&
         g_ascii_string_to_unsigned (parts[1], 10, 1, 12, &m, NULL) &&
         g_ascii_string_to_unsigned (parts[2], 10, 1, 31, &d, NULL) &&
         g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

static Hours *
hours_for_date (FoyerGateRules *self,
                const char     *date)
{
  Hours *hours = g_hash_table_lookup (self->by_date, date);

  if (hours == NULL) {
    hours = g_new (Hours, 1);
    hours->open = hours->close = -1;
    g_hash_table_insert (self->by_date, g_strdup (date), hours);
  }
  return hours;
}

/* One entry of [gate] open or close: "HH:MM" (every day) or "YYYY-MM-DD HH:MM" (that date). */
static gboolean
read_time_entry (FoyerGateRules  *self,
                 const char      *key,
                 const char      *entry,
                 GError         **error)
{
  gboolean closing = strcmp (key, "close") == 0;
  g_auto(GStrv) words = g_strsplit (entry, " ", -1);
  guint n = g_strv_length (words);
  Hours *hours = &self->every_day;
  int minutes;
  int *slot;

  if (n == 2 && valid_date (words[0]))
    hours = hours_for_date (self, words[0]);
  else if (n != 1)
    goto invalid;
  if ((minutes = parse_time (words[n - 1], closing)) < 0)
    goto invalid;
  slot = closing ? &hours->close : &hours->open;
  if (*slot >= 0) {
    if (n == 2)
      g_set_error (error, FOYER_GATE_RULES_ERROR, FOYER_GATE_RULES_ERROR_INVALID,
                   _("[gate] %s gives two times for %s"), key, words[0]);
    else
      g_set_error (error, FOYER_GATE_RULES_ERROR, FOYER_GATE_RULES_ERROR_INVALID,
                   _("[gate] %s gives two times for every day"), key);
    return FALSE;
  }
  *slot = minutes;
  self->has_hours = TRUE;
  return TRUE;

invalid:
  g_set_error (error, FOYER_GATE_RULES_ERROR, FOYER_GATE_RULES_ERROR_INVALID,
               _("[gate] %s: “%s” is not a time (HH:MM, or YYYY-MM-DD HH:MM for one date)"),
               key, entry);
  return FALSE;
}

static gboolean
read_times (FoyerGateRules  *self,
            const char      *key,
            GError         **error)
{
  g_auto(GStrv) entries = foyer_config_get_string_list (self->config, "gate", key);

  for (guint i = 0; entries != NULL && entries[i] != NULL; i++) {
    g_autofree char *entry = g_strstrip (g_strdup (entries[i]));

    if (*entry != '\0' && !read_time_entry (self, key, entry, error))
      return FALSE;
  }
  return TRUE;
}

static int
open_of (FoyerGateRules *self,
         const Hours    *date_hours)
{
  if (date_hours != NULL && date_hours->open >= 0)
    return date_hours->open;
  return self->every_day.open >= 0 ? self->every_day.open : 0;
}

static int
close_of (FoyerGateRules *self,
          const Hours    *date_hours)
{
  if (date_hours != NULL && date_hours->close >= 0)
    return date_hours->close;
  return self->every_day.close >= 0 ? self->every_day.close : MINUTES_PER_DAY;
}

/* One day's window: open equal to close is an error, close before open a night session. */
static gboolean
check_window (FoyerGateRules  *self,
              const char      *date,
              const Hours     *date_hours,
              GPtrArray       *warnings,
              GError         **error)
{
  int open = open_of (self, date_hours), close = close_of (self, date_hours);
  g_autofree char *o = format_minutes (open);
  g_autofree char *c = format_minutes (close);
  g_autofree char *when = date != NULL ? g_strdup (date) : g_strdup (_("every day"));

  if (open == close) {
    g_set_error (error, FOYER_GATE_RULES_ERROR, FOYER_GATE_RULES_ERROR_INVALID,
                 _("[gate] open and close are both %s (%s): the entrance would never open"),
                 o, when);
    return FALSE;
  }
  if (close < open && warnings != NULL)
    g_ptr_array_add (warnings, g_strdup_printf (_("[gate] close %s is before open %s (%s): the "
                                                  "entrance stays open overnight, until %s the "
                                                  "next day"), c, o, when, c));
  return TRUE;
}

static gboolean
check_windows (FoyerGateRules  *self,
               GPtrArray       *warnings,
               GError         **error)
{
  g_autoptr(GList) dates = NULL;

  if (!self->has_hours)
    return TRUE;
  if (!check_window (self, NULL, NULL, warnings, error))
    return FALSE;
  dates = g_list_sort (g_hash_table_get_keys (self->by_date), (GCompareFunc)strcmp);
  for (GList *l = dates; l != NULL; l = l->next)
    if (!check_window (self, l->data, g_hash_table_lookup (self->by_date, l->data), warnings,
                       error))
      return FALSE;
  return TRUE;
}

static void
read_categories (FoyerGateRules *self,
                 GPtrArray      *warnings)
{
  g_auto(GStrv) list = foyer_config_get_string_list (self->config, "gate", "categories");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint known = 0, n = 0;

  for (guint i = 0; list != NULL && list[i] != NULL; i++) {
    g_autofree char *category = g_strstrip (g_strdup (list[i]));

    if (*category == '\0')
      continue;
    n++;
    if (foyer_category_is_valid (category))
      known++;
    else if (warnings != NULL)
      g_ptr_array_add (warnings, g_strdup_printf (_("[gate] categories: “%s” is not a visitor "
                                                    "category (trade_visitor, public, media, "
                                                    "exhibitor, vip, organizer): no badge has it"),
                                                  category));
    g_strv_builder_add (builder, category);
  }
  if (n > 0 && known == 0 && warnings != NULL)
    g_ptr_array_add (warnings, g_strdup (_("[gate] categories names no known category: this "
                                           "entrance admits nobody")));
  if (n > 0)
    self->categories = g_strv_builder_end (builder);
}

static GTimeZone *
read_time_zone (FoyerConfig  *config,
                GError      **error)
{
  const char *id = foyer_config_get_string (config, "gate", "time-zone");
  GTimeZone *tz;

  if (id == NULL || *id == '\0')
    return g_time_zone_new_local ();
  if ((tz = g_time_zone_new_identifier (id)) == NULL)
    g_set_error (error, FOYER_GATE_RULES_ERROR, FOYER_GATE_RULES_ERROR_INVALID,
                 _("[gate] time-zone: “%s” is not a time zone (e.g. Asia/Shanghai)"), id);
  return tz;
}

FoyerGateRules *
foyer_gate_rules_new_from_config (FoyerConfig  *config,
                                  GPtrArray    *warnings,
                                  GError      **error)
{
  g_autoptr(FoyerGateRules) self = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (FOYER_TYPE_GATE_RULES, NULL);
  self->config = g_object_ref (config);
  if ((self->tz = read_time_zone (config, error)) == NULL)
    return NULL;
  read_categories (self, warnings);
  if (!read_times (self, "open", error) || !read_times (self, "close", error) ||
      !check_windows (self, warnings, error))
    return NULL;
  self->max_entries = (guint)MAX (0, foyer_config_get_int (config, "gate",
                                                           "max-entries-per-day"));
  return g_steal_pointer (&self);
}

/* The [gate] group as text, for comparing two configurations. */
static char *
gate_group_text (FoyerConfig *config)
{
  GKeyFile *file = foyer_config_get_key_file (config);
  g_auto(GStrv) keys = g_key_file_get_keys (file, "gate", NULL, NULL);
  GString *text = g_string_new (NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
    g_autofree char *value = g_key_file_get_value (file, "gate", keys[i], NULL);
    g_string_append_printf (text, "%s=%s\n", keys[i], value != NULL ? value : "");
  }
  return g_string_free (text, FALSE);
}

gboolean
foyer_gate_rules_take_config (FoyerConfig  *running,
                              FoyerConfig  *written,
                              GError      **error)
{
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(FoyerGateRules) check = NULL;
  GKeyFile *from, *to;
  g_auto(GStrv) keys = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (running) && FOYER_IS_CONFIG (written), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  before = gate_group_text (running);
  after = gate_group_text (written);
  if (g_str_equal (before, after))
    return FALSE;
  if ((check = foyer_gate_rules_new_from_config (written, NULL, error)) == NULL)
    return FALSE;
  from = foyer_config_get_key_file (written);
  to = foyer_config_get_key_file (running);
  g_key_file_remove_group (to, "gate", NULL);
  keys = g_key_file_get_keys (from, "gate", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
    g_autofree char *value = g_key_file_get_value (from, "gate", keys[i], NULL);
    g_key_file_set_value (to, "gate", keys[i], value);
  }
  return TRUE;
}

gboolean
foyer_gate_rules_is_active (FoyerGateRules *self)
{
  g_return_val_if_fail (FOYER_IS_GATE_RULES (self), FALSE);
  return self->categories != NULL || self->has_hours || self->max_entries > 0;
}

GTimeZone *
foyer_gate_rules_get_time_zone (FoyerGateRules *self)
{
  g_return_val_if_fail (FOYER_IS_GATE_RULES (self), NULL);
  return self->tz;
}

guint
foyer_gate_rules_get_max_entries (FoyerGateRules *self)
{
  g_return_val_if_fail (FOYER_IS_GATE_RULES (self), 0);
  return self->max_entries;
}

GDateTime *
foyer_gate_rules_now (FoyerGateRules *self)
{
  g_return_val_if_fail (FOYER_IS_GATE_RULES (self), NULL);
  if (self->fixed_time != NULL)
    return g_date_time_ref (self->fixed_time);
  return g_date_time_new_now (self->tz);
}

void
foyer_gate_rules_set_fixed_time (FoyerGateRules *self,
                                 GDateTime      *when)
{
  g_return_if_fail (FOYER_IS_GATE_RULES (self));
  g_clear_pointer (&self->fixed_time, g_date_time_unref);
  self->fixed_time = when != NULL ? g_date_time_ref (when) : NULL;
}

/* --- category ----------------------------------------------------------------------------- */

gboolean
foyer_gate_rules_admits_category (FoyerGateRules  *self,
                                  const char      *category,
                                  char           **visitor_reason,
                                  char           **staff_reason)
{
  g_autofree char *admitted = NULL;
  g_autofree char *name = NULL;
  g_autofree char *other = NULL;
  char *visitor, *staff;

  g_return_val_if_fail (FOYER_IS_GATE_RULES (self), FALSE);

  if (category == NULL || *category == '\0')
    category = FOYER_CATEGORY_TRADE_VISITOR;
  if (self->categories == NULL || g_strv_contains ((const char * const *)self->categories,
                                                   category))
    return TRUE;

  admitted = categories_in_words (self);
  name = gate_name (self);
  other = gate_text (self, "other-entrance");
  if (other != NULL) {
    visitor = g_strdup_printf (_("This entrance is for %s only. Please use %s."), admitted, other);
    staff = g_strdup_printf (_("%s: %s please use %s (this entrance admits %s)."), name,
                             category_label (category), other, admitted);
  } else {
    visitor = g_strdup_printf (_("This entrance is for %s only. Please ask our staff which "
                                 "entrance to use."), admitted);
    staff = g_strdup_printf (_("%s admits %s only ([gate] categories); this badge is for %s."),
                             name, admitted, category_label (category));
  }
  set_reasons (visitor_reason, staff_reason, visitor, staff);
  return FALSE;
}

/* --- opening hours ------------------------------------------------------------------------ */

static char *
date_key (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static const Hours *
hours_on (FoyerGateRules *self,
          const GDate    *date)
{
  g_autofree char *key = date_key (date);

  return g_hash_table_lookup (self->by_date, key);
}

/* date at minutes (0..1440) in the gate's time zone. */
static GDateTime *
date_at (FoyerGateRules *self,
         const GDate    *date,
         int             minutes)
{
  GDate day = *date;

  if (minutes >= MINUTES_PER_DAY) {
    g_date_add_days (&day, 1);
    minutes -= MINUTES_PER_DAY;
  }
  return g_date_time_new (self->tz, g_date_get_year (&day), g_date_get_month (&day),
                          g_date_get_day (&day), minutes / 60, minutes % 60, 0);
}

/* The date whose window (or entry day) now falls in: today, or yesterday before today's
 * opening time. */
static void
entry_date (FoyerGateRules *self,
            GDateTime      *now,
            GDate          *date)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, self->tz);
  int minutes = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay)g_date_time_get_day_of_month (local),
                  (GDateMonth)g_date_time_get_month (local),
                  (GDateYear)g_date_time_get_year (local));
  if (minutes < open_of (self, hours_on (self, date)))
    g_date_subtract_days (date, 1);
}

static GDateTime *
window_end (FoyerGateRules *self,
            const GDate    *date)
{
  const Hours *hours = hours_on (self, date);
  int open = open_of (self, hours), close = close_of (self, hours);

  return date_at (self, date, close > open ? close : close + MINUTES_PER_DAY);
}

void
foyer_gate_rules_get_entry_day (FoyerGateRules  *self,
                                GDateTime       *now,
                                GDateTime      **start,
                                GDateTime      **end)
{
  GDate date, next;

  g_return_if_fail (FOYER_IS_GATE_RULES (self));
  g_return_if_fail (now != NULL && start != NULL && end != NULL);

  entry_date (self, now, &date);
  next = date;
  g_date_add_days (&next, 1);
  *start = date_at (self, &date, open_of (self, hours_on (self, &date)));
  *end = date_at (self, &next, open_of (self, hours_on (self, &next)));
}

static char *
format_local (GDateTime *when,
              gboolean   with_date)
{
  return g_date_time_format (when, with_date ? "%Y-%m-%d %H:%M" : "%H:%M");
}

static void
closed_reasons (FoyerGateRules  *self,
                GDateTime       *now,
                const GDate     *date,
                char           **visitor_reason,
                char           **staff_reason)
{
  GDate next = *date;
  const Hours *hours = hours_on (self, date);
  g_autoptr(GDateTime) local_now = g_date_time_to_timezone (now, self->tz);
  g_autoptr(GDateTime) opens = NULL;
  g_autofree char *name = gate_name (self);
  g_autofree char *open = format_minutes (open_of (self, hours));
  g_autofree char *close = format_minutes (close_of (self, hours));
  g_autofree char *now_text = format_local (local_now, TRUE);
  g_autofree char *opens_text = NULL;
  g_autofree char *day = date_key (date);
  gboolean same_day;

  g_date_add_days (&next, 1);
  opens = date_at (self, &next, open_of (self, hours_on (self, &next)));
  same_day = g_date_time_get_day_of_year (opens) == g_date_time_get_day_of_year (local_now) &&
             g_date_time_get_year (opens) == g_date_time_get_year (local_now);
  opens_text = format_local (opens, !same_day);
  set_reasons (visitor_reason, staff_reason,
               g_strdup_printf (_("This entrance is closed now. It opens at %s."), opens_text),
               g_strdup_printf (_("%s is closed: on %s it was open %s–%s, it opens next at %s "
                                  "([gate] open/close, time zone %s); it is now %s."),
                                name, day, open, close, opens_text,
                                g_time_zone_get_identifier (self->tz), now_text));
}

gboolean
foyer_gate_rules_is_open (FoyerGateRules  *self,
                          GDateTime       *now,
                          char           **visitor_reason,
                          char           **staff_reason)
{
  g_autoptr(GDateTime) end = NULL;
  GDate date;

  g_return_val_if_fail (FOYER_IS_GATE_RULES (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (!self->has_hours)
    return TRUE;
  entry_date (self, now, &date);
  end = window_end (self, &date);
  if (g_date_time_compare (now, end) < 0)
    return TRUE;
  closed_reasons (self, now, &date, visitor_reason, staff_reason);
  return FALSE;
}

/* --- entries per day ---------------------------------------------------------------------- */

gboolean
foyer_gate_rules_admits_entries (FoyerGateRules  *self,
                                 guint            entries_today,
                                 char           **visitor_reason,
                                 char           **staff_reason)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (FOYER_IS_GATE_RULES (self), FALSE);

  if (self->max_entries == 0 || entries_today < self->max_entries)
    return TRUE;
  name = gate_name (self);
  set_reasons (visitor_reason, staff_reason,
               g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "This badge has already been used to enter %u time "
                                             "today, the most allowed per day.",
                                             "This badge has already been used to enter %u times "
                                             "today, the most allowed per day.",
                                             entries_today), entries_today),
               g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%s: this badge entered %u time today, the most is "
                                             "%u ([gate] max-entries-per-day).",
                                             "%s: this badge entered %u times today, the most is "
                                             "%u ([gate] max-entries-per-day).",
                                             entries_today), name, entries_today,
                                self->max_entries));
  return FALSE;
}

/* --- in words ----------------------------------------------------------------------------- */

static void
describe_window (FoyerGateRules *self,
                 GString        *out,
                 const char     *date,
                 const Hours    *hours)
{
  int open = open_of (self, hours), close = close_of (self, hours);
  g_autofree char *o = format_minutes (open);
  g_autofree char *c = format_minutes (close);

  if (date == NULL && close > open)
    g_string_append_printf (out, _("Open every day from %s to %s."), o, c);
  else if (date == NULL)
    g_string_append_printf (out, _("Open every day from %s to %s the next day."), o, c);
  else if (close > open)
    g_string_append_printf (out, _("On %s: open from %s to %s."), date, o, c);
  else
    g_string_append_printf (out, _("On %s: open from %s to %s the next day."), date, o, c);
  g_string_append_c (out, '\n');
}

static void
describe_hours (FoyerGateRules *self,
                GString        *out)
{
  g_autoptr(GList) dates = NULL;

  if (!self->has_hours) {
    g_string_append_printf (out, "%s\n", _("Open at all hours."));
    return;
  }
  describe_window (self, out, NULL, NULL);
  dates = g_list_sort (g_hash_table_get_keys (self->by_date), (GCompareFunc)strcmp);
  for (GList *l = dates; l != NULL; l = l->next)
    describe_window (self, out, l->data, g_hash_table_lookup (self->by_date, l->data));
  g_string_append_printf (out, _("Times are in the time zone %s."),
                          g_time_zone_get_identifier (self->tz));
  g_string_append_c (out, '\n');
}

char *
foyer_gate_rules_describe (FoyerGateRules *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *other = NULL;

  g_return_val_if_fail (FOYER_IS_GATE_RULES (self), NULL);

  if ((name = gate_text (self, "name")) != NULL) {
    g_string_append_printf (out, _("Entrance: %s."), name);
    g_string_append_c (out, '\n');
  }
  if (self->categories != NULL) {
    g_autofree char *admitted = categories_in_words (self);
    g_string_append_printf (out, _("Admits %s only."), admitted);
    g_string_append_c (out, '\n');
  } else {
    g_string_append_printf (out, "%s\n", _("Admits every visitor category."));
  }
  describe_hours (self, out);
  if (self->max_entries > 0)
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                              "At most %u entry per visitor per day.",
                                              "At most %u entries per visitor per day.",
                                              self->max_entries), self->max_entries);
  else
    g_string_append (out, _("No limit on entries per visitor per day."));
  g_string_append_c (out, '\n');
  if ((other = gate_text (self, "other-entrance")) != NULL) {
    g_string_append_printf (out, _("Visitors it does not admit are sent to %s."), other);
    g_string_append_c (out, '\n');
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
