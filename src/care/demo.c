/*
 * demo.c: generated care data for a stored region, labelled generated (generated = 1 on every
 * row): residents of each village (population × scale) with valid citizen IDs (the county's
 * real area code, the birth date, a sequence number of the right parity and the GB 11643
 * check character), an age structure and chronic-disease prevalence close to Lishui's,
 * family-doctor teams for each township/community health centre, two years of yearly
 * contracts with renewals, chronic-disease enrolments with two years of follow-ups that have
 * realistic gaps (missed quarters, re-checks, lost patients), and referrals moving through the
 * workflow. Deterministic for a seed and an as-of date (meta "demo_date", else today).
 * The records are made in memory and then bulk-loaded table by table (see `rows`).
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

/* The stored lists of residents read (access_batch.c) that name a generated resident. */
#define GENERATED_LISTS \
    "SELECT m.list_id FROM care_access_list_member m JOIN care_resident r ON r.id=m.resident_id WHERE r.generated=1"

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
        /* the reads of lists that named a generated resident, and those lists */
        "DELETE FROM care_access_log WHERE list_id IN (" GENERATED_LISTS ");"
        "DELETE FROM care_access_list WHERE id IN (" GENERATED_LISTS ");"
        "DELETE FROM care_access_list_member WHERE list_id IN (" GENERATED_LISTS ");"
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

/* The generated records are kept in memory with the ids they will have, then bulk-loaded table
 * by table (SQLite inserts, PostgreSQL COPY): a load cannot be interleaved with other
 * statements, and a statement per row cost a PostgreSQL server a round trip each. Each table's
 * ids go on from its largest id, in the order the rows are made, as SQLite numbers new rows. */
typedef struct {
    int64_t id;
    const village *v;
    char idn[19], name[64], bd[11], hh[48];
    int male;
    unsigned cond;
} res_row;

typedef struct {
    int64_t id, rid, renewal_of; /* renewal_of 0: a first contract */
    const village *v;
    const char *pkg;
    char sd[11], ed[11];
} con_row;

typedef struct {
    int64_t id, rid;
    const village *v;
    int disease, nvisits;
    int32_t birth, enrolled;
    char ed[11];
    unsigned char blob[CARE_SUMMARY_BYTES];
} enr_row;

typedef struct {
    int64_t id, eid;
    const village *v;
    char vd[11];
    int sbp, dbp; /* -1: not measured */
    double glucose; /* < 0: not measured */
    int symptoms, referred;
    const char *adherence;
} fu_row;

typedef struct {
    int64_t id, rid;
    const village *v;
    const hosp *h; /* NULL: out of the county */
    int priority, state;
    const char *reason;
    int reached[7];
    char at[7][40];
} ref_row;

typedef struct {
    int64_t id, referral_id;
    const village *v;
    int state;
    char at[40];
} ev_row;

/* The citizen ID numbers taken (stored ones and those drawn so far): an ID drawn twice is
 * skipped and another sequence number tried, as the table's uniqueness would refuse it. */
typedef struct {
    char (*key)[19];
    size_t cap, n;
} idset;

enum { T_RES, T_CON, T_ENR, T_FU, T_REF, T_EV, T_N };
static const char *const TABLES[T_N] = {"care_resident", "care_contract", "care_enrolment",
                                        "care_followup", "care_referral", "care_referral_event"};

typedef struct {
    hss_vec t[T_N];      /* rows of each table, of the *_row types above */
    int64_t next[T_N];   /* the id the next row of each table gets */
    idset ids;
} rows;

static size_t idset_slot(const idset *s, const char *k)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *c = k; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    size_t i = (size_t)h & (s->cap - 1);
    while (s->key[i][0] && strcmp(s->key[i], k) != 0)
        i = (i + 1) & (s->cap - 1);
    return i;
}

/* Adds k; 0 when it was there already. */
static int idset_add(idset *s, const char *k)
{
    if (2 * (s->n + 1) > s->cap) {
        idset g = {NULL, s->cap ? 2 * s->cap : 4096, s->n};
        g.key = hss_xcalloc(g.cap, sizeof *g.key);
        for (size_t i = 0; i < s->cap; i++)
            if (s->key[i][0])
                memcpy(g.key[idset_slot(&g, s->key[i])], s->key[i], sizeof *s->key);
        free(s->key);
        *s = g;
    }
    size_t i = idset_slot(s, k);
    if (s->key[i][0])
        return 0;
    snprintf(s->key[i], sizeof *s->key, "%s", k);
    s->n++;
    return 1;
}

/* A new row of table t, numbered (every row type starts with its id). */
static void *add_row(rows *W, int t)
{
    int64_t *r = hss_vec_push(&W->t[t]);
    *r = W->next[t]++;
    return r;
}

/* Walks a referral through the workflow from its request day, stopping at the as-of day. */
static void gen_referral(rows *W, rng *R, int64_t rid, const village *v, int32_t req, int32_t asof, int priority,
                         const hosp *hs, size_t nh, const char *reason)
{
    if (!v->facility[0] || req > asof)
        return;
    const hosp *h = unif(R) < 0.9 ? county_hospital(hs, nh, v->code, R) : NULL;
    ref_row *x = add_row(W, T_REF);
    x->rid = rid;
    x->v = v;
    x->h = h;
    x->priority = priority;
    x->reason = reason;
    int32_t t[7] = {0};
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
        snprintf(x->at[k], sizeof x->at[k], "%sT%02d:%02d", d, hh, mm);
    }
    x->state = state;
    /* the states reached, each with its timestamp and an event */
    x->reached[HSS_REF_REQUESTED] = 1;
    if (state == HSS_REF_REJECTED)
        x->reached[HSS_REF_REJECTED] = 1;
    else
        for (int k = 0; k < 5; k++)
            if (path[k] <= state && state != HSS_REF_REQUESTED)
                x->reached[path[k]] = 1;
    static const int order[7] = {HSS_REF_REQUESTED, HSS_REF_REJECTED, HSS_REF_ACCEPTED, HSS_REF_ARRIVED,
                                 HSS_REF_COMPLETED, HSS_REF_DOWN_REFERRED, HSS_REF_RECEIVED};
    for (int k = 0; k < 7; k++) {
        if (!x->reached[order[k]])
            continue;
        ev_row *e = add_row(W, T_EV);
        e->referral_id = x->id;
        e->v = v;
        e->state = order[k];
        memcpy(e->at, x->at[order[k]], sizeof e->at);
    }
}

/* Two years of follow-ups for one enrolment, with realistic gaps. */
static void gen_chronic(rows *W, rng *R, int64_t rid, int disease, int32_t birth, const village *v, int32_t asof,
                        const hss_care_rules *rules, const hosp *hs, size_t nh, int priority)
{
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
    enr_row *e = add_row(W, T_ENR);
    e->rid = rid;
    e->v = v;
    e->disease = disease;
    e->birth = birth;
    e->enrolled = enrolled;
    e->nvisits = p.nvisits;
    hss_care_format_day(enrolled, e->ed);
    care_summary_pack(&p, e->blob);
    int64_t eid = e->id;
    static const char *const adh[] = {"regular", "intermittent", "none"};
    for (int k = 0; k < nvis; k++) {
        fu_row *f = add_row(W, T_FU);
        f->eid = eid;
        f->v = v;
        hss_care_format_day(vis[k].day, f->vd);
        f->sbp = vis[k].sbp > 0 ? vis[k].sbp : -1;
        f->dbp = vis[k].sbp > 0 ? vis[k].dbp : -1;
        f->glucose = vis[k].glucose;
        f->symptoms = vis[k].symptoms != 0;
        double a = unif(R);
        f->adherence = adh[a < 0.72 ? 0 : a < 0.95 ? 1 : 2];
        f->referred = vis[k].referred;
        if (vis[k].referred)
            gen_referral(W, R, rid, v, vis[k].day, asof, priority, hs, nh,
                         disease == HSS_CARE_T2DM ? "糖尿病随访: 需转诊 (生成)" : "高血压随访: 需转诊 (生成)");
    }
}

/* A resident's contracts: key groups first (documents: key groups >= 90 % target), renewed
 * yearly. Returns 1 when a contract runs at the as-of day (the resident is a priority). */
static int gen_contracts(rows *W, rng *R, int64_t rid, const village *v, int32_t birth, unsigned cond, int32_t asof)
{
    unsigned groups = hss_care_key_groups(birth, cond, asof);
    int priority_now = 0;
    if (!v->team[0] || unif(R) >= (groups ? 0.82 : 0.38))
        return 0;
    const char *pkg = (cond & (HSS_CARE_HYPERTENSION | HSS_CARE_DIABETES)) ? "chronic"
                      : (groups & HSS_CARE_ELDERLY)                          ? "elderly"
                      : (groups & (HSS_CARE_CHILD | HSS_CARE_PREGNANT))      ? "maternal_child"
                      : (cond & HSS_CARE_SEVERE_MENTAL_ILLNESS)              ? "mental"
                      : (cond & HSS_CARE_TUBERCULOSIS)                       ? "tuberculosis"
                      : (cond & HSS_CARE_DISABLED)                           ? "disabled"
                                                                             : "basic";
    int32_t start = asof - 730 + irange(R, 0, 364);
    int64_t prev = 0;
    while (start <= asof) {
        con_row *c = add_row(W, T_CON);
        c->rid = rid;
        c->v = v;
        c->pkg = pkg;
        c->renewal_of = prev;
        hss_care_format_day(start, c->sd);
        hss_care_format_day(start + 364, c->ed);
        prev = c->id;
        if (start + 364 >= asof)
            priority_now = 1;
        if (unif(R) > (groups ? 0.9 : 0.8))
            break; /* not renewed */
        start += 365 + irange(R, 0, 30);
    }
    return priority_now;
}

/* One resident of village v with its records; nothing when 20 draws of an ID were all taken. */
static void gen_resident(rows *W, rng *R, const village *v, long long household, int32_t asof,
                         const hss_care_rules *rules, const hosp *hs, size_t nh)
{
    int age = gen_age(R);
    int male = unif(R) < 0.51;
    int32_t birth = asof - (int32_t)(age * 365.2425) - irange(R, 1, 364);
    char bd[11];
    hss_care_format_day(birth, bd);
    unsigned cond = 0;
    if (unif(R) < htn_prev(age))
        cond |= HSS_CARE_HYPERTENSION;
    if (unif(R) < dm_prev(age))
        cond |= HSS_CARE_DIABETES;
    if (age >= 15 && unif(R) < 0.006)
        cond |= HSS_CARE_SEVERE_MENTAL_ILLNESS;
    if (unif(R) < 0.0006)
        cond |= HSS_CARE_TUBERCULOSIS;
    if (unif(R) < (age >= 65 ? 0.08 : 0.025))
        cond |= HSS_CARE_DISABLED;
    if (!male && age >= 20 && age <= 40 && unif(R) < 0.05)
        cond |= HSS_CARE_PREGNANT;
    char idn[19], name[64];
    gen_name(R, name, sizeof name);
    int fresh = 0;
    for (int attempt = 0; attempt < 20 && !fresh; attempt++) {
        int seq = irange(R, 0, 499) * 2 + (male ? 1 : 0);
        snprintf(idn, sizeof idn, "%.6s%.4s%.2s%.2s%03d", v->code, bd, bd + 5, bd + 8, seq % 1000);
        idn[17] = hss_care_id_check_char(idn);
        idn[18] = 0;
        fresh = idset_add(&W->ids, idn);
    }
    if (!fresh)
        return;
    res_row *x = add_row(W, T_RES);
    int64_t rid = x->id;
    x->v = v;
    x->male = male;
    x->cond = cond;
    memcpy(x->idn, idn, sizeof idn);
    memcpy(x->name, name, sizeof name);
    memcpy(x->bd, bd, sizeof bd);
    snprintf(x->hh, sizeof x->hh, "G%s-%04lld", v->code, household);
    int priority_now = gen_contracts(W, R, rid, v, birth, cond, asof);
    for (int dz = 0; dz < 2; dz++)
        if (cond & (dz ? HSS_CARE_DIABETES : HSS_CARE_HYPERTENSION))
            gen_chronic(W, R, rid, dz, birth, v, asof, rules, hs, nh, priority_now);
    /* other up-referrals: about 1.5 % of residents a year */
    if (unif(R) < 0.03)
        gen_referral(W, R, rid, v, asof - irange(R, 0, 729), asof, priority_now, hs, nh, "门诊上转 (生成)");
}

/* Where the numbering goes on (each table's largest id) and the ID numbers already stored. */
static hss_code read_taken(hss_store *st, rows *W, hss_error *err)
{
    for (int t = 0; t < T_N; t++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT coalesce(max(id),0) FROM %s", TABLES[t]);
        hss_stmt *q = hss_store_prepare(st, sql, err);
        if (!q)
            return HSS_EDB;
        int r = hss_store_step(q);
        W->next[t] = hss_store_col_int64(q, 0) + 1;
        hss_store_finalize(q);
        if (r != HSS_ROW)
            return hss_store_error(st, err, "reading the largest care ids");
    }
    hss_stmt *q = hss_store_prepare(st, "SELECT id_number FROM care_resident", err);
    if (!q)
        return HSS_EDB;
    int r;
    while ((r = hss_store_step(q)) == HSS_ROW)
        idset_add(&W->ids, care_col_text(q, 0));
    hss_store_finalize(q);
    return r == HSS_DONE ? HSS_OK : hss_store_error(st, err, "reading the stored ID numbers");
}

/* ---- the bulk load: each table's columns and how a row fills them ---------------------------- */

static const char *const RES_COLS[] = {"id", "id_number", "name", "sex", "birth_date", "village_code", "county_code",
                                       "household", "conditions", "generated"};
static void put_res(hss_store_loader *ld, const void *row)
{
    const res_row *x = row;
    hss_store_load_int(ld, 0, x->id);
    hss_store_load_text(ld, 1, x->idn);
    hss_store_load_text(ld, 2, x->name);
    hss_store_load_text(ld, 3, x->male ? "male" : "female");
    hss_store_load_text(ld, 4, x->bd);
    hss_store_load_text(ld, 5, x->v->code);
    hss_store_load_textn(ld, 6, x->v->code, 6);
    hss_store_load_text(ld, 7, x->hh);
    hss_store_load_int(ld, 8, x->cond);
    hss_store_load_int(ld, 9, 1);
}

static const char *const CON_COLS[] = {"id", "resident_id", "team_code", "package", "start_date", "end_date",
                                       "renewal_of", "village_code", "county_code", "generated"};
static void put_con(hss_store_loader *ld, const void *row)
{
    const con_row *x = row;
    hss_store_load_int(ld, 0, x->id);
    hss_store_load_int(ld, 1, x->rid);
    hss_store_load_text(ld, 2, x->v->team);
    hss_store_load_text(ld, 3, x->pkg);
    hss_store_load_text(ld, 4, x->sd);
    hss_store_load_text(ld, 5, x->ed);
    if (x->renewal_of)
        hss_store_load_int(ld, 6, x->renewal_of);
    hss_store_load_text(ld, 7, x->v->code);
    hss_store_load_textn(ld, 8, x->v->code, 6);
    hss_store_load_int(ld, 9, 1);
}

static const char *const ENR_COLS[] = {"id", "resident_id", "disease", "enrolled_on", "village_code", "county_code",
                                       "generated", "s_birth", "s_enrolled", "s_nvisits", "s_visits"};
static void put_enr(hss_store_loader *ld, const void *row)
{
    const enr_row *x = row;
    hss_store_load_int(ld, 0, x->id);
    hss_store_load_int(ld, 1, x->rid);
    hss_store_load_text(ld, 2, hss_care_disease_id(x->disease));
    hss_store_load_text(ld, 3, x->ed);
    hss_store_load_text(ld, 4, x->v->code);
    hss_store_load_textn(ld, 5, x->v->code, 6);
    hss_store_load_int(ld, 6, 1);
    hss_store_load_int(ld, 7, x->birth);
    hss_store_load_int(ld, 8, x->enrolled);
    hss_store_load_int(ld, 9, x->nvisits);
    hss_store_load_blob(ld, 10, x->blob, sizeof x->blob);
}

static const char *const FU_COLS[] = {"id", "enrolment_id", "visit_date", "sbp", "dbp", "glucose", "symptoms",
                                      "adherence", "referred", "user_name", "generated", "county_code"};
static void put_fu(hss_store_loader *ld, const void *row)
{
    const fu_row *x = row;
    hss_store_load_int(ld, 0, x->id);
    hss_store_load_int(ld, 1, x->eid);
    hss_store_load_text(ld, 2, x->vd);
    if (x->sbp > 0) {
        hss_store_load_int(ld, 3, x->sbp);
        hss_store_load_int(ld, 4, x->dbp);
    }
    if (x->glucose >= 0)
        hss_store_load_double(ld, 5, x->glucose);
    hss_store_load_text(ld, 6, x->symptoms ? "dizziness" : "");
    hss_store_load_text(ld, 7, x->adherence);
    hss_store_load_int(ld, 8, x->referred);
    hss_store_load_text(ld, 9, "generated");
    hss_store_load_int(ld, 10, 1);
    hss_store_load_textn(ld, 11, x->v->code, 6);
}

static const char *const REF_COLS[] = {"id", "resident_id", "from_facility", "to_facility", "to_name", "in_county",
                                       "priority", "reason", "state", "requested_at", "accepted_at", "rejected_at",
                                       "arrived_at", "completed_at", "down_referred_at", "received_at",
                                       "village_code", "county_code", "generated"};
static void put_ref(hss_store_loader *ld, const void *row)
{
    const ref_row *x = row;
    hss_store_load_int(ld, 0, x->id);
    hss_store_load_int(ld, 1, x->rid);
    hss_store_load_text(ld, 2, x->v->facility);
    hss_store_load_text(ld, 3, x->h ? x->h->code : NULL);
    hss_store_load_text(ld, 4, x->h ? x->h->name : "省级医院 (生成)");
    hss_store_load_int(ld, 5, x->h != NULL);
    hss_store_load_int(ld, 6, x->priority);
    hss_store_load_text(ld, 7, x->reason);
    hss_store_load_text(ld, 8, hss_ref_state_id((hss_ref_state)x->state));
    /* timestamps of the states reached: requested..received are columns 9..15 */
    for (int k = 0; k < 7; k++)
        if (x->reached[k])
            hss_store_load_text(ld, 9 + k, x->at[k]);
    hss_store_load_text(ld, 16, x->v->code);
    hss_store_load_textn(ld, 17, x->v->code, 6);
    hss_store_load_int(ld, 18, 1);
}

static const char *const EV_COLS[] = {"id", "referral_id", "state", "at", "user_name", "note", "county_code"};
static void put_ev(hss_store_loader *ld, const void *row)
{
    const ev_row *x = row;
    hss_store_load_int(ld, 0, x->id);
    hss_store_load_int(ld, 1, x->referral_id);
    hss_store_load_text(ld, 2, hss_ref_state_id((hss_ref_state)x->state));
    hss_store_load_text(ld, 3, x->at);
    hss_store_load_text(ld, 4, "generated");
    hss_store_load_text(ld, 5, "");
    hss_store_load_textn(ld, 6, x->v->code, 6);
}

typedef void (*put_fn)(hss_store_loader *ld, const void *row);

static hss_code load_table(hss_store *st, const char *table, const char *const *cols, int ncols, const hss_vec *v,
                           put_fn put, hss_error *err)
{
    hss_store_loader *ld = hss_store_load_begin(st, table, cols, ncols, err);
    if (!ld)
        return HSS_EDB;
    for (size_t i = 0; i < v->len; i++) {
        put(ld, (const char *)v->items + i * v->item_size);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return hss_store_load_end(ld, err);
}

/* Loads every table, parents first. */
static hss_code load_rows(hss_store *st, rows *W, hss_error *err)
{
    static const struct {
        const char *const *cols;
        int ncols;
        put_fn put;
    } T[T_N] = {
        [T_RES] = {RES_COLS, sizeof RES_COLS / sizeof *RES_COLS, put_res},
        [T_CON] = {CON_COLS, sizeof CON_COLS / sizeof *CON_COLS, put_con},
        [T_ENR] = {ENR_COLS, sizeof ENR_COLS / sizeof *ENR_COLS, put_enr},
        [T_FU] = {FU_COLS, sizeof FU_COLS / sizeof *FU_COLS, put_fu},
        [T_REF] = {REF_COLS, sizeof REF_COLS / sizeof *REF_COLS, put_ref},
        [T_EV] = {EV_COLS, sizeof EV_COLS / sizeof *EV_COLS, put_ev},
    };
    static const int order[T_N] = {T_RES, T_CON, T_ENR, T_FU, T_REF, T_EV};
    hss_code rc = HSS_OK;
    for (int i = 0; i < T_N && !rc; i++) {
        int t = order[i];
        rc = load_table(st, TABLES[t], T[t].cols, T[t].ncols, &W->t[t], T[t].put, err);
    }
    return rc;
}

static void rows_init(rows *W)
{
    static const size_t size[T_N] = {sizeof(res_row), sizeof(con_row), sizeof(enr_row),
                                     sizeof(fu_row), sizeof(ref_row), sizeof(ev_row)};
    memset(W, 0, sizeof *W);
    for (int t = 0; t < T_N; t++)
        hss_vec_init(&W->t[t], size[t]);
}

static void rows_free(rows *W)
{
    for (int t = 0; t < T_N; t++)
        hss_vec_free(&W->t[t]);
    free(W->ids.key);
}

/* Every village's residents (population × scale, at least one), in households of 1 to 4. */
static void gen_villages(rows *W, rng *R, const village *vs, size_t nv, double scale, int32_t asof,
                         const hss_care_rules *rules, const hosp *hs, size_t nh)
{
    for (size_t vi = 0; vi < nv; vi++) {
        const village *v = &vs[vi];
        long long n = llround((double)v->population * scale);
        if (n < 1 && v->population > 0)
            n = 1;
        long long household = 0;
        int left_in_house = 0;
        for (long long i = 0; i < n; i++) {
            if (left_in_house-- <= 0) {
                household++;
                left_in_house = irange(R, 1, 4) - 1;
            }
            gen_resident(W, R, v, household, asof, rules, hs, nh);
        }
    }
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
    rows W;
    rows_init(&W);
    hss_code rc = hss_store_begin(st, err);
    if (rc) {
        free(vs);
        free(hs);
        rows_free(&W);
        return rc;
    }
    if ((rc = exec_del(st, err)) || (rc = make_teams(st, &R, vs, nv, err)))
        goto done;
    if ((rc = read_taken(st, &W, err)))
        goto done;
    gen_villages(&W, &R, vs, nv, scale, asof, &rules, hs, nh);
    rc = load_rows(st, &W, err);
    /* the monthly figures read these tables next, in this transaction */
    for (int t = 0; t < T_N && !rc; t++)
        rc = hss_store_analyse(st, TABLES[t], err);
    if (!rc) {
        char d[11];
        hss_care_format_day(asof, d);
        rc = hss_store_meta_set(st, "care_demo_date", d, err);
    }
    if (!rc)
        rc = hss_store_bump_version(st, err);
done:
    rows_free(&W);
    free(vs);
    free(hs);
    if (!rc)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    return rc;
}
