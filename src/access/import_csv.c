/*
 * import_csv.c: reads a road network given as a CSV edge list with the columns
 * u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway. Node ids are any text; a node seen
 * twice must carry the same position (within 1 m). Travel time of an edge is length / speed;
 * oneway 1 means u -> v only, 0 both ways. Every bad value is reported with file:line, column,
 * value and why.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

typedef struct {
    char **keys;
    uint32_t *vals;
    size_t cap, len;
} str_map;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

static void map_grow(str_map *m);

static uint32_t *map_slot(str_map *m, const char *key, int *found)
{
    if (m->len * 2 >= m->cap)
        map_grow(m);
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0) {
            *found = 1;
            return &m->vals[i];
        }
        i = (i + 1) & (m->cap - 1);
    }
    *found = 0;
    m->keys[i] = hss_xstrdup(key);
    m->len++;
    return &m->vals[i];
}

static void map_grow(str_map *m)
{
    size_t oc = m->cap;
    char **ok = m->keys;
    uint32_t *ov = m->vals;
    m->cap = oc ? oc * 2 : 1024;
    m->keys = hss_xcalloc(m->cap, sizeof *m->keys);
    m->vals = hss_xcalloc(m->cap, sizeof *m->vals);
    m->len = 0;
    for (size_t i = 0; i < oc; i++) {
        if (!ok[i])
            continue;
        size_t j = hash_str(ok[i]) & (m->cap - 1);
        while (m->keys[j])
            j = (j + 1) & (m->cap - 1);
        m->keys[j] = ok[i];
        m->vals[j] = ov[i];
        m->len++;
    }
    free(ok);
    free(ov);
}

static void map_free(str_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
}

static hss_code num(hss_csv *csv, const char *col, double lo, double hi, int lo_open, double *out,
                    hss_error *err)
{
    const char *s = hss_csv_get(csv, col);
    double x;
    if (!s || hss_parse_double(s, &x) != 0 || !isfinite(x))
        return hss_fail(err, HSS_EINVAL, "%s:%zu: column %s: '%s' is not a number",
                        hss_csv_name(csv), hss_csv_line(csv), col, s ? s : "");
    if (x < lo || x > hi || (lo_open && x == lo))
        return hss_fail(err, HSS_EINVAL, "%s:%zu: column %s: %s is out of range (%s%g .. %g]",
                        hss_csv_name(csv), hss_csv_line(csv), col, s, lo_open ? "> " : "", lo, hi);
    *out = x;
    return HSS_OK;
}

static hss_code node_id(hss_csv *csv, str_map *m, acc_net *g, const char *col, double lon, double lat,
                        uint32_t *out, hss_error *err)
{
    const char *id = hss_csv_get(csv, col);
    if (!id || !*id)
        return hss_fail(err, HSS_EINVAL, "%s:%zu: column %s: empty node id", hss_csv_name(csv),
                        hss_csv_line(csv), col);
    int found;
    uint32_t *slot = map_slot(m, id, &found);
    if (found) {
        uint32_t k = *slot;
        if (acc_haversine_m(g->lon[k], g->lat[k], lon, lat) > 1.0)
            return hss_fail(err, HSS_EINVAL,
                            "%s:%zu: column %s: node '%s' at %.6f,%.6f was at %.6f,%.6f on an earlier row",
                            hss_csv_name(csv), hss_csv_line(csv), col, id, lon, lat, g->lon[k], g->lat[k]);
        *out = k;
        return HSS_OK;
    }
    *slot = acc_net_add_node(g, lon, lat);
    *out = *slot;
    return HSS_OK;
}

hss_code acc_read_csv(const char *path, acc_net *g, hss_roads_stats *stats, hss_error *err)
{
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err ? err->code : HSS_EIO;
    static const char *const req[] = {"u", "v", "u_lon", "u_lat", "v_lon", "v_lat",
                                      "length_m", "speed_kmh", "oneway", NULL};
    hss_code rc = hss_csv_read_header(csv, err);
    if (!rc)
        rc = hss_csv_require(csv, req, err);
    str_map m = {0};
    int cls = acc_profile_class_find("csv");
    while (!rc) {
        int more = hss_csv_next(csv, err);
        if (more < 0) {
            rc = err ? err->code : HSS_EINVAL;
            break;
        }
        if (more == 0)
            break;
        double ulon, ulat, vlon, vlat, len, kmh, ow;
        if ((rc = num(csv, "u_lon", -180, 180, 0, &ulon, err)) || (rc = num(csv, "u_lat", -90, 90, 0, &ulat, err)) ||
            (rc = num(csv, "v_lon", -180, 180, 0, &vlon, err)) || (rc = num(csv, "v_lat", -90, 90, 0, &vlat, err)) ||
            (rc = num(csv, "length_m", 0, 1e7, 1, &len, err)) || (rc = num(csv, "speed_kmh", 0, 1000, 1, &kmh, err)))
            break;
        const char *ows = hss_csv_get(csv, "oneway");
        if (strcmp(ows, "0") == 0)
            ow = 0;
        else if (strcmp(ows, "1") == 0)
            ow = 1;
        else {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column oneway: '%s' must be 0 (both ways) or 1 (u to v only)",
                          hss_csv_name(csv), hss_csv_line(csv), ows);
            break;
        }
        uint32_t u, v;
        if ((rc = node_id(csv, &m, g, "u", ulon, ulat, &u, err)) || (rc = node_id(csv, &m, g, "v", vlon, vlat, &v, err)))
            break;
        if (u == v) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: columns u,v: the edge starts and ends at node '%s'",
                          hss_csv_name(csv), hss_csv_line(csv), hss_csv_get(csv, "u"));
            break;
        }
        int flags = ACC_CAR_FWD | ACC_WALK | (ow ? 0 : ACC_CAR_BWD);
        acc_net_add_edge(g, u, v, len, kmh, flags, cls);
        stats->ways++;
    }
    map_free(&m);
    hss_csv_close(csv);
    return rc;
}
