/*
 * series.c: reads one count series from a CSV with columns period,count, strictly: counts are
 * non-negative integers, and consecutive periods must not leave gaps (ISO dates one day or one
 * week apart, integer periods one apart), because every method counts periods by position.
 */
#include "surveil/surveil_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long hss_surveil_day_number(const char *s, int *ok)
{
    int y, m, d;
    char tail;
    *ok = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' || s[7] != '-')
        return -1;
    if (m < 1 || m > 12 || d < 1 || d > hss_month_days(y, m))
        return -1;
    *ok = 1;
    return hss_days_from_civil(y, m, d);
}

void hss_surveil_day_string(long day, char out[11])
{
    hss_day_format(day, out);
}

void hss_surveil_series_free(hss_surveil_series *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->period[i]);
    free(s->period);
    free(s->count);
    memset(s, 0, sizeof *s);
}

hss_code hss_surveil_series_read(const char *path, hss_surveil_series *s, hss_error *err)
{
    memset(s, 0, sizeof *s);
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err ? err->code : HSS_EIO;
    static const char *const req[] = {"period", "count", NULL};
    hss_code rc = hss_csv_read_header(csv, err);
    if (!rc)
        rc = hss_csv_require(csv, req, err);
    size_t cap = 0;
    long prev_num = 0, step = 0;
    int kind = -1; /* 0 date, 1 integer, 2 label */
    int r = 0;
    while (!rc && (r = hss_csv_next(csv, err)) == 1) {
        const char *per = hss_csv_get(csv, "period"), *cnt = hss_csv_get(csv, "count");
        size_t line = hss_csv_line(csv);
        int64_t v;
        if (!*per) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column period: empty", path, line);
            break;
        }
        if (hss_parse_int64(cnt, &v) != 0) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column count: '%s' is not a whole number", path, line, cnt);
            break;
        }
        if (v < 0) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column count: %lld is negative; counts must be >= 0", path, line, (long long)v);
            break;
        }
        int isdate = 0;
        long num = hss_surveil_day_number(per, &isdate);
        int64_t iv;
        int k = isdate ? 0 : hss_parse_int64(per, &iv) == 0 ? 1 : 2;
        if (k == 1)
            num = (long)iv;
        if (kind == -1)
            kind = k;
        else if (k != kind) {
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column period: '%s' is not the same kind of period as the first row", path, line, per);
            break;
        }
        if (s->n > 0 && kind != 2) {
            long d = num - prev_num;
            if (s->n == 1 && kind == 0 && (d == 1 || d == 7))
                step = d;
            else if (s->n == 1)
                step = 1;
            if (d != step) {
                rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column period: '%s' follows '%s': %s (periods must be consecutive and in order, %ld %s apart)",
                              path, line, per, s->period[s->n - 1], d > step ? "gap in the periods" : "out of order or repeated",
                              step, kind == 0 ? "day(s)" : "period(s)");
                break;
            }
        }
        prev_num = num;
        if (s->n == cap) {
            cap = cap ? cap * 2 : 256;
            s->period = hss_xrealloc(s->period, cap * sizeof *s->period);
            s->count = hss_xrealloc(s->count, cap * sizeof *s->count);
        }
        s->period[s->n] = hss_xstrdup(per);
        s->count[s->n] = (double)v;
        s->n++;
    }
    if (!rc && r < 0)
        rc = err ? err->code : HSS_EINVAL;
    if (!rc && s->n == 0)
        rc = hss_fail(err, HSS_EINVAL, "%s: no rows", path);
    hss_csv_close(csv);
    if (rc)
        hss_surveil_series_free(s);
    return rc;
}
