// Flow: acquire() takes a block from the free list, mapping a new chunk of
// blocks when the list is empty, and builds a warm_state in it; release()
// destroys the warm_state, returns the block's page to the kernel and puts
// the block back on the free list. Mappings live until the pool does.
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

warm_state* warm_pool::acquire(const index& idx, std::size_t max_line,
                               const protocol::session_settings& settings) {
    void* block = nullptr;
    {
        std::lock_guard lock(mutex_);
        if (free_.empty()) {
            void* m = mmap(nullptr, chunk_blocks * block_size, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m == MAP_FAILED) throw std::bad_alloc();
            mappings_.push_back(m);
            free_.reserve(mappings_.size() * chunk_blocks);  // release() never allocates
            for (std::size_t i = chunk_blocks; i > 0; --i)
                free_.push_back(static_cast<std::byte*>(m) + (i - 1) * block_size);
        }
        block = free_.back();
        free_.pop_back();
    }
    try {
        return new (block) warm_state(idx, max_line, settings);
    } catch (...) {
        std::lock_guard lock(mutex_);
        free_.push_back(block);
        throw;
    }
}

void warm_pool::release(warm_state* w) noexcept {
    w->~warm_state();
    // The page's contents are not needed again: the next warm_state starts
    // afresh, and a fresh page is all zeroes anyway.
    madvise(w, block_size, MADV_DONTNEED);
    std::lock_guard lock(mutex_);
    free_.push_back(w);
}

}  // namespace mojifinder
