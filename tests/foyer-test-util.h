/* foyer-test-util.h: helpers shared by the unit tests (temporary dirs, running foyerctl). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fresh private directory below the test's temp dir; removed at exit unless FOYER_KEEP_TMP. */
char       *foyer_test_make_tmpdir   (const char  *tag);
/* ../shared next to the checkout (FOYER_SHARED_DIR), or NULL when not present. */
const char *foyer_test_shared_dir    (void);
/* Writes contents to dir/name and returns the path. */
char       *foyer_test_write_file    (const char  *dir,
                                      const char  *name,
                                      const char  *contents);
/* Runs foyerctl (from $FOYERCTL) with argv and optional stdin; returns the exit status. */
int         foyer_test_run_foyerctl  (const char * const *argv,
                                      const char  *stdin_data,
                                      gsize        stdin_len,
                                      char       **out_stdout,
                                      char       **out_stderr);

G_END_DECLS
