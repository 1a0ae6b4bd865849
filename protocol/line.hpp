#pragma once
// What one client line is, by PROTOCOL.md's table "What a line gets".
#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "words.hpp"

namespace mojifinder::protocol {

enum class line_kind {
    blank,         // empty or white space: only the prompt again
    hang_up,       // first byte below 0x20 or 0xFF: close, write nothing
    invalid_utf8,  // "error: query is not valid UTF-8"
    query,         // everything else: search for it
};

struct classified_line {
    line_kind kind;
    std::string_view query;  // the trimmed line, for `query`
};

// `line` is what came before the LF, with a CR right before it already dropped.
classified_line classify(std::string_view line) noexcept;

constexpr bool is_hang_up_byte(unsigned char c) noexcept { return c < 0x20 || c == 0xFF; }

// Where the session can act on buffered input: after the first LF, or as soon
// as the start of a line shows it can only hang up (telnet's Ctrl-C arrives as
// IAC IP with no LF after it). A match condition for async_read_until; `begin`
// must be the start of a line. Returns the end of the match, or begin, false.
template <class It>
std::pair<It, bool> line_end(It begin, It end) {
    bool started = false;
    for (It i = begin; i != end; ++i) {
        auto c = static_cast<unsigned char>(*i);
        if (c == '\n') return {++i, true};
        if (!started && !is_ascii_space(c)) {
            if (is_hang_up_byte(c)) return {++i, true};
            started = true;
        }
    }
    // Not `end`: the next call must look at the line's start again.
    return {begin, false};
}

bool is_valid_utf8(std::string_view text) noexcept;

// `text` as a whole decimal number: digits alone (std::from_chars: no '+',
// no spaces; a '-' only for a signed Number), nothing before or after them,
// within Number's range; nullopt otherwise. Commands, HTTP parameters and
// socket activation's variables are read with it.
template <class Number>
std::optional<Number> whole_number(std::string_view text) noexcept {
    Number n{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return n;
}

}  // namespace mojifinder::protocol
