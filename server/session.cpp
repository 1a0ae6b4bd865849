// Flow: session() registers itself and drives the sans-I/O session_core: it
// writes what the core hands out (at once, without suspending, when the
// socket takes it all), reads (async_read_until on the core's line_end) when
// the core asks, and after the core's last write lingers briefly so the close
// is clean. Between lines a session is warm (reads at once, keeping its
// buffer) for config::keep_warm after a line, then cold (waits for
// readability holding no buffer and no core, only the core's settings: a
// core with an answer left for /more is not quiet, so it stays warm).
// session() keeps the deadline of its current phase (warm, idle while
// reading, send while writing, linger while closing) in session_state;
// sweep_deadlines() checks every session's a few times a second and, when one has passed, cancels that socket's pending
// operation; session() sees why in session_state.
#include "server.hpp"
#include "session_core.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <array>

namespace mojifinder {
namespace {

// While the core drops an over-long line any byte will do: waiting for a full
// buffer would leave the last bytes before the 1 MiB limit uncounted.
struct line_end_condition {
    bool any_byte = false;
    template <class It>
    std::pair<It, bool> operator()(It begin, It end) const {
        if (any_byte) return {end, begin != end};
        return protocol::line_end(begin, end);
    }
};

}  // namespace
}  // namespace mojifinder

template <>
struct boost::asio::is_match_condition<mojifinder::line_end_condition> : std::true_type {};

namespace mojifinder {
namespace {

using clock = std::chrono::steady_clock;

// Timeouts fire up to this late; never early.
constexpr auto sweep_period = std::chrono::milliseconds(100);

std::string_view event_name(protocol::event e) {
    switch (e) {
    case protocol::event::none: return "";
    case protocol::event::answered: return "answered";
    case protocol::event::blank: return "blank line";
    case protocol::event::hang_up: return "hang-up byte";
    case protocol::event::invalid_utf8: return "invalid UTF-8";
    case protocol::event::too_long: return "line too long";
    case protocol::event::flood: return "1 MiB without LF";
    case protocol::event::client_done: return "client closed";
    case protocol::event::shutdown: return "server shutting down";
    case protocol::event::idle_timeout: return "idle timeout";
    case protocol::event::command: return "command";
    case protocol::event::quit: return "quit";
    }
    return "";
}

void log_step(const server_context& ctx, const session_state& st, const protocol::step& s) {
    if (s.what == protocol::event::none || ctx.log.quiet()) return;
    if (s.what == protocol::event::answered)
        ctx.log.info("{} query {:?}: {} found", st.peer, s.query, s.found);
    else if (s.what == protocol::event::command || s.what == protocol::event::quit)
        ctx.log.info("{} command {:?}", st.peer, s.query);
    else
        ctx.log.info("{} {}", st.peer, event_name(s.what));
}

void log_event(const server_context& ctx, const session_state& st, std::string_view what) {
    ctx.log.info("{} {}", st.peer, what);
}

// `out` as buffers, less its first `skip` bytes; returns how many.
std::size_t gather(std::span<const std::string_view> out, std::size_t skip,
                   std::span<asio::const_buffer, protocol::session_core::max_out> buffers) {
    std::size_t n = 0;
    for (std::string_view piece : out) {
        std::size_t drop = std::min(skip, piece.size());
        skip -= drop;
        if (piece.size() > drop) buffers[n++] = asio::buffer(piece.data() + drop, piece.size() - drop);
    }
    return n;
}

// Up to this many bytes of a write made of several pieces are copied into
// one stack buffer first: the kernel spends more per iovec (~100 ns) than a
// memcpy of the ~40 lines of bytes of an answer like "arrow left" costs, and
// one contiguous write measured 15-25 % more small answers per second
// (bench/notes.md). Long runs (CJK) still go straight from the index.
constexpr std::size_t flatten_limit = 16u << 10;

// One non-blocking write of `out` (`total` bytes), its buffers on the
// thread's stack rather than in a coroutine frame: a small answer usually
// leaves here whole, and the session does not suspend for it.
std::size_t write_now(tcp_socket& sock, std::span<const std::string_view> out, std::size_t total,
                      boost::system::error_code& ec) {
    std::array<asio::const_buffer, protocol::session_core::max_out> buffers;
    std::size_t n = gather(out, 0, buffers);
    if (n == 0) return 0;
    if (n == 1 || total > flatten_limit) return sock.write_some(std::span(buffers.data(), n), ec);
    std::array<char, flatten_limit> flat;
    asio::buffer_copy(asio::buffer(flat), std::span(buffers.data(), n));
    return sock.write_some(asio::buffer(flat.data(), total), ec);
}

std::size_t total_size(std::span<const std::string_view> out) {
    std::size_t total = 0;
    for (std::string_view piece : out) total += piece.size();
    return total;
}

// Writes the rest of `out`, after its first `skip` bytes. Every write that
// makes progress restarts the send timeout: only a client that takes no
// bytes at all for that long is dropped.
awaitable<bool> send(tcp_socket& sock, std::span<const std::string_view> out, std::size_t skip,
                     session_state& st, const config& cfg) {
    std::array<asio::const_buffer, protocol::session_core::max_out> buffers;
    std::size_t n = gather(out, skip, buffers);
    std::size_t first = 0;
    st.current = session_state::phase::writing;
    while (first < n) {
        st.set_deadline(std::min(clock::now() + cfg.send_timeout, st.stop_deadline));
        auto [ec, written] = co_await sock.async_write_some(
            std::span(buffers.data() + first, n - first), use_tuple);
        if (ec) co_return false;
        for (; first < n && written >= buffers[first].size(); ++first) written -= buffers[first].size();
        if (first < n) buffers[first] += written;
    }
    co_return true;
}

// After the last byte: no more sending, and whatever the client still sends
// is read and dropped for a moment, so the kernel does not answer it with a
// reset that could destroy our last line before the client has read it.
awaitable<> linger(tcp_socket& sock, session_state& st) {
    boost::system::error_code ec;
    sock.shutdown(tcp_socket::shutdown_send, ec);
    if (ec) co_return;
    st.current = session_state::phase::closing;
    st.set_deadline(clock::now() + config::linger);
    std::array<char, 512> sink;
    for (;;) {
        auto [read_ec, n] = co_await sock.async_read_some(asio::buffer(sink), use_tuple);
        if (read_ec) co_return;
    }
}

}  // namespace

void notify_stop(session_state& st) {
    if (st.socket == nullptr || st.stopping) return;
    st.stopping = true;
    st.stop_deadline = clock::now() + config::shutdown_grace;
    if (st.current == session_state::phase::reading) {
        boost::system::error_code ec;
        st.socket->cancel(ec);
    } else if (!st.expired(st.stop_deadline)) {
        st.set_deadline(st.stop_deadline);
    }
}

void expire(session_state& st, const config& cfg) {
    auto now = clock::now();
    if (st.socket == nullptr || !st.expired(now)) return;  // ended, or moved on since the sweep
    switch (st.current.load()) {
    case session_state::phase::reading:
        // Before the idle deadline, only the warm wait ended: session() waits on, cold.
        (now >= st.idle_deadline ? st.idle_expired : st.cooled) = true;
        break;
    case session_state::phase::writing: st.send_expired = true; break;
    case session_state::phase::closing: break;
    }
    // session() takes over with a fresh deadline for what it still writes.
    st.set_deadline(now + cfg.send_timeout);
    boost::system::error_code ec;
    st.socket->cancel(ec);
}

awaitable<> sweep_deadlines(server_context& ctx) {
    steady_timer tick(co_await asio::this_coro::executor);
    while (!ctx.stopping.load() || ctx.active.load() > 0) {
        tick.expires_after(sweep_period);
        co_await tick.async_wait(use_tuple);
        ctx.sessions.expire_overdue(ctx.cfg);
    }
}

// The session's bookkeeping lives in plain functions: whatever a coroutine
// computes stays in its frame for the session's whole life.
namespace {

std::shared_ptr<session_state> open_session(tcp_socket& sock, server_context& ctx) {
    auto st = std::make_shared<session_state>();
    st->socket = &sock;
    st->idle_deadline = clock::now() + ctx.cfg.idle_timeout;
    st->set_deadline(st->idle_deadline);
    st->settings = protocol::session_settings::for_server(ctx.cfg.classic, ctx.language);
    if (!ctx.sessions.add(st.get())) st->stopping = true;
    boost::system::error_code ec;
    // write_now() must never block the loop.
    sock.non_blocking(true, ec);
    st->peer = sock.remote_endpoint(ec);
    ctx.log.info("{} connected", st->peer);
    return st;
}

// Runs however session() ends: a co_return, the end of its loop, or the
// exception its one catch took.
struct session_closer {
    session_state& st;
    server_context& ctx;
    std::exception_ptr error;

    ~session_closer() {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                ctx.log.always("{} session error: {}", st.peer, e.what());
            } catch (...) {
                ctx.log.always("{} session error", st.peer);
            }
        }
        // Out of the registry first: while registered, the socket is there.
        ctx.sessions.remove(&st);
        st.socket = nullptr;
        ctx.active.fetch_sub(1, std::memory_order_relaxed);
        ctx.log.info("{} closed", st.peer);
    }
};

}  // namespace

// One coroutine frame for the whole session (no nested serving coroutine):
// each frame costs a few hundred bytes for as long as the connection lasts.
awaitable<> session(tcp_socket sock, const index& idx, server_context& ctx) {
    const std::shared_ptr<session_state> owner = open_session(sock, ctx);
    session_state& st = *owner;
    session_closer closer{st, ctx, nullptr};
    try {
        const config& cfg = ctx.cfg;
        bool eof = false;
        bool wrote = false;  // since the last read: the idle time starts again
        // A warm session (a line within config::keep_warm) keeps its
        // warm_state and reads at once; a cold one gives it back and waits
        // for bytes first, taking one again when they are there.
        bool keep_warm = false;
        warm_ptr warm(ctx.warm.acquire(idx, cfg.max_line, st.settings), warm_release{&ctx.warm});
        protocol::step s = warm->core.start();
        for (;;) {
            if (!s.out.empty()) {
                boost::system::error_code ec;
                std::size_t total = total_size(s.out);
                std::size_t written = write_now(sock, s.out, total, ec);
                if ((ec && ec != asio::error::would_block) ||
                    (written < total && !co_await send(sock, s.out, written, st, cfg))) {
                    log_event(ctx, st, st.send_expired ? "dropped: send timeout" : "dropped: write failed");
                    co_return;
                }
                wrote = true;
            }
            if (s.kind == protocol::step_kind::close) break;
            if (s.kind == protocol::step_kind::read) {
                warm->drop_consumed();
                auto now = clock::now();
                if (wrote) {
                    st.idle_deadline = now + cfg.idle_timeout;
                    wrote = false;
                }
                st.current = session_state::phase::reading;
                // Flags from a sweep that came after the last read had already finished.
                st.idle_expired = st.cooled = false;
                bool between_lines = warm->input.empty() && warm->core.quiet();
                boost::system::error_code ec;
                if (between_lines && !keep_warm) {
                    st.settings = warm->core.settings();
                    warm.reset();
                    st.set_deadline(st.idle_deadline);
                    std::tie(ec) = co_await sock.async_wait(
                        tcp_socket::wait_read,
                        asio::bind_allocator(fixed_allocator<void, wait_memory_size>(st.cold_wait), use_tuple));
                    warm.reset(ctx.warm.acquire(idx, cfg.max_line, st.settings));
                    keep_warm = true;
                } else {
                    st.set_deadline(between_lines ? std::min(now + config::keep_warm, st.idle_deadline)
                                                  : st.idle_deadline);
                }
                if (!ec) {
                    std::tie(ec, std::ignore) = co_await asio::async_read_until(
                        sock, asio::dynamic_buffer(warm->input, warm->core.input_limit()),
                        line_end_condition{warm->core.discarding()},
                        asio::bind_allocator(fixed_allocator<void, warm_state::read_room>(warm->read_memory),
                                             use_tuple));
                }
                if (ec == asio::error::eof) {
                    eof = true;
                } else if (ec == asio::error::operation_aborted && st.idle_expired) {
                    s = warm->core.idle_timeout();
                    log_step(ctx, st, s);
                    continue;
                } else if (ec == asio::error::operation_aborted && st.cooled && !st.stopping) {
                    keep_warm = false;  // the same read step again, now cold
                    continue;
                } else if (ec && ec != asio::error::operation_aborted && ec != asio::error::not_found) {
                    log_event(ctx, st, "connection lost: " + ec.message());
                    co_return;
                }
                // operation_aborted otherwise: a shutdown, which next() reports.
                // not_found: the buffer is full with no LF, which next() drops.
            }
            s = warm->core.next(warm->unread(), eof, st.stopping);
            log_step(ctx, st, s);
            warm->head += warm->core.consumed();
        }
        co_await linger(sock, st);
    } catch (...) {
        closer.error = std::current_exception();
    }
}

}  // namespace mojifinder
