/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-flow-result.c: the answer of the kiosk flow (see foyer-flow-result.h). */
#define G_LOG_DOMAIN "foyer-flow"

#include "config.h"

#include "foyer-flow-result-private.h"

struct _FoyerFlowResult {
  GObject            parent_instance;

  FoyerFlowStatus    status;
  gboolean           admitted;
  gboolean           auto_print;
  FoyerRegistration *registration;
  FoyerContact      *contact;
  GBytes            *raw;
  GError            *error;
  char              *source;
  char              *badge_code;
  char              *badge_payload;
  char              *previous_time;
  char              *previous_gate;
  char              *visitor_reason;
  char              *staff_reason;
};

G_DEFINE_FINAL_TYPE (FoyerFlowResult, foyer_flow_result, G_TYPE_OBJECT)

static const char * const status_nicks[] = {
  [FOYER_FLOW_STATUS_CHECKED_IN] = "checked-in",
  [FOYER_FLOW_STATUS_REPEAT] = "repeat",
  [FOYER_FLOW_STATUS_REGISTERED] = "registered",
  [FOYER_FLOW_STATUS_REVIEW] = "review",
  [FOYER_FLOW_STATUS_LEAD] = "lead",
  [FOYER_FLOW_STATUS_CONTACT_LINK] = "contact-link",
  [FOYER_FLOW_STATUS_UNKNOWN] = "unknown",
  [FOYER_FLOW_STATUS_UNRECOGNIZED] = "unrecognized",
  [FOYER_FLOW_STATUS_FORGED] = "forged",
  [FOYER_FLOW_STATUS_REVOKED] = "revoked",
  [FOYER_FLOW_STATUS_WRONG_EVENT] = "wrong-event",
  [FOYER_FLOW_STATUS_REFUSED] = "refused",
  [FOYER_FLOW_STATUS_ERROR] = "error",
};

const char *
foyer_flow_status_to_nick (FoyerFlowStatus status)
{
  if ((guint)status >= G_N_ELEMENTS (status_nicks) || status_nicks[status] == NULL)
    return "invalid";
  return status_nicks[status];
}

static void
foyer_flow_result_finalize (GObject *object)
{
  FoyerFlowResult *self = (FoyerFlowResult *)object;

  g_clear_pointer (&self->registration, foyer_registration_free);
  g_clear_pointer (&self->contact, foyer_contact_free);
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->badge_code, g_free);
  g_clear_pointer (&self->badge_payload, g_free);
  g_clear_pointer (&self->previous_time, g_free);
  g_clear_pointer (&self->previous_gate, g_free);
  g_clear_pointer (&self->visitor_reason, g_free);
  g_clear_pointer (&self->staff_reason, g_free);

  G_OBJECT_CLASS (foyer_flow_result_parent_class)->finalize (object);
}

static void
foyer_flow_result_class_init (FoyerFlowResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_flow_result_finalize;
}

static void
foyer_flow_result_init (FoyerFlowResult *self)
{
}

/* --- private: filled in by the flow ------------------------------------------------------ */

FoyerFlowResult *
_foyer_flow_result_new (FoyerFlowStatus  status,
                        GBytes          *raw)
{
  FoyerFlowResult *self = g_object_new (FOYER_TYPE_FLOW_RESULT, NULL);

  _foyer_flow_result_set_status (self, status);
  self->raw = raw != NULL ? g_bytes_ref (raw) : NULL;
  return self;
}

void
_foyer_flow_result_set_status (FoyerFlowResult *self,
                               FoyerFlowStatus  status)
{
  self->status = status;
  /* The default answer at the door; rules (re-entry, gates) may say otherwise afterwards. */
  self->admitted = status == FOYER_FLOW_STATUS_CHECKED_IN ||
                   status == FOYER_FLOW_STATUS_REPEAT ||
                   status == FOYER_FLOW_STATUS_REGISTERED;
}

void
_foyer_flow_result_set_admitted (FoyerFlowResult *self,
                                 gboolean         admitted)
{
  self->admitted = admitted;
}

void
_foyer_flow_result_take_registration (FoyerFlowResult   *self,
                                      FoyerRegistration *reg)
{
  g_clear_pointer (&self->registration, foyer_registration_free);
  self->registration = reg;
}

void
_foyer_flow_result_take_contact (FoyerFlowResult *self,
                                 FoyerContact    *contact)
{
  g_clear_pointer (&self->contact, foyer_contact_free);
  self->contact = contact;
}

static void
replace_string (char       **field,
                const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

void
_foyer_flow_result_set_source (FoyerFlowResult *self,
                               const char      *source)
{
  replace_string (&self->source, source);
}

void
_foyer_flow_result_set_badge_code (FoyerFlowResult *self,
                                   const char      *badge_code)
{
  replace_string (&self->badge_code, badge_code);
}

void
_foyer_flow_result_set_badge_payload (FoyerFlowResult *self,
                                      const char      *payload)
{
  replace_string (&self->badge_payload, payload);
}

void
_foyer_flow_result_set_auto_print (FoyerFlowResult *self,
                                   gboolean         auto_print)
{
  self->auto_print = auto_print;
}

void
_foyer_flow_result_set_previous (FoyerFlowResult *self,
                                 const char      *time,
                                 const char      *gate)
{
  replace_string (&self->previous_time, time);
  replace_string (&self->previous_gate, gate);
}

void
_foyer_flow_result_set_reasons (FoyerFlowResult *self,
                                const char      *visitor_reason,
                                const char      *staff_reason)
{
  replace_string (&self->visitor_reason, visitor_reason);
  replace_string (&self->staff_reason, staff_reason);
}

void
_foyer_flow_result_take_error (FoyerFlowResult *self,
                               GError          *error)
{
  g_clear_error (&self->error);
  self->error = error;
}

/* --- public getters ---------------------------------------------------------------------- */

FoyerFlowStatus
foyer_flow_result_get_status (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), FOYER_FLOW_STATUS_ERROR);
  return self->status;
}

gboolean
foyer_flow_result_get_admitted (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), FALSE);
  return self->admitted;
}

const FoyerRegistration *
foyer_flow_result_get_registration (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->registration;
}

const FoyerContact *
foyer_flow_result_get_contact (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->contact;
}

const char *
foyer_flow_result_get_source (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->source;
}

GBytes *
foyer_flow_result_get_raw (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->raw;
}

const char *
foyer_flow_result_get_badge_code (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->badge_code;
}

const char *
foyer_flow_result_get_badge_payload (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->badge_payload;
}

gboolean
foyer_flow_result_get_auto_print (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), FALSE);
  return self->auto_print;
}

const char *
foyer_flow_result_get_previous_time (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->previous_time;
}

const char *
foyer_flow_result_get_previous_gate (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->previous_gate;
}

const char *
foyer_flow_result_get_visitor_reason (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->visitor_reason;
}

const char *
foyer_flow_result_get_staff_reason (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->staff_reason;
}

const GError *
foyer_flow_result_get_error (FoyerFlowResult *self)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (self), NULL);
  return self->error;
}
