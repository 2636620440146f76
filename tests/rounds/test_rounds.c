/*
 * test_rounds.c: the rounds module on a road worked out on paper: a straight road of 10 edges,
 * each 1 km at 60 km/h (one minute), a township health centre at node 0 and villages at nodes
 * 1..8. Import (strict errors naming file:line, column and value; nothing stored on error;
 * replacing a round; absent columns keep stored values; one audit row), coverage (clinic in
 * the circle, stationed doctor, rounds often enough or not), planning (the optimum by hand),
 * the residents' schedule (arrival minute by minute) and the CLI.
 */
#include <cjson/cJSON.h>

#include "access/fixture.h"
#include "policy/policy.h"
#include "rounds/rounds.h"

#define LAT 28.0
static double node_lon(int k)
{
    return 119.0 + k * 0.01;
}

static char *build(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/road_%s.csv", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n");
    for (int k = 0; k < 10; k++)
        fprintf(f, "%d,%d,%.4f,%.4f,%.4f,%.4f,1000,60,0\n", k, k + 1, node_lon(k), LAT, node_lon(k + 1), LAT);
    fclose(f);
    hss_store *st = fx_open(dir, name);
    fx_area(st, "330000", NULL, "province", "rural", -1, NAN, NAN);
    fx_area(st, "331100", "330000", "city", "rural", -1, NAN, NAN);
    fx_area(st, "331121", "331100", "county", "rural", -1, NAN, NAN);
    fx_area(st, "331121001", "331121", "township", "rural", -1, node_lon(0), LAT);
    char code[40];
    for (int k = 1; k <= 8; k++) {
        snprintf(code, sizeof code, "331121001%03d", k);
        fx_area(st, code, "331121001", "village", "rural", 100 * k, node_lon(k), LAT);
    }
    fx_facility(st, "THC", "township_health_center", "331121001", node_lon(0), LAT, 0, 0);
    fx_changed(st);
    hss_error err;
    assert_int_equal(hss_access_import(st, path, NULL, NULL, NULL, &err), HSS_OK);
    char *db = hss_xstrdup(hss_store_path(st));
    hss_store_close(st);
    return db;
}

static hss_store *open_db(const char *db)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    return st;
}

static const char ROUNDS_CSV[] =
    "round,vehicle,home,weekdays,start,seq,village,dwell_min,place\n"
    "R1,浙K-001,THC,135,08:00,1,331121001003,30,村文化礼堂\n"
    "R1,浙K-001,THC,135,08:00,2,331121001005,45,\n"
    "R2,浙K-001,THC,2,09:00,1,331121001006,60,村委会\n";

static void import_list_replace(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), *db = build(dir, "imp.db");
    char *csv = hss_test_write(dir, "rounds.csv", ROUNDS_CSV);
    hss_store *st = open_db(db);
    hss_error err;
    hss_rounds_import_stats s;
    assert_int_equal(hss_rounds_import(st, csv, &s, &err), HSS_OK);
    assert_int_equal(s.rounds, 2);
    assert_int_equal(s.stops, 3);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM audit WHERE target='rounds import'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM mobile_round WHERE county_code='331121'"), 2);
    hss_table *t = NULL;
    assert_int_equal(hss_rounds_list(st, "331121", &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 3);
    assert_string_equal(hss_table_cell(t, 0, 0), "R1");
    assert_string_equal(hss_table_cell(t, 0, 8), "331121001003");
    assert_string_equal(hss_table_cell(t, 0, 11), "村文化礼堂");
    assert_string_equal(hss_table_cell(t, 2, 6), "09:00");
    hss_table_free(t);
    /* R1 again with one stop and no place or start column: the stop's place and the start stay */
    char *again = hss_test_write(dir, "again.csv",
                                 "round,vehicle,home,weekdays,seq,village,dwell_min\n"
                                 "R1,浙K-002,THC,135,1,331121001003,40\n");
    assert_int_equal(hss_rounds_import(st, again, &s, &err), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM mobile_round_stop WHERE round_code='R1'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT dwell_min FROM mobile_round_stop WHERE round_code='R1'"), 40);
    assert_int_equal(hss_test_query_int(st, "SELECT place='村文化礼堂' FROM mobile_round_stop WHERE round_code='R1'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT start_time='08:00' AND vehicle='浙K-002' FROM mobile_round WHERE code='R1'"), 1);
    hss_store_close(st);
    free(again);
    free(csv);
    free(db);
    free(dir);
}

/* Each bad file fails with its line, column and value, and stores nothing. */
static void import_rejects_bad_input(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), *db = build(dir, "bad.db");
    hss_store *st = open_db(db);
    static const struct {
        const char *csv, *want;
    } cases[] = {
        {"round,vehicle,home,weekdays,seq,village,dwell_min\nR1,V,THC,13,1,331121001003,30\nR1,V,THC,13,2,331121009999,30\n",
         ":3: column 'village': value '331121009999' is not a stored area"},
        {"round,vehicle,home,weekdays,seq,village,dwell_min\nR1,V,THC,31,1,331121001003,30\n",
         ":2: column 'weekdays': value '31'"},
        {"round,vehicle,home,weekdays,seq,village,dwell_min\nR1,V,NOPE,1,1,331121001003,30\n",
         ":2: column 'home': value 'NOPE' is not a stored facility"},
        {"round,vehicle,home,weekdays,seq,village,dwell_min\nR1,V,THC,1,1,331121001003,0\n",
         ":2: column 'dwell_min': value '0'"},
        {"round,vehicle,home,weekdays,seq,village,dwell_min\nR1,V,THC,1,1,331121001003,30\nR1,V,THC,2,2,331121001004,30\n",
         ":3: column 'weekdays': value '2' differs from the round's earlier rows"},
        {"round,vehicle,home,weekdays,seq,village,dwell_min\nR1,V,THC,1,1,331121001003,30\nR1,V,THC,1,3,331121001004,30\n",
         "round 'R1': column 'seq': stops must be numbered 1 to 2 without gaps"},
        {"round,vehicle,home,weekdays,seq,village,dwell_min\nR1,V,THC,1,1,331121001,30\n",
         ":2: column 'village': value '331121001' is not a village"},
        {"village,facility,doctors\n331121001004,THC,x\n", ":2: column 'doctors': value 'x'"},
        {"village,facility\n331121001004,THC\n", "neither"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char name[32];
        snprintf(name, sizeof name, "bad%zu.csv", i);
        char *f = hss_test_write(dir, name, cases[i].csv);
        hss_error err;
        hss_error_clear(&err);
        assert_int_equal(hss_rounds_import(st, f, NULL, &err), HSS_EINVAL);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("case %zu: '%s' does not contain '%s'", i, err.msg, cases[i].want);
        assert_true(strstr(err.msg, name) != NULL);
        free(f);
    }
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM mobile_round"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM mobile_round_stop"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM audit"), 0);
    hss_store_close(st);
    free(db);
    free(dir);
}

static void coverage_by_clinic_stationed_and_rounds(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), *db = build(dir, "cov.db");
    hss_store *st = open_db(db);
    hss_error err;
    hss_rounds_cover_opts o;
    hss_rounds_cover_defaults(&o);
    o.minutes = 2; /* villages 1 and 2 are within 2 minutes of the centre */
    int64_t villages, served;
    /* nothing recorded: unknown, not zero */
    assert_int_equal(hss_rounds_coverage_count(st, "331121", &o, &villages, &served, &err), HSS_ENOTFOUND);
    char *csv = hss_test_write(dir, "r.csv", ROUNDS_CSV);
    char *sd = hss_test_write(dir, "sd.csv", "village,facility,doctors,days_per_week\n331121001008,THC,1,5\n");
    assert_int_equal(hss_rounds_import(st, csv, NULL, &err), HSS_OK);
    hss_rounds_import_stats s;
    assert_int_equal(hss_rounds_import(st, sd, &s, &err), HSS_OK);
    assert_int_equal(s.stationed, 1);
    /* served: 1, 2 (clinic), 3, 5 (three visits a week), 6 (weekly), 8 (stationed); not 4, 7 */
    assert_int_equal(hss_rounds_coverage_count(st, "331121", &o, &villages, &served, &err), HSS_OK);
    assert_int_equal(villages, 8);
    assert_int_equal(served, 6);
    /* twice a week above 550 residents: village 6 (600) has one visit and falls out */
    assert_int_equal(hss_rounds_rule_parse("1,2:550", &o.rule, &err), HSS_OK);
    assert_int_equal(hss_rounds_coverage_count(st, "331121", &o, &villages, &served, &err), HSS_OK);
    assert_int_equal(served, 5);
    /* only rounds and stationed doctors (巡诊或派驻): 3, 5, 8 */
    o.clinics_count = 0;
    assert_int_equal(hss_rounds_coverage_count(st, NULL, &o, &villages, &served, &err), HSS_OK);
    assert_int_equal(served, 3);
    hss_table *t;
    assert_int_equal(hss_rounds_coverage_table(st, "331121", &o, &t, &err), HSS_OK);
    assert_string_equal(hss_table_cell(t, 7, 8), "stationed");
    assert_string_equal(hss_table_cell(t, 2, 6), "3");
    hss_table_free(t);
    assert_int_equal(hss_rounds_rule_parse("2:x", &o.rule, &err), HSS_EINVAL);
    assert_int_equal(hss_rounds_rule_parse("8", &o.rule, &err), HSS_EINVAL);
    hss_store_close(st);
    free(csv);
    free(sd);
    free(db);
    free(dir);
}

static void plan_by_hand(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), *db = build(dir, "plan.db");
    hss_store *st = open_db(db);
    hss_error err;
    hss_rounds_plan_opts o;
    hss_rounds_plan_defaults(&o);
    o.minutes = 2;    /* villages 3..8 need rounds */
    o.hours = 8;      /* 6 stops x 60 min + 16 min of road fit one day */
    hss_rounds_plan *p = NULL;
    assert_int_equal(hss_rounds_plan_make(st, &o, &p, &err), HSS_OK);
    assert_int_equal(p->nroutes, 1);
    assert_int_equal(p->routes[0].nstops, 6);
    assert_true(fabs(p->routes[0].drive_minutes - 16) < 0.01);
    assert_true(fabs(p->routes[0].total_minutes - 376) < 0.01);
    assert_true(fabs(p->lower_bound - 16) < 0.01);
    assert_int_equal(p->nunserved, 0);
    assert_int_equal(p->counties[0].vehicles_needed, 1);
    hss_rounds_plan_free(p);
    /* 5-hour days: at most 4 stops a day (4 x 60 + road); twice a week above 650 residents
     * (villages 7, 8). Best: {5,6,7,8} twice (2 x 16 min) and {3,4} once (8 min) = 40 minutes,
     * better than {7,8} twice and {3..6} once (2 x 16 + 12 = 44) */
    o.hours = 5;
    assert_int_equal(hss_rounds_rule_parse("1,2:650", &o.rule, &err), HSS_OK);
    assert_int_equal(hss_rounds_plan_make(st, &o, &p, &err), HSS_OK);
    int visits[9] = {0};
    for (size_t r = 0; r < p->nroutes; r++) {
        assert_true(p->routes[r].total_minutes <= 300 + 1e-9);
        for (size_t k = 0; k < p->routes[r].nstops; k++)
            visits[atoi(p->routes[r].stops[k] + 9)]++;
    }
    for (int v = 3; v <= 8; v++)
        assert_int_equal(visits[v], v >= 5 ? 2 : 1);
    /* the twice-a-week round runs on two days at least two apart (spread over the week) */
    for (size_t a = 0; a < p->nroutes; a++)
        for (size_t b = a + 1; b < p->nroutes; b++)
            if (p->routes[a].round == p->routes[b].round)
                assert_true(abs(p->routes[a].day - p->routes[b].day) >= 2);
    assert_true(fabs(p->drive_minutes - 40) < 0.01);
    assert_true(fabs(p->lower_bound - 40) < 0.01);
    char *json = hss_rounds_plan_json(p);
    cJSON *j = cJSON_Parse(json);
    assert_non_null(cJSON_GetObjectItem(j, "routes"));
    assert_non_null(cJSON_GetObjectItem(j, "unserved"));
    assert_non_null(cJSON_GetObjectItem(j, "lower_bound_minutes"));
    cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "routes"), 0);
    static const char *const keys[] = {"vehicle", "home", "day", "stops", "drive_minutes", "total_minutes"};
    for (size_t k = 0; k < 6; k++)
        assert_non_null(cJSON_GetObjectItem(r0, keys[k]));
    cJSON_Delete(j);
    free(json);
    /* the same from a home given by code; an unknown home is refused */
    o.home = "THC";
    hss_rounds_plan *h = NULL;
    assert_int_equal(hss_rounds_plan_make(st, &o, &h, &err), HSS_OK);
    assert_true(fabs(h->drive_minutes - 40) < 0.01);
    hss_rounds_plan_free(h);
    o.home = "NOPE";
    assert_int_equal(hss_rounds_plan_make(st, &o, &h, &err), HSS_ENOTFOUND);
    o.home = NULL;
    /* one vehicle, one day: only one round fits, the rest is unserved */
    o.vehicles = 1;
    o.days = 1;
    hss_rounds_plan *q = NULL;
    assert_int_equal(hss_rounds_plan_make(st, &o, &q, &err), HSS_OK);
    assert_int_equal(q->nroutes, 1);
    assert_true(q->nunserved > 0);
    assert_true(q->counties[0].vehicles_needed > 1);
    /* saving the short plan, then the full one: the second replaces the first (same code
     * prefix), imported rounds would stay; saved rounds serve every planned village */
    assert_int_equal(hss_rounds_plan_save(st, q, 0, &err), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM mobile_round"), 1);
    hss_rounds_plan_free(q);
    assert_int_equal(hss_rounds_plan_save(st, p, 1, &err), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM mobile_round WHERE code LIKE 'G331121-%'"),
                     hss_test_query_int(st, "SELECT COUNT(*) FROM mobile_round"));
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM audit WHERE target='rounds plan --save'"), 2);
    hss_rounds_plan_free(p);
    hss_rounds_cover_opts co;
    hss_rounds_cover_defaults(&co);
    co.minutes = 2;
    co.rule = o.rule;
    int64_t villages, served;
    assert_int_equal(hss_rounds_coverage_count(st, "331121", &co, &villages, &served, &err), HSS_OK);
    assert_int_equal(served, 8);
    hss_store_close(st);
    free(db);
    free(dir);
}

static void schedule_minute_by_minute(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), *db = build(dir, "sched.db");
    char *csv = hss_test_write(dir, "r.csv", ROUNDS_CSV);
    hss_store *st = open_db(db);
    hss_error err;
    assert_int_equal(hss_rounds_import(st, csv, NULL, &err), HSS_OK);
    hss_table *t;
    /* 2026-12-07 is a Monday; R1 runs Mon, Wed, Fri: 3 min to village 3, 30 min there, 2 min on */
    assert_int_equal(hss_rounds_schedule(st, "331121001005", "2026-12-07", 7, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 3);
    assert_string_equal(hss_table_cell(t, 0, 0), "2026-12-07");
    assert_string_equal(hss_table_cell(t, 1, 0), "2026-12-09");
    assert_string_equal(hss_table_cell(t, 2, 1), "5");
    assert_string_equal(hss_table_cell(t, 0, 2), "08:35");
    assert_string_equal(hss_table_cell(t, 0, 3), "09:20");
    assert_string_equal(hss_table_cell(t, 0, 4), "331121001005"); /* no place given: the village */
    hss_table_free(t);
    assert_int_equal(hss_rounds_schedule(st, "331121001003", "2026-12-07", 2, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 1);
    assert_string_equal(hss_table_cell(t, 0, 2), "08:03");
    assert_string_equal(hss_table_cell(t, 0, 4), "村文化礼堂");
    hss_table_free(t);
    assert_int_equal(hss_rounds_schedule(st, "331121009999", NULL, 7, &t, &err), HSS_ENOTFOUND);
    assert_int_equal(hss_rounds_schedule(st, "331121001003", "2026-13-01", 7, &t, &err), HSS_EINVAL);
    hss_store_close(st);
    free(csv);
    free(db);
    free(dir);
}

static void cli_plan_json_and_import_error(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), *db = build(dir, "cli.db");
    char *bad = hss_test_write(dir, "bad.csv", "round,vehicle,home,weekdays,seq,village,dwell_min\nR,V,THC,9,1,331121001003,30\n");
    char cmd[2048], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s rounds plan --db %s --minutes 2 --format json 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "routes")), 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "unserved")), 0);
    assert_true(fabs(cJSON_GetObjectItem(j, "lower_bound_minutes")->valuedouble - 16) < 0.01);
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "%s rounds import --db %s %s 2>&1", hss_test_bin(), db, bad);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "bad.csv:2: column 'weekdays': value '9'"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s rounds plan --db %s --vehicles 0 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    free(out);
    free(bad);
    free(db);
    free(dir);
}


static const char PACK[] =
    "pack: villages\ntitle: {zh: 测试, en: test}\nyear: 2025\ndocuments:\n  - file: 901_test.txt\nrules:\n"
    "  - {id: all, title: {zh: 全覆盖, en: all}, source: {document: 901_test.txt, quote: 原文}, year: 2025,"
    "     scope: {level: county}, measure: village_service_share, params: {minutes: 2, visits_per_week: 1},"
    "     comparator: \">=\", target: 1, unit: {zh: 比例, en: share}, gap: {zh: \"差 {gap}\", en: \"short {gap}\"}}\n"
    "  - {id: visit, title: {zh: 巡诊, en: visit}, source: {document: 901_test.txt, quote: 原文}, year: 2025,"
    "     scope: {level: county}, measure: village_visit_share, params: {visits_per_week: 1},"
    "     comparator: \">=\", target: 1, unit: {zh: 比例, en: share}, gap: {zh: \"差 {gap}\", en: \"short {gap}\"}}\n";

/* "status observed" of each rule of PACK for the county, in rule order. */
static void findings(hss_store *st, const char *dir, char out[2][64])
{
    char *pack = hss_test_write(dir, "villages.yaml", PACK);
    hss_table *t = NULL;
    hss_error err;
    if (hss_policy_findings(st, pack, 0, "331121", &t, &err))
        fail_msg("%s", err.msg);
    free(pack);
    size_t crule = 0, cstatus = 0, cobs = 0, carea = 0;
    for (size_t c = 0; c < hss_table_cols(t); c++) {
        const char *n = hss_table_col_name(t, c);
        if (!strcmp(n, "rule")) crule = c;
        if (!strcmp(n, "status")) cstatus = c;
        if (!strcmp(n, "observed")) cobs = c;
        if (!strcmp(n, "area")) carea = c;
    }
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        if (strcmp(hss_table_cell(t, r, carea), "331121") != 0)
            continue;
        int k = strcmp(hss_table_cell(t, r, crule), "all") == 0 ? 0 : 1;
        snprintf(out[k], 64, "%s %s", hss_table_cell(t, r, cstatus), hss_table_cell(t, r, cobs));
    }
    hss_table_free(t);
}

static void policy_measures_pass_fail_unknown(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), *db = build(dir, "pol.db");
    hss_store *st = open_db(db);
    char got[2][64];
    findings(st, dir, got);
    assert_string_equal(got[0], "unknown ");
    assert_string_equal(got[1], "unknown ");
    hss_error err;
    char *csv = hss_test_write(dir, "r.csv", ROUNDS_CSV);
    char *sd = hss_test_write(dir, "sd.csv", "village,facility,doctors\n331121001008,THC,1\n");
    assert_int_equal(hss_rounds_import(st, csv, NULL, &err), HSS_OK);
    assert_int_equal(hss_rounds_import(st, sd, NULL, &err), HSS_OK);
    findings(st, dir, got);
    assert_string_equal(got[0], "fail 0.75");  /* 1, 2 by clinic; 3, 5, 6 by rounds; 8 stationed */
    assert_string_equal(got[1], "fail 0.5");   /* 3, 5, 6 and 8 */
    hss_store_close(st);
    free(csv);
    free(sd);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_list_replace),
        cmocka_unit_test(import_rejects_bad_input),
        cmocka_unit_test(coverage_by_clinic_stationed_and_rounds),
        cmocka_unit_test(plan_by_hand),
        cmocka_unit_test(schedule_minute_by_minute),
        cmocka_unit_test(cli_plan_json_and_import_error),
        cmocka_unit_test(policy_measures_pass_fail_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
