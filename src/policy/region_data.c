/*
 * region_data.c: reads the stored region (area, facility, staff, vehicle) into memory once per
 * evaluation, so that each rule sums its facilities into the areas it judges (evaluate.c) and
 * each measure is a few arithmetic operations per area. A province (~100,000 facilities) loads
 * in about a tenth of a second. Missing numbers stay missing (counted in *_known), never zero.
 */
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "policy/policy_int.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int policy_region_find(const pregion *R, const char *code)
{
    if (!R->hcap)
        return -1;
    size_t i = hash_str(code) & (R->hcap - 1);
    while (R->hash[i] >= 0) {
        if (strcmp(R->areas[R->hash[i]].code, code) == 0)
            return R->hash[i];
        i = (i + 1) & (R->hcap - 1);
    }
    return -1;
}

static void hash_build(pregion *R)
{
    R->hcap = 16;
    while (R->hcap < R->nareas * 2 + 1)
        R->hcap *= 2;
    R->hash = hss_xmalloc(R->hcap * sizeof *R->hash);
    for (size_t i = 0; i < R->hcap; i++)
        R->hash[i] = -1;
    for (size_t a = 0; a < R->nareas; a++) {
        size_t i = hash_str(R->areas[a].code) & (R->hcap - 1);
        while (R->hash[i] >= 0)
            i = (i + 1) & (R->hcap - 1);
        R->hash[i] = (int)a;
    }
}

void pagg_add(pagg *d, const pagg *s)
{
    d->beds_open += s->beds_open;
    d->beds_approved += s->beds_approved;
    d->beds_inf += s->beds_inf;
    d->beds_open_known += s->beds_open_known;
    d->beds_approved_known += s->beds_approved_known;
    d->beds_inf_known += s->beds_inf_known;
    d->beds_rehab += s->beds_rehab;
    d->beds_nursing += s->beds_nursing;
    d->beds_rehab_known += s->beds_rehab_known;
    d->beds_nursing_known += s->beds_nursing_known;
    for (int i = 0; i < NSTAFF; i++)
        d->staff[i] += s->staff[i];
    for (int i = 0; i < NVEH; i++)
        d->veh[i] += s->veh[i];
    for (int i = 0; i < NTYPES; i++)
        d->types[i] += s->types[i];
    for (int i = 0; i < 3; i++)
        d->owned[i] += s->owned[i];
    d->centrals += s->centrals;
    d->sub_centres += s->sub_centres;
    d->staff_known += s->staff_known;
    d->veh_known += s->veh_known;
    d->facilities += s->facilities;
    d->marked += s->marked;
}

void pagg_add_fac(pagg *d, const pregion *R, const pfac *f)
{
    d->beds_open += f->beds_open;
    d->beds_approved += f->beds_approved;
    d->beds_inf += f->beds_inf;
    d->beds_rehab += f->beds_rehab;
    d->beds_nursing += f->beds_nursing;
    d->beds_open_known += (f->beds_known & PB_OPEN) != 0;
    d->beds_approved_known += (f->beds_known & PB_APPROVED) != 0;
    d->beds_inf_known += (f->beds_known & PB_INF) != 0;
    d->beds_rehab_known += (f->beds_known & PB_REHAB) != 0;
    d->beds_nursing_known += (f->beds_known & PB_NURSING) != 0;
    for (uint16_t i = 0; i < f->nstaff; i++)
        d->staff[R->staff[f->staff_at + i].k] += R->staff[f->staff_at + i].n;
    for (uint16_t i = 0; i < f->nveh; i++)
        d->veh[R->veh[f->veh_at + i].k] += R->veh[f->veh_at + i].n;
    d->staff_known += f->nstaff > 0;
    d->veh_known += f->nveh > 0;
    d->types[f->type]++;
    if (f->ownership >= 0 && f->ownership < 3)
        d->owned[f->ownership]++;
    d->centrals += f->central != 0;
    d->sub_centres += f->sub_centre != 0;
    d->facilities++;
}

void policy_fac_agg(const pregion *R, const pfac *f, pagg *g)
{
    memset(g, 0, sizeof *g);
    pagg_add_fac(g, R, f);
}

/* Column c of the row, copied into the region's pool ("" for NULL). */
static char *col_text(pregion *R, hss_stmt *s, int c)
{
    const char *t = hss_store_col_text(s, c);
    return hss_strpool_copyn(&R->strings, t ? t : "", t ? (size_t)hss_store_col_bytes(s, c) : 0);
}

/* hss_model_find remembering its last answer: a column's values repeat from row to row (a
 * province has 100,000 facilities of a few types, grades and owners). */
typedef struct {
    hss_vocab v;
    int idx;
    char last[32]; /* "" until a value is remembered; longer values are not */
} vmemo;

static int vfind(vmemo *m, const char *s)
{
    if (m->last[0] && strcmp(m->last, s) == 0)
        return m->idx;
    m->idx = hss_model_find(m->v, s);
    size_t n = strlen(s);
    if (n < sizeof m->last)
        memcpy(m->last, s, n + 1);
    else
        m->last[0] = '\0';
    return m->idx;
}

static hss_code load_areas(hss_store *st, pregion *R, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(
        st, "SELECT code, parent_code, level, name, kind, population, generated FROM area", err);
    if (!s)
        return err->code;
    size_t cap = 0;
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        if (R->nareas == cap) {
            cap = cap ? cap * 2 : 1024;
            R->areas = hss_xrealloc(R->areas, cap * sizeof *R->areas);
        }
        parea *a = &R->areas[R->nareas];
        memset(a, 0, sizeof *a);
        a->code = col_text(R, s, 0);
        a->parent_code = hss_store_col_is_null(s, 1) ? NULL : col_text(R, s, 1);
        a->level = hss_model_find(HSS_VOCAB_LEVEL, hss_store_col_text(s, 2));
        a->name = col_text(R, s, 3);
        a->kind = strcmp(hss_store_col_text(s, 4), "rural") == 0;
        a->pop_known = !hss_store_col_is_null(s, 5);
        a->population = hss_store_col_int64(s, 5);
        a->stored_pop = a->pop_known ? a->population : -1;
        if (hss_store_col_int(s, 6))
            R->generated = 1;
        a->parent = -1;
        R->nareas++;
    }
    hss_store_finalize(s);
    if (rc != HSS_DONE)
        return hss_store_error(st, err, "reading areas");
    return HSS_OK;
}

/* Depth of every area and an order with parents before children. */
static void order_areas(pregion *R)
{
    int maxd = 0;
    for (size_t i = 0; i < R->nareas; i++) {
        int d = 0;
        for (int p = R->areas[i].parent; p >= 0 && d < 64; p = R->areas[p].parent)
            d++;
        R->areas[i].depth = d;
        if (d > maxd)
            maxd = d;
    }
    R->order = hss_xmalloc((R->nareas + 1) * sizeof *R->order);
    size_t k = 0;
    for (int d = 0; d <= maxd; d++)
        for (size_t i = 0; i < R->nareas; i++)
            if (R->areas[i].depth == d)
                R->order[k++] = (int)i;
}

static hss_code load_facilities(hss_store *st, pregion *R, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(
        st,
        "SELECT code, name, type, grade, ownership, area_code, beds_approved, beds_open, "
        "beds_infectious, central, sub_centre, services, generated, beds_rehabilitation, "
        "beds_nursing, run_by FROM facility",
        err);
    if (!s)
        return err->code;
    /* Sized once: growing an array of 100,000 large records by doubling costs more than
     * counting them (copies and page faults). */
    size_t cap = 0;
    hss_stmt *n = hss_store_prepare(st, "SELECT COUNT(*) FROM facility", err);
    if (!n) {
        hss_store_finalize(s);
        return err->code;
    }
    if (hss_store_step(n) == HSS_ROW && hss_store_col_int64(n, 0) > 0) {
        cap = (size_t)hss_store_col_int64(n, 0);
        R->facs = hss_xmalloc_large(cap * sizeof *R->facs);
    }
    hss_store_finalize(n);
    vmemo types = {.v = HSS_VOCAB_FACILITY_TYPE}, grades = {.v = HSS_VOCAB_GRADE}, owners = {.v = HSS_VOCAB_OWNERSHIP},
          levels = {.v = HSS_VOCAB_LEVEL};
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        int area = policy_region_find(R, hss_store_col_text(s, 5));
        int type = vfind(&types, hss_store_col_text(s, 2));
        if (area < 0 || type < 0)
            continue; /* the region module rejects these on import; skip defensively */
        if (R->nfacs == cap) {
            cap = cap ? cap * 2 : 1024;
            R->facs = hss_xgrow_large(R->facs, R->nfacs * sizeof *R->facs, cap * sizeof *R->facs);
        }
        pfac *f = &R->facs[R->nfacs++];
        memset(f, 0, sizeof *f);
        f->code = col_text(R, s, 0);
        f->name = col_text(R, s, 1);
        f->type = type;
        f->grade = vfind(&grades, hss_store_col_text(s, 3));
        f->ownership = vfind(&owners, hss_store_col_text(s, 4));
        f->area = area;
        /* beds: columns 6, 7, 8, 13, 14 */
        static const int bcol[] = {6, 7, 8, 13, 14}, bbit[] = {PB_APPROVED, PB_OPEN, PB_INF, PB_REHAB, PB_NURSING};
        double *bval[] = {&f->beds_approved, &f->beds_open, &f->beds_inf, &f->beds_rehab, &f->beds_nursing};
        for (int b = 0; b < 5; b++)
            if (!hss_store_col_is_null(s, bcol[b])) {
                *bval[b] = hss_store_col_double(s, bcol[b]);
                f->beds_known |= bbit[b];
            }
        f->run_by = hss_store_col_is_null(s, 15)
                        ? -1 : vfind(&levels, hss_store_col_text(s, 15));
        R->run_by_known += f->run_by >= 0;
        f->central = hss_store_col_int(s, 9);
        f->sub_centre = hss_store_col_int(s, 10);
        f->services = col_text(R, s, 11);
        if (hss_store_col_int(s, 12))
            R->generated = 1;
    }
    hss_store_finalize(s);
    if (rc != HSS_DONE)
        return hss_store_error(st, err, "reading facilities");
    return HSS_OK;
}

static int fac_cmp(const void *a, const void *b)
{
    return strcmp(((const pfac *)a)->code, ((const pfac *)b)->code);
}

/* Facility `code`'s index, looked for first at `near` and the next one (staff and vehicle rows
 * come in facility order, so that is where the next row's facility usually is). */
static int fac_find(const pregion *R, const char *code, int near)
{
    for (int i = near; i >= 0 && i <= near + 1 && (size_t)i < R->nfacs; i++)
        if (strcmp(R->facs[i].code, code) == 0)
            return i;
    size_t lo = 0, hi = R->nfacs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(R->facs[mid].code, code);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* A staff or vehicle row on its way to the pool, with its facility and place in the query. */
typedef struct {
    int fac;
    size_t seq;
    pcount c;
} prow;

static int prow_cmp(const void *x, const void *y)
{
    const prow *a = x, *b = y;
    if (a->fac != b->fac)
        return a->fac < b->fac ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Staff (staff = 1) or vehicle (staff = 0) rows into the region's pool, each facility's rows
 * together (the query returns them so; sorted only if the collation differed). Rows of an
 * unknown facility or category are left out. */
static hss_code load_counts(hss_store *st, pregion *R, int staff, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(
        st,
        staff ? "SELECT facility_code, category, count FROM staff ORDER BY facility_code"
              : "SELECT facility_code, kind, count FROM vehicle ORDER BY facility_code",
        err);
    if (!s)
        return err->code;
    hss_vec rows;
    hss_vec_init(&rows, sizeof(prow));
    /* about one staff row per facility on a province (1.1 on the generated one): room for half
     * as many again without doubling (room not written to costs nothing) */
    rows.cap = R->nfacs + R->nfacs / 2 + 16;
    rows.items = hss_xmalloc_large(rows.cap * sizeof(prow));
    vmemo cats = {.v = staff ? HSS_VOCAB_STAFF : HSS_VOCAB_VEHICLE};
    int rc, last = -1, sorted = 1;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        const char *fc = hss_store_col_text(s, 0);
        int fi = fac_find(R, fc, last);
        if (fi < 0)
            continue;
        const char *cat = hss_store_col_text(s, 1);
        int k = vfind(&cats, cat);
        if (k < 0)
            continue;
        if (fi < last)
            sorted = 0;
        last = fi;
        prow *p = hss_vec_push(&rows);
        p->fac = fi;
        p->seq = rows.len;
        p->c.k = k;
        p->c.n = hss_store_col_double(s, 2);
    }
    hss_store_finalize(s);
    if (rc != HSS_DONE) {
        hss_vec_free(&rows);
        return hss_store_error(st, err, staff ? "reading staff" : "reading vehicles");
    }
    prow *p = rows.items;
    if (!sorted)
        qsort(p, rows.len, sizeof *p, prow_cmp);
    pcount *pool = hss_xmalloc_large((rows.len ? rows.len : 1) * sizeof *pool);
    for (size_t i = 0; i < rows.len; i++) {
        pool[i] = p[i].c;
        pfac *f = &R->facs[p[i].fac];
        if (staff) {
            if (!f->nstaff)
                f->staff_at = (uint32_t)i;
            f->nstaff++;
        } else {
            if (!f->nveh)
                f->veh_at = (uint32_t)i;
            f->nveh++;
        }
    }
    if (staff) {
        R->staff = pool;
        R->nstaffrows = rows.len;
    } else {
        R->veh = pool;
        R->nvehrows = rows.len;
    }
    hss_vec_free(&rows);
    return HSS_OK;
}

hss_code policy_region_load(hss_store *st, pregion *R, hss_error *err)
{
    memset(R, 0, sizeof *R);
    hss_strpool_init(&R->strings, HSS_STRPOOL_LARGE);
    R->links = hss_xcalloc(1, sizeof *R->links);
    size_t n;
    hss_model_terms(HSS_VOCAB_FACILITY_TYPE, &n);
    size_t ns, nv;
    hss_model_terms(HSS_VOCAB_STAFF, &ns);
    hss_model_terms(HSS_VOCAB_VEHICLE, &nv);
    size_t ng, no;
    hss_model_terms(HSS_VOCAB_GRADE, &ng);
    hss_model_terms(HSS_VOCAB_OWNERSHIP, &no);
    if (n > NTYPES || ns > NSTAFF || nv > NVEH || ng > 32 || no > 3)
        return hss_fail(err, HSS_EUNKNOWN,
                        "policy: a vocabulary outgrew the evaluator's tables; raise the sizes in "
                        "src/policy/policy_int.h");
    hss_code rc = load_areas(st, R, err);
    if (rc != HSS_OK)
        return rc;
    hash_build(R);
    for (size_t i = 0; i < R->nareas; i++) {
        const char *p = R->areas[i].parent_code;
        R->areas[i].parent = p ? policy_region_find(R, p) : -1;
    }
    order_areas(R);
    rc = load_facilities(st, R, err);
    if (rc != HSS_OK)
        return rc;
    /* By code (fac_find's order): sorted here, not by the query, because reading the table in
     * its stored order and sorting in memory costs less than reading it through the index on
     * code, and the collation is then strcmp's on every database. Already in order (the usual
     * case: codes inserted in order), the check below is all it costs. */
    for (size_t i = 1; i < R->nfacs; i++)
        if (fac_cmp(&R->facs[i - 1], &R->facs[i]) > 0) {
            qsort(R->facs, R->nfacs, sizeof *R->facs, fac_cmp);
            break;
        }
    rc = load_counts(st, R, 1, err);
    if (rc == HSS_OK)
        rc = load_counts(st, R, 0, err);
    if (rc != HSS_OK)
        return rc;
    /* Population: an area without its own figure takes the sum of its children when every
     * child has one (deepest first). Facility sums are made per rule (evaluate.c). */
    int64_t *childpop = hss_xcalloc(R->nareas + 1, sizeof *childpop);
    int *children = hss_xcalloc(R->nareas + 1, sizeof *children);
    int *childunknown = hss_xcalloc(R->nareas + 1, sizeof *childunknown);
    for (size_t k = R->nareas; k-- > 0;) {
        int a = R->order[k];
        parea *A = &R->areas[a];
        if (!A->pop_known && children[a] > 0 && childunknown[a] == 0) {
            A->population = childpop[a];
            A->pop_known = 1;
        }
        if (A->parent >= 0) {
            children[A->parent]++;
            if (A->pop_known)
                childpop[A->parent] += A->population;
            else
                childunknown[A->parent]++;
        }
    }
    free(childpop);
    free(children);
    free(childunknown);
    return HSS_OK;
}

void policy_region_free(pregion *R)
{
    if (R->links) {
        policy_links_free(R->links);
        free(R->links);
        R->links = NULL;
    }
    hss_strpool_free(&R->strings);
    free(R->areas);
    free(R->facs);
    free(R->staff);
    free(R->veh);
    free(R->order);
    free(R->hash);
    memset(R, 0, sizeof *R);
}

struct hss_metrics_session *policy_metrics_open(const pregion *R, hss_error *err)
{
    hss_metrics_node *a = hss_xmalloc_large((R->nareas + 1) * sizeof *a);
    hss_metrics_node *f = hss_xmalloc_large((R->nfacs + 1) * sizeof *f);
    for (size_t i = 0; i < R->nareas; i++) {
        const parea *A = &R->areas[i];
        a[i] = (hss_metrics_node){.code = A->code, .name = A->name, .parent = A->parent_code,
                                  .level = A->level, .population = A->stored_pop};
    }
    size_t nt;
    const hss_term *types = hss_model_terms(HSS_VOCAB_FACILITY_TYPE, &nt);
    for (size_t i = 0; i < R->nfacs; i++) {
        const pfac *F = &R->facs[i];
        f[i] = (hss_metrics_node){
            .code = F->code, .name = F->name, .parent = R->areas[F->area].code,
            .type = types[F->type].id,
            .beds_open = F->beds_known & PB_OPEN ? (int64_t)F->beds_open : -1,
            .beds_approved = F->beds_known & PB_APPROVED ? (int64_t)F->beds_approved : -1};
    }
    struct hss_metrics_session *s = hss_metrics_session_open_nodes(R->st, a, R->nareas, f, R->nfacs, err);
    free(a);
    free(f);
    return s;
}
