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

/// Keeps memory the process frees for `milliseconds` before mimalloc hands it back to the kernel
/// (its own default is 25 ms), unless MIMALLOC_DECOMMIT_DELAY says otherwise. A tensor's
/// megabytes freed and allocated again within that time are reused, not faulted in again page by
/// page: a step of a loop, the next statement of a script, two computations in turn.
static inline void backstep_malloc_keep_freed_memory(long milliseconds) {
  if (getenv("MIMALLOC_DECOMMIT_DELAY") == NULL) mi_option_set(mi_option_decommit_delay, milliseconds);
}
