/*
 * evaluate.c: evaluates a loaded pack against the stored region. For every rule due by the
 * evaluation year it selects the areas or facilities in scope, asks the measure catalogue for
 * the observed value, compares it with the target and writes one finding: status, gap in the
 * rule's unit, the gap in the units a planner acts on ({need}), the winning rule and its
 * citation. Then it sums the findings by county (or by the area itself above county level).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

enum {
    C_RULE, C_PACK, C_OVERRIDES, C_TITLE, C_TITLE_EN, C_MEASURE, C_AREA, C_AREA_NAME, C_FACILITY,
    C_FACILITY_NAME, C_STATUS, C_OBSERVED, C_COMPARATOR, C_TARGET, C_GAP, C_NEED, C_UNIT,
    C_UNIT_EN, C_GAP_TEXT, C_GAP_TEXT_EN, C_REASON, C_REASON_ZH, C_YEAR, C_DOCUMENT, C_QUOTE, C_DOCUMENT_TITLE, C_MEASURE_ZH,
    C_NCOLS
};

static hss_table *findings_table(void)
{
    static const struct {
        const char *name, *label;
        hss_col_type type;
    } cols[C_NCOLS] = {
        {"rule", "规则", HSS_COL_TEXT},          {"pack", "来源包", HSS_COL_TEXT},
        {"overrides", "覆盖", HSS_COL_TEXT},     {"title", "标题", HSS_COL_TEXT},
        {"title_en", "title", HSS_COL_TEXT},     {"measure", "指标", HSS_COL_TEXT},
        {"area", "区划代码", HSS_COL_TEXT},      {"area_name", "区域", HSS_COL_TEXT},
        {"facility", "机构代码", HSS_COL_TEXT},  {"facility_name", "机构", HSS_COL_TEXT},
        {"status", "结果", HSS_COL_TEXT},        {"observed", "现状", HSS_COL_REAL},
        {"comparator", "比较", HSS_COL_TEXT},    {"target", "目标", HSS_COL_REAL},
        {"gap", "差距", HSS_COL_REAL},           {"need", "需调整", HSS_COL_REAL},
        {"unit", "单位", HSS_COL_TEXT},          {"unit_en", "unit", HSS_COL_TEXT},
        {"gap_text", "差距说明", HSS_COL_TEXT},  {"gap_text_en", "gap text", HSS_COL_TEXT},
        {"reason", "reason", HSS_COL_TEXT},      {"reason_zh", "说明", HSS_COL_TEXT},
        {"year", "目标年", HSS_COL_INT},
        {"document", "文件", HSS_COL_TEXT},      {"quote", "原文", HSS_COL_TEXT},
        {"document_title", "文件标题", HSS_COL_TEXT}, {"measure_zh", "指标名称", HSS_COL_TEXT},
    };
    hss_table *t = hss_table_new();
    for (int i = 0; i < C_NCOLS; i++)
        hss_table_add_col(t, cols[i].name, cols[i].label, cols[i].type);
    /* what a rule's findings have in common (and status, target, reasons, mostly the same) is
     * kept once per run of equal values: a province has 60,000 findings */
    static const int repeats[] = {C_RULE, C_PACK, C_OVERRIDES, C_TITLE, C_TITLE_EN, C_MEASURE, C_STATUS,
                                  C_COMPARATOR, C_TARGET, C_UNIT, C_UNIT_EN, C_REASON, C_REASON_ZH, C_YEAR,
                                  C_DOCUMENT, C_QUOTE, C_DOCUMENT_TITLE, C_MEASURE_ZH};
    for (size_t i = 0; i < sizeof repeats / sizeof *repeats; i++)
        hss_table_col_repeats(t, (size_t)repeats[i]);
    return t;
}

/* The service a rule selects facilities by (asked once per rule, not per facility), or NULL. */
static const char *service_filter(const prule *r)
{
    return policy_service_filters(r) ? prule_str(r, "service") : NULL;
}

static int fac_matches(const prule *r, const char *svc, const pfac *f)
{
    if (r->types && !(r->types & (1u << f->type)))
        return 0;
    if (r->grades && (f->grade < 0 || !(r->grades & (1u << f->grade))))
        return 0;
    if (r->ownerships && (f->ownership < 0 || !(r->ownerships & (1u << f->ownership))))
        return 0;
    if (r->run_bys && (f->run_by < 0 || !(r->run_bys & (1u << f->run_by))))
        return 0;
    if (r->central >= 0 && (f->central != 0) != r->central)
        return 0;
    if (r->sub_centre >= 0 && (f->sub_centre != 0) != r->sub_centre)
        return 0;
    if (svc && !policy_has_service(f->services, svc))
        return 0;
    return 1;
}

/* A rule selecting facilities by the level that runs them, on a region where no facility's
 * run_by is recorded: counting would say zero, so the finding is unknown instead. */
static void run_by_unknown(presult *m)
{
    snprintf(m->reason, sizeof m->reason, "needs the level that runs each facility (facility "
             "column run_by), which no stored facility records");
    snprintf(m->reason_zh, sizeof m->reason_zh, "需要各机构的举办层级（run_by），尚无机构登记");
}

/* What a rule counts of a facility besides its figures, in `marked`: service_share, those
 * with the service; grade_share, those at or above the grade (grades are listed best first:
 * 3A, 3B, 2A, ..., so "at least" is an index at or below the named grade's). */
typedef struct {
    const char *svc;
    int grade_max; /* -1: none */
} fmark;

static fmark rule_mark(const prule *r)
{
    fmark m = {NULL, -1};
    const char *svc = prule_str(r, "service");
    if (svc && strcmp(r->measure->name, "service_share") == 0)
        m.svc = svc;
    const char *at_least = prule_str(r, "grade_at_least");
    if (at_least && strcmp(r->measure->name, "grade_share") == 0)
        m.grade_max = hss_model_find(HSS_VOCAB_GRADE, at_least);
    return m;
}

static void sum_fac(pagg *dst, const pregion *R, const pfac *f, const fmark *m)
{
    pagg_add_fac(dst, R, f);
    if (m->svc && policy_has_service(f->services, m->svc))
        dst->marked++;
    if (m->grade_max >= 0 && f->grade >= 0 && f->grade <= m->grade_max)
        dst->marked++;
}

/* The sums a rule's measure reads: over only the facilities the rule's scope selects (every
 * facility when it names no filter), for the areas the rule judges. A rule of one level (the
 * usual case) groups its facilities by their ancestor at that level (an area's parent is always
 * one level up, so that is the area's subtree) and sums an area's group when the area is
 * judged, into one record: no array of 30,000 sums of half a kilobyte for a village rule,
 * whose first touch cost more than the summing. A rule of any level gets every area's subtree
 * sum. The memory is kept from rule to rule of one evaluation. */
typedef struct {
    const pregion *R;
    fmark mark;
    int level_rule;  /* 1: groups by slot; 0: `sums` by area */
    int *slot;       /* area index -> its level's slot, -1 for areas of other levels */
    int *first;      /* slot s's facilities are fac[first[s] .. first[s + 1]) */
    int *fac;        /* facility indices, grouped by slot, in facility order within a group */
    int *fac_slot;   /* per facility: the slot it sums into, -1 when the rule does not select it */
    int *anc[8];     /* per level (hss_level): each facility's area's ancestor there, or -1 */
    pagg *sums;      /* per area (rules of any level) */
    pagg one;        /* the area sum handed out for a level rule */
    const prule *grouped; /* the rule the groups were made for (the next rule with the same
                             level and facility scope reuses them) */
} fsums;

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* True when rules a and b select the same facilities into the same areas' groups. */
static int same_groups(const prule *a, const prule *b)
{
    return a && a->level == b->level && a->types == b->types && a->grades == b->grades &&
           a->ownerships == b->ownerships && a->run_bys == b->run_bys && a->central == b->central &&
           a->sub_centre == b->sub_centre && same_str(service_filter(a), service_filter(b));
}

static void fsums_free(fsums *fs)
{
    free(fs->slot);
    free(fs->first);
    free(fs->fac);
    free(fs->fac_slot);
    for (size_t i = 0; i < sizeof fs->anc / sizeof *fs->anc; i++)
        free(fs->anc[i]);
    free(fs->sums);
}

/* Index of area a's ancestor (or itself) at `level`, or -1. */
static int ancestor_at(const pregion *R, int a, int level)
{
    while (a >= 0 && R->areas[a].level != level)
        a = R->areas[a].parent;
    return a;
}

/* Each facility's ancestor at `level`, worked out once per evaluation and level. */
static const int *fac_ancestors(fsums *fs, int level)
{
    const pregion *R = fs->R;
    if (!fs->anc[level]) {
        fs->anc[level] = hss_xmalloc((R->nfacs + 1) * sizeof *fs->anc[level]);
        for (size_t i = 0; i < R->nfacs; i++)
            fs->anc[level][i] = ancestor_at(R, R->facs[i].area, level);
    }
    return fs->anc[level];
}

static void group_by_level(fsums *fs, const prule *r)
{
    const pregion *R = fs->R;
    if (!fs->slot) {
        fs->slot = hss_xmalloc((R->nareas + 1) * sizeof *fs->slot);
        fs->first = hss_xmalloc((R->nareas + 2) * sizeof *fs->first);
        fs->fac = hss_xmalloc((R->nfacs + 1) * sizeof *fs->fac);
        fs->fac_slot = hss_xmalloc((R->nfacs + 1) * sizeof *fs->fac_slot);
    }
    int n = 0;
    for (size_t i = 0; i < R->nareas; i++)
        fs->slot[i] = R->areas[i].level == r->level ? n++ : -1;
    memset(fs->first, 0, ((size_t)n + 2) * sizeof *fs->first);
    /* a counting sort of the selected facilities by slot */
    int *anc = fs->fac_slot;
    const char *svc = service_filter(r);
    const int *at = r->level < (int)(sizeof fs->anc / sizeof *fs->anc) ? fac_ancestors(fs, r->level) : NULL;
    for (size_t i = 0; i < R->nfacs; i++) {
        int a = !fac_matches(r, svc, &R->facs[i]) ? -1
                : at ? at[i] : ancestor_at(R, R->facs[i].area, r->level);
        anc[i] = a >= 0 ? fs->slot[a] : -1;
        if (anc[i] >= 0)
            fs->first[anc[i] + 2]++;
    }
    for (int s = 0; s < n; s++)
        fs->first[s + 2] += fs->first[s + 1];
    /* first[s + 1] is now where slot s begins; filling moves it to where s ends = s + 1 begins */
    for (size_t i = 0; i < R->nfacs; i++) {
        int s = anc[i];
        if (s >= 0) {
            fs->fac[fs->first[s + 1]++] = (int)i;
        }
    }
}

static void sum_subtrees(fsums *fs, const prule *r)
{
    const pregion *R = fs->R;
    if (!fs->sums)
        fs->sums = hss_xmalloc_large((R->nareas ? R->nareas : 1) * sizeof *fs->sums);
    memset(fs->sums, 0, (R->nareas ? R->nareas : 1) * sizeof *fs->sums);
    const char *svc = service_filter(r);
    for (size_t i = 0; i < R->nfacs; i++)
        if (fac_matches(r, svc, &R->facs[i]))
            sum_fac(&fs->sums[R->facs[i].area], R, &R->facs[i], &fs->mark);
    for (size_t k = R->nareas; k-- > 0;) {
        int a = R->order[k];
        if (R->areas[a].parent >= 0)
            pagg_add(&fs->sums[R->areas[a].parent], &fs->sums[a]);
    }
}

static void fsums_for(fsums *fs, const prule *r)
{
    fs->mark = rule_mark(r);
    fs->level_rule = r->level >= 0;
    if (!fs->level_rule)
        sum_subtrees(fs, r); /* leaves the groups as they are */
    else if (!same_groups(fs->grouped, r)) {
        group_by_level(fs, r);
        fs->grouped = r;
    }
}

static const pagg *fsums_of(fsums *fs, int area)
{
    if (!fs->level_rule)
        return &fs->sums[area];
    memset(&fs->one, 0, sizeof fs->one);
    int s = fs->slot[area];
    for (int j = fs->first[s]; j < fs->first[s + 1]; j++)
        sum_fac(&fs->one, fs->R, &fs->R->facs[fs->fac[j]], &fs->mark);
    return &fs->one;
}

static int approx_eq(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static int compare(pcmp c, double obs, double target)
{
    switch (c) {
    case CMP_GE: return obs > target || approx_eq(obs, target);
    case CMP_LE: return obs < target || approx_eq(obs, target);
    case CMP_GT: return obs > target && !approx_eq(obs, target);
    case CMP_LT: return obs < target && !approx_eq(obs, target);
    case CMP_EQ: return approx_eq(obs, target);
    case CMP_PRESENT: return obs > 0;
    }
    return 0;
}

static void fmt_num(char *buf, size_t n, double v)
{
    if (approx_eq(v, round(v)))
        snprintf(buf, n, "%.0f", round(v));
    else {
        snprintf(buf, n, "%.4f", v);
        size_t len = strlen(buf);
        while (len > 0 && buf[len - 1] == '0')
            buf[--len] = '\0';
    }
}

static char *fill(const char *tmpl, double gap, double need, double obs, double target,
                  const char *unit)
{
    hss_buf b;
    hss_buf_init(&b);
    for (const char *p = tmpl; *p;) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            if (e) {
                char num[64] = "";
                size_t n = (size_t)(e - p - 1);
                if (n == 3 && strncmp(p + 1, "gap", 3) == 0)
                    fmt_num(num, sizeof num, gap);
                else if (n == 4 && strncmp(p + 1, "need", 4) == 0)
                    fmt_num(num, sizeof num, need);
                else if (n == 8 && strncmp(p + 1, "observed", 8) == 0)
                    fmt_num(num, sizeof num, obs);
                else if (n == 6 && strncmp(p + 1, "target", 6) == 0)
                    fmt_num(num, sizeof num, target);
                else if (n == 4 && strncmp(p + 1, "unit", 4) == 0)
                    snprintf(num, sizeof num, "%s", unit);
                hss_buf_puts(&b, num);
                p = e + 1;
                continue;
            }
        }
        hss_buf_putc(&b, *p++);
    }
    return hss_buf_steal(&b);
}

typedef struct {
    hss_policy_result *res;
    const pregion *R;
    const hss_policy_pack *pack;
    fsums sums; /* the rule's facility sums (memory kept from rule to rule) */
    hss_vec rows; /* per finding: its area's index and status (0 pass, 1 fail, 2 unknown) */
} ctx;

typedef struct {
    int area, status;
} frow;

static void note_row(ctx *c, const parea *a, int status)
{
    frow *r = hss_vec_push(&c->rows);
    r->area = (int)(a - c->R->areas);
    r->status = status;
}

/* The title a pack gives a document (the child's listing wins), or "". */
static const char *doc_title(const hss_policy_pack *p, const char *file)
{
    const char *t = "";
    for (size_t i = 0; i < p->ndocs; i++)
        if (strcmp(p->docs[i].file, file) == 0)
            t = p->docs[i].title;
    return t;
}

static void add_finding(ctx *c, const prule *r, const parea *a, const pfac *f, presult *m)
{
    hss_table *t = c->res->findings;
    hss_table_add_row(t);
    hss_table_set_text(t, C_RULE, r->id);
    hss_table_set_text(t, C_PACK, r->pack);
    hss_table_set_text(t, C_OVERRIDES, r->overrides);
    hss_table_set_text(t, C_TITLE, r->title_zh);
    hss_table_set_text(t, C_TITLE_EN, r->title_en);
    hss_table_set_text(t, C_MEASURE, r->measure->name);
    if (f)
        a = &c->R->areas[f->area];
    hss_table_set_text(t, C_AREA, a->code);
    hss_table_set_text(t, C_AREA_NAME, a->name);
    if (f) {
        hss_table_set_text(t, C_FACILITY, f->code);
        hss_table_set_text(t, C_FACILITY_NAME, f->name);
    }
    hss_table_set_text(t, C_COMPARATOR, policy_cmp_name(r->cmp));
    double target = r->measure->computes_target ? m->target : r->target;
    if (r->cmp == CMP_PRESENT)
        target = 1;
    if (r->measure->computes_target ? m->known : 1)
        hss_table_set_real(t, C_TARGET, target, 4);
    hss_table_set_text(t, C_UNIT, r->unit_zh);
    hss_table_set_text(t, C_UNIT_EN, r->unit_en);
    hss_table_set_int(t, C_YEAR, r->year);
    hss_table_set_text(t, C_DOCUMENT, r->document);
    hss_table_set_text(t, C_QUOTE, r->quote);
    hss_table_set_text(t, C_DOCUMENT_TITLE, doc_title(c->pack, r->document));
    hss_table_set_text(t, C_MEASURE_ZH, r->measure->zh);
    if (m->reason[0])
        hss_table_set_text(t, C_REASON, m->reason);
    if (m->reason_zh[0])
        hss_table_set_text(t, C_REASON_ZH, m->reason_zh);
    if (!m->known) {
        hss_table_set_text(t, C_STATUS, "unknown");
        c->res->unknown++;
        note_row(c, a, 2);
        return;
    }
    hss_table_set_real(t, C_OBSERVED, m->observed, 4);
    int ok = compare(r->cmp, m->observed, target);
    hss_table_set_text(t, C_STATUS, ok ? "pass" : "fail");
    note_row(c, a, !ok);
    if (ok) {
        c->res->pass++;
        hss_table_set_real(t, C_GAP, 0, 4);
        hss_table_set_real(t, C_NEED, 0, 4);
        return;
    }
    c->res->fail++;
    double gap, need;
    int up = r->cmp == CMP_GE || r->cmp == CMP_GT || r->cmp == CMP_PRESENT ||
             (r->cmp == CMP_EQ && m->observed < target);
    gap = r->cmp == CMP_PRESENT ? 1 : fabs(target - m->observed);
    if (r->cmp == CMP_PRESENT) {
        need = 1;
    } else if (m->has_need && m->scale > 0) {
        /* How many whole units of the numerator must change (e.g. nurses to hire, open beds to
         * close) for the ratio to meet the target. */
        double want = target * m->den / m->scale;
        double d = up ? want - m->num : m->num - want;
        int strict = r->cmp == CMP_GT || r->cmp == CMP_LT;
        need = strict ? floor(d + 1e-9) + 1 : ceil(d - 1e-9);
        if (need < 1)
            need = 1;
    } else {
        need = gap;
    }
    hss_table_set_real(t, C_GAP, gap, 4);
    hss_table_set_real(t, C_NEED, need, 4);
    char *zh = fill(r->gap_zh, gap, need, m->observed, target, r->unit_zh);
    char *en = fill(r->gap_en, gap, need, m->observed, target, r->unit_en);
    hss_table_set_text(t, C_GAP_TEXT, zh);
    hss_table_set_text(t, C_GAP_TEXT_EN, en);
    free(zh);
    free(en);
}

/* Area filters every area measure accepts: population bounds. Returns 1 to evaluate, 0 to
 * skip, -1 when the population is needed but unknown. */
static int area_population_filter(const prule *r, const parea *a)
{
    double over = prule_num(r, "population_over", -1), least = prule_num(r, "population_at_least", -1),
           below = prule_num(r, "population_below", -1);
    if (over < 0 && least < 0 && below < 0)
        return 1;
    if (strcmp(r->measure->name, "village_clinic_presence") == 0)
        return 1; /* applies population_over itself */
    if (!a->pop_known)
        return -1;
    double p = (double)a->population;
    if ((over >= 0 && !(p > over)) || (least >= 0 && p < least) || (below >= 0 && !(p < below)))
        return 0;
    return 1;
}

static int cmp_code(const void *x, const void *y, void *R)
{
    const pregion *r = R;
    return strcmp(r->areas[*(const int *)x].code, r->areas[*(const int *)y].code);
}

/* True when the rule names no areas, or area `ai` (or, with `subtree`, one of its ancestors)
 * is among them. */
static int named_area(const pregion *R, const prule *r, int ai, int subtree)
{
    if (!r->nareas)
        return 1;
    for (int a = ai; a >= 0; a = subtree ? R->areas[a].parent : -1)
        for (size_t i = 0; i < r->nareas; i++)
            if (strcmp(R->areas[a].code, r->areas[i]) == 0)
                return 1;
    return 0;
}

static void eval_rule(ctx *c, const prule *r, const int *by_code)
{
    const pregion *R = c->R;
    if (r->each == SUBJ_FACILITY) {
        const char *svc = service_filter(r);
        for (size_t i = 0; i < R->nfacs; i++) {
            const pfac *f = &R->facs[i];
            const parea *a = &R->areas[f->area];
            if (!a->in_scope || !fac_matches(r, svc, f) || !named_area(R, r, f->area, 1))
                continue;
            if (r->kind >= 0 && a->kind != r->kind)
                continue;
            presult m;
            memset(&m, 0, sizeof m);
            pagg g;
            policy_fac_agg(R, f, &g);
            r->measure->fn(R, r, NULL, f, &g, &m);
            if (!m.skip)
                add_finding(c, r, NULL, f, &m);
        }
        return;
    }
    fsums_for(&c->sums, r);
    for (size_t k = 0; k < R->nareas; k++) {
        int ai = by_code[k];
        const parea *a = &R->areas[ai];
        if (!a->in_scope || (r->level >= 0 && a->level != r->level) ||
            (r->kind >= 0 && a->kind != r->kind) || !named_area(R, r, ai, 0))
            continue;
        presult m;
        memset(&m, 0, sizeof m);
        int pf = area_population_filter(r, a);
        if (pf == 0)
            continue;
        if (pf < 0) {
            snprintf(m.reason, sizeof m.reason,
                     "population of %s (%s) is not recorded, so whether the rule applies is unknown",
                     a->name, a->code);
            snprintf(m.reason_zh, sizeof m.reason_zh, "%s（%s）未登记常住人口，无法判断本规则是否适用",
                     a->name, a->code);
        }
        else if (r->run_bys && R->run_by_known == 0)
            run_by_unknown(&m);
        else
            r->measure->fn(R, r, a, NULL, fsums_of(&c->sums, ai), &m);
        if (!m.skip)
            add_finding(c, r, a, NULL, &m);
    }
}

static void summarise(hss_policy_result *res, const pregion *R, const hss_vec *rows)
{
    hss_table *s = hss_table_new();
    hss_table_add_col(s, "area", "区划代码", HSS_COL_TEXT);
    hss_table_add_col(s, "area_name", "区域", HSS_COL_TEXT);
    hss_table_add_col(s, "level", "层级", HSS_COL_TEXT);
    hss_table_add_col(s, "pass", "达标", HSS_COL_INT);
    hss_table_add_col(s, "fail", "未达标", HSS_COL_INT);
    hss_table_add_col(s, "unknown", "无法判断", HSS_COL_INT);
    hss_table_add_col(s, "total", "合计", HSS_COL_INT);
    int *cnt = hss_xcalloc(R->nareas * 3 + 3, sizeof *cnt);
    for (size_t i = 0; i < rows->len; i++) {
        const frow *r = &HSS_VEC_AT(rows, frow, i);
        /* Roll up to the county-level ancestor, so the summary reads per county. */
        int g = r->area;
        while (R->areas[g].level > HSS_LEVEL_COUNTY && R->areas[g].parent >= 0)
            g = R->areas[g].parent;
        cnt[g * 3 + r->status]++;
    }
    int *idx = hss_xmalloc((R->nareas + 1) * sizeof *idx);
    for (size_t i = 0; i < R->nareas; i++)
        idx[i] = (int)i;
    qsort_r(idx, R->nareas, sizeof *idx, cmp_code, (void *)R);
    for (size_t k = 0; k < R->nareas; k++) {
        int a = idx[k];
        int tot = cnt[a * 3] + cnt[a * 3 + 1] + cnt[a * 3 + 2];
        if (!tot)
            continue;
        hss_table_add_row(s);
        hss_table_set_text(s, 0, R->areas[a].code);
        hss_table_set_text(s, 1, R->areas[a].name);
        size_t nl;
        const hss_term *levels = hss_model_terms(HSS_VOCAB_LEVEL, &nl);
        int lv = R->areas[a].level;
        hss_table_set_text(s, 2, lv >= 0 && (size_t)lv < nl ? levels[lv].zh : "");
        hss_table_set_int(s, 3, cnt[a * 3]);
        hss_table_set_int(s, 4, cnt[a * 3 + 1]);
        hss_table_set_int(s, 5, cnt[a * 3 + 2]);
        hss_table_set_int(s, 6, tot);
    }
    hss_table_add_row(s);
    hss_table_set_text(s, 1, "合计");
    hss_table_set_int(s, 3, (long long)res->pass);
    hss_table_set_int(s, 4, (long long)res->fail);
    hss_table_set_int(s, 5, (long long)res->unknown);
    hss_table_set_int(s, 6, (long long)(res->pass + res->fail + res->unknown));
    free(idx);
    free(cnt);
    res->summary = s;
}

hss_code hss_policy_evaluate(hss_store *st, const hss_policy_pack *pack, int year,
                             const char *under, hss_policy_result **out, hss_error *err)
{
    *out = NULL;
    if (year && (year < 2000 || year > 2100))
        return hss_fail(err, HSS_EINVAL, "--year %d: a year between 2000 and 2100", year);
    pregion R;
    hss_code rc = policy_region_load(st, &R, err);
    if (rc != HSS_OK) {
        policy_region_free(&R);
        return rc;
    }
    int ui = -1;
    if (under && *under) {
        ui = policy_region_find(&R, under);
        if (ui < 0) {
            policy_region_free(&R);
            return hss_fail(err, HSS_ENOTFOUND, "--under %s: no such area in the database", under);
        }
    }
    for (size_t k = 0; k < R.nareas; k++) {
        parea *a = &R.areas[R.order[k]];
        a->in_scope = ui < 0 || R.order[k] == ui || (a->parent >= 0 && R.areas[a->parent].in_scope);
    }
    int *by_code = hss_xmalloc((R.nareas + 1) * sizeof *by_code);
    for (size_t i = 0; i < R.nareas; i++)
        by_code[i] = (int)i;
    qsort_r(by_code, R.nareas, sizeof *by_code, cmp_code, &R);

    hss_policy_result *res = hss_xcalloc(1, sizeof *res);
    res->pack = hss_xstrdup(pack->name);
    res->year = year ? year : pack->year;
    res->under = ui >= 0 ? hss_xstrdup(under) : NULL;
    res->pack_title = hss_xstrdup(pack->title_zh ? pack->title_zh : pack->name);
    /* The name the report carries: the --under area, else the single top area. */
    int top = ui;
    for (size_t i = 0; top < 0 && i < R.nareas; i++)
        if (R.areas[i].parent < 0) {
            top = (int)i;
            for (size_t k = i + 1; k < R.nareas; k++)
                if (R.areas[k].parent < 0)
                    top = -2; /* several roots: no single name */
        }
    /* a province stored only as the parent of one city: the report is about the city (丽水市) */
    while (ui < 0 && top >= 0) {
        int children = 0, child = -1;
        for (size_t k = 0; k < R.nareas && children < 2; k++)
            if (R.areas[k].parent == top)
                children++, child = (int)k;
        if (children != 1 || R.areas[child].level > HSS_LEVEL_CITY)
            break;
        top = child;
    }
    res->region_name = top >= 0 ? hss_xstrdup(R.areas[top].name) : hss_store_meta_get(st, "region");
    res->generated = R.generated;
    res->findings = findings_table();
    R.st = st;
    R.year = res->year;
    ctx c = {.res = res, .R = &R, .pack = pack, .sums = {.R = &R}};
    hss_vec_init(&c.rows, sizeof(frow));
    for (size_t i = 0; i < pack->nrules; i++) {
        const prule *r = &pack->rules[i];
        if (res->year && r->year && r->year > res->year)
            continue; /* not due yet */
        eval_rule(&c, r, by_code);
    }
    fsums_free(&c.sums);
    summarise(res, &R, &c.rows);
    hss_vec_free(&c.rows);
    free(by_code);
    policy_region_free(&R);
    *out = res;
    return HSS_OK;
}

void hss_policy_result_free(hss_policy_result *r)
{
    if (!r)
        return;
    free(r->pack);
    free(r->pack_title);
    free(r->under);
    free(r->region_name);
    hss_table_free(r->findings);
    hss_table_free(r->summary);
    free(r);
}

hss_code hss_policy_findings(hss_store *st, const char *pack, int year, const char *under,
                             hss_table **out, hss_error *err)
{
    *out = NULL;
    hss_policy_pack *p = hss_policy_load(pack, err);
    if (!p)
        return err ? err->code : HSS_EINVAL;
    hss_policy_result *res;
    hss_code rc = hss_policy_evaluate(st, p, year, under, &res, err);
    hss_policy_free(p);
    if (rc != HSS_OK)
        return rc;
    *out = res->findings;
    res->findings = NULL;
    hss_policy_result_free(res);
    return HSS_OK;
}
