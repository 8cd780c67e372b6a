/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-enroll.c: libFuzzer over what enrollment reads from outside: the enrollment code (from a
 * camera or a scanner on the Admin page) and the hub's answer to POST /v1/enroll.
 *
 * Whatever the bytes, decoding returns a code or an error, and the answer parser fills the
 * enrollment or returns an error: never a crash, a leak or unbounded recursion.
 */
#include "config.h"

#include <stdint.h>

#include "foyer-enroll-code.h"
#include "foyer-enroll-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A valid code, so the answer parser has an enrollment to fill. */
#define SEED_CODE "FYE1:eyJ1cmwiOiJodHRwOi8vMTI3LjAuMC4xOjg0NzAiLCJldmVudCI6ImV2MSIsInNlY3JldCI6InMifQ"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autoptr(FoyerEnrollCode) code = NULL;
  g_autoptr(FoyerEnroll) enroll = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  code = foyer_enroll_code_decode (text, &error);
  g_assert ((code == NULL) == (error != NULL));
  if (code != NULL)
    g_assert (code->url != NULL && code->event != NULL && code->secret != NULL);
  g_clear_error (&error);

  enroll = foyer_enroll_new (SEED_CODE, &error);
  g_assert_no_error (error);
  for (long status = 200; status <= 403; status += 203) {
    ok = _foyer_enroll_read_answer (enroll, status, (const char *)data, size, &error);
    g_assert (ok == (error == NULL));
    g_assert (!ok || status == 200);
    if (ok)
      g_assert (foyer_enroll_get_enrolled_device (enroll) != NULL);
    g_clear_error (&error);
  }
  return 0;
}
