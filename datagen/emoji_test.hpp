#pragma once
// unicode-data's emoji/emoji-test.txt: every emoji and emoji sequence with
// its status and its name, as datagen needs them.
#include "names.hpp"

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mojifinder::datagen {

struct emoji_test {
    // Fully-qualified sequences of two or more code points, other than a
    // character followed by U+FE0F alone (its character's entry stands for
    // it), sorted by code points; names upper-cased (ICU, root locale).
    std::vector<sequence> sequences;
    // Lines per status ("fully-qualified": 3655, ...), as the file counts them.
    std::map<std::string, std::size_t, std::less<>> status_counts;
};

// Throws std::runtime_error naming the file and line of a line it cannot read.
emoji_test read_emoji_test(const std::filesystem::path& file);

}  // namespace mojifinder::datagen
