/*
 * glm.c: a Poisson / quasi-Poisson log-linear model fitted by iteratively reweighted least
 * squares exactly as R's glm.fit does it (start mu = y + 0.1, at most 25 iterations, stop when
 * the relative deviance change is below 1e-8), so that Farrington-Flexible reproduces the R
 * package's numbers: the working weights, covariance, dispersion and hat values are those of
 * the last iteration, as in R's model object.
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cholesky factorisation of the p x p matrix a (in place, lower); -1 when not positive. */
static int cholesky(double *a, size_t p)
{
    for (size_t j = 0; j < p; j++) {
        double s = a[j * p + j];
        for (size_t k = 0; k < j; k++)
            s -= a[j * p + k] * a[j * p + k];
        if (!(s > 1e-12 * (fabs(a[j * p + j]) + 1e-300)))
            return -1;
        a[j * p + j] = sqrt(s);
        for (size_t i = j + 1; i < p; i++) {
            double t = a[i * p + j];
            for (size_t k = 0; k < j; k++)
                t -= a[i * p + k] * a[j * p + k];
            a[i * p + j] = t / a[j * p + j];
        }
    }
    return 0;
}

/* Solves L L' x = b in place. */
static void chol_solve(const double *l, size_t p, double *b)
{
    for (size_t i = 0; i < p; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= l[i * p + k] * b[k];
        b[i] = s / l[i * p + i];
    }
    for (size_t i = p; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < p; k++)
            s -= l[k * p + i] * b[k];
        b[i] = s / l[i * p + i];
    }
}

static double deviance(const hss_glm *g)
{
    double d = 0;
    for (size_t i = 0; i < g->n; i++) {
        double w = g->prior ? g->prior[i] : 1.0;
        double y = g->y[i], mu = g->mu[i];
        d += y > 0 ? w * (y * log(y / mu) - (y - mu)) : mu * w;
    }
    return 2 * d;
}

/* Weighted least squares: solves (X'WX) beta = X'Wz; leaves the factor in xtx. */
static int wls(hss_glm *g, const double *w, const double *z, double *xtx, double *beta)
{
    size_t p = g->p;
    memset(xtx, 0, p * p * sizeof *xtx);
    memset(beta, 0, p * sizeof *beta);
    for (size_t i = 0; i < g->n; i++) {
        if (w[i] <= 0)
            continue;
        const size_t *c = g->nzc + i * p;
        const double *v = g->nzv + i * p;
        for (size_t a = 0; a < g->nnz[i]; a++) {
            beta[c[a]] += w[i] * v[a] * z[i];
            for (size_t b = 0; b < g->nnz[i]; b++)
                if (c[b] <= c[a])
                    xtx[c[a] * p + c[b]] += w[i] * v[a] * v[b];
        }
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = a + 1; b < p; b++)
            xtx[a * p + b] = xtx[b * p + a];
    if (cholesky(xtx, p))
        return -1;
    chol_solve(xtx, p, beta);
    return 0;
}

int hss_glm_fit(hss_glm *g)
{
    size_t n = g->n, p = g->p;
    g->beta = hss_xcalloc(p, sizeof *g->beta);
    g->mu = hss_xcalloc(n ? n : 1, sizeof *g->mu);
    g->wwork = hss_xcalloc(n ? n : 1, sizeof *g->wwork);
    g->cov = hss_xcalloc(p * p, sizeof *g->cov);
    double *eta = hss_xcalloc(n ? n : 1, sizeof *eta);
    double *z = hss_xcalloc(n ? n : 1, sizeof *z);
    double *xtx = hss_xcalloc(p * p, sizeof *xtx);
    g->nnz = hss_xcalloc(n ? n : 1, sizeof *g->nnz);
    g->nzc = hss_xcalloc(n * p + 1, sizeof *g->nzc);
    g->nzv = hss_xcalloc(n * p + 1, sizeof *g->nzv);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < p; a++)
            if (g->X[i * p + a] != 0) {
                g->nzc[i * p + g->nnz[i]] = a;
                g->nzv[i * p + g->nnz[i]] = g->X[i * p + a];
                g->nnz[i]++;
            }
    size_t ngood = 0;
    for (size_t i = 0; i < n; i++) {
        g->mu[i] = g->y[i] + 0.1;
        eta[i] = log(g->mu[i]);
        if (!g->prior || g->prior[i] > 0)
            ngood++;
    }
    double devold = deviance(g);
    g->converged = 0;
    int rc = 0;
    for (int iter = 1; iter <= 25; iter++) {
        g->iterations = iter;
        for (size_t i = 0; i < n; i++) {
            double pw = g->prior ? g->prior[i] : 1.0;
            z[i] = eta[i] + (g->y[i] - g->mu[i]) / g->mu[i];
            g->wwork[i] = pw > 0 ? pw * g->mu[i] : 0;
        }
        if (wls(g, g->wwork, z, xtx, g->beta)) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t a = 0; a < g->nnz[i]; a++)
                s += g->nzv[i * p + a] * g->beta[g->nzc[i * p + a]];
            eta[i] = s;
            g->mu[i] = exp(s);
        }
        double dev = deviance(g);
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < 1e-8) {
            g->converged = 1;
            break;
        }
        devold = dev;
    }
    if (rc == 0) {
        /* cov = (X'WX)^-1 from the factor of the last iteration */
        double *e = hss_xcalloc(p, sizeof *e);
        for (size_t j = 0; j < p; j++) {
            memset(e, 0, p * sizeof *e);
            e[j] = 1;
            chol_solve(xtx, p, e);
            for (size_t i = 0; i < p; i++)
                g->cov[i * p + j] = e[i];
        }
        free(e);
        g->df_residual = (int)ngood - (int)p;
        double s = 0;
        for (size_t i = 0; i < n; i++) {
            if (g->wwork[i] <= 0)
                continue;
            double r = (g->y[i] - g->mu[i]) / g->mu[i];
            s += g->wwork[i] * r * r;
        }
        g->dispersion = g->df_residual > 0 ? s / g->df_residual : NAN;
    }
    free(eta);
    free(z);
    free(xtx);
    return rc;
}

void hss_glm_free(hss_glm *g)
{
    free(g->beta);
    free(g->mu);
    free(g->wwork);
    free(g->cov);
    free(g->nnz);
    free(g->nzc);
    free(g->nzv);
    g->beta = g->mu = g->wwork = g->cov = NULL;
    g->nnz = g->nzc = NULL;
    g->nzv = NULL;
}

double hss_glm_quad(const hss_glm *g, const double *x0)
{
    double s = 0;
    for (size_t a = 0; a < g->p; a++)
        for (size_t b = 0; b < g->p; b++)
            s += x0[a] * g->cov[a * g->p + b] * x0[b];
    return s;
}

double hss_glm_hat(const hss_glm *g, size_t i)
{
    if (g->wwork[i] <= 0)
        return 0;
    size_t p = g->p;
    const size_t *c = g->nzc + i * p;
    const double *v = g->nzv + i * p;
    double s = 0;
    for (size_t a = 0; a < g->nnz[i]; a++)
        for (size_t b = 0; b < g->nnz[i]; b++)
            s += v[a] * g->cov[c[a] * p + c[b]] * v[b];
    return g->wwork[i] * s;
}
