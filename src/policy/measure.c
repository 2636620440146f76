/*
 * measure.c: the fixed catalogue of measures a rule may name, and how HSS computes each from
 * the stored region. Each entry is one row of CATALOGUE: name, subjects (area and/or facility),
 * labels, allowed parameters and the function that computes it. Measures the stored data cannot
 * answer yet (road travel times, monthly activity data, equipment and capability records) are
 * declared here too; their function says what they need and the finding is `unknown`, never a
 * silent pass. Wiring a real implementation later means replacing `fn` in that one entry.
 */
#include <math.h>
#include <string.h>

#include "access/access.h"
#include "ems/ems.h"
#include "metrics/metrics.h"
#include "policy/policy_int.h"
#include "rounds/rounds.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static int staff_idx(const char *id)
{
    return hss_model_find(HSS_VOCAB_STAFF, id);
}

static double staff_of(const pagg *g, const char *id)
{
    return g->staff[staff_idx(id)];
}

static double physicians(const pagg *g)
{
    return staff_of(g, "licensed_physician") + staff_of(g, "assistant_physician");
}

static double health_technicians(const pagg *g)
{
    size_t n;
    const hss_term *t = hss_model_terms(HSS_VOCAB_STAFF, &n);
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (hss_staff_is_health_technician(t[i].id))
            s += g->staff[i];
    return s;
}

/* All staff, not counting the "of which" subsets twice: GPs, public-health and TCM physicians
 * and psychiatrists (subsets of licensed physicians) and MCH staff (妇幼保健人员, a role held by
 * physicians and nurses of MCH institutions). */
static double staff_total(const pagg *g)
{
    size_t n;
    const hss_term *t = hss_model_terms(HSS_VOCAB_STAFF, &n);
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = t[i].id;
        if (strcmp(id, "general_practitioner") == 0 || strcmp(id, "public_health_physician") == 0 ||
            strcmp(id, "tcm_physician") == 0 || strcmp(id, "psychiatrist") == 0 ||
            strcmp(id, "mch_staff") == 0)
            continue;
        s += g->staff[i];
    }
    return s;
}

/* The count for the rule's `category` parameter (or `dflt`): a staff id, "physician" (licensed
 * + assistant) or "health_technician". The validator has rejected any other spelling. */
static double staff_param(const prule *r, const pagg *g, const char *dflt)
{
    const char *c = prule_str(r, "category");
    if (!c)
        c = dflt;
    if (strcmp(c, "physician") == 0)
        return physicians(g);
    if (strcmp(c, "health_technician") == 0)
        return health_technicians(g);
    int k = staff_idx(c);
    return k < 0 ? 0 : g->staff[k];
}

static double ambulances(const pagg *g)
{
    size_t n;
    const hss_term *t = hss_model_terms(HSS_VOCAB_VEHICLE, &n);
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (hss_vehicle_is_ambulance(t[i].id))
            s += g->veh[i];
    return s;
}

/* Marks the result unknown with the reason in English and Chinese; each format takes two %s. */
static void unknown2(presult *o, const char *en, const char *zh, const char *a, const char *b)
{
    o->known = 0;
    snprintf(o->reason, sizeof o->reason, en, a ? a : "", b ? b : "");
    snprintf(o->reason_zh, sizeof o->reason_zh, zh, a ? a : "", b ? b : "");
}

static const char *subject_name(const parea *a, const pfac *f)
{
    return f ? f->name : a->name;
}

/* Population must be known and positive for a per-resident rate. */
static int need_population(const parea *a, const pfac *f, presult *o)
{
    if (!a) {
        unknown2(o, "a per-resident measure needs an area, not facility %s%s",
                 "按人口计算的指标须按区域评估，不能用于机构 %s%s", f->code, NULL);
        return 0;
    }
    if (!a->pop_known) {
        unknown2(o, "population of %s (%s) is not recorded", "%s（%s）未登记常住人口", a->name,
                 a->code);
        return 0;
    }
    if (a->population == 0) {
        unknown2(o, "population of %s (%s) is zero: a per-resident rate is undefined",
                 "%s（%s）常住人口为0，无法计算人均指标", a->name, a->code);
        return 0;
    }
    return 1;
}

static int need_staff(const parea *a, const pfac *f, const pagg *g, presult *o)
{
    if (g->staff_known == 0) {
        unknown2(o, "no staff recorded for %s%s", "%s未登记人员数据%s", subject_name(a, f), NULL);
        return 0;
    }
    return 1;
}

static int need_beds(const parea *a, const pfac *f, const pagg *g, presult *o, int approved)
{
    if (approved ? g->beds_approved_known == 0 : g->beds_open_known == 0) {
        unknown2(o, approved ? "no approved beds recorded for %s%s" : "no open beds recorded for %s%s",
                 approved ? "%s未登记编制床位%s" : "%s未登记实际开放床位%s", subject_name(a, f), NULL);
        return 0;
    }
    return 1;
}

/* observed = scale * num / den, with num/den kept so the gap can be said in whole units. */
static void ratio(presult *o, double num, double den, double scale, const char *what,
                  const parea *a, const pfac *f)
{
    if (den <= 0) {
        /* `what` is "english|中文". */
        const char *bar = strchr(what, '|');
        char en[128];
        snprintf(en, sizeof en, "%.*s", bar ? (int)(bar - what) : (int)strlen(what), what);
        unknown2(o, "%s is zero for %s: the ratio is undefined", "%s：%s为0，无法计算比值", en,
                 subject_name(a, f));
        snprintf(o->reason_zh, sizeof o->reason_zh, "%s的%s为0，无法计算比值", subject_name(a, f),
                 bar ? bar + 1 : what);
        return;
    }
    o->known = 1;
    o->num = num;
    o->den = den;
    o->scale = scale;
    o->has_need = 1;
    o->observed = scale * num / den;
}

/* Notes partial bed records on a known value. */
static void note_missing_beds(presult *o, const pagg *g)
{
    int missing = g->facilities - g->beds_open_known;
    if (missing > 0 && g->beds_open_known > 0)
    {
        snprintf(o->reason, sizeof o->reason, "%d of %d facilities have no open beds recorded",
                 missing, g->facilities);
        snprintf(o->reason_zh, sizeof o->reason_zh, "%d家机构中有%d家未登记实际开放床位",
                 g->facilities, missing);
    }
}

/* ---- computed measures ------------------------------------------------------------------ */

/* Required = ceil(base / per), base = base_multiplier × population (3 for a county-level unit
 * under the Lishui plan: "根据县域人口的 300%估算人口基数"). */
static void m_ambulance_count(const pregion *R, const prule *r, const parea *a, const pfac *f,
                              const pagg *g, presult *o)
{
    if (!need_population(a, f, o))
        return;
    if (g->veh_known == 0) {
        unknown2(o, "no vehicles recorded in %s (%s)", "%s（%s）未登记车辆数据", a->name, a->code);
        return;
    }
    double per = prule_num(r, "per", 30000), mult = prule_num(r, "base_multiplier", 1);
    double base = mult * (double)a->population;
    o->known = 1;
    o->observed = ambulances(g);
    o->target = ceil(base / per - 1e-9);
    o->num = o->observed;
    o->den = 1;
    o->scale = 1;
    o->has_need = 1;
}

static void m_np_share(const pregion *R, const prule *r, const parea *a, const pfac *f,
                       const pagg *g, presult *o)
{
    if (g->veh_known == 0) {
        unknown2(o, "no vehicles recorded for %s%s", "%s未登记车辆数据%s", subject_name(a, f), NULL);
        return;
    }
    ratio(o, g->veh[hss_model_find(HSS_VOCAB_VEHICLE, "negative_pressure_ambulance")],
          ambulances(g), 1, "the number of ambulances|救护车数", a, f);
}

static void per_residents(const prule *r, const parea *a, const pfac *f, const pagg *g,
                          presult *o, double num, double scale)
{
    if (!need_population(a, f, o))
        return;
    ratio(o, num, (double)a->population, scale, "population|常住人口", a, f);
}

static void m_psychiatrists_per_100k(const pregion *R, const prule *r, const parea *a,
                                     const pfac *f, const pagg *g, presult *o)
{
    if (need_staff(a, f, g, o))
        per_residents(r, a, f, g, o, staff_of(g, "psychiatrist"), 100000);
}

static void m_gps_per_10k(const pregion *R, const prule *r, const parea *a, const pfac *f,
                          const pagg *g, presult *o)
{
    if (need_staff(a, f, g, o))
        per_residents(r, a, f, g, o, staff_of(g, "general_practitioner"), 10000);
}

static void m_staff_per_10k(const pregion *R, const prule *r, const parea *a, const pfac *f,
                            const pagg *g, presult *o)
{
    if (need_staff(a, f, g, o))
        per_residents(r, a, f, g, o, staff_param(r, g, "health_technician"), 10000);
}

static void m_beds_per_1000(const pregion *R, const prule *r, const parea *a, const pfac *f,
                            const pagg *g, presult *o)
{
    if (!need_beds(a, f, g, o, 0))
        return;
    per_residents(r, a, f, g, o, g->beds_open, 1000);
    if (o->known)
        note_missing_beds(o, g);
}

static void m_infectious_beds_per_10k(const pregion *R, const prule *r, const parea *a,
                                      const pfac *f, const pagg *g, presult *o)
{
    if (g->beds_inf_known == 0) {
        unknown2(o, "no infectious-disease beds recorded in %s%s", "%s未登记传染病床位%s",
                 subject_name(a, f), NULL);
        return;
    }
    per_residents(r, a, f, g, o, g->beds_inf, 10000);
}

static void m_rehab_beds_per_1000(const pregion *R, const prule *r, const parea *a,
                                  const pfac *f, const pagg *g, presult *o)
{
    if (g->beds_rehab_known == 0) {
        unknown2(o, "no rehabilitation beds recorded in %s%s", "%s未登记康复床位%s",
                 subject_name(a, f), NULL);
        return;
    }
    per_residents(r, a, f, g, o, g->beds_rehab, 1000);
}

/* Nursing beds as a share of open beds, over the facilities that record both. */
static void m_nursing_bed_share(const pregion *R, const prule *r, const parea *a, const pfac *f,
                                const pagg *g, presult *o)
{
    if (g->beds_nursing_known == 0) {
        unknown2(o, "no nursing beds recorded in %s%s", "%s未登记护理床位%s", subject_name(a, f),
                 NULL);
        return;
    }
    ratio(o, g->beds_nursing, g->beds_open, 1, "the number of open beds|实际开放床位数", a, f);
    if (o->known && g->beds_nursing_known < g->facilities) {
        snprintf(o->reason, sizeof o->reason, "%d of %d facilities record nursing beds",
                 g->beds_nursing_known, g->facilities);
        snprintf(o->reason_zh, sizeof o->reason_zh, "%d家机构中%d家登记了护理床位",
                 g->facilities, g->beds_nursing_known);
    }
}

static void per_open_bed(const parea *a, const pfac *f, const pagg *g, presult *o, double num)
{
    if (!need_beds(a, f, g, o, 0) || !need_staff(a, f, g, o))
        return;
    ratio(o, num, g->beds_open, 1, "the number of open beds|实际开放床位数", a, f);
    if (o->known)
        note_missing_beds(o, g);
}

static void m_nurses_per_open_bed(const pregion *R, const prule *r, const parea *a,
                                  const pfac *f, const pagg *g, presult *o)
{
    per_open_bed(a, f, g, o, staff_of(g, "registered_nurse"));
}

static void m_ht_per_open_bed(const pregion *R, const prule *r, const parea *a, const pfac *f,
                              const pagg *g, presult *o)
{
    per_open_bed(a, f, g, o, health_technicians(g));
}

static void m_physicians_per_open_bed(const pregion *R, const prule *r, const parea *a,
                                      const pfac *f, const pagg *g, presult *o)
{
    per_open_bed(a, f, g, o, physicians(g));
}

static void m_nurses_per_physician(const pregion *R, const prule *r, const parea *a,
                                   const pfac *f, const pagg *g, presult *o)
{
    if (need_staff(a, f, g, o))
        ratio(o, staff_of(g, "registered_nurse"), physicians(g),
              1, "the number of physicians|执业(助理)医师数", a, f);
}

static void m_open_to_approved(const pregion *R, const prule *r, const parea *a, const pfac *f,
                               const pagg *g, presult *o)
{
    if (!need_beds(a, f, g, o, 0) || !need_beds(a, f, g, o, 1))
        return;
    ratio(o, g->beds_open, g->beds_approved, 1, "the number of approved beds|编制床位数", a, f);
}

static void m_ht_share(const pregion *R, const prule *r, const parea *a, const pfac *f,
                       const pagg *g, presult *o)
{
    if (need_staff(a, f, g, o))
        ratio(o, health_technicians(g), staff_total(g), 1, "total staff|人员总数", a, f);
}

static void m_staff_count(const pregion *R, const prule *r, const parea *a, const pfac *f,
                          const pagg *g, presult *o)
{
    if (!need_staff(a, f, g, o))
        return;
    ratio(o, staff_param(r, g, "physician"), 1, 1, "", a, f);
}

static void m_ph_physician_count(const pregion *R, const prule *r, const parea *a,
                                 const pfac *f, const pagg *g, presult *o)
{
    if (need_staff(a, f, g, o))
        ratio(o, staff_of(g, "public_health_physician"), 1, 1, "", a, f);
}

static void m_ems_crew(const pregion *R, const prule *r, const parea *a, const pfac *f,
                       const pagg *g, presult *o)
{
    if (g->veh_known == 0) {
        unknown2(o, "no vehicles recorded for %s%s", "%s未登记车辆数据%s", subject_name(a, f), NULL);
        return;
    }
    if (!need_staff(a, f, g, o))
        return;
    ratio(o, staff_param(r, g, "ems_doctor"), ambulances(g), 1, "the number of ambulances|救护车数", a, f);
}

/* Share of the area's ambulance units (hss ems units import) whose crew meets the standard of
 * at least 1 doctor, 1 driver and 2 aides. */
static void m_ems_unit_crew_share(const pregion *R, const prule *r, const parea *a, const pfac *f,
                                  const pagg *g, presult *o)
{
    int64_t units = 0, ok = 0;
    if (policy_ems_units(R, a, &units, &ok) != 0) {
        unknown2(o, "no ambulance units recorded for %s%s (hss ems units import)", "%s未登记救护车单元%s", a->name, NULL);
        return;
    }
    ratio(o, (double)ok, (double)units, 1, "ambulance units|救护车单元数", a, f);
}

/* A known count: observed = num = n, so the gap is said in the same units. */
static void counted(presult *o, double n)
{
    o->known = 1;
    o->observed = n;
    o->num = o->observed;
    o->den = o->scale = 1;
    o->has_need = 1;
}

/* AEDs in service in the area (hss aed import); with `since`, those installed on or after that
 * day: "新增 AED" counts from the plan's issue. An AED with no installed day could be new or
 * old, so the count is then unknown rather than a guess. */
static void m_aed_count(const pregion *R, const prule *r, const parea *a, const pfac *f,
                        const pagg *g, presult *o)
{
    int64_t n[3];
    const char *since = prule_str(r, "since");
    if (policy_ems_aeds(R, a, since, n) != 0) {
        unknown2(o, "no AEDs recorded for %s%s (hss aed import)", "%s未登记AED%s", a->name, NULL);
        return;
    }
    if (since && n[2] > 0) {
        unknown2(o, "%s: AEDs without an installed day%s", "%s有AED未登记安装日期%s", a->name, NULL);
        return;
    }
    counted(o, (double)(since ? n[1] : n[0]));
}

/* Presence and counts: facilities of a type in the area's subtree (agg already holds only the
 * facilities the rule's scope selects). */
static void count_type(const parea *a, const pagg *g, presult *o, const char *type)
{
    counted(o, g->types[hss_model_find(HSS_VOCAB_FACILITY_TYPE, type)]);
}

static void m_thc_presence(const pregion *R, const prule *r, const parea *a, const pfac *f,
                           const pagg *g, presult *o)
{
    count_type(a, g, o, "township_health_center");
}

static void m_chc_presence(const pregion *R, const prule *r, const parea *a, const pfac *f,
                           const pagg *g, presult *o)
{
    count_type(a, g, o, "community_health_center");
}

static void m_gh_presence(const pregion *R, const prule *r, const parea *a, const pfac *f,
                          const pagg *g, presult *o)
{
    count_type(a, g, o, "general_hospital");
}

static void m_tcm_presence(const pregion *R, const prule *r, const parea *a, const pfac *f,
                           const pagg *g, presult *o)
{
    count_type(a, g, o, "tcm_hospital");
}

/* A village of more than `population_over` residents (default 1,000; 0 = every village, whatever
 * its population) that is not the seat of a township health centre needs a village clinic (or
 * community health station). */
static void m_village_clinic_presence(const pregion *R, const prule *r, const parea *a,
                                      const pfac *f, const pagg *g, presult *o)
{
    double over = prule_num(r, "population_over", 1000);
    if (over > 0 && !a->pop_known) {
        unknown2(o, "population of village %s (%s) is not recorded", "行政村%s（%s）未登记常住人口",
                 a->name, a->code);
        return;
    }
    if ((over > 0 && (double)a->population <= over) ||
        g->types[hss_model_find(HSS_VOCAB_FACILITY_TYPE, "township_health_center")] > 0) {
        o->skip = 1;
        return;
    }
    counted(o, g->types[hss_model_find(HSS_VOCAB_FACILITY_TYPE, "village_clinic")] +
               g->types[hss_model_find(HSS_VOCAB_FACILITY_TYPE, "community_health_station")]);
}

static void m_facility_count(const pregion *R, const prule *r, const parea *a, const pfac *f,
                             const pagg *g, presult *o)
{
    counted(o, g->facilities);
}

static void m_sub_centre_count(const pregion *R, const prule *r, const parea *a, const pfac *f,
                               const pagg *g, presult *o)
{
    counted(o, g->sub_centres);
}

/* Share of the selected facilities run by government (or collective, per `ownership`). */
static void m_public_share(const pregion *R, const prule *r, const parea *a, const pfac *f,
                           const pagg *g, presult *o)
{
    const char *own = prule_str(r, "ownership");
    double num = g->owned[0];
    if (!own || strcmp(own, "government_or_collective") == 0)
        num += g->owned[1];
    ratio(o, num, g->facilities, 1, "the number of facilities in scope|范围内机构数", a, f);
}

static void m_service_present(const pregion *R, const prule *r, const parea *a, const pfac *f,
                              const pagg *g, presult *o);
static void m_service_share(const pregion *R, const prule *r, const parea *a, const pfac *f,
                            const pagg *g, presult *o);

int policy_service_filters(const prule *r)
{
    return prule_str(r, "service") && r->measure && r->measure->fn != m_service_present &&
           r->measure->fn != m_service_share;
}

int policy_has_service(const char *list, const char *svc)
{
    size_t n = strlen(svc);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, svc, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static void m_service_present(const pregion *R, const prule *r, const parea *a, const pfac *f,
                              const pagg *g, presult *o)
{
    const char *svc = prule_str(r, "service");
    counted(o, f && svc ? policy_has_service(f->services, svc) : 0);
}

/* Share of the facilities in scope that offer the `service` (marked by the evaluator). */
static void m_service_share(const pregion *R, const prule *r, const parea *a, const pfac *f,
                            const pagg *g, presult *o)
{
    ratio(o, g->marked, g->facilities, 1, "the number of facilities in scope|范围内机构数", a, f);
}

/* Share of the facilities in scope at or above the `grade_at_least` grade (marked by the
 * evaluator), e.g. county MCH institutions at 2A or above. */
static void m_grade_share(const pregion *R, const prule *r, const parea *a, const pfac *f,
                          const pagg *g, presult *o)
{
    ratio(o, g->marked, g->facilities, 1, "the number of facilities in scope|范围内机构数", a, f);
}

/* Share of village-level staff holding a licensed or assistant physician qualification:
 * physicians / (physicians + village doctors) in the facilities in scope (乡村医生中具备执业
 * (助理)医师资格的人员比例). */
static void m_village_doctor_qualified(const pregion *R, const prule *r, const parea *a,
                                       const pfac *f, const pagg *g, presult *o)
{
    int vd = staff_idx("village_doctor");
    double ph = physicians(g), all = ph + (vd < 0 ? 0 : g->staff[vd]);
    if (!g->staff_known) {
        unknown2(o, "no staff rows are stored for the facilities of %s%s", "%s的机构未录入人员数据%s",
                 subject_name(a, f), NULL);
        return;
    }
    ratio(o, ph, all, 1, "village doctors and physicians|乡村医生和执业(助理)医师数", a, f);
}

/* ---- declared, not computed in this version ---------------------------------------------- */

static void m_needs_travel(const pregion *R, const prule *r, const parea *a, const pfac *f,
                           const pagg *g, presult *o)
{
    unknown2(o, "needs road travel times: not computed in this version%s%s",
             "需要道路通行时间数据：本版本尚未计算%s%s", NULL, NULL);
}

static void m_needs_activity(const pregion *R, const prule *r, const parea *a, const pfac *f,
                             const pagg *g, presult *o)
{
    unknown2(o, "needs monthly activity data%s%s", "需要月度业务数据%s%s", NULL, NULL);
}

static void m_needs_other(const pregion *R, const prule *r, const parea *a, const pfac *f,
                          const pagg *g, presult *o)
{
    unknown2(o, "needs %s: not stored in this version%s", "需要%s：本版本尚未存储%s",
             r->measure->requires, NULL);
    snprintf(o->reason_zh, sizeof o->reason_zh, "需要%s：本版本尚未存储",
             r->measure->requires_zh ? r->measure->requires_zh : r->measure->requires);
}

/* ---- computed by other modules: road travel times (access) and indicators (metrics) ------ */

/* The facility types that make up a medical service circle (医疗服务圈): basic-level care and
 * the hospitals a resident can walk into. */
static const char CIRCLE_TYPES[] = "township_health_center,community_health_center,"
                                   "community_health_station,village_clinic,clinic,"
                                   "general_hospital,tcm_hospital";

/* Whether a road network is stored, asked once per evaluation: without one every travel-time
 * finding is unknown for the same reason, and asking the access module per area would cost
 * an attempt to load the network each time. */
static int roads_stored(const pregion *R)
{
    if (R->links->roads == 0) {
        hss_stmt *s = hss_store_prepare(R->st, "SELECT 1 FROM road_edge LIMIT 1", NULL);
        R->links->roads = s && hss_store_step(s) == HSS_ROW ? 1 : -1;
        hss_store_finalize(s);
    }
    return R->links->roads > 0;
}

/* Turns a failed call into an unknown finding that says why; HSS_ENOTFOUND from access means
 * no road network is stored. */
static void linked_unknown(presult *o, hss_code rc, const hss_error *err, int travel);

/* 1 when a road network is stored; else the finding is unknown and says so. */
static int travel_ready(const pregion *R, presult *o)
{
    if (roads_stored(R))
        return 1;
    linked_unknown(o, HSS_ENOTFOUND, NULL, 1);
    return 0;
}

void policy_links_free(policy_links *l)
{
    hss_metrics_session_close(l->metrics);
    hss_access_points_free(l->circle.pts);
    hss_access_points_free(l->ems.pts);
    hss_table_free(l->subcentres.table);
    policy_ems_sums_free(l->ems_sums);
}

/* The per-point costs of a facility type set, computed on first use in this evaluation. */
static const hss_access_points *points_of(const pregion *R, struct plinked *c, const char *types,
                                          int metres, presult *o)
{
    if (!c->tried) {
        c->tried = 1;
        hss_error_clear(&c->err);
        c->rc = hss_access_point_costs(R->st, types, metres, &c->pts, &c->err);
    }
    if (c->rc) {
        linked_unknown(o, c->rc, &c->err, 1);
        return NULL;
    }
    return c->pts;
}

/* 1 when population point code `code` lies under area a (the prefix its level defines, as
 * the access module selects points under an area). */
static int point_in(const parea *a, const char *code)
{
    int plen = hss_level_prefix_len(a->level);
    size_t n = strlen(a->code);
    if (plen <= 0 || (size_t)plen > n || plen > 20)
        plen = (int)n;
    return strncmp(code, a->code, (size_t)plen) == 0;
}

/* EMS figures of an area from the per-point costs: residents by kind, unreached residents and
 * mean response (dispatch + turnout + travel), as hss_access_ems_response computes them. */
typedef struct {
    double urban_mean, rural_mean, all_mean;
    int64_t urban_residents, rural_residents, unreached_urban, unreached_rural;
} ems_fig;

static const hss_access_points *ems_points(const pregion *R, presult *o)
{
    if (!travel_ready(R, o))
        return NULL;
    const hss_access_points *p = points_of(R, &R->links->ems, "ems_station,ems_center", 1, o);
    if (p && p->nsources == 0) {
        unknown2(o, "%s%s", "%s%s", "no ems_station or ems_center on the road network (none "
                 "stored, or all too far from a road)", NULL);
        return NULL;
    }
    return p;
}

static int ems_of(const pregion *R, const parea *a, ems_fig *e, presult *o)
{
    const hss_access_points *p = ems_points(R, o);
    if (!p)
        return -1;
    memset(e, 0, sizeof *e);
    double su = 0, sr = 0;
    int64_t wu = 0, wr = 0;
    const double fixed = HSS_EMS_DISPATCH_MIN + HSS_EMS_TURNOUT_MIN;
    for (size_t i = 0; i < p->n; i++) {
        if (!point_in(a, p->code[i]))
            continue;
        int64_t w = p->pop[i];
        *(p->rural[i] ? &e->rural_residents : &e->urban_residents) += w;
        if (!(p->minutes[i] < INFINITY)) {
            *(p->rural[i] ? &e->unreached_rural : &e->unreached_urban) += w;
            continue;
        }
        double v = fixed + p->minutes[i];
        if (p->rural[i])
            sr += v * (double)w, wr += w;
        else
            su += v * (double)w, wu += w;
    }
    e->urban_mean = wu > 0 ? su / (double)wu : NAN;
    e->rural_mean = wr > 0 ? sr / (double)wr : NAN;
    e->all_mean = wu + wr > 0 ? (su + sr) / (double)(wu + wr) : NAN;
    return 0;
}

static void linked_unknown(presult *o, hss_code rc, const hss_error *err, int travel)
{
    if (travel && rc == HSS_ENOTFOUND)
        unknown2(o, "needs road travel times: no road network is stored (hss roads import or generate)%s%s",
                 "需要道路通行时间：尚未导入路网（hss roads import 或 generate）%s%s", NULL, NULL);
    else
        unknown2(o, "%.200s%s", "%.200s%s", err->msg, NULL);
}

static void m_service_circle(const pregion *R, const prule *r, const parea *a, const pfac *f,
                             const pagg *g, presult *o)
{
    if (!travel_ready(R, o))
        return;
    const hss_access_points *p = points_of(R, &R->links->circle, CIRCLE_TYPES, 0, o);
    if (!p)
        return;
    double minutes = prule_num(r, "minutes", 15);
    int64_t residents = 0, covered = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!point_in(a, p->code[i]))
            continue;
        residents += p->pop[i];
        if (p->minutes[i] <= minutes)
            covered += p->pop[i];
    }
    ratio(o, (double)covered, (double)residents, 1, "residents|常住人口", a, f);
}

/* Residents of the area within the EMS radius by road: `kind` (0 urban, 1 rural, -1 all)
 * within km, the other kind's residents counted when reached at all, less `other_reached`. */
static int64_t radius_covered(const hss_access_points *p, const parea *a, int kind, double km,
                              int64_t other_reached)
{
    const double unbounded = 1e9; /* metres: the other kind does not limit the radius */
    int64_t covered = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!point_in(a, p->code[i]))
            continue;
        double lim = (kind == 1 && !p->rural[i]) || (kind == 0 && p->rural[i]) ? unbounded
                                                                                : km * 1000.0;
        if (p->metres[i] <= lim)
            covered += p->pop[i];
    }
    return covered - other_reached;
}

/* The observed EMS service radius is the road distance within which 95 % of the area's
 * residents (its urban or rural residents when the rule's scope names a kind) reach their
 * nearest EMS station or centre, found by bisection on the share within a radius (monotone in
 * the radius) to 0.05 km. The other kind's radius is left unbounded so it does not count. */
static void m_ems_radius(const pregion *R, const prule *r, const parea *a, const pfac *f,
                         const pagg *g, presult *o)
{
    ems_fig e;
    if (ems_of(R, a, &e, o))
        return;
    const hss_access_points *p = R->links->ems.pts;
    if (!p->metres) {
        unknown2(o, "%s%s", "%s%s", "road distances could not be computed", NULL);
        return;
    }
    int kind = r->kind;
    int64_t people = kind == 0 ? e.urban_residents : kind == 1 ? e.rural_residents
                                                               : e.urban_residents + e.rural_residents;
    int64_t other = kind == 0 ? e.rural_residents - e.unreached_rural
                  : kind == 1 ? e.urban_residents - e.unreached_urban : 0;
    if (people <= 0) {
        unknown2(o, "%s has no residents of the rule's kind to serve%s", "%s无该类居民%s", a->name, NULL);
        return;
    }
    double lo = 0, hi = 80;
    if ((double)radius_covered(p, a, kind, hi, other) < 0.95 * (double)people) {
        unknown2(o, "fewer than 95 %% of the residents of %s reach an EMS station within 80 km by road%s",
                 "%s不足95%%的居民在80公里道路距离内可达急救站%s", a->name, NULL);
        return;
    }
    while (hi - lo > 0.05) {
        double mid = (lo + hi) / 2;
        if ((double)radius_covered(p, a, kind, mid, other) >= 0.95 * (double)people)
            hi = mid;
        else
            lo = mid;
    }
    o->known = 1;
    o->observed = round(hi * 100) / 100;
    snprintf(o->reason, sizeof o->reason, "road distance within which 95 %% of the %sresidents reach an EMS station",
             kind == 0 ? "urban " : kind == 1 ? "rural " : "");
    snprintf(o->reason_zh, sizeof o->reason_zh, "95%%%s居民到最近急救站的道路距离",
             kind == 0 ? "城区" : kind == 1 ? "农村" : "");
}

/* Mean EMS response time (dispatch + turnout + road travel from the nearest station) of the
 * area's urban or rural residents, as the rule's scope says, else of all residents. */
static void m_ems_response(const pregion *R, const prule *r, const parea *a, const pfac *f,
                           const pagg *g, presult *o)
{
    /* measured 120 call records win over the road model wherever they exist */
    double mean;
    int64_t calls;
    if (policy_ems_mean_response(R, a, r->kind, &mean, &calls) == 0) {
        o->known = 1;
        o->observed = round(mean * 100) / 100;
        snprintf(o->reason, sizeof o->reason, "measured from %lld 120 call records (received to on scene)",
                 (long long)calls);
        snprintf(o->reason_zh, sizeof o->reason_zh, "依据%lld条120出车记录实测（受理至到达现场）", (long long)calls);
        return;
    }
    ems_fig e;
    if (ems_of(R, a, &e, o))
        return;
    int64_t people = r->kind == 0 ? e.urban_residents : r->kind == 1 ? e.rural_residents
                                                                     : e.urban_residents + e.rural_residents;
    if (people <= 0) {
        unknown2(o, "%s has no %s residents%s", "%s无%s居民", a->name,
                 r->kind == 0 ? "urban" : r->kind == 1 ? "rural" : "");
        return;
    }
    o->known = 1;
    o->observed = r->kind == 0 ? e.urban_mean : r->kind == 1 ? e.rural_mean : e.all_mean;
    o->observed = round(o->observed * 100) / 100;
    snprintf(o->reason, sizeof o->reason, "modelled (no call records): includes %.1f min dispatch and %.1f min turnout",
             HSS_EMS_DISPATCH_MIN, HSS_EMS_TURNOUT_MIN);
    snprintf(o->reason_zh, sizeof o->reason_zh, "模型估算（无出车记录）：含调度%.1f分钟、出车%.1f分钟", HSS_EMS_DISPATCH_MIN,
             HSS_EMS_TURNOUT_MIN);
}

/* Road distance of a county sub-centre from the county medical centre (the medical
 * community's lead hospital); for an area, the nearest of its sub-centres. The distances of
 * every sub-centre are computed once per evaluation; an area takes the rows of its county
 * (as hss_access_subcentre_distances selects them: the first six digits). */
static void m_sub_centre_distance(const pregion *R, const prule *r, const parea *a, const pfac *f,
                                  const pagg *g, presult *o)
{
    if (!travel_ready(R, o))
        return;
    struct plinked *c = &R->links->subcentres;
    if (!c->tried) {
        c->tried = 1;
        hss_error_clear(&c->err);
        c->rc = hss_access_subcentre_distances(R->st, NULL, &c->table, &c->err);
    }
    if (c->rc) {
        linked_unknown(o, c->rc, &c->err, 1);
        return;
    }
    const hss_table *t = c->table;
    const char *area = f ? R->areas[f->area].code : a->code;
    size_t plen = strlen(area);
    double best = INFINITY;
    for (size_t i = 0; i < hss_table_rows(t); i++) {
        if (f && strcmp(hss_table_cell(t, i, 0), f->code) != 0)
            continue;
        if (strncmp(hss_table_cell(t, i, 2), area, plen < 6 ? plen : 6) != 0)
            continue;
        double km;
        if (!hss_table_is_null(t, i, 5) && hss_parse_double(hss_table_cell(t, i, 5), &km) == 0 && km < best)
            best = km;
    }
    if (!isfinite(best)) {
        unknown2(o, "no road distance from %s to its county medical centre%s",
                 "%s到县域医疗中心的道路距离无法计算%s", f ? f->name : a->name, NULL);
        return;
    }
    o->known = 1;
    o->observed = round(best * 100) / 100;
}

/* Share of the area's villages that are served (rounds module): by a clinic within `minutes`
 * (default 20), a stationed doctor, or rounds visiting `visits_per_week` times (default 1);
 * 巡诊或派驻 rules count only rounds and stationed doctors. Unknown when none is recorded. */
static void village_cover(const pregion *R, const prule *r, const parea *a, presult *o, int clinics)
{
    hss_rounds_cover_opts c;
    hss_rounds_cover_defaults(&c);
    c.minutes = prule_num(r, "minutes", 20);
    c.rule.base = (int)prule_num(r, "visits_per_week", 1);
    c.clinics_count = clinics;
    int64_t villages = 0, served = 0;
    hss_error err;
    hss_error_clear(&err);
    if (!travel_ready(R, o))
        return;
    if (!hss_rounds_recorded(R->st)) {
        unknown2(o, "no mobile-clinic rounds or stationed doctors are recorded (hss rounds import)%s%s",
                 "尚未登记巡回诊疗或派驻服务（hss rounds import）%s%s", NULL, NULL);
        return;
    }
    hss_code rc = hss_rounds_coverage_count(R->st, a->code, &c, &villages, &served, &err);
    if (rc)
        linked_unknown(o, rc, &err, 1);
    else
        ratio(o, (double)served, (double)villages, 1, "villages|行政村数", a, NULL);
}

static void m_village_service(const pregion *R, const prule *r, const parea *a, const pfac *f,
                              const pagg *g, presult *o)
{
    village_cover(R, r, a, o, 1);
}

static void m_village_visit(const pregion *R, const prule *r, const parea *a, const pfac *f,
                            const pagg *g, presult *o)
{
    village_cover(R, r, a, o, 0);
}

/* Indicators come from the metrics module's maintained aggregates, for the evaluation year.
 * Policy targets are shares (0.9), the metrics values percentages: use numerator/denominator. */
static int indicator_share(const pregion *R, const char *indicator, const parea *a, int year,
                           double *num, double *den, presult *o)
{
    char period[8];
    snprintf(period, sizeof period, "%d", year);
    double value;
    hss_error err;
    hss_error_clear(&err);
    policy_links *L = R->links;
    if (!L->metrics_tried) {
        L->metrics_tried = 1;
        L->metrics = policy_metrics_open(R, &err);
        if (!L->metrics)
            snprintf(L->metrics_error, sizeof L->metrics_error, "%.250s", err.msg);
    }
    if (!L->metrics) {
        unknown2(o, "monthly indicators unavailable: %.200s%s", "月度指标不可用：%.200s%s", L->metrics_error, NULL);
        return -1;
    }
    hss_code rc = hss_metrics_session_value(L->metrics, indicator, a->code, period, &value, num, den, &err);
    if (rc == HSS_ENOTFOUND) {
        char y[8];
        snprintf(y, sizeof y, "%d", year);
        unknown2(o, "needs monthly activity data: none stored for %s in %s",
                 "需要月度业务数据：%s在%s年无数据", a->name, y);
        return -1;
    }
    if (rc) {
        unknown2(o, "%.200s%s", "%.200s%s", err.msg, NULL);
        return -1;
    }
    return 0;
}

static void m_indicator(const pregion *R, const prule *r, const parea *a, const pfac *f,
                        const pagg *g, presult *o)
{
    double num, den;
    if (indicator_share(R, r->measure->name, a, R->year, &num, &den, o) == 0)
        ratio(o, num, den, 1, "the indicator's denominator|指标分母", a, f);
}

/* The rise of the basic-level visit share over the year before (Yiwu: "+2 percentage points"). */
static void m_basic_share_increase(const pregion *R, const prule *r, const parea *a, const pfac *f,
                                   const pagg *g, presult *o)
{
    double n1, d1, n0, d0;
    if (indicator_share(R, "basic_level_visit_share", a, R->year, &n1, &d1, o) ||
        indicator_share(R, "basic_level_visit_share", a, R->year - 1, &n0, &d0, o))
        return;
    if (d1 <= 0 || d0 <= 0) {
        unknown2(o, "no outpatient visits recorded for %s%s", "%s无门急诊人次记录%s", a->name, NULL);
        return;
    }
    o->known = 1;
    o->observed = round((n1 / d1 - n0 / d0) * 10000) / 10000;
}

#define TRAVEL "road travel times"
#define ACTIVITY "monthly activity data"
#define TRAVEL_ZH "道路通行时间数据"
#define ACTIVITY_ZH "月度业务数据"
#define A SUBJ_AREA
#define F SUBJ_FACILITY

/* The catalogue. subjects: a rule evaluates per area unless its scope says `each: facility`
 * (facility-only measures always per facility). params: besides these, every area measure accepts population_over,
 * population_at_least, population_below, and every measure accepts service (facility filter). */
static const measure_def CATALOGUE[] = {
    /* resources per resident */
    {"ambulance_count", A, 1, "救护车数量", "ambulances", "per base_multiplier", NULL, m_ambulance_count, NULL},
    {"negative_pressure_ambulance_share", A | F, 0, "负压救护车占比", "share of negative-pressure ambulances", "", NULL, m_np_share, NULL},
    {"psychiatrists_per_100k", A, 0, "每10万人口精神科医师数", "psychiatrists per 100,000 residents", "", NULL, m_psychiatrists_per_100k, NULL},
    {"gps_per_10k", A, 0, "每万人口全科医生数", "general practitioners per 10,000 residents", "", NULL, m_gps_per_10k, NULL},
    {"staff_per_10k", A, 0, "每万人口卫生人员数", "staff per 10,000 residents", "category", NULL, m_staff_per_10k, NULL},
    {"beds_per_1000", A, 0, "每千人口床位数", "open beds per 1,000 residents", "", NULL, m_beds_per_1000, NULL},
    {"rehabilitation_beds_per_1000", A, 0, "每千人口康复床位数", "rehabilitation beds per 1,000 residents", "", NULL, m_rehab_beds_per_1000, NULL},
    {"nursing_bed_share", F | A, 0, "护理床位占比", "nursing beds / open beds", "", NULL, m_nursing_bed_share, NULL},
    {"infectious_beds_per_10k", A, 0, "每万人口传染病床位数", "infectious-disease beds per 10,000 residents", "", NULL, m_infectious_beds_per_10k, NULL},
    /* staffing of beds and facilities */
    {"nurses_per_open_bed", F | A, 0, "每床护士数", "nurses per open bed", "", NULL, m_nurses_per_open_bed, NULL},
    {"health_technicians_per_open_bed", F | A, 0, "每床卫生技术人员数", "health technicians per open bed", "", NULL, m_ht_per_open_bed, NULL},
    {"physicians_per_open_bed", F | A, 0, "床医比", "physicians per open bed", "", NULL, m_physicians_per_open_bed, NULL},
    {"nurses_per_physician", F | A, 0, "医护比", "nurses per physician", "", NULL, m_nurses_per_physician, NULL},
    {"open_to_approved_beds", F | A, 0, "开放床位与编制床位之比", "open beds / approved beds", "", NULL, m_open_to_approved, NULL},
    {"health_technician_share", F | A, 0, "卫生技术人员占比", "health technicians / all staff", "", NULL, m_ht_share, NULL},
    {"staff_count", F | A, 0, "人员数", "staff count", "category", NULL, m_staff_count, NULL},
    {"public_health_physician_count", F | A, 0, "公共卫生医师数", "public-health physicians", "", NULL, m_ph_physician_count, NULL},
    {"ems_crew_per_ambulance", A | F, 0, "每车急救人员数", "EMS crew per ambulance", "category", NULL, m_ems_crew, NULL},
    {"ems_unit_crew_share", A, 0, "急救人员配置达标车辆占比", "share of ambulance units with the standard crew", "", NULL, m_ems_unit_crew_share, NULL},
    /* who must exist where */
    {"township_health_center_presence", A, 0, "乡镇卫生院设置", "township health centre present", "", NULL, m_thc_presence, NULL},
    {"community_health_center_presence", A, 0, "社区卫生服务中心设置", "community health centre present", "", NULL, m_chc_presence, NULL},
    {"village_clinic_presence", A, 0, "村卫生室设置", "village clinic present", "", NULL, m_village_clinic_presence, NULL},
    {"general_hospital_presence", A, 0, "综合医院设置", "general hospital present", "", NULL, m_gh_presence, NULL},
    {"tcm_hospital_presence", A, 0, "中医医院设置", "TCM hospital present", "", NULL, m_tcm_presence, NULL},
    {"facility_count", A, 0, "机构数", "facilities (of the scope's types)", "", NULL, m_facility_count, NULL},
    {"sub_centre_count", A, 0, "县域医疗次中心数", "county sub-centres", "", NULL, m_sub_centre_count, NULL},
    {"public_ownership_share", A, 0, "政府(集体)办占比", "share run by government (or collective)", "ownership", NULL, m_public_share, NULL},
    {"service_share", A, 0, "开展某项服务的机构占比", "share of facilities offering a service", "", NULL, m_service_share, NULL},
    {"service_present", F, 0, "服务设置", "service offered", "", NULL, m_service_present, NULL},
    {"grade_share", A, 0, "达到某等级的机构占比", "share of facilities at or above a grade", "grade_at_least", NULL, m_grade_share, NULL},
    {"village_doctor_qualified_share", A, 0, "乡村医生中执业(助理)医师占比", "share of village-level doctors with a physician licence", "", NULL, m_village_doctor_qualified, NULL},
    /* need road travel times */
    {"service_circle_share", A, 0, "服务圈覆盖人口占比", "residents within the service circle", "minutes", NULL, m_service_circle, NULL},
    {"ems_service_radius_km", A, 0, "急救服务半径", "EMS service radius (km)", "", NULL, m_ems_radius, NULL},
    {"ems_response_time_min", A, 0, "平均急救反应时间", "mean EMS response time (min)", "", NULL, m_ems_response, NULL},
    {"sub_centre_distance_km", A | F, 0, "次中心距县域医疗中心距离", "distance of a sub-centre from the county medical centre (km)", "", NULL, m_sub_centre_distance, NULL},
    {"village_service_share", A, 0, "行政村卫生服务覆盖率", "villages served (clinic in the circle, stationed doctor or rounds)", "minutes visits_per_week", NULL, m_village_service, NULL},
    {"village_visit_share", A, 0, "村级巡诊或派驻服务覆盖率", "villages served by rounds or a stationed doctor", "visits_per_week", NULL, m_village_visit, NULL},
    {"emergency_response_hours", A, 0, "卫生应急响应时间", "public-health emergency response time (h)", "", TRAVEL, m_needs_travel, TRAVEL_ZH},
    /* need monthly activity data */
    {"in_county_treatment_rate", A, 0, "县域内就诊率", "in-county treatment rate", "", NULL, m_indicator, NULL},
    {"basic_level_visit_share", A, 0, "基层门急诊人次占比", "basic-level share of outpatient visits", "", NULL, m_indicator, NULL},
    {"basic_level_visit_share_increase", A, 0, "基层诊疗人次占比提升", "rise in basic-level visit share", "", NULL, m_basic_share_increase, NULL},
    {"contracting_rate", A, 0, "家庭医生签约率", "family-doctor contracting rate", "", NULL, m_indicator, NULL},
    {"key_group_contracting_rate", A, 0, "重点人群签约率", "key-group contracting rate", "", NULL, m_indicator, NULL},
    {"health_literacy_rate", A, 0, "居民健康素养水平", "health literacy rate", "", NULL, m_indicator, NULL},
    {"average_length_of_stay", F | A, 0, "平均住院日", "average length of stay (days)", "", ACTIVITY, m_needs_activity, ACTIVITY_ZH},
    {"blood_vans_per_supply", A, 0, "每3吨供血量送血车数", "blood vans per 3 t of blood supplied", "", ACTIVITY, m_needs_activity, ACTIVITY_ZH},
    /* need records HSS does not store yet */
    {"public_health_staff_per_10k", A, 0, "每万人口公共卫生人员数", "public-health staff per 10,000 residents", "", "public-health staff counts (all professional public-health institutions)", m_needs_other, "全部专业公共卫生机构的公共卫生人员数"},
    {"capability_standard_share", A, 0, "服务能力达标占比", "share meeting the service-capability standard", "", "service-capability assessment results", m_needs_other, "服务能力评价结果"},
    {"tcm_technique_share", A, 0, "中医药适宜技术开展占比", "share offering the required TCM techniques", "", "TCM technique records per facility", m_needs_other, "各机构中医药适宜技术开展记录"},
    {"aed_count", A, 0, "AED配置数量", "AEDs in service (installed since a day)", "since", NULL, m_aed_count, NULL},
    {"emr_level", F | A, 0, "电子病历应用水平", "EMR application level", "", "EMR assessment levels", m_needs_other, "电子病历应用水平评级"},
    {"result_recognition_share", A, 0, "检查检验结果互认占比", "share recognising other institutions' results", "", "result-recognition records", m_needs_other, "检查检验结果互认记录"},
};

const measure_def *policy_measures(size_t *n)
{
    *n = sizeof CATALOGUE / sizeof *CATALOGUE;
    return CATALOGUE;
}

const measure_def *policy_measure_find(const char *name)
{
    for (size_t i = 0; i < sizeof CATALOGUE / sizeof *CATALOGUE; i++)
        if (strcmp(CATALOGUE[i].name, name) == 0)
            return &CATALOGUE[i];
    return NULL;
}

hss_table *hss_policy_measures(void)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "measure", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "subject", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "computed", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "zh", "名称", HSS_COL_TEXT);
    hss_table_add_col(t, "en", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "params", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "requires", NULL, HSS_COL_TEXT);
    for (size_t i = 0; i < sizeof CATALOGUE / sizeof *CATALOGUE; i++) {
        const measure_def *m = &CATALOGUE[i];
        hss_table_add_row(t);
        hss_table_set_text(t, 0, m->name);
        hss_table_set_text(t, 1, m->subjects == (A | F) ? "either" : m->subjects == A ? "area" : "facility");
        hss_table_set_text(t, 2, m->requires ? "unknown" : "yes");
        hss_table_set_text(t, 3, m->zh);
        hss_table_set_text(t, 4, m->en);
        hss_table_set_text(t, 5, m->params);
        if (m->requires)
            hss_table_set_text(t, 6, m->requires);
    }
    return t;
}
