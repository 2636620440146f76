/*
 * plan_fixture.h: what the plan tests share: the policy tests' hand-built region
 * (tests/policy/fixture.h), a small pack over it, and running the real `hss` binary.
 *
 * Pack `plantest` has one rule, amb: each county needs 1 ambulance per 30,000 residents
 * (ceil, times 3 as the pack's base multiplier: 甲区 100,000 -> 10; 戊县 40,000 -> 3... see the
 * policy tests for the arithmetic). Stored: 甲区 4 ambulances (fail, gap 6), 戊县 4 (pass).
 */
#ifndef HSS_PLAN_FIXTURE_H
#define HSS_PLAN_FIXTURE_H

#include "testutil.h"
#include "policy/fixture.h"
#include "plan/plan.h"

static const char PLAN_PACK[] =
    "pack: plantest\ntitle: {zh: 测试规划, en: test plan}\nyear: 2025\n"
    "documents:\n  - file: 901_test.txt\n    title: 测试文件\n"
    "rules:\n"
    "  - id: amb\n    title: {zh: 救护车, en: ambulances}\n"
    "    source: {document: 901_test.txt, quote: \"每3万人口1辆\"}\n    year: 2025\n"
    "    scope: {level: county}\n    measure: ambulance_count\n"
    "    params: {per: 30000, base_multiplier: 3}\n    comparator: \">=\"\n"
    "    unit: {zh: 辆, en: ambulances}\n"
    "    gap: {zh: \"需增加 {need} 辆救护车\", en: \"needs {need} more ambulances\"}\n";

static inline int plan_run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int plan_run(char **out, const char *fmt, ...)
{
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", hss_test_bin(), args);
    return hss_test_run(cmd, out);
}

/* Runs SQL on the database file (changes to the fixture's facts bump the data version, as an
 * import would). */
static inline void plan_sql(const char *db, const char *sql)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    if (hss_store_exec(st, sql, &err) != HSS_OK || hss_store_bump_version(st, &err) != HSS_OK)
        fail_msg("%s: %s", sql, err.msg);
    hss_store_close(st);
}

/* The last line of a command's output (the id `--save` prints). */
static inline long long plan_last_line_id(const char *out)
{
    const char *end = out + strlen(out);
    while (end > out && end[-1] == '\n')
        end--;
    const char *p = end;
    while (p > out && p[-1] != '\n')
        p--;
    return atoll(p);
}

#endif
