/* AVX2 versions of DenseKernels.swift's kernels: same order, same bits (see psk_vector.h). */
#pragma clang fp contract(off)

#include <stdlib.h>
#include "psk_vector.h"

int psk_vector_state = -1;

static int portable_requested(void) {
    const char *e = getenv("PROBLEMSUITE_PORTABLE_KERNELS");
    return e != NULL && e[0] == '1' && e[1] == '\0';
}

void psk_vector_force_portable(int flag) {
    __atomic_store_n(&psk_vector_state, flag ? 0 : -1, __ATOMIC_RELAXED);
}

#if defined(__x86_64__)
#include <immintrin.h>

int psk_vector_decide(void) {
    int c = 0;
    if (!portable_requested()) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2")) c = 1;
    }
    __atomic_store_n(&psk_vector_state, c, __ATOMIC_RELAXED);
    return c;
}

#define PSK_AVX2 __attribute__((target("avx2")))
typedef __m256d V;

PSK_AVX2 static inline V madd(V acc, V a, V b) { return _mm256_add_pd(acc, _mm256_mul_pd(a, b)); }

PSK_AVX2 double psk_dot_avx2(const double *a, const double *b, long n) {
    V s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = madd(s0, _mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i));
        s1 = madd(s1, _mm256_loadu_pd(a + i + 4), _mm256_loadu_pd(b + i + 4));
        s2 = madd(s2, _mm256_loadu_pd(a + i + 8), _mm256_loadu_pd(b + i + 8));
        s3 = madd(s3, _mm256_loadu_pd(a + i + 12), _mm256_loadu_pd(b + i + 12));
    }
    V s = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
    double l[4];
    _mm256_storeu_pd(l, s);
    double t = (l[0] + l[1]) + (l[2] + l[3]);
    for (; i < n; i++) t += a[i] * b[i];
    return t;
}

PSK_AVX2 void psk_axpy_avx2(double alpha, const double *x, double *y, long n) {
    V va = _mm256_set1_pd(alpha);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        V y0 = _mm256_add_pd(_mm256_loadu_pd(y + i), _mm256_mul_pd(va, _mm256_loadu_pd(x + i)));
        V y1 = _mm256_add_pd(_mm256_loadu_pd(y + i + 4), _mm256_mul_pd(va, _mm256_loadu_pd(x + i + 4)));
        _mm256_storeu_pd(y + i, y0);
        _mm256_storeu_pd(y + i + 4, y1);
    }
    for (; i < n; i++) y[i] += alpha * x[i];
}

PSK_AVX2 static inline void dot4_accumulate(const double *r0, const double *r1, const double *r2, const double *r3,
                                            const double *x, long start, long end, V *a) {
    V a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    for (long i = start; i < end; i += 4) {
        V xv = _mm256_loadu_pd(x + i);
        a0 = madd(a0, _mm256_loadu_pd(r0 + i), xv);
        a1 = madd(a1, _mm256_loadu_pd(r1 + i), xv);
        a2 = madd(a2, _mm256_loadu_pd(r2 + i), xv);
        a3 = madd(a3, _mm256_loadu_pd(r3 + i), xv);
    }
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
}

PSK_AVX2 void psk_dot4_accumulate_avx2(const double *r0, const double *r1, const double *r2, const double *r3,
                                       const double *x, long start, long end, double *acc) {
    V a[4];
    for (int k = 0; k < 4; k++) a[k] = _mm256_loadu_pd(acc + 4 * k);
    dot4_accumulate(r0, r1, r2, r3, x, start, end, a);
    for (int k = 0; k < 4; k++) _mm256_storeu_pd(acc + 4 * k, a[k]);
}

PSK_AVX2 void psk_dot4_avx2(const double *r0, const double *r1, const double *r2, const double *r3,
                            const double *x, long n, double *out) {
    V a[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
    long body = n & ~3L;
    dot4_accumulate(r0, r1, r2, r3, x, 0, body, a);
    const double *r[4] = {r0, r1, r2, r3};
    for (int k = 0; k < 4; k++) {
        double l[4];
        _mm256_storeu_pd(l, a[k]);
        double t = (l[0] + l[1]) + (l[2] + l[3]);
        for (long i = body; i < n; i++) t += r[k][i] * x[i];
        out[k] = t;
    }
}

PSK_AVX2 static inline void axpy4_step(V c0, V c1, V c2, V c3, const double *r0, const double *r1,
                                       const double *r2, const double *r3, double *y, long j) {
    V v = _mm256_loadu_pd(y + j);
    v = madd(v, c0, _mm256_loadu_pd(r0 + j));
    v = madd(v, c1, _mm256_loadu_pd(r1 + j));
    v = madd(v, c2, _mm256_loadu_pd(r2 + j));
    v = madd(v, c3, _mm256_loadu_pd(r3 + j));
    _mm256_storeu_pd(y + j, v);
}

PSK_AVX2 void psk_axpy4_avx2(const double *c, const double *r0, const double *r1, const double *r2, const double *r3,
                             double *y, long n, const double *prefetch, long rowStride, long count) {
    V c0 = _mm256_set1_pd(c[0]), c1 = _mm256_set1_pd(c[1]), c2 = _mm256_set1_pd(c[2]), c3 = _mm256_set1_pd(c[3]);
    long i = 0;
    if (prefetch != NULL) {
        long lines = count < n ? count : n;
        for (; i + 8 <= lines; i += 8) {
            __builtin_prefetch(prefetch + i, 0, 2);
            __builtin_prefetch(prefetch + rowStride + i, 0, 2);
            __builtin_prefetch(prefetch + 2 * rowStride + i, 0, 2);
            __builtin_prefetch(prefetch + 3 * rowStride + i, 0, 2);
            axpy4_step(c0, c1, c2, c3, r0, r1, r2, r3, y, i);
            axpy4_step(c0, c1, c2, c3, r0, r1, r2, r3, y, i + 4);
        }
    }
    for (; i + 4 <= n; i += 4) axpy4_step(c0, c1, c2, c3, r0, r1, r2, r3, y, i);
    for (; i < n; i++) {
        double v = y[i];
        v += c[0] * r0[i]; v += c[1] * r1[i]; v += c[2] * r2[i]; v += c[3] * r3[i];
        y[i] = v;
    }
}

#else  /* not x86-64: no AVX2, psk_vector_uses_avx2() is 0 and the functions below are never called. */

int psk_vector_decide(void) {
    (void)portable_requested();
    __atomic_store_n(&psk_vector_state, 0, __ATOMIC_RELAXED);
    return 0;
}

double psk_dot_avx2(const double *a, const double *b, long n) { (void)a; (void)b; (void)n; __builtin_trap(); }
void psk_axpy_avx2(double alpha, const double *x, double *y, long n) { (void)alpha; (void)x; (void)y; (void)n; __builtin_trap(); }
void psk_dot4_accumulate_avx2(const double *r0, const double *r1, const double *r2, const double *r3,
                              const double *x, long start, long end, double *acc) {
    (void)r0; (void)r1; (void)r2; (void)r3; (void)x; (void)start; (void)end; (void)acc; __builtin_trap();
}
void psk_dot4_avx2(const double *r0, const double *r1, const double *r2, const double *r3,
                   const double *x, long n, double *out) {
    (void)r0; (void)r1; (void)r2; (void)r3; (void)x; (void)n; (void)out; __builtin_trap();
}
void psk_axpy4_avx2(const double *c, const double *r0, const double *r1, const double *r2, const double *r3,
                    double *y, long n, const double *prefetch, long rowStride, long count) {
    (void)c; (void)r0; (void)r1; (void)r2; (void)r3; (void)y; (void)n; (void)prefetch; (void)rowStride; (void)count;
    __builtin_trap();
}

#endif
