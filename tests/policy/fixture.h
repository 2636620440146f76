/*
 * fixture.h: a small hand-built region in a real SQLite file, shared by the policy tests.
 * Every expected value in the tests is worked out by hand from these rows (see comments).
 *
 *   331100 测试市 (city, population not recorded -> derived only if every county has one)
 *   ├─ 331102 甲区 urban, 100,000
 *   │   ├─ 331102001 甲一街道 urban 60,000: F1 general 3A, F5 community centre (no staff),
 *   │   │                                    F7 EMS centre (2 ambulances + 2 negative-pressure)
 *   │   └─ 331102002 甲二街道 urban 40,000: F2 general 3B
 *   ├─ 331121 乙县 rural, population NULL (derived from its one township: 45,000)
 *   │   └─ 331121001 乙一镇 rural 45,000: F3 TCM 2A (no beds recorded), F4 township centre
 *   │       ├─ 331121001001 village 1,200: F6 village clinic (collective, 1 physician)
 *   │       ├─ 331121001002 village 1,001: no clinic
 *   │       ├─ 331121001003 village 1,000: no clinic (exactly 1,000: not "over 1,000")
 *   │       └─ 331121001004 village, population NULL
 *   ├─ 331122 丙县 rural, population 0
 *   ├─ 331123 丁县 rural, population NULL, no children
 *   └─ 331124 戊县 rural, 40,000
 *       └─ 331124001 戊一镇 rural 40,000: F8 EMS station (3 ambulances + 1 negative-pressure)
 */
#ifndef HSS_POLICY_FIXTURE_H
#define HSS_POLICY_FIXTURE_H

#include "testutil.h"
#include "report/report.h"

static const char FIXTURE_SQL[] =
    "INSERT INTO area(code,parent_code,level,name,kind,population) VALUES"
    " ('331100',NULL,'city','测试市','urban',NULL),"
    " ('331102','331100','county','甲区','urban',100000),"
    " ('331102001','331102','township','甲一街道','urban',60000),"
    " ('331102002','331102','township','甲二街道','urban',40000),"
    " ('331121','331100','county','乙县','rural',NULL),"
    " ('331121001','331121','township','乙一镇','rural',45000),"
    " ('331121001001','331121001','village','一村','rural',1200),"
    " ('331121001002','331121001','village','二村','rural',1001),"
    " ('331121001003','331121001','village','三村','rural',1000),"
    " ('331121001004','331121001','village','四村','rural',NULL),"
    " ('331122','331100','county','丙县','rural',0),"
    " ('331123','331100','county','丁县','rural',NULL),"
    " ('331124','331100','county','戊县','rural',40000),"
    " ('331124001','331124','township','戊一镇','rural',40000);"
    "INSERT INTO facility(code,name,type,grade,ownership,area_code,beds_approved,beds_open,"
    "beds_infectious,central,services) VALUES"
    " ('F1','甲区人民医院','general_hospital','3A','government','331102001',100,115,15,0,'fever_clinic'),"
    " ('F2','甲区第二医院','general_hospital','3B','government','331102002',100,120,NULL,0,''),"
    " ('F3','乙县中医院','tcm_hospital','2A','government','331121001',NULL,NULL,NULL,0,''),"
    " ('F4','乙一镇卫生院','township_health_center','none','government','331121001',30,30,NULL,1,'tcm_hall;rehabilitation'),"
    " ('F5','甲一社区卫生服务中心','community_health_center','none','government','331102001',NULL,NULL,NULL,0,''),"
    " ('F6','一村卫生室','village_clinic','none','collective','331121001001',NULL,NULL,NULL,0,''),"
    " ('F7','甲区急救中心','ems_center','none','government','331102001',NULL,NULL,NULL,0,''),"
    " ('F8','戊县急救站','ems_station','none','government','331124001',NULL,NULL,NULL,0,'');"
    "INSERT INTO staff(facility_code,category,count) VALUES"
    /* F1: HT = 60 + 80 + 4 = 144 (psychiatrist, GP, public-health are subsets) */
    " ('F1','licensed_physician',60),('F1','registered_nurse',80),('F1','technician',4),"
    " ('F1','psychiatrist',4),('F1','general_practitioner',5),('F1','public_health_physician',2),"
    " ('F1','management',16),('F1','mch_staff',10),"
    /* F2: HT = 40 + 65 = 105 */
    " ('F2','licensed_physician',40),('F2','registered_nurse',65),"
    /* F4: 2 public-health physicians (exactly 2), 5 physicians, 6 nurses */
    " ('F4','licensed_physician',5),('F4','registered_nurse',6),('F4','public_health_physician',2),"
    " ('F6','assistant_physician',1),"
    " ('F7','ems_doctor',4),('F7','ems_driver',3),('F7','ems_aide',8);"
    "INSERT INTO vehicle(facility_code,kind,count) VALUES"
    " ('F7','ambulance',2),('F7','negative_pressure_ambulance',2),"
    " ('F8','ambulance',3),('F8','negative_pressure_ambulance',1);";

/* Creates a new dir/regionN.db with the fixture and returns its malloc'd path. */
static inline char *fixture_db(const char *dir)
{
    static int serial;
    char path[1024];
    snprintf(path, sizeof path, "%s/region%d.db", dir, serial++);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    if (hss_store_exec(st, FIXTURE_SQL, &err) != HSS_OK)
        fail_msg("fixture: %s", err.msg);
    hss_store_close(st);
    return hss_xstrdup(path);
}

/* The row of findings table t for `rule` whose subject is `subject` (a facility code for
 * per-facility findings, otherwise an area code), or -1. */
static inline long fixture_row(const hss_table *t, const char *rule, const char *subject)
{
    size_t crule = 0, carea = 0, cfac = 0;
    for (size_t c = 0; c < hss_table_cols(t); c++) {
        const char *n = hss_table_col_name(t, c);
        if (!strcmp(n, "rule"))
            crule = c;
        else if (!strcmp(n, "area"))
            carea = c;
        else if (!strcmp(n, "facility"))
            cfac = c;
    }
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        if (strcmp(hss_table_cell(t, r, crule), rule) != 0)
            continue;
        const char *fac = hss_table_cell(t, r, cfac);
        if (*fac ? !strcmp(fac, subject) : !strcmp(hss_table_cell(t, r, carea), subject))
            return (long)r;
    }
    return -1;
}

static inline const char *fixture_cell(const hss_table *t, long row, const char *col)
{
    assert_true(row >= 0);
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (!strcmp(hss_table_col_name(t, c), col))
            return hss_table_cell(t, (size_t)row, c);
    fail_msg("no column %s", col);
    return NULL;
}

#endif
