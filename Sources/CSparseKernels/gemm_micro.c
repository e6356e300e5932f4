#include "CSparseKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PSK_HAVE_X86 1
#endif

/* Portable kernel: plain C, one accumulator per output entry, increasing p. */
static void micro_portable(long kc, const double *pa, const double *pb, double *out) {
    double c[PSK_MR * PSK_NR];
    for (int t = 0; t < PSK_MR * PSK_NR; t++) c[t] = 0.0;
    for (long p = 0; p < kc; p++) {
        const double *a = pa + p * PSK_MR;
        const double *b = pb + p * PSK_NR;
        for (int i = 0; i < PSK_MR; i++) {
            double ai = a[i];
            for (int j = 0; j < PSK_NR; j++) c[i * PSK_NR + j] += ai * b[j];
        }
    }
    for (int t = 0; t < PSK_MR * PSK_NR; t++) out[t] = c[t];
}

#ifdef PSK_HAVE_X86
/* AVX2 + FMA kernel: 6 x 8 tile in twelve 4-wide accumulators. */
__attribute__((target("avx2,fma")))
static void micro_avx2(long kc, const double *pa, const double *pb, double *out) {
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (long p = 0; p < kc; p++) {
        const double *a = pa + p * PSK_MR;
        __m256d b0 = _mm256_loadu_pd(pb + p * PSK_NR), b1 = _mm256_loadu_pd(pb + p * PSK_NR + 4);
        __m256d x = _mm256_broadcast_sd(a + 0);
        c00 = _mm256_fmadd_pd(x, b0, c00); c01 = _mm256_fmadd_pd(x, b1, c01);
        x = _mm256_broadcast_sd(a + 1);
        c10 = _mm256_fmadd_pd(x, b0, c10); c11 = _mm256_fmadd_pd(x, b1, c11);
        x = _mm256_broadcast_sd(a + 2);
        c20 = _mm256_fmadd_pd(x, b0, c20); c21 = _mm256_fmadd_pd(x, b1, c21);
        x = _mm256_broadcast_sd(a + 3);
        c30 = _mm256_fmadd_pd(x, b0, c30); c31 = _mm256_fmadd_pd(x, b1, c31);
        x = _mm256_broadcast_sd(a + 4);
        c40 = _mm256_fmadd_pd(x, b0, c40); c41 = _mm256_fmadd_pd(x, b1, c41);
        x = _mm256_broadcast_sd(a + 5);
        c50 = _mm256_fmadd_pd(x, b0, c50); c51 = _mm256_fmadd_pd(x, b1, c51);
    }
    _mm256_storeu_pd(out + 0, c00);  _mm256_storeu_pd(out + 4, c01);
    _mm256_storeu_pd(out + 8, c10);  _mm256_storeu_pd(out + 12, c11);
    _mm256_storeu_pd(out + 16, c20); _mm256_storeu_pd(out + 20, c21);
    _mm256_storeu_pd(out + 24, c30); _mm256_storeu_pd(out + 28, c31);
    _mm256_storeu_pd(out + 32, c40); _mm256_storeu_pd(out + 36, c41);
    _mm256_storeu_pd(out + 40, c50); _mm256_storeu_pd(out + 44, c51);
}
#endif

/* -1 undecided, 0 portable, 1 avx2. Benign race: every thread computes the same value. */
static volatile int psk_choice = -1;
static volatile int psk_forced_portable = 0;

static int decide(void) {
    int c = psk_choice;
    if (c >= 0) return c;
    c = 0;
#ifdef PSK_HAVE_X86
    if (!psk_forced_portable) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) c = 1;
    }
#endif
    psk_choice = c;
    return c;
}

void psk_gemm_micro(long kc, const double *pa, const double *pb, double *out) {
#ifdef PSK_HAVE_X86
    if (decide() == 1) { micro_avx2(kc, pa, pb, out); return; }
#endif
    micro_portable(kc, pa, pb, out);
}

int psk_gemm_uses_avx2(void) { return decide(); }

void psk_gemm_force_portable(int flag) {
    psk_forced_portable = flag ? 1 : 0;
    psk_choice = -1;
}
