/*
 * A small worker pool: slow or blocking work (store commits waited on, file
 * I/O) runs here instead of on an event loop thread.
 */
#include "core.h"

#include <pthread.h>

typedef struct job {
    struct job *next;
    cube_pool_fn fn;
    void *arg;
} job_t;

struct cube_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_t *head, *tail;
    bool stopping;
    int nthreads;
    pthread_t *threads;
};

static void *worker(void *arg)
{
    cube_pool_t *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->cv, &p->mu);
        job_t *j = p->head;
        if (!j) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        pthread_mutex_unlock(&p->mu);
        j->fn(j->arg);
        free(j);
    }
}

cube_pool_t *cube_pool_new(int threads, const char *name)
{
    cube_pool_t *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->nthreads = threads > 0 ? threads : 1;
    p->threads = xcalloc((size_t)p->nthreads, sizeof(pthread_t));
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1 << 20);
    for (int i = 0; i < p->nthreads; i++) {
        pthread_create(&p->threads[i], &attr, worker, p);
        if (name) {
            char tn[16];
            snprintf(tn, sizeof(tn), "%.11s-%d", name, i);
            pthread_setname_np(p->threads[i], tn);
        }
    }
    pthread_attr_destroy(&attr);
    return p;
}

void cube_pool_submit(cube_pool_t *p, cube_pool_fn fn, void *arg)
{
    job_t *j = xmalloc(sizeof(*j));
    j->next = NULL;
    j->fn = fn;
    j->arg = arg;
    pthread_mutex_lock(&p->mu);
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void cube_pool_free(cube_pool_t *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
