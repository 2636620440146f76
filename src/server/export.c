/*
 * export.c: a result table as a download: CSV (UTF-8 with a BOM so that Excel shows Chinese)
 * or XLSX written by libxlsxwriter to a private temporary file, typed by column. Headings and
 * coded values are in the user's language (words.c): a Chinese export has Chinese headings, the
 * names rather than the machine ids beside them, and 达标/未达标 rather than pass/fail.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "model/model.h"
#include "server/server_int.h"

static char *xlsx_bytes(const hss_table *t, size_t *len)
{
    const char *tmp = getenv("TMPDIR");
    char path[600];
    snprintf(path, sizeof path, "%s/hss-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    char *data = NULL;
    if (wb) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
        lxw_format *bold = workbook_add_format(wb);
        format_set_bold(bold);
        for (size_t c = 0; c < hss_table_cols(t); c++)
            worksheet_write_string(ws, 0, (lxw_col_t)c, hss_table_col_name(t, c), bold);
        for (size_t r = 0; r < hss_table_rows(t); r++) {
            for (size_t c = 0; c < hss_table_cols(t); c++) {
                if (hss_table_is_null(t, r, c))
                    continue;
                const char *v = hss_table_cell(t, r, c);
                if (hss_table_col_type(t, c) != HSS_COL_TEXT)
                    worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, atof(v), NULL);
                else
                    worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, v, NULL);
            }
        }
        if (workbook_close(wb) == LXW_NO_ERROR)
            data = hss_read_file(path, len, NULL);
    }
    unlink(path);
    return data;
}

/* A cell as the user reads it: a status or a coded vocabulary value in Chinese. */
static const char *cell_text(const char *col, const char *v, int en)
{
    static const char *const STATUS[][2] = {{"pass", "达标"}, {"fail", "未达标"}, {"unknown", "无法判断"}};
    if (en)
        return v;
    if (strcmp(col, "status") == 0)
        for (size_t i = 0; i < 3; i++)
            if (strcmp(v, STATUS[i][0]) == 0)
                return STATUS[i][1];
    if (strcmp(col, "grade") == 0)
        return strcmp(v, "none") == 0 ? "" : hss_model_zh(HSS_VOCAB_GRADE, v);
    if (strcmp(col, "ownership") == 0)
        return hss_model_zh(HSS_VOCAB_OWNERSHIP, v);
    return v;
}

/* A copy for the user: headings in the language and the columns of that language (words.c),
 * coded values in words, and text cells that a spreadsheet would run as a formula (=, +, -, @,
 * tab, CR first) starting with an apostrophe instead in a CSV (formula injection; an XLSX cell
 * is typed, never a formula). Numbers are left alone. */
static hss_table *for_user(const hss_table *t, int en, int defuse)
{
    hss_table *o = hss_table_new();
    size_t keep[128], n = 0;
    for (size_t c = 0; c < hss_table_cols(t) && n < 128; c++) {
        const char *heading = hss_words_heading(t, c, en);
        if (!heading)
            continue;
        keep[n++] = c;
        hss_table_add_col(o, heading, NULL, hss_table_col_type(t, c));
    }
    hss_buf b;
    hss_buf_init(&b);
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        hss_table_add_row(o);
        for (size_t k = 0; k < n; k++) {
            size_t c = keep[k];
            if (hss_table_is_null(t, r, c))
                continue;
            const char *v = cell_text(hss_table_col_name(t, c), hss_table_cell(t, r, c), en);
            if (defuse && hss_table_col_type(t, c) == HSS_COL_TEXT && v[0] && strchr("=+-@\t\r", v[0])) {
                hss_buf_reset(&b);
                hss_buf_putc(&b, '\'');
                hss_buf_puts(&b, v);
                hss_table_set_text(o, k, b.data);
            } else {
                hss_table_set_text(o, k, v);
            }
        }
    }
    hss_buf_free(&b);
    return o;
}

/* Every download is audited here, once, with its row count ("export 3 facilities"): the
 * endpoints that export never write their own row. */
static void audit_export(hss_req *r, const hss_table *t, const char *basename, int xlsx)
{
    char what[32], detail[96];
    snprintf(what, sizeof what, "%.*s", (int)strcspn(basename, "-"), basename);
    snprintf(detail, sizeof detail, "export %zu %s (%s)", hss_table_rows(t), what, xlsx ? "xlsx" : "csv");
    hss_auth_audit_log(r->st, r->user, r->ip, "read", r->url, 200, detail, NULL);
}

enum MHD_Result hss_respond_table_file(hss_req *r, const hss_table *t, const char *basename, int xlsx)
{
    audit_export(r, t, basename, xlsx);
    char disp[200];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", basename, xlsx ? "xlsx" : "csv");
    const char *h[] = {"Content-Disposition", disp, NULL};
    hss_table *safe = for_user(t, hss_lang_en(r), !xlsx);
    if (xlsx) {
        size_t len = 0;
        char *data = xlsx_bytes(safe, &len);
        hss_table_free(safe);
        if (!data)
            return hss_respond_error(r, 500, "could not write the XLSX file");
        enum MHD_Result ret = hss_respond(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                          data, len, h);
        free(data);
        return ret;
    }
    char *csv = hss_table_render(safe, HSS_FORMAT_CSV);
    hss_table_free(safe);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_puts(&b, "\xEF\xBB\xBF");
    hss_buf_puts(&b, csv ? csv : "");
    free(csv);
    enum MHD_Result ret = hss_respond(r, 200, "text/csv; charset=utf-8", b.data, b.len, h);
    hss_buf_free(&b);
    return ret;
}
