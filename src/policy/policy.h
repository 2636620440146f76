/*
 * policy: policy packs (declarative rules, each citing its source document and sentence) and
 * the planning evaluation of a stored region against them.
 *
 * A pack is a YAML file (policy/<name>.yaml) holding rules; a rule names a measure from the
 * fixed catalogue (measure.c), a scope (which areas or facilities), a comparator and target,
 * a unit, gap phrasing in Chinese and English, and its source (seed file + exact quote).
 * A pack may `extends:` another; a rule with the same id replaces the parent's rule and the
 * finding names the pack whose rule won.
 *
 * CONTRACT (used by cli/ and server/; implemented in the src/policy/ files):
 */
#ifndef HSS_POLICY_H
#define HSS_POLICY_H

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* Evaluates the stored region against pack `pack` (a name in policy/ such as "lishui", or a
 * file path) for `year` (0 = the pack's default) under area `under` (NULL = whole region).
 * One row per rule and area or facility in scope, with the columns
 * rule, title, measure, area, facility, status (pass|fail|unknown), observed, target, gap,
 * unit, gap_text, document, quote. Also: pack (whose rule won), overrides (whose rule it
 * replaced), title_en, area_name, facility_name, comparator, need (whole units to add or
 * remove), unit_en, gap_text_en, reason / reason_zh (why unknown, or a note), year,
 * document_title, measure_zh. */
hss_code hss_policy_findings(hss_store *st, const char *pack, int year, const char *under,
                             hss_table **out, hss_error *err);

/* Findings (as above, any subset) counted per rule: rule, title, title_en, measure, measure_zh,
 * pass, fail, unknown; the rules with the most failures first. */
hss_table *hss_policy_findings_by_rule(const hss_table *findings);

/* The pack to judge the stored region by when none is named: the region's own (meta 'region')
 * where policy/<region>.yaml exists, else "national". Malloc'd. */
char *hss_policy_region_pack(hss_store *st);

/* ---- packs ------------------------------------------------------------------------------ */

typedef struct hss_policy_pack hss_policy_pack;

/* Finds a pack: a path (contains '/' or ends in .yaml) is used as is; a name is looked up as
 * <dir>/<name>.yaml in $HSS_POLICY_DIR, ./policy, then ../policy next to the running binary.
 * Returns a malloc'd path, or NULL (err names the places searched). */
char *hss_policy_locate(const char *name, hss_error *err);

/* Loads and validates a pack (and the packs it extends). Fails on the first error with
 * "file:line: reason". */
hss_policy_pack *hss_policy_load(const char *name_or_path, hss_error *err);
void hss_policy_free(hss_policy_pack *p);
const char *hss_policy_name(const hss_policy_pack *p);
/* The pack's Chinese title (its name when it has none). */
const char *hss_policy_title(const hss_policy_pack *p);
int hss_policy_year(const hss_policy_pack *p);
size_t hss_policy_rule_count(const hss_policy_pack *p);

/* A plan task: a standard of a cited document that stored data cannot check, tracked as work
 * for named units instead (pack key `tasks:`, beside `rules:`). Strings are owned by the pack. */
typedef struct hss_policy_task {
    const char *id;        /* unique within the pack and the packs it extends, e.g. t.001.beds */
    const char *document;  /* seed file name, listed under documents: of this pack or a parent */
    const char *quote;     /* the sentence, verbatim from the document */
    const char *title_zh;  /* short name of the task, Chinese */
    const char *title_en;  /* the same in English */
    const char *target_zh; /* what done means, Chinese */
    const char *target_en; /* the same in English */
    double value;          /* numeric target, when has_value */
    int has_value;         /* 1 when the task has a numeric target */
    const char *unit_zh;   /* unit of value (NULL without a value or when none is given) */
    const char *unit_en;   /* the same in English */
    int year;              /* target year (the pack's year when the task gives none) */
    const char *lead;      /* the lead unit (▲) exactly as the document names it */
    const char *const *units; /* responsible units exactly as the document lists them */
    size_t nunits;         /* number of units */
    const char *area;      /* "city", "each_county" or a 6-digit area code */
    const char *pack;      /* the pack that defined the task */
    const char *file;      /* the pack file and line it was read from */
    size_t line;
} hss_policy_task;

/* The pack's tasks (its parents' first, then its own); *n receives the count. */
const hss_policy_task *hss_policy_tasks(const hss_policy_pack *p, size_t *n);

/* Checks one pack file and reports every problem, one "file:line: error|warning: reason" line
 * each, into `report`. Quotes are verified verbatim against the cited seed document when
 * `seeds_dir` (or $HSS_SEEDS_DIR when seeds_dir is NULL) holds it; otherwise a warning says the
 * quote could not be verified. Returns the number of errors (0 = the pack is valid). */
int hss_policy_check(const char *path, const char *seeds_dir, hss_buf *report, int *warnings);

/* Coverage of each document the pack (and its parents) cites: rules that HSS checks, rules
 * declared but evaluating to unknown (with the reason), plan tasks, standards declared
 * not_encoded. Columns: pack, document, title, checkable, unknown, tasks, not_encoded, and the
 * reasons for unknown: unknown_reasons_zh (Chinese), or with `en` unknown_reasons (English).
 * When `detail` is set: one row per standard instead, columns kind (rule|task|not_encoded), id
 * (empty for not_encoded), document, quote, reason (English), status (checkable|unknown|task|
 * not_encoded), pack, measure, reason_zh (Chinese), in either language. */
hss_code hss_policy_coverage(const char *pack, int detail, int en, hss_table **out, hss_error *err);

/* ---- the measure catalogue -------------------------------------------------------------- */

/* Lists the catalogue: name, subject (area|facility|either), computed (yes|unknown), zh, en,
 * params, requires (what an unknown measure needs). */
hss_table *hss_policy_measures(void);

/* ---- evaluation -------------------------------------------------------------------------- */

/* The result of one evaluation: findings (columns as hss_policy_findings) and a summary by
 * area (area, area_name, level, pass, fail, unknown). */
typedef struct hss_policy_result {
    char *pack;         /* pack name */
    int year;           /* year evaluated */
    char *under;        /* area code the evaluation was restricted to, or NULL */
    char *pack_title;   /* the pack's Chinese title */
    char *region_name;  /* the --under area's name, else the top area's, else meta 'region' */
    int generated;      /* 1 when the stored region contains generated rows */
    hss_table *findings;
    hss_table *summary;
    size_t pass, fail, unknown;
} hss_policy_result;

hss_code hss_policy_evaluate(hss_store *st, const hss_policy_pack *pack, int year,
                             const char *under, hss_policy_result **out, hss_error *err);
void hss_policy_result_free(hss_policy_result *r);

/* Writes the result as JSON ({pack, year, under, summary:[...], findings:[... source:{document,
 * quote}]}) or as one self-contained Chinese HTML report (inline CSS, no external resources). */
char *hss_policy_result_json(const hss_policy_result *r);
char *hss_policy_result_html(const hss_policy_result *r);

#endif
