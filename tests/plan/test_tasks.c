/* test_tasks.c: plan tasks through the real `hss` binary: a hand-made pack's task list loads with
 * its units (each county expanded, idempotent); responsible units' accounts report progress
 * with evidence files (type by content, size limit, nothing half-stored when one file is
 * refused), a reviewer returns and accepts, overdue and stale flags, the download audited, and
 * every refusal audited. */
#include "plan_fixture.h"

static const char TASKS[] =
    "tasks:\n"
    "  - id: t.901.city\n    document: 901_test.txt\n    quote: \"全市统筹建设\"\n"
    "    title: {zh: 全市统筹, en: city-wide}\n    target: {zh: 建成, en: built}\n"
    "    year: 2024\n    lead: 市卫生健康委\n    units: [市卫生健康委, 市财政局]\n    area: city\n"
    "  - id: t.901.county\n    document: 901_test.txt\n    quote: \"各县达到90%\"\n"
    "    title: {zh: 县域覆盖, en: county coverage}\n    target: {zh: 达到90%, en: 90%}\n"
    "    value: 90\n    unit: {zh: \"%\", en: \"%\"}\n"
    "    year: 2030\n    lead: 市卫生健康委\n    units: [县卫生健康局]\n    area: each_county\n";

static char *dir, *db, *pack, *pdf, *png, *fake;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = fixture_db(dir);
    char *text = hss_xmalloc(sizeof PLAN_PACK + sizeof TASKS);
    snprintf(text, sizeof PLAN_PACK + sizeof TASKS, "%s%s", PLAN_PACK, TASKS);
    pack = hss_test_write(dir, "plantest.yaml", text);
    free(text);
    pdf = hss_test_write(dir, "进展.pdf", "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
    png = hss_test_write(dir, "photo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    fake = hss_test_write(dir, "fake.pdf", "<html>not a pdf</html>");
    char *out;
    const char *users[] = {"caizheng --role unit --unit 市财政局 --scope 331100",
                           "jiaqu --role unit --unit 县卫生健康局 --scope 331102",
                           "guihua --role planner --scope 331100"};
    for (size_t i = 0; i < 3; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "echo password123 | %s user add %s --password-stdin --db %s 2>&1", hss_test_bin(), users[i], db);
        if (hss_test_run(cmd, &out) != 0)
            fail_msg("user add: %s", out);
        free(out);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(dir);
    free(db);
    free(pack);
    free(pdf);
    free(png);
    free(fake);
    return 0;
}

static cJSON *list_json(const char *args)
{
    char *out;
    if (plan_run(&out, "tasks list --db %s --format json %s", db, args) != 0)
        fail_msg("tasks list: %s", out);
    cJSON *a = cJSON_Parse(out);
    if (!a)
        fail_msg("not JSON: %s", out);
    free(out);
    return a;
}

static const char *field(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static cJSON *find(cJSON *arr, const char *id)
{
    cJSON *it;
    cJSON_ArrayForEach(it, arr) if (strcmp(field(it, "id"), id) == 0) return it;
    fail_msg("no task %s", id);
    return NULL;
}

static void load_tasks(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(plan_run(&out, "tasks load --db %s --policy %s", db, pack), 0);
    assert_non_null(strstr(out, "loaded 6 tasks")); /* 1 city-wide + 5 counties */
    free(out);
    assert_int_equal(plan_run(&out, "tasks load --db %s --policy %s", db, pack), 0); /* idempotent */
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_task"), 6);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_task_unit"), 2 + 5 * 2);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='tasks_load'"), 2);

    cJSON *a = list_json("");
    assert_int_equal(cJSON_GetArraySize(a), 6);
    cJSON *city = find(a, "t.901.city");
    assert_string_equal(field(city, "area"), "331100");
    assert_string_equal(field(city, "area_name"), "测试市");
    assert_string_equal(field(city, "lead"), "市卫生健康委");
    assert_string_equal(field(city, "units"), "市卫生健康委、市财政局");
    assert_string_equal(field(city, "quote"), "全市统筹建设");
    assert_string_equal(field(city, "document_title"), "测试文件");
    assert_string_equal(field(city, "due"), "2024-12-31");
    assert_true(num(city, "overdue") == 1); /* 2024 has passed */
    assert_true(num(city, "stale") == 1);   /* never reported */
    cJSON *jia = find(a, "t.901.county@331102");
    assert_string_equal(field(jia, "area_name"), "甲区");
    assert_string_equal(field(jia, "units"), "市卫生健康委、县卫生健康局");
    assert_true(num(jia, "value") == 90);
    assert_true(num(jia, "overdue") == 0);
    cJSON_Delete(a);
    /* filters: by unit, overdue only, and the unit's own view */
    a = list_json("--unit 市财政局");
    assert_int_equal(cJSON_GetArraySize(a), 1);
    cJSON_Delete(a);
    a = list_json("--overdue");
    assert_int_equal(cJSON_GetArraySize(a), 1);
    cJSON_Delete(a);
    a = list_json("--user jiaqu");
    assert_int_equal(cJSON_GetArraySize(a), 1);
    assert_string_equal(field(cJSON_GetArrayItem(a, 0), "id"), "t.901.county@331102");
    cJSON_Delete(a);
    assert_int_equal(plan_run(&out, "tasks list --db %s --status nonsense", db), 1);
    free(out);
}

static void report_review_attachment(void **state)
{
    (void)state;
    char *out, today[11];
    hss_plan_today(today);
    long long audits = db_query_int(db, "SELECT count(*) FROM audit");
    assert_int_equal(plan_run(&out, "tasks report --db %s --user caizheng --task t.901.city --date %s "
                                    "--status in_progress --narrative 已拨付资金 --file %s --file %s",
                              db, today, pdf, png), 0);
    assert_non_null(strstr(out, "stored with 2 files"));
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_report WHERE unit='市财政局' AND county='331100'"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_attachment WHERE mime='application/pdf' AND name='进展.pdf'"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_attachment WHERE mime='image/png'"), 1);
    /* one audit row for the report and its files */
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit"), audits + 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='report_add' AND user_name='caizheng'"), 1);

    /* the reported task is no longer stale; still overdue (not done) */
    cJSON *a = list_json("");
    cJSON *city = find(a, "t.901.city");
    assert_true(num(city, "stale") == 0);
    assert_true(num(city, "overdue") == 1);
    assert_string_equal(field(city, "last_review"), "pending");
    cJSON_Delete(a);

    /* review: returning needs a note; a unit cannot review */
    assert_int_equal(plan_run(&out, "tasks review --db %s --user guihua --report 1 --return", db), 1);
    assert_non_null(strstr(out, "needs a note"));
    free(out);
    assert_int_equal(plan_run(&out, "tasks review --db %s --user caizheng --report 1 --accept", db), 1);
    assert_non_null(strstr(out, "admin or planner"));
    free(out);
    assert_int_equal(plan_run(&out, "tasks review --db %s --user guihua --report 1 --return --note 缺少拨付凭证", db), 0);
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_task WHERE id='t.901.city' AND status='not_started'"), 1);
    assert_int_equal(plan_run(&out, "tasks review --db %s --user guihua --report 1 --accept", db), 1);
    assert_non_null(strstr(out, "returned already"));
    free(out);

    /* a second report, done, accepted: the task is done and no longer overdue */
    assert_int_equal(plan_run(&out, "tasks report --db %s --user caizheng --task t.901.city --date %s "
                                    "--status done --narrative 已完成 --file %s", db, today, pdf), 0);
    free(out);
    assert_int_equal(plan_run(&out, "tasks review --db %s --user guihua --report 2 --accept", db), 0);
    free(out);
    a = list_json("--status done");
    assert_int_equal(cJSON_GetArraySize(a), 1);
    assert_true(num(cJSON_GetArrayItem(a, 0), "overdue") == 0);
    cJSON_Delete(a);

    /* reports of the task, newest first, with their files */
    assert_int_equal(plan_run(&out, "tasks reports --db %s --task t.901.city --format json", db), 0);
    cJSON *r = cJSON_Parse(out);
    assert_int_equal(cJSON_GetArraySize(r), 2);
    assert_string_equal(field(cJSON_GetArrayItem(r, 0), "review"), "accepted");
    assert_string_equal(field(cJSON_GetArrayItem(r, 1), "review_note"), "缺少拨付凭证");
    assert_non_null(strstr(field(cJSON_GetArrayItem(r, 1), "attachments"), "\"name\":\"photo.png\""));
    cJSON_Delete(r);
    free(out);

    /* the download: the same bytes, audited; not for a unit the task does not name */
    char path[1024];
    snprintf(path, sizeof path, "%s/got.pdf", dir);
    assert_int_equal(plan_run(&out, "tasks attachment --db %s --user guihua --id 1 --output %s", db, path), 0);
    free(out);
    size_t n1, n2;
    hss_error err;
    char *a1 = hss_read_file(pdf, &n1, &err), *a2 = hss_read_file(path, &n2, &err);
    assert_int_equal(n1, n2);
    assert_memory_equal(a1, a2, n1);
    free(a1);
    free(a2);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='attachment_read' AND user_name='guihua' "
                                        "AND target='attachment 1'"), 1);
    assert_int_equal(plan_run(&out, "tasks attachment --db %s --user jiaqu --id 1 --output %s", db, path), 1);
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='attachment_read_refused' AND user_name='jiaqu'"), 1);
}

static void refused_reports(void **state)
{
    (void)state;
    char *out, today[11];
    hss_plan_today(today);
    long long reports = db_query_int(db, "SELECT count(*) FROM plan_report"),
              files = db_query_int(db, "SELECT count(*) FROM plan_attachment");
    /* a text file named .pdf */
    assert_int_equal(plan_run(&out, "tasks report --db %s --user jiaqu --task t.901.county@331102 --date %s "
                                    "--status in_progress --value 50 --narrative x --file %s", db, today, fake), 1);
    assert_non_null(strstr(out, "fake.pdf: not a PDF, PNG, JPEG or XLSX file"));
    free(out);
    /* one good file and one bad: nothing of the report is stored */
    assert_int_equal(plan_run(&out, "tasks report --db %s --user jiaqu --task t.901.county@331102 --date %s "
                                    "--status in_progress --narrative x --file %s --file %s", db, today, pdf, fake), 1);
    free(out);
    /* over 20 MB, though a PDF by its first bytes */
    char big[1024];
    snprintf(big, sizeof big, "%s/big.pdf", dir);
    FILE *f = fopen(big, "wb");
    fputs("%PDF-1.4\n", f);
    assert_int_equal(fseek(f, HSS_PLAN_MAX_FILE, SEEK_SET), 0);
    fputc('\n', f);
    fclose(f);
    assert_int_equal(plan_run(&out, "tasks report --db %s --user jiaqu --task t.901.county@331102 --date %s "
                                    "--status in_progress --narrative x --file %s", db, today, big), 1);
    assert_non_null(strstr(out, "a file must hold 1 byte to 20 MB"));
    free(out);
    unlink(big);
    /* another county's copy, a task not naming the unit, a future date, no narrative */
    assert_int_equal(plan_run(&out, "tasks report --db %s --user jiaqu --task t.901.county@331124 --date %s "
                                    "--status in_progress --narrative x", db, today), 1);
    assert_non_null(strstr(out, "does not name 县卫生健康局"));
    free(out);
    assert_int_equal(plan_run(&out, "tasks report --db %s --user jiaqu --task t.901.city --date %s "
                                    "--status in_progress --narrative x", db, today), 1);
    free(out);
    assert_int_equal(plan_run(&out, "tasks report --db %s --user jiaqu --task t.901.county@331102 --date 2099-01-01 "
                                    "--status in_progress --narrative x", db), 1);
    assert_non_null(strstr(out, "not after today"));
    free(out);
    assert_int_equal(plan_run(&out, "tasks report --db %s --user guihua --task t.901.city --date %s "
                                    "--status done --narrative x", db, today), 1);
    assert_non_null(strstr(out, "role unit"));
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_report"), reports);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_attachment"), files);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='report_add_refused'"), 7);
    /* the unit's own task, correctly */
    assert_int_equal(plan_run(&out, "tasks report --db %s --user jiaqu --task t.901.county@331102 --date %s "
                                    "--status in_progress --value 50 --narrative 覆盖率达到50%% --file %s", db, today, png), 0);
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_report WHERE county='331102' AND value=50"), 1);
}

static void sniff(void **state)
{
    (void)state;
    assert_string_equal(hss_plan_sniff((const unsigned char *)"%PDF-1.7", 8), "application/pdf");
    assert_string_equal(hss_plan_sniff((const unsigned char *)"\xff\xd8\xff\xe0", 4), "image/jpeg");
    static const char xlsx[] = "PK\x03\x04....[Content_Types].xml....xl/workbook.xml";
    assert_non_null(strstr(hss_plan_sniff((const unsigned char *)xlsx, sizeof xlsx - 1), "spreadsheetml"));
    static const char docx[] = "PK\x03\x04....[Content_Types].xml....word/document.xml";
    assert_null(hss_plan_sniff((const unsigned char *)docx, sizeof docx - 1));
    assert_null(hss_plan_sniff((const unsigned char *)"%PD", 3));
    assert_null(hss_plan_sniff((const unsigned char *)"GIF89a", 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_tasks),
        cmocka_unit_test(report_review_attachment),
        cmocka_unit_test(refused_reports),
        cmocka_unit_test(sniff),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
