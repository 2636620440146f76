/* region_stub.c: placeholder until the region module lands (replaced by the real files). */
#include <stdio.h>
#include "region/region.h"

int hss_region_kind_parse(const char *s, hss_region_kind *out) { (void)s; (void)out; return -1; }
static hss_code not_built(hss_error *err) { return hss_fail(err, HSS_EUNKNOWN, "region module not built yet"); }
hss_code hss_region_import(hss_store *st, hss_region_kind kind, const char *path, int dry_run, hss_import_stats *stats, hss_error *err) { return not_built(err); }
hss_code hss_region_areas(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err) { return not_built(err); }
hss_code hss_region_facilities(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err) { return not_built(err); }
hss_code hss_region_summary(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err) { return not_built(err); }
hss_code hss_region_export(hss_store *st, hss_region_kind kind, int json, FILE *out, hss_error *err) { return not_built(err); }
