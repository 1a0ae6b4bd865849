// Query parsing and search: any text is a query; every match must contain
// every query word, and the matches must be strictly ascending.
#include "index.hpp"
#include "session_core.hpp"
#include "words.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mojifinder;
    static const index idx = index::open(index::build_tree_data_path());
    static search_scratch scratch;
    std::string_view query(reinterpret_cast<const char*>(data), size);

    std::string text;
    std::vector<std::string_view> words;
    split_words(query, text, words);
    for (auto w : words) require(!w.empty() && w.find(' ') == std::string_view::npos);

    auto matches = idx.search(query, scratch);
    require(std::adjacent_find(matches.begin(), matches.end(),
                               [](auto a, auto b) { return a >= b; }) == matches.end());
    std::string name_text;
    std::vector<std::string_view> name_words;
    for (std::size_t i = 0; i < std::min<std::size_t>(matches.size(), 50); ++i) {
        split_words(idx.name(matches[i]), name_text, name_words);
        for (auto w : words)
            require(std::find(name_words.begin(), name_words.end(), w) != name_words.end());
    }

    std::array<char, 32> buffer{};
    auto count = protocol::format_count(matches.size(), buffer);
    require(count == " " + std::to_string(matches.size()) + " found\r\n");
    return 0;
}
