/*
 * import.c: FHIR Bundles in (transaction or batch).
 */
#include <string.h>

#include "fhir/fhir_int.h"

hss_code hss_fhir_import(hss_store *st, const char *user, const char *scope, const char *data,
                         size_t len, char **response, hss_fhir_import_stats *stats, hss_error *err)
{
    memset(stats, 0, sizeof *stats);
    *response = hss_fhir_outcome("error", "not-supported", "import is not available yet", NULL);
    return hss_fail(err, HSS_EINVAL, "import is not available yet");
}
