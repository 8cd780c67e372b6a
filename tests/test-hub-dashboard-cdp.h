/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-dashboard-cdp.h: a headless Chromium driven over the DevTools protocol on
 * --remote-debugging-pipe (fds 3 and 4, NUL-separated JSON), for the dashboard's browser tests. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _TestBrowser TestBrowser;

/* Starts Chromium with a fresh profile in a temporary directory, opens one page (1280×900). */
TestBrowser *test_browser_start      (void);
void         test_browser_stop       (TestBrowser *browser);
/* Loads url and waits for the load event. */
void         test_browser_navigate   (TestBrowser *browser,
                                      const char  *url);
/* The value of a JavaScript expression (promises awaited), as JSON; NULL when it threw. */
JsonNode    *test_browser_eval       (TestBrowser *browser,
                                      const char  *expression);
char        *test_browser_eval_string (TestBrowser *browser,
                                       const char  *expression);
/* Polls a boolean expression every 100 ms until it is true; FALSE after timeout_ms. */
gboolean     test_browser_wait       (TestBrowser *browser,
                                      const char  *expression,
                                      guint        timeout_ms);
/* Saves the viewport as PNG to $FOYER_SCREENSHOT_DIR/NAME.png (nothing when that is unset). */
void         test_browser_screenshot (TestBrowser *browser,
                                      const char  *name);

/* Shows the dashboard's page (#page), waits until it has loaded its data and saves a screenshot
 * PREFIX-PAGE-LANG. */
void         test_browser_show_page  (TestBrowser *browser,
                                      const char  *prefix,
                                      const char  *page,
                                      const char  *lang);

G_END_DECLS
