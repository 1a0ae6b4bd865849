// Flow: session() registers itself and drives the sans-I/O session_core: it
// writes what the core hands out (at once, without suspending, when the
// socket takes it all), reads (async_read_until on the core's line_end) when
// the core asks, and after the core's last write lingers briefly so the close
// is clean. Between lines a session is warm (reads at once, keeping its
// buffer) for config::warm_period after a line, then cold (waits for
// readability holding no buffer and no core, only the core's settings: a
// core with an answer left for /more is not quiet, so it stays warm).
// session() keeps the deadline of its current phase (warm, idle while
// reading, send while writing, linger while closing) in session_state;
// sweep_deadlines() checks every session's (HTTP connections' too) a few
// times a second and, when one has passed, cancels that socket's pending
// operation; the session sees why in session_state. count_step() counts
// the steps' queries, answer sizes and errors in ctx.counters.
#include "server.hpp"
#include "session_core.hpp"
#include "session_io.hpp"

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

// The line protocol's counts of a step: its query's outcome and latency
// (`took`: the core call that produced the step), the answer's size once
// its last step is out, errors by kind.
void count_step(server_context& ctx, warm_state& warm, const protocol::step& s, clock::duration took) {
    using protocol::event;
    constexpr auto line = protocol::protocol_kind::line;
    protocol::metrics& counters = ctx.counters;
    switch (s.what) {
    case event::answered:
        counters.query(line, s.query_error ? protocol::query_outcome::error
                             : s.found > 0 ? protocol::query_outcome::found
                                           : protocol::query_outcome::empty);
        counters.latency(line, took);
        if (s.kept) counters.kept_answer();
        warm.answer_bytes = 0;
        warm.answering = true;
        break;
    case event::invalid_utf8: counters.error(line, protocol::error_kind::invalid_utf8); break;
    case event::too_long:
    case event::flood: counters.error(line, protocol::error_kind::line_too_long); break;
    case event::idle_timeout: counters.error(line, protocol::error_kind::idle_timeout); break;
    default: break;
    }
    if (!warm.answering) return;
    warm.answer_bytes += total_size(s.out);
    if (warm.core.answering()) return;
    counters.answer_size(line, warm.answer_bytes);
    warm.answering = false;
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

namespace {

// One coroutine frame for the whole session (no nested serving coroutine):
// each frame costs a few hundred bytes for as long as the connection lasts.
awaitable<> session(tcp_socket sock, server_context& ctx) {
    const std::shared_ptr<session_state> owner =
        open_session(sock, ctx, protocol::protocol_kind::line, ctx.cfg.idle_timeout);
    session_state& st = *owner;
    st.settings = protocol::session_settings::for_server(ctx.cfg.classic, ctx.language);
    session_closer closer{st, ctx, protocol::protocol_kind::line, nullptr};
    try {
        const config& cfg = ctx.cfg;
        const index& idx = ctx.idx;
        bool eof = false;
        bool wrote = false;  // since the last read: the idle time starts again
        // A warm session (a line within config::warm_period) keeps its
        // warm_state and reads at once; a cold one gives it back and waits
        // for bytes first, taking one again when they are there.
        bool stays_warm = false;
        protocol::answer_cache* const answers = ctx.answers_of(sock.get_executor().context());
        warm_ptr warm(ctx.warm.acquire<warm_state>(idx, cfg.max_line, st.settings, answers),
                      warm_release<warm_state>{&ctx.warm});
        protocol::step s = warm->core.start();
        for (;;) {
            if (!s.out.empty()) {
                boost::system::error_code ec;
                std::size_t written = write_now(sock, s.out, ec);
                if ((ec && ec != asio::error::would_block) ||
                    (written < total_size(s.out) && !co_await send(sock, s.out, written, st, cfg))) {
                    dropped(ctx, st, protocol::protocol_kind::line);
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
                if (between_lines && !stays_warm) {
                    st.settings = warm->core.settings();
                    warm.reset();
                    st.set_deadline(st.idle_deadline);
                    std::tie(ec) = co_await sock.async_wait(
                        tcp_socket::wait_read,
                        asio::bind_allocator(fixed_allocator<void, wait_memory_size>(st.cold_wait), use_tuple));
                    warm.reset(ctx.warm.acquire<warm_state>(idx, cfg.max_line, st.settings, answers));
                    stays_warm = true;
                } else {
                    st.set_deadline(between_lines ? std::min(now + config::warm_period, st.idle_deadline)
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
                    count_step(ctx, *warm, s, {});
                    continue;
                } else if (ec == asio::error::operation_aborted && st.cooled && !st.stopping) {
                    stays_warm = false;  // the same read step again, now cold
                    continue;
                } else if (ec && ec != asio::error::operation_aborted && ec != asio::error::not_found) {
                    lost(ctx, st, ec);
                    co_return;
                }
                // operation_aborted otherwise: a shutdown, which next() reports.
                // not_found: the buffer is full with no LF, which next() drops.
            }
            auto asked = clock::now();
            s = warm->core.next(warm->unread(), eof, st.stopping);
            count_step(ctx, *warm, s, clock::now() - asked);
            log_step(ctx, st, s);
            warm->head += warm->core.consumed();
        }
        co_await linger(sock, st);
    } catch (...) {
        closer.error = std::current_exception();
    }
}

// What a line connection past --max-connections gets.
std::string_view busy_line() noexcept { return protocol::error_busy; }

}  // namespace

const session_kind line_sessions{protocol::protocol_kind::line, busy_line, session};

}  // namespace mojifinder
