/* main.c: the kiosk executable. Everything else lives in foyer-app and foyer-core. */
#include "config.h"

#include <locale.h>
#include <sys/prctl.h>
#include <glib/gi18n.h>

#include "foyer-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FoyerApplication) app = NULL;
  const char *localedir = g_getenv ("FOYER_LOCALEDIR");

  /* No core dumps: they would write visitors' data and secrets to disk (issue 14). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = foyer_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
