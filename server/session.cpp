// Flow: session() registers itself and runs serve() || watchdog().
// serve() drives the sans-I/O session_core: it writes what the core hands
// out, reads (async_read_until on the core's line_end) when the core asks,
// and after the core's last write lingers briefly so the close is clean.
// The watchdog sleeps until the deadline of the current phase (idle while
// reading, send while writing, linger while closing) and, when it passes,
// cancels the socket's pending operation; serve() sees why in session_state.
#include "server.hpp"
#include "session_core.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>

namespace mojifinder {
namespace {

struct line_end_condition {
    template <class It>
    std::pair<It, bool> operator()(It begin, It end) const {
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
using asio::as_tuple;
using asio::use_awaitable;
using namespace asio::experimental::awaitable_operators;

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
    }
    return "";
}

void log_step(const server_context& ctx, const std::string& peer, const protocol::step& s) {
    if (s.what == protocol::event::none || ctx.log.quiet()) return;
    if (s.what == protocol::event::answered)
        ctx.log.info("{} query {:?}: {} found", peer, s.query, s.found);
    else
        ctx.log.info("{} {}", peer, event_name(s.what));
}

// The deadline moved earlier than the watchdog may be sleeping: wake it.
void advance_deadline(session_state& st, clock::time_point deadline) {
    if (deadline < st.deadline) {
        st.deadline = deadline;
        st.timer.cancel();
    }
}

// Writes all of `out`. Every write that makes progress restarts the send
// timeout: only a client that takes no bytes at all for that long is dropped.
asio::awaitable<bool> send(tcp::socket& sock, std::span<const std::string_view> out,
                           session_state& st, const config& cfg) {
    std::array<asio::const_buffer, 64> buffers;
    std::size_t n = 0;
    for (std::string_view piece : out)
        if (!piece.empty()) buffers[n++] = asio::buffer(piece.data(), piece.size());
    std::size_t first = 0;
    st.now = session_state::phase::writing;
    while (first < n) {
        st.deadline = std::min(clock::now() + cfg.send_timeout, st.stop_deadline);
        auto [ec, written] = co_await sock.async_write_some(
            std::span(buffers.data() + first, n - first), as_tuple(use_awaitable));
        if (ec) co_return false;
        for (; first < n && written >= buffers[first].size(); ++first) written -= buffers[first].size();
        if (first < n) buffers[first] += written;
    }
    co_return true;
}

// After the last byte: no more sending, and whatever the client still sends
// is read and dropped for a moment, so the kernel does not answer it with a
// reset that could destroy our last line before the client has read it.
asio::awaitable<void> linger(tcp::socket& sock, session_state& st) {
    boost::system::error_code ec;
    sock.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    st.now = session_state::phase::closing;
    advance_deadline(st, clock::now() + config::linger);
    std::array<char, 512> sink;
    for (;;) {
        auto [read_ec, n] = co_await sock.async_read_some(asio::buffer(sink), as_tuple(use_awaitable));
        if (read_ec) co_return;
    }
}

asio::awaitable<void> serve(tcp::socket& sock, protocol::session_core& core, session_state& st,
                            server_context& ctx, const std::string& peer) {
    const config& cfg = ctx.cfg;
    std::string input;
    std::size_t head = 0;  // input before head is consumed
    bool eof = false;
    protocol::step s = core.start();
    for (;;) {
        if (!s.out.empty() && !co_await send(sock, s.out, st, cfg)) {
            ctx.log.info("{} dropped: {}", peer, st.send_expired ? "send timeout" : "write failed");
            co_return;
        }
        if (s.kind == protocol::step_kind::close) break;
        if (s.kind == protocol::step_kind::read) {
            input.erase(0, head);
            head = 0;
            if (st.now != session_state::phase::reading) {
                // A line was just answered: the idle time starts now.
                st.now = session_state::phase::reading;
                st.deadline = clock::now() + cfg.idle_timeout;
            }
            auto [ec, n] = co_await asio::async_read_until(
                sock, asio::dynamic_buffer(input, core.input_limit()), line_end_condition{},
                as_tuple(use_awaitable));
            if (ec == asio::error::eof) {
                eof = true;
            } else if (ec == asio::error::operation_aborted && st.idle_expired) {
                s = core.idle_timeout();
                log_step(ctx, peer, s);
                continue;
            } else if (ec && ec != asio::error::operation_aborted && ec != asio::error::not_found) {
                ctx.log.info("{} connection lost: {}", peer, ec.message());
                co_return;
            }
            // operation_aborted without idle_expired: a shutdown, which next() reports.
            // not_found: the buffer is full with no LF, which next() drops.
        }
        s = core.next(std::string_view(input).substr(head), eof, st.stopping);
        log_step(ctx, peer, s);
        head += core.consumed();
    }
    co_await linger(sock, st);
}

asio::awaitable<void> watchdog(tcp::socket& sock, session_state& st, const config& cfg) {
    // Sleeping at most the shorter timeout at a time means serve() never has
    // to wake the watchdog when it switches from reading to writing.
    const auto nap = std::min<clock::duration>(cfg.idle_timeout, cfg.send_timeout);
    for (;;) {
        st.timer.expires_at(std::min(st.deadline, clock::now() + nap));
        co_await st.timer.async_wait(as_tuple(use_awaitable));
        auto cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none) co_return;
        if (clock::now() < st.deadline) continue;
        switch (st.now) {
        case session_state::phase::reading: st.idle_expired = true; break;
        case session_state::phase::writing: st.send_expired = true; break;
        case session_state::phase::closing: break;
        }
        // serve() takes over with a fresh deadline for what it still writes.
        st.deadline = clock::now() + cfg.send_timeout;
        boost::system::error_code ec;
        sock.cancel(ec);
    }
}

}  // namespace

void notify_stop(session_state& st) {
    if (st.socket == nullptr || st.stopping) return;
    st.stopping = true;
    st.stop_deadline = clock::now() + config::shutdown_grace;
    if (st.now == session_state::phase::reading) {
        boost::system::error_code ec;
        st.socket->cancel(ec);
    } else {
        advance_deadline(st, st.stop_deadline);
    }
}

asio::awaitable<void> session(tcp::socket sock, const index& idx, server_context& ctx) {
    auto st = std::make_shared<session_state>(sock.get_executor());
    st->socket = &sock;
    st->deadline = clock::now() + ctx.cfg.idle_timeout;
    if (!ctx.sessions.add(st.get())) st->stopping = true;
    std::string peer;
    try {
        boost::system::error_code ec;
        auto remote = sock.remote_endpoint(ec);
        peer = ec ? std::string("?") : fmt::format("{}:{}", remote.address().to_string(), remote.port());
        ctx.log.info("{} connected", peer);
        protocol::session_core core(idx, ctx.cfg.max_line);
        co_await (serve(sock, core, *st, ctx, peer) || watchdog(sock, *st, ctx.cfg));
    } catch (const std::exception& e) {
        ctx.log.always("{} session error: {}", peer, e.what());
    }
    st->socket = nullptr;
    ctx.sessions.remove(st.get());
    ctx.active.fetch_sub(1, std::memory_order_relaxed);
    ctx.log.info("{} closed", peer);
}

}  // namespace mojifinder
