/*
 * coverage.c: how much of each cited document a pack encodes. A rule is `checkable` when its
 * measure is computed from stored data, `unknown` when its measure is declared but needs data
 * HSS does not have yet (the reason is listed), a plan task (`tasks:`) is a standard data
 * cannot check, tracked as work for named units, and a standard the pack lists under
 * not_encoded is counted with the reason it was left out.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

static const char *unknown_reason(const measure_def *m)
{
    return m->requires;
}

/* One row per standard: every rule (checkable or unknown), every task, every standard listed
 * not_encoded. */
static void coverage_items(const hss_policy_pack *p, hss_table *t)
{
    static const char *const cols[] = {"kind", "id", "document", "quote", "reason", "status",
                                       "pack", "measure"};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
        hss_table_add_col(t, cols[c], NULL, HSS_COL_TEXT);
    for (size_t i = 0; i < p->nrules; i++) {
        const prule *r = &p->rules[i];
        hss_table_add_row(t);
        hss_table_set_text(t, 0, "rule");
        hss_table_set_text(t, 1, r->id);
        hss_table_set_text(t, 2, r->document);
        hss_table_set_text(t, 3, r->quote);
        if (r->measure->requires) {
            char why[300];
            snprintf(why, sizeof why, "needs %s", unknown_reason(r->measure));
            hss_table_set_text(t, 4, why);
        }
        hss_table_set_text(t, 5, r->measure->requires ? "unknown" : "checkable");
        hss_table_set_text(t, 6, r->pack);
        hss_table_set_text(t, 7, r->measure->name);
    }
    for (size_t i = 0; i < p->ntasks; i++) {
        const hss_policy_task *k = &p->tasks[i];
        char why[600];
        snprintf(why, sizeof why, "stored data cannot show it: a plan task led by %s", k->lead);
        hss_table_add_row(t);
        hss_table_set_text(t, 0, "task");
        hss_table_set_text(t, 1, k->id);
        hss_table_set_text(t, 2, k->document);
        hss_table_set_text(t, 3, k->quote);
        hss_table_set_text(t, 4, why);
        hss_table_set_text(t, 5, "task");
        hss_table_set_text(t, 6, k->pack);
    }
    for (size_t i = 0; i < p->nnotenc; i++) {
        hss_table_add_row(t);
        hss_table_set_text(t, 0, "not_encoded");
        hss_table_set_text(t, 2, p->notenc[i].document);
        hss_table_set_text(t, 3, p->notenc[i].quote);
        hss_table_set_text(t, 4, p->notenc[i].reason);
        hss_table_set_text(t, 5, "not_encoded");
        hss_table_set_text(t, 6, p->notenc[i].pack);
    }
}

hss_code hss_policy_coverage(const char *name, int detail, hss_table **out, hss_error *err)
{
    *out = NULL;
    hss_policy_pack *p = hss_policy_load(name, err);
    if (!p)
        return err ? err->code : HSS_EINVAL;
    hss_table *t = hss_table_new();
    if (detail) {
        coverage_items(p, t);
        hss_policy_free(p);
        *out = t;
        return HSS_OK;
    }
    hss_table_add_col(t, "pack", "政策包", HSS_COL_TEXT);
    hss_table_add_col(t, "document", "文件", HSS_COL_TEXT);
    hss_table_add_col(t, "title", "标题", HSS_COL_TEXT);
    hss_table_add_col(t, "checkable", "可检查", HSS_COL_INT);
    hss_table_add_col(t, "unknown", "无法判断", HSS_COL_INT);
    hss_table_add_col(t, "tasks", "规划任务", HSS_COL_INT);
    hss_table_add_col(t, "not_encoded", "未编码", HSS_COL_INT);
    hss_table_add_col(t, "unknown_reasons", "无法判断原因", HSS_COL_TEXT);
    /* Documents: those listed, then any cited by a rule but not listed. */
    size_t nd = p->ndocs;
    const char **files = hss_xmalloc((p->ndocs + p->nrules + 1) * sizeof *files);
    const char **titles = hss_xmalloc((p->ndocs + p->nrules + 1) * sizeof *titles);
    const char **packs = hss_xmalloc((p->ndocs + p->nrules + 1) * sizeof *packs);
    nd = 0;
    for (size_t i = 0; i < p->ndocs; i++) {
        size_t k;
        for (k = 0; k < nd; k++)
            if (strcmp(files[k], p->docs[i].file) == 0)
                break;
        if (k < nd) {
            /* cited by a parent pack too: one row per document, titled as the child lists it */
            titles[k] = p->docs[i].title;
            packs[k] = p->docs[i].pack;
            continue;
        }
        files[nd] = p->docs[i].file;
        titles[nd] = p->docs[i].title;
        packs[nd++] = p->docs[i].pack;
    }
    for (size_t i = 0; i < p->nrules; i++) {
        size_t k;
        for (k = 0; k < nd; k++)
            if (strcmp(files[k], p->rules[i].document) == 0)
                break;
        if (k == nd) {
            files[nd] = p->rules[i].document;
            titles[nd] = "";
            packs[nd++] = p->rules[i].pack;
        }
    }
    for (size_t d = 0; d < nd; d++) {
        long long checkable = 0, unk = 0, ne = 0;
        hss_buf why;
        hss_buf_init(&why);
        for (size_t i = 0; i < p->nrules; i++) {
            const prule *r = &p->rules[i];
            if (strcmp(r->document, files[d]) != 0)
                continue;
            if (!r->measure->requires) {
                checkable++;
                continue;
            }
            unk++;
            char item[300];
            snprintf(item, sizeof item, "needs %s", unknown_reason(r->measure));
            if (!why.data || !strstr(why.data, item))
                hss_buf_printf(&why, "%s%s", why.len ? "; " : "", item);
        }
        for (size_t i = 0; i < p->nnotenc; i++)
            if (strcmp(p->notenc[i].document, files[d]) == 0)
                ne++;
        long long tasks = 0;
        for (size_t i = 0; i < p->ntasks; i++)
            tasks += strcmp(p->tasks[i].document, files[d]) == 0;
        hss_table_add_row(t);
        hss_table_set_text(t, 0, packs[d]);
        hss_table_set_text(t, 1, files[d]);
        hss_table_set_text(t, 2, titles[d]);
        hss_table_set_int(t, 3, checkable);
        hss_table_set_int(t, 4, unk);
        hss_table_set_int(t, 5, tasks);
        hss_table_set_int(t, 6, ne);
        hss_table_set_text(t, 7, why.data ? why.data : "");
        hss_buf_free(&why);
    }
    free(files);
    free(titles);
    free(packs);
    hss_policy_free(p);
    *out = t;
    return HSS_OK;
}
