/*
 * cusum.c: the standardised Poisson CUSUM of R's algo.cusum (Rossi et al. 1999): the expected
 * count m is the mean of all periods before the checked range (or given); each checked count is
 * standardised, C_t = max(0, C_{t-1} + z_t - k), alarm when C_t >= h. The upper bound is the
 * smallest count that would alarm given C_{t-1}, back-transformed as R does.
 */
#include "surveil/surveil_int.h"

#include <math.h>

hss_code hss_surveil_cusum(const double *y, size_t n, const hss_surveil_params *p,
                           size_t from, size_t to, hss_surveil_result *r, hss_error *err)
{
    (void)n;
    double m = p->cusum_m;
    if (isnan(m)) {
        double s = 0;
        size_t c = 0;
        for (size_t i = 0; i < from; i++)
            if (!p->exclude || !p->exclude[i]) {
                s += y[i];
                c++;
            }
        m = c ? s / (double)c : NAN;
    }
    if (!(m > 0))
        return hss_fail(err, HSS_EINVAL, "cusum: the expected count (mean of the %zu periods before the range) is %g; CUSUM needs a positive expected count", from, m);
    double k = p->k, h = p->h, c = 0;
    hss_surveil_result_alloc(r, to - from + 1);
    for (size_t t = from; t <= to; t++) {
        size_t o = t - from;
        double x = y[t], zt, ub;
        switch (p->trans) {
        case HSS_CUSUM_ROSSI: zt = (x - 3 * m + 2 * sqrt(x * m)) / (2 * sqrt(m)); break;
        case HSS_CUSUM_ANSCOMBE: zt = 1.5 * (pow(x, 2.0 / 3) - pow(m, 2.0 / 3)) / pow(m, 1.0 / 6); break;
        case HSS_CUSUM_NONE: zt = x; break;
        default: zt = (x - m) / sqrt(m); break;
        }
        double prev = c;
        c = fmax(0, prev + (zt - k));
        switch (p->trans) {
        case HSS_CUSUM_ROSSI:
            ub = 2 * h * sqrt(m) + 2 * k * sqrt(m) - 2 * prev * sqrt(m) + 5 * m -
                 2 * sqrt(4 * m * m + 2 * pow(m, 1.5) * h + 2 * pow(m, 1.5) * k - 2 * pow(m, 1.5) * prev);
            break;
        case HSS_CUSUM_ANSCOMBE: {
            double b = 2.0 / 3 * pow(m, 1.0 / 6) * (h + k - prev) + pow(m, 2.0 / 3);
            ub = b < 0 ? 0 : pow(b, 1.5);
            break;
        }
        case HSS_CUSUM_NONE: ub = h - c; break;
        default: ub = ceil(sqrt(m) * (h + k - prev) + m); break;
        }
        if (isnan(ub) || ub < 0)
            ub = 0;
        r->index[o] = t;
        r->observed[o] = x;
        r->upperbound[o] = ub;
        r->alarm[o] = c >= h;
    }
    return HSS_OK;
}
