/*
 * internal.h (private to metrics/): the region tree as metrics sees it, periods, the
 * aggregate map that both the full rebuild and the incremental import fill, and the parsed
 * indicator definitions. Nothing here is visible to other modules.
 */
#ifndef HSS_METRICS_INTERNAL_H
#define HSS_METRICS_INTERNAL_H

#include "metrics/metrics.h"

/* ---- string -> int hash (codes to indexes) --------------------------------------------------- */

typedef struct mx_strmap {
    char **keys;
    int *vals;
    size_t cap, len;
    int borrowed; /* keys are not copied: they outlive the map (the tree's codes) */
} mx_strmap;
void mx_strmap_put(mx_strmap *m, const char *key, int val); /* key is copied unless borrowed */
/* Room for n keys without growing (a tree of 130,000 codes grew eleven times). */
void mx_strmap_reserve(mx_strmap *m, size_t n);
int mx_strmap_get(const mx_strmap *m, const char *key, int *val); /* 1 when found */
void mx_strmap_free(mx_strmap *m);

/* ---- the region tree ------------------------------------------------------------------------- */

typedef struct mx_area {
    char *code, *name;
    int parent;          /* index into areas, -1 for a root */
    int level;           /* HSS_LEVEL_* */
    int64_t population;  /* own value, or the sum of children when not stored; -1 unknown */
} mx_area;

typedef struct mx_fac {
    char *code, *name, *type;
    int area;            /* index of the area it sits in */
    int basic;           /* basic-level facility type */
    int64_t beds_open, beds_approved; /* -1 unknown */
} mx_fac;

typedef struct mx_tree {
    mx_area *areas;
    size_t na;
    mx_fac *facs;
    size_t nf;
    mx_strmap index;     /* code -> area index (>= 0) or -(facility index) - 1; keys borrowed */
    hss_strpool strings; /* storage of every code, name and type above */
    uint64_t fingerprint; /* hash of every area's (code, parent) and facility's (code, area, type) */
} mx_tree;

hss_code mx_tree_load(hss_store *st, mx_tree *t, hss_error *err);
/* The same tree from nodes a caller read (hss_metrics_session_open_nodes); their strings are
 * borrowed. */
void mx_tree_from_nodes(mx_tree *t, const hss_metrics_node *areas, size_t na,
                        const hss_metrics_node *facs, size_t nf);
void mx_tree_free(mx_tree *t);
/* 1 and the area index (*fac = -1) or facility index (*area = its area) when code exists. */
int mx_tree_find(const mx_tree *t, const char *code, int *area, int *fac);

/* ---- periods --------------------------------------------------------------------------------- */

typedef enum { MX_MONTH, MX_QUARTER, MX_YEAR, MX_YTD } mx_ptype;
typedef struct mx_period {
    mx_ptype type;
    int year;
    int n; /* month 1-12 (MONTH, YTD), quarter 1-4, 0 for YEAR */
} mx_period;
/* Parses "2025-03", "2025Q1", "2025", "YTD2025-03". 0 on success. */
int mx_period_parse(const char *s, mx_period *p);
void mx_period_format(const mx_period *p, char *buf, size_t n);
/* The period before: previous month/quarter/year; for YTD the same months a year earlier. */
mx_period mx_period_prev(const mx_period *p);
/* Parses a YYYY-MM month into YYYYMM; 0 on success. */
int mx_month_parse(const char *s, int *yyyymm);

/* ---- aggregates ------------------------------------------------------------------------------ */

#define MX_SLOTS 17 /* 12 months, 4 quarters, the year */

/* The aggregate of one element (and slice) for one area and calendar year. */
typedef struct mx_agg {
    int area;       /* area index in the tree */
    int year;
    int element;    /* element id */
    int slice;      /* 0 all facilities, 1 basic-level facilities only */
    double sum[MX_SLOTS];
    double cnt[MX_SLOTS]; /* number of data values summed */
} mx_agg;

typedef struct mx_aggmap {
    mx_agg *items;
    size_t len, cap;
    int32_t *slots; /* open addressing: index+1 into items, 0 empty */
    size_t nslots;
} mx_aggmap;

void mx_aggmap_init(mx_aggmap *m);
void mx_aggmap_free(mx_aggmap *m);
mx_agg *mx_aggmap_get(mx_aggmap *m, int area, int year, int element, int slice, int create);
/* Adds a change of one month's value to the month, its quarter and the year. */
void mx_agg_add(mx_agg *a, int month, double dsum, double dcnt);
/* Adds (dsum, dcnt) for one value of `element` reported by a facility (fac >= 0) or by the
 * area `area`, month yyyymm, to the area and every ancestor: month, quarter and year slots;
 * and, for a basic-level facility, to slice 1 too. */
void mx_agg_apply(mx_aggmap *m, const mx_tree *t, int element, int area, int fac, int yyyymm,
                  double dsum, double dcnt);
/* Aggregate slices: every value counts in exactly one of 0 (with 1 for its basic-level part),
 * 2 or 4; 3 repeats the record figures counted in 0 so that an indicator can say its source. */
enum { MX_SLICE_ALL = 0, MX_SLICE_BASIC = 1, MX_SLICE_OWN = 2, MX_SLICE_RECORDS = 3,
       MX_SLICE_SHADOWED = 4 };
/* Adds (dsum, dcnt) to `slice` of `area` and every ancestor, month yyyymm. */
void mx_agg_apply_slice(mx_aggmap *m, const mx_tree *t, int element, int area, int slice,
                        int yyyymm, double dsum, double dcnt);
/* Where one value counts: set aside (slice 4) when `shadowed` by a record figure of the same
 * key; the area's own figure (slice 2, that area only) when an area element is reported above
 * its level (a county's figure of a township element); else mx_agg_apply. */
void mx_agg_apply_value(mx_aggmap *m, const mx_tree *t, int element, int area, int fac,
                        int yyyymm, double dsum, double dcnt, int shadowed);
/* The value of an element's aggregate for a period; 0 when there is no data (*has = 0). */
double mx_agg_value(const mx_agg *a, const hss_metrics_element *e, const mx_period *p, int *has);

/* Loads the stored aggregate rows of `area` for `year` into m. */
hss_code mx_agg_load(hss_store *st, mx_aggmap *m, const mx_tree *t, int area, int year,
                     hss_error *err);
/* Adds m's entries to the stored rows (incremental) or replaces every stored row (full). */
hss_code mx_agg_store_add(hss_store *st, mx_aggmap *m, const mx_tree *t, hss_error *err);
/* Full rebuild inside an open transaction. */
hss_code mx_rebuild_locked(hss_store *st, const mx_tree *t, hss_error *err);
/* Whether the stored aggregates were built for this tree; records it. */
int mx_agg_current(hss_store *st, const mx_tree *t);
hss_code mx_agg_mark(hss_store *st, const mx_tree *t, hss_error *err);

/* ---- figures from HSS's records (records.c) -------------------------------------------------- */

/* Takes the figures of the townships whose care records changed (all of them when `all`) for
 * every month the metrics hold, inside an open transaction: stores them in
 * metric_record_value and adds the changes of the effective values to `delta` (slices 0, 3
 * and 4). *changed receives the number of figures written or removed. */
hss_code mx_records_refresh(hss_store *st, const mx_tree *t, mx_aggmap *delta, int all,
                            size_t *changed, hss_error *err);
/* Brings the aggregates up to date before an answer: the figures of townships whose care
 * records changed are taken again and their changes added; when the region changed shape
 * since the aggregates were built (or they never were), everything is built again.
 * `all`: take every township's figures. Opens its own transaction (or savepoint). */
hss_code mx_refresh(hss_store *st, const mx_tree *t, int all, hss_error *err);
/* Takes every township's figures from the records again and rebuilds every aggregate, in one
 * transaction; `copy_to_reports` (the demo): the generated reports of those elements become
 * copies of the figures first. */
hss_code mx_retake_rebuild(hss_store *st, int copy_to_reports, hss_error *err);
/* Whether care records changed since their figures were taken (cheap: one indexed read). */
int mx_records_stale(hss_store *st);
/* Whether a record figure exists for the key; *value receives it. */
int mx_record_get(hss_store *st, int element, int64_t org, int yyyymm, double *value);

/* ---- element ids and org ids ------------------------------------------------------------------ */

/* Writes the catalogue into metric_element (inside a transaction). */
hss_code mx_catalog_sync(hss_store *st, hss_error *err);
const hss_metrics_element *mx_element_by_id(int id);
/* The metric_org id of a code; creates it when `create`. Returns 0 when absent. */
int64_t mx_org_id(hss_store *st, const char *code, int create, hss_error *err);

/* ---- indicators ------------------------------------------------------------------------------- */

typedef enum { MX_TERM_ELEMENT, MX_TERM_POPULATION, MX_TERM_STAFF, MX_TERM_BEDS_OPEN,
               MX_TERM_BEDS_APPROVED } mx_term_kind;
typedef struct mx_term {
    mx_term_kind kind;
    int sign;       /* +1 or -1 */
    int element;    /* MX_TERM_ELEMENT: element id */
    int slice;      /* 1 for element[basic] */
    char *staff;    /* MX_TERM_STAFF: staff category */
} mx_term;
typedef struct mx_expr {
    mx_term *terms;
    size_t n;
    char *text;
} mx_expr;

typedef struct mx_target {
    char *pack;     /* "liaocheng", "yiwu" */
    char *op;       /* ">=" or "<=" */
    double value;   /* absolute target */
    int relative;   /* 1: target = same period a year earlier + value */
    char *document, *quote;
} mx_target;

typedef struct mx_indicator {
    char *id, *zh, *en, *unit;
    mx_expr num, den;
    mx_expr *rec_den; /* records_denominator, or NULL: the denominator used when the numerator
                         comes from HSS's own records only */
    double factor;
    char *document, *quote;
    mx_target *targets;
    size_t ntargets;
    unsigned levels; /* bit HSS_LEVEL_* for areas, bit MX_LEVEL_FACILITY; where it applies */
} mx_indicator;
#define MX_LEVEL_FACILITY 5

typedef struct mx_check {
    char *id, *zh, *en;
    int left;           /* element id */
    mx_expr right;      /* elements of the same org and month, or population */
} mx_check;

typedef struct mx_defs {
    mx_indicator *ind;
    size_t nind;
    mx_check *checks;
    size_t nchecks;
} mx_defs;

hss_code mx_defs_load(const char *path, mx_defs *d, hss_error *err);
void mx_defs_free(mx_defs *d);
const mx_indicator *mx_defs_find(const mx_defs *d, const char *id);

#endif
