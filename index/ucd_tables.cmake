# Flow: run at build time (cmake -P) by index/CMakeLists.txt: reads two files
# of the Unicode Character Database from Debian's unicode-data and writes
# OUTPUT, the C++ tables of index/ucd_tables.hpp:
# - ALIASES (NameAliases.txt): the formal aliases of the types correction,
#   abbreviation and alternate, in file order (ascending code point).
#   `control` and `figment` aliases are left out: controls are never
#   answered, and figments were never in any standard.
# - BLOCKS (Blocks.txt): each block's range and its name as Unicode writes it
#   ("Greek and Coptic"; ICU's property names are "Greek_And_Coptic").
# CMake lists are ';'-separated and so are the files' fields: read them as '|'.
function(read_ucd file out)
  file(READ "${file}" text)
  string(REPLACE ";" "|" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

read_ucd("${ALIASES}" text)
string(REGEX MATCHALL "\n[0-9A-F]+\\|[^|\n]+\\|(correction|abbreviation|alternate)" lines "${text}")
set(aliases "")
set(alias_count 0)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^\n([0-9A-F]+)\\|([^|\n]+)\\|.*$" "    {0x\\1, \"\\2\"},\n" row "${line}")
  string(APPEND aliases "${row}")
  math(EXPR alias_count "${alias_count} + 1")
endforeach()
if(alias_count LESS 100)
  message(FATAL_ERROR "${ALIASES}: only ${alias_count} aliases read; is it NameAliases.txt?")
endif()

read_ucd("${BLOCKS}" text)
string(REGEX MATCHALL "\n[0-9A-F]+\\.\\.[0-9A-F]+\\| [^\n]+" lines "${text}")
set(blocks "")
set(block_count 0)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^\n([0-9A-F]+)\\.\\.([0-9A-F]+)\\| ([^\n]+)$" "    {0x\\1, 0x\\2, \"\\3\"},\n" row "${line}")
  string(APPEND blocks "${row}")
  math(EXPR block_count "${block_count} + 1")
endforeach()
if(block_count LESS 100)
  message(FATAL_ERROR "${BLOCKS}: only ${block_count} blocks read; is it Blocks.txt?")
endif()

file(WRITE "${OUTPUT}.tmp" "// Generated from ${ALIASES} and ${BLOCKS}
// by index/ucd_tables.cmake: do not edit.
#include \"ucd_tables.hpp\"

namespace mojifinder::detail {

const name_alias name_aliases[] = {
${aliases}};
const std::size_t name_alias_count = ${alias_count};

const unicode_block unicode_blocks[] = {
${blocks}};
const std::size_t unicode_block_count = ${block_count};

}  // namespace mojifinder::detail
")
# Touch OUTPUT only when it changed, so an unchanged file rebuilds nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
