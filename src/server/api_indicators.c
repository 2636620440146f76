/*
 * api_indicators.c: GET /api/v1/indicators, the medical-community manager's monthly monitoring
 * served from the metrics module's maintained aggregates (hss_metrics_indicators). For an area
 * in the caller's scope and a period it returns, per indicator, the area's value, numerator,
 * denominator, target, status, previous period and change; optionally the trend of the last N
 * periods; and the drill-down rows (child areas and the facilities in the area) sorted by how
 * much each pulls the area's figure away from its target.
 *
 * "How much a child pulls the figure down": the area's value is sum(num) / sum(den) * factor,
 * so a child with value v_c and denominator d_c moves the area's value v by
 * (v_c - v) * d_c / d. That contribution (in the indicator's unit; sign turned for targets of
 * the form "<=") is `impact`: the most negative child is the one to talk to first.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "metrics/metrics.h"
#include "policy/policy.h"
#include "server/server_int.h"

enum { C_IND, C_NAME, C_AREA, C_AREA_NAME, C_LEVEL, C_PERIOD, C_VALUE, C_NUM, C_DEN, C_UNIT,
       C_TARGET, C_OP, C_STATUS, C_PREV, C_CHANGE, C_DOC, C_SOURCE, C_SOURCE_NOTE, C_NCOLS };

static void add_num(cJSON *o, const char *k, const hss_table *t, size_t row, size_t col)
{
    if (hss_table_is_null(t, row, col))
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, atof(hss_table_cell(t, row, col)));
}

static double num_or_nan(const hss_table *t, size_t row, size_t col)
{
    return hss_table_is_null(t, row, col) ? NAN : atof(hss_table_cell(t, row, col));
}

/* The figures of one row of the metrics table as a JSON object. */
static cJSON *row_json(const hss_table *t, size_t row)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", hss_table_cell(t, row, C_AREA));
    cJSON_AddStringToObject(o, "name", hss_table_cell(t, row, C_AREA_NAME));
    cJSON_AddStringToObject(o, "level", hss_table_cell(t, row, C_LEVEL));
    cJSON_AddStringToObject(o, "period", hss_table_cell(t, row, C_PERIOD));
    add_num(o, "value", t, row, C_VALUE);
    add_num(o, "numerator", t, row, C_NUM);
    add_num(o, "denominator", t, row, C_DEN);
    add_num(o, "target", t, row, C_TARGET);
    cJSON_AddStringToObject(o, "status", hss_table_cell(t, row, C_STATUS));
    add_num(o, "previous", t, row, C_PREV);
    add_num(o, "change", t, row, C_CHANGE);
    /* where the value came from: records, import, county, mixed or region, and the sentence
     * the screen shows under it (in the user's language) */
    cJSON_AddStringToObject(o, "source", hss_table_cell(t, row, C_SOURCE));
    cJSON_AddStringToObject(o, "source_note", hss_table_cell(t, row, C_SOURCE_NOTE));
    return o;
}

typedef struct {
    size_t row;
    double impact; /* NAN: no value */
} child;

static int cmp_child(const void *a, const void *b)
{
    const child *x = a, *y = b;
    int xn = isnan(x->impact), yn = isnan(y->impact);
    if (xn != yn)
        return xn - yn; /* children without a value last */
    if (!xn && x->impact != y->impact)
        return x->impact < y->impact ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* A period argument: 2025-03, 2025Q1, 2025 or YTD2025-03 (checked in full by the metrics
 * module; here only its characters and length). */
static int check_period(hss_req *r, const char *v)
{
    if (!v)
        return 0;
    size_t n = strlen(v);
    int ok = n >= 4 && n <= 10;
    for (size_t i = 0; ok && i < n; i++)
        ok = isdigit((unsigned char)v[i]) || v[i] == '-' || v[i] == 'Q' || v[i] == 'Y' || v[i] == 'T' || v[i] == 'D';
    if (!ok) {
        hss_respond_error(r, 400, "period: must be a month (2025-03), quarter (2025Q1), year (2025) or year to date (YTD2025-03)");
        return -1;
    }
    return 0;
}

enum MHD_Result hss_api_indicators(hss_req *r)
{
    char under[16];
    const char *period = hss_arg(r, "period"), *indicator = hss_arg(r, "indicator"), *pack = hss_arg(r, "pack");
    const char *lang = hss_arg(r, "lang");
    long long trend = 0;
    if (hss_resolve_under(r, hss_arg(r, "under"), under) || check_period(r, period) ||
        hss_check_word(r, "indicator", indicator, 64) || hss_check_word(r, "pack", pack, 40) ||
        hss_check_uint(r, "trend", hss_arg(r, "trend"), 60, &trend))
        return MHD_YES;
    if (lang && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
        return hss_respond_error(r, 400, "lang: must be zh or en");
    /* the targets are the user's own region's unless another pack is asked for; the own pack
     * may set no indicator target, which is not the caller's mistake */
    char *own = hss_policy_region_pack(r->st);
    hss_metrics_query q = {under, period, indicator, pack ? pack : own, lang && !strcmp(lang, "en"), 0, 0};
    q.any_pack = strcmp(q.pack, own) == 0;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t = NULL, *tt = NULL;
    hss_code c = hss_metrics_indicators(r->st, &q, &t, &err);
    if (c == HSS_OK && trend > 1) {
        q.trend = (int)trend;
        c = hss_metrics_indicators(r->st, &q, &tt, &err);
    }
    if (c) {
        hss_table_free(t);
        free(own);
        unsigned st = c == HSS_EINVAL ? 400 : c == HSS_ENOTFOUND ? 404 : 500;
        return hss_respond_error(r, st, "%s", err.msg);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    cJSON_AddStringToObject(o, "pack", q.pack);
    free(own);
    cJSON_AddNumberToObject(o, "data_version", (double)hss_store_data_version(r->st));
    cJSON *list = cJSON_AddArrayToObject(o, "indicators");
    size_t n = hss_table_rows(t);
    child *kids = hss_xmalloc(sizeof(child) * (n ? n : 1));
    const char *period_out = NULL;
    for (size_t i = 0; i < n;) {
        /* the rows of one indicator: the area itself first, then its children */
        size_t j = i;
        while (j < n && !strcmp(hss_table_cell(t, j, C_IND), hss_table_cell(t, i, C_IND)))
            j++;
        size_t self = SIZE_MAX;
        for (size_t k = i; k < j; k++)
            if (!strcmp(hss_table_cell(t, k, C_AREA), under) && strcmp(hss_table_cell(t, k, C_LEVEL), "facility"))
                self = k;
        if (self == SIZE_MAX) {
            i = j;
            continue; /* the indicator does not apply at this area's level */
        }
        period_out = hss_table_cell(t, self, C_PERIOD);
        cJSON *ind = cJSON_CreateObject();
        cJSON_AddStringToObject(ind, "indicator", hss_table_cell(t, self, C_IND));
        cJSON_AddStringToObject(ind, "name", hss_table_cell(t, self, C_NAME));
        cJSON_AddStringToObject(ind, "unit", hss_table_cell(t, self, C_UNIT));
        const char *op = hss_table_cell(t, self, C_OP);
        cJSON_AddStringToObject(ind, "op", op);
        cJSON_AddStringToObject(ind, "document", hss_table_cell(t, self, C_DOC));
        cJSON_AddItemToObject(ind, "area", row_json(t, self));
        double v = num_or_nan(t, self, C_VALUE), d = num_or_nan(t, self, C_DEN);
        double sign = !strcmp(op, "<=") ? -1.0 : 1.0;
        size_t nk = 0;
        for (size_t k = i; k < j; k++) {
            if (k == self)
                continue;
            double vc = num_or_nan(t, k, C_VALUE), dc = num_or_nan(t, k, C_DEN);
            kids[nk].row = k;
            kids[nk].impact = (isnan(vc) || isnan(v) || isnan(dc) || !(d > 0)) ? NAN : sign * (vc - v) * dc / d;
            nk++;
        }
        qsort(kids, nk, sizeof *kids, cmp_child);
        cJSON *arr = cJSON_AddArrayToObject(ind, "children");
        for (size_t k = 0; k < nk; k++) {
            cJSON *cj = row_json(t, kids[k].row);
            if (isnan(kids[k].impact))
                cJSON_AddNullToObject(cj, "impact");
            else
                cJSON_AddNumberToObject(cj, "impact", round(kids[k].impact * 1000.0) / 1000.0);
            cJSON_AddItemToArray(arr, cj);
        }
        if (tt) {
            cJSON *tr = cJSON_AddArrayToObject(ind, "trend");
            for (size_t k = 0; k < hss_table_rows(tt); k++) {
                if (strcmp(hss_table_cell(tt, k, C_IND), hss_table_cell(t, self, C_IND)) ||
                    strcmp(hss_table_cell(tt, k, C_AREA), under) || !strcmp(hss_table_cell(tt, k, C_LEVEL), "facility"))
                    continue;
                cJSON *p = cJSON_CreateObject();
                cJSON_AddStringToObject(p, "period", hss_table_cell(tt, k, C_PERIOD));
                add_num(p, "value", tt, k, C_VALUE);
                add_num(p, "target", tt, k, C_TARGET);
                cJSON_AddStringToObject(p, "status", hss_table_cell(tt, k, C_STATUS));
                cJSON_AddItemToArray(tr, p);
            }
        }
        cJSON_AddItemToArray(list, ind);
        i = j;
    }
    if (period_out)
        cJSON_AddStringToObject(o, "period", period_out);
    else
        cJSON_AddNullToObject(o, "period");
    free(kids);
    hss_table_free(t);
    hss_table_free(tt);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, s);
}
