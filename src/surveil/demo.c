/*
 * demo.c: generated surveillance data for a demo region, so that the early-warning screens have
 * something true to the algorithms to show. For every township of the stored region it writes
 * daily counts for three signals (ili 流感样病例, diarrhoea 腹泻症候群, fever 发热症候群) from
 * four sources (hospital, township_center, pharmacy, school), about three years ending on a
 * given day: Poisson counts around a rate proportional to the township's residents, with a
 * winter peak for ili, a summer peak for diarrhoea and a weekday effect for schools. Two
 * outbreaks are injected in the last days: ili in one township (every source but schools) and
 * diarrhoea in two townships of one county (which also raises a county alert). Everything is
 * labelled generated (meta surveil.generated names the seed, the days and the outbreaks).
 * hss_surveil_demo() also runs the daily detection over the last days and, to give the
 * response figures something to count, records duty-officer actions on the older alerts.
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_DAYS (3 * 365 + 45) /* enough history for the moving percentile's 3 past years */

static const char *const SIGNALS[] = {"ili", "diarrhoea", "fever"};
static const char *const SOURCES[] = {"hospital", "township_center", "pharmacy", "school"};
/* baseline cases per day per 10,000 residents, by signal and source */
static const double RATE[3][4] = {
    {0.60, 0.45, 0.80, 0.50}, /* ili */
    {0.35, 0.30, 0.40, 0.10}, /* diarrhoea */
    {0.50, 0.40, 0.55, 0.30}, /* fever */
};

static int poisson(hss_rng *r, double mu)
{
    if (mu <= 0)
        return 0;
    if (mu > 40) {
        double x = mu + sqrt(mu) * hss_rng_normal(r);
        return x < 0 ? 0 : (int)lround(x);
    }
    double L = exp(-mu), p = 1.0;
    int k = 0;
    do {
        k++;
        p *= hss_rng_uniform(r);
    } while (p > L);
    return k - 1;
}

typedef struct {
    char code[16], parent[16];
    double pop;
} township;

static hss_code load_townships(hss_store *st, hss_vec *out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code, coalesce(parent_code,''), coalesce(population, 0) FROM area WHERE level = 'township' ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    while (hss_store_step(s) == HSS_ROW) {
        township *t = hss_vec_push(out);
        snprintf(t->code, sizeof t->code, "%s", hss_store_col_text(s, 0));
        snprintf(t->parent, sizeof t->parent, "%s", hss_store_col_text(s, 1));
        t->pop = hss_store_col_double(s, 2);
        if (t->pop < 3000)
            t->pop = 3000; /* every township has some activity */
    }
    hss_store_finalize(s);
    if (out->len == 0)
        return hss_fail(err, HSS_EINVAL, "the database has no township areas: import or generate a region first (hss demo)");
    return HSS_OK;
}

/* Index of the first township of a county with at least two townships, chosen by the seed. */
static size_t pick_pair(const township *T, size_t n, hss_rng *r)
{
    size_t start = (size_t)hss_rng_below(r, n);
    for (size_t k = 0; k < n; k++) {
        size_t i = (start + k) % n;
        if (i + 1 < n && !strcmp(T[i].parent, T[i + 1].parent))
            return i;
    }
    return SIZE_MAX;
}

hss_code hss_surveil_generate_demo(hss_store *st, uint64_t seed, const char *end_date, hss_error *err)
{
    int ok;
    long end = hss_surveil_day_number(end_date, &ok);
    if (!ok)
        return hss_fail(err, HSS_EINVAL, "end date '%s' is not a date (YYYY-MM-DD)", end_date);
    long first = end - DEMO_DAYS + 1;
    hss_vec tw;
    hss_vec_init(&tw, sizeof(township));
    hss_code rc = load_townships(st, &tw, err);
    if (rc) {
        hss_vec_free(&tw);
        return rc;
    }
    township *T = tw.items;
    hss_rng r;
    hss_rng_seed(&r, seed ? seed : 1);
    /* the outbreaks: ili in one township, diarrhoea in two townships of one county */
    size_t ili_at = (size_t)hss_rng_below(&r, tw.len);
    size_t dia_at = pick_pair(T, tw.len, &r);
    if (dia_at == ili_at || (dia_at != SIZE_MAX && dia_at + 1 == ili_at))
        dia_at = pick_pair(T, tw.len, &r);
    int32_t *counts = hss_xmalloc(sizeof(int32_t) * DEMO_DAYS);
    surveil_bulk *bulk = surveil_bulk_new();
    rc = hss_store_begin(st, err);
    if (!rc)
        rc = hss_store_exec(st,
            "DELETE FROM surveil_alert_event WHERE alert_id IN (SELECT id FROM surveil_alert);"
            "DELETE FROM surveil_alert; DELETE FROM surveil_signal; DELETE FROM surveil_year; "
            "DELETE FROM surveil_series;", err);
    for (size_t i = 0; !rc && i < tw.len; i++) {
        double scale = T[i].pop / 10000.0 * (0.8 + 0.4 * hss_rng_uniform(&r));
        for (int g = 0; !rc && g < 3; g++) {
            for (int s = 0; !rc && s < 4; s++) {
                for (long d = 0; d < DEMO_DAYS; d++) {
                    long day = first + d;
                    char iso[11];
                    hss_surveil_day_string(day, iso);
                    int month = atoi(iso + 5);
                    double doy = (double)((day % 365 + 365) % 365);
                    double season = 1.0;
                    if (g == 0) /* ili: winter peak in January */
                        season = 1.0 + 0.6 * cos(2 * M_PI * (doy - 15) / 365.25);
                    else if (g == 1) /* diarrhoea: summer peak in July */
                        season = 1.0 + 0.4 * cos(2 * M_PI * (doy - 196) / 365.25);
                    double week = 1.0;
                    long dow = ((day % 7) + 7 + 3) % 7; /* 0 = Monday (1970-01-01 was a Thursday) */
                    if (s == 3) /* schools report absenteeism on school days only, not in summer */
                        week = (dow >= 5 || month == 7 || month == 8) ? 0.0 : 1.0;
                    double mu = 3.0 * RATE[g][s] * scale * season * week;
                    long from_end = end - day; /* 0 = the last day */
                    if (g == 0 && i == ili_at && s != 3 && from_end < 10)
                        mu += 3.0 * RATE[g][s] * scale * (1.0 + 0.5 * (double)(10 - from_end));
                    if (g == 1 && dia_at != SIZE_MAX && (i == dia_at || i == dia_at + 1) && s < 3 && from_end < 6)
                        mu += 3.0 * RATE[g][s] * scale * (1.0 + 0.8 * (double)(6 - from_end));
                    counts[d] = poisson(&r, mu);
                }
                surveil_bulk_add(bulk, T[i].code, SIGNALS[g], SOURCES[s], first, counts, DEMO_DAYS);
            }
        }
    }
    if (!rc)
        rc = surveil_bulk_store(st, bulk, err);
    surveil_bulk_free(bulk);
    if (!rc) {
        char a[11], b[11], note[400];
        hss_surveil_day_string(first, a);
        hss_surveil_day_string(end, b);
        snprintf(note, sizeof note,
                 "generated daily counts %s..%s (seed %llu) for %zu townships x 3 signals x 4 sources; "
                 "injected outbreaks: ili in %s from %ld days before the end; diarrhoea in %s and %s",
                 a, b, (unsigned long long)seed, tw.len, T[ili_at].code, 9L,
                 dia_at != SIZE_MAX ? T[dia_at].code : "-", dia_at != SIZE_MAX ? T[dia_at + 1].code : "-");
        rc = hss_store_meta_set(st, "surveil.generated", note, err);
    }
    rc = hss_surveil_finish(st, rc, err);
    free(counts);
    hss_vec_free(&tw);
    return rc;
}

/* Duty-officer actions on the alerts older than two days, so that the lifecycle and the
 * response figures have history: assigned a few hours after raising, then investigated, then
 * closed (confirmed where several sources agreed, dismissed otherwise). */
static hss_code demo_actions(hss_store *st, long end, hss_error *err)
{
    char cutoff[11];
    hss_surveil_day_string(end - 2, cutoff);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT id, date, sources FROM surveil_alert WHERE date < ? AND status = 'new' ORDER BY id", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, cutoff);
    typedef struct {
        int64_t id;
        long day;
        int many;
    } pending;
    hss_vec v;
    hss_vec_init(&v, sizeof(pending));
    while (hss_store_step(s) == HSS_ROW) {
        pending *p = hss_vec_push(&v);
        int ok;
        p->id = hss_store_col_int64(s, 0);
        p->day = hss_surveil_day_number(hss_store_col_text(s, 1), &ok);
        const char *src = hss_store_col_text(s, 2);
        int semis = 0;
        for (const char *c = src; *c; c++)
            semis += *c == ';';
        p->many = semis >= 2;
    }
    hss_store_finalize(s);
    hss_code rc = HSS_OK;
    for (size_t i = 0; !rc && i < v.len; i++) {
        pending *p = &HSS_VEC_AT(&v, pending, i);
        char d[11], at[21];
        hss_surveil_day_string(p->day + 1, d);
        int h = 9 + (int)(p->id % 7);
        snprintf(at, sizeof at, "%sT%02d:00:00Z", d, h);
        rc = hss_surveil_alert_act(st, p->id, "assign", "demo_duty_officer", "值班人员接收(生成的演示操作)", at, err);
        if (!rc && i % 4 != 3) {
            snprintf(at, sizeof at, "%sT%02d:30:00Z", d, h + 2);
            rc = hss_surveil_alert_act(st, p->id, "investigate", "demo_duty_officer", "开展核实(生成的演示操作)", at, err);
            if (!rc) {
                hss_surveil_day_string(p->day + 2, d);
                snprintf(at, sizeof at, "%sT10:00:00Z", d);
                rc = hss_surveil_alert_act(st, p->id, p->many ? "confirm" : "dismiss", "demo_duty_officer",
                                           p->many ? "多来源一致,确认聚集(生成的演示操作)" : "散发病例,排除(生成的演示操作)",
                                           at, err);
            }
        }
    }
    hss_vec_free(&v);
    return rc;
}

hss_code hss_surveil_demo(hss_store *st, const hss_surveil_config *cfg, uint64_t seed, const char *end_date,
                          int run_days, hss_surveil_demo_stats *out, hss_error *err)
{
    hss_surveil_demo_stats S;
    memset(&S, 0, sizeof S);
    hss_code rc = hss_surveil_generate_demo(st, seed, end_date, err);
    if (rc)
        return rc;
    int ok;
    long end = hss_surveil_day_number(end_date, &ok);
    if (run_days < 1)
        run_days = 1;
    for (long day = end - run_days + 1; !rc && day <= end; day++) {
        char d[11], now[21];
        hss_surveil_day_string(day, d);
        hss_surveil_day_string(day + 1, now);
        snprintf(now + 10, sizeof now - 10, "T07:00:00Z"); /* the run the morning after */
        hss_surveil_run_stats R;
        rc = hss_surveil_run(st, cfg, d, now, &R, err);
        S.alerts += R.alerts;
        S.county_alerts += R.county_alerts;
        S.too_little_history += R.too_little_history;
        hss_surveil_run_stats_free(&R);
        S.days++;
    }
    if (!rc)
        rc = demo_actions(st, end, err);
    if (out)
        *out = S;
    return rc;
}
