/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-thread.h: background threads that give way to the ones people wait for (the kiosk's UI
 * thread, the hub's group-commit writer). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes the calling thread niceness steps nicer than it is (at most 19). Linux keeps a nice
 * value per thread; a failure is logged at debug level and leaves the priority as it was. what
 * names the thread in that message. */
void foyer_thread_lower_priority (int         niceness,
                                  const char *what);

G_END_DECLS
