/*
 * export.c: bulk export as NDJSON (one resource per line, one file per type), as the FHIR Bulk
 * Data spec's $export produces and `hss fhir export` writes. Everything in the viewer's scope is
 * read in one read transaction, so the files are one consistent snapshot (MeasureReports, from
 * the metrics module's maintained aggregates, are read right after it); each resource is
 * printed into a reused buffer, so the cost per resource is the mapping and the row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "care/care.h"
#include "fhir/fhir_int.h"

/* Whether `type` is in the comma-separated list (NULL = every type). */
static int wanted(const char *types, const char *type)
{
    if (!types)
        return 1;
    size_t n = strlen(type);
    for (const char *p = types; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, type, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

typedef struct out_buf {
    char *data;
    size_t cap;
} out_buf;

static int write_resource(FILE *f, cJSON *res, out_buf *b)
{
    for (;;) {
        if (b->cap && cJSON_PrintPreallocated(res, b->data, (int)b->cap, 0)) {
            size_t n = strlen(b->data);
            b->data[n] = '\n';
            return fwrite(b->data, 1, n + 1, f) == n + 1 ? 0 : -1;
        }
        b->cap = b->cap ? 2 * b->cap : 16384;
        b->data = hss_xrealloc(b->data, b->cap);
    }
}

static hss_code export_rows(hss_store *st, fhir_kind k, const fhir_query *q, const fhir_map_ctx *c, FILE *f,
                            out_buf *b, size_t *count, hss_error *err)
{
    hss_stmt *s = fhir_db_query(st, k, FV_SCOPE, q, err);
    if (!s)
        return err->code;
    cJSON *a = cJSON_CreateArray();
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        int64_t resident;
        char cursor[72];
        fhir_map_row(k, s, c, a, &resident, cursor);
        cJSON *it;
        cJSON_ArrayForEach(it, a) {
            if (write_resource(f, it, b) != 0) {
                rc = -2 /* the export file */;
                break;
            }
            (*count)++;
        }
        while (cJSON_GetArraySize(a) > 0)
            cJSON_DeleteItemFromArray(a, 0);
        if (rc == -2 /* the export file */)
            break;
    }
    cJSON_Delete(a);
    hss_store_finalize(s);
    if (rc == -2 /* the export file */)
        return hss_fail(err, HSS_EIO, "writing the export: %s", strerror(errno));
    if (rc != HSS_DONE)
        return hss_store_error(st, err, "exporting");
    return HSS_OK;
}

static hss_code export_measures(hss_store *st, const hss_fhir_viewer *v, FILE *f, out_buf *b, size_t *count,
                                hss_error *err)
{
    cJSON *a = cJSON_CreateArray();
    hss_code rc = fhir_measure_reports(st, v->scope, NULL, NULL, NULL, a, err);
    if (rc == HSS_ENOTFOUND || rc == HSS_EINVAL) /* no monitoring data loaded: no reports */
        rc = HSS_OK;
    cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (!rc && write_resource(f, it, b) != 0)
            rc = hss_fail(err, HSS_EIO, "writing the export: %s", strerror(errno));
        (*count)++;
    }
    cJSON_Delete(a);
    return rc;
}

static hss_code export_type(hss_store *st, const hss_fhir_viewer *v, fhir_kind k, const char *dir,
                            const fhir_query *q, const fhir_map_ctx *c, out_buf *b, size_t *count, hss_error *err)
{
    size_t n;
    const char *type = hss_fhir_types(&n)[k];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.ndjson", dir, type);
    FILE *f = fopen(path, "wb");
    if (!f)
        return hss_fail(err, HSS_EIO, "%s: cannot write: %s", path, strerror(errno));
    setvbuf(f, NULL, _IOFBF, 1 << 20); /* gigabytes of short lines: few, large writes */
    hss_code rc = k == FK_MEASUREREPORT ? export_measures(st, v, f, b, count, err)
                                        : export_rows(st, k, q, c, f, b, count, err);
    if (fclose(f) != 0 && !rc)
        rc = hss_fail(err, HSS_EIO, "%s: cannot write: %s", path, strerror(errno));
    return rc;
}

hss_code hss_fhir_export(hss_store *st, const hss_fhir_viewer *v, const char *dir, const char *types,
                         const char *since, hss_fhir_export_stats *stats, hss_error *err)
{
    memset(stats, 0, sizeof *stats);
    double t0 = hss_now();
    fhir_query q;
    memset(&q, 0, sizeof q);
    q.limit = -1;
    if (fhir_scope_range(v->scope, q.lo, q.hi) != 0)
        return hss_fail(err, HSS_EINVAL, "scope '%s' is not an area code", v->scope ? v->scope : "");
    if (since && fhir_date_range(since, q.upd_lo, q.upd_hi) != 0)
        return hss_fail(err, HSS_EINVAL, "_since '%s': must be a date or dateTime", since);
    q.upd_hi[0] = 0; /* from `since` on */
    size_t nt;
    const char *const *names = hss_fhir_types(&nt);
    for (const char *p = types; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int ok = 0;
        for (size_t i = 0; i < nt; i++)
            ok |= strlen(names[i]) == len && strncmp(names[i], p, len) == 0;
        if (!ok)
            return hss_fail(err, HSS_EINVAL, "_type: '%.*s' is not a type HSS exports", (int)len, p);
        p = e ? e + 1 : NULL;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return hss_fail(err, HSS_EIO, "%s: cannot create: %s", dir, strerror(errno));
    char today[11];
    char *d = hss_store_meta_get(st, "care_demo_date");
    snprintf(today, sizeof today, "%s", d ? d : "");
    free(d);
    if (!today[0])
        hss_care_format_day(hss_care_today(), today);
    fhir_map_ctx c = {"", v->see_ids, today};
    if (hss_store_exec(st, "BEGIN", err))
        return HSS_EDB;
    out_buf b = {0};
    hss_code rc = HSS_OK;
    for (size_t k = 0; k < nt && !rc; k++) {
        if (!wanted(types, names[k]) || (since && !fhir_db_has((fhir_kind)k, 'u')) || k == FK_MEASUREREPORT)
            continue;
        q.text_key = !fhir_db_has((fhir_kind)k, 'i');
        rc = export_type(st, v, (fhir_kind)k, dir, &q, &c, &b, &stats->count[k], err);
        stats->resources += stats->count[k];
        stats->types++;
    }
    hss_store_exec(st, "COMMIT", NULL);
    /* indicator values come from the metrics module, which opens its own transaction */
    if (!rc && !since && wanted(types, names[FK_MEASUREREPORT])) {
        rc = export_type(st, v, FK_MEASUREREPORT, dir, &q, &c, &b, &stats->count[FK_MEASUREREPORT], err);
        stats->resources += stats->count[FK_MEASUREREPORT];
        stats->types++;
    }
    free(b.data);
    stats->seconds = hss_now() - t0;
    return rc;
}
