/*
 * place_matrix.c: travel-time matrices between named places, for callers that plan tours on the road
 * network (mobile-clinic rounds). One bounded outbound Dijkstra per place on the car graph; the
 * arrival at every other place is read the same way the coverage queries read it (edge ends
 * plus a place on the same edge), so the figures agree with `hss access`.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

/* The point named `code`: an area's population point, else a facility; NULL when neither. */
static const acc_point *find_point(const acc_ctx *cx, const char *code)
{
    for (size_t i = 0; i < cx->pop.n; i++)
        if (strcmp(cx->pop.p[i].code, code) == 0)
            return &cx->pop.p[i];
    for (size_t i = 0; i < cx->fac.n; i++)
        if (strcmp(cx->fac.p[i].code, code) == 0)
            return &cx->fac.p[i];
    return NULL;
}

/* Runs from place i and fills row i of the matrix. */
static void matrix_row(acc_ctx *cx, const acc_point *const *pts, size_t n, size_t i, double bound_s,
                       double *row)
{
    const acc_csr *c = acc_ctx_csr(cx, HSS_MODE_DRIVE, ACC_COST_TIME, ACC_OUTBOUND);
    acc_sources src;
    size_t zero = 0;
    acc_sources_build(&src, &cx->net, HSS_MODE_DRIVE, ACC_COST_TIME, ACC_OUTBOUND, pts[i], &zero, 1);
    double *dist;
    uint32_t *touched;
    acc_dijkstra_sparse(cx->dij, c, src.seeds, src.ns, bound_s, &dist, &touched);
    const int32_t *label = acc_dij_labels(cx->dij);
    for (size_t j = 0; j < n; j++) {
        int32_t lab;
        double a = acc_arrival(&cx->net, HSS_MODE_DRIVE, ACC_COST_TIME, dist, label, pts[j], &src, &lab);
        row[j] = i == j ? 0 : (a <= bound_s ? a / 60.0 : INFINITY);
    }
    acc_sources_free(&src);
}

hss_code hss_access_travel_matrix(hss_store *st, const char *const *codes, size_t n, double max_minutes,
                                  double *minutes, hss_error *err)
{
    acc_ctx cx;
    hss_code rc = acc_ctx_load(st, NULL, &cx, err);
    if (rc) {
        acc_ctx_free(&cx);
        return rc;
    }
    const acc_point **pts = hss_xmalloc((n + 1) * sizeof *pts);
    for (size_t i = 0; i < n && !rc; i++) {
        pts[i] = find_point(&cx, codes[i]);
        if (!pts[i])
            rc = hss_fail(err, HSS_ENOTFOUND, "'%s' is neither a located population point nor a located facility",
                          codes[i]);
    }
    double bound_s = max_minutes > 0 ? max_minutes * 60.0 : INFINITY;
    for (size_t i = 0; i < n && !rc; i++)
        matrix_row(&cx, pts, n, i, bound_s, minutes + i * n);
    free(pts);
    acc_ctx_free(&cx);
    return rc;
}
