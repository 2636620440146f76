/*
 * scope.c: area scope. GB/T 2260 codes nest by prefix (33 Zhejiang, 3311 Lishui, 331102 Liandu,
 * then 9- and 12-digit statistical codes), so "inside the scope" is a prefix test on the scope's
 * significant digits. Used for every code, filter, export and GeoJSON the server returns.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "server/server_int.h"

int hss_scope_prefix(const char *code, char out[13])
{
    return hss_model_area_prefix(code, out);
}

int hss_scope_contains(const char *scope, const char *code) { return hss_model_area_contains(scope, code); }

void hss_prefix_range(const char *code, char lo[13], char hi[14])
{
    hss_model_area_range(code, lo, hi);
}
