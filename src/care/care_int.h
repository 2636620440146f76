/*
 * care_int.h (private to src/care/): helpers shared by the care module's files: looking up a
 * resident, the area-scope SQL fragment, timestamps and rule-file constants.
 */
#ifndef HSS_CARE_INT_H
#define HSS_CARE_INT_H

#include "care/care.h"

/* What the module needs to know of one resident. */
typedef struct care_resident {
    int64_t id;
    char id_number[19];
    char name[128];
    char sex[8];
    char birth_date[11];
    int32_t birth;
    char village[16];
    char county[8];
    unsigned conditions;
} care_resident;

/* Finds a resident by full ID number or internal id. HSS_ENOTFOUND names the key (masked). */
hss_code care_resident_get(hss_store *st, const char *key, care_resident *r, hss_error *err);

/* What a follow-up needs of the enrolment it is recorded against (chronic.c). */
typedef struct care_enrolment_row {
    int64_t id;
    char enrolled_on[11];
    char county[8];
    int32_t birth, enrolled; /* the scheduler summary's day numbers */
} care_enrolment_row;
/* The enrolment of a resident in a disease: 1 found, 0 none, -1 database error (err set). */
int care_enrolment_get(hss_store *st, int64_t resident, int disease, care_enrolment_row *e, hss_error *err);
/* Stores a checked follow-up of resident r under enrolment e (symptoms as the bit set `sym`),
 * with its medication and note (NULL: none), refreshes the enrolment's summary and commits,
 * noting the resident's village (a savepoint inside the caller's transaction). *after, when
 * given, gets the enrolment's summary as stored, for its verdict and next action. */
hss_code care_followup_store(hss_store *st, const hss_care_followup_req *f, uint32_t sym, const care_resident *r,
                             const care_enrolment_row *e, const char *medication, const char *note, int64_t *id,
                             hss_care_patient *after, hss_error *err);

/* A WHERE fragment restricting `col` (a village-code column) to the viewer's scope, using the
 * named parameters :scope and :plen; "1" when the viewer has no restriction (v NULL). Returns
 * a static or buffered string valid until the next call with the same buffer. */
const char *care_scope_clause(const hss_care_viewer *v, const char *col, hss_buf *buf);
/* Binds :scope/:plen for the clause above. Returns HSS_OK or HSS_ENOTFOUND for an unknown
 * scope area. */
hss_code care_scope_bind(hss_store *st, hss_stmt *s, const hss_care_viewer *v, hss_error *err);
/* Whether a viewer may see a resident (self access by ID number, or village in scope).
 * Returns HSS_OK or HSS_EDENIED with a message. */
hss_code care_scope_check(hss_store *st, const hss_care_viewer *v, const care_resident *r,
                          hss_error *err);
/* Checks the viewer names an existing team/facility/area. */
hss_code care_viewer_check(hss_store *st, const hss_care_viewer *v, hss_error *err);

/* UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" (out >= 21 bytes). */
void care_timestamp(char *out);

/* The scheduler summary blob of care_enrolment.s_visits (summary.c): the last two visits. */
#define CARE_SUMMARY_BYTES 48
void care_summary_pack(const hss_care_patient *p, unsigned char out[CARE_SUMMARY_BYTES]);
/* Fills p->last/p->prev from a blob of p->nvisits visits (missing or short blob: nvisits = 0). */
void care_summary_unpack(const void *blob, int len, hss_care_patient *p);

/* Prepared-statement helpers: text column or "". */
const char *care_col_text(hss_stmt *s, int i);

/* Steps a write statement once and finalizes it: HSS_OK when it is done, else the store's
 * error with `what` as context (scope.c). */
hss_code care_step_done(hss_store *st, hss_stmt *s, hss_error *err, const char *what);
/* Ends a write transaction: bumps the data version and commits, or rolls back on failure. */
hss_code care_commit(hss_store *st, hss_error *err);
/* The same for a write that changed only the records of one resident: the kept worklists of
 * other villages' teams stay, and their team's recomputes only their rows (worklist_cache.c). */
hss_code care_commit_village(hss_store *st, const char *village, int64_t resident, hss_error *err);

/* The access-log row of one read of a list of residents (ids[0..n), as listed; none when n is
 * 0), committed before it returns, together with other threads' writes (access_batch.c): one
 * row naming the list, which is stored once however often it is read. `county`: the
 * residents' county when they all share it, else NULL or "". */
hss_code care_access_log_list(hss_store *st, const char *user, const char *action, const int64_t *ids, size_t n,
                              const char *county, hss_error *err);
/* SQL: the county of the resident whose id is the SQL expression `id`, or '' (an access-log
 * row's county when the caller does not know it: looked up row by row, since a join with ids
 * from json_each, which PostgreSQL cannot size, may read every resident). */
#define CARE_COUNTY_OF(id) "coalesce((SELECT r.county_code FROM care_resident r WHERE r.id=" id "),'')"
/* Ends a read transaction that audited what it showed: when rc is HSS_OK and the commit
 * succeeds, hands t over in *out; otherwise rolls back, frees t and returns the error. */
hss_code care_commit_table(hss_store *st, hss_code rc, hss_table *t, hss_table **out, hss_error *err);

/* Appends every row of s to t, whose columns match the statement's by position (integer
 * columns as integers, the others as text, "" for NULL), then finalizes s. */
void care_fill(hss_table *t, hss_stmt *s);

/* hss_care_patients_load, of one resident only when `resident` is not 0 (chronic.c). */
hss_code care_patients_load(hss_store *st, const hss_care_viewer *v, int64_t resident, hss_care_patient **out,
                            size_t *n, hss_error *err);

/* The kept worklists of teams and facilities (worklist_cache.c). care_changed bumps the data
 * version inside a care write's transaction and notes the resident (and their village) it
 * changed (village NULL: unknown, every kept list is computed again). care_wl_key is the cache
 * key of a worklist (NULL when such a list is not kept: an area's, or the cache is off).
 * care_wl_get returns a reference to the items kept for it (release it), which are right at
 * `version` once the rows of the residents it pushes onto `changed` (int64_t ids, maybe
 * repeated) are computed again; NULL when there is no such list. care_wl_put keeps items
 * computed from data at least as new as `version` (a reference of its own). */
hss_code care_changed(hss_store *st, const char *village, int64_t resident, hss_error *err);
char *care_wl_key(hss_store *st, const hss_care_viewer *v, const hss_care_rules *r, int32_t day, int all);
/* A worklist's items, shared by the kept lists and the readers using them (read-only once
 * made): a reader's page is taken from the list as kept, not from a copy of it. */
typedef struct care_wl_items {
    int refs; /* changed with worklist_cache.c's lock held */
    size_t bytes;
    void *data;
} care_wl_items;
/* Wraps a malloc'd array (taken over) with one reference. */
care_wl_items *care_wl_items_new(void *data, size_t bytes);
void care_wl_items_release(care_wl_items *it);
/* Where a kept list's team or facility lies, for the reader's scope check without a query
 * (worklist.c): the villages kept with the list are the unit's as long as the list is right.
 * In: lo/hi, the reader's scope as a code range (hss_model_area_range; lo NULL: none). Out,
 * from a kept list: area, the unit's own area code ("" when the list was kept by a reader that
 * did not ask), and outside, how many of its villages lie outside the range. */
typedef struct care_wl_place {
    const char *lo, *hi;
    char area[16];
    long long outside;
} care_wl_place;
care_wl_items *care_wl_get(hss_store *st, const char *key, int64_t version, hss_vec *changed, int64_t *base,
                           care_wl_place *place);
/* `base`: for items patched from a kept list, the version that list was at (care_wl_get's
 * *base), and drop[0..ndrop) the residents patched; the villages, the area and the people kept
 * with it, but those residents', stay (the names are as right at `version` as the list is). 0:
 * a list computed afresh. `area`: the unit's area code when known (NULL or "": not known). */
void care_wl_put(hss_store *st, const char *key, const hss_care_viewer *v, const char *area, int64_t version,
                 care_wl_items *it, int64_t base, const int64_t *drop, size_t ndrop);

/* A listed resident's name, masked ID number and village name, as a worklist page shows them
 * (worklist.c). The names read for a kept list's pages are kept with it (worklist_cache.c), so
 * that the next page read needs no query while the list is right: a write that changes one
 * of its residents drops that resident's, any other change the whole list with its people. */
typedef struct {
    int64_t id;
    char masked[19];
    char county[8];
    char *name, *village;
} care_person;
/* Orders people by id (qsort, bsearch); frees p[0..n) with their names, and p. */
int care_person_cmp(const void *a, const void *b);
void care_people_free(care_person *p, size_t n);
/* Orders int64_t ids (qsort, bsearch). */
int care_id_cmp(const void *a, const void *b);
/* Copies into out[] (names duplicated) those of ids[0..n) kept with key's list while it is at
 * exactly `version`, setting found[i]; returns how many. */
size_t care_wl_people_get(const char *key, int64_t version, const int64_t *ids, size_t n, care_person *out,
                          unsigned char *found);
/* Keeps p[0..n) with key's list when it is still at `version`. */
void care_wl_people_put(const char *key, int64_t version, const care_person *p, size_t n);

#endif
