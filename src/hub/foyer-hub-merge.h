/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-merge.h: the booth team merge of leads (docs/sync-protocol.md, "Booth team merge").
 *
 * Leads of one booth are added one stored record at a time, in any order; each visitor (by badge
 * code, else registration id) is one merged lead: notes from every author with author and time,
 * answers merged key by key (the later lead wins a question), the rating of the latest rated
 * lead, follow-up if any lead set it. Every rule compares (created_at, id), so the result does
 * not depend on the order in which the tablets' records arrive.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Untrusted JSON (records as kiosks sent them): a string member, or NULL when object is NULL,
 * the member is missing or of another JSON type (json-glib's getters warn on a wrong type). */
const char *foyer_hub_json_string (JsonObject *object, const char *name);
/* An object member, or NULL (same rules). */
JsonObject *foyer_hub_json_object (JsonObject *object, const char *name);

typedef struct _FoyerHubLeadMerge FoyerHubLeadMerge;

FoyerHubLeadMerge *foyer_hub_lead_merge_new  (void);
void               foyer_hub_lead_merge_free (FoyerHubLeadMerge *merge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerHubLeadMerge, foyer_hub_lead_merge_free)

/* The visitor key of a lead's wire form ("b:" badge code, else "r:" registration id), or NULL. */
char       *foyer_hub_lead_merge_key  (JsonObject        *lead);
/* Adds one stored lead: its wire-form body, the device that delivered it, its change seq.
 * Returns the visitor's key (owned by merge), NULL when body is not a lead. */
const char *foyer_hub_lead_merge_add  (FoyerHubLeadMerge *merge,
                                       const char        *body,
                                       const char        *device,
                                       gint64             seq);
/* The visitor keys, in the order of the latest change to each. */
GPtrArray  *foyer_hub_lead_merge_keys (FoyerHubLeadMerge *merge);
/* The merged lead of key as a pull row (docs/sync-protocol.md "Lead rows"), NULL if unknown. */
JsonNode   *foyer_hub_lead_merge_row  (FoyerHubLeadMerge *merge,
                                       const char        *key);
/* The change seq of key's latest lead (0 if unknown). */
gint64      foyer_hub_lead_merge_seq  (FoyerHubLeadMerge *merge,
                                       const char        *key);

G_END_DECLS
