/*
 * report.c: progress reports on plan tasks (定期调度工作进展) and their evidence (佐证材料).
 * A responsible unit reports on a task naming it: the date the progress is as of, a status, a
 * value when the target is a number, what was done, and files. A file's type is decided by its
 * first bytes, never by its name, and only PDF, PNG, JPEG and XLSX up to 20 MB are taken. All
 * checks run before anything is written; the report, its files and its audit row are then
 * stored in one transaction. A reviewer accepts or returns the report; accepting moves the
 * task to the report's status.
 */
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"

static const char XLSX[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const char *hss_plan_sniff(const unsigned char *d, size_t n)
{
    if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
        return "application/pdf";
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return "image/jpeg";
    /* XLSX is a ZIP whose entries include xl/workbook.xml; entry names are stored in the clear
     * in the local headers, so a DOCX or any other ZIP is told apart without unzipping. */
    if (n >= 4 && memcmp(d, "PK\x03\x04", 4) == 0 && memmem(d, n, "xl/workbook.xml", 15) &&
        memmem(d, n, "[Content_Types].xml", 19))
        return XLSX;
    return NULL;
}

/* A refused request leaves one audit row of its own (nothing else was written). */
static hss_code refused(hss_store *st, const hss_plan_actor *who, const char *action, const char *target,
                        hss_code rc, hss_error *err)
{
    if (rc != HSS_OK && rc != HSS_EDB) {
        char act[64];
        snprintf(act, sizeof act, "%s_refused", action);
        plan_db_audit(st, who, act, target, err ? err->msg : "", NULL);
    }
    return rc;
}

static int valid_text(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= max && hss_utf8_valid(s, n);
}

/* A file name shown to users and offered on download: no path, no control bytes, no quotes. */
static int valid_name(const char *s)
{
    if (!valid_text(s, 200))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\' || *p == '"')
            return 0;
    return 1;
}

/* Everything about a report that can be checked without writing; fills mimes[]. */
static hss_code check_report(hss_store *st, const hss_plan_actor *who, const hss_plan_report_in *in,
                             char area[16], const char **mimes, hss_error *err)
{
    if (strcmp(who->role, "unit") != 0 || !*who->unit)
        return hss_fail(err, HSS_EDENIED, "only a responsible unit's account (role unit) reports progress");
    char status[16];
    int has_unit = 0;
    hss_code rc = plan_db_task_get(st, in->task ? in->task : "", area, status, who->unit, &has_unit, err);
    if (rc)
        return rc;
    if (!has_unit || !hss_plan_in_scope(who->scope, area))
        return hss_fail(err, HSS_EDENIED, "task '%s' does not name %s within its area", in->task, who->unit);
    char today[11];
    hss_plan_today(today);
    long day;
    if (plan_parse_day(in->date, &day) != 0 || strcmp(in->date, today) > 0)
        return hss_fail(err, HSS_EINVAL, "date '%s': must be a date YYYY-MM-DD, not after today (%s)",
                        in->date ? in->date : "", today);
    if (!in->status || (strcmp(in->status, "in_progress") && strcmp(in->status, "done") && strcmp(in->status, "blocked")))
        return hss_fail(err, HSS_EINVAL, "status '%s': must be in_progress, done or blocked", in->status ? in->status : "");
    if (!valid_text(in->narrative, 8000))
        return hss_fail(err, HSS_EINVAL, "narrative: say what was done (1-8000 bytes of UTF-8 text)");
    if (in->nfiles > 20)
        return hss_fail(err, HSS_EINVAL, "at most 20 files per report, not %zu", in->nfiles);
    for (size_t i = 0; i < in->nfiles; i++) {
        const hss_plan_file *f = &in->files[i];
        if (!valid_name(f->name))
            return hss_fail(err, HSS_EINVAL, "file %zu: the name must be 1-200 bytes without slashes, quotes or control characters", i + 1);
        if (f->len == 0 || f->len > HSS_PLAN_MAX_FILE)
            return hss_fail(err, HSS_EINVAL, "%s: %zu bytes; a file must hold 1 byte to 20 MB", f->name, f->len);
        if (!(mimes[i] = hss_plan_sniff(f->data, f->len)))
            return hss_fail(err, HSS_EINVAL, "%s: not a PDF, PNG, JPEG or XLSX file (judged by its content)", f->name);
    }
    return HSS_OK;
}

hss_code hss_plan_report_add(hss_store *st, const hss_plan_actor *who, const hss_plan_report_in *in,
                             int64_t *id, hss_error *err)
{
    char area[16], county[7], at[21];
    const char **mimes = hss_xcalloc(in->nfiles + 1, sizeof *mimes);
    hss_code rc = check_report(st, who, in, area, mimes, err);
    if (rc) {
        free(mimes);
        return refused(st, who, "report_add", in->task, rc, err);
    }
    if ((rc = hss_store_begin(st, err))) {
        free(mimes);
        return rc;
    }
    plan_county_of(area, county);
    hss_utc_timestamp(at);
    rc = plan_db_report_insert(st, who, in, county, at, id, err);
    for (size_t i = 0; rc == HSS_OK && i < in->nfiles; i++)
        rc = plan_db_attachment_insert(st, *id, county, &in->files[i], mimes[i], err);
    free(mimes);
    if (rc == HSS_OK) {
        char target[64], detail[320];
        snprintf(target, sizeof target, "report %lld", (long long)*id);
        snprintf(detail, sizeof detail, "task=%s status=%s files=%zu", in->task, in->status, in->nfiles);
        rc = plan_db_audit(st, who, "report_add", target, detail, err);
    }
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}

static hss_code review(hss_store *st, const hss_plan_actor *who, int64_t report, int accept,
                       const char *note, hss_error *err);

hss_code hss_plan_report_review(hss_store *st, const hss_plan_actor *who, int64_t report, int accept,
                                const char *note, hss_error *err)
{
    char target[64];
    snprintf(target, sizeof target, "report %lld", (long long)report);
    hss_code rc = review(st, who, report, accept, note, err);
    return rc == HSS_ECONFLICT || rc == HSS_EINVAL || rc == HSS_EDENIED || rc == HSS_ENOTFOUND
               ? refused(st, who, "report_review", target, rc, err) : rc;
}

static hss_code review(hss_store *st, const hss_plan_actor *who, int64_t report, int accept,
                       const char *note, hss_error *err)
{
    if (!plan_is_reviewer(who))
        return hss_fail(err, HSS_EDENIED, "reviewing a report needs the role admin or planner");
    if (note && strlen(note) && !valid_text(note, 4000))
        return hss_fail(err, HSS_EINVAL, "note: at most 4000 bytes of UTF-8 text");
    if (!accept && (!note || !*note))
        return hss_fail(err, HSS_EINVAL, "returning a report needs a note saying what is missing");
    char task[160], area[16], review[16], status[16], at[21];
    hss_code rc = plan_db_report_get(st, report, task, area, review, status, err);
    if (rc)
        return rc;
    if (!hss_plan_in_scope(who->scope, area))
        return hss_fail(err, HSS_EDENIED, "report %lld is outside your area", (long long)report);
    if (strcmp(review, "pending") != 0)
        return hss_fail(err, HSS_ECONFLICT, "report %lld was %s already", (long long)report, review);
    hss_utc_timestamp(at);
    if ((rc = hss_store_begin(st, err)))
        return rc;
    rc = plan_db_report_set_review(st, who, report, accept, note, at, err);
    if (rc == HSS_OK && accept)
        rc = plan_db_task_set_status(st, task, status, err);
    if (rc == HSS_OK) {
        char target[64], detail[256];
        snprintf(target, sizeof target, "report %lld", (long long)report);
        snprintf(detail, sizeof detail, "task=%s review=%s", task, accept ? "accepted" : "returned");
        rc = plan_db_audit(st, who, "report_review", target, detail, err);
    }
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}

/* May the actor see this task's reports and files? Inside its scope, and a unit only its own. */
static hss_code may_read(hss_store *st, const hss_plan_actor *who, const char *task, hss_error *err)
{
    char area[16], status[16];
    int has_unit = 0;
    hss_code rc = plan_db_task_get(st, task, area, status, who->unit, &has_unit, err);
    if (rc)
        return rc;
    if (!hss_plan_in_scope(who->scope, area) || (strcmp(who->role, "unit") == 0 && !has_unit))
        return hss_fail(err, HSS_EDENIED, "task '%s' is not yours to read", task);
    return HSS_OK;
}

hss_code hss_plan_reports_list(hss_store *st, const hss_plan_actor *who, const char *task,
                               hss_table **out, hss_error *err)
{
    hss_code rc = may_read(st, who, task ? task : "", err);
    return rc ? rc : plan_db_reports_list(st, task, out, err);
}

hss_code hss_plan_attachment_get(hss_store *st, const hss_plan_actor *who, int64_t id,
                                 hss_plan_blob *out, hss_error *err)
{
    char task[160], area[16];
    memset(out, 0, sizeof *out);
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    rc = plan_db_attachment_read(st, id, out, task, area, err);
    if (rc == HSS_OK)
        rc = may_read(st, who, task, err);
    if (rc == HSS_OK) {
        char target[64], detail[480];
        snprintf(target, sizeof target, "attachment %lld", (long long)id);
        snprintf(detail, sizeof detail, "task=%s name=%s", task, out->name);
        rc = plan_db_audit(st, who, "attachment_read", target, detail, err);
    }
    if (rc) {
        hss_store_rollback(st);
        free(out->data);
        out->data = NULL;
        char target[64];
        snprintf(target, sizeof target, "attachment %lld", (long long)id);
        return refused(st, who, "attachment_read", target, rc, err);
    }
    return hss_store_commit(st, err);
}
