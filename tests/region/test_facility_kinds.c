/*
 * test_facility_kinds.c: the facility columns added for the policy packs (issue 13) —
 * beds_rehabilitation, beds_nursing and run_by: stored when their column is in the file, left
 * alone when it is absent, refused with file:line when impossible (and nothing stored); and
 * evaluated by the rules that use them (rehabilitation beds per 1,000, nursing-bed share,
 * municipal hospitals by type), unknown when nothing is recorded.
 */
#include "testutil.h"

#include "policy/policy.h"
#include "region/region.h"

#ifndef DATA
#define DATA "tests/data/region"
#endif

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = hss_test_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(tmp);
    return 0;
}

static hss_code import(hss_store *st, hss_region_kind kind, const char *path, hss_error *err)
{
    hss_import_stats s;
    hss_error_clear(err);
    return hss_region_import(st, kind, path, 0, &s, err);
}

/* The test region (areas, boundaries, facilities) in a fresh database. */
static hss_store *region_db(const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", tmp, name);
    hss_error err;
    hss_store *st = hss_store_open(p, &err);
    assert_non_null(st);
    assert_int_equal(import(st, HSS_KIND_AREAS, DATA "/areas.csv", &err), HSS_OK);
    assert_int_equal(import(st, HSS_KIND_BOUNDARIES, DATA "/boundaries.geojson", &err), HSS_OK);
    if (import(st, HSS_KIND_FACILITIES, DATA "/facilities.csv", &err) != HSS_OK)
        fail_msg("%s", err.msg);
    return st;
}

/* "beds_rehabilitation|beds_nursing|run_by" of facility `code`, NULL shown as "-". */
static char *extras_of(hss_store *st, const char *code)
{
    hss_stmt *s = hss_store_prepare(
        st, "SELECT coalesce(CAST(beds_rehabilitation AS TEXT),'-') || '|' || "
            "coalesce(CAST(beds_nursing AS TEXT),'-') || '|' || coalesce(run_by,'-') FROM facility WHERE code=?1",
        NULL);
    assert_non_null(s);
    hss_store_bind_text(s, 1, code);
    assert_int_equal(hss_store_step(s), HSS_ROW);
    char *v = hss_xstrdup(hss_store_col_text(s, 0));
    hss_store_finalize(s);
    return v;
}

#define HEAD "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open"
#define F001 "F001,丽水市中心医院,general_hospital,3A,government,331102001,119.923,28.462,2000,2100"
#define F002 "F002,莲都区人民医院,general_hospital,2A,government,331102,119.915,28.45,500,480"

static void stored_and_left_alone(void **state)
{
    (void)state;
    hss_store *st = region_db("kinds.db");
    char *v = extras_of(st, "F001");
    assert_string_equal(v, "-|-|-"); /* files without the columns record nothing */
    free(v);
    hss_error err;
    char *f = hss_test_write(tmp, "f1.csv", HEAD ",beds_rehabilitation,beds_nursing,run_by\n"
                                             F001 ",60,40,city\n" F002 ",,25,county\n");
    if (import(st, HSS_KIND_FACILITIES, f, &err) != HSS_OK)
        fail_msg("%s", err.msg);
    v = extras_of(st, "F001");
    assert_string_equal(v, "60|40|city");
    free(v);
    v = extras_of(st, "F002");
    assert_string_equal(v, "-|25|county"); /* an empty cell: not known */
    free(v);
    free(f);
    /* A file without the columns leaves them alone; one with only run_by changes only it. */
    f = hss_test_write(tmp, "f2.csv", HEAD "\n" F001 "\n");
    assert_int_equal(import(st, HSS_KIND_FACILITIES, f, &err), HSS_OK);
    free(f);
    f = hss_test_write(tmp, "f3.csv", HEAD ",run_by\n" F001 ",county\n");
    hss_import_stats s;
    assert_int_equal(hss_region_import(st, HSS_KIND_FACILITIES, f, 0, &s, &err), HSS_OK);
    assert_int_equal(s.updated, 1); /* only run_by changed: still an update */
    free(f);
    v = extras_of(st, "F001");
    assert_string_equal(v, "60|40|county");
    free(v);
    /* The export carries them, and importing it elsewhere restores them. */
    char path[1024];
    snprintf(path, sizeof path, "%s/export.csv", tmp);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    assert_int_equal(hss_region_export(st, HSS_KIND_FACILITIES, 0, out, &err), HSS_OK);
    fclose(out);
    hss_store *copy = region_db("copy.db");
    if (import(copy, HSS_KIND_FACILITIES, path, &err) != HSS_OK)
        fail_msg("%s", err.msg);
    v = extras_of(copy, "F001");
    assert_string_equal(v, "60|40|county");
    free(v);
    v = extras_of(copy, "F002");
    assert_string_equal(v, "-|25|county");
    free(v);
    hss_store_close(copy);
    hss_store_close(st);
}

static void impossible_values_refused(void **state)
{
    (void)state;
    hss_store *st = region_db("bad.db");
    hss_error err;
    struct {
        const char *text, *message;
    } bad[] = {
        {HEAD ",beds_nursing\n" F001 ",2101\n",
         "b.csv:2: column 'beds_nursing': value '2101' is impossible: more than the facility's "
         "beds (2100)"},
        {HEAD ",beds_rehabilitation\n" F001 ",-3\n",
         "b.csv:2: column 'beds_rehabilitation': value '-3' is negative"},
        {HEAD ",run_by\n" F001 ",municipal\n", "b.csv:2: column 'run_by': value 'municipal'"},
        /* the second row is bad: the first row's values are not stored either */
        {HEAD ",beds_rehabilitation\n" F002 ",10\n" F001 ",x\n",
         "b.csv:3: column 'beds_rehabilitation': value 'x' is not a whole number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *f = hss_test_write(tmp, "b.csv", bad[i].text);
        assert_int_equal(import(st, HSS_KIND_FACILITIES, f, &err), HSS_EINVAL);
        if (!strstr(err.msg, bad[i].message))
            fail_msg("expected '%s', got '%s'", bad[i].message, err.msg);
        free(f);
    }
    char *v = extras_of(st, "F002");
    assert_string_equal(v, "-|-|-");
    free(v);
    hss_store_close(st);
}

/* Cell of row r in the column named `name`. */
static const char *cell(const hss_table *t, size_t r, const char *name)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (!strcmp(hss_table_col_name(t, c), name))
            return hss_table_cell(t, r, c);
    fail_msg("no column %s", name);
    return NULL;
}

/* A pack with the rules that need the new columns, evaluated before and after they are
 * recorded. */
static void rules_use_them(void **state)
{
    (void)state;
    hss_store *st = region_db("eval.db");
    const char *rule =
        "  - id: %s\n    title: {zh: 测, en: t}\n"
        "    source: {document: 901_test.txt, quote: 原文}\n    year: 2025\n"
        "    scope: %s\n    measure: %s\n    comparator: \">=\"\n    target: %s\n"
        "    unit: {zh: 单位, en: unit}\n    gap: {zh: 需, en: needs}\n";
    hss_buf t;
    hss_buf_init(&t);
    hss_buf_puts(&t, "pack: k\ntitle: {zh: k, en: k}\nyear: 2025\nrules:\n");
    hss_buf_printf(&t, rule, "rehab", "{level: city}", "rehabilitation_beds_per_1000", "0.3");
    hss_buf_printf(&t, rule, "nursing", "{level: city, types: [general_hospital]}",
                   "nursing_bed_share", "0.3");
    hss_buf_printf(&t, rule, "city_general",
                   "{level: city, types: [general_hospital], run_by: [city]}", "facility_count",
                   "1");
    char *pack = hss_test_write(tmp, "k.yaml", t.data);
    hss_buf_free(&t);
    hss_error err;
    hss_table *f;
    assert_int_equal(hss_policy_findings(st, pack, 0, NULL, &f, &err), HSS_OK);
    assert_int_equal(hss_table_rows(f), 3);
    for (size_t r = 0; r < 3; r++) /* nothing recorded: unknown, not zero */
        assert_string_equal(cell(f, r, "status"), "unknown");
    hss_table_free(f);
    char *csv = hss_test_write(tmp, "k.csv", HEAD ",beds_rehabilitation,beds_nursing,run_by\n"
                                               F001 ",60,420,city\n" F002 ",,,county\n");
    assert_int_equal(import(st, HSS_KIND_FACILITIES, csv, &err), HSS_OK);
    assert_int_equal(hss_policy_findings(st, pack, 0, NULL, &f, &err), HSS_OK);
    for (size_t r = 0; r < hss_table_rows(f); r++) {
        const char *id = cell(f, r, "rule"), *status = cell(f, r, "status"),
                   *obs = cell(f, r, "observed");
        if (!strcmp(id, "nursing")) { /* 420 / (2100 + 480 + 650) open beds, F001 F002 F005 */
            assert_string_equal(status, "fail");
            assert_string_equal(obs, "0.13");
            assert_non_null(strstr(cell(f, r, "reason"), "1 of 3 facilities record nursing beds"));
        } else if (!strcmp(id, "city_general")) { /* F001 is run by the city */
            assert_string_equal(status, "pass");
            assert_string_equal(obs, "1");
        } else {
            assert_string_equal(id, "rehab");
            assert_string_not_equal(status, "unknown");
        }
    }
    hss_table_free(f);
    free(csv);
    free(pack);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stored_and_left_alone),
        cmocka_unit_test(impossible_values_refused),
        cmocka_unit_test(rules_use_them),
    };
    return cmocka_run_group_tests_name("region/facility_kinds", tests, setup, teardown);
}
