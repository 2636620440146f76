/*
 * base: the project's foundation with no domain knowledge. One error type for the whole
 * project, checked allocation, a growable string buffer, a strict CSV reader and small
 * text helpers (UTF-8 validation, "did you mean" suggestions). Every other module builds on it.
 */
#ifndef HSS_BASE_H
#define HSS_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- errors ------------------------------------------------------------------------------ */

/* Error codes. 0 is success; every fallible function returns one of these and fills an
 * hss_error with a message that names the cause (file:line, column, value, why). */
typedef enum {
    HSS_OK = 0,
    HSS_EINVAL,    /* bad input: malformed file, unknown code, impossible value */
    HSS_ENOTFOUND, /* a referenced thing does not exist */
    HSS_EIO,       /* file or network I/O failed */
    HSS_EDB,       /* the database refused or failed */
    HSS_ENOMEM,    /* allocation failed */
    HSS_ECONFLICT, /* state does not allow this (duplicate, invalid transition) */
    HSS_EDENIED,   /* not allowed for this user or scope */
    HSS_EUNKNOWN   /* anything else */
} hss_code;

typedef struct hss_error {
    hss_code code;  /* HSS_OK when nothing went wrong */
    char msg[1024]; /* human-readable cause; empty when code == HSS_OK */
} hss_error;

/* Sets err (if not NULL) and returns code, so callers can write `return hss_fail(...)`. */
hss_code hss_fail(hss_error *err, hss_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hss_error_clear(hss_error *err);
const char *hss_code_name(hss_code code);

/* ---- memory ------------------------------------------------------------------------------ */

/* Allocation that aborts with a message on exhaustion: a health-data import that cannot get
 * memory has no sensible way to continue, and checking every small allocation hides logic. */
void *hss_xmalloc(size_t n);
void *hss_xcalloc(size_t n, size_t size);
void *hss_xrealloc(void *p, size_t n);
/* Memory for a large array (a province's facilities, the cells of its findings): from 2 MiB on,
 * aligned to 2 MiB and marked for the kernel's transparent huge pages, so that first touching
 * it costs one page fault per 2 MiB instead of one per 4 KiB (on a virtual machine a fault
 * costs microseconds: 12 MB of facilities took 50 ms of faults). Freed with free(). */
void *hss_xmalloc_large(size_t n);
/* Grows p (its first `used` bytes kept) to n bytes of such memory; p is freed. */
void *hss_xgrow_large(void *p, size_t used, size_t n);
char *hss_xstrdup(const char *s);
char *hss_xstrndup(const char *s, size_t n);

/* Growable array of fixed-size items: `items` holds `len` of `cap` slots. */
typedef struct hss_vec {
    void *items;
    size_t len, cap, item_size;
} hss_vec;
void hss_vec_init(hss_vec *v, size_t item_size);
void *hss_vec_push(hss_vec *v); /* returns a zeroed new slot */
void hss_vec_free(hss_vec *v);
#define HSS_VEC_AT(v, type, i) (((type *)(v)->items)[(i)])

/* A pool of string copies freed all at once: many short strings (a table's cells, a region's
 * codes and names; a province has a million of them) go into a few large blocks, so there is
 * one allocation per block instead of one per string, the copies lie next to each other, and
 * each page is touched once. Blocks double up to 2 MiB, taken as huge pages (hss_xmalloc_large).
 * A zeroed pool is an empty one whose first block is 4 KiB (most pools are small). */
typedef struct hss_strpool {
    struct hss_strblock *head; /* the block being filled; earlier ones follow it */
    size_t first;              /* bytes of the first block; 0: 4 KiB */
} hss_strpool;
/* A pool known to grow to megabytes (a region's strings) starts with one huge page, so that
 * none of its pages is faulted in 4 KiB at a time. */
#define HSS_STRPOOL_LARGE ((size_t)2 << 20)
/* Empty pool whose first block is first_block bytes (0: 4 KiB; at most HSS_STRPOOL_LARGE). */
void hss_strpool_init(hss_strpool *p, size_t first_block);
/* A copy of s (NUL-terminated) that lives until hss_strpool_free. */
char *hss_strpool_copy(hss_strpool *p, const char *s);
/* A copy of the n bytes at s plus a NUL (s may hold NULs; it need not be terminated). */
char *hss_strpool_copyn(hss_strpool *p, const char *s, size_t n);
/* Frees every copy; the pool is empty again and can be reused. */
void hss_strpool_free(hss_strpool *p);

/* ---- strings ------------------------------------------------------------------------------- */

/* A growable, always NUL-terminated byte string. */
typedef struct hss_buf {
    char *data;
    size_t len, cap;
} hss_buf;
void hss_buf_init(hss_buf *b);
void hss_buf_free(hss_buf *b);
void hss_buf_reset(hss_buf *b);
void hss_buf_append(hss_buf *b, const char *s, size_t n);
void hss_buf_puts(hss_buf *b, const char *s);
void hss_buf_putc(hss_buf *b, char c);
void hss_buf_printf(hss_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *hss_buf_steal(hss_buf *b); /* returns data (caller frees) and resets b */

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int hss_utf8_valid(const char *s, size_t n);
/* Copies s into out (size n, always NUL-terminated, cut on a UTF-8 character boundary) with
 * every control byte (below 0x20, and DEL) written as \xHH, so that names typed by others can
 * be shown on a terminal or in a log without ANSI escapes or line breaks taking effect. */
void hss_text_escape_controls(const char *s, char *out, size_t n);
/* A value as quoted in a message: at most about 80 bytes of it (cut on a character boundary,
 * then "..."), control bytes as \xHH, so that a message naming a huge or hostile value is never
 * cut off and never carries escapes. Returns buf (at least 100 bytes). */
const char *hss_text_shown(const char *s, char *buf, size_t n);
/* 1 when s (n bytes) holds a control byte (below 0x20, or DEL); tab allowed when allow_tab. */
int hss_text_has_control(const char *s, size_t n, int allow_tab);
/* Levenshtein distance between two ASCII/UTF-8 byte strings. */
size_t hss_edit_distance(const char *a, const char *b);
/* The closest of `n` candidates to `word` if it is close enough to be a likely typo, else NULL. */
const char *hss_suggest(const char *word, const char *const *candidates, size_t n);

/* Strict number parsing: the whole string must be the number. Return 0 on success. */
int hss_parse_int64(const char *s, int64_t *out);
int hss_parse_double(const char *s, double *out);

/* ---- CSV --------------------------------------------------------------------------------- */

/* A strict RFC 4180 CSV reader. It reads a header row, then one record at a time; it rejects
 * invalid UTF-8, bare quotes inside unquoted fields, unterminated quotes and records whose
 * field count differs from the header, naming file:line in the error. A UTF-8 BOM is skipped. */
typedef struct hss_csv hss_csv;

/* The longest field any reader accepts (bytes); hss_csv_limit sets a lower one. */
#define HSS_CSV_FIELD_MAX (64u * 1024)

/* Streams the file (plain or gzip) through a bounded window. */
hss_csv *hss_csv_open_file(const char *path, hss_error *err);
/* Reads from memory (not copied: `data` must outlive the reader). `name` is used in errors. */
hss_csv *hss_csv_open_mem(const char *name, const char *data, size_t len);
void hss_csv_close(hss_csv *csv);
/* Bounds every field to max_field bytes (0 or over HSS_CSV_FIELD_MAX: that maximum) and, when
 * strict_text, refuses control characters (tab, line breaks, ESC ...) in any field, naming
 * file:line and column. Importers of records about people call this right after opening. */
void hss_csv_limit(hss_csv *csv, size_t max_field, int strict_text);
/* Reads the header. Returns HSS_OK, or an error for an empty file or a malformed header. */
hss_code hss_csv_read_header(hss_csv *csv, hss_error *err);
/* Reads the next record: 1 when a record was read, 0 at end of file, -1 on error (err set). */
int hss_csv_next(hss_csv *csv, hss_error *err);
size_t hss_csv_ncols(const hss_csv *csv);
const char *hss_csv_header(const hss_csv *csv, size_t col);
/* The index of a header column, or -1. */
int hss_csv_col(const hss_csv *csv, const char *name);
/* Field `col` of the current record (never NULL; "" when empty). */
const char *hss_csv_field(const hss_csv *csv, size_t col);
/* Field by header name, or NULL when the column is absent. */
const char *hss_csv_get(const hss_csv *csv, const char *name);
/* The physical line where the current record started (1-based, header is line 1). */
size_t hss_csv_line(const hss_csv *csv);
const char *hss_csv_name(const hss_csv *csv);
/* Checks that every column in `required` (NULL-terminated) is in the header. */
hss_code hss_csv_require(hss_csv *csv, const char *const *required, hss_error *err);

/* Writes one CSV field, quoted when needed. */
void hss_csv_write_field(FILE *out, const char *s);

/* ---- YAML documents -------------------------------------------------------------------- */

/* A YAML document loaded (with libyaml) into a plain tree that remembers the line of every
 * node, so that rule files (policy packs, indicator definitions, care rules) can report
 * "file:line: reason". Anchors and aliases are refused: rule files must read as written. */
typedef enum { HSS_YAML_SCALAR, HSS_YAML_SEQ, HSS_YAML_MAP } hss_yaml_type;

typedef struct hss_yaml {
    hss_yaml_type type;
    size_t line;             /* 1-based line where the node starts */
    char *scalar;            /* HSS_YAML_SCALAR: the text */
    char **keys;             /* HSS_YAML_MAP: keys[i] names items[i] */
    struct hss_yaml **items; /* HSS_YAML_SEQ / HSS_YAML_MAP children */
    size_t n;
} hss_yaml;

/* Loads the first document of a YAML file (or of `text` when text != NULL, named `name`). */
hss_yaml *hss_yaml_load(const char *name, const char *text, hss_error *err);
void hss_yaml_free(hss_yaml *y);
/* The value under `key` in a map, or NULL (also NULL when y is not a map). */
const hss_yaml *hss_yaml_get(const hss_yaml *y, const char *key);
/* The scalar under `key`, or NULL when absent or not a scalar. */
const char *hss_yaml_str(const hss_yaml *y, const char *key);

/* ---- deterministic random numbers ------------------------------------------------------ */

/* xoshiro256** seeded through splitmix64: the same seed gives the same generated data on
 * every machine, which is what makes demo regions reproducible and testable. */
typedef struct hss_rng {
    uint64_t s[4];
} hss_rng;
void hss_rng_seed(hss_rng *r, uint64_t seed);
uint64_t hss_rng_next(hss_rng *r);
double hss_rng_uniform(hss_rng *r);                 /* [0, 1) */
double hss_rng_normal(hss_rng *r);                  /* standard normal */
uint64_t hss_rng_below(hss_rng *r, uint64_t n);     /* [0, n), n > 0 */

/* ---- files ------------------------------------------------------------------------------- */

/* Reads a whole file (gzip-transparent when it ends in .gz). Caller frees. */
char *hss_read_file(const char *path, size_t *len, hss_error *err);

/* Monotonic clock in seconds, for progress and benchmarks. */
double hss_now(void);

/* ---- calendar days (date.c) ---------------------------------------------------------------- */

/* Day numbers count days since 1970-01-01 (day 0) in the proleptic Gregorian calendar, so
 * subtracting two gives the days between them; H. Hinnant's days-from-civil algorithm. */
long hss_days_from_civil(int y, int m, int d);
void hss_civil_from_days(long day, int *y, int *m, int *d);
/* Days in month m (1..12) of year y. */
int hss_month_days(int y, int m);
/* Writes day as "YYYY-MM-DD" (10 characters and a NUL). */
void hss_day_format(long day, char out[11]);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (20 characters and a NUL). */
void hss_utc_timestamp(char out[21]);

/* ---- splitmix64 (rng.c) ------------------------------------------------------------------- */

/* One step of splitmix64: advances *state and returns the next 64 random bits. Also seeds
 * hss_rng; generators that keep a single 64-bit state use it directly. */
uint64_t hss_splitmix64(uint64_t *state);

#endif
