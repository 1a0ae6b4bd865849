#pragma once
// How text becomes words, for names and queries alike: upper-cased, '-' read
// as a space, split on white space.
#include <unicode/uchar.h>

#include <string>
#include <string_view>
#include <vector>

namespace mojifinder {

// Splits `text` into upper-cased words. The views point into `scratch`, so
// both vectors can be reused from query to query without allocating.
// Non-ASCII text is upper-cased with ICU's full case mapping (root locale) and
// split on every White_Space code point, as Python's str.upper().split() would.
void split_words(std::string_view text, std::string& scratch,
                 std::vector<std::string_view>& words);

// ASCII white space: what is trimmed from a line before anything else.
constexpr bool is_ascii_space(unsigned char c) noexcept {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

// Unicode's White_Space, which separates words: ASCII's are exactly those of
// is_ascii_space(), answered without a call into ICU (the common case, a
// few calls per character of every query).
inline bool is_white_space(char32_t c) noexcept {
    return c < 0x80 ? is_ascii_space(static_cast<unsigned char>(c)) : u_isUWhiteSpace(static_cast<UChar32>(c));
}

std::string_view trim_ascii_space(std::string_view text) noexcept;

}  // namespace mojifinder
