#pragma once
// What both kinds of sessions (session.cpp, http_session.cpp) do with their
// socket: register and count themselves, write what their core hands out,
// linger before closing, and unregister however they end.
#include "server.hpp"

#include <boost/asio/buffer.hpp>

#include <array>
#include <cstddef>
#include <exception>
#include <memory>
#include <span>
#include <string_view>

namespace mojifinder {

// At most this many buffers per write: what one sendmsg takes through Asio,
// so a small answer of scattered entries still leaves in one write. Pieces
// past it go in the next write.
inline constexpr std::size_t max_write_buffers = protocol::session_core::max_out;

std::size_t total_size(std::span<const std::string_view> out) noexcept;

// One non-blocking write of `out` (of its first max_write_buffers pieces),
// its buffers on the thread's stack rather than in a coroutine frame: a
// small answer usually leaves here whole, and the session does not suspend
// for it. Returns the bytes written.
std::size_t write_now(tcp_socket& sock, std::span<const std::string_view> out, boost::system::error_code& ec);

// Writes the rest of `out`, after its first `skip` bytes. Every write that
// makes progress restarts the send timeout: only a client that takes no
// bytes at all for that long is dropped. False when the connection failed
// or the sweeper ended the write (st.send_expired).
awaitable<bool> send(tcp_socket& sock, std::span<const std::string_view> out, std::size_t skip,
                     session_state& st, const config& cfg);

// After the last byte: no more sending, and whatever the client still sends
// is read and dropped for a moment, so the kernel does not answer it with a
// reset that could destroy our last bytes before the client has read them.
awaitable<> linger(tcp_socket& sock, session_state& st);

// Logs why a write ended the session (st.send_expired: the send timeout,
// which is counted; else the connection failed).
void dropped(server_context& ctx, const session_state& st, protocol::protocol_kind kind);
// Logs that the connection failed while the session read.
void lost(const server_context& ctx, const session_state& st, const boost::system::error_code& ec);

// Registers a new session of `kind` (already counted in ctx.active), its
// first deadline `idle` from now, and counts it open.
std::shared_ptr<session_state> open_session(tcp_socket& sock, server_context& ctx, protocol::protocol_kind kind,
                                            std::chrono::milliseconds idle);

// Runs however a session ends: a co_return, the end of its loop, or the
// exception its one catch took. Logs that error, unregisters the session,
// frees its connection slot and counts it closed.
struct session_closer {
    session_state& st;
    server_context& ctx;
    protocol::protocol_kind kind;
    std::exception_ptr error;

    ~session_closer();
};

}  // namespace mojifinder
