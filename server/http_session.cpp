// Flow: http_session() registers itself like a line session (the same
// registry, connection limit, sweeper and shutdown) and drives the sans-I/O
// protocol::http::connection_core: it writes what the core hands out (at
// once, without suspending, when the socket takes it all), reads when the
// core asks, with the deadline the core gives (the sweeper ends the read
// when it passes, and the core's timed_out() says what then), and after the
// core's last write lingers briefly so the close is clean. Bytes of
// pipelined requests stay in the input until the core takes them. Between
// requests a busy connection is warm (its core and input kept) for
// config::warm_period after a response, then cold, as any other is at once:
// it gives back its page, core and all, and waits for readability, so an
// idle keep-alive connection holds only its frame and its session_state.
#include "server.hpp"
#include "session_io.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

namespace mojifinder {
namespace {

using clock = std::chrono::steady_clock;
using protocol::http::action;
constexpr auto http = protocol::protocol_kind::http;
using http_warm_ptr = pooled_ptr<http_warm_state>;

// Once the input's room in the page is full, it grows to the heap by at
// least this much at a time (up to the core's input_limit()): a request
// longer than 2 KiB usually carries cookies or long fields, and a few
// reads of 4 KiB take any the limits allow.
constexpr std::size_t min_growth = 4096;

// The free room at the end of the input (grown when there is none), as a
// buffer to read into; empty when the input holds `limit` bytes.
asio::mutable_buffer free_room(page_input& in, std::size_t limit) {
    std::size_t used = in.input.size();
    if (used >= limit) return {};
    if (used == in.input.capacity()) in.input.reserve(std::min(limit, used + std::max(used, min_growth)));
    std::size_t room = std::min(in.input.capacity(), limit) - used;
    in.input.resize(used + room);
    return asio::buffer(in.input.data() + used, room);
}

http_warm_ptr warm_up(server_context& ctx) {
    return http_warm_ptr(ctx.warm.acquire<http_warm_state>(ctx.http), warm_release<http_warm_state>{&ctx.warm});
}

// The core's next action, with the latency of a query it has answered; a
// read's deadline starts now.
action advance(server_context& ctx, session_state& st, http_warm_state& warm, bool eof) {
    auto asked = clock::now();
    action next = warm.core.next(warm.unread(), eof, st.stopping);
    auto now = clock::now();
    if (warm.core.answered_query()) ctx.counters.latency(http, now - asked);
    warm.head += warm.core.consumed();
    if (next.what() == action::kind::read) st.idle_deadline = now + next.timeout();
    return next;
}

// The deadline of the core's read passed: between requests that is the
// idle timeout, within one the request timeout (the core counts both).
action time_out(const server_context& ctx, const session_state& st, http_warm_state& warm) {
    bool idle = warm.input.empty() && warm.core.quiet();
    ctx.log.info("{} {}", st.peer, idle ? "idle timeout" : "request timeout");
    return warm.core.timed_out();
}

// One coroutine frame for the whole connection, as for a line session.
awaitable<> http_session(tcp_socket sock, server_context& ctx) {
    const std::shared_ptr<session_state> owner = open_session(sock, ctx, http, ctx.cfg.http_idle_timeout);
    session_state& st = *owner;
    session_closer closer{st, ctx, http, nullptr};
    try {
        bool eof = false;
        // Between requests a warm connection reads at once, keeping its core;
        // a cold one gives its page back and waits for bytes first. Only a
        // busy connection (its last request came within config::warm_period
        // of the response before) stays warm after a response: one that
        // made a single request (most idle keep-alive connections) cools at
        // once, before its core's heap blocks are left behind as holes among
        // the long-lived blocks of the connections accepted meanwhile (7.0
        // KiB per connection, against 1.6 KiB, for 1,000 connections each
        // idle after one request).
        bool stays_warm = false;
        bool busy = false;
        clock::time_point responded{};
        http_warm_ptr warm = warm_up(ctx);
        action next = warm->core.start();
        st.idle_deadline = clock::now() + next.timeout();
        for (;;) {
            if (next.what() != action::kind::read) {
                // Behind the other sessions this loop has ready: their
                // responses then leave back to back, and the clients' wake-ups
                // overlap instead of each costing the loop's core an
                // interrupt while it renders the next (on 2 vCPUs, kernel
                // time per /api/search response 22 -> 7 us, wrk +8-17 %;
                // bench/notes.md). The line protocol's small answers measured
                // no gain from it (user time +0.9 us per answer), so line
                // sessions write at once.
                co_await asio::post(sock.get_executor(), use_awaitable);
                boost::system::error_code ec;
                std::size_t written = write_now(sock, next.out(), ec);
                if ((ec && ec != asio::error::would_block) ||
                    (written < total_size(next.out()) && !co_await send(sock, next.out(), written, st, ctx.cfg))) {
                    dropped(ctx, st, http);
                    co_return;
                }
                if (next.what() == action::kind::close) break;
                responded = clock::now();
                stays_warm = busy;
                next = advance(ctx, st, *warm, eof);
                continue;
            }
            warm->drop_consumed();
            st.current = session_state::phase::reading;
            // Flags from a sweep that came after the last read had already finished.
            st.idle_expired = st.cooled = false;
            bool between_requests = warm->input.empty() && warm->core.quiet();
            boost::system::error_code ec;
            std::size_t got = 0;
            if (between_requests && !stays_warm) {
                warm.reset();
                st.set_deadline(st.idle_deadline);
                std::tie(ec) = co_await sock.async_wait(
                    tcp_socket::wait_read,
                    asio::bind_allocator(fixed_allocator<void, wait_memory_size>(st.cold_wait), use_tuple));
                warm = warm_up(ctx);
                warm->core.start();  // its first read: the deadline of the wait it replaces stays
                busy = clock::now() - responded < config::warm_period;
                stays_warm = true;
            } else {
                st.set_deadline(between_requests ? std::min(clock::now() + config::warm_period, st.idle_deadline)
                                                 : st.idle_deadline);
            }
            if (!ec) {
                asio::mutable_buffer room = free_room(*warm, warm->core.input_limit());
                if (room.size() == 0) {  // the core asks for more than its own limit: never wait for it
                    ctx.log.always("{} http input full at {} bytes", st.peer, warm->input.size());
                    break;
                }
                std::tie(ec, got) = co_await sock.async_read_some(
                    room, asio::bind_allocator(fixed_allocator<void, http_warm_state::read_room>(warm->read_memory),
                                               use_tuple));
                warm->input.resize(warm->input.size() - room.size() + got);
            }
            if (ec == asio::error::eof) {
                eof = true;
            } else if (ec == asio::error::operation_aborted && st.idle_expired) {
                next = time_out(ctx, st, *warm);
                continue;
            } else if (ec == asio::error::operation_aborted && st.cooled && !st.stopping) {
                stays_warm = false;  // the same read again, now cold
                continue;
            } else if (ec && ec != asio::error::operation_aborted) {
                lost(ctx, st, ec);
                co_return;
            }
            // operation_aborted otherwise: a shutdown, which next() answers.
            next = advance(ctx, st, *warm, eof);
        }
        co_await linger(sock, st);
    } catch (...) {
        closer.error = std::current_exception();
    }
}

}  // namespace

const session_kind http_sessions{http, protocol::http::busy_response, http_session};

}  // namespace mojifinder
