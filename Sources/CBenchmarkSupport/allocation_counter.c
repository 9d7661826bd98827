// Counts heap allocations by defining malloc and its relatives in the executable, which the
// dynamic linker then binds every library's calls to (glibc documents this as "Replacing
// malloc"). Each definition counts and forwards to glibc's own allocator through its exported
// __libc_* entry points, so there is no dlsym lookup and no recursion. free, valloc and pvalloc
// are left to glibc: the allocator underneath is the same.
#include "CBenchmarkSupport.h"

#include <stdatomic.h>
#include <stddef.h>

#if defined(__linux__) && defined(__GLIBC__)
#include <errno.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static _Atomic unsigned long allocations;
static _Atomic unsigned long bytes;

static inline void count(size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bytes, size, memory_order_relaxed);
}

void *malloc(size_t size) {
    count(size);
    return __libc_malloc(size);
}

void *calloc(size_t elements, size_t size) {
    count(elements * size);
    return __libc_calloc(elements, size);
}

// Counted whether it grows in place or moves: either way the caller asked for memory.
void *realloc(void *pointer, size_t size) {
    count(size);
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    count(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count(size);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    count(size);
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

int bench_allocation_counting_is_built(void) { return 1; }
unsigned long bench_allocation_count(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
unsigned long bench_allocated_bytes(void) { return atomic_load_explicit(&bytes, memory_order_relaxed); }

#else

int bench_allocation_counting_is_built(void) { return 0; }
unsigned long bench_allocation_count(void) { return 0; }
unsigned long bench_allocated_bytes(void) { return 0; }

#endif
