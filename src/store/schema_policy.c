/* schema_policy.c: tables of the policy module. */
#include "store/schema.h"

HSS_SCHEMA_EMPTY(hss_schema_policy, "policy");
