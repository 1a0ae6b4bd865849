// Each limit of protocol/config.hpp tripped against the real server: exactly
// what the offending client reads, and that a well-behaved client connected at
// the same time reads the same bytes before, during and after.
// Flow: each test starts its own server with small limits, trips one limit
// from one connection while another asks "cat face" in between, then ends
// both connections and expects the server to stop with 0.
#include "process.hpp"
#include "session_core.hpp"
#include "session_memory.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace mojifinder::testing;
using namespace std::string_literals;
namespace protocol = mojifinder::protocol;

namespace {

constexpr std::size_t max_line = 64;  // --max-line for the bad-bytes table
constexpr std::size_t flood = mojifinder::config::flood_limit;

const std::string too_long = "error: line too long (limit 64 bytes)\r\n";
const std::string prompt(protocol::prompt);
const std::string utf8_error(protocol::error_utf8);

struct misbehaviour {
    std::string what;
    std::vector<std::string> parts;  // sent in turn; the good client asks between them
    bool quiet_between;              // the server must say nothing to the bad client between parts
    std::string reply;               // all the bad client reads after its first prompt
    bool closes;                     // then EOF; otherwise the session must go on
};

// Lines of random bytes whose fate the protocol fixes whatever the rest of
// their bytes: a first byte 0x80..0xBF can only be invalid UTF-8; white space
// only is blank; over 64 bytes is too long; a first byte below 0x20 hangs up.
misbehaviour binary_garbage() {
    std::mt19937 rng(20261122);
    auto uniform = [&rng](int lo, int hi) {
        return std::uniform_int_distribution<int>(lo, hi)(rng);
    };
    auto random_bytes = [&](std::string& line, int count) {
        for (int i = 0; i < count; ++i) {
            char c = static_cast<char>(uniform(0, 254));
            line += c == '\n' ? '\xFF' : c;
        }
    };
    std::string blob, reply;
    for (int i = 0; i < 120; ++i) {
        std::string line;
        if (i % 10 == 4) {
            for (int n = uniform(0, 5); n > 0; --n) line += " \t\v\f\r"[uniform(0, 4)];
            reply += prompt;
        } else {
            line += static_cast<char>(uniform(0x80, 0xBF));
            // Too long even if its last byte is a CR, which is dropped.
            bool long_line = i % 10 == 9;
            random_bytes(line, long_line ? uniform(66, 400) : uniform(0, 63));
            reply += (long_line ? too_long : utf8_error) + prompt;
        }
        blob += line + "\n";
    }
    blob += "\x01";
    random_bytes(blob, 40);
    blob += "\n";
    std::vector<std::string> parts;
    std::size_t from = 0;
    for (std::size_t cut : {blob.size() / 5, blob.size() / 2, blob.size() - 7}) {
        parts.push_back(blob.substr(from, cut - from));
        from = cut;
    }
    parts.push_back(blob.substr(from));
    return {"binary garbage", parts, false, reply, true};
}

const std::string status_0 = status_line(0) + prompt;
const std::string utf8_reply = utf8_error + prompt;
const std::string too_long_reply = too_long + prompt;

std::vector<misbehaviour> bad_bytes() {
    return {
        {"invalid UTF-8: a lone continuation byte", {"\x80", "abc\n"}, true, utf8_reply, false},
        {"invalid UTF-8: an overlong '/'", {"cat \xC0", "\xAF\n"}, true, utf8_reply, false},
        {"invalid UTF-8: a surrogate", {"\xED\xA0\x80 face\n"}, false, utf8_reply, false},
        {"invalid UTF-8: a sequence cut by LF", {"cat \xE2\x82", "\n"}, true, utf8_reply, false},
        {"valid UTF-8 split between sends", {"\xF0\x9F", "\x90\xB1\n"}, true, status_0, false},
        {"NUL first, after white space", {"  ", "\0cat face\n"s}, true, "", true},
        {"NUL alone, no LF", {"\0"s}, false, "", true},
        {"NUL inside a query", {"cat\0face\n"s}, false, status_0, false},
        {"telnet IAC IP, IAC DO TIMING-MARK", {"\xFF\xF4\xFF\xFD\x06"}, false, "", true},
        {"telnet IAC IP after white space", {" \t", "\xFF\xF4"}, true, "", true},
        {"telnet IAC inside a line", {"cat \xFF\xF4", "\n"}, true, utf8_reply, false},
        {"CR-only line end, then the LF", {"cat face\r", "\n"}, true, cat_face_answer(), false},
        {"CRs inside a line", {"cat\rface\r\r\n"}, false, cat_face_answer(), false},
    };
}

std::vector<misbehaviour> long_lines() {
    return {
        {"a line over the limit", {std::string(max_line + 1, 'a') + "\n"}, false, too_long_reply,
         false},
        {"a line at the limit, with CR LF", {std::string(max_line, 'a') + "\r\n"}, false, status_0,
         false},
        {"a line over the limit in pieces, then a query",
         {std::string(100, 'x'), std::string(5000, 'y'), "z\ncat face\n"}, true,
         too_long_reply + cat_face_answer(), false},
        {"1 MiB less one byte, then LF", {std::string(flood - 1, 'x'), "\n"}, true, too_long_reply,
         false},
        {"1 MiB without LF", {std::string(flood / 2, 'x'), std::string(flood / 2, 'x')}, true,
         std::string(protocol::error_flood), true},
        {"more than 1 MiB without LF, still sending", {std::string(flood + flood / 4, 'x')}, false,
         std::string(protocol::error_flood), true},
        binary_garbage(),
    };
}

// One client misbehaves as `row` says while another asks "cat face" before,
// between the bad client's sends, and after.
void check_beside_a_good_client(const misbehaviour& row) {
    INFO(row.what);
    // Version 1's bytes: in version 2 "cat\0face" or a split "caf\xC3\xA9" is
    // pasted text, identified character by character.
    server_process server({"--max-line", std::to_string(max_line), "--classic"});
    connection good(server.port());
    REQUIRE(good.read_exact(3) == prompt);
    auto good_asks = [&good] {
        good.send("cat face\n");
        return good.read_until(prompt);
    };
    CHECK(good_asks() == cat_face_answer());

    connection bad(server.port());
    REQUIRE(bad.read_exact(3) == prompt);
    for (std::size_t i = 0; i < row.parts.size(); ++i) {
        bad.send(row.parts[i]);
        if (i + 1 == row.parts.size()) break;
        if (row.quiet_between) CHECK(bad.read_for(200ms) == "");
        CHECK(good_asks() == cat_face_answer());
    }
    if (row.closes) {
        // The bytes themselves prove the close was clean: a reset would have
        // destroyed them before they were read.
        CHECK(bad.read_to_close(20s) == row.reply);
        // Ends the server's linger at once rather than after config::linger.
        bad.shutdown_write();
    } else {
        bad.send("cat face\n");
        CHECK(bad.read_exact(row.reply.size() + cat_face_answer().size(), 20s) ==
              row.reply + cat_face_answer());
        bad.shutdown_write();
        CHECK(bad.read_to_close() == "");
    }
    CHECK(good_asks() == cat_face_answer());
    // Ended as nc ends at the end of its input: nothing more comes.
    good.shutdown_write();
    CHECK(good.read_to_close() == "");
    CHECK(server.stop() == 0);
}

}  // namespace

TEST_CASE("bad bytes get exactly their protocol reply while another client is served unchanged",
          "[server]") {
    static const std::vector<misbehaviour> table = bad_bytes();
    check_beside_a_good_client(GENERATE(from_range(table)));
}

TEST_CASE("long lines and floods and binary garbage trip their limits exactly beside a client "
          "served unchanged",
          "[server]") {
    static const std::vector<misbehaviour> table = long_lines();
    check_beside_a_good_client(GENERATE(from_range(table)));
}

TEST_CASE("a query trickled one byte at a time is answered exactly", "[server]") {
    server_process server;
    connection good(server.port());
    connection slow(server.port());
    REQUIRE(good.read_exact(3) == prompt);
    REQUIRE(slow.read_exact(3) == prompt);
    const std::string line = GENERATE("cat face\n"s, "  cat face \r\n"s);
    for (char c : line) {
        slow.send(std::string(1, c));
        std::this_thread::sleep_for(20ms);
        good.send("cat face\n");
        CHECK(good.read_until(prompt) == cat_face_answer());
    }
    CHECK(slow.read_exact(cat_face_answer().size()) == cat_face_answer());
    CHECK(slow.read_for(100ms) == "");
    CHECK(server.stop() == 0);
}

TEST_CASE("a session with no complete line for --idle-timeout gets exactly its error line",
          "[server]") {
    struct idler {
        const char* what;
        std::string first;    // sent at once
        std::string trickle;  // then one byte per 250 ms: bytes, but never a line
    };
    const idler row = GENERATE(idler{"silent", "", ""}, idler{"CR-only line end", "cat face\r", ""},
                               idler{"a line trickled too slowly", "", "cat"});
    INFO(row.what);

    server_process server({"--idle-timeout", "1"});
    connection good(server.port());
    connection idle(server.port());
    REQUIRE(good.read_exact(3) == prompt);
    REQUIRE(idle.read_exact(3) == prompt);
    if (!row.first.empty()) idle.send(row.first);
    // Not closed early: nothing at all for 0.75 of the 1 second.
    for (std::size_t i = 0; i < 3; ++i) {
        if (i < row.trickle.size()) idle.send(row.trickle.substr(i, 1));
        CHECK(idle.read_for(250ms) == "");
        good.send("cat face\n");
        CHECK(good.read_until(prompt) == cat_face_answer());
    }
    // The good client keeps asking meanwhile, so its own idle clock never runs out.
    std::string said;
    bool closed = false;
    for (int i = 0; i < 40 && !closed; ++i) {
        closed = idle.closed_within(250ms, &said);
        good.send("cat face\n");
        CHECK(good.read_until(prompt) == cat_face_answer());
    }
    CHECK(closed);
    CHECK(said == protocol::error_idle);
    idle.shutdown_write();
    good.shutdown_write();
    CHECK(good.read_to_close() == "");
    CHECK(server.stop() == 0);
    CHECK(server.process().err().find("idle timeout") != std::string::npos);
}

TEST_CASE("the idle clock restarts after each complete line", "[server][slow]") {
    server_process server({"--idle-timeout", "2"});
    connection c(server.port());
    REQUIRE(c.read_exact(3) == prompt);
    struct exchange {
        std::string line;
        std::string reply;
    };
    // 4 lines a second apart: twice the idle timeout in all, never idle for it.
    const std::vector<exchange> lines{{"cat face\n", cat_face_answer()},
                                      {"\n", prompt},
                                      {"\x80\n", utf8_error + prompt},
                                      {std::string(5000, 'a') + "\n",
                                       "error: line too long (limit 4096 bytes)\r\n" + prompt}};
    for (const exchange& e : lines) {
        CHECK(c.read_for(1000ms) == "");
        c.send(e.line);
        CHECK(c.read_exact(e.reply.size()) == e.reply);
    }
    CHECK(c.read_for(1500ms) == "");
    CHECK(c.read_to_close(10s) == protocol::error_idle);
    CHECK(server.stop() == 0);
}

TEST_CASE("a session quiet for longer than warm_period answers exactly as before", "[server][slow]") {
    // Past warm_period (plus the sweeper's 100 ms) the session has given up its
    // buffer and state; none of that may show in what the client reads.
    const auto past_warm_period = mojifinder::config::warm_period + 600ms;
    server_process server({"--idle-timeout", "3"});
    connection c(server.port());
    REQUIRE(c.read_exact(3) == prompt);
    c.send("cat face\n");
    REQUIRE(c.read_exact(cat_face_answer().size()) == cat_face_answer());

    SECTION("a whole line after the pause") {
        CHECK(c.read_for(past_warm_period) == "");
        c.send("cat face\n");
        CHECK(c.read_exact(cat_face_answer().size()) == cat_face_answer());
    }
    SECTION("two lines in one write after the pause") {
        CHECK(c.read_for(past_warm_period) == "");
        c.send("cat face\n\n");
        CHECK(c.read_exact(cat_face_answer().size() + 3) == cat_face_answer() + prompt);
    }
    SECTION("a line cut in two by the pause") {
        c.send("cat ");
        CHECK(c.read_for(past_warm_period) == "");
        c.send("face\n");
        CHECK(c.read_exact(cat_face_answer().size()) == cat_face_answer());
    }
    SECTION("lines longer than a warm session keeps in its page, before and after the pause") {
        // 3,000 bytes: past warm_state::input_room (2,048), within --max-line (4,096).
        const std::string long_line = "cat" + std::string(2990, ' ') + "face\n";
        REQUIRE(long_line.size() > mojifinder::warm_state::input_room);
        c.send(long_line);
        CHECK(c.read_exact(cat_face_answer().size()) == cat_face_answer());
        CHECK(c.read_for(past_warm_period) == "");
        c.send(long_line + long_line);
        CHECK(c.read_exact(2 * cat_face_answer().size()) == cat_face_answer() + cat_face_answer());
    }
    SECTION("the idle timeout still counts from the last answer") {
        // Cooling off at warm_period is not the idle timeout (3 s).
        CHECK(c.read_for(2500ms) == "");
        CHECK(c.read_to_close(10s) == protocol::error_idle);
    }
    c.shutdown_write();
    c.read_to_close(10s);
    CHECK(server.stop() == 0);
}

TEST_CASE("a client that never reads costs bounded memory and is dropped after --send-timeout",
          "[server]") {
    server_process server({"--send-timeout", "2"});
    connection good(server.port());
    REQUIRE(good.read_exact(3) == prompt);
    auto good_asks = [&good] {
        good.send("cat face\n");
        return good.read_until(prompt);
    };

    // One whole CJK answer first, so that what the search touches is resident
    // before the baseline is taken.
    good.send("CJK\n");
    const std::string cjk = good.read_until(prompt, 60s);
    REQUIRE(cjk.ends_with(status_line(98263) + prompt));
    const long rss_before = server.process().rss_kib();
    REQUIRE(rss_before > 0);

    connection hog(server.port(), 4096);
    for (int i = 0; i < 50; ++i) hog.send("CJK\n");
    // 50 answers of 4 MB are pending: a server that buffered them would grow
    // by gigabytes; one that streams holds a few chunks.
    for (int i = 0; i < 4; ++i) {
        std::this_thread::sleep_for(250ms);
        CHECK(good_asks() == cat_face_answer());
        CHECK(server.process().rss_kib() - rss_before < 4096);
    }

    bool dropped = false;
    for (int i = 0; i < 60 && !dropped; ++i) {
        dropped = server.process().wait_for_err("dropped: send timeout", 250ms);
        CHECK(good_asks() == cat_face_answer());
    }
    CHECK(dropped);
    // What was in flight arrives, then the end: not the rest of the first answer.
    std::string got = hog.read_to_close(20s);
    CHECK(got.size() > prompt.size());
    CHECK(got.size() < prompt.size() + cjk.size());
    CHECK((prompt + cjk).starts_with(got));
    CHECK(server.process().rss_kib() - rss_before < 4096);
    CHECK(good_asks() == cat_face_answer());
    CHECK(server.stop() == 0);
}
