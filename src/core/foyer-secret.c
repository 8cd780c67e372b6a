/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-secret.c: permission-checked reads of secret files.
 *
 * The mode is checked with fstat() on the descriptor that is then read, so a file swapped
 * between the check and the read cannot slip through.
 */
#define G_LOG_DOMAIN "foyer-secret"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "foyer-secret.h"

G_DEFINE_QUARK (foyer-secret-error-quark, foyer_secret_error)

static gboolean
read_all (int     fd,
          char   *buf,
          gsize   size,
          gsize  *length)
{
  gsize done = 0;

  while (done < size) {
    gssize n = read (fd, buf + done, size - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    if (n == 0)
      break;
    done += (gsize)n;
  }
  *length = done;
  return TRUE;
}

gboolean
foyer_secret_read_file (const char  *path,
                        const char  *what,
                        char       **contents,
                        gsize       *length,
                        GError     **error)
{
  struct stat st;
  g_autofree char *buf = NULL;
  gsize n = 0;
  int fd;
  int saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (what != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0) {
    saved = errno;
    g_set_error (error, FOYER_SECRET_ERROR, FOYER_SECRET_ERROR_UNREADABLE,
                 _("Cannot read %s %s: %s"), what, path, g_strerror (saved));
    return FALSE;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_close (fd, NULL);
    g_set_error (error, FOYER_SECRET_ERROR, FOYER_SECRET_ERROR_UNREADABLE,
                 _("Cannot read %s %s: not a regular file"), what, path);
    return FALSE;
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    g_close (fd, NULL);
    g_set_error (error, FOYER_SECRET_ERROR, FOYER_SECRET_ERROR_TOO_OPEN,
                 _("Refusing %s %s: other users of this computer can read it; "
                   "run “chmod 600 %s” and try again"), what, path, path);
    return FALSE;
  }
  if (st.st_size > FOYER_SECRET_MAX_BYTES) {
    g_close (fd, NULL);
    g_set_error (error, FOYER_SECRET_ERROR, FOYER_SECRET_ERROR_UNREADABLE,
                 _("Cannot read %s %s: too large for a key or a password"), what, path);
    return FALSE;
  }

  buf = g_malloc (FOYER_SECRET_MAX_BYTES + 1);
  if (!read_all (fd, buf, FOYER_SECRET_MAX_BYTES, &n)) {
    saved = errno;
    g_close (fd, NULL);
    explicit_bzero (buf, FOYER_SECRET_MAX_BYTES + 1);
    g_set_error (error, FOYER_SECRET_ERROR, FOYER_SECRET_ERROR_UNREADABLE,
                 _("Cannot read %s %s: %s"), what, path, g_strerror (saved));
    return FALSE;
  }
  g_close (fd, NULL);
  /* A copy of the right size; the buffer is wiped rather than left to a realloc. */
  *contents = g_malloc (n + 1);
  memcpy (*contents, buf, n);
  (*contents)[n] = '\0';
  explicit_bzero (buf, n);
  if (length != NULL)
    *length = n;
  return TRUE;
}

void
foyer_secret_free (char *contents)
{
  if (contents == NULL)
    return;
  explicit_bzero (contents, strlen (contents));
  g_free (contents);
}
