/*
 * model.c: the in-memory areas, facilities, units and calls the 120 module works on, with the
 * lookups the importer, the measures and the dispatcher share (area ancestors, station and
 * hospital tests, when a unit is free again), and ISO 8601 times.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ems/ems_int.h"

const char *const EMS_STEP_NAME[EMS_NSTEPS] = {"received_at", "dispatched_at", "departed_at",
                                               "on_scene_at", "left_scene_at", "at_hospital_at",
                                               "handover_at"};

/* ---- areas ------------------------------------------------------------------------------ */

hss_code ems_areas_load(hss_store *st, ems_areas *A, hss_error *err)
{
    return ems_db_areas(st, A, err);
}

void ems_areas_free(ems_areas *A)
{
    for (size_t i = 0; i < A->n; i++) {
        free(A->a[i].code);
        free(A->a[i].parent);
        free(A->a[i].name);
    }
    free(A->a);
    memset(A, 0, sizeof *A);
}

const ems_area *ems_area_find(const ems_areas *A, const char *code)
{
    size_t lo = 0, hi = A->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(A->a[mid].code, code);
        if (c == 0)
            return &A->a[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const ems_area *ems_area_up(const ems_areas *A, const ems_area *a, int level)
{
    /* the tree is at most five deep; the bound guards against a cycle in bad data */
    for (int guard = 0; a && guard < 8; guard++) {
        if (a->level == level)
            return a;
        if (a->level < level || !*a->parent)
            return NULL;
        a = ems_area_find(A, a->parent);
    }
    return NULL;
}

int ems_area_under(const ems_areas *A, const ems_area *a, const char *under)
{
    if (!under)
        return 1;
    for (int guard = 0; a && guard < 8; guard++) {
        if (strcmp(a->code, under) == 0)
            return 1;
        if (!*a->parent)
            return 0;
        a = ems_area_find(A, a->parent);
    }
    return 0;
}

/* ---- facilities ------------------------------------------------------------------------- */

hss_code ems_facs_load(hss_store *st, ems_facs *F, hss_error *err)
{
    return ems_db_facilities(st, F, err);
}

void ems_facs_free(ems_facs *F)
{
    for (size_t i = 0; i < F->n; i++) {
        free(F->f[i].code);
        free(F->f[i].name);
        free(F->f[i].type);
        free(F->f[i].area);
        free(F->f[i].services);
    }
    free(F->f);
    memset(F, 0, sizeof *F);
}

const ems_fac *ems_fac_find(const ems_facs *F, const char *code)
{
    size_t lo = 0, hi = F->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(F->f[mid].code, code);
        if (c == 0)
            return &F->f[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int ems_fac_is_station(const ems_fac *f)
{
    return strcmp(f->type, "ems_station") == 0 || strcmp(f->type, "ems_center") == 0;
}

int ems_fac_has_service(const ems_fac *f, const char *service)
{
    size_t n = strlen(service);
    for (const char *p = f->services; (p = strstr(p, service)) != NULL; p += n)
        if ((p == f->services || p[-1] == ';') && (p[n] == '\0' || p[n] == ';'))
            return 1;
    return 0;
}

int ems_fac_is_hospital(const ems_fac *f)
{
    return strstr(f->type, "hospital") != NULL;
}

/* ---- units and calls -------------------------------------------------------------------- */

ems_unit *ems_units_push(ems_units *U)
{
    if (U->n == U->cap) {
        U->cap = U->cap ? U->cap * 2 : 32;
        U->u = hss_xrealloc(U->u, U->cap * sizeof *U->u);
    }
    memset(&U->u[U->n], 0, sizeof *U->u);
    return &U->u[U->n++];
}

void ems_units_free(ems_units *U)
{
    for (size_t i = 0; i < U->n; i++) {
        free(U->u[i].code);
        free(U->u[i].station);
        free(U->u[i].county);
        free(U->u[i].kind);
    }
    free(U->u);
    memset(U, 0, sizeof *U);
}

ems_call *ems_calls_push(ems_calls *C)
{
    if (C->n == C->cap) {
        C->cap = C->cap ? C->cap * 2 : 256;
        C->c = hss_xrealloc(C->c, C->cap * sizeof *C->c);
    }
    ems_call *c = &C->c[C->n++];
    memset(c, 0, sizeof *c);
    for (int k = 0; k < EMS_NSTEPS; k++)
        c->t[k] = HSS_EMS_NO_TIME;
    return c;
}

void ems_calls_free(ems_calls *C)
{
    for (size_t i = 0; i < C->n; i++) {
        ems_call *c = &C->c[i];
        free(c->id);
        free(c->county);
        free(c->village);
        free(c->priority);
        free(c->category);
        free(c->unit);
        free(c->hospital);
        free(c->outcome);
    }
    free(C->c);
    memset(C, 0, sizeof *C);
}

int64_t ems_call_busy_end(const ems_call *c)
{
    if (c->t[EMS_HANDOVER] != HSS_EMS_NO_TIME)
        return c->t[EMS_HANDOVER];
    if (c->t[EMS_AT_HOSPITAL] == HSS_EMS_NO_TIME && c->t[EMS_LEFT_SCENE] != HSS_EMS_NO_TIME)
        return c->t[EMS_LEFT_SCENE];
    for (int k = EMS_NSTEPS - 1; k >= 0; k--)
        if (c->t[k] != HSS_EMS_NO_TIME)
            return c->t[k];
    return HSS_EMS_NO_TIME;
}

int ems_unit_crew_ok(const ems_unit *u)
{
    return u->doctors >= 1 && u->drivers >= 1 && u->aides >= 2;
}

/* ---- times ------------------------------------------------------------------------------ */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Parses the date and clock part; returns the characters read or -1. */
static int parse_local(const char *s, int64_t *secs)
{
    int y, mo, d, h, mi, se = 0, n = 16;
    if (strlen(s) < 16 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi))
        return -1;
    if (s[16] == ':') {
        if (digits(s + 17, 2, &se))
            return -1;
        n = 19;
        if (s[19] == '.')
            for (n = 20; s[n] >= '0' && s[n] <= '9'; n++)
                ;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > hss_month_days(y, mo) || h > 23 || mi > 59 || se > 59)
        return -1;
    *secs = (int64_t)hss_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return n;
}

int hss_ems_time_parse(const char *s, int64_t *out)
{
    int64_t local;
    int n = parse_local(s, &local);
    if (n < 0)
        return -1;
    const char *z = s + n;
    if (strcmp(z, "Z") == 0) {
        *out = local;
        return 0;
    }
    int oh, om;
    if ((z[0] != '+' && z[0] != '-') || digits(z + 1, 2, &oh) || oh > 14)
        return -1;
    const char *m = z[3] == ':' ? z + 4 : z + 3;
    if (digits(m, 2, &om) || om > 59 || m[2] != '\0')
        return -1;
    int64_t off = (int64_t)(oh * 3600 + om * 60) * (z[0] == '-' ? -1 : 1);
    *out = local - off;
    return 0;
}

int hss_ems_day_parse(const char *s, int64_t *out)
{
    int y, mo, d;
    if (strlen(s) == 10 && !digits(s, 4, &y) && s[4] == '-' && !digits(s + 5, 2, &mo) && s[7] == '-' &&
        !digits(s + 8, 2, &d) && mo >= 1 && mo <= 12 && d >= 1 && d <= hss_month_days(y, mo)) {
        *out = (int64_t)hss_days_from_civil(y, mo, d) * 86400 - 8 * 3600;
        return 0;
    }
    return hss_ems_time_parse(s, out);
}

void hss_ems_time_format(int64_t t, char out[32])
{
    int64_t local = t + 8 * 3600;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t sec = local - day * 86400;
    int y, m, d;
    hss_civil_from_days((long)day, &y, &m, &d);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d, (int)(sec / 3600),
             (int)(sec / 60 % 60), (int)(sec % 60));
}
