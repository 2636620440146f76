/*
 * test_crash.c (issue 19): nothing lost, nothing half-done, nothing unrecorded when the power
 * goes. The server under concurrent writes and each importer (residents, facilities, data
 * values, surveillance counts) are killed with SIGKILL at a random moment, N times each
 * (N = HSS_CRASH_TRIALS, default 2 so that `make check` stays short; `make crash` runs 100).
 * After every kill the database must pass PRAGMA integrity_check (SQLite), hold exactly the state before
 * or after the interrupted work (never a mix), and have an audit row for every committed write
 * (and none for a write that did not commit). HSS_CRASH_SEED fixes the random moments.
 */
#include <pthread.h>
#include <sys/time.h>

#include "server/care_fixture.h"

static char *g_dir;
static unsigned g_seed;
static int g_trials;
static int g_after, g_before; /* outcomes seen, over all importer trials */

static double now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

static void sleep_ms(double ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6)};
    nanosleep(&ts, NULL);
}

static int rand_below(int n)
{
    return n > 0 ? (int)(rand_r(&g_seed) % (unsigned)n) : 0;
}

static void copy_file(const char *from, const char *to)
{
    char cmd[4000];
    snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm' && cp '%s' '%s'", to, to, to, from, to);
    assert_int_equal(system(cmd), 0);
}

/* The trial store in the state before: the file copied on SQLite. With HSS_STORE_PG set the
 * file only names a PostgreSQL schema (copying it would share the schema), so the state is built
 * again in a fresh one by `build`, which made `from` in the first place. */
static void fresh_store(const char *from, const char *to, void (*build)(const char *path, const void *arg),
                        const void *arg)
{
    if (!getenv("HSS_STORE_PG")) {
        copy_file(from, to);
        return;
    }
    unlink(to);
    build(to, arg);
}

/* The file's own check, SQLite's; PostgreSQL's WAL recovery has no per-database equivalent. */
static void integrity_ok(const char *db)
{
    if (getenv("HSS_STORE_PG"))
        return;
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    hss_stmt *s = hss_store_prepare(st, "PRAGMA integrity_check", &err);
    assert_non_null(s);
    assert_int_equal(hss_store_step(s), HSS_ROW);
    assert_string_equal(hss_store_col_text(s, 0), "ok");
    hss_store_finalize(s);
    hss_store_close(st);
}

/* Runs `hss` with args (NULL-terminated) and kills it after delay_ms (< 0: lets it finish).
 * Returns the wall time it ran, in ms. */
static double run_hss(const char *const *args, double delay_ms, int *killed)
{
    double t0 = now_ms();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char *argv[16] = {hss_test_bin()};
        int n = 1;
        for (int i = 0; args[i] && n < 15; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    *killed = 0;
    if (delay_ms >= 0) {
        sleep_ms(delay_ms);
        *killed = waitpid(pid, &st, WNOHANG) == 0;
        if (*killed)
            kill(pid, SIGKILL);
    }
    waitpid(pid, &st, 0);
    if (!*killed && delay_ms < 0)
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return now_ms() - t0;
}

/* ---- importers ----------------------------------------------------------------------------- */

static long long qi(hss_store *st, const char *sql)
{
    return hss_test_query_int(st, sql);
}

enum { ANY = -1 };

/* A count that tells the state before an import from the state after it (ANY: not looked at). */
typedef struct {
    const char *sql;
    long long before, after;
} count_rule;

/* 0 = before when every count has its value before, 1 = after when every count has its value
 * after, -1 = neither (a mix). `c` ends with a rule without SQL. */
static int import_state(hss_store *st, const count_rule *c)
{
    int before = 1, after = 1;
    for (; c->sql; c++) {
        long long n = qi(st, c->sql);
        before &= c->before == ANY || n == c->before;
        after &= c->after == ANY || n == c->after;
    }
    return before ? 0 : after ? 1 : -1;
}

/* One importer as the test kills it. Arguments name the store DB and the file FILE. */
typedef struct {
    const char *name;
    const char *region_sql;                     /* loaded into the fresh store, or NULL */
    const char *prepare[8];                     /* run on the fresh store first, or {NULL} */
    const char *args[8];                        /* the import: the state before, and the one killed */
    void (*write)(const char *path, int after); /* the file of the state before (0) or after (1) */
    int import_before;                          /* 1: the state before is write(0) imported */
    const char *file_tag;                       /* the killed import's file name, for its audit row */
    count_rule counts[4];
} importer;

/* 1,000 residents with household H0-n; the import gives them household H1-n and adds 1,000. */
static void write_residents(const char *path, int after)
{
    int n = after ? 2000 : 1000;
    const char *hh = after ? "H1" : "H0";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "id_number,name,sex,birth_date,village_code,household,conditions\n");
    for (int i = 0; i < n; i++) {
        char id[19], first17[64];
        unsigned u = (unsigned)i;
        /* area, birth date 19YY-0M-DD, an odd (male) sequence number */
        snprintf(first17, sizeof first17, "33110219%02u0%u%02u%03u", 30 + u % 60, 1 + u % 9, 1 + u % 28,
                 (u / 540 % 400) * 2 + 1);
        memcpy(id, first17, 17);
        id[17] = hss_care_id_check_char(id);
        id[18] = 0;
        fprintf(f, "%s,居民%d,male,19%02d-0%d-%02d,331102001001,%s-%d,%s\n", id, i, 30 + i % 60, 1 + i % 9,
                1 + i % 28, hh, i, i % 3 ? "" : "hypertension");
    }
    fclose(f);
}

/* 100 facilities named 旧n; the import renames them 新n and adds 200. */
static void write_facilities(const char *path, int after)
{
    int n = after ? 300 : 100;
    const char *prefix = after ? "新" : "旧";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "X%05d,%s%d,clinic,none,private,331102,119.%03d,28.%03d,0,0\n", i, prefix, i, i % 1000, i % 997);
    fclose(f);
}

/* outpatient_visits of 5 facilities over 10 years = 1; the import sets 2 and adds 2 more
 * facilities' months. */
static void write_values(const char *path, int after)
{
    static const char *const orgs[] = {"H1", "T1", "T2", "H2", "T3", "V1", "CDC1"};
    int norgs = after ? 7 : 5, value = after ? 2 : 1;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "element,org,period,value\n");
    for (int o = 0; o < norgs; o++)
        for (int m = 0; m < 120; m++)
            fprintf(f, "outpatient_visits,%s,%04d-%02d,%d\n", orgs[o], 2000 + m / 12, 1 + m % 12, value);
    fclose(f);
}

/* No counts before; the import adds three signals' daily counts for two years. */
static void write_counts(const char *path, int after)
{
    (void)after; /* the state before is the empty store */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "date,area_code,signal,source,count\n");
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int s = 0; s < 3; s++)
        for (int y = 2023; y < 2025; y++)
            for (int m = 0; m < 12; m++)
                for (int d = 1; d <= mdays[m] + (m == 1 && y % 4 == 0); d++)
                    fprintf(f, "%04d-%02d-%02d,331102,signal%d,hospital,%d\n", y, m + 1, d, s, (d * 7 + m) % 13);
    fclose(f);
}

static const importer IMPORTERS[] = {
    {.name = "residents",
     .region_sql = "tests/data/care/region.sql",
     .args = {"residents", "import", "FILE", "--db", "DB"},
     .write = write_residents,
     .import_before = 1,
     .file_tag = "crash-residents",
     .counts = {{"SELECT count(*) FROM care_resident", 1000, 2000},
                {"SELECT count(*) FROM care_resident WHERE household LIKE 'H0-%'", 1000, ANY},
                {"SELECT count(*) FROM care_resident WHERE household LIKE 'H1-%'", ANY, 2000}}},
    {.name = "facilities",
     .prepare = {"import", "areas", "tests/data/region/areas.csv", "--db", "DB"},
     .args = {"import", "facilities", "FILE", "--db", "DB"},
     .write = write_facilities,
     .import_before = 1,
     .file_tag = "crash-facilities",
     .counts = {{"SELECT count(*) FROM facility WHERE code LIKE 'X%'", 100, 300},
                {"SELECT count(*) FROM facility WHERE name LIKE '旧%'", 100, ANY},
                {"SELECT count(*) FROM facility WHERE name LIKE '新%'", ANY, 300}}},
    {.name = "data",
     .region_sql = "tests/data/metrics/region.sql",
     .args = {"data", "import", "FILE", "--db", "DB"},
     .write = write_values,
     .import_before = 1,
     .file_tag = "crash-values",
     .counts = {{"SELECT count(*) FROM data_value", 600, 840},
                {"SELECT CAST(sum(value) AS INTEGER) FROM data_value", 600, 1680}}},
    {.name = "surveil",
     .region_sql = "tests/data/care/region.sql",
     .args = {"surveil", "import", "--db", "DB", "FILE"},
     .write = write_counts,
     .file_tag = "crash-counts",
     .counts = {{"SELECT count(*) FROM surveil_series", 0, 3}, {"SELECT count(*) FROM surveil_year", 0, 6}}},
};

/* Copies the argument template into out with DB and FILE filled in. */
static void fill_args(const char *const tmpl[8], const char *db, const char *file, const char *out[9])
{
    int n = 0;
    for (; n < 8 && tmpl[n]; n++)
        out[n] = !strcmp(tmpl[n], "DB") ? db : !strcmp(tmpl[n], "FILE") ? file : tmpl[n];
    out[n] = NULL;
}

/* Builds the store in the state before the import at `path` (a fresh one). */
static void build_before(const char *path, const void *arg)
{
    const importer *im = arg;
    char file[800];
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    if (im->region_sql)
        hss_test_load_sql(st, im->region_sql);
    hss_store_close(st);
    const char *args[9];
    int killed;
    if (im->prepare[0]) {
        fill_args(im->prepare, path, NULL, args);
        run_hss(args, -1, &killed);
    }
    if (im->import_before) {
        snprintf(file, sizeof file, "%s/%s0.csv", g_dir, im->name);
        im->write(file, 0);
        fill_args(im->args, path, file, args);
        run_hss(args, -1, &killed);
    }
}

/* The store in the state before the import; the caller frees the path. */
static char *store_before(const importer *im)
{
    char path[800];
    snprintf(path, sizeof path, "%s/%s0.db", g_dir, im->name);
    build_before(path, im);
    return hss_xstrdup(path);
}

static void crash_importer(const importer *im)
{
    char *before_db = store_before(im);
    char trial_db[720], file[800];
    snprintf(trial_db, sizeof trial_db, "%s/trial-%s.db", g_dir, im->name);
    snprintf(file, sizeof file, "%s/%s.csv", g_dir, im->file_tag);
    im->write(file, 1);
    const char *args[9];
    fill_args(im->args, trial_db, file, args);
    /* one run to the end: how long the work takes, and that its end state is "after" */
    fresh_store(before_db, trial_db, build_before, im);
    int killed;
    double full = run_hss(args, -1, &killed);
    hss_error err;
    hss_store *st = hss_store_open_existing(trial_db, &err);
    assert_non_null(st);
    assert_int_equal(import_state(st, im->counts), 1);
    hss_store_close(st);
    fprintf(stderr, "crash: %s runs %.0f ms uninterrupted\n", im->name, full);
    char audit_sql[300];
    snprintf(audit_sql, sizeof audit_sql,
             "SELECT count(*) FROM audit WHERE action='cli_write' AND target LIKE '%%%s%%'", im->file_tag);
    for (int t = 0; t < g_trials; t++) {
        fresh_store(before_db, trial_db, build_before, im);
        double delay = rand_below((int)(full * 1.25) + 1); /* a quarter lands after the commit */
        run_hss(args, delay, &killed);
        integrity_ok(trial_db);
        st = hss_store_open_existing(trial_db, &err);
        assert_non_null(st);
        int state = import_state(st, im->counts);
        long long audited = qi(st, audit_sql);
        hss_store_close(st);
        if (state < 0 || audited != state)
            fprintf(stderr, "crash %s trial %d (kill at %.0f of %.0f ms): state %d, audit rows %lld\n", im->name, t,
                    delay, full, state, audited);
        assert_true(state >= 0);
        assert_int_equal(audited, state); /* committed <=> audited */
        if (state)
            g_after++;
        else
            g_before++;
    }
    free(before_db);
}

static void importers_killed_at_random(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof IMPORTERS / sizeof *IMPORTERS; i++)
        crash_importer(&IMPORTERS[i]);
}

/* ---- the server ---------------------------------------------------------------------------- */

typedef struct {
    int port;
    const char *user, *pw;
    volatile int *stop;
    int logins_acked, logouts_acked, writes_acked;
    session s; /* the referral movers log in before the clock starts */
} client;

/* One request; the status, or -1 when the server is gone. No asserts: it runs in a thread. */
static int request(int port, const char *req, char *token, char *csrf)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    send(fd, req, strlen(req), MSG_NOSIGNAL);
    char buf[4096];
    size_t len = 0;
    ssize_t n;
    while (len + 1 < sizeof buf && (n = recv(fd, buf + len, sizeof buf - 1 - len, 0)) > 0)
        len += (size_t)n;
    close(fd);
    buf[len] = 0;
    if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0)
        return -1;
    const char *c = strstr(buf, "hss_session=");
    if (token && c)
        sscanf(c, "hss_session=%64[0-9a-f]", token);
    const char *x = strstr(buf, "\"csrf\":\"");
    if (csrf && x)
        sscanf(x, "\"csrf\":\"%64[0-9a-f]", csrf);
    return atoi(buf + 9);
}

static int g_next_ref;
static long long g_ref_base;
static pthread_mutex_t g_ref_lock = PTHREAD_MUTEX_INITIALIZER;

/* Moves referrals on (requested -> accepted), one after another, as fast as it can: a cheap
 * write, so that many commits are under way when the kill comes. */
static void *referral_loop(void *p)
{
    client *c = p;
    const char *token = c->s.token, *csrf = c->s.csrf;
    while (!*c->stop) {
        pthread_mutex_lock(&g_ref_lock);
        long long id = g_ref_base + g_next_ref++;
        pthread_mutex_unlock(&g_ref_lock);
        const char *body = "{\"state\":\"accepted\"}";
        char req[1200];
        snprintf(req, sizeof req, "POST /api/v1/care/referrals/%lld/transition HTTP/1.1\r\nHost: x\r\n"
                 "Connection: close\r\nCookie: hss_session=%s\r\nX-CSRF-Token: %s\r\n"
                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", id, token, csrf, strlen(body), body);
        int st = request(c->port, req, NULL, NULL);
        if (st < 0)
            break;
        if (st == 200)
            c->writes_acked++;
        else if (getenv("HSS_CRASH_DEBUG"))
            fprintf(stderr, "referral %lld: %d\n", id, st);
    }
    return NULL;
}

static void *client_loop(void *p)
{
    client *c = p;
    while (!*c->stop) {
        char body[200], req[1200], token[80] = "", csrf[80] = "";
        snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", c->user, c->pw);
        snprintf(req, sizeof req, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
        int st = request(c->port, req, token, csrf);
        if (st < 0)
            break;
        if (st != 200 || !token[0])
            continue;
        c->logins_acked++;
        snprintf(req, sizeof req, "POST /api/v1/logout HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "Cookie: hss_session=%s\r\nX-CSRF-Token: %s\r\nContent-Length: 0\r\n\r\n", token, csrf);
        st = request(c->port, req, NULL, NULL);
        if (st < 0)
            break;
        if (st == 200)
            c->logouts_acked++;
    }
    return NULL;
}

/* Builds the server's store at `path`: the region, care data, 3,000 referrals to move and the
 * three users. */
static void build_server_store(const char *path, const void *arg)
{
    (void)arg;
    hss_error e;
    hss_store *st = hss_store_open(path, &e);
    assert_non_null(st);
    hss_test_load_sql(st, "tests/data/server/region.sql");
    assert_int_equal(hss_store_bump_version(st, &e), HSS_OK);
    hss_store_close(st);
    care_fixture fx;
    add_care_data(g_dir, path, &fx);
    st = hss_store_open_existing(path, &e);
    assert_non_null(st);
    assert_int_equal(hss_store_begin(st, &e), HSS_OK);
    for (int i = 0; i < 3000; i++) {
        int64_t id;
        hss_care_referral_req rq = {fx.a, "F2", "F1", NULL, 0, "2025-12-01T09:00", "crash test", "doc"};
        care_ok(hss_care_referral_add(st, &rq, &id, &e), &e);
        if (i == 0)
            g_ref_base = id;
    }
    assert_int_equal(hss_store_commit(st, &e), HSS_OK);
    hss_store_close(st);
    /* u0 logs in and out; u1 and u2 move the referrals on, which is the receiving hospital's step */
    assert_int_equal(add_user(path, "u0", "county", "331102", "password-0-ok", NULL), 0);
    assert_int_equal(add_user_args(path, "u1", "--role hospital --facility F1", "password-1-ok", NULL), 0);
    assert_int_equal(add_user_args(path, "u2", "--role hospital --facility F1", "password-2-ok", NULL), 0);
}

static void server_killed_during_writes(void **state)
{
    (void)state;
    char before[720], trial[720];
    snprintf(before, sizeof before, "%s/server0.db", g_dir);
    build_server_store(before, NULL);
    snprintf(trial, sizeof trial, "%s/server-trial.db", g_dir);
    int lost = 0;
    long long total_moves = 0;
    for (int t = 0; t < g_trials; t++) {
        fresh_store(before, trial, build_server_store, NULL);
        test_server s = start_server(trial, NULL);
        volatile int stop = 0;
        client c[3];
        pthread_t th[3];
        static char names[3][16], pws[3][32];
        g_next_ref = 0;
        for (int i = 0; i < 3; i++) {
            snprintf(names[i], sizeof names[i], "u%d", i);
            snprintf(pws[i], sizeof pws[i], "password-%d-ok", i);
            c[i] = (client){s.port, names[i], pws[i], &stop, 0, 0, 0, {{0}, {0}}};
            if (i > 0) {
                assert_int_equal(login(s.port, names[i], pws[i], &c[i].s), 200);
                c[i].logins_acked = 1;
            }
            pthread_create(&th[i], NULL, i == 0 ? client_loop : referral_loop, &c[i]);
        }
        sleep_ms(200 + rand_below(1000));
        kill(s.pid, SIGKILL);
        waitpid(s.pid, NULL, 0);
        stop = 1;
        int logins = 0, logouts = 0, moves = 0;
        for (int i = 0; i < 3; i++) {
            pthread_join(th[i], NULL);
            logins += c[i].logins_acked;
            logouts += c[i].logouts_acked;
            moves += c[i].writes_acked;
        }
        integrity_ok(trial);
        long long ok_rows = db_query_int(trial, "SELECT count(*) FROM audit WHERE action='login_ok'");
        long long sessions = db_query_int(trial, "SELECT count(*) FROM app_session");
        long long out_rows = db_query_int(trial, "SELECT count(*) FROM audit WHERE action='write' AND "
                                                 "target='POST /api/v1/logout' AND status=200");
        long long attempts = db_query_int(trial, "SELECT count(*) FROM login_attempt WHERE ok=1");
        /* every session created has its login row, every one ended its logout row */
        if (ok_rows != sessions + out_rows || attempts != ok_rows || ok_rows < logins || out_rows < logouts)
            fprintf(stderr, "server trial %d: login_ok %lld, sessions %lld, logout rows %lld, attempts %lld; "
                    "acknowledged %d logins, %d logouts\n", t, ok_rows, sessions, out_rows, attempts, logins, logouts);
        long long events = db_query_int(trial, "SELECT count(*) FROM care_referral_event WHERE user_name LIKE 'u%'");
        long long accepted = db_query_int(trial, "SELECT count(*) FROM care_referral WHERE state='accepted' AND reason='crash test'");
        long long move_rows = db_query_int(trial, "SELECT count(*) FROM audit WHERE action='write' AND "
                                                  "target LIKE 'POST /api/v1/care/referrals/%' AND status=200");
        if (events != move_rows || accepted != events || move_rows < moves)
            fprintf(stderr, "server trial %d: %lld referral events, %lld accepted, %lld audit rows, %d acknowledged\n", t,
                    events, accepted, move_rows, moves);
        assert_int_equal(events, accepted);
        assert_int_equal(events, move_rows); /* every committed move audited, no row without its move */
        assert_true(move_rows >= moves);     /* nothing acknowledged lost */
        total_moves += move_rows;
        assert_int_equal(ok_rows, sessions + out_rows);
        assert_int_equal(attempts, ok_rows);
        /* nothing acknowledged is lost */
        lost += (ok_rows < logins) + (out_rows < logouts);
        assert_true(ok_rows >= logins);
        assert_true(out_rows >= logouts);
    }
    fprintf(stderr, "crash: server %d trials (%lld referral moves committed), nothing lost (%d)\n", g_trials, total_moves, lost);
    assert_true(total_moves > 0); /* the movers did move referrals: the check above is not empty */
}

int main(void)
{
    g_dir = hss_test_tmpdir();
    const char *t = getenv("HSS_CRASH_TRIALS");
    g_trials = t && atoi(t) > 0 ? atoi(t) : 2;
    const char *sd = getenv("HSS_CRASH_SEED");
    g_seed = sd ? (unsigned)strtoul(sd, NULL, 10) : (unsigned)time(NULL);
    fprintf(stderr, "crash: %d trials per target, HSS_CRASH_SEED=%u\n", g_trials, g_seed);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(importers_killed_at_random),
        cmocka_unit_test(server_killed_during_writes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fprintf(stderr, "crash: importers %d trials ended in the state before, %d after; none mixed, every "
            "commit audited\n", g_before, g_after);
    free(g_dir);
    return rc;
}
