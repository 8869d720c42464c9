#ifndef SPECRTC_ALLOCATION_COUNTER_H
#define SPECRTC_ALLOCATION_COUNTER_H

/// The number of heap allocations (malloc, calloc, realloc, memalign, posix_memalign,
/// aligned_alloc) this process has made since it started, or -1 where the counter is not
/// available (anything but glibc). Benchmarks only: linking this target replaces the C
/// allocator's entry points of the whole program with counting wrappers around glibc's own.
long long specrtc_allocation_count(void);

#endif
