/*
 * geo.h (private to demo/): county polygons read from GeoJSON, point-in-polygon tests and
 * random points inside a polygon.
 */
#ifndef HSS_DEMO_GEO_H
#define HSS_DEMO_GEO_H

#include <cjson/cJSON.h>

#include "base/base.h"
#include "geo/geo.h"

typedef struct {
    double *xy;   /* lon,lat pairs */
    size_t n;     /* points */
} geo_ring;

/* A county read from a boundary file (possibly in ECharts' compressed encoding): rings[0] of each polygon is the outer ring, the rest are holes; polygon
 * boundaries are recorded in `poly_start` (index of each polygon's first ring). */
typedef struct {
    char code[16];
    char *name;
    geo_ring *rings;
    size_t nrings;
    size_t *poly_start;
    size_t npolys;
    double minx, miny, maxx, maxy;
    double cx, cy;          /* a representative centre (properties.cp when given) */
    char *geometry_json;    /* the decoded geometry as GeoJSON text, for storage */
    hss_geo_shape shape;    /* the same geometry parsed for containment tests */
} geo_shape;

typedef struct {
    geo_shape *shapes;
    size_t n;
} geo_collection;

/* Loads a FeatureCollection; features are keyed by their `id` (or properties.code). */
hss_code geo_load(const char *path, geo_collection *out, hss_error *err);
void geo_free(geo_collection *c);
geo_shape *geo_find(geo_collection *c, const char *code);
int geo_contains(const geo_shape *s, double x, double y);
/* A uniformly random point inside the shape (rejection sampling in the bounding box). */
void geo_random_point(const geo_shape *s, hss_rng *rng, double *x, double *y);
/* Rounds a coordinate to the 6 decimals (about 0.1 m) locations are stored with. Points are
 * rounded before they are tested, so a point near a border stays on the side it was tested on. */
double geo_round(double deg);
/* Area in km² (equirectangular approximation, fine at county scale). */
double geo_area_km2(const geo_shape *s);

#endif
