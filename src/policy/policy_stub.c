/* policy_stub.c: placeholder until the policy module lands (replaced by the real files). */
#include "policy/policy.h"

hss_code hss_policy_findings(hss_store *st, const char *pack, int year, const char *under, hss_table **out, hss_error *err)
{
    return hss_fail(err, HSS_EUNKNOWN, "policy module not built yet");
}
