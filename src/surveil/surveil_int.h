/*
 * surveil_int.h (private to src/surveil/): the numerical pieces the algorithms share:
 * distribution functions as R computes them, the quasi-Poisson GLM fit, the per-method
 * entry points and result allocation.
 */
#ifndef HSS_SURVEIL_INT_H
#define HSS_SURVEIL_INT_H

#include "surveil/surveil.h"

/* ---- distributions (dist.c) ---- */
double hss_qnorm(double p);                    /* standard normal quantile (AS 241) */
double hss_pnorm(double x);                    /* standard normal CDF */
double hss_pbeta(double x, double a, double b); /* regularized incomplete beta I_x(a,b) */
double hss_pgamma_upper(double a, double x);  /* regularized upper incomplete gamma Q(a,x) */
double hss_pt_two_sided(double t, double df); /* P(|T| >= |t|), Student t with df */
double hss_qnbinom(double p, double size, double prob); /* R qnbinom, lower tail */
double hss_qpois(double p, double lambda);    /* R qpois, lower tail */
double hss_quantile7(double *x, size_t n, double q); /* R quantile type 7; sorts x */
double hss_mean(const double *x, size_t n);
double hss_sd(const double *x, size_t n);      /* sample sd (n-1); NAN for n < 2 */

/* ---- Poisson GLM with log link by IRLS, replicating R's glm.fit (glm.c) ---- */
typedef struct {
    size_t n, p;          /* observations, columns of X */
    const double *X;      /* n x p, row-major */
    const double *y;
    const double *prior;  /* prior weights or NULL (all 1) */
    /* outputs */
    double *beta;         /* p */
    double *mu;           /* n fitted values */
    double *wwork;        /* n working weights of the last iteration (R's model$weights) */
    double *cov;          /* p x p (X'WX)^-1, R's cov.unscaled */
    double dispersion;    /* R's summary.glm dispersion (quasi-Poisson estimate) */
    int df_residual;
    int converged;
    int iterations;
    /* private: the non-zero entries of each row of X (design matrices here have at most a few
     * non-zeros per row: intercept, trend, one seasonal dummy), so the fit is O(n) per step */
    size_t *nnz;
    size_t *nzc;
    double *nzv;
} hss_glm;
/* Allocates outputs and fits. Returns 0 when the fit ran (check converged), -1 when singular. */
int hss_glm_fit(hss_glm *g);
void hss_glm_free(hss_glm *g);
/* Hat value of observation i (w_i x_i' cov x_i). */
double hss_glm_hat(const hss_glm *g, size_t i);
/* x0' cov x0 */
double hss_glm_quad(const hss_glm *g, const double *x0);

/* ---- methods ---- */
void hss_surveil_result_alloc(hss_surveil_result *r, size_t n);
hss_code hss_surveil_ears(const double *y, size_t n, const hss_surveil_params *p,
                          size_t from, size_t to, hss_surveil_result *r, hss_error *err);
hss_code hss_surveil_cusum(const double *y, size_t n, const hss_surveil_params *p,
                           size_t from, size_t to, hss_surveil_result *r, hss_error *err);
hss_code hss_surveil_cdc(const double *y, size_t n, const hss_surveil_params *p,
                         size_t from, size_t to, hss_surveil_result *r, hss_error *err);
hss_code hss_surveil_farrington(const double *y, size_t n, const hss_surveil_params *p,
                                size_t from, size_t to, hss_surveil_result *r, hss_error *err);
hss_code hss_surveil_mpm(const double *y, size_t n, const hss_surveil_params *p,
                         size_t from, size_t to, hss_surveil_result *r, hss_error *err);
hss_code hss_surveil_fixed(const double *y, size_t n, const hss_surveil_params *p,
                           size_t from, size_t to, hss_surveil_result *r, hss_error *err);

/* ---- stored counts (store.c) ---- */
hss_stmt *hss_surveil_load_prepare(hss_store *st, hss_error *err);
void hss_surveil_load_with(hss_stmt *s, int64_t series_id, long from_day, long to_day, int32_t *out);

/* Whole series for tables that hold none of them yet (the demo generator has just emptied
 * them): kept in memory, then bulk-loaded (COPY on PostgreSQL) rather than an upsert, a read and
 * a write per series and year, each a round trip to a PostgreSQL server (27,000 for Nanyang).
 * The rows are those hss_surveil_put_series writes; series ids go on from the largest stored,
 * in the order the series were added, as the upsert numbered them. */
typedef struct surveil_bulk surveil_bulk;
surveil_bulk *surveil_bulk_new(void);
void surveil_bulk_add(surveil_bulk *b, const char *area_code, const char *signal, const char *source,
                      long first_day, const int32_t *counts, size_t n);
/* Stores what was added, inside the caller's transaction. */
hss_code surveil_bulk_store(hss_store *st, const surveil_bulk *b, hss_error *err);
void surveil_bulk_free(surveil_bulk *b);

/* Ends a write transaction: when rc is HSS_OK, bumps the data version and commits; when rc
 * (or the version bump) failed, rolls back. Returns the resulting code. */
hss_code hss_surveil_finish(hss_store *st, hss_code rc, hss_error *err);

/* Binds the n texts to parameters first.. of s, unowned: they must outlive the statement's step. */
void hss_surveil_bind_texts(hss_stmt *s, int first, int n, const char *const *texts);
/* Steps a write statement to its end and finalizes it; on failure, the store's error naming what. */
hss_code hss_surveil_step_done(hss_store *st, hss_stmt *s, const char *what, hss_error *err);

#endif
