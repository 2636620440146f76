/*
 * names.c: the areas and facilities a saved evaluation's findings name, each once (a
 * snapshot keeps names in plan_eval_name, not on each of a province's 60,000 findings, where
 * a village's name came once per rule about it). A hash set over the findings' codes, then
 * sorted by key.
 */
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"

static uint64_t hash_code(int kind, const char *s)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

typedef struct {
    plan_name *items;
    size_t len;
    int *slot; /* index + 1 into items; 0 empty */
    size_t cap;
} name_set;

static void name_add(name_set *s, int kind, const char *code, const char *name)
{
    size_t i = hash_code(kind, code) & (s->cap - 1);
    for (; s->slot[i]; i = (i + 1) & (s->cap - 1)) {
        const plan_name *n = &s->items[s->slot[i] - 1];
        if (n->kind == kind && strcmp(n->code, code) == 0)
            return;
    }
    s->items[s->len] = (plan_name){kind, code, name};
    s->slot[i] = (int)++s->len;
}

/* Key order (kind, then code): the names go into their table's key index as appends. */
static int name_cmp(const void *x, const void *y)
{
    const plan_name *a = x, *b = y;
    return a->kind != b->kind ? a->kind - b->kind : strcmp(a->code, b->code);
}

size_t plan_names_of(const hss_table *f, plan_name **out)
{
    size_t c[4] = {plan_col(f, "area"), plan_col(f, "area_name"), plan_col(f, "facility"),
                   plan_col(f, "facility_name")};
    size_t rows = hss_table_rows(f);
    name_set s = {hss_xmalloc((2 * rows + 1) * sizeof *s.items), 0, NULL, 16};
    while (s.cap < 4 * rows + 1)
        s.cap *= 2;
    s.slot = hss_xcalloc(s.cap, sizeof *s.slot);
    for (size_t r = 0; r < rows; r++) {
        name_add(&s, PLAN_NAME_AREA, hss_table_cell(f, r, c[0]), hss_table_cell(f, r, c[1]));
        if (*hss_table_cell(f, r, c[2]))
            name_add(&s, PLAN_NAME_FACILITY, hss_table_cell(f, r, c[2]), hss_table_cell(f, r, c[3]));
    }
    free(s.slot);
    qsort(s.items, s.len, sizeof *s.items, name_cmp);
    *out = s.items;
    return s.len;
}
