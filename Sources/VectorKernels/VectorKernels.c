// exp and tanh on eight doubles at a time, each within 0.9 ulp of the exact result (glibc's
// exp is within 0.51 ulp; its tanh is off by up to 2.2 ulp).
//
// The kernels are straight-line code: every lane computes every branch of the algorithm and
// masks pick the answer (tanh skips its exponential branch when no lane needs it), so an
// element's result never depends on its neighbours or on its position in the buffer. The
// tail of a buffer is padded into one more vector and goes through the same code. Rounding
// to an integer, 2^k and the sign are bit tricks, so the baseline needs nothing beyond SSE2.
//
// The same code is compiled three times, for the baseline, AVX2 and AVX-512 (C, because
// Swift cannot compile a function for an instruction set its module was not built for).
// Products and sums are never fused into multiply-adds, so the three give the same bits.

#include "VectorKernels.h"

#pragma clang fp contract(off)
// The helpers pass eight doubles by value; without AVX-512 that takes another calling
// convention, which only matters across builds, and the helpers are inlined within each.
#pragma clang diagnostic ignored "-Wpsabi"

typedef double Lanes __attribute__((ext_vector_type(8)));
typedef long Mask __attribute__((ext_vector_type(8)));  // a comparison's lanes: -1 true, 0 false
typedef unsigned long long Bits __attribute__((ext_vector_type(8)));

/// 1.5 · 2^52: adding it rounds a double with |v| < 2^51 to the nearest integer (ties to even),
/// and leaves that integer in the low bits of the sum.
static const double roundingShift = 0x1.8p52;

/// Below this |x| tanh uses its rational form; at and above, 1 − 2/(e^2x + 1).
///
/// Cephes' choice. It lies above ln3/2 ≈ 0.549, where tanh = ½: the exponential form computes
/// 1 − t with t = 2/(e^2x + 1) < ½ ≤ tanh x, so an ulp of t is at most half an ulp of the
/// result, and less as |x| grows.
static const double tanhSwitch = 0.625;

static const unsigned long long signBit = 1ull << 63;

#define CONCATENATED(f, suffix) f##_##suffix
#define NAMED(f, suffix) CONCATENATED(f, suffix)
#define NAME(f) NAMED(f, SUFFIX)

#define SUFFIX baseline
#include "Kernels.h"
#undef SUFFIX

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define SUFFIX avx2
#include "Kernels.h"
#undef SUFFIX
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512dq"))), apply_to = function)
#define SUFFIX avx512
#include "Kernels.h"
#undef SUFFIX
#pragma clang attribute pop
#else
// Other processors have one build of the kernels; the level is 0 there, so these never run.
#define SUFFIX avx2
#include "Kernels.h"
#undef SUFFIX
#define SUFFIX avx512
#include "Kernels.h"
#undef SUFFIX
#endif
