#ifndef CSPARSEKERNELS_H
#define CSPARSEKERNELS_H

#include "psk_vector.h"

/*
 * Register-blocked micro-kernel of the suite's dense matrix product (DenseGEMM.swift).
 *
 * out[i * PSK_NR + j] = sum over p < kc of pa[p * PSK_MR + i] * pb[p * PSK_NR + j]
 * for i < PSK_MR and j < PSK_NR, summed in increasing p with one accumulator per entry,
 * so each entry's rounding is fixed by kc and the data alone (never by threads or tiles).
 *
 * Two implementations, chosen once at run time: AVX2 with fused multiply-add when the
 * processor has both (one rounding per step), else portable C (separate multiply and
 * add). Results are therefore bit-identical on one machine, whatever the thread count,
 * and may differ in the last bits between machines with and without FMA.
 */

#define PSK_MR 6
#define PSK_NR 8

#ifdef __cplusplus
extern "C" {
#endif

/// Asks for the cache line holding `p` to be brought into the second-level cache
/// (prefetcht1 on x86-64; a no-op where the compiler has no prefetch). A hint only: it
/// never faults and changes no result. Static inline so that Swift inlines it into
/// the one-pass dense row kernel (DenseRowPass.swift), which uses it to keep memory busy
/// while it works on data already in cache.
static inline void psk_prefetch_l2(const void *p) { __builtin_prefetch(p, 0, 2); }

/// A hint for a spin-wait loop (pause on x86-64, yield on arm64, nothing elsewhere): it
/// lets the other hardware thread run and saves power. Used by Parallel.swift's workers.
static inline void psk_cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// The micro-kernel (see above). `pa` holds kc * PSK_MR values, `pb` kc * PSK_NR.
void psk_gemm_micro(long kc, const double *pa, const double *pb, double *out);

/// 1 when the AVX2 + FMA kernel is in use, 0 for the portable one.
int psk_gemm_uses_avx2(void);

/// Forces the portable kernel (nonzero) or the automatic choice (0). For tests and
/// for reproducing results across machines.
void psk_gemm_force_portable(int flag);

#ifdef __cplusplus
}
#endif

#endif
