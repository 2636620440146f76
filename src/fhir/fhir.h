/*
 * fhir: the domain as HL7 FHIR R4 (JSON), for hospital systems and the provincial platform.
 * Read and search of Organization (facilities; 医共体 as parent organisations), Location (areas
 * and facility sites), Patient (residents), CareTeam (family-doctor teams), EpisodeOfCare
 * (contracts), Condition (chronic enrolments), Observation (blood pressure panel and fasting
 * glucose from follow-ups), ServiceRequest and Task (referrals and their states) and
 * MeasureReport (indicator values by area and period); bulk export as NDJSON; import of
 * transaction/batch Bundles; and system clients that authenticate with bearer tokens.
 *
 * Every call takes a viewer with an area scope: nothing outside it is returned, and a resource
 * outside the scope answers exactly like an unknown one. Every named resident returned is
 * audited once per call in care_access_log (action "fhir"); a refused read of a named resident
 * is audited as "denied". The server (src/server/api_fhir.c) and the CLI only route to here.
 */
#ifndef HSS_FHIR_H
#define HSS_FHIR_H

#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

/* Identifier systems and code systems HSS defines (its own namespace under example.org until
 * the provincial platform assigns OIDs). */
#define HSS_FHIR_NS "http://hss.example.org/fhir"
#define HSS_FHIR_SID_CITIZEN HSS_FHIR_NS "/sid/citizen-id"        /* GB 11643 居民身份证号码 */
#define HSS_FHIR_SID_DIVISION HSS_FHIR_NS "/sid/division-code"    /* GB/T 2260 and 12-digit codes */
#define HSS_FHIR_SID_FACILITY HSS_FHIR_NS "/sid/facility-code"
#define HSS_FHIR_SID_MEDCOM HSS_FHIR_NS "/sid/medcom-code"        /* 医共体 */
#define HSS_FHIR_SID_TEAM HSS_FHIR_NS "/sid/team-code"            /* 家庭医生团队 */

/* Who asks. */
typedef struct hss_fhir_viewer {
    const char *user;  /* written to the access log and the audit trail */
    const char *scope; /* area code (6, 9 or 12 digits): that area and everything below it */
    int see_ids;       /* 1: may read named residents (citizen ID numbers are disclosed) */
} hss_fhir_viewer;

/* One search parameter as it came (name may carry a modifier, value a prefix). */
typedef struct hss_fhir_param {
    const char *name;
    const char *value;
} hss_fhir_param;

/* The resource types HSS serves, in CapabilityStatement and export order. */
const char *const *hss_fhir_types(size_t *n);

/* The CapabilityStatement (malloc'd JSON). `base` is the service base URL. */
char *hss_fhir_capability(const char *base);

/* An OperationOutcome with one issue (malloc'd JSON). expression may be NULL. */
char *hss_fhir_outcome(const char *severity, const char *code, const char *text, const char *expression);

/* Reads one resource. HSS_ENOTFOUND for an unknown type, id, or one outside the scope (the
 * caller answers 404 alike); *json is malloc'd on success. */
hss_code hss_fhir_read(hss_store *st, const hss_fhir_viewer *v, const char *base, const char *type,
                       const char *id, char **json, hss_error *err);

/* Searches: a Bundle of type searchset (malloc'd JSON in *json) with self/next links under
 * `base`. Parameters: identifier, _id, patient (subject), date, _lastUpdated, _count (default
 * 50, at most 1000), _after (the paging cursor HSS writes in next links); MeasureReport: subject
 * (Location/<code>), period/date, measure. HSS_EINVAL for an unknown or malformed parameter
 * (err names it). */
hss_code hss_fhir_search(hss_store *st, const hss_fhir_viewer *v, const char *base, const char *type,
                         const hss_fhir_param *params, size_t nparams, char **json, hss_error *err);

/* ---- bulk export (export.c) ------------------------------------------------------------------ */

typedef struct hss_fhir_export_stats {
    size_t types;         /* files written */
    size_t resources;     /* resources written in all */
    size_t count[16];     /* per type, in hss_fhir_types order */
    double seconds;
} hss_fhir_export_stats;

/* Writes every resource in the viewer's scope as NDJSON, one file per type (<Type>.ndjson) in
 * `dir` (created when missing), for the types listed (NULL = all, else comma-separated), only
 * those last updated at or after `since` (NULL = all; types without a recorded update time are
 * then left out). One read transaction: a consistent snapshot. Does not write access-log rows
 * per resident (an export is audited once by the caller). */
hss_code hss_fhir_export(hss_store *st, const hss_fhir_viewer *v, const char *dir, const char *types,
                         const char *since, hss_fhir_export_stats *stats, hss_error *err);

/* ---- import (import.c) ------------------------------------------------------------------------ */

typedef struct hss_fhir_import_stats {
    size_t entries;      /* bundle entries read */
    size_t patients;     /* residents inserted or updated */
    size_t followups;    /* follow-ups recorded from observations */
    size_t referrals;    /* referrals created from service requests */
    size_t encounters;   /* encounters counted into monthly activity values */
} hss_fhir_import_stats;

/* Imports a Bundle (type transaction or batch) of Patient, Encounter, Observation and
 * ServiceRequest resources in ONE transaction: residents matched by citizen ID (inserted or
 * updated), follow-ups from blood-pressure/glucose observations of enrolled patients, referrals
 * from service requests, and monthly activity counts (outpatient_visits, admissions,
 * out-of-county visits) from encounters. `scope` limits whom the caller may write (NULL = all).
 * On success *response is a Bundle (transaction-response / batch-response). On bad input
 * nothing changes, the code is HSS_EINVAL and *response is an OperationOutcome naming every bad
 * entry by index and FHIRPath-like location (Bundle.entry[3].resource.identifier[0].value).
 * One audit row (action fhir_import) is written in the same transaction. */
hss_code hss_fhir_import(hss_store *st, const char *user, const char *scope, const char *data,
                         size_t len, char **response, hss_fhir_import_stats *stats, hss_error *err);

/* ---- system clients (client.c) --------------------------------------------------------------- */

/* Adds (or replaces, ending the old token) a system client: a hospital's HIS, the provincial
 * platform. Writes a new random token (64 hex characters + NUL) into token; only its BLAKE2b
 * hash is stored. days > 0: the token expires after that many days; 0: never. */
hss_code hss_fhir_client_add(hss_store *st, const char *name, const char *scope, int days, char token[65],
                             hss_error *err);
/* Revokes a client's token. HSS_ENOTFOUND when there is no such client. */
hss_code hss_fhir_client_revoke(hss_store *st, const char *name, hss_error *err);
/* Checks a bearer token: 1 and the client's name and scope when it names a live client (not
 * revoked, not expired), else 0. */
int hss_fhir_client_check(hss_store *st, const char *token, char name[128], char scope[16]);
/* Prints the clients (name, scope, created, expires, revoked) as tab-separated lines. */
hss_code hss_fhir_client_list(hss_store *st, FILE *out, hss_error *err);

#endif
