/*
 * test_engine.c: the travel-time engine's two queues (Dial's buckets when the arc costs allow,
 * the radix heap otherwise) against a plain reference: one textbook Dijkstra per seed and the
 * minimum over seeds, the nearest label being the least label among the seeds that reach a
 * node at that minimum. Integer (or binary-fraction) arc costs make the sums exact, so costs
 * must agree exactly and the many equal costs test the tie rule; full, bounded and sparse runs.
 */
#include "fixture.h"

static uint64_t rs;
static uint32_t rnd(uint32_t n)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs % n);
}

/* A random graph: a ring plus random chords, a third of them one-way. At 18 km/h (5 m/s,
 * and 18 / 3.6 is exactly 5 in doubles) an edge of 5k metres costs exactly k seconds. */
#define KMH 18.0
#define MPS 5.0
static void random_net(acc_net *g, uint32_t n, size_t chords, double tiny, double huge)
{
    acc_net_init(g);
    for (uint32_t i = 0; i < n; i++)
        acc_net_add_node(g, 120 + i * 1e-4, 30);
    for (uint32_t i = 0; i < n; i++)
        acc_net_add_edge(g, i, (i + 1) % n, MPS * (1 + rnd(9)), KMH, ACC_CAR_FWD | ACC_CAR_BWD, 0);
    for (size_t k = 0; k < chords; k++) {
        uint32_t u = rnd(n), v = rnd(n);
        if (u != v)
            acc_net_add_edge(g, u, v, MPS * (1 + rnd(9)), KMH, ACC_CAR_FWD | (rnd(3) ? ACC_CAR_BWD : 0), 0);
    }
    if (tiny > 0)
        acc_net_add_edge(g, 0, n / 2, MPS * tiny, KMH, ACC_CAR_FWD | ACC_CAR_BWD, 0);
    if (huge > 0)
        acc_net_add_edge(g, 1, n / 3, MPS * huge, KMH, ACC_CAR_FWD | ACC_CAR_BWD, 0);
}

/* Textbook Dijkstra from one node with a plain binary heap of (cost, node), stale entries
 * skipped. */
typedef struct {
    double k;
    uint32_t v;
} ref_item;

static void ref_one(const acc_csr *c, uint32_t s, double s_cost, double *d)
{
    size_t cap = c->off[c->n] + 2, n = 0;
    ref_item *h = malloc(cap * sizeof *h);
    for (uint32_t i = 0; i < c->n; i++)
        d[i] = INFINITY;
    d[s] = s_cost;
    h[n++] = (ref_item){s_cost, s};
    while (n) {
        ref_item top = h[0], last = h[--n];
        size_t i = 0;
        for (;;) { /* sift `last` down from the root */
            size_t m = 2 * i + 1;
            if (m >= n)
                break;
            if (m + 1 < n && h[m + 1].k < h[m].k)
                m++;
            if (h[m].k >= last.k)
                break;
            h[i] = h[m];
            i = m;
        }
        if (n)
            h[i] = last;
        if (top.k > d[top.v])
            continue;
        for (uint32_t a = c->off[top.v]; a < c->off[top.v + 1]; a++) {
            double nd = top.k + c->w[a];
            if (!(nd < d[c->to[a]]))
                continue;
            d[c->to[a]] = nd;
            size_t j = n++; /* sift up */
            while (j > 0 && h[(j - 1) / 2].k > nd) {
                h[j] = h[(j - 1) / 2];
                j = (j - 1) / 2;
            }
            h[j] = (ref_item){nd, c->to[a]};
        }
    }
    free(h);
}

static void reference(const acc_csr *c, const acc_seed *seeds, size_t ns, double bound, double *dist,
                      int32_t *label)
{
    double *d = malloc(c->n * sizeof *d);
    for (uint32_t i = 0; i < c->n; i++) {
        dist[i] = INFINITY;
        label[i] = -1;
    }
    for (size_t s = 0; s < ns; s++) {
        ref_one(c, seeds[s].node, seeds[s].cost, d);
        for (uint32_t i = 0; i < c->n; i++)
            if (d[i] <= bound && (d[i] < dist[i] || (d[i] == dist[i] && seeds[s].label < label[i]))) {
                dist[i] = d[i];
                label[i] = seeds[s].label;
            }
    }
    free(d);
}

/* Full, bounded and sparse runs from random seeds agree with the reference. */
static void check_graph(uint32_t n, double tiny, double huge)
{
    rs = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(tiny * 1e6 + huge);
    acc_net g;
    random_net(&g, n, n + n * 2 / 3, tiny, huge);
    acc_csr c;
    acc_csr_build(&c, &g, HSS_MODE_DRIVE, ACC_COST_TIME, 0);
    acc_dij *dj = acc_dij_new(c.n);
    double *d1 = malloc(c.n * sizeof *d1), *d2 = malloc(c.n * sizeof *d2);
    int32_t *l1 = malloc(c.n * sizeof *l1), *l2 = malloc(c.n * sizeof *l2);
    for (int round = 0; round < 6; round++) {
        acc_seed seeds[12];
        size_t ns = 1 + rnd(12);
        for (size_t s = 0; s < ns; s++) {
            seeds[s].node = rnd(c.n);
            seeds[s].cost = rnd(4) * 0.5; /* equal seed costs too */
            seeds[s].label = (int32_t)rnd(8);
        }
        double bound = round % 2 ? 15 + rnd(20) : INFINITY;
        reference(&c, seeds, ns, bound, d1, l1);
        acc_dijkstra(dj, &c, seeds, ns, bound, d2, l2);
        for (uint32_t i = 0; i < c.n; i++) {
            assert_true(d1[i] == d2[i]);
            assert_int_equal(l1[i], l2[i]);
        }
        double *sd;
        uint32_t *touched;
        size_t nt = acc_dijkstra_sparse(dj, &c, seeds, ns, bound, &sd, &touched);
        size_t reached = 0;
        for (uint32_t i = 0; i < c.n; i++) {
            reached += d1[i] < INFINITY;
            assert_true(sd[i] == d1[i]);
            if (d1[i] < INFINITY)
                assert_int_equal(acc_dij_labels(dj)[i], l1[i]);
        }
        assert_int_equal(nt, reached);
    }
    free(d1);
    free(d2);
    free(l1);
    free(l2);
    acc_dij_free(dj);
    acc_csr_free(&c);
    acc_net_free(&g);
}

/* Integer costs 1..9 s: Dial's buckets. */
static void buckets_match_reference(void **state)
{
    (void)state;
    check_graph(300, 0, 0);
}

/* 30,000 nodes: buckets of thousands of nodes, settled in node order after a radix sort. */
static void large_buckets_match_reference(void **state)
{
    (void)state;
    check_graph(30000, 0, 0);
}

/* One arc of 2^-14 s (under the buckets' 1 ms floor): the radix heap. */
static void radix_heap_tiny_arc_matches_reference(void **state)
{
    (void)state;
    check_graph(300, 1.0 / 16384, 0);
}

/* One arc of 2^20 s (costs too spread for the bucket ring): the radix heap. */
static void radix_heap_spread_costs_match_reference(void **state)
{
    (void)state;
    check_graph(300, 0, 1048576);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buckets_match_reference),
        cmocka_unit_test(large_buckets_match_reference),
        cmocka_unit_test(radix_heap_tiny_arc_matches_reference),
        cmocka_unit_test(radix_heap_spread_costs_match_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
