/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull-cache.h: the pull pages a hub process answered, shared by every gate of an
 * event (docs/sync-protocol.md "Page cache", docs/hub.md).
 *
 * Gates of one event ask for the same pages: a first pull walks the same cursors from every
 * kiosk. A page is kept as it was sent (gzip-compressed or not) under its request (event,
 * endpoint, booth, since, limit, encoding) and the event's version when it was built: the
 * process's change generation (bumped before an upload is answered) and the event's last
 * change sequence in the database (moved by any process: another hub, a `foyer-hub` command).
 * A page is served only while both are unchanged, so it is never staler than one built fresh.
 * The pages' bytes are bounded; the least recently used go first. Thread-safe. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FoyerHubPullCache FoyerHubPullCache;

/* What a page was built from: a page is served only to a request of the same version. */
typedef struct {
  guint  generation;   /* the process's count of the event's changes */
  gint64 last_seq;     /* the event's last change sequence in the database */
} FoyerHubPullVersion;

/* max_bytes 0: nothing is kept. */
FoyerHubPullCache *foyer_hub_pull_cache_new    (gsize                      max_bytes);
void               foyer_hub_pull_cache_free   (FoyerHubPullCache         *cache);
/* The key of a request (a new string). */
char              *foyer_hub_pull_cache_key    (int                        kind,
                                                const char                *event,
                                                const char                *booth,
                                                gint64                     since,
                                                guint                      limit,
                                                gboolean                   gzip);
/* The page stored under key at version (a new reference), or NULL; a page of another version
 * is dropped. */
GBytes            *foyer_hub_pull_cache_lookup (FoyerHubPullCache         *cache,
                                                const char                *key,
                                                const FoyerHubPullVersion *version,
                                                gboolean                  *gzipped,
                                                guint                     *n_changes);
void               foyer_hub_pull_cache_store  (FoyerHubPullCache         *cache,
                                                const char                *key,
                                                const FoyerHubPullVersion *version,
                                                GBytes                    *body,
                                                gboolean                   gzipped,
                                                guint                      n_changes);
/* Bytes of the pages held now, and how many pages. */
gsize              foyer_hub_pull_cache_bytes  (FoyerHubPullCache         *cache,
                                                guint                     *n_pages);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerHubPullCache, foyer_hub_pull_cache_free)

G_END_DECLS
