/*
 * cmd_region.c: the region module's subcommands — `hss import`, `hss export`, `hss areas`,
 * `hss facilities`, `hss summary`. Parse options, call src/region, print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "region/region.h"

/* Options shared by the region commands. */
typedef struct {
    const char *db, *format, *under, *level, *type, *output;
    const char *limit, *offset;
    int dry_run, help;
    const char *pos[4]; /* positional arguments */
    int npos;
} opts;

/* Parses argv into o; `allowed` lists the options this command takes (space-separated).
 * Returns 0, or 2 after printing a usage error. */
static int parse(int argc, char **argv, const char *allowed, const char *usage, opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: %s\n", usage);
            o->help = 1;
            return 0;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (o->npos >= 4)
                return hss_cli_usage(usage);
            o->pos[o->npos++] = a;
            continue;
        }
        char name[32];
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        snprintf(name, sizeof name, "%.*s", (int)n, a);
        char key[40];
        snprintf(key, sizeof key, " %s ", name + 2);
        char list[256];
        snprintf(list, sizeof list, " %s ", allowed);
        if (!strstr(list, key)) {
            fprintf(stderr, "hss %s: unknown option '%s'\n", argv[0], name);
            return hss_cli_usage(usage);
        }
        if (strcmp(name, "--dry-run") == 0) {
            o->dry_run = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            fprintf(stderr, "hss %s: option '%s' needs a value\n", argv[0], name);
            return hss_cli_usage(usage);
        }
        const char **slot = strcmp(name, "--db") == 0        ? &o->db
                            : strcmp(name, "--format") == 0  ? &o->format
                            : strcmp(name, "--under") == 0   ? &o->under
                            : strcmp(name, "--level") == 0   ? &o->level
                            : strcmp(name, "--type") == 0    ? &o->type
                            : strcmp(name, "--output") == 0  ? &o->output
                            : strcmp(name, "--limit") == 0   ? &o->limit
                                                              : &o->offset;
        *slot = v;
    }
    return 0;
}

static int parse_size(const char *opt, const char *s, size_t *out)
{
    int64_t v;
    if (!s)
        return 0;
    if (hss_parse_int64(s, &v) != 0 || v < 0) {
        fprintf(stderr, "hss: %s must be a whole number >= 0, not '%s'\n", opt, s);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static int kind_arg(const char *s, hss_region_kind *k)
{
    if (s && hss_region_kind_parse(s, k) == 0)
        return 0;
    fprintf(stderr, "hss: KIND must be areas, facilities, staff, vehicles or boundaries%s%s%s\n",
            s ? ", not '" : "", s ? s : "", s ? "'" : "");
    return -1;
}

int hss_cmd_import(int argc, char **argv)
{
    static const char *usage = "hss import --db FILE KIND PATH [--dry-run]\n"
                               "  KIND: areas|facilities|staff|vehicles (CSV) or boundaries (GeoJSON)";
    opts o;
    int r = parse(argc, argv, "db dry-run", usage, &o);
    if (r || o.help)
        return r;
    if (o.npos != 2)
        return hss_cli_usage(usage);
    hss_region_kind kind;
    if (kind_arg(o.pos[0], &kind))
        return 2;
    FILE *probe = fopen(o.pos[1], "rb"); /* fail before creating a database for nothing */
    if (!probe) {
        perror(o.pos[1]);
        return 1;
    }
    fclose(probe);
    hss_store *st = hss_cli_open_db(o.db, 1);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_import_stats s;
    hss_code rc = hss_region_import(st, kind, o.pos[1], o.dry_run, &s, &err);
    int64_t version = hss_store_data_version(st);
    hss_store_close(st);
    if (rc) {
        hss_cli_fail(&err);
        fprintf(stderr, "hss: nothing was imported (the database is unchanged)\n");
        return 1;
    }
    if (o.dry_run)
        printf("checked %s: %zu rows valid; would insert %zu, update %zu, leave %zu unchanged "
               "(dry run: nothing changed)\n", o.pos[1], s.rows, s.inserted, s.updated, s.unchanged);
    else
        printf("imported %s: %zu rows; %zu inserted, %zu updated, %zu unchanged (data version %lld)\n",
               o.pos[1], s.rows, s.inserted, s.updated, s.unchanged, (long long)version);
    return 0;
}

int hss_cmd_export(int argc, char **argv)
{
    static const char *usage = "hss export --db FILE KIND [--format csv|json] [--output PATH]\n"
                               "  KIND: areas|facilities|staff|vehicles, or boundaries (--format geojson)";
    opts o;
    int r = parse(argc, argv, "db format output", usage, &o);
    if (r || o.help)
        return r;
    if (o.npos != 1)
        return hss_cli_usage(usage);
    hss_region_kind kind;
    if (kind_arg(o.pos[0], &kind))
        return 2;
    int json = 0;
    const char *fmt = o.format ? o.format : (kind == HSS_KIND_BOUNDARIES ? "geojson" : "csv");
    if (kind == HSS_KIND_BOUNDARIES) {
        if (strcmp(fmt, "geojson") != 0 && strcmp(fmt, "json") != 0) {
            fprintf(stderr, "hss: boundaries export as geojson, not '%s'\n", fmt);
            return 2;
        }
    } else if (strcmp(fmt, "json") == 0) {
        json = 1;
    } else if (strcmp(fmt, "csv") != 0) {
        fprintf(stderr, "hss: --format must be csv or json, not '%s'\n", fmt);
        return 2;
    }
    hss_store *st = hss_cli_open_db(o.db, 0);
    if (!st)
        return 1;
    FILE *out = stdout;
    if (o.output && !(out = fopen(o.output, "wb"))) {
        perror(o.output);
        hss_store_close(st);
        return 1;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_region_export(st, kind, json, out, &err);
    if (out != stdout && fclose(out) != 0 && !rc)
        rc = hss_fail(&err, HSS_EIO, "%s: write failed", o.output);
    hss_store_close(st);
    return rc ? hss_cli_fail(&err) : 0;
}

typedef hss_code (*query_fn)(hss_store *, const hss_region_filter *, hss_table **, hss_error *);

static int run_query(int argc, char **argv, query_fn fn, const char *allowed, const char *usage)
{
    opts o;
    int r = parse(argc, argv, allowed, usage, &o);
    if (r || o.help)
        return r;
    if (o.npos != 0)
        return hss_cli_usage(usage);
    hss_format fmt = HSS_FORMAT_TABLE;
    if (o.format && hss_cli_format(o.format, &fmt))
        return 2;
    hss_region_filter f = {.under = o.under, .level = o.level, .type = o.type,
                           .display = fmt == HSS_FORMAT_TABLE};
    if (parse_size("--limit", o.limit, &f.limit) || parse_size("--offset", o.offset, &f.offset))
        return 2;
    hss_store *st = hss_cli_open_db(o.db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t = NULL;
    hss_code rc = fn(st, &f, &t, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    hss_table_write(t, fmt, stdout);
    hss_table_free(t);
    return 0;
}

int hss_cmd_areas(int argc, char **argv)
{
    return run_query(argc, argv, hss_region_areas, "db under level limit offset format",
                     "hss areas --db FILE [--under CODE] [--level LEVEL] [--limit N] [--offset N] "
                     "[--format table|csv|json]");
}

int hss_cmd_facilities(int argc, char **argv)
{
    return run_query(argc, argv, hss_region_facilities, "db under level type limit offset format",
                     "hss facilities --db FILE [--under CODE] [--level LEVEL] [--type TYPE] "
                     "[--limit N] [--offset N] [--format table|csv|json]");
}

int hss_cmd_summary(int argc, char **argv)
{
    return run_query(argc, argv, hss_region_summary, "db under level type format",
                     "hss summary --db FILE [--under CODE] [--level LEVEL] [--type TYPE] "
                     "[--format table|csv|json]");
}
