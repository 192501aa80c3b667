// Transparent huge pages for large freshly allocated outputs. The first write to each 4 KiB page of a new
// allocation is a page fault (the kernel zeroes the page); for the 60 MB pixel_values of a 70-frame video that is
// ~15k faults, about 40 ms on this machine versus ~15 ms with 2 MiB pages. MADV_HUGEPAGE is only a hint (and a
// no-op where THP is disabled), applied to the 2 MiB-aligned interior of the buffer before anything is written.
// libtorch can do the same for every allocation with THP_MEM_ALLOC_ENABLE=1; this covers our own big outputs
// without changing the allocator for the rest of the process.
#pragma once
#include <cstddef>

namespace rarft::video {

// Advises huge pages for [p, p + bytes) when it spans at least one whole 2 MiB page. Never fails.
void AdviseHugePages(void* p, size_t bytes);

}  // namespace rarft::video
