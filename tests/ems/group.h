/*
 * group.h: the database a test file's group of tests runs on, shared by the 120 tests' setups:
 * the hand-made region of fixture_ems.h in a fresh temporary folder, with or without the four
 * hand-made calls of EMS_CALLS imported, and the teardown that frees both.
 */
#ifndef HSS_TEST_EMS_GROUP_H
#define HSS_TEST_EMS_GROUP_H

#include "fixture_ems.h"

static char *DIR_; /* the group's temporary folder */
static char *DB;   /* its database */

/* Builds the group's database `name`; with_calls: the calls of EMS_CALLS imported too. */
static void ems_group_build(const char *name, int with_calls)
{
    DIR_ = hss_test_tmpdir();
    DB = ems_build(DIR_, name);
    if (!with_calls)
        return;
    char *calls = hss_test_write(DIR_, "calls.csv", EMS_CALLS);
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    size_t n;
    assert_int_equal(hss_ems_calls_import(st, calls, 0, &n, &err), HSS_OK);
    hss_store_close(st);
    free(calls);
}

static int ems_group_teardown(void **state)
{
    (void)state;
    free(DB);
    free(DIR_);
    return 0;
}

#endif
