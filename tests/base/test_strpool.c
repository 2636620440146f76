/* test_strpool.c: the string pool keeps every copy intact and terminated, whatever the
 * lengths (empty, larger than a block, a million bytes spread over many blocks), copies exactly
 * n bytes with copyn (NULs included), and frees everything (ASan checks both). */
#include "testutil.h"

static void empty_strings_are_distinct_copies(void **state)
{
    (void)state;
    hss_strpool p = {0}; /* a zeroed pool is an empty one */
    char *a = hss_strpool_copy(&p, "");
    char *b = hss_strpool_copy(&p, "");
    char *c = hss_strpool_copyn(&p, "xyz", 0);
    assert_string_equal(a, "");
    assert_string_equal(b, "");
    assert_string_equal(c, "");
    assert_ptr_not_equal(a, b);
    assert_ptr_not_equal(b, c);
    hss_strpool_free(&p);
    assert_null(p.head);
}

/* A string of 5 MiB (over the largest block, 2 MiB) between small ones: all three intact. */
static void string_larger_than_a_block(void **state)
{
    (void)state;
    size_t n = 5u << 20;
    char *big = hss_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = '\0';
    hss_strpool p;
    hss_strpool_init(&p, 0);
    char *before = hss_strpool_copy(&p, "before");
    char *copy = hss_strpool_copy(&p, big);
    char *after = hss_strpool_copy(&p, "after");
    assert_string_equal(before, "before");
    assert_int_equal(strlen(copy), n);
    assert_memory_equal(copy, big, n + 1);
    assert_string_equal(after, "after");
    free(big);
    hss_strpool_free(&p);
}

/* The i-th string of the test below: "i:" and then i % 30 letters (want holds 64 bytes). */
static const char *nth(int i, char *want)
{
    int len = snprintf(want, 64, "%d:", i);
    for (int k = 0; k < i % 30; k++)
        want[len++] = (char)('A' + (i + k) % 26);
    want[len] = '\0';
    return want;
}

/* The strings of nth() in a pool whose first block is `first` bytes. */
static void fill_and_check(size_t first)
{
    enum { N = 200000 };
    char **out = hss_xmalloc(N * sizeof *out);
    hss_strpool p;
    hss_strpool_init(&p, first);
    char want[64];
    for (int i = 0; i < N; i++)
        out[i] = hss_strpool_copy(&p, nth(i, want));
    for (int i = 0; i < N; i++)
        assert_string_equal(out[i], nth(i, want));
    hss_strpool_free(&p);
    /* reusable after free */
    assert_string_equal(hss_strpool_copy(&p, "again"), "again");
    hss_strpool_free(&p);
    free(out);
}

/* 200,000 strings of 2 to 36 bytes (about 4 MB, so blocks of every size up to 2 MiB): each
 * reads back as written after all are copied, so no block overwrote another's strings. */
static void many_strings_across_blocks(void **state)
{
    (void)state;
    fill_and_check(0);                 /* blocks from 4 KiB */
    fill_and_check(HSS_STRPOOL_LARGE); /* blocks of 2 MiB from the start */
    fill_and_check(100);               /* a first block of 100 bytes */
}

/* copyn takes exactly n bytes: NULs inside are kept, bytes past n are not read or copied, and
 * a terminating NUL follows. */
static void copyn_copies_exactly_n_bytes(void **state)
{
    (void)state;
    hss_strpool p;
    hss_strpool_init(&p, 0);
    const char with_nul[] = {'a', '\0', 'b', 'c'};
    char *x = hss_strpool_copyn(&p, with_nul, sizeof with_nul);
    assert_memory_equal(x, with_nul, sizeof with_nul);
    assert_int_equal(x[4], '\0');
    assert_string_equal(x, "a");
    char *unterminated = hss_xmalloc(3); /* ASan catches a read past the 3 bytes */
    memcpy(unterminated, "def", 3);
    char *y = hss_strpool_copyn(&p, unterminated, 3);
    assert_string_equal(y, "def");
    char *z = hss_strpool_copyn(&p, "ghijk", 2);
    assert_string_equal(z, "gh");
    assert_memory_equal(x, with_nul, sizeof with_nul); /* earlier copies untouched */
    free(unterminated);
    hss_strpool_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_strings_are_distinct_copies),
        cmocka_unit_test(string_larger_than_a_block),
        cmocka_unit_test(many_strings_across_blocks),
        cmocka_unit_test(copyn_copies_exactly_n_bytes),
    };
    return cmocka_run_group_tests_name("base/strpool", tests, NULL, NULL);
}
