/*
 * access: road networks, travel times, service circles and location optimisation.
 *
 * The module reads like OSRM's pipeline: import (OpenStreetMap PBF/XML or a CSV edge list,
 * a car speed profile, the largest strongly connected component) -> graph (compact CSR arrays,
 * stored in the road_node / road_edge tables) -> snapping (area points and facilities onto the
 * nearest road edge, with the snap distance; far points flagged) -> queries (multi-source
 * Dijkstra: nearest facility of a type set and minutes for every node) -> coverage measures
 * and siting. This header is the whole public API; everything else is private to src/access/.
 *
 * Every function that reads the network returns HSS_ENOTFOUND with a clear message when no
 * road network is stored (`hss roads import` or `hss roads generate` first).
 */
#ifndef HSS_ACCESS_H
#define HSS_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* ---- import ------------------------------------------------------------------------------ */

/* What an import or generation did. */
typedef struct hss_roads_stats {
    size_t ways;          /* OSM ways (or CSV rows) read that carry a road */
    size_t nodes_read;    /* network nodes before the component filter */
    size_t edges_read;    /* network edges before the component filter */
    size_t nodes;         /* nodes kept (largest strongly connected component, car) */
    size_t edges;         /* edges kept */
    size_t nodes_dropped; /* nodes outside the largest component */
    size_t edges_dropped; /* edges touching a dropped node */
    size_t ferries;       /* ferry edges kept */
    size_t snapped;       /* area points and facilities snapped */
    size_t snap_flagged;  /* of which farther than the snap threshold from any road */
} hss_roads_stats;

/* Progress callback for big files: called now and then with a phase name and a count. */
typedef void (*hss_roads_progress)(void *ctx, const char *phase, size_t done);

/* Imports a road network, replacing any stored one, in one transaction (or inside the
 * caller's open transaction, which then commits or rolls back). The format follows
 * the file name: *.osm.pbf / *.pbf, *.osm, *.osm.gz (OpenStreetMap, read with readosm) or
 * *.csv (columns u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway). Snaps every area
 * point and facility afterwards. `progress` may be NULL. */
hss_code hss_access_import(hss_store *st, const char *path, hss_roads_progress progress,
                           void *ctx, hss_roads_stats *stats, hss_error *err);

/* Generates a plausible road network over the stored areas' points (county seats, township
 * seats, villages with lon/lat; call it after the areas are stored, inside or outside a
 * transaction) -- the demo regions get their roads this way. It lays out
 * road classes (primary between county seats, secondary between
 * township seats, tertiary/unclassified to villages) and mountain slowdowns from a seeded
 * terrain field; replaces any stored network; every edge is labelled generated. */
hss_code hss_access_generate_roads(hss_store *st, uint64_t seed, hss_error *err);
/* The same with statistics (NULL allowed). */
hss_code hss_access_generate_roads_ex(hss_store *st, uint64_t seed, hss_roads_stats *stats,
                                      hss_error *err);

/* Snap threshold in metres (default 2000): points farther from every road are flagged. */
#define HSS_ACCESS_SNAP_MAX_M 2000.0
/* Re-snaps every area point and facility with threshold `max_m` (<= 0: the stored setting,
 * meta key access.snap_max_m, or the default) and stores the results in road_snap. */
hss_code hss_access_snap(hss_store *st, double max_m, hss_roads_stats *stats, hss_error *err);

/* The stored network in one row: source, generated (0/1), nodes, edges, km of road by class
 * (columns km_<class>), nodes_dropped, edges_dropped, snapped, flagged, snap_max_m. */
hss_code hss_access_info(hss_store *st, hss_table **out, hss_error *err);
/* Area points and facilities farther than the snap threshold from every road they could use:
 * kind, code, name, mode (drive|walk), distance_m (null when none within 200 km). */
hss_code hss_access_flagged(hss_store *st, hss_table **out, hss_error *err);

/* ---- travel modes ---------------------------------------------------------------------- */

typedef enum {
    HSS_MODE_DRIVE, /* car speed profile, one-way restrictions */
    HSS_MODE_WALK   /* 5 km/h on every walkable way, both directions */
} hss_mode;

/* Parses "drive" or "walk". Returns 0 on success. */
int hss_mode_parse(const char *s, hss_mode *out);

/* ---- coverage measures (for policy packs and the CLI) ---------------------------------- */

/* Share of residents within `minutes` of a facility whose type is in `types` (comma
 * separated facility type ids, e.g. "township_health_center,village_clinic"), driving,
 * under area `area_code` (NULL = the whole region). Residents sit at population points
 * (villages; townships without villages). Points flagged as off-road count as not covered.
 * HSS_ENOTFOUND when no road network is stored or no such area; HSS_EINVAL for an unknown
 * facility type. */
hss_code hss_access_share_within(hss_store *st, const char *types, double minutes,
                                 const char *area_code, int64_t *residents, int64_t *covered,
                                 hss_error *err);

/* The service circle of the documents: urban residents within `urban_minutes`, rural ones
 * within `rural_minutes` (e.g. 15 and 20), driving. */
hss_code hss_access_share_within_circle(hss_store *st, const char *types, double urban_minutes,
                                        double rural_minutes, const char *area_code,
                                        int64_t *residents, int64_t *covered, hss_error *err);

/* The same with a travel mode. */
hss_code hss_access_share_within_mode(hss_store *st, const char *types, double minutes,
                                      hss_mode mode, const char *area_code, int64_t *residents,
                                      int64_t *covered, hss_error *err);

/* EMS response model: response = dispatch + turnout + travel from the nearest ems_station or
 * ems_center. The minutes are stated in every output. */
typedef struct hss_ems_opts {
    double dispatch_min; /* call handling to dispatch (default 1.0) */
    double turnout_min;  /* crew turnout (default 2.0) */
} hss_ems_opts;
#define HSS_EMS_DISPATCH_MIN 1.0
#define HSS_EMS_TURNOUT_MIN 2.0

/* Resident-weighted response times. Points that no station reaches are counted in
 * `unreached_*` and excluded from mean/p90. */
typedef struct hss_ems_result {
    double dispatch_min, turnout_min; /* the model's constants as used */
    double urban_mean, urban_p90;     /* minutes, urban population points */
    double rural_mean, rural_p90;     /* minutes, rural population points */
    double all_mean, all_p90;
    int64_t urban_residents, rural_residents;
    int64_t unreached_urban, unreached_rural; /* residents no station reaches */
} hss_ems_result;

/* EMS response times under `area_code` (NULL = all). opts NULL = defaults. */
hss_code hss_access_ems_response(hss_store *st, const char *area_code, const hss_ems_opts *opts,
                                 hss_ems_result *out, hss_error *err);

/* Share of residents within the EMS service radius (network distance from the nearest
 * ems_station/ems_center): `urban_km` for urban points (document: 3.5), `rural_km` for rural
 * ones (document: 8-10). */
hss_code hss_access_ems_radius_share(hss_store *st, const char *area_code, double urban_km,
                                     double rural_km, int64_t *residents, int64_t *covered,
                                     hss_error *err);

/* Network distance of each county sub-centre (facility.sub_centre = 1) from its county's
 * medical centre (the medcom lead hospital, facility.medcom_lead = 1, in the same county;
 * the nearest by road when a county has several). Table columns: facility, name, county,
 * centre, centre_name, road_km, straight_km (road_km null when unreachable). */
hss_code hss_access_subcentre_distances(hss_store *st, const char *area_code, hss_table **out,
                                        hss_error *err);

/* Every population point of the region with its driving cost to the nearest facility of
 * `types` (comma separated): minutes, and when `want_metres` road metres too (INFINITY when
 * unreached or off the road). One load and one or two multi-source runs, so that a caller
 * needing figures for many areas (the policy evaluation) sums points by area code prefix
 * instead of running a query per area. Results equal those of the per-area functions above. */
typedef struct hss_access_points {
    size_t n;
    char **code;     /* area code of each point (village, or township without villages) */
    int *rural;      /* 1 for rural points */
    int64_t *pop;    /* residents */
    double *minutes; /* driving minutes to the nearest facility of the types */
    double *metres;  /* road metres to the nearest (NULL unless asked for) */
    size_t nsources; /* facilities of the types on the network */
} hss_access_points;
hss_code hss_access_point_costs(hss_store *st, const char *types, int want_metres,
                                hss_access_points **out, hss_error *err);
void hss_access_points_free(hss_access_points *p);
/* ---- tables for the CLI ---------------------------------------------------------------- */

typedef struct hss_access_query {
    const char *types;   /* comma separated facility types */
    double minutes;      /* service-circle minutes */
    hss_mode mode;       /* drive or walk */
    const char *under;   /* area code or NULL */
    const char *by;      /* level of the per-area rows: "county" (default) or "township" */
    double rural_minutes; /* circle for rural points (documents: 20); 0 = `minutes` for all */
} hss_access_query;

/* Per-area coverage: columns area, name, residents, covered, share (0-1), points, flagged,
 * plus a total row (area "total"). These three fail with HSS_ENOTFOUND and a message naming
 * the cause when no facility of the types is stored or none is on the network. */
hss_code hss_access_coverage_table(hss_store *st, const hss_access_query *q, hss_table **out,
                                   hss_error *err);
/* One row per population point: area_code, name, kind, residents, nearest_facility,
 * minutes (null when unreachable), covered (0/1), snap_m, flagged, lon, lat. */
hss_code hss_access_detail_table(hss_store *st, const hss_access_query *q, hss_table **out,
                                 hss_error *err);
/* GeoJSON FeatureCollection of the population points with covered/uncovered. */
hss_code hss_access_geojson(hss_store *st, const hss_access_query *q, FILE *out, hss_error *err);

/* ---- siting ------------------------------------------------------------------------------ */

typedef enum {
    HSS_SITE_COVER,  /* maximal covering: most residents newly within `minutes` */
    HSS_SITE_PMEDIAN /* p-median: least resident-weighted mean travel time */
} hss_site_objective;

typedef struct hss_site_opts {
    const char *type;             /* facility type to add (existing ones stay fixed) */
    size_t add;                   /* number of new sites K */
    double minutes;               /* coverage minutes (default 15) */
    hss_site_objective objective; /* cover or pmedian */
    int64_t capacity;             /* residents one new facility may serve; 0 = no cap */
    const char *candidates;       /* CSV file code,lon,lat[,name]; NULL = villages and townships */
    const char *under;            /* area code or NULL */
    hss_mode mode;
} hss_site_opts;

/* Ranked sites: rank, code, name, lon, lat, newly_covered, mean_minutes_after (p-median),
 * and in `summary` (may be NULL) one row: residents, covered_before, covered_after,
 * share_before, share_after, mean_minutes_before, mean_minutes_after. */
hss_code hss_access_site(hss_store *st, const hss_site_opts *o, hss_table **sites,
                         hss_table **summary, hss_error *err);

/* ---- travel-time matrices (matrix.c) ----------------------------------------------------- */

/* The one engine for minutes between places, for modules that route vehicles rather than ask
 * for the nearest facility (120 dispatch and simulation, mobile-clinic rounds). The network of
 * one travel mode is loaded once into the handle for many matrices. Places are lon/lat points
 * (snapped to the nearest edge of the mode; farther than HSS_ACCESS_SNAP_MAX_M from every road
 * = unreachable) or named places (a village/township population point or a located facility,
 * with their stored snaps, as `hss access` uses them). HSS_ENOTFOUND when no network. */
typedef struct hss_access_tt hss_access_tt;
hss_code hss_access_tt_open(hss_store *st, hss_access_tt **out, hss_error *err); /* driving */
hss_code hss_access_tt_open_mode(hss_store *st, hss_mode mode, hss_access_tt **out, hss_error *err);
void hss_access_tt_free(hss_access_tt *tt);
/* Points: minutes[i * ndst + j] from src point i to dst point j (lon,lat pairs); INFINITY when
 * unreachable. */
void hss_access_tt_matrix(hss_access_tt *tt, const double *src, size_t nsrc, const double *dst,
                          size_t ndst, float *minutes);
/* Named places: minutes[i * n + j] from place i to place j (0 on the diagonal); INFINITY when
 * unreachable, off-road (flagged snap) or farther than `max_minutes` (<= 0: no bound; a bound
 * keeps the searches local). HSS_ENOTFOUND when a code is not a located place. */
hss_code hss_access_tt_places(hss_access_tt *tt, hss_store *st, const char *const *codes, size_t n,
                              double max_minutes, double *minutes, hss_error *err);
/* 1 when (lon, lat) is within the snap threshold of a road of the handle's mode. */
int hss_access_tt_on_road(const hss_access_tt *tt, double lon, double lat);

#endif
