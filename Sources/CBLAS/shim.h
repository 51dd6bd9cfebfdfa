// The CBLAS interface of OpenBLAS (Debian: libopenblas-dev, found through pkg-config).
#include <cblas.h>
#include <dlfcn.h>

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

/// Makes a DYNAMIC_ARCH OpenBLAS choose its kernels again, reading OPENBLAS_CORETYPE as at
/// load time. Returns 0, changing nothing, when this OpenBLAS has no such entry points.
static inline int backstep_reselect_openblas_kernels(void) {
  void (*quit)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
  void (*init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
  if (!quit || !init) return 0;
  quit();
  init();
  return 1;
}
