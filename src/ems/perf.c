/*
 * perf.c: measured 120 performance from the stored call records: the intervals of each call
 * (call to dispatch, dispatch to departure = 出车, call to scene = 反应时间, scene to hospital)
 * summarised by county, township or month and by the call village's kind (urban, rural, all),
 * against the documents' targets; calls and utilisation per unit; the villages with the worst
 * times. Also the two figures the policy measures read: the measured mean response of an area
 * and the share of units carrying the standard crew.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ems/ems_int.h"

/* The Lishui targets (000_72651f9ac1f717d8.txt): "城市地区服务半径不超过3.5公里,平均急救反应时间
 * 少于11分钟" and "乡村地区服务半径8-10公里或建制乡镇至少建1个急救站(点),平均急救反应时间少于14分钟". */
#define TARGET_URBAN 11.0
#define TARGET_RURAL 14.0

/* One call's intervals in minutes (NAN when a step is missing). */
typedef struct call_iv {
    size_t group;
    int rural;
    double response, dispatch, turnout, to_hospital;
} call_iv;

static double minutes(const ems_call *c, int a, int b)
{
    if (c->t[a] == HSS_EMS_NO_TIME || c->t[b] == HSS_EMS_NO_TIME)
        return NAN;
    return (double)(c->t[b] - c->t[a]) / 60.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q of sorted v[0..n) by linear interpolation between order statistics (R type 7). */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

static double mean_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return n ? s / (double)n : NAN;
}

/* The group label of a call: its county or township code, or its month "YYYY-MM". */
static const char *group_key(const ems_areas *A, const ems_call *c, const char *by, char month[8])
{
    if (strcmp(by, "month") == 0) {
        char ts[32];
        hss_ems_time_format(c->t[EMS_RECEIVED], ts);
        memcpy(month, ts, 7);
        month[7] = '\0';
        return month;
    }
    const ems_area *a = ems_area_up(A, ems_area_find(A, c->village), strcmp(by, "township") == 0 ? 3 : 2);
    return a ? a->code : c->county;
}

/* Group labels, distinct and sorted. */
typedef struct groups {
    char **key;
    size_t n, cap;
} groups;

static size_t group_of(groups *G, const char *key)
{
    for (size_t i = G->n; i-- > 0;)
        if (strcmp(G->key[i], key) == 0)
            return i;
    if (G->n == G->cap) {
        G->cap = G->cap ? G->cap * 2 : 16;
        G->key = hss_xrealloc(G->key, G->cap * sizeof *G->key);
    }
    G->key[G->n] = hss_xstrdup(key);
    return G->n++;
}

static void set_real(hss_table *t, size_t col, double v)
{
    if (isnan(v))
        hss_table_set_null(t, col);
    else
        hss_table_set_real(t, col, v, 2);
}

/* Adds one row for group g and kind (0 urban, 1 rural, 2 all). */
static void area_row(hss_table *t, const ems_areas *A, const char *key, int kind, const call_iv *iv,
                     size_t n, size_t g)
{
    double *v[4];
    size_t k[4] = {0, 0, 0, 0}, calls = 0;
    for (int j = 0; j < 4; j++)
        v[j] = hss_xmalloc((n + 1) * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        if (iv[i].group != g || (kind < 2 && iv[i].rural != kind))
            continue;
        calls++;
        double x[4] = {iv[i].response, iv[i].dispatch, iv[i].turnout, iv[i].to_hospital};
        for (int j = 0; j < 4; j++)
            if (!isnan(x[j]))
                v[j][k[j]++] = x[j];
    }
    if (calls > 0) {
        qsort(v[0], k[0], sizeof(double), cmp_double);
        const ems_area *a = ems_area_find(A, key);
        double target = kind == 0 ? TARGET_URBAN : kind == 1 ? TARGET_RURAL : NAN;
        double mean = mean_of(v[0], k[0]);
        hss_table_add_row(t);
        hss_table_set_text(t, 0, key);
        hss_table_set_text(t, 1, a ? a->name : key);
        hss_table_set_text(t, 2, kind == 0 ? "urban" : kind == 1 ? "rural" : "all");
        hss_table_set_int(t, 3, (long long)calls);
        set_real(t, 4, mean);
        set_real(t, 5, quantile(v[0], k[0], 0.5));
        set_real(t, 6, quantile(v[0], k[0], 0.9));
        set_real(t, 7, mean_of(v[1], k[1]));
        set_real(t, 8, mean_of(v[2], k[2]));
        set_real(t, 9, mean_of(v[3], k[3]));
        set_real(t, 10, target);
        if (isnan(target) || isnan(mean))
            hss_table_set_null(t, 11);
        else
            hss_table_set_int(t, 11, mean < target);
    }
    for (int j = 0; j < 4; j++)
        free(v[j]);
}

static hss_table *areas_table(void)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "area", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "name", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "kind", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "calls", NULL, HSS_COL_INT);
    hss_table_add_col(t, "response_mean", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "response_median", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "response_p90", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "dispatch_mean", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "turnout_mean", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "scene_to_hospital_mean", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "target", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "meets", NULL, HSS_COL_INT);
    return t;
}

/* The calls of the query, with their intervals and group. */
typedef struct perf_data {
    ems_areas A;
    ems_calls C;
    call_iv *iv;
    const ems_call **call; /* iv[i] is of call[i] */
    size_t n;
    groups G;
} perf_data;

static void perf_free(perf_data *d)
{
    ems_areas_free(&d->A);
    ems_calls_free(&d->C);
    free(d->iv);
    free(d->call);
    for (size_t i = 0; i < d->G.n; i++)
        free(d->G.key[i]);
    free(d->G.key);
}

static hss_code perf_load(hss_store *st, const hss_ems_perf_query *q, perf_data *d, hss_error *err)
{
    memset(d, 0, sizeof *d);
    const char *by = q->by ? q->by : "county";
    hss_code rc = ems_areas_load(st, &d->A, err);
    if (!rc)
        rc = ems_db_calls(st, q->from, q->to, &d->C, err);
    if (rc)
        return rc;
    d->iv = hss_xmalloc((d->C.n + 1) * sizeof *d->iv);
    d->call = hss_xmalloc((d->C.n + 1) * sizeof *d->call);
    for (size_t i = 0; i < d->C.n; i++) {
        const ems_call *c = &d->C.c[i];
        const ems_area *v = ems_area_find(&d->A, c->village);
        if (!v || !ems_area_under(&d->A, v, q->under))
            continue;
        char month[8];
        call_iv *x = &d->iv[d->n];
        x->group = group_of(&d->G, group_key(&d->A, c, by, month));
        x->rural = v->rural;
        x->response = minutes(c, EMS_RECEIVED, EMS_ON_SCENE);
        x->dispatch = minutes(c, EMS_RECEIVED, EMS_DISPATCHED);
        x->turnout = minutes(c, EMS_DISPATCHED, EMS_DEPARTED);
        x->to_hospital = minutes(c, EMS_LEFT_SCENE, EMS_AT_HOSPITAL);
        d->call[d->n++] = c;
    }
    return HSS_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static hss_table *build_areas(const perf_data *d)
{
    hss_table *t = areas_table();
    char **keys = hss_xmalloc((d->G.n + 1) * sizeof *keys);
    memcpy(keys, d->G.key, d->G.n * sizeof *keys);
    qsort(keys, d->G.n, sizeof *keys, cmp_str);
    for (size_t i = 0; i < d->G.n; i++) {
        size_t g = 0;
        while (strcmp(d->G.key[g], keys[i]) != 0)
            g++;
        for (int kind = 0; kind < 3; kind++)
            area_row(t, &d->A, keys[i], kind, d->iv, d->n, g);
    }
    free(keys);
    return t;
}

static hss_code build_units(hss_store *st, const perf_data *d, const hss_ems_perf_query *q, hss_table **out,
                            hss_error *err)
{
    ems_units U;
    hss_code rc = ems_db_units(st, &U, err);
    if (rc)
        return rc;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < d->n; i++) {
        lo = d->call[i]->t[EMS_RECEIVED] < lo ? d->call[i]->t[EMS_RECEIVED] : lo;
        int64_t e = ems_call_busy_end(d->call[i]);
        hi = e > hi ? e : hi;
    }
    if (q->from != HSS_EMS_NO_TIME)
        lo = q->from;
    if (q->to != HSS_EMS_NO_TIME)
        hi = q->to;
    double period_h = hi > lo ? (double)(hi - lo) / 3600.0 : NAN;
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "unit", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "station", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "calls", NULL, HSS_COL_INT);
    hss_table_add_col(t, "busy_hours", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "utilisation", NULL, HSS_COL_REAL);
    for (size_t u = 0; u < U.n; u++) {
        long long calls = 0;
        double busy = 0;
        for (size_t i = 0; i < d->n; i++) {
            const ems_call *c = d->call[i];
            if (strcmp(c->unit, U.u[u].code) != 0 || c->t[EMS_DISPATCHED] == HSS_EMS_NO_TIME)
                continue;
            calls++;
            busy += (double)(ems_call_busy_end(c) - c->t[EMS_DISPATCHED]) / 3600.0;
        }
        if (calls == 0 && q->under)
            continue;
        hss_table_add_row(t);
        hss_table_set_text(t, 0, U.u[u].code);
        hss_table_set_text(t, 1, U.u[u].station);
        hss_table_set_int(t, 2, calls);
        hss_table_set_real(t, 3, busy, 2);
        set_real(t, 4, busy / period_h);
    }
    ems_units_free(&U);
    *out = t;
    return HSS_OK;
}

typedef struct vil_stat {
    const char *code;
    double sum;
    size_t n;
} vil_stat;

static int cmp_vil_code(const void *a, const void *b)
{
    return strcmp(((const vil_stat *)a)->code, ((const vil_stat *)b)->code);
}

static int cmp_vil_mean(const void *a, const void *b)
{
    const vil_stat *x = a, *y = b;
    double mx = x->sum / (double)x->n, my = y->sum / (double)y->n;
    if (mx != my)
        return mx < my ? 1 : -1;
    return strcmp(x->code, y->code);
}

static hss_table *build_worst(const perf_data *d)
{
    vil_stat *v = hss_xcalloc(d->n + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (!isnan(d->iv[i].response))
            v[n++] = (vil_stat){d->call[i]->village, d->iv[i].response, 1};
    qsort(v, n, sizeof *v, cmp_vil_code);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && strcmp(v[m - 1].code, v[i].code) == 0) {
            v[m - 1].sum += v[i].sum;
            v[m - 1].n++;
        } else {
            v[m++] = v[i];
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (v[i].n >= 3)
            v[k++] = v[i];
    qsort(v, k, sizeof *v, cmp_vil_mean);
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "village", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "name", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "kind", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "calls", NULL, HSS_COL_INT);
    hss_table_add_col(t, "response_mean", NULL, HSS_COL_REAL);
    for (size_t i = 0; i < k && i < 10; i++) {
        const ems_area *a = ems_area_find(&d->A, v[i].code);
        hss_table_add_row(t);
        hss_table_set_text(t, 0, v[i].code);
        hss_table_set_text(t, 1, a ? a->name : v[i].code);
        hss_table_set_text(t, 2, a && a->rural ? "rural" : "urban");
        hss_table_set_int(t, 3, (long long)v[i].n);
        hss_table_set_real(t, 4, v[i].sum / (double)v[i].n, 2);
    }
    free(v);
    return t;
}

hss_code hss_ems_performance(hss_store *st, const hss_ems_perf_query *q, hss_table **areas,
                             hss_table **units, hss_table **worst, hss_error *err)
{
    const char *by = q->by ? q->by : "county";
    if (strcmp(by, "county") != 0 && strcmp(by, "township") != 0 && strcmp(by, "month") != 0)
        return hss_fail(err, HSS_EINVAL, "--by must be county, township or month, not '%s'", by);
    perf_data d;
    hss_code rc = perf_load(st, q, &d, err);
    if (!rc && q->under && !ems_area_find(&d.A, q->under))
        rc = hss_fail(err, HSS_ENOTFOUND, "no area with code '%s'", q->under);
    if (!rc) {
        *areas = build_areas(&d);
        if (worst)
            *worst = build_worst(&d);
        if (units && (rc = build_units(st, &d, q, units, err))) {
            hss_table_free(*areas);
            if (worst)
                hss_table_free(*worst);
        }
    }
    perf_free(&d);
    return rc;
}

hss_code hss_ems_measured_response(hss_store *st, const char *area, int kind, double *mean,
                                   int64_t *calls, hss_error *err)
{
    *calls = 0;
    hss_code rc = ems_db_mean_response(st, area, kind, mean, calls, err);
    if (rc)
        return rc;
    if (*calls == 0)
        return hss_fail(err, HSS_ENOTFOUND, "no call records with on-scene times under %s", area ? area : "the region");
    return HSS_OK;
}

hss_code hss_ems_crew_share(hss_store *st, const char *area, int64_t *units, int64_t *meeting,
                            hss_error *err)
{
    ems_areas A;
    ems_units U;
    ems_facs F;
    hss_code rc = ems_areas_load(st, &A, err);
    if (rc)
        return rc;
    if ((rc = ems_db_units(st, &U, err))) {
        ems_areas_free(&A);
        return rc;
    }
    if ((rc = ems_facs_load(st, &F, err))) {
        ems_units_free(&U);
        ems_areas_free(&A);
        return rc;
    }
    *units = *meeting = 0;
    for (size_t i = 0; i < U.n; i++) {
        const ems_fac *f = ems_fac_find(&F, U.u[i].station);
        const ems_area *a = f ? ems_area_find(&A, f->area) : NULL;
        if (!a || !ems_area_under(&A, a, area))
            continue;
        (*units)++;
        *meeting += ems_unit_crew_ok(&U.u[i]);
    }
    ems_facs_free(&F);
    ems_units_free(&U);
    ems_areas_free(&A);
    if (*units == 0)
        return hss_fail(err, HSS_ENOTFOUND, "no ambulance units stored under %s (hss ems units import)",
                        area ? area : "the region");
    return HSS_OK;
}

hss_code hss_ems_unit_sums(hss_store *st, hss_ems_sum **out, size_t *n, hss_error *err)
{
    return ems_db_sums(st, 0, out, n, err);
}

hss_code hss_ems_call_sums(hss_store *st, hss_ems_sum **out, size_t *n, hss_error *err)
{
    return ems_db_sums(st, 1, out, n, err);
}

void hss_ems_sums_free(hss_ems_sum *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].code);
    free(s);
}
