/*
 * policy_int.h (private to src/policy/): the pack and rule structures, the measure catalogue
 * and the in-memory region the evaluator works on. Other modules use policy.h only.
 */
#ifndef HSS_POLICY_INT_H
#define HSS_POLICY_INT_H

#include <stdint.h>

#include "model/model.h"
#include "policy/policy.h"

/* Comparators a rule may use. PRESENT passes when the observed value is above zero. */
typedef enum { CMP_GE, CMP_LE, CMP_GT, CMP_LT, CMP_EQ, CMP_PRESENT } pcmp;
const char *policy_cmp_name(pcmp c);

/* What a finding is about. */
enum { SUBJ_AREA = 1, SUBJ_FACILITY = 2 };

/* ---- region data in memory ---------------------------------------------------------------- */

/* Room for each vocabulary (model.h), with space to grow: a vocabulary larger than this makes
 * evaluation fail with a clear message instead of miscounting. Facility types index a 32-bit
 * mask in rules. */
#define NTYPES 32  /* facility types */
#define NSTAFF 32  /* staff categories */
#define NVEH 8     /* vehicle kinds */

/* Sums over a set of facilities (one facility, or every facility in an area's subtree).
 * `*_known` count facilities where the nullable number was recorded. */
typedef struct {
    double beds_open, beds_approved, beds_inf;
    int beds_open_known, beds_approved_known, beds_inf_known;
    double beds_rehab, beds_nursing; /* bed kinds (issue 13) */
    int beds_rehab_known, beds_nursing_known;
    double staff[NSTAFF];
    int staff_known; /* facilities with at least one staff row */
    double veh[NVEH];
    int veh_known;   /* facilities with at least one vehicle row */
    int types[NTYPES];
    int owned[3];    /* facilities by ownership (government, collective, private) */
    int centrals, sub_centres;
    int facilities;
    int marked;      /* facilities meeting a rule's condition (service_share), set per rule */
} pagg;

typedef struct {
    char *code, *name;
    int level, kind; /* hss_level; 0 urban, 1 rural */
    int parent;      /* index or -1 */
    int depth;
    int64_t population; /* own figure, or the sum of its children when that is complete */
    int pop_known;      /* 0 when neither is recorded */
    int64_t stored_pop; /* the stored figure alone, -1 when not recorded */
    const char *parent_code; /* as stored (NULL for a root) */
    int in_scope;       /* under the evaluation's --under area */
} parea;

/* One staff or vehicle row of a facility: category (vocabulary index) and count. */
typedef struct {
    int k;
    double n;
} pcount;

/* Bed figures of a facility; a bit of `known` per figure recorded (PB_*). */
enum { PB_OPEN = 1, PB_APPROVED = 2, PB_INF = 4, PB_REHAB = 8, PB_NURSING = 16 };

/* A facility, kept small (a province holds 100,000 of them): its own sums are made on demand
 * (policy_fac_agg) from the beds here and its rows in the region's staff and vehicle pools. */
typedef struct {
    char *code, *name;
    int type, grade, ownership, area;
    int central, sub_centre;
    int run_by;     /* level that runs it (hss_level), -1 when not recorded */
    char *services; /* ';'-separated */
    double beds_open, beds_approved, beds_inf, beds_rehab, beds_nursing;
    int beds_known; /* PB_* bits */
    uint32_t staff_at, veh_at; /* first row in pregion.staff / pregion.veh */
    uint16_t nstaff, nveh;     /* rows there */
} pfac;

typedef struct {
    parea *areas;
    size_t nareas;
    pfac *facs;
    size_t nfacs;
    pcount *staff, *veh; /* every facility's staff and vehicle rows, by facility */
    size_t nstaffrows, nvehrows;
    int *order;      /* area indices, parents before children */
    int generated;
    size_t run_by_known; /* facilities whose run_by is recorded */
    /* For measures wired to other modules (travel times, monthly indicators): the store the
     * region was read from and the evaluation year. */
    hss_store *st;
    int year;
    struct policy_links *links; /* what the linked measures opened once per evaluation */
    /* code -> index hash of areas */
    int *hash;
    size_t hcap;
    /* the storage of every code, name and service list above: one allocation per large block
     * instead of one per string (five per facility and area) */
    hss_strpool strings;
} pregion;

/* State the measures computed by other modules keep for one evaluation: one metrics session
 * (the area tree and aggregates loaded once), and whether a road network is stored at all. */
typedef struct policy_links {
    struct hss_metrics_session *metrics;
    int metrics_tried;       /* 1 once opening was attempted */
    char metrics_error[300]; /* why it could not be opened */
    int roads;               /* 0 not yet checked, 1 stored, -1 none */
    /* Travel costs of every population point, computed once per evaluation and summed per
     * area (one road query per facility type set instead of one per rule and area). */
    struct plinked {
        int tried;
        hss_code rc;
        hss_error err;
        struct hss_access_points *pts; /* circle (minutes) or EMS (minutes and metres) */
        hss_table *table;              /* sub-centre distances */
    } circle, ems, subcentres;
    struct policy_ems_sums *ems_sums; /* 120 units and calls per area (ems_sums.c), read once */
} policy_links;
void policy_links_free(policy_links *l);

/* ems_sums.c: the area's ambulance units and those with the standard crew; -1 when none. */
int policy_ems_units(const pregion *R, const parea *a, int64_t *units, int64_t *crew_ok);
/* Mean measured response (minutes) of the calls under the area whose village is of kind
 * (0 urban, 1 rural, else all); -1 when there is no such call. */
int policy_ems_mean_response(const pregion *R, const parea *a, int kind, double *mean, int64_t *calls);
/* AEDs in the area's subtree (the ems registry): out[0] active, out[1] installed on or after
 * `since` (YYYY-MM-DD; 0 when since is NULL), out[2] active with no installed day. Returns -1
 * when the area has no active AED recorded. */
int policy_ems_aeds(const pregion *R, const parea *a, const char *since, int64_t out[3]);
void policy_ems_sums_free(struct policy_ems_sums *S);

hss_code policy_region_load(hss_store *st, pregion *R, hss_error *err);
void policy_region_free(pregion *R);
/* A metrics session on the loaded region (it does not read the region again). */
struct hss_metrics_session *policy_metrics_open(const pregion *R, hss_error *err);
int policy_region_find(const pregion *R, const char *code);
void pagg_add(pagg *dst, const pagg *src);
/* Adds facility f's own figures to d; policy_fac_agg sets g to them alone. */
void pagg_add_fac(pagg *d, const pregion *R, const pfac *f);
void policy_fac_agg(const pregion *R, const pfac *f, pagg *g);

/* ---- rules and packs ------------------------------------------------------------------- */

typedef struct {
    char *key;
    char *str;   /* the scalar as written */
    double num;  /* parsed when numeric */
    int is_num;
} pparam;

struct measure_def;

typedef struct prule {
    char *id, *title_zh, *title_en;
    char *document, *quote, *note;
    int year;                 /* target year; 0 = none */
    int level, kind;          /* -1 = any */
    int each;                 /* SUBJ_AREA or SUBJ_FACILITY */
    uint32_t types, grades, ownerships; /* bit masks; 0 = any */
    uint32_t run_bys;         /* levels that run the facilities (bit mask of hss_level); 0 = any */
    int central, sub_centre;  /* -1 any, 0/1 */
    char **areas;             /* named area codes the rule is limited to (NULL = all) */
    size_t nareas;
    const struct measure_def *measure;
    pparam *params;
    size_t nparams;
    pcmp cmp;
    double target;
    int has_target;
    char *unit_zh, *unit_en, *gap_zh, *gap_en;
    char *pack;      /* pack that defined the rule that won */
    char *overrides; /* pack whose rule of the same id this one replaced, or NULL */
    char *file;
    size_t line;
} prule;

typedef struct {
    char *quote, *reason, *document;
    char *reason_zh; /* the reason in Chinese, NULL when the pack gives none */
    size_t line;
    char *pack;
} pnotenc;

typedef struct {
    char *file, *title, *pack;
} pdoc;

struct hss_policy_pack {
    char *name, *title_zh, *title_en, *file, *extends;
    int year;
    prule *rules;
    size_t nrules;
    pdoc *docs;
    size_t ndocs;
    pnotenc *notenc;
    size_t nnotenc;
    hss_policy_task *tasks; /* every string malloc'd and owned here */
    size_t ntasks;
};

double prule_num(const prule *r, const char *key, double dflt);
const char *prule_str(const prule *r, const char *key);

/* ---- the measure catalogue ------------------------------------------------------------ */

typedef enum { ST_PASS, ST_FAIL, ST_UNKNOWN } pstatus;

/* What a measure returns for one subject. */
typedef struct {
    int known;          /* 0: unknown, reason says why */
    int skip;           /* the subject is outside the rule's scope (no finding) */
    double observed;
    double target;      /* set when the measure computes its own target (computes_target) */
    int has_need;       /* need_num/need_den let the gap be said in units a planner acts on */
    double num, den, scale; /* observed = scale * num / den */
    char reason[256];   /* why unknown; or a note for a known value (e.g. missing beds) */
    char reason_zh[256]; /* the same in Chinese */
} presult;

/* Evaluates measure for a subject: an area (a != NULL, agg = its subtree sums, possibly
 * filtered by the rule's facility scope) or a facility (f != NULL, agg = its own numbers). */
typedef void (*measure_fn)(const pregion *R, const prule *r, const parea *a, const pfac *f,
                           const pagg *agg, presult *out);

typedef struct measure_def {
    const char *name;
    int subjects;            /* SUBJ_AREA | SUBJ_FACILITY */
    int computes_target;     /* the measure works out the target (ambulance_count) */
    const char *zh, *en;
    const char *params;      /* allowed parameter names, space separated ("" = none) */
    const char *requires;    /* NULL for computed measures; what the data lacks otherwise */
    measure_fn fn;           /* replace this to wire a real implementation */
    const char *requires_zh; /* `requires` in Chinese (for measures needing other records) */
} measure_def;

const measure_def *policy_measure_find(const char *name);
/* True when `svc` is one of the ';'-separated ids in `list`. */
int policy_has_service(const char *list, const char *svc);
/* True when the rule's `service` parameter selects facilities (rather than being what the
 * measure looks for, as in service_present and service_share). */
int policy_service_filters(const prule *r);
const measure_def *policy_measures(size_t *n);

#endif
