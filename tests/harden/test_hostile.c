/*
 * test_hostile.c (issue 19, parts 4, 5 and 7): the hostile-HTTP table
 * (tests/data/harden/hostile.tsv: each request and the status it must get, kept as data so that
 * a new case is one line), then what a table cannot say: out-of-scope residents answer byte for
 * byte alike whether registered or not; one client holding a thousand half-open connections
 * does not stop another's request; failed logins lock an account for the failing address only;
 * wrong old passwords on POST /password lock too. Real `hss serve` on 127.0.0.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>

#include "server/care_fixture.h"

static char *g_dir, *g_db;
static test_server g_srv;
static care_fixture g_fx;
static long long g_a_id;

typedef struct {
    const char *name, *pw;
    session s;
} test_user;

static test_user g_users[] = {
    {"admin", "admin-pass-1", {{0}, {0}}},
    {"liandu", "liandu-pass-1", {{0}, {0}}},
    {"qingtian", "qingtian-pass-1", {{0}, {0}}},
    {"resa", "resa-pass-123", {{0}, {0}}},
};

static session *who(const char *name)
{
    for (size_t i = 0; i < sizeof g_users / sizeof *g_users; i++)
        if (strcmp(g_users[i].name, name) == 0)
            return &g_users[i].s;
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    g_dir = hss_test_tmpdir();
    g_db = make_region_db(g_dir);
    add_care_data(g_dir, g_db, &g_fx);
    assert_int_equal(add_user(g_db, "admin", "admin", "331100", "admin-pass-1", NULL), 0);
    assert_int_equal(add_user(g_db, "liandu", "county", "331102", "liandu-pass-1", NULL), 0);
    assert_int_equal(add_user(g_db, "qingtian", "county", "331121", "qingtian-pass-1", NULL), 0);
    assert_int_equal(add_resident_user(g_db, "resa", g_fx.a, "resa-pass-123", NULL), 0);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT id FROM care_resident WHERE id_number='%s'", g_fx.a);
    g_a_id = db_query_int(g_db, sql);
    g_srv = start_server(g_db, NULL);
    for (size_t i = 0; i < sizeof g_users / sizeof *g_users; i++)
        assert_int_equal(login(g_srv.port, g_users[i].name, g_users[i].pw, &g_users[i].s), 200);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stop_server(&g_srv);
    free(g_db);
    free(g_dir);
    return 0;
}

/* {A} {B} {C} {UNKNOWN} {A_ID} in a path. */
static void expand(const char *in, char *out, size_t n)
{
    char unknown[19];
    make_id(unknown, "331102", "19800101", "777");
    char aid[32];
    snprintf(aid, sizeof aid, "%lld", g_a_id);
    const char *keys[] = {"{A}", g_fx.a, "{B}", g_fx.b, "{C}", g_fx.c, "{UNKNOWN}", unknown, "{A_ID}", aid};
    size_t w = 0;
    while (*in && w + 1 < n) {
        int hit = 0;
        for (size_t k = 0; k < sizeof keys / sizeof *keys && !hit; k += 2) {
            size_t kl = strlen(keys[k]);
            if (strncmp(in, keys[k], kl) == 0) {
                w += (size_t)snprintf(out + w, n - w, "%s", keys[k + 1]);
                in += kl;
                hit = 1;
            }
        }
        if (!hit)
            out[w++] = *in++;
    }
    out[w < n ? w : n - 1] = 0;
}

/* One table row as raw HTTP; returns the response. */
static void run_row(char **col, int ncol, http_resp *out)
{
    session *s = strcmp(col[0], "anon") ? who(col[0]) : NULL;
    char path[400];
    expand(col[2], path, sizeof path);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", col[1], path);
    if (s)
        hss_buf_printf(&b, "Cookie: hss_session=%s\r\n", s->token);
    int write = strcmp(col[1], "GET") != 0;
    if (s && write && strcmp(col[3], "NOCSRF") != 0)
        hss_buf_printf(&b, "X-CSRF-Token: %s\r\n", s->csrf);
    if (strcmp(col[3], "HDR100K") == 0) {
        hss_buf_puts(&b, "X-Padding: ");
        for (int i = 0; i < 100 * 1024; i++)
            hss_buf_putc(&b, 'a');
        hss_buf_puts(&b, "\r\n");
    } else if (strcmp(col[3], "-") != 0 && strcmp(col[3], "NOCSRF") != 0) {
        hss_buf_printf(&b, "%s\r\n", col[3]);
    }
    if (strcmp(col[4], "-") != 0)
        hss_buf_printf(&b, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", strlen(col[4]), col[4]);
    else
        hss_buf_puts(&b, write ? "Content-Length: 0\r\n\r\n" : "\r\n");
    http_raw(g_srv.port, b.data, b.len, out);
    hss_buf_free(&b);
    (void)ncol;
}

static void hostile_table(void **state)
{
    (void)state;
    size_t len;
    hss_error err;
    char *data = hss_read_file("tests/data/harden/hostile.tsv", &len, &err);
    assert_non_null(data);
    int rows = 0, bad = 0, lineno = 0;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        lineno++;
        if (line[0] == '#' || !line[0])
            continue;
        char *col[8] = {0};
        int n = 0;
        for (char *p = line; p && n < 8; n++) {
            col[n] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = 0;
        }
        assert_true(n >= 6);
        http_resp r;
        run_row(col, n, &r);
        rows++;
        int want = atoi(col[5]); /* "400|404": either is right */
        const char *alt = strchr(col[5], '|');
        int ok = r.status == want || (alt && r.status == atoi(alt + 1));
        for (char *leak = n > 6 ? col[6] : NULL; ok && leak && *leak;) {
            char *bar = strchr(leak, '|');
            char one[100];
            snprintf(one, sizeof one, "%.*s", (int)(bar ? bar - leak : (long)strlen(leak)), leak);
            if (strstr(r.body, one))
                ok = 0;
            leak = bar ? bar + 1 : NULL;
        }
        if (!ok) {
            fprintf(stderr, "hostile.tsv row %d: %s %s %s: got %d (want %d), body %.300s\n", rows, col[0], col[1],
                    col[2], r.status, want, r.body);
            bad++;
        }
        http_resp_free(&r);
    }
    free(data);
    fprintf(stderr, "hostile.tsv: %d requests, %d wrong\n", rows, bad);
    assert_true(rows >= 30);
    assert_int_equal(bad, 0);
}

/* Outside the scope, a registered and an unregistered resident get the same bytes. */
static void outside_answers_alike(void **state)
{
    (void)state;
    char unknown[19], p1[200], p2[200], p3[200];
    make_id(unknown, "331102", "19800101", "777");
    snprintf(p1, sizeof p1, "/api/v1/care/residents/%s", g_fx.a);
    snprintf(p2, sizeof p2, "/api/v1/care/residents/%s", unknown);
    snprintf(p3, sizeof p3, "/api/v1/care/residents/%lld", g_a_id);
    http_resp a, b, c, d;
    http_get(g_srv.port, p1, who("qingtian")->token, &a);
    http_get(g_srv.port, p2, who("qingtian")->token, &b);
    http_get(g_srv.port, p3, who("qingtian")->token, &c);
    http_get(g_srv.port, "/api/v1/care/residents/999999", who("qingtian")->token, &d);
    assert_int_equal(a.status, b.status);
    assert_int_equal(a.status, c.status);
    assert_int_equal(a.status, d.status);
    assert_string_equal(a.body, b.body);
    assert_string_equal(a.body, c.body);
    assert_string_equal(a.body, d.body);
    http_resp_free(&a);
    http_resp_free(&b);
    http_resp_free(&c);
    http_resp_free(&d);
}

/* A connected socket from source address src (127.0.0.x), non-blocking connect. */
static int connect_from(const char *src, int port, int nonblock)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in me = {0};
    me.sin_family = AF_INET;
    inet_pton(AF_INET, src, &me.sin_addr);
    assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof me), 0);
    if (nonblock)
        fcntl(fd, F_SETFL, O_NONBLOCK);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    assert_true(rc == 0 || (nonblock && errno == EINPROGRESS));
    return fd;
}

/* A full request from src; the status (or -1 when no answer came within 20 s, which the
 * server's own idle timeout must never need). */
static int status_from(const char *src, int port, const char *req)
{
    int fd = connect_from(src, port, 0);
    struct timeval tv = {20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    send(fd, req, strlen(req), MSG_NOSIGNAL);
    char buf[64] = "";
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    close(fd);
    if (n < 12)
        return -1;
    buf[n] = 0;
    return atoi(buf + 9);
}

static void half_open_flood_does_not_starve_others(void **state)
{
    (void)state;
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    enum { FLOOD = 1100 };
    if (rl.rlim_cur < FLOOD + 100) {
        rl.rlim_cur = rl.rlim_max < FLOOD + 100 ? rl.rlim_max : FLOOD + 100;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    assert_true(rl.rlim_cur >= FLOOD + 100);
    const char *extra[] = {"--threads", "2", NULL};
    test_server s = start_server(g_db, extra);
    static int fds[FLOOD];
    for (int i = 0; i < FLOOD; i++)
        fds[i] = connect_from("127.0.0.2", s.port, 1);
    /* each sends the start of a request and never finishes it */
    for (int i = 0; i < FLOOD; i++) {
        struct pollfd p = {fds[i], POLLOUT, 0};
        if (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT))
            send(fds[i], "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n", 34, MSG_NOSIGNAL);
    }
    int st = status_from("127.0.0.3", s.port, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < FLOOD; i++)
        close(fds[i]);
    stop_server(&s);
    assert_int_equal(st, 401);
}

static int login_from(const char *src, int port, const char *user, const char *pw)
{
    char body[200], req[600];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
    snprintf(req, sizeof req, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
    return status_from(src, port, req);
}

/* Five failures from one address lock the account there, not everywhere. */
static void lockout_cannot_lock_out_others(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        assert_int_equal(login_from("127.0.0.4", g_srv.port, "liandu", "wrong-password"), 401);
    assert_int_equal(login_from("127.0.0.4", g_srv.port, "liandu", "liandu-pass-1"), 429);
    assert_int_equal(login_from("127.0.0.1", g_srv.port, "liandu", "liandu-pass-1"), 200);
}

/* Wrong old passwords count as failed logins: the sixth try is 429, even with the right one. */
static void password_change_has_a_lockout(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login(g_srv.port, "qingtian", "qingtian-pass-1", &s), 200);
    http_resp r;
    for (int i = 0; i < 5; i++) {
        http_req(g_srv.port, "POST", "/api/v1/password", s.token, s.csrf,
                 "{\"old_password\":\"guess-guess\",\"new_password\":\"new-pass-123\"}", &r);
        assert_int_equal(r.status, 403);
        http_resp_free(&r);
    }
    http_req(g_srv.port, "POST", "/api/v1/password", s.token, s.csrf,
             "{\"old_password\":\"qingtian-pass-1\",\"new_password\":\"new-pass-123\"}", &r);
    assert_int_equal(r.status, 429);
    http_resp_free(&r);
}

/* A NUL in a name is refused and audited as what was sent, not as the name before it; `hss
 * audit` shows control characters escaped. */
static void hostile_names_on_record_safely(void **state)
{
    (void)state;
    assert_int_equal(db_query_int(g_db, "SELECT count(*) FROM audit WHERE user_name='admin' AND action='login_fail'"), 0);
    assert_true(db_query_int(g_db, "SELECT count(*) FROM audit WHERE user_name LIKE 'admin\\u0000%' ESCAPE '!' AND status=400") >= 1);
    /* a name stored raw (by an older version, or the care log's user column) */
    hss_error err;
    hss_store *st = hss_store_open_existing(g_db, &err);
    assert_non_null(st);
    hss_stmt *ins = hss_store_prepare(st, "INSERT INTO audit(at,user_name,ip,action,target,status,detail) VALUES("
                                          "'2026-01-01T00:00:00Z',?,'','login_fail','',401,'')", &err);
    assert_non_null(ins);
    hss_store_bind_text(ins, 1, "x\x1b[2J\ny");
    assert_int_equal(hss_store_step(ins), HSS_DONE);
    hss_store_finalize(ins);
    hss_store_close(st);
    char cmd[800], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s audit --db %s --format table", hss_test_bin(), g_db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_null(strchr(out, 0x1b));
    assert_non_null(strstr(out, "\\x1B"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s audit --db %s --format csv", hss_test_bin(), g_db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_null(strchr(out, 0x1b));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_table),
        cmocka_unit_test(outside_answers_alike),
        cmocka_unit_test(hostile_names_on_record_safely),
        cmocka_unit_test(lockout_cannot_lock_out_others),
        cmocka_unit_test(password_change_has_a_lockout),
        cmocka_unit_test(half_open_flood_does_not_starve_others),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
