// Flow: split_words() first normalizes the whole text into the scratch
// string (upper case, every separator a plain space; ASCII in place, anything
// else through ICU), then cuts that string at the spaces into views.
// keyword_words() walks ICU's word boundaries over the UTF-8 text, appends
// each word segment folded (case, and accents when asked) to the scratch
// string with a NUL after it, then cuts the scratch at the NULs; the views
// are made only at the end, since appending may move the string.
#include "words.hpp"

#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/stringoptions.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

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

// Appends to `words` the runs of `text` between separators, empty runs
// left out: the one cut of split_words() and keyword_words(). A byte loop
// with the test inlined: string_view's find_first_of() with a set cost
// split_words() (every v1 query) 10-20 ns more (SearchLatency/mix p50).
template <class IsSeparator>
void cut_words(std::string_view text, IsSeparator is_separator, std::vector<std::string_view>& words) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        while (i < n && is_separator(text[i])) ++i;
        std::size_t start = i;
        while (i < n && !is_separator(text[i])) ++i;
        if (i > start) words.push_back(text.substr(start, i - start));
    }
}

}  // namespace

void split_words(std::string_view text, std::string& scratch,
                 std::vector<std::string_view>& words) {
    words.clear();
    normalize(text, scratch);
    cut_words(scratch, [](char c) { return c == ' '; }, words);
}

namespace {

// Per thread, what keyword_words() reuses from call to call: a break
// iterator is not thread-safe, and its text and the two buffers keep their
// capacity, so a warm call allocates nothing.
struct word_break_state {
    std::unique_ptr<icu::BreakIterator> iterator;
    UText text = UTEXT_INITIALIZER;
    std::string folded;      // one word, case-folded, before its accents go
    std::string decomposed;  // that word in NFD, then without its marks
    word_break_state();
    word_break_state(const word_break_state&) = delete;
    word_break_state& operator=(const word_break_state&) = delete;
    ~word_break_state() { utext_close(&text); }
};

// The root locale's word break iterator, loaded once (it reads ICU's rule
// and dictionary data); each thread clones it, which is cheaper and, as
// clone() is const, safe from several threads at once.
const icu::BreakIterator& word_break_prototype() {
    static const std::unique_ptr<icu::BreakIterator> prototype = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::BreakIterator> iterator(
            icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
        if (U_FAILURE(status) || !iterator)
            throw std::runtime_error(std::string("ICU word break iterator: ") + u_errorName(status));
        return iterator;
    }();
    return *prototype;
}

word_break_state::word_break_state() : iterator(word_break_prototype().clone()) {
    if (!iterator) throw std::runtime_error("ICU word break iterator: clone failed");
}

const icu::Normalizer2& normalizer(const icu::Normalizer2* (*instance)(UErrorCode&)) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* result = instance(status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU normalizer: ") + u_errorName(status));
    return *result;
}

icu::StringPiece piece(std::string_view text) {
    return {text.data(), static_cast<int32_t>(text.size())};
}

// Drops the nonspacing marks (gc Mn) of NFD text in place: what is left of
// "corazo\u0301n" is "corazon". Ill-formed bytes are kept as they are.
void drop_nonspacing_marks(std::string& text) {
    std::size_t kept = 0;
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    auto length = static_cast<int32_t>(text.size());
    for (int32_t i = 0; i < length;) {
        int32_t start = i;
        UChar32 c = 0;
        U8_NEXT(bytes, i, length, c);
        if (c >= 0 && u_charType(c) == U_NON_SPACING_MARK) continue;
        for (int32_t j = start; j < i; ++j) text[kept++] = text[static_cast<std::size_t>(j)];
    }
    text.resize(kept);
}

// Appends `word` to `out` case-folded and, when `fold_accents`, without its
// accents (NFD, marks dropped, NFC: "Corazón" -> "corazon"). ASCII, most of
// the words, needs neither ICU nor the accent step.
void append_folded(std::string_view word, bool fold_accents, word_break_state& state,
                   std::string& out) {
    if (is_ascii(word)) {
        for (char ch : word)
            out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
        return;
    }
    std::size_t begin = out.size();
    UErrorCode status = U_ZERO_ERROR;
    if (!fold_accents) {
        icu::StringByteSink<std::string> sink(&out);
        icu::CaseMap::utf8Fold(U_FOLD_CASE_DEFAULT, piece(word), sink, nullptr, status);
    } else {
        state.folded.clear();
        icu::StringByteSink<std::string> folded(&state.folded);
        icu::CaseMap::utf8Fold(U_FOLD_CASE_DEFAULT, piece(word), folded, nullptr, status);
        state.decomposed.clear();
        icu::StringByteSink<std::string> decomposed(&state.decomposed);
        static const icu::Normalizer2& nfd = normalizer(icu::Normalizer2::getNFDInstance);
        static const icu::Normalizer2& nfc = normalizer(icu::Normalizer2::getNFCInstance);
        nfd.normalizeUTF8(0, piece(state.folded), decomposed, nullptr, status);
        drop_nonspacing_marks(state.decomposed);
        icu::StringByteSink<std::string> sink(&out);
        nfc.normalizeUTF8(0, piece(state.decomposed), sink, nullptr, status);
    }
    // A word ICU cannot fold is left out rather than kept half-folded.
    if (U_FAILURE(status)) out.resize(begin);
}

}  // namespace

void keyword_words(std::string_view text, bool fold_accents, std::string& scratch,
                   std::vector<std::string_view>& words) {
    words.clear();
    scratch.clear();
    if (text.empty()) return;
    if (std::all_of(text.begin(), text.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '-';
        })) {
        // ASCII letters, digits, spaces and '-' (most keywords and query
        // terms): ICU's words are the runs of letters and digits (UAX #29
        // breaks at ' ' and '-'), lower-cased; cut here without the break
        // iterator (words_test checks both ways agree).
        scratch.assign(text);
        for (char& c : scratch)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        cut_words(scratch, [](char c) { return c == ' ' || c == '-'; }, words);
        return;
    }
    thread_local word_break_state state;
    UErrorCode status = U_ZERO_ERROR;
    // UTF-8 read in place: the boundaries are byte offsets into `text`.
    utext_openUTF8(&state.text, text.data(), static_cast<int64_t>(text.size()), &status);
    state.iterator->setText(&state.text, status);
    if (U_FAILURE(status)) return;
    icu::BreakIterator& iterator = *state.iterator;
    int32_t start = iterator.first();
    for (int32_t end = iterator.next(); end != icu::BreakIterator::DONE; start = end, end = iterator.next()) {
        // Spaces, punctuation and symbols (emoji among them) have a status
        // below UBRK_WORD_NONE_LIMIT; letters, numbers, kana and ideographs
        // above it.
        if (iterator.getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
        std::size_t before = scratch.size();
        append_folded(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start)),
                      fold_accents, state, scratch);
        // NUL ends each word: a word segment never holds one (it is a
        // control, a segment of its own), so it cannot be mistaken for text.
        if (scratch.size() > before) scratch.push_back('\0');
    }
    cut_words(scratch, [](char c) { return c == '\0'; }, words);
}

// The languages whose speakers type without accents and expect to find the
// accented words all the same: Latin script (and Greek, whose tonos is left
// out as often as capitals drop it) where an accent marks stress, tone or a
// vowel's quality but does not make a letter of its own in the alphabet's
// order, or where typing without it is the usual habit (vi, yo, ig tone
// marks; es ñ and pt ç are read as accents by searchers, as every search
// engine does). Left out: languages whose accented letters are letters of
// their own, which a searcher means when typing them (de ä ö ü, da nb nn no
// æ ø å, sv fi et ä ö å, hu ő ű, is fo ð þ á, tr az ç ğ ı ş, cs sk pl hr bs
// sl lt lv hsb dsb mt lb kab ku tk, and Cyrillic й ё), and every script
// whose marks are part of the letter (ja dakuten, Indic and Thai vowel
// signs, Arabic and Hebrew points, Hangul): folding them there would merge
// different words.
constexpr std::array<std::string_view, 39> accent_folding_languages{
    "af", "ast", "br", "ca", "ceb", "cy", "el", "en", "es", "eu", "fil", "fr", "ga",
    "gd", "gl", "ha", "ia", "id", "ig", "it", "jv", "mi", "ms", "nl", "pcm", "pt",
    "qu", "rm", "ro", "sc", "so", "sq", "su", "sw", "vi", "wo", "xh", "yo", "zu",
};
static_assert(std::ranges::is_sorted(accent_folding_languages), "binary_search needs it sorted");

bool language_folds_accents(std::string_view tag) noexcept {
    std::string_view language = tag.substr(0, tag.find_first_of("_-"));
    return std::ranges::binary_search(accent_folding_languages, language);
}

std::string_view trim_ascii_space(std::string_view text) noexcept {
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

void upper_name_words(std::string_view text, std::string& out) {
    out.assign(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            c = ' ';
    }
}

}  // namespace mojifinder
