/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-page.h: what the window asks of the pages in its stack.
 *
 * Every page may implement it; a page that does not is treated as holding no visitor data.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FOYER_TYPE_PAGE (foyer_page_get_type ())
G_DECLARE_INTERFACE (FoyerPage, foyer_page, FOYER, PAGE, GtkWidget)

struct _FoyerPageInterface {
  GTypeInterface parent_iface;

  /* Forget everything of the current visitor: every entry, label and image that shows their
   * data. Called by win.go-home and the idle timeout on every page in the stack. */
  void     (*reset)              (FoyerPage *self);
  /* TRUE while the page shows a visitor's data: the idle timeout runs only then. */
  gboolean (*holds_visitor_data) (FoyerPage *self);
};

void     foyer_page_reset              (FoyerPage *self);
gboolean foyer_page_holds_visitor_data (FoyerPage *self);

G_END_DECLS
