/*
 * import_osm.c: reads OpenStreetMap extracts (.osm.pbf, .osm, .osm.gz) with Debian's readosm.
 * Nodes are kept as (id, lon, lat) arrays, routable ways (see profile.c) as node-id lists;
 * afterwards every consecutive pair of way nodes becomes one edge, so edges are straight
 * segments and the way geometry is exact. Gzip files are inflated to a temporary .osm file
 * first (readosm picks its parser by file suffix). XML is checked for well-formedness with
 * expat before readosm sees it: the check names the line and column of the fault, and
 * readosm leaks its parser when a document breaks off.
 */
#include <expat.h>
#include <math.h>
#include <readosm.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/access_int.h"

typedef struct {
    int64_t id;
    double lon, lat;
} osm_node;

typedef struct {
    size_t first, count; /* into refs */
    acc_way_rule rule;
} osm_way;

typedef struct {
    hss_vec nodes; /* osm_node */
    hss_vec refs;  /* int64_t */
    hss_vec ways;  /* osm_way */
    int sorted;
    hss_roads_progress progress;
    void *ctx;
    size_t nnode_seen, nway_seen;
} osm_reader;

static void vec_reserve_push(hss_vec *v, const void *item)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4096;
        v->items = hss_xrealloc(v->items, v->cap * v->item_size);
    }
    memcpy((char *)v->items + v->len * v->item_size, item, v->item_size);
    v->len++;
}

static int on_node(const void *user, const readosm_node *n)
{
    osm_reader *r = (osm_reader *)user;
    osm_node on = {n->id, n->longitude, n->latitude};
    if (r->nodes.len && HSS_VEC_AT(&r->nodes, osm_node, r->nodes.len - 1).id >= n->id)
        r->sorted = 0;
    vec_reserve_push(&r->nodes, &on);
    if (r->progress && ++r->nnode_seen % 1000000 == 0)
        r->progress(r->ctx, "nodes read", r->nnode_seen);
    return READOSM_OK;
}

static int on_way(const void *user, const readosm_way *w)
{
    osm_reader *r = (osm_reader *)user;
    if (r->progress && ++r->nway_seen % 100000 == 0)
        r->progress(r->ctx, "ways read", r->nway_seen);
    if (w->node_ref_count < 2)
        return READOSM_OK;
    acc_tag tags[64];
    size_t nt = 0;
    for (int i = 0; i < w->tag_count && nt < 64; i++) {
        tags[nt].key = w->tags[i].key;
        tags[nt].value = w->tags[i].value;
        nt++;
    }
    osm_way ow;
    acc_profile_way(tags, nt, &ow.rule);
    if (!ow.rule.routable)
        return READOSM_OK;
    ow.first = r->refs.len;
    ow.count = (size_t)w->node_ref_count;
    for (int i = 0; i < w->node_ref_count; i++) {
        int64_t id = w->node_refs[i];
        vec_reserve_push(&r->refs, &id);
    }
    vec_reserve_push(&r->ways, &ow);
    return READOSM_OK;
}

static int cmp_node(const void *a, const void *b)
{
    int64_t x = ((const osm_node *)a)->id, y = ((const osm_node *)b)->id;
    return x < y ? -1 : x > y;
}

static long find_node(const osm_node *nodes, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nodes[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && nodes[lo].id == id ? (long)lo : -1;
}

static const char *readosm_reason(int rc)
{
    switch (rc) {
    case READOSM_INVALID_SUFFIX: return "the name must end in .osm, .osm.gz or .pbf";
    case READOSM_FILE_NOT_FOUND: return "file not found";
    case READOSM_INSUFFICIENT_MEMORY: return "out of memory";
    case READOSM_READ_ERROR: return "read error (truncated or corrupt file)";
    case READOSM_XML_ERROR: return "not well-formed OSM XML";
    case READOSM_INVALID_PBF_HEADER: return "not a valid OSM PBF file (bad block header)";
    case READOSM_UNZIP_ERROR: return "a compressed PBF block does not inflate (corrupt file)";
    default: return "readosm could not parse it";
    }
}

/* Streams the XML file through expat; HSS_OK when well formed. */
static hss_code check_xml(const char *file, const char *shown, hss_error *err)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return hss_fail(err, HSS_EIO, "%s: cannot read the file", shown);
    XML_Parser p = XML_ParserCreate(NULL);
    char buf[65536];
    hss_code rc = HSS_OK;
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        int last = n < sizeof buf;
        if (XML_Parse(p, buf, (int)n, last) == XML_STATUS_ERROR) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%lu:%lu: not well-formed OSM XML (%s)", shown,
                          (unsigned long)XML_GetCurrentLineNumber(p),
                          (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                          XML_ErrorString(XML_GetErrorCode(p)));
            break;
        }
        if (last)
            break;
    }
    XML_ParserFree(p);
    fclose(f);
    return rc;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

hss_code acc_read_osm(const char *path, acc_net *g, hss_roads_stats *stats,
                      hss_roads_progress progress, void *ctx, hss_error *err)
{
    char tmp[512] = "";
    const char *file = path;
    if (access(path, R_OK) != 0)
        return hss_fail(err, HSS_EIO, "%s: cannot read the file", path);
    if (ends_with(path, ".gz")) {
        size_t len;
        char *data = hss_read_file(path, &len, err);
        if (!data)
            return err ? err->code : HSS_EIO;
        const char *base = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/hss-osm-XXXXXX.osm", base ? base : "/tmp");
        int fd = mkstemps(tmp, 4);
        if (fd < 0) {
            free(data);
            return hss_fail(err, HSS_EIO, "%s: cannot create a temporary file to inflate it", path);
        }
        ssize_t wr = write(fd, data, len);
        close(fd);
        free(data);
        if (wr < 0 || (size_t)wr != len) {
            unlink(tmp);
            return hss_fail(err, HSS_EIO, "%s: cannot write the inflated copy %s", path, tmp);
        }
        file = tmp;
    }
    osm_reader r;
    memset(&r, 0, sizeof r);
    hss_vec_init(&r.nodes, sizeof(osm_node));
    hss_vec_init(&r.refs, sizeof(int64_t));
    hss_vec_init(&r.ways, sizeof(osm_way));
    r.sorted = 1;
    r.progress = progress;
    r.ctx = ctx;
    hss_code code = HSS_OK;
    if (!ends_with(file, ".pbf") && (code = check_xml(file, path, err)) != HSS_OK) {
        if (tmp[0])
            unlink(tmp);
        goto done;
    }
    const void *h = NULL;
    int rc = readosm_open(file, &h);
    if (rc == READOSM_OK)
        rc = readosm_parse(h, &r, on_node, on_way, NULL);
    readosm_close(h);
    if (tmp[0])
        unlink(tmp);
    if (rc != READOSM_OK) {
        code = hss_fail(err, HSS_EINVAL, "%s: %s (readosm error %d)", path, readosm_reason(rc), rc);
        goto done;
    }
    osm_node *nodes = r.nodes.items;
    size_t nn = r.nodes.len;
    if (!r.sorted)
        qsort(nodes, nn, sizeof *nodes, cmp_node);
    uint32_t *netid = hss_xmalloc((nn ? nn : 1) * sizeof *netid);
    for (size_t i = 0; i < nn; i++)
        netid[i] = UINT32_MAX;
    const int64_t *refs = r.refs.items;
    size_t missing = 0;
    for (size_t wi = 0; wi < r.ways.len; wi++) {
        osm_way *w = &HSS_VEC_AT(&r.ways, osm_way, wi);
        stats->ways++;
        double kmh = w->rule.kmh;
        if (w->rule.ferry && w->rule.ferry_minutes > 0) {
            double total = 0;
            long prev = -1;
            for (size_t k = 0; k < w->count; k++) {
                long idx = find_node(nodes, nn, refs[w->first + k]);
                if (idx >= 0 && prev >= 0)
                    total += acc_haversine_m(nodes[prev].lon, nodes[prev].lat, nodes[idx].lon, nodes[idx].lat);
                if (idx >= 0)
                    prev = idx;
            }
            if (total > 0)
                kmh = total / 1000.0 / (w->rule.ferry_minutes / 60.0);
        }
        int flags = (w->rule.car_fwd ? ACC_CAR_FWD : 0) | (w->rule.car_bwd ? ACC_CAR_BWD : 0) |
                    (w->rule.walk ? ACC_WALK : 0) | (w->rule.ferry ? ACC_FERRY : 0);
        long prev = -1;
        for (size_t k = 0; k < w->count; k++) {
            long idx = find_node(nodes, nn, refs[w->first + k]);
            if (idx < 0) {
                missing++;
                prev = -1;
                continue;
            }
            if (netid[idx] == UINT32_MAX)
                netid[idx] = acc_net_add_node(g, nodes[idx].lon, nodes[idx].lat);
            if (prev >= 0 && prev != idx) {
                double len = acc_haversine_m(nodes[prev].lon, nodes[prev].lat, nodes[idx].lon, nodes[idx].lat);
                if (len < 0.01)
                    len = 0.01;
                acc_net_add_edge(g, netid[prev], netid[idx], len, kmh, flags, w->rule.cls);
                if (w->rule.ferry)
                    stats->ferries++;
            }
            prev = idx;
        }
    }
    free(netid);
    (void)missing;
done:
    hss_vec_free(&r.nodes);
    hss_vec_free(&r.refs);
    hss_vec_free(&r.ways);
    return code;
}
