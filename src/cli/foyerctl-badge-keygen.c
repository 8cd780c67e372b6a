/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-badge-keygen.c: `foyerctl badge-keygen`: a new Ed25519 key pair for an event's badges. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "foyerctl-commands.h"

int
foyerctl_cmd_badge_keygen (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *output_dir = NULL;
  g_autofree char *absolute_dir = NULL;
  g_autofree char *private_path = NULL;
  g_autofree char *public_path = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
      N_("Write the keys into DIR (default: the current directory)"), N_("DIR") },
    { NULL }
  };

  if (!foyerctl_parse_options (ctx, "badge-keygen", NULL,
                               _("Create the Ed25519 key pair that signs and verifies this event's "
                                 "badges: badge-signing.pem (private, mode 0600) and "
                                 "badge-verify.pem (public)."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc > 1) {
    g_printerr (_("foyerctl badge-keygen: unexpected argument “%s”\n"), argv[1]);
    return FOYERCTL_EXIT_USAGE;
  }

  if (output_dir == NULL)
    output_dir = g_get_current_dir ();
  absolute_dir = g_canonicalize_filename (output_dir, NULL);
  if (g_mkdir_with_parents (absolute_dir, 0700) != 0) {
    int saved = errno;
    g_printerr (_("foyerctl badge-keygen: cannot create %s: %s\n"), absolute_dir,
                g_strerror (saved));
    return FOYERCTL_EXIT_FAILURE;
  }
  private_path = g_build_filename (absolute_dir, "badge-signing.pem", NULL);
  public_path = g_build_filename (absolute_dir, "badge-verify.pem", NULL);

  if (!foyer_badge_code_generate_keys (private_path, public_path, &error)) {
    g_printerr ("foyerctl badge-keygen: %s\n", error->message);
    return FOYERCTL_EXIT_FAILURE;
  }

  g_printerr (_("Wrote %s (private: keep it only on kiosks that print badges) and %s (public: "
                "copy it to every kiosk). Add to foyer.conf:\n"),
              private_path, public_path);
  g_print ("[badge]\nsigning-key=%s\nverify-key=%s\n", private_path, public_path);
  return FOYERCTL_EXIT_OK;
}
