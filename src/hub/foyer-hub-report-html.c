/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-html.c: the report as one self-contained HTML file — tables, and a Chart.js
 * bar chart per table that has one, with Debian's Chart.js inlined from the hub's resources so
 * the file opens offline and loads nothing from elsewhere.
 */
#define G_LOG_DOMAIN "foyer-hub-report"

#include "config.h"

#include <json-glib/json-glib.h>

#include "foyer-hub-report-private.h"
#include "foyer-json.h"

#define CHART_JS_RESOURCE "/io/github/foyer/Hub/web/chart.min.js"

static const char report_css[] =
  "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;margin:2em auto;max-width:60em;"
  "color:#222}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
  "table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .8em;border-bottom:1px solid"
  " #eee;text-align:left}td.n{text-align:right}.chart{max-width:48em;height:16em}";

/* JSON inside <script>: no "</script>" or "<!--" can end or bend the element. */
static char *
json_for_script (JsonNode *node)
{
  g_autofree char *json = foyer_json_to_string (node);
  GString *safe = g_string_new (json);

  g_string_replace (safe, "<", "\\u003c", 0);
  return g_string_free (safe, FALSE);
}

static gboolean
looks_numeric (const char *cell)
{
  return cell != NULL && g_ascii_isdigit (cell[0]);
}

static void
append_table (GString *out, const FoyerHubReportTable *table, guint index)
{
  g_autofree char *title = g_markup_escape_text (table->title, -1);

  g_string_append_printf (out, "<section id=\"%s\"><h2>%s</h2>\n", table->id, title);
  if (table->value_label != NULL && table->rows->len > 0)
    g_string_append_printf (out, "<div class=\"chart\"><canvas id=\"chart-%u\"></canvas></div>\n",
                            index);
  g_string_append (out, "<table><thead><tr>");
  for (guint c = 0; c < table->columns->len; c++) {
    g_autofree char *cell = g_markup_escape_text (g_ptr_array_index (table->columns, c), -1);
    g_string_append_printf (out, "<th>%s</th>", cell);
  }
  g_string_append (out, "</tr></thead><tbody>\n");
  for (guint r = 0; r < table->rows->len; r++) {
    char **cells = g_ptr_array_index (table->rows, r);
    g_string_append (out, "<tr>");
    for (guint c = 0; c < table->columns->len; c++) {
      g_autofree char *cell = g_markup_escape_text (cells[c], -1);
      g_string_append_printf (out, c > 0 && looks_numeric (cells[c]) ? "<td class=\"n\">%s</td>"
                                                                      : "<td>%s</td>", cell);
    }
    g_string_append (out, "</tr>\n");
  }
  g_string_append (out, "</tbody></table></section>\n");
}

/* [{"canvas":"chart-3","label":"Visitors","percent":false,"labels":[…],"values":[…]}, …] */
static JsonNode *
charts_json (FoyerHubReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint t = 0; t < self->tables->len; t++) {
    const FoyerHubReportTable *table = g_ptr_array_index (self->tables, t);
    g_autofree char *canvas = g_strdup_printf ("chart-%u", t);
    if (table->value_label == NULL || table->rows->len == 0)
      continue;
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "canvas");
    json_builder_add_string_value (builder, canvas);
    json_builder_set_member_name (builder, "label");
    json_builder_add_string_value (builder, table->value_label);
    json_builder_set_member_name (builder, "percent");
    json_builder_add_boolean_value (builder, table->percent);
    json_builder_set_member_name (builder, "labels");
    json_builder_begin_array (builder);
    for (guint r = 0; r < table->rows->len; r++) {
      g_autofree char *label = _foyer_hub_report_chart_label (table, r);
      json_builder_add_string_value (builder, label);
    }
    json_builder_end_array (builder);
    json_builder_set_member_name (builder, "values");
    json_builder_begin_array (builder);
    for (guint r = 0; r < table->values->len; r++)
      json_builder_add_double_value (builder, g_array_index (table->values, double, r));
    json_builder_end_array (builder);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static const char charts_script[] =
  "for (const c of FOYER_CHARTS) {\n"
  "  new Chart(document.getElementById(c.canvas), {type: 'bar',\n"
  "    data: {labels: c.labels, datasets: [{label: c.label, data: c.values,\n"
  "           backgroundColor: '#3a6ea5'}]},\n"
  "    options: {animation: false, maintainAspectRatio: false,\n"
  "              scales: {y: {beginAtZero: true, max: c.percent ? 100 : undefined,\n"
  "                           ticks: {precision: c.percent ? 1 : 0}}}}});\n"
  "}\n";

GBytes *
_foyer_hub_report_to_html (FoyerHubReport  *self,
                           GError         **error)
{
  g_autoptr(GBytes) chart_js = g_resources_lookup_data (CHART_JS_RESOURCE, 0, error);
  g_autoptr(JsonNode) charts = NULL;
  g_autofree char *charts_text = NULL;
  g_autofree char *title = g_markup_escape_text (self->title, -1);
  g_autofree char *subtitle = g_markup_escape_text (self->subtitle, -1);
  GString *out;

  if (chart_js == NULL)
    return NULL;
  charts = charts_json (self);
  charts_text = json_for_script (charts);
  out = g_string_new (NULL);
  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                          "<title>%s</title><style>%s</style></head><body>\n"
                          "<h1>%s</h1><p>%s</p>\n",
                          g_str_has_prefix (foyer_hub_i18n_language (self->i18n), "zh")
                          ? "zh-CN" : "en", title, report_css, title, subtitle);
  for (guint t = 0; t < self->tables->len; t++)
    append_table (out, g_ptr_array_index (self->tables, t), t);
  g_string_append (out, "<script>");
  g_string_append_len (out, g_bytes_get_data (chart_js, NULL), g_bytes_get_size (chart_js));
  g_string_append_printf (out, "</script>\n<script>const FOYER_CHARTS = %s;\n%s</script>\n"
                          "</body></html>\n", charts_text, charts_script);
  return g_string_free_to_bytes (out);
}
