// Overload and faults around accepting connections, against the real server:
// the connection limit, running out of descriptors, clients that vanish in
// the middle of an answer. Whatever happens, the sessions already open go on.
// Flow: fill the server up (to the limit, or to its descriptor limit), check
// the extra connections and the open sessions, free some, check the waiting
// ones get in; or break connections in a loop while a good one keeps asking.
#include "process.hpp"
#include "session_core.hpp"

#include <catch2/catch.hpp>

#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace mojifinder::testing;
namespace protocol = mojifinder::protocol;

namespace {

const std::string prompt(protocol::prompt);
const std::string busy(protocol::error_busy);

std::string ask_cat_face(connection& c) {
    c.send("cat face\n");
    return c.read_until(prompt);
}

// True when the prompt arrives within `wait`: the server has accepted.
bool prompted(connection& c, std::chrono::milliseconds wait) {
    try {
        return c.read_exact(prompt.size(), wait) == prompt;
    } catch (const std::runtime_error&) {
        return false;
    }
}

std::size_t count(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
        ++n;
    return n;
}

}  // namespace

TEST_CASE("past --max-connections new connections get exactly the busy line and open ones go on",
          "[server]") {
    constexpr std::size_t limit = 3;
    server_process server({"--max-connections", std::to_string(limit)});
    std::deque<connection> open;
    for (std::size_t i = 0; i < limit; ++i) {
        open.emplace_back(server.port());
        REQUIRE(open.back().read_exact(3) == prompt);
    }
    // A script may write its query before reading anything.
    const bool writes_first = GENERATE(false, true);
    for (int i = 0; i < 5; ++i) {
        connection extra(server.port());
        if (writes_first) extra.send("cat face\n");
        CHECK(extra.read_to_close() == busy);
    }
    for (connection& c : open) CHECK(ask_cat_face(c) == cat_face_answer());

    open.pop_front();
    // The slot is free once the server has seen the close, which takes a
    // moment: until then a new connection may still be refused, cleanly.
    std::optional<connection> next;
    for (int attempt = 0; attempt < 100 && !next; ++attempt) {
        connection c(server.port());
        std::string head = c.read_exact(3);
        if (head == prompt) {
            next.emplace(std::move(c));
        } else {
            CHECK(head + c.read_to_close() == busy);
            std::this_thread::sleep_for(100ms);
        }
    }
    REQUIRE(next);
    CHECK(ask_cat_face(*next) == cat_face_answer());
    for (connection& c : open) CHECK(ask_cat_face(c) == cat_face_answer());
    connection one_too_many(server.port());
    CHECK(one_too_many.read_to_close() == busy);

    CHECK(server.stop() == 0);
    CHECK(server.process().err().find("connection refused: 3 sessions open (--max-connections)") !=
          std::string::npos);
}

TEST_CASE("out of descriptors the acceptor backs off and keeps sessions going then accepts again",
          "[server]") {
    // prlimit execs the server with at most 40 descriptors, raised by nothing.
    constexpr int descriptors = 40;
    server_process server({}, {"/usr/bin/prlimit", "--nofile=" + std::to_string(descriptors) + ":" +
                                                       std::to_string(descriptors)});
    constexpr std::size_t total = 50;
    std::deque<connection> conns;
    for (std::size_t i = 0; i < total; ++i) conns.emplace_back(server.port());
    REQUIRE(server.process().wait_for_err("accept failed: Too many open files"));

    // The kernel queues connections in order and the server accepts in that
    // order: the first `held` are sessions, the rest wait in the backlog.
    std::size_t held = 0;
    while (held < total && prompted(conns[held], held == 0 ? 5000ms : 500ms)) ++held;
    INFO("sessions held with " << descriptors << " descriptors: " << held);
    REQUIRE(held >= 10);
    REQUIRE(held < total);
    REQUIRE(total - held <= held);
    for (std::size_t i = held; i < total; ++i) CHECK(conns[i].read_for(10ms) == "");
    for (std::size_t i = 0; i < held; ++i) CHECK(ask_cat_face(conns[i]) == cat_face_answer());
    CHECK_FALSE(server.process().wait(0ms).has_value());

    // Five sessions end: the next five in the backlog become sessions.
    constexpr std::size_t freed = 5;
    for (std::size_t i = 0; i < freed; ++i) conns.pop_front();
    for (std::size_t i = held - freed; i < held; ++i) CHECK(prompted(conns[i], 10s));
    for (std::size_t i = 0; i < held; ++i) CHECK(ask_cat_face(conns[i]) == cat_face_answer());

    // All of them end: every one still waiting becomes a session.
    for (std::size_t i = 0; i < held; ++i) conns.pop_front();
    for (connection& c : conns) {
        CHECK(prompted(c, 10s));
        CHECK(ask_cat_face(c) == cat_face_answer());
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("a client vanishing mid-answer harms no one and SIGPIPE never kills the server",
          "[server]") {
    struct vanishing {
        const char* what;
        std::size_t read_first;  // bytes of the answer read before vanishing
        bool reset;              // a reset; otherwise an ordinary close with unread bytes
    };
    const vanishing row = GENERATE(vanishing{"reset before reading", 0, true},
                                   vanishing{"reset after the first chunk", 3 + 65536, true},
                                   vanishing{"reset after 1 MB", 1'000'000, true},
                                   vanishing{"close with the answer unread", 100'000, false});
    INFO(row.what);
    server_process server;
    connection good(server.port());
    REQUIRE(good.read_exact(3) == prompt);
    constexpr int rounds = 10;
    for (int i = 0; i < rounds; ++i) {
        connection bad(server.port());
        bad.send("CJK\n");
        CHECK(bad.read_exact(row.read_first, 20s).size() == row.read_first);
        if (row.reset) bad.reset();
        CHECK(ask_cat_face(good) == cat_face_answer());
    }
    // Every one of them was noticed, and none took the server down: a SIGPIPE
    // would have ended it with status 128 + 13.
    CHECK(server.process().wait_for_err(" closed\n"));
    CHECK_FALSE(server.process().wait(0ms).has_value());
    CHECK(ask_cat_face(good) == cat_face_answer());
    good.shutdown_write();
    CHECK(good.read_to_close() == "");
    CHECK(server.stop() == 0);
    CHECK(count(server.process().err(), "dropped: write failed") +
              count(server.process().err(), "connection lost") ==
          rounds);
}
