/*
 * referral.c: the two-way referral workflow (双向转诊) as a state machine:
 *   requested → accepted | rejected;  accepted → arrived → completed → down_referred → received.
 * Every transition is timestamped on the referral and logged in care_referral_event; an illegal
 * move is refused naming the current state and the allowed next states. Contracted residents
 * get the priority path (优先预约、优先就诊、优先检查、优先住院、优先会诊), and each referral records
 * whether its destination is inside the resident's county (县域内).
 */
#include "care/care_int.h"

#include <string.h>

static const char *const STATES[HSS_REF_STATE_COUNT][2] = {
    {"requested", "申请上转"},   {"accepted", "已接收"},     {"rejected", "已拒绝"},
    {"arrived", "已到诊"},       {"completed", "诊疗完成"},  {"down_referred", "已下转"},
    {"received", "基层已接收"},
};

/* The column of care_referral holding each state's timestamp. */
static const char *const STATE_COL[HSS_REF_STATE_COUNT] = {
    "requested_at", "accepted_at", "rejected_at", "arrived_at", "completed_at", "down_referred_at", "received_at",
};

const char *hss_ref_state_id(hss_ref_state s) { return STATES[s][0]; }
const char *hss_ref_state_zh(hss_ref_state s) { return STATES[s][1]; }

int hss_ref_state_parse(const char *id)
{
    for (int i = 0; i < HSS_REF_STATE_COUNT; i++)
        if (id && strcmp(id, STATES[i][0]) == 0)
            return i;
    return -1;
}

int hss_ref_transition_allowed(hss_ref_state from, hss_ref_state to)
{
    switch (from) {
    case HSS_REF_REQUESTED: return to == HSS_REF_ACCEPTED || to == HSS_REF_REJECTED;
    case HSS_REF_ACCEPTED: return to == HSS_REF_ARRIVED;
    case HSS_REF_ARRIVED: return to == HSS_REF_COMPLETED;
    case HSS_REF_COMPLETED: return to == HSS_REF_DOWN_REFERRED;
    case HSS_REF_DOWN_REFERRED: return to == HSS_REF_RECEIVED;
    default: return 0;
    }
}

void hss_ref_allowed_next(hss_ref_state from, hss_buf *out)
{
    int n = 0;
    for (int i = 0; i < HSS_REF_STATE_COUNT; i++)
        if (hss_ref_transition_allowed(from, (hss_ref_state)i))
            hss_buf_printf(out, "%s%s", n++ ? ", " : "", STATES[i][0]);
    if (!n)
        hss_buf_puts(out, "none (final state)");
}

static int facility_county(hss_store *st, const char *code, char *county, char *name, size_t nlen)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT area_code,name FROM facility WHERE code=?", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, code);
    int ok = hss_store_step(s) == HSS_ROW;
    if (ok) {
        snprintf(county, 7, "%.6s", care_col_text(s, 0));
        if (name)
            snprintf(name, nlen, "%s", care_col_text(s, 1));
    }
    hss_store_finalize(s);
    return ok;
}

/* Appends a step to the referral's event log inside the caller's transaction; on failure
 * rolls the transaction back. */
static hss_code log_event(hss_store *st, int64_t id, const char *state, const char *at, const char *user,
                          const char *note, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO care_referral_event(referral_id,state,at,user_name,note,county_code) "
        "VALUES(?1,?2,?3,?4,?5,(SELECT county_code FROM care_referral WHERE id=?1))", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, id);
    hss_store_bind_text(s, 2, state);
    hss_store_bind_text(s, 3, at);
    hss_store_bind_text(s, 4, user ? user : "");
    hss_store_bind_text(s, 5, note ? note : "");
    hss_code rc = care_step_done(st, s, err, "logging a referral");
    if (rc)
        hss_store_rollback(st);
    return rc;
}

hss_code hss_care_referral_add(hss_store *st, const hss_care_referral_req *q, int64_t *id,
                               hss_error *err)
{
    int32_t day;
    if (!q->at || hss_care_parse_day(q->at, 1, &day) != 0)
        return hss_fail(err, HSS_EINVAL, "referral time '%s': not a date or timestamp (YYYY-MM-DD[THH:MM[:SS]])",
                        q->at ? q->at : "");
    care_resident r;
    hss_code rc = care_resident_get(st, q->resident, &r, err);
    if (rc)
        return rc;
    char fc[8], tc[8] = "", tname[256] = "";
    if (!q->from_facility || !facility_county(st, q->from_facility, fc, NULL, 0))
        return hss_fail(err, HSS_ENOTFOUND, "referral: no sending facility with code '%s'",
                        q->from_facility ? q->from_facility : "");
    int in_county;
    if (q->to_facility) {
        if (!facility_county(st, q->to_facility, tc, tname, sizeof tname))
            return hss_fail(err, HSS_ENOTFOUND, "referral: no receiving facility with code '%s' (give --to-name "
                            "for a place outside the region)", q->to_facility);
        if (strcmp(q->to_facility, q->from_facility) == 0)
            return hss_fail(err, HSS_EINVAL, "referral: sending and receiving facility are both %s", q->to_facility);
        in_county = strcmp(tc, r.county) == 0;
    } else if (q->to_name && *q->to_name) {
        snprintf(tname, sizeof tname, "%s", q->to_name);
        in_county = !q->out_of_county;
    } else {
        return hss_fail(err, HSS_EINVAL, "referral: give the receiving facility code or its name");
    }
    char d[11];
    hss_care_format_day(day, d);
    hss_stmt *s = hss_store_prepare(st, "SELECT count(*) FROM care_contract WHERE resident_id=? AND start_date<=? "
                                            "AND end_date>=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, r.id);
    hss_store_bind_text(s, 2, d);
    hss_store_bind_text(s, 3, d);
    int priority = hss_store_step(s) == HSS_ROW && hss_store_col_int(s, 0) > 0;
    hss_store_finalize(s);
    if (hss_store_begin(st, err))
        return HSS_EDB;
    s = hss_store_prepare(st, "INSERT INTO care_referral(resident_id,from_facility,to_facility,to_name,in_county,priority,"
                              "reason,state,requested_at,village_code,county_code) VALUES(?,?,?,?,?,?,?,'requested',?,?,?)", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, r.id);
    hss_store_bind_text(s, 2, q->from_facility);
    if (q->to_facility)
        hss_store_bind_text(s, 3, q->to_facility);
    hss_store_bind_text(s, 4, tname);
    hss_store_bind_int(s, 5, in_county);
    hss_store_bind_int(s, 6, priority);
    hss_store_bind_text(s, 7, q->reason ? q->reason : "");
    hss_store_bind_text(s, 8, q->at);
    hss_store_bind_text(s, 9, r.village);
    hss_store_bind_text(s, 10, r.county);
    if ((rc = care_step_done(st, s, err, "storing a referral"))) {
        hss_store_rollback(st);
        return rc;
    }
    int64_t rid = hss_store_last_id(st);
    if ((rc = log_event(st, rid, "requested", q->at, q->user, q->reason, err)))
        return rc;
    if ((rc = care_commit_village(st, r.village, r.id, err)))
        return rc;
    if (id)
        *id = rid;
    return HSS_OK;
}

/* Compares timestamps by their day, then by full text when both carry a time. */
static int ts_before(const char *a, const char *b)
{
    int32_t da, db;
    hss_care_parse_day(a, 1, &da);
    hss_care_parse_day(b, 1, &db);
    if (da != db)
        return da < db;
    if (strlen(a) > 10 && strlen(b) > 10)
        return strcmp(a + 11, b + 11) < 0;
    return 0;
}

hss_code hss_care_referral_transition(hss_store *st, int64_t id, const char *state, const char *at,
                                      const char *user, const char *note, hss_error *err)
{
    int to = hss_ref_state_parse(state);
    if (to < 0) {
        const char *ids[HSS_REF_STATE_COUNT];
        for (int i = 0; i < HSS_REF_STATE_COUNT; i++)
            ids[i] = STATES[i][0];
        const char *sug = hss_suggest(state ? state : "", ids, HSS_REF_STATE_COUNT);
        return hss_fail(err, HSS_EINVAL, "referral %lld: unknown state '%s'%s%s%s", (long long)id, state ? state : "",
                        sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
    }
    int32_t day;
    if (!at || hss_care_parse_day(at, 1, &day) != 0)
        return hss_fail(err, HSS_EINVAL, "referral %lld: time '%s' is not a date or timestamp", (long long)id, at ? at : "");
    if (hss_store_begin(st, err))
        return HSS_EDB;
    hss_code rc = HSS_OK;
    hss_stmt *s = hss_store_prepare(st, "SELECT state,(SELECT at FROM care_referral_event WHERE referral_id=?1 "
                                            "ORDER BY id DESC LIMIT 1),village_code,resident_id FROM care_referral WHERE id=?1", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, id);
    char cur[32] = "", last[32] = "", village[16] = "";
    int64_t resident = 0;
    if (hss_store_step(s) == HSS_ROW) {
        snprintf(cur, sizeof cur, "%s", care_col_text(s, 0));
        snprintf(last, sizeof last, "%s", care_col_text(s, 1));
        snprintf(village, sizeof village, "%s", care_col_text(s, 2));
        resident = hss_store_col_int64(s, 3);
    }
    hss_store_finalize(s);
    if (!*cur) {
        hss_store_rollback(st);
        return hss_fail(err, HSS_ENOTFOUND, "no referral %lld", (long long)id);
    }
    int from = hss_ref_state_parse(cur);
    if (from < 0 || !hss_ref_transition_allowed((hss_ref_state)from, (hss_ref_state)to)) {
        hss_buf b;
        hss_buf_init(&b);
        if (from >= 0)
            hss_ref_allowed_next((hss_ref_state)from, &b);
        rc = hss_fail(err, HSS_ECONFLICT, "referral %lld is %s (%s): cannot move to %s; allowed next: %s",
                      (long long)id, cur, from >= 0 ? STATES[from][1] : "?", state, b.data ? b.data : "none");
        hss_buf_free(&b);
        hss_store_rollback(st);
        return rc;
    }
    if (*last && ts_before(at, last)) {
        hss_store_rollback(st);
        return hss_fail(err, HSS_EINVAL, "referral %lld: %s at %s is before the previous step at %s", (long long)id,
                        state, at, last);
    }
    /* The column name comes from the fixed table above, never from input. */
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE care_referral SET state=?2, %s=?3 WHERE id=?1", STATE_COL[to]);
    s = hss_store_prepare(st, sql, err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, id);
    hss_store_bind_text(s, 2, STATES[to][0]);
    hss_store_bind_text(s, 3, at);
    if ((rc = care_step_done(st, s, err, "updating a referral"))) {
        hss_store_rollback(st);
        return rc;
    }
    if ((rc = log_event(st, id, STATES[to][0], at, user, note, err)))
        return rc;
    if ((rc = care_commit_village(st, village, resident, err)))
        return rc;
    return HSS_OK;
}

/* The referral list, by the viewer's scope or (receiving set) by destination. */
static hss_code referrals(hss_store *st, const hss_care_viewer *v, const char *receiving, int32_t day, int overdue_days,
                          hss_table **out, hss_error *err)
{
    hss_code rc = care_viewer_check(st, v, err);
    if (rc)
        return rc;
    char limit[11];
    hss_care_format_day(day - overdue_days, limit);
    hss_buf c, q;
    hss_buf_init(&c);
    hss_buf_init(&q);
    hss_buf_printf(&q, "SELECT f.id,f.resident_id,r.id_number,r.name,f.from_facility,f.to_name,f.in_county,f.priority,"
                       "f.state,f.requested_at,f.accepted_at,f.arrived_at,f.completed_at,f.down_referred_at,f.received_at,"
                       "f.reason,f.generated,(SELECT name FROM facility WHERE code=f.from_facility) "
                       "FROM care_referral f JOIN care_resident r ON r.id=f.resident_id WHERE %s%s "
                       "ORDER BY f.requested_at, f.id",
                   receiving ? "f.to_facility=:recv" : care_scope_clause(v, "f.village_code", &c),
                   overdue_days > 0 ? " AND f.state='accepted' AND substr(f.accepted_at,1,10) < :limit" : "");
    hss_stmt *s = hss_store_prepare(st, q.data, err);
    hss_buf_free(&c);
    hss_buf_free(&q);
    if (!s)
        return HSS_EDB;
    if (overdue_days > 0)
        hss_store_bind_text(s, hss_store_bind_index(s, ":limit"), limit);
    if (receiving)
        hss_store_bind_text(s, hss_store_bind_index(s, ":recv"), receiving);
    else if ((rc = care_scope_bind(st, s, v, err))) {
        hss_store_finalize(s);
        return rc;
    }
    if ((rc = hss_store_begin(st, err))) {
        hss_store_finalize(s);
        return rc;
    }
    hss_table *t = hss_table_new();
    static const char *const cols[][2] = {
        {"referral_id", "转诊编号"}, {"resident_id", "居民编号"}, {"id_number", "身份证号"}, {"name", "姓名"},
        {"from_facility", "转出机构"}, {"to", "转入机构"}, {"in_county", "县域内"}, {"priority", "签约优先"},
        {"state", "状态"}, {"requested_at", "申请"}, {"accepted_at", "接收"}, {"arrived_at", "到诊"},
        {"completed_at", "完成"}, {"down_referred_at", "下转"}, {"received_at", "基层接收"}, {"reason", "原因"},
        {"generated", "生成数据"}, {"from_name", "转出机构名称"},
    };
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        hss_table_add_col(t, cols[i][0], cols[i][1],
                          i <= 1 || i == 6 || i == 7 || i == 16 ? HSS_COL_INT : HSS_COL_TEXT);
    hss_vec ids; /* the residents listed: one access-log row names them */
    hss_vec_init(&ids, sizeof(int64_t));
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        for (int i = 0; i < 18; i++) {
            if (i == 2) {
                char m[19];
                hss_care_id_mask(care_col_text(s, 2), m);
                hss_table_set_text(t, 2, m);
            } else if (hss_store_col_is_null(s, i)) {
                continue;
            } else if (i <= 1 || i == 6 || i == 7 || i == 16) {
                hss_table_set_int(t, (size_t)i, hss_store_col_int64(s, i));
            } else {
                hss_table_set_text(t, (size_t)i, care_col_text(s, i));
            }
        }
        *(int64_t *)hss_vec_push(&ids) = hss_store_col_int64(s, 1);
    }
    hss_store_finalize(s);
    rc = hss_care_audit_list(st, v && v->user ? v->user : "unknown", "referrals", ids.items, ids.len, err);
    hss_vec_free(&ids);
    return care_commit_table(st, rc, t, out, err);
}

hss_code hss_care_referrals(hss_store *st, const hss_care_viewer *v, int32_t day, int overdue_days,
                            hss_table **out, hss_error *err)
{
    return referrals(st, v, NULL, day, overdue_days, out, err);
}

hss_code hss_care_referrals_received(hss_store *st, const char *user, const char *facility, int32_t day,
                                     int overdue_days, hss_table **out, hss_error *err)
{
    hss_care_viewer v = {user, NULL, NULL, NULL, NULL, NULL};
    return referrals(st, &v, facility, day, overdue_days, out, err);
}

hss_code hss_care_referral_events(hss_store *st, int64_t id, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT state,at,user_name,note FROM care_referral_event WHERE referral_id=? "
                                            "ORDER BY id", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "state", "状态", HSS_COL_TEXT);
    hss_table_add_col(t, "at", "时间", HSS_COL_TEXT);
    hss_table_add_col(t, "user", "操作人", HSS_COL_TEXT);
    hss_table_add_col(t, "note", "备注", HSS_COL_TEXT);
    care_fill(t, s);
    *out = t;
    return HSS_OK;
}
