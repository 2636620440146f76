/*
 * chronic.c: chronic-disease management records: enrolment of hypertension and type-2 diabetes
 * patients, follow-up visits (blood pressure, fasting glucose, symptoms, medication adherence,
 * referral), and the per-enrolment scheduler summary (the last two visits, kept in
 * care_enrolment) that the scheduler and worklists read instead of the whole history.
 */
#include "care/care_int.h"

#include <stdlib.h>
#include <string.h>

hss_code hss_care_enrol(hss_store *st, const char *resident, const char *disease, const char *date,
                        int64_t *id, hss_error *err)
{
    int d = hss_care_disease_parse(disease);
    if (d < 0)
        return hss_fail(err, HSS_EINVAL, "disease '%s': must be hypertension or diabetes", disease ? disease : "");
    int32_t day;
    if (hss_care_parse_day(date, 0, &day) != 0)
        return hss_fail(err, HSS_EINVAL, "enrolment date '%s': not a date (YYYY-MM-DD)", date ? date : "");
    care_resident r;
    hss_code rc = care_resident_get(st, resident, &r, err);
    if (rc)
        return rc;
    if (hss_store_begin(st, err))
        return HSS_EDB;
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO care_enrolment(resident_id,disease,enrolled_on,village_code,county_code,s_birth,s_enrolled) "
        "VALUES(?,?,?,?,?,?,?)", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, r.id);
    hss_store_bind_text(s, 2, hss_care_disease_id(d));
    hss_store_bind_textn(s, 3, date, 10);
    hss_store_bind_text(s, 4, r.village);
    hss_store_bind_text(s, 5, r.county);
    hss_store_bind_int(s, 6, r.birth);
    hss_store_bind_int(s, 7, day);
    int step = hss_store_step(s);
    hss_store_finalize(s);
    if (step != HSS_DONE) {
        int dup = hss_store_is_unique(st);
        if (dup) {
            hss_store_rollback(st);
            return hss_fail(err, HSS_ECONFLICT, "resident %lld is already enrolled for %s", (long long)r.id,
                            hss_care_disease_id(d));
        }
        rc = hss_store_error(st, err, "enrolling");
        hss_store_rollback(st);
        return rc;
    }
    if (id)
        *id = hss_store_last_id(st);
    s = hss_store_prepare(st, "UPDATE care_resident SET conditions=conditions|? WHERE id=?", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int(s, 1, d == HSS_CARE_T2DM ? HSS_CARE_DIABETES : HSS_CARE_HYPERTENSION);
    hss_store_bind_int64(s, 2, r.id);
    if ((rc = care_step_done(st, s, err, "recording the condition"))) {
        hss_store_rollback(st);
        return rc;
    }
    if ((rc = care_commit_village(st, r.village, r.id, err)))
        return rc;
    return HSS_OK;
}

/* Recomputes the scheduler summary of one enrolment (of `county`) from its two latest visits;
 * *out gets the visits as stored (the follow-up's verdict and next action are worked out from
 * them). The county is named so that on PostgreSQL each statement reads one partition, not 16. */
static hss_code refresh_summary(hss_store *st, int64_t enrolment, const char *county, hss_care_patient *out,
                                hss_error *err)
{
    hss_stmt *q = hss_store_prepare(st,
        "SELECT visit_date,coalesce(sbp,-1),coalesce(dbp,-1),coalesce(glucose,-1),symptoms,referred "
        "FROM care_followup WHERE enrolment_id=?1 AND county_code=?2 ORDER BY visit_date DESC, id DESC LIMIT 2", err);
    if (!q)
        return HSS_EDB;
    hss_store_bind_int64(q, 1, enrolment);
    hss_store_bind_text(q, 2, county);
    hss_care_visit v[2];
    int n = 0;
    while (n < 2 && hss_store_step(q) == HSS_ROW) {
        memset(&v[n], 0, sizeof v[n]);
        hss_care_parse_day(care_col_text(q, 0), 0, &v[n].day);
        v[n].sbp = hss_store_col_int(q, 1);
        v[n].dbp = hss_store_col_int(q, 2);
        v[n].glucose = hss_store_col_double(q, 3);
        char bad[64];
        hss_care_symptoms_parse(care_col_text(q, 4), &v[n].symptoms, bad);
        v[n].referred = hss_store_col_int(q, 5);
        n++;
    }
    hss_store_finalize(q);
    hss_care_patient p;
    memset(&p, 0, sizeof p);
    for (int i = n - 1; i >= 0; i--)
        hss_care_patient_add_visit(&p, &v[i]);
    unsigned char blob[CARE_SUMMARY_BYTES];
    care_summary_pack(&p, blob);
    hss_stmt *u = hss_store_prepare(st, "UPDATE care_enrolment SET s_nvisits=?2, s_visits=?3 WHERE id=?1 AND county_code=?4",
                                    err);
    if (!u)
        return HSS_EDB;
    hss_store_bind_int64(u, 1, enrolment);
    hss_store_bind_text(u, 4, county);
    hss_store_bind_int(u, 2, p.nvisits);
    hss_store_bind_blob_copy(u, 3, blob, sizeof blob);
    int rc = hss_store_step(u);
    hss_store_finalize(u);
    out->nvisits = p.nvisits;
    care_summary_unpack(blob, sizeof blob, out);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "updating the scheduler summary");
}

int care_enrolment_get(hss_store *st, int64_t resident, int disease, care_enrolment_row *e, hss_error *err)
{
    memset(e, 0, sizeof *e);
    hss_stmt *s = hss_store_prepare(st, "SELECT id,enrolled_on,county_code,s_birth,s_enrolled FROM care_enrolment "
                                        "WHERE resident_id=? AND disease=?", err);
    if (!s)
        return -1;
    hss_store_bind_int64(s, 1, resident);
    hss_store_bind_text(s, 2, hss_care_disease_id(disease));
    int rc = hss_store_step(s);
    if (rc == HSS_ROW) {
        e->id = hss_store_col_int64(s, 0);
        snprintf(e->enrolled_on, sizeof e->enrolled_on, "%s", care_col_text(s, 1));
        snprintf(e->county, sizeof e->county, "%s", care_col_text(s, 2));
        e->birth = hss_store_col_int(s, 3);
        e->enrolled = hss_store_col_int(s, 4);
    }
    hss_store_finalize(s);
    if (rc != HSS_ROW && rc != HSS_DONE) {
        hss_store_error(st, err, "reading the enrolment");
        return -1;
    }
    return rc == HSS_ROW;
}

/* The symptoms of bit set `sym` as stored: ';'-separated ids in their canonical order. */
static void symptoms_text(uint32_t sym, hss_buf *out)
{
    for (int i = 0; i < HSS_CARE_SYMPTOM_COUNT; i++)
        if (sym & (1u << i))
            hss_buf_printf(out, "%s%s", out->len ? ";" : "", hss_care_symptom_id(i));
}

hss_code care_followup_store(hss_store *st, const hss_care_followup_req *f, uint32_t sym, const care_resident *r,
                             const care_enrolment_row *e, const char *medication, const char *note, int64_t *id,
                             hss_care_patient *after, hss_error *err)
{
    if (hss_store_begin(st, err))
        return HSS_EDB;
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO care_followup(enrolment_id,visit_date,sbp,dbp,glucose,symptoms,adherence,"
                                        "referred,user_name,county_code,medication,note) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, e->id);
    hss_store_bind_textn(s, 2, f->date, 10);
    if (f->sbp >= 0) {
        hss_store_bind_int(s, 3, f->sbp);
        hss_store_bind_int(s, 4, f->dbp);
    }
    if (f->glucose >= 0)
        hss_store_bind_double(s, 5, f->glucose);
    hss_buf sy;
    hss_buf_init(&sy);
    symptoms_text(sym, &sy);
    hss_store_bind_copy(s, 6, sy.data ? sy.data : "");
    hss_buf_free(&sy);
    if (f->adherence)
        hss_store_bind_text(s, 7, f->adherence);
    hss_store_bind_int(s, 8, f->referred ? 1 : 0);
    hss_store_bind_text(s, 9, f->user ? f->user : "");
    hss_store_bind_text(s, 10, e->county);
    /* the column defaults when not given: one INSERT instead of an INSERT and an UPDATE */
    hss_store_bind_text(s, 11, medication ? medication : "");
    hss_store_bind_text(s, 12, note ? note : "");
    hss_code rc;
    if ((rc = care_step_done(st, s, err, "storing the follow-up"))) {
        hss_store_rollback(st);
        return rc;
    }
    if (id)
        *id = hss_store_last_id(st);
    hss_care_patient p;
    memset(&p, 0, sizeof p);
    if ((rc = refresh_summary(st, e->id, e->county, &p, err))) {
        hss_store_rollback(st);
        return rc;
    }
    if (after) {
        *after = p;
        after->enrolment_id = e->id;
        after->resident_id = r->id;
        after->disease = hss_care_disease_parse(f->disease);
        after->birth = e->birth;
        after->enrolled = e->enrolled;
    }
    return care_commit_village(st, r->village, r->id, err);
}

hss_code hss_care_followup_add(hss_store *st, const hss_care_followup_req *f, int64_t *id,
                               hss_error *err)
{
    int d = hss_care_disease_parse(f->disease);
    if (d < 0)
        return hss_fail(err, HSS_EINVAL, "disease '%s': must be hypertension or diabetes", f->disease ? f->disease : "");
    int32_t day;
    if (hss_care_parse_day(f->date, 0, &day) != 0)
        return hss_fail(err, HSS_EINVAL, "visit date '%s': not a date (YYYY-MM-DD)", f->date ? f->date : "");
    if ((f->sbp >= 0) != (f->dbp >= 0))
        return hss_fail(err, HSS_EINVAL, "blood pressure needs both --sbp and --dbp");
    if (f->sbp >= 0 && (f->sbp < 50 || f->sbp > 300))
        return hss_fail(err, HSS_EINVAL, "sbp %d: must be between 50 and 300 mmHg", f->sbp);
    if (f->dbp >= 0 && (f->dbp < 20 || f->dbp > 200 || f->dbp >= f->sbp))
        return hss_fail(err, HSS_EINVAL, "dbp %d: must be between 20 and 200 mmHg and below sbp", f->dbp);
    if (f->glucose >= 0 && (f->glucose < 0.5 || f->glucose > 60))
        return hss_fail(err, HSS_EINVAL, "glucose %g: must be between 0.5 and 60 mmol/L", f->glucose);
    if (d == HSS_CARE_HTN && f->sbp < 0)
        return hss_fail(err, HSS_EINVAL, "a hypertension follow-up needs the blood pressure (--sbp, --dbp)");
    if (d == HSS_CARE_T2DM && f->glucose < 0)
        return hss_fail(err, HSS_EINVAL, "a diabetes follow-up needs the fasting glucose (--glucose)");
    uint32_t sym;
    char bad[64];
    if (hss_care_symptoms_parse(f->symptoms, &sym, bad) != 0)
        return hss_fail(err, HSS_EINVAL, "unknown symptom '%s'", bad);
    if (f->adherence && strcmp(f->adherence, "regular") && strcmp(f->adherence, "intermittent") &&
        strcmp(f->adherence, "none"))
        return hss_fail(err, HSS_EINVAL, "adherence '%s': must be regular, intermittent or none", f->adherence);
    care_resident r;
    hss_code rc = care_resident_get(st, f->resident, &r, err);
    if (rc)
        return rc;
    care_enrolment_row e;
    int found = care_enrolment_get(st, r.id, d, &e, err);
    if (found < 0)
        return HSS_EDB;
    if (!found)
        return hss_fail(err, HSS_ENOTFOUND, "resident %lld is not enrolled for %s management (hss care enrol)",
                        (long long)r.id, hss_care_disease_id(d));
    if (strncmp(f->date, e.enrolled_on, 10) < 0)
        return hss_fail(err, HSS_EINVAL, "visit date %s is before the enrolment on %s", f->date, e.enrolled_on);
    return care_followup_store(st, f, sym, &r, &e, NULL, NULL, id, NULL, err);
}

hss_code hss_care_followups(hss_store *st, const hss_care_viewer *v, const char *resident,
                            hss_table **out, hss_error *err)
{
    care_resident r;
    hss_code rc = care_resident_get(st, resident, &r, err);
    if (rc || (rc = care_scope_check(st, v, &r, err)))
        return rc;
    if ((rc = hss_care_audit(st, v && v->user ? v->user : "unknown", "followups", r.id, err)))
        return rc;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT f.id,e.disease,f.visit_date,f.sbp,f.dbp,f.glucose,f.symptoms,coalesce(f.adherence,''),f.referred,f.user_name "
        "FROM care_followup f JOIN care_enrolment e ON e.id=f.enrolment_id WHERE e.resident_id=? "
        "ORDER BY f.visit_date, f.id", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, r.id);
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "followup_id", "编号", HSS_COL_INT);
    hss_table_add_col(t, "disease", "病种", HSS_COL_TEXT);
    hss_table_add_col(t, "visit_date", "随访日期", HSS_COL_TEXT);
    hss_table_add_col(t, "sbp", "收缩压", HSS_COL_INT);
    hss_table_add_col(t, "dbp", "舒张压", HSS_COL_INT);
    hss_table_add_col(t, "glucose", "空腹血糖", HSS_COL_REAL);
    hss_table_add_col(t, "symptoms", "症状", HSS_COL_TEXT);
    hss_table_add_col(t, "adherence", "服药依从性", HSS_COL_TEXT);
    hss_table_add_col(t, "referred", "转诊", HSS_COL_INT);
    hss_table_add_col(t, "user", "随访人", HSS_COL_TEXT);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        hss_table_set_int(t, 0, hss_store_col_int64(s, 0));
        hss_table_set_text(t, 1, care_col_text(s, 1));
        hss_table_set_text(t, 2, care_col_text(s, 2));
        if (!hss_store_col_is_null(s, 3)) {
            hss_table_set_int(t, 3, hss_store_col_int(s, 3));
            hss_table_set_int(t, 4, hss_store_col_int(s, 4));
        }
        if (!hss_store_col_is_null(s, 5))
            hss_table_set_real(t, 5, hss_store_col_double(s, 5), 1);
        hss_table_set_text(t, 6, care_col_text(s, 6));
        hss_table_set_text(t, 7, care_col_text(s, 7));
        hss_table_set_int(t, 8, hss_store_col_int(s, 8));
        hss_table_set_text(t, 9, care_col_text(s, 9));
    }
    hss_store_finalize(s);
    *out = t;
    return HSS_OK;
}

hss_code hss_care_patients_load(hss_store *st, const hss_care_viewer *v, hss_care_patient **out,
                                size_t *n, hss_error *err)
{
    return care_patients_load(st, v, 0, out, n, err);
}

hss_code care_patients_load(hss_store *st, const hss_care_viewer *v, int64_t resident, hss_care_patient **out,
                            size_t *n, hss_error *err)
{
    hss_buf c, q;
    hss_buf_init(&c);
    hss_buf_init(&q);
    hss_buf_printf(&q, "SELECT id,resident_id,disease='diabetes',s_birth,s_enrolled,s_nvisits,s_visits,county_code "
                       "FROM care_enrolment WHERE %s%s",
                   care_scope_clause(v, "village_code", &c), resident ? " AND resident_id=:resident" : "");
    hss_stmt *s = hss_store_prepare(st, q.data, err);
    hss_buf_free(&c);
    hss_buf_free(&q);
    if (!s)
        return HSS_EDB;
    if (resident)
        hss_store_bind_int64(s, hss_store_bind_index(s, ":resident"), resident);
    hss_code rc = care_scope_bind(st, s, v, err);
    if (rc) {
        hss_store_finalize(s);
        return rc;
    }
    size_t cap = 1024, len = 0;
    hss_care_patient *ps = hss_xmalloc(cap * sizeof *ps);
    int r;
    while ((r = hss_store_step(s)) == HSS_ROW) {
        if (len == cap) {
            cap *= 2;
            ps = hss_xrealloc(ps, cap * sizeof *ps);
        }
        hss_care_patient *p = &ps[len++];
        p->enrolment_id = hss_store_col_int64(s, 0);
        p->resident_id = hss_store_col_int64(s, 1);
        p->disease = hss_store_col_int(s, 2);
        p->birth = hss_store_col_int(s, 3);
        p->enrolled = hss_store_col_int(s, 4);
        p->nvisits = hss_store_col_int(s, 5);
        care_summary_unpack(hss_store_col_blob(s, 6), hss_store_col_bytes(s, 6), p);
        snprintf(p->county, sizeof p->county, "%s", care_col_text(s, 7));
    }
    hss_store_finalize(s);
    if (r != HSS_DONE) {
        free(ps);
        return hss_store_error(st, err, "reading enrolments");
    }
    *out = ps;
    *n = len;
    return HSS_OK;
}
