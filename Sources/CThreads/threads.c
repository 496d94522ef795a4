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

// The job: written by the caller before it publishes a new generation, read by a thread only
// after it has claimed one of the job's parts (so the job cannot change under it: the caller
// publishes the next one only when every part of this one is done).
static bp_task job_task;
static void *job_context;
static atomic_ulong generation;         // bumped once per run
// The next part to claim, with the generation it belongs to: (generation << 16) | part. A thread
// that claims a part runs it; a late worker sees another generation and claims nothing.
static atomic_ulong claim;
static atomic_long done_parts;          // parts of this run finished
static atomic_int sleepers;             // workers waiting on `wake`
static atomic_long job_parts;        // parts of this run

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

/// Claims and runs parts of generation `g` until none is left; a part is run by exactly one thread.
static void claim_parts(unsigned long g) {
    unsigned long c = atomic_load(&claim);
    for (;;) {
        if ((c >> 16) != (g & ((1UL << 48) - 1)) || (long)(c & 0xFFFF) >= atomic_load(&job_parts)) return;
        if (!atomic_compare_exchange_weak(&claim, &c, c + 1)) continue;   // another thread took it
        job_task(job_context, (long)(c & 0xFFFF));
        atomic_fetch_add(&done_parts, 1);
        c = atomic_load(&claim);
    }
}

static void *worker_main(void *argument) {
    long part = (long)argument;                 // 1 … MAX_WORKERS
    unsigned long seen = start_generation[part];  // the generation before its first run
    for (;;) {
        seen = wait_for_work(seen);
        claim_parts(seen);
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
    atomic_store(&job_parts, parts);
    atomic_store(&done_parts, 0);
    unsigned long g = atomic_load(&generation) + 1;
    atomic_store(&claim, (g & ((1UL << 48) - 1)) << 16);
    atomic_store(&generation, g);               // publishes the job (sequentially consistent)
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
    // The caller claims parts too: when a worker is slow to come (its core taken by another
    // program), the caller runs its parts instead of waiting for it.
    claim_parts(g);
    for (unsigned long spin = 1; atomic_load(&done_parts) < parts; spin++) {
        relax();
        if ((spin & 4095) == 0) sched_yield();  // a worker may have been descheduled mid-part
    }
    pthread_mutex_unlock(&run_lock);
}
