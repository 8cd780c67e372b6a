/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-subject.c: `foyerctl subject export|erase --email E | --phone P`: a person's right of
 * access and right to deletion (PIPL, GDPR) on this kiosk's store. Erasing writes an audit line
 * (when, how many rows), never whom it concerned; records not yet delivered to head office stay
 * until they are (head office erases them there, and its tombstone reaches every kiosk).
 */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "foyerctl-commands.h"
#include "foyerctl-store-util.h"

static int
export_subject (FoyerStore *store,
                const char *event,
                const char *email,
                const char *phone)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) found = foyer_store_export_subject (store, event, email, phone, &error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (found == NULL) {
    g_printerr ("foyerctl subject: %s\n", error->message);
    return foyerctl_status_for_error (error);
  }
  node = json_node_init_object (json_node_alloc (), found);
  text = json_to_string (node, TRUE);
  g_print ("%s\n", text);
  return FOYERCTL_EXIT_OK;
}

static int
erase_subject (FoyerStore *store,
               const char *event,
               const char *email,
               const char *phone)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (!foyer_store_erase_subject (store, event, email, phone, &n, &error)) {
    g_printerr ("foyerctl subject: %s\n", error->message);
    return foyerctl_status_for_error (error);
  }
  g_print (_("%u rows erased\n"), n);
  return FOYERCTL_EXIT_OK;
}

int
foyerctl_cmd_subject (FoyerctlContext *ctx, int argc, char **argv)
{
  g_autofree char *email = NULL;
  g_autofree char *phone = NULL;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("The person's e-mail address"), N_("EMAIL") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone,
      N_("The person's phone number in international form (+86…)"), N_("PHONE") },
    { NULL }
  };
  g_autoptr(FoyerStore) store = NULL;
  const char *event = NULL;
  int status;

  if (!foyerctl_parse_options (ctx, "subject", _("export|erase"),
                               _("Show (export) or delete (erase) everything this kiosk holds "
                                 "about one person, found by e-mail or phone. An erasure is "
                                 "logged without saying whom it concerned."),
                               entries, &argc, &argv))
    return FOYERCTL_EXIT_USAGE;
  if (argc != 2 || (strcmp (argv[1], "export") != 0 && strcmp (argv[1], "erase") != 0)) {
    g_printerr (_("foyerctl subject: say export or erase\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((email == NULL) == (phone == NULL)) {
    g_printerr (_("foyerctl subject: give either --email or --phone\n"));
    return FOYERCTL_EXIT_USAGE;
  }
  if ((store = foyerctl_open_event_store (ctx, FALSE, &event, &status)) == NULL)
    return status;
  if (strcmp (argv[1], "export") == 0)
    return export_subject (store, event, email, phone);
  return erase_subject (store, event, email, phone);
}
