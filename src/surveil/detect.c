/*
 * detect.c: one entry point for every method: checks parameters, resolves the range (R's
 * default when none is given), refuses too little history with a message that says how much
 * is needed, and dispatches to the method's file.
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

void hss_surveil_result_alloc(hss_surveil_result *r, size_t n)
{
    r->n = n;
    r->index = hss_xcalloc(n ? n : 1, sizeof *r->index);
    r->observed = hss_xcalloc(n ? n : 1, sizeof *r->observed);
    r->upperbound = hss_xcalloc(n ? n : 1, sizeof *r->upperbound);
    r->alarm = hss_xcalloc(n ? n : 1, sizeof *r->alarm);
}

void hss_surveil_result_free(hss_surveil_result *r)
{
    free(r->index);
    free(r->observed);
    free(r->upperbound);
    free(r->alarm);
    r->index = NULL;
    r->observed = r->upperbound = NULL;
    r->alarm = NULL;
    r->n = 0;
}

static hss_code check_params(const hss_surveil_params *p, hss_error *err)
{
    const char *m = hss_surveil_method_name(p->method);
    if (p->frequency != 52 && p->frequency != 365 && p->frequency != 12)
        return hss_fail(err, HSS_EINVAL, "%s: frequency must be 365 (daily), 52 (weekly) or 12, not %d", m, p->frequency);
    if (!(p->alpha > 0 && p->alpha < 1))
        return hss_fail(err, HSS_EINVAL, "%s: alpha must be in (0,1), not %g", m, p->alpha);
    switch (p->method) {
    case HSS_SURVEIL_EARS_C1:
    case HSS_SURVEIL_EARS_C2:
    case HSS_SURVEIL_EARS_C3:
        if (p->baseline < 3)
            return hss_fail(err, HSS_EINVAL, "%s: baseline must be at least 3 (R's minimum), not %d", m, p->baseline);
        if (p->min_sigma < 0)
            return hss_fail(err, HSS_EINVAL, "%s: min-sigma must not be negative", m);
        break;
    case HSS_SURVEIL_CUSUM:
        if (!(p->h > 0))
            return hss_fail(err, HSS_EINVAL, "cusum: h must be positive, not %g", p->h);
        if (!isnan(p->cusum_m) && !(p->cusum_m > 0))
            return hss_fail(err, HSS_EINVAL, "cusum: m (expected count) must be positive, not %g", p->cusum_m);
        break;
    case HSS_SURVEIL_CDC:
        if (p->frequency != 52)
            return hss_fail(err, HSS_EINVAL, "cdc: historical limits work on weekly data only (--frequency 52), as in R's algo.cdc");
        if (p->b < 1 || p->cdc_m < 0)
            return hss_fail(err, HSS_EINVAL, "cdc: b must be >= 1 and m >= 0");
        break;
    case HSS_SURVEIL_FARRINGTON:
        if (p->b < 1 || p->w < 0)
            return hss_fail(err, HSS_EINVAL, "farrington: b must be >= 1 and w >= 0");
        if (p->no_periods < 1)
            return hss_fail(err, HSS_EINVAL, "farrington: noPeriods must be >= 1");
        if (p->no_periods > 1 && p->frequency - 2 * p->w - 1 < p->no_periods - 1)
            return hss_fail(err, HSS_EINVAL, "farrington: noPeriods %d is too big for w=%d", p->no_periods, p->w);
        if (p->limit54_cases < 0 || p->limit54_period < 1)
            return hss_fail(err, HSS_EINVAL, "farrington: limit54 must be cases >= 0 and period > 0");
        if (p->powertrans != 1 && fabs(p->powertrans - 0.5) > 1e-12 && fabs(p->powertrans - 2.0 / 3.0) > 1e-12)
            return hss_fail(err, HSS_EINVAL, "farrington: powertrans must be 2/3, 1/2 or none");
        break;
    case HSS_SURVEIL_MPM:
        if (p->window < 1 || p->years < 1 || p->neighbours < 0 || !(p->percentile > 0 && p->percentile <= 100))
            return hss_fail(err, HSS_EINVAL, "mpm: window and years must be >= 1, neighbours >= 0, percentile in (0,100]");
        break;
    default:
        break;
    }
    return HSS_OK;
}

hss_code hss_surveil_detect(const double *y, size_t n, const hss_surveil_params *p,
                            hss_surveil_result *res, hss_error *err)
{
    res->n = 0;
    res->index = NULL;
    res->observed = res->upperbound = NULL;
    res->alarm = NULL;
    if (check_params(p, err))
        return err ? err->code : HSS_EINVAL;
    const char *m = hss_surveil_method_name(p->method);
    size_t need = hss_surveil_min_history(p);
    size_t from = p->range_from == SIZE_MAX ? need : p->range_from;
    if (p->method == HSS_SURVEIL_CUSUM && p->range_from == SIZE_MAX)
        from = n > (size_t)p->frequency ? (size_t)p->frequency : need; /* one year to estimate m */
    size_t to = p->range_to == SIZE_MAX ? (n ? n - 1 : 0) : p->range_to;
    if (n == 0)
        return hss_fail(err, HSS_EINVAL, "%s: the series is empty", m);
    if (to >= n)
        return hss_fail(err, HSS_EINVAL, "%s: range ends at period %zu but the series has only %zu periods", m, to + 1, n);
    if (from > to)
        return hss_fail(err, HSS_EINVAL, "%s: too little history: the first period that can be checked is %zu (%zu periods of history needed) but the series has %zu periods",
                        m, need + 1, need, n);
    if (from < need)
        return hss_fail(err, HSS_EINVAL, "%s: too little history: period %zu cannot be checked, %zu periods of history are needed before the first checked period (first possible: %zu)",
                        m, from + 1, need, need + 1);
    switch (p->method) {
    case HSS_SURVEIL_EARS_C1:
    case HSS_SURVEIL_EARS_C2:
    case HSS_SURVEIL_EARS_C3: return hss_surveil_ears(y, n, p, from, to, res, err);
    case HSS_SURVEIL_CUSUM: return hss_surveil_cusum(y, n, p, from, to, res, err);
    case HSS_SURVEIL_CDC: return hss_surveil_cdc(y, n, p, from, to, res, err);
    case HSS_SURVEIL_FARRINGTON: return hss_surveil_farrington(y, n, p, from, to, res, err);
    case HSS_SURVEIL_MPM: return hss_surveil_mpm(y, n, p, from, to, res, err);
    case HSS_SURVEIL_FIXED: return hss_surveil_fixed(y, n, p, from, to, res, err);
    default: return hss_fail(err, HSS_EINVAL, "unknown method");
    }
}
