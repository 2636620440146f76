/*
 * ears.c: the CDC's Early Aberration Reporting System methods C1, C2 and C3 (Hutwagner et al.
 * 2003). C1 compares a period with the mean and standard deviation of the `baseline` periods
 * just before it; C2 does the same with a two-period guard band; C3 sums the positive C2
 * excesses over one of the current and the two previous periods.
 *
 * C3 differs between the published definition and R's earsC: the published statistic is
 *   C3_t = sum_{i=0..2} max(0, C2_{t-i} - 1), alarm when C3_t > z(1-alpha),
 * while R leaves out the current period's own term (its upper bound is y_t + sd*(z - lag
 * terms)), so R's C3 never alarms on the first day of a jump. HSS computes the published C3 by
 * default and R's with c3_r = 1 (tests show both).
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdlib.h>

/* Mean and sd (floored at min_sigma) of the reference periods for t; lag = 0 (C1) or 2 (C2).
 * Returns the number of reference values used (excluded periods are skipped). */
static size_t reference(const double *y, const hss_surveil_params *p, size_t t, size_t lag,
                        double *mean, double *sd, double *buf)
{
    size_t m = 0;
    for (size_t j = (size_t)p->baseline + lag; j > lag; j--) {
        size_t i = t - j;
        if (p->exclude && p->exclude[i])
            continue;
        buf[m++] = y[i];
    }
    *mean = m ? hss_mean(buf, m) : NAN;
    double s = hss_sd(buf, m);
    *sd = isnan(s) ? NAN : fmax(s, p->min_sigma);
    return m;
}

/* The C2 statistic at t ((y - mean) / sd); NAN when it cannot be computed. */
static double c2_stat(const double *y, const hss_surveil_params *p, size_t t, double *buf)
{
    double mean, sd;
    reference(y, p, t, 2, &mean, &sd, buf);
    return (y[t] - mean) / sd;
}

hss_code hss_surveil_ears(const double *y, size_t n, const hss_surveil_params *p,
                          size_t from, size_t to, hss_surveil_result *r, hss_error *err)
{
    (void)n;
    (void)err;
    double z = hss_qnorm(1 - p->alpha);
    double *buf = hss_xcalloc((size_t)p->baseline, sizeof *buf);
    hss_surveil_result_alloc(r, to - from + 1);
    for (size_t t = from; t <= to; t++) {
        size_t o = t - from;
        double mean, sd, ub;
        r->index[o] = t;
        r->observed[o] = y[t];
        if (p->method == HSS_SURVEIL_EARS_C1 || p->method == HSS_SURVEIL_EARS_C2) {
            reference(y, p, t, p->method == HSS_SURVEIL_EARS_C1 ? 0 : 2, &mean, &sd, buf);
            ub = mean + z * sd;
            r->upperbound[o] = ub;
            r->alarm[o] = isnan(ub) ? -1 : y[t] > ub;
            continue;
        }
        /* C3 */
        reference(y, p, t, 2, &mean, &sd, buf);
        double lag = fmax(0, c2_stat(y, p, t - 2, buf) - 1) + fmax(0, c2_stat(y, p, t - 1, buf) - 1);
        if (p->c3_r) {
            ub = fmax(0, y[t] + sd * (z - lag));
            r->upperbound[o] = ub;
            r->alarm[o] = isnan(ub) ? -1 : y[t] > ub;
        } else if (isnan(lag) || isnan(sd)) {
            r->upperbound[o] = NAN;
            r->alarm[o] = -1;
        } else if (z - lag < 0) {
            /* the two previous periods alone exceed the threshold: alarm whatever today is */
            r->upperbound[o] = 0;
            r->alarm[o] = 1;
        } else {
            ub = fmax(0, mean + sd * (1 + z - lag));
            r->upperbound[o] = ub;
            r->alarm[o] = y[t] > ub;
        }
    }
    free(buf);
    return HSS_OK;
}
