/*
 * facilities.c: generates the demo region's institutions following the seed documents'
 * institution rules (001_… Lishui regional health plan: each county runs one general and one
 * TCM hospital, an MCH institution, a CDC and an emergency centre; every township has one
 * government-run township health centre or, in streets, a community health centre; village
 * clinics serve the villages; ambulances 1 per 30,000 on a 300 % county population base, at
 * least 40 % negative-pressure), with deliberate, seeded shortfalls so that an evaluation has
 * real gaps to find: some counties are short of ambulances or nurses, some townships lack a
 * centre, some large villages lack a clinic. Bed kinds (rehabilitation, nursing) and the
 * government level that runs each public institution are filled last, from their own random
 * stream, so that adding them changed nothing else the seed generates. All of it is generated data.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo/build.h"
#include "model/model.h"

int demo_staff_index(const char *category)
{
    return hss_model_find(HSS_VOCAB_STAFF, category);
}

int demo_vehicle_index(const char *kind)
{
    return hss_model_find(HSS_VOCAB_VEHICLE, kind);
}

demo_facility *demo_add_facility(demo_region *r)
{
    if (r->nfacilities == r->cap_facilities) {
        r->cap_facilities = r->cap_facilities ? 2 * r->cap_facilities : 256;
        r->facilities = hss_xrealloc(r->facilities, r->cap_facilities * sizeof *r->facilities);
    }
    demo_facility *f = &r->facilities[r->nfacilities++];
    memset(f, 0, sizeof *f);
    f->beds_approved = f->beds_open = f->beds_infectious = f->beds_rehab = f->beds_nursing = -1;
    f->grade = "none";
    f->ownership = "government";
    return f;
}

/* Per-county resourcing profile: how well this county is staffed and equipped. Drawn once per
 * county so that shortfalls cluster the way they do in real counties. */
typedef struct {
    double ambulances;   /* share of the required ambulances actually held */
    double np_share;     /* negative-pressure share of ambulances */
    double nurses;       /* nurse staffing relative to the grade norm */
    double clinics;      /* probability a village over 1,000 residents has a clinic */
    double missing_thc;  /* probability a township lacks its health centre */
    int has_psychiatry;  /* county hospital runs a psychiatric department with psychiatrists */
    double ems_stations; /* probability a township has an EMS station */
} county_profile;

static double uniform(demo_region *r, double lo, double hi)
{
    return lo + (hi - lo) * hss_rng_uniform(&r->rng);
}

static long long around(demo_region *r, double mean, double spread)
{
    double v = mean * (1 + spread * (2 * hss_rng_uniform(&r->rng) - 1));
    return v < 0 ? 0 : llround(v);
}

static void set_staff(demo_facility *f, const char *cat, long long n)
{
    int i = demo_staff_index(cat);
    if (i >= 0 && i < DEMO_STAFF_N)
        f->staff[i] = n;
}

static void set_vehicle(demo_facility *f, const char *kind, long long n)
{
    int i = demo_vehicle_index(kind);
    if (i >= 0 && i < DEMO_VEHICLE_N)
        f->vehicles[i] = n;
}

/* A facility stands near its area's point and, like every location HSS stores, inside the
 * area's boundary: jitter is redrawn until it lands inside the county polygon. */
static void place(demo_region *r, demo_facility *f, const demo_area *a, double jitter_km)
{
    snprintf(f->area_code, sizeof f->area_code, "%s", a->code);
    char county[7];
    snprintf(county, sizeof county, "%.6s", a->code);
    int own;
    const geo_shape *shape = strlen(a->code) >= 6 ? demo_county_shape(r, county, &own) : NULL;
    for (int tries = 0; tries < 20; tries++) {
        f->lon = geo_round(a->lon + hss_rng_normal(&r->rng) * jitter_km / (111.32 * cos(a->lat * M_PI / 180)));
        f->lat = geo_round(a->lat + hss_rng_normal(&r->rng) * jitter_km / 110.57);
        if (!shape || geo_contains(shape, f->lon, f->lat))
            return;
    }
    f->lon = a->lon;
    f->lat = a->lat;
}

static void name_facility(demo_facility *f, const char *area_name, const char *suffix)
{
    size_t n = strlen(area_name) + strlen(suffix) + 1;
    f->name = hss_xmalloc(n);
    snprintf(f->name, n, "%s%s", area_name, suffix);
}

static void code_facility(demo_facility *f, const char *area_code, const char *tag, int seq)
{
    snprintf(f->code, sizeof f->code, "%s-%s%02d", area_code, tag, seq);
}

/* Hospital staff from beds: health technicians ≈ 1.3 per open bed, of which physicians about a
 * third and nurses by the grade norm scaled by the county's nurse profile. */
static void staff_hospital(demo_region *r, demo_facility *f, double nurse_norm, double nurse_profile)
{
    double beds = (double)(f->beds_open > 0 ? f->beds_open : 0);
    long long phys = around(r, beds * 0.40, 0.1);
    long long nurses = llround(beds * nurse_norm * nurse_profile * uniform(r, 0.97, 1.08));
    set_staff(f, "licensed_physician", phys);
    set_staff(f, "assistant_physician", around(r, beds * 0.03, 0.3));
    set_staff(f, "registered_nurse", nurses);
    set_staff(f, "pharmacist", around(r, beds * 0.06, 0.2));
    set_staff(f, "technician", around(r, beds * 0.09, 0.2));
    set_staff(f, "other_health_technician", around(r, beds * 0.05, 0.3));
    set_staff(f, "general_practitioner", around(r, phys * 0.05, 0.5));
    set_staff(f, "management", around(r, beds * 0.08, 0.2));
}

static void hospital(demo_region *r, const char *owner, const demo_area *a, const char *type, const char *grade,
                     const char *suffix, const char *tag, double beds, const char *services,
                     double nurse_profile)
{
    demo_facility *f = demo_add_facility(r);
    code_facility(f, owner, tag, 1);
    name_facility(f, a->name, suffix);
    f->type = type;
    f->grade = grade;
    place(r, f, a, 1.0);
    f->beds_approved = llround(beds);
    /* Most hospitals open a few more beds than approved; a few exceed the 115 % cap. */
    double open_ratio = hss_rng_uniform(&r->rng) < 0.12 ? uniform(r, 1.16, 1.3) : uniform(r, 0.9, 1.12);
    f->beds_open = llround(beds * open_ratio);
    double norm = grade[0] == '3' ? 0.7 : grade[0] == '2' ? 0.65 : 0.6;
    staff_hospital(r, f, norm, nurse_profile);
    snprintf(f->services, sizeof f->services, "%s", services);
}

static const demo_area *first_street_or_township(demo_region *r, const demo_area *county)
{
    return county->nchildren ? &r->areas[county->first_child] : county;
}

/* City-level institutions: municipal general, TCM, MCH, psychiatric and infectious-disease
 * hospitals, the city CDC, the city emergency centre and the central blood station. */
static void city_institutions(demo_region *r, const demo_area *city, const demo_area *seat_county)
{
    const demo_area *seat = first_street_or_township(r, seat_county);
    double pop = city->population > 0 ? (double)city->population : 1e6;
    demo_area at = *seat;
    at.name = city->name;
    hospital(r, city->code, &at, "general_hospital", "3A", "中心医院", "GH", pop * 0.0009,
             "emergency_department;chest_pain_center;stroke_center;trauma_center;fever_clinic;dialysis;rehabilitation", 1.0);
    hospital(r, city->code, &at, "tcm_hospital", "3A", "中医院", "TC", pop * 0.00035, "tcm_hall;fever_clinic;rehabilitation", 1.0);
    hospital(r, city->code, &at, "mch_hospital", "3A", "妇幼保健院", "MC", pop * 0.0002, "", 1.0);
    hospital(r, city->code, &at, "psychiatric_hospital", "3B", "第二人民医院", "PH", pop * 0.00025, "mental_health_clinic", 1.0);
    set_staff(&r->facilities[r->nfacilities - 1], "psychiatrist", llround(pop / 100000 * 2.4));
    hospital(r, city->code, &at, "infectious_disease_hospital", "2A", "传染病医院", "ID", pop * 0.0001, "fever_clinic", 1.0);
    r->facilities[r->nfacilities - 1].beds_infectious = r->facilities[r->nfacilities - 1].beds_open;

    demo_facility *f = demo_add_facility(r);
    code_facility(f, city->code, "CD", 1);
    name_facility(f, city->name, "疾病预防控制中心");
    f->type = "cdc";
    place(r, f, seat, 1.0);
    set_staff(f, "public_health_physician", around(r, pop / 10000 * 0.6, 0.1));
    set_staff(f, "technician", around(r, pop / 10000 * 0.3, 0.1));

    f = demo_add_facility(r);
    code_facility(f, city->code, "EC", 1);
    name_facility(f, city->name, "急救中心");
    f->type = "ems_center";
    place(r, f, seat, 1.0);
    set_vehicle(f, "ambulance", 8);
    set_vehicle(f, "negative_pressure_ambulance", 4);
    set_staff(f, "ems_doctor", 24);
    set_staff(f, "ems_driver", 24);
    set_staff(f, "ems_aide", 40);

    f = demo_add_facility(r);
    code_facility(f, city->code, "BC", 1);
    name_facility(f, city->name, "中心血站");
    f->type = "blood_center";
    place(r, f, seat, 1.0);
    set_vehicle(f, "blood_van", (long long)fmax(2, round(pop / 500000)));
    set_staff(f, "technician", around(r, 40, 0.2));
}

static void county_institutions(demo_region *r, const demo_area *county, const county_profile *p,
                                int is_city_seat)
{
    const demo_area *seat = first_street_or_township(r, county);
    demo_area at = *seat;
    at.name = county->name;
    double pop = county->population > 0 ? (double)county->population : 1e5;
    /* The county people's hospital leads the county medical community (医共体). */
    const char *grade = pop > 400000 ? "3B" : "2A";
    hospital(r, county->code, &at, "general_hospital", grade, "人民医院", "GH", pop * uniform(r, 0.0018, 0.0024),
             "emergency_department;chest_pain_center;stroke_center;fever_clinic;dialysis;rehabilitation", p->nurses);
    demo_facility *lead = &r->facilities[r->nfacilities - 1];
    snprintf(lead->medcom_code, sizeof lead->medcom_code, "MC%s", county->code);
    lead->medcom_lead = 1;
    lead->beds_infectious = llround(pop / 10000 * uniform(r, 0.8, 1.6));
    if (p->has_psychiatry) {
        set_staff(lead, "psychiatrist", (long long)fmax(1, round(pop / 100000 * uniform(r, 0.8, 1.6))));
        snprintf(lead->services + strlen(lead->services), sizeof lead->services - strlen(lead->services), ";mental_health_clinic");
    }
    /* One county in five lacks a separate TCM hospital (a gap the packs should find). */
    if (is_city_seat || hss_rng_uniform(&r->rng) > 0.2) {
        hospital(r, county->code, &at, "tcm_hospital", "2A", "中医院", "TC", pop * uniform(r, 0.0006, 0.0009), "tcm_hall;rehabilitation", p->nurses);
        snprintf(r->facilities[r->nfacilities - 1].medcom_code, sizeof lead->medcom_code, "MC%s", county->code);
    }
    hospital(r, county->code, &at, "mch_hospital", "2B", "妇幼保健院", "MC", pop * 0.00025, "", p->nurses);
    set_staff(&r->facilities[r->nfacilities - 1], "mch_staff", llround(pop / 10000 * uniform(r, 0.8, 1.4)));

    demo_facility *f = demo_add_facility(r);
    code_facility(f, county->code, "CD", 1);
    name_facility(f, county->name, "疾病预防控制中心");
    f->type = "cdc";
    place(r, f, seat, 0.8);
    set_staff(f, "public_health_physician", around(r, pop / 10000 * 0.9, 0.2));
    set_staff(f, "technician", around(r, pop / 10000 * 0.4, 0.2));

    /* Ambulances: required = ceil(3 × population / 30,000) (001_… Lishui plan); held = the
     * county's profile share of that, spread over its emergency centre, stations and hospital. */
    long long required = (long long)ceil(3.0 * pop / 30000.0);
    long long held = llround((double)required * p->ambulances);
    long long np = llround((double)held * p->np_share);
    /* EMS stations (急救站点): the 2024 rural plan (000_…) wants one per township or an 8–10 km
     * radius; each county reaches a share of that set by its profile. */
    size_t *sites = hss_xmalloc((county->nchildren + 1) * sizeof *sites);
    size_t nstations = 0;
    for (size_t t = county->first_child; t < county->first_child + county->nchildren; t++)
        if (t != county->first_child && hss_rng_uniform(&r->rng) < p->ems_stations)
            sites[nstations++] = t;
    f = demo_add_facility(r);
    code_facility(f, county->code, "EC", 1);
    name_facility(f, county->name, "急救中心");
    f->type = "ems_center";
    place(r, f, seat, 0.8);
    set_staff(f, "ems_doctor", 6);
    set_staff(f, "ems_driver", 6);
    set_staff(f, "ems_aide", 12);
    long long per = held / (long long)(nstations + 1);
    long long np_per = np / (long long)(nstations + 1);
    set_vehicle(f, "ambulance", per - np_per + (held % (long long)(nstations + 1)));
    set_vehicle(f, "negative_pressure_ambulance", np_per + np % (long long)(nstations + 1));
    for (size_t k = 0; k < nstations; k++) {
        const demo_area *tw = &r->areas[sites[k]];
        f = demo_add_facility(r);
        code_facility(f, tw->code, "ES", 1);
        name_facility(f, tw->name, "急救站");
        f->type = "ems_station";
        place(r, f, tw, 0.3);
        set_vehicle(f, "ambulance", per - np_per);
        set_vehicle(f, "negative_pressure_ambulance", np_per);
        set_staff(f, "ems_doctor", 2 * (per > 0 ? per : 1));
        set_staff(f, "ems_driver", 2 * (per > 0 ? per : 1));
        set_staff(f, "ems_aide", 4 * (per > 0 ? per : 1));
    }
    free(sites);
}

/* Township level: a township health centre in each 乡/镇 (some central, some sub-centres), a
 * community health centre in each street; beds about 1.2 per 1,000 served (002_… Nanyang). */
static void township_institutions(demo_region *r, const demo_area *county, const county_profile *p)
{
    size_t n_sub = 0;
    for (size_t t = county->first_child; t < county->first_child + county->nchildren; t++) {
        const demo_area *tw = &r->areas[t];
        int street = strstr(tw->name, "街道") != NULL;
        if (!street && hss_rng_uniform(&r->rng) < p->missing_thc)
            continue; /* a township without its centre: a gap */
        double pop = tw->population > 0 ? (double)tw->population : 5000;
        demo_facility *f = demo_add_facility(r);
        code_facility(f, tw->code, street ? "CH" : "TH", 1);
        f->type = street ? "community_health_center" : "township_health_center";
        f->grade = street ? "none" : (pop > 30000 ? "2B" : "1");
        place(r, f, tw, 0.2);
        snprintf(f->medcom_code, sizeof f->medcom_code, "MC%s", county->code);
        f->central = !street && pop > 25000;
        /* Larger central centres away from the county seat become county sub-centres. */
        if (f->central && t != county->first_child && n_sub < 2) {
            f->sub_centre = 1;
            n_sub++;
        }
        char suffix[64];
        snprintf(suffix, sizeof suffix, "%s", street ? "社区卫生服务中心" : (f->central ? "中心卫生院" : "卫生院"));
        name_facility(f, tw->name, suffix);
        double beds = street ? pop * 0.0003 : pop * uniform(r, 0.0008, 0.0013);
        f->beds_approved = llround(beds);
        f->beds_open = llround(beds * uniform(r, 0.85, 1.05));
        set_staff(f, "licensed_physician", around(r, pop / 10000 * 6, 0.3));
        set_staff(f, "assistant_physician", around(r, pop / 10000 * 1.5, 0.4));
        set_staff(f, "registered_nurse", llround(pop / 10000 * 5 * p->nurses * uniform(r, 0.8, 1.1)));
        set_staff(f, "general_practitioner", around(r, pop / 10000 * 3.6, 0.35));
        set_staff(f, "public_health_physician", (long long)fmax(0, round(pop / 10000 * uniform(r, 0.3, 1.2))));
        set_staff(f, "tcm_physician", around(r, pop / 10000 * 1.0, 0.5));
        set_staff(f, "pharmacist", around(r, pop / 10000 * 1.0, 0.3));
        set_staff(f, "technician", around(r, pop / 10000 * 1.2, 0.3));
        snprintf(f->services, sizeof f->services, "%s%s%s",
                 hss_rng_uniform(&r->rng) < 0.85 ? "tcm_hall;" : "",
                 f->central ? "fever_clinic;emergency_department;" : "",
                 hss_rng_uniform(&r->rng) < 0.5 ? "rehabilitation" : "chronic_disease_center");
        if (f->central && hss_rng_uniform(&r->rng) < 0.5)
            set_vehicle(f, "mobile_clinic", 1);
        if (f->central)
            set_vehicle(f, "ambulance", 1);
        /* A few private clinics in the larger townships and streets. */
        int clinics = (int)(pop / 15000 * hss_rng_uniform(&r->rng));
        for (int c = 0; c < clinics; c++) {
            demo_facility *cl = demo_add_facility(r);
            code_facility(cl, tw->code, "CL", c + 1);
            char sfx[64];
            snprintf(sfx, sizeof sfx, "第%d诊所", c + 1);
            name_facility(cl, tw->name, sfx);
            cl->type = "clinic";
            cl->ownership = "private";
            place(r, cl, tw, 1.0);
            set_staff(cl, "licensed_physician", 1 + (long long)hss_rng_below(&r->rng, 3));
            set_staff(cl, "registered_nurse", (long long)hss_rng_below(&r->rng, 3));
        }
    }
}

/* Village level: a clinic in most rural villages (always intended above 1,000 residents, 001_…),
 * community health stations in some urban communities. */
static void village_institutions(demo_region *r, const demo_area *county, const county_profile *p)
{
    for (size_t t = county->first_child; t < county->first_child + county->nchildren; t++) {
        const demo_area *tw = &r->areas[t];
        for (size_t v = tw->first_child; v < tw->first_child + tw->nchildren; v++) {
            const demo_area *vi = &r->areas[v];
            demo_facility *f;
            if (vi->urban) {
                if (hss_rng_uniform(&r->rng) > 0.35)
                    continue;
                f = demo_add_facility(r);
                code_facility(f, vi->code, "CS", 1);
                name_facility(f, vi->name, "卫生服务站");
                f->type = "community_health_station";
                set_staff(f, "general_practitioner", 1 + (long long)hss_rng_below(&r->rng, 2));
                set_staff(f, "licensed_physician", 1 + (long long)hss_rng_below(&r->rng, 2));
                set_staff(f, "registered_nurse", 1 + (long long)hss_rng_below(&r->rng, 2));
            } else {
                double chance = vi->population > 1000 ? p->clinics : 0.55;
                if (hss_rng_uniform(&r->rng) > chance)
                    continue;
                f = demo_add_facility(r);
                code_facility(f, vi->code, "VC", 1);
                name_facility(f, vi->name, "卫生室");
                f->type = "village_clinic";
                f->ownership = hss_rng_uniform(&r->rng) < 0.8 ? "government" : (hss_rng_uniform(&r->rng) < 0.5 ? "collective" : "private");
                set_staff(f, "village_doctor", 1 + (long long)hss_rng_below(&r->rng, 2));
                if (hss_rng_uniform(&r->rng) < 0.3)
                    set_staff(f, "assistant_physician", 1);
            }
            snprintf(f->medcom_code, sizeof f->medcom_code, "MC%s", county->code);
            place(r, f, vi, 0.1);
        }
    }
}

/* The level of the area a facility is coded under: "<area>-<TAG><seq>", area codes of 6 digits
 * (a city ends in 00), 9 (township) or 12 (village). */
static const char *level_of_code(const char *code)
{
    size_t n = strcspn(code, "-");
    if (n == 12)
        return "village";
    if (n == 9)
        return "township";
    return n == 6 && strncmp(code + 4, "00", 2) == 0 ? "city" : "county";
}

/* Rehabilitation and nursing beds: hospitals keep a rehabilitation ward of a few per cent of
 * their beds and few nursing beds; basic-level centres turn a share of their beds into nursing
 * beds (the plans ask for 30 %), some short of it. Both within the approved beds. */
static void bed_kinds(hss_rng *g, demo_facility *f)
{
    if (f->beds_approved <= 0)
        return;
    double b = (double)f->beds_approved, rehab, nursing;
    int basic = !strcmp(f->type, "township_health_center") || !strcmp(f->type, "community_health_center");
    int general = !strcmp(f->type, "general_hospital") || !strcmp(f->type, "tcm_hospital");
    if (basic) {
        rehab = strstr(f->services, "rehabilitation") ? b * (0.04 + 0.08 * hss_rng_uniform(g)) : 0;
        nursing = b * (0.15 + 0.25 * hss_rng_uniform(g));
    } else {
        rehab = b * (general ? 0.03 + 0.05 * hss_rng_uniform(g) : 0.02 * hss_rng_uniform(g));
        nursing = b * 0.03 * hss_rng_uniform(g);
    }
    f->beds_rehab = llround(rehab);
    f->beds_nursing = llround(fmin(nursing, b - (double)f->beds_rehab));
}

/* Who runs each public institution: the government of the area it is coded under, except that a
 * street's community health centre and the EMS stations belong to the county (district). */
static void run_by(demo_facility *f)
{
    if (!strcmp(f->ownership, "private"))
        return;
    if (!strcmp(f->type, "community_health_center") || !strcmp(f->type, "ems_station"))
        f->run_by = "county";
    else
        f->run_by = level_of_code(f->code);
}

static void bed_kinds_and_run_by(demo_region *r)
{
    hss_rng g;
    hss_rng_seed(&g, r->rng.s[0] ^ 0x6265647320313321ULL); /* from the seed, without drawing from r->rng */
    for (size_t i = 0; i < r->nfacilities; i++) {
        bed_kinds(&g, &r->facilities[i]);
        run_by(&r->facilities[i]);
    }
}

void demo_generate_facilities(demo_region *r)
{
    const demo_area *city = &r->areas[1];
    const demo_area *seat_county = NULL;
    for (size_t i = 0; i < r->nareas; i++)
        if (r->areas[i].level == 2 && (!seat_county || r->areas[i].population > seat_county->population))
            seat_county = &r->areas[i];
    /* City institutions only when the whole city is loaded (not for the Yiwu county demo). */
    if (city->population > 0 && seat_county)
        city_institutions(r, city, seat_county);
    for (size_t i = 0; i < r->nareas; i++) {
        const demo_area *county = &r->areas[i];
        if (county->level != 2)
            continue;
        county_profile p = {
            .ambulances = uniform(r, 0.55, 1.15),
            .np_share = uniform(r, 0.2, 0.5),
            .nurses = uniform(r, 0.8, 1.1),
            .clinics = uniform(r, 0.82, 1.0),
            .missing_thc = hss_rng_uniform(&r->rng) < 0.3 ? 0.08 : 0.0,
            .has_psychiatry = hss_rng_uniform(&r->rng) < 0.7,
            .ems_stations = uniform(r, 0.35, 0.9),
        };
        county_institutions(r, county, &p, county == seat_county);
        township_institutions(r, county, &p);
        village_institutions(r, county, &p);
    }
    bed_kinds_and_run_by(r);
}
