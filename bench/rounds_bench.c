/*
 * rounds_bench.c: the round planner's benchmark.
 *
 *   rounds_bench lishui DB    plans rounds for every village of the demo region without a
 *                             clinic of its own (2 vehicles per county, 5 days of 8 hours,
 *                             weekly visits) and prints the planning time, the villages, the
 *                             vehicles full coverage needs, weekly driving, the lower bound
 *                             and the gap, per county and in total.
 *   rounds_bench small DIR    20 small instances (a home and 5 to 8 villages on a random
 *                             road-like metric, some villages twice a week): HSS's exact solver
 *                             and its heuristic against GLPK's glpsol solving the same
 *                             instances exactly as a set-partitioning ILP whose columns (every
 *                             feasible round with its best visiting order) are enumerated here
 *                             by brute force, independently of HSS's dynamic programme.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/rounds/vrp_inst.h"

#define MAXN 8

static int lishui(const char *db)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    if (!st) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    hss_rounds_plan_opts o;
    hss_rounds_plan_defaults(&o);
    o.vehicles = 2;
    o.no_clinic = 1;
    hss_rounds_plan *p = NULL;
    clock_t c0 = clock();
    if (hss_rounds_plan_make(st, &o, &p, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        hss_store_close(st);
        return 1;
    }
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    hss_table *t = hss_rounds_plan_summary(p);
    hss_table_write(t, HSS_FORMAT_TABLE, stdout);
    hss_table_free(t);
    size_t villages = 0;
    for (size_t i = 0; i < p->ncounties; i++)
        villages += p->counties[i].villages;
    printf("lishui: %zu villages without a clinic of their own in %zu counties, 2 vehicles per county\n", villages,
           p->ncounties);
    printf("lishui: plan time %.2f s wall, %.2f s CPU (target < 10 s); weekly driving %.1f min, lower bound %.1f min, "
           "gap %.1f %%\n",
           p->seconds, cpu, p->drive_minutes, p->lower_bound, 100 * (p->drive_minutes - p->lower_bound) / p->drive_minutes);
    hss_rounds_plan_free(p);
    hss_store_close(st);
    return 0;
}

/* ---- small instances --------------------------------------------------------------------- */

typedef vrp_inst inst;

static void make(inst *I, size_t n, uint64_t seed) { vrp_inst_make(I, n, seed, 240 + 30 * (double)(seed % 5)); }

/* Writes the set-partitioning ILP in CPLEX LP format, runs glpsol, returns its optimum. */
static double glpk(const inst *I, const char *dir, int id, double *seconds)
{
    char lp[600], out[600], cmd[1400];
    snprintf(lp, sizeof lp, "%s/small%02d.lp", dir, id);
    snprintf(out, sizeof out, "%s/small%02d.out", dir, id);
    FILE *f = fopen(lp, "w");
    if (!f)
        return NAN;
    unsigned full = 1u << I->n;
    double *cost = malloc(full * sizeof *cost);
    fprintf(f, "Minimize\n obj:");
    for (unsigned m = 1; m < full; m++) {
        int perm[MAXN], fq = 0;
        size_t k = 0;
        for (size_t v = 1; v <= I->n; v++)
            if (m >> (v - 1) & 1) {
                perm[k++] = (int)v;
                fq = I->freq[v] > fq ? I->freq[v] : fq;
            }
        cost[m] = fq * vrp_inst_best_order(I, perm, k, 0);
        if (isfinite(cost[m]))
            fprintf(f, " + %.6f x%u", cost[m], m);
    }
    fprintf(f, "\nSubject To\n");
    for (size_t v = 1; v <= I->n; v++) {
        fprintf(f, " v%zu:", v);
        for (unsigned m = 1; m < full; m++)
            if ((m >> (v - 1) & 1) && isfinite(cost[m]))
                fprintf(f, " + x%u", m);
        fprintf(f, " = 1\n");
    }
    fprintf(f, "Binary\n");
    for (unsigned m = 1; m < full; m++)
        if (isfinite(cost[m]))
            fprintf(f, " x%u\n", m);
    fprintf(f, "End\n");
    fclose(f);
    free(cost);
    snprintf(cmd, sizeof cmd, "glpsol --lp %s -o %s >/dev/null 2>&1", lp, out);
    double t0 = hss_now();
    if (system(cmd) != 0)
        return NAN;
    *seconds = hss_now() - t0;
    f = fopen(out, "r");
    if (!f)
        return NAN;
    char line[256];
    double obj = NAN;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Objective: obj = %lf", &obj) == 1)
            break;
    fclose(f);
    return obj;
}

static int small(const char *dir)
{
    double worst_heur = 0, worst_exact = 0, sum_lb = 0, t_hss = 0, t_glpk = 0;
    int n_inst = 20, agree = 0;
    printf("%-4s %3s %12s %12s %12s %12s\n", "id", "n", "glpsol", "hss exact", "hss heur", "hss bound");
    for (int id = 0; id < n_inst; id++) {
        inst I;
        make(&I, 5 + (size_t)id % 4, 1000 + (uint64_t)id);
        double tg = 0, g = glpk(&I, dir, id, &tg);
        t_glpk += tg;
        hss_vrp_sol e, h;
        double t0 = hss_now();
        hss_vrp_solve(&I.vrp, 12, &e);
        t_hss += hss_now() - t0;
        hss_vrp_solve(&I.vrp, 0, &h);
        double lb = hss_vrp_lower_bound(&I.vrp);
        printf("%-4d %3zu %12.3f %12.3f %12.3f %12.3f\n", id, I.n, g, e.cost, h.cost, lb);
        if (fabs(e.cost - g) <= 1e-3 * fmax(1, g))
            agree++;
        worst_exact = fmax(worst_exact, fabs(e.cost - g) / g);
        worst_heur = fmax(worst_heur, h.cost / g - 1);
        sum_lb += lb / g;
        hss_vrp_sol_free(&e);
        hss_vrp_sol_free(&h);
    }
    printf("small: %d of %d instances, HSS exact = glpsol optimum (worst relative difference %.2e)\n", agree, n_inst,
           worst_exact);
    printf("small: HSS heuristic worst %.2f %% above the optimum; lower bound on average %.1f %% of it\n",
           100 * worst_heur, 100 * sum_lb / n_inst);
    printf("small: time HSS exact %.4f s in all, glpsol %.2f s in all (with process start)\n", t_hss, t_glpk);
    return agree == n_inst ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "lishui") == 0)
        return lishui(argv[2]);
    if (argc == 3 && strcmp(argv[1], "small") == 0)
        return small(argv[2]);
    fprintf(stderr, "usage: rounds_bench lishui DB | rounds_bench small DIR\n");
    return 2;
}
