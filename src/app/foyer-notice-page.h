/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-notice-page.h: explains a code the kiosk cannot register from, and offers the form. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  FOYER_NOTICE_NONE,
  FOYER_NOTICE_CONTACT_LINK,   /* a WeChat (or similar) contact link: no personal data in it */
  FOYER_NOTICE_UNKNOWN_CODE,   /* neither a badge nor a business card */
  FOYER_NOTICE_INVALID_BADGE,  /* a Foyer badge whose signature does not verify */
  FOYER_NOTICE_UNKNOWN_BADGE,  /* a badge code that is neither registered nor pre-registered */
  FOYER_NOTICE_STORE_ERROR,    /* the kiosk could not store or look up the visitor */
  FOYER_NOTICE_REFUSED,        /* a gate rule turned the visitor away: foyer_notice_page_show_refusal */
  FOYER_NOTICE_REVOKED,        /* a badge cancelled at head office (detail: staff's reason) */
  FOYER_NOTICE_REENTRY_REFUSED,/* checked in before, [gate] reentry=refuse (detail: where, when) */
} FoyerNoticeKind;

#define FOYER_TYPE_NOTICE_PAGE (foyer_notice_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerNoticePage, foyer_notice_page, FOYER, NOTICE_PAGE, GtkWidget)

/* detail: an extra line for staff (e.g. an error message), may be NULL. */
void            foyer_notice_page_show      (FoyerNoticePage *self,
                                             FoyerNoticeKind  kind,
                                             const char      *detail);
/* A gate rule's refusal: the visitor's reason in large type, staff's in small. */
void            foyer_notice_page_show_refusal (FoyerNoticePage *self,
                                                const char      *visitor_reason,
                                                const char      *staff_reason);
FoyerNoticeKind foyer_notice_page_get_kind  (FoyerNoticePage *self);
const char     *foyer_notice_page_get_title (FoyerNoticePage *self);

G_END_DECLS
