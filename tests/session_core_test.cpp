// The sans-I/O session, driven as the server drives it, checked by the exact
// bytes of whole transcripts, with the input split every which way: the whole
// version 1 suite in classic mode (--classic, and /classic on) and, where v2
// changes nothing, in full mode; then the session commands, the status
// line's variants, JSON mode and the query language's examples of
// docs/PROTOCOL.md.
// Flow: run() is the loop of server/session.cpp's serve(): it writes each
// step's `out`; on a read step it takes the next read into the buffer, never
// beyond input_limit() (the server's buffer stops there too), or, with the
// input used up, passes eof (when asked to) or leaves the session waiting.
#include "session_core.hpp"

#include "answer_cache.hpp"
#include "json_lines.hpp"
#include "mojifinder_version.hpp"
#include "process.hpp"
#include "search.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using mojifinder::config;
using mojifinder::protocol::session_settings;
namespace search = mojifinder::search;
namespace json = boost::json;
using mojifinder::testing::cat_face_answer;
using mojifinder::testing::status_line;
namespace protocol = mojifinder::protocol;

// Every heap allocation of the test binary goes through here and is counted,
// so that a test can prove a warm session answers without allocating. Not
// under AddressSanitizer or ThreadSanitizer, whose own operator new (and
// their checks of it) must stay.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MOJIFINDER_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MOJIFINDER_SANITIZED 1
#endif

namespace {
thread_local std::size_t heap_allocations = 0;
#ifdef MOJIFINDER_SANITIZED
constexpr bool counting_allocations = false;
#else
constexpr bool counting_allocations = true;
#endif
}  // namespace

#ifndef MOJIFINDER_SANITIZED
// GCC pairs the inlined malloc with the delete's free and warns of a
// mismatch that is not there: both sides are these replacements.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
    ++heap_allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

// A session of a server started with or without --classic, and --lang en.
session_settings server_settings(bool classic) { return session_settings::for_server(classic, the_index().english()); }

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

// The same in full mode, in English, as the search layer answers it (names,
// other names, keywords): what the session must stream, byte for byte.
std::string full_answer_of(std::string_view query) {
    search::engine engine(the_index());
    search::scratch s;
    engine.run(query, search::mode::full, s);
    std::string out;
    search::run r;
    while (s.next(r)) {
        if (r.identified())
            search::append_identified_line(out, the_index(), r.code_point);
        else
            out += the_index().lines(r.first, r.last);
    }
    return out + status_line(s.found());
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
               const read_plan& plan = {}, session_settings settings = {},
               protocol::answer_cache* cache = nullptr) {
    protocol::session_core core(the_index(), max_line, settings, cache);
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
    // The full mode answers it differently on purpose (docs/PROTOCOL.md,
    // "Changes from version 1"): checked in classic mode only.
    bool v1_only = false;
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
            {"an unknown word", "xyzzy\r\n", false, default_max_line, p + zero + p, false, true},  // hints
            {"queries with no words", "-\n- \xc2\xa0 -\t\xe3\x80\x80\r\n", false, default_max_line, p + p + p, false},
            // Full mode: "face\x03" is pasted text, each character identified.
            {"a control byte after text", "cat face\x03\n", false, default_max_line, p + zero + p, false, true},
            {"5-digit code points", "LANGUAGE TAG\n", false, default_max_line, p + language_tag_answer + p, false},
            {"4- and 5-digit code points", "dollar sign\n", false, default_max_line, p + dollar_sign_answer + p, false},
            {"an algorithmic name", "hangul syllable-ga\n", false, default_max_line, p + hangul_ga_answer + p, false},
            {"several lines in one feed", "cat face\nxyzzy\n\nCAT-FACE\r\n\xc3\x28\nLANGUAGE TAG", true,
             default_max_line, p + cat + zero + p + p + cat + utf8_error + p + language_tag_answer + p, true, true},
            {"a huge answer, then more", "CJK\ncat face\n", false, default_max_line,
             p + answer_of("CJK") + p + cat, false},
            // v1 only: in full mode LETTER's keywords add U+2709 ENVELOPE and others.
            {"a huge answer of many runs", "letter\r\n", false, default_max_line, p + answer_of("LETTER") + p, false, true},
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

// How a session comes to speak a mode: the version 1 suite runs in each.
enum class how { classic_server, classic_command, full };

TEST_CASE("session transcripts are exact, however the input is split into reads", "[session_core]") {
    auto which = GENERATE(range(std::size_t{0}, read_plans().size()));
    auto mode = GENERATE(how::classic_server, how::classic_command, how::full);
    const read_plan& plan = read_plans()[which];
    INFO(describe(plan));
    INFO("mode " << static_cast<int>(mode));
    // Each row again twice through one answer cache: the first fills it,
    // the second answers from it; both must be the same bytes.
    protocol::answer_cache cache(64);
    for (const row& r : rows()) {
        if (mode == how::full && r.v1_only) continue;
        INFO(r.name);
        std::string input = r.input;
        std::string expected = r.expected;
        session_settings settings;
        if (mode == how::classic_server) settings = server_settings(true);
        if (mode == how::classic_command) {
            // "/classic on" first: its acknowledgement, then the same bytes as v1.
            input = "/classic on\n" + input;
            expected = prompt + "ok: classic on\r\n" + expected;
        }
        transcript t = run(input, r.eof, r.max_line, plan, settings);
        CHECK(first_difference(t.bytes, expected) == "");
        CHECK(t.closed == r.closed);
        for (const char* pass : {"filling the answer cache", "from the answer cache"}) {
            INFO(pass);
            transcript kept = run(input, r.eof, r.max_line, plan, settings, &cache);
            CHECK(first_difference(kept.bytes, expected) == "");
            CHECK(kept.closed == r.closed);
        }
    }
    // cat face, dollar sign, LANGUAGE TAG and the others that fit.
    CHECK(cache.size() >= 5);
}

TEST_CASE("a huge answer streams in steps of at most write_chunk bytes", "[session_core]") {
    std::string_view word = GENERATE(as<std::string_view>{}, "CJK", "LETTER");
    bool classic = GENERATE(true, false);
    INFO(word << (classic ? ", classic" : ", full"));
    std::string expected = classic ? answer_of(word) : full_answer_of(word);
    REQUIRE(expected.size() > 4 * config::write_chunk);
    transcript t = run(fmt::format("{}\n", word), false, default_max_line, {}, server_settings(classic));
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
    bool classic = GENERATE(true, false);
    INFO((classic ? "classic" : "full"));
    protocol::session_core core(the_index(), default_max_line, server_settings(classic));
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
    bool classic = GENERATE(true, false);
    INFO((classic ? "classic" : "full"));
    protocol::session_core core(the_index(), default_max_line, server_settings(classic));
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
    bool classic = GENERATE(true, false);
    INFO(input.substr(0, 20) << (classic ? ", classic" : ", full"));
    protocol::session_core core(the_index(), default_max_line, server_settings(classic));
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

    SECTION("an answer sent whole") {
        auto [count, text] = GENERATE(table<std::size_t, std::string_view>({
            {0, " 0 found\r\n"},
            {10, " 10 found\r\n"},
            {98263, " 98263 found\r\n"},
            {std::size_t(-1), " 18446744073709551615 found\r\n"},
        }));
        std::array<char, 32> buffer{};
        CHECK(protocol::format_count(count, buffer) == text);
        CHECK(std::string(protocol::status_rule()) + std::string(text) == status_line(count));
        std::array<char, 64> counts{};
        CHECK(std::string(protocol::format_counts(count, count, counts)) + "\r\n" == text);
    }
    SECTION("the counts: M shown only when fewer than N lines were sent") {
        auto [found, shown, text] = GENERATE(table<std::size_t, std::size_t, std::string_view>({
            {564, 564, " 564 found"},
            {564, 20, " 564 found, 20 shown"},
            {564, 563, " 564 found, 563 shown"},
            {1, 0, " 1 found, 0 shown"},
            {std::size_t(-1), std::size_t(-2), " 18446744073709551615 found, 18446744073709551614 shown"},
        }));
        std::array<char, 64> counts{};
        CHECK(protocol::format_counts(found, shown, counts) == text);
    }
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

// ---------------------------------------------------------------------------
// Version 2: session commands, /limit and /more, JSON mode.

namespace {

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t lf = text.find('\n', start);
        std::size_t end = lf == std::string_view::npos ? text.size() : lf + 1;
        lines.emplace_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

std::string status_of(std::size_t found, std::size_t shown) {
    std::array<char, 64> counts{};
    return std::string(protocol::status_rule()) + std::string(protocol::format_counts(found, shown, counts)) + "\r\n";
}

std::string help_reply() {
    std::string out;
    for (std::string_view line : protocol::help_lines()) out += fmt::format("# {}\r\n", line);
    return out + "ok: help\r\n";
}

const std::string limit_error = "error: /limit takes a number from 0 to 100000\r\n";

// What a full-mode session writes after its first prompt.
std::string reply(std::string_view input, bool* closed = nullptr, session_settings settings = {}) {
    transcript t = run(input, false, default_max_line, {}, settings);
    if (closed != nullptr) *closed = t.closed;
    REQUIRE(t.bytes.starts_with(prompt));
    return t.bytes.substr(prompt.size());
}

// A reply's lines with the prompts taken out ("?> " starts the line after one).
std::vector<std::string> lines_without_prompts(std::string_view text) {
    std::vector<std::string> lines;
    for (std::string line : lines_of(text)) {
        while (line.starts_with(prompt)) line.erase(0, prompt.size());
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

// The answer lines of a reply, without its status line and prompt.
std::vector<std::string> answer_lines(std::string_view text) {
    std::vector<std::string> lines = lines_without_prompts(text);
    std::vector<std::string> answer;
    for (const auto& line : lines)
        if (line.starts_with("U+")) answer.push_back(line);
    return answer;
}

}  // namespace

TEST_CASE("session commands: exact bytes of each reply", "[session_core]") {
    const std::string& p = prompt;
    const std::string zero = status_line(0);
    auto [input, expected, closes] = GENERATE_COPY(table<std::string, std::string, bool>({
        {"/help\n", help_reply() + p, false},
        {"/HELP\n", help_reply() + p, false},
        {"  /help \t\r\n", help_reply() + p, false},
        {"/help me\n", "error: /help takes no argument\r\n" + p, false},
        {"/limit 20\n", "ok: limit 20\r\n" + p, false},
        {"/limit  7 \n", "ok: limit 7\r\n" + p, false},
        {"/limit 0\n", "ok: limit 0\r\n" + p, false},
        {"/limit 100000\n", "ok: limit 100000\r\n" + p, false},
        {"/limit 100001\n", limit_error + p, false},
        {"/limit\n", limit_error + p, false},
        {"/limit -1\n", limit_error + p, false},
        {"/limit 2x\n", limit_error + p, false},
        {"/limit 1 2\n", limit_error + p, false},
        {"/limit 99999999999999999999\n", limit_error + p, false},
        {"/more\n", "error: nothing more\r\n" + p, false},
        {"/more 5\n", "error: /more takes no argument\r\n" + p, false},
        {"/format json\n", "{\"ok\":\"format json\"}\r\n", false},
        {"/format text\n", "ok: format text\r\n" + p, false},
        {"/format xml\n", "error: /format takes json or text\r\n" + p, false},
        {"/format\n", "error: /format takes json or text\r\n" + p, false},
        {"/version\n", fmt::format("ok: mojifinderd {} (Unicode 15.0, CLDR 41, ICU 72.1)\r\n", mojifinder::version) + p,
         false},
        {"/version now\n", "error: /version takes no argument\r\n" + p, false},
        {"/classic on\n", "ok: classic on\r\n" + p, false},
        {"/classic off\n", "ok: classic off\r\n" + p, false},
        {"/classic\n", "error: /classic takes on or off\r\n" + p, false},
        {"/readings on\n", "ok: readings on\r\n" + p, false},
        {"/READINGS Off\n", "ok: readings off\r\n" + p, false},
        {"/readings\n", "error: /readings takes on or off\r\n" + p, false},
        {"/readings yes\n", "error: /readings takes on or off\r\n" + p, false},
        {"/format json\n/readings on\n", "{\"ok\":\"format json\"}\r\n{\"ok\":\"readings on\"}\r\n", false},
        {"/foo\n", "error: unknown command /foo; try /help\r\n" + p, false},
        {"/foo bar\n", "error: unknown command /foo; try /help\r\n" + p, false},
        {"/\n", "error: unknown command /; try /help\r\n" + p, false},
        {"/caf\xC3\xA9\n", "error: unknown command; try /help\r\n" + p, false},
        {"/" + std::string(40, 'x') + "\n", "error: unknown command; try /help\r\n" + p, false},
        {"/quit\n", "ok: bye\r\n", true},
        {"/quit\ncat face\n", "ok: bye\r\n", true},
        {"/quit", "", false},  // no LF, no eof yet: nothing happens
        // Classic: every line is a query, but for the way back.
        {"/classic on\n/help\n/limit 3\n//x\n/classic off\n/help\n",
         "ok: classic on\r\n" + p + zero + p + zero + p + zero + p + "ok: classic off\r\n" + p + help_reply() + p,
         false},
        // /classic starts afresh: text, no limit.
        {"/limit 3\n/format json\n/classic on\n/classic off\ncat face\n",
         "ok: limit 3\r\n" + p + "{\"ok\":\"format json\"}\r\n" + "ok: classic on\r\n" + p + "ok: classic off\r\n" +
             p + cat_face_answer(),
         false},
        // JSON mode: one final object per non-blank line, no prompt.
        {"/format json\n\n \r\n", "{\"ok\":\"format json\"}\r\n", false},
        {"/format json\n\xC3\x28\n", "{\"ok\":\"format json\"}\r\n{\"error\":\"query is not valid UTF-8\"}\r\n", false},
        {"/format json\n/bogus\n", "{\"ok\":\"format json\"}\r\n{\"error\":\"unknown command /bogus; try /help\"}\r\n",
         false},
        {"/format json\n/more\n", "{\"ok\":\"format json\"}\r\n{\"error\":\"nothing more\"}\r\n", false},
        {"/format json\n/limit 5\n", "{\"ok\":\"format json\"}\r\n{\"ok\":\"limit 5\"}\r\n", false},
        {"/format json\n/quit\n", "{\"ok\":\"format json\"}\r\n{\"ok\":\"bye\"}\r\n", true},
        {"/format json\n/format text\n", "{\"ok\":\"format json\"}\r\nok: format text\r\n" + p, false},
        {"/format json\n" + std::string(5000, 'x') + "\n",
         "{\"ok\":\"format json\"}\r\n{\"error\":\"line too long (limit 4096 bytes)\"}\r\n", false},
        {"/format json\n" + std::string(config::flood_limit, 'x'),
         "{\"ok\":\"format json\"}\r\n{\"error\":\"line too long\"}\r\n", true},
        {"/format json\n\x03", "{\"ok\":\"format json\"}\r\n", true},
    }));
    INFO(fmt::format("{:?}", input.substr(0, 80)));
    bool closed = false;
    std::string got = reply(input, &closed);
    CHECK(first_difference(got, expected) == "");
    CHECK(closed == closes);
}

TEST_CASE("session commands: --classic takes every line for a query, as v1 did", "[session_core]") {
    auto line = GENERATE(as<std::string>{}, "/help", "/classic off", "/quit", "/limit 3", "/format json", "/more",
                         "//x", "/", "/lang", "/lang en", "/lang xx");
    INFO(line);
    const auto classic = server_settings(true);
    bool closed = false;
    CHECK(reply(line + "\n", &closed, classic) == status_line(0) + prompt);
    CHECK_FALSE(closed);
}

TEST_CASE("session commands: /help is the language in at most 24 lines", "[session_core]") {
    CHECK(protocol::help_lines().size() + 1 <= 24);  // and "ok: help"
    auto help = protocol::help_lines();
    CHECK(std::any_of(help.begin(), help.end(), [](std::string_view line) { return line.starts_with("/lang "); }));
    CHECK(std::any_of(help.begin(), help.end(), [](std::string_view line) { return line.starts_with("/readings on "); }));
    for (std::string_view line : protocol::help_lines()) {
        INFO(line);
        CHECK(line.size() <= 80);
        CHECK(protocol::is_valid_utf8(line));
        CHECK(line.find_first_of("\r\n\t") == std::string_view::npos);
    }
}

std::string language_line(mojifinder::index::language_id l) {
    return fmt::format("{} {}", the_index().language_tag(l), the_index().language_name(l));
}

// What /lang writes: every language, in tag order, then the session's.
std::string lang_listing(mojifinder::index::language_id current) {
    std::string out;
    for (std::size_t l = 0; l < the_index().language_count(); ++l)
        out += fmt::format("# {}\r\n", language_line(static_cast<mojifinder::index::language_id>(l)));
    return out + fmt::format("ok: lang {}\r\n", language_line(current));
}

TEST_CASE("/lang: the languages, a switch, its errors", "[session_core][lang]") {
    const std::string& p = prompt;
    const std::string unknown_xx = "error: unknown language 'xx'; /lang lists them\r\n";
    const std::string too_many = "error: /lang takes one language tag, e.g. /lang de; /lang alone lists them\r\n";
    const auto en = the_index().english();
    auto [input, expected] = GENERATE_COPY(table<std::string, std::string>({
        {"/lang\n", lang_listing(en) + p},
        {"/LANG \t\r\n", lang_listing(en) + p},
        {"/lang en\n", "ok: lang en English\r\n" + p},
        {"/Lang EN\n", "ok: lang en English\r\n" + p},
        {"/lang  en \n", "ok: lang en English\r\n" + p},
        {"/lang xx\n", unknown_xx + p},
        // The session goes on, in its language.
        {"/lang xx\ncat face\n", unknown_xx + p + cat_face_answer()},
        {"/lang xx\n/lang\n", unknown_xx + p + lang_listing(en) + p},
        {"/lang en de\n", too_many + p},
        {"/lang en\tde\n", too_many + p},
        {"/lang caf\xC3\xA9\n", "error: unknown language; /lang lists them\r\n" + p},
        {"/lang " + std::string(40, 'x') + "\n", "error: unknown language; /lang lists them\r\n" + p},
        // JSON: the acknowledgement and the errors as objects; the listing in "text".
        {"/format json\n/lang en\n", "{\"ok\":\"format json\"}\r\n{\"ok\":\"lang en English\"}\r\n"},
        {"/format json\n/lang xx\n",
         "{\"ok\":\"format json\"}\r\n{\"error\":\"unknown language 'xx'; /lang lists them\"}\r\n"},
        // After /classic on, /lang is a query, as any line starting with / was in version 1.
        {"/classic on\n/lang en\n", "ok: classic on\r\n" + p + status_line(0) + p},
    }));
    INFO(fmt::format("{:?}", input.substr(0, 80)));
    CHECK(first_difference(reply(input), expected) == "");
}

TEST_CASE("/lang: what the data has", "[session_core][lang]") {
    std::string listing = reply("/lang\n");
    CHECK(the_index().language_count() == 146);
    CHECK(static_cast<std::size_t>(std::count(listing.begin(), listing.end(), '\n')) ==
          the_index().language_count() + 1);
    CHECK(listing.find("\r\n# de Deutsch\r\n") != std::string::npos);
    CHECK(listing.find("\r\n# ja \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\r\n") != std::string::npos);
    CHECK(reply("/lang de\n") == "ok: lang de Deutsch\r\n" + prompt);
    CHECK(reply("/lang ja\n") == "ok: lang ja \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\r\n" + prompt);
    // BCP 47's form and any case.
    CHECK(reply("/lang DE-ch\n") == fmt::format("ok: lang {}\r\n", language_line(the_index().find_language("de_CH"))) +
                                        prompt);
}

TEST_CASE("/lang in JSON mode: the listing in the ok object's text", "[session_core][lang]") {
    std::vector<std::string> lines = lines_of(reply("/format json\n/lang\n"));
    REQUIRE(lines.size() == 2);
    json::value v = json::parse(lines[1]);
    CHECK(v.as_object().size() == 2);
    CHECK(v.at("ok").as_string() == "lang en English");
    const json::array& text = v.at("text").as_array();
    REQUIRE(text.size() == the_index().language_count());
    for (std::size_t l = 0; l < text.size(); ++l)
        CHECK(std::string_view(text[l].as_string()) == language_line(static_cast<mojifinder::index::language_id>(l)));
}

TEST_CASE("/lang: the session's language is the server's until /lang, and outlives its core", "[session_core][lang]") {
    // The last language in tag order: not English once the data has others.
    const auto last = static_cast<mojifinder::index::language_id>(the_index().language_count() - 1);
    const std::string ack = fmt::format("ok: lang {}\r\n", language_line(last));
    SECTION("--lang: the server's default") {
        auto settings = session_settings::for_server(false, last);
        CHECK(reply("/lang\n", nullptr, settings).ends_with(ack + prompt));
        // --classic: every line a query, whatever the language.
        CHECK(reply("/lang\n", nullptr, session_settings::for_server(true, last)) == status_line(0) + prompt);
    }
    SECTION("a default-constructed session speaks English") {
        protocol::session_core core(the_index(), default_max_line);
        CHECK(core.settings().language == the_index().english());
    }
    SECTION("/lang sets it; the next core has it") {
        protocol::session_core first(the_index(), default_max_line);
        first.start();
        std::string input = fmt::format("/lang {}\n/limit 3\n", the_index().language_tag(last));
        for (int i = 0; i < 2; ++i) {
            first.next(input, false, false);
            input.erase(0, first.consumed());
        }
        CHECK(first.quiet());
        CHECK(first.settings() == session_settings{search::mode::full, protocol::output_format::text, false, 3, last});
        CHECK(reply("/lang\n", nullptr, first.settings()) == lang_listing(last) + prompt);
    }
    SECTION("/classic on and off keep it") {
        std::string input = fmt::format("/lang {}\n/classic on\n/classic off\n/lang\n", the_index().language_tag(last));
        CHECK(reply(input).ends_with("ok: classic off\r\n" + prompt + lang_listing(last) + prompt));
    }
}

TEST_CASE("JSON mode: short and keywords in the session's language", "[session_core][lang]") {
    std::vector<std::string> lines = lines_of(reply("/format json\nU+1F431\n"));
    REQUIRE(lines.size() == 3);
    const std::string cat = "{\"cp\":\"U+1F431\",\"char\":\"\U0001F431\",\"name\":\"CAT FACE\","
                            "\"block\":\"Miscellaneous Symbols and Pictographs\",\"gc\":\"So\",\"age\":\"6.0\","
                            "\"aliases\":[],";
    CHECK(lines[1] == cat + "\"short\":\"cat face\",\"keywords\":[\"cat\",\"face\",\"pet\"]}\r\n");
    lines = lines_of(reply("/lang de\n/format json\nU+1F431\n"));
    REQUIRE(lines.size() == 4);
    CHECK(lines[2] == cat + "\"short\":\"Katzengesicht\",\"keywords\":[\"Gesicht\",\"Katze\",\"Katzengesicht\",\"Tier\"]}\r\n");
    // An identified code point without an entry has the keys too, empty.
    lines = lines_of(reply("/format json\nU+0378\n"));
    REQUIRE(lines.size() == 3);
    CHECK(lines[1] == "{\"cp\":\"U+0378\",\"char\":\"\uFFFD\",\"name\":\"<unassigned-0378>\","
                      "\"block\":\"Greek and Coptic\",\"gc\":\"Cn\",\"age\":\"\",\"aliases\":[],\"short\":\"\",\"keywords\":[]}\r\n");
    // Every language: what the index has for the entry in it.
    for (std::size_t l = 0; l < the_index().language_count(); ++l) {
        auto language = static_cast<mojifinder::index::language_id>(l);
        INFO(the_index().language_tag(language));
        lines = lines_of(reply(fmt::format("/lang {}\n/format json\nU+1F431\n", the_index().language_tag(language))));
        REQUIRE(lines.size() == 4);  // ok: lang, the format's ok, the character, the status
        json::value v = json::parse(lines[2]);
        std::string short_name;
        the_index().append_short_name(language, the_index().entry_of(U'\U0001F431'), short_name);
        CHECK(std::string_view(v.at("short").as_string()) == short_name);
        std::size_t keywords = 0;
        the_index().for_each_keyword(language, the_index().entry_of(U'\U0001F431'),
                                     [&](std::string_view) { ++keywords; });
        CHECK(v.at("keywords").as_array().size() == keywords);
    }
}

TEST_CASE("JSON mode: a sequence's object", "[session_core][lang]") {
    const auto& idx = the_index();
    REQUIRE(idx.sequences().size() == 2278);
    for (std::size_t i = 0; i < idx.sequences().size(); i += std::max<std::size_t>(1, idx.sequences().size() / 50)) {
        auto e = idx.sequences()[i];
        std::string line(idx.line(e));
        INFO(line);
        std::string out;
        protocol::json_lines::append_entry(out, idx, idx.english(), e);
        json::value v = json::parse(out);
        const json::object& o = v.as_object();
        CHECK(o.size() == 9);
        std::size_t tab = line.find('\t'), second = line.find('\t', tab + 1);
        CHECK(std::string_view(o.at("cp").as_string()) == line.substr(0, tab));
        CHECK(std::string_view(o.at("char").as_string()) == line.substr(tab + 1, second - tab - 1));
        CHECK(std::string_view(o.at("name").as_string()) == idx.name(e));
        search::character_info first = search::describe(idx, idx.code_point(e));
        CHECK(std::string_view(o.at("block").as_string()) == first.block);
        CHECK(std::string_view(o.at("gc").as_string()) == first.gc);
        CHECK(std::string_view(o.at("age").as_string()) == first.age);
        CHECK(o.at("aliases").as_array().empty());
    }
    // The example of docs/PROTOCOL.md.
    std::string out;
    protocol::json_lines::append_entry(out, idx, idx.english(), idx.entry_of(U"\U0001F469\u200D\U0001F692"));
    CHECK(out.starts_with("{\"cp\":\"U+1F469 U+200D U+1F692\",\"char\":\"\U0001F469\u200D\U0001F692\","
                          "\"name\":\"WOMAN FIREFIGHTER\","));
}

TEST_CASE("/limit and /more: exact bytes for cat face", "[session_core]") {
    const std::string& p = prompt;
    std::vector<std::string> cat = answer_lines(cat_face_answer());
    REQUIRE(cat.size() == 10);
    auto slice = [&](std::size_t from, std::size_t to) {
        std::string out;
        for (std::size_t i = from; i < to; ++i) out += cat[i];
        return out;
    };
    SECTION("in steps of 3, then nothing more") {
        CHECK(first_difference(reply("/limit 3\ncat face\n/more\n/more\n/more\n/more\n"),
                               "ok: limit 3\r\n" + p + slice(0, 3) + status_of(10, 3) + p + slice(3, 6) +
                                   status_of(10, 6) + p + slice(6, 9) + status_of(10, 9) + p + slice(9, 10) +
                                   status_line(10) + p + "error: nothing more\r\n" + p) == "");
    }
    SECTION("a limit above the count: the whole answer, as without one") {
        CHECK(reply("/limit 10\ncat face\n/more\n") ==
              "ok: limit 10\r\n" + p + cat_face_answer() + "error: nothing more\r\n" + p);
    }
    SECTION("/limit 0 before /more: all the rest") {
        CHECK(reply("/limit 4\ncat face\n/limit 0\n/more\n") == "ok: limit 4\r\n" + p + slice(0, 4) +
                                                                  status_of(10, 4) + p + "ok: limit 0\r\n" + p +
                                                                  slice(4, 10) + status_line(10) + p);
    }
    SECTION("a new query drops the rest of the last answer") {
        CHECK(reply("/limit 2\ncat face\nxyzzy\n/more\n").ends_with("error: nothing more\r\n" + p));
    }
    SECTION("a command between keeps it") {
        CHECK(reply("/limit 2\ncat face\n/version\n/help\n/more\n").ends_with(slice(2, 4) + status_of(10, 4) + p));
    }
    SECTION("the status line always begins <rule> N found") {
        for (const auto& line : lines_without_prompts(reply("/limit 1\ncat face\n/more\n/limit 5\n/more\n/more\n")))
            if (!line.starts_with("U+") && !line.starts_with("ok: ") && !line.starts_with("error: "))
                CHECK(line.starts_with(std::string(protocol::status_rule()) + " 10 found"));
    }
}

TEST_CASE("/limit and /more: the pieces add up to the whole answer", "[session_core]") {
    // Whatever the engine answers: cut into pieces, then put together, it is
    // the same answer, and each status line counts what has been sent.
    auto query = GENERATE(as<std::string>{}, "cat face", "arrow", "CJK", "xyzzy", "U+1F600", "\xF0\x9F\x98\x80",
                          "smil*", "arrow -left");
    auto limit = GENERATE(as<std::size_t>{}, 1, 3, 64, 1000);
    INFO(query << ", /limit " << limit);
    std::string whole = reply(query + "\n");
    std::vector<std::string> expected = answer_lines(whole);
    std::size_t found = expected.size();
    const std::string whole_status = lines_without_prompts(whole).back();
    if (!whole_status.starts_with(protocol::status_rule())) {
        // An error: the same error with a limit.
        CHECK(reply(fmt::format("/limit {}\n{}\n", limit, query)).ends_with(whole));
        return;
    }
    std::string input = fmt::format("/limit {}\n{}\n", limit, query);
    std::size_t replies = found == 0 ? 1 : (found + limit - 1) / limit;
    for (std::size_t i = 1; i < replies; ++i) input += "/more\n";
    input += "/more\n";
    std::string got = reply(input);
    std::vector<std::string> got_lines = lines_without_prompts(got);
    std::vector<std::string> answer;
    std::size_t statuses = 0;
    for (const auto& line : got_lines) {
        if (line.starts_with("U+")) {
            answer.push_back(line);
        } else if (line.starts_with(protocol::status_rule())) {
            ++statuses;
            std::string want = status_of(found, std::min(found, statuses * limit));
            if (found == 0) want = whole_status;
            CHECK(line == want);
        }
    }
    CHECK(statuses == replies);
    CHECK(answer == expected);
    CHECK(got.ends_with("error: nothing more\r\n" + prompt));
}

namespace {

// Feeds `lines` commands, one next() each, to a fresh core.
void feed_commands(protocol::session_core& core, std::string input, int lines) {
    core.start();
    for (int i = 0; i < lines; ++i) {
        core.next(input, false, false);
        input.erase(0, core.consumed());
    }
}

}  // namespace

TEST_CASE("a session's settings outlive its core", "[session_core]") {
    protocol::session_core first(the_index(), default_max_line);
    feed_commands(first, "/limit 3\n/format json\n", 2);
    CHECK(first.settings() ==
          session_settings{search::mode::full, protocol::output_format::json, false, 3, the_index().english()});
    CHECK(first.quiet());

    // The server hands them to the next core when the session warms up again.
    transcript t = run("cat face\n", false, default_max_line, {}, first.settings());
    std::vector<std::string> lines = lines_of(t.bytes.substr(prompt.size()));
    REQUIRE(lines.size() == 4);
    CHECK(lines.back() == "{\"found\":10,\"shown\":3}\r\n");

    SECTION("an answer left for /more is not quiet") {
        protocol::session_core core(the_index(), default_max_line, first.settings());
        core.start();
        std::string in = "cat face\n/more\n/more\n/more\n";
        std::vector<bool> quiet;
        while (!in.empty()) {
            auto s = core.next(in, false, false);
            in.erase(0, core.consumed());
            if (!core.answering()) quiet.push_back(core.quiet());
            (void)s;
        }
        CHECK(quiet == std::vector<bool>{false, false, false, true});
    }
}

TEST_CASE("hints: the status line of an empty answer says did you mean", "[session_core]") {
    auto query = GENERATE(as<std::string>{}, "xyzzy", "catt face", "snowmann", "cat xyzzy", "zzzzzzzzzz");
    INFO(query);
    search::engine engine(the_index());
    search::scratch scratch;
    engine.run(query, search::mode::full, scratch);
    REQUIRE(scratch.error().empty());
    std::string expected;
    if (scratch.found() == 0) {
        std::string hints;
        for (std::string_view h : scratch.hints()) hints += fmt::format("{}{}", hints.empty() ? "" : ", ", h);
        expected = std::string(protocol::status_rule()) + " 0 found" +
                   (hints.empty() ? "" : "; did you mean: " + hints) + "\r\n" + prompt;
        CHECK(reply(query + "\n") == expected);
    }
    // Classic: never a hint.
    CHECK(reply(query + "\n", nullptr, server_settings(true)).find("did you mean") == std::string::npos);
}

TEST_CASE("JSON mode: one object per answer line, then exactly one final object", "[session_core]") {
    auto query = GENERATE(as<std::string>{}, "cat face", "arrow", "U+1F600", "\xF0\x9F\x98\x80", "xyzzy",
                          "\xF0\x9F\x98\x80 cat face");
    INFO(query);
    std::string text = reply(query + "\n");
    std::string got = reply("/format json\n" + query + "\n");
    std::vector<std::string> lines = lines_of(got);
    REQUIRE(lines.size() >= 2);
    CHECK(lines.front() == "{\"ok\":\"format json\"}\r\n");
    lines.erase(lines.begin());
    std::vector<std::string> text_lines = answer_lines(text);
    if (text.starts_with("error: ")) {
        REQUIRE(lines.size() == 1);
        json::value v = json::parse(lines[0]);
        CHECK(v.as_object().size() == 1);
        CHECK(std::string(v.at("error").as_string()) + "\r\n" + prompt == text.substr(7));
        return;
    }
    REQUIRE(lines.size() == text_lines.size() + 1);
    for (std::size_t i = 0; i < text_lines.size(); ++i) {
        INFO(text_lines[i]);
        CHECK(lines[i].ends_with("\r\n"));
        json::value v = json::parse(lines[i]);
        const json::object& o = v.as_object();
        CHECK(o.size() == 9);
        // cp: the text line's first field; char: its second (U+FFFD for a control).
        std::vector<std::string_view> fields;
        std::string_view line(text_lines[i]);
        line.remove_suffix(2);
        for (std::size_t at = 0;;) {
            std::size_t tab = line.find('\t', at);
            fields.push_back(line.substr(at, tab - at));
            if (tab == std::string_view::npos) break;
            at = tab + 1;
        }
        REQUIRE(fields.size() == 3);
        CHECK(std::string_view(o.at("cp").as_string()) == fields[0]);
        CHECK(std::string_view(o.at("char").as_string()) == fields[1]);
        char32_t cp = static_cast<char32_t>(std::stoul(std::string(fields[0].substr(2)), nullptr, 16));
        search::character_info info = search::describe(the_index(), cp);
        CHECK(std::string_view(o.at("name").as_string()) == info.name);
        CHECK(std::string_view(o.at("block").as_string()) == info.block);
        CHECK(std::string_view(o.at("gc").as_string()) == info.gc);
        CHECK(std::string_view(o.at("age").as_string()) == info.age);
        const json::array& aliases = o.at("aliases").as_array();
        REQUIRE(aliases.size() == info.aliases.size());
        for (std::size_t k = 0; k < aliases.size(); ++k)
            CHECK(std::string_view(aliases[k].as_string()) == info.aliases[k]);
        // short and keywords: the index's, in English; "" and [] without an entry.
        std::string short_name;
        std::vector<std::string> keywords;
        if (auto e = the_index().entry_of(cp); e != mojifinder::index::no_entry) {
            the_index().append_short_name(the_index().english(), e, short_name);
            the_index().for_each_keyword(the_index().english(), e,
                                         [&](std::string_view k) { keywords.emplace_back(k); });
        }
        CHECK(std::string_view(o.at("short").as_string()) == short_name);
        std::vector<std::string> got_keywords;
        for (const auto& k : o.at("keywords").as_array()) got_keywords.emplace_back(k.as_string());
        CHECK(got_keywords == keywords);
    }
    json::value last = json::parse(lines.back());
    const json::object& status = last.as_object();
    CHECK(status.at("found").to_number<std::size_t>() == text_lines.size());
    CHECK(status.at("shown").to_number<std::size_t>() == text_lines.size());
    const std::string status_text = lines_without_prompts(text).back();
    std::size_t hint_at = status_text.find(protocol::hint_prefix);
    if (hint_at == std::string_view::npos) {
        CHECK(status.size() == 2);
        CHECK(lines.back() == fmt::format("{{\"found\":{0},\"shown\":{0}}}\r\n", text_lines.size()));
    } else {
        std::string joined;
        for (const auto& h : status.at("hint").as_array())
            joined += fmt::format("{}{}", joined.empty() ? "" : ", ", std::string_view(h.as_string()));
        std::string hints = status_text.substr(hint_at + protocol::hint_prefix.size());
        hints.resize(hints.size() - 2);
        CHECK(joined == hints);
    }
}

TEST_CASE("JSON mode: /limit, /more, the end of a session", "[session_core]") {
    SECTION("/limit and /more: found and shown") {
        std::vector<std::string> lines = lines_of(reply("/format json\n/limit 4\ncat face\n/more\n/more\n"));
        std::vector<std::string> finals;
        for (const auto& line : lines)
            if (!line.starts_with("{\"cp\"")) finals.push_back(line);
        CHECK(finals == std::vector<std::string>{"{\"ok\":\"format json\"}\r\n", "{\"ok\":\"limit 4\"}\r\n",
                                                 "{\"found\":10,\"shown\":4}\r\n", "{\"found\":10,\"shown\":8}\r\n",
                                                 "{\"found\":10,\"shown\":10}\r\n"});
        CHECK(lines.size() == finals.size() + 10);
    }
    SECTION("/help: the text in the ok object") {
        std::vector<std::string> lines = lines_of(reply("/format json\n/help\n"));
        REQUIRE(lines.size() == 2);
        json::value v = json::parse(lines[1]);
        CHECK(v.at("ok").as_string() == "help");
        const json::array& text = v.at("text").as_array();
        REQUIRE(text.size() == protocol::help_lines().size());
        for (std::size_t i = 0; i < text.size(); ++i)
            CHECK(std::string_view(text[i].as_string()) == protocol::help_lines()[i]);
    }
    SECTION("shutting down in the middle of a huge answer") {
        protocol::session_core core(the_index(), default_max_line);
        core.start();
        std::string input = "/format json\nCJK\n";
        std::string out;
        protocol::step s;
        for (std::size_t steps = 0; steps < 100000; ++steps) {
            s = core.next(input, false, steps > 3);
            append_out(out, s);
            input.erase(0, core.consumed());
            if (s.kind != protocol::step_kind::write) break;
        }
        CHECK(s.kind == protocol::step_kind::close);
        CHECK(out.ends_with("}\r\n{\"error\":\"server shutting down\"}\r\n"));
        std::vector<std::string> lines = lines_of(out);
        REQUIRE(lines.size() >= 3);
        json::value status = json::parse(lines[lines.size() - 2]);
        CHECK(status.at("found") == status.at("shown"));
        CHECK(lines.size() == 1 + status.at("found").to_number<std::size_t>() + 2);
    }
    SECTION("the idle timeout") {
        protocol::session_core core(the_index(), default_max_line);
        core.start();
        core.next("/format json\n", false, false);
        std::string out;
        append_out(out, core.idle_timeout());
        CHECK(out == "{\"error\":\"idle timeout\"}\r\n");
    }
}

TEST_CASE("docs/PROTOCOL.md's examples of the query language", "[session_core]") {
    // Each row is a row of the table in "Version 2: the query language":
    // the query, the first and last answer lines (or the error line), how
    // many lines, and the status line after its rule.
    auto [query, first, last, found, status] =
        GENERATE(table<std::string, std::string, std::string, std::size_t, std::string>({
            {"cat face", "U+1F431\t\U0001F431\tCAT FACE", "U+1F640\t\U0001F640\tWEARY CAT FACE", 10, " 10 found"},
            {"smil* cat", "U+1F638\t\U0001F638\tGRINNING CAT FACE WITH SMILING EYES",
             "U+1F63C\t\U0001F63C\tCAT FACE WITH WRY SMILE", 4, " 4 found"},
            {"snowman -black", "U+2603\t\u2603\tSNOWMAN", "U+26C4\t\u26C4\tSNOWMAN WITHOUT SNOW", 2, " 2 found"},
            {"arrow -left", "U+034E\t\u034E\tCOMBINING UPWARDS ARROW BELOW",
             "U+2CB64\t\U0002CB64\tCJK UNIFIED IDEOGRAPH-2CB64", 548, " 548 found"},
            {"\"black chess\" king", "U+265A\t\u265A\tBLACK CHESS KING",
             "U+1FA39\t\U0001FA39\tBLACK CHESS KING ROTATED TWO HUNDRED SEVENTY DEGREES", 4, " 4 found"},
            {"U+1F600", "U+1F600\t\U0001F600\tGRINNING FACE", "U+1F600\t\U0001F600\tGRINNING FACE", 1, " 1 found"},
            {"U+2190..U+2193", "U+2190\t\u2190\tLEFTWARDS ARROW", "U+2193\t\u2193\tDOWNWARDS ARROW", 4, " 4 found"},
            {"U+0378", "U+0378\t\uFFFD\t<unassigned-0378>", "U+0378\t\uFFFD\t<unassigned-0378>", 1, " 1 found"},
            {"\U0001F600", "U+1F600\t\U0001F600\tGRINNING FACE", "U+1F600\t\U0001F600\tGRINNING FACE", 1, " 1 found"},
            {"caf\u00E9", "U+0063\tc\tLATIN SMALL LETTER C", "U+00E9\t\u00E9\tLATIN SMALL LETTER E WITH ACUTE", 4,
             " 4 found"},
            {"\U0001F600 snowman", "U+1F600\t\U0001F600\tGRINNING FACE", "U+26C7\t\u26C7\tBLACK SNOWMAN", 4,
             " 4 found"},
            {"block:emoticons cat", "U+1F638\t\U0001F638\tGRINNING CAT FACE WITH SMILING EYES",
             "U+1F640\t\U0001F640\tWEARY CAT FACE", 9, " 9 found"},
            {"script:greek omega small", "U+03C9\t\u03C9\tGREEK SMALL LETTER OMEGA",
             "U+AB65\t\uAB65\tGREEK LETTER SMALL CAPITAL OMEGA", 26, " 26 found"},
            {"gc:Sm arrow double", "U+21CE\t\u21CE\tLEFT RIGHT DOUBLE ARROW WITH STROKE",
             "U+2B3D\t\u2B3D\tLEFTWARDS TWO-HEADED ARROW WITH TAIL WITH DOUBLE VERTICAL STROKE", 28, " 28 found"},
            {"age:15.0 face", "U+1FAE8\t\U0001FAE8\tSHAKING FACE", "U+1FAE8\t\U0001FAE8\tSHAKING FACE", 1, " 1 found"},
            {"emoji:yes cat", "U+1F408\t\U0001F408\tCAT", "U+1F640\t\U0001F640\tWEARY CAT FACE", 12, " 12 found"},
            // Keywords and sequences (issue 10), in English.
            {"laugh", "U+3582\t\u3582\tCJK UNIFIED IDEOGRAPH-3582", "U+2A85B\t\U0002A85B\tCJK UNIFIED IDEOGRAPH-2A85B", 39, " 39 found"},
            {"red heart", "U+2764\t\u2764\tHEAVY BLACK HEART", "U+2764\t\u2764\tHEAVY BLACK HEART", 1, " 1 found"},
            {"firefighter", "U+1F468 U+200D U+1F692\t\U0001F468\u200D\U0001F692\tMAN FIREFIGHTER",
             "U+1F9D1 U+200D U+1F692\t\U0001F9D1\u200D\U0001F692\tFIREFIGHTER", 3, " 3 found"},
            {"firefighter dark", "U+1F468 U+1F3FE U+200D U+1F692\t\U0001F468\U0001F3FE\u200D\U0001F692\tMAN FIREFIGHTER: MEDIUM-DARK SKIN TONE",
             "U+1F9D1 U+1F3FF U+200D U+1F692\t\U0001F9D1\U0001F3FF\u200D\U0001F692\tFIREFIGHTER: DARK SKIN TONE", 6, " 6 found"},
            {"japan", "U+3B64\t\u3B64\tCJK UNIFIED IDEOGRAPH-3B64", "U+1F5FE\t\U0001F5FE\tSILHOUETTE OF JAPAN", 6, " 6 found"},
            {"\U0001F469\u200D\U0001F692", "U+1F469 U+200D U+1F692\t\U0001F469\u200D\U0001F692\tWOMAN FIREFIGHTER",
             "U+1F692\t\U0001F692\tFIRE ENGINE", 4, " 4 found"},
            {"gha", "U+01A2\t\u01A2\tLATIN CAPITAL LETTER OI", "U+16F28\t\U00016F28\tMIAO LETTER GHA", 55, " 55 found"},
            // Informal aliases and Unihan (issue 13).
            {"shift", "U+21B9\t\u21B9\tLEFTWARDS ARROW TO BAR OVER RIGHTWARDS ARROW TO BAR", "U+9077\t\u9077\tCJK UNIFIED IDEOGRAPH-9077", 18, " 18 found"},
            {"command key", "U+2318\t\u2318\tPLACE OF INTEREST SIGN", "U+2318\t\u2318\tPLACE OF INTEREST SIGN", 1, " 1 found"},
            {"\"paragraph sign\"", "U+00B6\t\u00B6\tPILCROW SIGN", "U+2761\t\u2761\tCURVED STEM PARAGRAPH SIGN ORNAMENT", 2, " 2 found"},
            {"water", "U+2635\t\u2635\tTRIGRAM FOR WATER", "U+31307\t\U00031307\tCJK UNIFIED IDEOGRAPH-31307", 336, " 336 found"},
            {"pinyin:shui", "U+3968\t\u3968\tCJK UNIFIED IDEOGRAPH-3968", "U+29A5E\t\U00029A5E\tCJK UNIFIED IDEOGRAPH-29A5E", 35, " 35 found"},
            {"shu\u01D0", "U+6C34\t\u6C34\tCJK UNIFIED IDEOGRAPH-6C34", "U+26659\t\U00026659\tCJK UNIFIED IDEOGRAPH-26659", 8, " 8 found"},
            {"shui3", "U+6C34\t\u6C34\tCJK UNIFIED IDEOGRAPH-6C34", "U+26659\t\U00026659\tCJK UNIFIED IDEOGRAPH-26659", 8, " 8 found"},
            {"kun:mizu", "U+6C34\t\u6C34\tCJK UNIFIED IDEOGRAPH-6C34", "U+745E\t\u745E\tCJK UNIFIED IDEOGRAPH-745E", 3, " 3 found"},
            {"vietnamese:thu\u1EF7", "U+59CB\t\u59CB\tCJK UNIFIED IDEOGRAPH-59CB", "U+6C34\t\u6C34\tCJK UNIFIED IDEOGRAPH-6C34", 2, " 2 found"},
            {"water -pinyin:shui", "U+2635\t\u2635\tTRIGRAM FOR WATER", "U+31307\t\U00031307\tCJK UNIFIED IDEOGRAPH-31307", 333, " 333 found"},
            {"pinyin:", "error: pinyin: needs a reading, e.g. pinyin:shui", "", 0, ""},
            {"xyzzy", "", "", 0, " 0 found; did you mean: dizzy, zzy"},
            {"U+ZZZZ", "error: 'U+ZZZZ' is not a code point: write U+ and hex digits, e.g. U+1F600 or U+2190..U+21FF",
             "", 0, ""},
            {"-cat", "error: only exclusions: add a word to search for, e.g. arrow -left", "", 0, ""},
            {"\"black chess", "error: unclosed '\"' in the query: close the phrase, e.g. \"black chess\"", "", 0, ""},
            // The examples of issue 9, each kind of term alone.
            {"smil*", "U+2323\t\u2323\tSMILE", "U+2CE8C\t\U0002CE8C\tCJK UNIFIED IDEOGRAPH-2CE8C", 49, " 49 found"},
            {"arrow -left -right", "U+034E\t\u034E\tCOMBINING UPWARDS ARROW BELOW", "U+2CB64\t\U0002CB64\tCJK UNIFIED IDEOGRAPH-2CB64", 505, " 505 found"},
            {"\"black chess\"", "U+265A\t\u265A\tBLACK CHESS KING", "U+1FA53\t\U0001FA53\tBLACK CHESS KNIGHT-BISHOP", 33, " 33 found"},
            {"u+1f600", "U+1F600\t\U0001F600\tGRINNING FACE", "U+1F600\t\U0001F600\tGRINNING FACE", 1, " 1 found"},
            {"0x1F600", "U+1F600\t\U0001F600\tGRINNING FACE", "U+1F600\t\U0001F600\tGRINNING FACE", 1, " 1 found"},
            {"U+2190..U+21FF double", "U+21CD\t\u21CD\tLEFTWARDS DOUBLE ARROW WITH STROKE", "U+21FC\t\u21FC\tLEFT RIGHT ARROW WITH DOUBLE VERTICAL STROKE", 20, " 20 found"},
            {"block:arrows", "U+2190\t\u2190\tLEFTWARDS ARROW", "U+21FF\t\u21FF\tLEFT RIGHT OPEN-HEADED ARROW", 112, " 112 found"},
            {"script:greek", "U+0370\t\u0370\tGREEK CAPITAL LETTER HETA", "U+1D245\t\U0001D245\tGREEK MUSICAL LEIMMA", 518, " 518 found"},
            {"gc:math_symbol", "U+002B\t+\tPLUS SIGN", "U+1EEF1\t\U0001EEF1\tARABIC MATHEMATICAL OPERATOR HAH WITH DAL", 948, " 948 found"},
            {"gc:S", "U+0024\t$\tDOLLAR SIGN", "U+1FBCA\t\U0001FBCA\tWHITE UP-POINTING CHEVRON", 8251, " 8251 found"},
            {"age:15.0", "U+0CF3\t\u0CF3\tKANNADA SIGN COMBINING ANUSVARA ABOVE RIGHT", "U+323AF\t\U000323AF\tCJK UNIFIED IDEOGRAPH-323AF", 4489, " 4489 found"},
            {"emoji:yes", "U+0023\t#\tNUMBER SIGN", "U+1FAF8\t\U0001FAF8\tRIGHTWARDS PUSHING HAND", 1917, " 1917 found"},
            {"\u2192\u2190", "U+2192\t\u2192\tRIGHTWARDS ARROW", "U+2190\t\u2190\tLEFTWARDS ARROW", 2, " 2 found"},
            {"U+E000", "U+E000\t\uE000\t<private-use-E000>", "U+E000\t\uE000\t<private-use-E000>", 1, " 1 found"},
            {"U+0085", "U+0085\t\uFFFD\t<control-0085>", "U+0085\t\uFFFD\t<control-0085>", 1, " 1 found"},
            {"zwj", "U+200D\t\u200D\tZERO WIDTH JOINER", "U+16B67\t\U00016B67\tPAHAWH HMONG SIGN ZWJ THAJ", 2, " 2 found"},
            {"nbsp", "U+00A0\t\u00A0\tNO-BREAK SPACE", "U+00A0\t\u00A0\tNO-BREAK SPACE", 1, " 1 found"},
            {"byte order mark", "U+FEFF\t\uFEFF\tZERO WIDTH NO-BREAK SPACE", "U+FEFF\t\uFEFF\tZERO WIDTH NO-BREAK SPACE", 1, " 1 found"},
            {"snowmam", "", "", 0, " 0 found; did you mean: snowman"},
            {"smiel", "", "", 0, " 0 found; did you mean: smile, small, gimel"},
            {"*", "error: a bare '*' matches everything; add letters before it: smil*", "", 0, ""},
            {"block:arows", "error: unknown block 'arows'; did you mean: arrows", "", 0, ""},
            {"colour:red", "error: unknown property 'colour'; properties are block, script, gc, age, emoji; readings are pinyin, cantonese, kun, on, korean, vietnamese", "", 0, ""},
        }));
    INFO(query);
    std::vector<std::string> lines = lines_without_prompts(reply(query + "\n"));
    for (auto& line : lines) line.resize(line.size() - 2);  // CR LF
    if (first.starts_with("error: ")) {
        CHECK(lines == std::vector<std::string>{first});
        return;
    }
    REQUIRE(lines.size() == found + 1);
    if (found > 0) {
        CHECK(lines.front() == first);
        CHECK(lines[found - 1] == last);
    }
    CHECK(lines.back() == std::string(protocol::status_rule()) + status);
}

TEST_CASE("the answer cache: a kept answer is what the session sends", "[session_core][answer_cache]") {
    protocol::answer_cache cache(16);
    const std::array<std::string_view, 1> fake = {"FAKE\r\n"};
    SECTION("a kept reply cut by /limit: /more searches again and goes on after it") {
        session_settings settings = server_settings(false);
        settings.limit = 3;
        cache.store(settings, "cat face", fake, 10, 3);
        protocol::session_core core(the_index(), default_max_line, settings, &cache);
        core.start();
        std::string out;
        protocol::step s = core.next("cat face\n", false, false);
        append_out(out, s);
        CHECK(out == "FAKE\r\n" + prompt);
        CHECK(s.found == 10);
        CHECK_FALSE(core.quiet());  // a /more is pending
        out.clear();
        append_out(out, core.next("/more\n", false, false));
        // What a session with no cache sends for that /more: lines 4 to 6.
        protocol::session_core searched(the_index(), default_max_line, settings);
        searched.start();
        searched.next("cat face\n", false, false);
        std::string expected;
        append_out(expected, searched.next("/more\n", false, false));
        CHECK(expected.ends_with(" 10 found, 6 shown\r\n" + prompt));
        CHECK(out == expected);
    }
    SECTION("text: the kept bytes as they are, then the prompt; the step says what was answered") {
        session_settings settings = server_settings(false);
        cache.store(settings, "cat face", fake, 7, 7);
        protocol::session_core core(the_index(), default_max_line, settings, &cache);
        core.start();
        protocol::step s = core.next("cat face\n", false, false);
        REQUIRE(s.out.size() == 2);
        CHECK(s.out[0] == "FAKE\r\n");
        CHECK(s.out[1] == prompt);
        // The cache's own bytes, not a copy, held even when the entry is replaced.
        CHECK(s.out[0].data() == cache.find(settings, "cat face")->bytes.data());
        const std::array<std::string_view, 1> other = {"OTHER\r\n"};
        cache.store(settings, "cat face", other, 8, 8);
        REQUIRE(cache.find(settings, "cat face")->bytes == "OTHER\r\n");
        CHECK(s.out[0] == "FAKE\r\n");
        CHECK(s.kind == protocol::step_kind::write);
        CHECK(s.what == protocol::event::answered);
        CHECK(s.query == "cat face");
        CHECK(s.found == 7);
        CHECK_FALSE(s.query_error);
        CHECK(s.kept);
        CHECK(core.quiet());
        // Another query is searched, and kept for the next time.
        protocol::step searched = core.next("chess black\n", false, false);
        CHECK(searched.what == protocol::event::answered);
        CHECK_FALSE(searched.kept);
        CHECK(cache.size() == 2);
        CHECK(core.next("chess black\n", false, false).kept);
        // Nothing more to show.
        std::string out;
        append_out(out, core.next("/more\n", false, false));
        CHECK(out == "error: nothing more\r\n" + prompt);
    }
    SECTION("a session told to stop answers no query, kept or not") {
        session_settings settings = server_settings(false);
        cache.store(settings, "cat face", fake, 7, 7);
        protocol::session_core core(the_index(), default_max_line, settings, &cache);
        core.start();
        protocol::step s = core.next("cat face\n", false, true);
        std::string out;
        append_out(out, s);
        CHECK(out == shutdown_error);
        CHECK(s.kind == protocol::step_kind::close);
        CHECK(s.what == protocol::event::shutdown);
    }
    SECTION("JSON: the kept objects, no prompt") {
        session_settings settings = server_settings(false);
        settings.format = protocol::output_format::json;
        const std::array<std::string_view, 1> objects = {"{\"found\":7}\n"};
        cache.store(settings, "cat face", objects, 7, 7);
        protocol::session_core core(the_index(), default_max_line, settings, &cache);
        core.start();
        std::string out;
        append_out(out, core.next("cat face\n", false, false));
        CHECK(out == "{\"found\":7}\n");
    }
}

TEST_CASE("the answer cache: what a session keeps, and what it never keeps", "[session_core][answer_cache]") {
    // Each input through a session with no cache, then twice through one
    // with a cache: the same bytes, and `kept` entries afterwards.
    auto [input, kept] = GENERATE(table<std::string, std::size_t>({
        {"cat face\n", 1},
        {"cat face\ncat face\nCAT FACE\n", 2},
        {"/format json\ncat face\n", 1},
        {"/lang de\nKatze\ncat face\n", 2},
        {"/why on\nchess black\n", 1},
        {"/sort relevance\ncat face\n", 1},
        // 55 lines in relevance order: a run each, more than one step's
        // pieces, so the answer leaves in two steps.
        {"/sort relevance\narrow left\n", 0},
        {"/readings on\nshui\n", 1},
        // Cut by /limit: kept with both counts; /more then searches again.
        {"/limit 3\ncat face\n/more\n", 1},
        {"/limit 3\ncat face\n/more\n/more\n/more\n/more\n", 1},
        {"/limit 3\ncat face\n/lang de\n/sort relevance\n/more\ncat face\n/more\n", 2},
        {"/sort relevance\n/limit 5\nheart\n/more\n/more\n", 1},
        {"/format json\n/limit 2\nchess black\n/more\n", 1},
        {"/why on\n/limit 4\narrow left\n/more\n", 1},
        {"/limit 1\n\xF0\x9F\x90\xB1 U+1F408\n/more\n/more\n", 1},  // identified lines
        {"/limit 30\ncat face\n", 1},                   // not cut
        {"arrow\n", 0},                                  // over max_answer
        {"block:arows\n", 0},                            // an error
        {"xyzzy\n", 1},                                  // none found, with hints
        {"\xF0\x9F\x90\xB1\n", 1},                    // pasted: identified
        {std::string(protocol::answer_cache::max_query + 1, 'x') + "\n", 0},
    }));
    CAPTURE(input);
    std::string expected = run(input, false).bytes;
    protocol::answer_cache cache(64);
    for (int pass = 0; pass < 2; ++pass) {
        CAPTURE(pass);
        CHECK(first_difference(run(input, false, default_max_line, {}, {}, &cache).bytes, expected) == "");
        CHECK(cache.size() == kept);
    }
}

TEST_CASE("a warm session answers text queries without allocating", "[session_core]") {
    if (!counting_allocations) {
        WARN("a sanitizer build: allocations are not counted");
        return;
    }
    auto query = GENERATE(as<std::string_view>{}, "cat face\n", "arrow left\n", "CJK\n", "smil* cat\n",
                          "snowman -black\n", "U+1F600\n", "U+2190..U+21FF\n", "\xF0\x9F\x98\x80 snowman\n",
                          "block:emoticons cat\n");
    INFO(query);
    auto settings = GENERATE(session_settings{}, server_settings(true),
                             session_settings{search::mode::full, protocol::output_format::text, false, 3});
    // With an answer cache, a kept answer is copied into the core's buffer,
    // which grows to it the first time.
    bool cached = GENERATE(false, true);
    INFO((cached ? "with an answer cache" : "no answer cache"));
    protocol::answer_cache cache(16);
    protocol::session_core core(the_index(), default_max_line, settings, cached ? &cache : nullptr);
    core.start();
    // Asks `query`, and /more when an answer is cut; returns the bytes handed out.
    auto ask = [&](std::string_view input) {
        std::size_t bytes = 0;
        for (std::size_t steps = 0; steps < 100000; ++steps) {
            protocol::step s = core.next(input, false, false);
            input.remove_prefix(core.consumed());
            for (std::string_view piece : s.out) bytes += piece.size();
            if (s.kind != protocol::step_kind::write) break;
        }
        return bytes;
    };
    std::size_t first = ask(query);
    if (settings.limit != 0) first += ask("/more\n");
    if (cached) ask(query);
    std::size_t before = heap_allocations;
    std::size_t second = ask(query);
    if (settings.limit != 0) second += ask("/more\n");
    CHECK(heap_allocations - before == 0);
    CHECK(second == first);
}

TEST_CASE("each command's step says so, for the log", "[session_core]") {
    auto [input, what, query, closes] = GENERATE(table<std::string, protocol::event, std::string, bool>({
        {"/limit 3\n", protocol::event::command, "/limit 3", false},
        {"  /bogus x \r\n", protocol::event::command, "/bogus x", false},
        {"/more\n", protocol::event::command, "/more", false},
        {"/format json\n", protocol::event::command, "/format json", false},
        {"/quit\n", protocol::event::quit, "/quit", true},
        {"//x\n", protocol::event::answered, "/x", false},
    }));
    INFO(input);
    protocol::session_core core(the_index(), default_max_line);
    core.start();
    auto s = core.next(input, false, false);
    CHECK(static_cast<int>(s.what) == static_cast<int>(what));
    CHECK(s.query == query);
    CHECK((s.kind == protocol::step_kind::close) == closes);
}

TEST_CASE("a scattered answer is streamed whole: every line once, in order, under /limit and /more too",
          "[session_core]") {
    // Thousands of short runs: after its first write the core copies the
    // lines into one buffer per step (copy_text) instead of a piece per run.
    auto query = GENERATE(as<std::string>{}, "a*", "gc:Sm", "letter -small", "\xF0\x9F\x98\x80 a*", "arrow");
    INFO(query);
    search::engine engine(the_index());
    search::scratch s;
    engine.run(query, search::mode::full, s);
    REQUIRE(s.error().empty());
    std::string lines;
    for (search::run r; s.next(r);) {
        if (r.identified())
            search::append_identified_line(lines, the_index(), r.code_point);
        else
            lines += the_index().lines(r.first, r.last);
    }
    const std::size_t found = s.found();
    CHECK(reply(query + "\n") == lines + status_line(found) + prompt);

    // The same lines in pages of 700 (each page several steps), then the rest.
    std::string paged = reply("/limit 700\n" + query + "\n/more\n/more\n/limit 0\n/more\n");
    std::string expected = "ok: limit 700\r\n" + std::string(prompt);
    std::size_t at = 0, shown = 0;
    for (std::size_t page : {std::size_t{700}, std::size_t{700}, std::size_t{700}, found}) {
        std::size_t take = std::min(page, found - shown);
        if (page == found) expected += "ok: limit 0\r\n" + std::string(prompt);
        if (take == 0) {
            expected += "error: nothing more\r\n" + std::string(prompt);
            continue;
        }
        std::size_t end = at;
        for (std::size_t k = 0; k < take; ++k) end = lines.find("\r\n", end) + 2;
        shown += take;
        expected += lines.substr(at, end - at) + std::string(protocol::status_rule()) +
                    (shown == found ? fmt::format(" {} found\r\n", found)
                                    : fmt::format(" {} found, {} shown\r\n", found, shown)) +
                    std::string(prompt);
        at = end;
    }
    CHECK(paged == expected);
}

TEST_CASE("/readings: bare words match Unihan readings only while it is on", "[session_core][issue13]") {
    const std::string& p = prompt;
    auto line = [](char32_t cp) { return std::string(the_index().line(the_index().entry_of(cp))); };
    // kJapaneseKun MIZU: 水 U+6C34, 瀣 U+7023, 瑞 U+745E.
    const std::string mizu = line(0x6C34) + line(0x7023) + line(0x745E) + status_line(3);
    CHECK(reply("kun:mizu\n") == mizu + p);
    CHECK(reply("mizu\n") == status_line(0) + p);
    CHECK(reply("/readings on\nmizu\n/readings off\nmizu\n") ==
          "ok: readings on\r\n" + p + mizu + p + "ok: readings off\r\n" + p + status_line(0) + p);
    // A session's settings: /classic starts afresh, readings off.
    CHECK(reply("/readings on\n/classic on\n/classic off\nmizu\n") ==
          "ok: readings on\r\n" + p + "ok: classic on\r\n" + p + "ok: classic off\r\n" + p + status_line(0) + p);
    // Toned and scoped readings need no /readings.
    CHECK(reply("shui3\n").find(line(0x6C34)) == 0);
}

// --- /sort and /why (issue 13) ---------------------------------------------------

TEST_CASE("/sort and /why: exact bytes of each reply", "[session_core][relevance]") {
    const std::string& p = prompt;
    auto [input, expected] = GENERATE_COPY(table<std::string, std::string>({
        {"/sort relevance\n", "ok: sort relevance\r\n" + p},
        {"/SORT Relevance \r\n", "ok: sort relevance\r\n" + p},
        {"/sort code\n", "ok: sort code\r\n" + p},
        {"/sort\n", "error: /sort takes relevance or code\r\n" + p},
        {"/sort best\n", "error: /sort takes relevance or code\r\n" + p},
        {"/sort code relevance\n", "error: /sort takes relevance or code\r\n" + p},
        {"/why on\n", "ok: why on\r\n" + p},
        {"/why off\n", "ok: why off\r\n" + p},
        {"/why\n", "error: /why takes on or off\r\n" + p},
        {"/why yes\n", "error: /why takes on or off\r\n" + p},
        {"/format json\n/sort relevance\n/why on\n/sort x\n/why x\n",
         "{\"ok\":\"format json\"}\r\n{\"ok\":\"sort relevance\"}\r\n{\"ok\":\"why on\"}\r\n"
         "{\"error\":\"/sort takes relevance or code\"}\r\n{\"error\":\"/why takes on or off\"}\r\n"},
    }));
    INFO(input);
    CHECK(first_difference(reply(input), expected) == "");
}

TEST_CASE("/sort relevance and /why on: exact answers", "[session_core][relevance]") {
    const std::string& p = prompt;
    SECTION("cat, ranked, /limit and /more reading on in the same order") {
        CHECK(first_difference(reply("/sort relevance\n/limit 3\ncat\n/more\n"),
                               "ok: sort relevance\r\n" + p + "ok: limit 3\r\n" + p +
                                   "U+1F408\t\xF0\x9F\x90\x88\tCAT\r\n"
                                   "U+1F408 U+200D U+2B1B\t\xF0\x9F\x90\x88\xE2\x80\x8D\xE2\xAC\x9B\tBLACK CAT\r\n"
                                   "U+1F431\t\xF0\x9F\x90\xB1\tCAT FACE\r\n" +
                                   status_of(24, 3) + p +
                                   "U+A2B6\t\xEA\x8A\xB6\tYI SYLLABLE CAT\r\n"
                                   "U+CC41\t\xEC\xB1\x81\tHANGUL SYLLABLE CAT\r\n"
                                   "U+1F63E\t\xF0\x9F\x98\xBE\tPOUTING CAT FACE\r\n" +
                                   status_of(24, 6) + p) == "");
    }
    SECTION("/why on: a TAB and the weakest match before CR LF; identified lines as they are") {
        CHECK(first_difference(reply("/why on\n/limit 2\npet\n\xE2\x86\x92 red heart\n"),
                               "ok: why on\r\n" + p + "ok: limit 2\r\n" + p +
                                   "U+D3B1\t\xED\x8E\xB1\tHANGUL SYLLABLE PET\tname: HANGUL SYLLABLE PET\r\n"
                                   "U+1682A\t\xF0\x96\xA0\xAA\tBAMUM LETTER PHASE-A PET\tname: BAMUM LETTER PHASE-A PET\r\n" +
                                   status_of(9, 2) + p +
                                   "U+2192\t\xE2\x86\x92\tRIGHTWARDS ARROW\r\n"
                                   "U+2764\t\xE2\x9D\xA4\tHEAVY BLACK HEART\tkeyword: red heart\r\n" +
                                   status_line(2) + p) == "");
    }
    SECTION("/why on, relevance: the keyword match after the names") {
        std::string got = reply("/why on\n/sort relevance\n/limit 3\npet\n");
        CHECK(got.find("U+1F407\t\xF0\x9F\x90\x87\tRABBIT\tkeyword: pet\r\n") != std::string::npos);
    }
    SECTION("JSON mode, /why on: \"match\" in each object; off: none") {
        std::string got = reply("/format json\n/why on\nU+1F431 cat\n/why off\nU+1F431 cat\n");
        std::vector<std::string> lines = lines_of(got);
        REQUIRE(lines.size() == 7);
        CHECK(lines[2] ==
              "{\"cp\":\"U+1F431\",\"char\":\"\xF0\x9F\x90\xB1\",\"name\":\"CAT FACE\",\"block\":\"Miscellaneous Symbols and "
              "Pictographs\",\"gc\":\"So\",\"age\":\"6.0\",\"aliases\":[],\"short\":\"cat face\",\"keywords\":[\"cat\","
              "\"face\",\"pet\"],\"match\":[{\"term\":\"cat\",\"field\":\"name\",\"text\":\"CAT FACE\"}]}\r\n");
        CHECK(lines[5].find("\"match\"") == std::string::npos);
        CHECK(lines[5].starts_with("{\"cp\":\"U+1F431\""));
    }
    SECTION("JSON mode, /why on: identified text matched no term") {
        std::string got = reply("/format json\n/why on\n\xE2\x86\x92\xEE\x80\x80\n");
        CHECK(got.find("\"right-pointing arrow\"],\"match\":[]}\r\n") != std::string::npos);
        CHECK(got.find("<private-use-E000>\",\"block\":\"Private Use Area\",\"gc\":\"Co\",\"age\":\"1.1\",\"aliases\":[],"
                       "\"short\":\"\",\"keywords\":[],\"match\":[]}\r\n") != std::string::npos);
    }
    SECTION("the settings outlive the core; /classic starts afresh") {
        protocol::session_core core(the_index(), default_max_line);
        feed_commands(core, "/sort relevance\n/why on\n", 2);
        CHECK(core.settings().sort == search::order::relevance);
        CHECK(core.settings().why);
        CHECK(reply("/sort relevance\n/why on\n/classic on\n/classic off\ncat face\n") ==
              "ok: sort relevance\r\n" + p + "ok: why on\r\n" + p + "ok: classic on\r\n" + p + "ok: classic off\r\n" +
                  p + cat_face_answer());
    }
    SECTION("classic mode: /sort and /why are queries, as in v1") {
        CHECK(reply("/sort relevance\n/why on\n", nullptr, server_settings(true)) ==
              status_line(0) + prompt + status_line(0) + prompt);
    }
}
