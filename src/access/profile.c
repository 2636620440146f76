/*
 * profile.c: the car (and walking) speed profile, the first stage of the import. It decides
 * from an OpenStreetMap way's tags whether it is a road, its class, its car speed, its
 * directions, whether people can walk it, and whether it is a ferry.
 *
 * Speeds by `highway` tag are copied as facts from OSRM's default car profile
 * (Project-OSRM/osrm-backend, profiles/car.lua, `speeds.highway`): motorway 90,
 * motorway_link 45, trunk 85, trunk_link 40, primary 65, primary_link 30, secondary 55,
 * secondary_link 25, tertiary 40, tertiary_link 20, unclassified 25, residential 25,
 * living_street 10, service 15 km/h; ferries without a duration 5 km/h.
 * `maxspeed` is honoured as OSRM does: the way's speed becomes maxspeed x 0.8
 * (car.lua `speed_reduction = 0.8`, the projected free-flow speed).
 * Where a road carries no maxspeed, the Chinese legal defaults cap the speed (道路交通安全法
 * 实施条例 第四十五条: without a centre line 30 km/h in cities, 40 km/h on highways; with one
 * lane per direction 50 km/h in cities, 70 km/h on highways). A road without a `lanes` tag is
 * assumed to have one lane per direction when it is trunk/primary/secondary and no centre line
 * otherwise; residential, living_street and service roads count as city streets. Motorways are
 * exempt (expressway limits are signed). Walking: 5 km/h on every way except motorways.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

typedef struct {
    const char *name;
    double kmh;  /* OSRM car.lua default; 0 = not for cars */
    int walk;    /* walkable */
    int city;    /* counts as a city street for the legal default */
    int major;   /* assumed one lane per direction when lanes is unknown */
} road_class;

static const road_class CLASSES[] = {
    {"motorway", 90, 0, 0, 1},      {"motorway_link", 45, 0, 0, 1},
    {"trunk", 85, 1, 0, 1},         {"trunk_link", 40, 1, 0, 1},
    {"primary", 65, 1, 0, 1},       {"primary_link", 30, 1, 0, 1},
    {"secondary", 55, 1, 0, 1},     {"secondary_link", 25, 1, 0, 1},
    {"tertiary", 40, 1, 0, 0},      {"tertiary_link", 20, 1, 0, 0},
    {"unclassified", 25, 1, 0, 0},  {"residential", 25, 1, 1, 0},
    {"living_street", 10, 1, 1, 0}, {"service", 15, 1, 1, 0},
    {"ferry", 5, 1, 0, 0},          {"track", 0, 1, 0, 0},
    {"footway", 0, 1, 0, 0},        {"path", 0, 1, 0, 0},
    {"pedestrian", 0, 1, 0, 0},     {"steps", 0, 1, 0, 0},
    {"cycleway", 0, 1, 0, 0},       {"bridleway", 0, 1, 0, 0},
    {"road", 25, 1, 0, 0}, /* unknown road type: unclassified speed */
    {"csv", 0, 1, 0, 0},   /* speed from a CSV edge list */
};
#define NCLASSES (sizeof CLASSES / sizeof *CLASSES)

const char *acc_profile_class_name(int cls)
{
    return cls >= 0 && (size_t)cls < NCLASSES ? CLASSES[cls].name : "unknown";
}

int acc_profile_class_find(const char *name)
{
    for (size_t i = 0; i < NCLASSES; i++)
        if (strcmp(CLASSES[i].name, name) == 0)
            return (int)i;
    return -1;
}

static const char *tag(const acc_tag *tags, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (tags[i].key && strcmp(tags[i].key, key) == 0)
            return tags[i].value ? tags[i].value : "";
    return NULL;
}

static int is_no(const char *v)
{
    return v && (strcmp(v, "no") == 0 || strcmp(v, "private") == 0 || strcmp(v, "agricultural") == 0 ||
                 strcmp(v, "forestry") == 0 || strcmp(v, "delivery") == 0);
}

double acc_profile_maxspeed(const char *v)
{
    if (!v || !*v)
        return 0;
    char *end;
    double x = strtod(v, &end);
    if (end == v || !(x > 0) || x > 300)
        return 0;
    while (*end == ' ')
        end++;
    if (*end == 0 || strcmp(end, "km/h") == 0 || strcmp(end, "kmh") == 0)
        return x;
    if (strcmp(end, "mph") == 0)
        return x * 1.609344;
    if (strcmp(end, "knots") == 0)
        return x * 1.852;
    return 0;
}

double acc_profile_duration_min(const char *v)
{
    if (!v || !*v)
        return 0;
    if (v[0] == 'P' && v[1] == 'T') { /* ISO 8601 PT1H30M */
        double total = 0;
        const char *p = v + 2;
        while (*p) {
            char *end;
            double x = strtod(p, &end);
            if (end == p)
                return 0;
            if (*end == 'H')
                total += x * 60;
            else if (*end == 'M')
                total += x;
            else if (*end == 'S')
                total += x / 60;
            else
                return 0;
            p = end + 1;
        }
        return total > 0 ? total : 0;
    }
    double parts[3];
    int np = 0;
    const char *p = v;
    while (np < 3) {
        char *end;
        double x = strtod(p, &end);
        if (end == p || x < 0)
            return 0;
        parts[np++] = x;
        if (*end == ':')
            p = end + 1;
        else if (*end == 0)
            break;
        else
            return 0;
    }
    double m;
    if (np == 1)
        m = parts[0];
    else if (np == 2)
        m = parts[0] * 60 + parts[1];
    else
        m = parts[0] * 60 + parts[1] + parts[2] / 60;
    return m > 0 ? m : 0;
}

void acc_profile_way(const acc_tag *tags, size_t ntags, acc_way_rule *out)
{
    memset(out, 0, sizeof *out);
    const char *hw = tag(tags, ntags, "highway");
    const char *route = tag(tags, ntags, "route");
    const char *area = tag(tags, ntags, "area");
    if (area && strcmp(area, "yes") == 0)
        return;
    int cls = -1;
    if (route && strcmp(route, "ferry") == 0) {
        cls = acc_profile_class_find("ferry");
        out->ferry = 1;
        out->ferry_minutes = acc_profile_duration_min(tag(tags, ntags, "duration"));
    } else if (hw) {
        cls = acc_profile_class_find(hw);
        if (cls < 0 || strcmp(hw, "csv") == 0 || strcmp(hw, "ferry") == 0)
            return;
    } else {
        return;
    }
    const road_class *rc = &CLASSES[cls];
    out->cls = cls;
    out->routable = 1;
    /* access restrictions */
    const char *access = tag(tags, ntags, "access");
    const char *mv = tag(tags, ntags, "motor_vehicle");
    const char *mc = tag(tags, ntags, "motorcar");
    const char *foot = tag(tags, ntags, "foot");
    int car_ok = rc->kmh > 0 && !is_no(access) && !is_no(mv) && !is_no(mc);
    if (mc && strcmp(mc, "yes") == 0 && rc->kmh > 0)
        car_ok = 1;
    out->walk = rc->walk && !(is_no(access) && !(foot && !is_no(foot))) && !is_no(foot);
    if (foot && strcmp(foot, "yes") == 0)
        out->walk = 1;
    if (car_ok) {
        double kmh = rc->kmh;
        double ms = acc_profile_maxspeed(tag(tags, ntags, "maxspeed"));
        if (ms > 0 && !out->ferry) {
            kmh = ms * 0.8;
        } else if (!out->ferry && strncmp(rc->name, "motorway", 8) != 0) {
            const char *lanes_s = tag(tags, ntags, "lanes");
            const char *ow = tag(tags, ntags, "oneway");
            int oneway = ow && (strcmp(ow, "yes") == 0 || strcmp(ow, "1") == 0 || strcmp(ow, "-1") == 0);
            int lanes = lanes_s ? atoi(lanes_s) : 0;
            double cap;
            if (oneway || lanes >= 3)
                cap = 1e9; /* a carriageway of a divided road: no legal default here */
            else if (lanes == 2 || (lanes == 0 && rc->major))
                cap = rc->city ? 50 : 70;
            else
                cap = rc->city ? 30 : 40;
            if (kmh > cap)
                kmh = cap;
        }
        out->kmh = kmh;
        out->car_fwd = out->car_bwd = 1;
        const char *ow = tag(tags, ntags, "oneway");
        const char *junction = tag(tags, ntags, "junction");
        int implied = (hw && strcmp(hw, "motorway") == 0) ||
                      (junction && (strcmp(junction, "roundabout") == 0 || strcmp(junction, "circular") == 0));
        if (ow && (strcmp(ow, "yes") == 0 || strcmp(ow, "1") == 0 || strcmp(ow, "true") == 0))
            out->car_bwd = 0;
        else if (ow && (strcmp(ow, "-1") == 0 || strcmp(ow, "reverse") == 0))
            out->car_fwd = 0;
        else if (implied && !(ow && strcmp(ow, "no") == 0))
            out->car_bwd = 0;
    }
    if (!out->kmh && !out->walk)
        out->routable = 0;
}
