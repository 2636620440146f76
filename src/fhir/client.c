/*
 * client.c: system clients (a hospital's HIS, the provincial platform) that call the FHIR API
 * without a person behind them. Each has a name and an area scope like a user, and one bearer
 * token: 256 random bits shown once, stored only as its BLAKE2b hash (a token this long needs
 * no slow password hash), revocable and optionally expiring. Adding a client again replaces its
 * token. Every add and revoke leaves an audit row in the same transaction.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "fhir/fhir_int.h"

static void token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
            return 0;
    return 1;
}

hss_code hss_fhir_client_add(hss_store *st, const char *name, const char *scope, int days, char token[65],
                             hss_error *err)
{
    char lo[13], hi[14];
    if (!name_ok(name))
        return hss_fail(err, HSS_EINVAL, "client name '%s': must be 1-64 characters of letters, digits, '-', '_', '.'",
                        name ? name : "");
    if (fhir_scope_range(scope, lo, hi) != 0)
        return hss_fail(err, HSS_EINVAL, "--scope '%s': must be an area code of 6, 9 or 12 digits", scope ? scope : "");
    if (days < 0 || days > 3650)
        return hss_fail(err, HSS_EINVAL, "--expires %d: must be a number of days from 1 to 3650", days);
    if (sodium_init() < 0)
        return hss_fail(err, HSS_EUNKNOWN, "libsodium failed to initialise");
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, 65, raw, sizeof raw);
    char h[65];
    token_hash(token, h);
    int64_t now = (int64_t)time(NULL);
    if (hss_store_begin(st, err))
        return HSS_EDB;
    char detail[64];
    snprintf(detail, sizeof detail, "scope=%s expires=%d", scope, days);
    hss_code rc = fhir_db_client_put(st, name, scope, h, now, days ? now + (int64_t)days * 86400 : 0, err);
    if (!rc)
        rc = fhir_db_audit(st, "", "client_add", name, detail, err);
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}

hss_code hss_fhir_client_revoke(hss_store *st, const char *name, hss_error *err)
{
    if (hss_store_begin(st, err))
        return HSS_EDB;
    int found = 0;
    hss_code rc = fhir_db_client_revoke(st, name, &found, err);
    if (!rc && !found)
        rc = hss_fail(err, HSS_ENOTFOUND, "no client '%s'", name);
    if (!rc)
        rc = fhir_db_audit(st, "", "client_revoke", name, "", err);
    if (rc) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}

int hss_fhir_client_check(hss_store *st, const char *token, char name[128], char scope[16])
{
    if (!token || strlen(token) != 64)
        return 0;
    char h[65];
    token_hash(token, h);
    return fhir_db_client_get(st, h, (int64_t)time(NULL), name, scope);
}

hss_code hss_fhir_client_list(hss_store *st, FILE *out, hss_error *err)
{
    return fhir_db_client_list(st, out, err);
}
