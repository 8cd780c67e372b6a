/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard pages' strings (included into the list in foyer-hub-report-i18n.c; the pages
 * show them through /api/strings.json). */
N_("Foyer head office"), N_("Sign in"), N_("User name"), N_("Password"), N_("Sign out"),
N_("Overview"), N_("Devices"), N_("Sync problems"), N_("Language"),
N_("Wrong user name or password."), N_("Too many failed attempts. Try again in a few minutes."),
N_("Check-ins"), N_("Inside now"), N_("Per hour today"), N_("By category"),
N_("By gate and area"), N_("Online"), N_("Offline"), N_("Last seen"), N_("Pending records"),
N_("Version"), N_("Revoked"), N_("Device"), N_("Mode"), N_("Silent for 5 minutes or more"),
N_("Dead letters"), N_("Reason"), N_("Record"), N_("Forwarding to the CRM"), N_("Queued"),
N_("Failed"), N_("Lead count"), N_("Download link"), N_("Updated"),
N_("Lists with personal data are for administrators."), N_("Event"), N_("Forwarded"), N_("Status"),
