/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-thread.h: background threads that give way to the ones people wait for (the kiosk's UI
 * thread, the hub's group-commit writer). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes the calling thread niceness steps nicer than it is (at most 19) and marks it as a
 * background thread for foyer_thread_give_way(). Linux keeps a nice value per thread; a failure
 * is logged at debug level and leaves the priority as it was. what names the thread in that
 * message. */
void     foyer_thread_lower_priority    (int         niceness,
                                         const char *what);

/* Moves the calling thread to SCHED_IDLE (Linux): it runs only on a core nothing else wants, and
 * any other thread that wakes takes the core from it at once, where a nice value only weighs
 * shares. For threads that hold no lock others wait for and never need their priority back
 * (an unprivileged thread cannot leave SCHED_IDLE): a pull's page fetches. Marks the thread
 * as a background thread; where SCHED_IDLE is refused, the thread is made 19 nice instead. */
void     foyer_thread_idle_priority     (const char *what);

/* How long a person's wait keeps background threads aside at most, when nothing ends it. */
#define FOYER_THREAD_FOREGROUND_MAX_MS 250

/* A person waits for this process's answer (the kiosk's UI answering a scanned code): until
 * foyer_thread_foreground_end() or FOYER_THREAD_FOREGROUND_MAX_MS, whichever comes first, the
 * background threads that call foyer_thread_give_way() leave the cores (and SQLite's write
 * lock) to it. Any thread may call these. */
void     foyer_thread_foreground_begin  (void);
void     foyer_thread_foreground_end    (void);
/* Whether a person waits right now. */
gboolean foyer_thread_foreground_active (void);

/* Whether the calling thread should give way now: a background thread while a person waits. */
gboolean foyer_thread_must_give_way     (void);
/* On a background thread: sleeps while a person waits (see above); returns the microseconds it
 * slept. On any other thread it returns 0 at once. Call it between two units of work, holding
 * no lock another thread needs. */
gint64   foyer_thread_give_way          (void);

G_END_DECLS
