/*
 * import.c: `hss roads import` as a library call. Picks the reader by file name, applies the
 * component filter, stores the network and snaps every area point and facility, all in one
 * transaction: on any error the previously stored network stays as it was.
 */
#include <string.h>

#include "access/access_int.h"

int hss_mode_parse(const char *s, hss_mode *out)
{
    if (s && strcmp(s, "drive") == 0)
        *out = HSS_MODE_DRIVE;
    else if (s && strcmp(s, "walk") == 0)
        *out = HSS_MODE_WALK;
    else
        return -1;
    return 0;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

hss_code acc_store_network(hss_store *st, acc_net *g, const char *source, int generated,
                           hss_roads_stats *stats, hss_error *err)
{
    /* inside the caller's transaction (e.g. a demo build) the caller commits or rolls back */
    int own = hss_store_autocommit(st) != 0;
    hss_code rc = own ? hss_store_begin(st, err) : HSS_OK;
    if (rc)
        return rc;
    char buf[64];
    if ((rc = acc_net_save(st, g, source, generated, err)))
        goto fail;
    snprintf(buf, sizeof buf, "%zu", stats->nodes_dropped);
    if ((rc = hss_store_meta_set(st, "access.nodes_dropped", buf, err)))
        goto fail;
    snprintf(buf, sizeof buf, "%zu", stats->edges_dropped);
    if ((rc = hss_store_meta_set(st, "access.edges_dropped", buf, err)))
        goto fail;
    if ((rc = hss_store_bump_version(st, err)))
        goto fail;
    if ((rc = hss_access_snap(st, 0, stats, err)))
        goto fail;
    return own ? hss_store_commit(st, err) : HSS_OK;
fail:
    if (own)
        hss_store_rollback(st);
    return rc;
}

hss_code hss_access_import(hss_store *st, const char *path, hss_roads_progress progress,
                           void *ctx, hss_roads_stats *stats, hss_error *err)
{
    hss_roads_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    acc_net g;
    acc_net_init(&g);
    hss_code rc;
    if (ends_with(path, ".csv"))
        rc = acc_read_csv(path, &g, stats, err);
    else if (ends_with(path, ".pbf") || ends_with(path, ".osm") || ends_with(path, ".osm.gz"))
        rc = acc_read_osm(path, &g, stats, progress, ctx, err);
    else
        rc = hss_fail(err, HSS_EINVAL, "%s: unknown road file type (use .osm.pbf, .osm, .osm.gz or .csv)", path);
    if (rc)
        goto out;
    if (progress)
        progress(ctx, "edges built", g.m);
    acc_net_largest_scc(&g, stats);
    if (g.n == 0 || g.m == 0) {
        rc = hss_fail(err, HSS_EINVAL, "%s: no drivable road network in the file (%zu ways, %zu edges read)", path,
                      stats->ways, stats->edges_read);
        goto out;
    }
    if (progress)
        progress(ctx, "largest component", g.n);
    size_t ferries = 0;
    for (size_t e = 0; e < g.m; e++)
        ferries += (g.eflag[e] & ACC_FERRY) != 0;
    stats->ferries = ferries;
    rc = acc_store_network(st, &g, path, 0, stats, err);
out:
    acc_net_free(&g);
    return rc;
}
