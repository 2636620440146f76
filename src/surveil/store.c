/*
 * store.c: daily counts in the database. A series (area, signal, source) keeps one row per
 * calendar year holding 366 int32 counts (-1 = not reported); appending a day rewrites one
 * small row, and the daily run reads the one to six rows its method needs per series.
 */
#include "surveil/surveil_int.h"

#include <stdlib.h>
#include <string.h>

#define YEAR_SLOTS 366

void hss_surveil_bind_texts(hss_stmt *s, int first, int n, const char *const *texts)
{
    for (int i = 0; i < n; i++)
        hss_store_bind_text(s, first + i, texts[i]);
}

hss_code hss_surveil_step_done(hss_store *st, hss_stmt *s, const char *what, hss_error *err)
{
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, what);
}

/* Day number of January 1st of a year. */
static long jan1_of(int year)
{
    return hss_days_from_civil(year, 1, 1);
}

/* Calendar year and 0-based day of year of a day number. */
static void year_of(long day, int *year, int *doy)
{
    int m, d;
    hss_civil_from_days(day, year, &m, &d);
    *doy = (int)(day - jan1_of(*year));
}

static void blob_decode(const void *blob, int bytes, int32_t *out)
{
    const unsigned char *b = blob;
    for (int i = 0; i < YEAR_SLOTS; i++) {
        if (b && (i + 1) * 4 <= bytes)
            out[i] = (int32_t)((uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                               (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24);
        else
            out[i] = -1;
    }
}

static void blob_encode(const int32_t *in, unsigned char *b)
{
    for (int i = 0; i < YEAR_SLOTS; i++) {
        uint32_t v = (uint32_t)in[i];
        b[4 * i] = (unsigned char)v;
        b[4 * i + 1] = (unsigned char)(v >> 8);
        b[4 * i + 2] = (unsigned char)(v >> 16);
        b[4 * i + 3] = (unsigned char)(v >> 24);
    }
}

/* Finds or creates the series; updates its date bounds to include [first, last]. */
static hss_code series_upsert(hss_store *st, const char *area, const char *signal, const char *source,
                              long first, long last, int64_t *id, hss_error *err)
{
    char f[11], l[11];
    hss_surveil_day_string(first, f);
    hss_surveil_day_string(last, l);
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO surveil_series(area_code, signal, source, first_date, last_date) VALUES(?,?,?,?,?) "
        "ON CONFLICT(area_code, signal, source) DO UPDATE SET "
        "first_date = CASE WHEN excluded.first_date < surveil_series.first_date THEN excluded.first_date "
        "ELSE surveil_series.first_date END, "
        "last_date = CASE WHEN excluded.last_date > surveil_series.last_date THEN excluded.last_date "
        "ELSE surveil_series.last_date END "
        "RETURNING id", err);
    if (!s)
        return HSS_EDB;
    hss_surveil_bind_texts(s, 1, 5, (const char *[]){area, signal, source, f, l});
    int rc = hss_store_step(s);
    if (rc == HSS_ROW)
        *id = hss_store_col_int64(s, 0);
    hss_store_finalize(s);
    if (rc != HSS_ROW)
        return hss_store_error(st, err, "storing series");
    return HSS_OK;
}

/* Writes counts[0..n) for days first..first+n-1 of series id, merging into stored years. */
static hss_code write_days(hss_store *st, int64_t id, long first, const int32_t *counts, size_t n, hss_error *err)
{
    hss_stmt *get = hss_store_prepare(st, "SELECT counts FROM surveil_year WHERE key=?", err);
    hss_stmt *put = get ? hss_store_prepare(st, "INSERT INTO surveil_year(key, series_id, year, counts) VALUES(?,?,?,?) "
                                                "ON CONFLICT(key) DO UPDATE SET series_id=excluded.series_id, "
                                                "year=excluded.year, counts=excluded.counts", err) : NULL;
    if (!put) {
        hss_store_finalize(get);
        return HSS_EDB;
    }
    int32_t slots[YEAR_SLOTS];
    unsigned char blob[YEAR_SLOTS * 4];
    hss_code rc = HSS_OK;
    size_t i = 0;
    while (i < n && !rc) {
        int year, doy;
        year_of(first + (long)i, &year, &doy);
        hss_store_bind_int64(get, 1, id * 10000 + year);
        if (hss_store_step(get) == HSS_ROW)
            blob_decode(hss_store_col_blob(get, 0), hss_store_col_bytes(get, 0), slots);
        else
            blob_decode(NULL, 0, slots);
        hss_store_reset(get);
        long j1 = jan1_of(year), next = jan1_of(year + 1);
        for (; i < n && first + (long)i < next; i++)
            slots[first + (long)i - j1] = counts[i];
        blob_encode(slots, blob);
        hss_store_bind_int64(put, 1, id * 10000 + year);
        hss_store_bind_int64(put, 2, id);
        hss_store_bind_int(put, 3, year);
        hss_store_bind_blob(put, 4, blob, sizeof blob);
        if (hss_store_step(put) != HSS_DONE)
            rc = hss_store_error(st, err, "storing counts");
        hss_store_reset(put);
    }
    hss_store_finalize(get);
    hss_store_finalize(put);
    return rc;
}

hss_code hss_surveil_put_series(hss_store *st, const char *area_code, const char *signal,
                                const char *source, long first_day, const int32_t *counts,
                                size_t n, hss_error *err)
{
    if (n == 0)
        return HSS_OK;
    int64_t id;
    hss_code rc = series_upsert(st, area_code, signal, source, first_day, first_day + (long)n - 1, &id, err);
    return rc ? rc : write_days(st, id, first_day, counts, n, err);
}

/* ---- whole series in bulk (surveil_int.h) ---- */

typedef struct {
    const char *area, *signal, *source; /* in the pool */
    long first, last;
} bulk_series;

typedef struct {
    size_t series; /* index into the series added */
    int year;
    unsigned char counts[YEAR_SLOTS * 4];
} bulk_year;

struct surveil_bulk {
    hss_strpool strs;
    hss_vec series, years;
};

surveil_bulk *surveil_bulk_new(void)
{
    surveil_bulk *b = hss_xcalloc(1, sizeof *b);
    hss_strpool_init(&b->strs, 0);
    hss_vec_init(&b->series, sizeof(bulk_series));
    hss_vec_init(&b->years, sizeof(bulk_year));
    return b;
}

void surveil_bulk_add(surveil_bulk *b, const char *area_code, const char *signal, const char *source,
                      long first_day, const int32_t *counts, size_t n)
{
    if (n == 0)
        return;
    bulk_series *s = hss_vec_push(&b->series);
    s->area = hss_strpool_copy(&b->strs, area_code);
    s->signal = hss_strpool_copy(&b->strs, signal);
    s->source = hss_strpool_copy(&b->strs, source);
    s->first = first_day;
    s->last = first_day + (long)n - 1;
    int32_t slots[YEAR_SLOTS];
    for (size_t i = 0; i < n;) { /* one row per calendar year, the days not given -1 */
        int year, doy;
        year_of(first_day + (long)i, &year, &doy);
        blob_decode(NULL, 0, slots);
        long j1 = jan1_of(year), next = jan1_of(year + 1);
        for (; i < n && first_day + (long)i < next; i++)
            slots[first_day + (long)i - j1] = counts[i];
        bulk_year *y = hss_vec_push(&b->years);
        y->series = b->series.len - 1;
        y->year = year;
        blob_encode(slots, y->counts);
    }
}

void surveil_bulk_free(surveil_bulk *b)
{
    hss_strpool_free(&b->strs);
    hss_vec_free(&b->series);
    hss_vec_free(&b->years);
    free(b);
}

/* The id the next new series gets: one more than the largest stored. */
static hss_code next_series_id(hss_store *st, int64_t *id, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT coalesce(max(id), 0) + 1 FROM surveil_series", err);
    if (!s)
        return HSS_EDB;
    int rc = hss_store_step(s);
    *id = rc == HSS_ROW ? hss_store_col_int64(s, 0) : 0;
    hss_store_finalize(s);
    return rc == HSS_ROW ? HSS_OK : hss_store_error(st, err, "reading the series ids");
}

static hss_code load_series(hss_store *st, const surveil_bulk *b, int64_t id0, hss_error *err)
{
    static const char *const cols[] = {"id", "area_code", "signal", "source", "first_date", "last_date"};
    hss_store_loader *ld = hss_store_load_begin(st, "surveil_series", cols, 6, err);
    for (size_t i = 0; ld && i < b->series.len; i++) {
        const bulk_series *s = &HSS_VEC_AT(&b->series, bulk_series, i);
        char f[11], l[11];
        hss_surveil_day_string(s->first, f);
        hss_surveil_day_string(s->last, l);
        hss_store_load_int(ld, 0, id0 + (int64_t)i);
        hss_store_load_text(ld, 1, s->area);
        hss_store_load_text(ld, 2, s->signal);
        hss_store_load_text(ld, 3, s->source);
        hss_store_load_text(ld, 4, f);
        hss_store_load_text(ld, 5, l);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return ld ? hss_store_load_end(ld, err) : HSS_EDB;
}

static hss_code load_years(hss_store *st, const surveil_bulk *b, int64_t id0, hss_error *err)
{
    static const char *const cols[] = {"key", "series_id", "year", "counts"};
    hss_store_loader *ld = hss_store_load_begin(st, "surveil_year", cols, 4, err);
    for (size_t i = 0; ld && i < b->years.len; i++) {
        const bulk_year *y = &HSS_VEC_AT(&b->years, bulk_year, i);
        int64_t id = id0 + (int64_t)y->series;
        hss_store_load_int(ld, 0, id * 10000 + y->year);
        hss_store_load_int(ld, 1, id);
        hss_store_load_int(ld, 2, y->year);
        hss_store_load_blob(ld, 3, y->counts, sizeof y->counts);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return ld ? hss_store_load_end(ld, err) : HSS_EDB;
}

hss_code surveil_bulk_store(hss_store *st, const surveil_bulk *b, hss_error *err)
{
    int64_t id0 = 0;
    hss_code rc = next_series_id(st, &id0, err);
    if (!rc)
        rc = load_series(st, b, id0, err);
    if (!rc)
        rc = load_years(st, b, id0, err);
    /* the daily run reads these rows next, in the same transaction: plan it for them */
    if (!rc)
        rc = hss_store_analyse(st, "surveil_series", err);
    if (!rc)
        rc = hss_store_analyse(st, "surveil_year", err);
    return rc;
}

hss_stmt *hss_surveil_load_prepare(hss_store *st, hss_error *err)
{
    return hss_store_prepare(st, "SELECT year, counts FROM surveil_year WHERE key BETWEEN ? AND ?", err);
}

void hss_surveil_load_with(hss_stmt *s, int64_t series_id, long from_day, long to_day, int32_t *out)
{
    int y0, y1, d;
    year_of(from_day, &y0, &d);
    year_of(to_day, &y1, &d);
    for (long i = 0; i <= to_day - from_day; i++)
        out[i] = -1;
    hss_store_bind_int64(s, 1, series_id * 10000 + y0);
    hss_store_bind_int64(s, 2, series_id * 10000 + y1);
    int32_t slots[YEAR_SLOTS];
    while (hss_store_step(s) == HSS_ROW) {
        int year = hss_store_col_int(s, 0);
        blob_decode(hss_store_col_blob(s, 1), hss_store_col_bytes(s, 1), slots);
        long j1 = jan1_of(year), next = jan1_of(year + 1);
        for (long dd = j1 > from_day ? j1 : from_day; dd < next && dd <= to_day; dd++)
            out[dd - from_day] = slots[dd - j1];
    }
    hss_store_reset(s);
}

hss_code hss_surveil_load(hss_store *st, int64_t series_id, long from_day, long to_day,
                          int32_t *out, hss_error *err)
{
    hss_stmt *s = hss_surveil_load_prepare(st, err);
    if (!s)
        return HSS_EDB;
    hss_surveil_load_with(s, series_id, from_day, to_day, out);
    hss_store_finalize(s);
    return HSS_OK;
}

hss_code hss_surveil_exclude(hss_store *st, const char *area_code, const char *signal,
                             const char *from_date, const char *to_date, const char *note,
                             hss_error *err)
{
    int ok1, ok2;
    long a = hss_surveil_day_number(from_date, &ok1), b = hss_surveil_day_number(to_date, &ok2);
    if (!ok1 || !ok2 || a > b)
        return hss_fail(err, HSS_EINVAL, "exclusion: '%s'..'%s' is not a date range (YYYY-MM-DD, from <= to)", from_date, to_date);
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO surveil_exclusion(area_code, signal, from_date, to_date, note) VALUES(?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    hss_surveil_bind_texts(s, 1, 5, (const char *[]){area_code, signal, from_date, to_date, note ? note : ""});
    hss_code rc = hss_surveil_step_done(st, s, "storing exclusion", err);
    return rc ? rc : hss_store_bump_version(st, err);
}

/* ---- import ---- */

typedef struct {
    char *key; /* area \x1f signal \x1f source */
    char *area, *signal, *source;
    long first, last;
    size_t first_line, last_line;
    hss_vec counts; /* int32 */
} import_series;

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

hss_code hss_surveil_import(hss_store *st, const char *path, size_t *rows, hss_error *err)
{
    *rows = 0;
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err ? err->code : HSS_EIO;
    hss_csv_limit(csv, 256, 1); /* no field is longer, none holds control characters */
    static const char *const req[] = {"date", "area_code", "signal", "source", "count", NULL};
    hss_code rc = hss_csv_read_header(csv, err);
    if (!rc)
        rc = hss_csv_require(csv, req, err);
    hss_stmt *area = rc ? NULL : hss_store_prepare(st, "SELECT 1 FROM area WHERE code=?", err);
    if (!rc && !area)
        rc = HSS_EDB;
    size_t cap = 1024;
    import_series **tab = hss_xcalloc(cap, sizeof *tab);
    hss_vec list;
    hss_vec_init(&list, sizeof(import_series *));
    char *last_area_ok = NULL;
    int r = 0;
    while (!rc && (r = hss_csv_next(csv, err)) == 1) {
        size_t line = hss_csv_line(csv);
        const char *date = hss_csv_get(csv, "date"), *ac = hss_csv_get(csv, "area_code");
        const char *sig = hss_csv_get(csv, "signal"), *src = hss_csv_get(csv, "source");
        const char *cnt = hss_csv_get(csv, "count");
        int ok;
        long day = hss_surveil_day_number(date, &ok);
        int64_t v;
        char shown[100];
        if (!ok) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column date: '%s' is not a date (YYYY-MM-DD)", path, line,
                          hss_text_shown(date, shown, sizeof shown));
            break;
        }
        if (strlen(sig) > 64 || strlen(src) > 64) {
            const char *col = strlen(sig) > 64 ? "signal" : "source";
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column %s: '%s' is longer than 64 bytes", path, line, col,
                          hss_text_shown(strlen(sig) > 64 ? sig : src, shown, sizeof shown));
            break;
        }
        if (!*sig || !*src) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column %s: empty", path, line, *sig ? "source" : "signal");
            break;
        }
        if (hss_parse_int64(cnt, &v) != 0 || v > INT32_MAX) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column count: '%s' is not a whole number", path, line,
                          hss_text_shown(cnt, shown, sizeof shown));
            break;
        }
        if (v < 0) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column count: %lld is negative; counts must be >= 0", path, line, (long long)v);
            break;
        }
        if (!last_area_ok || strcmp(last_area_ok, ac) != 0) {
            hss_store_bind_text(area, 1, ac);
            int found = hss_store_step(area) == HSS_ROW;
            hss_store_reset(area);
            if (!found) {
                rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column area_code: '%s' is not an area of this region (table area)", path, line,
                              hss_text_shown(ac, shown, sizeof shown));
                break;
            }
            free(last_area_ok);
            last_area_ok = hss_xstrdup(ac);
        }
        hss_buf key;
        hss_buf_init(&key);
        hss_buf_printf(&key, "%s\x1f%s\x1f%s", ac, sig, src);
        size_t h = hash_str(key.data) & (cap - 1);
        while (tab[h] && strcmp(tab[h]->key, key.data) != 0)
            h = (h + 1) & (cap - 1);
        import_series *s = tab[h];
        if (!s) {
            s = hss_xcalloc(1, sizeof *s);
            s->key = hss_buf_steal(&key);
            s->area = hss_xstrdup(ac);
            s->signal = hss_xstrdup(sig);
            s->source = hss_xstrdup(src);
            s->first = s->last = day;
            s->first_line = s->last_line = line;
            hss_vec_init(&s->counts, sizeof(int32_t));
            *(int32_t *)hss_vec_push(&s->counts) = (int32_t)v;
            tab[h] = s;
            *(import_series **)hss_vec_push(&list) = s;
            if (list.len * 2 > cap) { /* grow and rehash */
                size_t ncap = cap * 2;
                import_series **nt = hss_xcalloc(ncap, sizeof *nt);
                for (size_t i = 0; i < list.len; i++) {
                    import_series *x = HSS_VEC_AT(&list, import_series *, i);
                    size_t k = hash_str(x->key) & (ncap - 1);
                    while (nt[k])
                        k = (k + 1) & (ncap - 1);
                    nt[k] = x;
                }
                free(tab);
                tab = nt;
                cap = ncap;
            }
        } else {
            hss_buf_free(&key);
            if (day != s->last + 1) {
                char want[11];
                hss_surveil_day_string(s->last + 1, want);
                rc = hss_fail(err, HSS_EINVAL,
                              "%s:%zu: column date: '%s' for area %s, signal %s, source %s %s (line %zu had the day before; expected %s)",
                              path, line, date, ac, sig, src,
                              day > s->last + 1 ? "leaves a gap in the dates" : "is out of order or repeated",
                              s->last_line, want);
                break;
            }
            s->last = day;
            s->last_line = line;
            *(int32_t *)hss_vec_push(&s->counts) = (int32_t)v;
        }
        (*rows)++;
    }
    if (!rc && r < 0)
        rc = err ? err->code : HSS_EINVAL;
    free(last_area_ok);
    hss_store_finalize(area);
    if (!rc)
        rc = hss_store_begin(st, err);
    int in_tx = rc == HSS_OK;
    hss_stmt *prev = in_tx ? hss_store_prepare(st, "SELECT first_date, last_date FROM surveil_series WHERE area_code=? AND signal=? AND source=?", err) : NULL;
    if (in_tx && !prev)
        rc = HSS_EDB;
    for (size_t i = 0; i < list.len && !rc; i++) {
        import_series *s = HSS_VEC_AT(&list, import_series *, i);
        hss_surveil_bind_texts(prev, 1, 3, (const char *[]){s->area, s->signal, s->source});
        if (hss_store_step(prev) == HSS_ROW) {
            int ok;
            long f = hss_surveil_day_number(hss_store_col_text(prev, 0), &ok);
            long l = hss_surveil_day_number(hss_store_col_text(prev, 1), &ok);
            if (s->first > l + 1 || s->last < f - 1) {
                rc = hss_fail(err, HSS_EINVAL,
                              "%s:%zu: column date: area %s, signal %s, source %s starts %s but the stored series %s %s: gap in the dates",
                              path, s->first_line, s->area, s->signal, s->source, "at this line",
                              s->first > l + 1 ? "ends" : "starts",
                              hss_store_col_text(prev, s->first > l + 1 ? 1 : 0));
            }
        }
        hss_store_reset(prev);
        if (!rc)
            rc = hss_surveil_put_series(st, s->area, s->signal, s->source, s->first,
                                        (const int32_t *)s->counts.items, s->counts.len, err);
    }
    hss_store_finalize(prev);
    if (in_tx && list.len) {
        rc = hss_surveil_finish(st, rc, err);
    } else if (in_tx) { /* a header-only file changes nothing: no new data version */
        if (rc)
            hss_store_rollback(st);
        else
            rc = hss_store_commit(st, err);
    }
    for (size_t i = 0; i < list.len; i++) {
        import_series *s = HSS_VEC_AT(&list, import_series *, i);
        free(s->key);
        free(s->area);
        free(s->signal);
        free(s->source);
        hss_vec_free(&s->counts);
        free(s);
    }
    hss_vec_free(&list);
    free(tab);
    hss_csv_close(csv);
    return rc;
}

hss_code hss_surveil_finish(hss_store *st, hss_code rc, hss_error *err)
{
    if (!rc)
        rc = hss_store_bump_version(st, err);
    if (!rc)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    return rc;
}
