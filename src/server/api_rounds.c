/*
 * api_rounds.c: mobile-clinic rounds over HTTP (src/rounds/). GET /api/v1/rounds?under=AREA: the
 * rounds of the area with their homes and stops (coordinates included) and every village with
 * how it is served, for the map; GET /api/v1/rounds/schedule?village=CODE[&from=YYYY-MM-DD]
 * [&days=N]: the residents' view, the next visits with date, time and place. Both are reads of
 * area-level records (no person is named); the scope check keeps each user inside their area.
 */
#include <stdlib.h>
#include <string.h>

#include "rounds/rounds.h"
#include "server/server_int.h"

static enum MHD_Result module_error(hss_req *r, hss_code rc, const hss_error *err)
{
    unsigned status = rc == HSS_EINVAL ? 400 : rc == HSS_ENOTFOUND ? 404 : 500;
    return hss_respond_error(r, status, "%s", err->msg);
}

enum MHD_Result hss_api_rounds(hss_req *r)
{
    char under[16];
    if (hss_resolve_under(r, hss_arg(r, "under"), under))
        return MHD_YES;
    char *json = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_rounds_map_json(r->st, under, &json, &err);
    if (rc)
        return module_error(r, rc, &err);
    return hss_respond_json(r, 200, json);
}

enum MHD_Result hss_api_rounds_schedule(hss_req *r)
{
    const char *village = hss_arg(r, "village"), *from = hss_arg(r, "from");
    long long days = 14;
    if (!village)
        return hss_respond_error(r, 400, "village: give a village code");
    if (hss_check_code(r, "village", village) || hss_check_word(r, "from", from, 10) ||
        hss_check_uint(r, "days", hss_arg(r, "days"), 366, &days))
        return MHD_YES;
    if (!hss_scope_contains(r->scope, village))
        return hss_respond_error(r, 403, "village %s is outside your scope", village);
    if (days < 1)
        return hss_respond_error(r, 400, "days: must be 1 to 366");
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_rounds_schedule(r->st, village, from, (int)days, &t, &err);
    if (rc)
        return module_error(r, rc, &err);
    char *rows = hss_table_render(t, HSS_FORMAT_JSON);
    hss_table_free(t);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "{\"village\":\"%s\",\"visits\":%s}", village, rows);
    free(rows);
    return hss_respond_json(r, 200, hss_buf_steal(&b));
}
