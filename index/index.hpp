#pragma once
// The in-memory index of Unicode character names: every code point from U+0020
// up that ICU names, each word of a name -> the ascending list of characters
// whose name has it. Built once, then read-only: any number of threads may
// search it at once without locks.
#include <cstdint>
#include <memory>
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

// Appends the line that answers for one character, as PROTOCOL.md defines it:
// "U+" and at least four upper-case hex digits, TAB, the character, TAB, its
// name, CRLF. The index stores these lines ready to send.
void append_answer_line(std::string& out, char32_t cp, std::string_view name);

class index {
public:
    // An entry is a named character; entries are numbered in code point order,
    // so ascending entry ids are ascending code points.
    using entry_id = std::uint32_t;

    // Reads every name from ICU's Unicode Character Database.
    static index build();

    std::size_t size() const noexcept { return line_start_.size() - 1; }
    // Distinct words of all names, the hex words of algorithmic names included.
    std::size_t word_count() const noexcept { return word_text_.size() + self_named_.size(); }

    char32_t code_point(entry_id e) const noexcept;
    std::string_view name(entry_id e) const noexcept;

    // An entry's answer line, ready to send: "U+1F431\t🐱\tCAT FACE\r\n".
    // The lines of consecutive entries are adjacent, so [first, last) is one view.
    std::string_view lines(entry_id first, entry_id last) const noexcept {
        return {text_.get() + line_start_[first], line_start_[last] - line_start_[first]};
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

    // The hex word of an algorithmic name ("4E00" in CJK UNIFIED
    // IDEOGRAPH-4E00) belongs to that one character: such entries are found
    // by code point instead of through the word table, which keeps ~98,000
    // one-entry words out of it.
    std::span<const entry_id> self_named_with(std::string_view word) const noexcept;
    static constexpr std::uint32_t no_word = ~std::uint32_t{0};
    std::uint32_t find_word(std::string_view word) const noexcept;  // in the word table
    std::string_view hex_of(entry_id e) const noexcept;

    std::unique_ptr<char[]> text_;           // every answer line, back to back
    std::size_t text_capacity_ = 0;          // bytes allocated; past line_start_.back() untouched
    std::vector<std::uint32_t> line_start_;  // size()+1 offsets into text_
    std::vector<entry_id> self_named_;       // ascending: entries whose name has their own hex
    std::vector<std::uint32_t> word_text_;   // per word: offset of its text in text_
    std::vector<std::uint8_t> word_size_;
    std::vector<std::uint32_t> posting_start_;  // word_count()+1 offsets into postings_
    std::vector<entry_id> postings_;
    std::vector<std::uint32_t> slots_;       // open-addressing table: word id + 1, 0 = free
};

}  // namespace mojifinder
