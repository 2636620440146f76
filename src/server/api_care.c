/*
 * api_care.c: the care endpoints under /api/v1/care (family-doctor worklists, residents,
 * their access log, referrals and their transitions, care measures), on top of care/care.h.
 *
 * Server users map onto hss_care_viewer: staff (admin, planner, county, facility) read the
 * residents of villages inside their area scope; a `resident` user reads only the record linked
 * to their account. Every read of a named resident is written once, by the care module, to
 * care_access_log (also shown by `hss audit`); refusals of a named resident are written there
 * too as action "denied", so the resident sees who tried.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "care/care.h"
#include "server/server_int.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static unsigned status_of(hss_code c)
{
    switch (c) {
    case HSS_EINVAL: return 400;
    case HSS_EDENIED: return 403;
    case HSS_ENOTFOUND: return 404;
    case HSS_ECONFLICT: return 409;
    default: return 500;
    }
}

static enum MHD_Result fail(hss_req *r, hss_code c, const hss_error *err)
{
    return hss_respond_error(r, status_of(c), "%s", err->msg[0] ? err->msg : "internal error");
}

/* A table as a JSON array of objects (numbers typed, nulls kept). */
static cJSON *table_json(const hss_table *t)
{
    cJSON *a = cJSON_CreateArray();
    size_t nr = hss_table_rows(t), nc = hss_table_cols(t);
    for (size_t i = 0; i < nr; i++) {
        cJSON *o = cJSON_CreateObject();
        for (size_t c = 0; c < nc; c++) {
            const char *k = hss_table_col_name(t, c);
            if (hss_table_is_null(t, i, c))
                cJSON_AddNullToObject(o, k);
            else if (hss_table_col_type(t, c) == HSS_COL_TEXT)
                cJSON_AddStringToObject(o, k, hss_table_cell(t, i, c));
            else
                cJSON_AddNumberToObject(o, k, strtod(hss_table_cell(t, i, c), NULL));
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* The same array written straight into a buffer: a worklist has hundreds of rows, and building
 * them as cJSON nodes first cost more than the worklist itself. */
static void json_text(hss_buf *b, const char *s)
{
    hss_buf_putc(b, '"');
    while (*s) {
        size_t n = 0; /* a run of characters that need no escape, appended at once */
        while (s[n] && s[n] != '"' && s[n] != '\\' && (unsigned char)s[n] >= 0x20)
            n++;
        hss_buf_append(b, s, n);
        s += n;
        if (!*s)
            break;
        if (*s == '"' || *s == '\\') {
            char esc[2] = {'\\', *s};
            hss_buf_append(b, esc, 2);
        } else {
            hss_buf_printf(b, "\\u%04x", (unsigned char)*s);
        }
        s++;
    }
    hss_buf_putc(b, '"');
}

/* Whether an integer cell's text is already JSON's form of it (what hss_table_set_int
 * writes): an optional minus, then digits without a leading zero. */
static int json_integer(const char *s)
{
    s += *s == '-';
    if (!*s || (*s == '0' && s[1]))
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static void table_json_buf(hss_buf *b, const hss_table *t)
{
    size_t nr = hss_table_rows(t), nc = hss_table_cols(t);
    /* each column's `"name":` (and `,"name":`), written once, not escaped again on every row */
    hss_buf keys;
    hss_buf_init(&keys);
    size_t *at = hss_xmalloc((nc + 1) * sizeof *at);
    for (size_t c = 0; c < nc; c++) {
        at[c] = keys.len;
        hss_buf_putc(&keys, ',');
        json_text(&keys, hss_table_col_name(t, c));
        hss_buf_putc(&keys, ':');
    }
    at[nc] = keys.len;
    hss_buf_putc(b, '[');
    for (size_t i = 0; i < nr; i++) {
        hss_buf_puts(b, i ? ",{" : "{");
        for (size_t c = 0; c < nc; c++) {
            size_t skip = c ? 0 : 1; /* the first key without its comma */
            hss_buf_append(b, keys.data + at[c] + skip, at[c + 1] - at[c] - skip);
            const char *v = hss_table_is_null(t, i, c) ? NULL : hss_table_cell(t, i, c);
            if (!v)
                hss_buf_puts(b, "null");
            else if (hss_table_col_type(t, c) == HSS_COL_TEXT)
                json_text(b, v);
            else if (hss_table_col_type(t, c) == HSS_COL_INT && json_integer(v))
                hss_buf_puts(b, v);
            else
                hss_buf_printf(b, "%.15g", strtod(v, NULL));
        }
        hss_buf_putc(b, '}');
    }
    hss_buf_putc(b, ']');
    hss_buf_free(&keys);
    free(at);
}

static enum MHD_Result send_obj(hss_req *r, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, s);
}

static int is_resident(const hss_req *r)
{
    return strcmp(r->role, "resident") == 0;
}

/* The day to report on: ?date=, else the as-of day of generated demo data (meta
 * care_demo_date), else today. Returns -1 after responding 400. */
static int day_arg(hss_req *r, int32_t *day)
{
    const char *d = hss_arg(r, "date");
    if (d) {
        if (hss_care_parse_day(d, 0, day) != 0) {
            hss_respond_error(r, 400, "date: must be a date YYYY-MM-DD");
            return -1;
        }
        return 0;
    }
    char *demo = hss_store_meta_get(r->st, "care_demo_date");
    if (!demo || hss_care_parse_day(demo, 0, day) != 0)
        *day = hss_care_today();
    free(demo);
    return 0;
}

static void add_day(cJSON *o, int32_t day)
{
    char d[11];
    hss_care_format_day(day, d);
    cJSON_AddStringToObject(o, "date", d);
}

/* Who reads: staff by their area scope, a resident by the ID number linked to the account. */
typedef struct viewer {
    hss_care_viewer v;
    char id_number[64]; /* a resident: their ID number; a doctor: the team code */
} viewer;

static int viewer_of(hss_req *r, viewer *w)
{
    memset(w, 0, sizeof *w);
    w->v.user = r->user;
    if (!is_resident(r)) {
        hss_care_actor a;
        if (hss_care_actor_of(r, &a))
            return -1;
        w->v = a.v;
        snprintf(w->id_number, sizeof w->id_number, "%s", a.team); /* keeps the team code alive */
        if (a.v.team)
            w->v.team = w->id_number;
        return 0;
    }
    const hss_auth_ties *ties = hss_req_ties(r);
    if (!ties)
        return -1;
    snprintf(w->id_number, sizeof w->id_number, "%s", ties->resident);
    w->v.self_id_number = w->id_number; /* "" matches nobody */
    return 0;
}

static int staff_only(hss_req *r)
{
    if (!is_resident(r))
        return hss_care_read_refused(r); /* planner, county, cdc: aggregates only */
    hss_respond_error(r, 403, "a resident's account reads only their own record");
    return -1;
}

/* A resident key from the path: "me" (a resident's own record), an 18-character ID number
 * or an internal id. */
static int key_ok(hss_req *r, const char *key)
{
    size_t n = strlen(key);
    int ok = n > 0 && n <= 18;
    for (size_t i = 0; ok && i < n; i++)
        ok = (key[i] >= '0' && key[i] <= '9') || ((key[i] == 'X' || key[i] == 'x') && i == 17);
    if (!ok && strcmp(key, "me") != 0) {
        hss_respond_error(r, 400, "resident: give an 18-character ID number, a resident id or 'me'");
        return -1;
    }
    return 0;
}

/* Records a refused read of a named resident in that resident's access log. */
/* A refused read of a named resident is kept once, in the resident's own access log; a key
 * that names nobody is kept as a denied row of the server's audit. */
static void audit_denied(hss_req *r, const char *key)
{
    int64_t id;
    hss_error e;
    if (hss_care_resident_find(r->st, NULL, key, &id, &e) == HSS_OK) {
        hss_care_audit(r->st, r->user, "denied", id, &e);
        r->audit_done = 1;
    } else {
        hss_audit_denied(r, "resident lookup outside the caller's scope");
    }
}

/* ---- /care/teams -------------------------------------------------------------------------- */

static enum MHD_Result api_teams(hss_req *r)
{
    if (is_resident(r) && staff_only(r))
        return MHD_YES;
    hss_table *t = NULL;
    if (hss_care_team_rows(r->st, r->scope, &t, NULL))
        return hss_respond_error(r, 500, "database error");
    static const char *const k[] = {"code", "name", "facility", "facility_name", "area_code", "generated", "villages",
                                    "phone"};
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "teams", hss_json_rows(t, k, "sssssbns"));
    hss_table_free(t);
    return send_obj(r, o);
}

/* ---- /care/worklist ----------------------------------------------------------------------- */

/* A worklist refused because its team or facility is unknown or lies outside the user's scope
 * (hss_care_worklist_page checks, from the kept list when it is kept): 404/403. */
static enum MHD_Result unit_refused(hss_req *r, hss_code c, const hss_care_worklist_paging *pg, const char *team,
                                    const char *facility)
{
    if (c == HSS_ENOTFOUND)
        return hss_respond_error(r, 404, "no %s '%s'", team ? "family-doctor team" : "facility", team ? team : facility);
    if (pg->outside == 2)
        return hss_respond_error(r, 403, "team %s serves villages outside your scope", team);
    return hss_respond_error(r, 403, "%s %s is outside your scope", team ? "team" : "facility", team ? team : facility);
}

static enum MHD_Result api_worklist(hss_req *r)
{
    if (staff_only(r))
        return MHD_YES;
    const char *team = hss_arg(r, "team"), *facility = hss_arg(r, "facility");
    if (!team == !facility)
        return hss_respond_error(r, 400, "give exactly one of team= or facility=");
    const char *code = team ? team : facility;
    size_t n = strlen(code);
    int ok = n <= 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = (code[i] >= '0' && code[i] <= '9') || (code[i] >= 'a' && code[i] <= 'z') || (code[i] >= 'A' && code[i] <= 'Z') ||
             code[i] == '-' || code[i] == '_' || code[i] == '.';
    if (!ok)
        return hss_respond_error(r, 400, "%s: must be 1-64 characters of A-Z, a-z, 0-9, '-', '_', '.'", team ? "team" : "facility");
    int32_t day;
    long long all = 0, limit = 50, offset = 0;
    if (day_arg(r, &day) || hss_check_uint(r, "all", hss_arg(r, "all"), 1, &all) ||
        hss_check_uint(r, "limit", hss_arg(r, "limit"), 500, &limit) ||
        hss_check_uint(r, "offset", hss_arg(r, "offset"), 100000000, &offset))
        return MHD_YES;
    if (limit == 0)
        return hss_respond_error(r, 400, "limit: must be a whole number from 1 to 500");
    if (hss_care_worklist_refused(r, team, facility))
        return MHD_YES;
    hss_care_rules rules;
    hss_care_rules_default(&rules);
    hss_care_viewer v = {r->user, team, facility, NULL, NULL, r->scope};
    hss_care_worklist_paging pg = {.offset = (size_t)offset, .limit = (size_t)limit, .cached = 1, .en = hss_lang_en(r)};
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hss_care_worklist_page(r->st, &rules, &v, day, (int)all, &pg, &t, &err);
    if (c == HSS_ENOTFOUND || (c == HSS_EDENIED && pg.outside))
        return unit_refused(r, c, &pg, team, facility);
    if (c)
        return fail(r, c, &err);
    char d[11];
    hss_care_format_day(day, d);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_puts(&b, team ? "{\"team\":" : "{\"facility\":");
    json_text(&b, team ? team : facility);
    hss_buf_printf(&b, ",\"date\":\"%s\",\"total\":%zu,\"offset\":%lld,\"limit\":%lld,\"by_action\":", d, pg.total,
                   offset, limit);
    table_json_buf(&b, pg.by_action);
    hss_buf_puts(&b, ",\"rows\":");
    table_json_buf(&b, t);
    hss_buf_putc(&b, '}');
    hss_table_free(pg.by_action);
    hss_table_free(t);
    return hss_respond_json(r, 200, hss_buf_steal(&b));
}

/* ---- /care/residents ---------------------------------------------------------------------- */

static enum MHD_Result api_residents(hss_req *r)
{
    if (staff_only(r))
        return MHD_YES;
    const char *village = hss_arg(r, "village");
    long long limit = 50, offset = 0;
    if (hss_check_code(r, "village", village) || hss_check_uint(r, "limit", hss_arg(r, "limit"), 500, &limit) ||
        hss_check_uint(r, "offset", hss_arg(r, "offset"), 100000000, &offset))
        return MHD_YES;
    char under[16];
    if (hss_resolve_under(r, village, under))
        return MHD_YES;
    int32_t day;
    if (day_arg(r, &day))
        return MHD_YES;
    long long total = 0;
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    if (hss_care_resident_page(r->st, under, limit, offset, &total, &t, &err))
        return hss_respond_error(r, 500, "database error");
    if (hss_store_begin(r->st, &err)) {
        hss_table_free(t);
        return fail(r, HSS_EDB, &err);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    add_day(o, day);
    cJSON_AddNumberToObject(o, "total", (double)total);
    cJSON_AddNumberToObject(o, "offset", (double)offset);
    cJSON *a = cJSON_AddArrayToObject(o, "items");
    size_t n = hss_table_rows(t);
    int64_t *ids = hss_xmalloc((n ? n : 1) * sizeof *ids); /* the residents listed: one access-log row */
    for (size_t i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        char m[19];
        hss_care_id_mask(hss_table_cell(t, i, 1), m);
        int32_t birth = 0;
        hss_care_parse_day(hss_table_cell(t, i, 4), 0, &birth);
        hss_buf g;
        hss_buf_init(&g);
        unsigned conditions = (unsigned)strtoul(hss_table_cell(t, i, 7), NULL, 10);
        hss_care_groups_format(hss_care_key_groups(birth, conditions, day), 0, &g);
        int64_t id = strtoll(hss_table_cell(t, i, 0), NULL, 10);
        cJSON_AddNumberToObject(x, "resident_id", (double)id);
        cJSON_AddStringToObject(x, "id_number", m);
        hss_json_cell(x, "name", t, i, 2, 's');
        hss_json_cell(x, "sex", t, i, 3, 's');
        cJSON_AddNumberToObject(x, "age", hss_care_age(birth, day));
        hss_json_cell(x, "village_code", t, i, 5, 's');
        hss_json_cell(x, "village", t, i, 6, 's');
        cJSON_AddStringToObject(x, "key_groups", g.data ? g.data : "");
        hss_json_cell(x, "generated", t, i, 8, 'b');
        hss_buf_free(&g);
        cJSON_AddItemToArray(a, x);
        ids[i] = id;
    }
    hss_table_free(t);
    hss_code c = hss_care_audit_list(r->st, r->user, "list", ids, n, &err);
    free(ids);
    if (c || hss_store_commit(r->st, &err)) {
        hss_store_rollback(r->st);
        cJSON_Delete(o);
        return fail(r, HSS_EDB, &err);
    }
    return send_obj(r, o);
}

/* The resident's contracts and referrals (no further audit rows: the show already wrote one). */
static void add_history(hss_req *r, cJSON *o, int64_t rid)
{
    hss_table *c = NULL, *f = NULL;
    hss_error err;
    if (hss_care_resident_history(r->st, rid, &c, &f, &err) != HSS_OK) {
        hss_table_free(c);
        c = f = NULL;
    }
    static const char *const ck[] = {"contract_id", "team_code", "team", "package", "start_date", "end_date",
                                     "renewal_of", "team_phone"};
    cJSON_AddItemToObject(o, "contracts", c ? hss_json_rows(c, ck, "nsssssNs") : cJSON_CreateArray());
    cJSON *a = cJSON_AddArrayToObject(o, "referrals");
    for (size_t i = 0; f && i < hss_table_rows(f); i++) {
        cJSON *x = cJSON_CreateObject();
        hss_json_cell(x, "referral_id", f, i, 0, 'n');
        hss_json_cell(x, "from_facility", f, i, 1, 's');
        hss_json_cell(x, "from", f, i, 2, 's');
        hss_json_cell(x, "to", f, i, 3, 's');
        hss_json_cell(x, "in_county", f, i, 4, 'b');
        hss_json_cell(x, "priority", f, i, 5, 'b');
        const char *st = hss_table_cell(f, i, 6);
        hss_json_cell(x, "state", f, i, 6, 's');
        int si = hss_ref_state_parse(st);
        cJSON_AddStringToObject(x, "state_zh", si >= 0 ? hss_ref_state_zh((hss_ref_state)si) : st);
        hss_json_cell(x, "requested_at", f, i, 7, 's');
        hss_json_cell(x, "reason", f, i, 9, 's');
        cJSON_AddItemToArray(a, x);
    }
    hss_table_free(c);
    hss_table_free(f);
}

static enum MHD_Result api_resident(hss_req *r, const char *key, int log_only)
{
    if (key_ok(r, key))
        return MHD_YES;
    if (!is_resident(r) && !hss_care_named_role(r)) { /* aggregates only: refused, in the resident's log too */
        if (strcmp(key, "me") != 0)
            audit_denied(r, key);
        hss_care_read_refused(r);
        return MHD_YES;
    }
    viewer w;
    if (viewer_of(r, &w))
        return MHD_YES;
    if (strcmp(r->role, "hospital") == 0 && strcmp(key, "me") != 0) /* a patient referred to it */
        hss_care_hospital_viewer(r, key, &w.v, w.id_number);
    if (strcmp(key, "me") == 0) {
        if (!is_resident(r))
            return hss_respond_error(r, 404, "'me' names a resident's own record; staff give an ID number or id");
        key = w.id_number;
        if (!*key)
            return hss_respond_error(r, 404, "this account is not linked to a resident record");
    }
    int32_t day;
    if (day_arg(r, &day))
        return MHD_YES;
    hss_table *rec = NULL, *log = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code c;
    int64_t rid = 0;
    if (log_only) {
        c = hss_care_resident_find(r->st, &w.v, key, &rid, &err);
        if (!c)
            c = hss_care_audit(r->st, r->user, "access_log", rid, &err);
        if (!c) {
            /* resident_show returns the log; the record it also writes would be a second row for
             * one read, so the log is read here directly. */
            hss_table *t = NULL;
            if (hss_care_access_log(r->st, rid, &t, &err))
                return hss_respond_error(r, 500, "database error");
            static const char *const k[] = {"at", "user", "action"};
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToObject(o, "log", hss_json_rows(t, k, "sss"));
            hss_table_free(t);
            cJSON_AddNumberToObject(o, "resident_id", (double)rid);
            return send_obj(r, o);
        }
    } else {
        c = hss_care_resident_show(r->st, &w.v, key, day, &rec, &log, &err);
    }
    if (c == HSS_EDENIED || c == HSS_ENOTFOUND) {
        /* Outside the scope, registered or not, the answer is the same (no village, no masked
         * ID, one status), so that nobody can test whether an ID number is registered. */
        audit_denied(r, key);
        return hss_respond_error(r, 403, "no such resident, or the resident is outside your scope");
    }
    if (c)
        return fail(r, c, &err);
    cJSON *o = cJSON_CreateObject();
    add_day(o, day);
    cJSON *recs = table_json(rec);
    cJSON *one = cJSON_DetachItemFromArray(recs, 0);
    cJSON_Delete(recs);
    cJSON_AddItemToObject(o, "resident", one ? one : cJSON_CreateObject());
    if (one) {
        cJSON *id = cJSON_GetObjectItem(one, "resident_id");
        if (!id)
            id = cJSON_GetObjectItem(one, "id");
        if (id)
            rid = (int64_t)id->valuedouble;
    }
    if (rid) {
        add_history(r, o, rid);
        hss_care_add_followups(r, o, rid); /* api_care_write.c */
        hss_care_rules rules;
        hss_care_rules_default(&rules);
        hss_table *next = NULL;
        if (hss_care_resident_next(r->st, &rules, rid, day, hss_lang_en(r), &next, &err) == HSS_OK) {
            cJSON_AddItemToObject(o, "chronic", table_json(next));
            hss_table_free(next);
        }
    }
    cJSON *l = table_json(log);
    hss_care_describe_readers(r, l); /* who: display name, role, facility (api_care_write.c) */
    cJSON_AddItemToObject(o, "access_log", l);
    hss_table_free(rec);
    hss_table_free(log);
    return send_obj(r, o);
}

/* ---- /care/referrals ---------------------------------------------------------------------- */

static enum MHD_Result api_referrals(hss_req *r)
{
    if (staff_only(r))
        return MHD_YES;
    char under[16];
    long long overdue = 0;
    if (hss_resolve_under(r, hss_arg(r, "under"), under) ||
        hss_check_uint(r, "overdue", hss_arg(r, "overdue"), 3650, &overdue))
        return MHD_YES;
    int32_t day;
    if (day_arg(r, &day))
        return MHD_YES;
    hss_care_viewer v = {r->user, NULL, NULL, under, NULL, NULL};
    hss_care_actor a; /* a doctor: the team's residents; a hospital: referrals addressed to it */
    if (hss_care_actor_of(r, &a))
        return MHD_YES;
    if (a.v.team)
        v.area = NULL, v.team = a.team;
    int hospital = strcmp(r->role, "hospital") == 0;
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hospital ? hss_care_referrals_received(r->st, r->user, a.facility[0] ? a.facility : "\x01", day, (int)overdue, &t, &err)
                          : hss_care_referrals(r->st, &v, day, (int)overdue, &t, &err);
    if (c)
        return fail(r, c, &err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    add_day(o, day);
    cJSON *rows = table_json(t);
    cJSON *x;
    cJSON_ArrayForEach(x, rows) {
        cJSON *st = cJSON_GetObjectItem(x, "state");
        int si = st && cJSON_IsString(st) ? hss_ref_state_parse(st->valuestring) : -1;
        if (si < 0)
            continue;
        cJSON_AddStringToObject(x, "state_zh", hss_ref_state_zh((hss_ref_state)si));
        cJSON *next = cJSON_AddArrayToObject(x, "next");
        for (int k = 0; k < HSS_REF_STATE_COUNT; k++)
            if (hss_ref_transition_allowed((hss_ref_state)si, (hss_ref_state)k))
                cJSON_AddItemToArray(next, cJSON_CreateString(hss_ref_state_id((hss_ref_state)k)));
    }
    cJSON_AddNumberToObject(o, "total", (double)hss_table_rows(t));
    cJSON_AddItemToObject(o, "rows", rows);
    hss_table_free(t);
    return send_obj(r, o);
}

static enum MHD_Result api_transition(hss_req *r, const char *idstr)
{
    if (staff_only(r))
        return MHD_YES;
    long long id;
    if (hss_check_uint(r, "referral id", idstr, (long long)1 << 53, &id))
        return MHD_YES;
    cJSON *body = r->body.len ? cJSON_ParseWithLength(r->body.data, r->body.len) : NULL;
    if (!body || !cJSON_IsObject(body)) {
        cJSON_Delete(body);
        return hss_respond_error(r, 400, "body: expected a JSON object {\"state\": ..., \"note\": ...}");
    }
    cJSON *js = cJSON_GetObjectItem(body, "state"), *jn = cJSON_GetObjectItem(body, "note");
    if (!cJSON_IsString(js) || (jn && !cJSON_IsNull(jn) && !cJSON_IsString(jn)) ||
        (cJSON_IsString(jn) && strlen(jn->valuestring) > 500)) {
        cJSON_Delete(body);
        return hss_respond_error(r, 400, "body: state must be a string, note a string of at most 500 bytes");
    }
    char village[16], cur[24];
    int64_t rid = 0;
    int found = hss_care_referral_get(r->st, id, village, cur, &rid);
    if (found <= 0) {
        cJSON_Delete(body);
        return found < 0 ? hss_respond_error(r, 500, "database error") : hss_respond_error(r, 404, "no referral %lld", id);
    }
    hss_error err;
    hss_error_clear(&err);
    if (hss_care_transition_check(r, id, js->valuestring, village, rid)) { /* role and scope (care_roles.c) */
        cJSON_Delete(body);
        return MHD_YES;
    }
    char at[24];
    {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S", &tm);
    }
    hss_code c = hss_care_referral_transition(r->st, id, js->valuestring, at, r->user,
                                              cJSON_IsString(jn) ? jn->valuestring : NULL, &err);
    cJSON_Delete(body);
    if (c == HSS_ECONFLICT) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "error", err.msg);
        cJSON_AddStringToObject(o, "state", cur);
        cJSON *a = cJSON_AddArrayToObject(o, "allowed");
        int si = hss_ref_state_parse(cur);
        for (int k = 0; si >= 0 && k < HSS_REF_STATE_COUNT; k++)
            if (hss_ref_transition_allowed((hss_ref_state)si, (hss_ref_state)k))
                cJSON_AddItemToArray(a, cJSON_CreateString(hss_ref_state_id((hss_ref_state)k)));
        char *js2 = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        return hss_respond_json(r, 409, js2);
    }
    if (c)
        return fail(r, c, &err);
    hss_table *ev = NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "referral_id", (double)id);
    if (hss_care_referral_events(r->st, id, &ev, &err) == HSS_OK) {
        cJSON_AddItemToObject(o, "events", table_json(ev));
        hss_table_free(ev);
    }
    char now_state[24];
    if (hss_care_referral_get(r->st, id, village, now_state, &rid) == 1)
        cJSON_AddStringToObject(o, "state", now_state);
    return send_obj(r, o);
}

/* ---- /care/measures ----------------------------------------------------------------------- */

/* Measures take seconds for a city, and a whole response is stale after every write (each read
 * of a resident writes an access-log row), so the answer is kept in the server's cache at the
 * data version, which only changes of facts move. Aggregates only: no resident is named. */
static enum MHD_Result api_measures(hss_req *r)
{
    if (is_resident(r) && staff_only(r))
        return MHD_YES;
    char under[16];
    if (hss_resolve_under(r, hss_arg(r, "under"), under))
        return MHD_YES;
    int32_t day;
    if (day_arg(r, &day))
        return MHD_YES;
    hss_buf key;
    hss_buf_init(&key);
    hss_buf_printf(&key, "care/measures\n%s\n%s\n%d", hss_store_path(r->st), under, (int)day);
    int64_t version = hss_store_data_version(r->st);
    char *j = hss_cache_get(key.data, version);
    if (j) {
        hss_buf_free(&key);
        return hss_respond_json(r, 200, j);
    }
    hss_care_rules rules;
    hss_care_rules_default(&rules);
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hss_care_measures(r->st, &rules, under, day, &t, &err);
    if (c) {
        hss_buf_free(&key);
        return fail(r, c, &err);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    add_day(o, day);
    cJSON_AddItemToObject(o, "rows", table_json(t));
    hss_table_free(t);
    j = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    hss_cache_put(key.data, version, j);
    hss_buf_free(&key);
    return hss_respond_json(r, 200, j);
}

/* ---- routing ------------------------------------------------------------------------------ */

static enum MHD_Result not_allowed(hss_req *r, const char *allow)
{
    const char *h[] = {"Allow", allow, NULL};
    char msg[200];
    snprintf(msg, sizeof msg, "{\"error\":\"method %s not allowed here; use %s\"}", r->method, allow);
    return hss_respond(r, 405, "application/json; charset=utf-8", msg, strlen(msg), h);
}

enum MHD_Result hss_api_care(hss_req *r, const char *p)
{
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    enum MHD_Result wret;
    if (hss_api_care_write(r, p, &wret))
        return wret;
    struct {
        const char *path;
        enum MHD_Result (*fn)(hss_req *);
    } gets[] = {
        {"/care/worklist", api_worklist}, {"/care/residents", api_residents}, {"/care/referrals", api_referrals},
        {"/care/measures", api_measures}, {"/care/teams", api_teams},
    };
    for (size_t i = 0; i < sizeof gets / sizeof *gets; i++)
        if (strcmp(p, gets[i].path) == 0)
            return get ? gets[i].fn(r) : not_allowed(r, "GET");
    static const char RES[] = "/care/residents/", REF[] = "/care/referrals/";
    if (strncmp(p, RES, sizeof RES - 1) == 0) {
        const char *key = p + sizeof RES - 1;
        const char *slash = strchr(key, '/');
        if (!slash) {
            return get ? api_resident(r, key, 0) : not_allowed(r, "GET");
        }
        if (strcmp(slash, "/access-log") == 0 && slash - key < 24) {
            char k[24];
            snprintf(k, sizeof k, "%.*s", (int)(slash - key), key);
            return get ? api_resident(r, k, 1) : not_allowed(r, "GET");
        }
    }
    if (strncmp(p, REF, sizeof REF - 1) == 0) {
        const char *id = p + sizeof REF - 1;
        const char *slash = strchr(id, '/');
        if (slash && strcmp(slash, "/transition") == 0 && slash - id < 20) {
            char k[24];
            snprintf(k, sizeof k, "%.*s", (int)(slash - id), id);
            return post ? api_transition(r, k) : not_allowed(r, "POST");
        }
    }
    return hss_respond_error(r, 404, "no such endpoint: %s", r->url);
}
