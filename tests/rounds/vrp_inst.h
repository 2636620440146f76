/*
 * vrp_inst.h: small round-planning instances and the brute-force best visiting order, shared
 * by tests/rounds/test_vrp.c and bench/rounds_bench.c so that the checker the benchmark
 * reports against is the one the tests trust. A home and up to VRP_MAXN villages on a random
 * road-like metric: straight-line times stretched by a random detour factor, closed under
 * shortest paths so that the triangle inequality holds.
 */
#ifndef HSS_TESTS_VRP_INST_H
#define HSS_TESTS_VRP_INST_H

#include <math.h>

#include "rounds/rounds.h"

#define VRP_MAXN 9

typedef struct {
    size_t n;
    double t[(VRP_MAXN + 1) * (VRP_MAXN + 1)];
    double dwell[VRP_MAXN + 1];
    int freq[VRP_MAXN + 1];
    hss_vrp vrp;
} vrp_inst;

static inline void vrp_inst_make(vrp_inst *I, size_t n, uint64_t seed, double limit)
{
    hss_rng r;
    hss_rng_seed(&r, seed);
    double x[VRP_MAXN + 1], y[VRP_MAXN + 1];
    I->n = n;
    for (size_t i = 0; i <= n; i++) {
        x[i] = hss_rng_uniform(&r) * 40;
        y[i] = hss_rng_uniform(&r) * 40;
        I->dwell[i] = i ? 20 + 10 * (double)(hss_rng_next(&r) % 5) : 0;
        I->freq[i] = i ? 1 + (int)(hss_rng_next(&r) % 3 == 0) : 0;
    }
    size_t N = n + 1;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            I->t[i * N + j] = i == j ? 0 : hypot(x[i] - x[j], y[i] - y[j]) * (1.2 + 0.5 * hss_rng_uniform(&r));
    for (size_t k = 0; k < N; k++)
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++)
                if (I->t[i * N + k] + I->t[k * N + j] < I->t[i * N + j])
                    I->t[i * N + j] = I->t[i * N + k] + I->t[k * N + j];
    I->vrp = (hss_vrp){n, I->t, I->dwell, I->freq, limit};
}

/* Brute force: the shortest feasible drive over the villages perm[0..k) in any order
 * (INFINITY when no order fits the day); perm is permuted in place and restored. */
static inline double vrp_inst_best_order(const vrp_inst *I, int *perm, size_t k, size_t at)
{
    if (at == k)
        return hss_vrp_route_fits(&I->vrp, perm, k) ? hss_vrp_route_drive(&I->vrp, perm, k) : INFINITY;
    double best = INFINITY;
    for (size_t i = at; i < k; i++) {
        int t = perm[at];
        perm[at] = perm[i];
        perm[i] = t;
        double c = vrp_inst_best_order(I, perm, k, at + 1);
        if (c < best)
            best = c;
        perm[i] = perm[at];
        perm[at] = t;
    }
    return best;
}

#endif
