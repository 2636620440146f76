/*
 * fhir_int.h (private to src/fhir/): the resource kinds, the query a search becomes, and the
 * statements of db.c (the one file of the module that holds SQL) that the mapping, search,
 * export, import and client files share.
 */
#ifndef HSS_FHIR_INT_H
#define HSS_FHIR_INT_H

#include <cjson/cJSON.h>

#include "fhir/fhir.h"

/* Resource kinds served from SQL rows, in hss_fhir_types() order; MeasureReport comes from the
 * metrics module. */
typedef enum {
    FK_ORGANIZATION,
    FK_LOCATION,
    FK_PATIENT,
    FK_CARETEAM,
    FK_EPISODE,
    FK_CONDITION,
    FK_OBSERVATION,
    FK_SERVICEREQUEST,
    FK_TASK,
    FK_MEASUREREPORT,
    FK_COUNT
} fhir_kind;

/* -1 when `type` is not served. */
int fhir_kind_of(const char *type);

/* How rows are selected. */
typedef enum {
    FV_SCOPE,   /* every row in the scope after the cursor */
    FV_ID,      /* one row by key (still within the scope) */
    FV_PATIENT, /* rows of one resident (within the scope) */
    FV_IDENT,   /* Patient by citizen ID number */
    FV_COUNT
} fhir_variant;

/* A search or export as statement parameters. Empty strings / zero mean "no condition". */
typedef struct fhir_query {
    char lo[13], hi[14];       /* scope: codes c with lo <= c < hi */
    int text_key;              /* the kind's key is text (codes) rather than an integer id */
    char after[72];            /* paging cursor: rows with key > after ("" = from the start) */
    int64_t limit;             /* rows; -1 = all */
    char date_lo[24], date_hi[24]; /* the kind's date within [lo, hi) */
    char upd_lo[24], upd_hi[24];   /* the kind's last-update time within [lo, hi) */
    char key[72];              /* FV_ID / FV_PATIENT / FV_IDENT: the key */
} fhir_query;

/* Scope range of an area code (its significant prefix, see server scope rules). Returns -1 for
 * a malformed code. */
int fhir_scope_range(const char *code, char lo[13], char hi[14]);
int fhir_in_scope(const char *scope, const char *code);

/* ---- db.c ------------------------------------------------------------------------------------ */

/* The statement selecting rows of kind k (column layout documented in db.c), bound to q.
 * NULL with err set on failure; the caller steps and finalizes it. */
hss_stmt *fhir_db_query(hss_store *st, fhir_kind k, fhir_variant var, const fhir_query *q, hss_error *err);
/* Whether the kind has a date / a last-update time / rows per patient. */
int fhir_db_has(fhir_kind k, char what);
/* The internal id of a resident by internal id or citizen ID (ignoring scope) and its village,
 * or 0. */
int64_t fhir_db_resident_id(hss_store *st, const char *key, char village[16]);
/* A text column or "". */
const char *fhir_col(hss_stmt *s, int i);

/* Client statements. */
hss_code fhir_db_client_put(hss_store *st, const char *name, const char *scope, const char *hash,
                            int64_t created, int64_t expires, hss_error *err);
hss_code fhir_db_client_revoke(hss_store *st, const char *name, int *found, hss_error *err);
int fhir_db_client_get(hss_store *st, const char *hash, int64_t now, char name[128], char scope[16]);
hss_code fhir_db_client_list(hss_store *st, FILE *out, hss_error *err);

/* One row of the server's audit trail, inside the caller's transaction. */
hss_code fhir_db_audit(hss_store *st, const char *user, const char *action, const char *target,
                       const char *detail, hss_error *err);

/* Import look-ups (import.c), with their statements kept in a cache between calls (NULL: none).
 * Each returns 1 when found. */
typedef struct fhir_db_cache {
    hss_stmt *s[8];
} fhir_db_cache;
void fhir_db_cache_free(fhir_db_cache *cache);
int fhir_db_village_exists(hss_store *st, fhir_db_cache *c, const char *code);
int fhir_db_facility_area(hss_store *st, fhir_db_cache *c, const char *code, char area[16]);
int fhir_db_resident_village(hss_store *st, fhir_db_cache *c, const char *id_number, char village[16]);
/* A stored resident's citizen ID and village by internal id. */
int fhir_db_resident_number(hss_store *st, fhir_db_cache *c, int64_t id, char id_number[19], char village[16]);
/* The household and recorded conditions of a stored resident (left "" and 0 when none). */
int fhir_db_resident_extra(hss_store *st, fhir_db_cache *c, const char *id_number, char household[64],
                           unsigned *conditions);

/* ---- map.c ------------------------------------------------------------------------------------- */

typedef struct fhir_map_ctx {
    const char *base;  /* service base URL for fullUrl (may be "") */
    int see_ids;       /* disclose citizen IDs and names */
    const char *today; /* "YYYY-MM-DD": the as-of day (contract status) */
} fhir_map_ctx;

/* Maps the current row of a kind's statement to resources appended to `out` (an array): 1, or
 * for Observation 0-2 (blood pressure and glucose). Writes the row's resident (0 when none)
 * and its cursor key. */
int fhir_map_row(fhir_kind k, hss_stmt *s, const fhir_map_ctx *c, cJSON *out, int64_t *resident,
                 char cursor[72]);
/* The row key for an id given to read (Observation "bp-12" -> "12"); -1 when malformed. */
int fhir_read_key(fhir_kind k, const char *id, char key[72]);

/* MeasureReports for an area (the area itself and its children) and a period (NULL = the
 * latest month with data), for one indicator or all (NULL), appended to `out`. */
hss_code fhir_measure_reports(hss_store *st, const char *area, const char *period, const char *indicator,
                              const char *only_area, cJSON *out, hss_error *err);

/* Date of a FHIR date/dateTime with a search prefix into a [lo, hi) range of stored text. */
int fhir_date_range(const char *value, char lo[24], char hi[24]);

#endif
