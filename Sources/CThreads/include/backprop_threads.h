// A fork-join pool for splitting one computation (a matrix product, an optimizer update) over
// the cores: `bp_parallel_run(parts, task, context)` runs task(context, 0 … parts−1) on the
// calling thread and long-lived worker threads, and returns when all are done. Each part is
// claimed by whichever thread comes first, so a worker whose core is busy with another program
// does not hold the caller up: the caller runs that part itself. What a part computes depends on
// its number only, never on the thread that runs it.
//
// Workers wait for work by spinning briefly (a training step asks for work every few hundred
// microseconds, and waking a sleeping thread costs more than a small product), then sleep on a
// condition variable. One run at a time: a call made while another thread's run is in progress
// (or from inside a task) runs all its parts on the calling thread, in order, with the same
// results.
//
// The number of threads a computation may use is per calling thread (`bp_threads_set`), so two
// threads training different networks do not change each other's splits.
#ifndef BACKPROP_THREADS_H
#define BACKPROP_THREADS_H

typedef void (*bp_task)(void *context, long part);

/// Runs task(context, part) for part in 0..<parts; returns when every part is done.
void bp_parallel_run(long parts, bp_task task, void *context);

/// The thread count the calling thread asked for (1 until it sets one).
int bp_threads_get(void);
/// Sets the calling thread's thread count (clamped to 1 … 256).
void bp_threads_set(int count);

#endif
