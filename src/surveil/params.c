/*
 * params.c: method names, R's default parameters, the Noufaily 2013 preset and the minimum
 * history each method needs before the first period it can check.
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static const char *const NAMES[HSS_SURVEIL_NMETHODS] = {
    "ears-c1", "ears-c2", "ears-c3", "cusum", "cdc", "farrington", "mpm", "fixed",
};

const char *hss_surveil_method_name(hss_surveil_method m)
{
    return (unsigned)m < HSS_SURVEIL_NMETHODS ? NAMES[m] : "?";
}

int hss_surveil_method_parse(const char *s, hss_surveil_method *out)
{
    for (int i = 0; i < HSS_SURVEIL_NMETHODS; i++)
        if (strcmp(s, NAMES[i]) == 0) {
            *out = (hss_surveil_method)i;
            return 0;
        }
    return -1;
}

void hss_surveil_params_default(hss_surveil_params *p, hss_surveil_method method, int frequency)
{
    memset(p, 0, sizeof *p);
    p->method = method;
    p->frequency = frequency > 0 ? frequency : 52;
    p->range_from = SIZE_MAX;
    p->range_to = SIZE_MAX;
    switch (method) {
    case HSS_SURVEIL_EARS_C3: p->alpha = 0.025; break;
    case HSS_SURVEIL_EARS_C1:
    case HSS_SURVEIL_EARS_C2: p->alpha = 0.001; break;
    case HSS_SURVEIL_CDC: p->alpha = 0.025; break;
    case HSS_SURVEIL_FARRINGTON: p->alpha = 0.05; break;
    default: p->alpha = 0.05; break;
    }
    p->baseline = 7;
    p->min_sigma = 0;
    p->k = 1.04;
    p->h = 2.26;
    p->cusum_m = NAN;
    p->trans = HSS_CUSUM_STANDARD;
    p->b = 5;
    p->cdc_m = 1;
    p->w = 3;
    p->reweight = 1;
    p->weights_threshold = 2.58;
    p->trend = 1;
    p->p_threshold_trend = 0.05;
    p->limit54_cases = 5;
    p->limit54_period = 4;
    p->powertrans = 2.0 / 3.0;
    p->no_periods = 1;
    p->past_weeks_not_included = -1;
    p->threshold_method = HSS_FF_DELTA;
    p->window = p->frequency >= 365 ? 7 : 1;
    p->years = 3;
    p->neighbours = 1;
    p->percentile = 50;
    p->threshold = 0;
}

void hss_surveil_params_noufaily(hss_surveil_params *p)
{
    p->b = 4;
    p->w = 3;
    p->no_periods = 10;
    p->reweight = 1;
    p->weights_threshold = 2.58;
    p->past_weeks_not_included = 26;
    p->p_threshold_trend = 1;
    p->trend = 1;
    p->threshold_method = HSS_FF_NBPLUGIN;
    p->alpha = 0.05;
}

size_t hss_surveil_min_history(const hss_surveil_params *p)
{
    size_t f = (size_t)p->frequency;
    switch (p->method) {
    case HSS_SURVEIL_EARS_C1: return (size_t)p->baseline;
    case HSS_SURVEIL_EARS_C2: return (size_t)p->baseline + 2;
    case HSS_SURVEIL_EARS_C3: return (size_t)p->baseline + 4;
    case HSS_SURVEIL_CUSUM: return isnan(p->cusum_m) ? 1 : 0;
    case HSS_SURVEIL_CDC: return (size_t)p->b * f + 4 * (size_t)p->cdc_m + 3;
    case HSS_SURVEIL_FARRINGTON: return (size_t)p->b * f + (size_t)p->w;
    case HSS_SURVEIL_MPM:
        return (size_t)p->years * f + ((size_t)p->neighbours + 1) * (size_t)p->window - 1;
    default: return 0;
    }
}
