/*
 * resident.c: residents (常住人口 as individual records): strict CSV import, lookup, the
 * key-group flags (重点人群) derived from age and recorded conditions, and the access log
 * (care_access_log) written on every read of a named resident.
 */
#include "care/care_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

static const hss_term GROUPS[] = {
    {"hypertension", "高血压患者", "hypertension"},
    {"diabetes", "2型糖尿病患者", "type-2 diabetes"},
    {"severe_mental_illness", "严重精神障碍患者", "severe mental illness"},
    {"tuberculosis", "肺结核患者", "tuberculosis"},
    {"disabled", "残疾人", "disabled"},
    {"pregnant", "孕产妇", "pregnant or postpartum"},
    {"elderly", "65岁及以上老年人", "aged 65+"},
    {"child", "0-6岁儿童", "child 0-6"},
};

int hss_care_conditions_parse(const char *s, unsigned *mask, char *bad)
{
    *mask = 0;
    const char *p = s ? s : "";
    while (*p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && isspace((unsigned char)*p)) {
            p++;
            n--;
        }
        while (n && isspace((unsigned char)p[n - 1]))
            n--;
        if (n) {
            int found = 0;
            for (int i = 0; i < HSS_CARE_CONDITION_COUNT; i++)
                if (strlen(GROUPS[i].id) == n && memcmp(GROUPS[i].id, p, n) == 0) {
                    *mask |= 1u << i;
                    found = 1;
                }
            if (!found) {
                snprintf(bad, 64, "%.*s", (int)(n > 60 ? 60 : n), p);
                return -1;
            }
        }
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

void hss_care_groups_format(unsigned mask, int zh, hss_buf *out)
{
    int first = 1;
    for (size_t i = 0; i < sizeof GROUPS / sizeof *GROUPS; i++)
        if (mask & (1u << i)) {
            if (!first)
                hss_buf_puts(out, zh ? "、" : ";");
            hss_buf_puts(out, zh ? GROUPS[i].zh : GROUPS[i].id);
            first = 0;
        }
}

unsigned hss_care_key_groups(int32_t birth, unsigned conditions, int32_t day)
{
    int age = hss_care_age(birth, day);
    unsigned m = conditions;
    if (age >= 65)
        m |= HSS_CARE_ELDERLY;
    if (age >= 0 && age <= 6)
        m |= HSS_CARE_CHILD;
    return m;
}

/* A resident whose new village lies in another county moves there first, so that the import's
 * upsert, keyed by ID number and county (the partition key on PostgreSQL), finds them. */
static hss_code move_county(hss_store *st, const char *id_number, const char *village, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "UPDATE care_resident SET county_code=? WHERE id_number=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_textn(s, 1, village, 6);
    hss_store_bind_text(s, 2, id_number);
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "moving a resident to another county");
}

hss_code hss_care_audit(hss_store *st, const char *user, const char *action, int64_t resident_id,
                        hss_error *err)
{
    return hss_care_audit_county(st, user, action, resident_id, NULL, err);
}

hss_code hss_care_audit_county(hss_store *st, const char *user, const char *action, int64_t resident_id,
                               const char *county, hss_error *err)
{
    char ts[24];
    care_timestamp(ts);
    int known = county && *county;
    hss_stmt *s = hss_store_prepare(st, known ? "INSERT INTO care_access_log(at,user_name,action,resident_id,county_code) "
                                                "VALUES(?1,?2,?3,?4,?5)"
                                              : "INSERT INTO care_access_log(at,user_name,action,resident_id,county_code) "
                                                "VALUES(?1,?2,?3,?4," CARE_COUNTY_OF("?4") ")", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, ts);
    hss_store_bind_text(s, 2, user && *user ? user : "unknown");
    hss_store_bind_text(s, 3, action);
    hss_store_bind_int64(s, 4, resident_id);
    if (known)
        hss_store_bind_text(s, 5, county);
    return care_step_done(st, s, err, "writing the access log");
}

hss_code care_resident_get(hss_store *st, const char *key, care_resident *r, hss_error *err)
{
    memset(r, 0, sizeof *r);
    int by_number = key && strlen(key) == 18;
    int64_t id = 0;
    if (!key || (!by_number && (hss_parse_int64(key, &id) != 0 || id <= 0)))
        return hss_fail(err, HSS_EINVAL, "resident '%s': give an 18-character ID number or a resident id",
                        key ? key : "");
    hss_stmt *s = hss_store_prepare(st, by_number
        ? "SELECT id,id_number,name,sex,birth_date,village_code,county_code,conditions FROM care_resident WHERE id_number=upper(?)"
        : "SELECT id,id_number,name,sex,birth_date,village_code,county_code,conditions FROM care_resident WHERE id=?", err);
    if (!s)
        return HSS_EDB;
    if (by_number)
        hss_store_bind_text(s, 1, key);
    else
        hss_store_bind_int64(s, 1, id);
    int rc = hss_store_step(s);
    if (rc == HSS_ROW) {
        r->id = hss_store_col_int64(s, 0);
        snprintf(r->id_number, sizeof r->id_number, "%s", care_col_text(s, 1));
        snprintf(r->name, sizeof r->name, "%s", care_col_text(s, 2));
        snprintf(r->sex, sizeof r->sex, "%s", care_col_text(s, 3));
        snprintf(r->birth_date, sizeof r->birth_date, "%s", care_col_text(s, 4));
        snprintf(r->village, sizeof r->village, "%s", care_col_text(s, 5));
        snprintf(r->county, sizeof r->county, "%s", care_col_text(s, 6));
        r->conditions = (unsigned)hss_store_col_int(s, 7);
        hss_care_parse_day(r->birth_date, 0, &r->birth);
    }
    hss_store_finalize(s);
    if (rc == HSS_ROW)
        return HSS_OK;
    if (rc != HSS_DONE)
        return hss_store_error(st, err, "reading residents");
    char masked[19];
    if (by_number)
        hss_care_id_mask(key, masked);
    return hss_fail(err, HSS_ENOTFOUND, "no resident %s", by_number ? masked : key);
}

/* ---- import ---------------------------------------------------------------------------------- */

static int village_exists(hss_stmt *s, const char *code)
{
    hss_store_reset(s);
    hss_store_bind_text(s, 1, code);
    return hss_store_step(s) == HSS_ROW;
}

static const char *parse_sex(const char *s)
{
    if (strcmp(s, "male") == 0 || strcmp(s, "男") == 0)
        return "male";
    if (strcmp(s, "female") == 0 || strcmp(s, "女") == 0)
        return "female";
    return NULL;
}

hss_code hss_care_residents_import(hss_store *st, const char *path, hss_care_import_stats *stats,
                                   hss_error *err)
{
    hss_care_import_stats local = {0};
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err ? err->code : HSS_EIO;
    /* no control characters in any field; no field over 256 bytes (names and households have
     * their own, lower limits below) */
    hss_csv_limit(csv, 256, 1);
    static const char *const req[] = {"id_number", "name", "sex", "birth_date", "village_code", NULL};
    if (hss_csv_read_header(csv, err) || hss_csv_require(csv, req, err)) {
        hss_csv_close(csv);
        return err ? err->code : HSS_EINVAL;
    }
    static const char *const known[] = {"id_number", "name", "sex", "birth_date", "village_code", "household", "conditions"};
    for (size_t c = 0; c < hss_csv_ncols(csv); c++) {
        const char *h = hss_csv_header(csv, c);
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            ok |= strcmp(h, known[k]) == 0;
        if (!ok) {
            const char *sug = hss_suggest(h, known, sizeof known / sizeof *known);
            hss_fail(err, HSS_EINVAL, "%s:1: unknown column '%s'%s%s%s (columns: id_number, name, sex, birth_date, "
                     "village_code, household, conditions)", hss_csv_name(csv), h, sug ? " (did you mean '" : "",
                     sug ? sug : "", sug ? "'?)" : "");
            hss_csv_close(csv);
            return HSS_EINVAL;
        }
    }
    if (hss_store_begin(st, err)) {
        hss_csv_close(csv);
        return HSS_EDB;
    }
    hss_code rc = HSS_OK;
    hss_stmt *vq = hss_store_prepare(st, "SELECT 1 FROM area WHERE code=? AND level='village'", err);
    hss_stmt *ex = hss_store_prepare(st, "SELECT household,conditions,county_code FROM care_resident WHERE id_number=?", err);
    /* A column absent from the file (?9 household, ?10 conditions = 0) leaves the stored value
     * alone; only a present cell, empty or not, replaces it. */
    hss_stmt *ins = hss_store_prepare(st,
        "INSERT INTO care_resident(id_number,name,sex,birth_date,village_code,county_code,household,conditions,generated) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,0) ON CONFLICT(id_number, county_code) DO UPDATE SET name=excluded.name,"
        " sex=excluded.sex, birth_date=excluded.birth_date, village_code=excluded.village_code,"
        " household=CASE WHEN ?9<>0 THEN excluded.household ELSE care_resident.household END,"
        " conditions=CASE WHEN ?10<>0 THEN excluded.conditions ELSE care_resident.conditions END,"
        " generated=0", err);
    /* ID numbers seen in this file, to refuse duplicates (two lines for one person). */
    hss_stmt *seen_tmp = NULL;
    if (!vq || !ex || !ins) {
        rc = HSS_EDB;
        goto done;
    }
    if (hss_store_exec(st, "CREATE TEMP TABLE IF NOT EXISTS care_import_seen(id_number TEXT PRIMARY KEY, line INTEGER);"
                           "DELETE FROM care_import_seen;", err)) {
        rc = HSS_EDB;
        goto done;
    }
    seen_tmp = hss_store_prepare(st, "INSERT INTO care_import_seen VALUES(?,?) ON CONFLICT(id_number) DO UPDATE SET line=care_import_seen.line RETURNING line", err);
    if (!seen_tmp) {
        rc = HSS_EDB;
        goto done;
    }
    const char *file = hss_csv_name(csv);
    int has_household = hss_csv_col(csv, "household") >= 0, has_conditions = hss_csv_col(csv, "conditions") >= 0;
    int r;
    while ((r = hss_csv_next(csv, err)) == 1) {
        size_t line = hss_csv_line(csv);
        local.rows++;
        char idn[19];
        const char *idraw = hss_csv_get(csv, "id_number");
        const char *why = hss_care_id_check(idraw);
        char masked[19];
        hss_care_id_mask(idraw, masked);
        if (why) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column id_number: value '%s': %s", file, line, masked, why);
            goto done;
        }
        for (int i = 0; i < 18; i++)
            idn[i] = (char)toupper((unsigned char)idraw[i]);
        idn[18] = 0;
        const char *name = hss_csv_get(csv, "name");
        char shown[100];
        if (!*name) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column name: empty", file, line);
            goto done;
        }
        if (strlen(name) > 100) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column name: value '%s' is longer than 100 bytes", file, line,
                          hss_text_shown(name, shown, sizeof shown));
            goto done;
        }
        const char *sexraw = hss_csv_get(csv, "sex");
        const char *sex = parse_sex(sexraw);
        if (!sex) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column sex: value '%s': must be male or female (男/女)", file, line,
                          hss_text_shown(sexraw, shown, sizeof shown));
            goto done;
        }
        if (strcmp(sex, hss_care_id_sex(idn)) != 0) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column sex: value '%s' disagrees with ID %s, whose 17th digit says %s",
                          file, line, sexraw, masked, hss_care_id_sex(idn));
            goto done;
        }
        const char *birth = hss_csv_get(csv, "birth_date");
        int32_t bday;
        if (hss_care_parse_day(birth, 0, &bday) != 0) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column birth_date: value '%s': not a date (YYYY-MM-DD)", file, line,
                          hss_text_shown(birth, shown, sizeof shown));
            goto done;
        }
        char idbirth[11];
        hss_care_id_birth(idn, idbirth);
        if (strcmp(idbirth, birth) != 0) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column birth_date: value '%s' disagrees with the birth date in ID %s",
                          file, line, birth, masked);
            goto done;
        }
        const char *village = hss_csv_get(csv, "village_code");
        if (!village_exists(vq, village)) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column village_code: value '%s': not a village in the area table",
                          file, line, hss_text_shown(village, shown, sizeof shown));
            goto done;
        }
        const char *household = has_household ? hss_csv_get(csv, "household") : "";
        const char *conds = has_conditions ? hss_csv_get(csv, "conditions") : "";
        if (strlen(household) > 64) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column household: value '%s' is longer than 64 bytes", file, line,
                          hss_text_shown(household, shown, sizeof shown));
            goto done;
        }
        unsigned mask = 0;
        char bad[64];
        if (hss_care_conditions_parse(conds, &mask, bad) != 0) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column conditions: value '%s': unknown condition '%s' (known: "
                          "hypertension, diabetes, severe_mental_illness, tuberculosis, disabled, pregnant)",
                          file, line, hss_text_shown(conds, shown, sizeof shown), bad);
            goto done;
        }
        if ((mask & HSS_CARE_PREGNANT) && strcmp(sex, "female") != 0) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column conditions: 'pregnant' for a male resident", file, line);
            goto done;
        }
        hss_store_reset(seen_tmp);
        hss_store_bind_text(seen_tmp, 1, idn);
        hss_store_bind_int64(seen_tmp, 2, (int64_t)line);
        if (hss_store_step(seen_tmp) == HSS_ROW && (size_t)hss_store_col_int64(seen_tmp, 0) != line) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column id_number: value '%s' already on line %lld",
                          file, line, masked, (long long)hss_store_col_int64(seen_tmp, 0));
            goto done;
        }
        hss_store_reset(seen_tmp);
        hss_store_reset(ex);
        hss_store_bind_text(ex, 1, idn);
        int existed = hss_store_step(ex) == HSS_ROW;
        if (existed) {
            const char *old_household = hss_store_col_text(ex, 0);
            if (has_household && !*household && old_household && *old_household)
                local.cleared_households++;
            if (has_conditions && mask == 0 && hss_store_col_int(ex, 1) != 0)
                local.cleared_conditions++;
            const char *old_county = hss_store_col_text(ex, 2);
            if (old_county && strncmp(old_county, village, 6) != 0 && move_county(st, idn, village, err)) {
                rc = HSS_EDB;
                goto done;
            }
        }
        hss_store_reset(ins);
        hss_store_bind_text(ins, 1, idn);
        hss_store_bind_text(ins, 2, name);
        hss_store_bind_text(ins, 3, sex);
        hss_store_bind_text(ins, 4, birth);
        hss_store_bind_text(ins, 5, village);
        hss_store_bind_textn(ins, 6, village, 6);
        hss_store_bind_text(ins, 7, household);
        hss_store_bind_int(ins, 8, (int)mask);
        hss_store_bind_int(ins, 9, has_household);
        hss_store_bind_int(ins, 10, has_conditions);
        if (hss_store_step(ins) != HSS_DONE) {
            rc = hss_store_error(st, err, "storing a resident");
            goto done;
        }
        if (existed)
            local.updated++;
        else
            local.inserted++;
    }
    if (r < 0)
        rc = err ? err->code : HSS_EINVAL;
done:
    hss_store_finalize(vq);
    hss_store_finalize(ex);
    hss_store_finalize(ins);
    hss_store_finalize(seen_tmp);
    hss_csv_close(csv);
    if (rc == HSS_OK && local.rows) /* a header-only file changes nothing */
        rc = hss_store_bump_version(st, err);
    if (rc == HSS_OK)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    if (rc == HSS_OK && stats)
        *stats = local;
    return rc;
}

/* ---- reading ---------------------------------------------------------------------------------- */

static void add_resident_cols(hss_table *t)
{
    hss_table_add_col(t, "resident_id", "编号", HSS_COL_INT);
    hss_table_add_col(t, "id_number", "身份证号", HSS_COL_TEXT);
    hss_table_add_col(t, "name", "姓名", HSS_COL_TEXT);
    hss_table_add_col(t, "sex", "性别", HSS_COL_TEXT);
    hss_table_add_col(t, "birth_date", "出生日期", HSS_COL_TEXT);
    hss_table_add_col(t, "age", "年龄", HSS_COL_INT);
    hss_table_add_col(t, "village_code", "村(社区)代码", HSS_COL_TEXT);
    hss_table_add_col(t, "village", "村(社区)", HSS_COL_TEXT);
    hss_table_add_col(t, "household", "户号", HSS_COL_TEXT);
    hss_table_add_col(t, "key_groups", "重点人群", HSS_COL_TEXT);
    hss_table_add_col(t, "generated", "生成数据", HSS_COL_INT);
}

/* Fills the resident columns from a row (id,id_number,name,sex,birth_date,village_code,
 * village name,household,conditions,generated) starting at column c0 of s. */
static void set_resident_cols(hss_table *t, hss_stmt *s, int32_t day)
{
    char masked[19];
    hss_care_id_mask(care_col_text(s, 1), masked);
    int32_t birth = 0;
    hss_care_parse_day(care_col_text(s, 4), 0, &birth);
    hss_table_set_int(t, 0, hss_store_col_int64(s, 0));
    hss_table_set_text(t, 1, masked);
    hss_table_set_text(t, 2, care_col_text(s, 2));
    hss_table_set_text(t, 3, strcmp(care_col_text(s, 3), "male") == 0 ? "男" : "女");
    hss_table_set_text(t, 4, care_col_text(s, 4));
    hss_table_set_int(t, 5, hss_care_age(birth, day));
    hss_table_set_text(t, 6, care_col_text(s, 5));
    hss_table_set_text(t, 7, care_col_text(s, 6));
    hss_table_set_text(t, 8, care_col_text(s, 7));
    hss_buf g;
    hss_buf_init(&g);
    hss_care_groups_format(hss_care_key_groups(birth, (unsigned)hss_store_col_int(s, 8), day), 1, &g);
    hss_table_set_text(t, 9, g.data ? g.data : "");
    hss_buf_free(&g);
    hss_table_set_int(t, 10, hss_store_col_int(s, 9));
}

#define RESIDENT_SELECT                                                                          \
    "SELECT r.id,r.id_number,r.name,r.sex,r.birth_date,r.village_code,coalesce(a.name,''),"      \
    "r.household,r.conditions,r.generated FROM care_resident r LEFT JOIN area a ON a.code=r.village_code "

hss_code hss_care_resident_find(hss_store *st, const hss_care_viewer *v, const char *key,
                                int64_t *resident_id, hss_error *err)
{
    care_resident r;
    hss_code rc = care_resident_get(st, key, &r, err);
    if (rc)
        return rc;
    rc = care_scope_check(st, v, &r, err);
    if (rc)
        return rc;
    *resident_id = r.id;
    return HSS_OK;
}

hss_code hss_care_resident_show(hss_store *st, const hss_care_viewer *v, const char *key,
                                int32_t day, hss_table **record, hss_table **log, hss_error *err)
{
    care_resident r;
    hss_code rc = care_resident_get(st, key, &r, err);
    if (rc)
        return rc;
    rc = care_scope_check(st, v, &r, err);
    if (rc)
        return rc;
    rc = hss_care_audit(st, v && v->user ? v->user : (v && v->self_id_number ? "resident" : "unknown"),
                        "show", r.id, err);
    if (rc)
        return rc;
    hss_stmt *s;
    hss_table *t;
    /* Build the final table: resident columns, then contract and chronic columns. */
    t = hss_table_new();
    add_resident_cols(t);
    size_t c_team = hss_table_add_col(t, "contract_team", "签约团队", HSS_COL_TEXT);
    size_t c_pkg = hss_table_add_col(t, "contract_package", "服务包", HSS_COL_TEXT);
    size_t c_end = hss_table_add_col(t, "contract_end", "签约到期", HSS_COL_TEXT);
    size_t c_chr = hss_table_add_col(t, "chronic", "慢病管理", HSS_COL_TEXT);
    /* the team a resident calls: its name and phone number (generated with demo data) */
    size_t c_tname = hss_table_add_col(t, "contract_team_name", "签约团队名称", HSS_COL_TEXT);
    size_t c_phone = hss_table_add_col(t, "team_phone", "团队电话", HSS_COL_TEXT);
    size_t c_tgen = hss_table_add_col(t, "team_generated", "团队为生成数据", HSS_COL_INT);
    s = hss_store_prepare(st, RESIDENT_SELECT "WHERE r.id=?", err);
    if (!s) {
        hss_table_free(t);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, r.id);
    if (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        set_resident_cols(t, s, day);
    }
    hss_store_finalize(s);
    char d[11];
    hss_care_format_day(day, d);
    s = hss_store_prepare(st,
        "SELECT c.team_code,c.package,c.end_date,coalesce(t.name,''),coalesce(t.phone,''),coalesce(t.generated,0) "
        "FROM care_contract c LEFT JOIN care_team t ON t.code=c.team_code "
        "WHERE c.resident_id=? AND c.start_date<=? AND c.end_date>=? ORDER BY c.start_date DESC LIMIT 1", err);
    if (s) {
        hss_store_bind_int64(s, 1, r.id);
        hss_store_bind_text(s, 2, d);
        hss_store_bind_text(s, 3, d);
        if (hss_store_step(s) == HSS_ROW) {
            hss_table_set_text(t, c_team, care_col_text(s, 0));
            hss_table_set_text(t, c_pkg, care_col_text(s, 1));
            hss_table_set_text(t, c_end, care_col_text(s, 2));
            hss_table_set_text(t, c_tname, care_col_text(s, 3));
            hss_table_set_text(t, c_phone, care_col_text(s, 4));
            hss_table_set_int(t, c_tgen, hss_store_col_int64(s, 5));
        }
        hss_store_finalize(s);
    }
    s = hss_store_prepare(st, "SELECT disease,enrolled_on FROM care_enrolment WHERE resident_id=? ORDER BY disease", err);
    if (s) {
        hss_buf b;
        hss_buf_init(&b);
        hss_store_bind_int64(s, 1, r.id);
        while (hss_store_step(s) == HSS_ROW)
            hss_buf_printf(&b, "%s%s(since %s)", b.len ? ";" : "", care_col_text(s, 0), care_col_text(s, 1));
        hss_table_set_text(t, c_chr, b.data ? b.data : "");
        hss_buf_free(&b);
        hss_store_finalize(s);
    }
    if (log) {
        s = hss_store_prepare(st, "SELECT at,user_name,action FROM care_access_seen WHERE resident_id=? ORDER BY id", err);
        if (!s) {
            hss_table_free(t);
            return HSS_EDB;
        }
        hss_store_bind_int64(s, 1, r.id);
        hss_table *l = hss_table_new();
        hss_table_add_col(l, "at", "时间", HSS_COL_TEXT);
        hss_table_add_col(l, "user", "查阅人", HSS_COL_TEXT);
        hss_table_add_col(l, "action", "操作", HSS_COL_TEXT);
        care_fill(l, s);
        *log = l;
    }
    *record = t;
    return HSS_OK;
}

hss_code hss_care_residents_list(hss_store *st, const hss_care_viewer *v, int32_t day, size_t limit,
                                 hss_table **out, hss_error *err)
{
    hss_code rc = care_viewer_check(st, v, err);
    if (rc)
        return rc;
    hss_buf c, q;
    hss_buf_init(&c);
    hss_buf_init(&q);
    hss_buf_printf(&q, RESIDENT_SELECT "WHERE %s ORDER BY r.village_code, r.household, r.id LIMIT :limit",
                   care_scope_clause(v, "r.village_code", &c));
    hss_stmt *s = hss_store_prepare(st, q.data, err);
    hss_buf_free(&c);
    hss_buf_free(&q);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, hss_store_bind_index(s, ":limit"), limit ? (int64_t)limit : INT64_MAX);
    rc = care_scope_bind(st, s, v, err);
    if (rc) {
        hss_store_finalize(s);
        return rc;
    }
    if (hss_store_begin(st, err)) {
        hss_store_finalize(s);
        return HSS_EDB;
    }
    hss_table *t = hss_table_new();
    add_resident_cols(t);
    hss_vec ids; /* the residents listed: one access-log row names them */
    hss_vec_init(&ids, sizeof(int64_t));
    int r;
    while ((r = hss_store_step(s)) == HSS_ROW) {
        hss_table_add_row(t);
        set_resident_cols(t, s, day);
        *(int64_t *)hss_vec_push(&ids) = hss_store_col_int64(s, 0);
    }
    hss_store_finalize(s);
    if (r != HSS_DONE)
        rc = hss_store_error(st, err, "reading residents");
    else
        rc = hss_care_audit_list(st, v && v->user ? v->user : "unknown", "list", ids.items, ids.len, err);
    hss_vec_free(&ids);
    if (!rc)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    *out = t;
    return HSS_OK;
}
