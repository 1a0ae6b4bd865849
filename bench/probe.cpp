// mojifinder-probe: the measurements of bench/run that the load generator
// cannot make.
//
//   mojifinder-probe startup [--runs N] [--server-cpu C] [--query Q] -- SERVER [ARGS...]
//     N times: fork, pin the child to core C, exec SERVER ARGS (which must
//     print "listening on HOST:PORT" on standard output, as mojifinderd
//     --port 0 does), read that line, connect, read the prompt, send Q, read
//     the answer to its prompt; the time is from before the fork to the end of
//     the answer. Also the server's RSS right then. Then SIGKILL, reap.
//
//   mojifinder-probe hold --port P --pid PID [--connections N] [--query Q]
//                        [--terminator T] [--no-prompt] [--settle SECONDS] [--quiet SECONDS]
//     Samples PID's RSS at rest; sends Q once on a connection of its own (the
//     first answer's one-time costs are not a connection's), samples again
//     (the base of the per-connection figures); opens N connections (reading
//     each prompt) and holds them; after --settle samples again; then sends
//     Q once on every connection and reads every answer (to T, by default the prompt after
//     the status line); after --settle samples again, and after --quiet more
//     seconds once more (servers shrink the buffers of quiet sessions: Redis
//     after 2 s); closes them all; after --settle samples a last time.
//     Connections are opened and answered in batches of 256. Works against
//     redis-server too:
//     --no-prompt --query PING --terminator '+PONG\r\n'.
//
//   mojifinder-probe http-hold --port P --pid PID [--connections N] [--target T]
//                             [--settle SECONDS] [--hold SECONDS]
//     First one request of T on a connection of its own, closed, so that what
//     the first request costs once (the code's and the data's pages, pools)
//     is not counted; after --settle samples PID's RSS; opens N keep-alive
//     connections to the HTTP port, each sending one GET of T and reading its
//     whole response (Boost.Beast's parser; a status other than 200 fails);
//     after --settle samples again
//     and prints the figures at once; then holds the connections, idle, for
//     --hold seconds (bench/run measures the line protocol meanwhile), and
//     closes them. Under the server's HTTP idle timeout (60 s), or it closes
//     them first.
//
//   mojifinder-probe data-sizes [--data PATH]
//     What the data file (default: the build tree's) is made of: its arrays'
//     bytes by the source each carries (data_file::source_of(): names, cldr,
//     nameslist, unihan, ranking), and the whole file's.
//
// Each prints one JSON object on one line. Blocking sockets: these measure
// the server at rest, not under load.
#include "index.hpp"
#include "net.hpp"

#include <CLI/CLI.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <fmt/format.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <csignal>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mojifinder::bench {
namespace {

using clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what);
}

int connect_to(std::uint16_t port, std::size_t i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(fmt::format("socket: {}", std::strerror(errno)));
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Past 16,000 connections, spread over 127.0.0.x like mojifinder-bench.
    if (i >= source_addresses::per_address) {
        ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in src{};
        src.sin_family = AF_INET;
        src.sin_addr.s_addr = htonl((127u << 24) | static_cast<std::uint32_t>(1 + i / source_addresses::per_address));
        if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
            fail(fmt::format("bind: {}", std::strerror(errno)));
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int attempt = 0;; ++attempt) {
        if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) return fd;
        if (errno != ECONNREFUSED || attempt == 100) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    int e = errno;
    ::close(fd);
    fail(fmt::format("connect to port {}: {}", port, std::strerror(e)));
}

void send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail(fmt::format("send: {}", std::strerror(errno)));
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Reads until the bytes received end with `terminator`; returns the count.
std::size_t read_to(int fd, std::string_view terminator) {
    char buf[65536];
    std::string tail;
    std::size_t total = 0;
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(fmt::format("recv: {}", std::strerror(errno)));
        if (n == 0) fail("the server closed the connection");
        total += static_cast<std::size_t>(n);
        tail.append(buf, static_cast<std::size_t>(n));
        if (tail.size() > terminator.size()) tail.erase(0, tail.size() - terminator.size());
        if (tail == terminator) return total;
    }
}

int data_sizes(const std::string& path) {
    const mojifinder::index idx = mojifinder::index::open(path);
    std::map<std::string_view, std::uint64_t> by_source;
    for (const auto& array : idx.arrays())
        by_source[mojifinder::data_file::source_of(mojifinder::data_file::name_of(array))] += array.bytes;
    std::string line = fmt::format("{{\"file_bytes\":{}", std::filesystem::file_size(path));
    for (const auto& [source, bytes] : by_source) line += fmt::format(",\"{}\":{}", source, bytes);
    fmt::print("{}}}\n", line);
    return 0;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct startup_options {
    unsigned runs = 10;
    int server_cpu = -1;
    std::string query = "cat face";
    std::vector<std::string> command;
};

int startup(const startup_options& opt) {
    std::vector<double> ms, rss;
    for (unsigned r = 0; r < opt.runs; ++r) {
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) fail("pipe");
        auto t0 = clock::now();
        pid_t pid = ::fork();
        if (pid < 0) fail("fork");
        if (pid == 0) {
            if (opt.server_cpu >= 0) {
                cpu_set_t set;
                CPU_ZERO(&set);
                CPU_SET(opt.server_cpu, &set);
                ::sched_setaffinity(0, sizeof set, &set);
            }
            ::dup2(out[1], 1);
            int null = ::open("/dev/null", O_WRONLY);
            if (null >= 0) ::dup2(null, 2);
            std::vector<char*> argv;
            for (const auto& a : opt.command) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        std::string line;
        char c;
        while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
        ::close(out[0]);
        auto colon = line.rfind(':');
        if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            fail(fmt::format("the server printed {:?}, not \"listening on HOST:PORT\"", line));
        }
        auto port = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
        int fd = connect_to(port, 0);
        read_to(fd, "?> ");
        send_all(fd, opt.query + "\n");
        read_to(fd, "\r\n?> ");
        auto t1 = clock::now();
        rss.push_back(static_cast<double>(rss_kib(pid)));
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        ::close(fd);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    fmt::print("{{\"runs\":{},\"median_ms\":{:.2f},\"min_ms\":{:.2f},\"max_ms\":{:.2f},\"rss_kib\":{:.0f}}}\n",
               opt.runs, median(ms), *std::min_element(ms.begin(), ms.end()),
               *std::max_element(ms.begin(), ms.end()), median(rss));
    return 0;
}

struct hold_options {
    std::uint16_t port = 0;
    int pid = 0;
    std::size_t connections = 10000;
    std::string query = "cat face";
    std::string terminator = "\\r\\n?> ";
    bool no_prompt = false;
    double settle = 2;
    double quiet = 5;
};

// Connections are opened and greeted in batches: the handshakes of a batch
// complete in the kernel, then `greet` runs on each of them, with never more
// than a batch in the accept queue.
constexpr std::size_t batch = 256;

// Opens `n` connections to `port`, calling greet(fd) on each.
template <class Greet>
std::vector<int> open_connections(std::uint16_t port, std::size_t n, Greet greet) {
    std::size_t limit = raise_descriptor_limit();
    if (n + 16 > limit) fail(fmt::format("{} connections need more descriptors than the limit of {}", n, limit));
    std::vector<int> fds;
    fds.reserve(n);
    for (std::size_t i = 0; i < n; i += batch) {
        std::size_t end = std::min(n, i + batch);
        for (std::size_t j = i; j < end; ++j) fds.push_back(connect_to(port, j));
        for (std::size_t j = i; j < end; ++j) greet(fds[j]);
    }
    return fds;
}

int hold(const hold_options& opt) {
    std::string terminator = unescape(opt.terminator);
    std::string line = opt.query + "\n";
    auto settle = [&] { std::this_thread::sleep_for(std::chrono::duration<double>(opt.settle)); };

    // What the first answer costs once, whatever the connections (the
    // data file's and the code's pages, pools: ~1.5 MiB of the data file for
    // `cat face`, 150 bytes a connection when spread over 10,000), is paid
    // on a connection of its own before the first sample, as http-hold does.
    long rest = rss_kib(opt.pid);
    int first = connect_to(opt.port, 0);
    if (!opt.no_prompt) read_to(first, "?> ");
    send_all(first, line);
    read_to(first, terminator);
    ::close(first);
    settle();
    long before = rss_kib(opt.pid);
    std::vector<int> fds = open_connections(opt.port, opt.connections, [&](int fd) {
        if (!opt.no_prompt) read_to(fd, "?> ");
    });
    settle();
    long idle = rss_kib(opt.pid);
    for (std::size_t i = 0; i < fds.size(); i += batch) {
        std::size_t end = std::min(fds.size(), i + batch);
        for (std::size_t j = i; j < end; ++j) send_all(fds[j], line);
        for (std::size_t j = i; j < end; ++j) read_to(fds[j], terminator);
    }
    settle();
    long answered = rss_kib(opt.pid);
    std::this_thread::sleep_for(std::chrono::duration<double>(opt.quiet));
    long quiet = rss_kib(opt.pid);
    for (int fd : fds) ::close(fd);
    settle();
    long closed = rss_kib(opt.pid);
    auto per = [&](long kib) {
        return static_cast<double>(kib - before) * 1024.0 / static_cast<double>(opt.connections);
    };
    fmt::print(
        "{{\"connections\":{},\"rss_rest_kib\":{},\"rss_before_kib\":{},\"rss_idle_kib\":{},\"rss_answered_kib\":{},"
        "\"rss_quiet_kib\":{},\"rss_closed_kib\":{},\"idle_bytes_per_connection\":{:.0f},"
        "\"answered_bytes_per_connection\":{:.0f},\"quiet_bytes_per_connection\":{:.0f}}}\n",
        opt.connections, rest, before, idle, answered, quiet, closed, per(idle), per(answered), per(quiet));
    return 0;
}

struct http_hold_options {
    std::uint16_t port = 0;
    int pid = 0;
    std::size_t connections = 1000;
    std::string target = "/api/search?q=cat+face";
    double settle = 2;
    double hold = 0;
};

// Reads one whole response with Beast's parser; returns its status code.
unsigned read_response(int fd) {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    char buf[65536];
    std::string pending;
    while (!parser.is_done()) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(fmt::format("recv: {}", std::strerror(errno)));
        if (n == 0) fail("the server closed the connection before the end of its response");
        pending.append(buf, static_cast<std::size_t>(n));
        while (!pending.empty() && !parser.is_done()) {
            boost::system::error_code ec;
            std::size_t used = parser.put(boost::asio::buffer(pending), ec);
            pending.erase(0, used);
            if (ec == http::error::need_more) break;
            if (ec) fail(fmt::format("a malformed response: {}", ec.message()));
        }
    }
    if (!pending.empty()) fail("bytes after the response");
    return parser.get().result_int();
}

int http_hold(const http_hold_options& opt) {
    std::string request = fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", opt.target);
    auto settle = [&] { std::this_thread::sleep_for(std::chrono::duration<double>(opt.settle)); };
    auto ask = [&](int fd) {
        send_all(fd, request);
        if (unsigned status = read_response(fd); status != 200)
            fail(fmt::format("GET {}: status {}", opt.target, status));
    };
    int warm = connect_to(opt.port, 0);
    ask(warm);
    ::close(warm);
    settle();
    long before = rss_kib(opt.pid);
    std::vector<int> fds = open_connections(opt.port, opt.connections, ask);
    settle();
    long idle = rss_kib(opt.pid);
    fmt::print("{{\"connections\":{},\"rss_before_kib\":{},\"rss_idle_kib\":{},\"idle_bytes_per_connection\":{:.0f}}}\n",
               opt.connections, before, idle,
               static_cast<double>(idle - before) * 1024.0 / static_cast<double>(opt.connections));
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::duration<double>(opt.hold));
    for (int fd : fds) ::close(fd);
    return 0;
}

// The options hold and http-hold share: the server and how many connections.
void add_server_options(CLI::App& sub, std::uint16_t& port, int& pid, std::size_t& connections,
                        const char* port_help) {
    sub.add_option("--port", port, port_help)->required();
    sub.add_option("--pid", pid, "the server's process id")->required();
    sub.add_option("-c,--connections", connections, "connections")->capture_default_str();
}

}  // namespace
}  // namespace mojifinder::bench

int main(int argc, char** argv) {
    using namespace mojifinder::bench;
    CLI::App app("Start-up time and memory per connection of a server.", "mojifinder-probe");
    app.require_subcommand(1);

    startup_options so;
    auto* st = app.add_subcommand("startup", "time from exec to the first answer, median of --runs");
    st->add_option("--runs", so.runs, "start-ups")->capture_default_str()->check(CLI::Range(1u, 1000u));
    st->add_option("--server-cpu", so.server_cpu, "pin the server to this core");
    st->add_option("--query", so.query, "the first query")->capture_default_str();
    st->add_option("command", so.command, "the server and its arguments (after --)")->required();

    hold_options ho;
    auto* h = app.add_subcommand("hold", "RSS of a running server with N connections idle, then answered");
    add_server_options(*h, ho.port, ho.pid, ho.connections, "server port");
    h->add_option("--query", ho.query, "the query sent once on each")->capture_default_str();
    h->add_option("--terminator", ho.terminator, "the bytes that end an answer (escapes as in mojifinder-bench)")
        ->capture_default_str();
    h->add_flag("--no-prompt", ho.no_prompt, "no prompt after connecting (redis-server)");
    h->add_option("--settle", ho.settle, "seconds before each sample")->capture_default_str();
    h->add_option("--quiet", ho.quiet, "further seconds, after the answers, before the quiet sample")
        ->capture_default_str();

    http_hold_options hh;
    auto* hht = app.add_subcommand("http-hold", "RSS of a running server with N idle HTTP keep-alive connections");
    add_server_options(*hht, hh.port, hh.pid, hh.connections, "the server's HTTP port");
    hht->add_option("--target", hh.target, "the request target each connection GETs once")->capture_default_str();
    hht->add_option("--settle", hh.settle, "seconds before the idle sample")->capture_default_str();
    hht->add_option("--hold", hh.hold, "seconds the connections then stay open")->capture_default_str();

    std::string data_path = mojifinder::index::build_tree_data_path();
    auto* ds = app.add_subcommand("data-sizes", "what the data file is made of: bytes by source");
    ds->add_option("--data", data_path, "the data file")->capture_default_str();

    CLI11_PARSE(app, argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    try {
        if (ds->parsed()) return data_sizes(data_path);
        if (hht->parsed()) return http_hold(hh);
        return st->parsed() ? startup(so) : hold(ho);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mojifinder-probe: {}\n", e.what());
        return 1;
    }
}
