/*
 * care_fixture.h: the care data the care API tests share, on top of the server test region
 * (tests/data/server/region.sql): a community health centre in 青田, two family-doctor teams
 * (T1 of 碧湖镇中心卫生院 in 莲都 for 碧一村, T2 of the 青田 centre for 鹤一村), three residents
 * (A and B in 碧一村, C in 鹤一村) with valid made-up citizen IDs, a contract, a hypertension
 * patient with an uncontrolled last visit, and two referrals (A's accepted and not yet arrived).
 * Everything is made up for testing.
 */
#ifndef HSS_CARE_FIXTURE_H
#define HSS_CARE_FIXTURE_H

#include "care/care.h"
#include "server_harness.h"

typedef struct care_fixture {
    char a[19], b[19], c[19]; /* full ID numbers */
    int64_t ref_a, ref_c;     /* referral ids */
} care_fixture;

static inline void make_id(char out[19], const char *area, const char *birth, const char *seq)
{
    snprintf(out, 19, "%s%s%s", area, birth, seq);
    out[17] = hss_care_id_check_char(out);
    out[18] = 0;
}

static inline void care_ok(hss_code c, const hss_error *e)
{
    if (c)
        fprintf(stderr, "care fixture: %s\n", e->msg);
    assert_int_equal(c, HSS_OK);
}

static inline void add_care_data(const char *dir, const char *db, care_fixture *f)
{
    make_id(f->a, "331102", "19500301", "001");
    make_id(f->b, "331102", "19900505", "002");
    make_id(f->c, "331121", "19700101", "003");
    char csv[1024];
    snprintf(csv, sizeof csv,
             "id_number,name,sex,birth_date,village_code,household,conditions\n"
             "%s,测试甲,male,1950-03-01,331102101201,H1,hypertension\n"
             "%s,测试乙,female,1990-05-05,331102101201,H2,\n"
             "%s,测试丙,male,1970-01-01,331121100201,H3,\n",
             f->a, f->b, f->c);
    char *path = hss_test_write(dir, "residents.csv", csv);
    hss_error e;
    hss_error_clear(&e);
    hss_store *st = hss_store_open_existing(db, &e);
    assert_non_null(st);
    care_ok(hss_store_exec(st, "INSERT INTO facility(code,name,type,grade,ownership,area_code,lon,lat,generated) VALUES"
                               "('F6','鹤城街道社区卫生服务中心','community_health_center','none','government','331121100',120.29,28.14,1)", &e), &e);
    hss_care_import_stats stats;
    care_ok(hss_care_residents_import(st, path, &stats, &e), &e);
    free(path);
    care_ok(hss_care_team_store(st, "T1", "碧湖一团队", "F2", "331102101201", "村医甲", "0578-2123456", &e), &e);
    care_ok(hss_care_team_add(st, "T2", "鹤城一团队", "F6", "331121100201", "", &e), &e);
    care_ok(hss_care_contract_add(st, f->a, "T1", "elderly", "2025-01-01", NULL, NULL, &e), &e);
    care_ok(hss_care_enrol(st, f->a, "hypertension", "2025-01-01", NULL, &e), &e);
    hss_care_followup_req q = {f->a, "hypertension", "2025-12-20", 168, 96, -1, NULL, "regular", 0, "doc"};
    care_ok(hss_care_followup_add(st, &q, NULL, &e), &e);
    hss_care_referral_req ra = {f->a, "F2", "F1", NULL, 0, "2025-12-01T09:00", "血压控制不佳", "doc"};
    care_ok(hss_care_referral_add(st, &ra, &f->ref_a, &e), &e);
    care_ok(hss_care_referral_transition(st, f->ref_a, "accepted", "2025-12-02T10:00", "doc", NULL, &e), &e);
    hss_care_referral_req rc = {f->c, "F6", "F4", NULL, 0, "2025-12-10T09:00", "专科诊疗", "doc"};
    care_ok(hss_care_referral_add(st, &rc, &f->ref_c, &e), &e);
    care_ok(hss_store_meta_set(st, "care_demo_date", "2025-12-31", &e), &e);
    hss_store_close(st);
}

/* `hss user add NAME --role resident --resident ID` through the CLI. */
static inline int add_resident_user(const char *db, const char *name, const char *id, const char *pw, char **out)
{
    char args[300];
    snprintf(args, sizeof args, "--role resident --resident '%s'", id);
    return add_user_args(db, name, args, pw, out);
}

#endif
