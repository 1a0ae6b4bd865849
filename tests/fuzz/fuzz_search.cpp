// Query parsing and search: any text is a query; every match of
// index::search must contain every query word, and the matches must be
// strictly ascending. The same text in the full mode, in the language the
// first byte picks: its entries strictly ascending, each query word (ASCII)
// a word of the entry's name, other names, informal aliases, definition
// or keywords, or (a word with a tone number) one of its readings.
#include "index.hpp"
#include "search.hpp"
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

    // The full mode, in one of the languages, for plain ASCII word queries
    // (whose words are names' words upper-cased, keyword words lower-cased;
    // no term of the 0x1F600 form).
    if (size >= 1 && idx.language_count() > 0) {
        auto language = static_cast<index::language_id>(data[0] % idx.language_count());
        std::string_view rest = query.substr(1);
        bool plain = !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
        }) && rest.find_first_not_of(' ') != std::string_view::npos;
        // A term "0x..." is a code point (an error when not hex), not a word.
        for (std::size_t at = 0; plain && at + 1 < rest.size(); ++at)
            if ((at == 0 || rest[at - 1] == ' ') && rest[at] == '0' && (rest[at + 1] == 'x' || rest[at + 1] == 'X'))
                plain = false;
        static search::scratch full;
        search::engine engine(idx);
        if (plain) {
            rest = trim_ascii_space(rest);
            engine.run(rest, search::mode::full, language, full);
            require(full.error().empty());
            split_words(rest, text, words);
            std::vector<std::string> lower;
            for (auto w : words) {
                lower.emplace_back(w);
                for (char& c : lower.back()) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            }
            std::string toned, toneless;
            search::run r;
            index::entry_id after = 0;
            std::size_t lines = 0, checked = 0;
            while (full.next(r)) {
                require(!r.identified() && r.first < r.last && (lines == 0 || r.first > after));
                after = r.last;
                lines += r.last - r.first;
                for (auto e = r.first; e < r.last && checked < 20; ++e, ++checked)
                    for (std::size_t k = 0; k < words.size(); ++k) {
                        bool in = !idx.keyword_entries_with(language, lower[k]).empty() &&
                                  std::binary_search(idx.keyword_entries_with(language, lower[k]).begin(),
                                                     idx.keyword_entries_with(language, lower[k]).end(), e);
                        auto names = idx.entries_with(words[k]);
                        auto aliases = idx.alias_entries_with(words[k]);
                        auto informal = idx.informal_words().entries_with(words[k]);
                        auto definitions = idx.definition_words().entries_with(words[k]);
                        // A bare word with a tone number (shui3): a Mandarin or Cantonese reading.
                        for (reading f : {reading::mandarin, reading::cantonese}) {
                            index::reading_keys(f, words[k], toned, toneless);
                            auto read = toned.empty() ? std::span<const index::entry_id>{}
                                                      : idx.reading_words(f).entries_with(toned);
                            in = in || std::binary_search(read.begin(), read.end(), e);
                        }
                        in = in || std::binary_search(names.begin(), names.end(), e) ||
                             std::binary_search(aliases.begin(), aliases.end(), e) ||
                             std::binary_search(informal.begin(), informal.end(), e) ||
                             std::binary_search(definitions.begin(), definitions.end(), e) ||
                             // a toned sequence reached through its base or its tone
                             std::binary_search(idx.toned_sequences().begin(), idx.toned_sequences().end(), e);
                        require(in);
                    }
            }
            require(lines == full.found());
        }
    }

    std::array<char, 32> buffer{};
    auto count = protocol::format_count(matches.size(), buffer);
    require(count == " " + std::to_string(matches.size()) + " found\r\n");
    return 0;
}
