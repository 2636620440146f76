/*
 * bulletin.c: the monthly bulletin (通报) sent to all units: the counties ranked on the monitoring
 * indicators of the month (src/metrics/, with the targets of the region's own pack,
 * hss_policy_region_pack: Yiwu's counties by Yiwu's targets, never another city's), each county's
 * change of rank since the last bulletin, the tasks overdue at the month's end, the tasks with no
 * progress report in the period, and the open 整改 items. One self-contained Chinese HTML page
 * (inline CSS, no scripts, nothing fetched); a PDF through headless Chromium where installed.
 * Every number in it is computed from stored records when the bulletin is made.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "metrics/metrics.h"
#include "plan/plan_int.h"
#include "policy/policy.h"

/* One county's standing in the month. */
typedef struct county_score {
    char code[7];
    char name[128];
    int pass, fail; /* indicators with a target met / not met */
    double score;   /* pass share in percent; -1 without any indicator with a target */
    int rank;       /* 1 = best; 0 when unranked */
    int prev_rank;  /* rank in the last bulletin, 0 when not ranked there */
} county_score;

static int by_score(const void *x, const void *y)
{
    const county_score *a = x, *b = y;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return strcmp(a->code, b->code);
}

static const char CSS[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\",sans-serif;margin:2em auto;"
    "max-width:60em;color:#222;line-height:1.5}h1{font-size:1.5em;text-align:center;color:#b00}"
    "h2{font-size:1.15em;border-left:4px solid #b00;padding-left:.5em;margin-top:1.6em}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #bbb;padding:.3em .5em;"
    "text-align:left}th{background:#f3f3f3}td.n{text-align:right}.fail{color:#b00;font-weight:bold}"
    ".up{color:#070}.down{color:#b00}.note{color:#666;font-size:.88em}"
    "@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}";

static void esc(hss_buf *b, const char *s)
{
    hss_html_escape(b, s ? s : "");
}

/* Whose targets the ranking uses: the region's own pack, its title, and whether it sets a
 * target on any monitoring indicator (else no county is ranked, and the bulletin says why). */
typedef struct {
    char *pack;
    char title[160];
    int targets;
} target_source;

static void target_source_of(hss_store *st, target_source *ts)
{
    ts->pack = hss_policy_region_pack(st);
    hss_policy_pack *p = hss_policy_load(ts->pack, NULL);
    snprintf(ts->title, sizeof ts->title, "%s", p ? hss_policy_title(p) : ts->pack);
    hss_policy_free(p);
    ts->targets = 0;
}

/* The counties' scores from the month's indicators, on the targets of ts->pack. */
static hss_code score_counties(hss_store *st, const char *city, const char *month, target_source *ts,
                               county_score **out, size_t *n, hss_table **detail, hss_error *err)
{
    hss_table *names;
    hss_code rc = plan_db_county_names(st, &names, err);
    if (rc)
        return rc;
    county_score *c = hss_xcalloc(hss_table_rows(names) + 1, sizeof *c);
    size_t nc = 0;
    for (size_t r = 0; r < hss_table_rows(names); r++) {
        if (!hss_plan_in_scope(city, hss_table_cell(names, r, 0)))
            continue;
        snprintf(c[nc].code, sizeof c[nc].code, "%s", hss_table_cell(names, r, 0));
        snprintf(c[nc].name, sizeof c[nc].name, "%s", hss_table_cell(names, r, 1));
        c[nc++].score = -1;
    }
    hss_table_free(names);
    /* a pack that sets no indicator target is no error: nothing is ranked then */
    hss_metrics_query q = {.under = city, .period = month, .pack = ts->pack, .any_pack = 1};
    hss_table *t = NULL;
    if ((rc = hss_metrics_indicators(st, &q, &t, err))) {
        free(c);
        return rc;
    }
    size_t ca = plan_col(t, "area"), cs = plan_col(t, "status"), co = plan_col(t, "op");
    for (size_t r = 0; r < hss_table_rows(t); r++) /* the comparator is set where a target is */
        ts->targets |= hss_table_cell(t, r, co) && *hss_table_cell(t, r, co);
    for (size_t r = 0; r < hss_table_rows(t); r++)
        for (size_t k = 0; k < nc; k++)
            if (strcmp(hss_table_cell(t, r, ca), c[k].code) == 0) {
                c[k].pass += strcmp(hss_table_cell(t, r, cs), "pass") == 0;
                c[k].fail += strcmp(hss_table_cell(t, r, cs), "fail") == 0;
            }
    for (size_t k = 0; k < nc; k++)
        if (c[k].pass + c[k].fail)
            c[k].score = 100.0 * c[k].pass / (c[k].pass + c[k].fail);
    qsort(c, nc, sizeof *c, by_score);
    /* competition ranking: equal shares share a rank (1, 1, 3) */
    for (size_t k = 0; k < nc; k++)
        c[k].rank = c[k].score < 0 ? 0 : k > 0 && c[k].score == c[k - 1].score ? c[k - 1].rank : (int)k + 1;
    *out = c;
    *n = nc;
    *detail = t;
    return HSS_OK;
}

/* Reads the previous bulletin's ranks into c[].prev_rank. */
static void previous_ranks(hss_store *st, const char *month, county_score *c, size_t n, char prev[8])
{
    prev[0] = 0;
    char *json = plan_db_bulletin_previous(st, month, prev);
    cJSON *arr = json ? cJSON_Parse(json) : NULL;
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        cJSON *code = cJSON_GetObjectItem(it, "county"), *rank = cJSON_GetObjectItem(it, "rank");
        for (size_t k = 0; cJSON_IsString(code) && cJSON_IsNumber(rank) && k < n; k++)
            if (strcmp(c[k].code, code->valuestring) == 0)
                c[k].prev_rank = rank->valueint;
    }
    cJSON_Delete(arr);
    free(json);
}

static char *ranking_json(const county_score *c, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t k = 0; k < n; k++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "county", c[k].code);
        cJSON_AddStringToObject(o, "name", c[k].name);
        cJSON_AddNumberToObject(o, "score", c[k].score);
        cJSON_AddNumberToObject(o, "rank", c[k].rank);
        cJSON_AddItemToArray(arr, o);
    }
    char *s = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    return s;
}

static void html_ranking(hss_buf *b, const county_score *c, size_t n, const char *prev, const target_source *ts)
{
    hss_buf_puts(b, "<h2>一、各县（市、区）监测指标排名</h2>\n<p class=\"note\">目标值依据：");
    esc(b, ts->title);
    hss_buf_puts(b, "。</p>\n");
    if (!ts->targets)
        hss_buf_puts(b, "<p class=\"note\">本地区规划未对月度监测指标设定目标值，本期不排名。</p>\n");
    if (*prev)
        hss_buf_printf(b, "<p class=\"note\">排名变化与%.4s年%d月通报相比。</p>\n", prev, atoi(prev + 5));
    else
        hss_buf_puts(b, "<p class=\"note\">此前没有通报，本期不列排名变化。</p>\n");
    hss_buf_puts(b, "<table><tr><th>排名</th><th>县（市、区）</th><th>达标指标</th><th>未达标指标</th>"
                    "<th>达标率</th><th>排名变化</th></tr>\n");
    for (size_t k = 0; k < n; k++) {
        hss_buf_puts(b, "<tr><td class=\"n\">");
        if (c[k].rank)
            hss_buf_printf(b, "%d", c[k].rank);
        else
            hss_buf_puts(b, "—");
        hss_buf_puts(b, "</td><td>");
        esc(b, c[k].name);
        hss_buf_printf(b, "</td><td class=\"n\">%d</td><td class=\"n%s\">%d</td><td class=\"n\">", c[k].pass,
                       c[k].fail ? " fail" : "", c[k].fail);
        if (c[k].score >= 0)
            hss_buf_printf(b, "%.1f%%", c[k].score);
        else
            hss_buf_puts(b, "无数据");
        hss_buf_puts(b, "</td><td>");
        int d = c[k].prev_rank && c[k].rank ? c[k].prev_rank - c[k].rank : 0;
        if (!*prev || !c[k].rank)
            hss_buf_puts(b, "—");
        else if (!c[k].prev_rank)
            hss_buf_puts(b, "新列入");
        else if (d > 0)
            hss_buf_printf(b, "<span class=\"up\">上升%d位</span>", d);
        else if (d < 0)
            hss_buf_printf(b, "<span class=\"down\">下降%d位</span>", -d);
        else
            hss_buf_puts(b, "持平");
        hss_buf_puts(b, "</td></tr>\n");
    }
    hss_buf_puts(b, "</table>\n");
}

/* Some indicator units are written in English in the definitions: in a Chinese bulletin a
 * unit is shown only when it is a symbol or Chinese. */
static int zh_unit(const char *u)
{
    if (strcmp(u, "%") == 0 || strcmp(u, "‰") == 0)
        return 1;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p >= 0x80)
            return 1;
    return 0;
}

static const char *op_zh(const char *op)
{
    if (!strcmp(op, ">="))
        return "≥";
    if (!strcmp(op, "<="))
        return "≤";
    if (!strcmp(op, ">"))
        return "＞";
    if (!strcmp(op, "<"))
        return "＜";
    return "";
}

/* The month's indicator values of the ranked counties, failures in red. */
static void html_indicators(hss_buf *b, const hss_table *t, const county_score *c, size_t n)
{
    size_t ci = plan_col(t, "name"), ca = plan_col(t, "area"), cv = plan_col(t, "value"),
           cu = plan_col(t, "unit"), ct = plan_col(t, "target"), co = plan_col(t, "op"), cs = plan_col(t, "status");
    hss_buf_puts(b, "<h2>二、监测指标明细</h2>\n<table><tr><th>县（市、区）</th><th>指标</th><th>本月值</th>"
                    "<th>目标</th><th>结果</th></tr>\n");
    size_t rows = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t r = 0; r < hss_table_rows(t); r++) {
            const char *status = hss_table_cell(t, r, cs);
            if (strcmp(hss_table_cell(t, r, ca), c[k].code) != 0 || (strcmp(status, "pass") && strcmp(status, "fail")))
                continue;
            int fail = strcmp(status, "fail") == 0;
            hss_buf_puts(b, "<tr><td>");
            esc(b, c[k].name);
            hss_buf_puts(b, "</td><td>");
            esc(b, hss_table_cell(t, r, ci));
            hss_buf_printf(b, "</td><td class=\"n%s\">", fail ? " fail" : "");
            esc(b, hss_table_cell(t, r, cv));
            const char *unit = hss_table_cell(t, r, cu);
            if (zh_unit(unit))
                esc(b, unit);
            hss_buf_puts(b, "</td><td class=\"n\">");
            hss_buf_puts(b, op_zh(hss_table_cell(t, r, co)));
            esc(b, hss_table_cell(t, r, ct));
            hss_buf_printf(b, "</td><td%s>%s</td></tr>\n", fail ? " class=\"fail\"" : "", fail ? "未达标" : "达标");
            rows++;
        }
    if (!rows)
        hss_buf_puts(b, "<tr><td colspan=\"5\">本月没有带目标值的监测指标数据。</td></tr>\n");
    hss_buf_puts(b, "</table>\n");
}

static const char *status_zh(const char *s)
{
    if (!strcmp(s, "not_started"))
        return "未启动";
    if (!strcmp(s, "in_progress"))
        return "推进中";
    if (!strcmp(s, "done"))
        return "已完成";
    if (!strcmp(s, "blocked"))
        return "受阻";
    return s;
}

static void html_tasks(hss_buf *b, const hss_table *t, const char *title, const char *none, int stale)
{
    hss_buf_puts(b, title);
    hss_buf_puts(b, "<table><tr><th>任务</th><th>区域</th><th>牵头单位</th><th>责任单位</th><th>期限</th>"
                    "<th>状态</th><th>最近报告</th></tr>\n");
    size_t cf = plan_col(t, stale ? "stale" : "overdue"), rows = 0;
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        if (strcmp(hss_table_cell(t, r, cf), "1") != 0)
            continue;
        const char *cols[] = {"title", "area_name", "lead", "units", "due"};
        hss_buf_puts(b, "<tr>");
        for (size_t k = 0; k < 5; k++) {
            hss_buf_puts(b, k == 4 && !stale ? "<td class=\"fail\">" : "<td>");
            esc(b, hss_table_cell(t, r, plan_col(t, cols[k])));
            hss_buf_puts(b, "</td>");
        }
        hss_buf_printf(b, "<td>%s</td><td>", status_zh(hss_table_cell(t, r, plan_col(t, "status"))));
        const char *last = hss_table_cell(t, r, plan_col(t, "last_report"));
        esc(b, *last ? last : "未报告");
        hss_buf_puts(b, "</td></tr>\n");
        rows++;
    }
    if (!rows)
        hss_buf_printf(b, "<tr><td colspan=\"7\">%s</td></tr>\n", none);
    hss_buf_puts(b, "</table>\n");
}

static void html_rects(hss_buf *b, const hss_table *t)
{
    hss_buf_puts(b, "<h2>五、未完成的整改事项</h2>\n<table><tr><th>标准</th><th>区域</th><th>机构</th>"
                    "<th>差距</th><th>责任单位</th><th>整改期限</th></tr>\n");
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        const char *cols[] = {"title", "area_name", "facility_name", "gap_text", "unit", "deadline"};
        int overdue = strcmp(hss_table_cell(t, r, plan_col(t, "overdue")), "1") == 0;
        hss_buf_puts(b, "<tr>");
        for (size_t k = 0; k < 6; k++) {
            hss_buf_puts(b, k == 5 && overdue ? "<td class=\"fail\">" : "<td>");
            esc(b, hss_table_cell(t, r, plan_col(t, cols[k])));
            if (k == 5 && overdue)
                hss_buf_puts(b, "（已逾期）");
            hss_buf_puts(b, "</td>");
        }
        hss_buf_puts(b, "</tr>\n");
    }
    if (!hss_table_rows(t))
        hss_buf_puts(b, "<tr><td colspan=\"6\">没有未完成的整改事项。</td></tr>\n");
    hss_buf_puts(b, "</table>\n");
}

/* The whole page. */
static char *render(const char *region, const char *month, const county_score *c, size_t n, const char *prev,
                    const target_source *ts, const hss_table *ind, const hss_table *tasks, const hss_table *rects,
                    int generated)
{
    hss_buf b;
    hss_buf_init(&b);
    int y = atoi(month), m = atoi(month + 5);
    hss_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    esc(&b, region);
    hss_buf_printf(&b, "医疗卫生服务体系规划实施情况通报（%d年%d月）</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", y, m, CSS);
    esc(&b, region);
    hss_buf_printf(&b, "医疗卫生服务体系规划实施情况通报</h1>\n<p style=\"text-align:center\">%d年%d月</p>\n", y, m);
    if (generated)
        hss_buf_puts(&b, "<p class=\"note\"><strong>说明：</strong>本通报所用数据含演示用生成数据，不代表实际情况。</p>\n");
    html_ranking(&b, c, n, prev, ts);
    html_indicators(&b, ind, c, n);
    html_tasks(&b, tasks, "<h2>三、逾期未完成的规划任务</h2>\n", "没有逾期未完成的任务。", 0);
    html_tasks(&b, tasks, "<h2>四、本期未报送进展的任务</h2>\n", "所有未完成任务均已报送进展。", 1);
    html_rects(&b, rects);
    char today[11];
    hss_plan_today(today); /* Asia/Shanghai */
    hss_buf_puts(&b, "<p class=\"note\">排名依据：各县（市、区）本月监测指标中达到目标值的指标所占比例；"
                     "任务逾期以月末为准；报送周期为自然月。所有数字均由系统中已存储的记录计算。</p>\n");
    hss_buf_printf(&b, "<p class=\"note\">生成日期（北京时间）：%s</p>\n</body>\n</html>\n", today);
    return hss_buf_steal(&b);
}

hss_code hss_plan_bulletin(hss_store *st, const hss_plan_actor *who, const char *month, char **html,
                           hss_error *err)
{
    long day;
    char first[16], as_of[11];
    snprintf(first, sizeof first, "%s-01", month ? month : "");
    if (!month || strlen(month) != 7 || plan_parse_day(first, &day) != 0)
        return hss_fail(err, HSS_EINVAL, "--month '%s': must be a month YYYY-MM", month ? month : "");
    /* Overdue means not done by the end of the month; the reporting period is the month. */
    int y, m, d;
    hss_civil_from_days(day, &y, &m, &d);
    hss_day_format(day + hss_month_days(y, m), as_of);
    if (!plan_is_reviewer(who))
        return hss_fail(err, HSS_EDENIED, "the bulletin needs the role admin or planner");
    char city[16];
    hss_code rc = plan_db_city(st, city, err);
    if (rc)
        return rc;
    county_score *c = NULL;
    size_t n = 0;
    hss_table *ind = NULL, *tasks = NULL, *rects = NULL;
    hss_plan_task_filter f = {NULL, NULL, NULL, 0, as_of};
    target_source ts;
    target_source_of(st, &ts);
    if ((rc = score_counties(st, city, month, &ts, &c, &n, &ind, err)) || (rc = hss_plan_tasks_list(st, who, &f, &tasks, err)) ||
        (rc = hss_plan_rect_list(st, who, "open", as_of, &rects, err)))
        goto done;
    char prev[8];
    previous_ranks(st, month, c, n, prev);
    char region[128];
    plan_db_area_name(st, city, region, sizeof region);
    *html = render(region, month, c, n, prev, &ts, ind, tasks, rects, plan_db_generated(st));
    /* Keep this month's ranking for the next bulletin's change column, audited. */
    char *ranking = ranking_json(c, n), at[21];
    hss_utc_timestamp(at);
    if ((rc = hss_store_begin(st, err)) == HSS_OK) {
        rc = plan_db_bulletin_save(st, month, at, ranking, err);
        if (rc == HSS_OK)
            rc = plan_db_audit(st, who, "bulletin", month, "monthly bulletin made", err);
        rc = rc ? (hss_store_rollback(st), rc) : hss_store_commit(st, err);
    }
    free(ranking);
    if (rc) {
        free(*html);
        *html = NULL;
    }
done:
    free(ts.pack);
    free(c);
    hss_table_free(ind);
    hss_table_free(tasks);
    hss_table_free(rects);
    return rc;
}

hss_code hss_plan_bulletin_pdf(const char *html_path, const char *pdf_path, hss_error *err)
{
    const char *chromium = getenv("CHROMIUM");
    if (!chromium)
        chromium = access("/usr/bin/chromium", X_OK) == 0 ? "/usr/bin/chromium" : "chromium";
    char out_arg[1100], url[1100];
    snprintf(out_arg, sizeof out_arg, "--print-to-pdf=%s", pdf_path);
    snprintf(url, sizeof url, "file://%s", html_path);
    fflush(NULL); /* the child must not write the parent's buffered output again */
    pid_t pid = fork();
    if (pid < 0)
        return hss_fail(err, HSS_EIO, "cannot start chromium");
    if (pid == 0) {
        /* chromium chatters on stderr about D-Bus and GPUs; the caller reports the outcome */
        if (!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(127);
        execlp(chromium, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               out_arg, url, (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return hss_fail(err, HSS_EIO, "chromium did not finish");
    if (WEXITSTATUS(status) == 127)
        return hss_fail(err, HSS_ENOTFOUND, "chromium is not installed: the bulletin is written as HTML only");
    if (WEXITSTATUS(status) != 0 || access(pdf_path, R_OK) != 0)
        return hss_fail(err, HSS_EIO, "chromium could not print %s to PDF", html_path);
    return HSS_OK;
}
