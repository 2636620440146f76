/*
 * schema_access.c: tables of the access module. The road network is stored as numbered nodes
 * and edges (the import keeps only the largest strongly connected component); road_snap holds
 * where every area point and facility meets the network and how far away it is, once for
 * driving (nearest drivable edge) and once for walking (nearest walkable edge).
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_access, "access",
    "CREATE TABLE road_node("
    "  id INTEGER PRIMARY KEY,"          /* 0 .. n-1, dense */
    "  lon REAL NOT NULL, lat REAL NOT NULL"
    ");"
    "CREATE TABLE road_edge("
    "  id INTEGER PRIMARY KEY,"          /* 0 .. m-1, dense */
    "  u INTEGER NOT NULL REFERENCES road_node(id),"
    "  v INTEGER NOT NULL REFERENCES road_node(id),"
    "  length_m REAL NOT NULL CHECK(length_m > 0),"
    "  speed_kmh REAL NOT NULL CHECK(speed_kmh >= 0)," /* car speed; 0 = not drivable */
    "  car_fwd INTEGER NOT NULL,"       /* 1 when a car may drive u -> v */
    "  car_bwd INTEGER NOT NULL,"       /* 1 when a car may drive v -> u */
    "  walk INTEGER NOT NULL,"          /* 1 when walkable (both ways) */
    "  ferry INTEGER NOT NULL DEFAULT 0,"
    "  road_class TEXT NOT NULL,"       /* highway class of the speed profile, or csv */
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE TABLE road_snap("
    "  kind TEXT NOT NULL CHECK(kind IN ('area','facility')),"
    "  code TEXT NOT NULL,"
    "  mode TEXT NOT NULL CHECK(mode IN ('drive','walk')),"  /* drive: nearest drivable edge; walk: nearest walkable edge */
    "  edge_id INTEGER,"                /* NULL when no road within reach */
    "  frac REAL,"                      /* position along the edge from u (0) to v (1) */
    "  distance_m REAL,"                /* straight distance from the point to the road */
    "  flagged INTEGER NOT NULL,"       /* 1 when farther than the snap threshold */
    "  PRIMARY KEY(kind, code, mode)"
    ") WITHOUT ROWID;");
