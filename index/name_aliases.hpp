#pragma once
// The formal name aliases of the Unicode Character Database (NameAliases.txt,
// types correction, abbreviation and alternate), generated at build time by
// index/name_aliases.cmake from Debian's unicode-data package.
#include <cstddef>
#include <string_view>

namespace mojifinder::detail {

struct name_alias {
    char32_t code_point;
    std::string_view alias;  // upper-case ASCII, words separated by ' ' or '-'
};

// In file order: ascending code point, a code point's aliases in file order.
extern const name_alias name_aliases[];
extern const std::size_t name_alias_count;

}  // namespace mojifinder::detail
