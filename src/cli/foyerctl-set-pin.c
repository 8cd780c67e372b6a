/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-set-pin.c: `foyerctl set-pin`: hash a new staff PIN into [kiosk] admin-pin-hash.
 *
 * The PIN itself is never stored or printed: only its salted PBKDF2-SHA256 hash goes into the
 * config file, whose comments and layout are kept. A new PIN has 6 to 12 digits; a shorter one
 * set by an older foyerctl keeps working at the kiosk, which asks staff to change it. The file
 * is left unreadable by other users (its owner and group keep their rights, so a kiosk service
 * that reads it through its group still can).
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "foyer-cli.h"
#include "foyerctl-commands.h"

static void
wipe (char *s)
{
  if (s != NULL) {
    memset (s, 0, strlen (s));
    g_free (s);
  }
}

static char *
read_pin (gboolean *ok)
{
  char *first;
  char *second;

  *ok = FALSE;
  if (!isatty (STDIN_FILENO)) {
    /* Scripts pipe the PIN in once. */
    first = foyer_cli_read_line (stdin);
    if (first == NULL) {
      g_printerr (_("foyerctl set-pin: no PIN on standard input\n"));
      return NULL;
    }
    *ok = TRUE;
    return first;
  }

  first = foyer_cli_prompt_hidden (_("New staff PIN (6–12 digits): "));
  if (first == NULL) {
    g_printerr ("\n");
    return NULL;
  }
  second = foyer_cli_prompt_hidden (_("Repeat the new PIN: "));
  if (second == NULL || strcmp (first, second) != 0) {
    g_printerr (_("foyerctl set-pin: the two PINs differ; nothing was changed\n"));
    wipe (first);
    wipe (second);
    return NULL;
  }
  wipe (second);
  *ok = TRUE;
  return first;
}

/* The file that set-pin writes: the one named by --config (created if missing), else the file
 * the lookup order finds, else ~/.config/foyer/foyer.conf. */
static char *
target_path (FoyerctlContext *ctx,
             gboolean        *failed)
{
  FoyerConfig *config;
  const char *path;

  *failed = FALSE;
  if (ctx->config_path != NULL && !g_file_test (ctx->config_path, G_FILE_TEST_EXISTS))
    return g_strdup (ctx->config_path);

  if ((config = foyerctl_get_config (ctx)) == NULL) {
    *failed = TRUE;
    return NULL;
  }
  path = foyer_config_get_path (config);
  if (path != NULL)
    return g_strdup (path);
  return g_build_filename (g_get_user_config_dir (), "foyer", "foyer.conf", NULL);
}

/* The mode to write path with: a new file is 0600; an existing one keeps its owner's and
 * group's rights but loses every right of other users, and *was_open says it had some. */
static int
private_mode (int       old_mode,
              gboolean *was_open)
{
  *was_open = (old_mode & 0007) != 0;
  return old_mode & 07770;
}

static gboolean
write_hash (const char  *path,
            const char  *hash,
            gboolean    *was_open,
            GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  GStatBuf st;
  int mode = 0600;
  gsize len;

  *was_open = FALSE;
  if (g_stat (path, &st) == 0) {
    mode = private_mode (st.st_mode & 07777, was_open);
    if (!g_key_file_load_from_file (key_file, path,
                                    G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                                    &local)) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   _("cannot read %s: %s"), path, local->message);
      return FALSE;
    }
  } else if (g_mkdir_with_parents (dir, 0700) != 0) {
    int saved = errno;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 _("cannot create the folder %s: %s"), dir, g_strerror (saved));
    return FALSE;
  }

  g_key_file_set_string (key_file, "kiosk", "admin-pin-hash", hash);
  data = g_key_file_to_data (key_file, &len, NULL);

  /* g_file_set_contents_full() replaces the file atomically, created with mode from the start:
   * the hash is never readable by other users, not even for a moment. */
  if (!g_file_set_contents_full (path, data, (gssize)len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 mode, &local)) {
    g_set_error (error, G_FILE_ERROR, local->code,
                 _("cannot write %s: %s (run as a user who may change it, or use --print "
                   "and add the line by hand)"), path, local->message);
    return FALSE;
  }
  return TRUE;
}

int
foyerctl_cmd_set_pin (FoyerctlContext *ctx, int argc, char **argv)
{
  gboolean print = FALSE;
  int iterations = 0;
  const GOptionEntry entries[] = {
    { "print", 0, 0, G_OPTION_ARG_NONE, &print,
      N_("Print the config line instead of writing the file"), NULL },
    /* Hidden: tests under sanitizers, where each PBKDF2 round is slow. */
    { "iterations", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &iterations, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *path = NULL;
  gboolean ok;
  gboolean was_open;
  char *pin;

  if (!foyerctl_parse_options (ctx, "set-pin", NULL,
                               _("Set the staff PIN that opens Admin and leaves the fullscreen "
                                 "kiosk. The PIN (6 to 12 digits) is read from the terminal "
                                 "twice, or once from standard input when it is not a "
                                 "terminal. The config file is made unreadable by other "
                                 "users."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc > 1) {
    g_printerr (_("foyerctl set-pin: unexpected argument “%s”\n"), argv[1]);
    return FOYERCTL_EXIT_USAGE;
  }
  if (iterations != 0 && (iterations < 1000 || iterations > 10000000)) {
    g_printerr ("foyerctl set-pin: --iterations must be from 1000 to 10000000\n");
    return FOYERCTL_EXIT_USAGE;
  }

  if (!print) {
    gboolean failed;
    path = target_path (ctx, &failed);
    if (failed)
      return FOYERCTL_EXIT_FAILURE;
  }

  pin = read_pin (&ok);
  if (!ok)
    return FOYERCTL_EXIT_DATAERR;
  if (!foyer_pin_validate (pin, &error)) {
    wipe (pin);
    g_printerr (_("foyerctl set-pin: %s; nothing was changed\n"), error->message);
    if (g_error_matches (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_INVALID))
      g_printerr (_("A staff PIN needs at least 6 digits: a shorter one is guessed too easily. "
                    "A shorter PIN set earlier still works until you set a new one.\n"));
    return FOYERCTL_EXIT_DATAERR;
  }
  hash = foyer_pin_hash (pin, (guint)iterations, &error);
  wipe (pin);
  if (hash == NULL) {
    g_printerr ("foyerctl set-pin: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }

  if (print) {
    g_print ("[kiosk]\nadmin-pin-hash=%s\n", hash);
    return FOYERCTL_EXIT_OK;
  }

  if (!write_hash (path, hash, &was_open, &error)) {
    g_printerr ("foyerctl set-pin: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }
  g_print (_("Staff PIN set in %s\n"), path);
  if (was_open)
    g_printerr (_("foyerctl set-pin: %s could be read by every user of this computer; it now "
                  "holds the PIN hash, so other users may no longer read it\n"), path);
  return FOYERCTL_EXIT_OK;
}
