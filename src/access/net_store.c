/*
 * net_store.c: stores the road network in road_node / road_edge and loads it back into the
 * in-memory arrays. Saving replaces the previous network and is run inside the caller's
 * transaction, so a failed import leaves the old network in place.
 *
 * Loading keeps one copy of the last network read (keyed by the database file's identity and
 * its data version, which every change bumps), so that a policy evaluation asking for many
 * areas reads the network from SQLite once. The cache is skipped inside a transaction (the
 * version may still roll back) and for in-memory databases; a mutex guards it for servers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "access/access_int.h"

/* The nodes and edges go in through the store's bulk loader (COPY on PostgreSQL). */
static hss_code save_nodes(hss_store *st, const acc_net *g, hss_error *err)
{
    static const char *const cols[] = {"id", "lon", "lat"};
    hss_store_loader *ld = hss_store_load_begin(st, "road_node", cols, 3, err);
    if (!ld)
        return HSS_EDB;
    for (uint32_t i = 0; i < g->n; i++) {
        hss_store_load_int(ld, 0, i);
        hss_store_load_double(ld, 1, g->lon[i]);
        hss_store_load_double(ld, 2, g->lat[i]);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return hss_store_load_end(ld, err);
}

static hss_code save_edges(hss_store *st, const acc_net *g, int generated, hss_error *err)
{
    static const char *const cols[] = {"id", "u", "v", "length_m", "speed_kmh", "car_fwd",
                                       "car_bwd", "walk", "ferry", "road_class", "generated"};
    hss_store_loader *ld = hss_store_load_begin(st, "road_edge", cols, 11, err);
    if (!ld)
        return HSS_EDB;
    for (size_t e = 0; e < g->m; e++) {
        int f = g->eflag[e];
        hss_store_load_int(ld, 0, (int64_t)e);
        hss_store_load_int(ld, 1, g->eu[e]);
        hss_store_load_int(ld, 2, g->ev[e]);
        hss_store_load_double(ld, 3, g->elen[e]);
        hss_store_load_double(ld, 4, (f & (ACC_CAR_FWD | ACC_CAR_BWD)) ? g->espeed[e] : 0.0);
        hss_store_load_int(ld, 5, (f & ACC_CAR_FWD) != 0);
        hss_store_load_int(ld, 6, (f & ACC_CAR_BWD) != 0);
        hss_store_load_int(ld, 7, (f & ACC_WALK) != 0);
        hss_store_load_int(ld, 8, (f & ACC_FERRY) != 0);
        hss_store_load_text(ld, 9, acc_profile_class_name(g->eclass[e]));
        hss_store_load_int(ld, 10, generated || (f & ACC_GENERATED));
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return hss_store_load_end(ld, err);
}

hss_code acc_net_save(hss_store *st, const acc_net *g, const char *source, int generated,
                      hss_error *err)
{
    if (hss_store_exec(st, "DELETE FROM road_snap; DELETE FROM road_edge; DELETE FROM road_node;", err))
        return HSS_EDB;
    if (save_nodes(st, g, err) || save_edges(st, g, generated, err))
        return HSS_EDB;
    char buf[64];
    if (hss_store_meta_set(st, "access.source", source, err))
        return HSS_EDB;
    snprintf(buf, sizeof buf, "%d", generated);
    if (hss_store_meta_set(st, "access.generated", buf, err))
        return HSS_EDB;
    return HSS_OK;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static acc_net cache_net;
static char cache_key[1200];

static void net_copy(acc_net *dst, const acc_net *src)
{
    acc_net_init(dst);
    dst->n = src->n;
    dst->m = src->m;
    dst->ncap = src->n ? src->n : 1;
    dst->mcap = src->m ? src->m : 1;
    dst->lon = hss_xmalloc(dst->ncap * sizeof *dst->lon);
    dst->lat = hss_xmalloc(dst->ncap * sizeof *dst->lat);
    dst->eu = hss_xmalloc(dst->mcap * sizeof *dst->eu);
    dst->ev = hss_xmalloc(dst->mcap * sizeof *dst->ev);
    dst->elen = hss_xmalloc(dst->mcap * sizeof *dst->elen);
    dst->espeed = hss_xmalloc(dst->mcap * sizeof *dst->espeed);
    dst->eflag = hss_xmalloc(dst->mcap * sizeof *dst->eflag);
    dst->eclass = hss_xmalloc(dst->mcap * sizeof *dst->eclass);
    memcpy(dst->lon, src->lon, src->n * sizeof *dst->lon);
    memcpy(dst->lat, src->lat, src->n * sizeof *dst->lat);
    memcpy(dst->eu, src->eu, src->m * sizeof *dst->eu);
    memcpy(dst->ev, src->ev, src->m * sizeof *dst->ev);
    memcpy(dst->elen, src->elen, src->m * sizeof *dst->elen);
    memcpy(dst->espeed, src->espeed, src->m * sizeof *dst->espeed);
    memcpy(dst->eflag, src->eflag, src->m * sizeof *dst->eflag);
    memcpy(dst->eclass, src->eclass, src->m * sizeof *dst->eclass);
}

/* The cache key of the stored network, or 0 when it must not be cached. */
static int net_key(hss_store *st, char *key, size_t n)
{
    const char *path = hss_store_path(st);
    struct stat sb;
    if (!path || strcmp(path, ":memory:") == 0 || hss_store_autocommit(st) == 0 ||
        stat(path, &sb) != 0)
        return 0;
    snprintf(key, n, "%s|%llu|%llu|%lld", path, (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino,
             (long long)hss_store_data_version(st));
    return 1;
}

static hss_code net_read(hss_store *st, acc_net *g, hss_error *err);

hss_code acc_net_load(hss_store *st, acc_net *g, hss_error *err)
{
    char key[sizeof cache_key];
    if (!net_key(st, key, sizeof key))
        return net_read(st, g, err);
    pthread_mutex_lock(&cache_lock);
    if (strcmp(key, cache_key) == 0) {
        net_copy(g, &cache_net);
        pthread_mutex_unlock(&cache_lock);
        return HSS_OK;
    }
    pthread_mutex_unlock(&cache_lock);
    hss_code rc = net_read(st, g, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&cache_lock);
    acc_net_free(&cache_net);
    net_copy(&cache_net, g);
    memcpy(cache_key, key, sizeof cache_key);
    pthread_mutex_unlock(&cache_lock);
    return HSS_OK;
}

static hss_code net_read(hss_store *st, acc_net *g, hss_error *err)
{
    acc_net_init(g);
    hss_stmt *s = hss_store_prepare(st, "SELECT lon, lat FROM road_node ORDER BY id", err);
    if (!s)
        return HSS_EDB;
    while (hss_store_step(s) == HSS_ROW)
        acc_net_add_node(g, hss_store_col_double(s, 0), hss_store_col_double(s, 1));
    hss_store_finalize(s);
    if (g->n == 0)
        return hss_fail(err, HSS_ENOTFOUND,
                        "%s: no road network is stored (run `hss roads import` or `hss roads generate` first)",
                        hss_store_path(st));
    s = hss_store_prepare(st, "SELECT u, v, length_m, speed_kmh, car_fwd, car_bwd, walk, ferry, road_class, generated"
                              " FROM road_edge ORDER BY id", err);
    if (!s)
        return HSS_EDB;
    while (hss_store_step(s) == HSS_ROW) {
        int64_t u = hss_store_col_int64(s, 0), v = hss_store_col_int64(s, 1);
        if (u < 0 || v < 0 || u >= g->n || v >= g->n) {
            hss_store_finalize(s);
            return hss_fail(err, HSS_EDB, "%s: road_edge refers to a node that is not stored", hss_store_path(st));
        }
        int f = (hss_store_col_int(s, 4) ? ACC_CAR_FWD : 0) | (hss_store_col_int(s, 5) ? ACC_CAR_BWD : 0) |
                (hss_store_col_int(s, 6) ? ACC_WALK : 0) | (hss_store_col_int(s, 7) ? ACC_FERRY : 0) |
                (hss_store_col_int(s, 9) ? ACC_GENERATED : 0);
        int cls = acc_profile_class_find(hss_store_col_text(s, 8));
        acc_net_add_edge(g, (uint32_t)u, (uint32_t)v, hss_store_col_double(s, 2), hss_store_col_double(s, 3), f,
                         cls < 0 ? 0 : cls);
    }
    hss_store_finalize(s);
    return HSS_OK;
}
