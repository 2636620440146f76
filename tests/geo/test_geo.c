/* test_geo.c: polygon parsing, containment with holes and multipolygons, distances, areas,
 * quantising and simplifying outlines for a map. */
#include "testutil.h"
#include "geo/geo.h"

#include <math.h>

static int parse(const char *json, hss_geo_shape *g, char *why)
{
    cJSON *j = cJSON_Parse(json);
    int r = hss_geo_parse(j, g, why, 200);
    cJSON_Delete(j);
    return r;
}

static void contains_respects_holes_and_parts(void **state)
{
    (void)state;
    char why[200];
    hss_geo_shape g;
    /* A 10 × 10 square with a 2 × 2 hole, plus a separate 1 × 1 island at (20, 20). */
    assert_int_equal(parse("{\"type\":\"MultiPolygon\",\"coordinates\":["
                           "[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]],"
                           "[[[20,20],[21,20],[21,21],[20,21],[20,20]]]]}", &g, why), 0);
    assert_int_equal(hss_geo_contains(&g, 1, 1), 1);
    assert_int_equal(hss_geo_contains(&g, 5, 5), 0);   /* in the hole */
    assert_int_equal(hss_geo_contains(&g, 20.5, 20.5), 1);
    assert_int_equal(hss_geo_contains(&g, 15, 15), 0); /* inside the box, outside both parts */
    assert_true(g.maxx == 21 && g.miny == 0);
    hss_geo_free(&g);
}

static void rejects_bad_geometry(void **state)
{
    (void)state;
    char why[200];
    hss_geo_shape g;
    assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}", &g, why), -1);
    assert_non_null(strstr(why, "not closed"));
    hss_geo_free(&g);
    assert_int_equal(parse("{\"type\":\"Point\",\"coordinates\":[0,0]}", &g, why), -1);
    assert_non_null(strstr(why, "Point"));
    hss_geo_free(&g);
    assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,99],[0,0]]]}", &g, why), -1);
    assert_non_null(strstr(why, "lon/lat"));
    hss_geo_free(&g);
}

static void distances_and_areas(void **state)
{
    (void)state;
    /* One degree of latitude is about 111.2 km on the mean sphere. */
    assert_true(fabs(hss_geo_distance_km(119.9, 28.0, 119.9, 29.0) - 111.195) < 0.01);
    assert_true(hss_geo_distance_km(119.9, 28.4, 119.9, 28.4) == 0);
    char why[200];
    hss_geo_shape g;
    /* A 0.1° × 0.1° square at the equator is about 11.13 km × 11.06 km. */
    assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0.1,0],[0.1,0.1],[0,0.1],[0,0]]]}", &g, why), 0);
    assert_true(fabs(hss_geo_area_km2(&g) - 123.1) < 0.5);
    hss_geo_free(&g);
}

/* Quantising rounds every position and drops the repeats it makes, keeping the closing position
 * and never leaving a ring shorter than 4 positions; a long ring takes linear time (it was
 * quadratic: the ring was counted at every position). */
static char *quantised(const char *json, int digits)
{
    cJSON *j = cJSON_Parse(json);
    hss_geo_quantise(j, digits);
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return s;
}

static void quantise_drops_repeats(void **state)
{
    (void)state;
    char *s = quantised("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1.0001,0],[1.0002,0],[1,1],[0,1],[0,0]]]}", 2);
    assert_string_equal(s, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}");
    free(s);
    /* a triangle whose points all round to one: 4 positions kept */
    s = quantised("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[0.001,0],[0.001,0.001],[0,0]]]]}", 1);
    assert_string_equal(s, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[0,0],[0,0],[0,0]]]]}");
    free(s);
    /* 200,000 positions, 50,000 near each corner of a square, plus the closing one */
    static const int corner[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (int i = 0; i < 200000; i++)
        hss_buf_printf(&b, "[%d.%06d,%d.%06d],", corner[i / 50000][0], i % 1000, corner[i / 50000][1], i % 997);
    hss_buf_printf(&b, "[0,0]]]}");
    s = quantised(b.data, 1);
    hss_buf_free(&b);
    assert_string_equal(s, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}");
    free(s);
}

static char *simplified(const char *json, double tolerance)
{
    cJSON *j = cJSON_Parse(json);
    hss_geo_simplify(j, tolerance);
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return s;
}

/* Simplifying drops the positions within the tolerance of their kept neighbours' line and keeps
 * the corners, every ring closed; a ring that would shrink below 4 positions stays whole; a long
 * noisy ring comes down to its shape. */
static void simplify_keeps_the_shape(void **state)
{
    (void)state;
    /* a square with a wobble of 0.01 on its bottom edge and one of 0.5 on its right edge */
    char *s = simplified("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0.5,0.01],[1,0],[1.5,0.5],[1,1],[0,1],[0,0]]]}", 0.05);
    assert_string_equal(s, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1.5,0.5],[1,1],[0,1],[0,0]]]}");
    free(s);
    /* every ring of a MultiPolygon, holes included */
    s = simplified("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[5,0.001],[10,0],[10,10],[0,10],[0,0]],"
                   "[[4,4],[6,4],[6,5],[6,6],[4,6],[4,4]]]]}", 0.01);
    assert_string_equal(s, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[10,0],[10,10],[0,10],[0,0]],"
                           "[[4,4],[6,4],[6,6],[4,6],[4,4]]]]}");
    free(s);
    /* a sliver that would keep 3 positions is left as it was */
    const char *sliver = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[2,0.001],[1,0.002],[0,0]]]}";
    s = simplified(sliver, 0.01);
    assert_string_equal(s, sliver);
    free(s);
    /* 100,001 positions on a circle of radius 1 with noise of ±0.0005: a tolerance of 0.001
     * keeps well under a thousand, every one within 0.0015 of the circle */
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (int i = 0; i < 100000; i++) {
        double a = 2 * M_PI * i / 100000, r = 1 + ((i * 7919) % 11 - 5) * 0.0001;
        hss_buf_printf(&b, "[%.6f,%.6f],", r * cos(a), r * sin(a));
    }
    hss_buf_printf(&b, "[0.999500,0.000000]]]}"); /* closed: the first position again */
    cJSON *j = cJSON_Parse(b.data);
    hss_buf_free(&b);
    hss_geo_simplify(j, 0.001);
    cJSON *ring = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "coordinates"), 0);
    int n = cJSON_GetArraySize(ring);
    assert_true(n >= 20 && n < 1000);
    cJSON *pos;
    cJSON_ArrayForEach(pos, ring)
    {
        double x = cJSON_GetArrayItem(pos, 0)->valuedouble, y = cJSON_GetArrayItem(pos, 1)->valuedouble;
        assert_true(fabs(hypot(x, y) - 1) < 0.0015);
    }
    cJSON *first = cJSON_GetArrayItem(ring, 0), *last = cJSON_GetArrayItem(ring, n - 1);
    assert_true(cJSON_Compare(first, last, 1));
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contains_respects_holes_and_parts),
        cmocka_unit_test(rejects_bad_geometry),
        cmocka_unit_test(distances_and_areas),
        cmocka_unit_test(quantise_drops_repeats),
        cmocka_unit_test(simplify_keeps_the_shape),
    };
    return cmocka_run_group_tests_name("geo", tests, NULL, NULL);
}
