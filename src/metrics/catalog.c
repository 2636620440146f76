/*
 * catalog.c: the data-element catalogue, i.e. the activity data the indicators need, each with
 * its unit, period type, the kind of org that reports it and how months combine. Ids are
 * stored in data_value and metric_agg: append new elements, never renumber.
 */
#include <string.h>

#include "metrics/internal.h"
#include "model/model.h"

static const hss_metrics_element elements[] = {
    {1, "outpatient_visits", "门急诊人次", "outpatient and emergency visits", "visits", "month",
     HSS_ORG_FACILITY, 0, 0, 1, NULL, NULL},
    {2, "inpatient_admissions", "住院人次", "inpatient admissions", "admissions", "month",
     HSS_ORG_FACILITY, 0, 0, 1, NULL, NULL},
    {3, "referrals_up", "上转人次", "referrals up", "referrals", "month", HSS_ORG_FACILITY, 0,
     0, 1, NULL, NULL},
    {4, "referrals_down", "下转人次", "referrals down", "referrals", "month", HSS_ORG_FACILITY,
     0, 0, 1, NULL, NULL},
    {5, "out_of_county_visits", "县域外就诊人次", "visits by county residents outside the county",
     "visits", "month", HSS_ORG_AREA, HSS_LEVEL_COUNTY, 0, 1, NULL, NULL},
    {6, "contracted_residents", "家庭医生签约人数", "residents with a family-doctor contract",
     "persons", "month", HSS_ORG_AREA, HSS_LEVEL_TOWNSHIP, 1, 1, "签约记录", "contract records"},
    {7, "contracted_key_group_residents", "重点人群签约人数",
     "key-group residents with a family-doctor contract", "persons", "month", HSS_ORG_AREA,
     HSS_LEVEL_TOWNSHIP, 1, 1, "签约记录", "contract records"},
    {8, "key_group_residents", "重点人群人数", "key-group residents", "persons", "month",
     HSS_ORG_AREA, HSS_LEVEL_TOWNSHIP, 1, 1, "居民登记", "the resident register"},
    {9, "insurance_fund_in_county", "医保基金县域内支出", "insurance fund spent inside the county",
     "yuan", "month", HSS_ORG_AREA, HSS_LEVEL_COUNTY, 0, 0, NULL, NULL},
    {10, "insurance_fund_out_of_county", "医保基金县域外支出",
     "insurance fund spent outside the county", "yuan", "month", HSS_ORG_AREA, HSS_LEVEL_COUNTY,
     0, 0, NULL, NULL},
    {11, "literacy_respondents", "健康素养监测调查人数", "health-literacy survey respondents",
     "persons", "month", HSS_ORG_AREA, HSS_LEVEL_COUNTY, 0, 1, NULL, NULL},
    {12, "literacy_literate", "具备健康素养人数", "respondents with basic health literacy",
     "persons", "month", HSS_ORG_AREA, HSS_LEVEL_COUNTY, 0, 1, NULL, NULL},
    {13, "chronic_patients_managed", "管理的慢性病患者数",
     "chronic-disease patients under management", "persons", "month", HSS_ORG_AREA,
     HSS_LEVEL_TOWNSHIP, 1, 1, "随访记录", "follow-up records"},
    {14, "chronic_patients_standard", "规范管理的慢性病患者数",
     "chronic-disease patients managed to the standard", "persons", "month", HSS_ORG_AREA,
     HSS_LEVEL_TOWNSHIP, 1, 1, "随访记录", "follow-up records"},
    {15, "registered_residents", "在册居民数", "residents in the HSS register", "persons", "month",
     HSS_ORG_AREA, HSS_LEVEL_TOWNSHIP, 1, 1, "居民登记", "the resident register"},
};

#define NELEM (sizeof elements / sizeof *elements)

const hss_metrics_element *hss_metrics_elements(size_t *n)
{
    *n = NELEM;
    return elements;
}

const hss_metrics_element *hss_metrics_element_find(const char *code)
{
    for (size_t i = 0; i < NELEM; i++)
        if (strcmp(elements[i].code, code) == 0)
            return &elements[i];
    return NULL;
}

const hss_metrics_element *mx_element_by_id(int id)
{
    for (size_t i = 0; i < NELEM; i++)
        if (elements[i].id == id)
            return &elements[i];
    return NULL;
}

hss_code mx_catalog_sync(hss_store *st, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(
        st, "INSERT INTO metric_element(id, code, name_zh, name_en, unit, org_kind) "
            "VALUES(?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET code=excluded.code, name_zh=excluded.name_zh, "
            "name_en=excluded.name_en, unit=excluded.unit, org_kind=excluded.org_kind", err);
    if (!s)
        return err->code;
    for (size_t i = 0; i < NELEM; i++) {
        const hss_metrics_element *e = &elements[i];
        hss_store_bind_int(s, 1, e->id);
        hss_store_bind_text(s, 2, e->code);
        hss_store_bind_text(s, 3, e->zh);
        hss_store_bind_text(s, 4, e->en);
        hss_store_bind_text(s, 5, e->unit);
        hss_store_bind_text(s, 6, e->org_kind == HSS_ORG_FACILITY ? "facility" : "area");
        if (hss_store_step(s) != HSS_DONE) {
            hss_store_finalize(s);
            return hss_store_error(st, err, "storing the element catalogue");
        }
        hss_store_reset(s);
    }
    hss_store_finalize(s);
    return HSS_OK;
}

int64_t mx_org_id(hss_store *st, const char *code, int create, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT id FROM metric_org WHERE code = ?", err);
    if (!s)
        return -1;
    hss_store_bind_copy(s, 1, code);
    int64_t id = 0;
    if (hss_store_step(s) == HSS_ROW)
        id = hss_store_col_int64(s, 0);
    hss_store_finalize(s);
    if (id || !create)
        return id;
    s = hss_store_prepare(st, "INSERT INTO metric_org(code) VALUES(?)", err);
    if (!s)
        return -1;
    hss_store_bind_copy(s, 1, code);
    if (hss_store_step(s) != HSS_DONE) {
        hss_store_finalize(s);
        hss_store_error(st, err, "storing an org id");
        return -1;
    }
    hss_store_finalize(s);
    return hss_store_last_id(st);
}
