/*
 * map.c: the domain as FHIR R4 resources. Each function turns one row of a db.c statement into
 * JSON: facilities and 医共体 as Organization, areas and facility sites as Location, residents as
 * Patient, family-doctor teams as CareTeam, contracts as EpisodeOfCare, chronic enrolments as
 * Condition, follow-up readings as Observation (LOINC 85354-9 blood-pressure panel with 8480-6 /
 * 8462-4 components; 14771-0 fasting glucose), referrals as ServiceRequest + Task, indicator
 * values as MeasureReport. Stored times are local (Asia/Shanghai) and carry +08:00.
 * Generated demo rows carry the meta tag `generated`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care/care.h"
#include "fhir/fhir_int.h"
#include "metrics/metrics.h"

#define LOINC "http://loinc.org"
#define UCUM "http://unitsofmeasure.org"
#define EXT_DIVISION HSS_FHIR_NS "/StructureDefinition/division-code"

/* ---- small builders ------------------------------------------------------------------------ */

static cJSON *coding(const char *system, const char *code, const char *display)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "system", system);
    cJSON_AddStringToObject(c, "code", code);
    if (display && *display)
        cJSON_AddStringToObject(c, "display", display);
    return c;
}

/* A CodeableConcept with one coding and an optional text. */
static cJSON *concept(const char *system, const char *code, const char *display, const char *text)
{
    cJSON *cc = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(cc, "coding");
    cJSON_AddItemToArray(a, coding(system, code, display));
    if (text && *text)
        cJSON_AddStringToObject(cc, "text", text);
    return cc;
}

static cJSON *reference(const char *type, const char *id)
{
    char r[160];
    snprintf(r, sizeof r, "%s/%s", type, id);
    cJSON *ref = cJSON_CreateObject();
    cJSON_AddStringToObject(ref, "reference", r);
    return ref;
}

static void add_ref(cJSON *o, const char *key, const char *type, const char *id)
{
    cJSON_AddItemToObject(o, key, reference(type, id));
}

/* A list holding one reference (CareTeam.managingOrganization, EpisodeOfCare.team). */
static void add_ref_list(cJSON *o, const char *key, const char *type, const char *id)
{
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, key), reference(type, id));
}

static void add_patient_ref(cJSON *o, const char *key, int64_t id)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)id);
    add_ref(o, key, "Patient", s);
}

static cJSON *identifier(const char *system, const char *value)
{
    cJSON *i = cJSON_CreateObject();
    cJSON_AddStringToObject(i, "system", system);
    cJSON_AddStringToObject(i, "value", value);
    return i;
}

/* A stored date or local timestamp as a FHIR dateTime ("2025-12-01T09:00" ->
 * "2025-12-01T09:00:00+08:00"); with instant, a date becomes midnight. */
static void fhir_time(const char *s, int instant, char out[32])
{
    size_t n = strlen(s);
    if (n == 10 && !instant)
        snprintf(out, 32, "%s", s);
    else if (n == 10)
        snprintf(out, 32, "%sT00:00:00+08:00", s);
    else if (n == 16)
        snprintf(out, 32, "%.16s:00+08:00", s);
    else
        snprintf(out, 32, "%.19s+08:00", s);
}

static void add_time(cJSON *o, const char *key, const char *stored, int instant)
{
    if (!stored || !*stored)
        return;
    char t[32];
    fhir_time(stored, instant, t);
    cJSON_AddStringToObject(o, key, t);
}

/* A new resource with id, meta.lastUpdated (when known) and the generated tag. */
static cJSON *resource(const char *type, const char *id, const char *updated, int generated)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "resourceType", type);
    cJSON_AddStringToObject(o, "id", id);
    if ((updated && *updated) || generated) {
        cJSON *m = cJSON_AddObjectToObject(o, "meta");
        add_time(m, "lastUpdated", updated, 1);
        if (generated) {
            cJSON *tags = cJSON_AddArrayToObject(m, "tag");
            cJSON_AddItemToArray(tags, coding(HSS_FHIR_NS "/CodeSystem/provenance", "generated", "生成的演示数据"));
        }
    }
    return o;
}

static cJSON *resource_int(const char *type, const char *prefix, int64_t id, const char *updated, int generated)
{
    char s[40];
    snprintf(s, sizeof s, "%s%lld", prefix, (long long)id);
    return resource(type, s, updated, generated);
}

/* ---- region ---------------------------------------------------------------------------------- */

/* id,kind,code,name,type,grade,ownership,area_code,medcom_code,medcom_lead,generated */
static int map_organization(hss_stmt *s, cJSON *out, char cursor[72])
{
    int medcom = fhir_col(s, 1)[0] == 'm';
    snprintf(cursor, 72, "%s", fhir_col(s, 0));
    cJSON *o = resource("Organization", fhir_col(s, 0), NULL, hss_store_col_int(s, 10));
    cJSON *ids = cJSON_AddArrayToObject(o, "identifier");
    cJSON_AddItemToArray(ids, identifier(medcom ? HSS_FHIR_SID_MEDCOM : HSS_FHIR_SID_FACILITY, fhir_col(s, 2)));
    cJSON_AddBoolToObject(o, "active", 1);
    cJSON *types = cJSON_AddArrayToObject(o, "type");
    if (medcom) {
        cJSON_AddItemToArray(types, concept(HSS_FHIR_NS "/CodeSystem/organization-kind", "medcom", "医共体",
                                            "县域医疗卫生共同体"));
        char name[300];
        snprintf(name, sizeof name, "%s医共体", fhir_col(s, 3));
        cJSON_AddStringToObject(o, "name", name);
    } else {
        cJSON_AddItemToArray(types, concept(HSS_FHIR_NS "/CodeSystem/facility-type", fhir_col(s, 4), NULL, NULL));
        cJSON_AddStringToObject(o, "name", fhir_col(s, 3));
        if (*fhir_col(s, 8)) {
            char id[120];
            snprintf(id, sizeof id, "medcom-%s", fhir_col(s, 8));
            add_ref(o, "partOf", "Organization", id);
        }
    }
    cJSON_AddItemToArray(out, o);
    return 1;
}

static void add_position(cJSON *o, hss_stmt *s, int lon_col)
{
    if (hss_store_col_is_null(s, lon_col) || hss_store_col_is_null(s, lon_col + 1))
        return;
    cJSON *p = cJSON_AddObjectToObject(o, "position");
    cJSON_AddNumberToObject(p, "longitude", hss_store_col_double(s, lon_col));
    cJSON_AddNumberToObject(p, "latitude", hss_store_col_double(s, lon_col + 1));
}

/* id,kind,code,name,level,parent,lon,lat,generated,type */
static int map_location(hss_stmt *s, cJSON *out, char cursor[72])
{
    int site = fhir_col(s, 1)[0] == 'f';
    snprintf(cursor, 72, "%s", fhir_col(s, 0));
    cJSON *o = resource("Location", fhir_col(s, 0), NULL, hss_store_col_int(s, 8));
    cJSON *ids = cJSON_AddArrayToObject(o, "identifier");
    cJSON_AddItemToArray(ids, identifier(site ? HSS_FHIR_SID_FACILITY : HSS_FHIR_SID_DIVISION, fhir_col(s, 2)));
    cJSON_AddStringToObject(o, "status", "active");
    cJSON_AddStringToObject(o, "name", fhir_col(s, 3));
    cJSON_AddStringToObject(o, "mode", "instance");
    if (!site) {
        cJSON *t = cJSON_AddArrayToObject(o, "type");
        cJSON_AddItemToArray(t, concept(HSS_FHIR_NS "/CodeSystem/area-level", fhir_col(s, 4), NULL, NULL));
    }
    cJSON_AddItemToObject(o, "physicalType",
                          concept("http://terminology.hl7.org/CodeSystem/location-physical-type", site ? "si" : "jdn",
                                  site ? "Site" : "Jurisdiction", NULL));
    add_position(o, s, 6);
    if (site)
        add_ref(o, "managingOrganization", "Organization", fhir_col(s, 2));
    if (*fhir_col(s, 5))
        add_ref(o, "partOf", "Location", fhir_col(s, 5));
    cJSON_AddItemToArray(out, o);
    return 1;
}

/* ---- care ------------------------------------------------------------------------------------ */

/* id,id_number,name,sex,birth_date,village_code,generated */
static int map_patient(hss_stmt *s, const fhir_map_ctx *c, cJSON *out, int64_t *resident)
{
    *resident = hss_store_col_int64(s, 0);
    cJSON *o = resource_int("Patient", "", *resident, NULL, hss_store_col_int(s, 6));
    if (c->see_ids) {
        cJSON *ids = cJSON_AddArrayToObject(o, "identifier");
        cJSON *id = identifier(HSS_FHIR_SID_CITIZEN, fhir_col(s, 1));
        cJSON_AddStringToObject(id, "use", "official");
        cJSON_AddItemToArray(ids, id);
        cJSON *names = cJSON_AddArrayToObject(o, "name");
        cJSON *n = cJSON_CreateObject();
        cJSON_AddStringToObject(n, "text", fhir_col(s, 2));
        cJSON_AddItemToArray(names, n);
    }
    cJSON_AddStringToObject(o, "gender", fhir_col(s, 3));
    cJSON_AddStringToObject(o, "birthDate", fhir_col(s, 4));
    cJSON *addrs = cJSON_AddArrayToObject(o, "address");
    cJSON *a = cJSON_CreateObject();
    cJSON *ext = cJSON_AddArrayToObject(a, "extension");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "url", EXT_DIVISION);
    cJSON_AddStringToObject(e, "valueCode", fhir_col(s, 5));
    cJSON_AddItemToArray(ext, e);
    cJSON_AddStringToObject(a, "use", "home");
    cJSON_AddItemToArray(addrs, a);
    cJSON_AddItemToArray(out, o);
    return 1;
}

/* code,name,facility_code,generated,villages,members */
static int map_careteam(hss_stmt *s, cJSON *out, char cursor[72])
{
    snprintf(cursor, 72, "%s", fhir_col(s, 0));
    cJSON *o = resource("CareTeam", fhir_col(s, 0), NULL, hss_store_col_int(s, 3));
    cJSON *ids = cJSON_AddArrayToObject(o, "identifier");
    cJSON_AddItemToArray(ids, identifier(HSS_FHIR_SID_TEAM, fhir_col(s, 0)));
    cJSON_AddStringToObject(o, "status", "active");
    cJSON *cat = cJSON_AddArrayToObject(o, "category");
    cJSON_AddItemToArray(cat, concept(HSS_FHIR_NS "/CodeSystem/care-team-kind", "family-doctor-team", "家庭医生团队", NULL));
    cJSON_AddStringToObject(o, "name", fhir_col(s, 1));
    cJSON *parts = cJSON_AddArrayToObject(o, "participant");
    char *members = hss_xstrdup(fhir_col(s, 5));
    for (char *save = NULL, *m = strtok_r(members, "\x1e", &save); m; m = strtok_r(NULL, "\x1e", &save)) {
        char *role = strchr(m, '\x1f');
        if (role)
            *role++ = 0;
        cJSON *p = cJSON_CreateObject();
        if (role && *role) {
            cJSON *roles = cJSON_AddArrayToObject(p, "role");
            cJSON_AddItemToArray(roles, concept(HSS_FHIR_NS "/CodeSystem/staff-category", role, NULL, NULL));
        }
        cJSON *mem = cJSON_AddObjectToObject(p, "member");
        cJSON_AddStringToObject(mem, "display", m);
        cJSON_AddItemToArray(parts, p);
    }
    free(members);
    if (cJSON_GetArraySize(parts) == 0)
        cJSON_DeleteItemFromObject(o, "participant");
    add_ref_list(o, "managingOrganization", "Organization", fhir_col(s, 2));
    cJSON_AddItemToArray(out, o);
    return 1;
}

/* id,resident_id,team_code,package,start_date,end_date,renewal_of,generated,facility_code */
static int map_episode(hss_stmt *s, const fhir_map_ctx *c, cJSON *out, int64_t *resident)
{
    *resident = hss_store_col_int64(s, 1);
    const char *start = fhir_col(s, 4), *end = fhir_col(s, 5);
    cJSON *o = resource_int("EpisodeOfCare", "", hss_store_col_int64(s, 0), start, hss_store_col_int(s, 7));
    const char *status = strcmp(c->today, start) < 0 ? "planned" : strcmp(c->today, end) > 0 ? "finished" : "active";
    cJSON_AddStringToObject(o, "status", status);
    cJSON *types = cJSON_AddArrayToObject(o, "type");
    cJSON_AddItemToArray(types, concept(HSS_FHIR_NS "/CodeSystem/service-package", fhir_col(s, 3), NULL, "家庭医生签约服务"));
    add_patient_ref(o, "patient", *resident);
    add_ref(o, "managingOrganization", "Organization", fhir_col(s, 8));
    cJSON *p = cJSON_AddObjectToObject(o, "period");
    cJSON_AddStringToObject(p, "start", start);
    cJSON_AddStringToObject(p, "end", end);
    add_ref_list(o, "team", "CareTeam", fhir_col(s, 2));
    cJSON_AddItemToArray(out, o);
    return 1;
}

/* id,resident_id,disease,enrolled_on,generated */
static int map_condition(hss_stmt *s, cJSON *out, int64_t *resident)
{
    *resident = hss_store_col_int64(s, 1);
    int htn = strcmp(fhir_col(s, 2), "hypertension") == 0;
    cJSON *o = resource_int("Condition", "", hss_store_col_int64(s, 0), fhir_col(s, 3), hss_store_col_int(s, 4));
    cJSON_AddItemToObject(o, "clinicalStatus",
                          concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active", NULL));
    cJSON_AddItemToObject(o, "verificationStatus",
                          concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed", NULL));
    cJSON *cat = cJSON_AddArrayToObject(o, "category");
    cJSON_AddItemToArray(cat, concept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item",
                                      "Problem List Item", NULL));
    cJSON_AddItemToObject(o, "code", htn ? concept("http://hl7.org/fhir/sid/icd-10", "I10", "Essential (primary) hypertension", "高血压")
                                         : concept("http://hl7.org/fhir/sid/icd-10", "E11", "Type 2 diabetes mellitus", "2型糖尿病"));
    add_patient_ref(o, "subject", *resident);
    cJSON_AddStringToObject(o, "recordedDate", fhir_col(s, 3));
    cJSON_AddItemToArray(out, o);
    return 1;
}

static cJSON *quantity(double v, const char *unit, const char *code)
{
    cJSON *q = cJSON_CreateObject();
    cJSON_AddNumberToObject(q, "value", v);
    cJSON_AddStringToObject(q, "unit", unit);
    cJSON_AddStringToObject(q, "system", UCUM);
    cJSON_AddStringToObject(q, "code", code);
    return q;
}

static cJSON *observation(const char *prefix, int64_t fid, const char *date, int generated, int64_t resident,
                          const char *category, const char *code, const char *display, const char *text)
{
    cJSON *o = resource_int("Observation", prefix, fid, date, generated);
    cJSON_AddStringToObject(o, "status", "final");
    cJSON *cat = cJSON_AddArrayToObject(o, "category");
    cJSON_AddItemToArray(cat, concept("http://terminology.hl7.org/CodeSystem/observation-category", category, NULL, NULL));
    cJSON_AddItemToObject(o, "code", concept(LOINC, code, display, text));
    add_patient_ref(o, "subject", resident);
    cJSON_AddStringToObject(o, "effectiveDateTime", date);
    return o;
}

static cJSON *bp_component(const char *code, const char *display, int mmhg)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "code", concept(LOINC, code, display, NULL));
    cJSON_AddItemToObject(c, "valueQuantity", quantity(mmhg, "mmHg", "mm[Hg]"));
    return c;
}

/* id,resident_id,visit_date,sbp,dbp,glucose,generated,disease */
static int map_observation(hss_stmt *s, cJSON *out, int64_t *resident)
{
    *resident = hss_store_col_int64(s, 1);
    int64_t fid = hss_store_col_int64(s, 0);
    const char *date = fhir_col(s, 2);
    int gen = hss_store_col_int(s, 6), n = 0;
    if (!hss_store_col_is_null(s, 3) && !hss_store_col_is_null(s, 4)) {
        cJSON *o = observation("bp-", fid, date, gen, *resident, "vital-signs", "85354-9",
                               "Blood pressure panel with all children optional", "血压");
        cJSON *comp = cJSON_AddArrayToObject(o, "component");
        cJSON_AddItemToArray(comp, bp_component("8480-6", "Systolic blood pressure", hss_store_col_int(s, 3)));
        cJSON_AddItemToArray(comp, bp_component("8462-4", "Diastolic blood pressure", hss_store_col_int(s, 4)));
        cJSON_AddItemToArray(out, o);
        n++;
    }
    if (!hss_store_col_is_null(s, 5)) {
        cJSON *o = observation("glu-", fid, date, gen, *resident, "laboratory", "14771-0",
                               "Fasting glucose [Moles/volume] in Serum or Plasma", "空腹血糖");
        cJSON_AddItemToObject(o, "valueQuantity", quantity(hss_store_col_double(s, 5), "mmol/L", "mmol/L"));
        cJSON_AddItemToArray(out, o);
        n++;
    }
    return n;
}

/* id,resident_id,from_facility,to_facility,to_name,in_county,priority,reason,state,requested_at,
 * accepted_at,rejected_at,arrived_at,completed_at,down_referred_at,received_at,generated,upd */
static const char *request_status(const char *state)
{
    if (strcmp(state, "rejected") == 0)
        return "revoked";
    if (strcmp(state, "requested") == 0 || strcmp(state, "accepted") == 0 || strcmp(state, "arrived") == 0)
        return "active";
    return "completed";
}

static const char *task_status(const char *state)
{
    static const char *const map[][2] = {
        {"requested", "requested"}, {"accepted", "accepted"}, {"rejected", "rejected"}, {"arrived", "in-progress"},
        {"completed", "completed"}, {"down_referred", "completed"}, {"received", "completed"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(state, map[i][0]) == 0)
            return map[i][1];
    return "requested";
}

static void add_performer(cJSON *o, const char *key, hss_stmt *s, int array)
{
    cJSON *r = cJSON_CreateObject();
    if (*fhir_col(s, 3)) {
        char ref[160];
        snprintf(ref, sizeof ref, "Organization/%s", fhir_col(s, 3));
        cJSON_AddStringToObject(r, "reference", ref);
    }
    if (*fhir_col(s, 4))
        cJSON_AddStringToObject(r, "display", fhir_col(s, 4));
    if (array) {
        cJSON *a = cJSON_AddArrayToObject(o, key);
        cJSON_AddItemToArray(a, r);
    } else {
        cJSON_AddItemToObject(o, key, r);
    }
}

static int map_referral(hss_stmt *s, int task, cJSON *out, int64_t *resident)
{
    *resident = hss_store_col_int64(s, 1);
    int64_t id = hss_store_col_int64(s, 0);
    const char *state = fhir_col(s, 8);
    cJSON *o = resource_int(task ? "Task" : "ServiceRequest", "", id, fhir_col(s, 17), hss_store_col_int(s, 16));
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", (long long)id);
    if (task) {
        cJSON_AddStringToObject(o, "status", task_status(state));
        int st = hss_ref_state_parse(state);
        cJSON_AddItemToObject(o, "businessStatus", concept(HSS_FHIR_NS "/CodeSystem/referral-state", state,
                                                           st >= 0 ? hss_ref_state_zh((hss_ref_state)st) : NULL, NULL));
        cJSON_AddStringToObject(o, "intent", "order");
        add_ref(o, "focus", "ServiceRequest", sid);
        add_patient_ref(o, "for", *resident);
        add_time(o, "authoredOn", fhir_col(s, 9), 0);
        add_time(o, "lastModified", fhir_col(s, 17), 0);
        add_ref(o, "requester", "Organization", fhir_col(s, 2));
        add_performer(o, "owner", s, 0);
    } else {
        cJSON_AddStringToObject(o, "status", request_status(state));
        cJSON_AddStringToObject(o, "intent", "order");
        cJSON *cat = cJSON_AddArrayToObject(o, "category");
        cJSON_AddItemToArray(cat, concept(HSS_FHIR_NS "/CodeSystem/referral-direction",
                                          hss_store_col_int(s, 5) ? "in-county" : "out-of-county",
                                          hss_store_col_int(s, 5) ? "县域内" : "县域外", NULL));
        cJSON_AddItemToObject(o, "code", concept("http://snomed.info/sct", "3457005", "Patient referral", "转诊"));
        add_patient_ref(o, "subject", *resident);
        add_time(o, "authoredOn", fhir_col(s, 9), 0);
        add_ref(o, "requester", "Organization", fhir_col(s, 2));
        add_performer(o, "performer", s, 1);
        if (*fhir_col(s, 7)) {
            cJSON *rc = cJSON_AddArrayToObject(o, "reasonCode");
            cJSON *t = cJSON_CreateObject();
            cJSON_AddStringToObject(t, "text", fhir_col(s, 7));
            cJSON_AddItemToArray(rc, t);
        }
    }
    cJSON_AddItemToArray(out, o);
    return 1;
}

int fhir_map_row(fhir_kind k, hss_stmt *s, const fhir_map_ctx *c, cJSON *out, int64_t *resident,
                 char cursor[72])
{
    *resident = 0;
    if (fhir_db_has(k, 'i'))
        snprintf(cursor, 72, "%lld", (long long)hss_store_col_int64(s, 0));
    switch (k) {
    case FK_ORGANIZATION: return map_organization(s, out, cursor);
    case FK_LOCATION: return map_location(s, out, cursor);
    case FK_PATIENT: return map_patient(s, c, out, resident);
    case FK_CARETEAM: return map_careteam(s, out, cursor);
    case FK_EPISODE: return map_episode(s, c, out, resident);
    case FK_CONDITION: return map_condition(s, out, resident);
    case FK_OBSERVATION: return map_observation(s, out, resident);
    case FK_SERVICEREQUEST: return map_referral(s, 0, out, resident);
    case FK_TASK: return map_referral(s, 1, out, resident);
    default: return 0;
    }
}

int fhir_read_key(fhir_kind k, const char *id, char key[72])
{
    size_t n = strlen(id);
    if (n == 0 || n > 64)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!(id[i] >= '0' && id[i] <= '9') && !(id[i] >= 'a' && id[i] <= 'z') && !(id[i] >= 'A' && id[i] <= 'Z') &&
            id[i] != '-' && id[i] != '.')
            return -1;
    if (k == FK_OBSERVATION) {
        const char *p = strncmp(id, "bp-", 3) == 0 ? id + 3 : strncmp(id, "glu-", 4) == 0 ? id + 4 : NULL;
        if (!p)
            return -1;
        id = p;
    }
    if (fhir_db_has(k, 'i')) {
        int64_t v;
        if (hss_parse_int64(id, &v) != 0 || v <= 0)
            return -1;
    }
    snprintf(key, 72, "%s", id);
    return 0;
}

/* ---- MeasureReport ------------------------------------------------------------------------------ */

/* The dates a period string covers. Returns -1 when malformed. */
static int period_dates(const char *p, char start[11], char end[11])
{
    int y, m, q;
    char tail;
    if (sscanf(p, "YTD%4d-%2d%c", &y, &m, &tail) == 2) {
        snprintf(start, 11, "%04d-01-01", y);
    } else if (sscanf(p, "%4dQ%1d%c", &y, &q, &tail) == 2 && q >= 1 && q <= 4) {
        snprintf(start, 11, "%04d-%02d-01", y, 3 * q - 2);
        m = 3 * q;
    } else if (sscanf(p, "%4d-%2d%c", &y, &m, &tail) == 2) {
        snprintf(start, 11, "%04d-%02d-01", y, m);
    } else if (strlen(p) == 4 && sscanf(p, "%4d%c", &y, &tail) == 1) {
        snprintf(start, 11, "%04d-01-01", y);
        m = 12;
    } else {
        return -1;
    }
    if (m < 1 || m > 12)
        return -1;
    snprintf(end, 11, "%04d-%02d-%02d", y, m, hss_month_days(y, m));
    return 0;
}

static cJSON *population(const char *code, double count)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "code", concept("http://terminology.hl7.org/CodeSystem/measure-population", code, NULL, NULL));
    cJSON_AddNumberToObject(p, "count", count);
    return p;
}

static cJSON *measure_report(const hss_table *t, size_t row)
{
    size_t nc = hss_table_cols(t);
    const char *ind = NULL, *area = NULL, *period = NULL, *name = NULL;
    size_t cv = 0, cn = 0, cd = 0;
    for (size_t c = 0; c < nc; c++) {
        const char *k = hss_table_col_name(t, c);
        if (strcmp(k, "indicator") == 0) ind = hss_table_cell(t, row, c);
        else if (strcmp(k, "area") == 0) area = hss_table_cell(t, row, c);
        else if (strcmp(k, "period") == 0) period = hss_table_cell(t, row, c);
        else if (strcmp(k, "name") == 0) name = hss_table_cell(t, row, c);
        else if (strcmp(k, "value") == 0) cv = c;
        else if (strcmp(k, "numerator") == 0) cn = c;
        else if (strcmp(k, "denominator") == 0) cd = c;
    }
    char start[11], end[11];
    if (!ind || !area || !period || period_dates(period, start, end) != 0 || strspn(area, "0123456789") != strlen(area))
        return NULL; /* facility rows: the area rows carry the same indicator */
    char id[120];
    snprintf(id, sizeof id, "%s.%s.%s", area, period, ind);
    for (char *p = id; *p; p++)
        if (*p == '_')
            *p = '-';
    cJSON *o = resource("MeasureReport", id, NULL, 0);
    cJSON_AddStringToObject(o, "status", "complete");
    cJSON_AddStringToObject(o, "type", "summary");
    char measure[200];
    snprintf(measure, sizeof measure, HSS_FHIR_NS "/Measure/%s", ind);
    cJSON_AddStringToObject(o, "measure", measure);
    add_ref(o, "subject", "Location", area);
    cJSON *per = cJSON_AddObjectToObject(o, "period");
    cJSON_AddStringToObject(per, "start", start);
    cJSON_AddStringToObject(per, "end", end);
    cJSON *groups = cJSON_AddArrayToObject(o, "group");
    cJSON *g = cJSON_CreateObject();
    cJSON *code = cJSON_AddObjectToObject(g, "code");
    cJSON_AddStringToObject(code, "text", name ? name : ind);
    if (!hss_table_is_null(t, row, cn) && !hss_table_is_null(t, row, cd)) {
        double num = strtod(hss_table_cell(t, row, cn), NULL), den = strtod(hss_table_cell(t, row, cd), NULL);
        /* population counts are integers; money-valued parts (yuan) stay in the score only */
        if (num == (double)(long long)num && den == (double)(long long)den) {
            cJSON *pops = cJSON_AddArrayToObject(g, "population");
            cJSON_AddItemToArray(pops, population("numerator", num));
            cJSON_AddItemToArray(pops, population("denominator", den));
        }
    }
    if (!hss_table_is_null(t, row, cv)) {
        cJSON *score = cJSON_AddObjectToObject(g, "measureScore");
        cJSON_AddNumberToObject(score, "value", strtod(hss_table_cell(t, row, cv), NULL));
    }
    cJSON_AddItemToArray(groups, g);
    return o;
}

hss_code fhir_measure_reports(hss_store *st, const char *area, const char *period, const char *indicator,
                              const char *only_area, cJSON *out, hss_error *err)
{
    hss_metrics_query q = {0};
    q.under = area;
    q.period = period;
    q.indicator = indicator;
    q.english = 0;
    hss_table *t = NULL;
    hss_code rc = hss_metrics_indicators(st, &q, &t, err);
    if (rc)
        return rc;
    for (size_t i = 0, n = hss_table_rows(t); i < n; i++) {
        cJSON *o = measure_report(t, i);
        if (!o)
            continue;
        if (only_area) {
            cJSON *subj = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "subject"), "reference");
            if (strcmp(subj->valuestring + strlen("Location/"), only_area) != 0) {
                cJSON_Delete(o);
                continue;
            }
        }
        cJSON_AddItemToArray(out, o);
    }
    hss_table_free(t);
    return HSS_OK;
}
