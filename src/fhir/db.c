/*
 * db.c: every SQL statement of the fhir module, so that a later store interface can take them
 * over in one place. Searches and exports select rows of the care and region tables with the
 * same numbered parameters for every kind:
 *   ?1 ?2  scope range (lo <= code < hi)     ?3 paging cursor (key > ?3)   ?4 limit
 *   ?5 ?6  the kind's date in [?5, ?6)         ?7 ?8 its last-update time in [?7, ?8)
 *   ?9     the key of a read, a patient or a citizen ID
 * A NULL date parameter means no condition. Scope ranges on the big tables are written
 * `CAST(village_code AS TEXT)` so that SQLite walks the primary key in cursor order instead of
 * sorting a whole county's rows for each page (an expression takes no index there); for
 * PostgreSQL the cast of a text column is no expression at all, and its planner chooses.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fhir/fhir_int.h"

/* Column layouts (map.c reads them by index). */
#define ORG_SQL                                                                                          \
    "SELECT id,kind,code,name,type,grade,ownership,area_code,medcom_code,medcom_lead,generated FROM ("    \
    " SELECT code AS id,'f' AS kind,code,name,type,grade,ownership,area_code,medcom_code,medcom_lead,"    \
    "  generated FROM facility WHERE area_code>=?1 AND area_code<?2"                                      \
    " UNION ALL SELECT 'medcom-'||medcom_code,'m',medcom_code,"                                           \
    "  coalesce(max(CASE WHEN medcom_lead=1 THEN name END),medcom_code),'','','',"                        \
    "  coalesce(max(CASE WHEN medcom_lead=1 THEN area_code END),min(area_code)),NULL,0,max(generated)"   \
    "  FROM facility WHERE coalesce(medcom_code,'')<>'' GROUP BY medcom_code"                              \
    "  HAVING sum(CASE WHEN area_code>=?1 AND area_code<?2 THEN 1 ELSE 0 END)>0"                         \
    ") AS o WHERE id>?3 AND (?9 IS NULL OR id=?9) ORDER BY id LIMIT ?4"

#define LOC_SQL                                                                                          \
    "SELECT id,kind,code,name,level,parent,lon,lat,generated,type FROM ("                                 \
    " SELECT code AS id,'a' AS kind,code,name,level,parent_code AS parent,lon,lat,generated,kind AS type" \
    "  FROM area WHERE code>=?1 AND code<?2"                                                              \
    " UNION ALL SELECT 'site-'||code,'f',code,name,'site',area_code,lon,lat,generated,type"               \
    "  FROM facility WHERE area_code>=?1 AND area_code<?2"                                                \
    ") AS l WHERE id>?3 AND (?9 IS NULL OR id=?9) ORDER BY id LIMIT ?4"

#define TEAM_SQL                                                                                         \
    "SELECT t.code,t.name,t.facility_code,t.generated,"                                                   \
    " (SELECT group_concat(village_code,';') FROM care_team_village v WHERE v.team_code=t.code),"          \
    " (SELECT group_concat(name||'\x1f'||role,'\x1e') FROM care_team_member m WHERE m.team_code=t.code) " \
    "FROM care_team t JOIN facility f ON f.code=t.facility_code "                                         \
    "WHERE f.area_code>=?1 AND f.area_code<?2 AND t.code>?3 AND (?9 IS NULL OR t.code=?9) "               \
    "ORDER BY t.code LIMIT ?4"

#define PAT_COLS "SELECT id,id_number,name,sex,birth_date,village_code,generated FROM care_resident "

#define EP_COLS                                                                                          \
    "SELECT c.id,c.resident_id,c.team_code,c.package,c.start_date,c.end_date,c.renewal_of,c.generated,"   \
    "t.facility_code FROM care_contract c JOIN care_team t ON t.code=c.team_code WHERE "
#define EP_DATES                                                                                         \
    " AND (?5 IS NULL OR c.start_date>=?5) AND (?6 IS NULL OR c.start_date<?6)"                           \
    " AND (?7 IS NULL OR c.start_date>=?7) AND (?8 IS NULL OR c.start_date<?8)"

#define CON_COLS "SELECT e.id,e.resident_id,e.disease,e.enrolled_on,e.generated FROM care_enrolment e WHERE "
#define CON_DATES                                                                                        \
    " AND (?5 IS NULL OR e.enrolled_on>=?5) AND (?6 IS NULL OR e.enrolled_on<?6)"                         \
    " AND (?7 IS NULL OR e.enrolled_on>=?7) AND (?8 IS NULL OR e.enrolled_on<?8)"

#define OBS_COLS                                                                                         \
    "SELECT f.id,e.resident_id,f.visit_date,f.sbp,f.dbp,f.glucose,f.generated,e.disease "                 \
    "FROM care_followup f JOIN care_enrolment e ON e.id=f.enrolment_id WHERE "
#define OBS_DATES                                                                                        \
    " AND (?5 IS NULL OR f.visit_date>=?5) AND (?6 IS NULL OR f.visit_date<?6)"                           \
    " AND (?7 IS NULL OR f.visit_date>=?7) AND (?8 IS NULL OR f.visit_date<?8)"

/* A referral is last updated by its latest transition (max skips the times not reached). */
#define REF_UPD                                                                                          \
    "(SELECT max(t) FROM (SELECT requested_at AS t UNION ALL SELECT accepted_at UNION ALL SELECT rejected_at" \
    " UNION ALL SELECT arrived_at UNION ALL SELECT completed_at UNION ALL SELECT down_referred_at"          \
    " UNION ALL SELECT received_at) AS times)"
#define REF_COLS                                                                                         \
    "SELECT id,resident_id,from_facility,to_facility,to_name,in_county,priority,reason,state,"            \
    "requested_at,accepted_at,rejected_at,arrived_at,completed_at,down_referred_at,received_at,generated," \
    REF_UPD " AS upd FROM care_referral WHERE "
#define REF_DATES                                                                                        \
    " AND (?5 IS NULL OR requested_at>=?5) AND (?6 IS NULL OR requested_at<?6)"                           \
    " AND (?7 IS NULL OR " REF_UPD ">=?7) AND (?8 IS NULL OR " REF_UPD "<?8)"

/* Kinds without rows per resident: one statement per variant (NULL: not searchable so). */
static const char *const SQL[FK_COUNT][FV_COUNT] = {
    [FK_ORGANIZATION] = {ORG_SQL, ORG_SQL, NULL, NULL},
    [FK_LOCATION] = {LOC_SQL, LOC_SQL, NULL, NULL},
    [FK_PATIENT] = {
        PAT_COLS "WHERE CAST(village_code AS TEXT)>=?1 AND CAST(village_code AS TEXT)<?2 AND id>?3 ORDER BY id LIMIT ?4",
        PAT_COLS "WHERE id=?9 AND village_code>=?1 AND village_code<?2",
        PAT_COLS "WHERE id=?9 AND village_code>=?1 AND village_code<?2",
        PAT_COLS "WHERE id_number=?9 AND village_code>=?1 AND village_code<?2",
    },
    [FK_CARETEAM] = {TEAM_SQL, TEAM_SQL, NULL, NULL},
};

/* Kinds with rows per resident share one statement per variant; they differ only in these. */
typedef struct resident_rows {
    const char *select;   /* columns and tables, ending in WHERE */
    const char *id;       /* the row key */
    const char *resident; /* the resident's id */
    const char *village;  /* the resident's village (the scope) */
    const char *dates;    /* the date and last-update conditions */
} resident_rows;

static const resident_rows RESIDENT_ROWS[FK_COUNT] = {
    [FK_EPISODE] = {EP_COLS, "c.id", "c.resident_id", "c.village_code", EP_DATES},
    [FK_CONDITION] = {CON_COLS, "e.id", "e.resident_id", "e.village_code", CON_DATES},
    [FK_OBSERVATION] = {OBS_COLS, "f.id", "e.resident_id", "e.village_code", OBS_DATES},
    [FK_SERVICEREQUEST] = {REF_COLS, "id", "resident_id", "village_code", REF_DATES},
    [FK_TASK] = {REF_COLS, "id", "resident_id", "village_code", REF_DATES},
};

/* The statement of kind k for variant var, written into buf when the kind has rows per
 * resident; NULL when that search is not supported. */
static const char *statement(fhir_kind k, fhir_variant var, char *buf, size_t n)
{
    const resident_rows *r = &RESIDENT_ROWS[k];
    if (!r->select)
        return SQL[k][var];
    if (var == FV_SCOPE)
        snprintf(buf, n, "%sCAST(%s AS TEXT)>=?1 AND CAST(%s AS TEXT)<?2 AND %s>?3%s ORDER BY %s LIMIT ?4", r->select, r->village,
                 r->village, r->id, r->dates, r->id);
    else if (var == FV_ID)
        snprintf(buf, n, "%s%s=?9 AND %s>=?1 AND %s<?2", r->select, r->id, r->village, r->village);
    else if (var == FV_PATIENT)
        snprintf(buf, n, "%s%s=?9 AND %s>=?1 AND %s<?2 AND %s>?3%s ORDER BY %s LIMIT ?4", r->select,
                 r->resident, r->village, r->village, r->id, r->dates, r->id);
    else
        return NULL;
    return buf;
}

int fhir_db_has(fhir_kind k, char what)
{
    switch (what) {
    case 'd': /* a date */
    case 'u': /* a last-update time */
    case 'p': /* rows per patient */
        return k < FK_COUNT && RESIDENT_ROWS[k].select != NULL;
    case 'i': /* integer keys */
        return k != FK_ORGANIZATION && k != FK_LOCATION && k != FK_CARETEAM;
    default:
        return 0;
    }
}

const char *fhir_col(hss_stmt *s, int i)
{
    const char *t = hss_store_col_text(s, i);
    return t ? (const char *)t : "";
}

static void bind_opt(hss_stmt *s, int i, const char *v)
{
    if (v && *v)
        hss_store_bind_copy(s, i, v);
    else
        hss_store_bind_null(s, i);
}

/* Steps a write statement to its end, then finalizes it; `what` names it in the error. */
static hss_code step_done(hss_store *st, hss_stmt *s, const char *what, hss_error *err)
{
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, what);
}

hss_stmt *fhir_db_query(hss_store *st, fhir_kind k, fhir_variant var, const fhir_query *q, hss_error *err)
{
    char buf[4096];
    const char *sql = k < FK_MEASUREREPORT ? statement(k, var, buf, sizeof buf) : NULL;
    if (!sql) {
        hss_fail(err, HSS_EINVAL, "this search is not supported for this resource type");
        return NULL;
    }
    hss_stmt *s = hss_store_prepare(st, sql, err);
    if (!s)
        return NULL;
    int ints = fhir_db_has(k, 'i');
    hss_store_bind_copy(s, 1, q->lo);
    hss_store_bind_copy(s, 2, q->hi);
    if (ints) {
        long long after = 0;
        if (q->after[0])
            sscanf(q->after, "%lld", &after);
        hss_store_bind_int64(s, 3, after);
    } else {
        hss_store_bind_copy(s, 3, q->after);
    }
    hss_store_bind_int64(s, 4, q->limit < 0 ? INT64_MAX : q->limit);
    bind_opt(s, 5, q->date_lo);
    bind_opt(s, 6, q->date_hi);
    bind_opt(s, 7, q->upd_lo);
    bind_opt(s, 8, q->upd_hi);
    if (!q->key[0])
        hss_store_bind_null(s, 9);
    else if (ints && var != FV_IDENT) {
        long long key = 0;
        sscanf(q->key, "%lld", &key);
        hss_store_bind_int64(s, 9, key);
    } else {
        hss_store_bind_copy(s, 9, q->key);
    }
    return s;
}

int64_t fhir_db_resident_id(hss_store *st, const char *key, char village[16])
{
    village[0] = 0;
    hss_stmt *s = hss_store_prepare(st, "SELECT id,village_code FROM care_resident WHERE id=?1 OR id_number=?2", NULL);
    if (!s)
        return 0;
    long long id = 0;
    if (strlen(key) < 18 && sscanf(key, "%lld", &id) != 1)
        id = 0;
    hss_store_bind_int64(s, 1, id);
    hss_store_bind_text(s, 2, key);
    int64_t out = 0;
    if (hss_store_step(s) == HSS_ROW) {
        out = hss_store_col_int64(s, 0);
        snprintf(village, 16, "%s", fhir_col(s, 1));
    }
    hss_store_finalize(s);
    return out;
}

/* ---- system clients ------------------------------------------------------------------------ */

hss_code fhir_db_client_put(hss_store *st, const char *name, const char *scope, const char *hash,
                            int64_t created, int64_t expires, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO fhir_client(name,scope,token_hash,created,expires,revoked) VALUES(?,?,?,?,?,0) "
        "ON CONFLICT(name) DO UPDATE SET scope=excluded.scope,token_hash=excluded.token_hash,"
        "created=excluded.created,expires=excluded.expires,revoked=0", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, name);
    hss_store_bind_text(s, 2, scope);
    hss_store_bind_text(s, 3, hash);
    hss_store_bind_int64(s, 4, created);
    if (expires)
        hss_store_bind_int64(s, 5, expires);
    else
        hss_store_bind_null(s, 5);
    return step_done(st, s, "saving the client", err);
}

hss_code fhir_db_client_revoke(hss_store *st, const char *name, int *found, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "UPDATE fhir_client SET revoked=1 WHERE name=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, name);
    hss_code rc = step_done(st, s, "revoking the client", err);
    *found = hss_store_changes(st) > 0;
    return rc;
}

int fhir_db_client_get(hss_store *st, const char *hash, int64_t now, char name[128], char scope[16])
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT name,scope FROM fhir_client WHERE token_hash=? AND revoked=0 AND (expires IS NULL OR expires>?)",
        NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, hash);
    hss_store_bind_int64(s, 2, now);
    int ok = hss_store_step(s) == HSS_ROW;
    if (ok) {
        snprintf(name, 128, "%s", fhir_col(s, 0));
        snprintf(scope, 16, "%s", fhir_col(s, 1));
    }
    hss_store_finalize(s);
    return ok;
}

/* A Unix time as UTC `YYYY-MM-DD HH:MM:SS`. */
static void utc_time(int64_t t, char out[20])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

hss_code fhir_db_client_list(hss_store *st, FILE *out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT name,scope,created,expires,revoked FROM fhir_client ORDER BY name", err);
    if (!s)
        return HSS_EDB;
    fprintf(out, "name\tscope\tcreated\texpires\trevoked\n");
    while (hss_store_step(s) == HSS_ROW) {
        char created[20], expires[20] = "never";
        utc_time(hss_store_col_int64(s, 2), created);
        if (!hss_store_col_is_null(s, 3))
            utc_time(hss_store_col_int64(s, 3), expires);
        fprintf(out, "%s\t%s\t%s\t%s\t%d\n", fhir_col(s, 0), fhir_col(s, 1), created, expires,
                hss_store_col_int(s, 4));
    }
    hss_store_finalize(s);
    return HSS_OK;
}

hss_code fhir_db_audit(hss_store *st, const char *user, const char *action, const char *target,
                       const char *detail, hss_error *err)
{
    char at[21];
    hss_utc_timestamp(at);
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO audit(at,user_name,ip,action,target,status,detail) VALUES(?,?,'',?,?,0,?)", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_copy(s, 1, at);
    hss_store_bind_text(s, 2, user ? user : "");
    hss_store_bind_text(s, 3, action);
    hss_store_bind_text(s, 4, target ? target : "");
    hss_store_bind_text(s, 5, detail ? detail : "");
    return step_done(st, s, "writing the audit record", err);
}

/* ---- import look-ups ------------------------------------------------------------------------ */

/* Runs a one-row lookup with one text (or integer) key and copies column 0 (and 1) out. The
 * statement is kept in cache->s[slot] between calls (cache NULL: prepared for this call). */
static int lookup(hss_store *st, fhir_db_cache *cache, int slot, const char *sql, const char *key, int64_t ikey,
                  char *out0, size_t n0, int *int1)
{
    hss_stmt *s = cache ? cache->s[slot] : NULL;
    if (!s) {
        s = hss_store_prepare(st, sql, NULL);
        if (!s)
            return 0;
        if (cache)
            cache->s[slot] = s;
    }
    if (key)
        hss_store_bind_copy(s, 1, key);
    else
        hss_store_bind_int64(s, 1, ikey);
    int found = hss_store_step(s) == HSS_ROW;
    if (found && out0)
        snprintf(out0, n0, "%s", fhir_col(s, 0));
    if (found && int1)
        *int1 = hss_store_col_int(s, 1);
    if (cache)
        hss_store_reset(s);
    else
        hss_store_finalize(s);
    return found;
}

void fhir_db_cache_free(fhir_db_cache *cache)
{
    for (size_t i = 0; i < sizeof cache->s / sizeof *cache->s; i++) {
        hss_store_finalize(cache->s[i]);
        cache->s[i] = NULL;
    }
}

int fhir_db_village_exists(hss_store *st, fhir_db_cache *c, const char *code)
{
    return lookup(st, c, 0, "SELECT code FROM area WHERE code=? AND level='village'", code, 0, NULL, 0, NULL);
}

int fhir_db_facility_area(hss_store *st, fhir_db_cache *c, const char *code, char area[16])
{
    return lookup(st, c, 1, "SELECT area_code FROM facility WHERE code=?", code, 0, area, 16, NULL);
}

int fhir_db_resident_village(hss_store *st, fhir_db_cache *c, const char *id_number, char village[16])
{
    return lookup(st, c, 2, "SELECT village_code FROM care_resident WHERE id_number=?", id_number, 0, village, 16,
                  NULL);
}

int fhir_db_resident_number(hss_store *st, fhir_db_cache *c, int64_t id, char id_number[19], char village[16])
{
    int found = lookup(st, c, 3, "SELECT id_number,village_code FROM care_resident WHERE id=?", NULL, id, id_number, 19,
                       NULL);
    if (found)
        fhir_db_resident_village(st, c, id_number, village);
    return found;
}

int fhir_db_resident_extra(hss_store *st, fhir_db_cache *c, const char *id_number, char household[64],
                           unsigned *conditions)
{
    int v = 0;
    household[0] = 0;
    int found = lookup(st, c, 4, "SELECT household,conditions FROM care_resident WHERE id_number=?", id_number, 0,
                       household, 64, &v);
    *conditions = (unsigned)v;
    return found;
}
