#pragma once
// The index of everything mojifinder answers with, read-only and shared by
// every thread without locks: every code point from U+0020 up that ICU
// names, and the emoji sequences of emoji-test.txt (fully-qualified, two or
// more code points, not just a character and U+FE0F), numbered together in
// code point sequence order; each word of a name -> the ascending list of
// entries whose name has it.
//
// Beside the names it holds what the search layer's query language needs:
// the vocabulary grouped by its first two characters (prefixes), letter
// classes (did-you-mean), code point -> entry, the formal name aliases
// (NameAliases.txt) and the sequences' names with posting lists of their own,
// kept apart from the names' so that a names-only search is v1 exactly; and
// for every CLDR locale, its keywords and short names ("tts") with a posting
// list per folded keyword word (keyword_words() in words.hpp).
//
// And the informal aliases of NamesList.txt ("= shift") and Unihan's
// English definitions and readings (Unihan_Readings.txt), each with the text
// shown for a code point and a word table of its own (word_table): sorted
// words, each with its ascending entries.
//
// All of it is generated at build time (datagen/) into one file, which
// open() maps read-only: nothing is built at start-up, only the pages a
// query touches become resident, and every process on a machine shares them.
#include "data_file.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mojifinder {

// Unihan's reading fields, in search::field's order from mandarin on.
enum class reading : std::uint8_t { mandarin, cantonese, japanese_kun, japanese_on, korean, vietnamese };
inline constexpr std::size_t reading_count = 6;

// Texts stored back to back, each ending in '\n' (a code point's informal
// aliases, in NamesList.txt order): iterable, indexable, as string_views.
class text_list {
public:
    text_list() noexcept = default;
    explicit text_list(std::string_view all) noexcept : all_(all) {}
    class iterator {
    public:
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        iterator() noexcept = default;
        explicit iterator(std::string_view rest) noexcept : rest_(rest) {}
        std::string_view operator*() const noexcept { return rest_.substr(0, rest_.find('\n')); }
        iterator& operator++() noexcept {
            rest_.remove_prefix(std::min(rest_.find('\n') + 1, rest_.size()));
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator was = *this;
            ++*this;
            return was;
        }
        bool operator==(const iterator& o) const noexcept { return rest_.size() == o.rest_.size(); }

    private:
        std::string_view rest_;
    };
    iterator begin() const noexcept { return iterator(all_); }
    iterator end() const noexcept { return iterator(all_.substr(all_.size())); }
    bool empty() const noexcept { return all_.empty(); }
    std::size_t size() const noexcept { return static_cast<std::size_t>(std::count(all_.begin(), all_.end(), '\n')); }
    std::string_view operator[](std::size_t i) const noexcept {
        iterator it = begin();
        while (i-- > 0) ++it;
        return *it;
    }
    std::string_view front() const noexcept { return *begin(); }

private:
    std::string_view all_;
};

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
// The line of an emoji sequence: its code points so written, separated by
// spaces, TAB, the sequence, TAB, its name, CRLF.
void append_answer_line(std::string& out, std::u32string_view code_points, std::string_view name);

class index {
public:
    // An entry is a named character or an emoji sequence; entries are
    // numbered in code point sequence order (U+1F469 comes before U+1F469
    // U+200D U+1F692, which comes before U+1F46A), so ascending entry ids are
    // the order answers are written in.
    using entry_id = std::uint32_t;

    // Maps the data file datagen wrote. Throws data_error, whose what() says
    // exactly what is wrong (missing, not a data file, another format
    // version, another ICU version, truncated), when it cannot be served.
    static index open(const std::string& path);
    // Where the build tree's datagen put the file (tests, fuzzers, benches).
    static std::string build_tree_data_path();

    struct data_versions {
        std::string_view unicode;  // "15.0"
        std::string_view cldr;     // "41"
        std::string_view icu;      // "72.1": the ICU the file was made with
    };
    data_versions versions() const noexcept;
    // The data file's arrays, in name order, with their sizes: what the file
    // is made of (mojifinder-probe data-sizes).
    std::span<const data_file::array_record> arrays() const noexcept { return arrays_; }

    std::size_t size() const noexcept { return line_start_.size() - 1; }
    // Distinct words of all names, the hex words of algorithmic names included.
    std::size_t word_count() const noexcept { return word_text_.size() + self_named_.size(); }

    // An entry's first code point (its only one unless is_sequence()).
    char32_t code_point(entry_id e) const noexcept;
    // All its code points, in order, into `out`; returns how many (at most
    // max_sequence).
    static constexpr std::size_t max_sequence = 16;
    std::size_t code_points(entry_id e, std::span<char32_t, max_sequence> out) const noexcept;
    bool is_sequence(entry_id e) const noexcept;
    std::string_view name(entry_id e) const noexcept;
    // How many distinct words its name has (as the name's word lists post
    // them; a sequence's name too), at most 255: relevance order's "extra
    // words" (search.hpp), precomputed by datagen.
    std::size_t name_word_count(entry_id e) const noexcept { return name_words_[e]; }
    std::span<const std::uint8_t> name_word_counts() const noexcept { return name_words_; }
    // The fewest name words among entries [64 b, 64 b + 64), for each b: a
    // bitmap word of entries whose names are all too long for a ranked top
    // is passed over whole (search: Rank/top20/p*). Made at open() from
    // name_word_counts(): 2,367 bytes, ~20 us.
    static constexpr std::size_t name_word_block = 64;
    std::span<const std::uint8_t> fewest_name_words() const noexcept { return fewest_name_words_; }

    // An entry's answer line, ready to send: "U+1F431\t🐱\tCAT FACE\r\n",
    // "U+1F469 U+200D U+1F692\t👩‍🚒\tWOMAN FIREFIGHTER\r\n".
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
    // The entry of exactly this code point sequence (one code point: its
    // character's entry), or no_entry. Sequences are stored as emoji-test.txt
    // writes them fully-qualified, U+FE0F included.
    entry_id entry_of(std::u32string_view code_points) const noexcept;

    // --- Emoji sequences -----------------------------------------------------
    // Every sequence entry, ascending.
    std::span<const entry_id> sequences() const noexcept { return sequences_; }
    // The sequences with a skin tone modifier (U+1F3FB..U+1F3FF), ascending:
    // left out of an answer unless the query names a tone.
    std::span<const entry_id> toned_sequences() const noexcept { return toned_; }
    // A skin-tone sequence's base (itself without its tones; without U+FE0F
    // too when that is no entry) and its distinct tones, in order; base is
    // no_entry for any other entry.
    struct toned_parts {
        entry_id base = no_entry;
        std::array<entry_id, 2> tones{};
        std::size_t tone_count = 0;
    };
    toned_parts parts_of_toned(entry_id e) const noexcept;
    static constexpr bool is_skin_tone(char32_t cp) noexcept { return cp >= 0x1F3FB && cp <= 0x1F3FF; }

    // --- The vocabulary: words of the word table, each with an id ------------
    // (The hex words of algorithmic names are not in it; see self_named_.)
    using word_id = std::uint32_t;
    std::size_t vocabulary_size() const noexcept { return word_text_.size(); }
    std::string_view word(word_id w) const noexcept {
        return {text_.data() + word_text_[w], word_size_[w]};
    }
    std::span<const entry_id> entries_of(word_id w) const noexcept {
        return {postings_.data() + posting_start_[w], postings_.data() + posting_start_[w + 1]};
    }
    // The words that may start with `prefix` (upper-case): those that share
    // its first two characters (its first, for a one-character prefix; all
    // words for ""), in id order. Words longer than that are not checked:
    // for_each_word_with_prefix() does.
    std::span<const word_id> words_sharing_start(std::string_view prefix) const noexcept;
    // A table's lead unions (data_file::lead_count): for a first byte, the
    // entries of every word of the table that starts with it, ascending and
    // distinct, precomputed by datagen.
    class lead_unions {
    public:
        std::span<const entry_id> entries_with_lead(char c) const noexcept {
            if (start_.empty()) return {};  // a table without them
            auto b = static_cast<unsigned char>(c);
            return {postings_.data() + start_[b], postings_.data() + start_[b + 1u]};
        }
        std::size_t memory_bytes() const noexcept { return start_.size_bytes() + postings_.size_bytes(); }

    private:
        friend class index_loader;
        std::span<const std::uint32_t> start_;  // data_file::lead_count + 1 offsets into postings_
        std::span<const entry_id> postings_;
    };
    // The entries with a name word that starts with `c`: one list for what
    // for_each_word_with_prefix(c) gives word by word.
    std::span<const entry_id> entries_with_lead(char c) const noexcept { return name_leads_.entries_with_lead(c); }
    template <class F>
    void for_each_word_with_prefix(std::string_view prefix, F&& f) const {
        // A prefix of one or two of A-Z and 0-9 is its group's start
        // exactly: every word there has it (p*: the check was ~15 % of it).
        bool whole_group = prefix.size() <= 2 && std::all_of(prefix.begin(), prefix.end(), [](char c) {
            return data_file::start_code(c) != 0;
        });
        for (word_id w : words_sharing_start(prefix))
            if (whole_group || word(w).starts_with(prefix)) f(w);
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

    // The least byte string after every string that starts with `prefix`
    // (its last byte below 0xFF raised by one, after dropping trailing 0xFF
    // bytes), or "" when none is (all 0xFF, or no prefix). The words of a
    // sorted table that start with `prefix` are those from the first not
    // below `prefix` to the first not below this: two binary searches, not
    // a comparison per word (p*: 832 definition words, 8 % of
    // Rank/top20/p* in memcmp).
    static std::string past_prefix(std::string_view prefix);

    // --- Other names: the formal name aliases (NameAliases.txt: correction,
    // abbreviation, alternate) of named characters other than controls, and
    // the sequences' names (their words of A-Z and 0-9) -------------------
    // Distinct words of all of them, ascending; each with its entries.
    std::span<const std::string_view> alias_words() const noexcept { return alias_words_; }
    std::span<const entry_id> alias_entries_of(std::size_t alias_word) const noexcept {
        return {alias_postings_.data() + alias_posting_start_[alias_word],
                alias_postings_.data() + alias_posting_start_[alias_word + 1]};
    }
    // f(std::string_view word, std::span<const entry_id>) for each of those
    // words that starts with `prefix`, in byte order.
    template <class F>
    void for_each_alias_word_with_prefix(std::string_view prefix, F&& f) const {
        std::string past = past_prefix(prefix);
        auto end = past.empty() ? alias_words_.end()
                                : std::lower_bound(alias_words_.begin(), alias_words_.end(), std::string_view(past));
        for (auto it = std::lower_bound(alias_words_.begin(), alias_words_.end(), prefix); it < end; ++it)
            f(*it, alias_entries_of(static_cast<std::size_t>(it - alias_words_.begin())));
    }
    // The entries one of whose aliases has this word (upper-case), ascending.
    std::span<const entry_id> alias_entries_with(std::string_view word) const noexcept;
    // The aliases of a code point, in NameAliases.txt order (controls' too).
    std::span<const std::string_view> aliases_of(char32_t cp) const noexcept;

    // The name of the block holding `cp` as Unicode writes it (Blocks.txt:
    // "Greek and Coptic"), or "No_Block" outside every block.
    static std::string_view block_name(char32_t cp) noexcept;

    // --- Languages: CLDR's annotation locales -------------------------------
    // Numbered in tag order. A regional locale (de_CH) has every keyword of
    // its parent's (de) that it does not override, already merged into its
    // own word lists; its short names and keywords fall back to its parent's
    // per entry.
    using language_id = std::uint16_t;
    static constexpr language_id no_language = 0xFFFF;
    std::size_t language_count() const noexcept { return languages_.size(); }
    std::string_view language_tag(language_id l) const noexcept;   // "de_CH"
    std::string_view language_name(language_id l) const noexcept;  // in itself: "Deutsch (Schweiz)"
    language_id language_parent(language_id l) const noexcept;     // no_language for a root one
    // Whether keywords and queries in it are matched without accents
    // (keyword_words()): corazon finds corazón.
    bool folds_accents(language_id l) const noexcept;
    // The language of a tag as CLDR writes it or as BCP 47 does ("de_CH",
    // "de-CH", "DE-ch"); a regional tag without annotations of its own is its
    // language's (pt_BR: pt; en-US: en); no_language when none is known.
    language_id find_language(std::string_view tag) const noexcept;
    language_id english() const noexcept { return english_; }

    // The entries one of whose keywords or short name in `l` has this word
    // (folded by keyword_words() for `l`), ascending, except those whose
    // name has it too: a word of ASCII letters and digits leaves out
    // entries_with() its upper-case form, which a query word looks up
    // beside it. Empty for a word that is not `l`'s, and for one whose
    // entries all have it in their names (has_keyword_word() tells them apart).
    std::span<const entry_id> keyword_entries_with(language_id l, std::string_view word) const noexcept;
    bool has_keyword_word(language_id l, std::string_view word) const noexcept;
    // Each keyword word of `l` that starts with `prefix` (folded), in byte
    // order, with its entries as keyword_entries_with() has them:
    // f(std::string_view word, std::span<const entry_id>).
    template <class F>
    void for_each_keyword_with_prefix(language_id l, std::string_view prefix, F&& f) const {
        std::string past = past_prefix(prefix);
        std::size_t end = past.empty() ? keyword_word_count(l) : first_keyword_word(l, past);
        for (std::size_t i = first_keyword_word(l, prefix); i < end; ++i) f(keyword_word(l, i), keyword_entries_of(l, i));
    }
    std::size_t keyword_word_count(language_id l) const noexcept { return languages_[l].word_at.size(); }
    std::string_view keyword_word(language_id l, std::size_t i) const noexcept;
    std::span<const entry_id> keyword_entries_of(language_id l, std::size_t i) const noexcept {
        const entry_id* list = keyword_postings_.data() + languages_[l].posting_at[i];
        return {list + 1, list[0]};
    }

    // An entry's short name in `l` ("cat face", "Katzengesicht"), appended to
    // `out`; false (nothing appended) when CLDR has none for it. A skin-tone
    // sequence's is made as CLDR derives it: its base's, the language's
    // separator, its tones'.
    bool append_short_name(language_id l, entry_id e, std::string& out) const;
    // The same for a caller that keeps a skin-tone sequence's parts
    // (parts_of_toned(e), which reads its code points and looks its base up
    // by them: ~0.6 us, most of ranking emo*'s 1,785 toned sequences).
    bool append_short_name(language_id l, entry_id e, const toned_parts& parts, std::string& out) const;
    // Its keywords in `l`, in CLDR's order: f(std::string_view keyword). A
    // skin-tone sequence's are its base's, then its tones' short names.
    template <class F>
    void for_each_keyword(language_id l, entry_id e, F&& f) const {
        if (toned_parts parts = parts_of_toned(e); parts.base != no_entry) {
            for_each_keyword(l, parts.base, f);
            std::string tone;
            for (std::size_t i = 0; i < parts.tone_count; ++i) {
                tone.clear();
                if (append_short_name(l, parts.tones[i], tone)) f(std::string_view(tone));
            }
            return;
        }
        auto [lang, at] = annotation_of(l, e);
        if (lang == no_language) return;
        const auto& k = languages_[lang];
        for (std::uint32_t i = k.keyword_start[at]; i < k.keyword_start[at + 1]; ++i)
            f(string_at(k, k.keywords[i]));
    }

    // --- NamesList.txt's informal aliases and Unihan ------------------------
    // Sorted words, each with its entries (ascending), all in the mapped
    // file: a look-up is a binary search over it, nothing is built at open().
    class word_table {
    public:
        std::size_t size() const noexcept { return word_start_.empty() ? 0 : word_start_.size() - 1; }
        std::string_view word(std::size_t i) const noexcept {
            return {text_.data() + word_start_[i], word_start_[i + 1] - word_start_[i]};
        }
        std::span<const entry_id> entries_of(std::size_t i) const noexcept {
            return {postings_.data() + posting_start_[i], postings_.data() + posting_start_[i + 1]};
        }
        // The first word not below `word` (byte order); size() if none.
        std::size_t lower_bound(std::string_view word) const noexcept;
        std::span<const entry_id> entries_with(std::string_view word) const noexcept;
        // The entries of its words that start with `c` (lead_unions): the
        // names', informal aliases' and definitions' tables have them, the
        // readings' (never searched by prefix) do not.
        std::span<const entry_id> entries_with_lead(char c) const noexcept { return leads_.entries_with_lead(c); }
        // f(std::string_view word, std::span<const entry_id>) for each word
        // starting with `prefix`, in byte order.
        template <class F>
        void for_each_with_prefix(std::string_view prefix, F&& f) const {
            std::string past = past_prefix(prefix);
            std::size_t end = past.empty() ? size() : lower_bound(past);
            for (std::size_t i = lower_bound(prefix); i < end; ++i) f(word(i), entries_of(i));
        }
        std::size_t memory_bytes() const noexcept {
            return text_.size_bytes() + word_start_.size_bytes() + posting_start_.size_bytes() + postings_.size_bytes() +
                   slots_.size_bytes() + leads_.memory_bytes();
        }

    private:
        friend class index_loader;
        std::span<const char> text_;
        std::span<const std::uint32_t> word_start_;     // size()+1 offsets into text_
        std::span<const std::uint32_t> posting_start_;  // size()+1 offsets into postings_
        std::span<const entry_id> postings_;
        // Word index + 1 by slot_of() (0: free): a look-up is one or two
        // probes, not a binary search's ~14 (a word term asks two tables).
        std::span<const std::uint32_t> slots_;
        lead_unions leads_;
    };

    // A code point's informal aliases ("= shift" of U+21E7: "shift"), in
    // NamesList.txt order; empty when it has none.
    text_list informal_aliases_of(char32_t cp) const noexcept;
    // Its Unihan kDefinition ("water, liquid, lotion, juice"), "" when none.
    std::string_view definition_of(char32_t cp) const noexcept;
    // The raw text of a reading field ("shuǐ"; kVietnamese "héo thuỷ"), "" when none.
    std::string_view reading_of(char32_t cp, reading r) const noexcept;

    // The informal aliases' words: made as names' words are (upper-case
    // A-Z and 0-9, every other character separates: upper_name_words() in
    // words.hpp), each with the entries whose informal alias has it.
    const word_table& informal_words() const noexcept { return informal_words_; }
    // The definitions' words, made the same way ("WATER"): English words.
    const word_table& definition_words() const noexcept { return definition_words_; }
    // A reading field's keys (reading_keys()), each with its entries.
    const word_table& reading_words(reading r) const noexcept { return reading_words_[static_cast<std::size_t>(r)]; }

    // The keys a reading is found by, as the data file and a query make
    // them. `toned`: with its tone ("shui3", "seoi2", "thuỷ"), or "" when it
    // has none; `toneless`: without ("shui", "seoi", "thuy"; "mizu"). Both
    // "" when the text cannot be such a reading.
    //   mandarin: pinyin, lower-case; a tone mark (ā á ǎ à) or a final digit
    //     1-5 is the tone's digit at the end; ü (or v) is v: "lǜ" is lv4.
    //   cantonese: jyutping, lower-case; a final digit 1-6 is the tone.
    //   vietnamese: lower-case; toned is the text in NFC when it has any
    //     mark, toneless is it without marks (đ is d).
    //   japanese_kun, japanese_on, korean: lower-case, toneless only.
    // Letters beyond these (for the first two, anything but a-z and marks
    // on them) make no keys.
    static void reading_keys(reading r, std::string_view text, std::string& toned, std::string& toneless);

    // Bytes of the file that the index refers to (what a process could page in).
    std::size_t memory_bytes() const noexcept;

private:
    friend class index_loader;
    index() = default;

    // The hex word of an algorithmic name ("4E00" in CJK UNIFIED
    // IDEOGRAPH-4E00) belongs to that one character: such entries are found
    // by code point instead of through the word table, which keeps ~98,000
    // one-entry words out of it.
    std::span<const entry_id> self_named_with(std::string_view word) const noexcept;
    // append_short_name(), a skin-tone sequence's parts asked of parts_of()
    // only when it has no annotation of its own.
    template <class PartsOf>
    bool append_short_name_with(language_id l, entry_id e, PartsOf&& parts_of, std::string& out) const;
    static constexpr std::uint32_t no_word = ~std::uint32_t{0};
    std::uint32_t find_word(std::string_view word) const noexcept;  // in the word table
    std::string_view hex_of(entry_id e) const noexcept;  // of its first code point

    // The mapped file; every span below points into it.
    std::shared_ptr<const void> mapping_;
    data_versions versions_;
    std::span<const data_file::array_record> arrays_;

    std::span<const char> text_;                 // every answer line, back to back (then the words' text)
    std::span<const std::uint32_t> line_start_;  // size()+1 offsets into text_
    std::span<const entry_id> self_named_;       // ascending: entries whose name has their own hex
    std::span<const std::uint8_t> name_words_;   // per entry: name_word_count()
    lead_unions name_leads_;                     // "names/lead_..."
    std::span<const std::uint32_t> word_text_;   // per word: offset of its text in text_
    std::span<const std::uint8_t> word_size_;
    std::span<const std::uint32_t> posting_start_;  // word_count()+1 offsets into postings_
    std::span<const entry_id> postings_;
    std::span<const std::uint32_t> slots_;       // open-addressing table: word id + 1, 0 = free

    // Word ids grouped by their first two characters (data_file::start_code()
    // of each, 37 * 37 groups), each group in id order; group g is
    // words_by_start_[start_group_[g], start_group_[g + 1]).
    std::span<const word_id> words_by_start_;
    std::span<const std::uint32_t> start_group_;

    // Made at open() from the file's offsets (a few thousand views).
    std::vector<std::string_view> alias_words_;        // ascending, distinct
    std::vector<std::uint8_t> fewest_name_words_;      // per name_word_block entries
    std::span<const std::uint32_t> alias_posting_start_;   // alias_words_.size()+1
    std::span<const entry_id> alias_postings_;
    std::vector<std::string_view> alias_names_;        // parallel to detail::name_aliases

    std::span<const entry_id> sequences_;
    std::span<const entry_id> toned_;

    struct language {
        std::string_view tag, name;
        language_id parent = no_language;
        bool folds_accents = false;
        std::string_view tone_separator, tone_list_separator;  // "thumbs up: light skin tone"
        // The keyword words, sorted: word i is strings[word_at[i]] for
        // word_size[i] bytes; its entries are at keyword_postings_[posting_at[i]].
        std::span<const std::uint32_t> word_at;
        std::span<const std::uint8_t> word_size;
        std::span<const std::uint32_t> posting_at;
        std::span<const std::uint32_t> word_first;   // 257: the first word of each first byte
        std::span<const entry_id> annotated;         // entries it annotates itself, ascending
        std::span<const std::uint32_t> short_at;     // per annotated: offset into strings, or no_string
        std::span<const std::uint32_t> keyword_start;  // annotated + 1 offsets into keywords
        std::span<const std::uint32_t> keywords;     // offsets into strings
        std::span<const char> strings;               // NUL-terminated
        std::span<const entry_id> underivable;       // skin-tone sequences whose derived short name is not CLDR's
    };
    static constexpr std::uint32_t no_string = ~std::uint32_t{0};
    static std::string_view string_at(const language& k, std::uint32_t offset) noexcept;
    // Which language (l or an ancestor) annotates `e`, and where in its
    // annotated list; {no_language, 0} when none does.
    std::pair<language_id, std::size_t> annotation_of(language_id l, entry_id e) const noexcept;
    std::size_t first_keyword_word(language_id l, std::string_view prefix) const noexcept;
    std::vector<language> languages_;
    language_id english_ = 0;
    // Every language's keyword posting lists, each distinct list once: its
    // size, then its entries.
    std::span<const entry_id> keyword_postings_;

    // Informal aliases: code points (ascending) with their texts, each
    // alias ending in '\n'; code point i's are text[at[i], at[i + 1]).
    std::span<const char32_t> informal_code_points_;
    std::span<const std::uint32_t> informal_at_;
    std::span<const char> informal_text_;
    word_table informal_words_;
    // Unihan: code points (ascending) with their seven fields' texts
    // (kDefinition, then the readings in reading order); code point i's
    // field f is text[at[7 i + f], at[7 i + f + 1]).
    static constexpr std::size_t unihan_fields = 1 + reading_count;
    std::span<const char32_t> unihan_code_points_;
    std::span<const std::uint32_t> unihan_at_;
    std::span<const char> unihan_text_;
    std::string_view unihan_field(char32_t cp, std::size_t f) const noexcept;
    word_table definition_words_;
    std::array<word_table, reading_count> reading_words_;
};

}  // namespace mojifinder
