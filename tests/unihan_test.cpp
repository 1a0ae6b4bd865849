// datagen/unihan: Unihan_Readings.txt's definitions and readings, in the
// data file and found by the engine (issue 13).
// Flow: read Unihan_Readings.txt.bz2 here through bzcat (not datagen's
// libbz2 reader), check the index's text of every code point against it,
// then ask the engine for a deterministic sample of 1,000 definitions (a
// word of each) and 1,000 readings (spread over the six fields, scoped) and
// find each character in its answer; last, the examples and
// /readings' effect.
#include "unihan.hpp"
#include "search.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

constexpr std::string_view field_names[] = {"kDefinition", "kMandarin", "kCantonese", "kJapaneseKun",
                                            "kJapaneseOn", "kKorean", "kVietnamese"};
constexpr std::string_view scopes[] = {"", "pinyin", "cantonese", "kun", "on", "korean", "vietnamese"};

struct field_line {
    char32_t cp;
    std::size_t field;  // into field_names
    std::string text;
};

// Every line of those seven fields, in file order.
const std::vector<field_line>& file_lines() {
    static const std::vector<field_line> lines = [] {
        std::vector<field_line> out;
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen("bzcat /usr/share/unicode/Unihan_Readings.txt.bz2", "r"), &pclose);
        REQUIRE(pipe);
        std::string text;
        char buffer[65536];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) text.append(buffer, n);
        std::size_t at = 0;
        while (at < text.size()) {
            std::size_t end = text.find('\n', at);
            if (end == std::string::npos) end = text.size();
            std::string line = text.substr(at, end - at);
            at = end + 1;
            if (line.rfind("U+", 0) != 0) continue;
            std::size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
            std::string name = line.substr(t1 + 1, t2 - t1 - 1);
            for (std::size_t f = 0; f < std::size(field_names); ++f)
                if (name == field_names[f])
                    out.push_back({static_cast<char32_t>(std::stoul(line.substr(2, t1 - 2), nullptr, 16)), f,
                                   line.substr(t2 + 1)});
        }
        return out;
    }();
    return lines;
}

bool finds(std::string_view query, char32_t cp, bool bare_readings = false) {
    static mojifinder::search::scratch scratch;
    mojifinder::search::engine(the_index()).run(query, mojifinder::search::options{.bare_readings = bare_readings}, scratch);
    mojifinder::search::run r;
    bool found = false;
    while (scratch.next(r))
        for (auto e = r.first; e < r.last; ++e) found = found || (the_index().code_point(e) == cp && !the_index().is_sequence(e));
    return found;
}

std::string_view field_text(char32_t cp, std::size_t f) {
    return f == 0 ? the_index().definition_of(cp) : the_index().reading_of(cp, static_cast<mojifinder::reading>(f - 1));
}

}  // namespace

TEST_CASE("Unihan: the file's counts, and datagen reads every field", "[unihan]") {
    std::map<std::string_view, std::size_t> counts;
    for (const auto& l : file_lines()) ++counts[field_names[l.field]];
    // Unicode 15.0's Unihan_Readings.txt. (The 22,904 and 41,420
    // count the header's line "#\tkDefinition" too: one line per field.)
    CHECK(counts["kDefinition"] == 22903);
    CHECK(counts["kMandarin"] == 41419);
    CHECK(counts["kCantonese"] == 29674);
    CHECK(counts["kJapaneseKun"] == 11296);
    CHECK(counts["kJapaneseOn"] == 13177);
    CHECK(counts["kKorean"] == 9050);
    CHECK(counts["kVietnamese"] == 8307);
    auto read = mojifinder::datagen::read_unihan("/usr/share/unicode/Unihan_Readings.txt.bz2");
    std::size_t mismatches = 0;
    for (const auto& l : file_lines())
        if (read[l.cp][l.field] != l.text) ++mismatches;
    CHECK(mismatches == 0);
}

TEST_CASE("Unihan: the index has every code point's definition and readings", "[unihan]") {
    std::size_t mismatches = 0;
    for (const auto& l : file_lines()) {
        if (field_text(l.cp, l.field) == l.text) continue;
        if (++mismatches <= 5) FAIL_CHECK(fmt::format("U+{:04X} {}", static_cast<std::uint32_t>(l.cp), field_names[l.field]));
    }
    CHECK(mismatches == 0);
    CHECK(the_index().definition_of(0x6C34) == "water, liquid, lotion, juice");
    CHECK(the_index().reading_of(0x6C34, mojifinder::reading::mandarin) == "shuǐ");
    CHECK(the_index().reading_of(0x6C34, mojifinder::reading::vietnamese) == "héo thuỷ");
    CHECK(the_index().definition_of(U'A') == "");
    CHECK(the_index().reading_of(U'A', mojifinder::reading::korean) == "");
}

TEST_CASE("Unihan: a sample of 1,000 definitions finds each character by a word of it", "[unihan]") {
    std::vector<const field_line*> definitions;
    for (const auto& l : file_lines())
        if (l.field == 0) definitions.push_back(&l);
    // Every n-th, from the start: the same sample every run.
    std::size_t step = definitions.size() / 1000, asked = 0;
    for (std::size_t i = 0; i < definitions.size() && asked < 1000; i += step) {
        const field_line& l = *definitions[i];
        if (the_index().entry_of(l.cp) == mojifinder::index::no_entry) continue;
        // Its longest word of ASCII letters: an English word of it.
        std::string word, best;
        for (char c : l.text + " ") {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) word += c;
            else {
                if (word.size() > best.size()) best = word;
                word.clear();
            }
        }
        if (best.empty()) continue;
        INFO(fmt::format("U+{:04X} {}: {}", static_cast<std::uint32_t>(l.cp), l.text, best));
        CHECK(finds(best, l.cp));
        ++asked;
    }
    CHECK(asked == 1000);
}

TEST_CASE("Unihan: a sample of 1,000 readings, across the six fields, finds each character scoped", "[unihan]") {
    std::vector<const field_line*> readings;
    for (const auto& l : file_lines())
        if (l.field > 0) readings.push_back(&l);
    std::size_t step = readings.size() / 1000, asked = 0;
    std::array<std::size_t, 7> per_field{};
    for (std::size_t i = 0; i < readings.size() && asked < 1000; i += step) {
        const field_line& l = *readings[i];
        if (the_index().entry_of(l.cp) == mojifinder::index::no_entry) continue;
        std::string first = l.text.substr(0, l.text.find(' '));  // its first reading
        std::string q = fmt::format("{}:{}", scopes[l.field], first);
        INFO(fmt::format("U+{:04X}: {}", static_cast<std::uint32_t>(l.cp), q));
        CHECK(finds(q, l.cp));
        ++per_field[l.field];
        ++asked;
    }
    CHECK(asked == 1000);
    for (std::size_t f = 1; f < per_field.size(); ++f) CHECK(per_field[f] > 50);
}
