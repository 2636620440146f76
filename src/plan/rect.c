/*
 * rect.c: rectification (督促整改). A planner turns a failed finding of a saved evaluation into
 * an item assigned to a responsible unit with a deadline. Items are never closed by hand: the
 * first later saved evaluation in which that rule passes for that area or facility closes it
 * (eval.c, in the same transaction as the snapshot), so a closed item always points at the
 * evidence that closed it.
 */
#include <string.h>

#include "plan/plan_int.h"

hss_code hss_plan_rect_add(hss_store *st, const hss_plan_actor *who, const hss_plan_rect_in *in,
                           int64_t *id, hss_error *err)
{
    if (!plan_is_reviewer(who))
        return hss_fail(err, HSS_EDENIED, "assigning a rectification item needs the role admin or planner");
    size_t un = in->unit ? strlen(in->unit) : 0;
    if (un == 0 || un > 120 || !hss_utf8_valid(in->unit, un))
        return hss_fail(err, HSS_EINVAL, "unit: name the responsible unit (1-120 bytes of UTF-8 text)");
    long day;
    char today[11];
    hss_plan_today(today);
    if (plan_parse_day(in->deadline, &day) != 0 || strcmp(in->deadline, today) < 0)
        return hss_fail(err, HSS_EINVAL, "deadline '%s': must be a date YYYY-MM-DD, not before today (%s)",
                        in->deadline ? in->deadline : "", today);
    if (in->note && !hss_utf8_valid(in->note, strlen(in->note)))
        return hss_fail(err, HSS_EINVAL, "note: must be UTF-8 text");
    if (!in->rule || !in->area)
        return hss_fail(err, HSS_EINVAL, "name the finding: rule and area (and facility for a facility's finding)");
    if (!hss_plan_in_scope(who->scope, in->area))
        return hss_fail(err, HSS_EDENIED, "area %s is outside your scope", in->area);
    char status[16];
    hss_code rc = plan_db_finding_status(st, in->eval_id, in->rule, in->area, in->facility, status, err);
    if (rc)
        return rc;
    if (strcmp(status, "fail") != 0)
        return hss_fail(err, HSS_ECONFLICT, "the finding is '%s' in evaluation %lld: only a failed finding needs rectification",
                        status, (long long)in->eval_id);
    char at[21];
    hss_utc_timestamp(at);
    if ((rc = hss_store_begin(st, err)))
        return rc;
    rc = plan_db_rect_insert(st, who, in, at, id, err);
    if (rc == HSS_OK) {
        char target[64], detail[400];
        snprintf(target, sizeof target, "rectification %lld", (long long)*id);
        snprintf(detail, sizeof detail, "evaluation=%lld rule=%s area=%s facility=%s unit=%s deadline=%s",
                 (long long)in->eval_id, in->rule, in->area, in->facility ? in->facility : "", in->unit, in->deadline);
        rc = plan_db_audit(st, who, "rectification_add", target, detail, err);
    }
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}

hss_code hss_plan_rect_list(hss_store *st, const hss_plan_actor *who, const char *status,
                            const char *as_of, hss_table **out, hss_error *err)
{
    char today[11];
    long day;
    if (!as_of) {
        hss_plan_today(today);
        as_of = today;
    } else if (plan_parse_day(as_of, &day) != 0) {
        return hss_fail(err, HSS_EINVAL, "--as-of '%s': must be a date YYYY-MM-DD", as_of);
    }
    if (status && strcmp(status, "open") && strcmp(status, "closed"))
        return hss_fail(err, HSS_EINVAL, "--status '%s': must be open or closed", status);
    return plan_db_rect_list(st, who, status, as_of, out, err);
}
