/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-secret.h: reading the files that hold secrets (the sync token, the Tryton password,
 * the badge signing key), refusing them while other users may read them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Secret files are small; anything larger is not one. */
#define FOYER_SECRET_MAX_BYTES (64 * 1024)

#define FOYER_SECRET_ERROR (foyer_secret_error_quark ())

typedef enum {
  FOYER_SECRET_ERROR_UNREADABLE = 1,  /* missing, no permission, not a regular file, too large */
  FOYER_SECRET_ERROR_TOO_OPEN,        /* group or others have access: chmod 600 */
} FoyerSecretError;

GQuark   foyer_secret_error_quark (void);

/* Reads path whole (at most FOYER_SECRET_MAX_BYTES) after checking, on the opened file, that
 * neither its group nor others have any permission on it. what names the file for people, e.g.
 * "the token file ([sync] token-file)"; messages name the file and the chmod to run.
 * *length may be NULL. The contents are NUL-terminated. */
gboolean foyer_secret_read_file   (const char  *path,
                                   const char  *what,
                                   char       **contents,
                                   gsize       *length,
                                   GError     **error);

/* Overwrites and frees a secret read by foyer_secret_read_file(). */
void     foyer_secret_free        (char        *contents);

G_END_DECLS
