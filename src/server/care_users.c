/*
 * care_users.c: residents' own accounts. A `resident` user is linked to one stored resident by
 * citizen ID number (app_user.resident); its area scope is that resident's village, and the care
 * endpoints let it read only that record and its access log (api_care.c).
 */
#include <ctype.h>
#include <string.h>

#include "care/care.h"
#include "server/server.h"

hss_code hss_user_add_resident(hss_store *st, const char *name, const char *id_number,
                               const char *password, hss_error *err)
{
    const char *why = id_number ? hss_care_id_check(id_number) : "missing";
    if (why)
        return hss_fail(err, HSS_EINVAL, "--resident: not a valid citizen ID number (%s)", why);
    char id[19], village[16] = "", stored[19] = "", masked[19];
    snprintf(id, sizeof id, "%s", id_number);
    id[17] = (char)toupper((unsigned char)id[17]);
    if (hss_care_resident_village(st, id, village, stored) < 0)
        return hss_fail(err, HSS_EDB, "reading residents: %s", hss_store_errmsg(st));
    hss_care_id_mask(id, masked);
    if (!*village)
        return hss_fail(err, HSS_ENOTFOUND, "--resident %s: no such resident (import residents first)", masked);
    /* the account and its tie to the record commit together */
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = hss_auth_user_add(st, name, "resident", village, password, err)) ||
        (rc = hss_auth_user_set_resident(st, name, stored, err))) {
        hss_store_rollback(st);
        return rc;
    }
    return hss_store_commit(st, err);
}
