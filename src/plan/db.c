/*
 * db.c: every SQL statement of the plan module, so that the store interface can later move
 * them behind a backend without hunting through the logic. The functions here read and write
 * rows and nothing else: what is allowed, what a change means and what to show are decided in
 * eval.c, tasks.c, report.c, rect.c and bulletin.c. Callers own the transactions.
 */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <sodium.h>

#include "plan/plan_int.h"

static void bind_text(hss_stmt *s, int i, const char *v)
{
    if (v)
        hss_store_bind_copy(s, i, v);
    else
        hss_store_bind_null(s, i);
}

static const char *col_text(hss_stmt *s, int c)
{
    const char *v = hss_store_col_text(s, c);
    return v ? (const char *)v : "";
}

/* Runs a statement that returns no rows and finalizes it. */
static hss_code step_done(hss_store *st, hss_stmt *s, const char *what, hss_error *err)
{
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, what);
}

/* Copies the rows of `s` into a new table with the given columns (types decide how a cell is
 * set; NULL stays null) and finalizes `s`. */
typedef struct colspec {
    const char *name, *label;
    hss_col_type type;
} colspec;

/* Sets the first n cells of the table's last row from the statement's row. */
static void fill_row(hss_table *t, hss_stmt *s, const colspec *cols, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        int sc = (int)c;
        if (hss_store_col_is_null(s, sc))
            continue;
        if (cols[c].type == HSS_COL_INT)
            hss_table_set_int(t, c, hss_store_col_int64(s, sc));
        else if (cols[c].type == HSS_COL_REAL)
            hss_table_set_real(t, c, hss_store_col_double(s, sc), 4);
        else
            hss_table_set_text(t, c, col_text(s, sc));
    }
}

static hss_table *table_of(const colspec *cols, size_t n)
{
    hss_table *t = hss_table_new();
    for (size_t c = 0; c < n; c++)
        hss_table_add_col(t, cols[c].name, cols[c].label, cols[c].type);
    return t;
}

static hss_table *rows_to_table(hss_stmt *s, const colspec *cols, size_t n)
{
    hss_table *t = table_of(cols, n);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        fill_row(t, s, cols, n);
    }
    hss_store_finalize(s);
    return t;
}

/* ---- actors and audit ------------------------------------------------------------------------ */

hss_code plan_db_actor(hss_store *st, const char *user, hss_plan_actor *a, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT role,scope,coalesce(unit,'') FROM app_user WHERE name=? AND disabled=0", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, user);
    hss_code rc = HSS_OK;
    if (hss_store_step(s) == HSS_ROW) {
        snprintf(a->user, sizeof a->user, "%s", user);
        snprintf(a->role, sizeof a->role, "%s", col_text(s, 0));
        snprintf(a->scope, sizeof a->scope, "%s", col_text(s, 1));
        snprintf(a->unit, sizeof a->unit, "%s", col_text(s, 2));
    } else {
        rc = hss_fail(err, HSS_ENOTFOUND, "no such user '%s' (add it with hss user add)", user);
    }
    hss_store_finalize(s);
    return rc;
}

hss_code plan_db_audit(hss_store *st, const hss_plan_actor *who, const char *action,
                       const char *target, const char *detail, hss_error *err)
{
    char at[21];
    hss_utc_timestamp(at);
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO audit(at,user_name,ip,action,target,status,detail) VALUES(?,?,?,?,?,0,?)", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, at);
    bind_text(s, 2, who->user);
    bind_text(s, 3, who->ip);
    bind_text(s, 4, action);
    bind_text(s, 5, target);
    bind_text(s, 6, detail ? detail : "");
    return step_done(st, s, "writing the audit record", err);
}

/* ---- saved evaluations ----------------------------------------------------------------------- */

hss_code plan_db_eval_insert(hss_store *st, const hss_plan_actor *who, const plan_eval_meta *m,
                             int64_t *id, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO plan_eval(at,pack,pack_title,pack_version,year,data_version,pass,fail,unknown,"
        "user_name,label) VALUES(?,?,?,?,?,?,?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, m->at);
    bind_text(s, 2, m->pack);
    bind_text(s, 3, m->pack_title ? m->pack_title : m->pack);
    bind_text(s, 4, m->pack_version);
    hss_store_bind_int(s, 5, m->year);
    hss_store_bind_int64(s, 6, m->data_version);
    hss_store_bind_int64(s, 7, (int64_t)m->pass);
    hss_store_bind_int64(s, 8, (int64_t)m->fail);
    hss_store_bind_int64(s, 9, (int64_t)m->unknown);
    bind_text(s, 10, who->user);
    bind_text(s, 11, m->label ? m->label : "");
    hss_code rc = step_done(st, s, "saving the evaluation", err);
    if (rc == HSS_OK)
        *id = hss_store_last_id(st);
    return rc;
}

/* The rows of a saved evaluation go in through the store's bulk loader (one reused INSERT on
 * SQLite, COPY on PostgreSQL), in the caller's transaction: first one row per rule (title,
 * unit, document), then one per finding. */

/* The rule's row: title, unit, document, once per rule (findings come rule by rule, and a pack
 * holds each rule id once, so a rule's rows are together). */
static hss_code rules_load(hss_store *st, int64_t id, const hss_table *f, const size_t *col,
                           hss_error *err)
{
    static const char *const cols[] = {"eval_id", "rule", "title", "unit", "document"};
    hss_store_loader *ld = hss_store_load_begin(st, "plan_eval_rule", cols, 5, err);
    if (!ld)
        return HSS_EDB;
    const char *last = NULL;
    for (size_t r = 0; r < hss_table_rows(f); r++) {
        const char *rule = hss_table_cell(f, r, col[0]);
        if (last && strcmp(last, rule) == 0)
            continue;
        last = rule;
        hss_store_load_int(ld, 0, id);
        for (int k = 0; k < 4; k++)
            hss_store_load_text(ld, k + 1, hss_table_cell(f, r, col[k]));
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return hss_store_load_end(ld, err);
}

/* The names of the areas and facilities the findings name, once each. */
static hss_code names_load(hss_store *st, int64_t id, const hss_table *f, hss_error *err)
{
    static const char *const cols[] = {"eval_id", "kind", "code", "name"};
    static const char *const kinds[] = {"area", "facility"};
    plan_name *names;
    size_t n = plan_names_of(f, &names);
    hss_store_loader *ld = hss_store_load_begin(st, "plan_eval_name", cols, 4, err);
    if (!ld) {
        free(names);
        return HSS_EDB;
    }
    for (size_t i = 0; i < n; i++) {
        hss_store_load_int(ld, 0, id);
        hss_store_load_text(ld, 1, kinds[names[i].kind]);
        hss_store_load_text(ld, 2, names[i].code);
        hss_store_load_text(ld, 3, names[i].name);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            free(names);
            return HSS_EDB;
        }
    }
    free(names);
    return hss_store_load_end(ld, err);
}

/* A finding's number column: NULL when empty or not a number. */
static void load_number(hss_store_loader *ld, int c, const hss_table *f, size_t r, size_t col)
{
    double v;
    if (hss_table_is_null(f, r, col) || hss_parse_double(hss_table_cell(f, r, col), &v) != 0)
        hss_store_load_null(ld, c);
    else
        hss_store_load_double(ld, c, v);
}

/* One row per finding: key, county, status, numbers and what differs per finding (the gap
 * text); title, unit and document are in the rule's row, the names in plan_eval_name ('' here).
 * Keys are unique (one finding
 * per rule and area or facility); the table's unique index would refuse a repeat and the save
 * roll back. */
static hss_code findings_load(hss_store *st, int64_t id, const hss_table *f, const size_t *col,
                              hss_error *err)
{
    static const char *const cols[] = {"eval_id", "rule", "area", "facility", "county", "status",
                                       "observed", "target", "gap", "area_name", "facility_name",
                                       "gap_text", "title", "unit", "document"};
    hss_store_loader *ld = hss_store_load_begin(st, "plan_finding", cols, 15, err);
    if (!ld)
        return HSS_EDB;
    for (size_t r = 0; r < hss_table_rows(f); r++) {
        const char *area = hss_table_cell(f, r, col[1]);
        char county[7];
        plan_county_of(area, county);
        hss_store_load_int(ld, 0, id);
        hss_store_load_text(ld, 1, hss_table_cell(f, r, col[0]));
        hss_store_load_text(ld, 2, area);
        hss_store_load_text(ld, 3, hss_table_cell(f, r, col[2]));
        hss_store_load_text(ld, 4, county);
        hss_store_load_text(ld, 5, hss_table_cell(f, r, col[3]));
        for (int k = 4; k <= 6; k++)
            load_number(ld, k + 2, f, r, col[k]);
        hss_store_load_text(ld, 11, hss_table_cell(f, r, col[9]));
        for (int k = 12; k <= 14; k++)
            hss_store_load_text(ld, k, "");
        hss_store_load_text(ld, 9, "");
        hss_store_load_text(ld, 10, "");
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return hss_store_load_end(ld, err);
}

hss_code plan_db_findings_insert(hss_store *st, int64_t id, const hss_table *f, hss_error *err)
{
    static const char *const names[] = {"rule", "area", "facility", "status", "observed", "target",
                                        "gap", "area_name", "facility_name", "gap_text",
                                        "rule", "title", "unit", "document"};
    enum { N = sizeof names / sizeof *names };
    size_t col[N];
    for (size_t k = 0; k < N; k++)
        if ((col[k] = plan_col(f, names[k])) == (size_t)-1)
            return hss_fail(err, HSS_EUNKNOWN, "evaluation result has no column '%s'", names[k]);
    hss_code rc = rules_load(st, id, f, col + 10, err);
    if (rc == HSS_OK)
        rc = names_load(st, id, f, err);
    if (rc == HSS_OK)
        rc = findings_load(st, id, f, col, err);
    return rc;
}

hss_code plan_db_rect_close_passing(hss_store *st, int64_t id, const char *at, int *closed,
                                    hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "UPDATE plan_rectification SET status='closed', closed_eval=?1, closed_at=?2 "
        "WHERE status='open' AND eval_id<?1 AND EXISTS(SELECT 1 FROM plan_finding f "
        " WHERE f.eval_id=?1 AND f.rule=plan_rectification.rule AND f.area=plan_rectification.area "
        " AND f.facility=plan_rectification.facility AND f.status='pass')", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    bind_text(s, 2, at);
    hss_code rc = step_done(st, s, "closing rectification items", err);
    *closed = hss_store_changes(st);
    return rc;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC, as saved) as "YYYY-MM-DD HH:MM" in Beijing time (UTC+8).
 * Returns 0 (out untouched) for text of another shape. */
static int beijing_minute(const char *utc, char out[32])
{
    int y, mo, d, h, mi;
    if (!utc || sscanf(utc, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) != 5)
        return 0;
    long day = hss_days_from_civil(y, mo, d) + (h + 8) / 24;
    hss_civil_from_days(day, &y, &mo, &d);
    snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", y, mo, d, (h + 8) % 24, mi);
    return 1;
}

hss_code plan_db_eval_list(hss_store *st, hss_table **out, hss_error *err)
{
    static const colspec cols[] = {
        {"id", "编号", HSS_COL_INT},          {"at", "时间(UTC)", HSS_COL_TEXT},
        {"at_local", "时间(北京)", HSS_COL_TEXT},
        {"pack", "政策包", HSS_COL_TEXT},     {"pack_title", "名称", HSS_COL_TEXT},
        {"pack_version", "版本", HSS_COL_TEXT}, {"year", "年度", HSS_COL_INT},
        {"data_version", "数据版本", HSS_COL_INT}, {"pass", "达标", HSS_COL_INT},
        {"fail", "未达标", HSS_COL_INT},      {"unknown", "无法判断", HSS_COL_INT},
        {"label", "说明", HSS_COL_TEXT},      {"user", "保存人", HSS_COL_TEXT},
    };
    /* at twice: the second becomes Beijing time in C (date arithmetic stays out of SQL) */
    hss_stmt *s = hss_store_prepare(st,
        "SELECT id,at,at,pack,pack_title,pack_version,year,data_version,"
        "pass,fail,unknown,label,user_name "
        "FROM plan_eval ORDER BY id DESC", err);
    if (!s)
        return HSS_EDB;
    *out = table_of(cols, sizeof cols / sizeof *cols);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(*out);
        fill_row(*out, s, cols, sizeof cols / sizeof *cols);
        char local[32];
        if (beijing_minute(col_text(s, 2), local))
            hss_table_set_text(*out, 2, local);
    }
    hss_store_finalize(s);
    return HSS_OK;
}

hss_code plan_db_eval_exists(hss_store *st, int64_t id, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT 1 FROM plan_eval WHERE id=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    int found = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    return found ? HSS_OK : hss_fail(err, HSS_ENOTFOUND, "no saved evaluation %lld", (long long)id);
}

/* A finding's area and facility names (kept once per snapshot); rows saved before the names
 * table kept them on the finding. */
#define NAMES_JOIN                                                                              \
    " LEFT JOIN plan_eval_name na ON na.eval_id=f.eval_id AND na.kind='area' AND na.code=f.area" \
    " LEFT JOIN plan_eval_name nf ON nf.eval_id=f.eval_id AND nf.kind='facility'"              \
    " AND nf.code=f.facility"

hss_code plan_db_eval_findings(hss_store *st, int64_t id, const char *lo, const char *hi,
                               const char *status, hss_table **out, hss_error *err)
{
    static const colspec cols[] = {
        {"rule", "规则", HSS_COL_TEXT},        {"title", "标题", HSS_COL_TEXT},
        {"area", "区划代码", HSS_COL_TEXT},    {"area_name", "区域", HSS_COL_TEXT},
        {"facility", "机构代码", HSS_COL_TEXT}, {"facility_name", "机构", HSS_COL_TEXT},
        {"status", "结果", HSS_COL_TEXT},      {"observed", "现状", HSS_COL_REAL},
        {"target", "目标", HSS_COL_REAL},      {"gap", "差距", HSS_COL_REAL},
        {"unit", "单位", HSS_COL_TEXT},        {"gap_text", "差距说明", HSS_COL_TEXT},
        {"document", "文件", HSS_COL_TEXT},
    };
    hss_stmt *s = hss_store_prepare(st,
        "SELECT f.rule,r.title,f.area,coalesce(na.name,f.area_name),f.facility,"
        "coalesce(nf.name,f.facility_name),f.status,f.observed,f.target,"
        "f.gap,r.unit,f.gap_text,r.document FROM plan_finding f"
        " JOIN plan_eval_rule r ON r.eval_id=f.eval_id AND r.rule=f.rule" NAMES_JOIN
        " WHERE f.eval_id=?1 AND f.area>=?2 AND f.area<?3"
        " AND (?4 IS NULL OR f.status=?4) ORDER BY f.rule,f.area,f.facility", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    bind_text(s, 2, lo);
    bind_text(s, 3, hi);
    bind_text(s, 4, status);
    *out = rows_to_table(s, cols, sizeof cols / sizeof *cols);
    return HSS_OK;
}

/* One finding as the comparison reads it. */
enum { F_RULE, F_AREA, F_FACILITY, F_STATUS, F_GAP, F_TITLE, F_AREA_NAME, F_FACILITY_NAME, F_OBSERVED, F_TARGET, F_UNIT };

/* The names of the rows that changed, read from the snapshot's names (a comparison names few
 * of the 60,000 findings it reads, so they are not joined to every row). */
typedef struct {
    hss_stmt *name; /* kind, code -> name in one snapshot */
    int64_t a, b;
} compare_ctx;

static hss_stmt *snapshot_rows(hss_store *st, int64_t id, const char *lo, const char *hi, hss_error *err)
{
    /* in the order of the unique index (eval_id, rule, area, facility): a sequential read */
    hss_stmt *s = hss_store_prepare(st,
        "SELECT f.rule,f.area,f.facility,f.status,f.gap,r.title,f.area_name,f.facility_name,f.observed,"
        "f.target,r.unit FROM plan_finding f JOIN plan_eval_rule r ON r.eval_id=f.eval_id AND r.rule=f.rule"
        " WHERE f.eval_id=?1 AND f.area>=?2 AND f.area<?3 ORDER BY f.rule,f.area,f.facility", err);
    if (s) {
        hss_store_bind_int64(s, 1, id);
        bind_text(s, 2, lo);
        bind_text(s, 3, hi);
    }
    return s;
}

/* Orders two current rows by (rule, area, facility); a finished side sorts last. */
static int key_cmp(hss_stmt *x, int xok, hss_stmt *y, int yok)
{
    if (!xok || !yok)
        return xok - yok ? (xok ? -1 : 1) : 0;
    for (int c = F_RULE; c <= F_FACILITY; c++) {
        int d = strcmp(col_text(x, c), col_text(y, c));
        if (d)
            return d;
    }
    return 0;
}

static void set_num(hss_table *t, size_t col, hss_stmt *s, int c)
{
    if (s && !hss_store_col_is_null(s, c))
        hss_table_set_real(t, col, hss_store_col_double(s, c), 4);
}

/* The name of the area or facility in column c of k, as snapshot `id` kept it: in its names,
 * or on the finding (snapshots saved before the names table). */
static void set_name(hss_table *t, size_t col, compare_ctx *cc, int64_t id, hss_stmt *k, int c)
{
    const char *code = col_text(k, c == F_AREA_NAME ? F_AREA : F_FACILITY);
    if (!*code) {
        hss_table_set_text(t, col, "");
        return;
    }
    hss_store_bind_int64(cc->name, 1, id);
    hss_store_bind_text(cc->name, 2, c == F_AREA_NAME ? "area" : "facility");
    bind_text(cc->name, 3, code);
    hss_table_set_text(t, col, hss_store_step(cc->name) == HSS_ROW ? col_text(cc->name, 0) : col_text(k, c));
    hss_store_reset(cc->name);
}

/* Adds the row for a finding in x (before) and/or y (after) when it changed. */
static void compare_row(hss_table *t, compare_ctx *cc, hss_stmt *x, hss_stmt *y)
{
    const char *before = x ? col_text(x, F_STATUS) : "absent", *after = y ? col_text(y, F_STATUS) : "absent";
    const char *change = hss_plan_change(before, after, x ? hss_store_col_double(x, F_GAP) : 0,
                                         y ? hss_store_col_double(y, F_GAP) : 0);
    if (!change)
        return;
    hss_stmt *k = y ? y : x; /* names and target as they are now */
    hss_table_add_row(t);
    hss_table_set_text(t, 0, col_text(k, F_RULE));
    hss_table_set_text(t, 1, col_text(k, F_AREA));
    hss_table_set_text(t, 2, col_text(k, F_FACILITY));
    hss_table_set_text(t, 3, before);
    hss_table_set_text(t, 4, after);
    hss_table_set_text(t, 5, change);
    hss_table_set_text(t, 6, col_text(k, F_TITLE));
    set_name(t, 7, cc, y ? cc->b : cc->a, k, F_AREA_NAME);
    set_name(t, 8, cc, y ? cc->b : cc->a, k, F_FACILITY_NAME);
    set_num(t, 9, x, F_OBSERVED);
    set_num(t, 10, y, F_OBSERVED);
    set_num(t, 11, x, F_GAP);
    set_num(t, 12, y, F_GAP);
    set_num(t, 13, k, F_TARGET);
    hss_table_set_text(t, 14, col_text(k, F_UNIT));
}

hss_code plan_db_eval_compare(hss_store *st, int64_t a, int64_t b, const char *lo, const char *hi,
                              hss_table **out, hss_error *err)
{
    static const colspec cols[] = {
        {"rule", "规则", HSS_COL_TEXT},            {"area", "区划代码", HSS_COL_TEXT},
        {"facility", "机构代码", HSS_COL_TEXT},    {"before", "之前", HSS_COL_TEXT},
        {"after", "之后", HSS_COL_TEXT},           {"change", "变化", HSS_COL_TEXT},
        {"title", "标题", HSS_COL_TEXT},           {"area_name", "区域", HSS_COL_TEXT},
        {"facility_name", "机构", HSS_COL_TEXT},   {"before_observed", "之前现状", HSS_COL_REAL},
        {"after_observed", "之后现状", HSS_COL_REAL}, {"before_gap", "之前差距", HSS_COL_REAL},
        {"after_gap", "之后差距", HSS_COL_REAL},   {"target", "目标", HSS_COL_REAL},
        {"unit", "单位", HSS_COL_TEXT},
    };
    /* Both snapshots read in key order and merged: each is one sequential index scan. */
    hss_stmt *x = snapshot_rows(st, a, lo, hi, err), *y = x ? snapshot_rows(st, b, lo, hi, err) : NULL;
    compare_ctx cc = {y ? hss_store_prepare(st, "SELECT name FROM plan_eval_name WHERE eval_id=? "
                                                "AND kind=? AND code=?", err) : NULL, a, b};
    if (!cc.name) {
        hss_store_finalize(x);
        hss_store_finalize(y);
        return HSS_EDB;
    }
    hss_table *t = hss_table_new();
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
        hss_table_add_col(t, cols[c].name, cols[c].label, cols[c].type);
    int rx = hss_store_step(x), ry = hss_store_step(y);
    while (rx == HSS_ROW || ry == HSS_ROW) {
        int d = key_cmp(x, rx == HSS_ROW, y, ry == HSS_ROW);
        compare_row(t, &cc, d <= 0 ? x : NULL, d >= 0 ? y : NULL);
        if (d <= 0)
            rx = hss_store_step(x);
        if (d >= 0)
            ry = hss_store_step(y);
    }
    hss_store_finalize(x);
    hss_store_finalize(y);
    hss_store_finalize(cc.name);
    if (rx != HSS_DONE || ry != HSS_DONE) {
        hss_table_free(t);
        return hss_store_error(st, err, "comparing evaluations");
    }
    *out = t;
    return HSS_OK;
}

/* ---- tasks ------------------------------------------------------------------------------------ */

hss_code plan_db_task_upsert(hss_store *st, const plan_task_row *t, hss_error *err)
{
    char county[7];
    plan_county_of(t->area, county);
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO plan_task(id,pack,task,document,quote,title_zh,title_en,target_zh,target_en,value,"
        "unit_zh,unit_en,year,due,lead,area,county,loaded_at,doc_title) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(id) DO UPDATE SET pack=excluded.pack,task=excluded.task,document=excluded.document,"
        "quote=excluded.quote,title_zh=excluded.title_zh,title_en=excluded.title_en,"
        "target_zh=excluded.target_zh,target_en=excluded.target_en,value=excluded.value,"
        "unit_zh=excluded.unit_zh,unit_en=excluded.unit_en,year=excluded.year,due=excluded.due,"
        "lead=excluded.lead,area=excluded.area,county=excluded.county,doc_title=excluded.doc_title", err);
    if (!s)
        return HSS_EDB;
    const char *texts[] = {t->id, t->pack, t->task, t->document, t->quote, t->title_zh, t->title_en,
                           t->target_zh, t->target_en};
    for (int i = 0; i < 9; i++)
        bind_text(s, i + 1, texts[i] ? texts[i] : "");
    if (t->has_value)
        hss_store_bind_double(s, 10, t->value);
    bind_text(s, 11, t->unit_zh ? t->unit_zh : "");
    bind_text(s, 12, t->unit_en ? t->unit_en : "");
    hss_store_bind_int(s, 13, t->year);
    bind_text(s, 14, t->due);
    bind_text(s, 15, t->lead ? t->lead : "");
    bind_text(s, 16, t->area);
    bind_text(s, 17, county);
    bind_text(s, 18, t->at);
    bind_text(s, 19, t->doc_title ? t->doc_title : "");
    hss_code rc = step_done(st, s, "saving a task", err);
    if (rc)
        return rc;
    /* The units as the pack lists them now. */
    s = hss_store_prepare(st, "DELETE FROM plan_task_unit WHERE task_id=?", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, t->id);
    if ((rc = step_done(st, s, "replacing the task's units", err)))
        return rc;
    s = hss_store_prepare(st, "INSERT INTO plan_task_unit(task_id,unit,lead,pos,county) VALUES(?,?,?,?,?) ON CONFLICT DO NOTHING", err);
    if (!s)
        return HSS_EDB;
    for (size_t i = 0; i <= t->nunits; i++) {
        const char *u = i == 0 ? t->lead : t->units[i - 1];
        if (!u || !*u)
            continue;
        hss_store_reset(s);
        bind_text(s, 1, t->id);
        bind_text(s, 2, u);
        hss_store_bind_int(s, 3, i == 0);
        hss_store_bind_int(s, 4, (int)i);
        bind_text(s, 5, county);
        if (hss_store_step(s) != HSS_DONE) {
            hss_store_finalize(s);
            return hss_store_error(st, err, "saving a task's unit");
        }
    }
    hss_store_finalize(s);
    return HSS_OK;
}

hss_code plan_db_counties(hss_store *st, const char *code, char (**out)[7], size_t *n, hss_error *err)
{
    char lo[16], hi[17];
    plan_prefix_range(code, lo, hi);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code FROM area WHERE level='county' AND code>=? AND code<? ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, lo);
    bind_text(s, 2, hi);
    hss_vec v;
    hss_vec_init(&v, 7);
    while (hss_store_step(s) == HSS_ROW)
        snprintf(hss_vec_push(&v), 7, "%s", col_text(s, 0));
    hss_store_finalize(s);
    *out = v.items;
    *n = v.len;
    return HSS_OK;
}

hss_code plan_db_tasks_list(hss_store *st, const hss_plan_actor *who, const hss_plan_task_filter *f,
                            const char *as_of, const char *period, hss_table **out, hss_error *err)
{
    static const colspec cols[] = {
        {"id", "任务编号", HSS_COL_TEXT},      {"pack", "政策包", HSS_COL_TEXT},
        {"document", "文件", HSS_COL_TEXT},    {"document_title", "文件标题", HSS_COL_TEXT},
        {"quote", "原文", HSS_COL_TEXT},
        {"title", "任务", HSS_COL_TEXT},       {"title_en", "task", HSS_COL_TEXT},
        {"target", "目标", HSS_COL_TEXT},      {"target_en", "target", HSS_COL_TEXT},
        {"value", "目标值", HSS_COL_REAL},     {"unit", "单位", HSS_COL_TEXT},
        {"year", "目标年", HSS_COL_INT},       {"due", "期限", HSS_COL_TEXT},
        {"lead", "牵头单位", HSS_COL_TEXT},    {"units", "责任单位", HSS_COL_TEXT},
        {"area", "区划代码", HSS_COL_TEXT},    {"area_name", "区域", HSS_COL_TEXT},
        {"status", "状态", HSS_COL_TEXT},      {"reports", "报告数", HSS_COL_INT},
        {"last_report", "最近报告", HSS_COL_TEXT}, {"last_review", "审核", HSS_COL_TEXT},
        {"overdue", "逾期", HSS_COL_INT},      {"stale", "本期未报", HSS_COL_INT},
    };
    char lo[16], hi[17];
    plan_prefix_range(who->scope, lo, hi);
    const char *unit = strcmp(who->role, "unit") == 0 ? who->unit : f->unit;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT * FROM (SELECT t.id,t.pack,t.document,t.doc_title,t.quote,t.title_zh,t.title_en,t.target_zh,"
        " t.target_en,t.value,t.unit_zh,t.year,t.due,t.lead,"
        " (SELECT group_concat(unit,'、') FROM (SELECT unit FROM plan_task_unit u WHERE u.task_id=t.id ORDER BY pos) AS u),"
        " t.area,coalesce(a.name,t.area),t.status,"
        " (SELECT count(*) FROM plan_report r WHERE r.task_id=t.id),"
        " (SELECT max(date) FROM plan_report r WHERE r.task_id=t.id),"
        " (SELECT review FROM plan_report r WHERE r.task_id=t.id ORDER BY date DESC,id DESC LIMIT 1),"
        " t.due<?1 AND t.status<>'done' AS overdue,"
        " t.status<>'done' AND NOT EXISTS(SELECT 1 FROM plan_report r WHERE r.task_id=t.id AND r.date>=?2) "
        "FROM plan_task t LEFT JOIN area a ON a.code=t.area "
        "WHERE t.area>=?3 AND t.area<?4"
        " AND (?5 IS NULL OR EXISTS(SELECT 1 FROM plan_task_unit u WHERE u.task_id=t.id AND u.unit=?5))"
        " AND (?6 IS NULL OR t.status=?6) AND (?7 IS NULL OR t.id=?7)) AS t "
        "WHERE ?8=0 OR overdue ORDER BY document,id", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, as_of);
    bind_text(s, 2, period);
    bind_text(s, 3, lo);
    bind_text(s, 4, hi);
    bind_text(s, 5, unit && *unit ? unit : NULL);
    bind_text(s, 6, f->status);
    bind_text(s, 7, f->task);
    hss_store_bind_int(s, 8, f->overdue != 0);
    *out = rows_to_table(s, cols, sizeof cols / sizeof *cols);
    return HSS_OK;
}

hss_code plan_db_task_get(hss_store *st, const char *task, char area[16], char status[16],
                          const char *unit, int *has_unit, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT area,status,EXISTS(SELECT 1 FROM plan_task_unit u WHERE u.task_id=t.id AND u.unit=?2) "
        "FROM plan_task t WHERE id=?1", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, task);
    bind_text(s, 2, unit ? unit : "");
    hss_code rc = HSS_OK;
    if (hss_store_step(s) == HSS_ROW) {
        snprintf(area, 16, "%s", col_text(s, 0));
        snprintf(status, 16, "%s", col_text(s, 1));
        *has_unit = hss_store_col_int(s, 2);
    } else {
        rc = hss_fail(err, HSS_ENOTFOUND, "no such task '%s' (load the pack's tasks with hss tasks load)", task);
    }
    hss_store_finalize(s);
    return rc;
}

/* ---- reports and evidence ----------------------------------------------------------------------- */

hss_code plan_db_report_insert(hss_store *st, const hss_plan_actor *who, const hss_plan_report_in *in,
                               const char *county, const char *at, int64_t *id, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO plan_report(task_id,county,unit,user_name,date,status,value,narrative,created) "
        "VALUES(?,?,?,?,?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, in->task);
    bind_text(s, 2, county);
    bind_text(s, 3, who->unit);
    bind_text(s, 4, who->user);
    bind_text(s, 5, in->date);
    bind_text(s, 6, in->status);
    if (in->has_value)
        hss_store_bind_double(s, 7, in->value);
    bind_text(s, 8, in->narrative ? in->narrative : "");
    bind_text(s, 9, at);
    hss_code rc = step_done(st, s, "saving the report", err);
    if (rc == HSS_OK)
        *id = hss_store_last_id(st);
    return rc;
}

hss_code plan_db_attachment_insert(hss_store *st, int64_t report, const char *county,
                                   const hss_plan_file *f, const char *mime, hss_error *err)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(h, f->data, f->len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO plan_attachment(report_id,county,name,mime,size,sha256,data) VALUES(?,?,?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, report);
    bind_text(s, 2, county);
    bind_text(s, 3, f->name);
    bind_text(s, 4, mime);
    hss_store_bind_int64(s, 5, (int64_t)f->len);
    bind_text(s, 6, hex);
    hss_store_bind_blob(s, 7, f->data, f->len);
    return step_done(st, s, "saving an attachment", err);
}

hss_code plan_db_report_get(hss_store *st, int64_t id, char task[160], char area[16],
                            char review[16], char status[16], hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT r.task_id,t.area,r.review,r.status FROM plan_report r JOIN plan_task t ON t.id=r.task_id "
        "WHERE r.id=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    hss_code rc = HSS_OK;
    if (hss_store_step(s) == HSS_ROW) {
        snprintf(task, 160, "%s", col_text(s, 0));
        snprintf(area, 16, "%s", col_text(s, 1));
        snprintf(review, 16, "%s", col_text(s, 2));
        snprintf(status, 16, "%s", col_text(s, 3));
    } else {
        rc = hss_fail(err, HSS_ENOTFOUND, "no such report %lld", (long long)id);
    }
    hss_store_finalize(s);
    return rc;
}

hss_code plan_db_report_set_review(hss_store *st, const hss_plan_actor *who, int64_t id, int accept,
                                   const char *note, const char *at, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "UPDATE plan_report SET review=?,reviewer=?,reviewed_at=?,review_note=? WHERE id=? AND review='pending'", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, accept ? "accepted" : "returned");
    bind_text(s, 2, who->user);
    bind_text(s, 3, at);
    bind_text(s, 4, note ? note : "");
    hss_store_bind_int64(s, 5, id);
    hss_code rc = step_done(st, s, "saving the review", err);
    if (rc == HSS_OK && hss_store_changes(st) != 1)
        return hss_fail(err, HSS_ECONFLICT, "report %lld was reviewed already", (long long)id);
    return rc;
}

hss_code plan_db_task_set_status(hss_store *st, const char *task, const char *status, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "UPDATE plan_task SET status=? WHERE id=?", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, status);
    bind_text(s, 2, task);
    return step_done(st, s, "updating the task's status", err);
}

hss_code plan_db_reports_list(hss_store *st, const char *task, hss_table **out, hss_error *err)
{
    static const colspec cols[] = {
        {"id", "编号", HSS_COL_INT},           {"date", "日期", HSS_COL_TEXT},
        {"unit", "报告单位", HSS_COL_TEXT},    {"user", "报告人", HSS_COL_TEXT},
        {"status", "进展", HSS_COL_TEXT},      {"value", "数值", HSS_COL_REAL},
        {"narrative", "情况说明", HSS_COL_TEXT}, {"review", "审核", HSS_COL_TEXT},
        {"reviewer", "审核人", HSS_COL_TEXT},  {"reviewed_at", "审核时间", HSS_COL_TEXT},
        {"review_note", "审核意见", HSS_COL_TEXT}, {"attachments", "佐证材料", HSS_COL_TEXT},
    };
    hss_stmt *s = hss_store_prepare(st,
        "SELECT r.id,r.date,r.unit,r.user_name,r.status,r.value,r.narrative,r.review,r.reviewer,"
        "r.reviewed_at,r.review_note "
        "FROM plan_report r WHERE r.task_id=? ORDER BY r.date DESC,r.id DESC", err);
    hss_stmt *a = s ? hss_store_prepare(st, "SELECT id,name,mime,size FROM plan_attachment WHERE report_id=? ORDER BY id",
                                        err) : NULL;
    if (!a) {
        hss_store_finalize(s);
        return HSS_EDB;
    }
    bind_text(s, 1, task);
    size_t n = sizeof cols / sizeof *cols;
    hss_table *t = table_of(cols, n);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        fill_row(t, s, cols, n - 1);
        /* the report's attachments as a JSON array of {id, name, mime, size} */
        cJSON *arr = cJSON_CreateArray();
        hss_store_bind_int64(a, 1, hss_store_col_int64(s, 0));
        while (hss_store_step(a) == HSS_ROW) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "id", (double)hss_store_col_int64(a, 0));
            cJSON_AddStringToObject(o, "name", col_text(a, 1));
            cJSON_AddStringToObject(o, "mime", col_text(a, 2));
            cJSON_AddNumberToObject(o, "size", (double)hss_store_col_int64(a, 3));
            cJSON_AddItemToArray(arr, o);
        }
        hss_store_reset(a);
        char *json = cJSON_PrintUnformatted(arr);
        hss_table_set_text(t, n - 1, json);
        free(json);
        cJSON_Delete(arr);
    }
    hss_store_finalize(s);
    hss_store_finalize(a);
    *out = t;
    return HSS_OK;
}

hss_code plan_db_attachment_read(hss_store *st, int64_t id, hss_plan_blob *out, char task[160],
                                 char area[16], hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT a.name,a.mime,a.data,r.task_id,t.area FROM plan_attachment a "
        "JOIN plan_report r ON r.id=a.report_id JOIN plan_task t ON t.id=r.task_id WHERE a.id=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    hss_code rc = HSS_OK;
    if (hss_store_step(s) == HSS_ROW) {
        snprintf(out->name, sizeof out->name, "%s", col_text(s, 0));
        snprintf(out->mime, sizeof out->mime, "%s", col_text(s, 1));
        out->len = (size_t)hss_store_col_bytes(s, 2);
        out->data = hss_xmalloc(out->len ? out->len : 1);
        if (out->len)
            memcpy(out->data, hss_store_col_blob(s, 2), out->len);
        snprintf(task, 160, "%s", col_text(s, 3));
        snprintf(area, 16, "%s", col_text(s, 4));
    } else {
        rc = hss_fail(err, HSS_ENOTFOUND, "no such attachment %lld", (long long)id);
    }
    hss_store_finalize(s);
    return rc;
}

/* ---- rectification ------------------------------------------------------------------------------ */

hss_code plan_db_finding_status(hss_store *st, int64_t eval, const char *rule, const char *area,
                                const char *facility, char status[16], hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT status FROM plan_finding WHERE eval_id=? AND rule=? AND area=? AND facility=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, eval);
    bind_text(s, 2, rule);
    bind_text(s, 3, area);
    bind_text(s, 4, facility ? facility : "");
    hss_code rc = HSS_OK;
    if (hss_store_step(s) == HSS_ROW)
        snprintf(status, 16, "%s", col_text(s, 0));
    else
        rc = hss_fail(err, HSS_ENOTFOUND, "evaluation %lld has no finding for rule '%s' in %s%s%s",
                      (long long)eval, rule, area, facility && *facility ? " at " : "", facility ? facility : "");
    hss_store_finalize(s);
    return rc;
}

hss_code plan_db_rect_insert(hss_store *st, const hss_plan_actor *who, const hss_plan_rect_in *in,
                             const char *at, int64_t *id, hss_error *err)
{
    char county[7];
    plan_county_of(in->area, county);
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO plan_rectification(eval_id,rule,area,facility,county,unit,deadline,note,created,created_by) "
        "VALUES(?,?,?,?,?,?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, in->eval_id);
    bind_text(s, 2, in->rule);
    bind_text(s, 3, in->area);
    bind_text(s, 4, in->facility ? in->facility : "");
    bind_text(s, 5, county);
    bind_text(s, 6, in->unit);
    bind_text(s, 7, in->deadline);
    bind_text(s, 8, in->note ? in->note : "");
    bind_text(s, 9, at);
    bind_text(s, 10, who->user);
    hss_code rc = step_done(st, s, "saving the rectification item", err);
    if (rc == HSS_OK)
        *id = hss_store_last_id(st);
    return rc;
}

hss_code plan_db_rect_list(hss_store *st, const hss_plan_actor *who, const char *status,
                           const char *as_of, hss_table **out, hss_error *err)
{
    static const colspec cols[] = {
        {"id", "编号", HSS_COL_INT},             {"eval_id", "评估", HSS_COL_INT},
        {"rule", "规则", HSS_COL_TEXT},          {"title", "标准", HSS_COL_TEXT},
        {"area", "区划代码", HSS_COL_TEXT},      {"area_name", "区域", HSS_COL_TEXT},
        {"facility", "机构代码", HSS_COL_TEXT},  {"facility_name", "机构", HSS_COL_TEXT},
        {"unit", "责任单位", HSS_COL_TEXT},      {"deadline", "整改期限", HSS_COL_TEXT},
        {"status", "状态", HSS_COL_TEXT},        {"overdue", "逾期", HSS_COL_INT},
        {"created", "创建时间", HSS_COL_TEXT},   {"closed_eval", "销号评估", HSS_COL_INT},
        {"closed_at", "销号时间", HSS_COL_TEXT}, {"note", "要求", HSS_COL_TEXT},
        {"gap_text", "差距说明", HSS_COL_TEXT},
    };
    char lo[16], hi[17];
    plan_prefix_range(who->scope, lo, hi);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT r.id,r.eval_id,r.rule,er.title,r.area,coalesce(na.name,f.area_name),r.facility,"
        "coalesce(nf.name,f.facility_name),r.unit,"
        "r.deadline,r.status,r.status='open' AND r.deadline<?1,r.created,r.closed_eval,r.closed_at,r.note,"
        "f.gap_text FROM plan_rectification r LEFT JOIN plan_finding f ON f.eval_id=r.eval_id "
        "AND f.rule=r.rule AND f.area=r.area AND f.facility=r.facility" NAMES_JOIN " "
        "LEFT JOIN plan_eval_rule er ON er.eval_id=r.eval_id AND er.rule=r.rule "
        "WHERE r.area>=?2 AND r.area<?3 AND (?4 IS NULL OR r.unit=?4) AND (?5 IS NULL OR r.status=?5) "
        "ORDER BY r.status='open' DESC,r.deadline,r.id", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, as_of);
    bind_text(s, 2, lo);
    bind_text(s, 3, hi);
    bind_text(s, 4, strcmp(who->role, "unit") == 0 ? who->unit : NULL);
    bind_text(s, 5, status);
    *out = rows_to_table(s, cols, sizeof cols / sizeof *cols);
    return HSS_OK;
}

/* ---- bulletin ------------------------------------------------------------------------------------ */

char *plan_db_bulletin_previous(hss_store *st, const char *month, char prev_month[8])
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT month,ranking FROM plan_bulletin WHERE month<? ORDER BY month DESC LIMIT 1", NULL);
    if (!s)
        return NULL;
    bind_text(s, 1, month);
    char *r = NULL;
    if (hss_store_step(s) == HSS_ROW) {
        snprintf(prev_month, 8, "%s", col_text(s, 0));
        r = hss_xstrdup(col_text(s, 1));
    }
    hss_store_finalize(s);
    return r;
}

hss_code plan_db_bulletin_save(hss_store *st, const char *month, const char *at, const char *ranking,
                               hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO plan_bulletin(month,created,ranking) VALUES(?,?,?) "
        "ON CONFLICT(month) DO UPDATE SET created=excluded.created, ranking=excluded.ranking", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, month);
    bind_text(s, 2, at);
    bind_text(s, 3, ranking);
    return step_done(st, s, "saving the bulletin's ranking", err);
}

hss_code plan_db_county_names(hss_store *st, hss_table **out, hss_error *err)
{
    static const colspec cols[] = {{"code", NULL, HSS_COL_TEXT}, {"name", NULL, HSS_COL_TEXT},
                                   {"parent", NULL, HSS_COL_TEXT}};
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code,name,coalesce(parent_code,'') FROM area WHERE level='county' ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    *out = rows_to_table(s, cols, sizeof cols / sizeof *cols);
    return HSS_OK;
}

hss_code plan_db_city(hss_store *st, char out[16], hss_error *err)
{
    /* The city-level area (the region a city pack is about); a region without one (a county
     * on its own) uses its top area. */
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code FROM area WHERE level='city' UNION ALL "
        "SELECT code FROM (SELECT code FROM area WHERE parent_code IS NULL ORDER BY code) AS top LIMIT 1", err);
    if (!s)
        return HSS_EDB;
    hss_code rc = HSS_OK;
    if (hss_store_step(s) == HSS_ROW)
        snprintf(out, 16, "%s", col_text(s, 0));
    else
        rc = hss_fail(err, HSS_ENOTFOUND, "the database holds no areas: import the region first");
    hss_store_finalize(s);
    return rc;
}

int plan_db_area_exists(hss_store *st, const char *code)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT 1 FROM area WHERE code=?", NULL);
    if (!s)
        return 0;
    bind_text(s, 1, code);
    int found = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    return found;
}

int plan_db_generated(hss_store *st)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT EXISTS(SELECT 1 FROM area WHERE generated=1) OR EXISTS(SELECT 1 FROM facility WHERE generated=1) "
        "OR EXISTS(SELECT 1 FROM hss_meta WHERE key='metrics.generated')", NULL);
    if (!s)
        return 0;
    int g = hss_store_step(s) == HSS_ROW && hss_store_col_int(s, 0);
    hss_store_finalize(s);
    return g;
}

void plan_db_area_name(hss_store *st, const char *code, char *out, size_t n)
{
    snprintf(out, n, "%s", code);
    hss_stmt *s = hss_store_prepare(st, "SELECT name FROM area WHERE code=?", NULL);
    if (!s)
        return;
    bind_text(s, 1, code);
    if (hss_store_step(s) == HSS_ROW)
        snprintf(out, n, "%s", col_text(s, 0));
    hss_store_finalize(s);
}
