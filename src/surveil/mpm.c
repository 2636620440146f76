/*
 * mpm.c: the moving-percentile method of China's CIDARS (Yang et al. 2011): the count of the
 * last `window` periods (7 days) is compared with the P-th percentile of the same window in
 * each of the past `years` years, together with `neighbours` adjacent windows either side
 * (3 years x 3 windows = 9 baseline values by default). Alarm when the current count exceeds
 * the percentile (R quantile type 7). Windows touching an excluded period are left out.
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdlib.h>

static double window_sum(const double *y, size_t end, size_t window, const unsigned char *ex, int *skip)
{
    double s = 0;
    for (size_t i = end + 1 - window; i <= end; i++) {
        s += y[i];
        if (ex && ex[i])
            *skip = 1;
    }
    return s;
}

hss_code hss_surveil_mpm(const double *y, size_t n, const hss_surveil_params *p,
                         size_t from, size_t to, hss_surveil_result *r, hss_error *err)
{
    (void)n;
    (void)err;
    size_t win = (size_t)p->window;
    size_t nb = (size_t)p->years * (2 * (size_t)p->neighbours + 1);
    double *base = hss_xcalloc(nb, sizeof *base);
    hss_surveil_result_alloc(r, to - from + 1);
    for (size_t t = from; t <= to; t++) {
        size_t o = t - from, cnt = 0;
        for (int yr = 1; yr <= p->years; yr++) {
            long c = (long)t - (long)yr * p->frequency;
            for (int j = -p->neighbours; j <= p->neighbours; j++) {
                int skip = 0;
                double s = window_sum(y, (size_t)(c + (long)j * (long)win), win, p->exclude, &skip);
                if (!skip)
                    base[cnt++] = s;
            }
        }
        int dummy = 0;
        double cur = window_sum(y, t, win, NULL, &dummy);
        double ub = hss_quantile7(base, cnt, p->percentile / 100.0);
        r->index[o] = t;
        r->observed[o] = cur;
        r->upperbound[o] = ub;
        r->alarm[o] = isnan(ub) ? -1 : cur > ub;
    }
    free(base);
    return HSS_OK;
}
