/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-enroll-private.h: the parser of the hub's answer, for its fuzz target. */
#pragma once

#include "foyer-enroll.h"

G_BEGIN_DECLS

/* Reads POST /v1/enroll's answer (status, body) into self; FOYER_ENROLL_ERROR otherwise. */
gboolean _foyer_enroll_read_answer (FoyerEnroll  *self,
                                    long          status,
                                    const char   *body,
                                    gsize         len,
                                    GError      **error);

G_END_DECLS
