/*
 * findings_rules.c: the findings of an evaluation counted per rule. A city has thousands of
 * findings; a screen shows the rules with the most failures first and pages through the rows,
 * so it needs these counts, not every row.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

typedef struct {
    size_t first;              /* row of the rule's first finding (for its texts) */
    long long pass, fail, unknown;
} rule_count;

static int col_of(const hss_table *t, const char *name)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (strcmp(hss_table_col_name(t, c), name) == 0)
            return (int)c;
    return -1;
}

static const char *cell_of(const hss_table *t, size_t r, int c)
{
    return c < 0 ? "" : hss_table_cell(t, r, (size_t)c);
}

/* Most failures first, then most unknown, then the rule's first appearance (the pack's order). */
static int by_failures(const void *a, const void *b)
{
    const rule_count *x = a, *y = b;
    if (x->fail != y->fail)
        return x->fail < y->fail ? 1 : -1;
    if (x->unknown != y->unknown)
        return x->unknown < y->unknown ? 1 : -1;
    return x->first < y->first ? -1 : x->first > y->first;
}

hss_table *hss_policy_findings_by_rule(const hss_table *findings)
{
    int c_rule = col_of(findings, "rule"), c_status = col_of(findings, "status");
    size_t n = hss_table_rows(findings), count = 0;
    rule_count *rc = hss_xcalloc(n ? n : 1, sizeof *rc);
    for (size_t r = 0; r < n; r++) {
        const char *rule = cell_of(findings, r, c_rule), *st = cell_of(findings, r, c_status);
        size_t i = 0;
        /* rules are few (tens) and their rows are contiguous, so look from the latest back */
        for (i = count; i > 0 && strcmp(cell_of(findings, rc[i - 1].first, c_rule), rule) != 0; i--)
            ;
        if (i == 0) {
            rc[count].first = r;
            i = ++count;
        }
        rule_count *x = &rc[i - 1];
        if (strcmp(st, "pass") == 0)
            x->pass++;
        else if (strcmp(st, "fail") == 0)
            x->fail++;
        else
            x->unknown++;
    }
    qsort(rc, count, sizeof *rc, by_failures);
    static const char *const texts[] = {"rule", "title", "title_en", "measure", "measure_zh"};
    hss_table *t = hss_table_new();
    for (size_t c = 0; c < sizeof texts / sizeof *texts; c++)
        hss_table_add_col(t, texts[c], NULL, HSS_COL_TEXT);
    size_t c_pass = hss_table_add_col(t, "pass", NULL, HSS_COL_INT);
    hss_table_add_col(t, "fail", NULL, HSS_COL_INT);
    hss_table_add_col(t, "unknown", NULL, HSS_COL_INT);
    for (size_t i = 0; i < count; i++) {
        hss_table_add_row(t);
        for (size_t c = 0; c < sizeof texts / sizeof *texts; c++)
            hss_table_set_text(t, c, cell_of(findings, rc[i].first, col_of(findings, texts[c])));
        hss_table_set_int(t, c_pass, rc[i].pass);
        hss_table_set_int(t, c_pass + 1, rc[i].fail);
        hss_table_set_int(t, c_pass + 2, rc[i].unknown);
    }
    free(rc);
    return t;
}
