/*
 * fixed.c: fixed thresholds, CIDARS's method for the most dangerous diseases (plague, cholera,
 * SARS ...): any count above the threshold is an alarm; threshold 0 means one case is an alert.
 */
#include "surveil/surveil_int.h"

hss_code hss_surveil_fixed(const double *y, size_t n, const hss_surveil_params *p,
                           size_t from, size_t to, hss_surveil_result *r, hss_error *err)
{
    (void)n;
    (void)err;
    hss_surveil_result_alloc(r, to - from + 1);
    for (size_t t = from; t <= to; t++) {
        size_t o = t - from;
        r->index[o] = t;
        r->observed[o] = y[t];
        r->upperbound[o] = p->threshold;
        r->alarm[o] = y[t] > p->threshold;
    }
    return HSS_OK;
}
