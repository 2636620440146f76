/*
 * contract.c: family-doctor teams (家庭医生团队: based at a township or community health
 * centre, serving a set of villages, with village doctors) and their yearly contracts
 * (签约) with residents, including renewal (续约) tracking.
 */
#include "care/care_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const PACKAGES[] = {
    "basic",          /* 基础包 */
    "elderly",        /* 老年人包 */
    "chronic",        /* 慢病包 (hypertension, diabetes) */
    "maternal_child", /* 母婴包 */
    "mental",         /* 严重精神障碍包 */
    "tuberculosis",   /* 肺结核包 */
    "disabled",       /* 残疾人包 */
    "personalised",   /* 个性化包 */
};

int hss_care_package_valid(const char *package)
{
    for (size_t i = 0; i < sizeof PACKAGES / sizeof *PACKAGES; i++)
        if (package && strcmp(package, PACKAGES[i]) == 0)
            return 1;
    return 0;
}

hss_code hss_care_team_add(hss_store *st, const char *code, const char *name, const char *facility,
                           const char *villages, const char *village_doctors, hss_error *err)
{
    return hss_care_team_store(st, code, name, facility, villages, village_doctors, NULL, err);
}

hss_code hss_care_team_store(hss_store *st, const char *code, const char *name, const char *facility,
                             const char *villages, const char *village_doctors, const char *phone, hss_error *err)
{
    if (!code || !*code || !name || !*name)
        return hss_fail(err, HSS_EINVAL, "a team needs a code and a name");
    char why[200];
    if (phone && hss_care_phone_check(phone, why, sizeof why))
        return hss_fail(err, HSS_EINVAL, "team %s: phone: %s", code, why);
    hss_stmt *s = hss_store_prepare(st, "SELECT type,area_code FROM facility WHERE code=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, facility ? facility : "");
    char type[64] = "", area[16] = "";
    if (hss_store_step(s) == HSS_ROW) {
        snprintf(type, sizeof type, "%s", care_col_text(s, 0));
        snprintf(area, sizeof area, "%s", care_col_text(s, 1));
    }
    hss_store_finalize(s);
    if (!*type)
        return hss_fail(err, HSS_ENOTFOUND, "team %s: no facility with code '%s'", code, facility ? facility : "");
    if (strcmp(type, "township_health_center") && strcmp(type, "community_health_center"))
        return hss_fail(err, HSS_EINVAL, "team %s: facility %s is a %s; family-doctor teams belong to a "
                        "township_health_center or community_health_center", code, facility, type);
    if (hss_store_begin(st, err))
        return HSS_EDB;
    hss_code rc = HSS_OK;
    s = hss_store_prepare(st, "DELETE FROM care_team_village WHERE team_code=?1; ", err);
    if (!s || (hss_store_bind_text(s, 1, code), rc = care_step_done(st, s, err, "replacing a team")))
        goto fail;
    /* no village doctors given (NULL): the team's members stay as they are */
    s = village_doctors ? hss_store_prepare(st, "DELETE FROM care_team_member WHERE team_code=?1", err) : NULL;
    if (village_doctors && (!s || (hss_store_bind_text(s, 1, code), rc = care_step_done(st, s, err, "replacing a team"))))
        goto fail;
    s = hss_store_prepare(st, "INSERT INTO care_team(code,name,facility_code,county_code) VALUES(?,?,?,?) "
                              "ON CONFLICT(code) DO UPDATE SET name=excluded.name, facility_code=excluded.facility_code,"
                              " county_code=excluded.county_code", err);
    if (!s)
        goto fail;
    hss_store_bind_text(s, 1, code);
    hss_store_bind_text(s, 2, name);
    hss_store_bind_text(s, 3, facility);
    hss_store_bind_textn(s, 4, area, 6);
    if ((rc = care_step_done(st, s, err, "storing a team")))
        goto fail;
    if (phone && (rc = hss_care_team_set_phone(st, code, phone, err)))
        goto fail;
    /* villages */
    const char *p = villages ? villages : "";
    int nv = 0;
    while (*p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char v[32];
        snprintf(v, sizeof v, "%.*s", (int)(n < 31 ? n : 31), p);
        if (*v) {
            s = hss_store_prepare(st, "SELECT 1 FROM area WHERE code=? AND level='village'", err);
            if (!s)
                goto fail;
            hss_store_bind_text(s, 1, v);
            int ok = hss_store_step(s) == HSS_ROW;
            hss_store_finalize(s);
            if (!ok) {
                rc = hss_fail(err, HSS_EINVAL, "team %s: '%s' is not a village in the area table", code, v);
                goto fail;
            }
            if (strncmp(v, area, 6) != 0) {
                rc = hss_fail(err, HSS_EINVAL, "team %s: village %s is outside the county of facility %s", code, v, facility);
                goto fail;
            }
            s = hss_store_prepare(st, "INSERT INTO care_team_village VALUES(?,?) ON CONFLICT DO NOTHING", err);
            if (!s)
                goto fail;
            hss_store_bind_text(s, 1, code);
            hss_store_bind_text(s, 2, v);
            if ((rc = care_step_done(st, s, err, "storing a team village")))
                goto fail;
            nv++;
        }
        if (!e)
            break;
        p = e + 1;
    }
    if (!nv) {
        rc = hss_fail(err, HSS_EINVAL, "team %s: give the villages it serves (';'-separated village codes)", code);
        goto fail;
    }
    p = village_doctors ? village_doctors : "";
    while (*p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            s = hss_store_prepare(st, "INSERT INTO care_team_member(team_code,name,role) VALUES(?,?,'village_doctor')", err);
            if (!s)
                goto fail;
            hss_store_bind_text(s, 1, code);
            hss_store_bind_textn(s, 2, p, (int)n);
            if ((rc = care_step_done(st, s, err, "storing a team member")))
                goto fail;
        }
        if (!e)
            break;
        p = e + 1;
    }
    if ((rc = hss_store_bump_version(st, err)) || (rc = hss_store_commit(st, err)))
        goto fail;
    return HSS_OK;
fail:
    hss_store_rollback(st);
    return rc ? rc : HSS_EDB;
}

int hss_care_phone_check(const char *phone, char *why, size_t n)
{
    size_t len = strlen(phone), digits = 0, dash = 0, dash_at = 0;
    if (!len)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (phone[i] >= '0' && phone[i] <= '9') {
            digits++;
        } else if (phone[i] == '-' && !dash) {
            dash = 1;
            dash_at = i;
        } else {
            snprintf(why, n, "'%.40s' is not a phone number: only digits and one '-' after the area code", phone);
            return -1;
        }
    }
    int mobile = !dash && digits == 11 && phone[0] == '1' && phone[1] >= '3';
    /* area codes are 3 or 4 digits with the 0 (010, 0578); local numbers 7 or 8 digits */
    size_t area = dash ? dash_at : (len == 11 || len == 12) && phone[0] == '0' ? (phone[1] == '1' || phone[1] == '2' ? 3 : 4) : 0;
    size_t local = area ? digits - area : 0;
    int landline = phone[0] == '0' && area >= 3 && area <= 4 && local >= 7 && local <= 8;
    if (mobile || landline)
        return 0;
    snprintf(why, n, "'%.40s' is not a phone number: give a mobile number (11 digits, 13x-19x) or a landline with "
             "its area code (0578-2123456)", phone);
    return -1;
}

hss_code hss_care_team_set_phone(hss_store *st, const char *code, const char *phone, hss_error *err)
{
    char why[200];
    if (hss_care_phone_check(phone, why, sizeof why))
        return hss_fail(err, HSS_EINVAL, "team %s: phone: %s", code, why);
    hss_stmt *s = hss_store_prepare(st, "UPDATE care_team SET phone=? WHERE code=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, phone);
    hss_store_bind_text(s, 2, code);
    hss_code rc = care_step_done(st, s, err, "storing a team's phone number");
    if (!rc && !hss_store_changes(st))
        rc = hss_fail(err, HSS_ENOTFOUND, "no family-doctor team with code '%s'", code);
    return rc;
}

hss_code hss_care_teams_import(hss_store *st, const char *path, size_t *count, hss_error *err)
{
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err ? err->code : HSS_EIO;
    hss_csv_limit(csv, 4096, 1);
    static const char *const req[] = {"code", "name", "facility", "villages", NULL};
    static const char *const known[] = {"code", "name", "facility", "villages", "village_doctors", "phone"};
    if (hss_csv_read_header(csv, err) || hss_csv_require(csv, req, err)) {
        hss_csv_close(csv);
        return err ? err->code : HSS_EINVAL;
    }
    for (size_t c = 0; c < hss_csv_ncols(csv); c++) {
        const char *h = hss_csv_header(csv, c), *sug = hss_suggest(h, known, sizeof known / sizeof *known);
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            ok |= strcmp(h, known[k]) == 0;
        if (!ok) {
            hss_fail(err, HSS_EINVAL, "%s:1: unknown column '%s'%s%s%s (columns: code, name, facility, villages, "
                     "village_doctors, phone)", hss_csv_name(csv), h, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
            hss_csv_close(csv);
            return HSS_EINVAL;
        }
    }
    if (hss_store_begin(st, err)) {
        hss_csv_close(csv);
        return HSS_EDB;
    }
    /* an absent column (village_doctors, phone) leaves what is stored for each team alone */
    int has_doctors = hss_csv_col(csv, "village_doctors") >= 0, has_phone = hss_csv_col(csv, "phone") >= 0;
    hss_code rc = HSS_OK;
    size_t n = 0;
    int r;
    while (!rc && (r = hss_csv_next(csv, err)) == 1) {
        const char *code = hss_csv_get(csv, "code"), *phone = has_phone ? hss_csv_get(csv, "phone") : NULL;
        char why[200];
        if (phone && hss_care_phone_check(phone, why, sizeof why)) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column phone: %s", hss_csv_name(csv), hss_csv_line(csv), why);
            break;
        }
        hss_error e;
        hss_error_clear(&e);
        if ((rc = hss_care_team_store(st, code, hss_csv_get(csv, "name"), hss_csv_get(csv, "facility"), hss_csv_get(csv, "villages"),
                                      has_doctors ? hss_csv_get(csv, "village_doctors") : NULL, phone, &e)))
            hss_fail(err, rc, "%s:%zu: %s", hss_csv_name(csv), hss_csv_line(csv), e.msg);
        n++;
    }
    if (!rc && r < 0)
        rc = err && err->code ? err->code : HSS_EINVAL;
    hss_csv_close(csv);
    if (rc || (rc = hss_store_commit(st, err))) {
        hss_store_rollback(st);
        return rc;
    }
    if (count)
        *count = n;
    return HSS_OK;
}

hss_code hss_care_teams(hss_store *st, const char *facility, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT t.code,t.name,t.facility_code,coalesce(f.name,''),"
        " (SELECT count(*) FROM care_team_village v WHERE v.team_code=t.code),"
        " (SELECT count(*) FROM care_team_member m WHERE m.team_code=t.code AND m.role='village_doctor'),"
        " (SELECT count(*) FROM care_resident r WHERE r.village_code IN (SELECT village_code FROM care_team_village v WHERE v.team_code=t.code)),"
        " t.generated,t.phone FROM care_team t LEFT JOIN facility f ON f.code=t.facility_code "
        "WHERE ?1 IS NULL OR t.facility_code=?1 ORDER BY t.code", err);
    if (!s)
        return HSS_EDB;
    if (facility)
        hss_store_bind_text(s, 1, facility);
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "team_code", "团队代码", HSS_COL_TEXT);
    hss_table_add_col(t, "name", "团队", HSS_COL_TEXT);
    hss_table_add_col(t, "facility_code", "机构代码", HSS_COL_TEXT);
    hss_table_add_col(t, "facility", "所属机构", HSS_COL_TEXT);
    hss_table_add_col(t, "villages", "服务村数", HSS_COL_INT);
    hss_table_add_col(t, "village_doctors", "乡村医生", HSS_COL_INT);
    hss_table_add_col(t, "residents", "服务居民", HSS_COL_INT);
    hss_table_add_col(t, "generated", "生成数据", HSS_COL_INT);
    hss_table_add_col(t, "phone", "团队电话", HSS_COL_TEXT);
    care_fill(t, s);
    *out = t;
    return HSS_OK;
}

hss_code hss_care_contract_add(hss_store *st, const char *resident, const char *team,
                               const char *package, const char *start, const char *end,
                               int64_t *id, hss_error *err)
{
    if (!hss_care_package_valid(package))
        return hss_fail(err, HSS_EINVAL, "service package '%s': must be one of basic, elderly, chronic, "
                        "maternal_child, mental, tuberculosis, disabled, personalised", package ? package : "");
    int32_t sd, ed;
    if (hss_care_parse_day(start, 0, &sd) != 0)
        return hss_fail(err, HSS_EINVAL, "contract start '%s': not a date (YYYY-MM-DD)", start ? start : "");
    char endbuf[11];
    if (end) {
        if (hss_care_parse_day(end, 0, &ed) != 0)
            return hss_fail(err, HSS_EINVAL, "contract end '%s': not a date (YYYY-MM-DD)", end);
        if (ed < sd)
            return hss_fail(err, HSS_EINVAL, "contract end %s is before its start %s", end, start);
    } else {
        /* one year: the day before the same date next year */
        char nx[32];
        snprintf(nx, sizeof nx, "%04d-%.5s", atoi(start) + 1, start + 5);
        if (hss_care_parse_day(nx, 0, &ed) != 0) /* 29 Feb */
            hss_care_parse_day(start, 0, &ed), ed += 365;
        else
            ed -= 1;
    }
    hss_care_format_day(ed, endbuf);
    care_resident r;
    hss_code rc = care_resident_get(st, resident, &r, err);
    if (rc)
        return rc;
    hss_stmt *s = hss_store_prepare(st, "SELECT 1 FROM care_team WHERE code=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, team ? team : "");
    int found = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    if (!found)
        return hss_fail(err, HSS_ENOTFOUND, "no family-doctor team with code '%s'", team ? team : "");
    /* the previous contract: overlapping is refused, one ending within 90 days before is renewed */
    s = hss_store_prepare(st, "SELECT id,start_date,end_date FROM care_contract WHERE resident_id=? "
                              "ORDER BY end_date DESC LIMIT 1", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, r.id);
    int64_t prev = 0;
    int32_t pend = 0;
    char pe[11] = "";
    if (hss_store_step(s) == HSS_ROW) {
        prev = hss_store_col_int64(s, 0);
        snprintf(pe, sizeof pe, "%s", care_col_text(s, 2));
        hss_care_parse_day(pe, 0, &pend);
    }
    hss_store_finalize(s);
    if (prev && pend >= sd)
        return hss_fail(err, HSS_ECONFLICT, "resident %lld already has contract %lld running until %s; a renewal "
                        "starts after it ends", (long long)r.id, (long long)prev, pe);
    int renewal = prev && sd - pend <= 90;
    if (hss_store_begin(st, err))
        return HSS_EDB;
    s = hss_store_prepare(st, "INSERT INTO care_contract(resident_id,team_code,package,start_date,end_date,renewal_of,"
                              "village_code,county_code) VALUES(?,?,?,?,?,?,?,?)", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, r.id);
    hss_store_bind_text(s, 2, team);
    hss_store_bind_text(s, 3, package);
    hss_store_bind_textn(s, 4, start, 10);
    hss_store_bind_text(s, 5, endbuf);
    if (renewal)
        hss_store_bind_int64(s, 6, prev);
    hss_store_bind_text(s, 7, r.village);
    hss_store_bind_text(s, 8, r.county);
    if ((rc = care_step_done(st, s, err, "storing a contract"))) {
        hss_store_rollback(st);
        return rc;
    }
    if (id)
        *id = hss_store_last_id(st);
    if ((rc = care_commit(st, err)))
        return rc;
    return HSS_OK;
}

hss_code hss_care_contracts(hss_store *st, const hss_care_viewer *v, int32_t day, hss_table **out,
                            hss_error *err)
{
    hss_code rc = care_viewer_check(st, v, err);
    if (rc)
        return rc;
    char d[11];
    hss_care_format_day(day, d);
    hss_buf c, q;
    hss_buf_init(&c);
    hss_buf_init(&q);
    hss_buf_printf(&q, "SELECT c.id,c.resident_id,r.id_number,r.name,c.team_code,c.package,c.start_date,c.end_date,"
                       "c.renewal_of,(c.start_date<=?1 AND c.end_date>=?1) FROM care_contract c "
                       "JOIN care_resident r ON r.id=c.resident_id WHERE %s ORDER BY c.id",
                   care_scope_clause(v, "c.village_code", &c));
    hss_stmt *s = hss_store_prepare(st, q.data, err);
    hss_buf_free(&c);
    hss_buf_free(&q);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, d);
    if ((rc = care_scope_bind(st, s, v, err)) || (rc = hss_store_begin(st, err))) {
        hss_store_finalize(s);
        return rc;
    }
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "contract_id", "签约编号", HSS_COL_INT);
    hss_table_add_col(t, "resident_id", "居民编号", HSS_COL_INT);
    hss_table_add_col(t, "id_number", "身份证号", HSS_COL_TEXT);
    hss_table_add_col(t, "name", "姓名", HSS_COL_TEXT);
    hss_table_add_col(t, "team_code", "团队", HSS_COL_TEXT);
    hss_table_add_col(t, "package", "服务包", HSS_COL_TEXT);
    hss_table_add_col(t, "start_date", "开始", HSS_COL_TEXT);
    hss_table_add_col(t, "end_date", "结束", HSS_COL_TEXT);
    hss_table_add_col(t, "renewal_of", "续约自", HSS_COL_INT);
    hss_table_add_col(t, "active", "有效", HSS_COL_INT);
    hss_vec ids; /* the residents listed: one access-log row names them */
    hss_vec_init(&ids, sizeof(int64_t));
    while (hss_store_step(s) == HSS_ROW) {
        char m[19];
        hss_care_id_mask(care_col_text(s, 2), m);
        hss_table_add_row(t);
        hss_table_set_int(t, 0, hss_store_col_int64(s, 0));
        hss_table_set_int(t, 1, hss_store_col_int64(s, 1));
        hss_table_set_text(t, 2, m);
        for (int i = 3; i < 8; i++)
            hss_table_set_text(t, (size_t)i, care_col_text(s, i));
        if (!hss_store_col_is_null(s, 8))
            hss_table_set_int(t, 8, hss_store_col_int64(s, 8));
        hss_table_set_int(t, 9, hss_store_col_int(s, 9));
        *(int64_t *)hss_vec_push(&ids) = hss_store_col_int64(s, 1);
    }
    hss_store_finalize(s);
    rc = hss_care_audit_list(st, v && v->user ? v->user : "unknown", "contracts", ids.items, ids.len, err);
    hss_vec_free(&ids);
    return care_commit_table(st, rc, t, out, err);
}
