// Socket activation (protocol/activation.hpp, server/socket_activation.hpp):
// the LISTEN_* variables read into a plan without sockets, then the real
// mojifinderd given its listening sockets by Debian's systemd-socket-activate
// and by this file's stand-in for systemd (tests/support's
// passed_descriptors), which holds the socket across a restart.
// Flow: plan_activation() against a table of environments; then start the
// server with passed sockets, connect, compare bytes, the ready lines and
// the log; restart it under a client connecting in a loop and count what
// each connection got; pass it descriptors that are not listening sockets.
#include "activation.hpp"
#include "process.hpp"
#include "session_core.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace mojifinder::testing;
namespace protocol = mojifinder::protocol;
using protocol::listener_kind;

namespace {

constexpr auto patience = 60s;
constexpr int still_running = -1;
constexpr long own_pid = 4242;
const std::string prompt(protocol::prompt);
const std::string shutting_down(protocol::error_shutdown);
const std::string socket_activate = "/usr/bin/systemd-socket-activate";

struct plan_case {
    const char* what;
    protocol::listen_environment env;
    std::vector<protocol::passed_socket> sockets;
    std::string error;
};

protocol::passed_socket line(int fd, std::string name) { return {fd, std::move(name), listener_kind::line}; }
protocol::passed_socket http(int fd) { return {fd, "http", listener_kind::http}; }

// What a line session gets for "cat face" when the client then shuts its
// side: the prompt, the answer with the next prompt, the close.
std::string cat_face_session() { return prompt + cat_face_answer(); }

// One short-lived line session: connect, "cat face", shut the write side,
// everything until the server closes.
std::string cat_face_once(unsigned short port) {
    connection c(port);
    c.send("cat face\n");
    c.shutdown_write();
    return c.read_to_close(patience);
}

std::string http_healthz(unsigned short port) {
    connection c(port);
    c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    return c.read_to_close(patience);
}

// mojifinderd started by systemd-socket-activate: it listens on a free port
// of 127.0.0.1 per name and execs the server, with those sockets, when the
// first connection comes. Retried on other ports when one was taken in the
// meantime (the machine is shared).
struct socket_activated_server {
    socket_activated_server(const std::vector<std::string>& names, const std::vector<std::string>& args) {
        if (!std::filesystem::exists(socket_activate))
            throw std::runtime_error(socket_activate + " is missing: scripts/lib.sh's test_packages install "
                                     "Debian's systemd package, which has it");
        for (int attempt = 0; attempt < 5; ++attempt) {
            ports.clear();
            std::vector<std::string> argv{socket_activate};
            std::string joined;
            for (const std::string& name : names) {
                ports.push_back(free_port());
                argv.push_back("--listen=127.0.0.1:" + std::to_string(ports.back()));
                joined += (joined.empty() ? "" : ":") + name;
            }
            argv.push_back("--fdname=" + joined);
            argv.push_back(server_path());
            argv.insert(argv.end(), args.begin(), args.end());
            proc = std::make_unique<child_process>(argv);
            std::string last = fmt::format("Listening on 127.0.0.1:{} as {}.", ports.back(), 2 + names.size());
            if (proc->wait_for_err(last, 10s)) return;
            proc->signal(SIGKILL);
            proc->wait();
        }
        throw std::runtime_error("systemd-socket-activate did not listen: " + proc->err());
    }
    std::unique_ptr<child_process> proc;
    std::vector<unsigned short> ports;
};

// What a client connecting in a loop got from one connection.
enum class outcome { answered, told_shutdown, refused, failed };

struct attempt {
    std::chrono::steady_clock::time_point connected;
    std::chrono::steady_clock::time_point closed;
    outcome got;
    std::string detail;
};

// Connects, one short-lived session after another, until stopped; records
// each connection's outcome.
class client_loop {
public:
    explicit client_loop(unsigned short port) : thread_([this, port] { run(port); }) {}
    ~client_loop() { stop(); }

    std::size_t answered() const { return answered_.load(); }
    // Waits until `n` connections more than now have been answered.
    bool wait_for_more(std::size_t n) const {
        std::size_t target = answered() + n;
        for (auto deadline = std::chrono::steady_clock::now() + patience; answered() < target;) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(10ms);
        }
        return true;
    }
    std::vector<attempt> stop() {
        done_ = true;
        if (thread_.joinable()) thread_.join();
        return attempts_;
    }

private:
    void run(unsigned short port) {
        while (!done_.load()) {
            attempt a{std::chrono::steady_clock::now(), {}, outcome::failed, {}};
            try {
                connection c(port);
                a.connected = std::chrono::steady_clock::now();
                c.send("cat face\n");
                c.shutdown_write();
                a.detail = c.read_to_close(patience);
                if (a.detail == cat_face_session()) a.got = outcome::answered;
                else if (a.detail.ends_with(shutting_down)) a.got = outcome::told_shutdown;
            } catch (const std::exception& e) {
                a.detail = e.what();
                if (a.detail.find("Connection refused") != std::string::npos) a.got = outcome::refused;
            }
            a.closed = std::chrono::steady_clock::now();
            if (a.got == outcome::answered) ++answered_;
            attempts_.push_back(std::move(a));
        }
    }

    std::atomic<bool> done_{false};
    std::atomic<std::size_t> answered_{0};
    std::vector<attempt> attempts_;  // the thread's until joined
    std::thread thread_;
};

// mojifinderd given `passed` (tests/support's stand-in for systemd).
std::unique_ptr<child_process> start_passed(const passed_descriptors& passed,
                                            const std::vector<std::string>& args = {"--quiet"}) {
    std::vector<std::string> argv{server_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<child_process>(argv, std::string{}, false, passed);
}

// A descriptor that is not a listening TCP socket, and what the server says
// it is.
struct not_listening_case {
    const char* what;
    std::function<int()> open;
    std::string why;
};

int checked(int fd) {
    if (fd < 0) throw std::runtime_error(std::string("cannot open: ") + std::strerror(errno));
    return fd;
}

int pipe_end() {
    int ends[2];
    checked(pipe2(ends, O_CLOEXEC));
    close(ends[1]);
    return ends[0];
}

int unix_listener(const std::string& path) {
    int fd = checked(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::filesystem::remove(path);
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    checked(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
    checked(listen(fd, 8));
    return fd;
}

}  // namespace

TEST_CASE("activation: LISTEN_* read into a plan", "[activation]") {
    using env = protocol::listen_environment;
    const std::string pid = std::to_string(own_pid);
    const plan_case c = GENERATE_COPY(values<plan_case>({
        {"none set", env{}, {}, ""},
        {"LISTEN_PID another process's", env{"4243", "1", "line"}, {}, ""},
        {"LISTEN_PID absent", env{std::nullopt, "1", "line"}, {}, ""},
        {"LISTEN_FDS absent", env{pid, std::nullopt, "line"}, {}, ""},
        {"LISTEN_FDS 0", env{pid, "0", std::nullopt}, {}, ""},
        {"LISTEN_FDS 0, names for nothing", env{pid, "0", "line:http"}, {}, ""},
        {"LISTEN_FDS 2, LISTEN_FDNAMES absent", env{pid, "2", std::nullopt}, {line(3, "unknown"), line(4, "unknown")}, ""},
        {"line:http", env{pid, "2", "line:http"}, {line(3, "line"), http(4)}, ""},
        {"http:line", env{pid, "2", "http:line"}, {http(3), line(4, "line")}, ""},
        {"unknown", env{pid, "1", "unknown"}, {line(3, "unknown")}, ""},
        {"a unit's default name", env{pid, "1", "mojifinderd.socket"}, {line(3, "mojifinderd.socket")}, ""},
        {"IPv4 and IPv6 of each", env{pid, "4", "line:line:http:http"},
         {line(3, "line"), line(4, "line"), http(5), http(6)}, ""},
        {"names are exact", env{pid, "1", "HTTP"}, {line(3, "HTTP")}, ""},
        {"an empty name", env{pid, "2", ":http"}, {line(3, ""), http(4)}, ""},
        {"fewer names than descriptors", env{pid, "2", "line"}, {},
         R"(LISTEN_FDNAMES="line" names 1 descriptor of LISTEN_FDS=2)"},
        {"more names than descriptors", env{pid, "1", "line:http"}, {},
         R"(LISTEN_FDNAMES="line:http" names 2 descriptors of LISTEN_FDS=1)"},
        {"LISTEN_FDS garbage", env{pid, "two", "line"}, {},
         R"(LISTEN_FDS="two" is not a number of descriptors from 0 to 1024)"},
        {"LISTEN_FDS negative", env{pid, "-1", std::nullopt}, {},
         R"(LISTEN_FDS="-1" is not a number of descriptors from 0 to 1024)"},
        {"LISTEN_FDS with a space", env{pid, "2 ", std::nullopt}, {},
         R"(LISTEN_FDS="2 " is not a number of descriptors from 0 to 1024)"},
        {"LISTEN_FDS empty", env{pid, "", std::nullopt}, {},
         R"(LISTEN_FDS="" is not a number of descriptors from 0 to 1024)"},
        {"LISTEN_FDS past its bound", env{pid, "1025", std::nullopt}, {},
         R"(LISTEN_FDS="1025" is not a number of descriptors from 0 to 1024)"},
        {"LISTEN_PID garbage", env{"42x", "1", "line"}, {}, R"(LISTEN_PID="42x" is not a process id)"},
    }));
    INFO(c.what);
    protocol::activation_plan plan = protocol::plan_activation(c.env, own_pid);
    CHECK(plan.sockets == c.sockets);
    CHECK(plan.error == c.error);
}

TEST_CASE("activation: LISTEN_FDS at its bound passes 3 to 1026", "[activation]") {
    protocol::activation_plan plan = protocol::plan_activation({"7", "1024", std::nullopt}, 7);
    REQUIRE(plan.error.empty());
    REQUIRE(plan.sockets.size() == 1024);
    CHECK(plan.sockets.front().fd == 3);
    CHECK(plan.sockets.back().fd == 1026);
}

TEST_CASE("activation: systemd-socket-activate passes one socket named line", "[server][activation]") {
    socket_activated_server s({"line"}, {"--port", "1"});
    const unsigned short port = s.ports[0];
    // The first connection starts the server; it is answered once it has.
    CHECK(cat_face_once(port) == cat_face_session());
    CHECK(s.proc->read_stdout_line(patience) == "listening on 127.0.0.1:" + std::to_string(port));
    CHECK(cat_face_once(port) == cat_face_session());
    CHECK(s.proc->err().find(R"( socket activation: 1 socket passed (descriptor and name: 3 "line"))" "\n") !=
          std::string::npos);
    CHECK(s.proc->err().find(" socket activation: --port ignored: the passed sockets replace it\n") !=
          std::string::npos);
    s.proc->signal(SIGTERM);
    CHECK(s.proc->wait(patience).value_or(still_running) == 0);
    CHECK(s.proc->out() == "listening on 127.0.0.1:" + std::to_string(port) + "\n");
}

TEST_CASE("activation: systemd-socket-activate passes line and http", "[server][activation]") {
    socket_activated_server s({"line", "http"}, {"--quiet", "--port", "1", "--http-port", "2"});
    const std::string line_port = std::to_string(s.ports[0]), http_port = std::to_string(s.ports[1]);
    CHECK(cat_face_once(s.ports[0]) == cat_face_session());
    CHECK(s.proc->read_stdout_line(patience) == "listening on 127.0.0.1:" + line_port);
    CHECK(s.proc->read_stdout_line(patience) == "http listening on 127.0.0.1:" + http_port);
    std::string health = http_healthz(s.ports[1]);
    CHECK(health.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(health.ends_with("\r\n\r\nok\n"));
    CHECK(s.proc->err().find(R"( socket activation: 2 sockets passed (descriptor and name: 3 "line", 4 "http"))"
                             "\n") != std::string::npos);
    CHECK(s.proc->err().find(" socket activation: --port, --http-port ignored: the passed sockets replace them\n") !=
          std::string::npos);
    s.proc->signal(SIGTERM);
    CHECK(s.proc->wait(patience).value_or(still_running) == 0);
}

TEST_CASE("activation: the line protocol's ready line comes first whatever the order passed",
          "[server][activation]") {
    socket_activated_server s({"http", "line"}, {"--quiet"});
    const std::string http_port = std::to_string(s.ports[0]), line_port = std::to_string(s.ports[1]);
    CHECK(cat_face_once(s.ports[1]) == cat_face_session());
    CHECK(s.proc->read_stdout_line(patience) == "listening on 127.0.0.1:" + line_port);
    CHECK(s.proc->read_stdout_line(patience) == "http listening on 127.0.0.1:" + http_port);
    CHECK(http_healthz(s.ports[0]).starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(s.proc->err().find(R"( socket activation: 2 sockets passed (descriptor and name: 3 "http", 4 "line"))"
                             "\n") != std::string::npos);
    s.proc->signal(SIGTERM);
    CHECK(s.proc->wait(patience).value_or(still_running) == 0);
}

TEST_CASE("activation: LISTEN_FDS meant for another process is ignored, the server binds its own",
          "[server][activation]") {
    server_process server({}, {"/usr/bin/env", "LISTEN_PID=1", "LISTEN_FDS=1", "LISTEN_FDNAMES=http"});
    CHECK(cat_face_once(server.port()) == cat_face_session());
    CHECK(server.stop().value_or(still_running) == 0);
    CHECK(server.process().err().find("socket activation") == std::string::npos);
    CHECK(server.process().out() == "listening on 127.0.0.1:" + std::to_string(server.port()) + "\n");
}

TEST_CASE("activation: a restart with the socket held refuses no connection", "[server][activation]") {
    listening_socket held;
    const passed_descriptors passed{{held.fd()}, "line"};
    const std::string ready = "listening on 127.0.0.1:" + std::to_string(held.port());
    std::unique_ptr<child_process> first = start_passed(passed);
    REQUIRE(first->read_stdout_line(patience) == ready);

    client_loop client(held.port());
    REQUIRE(client.wait_for_more(10));
    connection open_at_stop(held.port());
    REQUIRE(open_at_stop.read_exact(prompt.size()) == prompt);

    first->signal(SIGTERM);
    CHECK(open_at_stop.read_to_close(patience) == shutting_down);
    REQUIRE(first->wait(patience).value_or(still_running) == 0);
    const auto stopped = std::chrono::steady_clock::now();
    // No server now: the kernel completes these from the held socket's
    // queue; the next server answers them.
    std::vector<connection> in_the_gap;
    for (int i = 0; i < 5; ++i) {
        in_the_gap.emplace_back(held.port());
        in_the_gap.back().send("cat face\n");
        in_the_gap.back().shutdown_write();
    }
    std::this_thread::sleep_for(300ms);  // systemd's restart takes some time too

    std::unique_ptr<child_process> second = start_passed(passed);
    REQUIRE(second->read_stdout_line(patience) == ready);
    const auto started = std::chrono::steady_clock::now();
    for (connection& c : in_the_gap) CHECK(c.read_to_close(patience) == cat_face_session());
    REQUIRE(client.wait_for_more(10));
    std::vector<attempt> attempts = client.stop();

    std::size_t answered = 0, told_shutdown = 0, waited_out_gap = 0;
    for (const attempt& a : attempts) {
        INFO("connection " << (&a - attempts.data()) << " got: " << a.detail);
        CHECK((a.got == outcome::answered || a.got == outcome::told_shutdown));
        answered += a.got == outcome::answered;
        told_shutdown += a.got == outcome::told_shutdown;
        waited_out_gap += a.got == outcome::answered && a.connected < started && a.closed > stopped;
    }
    INFO(attempts.size() << " connections, " << answered << " answered, " << told_shutdown
                         << " told the server is shutting down");
    // The loop has at most one connection open at a time: the one open at
    // the stop, if any, is told so; every other one is answered, the one
    // waiting while no server ran (there always is one) by the second.
    CHECK(told_shutdown <= 1);
    CHECK(answered + told_shutdown == attempts.size());
    CHECK(answered >= 20);
    CHECK(waited_out_gap >= 1);
    second->signal(SIGTERM);
    CHECK(second->wait(patience).value_or(still_running) == 0);
    CHECK(second->err().find(R"( socket activation: 1 socket passed (descriptor and name: 3 "line"))") !=
          std::string::npos);
}

TEST_CASE("activation: an IPv6 socket with no LISTEN_FDNAMES serves the line protocol", "[server][activation]") {
    int fd = checked(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    socklen_t size = sizeof addr;
    checked(bind(fd, reinterpret_cast<sockaddr*>(&addr), size));
    checked(listen(fd, SOMAXCONN));
    checked(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size));
    std::unique_ptr<child_process> server = start_passed({{fd}, std::nullopt}, {});
    close(fd);
    CHECK(server->read_stdout_line(patience) == fmt::format("listening on [::1]:{}", ntohs(addr.sin6_port)));
    server->signal(SIGTERM);
    CHECK(server->wait(patience).value_or(still_running) == 0);
    CHECK(server->err().find(R"( socket activation: 1 socket passed (descriptor and name: 3 "unknown"))" "\n") !=
          std::string::npos);
    CHECK(server->err().find(" listening on [::1]:") != std::string::npos);
}

TEST_CASE("activation: a passed descriptor that is not a listening TCP socket: exit 1", "[server][activation]") {
    const std::string unix_path = fmt::format("/tmp/mojifinder-activation-{}.sock", getpid());
    const not_listening_case c = GENERATE_COPY(values<not_listening_case>({
        {"a pipe", pipe_end, "not a socket"},
        {"a file", [] { return checked(open(server_path().c_str(), O_RDONLY | O_CLOEXEC)); }, "not a socket"},
        {"a UDP socket", [] { return checked(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)); },
         "not a stream socket"},
        {"a TCP socket never listening", [] { return checked(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)); },
         "not listening"},
        {"a listening Unix socket", [unix_path] { return unix_listener(unix_path); }, "a Unix socket"},
    }));
    INFO(c.what);
    const int fd = c.open();
    std::unique_ptr<child_process> server = start_passed({{fd}, "line"});
    close(fd);
    std::filesystem::remove(unix_path);
    CHECK(server->wait(patience).value_or(still_running) == 1);
    CHECK(server->out().empty());
    CHECK(server->err().ends_with(
        fmt::format(" socket activation: descriptor 3 (\"line\") is not a listening TCP socket: {}\n", c.why)));
}

TEST_CASE("activation: LISTEN_FDNAMES not naming every descriptor: exit 1", "[server][activation]") {
    listening_socket held;
    std::unique_ptr<child_process> server = start_passed({{held.fd()}, "line:http"});
    CHECK(server->wait(patience).value_or(still_running) == 1);
    CHECK(server->out().empty());
    CHECK(server->err().ends_with(
        " socket activation: LISTEN_FDNAMES=\"line:http\" names 2 descriptors of LISTEN_FDS=1\n"));
}
