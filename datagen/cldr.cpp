// Flow: read_cldr() lists common/annotations/, reads each locale's file and
// then its annotationsDerived/ twin (each read whole, parsed by expat in one
// XML_Parse call) into one table per locale keyed by code points, with the
// skin-tone sequences' short names set aside. Then it takes the parents from
// supplementalData.xml's parentLocales (else the tag cut at its last '_'),
// sorts each table into the locale's annotations, learns each locale's tone
// separators from the sequences set aside (the names of their bases and
// tones looked up along the parent chain), names each locale in itself with
// ICU, and reads CLDR's version from ldml.dtd.
#include "cldr.hpp"

#include "words.hpp"

#include <expat.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace mojifinder::datagen {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
    throw std::runtime_error(file.string() + ": " + what);
}

// The whole file in `text` (reused from file to file): expat then parses it
// in one call, the fastest way through 89 MB of XML.
void read_whole_file(const fs::path& file, std::string& text) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in) fail(file, std::string("cannot read: ") + std::strerror(errno));
    std::streamoff size = in.tellg();
    if (size < 0 || size > INT_MAX) fail(file, "cannot read: not a file of at most 2 GB");
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    if (!in.read(text.data(), size)) fail(file, "cannot read: " + std::string(std::strerror(errno)));
}

// What every reader's expat callbacks share. The callbacks run inside
// expat's C frames, which an exception must not cross: guarded() keeps it
// and stops the parser, and parse() throws it once XML_Parse has returned.
struct xml_reader {
    XML_Parser parser = nullptr;
    std::exception_ptr error;

    template <class Body>
    void guarded(Body&& body) noexcept {
        try {
            body();
        } catch (...) {
            error = std::current_exception();
            XML_StopParser(parser, XML_FALSE);
        }
    }
};

using parser_ptr = std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)>;

parser_ptr make_parser(xml_reader& reader) {
    parser_ptr parser(XML_ParserCreate(nullptr), &XML_ParserFree);
    if (!parser) throw std::bad_alloc();
    reader.parser = parser.get();
    XML_SetUserData(parser.get(), &reader);
    return parser;
}

void parse(XML_Parser parser, xml_reader& reader, const fs::path& file, std::string_view text) {
    XML_Status status = XML_Parse(parser, text.data(), static_cast<int>(text.size()), XML_TRUE);
    if (reader.error) std::rethrow_exception(reader.error);
    if (status != XML_STATUS_OK)
        fail(file.string() + ":" + std::to_string(XML_GetCurrentLineNumber(parser)),
             XML_ErrorString(XML_GetErrorCode(parser)));
}

const XML_Char* attribute(const XML_Char** attributes, std::string_view name) {
    for (; *attributes; attributes += 2)
        if (name == attributes[0]) return attributes[1];
    return nullptr;
}

constexpr bool is_skin_tone(char32_t c) { return c >= 0x1F3FB && c <= 0x1F3FF; }

// expat hands over well-formed UTF-8 only.
std::u32string code_points(std::string_view utf8) {
    std::u32string result;
    const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
    auto length = static_cast<int32_t>(utf8.size());
    for (int32_t i = 0; i < length;) {
        UChar32 c = 0;
        U8_NEXT(bytes, i, length, c);
        result.push_back(static_cast<char32_t>(c < 0 ? 0xFFFD : c));
    }
    return result;
}

// One locale while its two files are read.
struct locale_table {
    std::unordered_map<std::u32string, annotation> annotations;
    // The short names of skin-tone sequences (key, name): the data file
    // derives them (they teach the separators), keeping those it cannot.
    std::vector<std::pair<std::u32string, std::string>> toned;
};

// <annotation cp="🐱">cat | face | pet</annotation> and
// <annotation cp="🐱" type="tts">cat face</annotation>, into a locale_table.
struct annotation_reader : xml_reader {
    locale_table* table = nullptr;
    bool in_annotation = false;
    bool wanted = false;  // neither a draft nor of an unknown type
    bool is_short_name = false;
    std::string cp;
    std::string text;

    static void XMLCALL start(void* self, const XML_Char* name, const XML_Char** attributes) {
        auto& reader = *static_cast<annotation_reader*>(self);
        if (std::strcmp(name, "annotation") != 0) return;
        reader.guarded([&] { reader.start_annotation(attributes); });
    }
    static void XMLCALL characters(void* self, const XML_Char* s, int length) {
        auto& reader = *static_cast<annotation_reader*>(self);
        if (!reader.in_annotation || !reader.wanted) return;
        reader.guarded([&] { reader.text.append(s, static_cast<std::size_t>(length)); });
    }
    static void XMLCALL end(void* self, const XML_Char* name) {
        auto& reader = *static_cast<annotation_reader*>(self);
        if (std::strcmp(name, "annotation") != 0) return;
        reader.in_annotation = false;
        if (reader.wanted) reader.guarded([&] { reader.store(); });
    }

    void start_annotation(const XML_Char** attributes) {
        in_annotation = true;
        text.clear();
        const XML_Char* key = attribute(attributes, "cp");
        const XML_Char* type = attribute(attributes, "type");
        const XML_Char* draft = attribute(attributes, "draft");
        is_short_name = type && std::strcmp(type, "tts") == 0;
        // Unconfirmed and provisional values are guesses CLDR itself does
        // not publish; approved and contributed ones it does.
        bool is_guess = draft && (std::strcmp(draft, "unconfirmed") == 0 ||
                                  std::strcmp(draft, "provisional") == 0);
        wanted = key && *key && (!type || is_short_name) && !is_guess;
        if (wanted) cp = key;
    }

    void store() {
        std::string_view value = trim_ascii_space(text);
        // "↑↑↑" means the parent's value: the field stays empty.
        if (value == "\xe2\x86\x91\xe2\x86\x91\xe2\x86\x91" || value.empty()) return;
        std::u32string key = code_points(cp);
        if (key.size() > 1 && std::ranges::any_of(key, is_skin_tone)) {
            if (is_short_name) table->toned.emplace_back(std::move(key), value);
            return;
        }
        // The first value read wins: the annotations/ file's over the
        // derived one's (in CLDR 41 they never hold the same key).
        annotation& entry = table->annotations[key];
        if (entry.key.empty()) entry.key = std::move(key);
        if (is_short_name) {
            if (entry.short_name.empty()) entry.short_name = value;
        } else if (entry.keywords.empty()) {
            while (!value.empty()) {
                std::size_t bar = std::min(value.find('|'), value.size());
                std::string_view keyword = trim_ascii_space(value.substr(0, bar));
                if (!keyword.empty()) entry.keywords.emplace_back(keyword);
                value.remove_prefix(std::min(bar + 1, value.size()));
            }
        }
    }
};

void read_annotations(const fs::path& file, locale_table& table, std::string& text) {
    read_whole_file(file, text);
    annotation_reader reader;
    reader.table = &table;
    parser_ptr parser = make_parser(reader);
    XML_SetElementHandler(parser.get(), &annotation_reader::start, &annotation_reader::end);
    XML_SetCharacterDataHandler(parser.get(), &annotation_reader::characters);
    parse(parser.get(), reader, file, text);
}

// <parentLocales><parentLocale parent="en_001" locales="en_AU en_GB"/>: the
// general ones only; a parentLocales with a component attribute (later
// CLDRs have them for segmentation and collation) is for that component.
struct parent_reader : xml_reader {
    std::unordered_map<std::string, std::string> parents;
    bool in_parent_locales = false;

    static void XMLCALL start(void* self, const XML_Char* name, const XML_Char** attributes) {
        auto& reader = *static_cast<parent_reader*>(self);
        reader.guarded([&] { reader.start_element(name, attributes); });
    }
    static void XMLCALL end(void* self, const XML_Char* name) {
        auto& reader = *static_cast<parent_reader*>(self);
        if (std::strcmp(name, "parentLocales") == 0) reader.in_parent_locales = false;
    }

    void start_element(std::string_view name, const XML_Char** attributes) {
        if (name == "parentLocales") {
            in_parent_locales = attribute(attributes, "component") == nullptr;
            return;
        }
        if (name != "parentLocale" || !in_parent_locales) return;
        const XML_Char* parent = attribute(attributes, "parent");
        const XML_Char* locales = attribute(attributes, "locales");
        if (!parent || !locales) return;
        std::string_view rest = locales;
        while (!rest.empty()) {
            std::size_t end = std::min(rest.find(' '), rest.size());
            if (end > 0) parents[std::string(rest.substr(0, end))] = parent;
            rest.remove_prefix(std::min(end + 1, rest.size()));
        }
    }
};

std::unordered_map<std::string, std::string> read_parent_locales(const fs::path& file, std::string& text) {
    read_whole_file(file, text);
    parent_reader reader;
    parser_ptr parser = make_parser(reader);
    XML_SetElementHandler(parser.get(), &parent_reader::start, &parent_reader::end);
    parse(parser.get(), reader, file, text);
    return std::move(reader.parents);
}

// ldml.dtd's <!ATTLIST version cldrVersion CDATA #FIXED "41" >. A DTD is no
// document, so expat reads it as the external subset of a one-element
// document whose DOCTYPE names it, and reports the attribute's default.
struct version_reader : xml_reader {
    std::string_view dtd;
    std::string version;
    // Where expat stopped in the DTD, when it did.
    XML_Size dtd_error_line = 0;
    std::string dtd_error;

    static int XMLCALL external_entity(XML_Parser parser, const XML_Char* context, const XML_Char*,
                                       const XML_Char*, const XML_Char*) {
        auto& reader = *static_cast<version_reader*>(XML_GetUserData(parser));
        parser_ptr subset(XML_ExternalEntityParserCreate(parser, context, nullptr), &XML_ParserFree);
        if (!subset) return XML_STATUS_ERROR;
        if (XML_Parse(subset.get(), reader.dtd.data(), static_cast<int>(reader.dtd.size()), XML_TRUE) ==
            XML_STATUS_OK)
            return XML_STATUS_OK;
        reader.dtd_error_line = XML_GetCurrentLineNumber(subset.get());
        reader.dtd_error = XML_ErrorString(XML_GetErrorCode(subset.get()));
        return XML_STATUS_ERROR;
    }
    static void XMLCALL attribute_declared(void* self, const XML_Char* element, const XML_Char* name,
                                           const XML_Char*, const XML_Char* default_value, int) {
        auto& reader = *static_cast<version_reader*>(self);
        if (default_value && std::strcmp(element, "version") == 0 && std::strcmp(name, "cldrVersion") == 0)
            reader.guarded([&] { reader.version = default_value; });
    }
};

std::string read_cldr_version(const fs::path& file, std::string& text) {
    read_whole_file(file, text);
    version_reader reader;
    reader.dtd = text;
    parser_ptr parser = make_parser(reader);
    XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_ALWAYS);
    XML_SetExternalEntityRefHandler(parser.get(), &version_reader::external_entity);
    XML_SetAttlistDeclHandler(parser.get(), &version_reader::attribute_declared);
    constexpr std::string_view document = "<!DOCTYPE ldml SYSTEM \"ldml.dtd\"><ldml/>";
    XML_Status status = XML_Parse(parser.get(), document.data(), static_cast<int>(document.size()), XML_TRUE);
    if (reader.error) std::rethrow_exception(reader.error);
    if (!reader.dtd_error.empty())
        fail(file.string() + ":" + std::to_string(reader.dtd_error_line), reader.dtd_error);
    if (status != XML_STATUS_OK) fail(file, XML_ErrorString(XML_GetErrorCode(parser.get())));
    if (reader.version.empty()) fail(file, "no default for <version cldrVersion>");
    return reader.version;
}

// The tags of common/annotations/*.xml but root, sorted.
std::vector<std::string> locale_tags(const fs::path& folder) {
    std::error_code error;
    fs::directory_iterator entries(folder, error);
    if (error) fail(folder, "cannot read the folder: " + error.message());
    std::vector<std::string> tags;
    for (; entries != fs::directory_iterator(); entries.increment(error)) {
        const fs::path& path = entries->path();
        if (path.extension() == ".xml" && path.stem() != "root") tags.push_back(path.stem().string());
    }
    if (error) fail(folder, "cannot read the folder: " + error.message());
    std::ranges::sort(tags);
    return tags;
}

// CLDR's parent of `tag` with its own annotations file: supplementalData's
// explicit parent when it names one ("root" is none), else the tag cut at
// its last '_'; tags without a file are passed through (sr_Cyrl_BA ->
// sr_Cyrl -> sr when sr_Cyrl had no file).
std::string nearest_parent(std::string tag, const std::unordered_map<std::string, std::string>& parents,
                           const std::vector<std::string>& tags) {
    for (;;) {
        if (auto explicit_parent = parents.find(tag); explicit_parent != parents.end()) {
            tag = explicit_parent->second == "root" ? "" : explicit_parent->second;
        } else {
            std::size_t cut = tag.rfind('_');
            tag.resize(cut == std::string::npos ? 0 : cut);
        }
        if (tag.empty() || std::ranges::binary_search(tags, tag)) return tag;
    }
}

std::string name_in_itself(const std::string& tag) {
    icu::Locale locale(tag.c_str());
    icu::UnicodeString name;
    locale.getDisplayName(locale, name);
    std::string utf8;
    name.toUTF8String(utf8);
    return utf8;
}

std::vector<annotation> sorted_annotations(locale_table& table) {
    std::vector<annotation> result;
    result.reserve(table.annotations.size());
    for (auto& [key, entry] : table.annotations)
        if (!entry.short_name.empty() || !entry.keywords.empty()) result.push_back(std::move(entry));
    std::ranges::sort(result, std::less<>{}, &annotation::key);
    return result;
}

// Looks names up along the parent chain, as CLDR inherits them.
class short_names {
public:
    explicit short_names(const std::vector<locale>& locales) : locales_(locales) {}

    // The short name of `key` in `tag` or its nearest ancestor having one.
    std::string_view of(const std::string& tag, const std::u32string& key) const {
        for (const locale* current = find(tag); current; current = find(current->parent)) {
            auto entry = std::ranges::lower_bound(current->annotations, key, std::less<>{}, &annotation::key);
            if (entry != current->annotations.end() && entry->key == key && !entry->short_name.empty())
                return entry->short_name;
        }
        return {};
    }

private:
    const locale* find(const std::string& tag) const {
        if (tag.empty()) return nullptr;
        auto found = std::ranges::lower_bound(locales_, tag, std::less<>{}, &locale::tag);
        return found != locales_.end() && found->tag == tag ? &*found : nullptr;
    }
    const std::vector<locale>& locales_;
};

// A skin-tone sequence's short name taken apart: its base's name, its
// tones' names in order (a tone repeated, as in 🧑🏻‍🤝‍🧑🏻, named once, as
// CLDR does), and the name itself.
struct toned_name {
    std::string_view base;
    std::vector<std::string_view> tones;
    std::string_view name;
};

std::vector<toned_name> toned_names(const locale& current, const locale_table& table,
                                    const short_names& names) {
    std::vector<toned_name> result;
    for (const auto& [key, name] : table.toned) {
        toned_name entry{{}, {}, name};
        std::u32string base;
        for (char32_t c : key) {
            if (!is_skin_tone(c)) {
                base.push_back(c);
                continue;
            }
            std::string_view tone = names.of(current.tag, std::u32string(1, c));
            if (std::ranges::find(entry.tones, tone) == entry.tones.end()) entry.tones.push_back(tone);
        }
        entry.base = names.of(current.tag, base);
        bool named = !entry.base.empty() && std::ranges::none_of(entry.tones, &std::string_view::empty);
        if (named && entry.tones.size() <= 2) result.push_back(std::move(entry));
    }
    return result;
}

// The most frequent separator, the smaller one on a tie; "" for none.
std::string most_frequent(const std::map<std::string_view, int>& votes) {
    auto best = std::ranges::max_element(votes, std::less<>{}, [](const auto& vote) { return vote.second; });
    return best == votes.end() ? std::string() : std::string(best->first);
}

// Learns tone_separator and tone_list_separator from the examples whose
// name is base + separator + tone, or base + separator + tone + list
// separator + tone: each such example votes, and the most frequent wins.
// How often the rule learned rebuilds a sequence's name exactly, of all the
// skin-tone sequences with a short name (CLDR 41, measured while writing
// this): en 1,415 of 1,775, de 1,415 of 1,775, ja 1,445 of 1,775. Of en's
// 360 misses, 120 have a base that CLDR names only as another character
// (👭 for 👩‍🤝‍👩, 🤝 for 🫱‍🫲, 💏 for 🧑‍❤‍💋‍🧑), and 240 a base whose name
// is composed already ("kiss: woman, man", "person: blond hair"), which
// CLDR names as one list ("person: light skin tone, blond hair").
void learn_tone_separators(locale& current, const locale_table& table, const short_names& names) {
    std::vector<toned_name> examples = toned_names(current, table, names);
    std::map<std::string_view, int> separators;
    std::map<std::string_view, int> list_separators;
    // Counts the votes of the examples whose base's name does not hold
    // `composite` (when not empty).
    auto count = [&](std::string_view composite) {
        separators.clear();
        list_separators.clear();
        for (const toned_name& example : examples) {
            if (!composite.empty() && example.base.find(composite) != std::string_view::npos) continue;
            if (!example.name.starts_with(example.base)) continue;
            std::string_view rest = example.name.substr(example.base.size());
            std::string_view last = example.tones.back();
            if (example.tones.size() == 1) {
                if (rest.size() > last.size() && rest.ends_with(last))
                    ++separators[rest.substr(0, rest.size() - last.size())];
                continue;
            }
            std::string_view first = example.tones.front();
            for (std::size_t at = rest.find(first, 1); at != std::string_view::npos;
                 at = rest.find(first, at + 1)) {
                std::string_view after = rest.substr(at + first.size());
                if (after.size() > last.size() && after.ends_with(last)) {
                    ++separators[rest.substr(0, at)];
                    ++list_separators[after.substr(0, after.size() - last.size())];
                    break;
                }
            }
        }
    };
    // First every example votes; then again without those whose base's name
    // already holds the separator won ("kiss: woman, man", "person: blond
    // hair"): CLDR lists their tones among the base's own parts, with the
    // language's final list word ("sich küssendes Paar: Frau, Mann, helle
    // Hautfarbe und dunkle Hautfarbe"), which would outvote the plain rule.
    // A separator the second count has no example of keeps the first's.
    count({});
    std::string separator = most_frequent(separators);
    std::string list_separator = most_frequent(list_separators);
    count(separator);
    current.tone_separator = separators.empty() ? separator : most_frequent(separators);
    current.tone_list_separator = list_separators.empty() ? list_separator : most_frequent(list_separators);
}

}  // namespace

cldr_data read_cldr(const std::filesystem::path& common) {
    std::vector<std::string> tags = locale_tags(common / "annotations");
    std::vector<locale_table> tables(tags.size());
    std::string text;
    for (std::size_t i = 0; i < tags.size(); ++i) {
        std::string file = tags[i] + ".xml";
        read_annotations(common / "annotations" / file, tables[i], text);
        fs::path derived = common / "annotationsDerived" / file;
        if (fs::exists(derived)) read_annotations(derived, tables[i], text);
    }
    auto parents = read_parent_locales(common / "supplemental" / "supplementalData.xml", text);

    cldr_data data;
    data.version = read_cldr_version(common / "dtd" / "ldml.dtd", text);
    data.locales.reserve(tags.size());
    for (std::size_t i = 0; i < tags.size(); ++i) {
        locale& current = data.locales.emplace_back();
        current.tag = tags[i];
        current.parent = nearest_parent(tags[i], parents, tags);
        current.name = name_in_itself(tags[i]);
        current.annotations = sorted_annotations(tables[i]);
    }
    // After every locale's annotations are in: the names come from parents.
    short_names names(data.locales);
    for (std::size_t i = 0; i < tags.size(); ++i) {
        learn_tone_separators(data.locales[i], tables[i], names);
        for (const auto& [key, name] : tables[i].toned) data.locales[i].toned.push_back({key, name, {}});
        std::sort(data.locales[i].toned.begin(), data.locales[i].toned.end(),
                  [](const annotation& a, const annotation& b) { return a.key < b.key; });
    }
    return data;
}

}  // namespace mojifinder::datagen
