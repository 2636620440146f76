/*
 * site_solve.c: the location solvers on an abstract instance (demands with weights,
 * candidates with the demands they reach and at what cost). Maximal covering: lazy greedy
 * (gains only shrink as sites are added, so a stale upper bound that still tops the queue is
 * exact) followed by swap interchange (replace one chosen site by an unchosen one while that
 * raises the covered weight). p-median: the same two steps on the weighted travel cost. A cap
 * on residents per new site credits a site at most `capacity` newly served residents (a
 * heuristic, not a capacitated assignment).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

/* ---- maximal covering ------------------------------------------------------------------- */

static double capped(const acc_site_inst *in, double g)
{
    return in->capacity > 0 && g > in->capacity ? in->capacity : g;
}

/* Weight of the demands of candidate j with cnt == 0. */
static double cover_gain(const acc_site_inst *in, const uint32_t *cnt, uint32_t j)
{
    double g = 0;
    for (size_t k = in->off[j]; k < in->off[j + 1]; k++)
        if (cnt[in->cov[k]] == 0)
            g += in->w[in->cov[k]];
    return g;
}

static void cover_add(const acc_site_inst *in, uint32_t *cnt, uint32_t j, int delta)
{
    for (size_t k = in->off[j]; k < in->off[j + 1]; k++)
        cnt[in->cov[k]] += (uint32_t)delta;
}

double acc_site_cover_value(const acc_site_inst *in, const uint32_t *set, size_t k)
{
    uint32_t *cnt = hss_xcalloc(in->nd + 1, sizeof *cnt);
    double v = 0;
    for (size_t i = 0; i < in->nd; i++)
        if (in->base && in->base[i]) {
            cnt[i] = 1;
            v += in->w[i];
        }
    for (size_t r = 0; r < k; r++) {
        v += capped(in, cover_gain(in, cnt, set[r]));
        cover_add(in, cnt, set[r], 1);
    }
    free(cnt);
    return v;
}

/* Orders `set` greedily by marginal gain and fills gain[] (base-covered first). */
static void rank_sites(const acc_site_inst *in, uint32_t *set, size_t k, double *gain, int pmedian);

typedef struct {
    double ub;
    uint32_t j;
} qitem;

static void q_down(qitem *q, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, b = i;
        if (l < n && (q[l].ub > q[b].ub || (q[l].ub == q[b].ub && q[l].j < q[b].j)))
            b = l;
        if (l + 1 < n && (q[l + 1].ub > q[b].ub || (q[l + 1].ub == q[b].ub && q[l + 1].j < q[b].j)))
            b = l + 1;
        if (b == i)
            return;
        qitem t = q[i];
        q[i] = q[b];
        q[b] = t;
        i = b;
    }
}

/* Lazy greedy over a gain oracle. */
typedef double (*gain_fn)(const acc_site_inst *in, const void *state, uint32_t j);

static size_t lazy_greedy(const acc_site_inst *in, size_t k, gain_fn gain, void *state,
                          void (*add)(const acc_site_inst *, void *, uint32_t), uint32_t *chosen)
{
    qitem *q = hss_xmalloc((in->nc + 1) * sizeof *q);
    size_t n = 0;
    for (uint32_t j = 0; j < in->nc; j++)
        q[n++] = (qitem){INFINITY, j};
    size_t got = 0;
    while (got < k && n > 0) {
        qitem top = q[0];
        double g = gain(in, state, top.j);
        /* is the fresh gain still at least every other bound? */
        double next = -INFINITY;
        if (n > 1)
            next = q[1].ub;
        if (n > 2 && q[2].ub > next)
            next = q[2].ub;
        if (g >= next) {
            chosen[got++] = top.j;
            add(in, state, top.j);
            q[0] = q[--n];
            q_down(q, n, 0);
        } else {
            q[0].ub = g;
            q_down(q, n, 0);
        }
    }
    free(q);
    return got;
}

static double cover_gain_cb(const acc_site_inst *in, const void *state, uint32_t j)
{
    return capped(in, cover_gain(in, state, j));
}

static void cover_add_cb(const acc_site_inst *in, void *state, uint32_t j)
{
    cover_add(in, state, j, 1);
}

double acc_site_cover(const acc_site_inst *in, size_t k, uint32_t *chosen, double *gain)
{
    if (k > in->nc)
        k = in->nc;
    uint32_t *cnt = hss_xcalloc(in->nd + 1, sizeof *cnt);
    for (size_t i = 0; i < in->nd; i++)
        cnt[i] = in->base && in->base[i] ? 1 : 0;
    k = lazy_greedy(in, k, cover_gain_cb, cnt, cover_add_cb, chosen);
    /* swap interchange */
    char *in_set = hss_xcalloc(in->nc + 1, 1);
    for (size_t r = 0; r < k; r++)
        in_set[chosen[r]] = 1;
    int improved = 1;
    for (int pass = 0; improved && pass < 50; pass++) {
        improved = 0;
        for (size_t r = 0; r < k; r++) {
            cover_add(in, cnt, chosen[r], -1);
            double keep = capped(in, cover_gain(in, cnt, chosen[r]));
            double best = keep;
            uint32_t bj = chosen[r];
            for (uint32_t j = 0; j < in->nc; j++) {
                if (in_set[j])
                    continue;
                double g = capped(in, cover_gain(in, cnt, j));
                if (g > best + 1e-9) {
                    best = g;
                    bj = j;
                }
            }
            if (bj != chosen[r]) {
                in_set[chosen[r]] = 0;
                in_set[bj] = 1;
                chosen[r] = bj;
                improved = 1;
            }
            cover_add(in, cnt, chosen[r], 1);
        }
    }
    free(in_set);
    free(cnt);
    rank_sites(in, chosen, k, gain, 0);
    return acc_site_cover_value(in, chosen, k);
}

/* ---- p-median ------------------------------------------------------------------------------ */

static double base_cost(const acc_site_inst *in, size_t i)
{
    double c = in->base_cost ? in->base_cost[i] : INFINITY;
    return c < in->penalty ? c : in->penalty;
}

static double pm_gain(const acc_site_inst *in, const double *cur, uint32_t j)
{
    double g = 0;
    for (size_t k = in->off[j]; k < in->off[j + 1]; k++) {
        uint32_t i = in->cov[k];
        if (in->cost[k] < cur[i])
            g += in->w[i] * (cur[i] - in->cost[k]);
    }
    return g;
}

static double pm_gain_cb(const acc_site_inst *in, const void *state, uint32_t j)
{
    return pm_gain(in, state, j);
}

static void pm_add_cb(const acc_site_inst *in, void *state, uint32_t j)
{
    double *cur = state;
    for (size_t k = in->off[j]; k < in->off[j + 1]; k++)
        if (in->cost[k] < cur[in->cov[k]])
            cur[in->cov[k]] = in->cost[k];
}

double acc_site_pmedian_value(const acc_site_inst *in, const uint32_t *set, size_t k)
{
    double *cur = hss_xmalloc((in->nd + 1) * sizeof *cur);
    for (size_t i = 0; i < in->nd; i++)
        cur[i] = base_cost(in, i);
    for (size_t r = 0; r < k; r++)
        pm_add_cb(in, cur, set[r]);
    double v = 0;
    for (size_t i = 0; i < in->nd; i++)
        v += in->w[i] * cur[i];
    free(cur);
    return v;
}

double acc_site_pmedian(const acc_site_inst *in, size_t k, uint32_t *chosen, double *gain)
{
    if (k > in->nc)
        k = in->nc;
    double *cur = hss_xmalloc((in->nd + 1) * sizeof *cur);
    for (size_t i = 0; i < in->nd; i++)
        cur[i] = base_cost(in, i);
    k = lazy_greedy(in, k, pm_gain_cb, cur, pm_add_cb, chosen);
    char *in_set = hss_xcalloc(in->nc + 1, 1);
    for (size_t r = 0; r < k; r++)
        in_set[chosen[r]] = 1;
    int improved = 1;
    for (int pass = 0; improved && pass < 50; pass++) {
        improved = 0;
        for (size_t r = 0; r < k; r++) {
            /* costs without site r */
            for (size_t i = 0; i < in->nd; i++)
                cur[i] = base_cost(in, i);
            for (size_t s = 0; s < k; s++)
                if (s != r)
                    pm_add_cb(in, cur, chosen[s]);
            double best = pm_gain(in, cur, chosen[r]);
            uint32_t bj = chosen[r];
            for (uint32_t j = 0; j < in->nc; j++) {
                if (in_set[j])
                    continue;
                double g = pm_gain(in, cur, j);
                if (g > best * (1 + 1e-12) + 1e-9) {
                    best = g;
                    bj = j;
                }
            }
            if (bj != chosen[r]) {
                in_set[chosen[r]] = 0;
                in_set[bj] = 1;
                chosen[r] = bj;
                improved = 1;
            }
        }
    }
    free(in_set);
    free(cur);
    rank_sites(in, chosen, k, gain, 1);
    return acc_site_pmedian_value(in, chosen, k);
}

static void rank_sites(const acc_site_inst *in, uint32_t *set, size_t k, double *gain, int pmedian)
{
    uint32_t *cnt = NULL;
    double *cur = NULL;
    if (pmedian) {
        cur = hss_xmalloc((in->nd + 1) * sizeof *cur);
        for (size_t i = 0; i < in->nd; i++)
            cur[i] = base_cost(in, i);
    } else {
        cnt = hss_xcalloc(in->nd + 1, sizeof *cnt);
        for (size_t i = 0; i < in->nd; i++)
            cnt[i] = in->base && in->base[i] ? 1 : 0;
    }
    for (size_t r = 0; r < k; r++) {
        size_t b = r;
        double bg = -1;
        for (size_t s = r; s < k; s++) {
            double g = pmedian ? pm_gain(in, cur, set[s]) : capped(in, cover_gain(in, cnt, set[s]));
            if (g > bg) {
                bg = g;
                b = s;
            }
        }
        uint32_t t = set[r];
        set[r] = set[b];
        set[b] = t;
        if (gain)
            gain[r] = bg;
        if (pmedian)
            pm_add_cb(in, cur, set[r]);
        else
            cover_add(in, cnt, set[r], 1);
    }
    free(cnt);
    free(cur);
}
