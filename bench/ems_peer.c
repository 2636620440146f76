/*
 * ems_peer.c: the HSS side of the EMS-Simulator comparison (bench/ems_peer.sh). Subcommands:
 *   export DB DAYS EVERY DIR
 *                       from a database built by `hss demo lishui`: the first DAYS days of its
 *                       stored (generated) calls go to DIR/calls.csv in HSS's import format;
 *                       the units at located stations (every EVERY-th by code, the others
 *                       deleted from DB: 1 keeps the fleet, more thins it so that calls queue)
 *                       to DIR/ambulances.csv, their stations to
 *                       DIR/stations.csv, the call locations to DIR/points.csv and the road
 *                       seconds station x call, computed by the access module's matrix engine
 *                       exactly as the simulation computes them, to DIR/times.csv (the peer's
 *                       matrix format: no header, one row per station). Calls that some station
 *                       cannot reach are left out (the peer cannot take an infinite time).
 *                       Then the stored calls are deleted from DB, so that both simulators use
 *                       HSS's stated default intervals (dispatch 1, turnout 2, scene 15,
 *                       transport 20, handover 10 minutes) rather than draws from the records.
 *   hss DB CALLS OUT    runs `hss ems simulate --calls CALLS` through the library, times it
 *                       (wall and CPU, whole run: loading, road-time matrix and event loop) and
 *                       writes call,unit to OUT.
 * Every figure is printed as "name: value unit".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "ems/ems.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what, const hss_error *e)
{
    fprintf(stderr, "ems_peer: %s: %s\n", what, e ? e->msg : "failed");
    exit(1);
}

static FILE *out_file(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die(path, NULL);
    return f;
}

typedef struct {
    char **code;
    double *ll; /* lon, lat */
    int64_t *t;
    size_t n, cap;
} list;

static void list_add(list *l, const char *code, double lon, double lat, int64_t t)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->code = hss_xrealloc(l->code, l->cap * sizeof *l->code);
        l->ll = hss_xrealloc(l->ll, l->cap * 2 * sizeof *l->ll);
        l->t = hss_xrealloc(l->t, l->cap * sizeof *l->t);
    }
    l->code[l->n] = hss_xstrdup(code);
    l->ll[2 * l->n] = lon;
    l->ll[2 * l->n + 1] = lat;
    l->t[l->n++] = t;
}

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->code[i]);
    free(l->code);
    free(l->ll);
    free(l->t);
}

/* Rows of a query (code, lon, lat[, time]) into a list. */
static void query_list(hss_store *st, const char *sql, int with_time, list *l)
{
    hss_error err;
    hss_stmt *s = hss_store_prepare(st, sql, &err);
    if (!s)
        die("query", &err);
    while (hss_store_step(s) == HSS_ROW)
        list_add(l, hss_store_col_text(s, 0), hss_store_col_double(s, 1),
                 hss_store_col_double(s, 2), with_time ? hss_store_col_int64(s, 3) : 0);
    hss_store_finalize(s);
}

/* Stations in first-appearance order over the units ordered by code, as the simulation
 * numbers them; unit_station[u] = station index. */
static size_t stations_of(const list *units, double *st_ll, size_t *unit_station)
{
    size_t ns = 0;
    for (size_t u = 0; u < units->n; u++) {
        size_t k = 0;
        while (k < ns && !(st_ll[2 * k] == units->ll[2 * u] && st_ll[2 * k + 1] == units->ll[2 * u + 1]))
            k++;
        if (k == ns) {
            st_ll[2 * ns] = units->ll[2 * u];
            st_ll[2 * ns++ + 1] = units->ll[2 * u + 1];
        }
        unit_station[u] = k;
    }
    return ns;
}

/* Keeps every `every`-th unit (by code) in the database. */
static void thin_fleet(hss_store *st, int every)
{
    hss_error err;
    char sql[200];
    snprintf(sql, sizeof sql,
             "DELETE FROM ems_unit WHERE code NOT IN (SELECT code FROM (SELECT code, ROW_NUMBER() OVER"
             " (ORDER BY code) AS k FROM ems_unit) WHERE (k - 1) %% %d = 0)", every > 0 ? every : 1);
    if (hss_store_exec(st, sql, &err))
        die("thin the fleet", &err);
}

static int do_export(const char *db, int days, int every, const char *dir)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    if (!st)
        die(db, &err);
    thin_fleet(st, every);
    list calls = {0}, units = {0};
    query_list(st, "SELECT call_id, lon, lat, received_at FROM ems_call ORDER BY received_at, call_id", 1, &calls);
    query_list(st, "SELECT u.code, f.lon, f.lat FROM ems_unit u JOIN facility f ON f.code = u.station_code"
                   " WHERE f.lon IS NOT NULL AND f.lat IS NOT NULL ORDER BY u.code", 0, &units);
    if (!calls.n || !units.n)
        die("the database has no stored calls or units (hss demo lishui)", NULL);
    size_t nc = 0;
    while (nc < calls.n && calls.t[nc] < calls.t[0] + (int64_t)days * 86400)
        nc++;
    double *st_ll = hss_xmalloc(units.n * 2 * sizeof *st_ll);
    size_t *unit_station = hss_xmalloc(units.n * sizeof *unit_station);
    size_t ns = stations_of(&units, st_ll, unit_station);
    hss_access_tt *tt;
    if (hss_access_tt_open(st, &tt, &err))
        die("roads", &err);
    float *m = hss_xmalloc(ns * nc * sizeof *m);
    hss_access_tt_matrix(tt, st_ll, ns, calls.ll, nc, m);
    hss_access_tt_free(tt);
    FILE *fc = out_file(dir, "calls.csv"), *fp = out_file(dir, "points.csv"), *ft = out_file(dir, "times.csv");
    fprintf(fc, "call_id,received_at,lon,lat\n");
    fprintf(fp, "call_id,latitude,longitude,seconds\n");
    size_t kept = 0;
    for (size_t j = 0; j < nc; j++) {
        int ok = 1;
        for (size_t k = 0; k < ns; k++)
            ok &= isfinite(m[k * nc + j]);
        if (!ok)
            continue;
        char when[32];
        hss_ems_time_format(calls.t[j], when);
        fprintf(fc, "%s,%s,%.17g,%.17g\n", calls.code[j], when, calls.ll[2 * j], calls.ll[2 * j + 1]);
        fprintf(fp, "%s,%.17g,%.17g,%lld\n", calls.code[j], calls.ll[2 * j + 1], calls.ll[2 * j],
                (long long)(calls.t[j] - calls.t[0]));
        kept++;
    }
    for (size_t k = 0; k < ns; k++)
        for (size_t j = 0, first = 1; j < nc; j++) {
            int ok = 1;
            for (size_t q = 0; q < ns; q++)
                ok &= isfinite(m[q * nc + j]);
            if (!ok)
                continue;
            /* the simulation's own value: float minutes, times 60 in double */
            fprintf(ft, "%s%.6f", first ? "" : ",", (double)m[k * nc + j] * 60.0);
            first = 0;
            if (j + 1 == nc)
                fprintf(ft, "\n");
        }
    FILE *fs = out_file(dir, "stations.csv"), *fa = out_file(dir, "ambulances.csv");
    fprintf(fs, "latitude,longitude\n");
    for (size_t k = 0; k < ns; k++)
        fprintf(fs, "%.17g,%.17g\n", st_ll[2 * k + 1], st_ll[2 * k]);
    fprintf(fa, "id,station\n");
    for (size_t u = 0; u < units.n; u++)
        fprintf(fa, "%s,%zu\n", units.code[u], unit_station[u]);
    fclose(fc);
    fclose(fp);
    fclose(ft);
    fclose(fs);
    fclose(fa);
    if (hss_store_exec(st, "DELETE FROM ems_call", &err))
        die("delete calls", &err);
    printf("exported: %zu calls of the first %d days (%zu left out: some station cannot reach them), %zu units at %zu stations\n",
           kept, days, nc - kept, units.n, ns);
    free(m);
    free(st_ll);
    free(unit_station);
    list_free(&calls);
    list_free(&units);
    hss_store_close(st);
    return 0;
}

static int do_hss(const char *db, const char *calls, const char *out)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    if (!st)
        die(db, &err);
    hss_ems_sim_opts o = {0};
    o.calls_file = calls;
    o.seed = 1;
    hss_ems_sim_result r;
    hss_table *per = NULL;
    double t0 = hss_now(), c0 = cpu_now();
    if (hss_ems_simulate(st, &o, &r, &per, &err))
        die("simulate", &err);
    double wall = hss_now() - t0, cpu = cpu_now() - c0;
    FILE *f = fopen(out, "w");
    if (!f)
        die(out, NULL);
    fprintf(f, "call,unit\n");
    for (size_t i = 0; i < hss_table_rows(per); i++)
        fprintf(f, "%s,%s\n", hss_table_cell(per, i, 0), hss_table_cell(per, i, 1) ? hss_table_cell(per, i, 1) : "");
    fclose(f);
    printf("hss: %zu calls, %zu units, intervals %s | whole run %.4f s wall, %.4f s CPU (event loop %.6f s) | "
           "response mean %.2f min, %zu waited\n",
           r.calls, r.units, r.intervals_measured ? "measured" : "stated defaults", wall, cpu, r.seconds,
           r.response_mean, r.queued);
    hss_table_free(per);
    hss_store_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "export") == 0)
        return do_export(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
    if (argc == 5 && strcmp(argv[1], "hss") == 0)
        return do_hss(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: ems_peer export DB DAYS EVERY DIR | hss DB CALLS OUT\n");
    return 2;
}
