// HTTP through the real server: mojifinderd with --http-port 0, driven over
// real sockets, checked by exact status lines and the headers that matter
// (docs/HTTP.md has the whole bytes; tests/http_core_test.cpp checks them
// without sockets). What is checked here is what only the server does:
// keep-alive and pipelining over a socket, the timeouts, the connection
// limit it shares with the line protocol, the counters of both, SIGTERM.
// Flow: start a server, read its two ready lines, open connections, send
// requests, read responses (framed by Content-Length or chunked), compare.
#include "http_core.hpp"
#include "process.hpp"
#include "session_core.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace mojifinder::testing;
namespace protocol = mojifinder::protocol;

// A server built with AddressSanitizer or ThreadSanitizer (as this binary
// is) holds shadow memory and quarantined blocks: its resident size says
// nothing about what a connection costs.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MOJIFINDER_SANITIZED 1
#endif

namespace {

#ifdef MOJIFINDER_SANITIZED
constexpr bool measuring_memory = false;
#else
constexpr bool measuring_memory = true;
#endif

// An upper bound for anything the server does; the machine is shared.
constexpr auto patience = 60s;
constexpr int still_running = -1;

const std::string prompt(protocol::prompt);

// mojifinderd with --http-port 0: the line protocol's port from its first
// line, HTTP's from its second.
struct http_server {
    explicit http_server(std::vector<std::string> args = {}) : server(with_http(std::move(args))) {
        auto line = server.process().read_stdout_line(30s);
        constexpr std::string_view prefix = "http listening on 127.0.0.1:";
        if (!line || !line->starts_with(prefix))
            throw std::runtime_error("no http listening line: " + line.value_or("(none)"));
        http_port = static_cast<unsigned short>(std::stoi(line->substr(prefix.size())));
    }
    static std::vector<std::string> with_http(std::vector<std::string> args) {
        args.insert(args.begin(), {"--http-port", "0"});
        return args;
    }
    server_process server;
    unsigned short http_port = 0;
};

std::string get(std::string_view target, std::string_view extra_headers = "") {
    return fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n", target, extra_headers);
}

// A response as it came: the status line, the header fields (names in lower
// case), the body (chunks joined).
struct response {
    std::string raw;  // every byte of it
    std::string status;
    std::map<std::string, std::string> fields;
    std::string body;

    std::string field(const std::string& name) const {
        auto it = fields.find(name);
        return it == fields.end() ? "(none)" : it->second;
    }
};

// One line without its CR LF; `raw` gets it with them.
std::string read_line(connection& c, std::string& raw) {
    std::string line;
    while (!line.ends_with("\r\n")) line += c.read_exact(1, patience);
    raw += line;
    line.resize(line.size() - 2);
    return line;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return s;
}

// One whole response; `head`: to a HEAD request, so no body whatever the fields say.
response read_response(connection& c, bool head = false) {
    response r;
    r.status = read_line(c, r.raw);
    for (std::string line = read_line(c, r.raw); !line.empty(); line = read_line(c, r.raw)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) throw std::runtime_error("bad header line: " + line);
        std::size_t value = line.find_first_not_of(' ', colon + 1);
        r.fields[lower(line.substr(0, colon))] = value == std::string::npos ? "" : line.substr(value);
    }
    if (head) return r;
    if (r.field("transfer-encoding") == "chunked") {
        for (;;) {
            std::size_t size = std::stoul(read_line(c, r.raw), nullptr, 16);
            r.body += c.read_exact(size, patience);
            r.raw += std::string_view(r.body).substr(r.body.size() - size);
            if (read_line(c, r.raw) != "") throw std::runtime_error("no CRLF after a chunk");
            if (size == 0) break;
        }
    } else if (r.fields.contains("content-length")) {
        r.body = c.read_exact(std::stoul(r.field("content-length")), patience);
        r.raw += r.body;
    }
    return r;
}

std::size_t count(std::string_view text, std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

// A line session whose prompt has been read.
connection line_session(const http_server& s) {
    connection c(s.server.port());
    REQUIRE(c.read_exact(prompt.size(), patience) == prompt);
    return c;
}

// The value of one series of /metrics ("name{labels} value"), or -1.
long metric(const std::string& text, std::string_view series) {
    std::string start = std::string(series) + " ";
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + at, end - at);
        if (line.starts_with(start)) return std::stol(std::string(line.substr(start.size())));
        at = end + 1;
    }
    return -1;
}

}  // namespace

TEST_CASE("http: the ready lines, and the line protocol unchanged beside HTTP", "[server][http]") {
    http_server s;
    CHECK(s.http_port != 0);
    CHECK(s.http_port != s.server.port());
    connection c = line_session(s);
    c.send("cat face\n");
    CHECK(c.read_until(cat_face_answer(), patience) == cat_face_answer());
    c.shutdown_write();
    CHECK(c.read_to_close(patience).empty());
    CHECK(s.server.stop().value_or(still_running) == 0);
    CHECK(s.server.process().out() == fmt::format("listening on 127.0.0.1:{}\nhttp listening on 127.0.0.1:{}\n",
                                                  s.server.port(), s.http_port));
}

TEST_CASE("http: a search, keep-alive and pipelining through a real socket", "[server][http]") {
    http_server s;
    connection c(s.http_port);
    SECTION("a search: 200, JSON, cat face found 10 in code point order") {
        c.send(get("/api/search?q=cat+face"));
        response r = read_response(c);
        CHECK(r.status == "HTTP/1.1 200 OK");
        CHECK(r.field("content-type") == "application/json; charset=utf-8");
        CHECK(r.field("access-control-allow-origin") == "*");
        CHECK(r.field("x-content-type-options") == "nosniff");
        CHECK(r.body.starts_with(R"({"query":"cat face","found":10,"offset":0,"results":[{"cp":"U+1F431","char":"🐱","name":"CAT FACE")"));
        CHECK(count(r.body, R"({"cp":)") == 10);
        CHECK(r.body.find(R"("cp":"U+1F640")") != std::string::npos);
    }
    SECTION("keep-alive: two requests, one after the other, on one connection") {
        for (int i = 0; i < 2; ++i) {
            c.send(get("/api/search?q=cat+face"));
            response r = read_response(c);
            CHECK(r.status == "HTTP/1.1 200 OK");
            CHECK(count(r.body, R"({"cp":)") == 10);
        }
        c.send(get("/healthz"));
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
    }
    SECTION("pipelining: two requests in one write, two responses in order") {
        c.send(get("/api/search?q=cat+face") + get("/api/search?q=snowman"));
        response first = read_response(c);
        response second = read_response(c);
        CHECK(first.status == "HTTP/1.1 200 OK");
        CHECK(first.body.starts_with(R"({"query":"cat face","found":10,)"));
        CHECK(second.status == "HTTP/1.1 200 OK");
        CHECK(second.body.starts_with(R"({"query":"snowman",)"));
        CHECK(second.body.find(R"("cp":"U+2603")") != std::string::npos);
    }
    SECTION("pipelining split anywhere: three requests in pieces of 7 bytes") {
        std::string all = get("/healthz") + get("/api/search?q=cat+face") + get("/nowhere");
        for (std::size_t at = 0; at < all.size(); at += 7) c.send(std::string_view(all).substr(at, 7));
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
        CHECK(count(read_response(c).body, R"({"cp":)") == 10);
        CHECK(read_response(c).status == "HTTP/1.1 404 Not Found");
    }
    SECTION("/healthz 200; HEAD has the headers and no body") {
        c.send(get("/healthz"));
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
        c.send("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        response r = read_response(c, true);
        CHECK(r.status == "HTTP/1.1 200 OK");
        c.send(get("/healthz"));  // nothing of a body came between
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
    }
    CHECK(s.server.stop().value_or(still_running) == 0);
}

TEST_CASE("http: each limit, what the client gets", "[server][http]") {
    http_server s;
    connection c(s.http_port);
    SECTION("a target over 8 KiB: 414, close") {
        c.send(get("/api/search?q=" + std::string(mojifinder::config::http_max_target, 'a')));
        CHECK(read_response(c).status == "HTTP/1.1 414 URI Too Long");
        CHECK(c.closed_within(patience));
    }
    SECTION("header fields over 8 KiB together: 431, close") {
        std::string fields;
        for (int i = 0; i < 9; ++i) fields += fmt::format("X-Filler-{}: {}\r\n", i, std::string(1000, 'x'));
        c.send(get("/healthz", fields));
        CHECK(read_response(c).status == "HTTP/1.1 431 Request Header Fields Too Large");
        CHECK(c.closed_within(patience));
    }
    SECTION("another method: 405 with Allow, and the connection goes on") {
        std::string method = GENERATE("POST", "PUT", "DELETE", "OPTIONS");
        CAPTURE(method);
        c.send(method + " /api/search?q=cat HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        response r = read_response(c);
        CHECK(r.status == "HTTP/1.1 405 Method Not Allowed");
        CHECK(r.field("allow") == "GET, HEAD");
        c.send(get("/healthz"));
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
    }
    SECTION("a GET with a body: 400, close") {
        c.send(get("/api/search?q=cat", "Content-Length: 5\r\n") + "hello");
        CHECK(read_response(c).status == "HTTP/1.1 400 Bad Request");
        CHECK(c.closed_within(patience));
    }
    SECTION("elsewhere: 404, and the connection goes on") {
        c.send(get("/etc/passwd"));
        CHECK(read_response(c).status == "HTTP/1.1 404 Not Found");
        c.send(get("/healthz"));
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
    }
    CHECK(s.server.stop().value_or(still_running) == 0);
}

TEST_CASE("http: the request timeout and the keep-alive idle timeout", "[server][http]") {
    http_server s({"--http-request-timeout", "1", "--http-idle-timeout", "2"});
    connection c(s.http_port);
    SECTION("half a request, then nothing: 408 after --http-request-timeout, close") {
        c.send("GET /healthz HTTP/1.1\r\nHo");
        auto sent = std::chrono::steady_clock::now();
        CHECK(read_response(c).status == "HTTP/1.1 408 Request Timeout");
        CHECK(c.closed_within(patience));
        CHECK(std::chrono::steady_clock::now() - sent >= 1s);
        CHECK(s.server.process().wait_for_err("request timeout", patience));
    }
    SECTION("kept alive after a response, then nothing: closed after --http-idle-timeout, silently") {
        c.send(get("/healthz"));
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
        auto answered = std::chrono::steady_clock::now();
        // Cooling off at config::warm_period (1 s) is not the idle timeout.
        CHECK(c.read_for(1500ms).empty());
        std::string extra;
        CHECK(c.closed_within(patience, &extra));
        CHECK(extra.empty());
        CHECK(std::chrono::steady_clock::now() - answered >= 2s);
    }
    SECTION("connected and nothing sent: closed after --http-idle-timeout") {
        std::string extra;
        CHECK(c.closed_within(patience, &extra));
        CHECK(extra.empty());
    }
    SECTION("a request after a cold wait is answered as any other") {
        c.send(get("/healthz"));
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
        CHECK(c.read_for(1500ms).empty());  // past config::warm_period: the connection is cold
        c.send(get("/api/search?q=cat+face"));
        CHECK(count(read_response(c).body, R"({"cp":)") == 10);
    }
    CHECK(s.server.stop().value_or(still_running) == 0);
}

TEST_CASE("http: the connection limit is shared with the line protocol", "[server][http]") {
    http_server s({"--max-connections", "1"});
    SECTION("a line session open: an HTTP connection gets the whole 503 with Retry-After") {
        connection line = line_session(s);
        connection extra(s.http_port);
        const std::string busy = extra.read_to_close(patience);
        CHECK(busy == protocol::http::busy_response());
        CHECK(busy.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
        CHECK(busy.find("\r\nRetry-After: 1\r\n") != std::string::npos);
        line.send("cat face\n");
        CHECK(line.read_until(cat_face_answer(), patience) == cat_face_answer());
        line.shutdown_write();
        CHECK(line.read_to_close(patience).empty());
        // The slot is free once the server has seen the close: then /metrics
        // has the refusal, counted as HTTP's.
        std::optional<response> metrics;
        long refused = 1;
        for (int attempt = 0; attempt < 100 && !metrics; ++attempt) {
            connection c(s.http_port);
            c.send(get("/metrics"));
            response r = read_response(c);
            if (r.status == "HTTP/1.1 200 OK") {
                metrics = r;
            } else {
                CHECK(r.status == "HTTP/1.1 503 Service Unavailable");
                ++refused;
                std::this_thread::sleep_for(100ms);
            }
        }
        REQUIRE(metrics);
        CHECK(metric(metrics->body, R"(mojifinder_errors_total{protocol="http",kind="refused_busy"})") == refused);
        CHECK(metric(metrics->body, R"(mojifinder_errors_total{protocol="line",kind="refused_busy"})") == 0);
    }
    SECTION("an HTTP connection open: a line session gets the busy line") {
        connection http(s.http_port);
        http.send(get("/healthz"));
        CHECK(read_response(http).status == "HTTP/1.1 200 OK");
        connection extra(s.server.port());
        CHECK(extra.read_to_close(patience) == protocol::error_busy);
        http.send(get("/healthz"));
        CHECK(read_response(http).status == "HTTP/1.1 200 OK");
    }
    CHECK(s.server.stop().value_or(still_running) == 0);
    CHECK(s.server.process().err().find("connection refused: 1 sessions open (--max-connections)") !=
          std::string::npos);
}

TEST_CASE("http: /metrics counts both protocols", "[server][http]") {
    http_server s;
    connection line = line_session(s);
    line.send("cat face\n");
    CHECK(line.read_until(cat_face_answer(), patience) == cat_face_answer());
    line.send("cat face\n");  // the second time from the answer cache
    CHECK(line.read_until(cat_face_answer(), patience) == cat_face_answer());
    line.send("zzzq\n");
    CHECK(line.read_until(prompt, patience).starts_with(status_line(0).substr(0, status_line(0).size() - 2)));
    connection c(s.http_port);
    c.send(get("/api/search?q=cat+face"));
    CHECK(read_response(c).status == "HTTP/1.1 200 OK");
    c.send(get("/metrics"));
    response r = read_response(c);
    CHECK(r.status == "HTTP/1.1 200 OK");
    CAPTURE(r.body);
    CHECK(metric(r.body, R"(mojifinder_queries_total{protocol="line",outcome="found"})") == 2);
    CHECK(metric(r.body, R"(mojifinder_kept_answers_total)") == 1);
    CHECK(metric(r.body, R"(mojifinder_queries_total{protocol="line",outcome="empty"})") == 1);
    CHECK(metric(r.body, R"(mojifinder_queries_total{protocol="http",outcome="found"})") == 1);
    CHECK(metric(r.body, R"(mojifinder_sessions_open{protocol="line"})") == 1);
    CHECK(metric(r.body, R"(mojifinder_sessions_open{protocol="http"})") == 1);
    CHECK(metric(r.body, R"(mojifinder_query_seconds_count{protocol="line"})") == 3);
    CHECK(metric(r.body, R"(mojifinder_query_seconds_count{protocol="http"})") == 1);
    CHECK(metric(r.body, R"(mojifinder_answer_bytes_count{protocol="line"})") == 3);
    CHECK(s.server.stop().value_or(still_running) == 0);
}

TEST_CASE("http: an idle keep-alive connection costs at most 4 KiB of the server's memory", "[server][http]") {
    // 500 connections (and their descriptors in this process too): enough
    // for the cost per connection to stand well above the noise.
    constexpr std::size_t connections = 500;
    rlimit lim{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &lim) == 0);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    REQUIRE((lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur > connections + 64));

    http_server s({"--quiet"});
    const std::string request = get("/api/search?q=cat+face");
    {
        connection first(s.http_port);  // what a search touches is resident before the baseline
        first.send(request);
        REQUIRE(count(read_response(first).body, R"({"cp":)") == 10);
    }
    std::this_thread::sleep_for(1500ms);
    const long before = s.server.process().rss_kib();
    REQUIRE(before > 0);
    std::deque<connection> idle;
    for (std::size_t i = 0; i < connections; ++i) {
        idle.emplace_back(s.http_port);
        idle.back().send(request);
        REQUIRE(count(read_response(idle.back()).body, R"({"cp":)") == 10);
    }
    // Past config::warm_period and a sweep: every connection is as idle as it gets.
    std::this_thread::sleep_for(1500ms);
    const long per_connection = (s.server.process().rss_kib() - before) * 1024 / static_cast<long>(connections);
    CAPTURE(per_connection);
    if (measuring_memory)
        CHECK(per_connection <= 4096);
    else
        WARN("a sanitizer build: the server's memory is not measured");
    // Each still answers.
    for (std::size_t i = 0; i < connections; i += 100) {
        idle[i].send(request);
        CHECK(count(read_response(idle[i]).body, R"({"cp":)") == 10);
    }
    CHECK(s.server.stop().value_or(still_running) == 0);
}

TEST_CASE("http: on 4 event loops, HTTP and line clients at once each get exactly their answers",
          "[server][http][threads]") {
    http_server s({"--threads", "4", "--quiet"});
    const std::string request = get("/api/search?q=cat+face");
    std::string expected;
    {
        connection first(s.http_port);
        first.send(request);
        expected = read_response(first).raw;
        REQUIRE(count(expected, R"({"cp":)") == 10);
    }
    constexpr std::size_t clients = 40;  // of each protocol
    constexpr std::size_t rounds = 10;
    std::vector<connection> conns;
    for (std::size_t i = 0; i < clients; ++i) {
        conns.emplace_back(s.http_port);
        conns.push_back(line_session(s));
    }
    // Catch's assertions are not thread-safe: each thread keeps its count and
    // its first mismatch for the main thread to check.
    std::vector<std::size_t> exact(conns.size(), 0);
    std::vector<std::string> mismatch(conns.size());
    std::vector<std::thread> threads;
    const std::string line_query = "cat face\n";
    for (std::size_t i = 0; i < conns.size(); ++i) {
        const bool http = i % 2 == 0;
        const std::string& ask = http ? request : line_query;
        const std::string answer = http ? expected : cat_face_answer();
        threads.emplace_back([&c = conns[i], &n = exact[i], &why = mismatch[i], &ask, answer] {
            try {
                for (std::size_t r = 0; r < rounds; ++r) {
                    c.send(ask);
                    std::string got = c.read_exact(answer.size(), patience);
                    if (got == answer)
                        ++n;
                    else if (why.empty())
                        why = "got: " + got;
                }
            } catch (const std::exception& e) {
                why = e.what();
            }
        });
    }
    for (std::thread& t : threads) t.join();
    for (std::size_t i = 0; i < conns.size(); ++i) {
        CAPTURE(i, mismatch[i]);
        CHECK(exact[i] == rounds);
    }
    connection c(s.http_port);
    c.send(get("/metrics"));
    const std::string metrics = read_response(c).body;
    CHECK(metric(metrics, R"(mojifinder_queries_total{protocol="http",outcome="found"})") == 1 + clients * rounds);
    CHECK(metric(metrics, R"(mojifinder_queries_total{protocol="line",outcome="found"})") == clients * rounds);
    CHECK(metric(metrics, R"(mojifinder_sessions_open{protocol="http"})") == clients + 1);
    CHECK(metric(metrics, R"(mojifinder_sessions_open{protocol="line"})") == clients);
    CHECK(s.server.stop().value_or(still_running) == 0);
}

TEST_CASE("http: SIGTERM drains HTTP connections like line sessions", "[server][http]") {
    http_server s({"--quiet"});
    SECTION("a response in flight is written whole, then the connection closes; exit 0") {
        connection c(s.http_port, 4096);  // the server cannot push the whole answer ahead
        c.send(get("/api/search?q=CJK&limit=10000"));
        std::string start = c.read_exact(4096, patience);
        s.server.process().signal(SIGTERM);
        std::string rest = c.read_to_close(patience);
        CHECK(start.starts_with("HTTP/1.1 200 OK\r\n"));
        CHECK(rest.ends_with("]}\r\n0\r\n\r\n"));
        CHECK(count(start + rest, R"({"cp":)") == 10000);
        CHECK(s.server.process().wait(patience).value_or(still_running) == 0);
    }
    SECTION("a connection idle between requests closes at once, silently; exit 0") {
        connection c(s.http_port);
        c.send(get("/healthz"));
        CHECK(read_response(c).status == "HTTP/1.1 200 OK");
        s.server.process().signal(SIGTERM);
        CHECK(c.read_to_close(patience).empty());
        CHECK(s.server.process().wait(patience).value_or(still_running) == 0);
    }
}

TEST_CASE("http: the command line", "[server][http]") {
    SECTION("--help lists the HTTP options") {
        child_process p({server_path(), "--help"});
        CHECK(p.wait(patience).value_or(still_running) == 0);
        for (std::string_view option : {"--http-port", "--http-request-timeout", "--http-idle-timeout"}) {
            CAPTURE(option);
            CHECK(p.out().find(option) != std::string::npos);
        }
    }
    SECTION("a bad value: named, usage, exit 2") {
        auto [option, value] = GENERATE(table<std::string, std::string>({
            {"--http-port", "70000"},
            {"--http-port", "-1"},
            {"--http-port", "abc"},
            {"--http-request-timeout", "0"},
            {"--http-idle-timeout", "0"},
        }));
        std::vector<std::string> args{option, value};
        std::vector<std::string> argv{server_path()};
        argv.insert(argv.end(), args.begin(), args.end());
        CAPTURE(argv);
        child_process p(argv);
        CHECK(p.wait(patience).value_or(still_running) == 2);
        CHECK(p.out().empty());
        CHECK(p.err().substr(0, p.err().find('\n')).find(option) != std::string::npos);
        CHECK(p.err().find("usage:") != std::string::npos);
    }
    SECTION("an HTTP port taken: the message, exit 1, no ready line") {
        http_server first;
        child_process p({server_path(), "--port", "0", "--http-port", std::to_string(first.http_port)});
        CHECK(p.wait(patience).value_or(still_running) == 1);
        CHECK(p.out().empty());
        CHECK(p.err().find(fmt::format("cannot listen on 127.0.0.1:{}: ", first.http_port)) != std::string::npos);
    }
    SECTION("without --http-port nothing listens for HTTP: one ready line") {
        server_process server;
        CHECK(server.stop().value_or(still_running) == 0);
        CHECK(server.process().out() == fmt::format("listening on 127.0.0.1:{}\n", server.port()));
    }
}

TEST_CASE("http: sort= through a real socket", "[server][http][relevance]") {
    http_server s;
    connection c(s.http_port);
    // target, status, the body's start, a piece it has, results
    auto [target, status, start, piece, results] =
        GENERATE(table<std::string, std::string, std::string, std::string, std::size_t>({
            {"/api/search?q=cat&limit=2&sort=relevance", "HTTP/1.1 200 OK",
             R"({"query":"cat","found":24,"offset":0,"results":[{"cp":"U+1F408","char":"🐈","name":"CAT")",
             R"("match":[{"term":"cat","field":"name","text":"CAT"}]},{"cp":"U+1F408 U+200D U+2B1B")", 2},
            {"/api/search?q=cat&limit=1&offset=2&sort=relevance", "HTTP/1.1 200 OK",
             R"({"query":"cat","found":24,"offset":2,"results":[{"cp":"U+1F431")", R"("text":"CAT FACE"}]}],"hint":[]})", 1},
            {"/api/search?q=cat&limit=1&sort=code", "HTTP/1.1 200 OK",
             R"({"query":"cat","found":24,"offset":0,"results":[{"cp":"U+38C7")", R"("keywords":[]}],"hint":[]})", 1},
            {"/api/search?q=cat&limit=1", "HTTP/1.1 200 OK",
             R"({"query":"cat","found":24,"offset":0,"results":[{"cp":"U+38C7")", R"("keywords":[]}],"hint":[]})", 1},
            {"/api/search?q=cat&sort=best", "HTTP/1.1 400 Bad Request", R"({"error":"sort takes relevance or code"})", "", 0},
        }));
    CAPTURE(target);
    c.send(get(target));
    response r = read_response(c);
    CHECK(r.status == status);
    CHECK(r.body.starts_with(start));
    CHECK(r.body.find(piece) != std::string::npos);
    CHECK(count(r.body, R"({"cp":)") == results);
}
