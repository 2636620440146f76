/*
 * geo: geometry on longitude/latitude for HSS. Area boundaries are GeoJSON Polygons and
 * MultiPolygons; this module parses them strictly (closed rings, real lon/lat), tests whether a
 * point lies inside (each polygon's outer ring minus its holes; a point exactly on an edge may
 * fall either way), and measures distances and areas at county scale.
 */
#ifndef HSS_GEO_H
#define HSS_GEO_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct {
    double *xy; /* lon,lat pairs */
    size_t n;   /* positions; the last equals the first */
} hss_geo_ring;

typedef struct {
    hss_geo_ring *rings; /* rings[0] outer, the rest holes */
    size_t nrings;
} hss_geo_poly;

typedef struct hss_geo_shape {
    hss_geo_poly *polys;
    size_t npolys;
    double minx, miny, maxx, maxy; /* bounding box of the outer rings */
} hss_geo_shape;

/* Parses a GeoJSON Polygon or MultiPolygon geometry object. Returns 0, or -1 with the reason in
 * why (the shape is then partly filled: free it with hss_geo_free either way). */
int hss_geo_parse(const cJSON *geometry, hss_geo_shape *out, char *why, size_t whylen);
void hss_geo_free(hss_geo_shape *g);
/* 1 when (lon, lat) lies inside some polygon's outer ring and none of its holes. */
int hss_geo_contains(const hss_geo_shape *g, double lon, double lat);
/* Area in km² (equirectangular projection at the shape's mid-latitude). */
double hss_geo_area_km2(const hss_geo_shape *g);
/* Great-circle distance in km (haversine, mean Earth radius 6,371.0088 km). */
double hss_geo_distance_km(double lon1, double lat1, double lon2, double lat2);

/* Rounds a GeoJSON Polygon or MultiPolygon's positions to `digits` decimals in place and drops a
 * position equal to the one before it (rings stay closed and keep at least 4 positions), so that
 * a map of a whole city is sent at the detail a screen shows: 3 decimals are ~100 m, 4 ~10 m. */
void hss_geo_quantise(cJSON *geometry, int digits);
/* Drops the positions of a GeoJSON Polygon or MultiPolygon that lie within `tolerance` degrees of
 * the line their kept neighbours draw (Douglas-Peucker on each ring), in place; a ring that would
 * keep fewer than 4 positions is left whole. A screen showing a city draws ~300 m to a pixel, so
 * its outlines need no position closer than that to the line: fewer positions to send and draw. */
void hss_geo_simplify(cJSON *geometry, double tolerance);

#endif
