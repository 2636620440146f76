/* test_rng.c: splitmix64 against its published test vector, and the seeded generator. */
#include "testutil.h"

static void splitmix64_matches_reference(void **state)
{
    (void)state;
    uint64_t s = 1234567;
    assert_true(hss_splitmix64(&s) == 6457827717110365317ULL);
    assert_true(hss_splitmix64(&s) == 3203168211198807973ULL);
    assert_true(hss_splitmix64(&s) == 9817491932198370423ULL);
    s = 0;
    assert_true(hss_splitmix64(&s) == 0xE220A8397B1DCDAFULL);
    assert_true(s == 0x9E3779B97F4A7C15ULL);
}

static void seeded_streams_repeat(void **state)
{
    (void)state;
    hss_rng a, b, c;
    hss_rng_seed(&a, 42);
    hss_rng_seed(&b, 42);
    hss_rng_seed(&c, 43);
    uint64_t seed = 42;
    for (int i = 0; i < 4; i++)
        assert_true(a.s[i] == hss_splitmix64(&seed));
    int differs = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = hss_rng_next(&a);
        assert_true(x == hss_rng_next(&b));
        differs |= x != hss_rng_next(&c);
        double u = hss_rng_uniform(&a);
        hss_rng_uniform(&b);
        hss_rng_uniform(&c);
        assert_true(u >= 0 && u < 1);
    }
    assert_true(differs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splitmix64_matches_reference),
        cmocka_unit_test(seeded_streams_repeat),
    };
    return cmocka_run_group_tests_name("base/rng", tests, NULL, NULL);
}
