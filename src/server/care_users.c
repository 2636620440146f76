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
    char id[19];
    const char *why = id_number ? hss_care_id_check(id_number) : "missing";
    if (why)
        return hss_fail(err, HSS_EINVAL, "--resident: not a valid citizen ID number (%s)", why);
    snprintf(id, sizeof id, "%s", id_number);
    id[17] = (char)toupper((unsigned char)id[17]);
    hss_stmt *s = hss_store_prepare(st, "SELECT village_code FROM care_resident WHERE id_number=? OR id_number=?", err);
    if (!s)
        return HSS_EDB;
    char lower[19];
    snprintf(lower, sizeof lower, "%s", id);
    lower[17] = (char)tolower((unsigned char)lower[17]);
    hss_store_bind_text(s, 1, id);
    hss_store_bind_text(s, 2, lower);
    char village[16] = "";
    if (hss_store_step(s) == HSS_ROW)
        snprintf(village, sizeof village, "%s", hss_store_col_text(s, 0));
    hss_store_finalize(s);
    char masked[19];
    hss_care_id_mask(id, masked);
    if (!*village)
        return hss_fail(err, HSS_ENOTFOUND, "--resident %s: no such resident (import residents first)", masked);
    hss_code rc = hss_user_add(st, name, "resident", village, password, err);
    if (rc)
        return rc;
    s = hss_store_prepare(st, "UPDATE app_user SET resident=(SELECT id_number FROM care_resident WHERE id_number=? OR id_number=?) "
                              "WHERE name=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, id);
    hss_store_bind_text(s, 2, lower);
    hss_store_bind_text(s, 3, name);
    int r = hss_store_step(s);
    hss_store_finalize(s);
    return r == HSS_DONE ? HSS_OK : hss_store_error(st, err, "linking the user to the resident");
}
