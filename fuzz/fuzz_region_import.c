/*
 * fuzz_region_import.c: libFuzzer target for the region importer. Each input is fed as every
 * kind (areas, facilities, staff and vehicles CSV, boundaries GeoJSON) to
 * hss_region_import_mem against an in-memory store that already holds a small region (so
 * staff and vehicle rows can name real facilities and locations meet a boundary). Imports run
 * as dry runs, which take the whole write path and then roll back; the target aborts if a
 * dry run ever leaves the database changed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "region/region.h"

static hss_store *st;

static const char AREAS[] =
    "code,parent_code,level,name,kind,population,lon,lat\n"
    "330000,,province,浙江省,urban,,,\n"
    "331100,330000,city,丽水市,urban,,119.92,28.45\n"
    "331102,331100,county,莲都区,urban,,119.91,28.45\n"
    "331102001,331102,township,紫金街道,urban,,119.92,28.46\n"
    "331102001001,331102001,village,丽阳社区,urban,12000,119.921,28.461\n";
static const char BOUNDARIES[] =
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"331102\","
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[119.7,28.2],[120.1,28.2],[120.1,28.6],"
    "[119.7,28.6],[119.7,28.2]]]}}]}";
static const char FACILITIES[] =
    "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open\n"
    "F001,医院,general_hospital,3A,government,331102001,119.923,28.462,2000,2100\n"
    "F002,卫生室,village_clinic,none,collective,331102001001,119.92,28.46,,\n";

static long long count(const char *sql)
{
    hss_stmt *s = hss_store_prepare(st, sql, NULL);
    long long v = s && hss_store_step(s) == HSS_ROW ? hss_store_col_int64(s, 0) : -1;
    hss_store_finalize(s);
    return v;
}

static long long fingerprint(void)
{
    return count("SELECT count(*) FROM area") * 1000000 + count("SELECT count(*) FROM facility") * 10000 +
           count("SELECT count(*) FROM staff") * 100 + count("SELECT count(*) FROM boundary") +
           hss_store_data_version(st) * 1000000000LL;
}

static void setup(void)
{
    hss_error err;
    st = hss_store_open(":memory:", &err);
    if (!st)
        abort();
    if (hss_region_import_mem(st, HSS_KIND_AREAS, "areas.csv", AREAS, strlen(AREAS), 0, NULL, &err) ||
        hss_region_import_mem(st, HSS_KIND_BOUNDARIES, "b.geojson", BOUNDARIES, strlen(BOUNDARIES), 0, NULL, &err) ||
        hss_region_import_mem(st, HSS_KIND_FACILITIES, "f.csv", FACILITIES, strlen(FACILITIES), 0, NULL, &err))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st)
        setup();
    long long before = fingerprint();
    for (int k = HSS_KIND_AREAS; k <= HSS_KIND_BOUNDARIES; k++) {
        hss_error err;
        hss_error_clear(&err);
        hss_import_stats s;
        hss_code rc = hss_region_import_mem(st, (hss_region_kind)k, "fuzz.csv", (const char *)data, size,
                                            HSS_IMPORT_DRY_RUN, &s, &err);
        if (rc != HSS_OK && rc != HSS_EINVAL)
            abort(); /* only bad input may fail, never the database */
        if (rc != HSS_OK && !err.msg[0])
            abort(); /* every failure explains itself */
        if (fingerprint() != before)
            abort(); /* a dry run changed the database */
    }
    return 0;
}
