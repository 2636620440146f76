/*
 * policy_eval.c: benchmark of the planning evaluation on a province-sized region. It generates
 * (deterministically, seeded) a province of 11 cities, ~90 counties, ~1,500 townships, 30,000
 * villages and ~100,000 facilities with staff and vehicles into a SQLite file — every row
 * labelled generated — then times `hss_policy_evaluate` for each pack named on the command
 * line (default: lishui). Target (issue 13): under 0.5 second per evaluation.
 *
 * usage: policy_eval DB [PACK...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/policy.h"

static uint64_t rng = 20240601;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void must(int rc, hss_store *db, const char *what)
{
    if (rc != HSS_DONE && rc != HSS_ROW) {
        fprintf(stderr, "policy_eval: %s: %s\n", what, hss_store_errmsg(db));
        exit(1);
    }
}

typedef struct {
    hss_stmt *area, *fac, *staff, *veh;
    hss_store *db;
    long nfac, nstaff, nveh;
} gen;

static void add_area(gen *g, const char *code, const char *parent, const char *level,
                     const char *name, const char *kind, long pop)
{
    hss_stmt *s = g->area;
    hss_store_bind_copy(s, 1, code);
    if (parent)
        hss_store_bind_copy(s, 2, parent);
    else
        hss_store_bind_null(s, 2);
    hss_store_bind_text(s, 3, level);
    hss_store_bind_copy(s, 4, name);
    hss_store_bind_text(s, 5, kind);
    hss_store_bind_int64(s, 6, pop);
    must(hss_store_step(s), g->db, "area");
    hss_store_reset(s);
}

static void add_staff(gen *g, const char *fac, const char *cat, int n)
{
    hss_store_bind_copy(g->staff, 1, fac);
    hss_store_bind_text(g->staff, 2, cat);
    hss_store_bind_int(g->staff, 3, n);
    must(hss_store_step(g->staff), g->db, "staff");
    hss_store_reset(g->staff);
    g->nstaff++;
}

static void add_veh(gen *g, const char *fac, const char *kind, int n)
{
    hss_store_bind_copy(g->veh, 1, fac);
    hss_store_bind_text(g->veh, 2, kind);
    hss_store_bind_int(g->veh, 3, n);
    must(hss_store_step(g->veh), g->db, "vehicle");
    hss_store_reset(g->veh);
    g->nveh++;
}

/* Adds a facility with beds (<0 = not recorded) and typical staff. */
static void add_fac(gen *g, const char *area, const char *type, const char *grade,
                    const char *owner, int beds, const char *services, int central)
{
    char code[32], name[64];
    snprintf(code, sizeof code, "G%07ld", g->nfac++);
    snprintf(name, sizeof name, "生成机构%s", code + 1);
    hss_stmt *s = g->fac;
    hss_store_bind_copy(s, 1, code);
    hss_store_bind_copy(s, 2, name);
    hss_store_bind_text(s, 3, type);
    hss_store_bind_text(s, 4, grade);
    hss_store_bind_text(s, 5, owner);
    hss_store_bind_copy(s, 6, area);
    if (beds >= 0) {
        hss_store_bind_int(s, 7, beds);
        hss_store_bind_int(s, 8, beds + (int)rnd((unsigned)beds / 5 + 1));
        hss_store_bind_int(s, 9, (int)rnd((unsigned)beds / 20 + 1));
    } else {
        hss_store_bind_null(s, 7);
        hss_store_bind_null(s, 8);
        hss_store_bind_null(s, 9);
    }
    hss_store_bind_int(s, 10, central);
    hss_store_bind_text(s, 11, services);
    must(hss_store_step(s), g->db, "facility");
    hss_store_reset(s);
    if (beds > 0) {
        add_staff(g, code, "licensed_physician", beds / 3 + (int)rnd(10));
        add_staff(g, code, "registered_nurse", beds * 6 / 10 + (int)rnd(20));
        add_staff(g, code, "technician", beds / 10 + 1);
        add_staff(g, code, "public_health_physician", (int)rnd(4));
        add_staff(g, code, "psychiatrist", (int)rnd(3));
        add_staff(g, code, "general_practitioner", (int)rnd(6));
    } else {
        add_staff(g, code, rnd(3) ? "village_doctor" : "assistant_physician", 1 + (int)rnd(2));
    }
    if (!strcmp(type, "ems_center") || !strcmp(type, "ems_station")) {
        add_veh(g, code, "ambulance", 2 + (int)rnd(6));
        add_veh(g, code, "negative_pressure_ambulance", (int)rnd(4));
        add_staff(g, code, "ems_doctor", 3 + (int)rnd(5));
        add_staff(g, code, "ems_driver", 3 + (int)rnd(5));
        add_staff(g, code, "ems_aide", 5 + (int)rnd(10));
    }
}

static void generate(const char *path)
{
    hss_error err;
    remove(path);
    hss_store *st = hss_store_open(path, &err);
    if (!st) {
        fprintf(stderr, "policy_eval: %s\n", err.msg);
        exit(1);
    }
    gen g = {.db = st};
    g.area = hss_store_prepare(st, "INSERT INTO area(code,parent_code,level,name,kind,population,"
                                   "generated) VALUES(?,?,?,?,?,?,1)", &err);
    g.fac = hss_store_prepare(st, "INSERT INTO facility(code,name,type,grade,ownership,area_code,"
                                  "beds_approved,beds_open,beds_infectious,central,services,generated)"
                                  " VALUES(?,?,?,?,?,?,?,?,?,?,?,1)", &err);
    g.staff = hss_store_prepare(st, "INSERT INTO staff(facility_code,category,count) VALUES(?,?,?)", &err);
    g.veh = hss_store_prepare(st, "INSERT INTO vehicle(facility_code,kind,count) VALUES(?,?,?)", &err);
    if (!g.area || !g.fac || !g.staff || !g.veh) {
        fprintf(stderr, "policy_eval: %s\n", err.msg);
        exit(1);
    }
    hss_store_begin(st, &err);
    hss_store_meta_set(st, "region", "生成的省级区域（基准测试）", &err);
    add_area(&g, "330000", NULL, "province", "生成省", "urban", 0);
    static const char *const grades[] = {"3A", "3B", "2A", "2B", "1"};
    long villages = 0;
    for (int c = 1; c <= 11; c++) {
        char city[16];
        snprintf(city, sizeof city, "33%02d00", c);
        add_area(&g, city, "330000", "city", "生成市", "urban", 0);
        int ncounty = 8 + (c % 3);
        for (int k = 1; k <= ncounty; k++) {
            char county[24];
            snprintf(county, sizeof county, "33%02d%02d", c, k);
            const char *ckind = k <= 2 ? "urban" : "rural";
            add_area(&g, county, city, "county", "生成县", ckind, 0);
            add_fac(&g, county, "general_hospital", grades[rnd(5)], "government", 300 + (int)rnd(900), "fever_clinic;chest_pain_center;stroke_center", 0);
            add_fac(&g, county, "general_hospital", grades[rnd(5)], "government", 200 + (int)rnd(500), "mental_health_clinic;hospice", 0);
            add_fac(&g, county, "tcm_hospital", grades[rnd(5)], "government", 100 + (int)rnd(400), "", 0);
            add_fac(&g, county, "mch_hospital", grades[rnd(5)], "government", 50 + (int)rnd(200), "fever_clinic", 0);
            add_fac(&g, county, "ems_center", "none", "government", -1, "", 0);
            for (int t = 1; t <= 16; t++) {
                char town[32];
                snprintf(town, sizeof town, "%s%03d", county, t);
                const char *tkind = k <= 2 && t <= 6 ? "urban" : "rural";
                add_area(&g, town, county, "township", "生成乡镇", tkind, 0);
                add_fac(&g, town, tkind[0] == 'u' ? "community_health_center" : "township_health_center",
                        "none", "government", 20 + (int)rnd(60), rnd(4) ? "tcm_hall;rehabilitation" : "", rnd(6) == 0);
                if (rnd(3) == 0)
                    add_fac(&g, town, "ems_station", "none", "government", -1, "", 0);
                int nv = 18 + (int)rnd(3);
                for (int v = 1; v <= nv && villages < 30000; v++) {
                    char vil[48];
                    snprintf(vil, sizeof vil, "%s%03d", town, v);
                    long pop = 300 + rnd(2700);
                    add_area(&g, vil, town, "village", "生成村", tkind, pop);
                    villages++;
                    if (pop > 900 || rnd(2))
                        add_fac(&g, vil, "village_clinic", "none", rnd(5) ? "collective" : "private", -1, "", 0);
                    /* clinics and stations to make ~100,000 facilities */
                    int nclin = 1 + (int)rnd(4);
                    for (int q = 0; q < nclin; q++)
                        add_fac(&g, vil, "clinic", "none", "private", -1, "", 0);
                }
            }
        }
    }
    /* Populations above village level: sums of the villages (residents live in villages). */
    hss_store_exec(st,
                       "UPDATE area SET population = (SELECT sum(c.population) FROM area c "
                       "WHERE c.parent_code = area.code) WHERE level IN ('township') ;"
                       "UPDATE area SET population = (SELECT sum(c.population) FROM area c "
                       "WHERE c.parent_code = area.code) WHERE level IN ('county');"
                       "UPDATE area SET population = (SELECT sum(c.population) FROM area c "
                       "WHERE c.parent_code = area.code) WHERE level IN ('city');"
                       "UPDATE area SET population = (SELECT sum(c.population) FROM area c "
                       "WHERE c.parent_code = area.code) WHERE level IN ('province');",
                       &err);
    hss_store_bump_version(st, &err);
    if (hss_store_commit(st, &err) != HSS_OK) {
        fprintf(stderr, "policy_eval: %s\n", err.msg);
        exit(1);
    }
    hss_store_finalize(g.area);
    hss_store_finalize(g.fac);
    hss_store_finalize(g.staff);
    hss_store_finalize(g.veh);
    printf("generated region: %ld villages, %ld facilities, %ld staff rows, %ld vehicle rows "
           "(all labelled generated)\n", villages, g.nfac, g.nstaff, g.nveh);
    hss_store_close(st);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: policy_eval DB [PACK...]\n");
        return 2;
    }
    double t0 = hss_now();
    generate(argv[1]);
    printf("generation: %.2f s\n", hss_now() - t0);
    const char *def[] = {"lishui"};
    int npacks = argc > 2 ? argc - 2 : 1;
    char **packs = argc > 2 ? argv + 2 : (char **)def;
    int status = 0;
    for (int i = 0; i < npacks; i++) {
        hss_error err;
        hss_policy_pack *p = hss_policy_load(packs[i], &err);
        if (!p) {
            fprintf(stderr, "policy_eval: %s\n", err.msg);
            return 1;
        }
        hss_store *st = hss_store_open_existing(argv[1], &err);
        double t = hss_now();
        clock_t c0 = clock();
        hss_policy_result *res;
        if (hss_policy_evaluate(st, p, 0, NULL, &res, &err) != HSS_OK) {
            fprintf(stderr, "policy_eval: %s\n", err.msg);
            return 1;
        }
        double dt = hss_now() - t;
        double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
        printf("evaluate %-10s %zu rules: %zu findings (%zu pass, %zu fail, %zu unknown) in %.3f s "
               "(CPU %.3f s; target < 0.5 s)%s\n", packs[i], hss_policy_rule_count(p),
               hss_table_rows(res->findings), res->pass, res->fail, res->unknown, dt, cpu,
               dt < 0.5 ? "" : "  ** OVER TARGET **");
        if (dt >= 0.5)
            status = 1;
        hss_policy_result_free(res);
        hss_store_close(st);
        hss_policy_free(p);
    }
    return status;
}
