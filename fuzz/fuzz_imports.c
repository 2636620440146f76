/*
 * fuzz_imports.c: libFuzzer target for the importers of individual and activity data, each of
 * which must either load a file whole or refuse it with a message and leave the database as it
 * was: monthly data values (metrics), daily surveillance counts (surveil) and residents (care).
 * The store holds a small region so that rows can name real areas and facilities; the target
 * aborts when an import fails without a message or changes the data while failing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "care/care.h"
#include "metrics/metrics.h"
#include "region/region.h"
#include "surveil/surveil.h"

static hss_store *st;

static const char AREAS[] =
    "code,parent_code,level,name,kind,population,lon,lat\n"
    "330000,,province,浙江省,urban,,,\n"
    "331100,330000,city,丽水市,urban,,119.92,28.45\n"
    "331102,331100,county,莲都区,urban,,119.91,28.45\n"
    "331102001,331102,township,紫金街道,urban,,119.92,28.46\n"
    "331102001001,331102001,village,丽阳社区,urban,12000,119.921,28.461\n";
static const char FACILITIES[] =
    "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open\n"
    "F001,医院,general_hospital,3A,government,331102001,119.923,28.462,2000,2100\n"
    "F002,中心,community_health_center,none,government,331102001,119.92,28.46,,\n";

static long long fingerprint(void)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT (SELECT count(*) FROM data_value) * 1000003 + (SELECT count(*) FROM care_resident) * 7919"
        " + (SELECT count(*) FROM surveil_series) * 31 + (SELECT count(*) FROM surveil_year) + (SELECT value FROM hss_meta WHERE key='data_version')", NULL);
    long long v = s && hss_store_step(s) == HSS_ROW ? hss_store_col_int64(s, 0) : -1;
    hss_store_finalize(s);
    return v;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    hss_error err;
    st = hss_store_open(":memory:", &err);
    if (!st || hss_region_import_mem(st, HSS_KIND_AREAS, "areas.csv", AREAS, strlen(AREAS), 0, NULL, &err) ||
        hss_region_import_mem(st, HSS_KIND_FACILITIES, "facilities.csv", FACILITIES, strlen(FACILITIES), 0, NULL, &err)) {
        fprintf(stderr, "fuzz setup: %s\n", err.msg);
        abort();
    }
    return 0;
}

static void check(hss_code rc, const hss_error *err, long long before)
{
    if (rc != HSS_OK && (err->msg[0] == '\0' || fingerprint() != before))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/hss-fuzz-import-XXXXXX.csv";
    int fd = mkstemps(path, 4);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    hss_error err;
    long long before = fingerprint();
    hss_error_clear(&err);
    check(hss_metrics_import(st, path, 0, NULL, &err), &err, before);
    before = fingerprint();
    hss_error_clear(&err);
    size_t rows;
    check(hss_surveil_import(st, path, &rows, &err), &err, before);
    before = fingerprint();
    hss_error_clear(&err);
    hss_care_import_stats stats;
    check(hss_care_residents_import(st, path, &stats, &err), &err, before);
    unlink(path);
    return 0;
}
