/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-admin-page.h: the staff page: sync state, dead letters, export, today's counts, mode,
 * camera, reprint and quit. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_ADMIN_PAGE (foyer_admin_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerAdminPage, foyer_admin_page, FOYER, ADMIN_PAGE, GtkWidget)

GtkWidget *foyer_admin_page_new              (void);
void       foyer_admin_page_set_store        (FoyerAdminPage *self,
                                              FoyerStore     *store);
void       foyer_admin_page_set_config       (FoyerAdminPage *self,
                                              FoyerConfig    *config);
/* The sync engine the page follows (its ::status-changed); NULL without a server. */
void       foyer_admin_page_set_sync_engine  (FoyerAdminPage  *self,
                                              FoyerSyncEngine *engine);
/* Whether a staff PIN protects this page; without one a banner says how to set it. */
void       foyer_admin_page_set_pin_set      (FoyerAdminPage *self,
                                              gboolean        pin_set);
/* Whether "Leave fullscreen" is offered. */
/* Wrong PIN entries and a PIN that is too short, as the window words them; NULL hides it. */
void       foyer_admin_page_set_pin_report   (FoyerAdminPage *self,
                                              const char     *report);
const char *foyer_admin_page_get_pin_report  (FoyerAdminPage *self);
void       foyer_admin_page_set_fullscreen   (FoyerAdminPage *self,
                                              gboolean        fullscreen);
/* Re-reads the store (outbox, dead letters, today's counts) and the removable drives. */
void       foyer_admin_page_refresh          (FoyerAdminPage *self);
/* Writes the CSV export into folder (fsync'ed) in a worker thread; the page says "Exporting…"
 * meanwhile and then what came of it, before callback runs. What admin.export-to does. */
void       foyer_admin_page_export_to_async  (FoyerAdminPage      *self,
                                              GFile               *folder,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean   foyer_admin_page_export_to_finish (FoyerAdminPage  *self,
                                              GAsyncResult    *result,
                                              char           **out_path,
                                              GError         **error);
/* For tests: the dead letters listed, and the status line of the last operation. */
guint      foyer_admin_page_get_n_dead_shown (FoyerAdminPage *self);
const char *foyer_admin_page_get_status      (FoyerAdminPage *self);
/* "N records past retention not yet delivered", or NULL when none (or retention is off) */
const char *foyer_admin_page_get_overdue_text (FoyerAdminPage *self);

G_END_DECLS
