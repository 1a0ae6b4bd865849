#pragma once
// The in-memory index of Unicode character names: every code point from U+0020
// up that ICU names, each word of a name -> the ascending list of characters
// whose name has it. Built once, then read-only: any number of threads may
// search it at once without locks.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mojifinder {

// Per-caller working memory for index::search, reused from query to query so
// that a search allocates nothing once it has warmed up.
struct search_scratch {
    std::string text;
    std::vector<std::string_view> words;
    std::vector<std::span<const std::uint32_t>> lists;
    std::vector<std::uint32_t> result;
    std::vector<std::uint32_t> spare;
};

class index {
public:
    // An entry is a named character; entries are numbered in code point order,
    // so ascending entry ids are ascending code points.
    using entry_id = std::uint32_t;

    // Reads every name from ICU's Unicode Character Database.
    static index build();

    std::size_t size() const noexcept { return code_points_.size(); }
    std::size_t word_count() const noexcept { return word_text_.size(); }

    char32_t code_point(entry_id e) const noexcept { return code_points_[e]; }
    std::string_view name(entry_id e) const noexcept;

    // An entry's answer line, ready to send: "U+1F431\t🐱\tCAT FACE\r\n".
    // The lines of consecutive entries are adjacent, so [first, last) is one view.
    std::string_view lines(entry_id first, entry_id last) const noexcept {
        return {text_.data() + line_start_[first], line_start_[last] - line_start_[first]};
    }
    std::string_view line(entry_id e) const noexcept { return lines(e, e + 1); }

    // The entries whose name has this word (already upper-case), ascending.
    std::span<const entry_id> entries_with(std::string_view word) const noexcept;

    // The entries whose name has every word of the query, ascending. The span
    // points into the index or into `scratch`; it lives until the next search
    // with the same scratch.
    std::span<const entry_id> search(std::string_view query, search_scratch& scratch) const;

    // Bytes held by the index's own arrays (not counting the allocator's slack).
    std::size_t memory_bytes() const noexcept;

private:
    friend class index_builder;
    index() = default;

    std::string text_;                       // every answer line, back to back
    std::vector<std::uint32_t> line_start_;  // size()+1 offsets into text_
    std::vector<char32_t> code_points_;
    std::vector<std::uint32_t> word_text_;   // per word: offset of its text in text_
    std::vector<std::uint8_t> word_size_;
    std::vector<std::uint32_t> posting_start_;  // word_count()+1 offsets into postings_
    std::vector<entry_id> postings_;
    std::vector<std::uint32_t> slots_;       // open-addressing table: word id + 1, 0 = free
};

}  // namespace mojifinder
