/*
 * surveil_farrington.c: Farrington-Flexible on the 16 federal states of R surveillance's
 * salmNewport dataset (weekly, 528 weeks; last 104 weeks checked), package defaults and
 * Noufaily settings, timed over `reps` repetitions; the results are compared with R's outputs
 * checked in under tests/data/surveil (ref_salmNewport_*_farrington_*.csv).
 *   build/bench/surveil_farrington [reps]    (run from the repository root)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "surveil/surveil.h"

static const char *const STATES[] = {
    "Baden.Wuerttemberg", "Bavaria", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hesse",
    "Mecklenburg.Vorpommern", "Lower.Saxony", "North.Rhine.Westphalia", "Rhineland.Palatinate",
    "Saarland", "Saxony", "Saxony.Anhalt", "Schleswig.Holstein", "Thuringia"};

/* Compares a result with R's reference CSV; returns the number of differing periods. */
static int compare(const hss_surveil_result *r, const char *path)
{
    hss_error err;
    hss_csv *c = hss_csv_open_file(path, &err);
    if (!c || hss_csv_read_header(c, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1000;
    }
    int bad = 0;
    size_t i = 0;
    while (hss_csv_next(c, &err) == 1) {
        const char *ub = hss_csv_get(c, "upperbound"), *al = hss_csv_get(c, "alarm");
        if (i >= r->n) {
            bad++;
            break;
        }
        int same_ub = *ub ? !isnan(r->upperbound[i]) && fabs(r->upperbound[i] - atof(ub)) <= 1e-6 * fabs(atof(ub)) + 1e-12
                          : isnan(r->upperbound[i]);
        int same_al = *al ? r->alarm[i] == atoi(al) : r->alarm[i] < 0;
        bad += !(same_ub && same_al);
        i++;
    }
    hss_csv_close(c);
    return bad + (i != r->n);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 20;
    hss_surveil_series s[16];
    hss_error err;
    for (int k = 0; k < 16; k++) {
        char path[256];
        snprintf(path, sizeof path, "tests/data/surveil/salmNewport_%s.csv", STATES[k]);
        if (hss_surveil_series_read(path, &s[k], &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
    }
    const char *settings[] = {"default", "noufaily"};
    double total = 0;
    int mismatches = 0, points = 0;
    for (int set = 0; set < 2; set++) {
        double t0 = hss_now();
        for (int rep = 0; rep < reps; rep++) {
            for (int k = 0; k < 16; k++) {
                hss_surveil_params p;
                hss_surveil_params_default(&p, HSS_SURVEIL_FARRINGTON, 52);
                if (set)
                    hss_surveil_params_noufaily(&p);
                p.range_from = s[k].n - 104;
                p.range_to = s[k].n - 1;
                hss_surveil_result r;
                if (hss_surveil_detect(s[k].count, s[k].n, &p, &r, &err)) {
                    fprintf(stderr, "%s\n", err.msg);
                    return 1;
                }
                if (rep == 0) {
                    char path[256];
                    snprintf(path, sizeof path, "tests/data/surveil/ref_salmNewport_%s_farrington_%s.csv", STATES[k], settings[set]);
                    mismatches += compare(&r, path);
                    points += (int)r.n;
                }
                hss_surveil_result_free(&r);
            }
        }
        double secs = (hss_now() - t0) / reps;
        total += secs;
        printf("hss farrington %-8s 16 states x 104 weeks: %.4f s\n", settings[set], secs);
    }
    printf("hss farrington total: %.4f s; %d of %d periods differ from R (upperbound rel 1e-6, alarm exact)\n", total,
           mismatches, points);
    printf("HSS_SECONDS=%.6f\n", total);
    for (int k = 0; k < 16; k++)
        hss_surveil_series_free(&s[k]);
    return mismatches != 0;
}
