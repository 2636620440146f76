/*
 * worklist_cache.c: the computed worklists of teams and facilities, kept between the writes
 * that change them. Computing a team's list (loading and scheduling every patient of its
 * villages) is half of what a worklist page costs, and a team's doctors read it again after
 * every follow-up they record, while the other teams' writes leave it as it is.
 *
 * Validity. Every care write bumps the store's data version (care_commit), so the version
 * read before a list was computed says what the list saw. A follow-up, a referral or a new
 * enrolment also notes, in the same transaction, whose records the new version changed (an
 * hss_meta row `care_changed:<version>` = "village resident_id"; the last CHANGES_KEPT are
 * kept). A kept list is used at a later version only when every version since it was computed
 * is such a note: notes about villages outside the team's leave it as it is, and the rows of
 * the team's residents named in the others are computed again (worklist.c), one resident
 * instead of the whole team. Any other change (another kind of care write, an import, a write
 * that notes nothing, a version whose note has been dropped) makes the whole list computed
 * again. Since the notes are in the database, writes by another process (`hss care followup
 * add`) are seen exactly like the server's own.
 *
 * What is kept is the list before paging. The names of the residents its pages showed are
 * kept with it (care_wl_people_*), valid at the list's version: a patch drops the patched
 * residents' (a note names whoever a write changed), a list computed afresh starts with none.
 * Every page still writes its access-log row.
 */
#include "care/care_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ENTRIES = 512, CHANGES_KEPT = 4096, CHANGES_PRUNE = 64, CHANGES_READ = 1024 };

typedef struct {
    char *key;        /* unit, day, all, rules: wl_key() */
    int64_t version;  /* data version the items are known to be right at */
    char **villages;  /* the unit's villages, sorted */
    size_t nvillages;
    char area[16];    /* the unit's own area code ("" when not known) */
    care_wl_items *items; /* shared with the readers that use it (a reference each) */
    care_person *people; /* sorted by id: the names read for this list's pages */
    size_t npeople;
    unsigned long used; /* for eviction: the least recently used goes */
} entry;

static entry cache[ENTRIES];
static unsigned long use_clock;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int disabled = -1; /* HSS_CARE_WORKLIST_CACHE=0 turns the cache off (tests compare) */

static int cache_off(void)
{
    if (disabled < 0) {
        const char *e = getenv("HSS_CARE_WORKLIST_CACHE");
        disabled = e && strcmp(e, "0") == 0;
    }
    return disabled;
}

/* ---- the notes of changed villages ------------------------------------------------------- */

hss_code care_changed(hss_store *st, const char *village, int64_t resident, hss_error *err)
{
    hss_code rc = hss_store_bump_version(st, err);
    if (rc || !village || !*village)
        return rc;
    /* the note takes the version just moved to, read in the same statement (on PostgreSQL a
     * round trip fewer than reading it first) */
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO care_change(version,village_code,resident_id,county_code) "
                                        "SELECT CAST(m.value AS INTEGER),?,?,? FROM hss_meta m WHERE m.key='data_version' "
                                        "RETURNING version", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, village);
    hss_store_bind_int64(s, 2, resident);
    hss_store_bind_textn(s, 3, village, 6);
    int step = hss_store_step(s);
    int64_t v = step == HSS_ROW ? hss_store_col_int64(s, 0) : 0;
    hss_store_finalize(s);
    if (step != HSS_ROW)
        return hss_store_error(st, err, "noting the changed village");
    if (v % CHANGES_PRUNE)
        return HSS_OK;
    /* notes older than CHANGES_KEPT versions go (every CHANGES_PRUNE versions, not on every
     * write): a list that old is computed again anyway */
    s = hss_store_prepare(st, "DELETE FROM care_change WHERE version < ?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, v - CHANGES_KEPT);
    return care_step_done(st, s, err, "dropping old notes of changed villages");
}

static int village_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The residents whose records changed in versions (from, to] within villages[], into *ids:
 * 1 when every version in between is a note (so that recomputing those residents' rows
 * brings the list up to date), 0 when one is not (the list must be computed again). */
static int changes_read(hss_store *st, int64_t from, int64_t to, char **villages, size_t n, hss_vec *ids)
{
    if (to - from > CHANGES_READ)
        return 0;
    hss_stmt *s = hss_store_prepare(st, "SELECT village_code,resident_id FROM care_change WHERE version > ? AND version <= ?",
                                    NULL);
    if (!s)
        return 0;
    hss_store_bind_int64(s, 1, from);
    hss_store_bind_int64(s, 2, to);
    int64_t notes = 0;
    int ok = 1;
    while (ok && hss_store_step(s) == HSS_ROW) {
        const char *vil = care_col_text(s, 0);
        int64_t resident = hss_store_col_int64(s, 1);
        ok = resident > 0;
        if (ok && bsearch(&vil, villages, n, sizeof *villages, village_cmp)) {
            int64_t *id = hss_vec_push(ids);
            *id = resident;
        }
        notes++;
    }
    hss_store_finalize(s);
    return ok && notes == to - from;
}

/* ---- entries ------------------------------------------------------------------------------- */

void care_people_free(care_person *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].village);
    }
    free(p);
}

int care_id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int care_person_cmp(const void *a, const void *b)
{
    const care_person *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static care_person *person_find(const entry *e, int64_t id)
{
    care_person key = {.id = id};
    return e->npeople ? bsearch(&key, e->people, e->npeople, sizeof *e->people, care_person_cmp) : NULL;
}

care_wl_items *care_wl_items_new(void *data, size_t bytes)
{
    care_wl_items *it = hss_xmalloc(sizeof *it);
    it->refs = 1;
    it->data = data;
    it->bytes = bytes;
    return it;
}

/* Drops a reference, with mu held; returns the items to free when it was the last. */
static care_wl_items *items_unref(care_wl_items *it)
{
    return it && --it->refs == 0 ? it : NULL;
}

static void items_free(care_wl_items *it)
{
    if (it) {
        free(it->data);
        free(it);
    }
}

void care_wl_items_release(care_wl_items *it)
{
    if (!it)
        return;
    pthread_mutex_lock(&mu);
    care_wl_items *last = items_unref(it);
    pthread_mutex_unlock(&mu);
    items_free(last);
}

/* With mu held; what it frees is small, but the items may be the last reference to a whole
 * list: freed by the caller after the lock (entry_clear's return). */
static care_wl_items *entry_clear(entry *e)
{
    care_wl_items *last = items_unref(e->items);
    care_people_free(e->people, e->npeople);
    for (size_t i = 0; i < e->nvillages; i++)
        free(e->villages[i]);
    free(e->villages);
    free(e->key);
    memset(e, 0, sizeof *e);
    return last;
}

char *care_wl_key(hss_store *st, const hss_care_viewer *v, const hss_care_rules *r, int32_t day, int all)
{
    if (!v || (!v->team && !v->facility) || cache_off())
        return NULL; /* area worklists (a whole county) are not kept */
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "%s|%c|%s|%d|%d|%d %d %d %d %d %d|%d %d %d %d %d|%d %d|%.17g %.17g %.17g|%u %u", hss_store_path(st), v->team ? 'T' : 'F',
                   v->team ? v->team : v->facility, (int)day, all, r->routine_days, r->recheck_days,
                   r->referral_followup_days, r->due_window_days, r->visits_per_year, r->referral_overdue_days,
                   r->htn_sbp, r->htn_dbp, r->htn_sbp_65, r->htn_dbp_65, r->elderly_age, r->emerg_sbp, r->emerg_dbp,
                   r->dm_glucose, r->emerg_glucose_high, r->emerg_glucose_low, (unsigned)r->emerg_symptoms[0],
                   (unsigned)r->emerg_symptoms[1]);
    return hss_buf_steal(&b);
}

/* The place of the unit of e, for a reader's scope (mu held). */
static void place_of(const entry *e, care_wl_place *p)
{
    memcpy(p->area, e->area, sizeof p->area);
    p->outside = 0;
    for (size_t j = 0; p->lo && j < e->nvillages; j++)
        p->outside += strcmp(e->villages[j], p->lo) < 0 || strcmp(e->villages[j], p->hi) >= 0;
}

care_wl_items *care_wl_get(hss_store *st, const char *key, int64_t version, hss_vec *changed, int64_t *base,
                           care_wl_place *place)
{
    care_wl_items *out = NULL;
    pthread_mutex_lock(&mu);
    for (size_t i = 0; i < ENTRIES; i++) {
        entry *e = &cache[i];
        if (!e->key || strcmp(e->key, key) != 0)
            continue;
        if (e->version > version)
            break; /* kept by a reader that saw newer data than this one: not for it */
        if (e->version < version) {
            /* the notes are read without the lock (the entry may be replaced meanwhile) */
            int64_t from = e->version;
            unsigned long used = e->used;
            size_t nv = e->nvillages;
            char **copy = hss_xmalloc((nv ? nv : 1) * sizeof *copy);
            for (size_t j = 0; j < nv; j++)
                copy[j] = hss_xstrdup(e->villages[j]);
            pthread_mutex_unlock(&mu);
            int ok = changes_read(st, from, version, copy, nv, changed);
            for (size_t j = 0; j < nv; j++)
                free(copy[j]);
            free(copy);
            pthread_mutex_lock(&mu);
            if (!ok || !e->key || strcmp(e->key, key) != 0 || e->version != from || e->used != used)
                break;
            if (!changed->len)
                e->version = version; /* nothing of the team's changed: right at this version too */
        }
        e->used = ++use_clock;
        *base = e->version;
        out = e->items;
        out->refs++;
        if (place)
            place_of(e, place);
        break;
    }
    pthread_mutex_unlock(&mu);
    if (!out)
        changed->len = 0;
    return out;
}

/* The villages a team or facility worklist covers (the scope clause's), sorted. */
static char **unit_villages(hss_store *st, const hss_care_viewer *v, size_t *n)
{
    hss_stmt *s = hss_store_prepare(st, v->team ? "SELECT village_code FROM care_team_village WHERE team_code=?"
                                                : "SELECT tv.village_code FROM care_team_village tv JOIN care_team t "
                                                  "ON t.code=tv.team_code WHERE t.facility_code=?", NULL);
    if (!s)
        return NULL;
    hss_store_bind_text(s, 1, v->team ? v->team : v->facility);
    size_t cap = 16, len = 0;
    char **vs = hss_xmalloc(cap * sizeof *vs);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        if (len == cap)
            vs = hss_xrealloc(vs, (cap *= 2) * sizeof *vs);
        vs[len++] = hss_xstrdup(care_col_text(s, 0));
    }
    hss_store_finalize(s);
    if (rc != HSS_DONE) {
        while (len)
            free(vs[--len]);
        free(vs);
        return NULL;
    }
    qsort(vs, len, sizeof *vs, village_cmp);
    *n = len;
    return vs;
}

/* care_wl_put with mu held. Without villages (vs NULL) it only stores a patch of the entry
 * kept at `base`, whose villages it keeps, and returns 0 when there is none; with them it
 * stores the list in any case (the villages are then the entry's, or freed). */
static int put_locked(const char *key, const char *area, int64_t version, care_wl_items *it, int64_t base,
                      const int64_t *drop, size_t ndrop, char **vs, size_t nv, care_wl_items **dropped)
{
    entry *e = NULL;
    for (size_t i = 0; i < ENTRIES && !e; i++)
        if (cache[i].key && strcmp(cache[i].key, key) == 0)
            e = &cache[i];
    if (e && e->version > version) { /* a newer list is kept already */
        for (size_t i = 0; vs && i < nv; i++)
            free(vs[i]);
        free(vs);
        return 1;
    }
    int patch = base && e && e->version == base;
    if (!vs && !patch)
        return 0;
    for (size_t i = 0; i < ENTRIES && !e; i++)
        if (!cache[i].key)
            e = &cache[i];
    if (!e) {
        e = &cache[0];
        for (size_t i = 1; i < ENTRIES; i++)
            if (cache[i].used < e->used)
                e = &cache[i];
    }
    /* a patch of the list as kept keeps its villages and the names of those it did not patch */
    care_person *people = NULL;
    size_t npeople = 0;
    char kept_area[16] = "";
    if (patch) {
        memcpy(kept_area, e->area, sizeof kept_area);
        people = e->people;
        for (size_t i = 0; i < e->npeople; i++) {
            if (bsearch(&people[i].id, drop, ndrop, sizeof *drop, care_id_cmp)) {
                free(people[i].name);
                free(people[i].village);
            } else {
                people[npeople++] = people[i];
            }
        }
        e->people = NULL;
        e->npeople = 0;
        if (!vs) {
            vs = e->villages;
            nv = e->nvillages;
            e->villages = NULL;
            e->nvillages = 0;
        }
    }
    *dropped = entry_clear(e);
    e->people = people;
    e->npeople = npeople;
    e->key = hss_xstrdup(key);
    e->version = version;
    e->villages = vs;
    e->nvillages = nv;
    snprintf(e->area, sizeof e->area, "%s", area && *area ? area : kept_area);
    e->items = it;
    it->refs++;
    e->used = ++use_clock;
    return 1;
}

void care_wl_put(hss_store *st, const char *key, const hss_care_viewer *v, const char *area, int64_t version,
                 care_wl_items *it, int64_t base, const int64_t *drop, size_t ndrop)
{
    care_wl_items *dropped = NULL;
    pthread_mutex_lock(&mu);
    int done = base && put_locked(key, area, version, it, base, drop, ndrop, NULL, 0, &dropped);
    pthread_mutex_unlock(&mu);
    if (!done) {
        size_t nv = 0;
        char **vs = unit_villages(st, v, &nv);
        if (!vs)
            return;
        pthread_mutex_lock(&mu);
        put_locked(key, area, version, it, 0, NULL, 0, vs, nv, &dropped);
        pthread_mutex_unlock(&mu);
    }
    items_free(dropped);
}

/* ---- the names of the residents listed ---------------------------------------------------- */

static entry *entry_at(const char *key, int64_t version)
{
    for (size_t i = 0; i < ENTRIES; i++)
        if (cache[i].key && cache[i].version == version && strcmp(cache[i].key, key) == 0)
            return &cache[i];
    return NULL;
}

size_t care_wl_people_get(const char *key, int64_t version, const int64_t *ids, size_t n, care_person *out,
                          unsigned char *found)
{
    size_t got = 0;
    memset(found, 0, n);
    if (!key)
        return 0;
    pthread_mutex_lock(&mu);
    entry *e = entry_at(key, version);
    for (size_t i = 0; e && i < n; i++) {
        const care_person *p = person_find(e, ids[i]);
        if (!p)
            continue;
        out[got] = *p;
        out[got].name = hss_xstrdup(p->name);
        out[got].village = hss_xstrdup(p->village);
        got++;
        found[i] = 1;
    }
    pthread_mutex_unlock(&mu);
    return got;
}

void care_wl_people_put(const char *key, int64_t version, const care_person *p, size_t n)
{
    if (!key || !n)
        return;
    pthread_mutex_lock(&mu);
    entry *e = entry_at(key, version);
    if (e) {
        size_t had = e->npeople; /* the sorted part person_find searches */
        e->people = hss_xrealloc(e->people, (had + n) * sizeof *e->people);
        for (size_t i = 0; i < n; i++) {
            care_person probe = {.id = p[i].id};
            if (had && bsearch(&probe, e->people, had, sizeof *e->people, care_person_cmp))
                continue;
            care_person *q = &e->people[e->npeople++];
            *q = p[i];
            q->name = hss_xstrdup(p[i].name);
            q->village = hss_xstrdup(p[i].village);
        }
        qsort(e->people, e->npeople, sizeof *e->people, care_person_cmp);
    }
    pthread_mutex_unlock(&mu);
}

void hss_care_worklist_cache_clear(void)
{
    pthread_mutex_lock(&mu);
    for (size_t i = 0; i < ENTRIES; i++)
        items_free(entry_clear(&cache[i]));
    disabled = -1;
    pthread_mutex_unlock(&mu);
}
