/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-badge.c: Foyer's signed badge code, and badges rendered to PDF and PNG and read back. */
#include "config.h"

#include <sys/stat.h>
#include <glib/gstdio.h>
#include <cairo.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "foyer-core.h"
#include "foyer-test-util.h"
#include "badge-test-util.h"

#define EVENT     "expo-2026"
#define RECORD_ID "3f2a9c1b-7d40-4e5f-9a8b-0c1d2e3f4a5b"

typedef struct {
  char *dir;
  char *private_path;
  char *public_path;
  char *other_private_path;
  char *other_public_path;
} Keys;

static Keys keys;

/* One key pair (and a second, "another event's") for the whole run: keygen is tested once. */
static void
ensure_keys (void)
{
  g_autoptr(GError) error = NULL;

  if (keys.dir != NULL)
    return;
  keys.dir = foyer_test_make_tmpdir ("badge-keys");
  keys.private_path = g_build_filename (keys.dir, "signing.pem", NULL);
  keys.public_path = g_build_filename (keys.dir, "verify.pem", NULL);
  keys.other_private_path = g_build_filename (keys.dir, "other-signing.pem", NULL);
  keys.other_public_path = g_build_filename (keys.dir, "other-verify.pem", NULL);
  foyer_badge_code_generate_keys (keys.private_path, keys.public_path, &error);
  g_assert_no_error (error);
  foyer_badge_code_generate_keys (keys.other_private_path, keys.other_public_path, &error);
  g_assert_no_error (error);
}

static FoyerBadgeCode *
signer (void)
{
  g_autoptr(GError) error = NULL;
  FoyerBadgeCode *code;

  ensure_keys ();
  code = foyer_badge_code_new (keys.private_path, keys.public_path, &error);
  g_assert_no_error (error);
  return code;
}

static FoyerBadgeCode *
verifier (void)
{
  g_autoptr(GError) error = NULL;
  FoyerBadgeCode *code;

  ensure_keys ();
  code = foyer_badge_code_new (NULL, keys.public_path, &error);
  g_assert_no_error (error);
  g_assert_false (foyer_badge_code_can_sign (code));
  g_assert_true (foyer_badge_code_can_verify (code));
  return code;
}

static char *
sign (const char *event, const char *record_id)
{
  g_autoptr(FoyerBadgeCode) code = signer ();
  g_autoptr(GError) error = NULL;
  char *payload = foyer_badge_code_sign (code, event, record_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (payload);
  return payload;
}

/* Verifies with the public key only and returns the error code (0 when valid). */
static FoyerBadgeCode *shared_verifier;

static int
verify_code (const char *payload, const char *expected_event)
{
  /* One verifier for all the checks: loading keys per call makes the sanitizer run slow. */
  FoyerBadgeCode *code = shared_verifier != NULL ? shared_verifier
                                                 : (shared_verifier = verifier ());
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  gboolean ok = foyer_badge_code_verify (code, payload, -1, expected_event, &info, &error);

  if (ok) {
    g_assert_no_error (error);
    return 0;
  }
  g_assert_nonnull (error);
  g_assert_true (error->domain == FOYER_BADGE_CODE_ERROR);
  g_assert_nonnull (error->message);
  return error->code;
}

static void
test_keygen (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("keygen");
  g_autofree char *priv = g_build_filename (dir, "k.pem", NULL);
  g_autofree char *pub = g_build_filename (dir, "k.pub.pem", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (foyer_badge_code_generate_keys (priv, pub, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (priv, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (pub, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  g_assert_true (g_file_get_contents (priv, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "-----BEGIN PRIVATE KEY-----"));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (pub, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "-----BEGIN PUBLIC KEY-----"));

  /* Never overwrites a key: that would invalidate every badge already printed. */
  g_assert_false (foyer_badge_code_generate_keys (priv, pub, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
}

static void
test_foyerctl_keygen (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("ctl-keygen");
  g_autofree char *out_dir = g_build_filename (dir, "keys", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerBadgeCode) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  const char *argv[] = { "badge-keygen", "--output-dir", out_dir, NULL };

  g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
  expected = g_strdup_printf ("[badge]\nsigning-key=%s/badge-signing.pem\n"
                              "verify-key=%s/badge-verify.pem\n", out_dir, out_dir);
  g_assert_cmpstr (out, ==, expected);

  /* The printed lines are a working configuration. */
  config = foyer_config_load_from_data (out, "keygen output", &error);
  g_assert_no_error (error);
  code = foyer_badge_code_new_from_config (config, &error);
  g_assert_no_error (error);
  g_assert_true (foyer_badge_code_can_sign (code));
  payload = foyer_badge_code_sign (code, EVENT, RECORD_ID, &error);
  g_assert_no_error (error);
  g_assert_true (foyer_badge_code_verify (code, payload, -1, EVENT, NULL, &error));

  /* A second run refuses to replace the keys. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
}

/* Record ids are UUIDv7: version, variant, creation time first (ids sort by it), random after;
 * a v7 id's short id is its random tail, so two records made in the same millisecond at two
 * gates do not share one. A v4 id keeps its first 12 digits (codes already printed). */
static void
test_record_ids (void)
{
  gint64 before = g_get_real_time () / 1000;
  g_autofree char *first = foyer_record_id_new ();
  g_autofree char *second = NULL;
  g_autofree char *same_ms = foyer_record_id_new ();
  g_autofree char *hex = NULL;
  g_autofree char *short_first = NULL, *short_same_ms = NULL, *short_v4 = NULL;
  gint64 stamp;

  g_assert_true (g_uuid_string_is_valid (first));
  g_assert_cmpint (first[14], ==, '7');
  g_assert_nonnull (strchr ("89ab", first[19]));
  hex = g_strdup_printf ("%.8s%.4s", first, first + 9);
  stamp = g_ascii_strtoll (hex, NULL, 16);
  g_assert_cmpint (stamp, >=, before);
  g_assert_cmpint (stamp, <=, g_get_real_time () / 1000);
  g_usleep (2000);
  second = foyer_record_id_new ();
  g_assert_cmpstr (first, <, second);
  g_assert_cmpstr (first, !=, same_ms);

  short_first = foyer_badge_code_short_id (first);
  short_same_ms = foyer_badge_code_short_id (same_ms);
  g_assert_cmpuint (strlen (short_first), ==, 12);
  {
    g_autofree char *tail = g_ascii_strup (first + 24, -1);
    g_assert_cmpstr (short_first, ==, tail);
  }
  g_assert_cmpstr (short_first, !=, short_same_ms);
  short_v4 = foyer_badge_code_short_id (RECORD_ID);
  g_assert_cmpstr (short_v4, ==, "3F2A9C1B7D40");
}

static void
test_valid (void)
{
  g_autofree char *payload = sign (EVENT, RECORD_ID);
  g_autoptr(FoyerBadgeCode) code = verifier ();
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lower = NULL;

  g_test_message ("payload: %s (%zu characters)", payload, strlen (payload));
  g_assert_true (g_str_has_prefix (payload, "FY1:EXPO-2026:3F2A9C1B7D40:"));
  g_assert_cmpuint (strlen (payload), <=, FOYER_BADGE_CODE_MAX_LEN);
  g_assert_cmpuint (strlen (payload), ==, strlen ("FY1:EXPO-2026:3F2A9C1B7D40:") + 4 + 1 + 103);
  /* Every character fits QR alphanumeric mode. */
  for (const char *p = payload; *p; p++)
    g_assert_nonnull (strchr ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *p));

  g_assert_true (foyer_badge_code_verify (code, payload, -1, EVENT, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info->event, ==, "EXPO-2026");
  g_assert_cmpstr (info->short_id, ==, "3F2A9C1B7D40");
  g_assert_cmpstr (info->key_id, ==, foyer_badge_code_get_key_id (code));
  g_assert_true (foyer_badge_code_event_matches (info->event, EVENT));

  /* Signing is deterministic (Ed25519), and any event check may be skipped. */
  {
    g_autofree char *again = sign (EVENT, RECORD_ID);
    g_assert_cmpstr (again, ==, payload);
  }
  g_assert_cmpint (verify_code (payload, NULL), ==, 0);
  /* A scanner that lower-cases (keyboard-wedge caps lock) still yields a valid badge; so does a
   * trailing line end. */
  lower = g_ascii_strdown (payload, -1);
  g_assert_cmpint (verify_code (lower, EVENT), ==, 0);
  {
    g_autofree char *crlf = g_strconcat (payload, "\r\n", NULL);
    g_assert_cmpint (verify_code (crlf, EVENT), ==, 0);
  }
}

static void
test_one_character_changed (void)
{
  g_autofree char *payload = sign (EVENT, RECORD_ID);
  gsize len = strlen (payload);
  const char *sig = strrchr (payload, ':') + 1;
  gsize sig_start = sig - payload;

  /* Every single-character change anywhere in the code is rejected. */
  for (gsize i = 0; i < len; i++) {
    g_autofree char *altered = g_strdup (payload);
    int code;

    /* A different character of the same class, so the code stays well-formed when it can. */
    if (g_ascii_isdigit (altered[i]))
      altered[i] = altered[i] == '7' ? '2' : '7';
    else if (g_ascii_isupper (altered[i]))
      altered[i] = altered[i] == 'Q' ? 'R' : 'Q';
    else
      altered[i] = altered[i] == '-' ? '.' : '-';

    code = verify_code (altered, EVENT);
    g_assert_cmpint (code, !=, 0);
    if (payload[i] != ':' && (i >= sig_start || (i >= 4 && i < sig_start - 6)))
      /* event, record id or signature: the signature no longer matches */
      g_assert_cmpint (code, ==, FOYER_BADGE_CODE_ERROR_ALTERED);
  }

  /* The record id changed by one character: altered. */
  {
    g_autofree char *altered = g_strdup (payload);
    char *id = strstr (altered, "3F2A9C1B7D40");
    id[11] = '1';
    g_assert_cmpint (verify_code (altered, EVENT), ==, FOYER_BADGE_CODE_ERROR_ALTERED);
  }
  /* Only the last character's padding bits changed (103 characters carry 515 bits for 512):
   * still rejected, so that every signature has exactly one spelling. */
  {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    g_autofree char *altered = g_strdup (payload);
    char *last = altered + len - 1;
    int value = strchr (alphabet, *last) - alphabet;

    *last = alphabet[value ^ 1];
    g_assert_cmpint (verify_code (altered, EVENT), ==, FOYER_BADGE_CODE_ERROR_ALTERED);
  }
}

static void
test_other_key (void)
{
  g_autoptr(FoyerBadgeCode) other = NULL;
  g_autoptr(FoyerBadgeCode) mine = verifier ();
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *forged = NULL;

  ensure_keys ();
  other = foyer_badge_code_new (keys.other_private_path, NULL, &error);
  g_assert_no_error (error);
  payload = foyer_badge_code_sign (other, EVENT, RECORD_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verify_code (payload, EVENT), ==, FOYER_BADGE_CODE_ERROR_OTHER_KEY);

  /* A forger who copies this event's key id still fails: the signature is checked. */
  forged = g_strdup (payload);
  memcpy (strstr (forged, foyer_badge_code_get_key_id (other)),
          foyer_badge_code_get_key_id (mine), FOYER_BADGE_CODE_KEY_ID_LEN);
  g_assert_cmpint (verify_code (forged, EVENT), ==, FOYER_BADGE_CODE_ERROR_ALTERED);

  /* A signing key and a verify key that are not a pair are a configuration error. */
  g_clear_object (&other);
  other = foyer_badge_code_new (keys.other_private_path, keys.public_path, &error);
  g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY);
  g_assert_null (other);
}

static void
test_truncated (void)
{
  g_autofree char *payload = sign (EVENT, RECORD_ID);
  gsize len = strlen (payload);

  /* The last character, or half the signature, missing: truncated. */
  for (gsize cut = 1; cut <= 60; cut += 59) {
    g_autofree char *truncated = g_strndup (payload, len - cut);
    g_assert_cmpint (verify_code (truncated, EVENT), ==, FOYER_BADGE_CODE_ERROR_TRUNCATED);
  }
  /* Every other prefix is rejected too (never accepted, never a crash). */
  for (gsize n = 0; n < len; n++) {
    g_autofree char *prefix = g_strndup (payload, n);
    g_assert_cmpint (verify_code (prefix, EVENT), !=, 0);
  }
  /* Extra characters at the end are not a valid code either. */
  {
    g_autofree char *longer = g_strconcat (payload, "A", NULL);
    g_assert_cmpint (verify_code (longer, EVENT), ==, FOYER_BADGE_CODE_ERROR_MALFORMED);
  }
}

static void
test_other_event (void)
{
  g_autofree char *payload = sign ("other-show-2026", RECORD_ID);
  g_autofree char *moved = NULL;

  g_assert_cmpint (verify_code (payload, EVENT), ==, FOYER_BADGE_CODE_ERROR_OTHER_EVENT);
  g_assert_cmpint (verify_code (payload, "OTHER-SHOW-2026"), ==, 0);

  /* Editing a genuine badge's event to this one breaks the signature: the event is signed. */
  moved = g_strdup (payload);
  {
    g_autofree char *mine = sign (EVENT, RECORD_ID);
    g_autofree char *tail = g_strdup (strstr (payload, ":3F2A9C1B7D40:"));
    g_free (moved);
    moved = g_strconcat ("FY1:EXPO-2026", tail, NULL);
    g_assert_cmpstr (moved, !=, mine);
  }
  g_assert_cmpint (verify_code (moved, EVENT), ==, FOYER_BADGE_CODE_ERROR_ALTERED);
}

static void
test_not_foyer (void)
{
  g_autoptr(FoyerBadgeCode) code = verifier ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  g_autofree char *payload = sign (EVENT, RECORD_ID);
  g_autofree char *v2 = NULL;

  g_assert_cmpint (verify_code ("EXPO-123456", EVENT), ==, FOYER_BADGE_CODE_ERROR_NOT_FOYER);
  g_assert_cmpint (verify_code ("BEGIN:VCARD", EVENT), ==, FOYER_BADGE_CODE_ERROR_NOT_FOYER);
  g_assert_cmpint (verify_code ("", EVENT), ==, FOYER_BADGE_CODE_ERROR_NOT_FOYER);
  g_assert_false (foyer_badge_code_looks_like ("FYI: hello", -1));
  g_assert_true (foyer_badge_code_looks_like ("fy1:", -1));
  g_assert_true (foyer_badge_code_looks_like (payload, -1));

  v2 = g_strdup (payload);
  v2[2] = '2';
  g_assert_cmpint (verify_code (v2, EVENT), ==, FOYER_BADGE_CODE_ERROR_VERSION);

  /* Parsing alone reads the fields without a key. */
  info = foyer_badge_code_parse (payload, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->short_id, ==, "3F2A9C1B7D40");

  /* An embedded NUL is not hidden behind the C string end. */
  {
    g_autofree char *with_nul = g_strdup (payload);
    with_nul[20] = '\0';
    g_assert_false (foyer_badge_code_verify (code, with_nul, strlen (payload), EVENT, NULL,
                                             &error));
    g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_MALFORMED);
  }
}

static void
test_event_encoding (void)
{
  /* An event id outside the plain character set is percent-encoded and still signed. */
  g_autofree char *payload = sign ("广交会 2026_秋", "pre_reg-00042");
  g_autoptr(FoyerBadgeCode) code = verifier ();
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *too_long = NULL;

  g_test_message ("payload: %s", payload);
  for (const char *p = payload; *p; p++)
    g_assert_nonnull (strchr ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *p));
  g_assert_true (foyer_badge_code_verify (code, payload, -1, "广交会 2026_秋", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info->event, ==, "广交会 2026_秋");
  g_assert_cmpstr (info->short_id, ==, "PRE_REG-00042");

  /* A control character (found by fuzz-badge-code): refused when signing, since no reader would
   * accept the code. */
  {
    g_autoptr(FoyerBadgeCode) s = signer ();
    g_autofree char *p = foyer_badge_code_sign (s, EVENT, "3f2a9c1b-7d4\b", &error);
    g_assert_null (p);
    g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }

  /* Too long to fit: a clear error, not a silently cut event. */
  too_long = g_strnfill (80, 'x');
  {
    g_autoptr(FoyerBadgeCode) s = signer ();
    g_autofree char *p = foyer_badge_code_sign (s, too_long, RECORD_ID, &error);
    g_assert_null (p);
    g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_key_errors (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("badkeys");
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_autofree char *garbage = foyer_test_write_file (dir, "garbage.pem", "not a key\n");
  g_autofree char *ec_path = g_build_filename (dir, "ec.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerBadgeCode) code = NULL;
  EVP_PKEY *ec;
  FILE *f;

  code = foyer_badge_code_new (missing, NULL, &error);
  g_assert_null (code);
  g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY);
  g_clear_error (&error);

  code = foyer_badge_code_new (NULL, garbage, &error);
  g_assert_null (code);
  g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY);
  g_clear_error (&error);

  ec = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  g_assert_nonnull (ec);
  f = fopen (ec_path, "w");
  g_assert_nonnull (f);
  PEM_write_PrivateKey (f, ec, NULL, NULL, 0, NULL, NULL);
  fclose (f);
  EVP_PKEY_free (ec);
  g_assert_cmpint (g_chmod (ec_path, 0600), ==, 0);
  code = foyer_badge_code_new (ec_path, NULL, &error);
  g_assert_null (code);
  g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "Ed25519"));
  g_clear_error (&error);

  /* A signing key other users can read is refused, naming the chmod to run. */
  {
    g_autofree char *priv = g_build_filename (dir, "loose.pem", NULL);
    g_autofree char *pub = g_build_filename (dir, "loose.pub.pem", NULL);
    g_autofree char *hint = g_strdup_printf ("chmod 600 %s", priv);

    g_assert_true (foyer_badge_code_generate_keys (priv, pub, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_chmod (priv, 0644), ==, 0);
    code = foyer_badge_code_new (priv, NULL, &error);
    g_assert_null (code);
    g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY);
    g_assert_nonnull (strstr (error->message, hint));
    g_clear_error (&error);
    /* the public half stays world-readable and verifies */
    code = foyer_badge_code_new (NULL, pub, &error);
    g_assert_no_error (error);
    g_assert_nonnull (code);
    g_clear_object (&code);
  }

  /* No keys: cannot sign, cannot verify, says so. */
  code = foyer_badge_code_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (foyer_badge_code_sign (code, EVENT, RECORD_ID, &error));
  g_assert_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_NO_KEY);
}

/* --- the payload layer recognises and verifies Foyer badges --- */

static FoyerContact *
parse_payload (const char *text, const char *verify_key_path, GError **error)
{
  FoyerPayloadOptions options = { NULL, NULL, verify_key_path };

  return foyer_payload_parse ((const guint8 *)text, strlen (text), &options, error);
}

static void
test_payload_integration (void)
{
  g_autofree char *payload = sign (EVENT, RECORD_ID);
  g_autoptr(FoyerContact) contact = NULL;
  g_autoptr(GError) error = NULL;

  ensure_keys ();
  contact = parse_payload (payload, keys.public_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contact->format, ==, FOYER_FORMAT_FOYER_BADGE);
  g_assert_cmpstr (contact->badge_code, ==, payload);
  g_assert_true (contact->badge_verified);
  g_assert_cmpstr (contact->badge_event, ==, "EXPO-2026");
  g_assert_cmpstr (contact->badge_record, ==, "3F2A9C1B7D40");
  g_clear_pointer (&contact, foyer_contact_free);

  /* A scanner's line end and lower case: same canonical badge code. */
  {
    g_autofree char *lower = g_ascii_strdown (payload, -1);
    g_autofree char *scanned = g_strconcat (lower, "\r\n", NULL);
    contact = parse_payload (scanned, keys.public_path, &error);
    g_assert_no_error (error);
    g_assert_true (contact->badge_verified);
    g_assert_cmpstr (contact->badge_code, ==, payload);
    g_clear_pointer (&contact, foyer_contact_free);
  }

  /* Altered, other key, truncated: invalid, with the reason. */
  {
    g_autofree char *altered = g_strdup (payload);
    strstr (altered, "3F2A")[0] = '4';
    contact = parse_payload (altered, keys.public_path, &error);
    g_assert_null (contact);
    g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "altered"));
    g_clear_error (&error);

    contact = parse_payload (payload, keys.other_public_path, &error);
    g_assert_null (contact);
    g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "another key"));
    g_clear_error (&error);

    altered[strlen (altered) - 5] = '\0';
    contact = parse_payload (altered, keys.public_path, &error);
    g_assert_null (contact);
    g_assert_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "truncated"));
    g_clear_error (&error);
  }

  /* Without a verify key: read, but not verified, and a warning says why. */
  contact = parse_payload (payload, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contact->format, ==, FOYER_FORMAT_FOYER_BADGE);
  g_assert_false (contact->badge_verified);
  g_assert_nonnull (contact->warnings);
  g_assert_nonnull (strstr (contact->warnings[0], "verify key"));
  g_clear_pointer (&contact, foyer_contact_free);

  /* Other codes are not touched by the badge check. */
  contact = parse_payload ("EXPO-123456", keys.public_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contact->format, ==, FOYER_FORMAT_BADGE);
}

/* A walk-in prepared with its signed code: scanning the printed badge finds the same record. */
static void
test_prepare_registration (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("prepare");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
  g_autoptr(FoyerRegistration) found = NULL;
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autoptr(FoyerRegistration) added = NULL;
  g_autoptr(FoyerContact) contact = NULL;
  g_autoptr(FoyerBadgeCode) code = signer ();
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *scanned = NULL;

  store = foyer_store_open (db, &error);
  g_assert_no_error (error);
  reg->event = g_strdup (EVENT);
  reg->kiosk_id = g_strdup ("entrance-01");
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->full_name = g_strdup ("张伟");
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  g_assert_true (foyer_badge_code_prepare_registration (code, reg, &error));
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (reg->id));
  g_assert_true (foyer_badge_code_looks_like (reg->badge_code, -1));
  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);

  /* The badge printed for it carries exactly that code. */
  payload = foyer_badge_payload_for_registration (reg, code, NULL, &error);
  g_assert_cmpstr (payload, ==, reg->badge_code);

  /* Scanned back (a lower-casing scanner, even): verified, and the store finds the record. */
  scanned = g_ascii_strdown (payload, -1);
  contact = parse_payload (scanned, keys.public_path, &error);
  g_assert_no_error (error);
  g_assert_true (contact->badge_verified);
  found = foyer_store_find_by_badge (store, EVENT, contact->badge_code, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->id, ==, reg->id);
  g_assert_true (foyer_store_check_in_badge (store, EVENT, "entrance-02", contact->badge_code,
                                             NULL, &added, &existing, &error));
  g_assert_no_error (error);
  g_assert_null (added);
  g_assert_nonnull (existing);
  g_assert_cmpstr (existing->id, ==, reg->id);
}

/* --- rendering --- */

static FoyerRegistration
make_reg (const char *name, const char *org, const char *category)
{
  FoyerRegistration reg = { 0 };

  reg.id = (char *)RECORD_ID;
  reg.event = (char *)EVENT;
  reg.kind = (char *)FOYER_KIND_WALK_IN;
  reg.category = (char *)category;
  reg.full_name = (char *)name;
  reg.organization = (char *)org;
  return reg;
}

/* Renders reg to PDF and PNG, reads the QR code back from the PNG, checks it verifies, and
 * checks that pdftotext finds the name and organization. */
static void
render_and_check (FoyerBadgeMedia media, const char *name, const char *org, const char *category)
{
  FoyerRegistration reg = make_reg (name, org, category);
  g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new (media);
  g_autoptr(FoyerBadgeCode) code = signer ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = foyer_test_make_tmpdir ("render");
  g_autofree char *pdf = g_build_filename (dir, "badge.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "badge.png", NULL);
  g_autofree char *payload = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squeezed = NULL;
  g_autofree char *name_squeezed = badge_test_squeeze (name);
  GStatBuf st;

  foyer_badge_renderer_set_event_name (renderer, "2026 广州国际贸易博览会 Canton Expo");
  payload = foyer_badge_payload_for_registration (&reg, code, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (foyer_badge_code_looks_like (payload, -1));

  g_assert_true (foyer_badge_renderer_render_to_file (renderer, &reg, payload, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (foyer_badge_renderer_render_to_file (renderer, &reg, payload, png, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  decoded = badge_test_decode_png (png);
  g_assert_cmpstr (decoded, ==, payload);
  g_assert_cmpint (verify_code (decoded, EVENT), ==, 0);

  text = badge_test_pdf_text (pdf);
  squeezed = badge_test_squeeze (text);
  g_test_message ("pdftotext: %s", text);
  g_assert_nonnull (strstr (squeezed, name_squeezed));
  /* Shrunk, not ellipsized (pdftotext cannot tell: an ellipsis keeps the text it replaces). */
  {
    FoyerBadgeTextFit fit;

    g_assert_true (foyer_badge_renderer_measure_text (renderer, &reg, payload, &fit, &error));
    g_assert_no_error (error);
    g_test_message ("%s: name at %.1f mm on %d line(s)", foyer_badge_media_to_string (media),
                    fit.name_size_mm, fit.name_lines);
    g_assert_false (fit.name_ellipsized);
    g_assert_false (fit.organization_ellipsized);
    g_assert_cmpfloat (fit.name_size_mm, >=, 3.0);
    if (g_utf8_strlen (name, -1) <= 4)
      g_assert_cmpint (fit.name_lines, ==, 1);   /* a short CJK name: one big line */
  }
  if (org != NULL) {
    g_autofree char *org_squeezed = badge_test_squeeze (org);
    g_assert_nonnull (strstr (squeezed, org_squeezed));
  }
  if (category != NULL) {
    g_autofree char *label = g_utf8_strup (foyer_badge_category_label (category), -1);
    g_autofree char *label_squeezed = badge_test_squeeze (label);
    g_assert_nonnull (strstr (squeezed, label_squeezed));
  }
}

static void
test_render_cjk (void)
{
  render_and_check (FOYER_BADGE_MEDIA_LABEL_100X70, "张伟", "上海会展服务有限公司",
                    FOYER_CATEGORY_TRADE_VISITOR);
}

static void
test_render_long_latin (void)
{
  render_and_check (FOYER_BADGE_MEDIA_LABEL_100X70,
                    "Maximilian Alexander Konstantin von Hohenzollern-Sigmaringen",
                    "Internationale Messe- und Ausstellungsgesellschaft mbH", FOYER_CATEGORY_VIP);
}

static void
test_render_media (void)
{
  render_and_check (FOYER_BADGE_MEDIA_A6, "Maximilian Alexander Konstantin von Hohenzollern-Sigmaringen",
                    "上海会展服务有限公司", FOYER_CATEGORY_MEDIA);
  render_and_check (FOYER_BADGE_MEDIA_4X3IN, "欧阳娜娜", NULL, FOYER_CATEGORY_EXHIBITOR);
}

static void
test_render_ellipsize_last_resort (void)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_LABEL_100X70);
  g_autoptr(GError) error = NULL;
  FoyerRegistration reg;
  FoyerBadgeTextFit fit;

  for (int i = 0; i < 12; i++)
    g_string_append (name, "Wolfeschlegelsteinhausenbergerdorff ");
  reg = make_reg (name->str, NULL, NULL);
  g_assert_true (foyer_badge_renderer_measure_text (renderer, &reg, RECORD_ID, &fit, &error));
  g_assert_no_error (error);
  g_assert_true (fit.name_ellipsized);
  g_assert_cmpint (fit.name_lines, <=, 3);
}

/* Reads a PNG pixel: TRUE when dark. */
static gboolean
dark_at (cairo_surface_t *s, int x, int y)
{
  unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  guint32 px = *(guint32 *)(data + y * stride + x * 4);

  return ((px >> 8) & 0xff) < 128;
}

static void
test_qr_geometry (void)
{
  g_autofree char *payload = sign (EVENT, RECORD_ID);
  FoyerRegistration reg = make_reg ("张伟", "上海会展服务有限公司", FOYER_CATEGORY_PUBLIC);
  g_autofree char *dir = foyer_test_make_tmpdir ("geometry");

  for (FoyerBadgeMedia media = FOYER_BADGE_MEDIA_LABEL_100X70; media <= FOYER_BADGE_MEDIA_A6;
       media++) {
    g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new (media);
    g_autoptr(GError) error = NULL;
    g_autofree char *png = g_build_filename (dir, "geometry.png", NULL);
    FoyerBadgeQrGeometry g;
    cairo_surface_t *s;
    double w_mm, h_mm;
    int w_px, h_px, ox, oy;

    g_assert_true (foyer_badge_renderer_get_qr_geometry (renderer, payload, &g, &error));
    g_assert_no_error (error);
    foyer_badge_media_get_size_mm (media, &w_mm, &h_mm);
    foyer_badge_media_get_size_px (media, &w_px, &h_px);
    g_test_message ("%s: %d×%d px, QR version %d, %d modules, %d px/module (%.2f mm), %d px "
                    "at %d,%d", foyer_badge_media_to_string (media), w_px, h_px, g.version,
                    g.modules, g.module_px, g.module_px * 25.4 / 300, g.size_px, g.x_px, g.y_px);

    /* ~130 bytes in 8-bit mode, ECC M: version 8 (49 modules) */
    g_assert_cmpint (g.version, ==, 8);
    g_assert_cmpint (g.modules, ==, 17 + 4 * g.version);
    g_assert_cmpint (g.quiet_modules, >=, 4);
    g_assert_cmpint (g.module_px, >=, 3);
    g_assert_cmpint (g.size_px, ==, (g.modules + 2 * g.quiet_modules) * g.module_px);
    g_assert_cmpint (w_px, ==, (int)(w_mm / 25.4 * 300 + 0.5));
    g_assert_cmpint (g.x_px, >=, 0);
    g_assert_cmpint (g.y_px, >=, 0);
    g_assert_cmpint (g.x_px + g.size_px, <=, w_px);
    g_assert_cmpint (g.y_px + g.size_px, <=, h_px);

    /* In the PNG: the quiet zone is white, and the top-left finder pattern's dark border starts
     * exactly at the quiet zone's inner edge and is exactly 7 modules of module_px wide. */
    g_assert_true (foyer_badge_renderer_render_to_file (renderer, &reg, payload, png, &error));
    g_assert_no_error (error);
    /* The PNG says it is 300 dpi (pHYs: 11811 pixels per metre). */
    {
      g_autofree char *data = NULL;
      gsize len;
      const char *phys;

      g_assert_true (g_file_get_contents (png, &data, &len, NULL));
      phys = NULL;
      for (gsize i = 0; i + 8 < len && phys == NULL; i++)
        if (memcmp (data + i, "pHYs", 4) == 0)
          phys = data + i;
      g_assert_nonnull (phys);
      g_assert_cmpint (((guint8)phys[4] << 24 | (guint8)phys[5] << 16 | (guint8)phys[6] << 8 |
                        (guint8)phys[7]), ==, 11811);
    }
    s = cairo_image_surface_create_from_png (png);
    g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_width (s), ==, w_px);
    g_assert_cmpint (cairo_image_surface_get_height (s), ==, h_px);
    for (int i = 0; i < g.size_px; i++) {
      for (int q = 0; q < g.quiet_modules * g.module_px; q++) {
        g_assert_false (dark_at (s, g.x_px + i, g.y_px + q));                 /* top */
        g_assert_false (dark_at (s, g.x_px + q, g.y_px + i));                 /* left */
        g_assert_false (dark_at (s, g.x_px + i, g.y_px + g.size_px - 1 - q)); /* bottom */
        g_assert_false (dark_at (s, g.x_px + g.size_px - 1 - q, g.y_px + i)); /* right */
      }
    }
    ox = g.x_px + g.quiet_modules * g.module_px;
    oy = g.y_px + g.quiet_modules * g.module_px;
    for (int x = 0; x < 7 * g.module_px; x++)
      g_assert_true (dark_at (s, ox + x, oy));
    g_assert_false (dark_at (s, ox + 7 * g.module_px, oy));
    /* the finder's inner white ring: one module in */
    g_assert_true (dark_at (s, ox + g.module_px - 1, oy + g.module_px));
    g_assert_false (dark_at (s, ox + g.module_px, oy + g.module_px));
    cairo_surface_destroy (s);
  }
}

static void
test_unsigned_payload (void)
{
  FoyerRegistration reg = make_reg ("Li Na", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  g_autoptr(FoyerBadgeCode) keyless = foyer_badge_code_new (NULL, NULL, NULL);

  /* Without a signing key: the registration's badge code, else its id. */
  payload = foyer_badge_payload_for_registration (&reg, keyless, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (payload, ==, RECORD_ID);
  g_clear_pointer (&payload, g_free);
  reg.badge_code = (char *)"EXPO-123456";
  payload = foyer_badge_payload_for_registration (&reg, NULL, NULL, &error);
  g_assert_cmpstr (payload, ==, "EXPO-123456");
  g_clear_pointer (&payload, g_free);

  reg.id = NULL;
  reg.badge_code = NULL;
  payload = foyer_badge_payload_for_registration (&reg, NULL, NULL, &error);
  g_assert_null (payload);
  g_assert_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_PAYLOAD);
  g_clear_error (&error);

  /* Unknown output format: a clear error */
  {
    g_autoptr(FoyerBadgeRenderer) renderer = foyer_badge_renderer_new (FOYER_BADGE_MEDIA_A6);
    g_assert_false (foyer_badge_renderer_render_to_file (renderer, &reg, "X", "badge.jpg", &error));
    g_assert_error (error, FOYER_BADGE_RENDERER_ERROR, FOYER_BADGE_RENDERER_ERROR_FORMAT);
  }
}

/* `foyerctl badge RECORD_ID --output FILE` renders a stored record's badge. */
static void
test_foyerctl_badge (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("ctl-badge");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autofree char *png = g_build_filename (dir, "badge.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "badge.pdf", NULL);
  g_autofree char *conf_text = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *text = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
  g_autoptr(GError) error = NULL;

  ensure_keys ();
  store = foyer_store_open (db, &error);
  g_assert_no_error (error);
  reg->event = g_strdup (EVENT);
  reg->kiosk_id = g_strdup ("test-kiosk");
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->category = g_strdup (FOYER_CATEGORY_MEDIA);
  reg->full_name = g_strdup ("张伟");
  reg->organization = g_strdup ("上海会展服务有限公司");
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
  g_assert_no_error (error);

  conf_text = g_strdup_printf ("[kiosk]\nevent=%s\n[storage]\ndatabase=%s\n[badge]\n"
                               "signing-key=%s\nverify-key=%s\nevent-name=Canton Expo 2026\n",
                               EVENT, db, keys.private_path, keys.public_path);
  conf = foyer_test_write_file (dir, "foyer.conf", conf_text);

  {
    const char *argv[] = { "--config", conf, "badge", reg->id, "--output", png, NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
  }
  g_strstrip (out);
  g_assert_true (foyer_badge_code_looks_like (out, -1));
  g_assert_cmpint (verify_code (out, EVENT), ==, 0);
  decoded = badge_test_decode_png (png);
  g_assert_cmpstr (decoded, ==, out);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { "--config", conf, "badge", reg->id, "--output", pdf, "--media", "a6",
                           NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
  }
  text = badge_test_pdf_text (pdf);
  g_assert_nonnull (strstr (text, "张伟"));
  g_assert_nonnull (strstr (text, "Canton Expo 2026"));

  /* Errors a user can make: unknown record, unknown output format, missing --output. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { "--config", conf, "badge", "no-such-record", "--output", pdf, NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 65);
    g_assert_nonnull (strstr (err, "no record"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    g_autofree char *jpg = g_build_filename (dir, "badge.jpg", NULL);
    const char *argv[] = { "--config", conf, "badge", reg->id, "--output", jpg, NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, ".pdf or .png"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { "--config", conf, "badge", reg->id, NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 2);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/badge/code/keygen", test_keygen);
  g_test_add_func ("/badge/code/foyerctl-keygen", test_foyerctl_keygen);
  g_test_add_func ("/badge/code/record-ids", test_record_ids);
  g_test_add_func ("/badge/code/valid", test_valid);
  g_test_add_func ("/badge/code/one-character-changed", test_one_character_changed);
  g_test_add_func ("/badge/code/other-key", test_other_key);
  g_test_add_func ("/badge/code/truncated", test_truncated);
  g_test_add_func ("/badge/code/other-event", test_other_event);
  g_test_add_func ("/badge/code/not-foyer", test_not_foyer);
  g_test_add_func ("/badge/code/event-encoding", test_event_encoding);
  g_test_add_func ("/badge/code/key-errors", test_key_errors);
  g_test_add_func ("/badge/payload/integration", test_payload_integration);
  g_test_add_func ("/badge/payload/prepare-registration", test_prepare_registration);
  g_test_add_func ("/badge/render/cjk", test_render_cjk);
  g_test_add_func ("/badge/render/long-latin", test_render_long_latin);
  g_test_add_func ("/badge/render/media", test_render_media);
  g_test_add_func ("/badge/render/ellipsize-last-resort", test_render_ellipsize_last_resort);
  g_test_add_func ("/badge/render/qr-geometry", test_qr_geometry);
  g_test_add_func ("/badge/render/unsigned-payload", test_unsigned_payload);
  g_test_add_func ("/badge/foyerctl-badge", test_foyerctl_badge);

  {
    int status = g_test_run ();
    g_clear_object (&shared_verifier);
    return status;
  }
}
