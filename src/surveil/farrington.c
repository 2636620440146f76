/*
 * farrington.c: Farrington-Flexible (Farrington et al. 1996; Noufaily et al. 2013) exactly as
 * R's surveillance::farringtonFlexible computes it, for series indexed by period number:
 *  1. the data: windows of 2w+1 periods around the same period in each of the b past years
 *     (noPeriods = 1), or, with noPeriods > 1, every period of those years split into a
 *     seasonal factor of noPeriods levels; the last pastWeeksNotIncluded periods are left out;
 *  2. a quasi-Poisson log-linear GLM with a time trend, refitted without trend when it does not
 *     converge; with reweighting, observations with Anscombe residual above weightsThreshold
 *     get weight s^-2 and the model is refitted; phi = max(dispersion, 1);
 *  3. the trend is kept only if significant (p < pThresholdTrend), b >= 3, and the prediction
 *     does not exceed every observed count; otherwise the model is refitted without it;
 *  4. the threshold: the delta method with a 2/3 power transform (Farrington), or the
 *     negative-binomial (1-alpha) quantile with plug-in mean (Noufaily, nbPlugin) or with the
 *     mean's upper quantile (muan);
 *  5. no upper bound when fewer than 5 cases fell in the last 4 periods (limit54); alarm when
 *     the exceedance score (y - mu0)/(U - mu0) > 1 and y > 0.
 * Periods flagged as excluded (known outbreaks) are left out of the model data.
 */
#include "surveil/surveil_int.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t nrow;
    double *y;      /* responses */
    double *wtime;  /* period - t (centred at the checked period) */
    int *level;     /* seasonal factor value */
    int levels[64]; /* sorted distinct levels */
    size_t nlevels;
    double ymax;
} ff_data;

typedef struct {
    hss_glm g;
    double *X;
    double *omega;
    int has_trend;
    double phi;
    /* The dispersion R's summary.glm reports for the returned model, used for the trend's
     * p-value and the prediction's standard error. R's fitGLM.flexible overwrites the model's
     * working weights with the reweighting weights omega, so with reweighting this is
     * sum(omega * ((y - mu) / mu)^2) / df, not the quasi-Poisson estimate behind phi. */
    double disp_summary;
    size_t pcols;
} ff_model;

static void model_free(ff_model *m)
{
    hss_glm_free(&m->g);
    free(m->X);
    free(m->omega);
    memset(m, 0, sizeof *m);
}

/* Design matrix: intercept, [wtime], treatment dummies for every level but the lowest. */
static double *design(const ff_data *d, int trend, size_t *pcols)
{
    size_t p = 1 + (trend ? 1 : 0) + (d->nlevels > 0 ? d->nlevels - 1 : 0);
    double *X = hss_xcalloc(d->nrow * p, sizeof *X);
    for (size_t i = 0; i < d->nrow; i++) {
        double *x = X + i * p;
        size_t c = 0;
        x[c++] = 1;
        if (trend)
            x[c++] = d->wtime[i];
        for (size_t l = 1; l < d->nlevels; l++)
            x[c++] = d->level[i] == d->levels[l];
    }
    *pcols = p;
    return X;
}

/* x0 for the prediction at the checked period: wtime 0, the reference-window level. */
static void x0_row(const ff_data *d, int trend, int level, double *x0, size_t p)
{
    memset(x0, 0, p * sizeof *x0);
    size_t c = 0;
    x0[c++] = 1;
    if (trend)
        x0[c++] = 0;
    for (size_t l = 1; l < d->nlevels; l++)
        x0[c++] = level == d->levels[l];
}

static int fit_once(const ff_data *d, int trend, const double *prior, ff_model *m)
{
    m->X = design(d, trend, &m->pcols);
    m->has_trend = trend;
    m->g.n = d->nrow;
    m->g.p = m->pcols;
    m->g.X = m->X;
    m->g.y = d->y;
    m->g.prior = prior;
    if (d->nrow < m->pcols)
        return -1;
    if (hss_glm_fit(&m->g) != 0)
        return -1;
    return m->g.converged ? 0 : -1;
}

/* R's algo.farrington.fitGLM.flexible. Returns 0 with a model, -1 when none converged. */
static int fit_flexible(const ff_data *d, int trend, const hss_surveil_params *p, ff_model *m)
{
    memset(m, 0, sizeof *m);
    if (fit_once(d, trend, NULL, m) != 0) {
        model_free(m);
        if (!trend || fit_once(d, 0, NULL, m) != 0) {
            model_free(m);
            return -1;
        }
        trend = 0;
    }
    m->phi = fmax(m->g.dispersion, 1);
    if (isnan(m->g.dispersion))
        m->phi = NAN;
    if (p->reweight) {
        size_t n = d->nrow;
        double *s = hss_xcalloc(n, sizeof *s);
        double denom = 0;
        for (size_t i = 0; i < n; i++) {
            double mu = m->g.mu[i];
            double h = hss_glm_hat(&m->g, i);
            if (h > 1 - 10 * DBL_EPSILON)
                h = 1;
            double a = 1.5 * (pow(d->y[i], 2.0 / 3) * pow(mu, -1.0 / 6) - sqrt(mu));
            s[i] = a / sqrt(m->phi * (1 - h));
            denom += s[i] > p->weights_threshold ? pow(s[i], -2) : 1;
        }
        double gamma = (double)n / denom;
        double *omega = hss_xcalloc(n, sizeof *omega);
        for (size_t i = 0; i < n; i++)
            omega[i] = s[i] > p->weights_threshold ? gamma * pow(s[i], -2) : gamma;
        free(s);
        model_free(m);
        m->omega = omega;
        fit_once(d, trend, omega, m); /* R does not check this refit's convergence */
        m->phi = fmax(m->g.dispersion, 1);
        if (isnan(m->g.dispersion))
            m->phi = NAN;
        double ss = 0;
        for (size_t i = 0; i < n; i++) {
            double r = (d->y[i] - m->g.mu[i]) / m->g.mu[i];
            if (omega[i] > 0)
                ss += omega[i] * r * r;
        }
        m->disp_summary = m->g.df_residual > 0 ? ss / m->g.df_residual : NAN;
    } else {
        m->disp_summary = m->g.dispersion;
    }
    return 0;
}

/* Builds the model data for checked period t (0-based); block[] is scratch of length n. */
static void build_data(const double *y, const hss_surveil_params *p, size_t t, int *block, ff_data *d)
{
    size_t f = (size_t)p->frequency, w = (size_t)p->w;
    int np = p->no_periods;
    size_t lo = t - (size_t)p->b * f - w;
    for (size_t i = lo; i <= t; i++)
        block[i] = 0; /* 0 = not used */
    for (size_t i = t - w; i <= t; i++)
        block[i] = np;
    for (int yr = 1; yr <= p->b; yr++) {
        size_t ref = t - (size_t)yr * f;
        for (size_t i = ref - w; i <= ref + w; i++)
            block[i] = np;
        if (np != 1) {
            size_t period = f - 2 * w - 1;
            size_t len = period / (size_t)(np - 1), rest = period % (size_t)(np - 1);
            size_t start = ref + w + 1;
            for (int j = 1; j <= np - 1; j++) {
                size_t L = len + ((size_t)j <= rest ? 1 : 0);
                for (size_t i = start; i < start + L; i++)
                    block[i] = j;
                start += L;
            }
        }
    }
    size_t pw = p->past_weeks_not_included < 0 ? w : (size_t)p->past_weeks_not_included;
    size_t cut = pw > t - lo ? lo : t - pw;
    for (size_t i = cut; i <= t; i++)
        block[i] = 0;
    d->nrow = 0;
    d->nlevels = 0;
    d->ymax = -INFINITY;
    int seen[65] = {0};
    for (size_t i = lo; i <= t; i++) {
        if (!block[i] || (p->exclude && p->exclude[i]))
            continue;
        d->y[d->nrow] = y[i];
        d->wtime[d->nrow] = (double)i - (double)t;
        d->level[d->nrow] = block[i];
        if (y[i] > d->ymax)
            d->ymax = y[i];
        if (block[i] <= 64)
            seen[block[i]] = 1;
        d->nrow++;
    }
    for (int l = 1; l <= 64; l++)
        if (seen[l])
            d->levels[d->nlevels++] = l;
}

/* Prediction at the checked period: fit (mu0 or eta) and its standard error. */
static void predict(const ff_data *d, const ff_model *m, int level, int response, double *fit, double *se)
{
    double x0[80];
    x0_row(d, m->has_trend, level, x0, m->pcols);
    double eta = 0;
    for (size_t a = 0; a < m->pcols; a++)
        eta += x0[a] * m->g.beta[a];
    double se_link = sqrt(m->disp_summary * hss_glm_quad(&m->g, x0));
    if (response) {
        *fit = exp(eta);
        *se = se_link * *fit;
    } else {
        *fit = eta;
        *se = se_link;
    }
}

hss_code hss_surveil_farrington(const double *y, size_t n, const hss_surveil_params *p,
                                size_t from, size_t to, hss_surveil_result *r, hss_error *err)
{
    if (p->no_periods > 64)
        return hss_fail(err, HSS_EINVAL, "farrington: noPeriods must be at most 64");
    int *block = hss_xcalloc(n, sizeof *block);
    ff_data d;
    memset(&d, 0, sizeof d);
    d.y = hss_xcalloc(n, sizeof *d.y);
    d.wtime = hss_xcalloc(n, sizeof *d.wtime);
    d.level = hss_xcalloc(n, sizeof *d.level);
    int response = p->threshold_method == HSS_FF_DELTA;
    double z = hss_qnorm(1 - p->alpha);
    hss_surveil_result_alloc(r, to - from + 1);
    for (size_t t = from; t <= to; t++) {
        size_t o = t - from;
        r->index[o] = t;
        r->observed[o] = y[t];
        r->upperbound[o] = NAN;
        r->alarm[o] = -1;
        build_data(y, p, t, block, &d);
        ff_model m;
        if (fit_flexible(&d, p->trend, p, &m) != 0)
            continue;
        if (m.has_trend) {
            double fit, se;
            predict(&d, &m, p->no_periods, 1, &fit, &se);
            double tstat = m.g.beta[1] / sqrt(m.disp_summary * m.g.cov[1 * m.pcols + 1]);
            double pval = hss_pt_two_sided(tstat, m.g.df_residual);
            int do_trend = p->b >= 3 && pval < p->p_threshold_trend && fit <= d.ymax;
            if (!do_trend) {
                model_free(&m);
                if (fit_flexible(&d, 0, p, &m) != 0)
                    continue;
            }
        }
        double fit, se;
        predict(&d, &m, p->no_periods, response, &fit, &se);
        double upper;
        double phi = m.phi;
        if (p->threshold_method == HSS_FF_DELTA) {
            double mu0 = fit, tau = phi + se * se / mu0, e = p->powertrans, sd;
            if (e == 1)
                sd = sqrt(mu0 * tau);
            else if (fabs(e - 0.5) < 1e-12)
                sd = sqrt(tau / 4);
            else
                sd = sqrt(4.0 / 9 * pow(mu0, 1.0 / 3) * tau);
            upper = pow(pow(mu0, e) + z * sd, 1 / e);
        } else {
            double mq = p->threshold_method == HSS_FF_NBPLUGIN ? exp(fit) : exp(fit + z * se);
            if (isinf(mq))
                upper = NAN;
            else if (phi > 1)
                upper = hss_qnbinom(1 - p->alpha, mq / (phi - 1), 1 / phi);
            else
                upper = hss_qpois(1 - p->alpha, mq);
        }
        double score = (y[t] - fit) / (upper - fit);
        double recent = 0;
        size_t L = (size_t)p->limit54_period;
        for (size_t i = t + 1 > L ? t + 1 - L : 0; i <= t; i++)
            recent += y[i];
        int enough = recent >= p->limit54_cases;
        r->upperbound[o] = enough ? upper : NAN;
        r->alarm[o] = enough && !isnan(score) && score > 1 && y[t] != 0;
        model_free(&m);
    }
    free(block);
    free(d.y);
    free(d.wtime);
    free(d.level);
    return HSS_OK;
}
