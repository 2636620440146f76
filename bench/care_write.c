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

/* One request on a fresh connection; returns the HTTP status (-1 on failure) and the body. */
static int request(const char *req, size_t len, hss_buf *body)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    hss_buf_reset(body);
    char chunk[16384];
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
        hss_buf_append(body, chunk, (size_t)n);
    close(fd);
    return body->len > 12 ? atoi(body->data + 9) : -1;
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
        hss_buf_printf(&req, "POST /api/v1/care/followups HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: hss_session=%s\r\n"
                             "X-CSRF-Token: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                       cookie, csrf, strlen(json), json);
        double t = now_ms();
        int st = request(req.data, req.len, &body);
        lat_add(&k->w, now_ms() - t);
        if (st != 200) {
            k->w.errors++;
            count_bad(st);
        }
        hss_buf_reset(&req);
        hss_buf_printf(&req, "GET /api/v1/care/worklist?team=%s&limit=50 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: hss_session=%s\r\n\r\n",
                       p->team, cookie);
        t = now_ms();
        st = request(req.data, req.len, &body);
        lat_add(&k->r, now_ms() - t);
        if (st != 200) {
            k->r.errors++;
            count_bad(st);
        }
    }
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
    if (!npts || hss_user_add(st, "bench-care", "admin", county, "bench-care-pass", &err)) {
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
    hss_buf_init(&b);
    int st = request(req, (size_t)n, &b);
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
