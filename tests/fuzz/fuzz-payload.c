/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-payload.c: libFuzzer target for everything a scanned code reaches: text decoding, the
 * format parsers, phone and e-mail normalization and the JSON form.
 *
 * Invariants checked besides the sanitizers: a parse either fails with a FOYER_PAYLOAD_ERROR or
 * yields a contact whose every string is valid UTF-8.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foyer-core.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_string (const char *s)
{
  if (s != NULL && !g_utf8_validate (s, -1, NULL)) {
    g_printerr ("contact string is not UTF-8\n");
    abort ();
  }
}

static void
check_strv (char **v)
{
  for (guint i = 0; v != NULL && v[i] != NULL; i++)
    check_string (v[i]);
}

static void
check_contact (const FoyerContact *c)
{
  g_autoptr(FoyerContact) copy = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  g_assert (c->format != NULL);
  g_assert (c->text != NULL);
  check_string (c->format);
  check_string (c->full_name);
  check_string (c->family_name);
  check_string (c->given_name);
  check_string (c->organization);
  check_strv (c->org_units);
  check_string (c->title);
  check_strv (c->emails);
  check_strv (c->phones);
  check_strv (c->urls);
  check_string (c->address);
  check_string (c->note);
  check_string (c->badge_code);
  check_string (c->text);
  check_strv (c->warnings);
  check_strv (c->phones_unverified);
  /* E.164 (16 bytes with the +) and an optional ";ext=" of up to 10 digits, or a number kept
   * as written and listed as unverified */
  for (guint i = 0; c->phones != NULL && c->phones[i] != NULL; i++) {
    const char *ext = strstr (c->phones[i], ";ext=");
    gsize main_len = ext != NULL ? (gsize) (ext - c->phones[i]) : strlen (c->phones[i]);

    g_assert ((c->phones[i][0] == '+' && main_len <= 16 &&
               (ext == NULL || strlen (ext) <= strlen (";ext=") + 10)) ||
              (c->phones_unverified != NULL &&
               g_strv_contains ((const char * const *) c->phones_unverified, c->phones[i])));
  }
  for (guint i = 0; c->phones_unverified != NULL && c->phones_unverified[i] != NULL; i++)
    g_assert (c->phones != NULL &&
              g_strv_contains ((const char * const *) c->phones, c->phones_unverified[i]));

  copy = foyer_contact_copy (c);
  json = foyer_contact_to_json (copy);
  node = json_node_init_object (json_node_alloc (), json);
  text = json_to_string (node, FALSE);
  g_assert (text != NULL);
}

static void
parse_once (const uint8_t             *data,
            size_t                     size,
            const FoyerPayloadOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerContact) contact = foyer_payload_parse (data, size, options, &error);

  if (contact == NULL) {
    g_assert (error != NULL && error->domain == FOYER_PAYLOAD_ERROR);
    return;
  }
  g_assert (error == NULL);
  check_contact (contact);
}

/* GLib traps (SIGTRAP) on fatal messages, which libFuzzer does not catch: abort instead so the
 * crashing input is saved. A critical (failed precondition) or warning is a bug here. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
    g_log_writer_standard_streams (level, fields, n_fields, user_data);
    abort ();
  }
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* A verify key that cannot be read: the unverified Foyer-badge path. */
  static const FoyerPayloadOptions with_pattern = { "US", "^[A-Z]{2}[0-9]{4,8}$",
                                                    "/nonexistent/foyer-badge-verify.pem" };
  g_autofree char *string = NULL;
  g_autofree char *text = NULL;
  g_autofree char *encoding = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *email = NULL;
  g_autoptr(GError) error = NULL;
  FoyerTextFlags flags;

  parse_once (data, size, NULL);
  parse_once (data, size, &with_pattern);

  text = foyer_payload_decode_text (data, size, &encoding, &flags, &error);
  g_assert ((text == NULL) == (error != NULL));
  if (text != NULL)
    g_assert (g_utf8_validate (text, -1, NULL) && encoding != NULL);

  /* The normalizers are public API too; they must refuse what is not UTF-8 text. */
  if (size <= FOYER_PAYLOAD_MAX_BYTES) {
    string = g_strndup ((const char *) data, size);
    phone = foyer_phone_normalize (string, size > 0 && data[0] < 'M' ? "CN" : "DE");
    email = foyer_email_normalize (string);
    check_string (phone);
    check_string (email);
  }
  return 0;
}
