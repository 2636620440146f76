/*
 * care: care for residents at the basic level, as the documents' tiered-care process describes
 * it: residents (with GB 11643 citizen IDs, masked in every output), family-doctor teams and
 * their yearly contracts (家庭医生签约), the two-way referral workflow (双向转诊) as a state
 * machine, chronic-disease management for hypertension and type-2 diabetes with a scheduler
 * that applies the 国家基本公共卫生服务规范(第三版) rules (care/rules.yaml), daily worklists and
 * the indicators that come out of them. Every read of a named resident is written to
 * care_access_log.
 *
 * This header is the whole API that cli/ and server/ may call. Results for users are
 * hss_tables whose column names are the CSV/JSON keys; ID numbers in them are always masked.
 * Dates are "YYYY-MM-DD"; timestamps are "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]".
 */
#ifndef HSS_CARE_H
#define HSS_CARE_H

#include <stdint.h>

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* ---- dates and citizen IDs (idcard.c) ------------------------------------------------------ */

/* Days since 1970-01-01 for a valid "YYYY-MM-DD" (first 10 chars of a timestamp are used when
 * allow_time). Returns 0 on success, -1 for a malformed or impossible date. */
int hss_care_parse_day(const char *s, int allow_time, int32_t *day);
/* Writes "YYYY-MM-DD" for a day number into out (at least 11 bytes). */
void hss_care_format_day(int32_t day, char *out);
/* Today (UTC) as a day number. */
int32_t hss_care_today(void);
/* Whole years between birth and day (age on that day). */
int hss_care_age(int32_t birth, int32_t day);

/* Checks an 18-character citizen ID number (GB 11643-1999): 17 digits, a valid birth date in
 * digits 7-14, and the ISO 7064 MOD 11-2 check character (0-9 or X; lower-case x accepted).
 * Returns NULL when valid, else a static reason. */
const char *hss_care_id_check(const char *id);
/* The check character ('0'-'9' or 'X') for the first 17 digits. */
char hss_care_id_check_char(const char *first17);
/* Birth date ("YYYY-MM-DD", out >= 11 bytes) and sex ("male"/"female": 17th digit odd = male)
 * encoded in a valid ID. */
void hss_care_id_birth(const char *id, char *out);
const char *hss_care_id_sex(const char *id);
/* Masked form for display: first 4 and last 4 characters, 10 '*' between (3311**********123X).
 * out must hold 19 bytes. Anything not 18 characters long is masked entirely. */
void hss_care_id_mask(const char *id, char *out);

/* ---- residents (resident.c) ---------------------------------------------------------------- */

/* Conditions (recorded) and key groups (conditions plus age-derived groups), as bit masks.
 * Ids are the GLOSSARY's key-group names. */
enum {
    HSS_CARE_HYPERTENSION = 1 << 0,         /* 高血压 */
    HSS_CARE_DIABETES = 1 << 1,             /* 2型糖尿病 */
    HSS_CARE_SEVERE_MENTAL_ILLNESS = 1 << 2,/* 严重精神障碍 */
    HSS_CARE_TUBERCULOSIS = 1 << 3,         /* 肺结核 */
    HSS_CARE_DISABLED = 1 << 4,             /* 残疾人 */
    HSS_CARE_PREGNANT = 1 << 5,             /* 孕产妇 */
    HSS_CARE_ELDERLY = 1 << 6,              /* 65岁及以上老年人 (derived from age) */
    HSS_CARE_CHILD = 1 << 7                 /* 0-6岁儿童 (derived from age) */
};
#define HSS_CARE_CONDITION_COUNT 6
/* Parses ';'-separated condition ids ("hypertension;diabetes"); "" is none. Returns 0, or -1
 * with the first unknown id copied into bad (64 bytes). */
int hss_care_conditions_parse(const char *s, unsigned *mask, char *bad);
/* Writes the ids of a mask, ';'-separated (zh != 0: Chinese labels, '、'-separated). */
void hss_care_groups_format(unsigned mask, int zh, hss_buf *out);
/* Key groups of a resident on `day`: the conditions plus 65+ and 0-6 from the birth day. */
unsigned hss_care_key_groups(int32_t birth, unsigned conditions, int32_t day);

typedef struct hss_care_import_stats {
    size_t rows;     /* records read */
    size_t inserted; /* new residents */
    size_t updated;  /* existing residents (same id_number) replaced */
    size_t cleared_households; /* stored households cleared by a present, empty cell */
    size_t cleared_conditions; /* stored condition lists cleared by a present, empty cell */
} hss_care_import_stats;

/* Imports residents from CSV: id_number,name,sex,birth_date,village_code and optional
 * household,conditions. An optional column absent from the file leaves stored values alone; a
 * present, empty cell clears the stored value (counted in the stats). One transaction; the first bad record is an error naming
 * file:line, column, value and why; nothing changes then. */
hss_code hss_care_residents_import(hss_store *st, const char *path, hss_care_import_stats *stats,
                                   hss_error *err);

/* Who is reading, and within which scope. Exactly one of team/facility/area is set for staff
 * (the server maps its users to this); self_id_number is set when residents read their own
 * record. `user` is written to the access log. */
typedef struct hss_care_viewer {
    const char *user;           /* who reads (user name, or "resident") */
    const char *team;           /* family-doctor team code: residents of the team's villages */
    const char *facility;       /* facility code: residents of the villages of its teams */
    const char *area;           /* area code: residents of villages under it */
    const char *self_id_number; /* a resident reading their own record (full ID number) */
    const char *within;         /* staff reading a team's or facility's worklist: their area scope;
                                 * the unit must lie in it (hss_care_worklist_page) */
} hss_care_viewer;

/* Looks up a resident by full ID number or internal id ("123"). Returns HSS_ENOTFOUND, or
 * HSS_EDENIED when the viewer's scope does not include the resident. */
hss_code hss_care_resident_find(hss_store *st, const hss_care_viewer *v, const char *key,
                                int64_t *resident_id, hss_error *err);
/* The record of one resident (one row: masked ID, name, sex, birth date, village, household,
 * conditions, key groups on `day`, the contract running that day, chronic enrolments) and, in
 * *log, who read it (when, user, action). Checks the scope and writes an access-log row. */
hss_code hss_care_resident_show(hss_store *st, const hss_care_viewer *v, const char *key,
                                int32_t day, hss_table **record, hss_table **log, hss_error *err);
/* Residents within the viewer's scope (masked IDs), limited; each row read is audited. */
hss_code hss_care_residents_list(hss_store *st, const hss_care_viewer *v, int32_t day, size_t limit,
                                 hss_table **out, hss_error *err);

/* Appends one row to care_access_log (who/what/when). Called by every function that returns
 * a named resident; exposed for the server's own reads. */
hss_code hss_care_audit(hss_store *st, const char *user, const char *action, int64_t resident_id,
                        hss_error *err);
/* The same when the caller knows the resident's county (NULL or "": looked up). */
hss_code hss_care_audit_county(hss_store *st, const char *user, const char *action, int64_t resident_id,
                               const char *county, hss_error *err);
/* One row for a read of a list of residents (ids[0..n), as listed; none when n is 0): the row
 * names the list, which is stored once however often it is read (access_batch.c), and the
 * resident's log and `hss audit` show it as a row per resident. In the caller's transaction
 * when one is open. */
hss_code hss_care_audit_list(hss_store *st, const char *user, const char *action, const int64_t *ids, size_t n,
                             hss_error *err);

/* ---- teams and contracts (contract.c) ------------------------------------------------------ */

/* Creates or replaces a family-doctor team. `facility` must be a township_health_center or
 * community_health_center; `villages` are ';'-separated village codes served by the team;
 * `village_doctors` ';'-separated names of its village doctors (may be ""). */
hss_code hss_care_team_add(hss_store *st, const char *code, const char *name, const char *facility,
                           const char *villages, const char *village_doctors, hss_error *err);
/* The same with the team's phone number (see hss_care_phone_check); NULL leaves a stored
 * number as it is, "" removes it. A bad number stores nothing. village_doctors NULL leaves the
 * team's members as they are. */
hss_code hss_care_team_store(hss_store *st, const char *code, const char *name, const char *facility,
                             const char *villages, const char *village_doctors, const char *phone, hss_error *err);
hss_code hss_care_teams(hss_store *st, const char *facility, hss_table **out, hss_error *err);
/* A team's phone number, the one its residents call: a mobile number (11 digits, 1[3-9]...)
 * or a landline with its area code (0578-2123456, the '-' optional). 0 when valid; otherwise
 * -1 and why (English) in why[n]. "" is valid: no number. */
int hss_care_phone_check(const char *phone, char *why, size_t n);
/* Imports teams from a CSV file, all or nothing, in one transaction: columns code, name,
 * facility, villages (';'-separated), and optionally village_doctors and phone. A column absent
 * from the file leaves those stored values of each team alone. A bad line fails naming
 * file:line. *count: the teams stored. */
hss_code hss_care_teams_import(hss_store *st, const char *path, size_t *count, hss_error *err);
/* Stores a team's phone number (checked as above; "" removes it). */
hss_code hss_care_team_set_phone(hss_store *st, const char *code, const char *phone, hss_error *err);

/* Service packages (签约服务包). */
int hss_care_package_valid(const char *package);

/* Adds a contract (resident by ID number or internal id). `end` NULL = one year after start.
 * A contract starting within 90 days after the same resident's previous contract ended (or
 * before it ended) is recorded as that contract's renewal (续约). Returns its id in *id. */
hss_code hss_care_contract_add(hss_store *st, const char *resident, const char *team,
                               const char *package, const char *start, const char *end,
                               int64_t *id, hss_error *err);
hss_code hss_care_contracts(hss_store *st, const hss_care_viewer *v, int32_t day, hss_table **out,
                            hss_error *err);

/* ---- referrals (referral.c) ---------------------------------------------------------------- */

typedef enum {
    HSS_REF_REQUESTED,     /* 申请上转 */
    HSS_REF_ACCEPTED,      /* 已接收 */
    HSS_REF_REJECTED,      /* 已拒绝 (final) */
    HSS_REF_ARRIVED,       /* 已到诊 */
    HSS_REF_COMPLETED,     /* 诊疗完成 */
    HSS_REF_DOWN_REFERRED, /* 已下转 */
    HSS_REF_RECEIVED,      /* 基层已接收 (final) */
    HSS_REF_STATE_COUNT
} hss_ref_state;

const char *hss_ref_state_id(hss_ref_state s);
const char *hss_ref_state_zh(hss_ref_state s);
/* -1 when unknown. */
int hss_ref_state_parse(const char *id);
/* True when `to` may follow `from`. The legal moves: requested→accepted|rejected,
 * accepted→arrived, arrived→completed, completed→down_referred, down_referred→received. */
int hss_ref_transition_allowed(hss_ref_state from, hss_ref_state to);
/* Writes the allowed next states of `from` as "a, b" (or "none (final state)"). */
void hss_ref_allowed_next(hss_ref_state from, hss_buf *out);

typedef struct hss_care_referral_req {
    const char *resident;      /* ID number or internal id */
    const char *from_facility; /* sending facility code (must exist) */
    const char *to_facility;   /* receiving facility code in the store, or NULL */
    const char *to_name;       /* receiving place when not in the store (out of county) */
    int out_of_county;         /* with to_name: 1 when outside the resident's county */
    const char *at;            /* request timestamp */
    const char *reason;
    const char *user;
} hss_care_referral_req;

/* Creates a referral in state requested. Priority (优先) is set when the resident has an
 * active contract on the request day; in-county is computed from the destination's county. */
hss_code hss_care_referral_add(hss_store *st, const hss_care_referral_req *r, int64_t *id,
                               hss_error *err);
/* Moves a referral to `state` at `at` (not before the previous transition). An illegal move is
 * HSS_ECONFLICT with a message naming the current state and the allowed next states. */
hss_code hss_care_referral_transition(hss_store *st, int64_t id, const char *state, const char *at,
                                      const char *user, const char *note, hss_error *err);
/* Referrals within the viewer's scope; with overdue_days > 0 only accepted referrals with no
 * arrival after that many days on `day` (escalations). */
hss_code hss_care_referrals(hss_store *st, const hss_care_viewer *v, int32_t day, int overdue_days,
                            hss_table **out, hss_error *err);
/* The referrals addressed to a receiving facility (a hospital's list), read by `user`: the same
 * columns as hss_care_referrals, each resident audited. */
hss_code hss_care_referrals_received(hss_store *st, const char *user, const char *facility, int32_t day,
                                     int overdue_days, hss_table **out, hss_error *err);
/* The transition history of one referral. */
hss_code hss_care_referral_events(hss_store *st, int64_t id, hss_table **out, hss_error *err);

/* ---- chronic-disease rules and scheduler (rules.c, scheduler.c) ---------------------------- */

typedef enum { HSS_CARE_HTN = 0, HSS_CARE_T2DM = 1 } hss_care_disease;
/* "hypertension" / "diabetes"; -1 when unknown. */
int hss_care_disease_parse(const char *s);
const char *hss_care_disease_id(int d);

/* Symptoms a follow-up may record (bit i = hss_care_symptom_id(i)). */
#define HSS_CARE_SYMPTOM_COUNT 20
const char *hss_care_symptom_id(int i);
/* Parses ';'-separated symptom ids into a mask; -1 with the unknown id in bad (64 bytes). */
int hss_care_symptoms_parse(const char *s, uint32_t *mask, char *bad);

/* The rules (care/rules.yaml). */
typedef struct hss_care_rules {
    int routine_days;          /* routine visit interval (quarterly: 90) */
    int recheck_days;          /* re-check after an uncontrolled reading (14) */
    int referral_followup_days;/* follow up a referral within (14) */
    int due_window_days;       /* a visit shows as due this many days ahead (7) */
    int visits_per_year;       /* face-to-face visits a year for 规范管理 (4) */
    int referral_overdue_days; /* accepted referral without arrival escalates after (7) */
    int htn_sbp, htn_dbp;          /* controlled when SBP < and DBP < (140/90) */
    int htn_sbp_65, htn_dbp_65;    /* for patients 65 and older (150/90) */
    int elderly_age;               /* 65 */
    int emerg_sbp, emerg_dbp;      /* emergency when SBP >= or DBP >= (180/110) */
    double dm_glucose;             /* controlled when fasting glucose < (7.0) */
    double emerg_glucose_high;     /* emergency when >= (16.7) */
    double emerg_glucose_low;      /* emergency when <= (3.9) */
    uint32_t emerg_symptoms[2];    /* per disease: symptoms that make a visit an emergency */
} hss_care_rules;

/* The built-in rules, identical to care/rules.yaml (a test checks that). */
void hss_care_rules_default(hss_care_rules *r);
/* Loads a rules file; errors name file:line. */
hss_code hss_care_rules_load(const char *path, hss_care_rules *r, hss_error *err);

/* The classification of one reading. */
typedef enum { HSS_READ_CONTROLLED, HSS_READ_UNCONTROLLED, HSS_READ_EMERGENCY, HSS_READ_MISSING } hss_care_reading;

/* One follow-up visit, as the scheduler sees it. Missing values are < 0. */
typedef struct hss_care_visit {
    int32_t day;
    int sbp, dbp;      /* mmHg */
    double glucose;    /* fasting, mmol/L */
    uint32_t symptoms; /* symptom mask */
    int referred;      /* the visit ended with a referral to a higher level */
} hss_care_visit;

hss_care_reading hss_care_classify(const hss_care_rules *r, int disease, int age,
                                   const hss_care_visit *v);

/* What the scheduler keeps per enrolment: the last two visits (raw readings, so that rule
 * changes apply without recomputation) and the birth day. */
typedef struct hss_care_patient {
    int64_t enrolment_id;
    int64_t resident_id;
    int disease;
    int32_t birth;    /* day number */
    int32_t enrolled; /* day number */
    int nvisits;      /* 0, 1 or 2 valid entries below (last = [0]) */
    hss_care_visit last, prev;
    char county[8];   /* the enrolment's county code, where the loader read it (worklists) */
} hss_care_patient;

/* Adds a visit to a patient summary (visits in date order). */
void hss_care_patient_add_visit(hss_care_patient *p, const hss_care_visit *v);

typedef enum {
    HSS_ACT_FIRST_VISIT,       /* enrolled, no follow-up yet */
    HSS_ACT_ROUTINE,           /* routine quarterly visit */
    HSS_ACT_RECHECK,           /* re-check within 2 weeks after an uncontrolled reading */
    HSS_ACT_REFER,             /* needs referral: emergency or consecutive uncontrolled */
    HSS_ACT_REFERRAL_FOLLOWUP  /* follow up a referral within 2 weeks */
} hss_care_action;

typedef enum { HSS_DUE_SCHEDULED, HSS_DUE_DUE, HSS_DUE_OVERDUE } hss_care_due;

typedef struct hss_care_next {
    hss_care_action action;
    hss_care_due status;
    int32_t due;      /* day the action is due */
    int days_overdue; /* > 0 when overdue */
    int why;          /* which rule applied (internal code read by hss_care_next_explain) */
    char reason[256]; /* why, in Chinese, naming the reading and the rule: filled by
                         hss_care_next_explain (empty after hss_care_next_action) */
    char reason_en[256]; /* the same in English (filled with reason) */
} hss_care_next;

const char *hss_care_action_id(hss_care_action a);
const char *hss_care_action_zh(hss_care_action a);
/* The action's label in the user's language: hss_care_action_zh, or English when en != 0. */
const char *hss_care_action_label(hss_care_action a, int en);
const char *hss_care_due_id(hss_care_due d);

/* The scheduler: the next action for one patient on `day`. Pure function of its inputs; cheap
 * enough to run over a whole region's patients (the reason text is left to _explain). */
void hss_care_next_action(const hss_care_rules *r, const hss_care_patient *p, int32_t day,
                          hss_care_next *out);
/* Writes n->reason (Chinese) and n->reason_en (English) for a result of hss_care_next_action on
 * the same patient: one place words each rule in both languages. */
void hss_care_next_explain(const hss_care_rules *r, const hss_care_patient *p, hss_care_next *n);

/* ---- enrolment and follow-ups (chronic.c) -------------------------------------------------- */

/* Enrols a resident (ID number or internal id) in management of a disease; also records the
 * condition on the resident. */
hss_code hss_care_enrol(hss_store *st, const char *resident, const char *disease, const char *date,
                        int64_t *id, hss_error *err);
typedef struct hss_care_followup_req {
    const char *resident, *disease, *date;
    int sbp, dbp;          /* < 0 when not measured */
    double glucose;        /* < 0 when not measured */
    const char *symptoms;  /* ';'-separated ids or NULL */
    const char *adherence; /* regular | intermittent | none, or NULL */
    int referred;
    const char *user;
} hss_care_followup_req;
/* Records a follow-up visit and updates the enrolment's scheduler summary. */
hss_code hss_care_followup_add(hss_store *st, const hss_care_followup_req *f, int64_t *id,
                               hss_error *err);
/* A resident's follow-ups (audited). */
hss_code hss_care_followups(hss_store *st, const hss_care_viewer *v, const char *resident,
                            hss_table **out, hss_error *err);

/* Loads every enrolment's summary (all, or those of villages in the viewer's scope when v is not
 * NULL) for the scheduler. Caller frees *out. */
hss_code hss_care_patients_load(hss_store *st, const hss_care_viewer *v, hss_care_patient **out,
                                size_t *n, hss_error *err);

/* ---- worklist (worklist.c) ---------------------------------------------------------------- */

/* Who needs what on `day` within the viewer's scope (a team or a facility): patients whose
 * next action is due, overdue, a re-check or a referral, and referrals escalated as overdue,
 * each with the reason, most urgent first. With all != 0 also scheduled (not yet due) rows.
 * Every resident listed is audited under v->user. */
hss_code hss_care_worklist(hss_store *st, const hss_care_rules *r, const hss_care_viewer *v,
                           int32_t day, int all, hss_table **out, hss_error *err);

/* One page of a worklist. With v->within, a team or facility outside that scope (or a team
 * serving villages outside it) is refused, HSS_EDENIED, and an unknown one HSS_ENOTFOUND,
 * before anything is read: from the kept list's own villages when the list is kept, else by
 * a query. In: offset (rows skipped) and limit (rows at most; 0 = all), and
 * `cached`: a team's or facility's list may be kept in this process between the writes that
 * change it (worklist_cache.c; the server asks for it, HSS_CARE_WORKLIST_CACHE=0 turns it off;
 * the answer is the same either way). Out: total (rows of the whole worklist), by_action
 * (action, action_label, rows, overdue over all rows, most urgent action first; caller frees)
 * and hit (1 when the list came from the cache). */
typedef struct hss_care_worklist_paging {
    size_t offset, limit, total;
    int cached, hit;
    int en; /* in: action_label and reason in English (else Chinese); the codes are the same */
    hss_table *by_action;
    int outside; /* out, with HSS_EDENIED: 1 the unit lies outside v->within, 2 the team serves
                    villages outside it */
} hss_care_worklist_paging;

/* Forgets every kept worklist (tests). */
void hss_care_worklist_cache_clear(void);

/* hss_care_worklist's rows offset..offset+limit (pg NULL: all). Only the residents on the page
 * are looked up and written to the access log, one row per listed row. */
hss_code hss_care_worklist_page(hss_store *st, const hss_care_rules *r, const hss_care_viewer *v, int32_t day,
                                int all, hss_care_worklist_paging *pg, hss_table **out, hss_error *err);

/* The next action of each chronic enrolment of one resident on `day` (resident_next.c), its labels
 * in English when en != 0 (else Chinese): disease,
 * enrolled_on, action, action_label, status, due_date, days_overdue, reason. Writes no access-log
 * row: call it only after the read of the record was recorded (hss_care_resident_show). */
hss_code hss_care_resident_next(hss_store *st, const hss_care_rules *r, int64_t resident_id, int32_t day,
                                int en, hss_table **out, hss_error *err);

/* ---- measures (measures.c) ------------------------------------------------------------------ */

/* Indicators by area on `day` (rows: each county, or the children of `under`, plus a total):
 * residents, contracting_rate, key_group_contracting_rate, renewal_rate (contracts that ended
 * in the year before `day` and were renewed), referrals_up / referrals_down in that year and
 * in_county_share of up-referrals, and for hypertension and diabetes the managed patients,
 * standard_management_rate (规范管理率: patients under management all year with at least
 * visits_per_year follow-ups) and control_rate (控制率: last follow-up in the year controlled).
 * Rates are percentages; a rate with an empty denominator is null. */
hss_code hss_care_measures(hss_store *st, const hss_care_rules *r, const char *under, int32_t day,
                           hss_table **out, hss_error *err);

/* The figures of the monitoring indicators that the care records give for a township on `day`,
 * counted exactly as hss_care_measures counts them (one counting path): residents in the register
 * (born by `day`), residents with a contract running that day, key-group residents and those of
 * them contracted, and hypertension and diabetes patients together: under management the whole
 * year before `day`, and of them those with at least visits_per_year follow-ups in it. */
typedef struct hss_care_figures {
    char township[16];            /* township code */
    long long residents;          /* residents in the register */
    long long contracted;         /* with a contract running on the day */
    long long key_group;          /* key-group residents (重点人群) */
    long long key_group_contracted;
    long long chronic_whole_year; /* hypertension + diabetes patients managed the whole year */
    long long chronic_standard;   /* of them managed to the standard (规范管理) */
} hss_care_figures;

/* The figures of one township (`township`) or of every township (NULL) on `day`: *out holds *n
 * entries (free it); a township without records has zero residents. */
hss_code hss_care_township_figures(hss_store *st, const hss_care_rules *r, const char *township, int32_t day,
                                   hss_care_figures **out, size_t *n, hss_error *err);

/* The townships whose care records changed since the figures were last taken (char * each,
 * owned by the caller), kept by triggers on every care table; hss_care_figures_taken empties
 * the list (call it in the transaction that stores the new figures). */
hss_code hss_care_figures_changed(hss_store *st, hss_vec *townships, hss_error *err);
hss_code hss_care_figures_taken(hss_store *st, hss_error *err);

/* ---- demo (demo.c) --------------------------------------------------------------------------- */

/* Generates residents for the stored region's villages (population × scale, at least one per
 * village with residents; a village without a population gets an even share of its township's,
 * else its county's), family-doctor teams for its township and community centres,
 * contracts, referrals and two years of follow-ups ending on the stored meta "demo_date"
 * (else today), all labelled generated. Deterministic for a seed and date. Replaces earlier
 * generated care data. */
hss_code hss_care_generate_demo(hss_store *st, uint64_t seed, double scale, hss_error *err);

/* Whom the care roles' demo logins stand for (demo_logins.c): the first county's first township
 * family-doctor team (code, "team · facility" and its county), that county's general hospital
 * and a resident of the team's villages under chronic-disease management (citizen ID number). */
typedef struct hss_care_demo_people {
    char team[64], team_label[256], county[16];
    char hospital[64], hospital_name[256];
    char resident[32];
} hss_care_demo_people;
hss_code hss_care_demo_pick(hss_store *st, hss_care_demo_people *out, hss_error *err);

/* ---- writes from the dashboard (write.c) ----------------------------------------------------- */

/* What was wrong with one field of a request, for a form to show beside that field: the field's
 * JSON key and the message in Chinese and in English. */
typedef struct hss_care_problem {
    char field[32];
    char zh[320];
    char en[320];
} hss_care_problem;

/* Fills p (when not NULL) and returns HSS_EINVAL. */
hss_code hss_care_problem_set(hss_care_problem *p, const char *field, const char *zh, const char *en);

/* A reading's verdict in words: controlled 控制满意, uncontrolled 未控制, emergency 危急,
 * missing 未测量. */
const char *hss_care_reading_id(hss_care_reading r);
const char *hss_care_reading_zh(hss_care_reading r);
/* The verdict in the user's language: hss_care_reading_zh, or English when en != 0. */
const char *hss_care_reading_label(hss_care_reading r, int en);

/* What a follow-up recorded from a form leaves: the follow-up, its resident and their county,
 * and the enrolment's scheduler summary after it (hss_care_followup_verdict reads it). */
typedef struct hss_care_followup_saved {
    int64_t id;
    int64_t resident_id; /* also set when the scope refuses a known resident (for the audit) */
    char county[8];
    hss_care_patient patient;
} hss_care_followup_saved;
/* Records a follow-up entered on a form for a resident within viewer v's scope (v NULL: any):
 * an unknown resident or one outside the scope is HSS_EDENIED (err says which). Every field
 * is checked first (a bad one is HSS_EINVAL with p naming it; the visit may not lie after
 * `today` nor before the enrolment; the patient must be enrolled for the disease), then stored
 * with its medication and note (each at most 500 bytes). The resident and the enrolment are
 * read once. Runs in one transaction (a savepoint inside the caller's). */
hss_code hss_care_followup_record(hss_store *st, const hss_care_viewer *v, const hss_care_followup_req *f,
                                  const char *medication, const char *note, int32_t today, hss_care_problem *p,
                                  hss_care_followup_saved *out, hss_error *err);
/* The verdict of a patient's last visit and their next action on `day` (with the reason). */
void hss_care_followup_verdict(const hss_care_rules *r, const hss_care_patient *pt, int32_t day,
                               hss_care_reading *reading, hss_care_next *next);

/* Signs a contract (resident, team, service package, start) after checking each field. An
 * overlapping contract is HSS_ECONFLICT. */
hss_code hss_care_contract_sign(hss_store *st, const char *resident, const char *team, const char *package,
                                const char *start, hss_care_problem *p, int64_t *id, hss_error *err);
/* Renews contract `id`: a new one-year contract from the day after it ends, same team, same
 * package unless `package` is given. A contract already renewed or ended early is
 * HSS_ECONFLICT. */
hss_code hss_care_contract_renew(hss_store *st, int64_t id, const char *package, hss_care_problem *p,
                                 int64_t *new_id, hss_error *err);
/* Ends contract `id` early on `date` (within the contract) for `reason` (required, at most 500
 * bytes). An ended contract is HSS_ECONFLICT. */
hss_code hss_care_contract_end(hss_store *st, int64_t id, const char *date, const char *reason,
                               hss_care_problem *p, hss_error *err);
/* The resident and team of a contract (HSS_ENOTFOUND when there is none). */
hss_code hss_care_contract_owner(hss_store *st, int64_t id, int64_t *resident_id, char team[64],
                                 hss_error *err);

/* A new referral from a form: checks the destination (a stored facility, not the sender), the
 * reason (required), the urgency (routine | urgent | emergency), then hss_care_referral_add. */
hss_code hss_care_referral_create(hss_store *st, const hss_care_referral_req *q, const char *urgency,
                                  hss_care_problem *p, int64_t *id, hss_error *err);
/* The resident, sending and receiving facility of a referral, and its state. */
hss_code hss_care_referral_parties(hss_store *st, int64_t id, int64_t *resident_id, char from[64],
                                   char to[64], char state[24], hss_error *err);
/* Whether a referral step belongs to the receiving side (accepted, rejected, arrived, completed,
 * down_referred) or to the sending side (received). */
int hss_ref_state_receiving(hss_ref_state s);
/* Places a resident may be referred to: facilities that are not village clinics, those in the
 * resident's county first, then by grade; columns code, name, type, grade, area_code, in_county. */
hss_code hss_care_destinations(hss_store *st, int64_t resident_id, const char *from_facility, hss_table **out,
                               hss_error *err);

/* Enrols a newly diagnosed patient after checking the fields (already enrolled: HSS_ECONFLICT). */
hss_code hss_care_enrol_record(hss_store *st, const char *resident, const char *disease, const char *date,
                               int32_t today, hss_care_problem *p, int64_t *id, hss_error *err);

/* Registers a resident: the ID number's check character, its birth date and sex must agree
 * with birth_date and sex, the village must be a village in the viewer's scope (v NULL: any),
 * and the ID number must be new (HSS_ECONFLICT). */
typedef struct hss_care_resident_form {
    const char *id_number, *name, *sex, *birth_date, *village, *household;
} hss_care_resident_form;
hss_code hss_care_resident_register(hss_store *st, const hss_care_viewer *v, const hss_care_resident_form *f,
                                    hss_care_problem *p, int64_t *id, hss_error *err);

/* Client request ids (idempotent writes). hss_care_request_find: HSS_OK with the stored status
 * and answer (caller frees) when the id was seen from this user, HSS_ENOTFOUND when new,
 * HSS_ECONFLICT when another user used it. hss_care_request_save keeps an answer. Call both
 * inside the write's transaction. */
int hss_care_request_id_valid(const char *request_id);
hss_code hss_care_request_find(hss_store *st, const char *request_id, const char *user, int *status,
                               char **answer, hss_error *err);
hss_code hss_care_request_save(hss_store *st, const char *request_id, const char *user, const char *kind,
                               const char *county, int status, const char *answer, hss_error *err);
/* A hospital reads the record of a resident whose open referral (not rejected, not yet
 * received back) is addressed to it: the resident's village, or HSS_EDENIED. */
hss_code hss_care_referred_village(hss_store *st, const char *key, const char *facility, char village[16],
                                   hss_error *err);
/* The county code of a resident ("" when unknown), for rows that carry it. */
void hss_care_resident_county(hss_store *st, int64_t resident_id, char county[8]);

/* ---- the dashboard's care screens (screens.c) ---------------------------------------------- */

/* The area code of a family-doctor team's facility (team given) or of a facility, and that
 * facility's code (fac may be NULL): 1 when found, 0 when not, -1 on a database error. */
int hss_care_unit_area(hss_store *st, const char *team, const char *facility, char area[16], char fac[64]);
/* The area code of a team's facility, and how many of the team's villages lie outside area
 * `scope`: 1 when the team exists, 0 when not, -1 on a database error. */
int hss_care_team_place(hss_store *st, const char *team, const char *scope, char area[16], long long *outside);
/* The village of the stored resident with citizen ID number `id_number` (its check character
 * in either case) and the number as stored: 1 when found, 0 when not, -1 on a database error. */
int hss_care_resident_village(hss_store *st, const char *id_number, char village[16], char stored[19]);
/* The teams whose facility lies in area `scope` (at most 2000): code, name, facility_code,
 * facility name, area_code, generated, villages (served), phone. */
hss_code hss_care_team_rows(hss_store *st, const char *scope, hss_table **out, hss_error *err);
/* A page of the residents under `under` by village and id, and *total before paging: id,
 * id_number (whole: mask it before showing it), name, sex, birth_date, village_code, village
 * name, conditions (mask), generated. The caller records each read (hss_care_audit). */
hss_code hss_care_resident_page(hss_store *st, const char *under, long long limit, long long offset,
                                long long *total, hss_table **out, hss_error *err);
/* A resident's contracts (id, team_code, team name, package, start_date, end_date, renewal_of,
 * team phone) by start, and referrals (id, from_facility, from name, to_name, in_county,
 * priority, state, requested_at, answered at, reason) by request time. Not audited: the
 * caller's read of the record already was. */
hss_code hss_care_resident_history(hss_store *st, int64_t resident_id, hss_table **contracts, hss_table **referrals,
                                   hss_error *err);
/* A resident's follow-ups, oldest first (at most 500): id, disease, visit_date, sbp, dbp,
 * glucose, symptoms, adherence, medication, note, user, the user's display name and role. */
hss_code hss_care_resident_followups(hss_store *st, int64_t resident_id, hss_table **out, hss_error *err);
/* Who read a resident's record, newest first (at most 1000): at, user, action. */
hss_code hss_care_access_log(hss_store *st, int64_t resident_id, hss_table **out, hss_error *err);
/* A referral's village, state and resident: 1 when found, 0 when not, -1 on a database error. */
int hss_care_referral_get(hss_store *st, int64_t id, char village[16], char state[24], int64_t *resident_id);

#endif
