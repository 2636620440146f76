/*
 * care_bench.c: the care module at Lishui size. Builds (once, cached) a database with a
 * generated Lishui-shaped area tree (the 9 real county codes, 173 townships, 2,008 villages,
 * 2.5 million residents) and full-size generated care data (hss_care_generate_demo at scale 1),
 * then times:
 *   1. the next action of every chronic patient for one date (load the scheduler summaries
 *      from SQLite + apply the rules), target < 1 s;
 *   2. one family-doctor team's worklist (hss_care_worklist, with its audit rows), target < 10 ms,
 *      and its first page of 50 rows (hss_care_worklist_page);
 * and, as the peer in the same run, the straightforward design: the same next actions computed
 * by reading every patient's whole follow-up history from care_followup.
 * Usage: care_bench DB_PATH [DATE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care/care.h"

static const struct {
    const char *code, *name;
    int townships;
} COUNTIES[] = {
    {"331102", "莲都区", 15}, {"331121", "青田县", 32}, {"331122", "缙云县", 18}, {"331123", "遂昌县", 20},
    {"331124", "松阳县", 19}, {"331125", "云和县", 10}, {"331126", "庆元县", 19}, {"331127", "景宁畲族自治县", 21},
    {"331181", "龙泉市", 19},
};

static uint64_t rs = 12345;
static double unif(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (double)(rs >> 11) / 9007199254740992.0;
}

static int area_add(hss_stmt *a, const char *code, const char *parent, const char *level, const char *name,
                    long long pop)
{
    hss_store_bind_copy(a, 1, code);
    if (parent)
        hss_store_bind_copy(a, 2, parent);
    else
        hss_store_bind_null(a, 2);
    hss_store_bind_text(a, 3, level);
    hss_store_bind_copy(a, 4, name);
    hss_store_bind_text(a, 5, "rural");
    hss_store_bind_int64(a, 6, pop);
    int rc = hss_store_step(a);
    hss_store_reset(a);
    return rc == HSS_DONE ? 0 : -1;
}

static int fac_add(hss_stmt *f, const char *code, const char *name, const char *type, const char *area)
{
    hss_store_bind_copy(f, 1, code);
    hss_store_bind_copy(f, 2, name);
    hss_store_bind_text(f, 3, type);
    hss_store_bind_copy(f, 4, area);
    int rc = hss_store_step(f);
    hss_store_reset(f);
    return rc == HSS_DONE ? 0 : -1;
}

static int build_region(hss_store *st, hss_error *err)
{
    /* 2,008 villages over 173 townships: 11 or 12 each */
    hss_stmt *a = hss_store_prepare(st, "INSERT INTO area(code,parent_code,level,name,kind,population,generated) "
                                            "VALUES(?,?,?,?,?,?,1)", err);
    hss_stmt *f = hss_store_prepare(st, "INSERT INTO facility(code,name,type,ownership,area_code,generated) "
                                            "VALUES(?,?,?,'government',?,1)", err);
    if (!a || !f)
        return -1;
    if (area_add(a, "330000", NULL, "province", "浙江省", 0))
        return -1;
    if (area_add(a, "331100", "330000", "city", "丽水市 (生成区划)", 0))
        return -1;
    int town = 0, villages_left = 2008, towns_left = 173;
    for (size_t c = 0; c < sizeof COUNTIES / sizeof *COUNTIES; c++) {
        if (area_add(a, COUNTIES[c].code, "331100", "county", COUNTIES[c].name, 0))
        return -1;
        char h[32], hn[96];
        snprintf(h, sizeof h, "H%s", COUNTIES[c].code);
        snprintf(hn, sizeof hn, "%s人民医院 (生成)", COUNTIES[c].name);
        if (fac_add(f, h, hn, "general_hospital", COUNTIES[c].code))
            return -1;
        for (int t = 0; t < COUNTIES[c].townships; t++, town++) {
            char tc[32], tn[64];
            snprintf(tc, sizeof tc, "%s%03d", COUNTIES[c].code, (t + 1) % 1000);
            snprintf(tn, sizeof tn, "乡镇%d (生成)", town + 1);
            if (area_add(a, tc, COUNTIES[c].code, "township", tn, 0))
        return -1;
            char fc[48], fn[96];
            snprintf(fc, sizeof fc, "W%s", tc);
            snprintf(fn, sizeof fn, "%s卫生院", tn);
            if (fac_add(f, fc, fn, "township_health_center", tc))
            return -1;
            int nv = villages_left / towns_left;
            villages_left -= nv;
            towns_left--;
            for (int v = 0; v < nv; v++) {
                char vc[48], vn[64];
                snprintf(vc, sizeof vc, "%s%03d", tc, (v + 1) % 1000);
                snprintf(vn, sizeof vn, "村%d (生成)", v + 1);
                /* 2.5 million over 2,008 villages: mean 1,245, spread 0.3x..1.7x */
                long long pop = (long long)(1245.0 * (0.3 + 1.4 * unif()));
                if (area_add(a, vc, tc, "village", vn, pop))
        return -1;
            }
        }
    }
    hss_store_finalize(a);
    hss_store_finalize(f);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: care_bench DB_PATH [DATE]\n");
        return 2;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open(argv[1], &err);
    if (!st) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    hss_stmt *q = hss_store_prepare(st, "SELECT count(*) FROM care_enrolment", &err);
    long long have = q && hss_store_step(q) == HSS_ROW ? hss_store_col_int64(q, 0) : 0;
    hss_store_finalize(q);
    if (!have) {
        double t0 = hss_now();
        printf("building the Lishui-size database %s (generated area tree, full-size care data)...\n", argv[1]);
        fflush(stdout);
        if (hss_store_begin(st, &err) || build_region(st, &err) || hss_store_commit(st, &err)) {
            fprintf(stderr, "region: %s\n", err.msg[0] ? err.msg : hss_store_errmsg(st));
            return 1;
        }
        hss_store_meta_set(st, "demo_date", "2026-11-01", &err);
        if (hss_care_generate_demo(st, 1, 1.0, &err)) {
            fprintf(stderr, "generate: %s\n", err.msg);
            return 1;
        }
        hss_store_exec(st, "ANALYZE", NULL);
        printf("  built in %.1f s\n", hss_now() - t0);
    }
    char *asof = hss_store_meta_get(st, "care_demo_date");
    int32_t day;
    if (hss_care_parse_day(argc > 2 ? argv[2] : asof ? asof : "2026-11-01", 0, &day)) {
        fprintf(stderr, "bad date\n");
        return 2;
    }
    free(asof);
    char ds[11];
    hss_care_format_day(day, ds);
    q = hss_store_prepare(st, "SELECT (SELECT count(*) FROM care_resident),(SELECT count(*) FROM care_enrolment),"
                              "(SELECT count(*) FROM care_followup),(SELECT count(*) FROM care_team)", &err);
    if (q && hss_store_step(q) == HSS_ROW)
        printf("data: %lld residents, %lld chronic enrolments, %lld follow-ups, %lld teams; date %s\n",
               hss_store_col_int64(q, 0), hss_store_col_int64(q, 1), hss_store_col_int64(q, 2),
               hss_store_col_int64(q, 3), ds);
    hss_store_finalize(q);
    hss_care_rules rules;
    hss_care_rules_default(&rules);

    /* 1. every patient's next action (warm the page cache once, then time three runs) */
    double best_load = 1e9, best_comp = 1e9;
    size_t n = 0, counts[5] = {0}, overdue = 0;
    for (int run = 0; run < 4; run++) {
        hss_care_patient *ps = NULL;
        double t0 = hss_now();
        if (hss_care_patients_load(st, NULL, &ps, &n, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        double t1 = hss_now();
        memset(counts, 0, sizeof counts);
        overdue = 0;
        for (size_t i = 0; i < n; i++) {
            hss_care_next nx;
            hss_care_next_action(&rules, &ps[i], day, &nx);
            counts[nx.action]++;
            overdue += nx.status == HSS_DUE_OVERDUE;
        }
        double t2 = hss_now();
        free(ps);
        if (run > 0) {
            if (t1 - t0 < best_load)
                best_load = t1 - t0;
            if (t2 - t1 < best_comp)
                best_comp = t2 - t1;
        }
    }
    printf("next action for every patient (%zu): %.3f s = load %.3f s + rules %.3f s   [target < 1 s]\n", n,
           best_load + best_comp, best_load, best_comp);
    printf("  first_visit %zu, routine %zu, recheck %zu, refer %zu, referral_followup %zu; overdue %zu\n", counts[0],
           counts[1], counts[2], counts[3], counts[4], overdue);

    /* peer: the same from each patient's whole history */
    {
        double t0 = hss_now();
        hss_stmt *s = hss_store_prepare(st,
            "SELECT e.id,e.disease='diabetes',e.s_birth,e.s_enrolled,f.visit_date,coalesce(f.sbp,-1),coalesce(f.dbp,-1),"
            "coalesce(f.glucose,-1),f.symptoms,f.referred FROM care_enrolment e LEFT JOIN care_followup f ON "
            "f.enrolment_id=e.id ORDER BY e.id, f.visit_date, f.id", &err);
        if (!s) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        hss_care_patient p;
        int64_t cur = -1;
        size_t m = 0, same = 0;
        size_t pc[5] = {0};
        int have_p = 0;
        while (1) {
            int r = hss_store_step(s);
            int64_t eid = r == HSS_ROW ? hss_store_col_int64(s, 0) : -2;
            if (eid != cur && have_p) {
                hss_care_next nx;
                hss_care_next_action(&rules, &p, day, &nx);
                pc[nx.action]++;
                m++;
            }
            if (r != HSS_ROW)
                break;
            if (eid != cur) {
                memset(&p, 0, sizeof p);
                p.disease = hss_store_col_int(s, 1);
                p.birth = hss_store_col_int(s, 2);
                p.enrolled = hss_store_col_int(s, 3);
                cur = eid;
                have_p = 1;
            }
            if (!hss_store_col_is_null(s, 4)) {
                hss_care_visit v;
                memset(&v, 0, sizeof v);
                hss_care_parse_day(hss_store_col_text(s, 4), 0, &v.day);
                v.sbp = hss_store_col_int(s, 5);
                v.dbp = hss_store_col_int(s, 6);
                v.glucose = hss_store_col_double(s, 7);
                char bad[64];
                hss_care_symptoms_parse(hss_store_col_text(s, 8), &v.symptoms, bad);
                v.referred = hss_store_col_int(s, 9);
                hss_care_patient_add_visit(&p, &v);
            }
        }
        hss_store_finalize(s);
        for (int k = 0; k < 5; k++)
            same += pc[k] == counts[k];
        printf("peer (whole follow-up history per patient, same rules): %.3f s for %zu patients; "
               "same action counts: %s\n", hss_now() - t0, m, same == 5 ? "yes" : "NO");
    }

    /* 2. one team's worklist: the team with the median number of villages' patients */
    q = hss_store_prepare(st, "SELECT t.code,count(*) c FROM care_team t JOIN care_team_village v ON v.team_code=t.code "
                              "JOIN care_enrolment e ON e.village_code=v.village_code GROUP BY t.code ORDER BY c", &err);
    char team[64] = "";
    long long tp = 0;
    long long nteams = 0;
    while (q && hss_store_step(q) == HSS_ROW)
        nteams++;
    hss_store_reset(q);
    for (long long i = 0; q && i <= nteams / 2 && hss_store_step(q) == HSS_ROW; i++) {
        snprintf(team, sizeof team, "%s", hss_store_col_text(q, 0));
        tp = hss_store_col_int64(q, 1);
    }
    hss_store_finalize(q);
    hss_care_viewer v = {"bench", team, NULL, NULL, NULL, NULL};
    double times[21];
    size_t rows = 0;
    for (int i = 0; i < 21; i++) {
        hss_table *t = NULL;
        double t0 = hss_now();
        if (hss_care_worklist(st, &rules, &v, day, 0, &t, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        times[i] = hss_now() - t0;
        rows = hss_table_rows(t);
        hss_table_free(t);
    }
    qsort(times, 21, sizeof *times, cmp_double);
    printf("worklist of team %s (%lld patients, %zu rows listed and audited): median %.2f ms, max %.2f ms   "
           "[target < 10 ms]\n", team, tp, rows, times[10] * 1000, times[20] * 1000);
    /* the first page of 50 rows, as the screen reads it: the same computing, 50 names and 50
     * access-log rows; what is left is the cost a cache of the computed list could save */
    size_t total = 0;
    for (int i = 0; i < 21; i++) {
        hss_table *t = NULL;
        hss_care_worklist_paging pg = {.limit = 50};
        double t0 = hss_now();
        if (hss_care_worklist_page(st, &rules, &v, day, 0, &pg, &t, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        times[i] = hss_now() - t0;
        total = pg.total;
        hss_table_free(pg.by_action);
        hss_table_free(t);
    }
    qsort(times, 21, sizeof *times, cmp_double);
    printf("its first page of 50 rows (of %zu): median %.2f ms, max %.2f ms\n", total, times[10] * 1000, times[20] * 1000);
    /* the bench's own audit rows are removed again */
    hss_store_exec(st, "DELETE FROM care_access_log WHERE user='bench'", NULL);
    hss_store_close(st);
    return 0;
}
