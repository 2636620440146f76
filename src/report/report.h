/*
 * report: turns results into what users read. A result is an hss_table (named, typed columns
 * and rows of cells); one table renders as an aligned text table for the terminal, CSV,
 * JSON (an array of objects whose keys are the column names) or, for reports, HTML and XLSX.
 * Every command with --format goes through here so that all outputs agree.
 */
#ifndef HSS_REPORT_H
#define HSS_REPORT_H

#include <stdio.h>

#include "base/base.h"

typedef enum { HSS_COL_TEXT, HSS_COL_INT, HSS_COL_REAL } hss_col_type;

typedef enum { HSS_FORMAT_TABLE, HSS_FORMAT_CSV, HSS_FORMAT_JSON } hss_format;

typedef struct hss_table hss_table;

/* Parses "table", "csv" or "json". Returns 0 on success. */
int hss_format_parse(const char *s, hss_format *out);

hss_table *hss_table_new(void);
void hss_table_free(hss_table *t);
/* Adds a column: `name` is the machine key (CSV header, JSON key), `label` what the text table
 * shows (may be NULL to use name). Returns its index. Columns must be added before rows. */
size_t hss_table_add_col(hss_table *t, const char *name, const char *label, hss_col_type type);
/* Starts a new row; cells default to null (empty in CSV, null in JSON). */
void hss_table_add_row(hss_table *t);
/* Before the first row: the column's values mostly repeat from row to row (a rule's title on
 * each of its 30,000 findings), so equal consecutive values share one copy instead of one
 * allocation per cell. Reading is unchanged. */
void hss_table_col_repeats(hss_table *t, size_t col);
void hss_table_set_text(hss_table *t, size_t col, const char *s);
void hss_table_set_int(hss_table *t, size_t col, long long v);
/* Reals are written with up to `decimals` digits after the point. */
void hss_table_set_real(hss_table *t, size_t col, double v, int decimals);
void hss_table_set_null(hss_table *t, size_t col);

size_t hss_table_rows(const hss_table *t);
size_t hss_table_cols(const hss_table *t);
const char *hss_table_col_name(const hss_table *t, size_t col);
/* The cell text ("" for null) and whether it is null. */
const char *hss_table_cell(const hss_table *t, size_t row, size_t col);
int hss_table_is_null(const hss_table *t, size_t row, size_t col);

/* A new table with the same columns and rows [offset, offset + limit) of `t` (fewer at the end;
 * none past it): one page of a long result. */
hss_table *hss_table_page(const hss_table *t, size_t offset, size_t limit);

/* Renders to a stream. Text tables pad by display width (CJK counts two columns). */
void hss_table_write(const hss_table *t, hss_format fmt, FILE *out);
/* Renders to a malloc'd string. */
char *hss_table_render(const hss_table *t, hss_format fmt);

/* Display width of a UTF-8 string in terminal columns (wide CJK = 2). */
size_t hss_display_width(const char *s);
/* Appends s to b with HTML escaping. */
void hss_html_escape(hss_buf *b, const char *s);

/* The type of column `col` (added for typed XLSX export in server/). */
hss_col_type hss_table_col_type(const hss_table *t, size_t col);

#endif
