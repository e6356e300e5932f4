#ifndef PSK_VECTOR_H
#define PSK_VECTOR_H

/*
 * AVX2 versions of the dense vector kernels of DenseKernels.swift, chosen at run time.
 *
 * Each function computes exactly what its Swift counterpart computes, in the same order:
 * the same 4-wide lanes, the same accumulators, the same reduction tree, the same scalar
 * tail, and a separate multiply and add (AVX2 only, never FMA; the file is compiled with
 * floating-point contraction off). So the bits equal the portable Swift kernels' on every
 * input; the AVX2 versions are only faster (4 lanes per instruction instead of SSE2's 2,
 * in a build for the baseline x86-64 that cannot use AVX2 itself).
 *
 * Choice: psk_vector_uses_avx2() is 1 when the processor (and the OS) support AVX2 and
 * the environment variable PROBLEMSUITE_PORTABLE_KERNELS is not "1" when first asked;
 * 0 otherwise, and always 0 off x86-64 (where the *_avx2 functions are never called).
 * psk_vector_force_portable() switches it for tests.
 */

#ifdef __cplusplus
extern "C" {
#endif

/* -1 undecided, 0 portable Swift kernels, 1 AVX2. Every thread decides the same value. */
extern int psk_vector_state;
int psk_vector_decide(void);

/* 1 when the AVX2 kernels are in use. Static inline so that the check is one load. */
static inline int psk_vector_uses_avx2(void) {
    int s = __atomic_load_n(&psk_vector_state, __ATOMIC_RELAXED);
    return s >= 0 ? s : psk_vector_decide();
}

/* Nonzero: use the portable Swift kernels from now on; 0: the automatic choice again. */
void psk_vector_force_portable(int flag);

/* sum of a[i] * b[i], four 4-wide accumulators over 16 columns a step, then the tail. */
double psk_dot_avx2(const double *a, const double *b, long n);

/* The accumulation of psk_dot_avx2 over columns start..<end (start a multiple of 16,
 * 16 columns a step while i + 16 <= end): acc[4k .. 4k+3] is its accumulator s_k, so a
 * caller that runs it over consecutive chunks (multiples of 16) from zero and then
 * reduces ((s0 + s1) + (s2 + s3), lanes (l0 + l1) + (l2 + l3)) and adds the scalar tail
 * gets psk_dot_avx2's bits. */
void psk_dot_accumulate_avx2(const double *a, const double *b, long start, long end, double *acc);

/* y[i] += alpha * x[i], 8 columns a step, then the tail. */
void psk_axpy_avx2(double alpha, const double *x, double *y, long n);

/* acc[4k .. 4k+3] += r_k[i .. i+3] * x[i .. i+3] for i = start, start + 4, ... < end
 * (end - start a multiple of 4), k = 0..3: one 4-wide accumulator per row. */
void psk_dot4_accumulate_avx2(const double *r0, const double *r1, const double *r2, const double *r3,
                              const double *x, long start, long end, double *acc);

/* The four dot products r_k . x over n columns: psk_dot4_accumulate_avx2 over the
 * multiple-of-4 part from zero, each accumulator's lanes summed (l0 + l1) + (l2 + l3),
 * then the scalar tail; into out[0..3]. */
void psk_dot4_avx2(const double *r0, const double *r1, const double *r2, const double *r3,
                   const double *x, long n, double *out);

/* y[j] += c[0] r0[j], then + c[1] r1[j], + c[2] r2[j], + c[3] r3[j], for j < n. When
 * prefetch is not NULL, one cache line of each of prefetch + k * rowStride (k < 4) is
 * asked into L2 every 8 columns over the first min(count, n) columns (as
 * DenseKernels.quadSteps does). fromZero nonzero: y is not read, its entries are taken
 * as +0.0 (the same bits as zeroing y first, without the pass that zeroes it). */
void psk_axpy4_avx2(const double *c, const double *r0, const double *r1, const double *r2, const double *r3,
                    double *y, long n, const double *prefetch, long rowStride, long count, int fromZero);

/* A yardstick, not a kernel: the reads of the fused row pass (DenseRowPass.pipelinedBlocks)
 * over `groups` groups of four rows of the row-major a (n columns), with the same chunks
 * of `chunk` columns and the same prefetches, and its gradient update replaced by a sum
 * of the re-read chunk: the dot products of group k+1 advance chunk by chunk over memory
 * while the same chunk of group k is read again from cache. out[0] = sum of the dot
 * products of every row with x, out[1] = sum of every entry (so nothing is optimised
 * away; their rounding is of no interest). */
void psk_reread_groups_avx2(const double *a, long groups, long n, const double *x, long chunk, double *out);

/* The top-K selection's gather (Solvers/TopK.swift, TopKSelector.selectWithHeap): for
 * i < n in order, the entries with not (|v[i]| < t) (so |v[i]| >= t, or NaN) are written
 * to keys[c] (|v[i]|, NaN as +infinity) and indices[c] = i, c = 0, 1, ...; returns c.
 * keys and indices need room for n entries (entries past c are scratch). */
long psk_gather_at_least_avx2(const double *v, long n, double t, double *keys, long *indices);

/* The most samples, and the largest rank, psk_sample_threshold_avx2 takes. */
#define PSK_SAMPLE_LIMIT 2048
#define PSK_SAMPLE_RANK_LIMIT 128

/* The r-th largest of the magnitudes |v[j*stride]| (NaN as +infinity), j < samples: the
 * threshold of TopKSelector's sample. Each run of b (the power of two >= max(r, 16)) is
 * sorted by a bitonic network and folded into the first, keeping its b largest; no branch
 * on the data, O(samples log^2 b). NaN unless 1 <= r <= PSK_SAMPLE_RANK_LIMIT,
 * r <= samples <= PSK_SAMPLE_LIMIT and stride >= 1. */
double psk_sample_threshold_avx2(const double *v, long samples, long stride, long r);

/* The most candidates psk_sort_select_avx2 takes. */
#define PSK_SORT_SELECT_LIMIT 256

/* The k best of c candidates given in increasing index order (keys: magnitudes, no NaN;
 * indices: their indices), the set TopKSelector defines: the k-th largest key t from a
 * bitonic sort of a copy of the keys (padded with -infinity to a power of two, at least
 * 16), then, in index order, every candidate above t and the first ones equal to t until
 * k are kept, written to out in increasing index order. No branch on the data;
 * O(c log^2 c). out needs room for c entries. Returns the count kept (k), or -1 unless
 * 1 <= k <= c <= PSK_SORT_SELECT_LIMIT. */
long psk_sort_select_avx2(const double *keys, const long *indices, long c, long k, long *out);

/* One step of prunAdag's entry loop (Solvers/PrunAdag.swift, steps 2-5) over n entries,
 * 4 at a time with selects instead of branches, the same operations per entry as the Swift
 * loop (IEEE square roots and divisions are exact, Swift's min(p, q) is q < p ? q : p), the
 * squared step norm summed in index order. relevant[i] is 0 or 1 (Swift Bool); classes get
 * 0 relevant, 1 acceptable, 2 decreasable; counts[0] += |A|, counts[1] += |D|. Returns the
 * squared norm of the step. */
double psk_prunadag_step_avx2(long n, double *x, const double *g, double *v, double *u,
                              const unsigned char *relevant, unsigned char *classes, double lowerFactor,
                              int acceptance, int boundedAbove, long *counts);

#ifdef __cplusplus
}
#endif

#endif
