/*
 * plan: implementation and supervision of the plans the policy packs encode (清单化管理, 定期调度,
 * 督促整改, 年度/中期/末期评估). It keeps
 *   - saved evaluations: a dated snapshot of every finding of a pack, with the pack's version and
 *     the store's data version, and the comparison of two snapshots;
 *   - plan tasks: the standards data cannot check, loaded from a pack's `tasks:` list, each with
 *     its document, verbatim sentence, target, year, ▲ lead unit and responsible units;
 *   - progress reports on tasks by a responsible unit, with evidence files (PDF, PNG, JPEG, XLSX
 *     up to 20 MB, type checked by magic bytes), reviewed (accepted or returned) by a planner;
 *   - rectification (整改) items: a failed finding assigned to a unit with a deadline, closed by
 *     the first later saved evaluation in which that finding passes;
 *   - the monthly bulletin (通报) ranking the counties.
 * Every write, and every download of an evidence file, leaves one audit row in the same
 * transaction. All SQL of the module is in db.c.
 */
#ifndef HSS_PLAN_H
#define HSS_PLAN_H

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* Largest evidence file accepted. */
#define HSS_PLAN_MAX_FILE (20u * 1024u * 1024u)

/* Who acts: the logged-in user of the dashboard, or the operator of the command line. */
typedef struct hss_plan_actor {
    char user[128]; /* app_user name; "" for the command-line operator */
    char role[16];  /* admin, planner, county, facility, unit */
    char scope[16]; /* area code: sees this area and everything below it */
    char unit[128]; /* role unit: the unit's name exactly as the documents write it */
    char ip[64];    /* client address, "cli" on the command line */
} hss_plan_actor;

/* The command-line operator: role admin over everything, audited as ip "cli". */
void hss_plan_actor_operator(hss_plan_actor *a);
/* A stored user (app_user) as an actor; HSS_ENOTFOUND when there is no such enabled user. */
hss_code hss_plan_actor_load(hss_store *st, const char *user, const char *ip, hss_plan_actor *a,
                             hss_error *err);

/* ---- saved evaluations (eval.c) ------------------------------------------------------------- */

/* Evaluates the whole stored region against `pack` (name or path; year 0 = the pack's) and saves
 * every finding as one snapshot, labelled `label` (may be NULL). Open rectification items whose
 * finding passes in the new snapshot are closed in the same transaction. Admin or planner. */
hss_code hss_plan_eval_save(hss_store *st, const hss_plan_actor *who, const char *pack, int year,
                            const char *label, int64_t *id, hss_error *err);
/* Saved evaluations, newest first: id, at (UTC), at_local (Asia/Shanghai), pack, pack_title, pack_version, year, data_version,
 * pass, fail, unknown, label, user. */
hss_code hss_plan_eval_list(hss_store *st, hss_table **out, hss_error *err);
/* The findings of one snapshot inside `under` (NULL = all; status NULL = all): rule, title, area,
 * area_name, facility, facility_name, status, observed, target, gap, unit, gap_text, document. */
hss_code hss_plan_eval_findings(hss_store *st, int64_t id, const char *under, const char *status,
                                hss_table **out, hss_error *err);
/* What changed from snapshot `a` to snapshot `b`, inside `under` (NULL = all), one row per rule
 * and area/facility whose result changed: rule, area, facility, before, after, change
 * (newly_failing | fixed | worse | better), title, area_name, facility_name, before_observed,
 * after_observed, before_gap, after_gap, target, unit. before/after are the statuses (pass,
 * fail, unknown, or absent when the finding is not in that snapshot). */
hss_code hss_plan_eval_compare(hss_store *st, int64_t a, int64_t b, const char *under,
                               hss_table **out, hss_error *err);
/* The change between two results of one finding, or NULL when nothing a planner acts on
 * changed. Statuses are pass|fail|unknown|absent; gaps are the distances to the target. */
const char *hss_plan_change(const char *before, const char *after, double gap_before,
                            double gap_after);

/* ---- plan tasks (tasks.c) -------------------------------------------------------------------- */

/* Loads the `tasks:` of `pack` (name or path). Idempotent: a task already stored keeps its
 * status and reports; its text, target, units and year are updated. A task for each county is
 * stored once per county-level area of the region (id "<task>@<county>"). */
hss_code hss_plan_tasks_load(hss_store *st, const hss_plan_actor *who, const char *pack,
                             size_t *loaded, hss_error *err);

typedef struct hss_plan_task_filter {
    const char *unit;   /* only tasks naming this unit (lead or responsible) */
    const char *status; /* not_started | in_progress | done | blocked */
    const char *task;   /* one task id */
    int overdue;        /* only overdue tasks */
    const char *as_of;  /* YYYY-MM-DD, NULL = today in Asia/Shanghai */
} hss_plan_task_filter;

/* Tasks the actor may see (inside its scope; a unit sees the tasks naming its unit), with
 * id, pack, document, quote, title, title_en, target, target_en, value, unit, year, due, lead,
 * units (、-separated), area, area_name, status, reports, last_report, last_review, overdue
 * (0/1: past due and not done) and stale (0/1: not done and no report dated in the last
 * reporting period, i.e. since the first day of the previous month). */
hss_code hss_plan_tasks_list(hss_store *st, const hss_plan_actor *who, const hss_plan_task_filter *f,
                             hss_table **out, hss_error *err);

/* ---- progress reports and evidence (report.c) ---------------------------------------------- */

typedef struct hss_plan_file {
    const char *name;          /* file name as uploaded (shown, never trusted for the type) */
    const unsigned char *data;
    size_t len;
} hss_plan_file;

typedef struct hss_plan_report_in {
    const char *task;      /* task id */
    const char *date;      /* YYYY-MM-DD, not in the future */
    const char *status;    /* in_progress | done | blocked */
    int has_value;
    double value;          /* progress towards a numeric target */
    const char *narrative; /* what was done */
    const hss_plan_file *files;
    size_t nfiles;
} hss_plan_report_in;

/* The type of an evidence file from its first bytes: "application/pdf", "image/png",
 * "image/jpeg", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", or NULL. */
const char *hss_plan_sniff(const unsigned char *data, size_t len);

/* A unit reports progress on one of its tasks; the report and all its files are stored in one
 * transaction, or nothing is. Only role unit, for a task naming its unit inside its scope. */
hss_code hss_plan_report_add(hss_store *st, const hss_plan_actor *who, const hss_plan_report_in *in,
                             int64_t *id, hss_error *err);
/* A reviewer (admin or planner) accepts or returns a pending report; accepting sets the task's
 * status to the report's. */
hss_code hss_plan_report_review(hss_store *st, const hss_plan_actor *who, int64_t report, int accept,
                                const char *note, hss_error *err);
/* The reports on a task (newest first): id, date, unit, user, status, value, narrative, review,
 * reviewer, reviewed_at, review_note, attachments (JSON array of {id, name, mime, size}). */
hss_code hss_plan_reports_list(hss_store *st, const hss_plan_actor *who, const char *task,
                               hss_table **out, hss_error *err);

typedef struct hss_plan_blob {
    char name[256];
    char mime[96];
    unsigned char *data; /* malloc'd */
    size_t len;
} hss_plan_blob;
/* Reads one evidence file (audited in the same transaction). */
hss_code hss_plan_attachment_get(hss_store *st, const hss_plan_actor *who, int64_t id,
                                 hss_plan_blob *out, hss_error *err);

/* ---- rectification (rect.c) ------------------------------------------------------------------- */

typedef struct hss_plan_rect_in {
    int64_t eval_id;
    const char *rule, *area, *facility; /* the failed finding (facility "" or NULL for an area) */
    const char *unit;                   /* who must fix it */
    const char *deadline;               /* YYYY-MM-DD */
    const char *note;
} hss_plan_rect_in;

/* Turns a failed finding of a saved evaluation into an open item. Admin or planner. */
hss_code hss_plan_rect_add(hss_store *st, const hss_plan_actor *who, const hss_plan_rect_in *in,
                           int64_t *id, hss_error *err);
/* Items inside the actor's scope (a unit sees its own): id, eval_id, rule, title, area,
 * area_name, facility, facility_name, unit, deadline, status, overdue, created, closed_eval,
 * closed_at, note, gap_text. status NULL = all. */
hss_code hss_plan_rect_list(hss_store *st, const hss_plan_actor *who, const char *status,
                            const char *as_of, hss_table **out, hss_error *err);

/* ---- the monthly bulletin (bulletin.c) -------------------------------------------------------- */

/* The bulletin of `month` (YYYY-MM) as one self-contained Chinese HTML page: counties ranked on
 * the monitoring indicators of the month, overdue tasks, open 整改 items, and each county's
 * change of rank since the last bulletin saved before it. The ranking is saved (audited) so that
 * the next month's bulletin can show the change. Returns malloc'd HTML. */
hss_code hss_plan_bulletin(hss_store *st, const hss_plan_actor *who, const char *month, char **html,
                           hss_error *err);

/* Prints the bulletin's HTML file to PDF with headless Chromium ($CHROMIUM, else
 * /usr/bin/chromium, else chromium on the PATH). HSS_ENOTFOUND when Chromium is not installed. */
hss_code hss_plan_bulletin_pdf(const char *html_path, const char *pdf_path, hss_error *err);

/* ---- shared helpers --------------------------------------------------------------------------- */

/* Today in Asia/Shanghai as YYYY-MM-DD. */
void hss_plan_today(char out[11]);
/* True when area `code` is `scope` or inside it. */
int hss_plan_in_scope(const char *scope, const char *code);

#endif
