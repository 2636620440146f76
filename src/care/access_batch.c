/*
 * access_batch.c: the access-log row of a list read (a worklist page names 50 residents).
 * Each read's row must be committed before the list is shown, and on SQLite every commit
 * takes the one write lock that follow-up writes queue for; so it goes through
 * hss_store_write, which commits the rows of the reads (and the writes) that arrive while one
 * group is being written together, and answers each reader once its own row is committed (or
 * with the error that stopped it). Nothing is logged later than before.
 *
 * A read of a list is one row of care_access_log naming the list (list_id), not a row per
 * resident: the list itself (which residents, in the order shown) is stored once, in
 * care_access_list, keyed by a digest of its ids, with one care_access_list_member row per
 * resident, however often it is read. A doctor reads the same page of their worklist many
 * times a day and it changes only when a record on it does; a row per resident per read
 * cost a scattered index entry each, half of the server's time under the frontline bench
 * (docs/care.md). The view care_access_seen gives every read of every resident, one row per
 * (read, resident) in the log's order, for the resident's own log and `hss audit`.
 */
#include "care/care_int.h"

#include <sodium.h>
#include <string.h>

typedef struct rows {
    char at[24];
    const char *user, *action, *ids, *county;
} rows;

/* The list's members, one row per resident (a resident listed twice, once per condition, is
 * one member); each with the county given, else their own. */
static hss_code list_members(hss_store *st, int64_t id, const char *ids, const char *county, hss_error *err)
{
    int known = county && *county;
    hss_stmt *s = hss_store_prepare(st, known ? "INSERT INTO care_access_list_member(list_id,resident_id,county_code) "
                                                "SELECT ?1,value,?3 FROM json_each(?2) WHERE true ON CONFLICT DO NOTHING"
                                              : "INSERT INTO care_access_list_member(list_id,resident_id,county_code) "
                                                "SELECT ?1,value," CARE_COUNTY_OF("value") " FROM json_each(?2) "
                                                "WHERE true ON CONFLICT DO NOTHING", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    hss_store_bind_text(s, 2, ids);
    if (known)
        hss_store_bind_text(s, 3, county);
    return care_step_done(st, s, err, "writing the access log");
}

/* The id of the stored list with these ids, stored (with its members) when new. Two writers
 * storing the same new list at once (PostgreSQL): the second's insert waits for the first
 * and does nothing, and it then reads the first's id. */
static hss_code list_id(hss_store *st, const char *ids, const char *county, int64_t *id, hss_error *err)
{
    unsigned char h[16];
    char digest[33];
    crypto_generichash(h, sizeof h, (const unsigned char *)ids, strlen(ids), NULL, 0);
    sodium_bin2hex(digest, sizeof digest, h, sizeof h);
    for (int pass = 0; pass < 2; pass++) {
        hss_stmt *s = hss_store_prepare(st, "SELECT id FROM care_access_list WHERE digest=?", err);
        if (!s)
            return HSS_EDB;
        hss_store_bind_text(s, 1, digest);
        int found = hss_store_step(s) == HSS_ROW;
        *id = found ? hss_store_col_int64(s, 0) : 0;
        hss_store_finalize(s);
        if (found)
            return HSS_OK;
        if (pass)
            break;
        s = hss_store_prepare(st, "INSERT INTO care_access_list(digest,county_code,ids) VALUES(?,?,?) "
                                  "ON CONFLICT(digest) DO NOTHING RETURNING id", err);
        if (!s)
            return HSS_EDB;
        hss_store_bind_text(s, 1, digest);
        hss_store_bind_text(s, 2, county ? county : "");
        hss_store_bind_text(s, 3, ids);
        int rc = hss_store_step(s);
        *id = rc == HSS_ROW ? hss_store_col_int64(s, 0) : 0;
        hss_store_finalize(s);
        if (rc != HSS_ROW && rc != HSS_DONE)
            return hss_store_error(st, err, "writing the access log");
        if (*id)
            return list_members(st, *id, ids, county, err);
    }
    return hss_fail(err, HSS_EDB, "writing the access log: the list of residents read was not stored");
}

/* The read's one row, naming its list (resident 0: the row is about the list's residents). */
static hss_code write_rows(hss_store *st, void *ctx, hss_error *err)
{
    const rows *x = ctx;
    int64_t id;
    hss_code rc = list_id(st, x->ids, x->county, &id, err);
    if (rc)
        return rc;
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO care_access_log(at,user_name,action,resident_id,county_code,list_id) "
                                        "VALUES(?,?,?,0,?,?)", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, x->at);
    hss_store_bind_text(s, 2, x->user && *x->user ? x->user : "unknown");
    hss_store_bind_text(s, 3, x->action);
    hss_store_bind_text(s, 4, x->county ? x->county : "");
    hss_store_bind_int64(s, 5, id);
    return care_step_done(st, s, err, "writing the access log");
}

hss_code care_access_log_list(hss_store *st, const char *user, const char *action, const int64_t *ids, size_t n,
                              const char *county, hss_error *err)
{
    if (!n)
        return HSS_OK; /* a list of nobody reads nobody */
    hss_buf b; /* the ids as a JSON array: the stored list and its digest */
    hss_buf_init(&b);
    hss_buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++)
        hss_buf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
    hss_buf_putc(&b, ']');
    rows x = {.user = user, .action = action, .ids = b.data, .county = county};
    care_timestamp(x.at);
    hss_code rc = hss_store_write(st, write_rows, &x, err);
    hss_buf_free(&b);
    return rc;
}

hss_code hss_care_audit_list(hss_store *st, const char *user, const char *action, const int64_t *ids, size_t n,
                             hss_error *err)
{
    return care_access_log_list(st, user, action, ids, n, NULL, err);
}
