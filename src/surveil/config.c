/*
 * config.c: the per-signal configuration, surveil/signals.yaml: for each signal (disease or
 * syndrome code) its detection method and parameters (named as on the command line and in R's
 * control lists), how many sources must signal within how many days for an alert, how many
 * townships raise a county alert, and the suppression period. A `default:` entry covers signals
 * not listed. Errors name file:line.
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static hss_code num(const char *file, const hss_yaml *v, const char *key, double *out, hss_error *err)
{
    if (v->type != HSS_YAML_SCALAR || hss_parse_double(v->scalar, out) != 0)
        return hss_fail(err, HSS_EINVAL, "%s:%zu: %s must be a number", file, v->line, key);
    return HSS_OK;
}

static hss_code integer(const char *file, const hss_yaml *v, const char *key, int *out, hss_error *err)
{
    int64_t x;
    if (v->type != HSS_YAML_SCALAR || hss_parse_int64(v->scalar, &x) != 0 || x < 0 || x > 100000)
        return hss_fail(err, HSS_EINVAL, "%s:%zu: %s must be a whole number >= 0", file, v->line, key);
    *out = (int)x;
    return HSS_OK;
}

static hss_code entry(const char *file, const char *signal, const hss_yaml *node,
                      const hss_surveil_signal_cfg *base, hss_surveil_signal_cfg *out, hss_error *err)
{
    if (node->type != HSS_YAML_MAP)
        return hss_fail(err, HSS_EINVAL, "%s:%zu: signal '%s' must be a map of settings", file, node->line, signal);
    if (base) {
        *out = *base;
        out->name = NULL;
    } else {
        memset(out, 0, sizeof *out);
        hss_surveil_params_default(&out->params, HSS_SURVEIL_EARS_C2, 365);
        out->k_sources = 1;
        out->within_days = 1;
        out->county_townships = 2;
        out->suppress_days = 7;
    }
    out->signal = hss_xstrdup(signal);
    const hss_yaml *mv = hss_yaml_get(node, "method");
    const hss_yaml *fv = hss_yaml_get(node, "frequency");
    int freq = out->params.frequency;
    if (fv && integer(file, fv, "frequency", &freq, err))
        return HSS_EINVAL;
    if (mv) {
        hss_surveil_method m;
        if (mv->type != HSS_YAML_SCALAR || hss_surveil_method_parse(mv->scalar, &m) != 0)
            return hss_fail(err, HSS_EINVAL, "%s:%zu: method must be one of ears-c1, ears-c2, ears-c3, cusum, cdc, farrington, mpm, fixed", file, mv->line);
        hss_surveil_params_default(&out->params, m, freq);
    } else if (fv) {
        hss_surveil_params_default(&out->params, out->params.method, freq);
    }
    hss_surveil_params *p = &out->params;
    for (size_t i = 0; i < node->n; i++) {
        const char *k = node->keys[i];
        const hss_yaml *v = node->items[i];
        hss_code rc = HSS_OK;
        if (!strcmp(k, "method") || !strcmp(k, "frequency"))
            continue;
        else if (!strcmp(k, "name")) {
            if (v->type != HSS_YAML_SCALAR)
                return hss_fail(err, HSS_EINVAL, "%s:%zu: name must be text", file, v->line);
            free(out->name);
            out->name = hss_xstrdup(v->scalar);
        } else if (!strcmp(k, "k_sources"))
            rc = integer(file, v, k, &out->k_sources, err);
        else if (!strcmp(k, "within_days"))
            rc = integer(file, v, k, &out->within_days, err);
        else if (!strcmp(k, "county_townships"))
            rc = integer(file, v, k, &out->county_townships, err);
        else if (!strcmp(k, "suppress_days"))
            rc = integer(file, v, k, &out->suppress_days, err);
        else if (!strcmp(k, "alpha"))
            rc = num(file, v, k, &p->alpha, err);
        else if (!strcmp(k, "baseline"))
            rc = integer(file, v, k, &p->baseline, err);
        else if (!strcmp(k, "min_sigma"))
            rc = num(file, v, k, &p->min_sigma, err);
        else if (!strcmp(k, "k"))
            rc = num(file, v, k, &p->k, err);
        else if (!strcmp(k, "h"))
            rc = num(file, v, k, &p->h, err);
        else if (!strcmp(k, "b"))
            rc = integer(file, v, k, &p->b, err);
        else if (!strcmp(k, "w"))
            rc = integer(file, v, k, &p->w, err);
        else if (!strcmp(k, "m"))
            rc = p->method == HSS_SURVEIL_CDC ? integer(file, v, k, &p->cdc_m, err) : num(file, v, k, &p->cusum_m, err);
        else if (!strcmp(k, "window"))
            rc = integer(file, v, k, &p->window, err);
        else if (!strcmp(k, "years"))
            rc = integer(file, v, k, &p->years, err);
        else if (!strcmp(k, "neighbours"))
            rc = integer(file, v, k, &p->neighbours, err);
        else if (!strcmp(k, "percentile"))
            rc = num(file, v, k, &p->percentile, err);
        else if (!strcmp(k, "threshold"))
            rc = num(file, v, k, &p->threshold, err);
        else if (!strcmp(k, "noufaily")) {
            if (v->type == HSS_YAML_SCALAR && !strcmp(v->scalar, "true"))
                hss_surveil_params_noufaily(p);
        } else
            return hss_fail(err, HSS_EINVAL, "%s:%zu: unknown setting '%s' for signal '%s'", file, v->line, k, signal);
        if (rc)
            return rc;
    }
    if (out->k_sources < 1 || out->within_days < 1)
        return hss_fail(err, HSS_EINVAL, "%s:%zu: signal '%s': k_sources and within_days must be at least 1", file, node->line, signal);
    return HSS_OK;
}

hss_code hss_surveil_config_load(const char *path, hss_surveil_config *cfg, hss_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    hss_yaml *doc = hss_yaml_load(path, NULL, err);
    if (!doc)
        return err ? err->code : HSS_EINVAL;
    hss_code rc = HSS_OK;
    if (doc->type != HSS_YAML_MAP)
        rc = hss_fail(err, HSS_EINVAL, "%s:%zu: expected a map with default: and signals:", path, doc->line);
    const hss_yaml *def = rc ? NULL : hss_yaml_get(doc, "default");
    const hss_yaml *sigs = rc ? NULL : hss_yaml_get(doc, "signals");
    const char *cit = rc ? NULL : hss_yaml_str(doc, "citation");
    if (!rc && !def)
        rc = hss_fail(err, HSS_EINVAL, "%s: missing 'default:' entry", path);
    if (!rc)
        rc = entry(path, "default", def, NULL, &cfg->fallback, err);
    if (!rc && sigs) {
        if (sigs->type != HSS_YAML_MAP)
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: signals must be a map of signal code to settings", path, sigs->line);
        else {
            cfg->signals = hss_xcalloc(sigs->n ? sigs->n : 1, sizeof *cfg->signals);
            for (size_t i = 0; i < sigs->n && !rc; i++) {
                rc = entry(path, sigs->keys[i], sigs->items[i], &cfg->fallback, &cfg->signals[i], err);
                if (cfg->signals[i].signal)
                    cfg->n = i + 1;
            }
        }
    }
    if (!rc && cit)
        cfg->citation = hss_xstrdup(cit);
    hss_yaml_free(doc);
    if (rc)
        hss_surveil_config_free(cfg);
    return rc;
}

void hss_surveil_config_free(hss_surveil_config *cfg)
{
    for (size_t i = 0; i < cfg->n; i++) {
        free(cfg->signals[i].signal);
        free(cfg->signals[i].name);
    }
    free(cfg->signals);
    free(cfg->fallback.signal);
    free(cfg->fallback.name);
    free(cfg->citation);
    memset(cfg, 0, sizeof *cfg);
}

const hss_surveil_signal_cfg *hss_surveil_config_find(const hss_surveil_config *cfg, const char *signal)
{
    for (size_t i = 0; i < cfg->n; i++)
        if (!strcmp(cfg->signals[i].signal, signal))
            return &cfg->signals[i];
    return &cfg->fallback;
}
