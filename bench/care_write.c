/* care_write.c: frontline load on `hss serve` (in process, real HTTP on 127.0.0.1): CLIENTS
 * concurrent clients (64) for SECONDS (60), each alternately recording a follow-up
 * (POST /api/v1/care/followups with a fresh request_id) and reading its team's worklist
 * (GET /api/v1/care/worklist, its first page of 50 rows as the screen reads it), as the
 * doctors of one county's teams. Prints writes per second and p50/p99 of each kind, and the
 * errors (target: none, p99 < 50 ms for both).
 * usage: care_write DB [SECONDS] [CLIENTS] [SERVER_THREADS]. Writes into DB: give it a copy.
 * With HSS_BENCH_PORT set, the clients go to the `hss serve --db DB` already listening on that
 * port of 127.0.0.1 instead (bench/province.sh), and SERVER_THREADS is the server's business. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/server.h"

typedef struct patient {
    long long resident;
    int diabetes;
    char team[64];
} patient;

static int port, seconds = 60;
static char cookie[200], csrf[100];
static patient *pts;
static size_t npts;
static char demo_date[11];
/* answers other than 200 by status (index 0: no answer at all), shown when a run has errors */
static long bad_status[600];
static pthread_mutex_t bad_mu = PTHREAD_MUTEX_INITIALIZER;

static void count_bad(int status)
{
    pthread_mutex_lock(&bad_mu);
    bad_status[status > 0 && status < 600 ? status : 0]++;
    pthread_mutex_unlock(&bad_mu);
}

typedef struct lat {
    double *v;
    size_t n, cap;
    long errors;
} lat;

static void lat_add(lat *l, double ms)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4096;
        l->v = hss_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = ms;
}

/* A client's connection to the server. Doctors' browsers keep their connection open
 * (HTTP/1.1 persistent connections), so the clients do too; KEEPALIVE=0 in the environment
 * makes them open a connection per request, as this bench did before, to compare. */
typedef struct conn {
    int fd;
    char in[65536]; /* bytes read past the end of the previous answer (none with HTTP/1.1 use) */
    size_t have;
} conn;

static int keepalive = 1;

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->have = 0;
}

static int conn_open(conn *c)
{
    c->have = 0;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        conn_close(c);
        return -1;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

/* Reads more bytes into c->in; 0 when the peer closed or failed. */
static size_t conn_fill(conn *c)
{
    if (c->have == sizeof c->in)
        return 0;
    ssize_t n = recv(c->fd, c->in + c->have, sizeof c->in - c->have, 0);
    if (n <= 0)
        return 0;
    c->have += (size_t)n;
    return (size_t)n;
}

/* Moves n bytes from the front of c->in to body. */
static void conn_take(conn *c, size_t n, hss_buf *body)
{
    hss_buf_append(body, c->in, n);
    memmove(c->in, c->in + n, c->have - n);
    c->have -= n;
}

/* Moves the next n bytes of the answer to body, reading as they come. */
static int conn_take_n(conn *c, size_t n, hss_buf *body)
{
    while (n) {
        if (!c->have && !conn_fill(c))
            return -1;
        size_t k = c->have < n ? c->have : n;
        conn_take(c, k, body);
        n -= k;
    }
    return 0;
}

/* Reads the chunked body that follows the head into body. */
static int read_chunked(conn *c, hss_buf *body)
{
    for (;;) {
        char *eol;
        while (!(eol = memmem(c->in, c->have, "\r\n", 2)))
            if (!conn_fill(c))
                return -1;
        size_t size = strtoul(c->in, NULL, 16), skip = (size_t)(eol - c->in) + 2;
        memmove(c->in, c->in + skip, c->have - skip);
        c->have -= skip;
        if (conn_take_n(c, size, body))
            return -1;
        while (c->have < 2) /* the chunk's CRLF (no trailers from the server) */
            if (!conn_fill(c))
                return -1;
        memmove(c->in, c->in + 2, c->have - 2);
        c->have -= 2;
        if (size == 0)
            return 0;
    }
}

/* Reads one answer: its head and body into body (the body after the head, as before); returns
 * the status, -1 when the connection failed before the answer was whole. */
static int read_answer(conn *c, hss_buf *body, int *close_after)
{
    char *end;
    while (!(end = memmem(c->in, c->have, "\r\n\r\n", 4)))
        if (!conn_fill(c))
            return -1;
    size_t head = (size_t)(end - c->in) + 4;
    char h[8192];
    snprintf(h, sizeof h, "%.*s", (int)(head < sizeof h ? head : sizeof h - 1), c->in);
    for (char *q = h; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    int status = atoi(h + 9);
    *close_after = strstr(h, "\r\nconnection: close") != NULL;
    const char *cl = strstr(h, "\r\ncontent-length:");
    int chunked = strstr(h, "\r\ntransfer-encoding: chunked") != NULL;
    conn_take(c, head, body);
    if (chunked)
        return read_chunked(c, body) ? -1 : status;
    if (!cl) { /* the body runs to the end of the connection */
        while (conn_fill(c))
            conn_take(c, c->have, body);
        conn_take(c, c->have, body);
        *close_after = 1;
        return status;
    }
    return conn_take_n(c, strtoul(cl + 17, NULL, 10), body) ? -1 : status;
}

/* One request on the client's connection (opened when there is none, once more when a kept
 * connection turns out to have been closed by the server); returns the HTTP status (-1 on
 * failure) and the answer. */
static int request(conn *c, const char *req, size_t len, hss_buf *body)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int reused = c->fd >= 0;
        if (!reused && conn_open(c))
            return -1;
        size_t off = 0;
        while (off < len) {
            ssize_t w = send(c->fd, req + off, len - off, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        hss_buf_reset(body);
        int close_after = 1;
        int st = off == len ? read_answer(c, body, &close_after) : -1;
        if (st < 0 || close_after || !keepalive)
            conn_close(c);
        if (st >= 0 || !reused)
            return st;
    }
    return -1;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

typedef struct worker {
    int id;
    lat w, r;
} worker;

static void *run(void *arg)
{
    worker *k = arg;
    hss_buf req, body;
    conn c = {.fd = -1};
    const char *hdr = keepalive ? "" : "Connection: close\r\n";
    hss_buf_init(&req);
    hss_buf_init(&body);
    unsigned seed = (unsigned)k->id * 7919u + 1;
    double end = now_ms() + seconds * 1000.0;
    for (long i = 0; now_ms() < end; i++) {
        patient *p = &pts[rand_r(&seed) % npts];
        char json[400];
        if (p->diabetes)
            snprintf(json, sizeof json, "{\"request_id\":\"bench-%d-%ld\",\"resident\":%lld,\"disease\":\"diabetes\",\"date\":\"%s\","
                     "\"glucose\":%.1f}", k->id, i, p->resident, demo_date, 5.0 + (rand_r(&seed) % 40) / 10.0);
        else
            snprintf(json, sizeof json, "{\"request_id\":\"bench-%d-%ld\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"%s\","
                     "\"sbp\":%d,\"dbp\":%d}", k->id, i, p->resident, demo_date, 120 + rand_r(&seed) % 50, 70 + rand_r(&seed) % 25);
        hss_buf_reset(&req);
        hss_buf_printf(&req, "POST /api/v1/care/followups HTTP/1.1\r\nHost: x\r\n%sCookie: hss_session=%s\r\n"
                             "X-CSRF-Token: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                       hdr, cookie, csrf, strlen(json), json);
        double t = now_ms();
        int st = request(&c, req.data, req.len, &body);
        lat_add(&k->w, now_ms() - t);
        if (st != 200) {
            k->w.errors++;
            count_bad(st);
        }
        hss_buf_reset(&req);
        hss_buf_printf(&req, "GET /api/v1/care/worklist?team=%s&limit=50 HTTP/1.1\r\nHost: x\r\n%sCookie: hss_session=%s\r\n\r\n",
                       p->team, hdr, cookie);
        t = now_ms();
        st = request(&c, req.data, req.len, &body);
        lat_add(&k->r, now_ms() - t);
        if (st != 200) {
            k->r.errors++;
            count_bad(st);
        }
    }
    conn_close(&c);
    hss_buf_free(&req);
    hss_buf_free(&body);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, lat *all, double secs)
{
    qsort(all->v, all->n, sizeof *all->v, cmp);
    double p50 = all->n ? all->v[all->n / 2] : 0, p99 = all->n ? all->v[(size_t)(all->n * 0.99)] : 0;
    printf("%-28s %8zu requests  %8.1f /s  p50 %7.2f ms  p99 %7.2f ms  errors %ld\n", what, all->n, all->n / secs, p50, p99,
           all->errors);
    if (getenv("TAIL") && all->n) /* where the tail comes from: a broad queue or a few stalls */
        printf("%-28s p90 %7.2f ms  p99.9 %7.2f ms  max %7.2f ms\n", "", all->v[(size_t)(all->n * 0.9)],
               all->v[(size_t)(all->n * 0.999)], all->v[all->n - 1]);
}

/* The patients of the county with the most enrolments, and a doctor of one of its teams. */
static int setup(const char *db)
{
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open(db, &err);
    if (!st) {
        fprintf(stderr, "care_write: %s\n", err.msg);
        return -1;
    }
    char *d = hss_store_meta_get(st, "care_demo_date");
    snprintf(demo_date, sizeof demo_date, "%s", d ? d : "2025-12-31");
    free(d);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT e.resident_id,CASE WHEN e.disease='diabetes' THEN 1 ELSE 0 END,min(tv.team_code),e.county_code "
        "FROM care_enrolment e JOIN care_team_village tv ON tv.village_code=e.village_code "
        "WHERE e.county_code=(SELECT county_code FROM care_enrolment GROUP BY county_code "
        "ORDER BY count(*) DESC, county_code LIMIT 1) "
        "AND e.enrolled_on<=? GROUP BY e.id,e.resident_id,e.disease,e.county_code ORDER BY e.id LIMIT 200000", &err);
    if (!s)
        return -1;
    hss_store_bind_text(s, 1, demo_date);
    size_t cap = 1024;
    pts = hss_xmalloc(cap * sizeof *pts);
    char county[8] = "";
    while (hss_store_step(s) == HSS_ROW) {
        if (npts == cap)
            pts = hss_xrealloc(pts, (cap *= 2) * sizeof *pts);
        pts[npts].resident = hss_store_col_int64(s, 0);
        pts[npts].diabetes = hss_store_col_int(s, 1);
        snprintf(pts[npts].team, sizeof pts[npts].team, "%s", hss_store_col_text(s, 2));
        snprintf(county, sizeof county, "%s", hss_store_col_text(s, 3));
        npts++;
    }
    hss_store_finalize(s);
    /* an admin of the county: records for every team of it (a doctor is limited to one team) */
    if (!npts || hss_auth_user_add(st, "bench-care", "admin", county, "bench-care-pass", &err)) {
        fprintf(stderr, "care_write: %s\n", npts ? err.msg : "no enrolled patients in the database");
        return -1;
    }
    hss_store_close(st);
    printf("care_write: %zu patients of county %s, visits dated %s\n", npts, county, demo_date);
    return 0;
}

static int do_login(void)
{
    const char *body = "{\"username\":\"bench-care\",\"password\":\"bench-care-pass\"}";
    char req[600];
    int n = snprintf(req, sizeof req, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                                      "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    hss_buf b;
    conn cn = {.fd = -1};
    hss_buf_init(&b);
    int st = request(&cn, req, (size_t)n, &b);
    conn_close(&cn);
    const char *c = st == 200 ? strstr(b.data, "hss_session=") : NULL, *j = c ? strstr(b.data, "\"csrf\":\"") : NULL;
    if (c)
        sscanf(c, "hss_session=%199[0-9a-f]", cookie);
    if (j)
        sscanf(j, "\"csrf\":\"%99[0-9a-f]", csrf);
    hss_buf_free(&b);
    return cookie[0] && csrf[0] ? 0 : -1;
}

static int run_clients(hss_server *srv, int server_port, int clients);

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: care_write DB [SECONDS] [CLIENTS] [SERVER_THREADS]\n");
        return 2;
    }
    seconds = argc > 2 ? atoi(argv[2]) : 60;
    const char *ka = getenv("KEEPALIVE");
    keepalive = !(ka && strcmp(ka, "0") == 0);
    int clients = argc > 3 ? atoi(argv[3]) : 64;
    if (setup(argv[1]))
        return 1;
    const char *ext = getenv("HSS_BENCH_PORT");
    if (ext && *ext)
        return run_clients(NULL, atoi(ext), clients);
    hss_server_config cfg = {0};
    cfg.db_path = argv[1];
    cfg.threads = argc > 4 ? atoi(argv[4]) : 0;
    /* 64 doctors from 64 clinics: on 127.0.0.1 they share one address, so the per-address
     * connection limit (32 by default, against one client exhausting the server) is lifted (a
     * closed connection counts until the server has cleaned it up) */
    cfg.conn_per_ip = 4 * clients;
    hss_error err;
    hss_error_clear(&err);
    hss_server *srv = hss_server_start(&cfg, &err);
    if (!srv) {
        fprintf(stderr, "care_write: %s\n", err.msg);
        return 1;
    }
    return run_clients(srv, hss_server_port(srv), clients);
}

/* Logs in, runs the clients against the server on `server_port` and prints the figures;
 * stops `srv` (when it is ours) once the clients are done. */
static int run_clients(hss_server *srv, int server_port, int clients)
{
    port = server_port;
    if (do_login()) {
        fprintf(stderr, "care_write: login failed\n");
        if (srv)
            hss_server_stop(srv);
        return 1;
    }
    worker *w = hss_xcalloc((size_t)clients, sizeof *w);
    pthread_t *th = hss_xcalloc((size_t)clients, sizeof *th);
    double t0 = now_ms();
    for (int i = 0; i < clients; i++) {
        w[i].id = i;
        pthread_create(&th[i], NULL, run, &w[i]);
    }
    for (int i = 0; i < clients; i++)
        pthread_join(th[i], NULL);
    double secs = (now_ms() - t0) / 1000.0;
    if (srv)
        hss_server_stop(srv);
    lat wa = {0}, ra = {0};
    for (int i = 0; i < clients; i++) {
        for (size_t j = 0; j < w[i].w.n; j++)
            lat_add(&wa, w[i].w.v[j]);
        for (size_t j = 0; j < w[i].r.n; j++)
            lat_add(&ra, w[i].r.v[j]);
        wa.errors += w[i].w.errors;
        ra.errors += w[i].r.errors;
        free(w[i].w.v);
        free(w[i].r.v);
    }
    printf("%d clients for %.1f s:\n", clients, secs);
    report("POST /care/followups", &wa, secs);
    report("GET /care/worklist", &ra, secs);
    for (int i = 0; i < 600; i++)
        if (bad_status[i])
            printf("  %ld answers %s %d\n", bad_status[i], i ? "with status" : "missing", i);
    free(wa.v);
    free(ra.v);
    free(w);
    free(th);
    free(pts);
    return wa.errors || ra.errors ? 1 : 0;
}
