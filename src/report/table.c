/*
 * table.c: the result table and its text, CSV and JSON renderers. JSON goes through cJSON so
 * that escaping is never hand-rolled.
 */
#include "report/report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name, *label;
    hss_col_type type;
    int repeats;      /* cells share one copy of a value repeated from row to row */
    const char *last; /* that copy (in the pool) */
} column;

struct hss_table {
    column *cols;
    size_t ncols;
    char **cells; /* row-major; NULL = null; every cell points into pool */
    size_t nrows, cap_rows;
    /* Every cell's text, copied into large blocks freed with the table (a province's findings
     * have a million cells). A cell set twice leaves its first copy unused until then. */
    hss_strpool pool;
};

int hss_format_parse(const char *s, hss_format *out)
{
    if (strcmp(s, "table") == 0)
        *out = HSS_FORMAT_TABLE;
    else if (strcmp(s, "csv") == 0)
        *out = HSS_FORMAT_CSV;
    else if (strcmp(s, "json") == 0)
        *out = HSS_FORMAT_JSON;
    else
        return -1;
    return 0;
}

hss_table *hss_table_new(void)
{
    return hss_xcalloc(1, sizeof(hss_table));
}

void hss_table_free(hss_table *t)
{
    if (!t)
        return;
    free(t->cells);
    hss_strpool_free(&t->pool);
    for (size_t c = 0; c < t->ncols; c++) {
        free(t->cols[c].name);
        free(t->cols[c].label);
    }
    free(t->cols);
    free(t);
}

size_t hss_table_add_col(hss_table *t, const char *name, const char *label, hss_col_type type)
{
    t->cols = hss_xrealloc(t->cols, (t->ncols + 1) * sizeof *t->cols);
    t->cols[t->ncols].name = hss_xstrdup(name);
    t->cols[t->ncols].label = hss_xstrdup(label ? label : name);
    t->cols[t->ncols].type = type;
    t->cols[t->ncols].repeats = 0;
    t->cols[t->ncols].last = NULL;
    return t->ncols++;
}

void hss_table_col_repeats(hss_table *t, size_t col)
{
    if (t->nrows == 0)
        t->cols[col].repeats = 1;
}

void hss_table_add_row(hss_table *t)
{
    if (t->nrows == t->cap_rows) {
        size_t used = t->cap_rows * t->ncols * sizeof *t->cells;
        t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 64;
        t->cells = hss_xgrow_large(t->cells, used, t->cap_rows * t->ncols * sizeof *t->cells);
    }
    memset(t->cells + t->nrows * t->ncols, 0, t->ncols * sizeof *t->cells);
    t->nrows++;
}

hss_table *hss_table_page(const hss_table *t, size_t offset, size_t limit)
{
    hss_table *o = hss_table_new();
    for (size_t c = 0; c < t->ncols; c++)
        hss_table_add_col(o, t->cols[c].name, t->cols[c].label, t->cols[c].type);
    for (size_t r = offset; r < t->nrows && r - offset < limit; r++) {
        hss_table_add_row(o);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *v = t->cells[r * t->ncols + c];
            o->cells[(o->nrows - 1) * o->ncols + c] = v ? hss_strpool_copy(&o->pool, v) : NULL;
        }
    }
    return o;
}

static char **cell(hss_table *t, size_t col)
{
    return &t->cells[(t->nrows - 1) * t->ncols + col];
}

void hss_table_set_text(hss_table *t, size_t col, const char *s)
{
    char **c = cell(t, col);
    column *k = &t->cols[col];
    if (!k->repeats) {
        *c = s ? hss_strpool_copy(&t->pool, s) : NULL;
        return;
    }
    if (s && (!k->last || strcmp(k->last, s) != 0))
        k->last = hss_strpool_copy(&t->pool, s);
    *c = s ? (char *)k->last : NULL;
}

/* n's decimal digits, written backwards from the end of tmp, without snprintf (a worklist
 * page and a findings table write many): the start of the text. */
static char *int_text(long long n, char tmp[32])
{
    char *p = tmp + 32;
    *--p = '\0';
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (n < 0)
        *--p = '-';
    return p;
}

void hss_table_set_int(hss_table *t, size_t col, long long v)
{
    char tmp[32];
    hss_table_set_text(t, col, int_text(v, tmp));
}

void hss_table_set_real(hss_table *t, size_t col, double v, int decimals)
{
    char tmp[64];
    /* A whole number (most counts and targets) prints as its digits, as below it would after
     * trimming; without snprintf, which a findings table calls a quarter of a million times. */
    if (v > -1e15 && v < 1e15 && v == (double)(long long)v) { /* (NaN fails the first test) */
        hss_table_set_text(t, col, int_text((long long)v, tmp));
        return;
    }
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    /* Trim trailing zeros so 2.50 prints as 2.5 and 3.00 as 3. */
    if (strchr(tmp, '.')) {
        size_t n = strlen(tmp);
        while (n > 0 && tmp[n - 1] == '0')
            tmp[--n] = '\0';
        if (n > 0 && tmp[n - 1] == '.')
            tmp[--n] = '\0';
    }
    if (strcmp(tmp, "-0") == 0)
        strcpy(tmp, "0");
    hss_table_set_text(t, col, tmp);
}

void hss_table_set_null(hss_table *t, size_t col)
{
    hss_table_set_text(t, col, NULL);
}

size_t hss_table_rows(const hss_table *t) { return t->nrows; }
size_t hss_table_cols(const hss_table *t) { return t->ncols; }
const char *hss_table_col_name(const hss_table *t, size_t col) { return t->cols[col].name; }

const char *hss_table_cell(const hss_table *t, size_t row, size_t col)
{
    const char *c = t->cells[row * t->ncols + col];
    return c ? c : "";
}

int hss_table_is_null(const hss_table *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col] == NULL;
}

size_t hss_display_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            w++;
            p++;
        } else if ((*p & 0xE0) == 0xC0) {
            w++;
            p += 2;
        } else if ((*p & 0xF0) == 0xE0) {
            w += 2; /* CJK and fullwidth punctuation live in the 3-byte range */
            p += 3;
        } else {
            w += 2;
            p += 4;
        }
    }
    return w;
}

static void write_text(const hss_table *t, FILE *out)
{
    size_t *w = hss_xcalloc(t->ncols ? t->ncols : 1, sizeof *w);
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = hss_display_width(t->cols[c].label);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t cw = hss_display_width(hss_table_cell(t, r, c));
            if (cw > w[c])
                w[c] = cw;
        }
    }
    for (int pass = -1; pass < (int)t->nrows; pass++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = pass < 0 ? t->cols[c].label : hss_table_cell(t, (size_t)pass, c);
            size_t pad = w[c] - hss_display_width(s);
            int right = pass >= 0 && t->cols[c].type != HSS_COL_TEXT;
            if (right)
                fprintf(out, "%*s", (int)pad, "");
            fputs(s, out);
            if (c + 1 < t->ncols)
                fprintf(out, "%*s", (int)(right ? 2 : pad + 2), "");
        }
        fputc('\n', out);
    }
    free(w);
}

static void write_csv(const hss_table *t, FILE *out)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            fputc(',', out);
        hss_csv_write_field(out, t->cols[c].name);
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                fputc(',', out);
            hss_csv_write_field(out, hss_table_cell(t, r, c));
        }
        fputc('\n', out);
    }
}

static cJSON *to_json(const hss_table *t)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t r = 0; r < t->nrows; r++) {
        cJSON *o = cJSON_CreateObject();
        for (size_t c = 0; c < t->ncols; c++) {
            const char *v = t->cells[r * t->ncols + c];
            cJSON *item;
            if (!v)
                item = cJSON_CreateNull();
            else if (t->cols[c].type == HSS_COL_TEXT)
                item = cJSON_CreateString(v);
            else
                item = cJSON_CreateRaw(v); /* already a valid JSON number from set_int/set_real */
            cJSON_AddItemToObject(o, t->cols[c].name, item);
        }
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

char *hss_table_render(const hss_table *t, hss_format fmt)
{
    if (fmt == HSS_FORMAT_JSON) {
        cJSON *j = to_json(t);
        char *s = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        return s;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    hss_table_write(t, fmt, f);
    fclose(f);
    return buf;
}

void hss_table_write(const hss_table *t, hss_format fmt, FILE *out)
{
    switch (fmt) {
    case HSS_FORMAT_TABLE:
        write_text(t, out);
        break;
    case HSS_FORMAT_CSV:
        write_csv(t, out);
        break;
    case HSS_FORMAT_JSON: {
        cJSON *j = to_json(t);
        char *s = cJSON_Print(j);
        fputs(s, out);
        fputc('\n', out);
        cJSON_free(s);
        cJSON_Delete(j);
        break;
    }
    }
}

void hss_html_escape(hss_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': hss_buf_puts(b, "&lt;"); break;
        case '>': hss_buf_puts(b, "&gt;"); break;
        case '&': hss_buf_puts(b, "&amp;"); break;
        case '"': hss_buf_puts(b, "&quot;"); break;
        case '\'': hss_buf_puts(b, "&#39;"); break;
        default: hss_buf_putc(b, *s);
        }
    }
}

hss_col_type hss_table_col_type(const hss_table *t, size_t col)
{
    return t->cols[col].type;
}
