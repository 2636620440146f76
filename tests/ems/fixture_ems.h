/*
 * fixture_ems.h: the 120 tests' region, small enough to work every figure out on paper. A
 * straight two-way road of 20 edges, each 1 km at 60 km/h (one minute), nodes 0..20 at lon
 * 119.00 .. 119.20, lat 28.0. Villages sit at the nodes (nodes 0-4 urban, 5-20 rural; nodes 0-9
 * in county 331102, 10-20 in county 331121); station E0 at node 0 and centre E10 at node 10;
 * hospitals H5 (emergency department, node 5), H20 (chest-pain centre, node 20). Units: A1
 * (1/1/2, meets the crew standard) and A2 (1/1/1) at E0, B1 (0/1/2) at E10.
 */
#ifndef HSS_TEST_EMS_FIXTURE_H
#define HSS_TEST_EMS_FIXTURE_H

#include "access/fixture.h"
#include "ems/ems.h"

#define EMS_LAT 28.0
static inline double ems_lon(int k)
{
    return 119.0 + k * 0.01;
}

/* The village code at node k. */
static inline const char *ems_village(int k)
{
    static char code[4][32];
    static int turn;
    char *c = code[turn++ % 4];
    snprintf(c, 32, "%s%03d", k < 10 ? "331102001" : "331121001", k + 1);
    return c;
}

static inline void ems_exec(hss_store *st, const char *sql)
{
    assert_int_equal(hss_store_exec(st, sql, NULL), HSS_OK);
}

/* Builds the region, roads and units in dir/name; returns the database path. */
static inline char *ems_build(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s.roads.csv", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n");
    for (int k = 0; k < 20; k++)
        fprintf(f, "%d,%d,%.4f,%.4f,%.4f,%.4f,1000,60,0\n", k, k + 1, ems_lon(k), EMS_LAT, ems_lon(k + 1), EMS_LAT);
    fclose(f);
    hss_store *st = fx_open(dir, name);
    fx_area(st, "330000", NULL, "province", "rural", -1, NAN, NAN);
    fx_area(st, "331100", "330000", "city", "rural", -1, NAN, NAN);
    fx_area(st, "331102", "331100", "county", "urban", -1, NAN, NAN);
    fx_area(st, "331121", "331100", "county", "rural", -1, NAN, NAN);
    fx_area(st, "331102001", "331102", "township", "urban", -1, ems_lon(0), EMS_LAT);
    fx_area(st, "331121001", "331121", "township", "rural", -1, ems_lon(10), EMS_LAT);
    for (int k = 0; k <= 20; k++)
        fx_area(st, ems_village(k), k < 10 ? "331102001" : "331121001", "village", k < 5 ? "urban" : "rural",
                1000, ems_lon(k), EMS_LAT);
    fx_facility(st, "E0", "ems_station", "331102001", ems_lon(0), EMS_LAT, 0, 0);
    fx_facility(st, "E10", "ems_center", "331121001", ems_lon(10), EMS_LAT, 0, 0);
    fx_facility(st, "H5", "general_hospital", "331102001", ems_lon(5), EMS_LAT, 0, 0);
    fx_facility(st, "H20", "general_hospital", "331121001", ems_lon(20), EMS_LAT, 0, 0);
    ems_exec(st, "UPDATE facility SET services='emergency_department' WHERE code='H5';"
                 "UPDATE facility SET services='emergency_department;chest_pain_center' WHERE code='H20'");
    fx_changed(st);
    hss_error err;
    hss_roads_stats s;
    assert_int_equal(hss_access_import(st, path, NULL, NULL, &s, &err), HSS_OK);
    char *units = hss_test_write(dir, "units.csv",
                                 "unit,station_code,kind,doctors,drivers,aides\n"
                                 "A1,E0,ambulance,1,1,2\n"
                                 "A2,E0,negative_pressure_ambulance,1,1,1\n"
                                 "B1,E10,ambulance,0,1,2\n");
    size_t n = 0;
    assert_int_equal(hss_ems_units_import(st, units, &n, &err), HSS_OK);
    assert_int_equal(n, 3);
    free(units);
    char *db = hss_xstrdup(hss_store_path(st));
    hss_store_close(st);
    return db;
}

/* Four hand-made calls: two urban (331102), two rural (331121). Response minutes 9, 12, 20, 16. */
static const char EMS_CALLS[] =
    "call_id,received_at,lon,lat,village_code,priority,category,dispatched_at,unit,departed_at,on_scene_at,"
    "left_scene_at,at_hospital_at,handover_at,hospital,outcome\n"
    "c1,2025-03-01T08:00:00+08:00,119.03,28.0,331102001004,1,chest_pain,2025-03-01T08:01:00+08:00,A1,"
    "2025-03-01T08:03:00+08:00,2025-03-01T08:09:00+08:00,2025-03-01T08:20:00+08:00,2025-03-01T08:35:00+08:00,"
    "2025-03-01T08:45:00+08:00,H5,transported\n"
    "c2,2025-03-01T09:00:00+08:00,119.01,28.0,331102001002,2,other,2025-03-01T09:02:00+08:00,A1,"
    "2025-03-01T09:04:00+08:00,2025-03-01T09:12:00+08:00,2025-03-01T09:30:00+08:00,,,,treated_on_scene\n"
    "c3,2025-03-01T02:00:00Z,119.11,28.0,331121001012,1,trauma,2025-03-01T02:01:00Z,B1,"
    "2025-03-01T02:02:00Z,2025-03-01T02:20:00Z,2025-03-01T02:40:00Z,2025-03-01T03:00:00Z,2025-03-01T03:10:00Z,"
    "H20,transported\n"
    "c4,2025-04-01T10:00:00+0800,119.12,28.0,331121001013,2,,2025-04-01T10:01:00+08:00,B1,"
    "2025-04-01T10:03:00+08:00,2025-04-01T10:16:00+08:00,2025-04-01T10:30:00+08:00,,,,\n";

#endif
