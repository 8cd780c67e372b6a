/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: the kiosk executable. Everything else lives in foyer-app and foyer-core. */
#include "config.h"

#include <sys/prctl.h>

#include "foyer-application.h"
#include "foyer-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FoyerApplication) app = NULL;

  /* No core dumps: they would write visitors' data and secrets to disk (issue 14). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Before GTK translates anything: see foyer-i18n.c. */
  foyer_i18n_init ();

  app = foyer_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
