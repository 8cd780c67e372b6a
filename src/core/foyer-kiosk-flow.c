/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-kiosk-flow.c: the kiosk's decisions about a scanned code or a submitted form (see
 * foyer-kiosk-flow.h). GTK-free so that foyerctl and the tests judge codes as the kiosk does. */
#define G_LOG_DOMAIN "foyer-flow"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "foyer-badge-code.h"
#include "foyer-flow-result-private.h"
#include "foyer-badge-policy.h"
#include "foyer-gate-rules.h"
#include "foyer-kiosk-flow.h"
#include "foyer-scan-limiter.h"

struct _FoyerKioskFlow {
  GObject              parent_instance;

  /* owned */
  FoyerConfig         *config;
  FoyerStore          *store;            /* NULL when the database could not be opened */
  GError              *store_error;      /* why store is NULL, or NULL */
  FoyerPayloadOptions *options;          /* built once: every code is judged alike */
  FoyerBadgeCode      *badge_codes;      /* signs the badges this kiosk issues, or NULL */
  FoyerScanLimiter    *limiter;          /* unknown codes per minute on this kiosk */
  FoyerGateRules      *gate_rules;       /* [gate]; NULL when they cannot be read: gate_error */
  GError              *gate_error;
  GError              *signing_error;
};

G_DEFINE_FINAL_TYPE (FoyerKioskFlow, foyer_kiosk_flow, G_TYPE_OBJECT)
G_DEFINE_QUARK (foyer-kiosk-flow-error-quark, foyer_kiosk_flow_error)

static void
foyer_kiosk_flow_finalize (GObject *object)
{
  FoyerKioskFlow *self = (FoyerKioskFlow *)object;

  g_clear_object (&self->config);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_pointer (&self->options, foyer_payload_options_free);
  g_clear_object (&self->badge_codes);
  g_clear_object (&self->limiter);
  g_clear_object (&self->gate_rules);
  g_clear_error (&self->gate_error);
  g_clear_error (&self->signing_error);

  G_OBJECT_CLASS (foyer_kiosk_flow_parent_class)->finalize (object);
}

static void
foyer_kiosk_flow_class_init (FoyerKioskFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_kiosk_flow_finalize;
}

static void
foyer_kiosk_flow_init (FoyerKioskFlow *self)
{
}

FoyerKioskFlow *
foyer_kiosk_flow_new (FoyerConfig  *config,
                      FoyerStore   *store,
                      const GError *store_error)
{
  FoyerKioskFlow *self;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);
  g_return_val_if_fail (store == NULL || FOYER_IS_STORE (store), NULL);

  self = g_object_new (FOYER_TYPE_KIOSK_FLOW, NULL);
  self->config = g_object_ref (config);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->store_error = store_error != NULL ? g_error_copy (store_error) : NULL;
  self->options = foyer_payload_options_new_from_config (config);
  self->badge_codes = foyer_badge_code_new_from_config (config, &self->signing_error);
  self->limiter = foyer_scan_limiter_new ((guint)foyer_config_get_int (config, "badge",
                                                                       "unknown-limit"));
  self->gate_rules = foyer_gate_rules_new_from_config (config, NULL, &self->gate_error);
  return self;
}

void
foyer_kiosk_flow_reload_badge_keys (FoyerKioskFlow *self)
{
  g_return_if_fail (FOYER_IS_KIOSK_FLOW (self));

  g_clear_object (&self->badge_codes);
  g_clear_error (&self->signing_error);
  self->badge_codes = foyer_badge_code_new_from_config (self->config, &self->signing_error);
}

FoyerConfig *
foyer_kiosk_flow_get_config (FoyerKioskFlow *self)
{
  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  return self->config;
}

FoyerStore *
foyer_kiosk_flow_get_store (FoyerKioskFlow *self)
{
  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  return self->store;
}

const FoyerPayloadOptions *
foyer_kiosk_flow_get_payload_options (FoyerKioskFlow *self)
{
  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  return self->options;
}

const GError *
foyer_kiosk_flow_get_signing_error (FoyerKioskFlow *self)
{
  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  return self->signing_error;
}

FoyerGateRules *
foyer_kiosk_flow_get_gate_rules (FoyerKioskFlow *self)
{
  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  return self->gate_rules;
}

gboolean
foyer_kiosk_flow_is_booth (FoyerKioskFlow *self)
{
  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), FALSE);
  return g_strcmp0 (foyer_config_get_string (self->config, "kiosk", "mode"), "booth") == 0;
}

/* --- scanned codes ----------------------------------------------------------------------- */

static FoyerFlowResult *
no_store_result (GBytes *raw)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_ERROR, raw);

  _foyer_flow_result_take_error (result,
                                 g_error_new_literal (FOYER_KIOSK_FLOW_ERROR,
                                                      FOYER_KIOSK_FLOW_ERROR_NO_STORE,
                                                      _("The database of this kiosk could not "
                                                        "be opened")));
  return result;
}

/* The visitor came before: say when and at which gate. */
static FoyerFlowResult *
repeat_result (FoyerRegistration *existing,
               GBytes            *raw)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_REPEAT, raw);

  _foyer_flow_result_set_badge_code (result, existing->badge_code);
  _foyer_flow_result_set_previous (result, existing->created_at, existing->kiosk_id);
  _foyer_flow_result_take_registration (result, existing);
  return result;
}

/* The visitor a badge names: registered here or at another kiosk, else pre-registered. */
static FoyerRegistration *
find_visitor (FoyerKioskFlow *self,
              const char     *event,
              const char     *badge_code)
{
  g_autoptr(GError) error = NULL;
  FoyerRegistration *visitor;

  visitor = foyer_store_find_by_badge (self->store, event, badge_code, &error);
  if (visitor == NULL && error == NULL)
    visitor = foyer_store_find_preregistration (self->store, event, badge_code, &error);
  if (error != NULL)
    g_debug ("gate rules: cannot look the badge up: %s", error->message);
  return visitor;
}

static gboolean
gate_admits_entries (FoyerKioskFlow  *self,
                     const char      *event,
                     const char      *badge_code,
                     GDateTime       *now,
                     char           **visitor_reason,
                     char           **staff_reason)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GError) error = NULL;
  guint entries = 0;

  if (foyer_gate_rules_get_max_entries (self->gate_rules) == 0)
    return TRUE;
  foyer_gate_rules_get_entry_day (self->gate_rules, now, &start, &end);
  if (!foyer_store_count_entries (self->store, event, badge_code, start, end, &entries, &error))
    g_debug ("gate rules: cannot count entries: %s", error->message);
  return foyer_gate_rules_admits_entries (self->gate_rules, entries, visitor_reason,
                                          staff_reason);
}

/* [gate] rules, offline, in the order of docs/gate-rules.md: the visitor's category, the
 * opening hours, the visitor's entries today. NULL when the gate admits the visitor, or when the
 * badge names nobody (check_in() answers unknown). */
static FoyerFlowResult *
gate_refusal (FoyerKioskFlow *self,
              const char     *badge_code,
              GBytes         *raw)
{
  const char *event = foyer_config_get_string (self->config, "kiosk", "event");
  g_autoptr(FoyerRegistration) visitor = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *visitor_reason = NULL;
  g_autofree char *staff_reason = NULL;
  FoyerFlowResult *result;

  if (self->gate_rules == NULL) {
    staff_reason = g_strdup (self->gate_error->message);
  } else {
    if (!foyer_gate_rules_is_active (self->gate_rules) ||
        (visitor = find_visitor (self, event, badge_code)) == NULL)
      return NULL;
    now = foyer_gate_rules_now (self->gate_rules);
    if (foyer_gate_rules_admits_category (self->gate_rules, visitor->category,
                                          &visitor_reason, &staff_reason) &&
        foyer_gate_rules_is_open (self->gate_rules, now, &visitor_reason, &staff_reason) &&
        gate_admits_entries (self, event, badge_code, now, &visitor_reason, &staff_reason))
      return NULL;
  }
  g_debug ("gate rules refused a badge: %s", staff_reason);
  result = _foyer_flow_result_new (FOYER_FLOW_STATUS_REFUSED, raw);
  _foyer_flow_result_set_badge_code (result, badge_code);
  _foyer_flow_result_set_reasons (result, visitor_reason, staff_reason);
  return result;
}

static FoyerFlowResult *
check_in (FoyerKioskFlow *self,
          const char     *badge_code,
          GBytes         *raw)
{
  g_autoptr(FoyerRegistration) added = NULL;
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autoptr(GError) error = NULL;
  FoyerFlowResult *result;

  if (self->store == NULL)
    return no_store_result (raw);
  if ((result = gate_refusal (self, badge_code, raw)) != NULL)
    return result;

  if (!foyer_store_check_in_badge (self->store,
                                   foyer_config_get_string (self->config, "kiosk", "event"),
                                   foyer_config_get_string (self->config, "kiosk", "id"),
                                   badge_code, raw, &added, &existing, &error)) {
    if (g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND)) {
      result = _foyer_flow_result_new (FOYER_FLOW_STATUS_UNKNOWN, raw);
      _foyer_flow_result_set_reasons (result, NULL, error->message);
    } else {
      g_warning ("badge check-in failed: %s", error->message);
      result = _foyer_flow_result_new (FOYER_FLOW_STATUS_ERROR, raw);
      _foyer_flow_result_take_error (result, g_steal_pointer (&error));
    }
    _foyer_flow_result_set_badge_code (result, badge_code);
    return result;
  }

  if (existing != NULL)
    return repeat_result (g_steal_pointer (&existing), raw);

  result = _foyer_flow_result_new (FOYER_FLOW_STATUS_CHECKED_IN, raw);
  _foyer_flow_result_set_badge_code (result, badge_code);
  _foyer_flow_result_take_registration (result, g_steal_pointer (&added));
  return result;
}

/* A genuine Foyer badge issued for another event: its record is in another event's books. */
static gboolean
is_other_event (FoyerKioskFlow     *self,
                const FoyerContact *contact)
{
  return contact->badge_event != NULL &&
         !foyer_badge_policy_event_matches (self->config, contact->badge_event);
}

static FoyerFlowResult *
wrong_event_result (FoyerKioskFlow     *self,
                    const FoyerContact *contact,
                    GBytes             *raw)
{
  g_autofree char *staff = g_strdup_printf (_("The badge was issued for the event “%s”, this "
                                              "kiosk checks in “%s”."),
                                            contact->badge_event,
                                            foyer_config_get_string (self->config, "kiosk",
                                                                     "event"));
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_WRONG_EVENT, raw);

  _foyer_flow_result_set_badge_code (result, contact->badge_code);
  _foyer_flow_result_set_reasons (result, NULL, staff);
  return result;
}

/* An unsigned code that [badge] accept-unsigned does not allow: unknown, looked up nowhere
 * else, so it checks nobody in and reveals no name. */
static FoyerFlowResult *
unsigned_refused_result (FoyerKioskFlow     *self,
                         const FoyerContact *contact,
                         GBytes             *raw)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_UNKNOWN, raw);
  g_autofree char *staff = NULL;

  if (foyer_badge_policy_accepts_unsigned (self->config))
    staff = g_strdup_printf (_("The code %s is not signed and not in the event’s "
                               "pre-registration list."), contact->badge_code);
  else
    staff = g_strdup_printf (_("The code %s is not signed, and this kiosk accepts signed "
                               "badges only ([badge] accept-unsigned=never)."),
                             contact->badge_code);
  _foyer_flow_result_set_badge_code (result, contact->badge_code);
  _foyer_flow_result_set_reasons (result, NULL, staff);
  return result;
}

static FoyerFlowResult *
badge_result (FoyerKioskFlow     *self,
              const FoyerContact *contact,
              GBytes             *raw)
{
  gboolean is_signed = g_strcmp0 (contact->format, FOYER_FORMAT_FOYER_BADGE) == 0;
  FoyerFlowResult *result;

  /* A genuine badge of another event neither checks in nor opens a lead, anywhere. */
  if (is_other_event (self, contact))
    return wrong_event_result (self, contact, raw);
  if (self->store == NULL)
    return no_store_result (raw);
  if (!is_signed) {
    g_autoptr(GError) error = NULL;

    if (!foyer_badge_policy_allows_unsigned (self->config, self->store, contact->badge_code,
                                             &error)) {
      if (error == NULL)
        return unsigned_refused_result (self, contact, raw);
      result = _foyer_flow_result_new (FOYER_FLOW_STATUS_ERROR, raw);
      _foyer_flow_result_take_error (result, g_steal_pointer (&error));
      return result;
    }
  }

  if (foyer_kiosk_flow_is_booth (self)) {
    /* A badge at a booth opens its lead card; the lead page reads the visitor from the store. */
    result = _foyer_flow_result_new (FOYER_FLOW_STATUS_LEAD, raw);
    _foyer_flow_result_set_badge_code (result, contact->badge_code);
    return result;
  }
  return check_in (self, contact->badge_code, raw);
}

static const char *
source_for_format (const char *format)
{
  if (g_strcmp0 (format, FOYER_FORMAT_VCARD) == 0)
    return FOYER_SOURCE_VCARD;
  if (g_strcmp0 (format, FOYER_FORMAT_MECARD) == 0)
    return FOYER_SOURCE_MECARD;
  if (g_strcmp0 (format, FOYER_FORMAT_BIZCARD) == 0)
    return FOYER_SOURCE_BIZCARD;
  return FOYER_SOURCE_MANUAL;
}

static gboolean
names_someone (const FoyerContact *contact)
{
  return contact->full_name != NULL || contact->organization != NULL ||
         (contact->emails != NULL && contact->emails[0] != NULL) ||
         (contact->phones != NULL && contact->phones[0] != NULL);
}

/* A business card at a booth: the visitor has no badge with them, the card says who it is. */
static FoyerFlowResult *
card_lead_result (const FoyerContact *contact,
                  GBytes             *raw)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_LEAD, raw);
  FoyerRegistration *visitor = foyer_registration_new ();

  visitor->kind = g_strdup (FOYER_KIND_LEAD);
  visitor->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  visitor->source = g_strdup (source_for_format (contact->format));
  visitor->full_name = g_strdup (contact->full_name);
  visitor->family_name = g_strdup (contact->family_name);
  visitor->given_name = g_strdup (contact->given_name);
  visitor->organization = g_strdup (contact->organization);
  visitor->title = g_strdup (contact->title);
  visitor->emails = g_strdupv (contact->emails);
  visitor->phones = g_strdupv (contact->phones);
  visitor->phones_unverified = g_strdupv (contact->phones_unverified);
  visitor->raw_payload = raw != NULL ? g_bytes_ref (raw) : NULL;
  _foyer_flow_result_take_registration (result, visitor);
  _foyer_flow_result_take_contact (result, foyer_contact_copy (contact));
  return result;
}

static gboolean
is_card_format (const char *format)
{
  return g_strcmp0 (format, FOYER_FORMAT_VCARD) == 0 ||
         g_strcmp0 (format, FOYER_FORMAT_MECARD) == 0 ||
         g_strcmp0 (format, FOYER_FORMAT_BIZCARD) == 0 ||
         g_strcmp0 (format, FOYER_FORMAT_EMAIL) == 0 ||
         g_strcmp0 (format, FOYER_FORMAT_PHONE) == 0;
}

static FoyerFlowResult *
contact_result (FoyerKioskFlow     *self,
                const FoyerContact *contact,
                GBytes             *raw)
{
  FoyerFlowResult *result;

  if (foyer_kiosk_flow_is_booth (self) && !contact->is_contact_link && names_someone (contact))
    return card_lead_result (contact, raw);
  if (contact->is_contact_link)
    return _foyer_flow_result_new (FOYER_FLOW_STATUS_CONTACT_LINK, raw);
  if (!is_card_format (contact->format))
    return _foyer_flow_result_new (FOYER_FLOW_STATUS_UNRECOGNIZED, raw);

  result = _foyer_flow_result_new (FOYER_FLOW_STATUS_REVIEW, raw);
  _foyer_flow_result_set_source (result, source_for_format (contact->format));
  _foyer_flow_result_take_contact (result, foyer_contact_copy (contact));
  return result;
}

static FoyerFlowResult *
forged_result (GBytes     *raw,
               const char *detail)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_FORGED, raw);

  _foyer_flow_result_set_reasons (result, NULL, detail);
  return result;
}

static FoyerFlowResult *
judge_code (FoyerKioskFlow *self,
                       GBytes         *raw)
{
  g_autoptr(FoyerContact) contact = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len = 0;

  data = g_bytes_get_data (raw, &len);
  contact = foyer_payload_parse (data, len, self->options, &error);
  if (contact == NULL) {
    if (g_error_matches (error, FOYER_PAYLOAD_ERROR, FOYER_PAYLOAD_ERROR_INVALID))
      return forged_result (raw, error->message);
    return _foyer_flow_result_new (FOYER_FLOW_STATUS_UNRECOGNIZED, raw);
  }

  g_debug ("scanned a %s code", contact->format);

  if (g_strcmp0 (contact->format, FOYER_FORMAT_FOYER_BADGE) == 0) {
    if (!contact->badge_verified || contact->badge_code == NULL)
      return forged_result (raw, _("The badge’s signature cannot be checked on this kiosk"));
    return badge_result (self, contact, raw);
  }
  if (g_strcmp0 (contact->format, FOYER_FORMAT_BADGE) == 0 && contact->badge_code != NULL)
    return badge_result (self, contact, raw);
  return contact_result (self, contact, raw);
}

gboolean
foyer_kiosk_flow_get_scan_locked (FoyerKioskFlow *self)
{
  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), FALSE);
  return foyer_scan_limiter_is_locked (self->limiter);
}

void
foyer_kiosk_flow_unlock_scanning (FoyerKioskFlow *self)
{
  g_return_if_fail (FOYER_IS_KIOSK_FLOW (self));
  foyer_scan_limiter_unlock (self->limiter);
}

static FoyerFlowResult *
locked_result (GBytes *raw)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_LOCKED, raw);

  _foyer_flow_result_set_reasons (result, NULL,
                                  _("Too many unknown codes in a short time: scanning is paused "
                                    "until staff enter the PIN."));
  return result;
}

/* Every code goes through here: a paused kiosk answers without looking anything up, and a
 * burst of unknown or forged codes pauses it (someone trying ticket numbers). */
FoyerFlowResult *
foyer_kiosk_flow_scan (FoyerKioskFlow *self,
                       GBytes         *raw)
{
  FoyerFlowResult *result;
  FoyerFlowStatus status;

  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  g_return_val_if_fail (raw != NULL, NULL);

  if (foyer_scan_limiter_is_locked (self->limiter))
    return locked_result (raw);
  result = judge_code (self, raw);
  status = foyer_flow_result_get_status (result);
  if ((status == FOYER_FLOW_STATUS_UNKNOWN || status == FOYER_FLOW_STATUS_FORGED) &&
      foyer_scan_limiter_add_unknown (self->limiter)) {
    g_object_unref (result);
    return locked_result (raw);
  }
  return result;
}

/* --- submitted forms --------------------------------------------------------------------- */

const char *
foyer_kiosk_flow_badge_payload (const FoyerRegistration *reg)
{
  g_return_val_if_fail (reg != NULL, NULL);

  if (reg->badge_code != NULL && *reg->badge_code != '\0')
    return reg->badge_code;
  return reg->id;
}

/* A kiosk with a signing key issues Foyer's signed badge code (docs/badge-format.md), which
 * any kiosk of the event can check offline; it becomes the registration's badge code so that a
 * later scan of it finds this visitor. */
static void
issue_badge (FoyerKioskFlow    *self,
             FoyerRegistration *reg)
{
  g_autoptr(GError) error = NULL;

  if (self->badge_codes == NULL)
    return;
  if (!foyer_badge_code_prepare_registration (self->badge_codes, reg, &error))
    g_warning ("cannot sign the badge: %s", error->message);
}

static FoyerFlowResult *
cannot_save_result (FoyerKioskFlow *self)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_ERROR, NULL);

  _foyer_flow_result_take_error (result,
                                 g_error_new_literal (FOYER_STORE_ERROR,
                                                      self->store_error != NULL
                                                      ? self->store_error->code
                                                      : FOYER_STORE_ERROR_FAILED,
                                                      _("Registrations cannot be saved on this "
                                                        "kiosk right now. Please ask staff for "
                                                        "help.")));
  return result;
}

FoyerFlowResult *
foyer_kiosk_flow_register (FoyerKioskFlow    *self,
                           FoyerRegistration *reg)
{
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autoptr(GError) error = NULL;
  FoyerFlowResult *result;

  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  g_return_val_if_fail (reg != NULL, NULL);

  if (self->store == NULL)
    return cannot_save_result (self);

  if (reg->event == NULL)
    reg->event = g_strdup (foyer_config_get_string (self->config, "kiosk", "event"));
  if (reg->kiosk_id == NULL)
    reg->kiosk_id = g_strdup (foyer_config_get_string (self->config, "kiosk", "id"));

  issue_badge (self, reg);
  if (!foyer_store_add_registration (self->store, reg, &existing, &error)) {
    result = _foyer_flow_result_new (FOYER_FLOW_STATUS_ERROR, NULL);
    _foyer_flow_result_take_error (result, g_steal_pointer (&error));
    return result;
  }
  if (existing != NULL)
    return repeat_result (g_steal_pointer (&existing), NULL);

  result = _foyer_flow_result_new (FOYER_FLOW_STATUS_REGISTERED, reg->raw_payload);
  _foyer_flow_result_set_badge_code (result, reg->badge_code);
  _foyer_flow_result_set_badge_payload (result, foyer_kiosk_flow_badge_payload (reg));
  _foyer_flow_result_set_auto_print (result, foyer_config_get_boolean (self->config, "badge",
                                                                       "auto-print"));
  _foyer_flow_result_take_registration (result, foyer_registration_copy (reg));
  return result;
}
