/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-page.c: the FoyerPage interface (reset, holds-visitor-data). */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include "foyer-page.h"

G_DEFINE_INTERFACE (FoyerPage, foyer_page, GTK_TYPE_WIDGET)

static void
foyer_page_default_init (FoyerPageInterface *iface)
{
}

void
foyer_page_reset (FoyerPage *self)
{
  FoyerPageInterface *iface;

  g_return_if_fail (FOYER_IS_PAGE (self));

  iface = FOYER_PAGE_GET_IFACE (self);
  if (iface->reset != NULL)
    iface->reset (self);
}

gboolean
foyer_page_holds_visitor_data (FoyerPage *self)
{
  FoyerPageInterface *iface;

  g_return_val_if_fail (FOYER_IS_PAGE (self), FALSE);

  iface = FOYER_PAGE_GET_IFACE (self);
  return iface->holds_visitor_data != NULL && iface->holds_visitor_data (self);
}
