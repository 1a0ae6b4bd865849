#pragma once
// NamesList.txt's informal aliases (Debian's unicode-data): the lines
// "\t= text" under a code point's line ("21E7\tUPWARDS WHITE ARROW", then
// "\t= shift"). main.cpp writes them under "informal/...".
#include <filesystem>
#include <string>
#include <vector>

namespace mojifinder::datagen {

struct informal_alias {
    char32_t code_point = 0;
    std::string text;  // as NamesList.txt writes it: "command key"
};

// Every informal alias, in file order (code point order, each code point's
// in its order). Throws std::runtime_error when the file cannot be read.
std::vector<informal_alias> read_informal_aliases(const std::filesystem::path& names_list);

}  // namespace mojifinder::datagen
