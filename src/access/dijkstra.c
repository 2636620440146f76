/*
 * dijkstra.c: the travel-time engine. A multi-source Dijkstra over the CSR graph. One run from
 * all facilities of a type set labels every node with its nearest facility and the cost to
 * reach it. The workspace is kept between runs so that the many bounded searches of the siting
 * step allocate nothing.
 *
 * Two exact queues. When the least arc cost w_min is known and positive and the costs are not
 * too spread (w_max / w_min bounded), Dial's buckets: bucket k holds the nodes whose cost lies
 * in [base + k*D, base + (k+1)*D) for a width D just under w_min, in a ring of lists. A node
 * taken from the current bucket is final (any arc out of the bucket costs at least w_min, so
 * it lands in a later bucket), every node of a bucket is settled before the next bucket and
 * its predecessors at equal cost all lie in earlier buckets, so costs and nearest labels equal
 * those of a heap; push and pop are O(1) and the entries are just node ids. Since the nodes of
 * a bucket may be settled in any order, a large bucket is settled in node order (a radix sort
 * of its ids): its nodes' arcs, costs and labels are then read in one forward sweep over the
 * arrays instead of at random, which took 40 % off a 1-million-node run.
 * Otherwise the queue is a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990) over the bits of the
 * double costs: a non-negative IEEE double compares like its bit pattern read as an unsigned
 * integer, and Dijkstra takes keys out in non-decreasing order, which is all a radix heap needs.
 * An entry lives in the bucket of the highest bit in which it differs from the last key taken
 * out, so a push is an append and a pop empties bucket 0 or splits the lowest non-empty bucket
 * downwards; entries only ever move down, at most 64 times and in practice once or twice. This
 * keeps the exact double costs (results equal those of any other exact queue) without the
 * sift-down of a binary or 4-ary heap, whose cache misses dominated a 1-million-node run.
 * Decrease-key is avoided: an improved node is pushed again and its stale entry is skipped when
 * it comes out (the node is then already settled).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

typedef struct {
    uint64_t key;
    uint32_t node;
} rh_item;

typedef struct {
    rh_item *a;
    size_t n, cap;
} rh_bucket;

#define RH_BUCKETS 65

/* Dial's buckets: a ring of singly linked lists in one pool. */
typedef struct {
    uint32_t node, next;
} dl_item;
#define DL_NIL UINT32_MAX
#define DL_MAX_RING (1u << 18)  /* w_max / w_min up to ~260,000 */
#define DL_MARGIN (1.0 - 1e-6)  /* D = w_min * DL_MARGIN, so that rounding never puts a
                                   relaxed node into the bucket it came from */

struct acc_dij {
    uint32_t n;
    rh_bucket b[RH_BUCKETS];
    uint64_t last;     /* key of the last entry taken out */
    size_t size;       /* entries in all buckets, stale ones included */
    uint32_t *ring;    /* Dial: list heads, all DL_NIL between runs */
    size_t nring;      /* a power of two */
    dl_item *pool;
    size_t npool, cappool;
    uint32_t *batch, *batch2; /* Dial: the current bucket's nodes, and the radix sort's buffer */
    size_t capbatch;
    uint64_t *done;    /* bit per node: settled in the current run (128 KB per million nodes,
                          so it stays in cache while dist and label do not) */
    double *sdist;     /* sparse runs: distances, INFINITY except touched */
    int32_t *slabel;
    uint32_t *touched; /* sparse runs: nodes given a distance */
    size_t ntouched;
};

acc_dij *acc_dij_new(uint32_t n)
{
    acc_dij *d = hss_xcalloc(1, sizeof *d);
    d->n = n;
    d->done = hss_xcalloc((size_t)n / 64 + 1, sizeof *d->done);
    return d;
}

void acc_dij_free(acc_dij *d)
{
    if (!d)
        return;
    for (int i = 0; i < RH_BUCKETS; i++)
        free(d->b[i].a);
    free(d->done);
    free(d->ring);
    free(d->pool);
    free(d->batch);
    free(d->batch2);
    free(d->sdist);
    free(d->slabel);
    free(d->touched);
    free(d);
}

/* The order-preserving integer image of a cost (negative costs map below non-negative ones). */
static inline uint64_t key_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static inline int bucket_of(const acc_dij *d, uint64_t key)
{
    return key == d->last ? 0 : 64 - __builtin_clzll(key ^ d->last);
}

static inline void bucket_add(rh_bucket *bk, uint64_t key, uint32_t node)
{
    if (bk->n == bk->cap) {
        bk->cap = bk->cap ? bk->cap * 2 : 1024;
        bk->a = hss_xrealloc(bk->a, bk->cap * sizeof *bk->a);
    }
    bk->a[bk->n].key = key;
    bk->a[bk->n++].node = node;
}

static inline void push(acc_dij *d, double cost, uint32_t node)
{
    uint64_t key = key_of(cost);
    bucket_add(&d->b[bucket_of(d, key)], key, node);
    d->size++;
}

/* Takes out an entry of the least key (the queue is not empty). */
static uint32_t pop_min(acc_dij *d)
{
    if (d->b[0].n == 0) {
        int i = 1;
        while (d->b[i].n == 0)
            i++;
        rh_bucket *bk = &d->b[i];
        uint64_t m = bk->a[0].key;
        for (size_t k = 1; k < bk->n; k++)
            if (bk->a[k].key < m)
                m = bk->a[k].key;
        d->last = m;
        /* every entry of bucket i now differs from `last` in a lower bit: it moves down */
        for (size_t k = 0; k < bk->n; k++)
            bucket_add(&d->b[bucket_of(d, bk->a[k].key)], bk->a[k].key, bk->a[k].node);
        bk->n = 0;
    }
    d->size--;
    return d->b[0].a[--d->b[0].n].node;
}

#define DONE(bits, v) ((bits)[(v) >> 6] >> ((v)&63) & 1)

/* Leaves no node marked settled for the next run (the queue is empty already). A run that
 * recorded the nodes it touched (a superset of those it settled) clears just those. */
static void run_finish(acc_dij *d, const uint32_t *touched, size_t ntouched)
{
    d->last = 0;
    if (touched && ntouched < d->n / 64)
        for (size_t i = 0; i < ntouched; i++)
            d->done[touched[i] >> 6] = 0;
    else
        memset(d->done, 0, ((size_t)d->n / 64 + 1) * sizeof *d->done);
}

/* What one run works on. */
typedef struct {
    const acc_csr *c;
    double bound;
    double *dist;
    int32_t *label;
    uint32_t *touched; /* NULL unless the run records the nodes it reaches */
    size_t *ntouched;
} run_ctx;

/* Gives v the cost k from source `lab` when that improves it; 1 when v must be (re)queued. */
static inline int improve(acc_dij *d, const run_ctx *r, uint32_t v, double k, int32_t lab)
{
    if (k < r->dist[v]) {
        if (r->touched && r->dist[v] == INFINITY)
            r->touched[(*r->ntouched)++] = v;
        r->dist[v] = k;
        r->label[v] = lab;
        return 1;
    }
    /* equal cost: the smaller label wins while v is not settled (ties break the same way
     * whichever queue runs) */
    if (k == r->dist[v] && lab < r->label[v] && !DONE(d->done, v))
        r->label[v] = lab;
    return 0;
}

static void radix_push(acc_dij *d, double cost, uint32_t node)
{
    push(d, cost, node);
}

static inline void dial_push(acc_dij *d, uint64_t k, uint32_t node)
{
    if (d->npool == d->cappool) {
        d->cappool = d->cappool ? d->cappool * 2 : 4096;
        d->pool = hss_xrealloc(d->pool, d->cappool * sizeof *d->pool);
    }
    uint32_t *h = &d->ring[k & (d->nring - 1)];
    d->pool[d->npool].node = node;
    d->pool[d->npool].next = *h;
    *h = (uint32_t)d->npool++;
    d->size++;
}

/* Settles u (not yet settled) and relaxes its arcs; queue is 1 for Dial's buckets. */
static inline void settle(acc_dij *d, const run_ctx *r, uint32_t u, int dial, double base,
                          double inv, uint64_t cur)
{
    d->done[u >> 6] |= UINT64_C(1) << (u & 63);
    const acc_csr *c = r->c;
    double du = r->dist[u];
    int32_t lu = r->label[u];
    for (uint32_t a = c->off[u]; a < c->off[u + 1]; a++) {
        uint32_t v = c->to[a];
        double nd = du + c->w[a];
        if (nd > r->bound || !improve(d, r, v, nd, lu))
            continue;
        if (dial) {
            uint64_t k = (uint64_t)((nd - base) * inv);
            dial_push(d, k > cur ? k : cur, v);
        } else {
            radix_push(d, nd, v);
        }
    }
}

/* Buckets of at least this many nodes are settled in node order. */
#define DL_SORT_MIN 1024
#define RADIX_BITS 11

/* Sorts d->batch[0..nb) by node id: least significant digit first, 11 bits a pass, as many
 * passes as the largest id needs. */
static void sort_batch(acc_dij *d, size_t nb)
{
    uint32_t count[(1u << RADIX_BITS) + 1];
    for (int shift = 0; shift < 32 && (d->n - 1) >> shift; shift += RADIX_BITS) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < nb; i++)
            count[((d->batch[i] >> shift) & ((1u << RADIX_BITS) - 1)) + 1]++;
        for (uint32_t k = 0; k < (1u << RADIX_BITS); k++)
            count[k + 1] += count[k];
        for (size_t i = 0; i < nb; i++)
            d->batch2[count[(d->batch[i] >> shift) & ((1u << RADIX_BITS) - 1)]++] = d->batch[i];
        uint32_t *t = d->batch;
        d->batch = d->batch2;
        d->batch2 = t;
    }
}

/* Takes bucket `cur` out of the ring into d->batch, stale entries dropped; returns the count. */
static size_t take_bucket(acc_dij *d, uint64_t cur)
{
    uint32_t *h = &d->ring[cur & (d->nring - 1)];
    size_t nb = 0;
    while (*h != DL_NIL) {
        dl_item it = d->pool[*h];
        *h = it.next;
        d->size--;
        if (DONE(d->done, it.node))
            continue; /* a stale entry: settled from an earlier bucket */
        if (nb == d->capbatch) {
            d->capbatch = d->capbatch ? 2 * d->capbatch : 4096;
            d->batch = hss_xrealloc(d->batch, d->capbatch * sizeof *d->batch);
            d->batch2 = hss_xrealloc(d->batch2, d->capbatch * sizeof *d->batch2);
        }
        d->batch[nb++] = it.node;
    }
    return nb;
}

/* Dial's buckets fit when the arc costs have a positive floor, the ring stays small and the
 * seeds span less than the ring. Sets the base cost and the inverse bucket width. */
static int dial_fits(acc_dij *d, const acc_csr *c, const acc_seed *seeds, size_t ns, double bound,
                     double *base, double *inv)
{
    if (!(c->wmin >= 1e-3) || c->wmax / c->wmin > DL_MAX_RING / 2)
        return 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t s = 0; s < ns; s++)
        if (seeds[s].node < c->n && seeds[s].cost <= bound) {
            lo = seeds[s].cost < lo ? seeds[s].cost : lo;
            hi = seeds[s].cost > hi ? seeds[s].cost : hi;
        }
    double width = c->wmin * DL_MARGIN;
    if (lo == INFINITY || !(lo >= 0) || (hi - lo + c->wmax) / width + 2 > DL_MAX_RING)
        return 0;
    size_t need = 2;
    while (need < (hi - lo + c->wmax) / width + 2)
        need *= 2;
    if (d->nring < need) {
        free(d->ring);
        d->ring = hss_xmalloc(need * sizeof *d->ring);
        for (size_t i = 0; i < need; i++)
            d->ring[i] = DL_NIL;
        d->nring = need;
    }
    *base = lo;
    *inv = 1.0 / width;
    return 1;
}

/* The shared loop: dist/label arrays, optionally recording touched nodes. */
static size_t run(acc_dij *d, const acc_csr *c, const acc_seed *seeds, size_t ns, double bound,
                  double *dist, int32_t *label, uint32_t *touched, size_t *ntouched)
{
    run_ctx r = {c, bound, dist, label, touched, ntouched};
    double base = 0, inv = 0;
    int dial = dial_fits(d, c, seeds, ns, bound, &base, &inv);
    d->size = 0;
    d->npool = 0;
    uint64_t cur = 0;
    for (size_t s = 0; s < ns; s++) {
        uint32_t v = seeds[s].node;
        double k = seeds[s].cost;
        if (v >= c->n || !(k <= bound) || !improve(d, &r, v, k, seeds[s].label))
            continue;
        if (dial)
            dial_push(d, (uint64_t)((k - base) * inv), v);
        else
            radix_push(d, k, v);
    }
    size_t settled = 0;
    if (dial) {
        for (; d->size; cur++) {
            /* a relaxation lands in a later bucket; should rounding ever put one back into
             * this one, the loop takes the bucket again */
            size_t nb;
            while ((nb = take_bucket(d, cur)) > 0) {
                if (nb >= DL_SORT_MIN)
                    sort_batch(d, nb);
                for (size_t i = 0; i < nb; i++) {
                    uint32_t u = d->batch[i];
                    if (DONE(d->done, u))
                        continue; /* twice in the bucket */
                    settle(d, &r, u, 1, base, inv, cur);
                    settled++;
                }
            }
        }
    } else {
        while (d->size) {
            uint32_t u = pop_min(d);
            if (DONE(d->done, u))
                continue; /* a stale entry: u was improved and settled since */
            settle(d, &r, u, 0, 0, 0, 0);
            settled++;
        }
    }
    return settled;
}

size_t acc_dijkstra(acc_dij *d, const acc_csr *c, const acc_seed *seeds, size_t ns, double bound,
                    double *dist, int32_t *label)
{
    for (uint32_t i = 0; i < c->n; i++) {
        dist[i] = INFINITY;
        label[i] = -1;
    }
    size_t settled = run(d, c, seeds, ns, bound, dist, label, NULL, NULL);
    run_finish(d, NULL, 0);
    return settled;
}

size_t acc_dijkstra_sparse(acc_dij *d, const acc_csr *c, const acc_seed *seeds, size_t ns,
                           double bound, double **dist_out, uint32_t **touched_out)
{
    if (!d->sdist) {
        d->sdist = hss_xmalloc(((size_t)c->n + 1) * sizeof *d->sdist);
        d->slabel = hss_xmalloc(((size_t)c->n + 1) * sizeof *d->slabel);
        d->touched = hss_xmalloc(((size_t)c->n + 1) * sizeof *d->touched);
        for (uint32_t i = 0; i < c->n; i++) {
            d->sdist[i] = INFINITY;
            d->slabel[i] = -1;
        }
    } else {
        for (size_t i = 0; i < d->ntouched; i++) {
            d->sdist[d->touched[i]] = INFINITY;
            d->slabel[d->touched[i]] = -1;
        }
    }
    d->ntouched = 0;
    run(d, c, seeds, ns, bound, d->sdist, d->slabel, d->touched, &d->ntouched);
    run_finish(d, d->touched, d->ntouched);
    *dist_out = d->sdist;
    *touched_out = d->touched;
    return d->ntouched;
}

const int32_t *acc_dij_labels(const acc_dij *d)
{
    return d->slabel;
}
