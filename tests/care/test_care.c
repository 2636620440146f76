/* test_care.c: the care module on a real SQLite file with the hand-made region of
 * tests/data/care/region.sql: resident import (good and bad input, nothing changes on error),
 * every referral transition (legal and illegal), contracts and the measures on a hand-counted
 * cohort, the worklist, scope (a team sees only its residents) and the access log, and the
 * `hss` commands. */
#include "testutil.h"

#include "care/care.h"

#include <pthread.h>

static char *g_dir;
static void ok(hss_code rc, const hss_error *err);

/* A valid ID: 6-digit area, birth date YYYYMMDD, 3-digit sequence, then the check character. */
static void make_id(char *out, const char *area, const char *birth, int seq)
{
    snprintf(out, 19, "%.6s%.8s%03d", area, birth, seq % 1000);
    out[17] = hss_care_id_check_char(out);
    out[18] = 0;
}

static hss_store *open_fixture(const char *name, char *path_out)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    if (path_out)
        strcpy(path_out, path);
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    char *sql = hss_read_file("tests/data/care/region.sql", NULL, &err);
    assert_non_null(sql);
    assert_int_equal(hss_store_exec(st, sql, &err), HSS_OK);
    free(sql);
    return st;
}

static void write_csv(const char *name, const char *body, char *path)
{
    char *p = hss_test_write(g_dir, name, body);
    strcpy(path, p);
    free(p);
}

/* ---- import ---------------------------------------------------------------------------------- */

static void import_good_file(void **state)
{
    (void)state;
    hss_store *st = open_fixture("imp.db", NULL);
    hss_error err;
    hss_error_clear(&err);
    hss_care_import_stats s;
    assert_int_equal(hss_care_residents_import(st, "tests/data/care/residents.csv", &s, &err), HSS_OK);
    assert_int_equal(s.rows, 3);
    assert_int_equal(s.inserted, 3);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident WHERE county_code='331102'"), 2);
    assert_int_equal(hss_test_query_int(st, "SELECT conditions FROM care_resident WHERE name='张一'"), HSS_CARE_HYPERTENSION);
    /* the X check digit is stored upper-case; re-import updates */
    assert_int_equal(hss_care_residents_import(st, "tests/data/care/residents.csv", &s, &err), HSS_OK);
    assert_int_equal(s.updated, 3);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident"), 3);
    hss_store_close(st);
}

static void expect_import_error(hss_store *st, const char *csv, const char *want1, const char *want2)
{
    char path[700];
    write_csv("bad.csv", csv, path);
    long long before = hss_test_query_int(st, "SELECT count(*) FROM care_resident");
    int64_t ver = hss_store_data_version(st);
    hss_error err;
    hss_error_clear(&err);
    hss_care_import_stats s;
    assert_int_not_equal(hss_care_residents_import(st, path, &s, &err), HSS_OK);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fail_msg("error '%s' lacks '%s' / '%s'", err.msg, want1, want2 ? want2 : "");
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident"), before);
    assert_int_equal(hss_store_data_version(st), ver);
}

static void import_bad_input_changes_nothing(void **state)
{
    (void)state;
    hss_store *st = open_fixture("bad.db", NULL);
    const char *H = "id_number,name,sex,birth_date,village_code,household,conditions\n";
    const char *good = "11010519491231002X,张一,female,1949-12-31,331102001001,H1,\n";
    char buf[1024];
    /* bad check digit on line 3 (the good line 2 must not stay) */
    snprintf(buf, sizeof buf, "%s%s110105194912310021,李,female,1949-12-31,331102001001,H1,\n", H, good);
    expect_import_error(st, buf, "bad.csv:3:", "bad check digit");
    /* birth date disagrees with the ID */
    snprintf(buf, sizeof buf, "%s%s440524188001010014,李二,male,1880-01-02,331102001001,H1,\n", H, good);
    expect_import_error(st, buf, "bad.csv:3: column birth_date: value '1880-01-02' disagrees", "4405**********0014");
    /* sex disagrees with the 17th digit */
    snprintf(buf, sizeof buf, "%s440524188001010014,李二,female,1880-01-01,331102001001,H1,\n", H);
    expect_import_error(st, buf, "bad.csv:2: column sex", "says male");
    /* village not in the area table, and a township code is not a village */
    snprintf(buf, sizeof buf, "%s440524188001010014,李二,male,1880-01-01,331102009009,H1,\n", H);
    expect_import_error(st, buf, "bad.csv:2: column village_code: value '331102009009'", "not a village");
    snprintf(buf, sizeof buf, "%s440524188001010014,李二,male,1880-01-01,331102001,H1,\n", H);
    expect_import_error(st, buf, "column village_code", NULL);
    /* unknown condition, pregnant man, duplicate ID, missing column, malformed date */
    snprintf(buf, sizeof buf, "%s440524188001010014,李二,male,1880-01-01,331102001001,H1,hypertension;gout\n", H);
    expect_import_error(st, buf, "unknown condition 'gout'", NULL);
    snprintf(buf, sizeof buf, "%s440524188001010014,李二,male,1880-01-01,331102001001,H1,pregnant\n", H);
    expect_import_error(st, buf, "'pregnant' for a male", NULL);
    snprintf(buf, sizeof buf, "%s%s%s", H, good, good);
    expect_import_error(st, buf, "bad.csv:3: column id_number", "already on line 2");
    expect_import_error(st, "id_number,name,sex,birth_date\n11010519491231002X,张一,female,1949-12-31\n", "village_code", NULL);
    snprintf(buf, sizeof buf, "%s11010519491231002X,张一,female,1949/12/31,331102001001,H1,\n", H);
    expect_import_error(st, buf, "column birth_date: value '1949/12/31'", NULL);
    /* an unknown column, with a suggestion; minimum columns alone are fine */
    expect_import_error(st, "id_number,name,sex,birth_date,village_code,housheold\n", "bad.csv:1: unknown column 'housheold'",
                        "did you mean 'household'");
    char mpath[700];
    write_csv("min.csv", "id_number,name,sex,birth_date,village_code\n11010519491231002x,张一,女,1949-12-31,331102001001\n", mpath);
    hss_error e2;
    hss_error_clear(&e2);
    hss_care_import_stats ms;
    ok(hss_care_residents_import(st, mpath, &ms, &e2), &e2);
    assert_int_equal(ms.inserted, 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident WHERE id_number='11010519491231002X' "
                                            "AND sex='female' AND household='' AND conditions=0"), 1);
    /* the full ID never appears in an error */
    snprintf(buf, sizeof buf, "%s110105194912310021,李,female,1949-12-31,331102001001,H1,\n", H);
    char path[700];
    write_csv("bad2.csv", buf, path);
    hss_error err;
    hss_error_clear(&err);
    assert_int_not_equal(hss_care_residents_import(st, path, NULL, &err), HSS_OK);
    assert_null(strstr(err.msg, "110105194912310021"));
    hss_store_close(st);
}

/* ---- the hand-counted cohort ------------------------------------------------------------------- */

typedef struct {
    char a[19], b[19], c[19], d[19], e[19];
} cohort;

static void add_resident(hss_store *st, const char *id, const char *name, const char *sex, const char *village,
                         const char *conds)
{
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO care_resident(id_number,name,sex,birth_date,village_code,"
                                            "county_code,conditions) VALUES(?,?,?,?,?,?,?)", NULL);
    assert_non_null(s);
    char birth[11];
    hss_care_id_birth(id, birth);
    unsigned m;
    char bad[64];
    assert_int_equal(hss_care_conditions_parse(conds, &m, bad), 0);
    hss_store_bind_text(s, 1, id);
    hss_store_bind_text(s, 2, name);
    hss_store_bind_text(s, 3, sex);
    hss_store_bind_copy(s, 4, birth);
    hss_store_bind_text(s, 5, village);
    hss_store_bind_textn(s, 6, village, 6);
    hss_store_bind_int(s, 7, (int)m);
    assert_int_equal(hss_store_step(s), HSS_DONE);
    hss_store_finalize(s);
}

static void ok(hss_code rc, const hss_error *err)
{
    if (rc != HSS_OK)
        fail_msg("%s", err->msg);
}

static void fu(hss_store *st, const char *id, const char *disease, const char *date, int sbp, int dbp, double g)
{
    hss_care_followup_req q = {id, disease, date, sbp, dbp, g, NULL, "regular", 0, "doc"};
    hss_error err;
    hss_error_clear(&err);
    ok(hss_care_followup_add(st, &q, NULL, &err), &err);
}

/* Residents (on 2026-06-30):
 *   A 1950-03-01 F hypertension, village 一村 (莲都): contract 2025 renewed 2026; htn 5 visits in the year
 *   B 1990-05-05 M, 二村 (莲都): contract from 2026-03-01; htn enrolled 2026-06-01, one uncontrolled visit
 *   C 1985-07-15 M, 二村 (莲都): contract 2025-02-01..2026-01-31 not renewed
 *   D 2022-01-01 F, 三社区 (莲都): child, no contract
 *   E 1970-01-01 M diabetes, 四村 (青田): contract from 2026-01-01; dm enrolled 2026-01-01
 * Teams: T1 (F1) serves 一村, 二村; T2 (F3) serves 四村; T3 (F2) serves 三社区. */
static hss_store *build_cohort(const char *name, cohort *c, char *path)
{
    hss_store *st = open_fixture(name, path);
    make_id(c->a, "331102", "19500301", 2);
    make_id(c->b, "331102", "19900505", 11);
    make_id(c->c, "331102", "19850715", 13);
    make_id(c->d, "331102", "20220101", 4);
    make_id(c->e, "331121", "19700101", 15);
    add_resident(st, c->a, "甲", "female", "331102001001", "hypertension");
    add_resident(st, c->b, "乙", "male", "331102001002", "");
    add_resident(st, c->c, "丙", "male", "331102001002", "");
    add_resident(st, c->d, "丁", "female", "331102002001", "");
    add_resident(st, c->e, "戊", "male", "331121100001", "diabetes");
    hss_error err;
    hss_error_clear(&err);
    ok(hss_care_team_add(st, "T1", "甲镇一团队", "F1", "331102001001;331102001002", "村医甲;村医乙", &err), &err);
    ok(hss_care_team_add(st, "T2", "丙乡一团队", "F3", "331121100001", "", &err), &err);
    ok(hss_care_team_add(st, "T3", "乙街道一团队", "F2", "331102002001", "", &err), &err);
    int64_t id1, id2;
    ok(hss_care_contract_add(st, c->a, "T1", "elderly", "2025-01-01", NULL, &id1, &err), &err);
    ok(hss_care_contract_add(st, c->a, "T1", "elderly", "2026-01-01", NULL, &id2, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_contract WHERE renewal_of IS NOT NULL"), 1);
    ok(hss_care_contract_add(st, c->b, "T1", "basic", "2026-03-01", NULL, NULL, &err), &err);
    ok(hss_care_contract_add(st, c->c, "T1", "basic", "2025-02-01", NULL, NULL, &err), &err);
    ok(hss_care_contract_add(st, c->e, "T2", "chronic", "2026-01-01", NULL, NULL, &err), &err);
    ok(hss_care_enrol(st, c->a, "hypertension", "2025-01-01", NULL, &err), &err);
    fu(st, c->a, "hypertension", "2025-08-01", 135, 85, -1);
    fu(st, c->a, "hypertension", "2025-11-01", 150, 85, -1); /* 75 years old: 150 is not < 150 */
    fu(st, c->a, "hypertension", "2025-11-14", 145, 85, -1);
    fu(st, c->a, "hypertension", "2026-02-01", 130, 80, -1);
    fu(st, c->a, "hypertension", "2026-05-01", 148, 88, -1);
    ok(hss_care_enrol(st, c->b, "hypertension", "2026-06-01", NULL, &err), &err);
    fu(st, c->b, "hypertension", "2026-06-10", 155, 95, -1);
    ok(hss_care_enrol(st, c->e, "diabetes", "2026-01-01", NULL, &err), &err);
    fu(st, c->e, "diabetes", "2026-02-01", -1, -1, 8.0);
    fu(st, c->e, "diabetes", "2026-03-01", -1, -1, 6.5);
    hss_care_referral_req q1 = {c->a, "F1", "H1", NULL, 0, "2026-05-01T09:00", "血压波动", "doc"};
    int64_t r1, r2;
    ok(hss_care_referral_add(st, &q1, &r1, &err), &err);
    ok(hss_care_referral_transition(st, r1, "accepted", "2026-05-02T10:00", "h1", NULL, &err), &err);
    hss_care_referral_req q2 = {c->c, "F1", NULL, "浙江省人民医院", 1, "2026-05-10", "专科诊疗", "doc"};
    ok(hss_care_referral_add(st, &q2, &r2, &err), &err);
    const char *path2[] = {"accepted", "arrived", "completed", "down_referred"};
    const char *at2[] = {"2026-05-11", "2026-05-12", "2026-05-25", "2026-06-01"};
    for (int i = 0; i < 4; i++)
        ok(hss_care_referral_transition(st, r2, path2[i], at2[i], "x", NULL, &err), &err);
    return st;
}

static const char *cell(hss_table *t, size_t row, const char *col)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (strcmp(hss_table_col_name(t, c), col) == 0)
            return hss_table_cell(t, row, c);
    fail_msg("no column %s", col);
    return NULL;
}

static void measures_on_hand_counted_cohort(void **state)
{
    (void)state;
    cohort c;
    hss_store *st = build_cohort("m.db", &c, NULL);
    hss_care_rules r;
    hss_care_rules_default(&r);
    int32_t day;
    hss_care_parse_day("2026-06-30", 0, &day);
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    ok(hss_care_measures(st, &r, NULL, day, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 3); /* 莲都, 青田, total */
    assert_string_equal(cell(t, 0, "area_code"), "331102");
    static const char *const want[3][2][30] = {{{"residents", "contracted", "contracting_rate", "key_group_residents",
        "key_group_contracted", "key_group_contracting_rate", "contracts_ended", "contracts_renewed", "renewal_rate",
        "referrals_up", "referrals_up_in_county", "in_county_share", "referrals_down", "htn_whole_year", "htn_standard",
        "htn_standard_management_rate", "htn_followed", "htn_controlled", "htn_control_rate", "dm_whole_year",
        "dm_standard_management_rate", "dm_followed", "dm_controlled", "dm_control_rate", NULL},
        {"4", "2", "50", "3", "2", "66.7", "2", "1", "50", "2", "1", "50", "1", "1", "1", "100", "2", "1", "50", "0", "", "0",
         "0", ""}}};
    (void)want;
    static const char *const cols[] = {"residents", "contracted", "contracting_rate", "key_group_residents",
        "key_group_contracted", "key_group_contracting_rate", "contracts_ended", "contracts_renewed", "renewal_rate",
        "referrals_up", "referrals_up_in_county", "in_county_share", "referrals_down", "htn_whole_year", "htn_standard",
        "htn_standard_management_rate", "htn_followed", "htn_controlled", "htn_control_rate", "dm_whole_year",
        "dm_standard_management_rate", "dm_followed", "dm_controlled", "dm_control_rate"};
    static const char *const rows[3][24] = {
        /* 莲都 */ {"4", "2", "50", "3", "2", "66.7", "2", "1", "50", "2", "1", "50", "1", "1", "1", "100", "2", "1", "50",
                    "0", "", "0", "0", ""},
        /* 青田 */ {"1", "1", "100", "1", "1", "100", "0", "0", "", "0", "0", "", "0", "0", "0", "", "0", "0", "", "0", "",
                    "1", "1", "100"},
        /* total */ {"5", "3", "60", "4", "3", "75", "2", "1", "50", "2", "1", "50", "1", "1", "1", "100", "2", "1", "50",
                     "0", "", "1", "1", "100"}};
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < 24; k++) {
            const char *got = cell(t, i, cols[k]);
            if (strcmp(got, rows[i][k]) != 0)
                fail_msg("row %zu %s: got '%s', want '%s'", i, cols[k], got, rows[i][k]);
        }
    hss_table_free(t);
    /* by township under 莲都: 甲镇 holds A, B, C */
    ok(hss_care_measures(st, &r, "331102", day, &t, &err), &err);
    assert_string_equal(cell(t, 0, "area_code"), "331102001");
    assert_string_equal(cell(t, 0, "residents"), "3");
    assert_string_equal(cell(t, 1, "residents"), "1");
    hss_table_free(t);
    hss_store_close(st);
}

/* ---- referrals ------------------------------------------------------------------------------------ */

static void referral_transitions_legal_and_illegal(void **state)
{
    (void)state;
    /* the transition table itself: exactly the documented moves */
    int legal = 0;
    for (int f = 0; f < HSS_REF_STATE_COUNT; f++)
        for (int t = 0; t < HSS_REF_STATE_COUNT; t++)
            legal += hss_ref_transition_allowed((hss_ref_state)f, (hss_ref_state)t);
    assert_int_equal(legal, 6);
    cohort c;
    hss_store *st = build_cohort("ref.db", &c, NULL);
    hss_error err;
    hss_error_clear(&err);
    /* for each state reachable, every illegal move is refused and changes nothing */
    static const char *const path[] = {"requested", "accepted", "arrived", "completed", "down_referred", "received"};
    hss_care_referral_req q = {c.b, "F1", "H1", NULL, 0, "2026-06-01T08:00", "test", "doc"};
    int64_t id;
    ok(hss_care_referral_add(st, &q, &id, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT priority FROM care_referral ORDER BY id DESC LIMIT 1"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT in_county FROM care_referral ORDER BY id DESC LIMIT 1"), 1);
    for (int step = 0; step < 6; step++) {
        for (int t = 0; t < HSS_REF_STATE_COUNT; t++) {
            const char *to = hss_ref_state_id((hss_ref_state)t);
            int allowed = step < 5 && strcmp(to, path[step + 1]) == 0;
            if (allowed || (step == 0 && t == HSS_REF_REJECTED))
                continue;
            int64_t ver = hss_store_data_version(st);
            hss_error_clear(&err);
            assert_int_equal(hss_care_referral_transition(st, id, to, "2026-06-20", "doc", NULL, &err), HSS_ECONFLICT);
            char want[128];
            snprintf(want, sizeof want, "is %s", path[step]);
            if (!strstr(err.msg, want) || !strstr(err.msg, "allowed next:"))
                fail_msg("message '%s'", err.msg);
            if (step == 5)
                assert_non_null(strstr(err.msg, "none (final state)"));
            assert_int_equal(hss_store_data_version(st), ver);
        }
        if (step < 5) {
            char at[32];
            snprintf(at, sizeof at, "2026-06-0%dT10:00", step + 2);
            ok(hss_care_referral_transition(st, id, path[step + 1], at, "doc", NULL, &err), &err);
        }
    }
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_referral_event WHERE referral_id=(SELECT max(id) FROM care_referral)"), 6);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_referral WHERE id=(SELECT max(id) FROM care_referral) AND "
                                            "accepted_at='2026-06-02T10:00' AND received_at='2026-06-06T10:00'"), 1);
    /* rejection is final */
    q.at = "2026-06-10";
    ok(hss_care_referral_add(st, &q, &id, &err), &err);
    ok(hss_care_referral_transition(st, id, "rejected", "2026-06-11", "h", "无床位", &err), &err);
    assert_int_equal(hss_care_referral_transition(st, id, "accepted", "2026-06-12", "h", NULL, &err), HSS_ECONFLICT);
    assert_non_null(strstr(err.msg, "is rejected"));
    /* time going backwards, unknown state, unknown referral */
    ok(hss_care_referral_add(st, &q, &id, &err), &err);
    assert_int_equal(hss_care_referral_transition(st, id, "accepted", "2026-06-09", "h", NULL, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "before the previous step"));
    assert_int_equal(hss_care_referral_transition(st, id, "acepted", "2026-06-11", "h", NULL, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean 'accepted'"));
    assert_int_equal(hss_care_referral_transition(st, 9999, "accepted", "2026-06-11", "h", NULL, &err), HSS_ENOTFOUND);
    /* uncontracted resident: no priority; out of county */
    hss_care_referral_req q3 = {c.d, "F2", NULL, "上海某医院", 1, "2026-06-01", "", "doc"};
    ok(hss_care_referral_add(st, &q3, &id, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT priority+in_county FROM care_referral ORDER BY id DESC LIMIT 1"), 0);
    /* referral to a hospital of another county is out of county */
    hss_care_referral_req q4 = {c.a, "F1", "H2", NULL, 0, "2026-06-01", "", "doc"};
    ok(hss_care_referral_add(st, &q4, &id, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT in_county FROM care_referral ORDER BY id DESC LIMIT 1"), 0);
    hss_store_close(st);
}

static void overdue_referrals_escalate(void **state)
{
    (void)state;
    cohort c;
    hss_store *st = build_cohort("od.db", &c, NULL);
    hss_error err;
    hss_error_clear(&err);
    hss_care_viewer v = {"doc", "T1", NULL, NULL, NULL, NULL};
    hss_table *t;
    int32_t day;
    /* A's referral was accepted 2026-05-02 and the patient never arrived */
    hss_care_parse_day("2026-05-08", 0, &day);
    ok(hss_care_referrals(st, &v, day, 7, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 0);
    hss_table_free(t);
    hss_care_parse_day("2026-05-10", 0, &day);
    ok(hss_care_referrals(st, &v, day, 7, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 1);
    assert_string_equal(cell(t, 0, "state"), "accepted");
    char m[19];
    hss_care_id_mask(c.a, m);
    assert_string_equal(cell(t, 0, "id_number"), m);
    hss_table_free(t);
    hss_store_close(st);
}

/* ---- worklist, scope and audit ---------------------------------------------------------------- */

static void worklist_scope_and_audit(void **state)
{
    (void)state;
    cohort c;
    hss_store *st = build_cohort("wl.db", &c, NULL);
    hss_error err;
    hss_error_clear(&err);
    hss_care_rules r;
    hss_care_rules_default(&r);
    int32_t day;
    hss_care_parse_day("2026-06-30", 0, &day);
    hss_care_viewer t1 = {"doc1", "T1", NULL, NULL, NULL, NULL};
    hss_table *t, *t1_again;
    ok(hss_care_worklist(st, &r, &t1, day, 0, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 2);
    /* A: referral accepted 2026-05-02, no arrival; B: uncontrolled on 06-10, re-check due 06-24 */
    assert_string_equal(cell(t, 0, "action"), "referral_overdue");
    assert_string_equal(cell(t, 1, "action"), "recheck");
    assert_string_equal(cell(t, 1, "status"), "overdue");
    assert_string_equal(cell(t, 1, "due_date"), "2026-06-24");
    assert_string_equal(cell(t, 1, "days_overdue"), "6");
    assert_non_null(strstr(cell(t, 1, "reason"), "155/95"));
    char m[19];
    hss_care_id_mask(c.b, m);
    assert_string_equal(cell(t, 1, "id_number"), m);
    hss_table_free(t);
    /* the read is one stored row naming its list; the log shows it as a row per resident */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='doc1' AND action='worklist'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_seen WHERE user_name='doc1' AND action='worklist'"), 2);
    assert_int_equal(hss_test_query_int(st, "SELECT count(DISTINCT resident_id) FROM care_access_seen "
                                            "WHERE user_name='doc1' AND action='worklist'"), 2);
    /* each access-log row carries its resident's county (the partition key on PostgreSQL) */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_seen l JOIN care_resident p ON p.id=l.resident_id "
                                            "WHERE l.county_code<>p.county_code"), 0);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE county_code=''") == 0);
    /* the same page read again is one more row and the same stored list */
    long long lists = hss_test_query_int(st, "SELECT count(*) FROM care_access_list");
    ok(hss_care_worklist(st, &r, &t1, day, 0, &t1_again, &err), &err);
    hss_table_free(t1_again);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='doc1' AND action='worklist'"), 2);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_list"), lists);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_seen WHERE user_name='doc1' AND action='worklist'"), 4);
    /* with --all, A's routine visit (scheduled) shows too, E (another team) never */
    ok(hss_care_worklist(st, &r, &t1, day, 1, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_not_equal(cell(t, i, "name"), "戊");
    hss_table_free(t);
    /* facility F3 (team T2) sees E only: controlled on 03-01, routine due 05-30: overdue */
    hss_care_viewer f3 = {"doc3", NULL, "F3", NULL, NULL, NULL};
    ok(hss_care_worklist(st, &r, &f3, day, 0, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 1);
    assert_string_equal(cell(t, 0, "name"), "戊");
    assert_string_equal(cell(t, 0, "action"), "routine");
    hss_table_free(t);
    /* residents list is scoped and audited */
    ok(hss_care_residents_list(st, &t1, day, 0, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 3); /* A, B, C */
    hss_table_free(t);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='doc1' AND action='list'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(DISTINCT resident_id) FROM care_access_seen "
                                            "WHERE user_name='doc1' AND action='list'"), 3);
    /* a team may not read a resident of another team: refused, not logged */
    hss_table *rec = NULL, *log = NULL;
    long long before = hss_test_query_int(st, "SELECT count(*) FROM care_access_log");
    assert_int_equal(hss_care_resident_show(st, &t1, c.e, day, &rec, &log, &err), HSS_EDENIED);
    assert_non_null(strstr(err.msg, "outside the team T1"));
    assert_null(strstr(err.msg, c.e));
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log"), before);
    /* the area scope: 青田 sees E */
    hss_care_viewer qt = {"county", NULL, NULL, "331121", NULL, NULL};
    ok(hss_care_resident_show(st, &qt, c.e, day, &rec, &log, &err), &err);
    hss_table_free(rec);
    hss_table_free(log);
    /* the resident's own access: sees the record and who read it */
    hss_care_viewer self = {"resident", NULL, NULL, NULL, c.e, NULL};
    ok(hss_care_resident_show(st, &self, c.e, day, &rec, &log, &err), &err);
    hss_care_id_mask(c.e, m);
    assert_string_equal(cell(rec, 0, "id_number"), m);
    assert_string_equal(cell(rec, 0, "contract_team"), "T2");
    assert_non_null(strstr(cell(rec, 0, "key_groups"), "2型糖尿病患者"));
    assert_int_equal(hss_table_rows(log), 3); /* doc3's worklist, the county's show, this show */
    assert_string_equal(cell(log, 0, "user"), "doc3");
    assert_string_equal(cell(log, 1, "user"), "county");
    assert_string_equal(cell(log, 2, "user"), "resident");
    hss_table_free(rec);
    hss_table_free(log);
    /* ... but not someone else's */
    hss_care_viewer other = {"resident", NULL, NULL, NULL, c.a, NULL};
    assert_int_equal(hss_care_resident_show(st, &other, c.e, day, &rec, &log, &err), HSS_EDENIED);
    /* a viewer naming a team that does not exist */
    hss_care_viewer bad = {"x", "T9", NULL, NULL, NULL, NULL};
    assert_int_equal(hss_care_worklist(st, &r, &bad, day, 0, &t, &err), HSS_ENOTFOUND);
    hss_store_close(st);
}

/* A page of the worklist: the rows offset..offset+limit of the whole sorted list, the total and
 * the counts by action over every row, and access-log rows for the page's residents only. */
static void worklist_pages_log_only_the_rows_shown(void **state)
{
    (void)state;
    cohort c;
    hss_store *st = build_cohort("wlpage.db", &c, NULL);
    hss_error err;
    hss_error_clear(&err);
    hss_care_rules r;
    hss_care_rules_default(&r);
    int32_t day;
    hss_care_parse_day("2026-06-30", 0, &day);
    hss_care_viewer t1 = {"pager", "T1", NULL, NULL, NULL, NULL};
    /* with all: A's overdue referral, B's overdue re-check, A's scheduled routine visit */
    hss_care_worklist_paging pg = {.offset = 1, .limit = 1};
    hss_table *t;
    ok(hss_care_worklist_page(st, &r, &t1, day, 1, &pg, &t, &err), &err);
    assert_int_equal(pg.total, 3);
    assert_int_equal(hss_table_rows(t), 1);
    assert_string_equal(cell(t, 0, "action"), "recheck");
    char m[19];
    hss_care_id_mask(c.b, m);
    assert_string_equal(cell(t, 0, "id_number"), m);
    hss_table_free(t);
    assert_int_equal(hss_table_rows(pg.by_action), 3);
    const char *want[][3] = {{"referral_overdue", "1", "1"}, {"recheck", "1", "1"}, {"routine", "1", "0"}};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(cell(pg.by_action, i, "action"), want[i][0]);
        assert_string_equal(cell(pg.by_action, i, "rows"), want[i][1]);
        assert_string_equal(cell(pg.by_action, i, "overdue"), want[i][2]);
    }
    hss_table_free(pg.by_action);
    /* one access-log row, for B, the only resident shown */
    char q[200];
    snprintf(q, sizeof q, "SELECT count(*) FROM care_access_seen l JOIN care_resident p ON p.id=l.resident_id "
                          "WHERE l.user_name='pager' AND p.id_number='%s'", c.b);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='pager'"), 1);
    assert_int_equal(hss_test_query_int(st, q), 1);
    /* the last page is short; past the end is empty and reads nobody */
    pg = (hss_care_worklist_paging){.offset = 2, .limit = 5};
    ok(hss_care_worklist_page(st, &r, &t1, day, 1, &pg, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 1);
    assert_string_equal(cell(t, 0, "action"), "routine");
    hss_table_free(t);
    hss_table_free(pg.by_action);
    pg = (hss_care_worklist_paging){.offset = 9, .limit = 5};
    ok(hss_care_worklist_page(st, &r, &t1, day, 1, &pg, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 0);
    assert_int_equal(pg.total, 3);
    hss_table_free(t);
    hss_table_free(pg.by_action);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='pager'"), 2);
    /* limit 0: every row, as hss_care_worklist */
    pg = (hss_care_worklist_paging){0};
    ok(hss_care_worklist_page(st, &r, &t1, day, 1, &pg, &t, &err), &err);
    assert_int_equal(hss_table_rows(t), 3);
    hss_table_free(t);
    hss_table_free(pg.by_action);
    hss_store_close(st);
}

/* One worklist read of T1 (or F1) on 2026-06-30 with every row, as text: the rows, the total
 * and the counts by action; *hit says whether it came from the kept lists. */
static char *wl_text(hss_store *st, const hss_care_viewer *v, int cached, int *hit)
{
    hss_care_rules r;
    hss_care_rules_default(&r);
    int32_t day;
    hss_care_parse_day("2026-06-30", 0, &day);
    hss_care_worklist_paging pg = {.limit = 2, .cached = cached};
    hss_table *t;
    hss_error err;
    hss_error_clear(&err);
    ok(hss_care_worklist_page(st, &r, v, day, 1, &pg, &t, &err), &err);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "total %zu\n", pg.total);
    hss_table *both[] = {pg.by_action, t};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < hss_table_rows(both[k]); i++) {
            for (size_t j = 0; j < hss_table_cols(both[k]); j++)
                hss_buf_printf(&b, "%s|", hss_table_cell(both[k], i, j));
            hss_buf_putc(&b, '\n');
        }
    hss_table_free(t);
    hss_table_free(pg.by_action);
    if (hit)
        *hit = pg.hit;
    return hss_buf_steal(&b);
}

/* A kept list answers as a fresh one: reads the same; want_hit says how it is expected to
 * come: 0 computed again, 1 as kept (no change since touched the team's villages), 2 kept with
 * the rows of the team's residents that changed computed again. */
static void expect_kept(hss_store *st, const hss_care_viewer *v, int want_hit, const char *what)
{
    int hit = -1;
    char *kept = wl_text(st, v, 1, &hit), *fresh = wl_text(st, v, 0, NULL);
    if (strcmp(kept, fresh) != 0)
        fail_msg("%s: the kept worklist\n%s differs from the fresh one\n%s", what, kept, fresh);
    if (hit != want_hit)
        fail_msg("%s: kept list used as %d, expected %d (0 computed, 1 as kept, 2 patched)", what, hit, want_hit);
    free(kept);
    free(fresh);
}

static void kept_worklists_answer_as_fresh_ones(void **state)
{
    (void)state;
    char path[600], cmd[1600], *out = NULL;
    cohort c;
    hss_store *st = build_cohort("wlcache.db", &c, path);
    hss_care_worklist_cache_clear();
    hss_care_viewer t1 = {"doc", "T1", NULL, NULL, NULL, NULL}, f1 = {"doc", NULL, "F1", NULL, NULL, NULL};
    expect_kept(st, &t1, 0, "first read");
    expect_kept(st, &t1, 1, "second read");
    expect_kept(st, &f1, 0, "the facility's first read");
    char *before = wl_text(st, &t1, 0, NULL);
    /* another team's patient (E, T2): T1's and F1's lists stay */
    fu(st, c.e, "diabetes", "2026-06-20", -1, -1, 6.0);
    expect_kept(st, &t1, 1, "after another team's follow-up");
    expect_kept(st, &f1, 1, "the facility after another team's follow-up");
    /* the team's own patient (B, re-check due): B's rows computed again, and they have changed */
    fu(st, c.b, "hypertension", "2026-06-24", 130, 80, -1);
    expect_kept(st, &t1, 2, "after the team's follow-up");
    expect_kept(st, &f1, 2, "the facility after the team's follow-up");
    char *after = wl_text(st, &t1, 0, NULL);
    assert_string_not_equal(before, after);
    free(before);
    free(after);
    /* a referral step of the team's patient A: the escalation row goes; a patient with two
     * rows (A: a routine visit and the escalation) */
    hss_error err;
    hss_error_clear(&err);
    int64_t ref = hss_test_query_int(st, "SELECT min(id) FROM care_referral WHERE state='accepted'");
    ok(hss_care_referral_transition(st, ref, "arrived", "2026-06-29T09:00", "h1", NULL, &err), &err);
    expect_kept(st, &t1, 2, "after a referral step");
    /* another process (the command line): the team's patient, then another team's */
    snprintf(cmd, sizeof cmd, "%s care followup add --db %s --resident %s --disease hypertension --date 2026-06-28 "
                              "--sbp 165 --dbp 100 2>&1", hss_test_bin(), path, c.b);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    free(out);
    expect_kept(st, &t1, 2, "after another process's follow-up for the team");
    snprintf(cmd, sizeof cmd, "%s care followup add --db %s --resident %s --disease diabetes --date 2026-06-28 "
                              "--glucose 6.1 2>&1", hss_test_bin(), path, c.e);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    free(out);
    expect_kept(st, &t1, 1, "after another process's follow-up for another team");
    /* the names shown are kept with the list: a resident renamed by an import (another
     * process) shows the new name on the next page read from the kept lists */
    char csv[700];
    snprintf(csv, sizeof csv, "%s.rename.csv", path);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fprintf(f, "id_number,name,sex,birth_date,village_code\n%s,乙二,male,1990-05-05,331102001002\n", c.b);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s residents import --db %s %s 2>&1", hss_test_bin(), path, csv);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    free(out);
    expect_kept(st, &t1, 0, "after a resident was renamed");
    hss_care_rules r;
    hss_care_rules_default(&r);
    int32_t day;
    hss_care_parse_day("2026-06-30", 0, &day);
    hss_care_worklist_paging pg = {.cached = 1};
    hss_table *t;
    ok(hss_care_worklist_page(st, &r, &t1, day, 1, &pg, &t, &err), &err);
    assert_int_equal(pg.hit, 1);
    int renamed = 0;
    for (size_t i = 0; i < hss_table_rows(t); i++) {
        assert_string_not_equal(cell(t, i, "name"), "乙");
        renamed += strcmp(cell(t, i, "name"), "乙二") == 0;
    }
    assert_true(renamed > 0);
    hss_table_free(t);
    hss_table_free(pg.by_action);
    /* a change that names no village (a team's villages): every kept list is computed again */
    ok(hss_care_team_add(st, "T1", "甲镇一团队", "F1", "331102001001", "村医甲", &err), &err);
    expect_kept(st, &t1, 0, "after the team lost a village");
    hss_store_close(st);
}

typedef struct {
    hss_store *st;
    const int64_t *ids;
    size_t n;
    hss_code rc;
} list_reader;

static void *read_list(void *arg)
{
    list_reader *x = arg;
    hss_error err;
    hss_error_clear(&err);
    x->rc = hss_care_audit_list(x->st, "second", "worklist", x->ids, x->n, &err);
    return NULL;
}

/* Two connections storing the same new list at once: the second waits for the first and uses
 * its list (on PostgreSQL its insert does nothing, on SQLite it waits for the write lock), so
 * the list is stored once and both reads name it. */
static void a_list_read_at_once_by_two_is_stored_once(void **state)
{
    (void)state;
    char path[600];
    cohort c;
    hss_store *st = build_cohort("lists.db", &c, path);
    hss_error err;
    hss_error_clear(&err);
    hss_store *other = hss_store_open(path, &err);
    assert_non_null(other);
    int64_t ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = hss_test_query_int(st, i == 0 ? "SELECT min(id) FROM care_resident"
                                           : i == 1 ? "SELECT max(id) FROM care_resident"
                                                    : "SELECT min(id) FROM care_resident WHERE id > (SELECT min(id) FROM care_resident)");
    long long lists = hss_test_query_int(st, "SELECT count(*) FROM care_access_list");
    ok(hss_store_begin(st, &err), &err);
    ok(hss_care_audit_list(st, "first", "worklist", ids, 3, &err), &err);
    list_reader x = {other, ids, 3, HSS_EDB};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, read_list, &x), 0);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL); /* the second is waiting for the first's transaction */
    ok(hss_store_commit(st, &err), &err);
    pthread_join(t, NULL);
    assert_int_equal(x.rc, HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_list"), lists + 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(DISTINCT list_id) FROM care_access_log "
                                            "WHERE user_name IN ('first','second')"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_seen WHERE user_name IN ('first','second')"), 6);
    hss_store_close(other);
    hss_store_close(st);
}

static void bad_records_are_refused(void **state)
{
    (void)state;
    cohort c;
    hss_store *st = build_cohort("badrec.db", &c, NULL);
    hss_error err;
    hss_error_clear(&err);
    long long n = hss_test_query_int(st, "SELECT count(*) FROM care_followup");
    hss_care_followup_req q = {c.a, "hypertension", "2026-06-01", 300, 310, -1, NULL, NULL, 0, "doc"};
    assert_int_equal(hss_care_followup_add(st, &q, NULL, &err), HSS_EINVAL);
    q.sbp = 140;
    q.dbp = -1;
    assert_int_equal(hss_care_followup_add(st, &q, NULL, &err), HSS_EINVAL);
    q.dbp = 90;
    q.disease = "diabetes";
    assert_int_equal(hss_care_followup_add(st, &q, NULL, &err), HSS_EINVAL); /* needs glucose */
    q.glucose = 7;
    assert_int_equal(hss_care_followup_add(st, &q, NULL, &err), HSS_ENOTFOUND); /* A not enrolled for diabetes */
    assert_non_null(strstr(err.msg, "not enrolled"));
    q.disease = "hypertension";
    q.date = "2024-01-01";
    assert_int_equal(hss_care_followup_add(st, &q, NULL, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "before the enrolment"));
    q.date = "2026-06-01";
    q.symptoms = "headache_x";
    assert_int_equal(hss_care_followup_add(st, &q, NULL, &err), HSS_EINVAL);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_followup"), n);
    assert_int_equal(hss_care_enrol(st, c.a, "hypertension", "2026-01-01", NULL, &err), HSS_ECONFLICT);
    assert_int_equal(hss_care_contract_add(st, c.a, "T1", "basic", "2026-05-01", NULL, NULL, &err), HSS_ECONFLICT);
    assert_non_null(strstr(err.msg, "running until 2026-12-31"));
    assert_int_equal(hss_care_contract_add(st, c.d, "T1", "gold", "2026-05-01", NULL, NULL, &err), HSS_EINVAL);
    assert_int_equal(hss_care_team_add(st, "T9", "x", "H1", "331102001001", "", &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "general_hospital"));
    assert_int_equal(hss_care_team_add(st, "T9", "x", "F1", "331121100001", "", &err), HSS_EINVAL);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_team WHERE code='T9'"), 0);
    hss_store_close(st);
}

/* ---- the team's phone number ---------------------------------------------------------------------- */

static void team_phone(void **state)
{
    (void)state;
    char why[200];
    const char *good[] = {"", "0578-2123456", "05782123456", "010-12345678", "13812345678"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(hss_care_phone_check(good[i], why, sizeof why), 0);
    const char *bad[] = {"12345", "0578 2123456", "0578-21-23456", "1381234567", "12812345678", "578-2123456", "0578-212345"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(hss_care_phone_check(bad[i], why, sizeof why), -1);
    cohort c;
    hss_store *st = build_cohort("phone.db", &c, NULL);
    hss_error err;
    hss_error_clear(&err);
    ok(hss_care_team_store(st, "T1", "甲镇一团队", "F1", "331102001001;331102001002", "村医甲;村医乙", "0578-2123456", &err), &err);
    /* no phone given: the stored number stays */
    ok(hss_care_team_add(st, "T1", "甲镇一团队", "F1", "331102001001;331102001002", "村医甲;村医乙", &err), &err);
    hss_table *t = NULL;
    ok(hss_care_teams(st, "F1", &t, &err), &err);
    size_t col = hss_table_cols(t) - 1;
    assert_string_equal(hss_table_col_name(t, col), "phone");
    assert_string_equal(hss_table_cell(t, 0, col), "0578-2123456");
    hss_table_free(t);
    /* a bad number stores nothing, not even the new name, and says what is wrong */
    assert_int_equal(hss_care_team_store(st, "T1", "改名", "F1", "331102001001", "", "0578-21", &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "team T1: phone: '0578-21' is not a phone number"));
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_team WHERE code='T1' AND name='甲镇一团队' AND phone='0578-2123456'"), 1);
    assert_int_equal(hss_care_team_set_phone(st, "T404", "13812345678", &err), HSS_ENOTFOUND);
    ok(hss_care_team_set_phone(st, "T1", "", &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_team WHERE code='T1' AND phone=''"), 1);
    /* the team file: phones stored; a file without the column leaves them (and the members) alone */
    char csv[700];
    size_t n = 0;
    write_csv("teams.csv", "code,name,facility,villages,village_doctors,phone\n"
                           "T1,甲镇一团队,F1,331102001001;331102001002,村医甲;村医乙,0578-2123456\n"
                           "T3,乙街道一团队,F2,331102002001,,13812345678\n", csv);
    ok(hss_care_teams_import(st, csv, &n, &err), &err);
    assert_int_equal(n, 2);
    write_csv("teams2.csv", "code,name,facility,villages\nT1,甲镇一团队,F1,331102001001;331102001002\n", csv);
    ok(hss_care_teams_import(st, csv, &n, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_team WHERE code='T1' AND phone='0578-2123456'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_team_member WHERE team_code='T1'"), 2);
    /* a bad number on line 3: file:line and the column, nothing of the file stored */
    write_csv("teams3.csv", "code,name,facility,villages,phone\nT1,新名,F1,331102001001,0578-7654321\nT3,乙,F2,331102002001,110\n", csv);
    assert_int_equal(hss_care_teams_import(st, csv, &n, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "teams3.csv:3: column phone: '110' is not a phone number"));
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_team WHERE code='T1' AND name='甲镇一团队' AND phone='0578-2123456'"), 1);
    write_csv("teams4.csv", "code,name,facility,villages,phon\n", csv);
    assert_int_equal(hss_care_teams_import(st, csv, &n, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "teams4.csv:1: unknown column 'phon' (did you mean 'phone'?)"));
    hss_store_close(st);
}

/* ---- the commands -------------------------------------------------------------------------------- */

static void cli_commands(void **state)
{
    (void)state;
    char path[600];
    cohort c;
    hss_store *st = build_cohort("cli.db", &c, path);
    hss_store_close(st);
    char cmd[2048], *out = NULL;
    /* import with a bad line: exit 1, file:line, nothing stored */
    char csv[700];
    write_csv("cli_bad.csv",
              "id_number,name,sex,birth_date,village_code\n11010519491231002X,张一,female,1949-12-31,331102001001\n"
              "110105194912310021,李,female,1949-12-31,331102001001\n", csv);
    snprintf(cmd, sizeof cmd, "%s residents import --db %s %s 2>&1", hss_test_bin(), path, csv);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "cli_bad.csv:3: column id_number"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s residents import --db %s tests/data/care/residents.csv 2>&1", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "3 residents read, 3 added"));
    free(out);
    /* a team's phone number: a bad one refused with the reason, a good one listed */
    snprintf(cmd, sizeof cmd, "%s care team add --db %s --code T3 --name 乙街道一团队 --facility F2 --villages 331102002001 "
                              "--phone 0578-21 2>&1", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "team T3: phone: '0578-21' is not a phone number"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s care team add --db %s --code T3 --name 乙街道一团队 --facility F2 --villages 331102002001 "
                              "--phone 13812345678 2>&1 && %s care teams --db %s --facility F2 --format csv 2>&1",
             hss_test_bin(), path, hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, ",13812345678"));
    free(out);
    write_csv("cli_teams.csv", "code,name,facility,villages,phone\nT3,乙街道一团队,F2,331102002001,0578-7654321\n", csv);
    snprintf(cmd, sizeof cmd, "%s care team import --db %s %s 2>&1 && %s care teams --db %s --facility F2 --format csv 2>&1",
             hss_test_bin(), path, csv, hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "1 teams stored"));
    assert_non_null(strstr(out, ",0578-7654321"));
    free(out);
    /* worklist as JSON for team T1 on a date */
    snprintf(cmd, sizeof cmd, "%s worklist --db %s --team T1 --date 2026-06-30 --as doc9 --format json 2>&1", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "\"action\":\t\"recheck\""));
    assert_null(strstr(out, c.b)); /* masked */
    free(out);
    /* a referral through the CLI, an illegal move refused with exit 1 */
    snprintf(cmd, sizeof cmd, "%s care referral add --db %s --resident %s --from F1 --to H1 --at 2026-06-01 2>&1",
             hss_test_bin(), path, c.b);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    free(out);
    snprintf(cmd, sizeof cmd, "%s care referral transition --db %s 3 arrived --at 2026-06-02 2>&1", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "is requested"));
    assert_non_null(strstr(out, "allowed next: accepted, rejected"));
    free(out);
    /* the resident's own view lists doc9's worklist read */
    snprintf(cmd, sizeof cmd, "%s residents show %s --db %s --as %s --format csv 2>&1", hss_test_bin(), c.b, path, c.b);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "doc9,worklist"));
    assert_null(strstr(out, c.b));
    free(out);
    /* staff outside the scope are refused */
    snprintf(cmd, sizeof cmd, "%s residents show %s --db %s --as doc --team T2 2>&1", hss_test_bin(), c.b, path);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "outside the team T2"));
    free(out);
    /* measures and follow-up through the CLI */
    snprintf(cmd, sizeof cmd, "%s care followup add --db %s --resident %s --disease hypertension --date 2026-06-20 "
                              "--sbp 128 --dbp 78 --adherence regular 2>&1", hss_test_bin(), path, c.b);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    free(out);
    snprintf(cmd, sizeof cmd, "%s care measures --db %s --date 2026-06-30 --format csv 2>&1", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    /* the import added 张一 (65+, hypertension) and 李二 (65+) to 莲都 */
    assert_non_null(strstr(out, "331102,莲都区,6,2,33.3,5,2,40"));
    free(out);
}

/* Every stored ID number in order, one string: equal strings mean the same residents were generated. */
static char *all_id_numbers(hss_store *st)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_stmt *s = hss_store_prepare(st, "SELECT id_number FROM care_resident ORDER BY id_number", NULL);
    assert_non_null(s);
    while (hss_store_step(s) == HSS_ROW)
        hss_buf_printf(&b, "%s,", hss_store_col_text(s, 0));
    hss_store_finalize(s);
    return hss_buf_steal(&b);
}

static void demo_generation(void **state)
{
    (void)state;
    hss_store *st = open_fixture("demo.db", NULL);
    hss_error err;
    hss_error_clear(&err);
    assert_int_equal(hss_store_meta_set(st, "demo_date", "2026-06-30", &err), HSS_OK);
    /* populations 400 + 200: at scale 1.0, 600 residents */
    ok(hss_care_generate_demo(st, 7, 1.0, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident WHERE generated=1"), 600);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident WHERE generated=0"), 0);
    /* every generated ID is valid and agrees with the birth date and sex */
    hss_stmt *s = hss_store_prepare(st, "SELECT id_number,birth_date,sex,village_code FROM care_resident", NULL);
    while (hss_store_step(s) == HSS_ROW) {
        const char *id = hss_store_col_text(s, 0);
        assert_null(hss_care_id_check(id));
        char b[11];
        hss_care_id_birth(id, b);
        assert_string_equal(b, hss_store_col_text(s, 1));
        assert_string_equal(hss_care_id_sex(id), hss_store_col_text(s, 2));
        assert_memory_equal(id, hss_store_col_text(s, 3), 6);
    }
    hss_store_finalize(s);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_enrolment") > 30);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_followup WHERE visit_date<'2024-06-30'") == 0);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_contract WHERE renewal_of IS NOT NULL") > 10);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_team"), 3);
    /* the scheduler summary agrees with the follow-ups */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_enrolment e WHERE s_nvisits <> (SELECT CASE WHEN "
                                            "count(*)<2 THEN count(*) ELSE 2 END FROM care_followup f WHERE f.enrolment_id=e.id)"), 0);
    /* the packed summaries decode to each enrolment's latest follow-up */
    hss_care_patient *ps = NULL;
    size_t np = 0;
    ok(hss_care_patients_load(st, NULL, &ps, &np, &err), &err);
    assert_true(np > 30);
    hss_stmt *lv = hss_store_prepare(st, "SELECT visit_date,sbp,glucose FROM care_followup WHERE enrolment_id=? "
                                         "ORDER BY visit_date DESC, id DESC LIMIT 1", NULL);
    for (size_t i = 0; i < np; i++) {
        hss_store_reset(lv);
        hss_store_bind_int64(lv, 1, ps[i].enrolment_id);
        if (ps[i].nvisits == 0) {
            assert_int_equal(hss_store_step(lv), HSS_DONE);
            continue;
        }
        assert_int_equal(hss_store_step(lv), HSS_ROW);
        int32_t d;
        assert_int_equal(hss_care_parse_day(hss_store_col_text(lv, 0), 0, &d), 0);
        assert_int_equal(ps[i].last.day, d);
        assert_int_equal(ps[i].last.sbp, hss_store_col_is_null(lv, 1) ? -1 : hss_store_col_int(lv, 1));
        if (!hss_store_col_is_null(lv, 2))
            assert_true(ps[i].last.glucose == hss_store_col_double(lv, 2));
    }
    hss_store_finalize(lv);
    free(ps);
    /* a list of generated residents read: generating again removes its read and the list */
    int64_t listed[2] = {hss_test_query_int(st, "SELECT min(id) FROM care_resident WHERE generated=1"),
                         hss_test_query_int(st, "SELECT max(id) FROM care_resident WHERE generated=1")};
    ok(hss_care_audit_list(st, "doc", "worklist", listed, 2, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_seen WHERE user_name='doc' AND action='worklist'"), 2);
    /* deterministic: again with the same seed gives the same IDs; real data is kept */
    char *ids1 = all_id_numbers(st);
    ok(hss_care_generate_demo(st, 7, 1.0, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE list_id IS NOT NULL"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_list"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_list_member"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident"), 600);
    long long ids = hss_test_query_int(st, "SELECT count(DISTINCT id_number) FROM care_resident");
    assert_int_equal(ids, 600);
    char *ids2 = all_id_numbers(st);
    assert_string_equal(ids1, ids2);
    free(ids1);
    free(ids2);
    /* scaled */
    ok(hss_care_generate_demo(st, 7, 0.1, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident"), 60);
    /* a village without a population gets an even share of its township's (甲镇 300 / 2) */
    assert_int_equal(hss_store_exec(st, "UPDATE area SET population=NULL WHERE code='331102001002'", &err), HSS_OK);
    ok(hss_care_generate_demo(st, 7, 1.0, &err), &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident WHERE village_code='331102001002'"), 150);
    /* no villages at all: a clear error */
    hss_store *empty = hss_store_open(":memory:", &err);
    assert_int_equal(hss_care_generate_demo(empty, 1, 0.01, &err), HSS_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no villages"));
    hss_store_close(empty);
    hss_store_close(st);
}

/* `hss care demo-logins` on a database without a demo region: a clear error, no account made. */
static void demo_logins_need_a_demo_region(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), path[600], cmd[1400], *out = NULL;
    snprintf(path, sizeof path, "%s/empty.db", dir);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    hss_store_close(st);
    snprintf(cmd, sizeof cmd, "%s care demo-logins --db %s 2>&1", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "no township family-doctor team, county general hospital or managed resident"));
    free(out);
    assert_int_equal(db_query_int(path, "SELECT count(*) FROM app_user"), 0);
    free(dir);
}

int main(void)
{
    g_dir = hss_test_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_good_file),
        cmocka_unit_test(import_bad_input_changes_nothing),
        cmocka_unit_test(measures_on_hand_counted_cohort),
        cmocka_unit_test(referral_transitions_legal_and_illegal),
        cmocka_unit_test(overdue_referrals_escalate),
        cmocka_unit_test(worklist_scope_and_audit),
        cmocka_unit_test(worklist_pages_log_only_the_rows_shown),
        cmocka_unit_test(kept_worklists_answer_as_fresh_ones),
        cmocka_unit_test(a_list_read_at_once_by_two_is_stored_once),
        cmocka_unit_test(bad_records_are_refused),
        cmocka_unit_test(team_phone),
        cmocka_unit_test(cli_commands),
        cmocka_unit_test(demo_generation),
        cmocka_unit_test(demo_logins_need_a_demo_region),
    };
    int rc = cmocka_run_group_tests_name("care", tests, NULL, NULL);
    free(g_dir);
    return rc;
}
