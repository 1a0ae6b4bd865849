// The sans-I/O session, driven as the server drives it, checked by the exact
// bytes of whole transcripts, with the input split every which way.
// Flow: run() is the loop of server/session.cpp's serve(): it writes each
// step's `out`; on a read step it takes the next read into the buffer, never
// beyond input_limit() (the server's buffer stops there too), or, with the
// input used up, passes eof (when asked to) or leaves the session waiting.
#include "session_core.hpp"

#include "process.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using mojifinder::config;
using mojifinder::testing::cat_face_answer;
using mojifinder::testing::status_line;
namespace protocol = mojifinder::protocol;

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::build();
    return idx;
}

const std::string prompt = "?> ";
const std::string utf8_error = "error: query is not valid UTF-8\r\n";
const std::string flood_error = "error: line too long\r\n";
const std::string shutdown_error = "error: server shutting down\r\n";
constexpr std::size_t default_max_line = config{}.max_line;

std::string too_long(std::size_t max_line) {
    return fmt::format("error: line too long (limit {} bytes)\r\n", max_line);
}

// Four- and five-digit code points, with and without leading zeros.
const std::string dollar_sign_answer =
    "U+0024\t$\tDOLLAR SIGN\r\n"
    "U+FE69\t\uFE69\tSMALL DOLLAR SIGN\r\n"
    "U+FF04\t\uFF04\tFULLWIDTH DOLLAR SIGN\r\n"
    "U+1F10F\t\U0001F10F\tCIRCLED DOLLAR SIGN WITH OVERLAID BACKSLASH\r\n"
    "U+1F4B2\t\U0001F4B2\tHEAVY DOLLAR SIGN\r\n"
    "U+1F4B5\t\U0001F4B5\tBANKNOTE WITH DOLLAR SIGN\r\n"
    "U+E0024\t\U000E0024\tTAG DOLLAR SIGN\r\n" +
    status_line(7);

const std::string language_tag_answer = "U+E0001\t\U000E0001\tLANGUAGE TAG\r\n" + status_line(1);
const std::string hangul_ga_answer = "U+AC00\t\uAC00\tHANGUL SYLLABLE GA\r\n" + status_line(1);

// The answer to a one-word query, from the index's lines (index_test checks
// each of them against ICU) and posting list.
std::string answer_of(std::string_view word) {
    std::string out;
    auto entries = the_index().entries_with(word);
    for (auto e : entries) out += the_index().line(e);
    return out + status_line(entries.size());
}

// Appends what a step hands out to `out`; returns how many bytes that was.
std::size_t append_out(std::string& out, const protocol::step& s) {
    std::size_t before = out.size();
    for (std::string_view piece : s.out) out += piece;
    return out.size() - before;
}

// Sizes of successive reads, cycled; empty: as much as the buffer takes.
using read_plan = std::vector<std::size_t>;

struct transcript {
    std::string bytes;
    bool closed = false;
    std::vector<std::size_t> writes;  // bytes handed out by each write or close step
};

// The transcript of a session that receives `input`, then eof if `eof`.
transcript run(std::string_view input, bool eof, std::size_t max_line = default_max_line,
               const read_plan& plan = {}) {
    protocol::session_core core(the_index(), max_line);
    transcript t;
    std::string buffer;
    std::size_t sent = 0;
    std::size_t reads = 0;
    bool at_eof = false;
    protocol::step s = core.start();
    for (std::size_t guard = 0; guard < 8'000'000; ++guard) {
        if (s.kind != protocol::step_kind::read) t.writes.push_back(append_out(t.bytes, s));
        if (s.kind == protocol::step_kind::close) {
            t.closed = true;
            return t;
        }
        if (s.kind == protocol::step_kind::read) {
            if (at_eof) FAIL("the core asks to read after eof");
            if (sent == input.size()) {
                if (!eof) return t;
                at_eof = true;
            } else {
                std::size_t room = core.input_limit() - buffer.size();
                if (room == 0) FAIL("the core asks to read with a full buffer");
                std::size_t want = plan.empty() ? room : plan[reads++ % plan.size()];
                std::size_t n = std::min({want, room, input.size() - sent});
                buffer.append(input.substr(sent, n));
                sent += n;
            }
        }
        s = core.next(buffer, at_eof, false);
        buffer.erase(0, core.consumed());
    }
    FAIL("the session never ends");
    return t;
}

// "" when equal; else where the bytes first differ, so that a mismatch in a
// megabyte answer is readable.
std::string first_difference(std::string_view got, std::string_view expected) {
    if (got == expected) return {};
    auto [g, e] = std::mismatch(got.begin(), got.end(), expected.begin(), expected.end());
    std::size_t at = static_cast<std::size_t>(g - got.begin());
    std::size_t from = at < 40 ? 0 : at - 40;
    return fmt::format("sizes {} and {}; first difference at byte {}: got {:?}, expected {:?}", got.size(),
                       expected.size(), at, got.substr(from, 80), expected.substr(from, 80));
}

struct row {
    std::string name;
    std::string input;
    bool eof;
    std::size_t max_line;
    std::string expected;
    bool closed;
};

const std::vector<row>& rows() {
    static const std::vector<row> all = [] {
        const std::string& p = prompt;
        const std::string cat = cat_face_answer();  // with the prompt after it
        const std::string zero = status_line(0);
        const std::string mib(config::flood_limit, 'a');
        std::vector<row> r = {
            {"nothing, then eof", "", true, default_max_line, p, true},
            {"nothing yet", "", false, default_max_line, p, false},
            {"a query, LF", "cat face\n", false, default_max_line, p + cat, false},
            {"a query, CRLF", "cat face\r\n", false, default_max_line, p + cat, false},
            {"a query in white space", " \tcat face \xc2\xa0\r\n", false, default_max_line, p + cat, false},
            {"a query, then eof", "cat face\n", true, default_max_line, p + cat, true},
            {"a last line without LF, then eof", "cat face", true, default_max_line, p + cat, true},
            {"a last line without LF, no eof yet", "cat face", false, default_max_line, p, false},
            {"blank lines", "\n\r\n \t \r\n\xc2\xa0\xe3\x80\x80\n", false, default_max_line, p + p + p + p + p, false},
            {"an unknown word", "xyzzy\r\n", false, default_max_line, p + zero + p, false},
            {"queries with no words", "-\n- \xc2\xa0 -\t\xe3\x80\x80\r\n", false, default_max_line, p + p + p, false},
            {"a control byte after text", "cat face\x03\n", false, default_max_line, p + zero + p, false},
            {"5-digit code points", "LANGUAGE TAG\n", false, default_max_line, p + language_tag_answer + p, false},
            {"4- and 5-digit code points", "dollar sign\n", false, default_max_line, p + dollar_sign_answer + p, false},
            {"an algorithmic name", "hangul syllable-ga\n", false, default_max_line, p + hangul_ga_answer + p, false},
            {"several lines in one feed", "cat face\nxyzzy\n\nCAT-FACE\r\n\xc3\x28\nLANGUAGE TAG", true,
             default_max_line, p + cat + zero + p + p + cat + utf8_error + p + language_tag_answer + p, true},
            {"a huge answer, then more", "CJK\ncat face\n", false, default_max_line,
             p + answer_of("CJK") + p + cat, false},
            {"a huge answer of many runs", "letter\r\n", false, default_max_line, p + answer_of("LETTER") + p, false},
            {"hang-up after answers", "cat face\n\n\x04", false, default_max_line, p + cat + p, true},
            {"hang-up before a query", "\x03" "cat face\n", false, default_max_line, p, true},
            {"a long line dropped up to its LF", std::string(20000, 'y') + "\ncat face\n", false, default_max_line,
             p + too_long(default_max_line) + p + cat, false},
            {"a long line with control and invalid bytes",
             std::string(5000, 'y') + "\x03\xff\xc0" + std::string(100, 'y') + "\r\ncat face\n", false,
             default_max_line, p + too_long(default_max_line) + p + cat, false},
            {"a long line, then eof", std::string(5000, 'z'), true, default_max_line,
             p + too_long(default_max_line) + p, true},
            {"1 MiB without LF", mib, false, default_max_line, p + flood_error, true},
            {"1 MiB without LF, then a query", mib + "\ncat face\n", false, default_max_line, p + flood_error, true},
            {"1 MiB - 1 byte, LF, a query", mib.substr(1) + "\ncat face\n", false, default_max_line,
             p + too_long(default_max_line) + p + cat, false},
        };
        for (std::string_view bad : {"\x80", "\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                     "cat \xff face"})
            r.push_back({fmt::format("invalid UTF-8 {:?}", bad), std::string(bad) + "\r\n", false,
                         default_max_line, p + utf8_error + p, false});
        for (std::string_view hang : {std::string_view("\0", 1), std::string_view("\x03"), std::string_view("\x04"),
                                      std::string_view("\x1b[A\n"), std::string_view("   \x03\r\n"),
                                      std::string_view("\xff\xf4\xff\xfd\x06")})
            r.push_back({fmt::format("hang-up {:?}", hang), std::string(hang), false, default_max_line, p, true});
        for (std::size_t max_line : {config::max_line_bounds.min, default_max_line}) {
            std::string exact = "cat face" + std::string(max_line - 8, ' ');
            std::string over = exact + "!";
            r.push_back({fmt::format("{} bytes, limit {}, CRLF", exact.size(), max_line), exact + "\r\n", false,
                         max_line, p + cat, false});
            r.push_back({fmt::format("{} bytes, limit {}, LF", exact.size(), max_line), exact + "\n", false,
                         max_line, p + cat, false});
            r.push_back({fmt::format("{} bytes, limit {}, CRLF", over.size(), max_line),
                         over + "\r\ncat face\r\n", false, max_line, p + too_long(max_line) + p + cat, false});
            r.push_back({fmt::format("{} bytes, limit {}, LF", over.size(), max_line), over + "\ncat face\n",
                         false, max_line, p + too_long(max_line) + p + cat, false});
        }
        return r;
    }();
    return all;
}

// How the client's bytes are split into reads; the random plans are seeded,
// so every run sees the same splits.
const std::vector<read_plan>& read_plans() {
    static const std::vector<read_plan> all = [] {
        std::vector<read_plan> plans = {{}, {1}, {2}, {3}, {7}, {4098}, {1, 5, 4096, 2}};
        for (unsigned seed : {1u, 2u, 3u, 4u}) {
            std::mt19937 rng(seed);
            std::uniform_int_distribution<std::size_t> size(1, seed % 2 ? 16 : 700);
            read_plan plan(97);
            for (auto& n : plan) n = size(rng);
            plans.push_back(plan);
        }
        return plans;
    }();
    return all;
}

std::string describe(const read_plan& plan) {
    return plan.empty() ? "reads as large as the buffer" : fmt::format("reads of {} bytes", fmt::join(plan, ", "));
}

}  // namespace

TEST_CASE("session transcripts are exact, however the input is split into reads", "[session_core]") {
    auto which = GENERATE(range(std::size_t{0}, read_plans().size()));
    const read_plan& plan = read_plans()[which];
    INFO(describe(plan));
    for (const row& r : rows()) {
        INFO(r.name);
        transcript t = run(r.input, r.eof, r.max_line, plan);
        CHECK(first_difference(t.bytes, r.expected) == "");
        CHECK(t.closed == r.closed);
    }
}

TEST_CASE("a huge answer streams in steps of at most write_chunk bytes", "[session_core]") {
    std::string_view word = GENERATE(as<std::string_view>{}, "CJK", "LETTER");
    INFO(word);
    std::string expected = answer_of(word);
    REQUIRE(expected.size() > 4 * config::write_chunk);
    transcript t = run(fmt::format("{}\n", word), false);
    CHECK(first_difference(t.bytes, prompt + expected + prompt) == "");
    CHECK_FALSE(t.closed);

    // The prompt, then the answer's steps; the last also carries the status
    // line and the prompt.
    REQUIRE(t.writes.size() >= 3);
    CHECK(t.writes.front() == prompt.size());
    const std::size_t tail = protocol::status_rule().size() + fmt::format(" {} found\r\n",
                             the_index().entries_with(word).size()).size() + prompt.size();
    std::size_t oversized = 0;
    for (std::size_t i = 1; i + 1 < t.writes.size(); ++i)
        if (t.writes[i] == 0 || t.writes[i] > config::write_chunk) ++oversized;
    CHECK(oversized == 0);
    CHECK(t.writes.back() > tail);
    CHECK(t.writes.back() <= config::write_chunk + tail);
    CHECK(t.writes.size() - 1 >= expected.size() / config::write_chunk);
}

TEST_CASE("shutting down ends the session after the answer being written", "[session_core]") {
    protocol::session_core core(the_index(), default_max_line);
    std::string out;
    append_out(out, core.start());

    SECTION("waiting for a line") {
        auto input = GENERATE(as<std::string_view>{}, "", "cat", "cat face\n", "\n\n");
        INFO(input);
        auto s = core.next(input, false, true);
        append_out(out, s);
        CHECK(s.kind == protocol::step_kind::close);
        CHECK(s.what == protocol::event::shutdown);
        CHECK(out == prompt + shutdown_error);
    }
    SECTION("at the end of input") {
        auto s = core.next("cat face", true, true);
        append_out(out, s);
        CHECK(s.kind == protocol::step_kind::close);
        CHECK(out == prompt + shutdown_error);
    }
    SECTION("in the middle of a huge answer") {
        std::string input = "CJK\ncat face\n";
        auto s = core.next(input, false, false);
        append_out(out, s);
        REQUIRE(s.kind == protocol::step_kind::write);
        REQUIRE(core.answering());
        input.erase(0, core.consumed());
        std::size_t steps = 0;
        while (s.kind == protocol::step_kind::write && steps++ < 1000) {
            s = core.next(input, false, true);
            append_out(out, s);
            input.erase(0, core.consumed());
        }
        CHECK(s.kind == protocol::step_kind::close);
        CHECK(s.what == protocol::event::shutdown);
        CHECK(first_difference(out, prompt + answer_of("CJK") + shutdown_error) == "");
        CHECK(input == "cat face\n");  // never answered
    }
}

TEST_CASE("the idle timeout closes with its error line", "[session_core]") {
    protocol::session_core core(the_index(), default_max_line);
    std::string out;
    append_out(out, core.start());
    std::string expected = prompt;
    SECTION("before any line") {}
    SECTION("after an answer") {
        append_out(out, core.next("cat face\n", false, false));
        REQUIRE(core.next("", false, false).kind == protocol::step_kind::read);
        expected += cat_face_answer();
    }
    SECTION("with part of a line buffered") {
        REQUIRE(core.next("cat fa", false, false).kind == protocol::step_kind::read);
    }
    auto s = core.idle_timeout();
    append_out(out, s);
    CHECK(s.kind == protocol::step_kind::close);
    CHECK(s.what == protocol::event::idle_timeout);
    CHECK(out == expected + "error: idle timeout\r\n");
}

TEST_CASE("each step says what happened, for the log", "[session_core]") {
    auto [input, eof, what, query, found] =
        GENERATE(table<std::string, bool, protocol::event, std::string, std::size_t>({
            {"  cat face \r\n", false, protocol::event::answered, "cat face", 10},
            {"CJK\n", false, protocol::event::answered, "CJK", 98263},
            {"xyzzy\n", false, protocol::event::answered, "xyzzy", 0},
            {"  xyzzy", true, protocol::event::answered, "xyzzy", 0},
            {" \r\n", false, protocol::event::blank, "", 0},
            {"\xc2\xa0-\n", false, protocol::event::blank, "", 0},
            {"\x03", false, protocol::event::hang_up, "", 0},
            {"\x04\n", false, protocol::event::hang_up, "", 0},
            {"\xc0\xaf\n", false, protocol::event::invalid_utf8, "", 0},
            {std::string(5000, 'x') + "\n", false, protocol::event::too_long, "", 0},
            {"", true, protocol::event::client_done, "", 0},
        }));
    INFO(input.substr(0, 20));
    protocol::session_core core(the_index(), default_max_line);
    core.start();
    auto s = core.next(input, eof, false);
    CHECK(static_cast<int>(s.what) == static_cast<int>(what));
    CHECK(s.query == query);
    CHECK(s.found == found);
}

TEST_CASE("the status line", "[session_core]") {
    std::string rule;
    for (int i = 0; i < 66; ++i) rule += "\u2500";
    CHECK(protocol::status_rule() == rule);

    auto [count, text] = GENERATE(table<std::size_t, std::string_view>({
        {0, " 0 found\r\n"},
        {10, " 10 found\r\n"},
        {98263, " 98263 found\r\n"},
        {std::size_t(-1), " 18446744073709551615 found\r\n"},
    }));
    std::array<char, 32> buffer{};
    CHECK(protocol::format_count(count, buffer) == text);
    CHECK(std::string(protocol::status_rule()) + std::string(text) == status_line(count));
}

TEST_CASE("the too-long message names the limit", "[session_core]") {
    // Literals, not the config's members: a GENERATE after another in the
    // same test case read a dangling value under AddressSanitizer.
    std::size_t max_line = GENERATE(as<std::size_t>{}, 16, 4096, 65536);
    REQUIRE(config::max_line_bounds.min == 16);
    REQUIRE(config{}.max_line == 4096);
    REQUIRE(config::max_line_bounds.max == 65536);
    protocol::session_core core(the_index(), max_line);
    core.start();
    std::string out;
    append_out(out, core.next(std::string(max_line + 1, 'x') + "\n", false, false));
    CHECK(out == fmt::format("error: line too long (limit {} bytes)\r\n?> ", max_line));
}
