/*
 * care_roles.c: the roles of the people who work with named residents, and what each may do.
 *   doctor   - a family-doctor team member (township or village doctor): reads and records for
 *              the residents of the team's villages; the sending side of a referral.
 *   hospital - a receiving facility: referrals addressed to it, their receiving-side steps
 *              (accept, reject, arrived, completed, 下转), and the record of a resident whose
 *              open referral is addressed to it.
 *   cdc      - alerts and surveillance of an area; no named residents.
 *   planner, county - aggregates only; no named residents.
 *   facility, admin - staff of an area (kept as before): read and record within it.
 * Refusals are answered in the user's language and audited.
 */
#include <string.h>

#include "care/care.h"
#include "server/server_int.h"

int hss_lang_en(hss_req *r)
{
    /* a download link cannot send a header: it says ?lang= */
    const char *l = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "lang");
    if (l && (!strcmp(l, "en") || !strcmp(l, "zh")))
        return l[0] == 'e';
    l = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-HSS-Lang");
    if (l)
        return strncmp(l, "en", 2) == 0;
    l = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Language");
    return l && strncmp(l, "en", 2) == 0;
}

static int role_is(const hss_req *r, const char *role)
{
    return strcmp(r->role, role) == 0;
}

int hss_care_named_role(const hss_req *r)
{
    return !role_is(r, "planner") && !role_is(r, "county") && !role_is(r, "cdc");
}

const hss_auth_ties *hss_req_ties(hss_req *r)
{
    if (!r->ties_known) {
        if (hss_auth_user_ties(r->st, r->user, &r->ties, NULL)) {
            hss_respond_error(r, 500, "database error");
            return NULL;
        }
        r->ties_known = 1;
    }
    return &r->ties;
}

int hss_care_actor_of(hss_req *r, hss_care_actor *a)
{
    memset(a, 0, sizeof *a);
    a->v.user = r->user;
    const hss_auth_ties *ties = hss_req_ties(r);
    if (!ties)
        return -1;
    snprintf(a->team, sizeof a->team, "%s", ties->team);
    snprintf(a->facility, sizeof a->facility, "%s", ties->facility);
    if (role_is(r, "doctor"))
        a->v.team = a->team[0] ? a->team : "\x01"; /* an unlinked doctor sees nobody */
    else if (role_is(r, "hospital"))
        a->v.facility = NULL, a->v.area = NULL, a->v.self_id_number = ""; /* per referral: see below */
    else
        a->v.area = r->scope;
    return 0;
}

/* A refusal by role: 403 in the user's language and an audit row. */
static int refuse_role(hss_req *r, const char *zh, const char *en)
{
    hss_error e;
    char target[300];
    snprintf(target, sizeof target, "%s %s", r->method, r->url);
    hss_auth_audit_log(r->st, r->user, r->ip, "care_denied", target, 403, en, &e);
    r->audit_done = 1; /* this refusal's one row */
    hss_respond_error(r, 403, "%s", hss_lang_en(r) ? en : zh);
    return -1;
}

/* A refusal that concerns a named resident: its one row is in that resident's access log (who
 * tried to read or act on their record), not also in the server's audit. */
static int refuse_resident(hss_req *r, int64_t resident, const char *zh, const char *en)
{
    hss_error e;
    hss_care_audit(r->st, r->user, "denied", resident, &e);
    r->audit_done = 1;
    hss_respond_error(r, 403, "%s", hss_lang_en(r) ? en : zh);
    return -1;
}

int hss_care_may_record(hss_req *r, const hss_care_actor *a, const char *kind)
{
    (void)a;
    if (role_is(r, "doctor") || role_is(r, "admin") || role_is(r, "facility"))
        return 0;
    if (role_is(r, "hospital"))
        return refuse_role(r, "医院账号只能办理转诊的接收方步骤（接收、拒绝、到诊、诊疗完成、下转）",
                           "a hospital account does only the receiving steps of referrals");
    if (role_is(r, "resident"))
        return refuse_role(r, "居民账号只能查看本人档案", "a resident's account reads only their own record");
    (void)kind;
    return refuse_role(r, "您的角色只能查看汇总数据，不能查看或记录居民个人信息",
                       "your role sees aggregates only, not named residents");
}

int hss_care_read_refused(hss_req *r)
{
    if (hss_care_named_role(r))
        return 0;
    return refuse_role(r, "您的角色只能查看汇总数据，不能查看居民个人信息", "your role sees aggregates only, not named residents");
}

int hss_care_worklist_refused(hss_req *r, const char *team, const char *facility)
{
    if (hss_care_read_refused(r))
        return -1;
    if (role_is(r, "hospital"))
        return refuse_role(r, "医院账号没有家庭医生工作清单", "a hospital account has no family-doctor worklist");
    if (!role_is(r, "doctor"))
        return 0;
    hss_care_actor a;
    if (hss_care_actor_of(r, &a))
        return -1;
    if (!team || strcmp(team, a.team) != 0 || facility)
        return refuse_role(r, "只能查看本团队的工作清单", "you see your own team's worklist only");
    return 0;
}

int hss_care_transition_check(hss_req *r, int64_t referral, const char *state, const char *village, int64_t resident)
{
    int st = hss_ref_state_parse(state);
    hss_care_actor a;
    if (hss_care_actor_of(r, &a))
        return -1;
    hss_error e;
    char from[64], to[64], cur[24];
    int64_t rid;
    if (hss_care_referral_parties(r->st, referral, &rid, from, to, cur, &e) != HSS_OK)
        return hss_respond_error(r, 404, "no referral %lld", (long long)referral), -1;
    if (role_is(r, "hospital")) {
        if (strcmp(to, a.facility) != 0 || !a.facility[0])
            return refuse_role(r, "该转诊不是转往本院的", "this referral is not addressed to your facility");
        if (st >= 0 && !hss_ref_state_receiving((hss_ref_state)st))
            return refuse_role(r, "医院账号只能办理接收方步骤", "a hospital account does only the receiving steps");
        return 0;
    }
    if (role_is(r, "doctor")) {
        if (st >= 0 && hss_ref_state_receiving((hss_ref_state)st))
            return refuse_role(r, "该步骤由接收医院办理", "this step is the receiving hospital's");
        int64_t found;
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)resident);
        if (hss_care_resident_find(r->st, &a.v, key, &found, &e) != HSS_OK)
            return refuse_resident(r, resident, "该转诊不在您的服务范围内", "this referral is outside your scope");
        return 0;
    }
    if (!role_is(r, "admin") && !role_is(r, "facility"))
        return hss_care_may_record(r, &a, "transition");
    if (!hss_scope_contains(r->scope, village))
        return refuse_resident(r, resident, "该转诊不在您的服务范围内", "this referral is outside your scope");
    return 0;
}

void hss_care_hospital_viewer(hss_req *r, const char *key, hss_care_viewer *v, char buf[24])
{
    hss_care_actor a;
    hss_error e;
    char village[16];
    if (hss_care_actor_of(r, &a) || !a.facility[0] ||
        hss_care_referred_village(r->st, key, a.facility, village, &e) != HSS_OK)
        return;
    snprintf(buf, 24, "%s", village);
    v->area = buf;
    v->self_id_number = NULL;
}

/* ---- users -------------------------------------------------------------------------------- */

hss_code hss_user_add_care(hss_store *st, const char *name, const char *role, const char *code,
                           const char *display, const char *password, hss_error *err)
{
    int doctor = strcmp(role, "doctor") == 0;
    if (!doctor && strcmp(role, "hospital") != 0)
        return hss_fail(err, HSS_EINVAL, "--role '%s': only doctor (--team) and hospital (--facility) take a unit", role);
    char area[16] = "", facility[64] = "";
    if (hss_care_unit_area(st, doctor ? code : NULL, doctor ? NULL : code, area, facility) < 0)
        return hss_fail(err, HSS_EDB, "reading teams and facilities: %s", hss_store_errmsg(st));
    if (!area[0])
        return hss_fail(err, HSS_ENOTFOUND, "%s '%s': no such %s", doctor ? "--team" : "--facility", code ? code : "",
                        doctor ? "family-doctor team" : "facility");
    /* a hospital serves patients from anywhere: its scope is its county */
    if (!doctor && strlen(area) > 6)
        area[6] = 0;
    if (hss_store_begin(st, err))
        return HSS_EDB;
    hss_code rc = hss_auth_user_add(st, name, role, area, password, err);
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    if ((rc = hss_auth_user_set_care(st, name, doctor ? code : NULL, facility, display, err))) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}
