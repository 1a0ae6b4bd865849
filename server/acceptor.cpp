// Flow: accept_loop() accepts forever, one loop per listening port, each
// starting its kind of session (the line protocol's or HTTP's). Each
// connection goes to the next event loop in turn and gets a session
// coroutine there, or, past --max-connections (both kinds together), its
// kind's refusal (the busy line, or HTTP's 503) and a close. Errors never end the
// loop: out of descriptors (EMFILE, ENFILE) or memory, it logs, backs off and
// tries again, while the open sessions go on.
#include "server.hpp"
#include "session_core.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace mojifinder {

bool session_registry::add(session_state* s) {
    std::lock_guard lock(mutex_);
    if (stopped_) return false;
    sessions_.push_back(*s);
    return true;
}

void session_registry::remove(session_state* s) {
    std::lock_guard lock(mutex_);
    if (s->is_linked()) sessions_.erase(sessions_.iterator_to(*s));
}

void session_registry::stop_all() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (session_state& s : sessions_)
        asio::post(s.socket->get_executor(), [st = s.shared_from_this()] { notify_stop(*st); });
}

void session_registry::expire_overdue(const config& cfg) {
    auto now = session_state::clock::now();
    std::lock_guard lock(mutex_);
    for (session_state& s : sessions_)
        if (s.expired(now))
            asio::post(s.socket->get_executor(), [st = s.shared_from_this(), &cfg] { expire(*st, cfg); });
}

namespace {

// A refusal (the busy line, HTTP's 503: a few hundred bytes) fits any fresh
// socket's send buffer, so one non-blocking write is enough; no coroutine
// is spent on a connection we refuse.
void refuse(tcp_socket& sock, std::string_view refusal) {
    boost::system::error_code ec;
    sock.non_blocking(true, ec);
    sock.write_some(asio::buffer(refusal.data(), refusal.size()), ec);
    sock.shutdown(tcp_socket::shutdown_both, ec);
    sock.close(ec);
}

bool out_of_resources(const boost::system::error_code& ec) {
    return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
           ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

}  // namespace

awaitable<> accept_loop(tcp_acceptor& acceptor, server_context& ctx, const session_kind& kind) {
    using namespace std::chrono_literals;
    constexpr auto first_backoff = 10ms;
    constexpr auto max_backoff = 1000ms;
    auto backoff = std::chrono::milliseconds(first_backoff);
    steady_timer pause(acceptor.get_executor());
    std::size_t next_loop = 0;
    for (;;) {
        executor ex = ctx.loops[next_loop]->get_executor();
        auto [ec, sock] = co_await acceptor.async_accept(ex, use_tuple);
        // A connection accepted just as the server stops still gets its
        // session, which tells it the server is shutting down, rather than a
        // close with nothing said: under socket activation the next server
        // takes the ones still queued, so none goes unanswered.
        bool last = ctx.stopping.load();
        if (ec) {
            if (last || ec == asio::error::operation_aborted) co_return;
            ctx.log.always("accept failed: {}; retrying in {} ms", ec.message(), backoff.count());
            pause.expires_after(backoff);
            co_await pause.async_wait(use_tuple);
            if (out_of_resources(ec)) backoff = std::min(backoff * 2, std::chrono::milliseconds(max_backoff));
            continue;
        }
        backoff = first_backoff;
        if (ctx.active.load(std::memory_order_relaxed) >= ctx.cfg.max_connections) {
            ctx.log.info("connection refused: {} sessions open (--max-connections)", ctx.cfg.max_connections);
            ctx.counters.error(kind.protocol, protocol::error_kind::refused_busy);
            refuse(sock, kind.refusal());
            continue;
        }
        ctx.active.fetch_add(1, std::memory_order_relaxed);
        next_loop = (next_loop + 1) % ctx.loops.size();
        boost::system::error_code opt_ec;
        sock.set_option(tcp::no_delay(true), opt_ec);
        asio::co_spawn(ex, kind.serve(std::move(sock), ctx), asio::detached);
        if (last) co_return;
    }
}

}  // namespace mojifinder
