// read_cldr: CLDR's annotations per locale, from the fixture tree in
// fixtures/cldr/common (hand-written, a few annotations each) and from
// Debian's unicode-cldr-core (CLDR 41) for a few facts of the real data.
#include "cldr.hpp"

#include <catch2/catch.hpp>
#include <unicode/unistr.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using mojifinder::datagen::annotation;
using mojifinder::datagen::cldr_data;
using mojifinder::datagen::locale;
using mojifinder::datagen::read_cldr;

namespace {

const std::filesystem::path fixtures = MOJIFINDER_FIXTURES_DIR;
const std::filesystem::path fixture_common = fixtures / "cldr" / "common";
// Debian's unicode-cldr-core, a build dependency.
const std::filesystem::path debian_common = "/usr/share/unicode/cldr/common";

using strings = std::vector<std::string>;

// Keys as UTF-8, so that a failure prints them.
std::string utf8(const std::u32string& key) {
    std::string result;
    icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(key.data()),
                                  static_cast<int32_t>(key.size()))
        .toUTF8String(result);
    return result;
}

std::u32string code_points(std::string_view text) {
    icu::UnicodeString string = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    std::u32string result(static_cast<std::size_t>(string.countChar32()), U'\0');
    UErrorCode status = U_ZERO_ERROR;
    string.toUTF32(reinterpret_cast<UChar32*>(result.data()), static_cast<int32_t>(result.size()), status);
    return result;
}

const locale& find_locale(const cldr_data& data, std::string_view tag) {
    auto found = std::ranges::find(data.locales, tag, &locale::tag);
    if (found == data.locales.end()) throw std::logic_error("no locale " + std::string(tag));
    return *found;
}

const annotation& find_annotation(const locale& where, std::string_view key) {
    auto found = std::ranges::find(where.annotations, code_points(key), &annotation::key);
    if (found == where.annotations.end())
        throw std::logic_error("no annotation " + std::string(key) + " in " + where.tag);
    return *found;
}

strings keys_of(const locale& where) {
    strings keys;
    for (const annotation& entry : where.annotations) keys.push_back(utf8(entry.key));
    return keys;
}

bool is_skin_tone(char32_t c) { return c >= 0x1F3FB && c <= 0x1F3FF; }

// Skin-tone sequences, which read_cldr leaves out, in a locale's keys.
strings toned_keys(const locale& where) {
    strings found;
    for (const annotation& entry : where.annotations)
        if (entry.key.size() > 1 && std::ranges::any_of(entry.key, is_skin_tone)) found.push_back(utf8(entry.key));
    return found;
}

}  // namespace

TEST_CASE("read_cldr reads every locale but root, with its parent and its name in itself", "[cldr]") {
    cldr_data data = read_cldr(fixture_common);
    strings tags;
    for (const locale& each : data.locales) tags.push_back(each.tag);
    CHECK(tags == strings{"de", "de_CH", "en", "en_001", "en_AU", "sr", "sr_Cyrl_BA", "sr_Latn"});

    auto [tag, parent, name] = GENERATE(table<std::string, std::string, std::string>({
        {"de", "", "Deutsch"},
        {"de_CH", "de", "Deutsch (Schweiz)"},
        {"en", "", "English"},
        // Not "": the segmentation component's parentLocales is not read.
        {"en_001", "en", "English (world)"},
        {"en_AU", "en_001", "English (Australia)"},  // supplementalData's parent
        {"sr", "", "српски"},
        // sr_Cyrl has no file: passed through to sr.
        {"sr_Cyrl_BA", "sr", "српски (ћирилица, Босна и Херцеговина)"},
        {"sr_Latn", "", "srpski (latinica)"},  // parent="root"
    }));
    INFO(tag);
    const locale& found = find_locale(data, tag);
    CHECK(found.parent == parent);
    CHECK(found.name == name);
}

TEST_CASE("read_cldr reads CLDR's version from ldml.dtd", "[cldr]") {
    CHECK(read_cldr(fixture_common).version == "39");
}

TEST_CASE("read_cldr merges a locale's annotations and derived annotations per key", "[cldr]") {
    cldr_data data = read_cldr(fixture_common);
    const locale& en = find_locale(data, "en");
    // Sorted by code points; 🐹 had only an unconfirmed value; no sequence
    // with a skin tone, but the tones themselves.
    CHECK(keys_of(en) == strings{"&", "{", "🇯🇵", "🏻", "🏿", "🐭", "🐱", "🐶", "👍", "🧑‍🤝‍🧑"});

    auto [key, short_name, keywords] = GENERATE(table<std::string, std::string, strings>({
        {"&", "ampersand", {"ampersand", "and"}},  // &amp;
        {"{", "open curly bracket", {"brace", "bracket", "curly brace"}},
        {"🇯🇵", "flag: Japan", {"flag"}},                    // from annotationsDerived/
        {"🏻", "light skin tone", {"light skin tone", "skin tone", "type 1–2"}},
        {"🐭", "", {"mouse", "face"}},  // provisional name left out; trimmed, empty pieces dropped
        {"🐱", "cat face", {"cat", "face", "pet"}},
        {"🐶", "dog face", {}},         // unconfirmed keywords left out, contributed name kept
        {"👍", "thumbs up", {"+1", "hand", "thumb", "up"}},
        {"🧑‍🤝‍🧑", "people holding hands", {"hold", "holding hands", "person"}},
    }));
    INFO(key);
    const annotation& found = find_annotation(en, key);
    CHECK(found.short_name == short_name);
    CHECK(found.keywords == keywords);
}

TEST_CASE("read_cldr leaves the field of a ↑↑↑ value empty", "[cldr]") {
    cldr_data data = read_cldr(fixture_common);
    const locale& de_ch = find_locale(data, "de_CH");
    CHECK(keys_of(de_ch) == strings{"🐱", "🐶"});
    CHECK(find_annotation(de_ch, "🐱").short_name.empty());
    CHECK(find_annotation(de_ch, "🐱").keywords == strings{"Büsi", "Katze"});
    CHECK(find_annotation(de_ch, "🐶").short_name == "Hundegesicht");
    CHECK(find_annotation(de_ch, "🐶").keywords.empty());
}

TEST_CASE("read_cldr learns the tone separators from the skin-tone sequences it leaves out", "[cldr]") {
    cldr_data data = read_cldr(fixture_common);
    for (const locale& each : data.locales) {
        INFO(each.tag);
        CHECK(toned_keys(each).empty());
    }
    auto [tag, separator, list_separator] = GENERATE(table<std::string, std::string, std::string>({
        {"en", ": ", ", "},      // " - " of 🐱🏻 outvoted
        {"de", ": ", ", "},      // the kiss's " und " not counted: its base's name has ": "
        {"en_AU", ": ", ""},     // names from en through en_001; no example of two tones
        {"en_001", "", ""},      // no derived file
        {"de_CH", "", ""},
        {"sr_Latn", "", ""},
    }));
    INFO(tag);
    const locale& found = find_locale(data, tag);
    CHECK(found.tone_separator == separator);
    CHECK(found.tone_list_separator == list_separator);
}

TEST_CASE("read_cldr names the file and line of malformed XML", "[cldr]") {
    std::filesystem::path common = fixtures / "cldr_malformed" / "common";
    CHECK_THROWS_WITH(read_cldr(common), (common / "annotations" / "en.xml").string() + ":5: mismatched tag");
}

TEST_CASE("read_cldr names a folder it cannot read", "[cldr]") {
    std::filesystem::path common = fixtures / "cldr_missing" / "common";
    CHECK_THROWS_WITH(read_cldr(common), (common / "annotations").string() +
                                             ": cannot read the folder: No such file or directory");
}

TEST_CASE("read_cldr reads Debian's CLDR 41", "[cldr]") {
    cldr_data data = read_cldr(debian_common);
    CHECK(data.version == "41");
    CHECK(data.locales.size() == 146);  // 147 files in annotations/, root left out

    const locale& en = find_locale(data, "en");
    CHECK(en.annotations.size() == 2247);
    CHECK(find_annotation(en, "🐱").short_name == "cat face");
    CHECK(find_annotation(en, "🐱").keywords == strings{"cat", "face", "pet"});
    CHECK(find_annotation(en, "🏻").short_name == "light skin tone");
    CHECK(find_annotation(en, "🇯🇵").short_name == "flag: Japan");
    CHECK(toned_keys(en).empty());
    CHECK(en.tone_separator == ": ");
    CHECK(en.tone_list_separator == ", ");

    const locale& de = find_locale(data, "de");
    CHECK(de.name == "Deutsch");
    CHECK_THAT(find_annotation(de, "🐱").keywords, Catch::VectorContains(std::string("Katze")));

    const locale& ja = find_locale(data, "ja");
    CHECK(ja.name == "日本語");
    CHECK_THAT(find_annotation(ja, "🐈").keywords, Catch::VectorContains(std::string("猫")));
    CHECK(ja.tone_separator == ": ");
    CHECK(ja.tone_list_separator == " ");

    CHECK(find_locale(data, "en_AU").parent == "en_001");
    CHECK(find_locale(data, "de_CH").parent == "de");
    CHECK(find_locale(data, "de_CH").name == "Deutsch (Schweiz)");
    CHECK(find_locale(data, "zh_Hant").parent.empty());
    CHECK(find_locale(data, "sr_Latn").parent.empty());
    CHECK(find_locale(data, "sr_Cyrl_BA").parent == "sr_Cyrl");
}
