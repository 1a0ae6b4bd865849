#pragma once
// Where a session's memory comes from. A cold session (between lines or
// HTTP requests, after config::warm_period) holds only its coroutine frame and
// its state; a warm one also holds a warm_state (http_warm_state): the
// protocol core, the input buffer and room for the read in flight, in one
// page of its own from the warm_pool. Giving the
// page back when the session cools makes the resident size fall with it:
// the same buffers from the heap stay resident after they are freed, because
// the long-lived blocks of other sessions sit between them.
#include "http_core.hpp"
#include "session_core.hpp"

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

namespace mojifinder {

// Room for one block of at most N bytes at a time, inside its owner; a
// larger block, or a second one, comes from the heap.
template <std::size_t N>
class fixed_memory {
public:
    void* allocate(std::size_t size) {
        if (in_use_ || size > storage_.size()) return ::operator new(size);
        in_use_ = true;
        return storage_.data();
    }
    void deallocate(void* p) noexcept {
        if (p == storage_.data())
            in_use_ = false;
        else
            ::operator delete(p);
    }

private:
    alignas(std::max_align_t) std::array<std::byte, N> storage_;
    bool in_use_ = false;
};

// An allocator over one fixed_memory: for Asio's operations (through
// bind_allocator) and for the input buffer.
template <class T, std::size_t N>
struct fixed_allocator {
    using value_type = T;
    template <class U>
    struct rebind {
        using other = fixed_allocator<U, N>;
    };
    explicit fixed_allocator(fixed_memory<N>& m) noexcept : memory(&m) {}
    template <class U>
    fixed_allocator(const fixed_allocator<U, N>& other) noexcept : memory(other.memory) {}
    T* allocate(std::size_t n) { return static_cast<T*>(memory->allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { memory->deallocate(p); }
    // Default-initialises: a buffer grown for a read is written by the read,
    // so zeroing it first (as resize() otherwise does) is wasted.
    template <class U>
    void construct(U* p) noexcept(noexcept(U())) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <class U>
    bool operator==(const fixed_allocator<U, N>& other) const noexcept {
        return memory == other.memory;
    }
    fixed_memory<N>* memory;
};

// The operation a cold session waits on: 96 bytes with the io_context's own
// executor type.
inline constexpr std::size_t wait_memory_size = 96;
using wait_memory = fixed_memory<wait_memory_size>;

// A warm session's input buffer, inside its page: requests up to
// input_room bytes (a query line; an HTTP request, a browser's ~0.5-1 KiB)
// stay there; longer ones (up to --max-line, or the HTTP header limits) move
// the buffer to the heap until the session cools.
struct page_input {
    static constexpr std::size_t input_room = 2048;
    using input_allocator = fixed_allocator<char, input_room>;
    using input_buffer = std::vector<char, input_allocator>;

    page_input() : input(input_allocator(input_memory)) {
        input.reserve(input_room);  // all the room at once: growing would move it to the heap
    }
    page_input(const page_input&) = delete;
    page_input& operator=(const page_input&) = delete;

    std::string_view unread() const noexcept {
        return std::string_view(input.data(), input.size()).substr(head);
    }
    // Before the next read: what the core has consumed leaves the buffer.
    void drop_consumed() noexcept {
        input.erase(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(head));
        head = 0;
    }

    fixed_memory<input_room> input_memory;
    input_buffer input;  // after input_memory: destroyed before it
    std::size_t head = 0;  // input before head is consumed
};

// What a warm line session holds, all in one page. The core's search
// scratch and its reply buffer live on the heap (a unique_ptr and a
// std::string here), reused from query to query while the session is warm.
struct warm_state : page_input {
    // A read_until operation on the session's socket (~250 bytes).
    static constexpr std::size_t read_room = 384;

    warm_state(const index& idx, std::size_t max_line, const protocol::session_settings& settings,
               protocol::answer_cache* answers)
        : core(idx, max_line, settings, answers) {}

    protocol::session_core core;
    fixed_memory<read_room> read_memory;
    // The answer being written, for the counters: its bytes so far.
    bool answering = false;
    std::size_t answer_bytes = 0;
};

// What a warm HTTP connection holds, all in one page: its core (whose
// parser and response state are on the heap, freed when it cools), its
// input and room for the read in flight.
struct http_warm_state : page_input {
    // An async_read_some operation on the connection's socket (~150 bytes).
    static constexpr std::size_t read_room = 256;

    explicit http_warm_state(const protocol::http::context& ctx) : core(ctx) {}

    protocol::http::connection_core core;
    fixed_memory<read_room> read_memory;
};

// Page-sized blocks for warm_state (a line session's) and http_warm_state
// (an HTTP connection's, server/http_session.cpp), carved from larger
// mappings; a block given back is returned to the kernel at once
// (MADV_DONTNEED), so a burst of sessions that then go quiet leaves no
// resident memory behind. Shared by the event loops: a session takes and
// gives back a block only when it warms up or cools down, never per query.
class warm_pool {
public:
    static constexpr std::size_t block_size = 4096;

    warm_pool() = default;
    warm_pool(const warm_pool&) = delete;
    warm_pool& operator=(const warm_pool&) = delete;
    ~warm_pool();

    // A State built in a fresh or reused block; throws std::bad_alloc.
    template <class State, class... Args>
    State* acquire(Args&&... args) {
        static_assert(sizeof(State) <= block_size && alignof(State) <= alignof(std::max_align_t));
        void* block = take_block();
        try {
            return new (block) State(std::forward<Args>(args)...);
        } catch (...) {
            give_back(block);
            throw;
        }
    }
    template <class State>
    void release(State* s) noexcept {
        s->~State();
        give_back(s);
    }

private:
    void* take_block();
    void give_back(void* block) noexcept;

    std::mutex mutex_;
    std::vector<void*> free_;
    std::vector<void*> mappings_;
};

template <class State>
struct warm_release {
    warm_pool* pool;
    void operator()(State* s) const noexcept { pool->release(s); }
};
template <class State>
using pooled_ptr = std::unique_ptr<State, warm_release<State>>;
using warm_ptr = pooled_ptr<warm_state>;

}  // namespace mojifinder
