/*
 * pack.c: reads a policy pack (YAML) into rules, validating every field with file:line
 * diagnostics; resolves `extends:` (a child rule with the same id replaces the parent's, and
 * remembers whose it replaced); finds packs by name. `hss policy check` reports every problem;
 * loading for evaluation stops at the first. Plan tasks (`tasks:`) are read and checked here
 * too: standards data cannot check, with their lead and responsible units.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/policy_int.h"

/* ---- diagnostics ------------------------------------------------------------------------ */

typedef struct {
    const char *file;
    hss_buf *out;     /* every diagnostic line, or NULL */
    int errors, warnings;
    hss_error first;  /* the first error */
    const char *seeds_dir;
    int unverified;   /* quotes left unverified for want of the seed directory */
} diag;

__attribute__((format(printf, 4, 5))) static void report(diag *d, int warning, size_t line,
                                                         const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (warning)
        d->warnings++;
    else if (d->errors++ == 0)
        hss_fail(&d->first, HSS_EINVAL, "%s:%zu: %s", d->file, line, msg);
    if (d->out)
        hss_buf_printf(d->out, "%s:%zu: %s: %s\n", d->file, line, warning ? "warning" : "error",
                       msg);
}
#define ERR(d, line, ...) report(d, 0, line, __VA_ARGS__)
#define WARN(d, line, ...) report(d, 1, line, __VA_ARGS__)

const char *policy_cmp_name(pcmp c)
{
    static const char *names[] = {">=", "<=", ">", "<", "==", "present"};
    return names[c];
}

double prule_num(const prule *r, const char *key, double dflt)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].key, key) == 0 && r->params[i].is_num)
            return r->params[i].num;
    return dflt;
}

const char *prule_str(const prule *r, const char *key)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].key, key) == 0)
            return r->params[i].str;
    return NULL;
}

/* ---- small field readers ----------------------------------------------------------------- */

static const char *scalar(diag *d, const hss_yaml *map, const char *key, int required,
                          const char *what)
{
    const hss_yaml *v = hss_yaml_get(map, key);
    if (!v) {
        if (required)
            ERR(d, map->line, "%s: missing '%s'", what, key);
        return NULL;
    }
    if (v->type != HSS_YAML_SCALAR || !*v->scalar) {
        ERR(d, v->line, "%s: '%s' must be a non-empty text", what, key);
        return NULL;
    }
    return v->scalar;
}

/* A {zh, en} pair; both required. */
static void bilingual(diag *d, const hss_yaml *map, const char *key, const char *what, char **zh,
                      char **en)
{
    const hss_yaml *v = hss_yaml_get(map, key);
    if (!v) {
        ERR(d, map->line, "%s: missing '%s' (give zh and en)", what, key);
        return;
    }
    if (v->type != HSS_YAML_MAP) {
        ERR(d, v->line, "%s: '%s' must be a map with zh and en", what, key);
        return;
    }
    char ctx[200];
    snprintf(ctx, sizeof ctx, "%s %s", what, key);
    const char *z = scalar(d, v, "zh", 1, ctx), *e = scalar(d, v, "en", 1, ctx);
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], "zh") && strcmp(v->keys[i], "en"))
            ERR(d, v->items[i]->line, "%s: unknown key '%s' (expected zh, en)", ctx, v->keys[i]);
    *zh = hss_xstrdup(z ? z : "");
    *en = hss_xstrdup(e ? e : "");
}

static void unknown_keys(diag *d, const hss_yaml *map, const char *const *allowed, size_t n,
                         const char *what)
{
    for (size_t i = 0; i < map->n; i++) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(map->keys[i], allowed[k]) == 0)
                break;
        if (k < n)
            continue;
        const char *s = hss_suggest(map->keys[i], allowed, n);
        ERR(d, map->items[i]->line, "%s: unknown key '%s'%s%s%s", what, map->keys[i],
            s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
    }
}

static int valid_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '.' ||
              *s == '-'))
            return 0;
    return 1;
}

/* A vocabulary list (scalar or sequence) into a bit mask. */
static uint32_t vocab_mask(diag *d, const hss_yaml *v, hss_vocab voc, const char *what)
{
    uint32_t mask = 0;
    size_t n = v->type == HSS_YAML_SEQ ? v->n : 1;
    for (size_t i = 0; i < n; i++) {
        const hss_yaml *it = v->type == HSS_YAML_SEQ ? v->items[i] : v;
        if (it->type != HSS_YAML_SCALAR) {
            ERR(d, it->line, "%s: expected a %s", what, hss_model_vocab_name(voc));
            continue;
        }
        int k = hss_model_find(voc, it->scalar);
        if (k < 0) {
            const char *s = hss_model_suggest(voc, it->scalar);
            ERR(d, it->line, "%s: unknown %s '%s'%s%s%s", what, hss_model_vocab_name(voc),
                it->scalar, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
            continue;
        }
        mask |= 1u << k;
    }
    return mask;
}

/* ---- quotes -------------------------------------------------------------------------------- */

/* Checks that `quote` occurs verbatim in the seed document, when the document is available. */
static void check_quote(diag *d, const char *doc, const char *quote, size_t line)
{
    const char *dir = d->seeds_dir;
    if (!dir)
        dir = getenv("HSS_SEEDS_DIR");
    if (!dir || !*dir) {
        /* one warning per file, not one per quote */
        if (d->unverified++ == 0)
            WARN(d, line, "quote not verified: seed documents not available (use --seeds DIR or "
                          "HSS_SEEDS_DIR); no quote of this file is");
        return;
    }
    if (strchr(doc, '/')) {
        ERR(d, line, "source document '%s' must be a seed file name, not a path", doc);
        return;
    }
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, doc);
    size_t len;
    hss_error e;
    char *text = hss_read_file(path, &len, &e);
    if (!text) {
        WARN(d, line, "quote not verified: seed document %s not available in %s", doc, dir);
        return;
    }
    if (!strstr(text, quote))
        ERR(d, line, "quote not found verbatim in %s: \"%.120s\"", doc, quote);
    free(text);
}

/* ---- rules ------------------------------------------------------------------------------- */

static const char *const RULE_KEYS[] = {"id", "title", "source", "year", "scope", "measure",
                                        "params", "comparator", "target", "unit", "gap", "note"};
static const char *const SCOPE_KEYS[] = {"level", "kind", "types", "grades", "ownership",
                                         "run_by", "central", "sub_centre", "each", "areas"};
static const char *const AREA_PARAMS[] = {"population_over", "population_at_least",
                                          "population_below", "service"};

static int parse_year(diag *d, const hss_yaml *v, const char *what)
{
    int64_t y;
    if (v->type != HSS_YAML_SCALAR || hss_parse_int64(v->scalar, &y) != 0 || y < 2000 ||
        y > 2100) {
        ERR(d, v->line, "%s: bad year '%s' (a year between 2000 and 2100)", what,
            v->type == HSS_YAML_SCALAR ? v->scalar : "(not a number)");
        return 0;
    }
    return (int)y;
}

/* A calendar day written YYYY-MM-DD. */
static int is_day(const char *s)
{
    int y, m, d, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
        return 0;
    return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= hss_month_days(y, m);
}

static int param_allowed(const measure_def *m, const char *key)
{
    for (size_t i = 0; i < sizeof AREA_PARAMS / sizeof *AREA_PARAMS; i++)
        if (strcmp(AREA_PARAMS[i], key) == 0)
            return 1;
    const char *p = m->params;
    size_t n = strlen(key);
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, key, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static void check_template(diag *d, const char *t, size_t line, const char *what)
{
    static const char *const names[] = {"gap", "need", "observed", "target", "unit"};
    for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e) {
            ERR(d, line, "%s: unclosed '{' in \"%s\"", what, t);
            return;
        }
        size_t n = (size_t)(e - p - 1), k;
        for (k = 0; k < 5; k++)
            if (strlen(names[k]) == n && strncmp(p + 1, names[k], n) == 0)
                break;
        if (k == 5)
            ERR(d, line, "%s: unknown placeholder '%.*s' (use {gap} {need} {observed} {target} "
                         "{unit})", what, (int)n, p + 1);
    }
}

static void rule_free(prule *r)
{
    free(r->id);
    free(r->title_zh);
    free(r->title_en);
    free(r->document);
    free(r->quote);
    free(r->note);
    for (size_t i = 0; i < r->nparams; i++) {
        free(r->params[i].key);
        free(r->params[i].str);
    }
    free(r->params);
    free(r->unit_zh);
    free(r->unit_en);
    free(r->gap_zh);
    free(r->gap_en);
    free(r->pack);
    free(r->overrides);
    free(r->file);
    for (size_t i = 0; i < r->nareas; i++)
        free(r->areas[i]);
    free(r->areas);
}

static void parse_scope(diag *d, const hss_yaml *s, prule *r, const char *what)
{
    if (s->type != HSS_YAML_MAP) {
        ERR(d, s->line, "%s: scope must be a map", what);
        return;
    }
    unknown_keys(d, s, SCOPE_KEYS, sizeof SCOPE_KEYS / sizeof *SCOPE_KEYS, what);
    const char *v;
    if ((v = scalar(d, s, "level", 0, what))) {
        r->level = hss_model_find(HSS_VOCAB_LEVEL, v);
        if (r->level < 0)
            ERR(d, hss_yaml_get(s, "level")->line, "%s: unknown level '%s' (province, city, "
                "county, township, village)", what, v);
    }
    if ((v = scalar(d, s, "kind", 0, what))) {
        r->kind = hss_model_find(HSS_VOCAB_KIND, v);
        if (r->kind < 0)
            ERR(d, hss_yaml_get(s, "kind")->line, "%s: unknown kind '%s' (urban, rural)", what, v);
    }
    const hss_yaml *y;
    if ((y = hss_yaml_get(s, "types")))
        r->types = vocab_mask(d, y, HSS_VOCAB_FACILITY_TYPE, what);
    if ((y = hss_yaml_get(s, "grades")))
        r->grades = vocab_mask(d, y, HSS_VOCAB_GRADE, what);
    if ((y = hss_yaml_get(s, "ownership")))
        r->ownerships = vocab_mask(d, y, HSS_VOCAB_OWNERSHIP, what);
    if ((y = hss_yaml_get(s, "run_by")))
        r->run_bys = vocab_mask(d, y, HSS_VOCAB_LEVEL, what);
    const char *flags[] = {"central", "sub_centre"};
    int *dst[] = {&r->central, &r->sub_centre};
    for (int i = 0; i < 2; i++) {
        if (!(v = scalar(d, s, flags[i], 0, what)))
            continue;
        if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
            *dst[i] = v[0] == 't';
        else
            ERR(d, hss_yaml_get(s, flags[i])->line, "%s: %s must be true or false, not '%s'",
                what, flags[i], v);
    }
    if ((y = hss_yaml_get(s, "areas"))) {
        /* Named areas by code (6, 9 or 12 digits), e.g. the towns a plan names. */
        size_t n = y->type == HSS_YAML_SEQ ? y->n : 1;
        r->areas = hss_xcalloc(n ? n : 1, sizeof *r->areas);
        for (size_t i = 0; i < n; i++) {
            const hss_yaml *it = y->type == HSS_YAML_SEQ ? y->items[i] : y;
            size_t len = it->type == HSS_YAML_SCALAR ? strlen(it->scalar) : 0;
            int digits = len > 0;
            for (size_t k = 0; k < len; k++)
                digits &= isdigit((unsigned char)it->scalar[k]) != 0;
            if (!digits || (len != 6 && len != 9 && len != 12)) {
                ERR(d, it->line, "%s: areas: '%s' is not an area code (6, 9 or 12 digits)", what,
                    it->type == HSS_YAML_SCALAR ? it->scalar : "(not text)");
                continue;
            }
            r->areas[r->nareas++] = hss_xstrdup(it->scalar);
        }
    }
    if ((v = scalar(d, s, "each", 0, what))) {
        if (strcmp(v, "area") == 0)
            r->each = SUBJ_AREA;
        else if (strcmp(v, "facility") == 0)
            r->each = SUBJ_FACILITY;
        else
            ERR(d, hss_yaml_get(s, "each")->line, "%s: each must be area or facility, not '%s'",
                what, v);
    }
}

static int parse_rule(diag *d, const hss_yaml *y, prule *r, int pack_year)
{
    memset(r, 0, sizeof *r);
    r->level = r->kind = r->central = r->sub_centre = -1;
    r->file = hss_xstrdup(d->file);
    r->line = y->line;
    int errors0 = d->errors;
    if (y->type != HSS_YAML_MAP) {
        ERR(d, y->line, "a rule must be a map");
        r->id = hss_xstrdup("?");
        return -1;
    }
    const char *id = scalar(d, y, "id", 1, "rule");
    char what[256];
    snprintf(what, sizeof what, "rule '%s'", id ? id : "?");
    if (id && !valid_id(id))
        ERR(d, hss_yaml_get(y, "id")->line, "%s: id may hold only a-z 0-9 _ . -", what);
    r->id = hss_xstrdup(id ? id : "?");
    unknown_keys(d, y, RULE_KEYS, sizeof RULE_KEYS / sizeof *RULE_KEYS, what);
    bilingual(d, y, "title", what, &r->title_zh, &r->title_en);

    const hss_yaml *src = hss_yaml_get(y, "source");
    if (!src) {
        ERR(d, y->line, "%s: missing citation 'source' (document and quote)", what);
    } else if (src->type != HSS_YAML_MAP) {
        ERR(d, src->line, "%s: source must be a map with document and quote", what);
    } else {
        const char *doc = scalar(d, src, "document", 1, what);
        const char *q = scalar(d, src, "quote", 1, what);
        static const char *const src_keys[] = {"document", "quote"};
        unknown_keys(d, src, src_keys, 2, what);
        r->document = hss_xstrdup(doc ? doc : "");
        r->quote = hss_xstrdup(q ? q : "");
        if (doc && q)
            check_quote(d, doc, q, hss_yaml_get(src, "quote")->line);
    }
    const char *note = scalar(d, y, "note", 0, what);
    r->note = note ? hss_xstrdup(note) : NULL;

    const hss_yaml *yr = hss_yaml_get(y, "year");
    r->year = yr ? parse_year(d, yr, what) : pack_year;

    const char *mname = scalar(d, y, "measure", 1, what);
    if (mname) {
        r->measure = policy_measure_find(mname);
        if (!r->measure) {
            size_t n;
            const measure_def *all = policy_measures(&n);
            const char **names = hss_xmalloc(n * sizeof *names);
            for (size_t i = 0; i < n; i++)
                names[i] = all[i].name;
            const char *s = hss_suggest(mname, names, n);
            ERR(d, hss_yaml_get(y, "measure")->line, "%s: unknown measure '%s'%s%s%s", what,
                mname, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : " (see `hss policy measures`)");
            free(names);
        }
    }
    const hss_yaml *sc = hss_yaml_get(y, "scope");
    if (sc)
        parse_scope(d, sc, r, what);
    if (r->measure) {
        if (!r->each)
            r->each = (r->measure->subjects & SUBJ_AREA) ? SUBJ_AREA : SUBJ_FACILITY;
        if (!(r->measure->subjects & r->each))
            ERR(d, sc ? sc->line : y->line, "%s: measure %s cannot be evaluated per %s", what,
                r->measure->name, r->each == SUBJ_AREA ? "area" : "facility");
        if (r->each == SUBJ_FACILITY && r->level >= 0)
            ERR(d, sc->line, "%s: 'level' selects areas; a per-facility rule selects facilities "
                "with types, grades, ownership, central, sub_centre (and kind)", what);
    }

    const hss_yaml *pm = hss_yaml_get(y, "params");
    if (pm && pm->type != HSS_YAML_MAP) {
        ERR(d, pm->line, "%s: params must be a map", what);
    } else if (pm) {
        r->params = hss_xcalloc(pm->n ? pm->n : 1, sizeof *r->params);
        for (size_t i = 0; i < pm->n; i++) {
            const hss_yaml *v = pm->items[i];
            if (r->measure && !param_allowed(r->measure, pm->keys[i]))
                ERR(d, v->line, "%s: measure %s takes no parameter '%s'%s%s", what,
                    r->measure->name, pm->keys[i], *r->measure->params ? " (it takes: " : "",
                    *r->measure->params ? r->measure->params : "");
            if (v->type != HSS_YAML_SCALAR) {
                ERR(d, v->line, "%s: parameter '%s' must be a single value", what, pm->keys[i]);
                continue;
            }
            pparam *p = &r->params[r->nparams++];
            p->key = hss_xstrdup(pm->keys[i]);
            p->str = hss_xstrdup(v->scalar);
            p->is_num = hss_parse_double(v->scalar, &p->num) == 0;
            if (strcmp(p->key, "grade_at_least") == 0 && hss_model_find(HSS_VOCAB_GRADE, p->str) < 0)
                ERR(d, v->line, "%s: unknown grade '%s'", what, p->str);
            if (strcmp(p->key, "service") == 0 && hss_model_find(HSS_VOCAB_SERVICE, p->str) < 0)
                ERR(d, v->line, "%s: unknown service '%s'", what, p->str);
            if (strcmp(p->key, "category") == 0 && hss_model_find(HSS_VOCAB_STAFF, p->str) < 0 &&
                strcmp(p->str, "physician") && strcmp(p->str, "health_technician"))
                ERR(d, v->line, "%s: unknown staff category '%s'", what, p->str);
            if ((strncmp(p->key, "population_", 11) == 0 || strcmp(p->key, "per") == 0 ||
                 strcmp(p->key, "base_multiplier") == 0) && (!p->is_num || p->num < 0))
                ERR(d, v->line, "%s: parameter '%s' must be a non-negative number, not '%s'",
                    what, p->key, p->str);
            if (strcmp(p->key, "since") == 0 && !is_day(p->str))
                ERR(d, v->line, "%s: parameter 'since' must be a day YYYY-MM-DD, not '%s'", what, p->str);
            if (strcmp(p->key, "per") == 0 && p->is_num && p->num == 0)
                ERR(d, v->line, "%s: parameter 'per' cannot be zero", what);
        }
    }

    if (r->measure && !strcmp(r->measure->name, "grade_share") && !prule_str(r, "grade_at_least"))
        ERR(d, y->line, "%s: measure grade_share needs params: {grade_at_least: ...}", what);
    if (r->measure && (!strcmp(r->measure->name, "service_present") ||
                       !strcmp(r->measure->name, "service_share")) && !prule_str(r, "service"))
        ERR(d, y->line, "%s: measure %s needs params: {service: ...}", what, r->measure->name);

    const char *cmp = scalar(d, y, "comparator", 1, what);
    if (cmp) {
        int k;
        for (k = 0; k < 6; k++)
            if (strcmp(cmp, policy_cmp_name((pcmp)k)) == 0)
                break;
        if (k == 6)
            ERR(d, hss_yaml_get(y, "comparator")->line,
                "%s: bad comparator '%s' (use >=, <=, >, <, == or present)", what, cmp);
        else
            r->cmp = (pcmp)k;
    }
    const hss_yaml *tg = hss_yaml_get(y, "target");
    if (tg) {
        if (tg->type != HSS_YAML_SCALAR || hss_parse_double(tg->scalar, &r->target) != 0)
            ERR(d, tg->line, "%s: target must be a number", what);
        else
            r->has_target = 1;
        if (r->measure && r->measure->computes_target)
            ERR(d, tg->line, "%s: measure %s computes its own target from its params; remove "
                "'target'", what, r->measure->name);
    } else if (cmp && r->cmp != CMP_PRESENT && !(r->measure && r->measure->computes_target)) {
        ERR(d, y->line, "%s: missing 'target'", what);
    }
    bilingual(d, y, "unit", what, &r->unit_zh, &r->unit_en);
    bilingual(d, y, "gap", what, &r->gap_zh, &r->gap_en);
    const hss_yaml *gp = hss_yaml_get(y, "gap");
    if (gp && r->gap_zh && r->gap_en) {
        check_template(d, r->gap_zh, gp->line, what);
        check_template(d, r->gap_en, gp->line, what);
    }
    return d->errors > errors0 ? -1 : 0;
}

/* ---- plan tasks ----------------------------------------------------------------------------- */

static const char *const TASK_KEYS[] = {"id",   "document", "quote", "title", "target", "value",
                                        "unit", "year",     "lead",  "units", "area"};

static void task_free(hss_policy_task *t)
{
    const char *s[] = {t->id,       t->document, t->quote,   t->title_zh, t->title_en,
                       t->target_zh, t->target_en, t->unit_zh, t->unit_en,  t->lead,
                       t->area,     t->pack,     t->file};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        free((char *)s[i]);
    for (size_t i = 0; i < t->nunits; i++)
        free((char *)t->units[i]);
    free((char **)t->units);
}

static int doc_listed(const hss_policy_pack *p, const char *file)
{
    for (size_t k = 0; k < p->ndocs; k++)
        if (strcmp(p->docs[k].file, file) == 0)
            return 1;
    return 0;
}

static int valid_area(const char *a)
{
    if (strcmp(a, "city") == 0 || strcmp(a, "each_county") == 0)
        return 1;
    if (strlen(a) != 6)
        return 0;
    for (; *a; a++)
        if (!isdigit((unsigned char)*a))
            return 0;
    return 1;
}

/* The responsible units: a list of non-empty texts, each listed once. */
static void task_units(diag *d, const hss_yaml *v, hss_policy_task *t, const char *what)
{
    if (v->type != HSS_YAML_SEQ) {
        ERR(d, v->line, "%s: units must be a list of unit names", what);
        return;
    }
    char **units = hss_xcalloc(v->n ? v->n : 1, sizeof *units);
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++) {
        const hss_yaml *it = v->items[i];
        if (it->type != HSS_YAML_SCALAR || !*it->scalar) {
            ERR(d, it->line, "%s: units: each unit must be a non-empty name", what);
            continue;
        }
        size_t k;
        for (k = 0; k < n && strcmp(units[k], it->scalar); k++)
            ;
        if (k < n) {
            ERR(d, it->line, "%s: units: '%s' listed twice", what, it->scalar);
            continue;
        }
        units[n++] = hss_xstrdup(it->scalar);
    }
    t->units = (const char *const *)units;
    t->nunits = n;
}

/* A task's title, target, optional value and unit, and year. */
static void task_target(diag *d, const hss_yaml *y, const hss_policy_pack *p, hss_policy_task *t,
                        const char *what)
{
    /* the struct's strings are const for its readers; the pack owns them */
    char *zh = NULL, *en = NULL;
    bilingual(d, y, "title", what, &zh, &en);
    t->title_zh = zh;
    t->title_en = en;
    bilingual(d, y, "target", what, &zh, &en);
    t->target_zh = zh;
    t->target_en = en;
    const hss_yaml *v = hss_yaml_get(y, "value");
    if (v) {
        if (v->type != HSS_YAML_SCALAR || hss_parse_double(v->scalar, &t->value) != 0)
            ERR(d, v->line, "%s: value must be a number", what);
        else
            t->has_value = 1;
    }
    if (hss_yaml_get(y, "unit")) {
        if (!v)
            ERR(d, hss_yaml_get(y, "unit")->line, "%s: 'unit' goes with a numeric 'value'",
                what);
        zh = en = NULL;
        bilingual(d, y, "unit", what, &zh, &en);
        t->unit_zh = zh;
        t->unit_en = en;
    }
    const hss_yaml *yr = hss_yaml_get(y, "year");
    t->year = yr ? parse_year(d, yr, what) : p->year;
    if (!t->year && !yr && !p->extends) /* with extends: the parent's year, set when merged */
        ERR(d, y->line, "%s: missing 'year' (the pack gives none either)", what);
}

/* A task's lead unit, responsible units and area. */
static void task_owners(diag *d, const hss_yaml *y, hss_policy_task *t, const char *what)
{
    const char *lead = scalar(d, y, "lead", 1, what);
    t->lead = hss_xstrdup(lead ? lead : "");
    const hss_yaml *u = hss_yaml_get(y, "units");
    if (!u)
        ERR(d, y->line, "%s: missing 'units' (the responsible units as the document lists "
            "them)", what);
    else
        task_units(d, u, t, what);
    const char *area = scalar(d, y, "area", 1, what);
    if (area && !valid_area(area))
        ERR(d, hss_yaml_get(y, "area")->line, "%s: area '%s' must be city, each_county or a "
            "6-digit area code", what, area);
    t->area = hss_xstrdup(area ? area : "");
}

static int parse_task(diag *d, const hss_yaml *y, const hss_policy_pack *p, hss_policy_task *t)
{
    memset(t, 0, sizeof *t);
    t->file = hss_xstrdup(d->file);
    t->line = y->line;
    t->pack = hss_xstrdup(p->name);
    int errors0 = d->errors;
    if (y->type != HSS_YAML_MAP) {
        ERR(d, y->line, "a task must be a map");
        t->id = hss_xstrdup("?");
        return -1;
    }
    const char *id = scalar(d, y, "id", 1, "task");
    char what[256];
    snprintf(what, sizeof what, "task '%s'", id ? id : "?");
    if (id && !valid_id(id))
        ERR(d, hss_yaml_get(y, "id")->line, "%s: id may hold only a-z 0-9 _ . -", what);
    t->id = hss_xstrdup(id ? id : "?");
    unknown_keys(d, y, TASK_KEYS, sizeof TASK_KEYS / sizeof *TASK_KEYS, what);
    const char *doc = scalar(d, y, "document", 1, what);
    const char *q = scalar(d, y, "quote", 1, what);
    t->document = hss_xstrdup(doc ? doc : "");
    t->quote = hss_xstrdup(q ? q : "");
    /* A document of a parent pack is checked once the parents are merged (load_depth). */
    if (doc && !doc_listed(p, doc) && !p->extends)
        ERR(d, hss_yaml_get(y, "document")->line, "%s: document %s is not listed under "
            "documents", what, doc);
    if (doc && q)
        check_quote(d, doc, q, hss_yaml_get(y, "quote")->line);
    task_target(d, y, p, t, what);
    task_owners(d, y, t, what);
    return d->errors > errors0 ? -1 : 0;
}

static void parse_tasks(diag *d, const hss_yaml *tasks, hss_policy_pack *p)
{
    if (tasks->type != HSS_YAML_SEQ) {
        ERR(d, tasks->line, "tasks must be a list");
        return;
    }
    p->tasks = hss_xcalloc(tasks->n ? tasks->n : 1, sizeof *p->tasks);
    for (size_t i = 0; i < tasks->n; i++) {
        hss_policy_task *t = &p->tasks[p->ntasks];
        parse_task(d, tasks->items[i], p, t);
        for (size_t k = 0; k < p->ntasks; k++)
            if (strcmp(p->tasks[k].id, t->id) == 0)
                ERR(d, t->line, "duplicate task id '%s' (first at line %zu)", t->id,
                    p->tasks[k].line);
        for (size_t k = 0; k < p->nrules; k++)
            if (strcmp(p->rules[k].id, t->id) == 0)
                ERR(d, t->line, "task id '%s' is also a rule id (line %zu)", t->id,
                    p->rules[k].line);
        p->ntasks++;
    }
}

const hss_policy_task *hss_policy_tasks(const hss_policy_pack *p, size_t *n)
{
    *n = p->ntasks;
    return p->tasks;
}

/* ---- packs ------------------------------------------------------------------------------- */

void hss_policy_free(hss_policy_pack *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nrules; i++)
        rule_free(&p->rules[i]);
    free(p->rules);
    for (size_t i = 0; i < p->ndocs; i++) {
        free(p->docs[i].file);
        free(p->docs[i].title);
        free(p->docs[i].pack);
    }
    free(p->docs);
    for (size_t i = 0; i < p->nnotenc; i++) {
        free(p->notenc[i].quote);
        free(p->notenc[i].reason);
        free(p->notenc[i].reason_zh);
        free(p->notenc[i].document);
        free(p->notenc[i].pack);
    }
    free(p->notenc);
    for (size_t i = 0; i < p->ntasks; i++)
        task_free(&p->tasks[i]);
    free(p->tasks);
    free(p->name);
    free(p->title_zh);
    free(p->title_en);
    free(p->file);
    free(p->extends);
    free(p);
}

static void parse_documents(diag *d, const hss_yaml *docs, hss_policy_pack *p)
{
    if (docs->type != HSS_YAML_SEQ) {
        ERR(d, docs->line, "documents must be a list");
        return;
    }
    static const char *const keys[] = {"file", "title", "not_encoded"};
    for (size_t i = 0; i < docs->n; i++) {
        const hss_yaml *y = docs->items[i];
        if (y->type != HSS_YAML_MAP) {
            ERR(d, y->line, "a document must be a map with file, title, not_encoded");
            continue;
        }
        unknown_keys(d, y, keys, 3, "document");
        const char *file = scalar(d, y, "file", 1, "document");
        const char *title = scalar(d, y, "title", 0, "document");
        p->docs = hss_xrealloc(p->docs, (p->ndocs + 1) * sizeof *p->docs);
        p->docs[p->ndocs].file = hss_xstrdup(file ? file : "?");
        p->docs[p->ndocs].title = hss_xstrdup(title ? title : "");
        p->docs[p->ndocs].pack = hss_xstrdup(p->name);
        p->ndocs++;
        const hss_yaml *ne = hss_yaml_get(y, "not_encoded");
        if (!ne)
            continue;
        if (ne->type != HSS_YAML_SEQ) {
            ERR(d, ne->line, "not_encoded must be a list of {quote, reason}");
            continue;
        }
        static const char *const nkeys[] = {"quote", "reason", "reason_zh"};
        for (size_t k = 0; k < ne->n; k++) {
            const hss_yaml *it = ne->items[k];
            if (it->type != HSS_YAML_MAP) {
                ERR(d, it->line, "a not_encoded entry must be a map with quote and reason");
                continue;
            }
            unknown_keys(d, it, nkeys, 3, "not_encoded");
            const char *q = scalar(d, it, "quote", 1, "not_encoded");
            const char *why = scalar(d, it, "reason", 1, "not_encoded");
            const char *why_zh = scalar(d, it, "reason_zh", 0, "not_encoded");
            if (q && file)
                check_quote(d, file, q, hss_yaml_get(it, "quote")->line);
            p->notenc = hss_xrealloc(p->notenc, (p->nnotenc + 1) * sizeof *p->notenc);
            pnotenc *n = &p->notenc[p->nnotenc++];
            n->quote = hss_xstrdup(q ? q : "");
            n->reason = hss_xstrdup(why ? why : "");
            n->reason_zh = why_zh ? hss_xstrdup(why_zh) : NULL;
            n->document = hss_xstrdup(file ? file : "?");
            n->pack = hss_xstrdup(p->name);
            n->line = it->line;
        }
    }
}

/* Parses one file (not its parents). Diagnostics go to d; returns NULL only when the file
 * cannot be read or is not YAML. */
static hss_policy_pack *parse_file(const char *path, diag *d)
{
    hss_error e;
    hss_error_clear(&e);
    hss_yaml *y = hss_yaml_load(path, NULL, &e);
    if (!y) {
        d->errors++;
        d->first = e;
        if (d->out)
            hss_buf_printf(d->out, "%s\n", e.msg);
        return NULL;
    }
    hss_policy_pack *p = hss_xcalloc(1, sizeof *p);
    p->file = hss_xstrdup(path);
    if (y->type != HSS_YAML_MAP) {
        ERR(d, y->line, "a pack must be a map (pack, title, extends, year, documents, rules, "
                        "tasks)");
        hss_yaml_free(y);
        p->name = hss_xstrdup("?");
        return p;
    }
    static const char *const keys[] = {"pack", "title",    "extends", "year",
                                       "documents", "rules", "tasks"};
    unknown_keys(d, y, keys, 7, "pack");
    const char *name = scalar(d, y, "pack", 1, "pack");
    if (name && !valid_id(name))
        ERR(d, hss_yaml_get(y, "pack")->line, "pack name '%s' may hold only a-z 0-9 _ . -", name);
    p->name = hss_xstrdup(name ? name : "?");
    bilingual(d, y, "title", "pack", &p->title_zh, &p->title_en);
    const char *ext = scalar(d, y, "extends", 0, "pack");
    p->extends = ext ? hss_xstrdup(ext) : NULL;
    const hss_yaml *yr = hss_yaml_get(y, "year");
    p->year = yr ? parse_year(d, yr, "pack") : 0;
    const hss_yaml *docs = hss_yaml_get(y, "documents");
    if (docs)
        parse_documents(d, docs, p);
    const hss_yaml *rules = hss_yaml_get(y, "rules");
    if (!rules) {
        ERR(d, y->line, "pack: missing 'rules'");
    } else if (rules->type != HSS_YAML_SEQ) {
        ERR(d, rules->line, "rules must be a list");
    } else {
        p->rules = hss_xcalloc(rules->n ? rules->n : 1, sizeof *p->rules);
        for (size_t i = 0; i < rules->n; i++) {
            prule *r = &p->rules[p->nrules];
            parse_rule(d, rules->items[i], r, p->year);
            r->pack = hss_xstrdup(p->name);
            for (size_t k = 0; k < p->nrules; k++)
                if (strcmp(p->rules[k].id, r->id) == 0)
                    ERR(d, r->line, "duplicate rule id '%s' (first at line %zu)", r->id,
                        p->rules[k].line);
            p->nrules++;
            if (r->document && *r->document) {
                size_t k;
                for (k = 0; k < p->ndocs; k++)
                    if (strcmp(p->docs[k].file, r->document) == 0)
                        break;
                if (k == p->ndocs)
                    WARN(d, r->line, "rule '%s' cites %s, which is not listed under documents",
                         r->id, r->document);
            }
        }
    }
    if (!p->year) {
        for (size_t i = 0; i < p->nrules; i++)
            if (p->rules[i].year > p->year)
                p->year = p->rules[i].year;
    }
    const hss_yaml *tasks = hss_yaml_get(y, "tasks");
    if (tasks)
        parse_tasks(d, tasks, p);
    hss_yaml_free(y);
    return p;
}

int hss_policy_check(const char *path, const char *seeds_dir, hss_buf *out, int *warnings)
{
    diag d = {.file = path, .out = out, .seeds_dir = seeds_dir};
    hss_policy_pack *p = parse_file(path, &d);
    if (p && p->extends && d.errors == 0) {
        /* The parent must exist and be valid too. */
        hss_error e;
        hss_error_clear(&e);
        hss_policy_pack *full = hss_policy_load(path, &e);
        if (!full) {
            d.errors++;
            hss_buf_printf(out, "%s\n", e.msg);
        }
        hss_policy_free(full);
    }
    hss_policy_free(p);
    if (warnings)
        *warnings = d.warnings;
    return d.errors;
}

/* ---- locating and loading with extends -------------------------------------------------- */

static int file_exists(const char *p)
{
    return access(p, R_OK) == 0;
}

static int is_path(const char *name)
{
    size_t n = strlen(name);
    return strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

char *hss_policy_locate(const char *name, hss_error *err)
{
    if (is_path(name)) {
        if (file_exists(name))
            return hss_xstrdup(name);
        hss_fail(err, HSS_ENOTFOUND, "%s: no such policy pack file", name);
        return NULL;
    }
    if (!valid_id(name)) {
        hss_fail(err, HSS_EINVAL, "'%s' is not a pack name (a-z 0-9 _ . -) or a .yaml path", name);
        return NULL;
    }
    char dirs[3][1024];
    size_t nd = 0;
    const char *env = getenv("HSS_POLICY_DIR");
    if (env && *env)
        snprintf(dirs[nd++], sizeof dirs[0], "%s", env);
    snprintf(dirs[nd++], sizeof dirs[0], "policy");
    char exe[900];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(dirs[nd++], sizeof dirs[0], "%s/../policy", exe);
        }
    }
    hss_buf tried;
    hss_buf_init(&tried);
    for (size_t i = 0; i < nd; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s.yaml", dirs[i], name);
        if (file_exists(path)) {
            hss_buf_free(&tried);
            return hss_xstrdup(path);
        }
        hss_buf_printf(&tried, "%s%s", i ? ", " : "", path);
    }
    hss_fail(err, HSS_ENOTFOUND, "policy pack '%s' not found (looked in %s)", name, tried.data);
    hss_buf_free(&tried);
    return NULL;
}

/* Locates a parent next to the child first, then by the usual search. */
static char *locate_parent(const char *child_path, const char *name, hss_error *err)
{
    const char *slash = strrchr(child_path, '/');
    if (slash && !is_path(name)) {
        char path[1200];
        snprintf(path, sizeof path, "%.*s/%s.yaml", (int)(slash - child_path), child_path, name);
        if (file_exists(path))
            return hss_xstrdup(path);
    }
    return hss_policy_locate(name, err);
}

/* Merges the parent's tasks before the child's. A task id must be unique across the chain
 * (a task is work assigned to units, not a standard a city may restate), and a child's task
 * must cite a document listed by the child or a parent. */
static int merge_tasks(hss_policy_pack *p, hss_policy_pack *parent, hss_error *err)
{
    for (size_t i = 0; i < p->ntasks; i++) {
        hss_policy_task *t = &p->tasks[i];
        if (!t->year)
            t->year = p->year;
        if (!t->year) {
            hss_fail(err, HSS_EINVAL, "%s:%zu: task '%s': missing 'year' (no pack in the chain "
                     "gives one either)", t->file, t->line, t->id);
            return -1;
        }
        if (!doc_listed(p, t->document)) {
            hss_fail(err, HSS_EINVAL, "%s:%zu: task '%s': document %s is not listed under "
                     "documents of this pack or a pack it extends", t->file, t->line, t->id,
                     t->document);
            return -1;
        }
        for (size_t k = 0; k < parent->ntasks; k++)
            if (strcmp(parent->tasks[k].id, t->id) == 0) {
                hss_fail(err, HSS_EINVAL, "%s:%zu: task id '%s' is already a task of pack '%s' "
                         "(%s:%zu)", t->file, t->line, t->id, parent->tasks[k].pack,
                         parent->tasks[k].file, parent->tasks[k].line);
                return -1;
            }
    }
    hss_policy_task *all = hss_xmalloc((parent->ntasks + p->ntasks + 1) * sizeof *all);
    if (parent->ntasks)
        memcpy(all, parent->tasks, parent->ntasks * sizeof *all);
    if (p->ntasks)
        memcpy(all + parent->ntasks, p->tasks, p->ntasks * sizeof *all);
    free(p->tasks);
    p->tasks = all;
    p->ntasks += parent->ntasks;
    free(parent->tasks);
    parent->tasks = NULL;
    parent->ntasks = 0;
    return 0;
}

static hss_policy_pack *load_depth(const char *name, int depth, hss_error *err,
                                   const char *child_path)
{
    if (depth > 8) {
        hss_fail(err, HSS_EINVAL, "%s: 'extends' chain too long or circular", child_path);
        return NULL;
    }
    char *path = child_path ? locate_parent(child_path, name, err) : hss_policy_locate(name, err);
    if (!path)
        return NULL;
    diag d = {.file = path, .seeds_dir = ""};
    hss_policy_pack *p = parse_file(path, &d);
    if (!p || d.errors) {
        *err = d.first;
        hss_policy_free(p);
        free(path);
        return NULL;
    }
    free(path);
    if (!p->extends)
        return p;
    hss_policy_pack *parent = load_depth(p->extends, depth + 1, err, p->file);
    if (!parent) {
        hss_policy_free(p);
        return NULL;
    }
    /* Merge: parent's rules first; a child rule with the same id replaces it in place. */
    size_t total = parent->nrules + p->nrules;
    prule *rules = hss_xcalloc(total ? total : 1, sizeof *rules);
    size_t n = 0;
    for (size_t i = 0; i < parent->nrules; i++)
        rules[n++] = parent->rules[i];
    for (size_t i = 0; i < p->nrules; i++) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(rules[k].id, p->rules[i].id) == 0)
                break;
        if (k < n) {
            prule old = rules[k];
            rules[k] = p->rules[i];
            free(rules[k].overrides);
            rules[k].overrides = hss_xstrdup(old.pack);
            rule_free(&old);
        } else {
            rules[n++] = p->rules[i];
        }
    }
    free(parent->rules);
    parent->rules = NULL;
    parent->nrules = 0;
    free(p->rules);
    p->rules = rules;
    p->nrules = n;
    /* Documents and not-encoded lists: the parent's, then the child's. */
    pdoc *docs = hss_xmalloc((parent->ndocs + p->ndocs + 1) * sizeof *docs);
    if (parent->ndocs)
        memcpy(docs, parent->docs, parent->ndocs * sizeof *docs);
    if (p->ndocs)
        memcpy(docs + parent->ndocs, p->docs, p->ndocs * sizeof *docs);
    free(p->docs);
    p->docs = docs;
    p->ndocs += parent->ndocs;
    free(parent->docs);
    parent->docs = NULL;
    parent->ndocs = 0;
    pnotenc *ne = hss_xmalloc((parent->nnotenc + p->nnotenc + 1) * sizeof *ne);
    if (parent->nnotenc)
        memcpy(ne, parent->notenc, parent->nnotenc * sizeof *ne);
    if (p->nnotenc)
        memcpy(ne + parent->nnotenc, p->notenc, p->nnotenc * sizeof *ne);
    free(p->notenc);
    p->notenc = ne;
    p->nnotenc += parent->nnotenc;
    free(parent->notenc);
    parent->notenc = NULL;
    parent->nnotenc = 0;
    if (!p->year)
        p->year = parent->year;
    if (merge_tasks(p, parent, err) != 0) {
        hss_policy_free(parent);
        hss_policy_free(p);
        return NULL;
    }
    hss_policy_free(parent);
    return p;
}

hss_policy_pack *hss_policy_load(const char *name_or_path, hss_error *err)
{
    return load_depth(name_or_path, 0, err, NULL);
}

const char *hss_policy_name(const hss_policy_pack *p)
{
    return p->name;
}

const char *hss_policy_title(const hss_policy_pack *p)
{
    return p->title_zh ? p->title_zh : p->name;
}

int hss_policy_year(const hss_policy_pack *p)
{
    return p->year;
}

size_t hss_policy_rule_count(const hss_policy_pack *p)
{
    return p->nrules;
}
