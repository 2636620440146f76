/*
 * coverage.c: which villages are served, and how. A village is served by a basic-level clinic
 * within the rural service circle (driving minutes from the access module), by a stationed
 * doctor (派驻), or by mobile-clinic rounds stopping there at least as many times a week as the
 * visit rule asks of a village of its size. The policy measures and the planner read this.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "rounds/rounds_int.h"

hss_code hss_rounds_rule_parse(const char *text, hss_rounds_rule *out, hss_error *err)
{
    memset(out, 0, sizeof *out);
    out->base = 1;
    if (!text || !*text)
        return HSS_OK;
    char *dup = hss_xstrdup(text), *save = NULL;
    hss_code rc = HSS_OK;
    int first = 1;
    for (char *tok = strtok_r(dup, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save), first = 0) {
        char *colon = strchr(tok, ':');
        int64_t visits, over = 0;
        if (colon)
            *colon = 0;
        if (hss_parse_int64(tok, &visits) || visits < 1 || visits > 7 ||
            (colon && (hss_parse_int64(colon + 1, &over) || over < 0)) || (!colon && !first) ||
            (colon && out->n == HSS_ROUNDS_RULE_MAX))
            rc = hss_fail(err, HSS_EINVAL,
                          "visit rule '%s': write VISITS[,VISITS:RESIDENTS...], e.g. 1,2:1000 (weekly; twice a "
                          "week above 1000 residents), visits 1 to 7",
                          text);
        else if (!colon)
            out->base = (int)visits;
        else {
            out->visits[out->n] = (int)visits;
            out->over[out->n++] = over;
        }
    }
    free(dup);
    return rc;
}

int hss_rounds_rule_visits(const hss_rounds_rule *r, int64_t residents)
{
    int v = r->base;
    int64_t best = -1;
    for (size_t i = 0; i < r->n; i++)
        if (residents > r->over[i] && r->over[i] > best) {
            best = r->over[i];
            v = r->visits[i];
        }
    return v;
}

void hss_rounds_cover_defaults(hss_rounds_cover_opts *o)
{
    memset(o, 0, sizeof *o);
    o->minutes = 20;
    o->rule.base = 1;
    o->clinics_count = 1;
}

hss_rounds_village *rounds_find_village(hss_rounds_village *v, size_t n, const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(v[mid].code, code);
        if (c == 0)
            return &v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void hss_rounds_villages_free(hss_rounds_village *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].clinic);
    }
    free(v);
}

/* Driving minutes from each village to its nearest clinic, from the access module. */
static hss_code clinic_minutes(hss_store *st, const char *under, double minutes, hss_rounds_village *v,
                               size_t n, hss_error *err)
{
    hss_access_query q = {ROUNDS_CLINIC_TYPES, minutes, HSS_MODE_DRIVE, under, NULL, 0};
    hss_table *t = NULL;
    hss_code rc = hss_access_detail_table(st, &q, &t, err);
    if (rc)
        return rc;
    size_t cc = 0, cf = 0, cm = 0;
    for (size_t c = 0; c < hss_table_cols(t); c++) {
        const char *name = hss_table_col_name(t, c);
        if (strcmp(name, "area_code") == 0)
            cc = c;
        else if (strcmp(name, "nearest_facility") == 0)
            cf = c;
        else if (strcmp(name, "minutes") == 0)
            cm = c;
    }
    for (size_t i = 0; i < hss_table_rows(t); i++) {
        hss_rounds_village *x = rounds_find_village(v, n, hss_table_cell(t, i, cc));
        double m;
        if (!x || hss_table_is_null(t, i, cm) || hss_parse_double(hss_table_cell(t, i, cm), &m))
            continue;
        x->clinic_min = m;
        if (!hss_table_is_null(t, i, cf))
            x->clinic = hss_xstrdup(hss_table_cell(t, i, cf));
    }
    hss_table_free(t);
    return HSS_OK;
}

hss_code hss_rounds_villages(hss_store *st, const char *under, const hss_rounds_cover_opts *o,
                             hss_rounds_village **out, size_t *n, hss_error *err)
{
    char prefix[32];
    *out = NULL;
    *n = 0;
    hss_code rc = rdb_prefix(st, under, prefix, err);
    if (!rc)
        rc = rdb_villages(st, prefix, out, n, err);
    if (!rc)
        rc = rdb_service(st, prefix, *out, *n, err);
    if (!rc && *n)
        rc = clinic_minutes(st, under, o->minutes, *out, *n, err);
    if (rc) {
        hss_rounds_villages_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc;
    }
    for (size_t i = 0; i < *n; i++) {
        hss_rounds_village *v = &(*out)[i];
        v->required = hss_rounds_rule_visits(&o->rule, v->residents);
        v->by_clinic = v->clinic_min <= o->minutes;
        v->by_stationed = v->stationed > 0;
        v->by_rounds = v->visits > 0 && v->visits >= v->required;
        v->served = (o->clinics_count && v->by_clinic) || v->by_stationed || v->by_rounds;
    }
    return HSS_OK;
}

int hss_rounds_recorded(hss_store *st)
{
    return rdb_any_service(st);
}

hss_code hss_rounds_coverage_count(hss_store *st, const char *under, const hss_rounds_cover_opts *o,
                                   int64_t *villages, int64_t *served, hss_error *err)
{
    *villages = *served = 0;
    if (!rdb_any_service(st))
        return hss_fail(err, HSS_ENOTFOUND, "no mobile-clinic rounds and no stationed doctors are recorded "
                                            "(hss rounds import)");
    hss_rounds_village *v;
    size_t n;
    hss_code rc = hss_rounds_villages(st, under, o, &v, &n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        (*villages)++;
        *served += v[i].served;
    }
    hss_rounds_villages_free(v, n);
    return HSS_OK;
}

static const char *served_by(const hss_rounds_village *v, const hss_rounds_cover_opts *o)
{
    if (o->clinics_count && v->by_clinic)
        return "clinic";
    if (v->by_stationed)
        return "stationed";
    if (v->by_rounds)
        return "rounds";
    return "";
}

hss_code hss_rounds_coverage_table(hss_store *st, const char *under, const hss_rounds_cover_opts *o,
                                   hss_table **out, hss_error *err)
{
    hss_rounds_village *v;
    size_t n;
    hss_code rc = hss_rounds_villages(st, under, o, &v, &n, err);
    if (rc)
        return rc;
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "village", "村", HSS_COL_TEXT);
    hss_table_add_col(t, "name", "名称", HSS_COL_TEXT);
    hss_table_add_col(t, "county", "县", HSS_COL_TEXT);
    hss_table_add_col(t, "residents", "常住人口", HSS_COL_INT);
    hss_table_add_col(t, "clinic_minutes", "最近卫生机构(分钟)", HSS_COL_REAL);
    hss_table_add_col(t, "stationed", "派驻医生", HSS_COL_INT);
    hss_table_add_col(t, "visits_per_week", "每周巡诊次数", HSS_COL_INT);
    hss_table_add_col(t, "required", "要求次数", HSS_COL_INT);
    hss_table_add_col(t, "served_by", "服务方式", HSS_COL_TEXT);
    hss_table_add_col(t, "served", "已覆盖", HSS_COL_INT);
    hss_table_add_col(t, "lon", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "lat", NULL, HSS_COL_REAL);
    for (size_t i = 0; i < n; i++) {
        hss_table_add_row(t);
        hss_table_set_text(t, 0, v[i].code);
        hss_table_set_text(t, 1, v[i].name);
        hss_table_set_text(t, 2, v[i].county);
        hss_table_set_int(t, 3, v[i].residents);
        if (isfinite(v[i].clinic_min))
            hss_table_set_real(t, 4, v[i].clinic_min, 1);
        else
            hss_table_set_null(t, 4);
        hss_table_set_int(t, 5, v[i].stationed);
        hss_table_set_int(t, 6, v[i].visits);
        hss_table_set_int(t, 7, v[i].required);
        hss_table_set_text(t, 8, served_by(&v[i], o));
        hss_table_set_int(t, 9, v[i].served);
        hss_table_set_real(t, 10, v[i].lon, 5);
        hss_table_set_real(t, 11, v[i].lat, 5);
    }
    hss_rounds_villages_free(v, n);
    *out = t;
    return HSS_OK;
}
