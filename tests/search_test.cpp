// The search layer: the query language by known answers (every kind of term,
// errors, hints, pasted text), by brute force over every entry (prefixes,
// properties, exclusions, phrases, aliases), classic mode against
// index::search, streaming in runs, describe() and identified lines.
// Flow: answer() runs a query and pulls the whole answer through next(),
// checking the runs on the way; brute-force helpers read the index entry by
// entry and ICU code point by code point, independently of the engine.
#include "search.hpp"
#include "words.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace search = mojifinder::search;
using entry_id = mojifinder::index::entry_id;
using code_points = std::vector<char32_t>;

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

struct answer {
    std::string error;
    std::size_t found = 0;
    std::vector<std::string> hints;
    code_points identified;  // in answer order
    code_points entries;     // the named part, in answer order
    code_points all() const {
        code_points out = identified;
        out.insert(out.end(), entries.begin(), entries.end());
        return out;
    }
};

// Runs the query and pulls every run, checking that identified runs come
// first, entry runs are non-empty and strictly ascending, and the lines
// counted equal found().
answer ask(std::string_view query, search::mode m = search::mode::full) {
    static search::scratch scratch;
    search::engine engine(the_index());
    engine.run(query, m, scratch);
    answer a;
    a.error = scratch.error();
    a.found = scratch.found();
    for (auto h : scratch.hints()) a.hints.emplace_back(h);
    search::run r;
    entry_id after = 0;
    bool entries_started = false;
    std::size_t bad_runs = 0;
    while (scratch.next(r)) {
        if (r.identified()) {
            if (entries_started) ++bad_runs;
            a.identified.push_back(r.code_point);
            continue;
        }
        if (r.first >= r.last || (entries_started && r.first <= after)) ++bad_runs;
        entries_started = true;
        for (entry_id e = r.first; e < r.last; ++e) a.entries.push_back(the_index().code_point(e));
        after = r.last;
    }
    CHECK(bad_runs == 0);
    CHECK(a.found == a.identified.size() + a.entries.size());
    CHECK_FALSE(scratch.next(r));  // over is over
    return a;
}

code_points entries_where(const std::function<bool(entry_id)>& keep) {
    code_points out;
    const mojifinder::index& idx = the_index();
    for (entry_id e = 0; e < idx.size(); ++e)
        if (keep(e)) out.push_back(idx.code_point(e));
    return out;
}

std::vector<std::string_view> words_of_name(std::string_view name) {
    std::vector<std::string_view> words;
    while (!name.empty()) {
        std::size_t end = std::min(name.find_first_of(" -"), name.size());
        if (end > 0) words.push_back(name.substr(0, end));
        name.remove_prefix(std::min(end + 1, name.size()));
    }
    return words;
}

// A character's words as the full mode sees them: its name's and, unless it
// is a control, its aliases'.
std::vector<std::string_view> full_words(entry_id e) {
    const mojifinder::index& idx = the_index();
    auto words = words_of_name(idx.name(e));
    for (auto alias : idx.aliases_of(idx.code_point(e))) {
        auto more = words_of_name(alias);
        words.insert(words.end(), more.begin(), more.end());
    }
    return words;
}

bool has(const std::vector<std::string_view>& words, std::string_view w) {
    return std::find(words.begin(), words.end(), w) != words.end();
}

std::string hex(char32_t cp) { return fmt::format("U+{:04X}", static_cast<std::uint32_t>(cp)); }

std::string describe(const code_points& cps) {
    std::string out;
    for (auto cp : cps) out += hex(cp) + " ";
    return out;
}

code_points cat_faces() {
    return {0x1F431, 0x1F638, 0x1F639, 0x1F63A, 0x1F63B, 0x1F63C, 0x1F63D, 0x1F63E, 0x1F63F, 0x1F640};
}

}  // namespace

TEST_CASE("search: known answers for every kind of term", "[search]") {
    auto [query, expected] = GENERATE(table<std::string_view, code_points>({
        // words, as v1
        {"cat face", cat_faces()},
        {"FACE cat", cat_faces()},
        {"heart-shaped", {0x1F60D, 0x1F63B}},
        {"cat - face", cat_faces()},  // a '-' alone separates
        {"4e00", {0x4E00, 0x1F229}},
        // prefix
        {"smil* cat", {0x1F638, 0x1F63A, 0x1F63B, 0x1F63C}},
        {"smile* cat", {0x1F63C}},  // SMILE only, not SMILING
        {"snowm*", {0x2603, 0x26C4, 0x26C7}},
        {"4e0* squared", {0x1F229, 0x1F22A}},  // ...-4E00, ...-4E09
        // exclusion
        {"cat face -smiling", {0x1F431, 0x1F639, 0x1F63C, 0x1F63D, 0x1F63E, 0x1F63F, 0x1F640}},
        {"cat face -smil* -with", {0x1F431, 0x1F63E, 0x1F63F, 0x1F640}},
        {"black chess -\"chess knight\" -rotated -turned", {0x265A, 0x265B, 0x265C, 0x265D, 0x265F, 0x1FA49}},
        // phrase
        {"\"chess black\"", {}},
        {"\"black chess knight\"", {0x265E, 0x1FA07, 0x1FA13, 0x1FA1C, 0x1FA31, 0x1FA3D, 0x1FA46, 0x1FA51, 0x1FA52, 0x1FA53}},
        {"\"heart shaped\"", {0x1F60D, 0x1F63B}},
        {"\"cat face\" -\"face with\"", {0x1F431, 0x1F63E, 0x1F63F, 0x1F640}},
        // code points
        {"U+1F600", {0x1F600}},
        {"u+1f600", {0x1F600}},
        {"0x1F600", {0x1F600}},
        {"U+41", {0x41}},
        {"U+2190..U+2193", {0x2190, 0x2191, 0x2192, 0x2193}},
        {"U+2190..21FF leftwards double", {0x21CD, 0x21D0, 0x21FA}},
        {"U+0000..U+0021", {0x20, 0x21}},  // only the named
        {"U+1F600 face", {0x1F600}},
        {"U+1F600 cat", {}},
        {"U+1F600..U+1F64F cat -smiling", {0x1F639, 0x1F63C, 0x1F63D, 0x1F63E, 0x1F63F, 0x1F640}},
        {"left right double arrow -U+2190..U+21FF", {0x27FA, 0x2904}},
        // properties
        {"block:arrows left double", {0x21CE, 0x21D4, 0x21FC}},
        {"block:Arrows LEFT-RIGHT double -vertical", {0x21CE, 0x21D4}},
        {"script:greek small alpha oxia", {0x1F04, 0x1F05, 0x1F71, 0x1F84, 0x1F85, 0x1FB4}},
        {"script:grek small alpha tonos", {0x3AC}},
        {"gc:Sm left arrow double", {0x21CE, 0x21D4, 0x21FC, 0x27FA, 0x2904}},
        {"gc:math_symbol left arrow double", {0x21CE, 0x21D4, 0x21FC, 0x27FA, 0x2904}},
        {"gc:S cat face", cat_faces()},
        {"gc:L cat face", {}},
        {"age:6.1 cat face", {}},
        {"age:6.0 cat face", cat_faces()},
        {"age:15.0 face", {0x1FAE8}},
        {"emoji:yes cat", {0x1F408, 0x1F431, 0x1F638, 0x1F639, 0x1F63A, 0x1F63B, 0x1F63C, 0x1F63D, 0x1F63E, 0x1F63F, 0x1F640}},
        {"emoji:no cat", {}},  // checked against ICU below
        {"block:emoticons -emoji:yes", {}},
        // aliases (full mode only)
        {"zwj", {0x200D, 0x16B67}},
        {"nbsp", {0xA0}},
        {"byte order mark", {0xFEFF}},
        {"zwsp", {0x200B}},
        {"bom", {0xBD04, 0xFEFF}},
        {"\"byte order mark\"", {0xFEFF}},
        {"zw*", {0x659, 0x12DF, 0x200B, 0x200C, 0x200D, 0xFEFF, 0x16B67}},
        {"nul", {0xB20C}},  // HANGUL SYLLABLE NUL; not U+0000, a control
        {"nel", {0xB12C, 0x11FD5}},  // not U+0085
        // unknown words
        {"xyzzy", {}},
        {"cat xyzzy", {}},
        {"straße", {}},
    }));
    INFO(query);
    answer a = ask(query);
    CHECK(a.error.empty());
    CHECK(a.identified.empty());
    if (query == "emoji:no cat") {
        // Every entry with CAT that is not Emoji=Yes, by ICU.
        auto want = entries_where([](entry_id e) {
            return has(full_words(e), "CAT") && !u_hasBinaryProperty(static_cast<UChar32>(the_index().code_point(e)), UCHAR_EMOJI);
        });
        CHECK(describe(a.entries) == describe(want));
        CHECK(a.entries.size() == 3);
        return;
    }
    CHECK(describe(a.entries) == describe(expected));
}

TEST_CASE("search: counts of huge answers", "[search]") {
    auto [query, count] = GENERATE(table<std::string_view, std::size_t>({
        {"U+0000..U+10FFFF", 149186},
        {"cjk", 98263},
        {"gc:Lo", 131612},
        {"emoji:yes", 1424},
        {"age:15.0", 4489},
        {"gc:Sm", 948},
        {"block:arrows", 112},
        {"script:greek", 518},
    }));
    INFO(query);
    answer a = ask(query);
    CHECK(a.error.empty());
    CHECK(a.found == count);
}

TEST_CASE("search: pasted text is identified, code point by code point, in text order", "[search]") {
    auto [query, identified, entries] = GENERATE(table<std::string_view, code_points, code_points>({
        {"\u2192\u2190", {0x2192, 0x2190}, {}},
        {"\u2192\u2190\U0001F600", {0x2192, 0x2190, 0x1F600}, {}},
        {"\u2192 \u2190", {0x2192, 0x2190}, {}},
        {"\u00E9", {0xE9}, {}},                  // a lone non-ASCII letter
        {"caf\u00E9", {0x63, 0x61, 0x66, 0xE9}, {}},  // a letter no word has: the whole term
        {"e\u0301", {0x65, 0x301}, {}},          // one grapheme, two code points
        {"\U0001F469\u200D\U0001F4BB", {0x1F469, 0x200D, 0x1F4BB}, {}},
        {"\U0001F1EB\U0001F1F7", {0x1F1EB, 0x1F1F7}, {}},
        {"\u4E00\u4E8C", {0x4E00, 0x4E8C}, {}},  // CJK
        {"\uD55C", {0xD55C}, {}},                // Hangul
        {"\u3042", {0x3042}, {}},                // Hiragana
        {":)", {0x3A, 0x29}, {}},
        {"a_b", {0x61, 0x5F, 0x62}, {}},
        {"\uE000", {0xE000}, {}},                // private use: no name, a label
        {"U+0378", {0x378}, {}},                 // a code point with no name
        {"U+0085", {0x85}, {}},
        {"U+E000", {0xE000}, {}},
        // mixed: identified first (text order), then the other terms' answer
        {"cat face \U0001F600", {0x1F600}, cat_faces()},
        {"\U0001F600 cat face", {0x1F600}, cat_faces()},
        {"\u2192 U+2190", {0x2192}, {0x2190}},
        {"\u2192 xyzzy", {0x2192}, {}},
        // in classic mode none of this: see below
    }));
    INFO(query);
    answer a = ask(query);
    CHECK(a.error.empty());
    CHECK(describe(a.identified) == describe(identified));
    CHECK(describe(a.entries) == describe(entries));
    CHECK(a.hints.empty());
}

TEST_CASE("search: what can be a word and what is pasted text", "[search]") {
    // A term is pasted text when, upper-cased (full case mapping), it has a
    // character other than A-Z, 0-9 (and the query syntax '-', '*').
    auto [term, pasted] = GENERATE(table<std::string_view, bool>({
        {"cat", false}, {"CAT", false}, {"4e00", false}, {"xyzzy", false},
        {"stra\u00DFe", false},          // STRASSE: a word, in no name
        {"\u017Fmall", false},           // LONG S upper-cases to S: SMALL
        {"\uFB01sh", false},             // the ligature fi: FISH
        {"\u00E9", true}, {"caf\u00E9", true}, {"\U0001F600", true}, {"\u2192", true},
        {"\u4E00", true}, {"\u30A2", true}, {"\uAC00", true}, {"a.b", true}, {"$", true},
    }));
    INFO(term);
    answer a = ask(term);
    CHECK(a.error.empty());
    CHECK(!a.identified.empty() == pasted);
}

TEST_CASE("search: errors say what is wrong and what was meant", "[search]") {
    auto [query, message] = GENERATE(table<std::string_view, std::string_view>({
        {"*", "a bare '*' matches everything; add letters before it: smil*"},
        {"cat *", "a bare '*' matches everything; add letters before it: smil*"},
        {"-*", "a bare '*' matches everything; add letters before it: smil*"},
        {"sm*il", "'*' goes only at the end of a word, e.g. smil*"},
        {"-left", "only exclusions: add a word to search for, e.g. arrow -left"},
        {"-left -right", "only exclusions: add a word to search for, e.g. arrow -left"},
        {"-\"black chess\"", "only exclusions: add a word to search for, e.g. arrow -left"},
        {"\u2192 -left", "only exclusions: add a word to search for, e.g. arrow -left"},
        {"\"black chess", "unclosed '\"' in the query: close the phrase, e.g. \"black chess\""},
        {"cat \"", "unclosed '\"' in the query: close the phrase, e.g. \"black chess\""},
        {"U+110000", "'U+110000' is out of range: code points go from U+0000 to U+10FFFF"},
        {"0xFFFFFFFF", "'0xFFFFFFFF' is out of range: code points go from U+0000 to U+10FFFF"},
        {"U+2190..U+110000", "'U+2190..U+110000' is out of range: code points go from U+0000 to U+10FFFF"},
        {"U+21FF..U+2190", "reversed range 'U+21FF..U+2190': write the lower code point first, U+2190..U+21FF"},
        {"U+XYZ", "'U+XYZ' is not a code point: write U+ and hex digits, e.g. U+1F600 or U+2190..U+21FF"},
        {"U+", "'U+' is not a code point: write U+ and hex digits, e.g. U+1F600 or U+2190..U+21FF"},
        {"U+2190..", "'U+2190..' is not a code point: write U+ and hex digits, e.g. U+1F600 or U+2190..U+21FF"},
        {"colour:red", "unknown property 'colour'; properties are block, script, gc, age, emoji"},
        {"alphabetic:yes", "unknown property 'alphabetic'; properties are block, script, gc, age, emoji"},
        {"block:arows", "unknown block 'arows'; did you mean: arrows"},
        {"script:greak", "unknown script 'greak'; did you mean: grek, greek, geok"},
        {"gc:Sx", "unknown gc 'Sx'; did you mean: sm, sc, sk"},
        {"age:15.5", "unknown age '15.5'; did you mean: 15.0"},
        {"age:x", "unknown age 'x'; did you mean: 1.1, 2.0, 2.1"},
        {"emoji:maybe", "unknown emoji 'maybe'; did you mean: yes, no"},
        {"block:", "block: needs a value, e.g. block:arrows"},
        {"-\u2192", "cannot exclude '\u2192': it is pasted text, not a word; exclude words, e.g. arrow -left"},
    }));
    INFO(query);
    answer a = ask(query);
    CHECK(a.error == message);
    CHECK(a.found == 0);
    CHECK(a.identified.empty());
    CHECK(a.entries.empty());
    CHECK(a.hints.empty());
}

TEST_CASE("search: properties are named loosely, as ICU's aliases", "[search]") {
    auto [query, count] = GENERATE(table<std::string_view, std::size_t>({
        {"block:arrows", 112}, {"BLOCK:ARROWS", 112}, {"blk:Arrows", 112}, {"block:arr_ows", 112},
        {"script:greek", 518}, {"sc:Grek", 518}, {"Script:GREEK", 518},
        {"gc:Lo", 131612}, {"gc:other_letter", 131612}, {"general_category:lo", 131612}, {"gc:Other-Letter", 131612},
        {"emoji:yes", 1424}, {"emoji:Y", 1424}, {"emoji:true", 1424}, {"EMOJI:T", 1424},
    }));
    INFO(query);
    answer a = ask(query);
    CHECK(a.error.empty());
    CHECK(a.found == count);
}

TEST_CASE("search: did you mean", "[search]") {
    auto [query, hints] = GENERATE(table<std::string_view, std::vector<std::string>>({
        {"snowmam", {"snowman"}},
        {"smiel", {"smile", "small", "gimel"}},
        {"cat faec", {"face", "aec", "baec"}},  // four letters: one edit, a swap counting one
        {"arow", {"arrow"}},
        {"xyzzy", {"dizzy", "zzy"}},
        {"qqqqqqqqqqqq", {}},
        {"\"black chesss\"", {"chess", "chest", "cheeks"}},
        {"qqqq", {}},
    }));
    INFO(query);
    answer a = ask(query);
    CHECK(a.found == 0);
    CHECK(a.hints == hints);
    // Never in classic mode.
    CHECK(ask(query, search::mode::classic).hints.empty());
}

TEST_CASE("search: no hints when something was found or the word exists", "[search]") {
    std::string_view query = GENERATE(as<std::string_view>{}, "cat face", "cat arrow", "smil* xyzzq*", "\u2192 snowmam",
                                      "U+0378 snowmam");
    INFO(query);
    CHECK(ask(query).hints.empty());
}

TEST_CASE("search: prefixes equal a scan of every name's and alias's words", "[search]") {
    std::string_view stem = GENERATE(as<std::string_view>{}, "SMIL", "A", "ZW", "CAT", "X", "4E0", "1F2", "LEFTW",
                                     "B", "SIGNWRITING", "Q", "BYT");
    INFO(stem);
    std::string query = std::string(stem) + "*";
    auto want = entries_where([&](entry_id e) {
        auto words = full_words(e);
        return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return w.starts_with(stem); });
    });
    answer a = ask(query);
    CHECK(a.found == want.size());
    CHECK(a.entries == want);
    // As a filter too (membership by name) and as an exclusion.
    auto with_sign = entries_where([&](entry_id e) {
        auto words = full_words(e);
        return has(words, "SIGN") &&
               std::any_of(words.begin(), words.end(), [&](std::string_view w) { return w.starts_with(stem); });
    });
    CHECK(ask("sign " + query).entries == with_sign);
    auto sign_without = entries_where([&](entry_id e) {
        auto words = full_words(e);
        return has(words, "SIGN") &&
               std::none_of(words.begin(), words.end(), [&](std::string_view w) { return w.starts_with(stem); });
    });
    CHECK(ask("sign -" + query).entries == sign_without);
}

TEST_CASE("search: properties equal ICU asked code point by code point", "[search]") {
    struct check {
        std::string_view query;
        std::function<bool(UChar32)> has;
    };
    auto c = GENERATE(values<check>({
        {"gc:Lo", [](UChar32 cp) { return u_charType(cp) == U_OTHER_LETTER; }},
        {"gc:S", [](UChar32 cp) { return (U_MASK(u_charType(cp)) & U_GC_S_MASK) != 0; }},
        {"gc:Mn", [](UChar32 cp) { return u_charType(cp) == U_NON_SPACING_MARK; }},
        {"gc:Zs", [](UChar32 cp) { return u_charType(cp) == U_SPACE_SEPARATOR; }},
        {"script:greek", [](UChar32 cp) { return u_getIntPropertyValue(cp, UCHAR_SCRIPT) == USCRIPT_GREEK; }},
        {"script:han", [](UChar32 cp) { return u_getIntPropertyValue(cp, UCHAR_SCRIPT) == USCRIPT_HAN; }},
        {"script:common", [](UChar32 cp) { return u_getIntPropertyValue(cp, UCHAR_SCRIPT) == USCRIPT_COMMON; }},
        {"block:arrows", [](UChar32 cp) { return ublock_getCode(cp) == UBLOCK_ARROWS; }},
        {"block:cjk_unified_ideographs_extension_b",
         [](UChar32 cp) { return ublock_getCode(cp) == UBLOCK_CJK_UNIFIED_IDEOGRAPHS_EXTENSION_B; }},
        {"age:15.0", [](UChar32 cp) { UVersionInfo v; u_charAge(cp, v); return v[0] == 15 && v[1] == 0; }},
        {"age:1.1", [](UChar32 cp) { UVersionInfo v; u_charAge(cp, v); return v[0] == 1 && v[1] == 1; }},
        {"age:6.1", [](UChar32 cp) { UVersionInfo v; u_charAge(cp, v); return v[0] == 6 && v[1] == 1; }},
        {"emoji:yes", [](UChar32 cp) { return u_hasBinaryProperty(cp, UCHAR_EMOJI) != 0; }},
        {"emoji:no", [](UChar32 cp) { return u_hasBinaryProperty(cp, UCHAR_EMOJI) == 0; }},
        {"gc:Lu script:latin", [](UChar32 cp) {
             return u_charType(cp) == U_UPPERCASE_LETTER && u_getIntPropertyValue(cp, UCHAR_SCRIPT) == USCRIPT_LATIN; }},
        {"gc:L -script:latin -script:han -script:hangul", [](UChar32 cp) {
             auto sc = u_getIntPropertyValue(cp, UCHAR_SCRIPT);
             return (U_MASK(u_charType(cp)) & U_GC_L_MASK) != 0 && sc != USCRIPT_LATIN && sc != USCRIPT_HAN &&
                    sc != USCRIPT_HANGUL; }},
    }));
    INFO(c.query);
    auto want = entries_where([&](entry_id e) { return c.has(static_cast<UChar32>(the_index().code_point(e))); });
    answer a = ask(c.query);
    CHECK(a.error.empty());
    CHECK(a.found == want.size());
    CHECK(a.entries == want);
}

TEST_CASE("search: words, exclusions and phrases equal brute force (with aliases)", "[search]") {
    struct check {
        std::string_view query;
        std::vector<std::string_view> with, without;
        std::vector<std::string_view> phrase;
    };
    auto c = GENERATE(values<check>({
        {"arrow -left -right", {"ARROW"}, {"LEFT", "RIGHT"}, {}},
        {"latin letter -small -capital", {"LATIN", "LETTER"}, {"SMALL", "CAPITAL"}, {}},
        {"sign -cjk", {"SIGN"}, {"CJK"}, {}},
        {"cjk -ideograph", {"CJK"}, {"IDEOGRAPH"}, {}},
        {"letter -a", {"LETTER"}, {"A"}, {}},
        {"\"black chess\"", {"BLACK", "CHESS"}, {}, {"BLACK", "CHESS"}},
        {"\"latin small letter\"", {"LATIN", "SMALL", "LETTER"}, {}, {"LATIN", "SMALL", "LETTER"}},
        {"\"with dot\" above", {"WITH", "DOT", "ABOVE"}, {}, {"WITH", "DOT"}},
        {"\"cjk unified ideograph\"", {"CJK", "UNIFIED", "IDEOGRAPH"}, {}, {"CJK", "UNIFIED", "IDEOGRAPH"}},
        {"space", {"SPACE"}, {}, {}},
        {"letter", {"LETTER"}, {}, {}},
        {"zero width", {"ZERO", "WIDTH"}, {}, {}},
        // Plain words, some matching through aliases only or through both.
        {"byte order mark", {"BYTE", "ORDER", "MARK"}, {}, {}},
        {"latin capital letter gha", {"LATIN", "CAPITAL", "LETTER", "GHA"}, {}, {}},
        {"zero width no break space", {"ZERO", "WIDTH", "NO", "BREAK", "SPACE"}, {}, {}},
        {"bom", {"BOM"}, {}, {}},
        {"arrow left", {"ARROW", "LEFT"}, {}, {}},
        {"chess black", {"CHESS", "BLACK"}, {}, {}},
        {"mark", {"MARK"}, {}, {}},
        {"left right mark", {"LEFT", "RIGHT", "MARK"}, {}, {}},
        {"syllable gha", {"SYLLABLE", "GHA"}, {}, {}},
    }));
    INFO(c.query);
    const mojifinder::index& idx = the_index();
    auto want = entries_where([&](entry_id e) {
        auto words = full_words(e);
        for (auto w : c.with)
            if (!has(words, w)) return false;
        for (auto w : c.without)
            if (has(words, w)) return false;
        if (c.phrase.empty()) return true;
        auto adjacent = [&](std::string_view name) {
            auto nw = words_of_name(name);
            for (std::size_t i = 0; i + c.phrase.size() <= nw.size(); ++i)
                if (std::equal(c.phrase.begin(), c.phrase.end(), nw.begin() + static_cast<std::ptrdiff_t>(i))) return true;
            return false;
        };
        if (adjacent(idx.name(e))) return true;
        for (auto a : idx.aliases_of(idx.code_point(e)))
            if (adjacent(a)) return true;
        return false;
    });
    answer a = ask(c.query);
    CHECK(a.error.empty());
    CHECK(a.found == want.size());
    CHECK(a.entries == want);
}

TEST_CASE("search: classic mode is index::search, byte for byte", "[search]") {
    std::string_view query = GENERATE(as<std::string_view>{}, "cat face", "smil*", "U+1F600", "arrow -left",
                                      "\"black chess\"", "block:arrows", "nbsp", "zwj", "bom", "\u2192\u2190", "cjk",
                                      "latin small letter", "cjk ideograph", "letter", "-cat--face-", "*",
                                      "snowmam", "heart-shaped", "4E00", "\u017Fmall letter", "xyzzy", "a",
                                      "sign with", "hangul syllable");
    INFO(query);
    mojifinder::search_scratch v1;
    code_points want;
    for (auto e : the_index().search(query, v1)) want.push_back(the_index().code_point(e));
    answer a = ask(query, search::mode::classic);
    CHECK(a.error.empty());
    CHECK(a.hints.empty());
    CHECK(a.identified.empty());
    CHECK(a.found == want.size());
    CHECK(a.entries == want);
}

TEST_CASE("search: controls are never answered, aliases or not", "[search]") {
    // Their aliases (NUL, NEL, CR, LF, ESC, DEL) find only the named
    // characters with such a word (HANGUL SYLLABLE NUL), never the control.
    std::string_view query = GENERATE(as<std::string_view>{}, "nul", "nel", "cr", "lf", "esc", "del", "null",
                                      "U+0000..U+001F", "U+007F..U+009F", "gc:Cc", "line feed");
    INFO(query);
    auto a = ask(query);
    CHECK(std::none_of(a.entries.begin(), a.entries.end(),
                       [](char32_t cp) { return u_charType(static_cast<UChar32>(cp)) == U_CONTROL_CHAR; }));
    CHECK(a.identified.empty());
}

TEST_CASE("search: the answer streams in runs, resumable at any point", "[search]") {
    search::engine engine(the_index());
    search::scratch s;
    SECTION("gc:Lo: runs cover found() lines, ascending") {
        engine.run("gc:Lo", search::mode::full, s);
        std::size_t lines = 0, runs = 0;
        search::run r;
        entry_id after = 0;
        bool ascending = true;
        while (s.next(r)) {
            if (runs > 0 && r.first <= after) ascending = false;
            lines += r.last - r.first;
            after = r.last;
            ++runs;
        }
        CHECK(ascending);
        CHECK(lines == s.found());
        CHECK(runs < 2000);  // long runs: CJK, Hangul, Tangut
    }
    SECTION("a second run() replaces the first, half-read answer") {
        engine.run("U+0000..U+10FFFF", search::mode::full, s);
        search::run r;
        REQUIRE(s.next(r));
        CHECK(r.first == 0);
        CHECK(r.last == the_index().size());
        engine.run("cat face \u2192", search::mode::full, s);
        REQUIRE(s.next(r));
        CHECK(r.identified());
        CHECK(r.code_point == 0x2192);
        std::size_t lines = 0;
        while (s.next(r)) lines += r.last - r.first;
        CHECK(lines == 10);
        engine.run("*", search::mode::full, s);
        CHECK_FALSE(s.next(r));
        CHECK(s.found() == 0);
    }
}

TEST_CASE("describe: what JSON output says of a character", "[search]") {
    // Block names as Unicode writes them (Blocks.txt), not ICU's aliases.
    auto [cp, name, block, gc, age, raw] =
        GENERATE(table<char32_t, std::string_view, std::string_view, std::string_view, std::string_view, bool>({
            {0x1F600, "GRINNING FACE", "Emoticons", "So", "6.1", true},
            {0x1F431, "CAT FACE", "Miscellaneous Symbols and Pictographs", "So", "6.0", true},
            {0x41, "LATIN CAPITAL LETTER A", "Basic Latin", "Lu", "1.1", true},
            {0x2190, "LEFTWARDS ARROW", "Arrows", "Sm", "1.1", true},
            {0x1FAE8, "SHAKING FACE", "Symbols and Pictographs Extended-A", "So", "15.0", true},
            {0x378, "<unassigned-0378>", "Greek and Coptic", "Cn", "", false},
            {0x85, "<control-0085>", "Latin-1 Supplement", "Cc", "1.1", false},
            {0xE000, "<private-use-E000>", "Private Use Area", "Co", "1.1", true},
            {0xFFFF, "<noncharacter-FFFF>", "Specials", "Cn", "1.1", false},
            {0x2FFFF, "<noncharacter-2FFFF>", "No_Block", "Cn", "2.0", false},
            {0xFEFF, "ZERO WIDTH NO-BREAK SPACE", "Arabic Presentation Forms-B", "Cf", "1.1", true},
        }));
    INFO(hex(cp));
    auto info = search::describe(the_index(), cp);
    CHECK(info.code_point == cp);
    CHECK(info.name == name);
    CHECK(info.block == block);
    CHECK(info.gc == gc);
    CHECK(info.age == age);
    CHECK(info.written_raw == raw);
}

TEST_CASE("describe: aliases, in NameAliases.txt order", "[search]") {
    auto [cp, aliases] = GENERATE(table<char32_t, std::vector<std::string_view>>({
        {0xFEFF, {"BYTE ORDER MARK", "BOM", "ZWNBSP"}},
        {0xA0, {"NBSP"}},
        {0x200D, {"ZWJ"}},
        {0x85, {"NEL"}},  // a control: its abbreviation, not its control alias
        {0x1F600, {}},
        {0x1A2, {"LATIN CAPITAL LETTER GHA"}},
    }));
    INFO(hex(cp));
    auto info = search::describe(the_index(), cp);
    CHECK(std::vector<std::string_view>(info.aliases.begin(), info.aliases.end()) == aliases);
}

TEST_CASE("append_identified_line: U+hex TAB character TAB name or label CRLF", "[search]") {
    auto [cp, line] = GENERATE(table<char32_t, std::string_view>({
        {0x2192, "U+2192\t\u2192\tRIGHTWARDS ARROW\r\n"},
        {0x1F600, "U+1F600\t\U0001F600\tGRINNING FACE\r\n"},
        {0x378, "U+0378\t\uFFFD\t<unassigned-0378>\r\n"},
        {0x85, "U+0085\t\uFFFD\t<control-0085>\r\n"},
        {0x0, "U+0000\t\uFFFD\t<control-0000>\r\n"},
        {0x1F, "U+001F\t\uFFFD\t<control-001F>\r\n"},
        {0xE000, "U+E000\t\uE000\t<private-use-E000>\r\n"},
        {0xD800, "U+D800\t\uFFFD\t<surrogate-D800>\r\n"},
        {0xDFFF, "U+DFFF\t\uFFFD\t<surrogate-DFFF>\r\n"},
        {0x10FFFD, "U+10FFFD\t\U0010FFFD\t<private-use-10FFFD>\r\n"},
        {0xFFFF, "U+FFFF\t\uFFFD\t<noncharacter-FFFF>\r\n"},
        {0x10FFFF, "U+10FFFF\t\uFFFD\t<noncharacter-10FFFF>\r\n"},
    }));
    INFO(hex(cp));
    std::string out = "x";
    search::append_identified_line(out, the_index(), cp);
    CHECK(out == "x" + std::string(line));
}

TEST_CASE("search: the ages age: accepts are exactly the Unicode versions that added characters", "[search]") {
    std::vector<std::string> seen;
    for (UChar32 cp = 0; cp <= 0x10FFFF; ++cp) {
        UVersionInfo v;
        u_charAge(cp, v);
        if (v[0] == 0) continue;
        std::string age = fmt::format("{}.{}", v[0], v[1]);
        if (std::find(seen.begin(), seen.end(), age) == seen.end()) seen.push_back(age);
    }
    std::sort(seen.begin(), seen.end());
    CHECK(seen.size() == 25);
    for (const auto& age : seen) {
        INFO(age);
        answer a = ask("age:" + age);
        CHECK(a.error.empty());
        CHECK(a.found > 0);
    }
}

