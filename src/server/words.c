/*
 * words.c: the server's words in the user's language. The endpoints write their refusals in
 * English, as a printf format; hss_respond_error() asks here for the Chinese format of the same
 * message (same conversions in the same order), so that every endpoint answers in the user's
 * language without each carrying two texts. A message whose first conversion is a parameter name
 * ("%s: must be ...") has that name put into Chinese too. A Chinese user never reads an English
 * message: one not in the catalogue is answered with the plain Chinese meaning of its status.
 * Also the column headings of the CSV/XLSX exports in both languages.
 */
#include <string.h>

#include "server/server_int.h"

typedef struct {
    const char *en; /* the format the endpoint passes */
    const char *zh; /* its Chinese format; when name_first, without the leading "%s: " */
    int name_first; /* 1: the first conversion is a parameter name, put into Chinese; 2: and the
                       second a unit, said after the message */
} message;

static const message MESSAGES[] = {
    {"%s: not an area code (6, 9 or 12 digits)", "不是区域代码（应为6、9或12位数字）", 1},
    {"%s: must be 1-%zu characters of a-z, 0-9, '_', '-', '.'", "应为1至%zu个小写字母、数字或“_”“-”“.”", 1},
    {"%s: must be a whole number from 0 to %lld", "应为0至%lld之间的整数", 1},
    {"%s: must be a whole number from %lld to %lld", "应为%lld至%lld之间的整数", 1},
    {"%s: must be a number of %s from %g to %g", "应为%g至%g之间的数值", 2},
    {"%s: expected a number from %g to %g", "应为%g至%g之间的数值", 1},
    {"%s: must be a non-empty string", "不能为空", 1},
    {"%s: too long", "内容过长", 1},
    {"%s: give facility types separated by commas", "请填写机构类型，多个以逗号分隔", 1},
    {"%s: '%s' is not a facility type", "“%s”不是机构类型", 1},
    {"%s: '%s' is not a facility type; did you mean '%s'?", "“%s”不是机构类型，是否应为“%s”？", 1},
    {"area %s is outside your scope", "区域 %s 不在您的权限范围内", 0},
    {"facility %s is outside your scope", "机构 %s 不在您的权限范围内", 0},
    {"village %s is outside your scope", "村（社区）%s 不在您的权限范围内", 0},
    {"alert %lld is in area %s, outside your scope", "预警 %lld 所在区域 %s 不在您的权限范围内", 0},
    {"no area %s", "没有区域 %s", 0},
    {"no facility %s", "没有机构 %s", 0},
    {"no referral %lld", "没有编号为 %lld 的转诊", 0},
    {"alert %lld does not exist", "预警 %lld 不存在", 0},
    {"no policy pack '%s'", "没有政策包“%s”", 0},
    {"no such endpoint: %s", "没有这个接口", 0},
    {"no such endpoint: %s %s", "没有这个接口", 0},
    {"not found: %s", "未找到所请求的内容", 0},
    {"not logged in (or the session expired)", "未登录或登录已过期，请重新登录", 0},
    {"wrong username or password", "用户名或密码错误", 0},
    {"old password is wrong", "原密码错误", 0},
    {"missing or wrong X-CSRF-Token", "页面已过期，请刷新后重试", 0},
    {"a resident's account reads only their own record (/api/v1/care/residents/me)", "居民账号只能查看本人的健康档案", 0},
    {"a resident's account reads only their own record", "居民账号只能查看本人的健康档案", 0},
    {"request body over the limit of %zu bytes", "提交的内容超过%zu字节的上限", 0},
    {"too many wrong passwords; try again in %d minutes", "密码错误次数过多，请%d分钟后再试", 0},
    {"status: must be pass, fail or unknown", "状态应为达标、未达标或未知", 0},
    {"state: must be available, dispatched, on scene, transporting, at hospital or out of service",
     "状态应为待命、已派车、到达现场、转运中、到达医院或停用", 0},
    {"status: must be new, assigned, investigating, confirmed or dismissed", "状态应为新预警、已分派、调查中、已确认或已排除", 0},
    {"level: must be province, city, county, township or village", "层级应为省、市、县、乡镇或村", 0},
    {"period: must be a month (2025-03), quarter (2025Q1), year (2025) or year to date (YTD2025-03)",
     "期间应为月份（如2025-03）、季度（如2025Q1）、年份（如2025）或年初至今（如YTD2025-03）", 0},
    {"limit: must be from 1 to 1000", "条数应为1至1000", 0},
    {"limit: must be a whole number from 1 to 1000", "条数应为1至1000之间的整数", 0},
    {"days: must be 1 to 366", "天数应为1至366", 0},
    {"date: must be a date YYYY-MM-DD", "日期格式应为“年-月-日”，如2025-03-01", 0},
    {"mode: must be drive or walk", "出行方式应为驾车或步行", 0},
    {"objective: must be cover or pmedian", "选址目标应为最大覆盖或最短平均时间", 0},
    {"by: must be county or township", "分组应为县或乡镇", 0},
    {"villages: must be 0 or 1", "是否包含各村数据应为0或1", 0},
    {"lang: must be zh or en", "语言应为中文或英文", 0},
    {"note: at most 2000 bytes", "备注不能超过2000字节", 0},
    {"body: not valid JSON", "提交的内容格式有误", 0},
    {"body is not a JSON object", "提交的内容格式有误", 0},
    {"body must be JSON (Content-Type: application/json)", "提交的内容格式有误", 0},
    {"role %s may read alerts but not act on them (admin or county)", "您的角色只能查看预警，不能处置预警", 0},
    {"no such alert action '%s' (assign, investigate, confirm, dismiss)", "没有这个预警处置操作", 0},
    {"no unit '%.64s' in your area", "您的区域内没有这辆急救车（%.64s）", 0},
    {"no such 120 endpoint or method: %s %.100s", "没有这个急救接口", 0},
    {"no such resident, or the resident is outside your scope", "没有这位居民，或该居民不在您的权限范围内", 0},
    {"this account is not linked to a resident record", "此账号未关联居民健康档案", 0},
    {"give exactly one of team= or facility=", "请选择一个家庭医生团队或一个机构", 0},
    {"database error", "数据库错误，请稍后重试", 0},
    {"database unavailable", "数据库暂不可用，请稍后重试", 0},
    {"out of memory", "服务器内存不足，请稍后重试", 0},
    {"could not write the XLSX file", "无法生成表格文件，请稍后重试", 0},
    {"no dashboard is served (start with --web DIR)", "未提供页面", 0},
    {"siting took longer than the limit of %u ms; choose a smaller area (under) or fewer sites",
     "选址计算超过%u毫秒的时限，请缩小区域或减少新增点位", 0},
};

/* Parameter names as a Chinese user knows them. */
static const char *const NAMES[][2] = {
    {"under", "区域"}, {"area", "区域"}, {"limit", "条数"}, {"offset", "起始位置"}, {"status", "状态"},
    {"measure", "指标"}, {"type", "机构类型"}, {"types", "机构类型"}, {"minutes", "时间（分钟）"}, {"period", "期间"},
    {"pack", "政策包"}, {"indicator", "指标"}, {"q", "搜索内容"}, {"code", "代码"}, {"village", "村（社区）"},
    {"team", "家庭医生团队"}, {"facility", "机构"}, {"add", "新增数量"}, {"capacity", "容量"}, {"days", "天数"},
    {"signal", "症候群"}, {"level", "层级"}, {"rule", "规则"}, {"unit", "急救车"}, {"rate", "呼叫量"}, {"day", "日期"},
};

static const char *param_zh(const char *name)
{
    for (size_t i = 0; i < sizeof NAMES / sizeof *NAMES; i++)
        if (strcmp(NAMES[i][0], name) == 0)
            return NAMES[i][1];
    return "参数";
}

static const char *unit_zh(const char *unit)
{
    static const char *const UNITS[][2] = {{"minutes", "分钟"}, {"km", "公里"}, {"m", "米"}, {"hours", "小时"}, {"days", "天"}};
    for (size_t i = 0; i < sizeof UNITS / sizeof *UNITS; i++)
        if (strcmp(UNITS[i][0], unit) == 0)
            return UNITS[i][1];
    return "";
}

/* A message meant for a Chinese reader already: it holds Chinese characters. */
static int has_chinese(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0xE3)
            return 1;
    return 0;
}

static const char *status_zh(unsigned status)
{
    switch (status) {
    case 400: return "请求有误，请检查填写的内容";
    case 401: return "未登录或登录已过期，请重新登录";
    case 403: return "无权进行此操作";
    case 404: return "未找到所请求的内容";
    case 405: return "不支持此操作";
    case 409: return "与当前数据冲突，请刷新后重试";
    case 413: return "提交的内容过大";
    case 429: return "操作过于频繁，请稍后再试";
    case 503: return "服务繁忙，请稍后重试";
    default: return status >= 500 ? "服务器内部错误，请稍后重试" : "请求未能完成";
    }
}

void hss_words_error(unsigned status, const char *fmt, va_list ap, const char *en_msg, char *out, size_t n)
{
    for (size_t i = 0; i < sizeof MESSAGES / sizeof *MESSAGES; i++) {
        const message *m = &MESSAGES[i];
        if (strcmp(m->en, fmt) != 0)
            continue;
        size_t used = 0;
        const char *unit = NULL;
        if (m->name_first) {
            used = (size_t)snprintf(out, n, "%s：", param_zh(va_arg(ap, const char *)));
            if (m->name_first == 2)
                unit = unit_zh(va_arg(ap, const char *));
            if (used >= n)
                return;
        }
        used += (size_t)vsnprintf(out + used, n - used, m->zh, ap);
        if (unit && used < n)
            snprintf(out + used, n - used, "（单位：%s）", unit);
        return;
    }
    snprintf(out, n, "%s", has_chinese(en_msg) ? en_msg : status_zh(status));
}

/* ---- reasons: why the stored data cannot answer yet ---------------------------------------------- */

static const char *const REASONS[][2] = {
    {"no road network is stored", "尚未导入道路网络，暂无法计算服务圈和急救响应时间"},
    {"no facility of type", "没有所选类型且有位置的机构"},
    {"can be reached", "所选类型的机构距道路过远，暂无法计算"},
    {"no ems_station or ems_center", "道路网络上没有急救站（中心），暂无法计算急救响应时间"},
};

void hss_words_reason(const char *msg, int en, char *out, size_t n)
{
    if (en) {
        /* "/path/to/x.db: no road network ..." -> "no road network ..." */
        const char *colon = msg[0] == '/' ? strstr(msg, ": ") : NULL;
        snprintf(out, n, "%s", colon ? colon + 2 : msg);
        return;
    }
    for (size_t i = 0; i < sizeof REASONS / sizeof *REASONS; i++)
        if (strstr(msg, REASONS[i][0])) {
            snprintf(out, n, "%s", REASONS[i][1]);
            return;
        }
    snprintf(out, n, "%s", has_chinese(msg) ? msg : "现有数据暂无法计算");
}

/* ---- export headings --------------------------------------------------------------------------- */

static const char *const HEADINGS[][3] = {
    {"code", "代码", "Code"}, {"name", "名称", "Name"}, {"type", "类型", "Type"}, {"type_zh", "类型", "Type"},
    {"grade", "等级", "Grade"}, {"ownership", "举办主体", "Ownership"}, {"area_code", "区划代码", "Area code"},
    {"area_name", "所在区域", "Area"}, {"lon", "经度", "Longitude"}, {"lat", "纬度", "Latitude"},
    {"beds_approved", "编制床位", "Approved beds"}, {"beds_open", "开放床位", "Open beds"}, {"medcom_code", "医共体代码", "Medical community"},
    {"medcom_name", "医共体", "Medical community"}, {"generated", "生成数据", "Generated"}, {"rule", "规则编号", "Rule"},
    {"pack", "政策包", "Pack"}, {"overrides", "替代规则", "Overrides"}, {"title", "规则", "Rule"}, {"title_en", "规则", "Rule"},
    {"measure", "指标", "Measure"}, {"measure_zh", "指标", "Measure"}, {"area", "区划代码", "Area code"},
    {"facility", "机构代码", "Facility code"}, {"facility_name", "机构", "Facility"}, {"status", "状态", "Status"},
    {"observed", "实际值", "Observed"}, {"comparator", "比较", "Comparator"}, {"target", "目标值", "Target"},
    {"gap", "差距", "Gap"}, {"need", "需补足", "Needed"}, {"unit", "单位", "Unit"}, {"unit_en", "单位", "Unit"},
    {"gap_text", "差距说明", "Gap"}, {"gap_text_en", "差距说明", "Gap"}, {"reason", "原因", "Reason"},
    {"reason_zh", "原因", "Reason"}, {"year", "年份", "Year"}, {"document", "文件", "Document file"},
    {"quote", "依据原文", "Quoted source"}, {"document_title", "依据文件", "Source document"},
};

/* The column's heading in the language, or NULL when that language's export leaves it out: the
 * other language's twin of a column (title_en in Chinese, title_zh in English), and in Chinese a
 * machine id whose name is also exported (type beside type_zh, document beside document_title). */
const char *hss_words_heading(const hss_table *t, size_t col, int en)
{
    const char *k = hss_table_col_name(t, col);
    size_t n = strlen(k);
    char twin[96];
    int has_twin = 0;
    for (size_t c = 0; c < hss_table_cols(t); c++) {
        const char *o = hss_table_col_name(t, c);
        snprintf(twin, sizeof twin, "%s_zh", k);
        if (!en && (strcmp(o, twin) == 0 || (strcmp(k, "document") == 0 && strcmp(o, "document_title") == 0) ||
                    (strcmp(k, "medcom_code") == 0 && strcmp(o, "medcom_name") == 0)))
            has_twin = 1;
        snprintf(twin, sizeof twin, "%s_en", k);
        if (!en && (strcmp(k, "rule") == 0 || strcmp(k, "pack") == 0 || strcmp(k, "overrides") == 0 ||
                    strcmp(k, "medcom_code") == 0))
            has_twin = 1; /* machine ids: the title names the rule */
        if (en && strcmp(o, twin) == 0)
            has_twin = 1;
    }
    if (has_twin || (n > 3 && strcmp(k + n - 3, en ? "_zh" : "_en") == 0))
        return NULL;
    for (size_t i = 0; i < sizeof HEADINGS / sizeof *HEADINGS; i++)
        if (strcmp(HEADINGS[i][0], k) == 0)
            return HEADINGS[i][en ? 2 : 1];
    return en ? k : "其他";
}
