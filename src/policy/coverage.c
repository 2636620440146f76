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

/* Why a rule evaluates to unknown, in English or Chinese. */
static void unknown_reason(const measure_def *m, int zh, char *out, size_t n)
{
    if (zh)
        snprintf(out, n, "需要%s", m->requires_zh ? m->requires_zh : m->requires);
    else
        snprintf(out, n, "needs %s", m->requires);
}

/* Why a plan task is not a rule, in English or Chinese. */
static void task_reason(const hss_policy_task *k, int zh, char *out, size_t n)
{
    if (zh)
        snprintf(out, n, "存储的数据无法检查：列为规划任务，由%s牵头", k->lead);
    else
        snprintf(out, n, "stored data cannot show it: a plan task led by %s", k->lead);
}

enum { I_KIND, I_ID, I_DOC, I_QUOTE, I_REASON, I_STATUS, I_PACK, I_MEASURE, I_REASON_ZH };

/* One row per standard: every rule (checkable or unknown), every task, every standard listed
 * not_encoded. The reason in English (reason) and Chinese (reason_zh), as the findings give
 * theirs; a not_encoded entry without reason_zh keeps its one reason in both. */
static void coverage_items(const hss_policy_pack *p, hss_table *t)
{
    static const char *const cols[] = {"kind", "id", "document", "quote", "reason", "status",
                                       "pack", "measure", "reason_zh"};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
        hss_table_add_col(t, cols[c], c == I_REASON_ZH ? "原因" : NULL, HSS_COL_TEXT);
    char why[600];
    for (size_t i = 0; i < p->nrules; i++) {
        const prule *r = &p->rules[i];
        hss_table_add_row(t);
        hss_table_set_text(t, I_KIND, "rule");
        hss_table_set_text(t, I_ID, r->id);
        hss_table_set_text(t, I_DOC, r->document);
        hss_table_set_text(t, I_QUOTE, r->quote);
        if (r->measure->requires) {
            unknown_reason(r->measure, 0, why, sizeof why);
            hss_table_set_text(t, I_REASON, why);
            unknown_reason(r->measure, 1, why, sizeof why);
            hss_table_set_text(t, I_REASON_ZH, why);
        }
        hss_table_set_text(t, I_STATUS, r->measure->requires ? "unknown" : "checkable");
        hss_table_set_text(t, I_PACK, r->pack);
        hss_table_set_text(t, I_MEASURE, r->measure->name);
    }
    for (size_t i = 0; i < p->ntasks; i++) {
        const hss_policy_task *k = &p->tasks[i];
        hss_table_add_row(t);
        hss_table_set_text(t, I_KIND, "task");
        hss_table_set_text(t, I_ID, k->id);
        hss_table_set_text(t, I_DOC, k->document);
        hss_table_set_text(t, I_QUOTE, k->quote);
        task_reason(k, 0, why, sizeof why);
        hss_table_set_text(t, I_REASON, why);
        task_reason(k, 1, why, sizeof why);
        hss_table_set_text(t, I_REASON_ZH, why);
        hss_table_set_text(t, I_STATUS, "task");
        hss_table_set_text(t, I_PACK, k->pack);
    }
    for (size_t i = 0; i < p->nnotenc; i++) {
        const pnotenc *n = &p->notenc[i];
        hss_table_add_row(t);
        hss_table_set_text(t, I_KIND, "not_encoded");
        hss_table_set_text(t, I_DOC, n->document);
        hss_table_set_text(t, I_QUOTE, n->quote);
        hss_table_set_text(t, I_REASON, n->reason);
        hss_table_set_text(t, I_REASON_ZH, n->reason_zh ? n->reason_zh : n->reason);
        hss_table_set_text(t, I_STATUS, "not_encoded");
        hss_table_set_text(t, I_PACK, n->pack);
    }
}

/* The distinct reasons the rules of `file` evaluate to unknown, "; "-joined, in one language. */
static char *unknown_reasons(const hss_policy_pack *p, const char *file, int zh)
{
    hss_buf why;
    hss_buf_init(&why);
    for (size_t i = 0; i < p->nrules; i++) {
        const prule *r = &p->rules[i];
        if (strcmp(r->document, file) != 0 || !r->measure->requires)
            continue;
        char item[300];
        unknown_reason(r->measure, zh, item, sizeof item);
        if (!why.data || !strstr(why.data, item))
            hss_buf_printf(&why, "%s%s", why.len ? (zh ? "；" : "; ") : "", item);
    }
    return why.data ? hss_buf_steal(&why) : hss_xstrdup("");
}

hss_code hss_policy_coverage(const char *name, int detail, int en, hss_table **out, hss_error *err)
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
    hss_table_add_col(t, "pack", en ? "pack" : "政策包", HSS_COL_TEXT);
    hss_table_add_col(t, "document", en ? "document" : "文件", HSS_COL_TEXT);
    hss_table_add_col(t, "title", en ? "title" : "标题", HSS_COL_TEXT);
    hss_table_add_col(t, "checkable", en ? "checkable" : "可检查", HSS_COL_INT);
    hss_table_add_col(t, "unknown", en ? "unknown" : "无法判断", HSS_COL_INT);
    hss_table_add_col(t, "tasks", en ? "tasks" : "规划任务", HSS_COL_INT);
    hss_table_add_col(t, "not_encoded", en ? "not encoded" : "未编码", HSS_COL_INT);
    if (en)
        hss_table_add_col(t, "unknown_reasons", "unknown reasons", HSS_COL_TEXT);
    else
        hss_table_add_col(t, "unknown_reasons_zh", "无法判断原因", HSS_COL_TEXT);
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
        for (size_t i = 0; i < p->nrules; i++)
            if (strcmp(p->rules[i].document, files[d]) == 0) {
                checkable += !p->rules[i].measure->requires;
                unk += p->rules[i].measure->requires != NULL;
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
        char *why = unknown_reasons(p, files[d], !en);
        hss_table_set_text(t, 7, why);
        free(why);
    }
    free(files);
    free(titles);
    free(packs);
    hss_policy_free(p);
    *out = t;
    return HSS_OK;
}
