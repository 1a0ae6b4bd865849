# Flow: run at build time (cmake -P) by index/CMakeLists.txt: reads Debian's
# unicode-data NameAliases.txt (INPUT) and writes OUTPUT, a C++ table of the
# formal aliases of the types correction, abbreviation and alternate, in file
# order (ascending code point). `control` and `figment` aliases are left out:
# controls are never answered, and figments were never in any standard.
file(READ "${INPUT}" text)
# CMake lists are ';'-separated and so are the file's fields: read them as '|'.
string(REPLACE ";" "|" text "${text}")
string(REGEX MATCHALL "\n[0-9A-F]+\\|[^|\n]+\\|(correction|abbreviation|alternate)" lines "${text}")
set(table "")
set(count 0)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^\n([0-9A-F]+)\\|([^|\n]+)\\|.*$" "    {0x\\1, \"\\2\"},\n" row "${line}")
  string(APPEND table "${row}")
  math(EXPR count "${count} + 1")
endforeach()
if(count LESS 100)
  message(FATAL_ERROR "${INPUT}: only ${count} aliases read; is it NameAliases.txt?")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by index/name_aliases.cmake: do not edit.
#include \"name_aliases.hpp\"

namespace mojifinder::detail {

const name_alias name_aliases[] = {
${table}};
const std::size_t name_alias_count = ${count};

}  // namespace mojifinder::detail
")
# Touch OUTPUT only when it changed, so an unchanged file rebuilds nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
