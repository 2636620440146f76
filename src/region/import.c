/*
 * import.c: the import driver and the field validators every CSV kind shares. One import is
 * one transaction (or a savepoint inside the caller's): validate and write row by row, and on
 * the first error roll everything back so the database is exactly as before. Messages name
 * file:line, column, value and why.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "region/region_int.h"

static const char *const KIND_NAMES[] = {"areas", "facilities", "staff", "vehicles", "boundaries"};

int hss_region_kind_parse(const char *s, hss_region_kind *out)
{
    for (size_t i = 0; i < sizeof KIND_NAMES / sizeof *KIND_NAMES; i++)
        if (s && strcmp(s, KIND_NAMES[i]) == 0) {
            *out = (hss_region_kind)i;
            return 0;
        }
    return -1;
}

const char *hss_region_kind_name(hss_region_kind kind)
{
    return (unsigned)kind < sizeof KIND_NAMES / sizeof *KIND_NAMES ? KIND_NAMES[kind] : "?";
}

int rg_level_index(const char *level)
{
    return level ? hss_model_find(HSS_VOCAB_LEVEL, level) : -1;
}

void rg_fmt_double(char *buf, size_t n, double v)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* ---- messages ---------------------------------------------------------------------------- */

hss_code rg_bad(rg_import *im, const char *col, const char *value, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    /* Quote at most 80 bytes of the value, cut on a UTF-8 character boundary. */
    char shown[96];
    size_t len = strlen(value);
    const char *more = "";
    if (len > 80) {
        len = 80;
        while (len > 0 && ((unsigned char)value[len] & 0xC0) == 0x80)
            len--;
        more = "...";
    }
    snprintf(shown, sizeof shown, "%.*s%s", (int)len, value, more);
    return hss_fail(im->err, HSS_EINVAL, "%s:%zu: column '%s': value '%s' %s", im->name,
                    hss_csv_line(im->csv), col, shown, why);
}

hss_code rg_header(rg_import *im, const char *const *required, const char *const *optional)
{
    if (hss_csv_read_header(im->csv, im->err))
        return HSS_EINVAL;
    if (hss_csv_require(im->csv, required, im->err))
        return HSS_EINVAL;
    const char *known[32];
    size_t nk = 0;
    for (size_t i = 0; required[i] && nk < 32; i++)
        known[nk++] = required[i];
    for (size_t i = 0; optional[i] && nk < 32; i++)
        known[nk++] = optional[i];
    for (size_t c = 0; c < hss_csv_ncols(im->csv); c++) {
        const char *h = hss_csv_header(im->csv, c);
        int ok = 0;
        for (size_t k = 0; k < nk && !ok; k++)
            ok = strcmp(h, known[k]) == 0;
        if (ok)
            continue;
        const char *s = hss_suggest(h, known, nk);
        hss_buf list;
        hss_buf_init(&list);
        for (size_t k = 0; k < nk; k++)
            hss_buf_printf(&list, "%s%s", k ? "," : "", known[k]);
        hss_fail(im->err, HSS_EINVAL, "%s:1: unknown column '%s'%s%s%s (the columns are %s)",
                 im->name, h, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "",
                 list.data);
        hss_buf_free(&list);
        return HSS_EINVAL;
    }
    return HSS_OK;
}

static const char *field(rg_import *im, const char *col)
{
    const char *v = hss_csv_get(im->csv, col);
    return v ? v : "";
}

hss_code rg_text(rg_import *im, const char *col, int required, const char **out)
{
    const char *v = field(im, col);
    if (required && !*v)
        return rg_bad(im, col, v, "is empty (a value is required)");
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return rg_bad(im, col, v, "contains a control character (tab, newline ...)");
    if (strlen(v) > 200)
        return rg_bad(im, col, v, "is longer than 200 bytes");
    if (*v && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[strlen(v) - 1])))
        return rg_bad(im, col, v, "has leading or trailing spaces");
    *out = v;
    return HSS_OK;
}

hss_code rg_code(rg_import *im, const char *col, int required, const char **out)
{
    const char *v = field(im, col);
    if (!*v) {
        if (required)
            return rg_bad(im, col, v, "is empty (a code is required)");
        *out = NULL;
        return HSS_OK;
    }
    size_t n = strlen(v);
    if (n > 64)
        return rg_bad(im, col, v, "is longer than 64 characters");
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != '-' && v[i] != '.')
            return rg_bad(im, col, v, "is not a code (letters, digits, '_', '-', '.' only)");
    *out = v;
    return HSS_OK;
}

hss_code rg_vocab(rg_import *im, const char *col, hss_vocab vocab, const char **out)
{
    const char *v = field(im, col);
    const char *id = *v ? hss_model_canonical(vocab, v) : NULL;
    if (id) {
        *out = id;
        return HSS_OK;
    }
    const char *s = *v ? hss_model_suggest(vocab, v) : NULL;
    if (s)
        return rg_bad(im, col, v, "is not a %s (did you mean '%s'?)", hss_model_vocab_name(vocab), s);
    size_t n;
    const hss_term *t = hss_model_terms(vocab, &n);
    hss_buf list;
    hss_buf_init(&list);
    for (size_t i = 0; i < n; i++)
        hss_buf_printf(&list, "%s%s", i ? ", " : "", t[i].id);
    rg_bad(im, col, v, "is not a %s (one of: %s)", hss_model_vocab_name(vocab), list.data);
    hss_buf_free(&list);
    return HSS_EINVAL;
}

hss_code rg_count(rg_import *im, const char *col, int64_t max, int nullable, int64_t *out,
                  int *is_null)
{
    const char *v = field(im, col);
    if (is_null)
        *is_null = 0;
    if (!*v) {
        if (!nullable)
            return rg_bad(im, col, v, "is empty (a whole number is required)");
        *is_null = 1;
        *out = 0;
        return HSS_OK;
    }
    int64_t n;
    int digits = 1;
    for (const char *p = (*v == '-' ? v + 1 : v); *p; p++)
        digits &= isdigit((unsigned char)*p) != 0;
    if (!digits || v[*v == '-'] == '\0' || hss_parse_int64(v, &n) != 0)
        return rg_bad(im, col, v, "is not a whole number");
    if (n < 0)
        return rg_bad(im, col, v, "is negative");
    if (n > max)
        return rg_bad(im, col, v, "is impossible (above the ceiling of %lld)", (long long)max);
    *out = n;
    return HSS_OK;
}

hss_code rg_flag(rg_import *im, const char *col, int dflt, int *out)
{
    const char *v = field(im, col);
    if (!*v)
        *out = dflt;
    else if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)
        *out = v[0] == '1';
    else
        return rg_bad(im, col, v, "is not a flag (0 or 1)");
    return HSS_OK;
}

static hss_code coord(rg_import *im, const char *col, double lo, double hi, double clo,
                      double chi, double *out)
{
    const char *v = field(im, col);
    if (isspace((unsigned char)v[0]) || hss_parse_double(v, out) != 0)
        return rg_bad(im, col, v, "is not a number");
    if (*out < lo || *out > hi)
        return rg_bad(im, col, v, "is out of range (%g to %g)", lo, hi);
    if (*out < clo || *out > chi)
        return rg_bad(im, col, v, "is outside China (%s %g to %g; lon and lat swapped?)",
                      strcmp(col, "lon") == 0 ? "longitude" : "latitude", clo, chi);
    return HSS_OK;
}

hss_code rg_lonlat(rg_import *im, double *lon, double *lat, int *has)
{
    const char *x = field(im, "lon"), *y = field(im, "lat");
    *has = 0;
    if (!*x && !*y)
        return HSS_OK;
    if (!*x || !*y)
        return rg_bad(im, *x ? "lat" : "lon", "", "is empty while '%s' is given (give both or neither)",
                      *x ? "lon" : "lat");
    if (coord(im, "lon", -180, 180, RG_LON_MIN, RG_LON_MAX, lon) ||
        coord(im, "lat", -90, 90, RG_LAT_MIN, RG_LAT_MAX, lat))
        return HSS_EINVAL;
    *has = 1;
    return HSS_OK;
}

hss_code rg_unique(rg_import *im, const char *col, const char *value, const char *key)
{
    size_t first;
    if (rg_map_get(im->seen, key, &first))
        return rg_bad(im, col, value, "is a duplicate (already on line %zu of this file)", first);
    rg_map_put(im->seen, key, hss_csv_line(im->csv));
    return HSS_OK;
}

/* ---- the driver -------------------------------------------------------------------------- */

/* csv: the file streamed (hss_region_import), or NULL to read data/len (taken over either way). */
static hss_code run(rg_import *im, hss_region_kind kind, const char *data, size_t len, hss_csv *csv)
{
    if (kind == HSS_KIND_BOUNDARIES)
        return rg_import_boundaries(im, data, len);
    im->csv = csv ? csv : hss_csv_open_mem(im->name, data, len);
    hss_csv_limit(im->csv, 0, 0); /* text fields are checked by rg_text (no control characters) */
    hss_code rc;
    switch (kind) {
    case HSS_KIND_AREAS: rc = rg_import_areas(im); break;
    case HSS_KIND_FACILITIES: rc = rg_import_facilities(im); break;
    case HSS_KIND_STAFF: rc = rg_import_counts(im, 0); break;
    default: rc = rg_import_counts(im, 1); break;
    }
    hss_csv_close(im->csv);
    im->csv = NULL;
    return rc;
}

static hss_code import_any(hss_store *st, hss_region_kind kind, const char *name, const char *data,
                           size_t len, hss_csv *csv, int flags, hss_import_stats *stats, hss_error *err);

hss_code hss_region_import_mem(hss_store *st, hss_region_kind kind, const char *name,
                               const char *data, size_t len, int flags, hss_import_stats *stats,
                               hss_error *err)
{
    return import_any(st, kind, name, data, len, NULL, flags, stats, err);
}

static hss_code import_any(hss_store *st, hss_region_kind kind, const char *name, const char *data,
                           size_t len, hss_csv *csv, int flags, hss_import_stats *stats, hss_error *err)
{
    hss_import_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if ((unsigned)kind > HSS_KIND_BOUNDARIES) {
        hss_csv_close(csv);
        return hss_fail(err, HSS_EINVAL, "unknown import kind %d", (int)kind);
    }
    int nested = !hss_store_autocommit(st);
    if (nested ? hss_store_exec(st, "SAVEPOINT hss_region_import", err) : hss_store_begin(st, err)) {
        hss_csv_close(csv);
        return HSS_EDB;
    }
    rg_import im = {.st = st, .name = name, .generated = (flags & HSS_IMPORT_GENERATED) != 0,
                    .stats = stats, .err = err, .geo = rg_geo_cache_new(), .seen = rg_map_new()};
    hss_code rc = run(&im, kind, data, len, csv);
    rg_geo_cache_free(im.geo);
    rg_map_free(im.seen);
    if (rc == HSS_OK && !(flags & HSS_IMPORT_DRY_RUN) && stats->inserted + stats->updated > 0)
        rc = hss_store_bump_version(st, err);
    if (rc == HSS_OK && !(flags & HSS_IMPORT_DRY_RUN)) {
        if (nested)
            rc = hss_store_exec(st, "RELEASE hss_region_import", err);
        else
            rc = hss_store_commit(st, err);
        return rc;
    }
    if (nested) {
        hss_store_exec(st, "ROLLBACK TO hss_region_import", NULL);
        hss_store_exec(st, "RELEASE hss_region_import", NULL);
    } else {
        hss_store_rollback(st);
    }
    return rc;
}

hss_code hss_region_import(hss_store *st, hss_region_kind kind, const char *path, int dry_run,
                           hss_import_stats *stats, hss_error *err)
{
    const char *base = strrchr(path, '/');
    int flags = dry_run ? HSS_IMPORT_DRY_RUN : 0;
    if (kind != HSS_KIND_BOUNDARIES && (unsigned)kind < HSS_KIND_BOUNDARIES) {
        /* CSV kinds are streamed: memory stays bounded whatever the file holds */
        hss_csv *csv = hss_csv_open_file(path, err);
        if (!csv)
            return err ? err->code : HSS_EIO;
        return import_any(st, kind, base ? base + 1 : path, NULL, 0, csv, flags, stats, err);
    }
    size_t len;
    char *data = hss_read_file(path, &len, err);
    if (!data)
        return err ? err->code : HSS_EIO;
    hss_code rc = hss_region_import_mem(st, kind, base ? base + 1 : path, data, len, flags, stats, err);
    free(data);
    return rc;
}

unsigned rg_present(const rg_import *im, const char *const *optional)
{
    unsigned mask = 0;
    for (unsigned i = 0; optional[i] && i < 32; i++)
        if (hss_csv_col(im->csv, optional[i]) >= 0 || (im->generated && strcmp(optional[i], "generated") == 0))
            mask |= 1u << i;
    return mask;
}

hss_code rg_store_row(rg_import *im, hss_stmt *w, int existed, const char *what)
{
    if (hss_store_step(w) != HSS_DONE) {
        hss_store_error(im->st, im->err, what);
        return hss_fail(im->err, HSS_EDB, "%s:%zu: %s", im->name, hss_csv_line(im->csv), im->err->msg);
    }
    if (!existed)
        im->stats->inserted++;
    else if (hss_store_changes(im->st) > 0)
        im->stats->updated++;
    else
        im->stats->unchanged++;
    return HSS_OK;
}

hss_code rg_inside(rg_import *im, const char *area, double lon, double lat, int name_area)
{
    char *b = NULL;
    int in = rg_point_in_area(im->st, im->geo, area, lon, lat, &b);
    if (in == 0) {
        char shown[64];
        snprintf(shown, sizeof shown, "%s", hss_csv_get(im->csv, "lon"));
        hss_code rc = name_area
            ? rg_bad(im, "lon", shown,
                     "(lat %s) lies outside the boundary of area %s, which contains area_code %s",
                     hss_csv_get(im->csv, "lat"), b, area)
            : rg_bad(im, "lon", shown, "(lat %s) lies outside the boundary of area %s",
                     hss_csv_get(im->csv, "lat"), b);
        free(b);
        return rc;
    }
    free(b);
    return HSS_OK;
}

hss_code rg_rows(rg_import *im, hss_code (*row)(rg_import *im, void *ctx), void *ctx)
{
    hss_code rc = HSS_OK;
    while (rc == HSS_OK) {
        int r = hss_csv_next(im->csv, im->err);
        if (r < 0)
            rc = HSS_EINVAL;
        if (r <= 0)
            break;
        im->stats->rows++;
        rc = row(im, ctx);
    }
    return rc;
}
