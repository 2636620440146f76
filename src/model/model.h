/*
 * model: the domain vocabulary of a health service system as the seed documents and
 * shared/GLOSSARY.md name it. Closed vocabularies (area levels, facility types, grades,
 * ownership, staff categories, vehicle kinds, services) each with the HSS id used in the
 * schema, CSV, API and policy packs, the Chinese label users see and an English label.
 * Also the rules that tie them together: which types are basic-level, how area codes nest.
 */
#ifndef HSS_MODEL_H
#define HSS_MODEL_H

#include <stddef.h>

/* One term of a closed vocabulary. */
typedef struct hss_term {
    const char *id; /* HSS name: the spelling in the schema, CSV, JSON and policy packs */
    const char *zh; /* Chinese label shown to users */
    const char *en; /* English label */
} hss_term;

typedef enum {
    HSS_VOCAB_LEVEL,         /* province city county township village */
    HSS_VOCAB_KIND,          /* urban rural */
    HSS_VOCAB_FACILITY_TYPE, /* general_hospital ... clinic */
    HSS_VOCAB_GRADE,         /* 3A 3B 2A 2B 1 none */
    HSS_VOCAB_OWNERSHIP,     /* government collective private */
    HSS_VOCAB_STAFF,         /* licensed_physician ... */
    HSS_VOCAB_VEHICLE,       /* ambulance negative_pressure_ambulance blood_van mobile_clinic */
    HSS_VOCAB_SERVICE,       /* tcm_hall fever_clinic ... */
    HSS_VOCAB_COUNT
} hss_vocab;

/* All terms of a vocabulary, in their canonical order. */
const hss_term *hss_model_terms(hss_vocab v, size_t *n);
/* Index of `id` in the vocabulary, or -1. Grades also accept the Chinese spellings
 * (三甲 三乙 二甲 二乙 一级); `hss_model_canonical` returns the stored id for any accepted spelling. */
int hss_model_find(hss_vocab v, const char *id);
const char *hss_model_canonical(hss_vocab v, const char *spelling);
/* The vocabulary's name for messages ("facility type", "staff category", ...). */
const char *hss_model_vocab_name(hss_vocab v);
/* Chinese label of an id, or the id itself when unknown. */
const char *hss_model_zh(hss_vocab v, const char *id);
/* A "did you mean" candidate for an unknown spelling, or NULL. */
const char *hss_model_suggest(hss_vocab v, const char *spelling);

/* Area levels in tree order, and the number of code digits at each level
 * (GB/T 2260 six digits for province/city/county, 9 for township, 12 for village). */
typedef enum {
    HSS_LEVEL_PROVINCE,
    HSS_LEVEL_CITY,
    HSS_LEVEL_COUNTY,
    HSS_LEVEL_TOWNSHIP,
    HSS_LEVEL_VILLAGE
} hss_level;

/* Digits that identify an area at `level` (2, 4, 6, 9, 12). */
int hss_level_prefix_len(int level);
/* Checks that `code` is well formed for `level` (digits, length 6/9/12, zero padding for
 * province and city) and that it sits under `parent` (a code of the level above, or NULL/""
 * for a province). Returns NULL when fine, or a static reason. */
const char *hss_area_code_check(const char *code, int level, const char *parent, int parent_level);

/* True for the basic-level (基层) facility types: township_health_center,
 * community_health_center, community_health_station, village_clinic, clinic. */
int hss_facility_type_is_basic(const char *type);
/* True for hospital types (general, TCM, MCH, psychiatric, infectious-disease). */
int hss_facility_type_is_hospital(const char *type);

/* Staff categories counted as health technicians (卫生技术人员): physicians, assistant physicians,
 * nurses, pharmacists, technicians and other health technicians. GPs, TCM physicians,
 * psychiatrists and public-health physicians are "of which" subsets of licensed physicians and
 * are not added again; village doctors (乡村医生) are not health technicians. */
int hss_staff_is_health_technician(const char *category);

/* True for vehicle kinds that count as ambulances (ambulance and negative_pressure_ambulance). */
int hss_vehicle_is_ambulance(const char *kind);

/* Area codes nest by prefix (33 Zhejiang, 3311 Lishui, 331102 Liandu, then 9- and 12-digit
 * statistical codes). The significant prefix of a code: 6-digit codes lose trailing "00" pairs
 * (330000 -> "33", 331100 -> "3311"); 9- and 12-digit codes are kept whole. Returns 0, or -1
 * when `code` is not 6, 9 or 12 digits. */
int hss_model_area_prefix(const char *code, char out[13]);
/* The codes inside area `code` are exactly those with lo <= c < hi, where lo is the code's
 * significant prefix and hi is lo followed by ':' (the byte after '9'): an index range scan.
 * A code that is not an area code gives a range that matches nothing. */
void hss_model_area_range(const char *code, char lo[13], char hi[14]);
/* 1 when `code` is the area `scope` or lies under it (a longer code starting with the scope's
 * significant digits); 0 otherwise, and for codes that are not area codes. */
int hss_model_area_contains(const char *scope, const char *code);

#endif
