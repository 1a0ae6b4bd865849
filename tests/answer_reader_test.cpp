// protocol::answer_reader fed exact server bytes, whole and in chunks of every
// size down to one byte: the items it yields must not depend on the chunking.
#include "answer_reader.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <ostream>
#include <string>
#include <vector>

using mojifinder::protocol::answer_reader;
using mojifinder::protocol::server_item;
using mojifinder::protocol::server_item_kind;
using mojifinder::testing::status_line;

namespace {

// A server_item with its own copies of the bytes (the reader's views die at the next feed).
struct record {
    server_item_kind kind;
    std::string line;
    std::string text;
    std::size_t count = 0;
    bool failed = false;
    bool operator==(const record&) const = default;
};

std::ostream& operator<<(std::ostream& os, const record& r) {
    constexpr const char* names[] = {"need_more", "prompt", "match",  "status",   "error",
                                     "answer_end", "closed", "truncated", "malformed"};
    return os << fmt::format("{{{} line={:?} text={:?} count={} failed={}}}",
                             names[static_cast<int>(r.kind)], r.line, r.text, r.count, r.failed);
}

record prompt() { return {server_item_kind::prompt, "?> ", ""}; }
record match(std::string line) { return {server_item_kind::match, std::move(line), ""}; }
record status(std::size_t n) { return {server_item_kind::status, status_line(n), "", n}; }
record error(std::string message) {
    return {server_item_kind::error, "error: " + message + "\r\n", message};
}
record end(std::size_t n) { return {server_item_kind::answer_end, "", "", n}; }
record end_failed() { return {server_item_kind::answer_end, "", "", 0, true}; }
record closed() { return {server_item_kind::closed, "", ""}; }
record truncated(std::string why) { return {server_item_kind::truncated, "", std::move(why)}; }
record malformed(std::string why) { return {server_item_kind::malformed, "", std::move(why)}; }

bool is_final(server_item_kind k) {
    return k == server_item_kind::closed || k == server_item_kind::truncated || k == server_item_kind::malformed;
}

// Feeds `bytes` in chunks of `chunk` bytes, taking every item after each
// feed; then, with `eof`, finishes and takes the rest up to the final item.
std::vector<record> read_all(std::string_view bytes, std::size_t chunk, bool eof) {
    answer_reader reader;
    std::vector<record> items;
    auto drain = [&] {
        for (int guard = 0; guard < 1'000'000; ++guard) {
            server_item item = reader.next();
            if (item.kind == server_item_kind::need_more) return;
            items.push_back({item.kind, std::string(item.line), std::string(item.text), item.count, item.failed});
            if (is_final(item.kind)) {
                // Nothing can follow: the same item again, and again.
                server_item again = reader.next();
                CHECK(again.kind == item.kind);
                CHECK(again.text == items.back().text);
                return;
            }
        }
        FAIL("the reader never asked for more");
    };
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        if (!items.empty() && is_final(items.back().kind)) break;
        reader.feed(bytes.substr(at, chunk));
        drain();
    }
    if (eof && (items.empty() || !is_final(items.back().kind))) {
        reader.finish();
        drain();
    }
    return items;
}

const std::string cat_face = "U+1F431\t\U0001F431\tCAT FACE\r\n";
const std::string grinning = "U+1F638\t\U0001F638\tGRINNING CAT FACE WITH SMILING EYES\r\n";
const std::string letter_a = "U+0041\tA\tLATIN CAPITAL LETTER A\r\n";

}  // namespace

TEST_CASE("answer_reader: well-formed sessions", "[answer_reader]") {
    struct row {
        const char* what;
        std::string bytes;
        bool eof;
        std::vector<record> items;
    };
    auto r = GENERATE_COPY(values<row>({
        {"a prompt alone", "?> ", false, {prompt()}},
        {"an answer and the next prompt", "?> " + cat_face + grinning + status_line(2) + "?> ", false,
         {prompt(), match(cat_face), match(grinning), status(2), end(2), prompt()}},
        {"no match", "?> " + status_line(0) + "?> ", false, {prompt(), status(0), end(0), prompt()}},
        {"a blank line's answer: the prompt again", "?> ?> ", false, {prompt(), prompt()}},
        {"an error, then the session goes on", "?> error: query is not valid UTF-8\r\n?> ", false,
         {prompt(), error("query is not valid UTF-8"), end_failed(), prompt()}},
        {"two answers in a row", "?> " + letter_a + status_line(1) + "?> " + status_line(0) + "?> ", false,
         {prompt(), match(letter_a), status(1), end(1), prompt(), status(0), end(0), prompt()}},
        {"4-, 5- and 6-digit code points",
         "?> U+00E9\t\u00E9\tLATIN SMALL LETTER E WITH ACUTE\r\nU+E0001\t\U000E0001\tLANGUAGE TAG\r\n"
         "U+10FFFD\t\U0010FFFD\tX\r\n" + status_line(3) + "?> ",
         false,
         {prompt(), match("U+00E9\t\u00E9\tLATIN SMALL LETTER E WITH ACUTE\r\n"),
          match("U+E0001\t\U000E0001\tLANGUAGE TAG\r\n"), match("U+10FFFD\t\U0010FFFD\tX\r\n"), status(3),
          end(3), prompt()}},
        {"the server closes after a prompt", "?> ", true, {prompt(), closed()}},
        {"the server closes after an answer", "?> " + status_line(0), true,
         {prompt(), status(0), end(0), closed()}},
        {"busy: an error and the close, no prompt", "error: server busy, try again later\r\n", true,
         {error("server busy, try again later"), end_failed(), closed()}},
        {"shutting down after an answer", "?> " + letter_a + status_line(1) + "error: server shutting down\r\n",
         true, {prompt(), match(letter_a), status(1), end(1), error("server shutting down"), end_failed(), closed()}},
        {"idle timeout while waiting", "?> error: idle timeout\r\n", true,
         {prompt(), error("idle timeout"), end_failed(), closed()}},
        {"two errors: too long, then shutting down",
         "?> error: line too long (limit 4096 bytes)\r\nerror: server shutting down\r\n", true,
         {prompt(), error("line too long (limit 4096 bytes)"), end_failed(), error("server shutting down"),
          end_failed(), closed()}},
        {"nothing at all", "", true, {closed()}},
        {"an answer not complete yet: no answer_end before the prompt or close",
         "?> " + letter_a + status_line(1), false, {prompt(), match(letter_a), status(1)}},
    }));
    auto chunk = GENERATE(as<std::size_t>{}, 1, 2, 3, 5, 64, 100000);
    INFO(r.what << ", chunks of " << chunk << " bytes");
    CHECK(read_all(r.bytes, chunk, r.eof) == r.items);
}

TEST_CASE("answer_reader: the server closes too early", "[answer_reader]") {
    struct row {
        std::string bytes;
        std::vector<record> items;
    };
    auto r = GENERATE_COPY(values<row>({
        {"?", {truncated("the server closed inside the prompt")}},
        {"?> ?>", {prompt(), truncated("the server closed inside the prompt")}},
        {"?> U+0041\tA\tLATIN", {prompt(), truncated("the server closed in the middle of a line")}},
        {"?> " + letter_a, {prompt(), match(letter_a), truncated("the server closed in the middle of an answer")}},
        {"?> " + letter_a + "\xE2\x94\x80", {prompt(), match(letter_a), truncated("the server closed in the middle of a line")}},
        {"?> error: idle timeout\r", {prompt(), truncated("the server closed in the middle of a line")}},
    }));
    auto chunk = GENERATE(as<std::size_t>{}, 1, 4, 100000);
    INFO(fmt::format("{:?}, chunks of {} bytes", r.bytes, chunk));
    CHECK(read_all(r.bytes, chunk, true) == r.items);
}

TEST_CASE("answer_reader: malformed server output", "[answer_reader]") {
    const std::string rule = status_line(0).substr(0, 66 * 3);
    const std::string unknown = "a line that is neither an answer, a status nor an error";
    struct row {
        std::string after_prompt;  // what follows the first prompt
        std::string why;
        std::size_t good_items;  // items before the malformed one, after the prompt
    };
    auto r = GENERATE_COPY(values<row>({
        {"U+0041\tA\tLATIN CAPITAL LETTER A\n", "a line not ended by CR LF", 0},
        {"u+0041\tA\tLATIN CAPITAL LETTER A\r\n", unknown, 0},
        {"U+0041\tB\tLATIN CAPITAL LETTER A\r\n", unknown, 0},          // not the character named
        {"U+041\tA\tLATIN CAPITAL LETTER A\r\n", unknown, 0},           // 3 digits
        {"U+00041\tA\tLATIN CAPITAL LETTER A\r\n", unknown, 0},         // 5 digits, leading zero
        {"U+004a\tJ\tLATIN CAPITAL LETTER J\r\n", unknown, 0},          // lower-case hex
        {"U+0041 A LATIN CAPITAL LETTER A\r\n", unknown, 0},            // spaces, no tabs
        {"U+0041\tA\t\r\n", unknown, 0},                                // no name
        {"U+0041\tA\tLATIN\x1B[2J\r\n", unknown, 0},                    // control bytes in the name
        {"U+110000\t\xF4\x90\x80\x80\tBEYOND\r\n", unknown, 0},         // not a code point
        {"U+D800\t\xED\xA0\x80\tSURROGATE\r\n", unknown, 0},
        {"HTTP/1.1 400 Bad Request\r\n", unknown, 0},
        {"?>\r\n", unknown, 0},
        {rule + " 007 found\r\n", unknown, 0},
        {rule + " -1 found\r\n", unknown, 0},
        {rule + "  found\r\n", unknown, 0},
        {rule + " 1 found \r\n", unknown, 0},
        {rule + " 99999999999999999999999 found\r\n", unknown, 0},
        {rule.substr(3) + " 0 found\r\n", unknown, 0},                  // 65 rules
        {"error: \x1B[31mred\r\n", "an error line with control characters", 0},
        {status_line(1), "a status line of 1 found after 0 answer lines", 0},
        {letter_a + status_line(2), "a status line of 2 found after 1 answer lines", 1},
        {cat_face + letter_a, "answer lines out of code point order", 1},
        {letter_a + letter_a, "answer lines out of code point order", 1},
        {letter_a + "?> ", "an answer without a status line", 1},
        {letter_a + "error: server shutting down\r\n", "an error line inside an answer", 1},
        {status_line(0) + letter_a, "a line after the end of an answer", 1},
        {status_line(0) + status_line(0), "a line after the end of an answer", 1},
        {"error: idle timeout\r\n" + letter_a, "a line after the end of an answer", 1},
        {std::string(5000, 'x'), "a line too long", 0},
        {std::string(5000, 'x') + "\r\n", "a line too long", 0},
    }));
    auto chunk = GENERATE(as<std::size_t>{}, 1, 7, 100000);
    INFO(fmt::format("{:?}, chunks of {} bytes", r.after_prompt, chunk));
    std::vector<record> items = read_all("?> " + r.after_prompt, chunk, false);
    REQUIRE(items.size() == 1 + r.good_items + 1);
    CHECK(items.front() == prompt());
    CHECK(items.back() == malformed(r.why));
}

TEST_CASE("answer_reader: an answer before the first prompt", "[answer_reader]") {
    auto bytes = GENERATE_COPY(values<std::string>({letter_a, status_line(0)}));
    INFO(fmt::format("{:?}", bytes));
    CHECK(read_all(bytes, 1, true) == std::vector<record>{malformed("an answer before the first prompt")});
}

TEST_CASE("answer_reader: a long answer streams through", "[answer_reader]") {
    // 5,000 lines (about 180 kB) fed in pieces; the reader keeps only the
    // unfinished line, and counts exactly.
    constexpr std::size_t n = 5000;
    std::string bytes = "?> ";
    for (char32_t cp = 0x4E00; cp < 0x4E00 + n; ++cp) {
        std::string ch;
        ch += static_cast<char>(0xE0 | (cp >> 12));
        ch += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        ch += static_cast<char>(0x80 | (cp & 0x3F));
        bytes += fmt::format("U+{:04X}\t{}\tCJK UNIFIED IDEOGRAPH-{:04X}\r\n", static_cast<unsigned>(cp), ch,
                             static_cast<unsigned>(cp));
    }
    bytes += status_line(n) + "?> ";
    auto chunk = GENERATE(as<std::size_t>{}, 1, 1000, 65536);
    std::vector<record> items = read_all(bytes, chunk, true);
    REQUIRE(items.size() == 1 + n + 4);
    CHECK(items[1] == match("U+4E00\t\u4E00\tCJK UNIFIED IDEOGRAPH-4E00\r\n"));
    CHECK(items[n] == match("U+6187\t\u6187\tCJK UNIFIED IDEOGRAPH-6187\r\n"));
    CHECK(items[n + 1] == status(n));
    CHECK(items[n + 2] == end(n));
    CHECK(items[n + 3] == prompt());
    CHECK(items[n + 4] == closed());
}
