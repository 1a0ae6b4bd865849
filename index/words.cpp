// Flow: split_words() first normalizes the whole text into the scratch
// string (upper case, every separator a plain space; ASCII in place, anything
// else through ICU), then cuts that string at the spaces into views.
#include "words.hpp"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace mojifinder {
namespace {

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Leaves in `scratch` the upper-cased text with every separator turned into a
// plain space, so the split below only has to look for one byte.
void normalize(std::string_view text, std::string& scratch) {
    if (is_ascii(text)) {
        // Copied whole, then mapped in place: no capacity check per byte.
        scratch.assign(text);
        for (char& ch : scratch) {
            auto c = static_cast<unsigned char>(ch);
            if (c == '-' || is_ascii_space(c))
                ch = ' ';
            else if (c >= 'a' && c <= 'z')
                ch = static_cast<char>(c - 'a' + 'A');
        }
        return;
    }
    scratch.clear();
    icu::UnicodeString upper = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    upper.toUpper(icu::Locale::getRoot());
    icu::UnicodeString spaced;
    for (int32_t i = 0; i < upper.length(); i = upper.moveIndex32(i, 1)) {
        UChar32 c = upper.char32At(i);
        spaced.append(c == '-' || is_white_space(static_cast<char32_t>(c)) ? UChar32{' '} : c);
    }
    spaced.toUTF8String(scratch);
}

}  // namespace

void split_words(std::string_view text, std::string& scratch,
                 std::vector<std::string_view>& words) {
    words.clear();
    normalize(text, scratch);
    std::string_view rest = scratch;
    while (!rest.empty()) {
        std::size_t start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        std::size_t end = std::min(rest.find(' '), rest.size());
        words.push_back(rest.substr(0, end));
        rest.remove_prefix(end);
    }
}

void keyword_words(std::string_view text, bool, std::string& scratch,
                   std::vector<std::string_view>& words) {
    split_words(text, scratch, words);  // stub until the word break is in
}

bool language_folds_accents(std::string_view) noexcept { return false; }

std::string_view trim_ascii_space(std::string_view text) noexcept {
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

}  // namespace mojifinder
