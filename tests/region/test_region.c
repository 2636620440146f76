/*
 * test_region.c: the region module against real SQLite files — import of the made-up test
 * region (tests/data/region), listings, summary totals, export/import round trip, re-import by
 * code, dry run, and one bad file per validator showing the message and that nothing changed.
 */
#include "testutil.h"

#include "region/region.h"

#ifndef DATA
#define DATA "tests/data/region"
#endif

static char *tmp;

static char *path_in(const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", tmp, name);
    return hss_xstrdup(p);
}

static hss_store *fresh_db(const char *name)
{
    char *p = path_in(name);
    unlink(p);
    hss_error err;
    hss_store *st = hss_store_open(p, &err);
    free(p);
    assert_non_null(st);
    return st;
}

static void import_ok(hss_store *st, hss_region_kind kind, const char *file, size_t rows)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", DATA, file);
    hss_error err;
    hss_error_clear(&err);
    hss_import_stats s;
    hss_code rc = hss_region_import(st, kind, p, 0, &s, &err);
    if (rc)
        fail_msg("%s: %s", file, err.msg);
    assert_int_equal(s.rows, rows);
}

/* The test region: 14 areas, 2 boundaries, 7 facilities, 13 staff rows, 8 vehicle rows. */
static hss_store *sample_db(const char *name)
{
    hss_store *st = fresh_db(name);
    import_ok(st, HSS_KIND_AREAS, "areas.csv", 14);
    import_ok(st, HSS_KIND_BOUNDARIES, "boundaries.geojson", 2);
    import_ok(st, HSS_KIND_FACILITIES, "facilities.csv", 7);
    import_ok(st, HSS_KIND_STAFF, "staff.csv", 13);
    import_ok(st, HSS_KIND_VEHICLES, "vehicles.csv", 8);
    return st;
}

/* Everything that could change, as one string. */
static char *snapshot(hss_store *st)
{
    hss_buf b;
    hss_buf_init(&b);
    static const char *const q[] = {
        "SELECT count(*) FROM area", "SELECT count(*) FROM facility", "SELECT count(*) FROM staff",
        "SELECT count(*) FROM vehicle", "SELECT count(*) FROM boundary",
        "SELECT coalesce(sum(population), 0) + coalesce(sum(lon), 0) FROM area",
        "SELECT coalesce(sum(beds_open), 0) + coalesce(sum(length(services)), 0) FROM facility",
        "SELECT coalesce(sum(count), 0) FROM staff", "SELECT coalesce(sum(count), 0) FROM vehicle"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++)
        hss_buf_printf(&b, "%lld ", hss_test_query_int(st, q[i]));
    hss_buf_printf(&b, "v%lld", (long long)hss_store_data_version(st));
    return hss_buf_steal(&b);
}

static void imports_sample_region(void **state)
{
    (void)state;
    hss_store *st = sample_db("sample.db");
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area"), 14);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility"), 7);
    assert_int_equal(hss_store_data_version(st), 5);
    /* Chinese grade spellings are stored as glossary ids; services in vocabulary order. */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE code='F001' AND grade='3A'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE code='F005' AND grade='2A'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility WHERE code='F003' AND services='tcm_hall;rehabilitation'"), 1);
    /* Empty population = unknown (NULL), not zero. */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area WHERE population IS NULL"), 8);
    hss_store_close(st);
}

static void listings_filter(void **state)
{
    (void)state;
    hss_store *st = sample_db("list.db");
    hss_error err;
    hss_table *t;
    hss_region_filter f = {.under = "331102101"};
    assert_int_equal(hss_region_areas(st, &f, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 3);
    assert_string_equal(hss_table_cell(t, 0, 0), "331102101");
    hss_table_free(t);
    hss_region_filter lv = {.level = "village"};
    assert_int_equal(hss_region_areas(st, &lv, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 6);
    hss_table_free(t);
    hss_region_filter ty = {.under = "331102", .type = "general_hospital"};
    assert_int_equal(hss_region_facilities(st, &ty, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 2);
    hss_table_free(t);
    hss_region_filter page = {.limit = 2, .offset = 5};
    assert_int_equal(hss_region_facilities(st, &page, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 2);
    assert_string_equal(hss_table_cell(t, 0, 0), "F006");
    assert_string_equal(hss_table_cell(t, 1, 0), "F007");
    hss_table_free(t);
    /* JSON items use the CSV column names. */
    char *json = NULL;
    hss_region_filter one = {.under = "331102101001"};
    assert_int_equal(hss_region_facilities(st, &one, &t, &err), HSS_OK);
    json = hss_table_render(t, HSS_FORMAT_JSON);
    assert_non_null(strstr(json, "\"beds_approved\":null"));
    assert_non_null(strstr(json, "\"area_code\":\"331102101001\""));
    free(json);
    hss_table_free(t);
    /* Bad filters are clear errors. */
    hss_region_filter bad = {.type = "general_hospitl"};
    assert_int_equal(hss_region_facilities(st, &bad, &t, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean 'general_hospital'"));
    hss_region_filter nowhere = {.under = "339999"};
    assert_int_equal(hss_region_areas(st, &nowhere, &t, &err), HSS_ENOTFOUND);
    /* Point in area: inside 331102's rectangle, outside it, and no boundary above 331100. */
    char *b = NULL;
    assert_int_equal(hss_region_point_in_area(st, "331102101001", 119.8, 28.3, &b), 1);
    assert_string_equal(b, "331102");
    free(b);
    assert_int_equal(hss_region_point_in_area(st, "331102101001", 120.3, 28.3, NULL), 0);
    assert_int_equal(hss_region_point_in_area(st, "331100", 119.8, 28.3, NULL), -1);
    hss_store_close(st);
}

static size_t col(const hss_table *t, const char *name)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (strcmp(hss_table_col_name(t, c), name) == 0)
            return c;
    fail_msg("no column %s", name);
    return 0;
}

static long long cell(const hss_table *t, size_t r, const char *name)
{
    return atoll(hss_table_cell(t, r, col(t, name)));
}

/* Every numeric column of the last row equals the sum of the rows above it. */
static void assert_totals_add_up(const hss_table *t)
{
    size_t n = hss_table_rows(t);
    assert_true(n >= 2);
    assert_string_equal(hss_table_cell(t, n - 1, 0), "total");
    for (size_t c = 3; c < hss_table_cols(t); c++) {
        long long sum = 0;
        for (size_t r = 0; r + 1 < n; r++)
            sum += atoll(hss_table_cell(t, r, c));
        if (sum != atoll(hss_table_cell(t, n - 1, c)))
            fail_msg("column %s: rows add to %lld, total says %s", hss_table_col_name(t, c), sum,
                     hss_table_cell(t, n - 1, c));
    }
}

static void summary_totals(void **state)
{
    (void)state;
    hss_store *st = sample_db("sum.db");
    hss_error err;
    hss_table *t;
    hss_region_filter f = {.under = "331100"};
    assert_int_equal(hss_region_summary(st, &f, &t, &err), HSS_OK);
    /* 丽水市(本级) (the EMS centre), 莲都区, 青田县, total: see tests/data/region/README.md */
    assert_int_equal(hss_table_rows(t), 4);
    assert_string_equal(hss_table_cell(t, 0, 0), "331100");
    assert_int_equal(cell(t, 0, "ems_center"), 1);
    assert_int_equal(cell(t, 0, "ambulances"), 10);
    assert_string_equal(hss_table_cell(t, 1, 1), "莲都区");
    assert_int_equal(cell(t, 1, "population"), 24500);
    assert_int_equal(cell(t, 1, "facilities"), 4);
    assert_int_equal(cell(t, 1, "beds_approved"), 2560);
    assert_int_equal(cell(t, 1, "beds_open"), 2625);
    assert_int_equal(cell(t, 1, "beds_unreported"), 1);
    assert_int_equal(cell(t, 1, "licensed_physician"), 762);
    assert_int_equal(cell(t, 1, "registered_nurse"), 1110);
    assert_int_equal(cell(t, 1, "ambulances"), 10); /* 4 + 2 negative-pressure + 3 + 1 */
    assert_int_equal(cell(t, 1, "negative_pressure_ambulances"), 2);
    assert_int_equal(cell(t, 2, "population"), 20900);
    assert_int_equal(cell(t, 2, "psychiatrist"), 3);
    assert_int_equal(cell(t, 3, "population"), 45400);
    assert_int_equal(cell(t, 3, "facilities"), 7);
    assert_int_equal(cell(t, 3, "ambulances"), 24);
    assert_totals_add_up(t);
    hss_table_free(t);
    /* Other cuts of the same region have the same grand total. */
    hss_region_filter lv = {.level = "township"}, vil = {.level = "village", .under = "331102"},
                      top = {0}, ty = {.under = "331100", .type = "general_hospital"};
    assert_int_equal(hss_region_summary(st, &lv, &t, &err), HSS_OK);
    assert_totals_add_up(t);
    assert_int_equal(cell(t, hss_table_rows(t) - 1, "population"), 45400);
    assert_int_equal(cell(t, hss_table_rows(t) - 1, "registered_nurse"), 1322);
    hss_table_free(t);
    assert_int_equal(hss_region_summary(st, &vil, &t, &err), HSS_OK);
    assert_totals_add_up(t);
    assert_int_equal(cell(t, hss_table_rows(t) - 1, "population"), 24500);
    assert_int_equal(cell(t, hss_table_rows(t) - 1, "facilities"), 4);
    hss_table_free(t);
    assert_int_equal(hss_region_summary(st, &top, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 2); /* 丽水市, total */
    assert_totals_add_up(t);
    hss_table_free(t);
    assert_int_equal(hss_region_summary(st, &ty, &t, &err), HSS_OK);
    assert_int_equal(cell(t, hss_table_rows(t) - 1, "facilities"), 3);
    assert_totals_add_up(t);
    hss_table_free(t);
    /* For a terminal: Chinese labels, all-zero breakdown columns left out. */
    hss_region_filter disp = {.under = "331100", .display = 1};
    assert_int_equal(hss_region_summary(st, &disp, &t, &err), HSS_OK);
    char *text = hss_table_render(t, HSS_FORMAT_TABLE);
    assert_non_null(strstr(text, "县(市、区)"));
    assert_non_null(strstr(text, "丽水市(本级)"));
    assert_non_null(strstr(text, "注册护士"));
    assert_null(strstr(text, "传染病医院"));
    free(text);
    hss_table_free(t);
    /* An empty database summarises to a zero total. */
    hss_store *empty = fresh_db("empty.db");
    assert_int_equal(hss_region_summary(empty, NULL, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 1);
    assert_string_equal(hss_table_cell(t, 0, 0), "total");
    hss_table_free(t);
    hss_store_close(empty);
    hss_store_close(st);
}

/* Exports every kind (CSV and JSON) into one string. */
static char *export_all(hss_store *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    hss_error err;
    for (int k = HSS_KIND_AREAS; k <= HSS_KIND_BOUNDARIES; k++) {
        assert_int_equal(hss_region_export(st, (hss_region_kind)k, 0, f, &err), HSS_OK);
        assert_int_equal(hss_region_export(st, (hss_region_kind)k, 1, f, &err), HSS_OK);
    }
    fclose(f);
    return buf;
}

static void round_trip(void **state)
{
    (void)state;
    hss_store *a = sample_db("rt_a.db");
    hss_store *b = fresh_db("rt_b.db");
    static const char *const names[] = {"areas.csv", "facilities.csv", "staff.csv", "vehicles.csv", "b.geojson"};
    static const int order[] = {HSS_KIND_AREAS, HSS_KIND_BOUNDARIES, HSS_KIND_FACILITIES, HSS_KIND_STAFF, HSS_KIND_VEHICLES};
    hss_error err;
    hss_error_clear(&err);
    for (size_t i = 0; i < 5; i++) {
        int k = order[i];
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_int_equal(hss_region_export(a, (hss_region_kind)k, 0, f, &err), HSS_OK);
        fclose(f);
        hss_import_stats s;
        if (hss_region_import_mem(b, (hss_region_kind)k, names[k], buf, len, 0, &s, &err))
            fail_msg("%s", err.msg);
        assert_int_equal(s.inserted, s.rows);
        free(buf);
    }
    char *ea = export_all(a), *eb = export_all(b);
    assert_string_equal(ea, eb);
    /* run_by, beds_rehabilitation and beds_nursing (empty: not recorded) round-trip too */
    assert_non_null(strstr(ea, "F003,碧湖镇中心卫生院,township_health_center,1,government,,331102101,119.8,28.33,60,45,,,,MC_LD,0,1,1,tcm_hall;rehabilitation,0"));
    free(ea);
    free(eb);
    hss_store_close(a);
    hss_store_close(b);
}

static void reimport_updates_by_code(void **state)
{
    (void)state;
    hss_store *st = sample_db("re.db");
    hss_error err;
    hss_import_stats s;
    const char *csv =
        "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open\n"
        "F002,莲都区人民医院,general_hospital,2A,government,331102,119.915,28.45,550,520\n"
        "F008,紫金街道社区卫生服务中心,community_health_center,none,government,331102001,119.93,28.46,30,20\n"
        "F006,季宅乡卫生院,township_health_center,none,government,331121201,120.2,28,20,10\n";
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_FACILITIES, "f.csv", csv, strlen(csv), 0, &s, &err), HSS_OK);
    assert_int_equal(s.rows, 3);
    assert_int_equal(s.inserted, 1);
    /* F002 beds changed; F006 keeps its medcom membership (an absent optional column leaves the
     * stored value alone, issue 19). */
    assert_int_equal(s.updated, 1);
    assert_int_equal(s.unchanged, 1);
    assert_int_equal(hss_test_query_int(st, "SELECT beds_approved FROM facility WHERE code='F002'"), 550);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility"), 8);
    assert_int_equal(hss_store_data_version(st), 6);
    /* The same file again changes nothing and does not bump the data version. */
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_FACILITIES, "f.csv", csv, strlen(csv), 0, &s, &err), HSS_OK);
    assert_int_equal(s.unchanged, 3);
    assert_int_equal(s.inserted + s.updated, 0);
    assert_int_equal(hss_store_data_version(st), 6);
    const char *staff = "facility_code,category,count\nF001,registered_nurse,950\nF001,pharmacist,40\nF002,licensed_physician,150\n";
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_STAFF, "s.csv", staff, strlen(staff), 0, &s, &err), HSS_OK);
    assert_int_equal(s.updated, 1);
    assert_int_equal(s.inserted, 1);
    assert_int_equal(s.unchanged, 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count FROM staff WHERE facility_code='F001' AND category='registered_nurse'"), 950);
    const char *areas = "code,parent_code,level,name,kind,population,lon,lat\n331102101002,331102101,village,上阁村,rural,1600,119.81,28.34\n";
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_AREAS, "a.csv", areas, strlen(areas), 0, &s, &err), HSS_OK);
    assert_int_equal(s.updated, 1);
    assert_int_equal(hss_test_query_int(st, "SELECT population FROM area WHERE code='331102101002'"), 1600);
    hss_store_close(st);
}

static void dry_run_changes_nothing(void **state)
{
    (void)state;
    hss_store *st = fresh_db("dry.db");
    hss_error err;
    hss_import_stats s;
    assert_int_equal(hss_region_import(st, HSS_KIND_AREAS, DATA "/areas.csv", 1, &s, &err), HSS_OK);
    assert_int_equal(s.rows, 14);
    assert_int_equal(s.inserted, 14);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM area"), 0);
    assert_int_equal(hss_store_data_version(st), 0);
    hss_store_close(st);
    st = sample_db("dry2.db");
    char *before = snapshot(st);
    const char *csv = "facility_code,category,count\nF001,registered_nurse,1\n";
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_STAFF, "s.csv", csv, strlen(csv), HSS_IMPORT_DRY_RUN, &s, &err), HSS_OK);
    assert_int_equal(s.updated, 1);
    char *after = snapshot(st);
    assert_string_equal(before, after);
    free(before);
    free(after);
    hss_store_close(st);
}

static void generated_flag(void **state)
{
    (void)state;
    hss_store *st = sample_db("gen.db");
    hss_error err;
    const char *csv = "code,parent_code,level,name,kind,population,lon,lat\n"
                      "331102102,331102,township,生成镇,rural,100,,\n";
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_AREAS, "g.csv", csv, strlen(csv), HSS_IMPORT_GENERATED, NULL, &err), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT generated FROM area WHERE code='331102102'"), 1);
    const char *csv2 = "code,parent_code,level,name,kind,population,lon,lat,generated\n"
                       "331102103,331102,township,真镇,rural,100,,,0\n";
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_AREAS, "g.csv", csv2, strlen(csv2), HSS_IMPORT_GENERATED, NULL, &err), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT generated FROM area WHERE code='331102103'"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT sum(generated) FROM area"), 1);
    hss_store_close(st);
}

/* A savepoint inside the caller's transaction: a failed import undoes only itself. */
static void nested_import_in_caller_transaction(void **state)
{
    (void)state;
    hss_store *st = sample_db("nest.db");
    hss_error err;
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    const char *good = "facility_code,kind,count\nF002,blood_van,1\n";
    const char *bad = "facility_code,kind,count\nF002,blood_vann,1\n";
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_VEHICLES, "g.csv", good, strlen(good), 0, NULL, &err), HSS_OK);
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_VEHICLES, "b.csv", bad, strlen(bad), 0, NULL, &err), HSS_EINVAL);
    assert_int_equal(hss_store_commit(st, &err), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM vehicle WHERE kind='blood_van'"), 1);
    hss_store_close(st);
}

/* ---- one bad file per validator ---------------------------------------------------------- */

typedef struct {
    hss_region_kind kind;
    const char *name, *body, *want;
} bad_case;

#define AREA_H "code,parent_code,level,name,kind,population,lon,lat\n"
#define FAC_H "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open\n"
#define FAC_OK "F100,新诊所,clinic,none,private,331102001,119.92,28.46,0,0\n"
#define STAFF_H "facility_code,category,count\n"
#define VEH_H "facility_code,kind,count\n"
#define RING "[[119.7,28.2],[120.1,28.2],[120.1,28.6],[119.7,28.6],[119.7,28.2]]"

static const bad_case BAD[] = {
    /* vocabularies */
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H FAC_OK "F101,医院,general_hospitl,3A,government,331102,119.9,28.4,10,10\n",
     "facilities.csv:3: column 'type': value 'general_hospitl' is not a facility type (did you mean 'general_hospital'?)"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H "F101,医院,general_hospital,三级,government,331102,119.9,28.4,10,10\n",
     "facilities.csv:2: column 'grade': value '三级' is not a grade"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H "F101,医院,general_hospital,3A,public,331102,119.9,28.4,10,10\n",
     "column 'ownership': value 'public' is not a ownership (one of: government, collective, private)"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rurall,100,,\n",
     "areas.csv:2: column 'kind': value 'rurall' is not a kind (did you mean 'rural'?)"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,town,新镇,rural,100,,\n",
     "column 'level': value 'town' is not a level"},
    {HSS_KIND_STAFF, "staff.csv", STAFF_H "F001,registerd_nurse,5\n",
     "staff.csv:2: column 'category': value 'registerd_nurse' is not a staff category (did you mean 'registered_nurse'?)"},
    {HSS_KIND_VEHICLES, "vehicles.csv", VEH_H "F001,ambulence,5\n",
     "vehicles.csv:2: column 'kind': value 'ambulence' is not a vehicle kind (did you mean 'ambulance'?)"},
    {HSS_KIND_FACILITIES, "facilities.csv", "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,services\n"
     "F101,医院,general_hospital,3A,government,331102,119.9,28.4,10,10,fever_clinc;hospice\n",
     "column 'services': value 'fever_clinc;hospice' names 'fever_clinc', which is not a service (did you mean 'fever_clinic'?)"},
    /* codes and the tree */
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331103001,331102,township,错镇,rural,100,,\n",
     "areas.csv:2: column 'code': value '331103001' does not fit parent '331102': does not start with its parent's code"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "33110210,331102,township,错镇,rural,100,,\n",
     "column 'code': value '33110210' does not fit parent '331102': must be 9 digits"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102001,331102102,village,孤村,rural,100,,\n",
     "areas.csv:2: column 'parent_code': value '331102102' is not a known area (a parent must be in the database or on an earlier line of this file)"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102001,331102,village,跳级村,rural,100,,\n",
     "column 'level': value 'village' does not fit under parent '331102', which is a county (a township is one level up)"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,,township,无父镇,rural,100,,\n",
     "column 'parent_code': value '' is empty: a township needs its parent"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331122,,county,无父县,rural,100,,\n",
     "areas.csv:2: column 'parent_code': value '' is empty, but area '331100' (the parent its code names) is stored: give it as parent_code"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H "F101,医院,general_hospital,3A,government,331199,119.9,28.4,10,10\n",
     "facilities.csv:2: column 'area_code': value '331199' is not a known area (import areas first)"},
    {HSS_KIND_STAFF, "staff.csv", STAFF_H "F001,pharmacist,5\nF999,pharmacist,5\n",
     "staff.csv:3: column 'facility_code': value 'F999' is not a known facility (import facilities first)"},
    {HSS_KIND_VEHICLES, "vehicles.csv", VEH_H "F999,ambulance,1\n",
     "column 'facility_code': value 'F999' is not a known facility"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H "F 1,医院,general_hospital,3A,government,331102,119.9,28.4,10,10\n",
     "column 'code': value 'F 1' is not a code"},
    /* duplicates */
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rural,100,,\n331102102,331102,township,新镇,rural,100,,\n",
     "areas.csv:3: column 'code': value '331102102' is a duplicate (already on line 2 of this file)"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H FAC_OK FAC_OK,
     "facilities.csv:3: column 'code': value 'F100' is a duplicate (already on line 2 of this file)"},
    {HSS_KIND_STAFF, "staff.csv", STAFF_H "F001,pharmacist,5\nF002,pharmacist,5\nF001,pharmacist,6\n",
     "staff.csv:4: column 'category': value 'pharmacist' is a duplicate for facility 'F001' (already on line 2 of this file)"},
    {HSS_KIND_BOUNDARIES, "b.geojson", "{\"type\":\"FeatureCollection\",\"features\":["
     "{\"type\":\"Feature\",\"id\":\"331102\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" RING "]}},"
     "{\"type\":\"Feature\",\"id\":\"331102\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" RING "]}}]}",
     "b.geojson: feature 2 (area 331102): is a duplicate (feature 1 has the same area)"},
    /* negative and impossible counts */
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rural,-5,,\n",
     "areas.csv:2: column 'population': value '-5' is negative"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rural,1.5e3,,\n",
     "column 'population': value '1.5e3' is not a whole number"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rural,900000000,,\n",
     "column 'population': value '900000000' is impossible (above the ceiling of 200000000)"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H "F101,医院,general_hospital,3A,government,331102,119.9,28.4,100,501\n",
     "facilities.csv:2: column 'beds_open': value '501' is impossible: more than 5 times beds_approved (100)"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H "F101,医院,general_hospital,3A,government,331102,119.9,28.4,-1,0\n",
     "column 'beds_approved': value '-1' is negative"},
    {HSS_KIND_FACILITIES, "facilities.csv", "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,beds_infectious\n"
     "F101,医院,general_hospital,3A,government,331102,119.9,28.4,100,90,120\n",
     "column 'beds_infectious': value '120' is impossible: more than both beds_approved and beds_open"},
    {HSS_KIND_STAFF, "staff.csv", STAFF_H "F001,pharmacist,-3\n", "staff.csv:2: column 'count': value '-3' is negative"},
    {HSS_KIND_STAFF, "staff.csv", STAFF_H "F001,pharmacist,100001\n",
     "column 'count': value '100001' is impossible (above the ceiling of 100000)"},
    {HSS_KIND_VEHICLES, "vehicles.csv", VEH_H "F001,ambulance,\n", "column 'count': value '' is empty (a whole number is required)"},
    /* locations */
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rural,100,219.9,28.4\n",
     "column 'lon': value '219.9' is out of range (-180 to 180)"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rural,100,28.4,119.9\n",
     "column 'lon': value '28.4' is outside China (longitude 73.4 to 135.1; lon and lat swapped?)"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rural,100,119.9,\n",
     "column 'lat': value '' is empty while 'lon' is given (give both or neither)"},
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,新镇,rural,100,120.4,28.0\n",
     "areas.csv:2: column 'lon': value '120.4' (lat 28.0) lies outside the boundary of area 331102"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H "F101,医院,general_hospital,3A,government,331102101,120.3,28.1,10,10\n",
     "facilities.csv:2: column 'lon': value '120.3' (lat 28.1) lies outside the boundary of area 331102, which contains area_code 331102101"},
    {HSS_KIND_BOUNDARIES, "b.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"331121\","
     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[120.1,27.9],[120.6,27.9],[120.1,27.9]]]}}]}",
     "b.geojson: feature 1 (area 331121): geometry: a ring has 3 positions (at least 4 are needed)"},
    {HSS_KIND_BOUNDARIES, "b.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"331121\","
     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[120.1,27.9],[120.6,27.9],[120.6,28.4],[120.1,28.4],[120.2,27.9]]]}}]}",
     "geometry: a ring is not closed"},
    {HSS_KIND_BOUNDARIES, "b.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"339999\","
     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" RING "]}}]}",
     "b.geojson: feature 1 (area 339999): is not a known area (import areas first)"},
    {HSS_KIND_BOUNDARIES, "b.geojson", "{\"type\":\"FeatureCollection\",\"features\":[],\"name\":\"\xff\"}",
     "b.geojson: bad encoding (not UTF-8 text)"},
    {HSS_KIND_BOUNDARIES, "b.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"331102\","
     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[119.7,28.2],[119.9,28.2],[119.9,28.6],[119.7,28.6],[119.7,28.2]]]}}]}",
     "b.geojson: feature 1 (area 331102): the stored area 331102 at lon 119.91, lat 28.45 lies outside this boundary"},
    {HSS_KIND_BOUNDARIES, "b.geojson", "{\"type\":\"Feature\"}", "b.geojson: not a GeoJSON FeatureCollection"},
    {HSS_KIND_BOUNDARIES, "b.geojson", "{\"type\":\"FeatureCollection\",", "b.geojson: not valid JSON"},
    /* encoding and file shape */
    {HSS_KIND_AREAS, "areas.csv", AREA_H "331102102,331102,township,\xe6\x96\xb0\xe9,rural,100,,\n",
     "areas.csv:2: column 4 (name): bad encoding (not UTF-8 text)"},
    {HSS_KIND_FACILITIES, "facilities.csv", FAC_H "F101,医院,general_hospital\n",
     "facilities.csv:2: expected 10 fields as in the header, found 3"},
    {HSS_KIND_FACILITIES, "facilities.csv", "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_opn\n",
     "facilities.csv:1: missing required column 'beds_open'"},
    {HSS_KIND_FACILITIES, "facilities.csv", "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,beds_infectius\n",
     "facilities.csv:1: unknown column 'beds_infectius' (did you mean 'beds_infectious'?)"},
    {HSS_KIND_FACILITIES, "facilities.csv", "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,medcom_lead\n"
     "F101,医院,general_hospital,3A,government,331102,119.9,28.4,10,10,1\n",
     "column 'medcom_lead': value '1' needs a medcom_code"},
    {HSS_KIND_FACILITIES, "facilities.csv", "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,central\n"
     "F101,医院,general_hospital,3A,government,331102,119.9,28.4,10,10,yes\n",
     "column 'central': value 'yes' is not a flag (0 or 1)"},
    {HSS_KIND_AREAS, "areas.csv", "", "areas.csv: empty file (no header row)"},
};

static void bad_files_change_nothing(void **state)
{
    (void)state;
    hss_store *st = sample_db("bad.db");
    char *before = snapshot(st);
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        const bad_case *c = &BAD[i];
        for (int dry = 0; dry < 2; dry++) {
            hss_error err;
            hss_error_clear(&err);
            hss_import_stats s;
            hss_code rc = hss_region_import_mem(st, c->kind, c->name, c->body, strlen(c->body),
                                                dry ? HSS_IMPORT_DRY_RUN : 0, &s, &err);
            if (rc != HSS_EINVAL || !strstr(err.msg, c->want))
                fail_msg("case %zu: got rc %d '%s', want '%s'", i, rc, err.msg, c->want);
            char *after = snapshot(st);
            if (strcmp(before, after) != 0)
                fail_msg("case %zu changed the database: %s -> %s", i, before, after);
            free(after);
        }
    }
    free(before);
    hss_store_close(st);
}

/* ---- the command line ---------------------------------------------------------------------- */

static void cli_import_query_export(void **state)
{
    (void)state;
    char cmd[8192], *out;
    char *db = path_in("cli.db"), *db2 = path_in("cli2.db");
    char *bin = realpath(hss_test_bin(), NULL);
    assert_non_null(bin);
    snprintf(cmd, sizeof cmd,
             "set -e; for k in areas boundaries facilities staff vehicles; do f=%s/$k.csv; "
             "[ $k = boundaries ] && f=%s/boundaries.geojson; %s import --db %s $k $f; done 2>&1",
             DATA, DATA, bin, db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "imported " DATA "/vehicles.csv: 8 rows; 8 inserted, 0 updated, 0 unchanged (data version 5)"));
    free(out);
    /* A bad file: the message, a non-zero exit, nothing changed. */
    char *bad = hss_test_write(tmp, "facilities.csv", FAC_H FAC_OK "F101,医院,general_hospitl,3A,government,331102,119.9,28.4,10,10\n");
    snprintf(cmd, sizeof cmd, "%s import --db %s facilities %s 2>&1", bin, db, bad);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "hss: facilities.csv:3: column 'type': value 'general_hospitl' is not a facility type (did you mean 'general_hospital'?)"));
    assert_non_null(strstr(out, "nothing was imported"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s facilities --db %s --format csv | wc -l", bin, db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_int_equal(atoi(out), 8); /* header + 7: F100 was rolled back */
    free(out);
    /* Dry run. */
    char *good = hss_test_write(tmp, "f2.csv", FAC_H FAC_OK);
    snprintf(cmd, sizeof cmd, "%s import --db %s facilities %s --dry-run 2>&1 && %s facilities --db %s --format csv | grep -c F100",
             bin, db, good, bin, db);
    assert_int_equal(hss_test_run(cmd, &out), 1); /* grep finds nothing */
    assert_non_null(strstr(out, "would insert 1, update 0, leave 0 unchanged (dry run: nothing changed)"));
    free(out);
    /* Summary JSON and table. */
    snprintf(cmd, sizeof cmd, "%s summary --db %s --under 331100 --format json", bin, db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "\"code\":\t\"total\""));
    assert_non_null(strstr(out, "\"population\":\t45400"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s summary --db %s --under 331100", bin, db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "常住人口"));
    assert_non_null(strstr(out, "合计"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s facilities --db %s --type general_hospitl 2>&1", bin, db);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "did you mean 'general_hospital'"));
    free(out);
    /* Usage errors exit 2; a missing input file creates no database. */
    snprintf(cmd, sizeof cmd, "%s import --db %s people %s 2>&1", bin, db, bad);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "KIND must be areas, facilities, staff, vehicles or boundaries, not 'people'"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s import --db %s/none.db areas %s/missing.csv 2>&1; test -e %s/none.db", bin, tmp, tmp, tmp);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "missing.csv: No such file"));
    free(out);
    /* Export -> import into a fresh database -> identical exports. */
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; for k in areas facilities staff vehicles; do %s export --db %s $k --output e1_$k.csv; done; "
             "%s export --db %s boundaries > e1_b.geojson; "
             "%s import --db %s areas e1_areas.csv; %s import --db %s boundaries e1_b.geojson; "
             "for k in facilities staff vehicles; do %s import --db %s $k e1_$k.csv; done; "
             "for k in areas facilities staff vehicles; do %s export --db %s $k --format csv > e2_$k.csv; cmp e1_$k.csv e2_$k.csv; done; "
             "%s export --db %s boundaries | cmp - e1_b.geojson; "
             "%s export --db %s facilities --format json | cmp - <(%s export --db %s facilities --format json) && echo SAME",
             tmp, bin, db, bin, db, bin, db2, bin, db2, bin, db2, bin, db2, bin, db2, bin, db, bin, db2);
    char wrapped[8400];
    snprintf(wrapped, sizeof wrapped, "bash -c '%s' 2>&1", cmd);
    assert_int_equal(hss_test_run(wrapped, &out), 0);
    assert_non_null(strstr(out, "SAME"));
    free(out);
    free(bad);
    free(good);
    free(db);
    free(db2);
    free(bin);
}

int main(void)
{
    tmp = hss_test_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(imports_sample_region),
        cmocka_unit_test(listings_filter),
        cmocka_unit_test(summary_totals),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(reimport_updates_by_code),
        cmocka_unit_test(dry_run_changes_nothing),
        cmocka_unit_test(nested_import_in_caller_transaction),
        cmocka_unit_test(generated_flag),
        cmocka_unit_test(bad_files_change_nothing),
        cmocka_unit_test(cli_import_query_export),
    };
    int rc = cmocka_run_group_tests_name("region", tests, NULL, NULL);
    free(tmp);
    return rc;
}
