// mimalloc (Debian's libmimalloc-dev): linked into the executables, it serves every malloc of the
// process, the Swift runtime's included.
#include <mimalloc.h>
#include <stdlib.h>

/// Whether this process's malloc is mimalloc's (the library is linked ahead of the C library's).
static inline int backstep_malloc_is_mimalloc(void) {
  void *probe = malloc(16);
  int served = mi_is_in_heap_region(probe);
  free(probe);
  return served;
}
