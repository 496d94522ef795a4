// Square roots without errno, so that loops over them vectorise.
//
// On Linux, C's sqrtf (and Swift's Float.squareRoot(), which calls it) must set errno for a
// negative argument; that check keeps the compiler from using vector square roots (sqrtps) in a
// loop. __builtin_elementwise_sqrt is the plain IEEE square root with no errno, so a loop that
// calls these inline functions vectorises. For x < 0 the result is NaN, as for sqrtf.
#ifndef BACKPROP_MATH_H
#define BACKPROP_MATH_H

static inline float backprop_sqrtf(float x) { return __builtin_elementwise_sqrt(x); }
static inline double backprop_sqrt(double x) { return __builtin_elementwise_sqrt(x); }

// Asks the CPU to start loading the cache line at `p` (for reading, into the outer caches), so
// that the next batch's rows arrive while this batch's products run.
static inline void backprop_prefetch(const void *p) { __builtin_prefetch(p, 0, 1); }

// Asks the kernel to back the 2 MB-aligned part of [p, p + bytes) with 2 MB pages when it is
// first written (Linux's madvise(MADV_HUGEPAGE); nothing elsewhere, or where the kernel says no).
// A batch's rows are gathered from random places in a data set of hundreds of MB: with 4 KB pages
// each row costs a page walk. Returns 1 if the advice was taken.
int backprop_advise_huge_pages(void *p, unsigned long bytes);

#if defined(__x86_64__)
// Adam's update of n Float32 elements in AVX2 registers — call it only if backprop_has_avx2():
// Updates.adam without L1, its decay folded into keep = 1 − ηλ:
// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← keep·p − stepSize·m / (√(v·inverseC2) + ε).
void backprop_adam_f32(float *p, const float *g, float *m, float *v, long n, float beta1, float beta2,
                       float epsilon, float stepSize, float inverseC2, float keep);
// 1 if this CPU has AVX2, else 0.
int backprop_has_avx2(void);
#endif

#endif
