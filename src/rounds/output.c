/*
 * output.c: a plan as JSON and tables, stored as rounds, and the demo hook that plans and
 * stores the demo region's rounds (labelled generated).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rounds/rounds_int.h"

static double round1(double x)
{
    return round(x * 10) / 10;
}

/* The vehicle's label: county and its number in the county's pool. */
static void vehicle_label(const hss_rounds_route *r, char out[24])
{
    snprintf(out, 24, "%s-%d", r->county, r->vehicle);
}

char *hss_rounds_plan_json(const hss_rounds_plan *p)
{
    cJSON *root = cJSON_CreateObject(), *routes = cJSON_AddArrayToObject(root, "routes");
    for (size_t i = 0; i < p->nroutes; i++) {
        const hss_rounds_route *r = &p->routes[i];
        cJSON *o = cJSON_CreateObject();
        char veh[24];
        vehicle_label(r, veh);
        cJSON_AddStringToObject(o, "vehicle", veh);
        cJSON_AddStringToObject(o, "home", r->home);
        cJSON_AddNumberToObject(o, "day", r->day);
        cJSON *stops = cJSON_AddArrayToObject(o, "stops");
        for (size_t k = 0; k < r->nstops; k++)
            cJSON_AddItemToArray(stops, cJSON_CreateString(r->stops[k]));
        cJSON_AddNumberToObject(o, "drive_minutes", round1(r->drive_minutes));
        cJSON_AddNumberToObject(o, "total_minutes", round1(r->total_minutes));
        cJSON_AddItemToArray(routes, o);
    }
    cJSON *un = cJSON_AddArrayToObject(root, "unserved");
    for (size_t i = 0; i < p->nunserved; i++)
        cJSON_AddItemToArray(un, cJSON_CreateString(p->unserved[i]));
    cJSON_AddNumberToObject(root, "lower_bound_minutes", round1(p->lower_bound));
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    char *out = hss_xstrdup(s);
    cJSON_free(s);
    return out;
}

hss_table *hss_rounds_plan_routes(const hss_rounds_plan *p)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "county", "县", HSS_COL_TEXT);
    hss_table_add_col(t, "vehicle", "车辆", HSS_COL_TEXT);
    hss_table_add_col(t, "day", "星期", HSS_COL_INT);
    hss_table_add_col(t, "round", "线路", HSS_COL_INT);
    hss_table_add_col(t, "home", "出发机构", HSS_COL_TEXT);
    hss_table_add_col(t, "stops", "巡诊村(顺序)", HSS_COL_TEXT);
    hss_table_add_col(t, "drive_minutes", "行车(分钟)", HSS_COL_REAL);
    hss_table_add_col(t, "total_minutes", "合计(分钟)", HSS_COL_REAL);
    for (size_t i = 0; i < p->nroutes; i++) {
        const hss_rounds_route *r = &p->routes[i];
        char veh[24];
        vehicle_label(r, veh);
        hss_buf b;
        hss_buf_init(&b);
        for (size_t k = 0; k < r->nstops; k++)
            hss_buf_printf(&b, "%s%s", k ? " " : "", r->stops[k]);
        hss_table_add_row(t);
        hss_table_set_text(t, 0, r->county);
        hss_table_set_text(t, 1, veh);
        hss_table_set_int(t, 2, r->day);
        hss_table_set_int(t, 3, r->round);
        hss_table_set_text(t, 4, r->home);
        hss_table_set_text(t, 5, b.data ? b.data : "");
        hss_table_set_real(t, 6, r->drive_minutes, 1);
        hss_table_set_real(t, 7, r->total_minutes, 1);
        hss_buf_free(&b);
    }
    return t;
}

static void summary_row(hss_table *t, const char *county, size_t villages, size_t served, int vehicles,
                        int needed, int held, double drive, double lb)
{
    hss_table_add_row(t);
    hss_table_set_text(t, 0, county);
    hss_table_set_int(t, 1, (long long)villages);
    hss_table_set_int(t, 2, (long long)served);
    hss_table_set_int(t, 3, vehicles);
    hss_table_set_int(t, 4, needed);
    hss_table_set_int(t, 5, held);
    hss_table_set_real(t, 6, drive, 1);
    hss_table_set_real(t, 7, lb, 1);
    if (drive > 0)
        hss_table_set_real(t, 8, (drive - lb) / drive, 4);
    else
        hss_table_set_null(t, 8);
}

hss_table *hss_rounds_plan_summary(const hss_rounds_plan *p)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "county", "县", HSS_COL_TEXT);
    hss_table_add_col(t, "villages", "需巡诊村数", HSS_COL_INT);
    hss_table_add_col(t, "served", "已排入村数", HSS_COL_INT);
    hss_table_add_col(t, "vehicles", "车辆数", HSS_COL_INT);
    hss_table_add_col(t, "vehicles_needed", "全覆盖所需车辆", HSS_COL_INT);
    hss_table_add_col(t, "vehicles_held", "现有巡回诊疗车", HSS_COL_INT);
    hss_table_add_col(t, "drive_minutes_week", "每周行车(分钟)", HSS_COL_REAL);
    hss_table_add_col(t, "lower_bound", "下界(分钟)", HSS_COL_REAL);
    hss_table_add_col(t, "gap", "差距", HSS_COL_REAL);
    size_t villages = 0, served = 0;
    int vehicles = 0, needed = 0, held = 0;
    for (size_t i = 0; i < p->ncounties; i++) {
        const hss_rounds_county *c = &p->counties[i];
        summary_row(t, c->county, c->villages, c->served, c->vehicles, c->vehicles_needed, c->vehicles_held,
                    c->drive_minutes, c->lower_bound);
        villages += c->villages;
        served += c->served;
        vehicles += c->vehicles;
        needed += c->vehicles_needed;
        held += c->vehicles_held;
    }
    summary_row(t, "total", villages, served, vehicles, needed, held, p->drive_minutes, p->lower_bound);
    return t;
}

/* Stores one county's rounds, one per round number with weekdays from its days, in place of
 * the rounds an earlier plan stored (imported rounds stay). */
static hss_code save_county(hss_store *st, const hss_rounds_plan *p, const char *county, int generated,
                            hss_error *err)
{
    hss_code rc = rdb_delete_generated(st, county, err);
    for (int round = 1; !rc; round++) {
        char weekdays[8] = "", code[40], vehicle[24];
        const hss_rounds_route *first = NULL;
        for (size_t i = 0; i < p->nroutes; i++) {
            const hss_rounds_route *r = &p->routes[i];
            if (strcmp(r->county, county) != 0 || r->round != round)
                continue;
            if (!first)
                first = r;
            size_t n = strlen(weekdays);
            weekdays[n] = (char)('0' + r->day);
            weekdays[n + 1] = 0;
        }
        if (!first)
            break;
        snprintf(code, sizeof code, "G%s-%02d", county, round);
        vehicle_label(first, vehicle);
        rdb_round rr = {code, county, vehicle, first->home, weekdays, "08:00", generated};
        if ((rc = rdb_round_put(st, &rr, err)))
            break;
        for (size_t k = 0; k < first->nstops && !rc; k++) {
            char vc[8];
            snprintf(vc, sizeof vc, "%.6s", first->stops[k]);
            int dwell = (int)lround((first->total_minutes - first->drive_minutes) / (double)first->nstops);
            rc = rdb_stop_put(st, code, vc, (int)k + 1, first->stops[k], dwell > 0 ? dwell : 1, "", err);
        }
        if (!rc)
            rc = rdb_stops_trim(st, code, (int)first->nstops, err);
    }
    return rc;
}

hss_code hss_rounds_plan_save(hss_store *st, const hss_rounds_plan *p, int generated, hss_error *err)
{
    hss_code rc = hss_store_begin(st, err);
    for (size_t i = 0; i < p->ncounties && !rc; i++)
        rc = save_county(st, p, p->counties[i].county, generated, err);
    if (!rc) {
        char detail[64];
        snprintf(detail, sizeof detail, "%zu routes", p->nroutes);
        rc = rdb_audit(st, "rounds plan --save", detail, err);
    }
    if (!rc)
        rc = hss_store_bump_version(st, err);
    if (!rc)
        return hss_store_commit(st, err);
    hss_store_rollback(st);
    return rc;
}

hss_code hss_rounds_demo(hss_store *st, hss_error *err)
{
    hss_rounds_plan_opts o;
    hss_rounds_plan_defaults(&o);
    hss_rounds_plan *p = NULL;
    hss_code rc = hss_rounds_plan_make(st, &o, &p, err);
    if (!rc)
        rc = hss_rounds_plan_save(st, p, 1, err);
    hss_rounds_plan_free(p);
    return rc;
}
