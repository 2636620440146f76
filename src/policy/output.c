/*
 * output.c: an evaluation as JSON (findings carry source {document, quote}) and as one
 * self-contained HTML report in Chinese — inline CSS, no scripts, fonts or images from
 * elsewhere — that a planner can attach to an email. Numbers come from the findings table.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/policy_int.h"

static size_t col(const hss_table *t, const char *name)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (strcmp(hss_table_col_name(t, c), name) == 0)
            return c;
    return (size_t)-1;
}

static cJSON *cell_json(const hss_table *t, size_t r, size_t c, int numeric)
{
    if (hss_table_is_null(t, r, c))
        return cJSON_CreateNull();
    const char *v = hss_table_cell(t, r, c);
    return numeric ? cJSON_CreateNumber(strtod(v, NULL)) : cJSON_CreateString(v);
}

char *hss_policy_result_json(const hss_policy_result *res)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "pack", res->pack);
    cJSON_AddStringToObject(root, "pack_title", res->pack_title ? res->pack_title : res->pack);
    if (res->region_name)
        cJSON_AddStringToObject(root, "region", res->region_name);
    else
        cJSON_AddNullToObject(root, "region");
    cJSON_AddNumberToObject(root, "year", res->year);
    if (res->under)
        cJSON_AddStringToObject(root, "under", res->under);
    else
        cJSON_AddNullToObject(root, "under");
    cJSON_AddBoolToObject(root, "generated_data", res->generated);
    cJSON *tot = cJSON_AddObjectToObject(root, "totals");
    cJSON_AddNumberToObject(tot, "pass", (double)res->pass);
    cJSON_AddNumberToObject(tot, "fail", (double)res->fail);
    cJSON_AddNumberToObject(tot, "unknown", (double)res->unknown);
    const hss_table *s = res->summary;
    cJSON *sum = cJSON_AddArrayToObject(root, "summary");
    for (size_t r = 0; r < hss_table_rows(s); r++) {
        cJSON *o = cJSON_CreateObject();
        for (size_t c = 0; c < hss_table_cols(s); c++)
            cJSON_AddItemToObject(o, hss_table_col_name(s, c), cell_json(s, r, c, c >= 3));
        cJSON_AddItemToArray(sum, o);
    }
    const hss_table *f = res->findings;
    size_t cdoc = col(f, "document"), cquote = col(f, "quote");
    cJSON *arr = cJSON_AddArrayToObject(root, "findings");
    for (size_t r = 0; r < hss_table_rows(f); r++) {
        cJSON *o = cJSON_CreateObject();
        for (size_t c = 0; c < hss_table_cols(f); c++) {
            if (c == cdoc || c == cquote)
                continue;
            const char *n = hss_table_col_name(f, c);
            int numeric = !strcmp(n, "observed") || !strcmp(n, "target") || !strcmp(n, "gap") ||
                          !strcmp(n, "need") || !strcmp(n, "year");
            cJSON_AddItemToObject(o, n, cell_json(f, r, c, numeric));
        }
        cJSON *src = cJSON_AddObjectToObject(o, "source");
        cJSON_AddStringToObject(src, "document", hss_table_cell(f, r, cdoc));
        cJSON_AddStringToObject(src, "quote", hss_table_cell(f, r, cquote));
        cJSON_AddItemToArray(arr, o);
    }
    char *txt = cJSON_Print(root);
    cJSON_Delete(root);
    char *out = hss_xstrdup(txt);
    cJSON_free(txt);
    return out;
}

static void esc(hss_buf *b, const char *s)
{
    hss_html_escape(b, s);
}

static const char *status_zh(const char *st)
{
    return st[0] == 'p' ? "达标" : st[0] == 'f' ? "未达标" : "无法判断";
}

static const char CSS[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;"
    "margin:2em auto;max-width:1100px;color:#222;line-height:1.5;padding:0 1em}"
    "h1{font-size:1.6em;border-bottom:3px solid #2b6cb0;padding-bottom:.3em}"
    "h2{font-size:1.25em;margin-top:2em;color:#2b6cb0}h3{font-size:1.05em;margin:1.5em 0 .3em}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.92em}"
    "th,td{border:1px solid #cbd5e0;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#edf2f7}td.n{text-align:right;white-space:nowrap}"
    ".pass{color:#276749;font-weight:bold}.fail{color:#c53030;font-weight:bold}"
    ".unknown{color:#975a16;font-weight:bold}"
    "blockquote{margin:.3em 0;padding:.4em .8em;background:#f7fafc;border-left:4px solid #a0aec0}"
    ".meta{color:#4a5568;font-size:.9em}.note{background:#fffbea;border:1px solid #f6e05e;"
    "padding:.5em .8em}.cards span{display:inline-block;margin-right:1.5em;font-size:1.1em}"
    "details{margin:.3em 0}summary{cursor:pointer;color:#4a5568}";

static void row_cells(hss_buf *b, const hss_table *f, size_t r)
{
    const char *st = hss_table_cell(f, r, col(f, "status"));
    const char *fac = hss_table_cell(f, r, col(f, "facility_name"));
    hss_buf_puts(b, "<tr><td>");
    esc(b, hss_table_cell(f, r, col(f, "area_name")));
    hss_buf_puts(b, " <span class=\"meta\">");
    esc(b, hss_table_cell(f, r, col(f, "area")));
    hss_buf_puts(b, "</span></td><td>");
    esc(b, fac);
    hss_buf_printf(b, "</td><td class=\"%s\">%s</td><td class=\"n\">", st, status_zh(st));
    esc(b, hss_table_cell(f, r, col(f, "observed")));
    hss_buf_puts(b, "</td><td class=\"n\">");
    esc(b, hss_table_cell(f, r, col(f, "target")));
    hss_buf_puts(b, "</td><td class=\"n\">");
    esc(b, hss_table_cell(f, r, col(f, "gap")));
    hss_buf_puts(b, "</td><td>");
    esc(b, hss_table_cell(f, r, col(f, "gap_text")));
    const char *why = hss_table_cell(f, r, col(f, "reason_zh"));
    if (*why) {
        hss_buf_puts(b, *hss_table_cell(f, r, col(f, "gap_text")) ? "<br>" : "");
        hss_buf_puts(b, "<span class=\"meta\">");
        esc(b, why);
        hss_buf_puts(b, "</span>");
    }
    hss_buf_puts(b, "</td></tr>\n");
}

static const char TABLE_HEAD[] =
    "<table><tr><th>区域</th><th>机构</th><th>结果</th><th>现状</th><th>目标</th><th>差距</th>"
    "<th>说明</th></tr>\n";

char *hss_policy_result_html(const hss_policy_result *res)
{
    hss_buf b;
    hss_buf_init(&b);
    const hss_table *f = res->findings, *s = res->summary;
    hss_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    esc(&b, res->region_name ? res->region_name : "区域");
    hss_buf_puts(&b, " 医疗卫生服务体系规划标准评估报告</title>\n<style>");
    hss_buf_puts(&b, CSS);
    hss_buf_puts(&b, "</style>\n</head>\n<body>\n<h1>");
    esc(&b, res->region_name ? res->region_name : "区域");
    hss_buf_puts(&b, " 医疗卫生服务体系规划标准评估报告</h1>\n<p class=\"meta\">政策包：");
    esc(&b, res->pack_title ? res->pack_title : res->pack);
    hss_buf_puts(&b, "（");
    esc(&b, res->pack);
    hss_buf_puts(&b, "）");
    hss_buf_printf(&b, "　目标年份：%d", res->year);
    if (res->under) {
        hss_buf_puts(&b, "　范围：");
        esc(&b, res->region_name ? res->region_name : "");
        hss_buf_puts(&b, "（");
        esc(&b, res->under);
        hss_buf_puts(&b, "）");
    }
    char when[32];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    hss_buf_printf(&b, "　生成时间：%s（HSS）</p>\n", when);
    if (res->generated)
        hss_buf_puts(&b, "<p class=\"note\">注意：本数据库含有系统生成（模拟）的数据，"
                         "评估结果仅用于演示，不代表真实情况。</p>\n");
    hss_buf_printf(&b, "<p class=\"cards\"><span class=\"pass\">达标 %zu 项</span>"
                       "<span class=\"fail\">未达标 %zu 项</span>"
                       "<span class=\"unknown\">无法判断 %zu 项</span></p>\n",
                   res->pass, res->fail, res->unknown);
    hss_buf_puts(&b, "<p class=\"meta\">每条结论均注明所依据的规则、文件及原文。“无法判断”表示现有数据"
                     "不足以计算（原因见说明），不视为达标。</p>\n");

    hss_buf_puts(&b, "<h2>一、分区域汇总</h2>\n<table><tr><th>区划代码</th><th>区域</th><th>层级</th>"
                     "<th>达标</th><th>未达标</th><th>无法判断</th><th>合计</th></tr>\n");
    for (size_t r = 0; r < hss_table_rows(s); r++) {
        hss_buf_puts(&b, "<tr>");
        for (size_t c = 0; c < hss_table_cols(s); c++) {
            hss_buf_puts(&b, c >= 3 ? "<td class=\"n\">" : "<td>");
            esc(&b, hss_table_cell(s, r, c));
            hss_buf_puts(&b, "</td>");
        }
        hss_buf_puts(&b, "</tr>\n");
    }
    hss_buf_puts(&b, "</table>\n<h2>二、逐条规则评估</h2>\n");

    /* Findings are grouped by rule (they are produced rule by rule). */
    size_t crule = col(f, "rule"), cst = col(f, "status"), n = hss_table_rows(f);
    int no = 0;
    for (size_t r0 = 0; r0 < n;) {
        size_t r1 = r0;
        while (r1 < n && strcmp(hss_table_cell(f, r1, crule), hss_table_cell(f, r0, crule)) == 0)
            r1++;
        size_t np = 0, nf = 0, nu = 0;
        for (size_t r = r0; r < r1; r++) {
            char c0 = hss_table_cell(f, r, cst)[0];
            np += c0 == 'p';
            nf += c0 == 'f';
            nu += c0 == 'u';
        }
        hss_buf_printf(&b, "<h3>%d. ", ++no);
        esc(&b, hss_table_cell(f, r0, col(f, "title")));
        hss_buf_puts(&b, "</h3>\n<p class=\"meta\">规则 ");
        esc(&b, hss_table_cell(f, r0, crule));
        hss_buf_puts(&b, "（政策包 ");
        esc(&b, hss_table_cell(f, r0, col(f, "pack")));
        const char *ov = hss_table_cell(f, r0, col(f, "overrides"));
        if (*ov) {
            hss_buf_puts(&b, "，覆盖 ");
            esc(&b, ov);
            hss_buf_puts(&b, " 的同名规则");
        }
        hss_buf_puts(&b, "）　指标 ");
        esc(&b, hss_table_cell(f, r0, col(f, "measure_zh")));
        hss_buf_puts(&b, "（");
        esc(&b, hss_table_cell(f, r0, col(f, "measure")));
        hss_buf_puts(&b, "）　要求 ");
        const char *cmp = hss_table_cell(f, r0, col(f, "comparator"));
        /* A target the measure works out per area (ambulances from population) varies. */
        int same = 1;
        size_t ct = col(f, "target");
        for (size_t r = r0 + 1; r < r1 && same; r++)
            same = strcmp(hss_table_cell(f, r, ct), hss_table_cell(f, r0, ct)) == 0;
        if (!strcmp(cmp, "present")) {
            hss_buf_puts(&b, "应设置");
        } else {
            esc(&b, cmp);
            hss_buf_puts(&b, " ");
            if (same)
                esc(&b, hss_table_cell(f, r0, ct));
            else
                hss_buf_puts(&b, "（按各区域人口分别计算）");
        }
        hss_buf_puts(&b, " ");
        esc(&b, hss_table_cell(f, r0, col(f, "unit")));
        hss_buf_puts(&b, "　目标年 ");
        esc(&b, hss_table_cell(f, r0, col(f, "year")));
        hss_buf_puts(&b, "</p>\n<blockquote>“");
        esc(&b, hss_table_cell(f, r0, col(f, "quote")));
        hss_buf_puts(&b, "”<br><span class=\"meta\">—— ");
        const char *dt = hss_table_cell(f, r0, col(f, "document_title"));
        if (*dt) {
            hss_buf_puts(&b, "《");
            esc(&b, dt);
            hss_buf_puts(&b, "》 ");
        }
        esc(&b, hss_table_cell(f, r0, col(f, "document")));
        hss_buf_printf(&b, "</span></blockquote>\n<p><span class=\"pass\">达标 %zu</span>　"
                           "<span class=\"fail\">未达标 %zu</span>　<span class=\"unknown\">"
                           "无法判断 %zu</span></p>\n", np, nf, nu);
        if (nf + nu) {
            hss_buf_puts(&b, TABLE_HEAD);
            for (size_t r = r0; r < r1; r++)
                if (hss_table_cell(f, r, cst)[0] != 'p')
                    row_cells(&b, f, r);
            hss_buf_puts(&b, "</table>\n");
        }
        if (np) {
            hss_buf_printf(&b, "<details><summary>查看达标的 %zu 项</summary>\n", np);
            hss_buf_puts(&b, TABLE_HEAD);
            for (size_t r = r0; r < r1; r++)
                if (hss_table_cell(f, r, cst)[0] == 'p')
                    row_cells(&b, f, r);
            hss_buf_puts(&b, "</table></details>\n");
        }
        r0 = r1;
    }
    if (!n)
        hss_buf_puts(&b, "<p>没有适用的规则或评估对象。</p>\n");
    hss_buf_puts(&b, "</body>\n</html>\n");
    return hss_buf_steal(&b);
}
