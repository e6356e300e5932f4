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

/* s[k] += a[i + 4k ..] * b[i + 4k ..], 16 columns a step, for i = start, start + 16, ...
 * while i + 16 <= end: the accumulation of psk_dot_avx2, shared with its chunked form. */
PSK_AVX2 static inline void dot_accumulate(const double *a, const double *b, long start, long end, V *s) {
    V s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (long i = start; i + 16 <= end; i += 16) {
        s0 = madd(s0, _mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i));
        s1 = madd(s1, _mm256_loadu_pd(a + i + 4), _mm256_loadu_pd(b + i + 4));
        s2 = madd(s2, _mm256_loadu_pd(a + i + 8), _mm256_loadu_pd(b + i + 8));
        s3 = madd(s3, _mm256_loadu_pd(a + i + 12), _mm256_loadu_pd(b + i + 12));
    }
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
}

PSK_AVX2 double psk_dot_avx2(const double *a, const double *b, long n) {
    V acc[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
    dot_accumulate(a, b, 0, n, acc);
    V s = _mm256_add_pd(_mm256_add_pd(acc[0], acc[1]), _mm256_add_pd(acc[2], acc[3]));
    double l[4];
    _mm256_storeu_pd(l, s);
    double t = (l[0] + l[1]) + (l[2] + l[3]);
    for (long i = n & ~15L; i < n; i++) t += a[i] * b[i];
    return t;
}

PSK_AVX2 void psk_dot_accumulate_avx2(const double *a, const double *b, long start, long end, double *acc) {
    V s[4];
    for (int k = 0; k < 4; k++) s[k] = _mm256_loadu_pd(acc + 4 * k);
    dot_accumulate(a, b, start, end, s);
    for (int k = 0; k < 4; k++) _mm256_storeu_pd(acc + 4 * k, s[k]);
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

/* Asks for the cache line at column i of each of the four rows p, p + rowStride, ... into
 * L2 (the prefetches of DenseKernels.quadSteps). */
static inline void prefetch4(const double *p, long rowStride, long i) {
    __builtin_prefetch(p + i, 0, 2);
    __builtin_prefetch(p + rowStride + i, 0, 2);
    __builtin_prefetch(p + 2 * rowStride + i, 0, 2);
    __builtin_prefetch(p + 3 * rowStride + i, 0, 2);
}

PSK_AVX2 static inline void axpy4_step(V c0, V c1, V c2, V c3, const double *r0, const double *r1,
                                       const double *r2, const double *r3, double *y, long j, int fromZero) {
    /* fromZero: y's entries taken as +0.0 (not read): the bits of a y zeroed beforehand. */
    V v = fromZero ? _mm256_setzero_pd() : _mm256_loadu_pd(y + j);
    v = madd(v, c0, _mm256_loadu_pd(r0 + j));
    v = madd(v, c1, _mm256_loadu_pd(r1 + j));
    v = madd(v, c2, _mm256_loadu_pd(r2 + j));
    v = madd(v, c3, _mm256_loadu_pd(r3 + j));
    _mm256_storeu_pd(y + j, v);
}

PSK_AVX2 static inline void axpy4_body(const double *c, const double *r0, const double *r1, const double *r2,
                                       const double *r3, double *y, long n, const double *prefetch, long rowStride,
                                       long count, const int fromZero) {
    V c0 = _mm256_set1_pd(c[0]), c1 = _mm256_set1_pd(c[1]), c2 = _mm256_set1_pd(c[2]), c3 = _mm256_set1_pd(c[3]);
    long i = 0;
    if (prefetch != NULL) {
        long lines = count < n ? count : n;
        for (; i + 8 <= lines; i += 8) {
            prefetch4(prefetch, rowStride, i);
            axpy4_step(c0, c1, c2, c3, r0, r1, r2, r3, y, i, fromZero);
            axpy4_step(c0, c1, c2, c3, r0, r1, r2, r3, y, i + 4, fromZero);
        }
    }
    for (; i + 4 <= n; i += 4) axpy4_step(c0, c1, c2, c3, r0, r1, r2, r3, y, i, fromZero);
    for (; i < n; i++) {
        double v = fromZero ? 0.0 : y[i];
        v += c[0] * r0[i]; v += c[1] * r1[i]; v += c[2] * r2[i]; v += c[3] * r3[i];
        y[i] = v;
    }
}

PSK_AVX2 void psk_axpy4_avx2(const double *c, const double *r0, const double *r1, const double *r2, const double *r3,
                             double *y, long n, const double *prefetch, long rowStride, long count, int fromZero) {
    if (fromZero) axpy4_body(c, r0, r1, r2, r3, y, n, prefetch, rowStride, count, 1);
    else axpy4_body(c, r0, r1, r2, r3, y, n, prefetch, rowStride, count, 0);
}

/* Column sums of four rows over n columns (lane k of out: row k), with the prefetches of
 * axpy4_body: its reads of the rows without its arithmetic or its reads and writes of y. */
PSK_AVX2 static inline V sum4_body(const double *r, long rowStride, long n, const double *prefetch, long count) {
    const double *r0 = r, *r1 = r + rowStride, *r2 = r + 2 * rowStride, *r3 = r + 3 * rowStride;
    V s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    long i = 0;
    if (prefetch != NULL) {
        long lines = count < n ? count : n;
        for (; i + 8 <= lines; i += 8) {
            prefetch4(prefetch, rowStride, i);
            s0 = _mm256_add_pd(s0, _mm256_loadu_pd(r0 + i)); s1 = _mm256_add_pd(s1, _mm256_loadu_pd(r1 + i));
            s2 = _mm256_add_pd(s2, _mm256_loadu_pd(r2 + i)); s3 = _mm256_add_pd(s3, _mm256_loadu_pd(r3 + i));
            s0 = _mm256_add_pd(s0, _mm256_loadu_pd(r0 + i + 4)); s1 = _mm256_add_pd(s1, _mm256_loadu_pd(r1 + i + 4));
            s2 = _mm256_add_pd(s2, _mm256_loadu_pd(r2 + i + 4)); s3 = _mm256_add_pd(s3, _mm256_loadu_pd(r3 + i + 4));
        }
    }
    for (; i + 4 <= n; i += 4) {
        s0 = _mm256_add_pd(s0, _mm256_loadu_pd(r0 + i)); s1 = _mm256_add_pd(s1, _mm256_loadu_pd(r1 + i));
        s2 = _mm256_add_pd(s2, _mm256_loadu_pd(r2 + i)); s3 = _mm256_add_pd(s3, _mm256_loadu_pd(r3 + i));
    }
    double l[16];
    _mm256_storeu_pd(l, s0); _mm256_storeu_pd(l + 4, s1); _mm256_storeu_pd(l + 8, s2); _mm256_storeu_pd(l + 12, s3);
    for (; i < n; i++) { l[0] += r0[i]; l[4] += r1[i]; l[8] += r2[i]; l[12] += r3[i]; }
    return _mm256_set_pd(l[12] + l[13] + l[14] + l[15], l[8] + l[9] + l[10] + l[11], l[4] + l[5] + l[6] + l[7], l[0] + l[1] + l[2] + l[3]);
}

PSK_AVX2 void psk_reread_groups_avx2(const double *a, long groups, long n, const double *x, long chunk, double *out) {
    if (groups <= 0) { out[0] = 0; out[1] = 0; return; }
    long body = n & ~3L;
    double d[4];
    psk_dot4_avx2(a, a + n, a + 2 * n, a + 3 * n, x, n, d);
    double dots = (d[0] + d[1]) + (d[2] + d[3]);
    V sums = _mm256_setzero_pd();
    for (long k = 0; k < groups; k++) {
        const double *cur = a + 4 * k * n, *nxt = cur + 4 * n;
        int hasNext = k + 1 < groups;
        V acc[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
        for (long c0 = 0; c0 < n;) {
            long w = chunk < n - c0 ? chunk : n - c0, ahead = c0 + w;
            if (hasNext) dot4_accumulate(nxt, nxt + n, nxt + 2 * n, nxt + 3 * n, x, c0, ahead < body ? ahead : body, acc);
            const double *target = !hasNext ? NULL : ahead < n ? nxt + ahead : (k + 2 < groups ? nxt + 4 * n : NULL);
            long rest = ahead < n ? n - ahead : n;
            sums = _mm256_add_pd(sums, sum4_body(cur + c0, n, w, target, chunk < rest ? chunk : rest));
            c0 = ahead;
        }
        if (hasNext) {
            double l[4];
            for (int r = 0; r < 4; r++) {
                _mm256_storeu_pd(l, acc[r]);
                double t = (l[0] + l[1]) + (l[2] + l[3]);
                for (long i = body; i < n; i++) t += nxt[r * n + i] * x[i];
                dots += t;
            }
        }
    }
    double l[4];
    _mm256_storeu_pd(l, sums);
    out[0] = dots;
    out[1] = (l[0] + l[1]) + (l[2] + l[3]);
}

/* |v| with NaN as +infinity: TopKSelector.magnitude. */
static inline double topk_magnitude(double v) {
    double m = __builtin_fabs(v);
    return m != m ? __builtin_inf() : m;
}

/* For each 4-bit mask, the 32-bit lane pairs of the set 64-bit lanes packed first (a
 * compress by _mm256_permutevar8x32). */
static const int gather_permutations[16][8] = {
    {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {2, 3, 0, 1, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {4, 5, 0, 1, 2, 3, 6, 7}, {0, 1, 4, 5, 2, 3, 6, 7}, {2, 3, 4, 5, 0, 1, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {6, 7, 0, 1, 2, 3, 4, 5}, {0, 1, 6, 7, 2, 3, 4, 5}, {2, 3, 6, 7, 0, 1, 4, 5}, {0, 1, 2, 3, 6, 7, 4, 5},
    {4, 5, 6, 7, 0, 1, 2, 3}, {0, 1, 4, 5, 6, 7, 2, 3}, {2, 3, 4, 5, 6, 7, 0, 1}, {0, 1, 2, 3, 4, 5, 6, 7},
};

PSK_AVX2 long psk_gather_at_least_avx2(const double *v, long n, double t, double *keys, long *indices) {
    const V sign = _mm256_set1_pd(-0.0), tv = _mm256_set1_pd(t), inf = _mm256_set1_pd(__builtin_inf());
    __m256i idx = _mm256_set_epi64x(3, 2, 1, 0);
    const __m256i four = _mm256_set1_epi64x(4);
    long c = 0, i = 0;
    for (; i + 4 <= n; i += 4, idx = _mm256_add_epi64(idx, four)) {
        /* |v|, NaN ranked as +infinity: min(NaN, inf) is inf (the second operand when unordered) */
        V m = _mm256_min_pd(_mm256_andnot_pd(sign, _mm256_loadu_pd(v + i)), inf);
        int bits = _mm256_movemask_pd(_mm256_cmp_pd(m, tv, _CMP_GE_OQ));
        /* No branch (a quarter of the blocks hold a candidate, at random): always store the
         * packed lanes and advance by their count. c + 4 <= i + 4 <= n, so the store fits;
         * lanes past the kept ones are overwritten next or lie past the count returned. */
        __m256i p = _mm256_loadu_si256((const __m256i *)gather_permutations[bits]);
        _mm256_storeu_pd(keys + c, _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(m), p)));
        _mm256_storeu_si256((__m256i *)(indices + c), _mm256_permutevar8x32_epi32(idx, p));
        c += __builtin_popcount(bits);
    }
    for (; i < n; i++) {
        double mj = topk_magnitude(v[i]);
        keys[c] = mj; indices[c] = i;
        c += mj < t ? 0 : 1;
    }
    return c;
}

/* Bitonic sorting network, increasing, in the form without directions: merging two
 * sorted runs of k/2 starts by comparing entry i with entry k-1-i of the block (a "flip",
 * which makes both halves bitonic), then half-cleaners j = k/4, ..., 1 compare i with
 * i + j. Every compare-exchange is a min and a max (no NaN here, so both are exact and
 * symmetric); inside a vector the partners come from fixed permutations and the results
 * from fixed blends, so there is no branch on the data and no variable blend. */
PSK_AVX2 static inline V lanes_reversed(V v) { return _mm256_permute4x64_pd(v, 0x1B); }

/* Half-cleaners j = 2 and j = 1 inside one vector. */
PSK_AVX2 static inline V bitonic_tail4(V v) {
    V w = _mm256_permute4x64_pd(v, 0x4E);
    v = _mm256_blend_pd(_mm256_min_pd(v, w), _mm256_max_pd(v, w), 0xC);
    w = _mm256_permute_pd(v, 0x5);
    return _mm256_blend_pd(_mm256_min_pd(v, w), _mm256_max_pd(v, w), 0xA);
}

/* Compare-exchange of whole vectors: a the minima, b the maxima. */
PSK_AVX2 static inline void bitonic_exchange(V *a, V *b) {
    V mn = _mm256_min_pd(*a, *b);
    *b = _mm256_max_pd(*a, *b);
    *a = mn;
}

/* The flip between a (lower entries) and b (the mirrored upper entries): a gets the
 * minima, b the maxima, each lane compared with its mirror image. */
PSK_AVX2 static inline void bitonic_flip(V *a, V *b) {
    V w = lanes_reversed(*b);
    V mn = _mm256_min_pd(*a, w);
    *b = lanes_reversed(_mm256_max_pd(*a, w));
    *a = mn;
}

/* Half-cleaners j = j0, j0/2, ..., 1 over a[0..p) (p a multiple of 16, j0 a power of two
 * below p, or 8 or less): each run of 2j0 that is bitonic comes out sorted. Those with
 * j >= 16 go through memory; j = 8 to 1 are done on each run of 16 in registers. */
PSK_AVX2 static void bitonic_clean(double *a, long p, long j0) {
    for (long j = j0; j >= 16; j >>= 1)
        for (long base = 0; base < p; base += 2 * j)
            for (long o = 0; o < j; o += 4) {
                V u = _mm256_loadu_pd(a + base + o), w = _mm256_loadu_pd(a + base + o + j);
                bitonic_exchange(&u, &w);
                _mm256_storeu_pd(a + base + o, u);
                _mm256_storeu_pd(a + base + o + j, w);
            }
    for (long i = 0; i < p; i += 16) {
        V v[4];
        for (int q = 0; q < 4; q++) v[q] = _mm256_loadu_pd(a + i + 4 * q);
        bitonic_exchange(&v[0], &v[2]); bitonic_exchange(&v[1], &v[3]);   /* j = 8 */
        bitonic_exchange(&v[0], &v[1]); bitonic_exchange(&v[2], &v[3]);   /* j = 4 */
        for (int q = 0; q < 4; q++) _mm256_storeu_pd(a + i + 4 * q, bitonic_tail4(v[q]));
    }
}

/* Sorts a[0..p) in increasing order; p a power of two, 16 <= p; no NaN. Runs of 16 are
 * sorted in registers; larger merges go through memory down to j = 16, then finish each
 * run of 16 in registers. O(p log^2 p) compare-exchanges. */
PSK_AVX2 static void bitonic_sort(double *a, long p) {
    for (long i = 0; i < p; i += 16) {
        V v[4];
        for (int q = 0; q < 4; q++) v[q] = _mm256_loadu_pd(a + i + 4 * q);
        for (int q = 0; q < 4; q++) {
            V w = _mm256_permute_pd(v[q], 0x5);                    /* k = 2 */
            V x = _mm256_blend_pd(_mm256_min_pd(v[q], w), _mm256_max_pd(v[q], w), 0xA);
            w = lanes_reversed(x);                                 /* k = 4: flip, then j = 1 */
            x = _mm256_blend_pd(_mm256_min_pd(x, w), _mm256_max_pd(x, w), 0xC);
            w = _mm256_permute_pd(x, 0x5);
            v[q] = _mm256_blend_pd(_mm256_min_pd(x, w), _mm256_max_pd(x, w), 0xA);
        }
        bitonic_flip(&v[0], &v[1]); bitonic_flip(&v[2], &v[3]);    /* k = 8 */
        for (int q = 0; q < 4; q++) v[q] = bitonic_tail4(v[q]);
        bitonic_flip(&v[0], &v[3]); bitonic_flip(&v[1], &v[2]);    /* k = 16 */
        bitonic_exchange(&v[0], &v[1]); bitonic_exchange(&v[2], &v[3]);
        for (int q = 0; q < 4; q++) v[q] = bitonic_tail4(v[q]);
        for (int q = 0; q < 4; q++) _mm256_storeu_pd(a + i + 4 * q, v[q]);
    }
    for (long k = 32; k <= p; k <<= 1) {
        for (long base = 0; base < p; base += k)
            for (long o = 0; o < k / 2; o += 4) {
                V u = _mm256_loadu_pd(a + base + o), w = _mm256_loadu_pd(a + base + k - 4 - o);
                bitonic_flip(&u, &w);
                _mm256_storeu_pd(a + base + o, u);
                _mm256_storeu_pd(a + base + k - 4 - o, w);
            }
        bitonic_clean(a, p, k >> 2);
    }
}

PSK_AVX2 long psk_sort_select_avx2(const double *keys, const long *indices, long c, long k, long *out) {
    if (k < 1 || c < k || c > PSK_SORT_SELECT_LIMIT) return -1;
    double sorted[PSK_SORT_SELECT_LIMIT];
    long p = 16;
    while (p < c) p <<= 1;
    for (long j = 0; j < c; j++) sorted[j] = keys[j];
    for (long j = c; j < p; j++) sorted[j] = -__builtin_inf();   /* below every magnitude */
    bitonic_sort(sorted, p);
    /* t, the k-th largest; the k best are those above t and the first `ties` equal to t. */
    double t = sorted[p - k];
    long ties = 0;
    for (long j = p - k; j < p && sorted[j] == t; j++) ties++;
    long chosen = 0;
    for (long j = 0; j < c; j++) {
        double m = keys[j];
        long tie = (m == t) & (ties > 0);
        ties -= tie;
        out[chosen] = indices[j];
        chosen += (m > t) | tie;
    }
    return chosen;
}

PSK_AVX2 double psk_sample_threshold_avx2(const double *v, long samples, long stride, long r) {
    if (r < 1 || r > PSK_SAMPLE_RANK_LIMIT || samples < r || samples > PSK_SAMPLE_LIMIT || stride < 1) return __builtin_nan("");
    double s[PSK_SAMPLE_LIMIT + 128];
    long b = 16;
    while (b < r) b <<= 1;
    long p = (samples + b - 1) / b * b;
    const V sign = _mm256_set1_pd(-0.0), inf = _mm256_set1_pd(__builtin_inf());
    long j = 0;
    for (; j + 4 <= samples; j += 4) {
        V m = _mm256_set_pd(v[(j + 3) * stride], v[(j + 2) * stride], v[(j + 1) * stride], v[j * stride]);
        /* |v|; min(NaN, inf) is inf (the second operand when unordered) */
        _mm256_storeu_pd(s + j, _mm256_min_pd(_mm256_andnot_pd(sign, m), inf));
    }
    for (; j < samples; j++) s[j] = topk_magnitude(v[j * stride]);
    for (; j < p; j++) s[j] = -__builtin_inf();
    /* Sort each run of b; fold the others into the first, keeping its b largest: the
     * largest of a[i] and y[b-1-i] (a increasing, y mirrored) are the b largest of both, a
     * bitonic run that the half-cleaners sort. */
    for (long q = 0; q < p; q += b) bitonic_sort(s + q, b);
    for (long q = b; q < p; q += b) {
        for (long o = 0; o < b; o += 4)
            _mm256_storeu_pd(s + o, _mm256_max_pd(_mm256_loadu_pd(s + o), lanes_reversed(_mm256_loadu_pd(s + q + b - 4 - o))));
        bitonic_clean(s, b, b >> 1);
    }
    return s[b - r];
}

/* Swift's min(p, q): q < p ? q : p. */
static inline double swift_min(double p, double q) { return q < p ? q : p; }

/* The scalar form of one entry of psk_prunadag_step_avx2 (the Swift loop's operations). */
static inline double prunadag_entry(long i, double *x, const double *g, double *v, double *u,
                                    const unsigned char *relevant, unsigned char *classes, double lowerFactor,
                                    int acceptance, int boundedAbove, long *counts) {
    double xi = x[i], gi = g[i];
    double vNew = v[i] + gi * gi;
    double s = -gi / __builtin_sqrt(vNew);
    double magnitude = __builtin_fabs(xi);
    double a = lowerFactor * magnitude;
    int optimisable = relevant[i] != 0;
    if (!optimisable && acceptance && xi != 0) {
        int shrinks = (s < 0 && xi > 0) || (s > 0 && xi < 0);
        double size = __builtin_fabs(s);
        if (shrinks && a <= size && (!boundedAbove || size <= magnitude)) optimisable = 1;
    }
    double xNew;
    if (optimisable) {
        xNew = xi + s;
        v[i] = vNew;
        if (relevant[i]) classes[i] = 0; else { classes[i] = 1; counts[0] += 1; }
    } else {
        double uNew = u[i] + xi * xi;
        u[i] = uNew;
        double radius = magnitude / __builtin_sqrt(uNew);
        double d = swift_min(swift_min(a, radius), magnitude);
        xNew = xi > 0 ? xi - d : (xi < 0 ? xi + d : xi);
        classes[i] = 2;
        counts[1] += 1;
    }
    x[i] = xNew;
    double delta = xNew - xi;
    return delta * delta;
}

PSK_AVX2 double psk_prunadag_step_avx2(long n, double *x, const double *g, double *v, double *u,
                                       const unsigned char *relevant, unsigned char *classes, double lowerFactor,
                                       int acceptance, int boundedAbove, long *counts) {
    const V zero = _mm256_setzero_pd();
    const V sign = _mm256_set1_pd(-0.0);
    const V lf = _mm256_set1_pd(lowerFactor);
    const V acceptAll = acceptance ? _mm256_castsi256_pd(_mm256_set1_epi64x(-1)) : zero;
    const V unbounded = boundedAbove ? zero : _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    double sum = 0.0;
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        V xi = _mm256_loadu_pd(x + i), ui = _mm256_loadu_pd(u + i);
        int bytes;
        __builtin_memcpy(&bytes, relevant + i, 4);
        if (bytes == 0 && _mm256_movemask_pd(_mm256_cmp_pd(xi, zero, _CMP_EQ_OQ)) == 0xF) {
            /* Four entries outside R_k at x = 0 (most of them, on a sparse iterate): not
             * acceptable (x = 0), so decreasable with d = min(min(a, radius), |x|) = 0: x
             * and v stay, u becomes u + x*x as below, the step adds +0 to a sum that is
             * +0 or more. The same bits, without the square roots and divisions. */
            _mm256_storeu_pd(u + i, _mm256_add_pd(ui, _mm256_mul_pd(xi, xi)));
            __builtin_memset(classes + i, 2, 4);
            counts[1] += 4;
            continue;
        }
        V gi = _mm256_loadu_pd(g + i), vi = _mm256_loadu_pd(v + i);
        V rel = _mm256_castsi256_pd(_mm256_cmpgt_epi64(_mm256_cvtepu8_epi64(_mm_cvtsi32_si128(bytes)), _mm256_setzero_si256()));
        V vNew = _mm256_add_pd(vi, _mm256_mul_pd(gi, gi));
        V s = _mm256_div_pd(_mm256_xor_pd(gi, sign), _mm256_sqrt_pd(vNew));
        V magnitude = _mm256_andnot_pd(sign, xi);
        V a = _mm256_mul_pd(lf, magnitude);
        V size = _mm256_andnot_pd(sign, s);
        V shrinks = _mm256_or_pd(_mm256_and_pd(_mm256_cmp_pd(s, zero, _CMP_LT_OQ), _mm256_cmp_pd(xi, zero, _CMP_GT_OQ)),
                                 _mm256_and_pd(_mm256_cmp_pd(s, zero, _CMP_GT_OQ), _mm256_cmp_pd(xi, zero, _CMP_LT_OQ)));
        V acceptable = _mm256_andnot_pd(rel, acceptAll);
        acceptable = _mm256_and_pd(acceptable, _mm256_cmp_pd(xi, zero, _CMP_NEQ_UQ));
        acceptable = _mm256_and_pd(acceptable, shrinks);
        acceptable = _mm256_and_pd(acceptable, _mm256_cmp_pd(a, size, _CMP_LE_OQ));
        acceptable = _mm256_and_pd(acceptable, _mm256_or_pd(unbounded, _mm256_cmp_pd(size, magnitude, _CMP_LE_OQ)));
        V optimisable = _mm256_or_pd(rel, acceptable);
        V xOpt = _mm256_add_pd(xi, s);
        V uNew = _mm256_add_pd(ui, _mm256_mul_pd(xi, xi));
        V radius = _mm256_div_pd(magnitude, _mm256_sqrt_pd(uNew));
        /* min(min(a, radius), magnitude) with Swift's min(p, q) = q < p ? q : p = MINPD(q, p). */
        V d = _mm256_min_pd(magnitude, _mm256_min_pd(radius, a));
        V xDec = _mm256_blendv_pd(xi, _mm256_add_pd(xi, d), _mm256_cmp_pd(xi, zero, _CMP_LT_OQ));
        xDec = _mm256_blendv_pd(xDec, _mm256_sub_pd(xi, d), _mm256_cmp_pd(xi, zero, _CMP_GT_OQ));
        V xNew = _mm256_blendv_pd(xDec, xOpt, optimisable);
        _mm256_storeu_pd(x + i, xNew);
        _mm256_storeu_pd(v + i, _mm256_blendv_pd(vi, vNew, optimisable));
        _mm256_storeu_pd(u + i, _mm256_blendv_pd(uNew, ui, optimisable));
        int relBits = _mm256_movemask_pd(rel), optBits = _mm256_movemask_pd(optimisable);
        int accBits = _mm256_movemask_pd(acceptable);
        for (int k = 0; k < 4; k++) classes[i + k] = (relBits >> k) & 1 ? 0 : ((optBits >> k) & 1 ? 1 : 2);
        counts[0] += __builtin_popcount(accBits);
        counts[1] += 4 - __builtin_popcount(optBits);
        V delta = _mm256_sub_pd(xNew, xi);
        double d2[4];
        _mm256_storeu_pd(d2, _mm256_mul_pd(delta, delta));
        sum += d2[0]; sum += d2[1]; sum += d2[2]; sum += d2[3];
    }
    for (; i < n; i++) sum += prunadag_entry(i, x, g, v, u, relevant, classes, lowerFactor, acceptance, boundedAbove, counts);
    return sum;
}

#else  /* not x86-64: no AVX2, psk_vector_uses_avx2() is 0 and the functions below are never called. */

int psk_vector_decide(void) {
    (void)portable_requested();
    __atomic_store_n(&psk_vector_state, 0, __ATOMIC_RELAXED);
    return 0;
}

double psk_dot_avx2(const double *a, const double *b, long n) { (void)a; (void)b; (void)n; __builtin_trap(); }
void psk_dot_accumulate_avx2(const double *a, const double *b, long start, long end, double *acc) {
    (void)a; (void)b; (void)start; (void)end; (void)acc; __builtin_trap();
}
void psk_axpy_avx2(double alpha, const double *x, double *y, long n) { (void)alpha; (void)x; (void)y; (void)n; __builtin_trap(); }
void psk_dot4_accumulate_avx2(const double *r0, const double *r1, const double *r2, const double *r3,
                              const double *x, long start, long end, double *acc) {
    (void)r0; (void)r1; (void)r2; (void)r3; (void)x; (void)start; (void)end; (void)acc; __builtin_trap();
}
void psk_dot4_avx2(const double *r0, const double *r1, const double *r2, const double *r3,
                   const double *x, long n, double *out) {
    (void)r0; (void)r1; (void)r2; (void)r3; (void)x; (void)n; (void)out; __builtin_trap();
}
double psk_prunadag_step_avx2(long n, double *x, const double *g, double *v, double *u,
                              const unsigned char *relevant, unsigned char *classes, double lowerFactor,
                              int acceptance, int boundedAbove, long *counts) {
    (void)n; (void)x; (void)g; (void)v; (void)u; (void)relevant; (void)classes; (void)lowerFactor;
    (void)acceptance; (void)boundedAbove; (void)counts;
    __builtin_trap();
}
void psk_axpy4_avx2(const double *c, const double *r0, const double *r1, const double *r2, const double *r3,
                    double *y, long n, const double *prefetch, long rowStride, long count, int fromZero) {
    (void)c; (void)r0; (void)r1; (void)r2; (void)r3; (void)y; (void)n; (void)prefetch; (void)rowStride; (void)count;
    (void)fromZero;
    __builtin_trap();
}
long psk_sort_select_avx2(const double *keys, const long *indices, long c, long k, long *out) {
    (void)keys; (void)indices; (void)c; (void)k; (void)out;
    __builtin_trap();
}
long psk_gather_at_least_avx2(const double *v, long n, double t, double *keys, long *indices) {
    (void)v; (void)n; (void)t; (void)keys; (void)indices;
    __builtin_trap();
}
double psk_sample_threshold_avx2(const double *v, long samples, long stride, long r) {
    (void)v; (void)samples; (void)stride; (void)r;
    __builtin_trap();
}
void psk_reread_groups_avx2(const double *a, long groups, long n, const double *x, long chunk, double *out) {
    (void)a; (void)groups; (void)n; (void)x; (void)chunk; (void)out;
    __builtin_trap();
}

#endif
