/* figures_bench.c: how fresh the monitoring figures taken from HSS's records stay, and what it
 * costs (docs/metrics.md "One source for each figure"). On a Lishui demo database (copy; it is
 * written to): the time to take every township's figures for every month from the care
 * records (what the demo and `hss data rebuild` do), and the time of the first indicator answer
 * after one contract of one township changed (the figures of that township are taken again
 * before the answer) beside the peer: the same answer with nothing changed.
 * usage: figures_bench DB */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "metrics/metrics.h"

static double cpu_total; /* CPU seconds of the timed answers after a change */

static double cpu(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

static double answer(hss_store *st)
{
    hss_error err;
    hss_error_clear(&err);
    double v, t0 = hss_now();
    if (hss_metrics_value(st, "contracting_rate", "331102", "2025-12", &v, NULL, NULL, &err) != HSS_OK) {
        fprintf(stderr, "figures_bench: %s\n", err.msg);
        exit(1);
    }
    return hss_now() - t0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: figures_bench DB\n");
        return 2;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open_existing(argv[1], &err);
    if (!st) {
        fprintf(stderr, "figures_bench: %s\n", err.msg);
        return 1;
    }
    long long residents = 0, townships = 0;
    hss_stmt *s = hss_store_prepare(st, "SELECT (SELECT count(*) FROM care_resident), "
                                            "(SELECT count(*) FROM area WHERE level='township')", &err);
    if (s && hss_store_step(s) == HSS_ROW) {
        residents = hss_store_col_int64(s, 0);
        townships = hss_store_col_int64(s, 1);
    }
    hss_store_finalize(s);
    double t0 = hss_now(), c0 = cpu();
    if (hss_metrics_take_records(st, &err) != HSS_OK) {
        fprintf(stderr, "figures_bench: %s\n", err.msg);
        return 1;
    }
    double all = hss_now() - t0, all_cpu = cpu() - c0;
    answer(st);
    double peer = 0, fresh = 0;
    const int rounds = 5;
    for (int i = 0; i < rounds; i++) {
        peer += answer(st);
        /* one contract of 紫金街道 ends a day earlier: its township's figures are stale */
        if (hss_store_exec(st, "UPDATE care_contract SET end_date=date(end_date,'-1 day') WHERE id=(SELECT min(id) "
                               "FROM care_contract WHERE village_code LIKE '331102001%')", &err) != HSS_OK) {
            fprintf(stderr, "figures_bench: %s\n", err.msg);
            return 1;
        }
        double a0 = cpu();
        fresh += answer(st);
        cpu_total += cpu() - a0;
    }
    printf("register: %lld residents in %lld townships\n", residents, townships);
    printf("take every township's figures, every month from the records: %.2f s (%.2f s CPU)\n", all, all_cpu);
    printf("first indicator answer after one township's records changed: %.1f ms, %.1f ms CPU "
           "(peer: the same answer, nothing changed: %.1f ms)\n", 1000 * fresh / rounds, 1000 * cpu_total / rounds,
           1000 * peer / rounds);
    hss_store_close(st);
    return 0;
}
