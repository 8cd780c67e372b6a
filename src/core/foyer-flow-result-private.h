/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-flow-result-private.h: how the kiosk flow (and its rules) fill in a result. */
#pragma once

#include "foyer-flow-result.h"

G_BEGIN_DECLS

FoyerFlowResult *_foyer_flow_result_new                (FoyerFlowStatus          status,
                                                        GBytes                  *raw);
void             _foyer_flow_result_set_status         (FoyerFlowResult         *self,
                                                        FoyerFlowStatus          status);
void             _foyer_flow_result_set_admitted       (FoyerFlowResult         *self,
                                                        gboolean                 admitted);
/* The setters below take ownership of what they are given. */
void             _foyer_flow_result_take_registration  (FoyerFlowResult         *self,
                                                        FoyerRegistration       *reg);
void             _foyer_flow_result_take_contact       (FoyerFlowResult         *self,
                                                        FoyerContact            *contact);
void             _foyer_flow_result_set_source         (FoyerFlowResult         *self,
                                                        const char              *source);
void             _foyer_flow_result_set_badge_code     (FoyerFlowResult         *self,
                                                        const char              *badge_code);
void             _foyer_flow_result_set_badge_payload  (FoyerFlowResult         *self,
                                                        const char              *payload);
void             _foyer_flow_result_set_auto_print     (FoyerFlowResult         *self,
                                                        gboolean                 auto_print);
void             _foyer_flow_result_set_previous       (FoyerFlowResult         *self,
                                                        const char              *time,
                                                        const char              *gate);
void             _foyer_flow_result_set_reasons        (FoyerFlowResult         *self,
                                                        const char              *visitor_reason,
                                                        const char              *staff_reason);
void             _foyer_flow_result_take_error         (FoyerFlowResult         *self,
                                                        GError                  *error);

G_END_DECLS
