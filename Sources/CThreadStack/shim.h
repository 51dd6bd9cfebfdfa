// The running thread's stack bounds, for the interpreter's stack guard. Header-only: nothing to
// link (pthread is in libc), and no C object whose debug information older tools cannot read.
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__linux__)
// glibc declares pthread_getattr_np only under _GNU_SOURCE, which Swift's Glibc module is not built with.
extern int pthread_getattr_np(pthread_t thread, pthread_attr_t *attributes);
#endif

/// The calling thread's stack: its lowest address and its size in bytes.
/// Returns 0 on success, -1 when the system does not tell.
static inline int backstep_thread_stack(uintptr_t *lowest, size_t *size) {
#if defined(__linux__)
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0) return -1;
  void *base = NULL;
  size_t bytes = 0;
  int result = pthread_attr_getstack(&attributes, &base, &bytes);
  pthread_attr_destroy(&attributes);
  if (result != 0) return -1;
  *lowest = (uintptr_t)base;
  *size = bytes;
  return 0;
#else
  (void)lowest;
  (void)size;
  return -1;
#endif
}
