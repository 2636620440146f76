/*
 * access_int.h (private to src/access/): the in-memory network, the CSR graph, the Dijkstra
 * engine, the grid snapping index and the siting solver shared by the access files.
 * Tests and benchmarks include it to exercise the stages one at a time.
 */
#ifndef HSS_ACCESS_INT_H
#define HSS_ACCESS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "access/access.h"

/* Edge flags. */
enum {
    ACC_CAR_FWD = 1,   /* a car may drive u -> v */
    ACC_CAR_BWD = 2,   /* a car may drive v -> u */
    ACC_WALK = 4,      /* walkable (both directions) */
    ACC_FERRY = 8,     /* ferry crossing (speed from its duration) */
    ACC_GENERATED = 16 /* made up by `hss roads generate` */
};

#define ACC_WALK_KMH 5.0

/* A road network as edges between numbered nodes (the stored form). Invariants: every
 * eu/ev < n; elen > 0; espeed > 0 for car edges. */
typedef struct acc_net {
    uint32_t n;       /* nodes */
    double *lon, *lat;
    size_t m;         /* edges */
    uint32_t *eu, *ev;
    double *elen;     /* metres */
    float *espeed;    /* car km/h (ferries: length / duration) */
    uint8_t *eflag;   /* ACC_* */
    uint8_t *eclass;  /* index into acc_profile_class_name() */
    size_t ncap, mcap;
} acc_net;

void acc_net_init(acc_net *g);
void acc_net_free(acc_net *g);
uint32_t acc_net_add_node(acc_net *g, double lon, double lat);
void acc_net_add_edge(acc_net *g, uint32_t u, uint32_t v, double len_m, double kmh, int flags,
                      int cls);

/* Metres between two lon/lat points (haversine, R = 6371008.8 m). */
double acc_haversine_m(double lon1, double lat1, double lon2, double lat2);

/* Keeps the largest strongly connected component of the car graph (walk-only edges are kept
 * when both ends survive); renumbers nodes. Fills the *_read/kept/dropped fields of stats. */
void acc_net_largest_scc(acc_net *g, hss_roads_stats *stats);

/* ---- speed profile (profile.c) ---------------------------------------------------------- */

/* Road class ids stored in road_edge.road_class. */
const char *acc_profile_class_name(int cls);
int acc_profile_class_find(const char *name); /* -1 when not a car/walk road */

/* The decision for one OSM way from its tags. */
typedef struct acc_way_rule {
    int routable;   /* 0: not a road for us */
    int cls;        /* class id */
    double kmh;     /* car speed (0 = not drivable) */
    int car_fwd, car_bwd;
    int walk;
    int ferry;
    double ferry_minutes; /* > 0 when route=ferry carries a duration */
} acc_way_rule;

typedef struct acc_tag {
    const char *key, *value;
} acc_tag;

void acc_profile_way(const acc_tag *tags, size_t ntags, acc_way_rule *out);
/* Parses an OSM maxspeed value ("60", "50 mph", "CN:urban") to km/h; 0 when unusable. */
double acc_profile_maxspeed(const char *v);
/* Parses an OSM duration ("90", "1:30", "01:30:00", "PT1H30M") to minutes; 0 when unusable. */
double acc_profile_duration_min(const char *v);

/* ---- import (import_osm.c, import_csv.c) ------------------------------------------------- */

hss_code acc_read_osm(const char *path, acc_net *g, hss_roads_stats *stats,
                      hss_roads_progress progress, void *ctx, hss_error *err);
hss_code acc_read_csv(const char *path, acc_net *g, hss_roads_stats *stats, hss_error *err);

/* Stores a filtered network with its statistics and snaps every point, in one transaction
 * (import.c). */
hss_code acc_store_network(hss_store *st, acc_net *g, const char *source, int generated,
                           hss_roads_stats *stats, hss_error *err);

/* ---- store (net_store.c) --------------------------------------------------------------- */

/* Replaces the stored network with g (inside the caller's transaction). */
hss_code acc_net_save(hss_store *st, const acc_net *g, const char *source, int generated,
                      hss_error *err);
/* Loads the stored network; HSS_ENOTFOUND when none. */
hss_code acc_net_load(hss_store *st, acc_net *g, hss_error *err);

/* ---- graph (csr.c) --------------------------------------------------------------------- */

/* Adjacency in compressed sparse rows: arcs of node i are off[i] .. off[i+1]-1. */
typedef struct acc_csr {
    uint32_t n;
    uint32_t *off; /* n + 1 */
    uint32_t *to;  /* arc head */
    double *w;     /* arc cost: seconds (time) or metres (length) */
    double wmin, wmax; /* least and greatest finite arc cost (0 when no arc): the engine's
                          bucket queue needs the least to be positive */
} acc_csr;

typedef enum { ACC_COST_TIME, ACC_COST_LENGTH } acc_cost;

/* Which way trips go: residents travel to a clinic (inbound: the search runs on the reversed
 * graph from the facilities), an ambulance travels from its station to the call (outbound). */
typedef enum { ACC_OUTBOUND = 0, ACC_INBOUND = 1 } acc_dir;
/* Outbound when every type is an EMS type (ems_station, ems_center), inbound otherwise. */
acc_dir acc_types_dir(char **types, size_t n);

/* Builds the forward (reverse = 0) or reverse graph of `mode`. */
void acc_csr_build(acc_csr *c, const acc_net *g, hss_mode mode, acc_cost cost, int reverse);
void acc_csr_free(acc_csr *c);
/* Cost of edge e in `mode` (seconds or metres); the direction flags tell what is allowed. */
double acc_edge_cost(const acc_net *g, size_t e, hss_mode mode, acc_cost cost);
int acc_edge_fwd(const acc_net *g, size_t e, hss_mode mode);
int acc_edge_bwd(const acc_net *g, size_t e, hss_mode mode);

/* ---- Dijkstra (dijkstra.c) ------------------------------------------------------------ */

typedef struct acc_seed {
    uint32_t node;
    double cost;   /* initial cost at node */
    int32_t label; /* which source (facility index) */
} acc_seed;

/* A reusable workspace: 4-ary heap with positions, so that repeated runs do not allocate. */
typedef struct acc_dij acc_dij;
acc_dij *acc_dij_new(uint32_t n);
void acc_dij_free(acc_dij *d);
/* Multi-source Dijkstra: dist[i] = min over seeds (seed.cost + path cost), label[i] = the
 * label of the seed that achieves it (ties: the smaller label), INFINITY/-1 when unreached
 * or beyond `bound` (INFINITY = no bound). dist/label are caller arrays of c->n. Returns the
 * number of settled nodes. */
size_t acc_dijkstra(acc_dij *d, const acc_csr *c, const acc_seed *seeds, size_t ns, double bound,
                    double *dist, int32_t *label);
/* Bounded run that reports only settled nodes: fills touched[0..k) with the nodes settled
 * within bound (dist valid for those), resets the rest to INFINITY itself on the next call. */
size_t acc_dijkstra_sparse(acc_dij *d, const acc_csr *c, const acc_seed *seeds, size_t ns,
                           double bound, double **dist_out, uint32_t **touched_out);
/* The labels of the last sparse run (valid for touched nodes). */
const int32_t *acc_dij_labels(const acc_dij *d);

/* ---- snapping (snap.c) ----------------------------------------------------------------- */

typedef struct acc_snap {
    int64_t edge;   /* road_edge id / edge index, -1 when nothing within reach */
    double t;       /* position along the edge from u (0) to v (1) */
    double dist_m;  /* straight distance from the point to the snapped position */
    int flagged;    /* dist_m > threshold */
} acc_snap;

/* Reads a snap from result columns c .. c+3 (edge_id, frac, distance_m, flagged). */
void acc_read_snap(hss_stmt *s, int c, acc_snap *sn);

typedef struct acc_grid acc_grid;
/* A uniform lon/lat grid of edge segments; cells about `cell_m` metres. */
acc_grid *acc_grid_build(const acc_net *g, double cell_m);
void acc_grid_free(acc_grid *gr);
/* Nearest edge to a point among the edges usable in `mode` (drivable in either direction,
 * or walkable). */
void acc_grid_nearest(const acc_grid *gr, const acc_net *g, hss_mode mode, double lon, double lat,
                      double max_m, acc_snap *out);

/* ---- points, sources and arrival (points.c) ------------------------------------------- */

/* A point on the network: population point, facility or candidate site. */
typedef struct acc_point {
    char *code;
    char *name;
    char *type;     /* facility type (facilities) or area level (areas) */
    char *area;     /* facilities: area_code; areas: NULL */
    int rural;      /* area kind */
    int64_t pop;    /* residents (population points) */
    double lon, lat;
    acc_snap snap[2];  /* where it meets the network, by hss_mode (drive, walk) */
    int64_t flags;  /* facilities: 1 medcom_lead, 2 sub_centre */
} acc_point;

typedef struct acc_points {
    acc_point *p;
    size_t n, cap;
} acc_points;
void acc_points_free(acc_points *ps);

/* Everything a query needs, loaded once. */
typedef struct acc_ctx {
    acc_net net;
    acc_grid *grid;
    double snap_max_m;
    acc_points pop;        /* population points (villages; townships without villages) */
    acc_points fac;        /* facilities with a location */
    acc_csr csr[2][2][2];  /* graphs by [mode][cost][dir] (inbound = reversed), built on first use */
    int have_csr[2][2][2];
    acc_dij *dij;          /* shared Dijkstra workspace */
} acc_ctx;
/* The graph of a mode, cost and direction (built once). */
const acc_csr *acc_ctx_csr(acc_ctx *cx, hss_mode mode, acc_cost cost, acc_dir dir);

/* Loads the network, the population points under `under` and all facilities, using the
 * stored snaps (re-snapping and storing them when the data changed). */
hss_code acc_ctx_load(hss_store *st, const char *under, acc_ctx *cx, hss_error *err);
void acc_ctx_free(acc_ctx *cx);
/* The population points under `under` (NULL = all) and all located facilities with their
 * stored snaps (re-snapped first when the data changed), and the snap threshold in force. */
hss_code acc_points_load(hss_store *st, const char *under, acc_points *pop, acc_points *fac,
                         double *snap_max_m, hss_error *err);

/* The sources of one multi-source run: seeds on the edge ends plus, for points on the same
 * edge as a source, the sources sorted by edge. Label = position in `which`. Sources whose
 * snap is flagged (too far from any road) are left out. */
typedef struct acc_sources {
    acc_seed *seeds;
    size_t ns;
    int64_t *edge; /* sorted by edge */
    double *t;
    int32_t *lab;
    size_t n;
    acc_dir dir;   /* inbound: costs are from the point to the source */
} acc_sources;
void acc_sources_build(acc_sources *s, const acc_net *g, hss_mode mode, acc_cost cost, acc_dir dir,
                       const acc_point *pts, const size_t *which, size_t nwhich);
void acc_sources_free(acc_sources *s);
/* Arrival cost at a point after a run (dist/label over nodes); INFINITY when unreached or
 * flagged; *lab the nearest source's label. */
double acc_arrival(const acc_net *g, hss_mode mode, acc_cost cost, const double *dist,
                   const int32_t *label, const acc_point *pt, const acc_sources *s, int32_t *lab);

/* One run from the facilities whose type is in `types` (NULL = facilities marked by
 * `which`/`nwhich`): cost[i] and nearest[i] (index into cx->fac, -1) for every population
 * point. Costs in minutes (time) or metres (length). */
hss_code acc_nearest(acc_ctx *cx, char **types, size_t ntypes, hss_mode mode, acc_cost cost,
                     acc_dir dir, double *cost_out, int32_t *nearest, size_t *nsources);

/* Splits "a,b,c" into facility type ids, checking each against the vocabulary. */
hss_code acc_types_parse(const char *types, char ***out, size_t *n, hss_error *err);
void acc_types_free(char **t, size_t n);

/* ---- siting solver (site_solve.c) ----------------------------------------------------- */

/* A covering instance: demand i has weight w[i]; candidate j covers the demands
 * cov[off[j] .. off[j+1]) (with travel cost cost[...] in the same layout, used by p-median).
 * Demands already covered by existing facilities have base[i] = 1 (cover) and base_cost[i]
 * their current cost (p-median; INFINITY = unreached, counted as `penalty`). */
typedef struct acc_site_inst {
    size_t nd, nc;
    const double *w;
    const uint8_t *base;
    const double *base_cost;
    const size_t *off;
    const uint32_t *cov;
    const double *cost;
    double penalty;   /* p-median cost of an unreached demand */
    double capacity;  /* residents one new site may take (0 = unlimited) */
} acc_site_inst;

/* Chooses k candidates: lazy greedy, then swap interchange until no swap improves.
 * chosen[0..k) in greedy rank order; gain[r] = newly covered weight credited to site r.
 * Returns the objective (covered weight for cover, total weighted cost for p-median). */
double acc_site_cover(const acc_site_inst *in, size_t k, uint32_t *chosen, double *gain);
double acc_site_pmedian(const acc_site_inst *in, size_t k, uint32_t *chosen, double *gain);
/* Objective of a given set (for tests and the swap step). */
double acc_site_cover_value(const acc_site_inst *in, const uint32_t *set, size_t k);
double acc_site_pmedian_value(const acc_site_inst *in, const uint32_t *set, size_t k);

#endif
