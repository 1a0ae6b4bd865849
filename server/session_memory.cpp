// Flow: take_block() takes a block from the free list, mapping a new chunk
// of blocks when the list is empty (acquire() builds the state in it);
// give_back() (after release() has destroyed the state) returns the block's
// page to the kernel and puts the block back on the free list. Mappings
// live until the pool does.
#include "session_memory.hpp"

#include <sys/mman.h>

namespace mojifinder {
namespace {

// Blocks per mapping: few enough mappings, little address space unused.
constexpr std::size_t chunk_blocks = 64;

}  // namespace

warm_pool::~warm_pool() {
    for (void* m : mappings_) munmap(m, chunk_blocks * block_size);
}

void* warm_pool::take_block() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) {
        void* m = mmap(nullptr, chunk_blocks * block_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (m == MAP_FAILED) throw std::bad_alloc();
        mappings_.push_back(m);
        free_.reserve(mappings_.size() * chunk_blocks);  // give_back() never allocates
        for (std::size_t i = chunk_blocks; i > 0; --i)
            free_.push_back(static_cast<std::byte*>(m) + (i - 1) * block_size);
    }
    void* block = free_.back();
    free_.pop_back();
    return block;
}

void warm_pool::give_back(void* block) noexcept {
    // The page's contents are not needed again: the next state starts
    // afresh, and a fresh page is all zeroes anyway.
    madvise(block, block_size, MADV_DONTNEED);
    std::lock_guard lock(mutex_);
    free_.push_back(block);
}

}  // namespace mojifinder
