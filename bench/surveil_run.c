/*
 * surveil_run.c: benchmark of the daily run. Builds (once) a database of 2,000 townships in
 * 20 counties x 30 signals x 1 source with 5 years of generated daily counts (Poisson-like,
 * seeded; labelled generated), then times `hss_surveil_run` for the last day.
 *   build/bench/surveil_run DB [areas] [signals] [sources]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "surveil/surveil.h"

static uint64_t rs = 42;
static double unif(void)
{
    return ((double)(hss_splitmix64(&rs) >> 11) + 0.5) / 9007199254740992.0;
}

static int pois(double lam)
{
    double L = exp(-lam), p = 1;
    int k = 0;
    do {
        k++;
        p *= unif();
    } while (p > L);
    return k - 1;
}

static const char *CONFIG =
    "citation: \"002_4092fd220eb2a16c.txt: 健全多点触发的监测预警机制\"\n"
    "default:\n  method: ears-c2\n  frequency: 365\n  min_sigma: 0.5\n  k_sources: 1\n  within_days: 3\n"
    "signals:\n"
    "  s00:\n    method: fixed\n    threshold: 0\n"
    "  s01:\n    method: mpm\n    window: 7\n    years: 3\n    percentile: 80\n"
    "  s02:\n    method: mpm\n    window: 7\n    years: 3\n    percentile: 80\n"
    "  s03:\n    method: ears-c1\n"
    "  s04:\n    method: ears-c3\n"
    "  s05:\n    method: cusum\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: surveil_run DB [areas] [signals] [sources]\n");
        return 2;
    }
    const char *db = argv[1];
    int areas = argc > 2 ? atoi(argv[2]) : 2000, signals = argc > 3 ? atoi(argv[3]) : 30;
    int sources = argc > 4 ? atoi(argv[4]) : 1;
    int ndays = 5 * 365 + 1;
    int ok;
    long first = hss_surveil_day_number("2020-01-01", &ok), last = first + ndays - 1;
    char lastdate[11];
    hss_surveil_day_string(last, lastdate);
    hss_error err;
    hss_error_clear(&err);
    int exists = access(db, F_OK) == 0;
    hss_store *st = hss_store_open(db, &err);
    if (!st) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    if (!exists) {
        double t0 = hss_now();
        hss_store_begin(st, &err);
        hss_store_exec(st, "INSERT INTO area(code,level,name,kind,generated) VALUES('331100','city','bench city','urban',1)", &err);
        hss_stmt *a = hss_store_prepare(st, "INSERT INTO area(code,parent_code,level,name,kind,generated) VALUES(?,?,?,?,'rural',1)", &err);
        for (int c = 0; c < 20; c++) {
            char code[16], name[32];
            snprintf(code, sizeof code, "3311%02d", c + 1);
            snprintf(name, sizeof name, "county %d", c + 1);
            hss_store_bind_copy(a, 1, code);
            hss_store_bind_text(a, 2, "331100");
            hss_store_bind_text(a, 3, "county");
            hss_store_bind_copy(a, 4, name);
            hss_store_step(a);
            hss_store_reset(a);
        }
        int32_t *c = malloc((size_t)ndays * sizeof *c);
        for (int i = 0; i < areas; i++) {
            char code[40], parent[16], name[32];
            snprintf(parent, sizeof parent, "3311%02d", (i % 20 + 1) % 100);
            snprintf(code, sizeof code, "%s%03d", parent, i / 20 + 1);
            snprintf(name, sizeof name, "township %d", i + 1);
            hss_store_bind_copy(a, 1, code);
            hss_store_bind_copy(a, 2, parent);
            hss_store_bind_text(a, 3, "township");
            hss_store_bind_copy(a, 4, name);
            hss_store_step(a);
            hss_store_reset(a);
            for (int s = 0; s < signals; s++) {
                char sig[16];
                snprintf(sig, sizeof sig, "s%02d", s % 100);
                for (int k = 0; k < sources; k++) {
                    char src[32];
                    snprintf(src, sizeof src, "source%d", k + 1);
                    double lam = 0.5 + (double)((i * 7 + s * 13 + k) % 20);
                    for (int d = 0; d < ndays; d++)
                        c[d] = pois(lam * (1 + 0.3 * sin(2 * M_PI * d / 365.25)));
                    if (hss_surveil_put_series(st, code, sig, src, first, c, (size_t)ndays, &err)) {
                        fprintf(stderr, "%s\n", err.msg);
                        return 1;
                    }
                }
            }
        }
        free(c);
        hss_store_finalize(a);
        hss_store_meta_set(st, "generated", "surveil benchmark: generated daily counts", &err);
        if (hss_store_commit(st, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        printf("built %s: %d areas x %d signals x %d sources, %d days each (generated) in %.1f s\n", db, areas,
               signals, sources, ndays, hss_now() - t0);
    }
    char cfgpath[] = "/tmp/hss-bench-signals-XXXXXX";
    int fd = mkstemp(cfgpath);
    if (fd < 0 || write(fd, CONFIG, strlen(CONFIG)) < 0)
        return 1;
    close(fd);
    hss_surveil_config cfg;
    if (hss_surveil_config_load(cfgpath, &cfg, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    unlink(cfgpath);
    /* warm the page cache once (a daily run on a server reads a warm file), then time */
    hss_surveil_run_stats S;
    for (int pass = 0; pass < 2; pass++) {
        hss_store_exec(st, "DELETE FROM surveil_alert_event; DELETE FROM surveil_alert; DELETE FROM surveil_signal", &err);
        double t0 = hss_now();
        if (hss_surveil_run(st, &cfg, lastdate, "2024-12-31T08:00:00Z", &S, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        double secs = hss_now() - t0;
        if (pass == 1)
            printf("daily run %s: %zu series (%d areas x %d signals x %d sources, 5 years), %zu checked, %zu signals, %zu alerts, "
                   "%zu county alerts: %.3f s (target < 1 s)\n",
                   lastdate, S.series, areas, signals, sources, S.checked, S.signals, S.alerts, S.county_alerts, secs);
        if (pass == 1 && S.too_little_history)
            printf("not checked (%zu): %.300s\n", S.too_little_history, S.notes.data);
        hss_surveil_run_stats_free(&S);
    }
    hss_surveil_config_free(&cfg);
    hss_store_close(st);
    return 0;
}
