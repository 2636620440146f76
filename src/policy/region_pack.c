/*
 * region_pack.c: which pack a stored region is judged by when the user names none (the
 * findings screen, the indicators' targets, the bulletin's ranking): one choice for every
 * caller, so that no screen judges a region by another city's plan.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

/* The pack a region is judged by when the user names none: the region's own (the demo and an
 * import record it as meta 'region', e.g. lishui) when such a pack exists, else the national
 * one. A Yiwu user must not see Lishui's findings, nor a Lishui user Liaocheng's targets. */
char *hss_policy_region_pack(hss_store *st)
{
    char *region = hss_store_meta_get(st, "region");
    if (region) {
        int word = region[0] != '\0' && strlen(region) <= 40;
        for (const char *p = region; word && *p; p++)
            word = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
        char *path = word ? hss_policy_locate(region, NULL) : NULL;
        if (path) {
            free(path);
            return region;
        }
        free(region);
    }
    return hss_xstrdup("national");
}
