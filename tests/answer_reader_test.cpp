// protocol::answer_reader fed exact server bytes, whole and in chunks of every
// size down to one byte: the items it yields must not depend on the chunking.
// Version 1 sessions, then everything version 2 adds: cut answers and /more,
// hints, identified lines in text order, acknowledgements and help lines,
// JSON mode; the classic reader still holds a server to version 1.
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
    std::size_t shown = 0;
    bool failed = false;
    bool acknowledged = false;
    bool json = false;
    bool operator==(const record&) const = default;
};

std::ostream& operator<<(std::ostream& os, const record& r) {
    constexpr const char* names[] = {"need_more", "prompt", "match",  "status",   "error", "ok", "help",
                                     "answer_end", "closed", "truncated", "malformed"};
    return os << fmt::format("{{{} line={:?} text={:?} count={} shown={} failed={} acknowledged={} json={}}}",
                             names[static_cast<int>(r.kind)], r.line, r.text, r.count, r.shown, r.failed,
                             r.acknowledged, r.json);
}

record prompt() { return {server_item_kind::prompt, "?> ", ""}; }
record match(std::string line) { return {server_item_kind::match, std::move(line), ""}; }
record status(std::size_t n) { return {server_item_kind::status, status_line(n), "", n, n}; }
record error(std::string message) {
    return {server_item_kind::error, "error: " + message + "\r\n", message};
}
record end(std::size_t n) { return {server_item_kind::answer_end, "", "", n, n}; }
record end_failed() { return {server_item_kind::answer_end, "", "", 0, 0, true}; }
record closed() { return {server_item_kind::closed, "", ""}; }
record truncated(std::string why) { return {server_item_kind::truncated, "", std::move(why)}; }
record malformed(std::string why) { return {server_item_kind::malformed, "", std::move(why)}; }

bool is_final(server_item_kind k) {
    return k == server_item_kind::closed || k == server_item_kind::truncated || k == server_item_kind::malformed;
}

// Feeds `bytes` in chunks of `chunk` bytes, taking every item after each
// feed; then, with `eof`, finishes and takes the rest up to the final item.
std::vector<record> read_all(std::string_view bytes, std::size_t chunk, bool eof, bool classic = false) {
    answer_reader reader(answer_reader::default_max_line, classic);
    std::vector<record> items;
    auto drain = [&] {
        for (int guard = 0; guard < 1'000'000; ++guard) {
            server_item item = reader.next();
            if (item.kind == server_item_kind::need_more) return;
            items.push_back({item.kind, std::string(item.line), std::string(item.text), item.count, item.shown,
                             item.failed, item.acknowledged, item.json});
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
    bool classic = GENERATE(false, true);  // version 1 sessions read the same either way
    INFO(r.what << ", chunks of " << chunk << " bytes" << (classic ? ", classic" : ""));
    CHECK(read_all(r.bytes, chunk, r.eof, classic) == r.items);
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
        {letter_a + "?> ", "an answer without a status line", 1},
        {letter_a + "error: server shutting down\r\n", "an error line inside an answer", 1},
        {status_line(0) + letter_a, "a line after the end of an answer", 1},
        {status_line(0) + status_line(0), "a line after the end of an answer", 1},
        {"error: idle timeout\r\n" + letter_a, "a line after the end of an answer", 1},
        {std::string(5000, 'x'), "a line too long", 0},
        {std::string(5000, 'x') + "\r\n", "a line too long", 0},
    }));
    auto chunk = GENERATE(as<std::size_t>{}, 1, 7, 100000);
    bool classic = GENERATE(false, true);
    INFO(fmt::format("{:?}, chunks of {} bytes{}", r.after_prompt, chunk, classic ? ", classic" : ""));
    std::vector<record> items = read_all("?> " + r.after_prompt, chunk, false, classic);
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

namespace {

std::string cut_line(std::size_t found, std::size_t shown) {
    return status_line(found).substr(0, status_line(found).size() - 2) + fmt::format(", {} shown\r\n", shown);
}
record status_cut(std::size_t found, std::size_t shown) {
    return {server_item_kind::status, cut_line(found, shown), "", found, shown};
}
record end_cut(std::size_t found, std::size_t shown) { return {server_item_kind::answer_end, "", "", found, shown}; }
record ok(std::string message) { return {server_item_kind::ok, "ok: " + message + "\r\n", message}; }
record help(std::string text) { return {server_item_kind::help, "# " + text + "\r\n", text}; }
record end_ok() { return {server_item_kind::answer_end, "", "", 0, 0, false, true}; }
record json_line(server_item_kind kind, std::string line, std::string text = {}, std::size_t count = 0,
                 std::size_t shown = 0) {
    return {kind, std::move(line), std::move(text), count, shown, false, false, true};
}
record json_end(std::size_t found, std::size_t shown) {
    return {server_item_kind::answer_end, "", "", found, shown, false, false, true};
}
record json_end_ok() { return {server_item_kind::answer_end, "", "", 0, 0, false, true, true}; }
record json_end_failed() { return {server_item_kind::answer_end, "", "", 0, 0, true, false, true}; }

const std::string hinted = status_line(0).substr(0, status_line(0).size() - 2) + "; did you mean: cat, car\r\n";
const std::string unassigned = "U+0378\t\xEF\xBF\xBD\t<unassigned-0378>\r\n";
const std::string bell_control = "U+0007\t\xEF\xBF\xBD\t<control-0007>\r\n";
const std::string smiley = "U+1F600\t\U0001F600\tGRINNING FACE\r\n";
const std::string json_cat =
    "{\"cp\":\"U+1F431\",\"char\":\"\U0001F431\",\"name\":\"CAT FACE\",\"block\":\"Emoticons\",\"gc\":\"So\","
    "\"age\":\"6.0\",\"aliases\":[]}\r\n";
const std::string json_bell =
    "{\"cp\":\"U+0007\",\"char\":\"\xEF\xBF\xBD\",\"name\":\"<control-0007>\",\"block\":\"Basic Latin\",\"gc\":\"Cc\","
    "\"age\":\"1.1\",\"aliases\":[\"ALERT\"]}\r\n";
// An emoji sequence: its code points, the whole sequence, its name.
const std::string firefighter = "U+1F469 U+200D U+1F692\t\U0001F469\u200D\U0001F692\tWOMAN FIREFIGHTER\r\n";
const std::string json_firefighter =
    "{\"cp\":\"U+1F469 U+200D U+1F692\",\"char\":\"\U0001F469\u200D\U0001F692\",\"name\":\"WOMAN FIREFIGHTER\","
    "\"block\":\"Miscellaneous Symbols and Pictographs\",\"gc\":\"So\",\"age\":\"6.0\",\"aliases\":[],"
    "\"short\":\"woman firefighter\",\"keywords\":[\"firefighter\",\"woman\"]}\r\n";

}  // namespace

TEST_CASE("answer_reader: what version 2 sends", "[answer_reader]") {
    constexpr auto k_status = server_item_kind::status, k_ok = server_item_kind::ok,
                   k_match = server_item_kind::match, k_error = server_item_kind::error;
    struct row {
        const char* what;
        std::string bytes;
        bool eof;
        std::vector<record> items;
    };
    auto r = GENERATE_COPY(values<row>({
        {"a cut answer, then /more to the end",
         "?> " + letter_a + cut_line(3, 1) + "?> " + cat_face + grinning + status_line(3) + "?> ", false,
         {prompt(), match(letter_a), status_cut(3, 1), end_cut(3, 1), prompt(), match(cat_face), match(grinning),
          status(3), end(3), prompt()}},
        {"/more in two steps",
         "?> " + letter_a + cut_line(3, 1) + "?> " + cat_face + cut_line(3, 2) + "?> " + grinning +
             status_line(3) + "?> ",
         false,
         {prompt(), match(letter_a), status_cut(3, 1), end_cut(3, 1), prompt(), match(cat_face), status_cut(3, 2),
          end_cut(3, 2), prompt(), match(grinning), status(3), end(3), prompt()}},
        {"hints on an empty answer", "?> " + hinted + "?> ", false,
         {prompt(), {k_status, hinted, "cat, car", 0, 0}, end(0), prompt()}},
        {"identified lines in text order, controls as U+FFFD, then the ascending rest",
         "?> " + smiley + bell_control + unassigned + letter_a + cat_face + status_line(5) + "?> ", false,
         {prompt(), match(smiley), match(bell_control), match(unassigned), match(letter_a), match(cat_face), status(5),
          end(5), prompt()}},
        {"emoji sequences, text and JSON",
         "?> " + cat_face + firefighter + status_line(2) + "?> {\"ok\":\"format json\"}\r\n" + json_firefighter +
             "{\"found\":1,\"shown\":1}\r\n",
         true,
         {prompt(), match(cat_face), match(firefighter), status(2), end(2), prompt(),
          json_line(k_ok, "{\"ok\":\"format json\"}\r\n", "format json"), json_end_ok(),
          json_line(k_match, json_firefighter), json_line(k_status, "{\"found\":1,\"shown\":1}\r\n", "", 1, 1),
          json_end(1, 1), closed()}},
        {"/lang: its languages as help lines, then the ok line",
         "?> # de Deutsch\r\n# ja \u65E5\u672C\u8A9E\r\nok: lang de Deutsch\r\n?> ", false,
         {prompt(), help("de Deutsch"), help("ja \u65E5\u672C\u8A9E"), ok("lang de Deutsch"), end_ok(), prompt()}},
        {"acknowledgements", "?> ok: limit 20\r\n?> ok: format text\r\n?> ", false,
         {prompt(), ok("limit 20"), end_ok(), prompt(), ok("format text"), end_ok(), prompt()}},
        {"help lines, then their ok line", "?> # cat face   words\r\n# smil*\r\nok: help\r\n?> ", false,
         {prompt(), help("cat face   words"), help("smil*"), ok("help"), end_ok(), prompt()}},
        {"errors mid-session, after an ok", "?> ok: limit 3\r\n?> error: nothing more\r\n?> error: unknown command /x; try /help\r\n?> ",
         false,
         {prompt(), ok("limit 3"), end_ok(), prompt(), error("nothing more"), end_failed(), prompt(),
          error("unknown command /x; try /help"), end_failed(), prompt()}},
        {"/quit: ok, then the close", "?> ok: bye\r\n", true, {prompt(), ok("bye"), end_ok(), closed()}},
        {"JSON mode: no prompt after a reply",
         "?> {\"ok\":\"format json\"}\r\n" + json_cat + json_bell + "{\"found\":2,\"shown\":2}\r\n" +
             "{\"found\":0,\"shown\":0,\"hint\":[\"cat\",\"car\"]}\r\n{\"error\":\"nothing more\"}\r\n",
         true,
         {prompt(), json_line(k_ok, "{\"ok\":\"format json\"}\r\n", "format json"), json_end_ok(),
          json_line(k_match, json_cat), json_line(k_match, json_bell),
          json_line(k_status, "{\"found\":2,\"shown\":2}\r\n", "", 2, 2), json_end(2, 2),
          json_line(k_status, "{\"found\":0,\"shown\":0,\"hint\":[\"cat\",\"car\"]}\r\n", "cat, car", 0, 0),
          json_end(0, 0), json_line(k_error, "{\"error\":\"nothing more\"}\r\n", "nothing more"), json_end_failed(),
          closed()}},
        {"JSON mode: a cut answer and /more",
         "?> " + json_cat + "{\"found\":2,\"shown\":1}\r\n" + json_bell + "{\"found\":2,\"shown\":2}\r\n", true,
         {prompt(), json_line(k_match, json_cat), json_line(k_status, "{\"found\":2,\"shown\":1}\r\n", "", 2, 1),
          json_end(2, 1), json_line(k_match, json_bell), json_line(k_status, "{\"found\":2,\"shown\":2}\r\n", "", 2, 2),
          json_end(2, 2), closed()}},
        {"back to text: its ok line, then the prompt", "?> {\"ok\":\"format json\"}\r\nok: format text\r\n?> ", false,
         {prompt(), json_line(k_ok, "{\"ok\":\"format json\"}\r\n", "format json"), json_end_ok(), ok("format text"),
          end_ok(), prompt()}},
        {"JSON mode: shutting down after an answer",
         "?> " + json_cat + "{\"found\":1,\"shown\":1}\r\n{\"error\":\"server shutting down\"}\r\n", true,
         {prompt(), json_line(k_match, json_cat), json_line(k_status, "{\"found\":1,\"shown\":1}\r\n", "", 1, 1),
          json_end(1, 1), json_line(k_error, "{\"error\":\"server shutting down\"}\r\n", "server shutting down"),
          json_end_failed(), closed()}},
    }));
    auto chunk = GENERATE(as<std::size_t>{}, 1, 3, 100000);
    INFO(r.what << ", chunks of " << chunk << " bytes");
    CHECK(read_all(r.bytes, chunk, r.eof) == r.items);
}

TEST_CASE("answer_reader: version 2 output that breaks the protocol", "[answer_reader]") {
    struct row {
        std::string after_prompt;
        std::string why;
        std::size_t good_items;
    };
    const std::string unknown = "a line that is neither an answer, a status nor an error";
    const std::string bad_json = "a JSON line that is not one of the protocol's objects";
    const std::string rule_10 = status_line(10).substr(0, status_line(10).size() - 2);
    auto r = GENERATE_COPY(values<row>({
        {rule_10 + ", 10 shown\r\n", unknown, 0},               // all shown: no ", M shown"
        {rule_10 + ", 11 shown\r\n", unknown, 0},
        {rule_10 + ", 01 shown\r\n", unknown, 0},
        {rule_10 + "; did you mean: cat\r\n", unknown, 0},      // hints only when nothing was found
        {status_line(0).substr(0, status_line(0).size() - 2) + "; did you mean: \r\n", unknown, 0},
        {letter_a + rule_10 + ", 2 shown\r\n", "a status line of 2 shown after 1 answer lines", 1},
        {"U+0041\t\xEF\xBF\xBD\tLATIN CAPITAL LETTER A\r\n", unknown, 0},  // U+FFFD only for controls
        {"U+0007\t\x07\t<control-0007>\r\n", unknown, 0},
        {letter_a + "ok: limit 3\r\n", "an acknowledgement inside an answer", 1},
        {"# help\r\n?> ", "help lines without their ok line", 1},
        {"ok: limit 3\r\n" + letter_a, "a line after the end of an answer", 1},
        {"ok: \x1B[2J\r\n", "a line with control characters", 0},
        {"{\"cp\":\"U+0041\",\"char\":\"B\",\"name\":\"X\"}\r\n", bad_json, 0},
        // A sequence's character field is the whole sequence; two code points at least, one space apart.
        {"U+1F469 U+200D U+1F692\t\U0001F469\tWOMAN FIREFIGHTER\r\n", unknown, 0},
        {"U+1F469 U+200D U+1F692\t\U0001F469\u200D\U0001F692x\tWOMAN FIREFIGHTER\r\n", unknown, 0},
        {"U+1F469  U+200D\t\U0001F469\u200D\tX\r\n", unknown, 0},
        {"U+1F469 \t\U0001F469\tX\r\n", unknown, 0},
        {"U+1F469 U+0007\t\U0001F469\x07\tX\r\n", unknown, 0},
        {"{\"cp\":\"U+1F469 U+200D\",\"char\":\"\U0001F469\",\"name\":\"X\"}\r\n", bad_json, 0},
        {"{\"found\":1,\"shown\":2}\r\n", bad_json, 0},
        {"{\"found\":1,\"shown\":1,\"hint\":[\"x\"]}\r\n", bad_json, 0},
        {"{\"what\":1}\r\n", bad_json, 0},
        {"{not json\r\n", bad_json, 0},
        {"{\"found\":3,\"shown\":3}\r\n", "a status line of 3 found after 0 answer lines", 0},
    }));
    auto chunk = GENERATE(as<std::size_t>{}, 1, 100000);
    INFO(fmt::format("{:?}, chunks of {} bytes", r.after_prompt, chunk));
    std::vector<record> items = read_all("?> " + r.after_prompt, chunk, false);
    REQUIRE(items.size() == 1 + r.good_items + 1);
    CHECK(items.back() == malformed(r.why));
}

TEST_CASE("answer_reader: the classic reader holds a server to version 1", "[answer_reader]") {
    struct row {
        std::string after_prompt;
        std::string why;
        std::size_t good_items;
    };
    const std::string unknown = "a line that is neither an answer, a status nor an error";
    auto r = GENERATE_COPY(values<row>({
        {cat_face + letter_a, "answer lines out of code point order", 1},
        {letter_a + letter_a, "answer lines out of code point order", 1},
        {letter_a + status_line(3).substr(0, status_line(3).size() - 2) + ", 1 shown\r\n", unknown, 1},
        {hinted, unknown, 0},
        {"ok: limit 3\r\n", unknown, 0},
        {"# help\r\n", unknown, 0},
        {unassigned, unknown, 0},
        {firefighter, unknown, 0},  // version 1 has no sequences
        {json_cat, "a JSON line that is not one of the protocol's objects", 0},
    }));
    INFO(fmt::format("{:?}", r.after_prompt));
    std::vector<record> items = read_all("?> " + r.after_prompt, 100000, false, true);
    REQUIRE(items.size() == 1 + r.good_items + 1);
    CHECK(items.back() == malformed(r.why));
    // The version 2 reader takes the same bytes when they are version 2's.
    if (r.why == "answer lines out of code point order") {
        std::vector<record> v2 = read_all("?> " + r.after_prompt + status_line(2) + "?> ", 100000, false);
        CHECK(v2.back() == prompt());
    }
}
