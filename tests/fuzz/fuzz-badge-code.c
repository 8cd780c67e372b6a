/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-badge-code.c: libFuzzer target for Foyer's signed badge code: parsing and verifying
 * untrusted scans, and signing whatever event and record ids an organizer's data holds.
 *
 * Invariants besides the sanitizers: nothing random verifies; every parse result is UTF-8 and
 * within the documented bounds; whatever can be signed verifies, for its own event only, and
 * reads back the same event and short id.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "foyer-core.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static FoyerBadgeCode *code;
static char *verify_key_path;

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

static char *key_dir;

static void
remove_keys (void)
{
  g_autofree char *priv = g_build_filename (key_dir, "s.pem", NULL);

  g_unlink (priv);
  g_unlink (verify_key_path);
  g_rmdir (key_dir);
  g_clear_object (&code);
  g_free (verify_key_path);
  g_free (key_dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *priv = NULL;
  g_autoptr(GError) error = NULL;

  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  key_dir = g_dir_make_tmp ("foyer-fuzz-badge-XXXXXX", &error);
  g_assert_no_error (error);
  priv = g_build_filename (key_dir, "s.pem", NULL);
  verify_key_path = g_build_filename (key_dir, "v.pem", NULL);
  foyer_badge_code_generate_keys (priv, verify_key_path, &error);
  g_assert_no_error (error);
  code = foyer_badge_code_new (priv, verify_key_path, &error);
  g_assert_no_error (error);
  atexit (remove_keys);
  return 0;
}

static void
check_info (const FoyerBadgeCodeInfo *info)
{
  g_assert (info != NULL);
  g_assert (g_utf8_validate (info->event, -1, NULL) && *info->event != '\0');
  g_assert (g_utf8_validate (info->short_id, -1, NULL) && *info->short_id != '\0');
  g_assert (strlen (info->key_id) == FOYER_BADGE_CODE_KEY_ID_LEN);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  g_autoptr(FoyerBadgeCodeInfo) parsed = NULL;
  g_autofree char *text = g_strndup ((const char *)data, size);
  const char *split;

  /* 1. A scan: never valid (the fuzzer cannot forge Ed25519), always a clean reason. */
  if (foyer_badge_code_verify (code, (const char *)data, size, NULL, &info, &error))
    abort ();
  g_assert (error != NULL && error->domain == FOYER_BADGE_CODE_ERROR);
  if (info != NULL)
    check_info (info);
  g_clear_error (&error);

  parsed = foyer_badge_code_parse ((const char *)data, size, &error);
  g_assert ((parsed == NULL) == (error != NULL));
  if (parsed != NULL)
    check_info (parsed);
  g_clear_error (&error);

  /* The payload layer with a verify key: a Foyer badge that does not verify is INVALID. */
  {
    FoyerPayloadOptions options = { NULL, NULL, verify_key_path };
    g_autoptr(FoyerContact) contact = foyer_payload_parse (data, size, &options, &error);

    if (contact != NULL)
      g_assert (!contact->badge_verified);
    else
      g_assert (error != NULL && error->domain == FOYER_PAYLOAD_ERROR);
    g_clear_error (&error);
  }

  /* 2. Signing: the input split at its first newline into an event and a record id. */
  split = strchr (text, '\n');
  if (split != NULL) {
    g_autofree char *event = g_strndup (text, split - text);
    const char *record = split + 1;
    g_autofree char *payload = foyer_badge_code_sign (code, event, record, &error);

    if (payload == NULL) {
      g_assert (error != NULL && error->domain == FOYER_BADGE_CODE_ERROR);
    } else {
      g_autoptr(FoyerBadgeCodeInfo) back = NULL;
      g_autofree char *short_id = foyer_badge_code_short_id (record);

      g_assert (strlen (payload) <= FOYER_BADGE_CODE_MAX_LEN);
      for (const char *p = payload; *p; p++)
        g_assert (strchr ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *p) != NULL);
      if (!foyer_badge_code_verify (code, payload, -1, event, &back, &error)) {
        g_printerr ("signed code does not verify: %s\n", error->message);
        abort ();
      }
      g_assert (foyer_badge_code_event_matches (back->event, event));
      g_assert (g_ascii_strcasecmp (back->short_id, short_id) == 0);
      g_clear_pointer (&back, foyer_badge_code_info_free);
      /* another event: genuine but refused */
      if (!foyer_badge_code_event_matches (event, "fuzz-other-event")) {
        g_assert (!foyer_badge_code_verify (code, payload, -1, "fuzz-other-event", NULL, &error));
        g_assert (g_error_matches (error, FOYER_BADGE_CODE_ERROR,
                                   FOYER_BADGE_CODE_ERROR_OTHER_EVENT));
      }
    }
    g_clear_error (&error);
  }
  return 0;
}
