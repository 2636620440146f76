/*
 * indicator.c: reads indicators/indicators.yaml, the indicator definitions with their
 * citations and targets, and the checks between values. Every mistake in the file is reported
 * with its file:line; expressions are checked against the element catalogue and the staff
 * vocabulary when loaded, not when evaluated.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics/internal.h"
#include "model/model.h"

static hss_code def_fail(hss_error *err, const char *path, const hss_yaml *y, const char *fmt,
                         const char *a)
{
    char why[512];
    snprintf(why, sizeof why, fmt, a ? a : "");
    return hss_fail(err, HSS_EINVAL, "%s:%zu: %s", path, y ? y->line : 0, why);
}

static hss_code parse_term(const char *path, const hss_yaml *y, const char *tok, mx_term *t,
                           hss_error *err)
{
    memset(t, 0, sizeof *t);
    char name[128];
    snprintf(name, sizeof name, "%s", tok);
    char *br = strchr(name, '[');
    if (br) {
        if (strcmp(br, "[basic]") != 0)
            return def_fail(err, path, y, "unknown filter in '%s' (only [basic] is known)", tok);
        *br = 0;
        t->slice = 1;
    }
    if (strcmp(name, "population") == 0)
        t->kind = MX_TERM_POPULATION;
    else if (strcmp(name, "beds_open") == 0)
        t->kind = MX_TERM_BEDS_OPEN;
    else if (strcmp(name, "beds_approved") == 0)
        t->kind = MX_TERM_BEDS_APPROVED;
    else if (strncmp(name, "staff.", 6) == 0) {
        if (hss_model_find(HSS_VOCAB_STAFF, name + 6) < 0)
            return def_fail(err, path, y, "unknown staff category in '%s'", tok);
        t->kind = MX_TERM_STAFF;
        t->staff = hss_xstrdup(name + 6);
    } else {
        const hss_metrics_element *e = hss_metrics_element_find(name);
        if (!e)
            return def_fail(err, path, y, "'%s' is neither a data element nor a stored fact "
                                          "(population, beds_open, beds_approved, staff.<category>)",
                            tok);
        if (t->slice && e->org_kind != HSS_ORG_FACILITY)
            return def_fail(err, path, y, "[basic] applies to facility elements only: '%s'", tok);
        t->kind = MX_TERM_ELEMENT;
        t->element = e->id;
    }
    if (t->slice && t->kind != MX_TERM_ELEMENT)
        return def_fail(err, path, y, "[basic] applies to data elements only: '%s'", tok);
    return HSS_OK;
}

static hss_code parse_expr(const char *path, const hss_yaml *y, mx_expr *e, hss_error *err)
{
    memset(e, 0, sizeof *e);
    if (!y || y->type != HSS_YAML_SCALAR)
        return def_fail(err, path, y, "an expression must be text such as 'a + b'%s", NULL);
    e->text = hss_xstrdup(y->scalar);
    char *copy = hss_xstrdup(y->scalar);
    int sign = 1, want_term = 1;
    hss_code rc = HSS_OK;
    for (char *tok = strtok(copy, " \t"); tok && rc == HSS_OK; tok = strtok(NULL, " \t")) {
        if (!want_term) {
            if (strcmp(tok, "+") && strcmp(tok, "-"))
                rc = def_fail(err, path, y, "expected + or - before '%s'", tok);
            sign = tok[0] == '-' ? -1 : 1;
            want_term = 1;
            continue;
        }
        e->terms = hss_xrealloc(e->terms, (e->n + 1) * sizeof *e->terms);
        rc = parse_term(path, y, tok, &e->terms[e->n], err);
        if (rc == HSS_OK) {
            e->terms[e->n].sign = sign;
            e->n++;
        }
        want_term = 0;
    }
    if (rc == HSS_OK && (want_term || e->n == 0))
        rc = def_fail(err, path, y, "incomplete expression '%s'", y->scalar);
    free(copy);
    return rc;
}

static void expr_free(mx_expr *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->terms[i].staff);
    free(e->terms);
    free(e->text);
}

static char *req_str(const char *path, const hss_yaml *y, const char *key, hss_error *err)
{
    const char *s = hss_yaml_str(y, key);
    if (!s || !*s) {
        def_fail(err, path, y, "missing '%s'", key);
        return NULL;
    }
    return hss_xstrdup(s);
}

static hss_code parse_indicator(const char *path, const hss_yaml *y, mx_indicator *ind,
                                hss_error *err)
{
    memset(ind, 0, sizeof *ind);
    ind->factor = 1;
    if (y->type != HSS_YAML_MAP)
        return def_fail(err, path, y, "an indicator is a map%s", NULL);
    if (!(ind->id = req_str(path, y, "id", err)) || !(ind->zh = req_str(path, y, "zh", err)) ||
        !(ind->en = req_str(path, y, "en", err)) || !(ind->unit = req_str(path, y, "unit", err)))
        return err->code;
    hss_code rc = parse_expr(path, hss_yaml_get(y, "numerator"), &ind->num, err);
    if (rc == HSS_OK)
        rc = parse_expr(path, hss_yaml_get(y, "denominator"), &ind->den, err);
    /* records_denominator: the denominator when the numerator comes from HSS's own records
     * (the register the records cover, e.g. registered_residents instead of population) */
    if (rc == HSS_OK && hss_yaml_get(y, "records_denominator")) {
        ind->rec_den = hss_xcalloc(1, sizeof *ind->rec_den);
        rc = parse_expr(path, hss_yaml_get(y, "records_denominator"), ind->rec_den, err);
    }
    if (rc)
        return rc;
    const char *f = hss_yaml_str(y, "factor");
    if (f && (hss_parse_double(f, &ind->factor) != 0 || ind->factor <= 0))
        return def_fail(err, path, hss_yaml_get(y, "factor"), "factor must be a positive number, "
                                                              "not '%s'", f);
    const hss_yaml *lv = hss_yaml_get(y, "levels");
    ind->levels = 0x3f;
    if (lv) {
        if (lv->type != HSS_YAML_SEQ)
            return def_fail(err, path, lv, "levels is a list such as [county, city]%s", NULL);
        ind->levels = 0;
        for (size_t i = 0; i < lv->n; i++) {
            const char *l = lv->items[i]->type == HSS_YAML_SCALAR ? lv->items[i]->scalar : "";
            int k = strcmp(l, "facility") == 0 ? MX_LEVEL_FACILITY
                                               : hss_model_find(HSS_VOCAB_LEVEL, l);
            if (k < 0)
                return def_fail(err, path, lv->items[i], "unknown level '%s'", l);
            ind->levels |= 1u << k;
        }
    }
    const hss_yaml *c = hss_yaml_get(y, "citation");
    if (!c || !(ind->document = req_str(path, c, "document", err)) ||
        !(ind->quote = req_str(path, c, "quote", err)))
        return c ? err->code : def_fail(err, path, y, "indicator '%s' has no citation", ind->id);
    const hss_yaml *ts = hss_yaml_get(y, "targets");
    if (ts && ts->type != HSS_YAML_MAP)
        return def_fail(err, path, ts, "targets is a map from pack name to target%s", NULL);
    for (size_t i = 0; ts && i < ts->n; i++) {
        const hss_yaml *t = ts->items[i];
        ind->targets = hss_xrealloc(ind->targets, (ind->ntargets + 1) * sizeof *ind->targets);
        mx_target *tg = &ind->targets[ind->ntargets++];
        memset(tg, 0, sizeof *tg);
        tg->pack = hss_xstrdup(ts->keys[i]);
        if (!(tg->op = req_str(path, t, "op", err)) ||
            !(tg->document = req_str(path, t, "document", err)) ||
            !(tg->quote = req_str(path, t, "quote", err)))
            return err->code;
        if (strcmp(tg->op, ">=") && strcmp(tg->op, "<="))
            return def_fail(err, path, t, "op must be >= or <=, not '%s'", tg->op);
        const char *v = hss_yaml_str(t, "value"), *inc = hss_yaml_str(t, "increase");
        if (inc) {
            tg->relative = 1;
            v = inc;
        }
        if (!v || hss_parse_double(v, &tg->value) != 0)
            return def_fail(err, path, t, "target of pack '%s' needs a numeric value or increase",
                            tg->pack);
    }
    return HSS_OK;
}

static hss_code parse_check(const char *path, const hss_yaml *y, mx_check *c, hss_error *err)
{
    memset(c, 0, sizeof *c);
    if (y->type != HSS_YAML_MAP)
        return def_fail(err, path, y, "a check is a map%s", NULL);
    if (!(c->id = req_str(path, y, "id", err)) || !(c->zh = req_str(path, y, "zh", err)) ||
        !(c->en = req_str(path, y, "en", err)))
        return err->code;
    const char *l = hss_yaml_str(y, "left");
    const hss_metrics_element *e = l ? hss_metrics_element_find(l) : NULL;
    if (!e)
        return def_fail(err, path, y, "check left side must be a data element, not '%s'", l);
    c->left = e->id;
    hss_code rc = parse_expr(path, hss_yaml_get(y, "right"), &c->right, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < c->right.n; i++) {
        mx_term *t = &c->right.terms[i];
        const hss_metrics_element *r =
            t->kind == MX_TERM_ELEMENT ? mx_element_by_id(t->element) : NULL;
        if (t->kind != MX_TERM_POPULATION && (!r || r->org_kind != e->org_kind || t->slice))
            return def_fail(err, path, y, "check '%s': the right side must be elements reported "
                                          "by the same kind of org, or population",
                            c->id);
    }
    return HSS_OK;
}

hss_code mx_defs_load(const char *path, mx_defs *d, hss_error *err)
{
    memset(d, 0, sizeof *d);
    hss_yaml *y = hss_yaml_load(path, NULL, err);
    if (!y)
        return err->code;
    hss_code rc = HSS_OK;
    const hss_yaml *inds = hss_yaml_get(y, "indicators");
    if (!inds || inds->type != HSS_YAML_SEQ)
        rc = def_fail(err, path, y, "the file needs a list 'indicators'%s", NULL);
    for (size_t i = 0; rc == HSS_OK && i < inds->n; i++) {
        d->ind = hss_xrealloc(d->ind, (d->nind + 1) * sizeof *d->ind);
        rc = parse_indicator(path, inds->items[i], &d->ind[d->nind++], err);
        for (size_t j = 0; rc == HSS_OK && j + 1 < d->nind; j++)
            if (strcmp(d->ind[j].id, d->ind[d->nind - 1].id) == 0)
                rc = def_fail(err, path, inds->items[i], "indicator '%s' is defined twice",
                              d->ind[j].id);
    }
    const hss_yaml *cks = hss_yaml_get(y, "checks");
    for (size_t i = 0; rc == HSS_OK && cks && cks->type == HSS_YAML_SEQ && i < cks->n; i++) {
        d->checks = hss_xrealloc(d->checks, (d->nchecks + 1) * sizeof *d->checks);
        rc = parse_check(path, cks->items[i], &d->checks[d->nchecks++], err);
    }
    hss_yaml_free(y);
    if (rc)
        mx_defs_free(d);
    return rc;
}

void mx_defs_free(mx_defs *d)
{
    for (size_t i = 0; i < d->nind; i++) {
        mx_indicator *x = &d->ind[i];
        free(x->id);
        free(x->zh);
        free(x->en);
        free(x->unit);
        expr_free(&x->num);
        expr_free(&x->den);
        if (x->rec_den)
            expr_free(x->rec_den);
        free(x->rec_den);
        free(x->document);
        free(x->quote);
        for (size_t j = 0; j < x->ntargets; j++) {
            free(x->targets[j].pack);
            free(x->targets[j].op);
            free(x->targets[j].document);
            free(x->targets[j].quote);
        }
        free(x->targets);
    }
    free(d->ind);
    for (size_t i = 0; i < d->nchecks; i++) {
        free(d->checks[i].id);
        free(d->checks[i].zh);
        free(d->checks[i].en);
        expr_free(&d->checks[i].right);
    }
    free(d->checks);
    memset(d, 0, sizeof *d);
}

const mx_indicator *mx_defs_find(const mx_defs *d, const char *id)
{
    for (size_t i = 0; i < d->nind; i++)
        if (strcmp(d->ind[i].id, id) == 0)
            return &d->ind[i];
    return NULL;
}

const char *hss_metrics_indicator_file(void)
{
    static char path[4096];
    const char *env = getenv("HSS_INDICATORS");
    if (env && *env)
        return env;
    if (access("indicators/indicators.yaml", R_OK) == 0)
        return "indicators/indicators.yaml";
    char exe[3072];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        /* build/hss, build/tests/metrics/test_x, build/bench/x: walk up looking for it */
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = 0;
            snprintf(path, sizeof path, "%s/indicators/indicators.yaml", exe);
            if (access(path, R_OK) == 0)
                return path;
        }
    }
    return "indicators/indicators.yaml";
}
