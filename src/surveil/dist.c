/*
 * dist.c: the distribution functions the detection methods need, computed the way R's nmath
 * library defines them so that thresholds agree with the `surveillance` package: the normal
 * quantile (Wichura's AS 241, as R uses), incomplete beta and gamma functions, and the
 * discrete quantiles qnbinom/qpois (smallest count whose CDF reaches p, with R's left-
 * continuity fuzz of 64 machine epsilons).
 */
#include "surveil/surveil_int.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double poly(const double *c, int n, double x)
{
    double r = 0;
    for (int i = n - 1; i >= 0; i--)
        r = r * x + c[i];
    return r;
}

double hss_qnorm(double p)
{
    static const double a[] = {3.3871328727963666080e0, 1.3314166789178437745e+2,
                               1.9715909503065514427e+3, 1.3731693765509461125e+4,
                               4.5921953931549871457e+4, 6.7265770927008700853e+4,
                               3.3430575583588128105e+4, 2.5090809287301226727e+3};
    static const double b[] = {1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
                               5.3941960214247511077e+3, 2.1213794301586595867e+4,
                               3.9307895800092710610e+4, 2.8729085735721942674e+4,
                               5.2264952788528545610e+3};
    static const double c[] = {1.42343711074968357734e0, 4.63033784615654529590e0,
                               5.76949722146069140550e0, 3.64784832476320460504e0,
                               1.27045825245236838258e0, 2.41780725177450611770e-1,
                               2.27238449892691845833e-2, 7.74545014278341407640e-4};
    static const double d[] = {1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
                               6.89767334985100004550e-1, 1.48103976427480074590e-1,
                               1.51986665636164571966e-2, 5.47593808499534494600e-4,
                               1.05075007164441684324e-9};
    static const double e[] = {6.65790464350110377720e0, 5.46378491116411436990e0,
                               1.78482653991729133580e0, 2.96560571828504891230e-1,
                               2.65321895265761230930e-2, 1.24266094738807843860e-3,
                               2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double f[] = {1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
                               1.48753612908506148525e-2, 7.86869131145613259100e-4,
                               1.84631831751005468180e-5, 1.42151175831644588870e-7,
                               2.04426310338993978564e-15};
    if (p <= 0)
        return -INFINITY;
    if (p >= 1)
        return INFINITY;
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        return q * poly(a, 8, r) / poly(b, 8, r);
    }
    double r = q < 0 ? p : 1 - p;
    r = sqrt(-log(r));
    double val;
    if (r <= 5) {
        r -= 1.6;
        val = poly(c, 8, r) / poly(d, 8, r);
    } else {
        r -= 5;
        val = poly(e, 8, r) / poly(f, 8, r);
    }
    return q < 0 ? -val : val;
}

double hss_pnorm(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

#define LENTZ_TINY 1e-300

/* One term aa of a continued fraction by the modified Lentz method: updates c and d and
 * returns the factor c*d by which the value changes. */
static double lentz_step(double aa, double *c, double *d)
{
    *d = 1 + aa * *d;
    if (fabs(*d) < LENTZ_TINY)
        *d = LENTZ_TINY;
    *c = 1 + aa / *c;
    if (fabs(*c) < LENTZ_TINY)
        *c = LENTZ_TINY;
    *d = 1 / *d;
    return *d * *c;
}

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double betacf(double a, double b, double x)
{
    const double tiny = LENTZ_TINY;
    double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 100000; m++) {
        double m2 = 2.0 * m;
        h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &c, &d);
        double del = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &c, &d);
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return h;
}

double hss_pbeta(double x, double a, double b)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    double bt = exp(lbt);
    if (x < (a + 1) / (a + b + 2))
        return bt * betacf(a, b, x) / a;
    return 1 - bt * betacf(b, a, 1 - x) / b;
}

double hss_pgamma_upper(double a, double x)
{
    if (x <= 0)
        return 1;
    double lpre = a * log(x) - x - lgamma(a);
    if (x < a + 1) {
        /* series for the lower part P(a,x) */
        double ap = a, sum = 1 / a, del = sum;
        for (int n = 0; n < 100000; n++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-17)
                break;
        }
        return 1 - sum * exp(lpre);
    }
    /* continued fraction for Q(a,x) */
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return exp(lpre) * h;
}

double hss_pt_two_sided(double t, double df)
{
    if (isnan(t))
        return NAN;
    return hss_pbeta(df / (df + t * t), df / 2, 0.5);
}

/* P(X <= y) for the negative binomial with R's (size, prob) parametrisation. */
static double pnbinom(double y, double size, double prob)
{
    if (y < 0)
        return 0;
    return hss_pbeta(prob, size, y + 1);
}

static double ppois(double y, double lambda)
{
    if (y < 0)
        return 0;
    if (lambda <= 0)
        return 1;
    return hss_pgamma_upper(y + 1, lambda);
}

/* Smallest y >= 0 with cdf(y) >= p, starting from a Cornish-Fisher guess. */
static double discrete_search(double guess, double p, double (*cdf)(double, double, double),
                              double a1, double a2)
{
    double y = guess < 0 ? 0 : guess;
    if (cdf(y, a1, a2) >= p) {
        while (y > 0 && cdf(y - 1, a1, a2) >= p)
            y -= 1;
    } else {
        while (cdf(y, a1, a2) < p)
            y += 1;
    }
    return y;
}

static double ppois3(double y, double lambda, double unused)
{
    (void)unused;
    return ppois(y, lambda);
}

double hss_qnbinom(double p, double size, double prob)
{
    if (isnan(p) || isnan(size) || isnan(prob) || prob <= 0 || prob > 1 || size < 0)
        return NAN;
    if (prob == 1 || size == 0)
        return 0;
    if (p + 1.01 * DBL_EPSILON >= 1)
        return INFINITY;
    if (p <= 0)
        return 0;
    double Q = 1 / prob, P = (1 - prob) * Q;
    double mu = size * P, sigma = sqrt(size * P * Q), gamma = (Q + P) / sigma;
    double z = hss_qnorm(p);
    double y = nearbyint(mu + sigma * (z + gamma * (z * z - 1) / 6));
    p *= 1 - 64 * DBL_EPSILON;
    return discrete_search(y, p, pnbinom, size, prob);
}

double hss_qpois(double p, double lambda)
{
    if (isnan(p) || isnan(lambda) || lambda < 0)
        return NAN;
    if (lambda == 0)
        return 0;
    if (p + 1.01 * DBL_EPSILON >= 1)
        return INFINITY;
    if (p <= 0)
        return 0;
    double mu = lambda, sigma = sqrt(lambda), gamma = 1 / sigma;
    double z = hss_qnorm(p);
    double y = nearbyint(mu + sigma * (z + gamma * (z * z - 1) / 6));
    p *= 1 - 64 * DBL_EPSILON;
    return discrete_search(y, p, ppois3, lambda, 0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double hss_quantile7(double *x, size_t n, double q)
{
    if (n == 0)
        return NAN;
    qsort(x, n, sizeof *x, cmp_double);
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

double hss_mean(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

double hss_sd(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    double m = hss_mean(x, n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (double)(n - 1));
}
