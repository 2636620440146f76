/* schema_care.c: tables of the care module. */
#include "store/schema.h"

HSS_SCHEMA_EMPTY(hss_schema_care, "care");
