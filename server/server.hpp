#pragma once
// The listening side of mojifinderd: an acceptor coroutine per listening
// port (the line protocol's, and HTTP's with --http-port), each spawning a
// session coroutine of its kind per connection on one of the event loops
// (one io_context per thread), plus the registry that lets a shutdown reach
// every open session of either kind, and the counters both keep.
#include "answer_cache.hpp"
#include "config.hpp"
#include "http_core.hpp"
#include "index.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "session_memory.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/intrusive/list.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mojifinder {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Every socket, timer and coroutine of the server names the io_context's own
// executor type: the type-erased any_io_executor takes 56 bytes in each
// coroutine frame, socket and pending operation (about 380 bytes per idle
// connection in all) and an indirect call on every use.
using executor = asio::io_context::executor_type;
template <class T = void>
using awaitable = asio::awaitable<T, executor>;
using tcp_socket = asio::basic_stream_socket<tcp, executor>;
using tcp_acceptor = asio::basic_socket_acceptor<tcp, executor>;
using steady_timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                                asio::wait_traits<std::chrono::steady_clock>, executor>;
inline constexpr asio::use_awaitable_t<executor> use_awaitable;
// Errors as values: (error_code, result...) instead of an exception.
inline constexpr asio::as_tuple_t<asio::use_awaitable_t<executor>> use_tuple{use_awaitable};

// What a session's coroutine shares with the deadline sweeper. The sweeper
// only reads `deadline` and `current` (hence atomics: it may run on another
// thread); everything else is touched on the session's own event loop, the
// socket's.
struct session_state : std::enable_shared_from_this<session_state>,
                       boost::intrusive::list_base_hook<> {
    using clock = std::chrono::steady_clock;
    enum class phase : std::uint8_t { reading, writing, closing };

    void set_deadline(clock::time_point t) noexcept {
        deadline.store(t.time_since_epoch().count(), std::memory_order_relaxed);
    }
    bool expired(clock::time_point now) const noexcept {
        return now.time_since_epoch().count() >= deadline.load(std::memory_order_relaxed);
    }

    tcp_socket* socket = nullptr;   // null once the session has ended
    tcp::endpoint peer;             // for the log
    std::atomic<clock::rep> deadline{0};
    std::atomic<phase> current{phase::reading};
    clock::time_point stop_deadline = clock::time_point::max();
    clock::time_point idle_deadline = clock::time_point::max();  // while reading
    bool stopping = false;      // the server is shutting down
    bool idle_expired = false;  // the sweeper ended a wait for a line
    bool cooled = false;        // the sweeper ended a warm wait (config::warm_period)
    bool send_expired = false;  // the sweeper ended a write nobody reads
    // What a line session's commands set (/limit, /format, /classic, /lang):
    // kept here while the session is cold and its core is gone.
    protocol::session_settings settings;
    wait_memory cold_wait;
};

// Open sessions: a shutdown tells each one, and the sweeper checks their
// deadlines. Linked through the sessions themselves, so registering one
// allocates nothing.
class session_registry {
public:
    // False once stop_all() has run: the session must stop at once.
    bool add(session_state* s);
    void remove(session_state* s);
    void stop_all();
    // Posts expire() to every session whose deadline has passed.
    void expire_overdue(const config& cfg);

private:
    std::mutex mutex_;
    boost::intrusive::list<session_state, boost::intrusive::constant_time_size<false>> sessions_;
    bool stopped_ = false;
};

// Everything the server's coroutines share, and the event loops they run on.
struct server_context {
    server_context(const index& i, const config& c, logger l, index::language_id lang);

    const index& idx;
    const config& cfg;
    logger log;
    index::language_id language;  // --lang: every session's until its /lang
    warm_pool warm;
    session_registry sessions;
    // Open sessions of both kinds: --max-connections counts them together.
    std::atomic<std::size_t> active{0};
    std::atomic<bool> stopping{false};
    protocol::metrics counters;
    // What every HTTP connection's core reads: the same index, limits and counters.
    protocol::http::context http;
    // Each event loop's answers to queries asked again (--answer-cache), in
    // the order of `loops`: a loop's line sessions share its cache unlocked.
    std::vector<protocol::answer_cache> answers;
    protocol::answer_cache* answers_of(const asio::io_context& loop) noexcept;
    // One per thread; sessions are dealt to them in turn. Declared last, so
    // destroyed first: a loop's destructor destroys the coroutine frames
    // still suspended on it (after a second signal or the grace period, every
    // session's), and those frames give their memory back to `warm`, leave
    // `sessions` and log, all of which must still be there.
    std::vector<std::unique_ptr<asio::io_context>> loops;
};

// Runs on the session's executor: finish the answer being written, then say
// "error: server shutting down" and close.
void notify_stop(session_state& st);

// Runs on the session's executor: its deadline passed; cancel what it waits for.
void expire(session_state& st, const config& cfg);

// Every session's timeouts, from one timer: waking each session's own timer
// (and keeping a coroutine per session for it) costs ~3 KiB per connection.
awaitable<> sweep_deadlines(server_context& ctx);

// A kind of session the accept loop starts: what it counts as, what a
// connection refused past --max-connections gets (written whole, at once),
// and the coroutine that serves one connection.
struct session_kind {
    protocol::protocol_kind protocol;
    std::string_view (*refusal)() noexcept;
    awaitable<> (*serve)(tcp_socket socket, server_context& ctx);
};

// The line protocol (session.cpp) and HTTP (http_session.cpp).
extern const session_kind line_sessions;
extern const session_kind http_sessions;

awaitable<> accept_loop(tcp_acceptor& acceptor, server_context& ctx, const session_kind& kind);

}  // namespace mojifinder

// "127.0.0.1:2323", "[::1]:2323"; "?" for an endpoint never filled in.
template <>
struct fmt::formatter<mojifinder::tcp::endpoint> : fmt::formatter<fmt::string_view> {
    fmt::format_context::iterator format(const mojifinder::tcp::endpoint& ep, fmt::format_context& ctx) const;
};
