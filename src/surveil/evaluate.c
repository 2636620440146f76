/*
 * evaluate.c: how well each method and setting detects outbreaks, on simulated data after the
 * design of Noufaily et al. (2013, Stat Med 32:1206): weekly baseline counts from a negative
 * binomial with mean exp(theta + beta t + seasonal harmonics) and variance phi*mu; outbreaks of
 * Poisson(k * sd) cases whose onsets spread over the following weeks by a lognormal delay
 * (mean 0, sd 0.5 on the log scale); four outbreaks in the baseline years (to test robustness)
 * and one in the monitored weeks. Reported per scenario and setting: sensitivity (outbreaks
 * with an alarm during them), specificity (weeks outside outbreaks without alarm), false
 * alerts per area-week, and median days from outbreak start to the first alarm.
 * Everything here is generated data (seeded, reproducible).
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t s;
} rng;

static double unif(rng *r)
{
    uint64_t z = hss_splitmix64(&r->s);
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double rnorm(rng *r)
{
    return sqrt(-2 * log(unif(r))) * cos(2 * M_PI * unif(r));
}

/* Marsaglia and Tsang's gamma generator (shape a, scale 1). */
static double rgamma1(rng *r, double a)
{
    if (a < 1)
        return rgamma1(r, a + 1) * pow(unif(r), 1 / a);
    double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);
    for (;;) {
        double x = rnorm(r), v = 1 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = unif(r);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v;
    }
}

/* Poisson variates: multiplication for small means, Hormann's PTRS otherwise. */
static double rpois(rng *r, double lam)
{
    if (lam <= 0)
        return 0;
    if (lam < 30) {
        double L = exp(-lam), p = 1;
        int k = 0;
        do {
            k++;
            p *= unif(r);
        } while (p > L);
        return k - 1;
    }
    double slam = sqrt(lam), loglam = log(lam);
    double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
        double U = unif(r) - 0.5, V = unif(r), us = 0.5 - fabs(U);
        double k = floor((2 * a / us + b) * U + lam + 0.43);
        if (us >= 0.07 && V <= vr)
            return k;
        if (k < 0 || (us < 0.013 && V > us))
            continue;
        if (log(V) + log(invalpha) - log(a / (us * us) + b) <= -lam + k * loglam - lgamma(k + 1))
            return k;
    }
}

static double rnbinom_mu(rng *r, double mu, double phi)
{
    if (phi <= 1)
        return rpois(r, mu);
    double size = mu / (phi - 1);
    return rpois(r, rgamma1(r, size) * (phi - 1));
}

typedef struct {
    const char *name;
    double theta, beta, g1, g2, phi;
    int m;
} scenario;

/* A spread of Noufaily-style scenarios: rare to frequent, with and without seasonality. */
static const scenario SCENARIOS[] = {
    {"rare (mu~1.1)", 0.1, 0, 0, 0, 1, 0},
    {"low seasonal (mu~4.5)", 1.5, 0, 0.2, -0.4, 1.5, 1},
    {"medium seasonal+trend (mu~20)", 3.0, 0.0005, 0.6, 0.6, 2, 1},
    {"high biannual (mu~150)", 5.0, 0, -0.1, 0.3, 5, 2},
};

static double mean_at(const scenario *s, int t)
{
    double x = s->theta + s->beta * t;
    for (int j = 1; j <= s->m; j++)
        x += s->g1 * cos(2 * M_PI * j * t / 52.0) + s->g2 * sin(2 * M_PI * j * t / 52.0);
    return exp(x);
}

/* Adds an outbreak starting at week `start`; marks its weeks in `in`. Returns the last week. */
static int inject(rng *r, const scenario *s, double k, double *y, unsigned char *in, int start, int n)
{
    double mu = mean_at(s, start);
    double sd = sqrt((s->phi > 1 ? s->phi : 1) * mu);
    int cases = (int)rpois(r, k * sd);
    int last = start;
    for (int c = 0; c < cases; c++) {
        int w = start + (int)floor(exp(0.5 * rnorm(r)));
        if (w >= n)
            continue;
        y[w] += 1;
        if (w > last)
            last = w;
    }
    for (int w = start; w <= last; w++)
        in[w] = 1;
    return last;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

hss_table *hss_surveil_evaluate(const hss_surveil_eval_opts *o, const hss_surveil_params *settings,
                                const char *const *labels, size_t nsettings, hss_error *err)
{
    int n = o->weeks, ev = o->eval_weeks;
    if (n < 300 || ev < 8 || ev > n / 4 || o->series < 1)
        return hss_fail(err, HSS_EINVAL, "evaluate: need weeks >= 300, 8 <= monitored weeks <= weeks/4, series >= 1"), NULL;
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "scenario", "情景", HSS_COL_TEXT);
    hss_table_add_col(t, "setting", "方法与参数", HSS_COL_TEXT);
    hss_table_add_col(t, "outbreaks", "暴发数", HSS_COL_INT);
    hss_table_add_col(t, "sensitivity", "灵敏度", HSS_COL_REAL);
    hss_table_add_col(t, "specificity", "特异度", HSS_COL_REAL);
    hss_table_add_col(t, "false_alerts_per_area_week", "每地区每周误报数", HSS_COL_REAL);
    hss_table_add_col(t, "median_days_to_detection", "发现时间中位数(天)", HSS_COL_REAL);
    hss_table_add_col(t, "undecided_weeks", "无法判断周数", HSS_COL_INT);
    size_t nsc = sizeof SCENARIOS / sizeof *SCENARIOS;
    double *y = hss_xcalloc((size_t)n, sizeof *y);
    unsigned char *in = hss_xcalloc((size_t)n, 1);
    double *delays = hss_xcalloc((size_t)o->series, sizeof *delays);
    for (size_t sc = 0; sc < nsc; sc++) {
        for (size_t k = 0; k < nsettings; k++) {
            rng r = {o->seed * 1000003ULL + sc}; /* same series for every setting */
            size_t detected = 0, fp = 0, neg = 0, undecided = 0, nd = 0;
            for (int s = 0; s < o->series; s++) {
                memset(in, 0, (size_t)n);
                for (int i = 0; i < n; i++)
                    y[i] = rnbinom_mu(&r, mean_at(&SCENARIOS[sc], i), SCENARIOS[sc].phi);
                for (int b = 0; b < 4; b++) { /* outbreaks in the baseline years */
                    int st = (int)(unif(&r) * (n - ev - 60)) + 52;
                    inject(&r, &SCENARIOS[sc], o->outbreak_k, y, in, st, n - ev);
                }
                memset(in, 0, (size_t)n); /* only the monitored outbreak is scored */
                int start = n - ev + (int)(unif(&r) * (ev - 4));
                inject(&r, &SCENARIOS[sc], o->outbreak_k, y, in, start, n);
                hss_surveil_params p = settings[k];
                p.frequency = 52;
                p.range_from = (size_t)(n - ev);
                p.range_to = (size_t)(n - 1);
                p.exclude = NULL;
                hss_surveil_result res;
                hss_error e2;
                if (hss_surveil_detect(y, (size_t)n, &p, &res, &e2)) {
                    free(y);
                    free(in);
                    free(delays);
                    hss_table_free(t);
                    hss_fail(err, e2.code, "evaluate %s: %s", labels[k], e2.msg);
                    return NULL;
                }
                int first = -1;
                for (size_t i = 0; i < res.n; i++) {
                    size_t w = res.index[i];
                    if (res.alarm[i] < 0) {
                        undecided++;
                        continue;
                    }
                    if (in[w]) {
                        if (res.alarm[i] == 1 && first < 0)
                            first = (int)w;
                    } else {
                        neg++;
                        fp += res.alarm[i] == 1;
                    }
                }
                if (first >= 0) {
                    detected++;
                    delays[nd++] = (first - start) * 7.0;
                }
                hss_surveil_result_free(&res);
            }
            hss_table_add_row(t);
            hss_table_set_text(t, 0, SCENARIOS[sc].name);
            hss_table_set_text(t, 1, labels[k]);
            hss_table_set_int(t, 2, o->series);
            hss_table_set_real(t, 3, (double)detected / o->series, 3);
            hss_table_set_real(t, 4, neg ? 1 - (double)fp / (double)neg : 1, 4);
            hss_table_set_real(t, 5, (double)fp / ((double)o->series * ev), 4);
            if (nd) {
                qsort(delays, nd, sizeof *delays, cmp_d);
                hss_table_set_real(t, 6, nd % 2 ? delays[nd / 2] : (delays[nd / 2 - 1] + delays[nd / 2]) / 2, 1);
            } else {
                hss_table_set_null(t, 6);
            }
            hss_table_set_int(t, 7, (long long)undecided);
        }
    }
    free(y);
    free(in);
    free(delays);
    return t;
}
