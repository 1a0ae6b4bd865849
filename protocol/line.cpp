#include "line.hpp"

#include "words.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace mojifinder::protocol {
namespace {

// '-' and White_Space separate words (words.hpp), and upper-casing never makes
// or removes one: a line of nothing else (NBSP, U+3000) has no word to search
// for. The client asks classify() too, so it does not send such a line.
// `text` is valid UTF-8.
bool only_separators(std::string_view text) noexcept {
    const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
    auto length = static_cast<std::int32_t>(text.size());
    for (std::int32_t i = 0; i < length;) {
        UChar32 c;
        U8_NEXT_UNSAFE(s, i, c);
        if (c != '-' && !is_white_space(static_cast<char32_t>(c))) return false;
    }
    return true;
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
    const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
    auto length = static_cast<std::int32_t>(text.size());
    for (std::int32_t i = 0; i < length;) {
        if (s[i] < 0x80) {
            ++i;
            continue;
        }
        UChar32 c;
        U8_NEXT(s, i, length, c);  // strict: no surrogates, no overlongs
        if (c < 0) return false;
    }
    return true;
}

classified_line classify(std::string_view line) noexcept {
    std::string_view query = trim_ascii_space(line);
    if (query.empty()) return {line_kind::blank, {}};
    if (is_hang_up_byte(static_cast<unsigned char>(query.front()))) return {line_kind::hang_up, {}};
    if (!is_valid_utf8(query)) return {line_kind::invalid_utf8, {}};
    if (only_separators(query)) return {line_kind::blank, {}};
    return {line_kind::query, query};
}

}  // namespace mojifinder::protocol
