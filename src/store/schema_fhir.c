/*
 * schema_fhir.c: tables of the fhir module. System clients (a hospital's HIS, the provincial
 * platform) that call the FHIR API with a bearer token: only the BLAKE2b hash of the token is
 * stored, so that a leaked database does not leak working tokens. Clients are not people and
 * hold no activity, so they carry no county code; their scope is an area code like a user's.
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_fhir, "fhir",
    "CREATE TABLE fhir_client("
    "  name TEXT PRIMARY KEY,"
    "  scope TEXT NOT NULL,"              /* area code: the client sees this area and all below it */
    "  token_hash TEXT NOT NULL UNIQUE,"  /* hex BLAKE2b-256 of the bearer token */
    "  created INTEGER NOT NULL,"         /* unix seconds */
    "  expires INTEGER,"                  /* unix seconds; NULL = never */
    "  revoked INTEGER NOT NULL DEFAULT 0"
    ");");
