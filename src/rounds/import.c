/*
 * import.c: rounds and stationed doctors from CSV. Strict: every field is checked (codes must
 * name stored villages and facilities, weekdays are ISO digits, times HH:MM, orders 1..n), any
 * bad value fails the whole file with "file:line: column 'x': value 'v' why", and nothing is
 * stored unless everything is. A round in the file replaces the stored round of that code; a
 * column absent from the file (start, place, days_per_week) leaves stored values alone.
 */
#include <stdlib.h>
#include <string.h>

#include "rounds/rounds_int.h"

typedef struct {
    hss_csv *csv;
    hss_store *st;
    hss_error *err;
} reader;

static hss_code bad(reader *R, const char *column, const char *value, const char *why)
{
    return hss_fail(R->err, HSS_EINVAL, "%s:%zu: column '%s': value '%s' %s", hss_csv_name(R->csv),
                    hss_csv_line(R->csv), column, value, why);
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    int64_t v;
    if (hss_parse_int64(s, &v) || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* ISO weekdays as increasing digits 1..7 ("135"). */
static int weekdays_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 7)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '1' || s[i] > '7' || (i && s[i] <= s[i - 1]))
            return 0;
    return 1;
}

static int time_ok(const char *s)
{
    return strlen(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
           s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' && (s[0] < '2' || s[1] <= '3');
}

/* A code column that must name a stored village. */
static hss_code check_village(reader *R, const char *column, const char *v)
{
    char level[16];
    rdb_area_level(R->st, v, level);
    if (!*level)
        return bad(R, column, v, "is not a stored area");
    if (strcmp(level, "village") != 0)
        return bad(R, column, v, "is not a village (level-5 area)");
    return HSS_OK;
}

/* The round being read: its fields must agree on every row. */
typedef struct {
    char *code, *vehicle, *home, *weekdays, *start;
    char county[8];
    int maxseq, nstops;
    unsigned char *seen; /* seq already given */
    size_t seencap;
} round_acc;

static void acc_free(round_acc *a)
{
    free(a->code);
    free(a->vehicle);
    free(a->home);
    free(a->weekdays);
    free(a->start);
    free(a->seen);
}

static hss_code same(reader *R, const char *column, const char *have, const char *now)
{
    if (have && now && strcmp(have, now) != 0)
        return bad(R, column, now, "differs from the round's earlier rows");
    return HSS_OK;
}

/* Checks one row against the round's earlier rows (or starts the round). */
static hss_code round_row(reader *R, round_acc *a, int has_start, int seq)
{
    const char *vehicle = hss_csv_get(R->csv, "vehicle"), *home = hss_csv_get(R->csv, "home"),
               *wd = hss_csv_get(R->csv, "weekdays"), *start = has_start ? hss_csv_get(R->csv, "start") : NULL;
    hss_code rc;
    if (!*vehicle || strlen(vehicle) > 60)
        return bad(R, "vehicle", vehicle, "must be a label of 1 to 60 bytes");
    if (!weekdays_ok(wd))
        return bad(R, "weekdays", wd, "must be ISO weekday digits in increasing order, e.g. 135 for Mon, Wed, Fri");
    if (start && !time_ok(start))
        return bad(R, "start", start, "must be a time HH:MM");
    if (!a->home) {
        char *area = rdb_facility_area(R->st, home);
        if (!area)
            return bad(R, "home", home, "is not a stored facility");
        snprintf(a->county, sizeof a->county, "%.6s", area);
        free(area);
        a->vehicle = hss_xstrdup(vehicle);
        a->home = hss_xstrdup(home);
        a->weekdays = hss_xstrdup(wd);
        a->start = start ? hss_xstrdup(start) : NULL;
    } else if ((rc = same(R, "vehicle", a->vehicle, vehicle)) || (rc = same(R, "home", a->home, home)) ||
               (rc = same(R, "weekdays", a->weekdays, wd)) || (rc = same(R, "start", a->start, start))) {
        return rc;
    }
    if ((size_t)seq >= a->seencap) {
        size_t cap = (size_t)seq * 2 + 8;
        a->seen = hss_xrealloc(a->seen, cap);
        memset(a->seen + a->seencap, 0, cap - a->seencap);
        a->seencap = cap;
    }
    if (a->seen[seq])
        return bad(R, "seq", hss_csv_get(R->csv, "seq"), "repeats an earlier stop of this round");
    a->seen[seq] = 1;
    a->nstops++;
    if (seq > a->maxseq)
        a->maxseq = seq;
    return HSS_OK;
}

/* Rounds of the file by code, in order of first appearance. */
typedef struct {
    round_acc *r;
    size_t n;
} round_set;

static round_acc *round_of(round_set *rs, const char *code)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].code, code) == 0)
            return &rs->r[i];
    rs->r = hss_xrealloc(rs->r, (rs->n + 1) * sizeof *rs->r);
    round_acc *a = &rs->r[rs->n++];
    memset(a, 0, sizeof *a);
    a->code = hss_xstrdup(code);
    return a;
}

static hss_code import_rounds(reader *R, hss_rounds_import_stats *stats)
{
    static const char *const req[] = {"round", "vehicle", "home", "weekdays", "seq", "village", "dwell_min", NULL};
    hss_code rc = hss_csv_require(R->csv, req, R->err);
    if (rc)
        return rc;
    int has_start = hss_csv_col(R->csv, "start") >= 0, has_place = hss_csv_col(R->csv, "place") >= 0;
    round_set rs = {NULL, 0};
    int k;
    while (!rc && (k = hss_csv_next(R->csv, R->err)) == 1) {
        const char *code = hss_csv_get(R->csv, "round"), *village = hss_csv_get(R->csv, "village");
        const char *place = has_place ? hss_csv_get(R->csv, "place") : NULL;
        int seq, dwell;
        if (!*code || strlen(code) > 60)
            rc = bad(R, "round", code, "must be a code of 1 to 60 bytes");
        else if (parse_int(hss_csv_get(R->csv, "seq"), 1, 999, &seq))
            rc = bad(R, "seq", hss_csv_get(R->csv, "seq"), "must be the stop's order, 1 to 999");
        else if (parse_int(hss_csv_get(R->csv, "dwell_min"), 1, 720, &dwell))
            rc = bad(R, "dwell_min", hss_csv_get(R->csv, "dwell_min"), "must be whole minutes, 1 to 720");
        else if (place && strlen(place) > 120)
            rc = bad(R, "place", place, "is longer than 120 bytes");
        else if (!(rc = check_village(R, "village", village)) &&
                 !(rc = round_row(R, round_of(&rs, code), has_start, seq))) {
            round_acc *a = round_of(&rs, code);
            if (a->nstops == 1 && !(rc = rdb_round_put(R->st, &(rdb_round){a->code, a->county, a->vehicle, a->home,
                                                                               a->weekdays, a->start, 0}, R->err)))
                stats->rounds++;
            char county[8];
            snprintf(county, sizeof county, "%.6s", village);
            if (!rc && !(rc = rdb_stop_put(R->st, code, county, seq, village, dwell, place, R->err)))
                stats->stops++;
        }
    }
    if (!rc && k < 0)
        rc = R->err->code;
    for (size_t i = 0; i < rs.n && !rc; i++) {
        round_acc *a = &rs.r[i];
        if (a->maxseq != a->nstops)
            rc = hss_fail(R->err, HSS_EINVAL, "%s: round '%s': column 'seq': stops must be numbered 1 to %d without gaps",
                          hss_csv_name(R->csv), a->code, a->nstops);
        else
            rc = rdb_stops_trim(R->st, a->code, a->nstops, R->err);
    }
    for (size_t i = 0; i < rs.n; i++)
        acc_free(&rs.r[i]);
    free(rs.r);
    return rc;
}

static hss_code import_stationed(reader *R, hss_rounds_import_stats *stats)
{
    static const char *const req[] = {"village", "facility", "doctors", NULL};
    hss_code rc = hss_csv_require(R->csv, req, R->err);
    if (rc)
        return rc;
    int has_days = hss_csv_col(R->csv, "days_per_week") >= 0;
    int k;
    while (!rc && (k = hss_csv_next(R->csv, R->err)) == 1) {
        const char *village = hss_csv_get(R->csv, "village"), *fac = hss_csv_get(R->csv, "facility");
        int doctors, days = 0;
        char *area = NULL;
        if ((rc = check_village(R, "village", village)))
            break;
        if (!(area = rdb_facility_area(R->st, fac)))
            rc = bad(R, "facility", fac, "is not a stored facility");
        else if (parse_int(hss_csv_get(R->csv, "doctors"), 1, 99, &doctors))
            rc = bad(R, "doctors", hss_csv_get(R->csv, "doctors"), "must be a whole number of doctors, 1 to 99");
        else if (has_days && parse_int(hss_csv_get(R->csv, "days_per_week"), 1, 7, &days))
            rc = bad(R, "days_per_week", hss_csv_get(R->csv, "days_per_week"), "must be 1 to 7");
        else {
            char county[8];
            snprintf(county, sizeof county, "%.6s", village);
            if (!(rc = rdb_stationed_put(R->st, village, fac, county, doctors, days, R->err)))
                stats->stationed++;
        }
        free(area);
    }
    if (!rc && k < 0)
        rc = R->err->code;
    return rc;
}

hss_code hss_rounds_import(hss_store *st, const char *path, hss_rounds_import_stats *stats, hss_error *err)
{
    hss_rounds_import_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err->code ? err->code : HSS_EIO;
    hss_code rc = hss_csv_read_header(csv, err);
    reader R = {csv, st, err};
    int rounds = hss_csv_col(csv, "round") >= 0, stationed = hss_csv_col(csv, "doctors") >= 0;
    if (!rc && rounds == stationed)
        rc = hss_fail(err, HSS_EINVAL, "%s:1: the header must have a 'round' column (rounds) or a 'doctors' "
                      "column (stationed doctors), not %s", path, rounds ? "both" : "neither");
    if (!rc)
        rc = hss_store_begin(st, err);
    if (rc) {
        hss_csv_close(csv);
        return rc;
    }
    rc = rounds ? import_rounds(&R, stats) : import_stationed(&R, stats);
    if (!rc) {
        char detail[160];
        snprintf(detail, sizeof detail, "%zu rounds, %zu stops, %zu stationed", stats->rounds, stats->stops,
                 stats->stationed);
        rc = rdb_audit(st, "rounds import", detail, err);
    }
    if (!rc)
        rc = hss_store_bump_version(st, err);
    if (!rc)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    hss_csv_close(csv);
    if (rc)
        memset(stats, 0, sizeof *stats);
    return rc;
}
