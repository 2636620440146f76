/*
 * eval.c: evaluations kept over time (年度、中期和末期规划评估). A saved evaluation is a dated
 * snapshot of every finding of a pack over the whole region, with the pack's version (a hash of
 * its file, so that two snapshots taken under different rule texts are told apart) and the
 * store's data version (so that a snapshot says which data it saw). Two snapshots compare
 * finding by finding: newly failing, fixed, worse or better.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "plan/plan_int.h"
#include "policy/policy.h"

/* The first 16 hex digits of the BLAKE2b hash of the pack file. */
static hss_code pack_version(const char *pack, char out[17], hss_error *err)
{
    char *path = hss_policy_locate(pack, err);
    if (!path)
        return err ? err->code : HSS_ENOTFOUND;
    size_t len;
    char *text = hss_read_file(path, &len, err);
    free(path);
    if (!text)
        return err ? err->code : HSS_EIO;
    unsigned char h[8];
    crypto_generichash(h, sizeof h, (const unsigned char *)text, len, NULL, 0);
    free(text);
    sodium_bin2hex(out, 17, h, sizeof h);
    return HSS_OK;
}

static hss_code save_result(hss_store *st, const hss_plan_actor *who, const hss_policy_result *res,
                            const char *version, const char *label, int64_t *id, hss_error *err)
{
    char at[21];
    hss_utc_timestamp(at);
    plan_eval_meta m = {at, res->pack, res->pack_title, version, label, res->year,
                        hss_store_data_version(st), res->pass, res->fail, res->unknown};
    hss_code rc;
    int closed = 0;
    if ((rc = plan_db_eval_insert(st, who, &m, id, err)) || (rc = plan_db_findings_insert(st, *id, res->findings, err)) ||
        (rc = plan_db_rect_close_passing(st, *id, at, &closed, err)))
        return rc;
    char target[64], detail[256];
    snprintf(target, sizeof target, "evaluation %lld", (long long)*id);
    snprintf(detail, sizeof detail, "pack=%s version=%s data_version=%lld findings=%zu closed_rectifications=%d",
             res->pack, version, (long long)m.data_version, hss_table_rows(res->findings), closed);
    return plan_db_audit(st, who, "evaluation_save", target, detail, err);
}

hss_code hss_plan_eval_save(hss_store *st, const hss_plan_actor *who, const char *pack, int year,
                            const char *label, int64_t *id, hss_error *err)
{
    if (!plan_is_reviewer(who))
        return hss_fail(err, HSS_EDENIED, "saving an evaluation needs the role admin or planner");
    char version[17];
    hss_code rc = pack_version(pack, version, err);
    if (rc)
        return rc;
    hss_policy_pack *p = hss_policy_load(pack, err);
    if (!p)
        return err ? err->code : HSS_EINVAL;
    /* The write transaction first, so that the data version recorded is the data evaluated. */
    if ((rc = hss_store_begin(st, err))) {
        hss_policy_free(p);
        return rc;
    }
    hss_policy_result *res = NULL;
    rc = hss_policy_evaluate(st, p, year, NULL, &res, err);
    hss_policy_free(p);
    if (rc == HSS_OK)
        rc = save_result(st, who, res, version, label, id, err);
    hss_policy_result_free(res);
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}

hss_code hss_plan_eval_list(hss_store *st, hss_table **out, hss_error *err)
{
    return plan_db_eval_list(st, out, err);
}

hss_code hss_plan_eval_findings(hss_store *st, int64_t id, const char *under, const char *status,
                                hss_table **out, hss_error *err)
{
    hss_code rc = plan_db_eval_exists(st, id, err);
    if (rc)
        return rc;
    char lo[16], hi[17];
    plan_prefix_range(under, lo, hi);
    return plan_db_eval_findings(st, id, lo, hi, status, out, err);
}

hss_code hss_plan_eval_compare(hss_store *st, int64_t a, int64_t b, const char *under,
                               hss_table **out, hss_error *err)
{
    hss_code rc;
    if ((rc = plan_db_eval_exists(st, a, err)) || (rc = plan_db_eval_exists(st, b, err)))
        return rc;
    char lo[16], hi[17];
    plan_prefix_range(under, lo, hi);
    return plan_db_eval_compare(st, a, b, lo, hi, out, err);
}

const char *hss_plan_change(const char *before, const char *after, double gap_before,
                            double gap_after)
{
    int was_fail = strcmp(before, "fail") == 0, is_fail = strcmp(after, "fail") == 0;
    if (!was_fail && is_fail)
        return "newly_failing"; /* from pass, unknown, or a rule not evaluated before */
    if (was_fail && strcmp(after, "pass") == 0)
        return "fixed";
    if (was_fail && is_fail) {
        /* Gaps are distances to the target in the rule's unit: smaller is better. Changes below
         * the fourth decimal (the precision findings are kept at) are no change. */
        if (fabs(gap_after - gap_before) < 5e-5)
            return NULL;
        return gap_after > gap_before ? "worse" : "better";
    }
    /* fail -> unknown/absent: the data no longer says; pass -> unknown: likewise. Not a change a
     * planner can act on, so not listed. */
    return NULL;
}
