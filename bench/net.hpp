#pragma once
// What the load generator and the soak share: the server's address, many
// loopback connections (descriptors, source addresses), escapes in
// command-line strings, and the server's resident size.
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mojifinder::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// The server's endpoint: `host` (a name such as localhost, or a numeric
// address) resolved as the server and client resolve it. When it has several
// addresses (localhost: 127.0.0.1 and ::1), each is tried in turn with one
// connection, closed at once, and the first that accepts is the one; when none
// does, the first, so that the run reports why it cannot connect. Throws
// std::invalid_argument when the name does not resolve.
tcp::endpoint resolve_server(const std::string& host, std::uint16_t port);

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit
// now in force.
std::size_t raise_descriptor_limit();

// Connections from one source address to one server port share the ephemeral
// port range (about 28,000 ports, fewer while old ones sit in TIME_WAIT).
// Spreading them over 127.0.0.1, 127.0.0.2, ... gives each address its own
// range. Only for an IPv4 loopback server; otherwise the kernel chooses.
class source_addresses {
public:
    static constexpr std::size_t per_address = 16000;

    source_addresses(const asio::ip::address& server, std::size_t connections);

    // How many addresses connections come from (1: the kernel's choice).
    std::size_t count() const noexcept { return count_; }

    // Opens `sock` and binds it to connection i's source address, leaving
    // the port to connect() so that only the whole 4-tuple must be unique.
    // Does nothing when count() is 1. Throws boost::system::system_error.
    void bind(tcp::socket& sock, std::size_t i) const;

private:
    std::size_t count_ = 1;
};

// "\r\n" and the like, as a shell user types them: \r \n \t \\ \0 \xHH.
// Throws std::invalid_argument on a bad escape.
std::string unescape(std::string_view text);

// VmRSS of a process in KiB, from /proc/PID/status; -1 when unreadable.
long rss_kib(int pid);

}  // namespace mojifinder::bench
