/*
 * text.c: UTF-8 validation, edit distance for "did you mean" hints, strict number parsing,
 * whole-file reading (gzip-transparent) and a monotonic clock.
 */
#include "base/base.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

int hss_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

void hss_text_escape_controls(const char *s, char *out, size_t n)
{
    size_t w = 0;
    if (!n)
        return;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        size_t need = (c < 0x20 || c == 0x7f) ? 4 : 1;
        if (w + need >= n) {
            /* out of room inside a character: drop its leading bytes too */
            if ((c & 0xC0) == 0x80) {
                while (w > 0 && ((unsigned char)out[w - 1] & 0xC0) == 0x80)
                    w--;
                if (w > 0 && ((unsigned char)out[w - 1] & 0xC0) == 0xC0)
                    w--;
            }
            break;
        }
        if (need == 4)
            w += (size_t)snprintf(out + w, n - w, "\\x%02X", c);
        else
            out[w++] = (char)c;
    }
    out[w] = 0;
}

const char *hss_text_shown(const char *s, char *buf, size_t n)
{
    size_t keep = 0, len = s ? strlen(s) : 0;
    while (keep < len && keep < 80)
        keep++;
    while (keep < len && keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--; /* do not cut a character */
    char *part = hss_xstrndup(s ? s : "", keep);
    hss_text_escape_controls(part, buf, n > 4 ? n - 4 : n);
    free(part);
    if (keep < len)
        strcat(buf, "...");
    return buf;
}

int hss_text_has_control(const char *s, size_t n, int allow_tab)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(allow_tab && c == '\t')) || c == 0x7f)
            return 1;
    }
    return 0;
}

size_t hss_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = hss_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

const char *hss_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = hss_edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* A typo is a few edits; beyond a third of the word it is a different word. */
    size_t limit = strlen(word) / 3 + 1;
    if (limit > 4)
        limit = 4;
    return best && best_d <= limit ? best : NULL;
}

int hss_parse_int64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int hss_parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

char *hss_read_file(const char *path, size_t *len, hss_error *err)
{
    gzFile f = gzopen(path, "rb"); /* reads plain files unchanged */
    if (!f) {
        hss_fail(err, HSS_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    hss_buf b;
    hss_buf_init(&b);
    char chunk[65536];
    int n;
    while ((n = gzread(f, chunk, sizeof chunk)) > 0)
        hss_buf_append(&b, chunk, (size_t)n);
    int errnum = 0;
    const char *zmsg = gzerror(f, &errnum);
    if (n < 0 || (errnum != Z_OK && errnum != Z_BUF_ERROR)) {
        hss_fail(err, HSS_EIO, "%s: read failed: %s", path, zmsg);
        gzclose(f);
        hss_buf_free(&b);
        return NULL;
    }
    gzclose(f);
    if (len)
        *len = b.len;
    return hss_buf_steal(&b);
}

double hss_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
