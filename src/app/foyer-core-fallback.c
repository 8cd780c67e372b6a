/* foyer-core-fallback.c: TEMPORARY stand-ins for core modules that have not landed yet (store,
 * record, payload), so that the kiosk builds and runs before they do. src/app/meson.build
 * compiles each part only while the real src/core/foyer-<module>.c is missing; delete this file
 * once all of them are in main. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include "foyer-core.h"

#ifndef FOYER_HAVE_RECORD
FoyerRegistration *
foyer_registration_new (void)
{
  return g_new0 (FoyerRegistration, 1);
}

void
foyer_registration_free (FoyerRegistration *reg)
{
  if (reg == NULL)
    return;
  g_free (reg->id); g_free (reg->event); g_free (reg->kiosk_id); g_free (reg->created_at);
  g_free (reg->kind); g_free (reg->category); g_free (reg->full_name); g_free (reg->family_name);
  g_free (reg->given_name); g_free (reg->organization); g_free (reg->title);
  g_strfreev (reg->emails); g_strfreev (reg->phones); g_free (reg->country); g_free (reg->city);
  g_strfreev (reg->interests); g_free (reg->badge_code); g_free (reg->source);
  g_clear_pointer (&reg->raw_payload, g_bytes_unref);
  g_free (reg->consent_version); g_free (reg->consent_at); g_free (reg->notes);
  g_free (reg);
}

FoyerRegistration *
foyer_registration_copy (const FoyerRegistration *reg)
{
  FoyerRegistration *copy = g_new0 (FoyerRegistration, 1);

  *copy = *reg;
  copy->id = g_strdup (reg->id); copy->event = g_strdup (reg->event);
  copy->kiosk_id = g_strdup (reg->kiosk_id); copy->created_at = g_strdup (reg->created_at);
  copy->kind = g_strdup (reg->kind); copy->category = g_strdup (reg->category);
  copy->full_name = g_strdup (reg->full_name); copy->family_name = g_strdup (reg->family_name);
  copy->given_name = g_strdup (reg->given_name);
  copy->organization = g_strdup (reg->organization); copy->title = g_strdup (reg->title);
  copy->emails = g_strdupv (reg->emails); copy->phones = g_strdupv (reg->phones);
  copy->country = g_strdup (reg->country); copy->city = g_strdup (reg->city);
  copy->interests = g_strdupv (reg->interests); copy->badge_code = g_strdup (reg->badge_code);
  copy->source = g_strdup (reg->source);
  copy->raw_payload = reg->raw_payload ? g_bytes_ref (reg->raw_payload) : NULL;
  copy->consent_version = g_strdup (reg->consent_version);
  copy->consent_at = g_strdup (reg->consent_at); copy->notes = g_strdup (reg->notes);
  return copy;
}

char *
foyer_timestamp_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}
#endif

#ifndef FOYER_HAVE_STORE
G_DEFINE_QUARK (foyer-store-error-quark, foyer_store_error)

struct _FoyerStore {
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (FoyerStore, foyer_store, G_TYPE_OBJECT)

static void foyer_store_class_init (FoyerStoreClass *klass) { }
static void foyer_store_init (FoyerStore *self) { }

FoyerStore *
foyer_store_open (const char *path, GError **error)
{
  g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED,
               "this build has no local store yet");
  return NULL;
}

const char *
foyer_store_get_recovered_from (FoyerStore *self)
{
  return NULL;
}

gboolean
foyer_store_outbox_counts (FoyerStore *self, FoyerOutboxCounts *counts, GError **error)
{
  memset (counts, 0, sizeof *counts);
  return TRUE;
}

gboolean
foyer_store_add_registration (FoyerStore *self, FoyerRegistration *reg,
                              FoyerRegistration **existing, GError **error)
{
  g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED, "no store");
  return FALSE;
}

FoyerRegistration *
foyer_store_get_registration (FoyerStore *self, const char *id, GError **error)
{
  g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED, "no store");
  return NULL;
}

gboolean
foyer_store_import_preregistrations (FoyerStore *self, GPtrArray *registrations,
                                     guint *n_inserted, guint *n_updated, GError **error)
{
  g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED, "no store");
  return FALSE;
}

gboolean
foyer_store_check_in_badge (FoyerStore *self, const char *event, const char *kiosk_id,
                            const char *badge_code, GBytes *raw_payload,
                            FoyerRegistration **added, FoyerRegistration **existing,
                            GError **error)
{
  g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED, "no store");
  return FALSE;
}
#endif

#ifndef FOYER_HAVE_PAYLOAD
G_DEFINE_QUARK (foyer-payload-error-quark, foyer_payload_error)

void
foyer_contact_free (FoyerContact *contact)
{
  g_free (contact);
}

FoyerContact *
foyer_payload_parse (const guint8 *data, gsize len, const FoyerPayloadOptions *options,
                     GError **error)
{
  g_set_error (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_EMPTY, "no payload parser yet");
  return NULL;
}

char *
foyer_phone_normalize (const char *number, const char *default_region)
{
  return g_regex_match_simple ("^\\+?[0-9 ]{8,}$", number, 0, 0) ? g_strdup (number) : NULL;
}

char *
foyer_email_normalize (const char *address)
{
  return g_regex_match_simple ("^[^@ ]+@[^@ ]+\\.[a-z]+$", address, G_REGEX_CASELESS, 0)
         ? g_strdup (address) : NULL;
}
#endif
