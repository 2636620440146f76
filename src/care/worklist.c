/*
 * worklist.c: a family-doctor team's or a facility's daily worklist: every chronic patient in
 * its villages whose next action (scheduler.c) is due, overdue, a re-check or a referral, plus
 * accepted referrals whose patient has not arrived after the escalation delay. Most urgent
 * first; each row names the reason. Every resident listed is written to the access log. The
 * server keeps computed lists between the writes that change them (worklist_cache.c).
 */
#include "care/care_int.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t resident_id;
    int disease;     /* -1 for a referral escalation */
    int rank;        /* urgency: lower first */
    hss_care_next next;
    const char *action_id, *action_zh, *action_en;
    char county[8]; /* the resident's county: where PostgreSQL finds their row (partition key) */
} item;

static int rank_of(const hss_care_next *n)
{
    static const int base[] = {[HSS_ACT_REFER] = 0, [HSS_ACT_REFERRAL_FOLLOWUP] = 2, [HSS_ACT_RECHECK] = 3,
                               [HSS_ACT_FIRST_VISIT] = 4, [HSS_ACT_ROUTINE] = 5};
    return base[n->action];
}

static int item_cmp(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int ox = x->next.status == HSS_DUE_OVERDUE ? 0 : x->next.status == HSS_DUE_DUE ? 1 : 2;
    int oy = y->next.status == HSS_DUE_OVERDUE ? 0 : y->next.status == HSS_DUE_DUE ? 1 : 2;
    if (ox != oy)
        return ox - oy;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    if (x->next.due != y->next.due)
        return x->next.due < y->next.due ? -1 : 1;
    if (x->resident_id != y->resident_id)
        return x->resident_id < y->resident_id ? -1 : 1;
    /* one resident's rows in one order, so that a list patched for them reads as a fresh one */
    if (x->disease != y->disease)
        return x->disease - y->disease;
    return strcmp(x->next.reason, y->next.reason);
}

/* A listed resident's name, masked ID number and village name (care_int.h). */
typedef care_person person;

/* Appends to p[*len..) (capacity *cap) the residents of `county` whose ids are in the JSON
 * array ids (one query, not one per row). The county is named so that on PostgreSQL the query
 * reads that county's partition of care_resident alone, by its index: by id alone it probed all
 * sixteen partitions, and the planner, unable to size json_each, read every resident (54 ms a
 * worklist page on the province bench's 100,000 residents, nine tenths of the database's CPU). */
static hss_code people_in(hss_store *st, const char *county, const char *ids, person **p_io, size_t *len_io,
                          size_t *cap_io, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT r.id,r.id_number,r.name,coalesce(a.name,r.village_code),r.county_code "
                                        "FROM care_resident r "
                                        "LEFT JOIN area a ON a.code=r.village_code "
                                        "WHERE r.county_code=?1 AND r.id IN (SELECT value FROM json_each(?2)) ORDER BY r.id",
                                    err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, county);
    hss_store_bind_text(s, 2, ids);
    person *p = *p_io;
    size_t cap = *cap_io, len = *len_io;
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        if (len == cap)
            p = hss_xrealloc(p, (cap *= 2) * sizeof *p);
        p[len].id = hss_store_col_int64(s, 0);
        hss_care_id_mask(care_col_text(s, 1), p[len].masked);
        p[len].name = hss_xstrdup(care_col_text(s, 2));
        p[len].village = hss_xstrdup(care_col_text(s, 3));
        snprintf(p[len].county, sizeof p[len].county, "%s", care_col_text(s, 4));
        len++;
    }
    hss_store_finalize(s);
    *p_io = p;
    *cap_io = cap;
    *len_io = len;
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "reading the residents listed");
}

/* The residents of items[0..n), sorted by id: one query per county among them (a team's page
 * is of one county). */
static hss_code people_of(hss_store *st, const item *items, size_t n, person **out, size_t *len_out, hss_error *err)
{
    size_t cap = n ? n : 1, len = 0;
    person *p = hss_xmalloc(cap * sizeof *p);
    hss_code rc = HSS_OK;
    hss_buf ids;
    hss_buf_init(&ids);
    for (size_t i = 0; i < n && !rc; i++) {
        size_t j = 0;
        while (j < i && strcmp(items[j].county, items[i].county) != 0)
            j++;
        if (j < i)
            continue; /* this county was read with the first of its items */
        hss_buf_reset(&ids);
        hss_buf_putc(&ids, '[');
        for (size_t k = i; k < n; k++)
            if (strcmp(items[k].county, items[i].county) == 0)
                hss_buf_printf(&ids, "%s%lld", ids.len > 1 ? "," : "", (long long)items[k].resident_id);
        hss_buf_putc(&ids, ']');
        rc = people_in(st, items[i].county, ids.data, &p, &len, &cap, err);
    }
    hss_buf_free(&ids);
    if (rc) {
        care_people_free(p, len);
        return rc;
    }
    qsort(p, len, sizeof *p, care_person_cmp);
    *out = p;
    *len_out = len;
    return HSS_OK;
}

/* people_of, taking the names kept with the list (key at version) and reading only the others,
 * which are then kept with it too. */
static hss_code people_kept(hss_store *st, const item *items, size_t n, const char *key, int64_t version, person **out,
                            size_t *len_out, hss_error *err)
{
    if (!key)
        return people_of(st, items, n, out, len_out, err);
    int64_t *ids = hss_xmalloc((n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].resident_id;
    unsigned char *found = hss_xmalloc(n ? n : 1);
    person *p = hss_xmalloc((n ? n : 1) * sizeof *p);
    /* a resident listed twice (two conditions) is looked up once */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (ids[j] == ids[i])
                ids[i] = 0;
    size_t got = care_wl_people_get(key, version, ids, n, p, found);
    item *miss = hss_xmalloc((n ? n : 1) * sizeof *miss);
    size_t nmiss = 0;
    for (size_t i = 0; i < n; i++)
        if (!found[i] && ids[i])
            miss[nmiss++] = items[i];
    person *read = NULL;
    size_t nread = 0;
    hss_code rc = nmiss ? people_of(st, miss, nmiss, &read, &nread, err) : HSS_OK;
    if (!rc && nread) {
        care_wl_people_put(key, version, read, nread);
        memcpy(p + got, read, nread * sizeof *read); /* the names move: read's array alone is freed */
        got += nread;
    }
    free(read);
    free(miss);
    free(found);
    free(ids);
    if (rc) {
        care_people_free(p, got);
        return rc;
    }
    qsort(p, got, sizeof *p, care_person_cmp);
    *out = p;
    *len_out = got;
    return HSS_OK;
}

/* Appends the items of the viewer's worklist on `day` (of one resident only when `resident`
 * is not 0) to items[0..*len) of capacity *cap, unsorted. */
static hss_code items_add(hss_store *st, const hss_care_rules *r, const hss_care_viewer *v, int32_t day, int all,
                          int64_t resident, item **items_io, size_t *len_io, size_t *cap_io, hss_error *err)
{
    hss_care_patient *ps = NULL;
    size_t n = 0;
    hss_code rc = care_patients_load(st, v, resident, &ps, &n, err);
    if (rc)
        return rc;
    item *items = *items_io;
    size_t cap = *cap_io, len = *len_io;
    for (size_t i = 0; i < n; i++) {
        hss_care_next nx;
        hss_care_next_action(r, &ps[i], day, &nx);
        /* a re-check after an uncontrolled reading stays listed until it is done, as the header
         * promises: the team sees at once that the patient is to come back within two weeks */
        if (!all && nx.status == HSS_DUE_SCHEDULED && nx.action != HSS_ACT_RECHECK)
            continue;
        hss_care_next_explain(r, &ps[i], &nx);
        if (len == cap) {
            cap *= 2;
            items = hss_xrealloc(items, cap * sizeof *items);
        }
        item *it = &items[len++];
        it->resident_id = ps[i].resident_id;
        it->disease = ps[i].disease;
        it->next = nx;
        it->rank = rank_of(&nx);
        it->action_id = hss_care_action_id(nx.action);
        it->action_zh = hss_care_action_zh(nx.action);
        it->action_en = hss_care_action_label(nx.action, 1);
        memcpy(it->county, ps[i].county, sizeof it->county);
    }
    free(ps);
    /* referral escalations: accepted, no arrival after referral_overdue_days */
    char limit[11];
    hss_care_format_day(day - r->referral_overdue_days, limit);
    hss_buf c, q;
    hss_buf_init(&c);
    hss_buf_init(&q);
    hss_buf_printf(&q, "SELECT id,resident_id,accepted_at,to_name,county_code FROM care_referral WHERE state='accepted' AND "
                       "substr(accepted_at,1,10) < ?1 AND %s%s", care_scope_clause(v, "village_code", &c),
                   resident ? " AND resident_id=:resident" : "");
    hss_stmt *s = hss_store_prepare(st, q.data, err);
    hss_buf_free(&c);
    hss_buf_free(&q);
    *items_io = items;
    *len_io = len;
    *cap_io = cap;
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, limit);
    if (resident)
        hss_store_bind_int64(s, hss_store_bind_index(s, ":resident"), resident);
    care_scope_bind(st, s, v, NULL);
    while (hss_store_step(s) == HSS_ROW) {
        if (len == cap) {
            cap *= 2;
            items = hss_xrealloc(items, cap * sizeof *items);
        }
        item *it = &items[len++];
        memset(it, 0, sizeof *it);
        it->resident_id = hss_store_col_int64(s, 1);
        it->disease = -1;
        it->rank = 1;
        int32_t acc = day;
        hss_care_parse_day(care_col_text(s, 2), 1, &acc);
        it->next.action = HSS_ACT_REFER;
        it->next.due = acc + r->referral_overdue_days;
        it->next.status = HSS_DUE_OVERDUE;
        it->next.days_overdue = day - it->next.due;
        snprintf(it->next.reason, sizeof it->next.reason, "转诊 %lld 于 %.10s 被%s接收, %d天未到诊",
                 (long long)hss_store_col_int64(s, 0), care_col_text(s, 2), care_col_text(s, 3),
                 day - acc);
        /* English leaves out the receiving hospital's Chinese name: the referral list names it */
        snprintf(it->next.reason_en, sizeof it->next.reason_en, "referral %lld accepted on %.10s, no arrival after %d days",
                 (long long)hss_store_col_int64(s, 0), care_col_text(s, 2), day - acc);
        it->action_id = "referral_overdue";
        it->action_zh = "转诊超期未到诊";
        it->action_en = "referral overdue";
        snprintf(it->county, sizeof it->county, "%s", care_col_text(s, 4));
    }
    hss_store_finalize(s);
    *items_io = items;
    *len_io = len;
    *cap_io = cap;
    return HSS_OK;
}

/* Every item of the viewer's worklist on `day`, most urgent first. Caller frees *out. */
static hss_code items_compute(hss_store *st, const hss_care_rules *r, const hss_care_viewer *v, int32_t day,
                              int all, item **out, size_t *n_out, hss_error *err)
{
    size_t cap = 64, len = 0;
    item *items = hss_xmalloc(cap * sizeof *items);
    hss_code rc = items_add(st, r, v, day, all, 0, &items, &len, &cap, err);
    if (rc) {
        free(items);
        return rc;
    }
    qsort(items, len, sizeof *items, item_cmp);
    *out = items;
    *n_out = len;
    return HSS_OK;
}

/* A kept list brought up to date: a copy of kept[0..n) without the rows of the residents in
 * changed[] (sorted, unique), and their rows computed again from what is stored now, merged in
 * (the list stays sorted: only the few new rows are sorted). */
static hss_code items_patch(hss_store *st, const hss_care_rules *r, const hss_care_viewer *v, int32_t day, int all,
                            const int64_t *changed, size_t nchanged, const item *kept, size_t n, item **out,
                            size_t *len_out, hss_error *err)
{
    size_t len = 0, cap = 16;
    item *fresh = hss_xmalloc(cap * sizeof *fresh);
    hss_code rc = HSS_OK;
    for (size_t i = 0; i < nchanged && !rc; i++)
        rc = items_add(st, r, v, day, all, changed[i], &fresh, &len, &cap, err);
    if (rc) {
        free(fresh);
        return rc;
    }
    qsort(fresh, len, sizeof *fresh, item_cmp);
    item *items = hss_xmalloc((n + len ? n + len : 1) * sizeof *items);
    size_t m = 0, f = 0;
    for (size_t i = 0; i < n; i++) {
        if (bsearch(&kept[i].resident_id, changed, nchanged, sizeof *changed, care_id_cmp))
            continue;
        while (f < len && item_cmp(&fresh[f], &kept[i]) < 0)
            items[m++] = fresh[f++];
        items[m++] = kept[i];
    }
    while (f < len)
        items[m++] = fresh[f++];
    free(fresh);
    *out = items;
    *len_out = m;
    return HSS_OK;
}

/* The viewer's unit exists and lies in v->within: from the kept list's place when the list is
 * kept (no query; its villages are the unit's while the list is right), else from the store
 * (the place's query finds an unknown unit as well). */
static hss_code unit_check(hss_store *st, const hss_care_viewer *v, int kept, care_wl_place *pl,
                           hss_care_worklist_paging *pg, hss_error *err)
{
    int placed = v->within && (v->team || v->facility);
    if (!placed)
        return kept ? HSS_OK : care_viewer_check(st, v, err);
    const char *code = v->team ? v->team : v->facility;
    if (!kept || !pl->area[0]) {
        int found = v->team ? hss_care_team_place(st, v->team, v->within, pl->area, &pl->outside)
                            : hss_care_unit_area(st, NULL, v->facility, pl->area, NULL);
        if (found <= 0)
            return found < 0 ? hss_store_error(st, err, "reading the unit's place")
                             : hss_fail(err, HSS_ENOTFOUND, "no %s with code '%s'",
                                        v->team ? "family-doctor team" : "facility", code);
        if (!v->team)
            pl->outside = 0;
    }
    int outside = !hss_model_area_contains(v->within, pl->area) ? 1 : v->team && pl->outside ? 2 : 0;
    if (pg)
        pg->outside = outside;
    if (outside == 1)
        return hss_fail(err, HSS_EDENIED, "%s %s is outside your scope", v->team ? "team" : "facility", code);
    if (outside == 2)
        return hss_fail(err, HSS_EDENIED, "team %s serves villages outside your scope", code);
    return HSS_OK;
}

/* items_compute, or the list kept for the same team, day and rules when no write since has
 * touched the team's villages (worklist_cache.c). The data version is read before the list is
 * computed, so that a write during the computation makes the kept list computed again. *out
 * is a reference to the list (the kept one itself when nothing changed): release it. */
static hss_code items_kept(hss_store *st, const hss_care_rules *r, const hss_care_viewer *v, int32_t day, int all,
                           hss_care_worklist_paging *pg, care_wl_items **out, char **key_out, int64_t *version_out,
                           hss_error *err)
{
    char *key = pg && pg->cached ? care_wl_key(st, v, r, day, all) : NULL;
    int64_t version = key ? hss_store_data_version(st) : 0, base = 0;
    hss_vec changed;
    hss_vec_init(&changed, sizeof(int64_t));
    char lo[13], hi[14];
    care_wl_place place = {NULL, NULL, "", 0};
    if (v->within) {
        hss_model_area_range(v->within, lo, hi);
        place.lo = lo;
        place.hi = hi;
    }
    care_wl_items *kept = key ? care_wl_get(st, key, version, &changed, &base, &place) : NULL;
    item *items = NULL;
    size_t n = 0;
    hss_code rc = unit_check(st, v, kept != NULL, &place, pg, err);
    if (rc) {
        care_wl_items_release(kept);
        kept = NULL;
    } else if (kept && !changed.len) {
        pg->hit = 1; /* as kept */
        *out = kept;
    } else if (kept) {
        int64_t *ids = changed.items;
        size_t nids = 0;
        qsort(ids, changed.len, sizeof *ids, care_id_cmp);
        for (size_t i = 0; i < changed.len; i++)
            if (!nids || ids[nids - 1] != ids[i])
                ids[nids++] = ids[i];
        rc = items_patch(st, r, v, day, all, ids, nids, kept->data, kept->bytes / sizeof(item), &items, &n, err);
        care_wl_items_release(kept);
        if (!rc) {
            *out = care_wl_items_new(items, n * sizeof *items);
            care_wl_put(st, key, v, place.area, version, *out, base, ids, nids);
        }
        pg->hit = 2; /* patched */
    } else {
        rc = items_compute(st, r, v, day, all, &items, &n, err);
        if (!rc) {
            *out = care_wl_items_new(items, n * sizeof *items);
            if (key)
                care_wl_put(st, key, v, place.area, version, *out, 0, NULL, 0);
        }
    }
    hss_vec_free(&changed);
    if (rc) {
        free(key);
        key = NULL;
    }
    *key_out = key;
    *version_out = version;
    return rc;
}

typedef struct {
    const item *first; /* the first item of this action: its id, label and rank */
    long long rows, overdue;
} action_count;

/* The counts by action of all items (not only a page's), most urgent action first, so the
 * screen's cards stay right whatever page it shows. */
static hss_table *counts_of(const item *items, size_t len, int en)
{
    action_count k[8] = {{0}};
    size_t nk = 0;
    for (size_t i = 0; i < len; i++) {
        size_t j = 0;
        /* action ids are static strings, mostly one pointer per action: compared as pointers
         * first */
        while (j < nk && k[j].first->action_id != items[i].action_id &&
               strcmp(k[j].first->action_id, items[i].action_id) != 0)
            j++;
        if (j == nk) {
            if (nk == sizeof k / sizeof *k)
                continue; /* cannot happen: six kinds of action */
            k[nk++].first = &items[i];
        }
        k[j].rows++;
        k[j].overdue += items[i].next.status == HSS_DUE_OVERDUE;
    }
    /* insertion sort by rank: at most a handful of kinds */
    for (size_t i = 1; i < nk; i++)
        for (size_t j = i; j > 0 && k[j].first->rank < k[j - 1].first->rank; j--) {
            action_count tmp = k[j];
            k[j] = k[j - 1];
            k[j - 1] = tmp;
        }
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "action", "事项", HSS_COL_TEXT);
    hss_table_add_col(t, "action_label", "事项说明", HSS_COL_TEXT);
    hss_table_add_col(t, "rows", "人次", HSS_COL_INT);
    hss_table_add_col(t, "overdue", "超期", HSS_COL_INT);
    for (size_t j = 0; j < nk; j++) {
        hss_table_add_row(t);
        hss_table_set_text(t, 0, k[j].first->action_id);
        hss_table_set_text(t, 1, en ? k[j].first->action_en : k[j].first->action_zh);
        hss_table_set_int(t, 2, k[j].rows);
        hss_table_set_int(t, 3, k[j].overdue);
    }
    return t;
}

/* The table of items[0..len) with each resident's name, masked ID number and village (kept
 * with the list, or one query), and the access-log row of the read: only the residents shown
 * are read and logged. */
static hss_code page_rows(hss_store *st, const hss_care_viewer *v, const item *items, size_t len, int en,
                          const char *list_key, int64_t version, hss_table **out, hss_error *err)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "resident_id", "居民编号", HSS_COL_INT);
    hss_table_add_col(t, "id_number", "身份证号", HSS_COL_TEXT);
    hss_table_add_col(t, "name", "姓名", HSS_COL_TEXT);
    hss_table_add_col(t, "village", "村(社区)", HSS_COL_TEXT);
    hss_table_add_col(t, "disease", "病种", HSS_COL_TEXT);
    hss_table_add_col(t, "action", "事项", HSS_COL_TEXT);
    hss_table_add_col(t, "action_label", "事项说明", HSS_COL_TEXT);
    hss_table_add_col(t, "status", "状态", HSS_COL_TEXT);
    hss_table_add_col(t, "due_date", "应随访日期", HSS_COL_TEXT);
    hss_table_add_col(t, "days_overdue", "超期天数", HSS_COL_INT);
    hss_table_add_col(t, "reason", "原因", HSS_COL_TEXT);
    person *people = NULL;
    size_t npeople = 0;
    hss_code rc = people_kept(st, items, len, list_key, version, &people, &npeople, err);
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    int64_t *ids = hss_xmalloc((len ? len : 1) * sizeof *ids); /* the residents as listed: the access log's */
    for (size_t i = 0; i < len; i++) {
        const item *it = &items[i];
        ids[i] = it->resident_id;
        hss_table_add_row(t);
        hss_table_set_int(t, 0, it->resident_id);
        person key = {.id = it->resident_id}, *p = bsearch(&key, people, npeople, sizeof *people, care_person_cmp);
        if (p) {
            hss_table_set_text(t, 1, p->masked);
            hss_table_set_text(t, 2, p->name);
            hss_table_set_text(t, 3, p->village);
        }
        if (it->disease >= 0)
            hss_table_set_text(t, 4, hss_care_disease_id(it->disease));
        hss_table_set_text(t, 5, it->action_id);
        hss_table_set_text(t, 6, en ? it->action_en : it->action_zh);
        hss_table_set_text(t, 7, hss_care_due_id(it->next.status));
        char d[11];
        hss_care_format_day(it->next.due, d);
        hss_table_set_text(t, 8, d);
        hss_table_set_int(t, 9, it->next.days_overdue);
        hss_table_set_text(t, 10, en ? it->next.reason_en : it->next.reason);
    }
    /* the county of the access-log rows, when the page's residents share one (a team's do) */
    const char *county = npeople ? people[0].county : "";
    for (size_t i = 1; i < npeople && *county; i++)
        if (strcmp(people[i].county, county) != 0)
            county = "";
    char common[8];
    snprintf(common, sizeof common, "%s", county);
    care_people_free(people, npeople);
    rc = care_access_log_list(st, v->user, "worklist", ids, len, common, err);
    free(ids);
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    *out = t;
    return HSS_OK;
}

hss_code hss_care_worklist_page(hss_store *st, const hss_care_rules *r, const hss_care_viewer *v, int32_t day,
                                int all, hss_care_worklist_paging *pg, hss_table **out, hss_error *err)
{
    if (!v || (!v->team && !v->facility && !v->area))
        return hss_fail(err, HSS_EINVAL, "a worklist needs a team, a facility or an area");
    hss_code rc;
    care_wl_items *list = NULL;
    char *key = NULL;
    int64_t version = 0;
    if ((rc = items_kept(st, r, v, day, all, pg, &list, &key, &version, err)))
        return rc;
    const item *items = list->data;
    size_t len = list->bytes / sizeof *items;
    size_t from = 0, n = len;
    if (pg) {
        from = pg->offset < len ? pg->offset : len;
        n = pg->limit && pg->limit < len - from ? pg->limit : len - from;
        pg->total = len;
        pg->by_action = counts_of(items, len, pg->en);
    }
    rc = page_rows(st, v, items + from, n, pg && pg->en, key, version, out, err);
    care_wl_items_release(list);
    free(key);
    if (rc && pg) {
        hss_table_free(pg->by_action);
        pg->by_action = NULL;
    }
    return rc;
}

hss_code hss_care_worklist(hss_store *st, const hss_care_rules *r, const hss_care_viewer *v,
                           int32_t day, int all, hss_table **out, hss_error *err)
{
    return hss_care_worklist_page(st, r, v, day, all, NULL, out, err);
}
