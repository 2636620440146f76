/*
 * plan.c: planning mobile-clinic rounds for the villages that need them (no clinic within the
 * rural circle, no stationed doctor), county by county. Each village goes to a home facility
 * (its township's health centre, the nearest one of the county when its township has none, or
 * the one --home names); each home's villages are routed by vrp.c over the travel-time matrix
 * of the access module; then the county's rounds get their weekdays from the vehicle pool
 * (at most `vehicles` rounds on one day), most frequent rounds first, each on its least loaded
 * days. Rounds that do not fit the pool leave their villages unserved, and the county summary
 * says how many vehicles full coverage needs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "rounds/rounds_int.h"

void hss_rounds_plan_defaults(hss_rounds_plan_opts *o)
{
    memset(o, 0, sizeof *o);
    o->vehicles = 2;
    o->days = 5;
    o->hours = 8;
    o->dwell_min = 60;
    o->rule.base = 1;
    o->minutes = 20;
    o->exact_max = 12;
}

/* A county's villages needing rounds, the homes, and the matrix over homes then villages. */
typedef struct {
    char county[8];
    hss_rounds_village **v; /* villages needing rounds */
    size_t nv;
    char **home, **home_area;
    size_t nh;
    double *t;              /* (nh + nv)^2 minutes */
    int *home_of;           /* per village: home index, -1 = none reachable */
} county_job;

/* One round of a county before its days are set. */
typedef struct {
    int home;
    int *stops;   /* village indices into job->v */
    size_t k;
    int freq;
    double drive, total;
    int64_t residents;
    int dropped;
    int days[7];
} plan_round;

static void plan_add_route(hss_rounds_plan *p, const county_job *J, const plan_round *r, int round, int day,
                           int vehicle)
{
    p->routes = hss_xrealloc(p->routes, (p->nroutes + 1) * sizeof *p->routes);
    hss_rounds_route *x = &p->routes[p->nroutes++];
    memset(x, 0, sizeof *x);
    snprintf(x->county, sizeof x->county, "%s", J->county);
    x->vehicle = vehicle;
    x->round = round;
    x->home = hss_xstrdup(J->home[r->home]);
    x->day = day;
    x->stops = hss_xmalloc((r->k + 1) * sizeof *x->stops);
    for (size_t i = 0; i < r->k; i++)
        x->stops[i] = hss_xstrdup(J->v[r->stops[i]]->code);
    x->nstops = r->k;
    x->drive_minutes = r->drive;
    x->total_minutes = r->total;
}

static void plan_unserved(hss_rounds_plan *p, const char *code)
{
    p->unserved = hss_xrealloc(p->unserved, (p->nunserved + 1) * sizeof *p->unserved);
    p->unserved[p->nunserved++] = hss_xstrdup(code);
}

void hss_rounds_plan_free(hss_rounds_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nroutes; i++) {
        free(p->routes[i].home);
        for (size_t k = 0; k < p->routes[i].nstops; k++)
            free(p->routes[i].stops[k]);
        free(p->routes[i].stops);
    }
    free(p->routes);
    for (size_t i = 0; i < p->nunserved; i++)
        free(p->unserved[i]);
    free(p->unserved);
    free(p->counties);
    free(p);
}

static double TT(const county_job *J, size_t a, size_t b)
{
    return J->t[a * (J->nh + J->nv) + b];
}

/* Each village's home: the given one, else its township's centre (the nearest when there are
 * several), else the county's nearest; -1 when none is reachable both ways. */
static void assign_homes(county_job *J, int fixed)
{
    for (size_t i = 0; i < J->nv; i++) {
        double best = INFINITY, best_own = INFINITY;
        int h_any = -1, h_own = -1;
        for (size_t h = 0; h < J->nh; h++) {
            double d = TT(J, h, J->nh + i) + TT(J, J->nh + i, h);
            if (!isfinite(d))
                continue;
            if (d < best) {
                best = d;
                h_any = (int)h;
            }
            if (!fixed && strncmp(J->home_area[h], J->v[i]->township, 9) == 0 && d < best_own) {
                best_own = d;
                h_own = (int)h;
            }
        }
        J->home_of[i] = h_own >= 0 ? h_own : h_any;
    }
}

/* One home's routing instance over its villages (those with keep[i] set, all when NULL). */
typedef struct {
    size_t n;
    size_t *idx; /* village index of node 1..n */
    double *t, *dwell;
    int *freq;
    hss_vrp in;
} home_inst;

static void home_inst_build(const county_job *J, size_t h, const hss_rounds_plan_opts *o, const char *keep,
                            home_inst *H)
{
    memset(H, 0, sizeof *H);
    H->idx = hss_xmalloc((J->nv + 1) * sizeof *H->idx);
    for (size_t i = 0; i < J->nv; i++)
        if (J->home_of[i] == (int)h && (!keep || keep[i]))
            H->idx[H->n++] = i;
    size_t N = H->n + 1;
    H->t = hss_xmalloc(N * N * sizeof *H->t);
    H->dwell = hss_xmalloc(N * sizeof *H->dwell);
    H->freq = hss_xmalloc(N * sizeof *H->freq);
    for (size_t a = 0; a < N; a++) {
        size_t ga = a ? J->nh + H->idx[a - 1] : h;
        for (size_t b = 0; b < N; b++)
            H->t[a * N + b] = TT(J, ga, b ? J->nh + H->idx[b - 1] : h);
        H->dwell[a] = a ? o->dwell_min : 0;
        H->freq[a] = a ? J->v[H->idx[a - 1]]->required : 0;
        if (H->freq[a] > o->days)
            H->freq[a] = o->days;
    }
    H->in = (hss_vrp){H->n, H->t, H->dwell, H->freq, o->hours * 60};
}

static void home_inst_free(home_inst *H)
{
    free(H->idx);
    free(H->t);
    free(H->dwell);
    free(H->freq);
}

/* A group small enough to solve exactly is its own bound; else the solver's lower bound. */
static int solved_exactly(const hss_rounds_plan_opts *o, size_t n)
{
    return (int)n <= o->exact_max && n <= 16;
}

/* The bound for the villages of home h that keep[] marks (after rounds were dropped). */
static double home_bound(const county_job *J, size_t h, const hss_rounds_plan_opts *o, const char *keep)
{
    home_inst H;
    home_inst_build(J, h, o, keep, &H);
    double lb = 0;
    if (H.n && solved_exactly(o, H.n)) {
        hss_vrp_sol s;
        hss_vrp_solve(&H.in, o->exact_max, &s);
        lb = s.cost;
        hss_vrp_sol_free(&s);
    } else if (H.n) {
        lb = hss_vrp_lower_bound(&H.in);
    }
    home_inst_free(&H);
    return lb;
}

/* Routes one home's villages; appends its rounds. Returns the home's lower bound. */
static double route_home(const county_job *J, size_t h, const hss_rounds_plan_opts *o, plan_round **rs,
                         size_t *nr, hss_rounds_plan *p)
{
    home_inst H;
    home_inst_build(J, h, o, NULL, &H);
    if (!H.n) {
        home_inst_free(&H);
        return 0;
    }
    hss_vrp_sol s;
    hss_vrp_solve(&H.in, o->exact_max, &s);
    double lb = solved_exactly(o, H.n) ? s.cost : hss_vrp_lower_bound(&H.in);
    for (size_t i = 0; i < s.nunserved; i++)
        plan_unserved(p, J->v[H.idx[s.unserved[i] - 1]]->code);
    for (size_t r = 0; r < s.nroutes; r++) {
        *rs = hss_xrealloc(*rs, (*nr + 1) * sizeof **rs);
        plan_round *x = &(*rs)[(*nr)++];
        memset(x, 0, sizeof *x);
        x->home = (int)h;
        x->k = s.off[r + 1] - s.off[r];
        x->stops = hss_xmalloc(x->k * sizeof *x->stops);
        x->freq = s.freq[r];
        x->drive = s.drive[r];
        x->total = s.drive[r] + o->dwell_min * (double)x->k;
        for (size_t i = 0; i < x->k; i++) {
            x->stops[i] = (int)H.idx[s.stop[s.off[r] + i] - 1];
            x->residents += J->v[x->stops[i]]->residents;
        }
    }
    hss_vrp_sol_free(&s);
    home_inst_free(&H);
    return lb;
}

static int cmp_freq(const void *a, const void *b)
{
    const plan_round *x = a, *y = b;
    if (x->freq != y->freq)
        return y->freq - x->freq;
    return x->home - y->home;
}

/* Fewest residents per weekly vehicle slot first: the rounds dropped when the pool is short. */
static int cmp_value(const void *a, const void *b)
{
    const plan_round *x = *(plan_round *const *)a, *y = *(plan_round *const *)b;
    double vx = (double)x->residents / x->freq, vy = (double)y->residents / y->freq;
    return vx < vy ? -1 : vx > vy;
}

/* Days for each round: its `freq` least loaded days, spread over the week on ties. */
static void set_days(plan_round *r, size_t nr, int days, int *load)
{
    for (size_t i = 0; i < nr; i++) {
        if (r[i].dropped)
            continue;
        int chosen[7] = {0};
        for (int f = 0; f < r[i].freq; f++) {
            int best = -1;
            double best_key = INFINITY;
            for (int d = 0; d < days; d++) {
                if (chosen[d])
                    continue;
                int gap = days;
                for (int e = 0; e < days; e++)
                    if (chosen[e] && abs(e - d) < gap)
                        gap = abs(e - d);
                double key = load[d] * 100.0 - gap;
                if (key < best_key) {
                    best_key = key;
                    best = d;
                }
            }
            chosen[best] = 1;
            load[best]++;
        }
        memcpy(r[i].days, chosen, sizeof chosen);
    }
}

/* When the pool was short, the bound of the homes that lost rounds is recomputed over the
 * villages still routed, so that bound and plan describe the same villages. */
static double lb_after_drops(const county_job *J, const hss_rounds_plan_opts *o, const plan_round *r, size_t nr,
                             const double *hlb, double lb)
{
    char *keep = hss_xcalloc(J->nv + 1, 1), *lost = hss_xcalloc(J->nh + 1, 1);
    int any = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t k = 0; k < r[i].k; k++) {
            keep[r[i].stops[k]] = !r[i].dropped;
            if (r[i].dropped)
                lost[r[i].home] = any = 1;
        }
    if (any) {
        lb = 0;
        for (size_t h = 0; h < J->nh; h++)
            lb += lost[h] ? home_bound(J, h, o, keep) : hlb[h];
    }
    free(keep);
    free(lost);
    return lb;
}

static void plan_county(county_job *J, const hss_rounds_plan_opts *o, hss_store *st, hss_rounds_plan *p)
{
    plan_round *r = NULL;
    size_t nr = 0;
    double lb = 0;
    assign_homes(J, o->home != NULL);
    for (size_t i = 0; i < J->nv; i++)
        if (J->home_of[i] < 0)
            plan_unserved(p, J->v[i]->code);
    double *hlb = hss_xmalloc((J->nh + 1) * sizeof *hlb);
    for (size_t h = 0; h < J->nh; h++)
        lb += hlb[h] = route_home(J, h, o, &r, &nr, p);
    qsort(r, nr, sizeof *r, cmp_freq);
    int slots = 0;
    for (size_t i = 0; i < nr; i++)
        slots += r[i].freq;
    hss_rounds_county c;
    memset(&c, 0, sizeof c);
    snprintf(c.county, sizeof c.county, "%s", J->county);
    c.villages = J->nv;
    c.vehicles = o->vehicles;
    c.vehicles_needed = (slots + o->days - 1) / o->days;
    c.vehicles_held = rdb_vehicles_held(st, J->county);
    /* the pool is short: drop the rounds serving fewest residents per slot */
    plan_round **order = hss_xmalloc((nr + 1) * sizeof *order);
    for (size_t i = 0; i < nr; i++)
        order[i] = &r[i];
    qsort(order, nr, sizeof *order, cmp_value);
    for (size_t i = 0; i < nr && slots > o->vehicles * o->days; i++) {
        order[i]->dropped = 1;
        slots -= order[i]->freq;
        for (size_t k = 0; k < order[i]->k; k++)
            plan_unserved(p, J->v[order[i]->stops[k]]->code);
    }
    free(order);
    c.lower_bound = lb_after_drops(J, o, r, nr, hlb, lb);
    free(hlb);
    int load[7] = {0}, vehicle[7] = {0};
    set_days(r, nr, o->days, load);
    for (size_t i = 0, round = 0; i < nr; i++) {
        if (r[i].dropped)
            continue;
        round++;
        for (int d = 0; d < o->days; d++)
            if (r[i].days[d])
                plan_add_route(p, J, &r[i], (int)round, d + 1, ++vehicle[d]);
        c.served += r[i].k;
        c.drive_minutes += r[i].freq * r[i].drive;
    }
    p->counties = hss_xrealloc(p->counties, (p->ncounties + 1) * sizeof *p->counties);
    p->counties[p->ncounties++] = c;
    p->drive_minutes += c.drive_minutes;
    p->lower_bound += c.lower_bound;
    for (size_t i = 0; i < nr; i++)
        free(r[i].stops);
    free(r);
}

static void job_free(county_job *J)
{
    free(J->v);
    for (size_t h = 0; h < J->nh; h++) {
        free(J->home[h]);
        free(J->home_area[h]);
    }
    free(J->home);
    free(J->home_area);
    free(J->t);
    free(J->home_of);
    memset(J, 0, sizeof *J);
}

/* The homes of a county (or the one given) and the matrix over homes and villages. */
static hss_code job_prepare(hss_store *st, county_job *J, const hss_rounds_plan_opts *o, hss_error *err)
{
    char prefix[16];
    hss_code rc;
    if (o->home) {
        J->home = hss_xmalloc(sizeof *J->home);
        J->home_area = hss_xmalloc(sizeof *J->home_area);
        J->home[0] = hss_xstrdup(o->home);
        J->home_area[0] = rdb_facility_area(st, o->home);
        J->nh = 1;
    } else {
        snprintf(prefix, sizeof prefix, "%s%%", J->county);
        if ((rc = rdb_homes(st, prefix, &J->home, &J->home_area, &J->nh, err)))
            return rc;
    }
    size_t N = J->nh + J->nv;
    const char **codes = hss_xmalloc((N + 1) * sizeof *codes);
    for (size_t h = 0; h < J->nh; h++)
        codes[h] = J->home[h];
    for (size_t i = 0; i < J->nv; i++)
        codes[J->nh + i] = J->v[i]->code;
    J->t = hss_xmalloc((N * N + 1) * sizeof *J->t);
    J->home_of = hss_xmalloc((J->nv + 1) * sizeof *J->home_of);
    hss_access_tt *tt = NULL;
    rc = N ? hss_access_tt_open(st, &tt, err) : HSS_OK;
    if (N && !rc)
        rc = hss_access_tt_places(tt, st, codes, N, o->hours * 60, J->t, err);
    hss_access_tt_free(tt);
    free(codes);
    return rc;
}

static hss_code check_opts(hss_store *st, const hss_rounds_plan_opts *o, hss_error *err)
{
    if (o->vehicles < 1 || o->vehicles > 1000)
        return hss_fail(err, HSS_EINVAL, "--vehicles must be 1 to 1000, not %d", o->vehicles);
    if (o->days < 1 || o->days > 7)
        return hss_fail(err, HSS_EINVAL, "--days must be 1 to 7, not %d", o->days);
    if (!(o->hours > 0 && o->hours <= 24))
        return hss_fail(err, HSS_EINVAL, "--hours must be more than 0 and at most 24");
    if (!(o->dwell_min > 0 && o->dwell_min <= 720))
        return hss_fail(err, HSS_EINVAL, "--dwell must be 1 to 720 minutes");
    if (o->home) {
        char *area = rdb_facility_area(st, o->home);
        if (!area)
            return hss_fail(err, HSS_ENOTFOUND, "--home: facility '%s' is not stored", o->home);
        free(area);
    }
    return HSS_OK;
}

hss_code hss_rounds_plan_make(hss_store *st, const hss_rounds_plan_opts *o, hss_rounds_plan **out,
                              hss_error *err)
{
    *out = NULL;
    double t0 = hss_now();
    hss_code rc = check_opts(st, o, err);
    if (rc)
        return rc;
    char home_county[8] = "";
    const char *under = o->under;
    if (o->home && !under) {
        char *area = rdb_facility_area(st, o->home);
        snprintf(home_county, sizeof home_county, "%.6s", area);
        free(area);
        under = home_county;
    }
    hss_rounds_cover_opts co;
    hss_rounds_cover_defaults(&co);
    co.minutes = o->minutes;
    co.rule = o->rule;
    hss_rounds_village *v;
    size_t n;
    if ((rc = hss_rounds_villages(st, under, &co, &v, &n, err)))
        return rc;
    hss_rounds_plan *p = hss_xcalloc(1, sizeof *p);
    for (size_t i = 0; i < n && !rc;) {
        county_job J;
        memset(&J, 0, sizeof J);
        snprintf(J.county, sizeof J.county, "%s", v[i].county);
        J.v = hss_xmalloc((n + 1) * sizeof *J.v);
        for (; i < n && strcmp(v[i].county, J.county) == 0; i++)
            if (!v[i].by_stationed && (o->no_clinic ? !v[i].own_clinic : !v[i].by_clinic))
                J.v[J.nv++] = &v[i];
        if (J.nv && !(rc = job_prepare(st, &J, o, err)))
            plan_county(&J, o, st, p);
        job_free(&J);
    }
    hss_rounds_villages_free(v, n);
    if (rc) {
        hss_rounds_plan_free(p);
        return rc;
    }
    p->seconds = hss_now() - t0;
    *out = p;
    return HSS_OK;
}
