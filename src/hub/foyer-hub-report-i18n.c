/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-i18n.c: the hub's report and dashboard strings per language, from the
 * project's gettext catalog.
 *
 * glibc's gettext has no per-call language and only C.UTF-8 is guaranteed to exist as a locale,
 * so a server that answers in zh_CN and en side by side cannot switch LANGUAGE per request
 * without racing its other threads. Instead every string the hub shows is listed below (and
 * marked N_() where it is used, for xgettext); each language's table is looked up once, under a
 * lock, and then only read.
 */
#define G_LOG_DOMAIN "foyer-hub-i18n"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#include "foyer-hub-report-i18n.h"
#include "foyer-json.h"

/* gettext caches translations; bumping this makes it look them up again after LANGUAGE changes. */
extern int _nl_msg_cat_cntr;

struct _FoyerHubI18n {
  const char *language;
  GHashTable *strings;    /* msgid → translation (both static or owned by the table) */
};

static const char *const hub_strings[] = {
  /* categories and ratings (shared with the kiosk) */
  N_("Trade visitor"), N_("General public"), N_("Media"), N_("Exhibitor"), N_("VIP"),
  N_("Organizer"),
  /* the report */
  N_("Post-show report"), N_("Compared with %s"), N_("No previous edition to compare with"),
  N_("Totals"), N_("Measure"), N_("Value"), N_("Visitors"), N_("Registrations"), N_("Arrivals"),
  N_("Days"), N_("Leads"), N_("Exhibitors with leads"), N_("Share"), N_("Unknown"),
  N_("Visitors per day"), N_("Day"), N_("Arrivals per hour"), N_("Hour"), N_("Arrivals per day and hour"),
  N_("Visitors by category"), N_("Category"), N_("Arrivals by gate"), N_("Gate"),
  N_("Arrivals by area"), N_("Area"), N_("Visitors by interest"), N_("Interest"),
  N_("Visitors by region"), N_("Region"),
  N_("New and returning visitors"), N_("Group"), N_("New visitors"), N_("Returning visitors"),
  N_("Retention and churn by category"), N_("Last edition"), N_("Came again"), N_("Retention"),
  N_("Churn"), N_("All visitors"), N_("Valuable groups that did not come back"),
  N_("Did not come back"), N_("No interest given"), N_("Leads per exhibitor"), N_("Booth"),
  N_("Not rated"), N_("Follow-up"), N_("Data quality"), N_("Valid mobile number"),
  N_("Valid e-mail address"), N_("Consent given"), N_("Company given"), N_("Title given"),
  N_("Duplicates found and merged"),
  /* the exhibitors' lead export */
  N_("Name"), N_("Company"), N_("Title"), N_("Mobile"), N_("E-mail"), N_("Rating"),
  N_("Answers"), N_("Notes"), N_("Time"), N_("Badge"), N_("Yes"), N_("No"),
#include "foyer-hub-dashboard-strings.h"
};

/* Strings the catalog holds with a context: { context, msgid }, looked up by msgid. */
static const char *const hub_context_strings[][2] = {
  { "lead rating", NC_("lead rating", "Hot") },
  { "lead rating", NC_("lead rating", "Warm") },
  { "lead rating", NC_("lead rating", "Cold") },
};

static GMutex lock;
static FoyerHubI18n tables[2] = { { "zh_CN", NULL }, { "en", NULL } };

const char *
foyer_hub_i18n_normalize_language (const char *language)
{
  return language != NULL && g_ascii_strncasecmp (language, "en", 2) == 0 ? "en" : "zh_CN";
}

/* Called with lock held. */
static void
build_table (FoyerHubI18n *table)
{
  g_autofree char *saved_language = g_strdup (g_getenv ("LANGUAGE"));
  const char *messages = setlocale (LC_MESSAGES, NULL);

  /* glibc ignores LANGUAGE in the C locale; C.UTF-8 is always there on Debian. */
  if (messages == NULL || strcmp (messages, "C") == 0 || strcmp (messages, "POSIX") == 0)
    setlocale (LC_MESSAGES, "C.UTF-8");
  g_setenv ("LANGUAGE", strcmp (table->language, "en") == 0 ? "en" : "zh_CN:zh", TRUE);
  ++_nl_msg_cat_cntr;
  table->strings = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (hub_strings); i++)
    g_hash_table_insert (table->strings, (gpointer) hub_strings[i],
                         g_strdup (g_dgettext (GETTEXT_PACKAGE, hub_strings[i])));
  for (guint i = 0; i < G_N_ELEMENTS (hub_context_strings); i++)
    g_hash_table_insert (table->strings, (gpointer) hub_context_strings[i][1],
                         g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, hub_context_strings[i][0],
                                                 hub_context_strings[i][1])));
  if (saved_language != NULL)
    g_setenv ("LANGUAGE", saved_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  ++_nl_msg_cat_cntr;
}

const FoyerHubI18n *
foyer_hub_i18n_get (const char *language)
{
  FoyerHubI18n *table = &tables[strcmp (foyer_hub_i18n_normalize_language (language), "en") == 0];

  g_mutex_lock (&lock);
  if (table->strings == NULL)
    build_table (table);
  g_mutex_unlock (&lock);
  return table;
}

const char *
foyer_hub_i18n_text (const FoyerHubI18n *i18n,
                     const char         *msgid)
{
  const char *text;

  g_return_val_if_fail (i18n != NULL && msgid != NULL, msgid);
  text = g_hash_table_lookup (i18n->strings, msgid);
  if (text == NULL)
    g_debug ("“%s” is not in the hub's string list", msgid);
  return text != NULL ? text : msgid;
}

const char *
foyer_hub_i18n_language (const FoyerHubI18n *i18n)
{
  return i18n->language;
}

char *
foyer_hub_i18n_to_json (const FoyerHubI18n *i18n)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (hub_strings); i++) {
    json_builder_set_member_name (builder, hub_strings[i]);
    json_builder_add_string_value (builder, foyer_hub_i18n_text (i18n, hub_strings[i]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (hub_context_strings); i++) {
    json_builder_set_member_name (builder, hub_context_strings[i][1]);
    json_builder_add_string_value (builder,
                                   foyer_hub_i18n_text (i18n, hub_context_strings[i][1]));
  }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return foyer_json_to_string (root);
}

const char *
foyer_hub_i18n_category (const FoyerHubI18n *i18n,
                         const char         *category)
{
  static const char *const names[][2] = {
    { "trade_visitor", N_("Trade visitor") }, { "public", N_("General public") },
    { "media", N_("Media") }, { "exhibitor", N_("Exhibitor") }, { "vip", N_("VIP") },
    { "organizer", N_("Organizer") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (category, names[i][0]) == 0)
      return foyer_hub_i18n_text (i18n, names[i][1]);
  return category != NULL && *category != '\0' ? category
                                                : foyer_hub_i18n_text (i18n, N_("Unknown"));
}

const char *
foyer_hub_i18n_rating (const FoyerHubI18n *i18n,
                       const char         *rating)
{
  if (g_strcmp0 (rating, "hot") == 0)
    return foyer_hub_i18n_text (i18n, NC_("lead rating", "Hot"));
  if (g_strcmp0 (rating, "warm") == 0)
    return foyer_hub_i18n_text (i18n, NC_("lead rating", "Warm"));
  if (g_strcmp0 (rating, "cold") == 0)
    return foyer_hub_i18n_text (i18n, NC_("lead rating", "Cold"));
  return foyer_hub_i18n_text (i18n, N_("Not rated"));
}
