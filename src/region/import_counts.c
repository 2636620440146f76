/*
 * import_counts.c: staff.csv and vehicles.csv — counts per facility by staff category or
 * vehicle kind. The facility must be stored; each (facility, category) pair appears once per
 * file; counts are whole, not negative and below a sane ceiling. Re-importing a pair replaces
 * its count; pairs not in the file are left as they are.
 */
#include <stdio.h>
#include <string.h>

#include "region/region_int.h"

static const char *const STAFF_REQUIRED[] = {"facility_code", "category", "count", NULL};
static const char *const VEHICLE_REQUIRED[] = {"facility_code", "kind", "count", NULL};
static const char *const NONE[] = {NULL};

/* More staff of one category than any institution has; more vehicles of one kind than any
 * EMS centre runs. */
#define MAX_STAFF 100000
#define MAX_VEHICLES 5000

hss_code rg_import_counts(rg_import *im, int vehicles)
{
    const char *col = vehicles ? "kind" : "category";
    hss_vocab vocab = vehicles ? HSS_VOCAB_VEHICLE : HSS_VOCAB_STAFF;
    if (rg_header(im, vehicles ? VEHICLE_REQUIRED : STAFF_REQUIRED, NONE))
        return HSS_EINVAL;
    hss_stmt *fac = hss_store_prepare(im->st, "SELECT 1 FROM facility WHERE code=?1", im->err);
    hss_stmt *old = hss_store_prepare(im->st,
        vehicles ? "SELECT count FROM vehicle WHERE facility_code=?1 AND kind=?2"
                 : "SELECT count FROM staff WHERE facility_code=?1 AND category=?2", im->err);
    hss_stmt *put = hss_store_prepare(im->st,
        vehicles ? "INSERT INTO vehicle(facility_code,kind,count) VALUES(?1,?2,?3) "
                   "ON CONFLICT(facility_code,kind) DO UPDATE SET count=excluded.count"
                 : "INSERT INTO staff(facility_code,category,count) VALUES(?1,?2,?3) "
                   "ON CONFLICT(facility_code,category) DO UPDATE SET count=excluded.count",
        im->err);
    hss_code rc = fac && old && put ? HSS_OK : HSS_EDB;
    while (rc == HSS_OK) {
        int r = hss_csv_next(im->csv, im->err);
        if (r < 0)
            rc = HSS_EINVAL;
        if (r <= 0)
            break;
        im->stats->rows++;
        const char *f, *cat;
        int64_t n;
        if (rg_code(im, "facility_code", 1, &f) || rg_vocab(im, col, vocab, &cat) ||
            rg_count(im, "count", vehicles ? MAX_VEHICLES : MAX_STAFF, 0, &n, NULL)) {
            rc = HSS_EINVAL;
            break;
        }
        char key[160];
        snprintf(key, sizeof key, "%s\t%s", f, cat);
        size_t first;
        if (rg_map_get(im->seen, key, &first)) {
            rc = rg_bad(im, col, hss_csv_get(im->csv, col),
                        "is a duplicate for facility '%s' (already on line %zu of this file)", f, first);
            break;
        }
        rg_map_put(im->seen, key, hss_csv_line(im->csv));
        hss_store_reset(fac);
        hss_store_bind_copy(fac, 1, f);
        int known = hss_store_step(fac) == HSS_ROW;
        hss_store_reset(fac);
        if (!known) {
            rc = rg_bad(im, "facility_code", f, "is not a known facility (import facilities first)");
            break;
        }
        hss_store_reset(old);
        hss_store_bind_copy(old, 1, f);
        hss_store_bind_text(old, 2, cat);
        int had = hss_store_step(old) == HSS_ROW;
        int64_t was = had ? hss_store_col_int64(old, 0) : 0;
        hss_store_reset(old);
        if (had && was == n) {
            im->stats->unchanged++;
            continue;
        }
        hss_store_reset(put);
        hss_store_bind_copy(put, 1, f);
        hss_store_bind_text(put, 2, cat);
        hss_store_bind_int64(put, 3, n);
        if (hss_store_step(put) != HSS_DONE) {
            rc = hss_store_error(im->st, im->err, "storing counts");
            break;
        }
        if (had)
            im->stats->updated++;
        else
            im->stats->inserted++;
    }
    hss_store_finalize(fac);
    hss_store_finalize(old);
    hss_store_finalize(put);
    return rc;
}
