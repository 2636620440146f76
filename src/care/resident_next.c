/*
 * resident_next.c: the scheduler's next action for each chronic enrolment of one resident, for a
 * resident's record page. Reads the same packed summary as the region-wide scheduler; writes no
 * access-log row (the caller has already recorded the read of the record).
 */
#include "care/care_int.h"

hss_code hss_care_resident_next(hss_store *st, const hss_care_rules *r, int64_t resident_id, int32_t day,
                                int en, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT id,resident_id,disease='diabetes',s_birth,s_enrolled,s_nvisits,s_visits,enrolled_on "
        "FROM care_enrolment WHERE resident_id=? ORDER BY disease", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, resident_id);
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "disease", "病种", HSS_COL_TEXT);
    hss_table_add_col(t, "enrolled_on", "纳入管理", HSS_COL_TEXT);
    hss_table_add_col(t, "action", "事项", HSS_COL_TEXT);
    hss_table_add_col(t, "action_label", "事项说明", HSS_COL_TEXT);
    hss_table_add_col(t, "status", "状态", HSS_COL_TEXT);
    hss_table_add_col(t, "due_date", "应随访日期", HSS_COL_TEXT);
    hss_table_add_col(t, "days_overdue", "超期天数", HSS_COL_INT);
    hss_table_add_col(t, "reason", "原因", HSS_COL_TEXT);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        hss_care_patient p = {0};
        p.enrolment_id = hss_store_col_int64(s, 0);
        p.resident_id = hss_store_col_int64(s, 1);
        p.disease = hss_store_col_int(s, 2);
        p.birth = hss_store_col_int(s, 3);
        p.enrolled = hss_store_col_int(s, 4);
        p.nvisits = hss_store_col_int(s, 5);
        care_summary_unpack(hss_store_col_blob(s, 6), hss_store_col_bytes(s, 6), &p);
        hss_care_next n;
        hss_care_next_action(r, &p, day, &n);
        hss_care_next_explain(r, &p, &n);
        char d[11];
        hss_care_format_day(n.due, d);
        hss_table_add_row(t);
        hss_table_set_text(t, 0, hss_care_disease_id(p.disease));
        hss_table_set_text(t, 1, care_col_text(s, 7));
        hss_table_set_text(t, 2, hss_care_action_id(n.action));
        hss_table_set_text(t, 3, hss_care_action_label(n.action, en));
        hss_table_set_text(t, 4, hss_care_due_id(n.status));
        hss_table_set_text(t, 5, d);
        hss_table_set_int(t, 6, n.days_overdue);
        hss_table_set_text(t, 7, en ? n.reason_en : n.reason);
    }
    hss_store_finalize(s);
    if (rc != HSS_DONE) {
        hss_table_free(t);
        return hss_store_error(st, err, "reading chronic enrolments");
    }
    *out = t;
    return HSS_OK;
}
