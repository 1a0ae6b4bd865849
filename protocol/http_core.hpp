#pragma once
// One HTTP/1.1 connection without I/O (docs/HTTP.md): fed the bytes the
// client has sent, it says what to write, when to read and with which
// deadline, and when to close. The server (server/http_session.cpp), the
// fuzzer (tests/fuzz/fuzz_http.cpp) and the tests drive the same object.
//
// Flow: bytes go to Boost.Beast's request parser (header limits from
// config); a complete request is routed (GET and HEAD: /api/search,
// /api/languages, /search, /healthz, /metrics, the page's files; anything
// else an error status) and its response is handed out in writes: the
// header, then the body in pieces of at most config::write_chunk (a big
// /api/search answer chunked, rendered a few results at a time from the
// search layer's scratch, so memory stays bounded whatever its size).
// Requests pipelined behind it wait in the input until it is written.
// Timeouts are decided here: read() carries the deadline the driver
// applies; timed_out() says what to do when it passes.
#include "config.hpp"
#include "index.hpp"
#include "metrics.hpp"

#include <atomic>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace mojifinder::protocol::http {

// What the server shares with every HTTP connection.
struct context {
    const index& idx;
    const config& cfg;
    metrics& counters;
    index::language_id default_language;  // --lang
    // /healthz: 200 while serving, 503 once the server is stopping.
    const std::atomic<bool>* stopping = nullptr;
};

// What the driver does next. Made by the named factories; each accessor
// asserts the kind it belongs to.
class action {
public:
    enum class kind : std::uint8_t {
        read,   // read more bytes; when timeout() passes first, call timed_out()
        write,  // write out() (it stays valid until next() is called), then call next()
        close,  // write out() (may be empty), then close the connection
    };

    static action read(std::chrono::milliseconds timeout) noexcept { return {kind::read, timeout, {}}; }
    static action write(std::span<const std::string_view> out) noexcept { return {kind::write, {}, out}; }
    static action close(std::span<const std::string_view> out = {}) noexcept { return {kind::close, {}, out}; }

    kind what() const noexcept { return kind_; }
    std::chrono::milliseconds timeout() const noexcept {
        assert(kind_ == kind::read);
        return timeout_;
    }
    std::span<const std::string_view> out() const noexcept {
        assert(kind_ != kind::read);
        return out_;
    }

private:
    action(kind k, std::chrono::milliseconds t, std::span<const std::string_view> o) noexcept
        : kind_(k), timeout_(t), out_(o) {}
    kind kind_;
    std::chrono::milliseconds timeout_;
    std::span<const std::string_view> out_;
};

class connection_core {
public:
    explicit connection_core(const context& ctx);
    ~connection_core();
    connection_core(const connection_core&) = delete;
    connection_core& operator=(const connection_core&) = delete;

    // The first action: read, with the idle deadline.
    action start() noexcept;

    // `input` is every byte received and not yet consumed; `eof`: the client
    // sends no more; `stopping`: the server is shutting down (the response
    // being written ends, then "Connection: close"). Afterwards the caller
    // drops the first consumed() bytes of input and keeps out() alive until
    // written.
    action next(std::string_view input, bool eof, bool stopping);
    std::size_t consumed() const noexcept;

    // The last read()'s deadline passed: 408 and close mid-request, a silent
    // close between requests.
    action timed_out();

    // The bytes of input a request may need at most (its header): a fuller
    // buffer without a complete header is 414 or 431.
    std::size_t input_limit() const noexcept;

    // Between requests with nothing pending: a connection kept alive may
    // drop this core and make a fresh one when bytes come (an idle
    // connection then holds no parser and no buffers).
    bool quiet() const noexcept;

    // For the driver's latency count: true once after next() has produced
    // a response's first bytes to a query (/api/search, /search).
    bool answered_query() const noexcept;

private:
    struct state;
    std::unique_ptr<state> state_;
};

// The response a connection refused past --max-connections gets, whole:
// "HTTP/1.1 503 Service Unavailable" with Retry-After and a JSON error.
std::string_view busy_response() noexcept;

}  // namespace mojifinder::protocol::http
