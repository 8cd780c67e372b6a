/* foyer-scan-page.h: the home page: camera preview and "scan your badge". */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FOYER_TYPE_SCAN_PAGE (foyer_scan_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerScanPage, foyer_scan_page, FOYER, SCAN_PAGE, GtkWidget)

G_END_DECLS
