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

// The words of CLDR keywords and short names, and of a query's terms as they
// are matched against them: ICU's word break (dictionary-based for Japanese,
// Chinese, Thai and the like), only the segments that are words (letters,
// numbers, kana, ideographs), each case-folded (full folding) and, when
// `fold_accents`, without its accents (see language_folds_accents()). The
// views point into `scratch`. The data file's keyword words are made by
// this same function, so a query's words meet them exactly.
void keyword_words(std::string_view text, bool fold_accents, std::string& scratch,
                   std::vector<std::string_view>& words);

// Whether a keyword word is a name word as keyword_words() folds it (ASCII
// letters and digits, lower-case): "arrow" is ARROW's. The data file's list
// of such a word leaves out the entries whose name has it
// (index::keyword_entries_with()), and a query looks the names up under it.
constexpr bool is_folded_name_word(std::string_view word) noexcept {
    if (word.empty()) return false;
    for (char c : word)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

// Whether speakers of a CLDR locale (its language part: "es" for es_419)
// expect accents to be ignored when they search (corazon finds corazón).
// Not for languages whose accented letters are letters of their own (de
// Bär/Bar, sv får/far, fi, tr), nor for scripts whose marks are part of the
// letter (ja dakuten, Indic vowel signs).
bool language_folds_accents(std::string_view tag) noexcept;

// Text as its words of names are read: ASCII letters upper-cased, digits
// kept, every other byte a space ("command key" -> "COMMAND KEY", "delete
// to the left key" -> "DELETE TO THE LEFT KEY"), into `out`. The words of
// informal aliases and of Unihan's definitions are the runs of it between
// spaces: the data file's and a phrase's alike.
void upper_name_words(std::string_view text, std::string& out);

std::string_view trim_ascii_space(std::string_view text) noexcept;

}  // namespace mojifinder
