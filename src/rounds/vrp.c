/*
 * vrp.c: the routing core of round planning, for one home facility and its villages. A round is
 * a tour from home through some villages and back, driven on as many days a week as its most
 * demanding village asks; it must fit a working day with the dwell times. The plan minimises
 * weekly driving, sum over rounds of (days a week x tour minutes).
 *
 * Small groups (up to exact_max villages) are solved exactly: Held-Karp gives the shortest tour
 * of every subset, and a set-partitioning DP over subsets picks the cheapest partition into
 * feasible tours. Larger groups start from Clarke-Wright savings and improve by local search
 * (relocate, exchange, 2-opt) until no move helps. The lower bound (see hss_vrp_lower_bound)
 * tells how far from optimal a heuristic plan can be.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rounds/rounds.h"

#define EPS 1e-9
#define EXACT_CAP 16

static double T(const hss_vrp *in, int i, int j)
{
    return in->t[(size_t)i * (in->n + 1) + (size_t)j];
}

double hss_vrp_route_drive(const hss_vrp *in, const int *stops, size_t k)
{
    if (k == 0)
        return 0;
    double d = T(in, 0, stops[0]) + T(in, stops[k - 1], 0);
    for (size_t i = 1; i < k; i++)
        d += T(in, stops[i - 1], stops[i]);
    return d;
}

static double route_dwell(const hss_vrp *in, const int *stops, size_t k)
{
    double w = 0;
    for (size_t i = 0; i < k; i++)
        w += in->dwell[stops[i]];
    return w;
}

int hss_vrp_route_fits(const hss_vrp *in, const int *stops, size_t k)
{
    double d = hss_vrp_route_drive(in, stops, k);
    return isfinite(d) && d + route_dwell(in, stops, k) <= in->limit + EPS;
}

static int route_freq(const hss_vrp *in, const int *stops, size_t k)
{
    int f = 0;
    for (size_t i = 0; i < k; i++)
        if (in->freq[stops[i]] > f)
            f = in->freq[stops[i]];
    return f;
}

/* Weekly cost of a route; INFINITY when it does not fit the day. */
static double route_cost(const hss_vrp *in, const int *stops, size_t k)
{
    if (k == 0)
        return 0;
    if (!hss_vrp_route_fits(in, stops, k))
        return INFINITY;
    return route_freq(in, stops, k) * hss_vrp_route_drive(in, stops, k);
}

/* ---- the solution's shape ------------------------------------------------------------------ */

typedef struct {
    int *s;
    size_t k;
} route;

/* Villages a route could never serve alone go to unserved; the rest are returned in `ok`. */
static size_t split_servable(const hss_vrp *in, int *ok, hss_vrp_sol *out)
{
    size_t m = 0;
    out->unserved = hss_xmalloc((in->n + 1) * sizeof *out->unserved);
    for (int v = 1; v <= (int)in->n; v++) {
        if (in->freq[v] <= 0)
            continue;
        if (hss_vrp_route_fits(in, &v, 1))
            ok[m++] = v;
        else
            out->unserved[out->nunserved++] = v;
    }
    return m;
}

static void sol_from_routes(const hss_vrp *in, route *r, size_t nr, hss_vrp_sol *out)
{
    size_t total = 0, used = 0;
    for (size_t i = 0; i < nr; i++)
        total += r[i].k;
    out->off = hss_xmalloc((nr + 1) * sizeof *out->off);
    out->stop = hss_xmalloc((total + 1) * sizeof *out->stop);
    out->freq = hss_xmalloc((nr + 1) * sizeof *out->freq);
    out->drive = hss_xmalloc((nr + 1) * sizeof *out->drive);
    out->cost = 0;
    size_t pos = 0;
    for (size_t i = 0; i < nr; i++) {
        if (!r[i].k)
            continue;
        out->off[used] = pos;
        memcpy(out->stop + pos, r[i].s, r[i].k * sizeof *r[i].s);
        pos += r[i].k;
        out->freq[used] = route_freq(in, r[i].s, r[i].k);
        out->drive[used] = hss_vrp_route_drive(in, r[i].s, r[i].k);
        out->cost += out->freq[used] * out->drive[used];
        used++;
    }
    out->off[used] = pos;
    out->nroutes = used;
}

void hss_vrp_sol_free(hss_vrp_sol *s)
{
    free(s->off);
    free(s->stop);
    free(s->freq);
    free(s->drive);
    free(s->unserved);
    memset(s, 0, sizeof *s);
}

/* ---- exact: Held-Karp tours + set partitioning ------------------------------------------- */

typedef struct {
    size_t m;
    const int *v;      /* node of each bit */
    double *dp;        /* [mask][last]: shortest path from home through mask ending at last */
    signed char *par;  /* previous last, -1 at the start */
    double *tour;      /* [mask]: shortest tour (INFINITY when it does not fit) */
    signed char *end;  /* last village of that tour */
} exact_ws;

static void held_karp(const hss_vrp *in, exact_ws *w)
{
    size_t m = w->m, full = (size_t)1 << m;
    for (size_t i = 0; i < full * m; i++) {
        w->dp[i] = INFINITY;
        w->par[i] = -1;
    }
    for (size_t j = 0; j < m; j++)
        w->dp[((size_t)1 << j) * m + j] = T(in, 0, w->v[j]);
    for (size_t mask = 1; mask < full; mask++) {
        double dwell = 0;
        for (size_t j = 0; j < m; j++)
            if (mask >> j & 1)
                dwell += in->dwell[w->v[j]];
        w->tour[mask] = INFINITY;
        w->end[mask] = -1;
        for (size_t j = 0; j < m; j++) {
            double d = w->dp[mask * m + j];
            if (!(mask >> j & 1) || !isfinite(d))
                continue;
            double back = d + T(in, w->v[j], 0);
            if (back + dwell <= in->limit + EPS && back < w->tour[mask]) {
                w->tour[mask] = back;
                w->end[mask] = (signed char)j;
            }
            /* a path whose dwell plus drive already exceeds the day cannot grow */
            if (d + dwell > in->limit + EPS)
                continue;
            for (size_t k = 0; k < m; k++) {
                if (mask >> k & 1)
                    continue;
                size_t nm = mask | (size_t)1 << k;
                double nd = d + T(in, w->v[j], w->v[k]);
                if (nd < w->dp[nm * m + k]) {
                    w->dp[nm * m + k] = nd;
                    w->par[nm * m + k] = (signed char)j;
                }
            }
        }
    }
}

/* The tour of `mask` in visiting order into r. */
static void tour_order(const exact_ws *w, size_t mask, route *r)
{
    size_t k = 0;
    for (size_t j = 0; j < w->m; j++)
        k += mask >> j & 1;
    r->s = hss_xmalloc((k + 1) * sizeof *r->s);
    r->k = k;
    int last = w->end[mask];
    while (last >= 0 && k > 0) {
        r->s[--k] = w->v[last];
        int prev = w->par[mask * w->m + (size_t)last];
        mask &= ~((size_t)1 << last);
        last = prev;
    }
}

static void solve_exact(const hss_vrp *in, const int *ok, size_t m, route **rs, size_t *nr)
{
    size_t full = (size_t)1 << m;
    exact_ws w = {m, ok, hss_xmalloc(full * m * sizeof(double)), hss_xmalloc(full * m),
                  hss_xmalloc(full * sizeof(double)), hss_xmalloc(full)};
    held_karp(in, &w);
    double *best = hss_xmalloc(full * sizeof *best);
    size_t *pick = hss_xmalloc(full * sizeof *pick);
    int *fq = hss_xmalloc(full * sizeof *fq);
    fq[0] = 0;
    for (size_t mask = 1; mask < full; mask++) {
        size_t low = mask & (~mask + 1);
        int j = __builtin_ctzll((unsigned long long)low);
        int f = in->freq[ok[j]];
        fq[mask] = fq[mask ^ low] > f ? fq[mask ^ low] : f;
    }
    best[0] = 0;
    for (size_t mask = 1; mask < full; mask++) {
        size_t low = mask & (~mask + 1);
        best[mask] = INFINITY;
        pick[mask] = 0;
        for (size_t sub = mask; sub; sub = (sub - 1) & mask) {
            if (!(sub & low) || !isfinite(w.tour[sub]))
                continue;
            double c = best[mask ^ sub] + fq[sub] * w.tour[sub];
            if (c < best[mask] - EPS) {
                best[mask] = c;
                pick[mask] = sub;
            }
        }
    }
    *rs = hss_xcalloc(m + 1, sizeof **rs);
    *nr = 0;
    for (size_t mask = full - 1; mask && pick[mask]; mask ^= pick[mask])
        tour_order(&w, pick[mask], &(*rs)[(*nr)++]);
    free(w.dp);
    free(w.par);
    free(w.tour);
    free(w.end);
    free(best);
    free(pick);
    free(fq);
}

/* ---- heuristic: savings, then local search ------------------------------------------------ */

typedef struct {
    double s;
    int i, j;
} saving;

static int cmp_saving(const void *a, const void *b)
{
    const saving *x = a, *y = b;
    if (x->s != y->s)
        return x->s > y->s ? -1 : 1;
    if (x->i != y->i)
        return x->i - y->i;
    return x->j - y->j;
}

/* Clarke-Wright: join the route ending at i to the route starting at j, largest saving first,
 * when the joined route fits the day and weekly driving falls. */
static void savings(const hss_vrp *in, const int *ok, size_t m, route *r)
{
    int n = (int)in->n;
    int *of = hss_xmalloc(((size_t)n + 1) * sizeof *of); /* route index of each node */
    for (size_t a = 0; a < m; a++) {
        r[a].s = hss_xmalloc((m + 1) * sizeof *r[a].s);
        r[a].s[0] = ok[a];
        r[a].k = 1;
        of[ok[a]] = (int)a;
    }
    saving *sv = hss_xmalloc((m * m + 1) * sizeof *sv);
    size_t ns = 0;
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b < m; b++)
            if (a != b && isfinite(T(in, ok[a], ok[b])))
                sv[ns++] = (saving){T(in, ok[a], 0) + T(in, 0, ok[b]) - T(in, ok[a], ok[b]), ok[a], ok[b]};
    qsort(sv, ns, sizeof *sv, cmp_saving);
    int *buf = hss_xmalloc((m + 1) * sizeof *buf);
    for (size_t q = 0; q < ns; q++) {
        route *A = &r[of[sv[q].i]], *B = &r[of[sv[q].j]];
        if (A == B || A->s[A->k - 1] != sv[q].i || B->s[0] != sv[q].j)
            continue;
        memcpy(buf, A->s, A->k * sizeof *buf);
        memcpy(buf + A->k, B->s, B->k * sizeof *buf);
        size_t k = A->k + B->k;
        double before = route_cost(in, A->s, A->k) + route_cost(in, B->s, B->k);
        if (!(route_cost(in, buf, k) < before - EPS))
            continue;
        memcpy(A->s, buf, k * sizeof *buf);
        A->k = k;
        for (size_t x = 0; x < B->k; x++)
            of[B->s[x]] = (int)(A - r);
        B->k = 0;
    }
    free(buf);
    free(sv);
    free(of);
}

/* Removes position i of a route into dst; returns the new length. */
static size_t without(const route *a, size_t i, int *dst)
{
    size_t k = 0;
    for (size_t x = 0; x < a->k; x++)
        if (x != i)
            dst[k++] = a->s[x];
    return k;
}

/* Inserts v at position j of src[0..k) into dst. */
static void with(const int *src, size_t k, size_t j, int v, int *dst)
{
    memcpy(dst, src, j * sizeof *dst);
    dst[j] = v;
    memcpy(dst + j + 1, src + j, (k - j) * sizeof *dst);
}

/* Moves one village to its best place in any route (or a route of its own). */
static int relocate(const hss_vrp *in, route *r, size_t nr, int *b1, int *b2, int *b3)
{
    for (size_t a = 0; a < nr; a++) {
        for (size_t i = 0; i < r[a].k; i++) {
            int v = r[a].s[i];
            size_t ka = without(&r[a], i, b1);
            double base = route_cost(in, r[a].s, r[a].k), ca = route_cost(in, b1, ka);
            if (!isfinite(ca))
                continue;
            double best = -EPS;
            size_t bb = nr, bj = 0;
            for (size_t b = 0; b < nr; b++) {
                const int *src = b == a ? b1 : r[b].s;
                size_t kb = b == a ? ka : r[b].k;
                if (b != a && kb == 0)
                    continue;
                double cb = b == a ? 0 : route_cost(in, r[b].s, r[b].k);
                for (size_t j = 0; j <= kb; j++) {
                    with(src, kb, j, v, b2);
                    double d = route_cost(in, b2, kb + 1) - cb - (b == a ? base : base - ca);
                    if (d < best) {
                        best = d;
                        bb = b;
                        bj = j;
                    }
                }
            }
            if (bb == nr && ka > 0) {
                /* a round of its own */
                double d = ca + route_cost(in, &v, 1) - base;
                for (size_t e = 0; e < nr && d < -EPS; e++)
                    if (r[e].k == 0) {
                        r[e].s[0] = v;
                        r[e].k = 1;
                        memcpy(r[a].s, b1, ka * sizeof *b1);
                        r[a].k = ka;
                        return 1;
                    }
            }
            if (bb == nr)
                continue;
            if (bb == a) {
                with(b1, ka, bj, v, b2);
                memcpy(r[a].s, b2, r[a].k * sizeof *b2);
            } else {
                with(r[bb].s, r[bb].k, bj, v, b3);
                memcpy(r[bb].s, b3, (r[bb].k + 1) * sizeof *b3);
                r[bb].k++;
                memcpy(r[a].s, b1, ka * sizeof *b1);
                r[a].k = ka;
            }
            return 1;
        }
    }
    return 0;
}

/* Swaps two villages of different routes. */
static int exchange(const hss_vrp *in, route *r, size_t nr, int *b1, int *b2)
{
    for (size_t a = 0; a < nr; a++)
        for (size_t b = a + 1; b < nr; b++) {
            if (!r[a].k || !r[b].k)
                continue;
            double base = route_cost(in, r[a].s, r[a].k) + route_cost(in, r[b].s, r[b].k);
            for (size_t i = 0; i < r[a].k; i++)
                for (size_t j = 0; j < r[b].k; j++) {
                    memcpy(b1, r[a].s, r[a].k * sizeof *b1);
                    memcpy(b2, r[b].s, r[b].k * sizeof *b2);
                    b1[i] = r[b].s[j];
                    b2[j] = r[a].s[i];
                    if (route_cost(in, b1, r[a].k) + route_cost(in, b2, r[b].k) < base - EPS) {
                        memcpy(r[a].s, b1, r[a].k * sizeof *b1);
                        memcpy(r[b].s, b2, r[b].k * sizeof *b2);
                        return 1;
                    }
                }
        }
    return 0;
}

/* Reverses a stretch of one route. */
static int two_opt(const hss_vrp *in, route *r, size_t nr, int *b1)
{
    for (size_t a = 0; a < nr; a++) {
        size_t k = r[a].k;
        double base = route_cost(in, r[a].s, k);
        for (size_t i = 0; i + 1 < k; i++)
            for (size_t j = i + 1; j < k; j++) {
                memcpy(b1, r[a].s, k * sizeof *b1);
                for (size_t x = i, y = j; x < y; x++, y--) {
                    int t = b1[x];
                    b1[x] = b1[y];
                    b1[y] = t;
                }
                if (route_cost(in, b1, k) < base - EPS) {
                    memcpy(r[a].s, b1, k * sizeof *b1);
                    return 1;
                }
            }
    }
    return 0;
}

static void local_search(const hss_vrp *in, route *r, size_t m, int *b1, int *b2, int *b3)
{
    for (;;) {
        if (two_opt(in, r, m, b1) || relocate(in, r, m, b1, b2, b3) || exchange(in, r, m, b1, b2))
            continue;
        break;
    }
}

static double total_cost(const hss_vrp *in, const route *r, size_t m)
{
    double c = 0;
    for (size_t i = 0; i < m; i++)
        c += route_cost(in, r[i].s, r[i].k);
    return c;
}

static void copy_routes(route *dst, const route *src, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        memcpy(dst[i].s, src[i].s, src[i].k * sizeof *src[i].s);
        dst[i].k = src[i].k;
    }
}

/* Puts v where it adds least weekly driving (a new round when nothing fits). */
static void insert_cheapest(const hss_vrp *in, route *r, size_t m, int v, int *b2)
{
    double best = INFINITY;
    size_t bb = m, bj = 0;
    for (size_t b = 0; b < m; b++) {
        if (r[b].k == 0)
            continue;
        double cb = route_cost(in, r[b].s, r[b].k);
        for (size_t j = 0; j <= r[b].k; j++) {
            with(r[b].s, r[b].k, j, v, b2);
            double d = route_cost(in, b2, r[b].k + 1) - cb;
            if (d < best) {
                best = d;
                bb = b;
                bj = j;
            }
        }
    }
    if (bb < m && best <= route_cost(in, &v, 1)) {
        with(r[bb].s, r[bb].k, bj, v, b2);
        r[bb].k++;
        memcpy(r[bb].s, b2, r[bb].k * sizeof *b2);
        return;
    }
    for (size_t e = 0; e < m; e++)
        if (r[e].k == 0) {
            r[e].s[0] = v;
            r[e].k = 1;
            return;
        }
}

/* Ruin and recreate: takes out a village and its nearest neighbours and puts them back one by
 * one at their cheapest places, in random order. */
static void ruin_recreate(const hss_vrp *in, const int *ok, size_t m, route *r, hss_rng *rng, int *b2)
{
    size_t k = 2 + hss_rng_below(rng, m < 6 ? 2 : 4);
    if (k > m)
        k = m;
    int seed = ok[hss_rng_below(rng, m)];
    int *out = hss_xmalloc((k + 1) * sizeof *out);
    double *d = hss_xmalloc((k + 1) * sizeof *d);
    size_t nout = 0;
    for (size_t i = 0; i < m; i++) {
        double x = ok[i] == seed ? -1 : T(in, seed, ok[i]) + T(in, ok[i], seed);
        size_t p = nout < k ? nout++ : k;
        if (p == k && !(x < d[k - 1]))
            continue;
        if (p == k)
            p = k - 1;
        while (p > 0 && d[p - 1] > x) {
            d[p] = d[p - 1];
            out[p] = out[p - 1];
            p--;
        }
        d[p] = x;
        out[p] = ok[i];
    }
    for (size_t a = 0; a < m; a++) {
        size_t w = 0;
        for (size_t i = 0; i < r[a].k; i++) {
            int keep = 1;
            for (size_t q = 0; q < nout; q++)
                keep &= r[a].s[i] != out[q];
            if (keep)
                r[a].s[w++] = r[a].s[i];
        }
        r[a].k = w;
    }
    for (size_t q = nout; q > 1; q--) {
        size_t j = hss_rng_below(rng, q);
        int t = out[q - 1];
        out[q - 1] = out[j];
        out[j] = t;
    }
    for (size_t q = 0; q < nout; q++)
        insert_cheapest(in, r, m, out[q], b2);
    free(out);
    free(d);
}

/* Iterations of ruin-and-recreate after the first local optimum: enough for the small groups
 * to reach their optimum, bounded for large ones. */
static size_t ils_rounds(size_t m)
{
    return m <= 40 ? 400 : m <= 150 ? 120 : 30;
}

static void solve_heuristic(const hss_vrp *in, const int *ok, size_t m, route **rs, size_t *nr)
{
    route *r = hss_xcalloc(m + 1, sizeof *r), *best = hss_xcalloc(m + 1, sizeof *best);
    savings(in, ok, m, r);
    for (size_t i = 0; i < m; i++)
        best[i].s = hss_xmalloc((m + 1) * sizeof *best[i].s);
    int *b1 = hss_xmalloc((m + 2) * sizeof *b1), *b2 = hss_xmalloc((m + 2) * sizeof *b2),
        *b3 = hss_xmalloc((m + 2) * sizeof *b3);
    local_search(in, r, m, b1, b2, b3);
    copy_routes(best, r, m);
    double best_cost = total_cost(in, r, m);
    hss_rng rng;
    hss_rng_seed(&rng, 0x726f756e64ULL + m);
    for (size_t it = 0; it < ils_rounds(m); it++) {
        ruin_recreate(in, ok, m, r, &rng, b2);
        local_search(in, r, m, b1, b2, b3);
        double c = total_cost(in, r, m);
        if (c < best_cost - EPS) {
            best_cost = c;
            copy_routes(best, r, m);
        } else {
            copy_routes(r, best, m);
        }
    }
    free(b1);
    free(b2);
    free(b3);
    for (size_t i = 0; i < m; i++)
        free(r[i].s);
    free(r);
    *rs = best;
    *nr = m;
}

void hss_vrp_solve(const hss_vrp *in, int exact_max, hss_vrp_sol *out)
{
    memset(out, 0, sizeof *out);
    int *ok = hss_xmalloc((in->n + 1) * sizeof *ok);
    size_t m = split_servable(in, ok, out);
    route *r = NULL;
    size_t nr = 0;
    if (m > 0 && (int)m <= exact_max && m <= EXACT_CAP)
        solve_exact(in, ok, m, &r, &nr);
    else if (m > 0)
        solve_heuristic(in, ok, m, &r, &nr);
    sol_from_routes(in, r, nr, out);
    for (size_t i = 0; i < nr; i++)
        free(r[i].s);
    free(r);
    free(ok);
}

/* ---- lower bound ------------------------------------------------------------------------ */

/* The relaxation of one visit level: any m rounds covering villages v[0..k) form, once home is
 * taken out, a spanning forest of m paths over the villages plus 2m distinct home arcs (out of
 * and back to home), every village having degree 2. Dropping "paths" and "degree 2" leaves the
 * cheapest m-forest (the minimum spanning tree without its m-1 longest edges, on the symmetric
 * minimum of the two directions) plus the 2m cheapest home arcs: a lower bound for every m at
 * least the number of working days the villages need. Lagrangian multipliers on the degree
 * constraints (Held and Karp's idea, with subgradient steps) raise it: arc costs become
 * w(a,b) + pi[a] + pi[b], home arcs w + pi[a], and the bound is the relaxed optimum - 2 sum pi. */
typedef struct {
    size_t k, mmin;
    double *w;      /* k*k symmetric village-village minutes */
    double *hout, *hin;
    double *key, *ew; /* Prim workspace; tree edge weights */
    int *par, *in_tree, *eu, *ev;
    size_t *order;
    double *hv;     /* 2k modified home arcs */
    int *hvil;
    int *deg;
} lag_ws;

/* Sorts idx[0..n) by key, descending or ascending (insertion sort: n is a home's villages, and
 * qsort has no context argument to carry the key without a global). */
static void sort_idx(size_t *idx, size_t n, const double *key, int desc)
{
    for (size_t i = 1; i < n; i++) {
        size_t x = idx[i], j = i;
        while (j > 0 && (desc ? key[idx[j - 1]] < key[x] : key[idx[j - 1]] > key[x])) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
}

/* The relaxed optimum under multipliers pi, minus 2 sum pi; fills the degrees of the structure
 * that achieves it. */
static double lag_eval(lag_ws *L, const double *pi)
{
    size_t k = L->k;
    for (size_t i = 0; i < k; i++) {
        L->key[i] = INFINITY;
        L->in_tree[i] = 0;
        L->par[i] = -1;
        L->deg[i] = 0;
    }
    L->key[0] = 0;
    double tree = 0;
    size_t ne = 0;
    for (size_t step = 0; step < k; step++) {
        size_t u = k;
        for (size_t i = 0; i < k; i++)
            if (!L->in_tree[i] && (u == k || L->key[i] < L->key[u]))
                u = i;
        L->in_tree[u] = 1;
        if (step > 0) {
            tree += L->key[u];
            L->ew[ne] = L->key[u];
            L->eu[ne] = L->par[u];
            L->ev[ne++] = (int)u;
        }
        for (size_t i = 0; i < k; i++) {
            double c = L->w[u * k + i] + pi[u] + pi[i];
            if (!L->in_tree[i] && c < L->key[i]) {
                L->key[i] = c;
                L->par[i] = (int)u;
            }
        }
    }
    size_t *eo = L->order;
    for (size_t i = 0; i < ne; i++)
        eo[i] = i;
    sort_idx(eo, ne, L->ew, 1);
    size_t *ho = L->order + k;
    for (size_t i = 0; i < k; i++) {
        L->hv[2 * i] = L->hout[i] + pi[i];
        L->hv[2 * i + 1] = L->hin[i] + pi[i];
        L->hvil[2 * i] = L->hvil[2 * i + 1] = (int)i;
        ho[2 * i] = 2 * i;
        ho[2 * i + 1] = 2 * i + 1;
    }
    sort_idx(ho, 2 * k, L->hv, 0);
    double forest = tree, arcs = 0, best = INFINITY, sum_pi = 0;
    size_t best_m = L->mmin;
    for (size_t i = 0; i + 1 < L->mmin && i < ne; i++)
        forest -= L->ew[eo[i]];
    for (size_t i = 0; i < 2 * L->mmin && i < 2 * k; i++)
        arcs += L->hv[ho[i]];
    for (size_t m = L->mmin; m <= k; m++) {
        if (forest + arcs < best) {
            best = forest + arcs;
            best_m = m;
        }
        if (m < k) {
            forest -= L->ew[eo[m - 1]];
            arcs += L->hv[ho[2 * m]] + L->hv[ho[2 * m + 1]];
        }
    }
    for (size_t i = best_m - 1; i < ne; i++) {
        L->deg[L->eu[eo[i]]]++;
        L->deg[L->ev[eo[i]]]++;
    }
    for (size_t i = 0; i < 2 * best_m && i < 2 * k; i++)
        L->deg[L->hvil[ho[i]]]++;
    for (size_t i = 0; i < k; i++)
        sum_pi += pi[i];
    return best - 2 * sum_pi;
}

#define LAG_ITER 200

static double level_bound(const hss_vrp *in, const int *v, size_t k)
{
    if (k == 0)
        return 0;
    lag_ws L = {k, 1, hss_xmalloc(k * k * sizeof(double)), hss_xmalloc(k * sizeof(double)),
                hss_xmalloc(k * sizeof(double)), hss_xmalloc(k * sizeof(double)), hss_xmalloc(k * sizeof(double)),
                hss_xmalloc(k * sizeof(int)), hss_xmalloc(k * sizeof(int)), hss_xmalloc(k * sizeof(int)),
                hss_xmalloc(k * sizeof(int)), hss_xmalloc(3 * k * sizeof(size_t)), hss_xmalloc(2 * k * sizeof(double)),
                hss_xmalloc(2 * k * sizeof(int)), hss_xmalloc(k * sizeof(int))};
    /* every round spends at least, per village, its dwell and its cheapest arrival, and one
     * cheapest return home: that many minutes need at least mmin working days */
    double busy = 0, ret = INFINITY;
    for (size_t i = 0; i < k; i++) {
        L.hout[i] = T(in, 0, v[i]);
        L.hin[i] = T(in, v[i], 0);
        double arrive = L.hout[i];
        for (size_t j = 0; j < k; j++) {
            L.w[i * k + j] = i == j ? INFINITY : fmin(T(in, v[i], v[j]), T(in, v[j], v[i]));
            if (j != i)
                arrive = fmin(arrive, T(in, v[j], v[i]));
        }
        busy += in->dwell[v[i]] + arrive;
        ret = fmin(ret, L.hin[i]);
    }
    L.mmin = ret < in->limit ? (size_t)ceil(busy / (in->limit - ret) - EPS) : 1;
    if (L.mmin < 1)
        L.mmin = 1;
    if (L.mmin > k)
        L.mmin = k;
    double *pi = hss_xcalloc(k, sizeof *pi);
    double best = lag_eval(&L, pi), lambda = 2;
    int stale = 0;
    for (int it = 0; it < LAG_ITER && lambda > 1e-4 && isfinite(best); it++) {
        double norm = 0;
        for (size_t i = 0; i < k; i++)
            norm += (double)(L.deg[i] - 2) * (L.deg[i] - 2);
        if (norm == 0)
            break; /* every degree is 2: the relaxation is tight */
        double step = lambda * (0.1 * fabs(best) + 1) / norm;
        for (size_t i = 0; i < k; i++)
            pi[i] += step * (L.deg[i] - 2);
        double val = lag_eval(&L, pi);
        if (val > best + EPS) {
            best = val;
            stale = 0;
        } else if (++stale >= 10) {
            lambda /= 2;
            stale = 0;
        }
    }
    free(pi);
    free(L.w);
    free(L.hout);
    free(L.hin);
    free(L.key);
    free(L.ew);
    free(L.par);
    free(L.in_tree);
    free(L.eu);
    free(L.ev);
    free(L.order);
    free(L.hv);
    free(L.hvil);
    free(L.deg);
    return best;
}

double hss_vrp_lower_bound(const hss_vrp *in)
{
    int maxf = 0;
    for (size_t v = 1; v <= in->n; v++)
        if (in->freq[v] > maxf)
            maxf = in->freq[v];
    int *lev = hss_xmalloc((in->n + 1) * sizeof *lev);
    double lb = 0;
    for (int f = 1; f <= maxf; f++) {
        size_t k = 0;
        for (int v = 1; v <= (int)in->n; v++)
            if (in->freq[v] >= f && hss_vrp_route_fits(in, &v, 1))
                lev[k++] = v;
        lb += level_bound(in, lev, k);
    }
    free(lev);
    return lb;
}
