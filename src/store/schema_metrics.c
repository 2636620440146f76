/* schema_metrics.c: tables of the metrics module. */
#include "store/schema.h"

HSS_SCHEMA_EMPTY(hss_schema_metrics, "metrics");
