#ifndef CBENCHMARK_SUPPORT_H
#define CBENCHMARK_SUPPORT_H

/// Whether this build replaces malloc and its relatives with the counting versions
/// (glibc on Linux). Elsewhere the counters stay at zero.
int bench_allocation_counting_is_built(void);

/// The number of heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc,
/// memalign) made by any thread of the process since it started.
unsigned long bench_allocation_count(void);

/// The bytes requested by those allocations.
unsigned long bench_allocated_bytes(void);

/// Returns `value` through a call the Swift optimizer cannot see into, so benchmark loops
/// can neither fold their inputs into constants nor drop their results.
float bench_opaque_float(float value);

#endif
