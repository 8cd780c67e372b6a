/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-cmd-data.c: `foyer-hub import`, `export`, `stats` and `outbox`. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <json-glib/json-glib.h>

#include "foyer-hub-cli.h"
#include "foyer-hub-occupancy.h"
#include "foyer-hub-pull-rows.h"
#include "foyer-badge-code.h"
#include "foyer-export.h"
#include "foyer-import.h"
#include "foyer-record.h"
#include "foyer-json.h"

/* ---- import ---- */

static void
bad_row (guint line, const char *reason, gpointer user_data)
{
  g_printerr (_("line %u skipped: %s\n"), line, reason);
}

/* A stable id per attendee (so a second import updates, never duplicates): a UUID made of the
 * SHA-256 of the event and the badge code, with the v4/variant bits set like any record id. */
static char *
attendee_id (const char *event, const char *badge_code)
{
  g_autofree char *text = g_strconcat (event, "\n", badge_code, NULL);
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  hex[12] = '4';
  hex[16] = "89ab"[g_ascii_xdigit_value (hex[16]) & 3];
  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                          hex + 20);
}

static FoyerHubItem *
prereg_item (FoyerRegistration *reg, FoyerBadgeCode *signer, GError **error)
{
  g_autoptr(FoyerHubItem) item = g_new0 (FoyerHubItem, 1);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *signed_code = NULL;

  g_free (reg->id);
  reg->id = attendee_id (reg->event, reg->badge_code);
  if (reg->kiosk_id == NULL)
    reg->kiosk_id = g_strdup ("foyer-hub");
  if (reg->source == NULL)
    reg->source = g_strdup (FOYER_SOURCE_BADGE);
  object = foyer_registration_to_json (reg);
  /* The event's signed code for this attendee: any enrolled kiosk verifies it offline. */
  if (signer != NULL && foyer_badge_code_can_sign (signer)) {
    if ((signed_code = foyer_badge_code_sign (signer, reg->event, reg->id, error)) == NULL)
      return NULL;
    json_object_set_string_member (object, "signed_badge_code", signed_code);
  }
  node = json_node_init_object (json_node_alloc (), object);
  item->id = g_strdup (reg->id);
  item->type = g_strdup ("preregistration");
  item->booth = g_strdup (reg->badge_code);  /* the badge_code column */
  item->body = foyer_json_to_string (node);
  return g_steal_pointer (&item);
}

static FoyerBadgeCode *
event_signer (FoyerHubEvent *event, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  FoyerBadgeCode *signer;

  if (event->signing_key == NULL)
    return NULL;
  /* The core loads keys from files: a private temporary one, removed at once. */
  if ((dir = g_dir_make_tmp ("foyer-hub-sign-XXXXXX", error)) == NULL)
    return NULL;
  path = g_build_filename (dir, "signing.pem", NULL);
  if (!g_file_set_contents_full (path, event->signing_key, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, error))
    return NULL;
  signer = foyer_badge_code_new (path, NULL, error);
  g_unlink (path);
  g_rmdir (dir);
  return signer;
}

static gboolean
import_file (FoyerHubStorage *storage, const char *path, const char *event_id,
             const char *mapping, FoyerImportFormat format, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) regs = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_item_free);
  g_autoptr(FoyerHubEvent) event = NULL;
  g_autoptr(FoyerBadgeCode) signer = NULL;
  FoyerImportResult result = { 0 };
  guint inserted = 0, updated = 0;
  gsize len = 0;

  if ((event = foyer_hub_storage_event_get (storage, event_id, error)) == NULL)
    return FALSE;
  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;
  if (!foyer_import_parse (format, data, len, event_id, mapping, "CN", bad_row, NULL, &regs,
                           &result, error))
    return FALSE;
  signer = event_signer (event, error);
  if (signer == NULL && event->signing_key != NULL)
    return FALSE;
  for (guint i = 0; i < regs->len; i++) {
    FoyerHubItem *item = prereg_item (g_ptr_array_index (regs, i), signer, error);
    if (item == NULL)
      return FALSE;
    g_ptr_array_add (items, item);
  }
  if (!foyer_hub_storage_preregistrations_put (storage, event_id, items, &inserted, &updated,
                                               error))
    return FALSE;
  g_print (_("%u rows read (%s): %u new, %u updated, %u unchanged, %u skipped\n"), result.n_rows,
           result.encoding != NULL ? result.encoding : "UTF-8", inserted, updated,
           items->len - inserted - updated, result.n_bad);
  foyer_import_result_clear (&result);
  return TRUE;
}

int
foyer_hub_cmd_import (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *event = NULL;
  g_autofree char *mapping = NULL;
  g_autofree char *format_name = NULL;
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &event, N_("The event the attendees registered for"),
      N_("EVENT") },
    { "map", 0, 0, G_OPTION_ARG_STRING, &mapping, N_("Columns: field=Column,…"), N_("MAP") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("csv or jsonl (default: by name)"),
      N_("FORMAT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  FoyerImportFormat format;

  if (!foyer_hub_parse_options (ctx, "import", "FILE",
                                _("Load pre-registered attendees (CSV or JSON lines; UTF-8 or "
                                  "GB18030; English or Chinese headers)."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (argc != 2 || event == NULL) {
    g_printerr (_("Usage: foyer-hub import FILE --event EVENT [--map …] [--format csv|jsonl]\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (format_name == NULL)
    format_name = g_strdup (g_str_has_suffix (argv[1], ".jsonl") ? "jsonl" : "csv");
  if (!foyer_import_format_parse (format_name, &format)) {
    g_printerr (_("foyer-hub: --format must be csv or jsonl\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (!import_file (ctx->storage, argv[1], event, mapping, format, &error)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  return FOYER_HUB_EXIT_OK;
}

/* ---- export ---- */

typedef struct {
  FoyerExportFormat  format;
  GOutputStream     *out;
  GError            *error;
  guint64            n;
} ExportState;

static gboolean
export_row (const FoyerHubRecordRow *row, gpointer user_data)
{
  ExportState *state = user_data;
  g_autoptr(GString) text = g_string_new (NULL);

  if (state->format == FOYER_EXPORT_JSONL) {
    g_string_append (text, row->body);
    g_string_append_c (text, '\n');
  } else {
    g_autoptr(JsonNode) node = json_from_string (row->body, NULL);
    g_autoptr(FoyerRegistration) reg = NULL;
    JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                         ? json_node_get_object (node) : NULL;

    /* A lead is exported as its visitor's contact. */
    if (object != NULL && json_object_has_member (object, "visitor")
        && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "visitor")))
      object = json_object_get_object_member (object, "visitor");
    if (object == NULL || (reg = foyer_registration_from_json (object, NULL)) == NULL)
      return TRUE;
    foyer_export_append_registration (text, state->format, reg);
  }
  state->n++;
  return g_output_stream_write_all (state->out, text->str, text->len, NULL, NULL, &state->error);
}

/* Leads are exported merged per booth and visitor (issue 16: a booth team's lead is one lead). */
static gboolean
export_merged_leads (FoyerHubStorage *storage, const char *event, const char *booth,
                     ExportState *state, GError **error)
{
  g_autoptr(GPtrArray) rows = foyer_hub_pull_merged_leads (storage, event, booth, error);

  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len && state->error == NULL; i++) {
    JsonNode *row = g_ptr_array_index (rows, i);
    g_autofree char *body = NULL;
    JsonNode *visitor = json_object_get_member (json_node_get_object (row), "visitor");

    if (state->format == FOYER_EXPORT_JSONL)
      body = foyer_json_to_string (row);
    else if (visitor != NULL && JSON_NODE_HOLDS_OBJECT (visitor))
      body = foyer_json_to_string (visitor);
    if (body != NULL) {
      FoyerHubRecordRow record = { (char *) "lead", body, NULL, 0 };
      export_row (&record, state);
    }
  }
  return TRUE;
}

static GOutputStream *
open_output (const char *path, GError **error)
{
  g_autoptr(GFile) file = NULL;

  if (path == NULL || strcmp (path, "-") == 0)
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  file = g_file_new_for_path (path);
  /* Personal data: the file is private to its owner. */
  return G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error));
}

int
foyer_hub_cmd_export (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *event = NULL, *format_name = NULL, *booth = NULL, *output = NULL;
  gboolean leads = FALSE, preregistrations = FALSE;
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &event, N_("The event"), N_("EVENT") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("csv (default), jsonl or vcard"),
      N_("FORMAT") },
    { "leads", 0, 0, G_OPTION_ARG_NONE, &leads, N_("Leads instead of registrations"), NULL },
    { "booth", 0, 0, G_OPTION_ARG_STRING, &booth, N_("Only the leads of BOOTH"), N_("BOOTH") },
    { "preregistrations", 0, 0, G_OPTION_ARG_NONE, &preregistrations,
      N_("The attendees imported at the hub"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE (0600)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GString) header = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  ExportState state = { FOYER_EXPORT_CSV, NULL, NULL, 0 };
  const char *type;

  if (!foyer_hub_parse_options (ctx, "export", NULL, _("Write an event's stored records."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (event == NULL || argc != 1
      || !foyer_export_format_parse (format_name ? format_name : "csv", &state.format)) {
    g_printerr (_("Usage: foyer-hub export --event EVENT [--format csv|jsonl|vcard] [--leads "
                  "[--booth B]] [--output FILE]\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  type = preregistrations ? "preregistration" : leads || booth != NULL ? "lead" : NULL;
  if (foyer_hub_get_storage (ctx, 1) == NULL || (out = open_output (output, &error)) == NULL)
    goto fail;
  state.out = out;
  foyer_export_append_header (header, state.format, FOYER_EXPORT_FLAG_EXCEL_BOM);
  if (!g_output_stream_write_all (out, header->str, header->len, NULL, NULL, &error))
    goto fail;
  if (g_strcmp0 (type, "lead") == 0
      ? !export_merged_leads (ctx->storage, event, booth, &state, &error)
      : !foyer_hub_storage_records_foreach (ctx->storage, event, type, booth, export_row, &state,
                                            &error))
    goto fail;
  if (state.error != NULL) {
    g_propagate_error (&error, state.error);
    goto fail;
  }
  if (!g_output_stream_close (out, NULL, &error))
    goto fail;
  if (output != NULL)
    g_printerr (_("%llu records written to %s\n"), (unsigned long long) state.n, output);
  return FOYER_HUB_EXIT_OK;

fail:
  if (error != NULL)
    g_printerr ("foyer-hub: %s\n", error->message);
  return FOYER_HUB_EXIT_FAILURE;
}

/* ---- stats ---- */

static gint64
devices_online (GPtrArray *devices, const char *event, guint *total)
{
  g_autofree char *since = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_minutes (now, -2);
  gint64 online = 0;

  since = g_date_time_format (then, "%Y-%m-%dT%H:%M:%S");
  *total = 0;
  for (guint i = 0; i < devices->len; i++) {
    FoyerHubDevice *d = g_ptr_array_index (devices, i);
    if (g_strcmp0 (d->event, event) != 0 || d->revoked_at != NULL)
      continue;
    (*total)++;
    if (d->last_seen_at != NULL && strcmp (d->last_seen_at, since) >= 0)
      online++;
  }
  return online;
}

static void
print_stats_json (GPtrArray *rows, gint64 online, guint total, gboolean plain_http,
                  JsonNode *inside)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *dimension = NULL;

  json_builder_begin_object (b);
  for (guint i = 0; i < rows->len; i++) {
    FoyerHubStatsRow *row = g_ptr_array_index (rows, i);
    if (g_strcmp0 (dimension, row->dimension) != 0) {
      if (dimension != NULL)
        json_builder_end_object (b);
      dimension = row->dimension;
      json_builder_set_member_name (b, dimension);
      json_builder_begin_object (b);
    }
    json_builder_set_member_name (b, row->key != NULL ? row->key : "");
    json_builder_add_int_value (b, row->count);
  }
  if (dimension != NULL)
    json_builder_end_object (b);
  json_builder_set_member_name (b, "devices_online");
  json_builder_add_int_value (b, online);
  json_builder_set_member_name (b, "devices");
  json_builder_add_int_value (b, total);
  json_builder_set_member_name (b, "plain_http");
  json_builder_add_boolean_value (b, plain_http);
  json_builder_set_member_name (b, "inside");
  json_builder_add_value (b, json_node_ref (inside));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
  g_print ("%s\n", text);
}

static void
print_stats_text (GPtrArray *rows, gint64 online, guint total, gboolean plain_http,
                  JsonNode *inside)
{
  JsonObject *areas = json_object_get_object_member (json_node_get_object (inside), "areas");
  g_autoptr(GList) names = json_object_get_members (areas);
  const char *dimension = NULL;

  if (plain_http)
    g_print (_("WARNING: this hub serves plain http (allow-plain-http=true)\n"));
  for (guint i = 0; i < rows->len; i++) {
    FoyerHubStatsRow *row = g_ptr_array_index (rows, i);
    if (g_strcmp0 (dimension, row->dimension) != 0) {
      dimension = row->dimension;
      g_print ("%s:\n", dimension);
    }
    g_print ("  %-24s %" G_GINT64_FORMAT "\n", row->key != NULL ? row->key : "-", row->count);
  }
  g_print (_("devices online: %lld of %u\n"), (long long) online, total);
  g_print (_("inside now: %lld\n"),
           (long long) json_object_get_int_member (json_node_get_object (inside), "event"));
  for (GList *l = names; l != NULL; l = l->next)
    g_print (_("  area %-19s %lld\n"), (const char *) l->data,
             (long long) json_object_get_int_member (areas, l->data));
}

int
foyer_hub_cmd_stats (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *event = NULL;
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &event, N_("The event"), N_("EVENT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autoptr(FoyerHubOccupancy) occupancy = NULL;
  g_autoptr(JsonNode) inside = NULL;
  gboolean plain_http;
  gint64 online;
  guint total;

  if (!foyer_hub_parse_options (ctx, "stats", NULL, _("Count an event's records."), entries,
                                &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (event == NULL) {
    g_printerr (_("Usage: foyer-hub stats --event EVENT [--json]\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  occupancy = foyer_hub_occupancy_new (event);
  if ((rows = foyer_hub_storage_stats (ctx->storage, event, &error)) == NULL
      || (devices = foyer_hub_storage_device_list (ctx->storage, &error)) == NULL
      || !foyer_hub_occupancy_update (occupancy, ctx->storage, &error)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  cert = foyer_hub_config_get_path_value (ctx->config, "hub", "certificate");
  plain_http = cert == NULL && foyer_hub_config_get_boolean (ctx->config, "hub",
                                                             "allow-plain-http");
  online = devices_online (devices, event, &total);
  inside = foyer_hub_occupancy_inside (occupancy);
  if (as_json)
    print_stats_json (rows, online, total, plain_http, inside);
  else
    print_stats_text (rows, online, total, plain_http, inside);
  return FOYER_HUB_EXIT_OK;
}

/* ---- outbox ---- */

int
foyer_hub_cmd_outbox (FoyerHubContext *ctx, int argc, char **argv)
{
  gboolean dead = FALSE, requeue = FALSE;
  const GOptionEntry entries[] = {
    { "dead", 0, 0, G_OPTION_ARG_NONE, &dead, N_("List the records the CRM refused"), NULL },
    { "requeue", 0, 0, G_OPTION_ARG_NONE, &requeue,
      N_("Send the refused records again (after fixing the CRM)"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) entries_list = NULL;
  g_autoptr(GError) error = NULL;

  if (!foyer_hub_parse_options (ctx, "outbox", NULL,
                                _("Records waiting to be forwarded to the CRM."), entries, &argc,
                                &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (requeue) {
    gint64 n = foyer_hub_storage_forward_requeue (ctx->storage, &error);
    if (n < 0)
      goto fail;
    g_print (_("%lld records queued again\n"), (long long) n);
    return FOYER_HUB_EXIT_OK;
  }
  if ((entries_list = foyer_hub_storage_forward_list (ctx->storage, dead, &error)) == NULL)
    goto fail;
  for (guint i = 0; i < entries_list->len; i++) {
    FoyerHubForwardEntry *e = g_ptr_array_index (entries_list, i);
    g_print ("%s\t%s\t%d\t%s\n", e->record_id, e->event, e->attempts,
             e->last_error != NULL ? e->last_error : "");
  }
  g_printerr (dead ? _("%u dead letters\n") : _("%u records waiting\n"), entries_list->len);
  return FOYER_HUB_EXIT_OK;

fail:
  g_printerr ("foyer-hub: %s\n", error->message);
  return FOYER_HUB_EXIT_FAILURE;
}
