/*
 * build.h (private to demo/): the in-memory region the demo generator builds before writing it
 * to the store in one transaction.
 */
#ifndef HSS_DEMO_BUILD_H
#define HSS_DEMO_BUILD_H

#include "base/base.h"
#include "demo/demo.h"
#include "demo/geo.h"
#include "store/store.h"

typedef struct {
    char code[16];
    char parent[16];
    int level;            /* hss_level */
    char *name;
    int urban;            /* 1 urban, 0 rural */
    long long population; /* -1 = unknown */
    double lon, lat;
    int generated_location;
    /* census figures for county-level units */
    long long census_urban, census_rural;
    double share_0_14, share_65;
    size_t first_child, nchildren; /* children are contiguous in the node array */
} demo_area;

#define DEMO_STAFF_N 16
#define DEMO_VEHICLE_N 4

typedef struct {
    char code[40];
    char *name;
    const char *type, *grade, *ownership;
    char area_code[16];
    double lon, lat;
    long long beds_approved, beds_open, beds_infectious; /* -1 = not applicable */
    long long beds_rehab, beds_nursing; /* bed kinds within beds_approved; -1 = not applicable */
    const char *run_by;                 /* government level that runs it; NULL for private */
    char medcom_code[24];
    int medcom_lead, central, sub_centre;
    char services[160];
    long long staff[DEMO_STAFF_N];     /* indexed like HSS_VOCAB_STAFF */
    long long vehicles[DEMO_VEHICLE_N]; /* indexed like HSS_VOCAB_VEHICLE */
} demo_facility;

typedef struct {
    const hss_demo_region *spec;
    hss_rng rng;
    demo_area *areas; /* parents before children; counties, townships, villages grouped */
    size_t nareas;
    demo_facility *facilities;
    size_t nfacilities, cap_facilities;
    geo_collection shapes;
} demo_region;

/* facilities.c: generates facilities, beds, staff and vehicles for the built area tree. */
void demo_generate_facilities(demo_region *r);
demo_facility *demo_add_facility(demo_region *r);

/* The polygon that holds a county-level unit's points (its own, or its host district's for a
 * functional zone without one); *own says whether it is the unit's own boundary. */
const geo_shape *demo_county_shape(demo_region *r, const char *county_code, int *own);

/* Index helpers. */
int demo_staff_index(const char *category);
int demo_vehicle_index(const char *kind);

#endif
