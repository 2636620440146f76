/*
 * error.c: the project's single error type. Functions return an hss_code and, when given an
 * hss_error, leave a message there that a user can act on.
 */
#include "base/base.h"

#include <string.h>

hss_code hss_fail(hss_error *err, hss_code code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void hss_error_clear(hss_error *err)
{
    if (err) {
        err->code = HSS_OK;
        err->msg[0] = '\0';
    }
}

const char *hss_code_name(hss_code code)
{
    switch (code) {
    case HSS_OK: return "ok";
    case HSS_EINVAL: return "invalid input";
    case HSS_ENOTFOUND: return "not found";
    case HSS_EIO: return "I/O error";
    case HSS_EDB: return "database error";
    case HSS_ENOMEM: return "out of memory";
    case HSS_ECONFLICT: return "conflict";
    case HSS_EDENIED: return "denied";
    default: return "error";
    }
}
