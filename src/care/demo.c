/*
 * demo.c: generated care data for a stored region, labelled generated (generated = 1 on every
 * row): residents of each village (population × scale) with valid citizen IDs (the county's
 * real area code, the birth date, a sequence number of the right parity and the GB 11643
 * check character), an age structure and chronic-disease prevalence close to Lishui's,
 * family-doctor teams for each township/community health centre, two years of yearly
 * contracts with renewals, chronic-disease enrolments with two years of follow-ups that have
 * realistic gaps (missed quarters, re-checks, lost patients), and referrals moving through the
 * workflow. Deterministic for a seed and an as-of date (meta "demo_date", else today).
 */
#include "care/care_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t s;
} rng;

static uint64_t next_u64(rng *r)
{
    return hss_splitmix64(&r->s);
}
static double unif(rng *r) { return (double)(next_u64(r) >> 11) / 9007199254740992.0; }
static int irange(rng *r, int lo, int hi) { return lo + (int)(unif(r) * (hi - lo + 1)); }
static double normal(rng *r, double mu, double sd)
{
    double u1 = unif(r), u2 = unif(r);
    return mu + sd * sqrt(-2.0 * log(u1 + 1e-12)) * cos(6.283185307179586 * u2);
}

static const char *const SURNAMES[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
                                       "胡", "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "叶", "潘", "蓝", "雷",
                                       "钟", "季"};
static const char *const GIVEN[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
                                    "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "红",
                                    "玉", "兰", "海", "林", "春", "燕", "志", "荣", "晨", "浩", "宇", "欣"};
#define NSUR (sizeof SURNAMES / sizeof *SURNAMES)
#define NGIV (sizeof GIVEN / sizeof *GIVEN)

static void gen_name(rng *r, char *out, size_t n)
{
    if (unif(r) < 0.7)
        snprintf(out, n, "%s%s%s", SURNAMES[irange(r, 0, NSUR - 1)], GIVEN[irange(r, 0, NGIV - 1)],
                 GIVEN[irange(r, 0, NGIV - 1)]);
    else
        snprintf(out, n, "%s%s", SURNAMES[irange(r, 0, NSUR - 1)], GIVEN[irange(r, 0, NGIV - 1)]);
}

/* Age in years, by the shape of Lishui's 2020 census (65+ about 17 %, 0-6 about 6 %). */
static int gen_age(rng *r)
{
    double u = unif(r);
    if (u < 0.065) return irange(r, 0, 6);
    if (u < 0.135) return irange(r, 7, 14);
    if (u < 0.77) return irange(r, 15, 59);
    if (u < 0.83) return irange(r, 60, 64);
    if (u < 0.955) return irange(r, 65, 79);
    return irange(r, 80, 99);
}

static double htn_prev(int age)
{
    return age < 35 ? 0.006 : age < 45 ? 0.06 : age < 55 ? 0.16 : age < 65 ? 0.30 : age < 75 ? 0.44 : 0.50;
}
static double dm_prev(int age)
{
    return age < 35 ? 0.002 : age < 45 ? 0.016 : age < 55 ? 0.05 : age < 65 ? 0.09 : 0.12;
}

typedef struct {
    char code[16];
    long long population;
    char team[64];
    char facility[40];
} village;

typedef struct {
    hss_stmt *res, *con, *enr, *fu, *ref, *ev, *upd;
} stmts;

static hss_code exec_del(hss_store *st, hss_error *err)
{
    return hss_store_exec(st,
        "DELETE FROM care_followup WHERE generated=1;"
        "DELETE FROM care_enrolment WHERE generated=1;"
        "DELETE FROM care_referral_event WHERE referral_id IN (SELECT id FROM care_referral WHERE generated=1);"
        "DELETE FROM care_referral WHERE generated=1;"
        "DELETE FROM care_contract WHERE generated=1;"
        "DELETE FROM care_team_member WHERE team_code IN (SELECT code FROM care_team WHERE generated=1);"
        "DELETE FROM care_team_village WHERE team_code IN (SELECT code FROM care_team WHERE generated=1);"
        "DELETE FROM care_team WHERE generated=1;"
        "DELETE FROM care_access_log WHERE resident_id IN (SELECT id FROM care_resident WHERE generated=1);"
        "DELETE FROM care_resident WHERE generated=1;", err);
}

static hss_code step(hss_store *st, hss_stmt *s, hss_error *err, const char *what)
{
    int rc = hss_store_step(s);
    hss_store_reset(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, what);
}

/* Teams: each township/community centre serves the villages of its township, in teams of
 * about 8,000 residents (full population); a village belongs to one team. */
static hss_code make_teams(hss_store *st, rng *R, village *vs, size_t nv, hss_error *err)
{
    hss_stmt *f = hss_store_prepare(st, "SELECT code,substr(area_code,1,9) FROM facility WHERE type IN "
                                            "('township_health_center','community_health_center') ORDER BY code", err);
    hss_stmt *t = hss_store_prepare(st, "INSERT INTO care_team(code,name,facility_code,county_code,generated,phone) VALUES(?,?,?,?,1,?)", err);
    hss_stmt *tv = hss_store_prepare(st, "INSERT INTO care_team_village VALUES(?,?)", err);
    hss_stmt *tm = hss_store_prepare(st, "INSERT INTO care_team_member(team_code,name,role) VALUES(?,?,?)", err);
    hss_code rc = HSS_OK;
    if (!f || !t || !tv || !tm) {
        rc = HSS_EDB;
        goto done;
    }
    while (hss_store_step(f) == HSS_ROW) {
        char fac[40], town[16];
        snprintf(fac, sizeof fac, "%s", care_col_text(f, 0));
        snprintf(town, sizeof town, "%s", care_col_text(f, 1));
        int tn = 0;
        long long load = 1LL << 60;
        char team[64] = "";
        for (size_t i = 0; i < nv && !rc; i++) {
            if (strncmp(vs[i].code, town, 9) != 0 || vs[i].team[0])
                continue;
            if (load >= 8000) {
                snprintf(team, sizeof team, "%.40s-T%02d", fac, ++tn % 100);
                char name[96];
                snprintf(name, sizeof name, "家庭医生团队%d (生成)", tn);
                hss_store_bind_copy(t, 1, team);
                hss_store_bind_copy(t, 2, name);
                hss_store_bind_copy(t, 3, fac);
                hss_store_bind_copyn(t, 4, town, 6);
                /* a generated landline in Lishui's area code (0578), shown as generated like
                 * the team itself; made from the team code, so the random draws (and with them
                 * every other generated record) stay as they were */
                unsigned hsh = 2166136261u;
                for (const char *c = team; *c; c++)
                    hsh = (hsh ^ (unsigned char)*c) * 16777619u;
                char phone[20];
                snprintf(phone, sizeof phone, "0578-%07u", 2000000u + hsh % 7000000u);
                hss_store_bind_copy(t, 5, phone);
                rc = step(st, t, err, "storing a generated team");
                static const char *const roles[] = {"general_practitioner", "registered_nurse", "public_health_physician"};
                for (int k = 0; k < 3 && !rc; k++) {
                    char nm[64];
                    gen_name(R, nm, sizeof nm);
                    hss_store_bind_copy(tm, 1, team);
                    hss_store_bind_copy(tm, 2, nm);
                    hss_store_bind_text(tm, 3, roles[k]);
                    rc = step(st, tm, err, "storing a team member");
                }
                load = 0;
            }
            snprintf(vs[i].team, sizeof vs[i].team, "%s", team);
            snprintf(vs[i].facility, sizeof vs[i].facility, "%s", fac);
            load += vs[i].population;
            hss_store_bind_copy(tv, 1, team);
            hss_store_bind_copy(tv, 2, vs[i].code);
            if (!rc)
                rc = step(st, tv, err, "storing a team village");
            char nm[64];
            gen_name(R, nm, sizeof nm);
            hss_store_bind_copy(tm, 1, team);
            hss_store_bind_copy(tm, 2, nm);
            hss_store_bind_text(tm, 3, "village_doctor");
            if (!rc)
                rc = step(st, tm, err, "storing a village doctor");
        }
        if (rc)
            break;
    }
done:
    hss_store_finalize(f);
    hss_store_finalize(t);
    hss_store_finalize(tv);
    hss_store_finalize(tm);
    return rc;
}

/* A hospital of the county to refer to (or "" when the county has none). */
typedef struct {
    char code[40];
    char county[8];
    char name[128];
} hosp;

static const hosp *county_hospital(const hosp *hs, size_t nh, const char *county, rng *R)
{
    size_t first = nh, cnt = 0;
    for (size_t i = 0; i < nh; i++)
        if (strncmp(hs[i].county, county, 6) == 0) {
            if (first == nh)
                first = i;
            cnt++;
        }
    if (!cnt)
        return NULL;
    return &hs[first + (size_t)irange(R, 0, (int)cnt - 1)];
}

/* Walks a referral through the workflow from its request day, stopping at the as-of day. */
static hss_code gen_referral(hss_store *st, stmts *S, rng *R, int64_t rid, const village *v, int32_t req,
                             int32_t asof, int priority, const hosp *hs, size_t nh, const char *reason, hss_error *err)
{
    if (!v->facility[0] || req > asof)
        return HSS_OK;
    const hosp *h = unif(R) < 0.9 ? county_hospital(hs, nh, v->code, R) : NULL;
    hss_stmt *s = S->ref;
    char at[7][40];
    int32_t t[7];
    int last = 0;
    t[HSS_REF_REQUESTED] = req;
    int path[5] = {HSS_REF_ACCEPTED, HSS_REF_ARRIVED, HSS_REF_COMPLETED, HSS_REF_DOWN_REFERRED, HSS_REF_RECEIVED};
    int gap[5] = {irange(R, 0, 2), irange(R, 1, 5), irange(R, 3, 15), irange(R, 0, 3), irange(R, 0, 3)};
    int32_t cur = req;
    int state = HSS_REF_REQUESTED;
    if (unif(R) < 0.05) {
        cur += irange(R, 0, 2);
        if (cur <= asof) {
            t[HSS_REF_REJECTED] = cur;
            state = HSS_REF_REJECTED;
        }
    } else {
        int stop = unif(R) < 0.03 ? 1 : unif(R) < 0.4 ? 3 : 5; /* never arrives / not sent back down */
        for (int k = 0; k < stop; k++) {
            cur += gap[k];
            if (cur > asof)
                break;
            t[path[k]] = cur;
            state = path[k];
            last = k;
        }
    }
    (void)last;
    for (int k = 0; k < 7; k++) {
        int hh = irange(R, 8, 17), mm = irange(R, 0, 59);
        char d[11];
        hss_care_format_day(t[k], d);
        snprintf(at[k], sizeof at[k], "%sT%02d:%02d", d, hh, mm);
    }
    hss_store_bind_int64(s, 1, rid);
    hss_store_bind_text(s, 2, v->facility);
    if (h)
        hss_store_bind_text(s, 3, h->code);
    else
        hss_store_bind_null(s, 3);
    hss_store_bind_text(s, 4, h ? h->name : "省级医院 (生成)");
    hss_store_bind_int(s, 5, h != NULL);
    hss_store_bind_int(s, 6, priority);
    hss_store_bind_text(s, 7, reason);
    hss_store_bind_text(s, 8, hss_ref_state_id((hss_ref_state)state));
    /* timestamps of the states reached: requested..received are columns 9..15 */
    int reached[7] = {1, 0, 0, 0, 0, 0, 0};
    if (state == HSS_REF_REJECTED)
        reached[HSS_REF_REJECTED] = 1;
    else
        for (int k = 0; k < 5; k++)
            if (path[k] <= state && state != HSS_REF_REQUESTED)
                reached[path[k]] = 1;
    for (int k = 0; k < 7; k++) {
        if (reached[k])
            hss_store_bind_copy(s, 9 + k, at[k]);
        else
            hss_store_bind_null(s, 9 + k);
    }
    hss_store_bind_text(s, 16, v->code);
    hss_store_bind_textn(s, 17, v->code, 6);
    hss_code rc = step(st, s, err, "storing a generated referral");
    if (rc)
        return rc;
    int64_t id = hss_store_last_id(st);
    static const int order[7] = {HSS_REF_REQUESTED, HSS_REF_REJECTED, HSS_REF_ACCEPTED, HSS_REF_ARRIVED,
                                 HSS_REF_COMPLETED, HSS_REF_DOWN_REFERRED, HSS_REF_RECEIVED};
    for (int k = 0; k < 7 && !rc; k++) {
        if (!reached[order[k]])
            continue;
        hss_store_bind_int64(S->ev, 1, id);
        hss_store_bind_text(S->ev, 2, hss_ref_state_id((hss_ref_state)order[k]));
        hss_store_bind_copy(S->ev, 3, at[order[k]]);
        hss_store_bind_textn(S->ev, 4, v->code, 6);
        rc = step(st, S->ev, err, "logging a generated referral");
    }
    return rc;
}

/* Two years of follow-ups for one enrolment, with realistic gaps. */
static hss_code gen_chronic(hss_store *st, stmts *S, rng *R, int64_t rid, int disease, int32_t birth, const village *v,
                            int32_t asof, const hss_care_rules *rules, const hss_care_viewer *contract_of,
                            const hosp *hs, size_t nh, int priority, hss_error *err)
{
    (void)contract_of;
    int32_t enrolled = asof - irange(R, 30, 8 * 365);
    hss_care_visit vis[64];
    int nvis = 0;
    int32_t d = (enrolled > asof - 730 ? enrolled : asof - 730) + irange(R, 0, 45);
    double pc = 0.55 + 0.4 * unif(R);          /* how well controlled this patient usually is */
    int32_t lost = unif(R) < 0.08 ? asof - irange(R, 100, 600) : asof + 1; /* stops coming */
    while (d <= asof && d < lost && nvis < 64) {
        hss_care_visit *x = &vis[nvis++];
        memset(x, 0, sizeof *x);
        x->day = d;
        x->sbp = x->dbp = -1;
        x->glucose = -1;
        int age = hss_care_age(birth, d);
        int thr_s = age >= 65 ? rules->htn_sbp_65 : rules->htn_sbp;
        double u = unif(R);
        int emergency = u < 0.006;
        int controlled = !emergency && unif(R) < pc;
        if (disease == HSS_CARE_HTN || unif(R) < 0.6) {
            if (emergency && disease == HSS_CARE_HTN) {
                x->sbp = irange(R, rules->emerg_sbp, rules->emerg_sbp + 25);
                x->dbp = irange(R, 95, 118);
            } else if (controlled || disease == HSS_CARE_T2DM) {
                x->sbp = (int)fmin(thr_s - 1, normal(R, thr_s - 14, 7));
                x->dbp = (int)fmin(rules->htn_dbp - 1, normal(R, 80, 5));
            } else {
                x->sbp = irange(R, thr_s, 175);
                x->dbp = irange(R, 80, 105);
            }
            if (x->dbp >= x->sbp - 10)
                x->dbp = x->sbp - 30;
        }
        if (disease == HSS_CARE_T2DM) {
            if (emergency)
                x->glucose = unif(R) < 0.7 ? 16.7 + unif(R) * 6 : 2.8 + unif(R);
            else if (controlled)
                x->glucose = 5.0 + unif(R) * (rules->dm_glucose - 5.05);
            else
                x->glucose = rules->dm_glucose + unif(R) * 7;
            x->glucose = floor(x->glucose * 10 + 0.5) / 10;
        }
        x->symptoms = unif(R) < 0.05 ? (1u << 16) : 0; /* dizziness */
        hss_care_patient tmp = {0};
        tmp.disease = disease;
        tmp.birth = birth;
        tmp.enrolled = enrolled;
        for (int k = 0; k < nvis; k++)
            hss_care_patient_add_visit(&tmp, &vis[k]);
        hss_care_next nx;
        hss_care_next_action(rules, &tmp, d, &nx);
        if (nx.action == HSS_ACT_REFER && unif(R) < 0.4) {
            x->referred = 1;
            hss_care_next_action(rules, &tmp, d, &nx);
        }
        int32_t next;
        if (x->referred)
            next = d + irange(R, 7, 20);
        else if (nx.action == HSS_ACT_RECHECK)
            next = d + (unif(R) < 0.75 ? irange(R, 10, 18) : irange(R, 60, 100));
        else
            next = d + irange(R, 75, 100);
        if (unif(R) < 0.08)
            next += irange(R, 60, 120); /* a missed quarter */
        d = next;
    }
    hss_care_patient p = {0};
    for (int k = 0; k < nvis; k++)
        hss_care_patient_add_visit(&p, &vis[k]);
    char ed[11];
    hss_care_format_day(enrolled, ed);
    hss_stmt *e = S->enr;
    hss_store_bind_int64(e, 1, rid);
    hss_store_bind_text(e, 2, hss_care_disease_id(disease));
    hss_store_bind_copy(e, 3, ed);
    hss_store_bind_text(e, 4, v->code);
    hss_store_bind_textn(e, 5, v->code, 6);
    hss_store_bind_int(e, 6, birth);
    hss_store_bind_int(e, 7, enrolled);
    hss_store_bind_int(e, 8, p.nvisits);
    unsigned char blob[CARE_SUMMARY_BYTES];
    care_summary_pack(&p, blob);
    hss_store_bind_blob_copy(e, 9, blob, sizeof blob);
    hss_code rc = step(st, e, err, "storing a generated enrolment");
    if (rc)
        return rc;
    int64_t eid = hss_store_last_id(st);
    static const char *const adh[] = {"regular", "intermittent", "none"};
    for (int k = 0; k < nvis && !rc; k++) {
        hss_stmt *f = S->fu;
        char vd[11];
        hss_care_format_day(vis[k].day, vd);
        hss_store_bind_int64(f, 1, eid);
        hss_store_bind_copy(f, 2, vd);
        hss_store_bind_textn(f, 9, v->code, 6);
        if (vis[k].sbp > 0) {
            hss_store_bind_int(f, 3, vis[k].sbp);
            hss_store_bind_int(f, 4, vis[k].dbp);
        } else {
            hss_store_bind_null(f, 3);
            hss_store_bind_null(f, 4);
        }
        if (vis[k].glucose >= 0)
            hss_store_bind_double(f, 5, vis[k].glucose);
        else
            hss_store_bind_null(f, 5);
        hss_store_bind_text(f, 6, vis[k].symptoms ? "dizziness" : "");
        double a = unif(R);
        hss_store_bind_text(f, 7, adh[a < 0.72 ? 0 : a < 0.95 ? 1 : 2]);
        hss_store_bind_int(f, 8, vis[k].referred);
        rc = step(st, f, err, "storing a generated follow-up");
        if (!rc && vis[k].referred)
            rc = gen_referral(st, S, R, rid, v, vis[k].day, asof, priority, hs, nh,
                              disease == HSS_CARE_T2DM ? "糖尿病随访: 需转诊 (生成)" : "高血压随访: 需转诊 (生成)", err);
    }
    return rc;
}

hss_code hss_care_generate_demo(hss_store *st, uint64_t seed, double scale, hss_error *err)
{
    if (!(scale > 0 && scale <= 1.0))
        return hss_fail(err, HSS_EINVAL, "demo scale %g: must be in (0, 1]", scale);
    int32_t asof = hss_care_today();
    char *dd = hss_store_meta_get(st, "demo_date");
    if (dd && hss_care_parse_day(dd, 0, &asof) != 0) {
        hss_fail(err, HSS_EINVAL, "meta demo_date '%s' is not a date", dd);
        free(dd);
        return HSS_EINVAL;
    }
    free(dd);
    hss_care_rules rules;
    hss_care_rules_default(&rules);
    rng R = {seed * 0x2545F4914F6CDD1Dull + 1};

    /* villages and hospitals of the stored region */
    size_t nv = 0, cap = 0;
    village *vs = NULL;
    hss_stmt *q = hss_store_prepare(st, "SELECT v.code,coalesce(v.population,"
        " (SELECT t.population FROM area t WHERE t.code=v.parent_code)/(SELECT count(*) FROM area s WHERE s.parent_code=v.parent_code),"
        " (SELECT c.population FROM area c WHERE c.code=substr(v.code,1,6))/(SELECT count(*) FROM area s WHERE s.level='village' AND substr(s.code,1,6)=substr(v.code,1,6)),"
        " 0) FROM area v WHERE v.level='village' ORDER BY v.code", err);
    if (!q)
        return HSS_EDB;
    while (hss_store_step(q) == HSS_ROW) {
        if (nv == cap) {
            cap = cap ? cap * 2 : 256;
            vs = hss_xrealloc(vs, cap * sizeof *vs);
        }
        memset(&vs[nv], 0, sizeof vs[nv]);
        snprintf(vs[nv].code, sizeof vs[nv].code, "%s", care_col_text(q, 0));
        vs[nv].population = hss_store_col_int64(q, 1);
        nv++;
    }
    hss_store_finalize(q);
    if (!nv) {
        free(vs);
        return hss_fail(err, HSS_ENOTFOUND, "no villages in the area table: load or generate a region first");
    }
    size_t nh = 0;
    hosp *hs = NULL;
    q = hss_store_prepare(st, "SELECT code,substr(area_code,1,6),name FROM facility WHERE type IN ('general_hospital','tcm_hospital') ORDER BY code", err);
    if (!q) {
        free(vs);
        return HSS_EDB;
    }
    while (hss_store_step(q) == HSS_ROW) {
        hs = hss_xrealloc(hs, (nh + 1) * sizeof *hs);
        snprintf(hs[nh].code, sizeof hs[nh].code, "%s", care_col_text(q, 0));
        snprintf(hs[nh].county, sizeof hs[nh].county, "%s", care_col_text(q, 1));
        snprintf(hs[nh].name, sizeof hs[nh].name, "%s", care_col_text(q, 2));
        nh++;
    }
    hss_store_finalize(q);

    hss_store_exec(st, "PRAGMA cache_size=-262144", NULL);
    stmts S = {0};
    hss_code rc = hss_store_begin(st, err);
    if (rc) {
        free(vs);
        free(hs);
        return rc;
    }
    if ((rc = exec_del(st, err)) || (rc = make_teams(st, &R, vs, nv, err)))
        goto done;
    S.res = hss_store_prepare(st, "INSERT INTO care_resident(id_number,name,sex,birth_date,village_code,county_code,household,"
                                  "conditions,generated) VALUES(?,?,?,?,?,?,?,?,1) ON CONFLICT DO NOTHING", err);
    S.con = hss_store_prepare(st, "INSERT INTO care_contract(resident_id,team_code,package,start_date,end_date,renewal_of,"
                                  "village_code,county_code,generated) VALUES(?,?,?,?,?,?,?,?,1)", err);
    S.enr = hss_store_prepare(st, "INSERT INTO care_enrolment(resident_id,disease,enrolled_on,village_code,county_code,generated,"
                                  "s_birth,s_enrolled,s_nvisits,s_visits) VALUES(?1,?2,?3,?4,?5,1,?6,?7,?8,?9)", err);
    S.fu = hss_store_prepare(st, "INSERT INTO care_followup(enrolment_id,visit_date,sbp,dbp,glucose,symptoms,adherence,referred,"
                                 "user_name,generated,county_code) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,'generated',1,?9)", err);
    S.ref = hss_store_prepare(st, "INSERT INTO care_referral(resident_id,from_facility,to_facility,to_name,in_county,priority,reason,"
                                  "state,requested_at,accepted_at,rejected_at,arrived_at,completed_at,down_referred_at,received_at,"
                                  "village_code,county_code,generated) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,1)", err);
    S.ev = hss_store_prepare(st, "INSERT INTO care_referral_event(referral_id,state,at,user_name,note,county_code) VALUES(?1,?2,?3,'generated','',?4)", err);
    if (!S.res || !S.con || !S.enr || !S.fu || !S.ref || !S.ev) {
        rc = HSS_EDB;
        goto done;
    }
    for (size_t vi = 0; vi < nv && !rc; vi++) {
        village *v = &vs[vi];
        long long n = llround((double)v->population * scale);
        if (n < 1 && v->population > 0)
            n = 1;
        long long household = 0;
        int left_in_house = 0;
        for (long long i = 0; i < n && !rc; i++) {
            if (left_in_house-- <= 0) {
                household++;
                left_in_house = irange(&R, 1, 4) - 1;
            }
            int age = gen_age(&R);
            int male = unif(&R) < 0.51;
            int32_t birth = asof - (int32_t)(age * 365.2425) - irange(&R, 1, 364);
            char bd[11];
            hss_care_format_day(birth, bd);
            unsigned cond = 0;
            if (unif(&R) < htn_prev(age))
                cond |= HSS_CARE_HYPERTENSION;
            if (unif(&R) < dm_prev(age))
                cond |= HSS_CARE_DIABETES;
            if (age >= 15 && unif(&R) < 0.006)
                cond |= HSS_CARE_SEVERE_MENTAL_ILLNESS;
            if (unif(&R) < 0.0006)
                cond |= HSS_CARE_TUBERCULOSIS;
            if (unif(&R) < (age >= 65 ? 0.08 : 0.025))
                cond |= HSS_CARE_DISABLED;
            if (!male && age >= 20 && age <= 40 && unif(&R) < 0.05)
                cond |= HSS_CARE_PREGNANT;
            char idn[19], name[64], hh[48];
            gen_name(&R, name, sizeof name);
            snprintf(hh, sizeof hh, "G%s-%04lld", v->code, household);
            int64_t rid = 0;
            for (int attempt = 0; attempt < 20 && !rid; attempt++) {
                int seq = irange(&R, 0, 499) * 2 + (male ? 1 : 0);
                snprintf(idn, sizeof idn, "%.6s%.4s%.2s%.2s%03d", v->code, bd, bd + 5, bd + 8, seq % 1000);
                idn[17] = hss_care_id_check_char(idn);
                idn[18] = 0;
                hss_store_bind_copy(S.res, 1, idn);
                hss_store_bind_copy(S.res, 2, name);
                hss_store_bind_text(S.res, 3, male ? "male" : "female");
                hss_store_bind_copy(S.res, 4, bd);
                hss_store_bind_text(S.res, 5, v->code);
                hss_store_bind_textn(S.res, 6, v->code, 6);
                hss_store_bind_copy(S.res, 7, hh);
                hss_store_bind_int(S.res, 8, (int)cond);
                /* an ID already drawn is skipped (no row) and another sequence number tried */
                int r = hss_store_step(S.res);
                hss_store_reset(S.res);
                if (r != HSS_DONE) {
                    rc = hss_store_error(st, err, "storing a generated resident");
                    break;
                }
                if (hss_store_changes(st) == 1)
                    rid = hss_store_last_id(st);
            }
            if (rc || !rid)
                continue;
            /* contracts: key groups first (documents: key groups >= 90 % target) */
            unsigned groups = hss_care_key_groups(birth, cond, asof);
            int priority_now = 0;
            if (v->team[0] && unif(&R) < (groups ? 0.82 : 0.38)) {
                const char *pkg = (cond & (HSS_CARE_HYPERTENSION | HSS_CARE_DIABETES)) ? "chronic"
                                  : (groups & HSS_CARE_ELDERLY)                          ? "elderly"
                                  : (groups & (HSS_CARE_CHILD | HSS_CARE_PREGNANT))      ? "maternal_child"
                                  : (cond & HSS_CARE_SEVERE_MENTAL_ILLNESS)              ? "mental"
                                  : (cond & HSS_CARE_TUBERCULOSIS)                       ? "tuberculosis"
                                  : (cond & HSS_CARE_DISABLED)                           ? "disabled"
                                                                                         : "basic";
                int32_t start = asof - 730 + irange(&R, 0, 364);
                int64_t prev = 0;
                while (start <= asof && !rc) {
                    char sd[11], ed2[11];
                    hss_care_format_day(start, sd);
                    hss_care_format_day(start + 364, ed2);
                    hss_store_bind_int64(S.con, 1, rid);
                    hss_store_bind_text(S.con, 2, v->team);
                    hss_store_bind_text(S.con, 3, pkg);
                    hss_store_bind_copy(S.con, 4, sd);
                    hss_store_bind_copy(S.con, 5, ed2);
                    if (prev)
                        hss_store_bind_int64(S.con, 6, prev);
                    else
                        hss_store_bind_null(S.con, 6);
                    hss_store_bind_text(S.con, 7, v->code);
                    hss_store_bind_textn(S.con, 8, v->code, 6);
                    rc = step(st, S.con, err, "storing a generated contract");
                    prev = hss_store_last_id(st);
                    if (start + 364 >= asof)
                        priority_now = 1;
                    if (unif(&R) > (groups ? 0.9 : 0.8))
                        break; /* not renewed */
                    start += 365 + irange(&R, 0, 30);
                }
            }
            for (int dz = 0; dz < 2 && !rc; dz++)
                if (cond & (dz ? HSS_CARE_DIABETES : HSS_CARE_HYPERTENSION))
                    rc = gen_chronic(st, &S, &R, rid, dz, birth, v, asof, &rules, NULL, hs, nh, priority_now, err);
            /* other up-referrals: about 1.5 % of residents a year */
            if (!rc && unif(&R) < 0.03)
                rc = gen_referral(st, &S, &R, rid, v, asof - irange(&R, 0, 729), asof, priority_now, hs, nh,
                                  "门诊上转 (生成)", err);
        }
    }
    if (!rc) {
        char d[11];
        hss_care_format_day(asof, d);
        rc = hss_store_meta_set(st, "care_demo_date", d, err);
    }
    if (!rc)
        rc = hss_store_bump_version(st, err);
done:
    hss_store_finalize(S.res);
    hss_store_finalize(S.con);
    hss_store_finalize(S.enr);
    hss_store_finalize(S.fu);
    hss_store_finalize(S.ref);
    hss_store_finalize(S.ev);
    free(vs);
    free(hs);
    if (!rc)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    return rc;
}
