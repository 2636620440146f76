/*
 * render.c: the rows a module answers (hss_table) as JSON. A row becomes an object whose keys
 * and value kinds the endpoint names, so that every answer keeps its exact shape whatever
 * module query produced it.
 */
#include <stdlib.h>
#include <cjson/cJSON.h>

#include "server/server_int.h"

void hss_json_cell(cJSON *o, const char *key, const hss_table *t, size_t i, size_t c, char kind)
{
    int null = hss_table_is_null(t, i, c);
    const char *v = hss_table_cell(t, i, c);
    switch (kind) {
    case 's': /* text; a null leaves the key out */
        if (!null)
            cJSON_AddStringToObject(o, key, v);
        break;
    case 'S': /* text or null */
        if (null)
            cJSON_AddNullToObject(o, key);
        else
            cJSON_AddStringToObject(o, key, v);
        break;
    case 'n': /* a number; null reads as 0 */
        cJSON_AddNumberToObject(o, key, null ? 0 : strtod(v, NULL));
        break;
    case 'm': /* a number; a null leaves the key out */
        if (!null)
            cJSON_AddNumberToObject(o, key, strtod(v, NULL));
        break;
    case 'N': /* a number or null */
        if (null)
            cJSON_AddNullToObject(o, key);
        else
            cJSON_AddNumberToObject(o, key, strtod(v, NULL));
        break;
    case 'b': /* true when non-zero */
        cJSON_AddBoolToObject(o, key, !null && strtod(v, NULL) != 0);
        break;
    }
}

cJSON *hss_json_row(const hss_table *t, size_t i, const char *const *keys, const char *kinds)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t c = 0; kinds[c]; c++)
        if (kinds[c] != '-')
            hss_json_cell(o, keys[c], t, i, c, kinds[c]);
    return o;
}

cJSON *hss_json_rows(const hss_table *t, const char *const *keys, const char *kinds)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < hss_table_rows(t); i++)
        cJSON_AddItemToArray(a, hss_json_row(t, i, keys, kinds));
    return a;
}
