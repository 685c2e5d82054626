/* SPDX-License-Identifier: MIT */
/* render_pool.c -- the render threads: each takes the next slot of the submitted chunk,
 * renders it with the thread's own renderer (one libharu document each), writes and hashes
 * it. Numbers and bytes are the same whatever the number of threads: every slot's number
 * is fixed before it is handed out (chunk.c). */
#include "core/util.h"
#include "pipeline/pipeline.h"

void fk_pipeline__work_slot(run_ctx *c, fk_renderer *r, chunk *k, size_t i)
{
    const fk_buf *pdf = &k->pdfs[i];
    k->rerr[i] = (fk_error)FK_ERROR_INIT;
    k->werr[i] = (fk_error)FK_ERROR_INIT;
    if (fk_pipeline__render(c, r, &k->orders[i], k->numbers[i], &k->pdfs[i], &k->docs[i],
                            &k->rerr[i]) != FK_OK)
        return;
    if (fk_outdir_write(c->outdir, k->files[i], pdf->ptr, pdf->len, &k->werr[i]) != FK_OK)
        return;
    k->written[i] = true;
    fk_sha256_hex(pdf->ptr, pdf->len, k->sha[i]);
    fk_sha256_hex(k->docs[i].ptr, k->docs[i].len, k->doc_sha[i]);
}

static void *render_main(void *arg)
{
    render_thread *t = arg;
    run_ctx *c = t->c;
    render_pool *p = &c->pool;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && (!p->job || p->next == p->job->n))
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop)
            break;
        chunk *k = p->job;
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (k->pending[i])
            fk_pipeline__work_slot(c, c->renderers[t->index], k, i);
        pthread_mutex_lock(&p->mu);
        if (--p->left == 0) {
            p->job = NULL;
            pthread_cond_broadcast(&p->idle);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

void fk_pipeline__pool_start(run_ctx *c)
{
    render_pool *p = &c->pool;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->idle, NULL);
    c->pool_up = true;
    for (int w = 0; w < c->jobs; w++) {
        p->args[w] = (render_thread){c, w};
        if (pthread_create(&p->th[w], NULL, render_main, &p->args[w]) != 0)
            break;
        p->nthreads++;
    }
}

void fk_pipeline__pool_wait(run_ctx *c)
{
    render_pool *p = &c->pool;
    if (!c->pool_up)
        return;
    pthread_mutex_lock(&p->mu);
    while (p->job)
        pthread_cond_wait(&p->idle, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void fk_pipeline__pool_submit(run_ctx *c, chunk *k)
{
    render_pool *p = &c->pool;
    if (p->nthreads == 0) {
        for (size_t i = 0; i < k->n; i++)
            if (k->pending[i])
                fk_pipeline__work_slot(c, c->renderers[0], k, i);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->job = k;
    p->next = 0;
    p->left = k->n;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void fk_pipeline__pool_stop(run_ctx *c)
{
    render_pool *p = &c->pool;
    if (!c->pool_up)
        return;
    fk_pipeline__pool_wait(c);
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int w = 0; w < p->nthreads; w++)
        pthread_join(p->th[w], NULL);
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->mu);
    c->pool_up = false;
}
