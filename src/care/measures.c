/*
 * measures.c: the indicators that come out of care records, by area, on a day:
 *   contracting_rate (签约率)            residents with a contract running that day / residents
 *   key_group_contracting_rate          the same over key-group residents (重点人群)
 *   renewal_rate (续约率)                contracts that ended in the year before the day and were
 *                                       renewed / contracts that ended then
 *   referrals_up / referrals_down       up-referrals requested (not rejected) / down-referrals
 *                                       made in that year; in_county_share of the up-referrals
 *   standard_management_rate (规范管理率) patients enrolled before the year began with at least
 *                                       visits_per_year follow-ups in it / those patients
 *   control_rate (控制率)                patients whose last follow-up in the year was controlled /
 *                                       patients with a follow-up in the year
 * Every rate comes with its numerator and denominator so that users can check it.
 */
#include "care/care_int.h"

#include <stdlib.h>
#include <string.h>

#include "model/model.h"

enum {
    M_RES, M_CON, M_KG, M_KGCON, M_ENDED, M_RENEWED, M_UP, M_UPIN, M_DOWN,
    M_HTN_YEAR, M_HTN_STD, M_HTN_SEEN, M_HTN_CTRL, M_DM_YEAR, M_DM_STD, M_DM_SEEN, M_DM_CTRL, M_COUNT
};

typedef struct {
    char code[16];
    char name[128];
    long long m[M_COUNT];
} group;

typedef struct {
    group *g;
    size_t n;
    int plen;    /* prefix length of the group codes */
    group *last; /* the group found last (rows often come in village order) */
    const char *scope; /* one township's code: only its records are read (NULL: all) */
} groups;

/* Prepares `sql` with its %s replaced by `clause` when G is scoped to one township (the
 * clause names :lo, :hi and :county), else by nothing, and binds the scope. */
static hss_stmt *prepare_scoped(hss_store *st, const groups *G, const char *sql, const char *clause,
                                    hss_error *err)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, sql, G->scope ? clause : "");
    hss_stmt *s = hss_store_prepare(st, b.data, err);
    hss_buf_free(&b);
    if (!s || !G->scope)
        return s;
    char hi[32], county[8];
    snprintf(hi, sizeof hi, "%s~", G->scope); /* '~' sorts after every digit */
    snprintf(county, sizeof county, "%.6s", G->scope);
    int i;
    if ((i = hss_store_bind_index(s, ":lo")))
        hss_store_bind_copy(s, i, G->scope);
    if ((i = hss_store_bind_index(s, ":hi")))
        hss_store_bind_copy(s, i, hi);
    if ((i = hss_store_bind_index(s, ":county")))
        hss_store_bind_copy(s, i, county);
    return s;
}

/* The scope clauses: contracts and referrals have a county index, residents and enrolments a
 * village index. */
#define BY_COUNTY " AND county_code=:county AND village_code BETWEEN :lo AND :hi"
#define BY_VILLAGE " AND village_code BETWEEN :lo AND :hi"

static group *find(groups *G, const char *village)
{
    if (G->last && strncmp(G->last->code, village, (size_t)G->plen) == 0)
        return G->last;
    for (size_t i = 0; i < G->n; i++)
        if (strncmp(G->g[i].code, village, (size_t)G->plen) == 0)
            return G->last = &G->g[i];
    return NULL;
}

/* A new, zeroed group at the end of G (cap: its allocated length). */
static group *group_new(groups *G, size_t *cap)
{
    if (G->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        G->g = hss_xrealloc(G->g, *cap * sizeof *G->g);
    }
    group *g = &G->g[G->n++];
    memset(g, 0, sizeof *g);
    return g;
}

/* Largest rowid of a table (0 when empty). */
static int64_t max_id(hss_store *st, const char *sql)
{
    hss_stmt *s = hss_store_prepare(st, sql, NULL);
    int64_t v = 0;
    if (s && hss_store_step(s) == HSS_ROW)
        v = hss_store_col_int64(s, 0);
    hss_store_finalize(s);
    return v;
}

/* Contracting and renewal measures in a few plain scans (no correlated subqueries): mark the
 * residents with a contract running on d and the contracts renewed by d, then count residents
 * (all, key groups) and contracts that ended in the year. */
static hss_code scan_contracts_residents(hss_store *st, groups *G, const char *d, const char *ys, const char *e65,
                                         const char *c7, hss_error *err)
{
    int64_t maxr = max_id(st, "SELECT max(id) FROM care_resident");
    int64_t maxc = max_id(st, "SELECT max(id) FROM care_contract");
    unsigned char *active = hss_xcalloc((size_t)maxr + 1, 1), *renewed = hss_xcalloc((size_t)maxc + 1, 1);
    hss_code rc = HSS_OK;
    hss_stmt *s = prepare_scoped(st, G, "SELECT resident_id FROM care_contract WHERE start_date<=?1 AND end_date>=?1%s",
                                     BY_COUNTY, err);
    if (!s) {
        rc = HSS_EDB;
        goto done;
    }
    hss_store_bind_text(s, 1, d);
    while (hss_store_step(s) == HSS_ROW) {
        int64_t r = hss_store_col_int64(s, 0);
        if (r >= 0 && r <= maxr)
            active[r] = 1;
    }
    hss_store_finalize(s);
    s = prepare_scoped(st, G, "SELECT renewal_of FROM care_contract WHERE renewal_of IS NOT NULL AND start_date<=?1%s",
                       BY_COUNTY, err);
    if (!s) {
        rc = HSS_EDB;
        goto done;
    }
    hss_store_bind_text(s, 1, d);
    while (hss_store_step(s) == HSS_ROW) {
        int64_t c = hss_store_col_int64(s, 0);
        if (c >= 0 && c <= maxc)
            renewed[c] = 1;
    }
    hss_store_finalize(s);
    s = prepare_scoped(st, G, "SELECT id,village_code FROM care_contract WHERE end_date>?1 AND end_date<?2%s", BY_COUNTY, err);
    if (!s) {
        rc = HSS_EDB;
        goto done;
    }
    hss_store_bind_text(s, 1, ys);
    hss_store_bind_text(s, 2, d);
    while (hss_store_step(s) == HSS_ROW) {
        group *g = find(G, care_col_text(s, 1));
        if (!g)
            continue;
        g->m[M_ENDED]++;
        int64_t c = hss_store_col_int64(s, 0);
        if (c >= 0 && c <= maxc && renewed[c])
            g->m[M_RENEWED]++;
    }
    hss_store_finalize(s);
    /* key groups: a recorded condition, 65 or older (born on or before e65), 0-6 (born after c7) */
    s = prepare_scoped(st, G, "SELECT id,village_code,conditions<>0 OR birth_date<=?2 OR birth_date>?3 "
                              "FROM care_resident WHERE birth_date<=?1%s", BY_VILLAGE, err);
    if (!s) {
        rc = HSS_EDB;
        goto done;
    }
    hss_store_bind_text(s, 1, d);
    hss_store_bind_text(s, 2, e65);
    hss_store_bind_text(s, 3, c7);
    int r;
    while ((r = hss_store_step(s)) == HSS_ROW) {
        group *g = find(G, care_col_text(s, 1));
        if (!g)
            continue;
        int64_t id = hss_store_col_int64(s, 0);
        int on = id >= 0 && id <= maxr && active[id];
        int kg = hss_store_col_int(s, 2);
        g->m[M_RES]++;
        g->m[M_CON] += on;
        g->m[M_KG] += kg;
        g->m[M_KGCON] += kg && on;
    }
    hss_store_finalize(s);
    if (r != HSS_DONE)
        rc = hss_store_error(st, err, "computing contracting measures");
done:
    free(active);
    free(renewed);
    return rc;
}

/* Runs a "SELECT village_code-ish, count" query grouped by prefix, adding into measure m. */
static hss_code add_counts(hss_store *st, groups *G, const char *sql, const char *d, const char *ys,
                           const char *e65, const char *c7, int m, hss_error *err)
{
    hss_stmt *s = prepare_scoped(st, G, sql, BY_COUNTY, err);
    if (!s)
        return HSS_EDB;
    int i;
    if ((i = hss_store_bind_index(s, ":d")))
        hss_store_bind_text(s, i, d);
    if ((i = hss_store_bind_index(s, ":ys")))
        hss_store_bind_text(s, i, ys);
    if ((i = hss_store_bind_index(s, ":e65")))
        hss_store_bind_text(s, i, e65);
    if ((i = hss_store_bind_index(s, ":c7")))
        hss_store_bind_text(s, i, c7);
    if ((i = hss_store_bind_index(s, ":plen")))
        hss_store_bind_int(s, i, G->plen);
    int r;
    while ((r = hss_store_step(s)) == HSS_ROW) {
        group *g = find(G, care_col_text(s, 0));
        if (g) {
            g->m[m] += hss_store_col_int64(s, 1);
            if (m == M_UP)
                g->m[M_UPIN] += hss_store_col_int64(s, 2);
        }
    }
    hss_store_finalize(s);
    return r == HSS_DONE ? HSS_OK : hss_store_error(st, err, "computing care measures");
}

static void set_rate(hss_table *t, size_t col, long long num, long long den)
{
    if (den > 0)
        hss_table_set_real(t, col, 100.0 * (double)num / (double)den, 1);
    else
        hss_table_set_null(t, col);
}

/* Every measure's numerator and denominator for the groups of G on `day`: the one counting path
 * behind both the workbench's table (hss_care_measures) and the monthly figures the monitoring
 * indicators take from the records (hss_care_township_figures), so the two cannot disagree. */
static hss_code count_measures(hss_store *st, const hss_care_rules *r, groups *G, int32_t day, hss_error *err)
{
    char d[11], ys[11], e65[32], c7[32];
    hss_care_format_day(day, d);
    hss_care_format_day(day - 365, ys);
    snprintf(e65, sizeof e65, "%04d%.6s", atoi(d) - r->elderly_age, d + 4);
    snprintf(c7, sizeof c7, "%04d%.6s", atoi(d) - 7, d + 4);
    hss_code rc;
    if ((rc = scan_contracts_residents(st, G, d, ys, e65, c7, err)) ||
        (rc = add_counts(st, G, "SELECT substr(village_code,1,:plen) p,count(*),sum(in_county) FROM care_referral WHERE state<>'rejected' "
                                 "AND substr(requested_at,1,10)>:ys AND substr(requested_at,1,10)<=:d%s GROUP BY p",
                         d, ys, e65, c7, M_UP, err)) ||
        (rc = add_counts(st, G, "SELECT substr(village_code,1,:plen) p,count(*) FROM care_referral WHERE down_referred_at IS NOT NULL "
                                 "AND substr(down_referred_at,1,10)>:ys AND substr(down_referred_at,1,10)<=:d%s GROUP BY p",
                         d, ys, e65, c7, M_DOWN, err)))
        return rc;
    /* chronic: per enrolment, visits in the year and the last one. A follow-up is in its
     * enrolment's county (PostgreSQL's key says so): naming it lets PostgreSQL look in that
     * county's partition only, where it otherwise probed all of them for each enrolment. */
    hss_stmt *s = prepare_scoped(st, G,
        "SELECT e.village_code,e.disease='diabetes',e.s_birth,e.enrolled_on<=:ys,"
        " (SELECT count(*) FROM care_followup f WHERE f.enrolment_id=e.id AND f.county_code=e.county_code"
        " AND f.visit_date>:ys AND f.visit_date<=:d),"
        " l.visit_date,coalesce(l.sbp,-1),coalesce(l.dbp,-1),coalesce(l.glucose,-1),l.symptoms "
        "FROM care_enrolment e LEFT JOIN care_followup l ON l.county_code=e.county_code AND l.id=(SELECT f.id "
        " FROM care_followup f WHERE f.enrolment_id=e.id AND f.county_code=e.county_code"
        " AND f.visit_date>:ys AND f.visit_date<=:d ORDER BY f.visit_date DESC, f.id DESC LIMIT 1) "
        "WHERE e.enrolled_on<=:d%s", " AND e.village_code BETWEEN :lo AND :hi", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, hss_store_bind_index(s, ":ys"), ys);
    hss_store_bind_text(s, hss_store_bind_index(s, ":d"), d);
    int step;
    while ((step = hss_store_step(s)) == HSS_ROW) {
        group *g = find(G, care_col_text(s, 0));
        if (!g)
            continue;
        int dm = hss_store_col_int(s, 1);
        int whole_year = hss_store_col_int(s, 3);
        int visits = hss_store_col_int(s, 4);
        int base = dm ? M_DM_YEAR : M_HTN_YEAR;
        if (whole_year) {
            g->m[base]++;
            if (visits >= r->visits_per_year)
                g->m[base + 1]++;
        }
        if (visits > 0) {
            g->m[base + 2]++;
            hss_care_visit v;
            memset(&v, 0, sizeof v);
            hss_care_parse_day(care_col_text(s, 5), 0, &v.day);
            v.sbp = hss_store_col_int(s, 6);
            v.dbp = hss_store_col_int(s, 7);
            v.glucose = hss_store_col_double(s, 8);
            char bad[64];
            hss_care_symptoms_parse(care_col_text(s, 9), &v.symptoms, bad);
            int age = hss_care_age(hss_store_col_int(s, 2), v.day);
            if (hss_care_classify(r, dm, age, &v) == HSS_READ_CONTROLLED)
                g->m[base + 3]++;
        }
    }
    hss_store_finalize(s);
    if (step != HSS_DONE)
        return hss_store_error(st, err, "computing chronic-disease measures");
    return HSS_OK;
}

hss_code hss_care_measures(hss_store *st, const hss_care_rules *r, const char *under, int32_t day,
                           hss_table **out, hss_error *err)
{
    groups G = {0};
    /* the groups: counties, or the children of `under` */
    hss_stmt *s = hss_store_prepare(st, under ? "SELECT code,name,level FROM area WHERE parent_code=? ORDER BY code"
                                                  : "SELECT code,name,level FROM area WHERE level='county' ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    if (under)
        hss_store_bind_text(s, 1, under);
    size_t cap = 0;
    while (hss_store_step(s) == HSS_ROW) {
        group *g = group_new(&G, &cap);
        snprintf(g->code, sizeof g->code, "%s", care_col_text(s, 0));
        snprintf(g->name, sizeof g->name, "%s", care_col_text(s, 1));
        int lv = hss_model_find(HSS_VOCAB_LEVEL, care_col_text(s, 2));
        G.plen = lv >= 0 ? hss_level_prefix_len(lv) : 12;
    }
    hss_store_finalize(s);
    if (!G.n) {
        free(G.g);
        return under ? hss_fail(err, HSS_ENOTFOUND, "area '%s' has no child areas", under)
                     : hss_fail(err, HSS_ENOTFOUND, "no county-level areas in the database");
    }
    for (size_t i = 0; i < G.n; i++)
        G.g[i].code[G.plen < 15 ? G.plen : 15] = 0; /* compare by significant prefix */
    hss_code rc = count_measures(st, r, &G, day, err);
    if (rc)
        goto fail;
    hss_table *t = hss_table_new();
    static const char *const cols[][2] = {
        {"area_code", "地区代码"}, {"area", "地区"}, {"residents", "居民数"}, {"contracted", "签约人数"},
        {"contracting_rate", "签约率%"}, {"key_group_residents", "重点人群"}, {"key_group_contracted", "重点人群签约"},
        {"key_group_contracting_rate", "重点人群签约率%"}, {"contracts_ended", "到期签约"}, {"contracts_renewed", "已续约"},
        {"renewal_rate", "续约率%"}, {"referrals_up", "上转"}, {"referrals_up_in_county", "县域内上转"},
        {"in_county_share", "县域内占比%"}, {"referrals_down", "下转"},
        {"htn_whole_year", "高血压全年管理"}, {"htn_standard", "高血压规范管理"}, {"htn_standard_management_rate", "高血压规范管理率%"},
        {"htn_followed", "高血压年内随访"}, {"htn_controlled", "高血压控制"}, {"htn_control_rate", "高血压控制率%"},
        {"dm_whole_year", "糖尿病全年管理"}, {"dm_standard", "糖尿病规范管理"}, {"dm_standard_management_rate", "糖尿病规范管理率%"},
        {"dm_followed", "糖尿病年内随访"}, {"dm_controlled", "糖尿病控制"}, {"dm_control_rate", "糖尿病控制率%"},
    };
    size_t nc = sizeof cols / sizeof *cols;
    for (size_t i = 0; i < nc; i++) {
        int rate = strstr(cols[i][0], "rate") || strstr(cols[i][0], "share");
        hss_table_add_col(t, cols[i][0], cols[i][1], i < 2 ? HSS_COL_TEXT : rate ? HSS_COL_REAL : HSS_COL_INT);
    }
    group total;
    memset(&total, 0, sizeof total);
    snprintf(total.code, sizeof total.code, "total");
    snprintf(total.name, sizeof total.name, "合计");
    for (size_t gi = 0; gi <= G.n; gi++) {
        group *g = gi < G.n ? &G.g[gi] : &total;
        if (gi < G.n)
            for (int k = 0; k < M_COUNT; k++)
                total.m[k] += g->m[k];
        const long long *m = g->m;
        hss_table_add_row(t);
        hss_table_set_text(t, 0, gi < G.n ? g->code : "total");
        hss_table_set_text(t, 1, g->name);
        hss_table_set_int(t, 2, m[M_RES]);
        hss_table_set_int(t, 3, m[M_CON]);
        set_rate(t, 4, m[M_CON], m[M_RES]);
        hss_table_set_int(t, 5, m[M_KG]);
        hss_table_set_int(t, 6, m[M_KGCON]);
        set_rate(t, 7, m[M_KGCON], m[M_KG]);
        hss_table_set_int(t, 8, m[M_ENDED]);
        hss_table_set_int(t, 9, m[M_RENEWED]);
        set_rate(t, 10, m[M_RENEWED], m[M_ENDED]);
        hss_table_set_int(t, 11, m[M_UP]);
        hss_table_set_int(t, 12, m[M_UPIN]);
        set_rate(t, 13, m[M_UPIN], m[M_UP]);
        hss_table_set_int(t, 14, m[M_DOWN]);
        for (int dz = 0; dz < 2; dz++) {
            int b = dz ? M_DM_YEAR : M_HTN_YEAR;
            size_t c0 = 15 + (size_t)dz * 6;
            hss_table_set_int(t, c0, m[b]);
            hss_table_set_int(t, c0 + 1, m[b + 1]);
            set_rate(t, c0 + 2, m[b + 1], m[b]);
            hss_table_set_int(t, c0 + 3, m[b + 2]);
            hss_table_set_int(t, c0 + 4, m[b + 3]);
            set_rate(t, c0 + 5, m[b + 3], m[b + 2]);
        }
    }
    free(G.g);
    *out = t;
    return HSS_OK;
fail:
    free(G.g);
    return rc;
}

hss_code hss_care_township_figures(hss_store *st, const hss_care_rules *r, const char *township, int32_t day,
                                   hss_care_figures **out, size_t *n, hss_error *err)
{
    *out = NULL;
    *n = 0;
    groups G = {0};
    G.plen = hss_level_prefix_len(HSS_LEVEL_TOWNSHIP);
    hss_stmt *s = hss_store_prepare(st, township ? "SELECT code,name FROM area WHERE code=? AND level='township'"
                                                     : "SELECT code,name FROM area WHERE level='township' ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    if (township)
        hss_store_bind_text(s, 1, township);
    size_t cap = 0;
    while (hss_store_step(s) == HSS_ROW) {
        group *g = group_new(&G, &cap);
        snprintf(g->code, sizeof g->code, "%.*s", G.plen, care_col_text(s, 0));
    }
    hss_store_finalize(s);
    G.scope = township; /* one township: read only its records */
    hss_code rc = G.n ? count_measures(st, r, &G, day, err) : HSS_OK;
    if (rc == HSS_OK && G.n) {
        hss_care_figures *f = hss_xcalloc(G.n, sizeof *f);
        for (size_t i = 0; i < G.n; i++) {
            const long long *m = G.g[i].m;
            snprintf(f[i].township, sizeof f[i].township, "%s", G.g[i].code);
            f[i].residents = m[M_RES];
            f[i].contracted = m[M_CON];
            f[i].key_group = m[M_KG];
            f[i].key_group_contracted = m[M_KGCON];
            f[i].chronic_whole_year = m[M_HTN_YEAR] + m[M_DM_YEAR];
            f[i].chronic_standard = m[M_HTN_STD] + m[M_DM_STD];
        }
        *out = f;
        *n = G.n;
    }
    free(G.g);
    return rc;
}

hss_code hss_care_figures_changed(hss_store *st, hss_vec *townships, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT township FROM care_figures_dirty ORDER BY township", err);
    if (!s)
        return HSS_EDB;
    int r;
    while ((r = hss_store_step(s)) == HSS_ROW)
        *(char **)hss_vec_push(townships) = hss_xstrdup(care_col_text(s, 0));
    hss_store_finalize(s);
    return r == HSS_DONE ? HSS_OK : hss_store_error(st, err, "reading the changed townships");
}

hss_code hss_care_figures_taken(hss_store *st, hss_error *err)
{
    return hss_store_exec(st, "DELETE FROM care_figures_dirty", err);
}
