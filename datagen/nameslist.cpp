// Flow: read NamesList.txt line by line; a line that starts with hex digits
// and a TAB is a code point's, and makes it the current one; a header line
// ('@') ends it; "\t= text" under a current code point is one of its
// informal aliases (a comment after " (" or " *" is part of the text:
// NamesList.txt puts none on these lines).
#include "nameslist.hpp"

#include <fstream>
#include <stdexcept>

namespace mojifinder::datagen {

std::vector<informal_alias> read_informal_aliases(const std::filesystem::path& names_list) {
    std::ifstream in(names_list);
    if (!in) throw std::runtime_error("cannot read " + names_list.string() + ": apt-get install unicode-data");
    std::vector<informal_alias> out;
    char32_t current = 0;
    bool under_code_point = false;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (line[0] == '@') {
            under_code_point = false;
            continue;
        }
        if (line[0] != '\t') {
            std::size_t tab = line.find('\t');
            if (tab == std::string::npos || tab < 4 || tab > 6 ||
                line.find_first_not_of("0123456789ABCDEF") != tab) {
                under_code_point = false;
                continue;
            }
            under_code_point = true;
            current = static_cast<char32_t>(std::stoul(line.substr(0, tab), nullptr, 16));
            continue;
        }
        if (under_code_point && line.starts_with("\t= ")) out.push_back({current, line.substr(3)});
    }
    return out;
}

}  // namespace mojifinder::datagen
