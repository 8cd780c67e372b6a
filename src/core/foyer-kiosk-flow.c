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
#include "foyer-store-checkins.h"

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
  char                *direction;        /* FOYER_DIRECTION_ENTRY | _EXIT: what a scan records */
  gboolean             dry_run;          /* decide only (foyerctl check-in --dry-run) */
};

enum {
  PROP_0,
  PROP_DIRECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
  g_free (self->direction);

  G_OBJECT_CLASS (foyer_kiosk_flow_parent_class)->finalize (object);
}

static void
foyer_kiosk_flow_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FoyerKioskFlow *self = FOYER_KIOSK_FLOW (object);

  switch (prop_id) {
  case PROP_DIRECTION:
    g_value_set_string (value, self->direction);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_kiosk_flow_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FoyerKioskFlow *self = FOYER_KIOSK_FLOW (object);

  switch (prop_id) {
  case PROP_DIRECTION:
    foyer_kiosk_flow_set_direction (self, g_value_get_string (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_kiosk_flow_class_init (FoyerKioskFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = foyer_kiosk_flow_finalize;
  object_class->get_property = foyer_kiosk_flow_get_property;
  object_class->set_property = foyer_kiosk_flow_set_property;

  /**
   * FoyerKioskFlow:direction:
   *
   * What a badge scan records: "entry" or "exit". Starts from [kiosk] direction ("both"
   * starts as "entry"); staff switch it on a kiosk configured with both.
   */
  properties[PROP_DIRECTION] =
    g_param_spec_string ("direction", NULL, NULL, FOYER_DIRECTION_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
foyer_kiosk_flow_init (FoyerKioskFlow *self)
{
  self->direction = g_strdup (FOYER_DIRECTION_ENTRY);
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
  if (g_strcmp0 (foyer_config_get_string (config, "kiosk", "direction"), "exit") == 0)
    foyer_kiosk_flow_set_direction (self, FOYER_DIRECTION_EXIT);
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

void
foyer_kiosk_flow_reload_gate_rules (FoyerKioskFlow *self)
{
  g_return_if_fail (FOYER_IS_KIOSK_FLOW (self));

  g_clear_object (&self->gate_rules);
  g_clear_error (&self->gate_error);
  self->gate_rules = foyer_gate_rules_new_from_config (self->config, NULL, &self->gate_error);
}

const char *
foyer_kiosk_flow_get_direction (FoyerKioskFlow *self)
{
  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  return self->direction;
}

void
foyer_kiosk_flow_set_direction (FoyerKioskFlow *self,
                                const char     *direction)
{
  g_return_if_fail (FOYER_IS_KIOSK_FLOW (self));
  g_return_if_fail (g_strcmp0 (direction, FOYER_DIRECTION_ENTRY) == 0 ||
                    g_strcmp0 (direction, FOYER_DIRECTION_EXIT) == 0);

  if (g_strcmp0 (self->direction, direction) == 0)
    return;
  g_free (self->direction);
  self->direction = g_strdup (direction);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTION]);
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

/* --- the check-in of a badge at an entry or exit kiosk ------------------------------------
 *
 * One decision in steps, each of which may end it (gate rules add theirs between the badge's
 * status and the repeat check):
 *   1. who holds the badge: unknown, or revoked at head office (refused offline);
 *   2. [gate] rules (refused);
 *   3. an exit is recorded as such;
 *   4. an entry after an earlier one at any gate (the pulled log): repeat, admitted unless
 *      [gate] reentry=refuse;
 *   5. recorded (unless dry run) and queued for head office.
 */

typedef struct {
  const char        *badge_code;
  GBytes            *raw;
  FoyerBadgeStatus   status;
  FoyerRegistration *visitor;      /* owned */
  char              *reason;       /* revocation's reason, owned */
} CheckInCase;

static void
check_in_case_clear (CheckInCase *c)
{
  g_clear_pointer (&c->visitor, foyer_registration_free);
  g_clear_pointer (&c->reason, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CheckInCase, check_in_case_clear)

static FoyerFlowResult *
error_result (GError  *error,
              GBytes  *raw)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_ERROR, raw);

  g_warning ("badge check-in failed: %s", error->message);
  _foyer_flow_result_take_error (result, error);
  return result;
}

static FoyerFlowResult *
revoked_result (CheckInCase *c)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_REVOKED, c->raw);
  g_autofree char *staff = g_strdup_printf (_("The badge %s was cancelled at head office: %s"),
                                            c->badge_code,
                                            c->reason != NULL ? c->reason : _("no reason given"));

  _foyer_flow_result_set_badge_code (result, c->badge_code);
  _foyer_flow_result_set_reasons (result, _("This badge is no longer valid. Please see the "
                                            "registration desk."), staff);
  _foyer_flow_result_take_registration (result, g_steal_pointer (&c->visitor));
  return result;
}

static FoyerFlowResult *
unknown_result (CheckInCase *c)
{
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_UNKNOWN, c->raw);
  g_autofree char *staff = g_strdup_printf (_("The badge %s is not pre-registered for this "
                                              "event. Register the visitor at the kiosk "
                                              "instead."), c->badge_code);

  _foyer_flow_result_set_badge_code (result, c->badge_code);
  _foyer_flow_result_set_reasons (result, NULL, staff);
  return result;
}

/* "09:12" in this kiosk's time zone, from an RFC 3339 time. */
static char *
local_hh_mm (const char *at)
{
  g_autoptr(GDateTime) utc = at != NULL ? g_date_time_new_from_iso8601 (at, NULL) : NULL;
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup (at != NULL ? at : "");
}

/* An entry after an earlier one: where and when, and what [gate] reentry says. */
static FoyerFlowResult *
cross_gate_repeat (FoyerKioskFlow     *self,
                   CheckInCase        *c,
                   const FoyerCheckIn *earlier)
{
  const char *policy = foyer_config_get_string (self->config, "gate", "reentry");
  FoyerFlowResult *result = _foyer_flow_result_new (FOYER_FLOW_STATUS_REPEAT, c->raw);
  g_autofree char *time = local_hh_mm (earlier->at);
  g_autofree char *said = g_strdup_printf (_("Already checked in at %s, %s"),
                                           earlier->gate != NULL ? earlier->gate : "?", time);

  _foyer_flow_result_set_badge_code (result, c->badge_code);
  _foyer_flow_result_set_previous (result, earlier->at, earlier->gate);
  if (g_strcmp0 (policy, "refuse") == 0) {
    g_autofree char *visitor = g_strdup_printf (_("%s. Re-entry is not allowed: please see "
                                                  "staff."), said);

    _foyer_flow_result_set_admitted (result, FALSE);
    _foyer_flow_result_set_reasons (result, visitor, said);
  } else {
    _foyer_flow_result_set_admitted (result, TRUE);
    _foyer_flow_result_set_reasons (result, g_strcmp0 (policy, "allow") == 0 ? NULL : said, said);
  }
  return result;
}

/* Writes the admitted check-in (entry or exit) into the log and the outbox. */
static gboolean
record_check_in (FoyerKioskFlow  *self,
                 CheckInCase     *c,
                 GError         **error)
{
  g_autoptr(FoyerRegistration) visitor = NULL;

  if (self->dry_run)
    return TRUE;
  if (!foyer_store_record_check_in (self->store,
                                    foyer_config_get_string (self->config, "kiosk", "event"),
                                    foyer_config_get_string (self->config, "kiosk", "id"),
                                    foyer_config_get_string (self->config, "kiosk", "area"),
                                    c->badge_code, self->direction, c->raw, NULL, &visitor,
                                    error))
    return FALSE;
  g_clear_pointer (&c->visitor, foyer_registration_free);
  c->visitor = g_steal_pointer (&visitor);
  return TRUE;
}

/* Steps 3–5, for a valid badge. */
static FoyerFlowResult *
admit (FoyerKioskFlow *self,
       CheckInCase    *c)
{
  g_autoptr(FoyerCheckIn) earlier = NULL;
  g_autoptr(GError) error = NULL;
  FoyerFlowResult *result;
  gboolean entry = g_strcmp0 (self->direction, FOYER_DIRECTION_EXIT) != 0;

  if (entry) {
    earlier = foyer_store_last_entry (self->store,
                                      foyer_config_get_string (self->config, "kiosk", "event"),
                                      c->badge_code, &error);
    if (error != NULL)
      return error_result (g_steal_pointer (&error), c->raw);
    /* A visitor this kiosk registered (walk-in), scanned again: registered before. */
    if (earlier == NULL && c->visitor != NULL && c->visitor->id != NULL &&
        g_strcmp0 (c->visitor->kind, FOYER_KIND_CHECK_IN) != 0)
      return repeat_result (g_steal_pointer (&c->visitor), c->raw);
  }

  result = earlier != NULL ? cross_gate_repeat (self, c, earlier)
                           : _foyer_flow_result_new (FOYER_FLOW_STATUS_CHECKED_IN, c->raw);
  if (foyer_flow_result_get_admitted (result) && !record_check_in (self, c, &error)) {
    g_object_unref (result);
    return error_result (g_steal_pointer (&error), c->raw);
  }
  _foyer_flow_result_set_badge_code (result, c->badge_code);
  if (c->visitor != NULL)
    _foyer_flow_result_take_registration (result, g_steal_pointer (&c->visitor));
  return result;
}

/* [gate] rules (docs/gate-rules.md) --------------------------------------------------------- */

static gboolean
gate_admits_entries (FoyerKioskFlow  *self,
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
  if (!foyer_store_count_entries (self->store,
                                  foyer_config_get_string (self->config, "kiosk", "event"),
                                  badge_code, start, end, &entries, &error))
    g_debug ("gate rules: cannot count entries: %s", error->message);
  return foyer_gate_rules_admits_entries (self->gate_rules, entries, visitor_reason,
                                          staff_reason);
}

/* Step 2, for a valid badge: the visitor's category, the opening hours, the visitor's entries
 * today (before the repeat check of step 4: docs/gate-rules.md says why). NULL when the gate
 * admits the visitor. */
static FoyerFlowResult *
gate_refusal (FoyerKioskFlow *self,
              CheckInCase    *c)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *visitor_reason = NULL;
  g_autofree char *staff_reason = NULL;
  FoyerFlowResult *result;

  if (self->gate_rules == NULL) {
    staff_reason = g_strdup (self->gate_error->message);
  } else {
    if (!foyer_gate_rules_is_active (self->gate_rules))
      return NULL;
    now = foyer_gate_rules_now (self->gate_rules);
    if (foyer_gate_rules_admits_category (self->gate_rules,
                                          c->visitor != NULL ? c->visitor->category : NULL,
                                          &visitor_reason, &staff_reason) &&
        foyer_gate_rules_is_open (self->gate_rules, now, &visitor_reason, &staff_reason) &&
        gate_admits_entries (self, c->badge_code, now, &visitor_reason, &staff_reason))
      return NULL;
  }
  g_debug ("gate rules refused a badge: %s", staff_reason);
  result = _foyer_flow_result_new (FOYER_FLOW_STATUS_REFUSED, c->raw);
  _foyer_flow_result_set_badge_code (result, c->badge_code);
  _foyer_flow_result_set_reasons (result, visitor_reason, staff_reason);
  return result;
}

static FoyerFlowResult *
check_in (FoyerKioskFlow *self,
          const char     *badge_code,
          GBytes         *raw)
{
  g_auto(CheckInCase) c = { .badge_code = badge_code, .raw = raw };
  g_autoptr(GError) error = NULL;
  FoyerFlowResult *refused;

  if (self->store == NULL)
    return no_store_result (raw);

  /* 1. who holds the badge */
  if (!foyer_store_lookup_badge_status (self->store,
                                        foyer_config_get_string (self->config, "kiosk", "event"),
                                        badge_code, &c.status, &c.visitor, &c.reason, &error))
    return error_result (g_steal_pointer (&error), raw);
  if (c.status == FOYER_BADGE_STATUS_UNKNOWN)
    return unknown_result (&c);
  if (c.status == FOYER_BADGE_STATUS_REVOKED)
    return revoked_result (&c);

  /* 2. [gate] rules: refused (issue 20); anyone may leave, so an exit skips them */
  if (g_strcmp0 (self->direction, FOYER_DIRECTION_EXIT) != 0 &&
      (refused = gate_refusal (self, &c)) != NULL)
    return refused;

  /* 3.–5. */
  return admit (self, &c);
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

FoyerFlowResult *
foyer_kiosk_flow_scan_full (FoyerKioskFlow *self,
                            GBytes         *raw,
                            const char     *direction,
                            gboolean        dry_run)
{
  g_autofree char *saved = NULL;
  FoyerFlowResult *result;

  g_return_val_if_fail (FOYER_IS_KIOSK_FLOW (self), NULL);
  g_return_val_if_fail (raw != NULL, NULL);

  if (direction != NULL) {
    saved = g_strdup (self->direction);
    g_free (self->direction);
    self->direction = g_strdup (direction);
  }
  self->dry_run = dry_run;
  result = foyer_kiosk_flow_scan (self, raw);
  self->dry_run = FALSE;
  if (saved != NULL) {
    g_free (self->direction);
    self->direction = g_steal_pointer (&saved);
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
