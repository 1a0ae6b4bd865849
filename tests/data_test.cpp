// The data file against an independent reading of its sources: emoji-test.txt
// and CLDR's annotations are read here with plain string scanning (not the
// generator's expat reader), and every fact read must be in the file.
// Flow: each test reads its source once, walks it, and counts mismatches,
// keeping the first for the report, so a failure is one readable assertion.
#include "data_file.hpp"
#include "index.hpp"
#include "words.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using entry_id = mojifinder::index::entry_id;

namespace {

const mojifinder::index& the_index() {
    static const mojifinder::index idx = mojifinder::index::open(mojifinder::index::build_tree_data_path());
    return idx;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string utf8(std::u32string_view cps) {
    std::string out;
    for (char32_t c : cps) icu::UnicodeString(static_cast<UChar32>(c)).toUTF8String(out);
    return out;
}

std::u32string code_points(std::string_view text) {
    std::u32string out;
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) out.push_back(static_cast<char32_t>(u.char32At(i)));
    return out;
}

std::u32string without_fe0f(std::u32string_view cps) {
    std::u32string out;
    for (char32_t c : cps)
        if (c != 0xFE0F) out.push_back(c);
    return out;
}

// emoji-test.txt, read line by line: "1F469 200D 1F692 ; fully-qualified # 👩‍🚒 E4.0 woman firefighter".
struct emoji_line {
    std::u32string code_points;
    std::string status;
    std::string name;
};

const std::vector<emoji_line>& emoji_lines() {
    static const std::vector<emoji_line> lines = [] {
        std::vector<emoji_line> out;
        std::istringstream in(read_file("/usr/share/unicode/emoji/emoji-test.txt"));
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            emoji_line e;
            std::istringstream fields(line.substr(0, line.find(';')));
            std::string hex;
            while (fields >> hex) e.code_points.push_back(static_cast<char32_t>(std::stoul(hex, nullptr, 16)));
            std::istringstream rest(line.substr(line.find(';') + 1));
            rest >> e.status;
            std::string comment = line.substr(line.find('#') + 1);
            // "# 👩‍🚒 E4.0 woman firefighter": skip the emoji and the version.
            std::istringstream words(comment);
            std::string emoji, version;
            words >> emoji >> version;
            std::getline(words, e.name);
            e.name.erase(0, e.name.find_first_not_of(' '));
            out.push_back(std::move(e));
        }
        return out;
    }();
    return lines;
}

std::string upper(const std::string& s) {
    std::string out;
    icu::UnicodeString::fromUTF8(s).toUpper(icu::Locale::getRoot()).toUTF8String(out);
    return out;
}

// The entry CLDR's key (code points without U+FE0F) stands for, or no_entry.
entry_id entry_of_key(const mojifinder::index& idx, std::u32string_view key) {
    static std::map<std::u32string, entry_id> sequences = [&] {
        std::map<std::u32string, entry_id> m;
        std::array<char32_t, mojifinder::index::max_sequence> cps;
        for (entry_id e : idx.sequences()) m.emplace(without_fe0f({cps.data(), idx.code_points(e, cps)}), e);
        return m;
    }();
    if (key.size() == 1) return idx.entry_of(key[0]);
    auto it = sequences.find(std::u32string(key));
    return it == sequences.end() ? mojifinder::index::no_entry : it->second;
}

// One locale's annotations, from the two files, by simple scanning.
struct cldr_annotation {
    std::u32string key;
    std::vector<std::string> keywords;
    std::string short_name;
};

std::vector<cldr_annotation> read_annotations(const std::string& tag) {
    std::map<std::u32string, cldr_annotation> by_key;
    for (std::string dir : {"annotations", "annotationsDerived"}) {
        std::string path = "/usr/share/unicode/cldr/common/" + dir + "/" + tag + ".xml";
        if (!std::filesystem::exists(path)) continue;
        std::istringstream in(read_file(path));
        std::string line;
        bool in_comment = false;  // annotations commented out ("causes tool breakage")
        while (std::getline(in, line)) {
            if (in_comment || line.find("<!--") != std::string::npos) {
                in_comment = line.find("-->") == std::string::npos;
                continue;
            }
            auto open = line.find("<annotation cp=\"");
            if (open == std::string::npos) continue;
            auto key_end = line.find('"', open + 16);
            std::string key = line.substr(open + 16, key_end - open - 16);
            auto text_start = line.find('>', key_end) + 1;
            std::string attributes = line.substr(key_end, text_start - key_end);
            std::string text = line.substr(text_start, line.find("</annotation>") - text_start);
            if (attributes.find("draft=\"unconfirmed\"") != std::string::npos ||
                attributes.find("draft=\"provisional\"") != std::string::npos || text == "↑↑↑")
                continue;
            // The XML escapes the scanner may meet.
            for (auto [from, to] : {std::pair{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}})
                for (std::size_t at; (at = key.find(from)) != std::string::npos;) key.replace(at, std::strlen(from), to);
            cldr_annotation& a = by_key[code_points(key)];
            a.key = code_points(key);
            for (std::size_t at; (at = text.find("&amp;")) != std::string::npos;) text.replace(at, 5, "&");
            if (attributes.find("type=\"tts\"") != std::string::npos) {
                a.short_name = text;
                continue;
            }
            std::istringstream parts(text);
            std::string part;
            while (std::getline(parts, part, '|')) {
                part.erase(0, part.find_first_not_of(' '));
                part.erase(part.find_last_not_of(' ') + 1);
                if (!part.empty()) a.keywords.push_back(part);
            }
        }
    }
    std::vector<cldr_annotation> out;
    for (auto& [key, a] : by_key) out.push_back(std::move(a));
    return out;
}

bool has_tone(std::u32string_view key) {
    return key.size() > 1 && std::any_of(key.begin(), key.end(), mojifinder::index::is_skin_tone);
}

// Whether a keyword word of `l` reaches `e`: its list has it, or (a word
// of ASCII letters and digits) the list leaves it to the names, which have
// the word upper-cased.
bool keyword_reaches(const mojifinder::index& idx, mojifinder::index::language_id l, std::string_view w, entry_id e) {
    if (!idx.has_keyword_word(l, w)) return false;
    auto list = idx.keyword_entries_with(l, w);
    if (std::binary_search(list.begin(), list.end(), e)) return true;
    if (!mojifinder::is_folded_name_word(w)) return false;
    auto named = idx.entries_with(upper(std::string(w)));
    return std::binary_search(named.begin(), named.end(), e);
}

}  // namespace

TEST_CASE("every sequence emoji-test.txt lists fully-qualified is an entry, byte for byte", "[data]") {
    const auto& idx = the_index();
    std::map<std::string, std::size_t> per_status;
    std::size_t expected = 0, toned = 0, wrong = 0;
    std::string first_wrong;
    for (const emoji_line& e : emoji_lines()) {
        ++per_status[e.status];
        if (e.status != "fully-qualified" || e.code_points.size() < 2 ||
            (e.code_points.size() == 2 && e.code_points[1] == 0xFE0F))
            continue;
        ++expected;
        if (has_tone(e.code_points)) ++toned;
        entry_id at = idx.entry_of(e.code_points);
        std::string line;
        mojifinder::append_answer_line(line, e.code_points, upper(e.name));
        if (at == mojifinder::index::no_entry || idx.line(at) != line) {
            if (wrong++ == 0) first_wrong = line;
        }
    }
    INFO(first_wrong);
    CHECK(wrong == 0);
    // The counts emoji-test.txt states in its own summary (Emoji 15.0).
    CHECK(per_status["fully-qualified"] == 3655);
    CHECK(per_status["minimally-qualified"] == 827);
    CHECK(per_status["unqualified"] == 242);
    CHECK(per_status["component"] == 9);
    CHECK(idx.sequences().size() == expected);
    CHECK(idx.toned_sequences().size() == toned);
    CHECK(expected == 2278);
    CHECK(toned == 1785);

    SECTION("a character followed by U+FE0F alone is not a sequence entry") {
        CHECK(idx.entry_of(std::u32string{0x2764, 0xFE0F}) == mojifinder::index::no_entry);
        CHECK(idx.entry_of(std::u32string{0x2764}) == idx.entry_of(char32_t{0x2764}));
    }
    SECTION("sequences sit among the characters in code point sequence order") {
        entry_id woman = idx.entry_of(char32_t{0x1F469});
        entry_id firefighter = idx.entry_of(std::u32string{0x1F469, 0x200D, 0x1F692});
        entry_id next = idx.entry_of(char32_t{0x1F46A});
        CHECK(woman < firefighter);
        CHECK(firefighter < next);
        CHECK(idx.line(firefighter) == "U+1F469 U+200D U+1F692\t👩‍🚒\tWOMAN FIREFIGHTER\r\n");
        CHECK(idx.is_sequence(firefighter));
        CHECK_FALSE(idx.is_sequence(woman));
        CHECK(idx.code_point(firefighter) == 0x1F469);
        std::array<char32_t, mojifinder::index::max_sequence> cps;
        CHECK(std::u32string_view(cps.data(), idx.code_points(firefighter, cps)) == U"\U0001F469\u200D\U0001F692");
        for (entry_id e = 1; e < idx.size(); ++e) {
            std::array<char32_t, mojifinder::index::max_sequence> a, b;
            std::u32string_view x(a.data(), idx.code_points(e - 1, a)), y(b.data(), idx.code_points(e, b));
            if (!(x < y)) FAIL(fmt::format("entry {} is not after entry {}", e, e - 1));
        }
    }
}

TEST_CASE("every keyword and short name of en, de and ja finds its character or sequence", "[data]") {
    const auto& idx = the_index();
    auto tag = GENERATE(as<std::string>{}, "en", "de", "ja");
    auto l = idx.find_language(tag);
    REQUIRE(l != mojifinder::index::no_language);
    std::string scratch;
    std::vector<std::string_view> words;
    std::size_t checked = 0, missing = 0, no_entry = 0;
    std::string first_missing;
    for (const cldr_annotation& a : read_annotations(tag)) {
        if (has_tone(a.key)) continue;  // derived at run time
        entry_id e = entry_of_key(idx, a.key);
        if (e == mojifinder::index::no_entry) {
            if (no_entry++ == 0) first_missing = "no entry for " + utf8(a.key);
            continue;
        }
        std::vector<std::string> texts = a.keywords;
        if (!a.short_name.empty()) texts.push_back(a.short_name);
        for (const std::string& text : texts) {
            mojifinder::keyword_words(text, idx.folds_accents(l), scratch, words);
            for (std::string_view w : words) {
                ++checked;
                if (!keyword_reaches(idx, l, w, e) && missing++ == 0)
                    first_missing = fmt::format("{} ({}) for {}", w, text, utf8(a.key));
            }
        }
    }
    INFO(tag << ": " << first_missing);
    CHECK(missing == 0);
    CHECK(no_entry == 0);
    CHECK(checked > 10000);
}

TEST_CASE("a keyword word's list leaves out the entries whose name has the word", "[data]") {
    const auto& idx = the_index();
    auto en = idx.english();
    struct row {
        const char* word;
        std::size_t listed, named, keyworded;  // keyword list; names'; CLDR's keywords and short names
    };
    // keyworded: every en (and root) annotation with the word, counted by
    // read_annotations() below; listed = those whose name lacks it.
    auto r = GENERATE(row{"arrow", 18, 564, 110}, row{"face", 26, 179, 161}, row{"cat", 1, 14, 12},
                      row{"laugh", 3, 0, 3}, row{"snowman", 0, 3, 2});
    INFO(r.word);
    auto list = idx.keyword_entries_with(en, r.word);
    auto named = idx.entries_with(upper(r.word));
    CHECK(list.size() == r.listed);
    CHECK(named.size() == r.named);
    CHECK(idx.has_keyword_word(en, r.word) == (r.keyworded > 0));
    std::vector<entry_id> both;
    std::set_intersection(list.begin(), list.end(), named.begin(), named.end(), std::back_inserter(both));
    CHECK(both.empty());
    std::set<entry_id> keyworded;
    std::string scratch;
    std::vector<std::string_view> words;
    for (const cldr_annotation& a : read_annotations("en")) {
        if (has_tone(a.key)) continue;
        std::vector<std::string> texts = a.keywords;
        texts.push_back(a.short_name);
        for (const std::string& text : texts) {
            mojifinder::keyword_words(text, false, scratch, words);
            if (std::find(words.begin(), words.end(), r.word) != words.end()) keyworded.insert(entry_of_key(idx, a.key));
        }
    }
    CHECK(keyworded.size() == r.keyworded);
    std::size_t unnamed = 0;
    for (entry_id e : keyworded) unnamed += std::binary_search(named.begin(), named.end(), e) ? 0 : 1;
    CHECK(unnamed == r.listed);
}

TEST_CASE("the display of en, de and ja is CLDR's", "[data]") {
    const auto& idx = the_index();
    auto tag = GENERATE(as<std::string>{}, "en", "de", "ja");
    auto l = idx.find_language(tag);
    std::size_t wrong = 0;
    std::string first_wrong;
    for (const cldr_annotation& a : read_annotations(tag)) {
        if (has_tone(a.key)) continue;
        entry_id e = entry_of_key(idx, a.key);
        if (e == mojifinder::index::no_entry) continue;  // the test above counts them
        std::string short_name;
        idx.append_short_name(l, e, short_name);
        std::vector<std::string> keywords;
        idx.for_each_keyword(l, e, [&](std::string_view k) { keywords.emplace_back(k); });
        bool ok = (a.short_name.empty() || short_name == a.short_name) && (a.keywords.empty() || keywords == a.keywords);
        if (!ok && wrong++ == 0) first_wrong = fmt::format("{}: {} / {}", utf8(a.key), short_name, a.short_name);
    }
    INFO(first_wrong);
    CHECK(wrong == 0);
}

TEST_CASE("a sample of every locale: its first own annotation's keywords find it", "[data]") {
    const auto& idx = the_index();
    std::size_t locales = 0, wrong = 0;
    std::string first_wrong;
    for (const auto& file : std::filesystem::directory_iterator("/usr/share/unicode/cldr/common/annotations")) {
        std::string tag = file.path().stem().string();
        if (tag == "root") continue;
        ++locales;
        auto l = idx.find_language(tag);
        if (l == mojifinder::index::no_language) {
            if (wrong++ == 0) first_wrong = tag + " is not a language of the file";
            continue;
        }
        auto annotations = read_annotations(tag);
        auto a = std::find_if(annotations.begin(), annotations.end(),
                              [](const cldr_annotation& x) { return !x.keywords.empty() && !has_tone(x.key); });
        if (a == annotations.end()) continue;
        entry_id e = entry_of_key(idx, a->key);
        std::string scratch;
        std::vector<std::string_view> words;
        mojifinder::keyword_words(a->keywords.front(), idx.folds_accents(l), scratch, words);
        for (std::string_view w : words) {
            if (!keyword_reaches(idx, l, w, e) && wrong++ == 0)
                first_wrong = fmt::format("{}: {} for {}", tag, w, utf8(a->key));
        }
    }
    INFO(first_wrong);
    CHECK(wrong == 0);
    CHECK(locales == idx.language_count());
}

TEST_CASE("languages: tags, names, parents", "[data]") {
    const auto& idx = the_index();
    auto name = [&](std::string_view tag) { return std::string(idx.language_name(idx.find_language(tag))); };
    CHECK(name("de") == "Deutsch");
    CHECK(name("ja") == "日本語");
    CHECK(name("DE-ch") == "Deutsch (Schweiz)");
    CHECK(idx.find_language("xx") == mojifinder::index::no_language);
    CHECK(idx.find_language("xx_DE") == mojifinder::index::no_language);
    CHECK(idx.find_language("") == mojifinder::index::no_language);
    CHECK(idx.language_tag(idx.find_language("pt_BR")) == "pt");
    CHECK(idx.language_tag(idx.find_language("en-US")) == "en");
    CHECK(idx.language_tag(idx.find_language("de-AT-1996")) == "de");
    CHECK(idx.language_tag(idx.find_language("sr_Latn_ME")) == "sr_Latn");
    CHECK(idx.language_tag(idx.language_parent(idx.find_language("de_CH"))) == "de");
    CHECK(idx.language_tag(idx.language_parent(idx.find_language("en_AU"))) == "en_001");
    CHECK(idx.language_parent(idx.find_language("de")) == mojifinder::index::no_language);
    CHECK(idx.versions().cldr == "41");
    CHECK(idx.versions().unicode == "15.0");
}

TEST_CASE("open() says exactly what is wrong with a data file it cannot serve", "[data]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / fmt::format("mojifinder-data-test-{}", ::getpid());
    fs::create_directories(dir);
    // Read past the page cache (O_DIRECT): read(2), or even a sequential
    // walk through a mapping, leaves the file in the cache in large folios,
    // and every server started afterwards maps whole folios (15 MB resident
    // at its first answer instead of 6.8 MB; index::open()).
    const std::string good = [] {
        int fd = ::open(mojifinder::index::build_tree_data_path().c_str(), O_RDONLY | O_DIRECT);
        REQUIRE(fd >= 0);
        struct stat st {};
        REQUIRE(fstat(fd, &st) == 0);
        auto size = static_cast<std::size_t>(st.st_size);
        constexpr std::size_t block = 4096;
        std::size_t rounded = (size + block - 1) / block * block;
        std::unique_ptr<char, decltype(&std::free)> buffer(static_cast<char*>(std::aligned_alloc(block, rounded)), &std::free);
        std::size_t got = 0;
        while (got < size) {
            ssize_t n = ::read(fd, buffer.get() + got, rounded - got);
            REQUIRE(n > 0);
            got += static_cast<std::size_t>(n);
        }
        ::close(fd);
        return std::string(buffer.get(), size);
    }();
    auto write = [&](const std::string& name, std::string bytes) {
        std::string path = (dir / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    };
    auto error_of = [](const std::string& path) -> std::string {
        try {
            mojifinder::index::open(path);
        } catch (const mojifinder::data_file::data_error& e) {
            return e.what();
        }
        return "opened";
    };
    auto with_header = [&](auto change) {
        std::string bytes = good;
        mojifinder::data_file::header h;
        std::memcpy(&h, bytes.data(), sizeof h);
        change(h);
        std::memcpy(bytes.data(), &h, sizeof h);
        return bytes;
    };
    const std::string missing = (dir / "missing.data").string();
    CHECK(error_of(missing) == "cannot open the data file " + missing + ": No such file or directory");
    std::string text = write("text.data", "hello\n");
    CHECK(error_of(text) == text + " is not a mojifinder data file (6 bytes)");
    std::string garbage = write("garbage.data", std::string(4096, 'x'));
    CHECK(error_of(garbage) == garbage + " is not a mojifinder data file");
    std::string cut = write("cut.data", good.substr(0, good.size() / 2));
    CHECK(error_of(cut) == fmt::format("{} is cut off: {} of {} bytes", cut, good.size() / 2, good.size()));
    std::string format = write("format.data", with_header([](auto& h) { h.format_version = 99; }));
    CHECK(error_of(format) == format + " has data format 99; this mojifinderd reads format 5: "
                                       "rebuild the data file with this version's datagen");
    std::string icu = write("icu.data", with_header([](auto& h) { std::memcpy(h.icu_version, "71.1\0", 5); }));
    CHECK(error_of(icu) == icu + " was made with ICU 71.1; this mojifinderd uses ICU " U_ICU_VERSION
                                 ": rebuild the data file with this build's datagen");
    CHECK(error_of(write("good.data", good)) == "opened");
    fs::remove_all(dir);
}

TEST_CASE("a skin-tone sequence's short name is CLDR's or none, never another", "[data]") {
    const auto& idx = the_index();
    // How many are derived exactly (the rest have none): 77-79%.
    auto [tag, derived] = GENERATE(table<std::string, std::size_t>({{"en", 1375}, {"de", 1375}, {"ja", 1405}}));
    auto l = idx.find_language(tag);
    std::size_t toned = 0, same = 0, none = 0, wrong = 0;
    std::string first_wrong;
    for (const cldr_annotation& a : read_annotations(tag)) {
        if (!has_tone(a.key) || a.short_name.empty()) continue;
        ++toned;
        std::string got;
        if (!idx.append_short_name(l, entry_of_key(idx, a.key), got))
            ++none;
        else if (got == a.short_name)
            ++same;
        else if (wrong++ == 0)
            first_wrong = got + " / " + a.short_name;
    }
    INFO(tag << ": " << first_wrong);
    CHECK(wrong == 0);
    CHECK(toned == 1775);
    CHECK(same + none == toned);
    INFO("derived: " << same);
    CHECK(same == derived);
}

TEST_CASE("what the data file is made of: every array has a source, and they add up to the file", "[data]") {
    namespace data_file = mojifinder::data_file;
    SECTION("an array's source, by its name") {
        auto [name, source] = GENERATE(table<std::string_view, std::string_view>({
            {"names/text", "names"},
            {"names/postings", "names"},
            {"other/postings", "names"},
            {"sequences/entries", "names"},
            {"names/lead_postings", "ranking"},
            {"unihan/kDefinition/lead_start", "ranking"},
            {"rank/name_words", "ranking"},
            {"lang/de_CH/strings", "cldr"},
            {"keywords/postings", "cldr"},
            {"languages/records", "cldr"},
            {"informal/postings", "nameslist"},
            {"unihan/kMandarin/words", "unihan"},
        }));
        CAPTURE(name);
        CHECK(data_file::source_of(name) == source);
    }
    SECTION("the build tree's file") {
        std::map<std::string_view, std::uint64_t> by_source;
        std::uint64_t arrays = 0;
        std::string_view previous;
        for (const auto& array : the_index().arrays()) {
            std::string_view name = data_file::name_of(array);
            CHECK(previous < name);  // in name order, each once
            previous = name;
            by_source[data_file::source_of(name)] += array.bytes;
            arrays += array.bytes;
        }
        CHECK(by_source.size() == 5);
        for (const auto& [source, bytes] : by_source) {
            CAPTURE(source);
            CHECK(bytes > 0);
        }
        auto file = std::filesystem::file_size(mojifinder::index::build_tree_data_path());
        // The header and the directory besides the arrays, and at most 7
        // bytes of padding after each.
        std::uint64_t overhead = sizeof(data_file::header) + the_index().arrays().size() * sizeof(data_file::array_record);
        CHECK(arrays + overhead <= file);
        CHECK(file <= arrays + overhead + the_index().arrays().size() * (data_file::alignment - 1));
    }
}
