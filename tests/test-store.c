/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store.c: the durable store: records, duplicates, outbox, leads, retention, migrations and
 * every error code, on real SQLite files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "foyer-core.h"
#include "foyer-store-private.h"
#include "foyer-test-util.h"

#define EVENT "expo-2026"
#define KIOSK "entrance-02"

static char *
db_path (const char *tag)
{
  g_autofree char *dir = foyer_test_make_tmpdir (tag);

  return g_build_filename (dir, "data", "foyer.db", NULL);
}

static FoyerRegistration *
make_reg (const char *name, const char *badge, const char *email, const char *phone)
{
  FoyerRegistration *reg = foyer_registration_new ();

  reg->event = g_strdup (EVENT);
  reg->kiosk_id = g_strdup (KIOSK);
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->full_name = g_strdup (name);
  reg->badge_code = g_strdup (badge);
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  if (email != NULL)
    reg->emails = g_strsplit (email, ",", -1);
  if (phone != NULL)
    reg->phones = g_strsplit (phone, ",", -1);
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup ("1");
  return reg;
}

static char *
add (FoyerStore *store, const char *name, const char *badge, const char *email, const char *phone)
{
  g_autoptr(FoyerRegistration) reg = make_reg (name, badge, email, phone);
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (foyer_store_add_registration (store, reg, &existing, &error));
  g_assert_no_error (error);
  g_assert_null (existing);
  return g_strdup (reg->id);
}

static int
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static void
test_open_modes (void)
{
  g_autofree char *path = db_path ("modes");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autofree char *id = NULL;
  mode_t old_umask = umask (0);   /* the worst case: everything world-writable by default */

  store = foyer_store_open (path, &error);
  umask (old_umask);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpstr (foyer_store_get_path (store), ==, path);
  g_assert_null (foyer_store_get_recovered_from (store));
  g_assert_cmpint (foyer_store_get_schema_version (store), ==, FOYER_STORE_SCHEMA_VERSION);

  id = add (store, "John Smith", NULL, NULL, NULL);
  g_assert_cmpint (file_mode (dir), ==, 0700);
  g_assert_cmpint (file_mode (path), ==, 0600);
  g_assert_cmpint (file_mode (wal), ==, 0600);
  g_assert_cmpint (file_mode (shm), ==, 0600);
}

static void
test_existing_file_tightened (void)
{
  g_autofree char *path = db_path ("tighten");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  store = foyer_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (file_mode (path), ==, 0600);
}

static void
test_add_and_get (void)
{
  g_autofree char *path = db_path ("add");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(FoyerRegistration) reg = make_reg ("张伟", "EXPO2026-V-000123",
                                               "zhang.wei@example.cn", "+8613800138000");
  g_autoptr(FoyerRegistration) got = NULL;
  g_autoptr(FoyerRegistration) existing = NULL;
  const char *interests[] = { "Electronics", "Machinery", NULL };

  g_assert_no_error (error);
  reg->family_name = g_strdup ("张");
  reg->given_name = g_strdup ("伟");
  reg->organization = g_strdup ("上海会展服务有限公司");
  reg->interests = g_strdupv ((char **)interests);
  reg->raw_payload = g_bytes_new ("\x00\xffRAW", 5);
  reg->notes = g_strdup ("line 1\nline \"2\"");
  g_free (reg->source);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);

  g_assert_true (foyer_store_add_registration (store, reg, &existing, &error));
  g_assert_no_error (error);
  g_assert_null (existing);
  g_assert_nonnull (reg->id);
  g_assert_true (g_uuid_string_is_valid (reg->id));
  g_assert_nonnull (reg->created_at);
  g_assert_true (g_str_has_suffix (reg->created_at, "Z"));
  g_assert_cmpint (strlen (reg->created_at), ==, strlen ("2026-11-24T10:42:00.123Z"));
  g_assert_false (reg->possible_duplicate);

  got = foyer_store_get_registration (store, reg->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->id, ==, reg->id);
  g_assert_cmpstr (got->full_name, ==, "张伟");
  g_assert_cmpstr (got->family_name, ==, "张");
  g_assert_cmpstr (got->organization, ==, "上海会展服务有限公司");
  g_assert_cmpstr (got->emails[0], ==, "zhang.wei@example.cn");
  g_assert_null (got->emails[1]);
  g_assert_cmpstr (got->phones[0], ==, "+8613800138000");
  g_assert_cmpstr (got->interests[1], ==, "Machinery");
  g_assert_true (g_bytes_equal (got->raw_payload, reg->raw_payload));
  g_assert_cmpstr (got->notes, ==, "line 1\nline \"2\"");
  g_assert_true (got->consent_given);
  g_assert_cmpstr (got->created_at, ==, reg->created_at);
  g_assert_cmpstr (got->kiosk_id, ==, KIOSK);

  g_clear_pointer (&got, foyer_registration_free);
  got = foyer_store_get_registration (store, "00000000-0000-4000-8000-000000000000", &error);
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND);
  g_assert_null (got);
}

static void
test_invalid (void)
{
  g_autofree char *path = db_path ("invalid");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  struct {
    const char *field;
    const char *value;
  } cases[] = {
    { "category", "alien" },
    { "kind", "teleport" },
    { "source", "telepathy" },
    { "email", "not-an-address" },
    { "phone", "13800138000" },
    { "event", NULL },
    { "name", NULL },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(FoyerRegistration) reg = make_reg ("A Name", NULL, NULL, NULL);

    if (strcmp (cases[i].field, "category") == 0)
      g_free (reg->category), reg->category = g_strdup (cases[i].value);
    else if (strcmp (cases[i].field, "kind") == 0)
      g_free (reg->kind), reg->kind = g_strdup (cases[i].value);
    else if (strcmp (cases[i].field, "source") == 0)
      g_free (reg->source), reg->source = g_strdup (cases[i].value);
    else if (strcmp (cases[i].field, "email") == 0)
      reg->emails = g_strsplit (cases[i].value, ",", -1);
    else if (strcmp (cases[i].field, "phone") == 0)
      reg->phones = g_strsplit (cases[i].value, ",", -1);
    else if (strcmp (cases[i].field, "event") == 0)
      g_clear_pointer (&reg->event, g_free);
    else if (strcmp (cases[i].field, "name") == 0)
      g_clear_pointer (&reg->full_name, g_free);

    g_assert_false (foyer_store_add_registration (store, reg, NULL, &error));
    g_assert_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID);
    g_assert_null (reg->id);
    g_clear_error (&error);
  }
  g_assert_cmpint (foyer_store_count_registrations (store, NULL, &error), ==, 0);
}

static void
test_badge_duplicate (void)
{
  g_autofree char *path = db_path ("badge");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autofree char *first = NULL;
  g_autoptr(FoyerRegistration) again = make_reg ("Someone Else", "EXPO-0001", NULL, NULL);
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autoptr(FoyerRegistration) other_event = make_reg ("John Smith", "EXPO-0001", NULL, NULL);
  g_autoptr(FoyerRegistration) found = NULL;
  FoyerOutboxCounts counts;

  g_assert_no_error (error);
  first = add (store, "John Smith", "EXPO-0001", NULL, NULL);

  g_free (again->kiosk_id);
  again->kiosk_id = g_strdup ("entrance-05");
  g_assert_true (foyer_store_add_registration (store, again, &existing, &error));
  g_assert_no_error (error);
  g_assert_nonnull (existing);
  g_assert_null (again->id);
  g_assert_cmpstr (existing->id, ==, first);
  g_assert_cmpstr (existing->kiosk_id, ==, KIOSK);
  g_assert_cmpstr (existing->full_name, ==, "John Smith");
  g_assert_nonnull (existing->created_at);
  g_assert_cmpint (foyer_store_count_registrations (store, EVENT, &error), ==, 1);

  /* the same badge code at another show is another visitor */
  g_free (other_event->event);
  other_event->event = g_strdup ("expo-2027");
  g_assert_true (foyer_store_add_registration (store, other_event, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (other_event->id);
  g_assert_cmpint (foyer_store_count_registrations (store, NULL, &error), ==, 2);

  found = foyer_store_find_by_badge (store, EVENT, "EXPO-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->id, ==, first);
  g_clear_pointer (&found, foyer_registration_free);
  found = foyer_store_find_by_badge (store, EVENT, "NOPE", &error);
  g_assert_no_error (error);
  g_assert_null (found);

  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_cmpint (counts.pending, ==, 2);
}

static void
test_possible_duplicate (void)
{
  g_autofree char *path = db_path ("dup");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(FoyerRegistration) same_name = make_reg ("john  SMITH", NULL,
                                                     "John.Smith@Example.com", NULL);
  g_autoptr(FoyerRegistration) other_name = make_reg ("Jane Doe", NULL, NULL, "+14155550100");
  g_autoptr(FoyerRegistration) other_event = make_reg ("Jane Doe", NULL, NULL, "+14155550100");
  g_autoptr(FoyerRegistration) unrelated = make_reg ("Li Na", NULL, "li.na@example.com.cn", NULL);
  g_autoptr(FoyerRegistration) got = NULL;
  g_autofree char *first = NULL;

  g_assert_no_error (error);
  first = add (store, "John Smith", NULL, "john.smith@example.com", "+14155550100");

  g_assert_true (foyer_store_add_registration (store, same_name, NULL, &error));
  g_assert_false (same_name->possible_duplicate);
  g_assert_true (foyer_store_add_registration (store, other_name, NULL, &error));
  g_assert_true (other_name->possible_duplicate);
  g_assert_true (foyer_store_add_registration (store, unrelated, NULL, &error));
  g_assert_false (unrelated->possible_duplicate);
  g_free (other_event->event);
  other_event->event = g_strdup ("another-show");
  g_assert_true (foyer_store_add_registration (store, other_event, NULL, &error));
  g_assert_false (other_event->possible_duplicate);
  g_assert_no_error (error);

  /* flagged, not merged: both records are kept */
  got = foyer_store_get_registration (store, other_name->id, &error);
  g_assert_true (got->possible_duplicate);
  g_assert_cmpstr (got->full_name, ==, "Jane Doe");
  g_assert_cmpint (foyer_store_count_registrations (store, EVENT, &error), ==, 4);
}

static void
record_added_cb (FoyerStore *store, const char *id, const char *type, GPtrArray *seen)
{
  g_ptr_array_add (seen, g_strdup_printf ("%s %s", type, id));
}

static void
test_record_added_signal (void)
{
  g_autofree char *path = db_path ("signal");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(FoyerRegistration) dup = make_reg ("X", "B-1", NULL, NULL);

  g_signal_connect (store, "record-added", G_CALLBACK (record_added_cb), seen);
  id = add (store, "A Visitor", "B-1", NULL, NULL);
  expected = g_strdup_printf ("registration %s", id);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, expected);

  g_assert_true (foyer_store_add_registration (store, dup, NULL, &error));
  g_assert_cmpuint (seen->len, ==, 1);   /* nothing written, nothing announced */
}

static void
test_check_in_badge (void)
{
  g_autofree char *path = db_path ("checkin");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(GPtrArray) prereg = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(FoyerRegistration) p = make_reg ("王芳", "EXPO2026-V-000123", "wangfang@example.org.cn", NULL);
  g_autoptr(FoyerRegistration) found = NULL;
  g_autoptr(FoyerRegistration) added = NULL;
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static ("EXPO2026-V-000123", 17);
  g_autoptr(JsonArray) taken = NULL;
  guint ins = 0, upd = 0;

  g_assert_no_error (error);
  g_free (p->category);
  p->category = g_strdup (FOYER_CATEGORY_MEDIA);
  g_ptr_array_add (prereg, g_steal_pointer (&p));
  g_assert_true (foyer_store_import_preregistrations (store, prereg, &ins, &upd, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ins, ==, 1);
  g_assert_cmpuint (upd, ==, 0);

  found = foyer_store_find_preregistration (store, EVENT, "EXPO2026-V-000123", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->kind, ==, FOYER_KIND_CHECK_IN);
  g_assert_null (found->id);
  g_assert_cmpstr (found->full_name, ==, "王芳");
  g_assert_cmpstr (found->category, ==, FOYER_CATEGORY_MEDIA);
  g_clear_pointer (&found, foyer_registration_free);
  found = foyer_store_find_preregistration (store, "other", "EXPO2026-V-000123", &error);
  g_assert_no_error (error);
  g_assert_null (found);

  g_assert_true (foyer_store_check_in_badge (store, EVENT, KIOSK, "EXPO2026-V-000123", raw,
                                             &added, &existing, &error));
  g_assert_no_error (error);
  g_assert_null (existing);
  g_assert_nonnull (added);
  g_assert_cmpstr (added->kind, ==, FOYER_KIND_CHECK_IN);
  g_assert_cmpstr (added->kiosk_id, ==, KIOSK);
  g_assert_cmpstr (added->full_name, ==, "王芳");
  g_assert_true (g_bytes_equal (added->raw_payload, raw));

  g_assert_true (foyer_store_check_in_badge (store, EVENT, "entrance-05", "EXPO2026-V-000123",
                                             NULL, NULL, &existing, &error));
  g_assert_nonnull (existing);
  g_assert_cmpstr (existing->id, ==, added->id);

  g_assert_false (foyer_store_check_in_badge (store, EVENT, KIOSK, "UNKNOWN-1", NULL, NULL, NULL,
                                              &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* a check-in goes to head office as type check_in */
  taken = foyer_store_outbox_take (store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (taken), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (taken, 0), "type"),
                   ==, "check_in");
}

static void
test_import_preregistrations_update (void)
{
  g_autofree char *path = db_path ("prereg");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(FoyerRegistration) found = NULL;
  guint ins = 0, upd = 0;

  g_ptr_array_add (batch, make_reg ("Old Name", "B-1", NULL, NULL));
  g_ptr_array_add (batch, make_reg ("Two", "B-2", NULL, NULL));
  g_assert_true (foyer_store_import_preregistrations (store, batch, &ins, &upd, &error));
  g_assert_cmpuint (ins, ==, 2);
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, make_reg ("New Name", "B-1", NULL, NULL));
  g_ptr_array_add (batch, make_reg ("Three", "B-3", NULL, NULL));
  g_assert_true (foyer_store_import_preregistrations (store, batch, &ins, &upd, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ins, ==, 1);
  g_assert_cmpuint (upd, ==, 1);
  found = foyer_store_find_preregistration (store, EVENT, "B-1", &error);
  g_assert_cmpstr (found->full_name, ==, "New Name");

  /* a bad record stops the batch before anything is written */
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, make_reg ("Four", "B-4", NULL, NULL));
  g_ptr_array_add (batch, make_reg ("No Badge", NULL, NULL, NULL));
  g_assert_false (foyer_store_import_preregistrations (store, batch, NULL, NULL, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&found, foyer_registration_free);
  found = foyer_store_find_preregistration (store, EVENT, "B-4", &error);
  g_assert_null (found);
}

static void
test_leads (void)
{
  g_autofree char *path = db_path ("leads");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(FoyerRegistration) visitor = make_reg ("Jürgen Müller", "EXPO-77",
                                                   "j.mueller@example.de", NULL);
  g_autoptr(FoyerLead) lead = foyer_lead_new ();
  g_autoptr(FoyerLead) bad = foyer_lead_new ();
  g_autoptr(FoyerLead) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonArray) taken = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  JsonObject *wire;
  g_autofree char *first_id = NULL;

  g_free (visitor->kind);
  visitor->kind = g_strdup (FOYER_KIND_LEAD);
  g_assert_true (foyer_store_add_registration (store, visitor, NULL, &error));
  g_assert_no_error (error);
  g_signal_connect (store, "record-added", G_CALLBACK (record_added_cb), seen);

  lead->registration_id = g_strdup (visitor->id);
  lead->event = g_strdup (EVENT);
  lead->kiosk_id = g_strdup ("booth-b12");
  lead->booth = g_strdup ("B12 Acme");
  lead->staff_id = g_strdup ("staff-7");
  lead->rating = g_strdup (FOYER_RATING_HOT);
  lead->notes = g_strdup ("wants a demo");
  lead->answers_json = g_strdup ("{\"budget\":\"100k\",\"products\":[\"a\",\"b\"]}");
  lead->follow_up = TRUE;
  g_assert_true (foyer_store_save_lead (store, lead, &error));
  g_assert_no_error (error);
  g_assert_nonnull (lead->id);
  g_assert_nonnull (lead->created_at);
  g_assert_nonnull (lead->updated_at);
  g_assert_cmpuint (seen->len, ==, 1);
  first_id = g_strdup (lead->id);

  got = foyer_store_get_lead (store, lead->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->visitor_name, ==, "Jürgen Müller");
  g_assert_cmpstr (got->badge_code, ==, "EXPO-77");
  g_assert_cmpstr (got->rating, ==, "hot");
  g_assert_true (got->follow_up);

  /* the outbox carries the visitor (registration) and the lead with the visitor inside */
  taken = foyer_store_outbox_take (store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (taken), ==, 2);
  wire = json_array_get_object_element (taken, 0);
  g_assert_cmpstr (json_object_get_string_member (wire, "type"), ==, "registration");
  g_assert_cmpstr (json_object_get_string_member (wire, "kind"), ==, "lead");
  wire = json_array_get_object_element (taken, 1);
  g_assert_cmpstr (json_object_get_string_member (wire, "type"), ==, "lead");
  g_assert_cmpstr (json_object_get_string_member (wire, "rating"), ==, "hot");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (wire, "answers_json"), "budget"), ==, "100k");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (wire, "visitor"), "full_name"), ==,
                   "Jürgen Müller");

  /* edited while in flight: pending again, and the old send's acknowledgement does not count */
  g_free (lead->rating);
  lead->rating = g_strdup (FOYER_RATING_WARM);
  g_assert_true (foyer_store_save_lead (store, lead, &error));
  g_assert_cmpstr (lead->id, ==, first_id);
  g_assert_cmpuint (seen->len, ==, 2);
  {
    const char *ids[] = { lead->id, NULL };
    g_autoptr(JsonArray) again = NULL;

    g_assert_true (foyer_store_outbox_mark_done (store, ids, &error));
    again = foyer_store_outbox_take (store, 10, &error);
    g_assert_cmpuint (json_array_get_length (again), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (again, 0),
                                                    "rating"), ==, "warm");
  }

  list = foyer_store_list_leads (store, EVENT, NULL, NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = foyer_store_list_leads (store, EVENT, NULL, "MÜLLER", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = foyer_store_list_leads (store, EVENT, NULL, "DEMO", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = foyer_store_list_leads (store, EVENT, NULL, "Müller", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = foyer_store_list_leads (store, EVENT, "2999-01-01", NULL, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = foyer_store_list_leads (store, "other", NULL, NULL, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_no_error (error);

  bad->registration_id = g_strdup ("00000000-0000-4000-8000-000000000000");
  bad->event = g_strdup (EVENT);
  bad->kiosk_id = g_strdup ("booth-b12");
  g_assert_false (foyer_store_save_lead (store, bad, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID);
  g_assert_null (bad->id);
  g_clear_error (&error);
  bad->rating = g_strdup ("lukewarm");
  g_assert_false (foyer_store_save_lead (store, bad, &error));
  g_assert_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID);
}

static void
test_outbox (void)
{
  g_autofree char *path = db_path ("outbox");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) batch = NULL;
  g_autoptr(JsonArray) empty = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  FoyerOutboxCounts counts;
  const char *done[3], *retry[2], *release[2];
  gint64 due;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_cmpint (foyer_store_outbox_next_due (store, &error), ==, -1);
  for (int i = 0; i < 6; i++) {
    g_autofree char *name = g_strdup_printf ("Visitor %d", i);
    g_ptr_array_add (ids, add (store, name, NULL, NULL, NULL));
  }
  due = foyer_store_outbox_next_due (store, &error);
  g_assert_cmpint (due, >, 0);
  g_assert_cmpint (due, <=, g_get_real_time ());

  batch = foyer_store_outbox_take (store, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (batch), ==, 4);
  for (guint i = 0; i < 4; i++)   /* oldest first */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batch, i), "id"),
                     ==, g_ptr_array_index (ids, i));
  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_cmpint (counts.pending, ==, 2);
  g_assert_cmpint (counts.in_flight, ==, 4);

  done[0] = g_ptr_array_index (ids, 0);
  done[1] = g_ptr_array_index (ids, 1);
  done[2] = NULL;
  g_assert_true (foyer_store_outbox_mark_done (store, done, &error));
  retry[0] = g_ptr_array_index (ids, 2);
  retry[1] = NULL;
  g_assert_true (foyer_store_outbox_mark_retry (store, retry, g_get_real_time () + G_USEC_PER_SEC * (gint64)3600,
                                                "HTTP 503", &error));
  release[0] = g_ptr_array_index (ids, 3);
  release[1] = NULL;
  g_assert_true (foyer_store_outbox_release (store, release, &error));
  g_assert_no_error (error);

  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_cmpint (counts.pending, ==, 4);
  g_assert_cmpint (counts.in_flight, ==, 0);
  g_assert_cmpint (counts.done, ==, 2);

  /* the retried record waits for its time; the released one comes back at once */
  g_clear_pointer (&batch, json_array_unref);
  batch = foyer_store_outbox_take (store, 100, &error);
  g_assert_cmpuint (json_array_get_length (batch), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batch, 0), "id"),
                   ==, g_ptr_array_index (ids, 3));
  empty = foyer_store_outbox_take (store, 100, &error);
  g_assert_cmpuint (json_array_get_length (empty), ==, 0);

  list = foyer_store_outbox_list (store, FOYER_OUTBOX_PENDING, 0, &error);
  g_assert_cmpuint (list->len, ==, 1);
  {
    FoyerOutboxEntry *entry = g_ptr_array_index (list, 0);
    g_assert_cmpstr (entry->record_id, ==, g_ptr_array_index (ids, 2));
    g_assert_cmpint (entry->attempts, ==, 1);
    g_assert_cmpstr (entry->last_error, ==, "HTTP 503");
    g_assert_cmpstr (entry->record_type, ==, "registration");
  }
  g_clear_pointer (&list, g_ptr_array_unref);
  list = foyer_store_outbox_list (store, NULL, 2, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (foyer_store_outbox_next_due (store, &error), >, g_get_real_time () + 3000 * (gint64)G_USEC_PER_SEC);

  g_assert_true (foyer_store_outbox_mark_dead (store, g_ptr_array_index (ids, 4), "rejected: bad e-mail",
                                               &error));
  g_assert_true (foyer_store_outbox_mark_dead (store, g_ptr_array_index (ids, 5), "rejected", &error));
  g_assert_false (foyer_store_outbox_mark_dead (store, "no-such-id", "x", &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_cmpint (counts.dead, ==, 2);

  g_signal_connect (store, "record-added", G_CALLBACK (record_added_cb), seen);
  g_assert_true (foyer_store_outbox_requeue (store, g_ptr_array_index (ids, 4), &n, &error));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (foyer_store_outbox_requeue (store, NULL, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_cmpint (counts.dead, ==, 0);
  g_assert_no_error (error);
}

/* A sync connection that dies with records in flight gives them back on the next open; a live
 * sibling connection keeps its own. */
static void
test_outbox_in_flight_recovery (void)
{
  g_autofree char *path = db_path ("inflight");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) ui = foyer_store_open (path, &error);
  g_autoptr(FoyerStore) sync = foyer_store_open (path, &error);
  g_autoptr(FoyerStore) other = NULL;
  g_autoptr(JsonArray) batch = NULL;
  FoyerOutboxCounts counts;
  sqlite3 *db;
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  id = add (ui, "One", NULL, NULL, NULL);
  g_free (add (ui, "Two", NULL, NULL, NULL));
  batch = foyer_store_outbox_take (sync, 1, &error);
  g_assert_cmpuint (json_array_get_length (batch), ==, 1);

  other = foyer_store_open (path, &error);   /* e.g. foyerctl stats while the kiosk runs */
  g_assert_true (foyer_store_outbox_counts (other, &counts, &error));
  g_assert_cmpint (counts.in_flight, ==, 1);
  g_clear_object (&other);

  /* a crashed process's rows: a pid that is not running, or one reused by another process
   * (the parent test runner here, which started at another moment) */
  for (guint i = 0; i < 2; i++) {
    g_autofree char *sql = g_strdup_printf ("UPDATE outbox SET state = 'in_flight', claimed_by = "
                                            "'%ld:1:1' WHERE state = 'pending'",
                                            i == 0 ? 999999999L : (long)getppid ());
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    g_clear_object (&other);
    other = foyer_store_open (path, &error);
    g_assert_true (foyer_store_outbox_counts (other, &counts, &error));
    g_assert_cmpint (counts.in_flight, ==, 1);
    g_assert_cmpint (counts.pending, ==, 1);
  }

  /* closing the sync store releases its rows */
  g_clear_object (&sync);
  g_assert_true (foyer_store_outbox_counts (other, &counts, &error));
  g_assert_cmpint (counts.in_flight, ==, 0);
  g_assert_cmpint (counts.pending, ==, 2);
  g_assert_no_error (error);
}

static void
test_record_print (void)
{
  g_autofree char *path = db_path ("print");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autofree char *id = add (store, "Print Me", NULL, NULL, NULL);
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_true (foyer_store_record_print (store, id, "badges", TRUE, NULL, &error));
  g_assert_true (foyer_store_record_print (store, id, "badges", FALSE, "out of labels", &error));
  g_assert_no_error (error);
  g_assert_false (foyer_store_record_print (store, "nope", "badges", TRUE, NULL, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*), sum(success) FROM prints WHERE record_id = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
exec_sql (const char *path, const char *sql)
{
  sqlite3 *db;
  char *err = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("%s: %s", sql, err);
  sqlite3_close (db);
}

static gboolean mem_contains (const char *haystack, gsize len, const char *needle);

static void
test_purge (void)
{
  g_autofree char *path = db_path ("purge");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autofree char *old_done = add (store, "Old Done", "B-1", "old@example.com", NULL);
  g_autofree char *old_pending = add (store, "Old Pending", "B-2", NULL, NULL);
  g_autofree char *new_done = add (store, "New Done", "B-3", NULL, NULL);
  g_autoptr(FoyerRegistration) got = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonArray) batch = NULL;
  g_autofree char *sql = NULL;
  guint n = 99;

  batch = foyer_store_outbox_take (store, 10, &error);
  {
    const char *ids[] = { old_done, new_done, NULL };
    g_assert_true (foyer_store_outbox_mark_done (store, ids, &error));
  }
  sql = g_strdup_printf ("UPDATE registrations SET created_at = '2026-01-01T10:00:00.000Z' "
                         "WHERE id IN ('%s', '%s')", old_done, old_pending);
  exec_sql (path, sql);

  g_assert_true (foyer_store_purge_older_than (store, 30, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);

  got = foyer_store_get_registration (store, old_done, &error);
  g_assert_true (got->purged);
  g_assert_null (got->full_name);
  g_assert_null (got->emails);
  g_assert_null (got->badge_code);
  g_assert_cmpstr (got->category, ==, FOYER_CATEGORY_TRADE_VISITOR);
  g_assert_cmpstr (got->kind, ==, FOYER_KIND_WALK_IN);
  g_assert_cmpstr (got->created_at, ==, "2026-01-01T10:00:00.000Z");
  g_clear_pointer (&got, foyer_registration_free);
  got = foyer_store_get_registration (store, old_pending, &error);
  g_assert_false (got->purged);
  g_assert_cmpstr (got->full_name, ==, "Old Pending");
  g_clear_pointer (&got, foyer_registration_free);
  got = foyer_store_get_registration (store, new_done, &error);
  g_assert_cmpstr (got->full_name, ==, "New Done");

  /* counts survive: the purged record still counts by kind, category and hour */
  stats = foyer_store_stats (store, EVENT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "by_kind"),
                                               "walk_in"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "by_hour"),
                                               "2026-01-01T10"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "totals"),
                                               "purged"), ==, 1);

  /* the purged e-mail no longer flags a newcomer, and nothing is purged twice */
  {
    g_autoptr(FoyerRegistration) reg = make_reg ("Someone", NULL, "old@example.com", NULL);
    g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
    g_assert_false (reg->possible_duplicate);
  }
  g_assert_true (foyer_store_purge_older_than (store, 30, &n, &error));
  g_assert_cmpuint (n, ==, 0);

  /* and the bytes are gone from the file, not only from the rows */
  {
    g_autofree char *contents = NULL;
    gsize len;
    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    g_assert_false (mem_contains (contents, len, "Old Done"));
  }
}

/* memmem is a GNU extension; g_strstr_len stops at the first NUL byte of a binary file */
static gboolean
mem_contains (const char *haystack, gsize len, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= len && i <= len - n; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static sqlite3 *open_raw (const char *path);
static void raw_exec (sqlite3 *db, const char *sql);

static gboolean
bytes_contain (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;    /* no WAL file: nothing in it */
  return mem_contains (contents, len, needle);
}

static gpointer
release_reader_later (gpointer data)
{
  sqlite3 *reader = data;

  g_usleep (700 * 1000);
  g_assert_cmpint (sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (reader);
  return NULL;
}

/* A reader that started before the purge and still reads its old snapshot. */
static sqlite3 *
open_snapshot_reader (const char *path)
{
  sqlite3 *reader = open_raw (path);
  sqlite3_stmt *stmt = NULL;

  raw_exec (reader, "BEGIN");
  g_assert_cmpint (sqlite3_prepare_v2 (reader, "SELECT count(*) FROM registrations", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sqlite3_finalize (stmt);
  return reader;
}

/* Everything an old delivered visitor left: the row, a lead's notes, the outbox's error
 * message, an imported attendee, a damaged copy. */
static char *
add_old_visitor_everywhere (FoyerStore *store, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerRegistration) reg = make_reg ("Zebulon Quartermaine", "B-Z", "zq@example.com",
                                               "+8613800000001,0612 34 56 78");
  g_autoptr(FoyerLead) lead = foyer_lead_new ();
  g_autoptr(GPtrArray) pre = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_registration_free);
  g_autoptr(JsonArray) batch = NULL;
  const char *unverified[] = { "0612 34 56 78", NULL };
  char *id;

  reg->phones_unverified = g_strdupv ((char **) unverified);
  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);
  id = g_strdup (reg->id);
  lead->registration_id = g_strdup (id);
  lead->event = g_strdup (EVENT);
  lead->kiosk_id = g_strdup (KIOSK);
  lead->notes = g_strdup ("Quartermaine wants a quote");
  g_assert_true (foyer_store_save_lead (store, lead, &error));
  g_assert_no_error (error);
  g_ptr_array_add (pre, make_reg ("Prudence Preimport", "PRE-9", NULL, NULL));
  g_assert_true (foyer_store_import_preregistrations (store, pre, NULL, NULL, &error));
  g_assert_no_error (error);

  /* refused once with the name in the message, then delivered */
  batch = foyer_store_outbox_take (store, 10, &error);
  {
    const char *ids[] = { id, lead->id, NULL };
    g_assert_true (foyer_store_outbox_mark_retry (store, ids, 0, "422: Zebulon Quartermaine "
                                                  "is a duplicate", &error));
    g_clear_pointer (&batch, json_array_unref);
    batch = foyer_store_outbox_take (store, 10, &error);
    g_assert_true (foyer_store_outbox_mark_done (store, ids, &error));
  }
  {
    g_autofree char *copy = g_strconcat (path, ".corrupt-20260101-000000", NULL);
    struct utimbuf old = { 1700000000, 1700000000 };

    g_assert_true (g_file_set_contents (copy, "SQLite format 3 Zebulon Quartermaine", -1, NULL));
    g_assert_cmpint (utime (copy, &old), ==, 0);
  }
  return id;
}

/* Retention covers every table and file with personal data, keeps what head office has not
 * acknowledged, and leaves no purged byte in the database or its WAL even though a reader held
 * an older snapshot when the purge started (issue 14, item 11). */
static void
test_purge_everything (void)
{
  g_autofree char *path = db_path ("purge-all");
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *recent_copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autofree char *delivered = add_old_visitor_everywhere (store, path);
  g_autofree char *pending = add (store, "Ophelia Pendingworth", "B-P", NULL, NULL);
  g_autofree char *dead = add (store, "Desdemona Deadletter", "B-D", NULL, NULL);
  g_autoptr(JsonArray) batch = NULL;
  g_autoptr(GThread) releaser = NULL;
  FoyerPurgeResult result;
  sqlite3 *reader;

  batch = foyer_store_outbox_take (store, 10, &error);
  g_assert_true (foyer_store_outbox_mark_dead (store, dead, "400: refused", &error));
  {
    const char *ids[] = { pending, NULL };
    g_assert_true (foyer_store_outbox_release (store, ids, &error));
  }
  exec_sql (path, "UPDATE registrations SET created_at = '2026-01-01T10:00:00.000Z';"
                  "UPDATE leads SET created_at = '2026-01-01T10:00:00.000Z';"
                  "UPDATE outbox SET created_at = '2026-01-01T10:00:00.000Z';"
                  "UPDATE preregistrations SET imported_at = '2026-01-01T10:00:00.000Z';"
                  /* mark_done clears it; a row from an older version or a hand edit may not */
                  "UPDATE outbox SET last_error = '422: Zebulon Quartermaine is a duplicate' "
                  "WHERE state = 'done';");
  recent_copy = g_strconcat (path, ".corrupt-29990101-000000", NULL);
  g_assert_true (g_file_set_contents (recent_copy, "recent", -1, NULL));
  g_assert_cmpint (foyer_store_count_undelivered_older_than (store, 30, &error), ==, 2);

  /* blocked: a reader that never lets go is reported, not ignored */
  foyer_store_set_busy_timeout (store, 100);
  reader = open_snapshot_reader (path);
  g_assert_false (foyer_store_purge (store, 30, &result, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "-wal"));
  g_assert_cmpuint (result.registrations, ==, 1);
  g_assert_cmpuint (result.leads, ==, 1);
  g_assert_cmpuint (result.preregistrations, ==, 1);
  g_assert_cmpuint (result.outbox_errors, ==, 2);
  g_assert_cmpuint (result.corrupt_copies, ==, 1);
  g_assert_false (result.wal_clean);
  g_clear_error (&error);
  raw_exec (reader, "COMMIT");
  sqlite3_close (reader);

  /* a reader that started before and finishes while purge waits */
  foyer_store_set_busy_timeout (store, 5000);
  reader = open_snapshot_reader (path);
  releaser = g_thread_new ("reader", release_reader_later, reader);
  g_assert_true (foyer_store_purge (store, 30, &result, &error));
  g_assert_no_error (error);
  g_thread_join (g_steal_pointer (&releaser));
  g_assert_true (result.wal_clean);
  g_assert_cmpint (result.undelivered_kept, ==, 2);
  g_assert_cmpuint (result.registrations, ==, 0);

  /* kept: the records head office has not acknowledged, and the recent damaged copy */
  {
    g_autoptr(FoyerRegistration) got = foyer_store_get_registration (store, pending, &error);
    g_assert_cmpstr (got->full_name, ==, "Ophelia Pendingworth");
    g_clear_pointer (&got, foyer_registration_free);
    got = foyer_store_get_registration (store, dead, &error);
    g_assert_cmpstr (got->full_name, ==, "Desdemona Deadletter");
    g_clear_pointer (&got, foyer_registration_free);
    got = foyer_store_get_registration (store, delivered, &error);
    g_assert_true (got->purged);
    g_assert_null (got->phones_unverified);
  }
  g_assert_true (g_file_test (recent_copy, G_FILE_TEST_EXISTS));

  /* gone: from the tables and from the bytes of the file and its WAL */
  {
    const char *gone[] = { "Zebulon", "Quartermaine", "Prudence", "0612 34 56 78",
                           "zq@example.com", NULL };
    g_autofree char *old_copy = g_strconcat (path, ".corrupt-20260101-000000", NULL);

    g_assert_false (g_file_test (old_copy, G_FILE_TEST_EXISTS));
    for (guint i = 0; gone[i] != NULL; i++) {
      g_test_message ("looking for %s", gone[i]);
      g_assert_false (bytes_contain (path, gone[i]));
      g_assert_false (bytes_contain (wal, gone[i]));
    }
    g_assert_true (bytes_contain (path, "Ophelia Pendingworth"));
  }
  {
    g_autoptr(FoyerRegistration) pre = foyer_store_find_preregistration (store, EVENT, "PRE-9",
                                                                         &error);
    g_assert_no_error (error);
    g_assert_null (pre);
  }
}

static void
purge_file_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The kiosk's timer purges in a worker, on a connection of its own. */
static void
test_purge_file_async (void)
{
  g_autofree char *path = db_path ("purge-async");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autofree char *id = add (store, "Asynchronous Ann", "B-A", NULL, NULL);
  g_autoptr(JsonArray) batch = foyer_store_outbox_take (store, 10, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FoyerRegistration) got = NULL;
  const char *ids[] = { id, NULL };
  FoyerPurgeResult purged = { 0 };

  g_assert_true (foyer_store_outbox_mark_done (store, ids, &error));
  exec_sql (path, "UPDATE registrations SET created_at = '2026-01-01T10:00:00.000Z'");
  foyer_store_purge_file_async (path, 30, NULL, purge_file_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (foyer_store_purge_file_finish (result, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged.registrations, ==, 1);
  g_assert_true (purged.wal_clean);
  got = foyer_store_get_registration (store, id, &error);
  g_assert_true (got->purged);
}

static void
test_stats (void)
{
  g_autofree char *path = db_path ("stats");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(FoyerRegistration) vip = make_reg ("V I P", NULL, NULL, NULL);
  JsonObject *o;

  g_free (add (store, "A", NULL, NULL, NULL));
  g_free (add (store, "B", NULL, NULL, NULL));
  g_free (vip->category);
  vip->category = g_strdup (FOYER_CATEGORY_VIP);
  g_assert_true (foyer_store_add_registration (store, vip, NULL, &error));

  stats = foyer_store_stats (store, EVENT, NULL, &error);
  g_assert_no_error (error);
  o = json_object_get_object_member (stats, "by_category");
  g_assert_cmpint (json_object_get_int_member (o, "trade_visitor"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "vip"), ==, 1);
  o = json_object_get_object_member (stats, "outbox");
  g_assert_cmpint (json_object_get_int_member (o, "pending"), ==, 3);
  o = json_object_get_object_member (stats, "by_hour");
  g_assert_cmpuint (json_object_get_size (o), ==, 1);
  g_clear_pointer (&stats, json_object_unref);
  stats = foyer_store_stats (store, "other-event", NULL, &error);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (stats, "by_kind")), ==, 0);
}

static void
test_record_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerRegistration) reg = make_reg ("李娜", "B-9", "li.na@example.com.cn", "+8613912345678");
  g_autoptr(FoyerRegistration) back = NULL;
  g_autoptr(FoyerRegistration) card = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *card_path = NULL;
  g_autofree char *ts = foyer_timestamp_now ();
  g_autofree char *norm = NULL;

  reg->id = g_uuid_string_random ();
  reg->created_at = g_strdup ("2026-11-24T10:42:00.123Z");
  reg->raw_payload = g_bytes_new ("\x01\x02", 2);
  g_free (reg->kind);
  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  json = foyer_registration_to_json (reg);
  g_assert_cmpstr (json_object_get_string_member (json, "type"), ==, "check_in");
  g_assert_cmpstr (json_object_get_string_member (json, "raw_payload"), ==, "AQI=");
  back = foyer_registration_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, reg->id);
  g_assert_cmpstr (back->full_name, ==, "李娜");
  g_assert_cmpstr (back->phones[0], ==, "+8613912345678");
  g_assert_true (g_bytes_equal (back->raw_payload, reg->raw_payload));
  g_assert_true (back->consent_given);
  g_assert_cmpstr (back->kind, ==, FOYER_KIND_CHECK_IN);
  json_object_remove_member (json, "kind");
  g_clear_pointer (&back, foyer_registration_free);
  back = foyer_registration_from_json (json, &error);
  g_assert_cmpstr (back->kind, ==, FOYER_KIND_CHECK_IN);   /* from "type" */

  {
    card_path = foyer_test_data_path ("cards", "mecard-en.json", NULL);
    g_assert_true (json_parser_load_from_file (parser, card_path, &error));
    card = foyer_registration_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (card->full_name, ==, "John Smith");
    g_assert_cmpstr (card->source, ==, FOYER_SOURCE_MECARD);
    g_assert_cmpstr (card->notes, ==, "Booth B12; met at demo");
  }

  g_assert_true (g_str_has_suffix (ts, "Z"));
  g_assert_cmpuint (strlen (ts), ==, 24);
  norm = foyer_timestamp_normalize ("2026-11-24T18:42:00+08:00");
  g_assert_cmpstr (norm, ==, "2026-11-24T10:42:00.000Z");
  g_free (norm);
  norm = foyer_timestamp_normalize ("2026-11-24");
  g_assert_cmpstr (norm, ==, "2026-11-24T00:00:00.000Z");
  g_free (norm);
  norm = foyer_timestamp_normalize ("yesterday");
  g_assert_null (norm);

  {
    g_autoptr(JsonParser) p = json_parser_new ();
    g_autoptr(FoyerRegistration) r = NULL;
    g_assert_true (json_parser_load_from_data (p, "{\"full_name\":\"X\",\"emails\":7}", -1, NULL));
    r = foyer_registration_from_json (json_node_get_object (json_parser_get_root (p)), &error);
    g_assert_null (r);
    g_assert_error (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID);
  }
}


/* --- migrations --- */

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* as every FoyerStore connection: the search index's triggers call it */
  _foyer_store_register_search_functions (db);
  return db;
}

static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *err = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("%s: %s", sql, err);
}

static int
raw_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt;
  int value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* A database as Foyer left it at schema version, with the rows a kiosk had by then. */
static void
build_old_database (const char *path, int version)
{
  g_autofree char *dir = g_path_get_dirname (path);
  sqlite3 *db;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  db = open_raw (path);
  raw_exec (db, "PRAGMA journal_mode = WAL");
  for (int v = 0; v < version; v++) {
    g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %d", v + 1);
    raw_exec (db, _foyer_store_migrations[v]);
    raw_exec (db, set);
  }
  if (version >= 1) {
    raw_exec (db,
              "INSERT INTO registrations (id, event, kiosk_id, created_at, kind, category, "
              "  full_name, emails, phones, badge_code, consent_given) VALUES "
              "('11111111-1111-4111-8111-111111111111', 'expo-2026', 'entrance-01', "
              "  '2026-11-24T09:00:00.000Z', 'walk_in', 'trade_visitor', 'Old Visitor', "
              "  '[\"old@example.com\"]', '[\"+8613800000001\"]', 'OLD-1', 1);"
              "INSERT INTO outbox (record_id, record_type, state, attempts, next_attempt_at, "
              "  created_at) VALUES ('11111111-1111-4111-8111-111111111111', 'registration', "
              "  'in_flight', 2, 0, '2026-11-24T09:00:00.000Z');"
              "INSERT INTO preregistrations (event, badge_code, full_name, imported_at) VALUES "
              "  ('expo-2026', 'PRE-1', 'Pre Registered', '2026-11-20T00:00:00.000Z');");
  }
  /* from schema 3 on, the store writes a row's contact keys with it */
  if (version >= 3)
    raw_exec (db, "INSERT INTO contact_keys (event, key, registration_id) VALUES "
              "('expo-2026', 'e:old@example.com', '11111111-1111-4111-8111-111111111111'),"
              "('expo-2026', 'p:+8613800000001', '11111111-1111-4111-8111-111111111111');");
  sqlite3_close (db);
}

static void
test_migrations_from_every_version (void)
{
  for (int version = 0; version < FOYER_STORE_SCHEMA_VERSION; version++) {
    g_autofree char *tag = g_strdup_printf ("migrate%d", version);
    g_autofree char *path = db_path (tag);
    g_autoptr(GError) error = NULL;
    g_autoptr(FoyerStore) store = NULL;
    g_autoptr(FoyerRegistration) old = NULL;
    g_autoptr(FoyerRegistration) newcomer = make_reg ("Somebody Else", NULL, "OLD@example.com", NULL);
    g_autoptr(FoyerRegistration) added = NULL;
    g_autoptr(JsonArray) batch = NULL;

    g_test_message ("from schema %d", version);
    build_old_database (path, version);
    store = foyer_store_open (path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (foyer_store_get_schema_version (store), ==, FOYER_STORE_SCHEMA_VERSION);
    g_assert_true (foyer_store_add_registration (store, newcomer, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (foyer_store_record_print (store, newcomer->id, "p", TRUE, NULL, &error));
    g_assert_no_error (error);
    if (version == 0)
      continue;

    old = foyer_store_get_registration (store, "11111111-1111-4111-8111-111111111111", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (old->full_name, ==, "Old Visitor");
    g_assert_cmpstr (old->emails[0], ==, "old@example.com");
    /* contact keys were built from the old rows */
    g_assert_true (newcomer->possible_duplicate);
    /* the old in_flight row (no owner) is pending again and goes first */
    batch = foyer_store_outbox_take (store, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batch, 0), "id"),
                     ==, "11111111-1111-4111-8111-111111111111");
    g_assert_true (foyer_store_check_in_badge (store, EVENT, KIOSK, "PRE-1", NULL, &added, NULL,
                                               &error));
    g_assert_no_error (error);
    g_assert_cmpstr (added->full_name, ==, "Pre Registered");
  }
}

/* A step that fails leaves the database at its old version, untouched. */
static void
test_migration_is_atomic (void)
{
  g_autofree char *path = db_path ("migrate-fail");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  sqlite3 *db;

  build_old_database (path, 1);
  db = open_raw (path);
  raw_exec (db, "CREATE TABLE prints (x)");   /* step 1 → 2 will collide with it */
  sqlite3_close (db);

  store = foyer_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "schema 2"));
  db = open_raw (path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master WHERE name = 'outbox_state_due'"),
                   ==, 0);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM registrations"), ==, 1);
  sqlite3_close (db);
}

static void
test_newer_schema_refused (void)
{
  g_autofree char *path = db_path ("newer");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  sqlite3 *db;

  build_old_database (path, FOYER_STORE_SCHEMA_VERSION);
  db = open_raw (path);
  raw_exec (db, "PRAGMA user_version = 99");
  sqlite3_close (db);
  store = foyer_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "newer Foyer"));
}

/* --- error codes --- */

static char *
find_corrupt_copy (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".corrupt-", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

static void
test_corrupt_garbage (void)
{
  g_autofree char *path = db_path ("garbage");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autofree char *moved = NULL;
  g_autofree char *contents = NULL;

  for (int i = 0; i < 2000; i++)
    g_string_append (garbage, "this is not a database. ");
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, NULL));

  store = foyer_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  moved = find_corrupt_copy (path);
  g_assert_nonnull (moved);
  g_assert_cmpstr (foyer_store_get_recovered_from (store), ==, moved);
  /* kept, byte for byte */
  g_assert_true (g_file_get_contents (moved, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, garbage->str);
  g_free (add (store, "After Recovery", NULL, NULL, NULL));
  g_assert_cmpint (file_mode (path), ==, 0600);
}

static void
test_corrupt_truncated (void)
{
  g_autofree char *path = db_path ("truncated");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autofree char *moved = NULL;
  sqlite3 *db;

  g_assert_no_error (error);
  for (int i = 0; i < 200; i++) {
    g_autofree char *name = g_strdup_printf ("Visitor number %d with a longish name", i);
    g_free (add (store, name, NULL, NULL, NULL));
  }
  g_clear_object (&store);
  db = open_raw (path);
  raw_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);
  g_assert_cmpint (truncate (path, 4096 * 3), ==, 0);

  store = foyer_store_open (path, &error);
  g_assert_no_error (error);
  moved = find_corrupt_copy (path);
  g_assert_nonnull (moved);
  g_assert_cmpint (foyer_store_count_registrations (store, NULL, &error), ==, 0);
}

/* The file is damaged under a running kiosk: the failing write moves it aside and the store
 * continues on a fresh database. */
static void
test_corrupt_at_runtime (void)
{
  g_autofree char *path = db_path ("runtime");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GString) junk = g_string_new (NULL);
  sqlite3 *db;
  int fd;

  g_assert_no_error (error);
  for (int i = 0; i < 300; i++) {
    g_autofree char *name = g_strdup_printf ("Visitor number %d with a longish name", i);
    g_free (add (store, name, NULL, "v@example.com", NULL));
  }
  db = open_raw (path);
  raw_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  for (int i = 0; i < 4096 * 30; i++)
    g_string_append_c (junk, (char)(i * 7 + 3));
  fd = open (path, O_WRONLY);
  g_assert_cmpint (pwrite (fd, junk->str, junk->len, 4096), ==, (gssize)junk->len);
  close (fd);
  /* another connection's commit makes the store drop its page cache */
  sqlite3_exec (db, "PRAGMA user_version = 3", NULL, NULL, NULL);
  sqlite3_close (db);

  reg = make_reg ("Unlucky", NULL, "v@example.com", NULL);
  g_assert_false (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "repeat the last registration"));
  g_assert_nonnull (foyer_store_get_recovered_from (store));
  g_clear_error (&error);
  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);
}

static void
test_locked (void)
{
  g_autofree char *path = db_path ("locked");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(FoyerRegistration) reg = make_reg ("Waiting", NULL, NULL, NULL);
  g_autoptr(FoyerRegistration) found = NULL;
  sqlite3 *other;
  gint64 start;

  g_assert_no_error (error);
  g_free (add (store, "First", "B-1", NULL, NULL));
  other = open_raw (path);
  raw_exec (other, "BEGIN EXCLUSIVE; INSERT INTO prints (record_id, printed_at, success) "
                   "VALUES ('x', 'y', 1)");

  foyer_store_set_busy_timeout (store, 200);
  start = g_get_monotonic_time ();
  g_assert_false (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_assert_null (reg->id);
  g_clear_error (&error);

  /* reading still works while another program writes (WAL) */
  found = foyer_store_find_by_badge (store, EVENT, "B-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);

  raw_exec (other, "ROLLBACK");
  sqlite3_close (other);
  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);
}

/* The kiosk's sync thread and its UI (or foyerctl) open the store at the same time, on a kiosk's
 * first start too, when neither finds a database yet: each must get a working store, never
 * "locked by another program" (the sync thread used to pause on that until staff pressed
 * retry). */
typedef struct {
  const char *path;
  GError     *error;
} OpenRace;

static gpointer
open_race_thread (gpointer data)
{
  OpenRace *race = data;
  FoyerStore *store = foyer_store_open (race->path, &race->error);

  g_clear_object (&store);
  return NULL;
}

static void
test_open_race (void)
{
  for (guint round = 0; round < 40; round++) {
    g_autofree char *name = g_strdup_printf ("open-race-%u", round);
    g_autofree char *path = db_path (name);
    OpenRace races[4] = { { path }, { path }, { path }, { path } };
    GThread *threads[G_N_ELEMENTS (races)];

    for (guint i = 0; i < G_N_ELEMENTS (races); i++)
      threads[i] = g_thread_new ("open-race", open_race_thread, &races[i]);
    for (guint i = 0; i < G_N_ELEMENTS (races); i++) {
      g_thread_join (threads[i]);
      g_assert_no_error (races[i].error);
    }
  }
}

static void
test_readonly (void)
{
  g_autofree char *path = db_path ("readonly");
  g_autofree char *missing = db_path ("readonly-missing");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(FoyerStore) ro = NULL;
  g_autoptr(FoyerRegistration) reg = make_reg ("Nope", NULL, NULL, NULL);
  g_autoptr(JsonArray) batch = NULL;
  g_autofree char *id = NULL;
  const char *ids[2] = { NULL, NULL };

  g_assert_no_error (error);
  id = add (store, "Existing", NULL, NULL, NULL);
  ids[0] = id;

  ro = foyer_store_open_with_flags (path, FOYER_STORE_OPEN_READONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (foyer_store_count_registrations (ro, NULL, &error), ==, 1);
  g_assert_false (foyer_store_add_registration (ro, reg, NULL, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);
  batch = foyer_store_outbox_take (ro, 10, &error);
  g_assert_null (batch);
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY);
  g_clear_error (&error);
  g_assert_false (foyer_store_outbox_mark_done (ro, ids, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY);
  g_clear_error (&error);
  g_clear_object (&ro);

  ro = foyer_store_open_with_flags (missing, FOYER_STORE_OPEN_READONLY, &error);
  g_assert_null (ro);
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* permission bits: root ignores them, so only an ordinary user can test this way */
  if (geteuid () != 0) {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr(FoyerStore) store2 = NULL;

    g_clear_object (&store);
    g_assert_cmpint (g_chmod (path, 0400), ==, 0);
    g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
    store2 = foyer_store_open (path, &error);
    if (store2 != NULL) {
      g_assert_false (foyer_store_add_registration (store2, reg, NULL, &error));
    }
    g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY);
    g_chmod (dir, 0700);
    g_chmod (path, 0600);
  } else {
    g_test_message ("running as root: the permission-bit case is covered by the read-only open");
  }
}

/* A full disk, as RLIMIT_FSIZE makes it: in a child, so the limit does not leak into the rest. */
static void
test_full (void)
{
  g_autofree char *path = db_path ("full");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  int pipefd[2];
  pid_t pid;
  int status;
  char buf[4096];
  gssize n;
  g_autoptr(GString) report = g_string_new (NULL);
  sqlite3 *db;

  g_assert_no_error (error);
  g_free (add (store, "Before", NULL, NULL, NULL));
  g_clear_object (&store);

  g_assert_cmpint (pipe (pipefd), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0) {
    struct rlimit limit = { 256 * 1024, 256 * 1024 };
    g_autoptr(FoyerStore) child = NULL;
    g_autoptr(GError) child_error = NULL;
    g_autofree char *notes = g_strnfill (1500, 'x');
    int code = 2;

    close (pipefd[0]);
    signal (SIGXFSZ, SIG_IGN);
    setrlimit (RLIMIT_FSIZE, &limit);
    child = foyer_store_open (path, &child_error);
    for (int i = 0; child != NULL && i < 5000; i++) {
      g_autoptr(FoyerRegistration) reg = make_reg ("Filler", NULL, NULL, NULL);

      reg->notes = g_strdup (notes);
      if (!foyer_store_add_registration (child, reg, NULL, &child_error))
        break;
    }
    if (child_error != NULL) {
      code = g_error_matches (child_error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FULL) ? 0 : 1;
      (void)!write (pipefd[1], child_error->message, strlen (child_error->message));
    }
    close (pipefd[1]);
    _exit (code);
  }
  close (pipefd[1]);
  while ((n = read (pipefd[0], buf, sizeof buf)) > 0)
    g_string_append_len (report, buf, n);
  close (pipefd[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_test_message ("child: %s", report->str);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_nonnull (strstr (report->str, "Disk full: registrations are not being saved"));

  /* nothing committed was lost and the file is sound */
  db = open_raw (path);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM registrations WHERE full_name = 'Before'"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM registrations"), ==,
                   raw_int (db, "SELECT count(*) FROM outbox"));
  {
    sqlite3_stmt *stmt;
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
}

/* --- a VFS that fails writes on demand: the only way to get an I/O error from a healthy disk --- */

typedef struct {
  sqlite3_file  base;
  sqlite3_file *real;
} ShimFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static sqlite3_io_methods shim_methods;
static gboolean shim_fail_writes;

#define REAL(f) (((ShimFile *)(f))->real)

static int
shim_close (sqlite3_file *f)
{
  int rc = REAL (f)->pMethods->xClose (REAL (f));
  g_free (REAL (f));
  return rc;
}

static int
shim_read (sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
  return REAL (f)->pMethods->xRead (REAL (f), buf, amt, off);
}

static int
shim_write (sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
  if (shim_fail_writes)
    return SQLITE_IOERR_WRITE;
  return REAL (f)->pMethods->xWrite (REAL (f), buf, amt, off);
}

static int
shim_truncate (sqlite3_file *f, sqlite3_int64 size)
{
  return REAL (f)->pMethods->xTruncate (REAL (f), size);
}

static int
shim_sync (sqlite3_file *f, int flags)
{
  if (shim_fail_writes)
    return SQLITE_IOERR_FSYNC;
  return REAL (f)->pMethods->xSync (REAL (f), flags);
}

static int
shim_file_size (sqlite3_file *f, sqlite3_int64 *size)
{
  return REAL (f)->pMethods->xFileSize (REAL (f), size);
}

static int
shim_lock (sqlite3_file *f, int level)
{
  return REAL (f)->pMethods->xLock (REAL (f), level);
}

static int
shim_unlock (sqlite3_file *f, int level)
{
  return REAL (f)->pMethods->xUnlock (REAL (f), level);
}

static int
shim_check_reserved_lock (sqlite3_file *f, int *out)
{
  return REAL (f)->pMethods->xCheckReservedLock (REAL (f), out);
}

static int
shim_file_control (sqlite3_file *f, int op, void *arg)
{
  return REAL (f)->pMethods->xFileControl (REAL (f), op, arg);
}

static int
shim_sector_size (sqlite3_file *f)
{
  return REAL (f)->pMethods->xSectorSize (REAL (f));
}

static int
shim_device_characteristics (sqlite3_file *f)
{
  return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f));
}

static int
shim_shm_map (sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
  return REAL (f)->pMethods->xShmMap (REAL (f), region, size, extend, out);
}

static int
shim_shm_lock (sqlite3_file *f, int offset, int n, int flags)
{
  return REAL (f)->pMethods->xShmLock (REAL (f), offset, n, flags);
}

static void
shim_shm_barrier (sqlite3_file *f)
{
  REAL (f)->pMethods->xShmBarrier (REAL (f));
}

static int
shim_shm_unmap (sqlite3_file *f, int delete_flag)
{
  return REAL (f)->pMethods->xShmUnmap (REAL (f), delete_flag);
}

static int
shim_open (sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out_flags)
{
  ShimFile *shim = (ShimFile *)f;
  int rc;

  shim->real = g_malloc0 (real_vfs->szOsFile);
  rc = real_vfs->xOpen (real_vfs, name, shim->real, flags, out_flags);
  if (shim->real->pMethods == NULL) {
    g_clear_pointer (&shim->real, g_free);
    shim->base.pMethods = NULL;
    return rc;
  }
  shim->base.pMethods = &shim_methods;
  return rc;
}

static void
install_shim_vfs (void)
{
  real_vfs = sqlite3_vfs_find (NULL);
  shim_vfs = *real_vfs;
  shim_vfs.zName = "foyer-test-shim";
  shim_vfs.szOsFile = sizeof (ShimFile);
  shim_vfs.xOpen = shim_open;
  shim_vfs.pNext = NULL;
  shim_methods = (sqlite3_io_methods) {
    2, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_file_size, shim_lock,
    shim_unlock, shim_check_reserved_lock, shim_file_control, shim_sector_size,
    shim_device_characteristics, shim_shm_map, shim_shm_lock, shim_shm_barrier, shim_shm_unmap,
    NULL, NULL
  };
  g_assert_cmpint (sqlite3_vfs_register (&shim_vfs, 1), ==, SQLITE_OK);
}

static void
test_io_error (void)
{
  g_autofree char *path = db_path ("ioerr");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autoptr(FoyerRegistration) reg = make_reg ("Unlucky", NULL, NULL, NULL);
  g_autofree char *before = NULL;

  g_assert_no_error (error);
  before = add (store, "Before", NULL, NULL, NULL);
  shim_fail_writes = TRUE;
  g_assert_false (foyer_store_add_registration (store, reg, NULL, &error));
  shim_fail_writes = FALSE;
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "registrations are not being saved"));
  g_assert_null (reg->id);
  g_clear_error (&error);

  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (foyer_store_count_registrations (store, NULL, &error), ==, 2);
}

static void
test_outbox_missing_record (void)
{
  g_autofree char *path = db_path ("missing");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);
  g_autofree char *gone = add (store, "Gone", NULL, "gone@example.com", NULL);
  g_autofree char *kept = add (store, "Kept", NULL, NULL, NULL);
  g_autofree char *sql = g_strdup_printf ("DELETE FROM contact_keys WHERE registration_id = '%s';"
                                          "DELETE FROM registrations WHERE id = '%s'", gone, gone);
  g_autoptr(JsonArray) batch = NULL;
  g_autoptr(GPtrArray) dead = NULL;

  exec_sql (path, sql);
  batch = foyer_store_outbox_take (store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (batch), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (batch, 0), "id"),
                   ==, kept);
  dead = foyer_store_outbox_list (store, FOYER_OUTBOX_DEAD, 0, &error);
  g_assert_cmpuint (dead->len, ==, 1);
  g_assert_cmpstr (((FoyerOutboxEntry *)g_ptr_array_index (dead, 0))->record_id, ==, gone);
  g_assert_nonnull (strstr (((FoyerOutboxEntry *)g_ptr_array_index (dead, 0))->last_error, "missing"));
}

static void
test_open_bad_folder (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("badfolder");
  g_autofree char *file = foyer_test_write_file (dir, "not-a-folder", "x");
  g_autofree char *path = g_build_filename (file, "sub", "foyer.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = foyer_store_open (path, &error);

  g_assert_null (store);
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY);
  g_assert_nonnull (strstr (error->message, "[storage] database"));
}

static void
test_readonly_old_schema (void)
{
  g_autofree char *path = db_path ("ro-old");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;

  build_old_database (path, 1);
  store = foyer_store_open_with_flags (path, FOYER_STORE_OPEN_READONLY, &error);
  g_assert_null (store);
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY);
  g_assert_nonnull (strstr (error->message, "older layout"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  install_shim_vfs ();

  g_test_add_func ("/store/open-modes", test_open_modes);
  g_test_add_func ("/store/existing-file-tightened", test_existing_file_tightened);
  g_test_add_func ("/store/add-and-get", test_add_and_get);
  g_test_add_func ("/store/invalid", test_invalid);
  g_test_add_func ("/store/badge-duplicate", test_badge_duplicate);
  g_test_add_func ("/store/possible-duplicate", test_possible_duplicate);
  g_test_add_func ("/store/record-added-signal", test_record_added_signal);
  g_test_add_func ("/store/check-in-badge", test_check_in_badge);
  g_test_add_func ("/store/import-preregistrations", test_import_preregistrations_update);
  g_test_add_func ("/store/leads", test_leads);
  g_test_add_func ("/store/outbox", test_outbox);
  g_test_add_func ("/store/outbox-in-flight-recovery", test_outbox_in_flight_recovery);
  g_test_add_func ("/store/record-print", test_record_print);
  g_test_add_func ("/store/purge", test_purge);
  g_test_add_func ("/store/purge-everything", test_purge_everything);
  g_test_add_func ("/store/purge-file-async", test_purge_file_async);
  g_test_add_func ("/store/stats", test_stats);
  g_test_add_func ("/store/record-json", test_record_json);
  g_test_add_func ("/store/migrations-from-every-version", test_migrations_from_every_version);
  g_test_add_func ("/store/migration-is-atomic", test_migration_is_atomic);
  g_test_add_func ("/store/newer-schema-refused", test_newer_schema_refused);
  g_test_add_func ("/store/error/corrupt-garbage", test_corrupt_garbage);
  g_test_add_func ("/store/error/corrupt-truncated", test_corrupt_truncated);
  g_test_add_func ("/store/error/corrupt-at-runtime", test_corrupt_at_runtime);
  g_test_add_func ("/store/error/locked", test_locked);
  g_test_add_func ("/store/error/readonly", test_readonly);
  g_test_add_func ("/store/open-race", test_open_race);
  g_test_add_func ("/store/error/full", test_full);
  g_test_add_func ("/store/error/io", test_io_error);
  g_test_add_func ("/store/error/bad-folder", test_open_bad_folder);
  g_test_add_func ("/store/error/readonly-old-schema", test_readonly_old_schema);
  g_test_add_func ("/store/outbox-missing-record", test_outbox_missing_record);

  return g_test_run ();
}
