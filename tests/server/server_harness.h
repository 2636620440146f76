/*
 * server_harness.h: what the server tests share. Builds a small region database from
 * tests/data/server/region.sql, adds users through the real `hss user add`, starts the real
 * `hss serve` on 127.0.0.1 with a free port, and talks HTTP to it over a plain socket (so that
 * tests can also send malformed and hostile requests byte for byte).
 */
#ifndef HSS_SERVER_HARNESS_H
#define HSS_SERVER_HARNESS_H

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"

typedef struct {
    pid_t pid;
    int port;
} test_server;

typedef struct {
    int status;
    char *headers; /* raw header block, lower-cased names kept as sent */
    char *body;
    size_t body_len;
} http_resp;

static inline void http_resp_free(http_resp *r)
{
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* Creates dir/r.db with the test region; returns its path. */
static inline char *make_region_db(const char *dir)
{
    char path[700];
    snprintf(path, sizeof path, "%s/r.db", dir);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    hss_test_load_sql(st, "tests/data/server/region.sql");
    assert_int_equal(hss_store_bump_version(st, &err), HSS_OK);
    hss_store_close(st);
    return hss_xstrdup(path);
}

/* `hss user add NAME ARGS --password-stdin` through the CLI, ARGS being the role and its
 * options as typed on the command line; returns its exit status and output in *out (may be
 * NULL). */
static inline int add_user_args(const char *db, const char *name, const char *args, const char *pw, char **out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "printf '%%s\\n' '%s' | %s user add '%s' %s --password-stdin --db '%s' 2>&1", pw,
             hss_test_bin(), name, args, db);
    return hss_test_run(cmd, out);
}

/* `hss user add NAME --role ROLE --scope SCOPE`, as add_user_args. */
static inline int add_user(const char *db, const char *name, const char *role, const char *scope, const char *pw, char **out)
{
    char args[300];
    snprintf(args, sizeof args, "--role '%s' --scope '%s'", role, scope);
    return add_user_args(db, name, args, pw, out);
}

/* Starts `hss serve --db db --port 0 [extra args]` and reads the URL it prints. */
static inline test_server start_server(const char *db, const char *const *extra)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        const char *argv[32] = {hss_test_bin(), "serve", "--db", db, "--port", "0"};
        int n = 6;
        for (int i = 0; extra && extra[i] && n < 30; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[512] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    char *p = strstr(line, "http://127.0.0.1:");
    assert_non_null(p);
    test_server s = {pid, atoi(p + strlen("http://127.0.0.1:"))};
    assert_true(s.port > 0);
    return s;
}

/* Stops the server and checks that it exited cleanly (under ASan: without leaks). */
static inline void stop_server(test_server *s)
{
    kill(s->pid, SIGTERM);
    int st = 0;
    waitpid(s->pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* Sends raw bytes and reads the whole response (the request should ask Connection: close). */
static inline void http_raw(int port, const char *req, size_t len, http_resp *out)
{
    memset(out, 0, sizeof *out);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server may close early (413) */
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    hss_buf b;
    hss_buf_init(&b);
    char chunk[8192];
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
        hss_buf_append(&b, chunk, (size_t)n);
    close(fd);
    char *sep = b.data ? strstr(b.data, "\r\n\r\n") : NULL;
    if (!sep) {
        out->status = -1;
        out->headers = hss_buf_steal(&b);
        out->body = hss_xstrdup("");
        return;
    }
    out->status = atoi(b.data + 9);
    out->headers = hss_xstrndup(b.data, (size_t)(sep - b.data) + 2);
    out->body_len = b.len - (size_t)(sep + 4 - b.data);
    out->body = hss_xmalloc(out->body_len + 1);
    memcpy(out->body, sep + 4, out->body_len);
    out->body[out->body_len] = 0;
    hss_buf_free(&b);
}

/* A request with optional session cookie, CSRF token, extra header lines and JSON body. */
static inline void http_req(int port, const char *method, const char *path, const char *cookie, const char *csrf,
                     const char *body, http_resp *out)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, path);
    if (cookie)
        hss_buf_printf(&b, "Cookie: hss_session=%s\r\n", cookie);
    if (csrf)
        hss_buf_printf(&b, "X-CSRF-Token: %s\r\n", csrf);
    if (body)
        hss_buf_printf(&b, "Content-Type: application/json\r\nContent-Length: %zu\r\n", strlen(body));
    hss_buf_puts(&b, "\r\n");
    if (body)
        hss_buf_puts(&b, body);
    http_raw(port, b.data, b.len, out);
    hss_buf_free(&b);
}

static inline void http_get(int port, const char *path, const char *cookie, http_resp *out)
{
    http_req(port, "GET", path, cookie, NULL, NULL, out);
}

/* Header value (case-insensitive name) copied into buf, or NULL. */
static inline const char *header(const http_resp *r, const char *name, char *buf, size_t n)
{
    size_t len = strlen(name);
    for (const char *p = r->headers; p && *p;) {
        const char *e = strstr(p, "\r\n");
        if (!e)
            break;
        if (strncasecmp(p, name, len) == 0 && p[len] == ':') {
            const char *v = p + len + 1;
            while (*v == ' ')
                v++;
            snprintf(buf, n, "%.*s", (int)(e - v), v);
            return buf;
        }
        p = e + 2;
    }
    return NULL;
}

typedef struct {
    char token[80];
    char csrf[80];
} session;

/* Logs in; returns the HTTP status and fills s on success. */
static inline int login(int port, const char *user, const char *pw, session *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "username", user);
    cJSON_AddStringToObject(o, "password", pw);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    http_resp r;
    http_req(port, "POST", "/api/v1/login", NULL, NULL, body, &r);
    free(body);
    int st = r.status;
    if (st == 200 && s) {
        char c[300];
        assert_non_null(header(&r, "Set-Cookie", c, sizeof c));
        assert_true(sscanf(c, "hss_session=%79[0-9a-f]", s->token) == 1);
        cJSON *j = cJSON_Parse(r.body);
        assert_non_null(j);
        snprintf(s->csrf, sizeof s->csrf, "%s", cJSON_GetObjectItem(j, "csrf")->valuestring);
        cJSON_Delete(j);
    }
    http_resp_free(&r);
    return st;
}

/* A login of the test server: added before it starts and, when s is given, logged in after. */
typedef struct {
    const char *name, *role, *scope, *pw;
    session *s;
} server_user;

/* Adds the n users to db, starts `hss serve` on it (with `extra` arguments) and logs in each
 * user that has a session. */
static inline test_server start_server_users(const char *db, const char *const *extra,
                                             const server_user *users, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(add_user(db, users[i].name, users[i].role, users[i].scope, users[i].pw, NULL), 0);
    test_server srv = start_server(db, extra);
    for (size_t i = 0; i < n; i++)
        if (users[i].s)
            assert_int_equal(login(srv.port, users[i].name, users[i].pw, users[i].s), 200);
    return srv;
}

/* GET path as session s (NULL: anonymous), expecting status `want`; returns the parsed body. */
static inline cJSON *http_get_json(int port, const char *path, const session *s, int want)
{
    http_resp r;
    http_get(port, path, s ? s->token : NULL, &r);
    if (r.status != want)
        fprintf(stderr, "GET %s: %d %s\n", path, r.status, r.body);
    assert_int_equal(r.status, want);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    http_resp_free(&r);
    return j;
}

#endif
