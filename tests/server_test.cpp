// Integration tests: the built mojifinderd on --port 0, driven over real
// sockets (and once through the real nc), checked against PROTOCOL.md byte for
// byte. Every wait has a generous deadline; nothing asserts on speed.
// The version 1 suite runs against a --classic server and, where version 2
// answers the same bytes, against the default one too; then version 2's
// session commands through the real server.
#include "index.hpp"
#include "mojifinder_version.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <cstdint>
#include <latch>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

using namespace mojifinder::testing;
using namespace std::string_literals;

namespace {

// An upper bound for anything the server does; the machine is shared.
constexpr auto patience = 60s;

// What an exit status is compared as when the process has not exited in time
// (Catch cannot print an empty optional).
constexpr int still_running = -1;

const std::string prompt = "?> ";
const std::string zero_found = status_line(0) + prompt;

// Characters named with the word CJK (ICU 72, Unicode 15.0), counted from
// the server's own answer when this test was written.
constexpr std::size_t cjk_count = 98263;

// The server's arguments for a mode: --classic, or the default full mode.
std::vector<std::string> with_mode(bool classic, std::vector<std::string> args = {}) {
    if (classic) args.push_back("--classic");
    return args;
}

// A connection whose prompt has been read, and checked.
connection open_session(const server_process& server) {
    connection c(server.port());
    std::string first = c.read_exact(prompt.size(), patience);
    REQUIRE(first == prompt);
    return c;
}

// Sends a line and returns everything up to and including the next prompt.
std::string ask(connection& c, std::string_view line) {
    c.send(line);
    return c.read_until(prompt, patience);
}

// std::string::contains is C++23.
bool has(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

std::string utf8(char32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t lf = text.find('\n', start);
        std::size_t end = lf == std::string_view::npos ? text.size() : lf + 1;
        lines.push_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

// What is wrong with one answer line of the CJK query ("" when nothing is),
// given the code point of the line before it.
std::string check_cjk_line(std::string_view line, std::uint32_t previous, std::uint32_t& cp) {
    if (!line.starts_with("U+")) return "no U+";
    std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return "no tab";
    std::string_view hex = line.substr(2, tab - 2);
    if (hex.size() < 4 || hex.size() > 6) return "not 4 to 6 hex digits";
    if (hex.size() > 4 && hex.front() == '0') return "leading zero past four digits";
    cp = 0;
    for (char h : hex) {
        if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'))) return "not upper-case hex";
        cp = cp * 16 + static_cast<std::uint32_t>(h <= '9' ? h - '0' : h - 'A' + 10);
    }
    if (cp > 0x10FFFF) return "past U+10FFFF";
    if (cp <= previous) return "not strictly ascending";
    std::string character = utf8(cp);
    std::string_view rest = line.substr(tab + 1);
    if (!rest.starts_with(character) || rest.substr(character.size(), 1) != "\t")
        return "the character is not the code point's UTF-8";
    if (!rest.ends_with("\r\n")) return "no CR LF";
    std::string_view name = rest.substr(character.size() + 1, rest.size() - character.size() - 3);
    if (name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -") != std::string_view::npos)
        return "a name byte outside A-Z 0-9 space hyphen";
    if (!has(" " + std::string(name) + " ", " CJK ")) return "no word CJK in the name";
    // Algorithmic names carry the code point: it must be this line's.
    for (std::string_view prefix : {"CJK UNIFIED IDEOGRAPH-", "CJK COMPATIBILITY IDEOGRAPH-"})
        if (name.starts_with(prefix) && name.substr(prefix.size()) != hex)
            return "the name's code point differs";
    return "";
}

// "127.0.0.1:PORT" of our end of the connection: how the server's log names it.
std::string local_endpoint(const connection& c) {
    sockaddr_in addr{};
    socklen_t size = sizeof addr;
    REQUIRE(getsockname(c.fd(), reinterpret_cast<sockaddr*>(&addr), &size) == 0);
    return fmt::format("127.0.0.1:{}", ntohs(addr.sin_port));
}

std::vector<std::string_view> lines_containing(std::string_view text, std::string_view what) {
    std::vector<std::string_view> found;
    for (std::string_view line : split_lines(text))
        if (has(line, what)) found.push_back(line);
    return found;
}

const std::string snowman_answer =
    "U+2603\t\u2603\tSNOWMAN\r\n"
    "U+26C4\t\u26C4\tSNOWMAN WITHOUT SNOW\r\n"
    "U+26C7\t\u26C7\tBLACK SNOWMAN\r\n" +
    status_line(3) + prompt;

// Four-digit code points below U+1000 keep their leading zeros.
const std::string a_with_ring_answer =
    "U+00C5\t\u00C5\tLATIN CAPITAL LETTER A WITH RING ABOVE\r\n"
    "U+01FA\t\u01FA\tLATIN CAPITAL LETTER A WITH RING ABOVE AND ACUTE\r\n"
    "U+1E00\t\u1E00\tLATIN CAPITAL LETTER A WITH RING BELOW\r\n" +
    status_line(3) + prompt;

}  // namespace

TEST_CASE("on accept the server writes the prompt and nothing else", "[server]") {
    bool classic = GENERATE(true, false);
    CAPTURE(classic);
    server_process server(with_mode(classic));
    connection c(server.port());
    SECTION("the first three bytes are the prompt") {
        CHECK(c.read_exact(3, patience) == "?> ");
    }
    SECTION("a client that sends nothing and half-closes gets exactly the prompt") {
        c.shutdown_write();
        CHECK(c.read_to_close(patience) == "?> ");
    }
}

TEST_CASE("what a line gets: blank lines get the prompt again", "[server]") {
    auto line = GENERATE(as<std::string>{}, "\n", "\r\n", " \n", "\t\n", "  \t \r\n", "\v\f\n",
                         "\xC2\xA0\n", "\xE3\x80\x80 \n");
    CAPTURE(line);
    // Version 2 hints at xyzzy ("did you mean"): classic only.
    server_process server(with_mode(true));
    connection c = open_session(server);
    // The no-match query after it proves the prompt was all the blank line got.
    c.send(line + "xyzzy\n");
    CHECK(c.read_until(zero_found, patience) == prompt + zero_found);
}

TEST_CASE("what a line gets: a control byte or telnet IAC first closes the session silently",
          "[server]") {
    // No LF needed: telnet sends IAC IP alone, and Ctrl-C raw has no LF after it.
    auto line = GENERATE(as<std::string>{}, "\x00"s, "\x00\n"s, "\x03", "\x03\r\n", "\x04", "\x04\n",
                         "\x1b", "\x1b[A\n", "\x1f", "\x03 cat face\n", "\xff\xf4\xff\xfd\x06",
                         "\xff\xf4\xff\xfd\x06\n", "\xff\n");
    CAPTURE(line);
    bool classic = GENERATE(true, false);
    CAPTURE(classic);
    server_process server(with_mode(classic));
    connection c = open_session(server);
    SECTION("as the first line") {
        c.send(line);
    }
    SECTION("after an answered query") {
        CHECK(ask(c, "cat face\n") == cat_face_answer());
        c.send(line);
    }
    std::string extra;
    CHECK(c.closed_within(patience, &extra));
    CHECK(extra.empty());
}

TEST_CASE("what a line gets: invalid UTF-8 is an error and the session goes on", "[server]") {
    auto line = GENERATE(as<std::string>{},
                         "\x80\n",              // a continuation byte first
                         "\xfe\n",              // never in UTF-8, next to telnet's IAC
                         "caf\xe9\n",           // Latin-1
                         "cat \xc3\x28\n",      // a lead byte without its continuation
                         "cat \xe2\x82\r\n",    // cut short before the CR LF
                         "\xc0\xaf\n",          // overlong '/'
                         "\xed\xa0\x80\n",      // a UTF-16 surrogate
                         "\xf4\x90\x80\x80\n",  // past U+10FFFF
                         "cat \xff\n");         // 0xFF, but not first
    CAPTURE(line);
    bool classic = GENERATE(true, false);
    CAPTURE(classic);
    server_process server(with_mode(classic));
    connection c = open_session(server);
    CHECK(ask(c, line) == "error: query is not valid UTF-8\r\n?> ");
    CHECK(ask(c, "cat face\n") == cat_face_answer());
}

TEST_CASE("what a line gets: the line limit", "[server]") {
    auto [limit, args] = GENERATE(table<std::size_t, std::vector<std::string>>({
        {4096, {}},
        {100, {"--max-line", "100"}},
    }));
    CAPTURE(limit);
    bool classic = GENERATE(true, false);
    CAPTURE(classic);
    server_process server(with_mode(classic, args));
    connection c = open_session(server);
    const std::string too_long = fmt::format("error: line too long (limit {} bytes)\r\n?> ", limit);
    const std::string padded_cat_face = "cat face" + std::string(limit - 8, ' ');

    SECTION("a line over the limit gets the error, then the session goes on") {
        for (std::size_t size : {limit + 1, limit + 2, 3 * limit, std::size_t{300'000}}) {
            CAPTURE(size);
            CHECK(ask(c, std::string(size, 'a') + "\n") == too_long);
            CHECK(ask(c, "cat face\n") == cat_face_answer());
        }
        // The CR of CR LF does not count, but one byte more does.
        CHECK(ask(c, std::string(limit + 1, 'a') + "\r\n") == too_long);
        CHECK(ask(c, "x" + padded_cat_face + "\r\n") == too_long);
    }
    SECTION("a line of exactly the limit is answered") {
        CHECK(ask(c, padded_cat_face + "\n") == cat_face_answer());
        CHECK(ask(c, padded_cat_face + "\r\n") == cat_face_answer());
        CHECK(ask(c, std::string(limit, 'a') + "\n") == zero_found);
        CHECK(ask(c, std::string(limit, 'a') + "\r\n") == zero_found);
    }
}

TEST_CASE("what a line gets: the answer", "[server]") {
    // Spelled out here rather than taken from status_line(), which it checks.
    std::string rule;
    for (int i = 0; i < 66; ++i) rule += "\xE2\x94\x80";  // U+2500
    // Version 2 hints at xyzzy ("did you mean"): classic only.
    server_process server(with_mode(true));
    connection c = open_session(server);
    SECTION("cat face, byte for byte") {
        CHECK(ask(c, "cat face\n") ==
              "U+1F431\t\xF0\x9F\x90\xB1\tCAT FACE\r\n"
              "U+1F638\t\xF0\x9F\x98\xB8\tGRINNING CAT FACE WITH SMILING EYES\r\n"
              "U+1F639\t\xF0\x9F\x98\xB9\tCAT FACE WITH TEARS OF JOY\r\n"
              "U+1F63A\t\xF0\x9F\x98\xBA\tSMILING CAT FACE WITH OPEN MOUTH\r\n"
              "U+1F63B\t\xF0\x9F\x98\xBB\tSMILING CAT FACE WITH HEART-SHAPED EYES\r\n"
              "U+1F63C\t\xF0\x9F\x98\xBC\tCAT FACE WITH WRY SMILE\r\n"
              "U+1F63D\t\xF0\x9F\x98\xBD\tKISSING CAT FACE WITH CLOSED EYES\r\n"
              "U+1F63E\t\xF0\x9F\x98\xBE\tPOUTING CAT FACE\r\n"
              "U+1F63F\t\xF0\x9F\x98\xBF\tCRYING CAT FACE\r\n"
              "U+1F640\t\xF0\x9F\x99\x80\tWEARY CAT FACE\r\n" +
              rule + " 10 found\r\n?> ");
    }
    SECTION("four-digit code points keep their leading zeros") {
        CHECK(ask(c, "latin capital letter a with ring\n") == a_with_ring_answer);
    }
    SECTION("no match: the status line alone, 0 found") {
        auto query = GENERATE(as<std::string>{}, "xyzzy\n", "cat xyzzy\n", "\x7f\n", "cat\x03\n",
                              "caf\xc3\xa9\n");
        CAPTURE(query);
        CHECK(ask(c, query) == rule + " 0 found\r\n?> ");
    }
}

TEST_CASE("line ends, hyphens, case and spacing do not change the answer", "[server]") {
    auto line = GENERATE(as<std::string>{}, "cat face\n", "cat face\r\n", "cat-face\n",
                         "CAT FACE\r\n", "Cat Face\n", "cAt-FaCe\r\n", "face cat\n",
                         "  cat \t face  \r\n", "-cat--face-\n", "cat face cat\n");
    CAPTURE(line);
    // Version 2 reads a leading '-' as an exclusion: "-cat--face-" is classic only.
    bool classic = line.starts_with('-') ? true : GENERATE(true, false);
    CAPTURE(classic);
    server_process server(with_mode(classic));
    connection c = open_session(server);
    CHECK(ask(c, line) == cat_face_answer());
}

TEST_CASE("the client half-closes: everything sent is answered, then the server closes",
          "[server]") {
    // Version 2 hints at xyzzy ("did you mean"): classic only.
    server_process server(with_mode(true));
    connection c(server.port());
    SECTION("several queries in one write") {
        c.send("cat face\nxyzzy\n\n  \r\ncaf\xe9\nsnowman\r\nCAT-FACE\n");
        c.shutdown_write();
        CHECK(c.read_to_close(patience) == prompt + cat_face_answer() + zero_found + prompt + prompt +
                                               "error: query is not valid UTF-8\r\n?> " +
                                               snowman_answer + cat_face_answer());
    }
    SECTION("a last line without LF is answered") {
        auto [sent, answer] = GENERATE(table<std::string, std::string>({
            {"cat face", cat_face_answer()},
            {"cat face\r", cat_face_answer()},
            {"snowman\nCAT FACE ", snowman_answer + cat_face_answer()},
            {"xyzzy", zero_found},
            {" ", prompt},
        }));
        CAPTURE(sent);
        c.send(sent);
        c.shutdown_write();
        CHECK(c.read_to_close(patience) == prompt + answer);
    }
}

TEST_CASE("200 clients at once each get exactly their own answers", "[server][threads]") {
    // --quiet: nobody drains the server's standard error while the clients run.
    // Answers kept per event loop (the default) and none kept: the same bytes.
    auto [threads, kept] = GENERATE(table<std::string, std::string>({{"1", "256"}, {"4", "256"}, {"4", "0"}}));
    CAPTURE(threads, kept);
    server_process server(with_mode(true, {"--quiet", "--threads", threads, "--answer-cache", kept}));

    // The one larger answer is checked against what a lone client gets.
    std::string radicals;
    {
        connection c = open_session(server);
        radicals = ask(c, "cjk radical\n");
    }
    REQUIRE(radicals.ends_with(status_line(115) + prompt));
    REQUIRE(split_lines(radicals).size() == 115 + 2);  // and the status line, the prompt
    const std::vector<std::pair<std::string, std::string>> questions = {
        {"cat face\n", cat_face_answer()},
        {"xyzzy\n", zero_found},
        {"SNOWMAN\r\n", snowman_answer},
        {"cjk radical\n", radicals},
        {"latin capital letter a with ring\n", a_with_ring_answer},
        {"\n", prompt},
        {"caf\xe9\n", "error: query is not valid UTF-8\r\n?> "},
    };

    constexpr std::size_t clients = 200;
    constexpr std::size_t queries_each = 5;
    // Catch's assertions are not thread-safe: workers only record what went wrong.
    std::vector<std::string> failures(clients);
    std::atomic<std::size_t> answers{0};
    std::latch all_open(clients);
    std::vector<std::thread> workers;
    for (std::size_t i = 0; i < clients; ++i) {
        workers.emplace_back([&, i] {
            bool arrived = false;
            try {
                connection c(server.port());
                std::string first = c.read_exact(prompt.size(), patience);
                arrived = true;
                all_open.arrive_and_wait();  // every session is open before any query
                if (first != prompt) throw std::runtime_error("first bytes: " + first);
                for (std::size_t k = 0; k < queries_each; ++k) {
                    const auto& [query, expected] = questions[(i + k) % questions.size()];
                    std::string got = ask(c, query);
                    if (got != expected) throw std::runtime_error("wrong answer to " + query + got);
                    ++answers;
                }
                c.shutdown_write();
                std::string rest = c.read_to_close(patience);
                if (!rest.empty()) throw std::runtime_error("after the last answer: " + rest);
            } catch (const std::exception& e) {
                failures[i] = fmt::format("client {}: {}", i, e.what());
            }
            if (!arrived) all_open.count_down();
        });
    }
    for (auto& w : workers) w.join();

    std::size_t failed = 0;
    for (const auto& f : failures) {
        if (f.empty()) continue;
        if (failed++ == 0) UNSCOPED_INFO("first failure: " << f);
    }
    CHECK(failed == 0);
    CHECK(answers.load() == clients * queries_each);
    CHECK(server.stop().value_or(still_running) == 0);
}

TEST_CASE("CJK: every line well-formed, ascending, as many as the status line says", "[server]") {
    bool classic = GENERATE(true, false);
    CAPTURE(classic);
    server_process server(with_mode(classic, {"--quiet"}));
    connection c = open_session(server);
    std::string answer = ask(c, "CJK\n");
    REQUIRE(answer.ends_with(status_line(cjk_count) + prompt));
    std::vector<std::string_view> lines = split_lines(answer);
    REQUIRE(lines.size() == cjk_count + 2);  // and the status line, the prompt
    lines.resize(cjk_count);

    CHECK(lines.front() == "U+2E80\t\u2E80\tCJK RADICAL REPEAT\r\n");
    CHECK(lines.back() == "U+323AF\t\U000323AF\tCJK UNIFIED IDEOGRAPH-323AF\r\n");
    std::size_t bad = 0;
    std::uint32_t previous = 0;
    for (std::string_view line : lines) {
        std::uint32_t cp = 0;
        std::string why = check_cjk_line(line, previous, cp);
        if (!why.empty() && bad++ == 0) UNSCOPED_INFO("first bad line: " << line << " (" << why << ")");
        previous = cp;
    }
    CHECK(bad == 0);
    // The session goes on after a large answer.
    CHECK(ask(c, "cat face\n") == cat_face_answer());
}

TEST_CASE("a session through the real nc", "[server]") {
    // Version 2 hints at xyzzy: classic only.
    server_process server(with_mode(true));
    auto [input, output] = GENERATE(table<std::string, std::string>({
        {"cat face\n", prompt + cat_face_answer()},
        {"cat face\r\nxyzzy\n", prompt + cat_face_answer() + zero_found},
    }));
    CAPTURE(input);
    child_process nc({"/usr/bin/nc", "-N", "127.0.0.1", std::to_string(server.port())}, input);
    CHECK(nc.wait(patience).value_or(still_running) == 0);
    CHECK(nc.out() == output);
    CHECK(nc.err().empty());
}

TEST_CASE("the server's command line", "[server]") {
    SECTION("--port 0 prints exactly one line, listening on ADDR:PORT") {
        server_process server;
        CHECK(server.port() != 0);
        connection c = open_session(server);
        c.shutdown_write();
        CHECK(c.read_to_close(patience).empty());
        CHECK(server.stop().value_or(still_running) == 0);
        CHECK(server.process().out() == fmt::format("listening on 127.0.0.1:{}\n", server.port()));
    }
    SECTION("--version: the program's and the data's versions") {
        child_process p({server_path(), "--version"});
        CHECK(p.wait(patience).value_or(still_running) == 0);
        CHECK(p.out() == fmt::format("mojifinderd {} (Unicode 15.0, CLDR 41, ICU 72.1)\n", mojifinder::version));
        CHECK(p.err().empty());
    }
    SECTION("--help names every option") {
        child_process p({server_path(), "--help"});
        CHECK(p.wait(patience).value_or(still_running) == 0);
        for (std::string_view option : {"--host", "--port", "--threads", "--max-connections", "--max-line",
                                        "--idle-timeout", "--send-timeout", "--http-port", "--http-request-timeout",
                                        "--http-idle-timeout", "--answer-cache", "--quiet", "--data", "--lang",
                                        "--languages",
                                        "--version", "--help"}) {
            CAPTURE(option);
            CHECK(has(p.out(), option));
        }
    }
    SECTION("a bad option or value: one line naming it, usage, exit 2") {
        auto [args, named] = GENERATE(table<std::vector<std::string>, std::vector<std::string>>({
            {{"--bogus"}, {"--bogus"}},
            {{"--port", "70000"}, {"--port", "70000"}},
            {{"--port", "abc"}, {"--port", "abc"}},
            {{"--port", "-1"}, {"--port", "-1"}},
            {{"--port"}, {"--port"}},
            {{"--threads", "0"}, {"--threads", "0"}},
            {{"--max-line", "0"}, {"--max-line", "0"}},
            {{"--max-line", "15"}, {"--max-line", "15"}},
            {{"--max-connections", "0"}, {"--max-connections", "0"}},
            {{"--idle-timeout", "-1"}, {"--idle-timeout", "-1"}},
            {{"--send-timeout", "0"}, {"--send-timeout", "0"}},
            {{"--answer-cache", "-1"}, {"--answer-cache", "-1"}},
            {{"--answer-cache", "16385"}, {"--answer-cache", "16385"}},
            {{"stray"}, {"stray"}},
            {{"--port", "0", "stray"}, {"stray"}},
        }));
        std::vector<std::string> argv{server_path()};
        argv.insert(argv.end(), args.begin(), args.end());
        CAPTURE(argv);
        child_process p(argv);
        CHECK(p.wait(patience).value_or(still_running) == 2);
        CHECK(p.out().empty());  // it never listened
        std::string first_line = p.err().substr(0, p.err().find('\n'));
        for (const auto& word : named) {
            CAPTURE(first_line, word);
            CHECK(has(first_line, word));
        }
        CHECK(has(p.err(), "usage:"));
    }
}

namespace {

// The data file the server maps when not told otherwise.
const mojifinder::index& build_tree_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

std::string language_line(mojifinder::index::language_id l) {
    return fmt::format("{} {}", build_tree_index().language_tag(l), build_tree_index().language_name(l));
}

// A scratch directory of this process's, removed with it.
struct scratch_dir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("mojifinder-server-test-{}", ::getpid());
    scratch_dir() { std::filesystem::create_directories(path); }
    ~scratch_dir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("the server's data file and languages", "[server][lang]") {
    const std::string usage_start = "usage: mojifinderd ";
    SECTION("--lang with a tag the data does not have: the message, usage, exit 2") {
        child_process p({server_path(), "--port", "0", "--lang", "xx"});
        CHECK(p.wait(patience).value_or(still_running) == 2);
        CHECK(p.out().empty());
        std::string first_line = p.err().substr(0, p.err().find('\n') + 1);
        CHECK(first_line == "mojifinderd: --lang xx: unknown language; mojifinderd --languages lists them\n");
        CHECK(p.err().substr(first_line.size()).starts_with(usage_start));
    }
    SECTION("--languages: one \"<tag> <name>\" line each, in tag order") {
        child_process p({server_path(), "--languages"});
        CHECK(p.wait(patience).value_or(still_running) == 0);
        std::string expected;
        for (std::size_t l = 0; l < build_tree_index().language_count(); ++l)
            expected += language_line(static_cast<mojifinder::index::language_id>(l)) + "\n";
        CHECK(p.out() == expected);
        CHECK(p.out().find("en English\n") != std::string::npos);
        CHECK(p.err().empty());
    }
    SECTION("--lang: the sessions' language until their /lang") {
        // The last in tag order (English while the data has no other).
        const auto last = static_cast<mojifinder::index::language_id>(build_tree_index().language_count() - 1);
        const std::string tag(build_tree_index().language_tag(last));
        server_process server({"--lang", tag});
        connection c = open_session(server);
        CHECK(ask(c, "/lang\n").ends_with(fmt::format("\r\nok: lang {}\r\n", language_line(last)) + prompt));
        CHECK(ask(c, "/lang en\n") == "ok: lang en English\r\n" + prompt);
        CHECK(ask(c, "/lang xx\n") == "error: unknown language 'xx'; /lang lists them\r\n" + prompt);
        // The session's choice outlives its going quiet (its core is given back).
        std::this_thread::sleep_for(1500ms);
        CHECK(ask(c, "/lang\n").ends_with("\r\nok: lang en English\r\n" + prompt));
        CHECK(ask(c, "/version\n") ==
              fmt::format("ok: mojifinderd {} (Unicode 15.0, CLDR 41, ICU 72.1)\r\n", mojifinder::version) + prompt);
        // A new session starts in the server's language.
        connection d = open_session(server);
        CHECK(ask(d, "/lang\n").ends_with(fmt::format("\r\nok: lang {}\r\n", language_line(last)) + prompt));
    }
    SECTION("the start-up log line says what is served, and from where") {
        server_process server;
        REQUIRE(server.process().wait_for_err("listening on", patience));
        std::string path = std::filesystem::path(mojifinder::index::build_tree_data_path()).lexically_normal();
        const auto& idx = build_tree_index();
        auto lines = lines_containing(server.process().err(), " entries (");
        REQUIRE(lines.size() == 1);
        std::string_view line = lines.front();
        CAPTURE(line);
        CHECK(has(line, fmt::format(" mojifinderd {}: {} entries ({} sequences), {} language{} from {} in ",
                                    mojifinder::version, idx.size(), idx.sequences().size(), idx.language_count(),
                                    idx.language_count() == 1 ? "" : "s", path)));
        CHECK(line.ends_with(" ms (Unicode 15.0, CLDR 41, ICU 72.1)\n"));
        CHECK(server.stop().value_or(still_running) == 0);
    }
}

TEST_CASE("an installed mojifinderd takes ../share/mojifinder/mojifinder.data, with or without /proc", "[server][lang]") {
    // The layout `cmake --install` and the image make: bin/ and share/mojifinder/.
    scratch_dir dir;
    std::filesystem::create_directories(dir.path / "bin");
    std::filesystem::create_directories(dir.path / "share" / "mojifinder");
    std::filesystem::copy_file(server_path(), dir.path / "bin" / "mojifinderd");
    std::filesystem::permissions(dir.path / "bin" / "mojifinderd", std::filesystem::perms::owner_all);
    // A copy made past the page cache's large folios does not matter here:
    // this server's memory is not measured.
    std::filesystem::copy_file(mojifinder::index::build_tree_data_path(),
                               dir.path / "share" / "mojifinder" / "mojifinder.data");
    const std::string installed = (dir.path / "share" / "mojifinder" / "mojifinder.data").string();
    const std::string binary = (dir.path / "bin" / "mojifinderd").string();
    // Its start-up log line; `with_proc`: and the exit status after SIGTERM
    // (without /proc, LeakSanitizer's exit check fails in sanitized builds).
    auto from = [&](std::vector<std::string> argv, bool with_proc) {
        child_process p(argv);
        bool listening = p.wait_for_err("listening on", patience);
        INFO(p.err());
        REQUIRE(listening);
        p.signal(SIGTERM);
        auto status = p.wait(patience);
        REQUIRE(status.has_value());
        if (with_proc) CHECK(*status == 0);
        std::string err = p.err();
        auto lines = lines_containing(err, " entries (");
        REQUIRE(lines.size() == 1);
        return std::string(lines.front());
    };
    SECTION("found through /proc/self/exe") {
        CHECK(has(from({binary, "--port", "0"}, true), " from " + installed + " in "));
    }
    SECTION("found through argv[0] where /proc is not mounted (unshare, when this machine allows it)") {
        if (std::system("/usr/bin/unshare -m --propagation private true 2>/dev/null") != 0) {
            WARN("unshare -m is not allowed here: only /proc/self/exe was checked");
            return;
        }
        std::string line = from({"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                                 "umount -l /proc && exec " + binary + " --port 0"},
                                false);
        CHECK(has(line, " from " + installed + " in "));
    }
}

TEST_CASE("a data file that cannot be served: its message, exit 1", "[server][lang]") {
    scratch_dir dir;
    auto [what, contents] = GENERATE(table<std::string, std::string>({
        {"missing", ""},
        {"garbage", "this is not a data file\n"},
        {"empty", "-"},
    }));
    std::filesystem::path file = dir.path / ("mojifinder-" + what + ".data");
    if (what == "garbage") std::ofstream(file) << contents;
    if (what == "empty") std::ofstream{file};
    CAPTURE(what, file);
    // The message is index::open()'s, word for word.
    std::string message;
    try {
        mojifinder::index::open(file.string());
    } catch (const std::exception& e) {
        message = e.what();
    }
    REQUIRE_FALSE(message.empty());
    SECTION("serving") {
        child_process p({server_path(), "--port", "0", "--data", file.string()});
        CHECK(p.wait(patience).value_or(still_running) == 1);
        CHECK(p.out().empty());
        CHECK(p.err() == "mojifinderd: " + message + "\n");
    }
    SECTION("--version: what the program knows, and the message") {
        child_process p({server_path(), "--version", "--data", file.string()});
        CHECK(p.wait(patience).value_or(still_running) == 1);
        CHECK(p.out() == fmt::format("mojifinderd {} (ICU 72.1)\n", mojifinder::version));
        CHECK(p.err() == "mojifinderd: " + message + "\n");
    }
}

TEST_CASE("the server logs sessions and queries unless --quiet", "[server]") {
    auto quiet = GENERATE(false, true);
    CAPTURE(quiet);
    server_process server(quiet ? std::vector<std::string>{"--quiet"} : std::vector<std::string>{});
    const std::string listening = fmt::format("listening on 127.0.0.1:{}", server.port());
    REQUIRE(server.process().wait_for_err(listening, patience));

    std::string peer;
    {
        connection c = open_session(server);
        peer = local_endpoint(c);
        CHECK(ask(c, "smiling cat face\n").ends_with(status_line(3) + prompt));
        c.shutdown_write();
        CHECK(c.read_to_close(patience).empty());
    }
    std::size_t lines_before_stop = split_lines(server.process().err()).size();
    CHECK(server.stop().value_or(still_running) == 0);
    const std::string& err = server.process().err();
    CAPTURE(err);

    auto session_lines = lines_containing(err, peer);
    auto query_lines = lines_containing(err, "smiling cat face");
    // The signal and the end are logged even when quiet.
    CHECK(split_lines(err).size() > lines_before_stop);
    if (quiet) {
        CHECK(session_lines.empty());
        CHECK(query_lines.empty());
    } else {
        CHECK(std::count_if(session_lines.begin(), session_lines.end(), [](std::string_view l) {
                  return !has(l, "smiling cat face");
              }) >= 1);
        REQUIRE(query_lines.size() == 1);
        CHECK(has(query_lines.front(), peer));
    }
}

TEST_CASE("SIGINT and SIGTERM end the server with exit status 0", "[server]") {
    auto signo = GENERATE(SIGINT, SIGTERM);
    CAPTURE(signo);
    SECTION("no session open") {
        server_process server;
        server.process().signal(signo);
        CHECK(server.process().wait(patience).value_or(still_running) == 0);
    }
    SECTION("an idle session is told, then closed") {
        server_process server({"--classic"});  // xyzzy: version 2 would hint
        connection c = open_session(server);
        CHECK(ask(c, "xyzzy\n") == zero_found);  // the session is surely registered
        server.process().signal(signo);
        CHECK(c.read_to_close(patience) == "error: server shutting down\r\n");
        CHECK(server.process().wait(patience).value_or(still_running) == 0);
    }
    SECTION("a session in the middle of an answer gets all of it first") {
        server_process server({"--quiet"});
        connection c(server.port(), 4096);  // the server cannot push the whole answer ahead
        c.send("CJK\n");
        std::string got = c.read_exact(4096, patience);
        server.process().signal(signo);
        got += c.read_to_close(patience);
        const std::string tail = status_line(cjk_count) + "error: server shutting down\r\n";
        const std::string tail_after_prompt =
            status_line(cjk_count) + "?> error: server shutting down\r\n";
        // Whether the prompt got out before the signal arrived is a race.
        CHECK((got.ends_with(tail) || got.ends_with(tail_after_prompt)));
        CHECK(split_lines(got).size() == cjk_count + 2);
        CHECK(server.process().wait(patience).value_or(still_running) == 0);
    }
    SECTION("standard error unwritable: still answers, still stops") {
        // /dev/full fails every log write; a logger that threw would kill the
        // start-up, the session or the signal handler.
        server_process server({}, {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>/dev/full"});
        connection c = open_session(server);
        CHECK(ask(c, "cat face\n") == cat_face_answer());
        server.process().signal(signo);
        CHECK(c.read_to_close(patience) == "error: server shutting down\r\n");
        CHECK(server.process().wait(patience).value_or(still_running) == 0);
    }
}

// ---------------------------------------------------------------------------
// Version 2 through the real server.

namespace {

std::string cut_status(std::size_t found, std::size_t shown) {
    std::string line = status_line(found);
    return line.substr(0, line.size() - 2) + fmt::format(", {} shown\r\n", shown);
}

// The lines of cat face's answer, each with its CR LF.
std::vector<std::string> cat_face_lines() {
    std::vector<std::string> lines;
    const std::string answer = cat_face_answer();
    for (std::string_view line : split_lines(answer))
        if (line.starts_with("U+")) lines.emplace_back(line);
    return lines;
}

std::string joined(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) out += lines[i];
    return out;
}

}  // namespace

TEST_CASE("a --classic server takes every line for a query, as the v1 server did", "[server]") {
    server_process server({"--classic"});
    connection c = open_session(server);
    for (std::string_view line : {"/help\n", "/classic off\n", "/limit 3\n", "/format json\n", "/quit\n"}) {
        CAPTURE(line);
        CHECK(ask(c, line) == zero_found);
    }
    CHECK(ask(c, "cat face\n") == cat_face_answer());
}

TEST_CASE("/classic on and off in a session of the default server", "[server]") {
    server_process server;
    connection c = open_session(server);
    CHECK(ask(c, "/classic on\n") == "ok: classic on\r\n" + prompt);
    CHECK(ask(c, "/help\n") == zero_found);  // a query again, as in v1
    CHECK(ask(c, "xyzzy\n") == zero_found);  // no hints
    CHECK(ask(c, "cat face\n") == cat_face_answer());
    CHECK(ask(c, "/classic off\n") == "ok: classic off\r\n" + prompt);
    CHECK(ask(c, "/help\n").ends_with("ok: help\r\n" + prompt));
}

TEST_CASE("/limit and /more through the server", "[server]") {
    server_process server;
    connection c = open_session(server);
    const auto cat = cat_face_lines();
    REQUIRE(cat.size() == 10);
    CHECK(ask(c, "/limit 4\n") == "ok: limit 4\r\n" + prompt);
    CHECK(ask(c, "cat face\n") == joined(cat, 0, 4) + cut_status(10, 4) + prompt);
    CHECK(ask(c, "/more\n") == joined(cat, 4, 8) + cut_status(10, 8) + prompt);
    SECTION("the rest, after a pause longer than the warm time") {
        // A session with an answer left for /more stays warm; its settings
        // outlive a cooled core either way.
        std::this_thread::sleep_for(1500ms);
        CHECK(ask(c, "/more\n") == joined(cat, 8, 10) + status_line(10) + prompt);
        CHECK(ask(c, "/more\n") == "error: nothing more\r\n" + prompt);
        std::this_thread::sleep_for(1500ms);
        CHECK(ask(c, "cat face\n") == joined(cat, 0, 4) + cut_status(10, 4) + prompt);
    }
    SECTION("/limit 0: no limit") {
        CHECK(ask(c, "/limit 0\n") == "ok: limit 0\r\n" + prompt);
        CHECK(ask(c, "cat face\n") == cat_face_answer());
    }
    SECTION("a huge answer, cut") {
        CHECK(ask(c, "/limit 2\n") == "ok: limit 2\r\n" + prompt);
        std::string got = ask(c, "CJK\n");
        CHECK(split_lines(got).size() == 2 + 2);
        CHECK(got.starts_with("U+2E80\t\u2E80\tCJK RADICAL REPEAT\r\n"));
        CHECK(has(got, ", 2 shown\r\n"));
    }
}

TEST_CASE("/format json through the server", "[server]") {
    server_process server;
    connection c = open_session(server);
    c.send("/format json\n");
    CHECK(c.read_until("\r\n", patience) == "{\"ok\":\"format json\"}\r\n");
    c.send("cat face\n");
    std::string got = c.read_until("{\"found\":10,\"shown\":10}\r\n", patience);
    std::vector<std::string_view> lines = split_lines(got);
    REQUIRE(lines.size() == 11);
    const auto cat = cat_face_lines();
    for (std::size_t i = 0; i < 10; ++i) {
        std::string_view cp = std::string_view(cat[i]).substr(0, cat[i].find('\t'));
        CAPTURE(lines[i]);
        CHECK(lines[i].starts_with(fmt::format("{{\"cp\":\"{}\",", cp)));
        CHECK(lines[i].ends_with("}\r\n"));
    }
    // No prompt in JSON mode: an error is the next line, and nothing else.
    c.send("/bogus\n");
    CHECK(c.read_until("\r\n", patience) == "{\"error\":\"unknown command /bogus; try /help\"}\r\n");
    c.send("/format text\n");
    CHECK(c.read_until(prompt, patience) == "ok: format text\r\n" + prompt);
}

TEST_CASE("/quit closes the session cleanly", "[server]") {
    server_process server;
    connection c = open_session(server);
    CHECK(ask(c, "cat face\n") == cat_face_answer());
    c.send("/quit\ncat face\n");
    CHECK(c.read_to_close(patience) == "ok: bye\r\n");
}

TEST_CASE("the server's --help names --classic", "[server]") {
    child_process p({server_path(), "--help"});
    CHECK(p.wait(patience).value_or(still_running) == 0);
    CHECK(has(p.out(), "--classic"));
}

TEST_CASE("/sort and /why through the server", "[server][relevance]") {
    server_process server;
    connection c = open_session(server);
    CHECK(ask(c, "/sort relevance\n") == "ok: sort relevance\r\n" + prompt);
    CHECK(ask(c, "/limit 2\n") == "ok: limit 2\r\n" + prompt);
    CHECK(ask(c, "cat\n") == "U+1F408\t\xF0\x9F\x90\x88\tCAT\r\n"
                             "U+1F408 U+200D U+2B1B\t\xF0\x9F\x90\x88\xE2\x80\x8D\xE2\xAC\x9B\tBLACK CAT\r\n" +
                                 cut_status(24, 2) + prompt);
    CHECK(ask(c, "/why on\n") == "ok: why on\r\n" + prompt);
    CHECK(ask(c, "/more\n") == "U+1F431\t\xF0\x9F\x90\xB1\tCAT FACE\tname: CAT FACE\r\n"
                               "U+A2B6\t\xEA\x8A\xB6\tYI SYLLABLE CAT\tname: YI SYLLABLE CAT\r\n" +
                                   cut_status(24, 4) + prompt);
    CHECK(ask(c, "/sort code\n") == "ok: sort code\r\n" + prompt);
    CHECK(ask(c, "/why off\n") == "ok: why off\r\n" + prompt);
    CHECK(ask(c, "/limit 0\n") == "ok: limit 0\r\n" + prompt);
    CHECK(ask(c, "cat face\n") == cat_face_answer());
    CHECK(ask(c, "/sort random\n") == "error: /sort takes relevance or code\r\n" + prompt);
    CHECK(ask(c, "/why maybe\n") == "error: /why takes on or off\r\n" + prompt);
}
