// The index against ICU itself: what it holds, every answer line byte for
// byte, every posting list, and search by known answers and by brute force.
// Flow: icu_names() asks ICU for the name of every code point once; each test
// walks that list and the index side by side, counting mismatches and keeping
// the first one for the report, so a failure is one readable assertion.
#include "index.hpp"
#include "words.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <functional>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

using mojifinder::search_scratch;
using entry_id = mojifinder::index::entry_id;

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

// What the index should hold, read from ICU one code point at a time, the
// way PROTOCOL.md defines it (not the enumeration the index itself uses).
struct named_char {
    char32_t code_point;
    std::string name;
};

const std::vector<named_char>& icu_names() {
    static const std::vector<named_char> names = [] {
        std::vector<named_char> all;
        char buffer[256];
        std::size_t failures = 0;
        for (UChar32 c = 0x20; c <= 0x10FFFF; ++c) {
            UErrorCode status = U_ZERO_ERROR;
            int32_t size = u_charName(c, U_UNICODE_CHAR_NAME, buffer, sizeof buffer, &status);
            if (U_FAILURE(status)) ++failures;
            else if (size > 0) all.push_back({static_cast<char32_t>(c), std::string(buffer, std::size_t(size))});
        }
        REQUIRE(failures == 0);
        return all;
    }();
    return names;
}

std::string utf8(char32_t cp) {
    std::string out;
    icu::UnicodeString(static_cast<UChar32>(cp)).toUTF8String(out);
    return out;
}

std::string expected_line(const named_char& c) {
    return fmt::format("U+{:04X}\t{}\t{}\r\n", static_cast<std::uint32_t>(c.code_point), utf8(c.code_point),
                       c.name);
}

// The words of an ICU name: they are upper-case ASCII, separated by ' ' or '-'.
std::vector<std::string> name_words(std::string_view name) {
    std::vector<std::string> words;
    std::string word;
    for (char c : name) {
        if (c == ' ' || c == '-') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

std::vector<char32_t> code_points(std::span<const entry_id> entries) {
    std::vector<char32_t> out;
    for (auto e : entries) out.push_back(the_index().code_point(e));
    return out;
}

std::vector<char32_t> search(std::string_view query) {
    search_scratch scratch;
    return code_points(the_index().search(query, scratch));
}

// Every named character whose name has each word of the query.
std::vector<char32_t> brute_force(std::string_view query) {
    std::string scratch;
    std::vector<std::string_view> query_words;
    mojifinder::split_words(query, scratch, query_words);
    std::vector<char32_t> out;
    if (query_words.empty()) return out;
    for (const auto& c : icu_names()) {
        auto words = name_words(c.name);
        bool all = std::all_of(query_words.begin(), query_words.end(), [&](std::string_view w) {
            return std::find(words.begin(), words.end(), w) != words.end();
        });
        if (all) out.push_back(c.code_point);
    }
    return out;
}

std::optional<entry_id> find_entry(char32_t cp) {
    const mojifinder::index& idx = the_index();
    entry_id lo = 0, hi = static_cast<entry_id>(idx.size());
    while (lo < hi) {
        entry_id mid = lo + (hi - lo) / 2;
        if (idx.code_point(mid) < cp) lo = mid + 1; else hi = mid;
    }
    if (lo < idx.size() && idx.code_point(lo) == cp) return lo;
    return std::nullopt;
}

// The entries that are characters, in order: names[i] is characters()[i].
// (The emoji sequences among them are data_test's.)
const std::vector<entry_id>& characters() {
    static const std::vector<entry_id> out = [] {
        std::vector<entry_id> v;
        for (entry_id e = 0; e < the_index().size(); ++e)
            if (!the_index().is_sequence(e)) v.push_back(e);
        return v;
    }();
    return out;
}

std::vector<char32_t> cat_faces() {
    return {0x1F431, 0x1F638, 0x1F639, 0x1F63A, 0x1F63B, 0x1F63C, 0x1F63D, 0x1F63E, 0x1F63F, 0x1F640};
}

constexpr std::size_t icu72_named_count = 149186;
constexpr std::size_t icu72_cjk_count = 98263;

}  // namespace

TEST_CASE("the index holds every code point from U+0020 up that ICU 72 names", "[index]") {
    const mojifinder::index& idx = the_index();
    const auto& names = icu_names();
    CHECK(names.size() == icu72_named_count);
    REQUIRE(characters().size() == names.size());
    CHECK(idx.size() == names.size() + idx.sequences().size());

    std::size_t wrong = 0;
    std::string first_wrong;
    for (std::size_t i = 0; i < names.size(); ++i) {
        entry_id e = characters()[i];
        if (idx.code_point(e) == names[i].code_point && idx.name(e) == names[i].name) continue;
        if (wrong++ == 0)
            first_wrong = fmt::format("entry {}: U+{:04X} {} (ICU: U+{:04X} {})", e,
                                      static_cast<std::uint32_t>(idx.code_point(e)), idx.name(e),
                                      static_cast<std::uint32_t>(names[i].code_point), names[i].name);
    }
    INFO(first_wrong);
    CHECK(wrong == 0);
}

TEST_CASE("every answer line is U+hex TAB character TAB name CRLF", "[index]") {
    const mojifinder::index& idx = the_index();
    const auto& names = icu_names();
    REQUIRE(characters().size() == names.size());

    SECTION("each line, against ICU's name and an independent formatting") {
        std::size_t wrong = 0;
        std::string first_wrong;
        for (std::size_t i = 0; i < names.size(); ++i) {
            entry_id e = characters()[i];
            std::string expected = expected_line(names[i]);
            if (idx.line(e) == expected) continue;
            if (wrong++ == 0) first_wrong = fmt::format("entry {}: {:?} (expected {:?})", e, idx.line(e), expected);
        }
        INFO(first_wrong);
        CHECK(wrong == 0);
    }
    SECTION("the lines of consecutive entries are one view") {
        std::string all;
        for (entry_id e = 0; e < idx.size(); ++e) all += idx.line(e);
        CHECK(idx.lines(0, static_cast<entry_id>(idx.size())) == all);
        // U+0020..U+0022, then U+0023 and its keycap sequence, then U+0024.
        CHECK(idx.lines(2, 6) == expected_line(names[2]) + expected_line(names[3]) +
                                     "U+0023 U+FE0F U+20E3\t#\uFE0F\u20E3\tKEYCAP: #\r\n" + expected_line(names[4]));
        CHECK(idx.lines(3, 3).empty());
    }
    SECTION("the characters' code points are strictly ascending") {
        std::size_t out_of_order = 0;
        for (std::size_t i = 1; i < characters().size(); ++i)
            if (idx.code_point(characters()[i - 1]) >= idx.code_point(characters()[i])) ++out_of_order;
        CHECK(out_of_order == 0);
    }
}

TEST_CASE("spot checks: 4- and 5-digit code points, algorithmic names", "[index]") {
    auto [cp, line] = GENERATE(table<char32_t, std::string_view>({
        {0x20, "U+0020\t \tSPACE\r\n"},
        {0x41, "U+0041\tA\tLATIN CAPITAL LETTER A\r\n"},
        {0x7E, "U+007E\t~\tTILDE\r\n"},
        {0xA0, "U+00A0\t\xc2\xa0\tNO-BREAK SPACE\r\n"},
        {0x3000, "U+3000\t\xe3\x80\x80\tIDEOGRAPHIC SPACE\r\n"},
        {0x4E00, "U+4E00\t\xe4\xb8\x80\tCJK UNIFIED IDEOGRAPH-4E00\r\n"},
        {0xAC00, "U+AC00\t\xea\xb0\x80\tHANGUL SYLLABLE GA\r\n"},
        {0xD7A3, "U+D7A3\t\xed\x9e\xa3\tHANGUL SYLLABLE HIH\r\n"},
        {0x1F431, "U+1F431\t\xf0\x9f\x90\xb1\tCAT FACE\r\n"},
        {0x20000, "U+20000\t\xf0\xa0\x80\x80\tCJK UNIFIED IDEOGRAPH-20000\r\n"},
        {0xE0001, "U+E0001\t\xf3\xa0\x80\x81\tLANGUAGE TAG\r\n"},
        {0xE01EF, "U+E01EF\t\xf3\xa0\x87\xaf\tVARIATION SELECTOR-256\r\n"},
    }));
    INFO(fmt::format("U+{:04X}", static_cast<std::uint32_t>(cp)));
    auto e = find_entry(cp);
    REQUIRE(e.has_value());
    const mojifinder::index& idx = the_index();
    CHECK(idx.code_point(*e) == cp);
    CHECK(idx.line(*e) == line);
    std::string_view name = line.substr(line.rfind('\t') + 1);
    name.remove_suffix(2);
    CHECK(idx.name(*e) == name);
}

TEST_CASE("unnamed code points are not indexed", "[index]") {
    // Controls have no Unicode name (only an alias); private use, surrogates
    // and noncharacters have none either.
    char32_t cp = GENERATE(as<char32_t>{}, 0x0, 0x1F, 0x7F, 0x80, 0x9F, 0xD800, 0xDFFF, 0xE000, 0xF8FF,
                           0xFFFE, 0xFFFF, 0xF0000, 0x100000, 0x10FFFD, 0x10FFFF);
    INFO(fmt::format("U+{:04X}", static_cast<std::uint32_t>(cp)));
    CHECK_FALSE(find_entry(cp).has_value());
}

TEST_CASE("answer lines have at least four hex digits, up to six", "[index]") {
    auto [cp, name, line] = GENERATE(table<char32_t, std::string_view, std::string_view>({
        {0x20, "SPACE", "U+0020\t \tSPACE\r\n"},
        {0xE9, "LATIN SMALL LETTER E WITH ACUTE", "U+00E9\t\u00E9\tLATIN SMALL LETTER E WITH ACUTE\r\n"},
        {0xFFFD, "REPLACEMENT CHARACTER", "U+FFFD\t\uFFFD\tREPLACEMENT CHARACTER\r\n"},
        {0x1F431, "CAT FACE", "U+1F431\t\U0001F431\tCAT FACE\r\n"},
        {0x100000, "SOME NAME", "U+100000\t\xf4\x80\x80\x80\tSOME NAME\r\n"},
        {0x10FFFF, "LAST", "U+10FFFF\t\xf4\x8f\xbf\xbf\tLAST\r\n"},
    }));
    // Appends: what was there stays.
    std::string out = "x";
    mojifinder::append_answer_line(out, cp, name);
    CHECK(out.front() == 'x');
    CHECK(out.substr(1) == line);
}

TEST_CASE("ICU 72 names no code point with six hex digits", "[index]") {
    // So no answer line has a 6-digit code point: U+E01EF is the last entry.
    const mojifinder::index& idx = the_index();
    REQUIRE(idx.size() > 0);
    CHECK(idx.code_point(static_cast<entry_id>(idx.size() - 1)) == 0xE01EF);
    CHECK(icu_names().back().code_point == 0xE01EF);
}

TEST_CASE("every word's posting list is exactly the entries whose name has it", "[index]") {
    const mojifinder::index& idx = the_index();
    const auto& names = icu_names();
    REQUIRE(characters().size() == names.size());
    std::unordered_map<std::string, std::vector<entry_id>> postings;
    for (std::size_t i = 0; i < names.size(); ++i) {
        entry_id e = characters()[i];
        for (auto& w : name_words(names[i].name)) {
            auto& list = postings[w];
            if (list.empty() || list.back() != e) list.push_back(e);  // once per name
        }
    }
    CHECK(idx.word_count() == postings.size());
    std::size_t wrong = 0;
    std::string first_wrong;
    for (const auto& [word, list] : postings) {
        auto got = idx.entries_with(word);
        if (std::equal(got.begin(), got.end(), list.begin(), list.end())) continue;
        if (wrong++ == 0) first_wrong = fmt::format("{}: {} entries, expected {}", word, got.size(), list.size());
    }
    INFO(first_wrong);
    CHECK(wrong == 0);
}

TEST_CASE("entries_with: words no name has", "[index]") {
    // Words are looked up as they are: upper-case, one at a time.
    std::string_view word = GENERATE(as<std::string_view>{}, "", "cat", "Cat", "XYZZY", "CAT FACE", "CAT-FACE",
                                     " CAT", "CATS");
    INFO(word);
    CHECK(the_index().entries_with(word).empty());
    CHECK_FALSE(the_index().entries_with("CAT").empty());
}

TEST_CASE("search: known answers", "[index]") {
    auto [query, expected] = GENERATE(table<std::string_view, std::vector<char32_t>>({
        {"cat face", cat_faces()},
        {"DOLLAR SIGN", {0x24, 0xFE69, 0xFF04, 0x1F10F, 0x1F4B2, 0x1F4B5, 0xE0024}},
        {"LANGUAGE TAG", {0xE0001}},
        {"hangul syllable ga", {0xAC00}},
        {"heart-shaped", {0x1F60D, 0x1F63B}},
        {"4E00", {0x4E00, 0x1F229}},  // CJK UNIFIED IDEOGRAPH-4E00, SQUARED CJK UNIFIED IDEOGRAPH-4E00
        {"IDEOGRAPH-4E00", {0x4E00, 0x1F229}},
        {"unified 4e00 cjk ideograph", {0x4E00, 0x1F229}},
        {"CJK UNIFIED IDEOGRAPH 20000", {0x20000}},
    }));
    INFO(query);
    CHECK(search(query) == expected);
}

TEST_CASE("search: CJK gives every name with the word CJK", "[index]") {
    auto found = search("CJK");
    CHECK(found.size() == icu72_cjk_count);
    std::size_t independent = 0;
    for (const auto& c : icu_names()) {
        auto words = name_words(c.name);
        if (std::find(words.begin(), words.end(), "CJK") != words.end()) ++independent;
    }
    CHECK(independent == icu72_cjk_count);
    CHECK(found == brute_force("CJK"));
}

TEST_CASE("search equals a brute-force scan of ICU's names", "[index]") {
    std::string_view query = GENERATE(as<std::string_view>{}, "cat face", "LETTER", "DOT", "DOT BELOW",
                                      "small letter a", "latin small letter i", "WITH", "SIGN",
                                      "hangul syllable", "tag", "a", "1", "face with", "ideograph cjk",
                                      // Intersections of every shape: lists of similar size that
                                      // cluster in different blocks, a short list against a long
                                      // one, against CJK's 98,000, three and four words.
                                      "arrow left", "left arrow", "chess black", "black chess knight",
                                      "smiling cat face", "cjk stroke", "cjk compatibility ideograph",
                                      "latin small letter", "latin capital letter a with", "sign with",
                                      "arrow with left right", "4E00 cjk");
    INFO(query);
    auto found = search(query);
    CHECK(found == brute_force(query));
    CHECK_FALSE(found.empty());
}

TEST_CASE("search: words whose lists never meet find nothing", "[index]") {
    std::string_view query = GENERATE(as<std::string_view>{}, "cjk arrow", "arrow cjk", "hangul chess",
                                      "chess black cat", "letter 4E00", "tag arrow");
    INFO(query);
    CHECK(search(query).empty());
    CHECK(brute_force(query).empty());
}

TEST_CASE("search: unknown words find nothing", "[index]") {
    std::string_view query = GENERATE(as<std::string_view>{}, "xyzzy", "cat xyzzy", "xyzzy cat",
                                      "CJK xyzzy", "cat face xyzzy", "cats", "\xc3\xa9",
                                      "stra\xc3\x9f" "e", "cat face dog");
    INFO(query);
    CHECK(search(query).empty());
    CHECK(brute_force(query).empty());
}

TEST_CASE("search: a query with no words finds nothing", "[index]") {
    std::string_view query = GENERATE(as<std::string_view>{}, "", " ", "-", "\t-\t", "\xc2\xa0",
                                      "\xe3\x80\x80");
    INFO(query);
    CHECK(search(query).empty());
}

TEST_CASE("search: repeated words, case, hyphens and white space do not matter", "[index]") {
    SECTION("cat face") {
        std::string_view query = GENERATE(as<std::string_view>{},
            "cat cat face", "face cat face cat", "cat face cat-face",         // repeated
            "CAT FACE", "Cat Face", "cAT fACE", "face CAT",                    // case, order
            "cat-face", "-cat--face-", "CAT-FACE",                            // hyphens
            "  cat face  ", "\tcat\tface\t", "\r\ncat face\n",                // ASCII white space
            "cat\xc2\xa0" "face", "\xe3\x80\x80" "cat\xe3\x80\x80" "face");   // NBSP, U+3000
        INFO(query);
        CHECK(search(query) == cat_faces());
    }
    SECTION("hangul syllable ga") {
        std::string_view query = GENERATE(as<std::string_view>{}, "HANGUL SYLLABLE-GA",
                                          "hangul-syllable-ga", "ga syllable hangul ga");
        INFO(query);
        CHECK(search(query) == std::vector<char32_t>{0xAC00});
    }
    SECTION("CJK") {
        std::string_view query = GENERATE(as<std::string_view>{}, "cjk", "CJK CJK", "Cjk cJK -CJK-");
        INFO(query);
        CHECK(search(query).size() == icu72_cjk_count);
    }
    SECTION("non-ASCII letters that upper-case to ASCII") {
        // U+017F LATIN SMALL LETTER LONG S -> S, U+0131 LATIN SMALL LETTER DOTLESS I -> I
        CHECK(search("latin \xc5\xbfmall letter \xc4\xb1") == search("LATIN SMALL LETTER I"));
        CHECK(search("LATIN SMALL LETTER I").size() == 32);
    }
}

TEST_CASE("search: a name with a word twice is listed once", "[index]") {
    // U+0696 ARABIC LETTER REH WITH DOT BELOW AND DOT ABOVE,
    // U+01C5 LATIN CAPITAL LETTER D WITH SMALL LETTER Z WITH CARON.
    auto [query, cp] = GENERATE(table<std::string_view, char32_t>({
        {"DOT", 0x696}, {"DOT BELOW", 0x696}, {"dot dot above below", 0x696}, {"LETTER", 0x1C5},
        {"WITH CARON", 0x1C5}, {"letter letter", 0x1C5}}));
    INFO(query);
    auto found = search(query);
    CHECK(std::count(found.begin(), found.end(), cp) == 1);
    CHECK(std::adjacent_find(found.begin(), found.end(), std::greater_equal<>()) == found.end());
    CHECK(found == brute_force(query));
}

TEST_CASE("search: one scratch serves query after query", "[index]") {
    const mojifinder::index& idx = the_index();
    search_scratch a, b;
    // Intersections land in the scratch, single words point into the index:
    // alternate both kinds and two scratches.
    CHECK(code_points(idx.search("cat face", a)) == cat_faces());
    CHECK(idx.search("CJK", a).size() == icu72_cjk_count);
    CHECK(code_points(idx.search("dollar sign", b)) ==
          std::vector<char32_t>{0x24, 0xFE69, 0xFF04, 0x1F10F, 0x1F4B2, 0x1F4B5, 0xE0024});
    CHECK(idx.search("xyzzy", a).empty());
    CHECK(code_points(idx.search("cat face", a)) == cat_faces());
    CHECK(code_points(idx.search("LANGUAGE TAG", b)) == std::vector<char32_t>{0xE0001});
    CHECK(code_points(idx.search("cat-face", a)) == cat_faces());
}

TEST_CASE("code point -> entry: entry_of and first_entry_from", "[index]") {
    const mojifinder::index& idx = the_index();
    SECTION("every named code point, and the unnamed between them") {
        std::size_t wrong = 0;
        char32_t previous = 0x1F;
        for (entry_id e : characters()) {
            char32_t cp = idx.code_point(e);
            if (idx.entry_of(cp) != e || idx.first_entry_from(cp) != e) ++wrong;
            if (cp > previous + 1 && (idx.entry_of(cp - 1) != mojifinder::index::no_entry ||
                                      idx.first_entry_from(previous + 1) != e))
                ++wrong;
            previous = cp;
        }
        CHECK(wrong == 0);
    }
    auto [cp, first] = GENERATE(table<char32_t, entry_id>({
        // Keycap sequences follow #, * and 0-9: 12 of them before U+007E.
        {0x0, 0}, {0x20, 0}, {0x21, 1}, {0x7E, 94 + 12}, {0x7F, 95 + 12}, {0xA0, 95 + 12},
        {0x10FFFF, 151464}, {0xE01F0, 151464},
    }));
    INFO(fmt::format("U+{:04X}", static_cast<std::uint32_t>(cp)));
    CHECK(idx.first_entry_from(cp) == first);
}

TEST_CASE("the vocabulary: by prefix, letter classes", "[index]") {
    const mojifinder::index& idx = the_index();
    SECTION("words are upper-case ASCII letters and digits only") {
        // What makes any other character in a query term pasted text.
        std::size_t odd = 0;
        for (mojifinder::index::word_id w = 0; w < idx.vocabulary_size(); ++w) {
            auto text = idx.word(w);
            odd += static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
                return !((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
            }));
        }
        CHECK(odd == 0);
    }
    SECTION("for_each_word_with_prefix against a scan") {
        auto [prefix, count] = GENERATE(table<std::string_view, std::size_t>({
            {"SMIL", 2}, {"SMILE", 1},  // SMILE, SMILING {"ZZZZ", 0}, {"CAT", 0}, {"LEFTWARDS", 1}, {"A", 0}, {"Z", 0}, {"", 0},
            {"4E", 0}, {"_", 0}, {"Q", 0},
        }));
        INFO(prefix);
        std::vector<mojifinder::index::word_id> want, got;
        for (mojifinder::index::word_id w = 0; w < idx.vocabulary_size(); ++w)
            if (idx.word(w).starts_with(prefix)) want.push_back(w);
        idx.for_each_word_with_prefix(prefix, [&](mojifinder::index::word_id w) { got.push_back(w); });
        std::sort(got.begin(), got.end());  // a one-character prefix: group by group
        CHECK(got == want);
        if (count > 0) CHECK(got.size() == count);
        CHECK(idx.words_sharing_start("").size() == idx.vocabulary_size());
    }
    SECTION("letter_classes") {
        CHECK(mojifinder::index::letter_classes_of("ABZ") == ((1u << 0) | (1u << 1) | (1u << 25)));
        CHECK(mojifinder::index::letter_classes_of("06") == (1u << 26));
    }
    SECTION("self_named_with_prefix: algorithmic names' hex words") {
        auto [prefix, count] = GENERATE(table<std::string_view, std::size_t>({
            // 4E00..4E0F less 4E00 and 4E09, whose hex words are also words of
            // SQUARED CJK UNIFIED IDEOGRAPH-4E00/-4E09 and so in the word table.
            {"4E0", 14}, {"4E00", 0}, {"4E01", 1}, {"4E", 251}, {"2A6D", 16}, {"G", 0}, {"", 0}, {"1234567", 0},
        }));
        INFO(prefix);
        std::size_t got = 0;
        for (auto run : idx.self_named_with_prefix(prefix).runs) got += run.size();
        CHECK(got == count);
    }
}

TEST_CASE("other names (formal aliases, sequences' names): their own posting lists, controls left out", "[index]") {
    const mojifinder::index& idx = the_index();
    auto [word, cps] = GENERATE(table<std::string_view, std::vector<char32_t>>({
        {"ZWJ", {0x200D}}, {"NBSP", {0xA0}}, {"BOM", {0xFEFF}}, {"BYTE", {0xFEFF}}, {"ZWSP", {0x200B}},
        {"NUL", {}}, {"NEL", {}}, {"GHA", {0x1A2, 0x1A3}},
        // Sequences' names: BLACK CAT is U+1F408 U+200D U+2B1B; CURAÇAO is
        // left to the keywords (only words of A-Z and 0-9 are other names).
        {"CAT", {0x1F408}}, {"CURACAO", {}}, {"CURA", {}}, {"DOG", {0x1F415}},  // SERVICE DOG
        {"FIREFIGHTER", {0x1F468, 0x1F468, 0x1F468, 0x1F468, 0x1F468, 0x1F468, 0x1F469, 0x1F469, 0x1F469, 0x1F469,
                         0x1F469, 0x1F469, 0x1F9D1, 0x1F9D1, 0x1F9D1, 0x1F9D1, 0x1F9D1, 0x1F9D1}},
    }));
    INFO(word);
    CHECK(code_points(idx.alias_entries_with(word)) == cps);
    // The names' lists know nothing of aliases.
    CHECK(idx.entries_with("ZWJ").size() == 1);  // PAHAWH HMONG SIGN ZWJ THAJ
    CHECK(idx.entries_with("NBSP").empty());
    CHECK(idx.aliases_of(0xFEFF).size() == 3);
    CHECK(idx.aliases_of(0x0).size() == 1);  // NUL: kept for describe()
    CHECK(idx.alias_words().size() > 300);
}

TEST_CASE("informal aliases' and Unihan's word tables: sorted distinct words, ascending lists", "[index][issue13]") {
    const mojifinder::index& idx = the_index();
    struct table {
        std::string_view name;
        const mojifinder::index::word_table* words;
        std::size_t at_least;  // words (Unicode 15.0's files)
    };
    std::vector<table> tables = {{"informal", &idx.informal_words(), 2000},
                                 {"kDefinition", &idx.definition_words(), 10000}};
    constexpr std::string_view readings[] = {"kMandarin", "kCantonese", "kJapaneseKun", "kJapaneseOn", "kKorean", "kVietnamese"};
    for (std::size_t r = 0; r < std::size(readings); ++r)
        tables.push_back({readings[r], &idx.reading_words(static_cast<mojifinder::reading>(r)), 300});
    for (const table& t : tables) {
        INFO(t.name);
        const auto& w = *t.words;
        CHECK(w.size() >= t.at_least);
        std::size_t unsorted = 0, bad_lists = 0, bad_words = 0;
        for (std::size_t i = 0; i < w.size(); ++i) {
            if (i > 0 && !(w.word(i - 1) < w.word(i))) ++unsorted;
            auto list = w.entries_of(i);
            if (list.empty() || list.back() >= idx.size() || std::adjacent_find(list.begin(), list.end(), std::greater_equal<>()) != list.end())
                ++bad_lists;
            // Names' words (informal, definitions): A-Z and 0-9 only.
            bool name_like = t.name == "informal" || t.name == "kDefinition";
            if (name_like && w.word(i).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string_view::npos)
                ++bad_words;
            if (w.entries_with(w.word(i)).data() != list.data()) ++bad_lists;
        }
        CHECK(unsorted == 0);
        CHECK(bad_lists == 0);
        CHECK(bad_words == 0);
    }
    CHECK(idx.informal_words().entries_with("SHIFT").size() >= 2);
    CHECK(idx.informal_words().entries_with("NOSUCHWORD").empty());
    CHECK(idx.reading_words(mojifinder::reading::mandarin).entries_with("shui3").size() == 8);
}

TEST_CASE("lead unions: per first byte, every entry of the table's words that start with it", "[index][issue13]") {
    const mojifinder::index& idx = the_index();
    // The union made here word by word, against the data file's one list.
    auto check_table = [](auto&& for_each_word, auto&& lead_of) {
        std::vector<std::vector<entry_id>> want(256);
        for_each_word([&](std::string_view word, std::span<const entry_id> list) {
            REQUIRE(!word.empty());
            auto& lead = want[static_cast<unsigned char>(word[0])];
            lead.insert(lead.end(), list.begin(), list.end());
        });
        std::size_t wrong = 0, non_empty = 0;
        for (std::size_t b = 0; b < want.size(); ++b) {
            std::sort(want[b].begin(), want[b].end());
            want[b].erase(std::unique(want[b].begin(), want[b].end()), want[b].end());
            auto got = lead_of(static_cast<char>(b));
            if (!std::equal(got.begin(), got.end(), want[b].begin(), want[b].end())) ++wrong;
            non_empty += !got.empty();
        }
        CHECK(wrong == 0);
        return non_empty;
    };
    SECTION("names") {
        std::size_t leads = check_table(
            [&](auto&& f) {
                for (mojifinder::index::word_id w = 0; w < idx.vocabulary_size(); ++w) f(idx.word(w), idx.entries_of(w));
            },
            [&](char c) { return idx.entries_with_lead(c); });
        CHECK(leads == 36);  // A-Z, 0-9
        CHECK(idx.entries_with_lead('P').size() == 4'424);  // from 4,702 postings of 1,080 words
    }
    SECTION("word tables") {
        for (const auto* t : {&idx.informal_words(), &idx.definition_words()}) {
            std::size_t leads = check_table(
                [&](auto&& f) {
                    for (std::size_t i = 0; i < t->size(); ++i) f(t->word(i), t->entries_of(i));
                },
                [&](char c) { return t->entries_with_lead(c); });
            CHECK(leads > 0);
        }
        CHECK(idx.definition_words().entries_with_lead('P').size() == 5'014);  // from 5,879 postings of 832 words
        // The readings' tables have none (prefixes never look readings up).
        CHECK(idx.reading_words(mojifinder::reading::mandarin).entries_with_lead('s').empty());
    }
}

TEST_CASE("a sorted table's words with a prefix: past_prefix bounds them", "[index][issue13]") {
    using mojifinder::index;
    auto [prefix, past] = GENERATE(table<std::string, std::string>({
        {"P", "Q"}, {"SMIL", "SMIM"}, {"", ""}, {"A\xFF", "B"}, {"\xFF\xFF", ""}, {"Z9", "Z:"},
    }));
    INFO(prefix);
    CHECK(index::past_prefix(prefix) == past);
    const index& idx = the_index();
    for (const auto* t : {&idx.informal_words(), &idx.definition_words()}) {
        std::vector<std::string_view> want, got;
        for (std::size_t i = 0; i < t->size(); ++i)
            if (t->word(i).starts_with(prefix)) want.push_back(t->word(i));
        t->for_each_with_prefix(prefix, [&](std::string_view w, std::span<const index::entry_id>) { got.push_back(w); });
        CHECK(got == want);
    }
}
