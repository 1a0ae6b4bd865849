// split_words and trim_ascii_space: how queries and names become words.
#include "words.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using mojifinder::split_words;
using mojifinder::trim_ascii_space;

namespace {

std::vector<std::string> words_of(std::string_view text) {
    std::string scratch;
    std::vector<std::string_view> views;
    split_words(text, scratch, views);
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
