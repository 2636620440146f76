/*
 * util.c: small helpers shared by the plan module's files: actors, dates in Asia/Shanghai,
 * scopes as code ranges, and the county a row belongs to.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan/plan_int.h"

void hss_plan_actor_operator(hss_plan_actor *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->role, sizeof a->role, "admin");
    snprintf(a->ip, sizeof a->ip, "cli");
}

hss_code hss_plan_actor_load(hss_store *st, const char *user, const char *ip, hss_plan_actor *a,
                             hss_error *err)
{
    memset(a, 0, sizeof *a);
    snprintf(a->ip, sizeof a->ip, "%s", ip ? ip : "cli");
    return plan_db_actor(st, user, a, err);
}

int plan_is_reviewer(const hss_plan_actor *who)
{
    return strcmp(who->role, "admin") == 0 || strcmp(who->role, "planner") == 0;
}

void hss_plan_today(char out[11])
{
    /* China has kept UTC+8 all year since 1991: no zone database needed. */
    long day = (long)((time(NULL) + 8 * 3600) / 86400);
    hss_day_format(day, out);
}

int plan_parse_day(const char *s, long *day)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' || s[7] != '-')
        return -1;
    if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > hss_month_days(y, m))
        return -1;
    *day = hss_days_from_civil(y, m, d);
    return 0;
}

void plan_period_start(const char *as_of, char out[11])
{
    long day;
    if (plan_parse_day(as_of, &day) != 0) {
        snprintf(out, 11, "0000-00-00");
        return;
    }
    int y, m, d;
    hss_civil_from_days(day, &y, &m, &d);
    /* the last day of the previous month, then its first day */
    hss_civil_from_days(hss_days_from_civil(y, m, 1) - 1, &y, &m, &d);
    hss_day_format(hss_days_from_civil(y, m, 1), out);
}

/* The significant digits of an area code: 330000 -> 33, 331100 -> 3311, others whole. */
static void prefix(const char *code, char out[16])
{
    snprintf(out, 16, "%s", code ? code : "");
    if (strlen(out) == 6) {
        if (strcmp(out + 2, "0000") == 0)
            out[2] = 0;
        else if (strcmp(out + 4, "00") == 0)
            out[4] = 0;
    }
}

void plan_prefix_range(const char *scope, char lo[16], char hi[17])
{
    prefix(scope, lo);
    snprintf(hi, 17, "%s%s", lo, *lo ? ":" : "~");
}

int hss_plan_in_scope(const char *scope, const char *code)
{
    char p[16];
    prefix(scope, p);
    return code && strncmp(code, p, strlen(p)) == 0;
}

void plan_county_of(const char *area, char out[7])
{
    snprintf(out, 7, "%s", area ? area : "");
}

size_t plan_col(const hss_table *t, const char *name)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (strcmp(hss_table_col_name(t, c), name) == 0)
            return c;
    return (size_t)-1;
}
