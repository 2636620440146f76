/*
 * search.c: finds areas and facilities by name or code as a user types, within an area (the
 * caller's scope). A city holds thousands of facilities; a planner looking for 紫金街道 or a
 * township centre should not have to page through them. Digits match a code from its start;
 * anything else matches a name anywhere in it. Exact names come first, then names that start
 * with the text, then the rest; larger areas before smaller ones.
 */
#include <ctype.h>
#include <string.h>

#include "model/model.h"
#include "region/region_int.h"

static int all_digits(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

hss_code hss_region_search(hss_store *st, const char *text, const char *under, size_t limit, hss_table **out,
                           hss_error *err)
{
    *out = NULL;
    if (!text || !*text || strlen(text) > 64)
        return hss_fail(err, HSS_EINVAL, "search text: give 1 to 64 characters of a name or code");
    hss_region_filter f = {.under = under};
    if (rg_check_filter(st, &f, err))
        return err ? err->code : HSS_EINVAL;
    hss_stmt *q = hss_store_prepare(st,
        UNDER_CTE
        "SELECT kind, code, name, detail, place FROM ("
        " SELECT 'area' AS kind, a.code, a.name, a.level AS detail, p.name AS place,"
        "  CASE WHEN a.name=?2 THEN 0 WHEN substr(a.name,1,length(?2))=?2 THEN 1 ELSE 2 END AS rank, 0 AS k"
        "  FROM sub JOIN area a ON a.code=sub.code LEFT JOIN area p ON p.code=a.parent_code"
        "  WHERE CASE WHEN ?3<>0 THEN substr(a.code,1,length(?2))=?2 ELSE instr(a.name,?2)>0 END"
        " UNION ALL"
        " SELECT 'facility', f.code, f.name, f.type, a.name,"
        "  CASE WHEN f.name=?2 THEN 0 WHEN substr(f.name,1,length(?2))=?2 THEN 1 ELSE 2 END, 1"
        "  FROM sub JOIN facility f ON f.area_code=sub.code JOIN area a ON a.code=f.area_code"
        "  WHERE CASE WHEN ?3<>0 THEN substr(f.code,1,length(?2))=?2 ELSE instr(f.name,?2)>0 END) AS hit"
        " ORDER BY rank, k, length(code), code LIMIT ?4", err);
    if (!q)
        return HSS_EDB;
    hss_store_bind_copy(q, 1, under);
    hss_store_bind_copy(q, 2, text);
    hss_store_bind_int(q, 3, all_digits(text));
    hss_store_bind_int64(q, 4, (int64_t)(limit ? limit : 20));
    hss_table *t = hss_table_new();
    static const char *const cols[] = {"kind", "code", "name", "detail", "detail_zh", "place"};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
        hss_table_add_col(t, cols[c], NULL, HSS_COL_TEXT);
    int rc;
    while ((rc = hss_store_step(q)) == HSS_ROW) {
        const char *kind = hss_store_col_text(q, 0), *detail = hss_store_col_text(q, 3);
        hss_table_add_row(t);
        for (int c = 0; c < 4; c++)
            hss_table_set_text(t, (size_t)c, hss_store_col_text(q, c));
        hss_table_set_text(t, 4, hss_model_zh(strcmp(kind, "area") == 0 ? HSS_VOCAB_LEVEL : HSS_VOCAB_FACILITY_TYPE,
                                              detail));
        if (!hss_store_col_is_null(q, 4))
            hss_table_set_text(t, 5, hss_store_col_text(q, 4));
    }
    hss_store_finalize(q);
    if (rc != HSS_DONE) {
        hss_table_free(t);
        return hss_store_error(st, err, "search");
    }
    *out = t;
    return HSS_OK;
}
