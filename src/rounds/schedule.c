/*
 * schedule.c: what is stored, as tables, and the residents' view: when the mobile clinic comes
 * to a village next, where it stops and at what time. Arrival times add the road minutes of the
 * round (from the access module) and the dwell times of the stops before; without a road
 * network the date and place are still known and the time is left empty.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "rounds/rounds_int.h"

/* Hands the filled table t out, or frees it when filling it failed with rc. */
static hss_code table_out(hss_table *t, hss_code rc, hss_table **out)
{
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    *out = t;
    return HSS_OK;
}

hss_code hss_rounds_list(hss_store *st, const char *under, hss_table **out, hss_error *err)
{
    hss_table *t = hss_table_new();
    static const char *const cols[][2] = {
        {"round", "线路"}, {"county", "县"}, {"vehicle", "车辆"}, {"home", "出发机构"}, {"home_name", "出发机构名称"},
        {"weekdays", "星期"}, {"start", "出发时间"}, {"seq", "顺序"}, {"village", "村"}, {"village_name", "村名"},
        {"dwell_min", "停留(分钟)"}, {"place", "地点"}, {"generated", "生成数据"}};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        hss_table_add_col(t, cols[i][0], cols[i][1],
                          i == 7 || i == 10 || i == 12 ? HSS_COL_INT : HSS_COL_TEXT);
    return table_out(t, rdb_list_rounds(st, under, t, err), out);
}

hss_code hss_rounds_stationed_list(hss_store *st, const char *under, hss_table **out, hss_error *err)
{
    hss_table *t = hss_table_new();
    static const char *const cols[][2] = {
        {"village", "村"}, {"village_name", "村名"}, {"facility", "派出机构"}, {"facility_name", "派出机构名称"},
        {"county", "县"}, {"doctors", "派驻医生数"}, {"days_per_week", "每周天数"}, {"generated", "生成数据"}};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        hss_table_add_col(t, cols[i][0], cols[i][1], i >= 5 ? HSS_COL_INT : HSS_COL_TEXT);
    return table_out(t, rdb_list_stationed(st, under, t, err), out);
}

/* Today's day number in Asia/Shanghai (UTC+8, no daylight saving). */
static long today_shanghai(void)
{
    return (long)(((long long)time(NULL) + 8 * 3600) / 86400);
}

static int parse_day(const char *s, long *day)
{
    int y, m, d;
    char tail;
    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
        d > hss_month_days(y, m) || strlen(s) != 10)
        return -1;
    *day = hss_days_from_civil(y, m, d);
    return 0;
}

/* Minutes after the round's start at which it reaches and leaves stop `at` (rows[lo..hi) are
 * the round's stops in order); -1 when the road network cannot say. */
static void stop_times(hss_store *st, const rdb_stop_row *rows, size_t lo, size_t hi, size_t at, double *arrive,
                       double *leave)
{
    size_t k = hi - lo, N = k + 1;
    const char **codes = hss_xmalloc(N * sizeof *codes);
    double *t = hss_xmalloc(N * N * sizeof *t);
    codes[0] = rows[lo].home;
    for (size_t i = 0; i < k; i++)
        codes[i + 1] = rows[lo + i].village;
    hss_error err;
    hss_error_clear(&err);
    *arrive = *leave = -1;
    hss_access_tt *tt = NULL;
    if (hss_access_tt_open(st, &tt, &err) == HSS_OK && hss_access_tt_places(tt, st, codes, N, 0, t, &err) == HSS_OK) {
        double clock = 0;
        for (size_t i = 0; i < k; i++) {
            clock += t[i * N + i + 1];
            if (!isfinite(clock))
                break;
            if (lo + i == at) {
                *arrive = clock;
                *leave = clock + rows[at].dwell;
                break;
            }
            clock += rows[lo + i].dwell;
        }
    }
    hss_access_tt_free(tt);
    free(codes);
    free(t);
}

static void clock_text(const char *start, double minutes, char out[8])
{
    int h = 0, m = 0;
    sscanf(start, "%d:%d", &h, &m);
    long total = h * 60 + m + lround(minutes);
    snprintf(out, 8, "%02ld:%02ld", (total / 60) % 24, total % 60);
}

typedef struct {
    long day;
    double arrive, leave;
    size_t row;
} visit;

static int cmp_visit(const void *a, const void *b)
{
    const visit *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->arrive < y->arrive ? -1 : x->arrive > y->arrive;
}

static hss_table *schedule_table(void)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "date", "日期", HSS_COL_TEXT);
    hss_table_add_col(t, "weekday", "星期", HSS_COL_INT);
    hss_table_add_col(t, "arrive", "到达", HSS_COL_TEXT);
    hss_table_add_col(t, "leave", "离开", HSS_COL_TEXT);
    hss_table_add_col(t, "place", "地点", HSS_COL_TEXT);
    hss_table_add_col(t, "round", "线路", HSS_COL_TEXT);
    hss_table_add_col(t, "vehicle", "车辆", HSS_COL_TEXT);
    hss_table_add_col(t, "home", "出发机构", HSS_COL_TEXT);
    hss_table_add_col(t, "home_name", "出发机构名称", HSS_COL_TEXT);
    return t;
}

hss_code hss_rounds_schedule(hss_store *st, const char *village, const char *from, int days,
                             hss_table **out, hss_error *err)
{
    char level[16];
    rdb_area_level(st, village, level);
    if (strcmp(level, "village") != 0)
        return hss_fail(err, HSS_ENOTFOUND, "village '%s' is not stored", village);
    long day0 = today_shanghai();
    if (from && parse_day(from, &day0))
        return hss_fail(err, HSS_EINVAL, "--from must be a date YYYY-MM-DD, not '%s'", from);
    if (days < 1 || days > 366)
        return hss_fail(err, HSS_EINVAL, "--days must be 1 to 366, not %d", days);
    rdb_stop_row *rows;
    size_t n;
    hss_code rc = rdb_village_rounds(st, village, &rows, &n, err);
    if (rc)
        return rc;
    visit *v = NULL;
    size_t nv = 0;
    for (size_t lo = 0; lo < n;) {
        size_t hi = lo;
        while (hi < n && strcmp(rows[hi].round, rows[lo].round) == 0)
            hi++;
        for (size_t at = lo; at < hi; at++) {
            if (strcmp(rows[at].village, village) != 0)
                continue;
            double arrive, leave;
            stop_times(st, rows, lo, hi, at, &arrive, &leave);
            for (long d = day0; d < day0 + days; d++) {
                char iso = (char)('0' + ((d + 3) % 7 + 7) % 7 + 1);
                if (!strchr(rows[at].weekdays, iso))
                    continue;
                v = hss_xrealloc(v, (nv + 1) * sizeof *v);
                v[nv++] = (visit){d, arrive, leave, at};
            }
        }
        lo = hi;
    }
    qsort(v, nv, sizeof *v, cmp_visit);
    hss_table *t = schedule_table();
    for (size_t i = 0; i < nv; i++) {
        const rdb_stop_row *r = &rows[v[i].row];
        char date[11], a[8], l[8];
        hss_day_format(v[i].day, date);
        hss_table_add_row(t);
        hss_table_set_text(t, 0, date);
        hss_table_set_int(t, 1, ((v[i].day + 3) % 7 + 7) % 7 + 1);
        if (v[i].arrive >= 0) {
            clock_text(r->start, v[i].arrive, a);
            clock_text(r->start, v[i].leave, l);
            hss_table_set_text(t, 2, a);
            hss_table_set_text(t, 3, l);
        } else {
            hss_table_set_null(t, 2);
            hss_table_set_null(t, 3);
        }
        hss_table_set_text(t, 4, *r->place ? r->place : r->village_name);
        hss_table_set_text(t, 5, r->round);
        hss_table_set_text(t, 6, r->vehicle);
        hss_table_set_text(t, 7, r->home);
        hss_table_set_text(t, 8, r->home_name);
    }
    free(v);
    free(rows);
    *out = t;
    return HSS_OK;
}
