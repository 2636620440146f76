/*
 * rng.c: xoshiro256** (Blackman & Vigna 2018) with splitmix64 seeding, implemented from the
 * published algorithm description. Used for every piece of generated demo data.
 */
#include "base/base.h"

#include <math.h>

void hss_rng_seed(hss_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = hss_splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t hss_rng_next(hss_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double hss_rng_uniform(hss_rng *r)
{
    return (double)(hss_rng_next(r) >> 11) * 0x1.0p-53;
}

double hss_rng_normal(hss_rng *r)
{
    /* Box-Muller; the second variate is dropped to keep the state simple. */
    double u1 = hss_rng_uniform(r), u2 = hss_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t hss_rng_below(hss_rng *r, uint64_t n)
{
    /* Rejection removes modulo bias. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = hss_rng_next(r);
    while (x >= limit);
    return x % n;
}

uint64_t hss_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
