/* SPDX-License-Identifier: GPL-3.0-or-later */
/* badge-test-util.h: what the badge tests share: reading QR codes back and text out of PDFs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The bytes of the QR code in the PNG at path (Foyer's decoder), or NULL when none was found. */
char *badge_test_decode_png  (const char *png_path);
/* The text pdftotext extracts from the PDF at path. */
char *badge_test_pdf_text    (const char *pdf_path);
/* text without any white space, for comparing text that may have been wrapped onto lines. */
char *badge_test_squeeze     (const char *text);
/* Runs argv, asserting it could be started; returns the exit status, stdout in *out. */
int   badge_test_run         (const char * const *argv,
                              char              **out,
                              char              **err);

G_END_DECLS
