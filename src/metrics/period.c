/*
 * period.c: the periods indicators are asked for: a month "2025-03", a quarter "2025Q1", a
 * year "2025" and the year to date "YTD2025-03" (January to March 2025).
 */
#include <stdio.h>
#include <string.h>

#include "metrics/internal.h"

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int mx_month_parse(const char *s, int *yyyymm)
{
    if (strlen(s) != 7 || s[4] != '-')
        return -1;
    int y = digits(s, 4), m = digits(s + 5, 2);
    if (y < 1900 || y > 2100 || m < 1 || m > 12)
        return -1;
    *yyyymm = y * 100 + m;
    return 0;
}

int mx_period_parse(const char *s, mx_period *p)
{
    size_t n = strlen(s);
    int ym;
    if (n == 10 && strncmp(s, "YTD", 3) == 0 && mx_month_parse(s + 3, &ym) == 0) {
        *p = (mx_period){MX_YTD, ym / 100, ym % 100};
        return 0;
    }
    if (mx_month_parse(s, &ym) == 0) {
        *p = (mx_period){MX_MONTH, ym / 100, ym % 100};
        return 0;
    }
    if (n == 6 && s[4] == 'Q') {
        int y = digits(s, 4), q = digits(s + 5, 1);
        if (y >= 1900 && y <= 2100 && q >= 1 && q <= 4) {
            *p = (mx_period){MX_QUARTER, y, q};
            return 0;
        }
        return -1;
    }
    if (n == 4) {
        int y = digits(s, 4);
        if (y >= 1900 && y <= 2100) {
            *p = (mx_period){MX_YEAR, y, 0};
            return 0;
        }
    }
    return -1;
}

void mx_period_format(const mx_period *p, char *buf, size_t n)
{
    switch (p->type) {
    case MX_MONTH:
        snprintf(buf, n, "%04d-%02d", p->year, p->n);
        break;
    case MX_QUARTER:
        snprintf(buf, n, "%04dQ%d", p->year, p->n);
        break;
    case MX_YEAR:
        snprintf(buf, n, "%04d", p->year);
        break;
    case MX_YTD:
        snprintf(buf, n, "YTD%04d-%02d", p->year, p->n);
        break;
    }
}

mx_period mx_period_prev(const mx_period *p)
{
    mx_period q = *p;
    switch (p->type) {
    case MX_MONTH:
        if (--q.n == 0) {
            q.n = 12;
            q.year--;
        }
        break;
    case MX_QUARTER:
        if (--q.n == 0) {
            q.n = 4;
            q.year--;
        }
        break;
    case MX_YEAR:
    case MX_YTD:
        q.year--;
        break;
    }
    return q;
}
