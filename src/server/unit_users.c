/*
 * unit_users.c: responsible units' accounts. A `unit` user belongs to one unit named exactly as
 * the plan documents name it (市财政局, 莲都区卫健局); the plan module lets it report progress on
 * the tasks naming that unit inside its area scope, and see its own 整改 items.
 */
#include <string.h>

#include "server/server.h"

hss_code hss_user_add_unit(hss_store *st, const char *name, const char *unit, const char *scope,
                           const char *password, hss_error *err)
{
    size_t n = unit ? strlen(unit) : 0;
    if (n == 0 || n > 120 || !hss_utf8_valid(unit, n) || strpbrk(unit, "\t\r\n"))
        return hss_fail(err, HSS_EINVAL, "--unit '%s': must be the unit's name (1-120 bytes of UTF-8 text)",
                        unit ? unit : "");
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = hss_auth_user_add(st, name, "unit", scope, password, err))) {
        hss_store_rollback(st);
        return rc;
    }
    if ((rc = hss_auth_user_set_unit(st, name, unit, err))) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}
