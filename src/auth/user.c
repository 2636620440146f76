/*
 * user.c: adding and replacing accounts. Names are checked, roles are one of the known ones,
 * the scope is an area code, and the password is stored only as an argon2id string
 * (crypto_pwhash_str); the account and its audit row commit together.
 */
#include <string.h>
#include <sodium.h>

#include "auth/auth_int.h"
#include "model/model.h"

static const char *const ROLES[] = {"admin", "planner", "county", "facility", "resident", "doctor", "hospital", "cdc", "unit"};

static hss_code check(const char *name, const char *role, const char *scope, const char *password, hss_error *err)
{
    size_t nlen = name ? strlen(name) : 0;
    if (nlen == 0 || nlen > 64 || !hss_utf8_valid(name, nlen) || strpbrk(name, " \t\r\n/\\\"'"))
        return hss_fail(err, HSS_EINVAL, "user name '%s': must be 1-64 characters without spaces, quotes or slashes",
                        name ? name : "");
    int ok = 0;
    for (size_t i = 0; i < sizeof ROLES / sizeof *ROLES; i++)
        ok |= role && strcmp(role, ROLES[i]) == 0;
    if (!ok)
        return hss_fail(err, HSS_EINVAL, "--role '%s': must be admin, planner, county, facility, resident, doctor, hospital, cdc or unit", role ? role : "");
    char prefix[13];
    if (hss_model_area_prefix(scope, prefix) != 0)
        return hss_fail(err, HSS_EINVAL, "--scope '%s': must be an area code of 6, 9 or 12 digits", scope ? scope : "");
    if (!password || strlen(password) < 8)
        return hss_fail(err, HSS_EINVAL, "password: must be at least 8 characters");
    return HSS_OK;
}

static hss_code user_save(hss_store *st, const char *name, const char *role, const char *scope,
                          const char *password, int audited, hss_error *err)
{
    hss_code c = check(name, role, scope, password, err);
    if (c)
        return c;
    if (sodium_init() < 0)
        return hss_fail(err, HSS_EUNKNOWN, "libsodium failed to initialise");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return hss_fail(err, HSS_ENOMEM, "password hashing ran out of memory");
    char at[32];
    hss_utc_timestamp(at);
    if (hss_store_begin(st, err))
        return HSS_EDB;
    char detail[200];
    snprintf(detail, sizeof detail, "role=%s scope=%s", role, scope);
    if ((c = auth_db_user_put(st, name, role, scope, hash, at, err)) ||
        (audited && (c = hss_auth_audit_log(st, "", "cli", "user_add", name, 0, detail, err)))) {
        hss_store_rollback(st);
        return c;
    }
    return hss_store_commit(st, err);
}

hss_code hss_auth_user_add(hss_store *st, const char *name, const char *role, const char *scope,
                           const char *password, hss_error *err)
{
    return user_save(st, name, role, scope, password, 1, err);
}

hss_code hss_auth_user_save(hss_store *st, const char *name, const char *role, const char *scope,
                            const char *password, hss_error *err)
{
    return user_save(st, name, role, scope, password, 0, err);
}
