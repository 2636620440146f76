/*
 * mem.c: checked allocation, growable vectors, the string pool and string buffers.
 */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "hss: out of memory (requested %zu bytes)\n", n);
    abort();
}

void *hss_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *hss_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *hss_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

void *hss_xmalloc_large(size_t n)
{
    enum { HUGE_PAGE = 2 << 20 };
    if (n < HUGE_PAGE)
        return hss_xmalloc(n);
    size_t size = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    void *p;
    if (posix_memalign(&p, HUGE_PAGE, size) != 0)
        out_of_memory(n);
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* a hint: without huge pages the memory works the same */
#endif
    return p;
}

void *hss_xgrow_large(void *p, size_t used, size_t n)
{
    void *q = hss_xmalloc_large(n);
    if (used)
        memcpy(q, p, used);
    free(p);
    return q;
}

char *hss_xstrdup(const char *s)
{
    return hss_xstrndup(s, strlen(s));
}

char *hss_xstrndup(const char *s, size_t n)
{
    char *d = hss_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void hss_vec_init(hss_vec *v, size_t item_size)
{
    v->items = NULL;
    v->len = v->cap = 0;
    v->item_size = item_size;
}

void *hss_vec_push(hss_vec *v)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = hss_xrealloc(v->items, v->cap * v->item_size);
    }
    void *slot = (char *)v->items + v->len * v->item_size;
    memset(slot, 0, v->item_size);
    v->len++;
    return slot;
}

void hss_vec_free(hss_vec *v)
{
    free(v->items);
    v->items = NULL;
    v->len = v->cap = 0;
}

struct hss_strblock {
    struct hss_strblock *next;
    size_t used, cap;
    char s[];
};

void hss_strpool_init(hss_strpool *p, size_t first_block)
{
    p->head = NULL;
    p->first = first_block;
}

/* A new block with room for at least n bytes: twice the last one, from the first block's size
 * up to 2 MiB (header included, so that a full-size block is exactly one huge page). */
static struct hss_strblock *strpool_grow(hss_strpool *p, size_t n)
{
    enum { FIRST = 4096, MOST = 2 << 20 };
    struct hss_strblock *b = p->head;
    size_t size = b ? 2 * (sizeof *b + b->cap) : p->first > sizeof *b ? p->first : FIRST;
    size_t cap = (size < MOST ? size : MOST) - sizeof *b;
    if (cap < n)
        cap = n;
    b = hss_xmalloc_large(sizeof *b + cap);
    b->next = p->head;
    b->used = 0;
    b->cap = cap;
    p->head = b;
    return b;
}

char *hss_strpool_copyn(hss_strpool *p, const char *s, size_t n)
{
    struct hss_strblock *b = p->head;
    if (!b || b->cap - b->used < n + 1)
        b = strpool_grow(p, n + 1);
    char *out = b->s + b->used;
    if (n)
        memcpy(out, s, n);
    out[n] = '\0';
    b->used += n + 1;
    return out;
}

char *hss_strpool_copy(hss_strpool *p, const char *s)
{
    return hss_strpool_copyn(p, s, strlen(s));
}

void hss_strpool_free(hss_strpool *p)
{
    for (struct hss_strblock *b = p->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    p->head = NULL;
}

void hss_buf_init(hss_buf *b)
{
    b->data = hss_xmalloc(64);
    b->data[0] = '\0';
    b->len = 0;
    b->cap = 64;
}

void hss_buf_free(hss_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void hss_buf_reset(hss_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void buf_reserve(hss_buf *b, size_t extra)
{
    if (!b->data)
        hss_buf_init(b);
    if (b->len + extra + 1 > b->cap) {
        while (b->len + extra + 1 > b->cap)
            b->cap *= 2;
        b->data = hss_xrealloc(b->data, b->cap);
    }
}

void hss_buf_append(hss_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void hss_buf_puts(hss_buf *b, const char *s)
{
    hss_buf_append(b, s, strlen(s));
}

void hss_buf_putc(hss_buf *b, char c)
{
    hss_buf_append(b, &c, 1);
}

void hss_buf_printf(hss_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

char *hss_buf_steal(hss_buf *b)
{
    if (!b->data)
        hss_buf_init(b);
    char *d = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}
