// Flow: getenv the three variables, unset them, plan; a passed descriptor is
// checked with getsockopt (a socket at all, a stream, TCP, listening) before
// asio adopts it.
#include "socket_activation.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mojifinder {
namespace {

std::optional<std::string> take_variable(const char* name) {
    const char* value = std::getenv(name);
    std::optional<std::string> taken;
    if (value) taken = value;
    unsetenv(name);
    return taken;
}

// An int socket option, or nullopt with errno set.
std::optional<int> socket_option(int fd, int level, int option) {
    int value = 0;
    socklen_t size = sizeof value;
    if (getsockopt(fd, level, option, &value, &size) != 0) return std::nullopt;
    return value;
}

}  // namespace

protocol::activation_plan take_listen_environment() {
    protocol::listen_environment env;
    env.pid = take_variable("LISTEN_PID");
    env.fds = take_variable("LISTEN_FDS");
    env.fdnames = take_variable("LISTEN_FDNAMES");
    return protocol::plan_activation(env, static_cast<long>(getpid()));
}

std::optional<boost::asio::ip::tcp> listening_tcp_protocol(int fd, std::string& why) {
    std::optional<int> type = socket_option(fd, SOL_SOCKET, SO_TYPE);
    if (!type) {
        why = errno == ENOTSOCK ? "not a socket" : errno == EBADF ? "not open" : std::strerror(errno);
        return std::nullopt;
    }
    std::optional<int> family = socket_option(fd, SOL_SOCKET, SO_DOMAIN);
    std::optional<int> transport = socket_option(fd, SOL_SOCKET, SO_PROTOCOL);
    std::optional<int> listening = socket_option(fd, SOL_SOCKET, SO_ACCEPTCONN);
    if (!family || !transport || !listening) {
        why = std::strerror(errno);
        return std::nullopt;
    }
    if (*family == AF_UNIX) why = "a Unix socket";
    else if (*family != AF_INET && *family != AF_INET6) why = fmt::format("a socket of address family {}", *family);
    else if (*type != SOCK_STREAM) why = "not a stream socket";
    else if (*transport != IPPROTO_TCP) why = fmt::format("a stream socket of protocol {}, not TCP", *transport);
    else if (*listening == 0) why = "not listening";
    if (!why.empty()) return std::nullopt;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return *family == AF_INET ? boost::asio::ip::tcp::v4() : boost::asio::ip::tcp::v6();
}

}  // namespace mojifinder
