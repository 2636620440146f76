/*
 * csv.c: a strict RFC 4180 reader. Imports of health data must never guess: a malformed record
 * is an error naming file and line, not a silently shifted column. The whole input is held in
 * memory (files are read once, gzip-transparent), and fields are decoded into one buffer per
 * record whose offsets the accessors return.
 */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

struct hss_csv {
    char *name;         /* file name used in messages */
    char *owned;        /* file contents when we read the file ourselves */
    const char *data;   /* input bytes */
    size_t len, pos;    /* input length and read position */
    size_t line;        /* current physical line (1-based) */
    size_t record_line; /* line where the current record started */
    char **header;      /* header names */
    size_t ncols;
    hss_buf fields;     /* decoded fields of the current record, each NUL-terminated */
    size_t *offsets;    /* start of each field in `fields` */
    size_t noffsets, cap_offsets;
};

static hss_csv *csv_new(const char *name)
{
    hss_csv *c = hss_xcalloc(1, sizeof *c);
    c->name = hss_xstrdup(name);
    c->line = 1;
    hss_buf_init(&c->fields);
    return c;
}

hss_csv *hss_csv_open_file(const char *path, hss_error *err)
{
    size_t len;
    char *data = hss_read_file(path, &len, err);
    if (!data)
        return NULL;
    const char *base = strrchr(path, '/');
    hss_csv *c = csv_new(base ? base + 1 : path);
    c->owned = data;
    c->data = data;
    c->len = len;
    return c;
}

hss_csv *hss_csv_open_mem(const char *name, const char *data, size_t len)
{
    hss_csv *c = csv_new(name);
    c->data = data;
    c->len = len;
    return c;
}

void hss_csv_close(hss_csv *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ncols; i++)
        free(c->header[i]);
    free(c->header);
    free(c->offsets);
    hss_buf_free(&c->fields);
    free(c->owned);
    free(c->name);
    free(c);
}

static void push_offset(hss_csv *c, size_t off)
{
    if (c->noffsets == c->cap_offsets) {
        c->cap_offsets = c->cap_offsets ? c->cap_offsets * 2 : 16;
        c->offsets = hss_xrealloc(c->offsets, c->cap_offsets * sizeof *c->offsets);
    }
    c->offsets[c->noffsets++] = off;
}

/* Parses one record into c->fields/c->offsets. Returns 1, 0 at EOF, -1 on error. */
static int parse_record(hss_csv *c, hss_error *err)
{
    hss_buf_reset(&c->fields);
    c->noffsets = 0;
    /* Skip blank lines between records (a trailing newline is common). */
    while (c->pos < c->len && (c->data[c->pos] == '\n' || c->data[c->pos] == '\r')) {
        if (c->data[c->pos] == '\n')
            c->line++;
        c->pos++;
    }
    if (c->pos >= c->len)
        return 0;
    c->record_line = c->line;
    for (;;) {
        push_offset(c, c->fields.len);
        size_t start = c->pos;
        if (c->pos < c->len && c->data[c->pos] == '"') {
            c->pos++;
            for (;;) {
                if (c->pos >= c->len)
                    return hss_fail(err, HSS_EINVAL, "%s:%zu: unterminated quoted field", c->name,
                                    c->record_line), -1;
                char ch = c->data[c->pos++];
                if (ch == '"') {
                    if (c->pos < c->len && c->data[c->pos] == '"') {
                        hss_buf_putc(&c->fields, '"');
                        c->pos++;
                        continue;
                    }
                    break;
                }
                if (ch == '\n')
                    c->line++;
                hss_buf_putc(&c->fields, ch);
            }
            if (c->pos < c->len && c->data[c->pos] != ',' && c->data[c->pos] != '\n' &&
                c->data[c->pos] != '\r')
                return hss_fail(err, HSS_EINVAL,
                                "%s:%zu: column %zu: unexpected character after closing quote",
                                c->name, c->line, c->noffsets), -1;
        } else {
            while (c->pos < c->len && c->data[c->pos] != ',' && c->data[c->pos] != '\n' &&
                   c->data[c->pos] != '\r') {
                if (c->data[c->pos] == '"')
                    return hss_fail(err, HSS_EINVAL,
                                    "%s:%zu: column %zu: stray quote in unquoted field", c->name,
                                    c->line, c->noffsets), -1;
                c->pos++;
            }
            hss_buf_append(&c->fields, c->data + start, c->pos - start);
        }
        const char *field = c->fields.data + c->offsets[c->noffsets - 1];
        size_t flen = c->fields.len - c->offsets[c->noffsets - 1];
        if (memchr(field, '\0', flen) || !hss_utf8_valid(field, flen))
            return hss_fail(err, HSS_EINVAL, "%s:%zu: column %zu: bad encoding (not UTF-8 text)",
                            c->name, c->record_line, c->noffsets), -1;
        hss_buf_putc(&c->fields, '\0');
        if (c->pos < c->len && c->data[c->pos] == ',') {
            c->pos++;
            continue;
        }
        if (c->pos < c->len && c->data[c->pos] == '\r')
            c->pos++;
        if (c->pos < c->len && c->data[c->pos] == '\n') {
            c->pos++;
            c->line++;
        }
        return 1;
    }
}

hss_code hss_csv_read_header(hss_csv *c, hss_error *err)
{
    if (c->len >= 3 && memcmp(c->data, "\xEF\xBB\xBF", 3) == 0)
        c->pos = 3;
    int r = parse_record(c, err);
    if (r < 0)
        return err ? err->code : HSS_EINVAL;
    if (r == 0)
        return hss_fail(err, HSS_EINVAL, "%s: empty file (no header row)", c->name);
    c->ncols = c->noffsets;
    c->header = hss_xcalloc(c->ncols, sizeof *c->header);
    for (size_t i = 0; i < c->ncols; i++) {
        const char *h = c->fields.data + c->offsets[i];
        if (!*h)
            return hss_fail(err, HSS_EINVAL, "%s:1: header column %zu is empty", c->name, i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->header[j], h) == 0)
                return hss_fail(err, HSS_EINVAL, "%s:1: header column '%s' appears twice",
                                c->name, h);
        c->header[i] = hss_xstrdup(h);
    }
    return HSS_OK;
}

int hss_csv_next(hss_csv *c, hss_error *err)
{
    int r = parse_record(c, err);
    if (r <= 0)
        return r;
    if (c->noffsets != c->ncols) {
        hss_fail(err, HSS_EINVAL, "%s:%zu: expected %zu fields as in the header, found %zu",
                 c->name, c->record_line, c->ncols, c->noffsets);
        return -1;
    }
    return 1;
}

size_t hss_csv_ncols(const hss_csv *c) { return c->ncols; }
const char *hss_csv_header(const hss_csv *c, size_t col) { return col < c->ncols ? c->header[col] : NULL; }
size_t hss_csv_line(const hss_csv *c) { return c->record_line; }
const char *hss_csv_name(const hss_csv *c) { return c->name; }

int hss_csv_col(const hss_csv *c, const char *name)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (strcmp(c->header[i], name) == 0)
            return (int)i;
    return -1;
}

const char *hss_csv_field(const hss_csv *c, size_t col)
{
    if (col >= c->noffsets)
        return "";
    return c->fields.data + c->offsets[col];
}

const char *hss_csv_get(const hss_csv *c, const char *name)
{
    int i = hss_csv_col(c, name);
    return i < 0 ? NULL : hss_csv_field(c, (size_t)i);
}

hss_code hss_csv_require(hss_csv *c, const char *const *required, hss_error *err)
{
    for (size_t i = 0; required[i]; i++)
        if (hss_csv_col(c, required[i]) < 0)
            return hss_fail(err, HSS_EINVAL, "%s:1: missing required column '%s'", c->name,
                            required[i]);
    return HSS_OK;
}

void hss_csv_write_field(FILE *out, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}
