// classify() and line_end(): PROTOCOL.md's table "What a line gets", row by row.
#include "line.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <string>
#include <string_view>

using mojifinder::protocol::classify;
using mojifinder::protocol::line_end;
using mojifinder::protocol::line_kind;

namespace {

// Readable test names for bytes that are not.
std::string escaped(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes)
        out += c >= 0x20 && c < 0x7F ? std::string(1, static_cast<char>(c)) : fmt::format("\\x{:02x}", c);
    return out;
}

std::string_view kind_name(line_kind k) {
    switch (k) {
    case line_kind::blank: return "blank";
    case line_kind::hang_up: return "hang_up";
    case line_kind::invalid_utf8: return "invalid_utf8";
    case line_kind::query: return "query";
    }
    return "?";
}

void check_kind(std::string_view line, line_kind expected) {
    INFO("line: " << escaped(line));
    auto c = classify(line);
    CHECK(kind_name(c.kind) == kind_name(expected));
    CHECK(c.query.empty());
}

}  // namespace

TEST_CASE("classify: an empty or white-space line is blank", "[line]") {
    std::string_view line = GENERATE(as<std::string_view>{}, "", " ", "\t", "   \t  ", " \r ", "\v\f", "\n");
    check_kind(line, line_kind::blank);
}

TEST_CASE("classify: a line of word separators only is blank", "[line]") {
    // No word to search for: '-' and Unicode White_Space, as split_words reads them.
    std::string_view line = GENERATE(as<std::string_view>{}, "-", " - -- ", "\xc2\xa0",  // U+00A0
                                     "\xe3\x80\x80",                                     // U+3000
                                     " \xc2\xa0-\t\xe3\x80\x80 \xe2\x80\xa8\xc2\x85");  // U+2028, U+0085
    check_kind(line, line_kind::blank);
}

TEST_CASE("classify: a first byte below 0x20 (not white space) or 0xFF hangs up", "[line]") {
    SECTION("every C0 control that is not TAB..CR, alone, before text and after spaces") {
        for (int b = 0; b < 0x20; ++b) {
            if (b >= '\t' && b <= '\r') continue;
            std::string byte(1, static_cast<char>(b));
            check_kind(byte, line_kind::hang_up);
            check_kind(byte + "cat face", line_kind::hang_up);
            check_kind(" \t " + byte + " cat", line_kind::hang_up);
        }
    }
    SECTION("0xFF and telnet's IAC IP, IAC DO TIMING-MARK") {
        std::string_view line = GENERATE(as<std::string_view>{}, "\xff", "\xff\xf4\xff\xfd\x06",
                                         "  \xff\xf4", "\xff" "cat");
        check_kind(line, line_kind::hang_up);
    }
    SECTION("Ctrl-C, Ctrl-D, NUL and ESC as a terminal sends them") {
        std::string_view line = GENERATE(as<std::string_view>{}, std::string_view("\x00", 1), "\x03",
                                         "\x04", "\x1b[A", "\x1b");
        check_kind(line, line_kind::hang_up);
    }
}

TEST_CASE("classify: a control byte or 0xFF after the first byte does not hang up", "[line]") {
    auto [line, expected] = GENERATE(table<std::string_view, line_kind>({
        {"cat\x03", line_kind::query},
        {"cat \x04 face", line_kind::query},
        {"\x7f", line_kind::query},  // DEL is not below 0x20
        {"cat\xff", line_kind::invalid_utf8},
    }));
    INFO("line: " << escaped(line));
    CHECK(kind_name(classify(line).kind) == kind_name(expected));
}

TEST_CASE("classify: invalid UTF-8 is reported", "[line]") {
    std::string_view line = GENERATE(as<std::string_view>{},
                                     "\x80",                  // lone continuation byte
                                     "\xbf",
                                     "cat\x80" "face",
                                     "\xc3",                  // truncated 2-byte sequence
                                     "\xe2\x82",              // truncated 3-byte sequence
                                     "\xe2\x82 x",            // truncated, then more text
                                     "\xf0\x9f\x90",          // truncated 4-byte sequence
                                     "\xc0\xaf",              // overlong '/'
                                     "\xc1\xbf",              // overlong
                                     "\xe0\x80\xaf",          // overlong, 3 bytes
                                     "\xf0\x80\x80\xaf",      // overlong, 4 bytes
                                     "\xed\xa0\x80",          // surrogate U+D800
                                     "\xed\xbf\xbf",          // surrogate U+DFFF
                                     "\xf4\x90\x80\x80",      // U+110000, above U+10FFFF
                                     "\xf5\x80\x80\x80",
                                     "\xfe",
                                     " cat \xc3\x28 ");       // lead byte, then ASCII
    check_kind(line, line_kind::invalid_utf8);
}

TEST_CASE("classify: everything else is a query, trimmed of white space", "[line]") {
    auto [line, query] = GENERATE(table<std::string_view, std::string_view>({
        {"cat face", "cat face"},
        {"  cat face \t", "cat face"},
        {"\tcat\tface\r", "cat\tface"},
        // Only ASCII white space is trimmed off the query; split_words drops the rest.
        {" \xc2\xa0" "cat face\xe3\x80\x80\t", "\xc2\xa0" "cat face\xe3\x80\x80"},
        {"-cat-", "-cat-"},
        {"\xe2\x80\x8b", "\xe2\x80\x8b"},  // U+200B ZERO WIDTH SPACE is not White_Space
        {"\xe2\x80\x90", "\xe2\x80\x90"},  // nor is U+2010 HYPHEN a '-'
        {"\x7f", "\x7f"},
        {"\xf0\x9f\x90\xb1", "\xf0\x9f\x90\xb1"},          // U+1F431
        {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},          // U+10FFFF, the last code point
        {"\xed\x9f\xbf", "\xed\x9f\xbf"},                  // U+D7FF, below the surrogates
        {"\xee\x80\x80", "\xee\x80\x80"},                  // U+E000, above them
        {"\xef\xbf\xbf", "\xef\xbf\xbf"},                  // U+FFFF, a noncharacter but valid
        {"stra\xc3\x9f" "e", "stra\xc3\x9f" "e"},
    }));
    INFO("line: " << escaped(line));
    auto c = classify(line);
    CHECK(kind_name(c.kind) == "query");
    CHECK(escaped(c.query) == escaped(query));
}

TEST_CASE("line_end finds a complete line or a hang-up at a line's start", "[line]") {
    // `end` is the offset of the match's end; -1 means "no match yet" (begin, false).
    auto [buffer, end] = GENERATE(table<std::string_view, int>({
        {"", -1},
        {"cat", -1},
        {"cat face\r", -1},
        {"   ", -1},
        {" \t\r", -1},                // CR of a CRLF still to come
        {"\xc2\xa0", -1},
        {"cat\x03", -1},              // a control byte inside a line waits for its LF
        {"cat\xff\xf4", -1},
        {"\n", 1},
        {"cat face\n", 9},
        {"cat face\r\n", 10},
        {"cat\nface\n", 4},           // the first line only
        {"\x03", 1},
        {"\x03" "cat\n", 1},          // the hang-up byte, not the line
        {"  \x04", 3},
        {" \t\x1b[A", 3},
        {"\xff\xf4\xff\xfd\x06", 1},  // telnet IAC IP IAC DO TIMING-MARK
        {"\r\xff", 2},
        {" \n\x03", 2},
    }));
    INFO("buffer: " << escaped(buffer));
    auto [it, matched] = line_end(buffer.begin(), buffer.end());
    if (end < 0) {
        CHECK_FALSE(matched);
        CHECK(it == buffer.begin());
    } else {
        CHECK(matched);
        CHECK(it - buffer.begin() == end);
    }
}

TEST_CASE("line_end also finds the NUL byte", "[line]") {
    std::string buffer("  \0cat\n", 7);
    auto [it, matched] = line_end(buffer.cbegin(), buffer.cend());
    CHECK(matched);
    CHECK(it - buffer.cbegin() == 3);
}

TEST_CASE("is_valid_utf8 accepts every scalar value's encoding and rejects the rest", "[line]") {
    // Each sequence length up to its boundaries, one code point at a time;
    // surrogates and values past U+10FFFF encoded the way UTF-8 forbids.
    auto [first, last, valid] = GENERATE(table<char32_t, char32_t, bool>({
        {0x0, 0x7F, true},
        {0x80, 0x7FF, true},
        {0x800, 0xD7FF, true},
        {0xD800, 0xDFFF, false},
        {0xE000, 0xFFFF, true},
        {0x10000, 0x10FFFF, true},
        {0x110000, 0x1FFFFF, false},
    }));
    INFO(fmt::format("U+{:04X}..U+{:04X}", static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last)));
    std::size_t accepted = 0;
    for (char32_t cp = first; cp <= last; ++cp) {
        char utf8[U8_MAX_LENGTH];
        std::size_t n = 0;
        U8_APPEND_UNSAFE(utf8, n, cp);
        if (mojifinder::protocol::is_valid_utf8({utf8, n})) ++accepted;
    }
    CHECK(accepted == (valid ? last - first + 1 : 0));
}
