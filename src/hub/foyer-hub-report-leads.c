/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-leads.c: a booth's leads for the exhibitor — the columns, CSV and vCard (the
 * cell and line writers are core's, so the escaping rules are the kiosk export's).
 */
#define G_LOG_DOMAIN "foyer-hub-leads"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "foyer-export.h"
#include "foyer-hub-report-leads.h"
#include "foyer-hub-xlsx.h"

gboolean
foyer_hub_leads_format_parse (const char          *name,
                              FoyerHubLeadsFormat *format)
{
  FoyerExportFormat core;

  if (g_strcmp0 (name, "xlsx") == 0) {
    *format = FOYER_HUB_LEADS_XLSX;
    return TRUE;
  }
  /* the kiosk export's names (csv, vcard or vcf), so both tools take the same words */
  if (!foyer_export_format_parse (name, &core) || core == FOYER_EXPORT_JSONL)
    return FALSE;
  *format = core == FOYER_EXPORT_CSV ? FOYER_HUB_LEADS_CSV : FOYER_HUB_LEADS_VCARD;
  return TRUE;
}

const char *
foyer_hub_leads_content_type (FoyerHubLeadsFormat format)
{
  switch (format) {
  case FOYER_HUB_LEADS_CSV:
    return "text/csv; charset=utf-8";
  case FOYER_HUB_LEADS_VCARD:
    return "text/vcard; charset=utf-8";
  case FOYER_HUB_LEADS_XLSX:
  default:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
}

const char *
foyer_hub_leads_extension (FoyerHubLeadsFormat format)
{
  return format == FOYER_HUB_LEADS_CSV ? "csv" : format == FOYER_HUB_LEADS_VCARD ? "vcf" : "xlsx";
}

const char *
foyer_hub_leads_column_title (FoyerHubLeadColumn  column,
                              const FoyerHubI18n *i18n)
{
  static const char *const titles[FOYER_HUB_LEAD_N_COLUMNS] = {
    N_("Time"), N_("Name"), N_("Company"), N_("Title"), N_("Mobile"), N_("E-mail"),
    N_("Category"), N_("Rating"), N_("Follow-up"), N_("Answers"), N_("Notes"), N_("Badge"),
  };

  g_return_val_if_fail (column < FOYER_HUB_LEAD_N_COLUMNS, "");
  return foyer_hub_i18n_text (i18n, titles[column]);
}

static char *
visitor_name (const FoyerRegistration *v)
{
  if (v->full_name != NULL)
    return g_strdup (v->full_name);
  if (v->family_name != NULL || v->given_name != NULL)
    return g_strjoin (" ", v->given_name != NULL ? v->given_name : "",
                      v->family_name != NULL ? v->family_name : "", NULL);
  return g_strdup ("");
}

static void
append_answer (JsonObject *object, const char *member, JsonNode *node, gpointer user_data)
{
  GString *out = user_data;

  if (out->len > 0)
    g_string_append (out, "; ");
  g_string_append_printf (out, "%s: ", member);
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);
    for (guint i = 0; i < json_array_get_length (array); i++) {
      JsonNode *item = json_array_get_element (array, i);
      if (i > 0)
        g_string_append (out, ", ");
      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        g_string_append (out, json_node_get_string (item));
    }
  } else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING) {
    g_string_append (out, json_node_get_string (node));
  }
}

/* {"budget":"50k","products":["a","b"]} → "budget: 50k; products: a, b" */
static char *
answers_text (const char *answers_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GString *out = g_string_new (NULL);

  JsonNode *root;

  /* an empty document parses, with no root */
  if (answers_json != NULL && json_parser_load_from_data (parser, answers_json, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    json_object_foreach_member (json_node_get_object (root), append_answer, out);
  return g_string_free (out, FALSE);
}

static const char *
first_of (char **values)
{
  return values != NULL && values[0] != NULL ? values[0] : "";
}

char *
foyer_hub_leads_cell (const FoyerHubLeadEntry *entry,
                      FoyerHubLeadColumn       column,
                      const FoyerHubI18n      *i18n)
{
  const FoyerLead *lead = entry->lead;
  const FoyerRegistration *v = entry->visitor;
  static const FoyerRegistration none = { 0 };

  if (v == NULL)
    v = &none;
  switch (column) {
  case FOYER_HUB_LEAD_COLUMN_TIME:
    return g_strdup (lead->created_at != NULL ? lead->created_at : "");
  case FOYER_HUB_LEAD_COLUMN_NAME:
    return v != &none ? visitor_name (v) : g_strdup (lead->visitor_name ? lead->visitor_name : "");
  case FOYER_HUB_LEAD_COLUMN_COMPANY:
    return g_strdup (v->organization != NULL ? v->organization : "");
  case FOYER_HUB_LEAD_COLUMN_TITLE:
    return g_strdup (v->title != NULL ? v->title : "");
  case FOYER_HUB_LEAD_COLUMN_MOBILE:
    return g_strdup (first_of (v->phones));
  case FOYER_HUB_LEAD_COLUMN_EMAIL:
    return g_strdup (first_of (v->emails));
  case FOYER_HUB_LEAD_COLUMN_CATEGORY:
    return g_strdup (v->category != NULL ? foyer_hub_i18n_category (i18n, v->category) : "");
  case FOYER_HUB_LEAD_COLUMN_RATING:
    return g_strdup (lead->rating != NULL ? foyer_hub_i18n_rating (i18n, lead->rating) : "");
  case FOYER_HUB_LEAD_COLUMN_FOLLOW_UP:
    return g_strdup (foyer_hub_i18n_text (i18n, lead->follow_up ? N_("Yes") : N_("No")));
  case FOYER_HUB_LEAD_COLUMN_ANSWERS:
    return answers_text (lead->answers_json);
  case FOYER_HUB_LEAD_COLUMN_NOTES:
    return g_strdup (lead->notes != NULL ? lead->notes : "");
  case FOYER_HUB_LEAD_COLUMN_BADGE:
    return g_strdup (v->badge_code != NULL ? v->badge_code
                     : lead->badge_code != NULL ? lead->badge_code : "");
  case FOYER_HUB_LEAD_N_COLUMNS:
  default:
    g_return_val_if_reached (g_strdup (""));
  }
}

static GBytes *
leads_csv (const FoyerHubLeadEntry *entries, guint n, const FoyerHubI18n *i18n)
{
  GString *out = g_string_new ("\xEF\xBB\xBF");

  for (guint c = 0; c < FOYER_HUB_LEAD_N_COLUMNS; c++) {
    if (c > 0)
      g_string_append_c (out, ',');
    foyer_csv_append_cell (out, foyer_hub_leads_column_title (c, i18n));
  }
  g_string_append (out, "\r\n");
  for (guint i = 0; i < n; i++) {
    for (guint c = 0; c < FOYER_HUB_LEAD_N_COLUMNS; c++) {
      g_autofree char *cell = foyer_hub_leads_cell (&entries[i], c, i18n);
      if (c > 0)
        g_string_append_c (out, ',');
      foyer_csv_append_cell (out, cell);
    }
    g_string_append (out, "\r\n");
  }
  return g_string_free_to_bytes (out);
}

/* The visitor's card; the lead's rating, follow-up flag, answers and notes go into NOTE. */
static void
append_vcard (GString *out, const FoyerHubLeadEntry *entry, const FoyerHubI18n *i18n)
{
  const FoyerRegistration *v = entry->visitor;
  g_autofree char *name = foyer_hub_leads_cell (entry, FOYER_HUB_LEAD_COLUMN_NAME, i18n);
  GString *note = g_string_new (NULL);
  const FoyerHubLeadColumn note_columns[] = {
    FOYER_HUB_LEAD_COLUMN_RATING, FOYER_HUB_LEAD_COLUMN_FOLLOW_UP, FOYER_HUB_LEAD_COLUMN_ANSWERS,
    FOYER_HUB_LEAD_COLUMN_NOTES,
  };

  for (guint i = 0; i < G_N_ELEMENTS (note_columns); i++) {
    g_autofree char *cell = foyer_hub_leads_cell (entry, note_columns[i], i18n);
    if (*cell != '\0')
      g_string_append_printf (note, "%s%s: %s", note->len > 0 ? "\n" : "",
                              foyer_hub_leads_column_title (note_columns[i], i18n), cell);
  }
  foyer_vcard_append_line (out, "BEGIN:VCARD");
  foyer_vcard_append_line (out, "VERSION:3.0");
  foyer_vcard_append_property (out, "FN", *name != '\0' ? name : "?");
  if (v != NULL) {
    g_autofree char *family = foyer_vcard_escape (v->family_name != NULL ? v->family_name : "");
    g_autofree char *given = foyer_vcard_escape (v->given_name != NULL ? v->given_name : "");
    g_autofree char *n = g_strdup_printf ("N:%s;%s;;;", family, given);
    foyer_vcard_append_line (out, n);
    foyer_vcard_append_property (out, "ORG", v->organization);
    foyer_vcard_append_property (out, "TITLE", v->title);
    for (guint i = 0; v->phones != NULL && v->phones[i] != NULL; i++)
      foyer_vcard_append_property (out, "TEL;TYPE=CELL", v->phones[i]);
    for (guint i = 0; v->emails != NULL && v->emails[i] != NULL; i++)
      foyer_vcard_append_property (out, "EMAIL;TYPE=INTERNET", v->emails[i]);
  }
  foyer_vcard_append_property (out, "NOTE", note->str);
  foyer_vcard_append_line (out, "END:VCARD");
  g_string_free (note, TRUE);
}

GBytes *
foyer_hub_leads_export (const FoyerHubLeadEntry  *entries,
                        guint                     n_entries,
                        FoyerHubLeadsFormat       format,
                        const char               *language,
                        GError                  **error)
{
  const FoyerHubI18n *i18n = foyer_hub_i18n_get (language);
  GString *out;

  g_return_val_if_fail (entries != NULL || n_entries == 0, NULL);

  switch (format) {
  case FOYER_HUB_LEADS_CSV:
    return leads_csv (entries, n_entries, i18n);
  case FOYER_HUB_LEADS_XLSX:
    return foyer_hub_xlsx_leads (entries, n_entries, i18n, error);
  case FOYER_HUB_LEADS_VCARD:
  default:
    out = g_string_new (NULL);
    for (guint i = 0; i < n_entries; i++)
      append_vcard (out, &entries[i], i18n);
    return g_string_free_to_bytes (out);
  }
}
