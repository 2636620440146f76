/*
 * model.c: the closed vocabularies and the code-tree rules. Ids follow shared/GLOSSARY.md.
 */
#include "model/model.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

static const hss_term LEVELS[] = {
    {"province", "省", "province"},
    {"city", "市", "city"},
    {"county", "县(市、区)", "county"},
    {"township", "乡镇(街道)", "township/street"},
    {"village", "村(社区)", "village/community"},
};

static const hss_term KINDS[] = {
    {"urban", "城区", "urban"},
    {"rural", "乡村", "rural"},
};

static const hss_term FACILITY_TYPES[] = {
    {"general_hospital", "综合医院", "general hospital"},
    {"tcm_hospital", "中医医院", "TCM hospital"},
    {"mch_hospital", "妇幼保健院", "maternal and child health hospital"},
    {"psychiatric_hospital", "精神专科医院", "psychiatric hospital"},
    {"infectious_disease_hospital", "传染病医院", "infectious-disease hospital"},
    {"specialty_hospital", "其他专科医院", "other specialty hospital"},
    {"rehabilitation_hospital", "康复医院", "rehabilitation hospital"},
    {"nursing_home_care", "护理院", "nursing home (care)"},
    {"cdc", "疾病预防控制中心", "centre for disease control"},
    {"health_supervision", "卫生监督所", "health supervision institute"},
    {"ems_center", "急救中心", "emergency medical centre"},
    {"ems_station", "急救站(点)", "emergency medical station"},
    {"blood_center", "中心血站", "blood centre"},
    {"township_health_center", "乡镇卫生院", "township health centre"},
    {"community_health_center", "社区卫生服务中心", "community health centre"},
    {"community_health_station", "社区卫生服务站", "community health station"},
    {"village_clinic", "村卫生室", "village clinic"},
    {"clinic", "诊所、门诊部、医务室", "clinic"},
};

static const hss_term GRADES[] = {
    {"3A", "三甲", "tertiary A"},
    {"3B", "三乙", "tertiary B"},
    {"2A", "二甲", "secondary A"},
    {"2B", "二乙", "secondary B"},
    {"1", "一级", "primary"},
    {"none", "未定级", "ungraded"},
};

static const hss_term OWNERSHIPS[] = {
    {"government", "政府办", "government"},
    {"collective", "集体办", "collective"},
    {"private", "社会办", "private"},
};

static const hss_term STAFF[] = {
    {"licensed_physician", "执业医师", "licensed physician"},
    {"assistant_physician", "执业助理医师", "assistant physician"},
    {"registered_nurse", "注册护士", "registered nurse"},
    {"pharmacist", "药师(士)", "pharmacist"},
    {"technician", "技师(士)", "medical technician"},
    {"other_health_technician", "其他卫生技术人员", "other health technician"},
    {"general_practitioner", "全科医生", "general practitioner"},
    {"public_health_physician", "公共卫生医师", "public-health physician"},
    {"tcm_physician", "中医类别执业医师", "TCM physician"},
    {"psychiatrist", "精神科医师", "psychiatrist"},
    {"mch_staff", "妇幼保健人员", "maternal and child health staff"},
    {"village_doctor", "乡村医生", "village doctor"},
    {"ems_doctor", "急救医生", "EMS doctor"},
    {"ems_driver", "急救驾驶员", "ambulance driver"},
    {"ems_aide", "急救担架员/辅助人员", "EMS aide"},
    {"management", "管理人员", "management staff"},
    {"mental_rehab_worker", "精神康复服务专干", "mental rehabilitation worker"},
};

static const hss_term VEHICLES[] = {
    {"ambulance", "救护车", "ambulance"},
    {"negative_pressure_ambulance", "负压救护车", "negative-pressure ambulance"},
    {"blood_van", "送血车/流动采血车", "blood van"},
    {"mobile_clinic", "巡回诊疗车(智慧流动医院)", "mobile clinic"},
};

static const hss_term SERVICES[] = {
    {"tcm_hall", "中医馆", "TCM hall"},
    {"fever_clinic", "发热门诊", "fever clinic"},
    {"mental_health_clinic", "精神心理门诊", "mental-health clinic"},
    {"rehabilitation", "康复", "rehabilitation"},
    {"hospice", "安宁疗护", "hospice care"},
    {"emergency_department", "急诊科", "emergency department"},
    {"chest_pain_center", "胸痛中心", "chest-pain centre"},
    {"stroke_center", "卒中中心", "stroke centre"},
    {"trauma_center", "创伤中心", "trauma centre"},
    {"dialysis", "血液透析", "dialysis"},
    {"chronic_disease_center", "慢病管理中心", "chronic-disease centre"},
    {"aed", "AED", "automated external defibrillator"},
    /* designations and services the plans count by facility (policy packs, issue 13) */
    {"family_bed", "家庭病床", "home hospital beds"},
    {"community_hospital", "社区医院", "community hospital (designation)"},
    {"tcm_corner", "中医阁", "TCM corner (village clinic)"},
    {"blood_donation_house", "固定献血屋", "fixed blood donation house"},
    {"occupational_health_exam", "职业健康检查", "occupational health examination"},
    {"occupational_disease_diagnosis", "职业病诊断", "occupational disease diagnosis"},
    {"mother_baby_room", "母婴室", "mother-and-baby room"},
    {"tcm_department", "中医临床科室", "TCM clinical department"},
    {"geriatrics", "老年医学科", "geriatrics department"},
    {"maternal_critical_care_center", "危重孕产妇救治中心", "critical maternal care centre"},
    {"neonatal_critical_care_center", "危重儿童和新生儿救治中心", "critical child and neonatal care centre"},
};

static const struct {
    const hss_term *terms;
    size_t n;
    const char *name;
} VOCABS[HSS_VOCAB_COUNT] = {
    [HSS_VOCAB_LEVEL] = {LEVELS, sizeof LEVELS / sizeof *LEVELS, "level"},
    [HSS_VOCAB_KIND] = {KINDS, sizeof KINDS / sizeof *KINDS, "kind"},
    [HSS_VOCAB_FACILITY_TYPE] = {FACILITY_TYPES, sizeof FACILITY_TYPES / sizeof *FACILITY_TYPES,
                                 "facility type"},
    [HSS_VOCAB_GRADE] = {GRADES, sizeof GRADES / sizeof *GRADES, "grade"},
    [HSS_VOCAB_OWNERSHIP] = {OWNERSHIPS, sizeof OWNERSHIPS / sizeof *OWNERSHIPS, "ownership"},
    [HSS_VOCAB_STAFF] = {STAFF, sizeof STAFF / sizeof *STAFF, "staff category"},
    [HSS_VOCAB_VEHICLE] = {VEHICLES, sizeof VEHICLES / sizeof *VEHICLES, "vehicle kind"},
    [HSS_VOCAB_SERVICE] = {SERVICES, sizeof SERVICES / sizeof *SERVICES, "service"},
};

const hss_term *hss_model_terms(hss_vocab v, size_t *n)
{
    *n = VOCABS[v].n;
    return VOCABS[v].terms;
}

const char *hss_model_vocab_name(hss_vocab v)
{
    return VOCABS[v].name;
}

int hss_model_find(hss_vocab v, const char *id)
{
    for (size_t i = 0; i < VOCABS[v].n; i++) {
        if (strcmp(VOCABS[v].terms[i].id, id) == 0)
            return (int)i;
        /* Grades are also written in Chinese (三甲 ...), the spelling on every hospital sign. */
        if (v == HSS_VOCAB_GRADE && strcmp(VOCABS[v].terms[i].zh, id) == 0)
            return (int)i;
    }
    return -1;
}

const char *hss_model_canonical(hss_vocab v, const char *spelling)
{
    int i = hss_model_find(v, spelling);
    return i < 0 ? NULL : VOCABS[v].terms[i].id;
}

const char *hss_model_zh(hss_vocab v, const char *id)
{
    int i = hss_model_find(v, id);
    return i < 0 ? id : VOCABS[v].terms[i].zh;
}

const char *hss_model_suggest(hss_vocab v, const char *spelling)
{
    const char *ids[64];
    size_t n = VOCABS[v].n < 64 ? VOCABS[v].n : 64;
    for (size_t i = 0; i < n; i++)
        ids[i] = VOCABS[v].terms[i].id;
    return hss_suggest(spelling, ids, n);
}

int hss_level_prefix_len(int level)
{
    static const int len[] = {2, 4, 6, 9, 12};
    return level >= 0 && level <= HSS_LEVEL_VILLAGE ? len[level] : -1;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int all_zero(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] != '0')
            return 0;
    return 1;
}

const char *hss_area_code_check(const char *code, int level, const char *parent, int parent_level)
{
    size_t n = strlen(code);
    size_t want = level <= HSS_LEVEL_COUNTY ? 6 : (size_t)hss_level_prefix_len(level);
    if (n != want || !all_digits(code, n))
        return level <= HSS_LEVEL_COUNTY ? "must be 6 digits (GB/T 2260)"
               : level == HSS_LEVEL_TOWNSHIP ? "must be 9 digits (statistical township code)"
                                             : "must be 12 digits (statistical village code)";
    size_t own = (size_t)hss_level_prefix_len(level);
    if (level < HSS_LEVEL_COUNTY && !all_zero(code, own, 6))
        return "a province or city code ends in zeros after its own digits";
    if (level == HSS_LEVEL_COUNTY && all_zero(code, 4, 6))
        return "a county-level code cannot end in 00";
    if (level == HSS_LEVEL_PROVINCE)
        return (parent && *parent) ? "a province has no parent" : NULL;
    if (!parent || !*parent)
        return "needs a parent code";
    if (parent_level != level - 1)
        return "parent is not one level up";
    size_t plen = (size_t)hss_level_prefix_len(parent_level);
    if (strncmp(code, parent, plen) != 0)
        return "does not start with its parent's code";
    return NULL;
}

int hss_facility_type_is_basic(const char *type)
{
    static const char *basic[] = {"township_health_center", "community_health_center",
                                  "community_health_station", "village_clinic", "clinic"};
    for (size_t i = 0; i < sizeof basic / sizeof *basic; i++)
        if (strcmp(type, basic[i]) == 0)
            return 1;
    return 0;
}

int hss_facility_type_is_hospital(const char *type)
{
    static const char *hosp[] = {"general_hospital", "tcm_hospital", "mch_hospital",
                                 "psychiatric_hospital", "infectious_disease_hospital",
                                 "specialty_hospital", "rehabilitation_hospital"};
    for (size_t i = 0; i < sizeof hosp / sizeof *hosp; i++)
        if (strcmp(type, hosp[i]) == 0)
            return 1;
    return 0;
}

int hss_staff_is_health_technician(const char *c)
{
    return strcmp(c, "licensed_physician") == 0 || strcmp(c, "assistant_physician") == 0 ||
           strcmp(c, "registered_nurse") == 0 || strcmp(c, "pharmacist") == 0 ||
           strcmp(c, "technician") == 0 || strcmp(c, "other_health_technician") == 0;
}

int hss_vehicle_is_ambulance(const char *kind)
{
    return strcmp(kind, "ambulance") == 0 || strcmp(kind, "negative_pressure_ambulance") == 0;
}

int hss_model_area_prefix(const char *code, char out[13])
{
    if (!code)
        return -1;
    size_t n = strlen(code);
    if (n != 6 && n != 9 && n != 12)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (code[i] < '0' || code[i] > '9')
            return -1;
    memcpy(out, code, n);
    out[n] = 0;
    if (n == 6) {
        if (strcmp(out + 2, "0000") == 0)
            out[2] = 0;
        else if (strcmp(out + 4, "00") == 0)
            out[4] = 0;
    }
    return 0;
}

void hss_model_area_range(const char *code, char lo[13], char hi[14])
{
    if (hss_model_area_prefix(code, lo) != 0)
        snprintf(lo, 13, "~"); /* matches nothing */
    snprintf(hi, 14, "%s:", lo);
}

int hss_model_area_contains(const char *scope, const char *code)
{
    char ps[13], pc[13];
    if (hss_model_area_prefix(scope, ps) != 0 || hss_model_area_prefix(code, pc) != 0)
        return 0;
    size_t n = strlen(ps);
    /* the area itself, or a code that is longer and starts with the scope's digits */
    return strcmp(code, scope) == 0 || (strncmp(code, ps, n) == 0 && strlen(pc) > n);
}
