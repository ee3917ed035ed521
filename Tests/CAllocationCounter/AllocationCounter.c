// Counts heap allocations on one thread, for the tests that prove the frame path allocates nothing.
//
// Linked into the test executable, these definitions take the place of libc's for the whole process (ELF symbol
// interposition) and forward to glibc's own entry points. Counting is per thread and off unless a test turns it
// on, so other threads and other tests pay one thread-local load per call.
#include <stddef.h>
#include "CAllocationCounter.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);

static __thread int counting = 0;
static __thread long counted = 0;

void *malloc(size_t size) {
    if (counting) counted += 1;
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    if (counting) counted += 1;
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    if (counting) counted += 1;
    return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

void chorus_allocations_start(void) {
    counted = 0;
    counting = 1;
}

long chorus_allocations_stop(void) {
    counting = 0;
    return counted;
}
