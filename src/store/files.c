/*
 * files.c: one object per database file in this process, found by the file's path, shared by
 * every connection to the file and freed with the last one: the write gate (store_sqlite.c)
 * and the group of writers (group.c) each keep a list of these.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

struct store_file {
    char *path;
    int refs;
    void *obj;
    store_file *next;
};

void *store_files_ref(store_files *fs, const char *path, void *(*make)(const char *path))
{
    pthread_mutex_lock(&fs->mu);
    store_file *f = fs->head;
    while (f && strcmp(f->path, path) != 0)
        f = f->next;
    if (!f) {
        f = hss_xcalloc(1, sizeof *f);
        f->path = hss_xstrdup(path);
        f->obj = make(path);
        f->next = fs->head;
        fs->head = f;
    }
    f->refs++;
    void *obj = f->obj;
    pthread_mutex_unlock(&fs->mu);
    return obj;
}

void *store_files_unref(store_files *fs, const void *obj)
{
    if (!obj)
        return NULL;
    pthread_mutex_lock(&fs->mu);
    store_file **p = &fs->head;
    while (*p && (*p)->obj != obj)
        p = &(*p)->next;
    store_file *f = *p;
    if (!f || --f->refs > 0) {
        pthread_mutex_unlock(&fs->mu);
        return NULL;
    }
    *p = f->next;
    pthread_mutex_unlock(&fs->mu);
    void *last = f->obj;
    free(f->path);
    free(f);
    return last;
}
