/* schema_access.c: tables of the access module. */
#include "store/schema.h"

HSS_SCHEMA_EMPTY(hss_schema_access, "access");
