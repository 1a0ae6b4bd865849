#pragma once
// CLDR's annotations as the data file needs them, read from Debian's
// unicode-cldr-core (common/annotations/*.xml and common/annotationsDerived/
// *.xml) with expat: per locale, its own keywords and short names ("tts"),
// its parent, and its name in itself.
#include <filesystem>
#include <string>
#include <vector>

namespace mojifinder::datagen {

struct annotation {
    // The cp attribute's code points as CLDR writes them: without U+FE0F.
    std::u32string key;
    std::string short_name;             // type="tts"; "" when none
    std::vector<std::string> keywords;  // in file order, split on '|', trimmed
};

struct locale {
    std::string tag;     // the file's name without .xml: "de_CH"
    std::string parent;  // the nearest ancestor with a file ("en_001" for en_AU), "" for none
    std::string name;    // its name in itself (ICU): "Deutsch (Schweiz)"
    // Its own annotations (annotations/ and annotationsDerived/ merged per
    // key), sorted by key; skin-tone sequences left out (see below).
    std::vector<annotation> annotations;
    // How CLDR derives a skin-tone sequence's short name from its base's and
    // its tones' ("thumbs up" + ": " + "light skin tone"; two tones joined by
    // ", "), learned from the locale's derived annotations; "" when it has none.
    std::string tone_separator;
    std::string tone_list_separator;
    // The skin-tone sequences' own short names (keywords left empty), sorted
    // by key: datagen keeps those its derivation does not give exactly.
    std::vector<annotation> toned;
};

struct cldr_data {
    std::string version;          // "41"
    std::vector<locale> locales;  // sorted by tag; root left out
};

// `common`: CLDR's common/ folder (/usr/share/unicode/cldr/common). Throws
// std::runtime_error naming the file and line of anything it cannot read.
cldr_data read_cldr(const std::filesystem::path& common);

}  // namespace mojifinder::datagen
