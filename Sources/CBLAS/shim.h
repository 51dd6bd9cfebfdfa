// The CBLAS interface of OpenBLAS (Debian: libopenblas-dev, found through pkg-config).
#include <cblas.h>
#include <dlfcn.h>

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
