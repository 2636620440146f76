/* test_linked.c: the measures other modules compute, as the policy evaluation sees them: the
 * service circle, EMS response time and radius and sub-centre distance over a real imported
 * road network (access), and an indicator from imported monthly data (metrics). Every figure is
 * worked out by hand from this line-shaped region:
 *
 *   V1 (120.00, 28.00) urban 1,000 ── 9 km ── V2 urban 1,000 ── 21 km ── V3 rural 500
 *   all roads 60 km/h, both ways; so V2 is 9 min and V3 30 min from V1.
 *   At V1: the county hospital (medical-community lead), an EMS centre and a village clinic.
 *   At V3: a central township health centre flagged as a county sub-centre.
 */
#include "testutil.h"

#include "access/access.h"
#include "metrics/metrics.h"
#include "policy/policy.h"
#include "region/region.h"

static const char AREAS[] =
    "code,parent_code,level,name,kind,population,lon,lat\n"
    "330000,,province,测试省,urban,,120.1,28.0\n"
    "331100,330000,city,测试市,urban,,120.1,28.0\n"
    "331102,331100,county,测试县,urban,2500,120.0,28.0\n"
    "331102001,331102,township,一街道,urban,2000,120.0,28.0\n"
    "331102002,331102,township,二镇,rural,500,120.3,28.0\n"
    "331102001001,331102001,village,一社区,urban,1000,120.0,28.0\n"
    "331102001002,331102001,village,二社区,urban,1000,120.09,28.0\n"
    "331102002001,331102002,village,三村,rural,500,120.3,28.0\n";

static const char FACILITIES[] =
    "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,medcom_code,medcom_lead,central,sub_centre\n"
    "H1,测试县人民医院,general_hospital,2A,government,331102001,120.0,28.0,100,100,M1,1,0,0\n"
    "E1,测试县急救中心,ems_center,none,government,331102001,120.0,28.0,,,,0,0,0\n"
    "C1,一社区卫生室,village_clinic,none,government,331102001001,120.0,28.0,,,M1,0,0,0\n"
    "T2,二镇中心卫生院,township_health_center,1,government,331102002,120.3,28.0,20,20,M1,0,1,1\n";

static const char ROADS[] =
    "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n"
    "1,2,120.0,28.0,120.09,28.0,9000,60,0\n"
    "2,3,120.09,28.0,120.3,28.0,21000,60,0\n";

static const char PACK[] =
    "pack: linked\ntitle: {zh: 测试, en: test}\nyear: 2025\ndocuments:\n  - file: 901_test.txt\nrules:\n"
    "  - {id: circle, title: {zh: 圈, en: circle}, source: {document: 901_test.txt, quote: 原文}, year: 2025,"
    "     scope: {level: county}, measure: service_circle_share, params: {minutes: 5}, comparator: \">=\","
    "     target: 1, unit: {zh: 比例, en: share}, gap: {zh: \"差 {gap}\", en: \"short {gap}\"}}\n"
    "  - {id: resp, title: {zh: 反应, en: response}, source: {document: 901_test.txt, quote: 原文}, year: 2025,"
    "     scope: {level: county}, measure: ems_response_time_min, comparator: \"<\","
    "     target: 14, unit: {zh: 分钟, en: min}, gap: {zh: \"差 {gap}\", en: \"short {gap}\"}}\n"
    "  - {id: radius, title: {zh: 半径, en: radius}, source: {document: 901_test.txt, quote: 原文}, year: 2025,"
    "     scope: {level: county}, measure: ems_service_radius_km, comparator: \"<=\","
    "     target: 10, unit: {zh: 公里, en: km}, gap: {zh: \"差 {gap}\", en: \"short {gap}\"}}\n"
    "  - {id: sub, title: {zh: 次中心, en: sub-centre}, source: {document: 901_test.txt, quote: 原文}, year: 2025,"
    "     scope: {each: facility, sub_centre: true}, measure: sub_centre_distance_km, comparator: \">=\","
    "     target: 15, unit: {zh: 公里, en: km}, gap: {zh: \"差 {gap}\", en: \"short {gap}\"}}\n"
    "  - {id: contract, title: {zh: 签约, en: contracting}, source: {document: 901_test.txt, quote: 原文}, year: 2025,"
    "     scope: {level: county}, measure: contracting_rate, comparator: \">=\","
    "     target: 0.6, unit: {zh: 比例, en: share}, gap: {zh: \"差 {gap}\", en: \"short {gap}\"}}\n";

static char *dir;

static hss_store *region(const char *name, int with_roads, int with_data)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    if (hss_region_import_mem(st, HSS_KIND_AREAS, "areas.csv", AREAS, strlen(AREAS), 0, NULL, &err) ||
        hss_region_import_mem(st, HSS_KIND_FACILITIES, "facilities.csv", FACILITIES, strlen(FACILITIES), 0, NULL, &err))
        fail_msg("%s", err.msg);
    if (with_roads) {
        char *roads = hss_test_write(dir, "roads.csv", ROADS);
        if (hss_access_import(st, roads, NULL, NULL, NULL, &err))
            fail_msg("%s", err.msg);
        free(roads);
    }
    if (with_data) {
        /* 1,500 of the county's 2,500 residents under contract at the end of 2025: exactly 0.6. */
        char *csv = hss_test_write(dir, "values.csv", "element,org,period,value\n"
                                                      "contracted_residents,331102001,2025-12,1200\n"
                                                      "contracted_residents,331102002,2025-12,300\n");
        if (hss_metrics_import(st, csv, 0, NULL, &err))
            fail_msg("%s", err.msg);
        free(csv);
    }
    return st;
}

/* The finding of `rule` as "status observed". */
static char *finding(hss_store *st, const char *rule)
{
    char *pack = hss_test_write(dir, "linked.yaml", PACK);
    hss_table *t = NULL;
    hss_error err;
    if (hss_policy_findings(st, pack, 0, NULL, &t, &err))
        fail_msg("%s", err.msg);
    free(pack);
    size_t crule = 0, cstatus = 0, cobs = 0, creason = 0;
    for (size_t c = 0; c < hss_table_cols(t); c++) {
        const char *n = hss_table_col_name(t, c);
        if (!strcmp(n, "rule")) crule = c;
        if (!strcmp(n, "status")) cstatus = c;
        if (!strcmp(n, "observed")) cobs = c;
        if (!strcmp(n, "reason")) creason = c;
    }
    char *out = NULL;
    for (size_t r = 0; r < hss_table_rows(t); r++)
        if (!strcmp(hss_table_cell(t, r, crule), rule)) {
            hss_buf b;
            hss_buf_init(&b);
            hss_buf_printf(&b, "%s %s %s", hss_table_cell(t, r, cstatus), hss_table_cell(t, r, cobs),
                           hss_table_cell(t, r, creason));
            out = hss_buf_steal(&b);
        }
    hss_table_free(t);
    if (!out)
        fail_msg("no finding for rule %s", rule);
    return out;
}

static void expect_prefix(hss_store *st, const char *rule, const char *want)
{
    char *got = finding(st, rule);
    if (strncmp(got, want, strlen(want)) != 0)
        fail_msg("rule %s: got '%s', want '%s...'", rule, got, want);
    free(got);
}

static void travel_time_measures_use_the_road_network(void **state)
{
    (void)state;
    hss_store *st = region("roads.db", 1, 0);
    /* Within 5 min: V1 (clinic, 0 min) and V3 (its township centre, 0 min); V2 is 9 min from the
     * clinic and 21 from the centre: (1000 + 500) / 2500. */
    expect_prefix(st, "circle", "fail 0.6 ");
    /* 1 dispatch + 2 turnout + travel: (1000×3 + 1000×12 + 500×33) / 2500 = 12.6 min. */
    expect_prefix(st, "resp", "pass 12.6 ");
    /* 95 % of 2,500 needs V3 too: the radius is the 30 km to V3 (bisection to 0.05 km). */
    char *got = finding(st, "radius");
    double km = 0;
    assert_int_equal(sscanf(got, "fail %lf", &km), 1);
    assert_true(km >= 30.0 && km <= 30.05);
    free(got);
    /* The sub-centre at V3 is 30 road km from the lead hospital at V1. */
    expect_prefix(st, "sub", "pass 30 ");
    hss_store_close(st);
}

static void without_roads_or_data_the_finding_is_unknown_and_says_why(void **state)
{
    (void)state;
    hss_store *st = region("bare.db", 0, 0);
    char *got = finding(st, "circle");
    assert_non_null(strstr(got, "unknown"));
    assert_non_null(strstr(got, "no road network is stored"));
    free(got);
    got = finding(st, "contract");
    assert_non_null(strstr(got, "unknown"));
    assert_non_null(strstr(got, "needs monthly activity data"));
    free(got);
    hss_store_close(st);
}

static void indicator_measures_use_the_monthly_data(void **state)
{
    (void)state;
    hss_store *st = region("data.db", 0, 1);
    /* Exactly on the 0.6 threshold passes. */
    expect_prefix(st, "contract", "pass 0.6 ");
    hss_store_close(st);
}

int main(void)
{
    dir = hss_test_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(travel_time_measures_use_the_road_network),
        cmocka_unit_test(without_roads_or_data_the_finding_is_unknown_and_says_why),
        cmocka_unit_test(indicator_measures_use_the_monthly_data),
    };
    int rc = cmocka_run_group_tests_name("policy/linked", tests, NULL, NULL);
    free(dir);
    return rc;
}
