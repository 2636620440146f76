/*
 * tasks.c: plan tasks (清单化管理). A pack's `tasks:` list names, for each standard that stored
 * data cannot check, the document and verbatim sentence, the target and its year, the ▲ lead
 * unit and the responsible units. Loading stores them once per area they apply to: the city, a
 * named area, or each county of the region (id "<task>@<county>"), so that each county's
 * progress is reported and reviewed on its own.
 */
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"
#include "policy/policy.h"

/* The title of a document the pack cites (from its coverage table), or "". */
static const char *doc_title(const hss_table *cov, const char *document)
{
    size_t cd = plan_col(cov, "document"), ct = plan_col(cov, "title");
    for (size_t r = 0; cov && cd != (size_t)-1 && ct != (size_t)-1 && r < hss_table_rows(cov); r++)
        if (strcmp(hss_table_cell(cov, r, cd), document) == 0)
            return hss_table_cell(cov, r, ct);
    return "";
}

static hss_code load_one(hss_store *st, const hss_policy_task *t, const char *title, const char *area,
                         int per_county, const char *at, hss_error *err)
{
    char id[192], due[11];
    if (per_county)
        snprintf(id, sizeof id, "%s@%s", t->id, area);
    else
        snprintf(id, sizeof id, "%s", t->id);
    snprintf(due, sizeof due, "%04d-12-31", t->year < 2000 ? 2000 : t->year > 2100 ? 2100 : t->year);
    plan_task_row r = {id, t->pack, t->id, t->document, title, t->quote, t->title_zh, t->title_en,
                       t->target_zh, t->target_en, t->unit_zh, t->unit_en, t->lead, area, due, at,
                       t->has_value, t->value, t->year, t->units, t->nunits};
    return plan_db_task_upsert(st, &r, err);
}

/* Stores one pack task for each area it applies to; *n counts the rows stored. */
static hss_code load_task(hss_store *st, const hss_policy_task *t, const hss_table *cov, const char *city,
                          const char *at, size_t *n, hss_error *err)
{
    const char *title = doc_title(cov, t->document);
    if (strcmp(t->area, "each_county") == 0) {
        char(*counties)[7];
        size_t nc;
        hss_code rc = plan_db_counties(st, city, &counties, &nc, err);
        for (size_t i = 0; rc == HSS_OK && i < nc; i++)
            rc = load_one(st, t, title, counties[i], 1, at, err);
        free(counties);
        if (rc == HSS_OK && nc == 0)
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: task '%s' applies to each county, but %s has no county-level areas",
                          t->file, t->line, t->id, city);
        *n += nc;
        return rc;
    }
    const char *area = strcmp(t->area, "city") == 0 ? city : t->area;
    if (!plan_db_area_exists(st, area))
        return hss_fail(err, HSS_EINVAL, "%s:%zu: task '%s': area '%s' is not in the database", t->file,
                        t->line, t->id, area);
    (*n)++;
    return load_one(st, t, title, area, 0, at, err);
}

hss_code hss_plan_tasks_load(hss_store *st, const hss_plan_actor *who, const char *pack,
                             size_t *loaded, hss_error *err)
{
    if (!plan_is_reviewer(who))
        return hss_fail(err, HSS_EDENIED, "loading plan tasks needs the role admin or planner");
    hss_policy_pack *p = hss_policy_load(pack, err);
    if (!p)
        return err ? err->code : HSS_EINVAL;
    size_t nt, n = 0;
    const hss_policy_task *tasks = hss_policy_tasks(p, &nt);
    char city[16], at[21];
    hss_utc_timestamp(at);
    hss_table *cov = NULL;
    hss_code rc = plan_db_city(st, city, err);
    if (rc == HSS_OK)
        rc = hss_policy_coverage(pack, 0, 0, &cov, err);
    if (rc == HSS_OK)
        rc = hss_store_begin(st, err);
    if (rc) {
        hss_policy_free(p);
        hss_table_free(cov);
        return rc;
    }
    for (size_t i = 0; rc == HSS_OK && i < nt; i++)
        rc = load_task(st, &tasks[i], cov, city, at, &n, err);
    hss_table_free(cov);
    if (rc == HSS_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "pack=%s tasks=%zu rows=%zu", hss_policy_name(p), nt, n);
        rc = plan_db_audit(st, who, "tasks_load", hss_policy_name(p), detail, err);
    }
    hss_policy_free(p);
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    *loaded = n;
    return hss_store_commit(st, err);
}

hss_code hss_plan_tasks_list(hss_store *st, const hss_plan_actor *who, const hss_plan_task_filter *f,
                             hss_table **out, hss_error *err)
{
    char today[11], period[11];
    const char *as_of = f->as_of;
    long day;
    if (!as_of) {
        hss_plan_today(today);
        as_of = today;
    } else if (plan_parse_day(as_of, &day) != 0) {
        return hss_fail(err, HSS_EINVAL, "--as-of '%s': must be a date YYYY-MM-DD", as_of);
    }
    if (f->status && strcmp(f->status, "not_started") && strcmp(f->status, "in_progress") &&
        strcmp(f->status, "done") && strcmp(f->status, "blocked"))
        return hss_fail(err, HSS_EINVAL, "--status '%s': must be not_started, in_progress, done or blocked", f->status);
    plan_period_start(as_of, period);
    return plan_db_tasks_list(st, who, f, as_of, period, out, err);
}
