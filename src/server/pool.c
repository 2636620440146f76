/*
 * pool.c: the server's worker threads. libmicrohttpd's own threads only read requests and
 * write answers; each complete request is handed to the next free worker (first come, first
 * served) while its connection is suspended, and the worker queues the answer and resumes it.
 * With libmicrohttpd's thread pool alone, a kept-alive connection belongs to one thread for
 * its life, so one slow request (a writer waiting for the write lock, a worklist computed
 * afresh) held up every other connection of that thread while other threads sat idle; browsers
 * and the bench keep their connections open, so that was the common case. Each worker keeps
 * its own database connection (http.c, thread_db), so the workers are also the connection pool.
 */
#include <pthread.h>
#include <stdlib.h>

#include "server/server_int.h"

typedef struct job {
    void *arg;
    struct job *next;
} job;

struct hss_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job *head, **tail;
    int stopping;
    int n;
    void (*run)(void *);
    pthread_t *threads;
};

static void *worker(void *arg)
{
    hss_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->cv, &p->mu);
        job *j = p->head;
        if (!j)
            break; /* stopping, and nothing left to run */
        p->head = j->next;
        if (!p->head)
            p->tail = &p->head;
        pthread_mutex_unlock(&p->mu);
        p->run(j->arg);
        free(j);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

hss_pool *hss_pool_start(int workers, void (*run)(void *))
{
    hss_pool *p = hss_xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->tail = &p->head;
    p->run = run;
    p->threads = hss_xcalloc((size_t)workers, sizeof *p->threads);
    for (int i = 0; i < workers; i++)
        if (pthread_create(&p->threads[p->n], NULL, worker, p) == 0)
            p->n++;
    if (!p->n) {
        hss_pool_stop(p);
        return NULL;
    }
    return p;
}

int hss_pool_push(hss_pool *p, void *arg)
{
    pthread_mutex_lock(&p->mu);
    if (p->stopping) {
        pthread_mutex_unlock(&p->mu);
        return -1;
    }
    job *j = hss_xmalloc(sizeof *j);
    j->arg = arg;
    j->next = NULL;
    *p->tail = j;
    p->tail = &j->next;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

void hss_pool_stop(hss_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
