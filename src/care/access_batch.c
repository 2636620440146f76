/*
 * access_batch.c: the access-log rows of list reads (a worklist page names 50 residents),
 * committed in groups. Each read's rows must be committed before the list is shown, and on
 * SQLite every commit takes the one write lock that follow-up writes queue for; so the rows of
 * the reads that arrive while one such commit waits for the lock are written together, by
 * whichever reader's thread gets there first, in one transaction, and every reader answers
 * only once its own rows are committed (or with the error that stopped them). Nothing is
 * logged later than before, and one failure fails the reads of that group, never silently.
 */
#include "care/care_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct waiter {
    char at[24];
    const char *user, *action, *ids, *county;
    int done;
    hss_code rc;
    hss_error err;
    struct waiter *next;
} waiter;

/* The readers of one database file waiting for their rows to be committed. */
typedef struct group {
    char *path;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    waiter *head, **tail;
    int writing; /* a thread is committing a batch */
    struct group *next;
} group;

static pthread_mutex_t groups_mu = PTHREAD_MUTEX_INITIALIZER;
static group *groups;

static group *group_of(const char *path)
{
    pthread_mutex_lock(&groups_mu);
    group *g = groups;
    while (g && strcmp(g->path, path) != 0)
        g = g->next;
    if (!g) {
        g = hss_xcalloc(1, sizeof *g);
        g->path = hss_xstrdup(path);
        pthread_mutex_init(&g->mu, NULL);
        pthread_cond_init(&g->cv, NULL);
        g->tail = &g->head;
        g->next = groups;
        groups = g;
    }
    pthread_mutex_unlock(&groups_mu);
    return g;
}

/* One transaction with the rows of every waiter in the list. */
static hss_code write_batch(hss_store *st, waiter *list, hss_error *err)
{
    if (hss_store_begin(st, err))
        return HSS_EDB;
    hss_code rc = HSS_OK;
    for (waiter *w = list; w && !rc; w = w->next)
        rc = care_access_log_rows(st, w->at, w->user, w->action, w->ids, w->county, err);
    if (rc || (rc = hss_store_commit(st, err)))
        hss_store_rollback(st);
    return rc;
}

hss_code care_access_log_many(hss_store *st, const char *user, const char *action, const char *ids, const char *county,
                              hss_error *err)
{
    char at[24];
    care_timestamp(at);
    const char *path = hss_store_path(st);
    /* inside a transaction the rows commit with it; a private database has no one to share with */
    if (!hss_store_autocommit(st) || hss_store_is_pg(st) || !path || strcmp(path, ":memory:") == 0) {
        hss_code rc;
        if (hss_store_begin(st, err))
            return HSS_EDB;
        if ((rc = care_access_log_rows(st, at, user, action, ids, county, err)) || (rc = hss_store_commit(st, err)))
            hss_store_rollback(st);
        return rc;
    }
    group *g = group_of(path);
    waiter me = {.user = user, .action = action, .ids = ids, .county = county};
    memcpy(me.at, at, sizeof at);
    hss_error_clear(&me.err);
    pthread_mutex_lock(&g->mu);
    *g->tail = &me;
    g->tail = &me.next;
    while (!me.done) {
        if (g->writing) {
            pthread_cond_wait(&g->cv, &g->mu);
            continue;
        }
        /* this thread writes every row waiting now, its own among them */
        waiter *list = g->head;
        g->head = NULL;
        g->tail = &g->head;
        g->writing = 1;
        pthread_mutex_unlock(&g->mu);
        hss_error e;
        hss_error_clear(&e);
        hss_code rc = write_batch(st, list, &e);
        pthread_mutex_lock(&g->mu);
        for (waiter *w = list, *next; w; w = next) {
            next = w->next;
            w->rc = rc;
            w->err = e;
            w->done = 1; /* w may be gone once the lock is released */
        }
        g->writing = 0;
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    if (me.rc && err)
        *err = me.err;
    return me.rc;
}
