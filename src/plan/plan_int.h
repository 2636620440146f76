/*
 * plan_int.h (private to plan/): the statements of db.c, which holds every SQL statement of the
 * module, and small helpers the module's files share.
 */
#ifndef HSS_PLAN_INT_H
#define HSS_PLAN_INT_H

#include "plan/plan.h"

/* The county a row is about: the first 6 digits of its area code. */
void plan_county_of(const char *area, char out[7]);
/* True for admin and planner, who save evaluations, review reports and assign 整改 items. */
int plan_is_reviewer(const hss_plan_actor *who);
/* Checks YYYY-MM-DD; returns its day number through *day. 0 when valid. */
int plan_parse_day(const char *s, long *day);
/* The first day of the month before `as_of` (the start of the last reporting period). */
void plan_period_start(const char *as_of, char out[11]);
/* The codes inside `scope` are those with lo <= code < hi ("" = everything). */
void plan_prefix_range(const char *scope, char lo[16], char hi[17]);
/* The column index of `name` in t, or (size_t)-1. */
size_t plan_col(const hss_table *t, const char *name);

/* The distinct areas and facilities a findings table names, with their names (pointers into
 * the table), in key order (kind, code): a malloc'd array, its length returned (names.c). */
enum { PLAN_NAME_AREA, PLAN_NAME_FACILITY };
typedef struct plan_name {
    int kind; /* PLAN_NAME_* */
    const char *code, *name;
} plan_name;
size_t plan_names_of(const hss_table *f, plan_name **out);

/* ---- db.c ------------------------------------------------------------------------------------ */

hss_code plan_db_actor(hss_store *st, const char *user, hss_plan_actor *a, hss_error *err);
/* One audit row (the server's audit table) for an action of the plan module. */
hss_code plan_db_audit(hss_store *st, const hss_plan_actor *who, const char *action,
                       const char *target, const char *detail, hss_error *err);

typedef struct plan_eval_meta {
    const char *at, *pack, *pack_title, *pack_version, *label;
    int year;
    int64_t data_version;
    size_t pass, fail, unknown;
} plan_eval_meta;
hss_code plan_db_eval_insert(hss_store *st, const hss_plan_actor *who, const plan_eval_meta *m,
                             int64_t *id, hss_error *err);
hss_code plan_db_findings_insert(hss_store *st, int64_t id, const hss_table *findings, hss_error *err);
/* Closes open 整改 items whose finding passes in snapshot `id`; *closed gets how many. */
hss_code plan_db_rect_close_passing(hss_store *st, int64_t id, const char *at, int *closed,
                                    hss_error *err);
hss_code plan_db_eval_list(hss_store *st, hss_table **out, hss_error *err);
hss_code plan_db_eval_exists(hss_store *st, int64_t id, hss_error *err);
hss_code plan_db_eval_findings(hss_store *st, int64_t id, const char *lo, const char *hi,
                               const char *status, hss_table **out, hss_error *err);
hss_code plan_db_eval_compare(hss_store *st, int64_t a, int64_t b, const char *lo, const char *hi,
                              hss_table **out, hss_error *err);

/* Tasks. */
typedef struct plan_task_row {
    const char *id, *pack, *task, *document, *doc_title, *quote, *title_zh, *title_en, *target_zh, *target_en;
    const char *unit_zh, *unit_en, *lead, *area, *due, *at;
    int has_value;
    double value;
    int year;
    const char *const *units; /* responsible units (the lead is added with lead=1) */
    size_t nunits;
} plan_task_row;
hss_code plan_db_task_upsert(hss_store *st, const plan_task_row *t, hss_error *err);
/* County-level areas under `code` (or all when code is NULL): malloc'd array of 7-byte codes. */
hss_code plan_db_counties(hss_store *st, const char *code, char (**out)[7], size_t *n, hss_error *err);
/* The city the region is about (see db.c), and whether an area code is stored. */
hss_code plan_db_city(hss_store *st, char out[16], hss_error *err);
int plan_db_area_exists(hss_store *st, const char *code);
hss_code plan_db_tasks_list(hss_store *st, const hss_plan_actor *who, const hss_plan_task_filter *f,
                            const char *as_of, const char *period, hss_table **out, hss_error *err);
/* The task's area, status and whether `unit` is one of its units (*has_unit). */
hss_code plan_db_task_get(hss_store *st, const char *task, char area[16], char status[16],
                          const char *unit, int *has_unit, hss_error *err);

/* Reports. */
hss_code plan_db_report_insert(hss_store *st, const hss_plan_actor *who, const hss_plan_report_in *in,
                               const char *county, const char *at, int64_t *id, hss_error *err);
hss_code plan_db_attachment_insert(hss_store *st, int64_t report, const char *county,
                                   const hss_plan_file *f, const char *mime, hss_error *err);
/* The report's task, area, review and status; HSS_ENOTFOUND when absent. */
hss_code plan_db_report_get(hss_store *st, int64_t id, char task[160], char area[16],
                            char review[16], char status[16], hss_error *err);
hss_code plan_db_report_set_review(hss_store *st, const hss_plan_actor *who, int64_t id, int accept,
                                   const char *note, const char *at, hss_error *err);
hss_code plan_db_task_set_status(hss_store *st, const char *task, const char *status, hss_error *err);
hss_code plan_db_reports_list(hss_store *st, const char *task, hss_table **out, hss_error *err);
hss_code plan_db_attachment_read(hss_store *st, int64_t id, hss_plan_blob *out, char task[160],
                                 char area[16], hss_error *err);

/* Rectification. */
/* Looks up a finding of a snapshot: its status and county (HSS_ENOTFOUND when absent). */
hss_code plan_db_finding_status(hss_store *st, int64_t eval, const char *rule, const char *area,
                                const char *facility, char status[16], hss_error *err);
hss_code plan_db_rect_insert(hss_store *st, const hss_plan_actor *who, const hss_plan_rect_in *in,
                             const char *at, int64_t *id, hss_error *err);
hss_code plan_db_rect_list(hss_store *st, const hss_plan_actor *who, const char *status,
                           const char *as_of, hss_table **out, hss_error *err);

/* Bulletin. */
/* The ranking JSON saved with the latest bulletin before `month`, or NULL (malloc'd). */
char *plan_db_bulletin_previous(hss_store *st, const char *month, char prev_month[8]);
hss_code plan_db_bulletin_save(hss_store *st, const char *month, const char *at, const char *ranking,
                               hss_error *err);
/* 1 when the region or its activity data contain generated (demo) rows. */
int plan_db_generated(hss_store *st);
/* The name of an area (its code when it has none). */
void plan_db_area_name(hss_store *st, const char *code, char *out, size_t n);
hss_code plan_db_county_names(hss_store *st, hss_table **out, hss_error *err);

#endif
