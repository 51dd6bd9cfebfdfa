// Vectorised exp and tanh over buffers of doubles, compiled for three instruction sets; the
// caller picks one with backstep_vector_level() (Tensors/VectorMath.swift). And what Swift has
// no word for: a prefetch (Autodiff/Variable.swift, releasing a graph), a spin-wait pause and the
// CPUs the process may use (Tensors/WorkerPool.swift, Tensors/Parallel.swift).
#ifndef BACKSTEP_VECTOR_KERNELS_H
#define BACKSTEP_VECTOR_KERNELS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // sched_getaffinity
#endif
#include <sched.h>
#include <stddef.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/// The widest vector instructions this processor has and its operating system saves across
/// context switches: 0 none that matters here, 2 AVX2 with FMA, 3 AVX-512 (F, CD, DQ, BW, VL).
static inline int backstep_vector_level(void) {
#if defined(__x86_64__)
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  if (!(fma && osxsave && avx)) return 0;
  unsigned int xcr0_low, xcr0_high;
  __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  if ((xcr0_low & 0x6) != 0x6) return 0;  // the OS saves XMM and YMM state
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  if (!((b >> 5) & 1)) return 0;  // AVX2
  unsigned int avx512 = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
  int zmmSaved = (xcr0_low & 0xe0) == 0xe0;  // opmask and both halves of the ZMM registers
  return ((b & avx512) == avx512 && zmmSaved) ? 3 : 2;
#else
  return 0;
#endif
}

/// y[i] = exp(x[i]) for `count` elements; `y` may be `x` itself. `_baseline` runs on any
/// x86-64 (SSE2) or other processor, `_avx2` needs level 2, `_avx512` level 3; all three give
/// the same bits.
void backstep_exp_baseline(const double *x, double *y, ptrdiff_t count);
void backstep_exp_avx2(const double *x, double *y, ptrdiff_t count);
void backstep_exp_avx512(const double *x, double *y, ptrdiff_t count);

/// y[i] = tanh(x[i]), as backstep_exp_*.
void backstep_tanh_baseline(const double *x, double *y, ptrdiff_t count);
void backstep_tanh_avx2(const double *x, double *y, ptrdiff_t count);
void backstep_tanh_avx512(const double *x, double *y, ptrdiff_t count);

/// Asks for the cache line at `address` ahead of a write to it.
static inline void backstep_prefetch(const void *address) { __builtin_prefetch(address, 1, 3); }

/// How many CPUs this process may run on (its affinity: `taskset`, a container's cpuset), as
/// `nproc` counts them; 0 when the system does not say.
static inline int backstep_usable_cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  return CPU_COUNT(&set);
}

/// Tells the core that this thread is spinning on a flag (x86's PAUSE): the other hyperthread
/// gets the core's resources, and leaving the loop does not flush the pipeline.
static inline void backstep_spin_pause(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

#endif
