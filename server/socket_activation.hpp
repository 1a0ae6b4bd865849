#pragma once
// Flow: socket activation's I/O. take_listen_environment() reads LISTEN_PID,
// LISTEN_FDS and LISTEN_FDNAMES, unsets them (no child of the server sees
// them) and plans with protocol::plan_activation(); run.cpp then checks each
// passed descriptor with listening_tcp_protocol() and adopts it as an
// acceptor in place of binding its own.
#include "activation.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <optional>
#include <string>

namespace mojifinder {

// What sd_listen_fds(3) with unset_environment set does, without libsystemd.
// Call it before any other thread starts: it changes the environment.
protocol::activation_plan take_listen_environment();

// The protocol of `fd` when it is a listening TCP socket (IPv4 or IPv6), and
// marks it close-on-exec; else nullopt, and `why` says what it is instead.
std::optional<boost::asio::ip::tcp> listening_tcp_protocol(int fd, std::string& why);

}  // namespace mojifinder
