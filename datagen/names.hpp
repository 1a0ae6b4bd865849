#pragma once
// The names' part of the data file as datagen builds it: every character ICU
// names (U+0020 up) and the emoji sequences, numbered together in code point
// sequence order, with their answer lines, the names' word table and
// posting lists, and the other names (formal aliases, sequences' names).
// index.hpp documents each array; main.cpp writes them under "names/..." and
// "other/...".
#include "index.hpp"

#include <span>
#include <string>
#include <vector>

namespace mojifinder::datagen {

// An emoji sequence as emoji-test.txt lists it (fully-qualified).
struct sequence {
    std::u32string code_points;
    std::string name;  // upper-cased: "WOMAN FIREFIGHTER: DARK SKIN TONE"
};

struct names_tables {
    std::string text_;                         // the answer lines, back to back
    std::vector<std::uint32_t> line_start_;    // entries + 1
    std::vector<index::entry_id> self_named_;
    std::vector<std::uint32_t> word_text_;     // per word: its offset in text_
    std::vector<std::uint8_t> word_size_;
    std::vector<std::uint32_t> posting_start_;
    std::vector<index::entry_id> postings_;
    std::vector<std::uint32_t> slots_;
    std::vector<index::word_id> words_by_start_;
    std::vector<std::uint32_t> start_group_;
    std::vector<std::string> alias_words_;     // other names' words, ascending, distinct
    std::vector<std::uint32_t> alias_posting_start_;
    std::vector<index::entry_id> alias_postings_;
    std::vector<char32_t> alias_code_points_;  // every formal alias, in NameAliases.txt order
    std::vector<std::string_view> alias_names_;
    std::vector<index::entry_id> sequences_;
    std::vector<index::entry_id> toned_;
};

// `sequences` sorted by code points; each starts with a named code point.
names_tables build_names(std::span<const sequence> sequences);

}  // namespace mojifinder::datagen
