/* test-payload.c: raw QR bytes → text → contact: every decoding, format and normalization rule,
 * the shared card corpus, and regressions found by fuzzing. */
#include "config.h"

#include <string.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

/* ---- helpers ---- */

static FoyerContact *
parse_full (const char *data,
            gsize       len,
            const char *region,
            const char *pattern)
{
  FoyerPayloadOptions options = { region, pattern, NULL };
  g_autoptr(GError) error = NULL;
  FoyerContact *contact;

  contact = foyer_payload_parse ((const guint8 *) data, len, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (contact);
  return contact;
}

static FoyerContact *
parse (const char *text)
{
  return parse_full (text, strlen (text), NULL, NULL);
}

/* Converts UTF-8 test text to a legacy charset, as a card generator would have written it. */
static GBytes *
encode (const char *utf8,
        const char *charset)
{
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  char *out = g_convert (utf8, -1, charset, "UTF-8", NULL, &written, &error);

  g_assert_no_error (error);
  return g_bytes_new_take (out, written);
}

static void
assert_strv (char *const *actual,
             const char  *first,
             ...)
{
  va_list args;
  const char *expected = first;
  guint i = 0;

  va_start (args, first);
  for (; expected != NULL; expected = va_arg (args, const char *), i++) {
    g_assert_nonnull (actual);
    g_assert_cmpstr (actual[i], ==, expected);
  }
  va_end (args);
  if (actual != NULL)
    g_assert_null (actual[i]);
}

static gboolean
has_warning_containing (const FoyerContact *c,
                        const char         *needle)
{
  for (guint i = 0; c->warnings != NULL && c->warnings[i] != NULL; i++)
    if (strstr (c->warnings[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* ---- the shared corpus ---- */

static void
test_corpus (void)
{
  const char *shared = foyer_test_shared_dir ();
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint passed = 0;

  if (shared == NULL) {
    g_test_skip ("../shared (FOYER_SHARED_DIR) not found");
    return;
  }
  dir_path = g_build_filename (shared, "corpus", "cards", NULL);
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *stem = NULL;
    g_autofree char *payload_path = NULL;
    g_autofree char *json_path = NULL;
    g_autofree char *payload = NULL;
    gsize payload_len = 0;
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(FoyerContact) contact = NULL;
    g_autoptr(JsonObject) actual = NULL;
    JsonObject *expected;
    FoyerPayloadOptions options = { NULL, NULL, NULL };
    g_autoptr(GList) members = NULL;

    if (!g_str_has_suffix (name, ".payload"))
      continue;
    stem = g_strndup (name, strlen (name) - strlen (".payload"));
    payload_path = g_build_filename (dir_path, name, NULL);
    json_path = g_strconcat (dir_path, G_DIR_SEPARATOR_S, stem, ".json", NULL);
    g_test_message ("card %s", stem);

    g_assert_true (g_file_get_contents (payload_path, &payload, &payload_len, NULL));
    json_parser_load_from_file (parser, json_path, &error);
    g_assert_no_error (error);
    expected = json_node_get_object (json_parser_get_root (parser));
    if (json_object_has_member (expected, "default_region"))
      options.default_region = json_object_get_string_member (expected, "default_region");

    contact = foyer_payload_parse ((const guint8 *) payload, payload_len, &options, &error);
    g_assert_no_error (error);
    actual = foyer_contact_to_json (contact);

    /* Every expected key has exactly the expected value … */
    members = json_object_get_members (expected);
    for (GList *l = members; l != NULL; l = l->next) {
      JsonNode *want = json_object_get_member (expected, l->data);
      JsonNode *got = json_object_get_member (actual, l->data);
      g_autofree char *want_s = json_to_string (want, FALSE);
      g_autofree char *got_s = got != NULL ? json_to_string (got, FALSE) : g_strdup ("(absent)");

      if (got == NULL || !json_node_equal (want, got))
        g_error ("%s: key %s: expected %s, got %s", stem, (char *) l->data, want_s, got_s);
    }
    g_clear_pointer (&members, g_list_free);

    /* … and nothing else is set but warnings. */
    members = json_object_get_members (actual);
    for (GList *l = members; l != NULL; l = l->next) {
      if (strcmp (l->data, "warnings") == 0)
        continue;
      if (!json_object_has_member (expected, l->data)) {
        g_autofree char *got_s = json_to_string (json_object_get_member (actual, l->data), FALSE);

        g_error ("%s: unexpected key %s = %s", stem, (char *) l->data, got_s);
      }
    }
    passed++;
  }
  g_test_message ("%u corpus cards passed", passed);
  g_assert_cmpuint (passed, >=, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/payload/corpus", test_corpus);

  return g_test_run ();
}
