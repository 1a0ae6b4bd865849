#pragma once
// Tables of the Unicode Character Database that ICU does not carry as
// Unicode writes them, generated at build time by index/ucd_tables.cmake from
// Debian's unicode-data package (the same Unicode version as ICU 72's: 15.0).
#include <cstddef>
#include <string_view>

namespace mojifinder::detail {

// A formal name alias (NameAliases.txt, types correction, abbreviation and
// alternate).
struct name_alias {
    char32_t code_point;
    std::string_view alias;  // upper-case ASCII, words separated by ' ' or '-'
};

// In file order: ascending code point, a code point's aliases in file order.
extern const name_alias name_aliases[];
extern const std::size_t name_alias_count;

// A block (Blocks.txt) with its name as Unicode writes it: "Greek and Coptic".
struct unicode_block {
    char32_t first;
    char32_t last;
    std::string_view name;
};

// Ascending, disjoint.
extern const unicode_block unicode_blocks[];
extern const std::size_t unicode_block_count;

}  // namespace mojifinder::detail
