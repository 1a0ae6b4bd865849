#pragma once
// The in-memory index of Unicode character names: every code point from U+0020
// up that ICU names, each word of a name -> the ascending list of characters
// whose name has it. Built once, then read-only: any number of threads may
// search it at once without locks.
//
// Beside the names it holds what the search layer's query language needs:
// the vocabulary grouped by its first two characters (prefixes), letter
// classes (did-you-mean), code point -> entry, and the
// formal name aliases
// (NameAliases.txt) with posting lists of their own, kept apart from the
// names' so that a names-only search is v1 exactly.
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

    // The entries in every list of scratch.lists (ascending lists, each
    // non-empty), ascending: the smallest list first, each step galloping.
    // The span points into one of the lists or into `scratch`. search() is
    // this after looking its words up; the search layer calls it for a query
    // of plain words.
    std::span<const entry_id> intersect(search_scratch& scratch) const;

    // --- Code points ---------------------------------------------------------
    // The first entry whose code point is `cp` or above (size() if none).
    entry_id first_entry_from(char32_t cp) const noexcept;
    // The entry of `cp`, or no_entry when ICU gives it no name.
    static constexpr entry_id no_entry = ~entry_id{0};
    entry_id entry_of(char32_t cp) const noexcept;

    // --- The vocabulary: words of the word table, each with an id ------------
    // (The hex words of algorithmic names are not in it; see self_named_.)
    using word_id = std::uint32_t;
    std::size_t vocabulary_size() const noexcept { return word_text_.size(); }
    std::string_view word(word_id w) const noexcept {
        return {text_.get() + word_text_[w], word_size_[w]};
    }
    std::span<const entry_id> entries_of(word_id w) const noexcept {
        return {postings_.data() + posting_start_[w], postings_.data() + posting_start_[w + 1]};
    }
    // The words that may start with `prefix` (upper-case): those that share
    // its first two characters (its first, for a one-character prefix; all
    // words for ""), in id order. Words longer than that are not checked:
    // for_each_word_with_prefix() does.
    std::span<const word_id> words_sharing_start(std::string_view prefix) const noexcept;
    template <class F>
    void for_each_word_with_prefix(std::string_view prefix, F&& f) const {
        for (word_id w : words_sharing_start(prefix))
            if (word(w).starts_with(prefix)) f(w);
    }
    // The entries whose own hex word (an algorithmic name's "4E00") starts with
    // `prefix`: up to three ascending runs, for 4, 5 and 6 hex digits.
    struct self_named_runs {
        std::span<const entry_id> runs[3];
    };
    self_named_runs self_named_with_prefix(std::string_view prefix) const noexcept;
    // Which of 32 letter classes a word has: bit c - 'A' for A..Z, bit
    // 26 + digit % 6 for digits. Two words k edits apart differ by at most k
    // classes each way, which rules most words out before any edit distance.
    // (Made when needed: kept per word, they cost the build ~0.2 ms.)
    static std::uint32_t letter_classes_of(std::string_view upper_word) noexcept;

    // --- Formal name aliases (NameAliases.txt: correction, abbreviation,
    // alternate), of named characters other than controls -------------------
    // Distinct words of all aliases, ascending; each with its entries.
    std::span<const std::string_view> alias_words() const noexcept { return alias_words_; }
    std::span<const entry_id> alias_entries_of(std::size_t alias_word) const noexcept {
        return {alias_postings_.data() + alias_posting_start_[alias_word],
                alias_postings_.data() + alias_posting_start_[alias_word + 1]};
    }
    // The entries one of whose aliases has this word (upper-case), ascending.
    std::span<const entry_id> alias_entries_with(std::string_view word) const noexcept;
    // The aliases of a code point, in NameAliases.txt order (controls' too).
    std::span<const std::string_view> aliases_of(char32_t cp) const noexcept;

    // The name of the block holding `cp` as Unicode writes it (Blocks.txt:
    // "Greek and Coptic"), or "No_Block" outside every block.
    static std::string_view block_name(char32_t cp) noexcept;

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

    // Word ids grouped by their first two characters (start_code() of each,
    // 37 * 37 groups), each group in id order; group g is
    // words_by_start_[start_group_[g], start_group_[g + 1]).
    static constexpr std::size_t start_codes = 37;
    static std::size_t start_code(char c) noexcept;
    std::vector<word_id> words_by_start_;
    std::vector<std::uint32_t> start_group_;

    std::vector<std::string_view> alias_words_;        // ascending, distinct
    std::vector<std::uint32_t> alias_posting_start_;   // alias_words_.size()+1
    std::vector<entry_id> alias_postings_;
    std::vector<char32_t> alias_code_points_;          // ascending, one per alias
    std::vector<std::string_view> alias_names_;        // parallel to alias_code_points_
};

}  // namespace mojifinder
