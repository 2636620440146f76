/*
 * dijkstra.c: the travel-time engine. A multi-source Dijkstra over the CSR graph with a 4-ary
 * heap that supports decrease-key through a position array (each node is in the heap at most
 * once, so the heap never grows past the frontier). One run from all facilities of a type set
 * labels every node with its nearest facility and the cost to reach it. The workspace is kept
 * between runs so that the many bounded searches of the siting step allocate nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

typedef struct {
    double key;
    uint32_t node;
} heap_item;

struct acc_dij {
    uint32_t n;
    heap_item *heap;
    uint32_t *pos; /* index in heap, UINT32_MAX when not in the heap */
    size_t size;
    double *sdist;     /* sparse runs: distances, INFINITY except touched */
    int32_t *slabel;
    uint32_t *touched; /* sparse runs: nodes given a distance */
    size_t ntouched;
};

#define NOPOS UINT32_MAX

acc_dij *acc_dij_new(uint32_t n)
{
    acc_dij *d = hss_xcalloc(1, sizeof *d);
    d->n = n;
    d->heap = hss_xmalloc(((size_t)n + 1) * sizeof *d->heap);
    d->pos = hss_xmalloc(((size_t)n + 1) * sizeof *d->pos);
    for (uint32_t i = 0; i < n; i++)
        d->pos[i] = NOPOS;
    return d;
}

void acc_dij_free(acc_dij *d)
{
    if (!d)
        return;
    free(d->heap);
    free(d->pos);
    free(d->sdist);
    free(d->slabel);
    free(d->touched);
    free(d);
}

static void sift_up(acc_dij *d, size_t i)
{
    heap_item it = d->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (d->heap[p].key <= it.key)
            break;
        d->heap[i] = d->heap[p];
        d->pos[d->heap[i].node] = (uint32_t)i;
        i = p;
    }
    d->heap[i] = it;
    d->pos[it.node] = (uint32_t)i;
}

static void sift_down(acc_dij *d, size_t i)
{
    heap_item it = d->heap[i];
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= d->size)
            break;
        size_t best = c, end = c + 4 < d->size ? c + 4 : d->size;
        for (size_t k = c + 1; k < end; k++)
            if (d->heap[k].key < d->heap[best].key)
                best = k;
        if (d->heap[best].key >= it.key)
            break;
        d->heap[i] = d->heap[best];
        d->pos[d->heap[i].node] = (uint32_t)i;
        i = best;
    }
    d->heap[i] = it;
    d->pos[it.node] = (uint32_t)i;
}

static void push_or_decrease(acc_dij *d, uint32_t v, double key)
{
    uint32_t p = d->pos[v];
    if (p == NOPOS) {
        d->heap[d->size].key = key;
        d->heap[d->size].node = v;
        d->pos[v] = (uint32_t)d->size;
        d->size++;
        sift_up(d, d->size - 1);
    } else {
        d->heap[p].key = key;
        sift_up(d, p);
    }
}

static uint32_t pop_min(acc_dij *d)
{
    uint32_t u = d->heap[0].node;
    d->pos[u] = NOPOS;
    d->size--;
    if (d->size) {
        d->heap[0] = d->heap[d->size];
        d->pos[d->heap[0].node] = 0;
        sift_down(d, 0);
    }
    return u;
}

/* The shared loop: dist/label arrays, optionally recording touched nodes. */
static size_t run(acc_dij *d, const acc_csr *c, const acc_seed *seeds, size_t ns, double bound,
                  double *dist, int32_t *label, uint32_t *touched, size_t *ntouched)
{
    d->size = 0;
    for (size_t s = 0; s < ns; s++) {
        uint32_t v = seeds[s].node;
        double k = seeds[s].cost;
        if (v >= c->n || !(k <= bound))
            continue;
        if (k < dist[v] || (k == dist[v] && seeds[s].label < label[v])) {
            if (touched && dist[v] == INFINITY)
                touched[(*ntouched)++] = v;
            dist[v] = k;
            label[v] = seeds[s].label;
            push_or_decrease(d, v, k);
        }
    }
    size_t settled = 0;
    const uint32_t *off = c->off, *to = c->to;
    const double *w = c->w;
    while (d->size) {
        uint32_t u = pop_min(d);
        settled++;
        double du = dist[u];
        int32_t lu = label[u];
        for (uint32_t a = off[u]; a < off[u + 1]; a++) {
            uint32_t v = to[a];
            double nd = du + w[a];
            if (nd > bound)
                continue;
            if (nd < dist[v]) {
                if (touched && dist[v] == INFINITY)
                    touched[(*ntouched)++] = v;
                dist[v] = nd;
                label[v] = lu;
                push_or_decrease(d, v, nd);
            } else if (nd == dist[v] && lu < label[v] && d->pos[v] != NOPOS) {
                label[v] = lu;
            }
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
    return run(d, c, seeds, ns, bound, dist, label, NULL, NULL);
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
    *dist_out = d->sdist;
    *touched_out = d->touched;
    return d->ntouched;
}

const int32_t *acc_dij_labels(const acc_dij *d)
{
    return d->slabel;
}
