/*
 * plan_save.c: benchmark of saved evaluations on the province-sized generated region (made by
 * bench/policy_eval, every row labelled generated). For each pack named: evaluates once (the
 * evaluation alone, for reference), saves a snapshot (hss_plan_eval_save: evaluation, every
 * finding stored, audit, in one transaction), changes the data (a tenth of the facilities lose
 * their ambulances), saves again, and compares the two snapshots (hss_plan_eval_compare).
 * Targets (issue 13): save under 1 s, compare under 0.5 s.
 *
 * usage: plan_save DB [PACK...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "plan/plan.h"
#include "policy/policy.h"

static double eval_cpu;

static double eval_only(hss_store *st, const char *pack)
{
    hss_error err;
    hss_policy_pack *p = hss_policy_load(pack, &err);
    if (!p) {
        fprintf(stderr, "plan_save: %s\n", err.msg);
        exit(1);
    }
    hss_policy_result *res;
    double t = hss_now();
    clock_t c0 = clock();
    if (hss_policy_evaluate(st, p, 0, NULL, &res, &err) != HSS_OK) {
        fprintf(stderr, "plan_save: %s\n", err.msg);
        exit(1);
    }
    t = hss_now() - t;
    eval_cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    hss_policy_result_free(res);
    hss_policy_free(p);
    return t;
}

static double cpu_secs;

static int64_t save(hss_store *st, const hss_plan_actor *who, const char *pack, double *secs)
{
    hss_error err;
    int64_t id;
    double t = hss_now();
    clock_t c0 = clock();
    if (hss_plan_eval_save(st, who, pack, 0, "bench", &id, &err) != HSS_OK) {
        fprintf(stderr, "plan_save: %s\n", err.msg);
        exit(1);
    }
    *secs = hss_now() - t;
    cpu_secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    return id;
}

static void change_data(hss_store *st, int round)
{
    hss_error err;
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE vehicle SET count=%d WHERE kind='ambulance' AND facility_code IN "
                              "(SELECT code FROM facility WHERE rowid %% 10 = %d)", round % 2 ? 0 : 3, round % 10);
    if (hss_store_exec(st, sql, &err) != HSS_OK || hss_store_bump_version(st, &err) != HSS_OK) {
        fprintf(stderr, "plan_save: %s\n", err.msg);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: plan_save DB [PACK...]\n");
        return 2;
    }
    hss_error err;
    hss_store *st = hss_store_open_existing(argv[1], &err);
    if (!st) {
        fprintf(stderr, "plan_save: %s\n", err.msg);
        return 1;
    }
    hss_plan_actor who;
    hss_plan_actor_operator(&who);
    const char *def[] = {"lishui"};
    int npacks = argc > 2 ? argc - 2 : 1, status = 0;
    char **packs = argc > 2 ? argv + 2 : (char **)def;
    for (int i = 0; i < npacks; i++) {
        double ev = eval_only(st, packs[i]), s1, s2;
        int64_t a = save(st, &who, packs[i], &s1);
        change_data(st, i);
        int64_t b = save(st, &who, packs[i], &s2);
        hss_table *t;
        double c = hss_now();
        if (hss_plan_eval_compare(st, a, b, NULL, &t, &err) != HSS_OK) {
            fprintf(stderr, "plan_save: %s\n", err.msg);
            return 1;
        }
        c = hss_now() - c;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM plan_finding WHERE eval_id=%lld", (long long)b);
        hss_stmt *s = hss_store_prepare(st, sql, &err);
        long long n = s && hss_store_step(s) == HSS_ROW ? hss_store_col_int64(s, 0) : -1;
        hss_store_finalize(s);
        double worst = s1 > s2 ? s1 : s2;
        printf("plan %-10s %lld findings: evaluation alone %.3f s; save %.3f s and %.3f s (CPU %.3f s, of which evaluation %.3f s; "
               "target < 1 s)%s; compare %zu changes in %.3f s (target < 0.5 s)%s\n", packs[i], n, ev, s1, s2, cpu_secs, eval_cpu,
               worst < 1.0 ? "" : "  ** OVER TARGET **", hss_table_rows(t), c, c < 0.5 ? "" : "  ** OVER TARGET **");
        if (worst >= 1.0 || c >= 0.5)
            status = 1;
        hss_table_free(t);
    }
    hss_store_close(st);
    return status;
}
