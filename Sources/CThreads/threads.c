// The fork-join pool of include/backprop_threads.h.
#include "backprop_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

enum { MAX_WORKERS = 255 };

static _Thread_local int requested_threads = 1;

int bp_threads_get(void) { return requested_threads; }

void bp_threads_set(int count) {
    requested_threads = count < 1 ? 1 : (count > MAX_WORKERS + 1 ? MAX_WORKERS + 1 : count);
}

// The job: written by the caller before it publishes a new generation, read by the workers after.
static bp_task job_task;
static void *job_context;
static long job_parts;
static atomic_ulong generation;         // bumped once per run
static atomic_long remaining;           // workers that have not yet answered this run
static atomic_int sleepers;             // workers waiting on `wake`

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;    // one run at a time
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static long workers;                    // started so far (guarded by run_lock)
static unsigned long start_generation[MAX_WORKERS + 1];

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// Waits until `generation` differs from `seen`: spins for up to 0.5 ms, then sleeps.
static unsigned long wait_for_work(unsigned long seen) {
    double start = now_seconds();
    for (unsigned long spin = 1;; spin++) {
        unsigned long g = atomic_load(&generation);
        if (g != seen) return g;
        relax();
        if ((spin & 1023) == 0 && now_seconds() - start > 5e-4) break;
    }
    pthread_mutex_lock(&sleep_lock);
    atomic_fetch_add(&sleepers, 1);
    unsigned long g;
    while ((g = atomic_load(&generation)) == seen) pthread_cond_wait(&wake, &sleep_lock);
    atomic_fetch_sub(&sleepers, 1);
    pthread_mutex_unlock(&sleep_lock);
    return g;
}

static void *worker_main(void *argument) {
    long part = (long)argument;                 // 1 … MAX_WORKERS
    unsigned long seen = start_generation[part];  // the generation before its first run
    for (;;) {
        seen = wait_for_work(seen);
        if (part < job_parts) job_task(job_context, part);
        atomic_fetch_sub(&remaining, 1);        // every worker answers every run, so none lags behind
    }
    return 0;
}

static void run_inline(long parts, bp_task task, void *context) {
    for (long part = 0; part < parts; part++) task(context, part);
}

void bp_parallel_run(long parts, bp_task task, void *context) {
    if (parts <= 1 || pthread_mutex_trylock(&run_lock) != 0) {
        run_inline(parts, task, context);
        return;
    }
    if (parts > MAX_WORKERS + 1) parts = MAX_WORKERS + 1;
    while (workers < parts - 1) {               // start the workers this run needs, once
        pthread_t thread;
        start_generation[workers + 1] = atomic_load(&generation);
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)(workers + 1));
        pthread_attr_destroy(&attributes);
        if (failed) break;
        workers++;
    }
    if (workers < parts - 1) {                  // no threads to be had: do it all here
        pthread_mutex_unlock(&run_lock);
        run_inline(parts, task, context);
        return;
    }
    job_task = task;
    job_context = context;
    job_parts = parts;
    atomic_store(&remaining, workers);
    atomic_fetch_add(&generation, 1);           // publishes the job (sequentially consistent)
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
    task(context, 0);
    for (unsigned long spin = 1; atomic_load(&remaining) > 0; spin++) {
        relax();
        if ((spin & 4095) == 0) sched_yield();  // a worker may have been descheduled
    }
    pthread_mutex_unlock(&run_lock);
}
