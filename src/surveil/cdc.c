/*
 * cdc.c: historical limits (Stroup et al. 1989) as R's algo.cdc computes them on weekly data:
 * the current value is the sum of the last 4 weeks; the baseline is, for each of the b past
 * years, the 4-week block at the same time of year and m blocks either side (15 values for
 * b=5, m=1). Upper bound: mean + z(1-alpha/2) * sd * sqrt(1 + 1/N) (Farrington & Andrews 2003
 * prediction interval). Blocks containing an excluded (known outbreak) week are left out.
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdlib.h>

hss_code hss_surveil_cdc(const double *y, size_t n, const hss_surveil_params *p,
                         size_t from, size_t to, hss_surveil_result *r, hss_error *err)
{
    (void)n;
    (void)err;
    size_t nb = (size_t)p->b * (2 * (size_t)p->cdc_m + 1);
    double *base = hss_xcalloc(nb, sizeof *base);
    double z = hss_qnorm(1 - p->alpha / 2);
    hss_surveil_result_alloc(r, to - from + 1);
    for (size_t t = from; t <= to; t++) {
        size_t o = t - from, cnt = 0;
        for (int yr = 1; yr <= p->b; yr++) {
            size_t c = t - (size_t)yr * (size_t)p->frequency;
            for (int j = -p->cdc_m; j <= p->cdc_m; j++) {
                size_t end = (size_t)((long)c + 4L * j);
                double s = 0;
                int skip = 0;
                for (size_t i = end - 3; i <= end; i++) {
                    s += y[i];
                    if (p->exclude && p->exclude[i])
                        skip = 1;
                }
                if (!skip)
                    base[cnt++] = s;
            }
        }
        double aggr = y[t] + y[t - 1] + y[t - 2] + y[t - 3];
        double ub = hss_mean(base, cnt) + z * hss_sd(base, cnt) * sqrt(1 + 1.0 / (double)cnt);
        r->index[o] = t;
        r->observed[o] = aggr;
        r->upperbound[o] = ub;
        r->alarm[o] = isnan(ub) ? -1 : aggr > ub;
    }
    free(base);
    return HSS_OK;
}
