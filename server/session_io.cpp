// Flow: see session_io.hpp. A session's first write is write_now() (no
// suspension when the socket takes it all), the rest send(); its last,
// linger(); open_session() and ~session_closer() bracket its life in the
// registry, the connection count and the counters.
#include "session_io.hpp"

#include <algorithm>

namespace mojifinder {
namespace {

using clock = std::chrono::steady_clock;

// `out` as buffers, less its first `skip` bytes, at most max_write_buffers;
// returns how many, and their bytes in `bytes`.
std::size_t gather(std::span<const std::string_view> out, std::size_t skip,
                   std::span<asio::const_buffer, max_write_buffers> buffers, std::size_t& bytes) {
    std::size_t n = 0;
    bytes = 0;
    for (std::string_view piece : out) {
        if (n == buffers.size()) break;
        std::size_t drop = std::min(skip, piece.size());
        skip -= drop;
        if (piece.size() > drop) {
            buffers[n++] = asio::buffer(piece.data() + drop, piece.size() - drop);
            bytes += piece.size() - drop;
        }
    }
    return n;
}

// Up to this many bytes of a write made of several pieces are copied into
// one stack buffer first: the kernel spends more per iovec (~100 ns) than a
// memcpy of the ~40 lines of bytes of an answer like "arrow left" costs, and
// one contiguous write measured 15-25 % more small answers per second
// (bench/notes.md). Long runs (CJK) still go straight from the index.
constexpr std::size_t flatten_limit = 16u << 10;

}  // namespace

std::size_t total_size(std::span<const std::string_view> out) noexcept {
    std::size_t total = 0;
    for (std::string_view piece : out) total += piece.size();
    return total;
}

std::size_t write_now(tcp_socket& sock, std::span<const std::string_view> out, boost::system::error_code& ec) {
    std::array<asio::const_buffer, max_write_buffers> buffers;
    std::size_t gathered = 0;
    std::size_t n = gather(out, 0, buffers, gathered);
    if (n == 0) return 0;
    if (n == 1 || gathered > flatten_limit) return sock.write_some(std::span(buffers.data(), n), ec);
    std::array<char, flatten_limit> flat;
    asio::buffer_copy(asio::buffer(flat), std::span(buffers.data(), n));
    return sock.write_some(asio::buffer(flat.data(), gathered), ec);
}

awaitable<bool> send(tcp_socket& sock, std::span<const std::string_view> out, std::size_t skip,
                     session_state& st, const config& cfg) {
    std::array<asio::const_buffer, max_write_buffers> buffers;
    std::size_t gathered = 0;
    st.current = session_state::phase::writing;
    for (std::size_t n = gather(out, skip, buffers, gathered); n > 0; n = gather(out, skip, buffers, gathered)) {
        st.set_deadline(std::min(clock::now() + cfg.send_timeout, st.stop_deadline));
        auto [ec, written] = co_await sock.async_write_some(std::span(buffers.data(), n), use_tuple);
        if (ec) co_return false;
        skip += written;
    }
    co_return true;
}

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

void dropped(server_context& ctx, const session_state& st, protocol::protocol_kind kind) {
    if (st.send_expired) ctx.counters.error(kind, protocol::error_kind::send_timeout);
    ctx.log.info("{} {}", st.peer, st.send_expired ? "dropped: send timeout" : "dropped: write failed");
}

void lost(const server_context& ctx, const session_state& st, const boost::system::error_code& ec) {
    ctx.log.info("{} connection lost: {}", st.peer, ec.message());
}

std::shared_ptr<session_state> open_session(tcp_socket& sock, server_context& ctx, protocol::protocol_kind kind,
                                            std::chrono::milliseconds idle) {
    auto st = std::make_shared<session_state>();
    st->socket = &sock;
    st->idle_deadline = clock::now() + idle;
    st->set_deadline(st->idle_deadline);
    if (!ctx.sessions.add(st.get())) st->stopping = true;
    ctx.counters.session_opened(kind);
    boost::system::error_code ec;
    // write_now() must never block the loop.
    sock.non_blocking(true, ec);
    st->peer = sock.remote_endpoint(ec);
    ctx.log.info("{} {}connected", st->peer, kind == protocol::protocol_kind::http ? "http " : "");
    return st;
}

session_closer::~session_closer() {
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
    ctx.counters.session_closed(kind);
    ctx.active.fetch_sub(1, std::memory_order_relaxed);
    ctx.log.info("{} closed", st.peer);
}

}  // namespace mojifinder
