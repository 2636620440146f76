/* schema_core.c: metadata shared by all modules (region name, sources, data version). */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_core, "core",
           "CREATE TABLE hss_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);");
