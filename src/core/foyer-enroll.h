/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-enroll.h: connecting a kiosk to a head-office hub with an enrollment code.
 *
 * The exchange (pinned certificate, POST /v1/enroll) and the writing of the kiosk's
 * configuration, shared by `foyerctl enroll` and the Admin page's "Connect to head office".
 * No GTK; the _async variant runs the whole exchange in a GTask thread so that the UI never
 * waits on the network. See docs/hub.md, "Enrollment".
 */
#pragma once

#include <gio/gio.h>

#include "foyer-config.h"

G_BEGIN_DECLS

#define FOYER_ENROLL_ERROR (foyer_enroll_error_quark ())

/* One code per thing a person can do something about; the messages say what. */
typedef enum {
  FOYER_ENROLL_ERROR_NOT_A_CODE = 1,  /* not a Foyer enrollment code, or damaged */
  FOYER_ENROLL_ERROR_CODE_USED,       /* the hub says the code was already exchanged */
  FOYER_ENROLL_ERROR_CODE_EXPIRED,    /* the hub says the code is past [hub] enroll-ttl */
  FOYER_ENROLL_ERROR_REFUSED,         /* any other refusal: unknown code, revoked device */
  FOYER_ENROLL_ERROR_UNREACHABLE,     /* no answer from the hub's address */
  FOYER_ENROLL_ERROR_PIN_MISMATCH,    /* the server's certificate is not the one pinned */
  FOYER_ENROLL_ERROR_NOT_A_HUB,       /* an answer, but not a Foyer hub's */
  FOYER_ENROLL_ERROR_INSECURE,        /* plain http:// off this machine, not allowed */
  FOYER_ENROLL_ERROR_CONFIG,          /* the configuration cannot be read or written */
  FOYER_ENROLL_ERROR_OWNER,           /* (root) no such user, or the files cannot be given */
} FoyerEnrollError;

GQuark foyer_enroll_error_quark (void);

#define FOYER_TYPE_ENROLL (foyer_enroll_get_type ())
G_DECLARE_FINAL_TYPE (FoyerEnroll, foyer_enroll, FOYER, ENROLL, GObject)

/* Parses the code (a scanner's Enter or a pasted line's spaces are ignored); fails with
 * FOYER_ENROLL_ERROR_NOT_A_CODE. Nothing is sent yet. */
FoyerEnroll *foyer_enroll_new             (const char           *code,
                                           GError              **error);

/* What the code is for, to show before connecting. device is NULL for codes of hubs older than
 * the device member. */
const char  *foyer_enroll_get_url         (FoyerEnroll          *self);
const char  *foyer_enroll_get_event       (FoyerEnroll          *self);
const char  *foyer_enroll_get_device      (FoyerEnroll          *self);
/* TRUE when the code pins the hub's TLS certificate (https). */
gboolean     foyer_enroll_get_pinned      (FoyerEnroll          *self);

/* When running as root: give the written files to user (the user the kiosk runs as). Fails
 * with FOYER_ENROLL_ERROR_OWNER when there is no such user; ignored when not root. */
gboolean     foyer_enroll_set_owner       (FoyerEnroll          *self,
                                           const char           *user,
                                           GError              **error);

/* Checks the pin, exchanges the secret and writes the configuration file config_path (created
 * when missing) and, beside it, hub-token (0600), hub-ca.pem, badge-verify.pem and
 * badge-signing.pem (0600, --prints devices). Before anything is sent it checks that the
 * folder can be written, so a code is not spent on a kiosk that cannot keep it. A kiosk that
 * was not enrolled before moves its records that head office has not received into the hub's
 * event (they were registered under a placeholder event). Blocks: call from a worker. */
gboolean     foyer_enroll_run             (FoyerEnroll          *self,
                                           const char           *config_path,
                                           GCancellable         *cancellable,
                                           GError              **error);
/* The same in a GTask thread; callback runs in the caller's thread-default main context. */
void         foyer_enroll_run_async       (FoyerEnroll          *self,
                                           const char           *config_path,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean     foyer_enroll_run_finish      (FoyerEnroll          *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* After a successful run: the device name and event the hub enrolled, the event's display
 * name (may be NULL), and how many waiting records were moved into the hub's event. */
const char  *foyer_enroll_get_enrolled_device (FoyerEnroll      *self);
const char  *foyer_enroll_get_enrolled_event  (FoyerEnroll      *self);
const char  *foyer_enroll_get_event_name      (FoyerEnroll      *self);
guint        foyer_enroll_get_n_adopted       (FoyerEnroll      *self);
/* After a successful run: sets the keys written to the file in config too, so a running kiosk
 * (its sync engine, its flow) uses the new connection without a restart. */
void         foyer_enroll_apply           (FoyerEnroll          *self,
                                           FoyerConfig          *config);

/* A configuration file rewritten by enrollment elsewhere (`foyerctl enroll` while the kiosk
 * runs): when written connects to a hub other than running does, its connection keys ([sync],
 * [badge] keys, [kiosk] id/event/mode/booth) are copied into running and TRUE is returned. */
gboolean     foyer_enroll_take_connection (FoyerConfig       *running,
                                           FoyerConfig       *written);
/* Whether config already connects to a hub ([sync] backend=http-json with url and
 * token-file): the Admin page asks before replacing such a connection. */
gboolean     foyer_enroll_config_is_enrolled (FoyerConfig       *config);
/* The file enrollment writes for config: the file it was loaded from, else
 * ~/.config/foyer/foyer.conf. */
char        *foyer_enroll_config_target      (FoyerConfig       *config);

G_END_DECLS
