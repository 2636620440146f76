/*
 * test_oracle.c: travel times against an independent oracle. Random, grid (one-way streets)
 * and OSM-imported graphs are routed by HSS (import -> store -> snap -> multi-source
 * Dijkstra) and by Debian's python3-networkx (/usr/bin/python3, multi_source_dijkstra) on the
 * same edges; every village's minutes must agree to 1e-6 -- to the nearest clinic (residents
 * travel there: one-way streets count against them) and from the nearest EMS station.
 */
#include "fixture.h"

#define PY "/usr/bin/python3"
#define CLINICS "village_clinic,township_health_center"

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static double rndf(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

typedef struct {
    int u, v;
    double len, kmh;
    int oneway;
} tedge;

/* Writes the CSV edge list for nodes at (lon[i], lat[i]). */
static char *write_csv(const char *dir, const char *name, const double *lon, const double *lat, const tedge *e,
                       size_t m)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n");
    for (size_t i = 0; i < m; i++)
        fprintf(f, "n%d,n%d,%.7f,%.7f,%.7f,%.7f,%.3f,%.1f,%d\n", e[i].u, e[i].v, lon[e[i].u], lat[e[i].u],
                lon[e[i].v], lat[e[i].v], e[i].len, e[i].kmh, e[i].oneway);
    fclose(f);
    return hss_xstrdup(path);
}

/* Villages at every node (one township per 900 nodes), facilities at `nf` random nodes. */
static void place_points(hss_store *st, const double *lon, const double *lat, int n, int nf)
{
    fx_area(st, "330000", NULL, "province", "rural", -1, NAN, NAN);
    fx_area(st, "331100", "330000", "city", "rural", -1, NAN, NAN);
    fx_area(st, "331102", "331100", "county", "rural", -1, NAN, NAN);
    char tw[24], code[40];
    for (int i = 0; i < n; i++) {
        snprintf(tw, sizeof tw, "331102%03d", 1 + i / 900);
        if (i % 900 == 0)
            fx_area(st, tw, "331102", "township", "rural", -1, NAN, NAN);
        snprintf(code, sizeof code, "%s%03d", tw, 1 + i % 900);
        fx_area(st, code, tw, "village", i % 3 ? "rural" : "urban", 100 + i, lon[i], lat[i]);
    }
    for (int k = 0; k < nf; k++) {
        int i = (int)(rnd() % (uint64_t)n);
        snprintf(code, sizeof code, "F%03d", k);
        fx_facility(st, code, k % 2 ? "village_clinic" : "township_health_center", "331102", lon[i], lat[i], 0, 0);
    }
    for (int k = 0; k < 2; k++) {
        int i = (int)(rnd() % (uint64_t)n);
        snprintf(code, sizeof code, "E%03d", k);
        fx_facility(st, code, "ems_station", "331102", lon[i], lat[i], 0, 0);
    }
    fx_changed(st);
}

/* Runs the oracle on the stored network (road_edge / road_node / facility / area read from the
 * database by Python's sqlite3) and compares with HSS's detail table. */
static void compare_with_oracle(const char *dir, hss_store *st, const char *mode, const char *types)
{
    hss_access_query q = {types, 15, HSS_MODE_DRIVE, NULL, NULL, 0};
    hss_mode_parse(mode, &q.mode);
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    assert_int_equal(hss_access_detail_table(st, &q, &t, &err), HSS_OK);
    char script[800], out[800];
    snprintf(script, sizeof script, "%s/oracle.py", dir);
    snprintf(out, sizeof out, "%s/oracle.out", dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fputs("import sqlite3, sys, math\n"
          "import networkx as nx\n"
          "db, mode, types = sys.argv[1], sys.argv[2], sys.argv[3].split(',')\n"
          "# residents travel to clinics (reverse the graph); ambulances leave their stations\n"
          "inbound = any(t not in ('ems_station', 'ems_center') for t in types)\n"
          "c = sqlite3.connect(db)\n"
          "pos = {i: (lon, lat) for i, lon, lat in c.execute('SELECT id, lon, lat FROM road_node')}\n"
          "G = nx.DiGraph()\n"
          "G.add_nodes_from(pos)\n"
          "def add(a, b, w):\n"
          "    if not G.has_edge(a, b) or G[a][b]['weight'] > w: G.add_edge(a, b, weight=w)\n"
          "usable = set()  # nodes on an edge of the mode: a village elsewhere is snapped off its node\n"
          "for u, v, L, s, f, b, wk, fe in c.execute('SELECT u, v, length_m, speed_kmh, car_fwd, car_bwd, walk, ferry FROM road_edge'):\n"
          "    if (mode == 'walk' and wk) or (mode != 'walk' and (f or b)): usable.update((u, v))\n"
          "    if mode == 'walk':\n"
          "        w = L / (s / 3.6) if fe else L / (5 / 3.6)  # on a ferry walkers ride the ferry\n"
          "        if wk: add(u, v, w); add(v, u, w)\n"
          "    else:\n"
          "        if f: add(u, v, L / (s / 3.6))\n"
          "        if b: add(v, u, L / (s / 3.6))\n"
          "def node_at(lon, lat):\n"
          "    best = min(pos, key=lambda i: (pos[i][0] - lon) ** 2 + (pos[i][1] - lat) ** 2)\n"
          "    assert (pos[best][0] - lon) ** 2 + (pos[best][1] - lat) ** 2 < 1e-14, (lon, lat)\n"
          "    return best\n"
          "src = set(node_at(lon, lat) for lon, lat, t in c.execute('SELECT lon, lat, type FROM facility') if t in types)\n"
          "d = nx.multi_source_dijkstra_path_length(G.reverse(copy=True) if inbound else G, src)\n"
          "for code, lon, lat in c.execute(\"SELECT code, lon, lat FROM area WHERE level='village' ORDER BY code\"):\n"
          "    n = node_at(lon, lat)\n"
          "    print(code, 'skip' if n not in usable else '%.9f' % (d[n] / 60.0) if n in d else 'inf')\n",
          f);
    fclose(f);
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "%s %s %s %s %s > %s 2>&1", PY, script, hss_store_path(st), mode, types, out);
    int rc = system(cmd);
    if (rc != 0) {
        char *o = hss_read_file(out, NULL, NULL);
        fprintf(stderr, "oracle failed: %s\n", o ? o : "");
        free(o);
    }
    assert_int_equal(rc, 0);
    FILE *in = fopen(out, "r");
    assert_non_null(in);
    char code[64], val[64];
    size_t row = 0, compared = 0;
    while (fscanf(in, "%63s %63s", code, val) == 2) {
        assert_true(row < hss_table_rows(t));
        assert_string_equal(hss_table_cell(t, row, 0), code);
        const char *mine = hss_table_cell(t, row, 2);
        if (strcmp(val, "skip") == 0) {
            row++;
            continue;
        }
        if (strcmp(val, "inf") == 0) {
            assert_true(hss_table_is_null(t, row, 2));
        } else {
            /* the detail table rounds to 2 decimals: compare the unrounded engine below */
            double o = atof(val), m = atof(mine);
            if (fabs(o - m) > 0.005 + 1e-9)
                fprintf(stderr, "%s: oracle %.6f hss %s\n", code, o, mine);
            assert_true(fabs(o - m) <= 0.005 + 1e-9);
            compared++;
        }
        row++;
    }
    fclose(in);
    assert_int_equal(row, hss_table_rows(t));
    assert_true(compared > 0);
    hss_table_free(t);
}

/* Exact comparison on the unrounded engine: the same run through acc_nearest. */
static void compare_exact(const char *dir, hss_store *st, hss_mode mode, int ems)
{
    acc_ctx cx;
    hss_error err;
    assert_int_equal(acc_ctx_load(st, NULL, &cx, &err), HSS_OK);
    double *m = calloc(cx.pop.n + 1, sizeof *m);
    int32_t *nf = calloc(cx.pop.n + 1, sizeof *nf);
    char *clinics[2] = {"village_clinic", "township_health_center"}, *stations[1] = {"ems_station"};
    char **types = ems ? stations : clinics;
    size_t nt = ems ? 1 : 2;
    assert_int_equal(acc_nearest(&cx, types, nt, mode, ACC_COST_TIME, acc_types_dir(types, nt), m, nf, NULL), HSS_OK);
    char out[800];
    snprintf(out, sizeof out, "%s/oracle.out", dir);
    FILE *in = fopen(out, "r");
    assert_non_null(in);
    char code[64], val[64];
    size_t i = 0;
    double worst = 0;
    while (fscanf(in, "%63s %63s", code, val) == 2) {
        assert_string_equal(cx.pop.p[i].code, code);
        if (strcmp(val, "skip") == 0)
            ;
        else if (strcmp(val, "inf") == 0)
            assert_true(isinf(m[i]));
        else {
            double d = fabs(atof(val) - m[i]);
            if (d > worst)
                worst = d;
        }
        i++;
    }
    fclose(in);
    assert_int_equal(i, cx.pop.n);
    assert_true(worst < 1e-6);
    free(m);
    free(nf);
    acc_ctx_free(&cx);
}

/* The oracle reads the database file with python's sqlite3: with HSS_STORE_PG set the file
 * only names a PostgreSQL schema, so there is nothing for it to read. */
static void skip_on_pg(void)
{
    if (getenv("HSS_STORE_PG")) {
        printf("skipped on PostgreSQL: the networkx oracle reads the SQLite file with python's sqlite3\n");
        skip();
    }
}

static void random_graphs_match_networkx(void **state)
{
    (void)state;
    skip_on_pg();
    char *dir = hss_test_tmpdir();
    for (int trial = 0; trial < 3; trial++) {
        rng_state = 0x9E3779B97F4A7C15ULL + (uint64_t)trial * 7777;
        int n = 120 + trial * 80;
        double *lon = malloc(n * sizeof *lon), *lat = malloc(n * sizeof *lat);
        for (int i = 0; i < n; i++) {
            lon[i] = 119.5 + rndf() * 0.5;
            lat[i] = 28.0 + rndf() * 0.5;
        }
        tedge *e = malloc((size_t)n * 6 * sizeof *e);
        size_t m = 0;
        /* a two-way ring keeps the graph strongly connected; chords may be one-way */
        for (int i = 0; i < n; i++)
            e[m++] = (tedge){i, (i + 1) % n, 200 + rndf() * 3000, 20 + (double)(rnd() % 60), 0};
        for (int k = 0; k < 3 * n; k++) {
            int a = (int)(rnd() % (uint64_t)n), b = (int)(rnd() % (uint64_t)n);
            if (a == b || (a + 1) % n == b || (b + 1) % n == a)
                continue;
            int dup = 0;
            for (size_t j = 0; j < m && !dup; j++)
                dup = (e[j].u == a && e[j].v == b) || (e[j].u == b && e[j].v == a);
            if (dup)
                continue;
            e[m++] = (tedge){a, b, 100 + rndf() * 8000, 10 + (double)(rnd() % 90), (int)(rnd() % 3 == 0)};
        }
        char name[32];
        snprintf(name, sizeof name, "rand%d.csv", trial);
        char *csv = write_csv(dir, name, lon, lat, e, m);
        snprintf(name, sizeof name, "rand%d.db", trial);
        hss_store *st = fx_open(dir, name);
        place_points(st, lon, lat, n, 3 + trial);
        hss_error err;
        hss_roads_stats s;
        assert_int_equal(hss_access_import(st, csv, NULL, NULL, &s, &err), HSS_OK);
        assert_int_equal(s.nodes, (size_t)n);
        assert_int_equal(s.nodes_dropped, 0);
        compare_with_oracle(dir, st, "drive", CLINICS);
        compare_exact(dir, st, HSS_MODE_DRIVE, 0);
        compare_with_oracle(dir, st, "drive", "ems_station");
        compare_exact(dir, st, HSS_MODE_DRIVE, 1);
        compare_with_oracle(dir, st, "walk", CLINICS);
        compare_exact(dir, st, HSS_MODE_WALK, 0);
        hss_store_close(st);
        free(csv);
        free(e);
        free(lon);
        free(lat);
    }
    free(dir);
}

/* A city grid with alternating one-way streets (Manhattan-style) and two-way avenues. */
static void grid_with_oneways_matches_networkx(void **state)
{
    (void)state;
    skip_on_pg();
    char *dir = hss_test_tmpdir();
    rng_state = 12345;
    int W = 18, H = 14, n = W * H;
    double *lon = malloc(n * sizeof *lon), *lat = malloc(n * sizeof *lat);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            lon[y * W + x] = 119.9 + x * 0.004 + (rndf() - 0.5) * 0.0005;
            lat[y * W + x] = 28.4 + y * 0.004 + (rndf() - 0.5) * 0.0005;
        }
    tedge *e = malloc((size_t)n * 4 * sizeof *e);
    size_t m = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int i = y * W + x;
            double l;
            if (x + 1 < W) {
                l = acc_haversine_m(lon[i], lat[i], lon[i + 1], lat[i + 1]);
                int ow = y % 4 != 0 && y != H - 1; /* every 4th street and the edges two-way */
                if (ow && y % 2)
                    e[m++] = (tedge){i + 1, i, l, 30, 1};
                else
                    e[m++] = (tedge){i, i + 1, l, y % 4 ? 30 : 50, ow};
            }
            if (y + 1 < H) {
                l = acc_haversine_m(lon[i], lat[i], lon[i + W], lat[i + W]);
                int ow = x % 3 != 0 && x != W - 1;
                if (ow && x % 2)
                    e[m++] = (tedge){i + W, i, l, 25, 1};
                else
                    e[m++] = (tedge){i, i + W, l, x % 3 ? 25 : 60, ow};
            }
        }
    char *csv = write_csv(dir, "grid.csv", lon, lat, e, m);
    hss_store *st = fx_open(dir, "grid.db");
    place_points(st, lon, lat, n, 5);
    hss_error err;
    hss_roads_stats s;
    assert_int_equal(hss_access_import(st, csv, NULL, NULL, &s, &err), HSS_OK);
    assert_int_equal(s.nodes_dropped, 0);
    compare_with_oracle(dir, st, "drive", CLINICS);
    compare_exact(dir, st, HSS_MODE_DRIVE, 0);
    compare_with_oracle(dir, st, "drive", "ems_station");
    compare_exact(dir, st, HSS_MODE_DRIVE, 1);
    hss_store_close(st);
    free(csv);
    free(e);
    free(lon);
    free(lat);
    free(dir);
}

/* The hand-written OSM extract: villages at its kept nodes, oracle reads the stored graph. */
static void osm_import_matches_networkx(void **state)
{
    (void)state;
    skip_on_pg();
    char *dir = hss_test_tmpdir();
    hss_store *st = fx_open(dir, "osm.db");
    hss_error err;
    hss_roads_stats s;
    assert_int_equal(hss_access_import(st, fx_data("tiny.osm"), NULL, NULL, &s, &err), HSS_OK);
    acc_net g;
    assert_int_equal(acc_net_load(st, &g, &err), HSS_OK);
    rng_state = 99;
    place_points(st, g.lon, g.lat, (int)g.n, 2);
    compare_with_oracle(dir, st, "drive", CLINICS);
    compare_exact(dir, st, HSS_MODE_DRIVE, 0);
    compare_with_oracle(dir, st, "drive", "ems_station");
    compare_exact(dir, st, HSS_MODE_DRIVE, 1);
    compare_with_oracle(dir, st, "walk", CLINICS);
    compare_exact(dir, st, HSS_MODE_WALK, 0);
    acc_net_free(&g);
    hss_store_close(st);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_graphs_match_networkx),
        cmocka_unit_test(grid_with_oneways_matches_networkx),
        cmocka_unit_test(osm_import_matches_networkx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
