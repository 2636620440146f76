/*
 * search.c: read and search. A search becomes a fhir_query (scope range, keyset cursor, date
 * ranges, one key) run by db.c, its rows become resources (map.c) in a Bundle of type
 * searchset with self and next links. Paging is by keyset (`_after`, written by HSS into the
 * next link), so a page costs the same however deep it is. Unknown parameters are refused
 * rather than ignored: a client that believes it filtered must not receive unfiltered data.
 * Named residents returned are audited once per call; reads of residents outside the scope are
 * answered like unknown ones and audited as denied.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "care/care.h"
#include "fhir/fhir_int.h"

static const char *const TYPES[FK_COUNT] = {
    "Organization", "Location",   "Patient",        "CareTeam", "EpisodeOfCare",
    "Condition",    "Observation", "ServiceRequest", "Task",     "MeasureReport",
};

const char *const *hss_fhir_types(size_t *n)
{
    *n = FK_COUNT;
    return TYPES;
}

int fhir_kind_of(const char *type)
{
    for (int i = 0; i < FK_COUNT; i++)
        if (type && strcmp(type, TYPES[i]) == 0)
            return i;
    return -1;
}

/* ---- scope --------------------------------------------------------------------------------- */

int fhir_scope_range(const char *code, char lo[13], char hi[14])
{
    if (!code) { /* the operator's own tools (CLI): everything */
        lo[0] = 0;
        snprintf(hi, 14, "~");
        return 0;
    }
    size_t n = strlen(code);
    if (n != 6 && n != 9 && n != 12)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)code[i]))
            return -1;
    memcpy(lo, code, n);
    lo[n] = 0;
    if (n == 6 && strcmp(lo + 2, "0000") == 0)
        lo[2] = 0;
    else if (n == 6 && strcmp(lo + 4, "00") == 0)
        lo[4] = 0;
    snprintf(hi, 14, "%s:", lo);
    return 0;
}

int fhir_in_scope(const char *scope, const char *code)
{
    char lo[13], hi[14];
    if (fhir_scope_range(scope, lo, hi) != 0 || !code)
        return 0;
    return strcmp(code, lo) >= 0 && strcmp(code, hi) < 0;
}

/* ---- outcomes and capability ------------------------------------------------------------- */

char *hss_fhir_outcome(const char *severity, const char *code, const char *text, const char *expression)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "resourceType", "OperationOutcome");
    cJSON *issues = cJSON_AddArrayToObject(o, "issue");
    cJSON *i = cJSON_CreateObject();
    cJSON_AddStringToObject(i, "severity", severity);
    cJSON_AddStringToObject(i, "code", code);
    cJSON_AddStringToObject(i, "diagnostics", text);
    if (expression) {
        cJSON *e = cJSON_AddArrayToObject(i, "expression");
        cJSON_AddItemToArray(e, cJSON_CreateString(expression));
    }
    cJSON_AddItemToArray(issues, i);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static void add_search_param(cJSON *params, const char *name, const char *type)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    cJSON_AddStringToObject(p, "type", type);
    cJSON_AddItemToArray(params, p);
}

char *hss_fhir_capability(const char *base)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "resourceType", "CapabilityStatement");
    cJSON_AddStringToObject(o, "status", "active");
    char date[21];
    hss_utc_timestamp(date);
    cJSON_AddStringToObject(o, "date", date);
    cJSON_AddStringToObject(o, "publisher", "HSS");
    cJSON_AddStringToObject(o, "kind", "instance");
    cJSON *sw = cJSON_AddObjectToObject(o, "software");
    cJSON_AddStringToObject(sw, "name", "HSS health service system");
    cJSON *impl = cJSON_AddObjectToObject(o, "implementation");
    cJSON_AddStringToObject(impl, "description", "HSS FHIR R4 API (region, care and monitoring data)");
    cJSON_AddStringToObject(impl, "url", base);
    cJSON_AddStringToObject(o, "fhirVersion", "4.0.1");
    cJSON *fmt = cJSON_AddArrayToObject(o, "format");
    cJSON_AddItemToArray(fmt, cJSON_CreateString("application/fhir+json"));
    cJSON_AddItemToArray(fmt, cJSON_CreateString("json"));
    cJSON *rest = cJSON_AddArrayToObject(o, "rest");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "mode", "server");
    cJSON *sec = cJSON_AddObjectToObject(r, "security");
    cJSON_AddStringToObject(sec, "description",
                            "Bearer token of a system client (hss client add) or a dashboard session; every "
                            "answer is limited to the caller's area scope.");
    cJSON *res = cJSON_AddArrayToObject(r, "resource");
    for (int k = 0; k < FK_COUNT; k++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "type", TYPES[k]);
        cJSON *in = cJSON_AddArrayToObject(t, "interaction");
        static const char *const ops[] = {"read", "search-type"};
        for (int i = 0; i < 2; i++) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "code", ops[i]);
            cJSON_AddItemToArray(in, x);
        }
        cJSON *sp = cJSON_AddArrayToObject(t, "searchParam");
        if (k == FK_MEASUREREPORT) {
            add_search_param(sp, "subject", "reference");
            add_search_param(sp, "period", "date");
            add_search_param(sp, "measure", "reference");
        } else {
            add_search_param(sp, "_id", "token");
            if (k == FK_PATIENT || k == FK_ORGANIZATION || k == FK_LOCATION || k == FK_CARETEAM)
                add_search_param(sp, "identifier", "token");
            if (fhir_db_has((fhir_kind)k, 'p')) {
                add_search_param(sp, "patient", "reference");
                add_search_param(sp, "date", "date");
                add_search_param(sp, "_lastUpdated", "date");
            }
            if (k == FK_OBSERVATION)
                add_search_param(sp, "code", "token");
            add_search_param(sp, "_count", "number");
        }
        cJSON_AddItemToArray(res, t);
    }
    cJSON *inter = cJSON_AddArrayToObject(r, "interaction");
    static const char *const sys[] = {"transaction", "batch"};
    for (int i = 0; i < 2; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "code", sys[i]);
        cJSON_AddItemToArray(inter, x);
    }
    cJSON *op = cJSON_AddArrayToObject(r, "operation");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", "export");
    cJSON_AddStringToObject(e, "definition", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export");
    cJSON_AddItemToArray(op, e);
    cJSON_AddItemToArray(rest, r);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* ---- dates ------------------------------------------------------------------------------------ */

static void day_after(int y, int m, int d, char out[24])
{
    char s[11];
    hss_day_format(hss_days_from_civil(y, m, d) + 1, s);
    snprintf(out, 24, "%s", s);
}

int fhir_date_range(const char *value, char lo[24], char hi[24])
{
    static const char *const prefixes[] = {"eq", "ge", "gt", "le", "lt", "sa", "eb"};
    int pfx = 0;
    for (int i = 0; i < 7; i++)
        if (strncmp(value, prefixes[i], 2) == 0) {
            pfx = i;
            value += 2;
        }
    int y = 0, m = 0, d = 0, hh = 0, mm = 0;
    char s[40], e[48];
    size_t n = strlen(value);
    char tail;
    if (n == 4 && sscanf(value, "%4d%c", &y, &tail) == 1) {
        snprintf(s, sizeof s, "%04d", y);
        snprintf(e, sizeof e, "%04d", y + 1);
    } else if (n == 7 && sscanf(value, "%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12) {
        snprintf(s, sizeof s, "%04d-%02d", y, m);
        snprintf(e, sizeof e, m == 12 ? "%04d-01" : "%04d-%02d", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
        if (m == 12)
            snprintf(e, sizeof e, "%04d-01", y + 1);
    } else if (n >= 10 && sscanf(value, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12 && d >= 1 &&
               d <= hss_month_days(y, m)) {
        if (n == 10) {
            snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
            day_after(y, m, d, e);
        } else if (value[10] == 'T' && sscanf(value + 11, "%2d:%2d", &hh, &mm) == 2 && hh >= 0 && hh < 24 &&
                   mm >= 0 && mm < 60 && y > 0 && y < 10000) {
            /* stored times are local minutes: a time (its zone taken as +08:00) is compared at
             * minute precision */
            snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d", y, m, d, hh, mm);
            snprintf(e, sizeof e, "%s~", s);
        } else {
            return -1;
        }
    } else {
        return -1;
    }
    const char *l = NULL, *h = NULL;
    switch (pfx) {
    case 0: l = s; h = e; break;
    case 1: l = s; break;
    case 2: case 5: l = e; break;
    case 3: h = e; break;
    default: h = s; break;
    }
    if (l && (!lo[0] || strcmp(l, lo) > 0))
        snprintf(lo, 24, "%.23s", l);
    if (h && (!hi[0] || strcmp(h, hi) < 0))
        snprintf(hi, 24, "%.23s", h);
    return 0;
}

/* ---- audit ------------------------------------------------------------------------------------- */

typedef struct rset {
    int64_t *ids;
    size_t n, cap;
} rset;

static void rset_add(rset *r, int64_t id)
{
    if (!id)
        return;
    for (size_t i = 0; i < r->n; i++)
        if (r->ids[i] == id)
            return;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->ids = hss_xrealloc(r->ids, r->cap * sizeof *r->ids);
    }
    r->ids[r->n++] = id;
}

/* One access-log row for the named residents read (action fhir: one row naming their list),
 * and one for a refusal (denied). */
static hss_code audit(hss_store *st, const hss_fhir_viewer *v, const rset *read, int64_t denied, hss_error *err)
{
    if ((!read || !read->n) && !denied)
        return HSS_OK;
    if (hss_store_begin(st, err))
        return HSS_EDB;
    hss_code rc = HSS_OK;
    if (read && read->n)
        rc = hss_care_audit_list(st, v->user, "fhir", read->ids, read->n, err);
    if (!rc && denied)
        rc = hss_care_audit(st, v->user, "denied", denied, err);
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}

/* A resident key given by the caller that names a stored resident outside the scope. */
static int64_t outside_scope(hss_store *st, const hss_fhir_viewer *v, const char *key)
{
    char village[16];
    int64_t id = fhir_db_resident_id(st, key, village);
    return id && !fhir_in_scope(v->scope, village) ? id : 0;
}

/* ---- read ------------------------------------------------------------------------------------- */

static void as_of_day(hss_store *st, char out[11])
{
    char *d = hss_store_meta_get(st, "care_demo_date");
    int32_t day;
    if (d && hss_care_parse_day(d, 0, &day) == 0)
        snprintf(out, 11, "%s", d);
    else
        hss_care_format_day(hss_care_today(), out);
    free(d);
}

static hss_code read_measure(hss_store *st, const hss_fhir_viewer *v, const char *id, char **json, hss_error *err)
{
    char area[16], period[16], ind[64];
    if (sscanf(id, "%15[0-9].%15[0-9A-Z-].%63[a-z0-9-]", area, period, ind) != 3 || !fhir_in_scope(v->scope, area))
        return hss_fail(err, HSS_ENOTFOUND, "MeasureReport/%s: not found", id);
    for (char *p = ind; *p; p++)
        if (*p == '-')
            *p = '_';
    cJSON *a = cJSON_CreateArray();
    hss_error e2;
    hss_code rc = fhir_measure_reports(st, area, period, ind, area, a, &e2);
    cJSON *o = rc ? NULL : cJSON_DetachItemFromArray(a, 0);
    cJSON_Delete(a);
    if (!o)
        return hss_fail(err, HSS_ENOTFOUND, "MeasureReport/%s: not found", id);
    *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return HSS_OK;
}

hss_code hss_fhir_read(hss_store *st, const hss_fhir_viewer *v, const char *base, const char *type,
                       const char *id, char **json, hss_error *err)
{
    int k = fhir_kind_of(type);
    if (k < 0)
        return hss_fail(err, HSS_ENOTFOUND, "resource type '%s' is not served here", type ? type : "");
    if (k == FK_MEASUREREPORT)
        return read_measure(st, v, id, json, err);
    fhir_query q = {0};
    if (fhir_scope_range(v->scope, q.lo, q.hi) != 0 || fhir_read_key((fhir_kind)k, id, q.key) != 0)
        return hss_fail(err, HSS_ENOTFOUND, "%s/%s: not found", type, id);
    q.limit = 1;
    hss_stmt *s = fhir_db_query(st, (fhir_kind)k, FV_ID, &q, err);
    if (!s)
        return err->code;
    char today[11];
    as_of_day(st, today);
    fhir_map_ctx c = {base, v->see_ids, today};
    cJSON *a = cJSON_CreateArray();
    int64_t resident = 0;
    char cursor[72];
    if (hss_store_step(s) == HSS_ROW)
        fhir_map_row((fhir_kind)k, s, &c, a, &resident, cursor);
    hss_store_finalize(s);
    cJSON *found = NULL;
    cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (strcmp(cJSON_GetObjectItem(it, "id")->valuestring, id) == 0)
            found = it;
    }
    if (!found) {
        cJSON_Delete(a);
        int64_t denied = k == FK_PATIENT ? outside_scope(st, v, q.key) : 0;
        if (denied)
            audit(st, v, NULL, denied, NULL);
        return hss_fail(err, HSS_ENOTFOUND, "%s/%s: not found", type, id);
    }
    rset rs = {0};
    if (v->see_ids || k != FK_PATIENT)
        rset_add(&rs, resident);
    hss_code rc = audit(st, v, &rs, 0, err);
    free(rs.ids);
    if (rc) {
        cJSON_Delete(a);
        return rc;
    }
    *json = cJSON_PrintUnformatted(found);
    cJSON_Delete(a);
    return HSS_OK;
}

/* ---- search ------------------------------------------------------------------------------------ */

typedef struct search {
    fhir_kind kind;
    fhir_variant var;
    fhir_query q;
    int count;
    const char *code;     /* Observation: LOINC code wanted */
    const char *id_exact; /* Observation: _id with its prefix */
    const char *period, *measure, *subject; /* MeasureReport */
} search;

static void url_encode(hss_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/')
            hss_buf_putc(b, (char)c);
        else
            hss_buf_printf(b, "%%%02X", c);
    }
}

/* The value of a token parameter "system|value" when the system (if given) is `system`. */
static const char *token_value(const char *v, const char *system, int *other_system)
{
    const char *bar = strchr(v, '|');
    *other_system = 0;
    if (!bar)
        return v;
    if (bar != v && (strlen(system) != (size_t)(bar - v) || strncmp(v, system, (size_t)(bar - v)) != 0))
        *other_system = 1;
    return bar + 1;
}

static hss_code bad_param(hss_error *err, const char *name, const char *value, const char *why)
{
    return hss_fail(err, HSS_EINVAL, "search parameter %s=%s: %s", name, value, why);
}

static hss_code parse_identifier(search *sr, const char *value, hss_error *err)
{
    int other = 0;
    const char *val;
    switch (sr->kind) {
    case FK_PATIENT:
        val = token_value(value, HSS_FHIR_SID_CITIZEN, &other);
        sr->var = FV_IDENT;
        snprintf(sr->q.key, sizeof sr->q.key, "%s", val);
        /* the stored form of the check character is upper case */
        if (strlen(sr->q.key) == 18 && sr->q.key[17] == 'x')
            sr->q.key[17] = 'X';
        break;
    case FK_ORGANIZATION:
        val = token_value(value, HSS_FHIR_SID_MEDCOM, &other);
        if (!other && strchr(value, '|') && value[0] != '|') {
            snprintf(sr->q.key, sizeof sr->q.key, "medcom-%s", val);
        } else {
            val = token_value(value, HSS_FHIR_SID_FACILITY, &other);
            snprintf(sr->q.key, sizeof sr->q.key, "%s", val);
        }
        sr->var = FV_ID;
        break;
    case FK_LOCATION:
        val = token_value(value, HSS_FHIR_SID_FACILITY, &other);
        if (!other && strchr(value, '|') && value[0] != '|') {
            snprintf(sr->q.key, sizeof sr->q.key, "site-%s", val);
        } else {
            val = token_value(value, HSS_FHIR_SID_DIVISION, &other);
            snprintf(sr->q.key, sizeof sr->q.key, "%s", val);
        }
        sr->var = FV_ID;
        break;
    case FK_CARETEAM:
        val = token_value(value, HSS_FHIR_SID_TEAM, &other);
        snprintf(sr->q.key, sizeof sr->q.key, "%s", val);
        sr->var = FV_ID;
        break;
    default:
        return bad_param(err, "identifier", value, "not supported for this resource type");
    }
    if (other) /* a system HSS does not issue identifies nothing here */
        snprintf(sr->q.key, sizeof sr->q.key, "~none~");
    return HSS_OK;
}

static hss_code parse_param(search *sr, const char *name, const char *value, hss_error *err)
{
    fhir_kind k = sr->kind;
    if (strcmp(name, "_count") == 0) {
        int64_t n;
        if (hss_parse_int64(value, &n) != 0 || n < 0 || n > 1000)
            return bad_param(err, name, value, "must be a whole number from 0 to 1000");
        sr->count = (int)n;
        return HSS_OK;
    }
    if (strcmp(name, "_format") == 0)
        return HSS_OK;
    if (k == FK_MEASUREREPORT) {
        if (strcmp(name, "subject") == 0)
            sr->subject = strncmp(value, "Location/", 9) == 0 ? value + 9 : value;
        else if (strcmp(name, "period") == 0 || strcmp(name, "date") == 0)
            sr->period = strncmp(value, "eq", 2) == 0 ? value + 2 : value;
        else if (strcmp(name, "measure") == 0)
            sr->measure = strrchr(value, '/') ? strrchr(value, '/') + 1 : value;
        else
            return bad_param(err, name, value, "unknown parameter for MeasureReport (subject, period, measure)");
        return HSS_OK;
    }
    if (strcmp(name, "_after") == 0) {
        if (strlen(value) > 64)
            return bad_param(err, name, value, "not a cursor written by HSS");
        snprintf(sr->q.after, sizeof sr->q.after, "%s", value);
        return HSS_OK;
    }
    if (strcmp(name, "identifier") == 0)
        return parse_identifier(sr, value, err);
    if (strcmp(name, "_id") == 0) {
        if (fhir_read_key(k, value, sr->q.key) != 0)
            snprintf(sr->q.key, sizeof sr->q.key, "0");
        sr->var = FV_ID;
        if (k == FK_OBSERVATION)
            sr->id_exact = value;
        return HSS_OK;
    }
    if (fhir_db_has(k, 'p') && (strcmp(name, "patient") == 0 || strcmp(name, "subject") == 0)) {
        const char *id = strncmp(value, "Patient/", 8) == 0 ? value + 8 : value;
        int64_t n;
        if (hss_parse_int64(id, &n) != 0 || n <= 0)
            return bad_param(err, name, value, "must be Patient/<id>");
        snprintf(sr->q.key, sizeof sr->q.key, "%lld", (long long)n);
        sr->var = FV_PATIENT;
        return HSS_OK;
    }
    if (fhir_db_has(k, 'd') && (strcmp(name, "date") == 0 || strcmp(name, "_lastUpdated") == 0)) {
        int upd = name[0] == '_';
        if (fhir_date_range(value, upd ? sr->q.upd_lo : sr->q.date_lo, upd ? sr->q.upd_hi : sr->q.date_hi) != 0)
            return bad_param(err, name, value, "must be a date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime) with an "
                                               "optional prefix eq, ge, gt, le, lt, sa, eb");
        return HSS_OK;
    }
    if (k == FK_OBSERVATION && strcmp(name, "code") == 0) {
        int other;
        sr->code = token_value(value, "http://loinc.org", &other);
        if (other)
            sr->code = "~none~";
        return HSS_OK;
    }
    return bad_param(err, name, value, "unknown search parameter for this resource type");
}

/* Whether a produced resource passes the filters applied after mapping. */
static int keep(const search *sr, cJSON *res)
{
    if (sr->id_exact && strcmp(cJSON_GetObjectItem(res, "id")->valuestring, sr->id_exact) != 0)
        return 0;
    if (sr->code) {
        cJSON *cd = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "code"), "coding"), 0);
        return strcmp(cJSON_GetObjectItem(cd, "code")->valuestring, sr->code) == 0;
    }
    return 1;
}

static void add_link(cJSON *links, const char *rel, const char *url)
{
    cJSON *l = cJSON_CreateObject();
    cJSON_AddStringToObject(l, "relation", rel);
    cJSON_AddStringToObject(l, "url", url);
    cJSON_AddItemToArray(links, l);
}

static char *page_url(const char *base, const char *type, const hss_fhir_param *p, size_t np, const char *after)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "%s/%s", base, type);
    char sep = '?';
    for (size_t i = 0; i < np; i++) {
        if (strcmp(p[i].name, "_after") == 0)
            continue;
        hss_buf_putc(&b, sep);
        url_encode(&b, p[i].name);
        hss_buf_putc(&b, '=');
        url_encode(&b, p[i].value);
        sep = '&';
    }
    if (after) {
        hss_buf_printf(&b, "%c_after=", sep);
        url_encode(&b, after);
    }
    return hss_buf_steal(&b);
}

static void add_entry(cJSON *entries, const char *base, cJSON *res)
{
    cJSON *e = cJSON_CreateObject();
    char url[400];
    snprintf(url, sizeof url, "%s/%s/%s", base, cJSON_GetObjectItem(res, "resourceType")->valuestring,
             cJSON_GetObjectItem(res, "id")->valuestring);
    cJSON_AddStringToObject(e, "fullUrl", url);
    cJSON_AddItemToObject(e, "resource", res);
    cJSON *s = cJSON_AddObjectToObject(e, "search");
    cJSON_AddStringToObject(s, "mode", "match");
    cJSON_AddItemToArray(entries, e);
}

/* Runs the rows of a search into entries; sets *more and the cursor of the last row taken. */
static hss_code run_rows(hss_store *st, const search *sr, const fhir_map_ctx *c, cJSON *entries, rset *rs,
                         int *more, char last[72], hss_error *err)
{
    fhir_query q = sr->q;
    q.limit = sr->count + 1;
    hss_stmt *s = fhir_db_query(st, sr->kind, sr->var, &q, err);
    if (!s)
        return err->code;
    int taken = 0, rc;
    *more = 0;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        cJSON *tmp = cJSON_CreateArray();
        int64_t resident;
        char cursor[72];
        fhir_map_row(sr->kind, s, c, tmp, &resident, cursor);
        int n = 0;
        cJSON *it;
        cJSON_ArrayForEach(it, tmp) n += keep(sr, it);
        if (taken + n > sr->count) {
            *more = 1;
            cJSON_Delete(tmp);
            break;
        }
        while (cJSON_GetArraySize(tmp) > 0) {
            cJSON *res = cJSON_DetachItemFromArray(tmp, 0);
            if (keep(sr, res))
                add_entry(entries, c->base, res);
            else
                cJSON_Delete(res);
        }
        cJSON_Delete(tmp);
        taken += n;
        if (n && (c->see_ids || sr->kind != FK_PATIENT))
            rset_add(rs, resident);
        snprintf(last, 72, "%s", cursor);
    }
    hss_store_finalize(s);
    if (rc != HSS_ROW && rc != HSS_DONE)
        return hss_store_error(st, err, "searching");
    return HSS_OK;
}

static hss_code search_measures(hss_store *st, const hss_fhir_viewer *v, const search *sr, cJSON *entries,
                                const char *base, hss_error *err)
{
    const char *area = sr->subject ? sr->subject : v->scope;
    if (!fhir_in_scope(v->scope, area))
        return HSS_OK; /* nothing outside the scope, as for an unknown area */
    cJSON *a = cJSON_CreateArray();
    hss_code rc = fhir_measure_reports(st, area, sr->period, sr->measure, sr->subject, a, err);
    if (rc == HSS_EINVAL || rc == HSS_ENOTFOUND) {
        cJSON_Delete(a);
        return hss_fail(err, HSS_EINVAL, "MeasureReport search: %s", err->msg);
    }
    while (!rc && cJSON_GetArraySize(a) > 0)
        add_entry(entries, base, cJSON_DetachItemFromArray(a, 0));
    cJSON_Delete(a);
    return rc;
}

hss_code hss_fhir_search(hss_store *st, const hss_fhir_viewer *v, const char *base, const char *type,
                         const hss_fhir_param *params, size_t nparams, char **json, hss_error *err)
{
    int k = fhir_kind_of(type);
    if (k < 0)
        return hss_fail(err, HSS_ENOTFOUND, "resource type '%s' is not served here", type ? type : "");
    search sr;
    memset(&sr, 0, sizeof sr);
    sr.kind = (fhir_kind)k;
    sr.var = FV_SCOPE;
    sr.count = 50;
    if (fhir_scope_range(v->scope, sr.q.lo, sr.q.hi) != 0)
        return hss_fail(err, HSS_EDENIED, "scope '%s' is not an area code", v->scope ? v->scope : "");
    for (size_t i = 0; i < nparams; i++) {
        hss_code rc = parse_param(&sr, params[i].name, params[i].value, err);
        if (rc)
            return rc;
    }
    if (k == FK_PATIENT && sr.var == FV_IDENT && !v->see_ids)
        return hss_fail(err, HSS_EDENIED, "your role may not look residents up by citizen ID");
    char today[11];
    as_of_day(st, today);
    fhir_map_ctx c = {base, v->see_ids, today};
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "resourceType", "Bundle");
    cJSON_AddStringToObject(b, "type", "searchset");
    cJSON *links = cJSON_AddArrayToObject(b, "link");
    cJSON *entries = cJSON_CreateArray();
    rset rs = {0};
    int more = 0;
    char last[72] = "";
    hss_code rc = k == FK_MEASUREREPORT ? search_measures(st, v, &sr, entries, base, err)
                                        : run_rows(st, &sr, &c, entries, &rs, &more, last, err);
    int64_t denied = 0;
    if (!rc && cJSON_GetArraySize(entries) == 0 && (sr.var == FV_IDENT || sr.var == FV_PATIENT ||
                                                    (sr.var == FV_ID && k == FK_PATIENT)))
        denied = outside_scope(st, v, sr.q.key);
    if (!rc)
        rc = audit(st, v, &rs, denied, err);
    free(rs.ids);
    if (rc) {
        cJSON_Delete(entries);
        cJSON_Delete(b);
        return rc;
    }
    if (!more && !sr.q.after[0])
        cJSON_AddNumberToObject(b, "total", cJSON_GetArraySize(entries));
    char *self = page_url(base, type, params, nparams, sr.q.after[0] ? sr.q.after : NULL);
    add_link(links, "self", self);
    free(self);
    if (more) {
        char *next = page_url(base, type, params, nparams, last);
        add_link(links, "next", next);
        free(next);
    }
    if (cJSON_GetArraySize(entries) > 0) /* FHIR JSON has no empty arrays */
        cJSON_AddItemToObject(b, "entry", entries);
    else
        cJSON_Delete(entries);
    *json = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    return HSS_OK;
}
