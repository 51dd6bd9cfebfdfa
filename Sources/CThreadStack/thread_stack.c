// pthread_getattr_np is a GNU extension, which Swift's Glibc module does not expose.
#define _GNU_SOURCE
#include <pthread.h>

#include "CThreadStack.h"

int backstep_thread_stack(uintptr_t *lowest, size_t *size) {
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
