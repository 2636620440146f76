/*
 * idcard.c: calendar days and the 18-digit citizen ID number (公民身份号码, GB 11643-1999).
 * An ID is a 6-digit address code, an 8-digit birth date, a 3-digit sequence (odd for men,
 * even for women) and a check character computed with ISO 7064 MOD 11-2. IDs are shown only
 * masked (first 4 and last 4 characters).
 */
#include "care/care.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int ymd_valid(int y, int m, int d)
{
    return y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= hss_month_days(y, m);
}

int hss_care_parse_day(const char *s, int allow_time, int32_t *day)
{
    if (!s)
        return -1;
    size_t n = strlen(s);
    if (n < 10 || s[4] != '-' || s[7] != '-')
        return -1;
    if (n > 10) {
        if (!allow_time || (s[10] != 'T' && s[10] != ' '))
            return -1;
        /* THH:MM or THH:MM:SS */
        const char *t = s + 11;
        size_t tn = n - 11;
        if (!(tn == 5 || tn == 8) || t[2] != ':' || (tn == 8 && t[5] != ':'))
            return -1;
        int hh = digits(t, 2), mm = digits(t + 3, 2), ss = tn == 8 ? digits(t + 6, 2) : 0;
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
            return -1;
    }
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0 || !ymd_valid(y, m, d))
        return -1;
    *day = (int32_t)hss_days_from_civil(y, m, d);
    return 0;
}

void hss_care_format_day(int32_t day, char *out)
{
    hss_day_format(day, out);
}

int32_t hss_care_today(void)
{
    return (int32_t)(time(NULL) / 86400);
}

int hss_care_age(int32_t birth, int32_t day)
{
    int by, bm, bd, y, m, d;
    hss_civil_from_days(birth, &by, &bm, &bd);
    hss_civil_from_days(day, &y, &m, &d);
    int age = y - by;
    if (m < bm || (m == bm && d < bd))
        age--;
    return age;
}

char hss_care_id_check_char(const char *first17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * w[i];
    return map[sum % 11];
}

const char *hss_care_id_check(const char *id)
{
    if (!id || strlen(id) != 18)
        return "a citizen ID number has 18 characters";
    for (int i = 0; i < 17; i++)
        if (!isdigit((unsigned char)id[i]))
            return "the first 17 characters of a citizen ID number must be digits";
    char last = (char)toupper((unsigned char)id[17]);
    if (!isdigit((unsigned char)last) && last != 'X')
        return "the last character of a citizen ID number must be a digit or X";
    int y = digits(id + 6, 4), m = digits(id + 10, 2), d = digits(id + 12, 2);
    if (!ymd_valid(y, m, d))
        return "characters 7-14 of the ID are not a valid birth date";
    if (hss_care_id_check_char(id) != last)
        return "bad check digit (GB 11643 ISO 7064 MOD 11-2)";
    return NULL;
}

void hss_care_id_birth(const char *id, char *out)
{
    snprintf(out, 11, "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
}

const char *hss_care_id_sex(const char *id)
{
    return ((id[16] - '0') % 2) ? "male" : "female";
}

void hss_care_id_mask(const char *id, char *out)
{
    if (id && strlen(id) == 18) {
        memcpy(out, id, 4);
        memset(out + 4, '*', 10);
        memcpy(out + 14, id + 14, 4);
        out[17] = (char)toupper((unsigned char)out[17]);
    } else {
        memset(out, '*', 18);
    }
    out[18] = 0;
}
