/*
 * ems_sums.c: the 120 module's records (ambulance units and call times) summed per area once
 * per evaluation. The measures ems_unit_crew_share and ems_response ask for every area and
 * rule; asking the ems module each time read the whole facility registry per area (seconds on
 * a province), so the per-place sums are read once and added up the area tree here.
 */
#include <stdlib.h>
#include <string.h>

#include "ems/ems.h"
#include "policy/policy_int.h"

struct policy_ems_sums {
    int64_t *units, *crew_ok;   /* per area: units in its subtree, those with the standard crew */
    int64_t (*calls)[3];        /* per area and kind (0 urban, 1 rural, 2 all): calls */
    double (*secs)[3];          /* the same: seconds from received to on scene, summed */
    int64_t (*aeds)[3];         /* per area: active AEDs, installed since aed_since, undated */
    char *aed_since;            /* the `since` the AED sums were read for (NULL = not read) */
};

/* Calls fn(S, area index, row) for the stored place `code` and every area above it (the ems
 * module's own walk goes up the same area table). A place missing from the area table counts
 * nowhere, as there. */
static void for_area_and_ancestors(const pregion *R, struct policy_ems_sums *S, const char *code,
                                   void (*fn)(struct policy_ems_sums *, int, const void *),
                                   const void *row)
{
    int i = policy_region_find(R, code);
    for (int guard = 0; i >= 0 && guard < 16; guard++, i = R->areas[i].parent)
        fn(S, i, row);
}

static void add_units(struct policy_ems_sums *S, int i, const void *row)
{
    const hss_ems_sum *e = row;
    S->units[i] += e->count;
    S->crew_ok[i] += (int64_t)e->sum;
}

static void add_calls(struct policy_ems_sums *S, int i, const void *row)
{
    const hss_ems_sum *e = row;
    if (e->kind == 0 || e->kind == 1) {
        S->calls[i][e->kind] += e->count;
        S->secs[i][e->kind] += e->sum;
    }
    S->calls[i][2] += e->count;
    S->secs[i][2] += e->sum;
}

static void add_aeds(struct policy_ems_sums *S, int i, const void *row)
{
    const hss_ems_aed_sum *e = row;
    S->aeds[i][0] += e->active;
    S->aeds[i][1] += e->since;
    S->aeds[i][2] += e->undated;
}

static struct policy_ems_sums *sums_load(const pregion *R)
{
    struct policy_ems_sums *S = hss_xcalloc(1, sizeof *S);
    size_t na = R->nareas ? R->nareas : 1;
    S->units = hss_xcalloc(na, sizeof *S->units);
    S->crew_ok = hss_xcalloc(na, sizeof *S->crew_ok);
    S->calls = hss_xcalloc(na, sizeof *S->calls);
    S->secs = hss_xcalloc(na, sizeof *S->secs);
    hss_ems_sum *e;
    size_t n;
    hss_error err;
    /* a failed read counts as nothing recorded: the measures then say so or fall back */
    if (hss_ems_unit_sums(R->st, &e, &n, &err) == HSS_OK) {
        for (size_t i = 0; i < n; i++)
            for_area_and_ancestors(R, S, e[i].code, add_units, &e[i]);
        hss_ems_sums_free(e, n);
    }
    if (hss_ems_call_sums(R->st, &e, &n, &err) == HSS_OK) {
        for (size_t i = 0; i < n; i++)
            for_area_and_ancestors(R, S, e[i].code, add_calls, &e[i]);
        hss_ems_sums_free(e, n);
    }
    return S;
}

/* The sums, read on first use; the region is const to the measures, its links (what the
 * evaluation opened once) are not. */
static struct policy_ems_sums *sums_of(const pregion *R)
{
    if (!R->links->ems_sums)
        R->links->ems_sums = sums_load(R);
    return R->links->ems_sums;
}

int policy_ems_units(const pregion *R, const parea *a, int64_t *units, int64_t *crew_ok)
{
    const struct policy_ems_sums *S = sums_of(R);
    size_t i = (size_t)(a - R->areas);
    *units = S->units[i];
    *crew_ok = S->crew_ok[i];
    return *units > 0 ? 0 : -1;
}

int policy_ems_mean_response(const pregion *R, const parea *a, int kind, double *mean, int64_t *calls)
{
    const struct policy_ems_sums *S = sums_of(R);
    size_t i = (size_t)(a - R->areas);
    int k = kind == 0 || kind == 1 ? kind : 2;
    *calls = S->calls[i][k];
    if (*calls == 0)
        return -1;
    /* as AVG(on_scene_at - received_at) / 60.0 computed it: the exact sum over the count */
    *mean = S->secs[i][k] / (double)*calls / 60.0;
    return 0;
}

/* The AED sums for one `since` day: read on first use, again only when a rule asks for
 * another day (packs name one baseline per document). */
static void aeds_load(const pregion *R, struct policy_ems_sums *S, const char *since)
{
    const char *key = since ? since : "";
    if (S->aed_since && strcmp(S->aed_since, key) == 0)
        return;
    free(S->aed_since);
    S->aed_since = hss_xstrdup(key);
    free(S->aeds);
    S->aeds = hss_xcalloc(R->nareas ? R->nareas : 1, sizeof *S->aeds);
    hss_ems_aed_sum *e;
    size_t n;
    hss_error err;
    if (hss_ems_aed_sums(R->st, since, &e, &n, &err) != HSS_OK)
        return; /* as for units: a failed read counts as nothing recorded */
    for (size_t j = 0; j < n; j++)
        for_area_and_ancestors(R, S, e[j].county, add_aeds, &e[j]);
    hss_ems_aed_sums_free(e, n);
}

int policy_ems_aeds(const pregion *R, const parea *a, const char *since, int64_t out[3])
{
    struct policy_ems_sums *S = sums_of(R);
    aeds_load(R, S, since);
    size_t i = (size_t)(a - R->areas);
    for (int k = 0; k < 3; k++)
        out[k] = S->aeds[i][k];
    return out[0] > 0 ? 0 : -1;
}

void policy_ems_sums_free(struct policy_ems_sums *S)
{
    if (!S)
        return;
    free(S->aeds);
    free(S->aed_since);
    free(S->units);
    free(S->crew_ok);
    free(S->calls);
    free(S->secs);
    free(S);
}
