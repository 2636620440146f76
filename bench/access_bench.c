/*
 * access_bench.c: the access module's benchmark driver (bench/access.sh runs it and times
 * pgRouting on the same graphs). Subcommands:
 *   province DB NODES      generate a province-scale network (a perturbed grid with road
 *                          classes and mountain slowdowns, ~300 m spacing) with 100 counties,
 *                          1,000 townships and 100,000 villages, 10,000 village clinics,
 *                          1,000 township centres and 300 EMS stations; print build times
 *   extract DB FILE        import a real OSM extract; place 1,000 villages and facilities at
 *                          random road nodes (seeded)
 *   run DB NSRC NPG SRCOUT CANDOUT
 *                          time: loading, nearest facility for every node from NSRC sources,
 *                          the same from NPG sources (the node ids go to SRCOUT for pgRouting),
 *                          a coverage run for all villages, a 5-site siting run (candidates:
 *                          2,000 random villages written to CANDOUT)
 * Every figure is printed as "name: value unit" so the script can pick it up.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access_int.h"

/* CPU seconds of this process: less disturbed than wall time by other jobs on a shared machine */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t rs = 0x2545F4914F6CDD1DULL;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}
static double rndf(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

static void die(const hss_error *e)
{
    fprintf(stderr, "access_bench: %s\n", e->msg);
    exit(1);
}

static double noise(double x, double y)
{
    return 0.5 + 0.25 * sin(x * 7.1 + 1.3) * cos(y * 5.3 + 0.7) + 0.25 * sin(x * 2.3 + y * 3.1);
}

static void insert_area(hss_stmt *s, const char *code, const char *parent, const char *level, const char *kind,
                        long long pop, double lon, double lat)
{
    hss_store_bind_copy(s, 1, code);
    if (parent)
        hss_store_bind_copy(s, 2, parent);
    else
        hss_store_bind_null(s, 2);
    hss_store_bind_text(s, 3, level);
    hss_store_bind_copy(s, 4, code);
    hss_store_bind_text(s, 5, kind);
    if (pop >= 0)
        hss_store_bind_int64(s, 6, pop);
    else
        hss_store_bind_null(s, 6);
    if (isnan(lon)) {
        hss_store_bind_null(s, 7);
        hss_store_bind_null(s, 8);
    } else {
        hss_store_bind_double(s, 7, lon);
        hss_store_bind_double(s, 8, lat);
    }
    if (hss_store_step(s) != HSS_DONE) {
        fprintf(stderr, "insert area %s failed\n", code);
        exit(1);
    }
    hss_store_reset(s);
}

static void insert_fac(hss_stmt *s, const char *code, const char *type, const char *area, double lon, double lat)
{
    hss_store_bind_copy(s, 1, code);
    hss_store_bind_copy(s, 2, code);
    hss_store_bind_text(s, 3, type);
    hss_store_bind_copy(s, 4, area);
    hss_store_bind_double(s, 5, lon);
    hss_store_bind_double(s, 6, lat);
    if (hss_store_step(s) != HSS_DONE) {
        fprintf(stderr, "insert facility %s failed\n", code);
        exit(1);
    }
    hss_store_reset(s);
}

static const char *AREA_SQL = "INSERT INTO area(code,parent_code,level,name,kind,population,lon,lat,generated)"
                              " VALUES(?,?,?,?,?,?,?,?,1)";
static const char *FAC_SQL = "INSERT INTO facility(code,name,type,ownership,area_code,lon,lat,generated)"
                             " VALUES(?,?,?,'government',?,?,?,1)";

static int province(const char *db, long nodes)
{
    hss_error err;
    hss_store *st = hss_store_open(db, &err);
    if (!st)
        die(&err);
    int W = (int)ceil(sqrt((double)nodes * 1.05)), H = (int)ceil((double)nodes / W);
    double lon0 = 118.0, lat0 = 27.0, dx = 0.003, dy = 0.0027;
    double x1 = lon0 + W * dx, y1 = lat0 + H * dy;
    /* the region first, so that the network store snaps it */
    double t0 = hss_now();
    if (hss_store_begin(st, &err))
        die(&err);
    hss_stmt *sa = hss_store_prepare(st, AREA_SQL, &err), *sf = hss_store_prepare(st, FAC_SQL, &err);
    insert_area(sa, "330000", NULL, "province", "rural", -1, NAN, NAN);
    insert_area(sa, "331100", "330000", "city", "rural", -1, NAN, NAN);
    insert_area(sa, "331200", "330000", "city", "rural", -1, NAN, NAN);
    char code[40], tw[24], county[16];
    int nfac = 0;
    for (int c = 0; c < 100; c++) {
        snprintf(county, sizeof county, "33%s%02d", c < 50 ? "11" : "12", c % 50 + 1);
        insert_area(sa, county, c < 50 ? "331100" : "331200", "county", "rural", -1, NAN, NAN);
        double cx0 = lon0 + (c % 10) * (x1 - lon0) / 10, cy0 = lat0 + (c / 10) * (y1 - lat0) / 10;
        double cw = (x1 - lon0) / 10, chh = (y1 - lat0) / 10;
        for (int t = 0; t < 10; t++) {
            snprintf(tw, sizeof tw, "%s%03d", county, t + 1);
            double tx = cx0 + (t % 5 + 0.5) * cw / 5, ty = cy0 + (t / 5 + 0.5) * chh / 2;
            insert_area(sa, tw, county, "township", t == 0 ? "urban" : "rural", -1, tx, ty);
            snprintf(code, sizeof code, "T%s", tw);
            insert_fac(sf, code, "township_health_center", tw, tx, ty);
            for (int v = 0; v < 100; v++) {
                snprintf(code, sizeof code, "%s%03d", tw, v + 1);
                double vx = cx0 + (t % 5) * cw / 5 + rndf() * cw / 5, vy = cy0 + (t / 5) * chh / 2 + rndf() * chh / 2;
                insert_area(sa, code, tw, "village", t == 0 && v < 30 ? "urban" : "rural",
                            200 + (long long)(rnd() % 2800), vx, vy);
                if (v % 10 == 0) {
                    char fc[48];
                    snprintf(fc, sizeof fc, "C%s", code);
                    insert_fac(sf, fc, "village_clinic", tw, vx + 0.001, vy);
                    nfac++;
                }
            }
        }
        for (int e = 0; e < 3; e++) {
            snprintf(code, sizeof code, "E%s%d", county, e);
            insert_fac(sf, code, "ems_station", county, cx0 + rndf() * cw, cy0 + rndf() * chh);
        }
    }
    hss_store_finalize(sa);
    hss_store_finalize(sf);
    if (hss_store_bump_version(st, &err) || hss_store_commit(st, &err))
        die(&err);
    printf("region: 100 counties, 1000 townships, 100000 villages, %d village clinics, 1000 township centres, 300 EMS stations stored in %.2f s\n",
           nfac, hss_now() - t0);
    /* the network */
    t0 = hss_now();
    acc_net g;
    acc_net_init(&g);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            acc_net_add_node(&g, lon0 + x * dx + (rndf() - 0.5) * dx * 0.3, lat0 + y * dy + (rndf() - 0.5) * dy * 0.3);
    static const struct {
        const char *cls;
        double kmh;
    } C[] = {{"primary", 65}, {"secondary", 55}, {"tertiary", 40}, {"unclassified", 25}};
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint32_t i = (uint32_t)(y * W + x);
            for (int dir = 0; dir < 2; dir++) {
                int nx = x + (dir == 0), ny = y + (dir == 1);
                if (nx >= W || ny >= H)
                    continue;
                int line = dir == 0 ? y : x;
                int k = line % 50 == 0 ? 0 : line % 10 == 0 ? 1 : (rnd() % 4 == 0 ? 2 : 3);
                if (k == 3 && rnd() % 100 < 12)
                    continue; /* missing local links */
                uint32_t j = (uint32_t)(ny * W + nx);
                double r = noise(g.lon[i], g.lat[i]);
                double len = acc_haversine_m(g.lon[i], g.lat[i], g.lon[j], g.lat[j]) * (1.1 + 0.3 * r);
                int flags = ACC_CAR_FWD | ACC_CAR_BWD | ACC_WALK | ACC_GENERATED;
                if (k >= 2 && rnd() % 100 < 3)
                    flags &= ~ACC_CAR_BWD;
                acc_net_add_edge(&g, i, j, len, C[k].kmh * (1 - 0.5 * r), flags, acc_profile_class_find(C[k].cls));
            }
        }
    double t_gen = hss_now() - t0;
    t0 = hss_now();
    hss_roads_stats s;
    memset(&s, 0, sizeof s);
    acc_net_largest_scc(&g, &s);
    double t_scc = hss_now() - t0;
    t0 = hss_now();
    acc_csr c;
    acc_csr_build(&c, &g, HSS_MODE_DRIVE, ACC_COST_TIME, 0);
    double t_csr = hss_now() - t0;
    acc_csr_free(&c);
    t0 = hss_now();
    if (acc_store_network(st, &g, "generated province benchmark", 1, &s, &err))
        die(&err);
    double t_store = hss_now() - t0;
    printf("network: %zu nodes, %zu edges (largest SCC; %zu nodes dropped)\n", s.nodes, s.edges, s.nodes_dropped);
    printf("graph build: generate %.3f s, strongly connected components %.3f s, CSR %.3f s\n", t_gen, t_scc, t_csr);
    printf("graph build (total in memory): %.3f s\n", t_gen + t_scc + t_csr);
    printf("store + snap %zu points: %.3f s\n", s.snapped, t_store);
    acc_net_free(&g);
    hss_store_close(st);
    return 0;
}

static int extract(const char *db, const char *file)
{
    hss_error err;
    hss_store *st = hss_store_open(db, &err);
    if (!st)
        die(&err);
    double t0 = hss_now();
    hss_roads_stats s;
    if (hss_access_import(st, file, NULL, NULL, &s, &err))
        die(&err);
    double t_imp = hss_now() - t0;
    printf("network: %zu nodes, %zu edges (largest SCC; %zu nodes dropped)\n", s.nodes, s.edges, s.nodes_dropped);
    printf("graph build (import: parse, profile, SCC, store): %.3f s\n", t_imp);
    acc_net g;
    if (acc_net_load(st, &g, &err))
        die(&err);
    if (hss_store_begin(st, &err))
        die(&err);
    hss_stmt *sa = hss_store_prepare(st, AREA_SQL, &err), *sf = hss_store_prepare(st, FAC_SQL, &err);
    insert_area(sa, "330000", NULL, "province", "rural", -1, NAN, NAN);
    insert_area(sa, "331100", "330000", "city", "rural", -1, NAN, NAN);
    insert_area(sa, "331102", "331100", "county", "rural", -1, NAN, NAN);
    char code[40], tw[24];
    for (int t = 0; t < 10; t++) {
        snprintf(tw, sizeof tw, "331102%03d", t + 1);
        insert_area(sa, tw, "331102", "township", "rural", -1, NAN, NAN);
        for (int v = 0; v < 100; v++) {
            uint32_t n = (uint32_t)(rnd() % g.n);
            snprintf(code, sizeof code, "%s%03d", tw, v + 1);
            insert_area(sa, code, tw, "village", v < 20 ? "urban" : "rural", 100 + (long long)(rnd() % 2000),
                        g.lon[n] + (rndf() - 0.5) * 0.001, g.lat[n] + (rndf() - 0.5) * 0.001);
        }
    }
    int nsrc = g.n / 3 < 10000 ? (int)g.n / 3 : 10000;
    for (int k = 0; k < nsrc; k++) {
        uint32_t n = (uint32_t)(rnd() % g.n);
        snprintf(code, sizeof code, "C%05d", k);
        insert_fac(sf, code, k % 10 ? "village_clinic" : "township_health_center", "331102001", g.lon[n], g.lat[n]);
    }
    for (int k = 0; k < 5; k++) {
        uint32_t n = (uint32_t)(rnd() % g.n);
        snprintf(code, sizeof code, "E%d", k);
        insert_fac(sf, code, "ems_station", "331102", g.lon[n], g.lat[n]);
    }
    hss_store_finalize(sa);
    hss_store_finalize(sf);
    if (hss_store_bump_version(st, &err) || hss_store_commit(st, &err))
        die(&err);
    printf("synthetic points: 1000 villages, %d facilities at random road nodes (seeded)\n", nsrc + 5);
    acc_net_free(&g);
    hss_store_close(st);
    return 0;
}

static int run(const char *db, int nsrc, int npg, const char *srcout, const char *candout)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    if (!st)
        die(&err);
    /* snap first when the stored points changed since the last snapping, so it is timed apart */
    acc_ctx cx;
    double t0 = hss_now();
    hss_roads_stats snapped;
    memset(&snapped, 0, sizeof snapped);
    if (hss_store_begin(st, &err) || hss_access_snap(st, 0, &snapped, &err) || hss_store_commit(st, &err))
        die(&err);
    printf("snap %zu points (drive and walk): %.3f s\n", snapped.snapped, hss_now() - t0);
    t0 = hss_now();
    if (acc_ctx_load(st, NULL, &cx, &err))
        die(&err);
    double t_load = hss_now() - t0;
    printf("load network and points from SQLite: %.3f s (%u nodes, %zu edges, %zu villages, %zu facilities)\n", t_load,
           cx.net.n, cx.net.m, cx.pop.n, cx.fac.n);
    t0 = hss_now();
    const acc_csr *c = acc_ctx_csr(&cx, HSS_MODE_DRIVE, ACC_COST_TIME, ACC_OUTBOUND);
    printf("CSR build: %.3f s\n", hss_now() - t0);
    double *dist = malloc((size_t)cx.net.n * sizeof *dist);
    int32_t *label = malloc((size_t)cx.net.n * sizeof *label);
    /* sources: the first nsrc facilities that are on the network */
    size_t *which = malloc((cx.fac.n + 1) * sizeof *which);
    size_t nw = 0;
    for (size_t i = 0; i < cx.fac.n && nw < (size_t)nsrc; i++)
        if (!cx.fac.p[i].snap[HSS_MODE_DRIVE].flagged)
            which[nw++] = i;
    /* the first run pays for first touches of the arrays; on a machine shared with other
     * jobs one run can also be slowed by them, so the best of three is printed beside it */
    double t_all = INFINITY, t_first = 0, c_all = INFINITY;
    size_t settled = 0;
    for (int rep = 0; rep < 3; rep++) {
        acc_sources src;
        t0 = hss_now();
        double c0 = cpu_now();
        acc_sources_build(&src, &cx.net, HSS_MODE_DRIVE, ACC_COST_TIME, ACC_OUTBOUND, cx.fac.p, which, nw);
        settled = acc_dijkstra(cx.dij, c, src.seeds, src.ns, INFINITY, dist, label);
        double t = hss_now() - t0, ct = cpu_now() - c0;
        c_all = ct < c_all ? ct : c_all;
        t_first = rep == 0 ? t : t_first;
        t_all = t < t_all ? t : t_all;
        acc_sources_free(&src);
    }
    printf("nearest facility for every node from %zu sources: %.3f s best of 3 (first run %.3f s; CPU %.3f s; %zu nodes settled)\n",
           nw, t_all, t_first, c_all, settled);
    /* the pgRouting comparison: npg source nodes */
    FILE *f = fopen(srcout, "w");
    acc_seed *seeds = malloc((size_t)npg * sizeof *seeds);
    for (int k = 0; k < npg; k++) {
        seeds[k].node = (uint32_t)(rnd() % cx.net.n);
        seeds[k].cost = 0;
        seeds[k].label = k;
        fprintf(f, "%s%u", k ? "," : "", seeds[k].node);
    }
    fprintf(f, "\n");
    fclose(f);
    t0 = hss_now();
    acc_dijkstra(cx.dij, c, seeds, (size_t)npg, INFINITY, dist, label);
    double t_pg = hss_now() - t0;
    double sum = 0;
    size_t reached = 0;
    for (uint32_t i = 0; i < cx.net.n; i++)
        if (dist[i] < INFINITY) {
            sum += dist[i];
            reached++;
        }
    printf("hss same-query: nearest of %d sources for every node: %.4f s (reached %zu, sum of seconds %.1f)\n", npg,
           t_pg, reached, sum);
    free(seeds);
    free(dist);
    free(label);
    free(which);
    /* candidates for siting */
    f = fopen(candout, "w");
    fprintf(f, "code,lon,lat\n");
    for (int k = 0; k < 2000 && cx.pop.n; k++) {
        const acc_point *p = &cx.pop.p[rnd() % cx.pop.n];
        fprintf(f, "%s,%.7f,%.7f\n", p->code, p->lon, p->lat);
    }
    fclose(f);
    acc_ctx_free(&cx);
    int64_t res, cov;
    t0 = hss_now();
    if (hss_access_share_within(st, "village_clinic,township_health_center", 15, NULL, &res, &cov, &err))
        die(&err);
    printf("coverage run for all villages (15 min; points loaded from SQLite, network from the in-process cache): %.3f s (%lld of %lld residents covered)\n",
           hss_now() - t0, (long long)cov, (long long)res);
    hss_site_opts o;
    memset(&o, 0, sizeof o);
    o.type = "ems_station";
    o.add = 5;
    o.minutes = 15;
    o.candidates = candout;
    hss_table *sites, *sum_t;
    t0 = hss_now();
    if (hss_access_site(st, &o, &sites, &sum_t, &err))
        die(&err);
    printf("5-site siting run (2000 candidates, 15 min; points loaded, network cached): %.3f s (covered before %s, after %s)\n",
           hss_now() - t0, hss_table_cell(sum_t, 0, 1), hss_table_cell(sum_t, 0, 2));
    hss_table_free(sites);
    hss_table_free(sum_t);
    hss_store_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "province") == 0)
        return province(argv[2], atol(argv[3]));
    if (argc == 4 && strcmp(argv[1], "extract") == 0)
        return extract(argv[2], argv[3]);
    if (argc == 7 && strcmp(argv[1], "run") == 0)
        return run(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5], argv[6]);
    fprintf(stderr, "usage: access_bench province DB NODES | extract DB FILE | run DB NSRC NPG SRCOUT CANDOUT\n");
    return 2;
}
