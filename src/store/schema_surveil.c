/* schema_surveil.c: tables of the surveil module. */
#include "store/schema.h"

HSS_SCHEMA_EMPTY(hss_schema_surveil, "surveil");
