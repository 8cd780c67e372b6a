/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-enroll-code.h: the one-time code that connects a kiosk to a hub (docs/hub.md).
 *
 * "FYE1:" + base64url (no padding) of {"url","event","secret"[,"pin"][,"device"]}: the hub's
 * public URL, the event, a one-time secret, "sha256:<hex>" of the hub's TLS certificate (absent
 * for plain http on loopback) and the device's name (shown before connecting; optional). Written by `foyer-hub device add`, read by `foyerctl enroll` and the kiosk's
 * "Connect to head office" page. Shared by both sides, so in foyer-core.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FOYER_ENROLL_CODE_ERROR (foyer_enroll_code_error_quark ())

typedef enum {
  FOYER_ENROLL_CODE_ERROR_INVALID = 1,   /* not an enrollment code, or damaged */
} FoyerEnrollCodeError;

GQuark foyer_enroll_code_error_quark (void);

#define FOYER_ENROLL_CODE_PREFIX  "FYE1:"
#define FOYER_ENROLL_CODE_MAX_LEN 2048

typedef struct {
  char *url;
  char *event;
  char *secret;
  char *pin;      /* "sha256:<64 hex>" or NULL */
  char *device;   /* the name the hub gave the device, or NULL */
} FoyerEnrollCode;

void             foyer_enroll_code_free   (FoyerEnrollCode        *code);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerEnrollCode, foyer_enroll_code_free)

char            *foyer_enroll_code_encode (const FoyerEnrollCode  *code);
/* Leading/trailing white space is ignored (a scanner's Enter, a pasted line). */
FoyerEnrollCode *foyer_enroll_code_decode (const char             *text,
                                           GError                **error);

G_END_DECLS
