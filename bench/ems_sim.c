/*
 * ems_sim.c: the 120 simulation at Lishui scale. On a database built by `hss demo lishui`
 * (2.5 million residents, the generated roads, the generated fleet of about 250 ambulances) it
 * simulates a year of calls at several call rates and prints, per run, the calls, the wall time
 * of the whole call (loading, road-time matrix, event loop) and of the event loop alone, and
 * the response figures. Usage: ems_sim DB [RATE ...] (default rates 20 and 40 per 1,000 a year).
 */
#include <stdio.h>
#include <stdlib.h>

#include "ems/ems.h"

static int run(hss_store *st, double rate)
{
    hss_ems_sim_opts o = {0};
    o.rate = rate;
    o.days = 365;
    o.seed = 1;
    hss_ems_sim_result r;
    hss_error err;
    hss_error_clear(&err);
    double t0 = hss_now();
    if (hss_ems_simulate(st, &o, &r, NULL, &err) != HSS_OK) {
        fprintf(stderr, "ems_sim: %s\n", err.msg);
        return 1;
    }
    double total = hss_now() - t0;
    printf("rate %5.1f per 1,000/year: %6zu calls, %3zu units, %2zu stations | total %.3f s "
           "(event loop %.3f s) | response mean %.2f, p90 %.2f min, %zu waited\n",
           rate, r.calls, r.units, r.stations, total, r.seconds, r.response_mean, r.response_p90, r.queued);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ems_sim DB [RATE ...]\n");
        return 2;
    }
    hss_error err;
    hss_store *st = hss_store_open_existing(argv[1], &err);
    if (!st) {
        fprintf(stderr, "ems_sim: %s\n", err.msg);
        return 1;
    }
    int bad = 0;
    if (argc == 2) {
        bad |= run(st, 20);
        bad |= run(st, 40);
    }
    for (int i = 2; i < argc; i++)
        bad |= run(st, atof(argv[i]));
    hss_store_close(st);
    return bad;
}
