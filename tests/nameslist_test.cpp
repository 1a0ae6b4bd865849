// datagen/nameslist: NamesList.txt's informal aliases ("\t= shift" under
// U+21E7), in the data file and found by the engine (issue 13).
// Flow: read NamesList.txt here with a few lines of parsing of its own (not
// datagen's reader), then check the index's text of every code point
// against it, and ask the engine for each alias's words (a phrase when it
// has several) and find its character in the answer.
#include "nameslist.hpp"
#include "search.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

// Code point -> its informal aliases, in file order: "\t= " lines after a
// "XXXX\t" line, until the next line that is neither.
std::map<char32_t, std::vector<std::string>> aliases_in_file() {
    std::ifstream in("/usr/share/unicode/NamesList.txt");
    REQUIRE(in);
    std::map<char32_t, std::vector<std::string>> out;
    char32_t cp = 0;
    bool under = false;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line[0] != '\t') {
            std::size_t tab = line.find('\t');
            under = tab >= 4 && tab <= 6 && line.find_first_not_of("0123456789ABCDEF") == tab;
            if (under) cp = static_cast<char32_t>(std::stoul(line.substr(0, tab), nullptr, 16));
        } else if (under && line.rfind("\t= ", 0) == 0) {
            out[cp].push_back(line.substr(3));
        }
    }
    return out;
}

// The alias's words as the issue says names' words are: runs of ASCII
// letters and digits; a query of them (a phrase of several).
std::string query_of(std::string_view alias) {
    std::vector<std::string> words(1);
    for (char c : alias) {
        bool word_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (word_char) words.back() += c;
        else if (!words.back().empty()) words.emplace_back();
    }
    if (words.back().empty()) words.pop_back();
    if (words.empty()) return "";  // "= Á": no word to search by (typed, it is pasted text)
    if (words.size() == 1) return words[0];
    std::string q = "\"";
    for (std::size_t i = 0; i < words.size(); ++i) q += (i ? " " : "") + words[i];
    return q + "\"";
}

bool finds(std::string_view query, char32_t cp) {
    static mojifinder::search::scratch scratch;
    mojifinder::search::engine(the_index()).run(query, mojifinder::search::options{}, scratch);
    mojifinder::search::run r;
    bool found = false;
    while (scratch.next(r))
        for (auto e = r.first; e < r.last; ++e) found = found || (the_index().code_point(e) == cp && !the_index().is_sequence(e));
    return found;
}

}  // namespace

TEST_CASE("NamesList.txt: datagen reads every informal alias", "[nameslist]") {
    auto file = aliases_in_file();
    std::size_t total = 0;
    for (const auto& [cp, list] : file) total += list.size();
    CHECK(total == 2655);  // Unicode 15.0's NamesList.txt
    auto read = mojifinder::datagen::read_informal_aliases("/usr/share/unicode/NamesList.txt");
    REQUIRE(read.size() == total);
    std::size_t i = 0;
    for (const auto& [cp, list] : file)
        for (const std::string& a : list) {
            CHECK(read[i].code_point == cp);
            CHECK(read[i].text == a);
            ++i;
        }
}

TEST_CASE("NamesList.txt: the index has each code point's informal aliases, in file order", "[nameslist]") {
    for (const auto& [cp, list] : aliases_in_file()) {
        INFO(fmt::format("U+{:04X}", static_cast<std::uint32_t>(cp)));
        auto have = the_index().informal_aliases_of(cp);
        REQUIRE(have.size() == list.size());
        std::size_t i = 0;
        for (std::string_view a : have) CHECK(a == list[i++]);
        CHECK(have[list.size() - 1] == list.back());
    }
    CHECK(the_index().informal_aliases_of(U'A').empty());
    CHECK(the_index().informal_aliases_of(0x21E7).front() == "shift");
}

TEST_CASE("NamesList.txt: every informal alias finds its character", "[nameslist]") {
    std::size_t asked = 0, without_entry = 0, without_words = 0;
    for (const auto& [cp, list] : aliases_in_file()) {
        if (the_index().entry_of(cp) == mojifinder::index::no_entry) {  // controls: never answered
            without_entry += list.size();
            continue;
        }
        for (const std::string& a : list) {
            std::string q = query_of(a);
            if (q.empty()) {
                ++without_words;
                continue;
            }
            INFO(fmt::format("U+{:04X} = {}: {}", static_cast<std::uint32_t>(cp), a, q));
            CHECK(finds(q, cp));
            ++asked;
        }
    }
    CHECK(asked + without_entry + without_words == 2655);
    CHECK(asked > 2400);
}

TEST_CASE("informal aliases: the issue's examples", "[nameslist]") {
    auto [query, cp] = GENERATE(table<std::string, char32_t>({
        {"shift", 0x21E7},
        {"command key", 0x2318},
        {"\"command key\"", 0x2318},
        {"paragraph sign", 0x00B6},
        {"\"paragraph sign\"", 0x00B6},
        {"\"delete to the left key\"", 0x232B},
        {"comm*", 0x2318},
        {"slash", 0x0338},  // ibus-typing-booster#698: "= long slash overlay"
    }));
    INFO(query);
    CHECK(finds(query, cp));
    // Informal aliases count in full mode only: classic is v1's names.
    static mojifinder::search::scratch scratch;
    mojifinder::search::engine(the_index()).run(query, mojifinder::search::mode::classic, scratch);
    mojifinder::search::run r;
    bool classic_found = false;
    while (scratch.next(r))
        for (auto e = r.first; e < r.last; ++e) classic_found = classic_found || the_index().code_point(e) == cp;
    CHECK_FALSE(classic_found);
}
