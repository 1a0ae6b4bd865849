// Flow: read_emoji_test() reads the file line by line: "# group:" and other
// comments are skipped; a data line is "<hex> <hex>... ; <status> # <emoji>
// E<version> <name>". Fully-qualified multi-code-point lines become
// sequences, whose names ICU upper-cases.
#include "emoji_test.hpp"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <stdexcept>

namespace mojifinder::datagen {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::string upper(std::string_view text) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    u.toUpper(icu::Locale::getRoot());
    std::string out;
    u.toUTF8String(out);
    return out;
}

}  // namespace

emoji_test read_emoji_test(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error(file.string() + ": cannot read it (apt-get install unicode-data)");
    emoji_test out;
    std::string line;
    std::size_t number = 0;
    auto fail = [&](std::string_view why) {
        return std::runtime_error(file.string() + ":" + std::to_string(number) + ": " + std::string(why));
    };
    while (std::getline(in, line)) {
        ++number;
        std::string_view l = trim(line);
        if (l.empty() || l.front() == '#') continue;
        std::size_t semicolon = l.find(';'), hash = l.find('#');
        if (semicolon == std::string_view::npos || hash == std::string_view::npos || hash < semicolon)
            throw fail("not \"<code points> ; <status> # <emoji> E<version> <name>\"");
        std::string_view status = trim(l.substr(semicolon + 1, hash - semicolon - 1));
        ++out.status_counts[std::string(status)];
        std::u32string cps;
        for (std::string_view hex = trim(l.substr(0, semicolon)); !hex.empty(); hex = trim(hex)) {
            std::uint32_t cp = 0;
            auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
            if (ec != std::errc{} || cp > 0x10FFFF) throw fail("a code point is not hex");
            cps.push_back(static_cast<char32_t>(cp));
            hex.remove_prefix(static_cast<std::size_t>(end - hex.data()));
        }
        if (status != "fully-qualified" || cps.size() < 2 || (cps.size() == 2 && cps[1] == 0xFE0F)) continue;
        // "# 👩‍🚒 E4.0 woman firefighter": the name follows the version.
        std::string_view comment = trim(l.substr(hash + 1));
        std::size_t version = comment.find(" E");
        std::size_t name = version == std::string_view::npos ? version : comment.find(' ', version + 2);
        if (name == std::string_view::npos) throw fail("no name after the emoji's version");
        out.sequences.push_back({std::move(cps), upper(trim(comment.substr(name + 1)))});
    }
    std::sort(out.sequences.begin(), out.sequences.end(),
              [](const sequence& a, const sequence& b) { return a.code_points < b.code_points; });
    return out;
}

}  // namespace mojifinder::datagen
