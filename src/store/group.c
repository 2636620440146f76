/*
 * group.c: write work committed in groups (hss_store_write). On a SQLite file the process's
 * writers take turns at one lock, and each commit makes every other connection to the file
 * drop its page cache and read its pages again. So the work that arrives while one group is
 * being written waits, and the next group's leader (the first thread to find nobody writing)
 * runs every waiting piece of work in one transaction, each in a savepoint of its own, on the
 * file's writer connection: a connection only group leaders use, one at a time, so that no
 * other connection's commit empties its cache between groups. Every thread returns once its
 * own work is committed (or undone, with the reason), never earlier: an answer given after
 * hss_store_write is on disk as much as one given after hss_store_commit.
 *
 * The log's checkpoint (copying the log's pages back into the file, and two syncs) runs on a
 * thread of the group's own, woken by the leader whose commit made it due: run by that leader
 * once its members had their answers, it still held up the leader's own answer, by 5–20 ms, for
 * one request in ten in the frontline bench (bench/care_write.sh).
 *
 * PostgreSQL runs writers side by side, and a private database (":memory:") has nobody to
 * share a commit with: there, and inside an open transaction, the work runs at once on the
 * caller's own connection.
 */
#include "store/store_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct member {
    hss_store_work work;
    void *ctx;
    hss_code rc;
    hss_error err;
    int done;
    struct member *next;
} member;

/* The writers of one file in this process. */
struct store_group {
    char *file;           /* the file's real path */
    hss_store *writer;    /* the leaders' connection, opened by the first group */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    member *head, **tail; /* waiting, in arrival order */
    int writing;          /* a leader is writing a group */
    /* the checkpointer: a thread with a connection of its own, started when first needed */
    pthread_t ckpt_thread;
    pthread_cond_t ckpt_cv;
    hss_store *ckpt_conn;
    int ckpt_started, ckpt_due, stopping;
};

static store_files groups = STORE_FILES_INIT;

static void *group_make(const char *file)
{
    store_group *g = hss_xcalloc(1, sizeof *g);
    g->file = hss_xstrdup(file);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    pthread_cond_init(&g->ckpt_cv, NULL);
    g->tail = &g->head;
    return g;
}

/* The checkpointer: one checkpoint each time a commit made one due, never two at once. */
static void *checkpointer(void *arg)
{
    store_group *g = arg;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        while (!g->ckpt_due && !g->stopping)
            pthread_cond_wait(&g->ckpt_cv, &g->mu);
        if (g->stopping)
            break;
        g->ckpt_due = 0;
        pthread_mutex_unlock(&g->mu);
        g->ckpt_conn->ops->checkpoint(g->ckpt_conn);
        pthread_mutex_lock(&g->mu);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

/* Asks for a checkpoint (g->mu held). Returns 0 when there is no checkpointer (its connection
 * or thread could not be had): the caller checkpoints itself, as before. */
static int checkpoint_ask(store_group *g)
{
    if (!g->ckpt_started) {
        hss_error e;
        hss_error_clear(&e);
        if (!g->ckpt_conn && !(g->ckpt_conn = hss_store_open_plain(g->file, &e)))
            return 0;
        if (pthread_create(&g->ckpt_thread, NULL, checkpointer, g) != 0)
            return 0;
        g->ckpt_started = 1;
    }
    g->ckpt_due = 1;
    pthread_cond_signal(&g->ckpt_cv);
    return 1;
}

store_group *hss_store_group_ref(const char *file) { return store_files_ref(&groups, file, group_make); }

void hss_store_group_unref(store_group *g)
{
    if (!(g = store_files_unref(&groups, g)))
        return;
    if (g->ckpt_started) {
        pthread_mutex_lock(&g->mu);
        g->stopping = 1;
        pthread_cond_signal(&g->ckpt_cv);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->ckpt_thread, NULL);
    }
    /* outside the list's lock: closing takes the gates' */
    hss_store_close(g->ckpt_conn);
    hss_store_close(g->writer);
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    pthread_cond_destroy(&g->ckpt_cv);
    free(g->file);
    free(g);
}

int hss_store_group_waiting(store_group *g)
{
    if (!g)
        return 0;
    int n = 0;
    pthread_mutex_lock(&g->mu);
    for (member *m = g->head; m; m = m->next)
        n++;
    pthread_mutex_unlock(&g->mu);
    return n;
}

/* One piece of work in a transaction of its own, or in a savepoint of the open one (the
 * group's). A commit that fails has rolled back by itself. */
static hss_code run_one(hss_store *st, hss_store_work work, void *ctx, hss_error *err)
{
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = work(st, ctx, err)))
        hss_store_rollback(st);
    else
        rc = hss_store_commit(st, err);
    return rc;
}

/* Every member of `list` in one transaction on w. A member whose work fails is undone alone;
 * a commit that fails (or a transaction the database ended by itself) fails them all. */
static void run_group(hss_store *w, member *list)
{
    hss_error e;
    hss_error_clear(&e);
    hss_code rc = hss_store_begin(w, &e);
    for (member *m = list; m && !rc; m = m->next) {
        m->rc = run_one(w, m->work, m->ctx, &m->err);
        if (hss_store_autocommit(w)) /* the database rolled the whole transaction back */
            rc = hss_fail(&e, HSS_EDB, "%s", m->rc ? m->err.msg : "database: the transaction was rolled back");
    }
    if (!rc && (rc = hss_store_commit(w, &e)))
        hss_store_rollback(w);
    for (member *m = list; m && rc; m = m->next)
        if (m->rc == HSS_OK) { /* its work was done, or never began: the group's reason */
            m->rc = rc;
            m->err = e;
        }
}

/* The writer connection, opened the first time; the caller's own if it cannot be opened. */
static hss_store *writer_of(store_group *g, hss_store *own)
{
    if (!g->writer) {
        hss_error e;
        hss_error_clear(&e);
        g->writer = hss_store_open_plain(g->file, &e);
        if (g->writer)
            g->writer->ops->defer_checkpoint(g->writer);
    }
    return g->writer ? g->writer : own;
}

hss_code hss_store_write(hss_store *st, hss_store_work work, void *ctx, hss_error *err)
{
    store_group *g = st->group;
    if (!g || !hss_store_autocommit(st))
        return run_one(st, work, ctx, err);
    hss_store_read_end(st); /* no snapshot held while waiting for the group */
    member me = {.work = work, .ctx = ctx};
    hss_error_clear(&me.err);
    pthread_mutex_lock(&g->mu);
    *g->tail = &me;
    g->tail = &me.next;
    while (!me.done) {
        if (g->writing) {
            pthread_cond_wait(&g->cv, &g->mu);
            continue;
        }
        /* this thread leads: it writes every member waiting now, itself among them */
        member *list = g->head;
        g->head = NULL;
        g->tail = &g->head;
        g->writing = 1;
        pthread_mutex_unlock(&g->mu);
        hss_store *w = writer_of(g, st);
        run_group(w, list);
        int ckpt = w != st && w->ops->checkpoint_due(w);
        pthread_mutex_lock(&g->mu);
        for (member *m = list, *next; m; m = next) {
            next = m->next;
            m->done = 1; /* m may be gone once the lock is released */
        }
        g->writing = 0;
        pthread_cond_broadcast(&g->cv);
        if (ckpt && !checkpoint_ask(g)) {
            /* no checkpointer: this thread's answer waits for it, not the next group */
            pthread_mutex_unlock(&g->mu);
            st->ops->checkpoint(st);
            pthread_mutex_lock(&g->mu);
        }
    }
    pthread_mutex_unlock(&g->mu);
    if (me.rc && err)
        *err = me.err;
    return me.rc;
}
