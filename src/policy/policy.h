/*
 * policy: policy packs (declarative rules, each citing its source document and sentence) and
 * the planning evaluation of a stored region against them.
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
 * unit, gap_text, document, quote. */
hss_code hss_policy_findings(hss_store *st, const char *pack, int year, const char *under,
                             hss_table **out, hss_error *err);

#endif
