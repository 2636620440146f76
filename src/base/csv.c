/*
 * csv.c: a strict RFC 4180 reader. Imports of health data must never guess: a malformed record
 * is an error naming file, line and column, not a silently shifted column. Files are streamed
 * (gzip-transparent) through a 64 KiB window, and every field is bounded (HSS_CSV_FIELD_MAX
 * unless set lower), so a file with a gigabyte-long field fails fast, at its line and column,
 * in bounded memory. Fields are decoded into one buffer per record whose offsets the accessors
 * return.
 */
#include "base/base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define WINDOW (64u * 1024)

struct hss_csv {
    char *name;         /* file name used in messages */
    gzFile gz;          /* the file, when streaming one */
    char *window;       /* its current window */
    size_t wlen, wpos;  /* bytes in the window and read position */
    const char *mem;    /* or the input in memory */
    size_t mlen, mpos;
    int read_error;     /* the file could not be read to its end */
    size_t line;        /* current physical line (1-based) */
    size_t record_line; /* line where the current record started */
    char **header;      /* header names */
    size_t ncols;
    size_t max_field;   /* longest field in bytes */
    int strict_text;    /* refuse control characters (and so line breaks) in fields */
    hss_buf fields;     /* decoded fields of the current record, each NUL-terminated */
    size_t *offsets;    /* start of each field in `fields` */
    size_t noffsets, cap_offsets;
};

static hss_csv *csv_new(const char *name)
{
    hss_csv *c = hss_xcalloc(1, sizeof *c);
    c->name = hss_xstrdup(name);
    c->line = 1;
    c->max_field = HSS_CSV_FIELD_MAX;
    hss_buf_init(&c->fields);
    return c;
}

hss_csv *hss_csv_open_file(const char *path, hss_error *err)
{
    gzFile gz = gzopen(path, "rb"); /* reads plain files unchanged */
    if (!gz) {
        hss_fail(err, HSS_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    gzbuffer(gz, WINDOW);
    const char *base = strrchr(path, '/');
    hss_csv *c = csv_new(base ? base + 1 : path);
    c->gz = gz;
    c->window = hss_xmalloc(WINDOW);
    return c;
}

hss_csv *hss_csv_open_mem(const char *name, const char *data, size_t len)
{
    hss_csv *c = csv_new(name);
    c->mem = data;
    c->mlen = len;
    return c;
}

void hss_csv_limit(hss_csv *c, size_t max_field, int strict_text)
{
    if (max_field && max_field < HSS_CSV_FIELD_MAX)
        c->max_field = max_field;
    c->strict_text = strict_text;
}

/* The next input byte without consuming it, or -1 at the end. */
static int peek(hss_csv *c)
{
    if (!c->gz)
        return c->mpos < c->mlen ? (unsigned char)c->mem[c->mpos] : -1;
    if (c->wpos == c->wlen) {
        if (c->read_error)
            return -1;
        int n = gzread(c->gz, c->window, WINDOW);
        c->wpos = 0;
        c->wlen = n > 0 ? (size_t)n : 0;
        if (n < 0)
            c->read_error = 1;
        if (n <= 0)
            return -1;
    }
    return (unsigned char)c->window[c->wpos];
}

static void advance(hss_csv *c)
{
    if (c->gz)
        c->wpos++;
    else
        c->mpos++;
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
    if (c->gz)
        gzclose(c->gz);
    free(c->window);
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

/* "column 3 (name)" when the header is known, else "column 3". */
static void column_name(const hss_csv *c, size_t col, char *out, size_t n)
{
    if (col >= 1 && col <= c->ncols)
        snprintf(out, n, "column %zu (%.60s)", col, c->header[col - 1]);
    else
        snprintf(out, n, "column %zu", col);
}

static int field_fail(hss_csv *c, hss_error *err, size_t line, const char *why)
{
    char col[100];
    column_name(c, c->noffsets, col, sizeof col);
    hss_fail(err, HSS_EINVAL, "%s:%zu: %s: %s", c->name, line, col, why);
    return -1;
}

/* Appends one decoded byte of the current field; -1 (err set) when it makes the field too
 * long or is a control character where text must have none. */
static int put_byte(hss_csv *c, hss_error *err, int ch, size_t start)
{
    if (c->fields.len >= 16 * (size_t)HSS_CSV_FIELD_MAX)
        return field_fail(c, err, c->line, "record longer than 1 MiB (the limit)");
    if (c->fields.len - start >= c->max_field) {
        char why[120];
        snprintf(why, sizeof why, "field longer than %zu bytes (the limit)", c->max_field);
        return field_fail(c, err, c->line, why);
    }
    if (c->strict_text && (ch < 0x20 || ch == 0x7f)) {
        char why[120];
        snprintf(why, sizeof why, "control character 0x%02X (tab, line break, escape ...) in a field", ch);
        return field_fail(c, err, c->line, why);
    }
    hss_buf_putc(&c->fields, (char)ch);
    return 0;
}

/* A quoted field, the opening quote consumed. Returns 0, or -1 with err set. */
static int quoted_field(hss_csv *c, hss_error *err, size_t start)
{
    for (;;) {
        int ch = peek(c);
        if (ch < 0)
            return hss_fail(err, HSS_EINVAL, "%s:%zu: unterminated quoted field", c->name, c->record_line), -1;
        advance(c);
        if (ch == '"') {
            if (peek(c) == '"') {
                advance(c);
                if (put_byte(c, err, '"', start))
                    return -1;
                continue;
            }
            break;
        }
        if (put_byte(c, err, ch, start))
            return -1;
        if (ch == '\n')
            c->line++;
    }
    int ch = peek(c);
    if (ch >= 0 && ch != ',' && ch != '\n' && ch != '\r')
        return hss_fail(err, HSS_EINVAL, "%s:%zu: column %zu: unexpected character after closing quote", c->name,
                        c->line, c->noffsets), -1;
    return 0;
}

static int plain_field(hss_csv *c, hss_error *err, size_t start)
{
    int ch;
    while ((ch = peek(c)) >= 0 && ch != ',' && ch != '\n' && ch != '\r') {
        if (ch == '"')
            return hss_fail(err, HSS_EINVAL, "%s:%zu: column %zu: stray quote in unquoted field", c->name, c->line,
                            c->noffsets), -1;
        advance(c);
        if (put_byte(c, err, ch, start))
            return -1;
    }
    return 0;
}

/* Parses one record into c->fields/c->offsets. Returns 1, 0 at EOF, -1 on error. */
static int parse_record(hss_csv *c, hss_error *err)
{
    hss_buf_reset(&c->fields);
    c->noffsets = 0;
    /* Skip blank lines between records (a trailing newline is common). */
    int ch;
    while ((ch = peek(c)) == '\n' || ch == '\r') {
        if (ch == '\n')
            c->line++;
        advance(c);
    }
    if (ch < 0) {
        if (c->read_error)
            return hss_fail(err, HSS_EIO, "%s:%zu: read failed (a damaged or truncated file)", c->name, c->line), -1;
        return 0;
    }
    c->record_line = c->line;
    for (;;) {
        size_t start = c->fields.len;
        push_offset(c, start);
        if (c->noffsets > 4096)
            return hss_fail(err, HSS_EINVAL, "%s:%zu: more than 4096 fields in one record", c->name,
                            c->record_line), -1;
        int rc;
        if (peek(c) == '"') {
            advance(c);
            rc = quoted_field(c, err, start);
        } else {
            rc = plain_field(c, err, start);
        }
        if (rc)
            return -1;
        const char *field = c->fields.data ? c->fields.data + start : "";
        size_t flen = c->fields.len - start;
        if (memchr(field, '\0', flen) || !hss_utf8_valid(field, flen))
            return field_fail(c, err, c->record_line, "bad encoding (not UTF-8 text)");
        hss_buf_putc(&c->fields, '\0');
        ch = peek(c);
        if (ch == ',') {
            advance(c);
            continue;
        }
        if (ch == '\r') {
            advance(c);
            ch = peek(c);
        }
        if (ch == '\n') {
            advance(c);
            c->line++;
        }
        return 1;
    }
}

hss_code hss_csv_read_header(hss_csv *c, hss_error *err)
{
    /* A UTF-8 byte-order mark (Excel writes one) is skipped. */
    if (peek(c) == 0xEF) {
        const char *p = c->gz ? c->window + c->wpos : c->mem + c->mpos;
        size_t left = c->gz ? c->wlen - c->wpos : c->mlen - c->mpos;
        if (left >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            for (int i = 0; i < 3; i++)
                advance(c);
    }
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
