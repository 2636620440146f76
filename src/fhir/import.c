/*
 * import.c: FHIR Bundles in, from a hospital's or a township's system. A Bundle (transaction or
 * batch; both are applied all-or-nothing, as every HSS import is) of:
 *   Patient        -> residents, matched by citizen ID (inserted, or updated keeping household
 *                     and conditions); the village from the division-code extension on address
 *   Observation    -> follow-ups of enrolled patients: 85354-9 blood-pressure panel
 *                     (8480-6/8462-4 components) for hypertension, 14771-0 fasting glucose for
 *                     diabetes
 *   ServiceRequest -> referrals (requester = sending facility, performer = receiving facility,
 *                     or a display name for a place outside the store)
 *   Encounter      -> monthly activity counts: class AMB/EMER outpatient_visits, IMP/ACUTE
 *                     inpatient_admissions at the serviceProvider facility; a visit outside the
 *                     patient's county also counts out_of_county_visits for that county
 * Every entry is checked first and every problem is reported (index and FHIRPath-like location)
 * in one OperationOutcome; only a Bundle without problems is applied, in one transaction through
 * the care and metrics modules' public functions, with one audit row.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "care/care.h"
#include "fhir/fhir_int.h"
#include "metrics/metrics.h"

#define EXT_DIVISION HSS_FHIR_NS "/StructureDefinition/division-code"
#define MAX_ISSUES 100

typedef enum { E_PATIENT, E_OBSERVATION, E_REQUEST, E_ENCOUNTER } entry_kind;

/* One checked entry, ready to apply. */
typedef struct entry {
    entry_kind kind;
    char id_number[19];   /* the resident (all kinds) */
    char name[128], sex[8], birth[11], village[16]; /* Patient */
    char date[24];        /* Observation / Encounter day, ServiceRequest time */
    int sbp, dbp;         /* Observation */
    double glucose;
    char from[64], to[64], to_name[200], reason[300]; /* ServiceRequest */
    const char *element;  /* Encounter: data element */
    char org[64];         /* Encounter: facility code, "" when outside the store */
    char county[8];       /* Encounter: the patient's county */
    int out_of_county;    /* Encounter: the facility lies outside the patient's county */
} entry;

/* fullUrl of an entry, sorted for lookup by reference. */
typedef struct url_ix {
    const char *url;
    int i;
} url_ix;

typedef struct ctx {
    hss_store *st;
    fhir_db_cache cache;
    url_ix *urls;
    int nurls;
    const char *scope;
    cJSON *bundle, *entries;
    cJSON **items;        /* the entries by index (a cJSON array is a linked list) */
    entry *e;
    int n;
    cJSON *issues;
    int nissues;
} ctx;

static void issue(ctx *c, const char *code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void issue(ctx *c, const char *code, const char *path, const char *fmt, ...)
{
    if (c->nissues++ >= MAX_ISSUES && strcmp(code, "too-costly") != 0)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *i = cJSON_CreateObject();
    cJSON_AddStringToObject(i, "severity", "error");
    cJSON_AddStringToObject(i, "code", code);
    cJSON_AddStringToObject(i, "diagnostics", msg);
    cJSON *ex = cJSON_AddArrayToObject(i, "expression");
    cJSON_AddItemToArray(ex, cJSON_CreateString(path));
    cJSON_AddItemToArray(c->issues, i);
}

static const char *str(const cJSON *o, const char *key)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- references to patients ----------------------------------------------------------------- */

static int url_cmp(const void *a, const void *b)
{
    return strcmp(((const url_ix *)a)->url, ((const url_ix *)b)->url);
}

static void index_urls(ctx *c)
{
    c->urls = hss_xcalloc((size_t)c->n + 1, sizeof *c->urls);
    for (int i = 0; i < c->n; i++) {
        const char *u = str(c->items[i], "fullUrl");
        if (u) {
            c->urls[c->nurls].url = u;
            c->urls[c->nurls].i = i;
            c->nurls++;
        }
    }
    qsort(c->urls, (size_t)c->nurls, sizeof *c->urls, url_cmp);
}

/* The citizen ID of the Patient entry with this fullUrl, or of the stored resident referenced
 * by Patient/<id> or by identifier. Returns 0, or -1 after an issue. */
static int patient_of(ctx *c, int i, const cJSON *res, const char *key, char id_number[19], char village[16])
{
    char path[120];
    snprintf(path, sizeof path, "Bundle.entry[%d].resource.%s", i, key);
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(res, key);
    const char *r = str(ref, "reference");
    const cJSON *ident = cJSON_GetObjectItemCaseSensitive(ref, "identifier");
    id_number[0] = village[0] = 0;
    if (r) {
        url_ix want = {r, 0};
        url_ix *hit = c->nurls ? bsearch(&want, c->urls, (size_t)c->nurls, sizeof *c->urls, url_cmp) : NULL;
        if (hit && c->e[hit->i].kind == E_PATIENT && c->e[hit->i].id_number[0]) {
            snprintf(id_number, 19, "%s", c->e[hit->i].id_number);
            snprintf(village, 16, "%s", c->e[hit->i].village);
            return 0;
        }
        int64_t id;
        if (strncmp(r, "Patient/", 8) == 0 && hss_parse_int64(r + 8, &id) == 0 && id > 0 &&
            fhir_db_resident_number(c->st, &c->cache, id, id_number, village))
            return 0;
        issue(c, "not-found", path, "reference '%s' names no Patient in the bundle or in HSS", r);
        return -1;
    }
    const char *val = str(ident, "value");
    if (val) {
        if (strlen(val) == 18 && fhir_db_resident_village(c->st, &c->cache, val, village)) {
            snprintf(id_number, 19, "%s", val);
            return 0;
        }
        issue(c, "not-found", path, "identifier '%s' names no stored resident", val);
        return -1;
    }
    issue(c, "required", path, "a reference to the Patient is required");
    return -1;
}

static int in_scope(ctx *c, int i, const char *field, const char *code)
{
    if (!c->scope || fhir_in_scope(c->scope, code))
        return 1;
    char path[120];
    snprintf(path, sizeof path, "Bundle.entry[%d].resource.%s", i, field);
    issue(c, "forbidden", path, "area %s is outside your scope %s", code, c->scope);
    return 0;
}

/* A facility reference Organization/<code>: 1 and its code and area, 0 when absent, -1 after
 * an issue. */
static int facility_of(ctx *c, int i, const cJSON *ref, const char *field, char code[64], char area[16])
{
    const char *r = str(ref, "reference");
    code[0] = area[0] = 0;
    if (!r)
        return 0;
    char path[120];
    snprintf(path, sizeof path, "Bundle.entry[%d].resource.%s.reference", i, field);
    if (strncmp(r, "Organization/", 13) != 0 || strlen(r + 13) >= 64 || !fhir_db_facility_area(c->st, &c->cache, r + 13, area)) {
        issue(c, "not-found", path, "reference '%s' names no facility in HSS", r);
        return -1;
    }
    snprintf(code, 64, "%s", r + 13);
    return in_scope(c, i, field, area) ? 1 : -1;
}

/* ---- checks per resource type ------------------------------------------------------------------ */

static void check_patient(ctx *c, int i, const cJSON *res, entry *e)
{
    char path[160];
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(res, "identifier");
    int k = 0, found = 0;
    const cJSON *id;
    cJSON_ArrayForEach(id, ids) {
        const char *sys = str(id, "system"), *val = str(id, "value");
        if (sys && strcmp(sys, HSS_FHIR_SID_CITIZEN) == 0) {
            snprintf(path, sizeof path, "Bundle.entry[%d].resource.identifier[%d].value", i, k);
            const char *why = val ? hss_care_id_check(val) : "missing";
            if (why)
                issue(c, "value", path, "citizen ID '%s': %s", val ? val : "", why);
            else
                snprintf(e->id_number, sizeof e->id_number, "%s", val);
            if (e->id_number[17] == 'x')
                e->id_number[17] = 'X';
            found = 1;
        }
        k++;
    }
    if (!found) {
        snprintf(path, sizeof path, "Bundle.entry[%d].resource.identifier", i);
        issue(c, "required", path, "an identifier with system %s (the citizen ID) is required", HSS_FHIR_SID_CITIZEN);
    }
    const cJSON *n0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "name"), 0);
    const char *text = str(n0, "text"), *family = str(n0, "family");
    const cJSON *g0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(n0, "given"), 0);
    const char *given = cJSON_IsString(g0) ? g0->valuestring : "";
    if (text)
        snprintf(e->name, sizeof e->name, "%s", text);
    else if (family)
        snprintf(e->name, sizeof e->name, "%s%s", family, given);
    if (!e->name[0] || strpbrk(e->name, ",\"\r\n")) {
        snprintf(path, sizeof path, "Bundle.entry[%d].resource.name[0]", i);
        issue(c, "required", path, "a name (text, or family and given) without commas or quotes is required");
    }
    const char *g = str(res, "gender");
    if (!g || (strcmp(g, "male") != 0 && strcmp(g, "female") != 0)) {
        snprintf(path, sizeof path, "Bundle.entry[%d].resource.gender", i);
        issue(c, "code-invalid", path, "gender '%s': HSS records male or female", g ? g : "");
    } else {
        snprintf(e->sex, sizeof e->sex, "%s", g);
    }
    if (e->id_number[0]) {
        hss_care_id_birth(e->id_number, e->birth);
        const char *bd = str(res, "birthDate");
        if (bd && strcmp(bd, e->birth) != 0) {
            snprintf(path, sizeof path, "Bundle.entry[%d].resource.birthDate", i);
            issue(c, "value", path, "birthDate %s differs from the birth date %s in the citizen ID", bd, e->birth);
        }
    }
    const cJSON *ext;
    cJSON_ArrayForEach(ext, cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "address"), 0),
                                                             "extension")) {
        const char *url = str(ext, "url"), *v = str(ext, "valueCode");
        if (url && strcmp(url, EXT_DIVISION) == 0 && v)
            snprintf(e->village, sizeof e->village, "%s", v);
    }
    snprintf(path, sizeof path, "Bundle.entry[%d].resource.address[0].extension", i);
    if (e->village[0] && !fhir_db_village_exists(c->st, &c->cache, e->village))
        issue(c, "code-invalid", path, "division code '%s' is not a village of the stored region", e->village);
    else if (!e->village[0] && e->id_number[0] && !fhir_db_resident_village(c->st, &c->cache, e->id_number, e->village))
        issue(c, "required", path, "a new resident needs the village (extension %s)", EXT_DIVISION);
    else if (e->village[0])
        in_scope(c, i, "address[0]", e->village);
}

static const char *first_code(const cJSON *concept, const char *system)
{
    const cJSON *cd;
    cJSON_ArrayForEach(cd, cJSON_GetObjectItemCaseSensitive(concept, "coding")) {
        const char *s = str(cd, "system"), *code = str(cd, "code");
        if (code && (!system || (s && strcmp(s, system) == 0)))
            return code;
    }
    return NULL;
}

static int day_of(ctx *c, int i, const cJSON *res, const char *field, char out[24], int keep_time)
{
    const char *v = str(res, field);
    char path[120];
    snprintf(path, sizeof path, "Bundle.entry[%d].resource.%s", i, field);
    int32_t d;
    char day[11];
    snprintf(day, sizeof day, "%.10s", v ? v : "");
    int hh, mm;
    int time_ok = v && (strlen(v) == 10 || (v[10] == 'T' && sscanf(v + 11, "%2d:%2d", &hh, &mm) == 2 && hh < 24 && mm < 60));
    if (!v || !time_ok || hss_care_parse_day(day, 0, &d) != 0) {
        issue(c, "value", path, "'%s': a date or dateTime is required", v ? v : "");
        return -1;
    }
    /* stored as local time YYYY-MM-DD[THH:MM] */
    snprintf(out, 24, "%.*s", keep_time && strlen(v) >= 16 ? 16 : 10, v);
    return 0;
}

static void check_observation(ctx *c, int i, const cJSON *res, entry *e)
{
    char path[160];
    e->sbp = e->dbp = -1;
    e->glucose = -1;
    const char *code = first_code(cJSON_GetObjectItemCaseSensitive(res, "code"), "http://loinc.org");
    snprintf(path, sizeof path, "Bundle.entry[%d].resource.code.coding", i);
    if (!code || (strcmp(code, "85354-9") != 0 && strcmp(code, "14771-0") != 0)) {
        issue(c, "code-invalid", path, "LOINC code '%s': HSS takes 85354-9 (blood pressure panel) and 14771-0 "
                                       "(fasting glucose)", code ? code : "");
        return;
    }
    if (strcmp(code, "85354-9") == 0) {
        int k = 0;
        const cJSON *comp;
        cJSON_ArrayForEach(comp, cJSON_GetObjectItemCaseSensitive(res, "component")) {
            const char *cc = first_code(cJSON_GetObjectItemCaseSensitive(comp, "code"), "http://loinc.org");
            const cJSON *val = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(comp, "valueQuantity"), "value");
            snprintf(path, sizeof path, "Bundle.entry[%d].resource.component[%d]", i, k++);
            if (!cc || !cJSON_IsNumber(val))
                issue(c, "required", path, "a LOINC code and a valueQuantity.value are required");
            else if (strcmp(cc, "8480-6") == 0)
                e->sbp = (int)val->valuedouble;
            else if (strcmp(cc, "8462-4") == 0)
                e->dbp = (int)val->valuedouble;
            else
                issue(c, "code-invalid", path, "component code '%s': 8480-6 or 8462-4", cc);
        }
        if (e->sbp < 0 || e->dbp < 0) {
            snprintf(path, sizeof path, "Bundle.entry[%d].resource.component", i);
            issue(c, "required", path, "both 8480-6 (systolic) and 8462-4 (diastolic) are required");
        }
    } else {
        const cJSON *q = cJSON_GetObjectItemCaseSensitive(res, "valueQuantity");
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(q, "value");
        const char *unit = str(q, "code") ? str(q, "code") : str(q, "unit");
        snprintf(path, sizeof path, "Bundle.entry[%d].resource.valueQuantity", i);
        if (!cJSON_IsNumber(val) || !unit || strcmp(unit, "mmol/L") != 0)
            issue(c, "value", path, "a value in mmol/L is required");
        else
            e->glucose = val->valuedouble;
    }
    day_of(c, i, res, "effectiveDateTime", e->date, 0);
    char village[16];
    if (patient_of(c, i, res, "subject", e->id_number, village) == 0)
        in_scope(c, i, "subject", village);
}

static void check_request(ctx *c, int i, const cJSON *res, entry *e)
{
    char village[16], area[16];
    if (patient_of(c, i, res, "subject", e->id_number, village) == 0)
        in_scope(c, i, "subject", village);
    day_of(c, i, res, "authoredOn", e->date, 1);
    if (facility_of(c, i, cJSON_GetObjectItemCaseSensitive(res, "requester"), "requester", e->from, area) == 0) {
        char path[120];
        snprintf(path, sizeof path, "Bundle.entry[%d].resource.requester", i);
        issue(c, "required", path, "the sending facility (Organization/<code>) is required");
    }
    const cJSON *perf = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "performer"), 0);
    const char *r = str(perf, "reference"), *disp = str(perf, "display");
    if (r) {
        if (strncmp(r, "Organization/", 13) != 0 || strlen(r + 13) >= 64 || !fhir_db_facility_area(c->st, &c->cache, r + 13, area)) {
            char path[120];
            snprintf(path, sizeof path, "Bundle.entry[%d].resource.performer[0].reference", i);
            issue(c, "not-found", path, "reference '%s' names no facility in HSS", r);
        } else {
            snprintf(e->to, sizeof e->to, "%s", r + 13);
        }
    } else if (disp) {
        snprintf(e->to_name, sizeof e->to_name, "%s", disp);
    } else {
        char path[120];
        snprintf(path, sizeof path, "Bundle.entry[%d].resource.performer", i);
        issue(c, "required", path, "the receiving facility (a reference, or a display name) is required");
    }
    const char *reason = str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "reasonCode"), 0), "text");
    snprintf(e->reason, sizeof e->reason, "%s", reason ? reason : "");
}

static void check_encounter(ctx *c, int i, const cJSON *res, entry *e)
{
    char path[120], village[16], area[16];
    const char *cls = str(cJSON_GetObjectItemCaseSensitive(res, "class"), "code");
    snprintf(path, sizeof path, "Bundle.entry[%d].resource.class.code", i);
    if (cls && (strcmp(cls, "AMB") == 0 || strcmp(cls, "EMER") == 0))
        e->element = "outpatient_visits";
    else if (cls && (strcmp(cls, "IMP") == 0 || strcmp(cls, "ACUTE") == 0))
        e->element = "inpatient_admissions";
    else
        issue(c, "code-invalid", path, "class '%s': HSS counts AMB, EMER (outpatient) and IMP, ACUTE (admission)",
              cls ? cls : "");
    if (patient_of(c, i, res, "subject", e->id_number, village) == 0)
        snprintf(e->county, sizeof e->county, "%.6s", village);
    const cJSON *prov = cJSON_GetObjectItemCaseSensitive(res, "serviceProvider");
    int f = facility_of(c, i, prov, "serviceProvider", e->org, area);
    if (f == 0 && !str(prov, "display")) {
        snprintf(path, sizeof path, "Bundle.entry[%d].resource.serviceProvider", i);
        issue(c, "required", path, "the facility (Organization/<code>, or a display name outside HSS) is required");
    }
    /* a visit outside the patient's county counts for the patient's county */
    if (f >= 0 && e->county[0] && (f == 0 || strncmp(area, e->county, 6) != 0))
        e->out_of_county = 1;
    const cJSON *per = cJSON_GetObjectItemCaseSensitive(res, "period");
    day_of(c, i, per, "start", e->date, 0);
}

static void check_entry(ctx *c, int i)
{
    const cJSON *en = c->items[i];
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(en, "resource");
    const char *type = str(res, "resourceType");
    const char *method = str(cJSON_GetObjectItemCaseSensitive(en, "request"), "method");
    char path[120];
    entry *e = &c->e[i];
    if (method && strcmp(method, "POST") != 0 && strcmp(method, "PUT") != 0) {
        snprintf(path, sizeof path, "Bundle.entry[%d].request.method", i);
        issue(c, "not-supported", path, "method %s: entries are created or updated (POST, PUT)", method);
    }
    snprintf(path, sizeof path, "Bundle.entry[%d].resource", i);
    if (!type)
        issue(c, "required", path, "a resource with a resourceType is required");
    else if (strcmp(type, "Patient") == 0)
        e->kind = E_PATIENT;
    else if (strcmp(type, "Observation") == 0)
        e->kind = E_OBSERVATION;
    else if (strcmp(type, "ServiceRequest") == 0)
        e->kind = E_REQUEST;
    else if (strcmp(type, "Encounter") == 0)
        e->kind = E_ENCOUNTER;
    else
        issue(c, "not-supported", path, "%s: HSS imports Patient, Encounter, Observation and ServiceRequest", type);
}

static void check_all(ctx *c)
{
    index_urls(c);
    for (int i = 0; i < c->n; i++)
        check_entry(c, i);
    /* patients first, so that other entries can refer to them by fullUrl */
    for (int i = 0; i < c->n; i++) {
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(c->items[i], "resource");
        if (str(res, "resourceType") && strcmp(str(res, "resourceType"), "Patient") == 0)
            check_patient(c, i, res, &c->e[i]);
    }
    for (int i = 0; i < c->n; i++) {
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(c->items[i], "resource");
        const char *t = str(res, "resourceType");
        if (!t)
            continue;
        if (strcmp(t, "Observation") == 0)
            check_observation(c, i, res, &c->e[i]);
        else if (strcmp(t, "ServiceRequest") == 0)
            check_request(c, i, res, &c->e[i]);
        else if (strcmp(t, "Encounter") == 0)
            check_encounter(c, i, res, &c->e[i]);
    }
}

/* ---- apply ------------------------------------------------------------------------------------- */

static FILE *temp_file(char path[600])
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, 600, "%s/hss-fhir-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    return fd < 0 ? NULL : fdopen(fd, "w");
}

static hss_code apply_patients(ctx *c, hss_fhir_import_stats *stats, hss_error *err)
{
    char path[600];
    FILE *f = temp_file(path);
    if (!f)
        return hss_fail(err, HSS_EIO, "cannot write a temporary file");
    fprintf(f, "id_number,name,sex,birth_date,village_code,household,conditions\n");
    size_t n = 0;
    for (int i = 0; i < c->n; i++) {
        entry *e = &c->e[i];
        if (e->kind != E_PATIENT)
            continue;
        /* an update keeps what the Bundle does not carry: household and recorded conditions */
        char household[64] = "";
        unsigned conditions = 0;
        fhir_db_resident_extra(c->st, &c->cache, e->id_number, household, &conditions);
        hss_buf conds;
        hss_buf_init(&conds);
        hss_care_groups_format(conditions, 0, &conds);
        fprintf(f, "%s,%s,%s,%s,%s,", e->id_number, e->name, e->sex, e->birth, e->village);
        hss_csv_write_field(f, household);
        fprintf(f, ",%s\n", conds.data ? conds.data : "");
        hss_buf_free(&conds);
        n++;
    }
    fclose(f);
    hss_code rc = HSS_OK;
    if (n) {
        hss_care_import_stats s;
        rc = hss_care_residents_import(c->st, path, &s, err);
        stats->patients = s.inserted + s.updated;
    }
    unlink(path);
    return rc;
}

/* A care error for entry i as the outcome's issue. */
static hss_code entry_failed(ctx *c, int i, hss_code rc, hss_error *err)
{
    char path[80];
    snprintf(path, sizeof path, "Bundle.entry[%d].resource", i);
    int data = rc != HSS_EDB && rc != HSS_EIO && rc != HSS_ENOMEM; /* the entry's content, not the system */
    issue(c, data ? "business-rule" : "exception", path, "%s", err->msg);
    char msg[900];
    snprintf(msg, sizeof msg, "%.880s", err->msg); /* (not formatted into itself) */
    return data ? hss_fail(err, HSS_EINVAL, "Bundle.entry[%d]: %s", i, msg) : rc;
}

static hss_code apply_care(ctx *c, const char *user, hss_fhir_import_stats *stats, hss_error *err)
{
    for (int i = 0; i < c->n; i++) {
        entry *e = &c->e[i];
        hss_code rc = HSS_OK;
        if (e->kind == E_OBSERVATION) {
            hss_care_followup_req q = {e->id_number, e->glucose >= 0 ? "diabetes" : "hypertension", e->date,
                                       e->sbp, e->dbp, e->glucose, NULL, NULL, 0, user};
            rc = hss_care_followup_add(c->st, &q, NULL, err);
            stats->followups += !rc;
        } else if (e->kind == E_REQUEST) {
            hss_care_referral_req q = {e->id_number, e->from, e->to[0] ? e->to : NULL, e->to[0] ? NULL : e->to_name,
                                       !e->to[0], e->date, e->reason, user};
            rc = hss_care_referral_add(c->st, &q, NULL, err);
            stats->referrals += !rc;
        }
        if (rc)
            return entry_failed(c, i, rc, err);
    }
    return HSS_OK;
}

/* Monthly counts: one value per element, org and month, added to what is stored. */
typedef struct count {
    const char *element;
    char org[64];
    char period[8];
    double n;
} count;

static void count_add(hss_vec *v, const char *element, const char *org, const char *date)
{
    count *x = v->items;
    for (size_t i = 0; i < v->len; i++)
        if (x[i].element == element && strcmp(x[i].org, org) == 0 && strncmp(x[i].period, date, 7) == 0) {
            x[i].n++;
            return;
        }
    count *n = hss_vec_push(v);
    n->element = element;
    snprintf(n->org, sizeof n->org, "%s", org);
    snprintf(n->period, sizeof n->period, "%.7s", date);
    n->n = 1;
}

/* Adds the stored values (a hss_metrics_values table) to the matching counts. */
static void add_stored(const hss_table *t, count *x, size_t n)
{
    if (!t)
        return;
    size_t ce = 0, co = 0, cp = 0, cv = 0;
    for (size_t col = 0; col < hss_table_cols(t); col++) {
        const char *k = hss_table_col_name(t, col);
        if (strcmp(k, "element") == 0) ce = col;
        else if (strcmp(k, "org") == 0) co = col;
        else if (strcmp(k, "period") == 0) cp = col;
        else if (strcmp(k, "value") == 0) cv = col;
    }
    for (size_t r = 0; r < hss_table_rows(t); r++)
        for (size_t i = 0; i < n; i++)
            if (strcmp(x[i].element, hss_table_cell(t, r, ce)) == 0 && strcmp(x[i].org, hss_table_cell(t, r, co)) == 0 &&
                strcmp(x[i].period, hss_table_cell(t, r, cp)) == 0)
                x[i].n += strtod(hss_table_cell(t, r, cv), NULL);
}

static hss_code apply_encounters(ctx *c, hss_fhir_import_stats *stats, hss_error *err)
{
    hss_vec v;
    hss_vec_init(&v, sizeof(count));
    for (int i = 0; i < c->n; i++) {
        entry *e = &c->e[i];
        if (e->kind != E_ENCOUNTER)
            continue;
        if (e->org[0])
            count_add(&v, e->element, e->org, e->date);
        if (e->out_of_county)
            count_add(&v, "out_of_county_visits", e->county, e->date);
        stats->encounters++;
    }
    hss_code rc = HSS_OK;
    if (v.len) {
        char path[600];
        FILE *f = temp_file(path);
        if (!f) {
            hss_vec_free(&v);
            return hss_fail(err, HSS_EIO, "cannot write a temporary file");
        }
        fprintf(f, "element,org,period,value\n");
        count *x = v.items;
        /* what is stored for those months, one query per element (counts are added to it) */
        static const char *const elements[] = {"outpatient_visits", "inpatient_admissions", "out_of_county_visits"};
        for (size_t k = 0; k < 3 && !rc; k++) {
            char from[8] = "9999-99", to[8] = "0000-00";
            for (size_t i = 0; i < v.len; i++)
                if (x[i].element == elements[k]) {
                    if (strcmp(x[i].period, from) < 0)
                        memcpy(from, x[i].period, 8);
                    if (strcmp(x[i].period, to) > 0)
                        memcpy(to, x[i].period, 8);
                }
            if (from[0] == '9')
                continue;
            hss_table *t = NULL;
            rc = hss_metrics_values(c->st, elements[k], NULL, from, to, &t, err);
            add_stored(t, x, v.len);
            hss_table_free(t);
        }
        for (size_t i = 0; i < v.len && !rc; i++)
            fprintf(f, "%s,%s,%s,%.0f\n", x[i].element, x[i].org, x[i].period, x[i].n);
        fclose(f);
        if (!rc)
            rc = hss_metrics_import(c->st, path, 0, NULL, err);
        unlink(path);
    }
    hss_vec_free(&v);
    return rc;
}

/* ---- the response ------------------------------------------------------------------------------ */

static char *response_bundle(ctx *c, int transaction)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "resourceType", "Bundle");
    cJSON_AddStringToObject(b, "type", transaction ? "transaction-response" : "batch-response");
    cJSON *es = cJSON_AddArrayToObject(b, "entry");
    for (int i = 0; i < c->n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON *r = cJSON_AddObjectToObject(e, "response");
        cJSON_AddStringToObject(r, "status", "201 Created");
        cJSON_AddItemToArray(es, e);
    }
    if (!c->n)
        cJSON_DeleteItemFromObject(b, "entry");
    char *s = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    return s;
}

static char *outcome_of(ctx *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "resourceType", "OperationOutcome");
    cJSON_AddItemToObject(o, "issue", c->issues);
    c->issues = NULL;
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

hss_code hss_fhir_import(hss_store *st, const char *user, const char *scope, const char *data,
                         size_t len, char **response, hss_fhir_import_stats *stats, hss_error *err)
{
    memset(stats, 0, sizeof *stats);
    *response = NULL;
    ctx c = {0};
    c.st = st;
    c.scope = scope;
    c.issues = cJSON_CreateArray();
    c.bundle = cJSON_ParseWithLength(data, len);
    const char *type = str(c.bundle, "type");
    c.entries = cJSON_GetObjectItemCaseSensitive(c.bundle, "entry");
    if (!c.bundle || !str(c.bundle, "resourceType") || strcmp(str(c.bundle, "resourceType"), "Bundle") != 0)
        issue(&c, "structure", "Bundle", "the body is not a FHIR Bundle in JSON");
    else if (!type || (strcmp(type, "transaction") != 0 && strcmp(type, "batch") != 0))
        issue(&c, "value", "Bundle.type", "type '%s': transaction or batch", type ? type : "");
    else if (c.entries && !cJSON_IsArray(c.entries))
        issue(&c, "structure", "Bundle.entry", "entry must be an array");
    c.n = c.nissues ? 0 : cJSON_GetArraySize(c.entries);
    stats->entries = (size_t)c.n;
    c.e = hss_xcalloc((size_t)c.n + 1, sizeof *c.e);
    c.items = hss_xcalloc((size_t)c.n + 1, sizeof *c.items);
    int k = 0;
    for (cJSON *it = c.n ? c.entries->child : NULL; it && k < c.n; it = it->next)
        c.items[k++] = it;
    if (!c.nissues)
        check_all(&c);
    hss_code rc = HSS_OK;
    if (!c.nissues) {
        if (hss_store_begin(st, err)) {
            rc = HSS_EDB;
        } else {
            rc = apply_patients(&c, stats, err);
            if (!rc)
                rc = apply_care(&c, user, stats, err);
            if (!rc)
                rc = apply_encounters(&c, stats, err);
            char detail[200];
            snprintf(detail, sizeof detail, "%zu entries: %zu patients, %zu follow-ups, %zu referrals, %zu encounters",
                     stats->entries, stats->patients, stats->followups, stats->referrals, stats->encounters);
            if (!rc)
                rc = fhir_db_audit(st, user, "fhir_import", "Bundle", detail, err);
            if (rc)
                hss_store_rollback(st);
            else
                rc = hss_store_commit(st, err);
            if (rc && !c.nissues)
                issue(&c, "exception", "Bundle", "%s", err->msg);
        }
    }
    if (c.nissues) {
        if (c.nissues > MAX_ISSUES)
            issue(&c, "too-costly", "Bundle", "more problems than the first %d are not listed", MAX_ISSUES);
        if (!rc)
            rc = hss_fail(err, HSS_EINVAL, "the bundle has %d problem(s); nothing was imported", c.nissues);
        *response = outcome_of(&c);
        memset(stats, 0, sizeof *stats);
    } else {
        *response = response_bundle(&c, type && strcmp(type, "transaction") == 0);
    }
    cJSON_Delete(c.issues);
    cJSON_Delete(c.bundle);
    fhir_db_cache_free(&c.cache);
    free(c.urls);
    free(c.e);
    free(c.items);
    return rc;
}
