/*
 * metrics: monthly monitoring. A catalogue of data elements (门急诊人次, 上转人次, 签约人数 ...),
 * data values reported per facility or area and month, indicators defined in
 * indicators/indicators.yaml (numerator / denominator over data elements and stored facts,
 * times a factor, with targets from the policy documents) and aggregates over the area tree
 * and over periods that are maintained incrementally: every import applies old->new deltas
 * to exactly the aggregates that depend on the changed values, so indicators are fresh as
 * soon as the import commits and a changed value is never counted twice.
 *
 * Periods are written 2025-03 (month), 2025Q1 (quarter), 2025 (year) and YTD2025-03 (the
 * year to date: January to March 2025).
 */
#ifndef HSS_METRICS_H
#define HSS_METRICS_H

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* ---- data elements ------------------------------------------------------------------------- */

typedef enum { HSS_ORG_FACILITY, HSS_ORG_AREA } hss_org_kind;

/* One data element of the catalogue. */
typedef struct hss_metrics_element {
    int id;            /* stored id (metric_element.id); never renumbered */
    const char *code;  /* HSS name, the CSV `element` column: "outpatient_visits" */
    const char *zh;    /* Chinese label: "门急诊人次" */
    const char *en;    /* English label */
    const char *unit;  /* "visits", "persons", "yuan" ... */
    const char *period_type; /* "month": values are reported per calendar month */
    hss_org_kind org_kind;   /* reported per facility or per area */
    int area_level;    /* HSS_LEVEL_* of the areas that report it (area elements only) */
    int stock;         /* 1: a count at the end of the month (签约人数): a quarter or year takes
                          its last month with data; 0: a flow, summed over months */
    int whole;         /* 1: a count of people or visits, must be a whole number */
    const char *records_zh, *records_en; /* the HSS records it is taken from ("签约记录"), or
                                            NULL when HSS holds no records for it */
} hss_metrics_element;

/* The catalogue in its canonical order. */
const hss_metrics_element *hss_metrics_elements(size_t *n);
/* The element named `code`, or NULL. */
const hss_metrics_element *hss_metrics_element_find(const char *code);

/* ---- data values ----------------------------------------------------------------------------- */

/* Imports data values from a CSV file with columns element,org,period,value[,category]
 * (org = facility code or area code of the stored region, period = YYYY-MM). One transaction:
 * on any error (named file:line, column, value and why) nothing changes. A value for a key
 * that is already stored replaces it. When `delete_rows` is non-zero the file lists keys
 * (element,org,period[,category]; a value column is ignored) whose values are deleted.
 * The aggregates are updated incrementally in the same transaction. `*changed` (may be NULL)
 * receives the number of values written or deleted. */
hss_code hss_metrics_import(hss_store *st, const char *path, int delete_rows, size_t *changed,
                            hss_error *err);

/* The stored values in the import format (element, org, period, value, category, generated),
 * optionally only one element, one facility or everything under an area, and months
 * from..to (YYYY-MM, inclusive). */
hss_code hss_metrics_values(hss_store *st, const char *element, const char *org,
                            const char *from, const char *to, hss_table **out, hss_error *err);

/* Takes every township's figures from HSS's records again and recomputes every aggregate
 * from them and the stored data values (what imports and record changes maintain
 * incrementally). Used after a region change and by tests and the benchmark. */
hss_code hss_metrics_rebuild(hss_store *st, hss_error *err);

/* Takes the figures of every township from HSS's own records (care register, contracts,
 * follow-ups) for every month the metrics hold (records.c). The indicators do this by
 * themselves for the townships whose records changed; this is for the demo and tests. */
hss_code hss_metrics_take_records(hss_store *st, hss_error *err);

/* Generates 24 months (2024-01 .. 2025-12) of activity data for the stored region's facilities
 * and areas, labelled generated (data_value.generated = 1 and meta metrics.generated):
 * winter peaks, trends, facility variation; some counties miss the targets, some recover.
 * Replaces earlier generated values; deterministic for a seed. */
hss_code hss_metrics_generate_demo(hss_store *st, uint64_t seed, hss_error *err);

/* After the demo's care records are generated: takes every township's figures from them and
 * makes the demo's monthly reports of those elements copies of them (labelled generated), so
 * that the demo's aggregates are derived from its records and `hss data check` finds nothing. */
hss_code hss_metrics_demo_from_records(hss_store *st, hss_error *err);

/* ---- indicators ------------------------------------------------------------------------------ */

/* The same for many values in a row: a session loads the area tree, the definitions and the
 * aggregates once. It must not outlive changes to the stored data (open a new one). */
typedef struct hss_metrics_session hss_metrics_session;
hss_metrics_session *hss_metrics_session_open(hss_store *st, hss_error *err);
hss_code hss_metrics_session_value(hss_metrics_session *s, const char *indicator, const char *area,
                                   const char *period, double *value, double *num, double *den,
                                   hss_error *err);
void hss_metrics_session_close(hss_metrics_session *s);

/* An area or a facility of the stored region as a caller has already read it (the policy
 * evaluation does), so that a session need not read the region again. Every string is
 * borrowed: it must outlive the session. */
typedef struct hss_metrics_node {
    const char *code, *name;
    const char *parent;  /* an area's parent_code (NULL for a root); a facility's area_code */
    const char *type;    /* a facility's type id; NULL for an area */
    int level;           /* an area's level (HSS_LEVEL_*), -1 when the stored one is unknown */
    int64_t population;  /* an area's stored population, -1 when not recorded */
    int64_t beds_open, beds_approved; /* a facility's, -1 when not recorded */
} hss_metrics_node;
/* hss_metrics_session_open on the region given as every stored area and facility (any order):
 * the same session and answers, without reading the area and facility tables. */
hss_metrics_session *hss_metrics_session_open_nodes(hss_store *st, const hss_metrics_node *areas,
                                                    size_t na, const hss_metrics_node *facs,
                                                    size_t nf, hss_error *err);

/* The value of indicator `indicator` (an id of indicators.yaml) for an area or facility code
 * and a period ("2025-03", "2025Q1", "2025", "YTD2025-03"), served from the maintained
 * aggregates. value = numerator / denominator * factor. Returns HSS_ENOTFOUND when there is
 * no data (or the denominator is zero), HSS_EINVAL for an unknown indicator, area or period. */
hss_code hss_metrics_value(hss_store *st, const char *indicator, const char *area,
                           const char *period, double *value, double *num, double *den,
                           hss_error *err);

/* What `hss indicators` prints. */
typedef struct hss_metrics_query {
    const char *under;     /* area code: that area and its children; NULL = the top areas */
    const char *period;    /* NULL = the latest month with data */
    const char *indicator; /* NULL = every indicator */
    const char *pack;      /* whose targets: "liaocheng" (default) or "yiwu" */
    int english;           /* labels in English instead of Chinese */
    int trend;             /* > 1: that many periods ending with `period`, oldest first
                              (months, quarters or years; YTD: the same months of earlier
                              years) */
    int any_pack;          /* 1: a pack without indicator targets is no error (every status is
                              then none): the region's own pack, chosen by default */
} hss_metrics_query;

/* One row per indicator and area (or facility): indicator, name, area, area_name, period,
 * value, numerator, denominator, unit, target, op, status (pass|fail|unknown|none),
 * previous, change, document. */
hss_code hss_metrics_indicators(hss_store *st, const hss_metrics_query *q, hss_table **out,
                                hss_error *err);

/* The indicator rules of a policy pack as findings, in the columns of hss_policy_findings
 * (rule, title, measure, area, facility, status, observed, target, gap, unit, gap_text,
 * document, quote) so that `hss evaluate` can append them: one row per indicator with a
 * target from `pack` ("liaocheng", "yiwu") and per area at county level and above under
 * `under` (NULL = everywhere). The period is `year` (the year to date when `year` is the year
 * of the latest data and not complete; 0 = the latest data's year). rule = "<pack>.<indicator>";
 * status unknown when there is no data. */
hss_code hss_metrics_findings(hss_store *st, const char *pack, int year, const char *under,
                              hss_table **out, hss_error *err);

/* Checks the rules between values (referrals_up <= outpatient_visits, contracted <= residents
 * ...) over every stored facility/area month. One row per violation: check, rule, org,
 * period, left, right. */
hss_code hss_metrics_validate(hss_store *st, hss_table **out, hss_error *err);

/* Where HSS holds records and a monthly report of the same element, area and month exists
 * too: every one where they disagree (check.c), under `under` (NULL = everywhere). Columns
 * element, name, area, area_name, period, records, reported, difference (reported - records). */
hss_code hss_metrics_check(hss_store *st, const char *under, int english, hss_table **out,
                           hss_error *err);

/* Path of the indicator definitions: $HSS_INDICATORS, else indicators/indicators.yaml found
 * from the working directory or beside the binary. */
const char *hss_metrics_indicator_file(void);

#endif
