/* schema_server.c: tables of the server module. */
#include "store/schema.h"

HSS_SCHEMA_EMPTY(hss_schema_server, "server");
