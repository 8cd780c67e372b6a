/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-cmd-subject.c: `foyer-hub subject erase|log` (the right to deletion, PIPL/GDPR) and
 * `foyer-hub badge revoke|list` (cancelling a badge at head office), issue 16.
 *
 * Both act through records in the event's change sequence, so every kiosk learns them from its
 * next registrations pull: a `revocation` record (badge code and reason) and, per erased badge,
 * an `erasure` tombstone (the badge code only). The audit log says that an erasure happened and
 * how much it removed, never whom it concerned.
 */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "foyer-hub-cli.h"
#include "foyer-hub-occupancy.h"
#include "foyer-hub-merge.h"
#include "foyer-record.h"
#include "foyer-json.h"

/* ---- matching a person ---- */

typedef struct {
  const char *email;
  char       *phone_digits;     /* digits of --phone */
  gboolean    phone_has_plus;
  GHashTable *codes;            /* badge codes of the person */
  GPtrArray  *record_ids;
  GPtrArray  *prereg_ids;
} Erase;



static char *
digits_of (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text; *p != '\0' && *p != ';'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  return g_string_free (digits, FALSE);
}

/* A stored phone is the person's when its digits are --phone's, or (for a --phone without
 * country code of at least 8 digits) end with them: "13800138000" finds "+8613800138000". */
static gboolean
phone_matches (Erase *erase, const char *phone)
{
  g_autofree char *digits = digits_of (phone);

  if (strcmp (digits, erase->phone_digits) == 0)
    return TRUE;
  return !erase->phone_has_plus && strlen (erase->phone_digits) >= 8
         && g_str_has_suffix (digits, erase->phone_digits);
}

static gboolean
array_matches (Erase *erase, JsonObject *object, const char *name, gboolean phone)
{
  JsonNode *node = json_object_get_member (object, name);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *element = json_array_get_element (array, i);
    const char *value;

    if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
      continue;
    value = json_node_get_string (element);
    if (phone ? phone_matches (erase, value) : g_ascii_strcasecmp (value, erase->email) == 0)
      return TRUE;
  }
  return FALSE;
}

/* A registration's wire form is the person's: one of its emails or phones matches. */
static gboolean
person_matches (Erase *erase, JsonObject *registration)
{
  if (registration == NULL)
    return FALSE;
  if (erase->email != NULL)
    return array_matches (erase, registration, "emails", FALSE);
  return array_matches (erase, registration, "phones", TRUE)
         || array_matches (erase, registration, "phones_unverified", TRUE);
}

static void
add_codes (Erase *erase, JsonObject *registration)
{
  const char *codes[] = { foyer_hub_json_string (registration, "badge_code"),
                          foyer_hub_json_string (registration, "signed_badge_code") };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (codes[i] != NULL)
      g_hash_table_add (erase->codes, g_strdup (codes[i]));
}

/* The visitor a record is about: the record itself, a lead's visitor. */
static JsonObject *
subject_of (JsonObject *record)
{
  if (g_strcmp0 (foyer_hub_json_string (record, "type"), "lead") == 0)
    return foyer_hub_json_object (record, "visitor");
  return record;
}

static gboolean
find_codes (const FoyerHubRecordRow *row, gpointer user_data)
{
  Erase *erase = user_data;
  g_autoptr(JsonNode) root = json_from_string (row->body, NULL);
  JsonObject *subject;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;
  subject = subject_of (json_node_get_object (root));
  if (person_matches (erase, subject)) {
    add_codes (erase, subject);
    if (g_strcmp0 (row->type, "preregistration") == 0)
      g_ptr_array_add (erase->prereg_ids, g_strdup (foyer_hub_json_string (subject, "id")));
  }
  return TRUE;
}

/* Every record about the person: matching contact data, or one of the person's badge codes. */
static gboolean
find_records (const FoyerHubRecordRow *row, gpointer user_data)
{
  Erase *erase = user_data;
  g_autoptr(JsonNode) root = json_from_string (row->body, NULL);
  JsonObject *record, *subject;
  const char *code;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;
  record = json_node_get_object (root);
  if (g_strcmp0 (row->type, "erasure") == 0 || g_strcmp0 (row->type, "revocation") == 0)
    return TRUE;
  subject = subject_of (record);
  code = foyer_hub_json_string (subject, "badge_code");
  if (person_matches (erase, subject)
      || (code != NULL && g_hash_table_contains (erase->codes, code)))
    g_ptr_array_add (erase->record_ids, g_strdup (foyer_hub_json_string (record, "id")));
  return TRUE;
}

static FoyerHubItem *
tombstone (const char *code, const char *now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  FoyerHubItem *item = g_new0 (FoyerHubItem, 1);

  item->id = foyer_record_id_new ();
  item->type = g_strdup ("erasure");
  item->created_at = g_strdup (now);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, item->id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "erasure");
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, now);
  json_builder_set_member_name (builder, "badge_code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  item->body = foyer_json_to_string (root);
  item->status = FOYER_HUB_ITEM_PENDING;
  return item;
}

static gboolean
erase_in_event (FoyerHubStorage *storage, const char *event, Erase *erase, guint *n_records,
                guint *n_preregs, GError **error)
{
  g_autoptr(GPtrArray) tombstones =
    g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_item_free);
  g_autofree char *now = foyer_timestamp_now ();
  g_autofree char *audit = NULL;
  GHashTableIter iter;
  gpointer code;

  g_hash_table_remove_all (erase->codes);
  g_ptr_array_set_size (erase->record_ids, 0);
  g_ptr_array_set_size (erase->prereg_ids, 0);
  if (!foyer_hub_storage_records_foreach (storage, event, "preregistration", NULL, find_codes,
                                          erase, error)
      || !foyer_hub_storage_records_foreach (storage, event, NULL, NULL, find_codes, erase, error)
      || !foyer_hub_storage_records_foreach (storage, event, NULL, NULL, find_records, erase,
                                             error))
    return FALSE;
  g_hash_table_iter_init (&iter, erase->codes);
  while (g_hash_table_iter_next (&iter, &code, NULL))
    g_ptr_array_add (tombstones, tombstone (code, now));
  /* Counts only: the audit log never says whom an erasure concerned. */
  audit = g_strdup_printf ("erasure in event %s: %u records, %u pre-registrations removed,"
                           " %u badge tombstones published", event, erase->record_ids->len,
                           erase->prereg_ids->len, tombstones->len);
  if (!foyer_hub_storage_subject_erase (storage, event, erase->record_ids, erase->prereg_ids,
                                        tombstones, audit, error))
    return FALSE;
  *n_records += erase->record_ids->len;
  *n_preregs += erase->prereg_ids->len;
  return TRUE;
}

static int
subject_erase (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *email = NULL, *phone = NULL, *event = NULL;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("The person's email address"),
      N_("ADDRESS") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("The person's phone number"),
      N_("NUMBER") },
    { "event", 0, 0, G_OPTION_ARG_STRING, &event, N_("Only this event (default: every event)"),
      N_("EVENT") },
    { NULL }
  };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  Erase erase = { 0 };
  guint n_records = 0, n_preregs = 0;
  gboolean ok = TRUE;

  if (!foyer_hub_parse_options (ctx, "subject erase", NULL,
                                _("Erase a person's data at the hub; every kiosk deletes it at its "
                                  "next pull."), entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (argc != 1 || (email == NULL) == (phone == NULL) || (email != NULL && *email == '\0')
      || (phone != NULL && strlen (phone) - strspn (phone, "+") == 0)) {
    g_printerr (_("Usage: foyer-hub subject erase --email EMAIL | --phone PHONE "
                  "[--event EVENT]\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  erase.email = email;
  if (phone != NULL) {
    erase.phone_digits = digits_of (phone);
    erase.phone_has_plus = phone[0] == '+';
  }
  erase.codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  erase.record_ids = g_ptr_array_new_with_free_func (g_free);
  erase.prereg_ids = g_ptr_array_new_with_free_func (g_free);
  if (event != NULL) {
    FoyerHubEvent *one = foyer_hub_storage_event_get (ctx->storage, event, &error);

    if (one != NULL) {
      events = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_event_free);
      g_ptr_array_add (events, one);
    }
  } else {
    events = foyer_hub_storage_event_list (ctx->storage, &error);
  }
  ok = events != NULL;
  for (guint i = 0; ok && i < events->len; i++)
    ok = erase_in_event (ctx->storage, ((FoyerHubEvent *) g_ptr_array_index (events, i))->id,
                         &erase, &n_records, &n_preregs, &error);
  g_hash_table_unref (erase.codes);
  g_ptr_array_unref (erase.record_ids);
  g_ptr_array_unref (erase.prereg_ids);
  g_free (erase.phone_digits);
  if (!ok) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  g_print (_("erased: %u records and %u pre-registrations; kiosks delete theirs at their next "
             "pull\n"), n_records, n_preregs);
  return FOYER_HUB_EXIT_OK;
}

static int
subject_log (FoyerHubContext *ctx, int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (!foyer_hub_parse_options (ctx, "subject log", NULL,
                                _("Show the audit log of erasures (when and how much, never "
                                  "whom)."), entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if ((rows = foyer_hub_storage_audit_list (ctx->storage, &error)) == NULL) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  for (guint i = 0; i < rows->len; i++) {
    FoyerHubStatsRow *row = g_ptr_array_index (rows, i);

    g_print ("%s\t%s\n", row->dimension, row->key);
  }
  return FOYER_HUB_EXIT_OK;
}

int
foyer_hub_cmd_subject (FoyerHubContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "erase") == 0)
    return subject_erase (ctx, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "log") == 0)
    return subject_log (ctx, argc - 1, argv + 1);
  g_printerr (_("Usage: foyer-hub subject erase --email EMAIL | --phone PHONE [--event EVENT]\n"
                "       foyer-hub subject log\n"));
  return FOYER_HUB_EXIT_USAGE;
}

/* ---- badges ---- */

typedef struct {
  const char *code;
  GPtrArray  *codes;      /* the code and, for a pre-registration, its signed code */
} Resolve;

static gboolean
resolve_code (const FoyerHubRecordRow *row, gpointer user_data)
{
  Resolve *resolve = user_data;
  g_autoptr(JsonNode) root = json_from_string (row->body, NULL);
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                       ? json_node_get_object (root) : NULL;
  const char *plain = foyer_hub_json_string (object, "badge_code");
  const char *signed_code = foyer_hub_json_string (object, "signed_badge_code");

  if (signed_code != NULL && (g_strcmp0 (plain, resolve->code) == 0
                              || g_strcmp0 (signed_code, resolve->code) == 0)) {
    if (g_strcmp0 (plain, resolve->code) == 0)
      g_ptr_array_add (resolve->codes, g_strdup (signed_code));
    else if (plain != NULL)
      g_ptr_array_add (resolve->codes, g_strdup (plain));
    return FALSE;
  }
  return TRUE;
}

static FoyerHubItem *
revocation (const char *code, const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  FoyerHubItem *item = g_new0 (FoyerHubItem, 1);

  item->id = foyer_record_id_new ();
  item->type = g_strdup ("revocation");
  item->created_at = foyer_timestamp_now ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, item->id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "revocation");
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, item->created_at);
  json_builder_set_member_name (builder, "badge_code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason != NULL ? reason : "");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  item->body = foyer_json_to_string (root);
  item->status = FOYER_HUB_ITEM_PENDING;
  return item;
}

static gboolean
revoke_badge (FoyerHubStorage *storage, const char *event, const char *code,
              const char *reason, guint *n_new, GError **error)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_hub_item_free);
  g_autoptr(FoyerHubOccupancy) state = foyer_hub_occupancy_new (event);
  g_autoptr(FoyerHubEvent) found = foyer_hub_storage_event_get (storage, event, error);
  g_autofree char *now = foyer_timestamp_now ();
  Resolve resolve = { code, codes };

  if (found == NULL)
    return FALSE;
  g_ptr_array_add (codes, g_strdup (code));
  /* A pre-registration's badge carries its signed code: both are revoked. */
  if (!foyer_hub_storage_records_foreach (storage, event, "preregistration", NULL, resolve_code,
                                          &resolve, error)
      || !foyer_hub_occupancy_update (state, storage, error))
    return FALSE;
  for (guint i = 0; i < codes->len; i++) {
    g_autofree char *already = foyer_hub_occupancy_revoked (state, g_ptr_array_index (codes, i));

    if (already == NULL || g_strcmp0 (already, reason != NULL ? reason : "") != 0)
      g_ptr_array_add (items, revocation (g_ptr_array_index (codes, i), reason));
  }
  *n_new = items->len;
  if (items->len == 0)
    return TRUE;
  return foyer_hub_storage_ingest (storage, event, "foyer-hub", now, items, FALSE, NULL, NULL,
                                   NULL, NULL, error);
}

static int
badge_revoke (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *event = NULL, *reason = NULL;
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &event, N_("The event"), N_("EVENT") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why, for the staff at the door"),
      N_("REASON") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  guint n_new = 0;

  if (!foyer_hub_parse_options (ctx, "badge revoke", "CODE",
                                _("Cancel a badge: every kiosk refuses it after its next pull."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (argc != 2 || event == NULL || *argv[1] == '\0' || strlen (argv[1]) > 512) {
    g_printerr (_("Usage: foyer-hub badge revoke CODE --event EVENT [--reason TEXT]\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (!revoke_badge (ctx->storage, event, argv[1], reason, &n_new, &error)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  if (n_new == 0)
    g_print (_("badge %s was revoked already\n"), argv[1]);
  else
    g_print (_("badge %s revoked; kiosks refuse it after their next pull\n"), argv[1]);
  return FOYER_HUB_EXIT_OK;
}

static gboolean
print_revocation (const FoyerHubRecordRow *row, gpointer user_data)
{
  g_autoptr(JsonNode) root = json_from_string (row->body, NULL);
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                       ? json_node_get_object (root) : NULL;
  const char *reason = foyer_hub_json_string (object, "reason");

  if (object != NULL)
    g_print ("%s\t%s\t%s\n", foyer_hub_json_string (object, "badge_code"),
             foyer_hub_json_string (object, "created_at"), reason != NULL ? reason : "");
  return TRUE;
}

static int
badge_list (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *event = NULL;
  gboolean revoked = FALSE;
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &event, N_("The event"), N_("EVENT") },
    { "revoked", 0, 0, G_OPTION_ARG_NONE, &revoked, N_("The revoked badges"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!foyer_hub_parse_options (ctx, "badge list", NULL,
                                _("List the revoked badges: code, time, reason."), entries, &argc,
                                &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (argc != 1 || event == NULL || !revoked) {
    g_printerr (_("Usage: foyer-hub badge list --revoked --event EVENT\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (!foyer_hub_storage_records_foreach (ctx->storage, event, "revocation", NULL,
                                          print_revocation, NULL, &error)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  return FOYER_HUB_EXIT_OK;
}

int
foyer_hub_cmd_badge (FoyerHubContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "revoke") == 0)
    return badge_revoke (ctx, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return badge_list (ctx, argc - 1, argv + 1);
  g_printerr (_("Usage: foyer-hub badge revoke CODE --event EVENT [--reason TEXT]\n"
                "       foyer-hub badge list --revoked --event EVENT\n"));
  return FOYER_HUB_EXIT_USAGE;
}
