/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-badge-code.c: signs and verifies Foyer's badge codes with Ed25519 (OpenSSL EVP).
 *
 * The format is specified in docs/badge-format.md; keep the two in step. Every character of a
 * code is in the QR alphanumeric set (0-9 A-Z space $ % * + - . / :), so a code also fits that
 * mode, and a scanner that lower-cases still yields a code that verifies.
 */
#define G_LOG_DOMAIN "foyer-badge"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "foyer-badge-code.h"
#include "foyer-secret.h"

G_DEFINE_QUARK (foyer-badge-code-error-quark, foyer_badge_code_error)

#define ED25519_SIG_BYTES 64
#define ED25519_KEY_BYTES 32
#define SHORT_ID_HEX      12

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

struct _FoyerBadgeCode {
  GObject   parent_instance;

  EVP_PKEY *signing_key;   /* owned; NULL on verify-only kiosks */
  EVP_PKEY *verify_key;    /* owned; NULL when nothing can verify */
  char      key_id[FOYER_BADGE_CODE_KEY_ID_LEN + 1];
};

G_DEFINE_FINAL_TYPE (FoyerBadgeCode, foyer_badge_code, G_TYPE_OBJECT)

static void
foyer_badge_code_finalize (GObject *object)
{
  FoyerBadgeCode *self = (FoyerBadgeCode *)object;

  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  g_clear_pointer (&self->verify_key, EVP_PKEY_free);

  G_OBJECT_CLASS (foyer_badge_code_parent_class)->finalize (object);
}

static void
foyer_badge_code_class_init (FoyerBadgeCodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_badge_code_finalize;
}

static void
foyer_badge_code_init (FoyerBadgeCode *self)
{
}

void
foyer_badge_code_info_free (FoyerBadgeCodeInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->event);
  g_free (info->short_id);
  g_free (info->key_id);
  g_free (info);
}

/* --- OpenSSL helpers --- */

/* The newest OpenSSL error as text, and the queue cleared so it does not leak into later calls. */
static char *
openssl_error (void)
{
  unsigned long code = ERR_peek_last_error ();
  char buf[256] = "";

  if (code != 0)
    ERR_error_string_n (code, buf, sizeof buf);
  ERR_clear_error ();
  return g_strdup (buf[0] != '\0' ? buf : "unknown OpenSSL error");
}

/* Never prompt on a terminal for a pass phrase: kiosk keys are not encrypted. */
static int
no_passphrase_cb (char *buf, int size, int rwflag, void *user_data)
{
  return -1;
}

static void
base32_encode (const guint8 *data,
               gsize         len,
               GString      *out)
{
  guint32 buffer = 0;
  int bits = 0;

  for (gsize i = 0; i < len; i++) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      g_string_append_c (out, base32_alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0)
    g_string_append_c (out, base32_alphabet[(buffer << (5 - bits)) & 31]);
}

/* Decodes exactly out_len bytes from text; FALSE on a character outside the alphabet, on a
 * wrong length or on non-zero padding bits (so that every signature has one spelling only). */
static gboolean
base32_decode (const char *text,
               gsize       text_len,
               guint8     *out,
               gsize       out_len)
{
  guint32 buffer = 0;
  int bits = 0;
  gsize n = 0;

  if (text_len != (out_len * 8 + 4) / 5)
    return FALSE;
  for (gsize i = 0; i < text_len; i++) {
    const char *p = strchr (base32_alphabet, text[i]);

    if (text[i] == '\0' || p == NULL)
      return FALSE;
    buffer = (buffer << 5) | (guint32)(p - base32_alphabet);
    bits += 5;
    if (bits >= 8) {
      out[n++] = (buffer >> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return n == out_len && (buffer & ((1u << bits) - 1)) == 0;
}

static void
compute_key_id (EVP_PKEY *public_key,
                char      key_id[FOYER_BADGE_CODE_KEY_ID_LEN + 1])
{
  guint8 raw[ED25519_KEY_BYTES];
  size_t raw_len = sizeof raw;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) text = g_string_new (NULL);

  if (EVP_PKEY_get_raw_public_key (public_key, raw, &raw_len) != 1)
    g_assert_not_reached ();
  g_checksum_update (checksum, raw, raw_len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  base32_encode (digest, 3, text);
  memcpy (key_id, text->str, FOYER_BADGE_CODE_KEY_ID_LEN);
  key_id[FOYER_BADGE_CODE_KEY_ID_LEN] = '\0';
}

static EVP_PKEY *
load_key (const char *path,
          gboolean    want_private,
          GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  EVP_PKEY *key = NULL;
  BIO *bio;

  /* The private key is a secret: refused while other users can read it (foyer-secret.h). */
  if (want_private
      ? !foyer_secret_read_file (path, _("the badge signing key ([badge] signing-key)"),
                                 &contents, &length, &local_error)
      : !g_file_get_contents (path, &contents, &length, &local_error)) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY,
                 _("Cannot read the badge key %s: %s"), path, local_error->message);
    return NULL;
  }
  if (length > 64 * 1024) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY,
                 _("%s is not a badge key (too large)"), path);
    return NULL;
  }

  bio = BIO_new_mem_buf (contents, (int)length);
  if (want_private) {
    key = PEM_read_bio_PrivateKey (bio, NULL, no_passphrase_cb, NULL);
  } else {
    key = PEM_read_bio_PUBKEY (bio, NULL, no_passphrase_cb, NULL);
    if (key == NULL) {
      /* A private key verifies too (a kiosk that prints may name one file twice). */
      ERR_clear_error ();
      BIO_free (bio);
      bio = BIO_new_mem_buf (contents, (int)length);
      key = PEM_read_bio_PrivateKey (bio, NULL, no_passphrase_cb, NULL);
    }
  }
  BIO_free (bio);
  explicit_bzero (contents, length);

  if (key == NULL) {
    g_autofree char *why = openssl_error ();
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY,
                 want_private
                   ? _("%s is not a PEM private key (create one with “foyerctl badge-keygen”): %s")
                   : _("%s is not a PEM public key (create one with “foyerctl badge-keygen”): %s"),
                 path, why);
    return NULL;
  }
  if (EVP_PKEY_get_base_id (key) != EVP_PKEY_ED25519) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY,
                 _("%s is not an Ed25519 key (create one with “foyerctl badge-keygen”)"), path);
    EVP_PKEY_free (key);
    return NULL;
  }
  return key;
}

/* The public half of a private key, as its own EVP_PKEY. */
static EVP_PKEY *
public_from_private (EVP_PKEY *private_key)
{
  guint8 raw[ED25519_KEY_BYTES];
  size_t raw_len = sizeof raw;

  if (EVP_PKEY_get_raw_public_key (private_key, raw, &raw_len) != 1)
    return NULL;
  return EVP_PKEY_new_raw_public_key (EVP_PKEY_ED25519, NULL, raw, raw_len);
}

static gboolean
write_new_file (const char *path,
                const char *data,
                gsize       len,
                int         mode,
                GError    **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  gsize done = 0;

  if (fd < 0) {
    int saved = errno;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 saved == EEXIST ? _("%s already exists: not overwriting a badge key")
                                 : _("Cannot create %s: %s"),
                 path, g_strerror (saved));
    return FALSE;
  }
  /* O_CREAT's mode goes through the umask; a private key must end up 0600 whatever it is. */
  if (fchmod (fd, mode) != 0)
    g_debug ("fchmod %s: %s", path, g_strerror (errno));
  while (done < len) {
    ssize_t n = write (fd, data + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int saved = errno;
      close (fd);
      g_unlink (path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot write %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
    done += n;
  }
  if (fsync (fd) != 0 || close (fd) != 0) {
    int saved = errno;
    g_unlink (path);
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 _("Cannot write %s: %s"), path, g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}

static char *
bio_to_string (BIO   *bio,
               gsize *len)
{
  char *data = NULL;
  long n = BIO_get_mem_data (bio, &data);

  *len = n > 0 ? (gsize)n : 0;
  return g_strndup (data, *len);
}

gboolean
foyer_badge_code_generate_keys (const char  *private_key_path,
                                const char  *public_key_path,
                                GError     **error)
{
  EVP_PKEY *key = NULL;
  BIO *bio_private = NULL;
  BIO *bio_public = NULL;
  g_autofree char *private_pem = NULL;
  g_autofree char *public_pem = NULL;
  gsize private_len = 0, public_len = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (private_key_path != NULL, FALSE);
  g_return_val_if_fail (public_key_path != NULL, FALSE);

  if (g_file_test (private_key_path, G_FILE_TEST_EXISTS) ||
      g_file_test (public_key_path, G_FILE_TEST_EXISTS)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                 _("%s already exists: not overwriting a badge key"),
                 g_file_test (private_key_path, G_FILE_TEST_EXISTS) ? private_key_path
                                                                    : public_key_path);
    return FALSE;
  }

  key = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");
  bio_private = BIO_new (BIO_s_mem ());
  bio_public = BIO_new (BIO_s_mem ());
  if (key == NULL || bio_private == NULL || bio_public == NULL ||
      PEM_write_bio_PrivateKey (bio_private, key, NULL, NULL, 0, NULL, NULL) != 1 ||
      PEM_write_bio_PUBKEY (bio_public, key) != 1) {
    g_autofree char *why = openssl_error ();
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_FAILED,
                 _("Cannot generate an Ed25519 key: %s"), why);
    goto out;
  }
  private_pem = bio_to_string (bio_private, &private_len);
  public_pem = bio_to_string (bio_public, &public_len);

  if (!write_new_file (private_key_path, private_pem, private_len, 0600, error))
    goto out;
  if (!write_new_file (public_key_path, public_pem, public_len, 0644, error)) {
    g_unlink (private_key_path);
    goto out;
  }
  ok = TRUE;

out:
  if (private_pem != NULL)
    explicit_bzero (private_pem, private_len);
  BIO_free (bio_private);
  BIO_free (bio_public);
  EVP_PKEY_free (key);
  return ok;
}

FoyerBadgeCode *
foyer_badge_code_new (const char  *signing_key_path,
                      const char  *verify_key_path,
                      GError     **error)
{
  g_autoptr(FoyerBadgeCode) self = g_object_new (FOYER_TYPE_BADGE_CODE, NULL);

  if (signing_key_path != NULL) {
    self->signing_key = load_key (signing_key_path, TRUE, error);
    if (self->signing_key == NULL)
      return NULL;
  }
  if (verify_key_path != NULL) {
    EVP_PKEY *key = load_key (verify_key_path, FALSE, error);

    if (key == NULL)
      return NULL;
    self->verify_key = public_from_private (key);
    EVP_PKEY_free (key);
  } else if (self->signing_key != NULL) {
    self->verify_key = public_from_private (self->signing_key);
  }
  if ((signing_key_path != NULL || verify_key_path != NULL) && self->verify_key == NULL) {
    g_autofree char *why = openssl_error ();
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_FAILED,
                 _("Cannot read the badge public key: %s"), why);
    return NULL;
  }

  if (self->verify_key != NULL)
    compute_key_id (self->verify_key, self->key_id);

  /* A signing key whose codes this kiosk would itself reject is a configuration mistake. */
  if (self->signing_key != NULL && verify_key_path != NULL) {
    char signing_id[FOYER_BADGE_CODE_KEY_ID_LEN + 1];

    compute_key_id (self->signing_key, signing_id);
    if (strcmp (signing_id, self->key_id) != 0 ||
        EVP_PKEY_eq (self->signing_key, self->verify_key) != 1) {
      ERR_clear_error ();
      g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_KEY,
                   _("The badge signing key %s and verify key %s are not a pair: "
                     "badges printed here would be rejected"),
                   signing_key_path, verify_key_path);
      return NULL;
    }
  }
  return g_steal_pointer (&self);
}

FoyerBadgeCode *
foyer_badge_code_new_from_config (FoyerConfig  *config,
                                  GError      **error)
{
  g_autofree char *signing = NULL;
  g_autofree char *verify = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  signing = foyer_config_get_path_value (config, "badge", "signing-key");
  verify = foyer_config_get_path_value (config, "badge", "verify-key");
  return foyer_badge_code_new (signing, verify, error);
}

gboolean
foyer_badge_code_can_sign (FoyerBadgeCode *self)
{
  g_return_val_if_fail (FOYER_IS_BADGE_CODE (self), FALSE);
  return self->signing_key != NULL;
}

gboolean
foyer_badge_code_can_verify (FoyerBadgeCode *self)
{
  g_return_val_if_fail (FOYER_IS_BADGE_CODE (self), FALSE);
  return self->verify_key != NULL;
}

const char *
foyer_badge_code_get_key_id (FoyerBadgeCode *self)
{
  g_return_val_if_fail (FOYER_IS_BADGE_CODE (self), NULL);
  return self->verify_key != NULL ? self->key_id : NULL;
}

/* --- fields --- */

static gboolean
is_plain_field_char (char c)
{
  return g_ascii_isdigit (c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
}

/* UTF-8 → field: ASCII letters upper-cased, 0-9 A-Z - . kept, every other byte as %XX. */
static char *
encode_field (const char *value,
              gsize       max_len,
              const char *what,
              GError    **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (value == NULL || *value == '\0' || !g_utf8_validate (value, -1, NULL)) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_INVALID_ARGUMENT,
                 _("The %s for a badge must be non-empty UTF-8 text"), what);
    return NULL;
  }
  for (const char *p = value; *p != '\0'; p++) {
    char c = g_ascii_toupper (*p);

    /* Control characters have no place in an id, and readers refuse them. */
    if ((guint8)*p < 0x20 || *p == 0x7f) {
      g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_INVALID_ARGUMENT,
                   _("The %s for a badge contains a control character"), what);
      return NULL;
    }
    if (is_plain_field_char (c))
      g_string_append_c (out, c);
    else
      g_string_append_printf (out, "%%%02X", (guint8)*p);
  }
  if (out->len > max_len) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_INVALID_ARGUMENT,
                 _("The %s “%s” is too long for a badge (%u characters at most once encoded)"),
                 what, value, (guint)max_len);
    return NULL;
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
decode_field (const char *field,
              gsize       len,
              gsize       max_len)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (len == 0 || len > max_len)
    return NULL;
  for (gsize i = 0; i < len; i++) {
    char c = field[i];

    if (is_plain_field_char (c)) {
      g_string_append_c (out, c);
    } else if (c == '%' && i + 2 < len &&
               g_ascii_isxdigit (field[i + 1]) && g_ascii_isxdigit (field[i + 2])) {
      int byte = g_ascii_xdigit_value (field[i + 1]) * 16 + g_ascii_xdigit_value (field[i + 2]);

      /* Only bytes the encoder escapes: a plain character or a control byte spelled as %XX
       * would give one value two spellings. */
      if (byte < 0x20 || byte == 0x7f || is_plain_field_char ((char)g_ascii_toupper (byte)) ||
          (byte >= 'a' && byte <= 'z'))
        return NULL;
      g_string_append_c (out, (char)byte);
      i += 2;
    } else {
      return NULL;
    }
  }
  if (!g_utf8_validate (out->str, out->len, NULL))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
foyer_badge_code_short_id (const char *record_id)
{
  g_return_val_if_fail (record_id != NULL, NULL);

  if (g_uuid_string_is_valid (record_id)) {
    /* 8-4-4-4-12: the version is the 13th hex digit; a v7's last group is random */
    const char *start = record_id[14] == '7' ? record_id + 24 : record_id;
    GString *out = g_string_new (NULL);

    for (const char *p = start; *p != '\0' && out->len < SHORT_ID_HEX; p++)
      if (*p != '-')
        g_string_append_c (out, g_ascii_toupper (*p));
    return g_string_free (out, FALSE);
  }
  return g_ascii_strup (record_id, -1);
}

gboolean
foyer_badge_code_event_matches (const char *badge_event,
                                const char *event)
{
  if (badge_event == NULL || event == NULL)
    return FALSE;
  return g_ascii_strcasecmp (badge_event, event) == 0;
}

gboolean
foyer_badge_code_looks_like (const char *text,
                             gssize      len)
{
  gsize n, i;

  if (text == NULL)
    return FALSE;
  n = len < 0 ? strlen (text) : (gsize)len;
  if (n < 4 || g_ascii_toupper (text[0]) != 'F' || g_ascii_toupper (text[1]) != 'Y')
    return FALSE;
  for (i = 2; i < n && i < 6 && g_ascii_isdigit (text[i]); i++)
    ;
  return i > 2 && i < n && text[i] == ':';
}

/* --- sign / parse / verify --- */

char *
foyer_badge_code_sign (FoyerBadgeCode  *self,
                       const char      *event,
                       const char      *record_id,
                       GError         **error)
{
  g_autofree char *event_field = NULL;
  g_autofree char *short_id = NULL;
  g_autofree char *id_field = NULL;
  g_autoptr(GString) code = NULL;
  guint8 signature[ED25519_SIG_BYTES];
  size_t signature_len = sizeof signature;
  EVP_MD_CTX *md;
  gboolean ok;

  g_return_val_if_fail (FOYER_IS_BADGE_CODE (self), NULL);

  if (self->signing_key == NULL) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_NO_KEY,
                 _("No badge signing key is configured ([badge] signing-key)"));
    return NULL;
  }
  if ((event_field = encode_field (event, FOYER_BADGE_CODE_MAX_EVENT, _("event"), error)) == NULL)
    return NULL;
  if (record_id == NULL || *record_id == '\0') {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_INVALID_ARGUMENT,
                 _("A badge needs a saved record (the record has no id)"));
    return NULL;
  }
  short_id = foyer_badge_code_short_id (record_id);
  if ((id_field = encode_field (short_id, FOYER_BADGE_CODE_MAX_SHORT_ID, _("record id"),
                                error)) == NULL)
    return NULL;

  code = g_string_new (FOYER_BADGE_CODE_PREFIX);
  g_string_append_printf (code, "%s:%s:%s:", event_field, id_field, self->key_id);

  md = EVP_MD_CTX_new ();
  ok = md != NULL &&
       EVP_DigestSignInit (md, NULL, NULL, NULL, self->signing_key) == 1 &&
       EVP_DigestSign (md, signature, &signature_len, (const guint8 *)code->str, code->len) == 1 &&
       signature_len == ED25519_SIG_BYTES;
  EVP_MD_CTX_free (md);
  if (!ok) {
    g_autofree char *why = openssl_error ();
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_FAILED,
                 _("Cannot sign the badge: %s"), why);
    return NULL;
  }
  base32_encode (signature, signature_len, code);
  g_assert (code->len <= FOYER_BADGE_CODE_MAX_LEN);
  return g_string_free (g_steal_pointer (&code), FALSE);
}

gboolean
foyer_badge_code_prepare_registration (FoyerBadgeCode     *self,
                                       FoyerRegistration  *reg,
                                       GError            **error)
{
  g_autofree char *payload = NULL;

  g_return_val_if_fail (FOYER_IS_BADGE_CODE (self), FALSE);
  g_return_val_if_fail (reg != NULL, FALSE);

  if (reg->id == NULL)
    reg->id = g_uuid_string_random ();
  if (self->signing_key == NULL || (reg->badge_code != NULL && *reg->badge_code != '\0'))
    return TRUE;
  if ((payload = foyer_badge_code_sign (self, reg->event, reg->id, error)) == NULL)
    return FALSE;
  g_free (reg->badge_code);
  reg->badge_code = g_steal_pointer (&payload);
  return TRUE;
}

typedef struct {
  char   *text;           /* the code, upper-cased, trailing white space removed */
  gsize   signed_len;     /* bytes of text covered by the signature */
  char   *signature;      /* points into text */
} ParsedCode;

/* Splits and checks the structure; fills info. The signature field is only length-checked here. */
static gboolean
parse_code (const char          *payload,
            gssize               len,
            ParsedCode          *parsed,
            FoyerBadgeCodeInfo **out_info,
            GError             **error)
{
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  gsize n;
  guint n_fields;

  g_return_val_if_fail (payload != NULL, FALSE);

  n = len < 0 ? strlen (payload) : (gsize)len;
  while (n > 0 && g_ascii_isspace (payload[n - 1]))
    n--;
  if (!foyer_badge_code_looks_like (payload, n)) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_NOT_FOYER,
                 _("Not a Foyer badge"));
    return FALSE;
  }
  if (n > FOYER_BADGE_CODE_MAX_LEN || memchr (payload, '\0', n) != NULL) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_MALFORMED,
                 _("Invalid Foyer badge: the code is damaged (too long)"));
    return FALSE;
  }
  text = g_ascii_strup (payload, n);
  if (!g_str_has_prefix (text, FOYER_BADGE_CODE_PREFIX)) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_VERSION,
                 _("This badge was made by a newer Foyer (format %.*s): update this kiosk"),
                 (int)(strchr (text, ':') - text), text);
    return FALSE;
  }

  fields = g_strsplit (text + strlen (FOYER_BADGE_CODE_PREFIX), ":", 0);
  n_fields = g_strv_length (fields);
  if (n_fields > 4) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_MALFORMED,
                 _("Invalid Foyer badge: the code is damaged (too many fields)"));
    return FALSE;
  }
  if (n_fields < 4 || strlen (fields[3]) < FOYER_BADGE_CODE_SIGNATURE_LEN) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_TRUNCATED,
                 _("Invalid Foyer badge: the code is incomplete (truncated)"));
    return FALSE;
  }

  info = g_new0 (FoyerBadgeCodeInfo, 1);
  info->event = decode_field (fields[0], strlen (fields[0]), FOYER_BADGE_CODE_MAX_EVENT);
  info->short_id = decode_field (fields[1], strlen (fields[1]), FOYER_BADGE_CODE_MAX_SHORT_ID);
  info->key_id = g_strdup (fields[2]);
  if (info->event == NULL || info->short_id == NULL ||
      strlen (info->key_id) != FOYER_BADGE_CODE_KEY_ID_LEN ||
      strspn (info->key_id, base32_alphabet) != FOYER_BADGE_CODE_KEY_ID_LEN ||
      strlen (fields[3]) != FOYER_BADGE_CODE_SIGNATURE_LEN) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_MALFORMED,
                 _("Invalid Foyer badge: the code is damaged (bad field)"));
    return FALSE;
  }

  if (parsed != NULL) {
    parsed->signed_len = n - FOYER_BADGE_CODE_SIGNATURE_LEN;
    parsed->text = g_steal_pointer (&text);
    parsed->signature = parsed->text + parsed->signed_len;
  }
  if (out_info != NULL)
    *out_info = g_steal_pointer (&info);
  return TRUE;
}

FoyerBadgeCodeInfo *
foyer_badge_code_parse (const char  *payload,
                        gssize       len,
                        GError     **error)
{
  FoyerBadgeCodeInfo *info = NULL;

  if (!parse_code (payload, len, NULL, &info, error))
    return NULL;
  return info;
}

gboolean
foyer_badge_code_verify (FoyerBadgeCode      *self,
                         const char          *payload,
                         gssize               len,
                         const char          *expected_event,
                         FoyerBadgeCodeInfo **out_info,
                         GError             **error)
{
  g_autoptr(FoyerBadgeCodeInfo) info = NULL;
  ParsedCode parsed = { NULL, 0, NULL };
  guint8 signature[ED25519_SIG_BYTES];
  EVP_MD_CTX *md;
  int rc;
  gboolean ok = FALSE;

  g_return_val_if_fail (FOYER_IS_BADGE_CODE (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  if (!parse_code (payload, len, &parsed, &info, error))
    return FALSE;

  if (self->verify_key == NULL) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_NO_KEY,
                 _("Cannot check this Foyer badge: no verify key is configured ([badge] verify-key)"));
    goto out;
  }
  if (strcmp (info->key_id, self->key_id) != 0) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_OTHER_KEY,
                 _("Invalid badge: signed with another key (key %s), not this event’s (key %s)"),
                 info->key_id, self->key_id);
    goto out;
  }
  if (!base32_decode (parsed.signature, FOYER_BADGE_CODE_SIGNATURE_LEN, signature,
                      sizeof signature)) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_ALTERED,
                 _("Invalid badge: the signature has been altered"));
    goto out;
  }

  md = EVP_MD_CTX_new ();
  rc = md != NULL ? EVP_DigestVerifyInit (md, NULL, NULL, NULL, self->verify_key) : 0;
  if (rc == 1)
    rc = EVP_DigestVerify (md, signature, sizeof signature, (const guint8 *)parsed.text,
                           parsed.signed_len);
  EVP_MD_CTX_free (md);
  ERR_clear_error ();
  if (rc != 1) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_ALTERED,
                 _("Invalid badge: forged or altered (the signature does not match)"));
    goto out;
  }

  if (expected_event != NULL && !foyer_badge_code_event_matches (info->event, expected_event)) {
    g_set_error (error, FOYER_BADGE_CODE_ERROR, FOYER_BADGE_CODE_ERROR_OTHER_EVENT,
                 _("This badge is genuine but for another event (%s)"), info->event);
    goto out;
  }
  ok = TRUE;

out:
  g_free (parsed.text);
  if (out_info != NULL)
    *out_info = g_steal_pointer (&info);
  return ok;
}
