// split_words, keyword_words, language_folds_accents and trim_ascii_space:
// how queries, names and CLDR keywords become words.
#include "words.hpp"

#include <catch2/catch.hpp>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>

#include <string>
#include <string_view>
#include <vector>

using mojifinder::keyword_words;
using mojifinder::language_folds_accents;
using mojifinder::split_words;
using mojifinder::trim_ascii_space;

namespace {

std::vector<std::string> words_of(std::string_view text) {
    std::string scratch;
    std::vector<std::string_view> views;
    split_words(text, scratch, views);
    return {views.begin(), views.end()};
}

std::vector<std::string> keyword_words_of(std::string_view text, bool fold_accents) {
    std::string scratch;
    std::vector<std::string_view> views;
    keyword_words(text, fold_accents, scratch, views);
    return {views.begin(), views.end()};
}

using words = std::vector<std::string>;

}  // namespace

TEST_CASE("split_words upper-cases and splits on '-' and ASCII white space", "[words]") {
    auto [text, expected] = GENERATE(table<std::string_view, words>({
        {"cat face", {"CAT", "FACE"}},
        {"CAT FACE", {"CAT", "FACE"}},
        {"cAt FaCe", {"CAT", "FACE"}},
        {"cat-face", {"CAT", "FACE"}},
        {"-cat--face-", {"CAT", "FACE"}},
        {"heart-shaped eyes", {"HEART", "SHAPED", "EYES"}},
        {"  cat \t face\r\n", {"CAT", "FACE"}},
        {"\tcat\tface\t", {"CAT", "FACE"}},
        {"a\vb\fc\rd\ne", {"A", "B", "C", "D", "E"}},
        {"4e00", {"4E00"}},
        {"ideograph-4e00", {"IDEOGRAPH", "4E00"}},
        {"x", {"X"}},
        // Not separators: other punctuation and the C0 controls outside 9..13.
        {"a_b.c", {"A_B.C"}},
        {"x\x1cy", {"X\x1cY"}},
    }));
    INFO(text);
    CHECK(words_of(text) == expected);
}

TEST_CASE("split_words gives no word for empty text or separators only", "[words]") {
    std::string_view text = GENERATE(as<std::string_view>{}, "", " ", "-", "- - --\t", " \t\r\n\v\f",
                                     "\xc2\xa0", "\xe3\x80\x80", " \xc2\xa0-\xe3\x80\x80\t");
    INFO(text);
    CHECK(words_of(text).empty());
}

TEST_CASE("split_words splits on every Unicode White_Space code point", "[words]") {
    auto [text, expected] = GENERATE(table<std::string_view, words>({
        {"cat\xc2\xa0" "face", {"CAT", "FACE"}},          // U+00A0 NO-BREAK SPACE
        {"cat\xe3\x80\x80" "face", {"CAT", "FACE"}},      // U+3000 IDEOGRAPHIC SPACE
        {"\xe3\x80\x80" "cat face\xc2\xa0", {"CAT", "FACE"}},
        {"cat\xc2\x85" "face", {"CAT", "FACE"}},          // U+0085 NEXT LINE
        {"cat\xe2\x80\xa8" "face", {"CAT", "FACE"}},      // U+2028 LINE SEPARATOR
        {"cat\xe2\x80\x83" "face", {"CAT", "FACE"}},      // U+2003 EM SPACE
        {"cat\xe1\x9a\x80" "face", {"CAT", "FACE"}},      // U+1680 OGHAM SPACE MARK
        // Not White_Space: U+200B ZERO WIDTH SPACE, U+2010 HYPHEN.
        {"cat\xe2\x80\x8b" "face", {"CAT\xe2\x80\x8b" "FACE"}},
        {"cat\xe2\x80\x90" "face", {"CAT\xe2\x80\x90" "FACE"}},
    }));
    INFO(text);
    CHECK(words_of(text) == expected);
}

TEST_CASE("split_words upper-cases non-ASCII text with the full case mapping", "[words]") {
    auto [text, expected] = GENERATE(table<std::string_view, words>({
        {"\xc3\x9f", {"SS"}},                                  // ß -> SS
        {"stra\xc3\x9f" "e", {"STRASSE"}},
        {"\xc3\xa9", {"\xc3\x89"}},                            // é -> É
        {"caf\xc3\xa9 na\xc3\xafve", {"CAF\xc3\x89", "NA\xc3\x8fVE"}},
        {"\xc3\x9f-\xc3\xa9", {"SS", "\xc3\x89"}},
        {"\xef\xac\x81", {"FI"}},                              // ﬁ ligature -> FI
        {"\xc5\xbfmall letter \xc4\xb1", {"SMALL", "LETTER", "I"}},  // long s, dotless i
        {"\xce\xb1\xce\xb2\xce\xb3", {"\xce\x91\xce\x92\xce\x93"}},  // αβγ -> ΑΒΓ
        {"\xf0\x9f\x90\xb1 face", {"\xf0\x9f\x90\xb1", "FACE"}},    // 🐱 has no case
    }));
    INFO(text);
    CHECK(words_of(text) == expected);
}

TEST_CASE("split_words reuses its scratch from call to call", "[words]") {
    std::string scratch;
    std::vector<std::string_view> views;
    split_words("a long first query with many words", scratch, views);
    REQUIRE(views.size() == 7);
    split_words("stra\xc3\x9f" "e cat", scratch, views);
    CHECK(std::vector<std::string>(views.begin(), views.end()) == words{"STRASSE", "CAT"});
    split_words("", scratch, views);
    CHECK(views.empty());
    split_words("dog", scratch, views);
    CHECK(std::vector<std::string>(views.begin(), views.end()) == words{"DOG"});
}

TEST_CASE("trim_ascii_space removes only ASCII white space at both ends", "[words]") {
    auto [text, expected] = GENERATE(table<std::string_view, std::string_view>({
        {"", ""},
        {"a", "a"},
        {" \t\r\n\v\f", ""},
        {"  cat face \t\r", "cat face"},
        {"\ncat\n", "cat"},
        {"cat \t face", "cat \t face"},
        {"\xc2\xa0" "cat\xc2\xa0", "\xc2\xa0" "cat\xc2\xa0"},
        {" \xe3\x80\x80 ", "\xe3\x80\x80"},
        {"\x1c" "cat\x1f", "\x1c" "cat\x1f"},
        {" \x03 ", "\x03"},
    }));
    INFO(text);
    CHECK(trim_ascii_space(text) == expected);
}

TEST_CASE("is_ascii_space is true for exactly TAB..CR and SPACE", "[words]") {
    std::string spaces;
    for (int c = 0; c < 256; ++c)
        if (mojifinder::is_ascii_space(static_cast<unsigned char>(c))) spaces.push_back(static_cast<char>(c));
    CHECK(spaces == "\t\n\v\f\r ");
}

TEST_CASE("keyword_words keeps ICU's word segments, case-folded", "[words]") {
    auto [text, fold_accents, expected] = GENERATE(table<std::string_view, bool, words>({
        {"Red heart", false, {"red", "heart"}},
        {"heart-shaped", false, {"heart", "shaped"}},
        {"flag: Japan", false, {"flag", "japan"}},
        {"Katzengesicht", false, {"katzengesicht"}},
        {"coraz" "\xc3\xb3" "n", true, {"corazon"}},                  // corazón
        {"coraz" "\xc3\xb3" "n", false, {"coraz" "\xc3\xb3" "n"}},
        {"CORAZ" "\xc3\x93" "N", true, {"corazon"}},                  // CORAZÓN
        {"coraz" "o\xcc\x81" "n", true, {"corazon"}},                 // o + U+0301, already decomposed
        {"STRASSE", false, {"strasse"}},
        {"Stra" "\xc3\x9f" "e", false, {"strasse"}},                  // Straße: full folding
        {"Stra" "\xc3\x9f" "e", true, {"strasse"}},
        {"\xce\xa3\xce\x8a\xce\xa3\xce\xa5\xce\xa6\xce\x9f\xce\xa3", true,  // ΣΊΣΥΦΟΣ
         {"\xcf\x83\xce\xb9\xcf\x83\xcf\x85\xcf\x86\xce\xbf\xcf\x83"}},  // σισυφοσ
        // Japanese is split by ICU's dictionary: ネコ | の | 顔.
        {"\xe3\x83\x8d\xe3\x82\xb3\xe3\x81\xae\xe9\xa1\x94", false,
         {"\xe3\x83\x8d\xe3\x82\xb3", "\xe3\x81\xae", "\xe9\xa1\x94"}},
        {"\xe7\x8c\xab", false, {"\xe7\x8c\xab"}},                  // 猫
        // Thai, with no spaces, by its dictionary too: ภาษา | ไทย.
        {"\xe0\xb8\xa0\xe0\xb8\xb2\xe0\xb8\xa9\xe0\xb8\xb2\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2", false,
         {"\xe0\xb8\xa0\xe0\xb8\xb2\xe0\xb8\xa9\xe0\xb8\xb2", "\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2"}},
        {"+1", false, {"1"}},
        {"3.14", false, {"3.14"}},
        {"o\xe2\x80\x99" "clock", false, {"o\xe2\x80\x99" "clock"}},  // o’clock: one word
        {"\xf0\x9f\x98\x80", false, {}},                              // 😀
        {"\xe2\x86\x92", false, {}},                                   // →
        {"\xf0\x9f\x90\xb1 Face", false, {"face"}},                    // 🐱 Face
        {" - : ", false, {}},
        {"", false, {}},
    }));
    INFO(text << (fold_accents ? " (accents folded)" : ""));
    CHECK(keyword_words_of(text, fold_accents) == expected);
}

TEST_CASE("keyword_words folds accents only when asked, and only nonspacing marks", "[words]") {
    auto [text, folded, kept] = GENERATE(table<std::string_view, std::string_view, std::string_view>({
        {"\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9", "unicode", "\xc3\xbcn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9"},  // Ünïcödé
        {"\xc3\xa7" "a", "ca", "\xc3\xa7" "a"},                         // ça
        {"\xc3\xb1" "and\xc3\xba", "nandu", "\xc3\xb1" "and\xc3\xba"},  // ñandú
        // Not accents: œ, ø and ł are letters with no decomposition.
        {"\xc5\x92uvre", "\xc5\x93uvre", "\xc5\x93uvre"},                 // Œuvre
        {"\xc3\x98l", "\xc3\xb8l", "\xc3\xb8l"},                         // Øl
        {"\xc5\x81\xc3\xb3" "d\xc5\xba", "\xc5\x82odz", "\xc5\x82\xc3\xb3" "d\xc5\xba"},  // Łódź
    }));
    INFO(text);
    CHECK(keyword_words_of(text, true) == words{std::string(folded)});
    CHECK(keyword_words_of(text, false) == words{std::string(kept)});
}

TEST_CASE("keyword_words reuses its scratch from call to call", "[words]") {
    std::string scratch;
    std::vector<std::string_view> views;
    keyword_words("a long first query with many words", false, scratch, views);
    REQUIRE(views.size() == 7);
    keyword_words("Stra\xc3\x9f" "e coraz\xc3\xb3n", true, scratch, views);
    CHECK(std::vector<std::string>(views.begin(), views.end()) == words{"strasse", "corazon"});
    keyword_words("\xf0\x9f\x98\x80", false, scratch, views);
    CHECK(views.empty());
    keyword_words("Dog", false, scratch, views);
    CHECK(std::vector<std::string>(views.begin(), views.end()) == words{"dog"});
}

TEST_CASE("language_folds_accents by the tag's language part", "[words]") {
    auto [tag, folds] = GENERATE(table<std::string_view, bool>({
        {"en", true}, {"en_AU", true}, {"en-GB", true}, {"es", true}, {"es_419", true},
        {"fr_CA", true}, {"pt_PT", true}, {"vi", true}, {"el", true}, {"ca", true},
        {"af", true}, {"zu", true}, {"pcm", true}, {"fil", true}, {"ast", true},
        {"de", false}, {"de_CH", false}, {"da", false}, {"et", false}, {"fi", false},
        {"hu", false}, {"is", false}, {"nb", false}, {"nn", false}, {"no", false},
        {"sv", false}, {"tr", false}, {"az", false}, {"cs", false}, {"pl", false},
        {"ja", false}, {"zh", false}, {"zh_Hant", false}, {"ko", false}, {"hi", false},
        {"hi_Latn", false}, {"th", false}, {"ar", false}, {"he", false}, {"ru", false},
        {"", false}, {"e", false}, {"eng", false}, {"_en", false},
    }));
    INFO(tag);
    CHECK(language_folds_accents(tag) == folds);
}

TEST_CASE("keyword_words: ASCII text, cut without ICU, gives ICU's word break's words", "[words]") {
    // keyword_words() cuts text of ASCII letters, digits, ' ' and '-' itself;
    // here ICU's word break (root locale) cuts the same text independently.
    std::string_view text = GENERATE(as<std::string_view>{}, "red heart", "heart-shaped eyes", "Thumbs  Up",
                                     "-a1 - B2-", "keycap 10", "e-mail", "h2o 4E00 x", "ABC123def", "--", " ");
    INFO(text);
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    REQUIRE(U_SUCCESS(status));
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    it->setText(u);
    std::vector<std::string> expected;
    for (int32_t start = it->first(), end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next()) {
        if (it->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
        std::string w;
        u.tempSubStringBetween(start, end).toLower(icu::Locale::getRoot()).toUTF8String(w);
        expected.push_back(w);
    }
    std::string scratch;
    std::vector<std::string_view> got;
    mojifinder::keyword_words(text, false, scratch, got);
    CHECK(std::vector<std::string>(got.begin(), got.end()) == expected);
}
