#ifndef BACKSTEP_CTHREADSTACK_H
#define BACKSTEP_CTHREADSTACK_H

#include <stddef.h>
#include <stdint.h>

/// The calling thread's stack: its lowest address and its size in bytes.
/// Returns 0 on success, -1 when the system does not tell.
int backstep_thread_stack(uintptr_t *lowest, size_t *size);

#endif
