/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-test-util.h: helpers shared by the unit tests (temporary dirs, running foyerctl). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FoyerStore FoyerStore;

/* A fresh private directory below the test's temp dir; removed at exit unless FOYER_KEEP_TMP. */
char       *foyer_test_make_tmpdir   (const char  *tag);
/* ../shared next to the checkout (FOYER_SHARED_DIR), or NULL when not present. Tests never
 * depend on it: it may only add data to what tests/data carries. */
const char *foyer_test_shared_dir    (void);
/* tests/data in the source tree ($FOYER_TEST_DATA_DIR, set by meson): the photos and card
 * vectors the project carries with their licence notes. Never NULL; aborts when missing. */
const char *foyer_test_data_dir      (void);
/* tests/data/first/… (NULL-terminated components). */
char       *foyer_test_data_path     (const char  *first,
                                      ...) G_GNUC_NULL_TERMINATED;
/* Every file of a corpus ("cards", …) whose name ends with suffix, sorted by name, as full
 * paths: tests/data/<corpus>, plus the files of ../shared/corpus/<corpus> (when present) that
 * tests/data does not already carry. */
GPtrArray  *foyer_test_corpus_files  (const char  *corpus,
                                      const char  *suffix);
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

/* Imports one pre-registered visitor (badge source) into store; asserts that it worked. */
void        foyer_test_add_preregistration (FoyerStore  *store,
                                            const char  *event,
                                            const char  *badge_code,
                                            const char  *category,
                                            const char  *full_name);

/* The first column of the one row sql (a count) gives, read on a read-only connection of its
 * own to the SQLite file db_path (what another process would see committed). */
gint64      foyer_test_count_rows     (const char  *db_path,
                                       const char  *sql);

G_END_DECLS
