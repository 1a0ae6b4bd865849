// mojifinder-bench: a closed-loop load generator in the manner of
// redis-benchmark, for mojifinderd or any server of a line protocol.
//
// Flow: main() parses the options and runs one io_context on this thread.
// A few openers connect every connection (active ones first, then idle ones),
// a bounded number at a time so that the listen backlog is not flooded, and
// read each prompt. Then every active connection runs drive(): send a query,
// read into its own buffer until the bytes received end with the
// terminator, record the latency, repeat.
// Idle connections only watch for being closed. A clock coroutine switches
// from warm-up to measuring and, after the duration, closes every socket;
// the coroutines then end and the figures are printed.
#include "histogram.hpp"
#include "net.hpp"
#include "session_core.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mojifinder::bench {
namespace {

using clock = std::chrono::steady_clock;
using asio::as_tuple;
using asio::use_awaitable;

constexpr const char* usage =
    "usage: mojifinder-bench [--host HOST] [--port N] [--connections N] [--idle N]\n"
    "                        [--duration SECONDS] [--warmup SECONDS] [--file FILE]\n"
    "                        [--terminator STRING] [--no-prompt] [--json] [QUERY...]";

constexpr const char* details =
    "Each active connection sends a query and its LF, reads until the answer has\n"
    "ended, and sends the next query at once (closed loop, no pipelining). The\n"
    "queries are taken in turn, each connection starting at a different one.\n"
    "\n"
    "An answer ends when the bytes received end with the terminator: by default\n"
    "CR LF and the prompt, which follow a mojifinderd status line or error line.\n"
    "Against redis-server: --terminator '+PONG\\r\\n' --no-prompt PING.\n"
    "\n"
    "Output: requests/s and MB/s (10^6 bytes) received while measuring, after the\n"
    "warm-up; latency percentiles in microseconds from send to the end of the\n"
    "answer; requests per connection (min, median, max: a starved connection\n"
    "shows as a low minimum); errors (measured answers that start \"error: \", and error lines\n"
    "before the server closed a connection at any time), dropped connections\n"
    "(closed by the server during the run), connections that could not be opened\n"
    "or got no prompt, and the generator's own CPU time per request (if it nears\n"
    "1e6 / requests/s, the generator is the bottleneck). --json prints all of it\n"
    "as one JSON object.\n"
    "\n"
    "More than 16000 connections to a loopback server are spread over source\n"
    "addresses 127.0.0.1, 127.0.0.2, ... The descriptor limit is raised to its\n"
    "hard limit; connections plus idle ones must fit under it.\n"
    "\n"
    "Exit status: 0 after a run (whatever its errors), 1 when no connection\n"
    "could be opened, 2 on a bad option.";

// Connections opened at once: enough to set up 25,000 in a few seconds,
// few enough for the default listen backlog.
constexpr std::size_t parallel_opens = 128;
constexpr auto setup_limit = std::chrono::seconds(120);
constexpr std::size_t max_terminator = 64;
constexpr std::string_view error_prefix = "error: ";
constexpr std::string_view default_terminator = "\r\n?> ";

struct options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 2323;
    std::size_t connections = 50;
    std::size_t idle = 0;
    double duration = 10;
    double warmup = 1;
    std::string file;
    std::string terminator;  // as typed, with escapes
    bool no_prompt = false;
    bool json = false;
    std::vector<std::string> queries;
};

// The end of an answer is where the bytes received end with the terminator:
// in a closed loop nothing follows it, so comparing the tail after each read
// suffices, with no scan through megabyte answers. It also keeps the first
// bytes, to tell an error line.
class response_tracker {
public:
    explicit response_tracker(std::string_view terminator) noexcept : terminator_(terminator) {}

    void reset() noexcept {
        tail_size_ = 0;
        prefix_size_ = 0;
    }

    void feed(std::string_view data) noexcept {
        if (prefix_size_ < prefix_.size()) {
            std::size_t n = std::min(prefix_.size() - prefix_size_, data.size());
            std::memcpy(prefix_.data() + prefix_size_, data.data(), n);
            prefix_size_ += n;
        }
        const std::size_t t = terminator_.size();
        if (data.size() >= t) {
            std::memcpy(tail_.data(), data.data() + data.size() - t, t);
            tail_size_ = t;
        } else {
            std::size_t keep = std::min(tail_size_, t - data.size());
            std::memmove(tail_.data(), tail_.data() + tail_size_ - keep, keep);
            std::memcpy(tail_.data() + keep, data.data(), data.size());
            tail_size_ = keep + data.size();
        }
    }

    bool complete() const noexcept {
        return tail_size_ == terminator_.size() &&
               std::memcmp(tail_.data(), terminator_.data(), tail_size_) == 0;
    }

    bool is_error() const noexcept { return std::string_view(prefix_.data(), prefix_size_) == error_prefix; }

private:
    std::string_view terminator_;
    std::array<char, max_terminator> tail_{};
    std::size_t tail_size_ = 0;
    std::array<char, error_prefix.size()> prefix_{};
    std::size_t prefix_size_ = 0;
};

enum class phase { connecting, warming, measuring, done };

// User and system seconds of this process.
struct cpu_times {
    double user = 0, system = 0;

    static cpu_times now() {
        rusage u{};
        getrusage(RUSAGE_SELF, &u);
        auto sec = [](const timeval& t) {
            return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
        };
        return {sec(u.ru_utime), sec(u.ru_stime)};
    }
};

struct load_run {
    load_run(asio::io_context& io, const options& o, std::vector<std::string> query_lines, std::string term,
             const tcp::endpoint& ep)
        : opt(o),
          lines(std::move(query_lines)),
          terminator(std::move(term)),
          server(ep),
          sources(ep.address(), o.connections + o.idle),
          setup_timer(io),
          clock_timer(io) {
        sockets.reserve(o.connections + o.idle);
        for (std::size_t i = 0; i < o.connections + o.idle; ++i) sockets.emplace_back(io);
        open.assign(sockets.size(), false);
        answered.assign(o.connections, 0);
    }

    const options& opt;
    std::vector<std::string> lines;  // each query and its LF
    std::string terminator;
    tcp::endpoint server;
    source_addresses sources;
    std::vector<tcp::socket> sockets;  // active first, then idle
    std::vector<bool> open;            // connected and prompted
    // Every read lands here: the run is single-threaded and keeps nothing of
    // an answer but its tail, so one large buffer serves all connections.
    std::vector<char> buffer = std::vector<char>(256 * 1024);
    asio::steady_timer setup_timer;
    asio::steady_timer clock_timer;

    phase now = phase::connecting;
    bool setup_failed = false;
    std::size_t next_to_open = 0;
    std::size_t openers = 0;
    std::string first_connect_error;

    histogram latency;                      // nanoseconds
    std::uint64_t requests = 0, bytes = 0;  // while measuring
    // Answers per active connection while measuring: a starved one shows as a
    // low minimum (a request that never ends leaves no latency to record).
    std::vector<std::uint32_t> answered;
    std::uint64_t errors = 0, dropped = 0, connect_errors = 0;
    clock::time_point measure_start, measure_end;
    cpu_times cpu_start, cpu_end;
};

enum class read_status { more, complete, closed };

// Reads what has arrived. A read that does not fill the buffer took all the
// kernel had; what comes later wakes the next wait (a new arrival is a new
// edge for the reactor).
read_status read_available(load_run& run, tcp::socket& sock, response_tracker& t) {
    for (;;) {
        boost::system::error_code ec;
        std::size_t n = sock.read_some(asio::buffer(run.buffer), ec);
        if (ec == asio::error::would_block) return read_status::more;
        if (ec) return read_status::closed;
        t.feed({run.buffer.data(), n});
        if (run.now == phase::measuring) run.bytes += n;
        if (t.complete()) return read_status::complete;
        if (n < run.buffer.size()) return read_status::more;
    }
}

// The reactor reports a socket readable once per arrival (edge-triggered),
// and an arrival it saw while no wait was queued is not reported again. In
// the closed loop a wait is queued right after each send, before the loop
// can look; elsewhere (after connecting, between the prompt and the start)
// bytes may already be there: `look_first` reads before waiting.
asio::awaitable<read_status> read_response(load_run& run, tcp::socket& sock, response_tracker& t,
                                           bool look_first) {
    if (look_first) {
        read_status st = read_available(run, sock, t);
        if (st != read_status::more) co_return st;
    }
    for (;;) {
        auto [ec] = co_await sock.async_wait(tcp::socket::wait_read, as_tuple(use_awaitable));
        if (ec) co_return read_status::closed;
        read_status st = read_available(run, sock, t);
        if (st != read_status::more) co_return st;
    }
}

// The closed loop's read: a read operation queued on the socket, into the
// connection's own buffer (reads queued at once cannot share one). Asio tries
// it at once (the kernel says EAGAIN: nothing has come back yet) and then
// reads when the reactor reports data, without re-arming epoll; a wait for
// readability would modify the epoll set once per request, which costs more
// the more connections it holds.
asio::awaitable<read_status> read_answer(load_run& run, tcp::socket& sock, response_tracker& t,
                                         std::span<char> buffer) {
    for (;;) {
        auto [ec, n] = co_await sock.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                                     as_tuple(use_awaitable));
        if (ec) co_return read_status::closed;
        t.feed({buffer.data(), n});
        if (run.now == phase::measuring) run.bytes += n;
        if (t.complete()) co_return read_status::complete;
    }
}

void lost(load_run& run, const response_tracker& t) {
    if (run.now == phase::done) return;
    ++run.dropped;
    if (t.is_error()) ++run.errors;
}

asio::awaitable<void> drive(load_run& run, std::size_t i) {
    tcp::socket& sock = run.sockets[i];
    response_tracker tracker(run.terminator);
    std::vector<char> buffer(4096);
    std::size_t q = i % run.lines.size();
    while (run.now != phase::done) {
        std::string_view line = run.lines[q];
        if (++q == run.lines.size()) q = 0;
        tracker.reset();
        auto sent = clock::now();
        // The send buffer is empty in a closed loop: the line leaves at once,
        // without a trip through the reactor.
        boost::system::error_code ec;
        std::size_t n = sock.write_some(asio::buffer(line), ec);
        if (ec == asio::error::would_block) {
            n = 0;
            ec = {};
        }
        if (!ec && n < line.size()) {
            auto [wec, written] =
                co_await asio::async_write(sock, asio::buffer(line.substr(n)), as_tuple(use_awaitable));
            ec = wec;
        }
        if (ec) {
            lost(run, tracker);
            co_return;
        }
        if (co_await read_answer(run, sock, tracker, buffer) != read_status::complete) {
            lost(run, tracker);
            co_return;
        }
        if (run.now == phase::measuring) {
            ++run.requests;
            ++run.answered[i];
            if (tracker.is_error()) ++run.errors;
            run.latency.record(static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - sent).count()));
        }
    }
}

// An idle connection should hear nothing; whatever comes is read, and a
// close counts as a drop.
asio::awaitable<void> watch_idle(load_run& run, std::size_t i) {
    response_tracker tracker(run.terminator);
    while (co_await read_response(run, run.sockets[i], tracker, true) != read_status::closed) {
    }
    lost(run, tracker);
}

void close_all(load_run& run) {
    for (auto& sock : run.sockets) {
        boost::system::error_code ec;
        sock.close(ec);
    }
}

asio::awaitable<void> run_clock(load_run& run) {
    using seconds = std::chrono::duration<double>;
    run.now = phase::warming;
    run.clock_timer.expires_after(std::chrono::duration_cast<clock::duration>(seconds(run.opt.warmup)));
    co_await run.clock_timer.async_wait(as_tuple(use_awaitable));
    run.now = phase::measuring;
    run.measure_start = clock::now();
    run.cpu_start = cpu_times::now();
    run.clock_timer.expires_after(std::chrono::duration_cast<clock::duration>(seconds(run.opt.duration)));
    co_await run.clock_timer.async_wait(as_tuple(use_awaitable));
    run.measure_end = clock::now();
    run.cpu_end = cpu_times::now();
    run.now = phase::done;
    close_all(run);
}

void start(load_run& run) {
    run.setup_timer.cancel();
    if (run.setup_failed) return;
    bool any = false;
    for (std::size_t i = 0; i < run.sockets.size(); ++i) {
        if (!run.open[i]) continue;
        if (i < run.opt.connections) {
            any = true;
            asio::co_spawn(run.sockets[i].get_executor(), drive(run, i), asio::detached);
        } else {
            asio::co_spawn(run.sockets[i].get_executor(), watch_idle(run, i), asio::detached);
        }
    }
    if (!any) {
        run.setup_failed = true;
        close_all(run);
        return;
    }
    asio::co_spawn(run.clock_timer.get_executor(), run_clock(run), asio::detached);
}

asio::awaitable<void> open_one(load_run& run, std::size_t i) {
    tcp::socket& sock = run.sockets[i];
    auto fail = [&](std::string_view why) {
        ++run.connect_errors;
        if (run.first_connect_error.empty()) run.first_connect_error = why;
        boost::system::error_code ignored;
        sock.close(ignored);
    };
    try {
        run.sources.bind(sock, i);
    } catch (const boost::system::system_error& e) {
        fail(e.what());
        co_return;
    }
    auto [ec] = co_await sock.async_connect(run.server, as_tuple(use_awaitable));
    if (ec) {
        fail(fmt::format("connect: {}", ec.message()));
        co_return;
    }
    sock.set_option(tcp::no_delay(true), ec);
    sock.non_blocking(true, ec);
    if (ec) {
        fail(ec.message());
        co_return;
    }
    if (!run.opt.no_prompt) {
        response_tracker tracker(protocol::prompt);
        if (co_await read_response(run, sock, tracker, true) != read_status::complete) {
            if (tracker.is_error()) ++run.errors;
            fail(tracker.is_error() ? "the server answered with an error line instead of the prompt"
                                    : "closed before the prompt");
            co_return;
        }
    }
    run.open[i] = true;
}

asio::awaitable<void> opener(load_run& run) {
    while (run.next_to_open < run.sockets.size() && !run.setup_failed)
        co_await open_one(run, run.next_to_open++);
    if (--run.openers == 0) start(run);
}

asio::awaitable<void> guard_setup(load_run& run) {
    run.setup_timer.expires_after(setup_limit);
    auto [ec] = co_await run.setup_timer.async_wait(as_tuple(use_awaitable));
    if (ec || run.now != phase::connecting) co_return;
    run.setup_failed = true;
    if (run.first_connect_error.empty())
        run.first_connect_error = fmt::format("connections not open after {} s", setup_limit.count());
    close_all(run);
}

double micros(std::uint64_t ns) {
    return static_cast<double>(ns) / 1000.0;
}

void report(const load_run& run) {
    const options& opt = run.opt;
    std::size_t active = 0, idle = 0;
    for (std::size_t i = 0; i < run.sockets.size(); ++i)
        if (run.open[i]) ++(i < opt.connections ? active : idle);
    double elapsed = std::chrono::duration<double>(run.measure_end - run.measure_start).count();
    double rate = elapsed > 0 ? static_cast<double>(run.requests) / elapsed : 0;
    double mbps = elapsed > 0 ? static_cast<double>(run.bytes) / elapsed / 1e6 : 0;
    auto per_request = [&](double seconds) {
        return run.requests > 0 ? seconds / static_cast<double>(run.requests) * 1e6 : 0.0;
    };
    double user_us = per_request(run.cpu_end.user - run.cpu_start.user);
    double system_us = per_request(run.cpu_end.system - run.cpu_start.system);
    std::vector<std::uint32_t> counts;
    for (std::size_t i = 0; i < opt.connections; ++i)
        if (run.open[i]) counts.push_back(run.answered[i]);
    std::sort(counts.begin(), counts.end());
    std::uint32_t fewest = counts.empty() ? 0 : counts.front(), most = counts.empty() ? 0 : counts.back(),
                  median = counts.empty() ? 0 : counts[counts.size() / 2];
    const histogram& h = run.latency;
    double p50 = micros(h.percentile(50)), p90 = micros(h.percentile(90)), p99 = micros(h.percentile(99)),
           p999 = micros(h.percentile(99.9)), max = micros(h.max());
    if (opt.json) {
        // Every string here is an IP address (the one --host resolved to):
        // nothing to escape.
        fmt::print(
            "{{\"host\":\"{}\",\"port\":{},\"connections\":{},\"idle\":{},\"source_addresses\":{},"
            "\"queries\":{},\"warmup_s\":{},\"duration_s\":{:.3f},\"requests\":{},"
            "\"requests_per_s\":{:.1f},\"bytes\":{},\"mb_per_s\":{:.3f},"
            "\"latency_us\":{{\"p50\":{:.1f},\"p90\":{:.1f},\"p99\":{:.1f},\"p99_9\":{:.1f},"
            "\"max\":{:.1f}}},\"per_connection\":{{\"min\":{},\"median\":{},\"max\":{}}},"
            "\"errors\":{},\"dropped\":{},\"connect_errors\":{},"
            "\"client_cpu_us_per_request\":{{\"user\":{:.2f},\"system\":{:.2f}}}}}\n",
            run.server.address().to_string(), run.server.port(), active, idle, run.sources.count(),
            run.lines.size(), opt.warmup, elapsed, run.requests, rate, run.bytes, mbps, p50, p90, p99, p999,
            max, fewest, median, most, run.errors, run.dropped, run.connect_errors, user_us, system_us);
        return;
    }
    fmt::print(
        "mojifinder-bench {}:{}: {} connections, {} idle, {} queries, {} s warm-up, {:.2f} s measured{}\n",
        run.server.address().to_string(), run.server.port(), active, idle, run.lines.size(), opt.warmup,
        elapsed,
        run.sources.count() > 1 ? fmt::format(", from {} source addresses", run.sources.count()) : "");
    fmt::print("requests        {} ({:.1f} requests/s)\n", run.requests, rate);
    fmt::print("received        {:.3f} MB ({:.3f} MB/s)\n", static_cast<double>(run.bytes) / 1e6, mbps);
    fmt::print("latency (us)    p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  p99.9 {:.1f}  max {:.1f}\n", p50, p90,
               p99, p999, max);
    fmt::print("per connection  min {}  median {}  max {} requests\n", fewest, median, most);
    fmt::print("errors          {}\n", run.errors);
    fmt::print("dropped         {}\n", run.dropped);
    fmt::print("connect errors  {}\n", run.connect_errors);
    fmt::print("client CPU (us) {:.2f} per request: user {:.2f}, system {:.2f}\n", user_us + system_us,
               user_us, system_us);
}

void complain(std::string_view message) {
    fmt::print(stderr, "mojifinder-bench: {}\n", message);
}

// The queries, each with its LF; nullopt after a complaint.
std::optional<std::vector<std::string>> query_lines(const options& opt) {
    std::vector<std::string> queries = opt.queries;
    if (!opt.file.empty()) {
        std::ifstream in(opt.file);
        if (!in) {
            complain(fmt::format("cannot read {}", opt.file));
            return std::nullopt;
        }
        for (std::string line; std::getline(in, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.find_first_not_of(" \t") != std::string::npos) queries.push_back(line);
        }
    }
    if (queries.empty()) queries.push_back("cat face");
    std::vector<std::string> lines;
    for (auto& q : queries) {
        // A blank line gets only the prompt, which no terminator tells from
        // the end of the previous answer.
        if (q.find_first_not_of(" \t") == std::string::npos || q.find('\n') != std::string::npos) {
            complain(fmt::format("not a query: {:?} (blank, or more than one line)", q));
            return std::nullopt;
        }
        lines.push_back(q + "\n");
    }
    return lines;
}

int run_main(const options& opt) {
    auto lines = query_lines(opt);
    if (!lines) return 2;
    std::string terminator(default_terminator);
    if (!opt.terminator.empty()) {
        try {
            terminator = unescape(opt.terminator);
        } catch (const std::invalid_argument& e) {
            complain(fmt::format("--terminator: {}", e.what()));
            return 2;
        }
        if (terminator.empty() || terminator.size() > max_terminator) {
            complain(fmt::format("--terminator: 1 to {} bytes", max_terminator));
            return 2;
        }
    }
    tcp::endpoint server;
    try {
        server = resolve_server(opt.host, opt.port);
    } catch (const std::invalid_argument& e) {
        complain(fmt::format("--host: {}", e.what()));
        return 2;
    }
    // A few descriptors stay free for the process itself.
    std::size_t limit = raise_descriptor_limit();
    constexpr std::size_t reserve = 16;
    if (opt.connections + opt.idle + reserve > limit) {
        complain(fmt::format("{} connections and {} idle need more descriptors than the limit of {}",
                             opt.connections, opt.idle, limit));
        return 2;
    }

    asio::io_context io(1);
    load_run run(io, opt, std::move(*lines), terminator, server);
    run.openers = std::min(parallel_opens, run.sockets.size());
    for (std::size_t i = 0; i < run.openers; ++i) asio::co_spawn(io, opener(run), asio::detached);
    asio::co_spawn(io, guard_setup(run), asio::detached);
    io.run();
    if (run.setup_failed) {
        complain(fmt::format("could not open the connections ({} failed): {}", run.connect_errors,
                             run.first_connect_error));
        return 1;
    }
    if (run.connect_errors > 0)
        complain(
            fmt::format("{} connections failed to open: {}", run.connect_errors, run.first_connect_error));
    report(run);
    return 0;
}

}  // namespace
}  // namespace mojifinder::bench

int main(int argc, char** argv) {
    mojifinder::bench::options opt;
    CLI::App app("A closed-loop load generator for mojifinderd and other line-protocol servers.",
                 "mojifinder-bench");
    app.footer(mojifinder::bench::details);
    app.add_option("--host", opt.host, "server name or address")->capture_default_str();
    app.add_option("--port", opt.port, "server port")->capture_default_str();
    app.add_option("-c,--connections", opt.connections, "active connections")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
    app.add_option("--idle", opt.idle, "extra connections held open, idle, during the run")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}));
    app.add_option("-d,--duration", opt.duration, "seconds measured")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 86400.0));
    app.add_option("--warmup", opt.warmup, "seconds of load before measuring")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 3600.0));
    app.add_option("-f,--file", opt.file, "queries, one a line (added to the QUERY arguments)");
    app.add_option("--terminator", opt.terminator,
                   "the bytes that end an answer, with escapes \\r \\n \\t \\\\ \\0 \\xHH "
                   "(default: \\r\\n?> , the prompt after a status or error line)");
    app.add_flag("--no-prompt", opt.no_prompt, "do not wait for a prompt after connecting");
    app.add_flag("--json", opt.json, "print one JSON object instead of the table");
    app.add_option("query", opt.queries, "queries, taken in turn (default: \"cat face\")");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "mojifinder-bench: {}\n{}\n", e.what(), mojifinder::bench::usage);
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return mojifinder::bench::run_main(opt);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mojifinder-bench: {}\n", e.what());
        return 1;
    }
}
